/* pdf: write a laid-out document as a tagged PDF/UA-1 file with libharu. */
#include "pdf.h"
#include "stop.h"
#include "fileio.h"
#include "outline.h"
#include "pdfbuf.h"
#include "pdffont.h"
#include "tags.h"
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#define SD_PRODUCER "sendoc " SD_VERSION

typedef struct pdf_ctx {
  HPDF_Doc doc;
  HPDF_STATUS err, err_detail;
  sd_outlines *outlines;   /* glyph forms of complex runs */
  unsigned n_photos;       /* images written directly (Ph1, Ph2, ...) */
  sd_pdffont **fonts;      /* by sd_font id */
  size_t n_fonts;
  sd_diags *d;
  int plain_before;        /* the last text drawn on baseline y_before was not mirrored */
  int space_before;        /* ... was mirrored and ended in a space, its last glyph at size_before */
  double y_before, size_before;
} pdf_ctx;

static void on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
  pdf_ctx *c = user;
  if (!c->err) {
    c->err = error_no;
    c->err_detail = detail_no;
  }
}

static void put_num(sd_pdfbuf *s, double v)
{
  sd_pdfbuf_num(s, v);
}

static void put_rgb(sd_pdfbuf *s, sd_rgb c, const char *op)
{
  put_num(s, c.r);
  put_num(s, c.g);
  put_num(s, c.b);
  sd_pdfbuf_str(s, op);
}

static sd_pdffont *font_for(pdf_ctx *c, const sd_font *f)
{
  if (f->id >= c->n_fonts) {
    size_t n = f->id + 1;
    sd_pdffont **p = realloc(c->fonts, n * sizeof *p);
    if (!p) return NULL;
    memset(p + c->n_fonts, 0, (n - c->n_fonts) * sizeof *p);
    c->fonts = p;
    c->n_fonts = n;
  }
  if (!c->fonts[f->id]) c->fonts[f->id] = sd_pdffont_new(f, f->id + 1);
  return c->fonts[f->id];
}

static int code_for(pdf_ctx *c, sd_pdffont *pf, uint32_t gid, const char *text, size_t len, sd_status *st)
{
  int code = sd_pdffont_code(pf, gid, text, len);
  if (code == SD_PDFFONT_BADARG) {
    /* text decides a glyph's text, so this is a limit on the input, never
     * an internal failure (text.c bounds clusters well below it) */
    sd_diag_error(c->d, "pdf.glyph", NULL, 0, 0, NULL,
                  "a cluster of characters is too long for the PDF's text layer (more than 256 UTF-16 units)");
    *st = SD_E_LIMIT;
  } else if (code < 0) {
    sd_diag_error(c->d, "pdf.limit", NULL, 0, 0, NULL, "more than 65535 distinct glyphs in one font");
    *st = SD_E_LIMIT;
  }
  return code;
}

/* Byte length of the first stretch of text with no nonspacing mark (Mn),
 * and where it starts. pdf.js counts any glyph whose text holds an Mn as
 * zero-width (its SpecialCharRegExp), so only such text may sit on a glyph
 * that advances. */
static size_t mark_free_span(const char *t, size_t len, size_t *start)
{
  size_t i = 0, s0 = len;
  while (i < len) {
    size_t at = i;
    UChar32 cp;
    U8_NEXT(t, i, (int32_t)len, cp);
    int mn = cp >= 0 && u_charType(cp) == U_NON_SPACING_MARK;
    if (!mn && s0 == len) s0 = at;
    if (mn && s0 != len) {
      *start = s0;
      return at - s0;
    }
  }
  *start = s0;
  return len - s0;
}

static int has_mark(const char *t, size_t len)
{
  size_t start;
  return mark_free_span(t, len, &start) != len;
}

static int is_filler(const sd_glyph *g)
{
  /* SD_GLYPH_FILLER, U+034F, in UTF-8 */
  return g->text_len == 2 && (unsigned char)g->text[0] == 0xCD && (unsigned char)g->text[1] == 0x8F;
}

/* A run an extractor can read from its drawn glyphs: every glyph on the
 * baseline, none moved off its pen position, each standing for real text,
 * and no shaped advance far from the font's own (pdf.js inserts a space for
 * a gap over 0.102 em and starts a new item for a step back over 0.2 em). */
static int run_is_simple(const sd_item *it)
{
  double k = 1000.0 / it->font->upem;
  for (size_t i = 0; i < it->n_glyphs; i++) {
    const sd_glyph *g = &it->glyphs[i];
    if (g->x_offset || g->y_offset || is_filler(g)) return 0;
    if (g->advance && has_mark(g->text, g->text_len)) return 0;
    /* in 1/1000 em: kerning may pull back up to 0.19 em, never open a 0.09 em gap */
    double gap = g->advance * k - hb_font_get_glyph_h_advance(it->font->font, g->gid) * k;
    if (gap < -190 || gap > 90) return 0;
  }
  return 1;
}

static void put_code(sd_pdfbuf *s, int code)
{
  sd_pdfbuf_add(s, "<", 1);
  sd_pdfbuf_hex16(s, (unsigned)code);
  sd_pdfbuf_add(s, ">", 1);
}

static void begin_text(sd_pdfbuf *s, const sd_item *it, sd_pdffont *pf, int invisible)
{
  /* text render mode outlives ET: the invisible layer keeps it inside q/Q */
  sd_pdfbuf_str(s, invisible ? "q BT\n3 Tr\n" : "BT\n");
  put_rgb(s, it->color, "rg\n/");
  sd_pdfbuf_str(s, sd_pdffont_resource_name(pf));
  sd_pdfbuf_str(s, " ");
  put_num(s, it->size_pt);
  sd_pdfbuf_str(s, "Tf\n1 0 0 1 ");
  put_num(s, it->x);
  put_num(s, it->y);
  sd_pdfbuf_str(s, "Tm\n[");
}

static sd_status show_code(pdf_ctx *c, sd_pdfbuf *s, sd_pdffont *pf, uint32_t gid, const char *t, size_t n,
                           double adv_units)
{
  sd_status st = SD_OK;
  int code = code_for(c, pf, gid, t, n, &st);
  if (code < 0) return st;
  put_code(s, code);
  double adj = sd_pdffont_width(pf, (unsigned)code) - adv_units;
  if (fabs(adj) >= 0.0005) put_num(s, adj);
  return SD_OK;
}

