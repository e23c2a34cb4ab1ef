/* layout: blocks to pages. Left-aligned (right-aligned for right-to-left
 * paragraphs), never justified; body size and line spacing from the reading
 * style; lists with their labels on the reading side; a photo floats beside
 * the first blocks; footers and page numbers are artifacts. */
#include "layout_int.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicode/uloc.h>

static const sd_style_spec STYLES[] = {
  /* name, body, min body, h1, h2, h3, footer, line spacing, measure (ems), text, background */
  { "standard", 13, 12, 24, 17, 14.5f, 11, 1.45f, 0, { 0.1f, 0.1f, 0.1f }, { 1, 1, 1 } },
  { "large-print", 18, 16, 30, 23, 20, 14, 1.45f, 0, { 0.05f, 0.05f, 0.05f }, { 1, 1, 1 } },
  /* British Dyslexia Association style guide: sans serif, 12-14 pt, spacing
   * 1.5, cream background, 60-70 characters a line */
  { "dyslexia", 14, 12, 24, 18, 15.5f, 12, 1.6f, 34, { 0.1f, 0.1f, 0.1f }, { 1.0f, 0.976f, 0.91f } },
};

const sd_style_spec *sd_style_find(const char *name)
{
  for (size_t i = 0; i < sizeof STYLES / sizeof *STYLES; i++)
    if (name && strcmp(STYLES[i].name, name) == 0) return &STYLES[i];
  return NULL;
}

void *lay_keep(lay *L, void *p)
{
  pool *pl = L->pool;
  if (!p) return NULL;
  if (pl->n == pl->cap) {
    size_t cap = pl->cap ? pl->cap * 2 : 64;
    void **q = realloc(pl->ptrs, cap * sizeof *q);
    if (!q) { free(p); return NULL; }
    pl->ptrs = q;
    pl->cap = cap;
  }
  pl->ptrs[pl->n++] = p;
  return p;
}

sd_para *lay_new_para(lay *L)
{
  pool *pl = L->pool;
  if (pl->n_paras == pl->cap_paras) {
    size_t cap = pl->cap_paras ? pl->cap_paras * 2 : 64;
    sd_para **q = realloc(pl->paras, cap * sizeof *q);
    if (!q) return NULL;
    pl->paras = q;
    pl->cap_paras = cap;
  }
  sd_para *p = calloc(1, sizeof *p);
  if (p) pl->paras[pl->n_paras++] = p;
  return p;
}

sd_status lay_new_page(lay *L)
{
  sd_status st = sd_stop_check(L->stop);
  if (st != SD_OK) return st;
  sd_layout *o = L->out;
  if (o->n_pages == L->cap_pages) {
    size_t cap = L->cap_pages ? L->cap_pages * 2 : 4;
    sd_page *p = realloc(o->pages, cap * sizeof *p);
    size_t *c = realloc(L->cap_items, cap * sizeof *c);
    if (p) o->pages = p;
    if (c) L->cap_items = c;
    if (!p || !c) return SD_E_NOMEM;
    L->cap_pages = cap;
  }
  sd_page *pg = &o->pages[o->n_pages];
  memset(pg, 0, sizeof *pg);
  pg->width = L->pw;
  pg->height = L->ph;
  L->cap_items[o->n_pages] = 0;
  o->n_pages++;
  L->y = L->top;
  return SD_OK;
}

sd_status lay_add_item(lay *L, const sd_item *it)
{
  size_t pi = L->out->n_pages - 1;
  sd_page *pg = &L->out->pages[pi];
  if (pg->n_items == L->cap_items[pi]) {
    size_t cap = L->cap_items[pi] ? L->cap_items[pi] * 2 : 64;
    sd_item *p = realloc(pg->items, cap * sizeof *p);
    if (!p) return SD_E_NOMEM;
    pg->items = p;
    L->cap_items[pi] = cap;
  }
  pg->items[pg->n_items++] = *it;
  return SD_OK;
}

