/* layout: hand-built document trees to pages of tagged items. */
#include "layout.h"
#include "fonts.h"
#include <hb.h>
#include "testutil.h"

static sd_fonts *fonts;
static sd_locale *loc;

static void setup(void)
{
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_fonts_new("fonts/fontmap.txt", &fonts, d), SD_OK);
  char dir[512];
  snprintf(dir, sizeof dir, "%s/locales", test_data_dir());
  ck_assert_int_eq(sd_locale_open(dir, "en-GB", &loc, d), SD_OK);
  sd_diags_free(d);
}

static void teardown(void)
{
  sd_locale_free(loc);
  sd_fonts_free(fonts);
}

/* A catalogue other than the fixture's English one. */
static sd_locale *open_locale(const char *tag)
{
  char dir[512];
  sd_locale *l = NULL;
  sd_diags *d = sd_diags_new();
  snprintf(dir, sizeof dir, "%s/locales", test_data_dir());
  ck_assert_int_eq(sd_locale_open(dir, tag, &l, d), SD_OK);
  sd_diags_free(d);
  return l;
}

static sd_inline text(const char *s)
{
  return (sd_inline){ .kind = SD_INL_TEXT, .text = (char *)s };
}

static const char *LONG =
    "Ava likes to know what is happening next, so a visual timetable on her desk and a "
    "warning five minutes before each change help her stay calm and ready to learn.";

static int count_role(const sd_layout *l, const char *role)
{
  int n = 0;
  for (size_t i = 0; i < l->n_elems; i++) n += strcmp(l->elems[i].role, role) == 0;
  return n;
}

START_TEST(test_heading_paragraph_list_are_tagged_in_order)
{
  sd_inline h = text("Ava's one-page profile"), p = text(LONG), i1 = text("Kind"), i2 = text("Honest");
  sd_block para1 = { .kind = SD_BLK_PARAGRAPH, .inl = &i1, .n_inl = 1 };
  sd_block para2 = { .kind = SD_BLK_PARAGRAPH, .inl = &i2, .n_inl = 1 };
  sd_block items[2] = { { .kind = SD_BLK_ITEM, .children = &para1, .n_children = 1 },
                        { .kind = SD_BLK_ITEM, .children = &para2, .n_children = 1 } };
  sd_block kids[3] = { { .kind = SD_BLK_HEADING, .level = 1, .inl = &h, .n_inl = 1 },
                       { .kind = SD_BLK_PARAGRAPH, .inl = &p, .n_inl = 1 },
                       { .kind = SD_BLK_LIST, .children = items, .n_children = 2 } };
  sd_doc_tree t = { .root = { .kind = SD_BLK_DOCUMENT, .children = kids, .n_children = 3 }, .lang = "en-GB" };
  sd_layout l;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_layout_run(&t, loc, fonts, sd_style_find("standard"), &l, d), SD_OK);
  ck_assert_uint_eq(l.n_pages, 1);
  ck_assert_str_eq(l.elems[0].role, "Document");
  ck_assert_str_eq(l.elems[1].role, "H1");
  ck_assert_str_eq(l.elems[2].role, "P");
  ck_assert_int_eq(count_role(&l, "L"), 1);
  ck_assert_int_eq(count_role(&l, "LI"), 2);
  ck_assert_int_eq(count_role(&l, "Lbl"), 2);
  ck_assert_int_eq(count_role(&l, "LBody"), 2);
  /* the long paragraph wraps: several baselines, all inside the margins */
  int lines = 0;
  float prev_y = -1;
  for (size_t i = 0; i < l.pages[0].n_items; i++) {
    const sd_item *it = &l.pages[0].items[i];
    if (it->elem == 2) {
      if (prev_y >= 0) ck_assert_float_ge(prev_y - it->y, 13 * 1.4f - 0.01f); /* line spacing >= 1.4 */
      prev_y = it->y;
      lines++;
      ck_assert_float_ge(it->x, 54 - 0.01f);
      ck_assert_float_ge(it->size_pt, 12);
    }
  }
  ck_assert_int_ge(lines, 2);
  /* the footer's page number is an artifact */
  int artifacts = 0;
  for (size_t i = 0; i < l.pages[0].n_items; i++) artifacts += l.pages[0].items[i].elem < 0;
  ck_assert_int_ge(artifacts, 1);
  sd_layout_free(&l);
  sd_diags_free(d);
}
END_TEST

/* A card that does not fit its A5 page at the style's smallest size goes on
 * A4 (landscape kept) with a layout.paper warning, instead of failing: Bilal's
 * Urdu postcard in large print did (Nastaliq lines are tall). */
