/* template: a Markdown template (cmark) with front matter and {{…}} fields,
 * expanded against a case into a plain document tree. Case values go in as
 * literal text after parsing: data is never markup. */
#ifndef SD_TEMPLATE_H
#define SD_TEMPLATE_H
#include "case.h"
#include "schema_fields.h"
#include <stdbool.h>
#include <stdio.h>

typedef enum sd_inline_kind {
  SD_INL_TEXT,      /* literal text */
  SD_INL_MSG,       /* a fixed string from the locale catalogue: key in text */
  SD_INL_DATE,      /* an ISO date (YYYY-MM-DD) in text, formatted by locale */
  SD_INL_BREAK      /* a hard line break */
} sd_inline_kind;

typedef struct sd_inline {
  sd_inline_kind kind;
  char *text;       /* literal text, message key or ISO date */
  char *lang;       /* language of a literal from case data; NULL: the document's */
  bool strong;      /* bold (never italics: readability) */
  char *field;      /* the case field it came from, for diagnostics; NULL for template text */
  int line, col;    /* template position, or case-data position for values */
  /* SD_INL_MSG: named arguments for ICU MessageFormat */
  char **arg_names, **arg_values;
  size_t n_args;
  char **arg_langs;  /* SD_INL_MSG: NULL, or per argument the xml:lang of the case element its
                        value came from (NULL entries: not from case data); see langrun.h */
  bool lang_by_script; /* lang was set from the text's script (Latin letters in Arabic text),
                          not from where the text came from: it does not set paragraph direction */
} sd_inline;

typedef enum sd_block_kind {
  SD_BLK_DOCUMENT,
  SD_BLK_HEADING,   /* level 1..6 */
  SD_BLK_PARAGRAPH,
  SD_BLK_LIST,      /* children are SD_BLK_ITEM */
  SD_BLK_ITEM,      /* children are blocks */
  SD_BLK_IMAGE,     /* src (resolved path) and alt */
  SD_BLK_TABLE,     /* children are SD_BLK_ROW; first row is the header */
  SD_BLK_ROW,       /* children are SD_BLK_CELL */
  SD_BLK_CELL,      /* inlines */
  SD_BLK_RULE       /* thematic break: write-in line or separator */
} sd_block_kind;

typedef struct sd_block sd_block;
struct sd_block {
  sd_block_kind kind;
  int level;            /* heading level */
  bool ordered;         /* list */
  char *src, *alt;      /* image: source as written in the template/case (resolve
                           with sd_case_resolve_photo) and alternative text */
  char *lang;           /* block language when it differs from the document; NULL otherwise */
  sd_inline *inl;       /* paragraph, heading, cell; image: its alt text as inlines
                           (MSG/DATE resolvable by locale; alt holds their plain text) */
  size_t n_inl;
  sd_block *children;
  size_t n_children;
  bool header;          /* SD_BLK_ROW: a header row (its cells are TH, repeated after a page break) */
  unsigned img_w, img_h; /* SD_BLK_IMAGE: pixel size, set by the engine once it has checked the photo */
  int line, col;        /* template position */
};

typedef struct sd_front_matter {
  char *doc_type;       /* e.g. "one-page-profile" */
  char *page_size;      /* "A4", "A5-landscape", "A6-landscape" */
  char *style;          /* "standard", "large-print", "dyslexia" */
  int max_pages;        /* 0: unlimited; 1: must fit one page */
  bool h1_new_page;     /* every level-1 heading after the first starts a new page */
  char *meeting_type;   /* `meeting:` review paperwork is about one meeting of this type
                           ("annual-review"); NULL: the document is about the whole case */
  bool meeting_latest;  /* `meeting: latest T`: the latest held on or before the render date
                           (else the next); `meeting: next T`: the next on or after it */
} sd_front_matter;

typedef struct sd_doc_tree {
  sd_front_matter fm;
  sd_block root;        /* SD_BLK_DOCUMENT */
  sd_inline *title;     /* document title (PDF title, first H1 by default) */
  size_t n_title;
  sd_inline *footer;    /* footer text, left; page number added by layout */
  size_t n_footer;
  sd_inline *header;    /* running header (front matter `header:`), an artifact on every page;
                           when present the page number goes in the header, else in the footer */
  size_t n_header;
  sd_inline *watermark; /* front matter `watermark:` (e.g. DRAFT), drawn across every page as an artifact;
                           empty text after expansion means no watermark */
  size_t n_watermark;
  char *lang;           /* document language (BCP 47) */
  char *source_lang;    /* the case's own xml:lang (its root's), NULL: none; Latin-script text
                           with no better source is taken to be in it (langrun.h) */
  char *date;           /* ISO date the document is dated, from the case or options */
  size_t n_untranslated; /* case text shown in another language than the section it is in
                            (no translation for it): render warns once with this count */
} sd_doc_tree;

typedef struct sd_template sd_template;

/* Parses a template (front matter + Markdown). Free with sd_template_free(). */
sd_status sd_template_parse(const char *text, size_t len, const char *file,
                            sd_template **out, sd_diags *d);
void sd_template_free(sd_template *t);
/* Lets expansion tell an optional element the case leaves out (known to the
 * schema: it expands to nothing, an {{#each}} to no items) from a path no case
 * can have (template.field, naming the template). known is borrowed and must
 * outlive t; NULL (the default): every missing field is template.field. */
void sd_template_use_schema(sd_template *t, const sd_schema_fields *known);
const sd_front_matter *sd_template_front_matter(const sd_template *t);

/* Expands the template against a case (c may be NULL for a plain Markdown
 * note: then any {{field}} is an error). lang picks translations of case text. */
sd_status sd_template_expand(const sd_template *t, const sd_case *c, const char *lang,
                             sd_doc_tree *out, sd_diags *d);
void sd_doc_tree_free(sd_doc_tree *t);
/* Frees what one inline owns (text, language, field, message arguments) and zeroes it. */
void sd_inline_clear(sd_inline *x);

/* What the expansion needs beyond the case: the render date and, for review
 * paperwork, which meeting (front matter `meeting:`). */
typedef struct sd_expand_options {
  const char *today;       /* ISO date of the render; NULL: no date (first meeting of the type) */
  const char *meeting_id;  /* the meeting with this id; NULL: the template's rule */
} sd_expand_options;

/* sd_template_expand with options (NULL: as sd_template_expand). A template
 * about one meeting that finds none is SD_E_INPUT with a case.required error at
 * the case's <meetings> (or <case>) element. */
sd_status sd_template_expand_with(const sd_template *t, const sd_case *c, const char *lang,
                                  const sd_expand_options *o, sd_doc_tree *out, sd_diags *d);
void sd_doc_tree_dump(const sd_doc_tree *t, FILE *out);
#endif
