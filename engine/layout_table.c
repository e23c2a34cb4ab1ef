/* layout: tables. Table > THead > TR > TH (/Scope Column) for the header
 * row, Table > TBody > TR > TD for the rest (pdf.js calls a TH a column
 * header only inside THead). Columns get at least their longest word and
 * share the rest by how much text they hold; right-to-left documents put
 * the first column on the right. Each cell is drawn whole, its lines
 * together and top-aligned, cells of a row in logical order, so a reader
 * that follows the content stream (MuPDF, pdfminer) gets each cell in one
 * piece. A row that does not fit moves to the next page, where the header
 * row is drawn again as an artifact. A row taller than a page is drawn
 * stacked (below), so that each of its cells still reads whole.
 *
 * Columns whose longest words do not stand side by side at the body size
 * are tried at smaller sizes down to the style's smallest body size (large
 * print's four-column section F: 16 pt rather than 18). Only when even that
 * fails is a table laid out stacked: for each row, each column's header
 * (TH, /Scope Row) above its cell (TD), so no two pieces of text share a
 * line. */
#include "layout_int.h"
#include <stdlib.h>
#include <string.h>

/* Cell padding, in ems: poppler joins words on one baseline less than 1.5
 * em apart (maxWordSpacing) and splits columns 1 em apart, so neighbouring
 * cells' text stays at least 1.6 em apart */
#define PAD_EM 0.8f
#define CELL_SPACING 1.4f

static const sd_rgb RULE = { 0.45f, 0.45f, 0.45f };
static const sd_rgb HEAD_FILL = { 0.91f, 0.93f, 0.96f }; /* dark text on it: 14:1 */

typedef struct cell {
  const sd_block *blk;  /* NULL: an empty cell */
  sd_para *p;           /* shaped at the column's width */
  int th;               /* a header cell */
} cell;

typedef struct table {
  size_t rows, cols;
  cell *cells;          /* rows x cols */
  float *x0, *w;        /* per column, in page coordinates */
  float size, pad;
  int header_row;       /* row 0 heads the columns and repeats after a break */
  size_t head_page;     /* the page the header row was last drawn on */
} table;

static cell *at(const table *T, size_t r, size_t c)
{
  return &T->cells[r * T->cols + c];
}

static const char *cell_lang(lay *L, const cell *ce)
{
  return ce->blk && ce->blk->lang ? ce->blk->lang : L->doc_lang;
}

/* Widest line, and widest stretch between spaces (the longest word). */
static void measure(const sd_para *p, float *natural, float *word)
{
  for (size_t i = 0; i < p->n_lines; i++) {
    const sd_line *ln = &p->lines[i];
    if (ln->width_pt > *natural) *natural = ln->width_pt;
    float run = 0;
    for (size_t r = 0; r < ln->n_runs; r++) {
      const sd_run *rn = &ln->runs[r];
      float k = rn->glyphs && rn->font ? rn->width_pt : 0;
      int32_t total = 0;
      for (size_t g = 0; g < rn->n_glyphs; g++) total += rn->glyphs[g].advance;
      float scale = total ? k / (float)total : 0;
      for (size_t g = 0; g < rn->n_glyphs; g++) {
        const sd_glyph *gl = &rn->glyphs[g];
        if (gl->text_len == 1 && gl->text[0] == ' ') run = 0;
        else run += (float)gl->advance * scale;
        if (run > *word) *word = run;
      }
    }
  }
}

/* A wrapped cell's lines whose height is a little more than CELL_SPACING
 * (Arabic: 1.7 em, its font's ascent and descent) are set CELL_SPACING
 * apart, so poppler keeps the cell one block instead of interleaving it
 * with its neighbours' lines; looked at in ehcp-ar-dyslexia, marks and
 * descenders do not touch. Taller lines (Nastaliq) keep their height:
 * there they would collide. */
#define CELL_INK_SQUEEZE 1.75f

