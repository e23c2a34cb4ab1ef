/* layout internals shared by layout.c (blocks), layout_page.c (headers,
 * footers, watermark) and layout_table.c (tables). Not a stage contract. */
#ifndef SD_LAYOUT_INT_H
#define SD_LAYOUT_INT_H
#include "layout.h"
#include "stop.h"

typedef struct box { float x0, x1; } box;

typedef struct pool {
  void **ptrs;
  size_t n, cap;
  sd_para **paras;       /* each allocated alone: items point into them */
  size_t n_paras, cap_paras;
} pool;

typedef struct lay {
  const sd_doc_tree *t;
  const sd_locale *loc;
  sd_fonts *fonts;
  sd_text_breaks *breaks;
  const sd_style_spec *sty;
  float body;            /* body size in use (one-page fitting steps it down) */
  sd_diags *d;
  float pw, ph, margin, top, bottom;
  float y;               /* top of the free space on the current page */
  float float_bottom, float_x0; /* a floated photo narrows lines above float_bottom */
  size_t float_page;
  sd_layout *out;
  size_t cap_pages, cap_elems, *cap_items;
  pool *pool;
  const char *doc_lang;
  int doc_rtl;           /* the document's language is written right to left */
  int seen_h1;           /* level-1 headings laid out so far */
  float overflow;        /* height laid out past the page limit */
  sd_stop *stop;         /* cancel and time limit, asked per block, paragraph and page; NULL: never */
  sd_para *header;       /* the running header, shaped once before the body (lay_header_room) */
} lay;


void *lay_keep(lay *L, void *p);
sd_para *lay_new_para(lay *L);
sd_status lay_new_page(lay *L);
/* A page break in flowing content. */
sd_status lay_break_page(lay *L);
sd_status lay_add_item(lay *L, const sd_item *it);
/* Adds an item to the current page before item index at (drawn beneath what follows). */
sd_status lay_insert_item(lay *L, size_t at, const sd_item *it);
int lay_add_elem(lay *L, const char *role, int parent, const char *lang);
int lay_same_lang(const char *a, const char *b);
float lay_line_height(const sd_line *ln, float size, float spacing);
/* The element a run is drawn under: elem itself, or, when the run's
 * language differs from elem_lang, a new Span with its own /Lang (PDF/UA-1
 * 7.2). -2 when out of memory. */
int lay_run_owner(lay *L, int elem, const char *elem_lang, const sd_run *run);
/* Places p's lines from the cursor down in b, flush right when right. */
sd_status lay_place_para(lay *L, const sd_para *p, box b, int right, float size, int elem, const char *elem_lang,
                         sd_rgb color);
sd_status lay_shape(lay *L, const sd_inline *inl, size_t n, const char *lang, int bold, float size, float width,
                    sd_para **out);
char *lay_plain_text(const sd_inline *inl, size_t n);
/* Running header, footer, page numbers and watermark on every page. */
sd_status lay_page_furniture(lay *L);
/* How far the body must start below the usual top margin: a running header
 * that takes two lines needs room for its second (0 otherwise). */
sd_status lay_header_room(lay *L, float *room);
sd_status lay_table(lay *L, const sd_block *blk, box b, int parent);
#endif