sd_status lay_insert_item(lay *L, size_t at, const sd_item *it)
{
  sd_status st = lay_add_item(L, it);
  if (st != SD_OK) return st;
  sd_page *pg = &L->out->pages[L->out->n_pages - 1];
  if (at >= pg->n_items - 1) return SD_OK;
  sd_item moved = pg->items[pg->n_items - 1];
  memmove(pg->items + at + 1, pg->items + at, (pg->n_items - 1 - at) * sizeof *pg->items);
  pg->items[at] = moved;
  return SD_OK;
}

int lay_add_elem(lay *L, const char *role, int parent, const char *lang)
{
  sd_layout *o = L->out;
  if (o->n_elems == L->cap_elems) {
    size_t cap = L->cap_elems ? L->cap_elems * 2 : 64;
    sd_elem *p = realloc(o->elems, cap * sizeof *p);
    if (!p) return -1;
    o->elems = p;
    L->cap_elems = cap;
  }
  sd_elem *e = &o->elems[o->n_elems];
  memset(e, 0, sizeof *e);
  e->role = role;
  e->parent = parent;
  e->lang = lang;
  e->page = (int)o->n_pages - 1;
  e->top = L->y;
  return (int)o->n_elems++;
}

sd_status lay_break_page(lay *L)
{
  return lay_new_page(L);
}

int lay_same_lang(const char *a, const char *b)
{
  if (!a || !b) return a == b;
  return strcasecmp(a, b) == 0;
}

/* The paragraph's text and styled spans, from its inlines. */
static sd_status collect(lay *L, const sd_inline *inl, size_t n, const char *lang, int bold,
                         char **text, sd_text_span **spans, size_t *n_spans)
{
  size_t len = 0;
  for (size_t i = 0; i < n; i++) len += inl[i].kind == SD_INL_BREAK ? 1 : (inl[i].text ? strlen(inl[i].text) : 0);
  char *s = malloc(len + 1);
  sd_text_span *sp = malloc((n ? n : 1) * sizeof *sp);
  if (!s || !sp) { free(s); free(sp); return SD_E_NOMEM; }
  size_t o = 0, k = 0;
  for (size_t i = 0; i < n; i++) {
    const char *piece = inl[i].kind == SD_INL_BREAK ? "\n" : inl[i].text ? inl[i].text : "";
    size_t pl = strlen(piece);
    if (!pl) continue;
    memcpy(s + o, piece, pl);
    sp[k].start = (uint32_t)o;
    sp[k].len = (uint32_t)pl;
    sp[k].lang = inl[i].lang ? inl[i].lang : lang;
    sp[k].style = (bold || inl[i].strong) ? SD_FONT_BOLD : SD_FONT_REGULAR;
    sp[k].field = inl[i].field;
    sp[k].line = inl[i].line;
    sp[k].col = inl[i].col;
    k++;
    o += pl;
  }
  s[o] = 0;
  *text = lay_keep(L, s);
  *spans = lay_keep(L, sp);
  *n_spans = k;
  return (*text && *spans) ? SD_OK : SD_E_NOMEM;
}

static box narrow_for_float(lay *L, box b, float top)
{
  if (L->float_bottom <= 0 || L->float_page != L->out->n_pages - 1 || top <= L->float_bottom) return b;
  if (L->doc_rtl && b.x0 < L->float_x0) b.x0 = L->float_x0;
  else if (!L->doc_rtl && b.x1 > L->float_x0) b.x1 = L->float_x0;
  return b;
}


float lay_line_height(const sd_line *ln, float size, float spacing)
{
  float natural = ln->ascent_pt + ln->descent_pt;
  float lh = size * spacing;
  return natural > lh ? natural : lh;
}

/* The k-th run of a line in reading order (runs are stored left to right;
 * a line has few runs, so counting is cheaper than sorting). */
static size_t logical_run(const sd_line *ln, size_t k)
{
  for (size_t r = 0; r < ln->n_runs; r++) {
    size_t before = 0;
    for (size_t q = 0; q < ln->n_runs; q++)
      before += ln->runs[q].src_off < ln->runs[r].src_off || (ln->runs[q].src_off == ln->runs[r].src_off && q < r);
    if (before == k) return r;
  }
  return k;
}

/* Places a shaped paragraph in box b from the cursor down, breaking pages
 * between lines. Runs in another language than the element get a Span with
 * their own /Lang (PDF/UA-1 7.2). */
