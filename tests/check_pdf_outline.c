/* pdf_outline: a watermark's glyphs as filled shapes, not text (issue 15:
 * pdftotext, pdfminer and pdf.js read a watermark drawn as text into every
 * line it crosses; review-record in Bengali came back with «ড ়া» inside its
 * meeting line and its attendees out of order). */
#include "pdf_outline.h"
#include "testutil.h"

static sd_fonts *fonts;

static void setup(void)
{
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_fonts_new("fonts/fontmap.txt", &fonts, d), SD_OK);
  sd_diags_free(d);
}

static void teardown(void)
{
  sd_fonts_free(fonts);
}

static size_t count(const sd_pdfbuf *b, const char *op)
{
  size_t n = 0, k = strlen(op);
  for (size_t i = 0; i + k <= b->len; i++) n += memcmp(b->p + i, op, k) == 0;
  return n;
}

static void outline_of(const char *s, const char *lang, sd_pdfbuf *b)
{
  sd_para p;
  sd_text_params tp = { .size_pt = 80, .max_width_pt = 2000, .lang = lang };
  ck_assert_int_eq(sd_text_layout(fonts, s, strlen(s), NULL, 0, &tp, &p, NULL), SD_OK);
  ck_assert_uint_eq(p.n_lines, 1);
  for (size_t r = 0; r < p.lines[0].n_runs; r++) {
    const sd_run *run = &p.lines[0].runs[r];
    sd_item it = { .kind = SD_ITEM_GLYPHS, .elem = -1, .x = 10, .y = 20, .color = { 0.86f, 0.86f, 0.86f },
                   .font = run->font, .size_pt = 80, .glyphs = run->glyphs, .n_glyphs = run->n_glyphs };
    ck_assert_int_eq(sd_pdf_outline_glyphs(b, &it), SD_OK);
  }
  sd_para_free(&p);
}

START_TEST(test_watermark_is_filled_paths_and_no_text)
{
  const char *words[][2] = { { "DRAFT", "en-GB" }, { "যাচাইয়ের জন্য খসড়া", "bn" }, { "مسودة", "ar" } };
  for (size_t w = 0; w < 3; w++) {
    sd_pdfbuf b = {0};
    outline_of(words[w][0], words[w][1], &b);
    ck_assert(!b.oom);
    /* shapes: paths begun, curves or lines, one fill per run; no text operator */
    ck_assert_uint_gt(count(&b, " m\n"), 3);
    ck_assert_uint_gt(count(&b, " c\n") + count(&b, " l\n"), 10);
    ck_assert_uint_ge(count(&b, "f\nQ\n"), 1);
    ck_assert_uint_eq(count(&b, "Tj"), 0);
    ck_assert_uint_eq(count(&b, "TJ"), 0);
    ck_assert_uint_eq(count(&b, "BT"), 0);
    ck_assert_uint_eq(count(&b, "q "), count(&b, "Q\n"));
    sd_pdfbuf_free(&b);
  }
}
END_TEST

START_TEST(test_space_alone_draws_nothing_to_fill)
{
  sd_pdfbuf b = {0};
  outline_of(" ", "en-GB", &b);
  ck_assert_uint_eq(count(&b, "f\n"), 0);
  sd_pdfbuf_free(&b);
}
END_TEST

static Suite *pdf_outline_suite(void)
{
  Suite *s = suite_create("pdf_outline");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_watermark_is_filled_paths_and_no_text);
  tcase_add_test(tc, test_space_alone_draws_nothing_to_fill);
  suite_add_tcase(s, tc);
  return s;
}

RUN_SUITE(pdf_outline_suite)