static void squeeze_lines(const table *T, sd_para *p)
{
  float pitch = T->size * CELL_SPACING;
  for (size_t i = 0; p && p->n_lines > 1 && i < p->n_lines; i++) {
    sd_line *ln = &p->lines[i];
    float ink = ln->ascent_pt + ln->descent_pt;
    if (ink > pitch && ink <= T->size * CELL_INK_SQUEEZE) {
      ln->ascent_pt *= pitch / ink;
      ln->descent_pt *= pitch / ink;
    }
  }
}

static sd_status shape_cell(lay *L, const table *T, cell *ce, float width)
{
  if (!ce->blk) return SD_OK;
  sd_status st = lay_shape(L, ce->blk->inl, ce->blk->n_inl, cell_lang(L, ce), ce->th, T->size, width, &ce->p);
  if (st == SD_OK) squeeze_lines(T, ce->p);
  return st;
}

/* Each column's natural and minimum (longest word) width, padding included. */
static sd_status measure_columns(lay *L, table *T, float *nat, float *min)
{
  sd_status st = SD_OK;
  for (size_t r = 0; r < T->rows && st == SD_OK; r++)
    for (size_t c = 0; c < T->cols && st == SD_OK; c++) {
      cell *ce = at(T, r, c);
      if (!ce->blk) continue;
      sd_para *p;
      st = lay_shape(L, ce->blk->inl, ce->blk->n_inl, cell_lang(L, ce), ce->th, T->size, 1e6f, &p);
      float n = 0, w = 0;
      if (st == SD_OK) measure(p, &n, &w);
      if (n + 2 * T->pad > nat[c]) nat[c] = n + 2 * T->pad;
      if (w + 2 * T->pad > min[c]) min[c] = w + 2 * T->pad;
    }
  return st;
}

/* Minimum widths first; what is left goes to the columns whose text
 * would otherwise wrap, in proportion to how much more they want. */
static void share_widths(table *T, const float *nat, const float *min, float avail)
{
  float smin = 0, want = 0;
  for (size_t c = 0; c < T->cols; c++) {
    smin += min[c];
    want += nat[c] - min[c];
  }
  float extra = avail - smin;
  for (size_t c = 0; c < T->cols; c++)
    T->w[c] = min[c] + (want > 0 ? extra * (nat[c] - min[c]) / want : extra / (float)T->cols);
  if (want > 0 && want < extra) /* everything fits unwrapped: spread the slack evenly */
    for (size_t c = 0; c < T->cols; c++) T->w[c] = nat[c] + (extra - want) / (float)T->cols;
}

static void place_columns(lay *L, table *T, box b)
{
  float x = 0;
  for (size_t i = 0; i < T->cols; i++) {
    size_t c = L->doc_rtl ? T->cols - 1 - i : i;
    T->x0[c] = b.x0 + x;
    x += T->w[c];
  }
}

static float para_height(lay *L, const table *T, const sd_para *p)
{
  float h = 0;
  for (size_t i = 0; p && i < p->n_lines; i++) h += lay_line_height(&p->lines[i], T->size, L->sty->line_spacing);
  return h;
}

/* A row drawn cell by cell: its tallest cell and the padding. */
static float row_height(lay *L, const table *T, size_t r)
{
  float h = 0;
  for (size_t c = 0; c < T->cols; c++) {
    float ch = para_height(L, T, at(T, r, c)->p);
    if (ch > h) h = ch;
  }
  if (h == 0) h = T->size * L->sty->line_spacing;
  return h + 2 * T->pad;
}

static size_t items_on_page(lay *L)
{
  return L->out->pages[L->out->n_pages - 1].n_items;
}

/* Cell borders and the header tint: decoration. The tint goes beneath the
 * text, which starts at item index `from` of the current page. */
