/* textdump: what a render is meant to say, as the EXPECTED.json that
 * ../shared/a11y/text_roundtrip.py and tests/integration/text_order.py take:
 * every heading, paragraph, list item and table cell in document order, one
 * entry per stretch of one language. Runs the pipeline up to the resolved
 * document tree (never the PDF), so checking a PDF against it tests layout,
 * fonts, the text layer and tagging.
 *   textdump DATA_DIR CASE.xml TEMPLATE LANG STYLE > expected.json */
#include "case.h"
#include "engine_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

static void json_str(const char *s)
{
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') printf("\\%c", *p);
    else if (*p < 0x20) printf("\\u%04x", *p);
    else putchar(*p);
  }
  putchar('"');
}

static int first = 1;

/* A stretch with no letter (quotation marks around a quote, a comma) has
 * no language to check: it is left out. */
static int has_letter(const char *t)
{
  int32_t i = 0, n = (int32_t)strlen(t);
  while (i < n) {
    UChar32 c;
    U8_NEXT(t, i, n, c);
    if (c > 0 && u_isalpha(c)) return 1;
  }
  return 0;
}

static void entry(const char *lang, const char *text)
{
  const char *t = text;
  while (*t == ' ' || *t == '\n') t++;
  if (!*t || !has_letter(t)) return;
  printf("%s\n {\"lang\": ", first ? "" : ",");
  json_str(lang);
  printf(", \"text\": ");
  json_str(t);
  printf("}");
  first = 0;
}

/* One entry per stretch of inlines in one language. */
static void inlines(const sd_inline *inl, size_t n, const char *lang)
{
  char *buf = NULL;
  size_t len = 0;
  const char *cur = NULL;
  for (size_t i = 0; i <= n; i++) {
    const char *l = i < n ? (inl[i].lang ? inl[i].lang : lang) : NULL;
    if (i == n || (cur && strcmp(l, cur) != 0)) {
      if (buf) entry(cur, buf);
      free(buf);
      buf = NULL;
      len = 0;
    }
    if (i == n) break;
    cur = l;
    const char *t = inl[i].kind == SD_INL_BREAK ? " " : inl[i].text ? inl[i].text : "";
    size_t tl = strlen(t);
    char *nb = realloc(buf, len + tl + 1);
    if (!nb) break;
    buf = nb;
    memcpy(buf + len, t, tl);
    len += tl;
    buf[len] = 0;
  }
  free(buf);
}

static void blocks(const sd_block *b, const char *lang)
{
  const char *l = b->lang ? b->lang : lang;
  /* a table's header row is read once (grid) or before every cell (stacked,
   * the layout's choice): only the body cells have one order */
  if (b->kind == SD_BLK_ROW && b->header) return;
  if (b->kind == SD_BLK_HEADING || b->kind == SD_BLK_PARAGRAPH || b->kind == SD_BLK_CELL) inlines(b->inl, b->n_inl, l);
  for (size_t i = 0; i < b->n_children; i++) blocks(&b->children[i], l);
}

int main(int argc, char **argv)
{
  if (argc != 6) {
    fprintf(stderr, "usage: textdump DATA_DIR CASE.xml TEMPLATE LANG STYLE\n");
    return 2;
  }
  sd_diags *d = sd_diags_new();
  sd_engine *e = NULL;
  sd_case *c = NULL;
  sd_doc_tree t;
  memset(&t, 0, sizeof t);
  sd_render_options opt = { .template_ref = argv[3], .lang = argv[4], .style = argv[5], .date_epoch = -1 };
  int rc = 1;
  if (sd_engine_new(argv[1], &e, d) == SD_OK && sd_case_load(e, argv[2], NULL, &c, d) == SD_OK &&
      sd_engine_document(e, c, &opt, &t, d) == SD_OK) {
    printf("[");
    blocks(&t.root, t.lang ? t.lang : argv[4]);
    printf("\n]\n");
    rc = 0;
  } else {
    for (size_t i = 0; i < d->n; i++) fprintf(stderr, "textdump: %s\n", d->items[i].message);
  }
  sd_doc_tree_free(&t);
  sd_case_free(c);
  sd_engine_free(e);
  sd_diags_free(d);
  return rc;
}
