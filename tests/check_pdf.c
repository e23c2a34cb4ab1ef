/* pdf + tags: a hand-built layout to a tagged PDF, checked with qpdf and poppler. */
#include "pdf.h"
#include "pdfbuf.h"
#include "testutil.h"
#include <math.h>
#include <unistd.h>
#include <zlib.h>

static sd_fonts *fonts;
static const sd_font *latin;

static void setup(void)
{
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_fonts_new("fonts/fontmap.txt", &fonts, d), SD_OK);
  latin = sd_fonts_pick(fonts, HB_SCRIPT_LATIN, "en", SD_FONT_REGULAR, 'A');
  ck_assert_ptr_nonnull(latin);
  sd_diags_free(d);
}

static void teardown(void)
{
  sd_fonts_free(fonts);
}

/* Glyphs for plain ASCII built by hand: one glyph per character. */
static sd_glyph *ascii_glyphs(const char *s, size_t *n)
{
  *n = strlen(s);
  sd_glyph *g = calloc(*n, sizeof *g);
  for (size_t i = 0; i < *n; i++) {
    hb_codepoint_t gid = 0;
    hb_font_get_nominal_glyph(latin->font, (unsigned char)s[i], &gid);
    g[i].gid = gid;
    g[i].advance = hb_font_get_glyph_h_advance(latin->font, gid);
    g[i].text = s + i;
    g[i].text_len = 1;
  }
  return g;
}

static char *run_cmd(const char *cmd)
{
  FILE *p = popen(cmd, "r");
  static char buf[65536];
  size_t n = p ? fread(buf, 1, sizeof buf - 1, p) : 0;
  buf[n] = 0;
  if (p) pclose(p);
  return buf;
}

static void write_tmp(const unsigned char *pdf, size_t len, char *path)
{
  strcpy(path, "/tmp/check_pdf_XXXXXX");
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, pdf, len), (ssize_t)len);
  close(fd);
}

/* Writes l as a PDF titled title, runs tool_fmt (with %s for the file) on
 * it and returns the tool's output (static buffer). */
static const char *inspect(const sd_layout *l, const char *title, const char *tool_fmt)
{
  sd_diags *d = sd_diags_new();
  unsigned char *pdf = NULL;
  size_t len = 0;
  sd_pdf_meta meta = { .title = title, .lang = "en-GB", .epoch = 0 };
  ck_assert_int_eq(sd_pdf_write(l, &meta, &pdf, &len, d), SD_OK);
  char path[64], cmd[256];
  write_tmp(pdf, len, path);
  snprintf(cmd, sizeof cmd, tool_fmt, path);
  const char *out = run_cmd(cmd);
  unlink(path);
  free(pdf);
  sd_diags_free(d);
  return out;
}

/* Document > H1, P(text, Span lang=pl) ; a footer artifact */
static void build(sd_layout *l, sd_glyph *h, size_t nh, sd_glyph *p, size_t np, sd_glyph *s, size_t ns)
{
  static sd_elem elems[4];
  static sd_item items[4];
  static sd_page page;
  elems[0] = (sd_elem){ .role = "Document", .parent = -1 };
  elems[1] = (sd_elem){ .role = "H1", .parent = 0 };
  elems[2] = (sd_elem){ .role = "P", .parent = 0 };
  elems[3] = (sd_elem){ .role = "Span", .parent = 2, .lang = "pl" };
  items[0] = (sd_item){ .kind = SD_ITEM_GLYPHS, .elem = 1, .x = 72, .y = 760, .font = latin, .size_pt = 24, .glyphs = h, .n_glyphs = nh };
  items[1] = (sd_item){ .kind = SD_ITEM_GLYPHS, .elem = 2, .x = 72, .y = 720, .font = latin, .size_pt = 12, .glyphs = p, .n_glyphs = np };
  items[2] = (sd_item){ .kind = SD_ITEM_GLYPHS, .elem = 3, .x = 200, .y = 720, .font = latin, .size_pt = 12, .glyphs = s, .n_glyphs = ns };
  items[3] = (sd_item){ .kind = SD_ITEM_GLYPHS, .elem = -1, .x = 72, .y = 30, .font = latin, .size_pt = 10, .glyphs = p, .n_glyphs = np };
  page = (sd_page){ .width = 595, .height = 842, .items = items, .n_items = 4 };
  *l = (sd_layout){ .pages = &page, .n_pages = 1, .elems = elems, .n_elems = 4, .title = "Test title",
                    .lang = "en-GB", .background = { 1, 1, 1 } };
}