static sd_status frame(lay *L, const table *T, size_t r, float top, float bottom, size_t from)
{
  sd_status st = SD_OK;
  for (size_t c = 0; c < T->cols && st == SD_OK; c++) {
    if (at(T, r, c)->th) {
      sd_item fill = { .kind = SD_ITEM_RECT, .elem = -1, .x = T->x0[c], .y = bottom, .w = T->w[c],
                       .h = top - bottom, .color = HEAD_FILL };
      st = lay_insert_item(L, from++, &fill);
    }
    sd_item border = { .kind = SD_ITEM_RECT, .elem = -1, .x = T->x0[c], .y = bottom, .w = T->w[c],
                       .h = top - bottom, .color = RULE, .stroke_width = 0.6f };
    if (st == SD_OK) st = lay_add_item(L, &border);
  }
  return st;
}

/* A row that fits on the page: each cell whole, in logical order, its
 * lines top-aligned (elems NULL: a repeated header, an artifact). */
static sd_status draw_cells(lay *L, const table *T, size_t r, const int *elems)
{
  float top = L->y, h = row_height(L, T, r);
  size_t from = items_on_page(L);
  sd_status st = SD_OK;
  for (size_t c = 0; c < T->cols && st == SD_OK; c++) {
    const cell *ce = at(T, r, c);
    if (!ce->p) continue;
    box in = { T->x0[c] + T->pad, T->x0[c] + T->w[c] - T->pad };
    L->y = top - T->pad;
    /* in a right-to-left table every cell starts on the right */
    st = lay_place_para(L, ce->p, in, ce->p->rtl || L->doc_rtl, T->size, elems ? elems[c] : -1, cell_lang(L, ce), L->sty->text);
  }
  L->y = top - h;
  if (st == SD_OK) st = frame(L, T, r, top, L->y, from);
  return st;
}

static sd_status table_alloc(table *T)
{
  T->cells = calloc(T->rows * T->cols, sizeof *T->cells);
  T->x0 = calloc(T->cols, sizeof *T->x0);
  T->w = calloc(T->cols, sizeof *T->w);
  return T->cells && T->x0 && T->w ? SD_OK : SD_E_NOMEM;
}

static void table_free(table *T)
{
  free(T->cells);
  free(T->x0);
  free(T->w);
}

/* One header-and-cell pair of the stacked form: a TR holding the TH (on a
 * tint, /Scope Row: it heads the cell beneath it) above the TD, kept on
 * one page when it fits. h NULL: a table without a header row, the cell
 * alone. */
static sd_status draw_pair(lay *L, const table *T, const cell *h, const cell *v, int tr, box b)
{
  float hh = h ? para_height(L, T, h->p) : 0, vh = para_height(L, T, v->p), pad = T->pad / 2;
  float whole = (h ? hh + pad : 0) + vh + 2 * pad;
  sd_status st = SD_OK;
  if (L->y - whole < L->bottom && whole <= L->top - L->bottom - 40) st = lay_break_page(L);
  int the = h ? lay_add_elem(L, "TH", tr, NULL) : 0, tde = lay_add_elem(L, v->th ? "TH" : "TD", tr, NULL);
  if (st != SD_OK || the < 0 || tde < 0) return st != SD_OK ? st : SD_E_NOMEM;
  if (v->th) L->out->elems[tde].scope = "Column"; /* a header row taller than a page */
  box in = { b.x0 + pad, b.x1 - pad };
  if (h) {
    L->out->elems[the].scope = "Row";
    sd_item tint = { .kind = SD_ITEM_RECT, .elem = -1, .x = b.x0, .y = L->y - hh - 2 * pad, .w = b.x1 - b.x0,
                     .h = hh + 2 * pad, .color = HEAD_FILL };
    st = lay_add_item(L, &tint);
    L->y -= pad;
    if (st == SD_OK && h->p) st = lay_place_para(L, h->p, in, L->doc_rtl, T->size, the, cell_lang(L, h), L->sty->text);
  }
  L->y -= pad;
  if (st == SD_OK && v->p) st = lay_place_para(L, v->p, in, L->doc_rtl, T->size, tde, cell_lang(L, v), L->sty->text);
  L->y -= pad;
  return st;
}