START_TEST(test_card_too_long_for_a5_moves_to_a4)
{
  enum { N = 6 };
  sd_inline in = text(LONG);
  sd_block kids[N];
  for (int i = 0; i < N; i++) kids[i] = (sd_block){ .kind = SD_BLK_PARAGRAPH, .inl = &in, .n_inl = 1 };
  sd_doc_tree t = { .root = { .kind = SD_BLK_DOCUMENT, .children = kids, .n_children = N }, .lang = "en-GB",
                    .fm = { .max_pages = 1, .page_size = "A5-landscape" } };
  sd_layout l;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_layout_run(&t, loc, fonts, sd_style_find("large-print"), &l, d), SD_OK);
  ck_assert(diags_have(d, "layout.paper"));
  ck_assert_uint_eq(l.n_pages, 1);
  ck_assert_float_eq_tol(l.pages[0].width, 841.89f, 0.01f);
  ck_assert_float_eq_tol(l.pages[0].height, 595.276f, 0.01f);
  sd_layout_free(&l);
  sd_diags_free(d);
  /* what does not fit A4 either is still an error, naming how much to cut */
  enum { M = 60 };
  sd_block many[M];
  for (int i = 0; i < M; i++) many[i] = (sd_block){ .kind = SD_BLK_PARAGRAPH, .inl = &in, .n_inl = 1 };
  t.root.children = many;
  t.root.n_children = M;
  d = sd_diags_new();
  ck_assert_int_eq(sd_layout_run(&t, loc, fonts, sd_style_find("large-print"), &l, d), SD_E_INPUT);
  ck_assert(diags_have(d, "layout.paper"));
  ck_assert(diags_have(d, "layout.too-long"));
  sd_diags_free(d);
}
END_TEST

START_TEST(test_one_page_document_too_long_says_how_much_to_cut)
{
  enum { N = 90 };
  sd_inline in = text(LONG);
  sd_block kids[N];
  for (int i = 0; i < N; i++) kids[i] = (sd_block){ .kind = SD_BLK_PARAGRAPH, .inl = &in, .n_inl = 1 };
  sd_doc_tree t = { .root = { .kind = SD_BLK_DOCUMENT, .children = kids, .n_children = N }, .lang = "en-GB",
                    .fm = { .max_pages = 1 } };
  sd_layout l;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_layout_run(&t, loc, fonts, sd_style_find("standard"), &l, d), SD_E_INPUT);
  ck_assert(diags_have(d, "layout.too-long"));
  ck_assert_ptr_nonnull(strstr(d->items[0].message, "cut about"));
  ck_assert_uint_eq(l.n_pages, 0);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_one_page_document_steps_type_down_to_fit)
{
  enum { N = 20 };
  /* one line at 16 pt, two at 18 pt: only stepping down makes it fit */
  sd_inline in = text("A visual timetable on her desk helps Ava stay calm all day long");
  sd_block kids[N];
  for (int i = 0; i < N; i++) kids[i] = (sd_block){ .kind = SD_BLK_PARAGRAPH, .inl = &in, .n_inl = 1 };
  sd_doc_tree t = { .root = { .kind = SD_BLK_DOCUMENT, .children = kids, .n_children = N }, .lang = "en-GB",
                    .fm = { .max_pages = 1 } };
  sd_layout l;
  sd_diags *d = sd_diags_new();
  sd_status st = sd_layout_run(&t, loc, fonts, sd_style_find("large-print"), &l, d);
  ck_assert_int_eq(st, SD_OK);
  ck_assert_uint_eq(l.n_pages, 1);
  float size = 0;
  for (size_t i = 0; i < l.pages[0].n_items; i++)
    if (l.pages[0].items[i].elem > 0) size = l.pages[0].items[i].size_pt;
  ck_assert_float_lt(size, 18);   /* stepped down from large print's 18 pt */
  ck_assert_float_ge(size, 16);   /* never below its minimum */
  sd_layout_free(&l);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_rtl_paragraph_is_right_aligned_with_bullets_on_the_right)
{
  sd_inline u = { .kind = SD_INL_TEXT, .text = "\xd9\x85\xd8\xaa\xd9\x86 \xd8\xa7\xd8\xb1\xd8\xaf\xd9\x88", .lang = "ur" };
  sd_block para = { .kind = SD_BLK_PARAGRAPH, .inl = &u, .n_inl = 1, .lang = "ur" };
  sd_block item = { .kind = SD_BLK_ITEM, .children = &para, .n_children = 1 };
  sd_block kids[2] = { { .kind = SD_BLK_PARAGRAPH, .inl = &u, .n_inl = 1, .lang = "ur" },
                       { .kind = SD_BLK_LIST, .children = &item, .n_children = 1 } };
  sd_doc_tree t = { .root = { .kind = SD_BLK_DOCUMENT, .children = kids, .n_children = 2 }, .lang = "ur" };
  sd_layout l;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_layout_run(&t, loc, fonts, sd_style_find("standard"), &l, d), SD_OK);
  const sd_page *pg = &l.pages[0];
  float right = pg->width - 54;
  float lbl_x = -1, body_right = -1;
  for (size_t i = 0; i < pg->n_items; i++) {
    const sd_item *it = &pg->items[i];
    if (it->elem < 0) continue;
    float w = 0;
    for (size_t g = 0; g < it->n_glyphs; g++) w += it->glyphs[g].advance * it->size_pt / it->font->upem;
    if (it->elem == 1) ck_assert_float_eq_tol(it->x + w, right, 0.5f);
    if (!strcmp(l.elems[it->elem].role, "Lbl")) lbl_x = it->x + w;
    if (!strcmp(l.elems[it->elem].role, "P") && it->elem != 1) body_right = it->x + w;
  }
  ck_assert_float_eq_tol(lbl_x, right, 0.5f);     /* bullet at the right edge */
  ck_assert_float_lt(body_right, right - 10);      /* item text indented from the right */
  sd_layout_free(&l);
  sd_diags_free(d);
}
END_TEST

