/* api: the contract an integrator builds on (sendoc.h): the run-time version,
 * options that can grow (size, init, 0.1 callers, zeroed structs), the
 * default data folder and its errors. Runs under ASan+UBSan in check-asan,
 * where reading past a caller's smaller struct would be caught. */
#include "sendoc.h"
#include "testutil.h"
#include <stddef.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static sd_engine *engine;
static sd_case *leo;

static void setup(void)
{
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_engine_new(test_data_dir(), &engine, d), SD_OK);
  ck_assert_int_eq(sd_case_load(engine, "samples/class-4b/leo-clarke.xml", NULL, &leo, d), SD_OK);
  sd_diags_free(d);
}

static void teardown(void)
{
  sd_case_free(leo);
  sd_engine_free(engine);
}

/* The year of the PDF's /CreationDate (D:YYYY...), or -1. */
static int creation_year(const unsigned char *pdf, size_t len)
{
  static const char key[] = "/CreationDate (D:";
  for (size_t i = 0; i + sizeof key + 4 < len; i++)
    if (!memcmp(pdf + i, key, sizeof key - 1)) {
      const unsigned char *y = pdf + i + sizeof key - 1;
      int v = 0;
      for (int k = 0; k < 4; k++) {
        if (y[k] < '0' || y[k] > '9') return -1;
        v = v * 10 + (y[k] - '0');
      }
      return v;
    }
  return -1;
}

static int this_year(void)
{
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  return tm.tm_year + 1900;
}

START_TEST(test_version_at_run_time_matches_the_header)
{
  ck_assert_ptr_nonnull(sd_version());
  ck_assert_str_eq(sd_version(), SD_VERSION);
}
END_TEST

START_TEST(test_init_sets_size_and_defaults)
{
  sd_render_options o;
  memset(&o, 0xA5, sizeof o);
  sd_render_options_init(&o);
  ck_assert_uint_eq(o.size, sizeof o);
  ck_assert_ptr_null(o.template_ref);
  ck_assert_ptr_null(o.lang);
  ck_assert_ptr_null(o.style);
  ck_assert_int_eq(o.date_epoch, 0);
  ck_assert_ptr_null(o.meeting_id);
  ck_assert_ptr_null(o.cancel);
  ck_assert_uint_eq(o.time_limit_ms, 0);
  sd_render_options_init(NULL); /* does nothing */
}
END_TEST

/* date_epoch 0 used to print 1 January 1970: now it is today (no SOURCE_DATE_EPOCH). */
START_TEST(test_zeroed_options_date_the_document_today)
{
  unsetenv("SOURCE_DATE_EPOCH");
  sd_render_options o;
  memset(&o, 0, sizeof o);
  o.template_ref = "one-page-profile";
  unsigned char *pdf = NULL;
  size_t len = 0;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_render(engine, leo, &o, &pdf, &len, d), SD_OK);
  int y = creation_year(pdf, len);
  ck_assert_int_ge(y, this_year() - 1); /* a render across New Year's midnight */
  ck_assert_int_le(y, this_year());
  sd_free(pdf);
  sd_diags_free(d);
}
END_TEST

/* ... and SOURCE_DATE_EPOCH when it is set, as for the CLI */
START_TEST(test_zeroed_options_follow_source_date_epoch)
{
  setenv("SOURCE_DATE_EPOCH", "1764547200", 1); /* 2025-12-01 */
  sd_render_options o;
  memset(&o, 0, sizeof o);
  o.template_ref = "one-page-profile";
  o.date_epoch = -5; /* negative is the default too */
  unsigned char *pdf = NULL;
  size_t len = 0;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_render(engine, leo, &o, &pdf, &len, d), SD_OK);
  ck_assert_int_eq(creation_year(pdf, len), 2025);
  sd_free(pdf);
  sd_diags_free(d);
  unsetenv("SOURCE_DATE_EPOCH");
}
END_TEST

START_TEST(test_zeroed_options_without_template_is_a_usage_error)
{
  sd_render_options o;
  memset(&o, 0, sizeof o);
  unsigned char *pdf = (unsigned char *)"x";
  size_t len = 7;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_render(engine, leo, &o, &pdf, &len, d), SD_E_USAGE);
  ck_assert_ptr_null(pdf);
  ck_assert_uint_eq(len, 0);
  ck_assert(diags_have(d, "usage.template"));
  sd_diags_free(d);
}
END_TEST

