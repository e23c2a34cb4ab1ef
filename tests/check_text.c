/* Check suite for the text engine: bidi, runs, fonts, shaping, line breaks,
 * glyph text, threads, and the hb-shape glyph oracle (tests/text/oracle.tsv). */
#include "testutil.h"
#include "text.h"
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unicode/unorm2.h>
#include <unistd.h>

static sd_fonts *fonts;

static const char *fontmap_path(void)
{
  const char *p = getenv("SENDOC_FONTMAP");
  return p ? p : "fonts/fontmap.txt";
}

static void setup(void)
{
  sd_diags *d = sd_diags_new();
  if (sd_fonts_new(fontmap_path(), &fonts, d) != SD_OK) diags_print(d);
  sd_diags_free(d);
}

static void teardown(void)
{
  sd_fonts_free(fonts);
  fonts = NULL;
}

static sd_text_params params(const char *lang, float width)
{
  sd_text_params p = {12, width, lang, 0, NULL, "case.xml", "<name>", 7, 3};
  return p;
}

static sd_status lay(const char *s, const char *lang, float width, sd_para *out, sd_diags *d)
{
  sd_text_params p = params(lang, width);
  return sd_text_layout(fonts, s, strlen(s), NULL, 0, &p, out, d);
}

static int starts_with(const char *s, const char *prefix)
{
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static size_t count_runs(const sd_para *p)
{
  size_t n = 0;
  for (size_t i = 0; i < p->n_lines; i++) n += p->lines[i].n_runs;
  return n;
}

/* ---- glyph text helpers -------------------------------------------------- */

/* NFD of s without the filler, reversed by code point first if rev. */
static void nfd_no_filler(const char *s, size_t len, int rev, UChar *out, int32_t cap, int32_t *n)
{
  UChar tmp[4096], tmp2[4096];
  int32_t m = 0;
  UErrorCode err = U_ZERO_ERROR;
  u_strFromUTF8(tmp, 4096, &m, s, (int32_t)len, &err);
  ck_assert(U_SUCCESS(err));
  int32_t k = 0;
  for (int32_t i = 0; i < m; i++)
    if (tmp[i] != SD_GLYPH_FILLER) tmp[k++] = tmp[i];
  if (rev) {
    int32_t j = 0;
    for (int32_t i = k; i > 0;) {
      UChar32 cp;
      U16_PREV(tmp, 0, i, cp);
      U16_APPEND_UNSAFE(tmp2, j, cp);
    }
    memcpy(tmp, tmp2, (size_t)j * sizeof *tmp);
  }
  *n = unorm2_normalize(unorm2_getNFDInstance(&err), tmp, k, out, cap, &err);
  ck_assert(U_SUCCESS(err));
}

/* Glyph texts in stream order, reversed by code point for RTL runs, equal the
 * run's logical text modulo NFD and the filler. */
static void check_run_text(const char *para, const sd_run *r)
{
  char buf[8192];
  size_t n = 0;
  for (size_t g = 0; g < r->n_glyphs; g++) {
    ck_assert_uint_gt(r->glyphs[g].text_len, 0);
    ck_assert_uint_eq(strlen(r->glyphs[g].text), r->glyphs[g].text_len);
    ck_assert_uint_lt(n + r->glyphs[g].text_len, sizeof buf);
    memcpy(buf + n, r->glyphs[g].text, r->glyphs[g].text_len);
    n += r->glyphs[g].text_len;
  }
  UChar got[4096], want[4096];
  int32_t ng, nw;
  nfd_no_filler(buf, n, r->rtl, got, 4096, &ng);
  nfd_no_filler(para + r->src_off, r->src_len, 0, want, 4096, &nw);
  int same = ng == nw && memcmp(got, want, (size_t)nw * sizeof *got) == 0;
  if (!same) fprintf(stderr, "glyph text of run \"%.*s\" reads \"%.*s\"\n", (int)r->src_len,
                     para + r->src_off, (int)n, buf);
  ck_assert(same);
}

/* ---- direction and runs ---------------------------------------------------- */

START_TEST(test_paragraph_direction_from_first_strong_char)
{
  sd_para p;
  ck_assert_int_eq(lay("Hello شکریہ", "ur", 500, &p, NULL), SD_OK);
  ck_assert_int_eq(p.rtl, 0);
  sd_para_free(&p);
  ck_assert_int_eq(lay("شکریہ Hello", "en", 500, &p, NULL), SD_OK);
  ck_assert_int_eq(p.rtl, 1);
  sd_para_free(&p);
}
END_TEST

START_TEST(test_paragraph_without_strong_char_takes_language_direction)
{
  sd_para p;
  ck_assert_int_eq(lay("12 - 15", "ur", 500, &p, NULL), SD_OK);
  ck_assert_int_eq(p.rtl, 1);
  sd_para_free(&p);
  ck_assert_int_eq(lay("12 - 15", "pa-Arab", 500, &p, NULL), SD_OK);
  ck_assert_int_eq(p.rtl, 1);
  sd_para_free(&p);
  ck_assert_int_eq(lay("12 - 15", "pa", 500, &p, NULL), SD_OK);
  ck_assert_int_eq(p.rtl, 0);
  sd_para_free(&p);
}
END_TEST

START_TEST(test_base_dir_param_overrides_text)
{
  sd_text_params tp = params("ur", 500);
  tp.base_dir = 1;
  const char *s = "شکریہ";
  sd_para p;
  ck_assert_int_eq(sd_text_layout(fonts, s, strlen(s), NULL, 0, &tp, &p, NULL), SD_OK);
  ck_assert_int_eq(p.rtl, 0);
  ck_assert_int_eq(p.lines[0].runs[0].rtl, 1);
  sd_para_free(&p);
}
END_TEST

START_TEST(test_english_name_in_urdu_sentence_gets_own_run)
{
  const char *s = "میرا نام John ہے";
  sd_para p;
  ck_assert_int_eq(lay(s, "ur", 500, &p, NULL), SD_OK);
  ck_assert_uint_eq(p.n_lines, 1);
  const sd_line *l = &p.lines[0];
  ck_assert_uint_ge(l->n_runs, 3);
  /* visual order: the sentence's first words are on the right */
  ck_assert_uint_eq(l->runs[l->n_runs - 1].src_off, 0);
  ck_assert_int_eq(l->runs[l->n_runs - 1].rtl, 1);
  ck_assert_str_eq(l->runs[l->n_runs - 1].font->ps_name, "NotoNastaliqUrdu-Regular");
  ck_assert_str_eq(l->runs[0].font->ps_name, "NotoNastaliqUrdu-Regular");
  int found = 0;
  for (size_t i = 0; i < l->n_runs; i++)
    if (l->runs[i].src_len == 4 && memcmp(s + l->runs[i].src_off, "John", 4) == 0) {
      found = 1;
      ck_assert_int_eq(l->runs[i].rtl, 0);
      ck_assert(starts_with(l->runs[i].font->ps_name, "NotoSans-"));
    }
  ck_assert(found);
  for (size_t i = 0; i < l->n_runs; i++) check_run_text(s, &l->runs[i]);
  sd_para_free(&p);
}
END_TEST

/* A neutral (space, full stop, bracket) whose bidi level differs from the
 * letter before it belongs to the text of its own direction: the full stop
 * closing an English sentence that ends in an Arabic-script word is drawn in
 * the English font, not with the word. pdf.js reads one font's adjacent
 * glyphs as one chunk and reorders the chunk as a whole, so sharing the
 * Urdu font put the stop before the word ("is .کہانی کی کتاب"). Digits keep
 * the UAX #24 rule: "3:30" in Urdu stays one run. */
START_TEST(test_neutral_takes_script_of_its_own_direction)
{
  const char *s = "Zara\u2019s favourite book is \u06A9\u06C1\u0627\u0646\u06CC \u06A9\u06CC \u06A9\u062A\u0627\u0628.";
  sd_para p;
  ck_assert_int_eq(lay(s, "en-GB", 500, &p, NULL), SD_OK);
  ck_assert_int_eq(p.rtl, 0);
  ck_assert_uint_eq(p.n_lines, 1);
  const sd_line *l = &p.lines[0];
  const sd_run *last = &l->runs[l->n_runs - 1];
  ck_assert_uint_eq(last->src_off + last->src_len, strlen(s));
  ck_assert_int_eq(last->rtl, 0);
  ck_assert_ptr_eq(last->font, l->runs[0].font);
  ck_assert(starts_with(last->font->ps_name, "NotoSans-"));
  for (size_t i = 0; i < l->n_runs; i++) check_run_text(s, &l->runs[i]);
  sd_para_free(&p);

  const char *u = "\u0645\u0644\u0627\u0642\u0627\u062A 3:30 \u0628\u062C\u06D2";
  ck_assert_int_eq(lay(u, "ur", 500, &p, NULL), SD_OK);
  l = &p.lines[0];
  int found = 0;
  for (size_t i = 0; i < l->n_runs; i++)
    if (memchr(u + l->runs[i].src_off, ':', l->runs[i].src_len)) {
      found = 1;
      ck_assert_uint_eq(l->runs[i].src_len, 4);
      ck_assert_int_eq(memcmp(u + l->runs[i].src_off, "3:30", 4), 0);
    }
  ck_assert(found);
  sd_para_free(&p);
}
END_TEST

START_TEST(test_urdu_word_in_english_uses_span_language)
{
  const char *s = "The word شکریہ means thank you.";
  sd_text_span sp[3] = {{0, 9, NULL, SD_FONT_REGULAR, NULL, 0, 0}, {9, 10, "ur", SD_FONT_REGULAR, NULL, 0, 0},
                        {19, (uint32_t)strlen(s) - 19, NULL, SD_FONT_REGULAR, NULL, 0, 0}};
  sd_text_params tp = params("en", 500);
  sd_para p;
  ck_assert_int_eq(sd_text_layout(fonts, s, strlen(s), sp, 3, &tp, &p, NULL), SD_OK);
  ck_assert_int_eq(p.rtl, 0);
  ck_assert_uint_eq(p.n_lines, 1);
  const sd_line *l = &p.lines[0];
  ck_assert_uint_ge(l->n_runs, 3);
  ck_assert_int_eq(l->runs[1].rtl, 1);
  ck_assert_str_eq(l->runs[1].lang, "ur");
  ck_assert_str_eq(l->runs[1].font->ps_name, "NotoNastaliqUrdu-Regular");
  ck_assert_str_eq(l->runs[0].lang, "en");
  sd_para_free(&p);
  /* without the span the word is Arabic script in an English paragraph: Naskh */
  ck_assert_int_eq(lay(s, "en", 500, &p, NULL), SD_OK);
  ck_assert_str_eq(p.lines[0].runs[1].font->ps_name, "NotoNaskhArabic-Regular");
  sd_para_free(&p);
}
END_TEST

START_TEST(test_bold_span_picks_bold_font)
{
  const char *s = "Name: Ava";
  sd_text_span sp[2] = {{0, 6, NULL, SD_FONT_BOLD, NULL, 0, 0}, {6, 3, NULL, SD_FONT_REGULAR, NULL, 0, 0}};
  sd_text_params tp = params("en", 500);
  sd_para p;
  ck_assert_int_eq(sd_text_layout(fonts, s, strlen(s), sp, 2, &tp, &p, NULL), SD_OK);
  ck_assert_uint_eq(p.lines[0].n_runs, 2);
  ck_assert_str_eq(p.lines[0].runs[0].font->ps_name, "NotoSans-Bold");
  ck_assert_int_eq(p.lines[0].runs[0].style, SD_FONT_BOLD);
  ck_assert_str_eq(p.lines[0].runs[1].font->ps_name, "NotoSans-Regular");
  sd_para_free(&p);
}
END_TEST

START_TEST(test_chinese_uses_truetype_font)
{
  sd_para p;
  ck_assert_int_eq(lay("感谢您参加评审会议。", "zh-Hans", 500, &p, NULL), SD_OK);
  ck_assert_uint_eq(p.lines[0].n_runs, 1);
  ck_assert(!p.lines[0].runs[0].font->is_cff);
  ck_assert(starts_with(p.lines[0].runs[0].font->ps_name, "WenQuanYi"));
  sd_para_free(&p);
}
END_TEST

START_TEST(test_font_fields_are_filled)
{
  const sd_font *f = sd_fonts_pick(fonts, HB_SCRIPT_ARABIC, "ur-PK", SD_FONT_REGULAR, 0x0628);
  ck_assert_ptr_nonnull(f);
  ck_assert_str_eq(f->ps_name, "NotoNastaliqUrdu-Regular");
  ck_assert(strstr(f->path, "NotoNastaliqUrdu-Regular") != NULL);
  ck_assert_uint_gt(f->upem, 0);
  ck_assert_int_gt(f->ascender, 0);
  ck_assert_int_lt(f->descender, 0);
  ck_assert_int_gt(f->cap_height, 0);
  ck_assert_int_lt(f->bbox[0], f->bbox[2]);
  ck_assert_int_lt(f->bbox[1], f->bbox[3]);
  ck_assert(!f->is_cff);
  /* loaded once: the same pointer and id on every pick */
  ck_assert_ptr_eq(f, sd_fonts_pick(fonts, HB_SCRIPT_ARABIC, "ur", SD_FONT_REGULAR, 0x0627));
  const sd_font *b = sd_fonts_pick(fonts, HB_SCRIPT_ARABIC, "ur", SD_FONT_BOLD, 0x0627);
  ck_assert_str_eq(b->ps_name, "NotoNastaliqUrdu-Bold");
  ck_assert_uint_ne(b->id, f->id);
}
END_TEST

START_TEST(test_pick_follows_fallback_order)
{
  /* Shahmukhi and Persian take the Arab rows, not the Urdu one */
  ck_assert_str_eq(sd_fonts_pick(fonts, HB_SCRIPT_ARABIC, "pa-Arab", 0, 0x0628)->ps_name,
                   "NotoNaskhArabic-Regular");
  ck_assert_str_eq(sd_fonts_pick(fonts, HB_SCRIPT_ARABIC, "fa", 0, 0x06CC)->ps_name,
                   "NotoNaskhArabic-Regular");
  ck_assert_str_eq(sd_fonts_pick(fonts, HB_SCRIPT_GURMUKHI, "pa", 0, 0x0A27)->ps_name,
                   "NotoSansGurmukhi-Regular");
  /* a snowman is in no script font: the '*' rows */
  ck_assert_str_eq(sd_fonts_pick(fonts, HB_SCRIPT_LATIN, "en", 0, 0x2603)->ps_name, "DejaVuSans");
  /* CJK has no bold: bold falls back to the regular family */
  ck_assert(starts_with(sd_fonts_pick(fonts, HB_SCRIPT_HAN, "zh", 1, 0x611F)->ps_name, "WenQuanYi"));
  ck_assert_ptr_null(sd_fonts_pick(fonts, HB_SCRIPT_LATIN, "en", 0, 0xE000));
}
END_TEST

/* ---- line breaking ----------------------------------------------------------- */

START_TEST(test_lines_break_at_spaces)
{
  const char *s = "Thank you for coming to the review meeting";
  sd_para p;
  ck_assert_int_eq(lay(s, "en", 80, &p, NULL), SD_OK);
  ck_assert_uint_gt(p.n_lines, 2);
  for (size_t i = 0; i < p.n_lines; i++) {
    ck_assert_float_le(p.lines[i].width_pt, 80);
    ck_assert_float_gt(p.lines[i].width_pt, 0);
    if (i) ck_assert_int_eq(s[p.lines[i].src_off - 1], ' ');
    /* trailing space not drawn: the last glyph text is not a space */
    const sd_run *r = &p.lines[i].runs[p.lines[i].n_runs - 1];
    ck_assert_str_ne(r->glyphs[r->n_glyphs - 1].text, " ");
  }
  sd_para_free(&p);
}
END_TEST

START_TEST(test_trailing_spaces_excluded_from_width)
{
  sd_para a, b;
  ck_assert_int_eq(lay("review", "en", 500, &a, NULL), SD_OK);
  ck_assert_int_eq(lay("review   ", "en", 500, &b, NULL), SD_OK);
  ck_assert_float_eq_tol(a.lines[0].width_pt, b.lines[0].width_pt, 1e-4);
  sd_para_free(&a);
  sd_para_free(&b);
}
END_TEST

START_TEST(test_long_word_broken_at_graphemes_never_overflows)
{
  const char *s = "Supercalifragilisticexpialidocious";
  sd_para p;
  ck_assert_int_eq(lay(s, "en", 40, &p, NULL), SD_OK);
  ck_assert_uint_gt(p.n_lines, 3);
  size_t glyphs = 0;
  for (size_t i = 0; i < p.n_lines; i++) {
    ck_assert_float_le(p.lines[i].width_pt, 40);
    ck_assert_uint_eq(p.lines[i].n_runs, 1);
    glyphs += p.lines[i].runs[0].n_glyphs;
  }
  ck_assert_uint_ge(glyphs, strlen(s) - 2); /* a ligature or two at most */
  sd_para_free(&p);
}
END_TEST

START_TEST(test_no_break_inside_bengali_conjunct)
{
  const char *s = "ক্ষক্ষক্ষক্ষ"; /* KA VIRAMA SSA, 9 bytes each */
  sd_para p;
  ck_assert_int_eq(lay(s, "bn", 1, &p, NULL), SD_OK);
  ck_assert_uint_eq(p.n_lines, 4);
  for (size_t i = 0; i < p.n_lines; i++) ck_assert_uint_eq(p.lines[i].src_off, 9 * i);
  sd_para_free(&p);
}
END_TEST

START_TEST(test_no_break_inside_combining_sequence)
{
  const char *s = "e\xcc\x81\xcc\xa3" "a\xcc\x8a" "o\xcc\x88"; /* e+acute+dot below, a+ring, o+diaeresis */
  sd_para p;
  ck_assert_int_eq(lay(s, "fr", 1, &p, NULL), SD_OK);
  ck_assert_uint_eq(p.n_lines, 3);
  ck_assert_uint_eq(p.lines[1].src_off, 5);
  ck_assert_uint_eq(p.lines[2].src_off, 8);
  for (size_t i = 0; i < p.n_lines; i++) check_run_text(s, &p.lines[i].runs[0]);
  sd_para_free(&p);
}
END_TEST

START_TEST(test_arabic_word_cut_is_reshaped)
{
  /* one long Arabic word cut in two: each half is shaped on its own line, so
   * the glyphs at the cut differ from the uncut word's */
  const char *s = "مستشفىمستشفىمستشفىمستشفى";
  sd_para whole, cut;
  ck_assert_int_eq(lay(s, "ar", 1000, &whole, NULL), SD_OK);
  ck_assert_int_eq(lay(s, "ar", whole.lines[0].width_pt / 2, &cut, NULL), SD_OK);
  ck_assert_uint_ge(cut.n_lines, 2);
  for (size_t i = 0; i < cut.n_lines; i++) {
    ck_assert_float_le(cut.lines[i].width_pt, whole.lines[0].width_pt / 2 + 0.01);
    check_run_text(s, &cut.lines[i].runs[0]);
  }
  /* the first line's last letter (visually leftmost glyph) takes a final form */
  const sd_run *r = &cut.lines[0].runs[0];
  const sd_run *w = &whole.lines[0].runs[0];
  ck_assert_uint_ne(r->glyphs[0].gid, w->glyphs[w->n_glyphs - r->n_glyphs].gid);
  sd_para_free(&whole);
  sd_para_free(&cut);
}
END_TEST

START_TEST(test_hard_breaks_are_respected)
{
  sd_para p;
  ck_assert_int_eq(lay("one\ntwo\xe2\x80\xa8three\r\nfour\n\nsix", "en", 500, &p, NULL), SD_OK);
  ck_assert_uint_eq(p.n_lines, 6);
  ck_assert_uint_eq(p.lines[1].src_off, 4);
  ck_assert_uint_eq(p.lines[2].src_off, 10);
  ck_assert_uint_eq(p.lines[4].n_runs, 0);
  ck_assert_float_gt(p.lines[4].ascent_pt, 0);
  sd_para_free(&p);
}
END_TEST

START_TEST(test_empty_paragraph_has_no_lines)
{
  sd_para p;
  ck_assert_int_eq(lay("", "en", 500, &p, NULL), SD_OK);
  ck_assert_uint_eq(p.n_lines, 0);
  sd_para_free(&p);
}
END_TEST

/* ---- errors ------------------------------------------------------------------ */

/* issue 13: a character no font has is the text's problem (exit 1), named */
START_TEST(test_uncovered_code_point_is_input_error_with_name)
{
  sd_diags *d = sd_diags_new();
  sd_para p;
  ck_assert_int_eq(lay("Ava \xee\x80\x80 and \xcd\xb8", "en", 500, &p, d), SD_E_INPUT);
  ck_assert_uint_eq(p.n_lines, 0);
  ck_assert(diags_have(d, "text.uncovered"));
  ck_assert_uint_eq(d->n, 2);
  ck_assert(strstr(d->items[0].message, "U+E000 <private use area-E000>") != NULL);
  ck_assert(strstr(d->items[0].message, "<name>") != NULL);
  ck_assert_str_eq(d->items[0].file, "case.xml");
  ck_assert_int_eq(d->items[0].line, 7);
  ck_assert_int_eq(d->items[0].col, 7);
  ck_assert(strstr(d->items[1].message, "U+0378 <unassigned-0378>") != NULL);
  sd_diags_free(d);
}
END_TEST

/* issue 13: Thai, fullwidth and compatibility forms, kana, Hangul and
 * emoji are drawn, each from a font that has it */
START_TEST(test_every_family_character_has_a_font)
{
  const char *texts[] = {"\xe0\xb9\x84\xe0\xb8\x97\xe0\xb8\xa2", /* ไทย */
                         "\xef\xbc\xa1\xef\xbd\x82",                 /* Ａｂ */
                         "\xef\xbd\xb1\xe3\x81\x82",                 /* ｱあ */
                         "\xed\x95\x9c\xea\xb5\xad",                 /* 한국 */
                         "\xf0\x9f\x98\x80 \xe2\x9d\xa4\xef\xb8\x8f", /* 😀 ❤️ */
                         "\xf0\x9d\x90\x80",                         /* 𝐀 */
                         "\xe1\x9e\x80\xe1\x9e\x81"};                /* Khmer */
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
    sd_diags *d = sd_diags_new();
    sd_para p;
    ck_assert_msg(lay(texts[i], "en", 500, &p, d) == SD_OK, "text %zu", i);
    ck_assert_uint_eq(p.n_lines, 1);
    for (size_t r = 0; r < p.lines[0].n_runs; r++)
      for (size_t g = 0; g < p.lines[0].runs[r].n_glyphs; g++)
        ck_assert_msg(p.lines[0].runs[r].glyphs[g].gid != 0, "text %zu: .notdef", i);
    sd_para_free(&p);
    sd_diags_free(d);
  }
}
END_TEST

