/* layout: the resolved document tree to positioned pages. Headings,
 * paragraphs, lists, images, tables, footers; text left-aligned (right-aligned
 * for right-to-left paragraphs), never justified. The output is a plain list
 * of pages of drawn items, each tied to a structure element or marked as an
 * artifact, which the pdf stage writes without knowing where it came from. */
#ifndef SD_LAYOUT_H
#define SD_LAYOUT_H
#include "locale.h"
#include "text.h"

typedef struct sd_rgb { float r, g, b; } sd_rgb;

typedef enum sd_item_kind { SD_ITEM_GLYPHS, SD_ITEM_IMAGE, SD_ITEM_RECT } sd_item_kind;

typedef struct sd_item {
  sd_item_kind kind;
  int elem;              /* structure element index; -1: artifact */
  float x, y;            /* PDF points from the bottom-left; glyphs: baseline start */
  sd_rgb color;
  /* SD_ITEM_GLYPHS: one shaped run */
  const sd_font *font;
  float size_pt;
  const sd_glyph *glyphs;
  size_t n_glyphs;
  const char *lang;      /* the run's language */
  int rtl;               /* 1: a right-to-left run (glyphs left to right, text reversed) */
  /* SD_ITEM_IMAGE and SD_ITEM_RECT */
  float w, h;
  const char *image_path;
  float stroke_width;    /* rect: 0 fills, > 0 strokes */
  float angle;           /* degrees anticlockwise about (x, y); 0 for all but watermarks */
} sd_item;

typedef struct sd_page {
  float width, height;
  sd_item *items;
  size_t n_items;
} sd_page;

/* A structure element: role is a standard PDF structure type. */
typedef struct sd_elem {
  const char *role;      /* "Document", "H1".."H6", "P", "L", "LI", "Lbl", "LBody", "Figure", "Table", "TR", "TH", "TD", "Span" */
  int parent;            /* index, -1 for the root */
  const char *lang;      /* NULL: inherits */
  const char *alt;       /* Figure */
  const char *scope;     /* TH: "Column" or "Row" */
  const char *bookmark;  /* headings: outline entry text, NULL: none */
  int page;              /* page the element starts on (bookmarks) */
  float top;             /* y of the element's top on that page */
} sd_elem;

typedef struct sd_style_spec {
  const char *name;      /* standard, large-print, dyslexia */
  float body_pt, min_body_pt, h1_pt, h2_pt, h3_pt, footer_pt;
  float line_spacing;    /* multiple of the size */
  float max_line_chars;  /* measure cap in ems*2 (dyslexia: short lines) */
  sd_rgb text, background;
} sd_style_spec;

typedef struct sd_layout {
  sd_page *pages;
  size_t n_pages;
  sd_elem *elems;
  size_t n_elems;
  char *title;           /* plain text */
  char *lang;            /* document /Lang */
  sd_rgb background;     /* drawn as an artifact on every page when not white */
  void *pool;            /* owns pages, items, paragraphs and strings */
} sd_layout;

const sd_style_spec *sd_style_find(const char *name);

/* Lays out a resolved tree (locale stage done: only SD_INL_TEXT and
 * SD_INL_BREAK remain). SD_E_INPUT when max_pages is exceeded, with a
 * diagnostic saying how much to cut. Free with sd_layout_free(). */
sd_status sd_layout_run(const sd_doc_tree *t, const sd_locale *loc, sd_fonts *fonts,
                        const sd_style_spec *style, sd_layout *out, sd_diags *d);
/* The same, asking stop (NULL: never) at every block, paragraph and page:
 * SD_E_CANCELLED or SD_E_TIMEOUT as soon as it says so, nothing laid out. */
struct sd_stop;
sd_status sd_layout_run_stop(const sd_doc_tree *t, const sd_locale *loc, sd_fonts *fonts,
                             const sd_style_spec *style, struct sd_stop *stop, sd_layout *out, sd_diags *d);
void sd_layout_free(sd_layout *l);
void sd_layout_dump(const sd_layout *l, FILE *out);
#endif
