/* check_locale: catalogues, fallback, MessageFormat with named arguments,
 * dates and numbers, and resolving a hand-built document tree.
 * The shipped catalogues are read from $SENDOC_LOCALES, else
 * $SENDOC_DATA/locales (build/share/sendoc/locales after `make data`).
 * Fixture catalogues are compiled with genrb ($GENRB, default "genrb"). */
#include <stdio.h> /* before locale.h: case.h uses FILE */
#include "locale.h"
#include "testutil.h"
#include <dirent.h>
#include <unistd.h>
#include <unicode/ures.h>

static char locales_dir[1024];
static char fixture_dir[] = "/tmp/check_locale.XXXXXX";
static int fixture_ready;

static const char *dir(void)
{
  const char *e = getenv("SENDOC_LOCALES");
  if (e) return e;
  snprintf(locales_dir, sizeof locales_dir, "%s/locales", test_data_dir());
  return locales_dir;
}

static sd_locale *open_ok(const char *d, const char *tag, sd_diags *dg)
{
  sd_locale *l = NULL;
  sd_status st = sd_locale_open(d, tag, &l, dg);
  if (st != SD_OK) diags_print(dg);
  ck_assert_int_eq(st, SD_OK);
  ck_assert_ptr_nonnull(l);
  return l;
}

static char *msg(sd_locale *l, const char *key, const char *name, const char *value,
                 const char **from, sd_diags *dg)
{
  char *names[1] = {(char *)name}, *values[1] = {(char *)value};
  return sd_locale_message(l, key, names, values, name ? 1 : 0, from, dg);
}

static int has_range(const char *s, unsigned lo, unsigned hi)
{
  /* true if s has a code point in [lo, hi] (s is valid UTF-8) */
  if (!s) return 0;
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    unsigned c;
    int n;
    if (*p < 0x80) { c = *p; n = 1; }
    else if (*p < 0xE0) { c = *p & 0x1F; n = 2; }
    else if (*p < 0xF0) { c = *p & 0x0F; n = 3; }
    else { c = *p & 0x07; n = 4; }
    for (int i = 1; i < n && p[i]; i++) c = (c << 6) | (p[i] & 0x3F);
    if (c >= lo && c <= hi) return 1;
    p += n;
  }
  return 0;
}

static size_t count_code(const sd_diags *d, const char *code)
{
  size_t n = 0;
  for (size_t i = 0; d && i < d->n; i++)
    if (strcmp(d->items[i].code, code) == 0) n++;
  return n;
}

/* ---- fixture catalogues ---------------------------------------------------- */

static void write_file(const char *name, const char *text)
{
  char path[1200];
  snprintf(path, sizeof path, "%s/%s", fixture_dir, name);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

static void compile(const char *name)
{
  const char *genrb = getenv("GENRB") ? getenv("GENRB") : "genrb";
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "%s -q -e UTF-8 -d %s/ %s/%s", genrb, fixture_dir, fixture_dir, name);
  ck_assert_msg(system(cmd) == 0, "genrb failed: %s", cmd);
}

static void fixture_setup(void)
{
  if (fixture_ready) return;
  ck_assert_ptr_nonnull(mkdtemp(fixture_dir));
  write_file("root.txt",
             "root {\n"
             "  meta { status { \"reviewed\" } name { \"English\" } english-name { \"English\" } }\n"
             "  t {\n"
             "    hello { \"Hello {name}\" }\n"
             "    only_root { \"Only in English\" }\n"
             "    rel { \"{relationship, select, mother {Mother of {name}} father {Father of {name}} other {Carer of {name}}}\" }\n"
             "    quoted { \"Write '{name}' here, {name}; it''s '{'literal'}' and it's fine\" }\n"
             "    hash { \"{n, plural, one {'#'1 #} other {# and '#'}}\" }\n"
             "    count { \"{count, plural, one {# item} other {# items}}\" }\n"
             "    mixed { \"{who} has {count, plural, one {# action} other {# actions}} by {when}\" }\n"
             "    numbered { \"Hello {0}\" }\n"
             "    nested { \"{count, plural, =0 {none} one {{kind, select, a {one A} other {one thing}}} other {# {kind, select, a {As} other {things}}}}\" }\n"
             "    bad { \"{count, plural, one {x}}\" }\n"
             "  }\n"
             "}\n");
  write_file("pl.txt",
             "pl {\n"
             "  meta { status { \"unreviewed\" } name { \"polski\" } english-name { \"Polish\" } }\n"
             "  t { hello { \"Dzień dobry {name}\" } }\n"
             "}\n");
  write_file("pa.txt", "pa { t { hello { \"ਸਤ ਸ੍ਰੀ ਅਕਾਲ {name}\" } } }\n");
  write_file("pa_Arab.txt", "pa_Arab { %%Parent { \"root\" } meta { status { \"unreviewed\" } } }\n");
  compile("root.txt");
  compile("pl.txt");
  compile("pa.txt");
  compile("pa_Arab.txt");
  fixture_ready = 1;
}

static void fixture_teardown(void)
{
  DIR *dh = opendir(fixture_dir);
  struct dirent *ent;
  char path[1200];
  while (dh && (ent = readdir(dh))) {
    if (ent->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "%s/%s", fixture_dir, ent->d_name);
    unlink(path);
  }
  if (dh) closedir(dh);
  rmdir(fixture_dir);
}

