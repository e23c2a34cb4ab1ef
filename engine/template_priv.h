/* template (private): the parsed template as the expander sees it. The cmark
 * tree is walked once at parse time into this small tree of blocks and
 * inline tokens with every {{…}} already split out, so syntax errors surface
 * at parse time and expansion never touches Markdown again. */
#ifndef SD_TEMPLATE_PRIV_H
#define SD_TEMPLATE_PRIV_H
#include <stdio.h>
#include "template.h"

/* Nesting of lists, items, quotes, each, if and lang; deeper input is template.limit. */
#define TPL_MAX_DEPTH 32
#define TPL_MAX_BYTES ((size_t)1 << 20)
#define TPL_MAX_BLOCKS 100000
#define TPL_MAX_INLINES 1000000
#define TPL_MAX_COLUMNS 64

typedef enum ti_kind {
  TI_TEXT,   /* template literal: text */
  TI_FIELD,  /* case value: text is the path ("." for the item) */
  TI_INDEX,  /* {{@index}} */
  TI_MSG,    /* {{t:key args}}: text is the key */
  TI_DATE,   /* {{date:path}} or {{date:YYYY-MM-DD}} */
  TI_BREAK,  /* hard line break */
  TI_EACH,   /* inline each: text is the path, body/alt */
  TI_IF,     /* inline if: text is the path (cmp/cmp_value), body/alt */
  TI_COUNT,  /* {{count:path}}: text is the path */
  TI_LANG,   /* inline lang section: text is the tag ("doc" or BCP 47), body */
  /* markers, only while parsing; TI_OPEN_EACH..TI_CLOSE_LANG stay contiguous */
  TI_OPEN_EACH, TI_OPEN_IF, TI_OPEN_LANG, TI_ELSE, TI_CLOSE_EACH, TI_CLOSE_IF, TI_CLOSE_LANG,
  TI_IMAGE   /* only while parsing a paragraph: an image to split out */
} ti_kind;

/* {{#if path == "v"}} / {{#if path != "v"}} */
typedef enum tcmp { CMP_NONE, CMP_EQ, CMP_NE } tcmp;

typedef enum targ_kind { ARG_LIT, ARG_PATH, ARG_INDEX, ARG_COUNT } targ_kind;

typedef struct targ {
  targ_kind kind;
  char *name, *value; /* value: literal text or a path */
} targ;

typedef struct tinl tinl;
typedef struct tinls {
  tinl **v;
  size_t n, cap;
} tinls;

struct tinl {
  ti_kind kind;
  bool strong;
  bool date_literal; /* TI_DATE: text is an ISO date, not a path */
  bool is_time;      /* TI_DATE from {{time:path}}: the field is a time (HH:MM[:SS]) */
  tcmp cmp;          /* TI_IF / TI_OPEN_IF: comparison with cmp_value */
  int line, col;
  char *text;
  char *cmp_value;
  char *where;       /* TI_OPEN_EACH / TI_EACH: {{#each path where FIELD [== "v"]}} keeps the
                        items for which FIELD (cmp with cmp_value) holds */
  targ *args;
  size_t n_args;
  tinls body, alt;   /* TI_EACH/TI_IF; TI_IMAGE: body = alt text, alt = src */
};

typedef enum tb_kind {
  TB_DOC, TB_HEADING, TB_PARA, TB_LIST, TB_ITEM, TB_IMAGE, TB_RULE,
  TB_TABLE, TB_ROW, TB_CELL, TB_EACH, TB_IF, TB_MARKER, TB_LANG
} tb_kind;

typedef struct tblock tblock;
typedef struct tblocks {
  tblock **v;
  size_t n, cap;
} tblocks;

struct tblock {
  tb_kind kind;
  int level;          /* heading */
  bool ordered;       /* list */
  bool header;        /* row: the table's header row */
  tcmp cmp;           /* if: comparison with cmp_value */
  int line, col;
  char *path;         /* each/if: field path; lang: the tag */
  char *cmp_value;
  char *where;        /* each: the filter's field (cmp with cmp_value), NULL: every item */
  tinls inl;          /* paragraph, heading, cell; image: alt text */
  tinls src;          /* image source */
  tblocks body, alt;  /* children; if/each: else branch in alt */
  tinl *marker;       /* TB_MARKER: the lone {{#each}}/{{else}}/… token */
};

/* front matter `requires: PATH [if COND]: REASON` (see template.c) */
typedef struct treq {
  char *path;        /* dotted path from <case> */
  char *cond;        /* NULL: always; else an {{#if}} condition's path */
  tcmp cmp;
  char *cmp_value;
  char *reason;      /* plain words: why the document needs it and what to add */
  int line, col;
} treq;

struct sd_template {
  char *file;
  sd_front_matter fm;
  bool has_title, has_footer, has_header, has_watermark;
  tinls title, footer, header, watermark;
  tblock *root;
  treq *reqs;
  size_t n_reqs;
  const sd_schema_fields *known; /* borrowed (sd_template_use_schema); NULL: every missing field is an error */
};

void tpl_tinl_free(tinl *x);
void tpl_tinls_free(tinls *l);
void tpl_tblock_free(tblock *b);
#endif
