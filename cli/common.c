/* Options, data folder and diagnostics output shared by every command. */
#include "cli.h"
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_common_option(cli_common *c, int opt, const char *arg)
{
  if (opt == OPT_DATA_DIR) {
    c->data_dir = arg;
    return 1;
  }
  if (opt == OPT_DIAGNOSTICS) {
    if (strcmp(arg, "json") == 0) c->json = 1;
    else if (strcmp(arg, "text") == 0) c->json = 0;
    else {
      fprintf(stderr, "sendoc: --diagnostics takes json or text, not '%s'\n", arg);
      return -1;
    }
    return 1;
  }
  return 0;
}

/* JSON needs valid UTF-8: a byte that does not start a well-formed sequence
 * (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF) becomes
 * U+FFFD, so every line parses even when a file name or a clipped case
 * value is not UTF-8. */
static size_t utf8_len(const unsigned char *p)
{
  if (p[0] < 0x80) return 1;
  size_t n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
  if (!n || p[0] > 0xF4) return 0;
  for (size_t i = 1; i < n; i++)
    if ((p[i] & 0xC0) != 0x80) return 0;
  if (p[0] == 0xE0 && p[1] < 0xA0) return 0;
  if (p[0] == 0xED && p[1] >= 0xA0) return 0;
  if (p[0] == 0xF0 && p[1] < 0x90) return 0;
  if (p[0] == 0xF4 && p[1] >= 0x90) return 0;
  return n;
}

int cli_common_only(const char *cmd, int argc, char **argv, cli_common *com)
{
  static const struct option opts[] = { CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
    if (c == OPT_HELP) {
      cli_print_help(cmd, stdout);
      return EXIT_OK;
    }
    if (cli_common_option(com, c, optarg) != 1) return cli_usage_error(cmd, "bad option");
  }
  return -1;
}

void cli_json_str(FILE *out, const char *s)
{
  if (!s) {
    fputs("null", out);
    return;
  }
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    size_t n = utf8_len(p);
    if (n == 0) {
      fputs("\\ufffd", out);
      p++;
    } else if (n > 1) {
      fwrite(p, 1, n, out);
      p += n;
    } else {
      if (*p == '"' || *p == '\\') fprintf(out, "\\%c", *p);
      else if (*p < 0x20 || *p == 0x7F) fprintf(out, "\\u%04x", *p);
      else fputc(*p, out);
      p++;
    }
  }
  fputc('"', out);
}

void cli_json_diag(FILE *out, const sd_diag_info *g)
{
  static const char *const sev[] = { "note", "warning", "error" };
  fputs("{\"severity\":", out);
  cli_json_str(out, sev[g->severity]);
  fputs(",\"code\":", out);
  cli_json_str(out, g->code);
  fputs(",\"file\":", out);
  cli_json_str(out, g->file);
  fprintf(out, ",\"line\":%d,\"column\":%d,\"field\":", g->line, g->column);
  cli_json_str(out, g->field);
  fputs(",\"message\":", out);
  cli_json_str(out, g->message);
  fputc('}', out);
}

void cli_print_diags(const sd_diags *d, const cli_common *c)
{
  static const char *const sev[] = { "note", "warning", "error" };
  for (size_t i = 0; i < sd_diags_count(d); i++) {
    sd_diag_info g;
    sd_diags_get(d, i, &g);
    if (c->json) {
      cli_json_diag(stderr, &g);
      fputc('\n', stderr);
    } else {
      if (g.file) {
        fputs(g.file, stderr);
        if (g.line > 0) fprintf(stderr, ":%d", g.line);
        if (g.line > 0 && g.column > 0) fprintf(stderr, ":%d", g.column);
        fputs(": ", stderr);
      } else fputs("sendoc: ", stderr);
      fprintf(stderr, "%s: ", sev[g.severity]);
      if (g.field) fprintf(stderr, "<%s>: ", g.field);
      fprintf(stderr, "%s [%s]\n", g.message, g.code);
    }
  }
}

const char *cli_data_dir(const cli_common *c, char *buf, size_t cap)
{
  if (c->data_dir) return c->data_dir;
  const char *env = getenv("SENDOC_DATA");
  if (env && *env) return env;
  /* installed layout: PREFIX/bin/sendoc and PREFIX/share/sendoc (the build tree has the same) */
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return "share/sendoc";
  exe[n] = 0;
  char *slash = strrchr(exe, '/');
  if (slash) *slash = 0;
  snprintf(buf, cap, "%s/../share/sendoc", exe);
  return buf;
}

sd_engine *cli_engine(const cli_common *c, int *exit_code)
{
  char buf[PATH_MAX + 32];
  const char *dir = cli_data_dir(c, buf, sizeof buf);
  sd_diags *d = sd_diags_new();
  sd_engine *e = NULL;
  sd_status st = sd_engine_new(dir, &e, d);
  if (st != SD_OK) {
    cli_print_diags(d, c);
    fprintf(stderr, "sendoc: cannot load the data folder %s (set --data-dir or SENDOC_DATA)\n", dir);
    *exit_code = cli_exit_code(st);
  }
  sd_diags_free(d);
  return e;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "sendoc %s: ", cmd);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\nTry 'sendoc help %s'.\n", cmd);
  va_end(ap);
  return EXIT_USAGE;
}