/* Short paragraphs are not split across pages: a reader (and pdftotext,
 * which prints the footer and the next header in between) gets them whole. */
static sd_status keep_together(lay *L, const sd_para *p, float size)
{
  float h = 0;
  for (size_t i = 0; p && i < p->n_lines; i++) h += lay_line_height(&p->lines[i], size, L->sty->line_spacing);
  if (L->y < L->top && L->y - h < L->bottom && h <= (L->top - L->bottom) / 3) return lay_break_page(L);
  return SD_OK;
}

int lay_run_owner(lay *L, int elem, const char *elem_lang, const sd_run *run)
{
  if (elem < 0 || !run->lang || lay_same_lang(run->lang, elem_lang)) return elem;
  int span = lay_add_elem(L, "Span", elem, run->lang);
  return span < 0 ? -2 : span;
}

sd_status lay_place_para(lay *L, const sd_para *p, box b, int right, float size, int elem, const char *elem_lang,
                         sd_rgb color)
{
  sd_status st = SD_OK;
  for (size_t i = 0; i < p->n_lines && st == SD_OK; i++) {
    const sd_line *ln = &p->lines[i];
    float lh = lay_line_height(ln, size, L->sty->line_spacing);
    if (L->y - lh < L->bottom && (st = lay_break_page(L)) != SD_OK) return st;
    float half = (lh - ln->ascent_pt - ln->descent_pt) / 2;
    float base = L->y - half - ln->ascent_pt;
    float x0 = right ? b.x1 - ln->width_pt : b.x0;
    /* runs are placed left to right but drawn in reading order: pdf.js
     * joins a line's text items in content order */
    for (size_t k = 0; k < ln->n_runs && st == SD_OK; k++) {
      size_t r = logical_run(ln, k);
      float x = x0;
      for (size_t q = 0; q < r; q++) x += ln->runs[q].width_pt;
      const sd_run *run = &ln->runs[r];
      int owner = lay_run_owner(L, elem, elem_lang, run);
      if (owner < -1) return SD_E_NOMEM;
      sd_item it = { .kind = SD_ITEM_GLYPHS, .elem = owner, .x = x, .y = base, .color = color, .font = run->font,
                     .size_pt = size, .glyphs = run->glyphs, .n_glyphs = run->n_glyphs, .lang = run->lang,
                     .rtl = run->rtl };
      if (run->n_glyphs) st = lay_add_item(L, &it);
    }
    L->y -= lh;
  }
  return st;
}

static int lang_is_rtl(const char *tag)
{
  char id[ULOC_FULLNAME_CAPACITY];
  UErrorCode err = U_ZERO_ERROR;
  uloc_forLanguageTag(tag, id, sizeof id, NULL, &err);
  return U_SUCCESS(err) && uloc_isRightToLeft(id);
}

/* A paragraph's direction (UAX #9 HL1, a higher-level protocol): the
 * document's (or block's) language when the template wrote any of it, so a
 * heading or a details block in an Arabic document is right-to-left even
 * when it opens with an English name; else the language of its case text,
 * so an untranslated English sentence stays left-to-right. 1 LTR, 2 RTL. */
static int para_direction(const sd_inline *inl, size_t n, const char *lang)
{
  const char *content = NULL;
  for (size_t i = 0; i < n; i++) {
    if (inl[i].kind != SD_INL_TEXT || !inl[i].text || !inl[i].text[strspn(inl[i].text, " ")]) continue;
    if (!inl[i].field) return lang_is_rtl(lang) ? 2 : 1;
    /* a Latin name split out of Urdu text by its script says nothing of the paragraph's direction */
    if (!content && !inl[i].lang_by_script) content = inl[i].lang ? inl[i].lang : lang;
  }
  return lang_is_rtl(content ? content : lang) ? 2 : 1;
}

