/* sendoc: accessible, multilingual SEN paperwork from case data. */
#include "cli.h"
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const struct { const char *name; int (*run)(int, char **); } COMMANDS[] = {
  { "render", cmd_render },
  { "validate", cmd_validate },
  { "lint", cmd_lint },
  { "templates", cmd_templates },
  { "batch", cmd_batch },
  { "locales", cmd_locales },
  { "help", cmd_help },
  { "serve", cmd_serve },
};

int main(int argc, char **argv)
{
  /* every message goes through cli.h (text or JSON), none from getopt */
  opterr = 0;
  cli_scan_json(argc, argv);
  if (argc < 2 || (cli_json_mode() && argv[1][0] == '-' && strcmp(argv[1], "--help") && strcmp(argv[1], "-h") &&
                   strcmp(argv[1], "--version") && strcmp(argv[1], "-V"))) {
    if (cli_json_mode()) cli_msg(NULL, SD_SEV_ERROR, "usage", "no command given (see 'sendoc help')");
    else cli_print_help(NULL, stderr);
    return EXIT_USAGE;
  }
  if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V") || !strcmp(argv[1], "version")) {
    printf("sendoc %s\n", SD_VERSION);
    return EXIT_OK;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    cli_print_help(NULL, stdout);
    return EXIT_OK;
  }
  /* argv[0] as the command's name: "sendoc render" */
  char prog[64];
  for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
    if (!strcmp(argv[1], COMMANDS[i].name)) {
      snprintf(prog, sizeof prog, "sendoc %s", COMMANDS[i].name);
      argv[1] = prog;
      return COMMANDS[i].run(argc - 1, argv + 1);
    }
  const char *names[sizeof COMMANDS / sizeof *COMMANDS];
  for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++) names[i] = COMMANDS[i].name;
  const char *near = cli_nearest(argv[1], names, sizeof names / sizeof *names);
  if (near) cli_msg(NULL, SD_SEV_ERROR, "usage", "unknown command '%s'; did you mean '%s'?", argv[1], near);
  else cli_msg(NULL, SD_SEV_ERROR, "usage", "unknown command '%s'", argv[1]);
  if (!cli_json_mode()) cli_print_help(NULL, stderr);
  return EXIT_USAGE;
}
