/* text: one paragraph to shaped, broken lines.
 * UTF-8 check -> bidi levels (UAX #9) -> script (UAX #24), language, style
 * and font per code point -> runs -> measuring shape -> greedy line breaks at
 * UAX #14 opportunities -> per line: runs cut, reshaped where cut, and put in
 * visual order. Shaping and glyph text live in text_shape.c. */
#include "text_int.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/utf16.h>

#define MAX_FONT_DIAGS 8

/* ---- UTF-8 --------------------------------------------------------------- */

/* Decodes one code point; 0 on invalid UTF-8 (overlong, surrogate, > U+10FFFF,
 * truncated), as RFC 3629 requires. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
  unsigned c = s[0];
  if (c < 0x80) { *cp = c; return 1; }
  size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (len == 0 || c > 0xF4 || len > n) return 0;
  uint32_t v = c & (0x3F >> (len - 1));
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    v = v << 6 | (s[i] & 0x3F);
  }
  if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
      (v >= 0xD800 && v <= 0xDFFF))
    return 0;
  *cp = v;
  return len;
}

/* Where byte off comes from, for a diagnostic. */
typedef struct text_where {
  int line, col;
  const char *field; /* the case field, NULL: template text */
  size_t nth;        /* for a case field: the character's number in it (1-based), else 0 */
} text_where;

/* A case field's value is placed at its element (collapsed white space and
 * entities leave no column to point at inside it), with the character's
 * number in the value; template text and a paragraph without spans count
 * lines and columns from their own position. */
static text_where text_pos(const text_ctx *c, size_t off)
{
  text_where w = { c->p->line, c->p->col, c->p->field, 0 };
  size_t from = 0;
  int in_field = 0;
  for (size_t i = 0; i < c->n_spans; i++) {
    const sd_text_span *s = &c->spans[i];
    if (off < s->start || off >= (size_t)s->start + s->len || s->line <= 0) continue;
    w = (text_where){ s->line, s->col, s->field, 0 };
    from = s->start;
    in_field = s->field != NULL;
    break;
  }
  for (size_t i = from; i < off; i++) {
    unsigned char b = (unsigned char)c->utf8[i];
    if (in_field) w.nth += (b & 0xC0) != 0x80;
    else if (b == '\n') { w.line++; w.col = 1; }
    else if ((b & 0xC0) != 0x80) w.col++;
  }
  if (in_field) w.nth++;
  return w;
}

/* "." is the item of an {{#each}}: the diagnostic's <field> says no more */
static const char *field_name(const char *field)
{
  return field && strcmp(field, ".") != 0 ? field : "the text";
}

/* The field a diagnostic names: none for "." (printed as "<.>", which tells a
 * SENCo nothing; the line and column already point at the element) */
static const char *diag_field(const char *field)
{
  return field && strcmp(field, ".") != 0 ? field : NULL;
}

/* " (character 12)" for a case field, else "". */
static const char *nth_text(const text_where *w, char buf[40])
{
  buf[0] = '\0';
  if (w->nth) snprintf(buf, 40, " (character %zu)", w->nth);
  return buf;
}

/* "LATIN SMALL LETTER A", or for a code point without a name its label
 * ("<private use area-E000>", "<unassigned-0378>"). */
static const char *char_name(uint32_t cp, char *buf, int32_t cap)
{
  UErrorCode err = U_ZERO_ERROR;
  int32_t n = u_charName((UChar32)cp, U_UNICODE_CHAR_NAME, buf, cap, &err);
  if (U_FAILURE(err) || n <= 0 || n >= cap) {
    err = U_ZERO_ERROR;
    n = u_charName((UChar32)cp, U_EXTENDED_CHAR_NAME, buf, cap, &err);
    if (U_FAILURE(err) || n <= 0 || n >= cap) n = 0;
  }
  buf[n] = '\0';
  return buf;
}

/* Mandatory breaks (UAX #14 BK, CR, LF, NL) end a line and are not drawn;
 * other controls are not drawn either. */
static uint8_t cp_kind(uint32_t cp)
{
  if (cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C || cp == 0x85 || cp == 0x2028 ||
      cp == 0x2029)
    return CP_BREAK;
  if (cp != '\t' && u_charType((UChar32)cp) == U_CONTROL_CHAR) return CP_SKIP;
  return CP_DRAW;
}