/* A caller compiled against 0.1's fields, recompiled (size = 0): its struct
 * ends at date_epoch, so the buffer is exactly that long and ASan reports
 * any read past it. */
/* sd_render_options as the 0.1 fields (plus the size a recompile adds) */
typedef struct opts_0_1 {
  size_t size;
  const char *template_ref, *lang, *style;
  int64_t date_epoch;
} opts_0_1;
_Static_assert(sizeof(opts_0_1) == offsetof(sd_render_options, meeting_id), "0.1 layout");

START_TEST(test_a_0_1_caller_is_read_within_its_struct)
{
  opts_0_1 *o = malloc(sizeof *o);
  ck_assert_ptr_nonnull(o);
  memset(o, 0, sizeof *o);
  o->template_ref = "one-page-profile";
  o->lang = "pl";
  o->date_epoch = 1764547200;
  const sd_render_options *oo = (const sd_render_options *)(void *)o;
  unsigned char *a = NULL, *b = NULL;
  size_t la = 0, lb = 0;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_render(engine, leo, oo, &a, &la, d), SD_OK);
  const sd_case *one[1] = { leo };
  ck_assert_int_eq(sd_render_cases(engine, one, 1, oo, &b, &lb, d), SD_OK);
  sd_free(b);
  /* the same render through a full, initialised struct gives the same bytes */
  sd_render_options full;
  sd_render_options_init(&full);
  full.template_ref = "one-page-profile";
  full.lang = "pl";
  full.date_epoch = 1764547200;
  ck_assert_int_eq(sd_render(engine, leo, &full, &b, &lb, d), SD_OK);
  ck_assert_uint_eq(la, lb);
  ck_assert_int_eq(memcmp(a, b, la), 0);
  sd_free(a);
  sd_free(b);
  free(o);
  sd_diags_free(d);
}
END_TEST

/* size says how much of the struct is the caller's: fields past it are
 * defaults even when the memory holds something else; a larger size (a
 * newer caller) is read up to what this library knows. */
START_TEST(test_size_bounds_what_is_read)
{
  unsigned char buf[sizeof(sd_render_options) + 64];
  memset(buf, 0, sizeof buf);
  sd_render_options *o = (sd_render_options *)buf;
  o->template_ref = "one-page-profile";
  o->date_epoch = 1764547200;
  o->style = "no-such-style";                  /* past size: not read */
  o->size = offsetof(sd_render_options, style);
  unsigned char *pdf = NULL;
  size_t len = 0;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_render(engine, leo, o, &pdf, &len, d), SD_OK);
  sd_free(pdf);
  o->size = sizeof buf; /* a newer caller's bigger struct */
  o->style = NULL;
  memset(buf + sizeof(sd_render_options), 0x5A, 64);
  ck_assert_int_eq(sd_render(engine, leo, o, &pdf, &len, d), SD_OK);
  sd_free(pdf);
  o->size = sizeof *o;
  o->style = "no-such-style"; /* within size: read, and refused */
  ck_assert_int_eq(sd_render(engine, leo, o, &pdf, &len, d), SD_E_USAGE);
  ck_assert(diags_have(d, "usage.style"));
  sd_diags_free(d);
}
END_TEST

/* size 0 means 0.1's fields only: a field after them is not read, so a
 * caller must use sd_render_options_init (or set size) to use one. */
START_TEST(test_size_zero_ignores_later_fields)
{
  sd_render_options o;
  memset(&o, 0, sizeof o);
  o.template_ref = "one-page-profile";
  o.date_epoch = 1764547200;
  o.time_limit_ms = 1; /* would time the render out, if it were read */
  unsigned char *pdf = NULL;
  size_t len = 0;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_render(engine, leo, &o, &pdf, &len, d), SD_OK);
  sd_free(pdf);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_missing_data_dir_is_a_resource_error_that_names_it)
{
  sd_engine *e = (sd_engine *)1;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_engine_new("/nonexistent/sendoc-data", &e, d), SD_E_RESOURCE);
  ck_assert_ptr_null(e);
  ck_assert_uint_ge(sd_diags_errors(d), 1);
  sd_diag_info g;
  ck_assert_int_eq(sd_diags_get(d, 0, &g), SD_OK);
  ck_assert_str_eq(g.code, "resource.data-dir");
  ck_assert_str_eq(g.file, "/nonexistent/sendoc-data");
  sd_diags_free(d);
}
END_TEST