/* One cluster of the invisible layer: its mark-free core on a glyph as wide
 * as the cluster, marks before and after it on zero-width glyphs. */
static sd_status invisible_cluster(pdf_ctx *c, sd_pdfbuf *s, sd_pdffont *pf, const char *t, size_t len, double adv)
{
  const sd_font *f = sd_pdffont_font(pf);
  double k = 1000.0 / f->upem;
  uint32_t wide = sd_font_glyph_of_width(f, (int32_t)lround(adv));
  uint32_t zero = f->zero_width_gid;
  size_t start, n = mark_free_span(t, len, &start);
  sd_status st = SD_OK;
  /* a cluster wider than any glyph of the font (a Malayalam split vowel
   * around its consonant) would leave a gap readers take for a space: its
   * core is then shared out among code points, each on a glyph of its share */
  size_t ncp = 0;
  for (size_t i = start; i < start + n;) {
    UChar32 cp;
    U8_NEXT(t, i, (int32_t)(start + n), cp);
    ncp++;
  }
  if (ncp > 1 && hb_font_get_glyph_h_advance(f->font, wide) < adv - f->upem / 20) {
    if (zero && start) st = show_code(c, s, pf, zero, t, start, 0);
    for (size_t i = start; i < start + n && st == SD_OK;) {
      size_t at = i;
      UChar32 cp;
      U8_NEXT(t, i, (int32_t)(start + n), cp);
      st = show_code(c, s, pf, sd_font_glyph_of_width(f, (int32_t)lround(adv / (double)ncp)), t + at, i - at,
                     adv / (double)ncp * k);
    }
    if (st == SD_OK && zero && start + n < len)
      st = show_code(c, s, pf, zero, t + start + n, len - start - n, 0);
    if (zero || n == len) return st;
  }
  if (!zero || n == 0 || n == len) return show_code(c, s, pf, wide, t, len, adv * k);
  if (start) st = show_code(c, s, pf, zero, t, start, 0);
  /* after the core, marks on zero-width glyphs and other letters (the
   * consonant after a virama) on glyphs sharing what the core's glyph falls
   * short of the cluster: a gap before them made poppler break the word */
  size_t at = start + n, others = 0;
  for (size_t i = at; i < len;) {
    size_t sub, m = mark_free_span(t + i, len - i, &sub);
    if (!m) break;
    others++;
    i += sub + m;
  }
  double w = hb_font_get_glyph_h_advance(f->font, wide), rest = others && adv > w ? adv - w : 0;
  if (rest < f->upem / 50.0) {
    /* nothing to share: the rest rides on one zero-width glyph (pdf.js
     * keeps a space in it as text) */
    if (st == SD_OK) st = show_code(c, s, pf, wide, t + start, n, adv * k);
    if (st == SD_OK && at < len) st = show_code(c, s, pf, zero, t + at, len - at, 0);
    return st;
  }
  if (st == SD_OK) st = show_code(c, s, pf, wide, t + start, n, (adv - rest) * k);
  while (st == SD_OK && at < len) {
    size_t sub, m = mark_free_span(t + at, len - at, &sub);
    if (sub) st = show_code(c, s, pf, zero, t + at, sub, 0);
    if (st == SD_OK && m) {
      double share = rest / (double)others;
      st = show_code(c, s, pf, sd_font_glyph_of_width(f, (int32_t)lround(share)), t + at + sub, m, share * k);
    }
    at += sub + m;
  }
  return st;
}

/* One code point of a right-to-left run's text layer, in logical order. */
#define RTL_MARK_PAST 2.0 /* 1/1000 em */

typedef struct rtl_cp {
  const char *t;
  uint8_t len;
  double adv;            /* font units */
} rtl_cp;

/* Code points that advance nothing in the text layer: pdf.js gives a glyph
 * whose text holds a nonspacing mark no width and skips one that ends in a
 * format character (ZWJ, ZWNJ), so neither may carry the pen. */
static int rtl_zero(UChar32 cp)
{
  int t = u_charType(cp);
  return t == U_NON_SPACING_MARK || t == U_FORMAT_CHAR || t == U_ENCLOSING_MARK;
}

/* The run's text in logical order, one code point each, with the run's
 * width shared among them: clusters are taken together until they advance
 * at least 0.005 em (Nastaliq gives some clusters no advance at all), and
 * that advance is shared among their code points that can carry one; marks
 * and format characters get none (a stretch of them alone gives its advance
 * to the code point before it, after it at the start of the run). Glyph text
 * in an RTL run is reversed by code point (text.h), so a cluster's glyph
 * texts read from the right give its logical text. */
static size_t rtl_layout(const sd_item *it, rtl_cp *out, char *scratch, size_t *used)
{
  double k = 1000.0 / it->font->upem, adv = 0, carry = 0;
  size_t n = 0, first = 0, last_base = (size_t)-1;
  for (size_t j = it->n_glyphs; j > 0;) {
    size_t i = j - 1;
    while (i > 0 && it->glyphs[i].cluster_cont) i--;
    for (size_t m = j; m > i; m--) {
      const sd_glyph *g = &it->glyphs[m - 1];
      adv += g->advance;
      if (is_filler(g)) continue;
      int32_t at = (int32_t)g->text_len;
      while (at > 0) {
        int32_t end = at;
        UChar32 cp;
        U8_PREV(g->text, 0, at, cp);
        if (cp == (UChar32)SD_GLYPH_FILLER) continue;
        if (u_charType(cp) == U_FORMAT_CHAR && n > 0 && out[n - 1].len + (end - at) <= 8) {
          /* pdf.js skips a glyph whose text ends in a format character
           * (ZWNJ) and reverses a short item holding right-to-left letters:
           * the ZWNJ rides on the glyph of the letter before it, written
           * before that letter as it would be drawn in visual order */
          char *zw = scratch + *used;
          memcpy(zw, g->text + at, (size_t)(end - at));
          memcpy(zw + (end - at), out[n - 1].t, out[n - 1].len);
          *used += (size_t)(end - at) + out[n - 1].len;
          out[n - 1].t = zw;
          out[n - 1].len = (uint8_t)(out[n - 1].len + end - at);
          continue;
        }
        out[n++] = (rtl_cp){ g->text + at, (uint8_t)(end - at), rtl_zero(cp) ? -1 : 0 };
      }
    }
    j = i;
    if (adv * k < 5 && j > 0) continue;
    size_t bases = 0;
    for (size_t m = first; m < n; m++) bases += out[m].adv == 0;
    for (size_t m = first; m < n; m++) {
      if (out[m].adv < 0) out[m].adv = 0;
      else {
        out[m].adv = (adv + carry) / (double)bases;
        last_base = m;
      }
    }
    if (bases) carry = 0;
    else if (last_base != (size_t)-1) out[last_base].adv += adv;
    else carry += adv;
    adv = 0;
    first = n;
  }
  if (carry && last_base != (size_t)-1) out[last_base].adv += carry;
  return n;
}

