/* check_langrun: each stretch of a paragraph in its own language (issue 15,
 * item 2): case values inside catalogue messages keep their element's
 * xml:lang, Latin runs inside Arabic-script or Bengali text with no better
 * source are in the case's language; and the whole path from a case to the
 * document tree. */
#include "engine_int.h"
#include "case.h"
#include "langrun.h"
#include "testutil.h"

static sd_inline *text_inl(const char *text, const char *lang)
{
  sd_inline *v = calloc(1, sizeof *v);
  ck_assert_ptr_nonnull(v);
  v->kind = SD_INL_TEXT;
  v->text = sd_strdup(text);
  v->lang = lang ? sd_strdup(lang) : NULL;
  v->field = sd_strdup("goals.goal");
  v->line = 7;
  v->col = 3;
  v->strong = true;
  return v;
}

static void free_inls(sd_inline *v, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    free(v[i].text);
    free(v[i].lang);
    free(v[i].field);
    for (size_t k = 0; k < v[i].n_args; k++) {
      free(v[i].arg_names ? v[i].arg_names[k] : NULL);
      free(v[i].arg_values ? v[i].arg_values[k] : NULL);
      free(v[i].arg_langs ? v[i].arg_langs[k] : NULL);
    }
    free(v[i].arg_names);
    free(v[i].arg_values);
    free(v[i].arg_langs);
  }
  free(v);
}

static void piece_is(const sd_inline *x, const char *text, const char *lang, bool by_script)
{
  ck_assert_int_eq(x->kind, SD_INL_TEXT);
  ck_assert_str_eq(x->text, text);
  if (lang) ck_assert_str_eq(x->lang, lang);
  else ck_assert_ptr_null(x->lang);
  ck_assert_int_eq(x->lang_by_script, by_script);
}

START_TEST(test_latin_run_in_arabic_case_text_is_in_the_case_language)
{
  /* a goal the family translated keeps "Year 5" as the school says it */
  sd_inline *v = text_inl("بحلول نهاية Year 5 (يوليو 2027)", "ar");
  size_t n = 1;
  ck_assert_int_eq(sd_langrun_split(&v, &n, "ar", "en-GB"), SD_OK);
  ck_assert_uint_eq(n, 3);
  piece_is(&v[0], "بحلول نهاية ", "ar", false);
  piece_is(&v[1], "Year 5", "en-GB", true);
  piece_is(&v[2], " (يوليو 2027)", "ar", false);
  for (size_t i = 0; i < n; i++) {
    ck_assert_str_eq(v[i].field, "goals.goal");
    ck_assert_int_eq(v[i].line, 7);
    ck_assert_int_eq(v[i].col, 3);
    ck_assert(v[i].strong);
  }
  free_inls(v, n);
}
END_TEST

START_TEST(test_arabic_comma_and_digits_end_a_latin_run)
{
  /* U+060C ARABIC COMMA and Extended Arabic-Indic digits belong to Arabic
   * script: a Latin run never swallows them */
  sd_inline *v = text_inl("مس خان، Year ۲ کی Miss Khan، Year 2کی", NULL);
  size_t n = 1;
  ck_assert_int_eq(sd_langrun_split(&v, &n, "ur", "en-GB"), SD_OK);
  ck_assert_uint_eq(n, 7);
  piece_is(&v[0], "مس خان، ", NULL, false);
  piece_is(&v[1], "Year", "en-GB", true);
  piece_is(&v[2], " ۲ کی ", NULL, false);
  piece_is(&v[3], "Miss Khan", "en-GB", true);
  piece_is(&v[4], "، ", NULL, false);
  piece_is(&v[5], "Year 2", "en-GB", true);
  piece_is(&v[6], "کی", NULL, false);
  free_inls(v, n);
}
END_TEST