sd_status lay_shape(lay *L, const sd_inline *inl, size_t n, const char *lang, int bold, float size,
                       float width, sd_para **out)
{
  char *text;
  sd_text_span *spans;
  size_t n_spans;
  *out = NULL;
  sd_status st = sd_stop_check(L->stop);
  if (st == SD_OK) st = collect(L, inl, n, lang, bold, &text, &spans, &n_spans);
  if (st != SD_OK) return st;
  sd_para *p = lay_new_para(L);
  if (!p) return SD_E_NOMEM;
  const sd_inline *src = n ? &inl[0] : NULL;
  for (size_t i = 0; i < n; i++)
    if (inl[i].field) { src = &inl[i]; break; }
  sd_text_params tp = { .size_pt = size, .max_width_pt = width, .lang = lang, .base_dir = para_direction(inl, n, lang),
                        .breaks = L->breaks,
                        .field = src ? src->field : NULL, .line = src ? src->line : 0, .col = src ? src->col : 0 };
  st = sd_text_layout(L->fonts, text, strlen(text), spans, n_spans, &tp, p, L->d);
  *out = p;
  return st;
}

static float measure_cap(lay *L, box b)
{
  if (L->sty->max_line_chars > 0) {
    float cap = L->sty->max_line_chars * L->body;
    if (b.x1 - b.x0 > cap) return cap;
  }
  return b.x1 - b.x0;
}

static sd_status text_block(lay *L, const sd_block *blk, box b, float size, int bold, const char *role,
                            int parent, sd_rgb color, int *elem_out)
{
  const char *lang = blk->lang ? blk->lang : L->doc_lang;
  b = narrow_for_float(L, b, L->y);
  float width = measure_cap(L, b);
  sd_para *p;
  sd_status st = lay_shape(L, blk->inl, blk->n_inl, lang, bold, size, width, &p);
  if (st == SD_OK) st = keep_together(L, p, size);
  if (st != SD_OK) return st;
  if (p->rtl) b.x0 = b.x1 - width;
  else b.x1 = b.x0 + width;
  int e = lay_add_elem(L, role, parent, lay_same_lang(lang, L->doc_lang) ? NULL : lang);
  if (e < 0) return SD_E_NOMEM;
  if (elem_out) *elem_out = e;
  return lay_place_para(L, p, b, p->rtl, size, e, lang, color);
}

static sd_status blocks(lay *L, const sd_block *kids, size_t n, box b, int parent);

static float heading_size(lay *L, int level)
{
  /* a card (A5 or A6 landscape) has no room for the A4 heading sizes:
   * its headings stay just above the body, still bold and distinct */
  if (L->ph < 500) return L->body * (level <= 1 ? 1.3f : level == 2 ? 1.12f : 1.0f);
  float k = L->body / L->sty->body_pt;
  return (level <= 1 ? L->sty->h1_pt : level == 2 ? L->sty->h2_pt : L->sty->h3_pt) * k;
}

static const char *heading_role(int level)
{
  static const char *roles[] = { "H1", "H2", "H3", "H4", "H5", "H6" };
  return roles[level < 1 ? 0 : level > 6 ? 5 : level - 1];
}

char *lay_plain_text(const sd_inline *inl, size_t n)
{
  size_t len = 0;
  for (size_t i = 0; i < n; i++) len += inl[i].text ? strlen(inl[i].text) + 1 : 1;
  char *s = malloc(len + 1), *o = s;
  if (!s) return NULL;
  for (size_t i = 0; i < n; i++) {
    const char *t = inl[i].kind == SD_INL_BREAK ? " " : inl[i].text ? inl[i].text : "";
    size_t l = strlen(t);
    memcpy(o, t, l);
    o += l;
  }
  *o = 0;
  return s;
}

static sd_status heading(lay *L, const sd_block *blk, const sd_block *next, box b, int parent)
{
  float size = heading_size(L, blk->level);
  /* a table's first row is kept whole on its page: the heading before it
   * keeps room for one (else it is left alone at the foot of a page) */
  float follow = next && next->kind == SD_BLK_TABLE ? 6 : 2;
  float need = size * L->sty->line_spacing * 2 + L->body * L->sty->line_spacing * follow;
  /* keep a heading with the first lines that follow it; h1-new-page
   * templates start each level-1 heading after the first on a new side */
  int new_side = blk->level == 1 && L->t->fm.h1_new_page && L->seen_h1++ > 0;
  if (L->y < L->top && (new_side || L->y - need < L->bottom)) {
    sd_status st = lay_break_page(L);
    if (st != SD_OK) return st;
  }
  if (L->y < L->top) L->y -= size * 0.7f;
  int e;
  sd_rgb color = { 0.07f, 0.2f, 0.38f }; /* dark blue: 11:1 on white, 10:1 on cream */
  sd_status st = text_block(L, blk, b, size, 1, heading_role(blk->level), parent, color, &e);
  if (st != SD_OK) return st;
  L->out->elems[e].bookmark = lay_keep(L, lay_plain_text(blk->inl, blk->n_inl));
  L->y -= size * 0.3f;
  return SD_OK;
}