static sd_status alloc_arrays(text_ctx *c)
{
  size_t n = c->n;
  c->cps = malloc((n + 1) * sizeof *c->cps);
  c->shp = malloc((n + 1) * sizeof *c->shp);
  c->boff = malloc((n + 1) * sizeof *c->boff);
  c->u16off = malloc((n + 1) * sizeof *c->u16off);
  c->level = calloc(n + 1, 1);
  c->kind = calloc(n + 1, 1);
  c->cl_start = calloc(n + 1, 1);
  c->script = malloc((n + 1) * sizeof *c->script);
  c->font = calloc(n + 1, sizeof *c->font);
  c->lang = calloc(n + 1, sizeof *c->lang);
  c->style = calloc(n + 1, sizeof *c->style);
  c->wsum = calloc(n + 1, sizeof *c->wsum);
  c->u16 = malloc((2 * n + 1) * sizeof *c->u16);
  c->cp_of_u16 = malloc((2 * n + 1) * sizeof *c->cp_of_u16);
  c->runs = malloc((n + 1) * sizeof *c->runs);
  if (!c->cps || !c->shp || !c->boff || !c->u16off || !c->level || !c->kind || !c->cl_start ||
      !c->script || !c->font || !c->lang || !c->style || !c->wsum || !c->u16 || !c->cp_of_u16 ||
      !c->runs)
    return SD_E_NOMEM;
  return SD_OK;
}

static void free_ctx(text_ctx *c)
{
  free(c->cps); free(c->shp); free(c->boff); free(c->u16off); free(c->level);
  free(c->kind); free(c->cl_start); free(c->script); free(c->font); free(c->lang);
  free(c->style); free(c->wsum); free(c->u16); free(c->cp_of_u16); free(c->runs);
  free(c->gl); free(c->units); free(c->nfd_in); free(c->nfd_out);
  if (c->bidi) ubidi_close(c->bidi);
  hb_buffer_destroy(c->buf);
}

static sd_status bad_utf8(text_ctx *c, size_t off)
{
  text_where w = text_pos(c, off);
  sd_diag_error(c->d, "text.utf8", c->p->file, w.line, w.col, diag_field(w.field),
                "invalid UTF-8 in %s at byte %zu", field_name(w.field), off);
  return SD_E_INPUT;
}

/* A character that extends the one before it into one cluster: a combining
 * mark (canonical combining class not 0), or UAX #29 Extend, ZWJ or
 * SpacingMark (variation selectors, emoji modifiers and tags among them). */
static int extends_cluster(uint32_t cp)
{
  if (u_getCombiningClass((UChar32)cp) != 0) return 1;
  int gcb = u_getIntPropertyValue((UChar32)cp, UCHAR_GRAPHEME_CLUSTER_BREAK);
  return gcb == U_GCB_EXTEND || gcb == U_GCB_ZWJ || gcb == U_GCB_SPACING_MARK;
}

/* UAX #15's Stream-Safe Text Format allows at most 30 non-starters in a row;
 * no writing system needs more on one letter. Longer clusters are refused
 * before HarfBuzz, whose time grows with the square of a cluster's length
 * (40,000 marks on one letter took 11 s), and before the PDF's text layer,
 * whose entries are bounded (300 variation selectors ended in
 * "libharu failed", issue 13). */
static sd_status check_clusters(text_ctx *c)
{
  size_t run = 0;
  for (size_t k = 0; k < c->n; k++) {
    run = extends_cluster(c->cps[k]) ? run + 1 : 0;
    if (run <= SD_TEXT_MAX_CLUSTER_MARKS) continue;
    size_t base = k - run;
    size_t e = k;
    while (e < c->n && extends_cluster(c->cps[e])) e++;
    char name[128], nth[40];
    text_where w = text_pos(c, c->boff[base]);
    sd_diag_error(c->d, "text.cluster", c->p->file, w.line, w.col, diag_field(w.field),
                  "U+%04X %s in %s%s carries %zu combining characters (U+%04X ...); Unicode's stream-safe "
                  "limit is %d on one character", (unsigned)c->cps[base], char_name(c->cps[base], name, sizeof name),
                  field_name(w.field), nth_text(&w, nth), e - base - 1, (unsigned)c->cps[base + 1],
                  SD_TEXT_MAX_CLUSTER_MARKS);
    return SD_E_INPUT;
  }
  return SD_OK;
}

static sd_status decode(text_ctx *c)
{
  const unsigned char *s = (const unsigned char *)c->utf8;
  size_t n = 0;
  for (size_t i = 0, k; i < c->len; i += k, n++) {
    uint32_t cp;
    if (!(k = utf8_next(s + i, c->len - i, &cp))) return bad_utf8(c, i);
  }
  c->n = n;
  sd_status st = alloc_arrays(c);
  if (st != SD_OK) return st;
  int32_t j = 0;
  size_t i = 0;
  for (size_t k = 0; k < n; k++) {
    uint32_t cp;
    c->boff[k] = (uint32_t)i;
    i += utf8_next(s + i, c->len - i, &cp);
    c->cps[k] = cp;
    c->shp[k] = cp == '\t' ? ' ' : cp;
    c->kind[k] = cp_kind(cp);
    c->u16off[k] = j;
    c->cp_of_u16[j] = (int32_t)k;
    if (cp > 0xFFFF) c->cp_of_u16[j + 1] = (int32_t)k;
    U16_APPEND_UNSAFE(c->u16, j, cp);
  }
  c->boff[n] = (uint32_t)c->len;
  c->u16off[n] = j;
  c->cp_of_u16[j] = (int32_t)n;
  c->n16 = j;
  return check_clusters(c);
}