START_TEST(test_bengali_text_splits_latin_but_keeps_its_digits)
{
  sd_inline *v = text_inl("NHS থেকে ৩ জন", "bn");
  size_t n = 1;
  ck_assert_int_eq(sd_langrun_split(&v, &n, "bn", "en-GB"), SD_OK);
  ck_assert_uint_eq(n, 2);
  piece_is(&v[0], "NHS", "en-GB", true);
  piece_is(&v[1], " থেকে ৩ জন", "bn", false);
  free_inls(v, n);
}
END_TEST

START_TEST(test_latin_script_text_and_latin_free_text_are_left_alone)
{
  sd_inline *v = text_inl("Spotkanie z Miss Finch", NULL);
  sd_inline *keep = v;
  size_t n = 1;
  ck_assert_int_eq(sd_langrun_split(&v, &n, "pl", "en-GB"), SD_OK);
  ck_assert_ptr_eq(v, keep);
  ck_assert_uint_eq(n, 1);
  piece_is(&v[0], "Spotkanie z Miss Finch", NULL, false);
  free_inls(v, n);
  /* dates and numbers formatted in Arabic are Arabic */
  v = text_inl("تاريخ الميلاد: ٣ أكتوبر ٢٠١٦، 15 دقيقة", NULL);
  keep = v;
  ck_assert_int_eq(sd_langrun_split(&v, &n, "ar", "en-GB"), SD_OK);
  ck_assert_ptr_eq(v, keep);
  ck_assert_uint_eq(n, 1);
  ck_assert_ptr_null(v[0].lang);
  free_inls(v, n);
}
END_TEST

START_TEST(test_marked_message_values_take_their_element_language)
{
  /* what the locale stage gives back for "بمن تتصل: {role}، {name}." with
   * name from an English element and role from an Arabic translation */
  sd_inline *v = text_inl("بمن تتصل: \xef\xb7\x91معلمة الصف\xef\xb7\xa1، \xef\xb7\x90Miss Finch\xef\xb7\xa0.", NULL);
  free(v->field);
  v->field = NULL;
  v->n_args = 2;
  v->arg_names = calloc(2, sizeof(char *));
  v->arg_values = calloc(2, sizeof(char *));
  v->arg_langs = calloc(2, sizeof(char *));
  v->arg_langs[0] = sd_strdup("en-GB");
  v->arg_langs[1] = sd_strdup("ar");
  size_t n = 1;
  ck_assert_int_eq(sd_langrun_split(&v, &n, "ar", "en-GB"), SD_OK);
  ck_assert_uint_eq(n, 3);
  piece_is(&v[0], "بمن تتصل: معلمة الصف، ", NULL, false);
  piece_is(&v[1], "Miss Finch", "en-GB", false);
  piece_is(&v[2], ".", NULL, false);
  ck_assert_ptr_null(v[1].field);
  free_inls(v, n);
}
END_TEST

START_TEST(test_non_latin_languages)
{
  ck_assert(sd_langrun_non_latin("ar"));
  ck_assert(sd_langrun_non_latin("ur"));
  ck_assert(sd_langrun_non_latin("bn"));
  ck_assert(sd_langrun_non_latin("pa-Arab"));
  ck_assert(!sd_langrun_non_latin("en-GB"));
  ck_assert(!sd_langrun_non_latin("pl"));
  ck_assert(!sd_langrun_non_latin(NULL));
}
END_TEST

/* Issue 15: the golden thread's "B" (template text) and "1" (the need's
 * index) are two inlines; a screen reader read "B" in English and "1" in
 * Urdu. The number glued to the Latin letter goes with it; a number after
 * a space, or after Urdu, stays in the paragraph's language. */
START_TEST(test_number_glued_to_a_latin_run_is_in_its_language)
{
  sd_inline *v = calloc(4, sizeof *v);
  ck_assert_ptr_nonnull(v);
  const char *texts[] = { "B", "12 اور", "E ", "3" };
  for (int i = 0; i < 4; i++) {
    v[i].kind = SD_INL_TEXT;
    v[i].text = sd_strdup(texts[i]);
  }
  v[1].field = sd_strdup("outcomes.outcome");
  size_t n = 4;
  ck_assert_int_eq(sd_langrun_split(&v, &n, "ur", "en-GB"), SD_OK);
  ck_assert_uint_eq(n, 6);
  piece_is(&v[0], "B", "en-GB", true);
  piece_is(&v[1], "12", "en-GB", true);
  ck_assert_str_eq(v[1].field, "outcomes.outcome");
  piece_is(&v[2], " اور", NULL, false);
  piece_is(&v[3], "E", "en-GB", true);
  piece_is(&v[4], " ", NULL, false);
  piece_is(&v[5], "3", NULL, false);
  free_inls(v, n);
}
END_TEST

