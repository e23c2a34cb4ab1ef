/* Shared pieces of the sendoc command line. */
#ifndef SD_CLI_H
#define SD_CLI_H
#include "sendoc.h"
#include <stdio.h>

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_ENV = 3 };
enum { OPT_DATA_DIR = 1000, OPT_DIAGNOSTICS, OPT_HELP };
#define CLI_COMMON_LONGOPTS                                        \
  { "data-dir", required_argument, NULL, OPT_DATA_DIR },          \
  { "diagnostics", required_argument, NULL, OPT_DIAGNOSTICS },    \
  { "help", no_argument, NULL, OPT_HELP }

typedef struct cli_common {
  const char *data_dir;
  int json;        /* --diagnostics=json */
} cli_common;

int cli_exit_code(sd_status st);
/* Prints diagnostics gcc-style, or one JSON object per line, on stderr. */
void cli_print_diags(const sd_diags *d, const cli_common *c);
/* Writes s as a JSON string ("null" for NULL); bytes that are not UTF-8 become U+FFFD. */
void cli_json_str(FILE *out, const char *s);
/* Writes one diagnostic as a JSON object, without a newline. */
void cli_json_diag(FILE *out, const sd_diag_info *g);
/* Parses the options every command shares; returns 1 if opt was one of them,
 * 0 if not, -1 on a bad value. */
int cli_common_option(cli_common *c, int opt, const char *arg);
/* Parses argv for a command that takes only the common options (and
 * --help). Returns an exit code to return now, or -1 to go on with the
 * operands from optind. */
int cli_common_only(const char *cmd, int argc, char **argv, cli_common *c);
/* The data folder: --data-dir, $SENDOC_DATA, else ../share/sendoc next to the binary. */
const char *cli_data_dir(const cli_common *c, char *buf, size_t cap);
/* Opens the engine or prints why not; returns NULL on failure. */
sd_engine *cli_engine(const cli_common *c, int *exit_code);
/* Prints a usage error naming the bad value ("sendoc CMD: ...", then where
 * help is; one JSON object in JSON mode) and returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* For getopt_long run with opterr = 0 and an optstring starting with ':':
 * reports the option getopt stopped at (c is '?' or ':') by name, with the
 * nearest of opts when it looks like a typo. Returns EXIT_USAGE. */
struct option;
int cli_bad_option(const char *cmd, int c, char **argv, const struct option *opts);
/* --diagnostics=json anywhere in argv switches every message of the process
 * to JSON, before the command's own parsing (main calls this first). */
void cli_scan_json(int argc, char **argv);
int cli_json_mode(void);
/* The command line's own messages: "sendoc CMD: ..." (cmd NULL: "sendoc: ...")
 * or "FILE: error: ...", each one JSON object in JSON mode. */
void cli_msg(const char *cmd, sd_severity sev, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void cli_msg_file(const char *file, sd_severity sev, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The nearest of names to want (a typo or a prefix), or NULL. */
const char *cli_nearest(const char *want, const char *const *names, size_t n);

/* Reads at most cap bytes of a regular file, never blocking (cli/readfile.c).
 * NULL with *why set when it cannot; *too_big when over cap. */
unsigned char *cli_read_bounded(const char *path, size_t cap, size_t *len, const char **why, int *too_big);

int cmd_render(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_lint(int, char **);
int cmd_templates(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_locales(int argc, char **argv);
int cmd_help(int argc, char **argv);
int cmd_serve(int argc, char **argv);
void cli_print_help(const char *cmd, FILE *out);
#endif