/* ---- messages from the shipped catalogues ---------------------------------- */

START_TEST(test_en_gb_message_is_root_english)
{
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(dir(), "en-GB", dg);
  const char *from = "x";
  char *s = msg(l, "profile.title", "name", "Amira", &from, dg);
  ck_assert_str_eq(s, "Amira’s one-page profile");
  ck_assert_ptr_null(from);
  ck_assert_str_eq(sd_locale_tag(l), "en-GB");
  ck_assert_str_eq(sd_locale_status(l), "reviewed");
  ck_assert_uint_eq(sd_diags_count(dg), 0);
  free(s);
  sd_locale_free(l);
  sd_diags_free(dg);
}
END_TEST

START_TEST(test_ur_message_is_urdu)
{
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(dir(), "ur", dg);
  const char *from = "x";
  char *s = msg(l, "profile.important", NULL, NULL, &from, dg);
  ck_assert_ptr_nonnull(s);
  ck_assert_msg(has_range(s, 0x0600, 0x06FF), "not Arabic script: %s", s);
  ck_assert_ptr_null(from);
  ck_assert_str_eq(sd_locale_bundle(l), "ur");
  ck_assert_str_eq(sd_locale_status(l), "unreviewed");
  ck_assert_uint_eq(sd_diags_count(dg), 0);
  free(s);
  sd_locale_free(l);
  sd_diags_free(dg);
}
END_TEST

START_TEST(test_pa_arab_is_shahmukhi_and_pa_is_gurmukhi)
{
  sd_diags *dg = sd_diags_new();
  const char *tags[] = {"pa-Arab", "pa-Arab-PK", "pa-PK"};
  for (size_t i = 0; i < 3; i++) {
    sd_locale *l = open_ok(dir(), tags[i], dg);
    char *s = msg(l, "ehcp.title", NULL, NULL, NULL, dg);
    ck_assert_str_eq(sd_locale_bundle(l), "pa_Arab");
    ck_assert_msg(has_range(s, 0x0600, 0x06FF) && !has_range(s, 0x0A00, 0x0A7F),
                  "%s gave %s", tags[i], s);
    free(s);
    sd_locale_free(l);
  }
  const char *guru[] = {"pa", "pa-Guru", "pa-IN"};
  for (size_t i = 0; i < 3; i++) {
    sd_locale *l = open_ok(dir(), guru[i], dg);
    char *s = msg(l, "ehcp.title", NULL, NULL, NULL, dg);
    ck_assert_str_eq(sd_locale_bundle(l), "pa_Guru");
    ck_assert_msg(has_range(s, 0x0A00, 0x0A7F), "%s gave %s", guru[i], s);
    free(s);
    sd_locale_free(l);
  }
  ck_assert_uint_eq(sd_diags_count(dg), 0);
  sd_diags_free(dg);
}
END_TEST