/* What the writer composes itself: numbers as PDF wants them, whatever the
 * locale (this suite also runs under fr_FR.UTF-8). */
static const char *formatted(void (*put)(sd_pdfbuf *, long long, int), long long v, int decimals, char *out)
{
  sd_pdfbuf b = {0};
  put(&b, v, decimals);
  sd_pdfbuf_add(&b, "", 1);
  ck_assert(!b.oom);
  strcpy(out, (const char *)b.p);
  sd_pdfbuf_free(&b);
  return out;
}

START_TEST(test_pdfbuf_numbers_drop_trailing_zeros_and_keep_sign)
{
  char o[64];
  ck_assert_str_eq(formatted(sd_pdfbuf_fixed, 12500, 3, o), "12.5 ");
  ck_assert_str_eq(formatted(sd_pdfbuf_fixed, -500, 3, o), "-0.5 ");
  ck_assert_str_eq(formatted(sd_pdfbuf_fixed, 1005, 3, o), "1.005 ");
  ck_assert_str_eq(formatted(sd_pdfbuf_fixed, 7000, 3, o), "7 ");
  ck_assert_str_eq(formatted(sd_pdfbuf_fixed, -7000, 3, o), "-7 ");
  ck_assert_str_eq(formatted(sd_pdfbuf_fixed, 0, 3, o), "0 ");
  ck_assert_str_eq(formatted(sd_pdfbuf_fixed, -5, 2, o), "-0.05 ");
  ck_assert_str_eq(formatted(sd_pdfbuf_fixed, 42, 0, o), "42 ");
  ck_assert_str_eq(formatted(sd_pdfbuf_fixed, -9223372036854775807LL - 1, 0, o), "-9223372036854775808 ");
  sd_pdfbuf b = {0};
  sd_pdfbuf_num(&b, 595.2756);
  sd_pdfbuf_num(&b, -0.0004);
  sd_pdfbuf_hex16(&b, 0x1AF);
  sd_pdfbuf_str(&b, "Tf");
  sd_pdfbuf_add(&b, "", 1);
  ck_assert_str_eq((const char *)b.p, "595.276 0 01AFTf");
  sd_pdfbuf_free(&b);
  sd_pdfbuf_free(NULL);
}
END_TEST

/* Every size gets a stream any FlateDecode reader inflates back exactly. */
START_TEST(test_pdf_deflate_round_trips_every_size)
{
  static const size_t sizes[] = {0, 1, 700, 513, 40000, 300000};
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
    size_t n = sizes[k];
    unsigned char *in = malloc(n + 1), *z = NULL, *back = malloc(n + 1);
    for (size_t i = 0; i < n; i++) in[i] = (unsigned char)("0123456789 .mlc\n"[(i * 7 + i / 13) % 16]);
    size_t zl = 0;
    ck_assert_int_eq(sd_pdf_deflate(in, n, 6, &z, &zl), 0);
    uLongf bl = n + 1;
    ck_assert_int_eq(uncompress(back, &bl, z, zl), Z_OK);
    ck_assert_uint_eq(bl, n);
    ck_assert(n == 0 || memcmp(in, back, n) == 0);
    free(in);
    free(back);
    free(z);
  }
}
END_TEST