static sd_status figure(lay *L, const sd_block *blk, box b, int parent)
{
  /* the engine checked the photo and measured it; layout reads no files */
  if (!blk->img_w || !blk->img_h) {
    sd_diag_error(L->d, "layout.image", NULL, blk->line, blk->col, NULL, "an image without a checked size");
    return SD_E_INTERNAL;
  }
  sd_status st = SD_OK;
  float w = (b.x1 - b.x0) * 0.28f;
  if (w > 150) w = 150;
  float h = w * (float)blk->img_h / (float)blk->img_w;
  if (h > 190) { w *= 190 / h; h = 190; }
  if (L->y - h < L->bottom) {
    if ((st = lay_new_page(L)) != SD_OK) return st;
  }
  int e = lay_add_elem(L, "Figure", parent, NULL);
  if (e < 0) return SD_E_NOMEM;
  L->out->elems[e].alt = blk->alt;
  /* the photo floats at the reading end of the first lines */
  float x = L->doc_rtl ? b.x0 : b.x1 - w;
  sd_item it = { .kind = SD_ITEM_IMAGE, .elem = e, .x = x, .y = L->y - h, .w = w, .h = h, .image_path = blk->src };
  L->float_bottom = L->y - h - 8;
  L->float_x0 = L->doc_rtl ? b.x0 + w + 14 : b.x1 - w - 14;
  L->float_page = L->out->n_pages - 1;
  return lay_add_item(L, &it);
}

/* A list label on the baseline of its item's first line (or, with no
 * first line to follow, on its own line). */
static sd_status label(lay *L, const char *text, float size, box b, int rtl, float top, const sd_line *body,
                       int elem, const char *lang)
{
  sd_inline inl = { .kind = SD_INL_TEXT, .text = (char *)text };
  sd_para *p;
  sd_status st = lay_shape(L, &inl, 1, lang, 0, size, b.x1 - b.x0, &p);
  if (st != SD_OK || !p->n_lines) return st;
  const sd_line *ln = &p->lines[0];
  const sd_line *ref = body ? body : ln;
  float lh = lay_line_height(ref, size, L->sty->line_spacing);
  float base = top - (lh - ref->ascent_pt - ref->descent_pt) / 2 - ref->ascent_pt;
  float x0 = rtl ? b.x1 - ln->width_pt : b.x0;
  /* drawn in reading order, as a paragraph's runs are: «1.» in a
   * right-to-left list is two runs, the full stop left of the digit, and
   * drawn left to right every reader (the structure tree too) read «.1» */
  for (size_t k = 0; k < ln->n_runs && st == SD_OK; k++) {
    size_t r = logical_run(ln, k);
    float x = x0;
    for (size_t q = 0; q < r; q++) x += ln->runs[q].width_pt;
    sd_item it = { .kind = SD_ITEM_GLYPHS, .elem = elem, .x = x, .y = base, .color = L->sty->text,
                   .font = ln->runs[r].font, .size_pt = size, .glyphs = ln->runs[r].glyphs,
                   .n_glyphs = ln->runs[r].n_glyphs, .lang = ln->runs[r].lang, .rtl = ln->runs[r].rtl };
    st = lay_add_item(L, &it);
  }
  return st;
}

static const char *block_lang(lay *L, const sd_block *blk)
{
  return blk->lang ? blk->lang : L->doc_lang;
}

