/* engine: the public API end to end (sendoc.h only, plus test helpers). */
#include "sendoc.h"
#include "testutil.h"
#include <unistd.h>

static sd_engine *engine;

static void setup(void)
{
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_engine_new(test_data_dir(), &engine, d), SD_OK);
  sd_diags_free(d);
}

static void teardown(void)
{
  sd_engine_free(engine);
}

static int pages_of(const unsigned char *pdf, size_t len)
{
  char path[] = "/tmp/check_engine_XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, pdf, len), (ssize_t)len);
  close(fd);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "pdfinfo %s | awk '/^Pages:/{print $2}'", path);
  FILE *p = popen(cmd, "r");
  int n = -1;
  if (p && fscanf(p, "%d", &n) != 1) n = -1;
  if (p) pclose(p);
  unlink(path);
  return n;
}

START_TEST(test_whole_class_in_one_pdf_one_page_each)
{
  const char *files[] = { "samples/class-4b/leo-clarke.xml", "samples/class-4b/maya-osei.xml",
                          "samples/class-4b/zara-ahmed.xml" };
  sd_case *cases[3];
  sd_diags *d = sd_diags_new();
  for (int i = 0; i < 3; i++) ck_assert_int_eq(sd_case_load(engine, files[i], NULL, &cases[i], d), SD_OK);
  sd_render_options opt = { .template_ref = "one-page-profile", .date_epoch = 1764547200 };
  unsigned char *pdf = NULL;
  size_t len = 0;
  ck_assert_int_eq(sd_render_cases(engine, (const sd_case *const *)cases, 3, &opt, &pdf, &len, d), SD_OK);
  ck_assert_int_eq(pages_of(pdf, len), 3);
  sd_free(pdf);
  for (int i = 0; i < 3; i++) sd_case_free(cases[i]);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_class_pdf_fails_whole_when_one_profile_is_too_long)
{
  sd_case *cases[2];
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_case_load(engine, "samples/class-4b/leo-clarke.xml", NULL, &cases[0], d), SD_OK);
  ck_assert_int_eq(sd_case_load(engine, "tests/integration/bad/too-long.xml", NULL, &cases[1], d), SD_OK);
  sd_render_options opt = { .template_ref = "one-page-profile", .date_epoch = 1764547200 };
  unsigned char *pdf = NULL;
  size_t len = 0;
  ck_assert_int_eq(sd_render_cases(engine, (const sd_case *const *)cases, 2, &opt, &pdf, &len, d), SD_E_INPUT);
  ck_assert_ptr_null(pdf);
  ck_assert(diags_have(d, "layout.too-long"));
  for (int i = 0; i < 2; i++) sd_case_free(cases[i]);
  sd_diags_free(d);
}
END_TEST

/* The languages the data folder has catalogues for: what the CLI's `sendoc
 * locales` and the web workspace's picker both show (no list kept in a front
 * end). Sorted by tag, en-GB and the right-to-left ones there, names from ICU. */
