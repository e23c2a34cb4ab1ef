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
static sd_status put_line_n(lay *L, const sd_para *p, size_t k, float y, float size, int at_end, sd_rgb color)
{
  if (!p || p->n_lines <= k) return SD_OK;
  const sd_line *ln = &p->lines[k];
  float x0 = L->margin, x1 = L->pw - L->margin;
  /* sides follow the document, whatever the line's own direction */
  int right = at_end != (L->doc_rtl != 0);
  float x = right ? x1 - ln->width_pt : x0;
  sd_status st = SD_OK;
  for (size_t r = 0; r < ln->n_runs && st == SD_OK; r++) {
    sd_item it = { .kind = SD_ITEM_GLYPHS, .elem = -1, .x = x, .y = y, .color = color, .font = ln->runs[r].font,
                   .size_pt = size, .glyphs = ln->runs[r].glyphs, .n_glyphs = ln->runs[r].n_glyphs,
                   .lang = ln->runs[r].lang, .rtl = ln->runs[r].rtl };
    st = lay_add_item(L, &it);
    x += ln->runs[r].width_pt;
  }
  return st;
}

static sd_status put_line(lay *L, const sd_para *p, float y, float size, int at_end, sd_rgb color)
{
  return put_line_n(L, p, 0, y, size, at_end, color);
}

/* A running header or footer too long for one line takes a second (below
 * the header, above the footer) rather than losing its end: a plan's status
 * must be on every page. Past two lines the rest is cut, with a warning. */
#define FURNITURE_LINES 2
static sd_status put_lines(lay *L, const sd_para *p, float y, float size, int down, sd_rgb color)
{
  if (!p) return SD_OK;
  size_t n = p->n_lines < FURNITURE_LINES ? p->n_lines : FURNITURE_LINES;
  float lh = size * 1.25f;
  sd_status st = SD_OK;
  for (size_t k = 0; k < n && st == SD_OK; k++)
    st = put_line_n(L, p, k, down ? y - lh * (float)k : y + lh * (float)(n - 1 - k), size, 0, color);
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
                   .n_glyphs = ln->runs[r].n_glyphs, .lang = ln->runs[r].lang, .rtl = ln->runs[r].rtl, .angle = 45 };
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

/* The language of a page's content: that of the first structure element
 * drawn on it (inherited up the tree), or NULL for the document's. A
 * bilingual postcard's English side is English. */
static const char *page_lang(const lay *L, size_t page)
{
  const sd_page *pg = &L->out->pages[page];
  for (size_t i = 0; i < pg->n_items; i++) {
    int e = pg->items[i].elem;
    if (e < 0) continue;
    /* a Span is a stretch inside a block (an English name opening an
     * Urdu heading): the page is in its block's language */
    while (e >= 0 && (size_t)e < L->out->n_elems && strcmp(L->out->elems[e].role, "Span") == 0) e = L->out->elems[e].parent;
    while (e >= 0 && (size_t)e < L->out->n_elems && !L->out->elems[e].lang) e = L->out->elems[e].parent;
    const char *lang = e >= 0 && (size_t)e < L->out->n_elems ? L->out->elems[e].lang : NULL;
    return lang && !lay_same_lang(lang, L->doc_lang) ? lang : NULL;
  }
  return NULL;
}

/* Header and footer type: the style's footer size, scaled with the body
 * when a one-page document steps its type down, never below 10 pt. */
static float furniture_size(const lay *L)
{
  float size = L->sty->footer_pt * (L->body / L->sty->body_pt);
  return size < 10 ? 10 : size;
}

static sd_status shape_header(lay *L, sd_para **header)
{
  *header = NULL;
  if (!L->t->n_header) return SD_OK;
  return lay_shape(L, L->t->header, L->t->n_header, L->doc_lang, 0, furniture_size(L), (L->pw - 2 * L->margin) * 0.62f,
                   header);
}

sd_status lay_header_room(lay *L, float *room)
{
  sd_status st = shape_header(L, &L->header);
  *room = 0;
  if (st == SD_OK && L->header && L->header->n_lines > 1) *room = furniture_size(L) * 1.25f * (FURNITURE_LINES - 1);
  return st;
}

sd_status lay_page_furniture(lay *L)
{
  const sd_doc_tree *t = L->t;
  size_t n = L->out->n_pages;
  float size = furniture_size(L);
  float width = L->pw - 2 * L->margin;
  sd_para *footer = NULL, *header = L->header, *mark = NULL;
  sd_status st = SD_OK;
  /* the same text on every page: shaped once (the header before the body) */
  if (t->n_footer) st = lay_shape(L, t->footer, t->n_footer, L->doc_lang, 0, size, width * 0.62f, &footer);
  float wm_size = L->pw / 7;
  if (st == SD_OK && t->n_watermark)
    st = lay_shape(L, t->watermark, t->n_watermark, L->doc_lang, 1, wm_size, L->ph, &mark);
  float footer_y = L->margin * 0.55f, header_y = L->ph - L->margin * 0.6f;
  if ((footer && footer->n_lines > FURNITURE_LINES) || (header && header->n_lines > FURNITURE_LINES))
    sd_diag_warn(L->d, "layout.furniture-cut", NULL, 0, 0, header && header->n_lines > FURNITURE_LINES ? "header" : "footer",
                 "the running %s is longer than %d lines and is cut short on every page: shorten it in the template",
                 header && header->n_lines > FURNITURE_LINES ? "header" : "footer", FURNITURE_LINES);
  /* page numbers in the language of the page they are on (one other
   * language's catalogue at a time, opened when a page needs it) */
  sd_locale *other = NULL;
  char *other_tag = NULL;
  for (size_t i = 0; i < n && st == SD_OK; i++) {
    char page[24], pages[24];
    snprintf(page, sizeof page, "%zu", i + 1);
    snprintf(pages, sizeof pages, "%zu", n);
    char *names[] = { "page", "pages" }, *values[] = { page, pages };
    const char *plang = page_lang(L, i);
    const sd_locale *loc = L->loc;
    if (plang && L->loc) {
      if (!other_tag || strcmp(other_tag, plang) != 0) {
        sd_locale_free(other);
        free(other_tag);
        other = NULL;
        other_tag = sd_strdup(plang);
        if (!other_tag || sd_locale_open(sd_locale_dir(L->loc), plang, &other, NULL) != SD_OK) other = NULL;
      }
      if (other) loc = other;
      else plang = NULL;
    }
    char *num = lay_keep(L, sd_locale_message(loc, "common.page_x_of_y", names, values, 2, NULL, L->d));
    if (!num) {
      st = SD_E_RESOURCE;
      break;
    }
    sd_inline inl = { .kind = SD_INL_TEXT, .text = num };
    sd_para *pn;
    if ((st = lay_shape(L, &inl, 1, plang ? plang : L->doc_lang, 0, size, width / 3, &pn)) != SD_OK) break;
    size_t saved = L->out->n_pages;
    L->out->n_pages = i + 1; /* lay_add_item writes to the last page */
    st = put_lines(L, footer, footer_y, size, 0, FURNITURE);
    if (st == SD_OK && header) st = put_lines(L, header, header_y, size, 1, FURNITURE);
    /* the page number goes in the header when there is one */
    if (st == SD_OK) st = put_line(L, pn, header ? header_y : footer_y, size, 1, FURNITURE);
    if (st == SD_OK && mark) st = watermark(L, mark, wm_size, i);
    L->out->n_pages = saved;
  }
  sd_locale_free(other);
  free(other_tag);
  return st;
}
