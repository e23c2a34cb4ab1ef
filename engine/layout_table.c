/* layout: tables. Table > TR > TH|TD (PDF/UA-1 7.5: header cells carry
 * /Scope). Column widths follow the content; a row that does not fit moves
 * to the next page, or, taller than a page, continues there line by line;
 * after a page break the header row is drawn again as an artifact
 * (repeated furniture, not new content). Right-to-left documents put the
 * first column on the right. */
#include "layout_int.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PAD 4.0f

static const sd_rgb RULE = { 0.45f, 0.45f, 0.45f };
static const sd_rgb HEAD_FILL = { 0.91f, 0.93f, 0.96f }; /* dark text on it: 14:1 */

typedef struct cell {
  sd_para *p;
  const sd_block *blk;
} cell;

typedef struct table {
  size_t rows, cols;
  cell *cells;         /* rows x cols */
  float *x0, *w;       /* per column, in page coordinates */
  float size;
} table;

static float natural_width(const sd_para *p)
{
  float w = 0;
  for (size_t i = 0; i < p->n_lines; i++)
    if (p->lines[i].width_pt > w) w = p->lines[i].width_pt;
  return w;
}

/* Widths: each column's unwrapped width if everything fits, else shares
 * by the square root of it (long prose gets room without starving short
 * columns), never under a sixth of an even share. */
static sd_status column_widths(lay *L, const sd_block *blk, table *T, box b)
{
  float avail = b.x1 - b.x0;
  float *nat = calloc(T->cols, sizeof *nat);
  if (!nat) return SD_E_NOMEM;
  sd_status st = SD_OK;
  for (size_t r = 0; r < T->rows && st == SD_OK; r++)
    for (size_t c = 0; c < T->cols && st == SD_OK; c++) {
      const sd_block *cb = T->cells[r * T->cols + c].blk;
      if (!cb) continue;
      sd_para *p;
      st = lay_shape(L, cb->inl, cb->n_inl, cb->lang ? cb->lang : L->doc_lang, r == 0 && blk->children[0].header,
                     T->size, 1e6f, &p);
      if (st == SD_OK && natural_width(p) + 2 * PAD > nat[c]) nat[c] = natural_width(p) + 2 * PAD;
    }
  float sum = 0, root_sum = 0;
  for (size_t c = 0; c < T->cols; c++) {
    sum += nat[c];
    root_sum += sqrtf(nat[c] + 1);
  }
  float floor_w = avail / (float)T->cols / 6;
  float total = 0;
  for (size_t c = 0; c < T->cols; c++) {
    float w = sum <= avail ? nat[c] + (avail - sum) * nat[c] / (sum > 0 ? sum : 1) : avail * sqrtf(nat[c] + 1) / root_sum;
    T->w[c] = w < floor_w ? floor_w : w;
    total += T->w[c];
  }
  /* the floors may overshoot: scale back to the available width */
  float x = 0;
  for (size_t c = 0; c < T->cols; c++) T->w[c] *= avail / total;
  for (size_t i = 0; i < T->cols; i++) {
    size_t c = L->doc_rtl ? T->cols - 1 - i : i;
    T->x0[c] = b.x0 + x;
    x += T->w[c];
  }
  free(nat);
  return st;
}

static float slot_height(lay *L, const table *T, size_t r, size_t line)
{
  float h = 0;
  for (size_t c = 0; c < T->cols; c++) {
    const sd_para *p = T->cells[r * T->cols + c].p;
    if (p && line < p->n_lines) {
      float lh = lay_line_height(&p->lines[line], T->size, L->sty->line_spacing);
      if (lh > h) h = lh;
    }
  }
  return h;
}

static size_t row_lines(const table *T, size_t r)
{
  size_t n = 1;
  for (size_t c = 0; c < T->cols; c++) {
    const sd_para *p = T->cells[r * T->cols + c].p;
    if (p && p->n_lines > n) n = p->n_lines;
  }
  return n;
}

/* Draws one line slot of a row: each cell's line `line`, owned by that
 * cell's element (or an artifact for a repeated header, elems == NULL). */
static sd_status draw_slot(lay *L, const table *T, size_t r, size_t line, float top, float h, const int *elems)
{
  sd_status st = SD_OK;
  for (size_t c = 0; c < T->cols && st == SD_OK; c++) {
    const sd_para *p = T->cells[r * T->cols + c].p;
    if (!p || line >= p->n_lines) continue;
    const sd_line *ln = &p->lines[line];
    float base = top - (h - ln->ascent_pt - ln->descent_pt) / 2 - ln->ascent_pt;
    float x = p->rtl ? T->x0[c] + T->w[c] - PAD - ln->width_pt : T->x0[c] + PAD;
    for (size_t k = 0; k < ln->n_runs && st == SD_OK; k++) {
      const sd_run *run = &ln->runs[k];
      sd_item it = { .kind = SD_ITEM_GLYPHS, .elem = elems ? elems[c] : -1, .x = x, .y = base, .color = L->sty->text,
                     .font = run->font, .size_pt = T->size, .glyphs = run->glyphs, .n_glyphs = run->n_glyphs,
                     .lang = run->lang };
      if (run->n_glyphs) st = lay_add_item(L, &it);
      x += run->width_pt;
    }
  }
  return st;
}

static size_t items_on_page(lay *L)
{
  return L->out->pages[L->out->n_pages - 1].n_items;
}

/* Cell borders and the header tint: decoration. The tint goes beneath the
 * row's text, which starts at item index `from` of the current page. */