START_TEST(test_engine_languages_lists_the_catalogues)
{
  sd_diags *d = sd_diags_new();
  sd_language_info *l = NULL;
  size_t n = 0;
  ck_assert_int_eq(sd_engine_languages(engine, &l, &n, d), SD_OK);
  ck_assert_uint_ge(n, 10);
  int en = 0, ur = 0;
  for (size_t i = 0; i < n; i++) {
    ck_assert_ptr_nonnull(l[i].tag);
    ck_assert(!strcmp(l[i].status, "reviewed") || !strcmp(l[i].status, "unreviewed"));
    if (i) ck_assert_int_lt(strcmp(l[i - 1].tag, l[i].tag), 0);
    if (!strcmp(l[i].tag, "en-GB")) en = 1;
    if (!strcmp(l[i].tag, "ur")) ur = l[i].english_name && !strcmp(l[i].english_name, "Urdu");
    ck_assert_int_eq(sd_check_lang(engine, l[i].tag, d), SD_OK);
  }
  ck_assert(en && ur);
  sd_languages_free(l, n);
  ck_assert_int_eq(sd_engine_languages(engine, NULL, &n, d), SD_E_USAGE);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_same_inputs_same_bytes)
{
  sd_case *c;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_case_load(engine, "samples/ava-thompson.xml", NULL, &c, d), SD_OK);
  sd_render_options opt = { .template_ref = "one-page-profile", .date_epoch = 1764547200 };
  unsigned char *a = NULL, *b = NULL;
  size_t la = 0, lb = 0;
  ck_assert_int_eq(sd_render(engine, c, &opt, &a, &la, d), SD_OK);
  ck_assert_int_eq(sd_render(engine, c, &opt, &b, &lb, d), SD_OK);
  ck_assert_uint_eq(la, lb);
  ck_assert_int_eq(memcmp(a, b, la), 0);
  sd_free(a);
  sd_free(b);
  sd_case_free(c);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_unreviewed_catalogue_warns_but_renders)
{
  sd_case *c;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_case_load(engine, "samples/bilal-hussain.xml", NULL, &c, d), SD_OK);
  sd_render_options opt = { .template_ref = "one-page-profile", .lang = "ur", .date_epoch = 1764547200 };
  unsigned char *pdf = NULL;
  size_t len = 0;
  ck_assert_int_eq(sd_render(engine, c, &opt, &pdf, &len, d), SD_OK);
  ck_assert(diags_have(d, "locale.unreviewed"));
  ck_assert_int_eq(sd_diags_errors(d), 0);
  sd_free(pdf);
  sd_case_free(c);
  sd_diags_free(d);
}
END_TEST

/* An 8-bit RGB PNG goes into the PDF as its own compressed data with the
 * PNG predictor, not decoded and compressed again; it must still decode. */
START_TEST(test_png_photo_is_passed_through_and_decodes)
{
  sd_case *c;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_case_load(engine, "samples/ava-thompson.xml", NULL, &c, d), SD_OK);
  sd_render_options opt = { .template_ref = "one-page-profile", .date_epoch = 1764547200 };
  unsigned char *pdf = NULL;
  size_t len = 0;
  ck_assert_int_eq(sd_render(engine, c, &opt, &pdf, &len, d), SD_OK);
  char path[] = "/tmp/check_engine_img_XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_eq(write(fd, pdf, len), (ssize_t)len);
  close(fd);
  char cmd[256], out[4096];
  snprintf(cmd, sizeof cmd, "grep -a -c '/Predictor 15' %s; pdfimages -list %s", path, path);
  FILE *p = popen(cmd, "r");
  size_t n = fread(out, 1, sizeof out - 1, p);
  out[n] = 0;
  pclose(p);
  unlink(path);
  ck_assert_int_ge(atoi(out), 1);
  ck_assert_ptr_nonnull(strstr(out, "240   300  rgb"));
  sd_free(pdf);
  sd_case_free(c);
  sd_diags_free(d);
}
END_TEST

static void write_text(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

static int pdf_has(const unsigned char *pdf, size_t len, const char *needle)
{
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= len; i++)
    if (!memcmp(pdf + i, needle, n)) return 1;
  return 0;
}

/* Parsed templates are kept by the engine; an edited file is read again. */
START_TEST(test_edited_template_file_is_read_again)
{
  char dir[] = "/tmp/check_engine_tpl_XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char path[128];
  snprintf(path, sizeof path, "%s/note.md", dir);
  sd_case *c;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_case_load(engine, "samples/class-4b/leo-clarke.xml", NULL, &c, d), SD_OK);
  sd_render_options opt = { .template_ref = path, .date_epoch = 1764547200 };
  unsigned char *pdf = NULL;
  size_t len = 0;
  write_text(path, "---\ntitle: First version\n---\n\n# Hello {{child.preferred-name}}\n");
  ck_assert_int_eq(sd_render(engine, c, &opt, &pdf, &len, d), SD_OK);
  ck_assert(pdf_has(pdf, len, "First version"));
  sd_free(pdf);
  ck_assert_int_eq(sd_render(engine, c, &opt, &pdf, &len, d), SD_OK); /* from the cache */
  ck_assert(pdf_has(pdf, len, "First version"));
  sd_free(pdf);
  write_text(path, "---\ntitle: The second, longer version\n---\n\n# Hello {{child.preferred-name}}\n");
  ck_assert_int_eq(sd_render(engine, c, &opt, &pdf, &len, d), SD_OK);
  ck_assert(pdf_has(pdf, len, "The second, longer version"));
  sd_free(pdf);
  unlink(path);
  rmdir(dir);
  sd_case_free(c);
  sd_diags_free(d);
}
END_TEST