START_TEST(test_empty_data_dir_is_a_resource_error_with_a_diagnostic)
{
  char dir[] = "/tmp/check_api_XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  sd_engine *e = NULL;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_engine_new(dir, &e, d), SD_E_RESOURCE);
  ck_assert_ptr_null(e);
  ck_assert_uint_ge(sd_diags_errors(d), 1);
  sd_diags_free(d);
  /* a file where the folder should be */
  char file[64];
  snprintf(file, sizeof file, "%s/f", dir);
  FILE *fp = fopen(file, "w");
  ck_assert_ptr_nonnull(fp);
  fclose(fp);
  d = sd_diags_new();
  ck_assert_int_eq(sd_engine_new(file, &e, d), SD_E_RESOURCE);
  ck_assert(diags_have(d, "resource.data-dir"));
  sd_diags_free(d);
  unlink(file);
  rmdir(dir);
}
END_TEST

/* NULL: the folder the library was built for. Here that is PREFIX/share/sendoc
 * (SD_DATA_DIR, from the Makefile); whether or not it is installed, the
 * result says which folder and never SD_E_NOMEM. (tests/cli/contract.sh
 * builds the engine with SD_DATA_DIR pointing at a real folder and at none.) */
START_TEST(test_null_data_dir_is_the_installed_one)
{
  sd_engine *e = NULL;
  sd_diags *d = sd_diags_new();
  sd_status st = sd_engine_new(NULL, &e, d);
  struct stat sb;
  char xsd[512];
  snprintf(xsd, sizeof xsd, "%s/schema/case.xsd", SD_DATA_DIR);
  if (stat(xsd, &sb) == 0) {
    ck_assert_int_eq(st, SD_OK);
    ck_assert_str_eq(sd_engine_data_dir(e), SD_DATA_DIR);
  } else {
    ck_assert_int_eq(st, SD_E_RESOURCE);
    ck_assert_uint_ge(sd_diags_errors(d), 1);
    sd_diag_info g;
    ck_assert_int_eq(sd_diags_get(d, 0, &g), SD_OK);
    ck_assert_ptr_nonnull(strstr(g.file ? g.file : g.message, SD_DATA_DIR));
  }
  sd_engine_free(e);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_check_lang_suggests_the_tag)
{
  static const struct { const char *in, *want; } cases[] = {
    { "romanian", "\"ro\"" }, { "Romanian", "\"ro\"" }, { "Română", "\"ro\"" }, { "ron", "\"ro\"" },
    { "rum", "\"ro\"" },      { "urdu", "\"ur\"" },     { "اردو", "\"ur\"" },   { "english", "\"en-GB\"" },
    { "pa_Arab", "\"pa-Arab\"" }, { "punjabi", "\"pa-Arab\" or \"pa-Guru\"" }, { "polsih", "\"pl\"" },
    { "EN_gb", "\"en-GB\"" }, { "bengali", "\"bn\"" }, { "Bangla", "\"bn\"" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    sd_diags *d = sd_diags_new();
    ck_assert_msg(sd_check_lang(engine, cases[i].in, d) == SD_E_USAGE, "%s accepted", cases[i].in);
    sd_diag_info g;
    ck_assert_int_eq(sd_diags_get(d, 0, &g), SD_OK);
    ck_assert_str_eq(g.code, "usage.lang");
    ck_assert_msg(strstr(g.message, cases[i].want) != NULL, "%s: %s", cases[i].in, g.message);
    sd_diags_free(d);
  }
  static const char *const good[] = { "en-GB", "ur", "pa-Arab", "zh-Hans", "ro", "de", "ckb", "fr-CA", "sr-Latn-RS" };
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    sd_diags *d = sd_diags_new();
    ck_assert_msg(sd_check_lang(engine, good[i], d) == SD_OK, "%s refused", good[i]);
    ck_assert_uint_eq(sd_diags_count(d), 0);
    sd_diags_free(d);
  }
  static const char *const junk[] = { "", "x", "12", "en--GB", "a b", "zz", "qqq-Latn" };
  for (size_t i = 0; i < sizeof junk / sizeof *junk; i++) {
    sd_diags *d = sd_diags_new();
    ck_assert_msg(sd_check_lang(engine, junk[i], d) == SD_E_USAGE, "\"%s\" accepted", junk[i]);
    sd_diags_free(d);
  }
}
END_TEST

