/* sendoc help [COMMAND] */
#include "cli.h"
#include <string.h>

static const struct { const char *cmd, *text; } HELP[] = {
  { NULL,
    "usage: sendoc COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  render     render a case (or a Markdown note) to an accessible PDF\n"
    "  validate   check case files against the schema\n"
    "  templates  list the templates\n"
    "  help       show help for a command\n"
    "\n"
    "Exit status: 0 ok, 1 input problems, 2 usage, 3 environment (I/O, fonts, resources).\n" },
  { "render",
    "usage: sendoc render CASE.xml --template NAME|FILE [--lang TAG] [--style S] -o OUT.pdf\n"
    "       sendoc render --markdown NOTE.md --lang TAG [--style S] -o OUT.pdf\n"
    "\n"
    "  -t, --template NAME|FILE  a template name (see `sendoc templates`) or a template file\n"
    "  -l, --lang TAG            document language (BCP 47), e.g. en-GB, ur, bn, pl (default en-GB)\n"
    "  -s, --style S             standard, large-print or dyslexia (default: the template's)\n"
    "  -m, --markdown FILE       typeset a standalone Markdown note instead of a case\n"
    "  -o, --output FILE         the PDF to write ('-' for standard output); written atomically, mode 0600\n"
    "      --data-dir DIR        templates, locales, schema and font map (default: ../share/sendoc)\n"
    "      --diagnostics=json    one JSON object per diagnostic on stderr\n"
    "CASE may be '-' to read the case from standard input.\n" },
  { "validate",
    "usage: sendoc validate CASE.xml...\n"
    "\n"
    "Checks each case against the schema; prints problems as FILE:LINE:COLUMN.\n"
    "      --diagnostics=json    one JSON object per diagnostic on stderr\n" },
  { "templates", "usage: sendoc templates\n\nLists the templates --template accepts by name.\n" },
  { "help", "usage: sendoc help [COMMAND]\n" },
};

void cli_print_help(const char *cmd, FILE *out)
{
  for (size_t i = 0; i < sizeof HELP / sizeof *HELP; i++)
    if ((!cmd && !HELP[i].cmd) || (cmd && HELP[i].cmd && !strcmp(cmd, HELP[i].cmd))) {
      fputs(HELP[i].text, out);
      return;
    }
  fprintf(out, "sendoc: no help for '%s'\n", cmd);
}

int cmd_help(int argc, char **argv)
{
  cli_print_help(argc > 1 ? argv[1] : NULL, stdout);
  return EXIT_OK;
}