/* issue 13: emoji come from the map's Zsye rows (Symbola), not DejaVu */
START_TEST(test_emoji_drawn_from_emoji_font)
{
  sd_para p;
  ck_assert_int_eq(lay("\xf0\x9f\x98\x80", "en", 500, &p, NULL), SD_OK);
  ck_assert_str_eq(p.lines[0].runs[0].font->ps_name, "Symbola");
  sd_para_free(&p);
}
END_TEST

/* issue 13: UAX #15 stream-safe limit, 30 non-starters on one character:
 * more is refused before HarfBuzz (quadratic in a cluster's length) and the
 * PDF text layer (300 variation selectors ended in "libharu failed") */
START_TEST(test_cluster_over_stream_safe_limit_is_input_error)
{
  char s[8 + 3 * 400];
  for (int marks = 30; marks <= 31; marks++) {
    size_t n = 0;
    s[n++] = 'a';
    for (int i = 0; i < marks; i++) { s[n++] = '\xcc'; s[n++] = '\x81'; } /* U+0301 */
    s[n] = '\0';
    sd_diags *d = sd_diags_new();
    sd_para p;
    ck_assert_int_eq(lay(s, "en", 500, &p, d), marks == 30 ? SD_OK : SD_E_INPUT);
    if (marks == 31) {
      ck_assert(diags_have(d, "text.cluster"));
      ck_assert(strstr(d->items[0].message, "U+0061 LATIN SMALL LETTER A") != NULL);
    }
    sd_para_free(&p);
    sd_diags_free(d);
  }
  size_t n = 0;
  s[n++] = 'b';
  for (int i = 0; i < 300; i++) { s[n++] = '\xef'; s[n++] = '\xb8'; s[n++] = '\x8f'; } /* U+FE0F */
  s[n] = '\0';
  sd_diags *d = sd_diags_new();
  sd_para p;
  ck_assert_int_eq(lay(s, "en", 500, &p, d), SD_E_INPUT);
  ck_assert(diags_have(d, "text.cluster"));
  sd_diags_free(d);
}
END_TEST

