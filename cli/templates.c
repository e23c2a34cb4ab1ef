/* sendoc templates: the names --template accepts. */
#include "cli.h"
#include <getopt.h>
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_templates(int argc, char **argv)
{
  cli_common com = { 0 };
  int done = cli_common_only("templates", argc, argv, &com);
  if (done >= 0) return done;
  char buf[PATH_MAX + 32], dir[PATH_MAX + 64];
  snprintf(dir, sizeof dir, "%s/templates", cli_data_dir(&com, buf, sizeof buf));
  DIR *dp = opendir(dir);
  if (!dp) {
    cli_msg(NULL, SD_SEV_ERROR, "resource.data-dir", "cannot open the templates folder %s (set --data-dir or SENDOC_DATA)", dir);
    return EXIT_ENV;
  }
  char *names[256];
  size_t n = 0;
  struct dirent *de;
  while ((de = readdir(dp)) && n < 256) {
    size_t l = strlen(de->d_name);
    if (l > 3 && !strcmp(de->d_name + l - 3, ".md") && strcmp(de->d_name, "README.md"))
      names[n++] = strndup(de->d_name, l - 3);
  }
  closedir(dp);
  qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n; i++) {
    printf("%s\n", names[i]);
    free(names[i]);
  }
  return EXIT_OK;
}