/* One row of the stacked form: a pair per column, then a rule. */
static sd_status draw_group(lay *L, const table *T, const cell *head, const cell *row, int parent, box b)
{
  sd_status st = SD_OK;
  for (size_t c = 0; c < T->cols && st == SD_OK; c++) {
    int tr = lay_add_elem(L, "TR", parent, NULL);
    if (tr < 0) return SD_E_NOMEM;
    st = draw_pair(L, T, head ? &head[c] : NULL, &row[c], tr, b);
  }
  sd_item rule = { .kind = SD_ITEM_RECT, .elem = -1, .x = b.x0, .y = L->y - 2, .w = b.x1 - b.x0, .h = 1.2f,
                   .color = RULE };
  if (st == SD_OK) st = lay_add_item(L, &rule);
  L->y -= T->size * 0.9f;
  return st;
}

/* The stacked form, one group of pairs per body row. */
static sd_status draw_stacked(lay *L, table *src, int te, box b)
{
  sd_status st = SD_OK;
  for (size_t r = 0; r < src->rows && st == SD_OK; r++)
    for (size_t c = 0; c < src->cols && st == SD_OK; c++) {
      cell *ce = at(src, r, c);
      ce->p = NULL;
      if (r > 0 || src->header_row) st = shape_cell(L, src, ce, b.x1 - b.x0 - src->pad);
    }
  for (size_t r = src->header_row ? 1 : 0; r < src->rows && st == SD_OK; r++)
    st = draw_group(L, src, src->header_row ? at(src, 0, 0) : NULL, at(src, r, 0), te, b);
  return st;
}

/* A row taller than a page. Side by side, its cells could not each be read
 * whole: a reader that follows the content stream gets the first page's
 * part of every cell before the rest of any. So it is drawn in the stacked
 * form, each column's header above its cell at the table's width, and a
 * cell longer than a page runs on like a paragraph. */
static sd_status draw_tall_row(lay *L, const table *T, size_t r, int group, box b)
{
  cell *head = calloc(T->cols, sizeof *head), *row = calloc(T->cols, sizeof *row);
  sd_status st = head && row ? SD_OK : SD_E_NOMEM;
  int with_head = T->header_row && r > 0;
  for (size_t c = 0; c < T->cols && st == SD_OK; c++) {
    row[c] = (cell){ .blk = at(T, r, c)->blk, .th = at(T, r, c)->th };
    head[c] = (cell){ .blk = at(T, 0, c)->blk, .th = 1 };
    st = shape_cell(L, T, &row[c], b.x1 - b.x0 - T->pad);
    if (st == SD_OK && with_head) st = shape_cell(L, T, &head[c], b.x1 - b.x0 - T->pad);
  }
  if (st == SD_OK) st = draw_group(L, T, with_head ? head : NULL, row, group, b);
  free(head);
  free(row);
  return st;
}

/* One row of the grid, kept whole on a page when it fits. */
static sd_status draw_row(lay *L, table *T, size_t r, int group, box b)
{
  if (r == 0) T->head_page = L->out->n_pages;
  float whole = row_height(L, T, r);
  if (whole > L->top - L->bottom - 40) return draw_tall_row(L, T, r, group, b);
  int tr = lay_add_elem(L, "TR", group, NULL);
  int *elems = calloc(T->cols, sizeof *elems);
  if (tr < 0 || !elems) {
    free(elems);
    return SD_E_NOMEM;
  }
  sd_status st = SD_OK;
  for (size_t c = 0; c < T->cols && st == SD_OK; c++) {
    const cell *ce = at(T, r, c);
    const char *lang = ce->blk ? ce->blk->lang : NULL;
    elems[c] = lay_add_elem(L, ce->th ? "TH" : "TD", tr, lay_same_lang(lang, L->doc_lang) ? NULL : lang);
    if (elems[c] < 0) st = SD_E_NOMEM;
    else if (ce->th) L->out->elems[elems[c]].scope = "Column";
  }
  if (st == SD_OK && L->y - whole < L->bottom) st = lay_break_page(L);
  /* the header again on a page the row starts after a break (its own, or
   * one inside a tall row before it) */
  if (st == SD_OK && T->header_row && r > 0 && T->head_page != L->out->n_pages) {
    st = draw_cells(L, T, 0, NULL);
    T->head_page = L->out->n_pages;
  }
  if (st == SD_OK) st = draw_cells(L, T, r, elems);
  free(elems);
  return st;
}