/* issue 15: «1.» in a right-to-left list is two runs, the full stop left
 * of the digit; drawn left to right, every reader and the structure tree
 * read the label «.1». Its runs are drawn in reading order, still on the
 * reading side. */
START_TEST(test_rtl_numbered_label_is_drawn_in_reading_order)
{
  sd_inline u = { .kind = SD_INL_TEXT, .text = "\xd9\x85\xd8\xaa\xd9\x86 \xd8\xa7\xd8\xb1\xd8\xaf\xd9\x88", .lang = "ur" };
  sd_block para = { .kind = SD_BLK_PARAGRAPH, .inl = &u, .n_inl = 1, .lang = "ur" };
  sd_block item = { .kind = SD_BLK_ITEM, .children = &para, .n_children = 1 };
  sd_block kids[1] = { { .kind = SD_BLK_LIST, .children = &item, .n_children = 1, .ordered = 1 } };
  sd_doc_tree t = { .root = { .kind = SD_BLK_DOCUMENT, .children = kids, .n_children = 1 }, .lang = "ur" };
  sd_layout l;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_layout_run(&t, loc, fonts, sd_style_find("standard"), &l, d), SD_OK);
  const sd_page *pg = &l.pages[0];
  char read[16] = "";
  float ink_right = 0;
  for (size_t i = 0; i < pg->n_items; i++) {
    const sd_item *it = &pg->items[i];
    if (it->elem < 0 || strcmp(l.elems[it->elem].role, "Lbl")) continue;
    float w = 0;
    for (size_t g = 0; g < it->n_glyphs; g++) {
      w += it->glyphs[g].advance * it->size_pt / it->font->upem;
      if (strlen(read) + it->glyphs[g].text_len < sizeof read) strncat(read, it->glyphs[g].text, it->glyphs[g].text_len);
    }
    if (it->x + w > ink_right) ink_right = it->x + w;
  }
  ck_assert_str_eq(read, "1.");
  ck_assert_float_eq_tol(ink_right, pg->width - 54, 0.5f);
  sd_layout_free(&l);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_run_in_other_language_gets_a_span_with_lang)
{
  sd_inline parts[2] = { text("Hello "), { .kind = SD_INL_TEXT, .text = "Dzie\xc5\x84 dobry", .lang = "pl" } };
  sd_block kids[1] = { { .kind = SD_BLK_PARAGRAPH, .inl = parts, .n_inl = 2 } };
  sd_doc_tree t = { .root = { .kind = SD_BLK_DOCUMENT, .children = kids, .n_children = 1 }, .lang = "en-GB" };
  sd_layout l;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_layout_run(&t, loc, fonts, sd_style_find("dyslexia"), &l, d), SD_OK);
  int spans = 0;
  for (size_t i = 0; i < l.n_elems; i++)
    if (!strcmp(l.elems[i].role, "Span")) {
      ck_assert_str_eq(l.elems[i].lang, "pl");
      spans++;
    }
  ck_assert_int_eq(spans, 1);
  ck_assert_float_lt(l.background.b, 1); /* dyslexia style: off-white page */
  sd_layout_free(&l);
  sd_diags_free(d);
}
END_TEST

/* A table of n body rows under a header row of `cols` columns. */
static sd_block *make_table(size_t n, size_t cols, sd_inline *head, sd_inline *body)
{
  sd_block *rows = calloc(n + 1, sizeof *rows);
  for (size_t r = 0; r <= n; r++) {
    rows[r].kind = SD_BLK_ROW;
    rows[r].header = r == 0;
    rows[r].children = calloc(cols, sizeof(sd_block));
    rows[r].n_children = cols;
    for (size_t c = 0; c < cols; c++)
      rows[r].children[c] = (sd_block){ .kind = SD_BLK_CELL, .inl = r ? body : head, .n_inl = 1 };
  }
  return rows;
}

static void free_table(sd_block *rows, size_t n)
{
  for (size_t r = 0; r <= n; r++) free(rows[r].children);
  free(rows);
}

