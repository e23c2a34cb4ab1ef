/* bidivisual: the Unicode Bidirectional Algorithm's display order (ICU ubidi)
 * of each line of logical text on standard input, left to right.
 *   printf 'R\tTEXT\n' | build/tools/bidivisual     R: right-to-left
 *                                                    paragraph, L: left-to-right
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

static int visual(const char *text, UBiDiLevel level, FILE *out)
{
  UErrorCode err = U_ZERO_ERROR;
  int32_t n = 0;
  u_strFromUTF8(NULL, 0, &n, text, -1, &err);
  if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err)) return -1;
  err = U_ZERO_ERROR;
  UChar *logical = malloc(sizeof(UChar) * ((size_t)n + 1));
  UChar *shown = malloc(sizeof(UChar) * ((size_t)n * 2 + 1));
  char *utf8 = malloc((size_t)n * 8 + 1);
  UBiDi *bidi = ubidi_open();
  int rc = -1;
  if (!logical || !shown || !utf8 || !bidi) goto done;
  u_strFromUTF8(logical, n + 1, NULL, text, -1, &err);
  ubidi_setPara(bidi, logical, n, level, NULL, &err);
  int32_t m = ubidi_writeReordered(bidi, shown, n * 2 + 1, UBIDI_REMOVE_BIDI_CONTROLS, &err);
  int32_t bytes = 0;
  u_strToUTF8(utf8, n * 8 + 1, &bytes, shown, m, &err);
  if (U_FAILURE(err)) goto done;
  fwrite(utf8, 1, (size_t)bytes, out);
  fputc('\n', out);
  fflush(out);
  rc = 0;
done:
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
    if (len < 2 || (line[0] != 'R' && line[0] != 'L') || line[1] != '\t') {
      fprintf(stderr, "bidivisual: a line is R or L, a tab, then text\n");
      status = 2;
      break;
    }
    if (visual(line + 2, line[0] == 'R' ? 1 : 0, stdout) != 0) {
      fprintf(stderr, "bidivisual: ICU could not reorder a line\n");
      status = 1;
      break;
    }
  }
  free(line);
  return status;
}
