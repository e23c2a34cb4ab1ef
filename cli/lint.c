/* sendoc lint CASE.xml|TEMPLATE... [--template T] [--lang TAG]
 * An operand is a template when it ends in .md, when the file starts with
 * front matter (---), or when it is no file but a template's name (ehcp);
 * anything else is a case file.
 * Exit status: 0 no findings (notes allowed), 1 findings or a file that does
 * not load, 2 usage (bad option, unknown template), 3 environment. */
#include "cli.h"
#include "sendoc.h"
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_template(const cli_common *com, const char *arg)
{
  size_t n = strlen(arg);
  if (n > 3 && !strcasecmp(arg + n - 3, ".md")) return 1;
  /* only a regular file is opened to look: a FIFO would block here; the
   * case loader then refuses it with a clear message */
  struct stat sb;
  if (stat(arg, &sb) == 0 && !S_ISREG(sb.st_mode)) return 0;
  FILE *fp = fopen(arg, "rb");
  if (fp) {
    char head[8] = { 0 };
    size_t k = fread(head, 1, sizeof head - 1, fp);
    fclose(fp);
    size_t at = (k >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3)) ? 3 : 0;
    return k >= at + 3 && !memcmp(head + at, "---", 3);
  }
  if (strchr(arg, '/')) return 0;
  char buf[PATH_MAX + 32], path[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/templates/%s.md", cli_data_dir(com, buf, sizeof buf), arg);
  return access(path, F_OK) == 0;
}

/* Warnings and errors in d from item i on. */
static size_t findings_from(const sd_diags *d, size_t i)
{
  size_t n = 0;
  for (; i < sd_diags_count(d); i++) {
    sd_diag_info g;
    if (sd_diags_get(d, i, &g) == SD_OK && g.severity >= SD_SEV_WARNING) n++;
  }
  return n;
}

int cmd_lint(int argc, char **argv)
{
  static const struct option opts[] = { { "template", required_argument, NULL, 't' },
                                        { "lang", required_argument, NULL, 'l' },
                                        CLI_COMMON_LONGOPTS,
                                        { NULL, 0, NULL, 0 } };
  cli_common com = { 0 };
  const char *tpl = NULL, *lang = NULL;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, ":t:l:", opts, NULL)) != -1) {
    switch (c) {
    case 't': tpl = optarg; break;
    case 'l': lang = optarg; break;
    case OPT_HELP: cli_print_help("lint", stdout); return EXIT_OK;
    default:
      if (c == '?' || c == ':') return cli_bad_option("lint", c, argv, opts);
      if (cli_common_option(&com, c, optarg) != 1) return EXIT_USAGE;
    }
  }
  if (optind >= argc) return cli_usage_error("lint", "no case files or templates given");
  int code = EXIT_OK;
  sd_engine *e = cli_engine(&com, &code);
  if (!e) return code;
  if (lang) {
    sd_diags *ld = sd_diags_new();
    sd_status lst = sd_check_lang(e, lang, ld);
    cli_print_diags(ld, &com);
    sd_diags_free(ld);
    if (lst != SD_OK) {
      sd_engine_free(e);
      return cli_exit_code(lst);
    }
  }

  /* One list for the run, so a catalogue gap shared by several cases is
   * reported once; printed after the last case. */
  sd_diags *d = sd_diags_new();
  size_t n_files = (size_t)(argc - optind);
  struct { size_t found; int linted; } *res = calloc(n_files, sizeof *res);
  if (!d || !res) {
    free(res);
    sd_diags_free(d);
    sd_engine_free(e);
    cli_msg("lint", SD_SEV_ERROR, "resource.memory", "out of memory");
    return EXIT_ENV;
  }
  int worst = EXIT_OK;
  for (int i = optind; i < argc && worst != EXIT_USAGE; i++) {
    size_t first = sd_diags_count(d);
    sd_case *cs = NULL;
    sd_status st;
    if (is_template(&com, argv[i])) st = sd_lint_template(e, argv[i], d);
    else {
      st = sd_case_load(e, argv[i], NULL, &cs, d);
      if (st == SD_OK) st = sd_lint(e, cs, tpl, lang, d);
    }
    res[i - optind].linted = st == SD_OK;
    int ec = cli_exit_code(st);
    res[i - optind].found = findings_from(d, first);
    if (ec == EXIT_OK && res[i - optind].found) ec = EXIT_INPUT;
    if (ec > worst) worst = ec;
    sd_case_free(cs);
  }
  cli_print_diags(d, &com);
  if (!com.json && worst != EXIT_USAGE)
    for (size_t i = 0; i < n_files; i++) {
      size_t n = res[i].found;
      if (!res[i].linted) printf("%s: not linted (see the errors above)\n", argv[optind + (int)i]);
      else if (n) printf("%s: %zu finding%s\n", argv[optind + (int)i], n, n == 1 ? "" : "s");
      else printf("%s: no findings\n", argv[optind + (int)i]);
    }
  free(res);
  sd_diags_free(d);
  sd_engine_free(e);
  return worst;
}