START_TEST(test_table_has_th_with_scope_and_repeats_header_after_page_break)
{
  enum { N = 60 };
  sd_inline head = text("How often"), body = text("Weekly");
  sd_block *rows = make_table(N, 3, &head, &body);
  sd_block kids[1] = { { .kind = SD_BLK_TABLE, .children = rows, .n_children = N + 1 } };
  sd_doc_tree t = { .root = { .kind = SD_BLK_DOCUMENT, .children = kids, .n_children = 1 }, .lang = "en-GB" };
  sd_layout l;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_layout_run(&t, loc, fonts, sd_style_find("standard"), &l, d), SD_OK);
  ck_assert_uint_ge(l.n_pages, 2);
  ck_assert_int_eq(count_role(&l, "Table"), 1);
  ck_assert_int_eq(count_role(&l, "TR"), N + 1);
  ck_assert_int_eq(count_role(&l, "TH"), 3);
  ck_assert_int_eq(count_role(&l, "TD"), 3 * N);
  /* issue 15: the header row in THead, the rest in TBody (pdf.js makes a TH
   * a columnheader only inside THead) */
  ck_assert_int_eq(count_role(&l, "THead"), 1);
  ck_assert_int_eq(count_role(&l, "TBody"), 1);
  for (size_t i = 0; i < l.n_elems; i++) {
    if (!strcmp(l.elems[i].role, "TH")) ck_assert_str_eq(l.elems[i].scope, "Column");
    if (!strcmp(l.elems[i].role, "TR")) {
      const char *group = l.elems[l.elems[i].parent].role;
      ck_assert(!strcmp(group, "THead") || !strcmp(group, "TBody"));
    }
    if (!strcmp(l.elems[i].role, "TH")) ck_assert_str_eq(l.elems[l.elems[l.elems[i].parent].parent].role, "THead");
    if (!strcmp(l.elems[i].role, "TD")) ck_assert_str_eq(l.elems[l.elems[l.elems[i].parent].parent].role, "TBody");
  }
  /* a row that fits on a page is never split: each row's cells on one page */
  int *row_page = calloc(l.n_elems, sizeof *row_page);
  for (size_t p = 0; p < l.n_pages; p++)
    for (size_t i = 0; i < l.pages[p].n_items; i++) {
      int e = l.pages[p].items[i].elem;
      if (e < 0 || strcmp(l.elems[e].role, "TD")) continue;
      int tr = l.elems[e].parent;
      if (!row_page[tr]) row_page[tr] = (int)p + 1;
      ck_assert_int_eq(row_page[tr], (int)p + 1);
    }
  free(row_page);
  /* page 2 starts with the header again, as an artifact: its first glyph
   * items above the first body cell are not owned by any element */
  const sd_page *p2 = &l.pages[1];
  float top_artifact = -1, top_content = -1;
  for (size_t i = 0; i < p2->n_items; i++) {
    const sd_item *it = &p2->items[i];
    if (it->kind != SD_ITEM_GLYPHS) continue;
    if (it->elem < 0 && it->y > 100 && it->y > top_artifact) top_artifact = it->y;
    if (it->elem >= 0 && it->y > top_content) top_content = it->y;
  }
  ck_assert_float_gt(top_artifact, top_content);
  /* and the header's tint is drawn beneath its text */
  const sd_page *p1 = &l.pages[0];
  ck_assert_int_eq(p1->items[0].kind, SD_ITEM_RECT);
  sd_layout_free(&l);
  free_table(rows, N);
  sd_diags_free(d);
}
END_TEST

/* issue 15: right-to-left tables are grids too, mirrored: the first column
 * on the right, its header a column header. */
START_TEST(test_rtl_table_is_a_mirrored_grid)
{
  sd_inline head = text("A"), body = text("b");
  sd_block *rows = make_table(1, 2, &head, &body);
  sd_block kids[1] = { { .kind = SD_BLK_TABLE, .children = rows, .n_children = 2 } };
  sd_doc_tree t = { .root = { .kind = SD_BLK_DOCUMENT, .children = kids, .n_children = 1 }, .lang = "ar" };
  sd_layout l;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_layout_run(&t, loc, fonts, sd_style_find("standard"), &l, d), SD_OK);
  ck_assert_int_eq(count_role(&l, "TH"), 2);
  ck_assert_int_eq(count_role(&l, "TD"), 2);
  ck_assert_int_eq(count_role(&l, "TR"), 2);
  for (size_t i = 0; i < l.n_elems; i++)
    if (!strcmp(l.elems[i].role, "TH")) ck_assert_str_eq(l.elems[i].scope, "Column");
  /* glyphs in element order: the first TD's text is right of the second's,
   * and on the same line */
  float x[2] = { -1, -1 }, y[2] = { -1, -1 };
  int seen = 0, prev = -1;
  for (size_t i = 0; i < l.pages[0].n_items; i++) {
    const sd_item *it = &l.pages[0].items[i];
    if (it->elem < 0 || it->kind != SD_ITEM_GLYPHS || strcmp(l.elems[it->elem].role, "TD")) continue;
    if (it->elem != prev && seen < 2) {
      x[seen] = it->x;
      y[seen++] = it->y;
    }
    prev = it->elem;
  }
  ck_assert_int_eq(seen, 2);
  ck_assert_float_gt(x[0], x[1]);
  ck_assert_float_eq_tol(y[0], y[1], 0.01f);
  sd_layout_free(&l);
  free_table(rows, 1);
  sd_diags_free(d);
}
END_TEST