/* The text layer of a right-to-left run, written in logical order so that
 * readers that keep content order (MuPDF, pdfminer) read it right: one
 * invisible glyph per code point, from the run's right edge leftwards, each
 * where the visible cluster it stands for is drawn. The text matrix is
 * mirrored (-1 0 0 1) so each glyph advances to the left: pdf.js then sees
 * an ordinary forward flow and turns the gap a space glyph leaves into a
 * space. pdf.js also reverses any text item holding right-to-left letters
 * (it assumes visual order), so every code point is made its own item: the
 * font size alternates by 0.001 pt from one glyph to the next, and pdf.js
 * starts a new item at each size change. */
static sd_status draw_rtl_text(pdf_ctx *c, sd_pdfbuf *s, const sd_item *it, sd_pdffont *pf)
{
  const sd_font *f = it->font;
  size_t bytes = 0;
  double width = 0;
  for (size_t i = 0; i < it->n_glyphs; i++) {
    bytes += it->glyphs[i].text_len;
    width += it->glyphs[i].advance;
  }
  rtl_cp *cps = malloc((bytes ? bytes : 1) * sizeof *cps);
  char *scratch = malloc(bytes * 9 + 1);
  if (!cps || !scratch) {
    free(cps);
    free(scratch);
    return SD_E_NOMEM;
  }
  size_t used = 0, n = rtl_layout(it, cps, scratch, &used);
  /* a run with no space in it that follows unmirrored text on its line
   * needs no forward flow: drawn unmirrored, each glyph to the left of the
   * one before, pdf.js adds no space at either end (a full stop after a
   * Latin word, a bracket after a number) */
  int mirror = 0;
  for (size_t i = 0; i < n && !mirror; i++) {
    UChar32 cp;
    int32_t at = 0;
    U8_NEXT(cps[i].t, at, (int32_t)cps[i].len, cp);
    mirror = u_isUWhiteSpace(cp);
  }
  if (!(c->plain_before && c->y_before == it->y)) mirror = 1;
  c->plain_before = !mirror;
  c->y_before = it->y;
  double k = 1000.0 / f->upem, sizes[2] = { it->size_pt, it->size_pt + 0.001 };
  sd_pdfbuf_str(s, "q BT\n3 Tr\n");
  put_rgb(s, it->color, mirror ? "rg\n-1 0 0 1 " : "rg\n1 0 0 1 ");
  put_num(s, it->x + width * it->size_pt / f->upem);
  put_num(s, it->y);
  sd_pdfbuf_str(s, "Tm\n");
  sd_status st = SD_OK;
  for (size_t i = 0; i < n && st == SD_OK; i++) {
    double size = sizes[i & 1];
    /* a mark gets a glyph of some width all the same: pdfminer ends a line
     * between two glyphs of no width (two marks on one letter) */
    int32_t w = cps[i].adv > 0 ? (int32_t)lround(cps[i].adv) : (int32_t)f->upem / 100;
    uint32_t gid = sd_font_glyph_of_width(f, w);
    int code = code_for(c, pf, gid, cps[i].t, cps[i].len, &st);
    if (code < 0) break;
    sd_pdfbuf_str(s, "/");
    sd_pdfbuf_str(s, sd_pdffont_resource_name(pf));
    sd_pdfbuf_str(s, " ");
    put_num(s, size);
    sd_pdfbuf_str(s, "Tf [");
    /* a mark sits just past its base's far edge: poppler sorts the
     * characters of a line by where they start */
    double adv = (cps[i].adv > 0 ? cps[i].adv * k : RTL_MARK_PAST) * it->size_pt / size;
    double wc = sd_pdffont_width(pf, (unsigned)code), pre, post;
    if (mirror) {
      pre = cps[i].adv > 0 ? 0 : -adv; /* a mark: a step forward, and back after it */
      post = cps[i].adv > 0 ? wc - adv : wc + adv;
    } else {
      pre = adv;  /* step left over the glyph, draw it, and come back to its left edge */
      post = cps[i].adv > 0 ? wc : wc - adv;
    }
    if (fabs(pre) >= 0.0005) put_num(s, pre);
    put_code(s, code);
    if (fabs(post) >= 0.0005) put_num(s, post);
    sd_pdfbuf_str(s, "] TJ\n");
  }
  sd_pdfbuf_str(s, "ET Q\n");
  c->space_before = 0;
  if (mirror && n) {
    UChar32 cp;
    int32_t at = 0;
    U8_NEXT(cps[n - 1].t, at, (int32_t)cps[n - 1].len, cp);
    c->space_before = u_isUWhiteSpace(cp);
    c->size_before = sizes[(n - 1) & 1];
  }
  free(cps);
  free(scratch);
  return st;
}

/* The first word of a left-to-right run that follows, on its line, a
 * mirrored run ending in a space (a Latin name in an Urdu title): how many
 * glyphs it takes, its text in buf, or 0 when it has text pdf.js would not
 * treat as ordinary letters (marks, format characters). */
static size_t probe_word(const pdf_ctx *c, const sd_item *it, char *buf, size_t cap, size_t *len)
{
  if (it->rtl || !c->space_before || c->y_before != it->y) return 0;
  size_t n = 0, units = 0;
  *len = 0;
  for (; n < it->n_glyphs; n++) {
    const sd_glyph *g = &it->glyphs[n];
    if (is_filler(g) || *len + g->text_len > cap) return 0;
    for (int32_t at = 0; at < (int32_t)g->text_len;) {
      UChar32 cp;
      U8_NEXT(g->text, at, (int32_t)g->text_len, cp);
      if (cp < 0 || rtl_zero(cp)) return 0;
      if (u_isUWhiteSpace(cp)) {
        if (at != (int32_t)U8_LENGTH(cp) || g->cluster_cont) return 0;
        return n;
      }
      if (++units > 8 - (cp > 0xFFFF)) return 0; /* MuPDF reads a longer ToUnicode string as U+FFFD */
    }
    memcpy(buf + *len, g->text, g->text_len);
    *len += g->text_len;
  }
  return n;
}