START_TEST(test_plural_in_shipped_catalogues)
{
  sd_diags *dg = sd_diags_new();
  struct { const char *tag, *count, *want; } cases[] = {
    {"en-GB", "1", "1 agreed action"},
    {"en-GB", "3", "3 agreed actions"},
    {"pl", "1", "1 uzgodnione działanie"},
    {"pl", "3", "3 uzgodnione działania"},
    {"pl", "5", "5 uzgodnionych działań"},
    {"pl", "22", "22 uzgodnione działania"},
    {"pl", "1.5", "1,5 uzgodnionego działania"},
    /* CLDR: Arabic's default digits are Arabic-Indic */
    {"ar", "0", "لا توجد إجراءات متفق عليها"},
    {"ar", "1", "إجراء واحد متفق عليه"},
    {"ar", "2", "إجراءان متفق عليهما"},
    {"ar", "3", "٣ إجراءات متفق عليها"},
    {"ar", "11", "١١ إجراءً متفقًا عليه"},
    {"ar", "100", "١٠٠ إجراء متفق عليه"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    sd_locale *l = open_ok(dir(), cases[i].tag, dg);
    char *s = msg(l, "review.actions_count", "count", cases[i].count, NULL, dg);
    if (!s) diags_print(dg);
    ck_assert_ptr_nonnull(s);
    ck_assert_msg(strcmp(s, cases[i].want) == 0, "%s %s: got \"%s\", want \"%s\"",
                  cases[i].tag, cases[i].count, s, cases[i].want);
    free(s);
    sd_locale_free(l);
  }
  ck_assert_uint_eq(sd_diags_count(dg), 0);
  sd_diags_free(dg);
}
END_TEST

START_TEST(test_two_named_args)
{
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(dir(), "en-GB", dg);
  char *names[] = {"pages", "page"}, *values[] = {"4", "2"};
  char *s = sd_locale_message(l, "common.page_x_of_y", names, values, 2, NULL, dg);
  ck_assert_str_eq(s, "Page 2 of 4");
  free(s);
  sd_locale_free(l);
  /* page numbers in the locale's own digits, like its dates */
  l = open_ok(dir(), "ar", dg);
  s = sd_locale_message(l, "common.page_x_of_y", names, values, 2, NULL, dg);
  ck_assert_str_eq(s, "الصفحة ٢ من ٤");
  free(s);
  sd_locale_free(l);
  l = open_ok(dir(), "bn", dg);
  s = sd_locale_message(l, "common.page_x_of_y", names, values, 2, NULL, dg);
  ck_assert_str_eq(s, "পৃষ্ঠা ২ / ৪");
  free(s);
  sd_locale_free(l);
  ck_assert_uint_eq(sd_diags_count(dg), 0);
  sd_diags_free(dg);
}
END_TEST

/* ---- fallback and errors (fixture catalogues) ------------------------------ */

START_TEST(test_missing_key_falls_back_to_root_with_warning)
{
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(fixture_dir, "pl-PL", dg);
  const char *from = "x";
  char *s = msg(l, "t.hello", "name", "Ola", &from, dg);
  ck_assert_str_eq(s, "Dzień dobry Ola");
  ck_assert_ptr_null(from);
  ck_assert_uint_eq(sd_diags_count(dg), 0);
  free(s);
  s = msg(l, "t.only_root", NULL, NULL, &from, dg);
  ck_assert_str_eq(s, "Only in English");
  ck_assert_str_eq(from, "en-GB");
  ck_assert(diags_have(dg, "locale.fallback"));
  ck_assert_uint_eq(sd_diags_errors(dg), 0);
  sd_diag_info di;
  ck_assert_int_eq(sd_diags_get(dg, 0, &di), SD_OK);
  ck_assert_int_eq(di.severity, SD_SEV_WARNING);
  ck_assert_str_eq(di.field, "t.only_root");
  free(s);
  sd_locale_free(l);
  sd_diags_free(dg);
}
END_TEST

START_TEST(test_script_locale_skips_bare_language)
{
  /* the fixture has pa.txt (Gurmukhi) but pa_Arab lacks t.hello: English, not Gurmukhi */
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(fixture_dir, "pa-Arab", dg);
  const char *from = NULL;
  char *s = msg(l, "t.hello", "name", "Ali", &from, dg);
  ck_assert_str_eq(s, "Hello Ali");
  ck_assert_str_eq(from, "en-GB");
  ck_assert(diags_have(dg, "locale.fallback"));
  free(s);
  sd_locale_free(l);
  l = open_ok(fixture_dir, "pa", dg);
  s = msg(l, "t.hello", "name", "Ali", &from, dg);
  ck_assert_str_eq(s, "ਸਤ ਸ੍ਰੀ ਅਕਾਲ Ali");
  free(s);
  sd_locale_free(l);
  sd_diags_free(dg);
}
END_TEST

START_TEST(test_language_without_catalogue_is_english_with_one_warning)
{
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(fixture_dir, "de", dg);
  ck_assert(diags_have(dg, "locale.unsupported"));
  ck_assert_str_eq(sd_locale_status(l), "none");
  const char *from = NULL;
  char *s = msg(l, "t.hello", "name", "Jo", &from, dg);
  ck_assert_str_eq(s, "Hello Jo");
  ck_assert_str_eq(from, "en-GB");
  ck_assert_uint_eq(sd_diags_count(dg), 1);
  free(s);
  sd_locale_free(l);
  sd_diags_free(dg);
}
END_TEST

START_TEST(test_unknown_key_is_missing_error)
{
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(fixture_dir, "pl", dg);
  ck_assert_ptr_null(msg(l, "t.nope", NULL, NULL, NULL, dg));
  ck_assert_ptr_null(msg(l, "t", NULL, NULL, NULL, dg));          /* a table, not a message */
  ck_assert_ptr_null(msg(l, "t..hello", NULL, NULL, NULL, dg));
  ck_assert_ptr_null(msg(l, "t.hello.more", NULL, NULL, NULL, dg));
  ck_assert_uint_eq(count_code(dg, "locale.missing"), 4);
  ck_assert_uint_eq(sd_diags_errors(dg), 4);
  sd_locale_free(l);
  sd_diags_free(dg);
}
END_TEST

START_TEST(test_missing_root_is_resource_error)
{
  sd_diags *dg = sd_diags_new();
  sd_locale *l = (sd_locale *)1;
  ck_assert_int_eq(sd_locale_open("/nonexistent/locales", "en-GB", &l, dg), SD_E_RESOURCE);
  ck_assert_ptr_null(l);
  ck_assert(diags_have(dg, "locale.resource"));
  ck_assert_int_eq(sd_locale_open(fixture_dir, "not a tag!", &l, dg), SD_E_USAGE);
  ck_assert(diags_have(dg, "locale.tag"));
  sd_diags_free(dg);
}
END_TEST

START_TEST(test_select_by_relationship)
{
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(fixture_dir, "en-GB", dg);
  char *names[] = {"name", "relationship"};
  struct { const char *rel, *want; } c[] = {
    {"mother", "Mother of Sam"}, {"father", "Father of Sam"}, {"aunt", "Carer of Sam"}};
  for (size_t i = 0; i < 3; i++) {
    char *values[] = {"Sam", (char *)c[i].rel};
    char *s = sd_locale_message(l, "t.rel", names, values, 2, NULL, dg);
    ck_assert_str_eq(s, c[i].want);
    free(s);
  }
  ck_assert_uint_eq(sd_diags_count(dg), 0);
  sd_locale_free(l);
  sd_diags_free(dg);
}
END_TEST

START_TEST(test_quoting_keeps_literal_braces)
{
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(fixture_dir, "en-GB", dg);
  char *s = msg(l, "t.quoted", "name", "Zoë", NULL, dg);
  ck_assert_str_eq(s, "Write {name} here, Zoë; it's {literal} and it's fine");
  free(s);
  s = msg(l, "t.hash", "n", "1", NULL, dg);
  ck_assert_str_eq(s, "#1 1");
  free(s);
  s = msg(l, "t.hash", "n", "2", NULL, dg);
  ck_assert_str_eq(s, "2 and #");
  free(s);
  ck_assert_uint_eq(sd_diags_count(dg), 0);
  sd_locale_free(l);
  sd_diags_free(dg);
}
END_TEST

START_TEST(test_numbers_and_strings_mixed_in_any_order)
{
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(fixture_dir, "en-GB", dg);
  char *names[] = {"when", "count", "who"}, *values[] = {"July", "2", "Ms Khan"};
  char *s = sd_locale_message(l, "t.mixed", names, values, 3, NULL, dg);
  ck_assert_str_eq(s, "Ms Khan has 2 actions by July");
  free(s);
  char *n2[] = {"count", "kind"}, *v2[] = {"1", "a"};
  s = sd_locale_message(l, "t.nested", n2, v2, 2, NULL, dg);
  ck_assert_str_eq(s, "one A");
  free(s);
  v2[0] = "0";
  s = sd_locale_message(l, "t.nested", n2, v2, 2, NULL, dg);
  ck_assert_str_eq(s, "none");
  free(s);
  v2[0] = "4";
  v2[1] = "b";
  s = sd_locale_message(l, "t.nested", n2, v2, 2, NULL, dg);
  ck_assert_str_eq(s, "4 things");
  free(s);
  ck_assert_uint_eq(sd_diags_count(dg), 0);
  sd_locale_free(l);
  sd_diags_free(dg);
}
END_TEST

START_TEST(test_bad_arguments_are_errors)
{
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(fixture_dir, "en-GB", dg);
  ck_assert_ptr_null(msg(l, "t.count", "count", "three", NULL, dg));
  ck_assert_ptr_null(msg(l, "t.count", "count", "1,5", NULL, dg));
  ck_assert_ptr_null(msg(l, "t.hello", NULL, NULL, NULL, dg));
  ck_assert_uint_eq(count_code(dg, "locale.arg"), 3);
  ck_assert_ptr_null(msg(l, "t.numbered", "0", "x", NULL, dg));
  ck_assert_ptr_null(msg(l, "t.bad", "count", "1", NULL, dg));
  ck_assert_uint_eq(count_code(dg, "locale.syntax"), 2);
  sd_locale_free(l);
  sd_diags_free(dg);
}
END_TEST

START_TEST(test_plural_number_follows_pl_and_en_rules)
{
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(fixture_dir, "en-GB", dg);
  char *s = msg(l, "t.count", "count", "1", NULL, dg);
  ck_assert_str_eq(s, "1 item");
  free(s);
  s = msg(l, "t.count", "count", "1234", NULL, dg);
  ck_assert_str_eq(s, "1,234 items");
  free(s);
  s = msg(l, "t.count", "count", "-2.50", NULL, dg);
  ck_assert_str_eq(s, "-2.5 items");
  free(s);
  ck_assert_uint_eq(sd_diags_count(dg), 0);
  sd_locale_free(l);
  sd_diags_free(dg);
}
END_TEST

/* ---- dates and numbers ----------------------------------------------------- */

START_TEST(test_dates_follow_cldr)
{
  sd_diags *dg = sd_diags_new();
  struct { const char *tag, *want; } c[] = {
    {"en-GB", "24 November 2026"},
    {"pl", "24 listopada 2026"},           /* genitive month */
    {"bn", "২৪ নভেম্বর, ২০২৬"},             /* Bengali digits */
    {"ar", "٢٤ نوفمبر ٢٠٢٦"},              /* Arabic-Indic digits, CLDR default for ar */
    {"fa", "۲۴ نوامبر ۲۰۲۶"},              /* Persian digits; Gregorian, not Solar Hijri */
    {"ps", "د ۲۰۲۶ د نومبر ۲۴"},
    {"ur", "24 نومبر، 2026"},              /* CLDR: Urdu uses Latin digits */
    {"pa-Arab", "۲۴ نومبر ۲۰۲۶"},
    {"pa", "24 ਨਵੰਬਰ 2026"},
    {"uk", "24 листопада 2026\u202Fр."},        /* narrow no-break space */
    {"zh-Hans", "2026年11月24日"},
    {"ar-SA", "٢٤ نوفمبر ٢٠٢٦"},           /* Gregorian, not Islamic */
    {"ar-u-nu-latn", "24 نوفمبر 2026"},    /* the tag may ask for Latin digits */
  };
  for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
    sd_locale *l = open_ok(dir(), c[i].tag, dg);
    char *s = sd_locale_date(l, "2026-11-24", dg);
    ck_assert_ptr_nonnull(s);
    ck_assert_msg(strcmp(s, c[i].want) == 0, "%s: got \"%s\", want \"%s\"", c[i].tag, s,
                  c[i].want);
    free(s);
    sd_locale_free(l);
  }
  ck_assert_uint_eq(sd_diags_errors(dg), 0);
  sd_diags_free(dg);
}
END_TEST