/* the render entry points check lang before any work */
START_TEST(test_render_refuses_a_language_name)
{
  sd_render_options o;
  sd_render_options_init(&o);
  o.template_ref = "one-page-profile";
  o.lang = "romanian";
  unsigned char *pdf = NULL;
  size_t len = 0;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_render(engine, leo, &o, &pdf, &len, d), SD_E_USAGE);
  ck_assert_ptr_null(pdf);
  ck_assert(diags_have(d, "usage.lang"));
  const sd_case *one[1] = { leo };
  ck_assert_int_eq(sd_render_cases(engine, one, 1, &o, &pdf, &len, d), SD_E_USAGE);
  ck_assert_int_eq(sd_render_markdown(engine, "# Hi\n", 5, "note.md", &o, &pdf, &len, d), SD_E_USAGE);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_unknown_template_and_style_suggest_the_nearest)
{
  sd_render_options o;
  sd_render_options_init(&o);
  o.template_ref = "one-page-profil";
  unsigned char *pdf = NULL;
  size_t len = 0;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_render(engine, leo, &o, &pdf, &len, d), SD_E_USAGE);
  ck_assert_uint_eq(sd_diags_count(d), 1); /* not also an I/O error about a data-dir path */
  sd_diag_info g;
  sd_diags_get(d, 0, &g);
  ck_assert_ptr_nonnull(strstr(g.message, "did you mean \"one-page-profile\""));
  sd_diags_free(d);
  d = sd_diags_new();
  o.template_ref = "one-page-profile";
  o.style = "Large-Print";
  ck_assert_int_eq(sd_render(engine, leo, &o, &pdf, &len, d), SD_E_USAGE);
  sd_diags_get(d, 0, &g);
  ck_assert_ptr_nonnull(strstr(g.message, "did you mean \"large-print\""));
  sd_diags_free(d);
}
END_TEST

/* A template's mistakes point at the template (file:line:column) and say
 * which case was being rendered; a catalogue key the template asks for that
 * does not exist is the template's mistake, not the case's. */
START_TEST(test_template_errors_name_the_template_and_the_case)
{
  char dir[] = "/tmp/check_api_tpl_XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char path[128];
  snprintf(path, sizeof path, "%s/t.md", dir);
  FILE *fp = fopen(path, "w");
  ck_assert_ptr_nonnull(fp);
  fputs("---\ntitle: T\n---\n\n# {{child.preferred-name}}\n\nSee {{t:no_such.key}}.\n", fp);
  fclose(fp);
  sd_render_options o;
  sd_render_options_init(&o);
  o.template_ref = path;
  unsigned char *pdf = NULL;
  size_t len = 0;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_render(engine, leo, &o, &pdf, &len, d), SD_E_INPUT);
  int seen = 0;
  for (size_t i = 0; i < d->n; i++) {
    const sd_diag *g = &d->items[i];
    if (strcmp(g->code, "locale.missing") != 0) continue;
    seen++;
    ck_assert_str_eq(g->file, path);
    ck_assert_int_eq(g->line, 7);
    ck_assert_int_eq(g->col, 5);
    ck_assert_ptr_nonnull(strstr(g->message, "(rendering samples/class-4b/leo-clarke.xml)"));
  }
  ck_assert_int_eq(seen, 1);
  sd_diags_free(d);

  fp = fopen(path, "w");
  fputs("---\ntitle: T\n---\n\n# {{child.preferred-name}}\n\n{{child.favourite-colour}}\n", fp);
  fclose(fp);
  d = sd_diags_new();
  ck_assert_int_eq(sd_render(engine, leo, &o, &pdf, &len, d), SD_E_INPUT);
  ck_assert(diags_have(d, "template.field"));
  for (size_t i = 0; i < d->n; i++)
    if (!strcmp(d->items[i].code, "template.field")) {
      ck_assert_str_eq(d->items[i].file, path);
      ck_assert_int_eq(d->items[i].line, 7);
      ck_assert_ptr_nonnull(strstr(d->items[i].message, "(rendering samples/class-4b/leo-clarke.xml)"));
    }
  sd_diags_free(d);
  unlink(path);
  rmdir(dir);
}
END_TEST

/* sd_lint_template: the shipped templates are clean; a template's typos are
 * found at their line and column before any case meets them. */