/* pdf.js drops the space between a mirrored run and a run drawn to its left
 * (it takes that for a step back). So the left-to-right run's first word is
 * written first, whole, on one glyph in the mirrored frame, the font size
 * chosen so that the glyph is exactly as wide as the word: pdf.js sees the
 * space's gap before it and keeps the space, reads the word as one item (no
 * right-to-left letters, so not reversed), and the rest of the run follows
 * the word's left edge as after any word. */
static sd_status draw_probe(pdf_ctx *c, sd_pdfbuf *s, const sd_item *it, sd_pdffont *pf, const char *t, size_t len,
                            size_t n)
{
  const sd_font *f = it->font;
  double adv = 0;
  for (size_t i = 0; i < n; i++) adv += it->glyphs[i].advance;
  uint32_t gid = sd_font_glyph_of_width(f, (int32_t)lround(adv));
  double gw = hb_font_get_glyph_h_advance(f->font, gid);
  if (gw <= 0) return SD_OK;
  sd_status st = SD_OK;
  int code = code_for(c, pf, gid, t, len, &st);
  if (code < 0) return st;
  double size = it->size_pt * adv / gw;
  if (fabs(size - c->size_before) < 0.0005) size += 0.001;
  sd_pdfbuf_str(s, "q BT\n3 Tr\n");
  put_rgb(s, it->color, "rg\n-1 0 0 1 ");
  put_num(s, it->x + adv * it->size_pt / f->upem);
  put_num(s, it->y);
  sd_pdfbuf_str(s, "Tm\n/");
  sd_pdfbuf_str(s, sd_pdffont_resource_name(pf));
  sd_pdfbuf_str(s, " ");
  put_num(s, size);
  sd_pdfbuf_str(s, "Tf [");
  put_code(s, code);
  double adj = sd_pdffont_width(pf, (unsigned)code) - adv * it->size_pt / f->upem * 1000.0 / size;
  if (fabs(adj) >= 0.0005) put_num(s, adj);
  sd_pdfbuf_str(s, "] TJ\nET Q\n");
  return SD_OK;
}

/* A complex run (outline.h says why): the glyphs HarfBuzz placed, drawn as
 * outlines, then an invisible text layer (render mode 3) on the baseline
 * with one glyph per cluster standing for the cluster's whole text, each
 * advancing exactly as far as the cluster, so extractors read the run in
 * order without gaps or overlaps. */
static sd_status draw_complex(pdf_ctx *c, sd_pdfbuf *s, const sd_item *it, sd_pdffont *pf)
{
  const sd_font *f = it->font;
  double scale = it->size_pt / f->upem, k = 1000.0 / f->upem, pen = 0;
  sd_status st = SD_OK;
  /* one transform into font units for the run, then each glyph one step
   * from the last in whole font units: exact, and half the bytes of a
   * matrix per glyph. The scale needs six decimals: 12 pt on a 2048-unit
   * em is 0.005859, and three made Nastaliq glyphs 2 to 7% off size. */
  sd_pdfbuf_str(s, "q ");
  put_rgb(s, it->color, "rg\n");
  long long micro = llround(scale * 1e6);
  sd_pdfbuf_fixed(s, micro, 6);
  sd_pdfbuf_str(s, "0 0 ");
  sd_pdfbuf_fixed(s, micro, 6);
  put_num(s, it->x);
  put_num(s, it->y);
  sd_pdfbuf_str(s, "cm\n");
  long long at_x = 0, at_y = 0;
  for (size_t i = 0; i < it->n_glyphs && st == SD_OK; i++) {
    const sd_glyph *g = &it->glyphs[i];
    const char *name = sd_outlines_form(c->outlines, f, g->gid, &st);
    if (name) {
      long long gx = (long long)pen + g->x_offset, gy = g->y_offset;
      sd_pdfbuf_str(s, "1 0 0 1 ");
      sd_pdfbuf_fixed(s, gx - at_x, 0);
      sd_pdfbuf_fixed(s, gy - at_y, 0);
      sd_pdfbuf_str(s, "cm /");
      sd_pdfbuf_str(s, name);
      sd_pdfbuf_str(s, " Do\n");
      at_x = gx;
      at_y = gy;
    }
    pen += g->advance;
  }
  sd_pdfbuf_str(s, "Q\n");
  if (st != SD_OK) return st;
  if (it->rtl) return draw_rtl_text(c, s, it, pf);
  char word[256];
  size_t wlen, from = probe_word(c, it, word, sizeof word, &wlen);
  sd_item rest = *it;
  if (from) {
    if ((st = draw_probe(c, s, it, pf, word, wlen, from)) != SD_OK) return st;
    for (size_t i = 0; i < from; i++) rest.x += (float)(it->glyphs[i].advance * scale);
  }
  c->plain_before = 1;
  c->space_before = 0;
  c->y_before = it->y;
  begin_text(s, &rest, pf, 1);
  /* per cluster one invisible glyph, chosen for its width: pdf.js measures
   * gaps against /W (ignoring Tz), so the glyph must be as wide as the
   * cluster; a cluster with no advance joins the next one */
  char text[2048];
  size_t len = 0;
  double adv = 0;
  for (size_t i = from; i < it->n_glyphs && st == SD_OK;) {
    size_t j = i + 1;
    while (j < it->n_glyphs && it->glyphs[j].cluster_cont) j++;
    for (size_t m = i; m < j; m++) {
      const sd_glyph *g = &it->glyphs[m];
      adv += g->advance;
      if (!is_filler(g) && len + g->text_len <= sizeof text) {
        memcpy(text + len, g->text, g->text_len);
        len += g->text_len;
      }
    }
    i = j;
    if ((adv * k < 5 && i < it->n_glyphs) || !len) continue;
    st = invisible_cluster(c, s, pf, text, len, adv);
    len = 0;
    adv = 0;
  }
  sd_pdfbuf_str(s, "] TJ\nET Q\n");
  return st;
}

/* One shaped run. HarfBuzz positions are reproduced exactly: TJ adjustments
 * make up the difference between the advance the font's /W says and the
 * shaped one. */