START_TEST(test_bad_dates_are_errors)
{
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(dir(), "en-GB", dg);
  const char *bad[] = {"2026-02-29", "2026-13-01", "26-11-24", "2026-11-24T00:00", "", "2026-1-05"};
  for (size_t i = 0; i < 6; i++) ck_assert_ptr_null(sd_locale_date(l, bad[i], dg));
  ck_assert_uint_eq(count_code(dg, "locale.date"), 6);
  char *s = sd_locale_date(l, "2024-02-29", dg);
  ck_assert_str_eq(s, "29 February 2024");
  free(s);
  s = sd_locale_date(l, "1969-12-31", dg);
  ck_assert_str_eq(s, "31 December 1969");
  free(s);
  sd_locale_free(l);
  sd_diags_free(dg);
}
END_TEST

START_TEST(test_numbers_in_locale_digits)
{
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(dir(), "bn", dg);
  char *s = sd_locale_number(l, 1234.5, dg);
  ck_assert_str_eq(s, "১,২৩৪.৫");
  free(s);
  sd_locale_free(l);
  l = open_ok(dir(), "pl", dg);
  s = sd_locale_number(l, 1234.5, dg);
  ck_assert_str_eq(s, "1\u00A0234,5");
  free(s);
  sd_locale_free(l);
  sd_diags_free(dg);
}
END_TEST