static sd_status lay_table_in(lay *L, const sd_block *blk, box b, int parent);

sd_status lay_table(lay *L, const sd_block *blk, box b, int parent)
{
  /* Lines of a cell closer than 1.5 em, so poppler keeps each cell one block */
  const sd_style_spec *sty = L->sty;
  sd_style_spec tight = *sty;
  if (tight.line_spacing > CELL_SPACING) tight.line_spacing = CELL_SPACING;
  L->sty = &tight;
  sd_status st = lay_table_in(L, blk, b, parent);
  L->sty = sty;
  return st;
}

static sd_status lay_table_in(lay *L, const sd_block *blk, box b, int parent)
{
  table src = { .rows = blk->n_children, .size = L->body, .pad = L->body * PAD_EM };
  for (size_t r = 0; r < blk->n_children; r++)
    if (blk->children[r].n_children > src.cols) src.cols = blk->children[r].n_children;
  if (!src.rows || !src.cols) return SD_OK;
  src.header_row = blk->children[0].header;
  sd_status st = table_alloc(&src);
  for (size_t r = 0; r < src.rows && st == SD_OK; r++)
    for (size_t c = 0; c < blk->children[r].n_children; c++)
      *at(&src, r, c) = (cell){ .blk = &blk->children[r].children[c], .th = r == 0 && src.header_row };
  float avail = b.x1 - b.x0;
  float *nat = calloc(src.cols, sizeof *nat), *min = calloc(src.cols, sizeof *min);
  if (st == SD_OK && (!nat || !min)) st = SD_E_NOMEM;
  /* Columns that do not stand side by side at the body size may at the
   * style's smallest body size (large print: 16 pt, never less). */
  int stacked = 1;
  for (float size = L->body; st == SD_OK; size -= 1) {
    src.size = size;
    src.pad = size * PAD_EM;
    memset(nat, 0, src.cols * sizeof *nat);
    memset(min, 0, src.cols * sizeof *min);
    st = measure_columns(L, &src, nat, min);
    float smin = 0;
    for (size_t c = 0; c < src.cols; c++) smin += min[c];
    stacked = src.header_row && src.rows > 1 && src.cols > 1 && smin > avail;
    if (!stacked || size - 1 < L->sty->min_body_pt - 0.001f) break;
  }
  if (stacked) { /* the stacked form has the whole width: body size */
    src.size = L->body;
    src.pad = L->body * PAD_EM;
  }
  if (st == SD_OK && !stacked) {
    share_widths(&src, nat, min, avail);
    place_columns(L, &src, b);
    for (size_t r = 0; r < src.rows && st == SD_OK; r++)
      for (size_t c = 0; c < src.cols && st == SD_OK; c++) st = shape_cell(L, &src, at(&src, r, c), src.w[c] - 2 * src.pad);
  }
  free(nat);
  free(min);
  int te = st == SD_OK ? lay_add_elem(L, "Table", parent, NULL) : -1;
  if (st == SD_OK && te < 0) st = SD_E_NOMEM;
  if (st == SD_OK && stacked) st = draw_stacked(L, &src, te, b);
  int head = -1, body = -1;
  for (size_t r = 0; r < src.rows && st == SD_OK && !stacked; r++) {
    int *group = r == 0 && src.header_row ? &head : &body;
    if (*group < 0) *group = lay_add_elem(L, group == &head ? "THead" : "TBody", te, NULL);
    st = *group < 0 ? SD_E_NOMEM : draw_row(L, &src, r, *group, b);
  }
  L->y -= L->body * 0.8f;
  table_free(&src);
  return st;
}