/* issue 13: a run of neutrals was quadratic (64,000 dots: 48 s); 200,000
 * dots between an Urdu and an English word now take well under a second */
START_TEST(test_long_run_of_neutrals_is_linear)
{
  size_t n = 200000;
  char *s = malloc(n + 64);
  strcpy(s, "\xd8\xa7\xd9\x84\xd8\xa8\xd9\x8a\xd8\xaa ");
  size_t o = strlen(s);
  for (size_t i = 0; i < n; i++) s[o++] = (i & 1) ? ' ' : '.';
  strcpy(s + o, " home");
  sd_text_params tp = params("en", 400);
  sd_para p;
  struct timespec t0, t1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
  ck_assert_int_eq(sd_text_layout(fonts, s, strlen(s), NULL, 0, &tp, &p, NULL), SD_OK);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
  double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
  ck_assert_msg(secs < 10.0, "%.1f s", secs);
  ck_assert_uint_gt(p.n_lines, 100);
  sd_para_free(&p);
  free(s);
}
END_TEST

START_TEST(test_invalid_utf8_is_input_error)
{
  const char *bad[] = {"ab\xff", "\xc0\xaf", "\xed\xa0\x80", "x\xe2\x82", "\xf4\x90\x80\x80"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    sd_diags *d = sd_diags_new();
    sd_para p;
    ck_assert_int_eq(lay(bad[i], "en", 500, &p, d), SD_E_INPUT);
    ck_assert(diags_have(d, "text.utf8"));
    ck_assert_str_eq(d->items[0].field, "<name>");
    sd_diags_free(d);
  }
}
END_TEST