START_TEST(test_pdf_is_tagged_and_extracts_text)
{
  size_t nh, np, ns;
  sd_glyph *h = ascii_glyphs("Hello", &nh), *p = ascii_glyphs("Plain words", &np), *s = ascii_glyphs("Dzien dobry", &ns);
  sd_layout l;
  build(&l, h, nh, p, np, s, ns);
  sd_diags *d = sd_diags_new();
  unsigned char *pdf = NULL;
  size_t len = 0;
  sd_pdf_meta meta = { .title = "Test title", .lang = "en-GB", .epoch = 0 };
  ck_assert_int_eq(sd_pdf_write(&l, &meta, &pdf, &len, d), SD_OK);
  char path[64], cmd[256];
  write_tmp(pdf, len, path);
  snprintf(cmd, sizeof cmd, "qpdf --check %s 2>&1", path);
  ck_assert_ptr_nonnull(strstr(run_cmd(cmd), "No syntax or stream encoding errors"));
  snprintf(cmd, sizeof cmd, "pdftotext %s - 2>&1", path);
  const char *text = run_cmd(cmd);
  ck_assert_ptr_nonnull(strstr(text, "Hello"));
  ck_assert_ptr_nonnull(strstr(text, "Plain words"));
  snprintf(cmd, sizeof cmd, "qpdf --qdf --object-streams=disable %s - 2>/dev/null", path);
  const char *qdf = run_cmd(cmd);
  ck_assert_ptr_nonnull(strstr(qdf, "/StructTreeRoot"));
  ck_assert_ptr_nonnull(strstr(qdf, "/ParentTree"));
  ck_assert_ptr_nonnull(strstr(qdf, "/Marked true"));
  ck_assert_ptr_nonnull(strstr(qdf, "/DisplayDocTitle true"));
  ck_assert_ptr_nonnull(strstr(qdf, "/Lang (en-GB)"));
  ck_assert_ptr_nonnull(strstr(qdf, "/Lang (pl)"));
  ck_assert_ptr_nonnull(strstr(qdf, "pdfuaid:part>1<"));
  ck_assert_ptr_nonnull(strstr(qdf, "/Artifact"));
  ck_assert_ptr_nonnull(strstr(qdf, "/CIDFontType2"));
  ck_assert_ptr_nonnull(strstr(qdf, "/ToUnicode"));
  ck_assert_ptr_null(strstr(qdf, "/Helvetica"));
  unlink(path);
  /* same input, same bytes */
  unsigned char *pdf2 = NULL;
  size_t len2 = 0;
  ck_assert_int_eq(sd_pdf_write(&l, &meta, &pdf2, &len2, d), SD_OK);
  ck_assert_uint_eq(len, len2);
  ck_assert_int_eq(memcmp(pdf, pdf2, len), 0);
  free(pdf);
  free(pdf2);
  free(h);
  free(p);
  free(s);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_content_numbers_ignore_decimal_comma_locale)
{
  size_t nh;
  sd_glyph *h = ascii_glyphs("Hi", &nh);
  sd_layout l;
  build(&l, h, nh, h, nh, h, nh);
  l.pages[0].items[0].x = 72.5f;
  ck_assert_ptr_nonnull(strstr(inspect(&l, "T", "qpdf --qdf %s - 2>/dev/null"), "72.5 760 Tm"));
  free(h);
}
END_TEST

START_TEST(test_unicode_title_is_utf16_text_string)
{
  size_t nh;
  sd_glyph *h = ascii_glyphs("Hi", &nh);
  sd_layout l;
  build(&l, h, nh, h, nh, h, nh);
  ck_assert_ptr_nonnull(strstr(inspect(&l, "Zo\xc3\xab's profile", "pdfinfo %s 2>&1"), "Zo\xc3\xab's profile"));
  free(h);
}
END_TEST

static int count(const char *hay, const char *needle)
{
  int n = 0;
  for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) n++;
  return n;
}

/* Regression: text render mode outlives ET, so after a run drawn as outlines
 * with an invisible text layer, every later run was invisible too. */
START_TEST(test_invisible_layer_does_not_leak_render_mode)
{
  size_t nh, np;
  sd_glyph *h = ascii_glyphs("Raised", &nh), *p = ascii_glyphs("Visible after", &np);
  h[1].y_offset = 120; /* a shaped offset makes the run complex */
  sd_layout l;
  build(&l, h, nh, p, np, p, np);
  const char *qdf = inspect(&l, "T", "qpdf --qdf --object-streams=disable %s - 2>/dev/null");
  ck_assert_int_ge(count(qdf, "3 Tr"), 1);
  ck_assert_int_eq(count(qdf, "3 Tr"), count(qdf, "ET Q"));
  ck_assert_int_ge(count(qdf, " Do\n"), 5); /* the raised run's glyphs as outlines */

  const char *text = inspect(&l, "T", "pdftotext %s - 2>&1");
  ck_assert_ptr_nonnull(strstr(text, "Raised"));
  ck_assert_ptr_nonnull(strstr(text, "Visible after"));
  free(h);
  free(p);
}
END_TEST

/* Issue 15: a watermark drawn as text was read by pdftotext, pdfminer and
 * pdf.js into every line it crossed. It is drawn as outline forms with no
 * text: the page still shows it, no reader gets a letter of it. */