static sd_status draw_glyphs(pdf_ctx *c, sd_pdfbuf *s, const sd_item *it)
{
  const sd_font *f = it->font;
  sd_pdffont *pf = font_for(c, f);
  if (!pf) return SD_E_NOMEM;
  /* a right-to-left run's text is written apart from its glyphs, in logical order */
  char word[256];
  size_t wlen;
  if (it->rtl || probe_word(c, it, word, sizeof word, &wlen) || !run_is_simple(it)) return draw_complex(c, s, it, pf);
  double k = 1000.0 / f->upem;
  sd_status st = SD_OK;
  c->plain_before = 1;
  c->space_before = 0;
  c->y_before = it->y;
  begin_text(s, it, pf, 0);
  for (size_t i = 0; i < it->n_glyphs; i++) {
    const sd_glyph *g = &it->glyphs[i];
    int code = code_for(c, pf, g->gid, g->text, g->text_len, &st);
    if (code < 0) return st;
    put_code(s, code);
    double adj = sd_pdffont_width(pf, (unsigned)code) - g->advance * k;
    if (fabs(adj) >= 0.0005) put_num(s, adj);
  }
  sd_pdfbuf_str(s, "] TJ\nET\n");
  return SD_OK;
}

static unsigned char *read_all(const char *path, size_t *len)
{
  FILE *fp = sd_fopen_regular(path, NULL);
  if (!fp) return NULL;
  unsigned char *buf = NULL;
  if (fseek(fp, 0, SEEK_END) == 0) {
    long n = ftell(fp);
    if (n > 0 && fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n))) {
      if (fread(buf, 1, (size_t)n, fp) != (size_t)n) {
        free(buf);
        buf = NULL;
      } else *len = (size_t)n;
    }
  }
  fclose(fp);
  return buf;
}