/* ---- language, direction, bidi ------------------------------------------- */

static void icu_locale(const char *bcp47, char *out, size_t cap)
{
  UErrorCode err = U_ZERO_ERROR;
  int32_t parsed;
  uloc_forLanguageTag(bcp47, out, (int32_t)cap, &parsed, &err);
  if (U_FAILURE(err) || err == U_STRING_NOT_TERMINATED_WARNING) out[0] = '\0';
}

/* The script a language is written in when it is not said (likely subtags):
 * ur -> Arab, pa -> Guru, pa-Arab -> Arab, zh-Hant -> Hani. */
static hb_script_t lang_script(const char *loc)
{
  char full[ULOC_FULLNAME_CAPACITY], scr[ULOC_SCRIPT_CAPACITY];
  UErrorCode err = U_ZERO_ERROR;
  uloc_addLikelySubtags(loc, full, sizeof full, &err);
  int32_t n = U_SUCCESS(err) ? uloc_getScript(full, scr, sizeof scr, &err) : 0;
  if (U_FAILURE(err) || n != 4) return HB_SCRIPT_LATIN;
  if (strcmp(scr, "Hans") == 0 || strcmp(scr, "Hant") == 0) return HB_SCRIPT_HAN;
  hb_script_t s = hb_script_from_string(scr, 4);
  return s == HB_SCRIPT_INVALID || s == HB_SCRIPT_UNKNOWN ? HB_SCRIPT_LATIN : s;
}

/* UAX #9 P2/P3: the first strong character sets the paragraph level; a text
 * with none takes its language's direction (ur, ar, fa, ps, pa-Arab: RTL). */
static sd_status run_bidi(text_ctx *c, const char *loc)
{
  int dir = c->p->base_dir;
  if (dir == 0) {
    UBiDiDirection bd = ubidi_getBaseDirection(c->u16, c->n16);
    dir = bd == UBIDI_RTL ? 2 : bd == UBIDI_LTR ? 1 : uloc_isRightToLeft(loc) ? 2 : 1;
  }
  c->para_level = dir == 2 ? 1 : 0;
  if (c->n16 == 0) return SD_OK;
  UErrorCode err = U_ZERO_ERROR;
  c->bidi = ubidi_openSized(c->n16, 0, &err);
  if (c->bidi) ubidi_setPara(c->bidi, c->u16, c->n16, c->para_level, NULL, &err);
  const UBiDiLevel *lv = U_SUCCESS(err) ? ubidi_getLevels(c->bidi, &err) : NULL;
  if (U_FAILURE(err) || (!lv && c->n16)) return err == U_MEMORY_ALLOCATION_ERROR ? SD_E_NOMEM : SD_E_INTERNAL;
  for (size_t k = 0; k < c->n; k++) c->level[k] = lv[c->u16off[k]];
  return SD_OK;
}

/* ---- script, language, style, font per code point ------------------------ */

static int is_real_script(hb_script_t s)
{
  return s != HB_SCRIPT_COMMON && s != HB_SCRIPT_INHERITED && s != HB_SCRIPT_UNKNOWN;
}

/* Spaces and punctuation (bidi classes WS, ON, CS), combining marks excluded. */
static int is_bidi_neutral(uint32_t cp)
{
  int8_t t = u_charType((UChar32)cp);
  if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_COMBINING_SPACING_MARK) return 0;
  UCharDirection d = u_charDirection((UChar32)cp);
  return d == U_WHITE_SPACE_NEUTRAL || d == U_OTHER_NEUTRAL || d == U_COMMON_NUMBER_SEPARATOR;
}

#define NEUTRAL_REACH 512 /* code points searched each way for a letter at the neutral's level */
#define N_LEVELS (UBIDI_MAX_EXPLICIT_LEVEL + 2)

/* A space or punctuation mark that resolved to another bidi level than the
 * character before it (the full stop of an English sentence that ends in an
 * Urdu word) belongs to the text of its own direction: it takes the script of
 * the nearest letter at its level, before it or else after it, so it is drawn
 * with the English words in their font. Sharing the Urdu word's font, it was
 * read by pdf.js as part of the Urdu chunk and reordered with it
 * ("is .کہانی کی کتاب"). Digits, and what bidi attaches to them (the colon
 * of "3:30"), keep the UAX #24 script.
 * Linear time (issue 13: a run of 64,000 dots took 48 s when each neutral
 * scanned back over the whole run): one pass each way records where each run
 * of neutrals starts and ends and the nearest letter at every level. */