START_TEST(test_watermark_is_shapes_not_text)
{
  size_t nh, np, nw;
  sd_glyph *h = ascii_glyphs("Hello", &nh), *p = ascii_glyphs("Plain words", &np), *w = ascii_glyphs("QZXWV", &nw);
  sd_layout l;
  build(&l, h, nh, p, np, p, np);
  /* the watermark item: first, turned, an artifact (as layout_page.c makes it) */
  static sd_item items[5];
  items[0] = (sd_item){ .kind = SD_ITEM_GLYPHS, .elem = -1, .x = 100, .y = 300, .font = latin, .size_pt = 90,
                        .glyphs = w, .n_glyphs = nw, .angle = 45 };
  memcpy(items + 1, l.pages[0].items, 4 * sizeof *items);
  l.pages[0].items = items;
  l.pages[0].n_items = 5;
  const char *text = inspect(&l, "T", "pdftotext %s - 2>&1");
  ck_assert_ptr_nonnull(strstr(text, "Plain words"));
  ck_assert_ptr_null(strstr(text, "Q"));
  ck_assert_ptr_null(strstr(text, "ZXW"));
  const char *qdf = inspect(&l, "T", "qpdf --qdf --object-streams=disable %s - 2>/dev/null");
  ck_assert_int_ge(count(qdf, " Do\n"), 5); /* its five letters, as outline forms */
  free(h);
  free(p);
  free(w);
}
END_TEST

/* Regression: a complex run's scale into font units was written with three
 * decimals, so 12 pt Nastaliq (2048 units) came out at 0.006, 2.4% too big. */
START_TEST(test_outline_run_scale_is_exact)
{
  const sd_font *urdu = sd_fonts_pick(fonts, HB_SCRIPT_ARABIC, "ur", SD_FONT_REGULAR, 0x0628);
  ck_assert_ptr_nonnull(urdu);
  hb_codepoint_t beh = 0;
  ck_assert(hb_font_get_nominal_glyph(urdu->font, 0x0628, &beh));
  hb_codepoint_t space = 0;
  ck_assert(hb_font_get_nominal_glyph(urdu->font, ' ', &space));
  sd_glyph g[4];
  for (int i = 0; i < 3; i++)
    g[i] = (sd_glyph){ .gid = beh, .advance = hb_font_get_glyph_h_advance(urdu->font, beh), .text = "\xd8\xa8", .text_len = 2 };
  g[1].y_offset = 300;
  /* a glyph with no outline gets no form (regression: compressing every
   * outline once made an empty one a form of 8 bytes) */
  g[3] = (sd_glyph){ .gid = space, .advance = hb_font_get_glyph_h_advance(urdu->font, space), .text = " ", .text_len = 1 };
  size_t np;
  sd_glyph *p = ascii_glyphs("After", &np);
  sd_layout l;
  build(&l, g, 4, p, np, p, np);
  l.pages[0].items[0].font = urdu;
  l.pages[0].items[0].size_pt = 12;
  sd_pdfbuf want = {0};
  sd_pdfbuf_fixed(&want, llround(12e6 / urdu->upem), 6);
  sd_pdfbuf_str(&want, "0 0 ");
  sd_pdfbuf_fixed(&want, llround(12e6 / urdu->upem), 6);
  sd_pdfbuf_add(&want, "", 1);
  const char *qdf = inspect(&l, "T", "qpdf --qdf --object-streams=disable %s - 2>/dev/null");
  ck_assert_msg(strstr(qdf, (const char *)want.p), "no \"%s\" in the page content", (const char *)want.p);
  ck_assert_int_eq(count(qdf, " Do\n"), 3);
  sd_pdfbuf_free(&want);
  free(p);
}
END_TEST

/* Issue 15: MuPDF and pdfminer read a line in content order, so a
 * right-to-left run's text layer is written in logical order (visual order
 * came back reversed, «چونکہ» as «ہکنوچ»); poppler still reads it right. */