static sd_status frame(lay *L, const table *T, float top, float bottom, int header, size_t from)
{
  sd_status st = SD_OK;
  for (size_t c = 0; c < T->cols && st == SD_OK; c++) {
    if (header) {
      sd_item fill = { .kind = SD_ITEM_RECT, .elem = -1, .x = T->x0[c], .y = bottom, .w = T->w[c], .h = top - bottom,
                       .color = HEAD_FILL };
      st = lay_insert_item(L, from++, &fill);
    }
    sd_item border = { .kind = SD_ITEM_RECT, .elem = -1, .x = T->x0[c], .y = bottom, .w = T->w[c], .h = top - bottom,
                       .color = RULE, .stroke_width = 0.6f };
    if (st == SD_OK) st = lay_add_item(L, &border);
  }
  return st;
}

static sd_status draw_header_again(lay *L, const table *T)
{
  size_t n = row_lines(T, 0);
  float top = L->y;
  size_t from = items_on_page(L);
  sd_status st = SD_OK;
  L->y -= PAD;
  for (size_t line = 0; line < n && st == SD_OK; line++) {
    float h = slot_height(L, T, 0, line);
    st = draw_slot(L, T, 0, line, L->y, h, NULL);
    L->y -= h;
  }
  L->y -= PAD;
  if (st == SD_OK) st = frame(L, T, top, L->y, 1, from);
  return st;
}

static sd_status draw_row(lay *L, table *T, size_t r, int tr, int has_header)
{
  size_t n = row_lines(T, r);
  int header = r == 0 && has_header;
  int *elems = calloc(T->cols, sizeof *elems);
  if (!elems) return SD_E_NOMEM;
  sd_status st = SD_OK;
  for (size_t c = 0; c < T->cols && st == SD_OK; c++) {
    const sd_block *cb = T->cells[r * T->cols + c].blk;
    const char *lang = cb && cb->lang ? cb->lang : NULL;
    elems[c] = lay_add_elem(L, header ? "TH" : "TD", tr, lay_same_lang(lang, L->doc_lang) ? NULL : lang);
    if (elems[c] < 0) st = SD_E_NOMEM;
    else if (header) L->out->elems[elems[c]].scope = "Column";
  }
  /* keep a row whole when it fits on a page */
  float whole = 2 * PAD;
  for (size_t line = 0; line < n; line++) whole += slot_height(L, T, r, line);
  if (st == SD_OK && L->y - whole < L->bottom && whole <= L->top - L->bottom - 40) {
    st = lay_break_page(L);
    if (st == SD_OK && has_header && !header) st = draw_header_again(L, T);
  }
  float top = L->y;
  size_t from = items_on_page(L);
  L->y -= PAD;
  for (size_t line = 0; line < n && st == SD_OK; line++) {
    float h = slot_height(L, T, r, line);
    if (L->y - h - PAD < L->bottom) {
      /* a row taller than the page continues on the next one */
      st = frame(L, T, top, L->y, header, from);
      if (st == SD_OK) st = lay_break_page(L);
      if (st == SD_OK && has_header && !header) st = draw_header_again(L, T);
      top = L->y;
      from = items_on_page(L);
    }
    if (st == SD_OK) st = draw_slot(L, T, r, line, L->y, h, elems);
    L->y -= h;
  }
  L->y -= PAD;
  if (st == SD_OK) st = frame(L, T, top, L->y, header, from);
  free(elems);
  return st;
}

sd_status lay_table(lay *L, const sd_block *blk, box b, int parent)
{
  table T = { .rows = blk->n_children, .size = L->body };
  for (size_t r = 0; r < blk->n_children; r++)
    if (blk->children[r].n_children > T.cols) T.cols = blk->children[r].n_children;
  if (!T.rows || !T.cols) return SD_OK;
  T.cells = calloc(T.rows * T.cols, sizeof *T.cells);
  T.x0 = calloc(T.cols, sizeof *T.x0);
  T.w = calloc(T.cols, sizeof *T.w);
  sd_status st = (!T.cells || !T.x0 || !T.w) ? SD_E_NOMEM : SD_OK;
  for (size_t r = 0; r < T.rows && st == SD_OK; r++)
    for (size_t c = 0; c < blk->children[r].n_children; c++) T.cells[r * T.cols + c].blk = &blk->children[r].children[c];
  if (st == SD_OK) st = column_widths(L, blk, &T, b);
  int has_header = blk->children[0].header;
  for (size_t r = 0; r < T.rows && st == SD_OK; r++)
    for (size_t c = 0; c < T.cols && st == SD_OK; c++) {
      cell *ce = &T.cells[r * T.cols + c];
      if (!ce->blk) continue;
      st = lay_shape(L, ce->blk->inl, ce->blk->n_inl, ce->blk->lang ? ce->blk->lang : L->doc_lang,
                     r == 0 && has_header, T.size, T.w[c] - 2 * PAD, &ce->p);
    }
  int te = st == SD_OK ? lay_add_elem(L, "Table", parent, NULL) : -1;
  if (st == SD_OK && te < 0) st = SD_E_NOMEM;
  for (size_t r = 0; r < T.rows && st == SD_OK; r++) {
    int tr = lay_add_elem(L, "TR", te, NULL);
    st = tr < 0 ? SD_E_NOMEM : draw_row(L, &T, r, tr, has_header);
  }
  L->y -= L->body * 0.8f;
  free(T.cells);
  free(T.x0);
  free(T.w);
  return st;
}