START_TEST(test_bad_arguments_are_usage_errors)
{
  sd_para p;
  sd_text_params tp = params("en", 100);
  tp.size_pt = 0;
  ck_assert_int_eq(sd_text_layout(fonts, "a", 1, NULL, 0, &tp, &p, NULL), SD_E_USAGE);
  ck_assert_int_eq(sd_text_layout(fonts, "a", 1, NULL, 0, NULL, &p, NULL), SD_E_USAGE);
  sd_para_free(NULL);
}
END_TEST

START_TEST(test_missing_font_map_is_resource_error)
{
  sd_diags *d = sd_diags_new();
  sd_fonts *f = NULL;
  ck_assert_int_eq(sd_fonts_new("/nonexistent/fontmap.txt", &f, d), SD_E_RESOURCE);
  ck_assert_ptr_null(f);
  ck_assert(diags_have(d, "fonts.map"));
  sd_diags_free(d);
}
END_TEST

/* issue 13: when the map's font for a script is not installed, a character
 * only it would have had is the machine's problem (exit 3), named as such */
START_TEST(test_uncovered_because_font_not_installed_is_font_error)
{
  char dir[] = "/tmp/check_text_XXXXXX", path[64];
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/fontmap.txt", dir);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs("Latn regular Noto Sans\nThai regular No Such Thai Font\n", f);
  fclose(f);
  sd_diags *d = sd_diags_new();
  sd_fonts *fs = NULL;
  ck_assert_int_eq(sd_fonts_new(path, &fs, d), SD_OK);
  ck_assert(diags_have(d, "fonts.missing"));
  sd_text_params tp = params("th", 500);
  sd_para p;
  const char *thai = "\xe0\xb9\x84\xe0\xb8\x97\xe0\xb8\xa2";
  ck_assert_int_eq(sd_text_layout(fs, thai, strlen(thai), NULL, 0, &tp, &p, d), SD_E_FONT);
  ck_assert(diags_have(d, "text.font"));
  int named = 0;
  for (size_t i = 0; i < d->n; i++) named |= strstr(d->items[i].message, "No Such Thai Font") != NULL;
  ck_assert(named);
  /* Hebrew has no row at all: the text's problem */
  const char *hebrew = "\xd7\xa9\xd7\x9c";
  ck_assert_int_eq(sd_text_layout(fs, hebrew, strlen(hebrew), NULL, 0, &tp, &p, d), SD_E_INPUT);
  sd_fonts_free(fs);
  sd_diags_free(d);
  unlink(path);
  rmdir(dir);
}
END_TEST

