/* text: the paragraph pool, HarfBuzz shaping and the text each glyph stands for. */
#include "text_int.h"
#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/utf16.h>

#define POOL_CHUNK 16384
#define POOL_FIRST 1024

/* U+034F COMBINING GRAPHEME JOINER: text for a glyph that has no code point
 * of its own (see assign_cluster). */
#define FILLER_CP 0x034Fu

/* ---- pool ---------------------------------------------------------------- */

void *pool_alloc(text_pool *p, size_t n)
{
  const size_t align = sizeof(max_align_t);
  n = (n + align - 1) / align * align;
  pool_chunk *c = p->head;
  if (!c || c->cap - c->used < n) {
    /* chunks grow from 1 KiB: a table cell's paragraph needs a few hundred
     * bytes, and 16 KiB for each of 48,000 cells was 768 MiB (issue 13) */
    size_t cap = c ? (c->cap < POOL_CHUNK ? c->cap * 2 : POOL_CHUNK) : POOL_FIRST;
    if (cap < n) cap = n;
    c = malloc(sizeof *c + cap);
    if (!c) return NULL;
    c->next = p->head;
    c->used = 0;
    c->cap = cap;
    p->head = c;
  }
  void *r = (char *)c->data + c->used;
  c->used += n;
  return r;
}

char *pool_strdup(text_pool *p, const char *s)
{
  size_t n = strlen(s);
  char *r = pool_alloc(p, n + 1);
  if (r) memcpy(r, s, n + 1);
  return r;
}

void pool_free(text_pool *p)
{
  for (pool_chunk *c = p->head, *next; c; c = next) {
    next = c->next;
    free(c);
  }
  p->head = NULL;
}

/* ---- shaping ------------------------------------------------------------- */

static hb_direction_t run_dir(const text_run *r)
{
  return (r->level & 1) ? HB_DIRECTION_RTL : HB_DIRECTION_LTR;
}

/* The script HarfBuzz is told; HB_SCRIPT_INVALID lets it guess from the text. */
static hb_script_t run_script(const text_run *r)
{
  return r->script != HB_SCRIPT_COMMON && r->script != HB_SCRIPT_INHERITED && r->script != HB_SCRIPT_UNKNOWN
             ? r->script : HB_SCRIPT_INVALID;
}

/* Shapes items [is, ie) of text [ts, te) (code point indices) with the run's
 * script, direction and language: Urdu must be shaped as 'ur' for Nastaliq's
 * forms, Romanian as 'ro', and so on. */
static void shape(text_ctx *c, const text_run *r, uint32_t ts, uint32_t te, uint32_t is, uint32_t ie)
{
  hb_buffer_t *b = c->buf;
  hb_buffer_clear_contents(b);
  hb_buffer_add_utf32(b, c->shp + ts, (int)(te - ts), is - ts, (int)(ie - is));
  hb_buffer_set_direction(b, run_dir(r));
  if (run_script(r) != HB_SCRIPT_INVALID) hb_buffer_set_script(b, run_script(r));
  hb_buffer_set_language(b, r->hb_lang);
  hb_buffer_guess_segment_properties(b);
  hb_shape(r->font->font, b, NULL, 0);
}

static sd_status grow_gl(text_ctx *c, size_t need)
{
  if (need <= c->cap_gl) return SD_OK;
  size_t cap = c->cap_gl ? c->cap_gl : 256;
  while (cap < need) cap *= 2;
  text_gl *g = realloc(c->gl, cap * sizeof *g);
  if (!g) return SD_E_NOMEM;
  c->gl = g;
  c->cap_gl = cap;
  return SD_OK;
}

/* Appends HarfBuzz's glyphs for items [is, ie) in context [ts, te) at
 * c->gl + *at, clusters made paragraph indices. */
static sd_status append_shaped(text_ctx *c, const text_run *r, uint32_t ts, uint32_t te, uint32_t is, uint32_t ie,
                               size_t *at)
{
  shape(c, r, ts, te, is, ie);
  unsigned ng;
  hb_glyph_info_t *gi = hb_buffer_get_glyph_infos(c->buf, &ng);
  hb_glyph_position_t *gp = hb_buffer_get_glyph_positions(c->buf, &ng);
  if (grow_gl(c, *at + ng) != SD_OK) return SD_E_NOMEM;
  for (unsigned i = 0; i < ng; i++)
    c->gl[*at + i] = (text_gl){gi[i].codepoint, gi[i].cluster + ts, gp[i].x_advance, gp[i].x_offset,
                               gp[i].y_offset, hb_glyph_info_get_glyph_flags(&gi[i]) & HB_GLYPH_FLAG_UNSAFE_TO_BREAK};
  *at += ng;
  return SD_OK;
}

