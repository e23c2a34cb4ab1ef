/* case internals shared by case.c (parsing, validation) and case_tree.c
 * (the plain tree, translations, cross-references, look-ups). */
#ifndef SD_CASE_INT_H
#define SD_CASE_INT_H
#include "case.h"
#include <libxml/tree.h>

/* An arena owns every node and string of a case; freeing it is a walk over
 * a list of chunks, never over the tree. */
typedef struct sd_arena sd_arena;
sd_arena *sd_arena_new(void);
void sd_arena_free(sd_arena *a);
void *sd_arena_alloc(sd_arena *a, size_t n);              /* zeroed; NULL on OOM */
char *sd_arena_strndup(sd_arena *a, const char *s, size_t n);

/* Start-tag position of an element, recorded while parsing (libxml2 2.9
 * nodes keep only a 16-bit line and no column). */
typedef struct sd_case_pos {
  int line, col;
} sd_case_pos;

typedef struct sd_case_src {
  const char *file;          /* name used in messages */
  const sd_case_pos *pos;    /* indexed by (intptr_t)node->_private - 1 */
  size_t n_pos;
} sd_case_src;

/* Position of an element or attribute node; {0, 0} when unknown. */
sd_case_pos sd_case_node_pos(const sd_case_src *src, const xmlNode *n);

/* Builds the plain tree of a validated document into c (c->arena set),
 * folding translations, then checks references, date order and the photo.
 * Adds diagnostics; SD_E_INPUT when a rule fails, SD_E_NOMEM. */
sd_status sd_case_build(sd_case *c, const xmlDoc *doc, const sd_case_src *src, sd_diags *d);

/* A libxml2 schema-validation message in plain words (case_message.c). */
typedef struct sd_schema_msg {
  char elem[64], attr[64]; /* the element and attribute it is about, "" if none */
  bool facet;              /* a facet (enumeration, pattern, length) failed */
  bool type_error;         /* "... is not a valid value of the ... type" */
  char text[1024];
} sd_schema_msg;
void sd_case_schema_message(const char *raw, const xmlNode *node, sd_schema_msg *m);
/* A libxml2 well-formedness message (raw, with the name it gave in str1, may
 * be NULL) in plain words: "xmlParseEntityRef: no name" becomes "a bare &
 * must be written &amp; ...". Never libxml2's function names. */
void sd_case_xml_message(const char *raw, const char *str1, char *out, size_t cap);

/* Shortens a value from case data for a message: at most max code points,
 * then "…". Returns buf. */
const char *sd_case_clip(const char *s, size_t max, char *buf, size_t cap);
#endif