/* issue 13: a character is reported in the field it came from (not the
 * paragraph's first), at that field's element, with its number in the value;
 * template text counts columns from its own position */
START_TEST(test_uncovered_character_names_its_own_span)
{
  const char *s = "Name: Ava \xee\x80\x80, see \xee\x80\x81";
  /* "Name: " template text at 3:1, "Ava \uE000" field <preferred-name> at 9:5, ", see \uE001" template at 3:7 */
  sd_text_span sp[3] = {{0, 6, NULL, SD_FONT_REGULAR, NULL, 3, 1},
                        {6, 7, NULL, SD_FONT_REGULAR, "preferred-name", 9, 5},
                        {13, 9, NULL, SD_FONT_REGULAR, NULL, 3, 7}};
  sd_text_params tp = params("en", 500);
  tp.field = "other";
  sd_diags *d = sd_diags_new();
  sd_para p;
  ck_assert_int_eq(sd_text_layout(fonts, s, strlen(s), sp, 3, &tp, &p, d), SD_E_INPUT);
  ck_assert_uint_eq(d->n, 2);
  ck_assert_str_eq(d->items[0].field, "preferred-name");
  ck_assert_int_eq(d->items[0].line, 9);
  ck_assert_int_eq(d->items[0].col, 5);
  ck_assert(strstr(d->items[0].message, "(character 5)") != NULL);
  ck_assert_ptr_null(d->items[1].field);
  ck_assert_int_eq(d->items[1].line, 3);
  ck_assert_int_eq(d->items[1].col, 13);
  sd_diags_free(d);
}
END_TEST

