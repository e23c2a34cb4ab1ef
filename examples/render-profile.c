/* render-profile: one child's one-page profile through libsendoc.
 *
 *   render-profile CASE.xml OUT.pdf [LANG [DATA_DIR]]
 *
 * Loads and validates the case, renders the one-page-profile template in LANG
 * (default en-GB), writes OUT.pdf (mode 0600) and prints every diagnostic as
 * FILE:LINE:COLUMN: severity: message [code]. DATA_DIR is the folder of
 * templates, catalogues, schema and font map; without it, the installed one.
 * Exit status: 0 written, 1 not (the diagnostics say why).
 * Build: make (uses pkg-config --cflags --libs sendoc). */
#include <sendoc.h>
#include <stdio.h>

static void print_diags(const sd_diags *d)
{
  static const char *const sev[] = {"note", "warning", "error"};
  for (size_t i = 0; i < sd_diags_count(d); i++) {
    sd_diag_info di;
    if (sd_diags_get(d, i, &di) != SD_OK) continue;
    fprintf(stderr, "%s:%d:%d: %s: %s [%s]\n", di.file ? di.file : "-", di.line, di.column,
            sev[di.severity], di.message, di.code);
  }
}

int main(int argc, char **argv)
{
  if (argc < 3 || argc > 5) {
    fprintf(stderr, "usage: %s CASE.xml OUT.pdf [LANG [DATA_DIR]]\n", argv[0]);
    return 2;
  }
  sd_diags *d = sd_diags_new();
  if (!d) return 1;
  sd_engine *e = NULL;
  sd_case *c = NULL;
  unsigned char *pdf = NULL;
  size_t len = 0;
  sd_status st = sd_engine_new(argc > 4 ? argv[4] : NULL, &e, d);
  if (st == SD_OK) st = sd_case_load(e, argv[1], &SD_LIMITS_DEFAULT, &c, d);
  if (st == SD_OK) {
    sd_render_options o;
    sd_render_options_init(&o);
    o.template_ref = "one-page-profile";
    o.lang = argc > 3 ? argv[3] : "en-GB";
    st = sd_render(e, c, &o, &pdf, &len, d);
  }
  if (st == SD_OK) st = sd_write_file_atomic(argv[2], pdf, len, d);
  print_diags(d);
  if (st == SD_OK) printf("sendoc %s: wrote %s, %zu bytes\n", SD_VERSION, argv[2], len);
  else fprintf(stderr, "render-profile: failed with status %d\n", (int)st);
  sd_free(pdf);
  sd_case_free(c);
  sd_engine_free(e);
  sd_diags_free(d);
  return st == SD_OK ? 0 : 1;
}