static uint32_t be32(const unsigned char *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A PNG PDF can take as it is: 8-bit grey or RGB, no palette or
 * transparency, not interlaced. Its IDAT data is a zlib stream of
 * PNG-filtered rows, which is FlateDecode with /Predictor 15 (ISO 32000-1
 * 7.4.4.4), so nothing is decoded or compressed again: libharu's decode and
 * re-deflate of every photo was 40% of an English profile's time. The image
 * was decoded through once already (image.c), so the data is sound. */
static HPDF_Dict png_passthrough(pdf_ctx *c, const unsigned char *b, size_t n)
{
  if (n < 33 || memcmp(b + 12, "IHDR", 4) != 0) return NULL;
  uint32_t w = be32(b + 16), h = be32(b + 20);
  int depth = b[24], type = b[25], interlace = b[28];
  if (depth != 8 || (type != 0 && type != 2) || interlace) return NULL;
  HPDF_Dict img = HPDF_DictStream_New(c->doc->mmgr, c->doc->xref);
  HPDF_Dict parms = HPDF_Dict_New(c->doc->mmgr);
  if (!img || !parms) return NULL;
  int colors = type == 2 ? 3 : 1;
  if (HPDF_Dict_AddName(img, "Type", "XObject") != HPDF_OK || HPDF_Dict_AddName(img, "Subtype", "Image") != HPDF_OK ||
      HPDF_Dict_AddNumber(img, "Width", (HPDF_INT32)w) != HPDF_OK ||
      HPDF_Dict_AddNumber(img, "Height", (HPDF_INT32)h) != HPDF_OK ||
      HPDF_Dict_AddName(img, "ColorSpace", colors == 3 ? "DeviceRGB" : "DeviceGray") != HPDF_OK ||
      HPDF_Dict_AddNumber(img, "BitsPerComponent", 8) != HPDF_OK ||
      HPDF_Dict_AddNumber(parms, "Predictor", 15) != HPDF_OK || HPDF_Dict_AddNumber(parms, "Colors", colors) != HPDF_OK ||
      HPDF_Dict_AddNumber(parms, "BitsPerComponent", 8) != HPDF_OK ||
      HPDF_Dict_AddNumber(parms, "Columns", (HPDF_INT32)w) != HPDF_OK ||
      HPDF_Dict_Add(img, "DecodeParms", parms) != HPDF_OK)
    return NULL;
  for (size_t at = 8; at + 12 <= n;) {
    uint32_t len = be32(b + at);
    if (len > n - at - 12) return NULL;
    if (memcmp(b + at + 4, "PLTE", 4) == 0 || memcmp(b + at + 4, "tRNS", 4) == 0) return NULL;
    if (memcmp(b + at + 4, "IDAT", 4) == 0 && HPDF_Stream_Write(img->stream, b + at + 8, len) != HPDF_OK) return NULL;
    if (memcmp(b + at + 4, "IEND", 4) == 0) break;
    at += 12 + (size_t)len;
  }
  img->write_fn = sd_pdf_write_flate_filter;
  return img;
}

/* Lists the image in the page's resources and paints it into the item's box. */
static sd_status paint_image(sd_pdfbuf *s, const char *name, const sd_item *it)
{
  if (!name) return SD_E_INTERNAL;
  sd_pdfbuf_str(s, "q ");
  put_num(s, it->w);
  sd_pdfbuf_str(s, "0 0 ");
  put_num(s, it->h);
  put_num(s, it->x);
  put_num(s, it->y);
  sd_pdfbuf_str(s, "cm /");
  sd_pdfbuf_str(s, name);
  sd_pdfbuf_str(s, " Do Q\n");
  return SD_OK;
}

static sd_status draw_png_passthrough(pdf_ctx *c, HPDF_Page page, sd_pdfbuf *s, const sd_item *it, HPDF_Dict img)
{
  HPDF_Dict res = HPDF_Dict_GetItem(page, "Resources", HPDF_OCLASS_DICT);
  if (!res) return SD_E_INTERNAL;
  HPDF_Dict xo = HPDF_Dict_GetItem(res, "XObject", HPDF_OCLASS_DICT);
  if (!xo) {
    xo = HPDF_Dict_New(c->doc->mmgr);
    if (!xo || HPDF_Dict_Add(res, "XObject", xo) != HPDF_OK) return SD_E_INTERNAL;
  }
  char name[32];
  snprintf(name, sizeof name, "Ph%u", ++c->n_photos);
  if (HPDF_Dict_Add(xo, name, img) != HPDF_OK) return SD_E_INTERNAL;
  return paint_image(s, name, it);
}

static sd_status draw_image(pdf_ctx *c, HPDF_Page page, sd_pdfbuf *s, const sd_item *it)
{
  size_t len = 0;
  unsigned char *buf = read_all(it->image_path, &len);
  if (!buf) {
    sd_diag_error(c->d, "pdf.image", NULL, 0, 0, NULL, "a photo could not be read");
    return SD_E_IO;
  }
  int png = len > 3 && buf[0] == 0x89 && buf[1] == 'P';
  HPDF_Dict direct = png ? png_passthrough(c, buf, len) : NULL;
  if (direct) {
    free(buf);
    return draw_png_passthrough(c, page, s, it, direct);
  }
  HPDF_Image img = png ? HPDF_LoadPngImageFromMem(c->doc, buf, (HPDF_UINT)len)
                       : HPDF_LoadJpegImageFromMem(c->doc, buf, (HPDF_UINT)len);
  free(buf);
  if (!img) {
    c->err = 0;
    HPDF_ResetError(c->doc);
    sd_diag_error(c->d, "pdf.image", NULL, 0, 0, NULL, "a photo could not be decoded (corrupt or unsupported image)");
    return SD_E_INPUT;
  }
  return paint_image(s, HPDF_Page_GetXObjectName(page, img), it);
}

static void draw_rect(sd_pdfbuf *s, const sd_item *it)
{
  sd_pdfbuf_str(s, "q ");
  if (it->stroke_width > 0) {
    put_num(s, it->stroke_width);
    sd_pdfbuf_str(s, "w ");
    put_rgb(s, it->color, "RG ");
  } else put_rgb(s, it->color, "rg ");
  put_num(s, it->x);
  put_num(s, it->y);
  put_num(s, it->w);
  put_num(s, it->h);
  sd_pdfbuf_str(s, it->stroke_width > 0 ? "re S Q\n" : "re f Q\n");
}

static void begin_mark(sd_pdfbuf *s, const char *role, int mcid)
{
  char buf[64];
  snprintf(buf, sizeof buf, "/%s <</MCID %d>> BDC\n", role, mcid);
  sd_pdfbuf_str(s, buf);
}

static sd_status draw_page(pdf_ctx *c, sd_tags *tags, const sd_layout *l, size_t pi, HPDF_Page page, sd_pdfbuf *s)
{
  const sd_page *pg = &l->pages[pi];
  sd_status st = SD_OK;
  if (l->background.r < 1 || l->background.g < 1 || l->background.b < 1) {
    /* PDF/UA-1 7.1: the page tint is decoration */
    sd_pdfbuf_str(s, "/Artifact BMC\n");
    sd_item bg = { .x = 0, .y = 0, .w = pg->width, .h = pg->height, .color = l->background };
    draw_rect(s, &bg);
    sd_pdfbuf_str(s, "EMC\n");
  }
  for (size_t i = 0; i < pg->n_items && st == SD_OK;) {
    int elem = pg->items[i].elem;
    if (elem < 0) {
      sd_pdfbuf_str(s, "/Artifact <</Type /Pagination>> BDC\n");
    } else {
      int mcid = sd_tags_mark(tags, pi, elem);
      if (mcid < 0) return SD_E_NOMEM;
      begin_mark(s, l->elems[elem].role, mcid);
    }
    /* one marked sequence for a stretch of items of the same owner */
    for (; i < pg->n_items && pg->items[i].elem == elem && st == SD_OK; i++) {
      const sd_item *it = &pg->items[i];
      sd_item turned;
      if (it->angle != 0 && it->kind == SD_ITEM_GLYPHS) {
        /* rotate about the item's origin, then draw it there at (0, 0) */
        double a = it->angle * 3.14159265358979 / 180.0;
        sd_pdfbuf_str(s, "q ");
        put_num(s, cos(a));
        put_num(s, sin(a));
        put_num(s, -sin(a));
        put_num(s, cos(a));
        put_num(s, it->x);
        put_num(s, it->y);
        sd_pdfbuf_str(s, "cm\n");
        turned = *it;
        turned.x = turned.y = 0;
        st = draw_glyphs(c, s, &turned);
        sd_pdfbuf_str(s, "Q\n");
      } else if (it->kind == SD_ITEM_GLYPHS) st = draw_glyphs(c, s, it);
      else if (it->kind == SD_ITEM_IMAGE) st = draw_image(c, page, s, it);
      else draw_rect(s, it);
      if (it->kind == SD_ITEM_IMAGE && elem >= 0) { i++; break; } /* a figure's image is its own sequence */
    }
    sd_pdfbuf_str(s, "EMC\n");
  }
  return st;
}

/* A page's content, compressed at zlib's fastest level: libharu's level 6
 * was the largest single cost of a right-to-left page (callgrind), for
 * files about a tenth smaller. Composed in our own buffer: libharu's stream
 * copies byte by byte. */
static sd_status write_page(pdf_ctx *c, sd_tags *tags, const sd_layout *l, size_t pi, HPDF_Page page)
{
  sd_pdfbuf content = {0};
  sd_status st = draw_page(c, tags, l, pi, page, &content);
  if (st == SD_OK && content.oom) st = SD_E_NOMEM;
  if (st == SD_OK) st = sd_pdf_put_flate(((HPDF_PageAttr)page->attr)->contents, content.p, content.len, 1);
  sd_pdfbuf_free(&content);
  return st;
}

static char *xml_escape(const char *s)
{
  size_t n = 0;
  for (const char *p = s; *p; p++) n += (*p == '<' || *p == '>' || *p == '&' || *p == '"') ? 6 : 1;
  char *o = malloc(n + 1), *q = o;
  if (!o) return NULL;
  for (const char *p = s; *p; p++) {
    const char *r = *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : *p == '&' ? "&amp;" : *p == '"' ? "&quot;" : NULL;
    if (r) { strcpy(q, r); q += strlen(r); }
    else *q++ = *p;
  }
  *q = 0;
  return o;
}

/* PDF/UA-1 5, 7.1: XMP with dc:title and pdfuaid:part; nothing about the
 * machine or the user who made the file. */
static sd_status add_metadata(pdf_ctx *c, const sd_pdf_meta *m, const char *iso_date)
{
  char *title = xml_escape(m->title ? m->title : "");
  char *lang = xml_escape(m->lang ? m->lang : "en-GB");
  if (!title || !lang) { free(title); free(lang); return SD_E_NOMEM; }
  char *xmp = sd_strdup_printf(
      "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
      "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
      "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
      "  xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
      "  xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n"
      "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:title>\n"
      "<dc:language><rdf:Bag><rdf:li>%s</rdf:li></rdf:Bag></dc:language>\n"
      "<dc:format>application/pdf</dc:format>\n"
      "<pdf:Producer>%s</pdf:Producer>\n"
      "<xmp:CreateDate>%s</xmp:CreateDate>\n<xmp:ModifyDate>%s</xmp:ModifyDate>\n"
      "<pdfuaid:part>1</pdfuaid:part>\n"
      "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>\n",
      title, lang, SD_PRODUCER, iso_date, iso_date);
  free(title);
  free(lang);
  if (!xmp) return SD_E_NOMEM;
  HPDF_Dict md = HPDF_DictStream_New(c->doc->mmgr, c->doc->xref);
  sd_status st = SD_E_INTERNAL;
  if (md && HPDF_Dict_AddName(md, "Type", "Metadata") == HPDF_OK &&
      HPDF_Dict_AddName(md, "Subtype", "XML") == HPDF_OK &&
      HPDF_Stream_Write(md->stream, (const HPDF_BYTE *)xmp, (HPDF_UINT)strlen(xmp)) == HPDF_OK &&
      HPDF_Dict_Add(c->doc->catalog, "Metadata", md) == HPDF_OK)
    st = SD_OK;
  free(xmp);
  return st;
}

static sd_status add_document_info(pdf_ctx *c, const sd_pdf_meta *m)
{
  HPDF_Doc doc = c->doc;
  time_t t = (time_t)(m->epoch >= 0 ? m->epoch : 0);
  struct tm tm;
  gmtime_r(&t, &tm);
  HPDF_Date date = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, 'Z', 0, 0 };
  char iso[32];
  strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (HPDF_SetInfoAttr(doc, HPDF_INFO_PRODUCER, SD_PRODUCER) != HPDF_OK ||
      HPDF_SetInfoDateAttr(doc, HPDF_INFO_CREATION_DATE, date) != HPDF_OK ||
      HPDF_SetInfoDateAttr(doc, HPDF_INFO_MOD_DATE, date) != HPDF_OK)
    return SD_E_INTERNAL;
  HPDF_Dict info = doc->info;
  HPDF_Dict vp = HPDF_Dict_New(doc->mmgr);
  if (!info || !vp || HPDF_Dict_Add(info, "Title", sd_pdf_text_string(doc->mmgr, m->title ? m->title : "")) != HPDF_OK ||
      HPDF_Dict_Add(doc->catalog, "Lang", HPDF_String_New(doc->mmgr, m->lang ? m->lang : "en-GB", NULL)) != HPDF_OK ||
      HPDF_Dict_AddBoolean(vp, "DisplayDocTitle", HPDF_TRUE) != HPDF_OK ||
      HPDF_Dict_Add(doc->catalog, "ViewerPreferences", vp) != HPDF_OK)
    return SD_E_INTERNAL;
  return add_metadata(c, m, iso);
}

