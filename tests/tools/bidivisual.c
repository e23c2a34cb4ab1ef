/* bidivisual: the Unicode Bidirectional Algorithm's display order (ICU ubidi)
 * of each line of logical text on standard input, left to right.
 *   printf 'R\tTEXT\n' | build/tools/bidivisual     R: right-to-left
 *                                                    paragraph, L: left-to-right
 *   printf 'R:2:9\tTEXT\n' | build/tools/bidivisual  only the line that holds
 *                          code points 2 to 8 of the paragraph TEXT, resolved
 *                          in the whole paragraph (ubidi_setLine), as a
 *                          renderer shows one line of a wrapped paragraph
 * Characters are not mirrored (a PDF's text keeps the logical bracket),
 * combining marks are reversed with their run as every extractor that reads
 * glyph positions does, and bidi controls are dropped. One line out for each
 * line in, flushed, so a test can hold it open as a co-process. The
 * reader proofs (tests/integration/reader_limits.py) compare a reader's own
 * idea of a line's display order with this one: the oracle for "what the
 * page shows", independent of how sendoc drew it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubidi.h>
#include <unicode/ustring.h>

/* the UTF-16 index of code point cp of text (n units), or -1 */
static int32_t unit_of(const UChar *text, int32_t n, long cp)
{
  int32_t i = 0;
  for (long k = 0; k < cp; k++) {
    if (i >= n) return -1;
    U16_FWD_1(text, i, n);
  }
  return i;
}

static int visual(const char *text, UBiDiLevel level, long from, long to, FILE *out)
{
  UErrorCode err = U_ZERO_ERROR;
  int32_t n = 0;
  u_strFromUTF8(NULL, 0, &n, text, -1, &err);
  if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err)) return -1;
  err = U_ZERO_ERROR;
  UChar *logical = malloc(sizeof(UChar) * ((size_t)n + 1));
  UChar *shown = malloc(sizeof(UChar) * ((size_t)n * 2 + 1));
  char *utf8 = malloc((size_t)n * 8 + 1);
  UBiDi *bidi = ubidi_open(), *line = ubidi_open();
  int rc = -1;
  if (!logical || !shown || !utf8 || !bidi || !line) goto done;
  u_strFromUTF8(logical, n + 1, NULL, text, -1, &err);
  ubidi_setPara(bidi, logical, n, level, NULL, &err);
  UBiDi *shown_from = bidi;
  if (from >= 0) {
    int32_t start = unit_of(logical, n, from), limit = unit_of(logical, n, to);
    if (start < 0 || limit < start) goto done;
    ubidi_setLine(bidi, start, limit, line, &err);
    shown_from = line;
  }
  int32_t m = ubidi_writeReordered(shown_from, shown, n * 2 + 1, UBIDI_REMOVE_BIDI_CONTROLS, &err);
  int32_t bytes = 0;
  u_strToUTF8(utf8, n * 8 + 1, &bytes, shown, m, &err);
  if (U_FAILURE(err)) goto done;
  fwrite(utf8, 1, (size_t)bytes, out);
  fputc('\n', out);
  fflush(out);
  rc = 0;
done:
  if (line) ubidi_close(line);
  if (bidi) ubidi_close(bidi);
  free(logical);
  free(shown);
  free(utf8);
  return rc;
}

int main(void)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  int status = 0;
  while ((len = getline(&line, &cap, stdin)) >= 0) {
    if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
    long from = -1, to = -1;
    char *text = line + 1;
    if (len >= 2 && line[1] == ':') {
      from = strtol(line + 2, &text, 10);
      if (*text == ':') to = strtol(text + 1, &text, 10);
    }
    if (len < 2 || (line[0] != 'R' && line[0] != 'L') || *text != '\t' || (from >= 0) != (to >= 0)) {
      fprintf(stderr, "bidivisual: a line is R or L, optionally :FROM:TO, a tab, then text\n");
      status = 2;
      break;
    }
    if (visual(text + 1, line[0] == 'R' ? 1 : 0, from, to, stdout) != 0) {
      fprintf(stderr, "bidivisual: ICU could not reorder a line\n");
      status = 1;
      break;
    }
  }
  free(line);
  return status;
}
