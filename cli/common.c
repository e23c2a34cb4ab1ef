/* Options, data folder and diagnostics output shared by every command. */
#include "cli.h"
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
    else return -1;
    return 1;
  }
  return 0;
}

static void json_str(FILE *out, const char *s)
{
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(out, "\\%c", *p);
    else if (*p < 0x20) fprintf(out, "\\u%04x", *p);
    else fputc(*p, out);
  }
  fputc('"', out);
}

void cli_print_diags(const sd_diags *d, const cli_common *c)
{
  static const char *sev[] = { "note", "warning", "error" };
  for (size_t i = 0; i < sd_diags_count(d); i++) {
    sd_diag_info g;
    sd_diags_get(d, i, &g);
    if (c->json) {
      fputs("{\"severity\":", stderr);
      json_str(stderr, sev[g.severity]);
      fputs(",\"code\":", stderr);
      json_str(stderr, g.code);
      fputs(",\"file\":", stderr);
      if (g.file) json_str(stderr, g.file);
      else fputs("null", stderr);
      fprintf(stderr, ",\"line\":%d,\"column\":%d,\"field\":", g.line, g.column);
      if (g.field) json_str(stderr, g.field);
      else fputs("null", stderr);
      fputs(",\"message\":", stderr);
      json_str(stderr, g.message);
      fputs("}\n", stderr);
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
