/* Options, data folder and diagnostics output shared by every command. */
#include "cli.h"
#include <jansson.h>
#include <unicode/ustring.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How this process reports on stderr: set from argv before any command
 * parses it (cli_scan_json), so that even a usage error found before
 * --diagnostics=json is reached comes out as JSON. The CLI's only global. */
static int json_mode;

void cli_scan_json(int argc, char **argv)
{
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--")) break;
    if (!strcmp(argv[i], "--diagnostics=json") || (!strcmp(argv[i], "--diagnostics") && i + 1 < argc && !strcmp(argv[i + 1], "json")))
      json_mode = 1;
    else if (!strcmp(argv[i], "--diagnostics=text") || (!strcmp(argv[i], "--diagnostics") && i + 1 < argc && !strcmp(argv[i + 1], "text")))
      json_mode = 0;
  }
}

int cli_json_mode(void)
{
  return json_mode;
}

int cli_common_option(cli_common *c, int opt, const char *arg)
{
  if (opt == OPT_DATA_DIR) {
    c->data_dir = arg;
    return 1;
  }
  if (opt == OPT_DIAGNOSTICS) {
    if (strcmp(arg, "json") == 0) c->json = json_mode = 1;
    else if (strcmp(arg, "text") == 0) c->json = json_mode = 0;
    else {
      cli_msg(NULL, SD_SEV_ERROR, "usage.diagnostics", "--diagnostics takes json or text, not '%s'", arg);
      return -1;
    }
    return 1;
  }
  return 0;
}

/* One message of the command line's own (not the library's): a JSON object
 * in JSON mode, else "WHO: message". */
static void vmsg(const char *file, const char *who, sd_severity sev, const char *code, const char *fmt, va_list ap)
{
  char msg[1024];
  vsnprintf(msg, sizeof msg, fmt, ap);
  if (json_mode) {
    sd_diag_info g = { .severity = sev, .code = code, .file = file, .message = msg };
    cli_json_diag(stderr, &g);
    fputc('\n', stderr);
  } else if (file) {
    static const char *const sev_name[] = { "note", "warning", "error" };
    fprintf(stderr, "%s: %s: %s\n", file, sev_name[sev], msg);
  } else {
    fprintf(stderr, "%s: %s\n", who ? who : "sendoc", msg);
  }
}

void cli_msg(const char *cmd, sd_severity sev, const char *code, const char *fmt, ...)
{
  char who[64];
  snprintf(who, sizeof who, cmd ? "sendoc %s" : "sendoc", cmd);
  va_list ap;
  va_start(ap, fmt);
  vmsg(NULL, who, sev, code, fmt, ap);
  va_end(ap);
}

void cli_msg_file(const char *file, sd_severity sev, const char *code, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vmsg(file, NULL, sev, code, fmt, ap);
  va_end(ap);
}

static size_t edit_distance(const char *a, const char *b)
{
  size_t na = strlen(a), nb = strlen(b), row[64];
  if (na > 63 || nb > 63) return 99;
  for (size_t j = 0; j <= nb; j++) row[j] = j;
  for (size_t i = 1; i <= na; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= nb; j++) {
      size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[nb];
}

const char *cli_nearest(const char *want, const char *const *names, size_t n)
{
  const char *best = NULL;
  size_t best_d = 99, wl = strlen(want);
  for (size_t i = 0; i < n; i++) {
    size_t dist = edit_distance(want, names[i]);
    if (wl >= 3 && !strncmp(names[i], want, wl)) dist = 1; /* a prefix */
    if (dist < best_d) best_d = dist, best = names[i];
  }
  return best && best_d <= (wl / 3 > 2 ? wl / 3 : 2) ? best : NULL;
}

int cli_bad_option(const char *cmd, int c, char **argv, const struct option *opts)
{
  const char *arg = optind > 0 ? argv[optind - 1] : "?";
  char name[64];
  snprintf(name, sizeof name, "%.*s", (int)strcspn(arg, "="), arg);
  if (c == ':') return cli_usage_error(cmd, "option '%s' needs a value", name);
  if (optopt && optopt < 256 && (arg[0] != '-' || arg[1] != '-'))
    return cli_usage_error(cmd, "unknown option '-%c'", optopt);
  const char *names[32];
  size_t n = 0;
  for (size_t i = 0; opts && opts[i].name && n < 32; i++) names[n++] = opts[i].name;
  const char *near = strncmp(name, "--", 2) == 0 ? cli_nearest(name + 2, names, n) : NULL;
  if (near) return cli_usage_error(cmd, "unknown option '%s'; did you mean '--%s'?", name, near);
  return cli_usage_error(cmd, "unknown option '%s'", name);
}

/* JSON needs valid UTF-8: a byte that does not start a well-formed sequence
 * (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF) becomes
 * U+FFFD, so every line parses even when a file name or a clipped case
 * value is not UTF-8. */
int cli_common_only(const char *cmd, int argc, char **argv, cli_common *com)
{
  static const struct option opts[] = { CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    if (c == OPT_HELP) {
      cli_print_help(cmd, stdout);
      return EXIT_OK;
    }
    if (c == '?' || c == ':') return cli_bad_option(cmd, c, argv, opts);
    if (cli_common_option(com, c, optarg) != 1) return EXIT_USAGE;
  }
  return -1;
}

/* A JSON string through jansson; bytes that are not UTF-8 (a file name, say)
 * become U+FFFD first (ICU), since jansson only takes valid UTF-8. */
void cli_json_str(FILE *out, const char *s)
{
  if (!s) {
    fputs("null", out);
    return;
  }
  json_t *j = json_string(s);
  char *fixed = NULL;
  if (!j) {
    UErrorCode e = U_ZERO_ERROR;
    int32_t n16 = 0, n8 = 0;
    u_strFromUTF8WithSub(NULL, 0, &n16, s, -1, 0xFFFD, NULL, &e);
    UChar *u = malloc(((size_t)n16 + 1) * sizeof *u);
    e = U_ZERO_ERROR;
    if (u) u_strFromUTF8WithSub(u, n16 + 1, NULL, s, -1, 0xFFFD, NULL, &e);
    if (u && U_SUCCESS(e)) {
      u_strToUTF8(NULL, 0, &n8, u, n16, &e);
      e = U_ZERO_ERROR;
      if ((fixed = malloc((size_t)n8 + 1))) u_strToUTF8(fixed, n8 + 1, NULL, u, n16, &e);
      if (fixed && U_SUCCESS(e)) j = json_string(fixed);
    }
    free(u);
  }
  if (!j || json_dumpf(j, out, JSON_ENCODE_ANY) != 0) fputs("\"\"", out);
  json_decref(j);
  free(fixed);
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
    if (c->json || json_mode) {
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
    cli_msg(NULL, SD_SEV_ERROR, "resource.data-dir", "cannot load the data folder %s (set --data-dir or SENDOC_DATA)", dir);
    *exit_code = cli_exit_code(st);
  }
  sd_diags_free(d);
  return e;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
  char msg[900];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (json_mode) cli_msg(cmd, SD_SEV_ERROR, "usage", "%s (see 'sendoc help %s')", msg, cmd);
  else fprintf(stderr, "sendoc %s: %s\nTry 'sendoc help %s'.\n", cmd, msg, cmd);
  return EXIT_USAGE;
}