static sd_status neutrals_follow_direction(text_ctx *c, hb_unicode_funcs_t *uf)
{
  size_t n = c->n;
  uint8_t *real = malloc(n + 1);
  size_t *run_s = malloc((n + 1) * sizeof *run_s), *run_e = malloc((n + 1) * sizeof *run_e);
  size_t *prev = malloc((n + 1) * sizeof *prev), *next = malloc((n + 1) * sizeof *next);
  uint8_t *neutral = malloc(n + 1);
  sd_status st = real && run_s && run_e && prev && next && neutral ? SD_OK : SD_E_NOMEM;
  size_t last[N_LEVELS];
  for (size_t k = 0; st == SD_OK && k < n; k++) {
    real[k] = (uint8_t)is_real_script(hb_unicode_script(uf, c->cps[k]));
    neutral[k] = (uint8_t)is_bidi_neutral(c->cps[k]);
  }
  /* forward: start of each neutral run, nearest real letter before at k's level */
  for (size_t l = 0; l < N_LEVELS; l++) last[l] = n;
  for (size_t k = 0; st == SD_OK && k < n; k++) {
    run_s[k] = neutral[k] && k > 0 && neutral[k - 1] ? run_s[k - 1] : k;
    uint8_t lv = c->level[k] < N_LEVELS ? c->level[k] : N_LEVELS - 1;
    prev[k] = last[lv];
    if (real[k]) last[lv] = k;
  }
  for (size_t l = 0; l < N_LEVELS; l++) last[l] = n;
  for (size_t k = n; st == SD_OK && k-- > 0;) {
    run_e[k] = neutral[k] && k + 1 < n && neutral[k + 1] ? run_e[k + 1] : k + 1;
    uint8_t lv = c->level[k] < N_LEVELS ? c->level[k] : N_LEVELS - 1;
    next[k] = last[lv];
    if (real[k]) last[lv] = k;
  }
  for (size_t k = 0; st == SD_OK && k < n; k++) {
    if (!neutral[k] || real[k]) continue;
    size_t j = run_s[k];
    if (j > 0) {
      if (c->level[j - 1] == c->level[k]) continue;
    } else {
      j = run_e[k];
      if (j == n || c->level[j] == c->level[k]) continue;
    }
    size_t found = n;
    if (prev[k] < n && k - prev[k] <= NEUTRAL_REACH) found = prev[k];
    else if (next[k] < n && next[k] - k <= NEUTRAL_REACH) found = next[k];
    if (found < n) c->script[k] = c->script[found];
  }
  free(real); free(run_s); free(run_e); free(prev); free(next); free(neutral);
  return st;
}

/* UAX #24: Common and Inherited characters (spaces, digits, punctuation,
 * combining marks) take the script of the text around them: the preceding
 * script, or for leading ones the first script that follows. */
static sd_status resolve_scripts(text_ctx *c)
{
  hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
  hb_script_t last = HB_SCRIPT_INVALID;
  size_t first_real = c->n;
  for (size_t k = 0; k < c->n; k++) {
    hb_script_t s = hb_unicode_script(uf, c->cps[k]);
    if (is_real_script(s)) {
      if (first_real == c->n) first_real = k;
      last = s;
    }
    c->script[k] = is_real_script(s) ? s : last;
  }
  hb_script_t lead = first_real < c->n ? c->script[first_real] : c->default_script;
  for (size_t k = 0; k < first_real; k++) c->script[k] = lead;
  return neutrals_follow_direction(c, uf);
}

static void resolve_spans(text_ctx *c, const sd_text_span *spans, size_t n_spans)
{
  size_t si = 0;
  const char *lang = NULL;
  size_t lang_span = (size_t)-1;
  for (size_t k = 0; k < c->n; k++) {
    uint32_t off = c->boff[k];
    while (si < n_spans && off >= (uint64_t)spans[si].start + spans[si].len) si++;
    int in = si < n_spans && off >= spans[si].start;
    c->style[k] = in && spans[si].style == SD_FONT_BOLD ? SD_FONT_BOLD : SD_FONT_REGULAR;
    if (in && spans[si].lang && lang_span != si) {
      lang = pool_strdup(c->pool, spans[si].lang);
      lang_span = si;
    }
    c->lang[k] = in && spans[si].lang && lang ? lang : c->para_lang;
  }
}