/* Fonts are written last, when every glyph of the document is known, and
 * joined to the resources of every page (a page may list a font it does not use). */
static sd_status add_fonts(pdf_ctx *c, HPDF_Page *pages, size_t n_pages)
{
  for (size_t i = 0; i < c->n_fonts; i++) {
    if (!c->fonts[i]) continue;
    HPDF_Dict font = NULL;
    sd_status st = sd_pdffont_emit(c->fonts[i], c->doc, &font, c->d);
    if (st != SD_OK) return st;
    for (size_t p = 0; p < n_pages; p++) {
      HPDF_Dict res = HPDF_Dict_GetItem(pages[p], "Resources", HPDF_OCLASS_DICT);
      if (!res) return SD_E_INTERNAL;
      HPDF_Dict fd = HPDF_Dict_GetItem(res, "Font", HPDF_OCLASS_DICT);
      if (!fd) {
        fd = HPDF_Dict_New(c->doc->mmgr);
        if (!fd || HPDF_Dict_Add(res, "Font", fd) != HPDF_OK) return SD_E_INTERNAL;
      }
      if (HPDF_Dict_Add(fd, sd_pdffont_resource_name(c->fonts[i]), font) != HPDF_OK) return SD_E_INTERNAL;
    }
  }
  return SD_OK;
}

typedef struct outline_node {
  HPDF_Dict dict;
  int parent;            /* node index, -1: the outline root */
  int first, last, next, prev;
  int descendants;
} outline_node;

/* Bookmarks: one per heading, nested by heading level, each opening its
 * page at the heading. Every item open (Count = its descendants). */
