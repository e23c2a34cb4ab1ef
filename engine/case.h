/* case: parse a case file safely (libxml2), validate it against the XSD, and
 * expose it as a plain tree. The tree is what later stages read; a test can
 * build one by hand. */
#ifndef SD_CASE_H
#define SD_CASE_H
#include "diag.h"
#include <stdbool.h>
#include <stdio.h>

/* The longest text one element of a case may hold. */
#define SD_CASE_MAX_TEXT (1 << 20)
/* The most elements one element of a case may hold. */
#define SD_CASE_MAX_CHILDREN 10000

typedef struct sd_case_node sd_case_node;
struct sd_case_node {
  const char *name;   /* element local name, or attribute name */
  const char *text;   /* whitespace-trimmed text of a leaf element or attribute; NULL otherwise */
  const char *lang;   /* xml:lang in force (inherited), NULL if none */
  bool is_attr;       /* an attribute of the parent, exposed as a leaf child */
  int line, col;      /* position of the element's start tag (1-based) */
  sd_case_node *parent;
  sd_case_node **children;      /* element children then attributes, document order; translations excluded */
  size_t n_children;
  /* Translations: the same-named siblings carrying another xml:lang that
   * immediately follow this element. Excluded from children. */
  sd_case_node **translations;
  size_t n_translations;
};

struct sd_case {
  sd_case_node *root; /* the <case> element */
  char *file;         /* name used in messages */
  char *base_dir;     /* folder photos must resolve inside; NULL: none allowed */
  void *arena;        /* owns every node and string */
};

/* Looks up a dotted path ("child.preferred-name") below node; NULL if absent.
 * Borrowed from the case. */
const sd_case_node *sd_case_find(const sd_case_node *node, const char *path);
/* The first child element called name, or NULL (n may be NULL). */
const sd_case_node *sd_case_kid(const sd_case_node *n, const char *name);
/* The value of n's attribute name, or NULL (n may be NULL). */
const char *sd_case_attr(const sd_case_node *n, const char *name);
/* The text of node in language lang: a translation whose xml:lang matches
 * lang (or its primary subtag), else the node's own text. *used_lang is set
 * to the language of the text returned. */
const char *sd_case_text_in(const sd_case_node *node, const char *lang, const char **used_lang);
/* Resolves a photo path from case data inside base_dir (no "..", no absolute
 * path, no symlink leading outside). Returns a heap path or NULL with a diagnostic. */
char *sd_case_resolve_photo(const sd_case *c, const sd_case_node *at, const char *rel, sd_diags *d);
/* Prints the tree as stable text (for golden tests). */
void sd_case_dump(const sd_case_node *root, FILE *out);

/* ---- parsing (used by the engine; see case.c) ---- */

typedef struct sd_schema sd_schema; /* a parsed XSD, read-only, shared by threads */

/* Loads the case XSD from xsd_path without network access, includes or
 * imports. Free with sd_schema_free(). SD_E_RESOURCE when missing or invalid. */
sd_status sd_schema_load(const char *xsd_path, sd_schema **out, sd_diags *d);
void sd_schema_free(sd_schema *s);
/* Parses and validates case data: no DTD, no entities beyond the five
 * predefined, UTF-8 only, bounded by lim; then the rules the XSD cannot
 * express (translations, references, date order, photo paths). base_dir bounds
 * photo paths (NULL: none allowed). Free *out with sd_case_free().
 * SD_E_INPUT, SD_E_LIMIT, SD_E_NOMEM, SD_E_USAGE. */
sd_status sd_case_parse(const sd_schema *schema, const void *data, size_t len, const char *name,
                        const char *base_dir, const sd_limits *lim, sd_case **out, sd_diags *d);
/* Reads a file (bounded by lim->max_file_bytes) and calls sd_case_parse with
 * base_dir = its folder. Adds SD_E_IO to the statuses above. */
sd_status sd_case_parse_file(const sd_schema *schema, const char *path, const sd_limits *lim,
                             sd_case **out, sd_diags *d);
#endif
