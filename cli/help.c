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
    "  lint       check cases against the SEND Code of Practice, or a template on its own\n"
    "  batch      render many cases into a folder, on several threads\n"
    "  templates  list the templates\n"
    "  locales    list the languages (message catalogues) and their review status\n"
    "  serve      a local web application: caseload, case forms, translation, documents\n"
    "  help       show help for a command\n"
    "\n"
    "  sendoc --version      print the version\n"
    "  sendoc COMMAND --help, sendoc help COMMAND   help for a command; see also sendoc(1)\n"
    "\n"
    "Exit status: 0 ok, 1 input problems, 2 usage, 3 environment (I/O, fonts, resources).\n" },
  { "render",
    "usage: sendoc render CASE.xml [CASE.xml...] --template NAME|FILE [--lang TAG] [--style S] -o OUT.pdf\n"
    "       sendoc render --markdown NOTE.md --lang TAG [--style S] -o OUT.pdf\n"
    "\n"
    "  -t, --template NAME|FILE  a template name (see `sendoc templates`) or a template file\n"
    "  -l, --lang TAG            document language (BCP 47), e.g. en-GB, ur, bn, pl (default en-GB);\n"
    "                            a language's name (romanian) is refused with the tag meant (ro)\n"
    "  -s, --style S             standard, large-print or dyslexia (default: the template's)\n"
    "  -m, --markdown FILE       typeset a standalone Markdown note instead of a case\n"
    "      --meeting ID          review paperwork for the meeting with this id (default: the\n"
    "                            invitation's next annual review, the record's latest)\n"
    "  -o, --output FILE         the PDF to write ('-' for standard output); written atomically, mode 0600\n"
    "      --data-dir DIR        templates, locales, schema and font map (default: ../share/sendoc)\n"
    "      --diagnostics=json    every message on stderr as one JSON object a line\n"
    "CASE may be '-' to read the case from standard input. Several cases make one PDF\n"
    "(a class's profiles), each checked on its own.\n" },
  { "validate",
    "usage: sendoc validate CASE.xml...\n"
    "\n"
    "Checks each case against the schema; prints problems as FILE:LINE:COLUMN.\n"
    "      --diagnostics=json    one JSON object per diagnostic on stderr\n" },
  { "batch",
    "usage: sendoc batch INPUT... -o OUTDIR --template NAME|FILE [OPTIONS]\n"
    "\n"
    "INPUT is a case file or a folder (every *.xml or *.XML below it, in byte order of the\n"
    "path relative to the folder). Each case becomes OUTDIR/<relative path>.pdf (.xml\n"
    "replaced); a bad case is reported and skipped, and the batch goes on. Entries not\n"
    "rendered (hidden, dangling links, FIFOs, unreadable) are reported, never dropped.\n"
    "\n"
    "  -o, --output OUTDIR       the output folder (created, mode 0700)\n"
    "  -t, --template NAME|FILE  as for render\n"
    "  -l, --lang TAG            document language (BCP 47), default en-GB\n"
    "  -s, --style S             standard, large-print or dyslexia\n"
    "  -j, --jobs N              N threads in this process (default: the CPUs available)\n"
    "      --shard K/N           only the cases with fnv1a64(relative path) % N + 1 == K\n"
    "      --manifest FILE       one JSON object per case, in input order ('-': stdout);\n"
    "                            written atomically when the batch ends (default:\n"
    "                            OUTDIR/.sendoc-batch.jsonl)\n"
    "      --resume              skip cases whose output the manifest records with the same\n"
    "                            fingerprint (case, photo, template, lang, style, data files,\n"
    "                            version) and whose PDF is still that file\n"
    "      --case-time-limit S   a case rendering longer than S seconds (default 60, or\n"
    "                            \"none\") fails as render.timeout; the batch goes on\n"
    "  -t A,B,...                several templates: every case gets each one\n"
    "      --lang family         each case in its family's home language (English, said\n"
    "                            once, when sendoc has no catalogue for it)\n"
    "      --also-english        also an English copy of every document in another language\n"
    "      --name PATTERN        output path under OUTDIR from {case} {child} {school}\n"
    "                            {template} {lang}, e.g. '{school}/{child}-{template}-{lang}.pdf'\n"
    "                            (values reduced to safe characters; two documents with one\n"
    "                            name are refused before rendering)\n"
    "      --report FILE.html    a report an officer can read, and FILE.csv beside it\n"
    "      --combine FILE.pdf    one print file of every document made, a bookmark each; a\n"
    "                            {school} in FILE makes one a school\n"
    "      --combine-volume N    at most N documents a print file (default 200; then\n"
    "                            FILE-2.pdf, ...): bounds memory\n"
    "      --group-readable      outputs 0640 in 0750 folders, for a team's shared drive\n"
    "      --data-dir DIR        templates, locales, schema and font map\n"
    "      --diagnostics=json    one JSON object per diagnostic on stderr\n"
    "Every diagnostic names its case; a warning every document repeats is said once, with\n"
    "its count. Ends with the commonest reasons for failures, where the manifest, report\n"
    "and print files are, and last \"N rendered, M failed, K skipped\" on stderr; exit 1 if\n"
    "a case was invalid,\n"
    "timed out or could not be read, 3 on an environment problem (the batch stops), 2 for\n"
    "usage or when another batch is writing into OUTDIR with other settings.\n" },
  { "lint",
    "usage: sendoc lint CASE.xml... [--template NAME|FILE] [--lang TAG]\n"
    "       sendoc lint TEMPLATE...\n"
    "\n"
    "Checks valid cases against the SEND Code of Practice 0-25 (2015): section F provision that is\n"
    "vague or not quantified, needs without outcomes or provision, outcomes without a timeframe,\n"
    "preparing-for-adulthood outcomes from Year 9, the child's views, the placement in a final plan,\n"
    "two weeks' notice of reviews, actions without owner or date, and text the family cannot read\n"
    "in their language. Each finding is a warning with a rule id (lint.*) at FILE:LINE:COLUMN.\n"
    "\n"
    "A TEMPLATE (a file ending in .md or starting with ---, or a name from `sendoc templates`)\n"
    "is checked on its own: that it parses, that every field it names is in the case schema,\n"
    "every {{t:key}} in the catalogue and every {{#lang TAG}} a language tag.\n"
    "\n"
    "  -t, --template NAME|FILE  check the translations of the fields this template shows\n"
    "                            (front matter type: ehcp also runs the EHCP rules)\n"
    "  -l, --lang TAG            the family's language (default: the case's family/home-language)\n"
    "      --data-dir DIR        templates, locales, schema and font map (default: ../share/sendoc)\n"
    "      --diagnostics=json    one JSON object per finding on stderr\n"
    "\n"
    "Exit status: 0 no findings (notes do not count), 1 findings or a file that does not load,\n"
    "2 usage (bad option, unknown template), 3 environment.\n" },
  { "templates", "usage: sendoc templates\n\nLists the templates --template accepts by name.\n" },
  { "serve",
    "usage: sendoc serve [WORKSPACE] [--port N] [--listen ADDR] [--threads N] [--log]\n"
    "\n"
    "Serves the case files in WORKSPACE (default: the current folder) to a browser on\n"
    "this computer and prints the address to open, with this start's access token.\n"
    "  -p, --port N          port (default 8470, or any free one if taken; 0: any free one)\n"
    "      --listen ADDR     listen on this IPv4 address of the machine instead of 127.0.0.1;\n"
    "                        every request still needs the printed token\n"
    "  -j, --threads N       request threads (default 4)\n"
    "      --today DATE      the date the caseload counts from (YYYY-MM-DD; for tests)\n"
    "      --log             log method, route and status (never a case name) on stderr\n"
    "      --data-dir DIR    templates, locales, schema, font map and web files\n"
    "Stop it with Ctrl+C. Saves keep the previous version in WORKSPACE/.history/.\n" },
  { "locales",
    "usage: sendoc locales\n"
    "\n"
    "Lists the message catalogues, one per line, tab-separated:\n"
    "TAG  NATIVE NAME  ENGLISH NAME  REVIEW STATUS (reviewed or unreviewed).\n"
    "A --lang without a catalogue still shapes its text, with English headings.\n" },
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
  const char *cmd = NULL;
  for (int i = 1; i < argc && !cmd; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) cmd = "help";
    else if (!strcmp(argv[i], "--diagnostics") && i + 1 < argc) i++;
    else if (!strncmp(argv[i], "--diagnostics=", 14)) continue;
    else if (argv[i][0] == '-' && argv[i][1]) return cli_usage_error("help", "unknown option '%s'", argv[i]);
    else cmd = argv[i];
  }
  for (size_t i = 0; i < sizeof HELP / sizeof *HELP; i++)
    if ((!cmd && !HELP[i].cmd) || (cmd && HELP[i].cmd && !strcmp(cmd, HELP[i].cmd))) {
      fputs(HELP[i].text, stdout);
      return EXIT_OK;
    }
  const char *names[sizeof HELP / sizeof *HELP];
  size_t n = 0;
  for (size_t i = 0; i < sizeof HELP / sizeof *HELP; i++)
    if (HELP[i].cmd) names[n++] = HELP[i].cmd;
  const char *near = cli_nearest(cmd, names, n);
  if (near) cli_msg("help", SD_SEV_ERROR, "usage", "no command '%s'; did you mean '%s'?", cmd, near);
  else cli_msg("help", SD_SEV_ERROR, "usage", "no command '%s'", cmd);
  if (!cli_json_mode()) cli_print_help(NULL, stderr);
  return EXIT_USAGE;
}