START_TEST(test_lint_template)
{
  static const char *const shipped[] = { "ehcp", "one-page-profile", "postcard-try", "postcard-tried",
                                         "review-invitation", "review-record" };
  for (size_t i = 0; i < sizeof shipped / sizeof *shipped; i++) {
    sd_diags *d = sd_diags_new();
    ck_assert_int_eq(sd_lint_template(engine, shipped[i], d), SD_OK);
    if (d->n) diags_print(d);
    ck_assert_msg(sd_diags_count(d) == 0, "%s has findings", shipped[i]);
    sd_diags_free(d);
  }
  char dir[] = "/tmp/check_api_lint_XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char path[128];
  snprintf(path, sizeof path, "%s/t.md", dir);
  FILE *fp = fopen(path, "w");
  ck_assert_ptr_nonnull(fp);
  fputs("---\ntitle: {{t:profile.titel}}\n---\n\n# {{child.prefered-name}}\n\n`{{not.checked}}`\n\n"
        "{{#each strenghts}}\n\n- {{.}} {{@index}}\n\n{{/each}}\n\n{{#lang romanian}}\n\nx\n\n{{/lang}}\n\n"
        "{{t:profile.title name=child.nmae}} {{date:today}} {{count:strengths}}\n",
        fp);
  fclose(fp);
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_lint_template(engine, path, d), SD_OK);
  static const struct { const char *code; int line, col; const char *has; } want[] = {
    { "lint.template-key", 2, 8, "profile.titel" },
    { "lint.template-field", 5, 3, "did you mean <preferred-name>" },
    { "lint.template-field", 9, 1, "did you mean <strengths>" },
    { "lint.template-lang", 15, 1, "did you mean \"ro\"" },
    { "lint.template-field", 21, 1, "<nmae>" },
  };
  ck_assert_uint_eq(sd_diags_count(d), sizeof want / sizeof *want);
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    const sd_diag *g = &d->items[i];
    ck_assert_str_eq(g->code, want[i].code);
    ck_assert_str_eq(g->file, path);
    ck_assert_int_eq(g->line, want[i].line);
    ck_assert_int_eq(g->col, want[i].col);
    ck_assert_msg(strstr(g->message, want[i].has) != NULL, "%s", g->message);
    ck_assert_int_eq(g->severity, SD_SEV_WARNING);
  }
  sd_diags_free(d);
  /* a template that does not parse is SD_E_INPUT with the parser's error */
  fp = fopen(path, "w");
  fputs("---\ntitle: x\n---\n\n# {{child.preferred-name\n", fp);
  fclose(fp);
  d = sd_diags_new();
  ck_assert_int_eq(sd_lint_template(engine, path, d), SD_E_INPUT);
  ck_assert(diags_have(d, "template.syntax"));
  sd_diags_free(d);
  d = sd_diags_new();
  ck_assert_int_eq(sd_lint_template(engine, "no-such-template", d), SD_E_USAGE);
  sd_diags_free(d);
  unlink(path);
  rmdir(dir);
}
END_TEST

static Suite *api_suite(void)
{
  Suite *s = suite_create("api");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_version_at_run_time_matches_the_header);
  tcase_add_test(tc, test_init_sets_size_and_defaults);
  tcase_add_test(tc, test_zeroed_options_date_the_document_today);
  tcase_add_test(tc, test_zeroed_options_follow_source_date_epoch);
  tcase_add_test(tc, test_zeroed_options_without_template_is_a_usage_error);
  tcase_add_test(tc, test_a_0_1_caller_is_read_within_its_struct);
  tcase_add_test(tc, test_size_bounds_what_is_read);
  tcase_add_test(tc, test_size_zero_ignores_later_fields);
  tcase_add_test(tc, test_missing_data_dir_is_a_resource_error_that_names_it);
  tcase_add_test(tc, test_empty_data_dir_is_a_resource_error_with_a_diagnostic);
  tcase_add_test(tc, test_null_data_dir_is_the_installed_one);
  tcase_add_test(tc, test_check_lang_suggests_the_tag);
  tcase_add_test(tc, test_render_refuses_a_language_name);
  tcase_add_test(tc, test_unknown_template_and_style_suggest_the_nearest);
  tcase_add_test(tc, test_template_errors_name_the_template_and_the_case);
  tcase_add_test(tc, test_lint_template);
  suite_add_tcase(s, tc);
  return s;
}

RUN_SUITE(api_suite)
