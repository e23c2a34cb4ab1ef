/* pdf_text: draw shaped runs. A simple run is drawn as glyphs that carry
 * their own text; any other run as outlines (outline.h says why) with an
 * invisible text layer that is ours to order and place: only readers see it. */
#include "pdf_text.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

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

/* Marks after a cluster's core, on a zero-width glyph just inside the
 * cluster's end (2/1000 em): exactly at the end, it starts where the next
 * cluster starts, and poppler, which sorts the words of a line by where they
 * start, put the bindi of «ਲੋੜਾਂ:» after the colon. */
#define MARK_INSIDE 2.0

static sd_status show_trailing_marks(pdf_ctx *c, sd_pdfbuf *s, sd_pdffont *pf, uint32_t zero, const char *t, size_t n)
{
  put_num(s, MARK_INSIDE);
  sd_status st = show_code(c, s, pf, zero, t, n, 0);
  put_num(s, -MARK_INSIDE);
  return st;
}

/* One cluster of the invisible layer: its mark-free core on a glyph as wide
 * as the cluster, marks before and after it on zero-width glyphs. */
static sd_status invisible_cluster(pdf_ctx *c, sd_pdfbuf *s, sd_pdffont *pf, const char *t, size_t len, double adv)
{
  const sd_font *f = sd_pdffont_font(pf);
  double k = 1000.0 / f->upem;
  /* never narrower than the cluster when the font allows: poppler puts a
   * space after a gap of 0.03 em where it has split a word (a Bengali
   * cluster after a zero-width mark starts at that mark's x, which poppler
   * takes for duplicated text), and a glyph 0.08 em too wide is a small step
   * back every reader ignores */
  uint32_t wide = sd_font_glyph_covering(f, (int32_t)lround(adv), (int32_t)(f->upem * 8 / 100));
  uint32_t zero = f->zero_width_gid;
  size_t start, n = mark_free_span(t, len, &start);
  sd_status st = SD_OK;
  /* a cluster wider than any glyph of the font (a Malayalam split vowel
   * around its consonant) would leave a gap readers take for a space: its
   * core is then shared out among code points, each on a glyph of its share.
   * A gap of 0.047 em is one to poppler (bold Tamil «தொ» in «தகவல்தொடர்புத்»
   * is 0.047 em wider than Noto Sans Tamil Bold's widest glyph). */
  size_t ncp = 0;
  for (size_t i = start; i < start + n;) {
    UChar32 cp;
    U8_NEXT(t, i, (int32_t)(start + n), cp);
    ncp++;
  }
  if (ncp > 1 && hb_font_get_glyph_h_advance(f->font, wide) < adv - f->upem / 100) {
    if (zero && start) st = show_code(c, s, pf, zero, t, start, 0);
    for (size_t i = start; i < start + n && st == SD_OK;) {
      size_t at = i;
      UChar32 cp;
      U8_NEXT(t, i, (int32_t)(start + n), cp);
      st = show_code(c, s, pf, sd_font_glyph_of_width(f, (int32_t)lround(adv / (double)ncp)), t + at, i - at,
                     adv / (double)ncp * k);
    }
    if (st == SD_OK && zero && start + n < len)
      st = show_trailing_marks(c, s, pf, zero, t + start + n, len - start - n);
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
    if (st == SD_OK && at < len) st = show_trailing_marks(c, s, pf, zero, t + at, len - at);
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
#define RTL_REANCHOR_BACK 0.004 /* pt: twice what writing positions to 3 decimals may move them */

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

static int cp_is_space(const rtl_cp *cp)
{
  UChar32 u;
  int32_t at = 0;
  U8_NEXT(cp->t, at, (int32_t)cp->len, u);
  return u >= 0 && u_isUWhiteSpace(u);
}

/* The text before a run on its baseline was drawn to the run's left (the
 * run follows it in a left-to-right line), not to its right. */
static int right_of_before(const pdf_ctx *c, double left, double right)
{
  return left + right > c->left_before + c->right_before;
}

/* How many code points at the start of a right-to-left run go unmirrored.
 * pdf.js compares each glyph's origin with where the glyph before it
 * ended, in the frame of the new glyph (a mirrored one negates both): a
 * step forward of 0.102 em or more is a space, a step back of 0.2 em or
 * more is no space. A mirrored run starts at its right edge; unmirrored,
 * its first glyph starts one glyph left of that. So after unmirrored text
 * on its baseline:
 * - to the run's left (a left-to-right line), a mirrored start is a step
 *   back, right when nothing separates the two ("(" before an Urdu word),
 *   and an unmirrored first word is a step forward, right after a space;
 * - to the run's right (a right-to-left line), an unmirrored first word
 *   is a step back (a full stop after a Latin word), and a space the run
 *   begins with is kept only in the mirrored frame.
 * From the first space on the run is mirrored: its words need the forward
 * flow that lets pdf.js see the spaces between them. */
static size_t rtl_unmirrored(const pdf_ctx *c, const sd_item *it, const rtl_cp *cps, size_t n, double right)
{
  if (!(c->plain_before && c->y_before == it->y)) return 0;
  size_t i = 0;
  if (right_of_before(c, it->x, right)) {
    int spaced = c->space_before || (n && cp_is_space(&cps[0]));
    if (!spaced) return 0;
    while (i < n && cp_is_space(&cps[i])) i++;
  }
  while (i < n && !cp_is_space(&cps[i])) i++;
  return i;
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
 * starts a new item at each size change. The first word may be drawn
 * unmirrored instead (rtl_unmirrored says when), each glyph a step left of
 * the one before. */
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
  /* the sizes as the content stream writes them (3 decimals): the pen below
   * then follows the glyphs exactly, however long the run */
  double k = 1000.0 / f->upem,
         sizes[2] = { (double)llround(it->size_pt * 1000.0) / 1000.0, (double)llround(it->size_pt * 1000.0 + 1.0) / 1000.0 };
  double right = it->x + width * it->size_pt / f->upem, pen = right;
  size_t plain = rtl_unmirrored(c, it, cps, n, right);
  sd_status st = SD_OK;
  /* mirrored: how far right of the pen the text position stands after the
   * pen was set again, and where pdf.js ends the last glyph it advanced over */
  double shift = 0, drawn_end = pen;
  for (size_t i = 0; i < n && st == SD_OK; i++) {
    int mirror = i >= plain;
    if (i == 0 || i == plain) {
      if (i) sd_pdfbuf_str(s, "ET Q\n");
      sd_pdfbuf_str(s, "q BT\n3 Tr\n");
      put_rgb(s, it->color, mirror ? "rg\n-1 0 0 1 " : "rg\n1 0 0 1 ");
      put_num(s, pen);
      put_num(s, it->y);
      sd_pdfbuf_str(s, "Tm\n");
      shift = 0;
      drawn_end = pen;
    } else if (cps[i - 1].adv <= 0) {
      /* pdf.js does not advance over a glyph whose text holds a mark or
       * ends in a format character, whatever its width; the other readers
       * do. The pen is set again after one, or pdf.js would drift by that
       * glyph's width and see a space before the next text object drawn
       * where it belongs (the colon after «أقصاه» at a line's end). The
       * mark is an item of no width, and pdf.js reads any step forward
       * from the last glyph it advanced over as a space: mirrored, the pen
       * is set a hair behind where that glyph ended. */
      double at = mirror ? fmax(pen, drawn_end + RTL_REANCHOR_BACK) : pen;
      sd_pdfbuf_str(s, mirror ? "-1 0 0 1 " : "1 0 0 1 ");
      put_num(s, at);
      put_num(s, it->y);
      sd_pdfbuf_str(s, "Tm\n");
      shift = at - pen;
    }
    double size = sizes[i & 1];
    /* a mark gets a glyph of some width all the same: pdfminer ends a line
     * between two glyphs of no width (two marks on one letter) */
    int32_t w = cps[i].adv > 0 ? (int32_t)lround(cps[i].adv) : (int32_t)f->upem / 100;
    /* a letter a mark follows is never narrower than its place when the
     * font allows: the pen set again after the mark then needs no step back */
    int before_mark = mirror && cps[i].adv > 0 && i + 1 < n && cps[i + 1].adv <= 0;
    uint32_t gid = before_mark ? sd_font_glyph_covering(f, w, (int32_t)(f->upem * 8 / 100)) : sd_font_glyph_of_width(f, w);
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
    if (mirror && cps[i].adv > 0) drawn_end = pen + shift - wc * size / 1000.0;
    pen -= cps[i].adv * it->size_pt / f->upem;
  }
  if (n) sd_pdfbuf_str(s, "ET Q\n");
  c->plain_before = n > 0 && plain == n;
  c->rtl_before = 1;
  c->y_before = it->y;
  c->left_before = it->x;
  c->right_before = right;
  c->space_before = n > 0 && cp_is_space(&cps[n - 1]);
  c->size_before = sizes[n ? (n - 1) & 1 : 0];
  free(cps);
  free(scratch);
  return st;
}

/* A left-to-right run was drawn: what the next run on its line needs to know. */
static void note_ltr_run(pdf_ctx *c, const sd_item *it)
{
  double width = 0;
  for (size_t i = 0; i < it->n_glyphs; i++) width += it->glyphs[i].advance;
  c->plain_before = 1;
  c->rtl_before = 0;
  c->y_before = it->y;
  c->left_before = it->x;
  c->right_before = it->x + width * it->size_pt / it->font->upem;
  c->space_before = 0;
  if (it->n_glyphs) {
    const sd_glyph *g = &it->glyphs[it->n_glyphs - 1];
    UChar32 cp = 0;
    int32_t at = (int32_t)g->text_len;
    if (at) U8_PREV(g->text, 0, at, cp);
    c->space_before = cp > 0 && u_isUWhiteSpace(cp);
  }
  c->size_before = it->size_pt;
}

/* Does a left-to-right run follow a right-to-left run on its line with no
 * space pdf.js would lose (draw_probe says why): after a run ending in a
 * space, drawn to the run's right (a Latin name in an Urdu title), or
 * straight after a run drawn to its left (a full stop after an Urdu word in
 * an English sentence)? */
static int probe_wanted(const pdf_ctx *c, const sd_item *it)
{
  if (it->rtl || !c->rtl_before || c->y_before != it->y) return 0;
  double width = 0;
  for (size_t i = 0; i < it->n_glyphs; i++) width += it->glyphs[i].advance;
  int after_left = right_of_before(c, it->x, it->x + width * it->size_pt / it->font->upem);
  return after_left ? !c->space_before : c->space_before;
}

/* The first word of such a run: how many glyphs it takes, its text in buf,
 * or 0 when it has text pdf.js would not treat as ordinary letters (marks,
 * format characters). */
static size_t probe_word(const pdf_ctx *c, const sd_item *it, char *buf, size_t cap, size_t *len)
{
  if (!probe_wanted(c, it)) return 0;
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

/* One invisible glyph in the mirrored frame (a probe), its origin at x on
 * the run's baseline, then adj (1/1000 of the size) to carry the pen on. */
static void put_mirrored_glyph(sd_pdfbuf *s, const sd_item *it, sd_pdffont *pf, int code, double x, double size,
                               double adj)
{
  sd_pdfbuf_str(s, "q BT\n3 Tr\n");
  put_rgb(s, it->color, "rg\n-1 0 0 1 ");
  put_num(s, x);
  put_num(s, it->y);
  sd_pdfbuf_str(s, "Tm\n/");
  sd_pdfbuf_str(s, sd_pdffont_resource_name(pf));
  sd_pdfbuf_str(s, " ");
  put_num(s, size);
  sd_pdfbuf_str(s, "Tf [");
  put_code(s, code);
  if (fabs(adj) >= 0.0005) put_num(s, adj);
  sd_pdfbuf_str(s, "] TJ\nET Q\n");
}

/* pdf.js drops the space between a mirrored run and a run drawn to its left
 * (it takes that for a step back), and reads a space between a
 * right-to-left run and a word drawn straight to its right (a step forward
 * by the run's width). So the left-to-right run's first word is written
 * first, whole, on one glyph in the mirrored frame, the font size chosen so
 * that the glyph is exactly as wide as the word: pdf.js sees the space's
 * gap before it and keeps the space, or a step back over the run and adds
 * none; it reads the word as one item (no right-to-left letters, so not
 * reversed), and the rest of the run follows the word as after any word. */
static sd_status draw_probe(pdf_ctx *c, sd_pdfbuf *s, const sd_item *it, sd_pdffont *pf, const char *t, size_t len,
                            size_t n, int *drawn)
{
  const sd_font *f = it->font;
  *drawn = 0;
  double adv = 0;
  for (size_t i = 0; i < n; i++) adv += it->glyphs[i].advance;
  uint32_t gid = sd_font_glyph_of_width(f, (int32_t)lround(adv));
  double gw = hb_font_get_glyph_h_advance(f->font, gid);
  if (gw <= 0) return SD_OK;
  sd_status st = SD_OK;
  int code = code_for(c, pf, gid, t, len, &st);
  if (code < 0) return st;
  /* the glyph's box (its /W width at this size, as pdfminer sees it) stays
   * 0.002 pt inside the word, whatever the rounding: a box reaching into
   * the run before it joins the two into one pdfminer box, lines ordered by
   * their tops (a full stop above the Urdu words it follows) */
  double wc = sd_pdffont_width(pf, (unsigned)code);
  double word = adv * it->size_pt / f->upem;
  if (wc <= 0 || word <= 0.004) return SD_OK;
  double size = floor((word - 0.002) * 1000.0 / wc * 1000.0) / 1000.0;
  if (fabs(size - c->size_before) < 0.0005) size -= 0.001;
  if (size <= 0) return SD_OK;
  put_mirrored_glyph(s, it, pf, code, it->x + adv * it->size_pt / f->upem, size, wc - word * 1000.0 / size);
  *drawn = 1;
  return SD_OK;
}

/* A word with marks (a Bengali or Tamil name in an Urdu sentence) cannot
 * be a probe: pdf.js counts any glyph whose text holds a mark (\p{M}) as a
 * zero-width diacritic and never compares its position. So its first
 * cluster is split instead: the letters before the first mark (at most 8
 * UTF-16 units, for MuPDF) in buf, how many glyphs the cluster takes, and
 * where the rest of its text starts (tail, tail_len). */
static size_t probe_cluster(const pdf_ctx *c, const sd_item *it, char *buf, size_t cap, size_t *len,
                            char *tail, size_t *tail_len)
{
  if (!probe_wanted(c, it) || !it->n_glyphs) return 0;
  size_t n = 1, all = 0;
  while (n < it->n_glyphs && it->glyphs[n].cluster_cont) n++;
  for (size_t i = 0; i < n; i++) {
    const sd_glyph *g = &it->glyphs[i];
    if (is_filler(g)) continue;
    if (all + g->text_len > cap) return 0;
    memcpy(tail + all, g->text, g->text_len);
    all += g->text_len;
  }
  int32_t at = 0, core = 0, units = 0;
  while (at < (int32_t)all) {
    UChar32 cp;
    int32_t was = at;
    U8_NEXT(tail, at, (int32_t)all, cp);
    int t = cp < 0 ? U_UNASSIGNED : u_charType(cp);
    if (cp < 0 || t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK ||
        t == U_FORMAT_CHAR || u_isUWhiteSpace(cp) || (units += U16_LENGTH(cp)) > 8) {
      at = was;
      break;
    }
    core = at;
  }
  /* the rest of the cluster rides on a zero-width glyph */
  if (!core || ((size_t)core < all && !it->font->zero_width_gid)) return 0;
  memcpy(buf, tail, (size_t)core);
  *len = (size_t)core;
  memmove(tail, tail + core, all - (size_t)core);
  *tail_len = all - (size_t)core;
  return n;
}

/* The split cluster's letters on the font's narrowest glyph in the mirrored
 * frame, drawn to end 0.004 em before the next cluster (right): pdf.js sees
 * the space's gap before it (or, after a run to its left, a step back and
 * no space) and a step of 0.004 em to the next cluster, no space inside the
 * word; poppler, which sorts by where characters start, finds the letters
 * before the rest. Not drawn when the word is too short for the gap. */
#define PROBE_BEFORE 4.0 /* 1/1000 em */

static sd_status draw_narrow_probe(pdf_ctx *c, sd_pdfbuf *s, const sd_item *it, sd_pdffont *pf, const char *t,
                                   size_t len, double right, int *drawn)
{
  const sd_font *f = it->font;
  *drawn = 0;
  uint32_t gid = sd_font_glyph_of_width(f, (int32_t)(f->upem * 5 / 100));
  sd_status st = SD_OK;
  int code = code_for(c, pf, gid, t, len, &st);
  if (code < 0) return st;
  double size = it->size_pt;
  if (fabs(size - c->size_before) < 0.0005) size -= 0.001;
  double wg = sd_pdffont_width(pf, (unsigned)code) * size / 1000.0;
  double origin = right + wg - PROBE_BEFORE * it->size_pt / 1000.0;
  if (wg <= 0) return SD_OK;
  /* after a run drawn to the right: pdf.js must see a space's step before it */
  if (!right_of_before(c, it->x, right) && c->left_before - origin < 0.12 * it->size_pt) return SD_OK;
  put_mirrored_glyph(s, it, pf, code, origin, size, 0);
  *drawn = 1;
  return SD_OK;
}

/* The glyphs HarfBuzz placed, as outline forms in one q ... Q (pdf_text.h) */
sd_status sd_pdf_draw_outlines(pdf_ctx *c, sd_pdfbuf *s, const sd_item *it)
{
  const sd_font *f = it->font;
  double scale = it->size_pt / f->upem, pen = 0;
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
  return st;
}

/* A complex run (outline.h says why): the glyphs HarfBuzz placed, drawn as
 * outlines, then an invisible text layer (render mode 3) on the baseline
 * with one glyph per cluster standing for the cluster's whole text, each
 * advancing exactly as far as the cluster, so extractors read the run in
 * order without gaps or overlaps. */
static sd_status draw_complex(pdf_ctx *c, sd_pdfbuf *s, const sd_item *it, sd_pdffont *pf)
{
  const sd_font *f = it->font;
  double scale = it->size_pt / f->upem, k = 1000.0 / f->upem;
  sd_status st = sd_pdf_draw_outlines(c, s, it);
  if (st != SD_OK) return st;
  if (it->rtl) return draw_rtl_text(c, s, it, pf);
  char word[256], tail[256];
  size_t wlen, tail_len = 0, from = probe_word(c, it, word, sizeof word, &wlen);
  sd_item rest = *it;
  int drawn = 0;
  if (from) {
    if ((st = draw_probe(c, s, it, pf, word, wlen, from, &drawn)) != SD_OK) return st;
  } else if ((from = probe_cluster(c, it, word, sizeof word, &wlen, tail, &tail_len))) {
    double right = it->x;
    for (size_t i = 0; i < from; i++) right += it->glyphs[i].advance * scale;
    if ((st = draw_narrow_probe(c, s, it, pf, word, wlen, right, &drawn)) != SD_OK) return st;
  }
  if (drawn) {
    for (size_t i = 0; i < from; i++) rest.x += (float)(it->glyphs[i].advance * scale);
  } else {
    from = 0;
    tail_len = 0;
  }
  note_ltr_run(c, it);
  if (drawn && from == it->n_glyphs) {
    /* the probe took the whole run: to pdf.js the run ended mirrored, at
     * its left edge, so a run going on straight after it needs a probe too
     * («محمد-இன்»: the hyphen alone, then the Tamil suffix) */
    c->plain_before = 0;
    c->rtl_before = 1;
  }
  begin_text(s, &rest, pf, 1);
  if (tail_len) st = show_trailing_marks(c, s, pf, it->font->zero_width_gid, tail, tail_len);
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
sd_status sd_pdf_draw_glyphs(pdf_ctx *c, sd_pdfbuf *s, const sd_item *it)
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
  note_ltr_run(c, it);
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