/* ---- resolving a tree ------------------------------------------------------ */

static sd_inline inl_of(sd_inline_kind k, const char *text, int line, int col)
{
  sd_inline x;
  memset(&x, 0, sizeof x);
  x.kind = k;
  x.text = sd_strdup(text);
  x.line = line;
  x.col = col;
  return x;
}

static void free_inlines(sd_inline *v, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    free(v[i].text);
    free(v[i].lang);
    for (size_t j = 0; j < v[i].n_args; j++) {
      free(v[i].arg_names[j]);
      free(v[i].arg_values[j]);
    }
    free(v[i].arg_names);
    free(v[i].arg_values);
  }
}

START_TEST(test_resolve_hand_built_tree)
{
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(fixture_dir, "pl", dg);

  sd_inline title[2] = {inl_of(SD_INL_MSG, "t.hello", 1, 3), inl_of(SD_INL_TEXT, "!", 1, 9)};
  title[0].n_args = 1;
  title[0].arg_names = malloc(sizeof(char *));
  title[0].arg_values = malloc(sizeof(char *));
  title[0].arg_names[0] = sd_strdup("name");
  title[0].arg_values[0] = sd_strdup("Ola");
  sd_inline footer[1] = {inl_of(SD_INL_DATE, "2026-11-24", 2, 1)};
  sd_inline para[3] = {inl_of(SD_INL_MSG, "t.only_root", 5, 1), inl_of(SD_INL_BREAK, NULL, 5, 7),
                       inl_of(SD_INL_MSG, "t.unknown", 6, 4)};
  sd_inline cell[1] = {inl_of(SD_INL_DATE, "2026-02-30", 9, 2)};

  sd_block cells[1], rows[1], blocks[2];
  memset(cells, 0, sizeof cells);
  memset(rows, 0, sizeof rows);
  memset(blocks, 0, sizeof blocks);
  cells[0].kind = SD_BLK_CELL;
  cells[0].inl = cell;
  cells[0].n_inl = 1;
  rows[0].kind = SD_BLK_ROW;
  rows[0].children = cells;
  rows[0].n_children = 1;
  blocks[0].kind = SD_BLK_PARAGRAPH;
  blocks[0].inl = para;
  blocks[0].n_inl = 3;
  blocks[1].kind = SD_BLK_TABLE;
  blocks[1].children = rows;
  blocks[1].n_children = 1;

  sd_doc_tree t;
  memset(&t, 0, sizeof t);
  t.root.kind = SD_BLK_DOCUMENT;
  t.root.children = blocks;
  t.root.n_children = 2;
  t.title = title;
  t.n_title = 2;
  t.footer = footer;
  t.n_footer = 1;

  ck_assert_int_eq(sd_locale_resolve(l, &t, dg), SD_E_INPUT);
  ck_assert_int_eq(title[0].kind, SD_INL_TEXT);
  ck_assert_str_eq(title[0].text, "Dzień dobry Ola");
  ck_assert_ptr_null(title[0].lang);
  ck_assert_str_eq(title[1].text, "!");
  ck_assert_int_eq(footer[0].kind, SD_INL_TEXT);
  ck_assert_str_eq(footer[0].text, "24 listopada 2026");
  ck_assert_int_eq(para[0].kind, SD_INL_TEXT);
  ck_assert_str_eq(para[0].text, "Only in English");
  ck_assert_str_eq(para[0].lang, "en-GB");
  ck_assert_int_eq(para[1].kind, SD_INL_BREAK);
  ck_assert_int_eq(para[2].kind, SD_INL_MSG); /* left as it was */
  ck_assert_int_eq(cell[0].kind, SD_INL_DATE);

  /* fallback warning, then the missing key with its position, then the bad date */
  ck_assert_uint_eq(sd_diags_count(dg), 3);
  sd_diag_info di;
  sd_diags_get(dg, 0, &di);
  ck_assert_str_eq(di.code, "locale.fallback");
  ck_assert_int_eq(di.line, 5);
  sd_diags_get(dg, 1, &di);
  ck_assert_str_eq(di.code, "locale.missing");
  ck_assert_int_eq(di.severity, SD_SEV_ERROR);
  ck_assert_int_eq(di.line, 6);
  ck_assert_int_eq(di.column, 4);
  ck_assert_str_eq(di.field, "t.unknown");
  sd_diags_get(dg, 2, &di);
  ck_assert_str_eq(di.code, "locale.date");
  ck_assert_int_eq(di.line, 9);

  free_inlines(title, 2);
  free_inlines(footer, 1);
  free_inlines(para, 3);
  free_inlines(cell, 1);
  sd_locale_free(l);
  sd_diags_free(dg);
}
END_TEST

