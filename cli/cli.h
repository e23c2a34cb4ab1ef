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
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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