/* issue 15: a row of two cells that both wrap is drawn cell by cell, each
 * cell's lines together (content-stream readers get each cell whole) and
 * top-aligned; in the old line-slot order MuPDF read the cells interleaved. */
START_TEST(test_wrapped_cells_are_drawn_whole_and_top_aligned)
{
  sd_inline head = text("Provision"), body = text(LONG);
  sd_block *rows = make_table(1, 2, &head, &body);
  sd_block kids[1] = { { .kind = SD_BLK_TABLE, .children = rows, .n_children = 2 } };
  sd_doc_tree t = { .root = { .kind = SD_BLK_DOCUMENT, .children = kids, .n_children = 1 }, .lang = "en-GB" };
  sd_layout l;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_layout_run(&t, loc, fonts, sd_style_find("dyslexia"), &l, d), SD_OK);
  ck_assert_int_eq(count_role(&l, "TD"), 2); /* a grid, not stacked */
  int order[64], n = 0, lines[2] = { 0, 0 };
  float top[2] = { -1, -1 };
  for (size_t i = 0; i < l.pages[0].n_items; i++) {
    const sd_item *it = &l.pages[0].items[i];
    if (it->elem < 0 || it->kind != SD_ITEM_GLYPHS || strcmp(l.elems[it->elem].role, "TD")) continue;
    if (!n || order[n - 1] != it->elem) {
      ck_assert_int_lt(n, 2); /* the first TD's items, then the second's, once each */
      order[n++] = it->elem;
      top[n - 1] = it->y;
    }
    lines[n - 1]++;
  }
  ck_assert_int_eq(n, 2);
  ck_assert_int_gt(lines[0], 1);
  ck_assert_int_gt(lines[1], 1);
  ck_assert_float_eq_tol(top[0], top[1], 0.01f);
  sd_layout_free(&l);
  free_table(rows, 1);
  sd_diags_free(d);
}
END_TEST

/* issue 15: an Arabic cell's wrapped lines (1.7 em tall) are set at most
 * 1.4 em apart in a table, so poppler (which makes lines more than 1.5 em
 * apart blocks of their own) does not interleave them with the next cell's */
START_TEST(test_arabic_cell_lines_are_close_enough_for_poppler)
{
  sd_inline head = text("\xd8\xa7\xd9\x84\xd8\xae\xd8\xaf\xd9\x85\xd8\xa9"),
            body = text("\xd8\xb9\xd9\x84\xd8\xa7\xd8\xac \xd8\xa7\xd9\x84\xd9\x86\xd8\xb7\xd9\x82 "
                        "\xd9\x88\xd8\xa7\xd9\x84\xd9\x84\xd8\xba\xd8\xa9 \xd8\xb9\xd9\x84\xd8\xa7\xd8\xac "
                        "\xd8\xa7\xd9\x84\xd9\x86\xd8\xb7\xd9\x82 \xd9\x88\xd8\xa7\xd9\x84\xd9\x84\xd8\xba\xd8\xa9 "
                        "\xd8\xb9\xd9\x84\xd8\xa7\xd8\xac \xd8\xa7\xd9\x84\xd9\x86\xd8\xb7\xd9\x82 "
                        "\xd9\x88\xd8\xa7\xd9\x84\xd9\x84\xd8\xba\xd8\xa9");
  sd_block *rows = make_table(1, 4, &head, &body);
  sd_block kids[1] = { { .kind = SD_BLK_TABLE, .children = rows, .n_children = 2 } };
  sd_doc_tree t = { .root = { .kind = SD_BLK_DOCUMENT, .children = kids, .n_children = 1 }, .lang = "ar" };
  sd_layout l;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_layout_run(&t, loc, fonts, sd_style_find("dyslexia"), &l, d), SD_OK);
  int td = -1, lines = 0;
  float last = 0;
  for (size_t i = 0; i < l.pages[0].n_items; i++) {
    const sd_item *it = &l.pages[0].items[i];
    if (it->elem < 0 || it->kind != SD_ITEM_GLYPHS || strcmp(l.elems[it->elem].role, "TD")) continue;
    if (td < 0) td = it->elem;
    if (it->elem != td) break;
    if (lines && it->y != last) ck_assert_float_lt(last - it->y, 1.5f * it->size_pt);
    if (!lines || it->y != last) lines++;
    last = it->y;
  }
  ck_assert_int_gt(lines, 1);
  sd_layout_free(&l);
  free_table(rows, 1);
  sd_diags_free(d);
}
END_TEST