/* An {{#each}} item's field is ".", which the diagnostic printed as "<.>":
 * it names no field, and the line and column already point at the element */
START_TEST(test_uncovered_in_each_item_names_no_dot_field)
{
  const char *s = "Leo \xee\x80\x80";
  sd_text_span sp[1] = {{0, (uint32_t)strlen(s), NULL, SD_FONT_REGULAR, ".", 31, 5}};
  sd_text_params tp = params("en", 500);
  sd_diags *d = sd_diags_new();
  sd_para p;
  ck_assert_int_eq(sd_text_layout(fonts, s, strlen(s), sp, 1, &tp, &p, d), SD_E_INPUT);
  ck_assert_uint_eq(d->n, 1);
  ck_assert_ptr_null(d->items[0].field);
  ck_assert_int_eq(d->items[0].line, 31);
  ck_assert(strstr(d->items[0].message, "in the text (character 5)") != NULL);
  sd_diags_free(d);
}
END_TEST

/* ---- glyph text ----------------------------------------------------------------- */

START_TEST(test_glyph_text_reads_back_logical_text)
{
  static const struct { const char *lang, *s; } cases[] = {
      {"en", "office effect fi fl"},       {"ur", "آپ کا بہت شکریہ"},
      {"ar", "شُكْرًا لَكُمْ"},            {"bn", "কোথায় পৌঁছে যেহেতু"},
      {"ta", "கொண்டு வாருங்கள்"},          {"ml", "കൊണ്ടുവരിക ശ്രീ"},
      {"si", "සමාලෝචන ස්තූතියි"},          {"pa", "ਧੰਨਵਾਦ ਕਿੱਥੇ"},
      {"hi", "क्षत्रिय द्विज"},            {"pa-Arab", "تہاڈا شکریہ"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    sd_para p;
    ck_assert_int_eq(lay(cases[i].s, cases[i].lang, 1000, &p, NULL), SD_OK);
    ck_assert_uint_gt(count_runs(&p), 0);
    for (size_t l = 0; l < p.n_lines; l++)
      for (size_t r = 0; r < p.lines[l].n_runs; r++) check_run_text(cases[i].s, &p.lines[l].runs[r]);
    sd_para_free(&p);
  }
}
END_TEST

START_TEST(test_ligature_glyph_carries_whole_cluster)
{
  sd_para p;
  ck_assert_int_eq(lay("office", "en", 1000, &p, NULL), SD_OK);
  const sd_run *r = &p.lines[0].runs[0];
  ck_assert_uint_eq(r->n_glyphs, 4);
  ck_assert_str_eq(r->glyphs[1].text, "ffi");
  sd_para_free(&p);
}
END_TEST

START_TEST(test_split_vowel_uses_decomposition)
{
  sd_para p;
  ck_assert_int_eq(lay("কো", "bn", 1000, &p, NULL), SD_OK);
  const sd_run *r = &p.lines[0].runs[0];
  ck_assert_uint_eq(r->n_glyphs, 3);
  ck_assert_str_eq(r->glyphs[0].text, "ক");
  ck_assert_str_eq(r->glyphs[1].text, "\xe0\xa7\x87"); /* U+09C7 */
  ck_assert_str_eq(r->glyphs[2].text, "\xe0\xa6\xbe"); /* U+09BE */
  sd_para_free(&p);
}
END_TEST

START_TEST(test_dump_is_stable)
{
  char *a = NULL, *b = NULL;
  size_t na, nb;
  for (int k = 0; k < 2; k++) {
    FILE *f = open_memstream(k ? &b : &a, k ? &nb : &na);
    sd_para p;
    ck_assert_int_eq(lay("میرا نام John ہے", "ur", 60, &p, NULL), SD_OK);
    sd_para_dump(&p, f);
    sd_para_free(&p);
    fclose(f);
  }
  ck_assert_str_eq(a, b);
  ck_assert(strstr(a, "font=NotoNastaliqUrdu-Regular lang=ur rtl=1") != NULL);
  free(a);
  free(b);
}
END_TEST

/* ---- threads --------------------------------------------------------------------- */

static const char *thread_texts[4][2] = {
    {"Thank you for coming to the review meeting.", "en"},
    {"جائزہ میٹنگ میں آنے کا شکریہ۔ John", "ur"},
    {"পর্যালোচনা সভায় আসার জন্য আপনাকে ধন্যবাদ।", "bn"},
    {"感谢您参加评审会议。 Дякуємо, Σας ευχαριστούμε", "zh-Hans"},
};

static char *dump_of(int i)
{
  char *s = NULL;
  size_t n;
  FILE *f = open_memstream(&s, &n);
  sd_para p;
  sd_status st = lay(thread_texts[i][0], thread_texts[i][1], 90, &p, NULL);
  fprintf(f, "st=%d\n", st);
  sd_para_dump(&p, f);
  sd_para_free(&p);
  fclose(f);
  return s;
}

static void *thread_main(void *arg)
{
  int i = (int)(intptr_t)arg;
  char *want = dump_of(i);
  intptr_t bad = 0;
  for (int k = 0; k < 40; k++) {
    char *got = dump_of(i);
    bad += strcmp(got, want) != 0;
    free(got);
  }
  free(want);
  return (void *)bad;
}

START_TEST(test_four_threads_share_fonts)
{
  /* a fresh sd_fonts, so the threads race to load the fonts lazily */
  sd_fonts *saved = fonts;
  ck_assert_int_eq(sd_fonts_new(fontmap_path(), &fonts, NULL), SD_OK);
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    ck_assert_int_eq(pthread_create(&t[i], NULL, thread_main, (void *)(intptr_t)i), 0);
  for (int i = 0; i < 4; i++) {
    void *bad;
    pthread_join(t[i], &bad);
    ck_assert_int_eq((intptr_t)bad, 0);
  }
  sd_fonts_free(fonts);
  fonts = saved;
}
END_TEST

/* ---- glyph oracle ------------------------------------------------------------------ */

/* Runs argv, returns its stdout (free it); NULL if it failed. */
static char *capture(char *const argv[])
{
  int fd[2];
  if (pipe(fd) != 0) return NULL;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fd[1], 1);
    /* hb-shape 6.0 echoes --text-before to stderr */
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, 2);
    close(fd[0]);
    close(fd[1]);
    execvp(argv[0], argv);
    _exit(127);
  }
  close(fd[1]);
  size_t cap = 4096, n = 0;
  char *out = malloc(cap);
  ssize_t k;
  while ((k = read(fd[0], out + n, cap - n - 1)) > 0) {
    n += (size_t)k;
    if (cap - n < 2) out = realloc(out, cap *= 2);
  }
  close(fd[0]);
  out[n] = '\0';
  int status;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    free(out);
    return NULL;
  }
  return out;
}