/* Glyphs of items [is, ie) of run r in context [ts, te), written at c->gl +
 * at (grown as needed) in HarfBuzz's order; *ng their number. From the
 * font's cache when HarfBuzz was given exactly this before, else shaped and
 * kept. */
static sd_status shape_piece(text_ctx *c, const text_run *r, uint32_t ts, uint32_t te, uint32_t is, uint32_t ie,
                             size_t at, size_t *ng)
{
  sd_shape_key k = {c->shp + ts, te - ts, is - ts, ie - is, run_dir(r), run_script(r), r->hb_lang};
  sd_shape_cache *cache = r->font->shapes;
  if (grow_gl(c, at + 1) != SD_OK) return SD_E_NOMEM; /* never a null destination */
  long n = sd_shape_cache_get(cache, &k, c->gl + at, c->cap_gl - at);
  if (n >= 0 && (size_t)n > c->cap_gl - at) {
    if (grow_gl(c, at + (size_t)n) != SD_OK) return SD_E_NOMEM;
    n = sd_shape_cache_get(cache, &k, c->gl + at, c->cap_gl - at);
  }
  if (n >= 0 && (size_t)n <= c->cap_gl - at) {
    for (size_t i = at; i < at + (size_t)n; i++) c->gl[i].cluster += ts;
    *ng = (size_t)n;
    return SD_OK;
  }
  size_t end = at;
  sd_status st = append_shaped(c, r, ts, te, is, ie, &end);
  if (st != SD_OK) return st;
  for (size_t i = at; i < end; i++) c->gl[i].cluster -= ts;
  sd_shape_cache_put(cache, &k, c->gl + at, end - at);
  for (size_t i = at; i < end; i++) c->gl[i].cluster += ts;
  *ng = end - at;
  return SD_OK;
}

/* The whole paragraph is the context: HarfBuzz looks at neighbours across
 * run edges (e.g. Arabic joining next to a font change). */
sd_status text_measure(text_ctx *c)
{
  double scale_num = c->p->size_pt;
  double *adv = c->wsum; /* per code point first, prefix sums after */
  memset(adv, 0, (c->n + 1) * sizeof *adv);
  for (size_t i = 0; i < c->n; i++) c->cl_start[i] = c->kind[i] != CP_DRAW;
  for (size_t k = 0; k < c->n_runs; k++) {
    text_run *r = &c->runs[k];
    size_t ng;
    sd_status st = shape_piece(c, r, 0, (uint32_t)c->n, r->s, r->e, c->n_gl, &ng);
    if (st != SD_OK) return st;
    r->g0 = c->n_gl;
    r->ng = ng;
    c->n_gl += ng;
    double f = scale_num / r->font->upem;
    c->cl_start[r->s] = 1;
    for (size_t i = r->g0; i < c->n_gl; i++) {
      const text_gl *g = &c->gl[i];
      if (g->cluster < c->n) {
        adv[g->cluster] += g->adv * f;
        c->cl_start[g->cluster] = 1;
      }
    }
  }
  double sum = 0;
  for (size_t i = 0; i <= c->n; i++) {
    double a = adv[i];
    adv[i] = sum;
    sum += a;
  }
  return SD_OK;
}