/* L > LI > (Lbl, LBody): the label goes on the reading side of the item. */
static sd_status list(lay *L, const sd_block *blk, box b, int parent)
{
  int le = lay_add_elem(L, "L", parent, NULL);
  if (le < 0) return SD_E_NOMEM;
  float indent = L->body * 1.6f;
  sd_status st = SD_OK;
  for (size_t i = 0; i < blk->n_children && st == SD_OK; i++) {
    const sd_block *item = &blk->children[i];
    const sd_block *first = item->n_children ? &item->children[0] : NULL;
    const char *lang = first ? block_lang(L, first) : L->doc_lang;
    box ib = narrow_for_float(L, b, L->y);
    sd_para *p = NULL;
    if (first && first->kind == SD_BLK_PARAGRAPH) {
      if ((st = lay_shape(L, first->inl, first->n_inl, lang, 0, L->body, measure_cap(L, ib) - indent, &p)) != SD_OK) break;
      float before = L->y;
      if (p->n_lines && L->y - lay_line_height(&p->lines[0], L->body, L->sty->line_spacing) < L->bottom)
        st = lay_break_page(L);
      else
        st = keep_together(L, p, L->body);
      if (st != SD_OK) break;
      if (L->y != before) ib = b;
    }
    /* labels go on the side the list reads from; item text stays by them */
    int rtl = lang_is_rtl(blk->lang ? blk->lang : L->doc_lang);
    int li = lay_add_elem(L, "LI", le, NULL);
    int lbl = lay_add_elem(L, "Lbl", li, NULL);
    if (li < 0 || lbl < 0) return SD_E_NOMEM;
    char num[24];
    snprintf(num, sizeof num, "%zu.", i + 1);
    float top = L->y;
    box lb = ib;
    const sd_line *first_line = p && p->n_lines ? &p->lines[0] : NULL;
    if ((st = label(L, blk->ordered ? num : "\xE2\x80\xA2", L->body, lb, rtl, top, first_line, lbl, lang)) != SD_OK)
      break;
    int body = lay_add_elem(L, "LBody", li, NULL);
    if (body < 0) return SD_E_NOMEM;
    box bb = ib;
    if (rtl) bb.x1 -= indent;
    else bb.x0 += indent;
    size_t from = 0;
    if (p) {
      int pe = lay_add_elem(L, "P", body, lay_same_lang(lang, L->doc_lang) ? NULL : lang);
      if (pe < 0) return SD_E_NOMEM;
      if (rtl) bb.x0 = bb.x1 - (measure_cap(L, ib) - indent);
      if ((st = lay_place_para(L, p, bb, rtl, L->body, pe, lang, L->sty->text)) != SD_OK) break;
      from = 1;
    }
    if (from < item->n_children) st = blocks(L, item->children + from, item->n_children - from, bb, body);
    L->y -= L->body * 0.25f;
  }
  L->y -= L->body * 0.35f;
  return st;
}

static sd_status rule(lay *L, box b)
{
  L->y -= L->body * 1.2f;
  if (L->y < L->bottom) {
    sd_status st = lay_new_page(L);
    if (st != SD_OK) return st;
    L->y -= L->body * 1.2f;
  }
  /* write-in lines and separators are decoration */
  sd_item it = { .kind = SD_ITEM_RECT, .elem = -1, .x = b.x0, .y = L->y, .w = b.x1 - b.x0, .h = 0.8f,
                 .color = { 0.35f, 0.35f, 0.35f } };
  L->y -= L->body * 0.6f;
  return lay_add_item(L, &it);
}

static sd_status blocks(lay *L, const sd_block *kids, size_t n, box b, int parent)
{
  sd_status st = SD_OK;
  for (size_t i = 0; i < n && st == SD_OK; i++) {
    const sd_block *blk = &kids[i];
    if ((st = sd_stop_check(L->stop)) != SD_OK) break;
    switch (blk->kind) {
    case SD_BLK_HEADING: st = heading(L, blk, i + 1 < n ? &kids[i + 1] : NULL, b, parent); break;
    case SD_BLK_PARAGRAPH:
      st = text_block(L, blk, b, L->body, 0, "P", parent, L->sty->text, NULL);
      L->y -= L->body * 0.6f;
      break;
    case SD_BLK_LIST: st = list(L, blk, b, parent); break;
    case SD_BLK_IMAGE: st = figure(L, blk, b, parent); break;
    case SD_BLK_RULE: st = rule(L, b); break;
    case SD_BLK_TABLE: st = lay_table(L, blk, b, parent); break;
    case SD_BLK_ITEM:
    case SD_BLK_DOCUMENT: st = blocks(L, blk->children, blk->n_children, b, parent); break;
    default:
      sd_diag_error(L->d, "layout.unsupported", NULL, blk->line, blk->col, NULL,
                    "this kind of block is not supported yet");
      st = SD_E_INPUT;
    }
  }
  return st;
}