START_TEST(test_resolve_deep_tree_iteratively)
{
  enum { DEPTH = 20000 };
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(fixture_dir, "en-GB", dg);
  sd_block *b = calloc(DEPTH, sizeof *b);
  sd_inline leaf = inl_of(SD_INL_MSG, "t.only_root", 1, 1);
  for (size_t i = 0; i + 1 < DEPTH; i++) {
    b[i].kind = SD_BLK_ITEM;
    b[i].children = &b[i + 1];
    b[i].n_children = 1;
  }
  b[DEPTH - 1].kind = SD_BLK_PARAGRAPH;
  b[DEPTH - 1].inl = &leaf;
  b[DEPTH - 1].n_inl = 1;
  sd_doc_tree t;
  memset(&t, 0, sizeof t);
  t.root.kind = SD_BLK_DOCUMENT;
  t.root.children = b;
  t.root.n_children = 1;
  ck_assert_int_eq(sd_locale_resolve(l, &t, dg), SD_OK);
  ck_assert_str_eq(leaf.text, "Only in English");
  free_inlines(&leaf, 1);
  free(b);
  sd_locale_free(l);
  sd_diags_free(dg);
}
END_TEST

/* doc ur, an en-GB section: English from root, marked en-GB; unmarked text stays Urdu */
START_TEST(test_resolve_section_in_english_inside_urdu)
{
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(dir(), "ur", dg);
  sd_inline head[2] = {inl_of(SD_INL_MSG, "ehcp.section_a", 3, 4), inl_of(SD_INL_MSG, "ehcp.section_a", 3, 9)};
  head[0].lang = sd_strdup("en-GB");
  sd_inline mark[1] = {inl_of(SD_INL_MSG, "common.draft", 1, 1)};
  mark[0].lang = sd_strdup("en-GB");
  sd_inline hdr[1] = {inl_of(SD_INL_MSG, "ehcp.running", 1, 1)};
  sd_block b[1];
  memset(b, 0, sizeof b);
  b[0].kind = SD_BLK_HEADING;
  b[0].inl = head;
  b[0].n_inl = 2;
  b[0].lang = "en-GB";
  sd_doc_tree t;
  memset(&t, 0, sizeof t);
  t.root.kind = SD_BLK_DOCUMENT;
  t.root.children = b;
  t.root.n_children = 1;
  t.watermark = mark;
  t.n_watermark = 1;
  t.header = hdr;
  t.n_header = 1;
  ck_assert_int_eq(sd_locale_resolve(l, &t, dg), SD_OK);
  ck_assert_int_eq(head[0].kind, SD_INL_TEXT);
  ck_assert_str_eq(head[0].text, "Section A: The views, interests and aspirations of the child or young person and their parents");
  ck_assert_str_eq(head[0].lang, "en-GB");
  ck_assert_msg(has_range(head[1].text, 0x0600, 0x06FF), "not Urdu: %s", head[1].text);
  ck_assert_ptr_null(head[1].lang);
  ck_assert_str_eq(mark[0].text, "DRAFT");
  ck_assert_str_eq(mark[0].lang, "en-GB");
  ck_assert_int_eq(hdr[0].kind, SD_INL_TEXT);
  ck_assert_msg(has_range(hdr[0].text, 0x0600, 0x06FF), "not Urdu: %s", hdr[0].text);
  ck_assert_uint_eq(sd_diags_count(dg), 0);
  free_inlines(head, 2);
  free_inlines(mark, 1);
  free_inlines(hdr, 1);
  sd_locale_free(l);
  sd_diags_free(dg);
}
END_TEST

/* doc en-GB, a pl section in a table cell: Polish text and date, marked pl;
 * a message pl lacks falls back to English and is marked en-GB */
