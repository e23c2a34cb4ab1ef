/* sendoc locales: the message catalogues --lang can use, one per line:
 * TAG <tab> NATIVE NAME <tab> ENGLISH NAME <tab> REVIEW STATUS
 * (sd_engine_languages: the same list the web workspace offers). */
#include "cli.h"
#include <getopt.h>
#include <stdlib.h>

int cmd_locales(int argc, char **argv)
{
  cli_common com = { 0 };
  int done = cli_common_only("locales", argc, argv, &com);
  if (done >= 0) return done;
  if (optind < argc) return cli_usage_error("locales", "takes no arguments");
  int code = 0;
  sd_engine *e = cli_engine(&com, &code);
  if (!e) return code;
  sd_diags *d = sd_diags_new();
  sd_language_info *list = NULL;
  size_t n = 0;
  sd_status st = d ? sd_engine_languages(e, &list, &n, d) : SD_E_NOMEM;
  cli_print_diags(d, &com);
  for (size_t i = 0; i < n; i++)
    printf("%s\t%s\t%s\t%s\n", list[i].tag, list[i].name ? list[i].name : "-",
           list[i].english_name ? list[i].english_name : "-", list[i].status);
  sd_languages_free(list, n);
  sd_diags_free(d);
  sd_engine_free(e);
  if (fflush(stdout) != 0) return EXIT_ENV;
  return cli_exit_code(st);
}
