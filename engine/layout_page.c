/* layout: what every page carries besides its content — running header,
 * footer, page numbers and a watermark. PDF/UA-1 7.8: all of it is
 * pagination artifact, invisible to assistive technology. */
#include "layout_int.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const sd_rgb FURNITURE = { 0.25f, 0.25f, 0.25f }; /* 10:1 on white, 9:1 on cream */
static const sd_rgb WATERMARK = { 0.86f, 0.86f, 0.86f };  /* decoration behind the text */

/* The first line of p as artifact items, at the reading start (or the
 * other end when at_end), on baseline y. */
static sd_status put_line(lay *L, const sd_para *p, float y, float size, int at_end, sd_rgb color)
{
  if (!p || !p->n_lines) return SD_OK;
  const sd_line *ln = &p->lines[0];
  float x0 = L->margin, x1 = L->pw - L->margin;
  /* sides follow the document, whatever the line's own direction */
  int right = at_end != (L->doc_rtl != 0);
  float x = right ? x1 - ln->width_pt : x0;
  sd_status st = SD_OK;
  for (size_t r = 0; r < ln->n_runs && st == SD_OK; r++) {
    sd_item it = { .kind = SD_ITEM_GLYPHS, .elem = -1, .x = x, .y = y, .color = color, .font = ln->runs[r].font,
                   .size_pt = size, .glyphs = ln->runs[r].glyphs, .n_glyphs = ln->runs[r].n_glyphs,
                   .lang = ln->runs[r].lang };
    st = lay_add_item(L, &it);
    x += ln->runs[r].width_pt;
  }
  return st;
}

/* A watermark goes under everything on the page: its items move to the front. */
static sd_status watermark(lay *L, const sd_para *p, float size, size_t page)
{
  if (!p || !p->n_lines) return SD_OK;
  const sd_line *ln = &p->lines[0];
  sd_page *pg = &L->out->pages[page];
  size_t before = pg->n_items;
  /* 45 degrees through the page centre */
  const float a = 45.0f * 3.14159265f / 180.0f;
  float half = ln->width_pt / 2, cx = L->pw / 2, cy = L->ph / 2 - size * 0.35f;
  float x = cx - half * cosf(a), y = cy - half * sinf(a);
  sd_status st = SD_OK;
  float along = 0;
  for (size_t r = 0; r < ln->n_runs && st == SD_OK; r++) {
    sd_item it = { .kind = SD_ITEM_GLYPHS, .elem = -1, .x = x + along * cosf(a), .y = y + along * sinf(a),
                   .color = WATERMARK, .font = ln->runs[r].font, .size_pt = size, .glyphs = ln->runs[r].glyphs,
                   .n_glyphs = ln->runs[r].n_glyphs, .lang = ln->runs[r].lang, .angle = 45 };
    st = lay_add_item(L, &it);
    along += ln->runs[r].width_pt;
  }
  if (st != SD_OK) return st;
  pg = &L->out->pages[page];
  size_t n = pg->n_items - before;
  sd_item *tmp = malloc(n * sizeof *tmp);
  if (!tmp) return SD_E_NOMEM;
  memcpy(tmp, pg->items + before, n * sizeof *tmp);
  memmove(pg->items + n, pg->items, before * sizeof *tmp);
  memcpy(pg->items, tmp, n * sizeof *tmp);
  free(tmp);
  return SD_OK;
}

sd_status lay_page_furniture(lay *L)
{
  const sd_doc_tree *t = L->t;
  size_t n = L->out->n_pages;
  float k = L->body / L->sty->body_pt;
  float size = L->sty->footer_pt * k;
  if (size < 10) size = 10;
  float width = L->pw - 2 * L->margin;
  sd_para *footer = NULL, *header = NULL, *mark = NULL;
  sd_status st = SD_OK;
  /* the same text on every page: shaped once */
  if (t->n_footer) st = lay_shape(L, t->footer, t->n_footer, L->doc_lang, 0, size, width * 0.62f, &footer);
  if (st == SD_OK && t->n_header) st = lay_shape(L, t->header, t->n_header, L->doc_lang, 0, size, width * 0.62f, &header);
  float wm_size = L->pw / 7;
  if (st == SD_OK && t->n_watermark)
    st = lay_shape(L, t->watermark, t->n_watermark, L->doc_lang, 1, wm_size, L->ph, &mark);
  float footer_y = L->margin * 0.55f, header_y = L->ph - L->margin * 0.6f;
  for (size_t i = 0; i < n && st == SD_OK; i++) {
    char page[24], pages[24];
    snprintf(page, sizeof page, "%zu", i + 1);
    snprintf(pages, sizeof pages, "%zu", n);
    char *names[] = { "page", "pages" }, *values[] = { page, pages };
    char *num = lay_keep(L, sd_locale_message(L->loc, "common.page_x_of_y", names, values, 2, NULL, L->d));
    if (!num) return SD_E_RESOURCE;
    sd_inline inl = { .kind = SD_INL_TEXT, .text = num };
    sd_para *pn;
    if ((st = lay_shape(L, &inl, 1, L->doc_lang, 0, size, width / 3, &pn)) != SD_OK) return st;
    size_t saved = L->out->n_pages;
    L->out->n_pages = i + 1; /* lay_add_item writes to the last page */
    st = put_line(L, footer, footer_y, size, 0, FURNITURE);
    if (st == SD_OK && header) st = put_line(L, header, header_y, size, 0, FURNITURE);
    /* the page number goes in the header when there is one */
    if (st == SD_OK) st = put_line(L, pn, header ? header_y : footer_y, size, 1, FURNITURE);
    if (st == SD_OK && mark) st = watermark(L, mark, wm_size, i);
    L->out->n_pages = saved;
  }
  return st;
}
