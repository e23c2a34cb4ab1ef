/* sendoc render */
#include "cli.h"
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static unsigned char *slurp(FILE *fp, size_t cap, size_t *len)
{
  unsigned char *buf = malloc(cap + 1);
  if (!buf) return NULL;
  *len = fread(buf, 1, cap + 1, fp);
  if (*len > cap) {
    free(buf);
    return NULL;
  }
  buf[*len] = 0;
  return buf;
}

int cmd_render(int argc, char **argv)
{
  static const struct option opts[] = {
    { "template", required_argument, NULL, 't' }, { "lang", required_argument, NULL, 'l' },
    { "style", required_argument, NULL, 's' },    { "markdown", required_argument, NULL, 'm' },
    { "output", required_argument, NULL, 'o' },   { "meeting", required_argument, NULL, 'M' },
    CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 }
  };
  cli_common com = { 0 };
  /* init sets size: without it the library reads only 0.1's fields, and an
   * option added later (meeting_id, time_limit_ms) would be ignored */
  sd_render_options ro;
  sd_render_options_init(&ro);
  const char *markdown = NULL, *out = NULL;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, ":t:l:s:m:o:", opts, NULL)) != -1) {
    switch (c) {
    case 't': ro.template_ref = optarg; break;
    case 'l': ro.lang = optarg; break;
    case 's': ro.style = optarg; break;
    case 'm': markdown = optarg; break;
    case 'o': out = optarg; break;
    case 'M': ro.meeting_id = optarg; break; /* review paperwork: this meeting, not the next */
    case OPT_HELP: cli_print_help("render", stdout); return EXIT_OK;
    default:
      if (c == '?' || c == ':') return cli_bad_option("render", c, argv, opts);
      if (cli_common_option(&com, c, optarg) != 1) return EXIT_USAGE;
    }
  }
  const char *case_path = optind < argc ? argv[optind] : NULL;
  int n_cases = argc - optind;
  if (!out) return cli_usage_error("render", "-o OUT.pdf is required");
  if (!markdown && !case_path) return cli_usage_error("render", "a case file (or --markdown NOTE.md) is required");
  if (markdown && case_path) return cli_usage_error("render", "give either a case or --markdown, not both");
  if (!markdown && !ro.template_ref) return cli_usage_error("render", "--template is required");

  int code = EXIT_OK;
  sd_engine *e = cli_engine(&com, &code);
  if (!e) return code;
  sd_diags *d = sd_diags_new();
  sd_case *cs = NULL;
  unsigned char *pdf = NULL;
  size_t len = 0;
  sd_status st;
  if (markdown) {
    size_t n = 0;
    const char *why = NULL;
    int big = 0;
    unsigned char *md = strcmp(markdown, "-") ? cli_read_bounded(markdown, 1u << 20, &n, &why, &big)
                                              : slurp(stdin, 1u << 20, &n);
    if (!md) {
      if (why && !big) cli_msg_file(markdown, SD_SEV_ERROR, "io.read", "cannot read the note: %s", why);
      else cli_msg_file(markdown, SD_SEV_ERROR, "io.limit", "the note is over 1 MiB");
      st = big || !why ? SD_E_LIMIT : SD_E_IO;
    } else st = sd_render_markdown(e, (const char *)md, n, markdown, &ro, &pdf, &len, d);
    free(md);
  } else if (n_cases > 1) {
    /* several cases, one printable PDF (a class's profiles): every case is
     * read and checked, and all their problems reported */
    sd_case **all = calloc((size_t)n_cases, sizeof *all);
    st = all ? SD_OK : SD_E_NOMEM;
    for (int i = 0; i < n_cases && all; i++) {
      sd_status one = strcmp(argv[optind + i], "-") == 0 ? SD_E_USAGE
                                                          : sd_case_load(e, argv[optind + i], NULL, &all[i], d);
      if (one == SD_E_USAGE) cli_msg("render", SD_SEV_ERROR, "usage", "'-' (standard input) can be the only case");
      if (one != SD_OK && cli_exit_code(one) >= cli_exit_code(st)) st = one;
    }
    if (st == SD_OK) st = sd_render_cases(e, (const sd_case *const *)all, (size_t)n_cases, &ro, &pdf, &len, d);
    for (int i = 0; i < n_cases && all; i++) sd_case_free(all[i]);
    free(all);
  } else {
    if (strcmp(case_path, "-") == 0) {
      size_t n = 0;
      unsigned char *xml = slurp(stdin, SD_LIMITS_DEFAULT.max_file_bytes, &n);
      st = xml ? sd_case_load_mem(e, xml, n, "<stdin>", NULL, NULL, &cs, d) : SD_E_LIMIT;
      if (!xml) cli_msg_file("<stdin>", SD_SEV_ERROR, "case.limit", "the case is missing or too large");
      free(xml);
    } else st = sd_case_load(e, case_path, NULL, &cs, d);
    if (st == SD_OK) st = sd_render(e, cs, &ro, &pdf, &len, d);
  }
  if (st == SD_OK) st = sd_write_file_atomic(out, pdf, len, d);
  cli_print_diags(d, &com);
  code = cli_exit_code(st);
  sd_free(pdf);
  sd_case_free(cs);
  sd_diags_free(d);
  sd_engine_free(e);
  return code;
}