static void page_size(const char *name, float *w, float *h, float *margin)
{
  const float a4w = 595.276f, a4h = 841.89f, a5h = 595.276f, a5w = 419.528f, a6w = 297.638f;
  *w = a4w; *h = a4h; *margin = 54;
  if (!name) return;
  if (!strcasecmp(name, "A4-landscape")) { *w = a4h; *h = a4w; }
  else if (!strcasecmp(name, "A5")) { *w = a5w; *h = a5h; *margin = 36; }
  else if (!strcasecmp(name, "A5-landscape")) { *w = a5h; *h = a5w; *margin = 36; }
  else if (!strcasecmp(name, "A6-landscape")) { *w = a5w; *h = a6w; *margin = 26; }
}

/* The A4 page a card (A5, A6) moves to when it does not fit; NULL for A4 */
static const char *card_on_a4(const char *name)
{
  if (!name || !strncasecmp(name, "A4", 2)) return NULL;
  return strstr(name, "landscape") || strstr(name, "Landscape") ? "A4-landscape" : "A4";
}

static void free_pool(pool *pl)
{
  if (!pl) return;
  for (size_t i = 0; i < pl->n; i++) free(pl->ptrs[i]);
  for (size_t i = 0; i < pl->n_paras; i++) {
    sd_para_free(pl->paras[i]);
    free(pl->paras[i]);
  }
  free(pl->ptrs);
  free(pl->paras);
  free(pl);
}

void sd_layout_free(sd_layout *l)
{
  if (!l) return;
  pool *pl = l->pool;
  for (size_t i = 0; i < l->n_pages; i++) free(l->pages[i].items);
  free(l->pages);
  free(l->elems);
  free(l->title);
  free(l->lang);
  free_pool(pl);
  memset(l, 0, sizeof *l);
}

static sd_status run_once(lay *L)
{
  float room;
  sd_status st = lay_header_room(L, &room);
  if (st != SD_OK) return st;
  L->top -= room;
  st = lay_new_page(L);
  if (st != SD_OK) return st;
  int doc = lay_add_elem(L, "Document", -1, NULL);
  if (doc < 0) return SD_E_NOMEM;
  box b = { L->margin, L->pw - L->margin };
  st = blocks(L, L->t->root.children, L->t->root.n_children, b, doc);
  if (st == SD_OK) st = lay_page_furniture(L);
  return st;
}