/* Several cases in one PDF: the combined title joins the parts' titles with
 * " · " (4 bytes). Counts 1..200, every sample's script, and names long
 * enough that the title runs to tens of kilobytes: under ASan any overrun
 * of the title buffer aborts (it once allowed 3 bytes per separator). */
static const char *const multi_files[] = {
  "samples/ava-thompson.xml", "samples/bilal-hussain.xml", "samples/rumi-begum.xml",
  "samples/yousef-haddad.xml", "samples/kacper-nowak.xml", "samples/class-4b/leo-clarke.xml",
  "samples/class-4b/maya-osei.xml", "samples/class-4b/zara-ahmed.xml",
};
enum { N_MULTI_FILES = sizeof multi_files / sizeof multi_files[0] };

/* How many times needle occurs in the PDF's Title (pdfinfo). */
static int title_count(const unsigned char *pdf, size_t len, const char *needle)
{
  char path[] = "/tmp/check_engine_title_XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, pdf, len), (ssize_t)len);
  close(fd);
  char cmd[256];
  snprintf(cmd, sizeof cmd, "pdfinfo -enc UTF-8 %s | grep '^Title:'", path);
  FILE *p = popen(cmd, "r");
  static char line[1 << 20];
  size_t n = p ? fread(line, 1, sizeof line - 1, p) : 0;
  line[n] = 0;
  if (p) pclose(p);
  unlink(path);
  int k = 0;
  for (const char *q = strstr(line, needle); q; q = strstr(q + 1, needle)) k++;
  return k;
}

START_TEST(test_many_cases_in_one_pdf)
{
  static const size_t counts[] = { 1, 2, 5, 50, 200 };
  sd_case *loaded[N_MULTI_FILES];
  sd_diags *d = sd_diags_new();
  for (size_t i = 0; i < N_MULTI_FILES; i++)
    ck_assert_int_eq(sd_case_load(engine, multi_files[i], NULL, &loaded[i], d), SD_OK);
  for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
    size_t n = counts[k];
    const sd_case **cases = malloc(n * sizeof *cases);
    ck_assert_ptr_nonnull(cases);
    for (size_t i = 0; i < n; i++) cases[i] = loaded[i % N_MULTI_FILES];
    sd_render_options opt;
    sd_render_options_init(&opt);
    opt.template_ref = "one-page-profile";
    opt.date_epoch = 1764547200;
    unsigned char *pdf = NULL;
    size_t len = 0;
    sd_status st = sd_render_cases(engine, cases, n, &opt, &pdf, &len, d);
    if (st != SD_OK) diags_print(d);
    ck_assert_int_eq(st, SD_OK);
    ck_assert_int_eq(pages_of(pdf, len), (int)n);
    /* the title names every part: n - 1 separators, Ava's profile once per round */
    ck_assert_int_eq(title_count(pdf, len, " · "), (int)n - 1);
    ck_assert_int_eq(title_count(pdf, len, "Ava"), (int)((n + N_MULTI_FILES - 1) / N_MULTI_FILES));
    sd_free(pdf);
    free(cases);
  }
  for (size_t i = 0; i < N_MULTI_FILES; i++) sd_case_free(loaded[i]);
  sd_diags_free(d);
}
END_TEST