START_TEST(test_resolve_polish_section_inside_english)
{
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(fixture_dir, "en-GB", dg);
  sd_inline cell[4] = {inl_of(SD_INL_MSG, "t.hello", 2, 3), inl_of(SD_INL_DATE, "2026-11-24", 2, 9),
                       inl_of(SD_INL_MSG, "t.only_root", 2, 20), inl_of(SD_INL_MSG, "t.hello", 2, 30)};
  for (size_t i = 0; i < 3; i++) cell[i].lang = sd_strdup("pl");
  for (size_t i = 0; i < 4; i += 3) {
    cell[i].n_args = 1;
    cell[i].arg_names = malloc(sizeof(char *));
    cell[i].arg_values = malloc(sizeof(char *));
    cell[i].arg_names[0] = sd_strdup("name");
    cell[i].arg_values[0] = sd_strdup("Ola");
  }
  sd_block cells[1], rows[1], table[1];
  memset(cells, 0, sizeof cells);
  memset(rows, 0, sizeof rows);
  memset(table, 0, sizeof table);
  cells[0].kind = SD_BLK_CELL;
  cells[0].inl = cell;
  cells[0].n_inl = 4;
  rows[0].kind = SD_BLK_ROW;
  rows[0].children = cells;
  rows[0].n_children = 1;
  table[0].kind = SD_BLK_TABLE;
  table[0].children = rows;
  table[0].n_children = 1;
  sd_doc_tree t;
  memset(&t, 0, sizeof t);
  t.root.kind = SD_BLK_DOCUMENT;
  t.root.children = table;
  t.root.n_children = 1;
  ck_assert_int_eq(sd_locale_resolve(l, &t, dg), SD_OK);
  ck_assert_str_eq(cell[0].text, "Dzień dobry Ola");
  ck_assert_str_eq(cell[0].lang, "pl");
  ck_assert_str_eq(cell[1].text, "24 listopada 2026");
  ck_assert_str_eq(cell[1].lang, "pl");
  ck_assert_str_eq(cell[2].text, "Only in English");
  ck_assert_str_eq(cell[2].lang, "en-GB");
  ck_assert_str_eq(cell[3].text, "Hello Ola");
  ck_assert_ptr_null(cell[3].lang);
  ck_assert_uint_eq(count_code(dg, "locale.fallback"), 1);
  free_inlines(cell, 4);
  sd_locale_free(l);
  sd_diags_free(dg);
}
END_TEST

/* a language that cannot be opened is reported once and the document's is used */
START_TEST(test_resolve_bad_section_language)
{
  sd_diags *dg = sd_diags_new();
  sd_locale *l = open_ok(fixture_dir, "pl", dg);
  sd_inline p[2] = {inl_of(SD_INL_MSG, "t.only_root", 1, 1), inl_of(SD_INL_DATE, "2026-11-24", 1, 5)};
  for (size_t i = 0; i < 2; i++) p[i].lang = sd_strdup("not a tag");
  sd_block b[1];
  memset(b, 0, sizeof b);
  b[0].kind = SD_BLK_PARAGRAPH;
  b[0].inl = p;
  b[0].n_inl = 2;
  sd_doc_tree t;
  memset(&t, 0, sizeof t);
  t.root.kind = SD_BLK_DOCUMENT;
  t.root.children = b;
  t.root.n_children = 1;
  ck_assert_int_eq(sd_locale_resolve(l, &t, dg), SD_E_INPUT);
  ck_assert_uint_eq(count_code(dg, "locale.tag"), 1);
  ck_assert_str_eq(p[1].text, "24 listopada 2026");
  free_inlines(p, 2);
  sd_locale_free(l);
  sd_diags_free(dg);
}
END_TEST

/* ---- the shipped set ------------------------------------------------------- */

static const char *REQUIRED[] = {"ar", "bn", "en_GB", "es", "fa", "gu", "lt", "pa_Arab",
                                 "pa_Guru", "pl", "ps", "pt", "ro", "so", "ta", "tr", "uk",
                                 "ur", "zh_Hans"};

START_TEST(test_list_locales_with_status)
{
  sd_diags *dg = sd_diags_new();
  sd_locale_info *list = NULL;
  size_t n = 0;
  ck_assert_int_eq(sd_locale_list(dir(), &list, &n, dg), SD_OK);
  for (size_t r = 0; r < sizeof REQUIRED / sizeof *REQUIRED; r++) {
    size_t i = 0;
    while (i < n && strcmp(list[i].id, REQUIRED[r]) != 0) i++;
    ck_assert_msg(i < n, "no catalogue %s", REQUIRED[r]);
    ck_assert_ptr_nonnull(list[i].name);
    ck_assert_ptr_nonnull(list[i].english_name);
    /* only English has been reviewed by a native speaker */
    ck_assert_str_eq(list[i].status, strcmp(list[i].id, "en_GB") == 0 ? "reviewed" : "unreviewed");
  }
  for (size_t i = 1; i < n; i++) ck_assert_int_lt(strcmp(list[i - 1].id, list[i].id), 0);
  for (size_t i = 0; i < n; i++)
    if (strcmp(list[i].id, "pa_Arab") == 0) ck_assert_str_eq(list[i].tag, "pa-Arab");
  sd_locale_list_free(list, n);
  ck_assert_int_eq(sd_locale_list("/nonexistent", &list, &n, dg), SD_E_RESOURCE);
  sd_diags_free(dg);
}
END_TEST

/* Every catalogue translates every message root has (this fails when one
 * lags behind: add the translation, or mark it and accept the warning). */