/* First run ending after code point s (runs are sorted and disjoint). */
static size_t run_at(const text_ctx *c, uint32_t s)
{
  size_t lo = 0, hi = c->n_runs;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (c->runs[mid].e <= s) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

double text_line_width(text_ctx *c, uint32_t s, uint32_t e)
{
  double w = 0;
  for (size_t k = run_at(c, s); k < c->n_runs && c->runs[k].s < e; k++) {
    const text_run *r = &c->runs[k];
    uint32_t ps = r->s > s ? r->s : s, pe = r->e < e ? r->e : e;
    int64_t units = 0;
    if (ps == r->s && pe == r->e) {
      for (size_t g = 0; g < r->ng; g++) units += c->gl[r->g0 + g].adv;
    } else {
      size_t ng = 0;
      /* scratch space past the measured glyphs (a failure measures nothing) */
      if (shape_piece(c, r, s, e, ps, pe, c->n_gl, &ng) != SD_OK) ng = 0;
      for (size_t g = 0; g < ng; g++) units += c->gl[c->n_gl + g].adv;
    }
    w += (double)units * c->p->size_pt / r->font->upem;
  }
  return w;
}

/* ---- glyph text ---------------------------------------------------------- */

static sd_status grow_units(text_ctx *c, size_t need)
{
  if (need <= c->cap_units) return SD_OK;
  size_t cap = need < 64 ? 64 : need * 2;
  uint32_t *u = realloc(c->units, cap * sizeof *u);
  if (!u) return SD_E_NOMEM;
  c->units = u;
  c->cap_units = cap;
  return SD_OK;
}

/* Canonical decomposition (NFD) of cps[s, e) into c->units; 0 if none longer. */
static size_t nfd_units(text_ctx *c, uint32_t s, uint32_t e)
{
  int32_t n16 = c->u16off[e] - c->u16off[s];
  size_t need = (size_t)n16 * 4 + 8;
  if (need > c->cap_nfd) {
    UChar *a = realloc(c->nfd_in, need * sizeof *a), *b;
    if (!a) return 0;
    c->nfd_in = a;
    if (!(b = realloc(c->nfd_out, need * sizeof *b))) return 0;
    c->nfd_out = b;
    c->cap_nfd = need;
  }
  UErrorCode err = U_ZERO_ERROR;
  const UNormalizer2 *nfd = unorm2_getNFDInstance(&err);
  int32_t m = U_SUCCESS(err) ? unorm2_normalize(nfd, c->u16 + c->u16off[s], n16, c->nfd_out,
                                                (int32_t)c->cap_nfd, &err) : 0;
  if (U_FAILURE(err) || m <= n16 || grow_units(c, (size_t)m) != SD_OK) return 0;
  size_t k = 0;
  for (int32_t i = 0; i < m;) {
    UChar32 cp;
    U16_NEXT(c->nfd_out, i, m, cp);
    c->units[k++] = (uint32_t)cp;
  }
  return k;
}

static size_t put_utf8(char *o, uint32_t cp)
{
  if (cp < 0x80) { o[0] = (char)cp; return 1; }
  if (cp < 0x800) { o[0] = (char)(0xC0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | cp >> 12); o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | cp >> 18); o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
  o[2] = (char)(0x80 | (cp >> 6 & 0x3F)); o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Units [a, b) as UTF-8 in the pool, reversed for right-to-left runs. */
static sd_status glyph_text(text_ctx *c, sd_glyph *g, size_t a, size_t b, int rtl)
{
  char *o = pool_alloc(c->pool, (b - a) * 4 + 1);
  if (!o) return SD_E_NOMEM;
  size_t n = 0;
  for (size_t i = a; i < b; i++) {
    uint32_t cp = c->units[rtl ? a + b - 1 - i : i];
    n += put_utf8(o + n, cp == '\t' ? ' ' : cp);
  }
  o[n] = '\0';
  g->text = o;
  g->text_len = (uint32_t)n;
  return SD_OK;
}

/* Hands the characters of one HarfBuzz cluster (code points [s, e), logical
 * order) out over its glyphs out[0..ng) (drawing order, left to right), so that
 * the glyphs' texts read in stream order give the cluster's text once: the
 * logical text for LTR, reversed by code point for RTL, because pdftotext and
 * pdf.js take drawn RTL text as visual order and reverse it back.
 * Glyphs are taken in logical order (RTL: right to left); each but the last
 * gets one code point and the last gets the rest. With more glyphs than code
 * points (split vowels in Bengali/Tamil/Malayalam, Nastaliq's separate dots)
 * the cluster's NFD supplies more code points (extractors compare after NFC);
 * a glyph still left over gets U+034F COMBINING GRAPHEME JOINER. CGJ is
 * Default_Ignorable (UAX #44), invisible, transparent to Arabic joining (unlike
 * ZWNJ, which would break it on copy and paste, or ZWJ, which would force it),
 * and at the cluster's end, after its marks, it changes no NFC composition.
 * Round-trip checks must drop Default_Ignorable code points before comparing. */
static sd_status assign_cluster(text_ctx *c, uint32_t s, uint32_t e, sd_glyph *out, size_t ng, int rtl)
{
  size_t nu = ng > e - s ? nfd_units(c, s, e) : 0;
  if (nu == 0) {
    nu = e - s;
    if (grow_units(c, nu) != SD_OK) return SD_E_NOMEM;
    memcpy(c->units, c->cps + s, nu * sizeof *c->units);
  }
  if (grow_units(c, ng) != SD_OK) return SD_E_NOMEM;
  while (nu < ng) c->units[nu++] = FILLER_CP;
  for (size_t k = 0; k < ng; k++) {
    sd_glyph *g = &out[rtl ? ng - 1 - k : k];
    size_t a = k, b = k + 1 < ng ? k + 1 : nu;
    if (glyph_text(c, g, a, b, rtl) != SD_OK) return SD_E_NOMEM;
  }
  return SD_OK;
}

/* Clusters are monotone (HarfBuzz's default cluster level): ascending in LTR
 * runs, descending in RTL runs. A cluster spans up to the next higher cluster
 * value; the logically first and last clusters reach the piece's edges. */
static sd_status assign_text(text_ctx *c, sd_glyph *g, const text_gl *src, size_t ng,
                             uint32_t ps, uint32_t pe, int rtl)
{
  for (size_t i = 0; i < ng;) {
    size_t j = i;
    while (j < ng && src[j].cluster == src[i].cluster) j++;
    uint32_t lo, hi;
    if (!rtl) {
      lo = i == 0 ? ps : src[i].cluster;
      hi = j == ng ? pe : src[j].cluster;
    } else {
      lo = j == ng ? ps : src[i].cluster;
      hi = i == 0 ? pe : src[i - 1].cluster;
    }
    /* clamp, so that a cluster order HarfBuzz never gives cannot overrun */
    if (lo < ps) lo = ps;
    if (lo >= pe) lo = pe - 1;
    if (hi > pe) hi = pe;
    if (hi <= lo) hi = lo + 1;
    sd_status st = assign_cluster(c, lo, hi, g + i, j - i, rtl);
    if (st != SD_OK) return st;
    for (size_t k = i; k < j; k++) g[k].cluster_cont = k > i;
    i = j;
  }
  return SD_OK;
}

static sd_status fill_run(text_ctx *c, sd_run *out, const text_gl *src, size_t ng,
                          uint32_t ps, uint32_t pe, int rtl)
{
  out->glyphs = ng ? pool_alloc(c->pool, ng * sizeof *out->glyphs) : NULL;
  if (ng && !out->glyphs) return SD_E_NOMEM;
  out->n_glyphs = ng;
  int64_t w = 0;
  for (size_t i = 0; i < ng; i++) {
    sd_glyph *g = &out->glyphs[i];
    g->gid = src[i].gid;
    g->advance = src[i].adv;
    g->x_offset = src[i].xoff;
    g->y_offset = src[i].yoff;
    w += src[i].adv;
  }
  out->width_pt = (float)((double)w * c->p->size_pt / out->font->upem);
  return assign_text(c, out->glyphs, src, ng, ps, pe, rtl);
}

/* Index of the first glyph whose cluster is not before cl in the run's
 * order: clusters ascend in LTR runs (first with cluster >= cl) and descend
 * in RTL runs (first with cluster < cl). */
static size_t glyph_bound(const text_gl *m, size_t ng, uint32_t cl, int rtl)
{
  size_t lo = 0, hi = ng;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (rtl ? m[mid].cluster >= cl : m[mid].cluster < cl) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* A run cut by a line break is shaped again with the line as its context, so
 * Arabic letters at the cut take their final or initial forms; a whole run
 * keeps its measuring-pass glyphs. */
sd_status text_emit_run(text_ctx *c, const text_run *r, uint32_t ps, uint32_t pe,
                        uint32_t ls, uint32_t le, sd_run *out)
{
  memset(out, 0, sizeof *out);
  out->font = r->font;
  out->lang = r->lang;
  out->style = r->style;
  out->rtl = r->level & 1;
  out->src_off = c->boff[ps];
  out->src_len = c->boff[pe] - c->boff[ps];
  if (ps == r->s && pe == r->e)
    return fill_run(c, out, c->gl + r->g0, r->ng, ps, pe, out->rtl);
  /* HarfBuzz marks where a cut needs shaping again (UNSAFE_TO_BREAK on the
   * first glyph of the cluster a cut falls before); elsewhere the measured
   * glyphs of [ps, pe) are what shaping the piece would give. Clusters are
   * monotone, so the piece's glyphs are found by binary search and only they
   * and their neighbours are looked at: walking the whole run for each of its
   * lines made a long paragraph quadratic (issue 13) */
  const text_gl *m = c->gl + r->g0;
  size_t first = glyph_bound(m, r->ng, out->rtl ? pe : ps, out->rtl);
  size_t last = glyph_bound(m, r->ng, out->rtl ? ps : pe, out->rtl);
  int safe = first < last;
  for (size_t i = first; safe && i < last; i++)
    safe = m[i].cluster >= ps && m[i].cluster < pe && !(m[i].cluster == ps && ps > r->s && m[i].unsafe);
  /* the glyphs of the cluster that starts at pe lie just past the piece */
  for (size_t i = out->rtl ? first : last; safe && pe < r->e;) {
    if (out->rtl) {
      if (i == 0 || m[i - 1].cluster != pe) break;
      safe = !m[--i].unsafe;
    } else {
      if (i >= r->ng || m[i].cluster != pe) break;
      safe = !m[i++].unsafe;
    }
  }
  if (safe) return fill_run(c, out, m + first, last - first, ps, pe, out->rtl);
  /* scratch space past the measured glyphs: no allocation per run */
  size_t ng = 0;
  sd_status st = shape_piece(c, r, ls, le, ps, pe, c->n_gl, &ng);
  if (st != SD_OK) return st;
  const text_gl *tmp = c->gl + c->n_gl;
  return fill_run(c, out, tmp, ng, ps, pe, out->rtl);
}