/* The run's script: its first character of a real script, else the row's. */
static void run_script(const char *s, size_t n, const char *fallback, char out[5])
{
  hb_buffer_t *b = hb_buffer_create();
  hb_buffer_add_utf8(b, s, (int)n, 0, (int)n);
  hb_buffer_guess_segment_properties(b);
  hb_script_t sc = hb_buffer_get_script(b);
  hb_buffer_destroy(b);
  if (sc == HB_SCRIPT_INVALID || sc == HB_SCRIPT_COMMON || sc == HB_SCRIPT_UNKNOWN) {
    snprintf(out, 5, "%s", fallback);
    return;
  }
  hb_tag_to_string(hb_script_to_iso15924_tag(sc), out);
  out[4] = '\0';
}

/* Compares run r with `hb-shape` output "[gid=cl@x,y+adv|...]". Returns the
 * number of mismatches (printed). */
static int compare_with_hb_shape(const char *row, const char *text, const sd_run *r,
                                 const char *script)
{
  char font[600], face[32], lang[64], scr[32], dir[32], txt[4096], before[4096], after[4096];
  snprintf(font, sizeof font, "--font-file=%s", r->font->path);
  snprintf(face, sizeof face, "--face-index=%u", r->font->face_index);
  snprintf(lang, sizeof lang, "--language=%s", r->lang);
  snprintf(scr, sizeof scr, "--script=%s", script);
  snprintf(dir, sizeof dir, "--direction=%s", r->rtl ? "rtl" : "ltr");
  snprintf(txt, sizeof txt, "--text=%.*s", (int)r->src_len, text + r->src_off);
  snprintf(before, sizeof before, "--text-before=%.*s", (int)r->src_off, text);
  snprintf(after, sizeof after, "--text-after=%s", text + r->src_off + r->src_len);
  char *argv[12] = {"hb-shape", font, face, lang, scr, dir, "--no-glyph-names", txt};
  int a = 8;
  if (r->src_off) argv[a++] = before;
  if (text[r->src_off + r->src_len]) argv[a++] = after;
  argv[a] = NULL;
  char *out = capture(argv);
  if (!out) {
    fprintf(stderr, "oracle %s: hb-shape failed\n", row);
    return 1;
  }
  int bad = 0;
  size_t i = 0;
  unsigned prev_cl = UINT_MAX;
  for (char *tok = strtok(out + 1, "|]\n"); tok; tok = strtok(NULL, "|]\n"), i++) {
    unsigned gid, cl;
    int x = 0, y = 0, adv = 0;
    char *at = strchr(tok, '@'), *plus = strchr(tok, '+');
    if (sscanf(tok, "%u=%u", &gid, &cl) != 2 || !plus) { bad++; break; }
    if (at) sscanf(at, "@%d,%d", &x, &y);
    sscanf(plus, "+%d", &adv);
    if (i >= r->n_glyphs) { bad++; break; }
    const sd_glyph *g = &r->glyphs[i];
    if (g->gid != gid || g->advance != adv || g->x_offset != x || g->y_offset != y) {
      fprintf(stderr, "oracle %s: glyph %zu is %u+%d@%d,%d, hb-shape says %u+%d@%d,%d\n", row, i,
              g->gid, g->advance, g->x_offset, g->y_offset, gid, adv, x, y);
      bad++;
    }
    /* the same clusters too: they decide which glyph carries which text */
    if (g->cluster_cont != (cl == prev_cl)) {
      fprintf(stderr, "oracle %s: glyph %zu %s its cluster, hb-shape says %s\n", row, i,
              g->cluster_cont ? "continues" : "starts", cl == prev_cl ? "continues" : "starts");
      bad++;
    }
    prev_cl = cl;
  }
  if (i != r->n_glyphs) {
    fprintf(stderr, "oracle %s: %zu glyphs, hb-shape gives %zu\n", row, r->n_glyphs, i);
    bad++;
  }
  free(out);
  return bad;
}

static int family_matches(const char *family, const sd_font *f)
{
  char want[128];
  size_t j = 0;
  for (size_t i = 0; family[i] && j < sizeof want - 1; i++)
    if (family[i] != ' ') want[j++] = family[i];
  want[j] = '\0';
  return starts_with(f->ps_name, want);
}