START_TEST(test_rtl_text_layer_is_in_logical_order)
{
  const sd_font *urdu = sd_fonts_pick(fonts, HB_SCRIPT_ARABIC, "ur", SD_FONT_REGULAR, 0x0628);
  ck_assert_ptr_nonnull(urdu);
  /* logical «ابت ثج», drawn left to right: ج ث space ت ب ا */
  static const char *cps[] = { "\xd8\xac", "\xd8\xab", " ", "\xd8\xaa", "\xd8\xa8", "\xd8\xa7" };
  static const uint32_t ucs[] = { 0x062C, 0x062B, ' ', 0x062A, 0x0628, 0x0627 };
  sd_glyph g[6];
  for (int i = 0; i < 6; i++) {
    hb_codepoint_t gid = 0;
    ck_assert(hb_font_get_nominal_glyph(urdu->font, ucs[i], &gid));
    g[i] = (sd_glyph){ .gid = gid, .advance = hb_font_get_glyph_h_advance(urdu->font, gid), .text = cps[i],
                       .text_len = (uint32_t)strlen(cps[i]) };
  }
  size_t np;
  sd_glyph *p = ascii_glyphs("After", &np);
  sd_layout l;
  build(&l, g, 6, p, np, p, np);
  l.pages[0].items[0].font = urdu;
  l.pages[0].items[0].size_pt = 14;
  l.pages[0].items[0].rtl = 1;
  const char *mu = inspect(&l, "T", "mutool draw -q -F txt -o - %s 2>&1");
  ck_assert_msg(strstr(mu, "\xd8\xa7\xd8\xa8\xd8\xaa \xd8\xab\xd8\xac"), "MuPDF read: %s", mu);
  const char *pt = inspect(&l, "T", "pdftotext -enc UTF-8 %s - 2>&1");
  ck_assert_msg(strstr(pt, "\xd8\xa7\xd8\xa8\xd8\xaa \xd8\xab\xd8\xac"), "poppler read: %s", pt);
  free(p);
}
END_TEST

/* Issue 15: MuPDF's display list drops a text object whose glyphs all have
 * empty boxes. A right-to-left run of one space (between an Arabic word and
 * a middle dot from another font, in a table cell) was such an object, so
 * MuPDF read «دراسي·»: the invisible layer's glyphs must have ink. */
START_TEST(test_rtl_run_of_one_space_keeps_its_space_in_mupdf)
{
  const sd_font *urdu = sd_fonts_pick(fonts, HB_SCRIPT_ARABIC, "ur", SD_FONT_REGULAR, 0x0628);
  ck_assert_ptr_nonnull(urdu);
  /* logical «اب ثج» in three runs, each drawn left to right: «ب ا», « », «ج ث» */
  static const char *cps[] = { "\xd8\xa8", "\xd8\xa7", " ", "\xd8\xac", "\xd8\xab" };
  static const uint32_t ucs[] = { 0x0628, 0x0627, ' ', 0x062C, 0x062B };
  sd_glyph g[5];
  double w[5];
  for (int i = 0; i < 5; i++) {
    hb_codepoint_t gid = 0;
    ck_assert(hb_font_get_nominal_glyph(urdu->font, ucs[i], &gid));
    g[i] = (sd_glyph){ .gid = gid, .advance = hb_font_get_glyph_h_advance(urdu->font, gid), .text = cps[i],
                       .text_len = (uint32_t)strlen(cps[i]) };
    w[i] = g[i].advance * 14.0 / urdu->upem;
  }
  size_t np;
  sd_glyph *p = ascii_glyphs("After", &np);
  sd_layout l;
  build(&l, g, 2, g + 2, 1, g + 3, 2);
  sd_item *it = l.pages[0].items;
  double x = 100;
  for (int i = 2; i >= 0; i--) {
    it[i].font = urdu;
    it[i].size_pt = 14;
    it[i].rtl = 1;
    it[i].y = 700;
    it[i].elem = 2;
    it[i].x = (float)x;
    x += i == 2 ? w[3] + w[4] : i == 1 ? w[2] : w[0] + w[1];
  }
  it[3].glyphs = p;
  it[3].n_glyphs = np;
  const char *mu = inspect(&l, "T", "mutool draw -q -F txt -o - %s 2>&1");
  ck_assert_msg(strstr(mu, "\xd8\xa8\xd8\xa7 \xd8\xac\xd8\xab") || strstr(mu, "\xd8\xa7\xd8\xa8 \xd8\xab\xd8\xac"),
                "MuPDF read: %s", mu);
  free(p);
}
END_TEST

/* The invisible layer's glyph choice: always with ink (MuPDF culls a text
 * object of inkless glyphs), and for a cluster's core never narrower than
 * the cluster when a glyph at most slack wider exists (poppler reads a gap
 * of 0.03 em after a split word as a space). */