static int sticks_to_previous(uint32_t cp)
{
  int8_t t = u_charType((UChar32)cp);
  return t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_COMBINING_SPACING_MARK ||
         u_hasBinaryProperty((UChar32)cp, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

/* One diagnostic per distinct code point, at most MAX_FONT_DIAGS. A character
 * no installed font covers is a problem with the text, not with the machine
 * (issue 13): the family's text says which character, and a scheduler does
 * not take it for a broken install. */
static int wants_emoji(const text_ctx *c, size_t k);

static void report_uncovered(text_ctx *c, size_t k, uint32_t *seen, int *reported, int *machine)
{
  if (*reported >= MAX_FONT_DIAGS) return;
  for (int j = 0; j < *reported; j++)
    if (seen[j] == c->cps[k]) return;
  seen[(*reported)++] = c->cps[k];
  char name[128], nth[40];
  text_where w = text_pos(c, c->boff[k]);
  /* a font the map names for this script is not installed: the machine's
   * problem (exit 3), and the message says which font to install */
  const char *absent = sd_fonts_missing_for(c->fonts, c->script[k], wants_emoji(c, k));
  if (absent) {
    *machine = 1;
    sd_diag_error(c->d, "text.font", c->p->file, w.line, w.col, diag_field(w.field),
                  "U+%04X %s in %s%s needs a font that is not installed: fonts/fontmap.txt names \"%s\"",
                  (unsigned)c->cps[k], char_name(c->cps[k], name, sizeof name), field_name(w.field),
                  nth_text(&w, nth), absent);
    return;
  }
  sd_diag_error(c->d, "text.uncovered", c->p->file, w.line, w.col, diag_field(w.field),
                "U+%04X %s in %s%s is not covered by any installed font: replace it, or install a font "
                "that has it and add it to fonts/fontmap.txt", (unsigned)c->cps[k],
                char_name(c->cps[k], name, sizeof name), field_name(w.field), nth_text(&w, nth));
}

/* Emoji are drawn from the font map's Zsye rows (a monochrome outline font)
 * before the rows of the text around them: a character with emoji
 * presentation, or a pictograph asking for it with U+FE0F (UTS #51). */
static int wants_emoji(const text_ctx *c, size_t k)
{
  UChar32 cp = (UChar32)c->cps[k];
  if (u_hasBinaryProperty(cp, UCHAR_EMOJI_PRESENTATION)) return 1;
  return u_hasBinaryProperty(cp, UCHAR_EXTENDED_PICTOGRAPHIC) && k + 1 < c->n && c->cps[k + 1] == 0xFE0F;
}

/* A combining mark or joiner stays in its base's font when that font has it,
 * so the cluster is shaped together; a default-ignorable character (ZWJ,
 * variation selector, bidi control) that no font has is hidden by HarfBuzz,
 * so it rides with its neighbour rather than failing. */
static sd_status pick_fonts(text_ctx *c)
{
  int reported = 0, machine = 0;
  uint32_t seen[MAX_FONT_DIAGS];
  const sd_font *prev = NULL;
  for (size_t k = 0; k < c->n; k++) {
    if (c->kind[k] != CP_DRAW) continue;
    uint32_t cp = c->cps[k];
    hb_codepoint_t gid;
    const sd_font *f = NULL;
    if (prev && sticks_to_previous(cp) && hb_font_get_nominal_glyph(prev->font, cp, &gid)) f = prev;
    if (!f && wants_emoji(c, k)) f = sd_fonts_pick_emoji(c->fonts, c->style[k], cp);
    if (!f) f = sd_fonts_pick(c->fonts, c->script[k], c->lang[k], c->style[k], cp);
    if (!f && u_hasBinaryProperty((UChar32)cp, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
      f = prev ? prev : sd_fonts_pick(c->fonts, c->default_script, c->para_lang, c->style[k], ' ');
    if (!f) report_uncovered(c, k, seen, &reported, &machine);
    c->font[k] = f;
    if (f) prev = f;
  }
  return machine ? SD_E_FONT : reported ? SD_E_INPUT : SD_OK;
}

/* Runs are maximal stretches of drawn code points sharing bidi level, script,
 * language, style and font: HarfBuzz shapes one script and direction at once. */
static void make_runs(text_ctx *c)
{
  c->n_runs = 0;
  for (size_t k = 0; k < c->n; k++) {
    if (c->kind[k] != CP_DRAW) continue;
    text_run *r = c->n_runs ? &c->runs[c->n_runs - 1] : NULL;
    if (r && r->e == k && r->level == c->level[k] && r->script == c->script[k] &&
        r->lang == c->lang[k] && r->style == c->style[k] && r->font == c->font[k]) {
      r->e++;
      continue;
    }
    c->runs[c->n_runs++] = (text_run){(uint32_t)k, (uint32_t)k + 1, c->level[k], c->script[k],
                                      c->lang[k], hb_language_from_string(c->lang[k], -1), c->style[k],
                                      c->font[k], 0, 0};
  }
}

/* ---- line breaking -------------------------------------------------------- */

typedef struct line_span {
  uint32_t s, e;
} line_span;

typedef struct breaker {
  text_ctx *c;
  double max;
  line_span *lines;
  size_t n, cap;
  UBreakIterator *chars; /* grapheme clusters, opened for over-long words only */
  int own_chars;
} breaker;

/* ---- break iterators kept between paragraphs ------------------------------ */

enum { KEPT_BREAKERS = 8 };

typedef struct kept_breaker {
  UBreakIteratorType type;
  char loc[ULOC_FULLNAME_CAPACITY];
  UBreakIterator *it;
} kept_breaker;

struct sd_text_breaks {
  kept_breaker kept[KEPT_BREAKERS];
  size_t n;
};

sd_text_breaks *sd_text_breaks_new(void)
{
  return calloc(1, sizeof(sd_text_breaks));
}

void sd_text_breaks_free(sd_text_breaks *b)
{
  if (!b) return;
  for (size_t i = 0; i < b->n; i++) ubrk_close(b->kept[i].it);
  free(b);
}

/* An iterator over the paragraph: a kept one given the new text, else a
 * new one, kept when there is room (*owned = 0) or the caller's to close. */
static UBreakIterator *open_breaker(text_ctx *c, UBreakIteratorType type, const char *loc, int *owned,
                                    UErrorCode *err)
{
  sd_text_breaks *b = c->p->breaks;
  *owned = 1;
  if (b) {
    for (size_t i = 0; i < b->n; i++)
      if (b->kept[i].type == type && strcmp(b->kept[i].loc, loc) == 0) {
        ubrk_setText(b->kept[i].it, c->u16, c->n16, err);
        *owned = 0;
        return b->kept[i].it;
      }
  }
  UBreakIterator *it = ubrk_open(type, loc, c->u16, c->n16, err);
  if (U_SUCCESS(*err) && b && b->n < KEPT_BREAKERS && strlen(loc) < sizeof b->kept[0].loc) {
    kept_breaker *k = &b->kept[b->n++];
    k->type = type;
    strcpy(k->loc, loc);
    k->it = it;
    *owned = 0;
  }
  return it;
}

/* Spaces at a line's end hang past the margin (UAX #14: a break comes after
 * spaces); no-break spaces are not trimmed. */
static int trailing_space(const text_ctx *c, size_t k)
{
  uint32_t cp = c->cps[k];
  if (c->kind[k] != CP_DRAW || cp == '\t') return 1;
  return cp != 0xA0 && cp != 0x2007 && cp != 0x202F && u_charType((UChar32)cp) == U_SPACE_SEPARATOR;
}

static uint32_t trim_end(const text_ctx *c, uint32_t s, uint32_t e)
{
  while (e > s && trailing_space(c, e - 1)) e--;
  return e;
}

static double width(const text_ctx *c, uint32_t s, uint32_t e)
{
  return c->wsum[trim_end(c, s, e)] - c->wsum[s];
}

static sd_status push_line(breaker *b, uint32_t s, uint32_t e)
{
  if (b->n == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 16;
    line_span *l = realloc(b->lines, cap * sizeof *l);
    if (!l) return SD_E_NOMEM;
    b->lines = l;
    b->cap = cap;
  }
  b->lines[b->n++] = (line_span){s, e};
  return SD_OK;
}

/* A word may be cut between grapheme clusters (UAX #29) that are also
 * HarfBuzz clusters: ICU 72's graphemes split Indic conjuncts, shaping does not. */
static int can_cut(breaker *b, uint32_t k)
{
  text_ctx *c = b->c;
  if (!c->cl_start[k]) return 0;
  if (!b->chars) {
    UErrorCode err = U_ZERO_ERROR;
    b->chars = open_breaker(c, UBRK_CHARACTER, "", &b->own_chars, &err);
    if (U_FAILURE(err)) {
      if (b->chars && b->own_chars) ubrk_close(b->chars);
      b->chars = NULL;
      return 1;
    }
  }
  return ubrk_isBoundary(b->chars, c->u16off[k]);
}

/* Cuts [s, e), a stretch with no break opportunity wider than the line, into
 * lines as full as possible; returns where the last, fitting part starts. */
static sd_status cut_word(breaker *b, uint32_t *s, uint32_t e)
{
  while (width(b->c, *s, e) > b->max) {
    uint32_t best = 0, first = 0, ve = trim_end(b->c, *s, e);
    for (uint32_t k = *s + 1; k < ve; k++) {
      if (!can_cut(b, k)) continue;
      if (!first) first = k;
      if (width(b->c, *s, k) > b->max) break;
      best = k;
    }
    /* the estimate ignores how shaping changes at the cut (Arabic final
     * forms): check the real width and step back while it overflows */
    while (best && text_line_width(b->c, *s, trim_end(b->c, *s, best)) > b->max) {
      uint32_t k = best - 1;
      while (k > *s && !can_cut(b, k)) k--;
      best = k > *s ? k : 0;
    }
    uint32_t cut = best ? best : first;
    if (!cut) break; /* one cluster wider than the line: it overflows */
    sd_status st = push_line(b, *s, cut);
    if (st != SD_OK) return st;
    *s = cut;
  }
  return SD_OK;
}

/* Greedy fill (left-aligned text, never justified): take the last UAX #14
 * opportunity that fits; break at every mandatory break. */
static sd_status break_lines(breaker *b, const char *loc)
{
  text_ctx *c = b->c;
  UErrorCode err = U_ZERO_ERROR;
  int owned;
  UBreakIterator *bi = open_breaker(c, UBRK_LINE, loc, &owned, &err);
  if (U_FAILURE(err)) {
    if (bi && owned) ubrk_close(bi);
    return err == U_MEMORY_ALLOCATION_ERROR ? SD_E_NOMEM : SD_E_INTERNAL;
  }
  sd_status st = SD_OK;
  uint32_t s = 0, fit = 0;
  for (int32_t p = ubrk_following(bi, 0); p != UBRK_DONE && st == SD_OK; p = ubrk_next(bi)) {
    uint32_t e = (uint32_t)c->cp_of_u16[p];
    int32_t rule = ubrk_getRuleStatus(bi);
    int hard = (rule >= UBRK_LINE_HARD && rule < UBRK_LINE_HARD_LIMIT) || e == c->n;
    if (e <= s) continue;
    if (width(c, s, e) > b->max) {
      if (fit > s) {
        st = push_line(b, s, fit);
        s = fit;
      }
      if (st == SD_OK && width(c, s, e) > b->max) st = cut_word(b, &s, e);
    }
    fit = e;
    if (hard && st == SD_OK) {
      st = push_line(b, s, e);
      s = e;
    }
  }
  if (owned) ubrk_close(bi);
  return st;
}

/* ---- assembling lines ----------------------------------------------------- */

/* Ascent and descent of a run from its glyphs' ink, offsets included:
 * Nastaliq's font-wide metrics (1.9 em up, 0.6 down) would give every Urdu
 * line 2.5 em whatever it holds; the ink keeps lines apart without that. */
static void run_ink(const sd_run *r, float size, float *asc, float *desc)
{
  const sd_font *f = r->font;
  float k = size / f->upem;
  for (size_t g = 0; g < r->n_glyphs; g++) {
    hb_glyph_extents_t ext;
    if (!hb_font_get_glyph_extents(f->font, r->glyphs[g].gid, &ext)) continue;
    float top = (ext.y_bearing + r->glyphs[g].y_offset) * k;
    float bottom = -(ext.y_bearing + ext.height + r->glyphs[g].y_offset) * k;
    if (top > *asc) *asc = top;
    if (bottom > *desc) *desc = bottom;
  }
}

static void line_metrics(text_ctx *c, sd_line *l)
{
  float size = c->p->size_pt;
  for (size_t i = 0; i < l->n_runs; i++) {
    const sd_font *f = l->runs[i].font;
    l->width_pt += l->runs[i].width_pt;
    /* at least the font's own metrics, its ascent capped at 1.1 em (only
     * Nastaliq goes past it); taller only by ink. The full descent stays:
     * poppler sizes glyph boxes from the font's metrics and orders lines
     * whose boxes overlap by flow (Naskh: 1.07 up, 0.63 down) */
    float a = size * f->ascender / f->upem, d = -size * f->descender / f->upem;
    if (a > 1.1f * size) a = 1.1f * size;
    if (d > 0.65f * size) d = 0.65f * size;
    run_ink(&l->runs[i], size, &a, &d);
    if (a > l->ascent_pt) l->ascent_pt = a;
    if (d > l->descent_pt) l->descent_pt = d;
  }
  if (l->n_runs == 0) {
    const sd_font *f = sd_fonts_pick(c->fonts, c->default_script, c->para_lang, SD_FONT_REGULAR, ' ');
    if (f) {
      l->ascent_pt = size * f->ascender / f->upem;
      l->descent_pt = -size * f->descender / f->upem;
    }
  }
}

/* UAX #9 L2: runs of the line reversed by level, highest first. */
static sd_status build_line(text_ctx *c, uint32_t s, uint32_t e, size_t *first_run, sd_line *l)
{
  uint32_t ve = trim_end(c, s, e);
  memset(l, 0, sizeof *l);
  l->src_off = c->boff[s];
  while (*first_run < c->n_runs && c->runs[*first_run].e <= s) ++*first_run;
  size_t np = 0;
  for (size_t r = *first_run; ve > s && r < c->n_runs && c->runs[r].s < ve; r++) np++;
  if (np == 0) {
    line_metrics(c, l);
    return SD_OK;
  }
  UBiDiLevel *lv = malloc(np * sizeof *lv);
  int32_t *map = malloc(np * sizeof *map);
  l->runs = pool_alloc(c->pool, np * sizeof *l->runs);
  sd_status st = lv && map && l->runs ? SD_OK : SD_E_NOMEM;
  for (size_t i = 0; st == SD_OK && i < np; i++) lv[i] = c->runs[*first_run + i].level;
  if (st == SD_OK) ubidi_reorderVisual(lv, (int32_t)np, map);
  for (size_t v = 0; st == SD_OK && v < np; v++) {
    const text_run *r = &c->runs[*first_run + (size_t)map[v]];
    uint32_t ps = r->s > s ? r->s : s, pe = r->e < ve ? r->e : ve;
    st = text_emit_run(c, r, ps, pe, s, ve, &l->runs[v]);
  }
  l->n_runs = np;
  free(lv);
  free(map);
  if (st == SD_OK) line_metrics(c, l);
  return st;
}

static sd_status assemble(text_ctx *c, const breaker *b, sd_para *out)
{
  out->lines = b->n ? pool_alloc(c->pool, b->n * sizeof *out->lines) : NULL;
  if (b->n && !out->lines) return SD_E_NOMEM;
  size_t first_run = 0;
  for (size_t i = 0; i < b->n; i++) {
    sd_status st = build_line(c, b->lines[i].s, b->lines[i].e, &first_run, &out->lines[i]);
    if (st != SD_OK) return st;
    out->n_lines = i + 1;
  }
  return SD_OK;
}

/* ---- entry points --------------------------------------------------------- */

static sd_status layout(text_ctx *c, const sd_text_span *spans, size_t n_spans, sd_para *out)
{
  char loc[ULOC_FULLNAME_CAPACITY];
  icu_locale(c->para_lang, loc, sizeof loc);
  c->default_script = lang_script(loc);
  sd_status st = decode(c);
  if (st == SD_OK) st = run_bidi(c, loc);
  out->rtl = c->para_level & 1;
  if (st != SD_OK || c->n == 0) return st;
  if ((st = resolve_scripts(c)) != SD_OK) return st;
  resolve_spans(c, spans, n_spans);
  if ((st = pick_fonts(c)) != SD_OK) return st;
  make_runs(c);
  c->buf = hb_buffer_create();
  if (!hb_buffer_allocation_successful(c->buf)) return SD_E_NOMEM;
  if ((st = text_measure(c)) != SD_OK) return st;
  breaker b = {c, c->p->max_width_pt > 0 ? c->p->max_width_pt + 1e-3 : 0, NULL, 0, 0, NULL, 0};
  st = break_lines(&b, loc);
  if (st == SD_OK) st = assemble(c, &b, out);
  if (b.chars && b.own_chars) ubrk_close(b.chars);
  free(b.lines);
  return st;
}

sd_status sd_text_layout(sd_fonts *fonts, const char *utf8, size_t len,
                         const sd_text_span *spans, size_t n_spans,
                         const sd_text_params *p, sd_para *out, sd_diags *d)
{
  if (!out) return SD_E_USAGE;
  memset(out, 0, sizeof *out);
  if (!fonts || !p || (!utf8 && len) || !(p->size_pt > 0) || isinf(p->size_pt)) return SD_E_USAGE;
  text_ctx c = {.fonts = fonts, .p = p, .spans = spans, .n_spans = spans ? n_spans : 0, .d = d,
                .utf8 = utf8, .len = len};
  if (len > SD_TEXT_MAX_BYTES) {
    sd_diag_error(d, "text.limit", p->file, p->line, p->col, p->field,
                  "%s is longer than %u bytes", field_name(p->field), SD_TEXT_MAX_BYTES);
    return SD_E_LIMIT;
  }
  text_pool *pool = calloc(1, sizeof *pool);
  if (!pool) return SD_E_NOMEM;
  c.pool = pool;
  out->pool = pool;
  c.para_lang = pool_strdup(pool, p->lang && *p->lang ? p->lang : "und");
  sd_status st = c.para_lang ? layout(&c, spans, n_spans, out) : SD_E_NOMEM;
  free_ctx(&c);
  if (st != SD_OK) sd_para_free(out);
  return st;
}

void sd_para_free(sd_para *p)
{
  if (!p) return;
  if (p->pool) {
    pool_free(p->pool);
    free(p->pool);
  }
  memset(p, 0, sizeof *p);
}

/* Points with two decimals, independent of LC_NUMERIC (golden files must not
 * change under LANG=fr_FR.UTF-8). */
static const char *pt(char buf[32], float v)
{
  long h = lroundf(v * 100);
  snprintf(buf, 32, "%s%ld.%02ld", h < 0 ? "-" : "", labs(h) / 100, labs(h) % 100);
  return buf;
}

static void dump_run(const sd_run *r, FILE *out)
{
  char w[32];
  fprintf(out, "  run font=%s lang=%s rtl=%d style=%s width=%s src=%u+%u\n   ",
          r->font ? r->font->ps_name : "-", r->lang ? r->lang : "-", r->rtl,
          r->style == SD_FONT_BOLD ? "bold" : "regular", pt(w, r->width_pt), r->src_off, r->src_len);
  for (size_t g = 0; g < r->n_glyphs; g++) {
    const sd_glyph *gl = &r->glyphs[g];
    fprintf(out, " %u+%d", gl->gid, gl->advance);
    if (gl->x_offset || gl->y_offset) fprintf(out, "@%d,%d", gl->x_offset, gl->y_offset);
  }
  fputc('\n', out);
}

void sd_para_dump(const sd_para *p, FILE *out)
{
  if (!p || !out) return;
  fprintf(out, "para rtl=%d lines=%zu\n", p->rtl, p->n_lines);
  for (size_t i = 0; i < p->n_lines; i++) {
    const sd_line *l = &p->lines[i];
    char w[32], a[32], dd[32];
    fprintf(out, "line %zu off=%u width=%s ascent=%s descent=%s runs=%zu\n", i, l->src_off,
            pt(w, l->width_pt), pt(a, l->ascent_pt), pt(dd, l->descent_pt), l->n_runs);
    for (size_t r = 0; r < l->n_runs; r++) dump_run(&l->runs[r], out);
  }
}