START_TEST(test_every_catalogue_has_every_root_key)
{
  sd_diags *dg = sd_diags_new();
  sd_locale_info *list = NULL;
  size_t n = 0, total = 0;
  ck_assert_int_eq(sd_locale_list(dir(), &list, &n, dg), SD_OK);
  ck_assert_uint_ge(n, sizeof REQUIRED / sizeof *REQUIRED);
  for (size_t i = 0; i < n; i++) {
    sd_locale *l = open_ok(dir(), list[i].tag, dg);
    size_t miss = 0;
    ck_assert_int_eq(sd_locale_check(l, &miss, dg), SD_OK);
    total += miss;
    sd_locale_free(l);
  }
  if (total) diags_print(dg);
  ck_assert_uint_eq(total, 0);
  ck_assert_uint_eq(sd_diags_count(dg), 0);
  sd_locale_list_free(list, n);
  sd_diags_free(dg);
}
END_TEST

/* Every shipped message compiles and formats with sample arguments. */
START_TEST(test_every_message_formats)
{
  sd_diags *dg = sd_diags_new();
  sd_locale_info *list = NULL;
  size_t n = 0;
  /* one sample per argument name the shipped catalogues use */
  char *names[] = {"name", "page", "pages", "count", "language", "type", "area", "kind", "status", "decision"};
  char *values[] = {"Sam", "1", "2", "3", "Urdu", "SEMH", "employment", "other", "proposed-amendments", "amend"};
  ck_assert_int_eq(sd_locale_list(dir(), &list, &n, dg), SD_OK);
  for (size_t i = 0; i < n; i++) {
    char path[1200];
    snprintf(path, sizeof path, "%s/", dir());
    UErrorCode e = U_ZERO_ERROR;
    UResourceBundle *root = ures_openDirect(path, "root", &e);
    ck_assert(U_SUCCESS(e));
    sd_locale *l = open_ok(dir(), list[i].tag, dg);
    for (int32_t t = 0; t < ures_getSize(root); t++) {
      UResourceBundle *tab = ures_getByIndex(root, t, NULL, &e);
      const char *tk = ures_getKey(tab);
      for (int32_t k = 0; strcmp(tk, "meta") != 0 && k < ures_getSize(tab); k++) {
        UResourceBundle *m = ures_getByIndex(tab, k, NULL, &e);
        char key[128];
        snprintf(key, sizeof key, "%s.%s", tk, ures_getKey(m));
        char *s = sd_locale_message(l, key, names, values, 10, NULL, dg);
        if (!s) diags_print(dg);
        ck_assert_msg(s && *s, "%s: %s", list[i].id, key);
        ck_assert_msg(!strstr(s, "{") && !strstr(s, "}"), "%s: %s: %s", list[i].id, key, s);
        free(s);
        ures_close(m);
      }
      ures_close(tab);
    }
    ures_close(root);
    sd_locale_free(l);
  }
  ck_assert_uint_eq(sd_diags_errors(dg), 0);
  sd_locale_list_free(list, n);
  sd_diags_free(dg);
}
END_TEST

static Suite *locale_suite(void)
{
  Suite *s = suite_create("locale");
  TCase *c = tcase_create("shipped");
  tcase_add_test(c, test_en_gb_message_is_root_english);
  tcase_add_test(c, test_ur_message_is_urdu);
  tcase_add_test(c, test_pa_arab_is_shahmukhi_and_pa_is_gurmukhi);
  tcase_add_test(c, test_plural_in_shipped_catalogues);
  tcase_add_test(c, test_two_named_args);
  tcase_add_test(c, test_dates_follow_cldr);
  tcase_add_test(c, test_bad_dates_are_errors);
  tcase_add_test(c, test_numbers_in_locale_digits);
  tcase_add_test(c, test_resolve_section_in_english_inside_urdu);
  tcase_add_test(c, test_list_locales_with_status);
  tcase_add_test(c, test_every_catalogue_has_every_root_key);
  tcase_add_test(c, test_every_message_formats);
  suite_add_tcase(s, c);

  TCase *f = tcase_create("fixture");
  tcase_add_unchecked_fixture(f, fixture_setup, fixture_teardown);
  tcase_add_test(f, test_missing_key_falls_back_to_root_with_warning);
  tcase_add_test(f, test_script_locale_skips_bare_language);
  tcase_add_test(f, test_language_without_catalogue_is_english_with_one_warning);
  tcase_add_test(f, test_unknown_key_is_missing_error);
  tcase_add_test(f, test_missing_root_is_resource_error);
  tcase_add_test(f, test_select_by_relationship);
  tcase_add_test(f, test_quoting_keeps_literal_braces);
  tcase_add_test(f, test_numbers_and_strings_mixed_in_any_order);
  tcase_add_test(f, test_bad_arguments_are_errors);
  tcase_add_test(f, test_plural_number_follows_pl_and_en_rules);
  tcase_add_test(f, test_resolve_hand_built_tree);
  tcase_add_test(f, test_resolve_deep_tree_iteratively);
  tcase_add_test(f, test_resolve_polish_section_inside_english);
  tcase_add_test(f, test_resolve_bad_section_language);
  suite_add_tcase(s, f);
  return s;
}

RUN_SUITE(locale_suite)
