/* lint: statutory checks on a valid case. The case parses and validates, but
 * does it meet the SEND Code of Practice 0-25 (2015)? Every finding is an
 * SD_SEV_WARNING diagnostic (notes are information only) with a stable rule id
 * "lint.*", the file:line:column of the element and a plain-English message.
 * Lint reads the case tree and, when a template is chosen, the document tree
 * the template expands to (to know which case fields it shows). */
#ifndef SD_LINT_H
#define SD_LINT_H
#include "template.h"

typedef struct sd_lint_options {
  /* Language the family reads (BCP 47). NULL: the case's family/home-language.
   * English (or neither) turns the translation and catalogue rules off. */
  const char *lang;
  /* Front matter `type` of the chosen template; "ehcp" runs the EHCP rules
   * even on a case without plan, outcomes or provision. NULL: none chosen. */
  const char *doc_type;
  /* The chosen template expanded against this case in lang: translations are
   * checked for exactly the case fields it shows. NULL: the default fields
   * (strengths, important-to-me, how-to-support, photo alt, home-school strategies). */
  const sd_doc_tree *doc;
  /* Folder of compiled catalogues (.res) for the locale rules; NULL: skip them. */
  const char *locale_dir;
} sd_lint_options;

/* Adds one warning per finding to d and returns SD_OK (findings are not
 * failures); SD_E_USAGE when c has no tree, SD_E_NOMEM. Catalogue findings
 * (lint.locale-*) are added once per list: a list already holding the same
 * finding (code, catalogue, key) does not get it again, so linting many cases
 * into one list reports each catalogue gap once. opt may be NULL. */
sd_status sd_lint_case(const sd_case *c, const sd_lint_options *opt, sd_diags *d);

/* sd_lint, the public entry, is declared in sendoc.h. */
#endif
