/* fuzz_render: libFuzzer target for the whole pipeline through the public API:
 * bytes -> sd_case_load_mem -> sd_render (one-page-profile) -> sd_free.
 *   FUZZ_TARGETS=fuzz_render FUZZ_SECONDS=120 sh tools/fuzz.sh
 * The engine is created once from $SENDOC_DATA (tools/fuzz.sh sets it; default
 * build-fuzz/share/sendoc). The first input byte picks the language and the
 * style (masked to valid choices, as cmark's fuzzer does) and, in its top
 * three bits, how many copies of the case go into one PDF: 1 renders with
 * sd_render, more with sd_render_cases (the several-cases path, whose combined
 * title once overran its buffer); the rest is the case. base_dir is NULL, so no photo is ever read: the target reads no case
 * files and writes no files. */
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
    fprintf(stderr, "fuzz_render: cannot load the data folder (set SENDOC_DATA)\n");
    abort();
  }
  sd_diags_free(d);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const langs[] = { "en-GB", "ur", "bn", "ar", "pl", "zh-Hans", "ta", "pa-Arab" };
  static const char *const styles[] = { NULL, "standard", "large-print", "dyslexia" };
  static const size_t copies[] = { 1, 1, 1, 1, 2, 3, 5, 8 };
  if (size < 1) return 0;
  sd_render_options ro = { .template_ref = "one-page-profile",
                           .lang = langs[data[0] & 7],
                           .style = styles[(data[0] >> 3) & 3],
                           .date_epoch = 1764547200 };
  sd_diags *d = sd_diags_new();
  sd_case *c = NULL;
  unsigned char *pdf = NULL;
  size_t len = 0;
  sd_status st = sd_case_load_mem(engine, data + 1, size - 1, "fuzz.xml", NULL, NULL, &c, d);
  if (st == SD_OK) {
    size_t n = copies[data[0] >> 5];
    if (n == 1) {
      st = sd_render(engine, c, &ro, &pdf, &len, d);
    } else {
      const sd_case *many[8];
      for (size_t i = 0; i < n; i++) many[i] = c;
      st = sd_render_cases(engine, many, n, &ro, &pdf, &len, d);
    }
    /* a rendered document is a whole PDF; a failed one returns nothing */
    if (st == SD_OK && (len < 8 || memcmp(pdf, "%PDF-", 5) != 0)) abort();
    if (st != SD_OK && (pdf || len)) abort();
  }
  /* every failure says why; every diagnostic has a code and a message */
  if (st != SD_OK && sd_diags_errors(d) == 0) abort();
  for (size_t i = 0; i < sd_diags_count(d); i++) {
    sd_diag_info g;
    if (sd_diags_get(d, i, &g) != SD_OK || !g.code || !g.message) abort();
  }
  sd_free(pdf);
  sd_case_free(c);
  sd_diags_free(d);
  return 0;
}
