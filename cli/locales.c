/* sendoc locales: the message catalogues --lang can use, one per line:
 * TAG <tab> NATIVE NAME <tab> ENGLISH NAME <tab> REVIEW STATUS. */
#include "cli.h"
#include <getopt.h>
#include "locale.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>

int cmd_locales(int argc, char **argv)
{
  cli_common com = { 0 };
  int done = cli_common_only("locales", argc, argv, &com);
  if (done >= 0) return done;
  if (optind < argc) return cli_usage_error("locales", "takes no arguments");
  char buf[PATH_MAX + 32], dir[PATH_MAX + 64];
  snprintf(dir, sizeof dir, "%s/locales", cli_data_dir(&com, buf, sizeof buf));
  sd_diags *d = sd_diags_new();
  sd_locale_info *list = NULL;
  size_t n = 0;
  sd_status st = d ? sd_locale_list(dir, &list, &n, d) : SD_E_NOMEM;
  cli_print_diags(d, &com);
  if (st != SD_OK) {
    if (st == SD_E_RESOURCE)
      cli_msg(NULL, SD_SEV_ERROR, "resource.data-dir", "cannot read the locales in %s (set --data-dir or SENDOC_DATA)", dir);
  } else if (n == 0) {
    cli_msg(NULL, SD_SEV_ERROR, "resource.data-dir", "no compiled catalogues (.res) in %s", dir);
    st = SD_E_RESOURCE;
  }
  for (size_t i = 0; i < n; i++)
    printf("%s\t%s\t%s\t%s\n", list[i].tag, list[i].name ? list[i].name : "-",
           list[i].english_name ? list[i].english_name : "-", list[i].status);
  sd_locale_list_free(list, n);
  sd_diags_free(d);
  if (fflush(stdout) != 0) return EXIT_ENV;
  return cli_exit_code(st);
}
