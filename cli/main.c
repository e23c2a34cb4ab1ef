/* sendoc: accessible, multilingual SEN paperwork from case data. */
#include "cli.h"
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
  if (argc < 2) {
    cli_print_help(NULL, stderr);
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
  /* getopt_long names the program in its messages: "sendoc render: ..." */
  char prog[64];
  for (size_t i = 0; i < sizeof COMMANDS / sizeof *COMMANDS; i++)
    if (!strcmp(argv[1], COMMANDS[i].name)) {
      snprintf(prog, sizeof prog, "sendoc %s", COMMANDS[i].name);
      argv[1] = prog;
      return COMMANDS[i].run(argc - 1, argv + 1);
    }
  fprintf(stderr, "sendoc: unknown command '%s'\n", argv[1]);
  cli_print_help(NULL, stderr);
  return EXIT_USAGE;
}