static sd_status add_outline(pdf_ctx *c, const sd_layout *l, HPDF_Page *pages)
{
  size_t n = 0;
  for (size_t i = 0; i < l->n_elems; i++) n += l->elems[i].bookmark != NULL;
  if (!n) return SD_OK;
  HPDF_MMgr mm = c->doc->mmgr;
  outline_node *nodes = calloc(n, sizeof *nodes);
  int *stack = calloc(n, sizeof *stack), *levels = calloc(n, sizeof *levels);
  HPDF_Dict root = HPDF_Dict_New(mm);
  sd_status st = SD_E_INTERNAL;
  if (!nodes || !stack || !levels) { st = SD_E_NOMEM; goto done; }
  if (!root || HPDF_Xref_Add(c->doc->xref, root) != HPDF_OK) goto done;
  int depth = 0, root_first = -1, root_last = -1, k = 0;
  for (size_t i = 0; i < l->n_elems; i++) {
    const sd_elem *e = &l->elems[i];
    if (!e->bookmark) continue;
    /* a Part (one document of a combined file) holds its headings' bookmarks */
    int level = e->role[0] == 'H' && e->role[1] >= '1' && e->role[1] <= '6' ? e->role[1] - '0'
                : !strcmp(e->role, "Part")                                   ? 0
                                                                             : 1;
    while (depth > 0 && levels[depth - 1] >= level) depth--;
    outline_node *o = &nodes[k];
    o->parent = depth ? stack[depth - 1] : -1;
    o->first = o->last = o->next = o->prev = -1;
    int *plast = o->parent >= 0 ? &nodes[o->parent].last : &root_last;
    int *pfirst = o->parent >= 0 ? &nodes[o->parent].first : &root_first;
    o->prev = *plast;
    if (*plast >= 0) nodes[*plast].next = k;
    else *pfirst = k;
    *plast = k;
    for (int a = o->parent; a >= 0; a = nodes[a].parent) nodes[a].descendants++;
    o->dict = HPDF_Dict_New(mm);
    if (!o->dict || HPDF_Xref_Add(c->doc->xref, o->dict) != HPDF_OK) goto done;
    HPDF_Array dest = HPDF_Array_New(mm);
    if (!dest || HPDF_Dict_Add(o->dict, "Title", sd_pdf_text_string(mm, e->bookmark)) != HPDF_OK ||
        HPDF_Array_Add(dest, pages[e->page >= 0 ? e->page : 0]) != HPDF_OK ||
        HPDF_Array_AddName(dest, "XYZ") != HPDF_OK || HPDF_Array_AddNumber(dest, 0) != HPDF_OK ||
        HPDF_Array_AddReal(dest, e->top) != HPDF_OK || HPDF_Array_AddNumber(dest, 0) != HPDF_OK ||
        HPDF_Dict_Add(o->dict, "Dest", dest) != HPDF_OK)
      goto done;
    stack[depth] = k;
    levels[depth++] = level;
    k++;
  }
  for (int i = 0; i < k; i++) {
    outline_node *o = &nodes[i];
    if (HPDF_Dict_Add(o->dict, "Parent", o->parent >= 0 ? nodes[o->parent].dict : root) != HPDF_OK) goto done;
    if (o->prev >= 0 && HPDF_Dict_Add(o->dict, "Prev", nodes[o->prev].dict) != HPDF_OK) goto done;
    if (o->next >= 0 && HPDF_Dict_Add(o->dict, "Next", nodes[o->next].dict) != HPDF_OK) goto done;
    if (o->first >= 0 && (HPDF_Dict_Add(o->dict, "First", nodes[o->first].dict) != HPDF_OK ||
                          HPDF_Dict_Add(o->dict, "Last", nodes[o->last].dict) != HPDF_OK ||
                          HPDF_Dict_AddNumber(o->dict, "Count", o->descendants) != HPDF_OK))
      goto done;
  }
  if (HPDF_Dict_AddName(root, "Type", "Outlines") != HPDF_OK ||
      HPDF_Dict_Add(root, "First", nodes[root_first].dict) != HPDF_OK ||
      HPDF_Dict_Add(root, "Last", nodes[root_last].dict) != HPDF_OK ||
      HPDF_Dict_AddNumber(root, "Count", k) != HPDF_OK || HPDF_Dict_Add(c->doc->catalog, "Outlines", root) != HPDF_OK)
    goto done;
  /* a multi-page document opens with its bookmarks showing */
  if (l->n_pages > 1 && HPDF_Dict_AddName(c->doc->catalog, "PageMode", "UseOutlines") != HPDF_OK) goto done;
  st = SD_OK;
done:
  free(nodes);
  free(stack);
  free(levels);
  return st;
}

static sd_status save(pdf_ctx *c, unsigned char **out, size_t *out_len)
{
  if (HPDF_SaveToStream(c->doc) != HPDF_OK) return SD_E_INTERNAL;
  HPDF_UINT32 size = HPDF_GetStreamSize(c->doc);
  unsigned char *buf = malloc(size ? size : 1);
  if (!buf) return SD_E_NOMEM;
  size_t got = 0;
  while (got < size) {
    HPDF_UINT32 n = size - (HPDF_UINT32)got;
    HPDF_STATUS r = HPDF_ReadFromStream(c->doc, buf + got, &n);
    got += n;
    if (r != HPDF_OK || n == 0) break;
  }
  if (got != size) {
    free(buf);
    return SD_E_INTERNAL;
  }
  *out = buf;
  *out_len = got;
  return SD_OK;
}

sd_status sd_pdf_write(const sd_layout *l, const sd_pdf_meta *meta, unsigned char **out,
                       size_t *out_len, sd_diags *d)
{
  pdf_ctx c = { .d = d };
  sd_status st = SD_OK;
  HPDF_Page *pages = calloc(l->n_pages ? l->n_pages : 1, sizeof *pages);
  sd_tags *tags = sd_tags_new(l->elems, l->n_elems, l->n_pages);
  c.doc = HPDF_New(on_hpdf_error, &c);
  if (c.doc) c.outlines = sd_outlines_new(c.doc);
  if (!pages || !tags || !c.doc || !c.outlines) { st = SD_E_NOMEM; goto done; }
  c.doc->pdf_version = HPDF_VER_17; /* PDF/UA-1 is built on ISO 32000-1 (PDF 1.7) */
  HPDF_SetCompressionMode(c.doc, HPDF_COMP_ALL);
  for (size_t i = 0; i < l->n_pages && st == SD_OK; i++) {
    pages[i] = HPDF_AddPage(c.doc);
    if (!pages[i]) { st = SD_E_INTERNAL; break; }
    HPDF_Page_SetWidth(pages[i], l->pages[i].width);
    HPDF_Page_SetHeight(pages[i], l->pages[i].height);
    if ((st = sd_stop_check(meta->stop)) != SD_OK) break;
    st = write_page(&c, tags, l, i, pages[i]);
  }
  if (st == SD_OK) st = add_fonts(&c, pages, l->n_pages);
  for (size_t i = 0; i < l->n_pages && st == SD_OK; i++) st = sd_outlines_add_to_page(c.outlines, pages[i]);
  if (st == SD_OK) st = sd_tags_finish(tags, c.doc, pages, d);
  if (st == SD_OK) st = add_outline(&c, l, pages);
  if (st == SD_OK) st = add_document_info(&c, meta);
  if (st == SD_OK && c.err) st = SD_E_INTERNAL;
  if (st == SD_OK) st = save(&c, out, out_len);
  if (st == SD_E_INTERNAL)
    sd_diag_error(d, "pdf.internal", NULL, 0, 0, NULL, "libharu failed (error %#lx, detail %lu)",
                  (unsigned long)c.err, (unsigned long)c.err_detail);
done:
  for (size_t i = 0; i < c.n_fonts; i++) sd_pdffont_free(c.fonts[i]);
  free(c.fonts);
  sd_tags_free(tags);
  sd_outlines_free(c.outlines);
  if (c.doc) HPDF_Free(c.doc);
  free(pages);
  return st;
}