START_TEST(test_text_layer_glyphs_have_ink_and_cover_their_cluster)
{
  const sd_font *bn = sd_fonts_pick(fonts, HB_SCRIPT_BENGALI, "bn", SD_FONT_BOLD, 0x09AA);
  ck_assert_ptr_nonnull(bn);
  int32_t slack = (int32_t)(bn->upem * 8 / 100);
  for (int32_t adv = bn->upem / 10; adv < (int32_t)bn->upem * 2; adv += 37) {
    hb_glyph_extents_t e;
    uint32_t g = sd_font_glyph_of_width(bn, adv);
    ck_assert(hb_font_get_glyph_extents(bn->font, g, &e) && e.width && e.height);
    uint32_t c = sd_font_glyph_covering(bn, adv, slack);
    ck_assert(hb_font_get_glyph_extents(bn->font, c, &e) && e.width && e.height);
    int32_t w = hb_font_get_glyph_h_advance(bn->font, c);
    /* covering, or the nearest glyph when nothing at most slack wider exists */
    ck_assert((w >= adv && w - adv <= slack) || c == g);
  }
}
END_TEST

/* issue 13: an element with no content (a Document with nothing in it)
 * once reached qsort(NULL, 0) in tags.c, which UBSan reports; under
 * make check-asan this test aborts on that */
START_TEST(test_element_without_content_is_written)
{
  sd_elem elems[2] = { { .role = "Document", .parent = -1 }, { .role = "P", .parent = 0 } };
  sd_page page = { .width = 595, .height = 842 };
  sd_layout l = { .pages = &page, .n_pages = 1, .elems = elems, .n_elems = 2, .title = "Empty",
                  .lang = "en-GB", .background = { 1, 1, 1 } };
  const char *out = inspect(&l, "Empty", "qpdf --check %s 2>&1");
  ck_assert_msg(strstr(out, "No syntax or stream encoding errors") != NULL, "%s", out);
}
END_TEST

/* a glyph whose text is too long for the text layer is a limit on the
 * input, never SD_E_INTERNAL ("libharu failed") */
START_TEST(test_overlong_glyph_text_is_a_limit_not_internal)
{
  size_t n;
  sd_glyph *g = ascii_glyphs("x", &n);
  static char text[300 * 3 + 2];
  text[0] = 'x';
  for (int i = 0; i < 300; i++) memcpy(text + 1 + 3 * i, "\xef\xb8\x8f", 3); /* U+FE0F */
  text[sizeof text - 1] = '\0';
  g[0].text = text;
  g[0].text_len = (uint32_t)strlen(text);
  sd_elem elems[2] = { { .role = "Document", .parent = -1 }, { .role = "P", .parent = 0 } };
  sd_item it = { .kind = SD_ITEM_GLYPHS, .elem = 1, .x = 72, .y = 720, .font = latin, .size_pt = 12,
                 .glyphs = g, .n_glyphs = n };
  sd_page page = { .width = 595, .height = 842, .items = &it, .n_items = 1 };
  sd_layout l = { .pages = &page, .n_pages = 1, .elems = elems, .n_elems = 2, .title = "T", .lang = "en-GB",
                  .background = { 1, 1, 1 } };
  sd_diags *d = sd_diags_new();
  unsigned char *pdf = NULL;
  size_t len = 0;
  sd_pdf_meta meta = { .title = "T", .lang = "en-GB" };
  ck_assert_int_eq(sd_pdf_write(&l, &meta, &pdf, &len, d), SD_E_LIMIT);
  ck_assert_ptr_null(pdf);
  ck_assert(diags_have(d, "pdf.glyph"));
  ck_assert(!diags_have(d, "pdf.internal"));
  sd_diags_free(d);
  free(g);
}
END_TEST

static Suite *pdf_suite(void)
{
  Suite *s = suite_create("pdf");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_pdf_is_tagged_and_extracts_text);
  tcase_add_test(tc, test_pdfbuf_numbers_drop_trailing_zeros_and_keep_sign);
  tcase_add_test(tc, test_pdf_deflate_round_trips_every_size);
  tcase_add_test(tc, test_content_numbers_ignore_decimal_comma_locale);
  tcase_add_test(tc, test_unicode_title_is_utf16_text_string);
  tcase_add_test(tc, test_invisible_layer_does_not_leak_render_mode);
  tcase_add_test(tc, test_watermark_is_shapes_not_text);
  tcase_add_test(tc, test_outline_run_scale_is_exact);
  tcase_add_test(tc, test_rtl_text_layer_is_in_logical_order);
  tcase_add_test(tc, test_rtl_run_of_one_space_keeps_its_space_in_mupdf);
  tcase_add_test(tc, test_text_layer_glyphs_have_ink_and_cover_their_cluster);
  tcase_add_test(tc, test_element_without_content_is_written);
  tcase_add_test(tc, test_overlong_glyph_text_is_a_limit_not_internal);
  suite_add_tcase(s, tc);
  return s;
}

RUN_SUITE(pdf_suite)
