/* libFuzzer target: random bytes as one paragraph through sd_text_layout.
 * The first byte picks the base direction, language, bold span and width.
 *   clang -fsanitize=fuzzer,address,undefined ... tests/fuzz/fuzz_text.c
 *     engine/text.c engine/text_shape.c engine/fonts.c engine/diag.c
 * Run from the repository root (reads fonts/fontmap.txt, or $SENDOC_FONTMAP). */
#include "text.h"
#include <stdlib.h>

static sd_fonts *fonts; /* fuzz harness only: one font set for the process */

static const char *const langs[8] = {"en", "ur", "ar", "bn", "pa-Arab", "zh-Hant", "ta", NULL};
static const float widths[4] = {1, 40, 300, 100000};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (!fonts) {
    const char *map = getenv("SENDOC_FONTMAP");
    if (sd_fonts_new(map ? map : "fonts/fontmap.txt", &fonts, NULL) != SD_OK) abort();
  }
  if (size < 1) return 0;
  uint8_t opt = data[0];
  const char *text = (const char *)data + 1;
  size_t len = size - 1;
  sd_text_params p = {12, widths[(opt >> 5) & 3], langs[opt & 7], (opt >> 3) & 3, NULL, "fuzz", "text", 1, 1};
  if (p.base_dir == 3) p.base_dir = 0;
  /* a bold span over the middle third, with its own language */
  sd_text_span spans[3] = {{0, (uint32_t)(len / 3), NULL, SD_FONT_REGULAR, NULL, 0, 0},
                           {(uint32_t)(len / 3), (uint32_t)(len / 3), "ur", SD_FONT_BOLD, NULL, 0, 0},
                           {(uint32_t)(2 * (len / 3)), (uint32_t)(len - 2 * (len / 3)), NULL, SD_FONT_REGULAR, NULL, 0, 0}};
  sd_diags *d = sd_diags_new();
  sd_para para;
  if (sd_text_layout(fonts, text, len, spans, (opt & 0x80) ? 3 : 0, &p, &para, d) == SD_OK) {
    for (size_t i = 0; i < para.n_lines; i++)
      for (size_t r = 0; r < para.lines[i].n_runs; r++)
        for (size_t g = 0; g < para.lines[i].runs[r].n_glyphs; g++)
          if (para.lines[i].runs[r].glyphs[g].text_len == 0) abort(); /* never empty */
    sd_para_free(&para);
  }
  sd_diags_free(d);
  return 0;
}
