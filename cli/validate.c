/* sendoc validate CASE.xml... */
#include "cli.h"
#include <getopt.h>

int cmd_validate(int argc, char **argv)
{
  static const struct option opts[] = { CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
  cli_common com = { 0 };
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == OPT_HELP) {
      cli_print_help("validate", stdout);
      return EXIT_OK;
    }
    if (cli_common_option(&com, c, optarg) != 1) return cli_usage_error("validate", "bad option");
  }
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