/* A case whose preferred name is long, in several scripts. */
static sd_case *long_name_case(int variant)
{
  static const char *const parts[] = { "Zofia Łukasiewicz-Żółtowska ", "محمد عبد الرحمن ", "আয়েশা বেগম ",
                                       "李小龙 ", "அருள்மொழி ", "Ана-Мария " };
  char name[8192] = "";
  for (int i = 0; strlen(name) < 300; i++) strcat(name, parts[(i + variant) % 6]);
  name[strlen(name) - 1] = 0;
  char *xml = malloc(16384);
  ck_assert_ptr_nonnull(xml);
  snprintf(xml, 16384,
           "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<case version=\"1\" xml:lang=\"en-GB\">"
           "<child><legal-name>X</legal-name><preferred-name>%s</preferred-name>"
           "<date-of-birth>2016-01-01</date-of-birth></child>"
           "<family><home-language>en</home-language><interpreter-needed>false</interpreter-needed>"
           "<contact id=\"c1\"><name>P</name><relationship>mother</relationship><address-as>P</address-as></contact></family>"
           "<school><name>S</name><senco><name>T</name></senco></school><sen-status>K</sen-status>"
           "<needs><need id=\"n1\" type=\"MLD\">A need.</need></needs>"
           "<strengths><item>Kind.</item></strengths><important-to-me><item>Friends.</item></important-to-me>"
           "<how-to-support><item>Time.</item></how-to-support>"
           "<child-views><quote>I like school.</quote></child-views></case>\n",
           name);
  sd_case *c = NULL;
  sd_diags *d = sd_diags_new();
  sd_status st = sd_case_load_mem(engine, xml, strlen(xml), "long.xml", NULL, NULL, &c, d);
  if (st != SD_OK) diags_print(d);
  ck_assert_int_eq(st, SD_OK);
  sd_diags_free(d);
  free(xml);
  return c;
}

START_TEST(test_many_cases_with_long_names_in_one_pdf)
{
  enum { N = 12 };
  sd_case *c[N];
  for (int i = 0; i < N; i++) c[i] = long_name_case(i);
  sd_diags *d = sd_diags_new();
  sd_render_options opt;
  sd_render_options_init(&opt);
  opt.template_ref = "one-page-profile";
  opt.date_epoch = 1764547200;
  unsigned char *pdf = NULL;
  size_t len = 0;
  sd_status st = sd_render_cases(engine, (const sd_case *const *)c, N, &opt, &pdf, &len, d);
  if (st != SD_OK) diags_print(d);
  ck_assert_int_eq(st, SD_OK);
  ck_assert_int_ge(pages_of(pdf, len), N);
  sd_free(pdf);
  for (int i = 0; i < N; i++) sd_case_free(c[i]);
  sd_diags_free(d);
}
END_TEST

/* A template whose every part is missing from the case makes no document:
 * render.empty at the case, not a page with only its footer. */
START_TEST(test_document_with_nothing_to_show_is_an_error)
{
  char dir[] = "/tmp/check_engine_empty_XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char path[128];
  snprintf(path, sizeof path, "%s/t.md", dir);
  write_text(path, "---\nfooter: {{school.name}}\n---\n\n{{#each meetings}}\n\n# {{date:date}}\n\n{{/each}}\n");
  sd_case *c;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_case_load(engine, "samples/class-4b/leo-clarke.xml", NULL, &c, d), SD_OK);
  sd_render_options opt = { .template_ref = path, .date_epoch = 1764547200 };
  unsigned char *pdf = NULL;
  size_t len = 0;
  ck_assert_int_eq(sd_render(engine, c, &opt, &pdf, &len, d), SD_E_INPUT);
  ck_assert_ptr_null(pdf);
  sd_diag_info g;
  ck_assert_int_eq(sd_diags_get(d, sd_diags_count(d) - 1, &g), SD_OK);
  ck_assert_str_eq(g.code, "render.empty");
  ck_assert_str_eq(g.file, "samples/class-4b/leo-clarke.xml");
  ck_assert_int_eq(g.line, 3);
  /* and a note with nothing in it */
  sd_diags *dn = sd_diags_new();
  ck_assert_int_eq(sd_render_markdown(engine, "\n\n", 2, "empty.md", NULL, &pdf, &len, dn), SD_E_INPUT);
  ck_assert_ptr_null(pdf);
  /* caught when the note is parsed (template.empty) or, failing that, when it is laid out */
  ck_assert(diags_have(dn, "template.empty") || diags_have(dn, "render.empty"));
  sd_diags_free(dn);
  unlink(path);
  rmdir(dir);
  sd_case_free(c);
  sd_diags_free(d);
}
END_TEST

