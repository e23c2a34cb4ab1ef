/* fuzz_case: libFuzzer target for case parsing, validation and the tree.
 *   clang -fsanitize=fuzzer,address,undefined -Iengine/include -Iengine \
 *     $(pkg-config --cflags libxml-2.0) tests/fuzz/fuzz_case.c engine/case.c engine/case_tree.c \
 *     engine/case_find.c engine/case_message.c engine/diag.c $(pkg-config --libs libxml-2.0) -o fuzz_case
 *   ./fuzz_case -dict=tests/fuzz/fuzz_case.dict tests/fuzz/corpus/fuzz_case
 * Run from the repository root (or set SENDOC_XSD). The schema is loaded
 * once; the first byte picks limits and whether photos may resolve (inside
 * tests/case only). Writes no files. */
#include "case.h"
#include <libxml/parser.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static sd_schema *schema;
static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  xmlInitParser();
  const char *xsd = getenv("SENDOC_XSD");
  sd_diags *d = sd_diags_new();
  if (sd_schema_load(xsd ? xsd : "engine/schema/case.xsd", &schema, d) != SD_OK) {
    fprintf(stderr, "fuzz_case: cannot load the schema (run from the repository root)\n");
    abort();
  }
  sd_diags_free(d);
  sink = fopen("/dev/null", "w");
  return 0;
}

static void walk(const sd_case_node *n, unsigned depth)
{
  const char *used;
  sd_case_text_in(n, "ur", &used);
  sd_case_text_in(n, "pa-Arab-PK", &used);
  for (size_t i = 0; i < n->n_translations; i++) walk(n->translations[i], depth + 1);
  for (size_t i = 0; i < n->n_children; i++) walk(n->children[i], depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1) return 0;
  uint8_t opt = data[0];
  sd_limits lim = SD_LIMITS_DEFAULT;
  if (opt & 1) lim.max_depth = 8;
  if (opt & 2) lim.max_file_bytes = 4096;
  const char *base = (opt & 4) ? "tests/case" : NULL;
  sd_diags *d = sd_diags_new();
  sd_case *c = NULL;
  if (sd_case_parse(schema, data + 1, size - 1, "fuzz.xml", base, &lim, &c, d) == SD_OK) {
    walk(c->root, 0);
    sd_case_find(c->root, "child.photo.@src");
    sd_case_find(c->root, "meetings.meeting.attendees.person.role");
    const sd_case_node *p = sd_case_find(c->root, "child.photo");
    const sd_case_node *src = sd_case_find(p, "src");
    if (src) free(sd_case_resolve_photo(c, p, src->text, d));
    if (sink) sd_case_dump(c->root, sink);
    sd_case_free(c);
  }
  for (size_t i = 0; i < sd_diags_count(d); i++) {
    sd_diag_info g;
    sd_diags_get(d, i, &g);
    if (!g.code || !g.message) abort();
  }
  sd_diags_free(d);
  return 0;
}