static sd_status layout_fitting(const sd_doc_tree *t, const sd_locale *loc, sd_fonts *fonts,
                                sd_text_breaks *breaks, const sd_style_spec *style, sd_stop *stop, sd_layout *out,
                                sd_diags *d)
{
  float body = style->body_pt;
  const char *paper = t->fm.page_size;
  for (;;) {
    lay L = { .t = t, .loc = loc, .fonts = fonts, .breaks = breaks, .sty = style, .body = body, .d = d,
              .out = out, .doc_lang = t->lang ? t->lang : "en-GB", .stop = stop };
    L.doc_rtl = lang_is_rtl(L.doc_lang);
    page_size(paper, &L.pw, &L.ph, &L.margin);
    L.top = L.ph - L.margin;
    L.bottom = L.margin + style->footer_pt * 2.2f;
    L.pool = calloc(1, sizeof(pool));
    if (!L.pool) return SD_E_NOMEM;
    out->pool = L.pool;
    sd_status st = run_once(&L);
    free(L.cap_items);
    int too_long = st == SD_OK && t->fm.max_pages && (int)out->n_pages > t->fm.max_pages;
    size_t pages_laid = out->n_pages;
    if (st == SD_OK && !too_long) {
      out->lang = sd_strdup(L.doc_lang);
      out->title = t->n_title ? lay_plain_text(t->title, t->n_title) : sd_strdup("");
      out->background = style->background;
      return (out->lang && out->title) ? SD_OK : SD_E_NOMEM;
    }
    sd_layout_free(out);
    if (st != SD_OK) return st;
    /* one-page documents step the type down, never below the style's minimum */
    if (body - 0.5f >= style->min_body_pt - 0.001f) {
      body -= 0.5f;
      continue;
    }
    /* A card that does not fit at the smallest size its reading style allows
     * goes on A4 (landscape stays landscape) rather than failing: a family
     * who needs large print, or reads Nastaliq, whose lines are twice as tall
     * as English ones, still gets the card, and the SENCo is told to print
     * it on A4. Only A4 itself, or a card that overflows A4 too, is an error. */
    const char *bigger = card_on_a4(paper);
    if (bigger) {
      sd_diag_warn(d, "layout.paper", NULL, 0, 0, NULL,
                   "the card does not fit %s at %.1f pt, the smallest size for the %s style: it is laid out on %s "
                   "instead; print it on A4", paper, (double)body, style->name ? style->name : "chosen", bigger);
      paper = bigger;
      body = style->body_pt;
      continue;
    }
    /* what ran past the limit: the full extra pages and the last one's part */
    float avail = L.top - L.bottom;
    size_t extra = pages_laid - (size_t)t->fm.max_pages;
    L.overflow = (float)(extra - 1) * avail + (L.top - L.y);
    int pct = (int)ceilf(100.0f * L.overflow / ((float)t->fm.max_pages * avail + L.overflow));
    int lines = (int)ceilf(L.overflow / (body * style->line_spacing));
    sd_diag_error(d, "layout.too-long", NULL, 0, 0, NULL,
                  "the content does not fit on %d page%s even at %.1f pt: cut about %d line%s "
                  "(%d%% of the text)", t->fm.max_pages, t->fm.max_pages == 1 ? "" : "s", (double)body,
                  lines, lines == 1 ? "" : "s", pct < 1 ? 1 : pct);
    return SD_E_INPUT;
  }
}

sd_status sd_layout_run(const sd_doc_tree *t, const sd_locale *loc, sd_fonts *fonts,
                        const sd_style_spec *style, sd_layout *out, sd_diags *d)
{
  return sd_layout_run_stop(t, loc, fonts, style, NULL, out, d);
}

sd_status sd_layout_run_stop(const sd_doc_tree *t, const sd_locale *loc, sd_fonts *fonts,
                             const sd_style_spec *style, sd_stop *stop, sd_layout *out, sd_diags *d)
{
  memset(out, 0, sizeof *out);
  /* one set of break iterators for all the document's paragraphs */
  sd_text_breaks *breaks = sd_text_breaks_new();
  if (!breaks) return SD_E_NOMEM;
  sd_status st = layout_fitting(t, loc, fonts, breaks, style, stop, out, d);
  sd_text_breaks_free(breaks);
  return st;
}

void sd_layout_dump(const sd_layout *l, FILE *out)
{
  fprintf(out, "layout lang=%s pages=%zu elems=%zu\n", l->lang ? l->lang : "-", l->n_pages, l->n_elems);
  for (size_t i = 0; i < l->n_elems; i++)
    fprintf(out, "elem %zu %s parent=%d%s%s\n", i, l->elems[i].role, l->elems[i].parent,
            l->elems[i].lang ? " lang=" : "", l->elems[i].lang ? l->elems[i].lang : "");
  for (size_t p = 0; p < l->n_pages; p++) {
    fprintf(out, "page %zu %.0fx%.0f items=%zu\n", p + 1, (double)l->pages[p].width, (double)l->pages[p].height,
            l->pages[p].n_items);
    for (size_t i = 0; i < l->pages[p].n_items; i++) {
      const sd_item *it = &l->pages[p].items[i];
      fprintf(out, "  %s elem=%d x=%.1f y=%.1f n=%zu\n",
              it->kind == SD_ITEM_GLYPHS ? "glyphs" : it->kind == SD_ITEM_IMAGE ? "image" : "rect", it->elem,
              (double)it->x, (double)it->y, it->n_glyphs);
    }
  }
}