/* Every inline of the tree that holds text, with the language it is read in. */
static const sd_inline *find_text(const sd_block *b, const char *text, const char **lang, const char *ctx)
{
  const char *l = b->lang ? b->lang : ctx;
  for (size_t i = 0; i < b->n_inl; i++)
    if (b->inl[i].kind == SD_INL_TEXT && b->inl[i].text && strcmp(b->inl[i].text, text) == 0) {
      *lang = b->inl[i].lang ? b->inl[i].lang : l;
      return &b->inl[i];
    }
  for (size_t i = 0; i < b->n_children; i++) {
    const sd_inline *x = find_text(&b->children[i], text, lang, l);
    if (x) return x;
  }
  return NULL;
}

/* Issue 15: the review invitation in Arabic tagged the SENCo's English name,
 * put into an Arabic catalogue message, as Arabic. */
START_TEST(test_issue15_english_name_in_arabic_message_is_english)
{
  sd_diags *d = sd_diags_new();
  sd_engine *e = NULL;
  sd_case *c = NULL;
  sd_doc_tree t;
  memset(&t, 0, sizeof t);
  sd_render_options opt = { .template_ref = "review-invitation", .lang = "ar", .style = "standard", .date_epoch = -1 };
  ck_assert_int_eq(sd_engine_new(test_data_dir(), &e, d), SD_OK);
  ck_assert_int_eq(sd_case_load(e, "samples/yousef-haddad.xml", NULL, &c, d), SD_OK);
  sd_status st = sd_engine_document(e, c, &opt, &t, d);
  if (st != SD_OK) diags_print(d);
  ck_assert_int_eq(st, SD_OK);
  const char *lang = NULL;
  const sd_inline *x = find_text(&t.root, "Mrs Sarah Whitfield", &lang, t.lang);
  ck_assert_ptr_nonnull(x);
  ck_assert_str_eq(lang, "en-GB");
  ck_assert(!x->lang_by_script);
  /* an English abbreviation written into the Arabic catalogue text */
  x = find_text(&t.root, "SENCo", &lang, t.lang);
  ck_assert_ptr_nonnull(x);
  ck_assert_str_eq(lang, "en-GB");
  ck_assert(x->lang_by_script);
  /* no marker is left anywhere: they are noncharacters no font draws */
  x = find_text(&t.root, "تواصلوا مع ", &lang, t.lang);
  ck_assert_ptr_nonnull(x);
  ck_assert_str_eq(lang, "ar");
  sd_doc_tree_free(&t);
  sd_case_free(c);
  sd_engine_free(e);
  sd_diags_free(d);
}
END_TEST

static Suite *langrun_suite(void)
{
  Suite *s = suite_create("langrun");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_latin_run_in_arabic_case_text_is_in_the_case_language);
  tcase_add_test(tc, test_arabic_comma_and_digits_end_a_latin_run);
  tcase_add_test(tc, test_bengali_text_splits_latin_but_keeps_its_digits);
  tcase_add_test(tc, test_latin_script_text_and_latin_free_text_are_left_alone);
  tcase_add_test(tc, test_marked_message_values_take_their_element_language);
  tcase_add_test(tc, test_non_latin_languages);
  tcase_add_test(tc, test_number_glued_to_a_latin_run_is_in_its_language);
  tcase_add_test(tc, test_issue15_english_name_in_arabic_message_is_english);
  suite_add_tcase(s, tc);
  return s;
}

RUN_SUITE(langrun_suite)