/* The TD (or TH) an item belongs to, through any Span. */
static int cell_of(const sd_layout *l, int e)
{
  while (e >= 0 && strcmp(l->elems[e].role, "TD") && strcmp(l->elems[e].role, "TH")) e = l->elems[e].parent;
  return e;
}

/* issue 15: a row taller than a page. Drawn side by side, the first page
 * held the top of every cell, so content-order readers (pdf.js, poppler,
 * MuPDF, pdfminer) read the long cell cut in two by its neighbours'. Each
 * cell's items must come together in the content stream, across pages. */
START_TEST(test_row_taller_than_a_page_reads_each_cell_whole)
{
  enum { REPEAT = 60 };
  char *big = malloc(REPEAT * (strlen(LONG) + 1) + 1);
  big[0] = 0;
  for (int i = 0; i < REPEAT; i++) strcat(strcat(big, LONG), " ");
  sd_inline head[3] = { text("Provision"), text("How often"), text("Who") };
  sd_inline body[3] = { text(big), text("Weekly"), text("Ms Khan") };
  sd_block hc[3], bc[3];
  for (int c = 0; c < 3; c++) {
    hc[c] = (sd_block){ .kind = SD_BLK_CELL, .inl = &head[c], .n_inl = 1 };
    bc[c] = (sd_block){ .kind = SD_BLK_CELL, .inl = &body[c], .n_inl = 1 };
  }
  sd_block rows[3] = { { .kind = SD_BLK_ROW, .header = 1, .children = hc, .n_children = 3 },
                       { .kind = SD_BLK_ROW, .children = bc, .n_children = 3 },
                       { .kind = SD_BLK_ROW, .children = hc, .n_children = 3 } };
  sd_block kids[1] = { { .kind = SD_BLK_TABLE, .children = rows, .n_children = 3 } };
  sd_doc_tree t = { .root = { .kind = SD_BLK_DOCUMENT, .children = kids, .n_children = 1 }, .lang = "en-GB" };
  sd_layout l;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_layout_run(&t, loc, fonts, sd_style_find("standard"), &l, d), SD_OK);
  ck_assert_uint_ge(l.n_pages, 2);
  int *done = calloc(l.n_elems, sizeof *done), current = -1, cells = 0;
  for (size_t p = 0; p < l.n_pages; p++)
    for (size_t i = 0; i < l.pages[p].n_items; i++) {
      const sd_item *it = &l.pages[p].items[i];
      int ce = it->kind == SD_ITEM_GLYPHS && it->elem >= 0 ? cell_of(&l, it->elem) : -1;
      if (ce < 0 || ce == current) continue;
      ck_assert_msg(!done[ce], "cell %d read again after another cell's text", ce);
      if (current >= 0) done[current] = 1;
      current = ce;
      cells++;
    }
  ck_assert_int_ge(cells, 9); /* three headers, three cells, a row after */
  /* the row after the tall one, on a later page, has the column headers
   * drawn again just before it (artifacts) */
  int last_tr = -1;
  for (size_t e = 0; e < l.n_elems; e++)
    if (!strcmp(l.elems[e].role, "TR")) last_tr = (int)e;
  int headers = 0, found = 0;
  for (size_t p = 1; p < l.n_pages && !found; p++)
    for (size_t i = 0; i < l.pages[p].n_items && !found; i++) {
      const sd_item *it = &l.pages[p].items[i];
      if (it->kind != SD_ITEM_GLYPHS) continue;
      if (it->elem < 0) headers++;
      else if (l.elems[cell_of(&l, it->elem)].parent == last_tr) found = 1;
      else headers = 0;
    }
  ck_assert(found);
  ck_assert_int_ge(headers, 3);
  free(done);
  sd_layout_free(&l);
  free(big);
  sd_diags_free(d);
}
END_TEST

/* Columns whose longest words cannot stand side by side are stacked: each
 * header (/Scope Row) above its cell. */