/* The shipped EHCP template requires a plan: a SEN-support case without one
 * gets one case.required per missing piece, in the case file. An optional
 * <group-size> left out of a provision is an empty cell, not a template error. */
START_TEST(test_ehcp_requires_and_optional_fields)
{
  sd_case *c;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_case_load(engine, "samples/class-4b/leo-clarke.xml", NULL, &c, d), SD_OK);
  sd_render_options opt = { .template_ref = "ehcp", .date_epoch = 1764547200 };
  unsigned char *pdf = NULL;
  size_t len = 0;
  ck_assert_int_eq(sd_render(engine, c, &opt, &pdf, &len, d), SD_E_INPUT);
  size_t req = 0;
  for (size_t i = 0; i < sd_diags_count(d); i++) {
    sd_diag_info g;
    sd_diags_get(d, i, &g);
    ck_assert_str_eq(g.code, "case.required");
    ck_assert_str_eq(g.file, "samples/class-4b/leo-clarke.xml");
    ck_assert_int_gt(g.line, 0);
    req++;
  }
  ck_assert_uint_eq(req, 4); /* plan, local-authority, outcomes, provision */
  sd_case_free(c);
  sd_diags_free(d);
  /* ava without one <group-size> */
  FILE *f = fopen("samples/ava-thompson.xml", "rb");
  ck_assert_ptr_nonnull(f);
  static char xml[1 << 20];
  size_t n = fread(xml, 1, sizeof xml - 1, f);
  fclose(f);
  xml[n] = 0;
  char *g0 = strstr(xml, "<group-size>"), *g1 = g0 ? strstr(g0, "</group-size>") : NULL;
  ck_assert_ptr_nonnull(g1);
  g1 += strlen("</group-size>");
  memmove(g0, g1, strlen(g1) + 1);
  d = sd_diags_new();
  sd_status st = sd_case_load_mem(engine, xml, strlen(xml), "ava.xml", "samples", NULL, &c, d);
  ck_assert_int_eq(st, SD_OK);
  st = sd_render(engine, c, &opt, &pdf, &len, d);
  if (st != SD_OK) diags_print(d);
  ck_assert_int_eq(st, SD_OK);
  sd_free(pdf);
  /* lint reads the template the same way */
  ck_assert_int_eq(sd_lint(engine, c, "ehcp", NULL, d), SD_OK);
  ck_assert_int_eq(sd_diags_errors(d), 0);
  sd_case_free(c);
  sd_diags_free(d);
}
END_TEST

static Suite *engine_suite(void)
{
  Suite *s = suite_create("engine");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_whole_class_in_one_pdf_one_page_each);
  tcase_add_test(tc, test_class_pdf_fails_whole_when_one_profile_is_too_long);
  tcase_add_test(tc, test_same_inputs_same_bytes);
  tcase_add_test(tc, test_engine_languages_lists_the_catalogues);
  tcase_add_test(tc, test_unreviewed_catalogue_warns_but_renders);
  tcase_add_test(tc, test_png_photo_is_passed_through_and_decodes);
  tcase_add_test(tc, test_edited_template_file_is_read_again);
  tcase_add_test(tc, test_many_cases_in_one_pdf);
  tcase_add_test(tc, test_many_cases_with_long_names_in_one_pdf);
  tcase_add_test(tc, test_document_with_nothing_to_show_is_an_error);
  tcase_add_test(tc, test_ehcp_requires_and_optional_fields);
  suite_add_tcase(s, tc);
  return s;
}

RUN_SUITE(engine_suite)