static int oracle_row(char *line, int lineno, int *rows)
{
  char *save, *lang = strtok_r(line, "\t", &save), *script = strtok_r(NULL, "\t", &save);
  char *dir = strtok_r(NULL, "\t", &save), *family = strtok_r(NULL, "\t", &save);
  char *text = strtok_r(NULL, "\t\n", &save);
  ck_assert_msg(lang && script && dir && family && text, "oracle.tsv:%d: 5 columns", lineno);
  char row[32];
  snprintf(row, sizeof row, "%d (%s)", lineno, lang);
  sd_text_params tp = params(lang, 100000);
  tp.base_dir = strcmp(dir, "rtl") == 0 ? 2 : 1;
  sd_para p;
  sd_diags *d = sd_diags_new();
  sd_status st = sd_text_layout(fonts, text, strlen(text), NULL, 0, &tp, &p, d);
  if (st != SD_OK) diags_print(d);
  sd_diags_free(d);
  ck_assert_msg(st == SD_OK, "oracle row %s: status %d", row, st);
  ck_assert_uint_eq(p.n_lines, 1);
  int bad = 0;
  for (size_t i = 0; i < p.lines[0].n_runs; i++) {
    const sd_run *r = &p.lines[0].runs[i];
    char sc[5];
    run_script(text + r->src_off, r->src_len, script, sc);
    if (strcmp(family, "-") != 0 && !family_matches(family, r->font)) {
      fprintf(stderr, "oracle %s: run %zu font %s, expected %s\n", row, i, r->font->ps_name, family);
      bad++;
    }
    bad += compare_with_hb_shape(row, text, r, sc);
    check_run_text(text, r);
  }
  sd_para_free(&p);
  ++*rows;
  return bad;
}

START_TEST(test_glyphs_match_hb_shape_oracle)
{
  int bad = 0, rows = 0;
  /* the second pass takes every word from the fonts' shape caches */
  for (int pass = 0; pass < 2; pass++) {
    FILE *f = fopen("tests/text/oracle.tsv", "r");
    ck_assert_ptr_nonnull(f);
    char line[4096];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
      lineno++;
      if (line[0] == '#' || line[0] == '\n') continue;
      bad += oracle_row(line, lineno, &rows);
    }
    fclose(f);
  }
  ck_assert_int_ge(rows, 2 * 45);
  ck_assert_int_eq(bad, 0);
}
END_TEST

/* Nastaliq's font-wide metrics are 1.9 em up and 0.6 em down; lines are
 * sized by their ink instead, and Latin lines keep the font's own. */
START_TEST(test_line_height_follows_ink_not_nastaliq_font_metrics)
{
  sd_para p;
  ck_assert_int_eq(lay("\xd8\xa7\xd8\xb3\xda\xa9\xd9\x88\xd9\x84 \xd9\x85\xdb\x8c\xda\xba", "ur", 500, &p, NULL), SD_OK);
  float urdu = p.lines[0].ascent_pt + p.lines[0].descent_pt;
  sd_para_free(&p);
  ck_assert_float_lt(urdu, 0.9f * 2.5f * 12);
  ck_assert_float_gt(urdu, 1.0f * 12);
  ck_assert_int_eq(lay("Hello", "en", 500, &p, NULL), SD_OK);
  ck_assert_float_eq_tol(p.lines[0].ascent_pt, 1.069f * 12, 0.05f);
  sd_para_free(&p);
}
END_TEST

static Suite *text_suite(void)
{
  Suite *s = suite_create("text");
  TCase *tc = tcase_create("core");
  tcase_add_unchecked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_paragraph_direction_from_first_strong_char);
  tcase_add_test(tc, test_paragraph_without_strong_char_takes_language_direction);
  tcase_add_test(tc, test_base_dir_param_overrides_text);
  tcase_add_test(tc, test_english_name_in_urdu_sentence_gets_own_run);
  tcase_add_test(tc, test_urdu_word_in_english_uses_span_language);
  tcase_add_test(tc, test_neutral_takes_script_of_its_own_direction);
  tcase_add_test(tc, test_bold_span_picks_bold_font);
  tcase_add_test(tc, test_chinese_uses_truetype_font);
  tcase_add_test(tc, test_font_fields_are_filled);
  tcase_add_test(tc, test_pick_follows_fallback_order);
  tcase_add_test(tc, test_lines_break_at_spaces);
  tcase_add_test(tc, test_trailing_spaces_excluded_from_width);
  tcase_add_test(tc, test_long_word_broken_at_graphemes_never_overflows);
  tcase_add_test(tc, test_no_break_inside_bengali_conjunct);
  tcase_add_test(tc, test_no_break_inside_combining_sequence);
  tcase_add_test(tc, test_arabic_word_cut_is_reshaped);
  tcase_add_test(tc, test_hard_breaks_are_respected);
  tcase_add_test(tc, test_empty_paragraph_has_no_lines);
  tcase_add_test(tc, test_uncovered_code_point_is_input_error_with_name);
  tcase_add_test(tc, test_every_family_character_has_a_font);
  tcase_add_test(tc, test_emoji_drawn_from_emoji_font);
  tcase_add_test(tc, test_cluster_over_stream_safe_limit_is_input_error);
  tcase_add_test(tc, test_long_run_of_neutrals_is_linear);
  tcase_add_test(tc, test_invalid_utf8_is_input_error);
  tcase_add_test(tc, test_bad_arguments_are_usage_errors);
  tcase_add_test(tc, test_missing_font_map_is_resource_error);
  tcase_add_test(tc, test_uncovered_character_names_its_own_span);
  tcase_add_test(tc, test_uncovered_in_each_item_names_no_dot_field);
  tcase_add_test(tc, test_uncovered_because_font_not_installed_is_font_error);
  tcase_add_test(tc, test_glyph_text_reads_back_logical_text);
  tcase_add_test(tc, test_ligature_glyph_carries_whole_cluster);
  tcase_add_test(tc, test_split_vowel_uses_decomposition);
  tcase_add_test(tc, test_dump_is_stable);
  tcase_add_test(tc, test_four_threads_share_fonts);
  tcase_add_test(tc, test_glyphs_match_hb_shape_oracle);
  tcase_add_test(tc, test_line_height_follows_ink_not_nastaliq_font_metrics);
  suite_add_tcase(s, tc);
  return s;
}

RUN_SUITE(text_suite)