START_TEST(test_table_too_wide_for_the_page_is_stacked)
{
  enum { C = 12 };
  sd_inline head = text("Responsibilities"), body = text("Internationalisation");
  sd_block *rows = make_table(1, C, &head, &body);
  sd_block kids[1] = { { .kind = SD_BLK_TABLE, .children = rows, .n_children = 2 } };
  sd_doc_tree t = { .root = { .kind = SD_BLK_DOCUMENT, .children = kids, .n_children = 1 }, .lang = "en-GB" };
  sd_layout l;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_layout_run(&t, loc, fonts, sd_style_find("large-print"), &l, d), SD_OK);
  ck_assert_int_eq(count_role(&l, "TH"), C);
  ck_assert_int_eq(count_role(&l, "THead"), 0);
  for (size_t i = 0; i < l.n_elems; i++)
    if (!strcmp(l.elems[i].role, "TH")) ck_assert_str_eq(l.elems[i].scope, "Row");
  sd_layout_free(&l);
  free_table(rows, 1);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_running_header_page_numbers_and_watermark_are_artifacts)
{
  enum { N = 70 };
  sd_inline in = text(LONG), hdr = text("Ava Thompson - EHC plan"), wm = text("DRAFT");
  sd_block kids[N];
  for (int i = 0; i < N; i++) kids[i] = (sd_block){ .kind = SD_BLK_PARAGRAPH, .inl = &in, .n_inl = 1 };
  sd_doc_tree t = { .root = { .kind = SD_BLK_DOCUMENT, .children = kids, .n_children = N }, .lang = "en-GB",
                    .header = &hdr, .n_header = 1, .watermark = &wm, .n_watermark = 1 };
  sd_layout l;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_layout_run(&t, loc, fonts, sd_style_find("standard"), &l, d), SD_OK);
  ck_assert_uint_ge(l.n_pages, 2);
  for (size_t p = 0; p < l.n_pages; p++) {
    const sd_page *pg = &l.pages[p];
    /* the watermark comes first (beneath everything), turned, an artifact */
    ck_assert_int_eq(pg->items[0].elem, -1);
    ck_assert_float_eq(pg->items[0].angle, 45);
    int top_artifacts = 0;
    for (size_t i = 0; i < pg->n_items; i++)
      if (pg->items[i].elem < 0 && pg->items[i].y > pg->height - 54) top_artifacts++;
    ck_assert_int_ge(top_artifacts, 2); /* header text and "Page n of N" */
  }
  sd_layout_free(&l);
  sd_diags_free(d);
}
END_TEST

/* Issue 15: an English name opening an Urdu heading is a Span with its own
 * /Lang, and the page is still Urdu (its page number was printed in English
 * once the name was tagged: the page took the language of its first element). */
START_TEST(test_english_name_in_urdu_heading_is_a_span_and_page_stays_urdu)
{
  sd_locale *ur = open_locale("ur");
  sd_diags *d = sd_diags_new();
  sd_inline h[2] = { { .kind = SD_INL_TEXT, .text = "Bilal", .lang = "en-GB", .field = "child.preferred-name" },
                     { .kind = SD_INL_TEXT, .text = " کا ایک صفحے کا تعارف" } };
  sd_inline p = text("یہ ایک پیراگراف ہے۔");
  sd_block kids[2] = { { .kind = SD_BLK_HEADING, .level = 1, .inl = h, .n_inl = 2 },
                       { .kind = SD_BLK_PARAGRAPH, .inl = &p, .n_inl = 1 } };
  sd_doc_tree t = { .root = { .kind = SD_BLK_DOCUMENT, .children = kids, .n_children = 2 }, .lang = "ur" };
  sd_layout l;
  ck_assert_int_eq(sd_layout_run(&t, ur, fonts, sd_style_find("standard"), &l, d), SD_OK);
  int spans = 0;
  for (size_t i = 0; i < l.n_elems; i++)
    if (strcmp(l.elems[i].role, "Span") == 0) {
      spans++;
      ck_assert_str_eq(l.elems[i].lang, "en-GB");
      ck_assert_str_eq(l.elems[l.elems[i].parent].role, "H1");
    }
  ck_assert_int_eq(spans, 1);
  for (size_t i = 0; i < l.pages[0].n_items; i++)
    if (l.pages[0].items[i].elem < 0 && l.pages[0].items[i].lang)
      ck_assert_msg(strcmp(l.pages[0].items[i].lang, "en-GB") != 0, "page furniture in English on an Urdu page");
  sd_layout_free(&l);
  sd_locale_free(ur);
  sd_diags_free(d);
}
END_TEST

/* The ink of one glyph run: its highest top and lowest bottom, in points. */
static void run_ink(const sd_item *it, float *top, float *bottom)
{
  for (size_t g = 0; g < it->n_glyphs; g++) {
    hb_glyph_extents_t e;
    if (!hb_font_get_glyph_extents(it->font->font, it->glyphs[g].gid, &e)) continue;
    float k = it->size_pt / (float)it->font->upem, dy = (float)it->glyphs[g].y_offset;
    float t = it->y + ((float)e.y_bearing + dy) * k, b = it->y + ((float)(e.y_bearing + e.height) + dy) * k;
    if (t > *top) *top = t;
    if (b < *bottom) *bottom = b;
  }
}

/* A running header too long for one line takes two; the body then starts
 * below its second line. (Bengali large print: the second line, the plan's
 * status, was drawn into the first heading's ink.) */
