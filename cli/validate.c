/* sendoc validate CASE.xml... */
#include "cli.h"
#include <getopt.h>

int cmd_validate(int argc, char **argv)
{
  cli_common com = { 0 };
  int done = cli_common_only("validate", argc, argv, &com);
  if (done >= 0) return done;
  if (optind >= argc) return cli_usage_error("validate", "no case files given");
  int code = EXIT_OK;
  sd_engine *e = cli_engine(&com, &code);
  if (!e) return code;
  int worst = EXIT_OK;
  for (int i = optind; i < argc; i++) {
    sd_diags *d = sd_diags_new();
    sd_case *cs = NULL;
    sd_status st = sd_case_load(e, argv[i], NULL, &cs, d);
    cli_print_diags(d, &com);
    int ec = cli_exit_code(st);
    if (ec == EXIT_OK && !com.json) printf("%s: valid\n", argv[i]);
    if (ec > worst) worst = ec;
    sd_case_free(cs);
    sd_diags_free(d);
  }
  sd_engine_free(e);
  return worst;
}
