/* fuzz_lint_template: what `sendoc lint TEMPLATE` and `--lang` read from a
 * stranger. The first byte picks: even, the rest is a template linted in
 * memory (sd_lint_template_mem: parse, fields against the schema, catalogue
 * keys, {{#lang}} tags); odd, the rest is a --lang value (sd_check_lang,
 * with its did-you-mean search). Reads only the data folder, writes nothing.
 *   FUZZ_TARGETS=fuzz_lint_template FUZZ_SECONDS=120 sh tools/fuzz.sh */
#include "lint_template.h"
#include "sendoc.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sd_engine *engine;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  const char *dir = getenv("SENDOC_DATA");
  sd_diags *d = sd_diags_new();
  if (sd_engine_new(dir && *dir ? dir : "build-fuzz/share/sendoc", &engine, d) != SD_OK) {
    fprintf(stderr, "fuzz_lint_template: cannot load the data folder (set SENDOC_DATA)\n");
    abort();
  }
  sd_diags_free(d);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1 || size > 65536) return 0;
  sd_diags *d = sd_diags_new();
  if (data[0] & 1) {
    char tag[128];
    size_t n = size - 1 < sizeof tag - 1 ? size - 1 : sizeof tag - 1;
    memcpy(tag, data + 1, n);
    tag[n] = '\0';
    sd_check_lang(engine, tag, d);
  } else {
    /* not NUL-terminated: the linter must keep within len */
    char *text = malloc(size - 1 ? size - 1 : 1);
    memcpy(text, data + 1, size - 1);
    sd_lint_template_mem(engine, text, size - 1, "fuzz.md", d);
    free(text);
  }
  for (size_t i = 0; i < sd_diags_count(d); i++) {
    sd_diag_info g;
    if (sd_diags_get(d, i, &g) != SD_OK || !g.code || !g.message) abort();
  }
  sd_diags_free(d);
  return 0;
}