START_TEST(test_two_line_running_header_stays_above_the_body)
{
  sd_locale *bn = open_locale("bn");
  sd_inline hdr = text("Muhammad Bilal Hussain \xC2\xB7 EHC \xE0\xA6\xAA\xE0\xA6\xB0\xE0\xA6\xBF\xE0\xA6\x95\xE0\xA6"
                       "\xB2\xE0\xA7\x8D\xE0\xA6\xAA\xE0\xA6\xA8\xE0\xA6\xBE \xC2\xB7 \xE0\xA6\x9A\xE0\xA7\x82"
                       "\xE0\xA6\xA1\xE0\xA6\xBC\xE0\xA6\xBE\xE0\xA6\xA8\xE0\xA7\x8D\xE0\xA6\xA4 \xE0\xA6\xAA\xE0"
                       "\xA6\xB0\xE0\xA6\xBF\xE0\xA6\x95\xE0\xA6\xB2\xE0\xA7\x8D\xE0\xA6\xAA\xE0\xA6\xA8\xE0\xA6\xBE"),
            /* শিক্ষা, স্বাস্থ্য ও পরিচর্যা পরিকল্পনা: ি and the reph reach high */
            h = text("\xE0\xA6\xB6\xE0\xA6\xBF\xE0\xA6\x95\xE0\xA7\x8D\xE0\xA6\xB7\xE0\xA6\xBE, \xE0\xA6\xAA"
                     "\xE0\xA6\xB0\xE0\xA6\xBF\xE0\xA6\x9A\xE0\xA6\xB0\xE0\xA7\x8D\xE0\xA6\xAF\xE0\xA6\xBE"),
            in = text(LONG);
  sd_block kids[2] = { { .kind = SD_BLK_HEADING, .level = 1, .inl = &h, .n_inl = 1 },
                       { .kind = SD_BLK_PARAGRAPH, .inl = &in, .n_inl = 1 } };
  sd_doc_tree t = { .root = { .kind = SD_BLK_DOCUMENT, .children = kids, .n_children = 2 }, .lang = "bn",
                    .header = &hdr, .n_header = 1 };
  const char *styles[] = { "standard", "large-print", "dyslexia" };
  int two_lines = 0;
  for (size_t s = 0; s < 3; s++) {
    sd_layout l;
    sd_diags *d = sd_diags_new();
    ck_assert_int_eq(sd_layout_run(&t, bn, fonts, sd_style_find(styles[s]), &l, d), SD_OK);
    const sd_page *pg = &l.pages[0];
    float header_top = 0, header_bottom = pg->height, body_top = 0, body_bottom = pg->height, first_base = 0;
    int lines = 0;
    for (size_t i = 0; i < pg->n_items; i++) {
      const sd_item *it = &pg->items[i];
      if (it->kind != SD_ITEM_GLYPHS) continue;
      if (it->elem < 0 && it->y > pg->height / 2) {
        if (lines == 0 || it->y < first_base - 1) lines = lines == 0 ? (first_base = it->y, 1) : 2;
        run_ink(it, &header_top, &header_bottom);
      } else if (it->elem >= 0) {
        run_ink(it, &body_top, &body_bottom);
      }
    }
    two_lines += lines == 2;
    ck_assert_msg(header_bottom > body_top + 3, "%s: header ink down to %.1f, body ink up to %.1f", styles[s],
                  (double)header_bottom, (double)body_top);
    sd_layout_free(&l);
    sd_diags_free(d);
  }
  ck_assert_msg(two_lines >= 1, "the header should take two lines in at least the large print");
  sd_locale_free(bn);
}
END_TEST

static Suite *layout_suite(void)
{
  Suite *s = suite_create("layout");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_heading_paragraph_list_are_tagged_in_order);
  tcase_add_test(tc, test_one_page_document_too_long_says_how_much_to_cut);
  tcase_add_test(tc, test_card_too_long_for_a5_moves_to_a4);
  tcase_add_test(tc, test_one_page_document_steps_type_down_to_fit);
  tcase_add_test(tc, test_rtl_paragraph_is_right_aligned_with_bullets_on_the_right);
  tcase_add_test(tc, test_rtl_numbered_label_is_drawn_in_reading_order);
  tcase_add_test(tc, test_run_in_other_language_gets_a_span_with_lang);
  tcase_add_test(tc, test_table_has_th_with_scope_and_repeats_header_after_page_break);
  tcase_add_test(tc, test_rtl_table_is_a_mirrored_grid);
  tcase_add_test(tc, test_wrapped_cells_are_drawn_whole_and_top_aligned);
  tcase_add_test(tc, test_table_too_wide_for_the_page_is_stacked);
  tcase_add_test(tc, test_row_taller_than_a_page_reads_each_cell_whole);
  tcase_add_test(tc, test_arabic_cell_lines_are_close_enough_for_poppler);
  tcase_add_test(tc, test_running_header_page_numbers_and_watermark_are_artifacts);
  tcase_add_test(tc, test_english_name_in_urdu_heading_is_a_span_and_page_stays_urdu);
  tcase_add_test(tc, test_two_line_running_header_stays_above_the_body);
  suite_add_tcase(s, tc);
  return s;
}

RUN_SUITE(layout_suite)
