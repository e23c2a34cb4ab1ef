/* check_case: parsing, validation, the plain tree, translations and the
 * hostile inputs a case file may be. Runs from the repository root. */
#define _GNU_SOURCE /* open_memstream, mkdtemp */
#include "case.h"
#include "testutil.h"
#include <libxml/parser.h>
#include <glob.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define XSD "engine/schema/case.xsd"

static sd_schema *schema;
static sd_diags *dg;

static void setup_schema(void)
{
  xmlInitParser();
  sd_diags *d = sd_diags_new();
  if (sd_schema_load(XSD, &schema, d) != SD_OK) {
    diags_print(d);
    abort();
  }
  sd_diags_free(d);
}

static void teardown_schema(void)
{
  sd_schema_free(schema);
  schema = NULL;
}

static void setup(void)
{
  dg = sd_diags_new();
}

static void teardown(void)
{
  sd_diags_free(dg);
  dg = NULL;
}

static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  ck_assert(b != NULL);
  ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
  b[n] = '\0';
  fclose(f);
  *len = (size_t)n;
  return b;
}

/* Parses a fixture from memory (no folder: photos are not checked). */
static sd_status parse_fixture(const char *name, sd_case **c)
{
  char path[256];
  snprintf(path, sizeof path, "tests/case/%s", name);
  size_t len;
  char *b = slurp(path, &len);
  sd_status st = sd_case_parse(schema, b, len, path, NULL, &SD_LIMITS_DEFAULT, c, dg);
  free(b);
  return st;
}

/* The first diagnostic with this code, or fails. */
static const sd_diag *diag_with(const char *code)
{
  for (size_t i = 0; i < dg->n; i++)
    if (!strcmp(dg->items[i].code, code)) return &dg->items[i];
  diags_print(dg);
  ck_abort_msg("no diagnostic %s", code);
  return NULL;
}

static void expect_error(const char *fixture, sd_status want, const char *code, int line, int col)
{
  sd_case *c = NULL;
  sd_status st = parse_fixture(fixture, &c);
  if (st != want) diags_print(dg);
  ck_assert_int_eq(st, want);
  ck_assert_ptr_null(c);
  const sd_diag *g = diag_with(code);
  ck_assert_msg(g->line == line && g->col == col, "%s: %s at %d:%d, expected %d:%d (%s)", fixture, code,
                g->line, g->col, line, col, g->message);
  ck_assert(strstr(g->file, fixture) != NULL);
}

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- samples ---- */

START_TEST(test_every_sample_validates)
{
  glob_t g;
  ck_assert_int_eq(glob("samples/*.xml", 0, NULL, &g), 0);
  ck_assert_int_eq(glob("samples/class-4b/*.xml", GLOB_APPEND, NULL, &g), 0);
  ck_assert_uint_ge(g.gl_pathc, 7);
  for (size_t i = 0; i < g.gl_pathc; i++) {
    sd_case *c = NULL;
    sd_status st = sd_case_parse_file(schema, g.gl_pathv[i], NULL, &c, dg);
    if (st != SD_OK || dg->n) diags_print(dg);
    ck_assert_msg(st == SD_OK, "%s does not validate", g.gl_pathv[i]);
    ck_assert_uint_eq(dg->n, 0);
    ck_assert_ptr_nonnull(c->root);
    ck_assert_str_eq(c->root->name, "case");
    ck_assert_str_eq(c->root->lang, "en-GB");
    sd_case_free(c);
  }
  globfree(&g);
}
END_TEST


START_TEST(test_version_1_files_stay_valid_under_schema_2)
{
  /* schema v2 only adds optional parts: version="1" keeps validating, and an
   * unknown version says which are known */
  size_t len;
  char *b = slurp("samples/ava-thompson.xml", &len);
  char *v = strstr(b, "version=\"2\"");
  ck_assert_ptr_nonnull(v);
  v[9] = '1';
  sd_case *c = NULL;
  ck_assert_int_eq(sd_case_parse(schema, b, len, "v1.xml", "samples", &SD_LIMITS_DEFAULT, &c, dg), SD_OK);
  sd_case_free(c);
  c = NULL;
  v[9] = '3';
  ck_assert_int_eq(sd_case_parse(schema, b, len, "v3.xml", "samples", &SD_LIMITS_DEFAULT, &c, dg), SD_E_INPUT);
  ck_assert_ptr_nonnull(strstr(diag_with("case.schema")->message, "allowed values: 1, 2"));
  free(b);
}
END_TEST

START_TEST(test_tree_exposes_fields_with_positions)
{
  sd_case *c = NULL;
  ck_assert_int_eq(sd_case_parse_file(schema, "samples/ava-thompson.xml", NULL, &c, dg), SD_OK);
  const sd_case_node *r = c->root;
  ck_assert_str_eq(sd_case_find(r, "child.preferred-name")->text, "Ava");
  const sd_case_node *dob = sd_case_find(r, "child.date-of-birth");
  ck_assert_str_eq(dob->text, "2017-10-09");
  ck_assert_int_eq(dob->line, 7);
  ck_assert_int_eq(dob->col, 5);
  ck_assert_ptr_eq(dob->parent, sd_case_find(r, "child"));
  ck_assert_str_eq(sd_case_find(r, "@version")->text, "2");
  ck_assert_str_eq(sd_case_find(r, "version")->text, "2");
  ck_assert(sd_case_find(r, "@version")->is_attr);
  ck_assert_ptr_null(sd_case_find(r, "@child"));
  ck_assert_str_eq(sd_case_find(r, "child.photo.src")->text, "photos/ava.png");
  ck_assert_str_eq(sd_case_find(r, "needs.need.@type")->text, "ASD");
  ck_assert_str_eq(sd_case_find(r, "needs.need.primary")->text, "true");
  ck_assert_str_eq(sd_case_find(r, "plan.@status")->text, "final");
  ck_assert_ptr_null(sd_case_find(r, "child.nickname"));
  ck_assert_ptr_eq(sd_case_find(r, ""), r);
  /* element children first, then attributes */
  const sd_case_node *need = sd_case_find(r, "needs.need");
  ck_assert(!need->children[0]->is_attr || need->n_children == 3);
  ck_assert_uint_eq(sd_case_find(r, "needs")->n_children, 3);
  ck_assert_uint_eq(sd_case_find(r, "provision")->n_children, 7);
  /* prose is trimmed and its white space collapsed */
  const char *t = need->text;
  ck_assert_ptr_nonnull(t);
  ck_assert(strncmp(t, "Ava is autistic. She finds", 26) == 0);
  ck_assert_ptr_null(strchr(t, '\n'));
  /* the photo resolves inside the case's folder */
  char *p = sd_case_resolve_photo(c, sd_case_find(r, "child.photo"), "photos/ava.png", dg);
  ck_assert_ptr_nonnull(p);
  ck_assert(strstr(p, "/samples/photos/ava.png") != NULL);
  free(p);
  sd_case_free(c);
}
END_TEST

START_TEST(test_translations_fold_and_match)
{
  sd_case *c = NULL;
  ck_assert_int_eq(sd_case_parse_file(schema, "samples/bilal-hussain.xml", NULL, &c, dg), SD_OK);
  const sd_case_node *r = c->root;
  const sd_case_node *st = sd_case_find(r, "strengths");
  ck_assert_uint_eq(st->n_children, 4); /* four items, their Urdu folded in */
  const sd_case_node *it = st->children[0];
  ck_assert_uint_eq(it->n_translations, 1);
  ck_assert_str_eq(it->translations[0]->lang, "ur");
  const char *used = NULL;
  ck_assert_str_eq(sd_case_text_in(it, "ur", &used), it->translations[0]->text);
  ck_assert_str_eq(used, "ur");
  ck_assert_str_eq(sd_case_text_in(it, "ur-PK", &used), it->translations[0]->text);
  ck_assert_str_eq(sd_case_text_in(it, "pl", &used), "Bilal is friendly and says good morning to everyone.");
  ck_assert_str_eq(used, "en-GB");
  ck_assert_str_eq(sd_case_text_in(it, NULL, NULL), it->text);
  /* the photo's alt text and the name translate too */
  const sd_case_node *alt = sd_case_find(r, "child.photo.alt");
  ck_assert(strncmp(sd_case_text_in(alt, "ur", NULL), "بلال", strlen("بلال")) == 0);
  ck_assert_str_eq(sd_case_text_in(sd_case_find(r, "child.preferred-name"), "ur", NULL), "بلال");
  /* said in Urdu, kept verbatim, with an English translation after it */
  const sd_case_node *cv = sd_case_find(r, "child-views");
  ck_assert_uint_eq(cv->n_children, 3);
  const sd_case_node *q = cv->children[0];
  ck_assert_str_eq(q->lang, "ur");
  ck_assert_str_eq(sd_case_text_in(q, "en-GB", &used), "I like football best at school.");
  ck_assert_str_eq(sd_case_text_in(q, "en", &used), "I like football best at school.");
  /* the family's own words, written first in Urdu */
  const sd_case_node *tried = sd_case_find(r, "home-school.tried");
  ck_assert_str_eq(sd_case_find(tried, "what")->lang, "ur");
  ck_assert_uint_eq(sd_case_find(tried, "what")->n_translations, 1);
  ck_assert_str_eq(sd_case_find(r, "meetings.meeting.interpreter-arranged.language")->text, "ur");
  sd_case_free(c);
}
END_TEST

START_TEST(test_script_subtags_never_cross)
{
  sd_case *c = NULL;
  ck_assert_int_eq(parse_fixture("translated.xml", &c), SD_OK);
  const sd_case_node *st = sd_case_find(c->root, "strengths");
  ck_assert_uint_eq(st->n_children, 2); /* "Brave" is the next item, not a translation */
  const sd_case_node *it = st->children[0];
  ck_assert_uint_eq(it->n_translations, 2);
  const char *used;
  ck_assert_str_eq(sd_case_text_in(it, "pa-Arab-PK", &used), "مہربان");
  ck_assert_str_eq(used, "pa-Arab");
  ck_assert_str_eq(sd_case_text_in(it, "pa-PK", &used), "مہربان");
  ck_assert_str_eq(sd_case_text_in(it, "pa-Guru", &used), "ਦਿਆਲੂ");
  ck_assert_str_eq(sd_case_text_in(it, "pa", &used), "ਦਿਆਲੂ");
  ck_assert_str_eq(sd_case_text_in(it, "pa-Guru-IN", &used), "ਦਿਆਲੂ");
  ck_assert_str_eq(sd_case_text_in(st->children[1], "pa-Guru", &used), "Brave");
  ck_assert_str_eq(used, "en-GB");
  sd_case_free(c);
}
END_TEST

START_TEST(test_dump_is_stable)
{
  sd_case *c = NULL;
  ck_assert_int_eq(parse_fixture("minimal.xml", &c), SD_OK);
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  sd_case_dump(c->root, f);
  fclose(f);
  size_t en;
  char *want = slurp("tests/case/minimal.dump", &en);
  ck_assert_str_eq(buf, want);
  free(want);
  free(buf);
  sd_case_free(c);
}
END_TEST

/* One schema, several threads: no global state in parsing or validation. */
static void *parse_samples(void *arg)
{
  static const char *const files[] = { "samples/ava-thompson.xml", "samples/bilal-hussain.xml",
                                       "samples/rumi-begum.xml", "samples/kacper-nowak.xml",
                                       "tests/case/bad-enum.xml" };
  intptr_t bad = 0;
  for (int round = 0; round < 10; round++) {
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
      sd_diags *d = sd_diags_new();
      sd_case *c = NULL;
      sd_status st = sd_case_parse_file(schema, files[i], NULL, &c, d);
      bool want_ok = i < 4;
      if ((st == SD_OK) != want_ok || (!want_ok && !diags_have(d, "case.schema"))) bad++;
      sd_case_free(c);
      sd_diags_free(d);
    }
  }
  (void)arg;
  return (void *)bad;
}

START_TEST(test_threads_share_one_schema)
{
  pthread_t t[4];
  for (int i = 0; i < 4; i++) ck_assert_int_eq(pthread_create(&t[i], NULL, parse_samples, NULL), 0);
  for (int i = 0; i < 4; i++) {
    void *bad;
    pthread_join(t[i], &bad);
    ck_assert_ptr_null(bad);
  }
}
END_TEST

/* ---- hostile and broken input ---- */

START_TEST(test_unclosed_tag_is_malformed)
{
  expect_error("malformed.xml", SD_E_INPUT, "case.xml", 7, 11);
  ck_assert_str_eq(diag_with("case.xml")->field, "child");
}
END_TEST

START_TEST(test_xxe_is_refused_before_any_read)
{
  expect_error("xxe.xml", SD_E_INPUT, "case.doctype", 2, 1);
  size_t pl;
  char *passwd = slurp("/etc/passwd", &pl);
  char first[32] = "";
  sscanf(passwd, "%31[^:]", first);
  for (size_t i = 0; i < dg->n; i++) {
    ck_assert_ptr_null(strstr(dg->items[i].message, "root:"));
    ck_assert_ptr_null(strstr(dg->items[i].message, "/bin/"));
    if (first[0]) ck_assert_ptr_null(strstr(dg->items[i].message, passwd));
  }
  free(passwd);
}
END_TEST

START_TEST(test_billion_laughs_is_refused)
{
  double t0 = now_s();
  expect_error("billion-laughs.xml", SD_E_INPUT, "case.doctype", 2, 1);
  ck_assert(now_s() - t0 < 1.0);
  ck_assert_uint_eq(dg->n, 1);
}
END_TEST

START_TEST(test_external_dtd_is_refused)
{
  expect_error("doctype-only.xml", SD_E_INPUT, "case.doctype", 2, 1);
}
END_TEST

START_TEST(test_deep_nesting_is_bounded)
{
  size_t depth = 10000, n = 0;
  char *b = malloc(depth * 8 + 100);
  n += (size_t)sprintf(b, "<case version=\"1\" xml:lang=\"en-GB\">\n");
  for (size_t i = 0; i < depth; i++) n += (size_t)sprintf(b + n, "<a>");
  for (size_t i = 0; i < depth; i++) n += (size_t)sprintf(b + n, "</a>");
  n += (size_t)sprintf(b + n, "</case>\n");
  sd_case *c = NULL;
  double t0 = now_s();
  ck_assert_int_eq(sd_case_parse(schema, b, n, "deep.xml", NULL, NULL, &c, dg), SD_E_LIMIT);
  ck_assert(now_s() - t0 < 1.0);
  const sd_diag *g = diag_with("case.limit");
  ck_assert_int_eq(g->line, 2);
  ck_assert_int_eq(g->col, 1 + 3 * 63);
  free(b);
}
END_TEST

START_TEST(test_50mb_text_is_refused_by_size)
{
  size_t n = 50u << 20;
  char *b = malloc(n);
  const char *head = "<case version=\"1\" xml:lang=\"en-GB\"><child><legal-name>";
  memset(b, 'a', n);
  memcpy(b, head, strlen(head));
  sd_case *c = NULL;
  double t0 = now_s();
  ck_assert_int_eq(sd_case_parse(schema, b, n, "big.xml", NULL, NULL, &c, dg), SD_E_LIMIT);
  ck_assert(now_s() - t0 < 0.5);
  diag_with("case.limit");
  free(b);

  /* a file: refused by its size before it is read */
  char dir[] = "/tmp/sendoc-case-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char path[300];
  snprintf(path, sizeof path, "%s/big.xml", dir);
  FILE *f = fopen(path, "wb");
  ck_assert_int_eq(ftruncate(fileno(f), (off_t)n), 0);
  fclose(f);
  t0 = now_s();
  ck_assert_int_eq(sd_case_parse_file(schema, path, NULL, &c, dg), SD_E_LIMIT);
  ck_assert(now_s() - t0 < 0.5);
  unlink(path);
  rmdir(dir);
}
END_TEST

START_TEST(test_invalid_utf8_names_its_position)
{
  expect_error("invalid-utf8.xml", SD_E_INPUT, "case.encoding", 18, 19);
}
END_TEST

START_TEST(test_nul_byte_is_refused)
{
  expect_error("nul-byte.xml", SD_E_INPUT, "case.encoding", 26, 28);
}
END_TEST

START_TEST(test_other_encodings_are_refused)
{
  expect_error("latin1.xml", SD_E_INPUT, "case.encoding", 1, 31);
}
END_TEST

START_TEST(test_missing_required_element_in_plain_words)
{
  expect_error("missing-required.xml", SD_E_INPUT, "case.schema", 3, 3);
  const sd_diag *g = diag_with("case.schema");
  ck_assert_str_eq(g->field, "child");
  ck_assert_str_eq(g->message, "missing required element <date-of-birth>");
}
END_TEST

START_TEST(test_bad_enumeration_lists_allowed_values)
{
  expect_error("bad-enum.xml", SD_E_INPUT, "case.schema", 23, 5);
  const sd_diag *g = diag_with("case.schema");
  ck_assert_str_eq(g->field, "need");
  ck_assert_msg(strstr(g->message, "type=\"XYZ\" is not one of the allowed values: SPLD, MLD") == g->message,
                "%s", g->message);
  ck_assert_uint_eq(dg->n, 1); /* the facet error is not repeated as a type error */
}
END_TEST

START_TEST(test_bad_date_is_named)
{
  expect_error("bad-date.xml", SD_E_INPUT, "case.schema", 6, 5);
  const sd_diag *g = diag_with("case.schema");
  ck_assert_str_eq(g->field, "date-of-birth");
  ck_assert_str_eq(g->message, "\"2015-02-31\" is not a valid date (YYYY-MM-DD)");
}
END_TEST

START_TEST(test_unexpected_element_is_named)
{
  expect_error("unexpected.xml", SD_E_INPUT, "case.schema", 22, 3);
  const sd_diag *g = diag_with("case.schema");
  ck_assert_str_eq(g->field, "favourite-colour");
  ck_assert_msg(strstr(g->message, "<favourite-colour> is not expected here; expected <needs>") == g->message,
                "%s", g->message);
}
END_TEST

START_TEST(test_bad_xml_lang_is_refused)
{
  expect_error("bad-lang.xml", SD_E_INPUT, "case.schema", 25, 31);
}
END_TEST

START_TEST(test_repeat_without_xml_lang_is_not_a_translation)
{
  expect_error("translation-repeat.xml", SD_E_INPUT, "case.translation", 9, 7);
  ck_assert_str_eq(diag_with("case.translation")->field, "alt");
}
END_TEST

START_TEST(test_translation_carries_no_attributes)
{
  expect_error("translation-attr.xml", SD_E_INPUT, "case.translation", 24, 5);
}
END_TEST

START_TEST(test_dangling_reference)
{
  expect_error("bad-ref.xml", SD_E_INPUT, "case.ref", 30, 5);
  ck_assert_str_eq(diag_with("case.ref")->message, "need=\"n9\" names no <need id=\"n9\">");
}
END_TEST

START_TEST(test_review_before_plan_date)
{
  expect_error("bad-date-order.xml", SD_E_INPUT, "case.date", 31, 5);
}
END_TEST

/* ---- photos ---- */

static sd_status parse_in(const char *fixture, const char *base_dir, sd_case **c)
{
  char path[256];
  snprintf(path, sizeof path, "tests/case/%s", fixture);
  size_t len;
  char *b = slurp(path, &len);
  sd_status st = sd_case_parse(schema, b, len, path, base_dir, NULL, c, dg);
  free(b);
  return st;
}

START_TEST(test_photo_cannot_climb_out)
{
  sd_case *c = NULL;
  ck_assert_int_eq(parse_in("photo-dotdot.xml", "tests/case", &c), SD_E_INPUT);
  const sd_diag *g = diag_with("case.photo");
  ck_assert_int_eq(g->line, 7);
  ck_assert_int_eq(g->col, 5);
  ck_assert(strstr(g->message, "photos/../../secret.png") != NULL);
}
END_TEST

START_TEST(test_photo_cannot_be_absolute)
{
  sd_case *c = NULL;
  ck_assert_int_eq(parse_in("photo-absolute.xml", "tests/case", &c), SD_E_INPUT);
  const sd_diag *g = diag_with("case.photo");
  ck_assert_int_eq(g->line, 7);
  ck_assert(strstr(g->message, "absolute") != NULL);
}
END_TEST

START_TEST(test_photo_symlink_cannot_lead_outside)
{
  char dir[] = "/tmp/sendoc-case-XXXXXX", out[] = "/tmp/sendoc-outside-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  ck_assert_ptr_nonnull(mkdtemp(out));
  char p[512], q[512];
  snprintf(q, sizeof q, "%s/secret.png", out);
  FILE *f = fopen(q, "wb");
  fputs("not for you", f);
  fclose(f);
  snprintf(p, sizeof p, "%s/photos", dir);
  ck_assert_int_eq(mkdir(p, 0700), 0);
  snprintf(p, sizeof p, "%s/photos/sam.png", dir);
  ck_assert_int_eq(symlink(q, p), 0);

  size_t len;
  char *b = slurp("tests/case/minimal.xml", &len);
  const char *at = strstr(b, "  </child>");
  char *doc = sd_strdup_printf("%.*s    <photo src=\"photos/sam.png\"><alt>A drawing</alt></photo>\n%s",
                               (int)(at - b), b, at);
  sd_case *c = NULL;
  ck_assert_int_eq(sd_case_parse(schema, doc, strlen(doc), "sym.xml", dir, NULL, &c, dg), SD_E_INPUT);
  const sd_diag *g = diag_with("case.photo");
  ck_assert_int_eq(g->line, 7);
  ck_assert(strstr(g->message, "outside") != NULL);
  ck_assert_ptr_null(strstr(g->message, out)); /* names the path from the case only */

  /* a symlink that stays inside, to a real file, is fine */
  unlink(p);
  snprintf(q, sizeof q, "%s/photos/real.png", dir);
  f = fopen(q, "wb");
  fputs("png", f);
  fclose(f);
  ck_assert_int_eq(symlink("real.png", p), 0);
  sd_diags_free(dg);
  dg = sd_diags_new();
  ck_assert_int_eq(sd_case_parse(schema, doc, strlen(doc), "sym.xml", dir, NULL, &c, dg), SD_OK);
  char *r = sd_case_resolve_photo(c, sd_case_find(c->root, "child.photo"), "photos/sam.png", dg);
  ck_assert_ptr_nonnull(r);
  ck_assert(strstr(r, "/photos/real.png") != NULL);
  free(r);
  /* a folder is not a photo; a missing file is named */
  ck_assert_ptr_null(sd_case_resolve_photo(c, c->root, "photos", dg));
  ck_assert_ptr_null(sd_case_resolve_photo(c, c->root, "photos/missing.png", dg));
  sd_case_free(c);

  unlink(p);
  unlink(q);
  snprintf(p, sizeof p, "%s/photos", dir);
  rmdir(p);
  rmdir(dir);
  snprintf(q, sizeof q, "%s/secret.png", out);
  unlink(q);
  rmdir(out);
  free(doc);
  free(b);
}
END_TEST

START_TEST(test_memory_case_cannot_read_photos)
{
  size_t len;
  char *b = slurp("samples/rumi-begum.xml", &len);
  sd_case *c = NULL;
  ck_assert_int_eq(sd_case_parse(schema, b, len, "-", NULL, NULL, &c, dg), SD_OK);
  ck_assert_uint_eq(sd_diags_errors(dg), 0);
  ck_assert_int_eq(diag_with("case.photo")->severity, SD_SEV_WARNING);
  ck_assert_ptr_null(sd_case_resolve_photo(c, c->root, "photos/rumi.png", dg));
  ck_assert_uint_eq(sd_diags_errors(dg), 1);
  sd_case_free(c);
  free(b);
}
END_TEST

/* ---- pathological sizes (cmark's pathological_tests.py) ---- */

START_TEST(test_many_items_and_a_long_field)
{
  size_t len;
  char *b = slurp("tests/case/minimal.xml", &len);
  size_t cap = len + 5000 * 32 + (1u << 20) + 100, n = 0;
  char *doc = malloc(cap);
  const char *at = strstr(b, "<strengths>") + strlen("<strengths>");
  n += (size_t)snprintf(doc, cap, "%.*s", (int)(at - b), b);
  for (int i = 0; i < 5000; i++) n += (size_t)snprintf(doc + n, cap - n, "<item>Item %d</item>", i);
  n += (size_t)snprintf(doc + n, cap - n, "<item>");
  memset(doc + n, 'x', 1u << 20);
  n += 1u << 20;
  n += (size_t)snprintf(doc + n, cap - n, "</item>%s", at);
  sd_case *c = NULL;
  double t0 = now_s();
  sd_status st = sd_case_parse(schema, doc, n, "many.xml", NULL, NULL, &c, dg);
  if (st != SD_OK) diags_print(dg);
  ck_assert_int_eq(st, SD_OK);
  ck_assert(now_s() - t0 < 2.0);
  ck_assert_uint_eq(sd_case_find(c->root, "strengths")->n_children, 5002);
  sd_case_free(c);
  free(doc);
  free(b);
}
END_TEST

/* minimal.xml with `items` extra strengths, the last `field` bytes long */
static char *with_strengths(int items, size_t field, size_t *n_out)
{
  size_t len;
  char *b = slurp("tests/case/minimal.xml", &len);
  size_t cap = len + (size_t)items * 32 + field + 100, n = 0;
  char *doc = malloc(cap);
  const char *at = strstr(b, "<strengths>") + strlen("<strengths>");
  n += (size_t)snprintf(doc, cap, "%.*s", (int)(at - b), b);
  for (int i = 0; i < items; i++) n += (size_t)snprintf(doc + n, cap - n, "<item>Item %d</item>", i);
  n += (size_t)snprintf(doc + n, cap - n, "\n<item>");
  memset(doc + n, 'x', field);
  n += field;
  n += (size_t)snprintf(doc + n, cap - n, "</item>%s", at);
  free(b);
  *n_out = n;
  return doc;
}

START_TEST(test_field_over_a_mebibyte_is_refused_at_its_element)
{
  size_t n;
  char *doc = with_strengths(0, SD_CASE_MAX_TEXT + 1, &n);
  sd_case *c = NULL;
  ck_assert_int_eq(sd_case_parse(schema, doc, n, "long.xml", NULL, NULL, &c, dg), SD_E_LIMIT);
  const sd_diag *g = diag_with("case.limit");
  ck_assert_ptr_nonnull(g);
  ck_assert_int_gt(g->line, 1);
  ck_assert_int_gt(g->col, 0);
  ck_assert_str_eq(g->field, "item");
  free(doc);
}
END_TEST

START_TEST(test_list_of_over_ten_thousand_is_refused_at_the_list)
{
  size_t n;
  char *doc = with_strengths(SD_CASE_MAX_CHILDREN + 1, 4, &n);
  sd_case *c = NULL;
  ck_assert_int_eq(sd_case_parse(schema, doc, n, "many.xml", NULL, NULL, &c, dg), SD_E_LIMIT);
  const sd_diag *g = diag_with("case.limit");
  ck_assert_ptr_nonnull(g);
  ck_assert_str_eq(g->field, "strengths");
  ck_assert_int_gt(g->line, 1);
  free(doc);
}
END_TEST

START_TEST(test_schema_never_reads_other_files)
{
  sd_schema *s = NULL;
  ck_assert_int_eq(sd_schema_load("tests/case/no-such.xsd", &s, dg), SD_E_RESOURCE);
  ck_assert_ptr_null(s);
  char dir[] = "/tmp/sendoc-xsd-XXXXXX";
  ck_assert_ptr_nonnull(mkdtemp(dir));
  char p[300];
  snprintf(p, sizeof p, "%s/imp.xsd", dir);
  FILE *f = fopen(p, "w");
  fputs("<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">"
        "<xs:import namespace=\"http://www.w3.org/XML/1998/namespace\" "
        "schemaLocation=\"http://www.w3.org/2001/xml.xsd\"/></xs:schema>", f);
  fclose(f);
  ck_assert_int_eq(sd_schema_load(p, &s, dg), SD_E_RESOURCE);
  ck_assert_ptr_null(s);
  unlink(p);
  rmdir(dir);
}
END_TEST

/* fuzz_case crash-633038f4: a start tag cut off at the end of input made
 * the column scan read one byte past the buffer */
START_TEST(test_start_tag_at_end_of_input)
{
  static const char *const inputs[] = { "<bn", "<case", "<case version=\"1\"", "<!DOCTYPE", "<a><b" };
  for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
    sd_case *c = NULL;
    size_t n = strlen(inputs[i]);
    char *b = malloc(n); /* exactly n bytes, so ASan sees a read past the end */
    memcpy(b, inputs[i], n);
    ck_assert_int_ne(sd_case_parse(schema, b, n, "cut.xml", NULL, NULL, &c, dg), SD_OK);
    ck_assert_ptr_null(c);
    free(b);
  }
  ck_assert_uint_ge(sd_diags_errors(dg), 5);
}
END_TEST

START_TEST(test_free_null_and_usage)
{
  sd_case_free(NULL);
  sd_schema_free(NULL);
  sd_case *c = (sd_case *)&c;
  ck_assert_int_eq(sd_case_parse(schema, NULL, 0, "x", NULL, NULL, &c, dg), SD_E_INPUT);
  ck_assert_ptr_null(c);
  ck_assert_int_eq(sd_case_parse(NULL, "x", 1, "x", NULL, NULL, &c, dg), SD_E_USAGE);
  ck_assert_ptr_null(sd_case_find(NULL, "x"));
  ck_assert_ptr_null(sd_case_text_in(NULL, "en", NULL));
  ck_assert_int_eq(sd_case_parse_file(schema, "tests/case/none.xml", NULL, &c, dg), SD_E_IO);
}
END_TEST

/* ---- issue 13: UTF-16 and attribute floods ---- */

/* UTF-8 -> UTF-16 with a byte order mark, big- or little-endian. */
static char *to_utf16(const char *u8, size_t n, int be, size_t *out_n)
{
  unsigned char *o = malloc(2 * n + 4);
  size_t k = 0;
  o[k++] = be ? 0xFE : 0xFF;
  o[k++] = be ? 0xFF : 0xFE;
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)u8[i];
    uint32_t cp;
    int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    for (int j = 1; j < len; j++) cp = cp << 6 | ((unsigned char)u8[i + j] & 0x3F);
    i += (size_t)len;
    uint32_t units[2];
    int nu = 1;
    if (cp >= 0x10000) {
      units[0] = 0xD800 + ((cp - 0x10000) >> 10);
      units[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
      nu = 2;
    } else {
      units[0] = cp;
    }
    for (int j = 0; j < nu; j++) {
      o[k++] = (unsigned char)(be ? units[j] >> 8 : units[j] & 0xFF);
      o[k++] = (unsigned char)(be ? units[j] & 0xFF : units[j] >> 8);
    }
  }
  *out_n = k;
  return (char *)o;
}

/* The file with its declaration saying UTF-16, as a UTF-16 file's must. */
static char *declare_utf16(const char *u8)
{
  const char *decl = strstr(u8, "encoding=\"UTF-8\"");
  ck_assert_ptr_nonnull(decl);
  decl += strlen("encoding=\"");
  size_t n = strlen(u8) + 2;
  char *v = malloc(n + 1);
  snprintf(v, n + 1, "%.*sUTF-16%s", (int)(decl - u8), u8, decl + 5);
  return v;
}

/* XML 1.0 4.3.3: processors must read UTF-16 (with its byte order mark);
 * positions are the same as in the UTF-8 file */
START_TEST(test_utf16_with_bom_is_read_with_same_positions)
{
  size_t len;
  char *u8 = slurp("tests/case/bad-enum.xml", &len);
  sd_case *c = NULL;
  ck_assert_int_eq(sd_case_parse(schema, u8, len, "u8.xml", NULL, NULL, &c, dg), SD_E_INPUT);
  const sd_diag *want = diag_with("case.schema");
  int line = want->line, col = want->col;
  char *decl16 = declare_utf16(u8);
  for (int be = 0; be <= 1; be++) {
    sd_diags_free(dg);
    dg = sd_diags_new();
    size_t n;
    char *u16 = to_utf16(decl16, strlen(decl16), be, &n);
    ck_assert_int_eq(sd_case_parse(schema, u16, n, "u16.xml", NULL, NULL, &c, dg), SD_E_INPUT);
    const sd_diag *g = diag_with("case.schema");
    ck_assert_int_eq(g->line, line);
    ck_assert_int_eq(g->col, col);
    free(u16);
  }
  free(decl16);
  free(u8);
  char *m = slurp("tests/case/minimal.xml", &len);
  u8 = declare_utf16(m);
  free(m);
  len = strlen(u8);
  for (int be = 0; be <= 1; be++) {
    size_t n;
    char *u16 = to_utf16(u8, len, be, &n);
    c = NULL;
    if (sd_case_parse(schema, u16, n, "u16.xml", NULL, NULL, &c, dg) != SD_OK) diags_print(dg);
    ck_assert_ptr_nonnull(c);
    sd_case_free(c);
    free(u16);
  }
  free(u8);
}
END_TEST

START_TEST(test_utf16_lone_surrogate_and_missing_bom_are_refused)
{
  const char lone[] = "\xff\xfe<\0c\0>\0\x00\xd8<\0/\0c\0>\0";
  sd_case *c = NULL;
  ck_assert_int_eq(sd_case_parse(schema, lone, sizeof lone - 1, "lone.xml", NULL, NULL, &c, dg), SD_E_INPUT);
  const sd_diag *g = diag_with("case.encoding");
  ck_assert(strstr(g->message, "surrogate") != NULL);
  ck_assert_int_eq(g->line, 1);
  ck_assert_int_eq(g->col, 4);
  const char nobom[] = "<\0c\0/\0>\0";
  ck_assert_int_eq(sd_case_parse(schema, nobom, sizeof nobom - 1, "nobom.xml", NULL, NULL, &c, dg), SD_E_INPUT);
  /* XML 1.0 4.3.3: UTF-16 declaring UTF-8 is a fatal error */
  size_t len;
  char *u8 = slurp("tests/case/minimal.xml", &len);
  ck_assert_ptr_nonnull(strstr(u8, "encoding=\"UTF-8\""));
  size_t n;
  char *lie = to_utf16(u8, len, 0, &n);
  ck_assert_int_eq(sd_case_parse(schema, lie, n, "lie.xml", NULL, NULL, &c, dg), SD_E_INPUT);
  ck_assert_ptr_null(c);
  const sd_diag *e = NULL;
  for (size_t i = 0; i < dg->n; i++)
    if (strstr(dg->items[i].message, "declares encoding \"UTF-8\"")) e = &dg->items[i];
  ck_assert_ptr_nonnull(e);
  ck_assert_int_eq(e->line, 1);
  ck_assert_int_gt(e->col, 1);
  free(lie);
  free(u8);
  const char odd[] = "\xfe\xff\0<\0";
  ck_assert_int_eq(sd_case_parse(schema, odd, sizeof odd - 1, "odd.xml", NULL, NULL, &c, dg), SD_E_INPUT);
  ck_assert_ptr_null(c);
}
END_TEST

/* libxml2 2.9 took 21 s over 100,000 attributes on one element */
START_TEST(test_attribute_flood_is_refused_before_libxml2)
{
  size_t len;
  char *b = slurp("tests/case/minimal.xml", &len);
  const char *at = strstr(b, "<strengths>");
  ck_assert_ptr_nonnull(at);
  size_t n_attr = 100000, cap = len + n_attr * 16 + 64, n = 0;
  char *doc = malloc(cap);
  n += (size_t)snprintf(doc, cap, "%.*s<strengths", (int)(at - b), b);
  for (size_t i = 0; i < n_attr; i++) n += (size_t)snprintf(doc + n, cap - n, " a%zu='>'", i);
  n += (size_t)snprintf(doc + n, cap - n, "%s", at + strlen("<strengths"));
  sd_case *c = NULL;
  double t0 = now_s();
  ck_assert_int_eq(sd_case_parse(schema, doc, n, "flood.xml", NULL, NULL, &c, dg), SD_E_LIMIT);
  ck_assert(now_s() - t0 < 2.0);
  const sd_diag *g = diag_with("case.limit");
  ck_assert_str_eq(g->field, "strengths");
  ck_assert_int_gt(g->line, 1);
  ck_assert_int_gt(g->col, 0);
  ck_assert(strstr(g->message, "100000 attributes") != NULL);
  free(doc);
  free(b);
}
END_TEST

/* '=' in comments, CDATA, processing instructions and quoted values is no attribute */
START_TEST(test_equals_signs_outside_tags_are_not_attributes)
{
  size_t len;
  char *b = slurp("tests/case/minimal.xml", &len);
  const char *at = strstr(b, "<strengths>");
  size_t cap = len + 4 * 300 * 8 + 64, n = 0;
  char *doc = malloc(cap);
  n += (size_t)snprintf(doc, cap, "%.*s<!--", (int)(at - b), b);
  for (int i = 0; i < 300; i++) n += (size_t)snprintf(doc + n, cap - n, " a=1");
  n += (size_t)snprintf(doc + n, cap - n, " --><?pi");
  for (int i = 0; i < 300; i++) n += (size_t)snprintf(doc + n, cap - n, " a=1");
  n += (size_t)snprintf(doc + n, cap - n, "?>%s", at);
  sd_case *c = NULL;
  if (sd_case_parse(schema, doc, n, "eq.xml", NULL, NULL, &c, dg) != SD_OK) diags_print(dg);
  ck_assert_ptr_nonnull(c);
  sd_case_free(c);
  free(doc);
  free(b);
}
END_TEST

static Suite *case_suite(void)
{
  Suite *s = suite_create("case");
  TCase *t = tcase_create("samples");
  tcase_add_unchecked_fixture(t, setup_schema, teardown_schema);
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_set_timeout(t, 30);
  tcase_add_test(t, test_every_sample_validates);
  tcase_add_test(t, test_tree_exposes_fields_with_positions);
  tcase_add_test(t, test_version_1_files_stay_valid_under_schema_2);
  tcase_add_test(t, test_translations_fold_and_match);
  tcase_add_test(t, test_script_subtags_never_cross);
  tcase_add_test(t, test_dump_is_stable);
  tcase_add_test(t, test_threads_share_one_schema);
  suite_add_tcase(s, t);

  t = tcase_create("hostile");
  tcase_add_unchecked_fixture(t, setup_schema, teardown_schema);
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_set_timeout(t, 30);
  tcase_add_test(t, test_unclosed_tag_is_malformed);
  tcase_add_test(t, test_utf16_with_bom_is_read_with_same_positions);
  tcase_add_test(t, test_utf16_lone_surrogate_and_missing_bom_are_refused);
  tcase_add_test(t, test_attribute_flood_is_refused_before_libxml2);
  tcase_add_test(t, test_equals_signs_outside_tags_are_not_attributes);
  tcase_add_test(t, test_xxe_is_refused_before_any_read);
  tcase_add_test(t, test_billion_laughs_is_refused);
  tcase_add_test(t, test_external_dtd_is_refused);
  tcase_add_test(t, test_deep_nesting_is_bounded);
  tcase_add_test(t, test_50mb_text_is_refused_by_size);
  tcase_add_test(t, test_invalid_utf8_names_its_position);
  tcase_add_test(t, test_nul_byte_is_refused);
  tcase_add_test(t, test_other_encodings_are_refused);
  tcase_add_test(t, test_missing_required_element_in_plain_words);
  tcase_add_test(t, test_bad_enumeration_lists_allowed_values);
  tcase_add_test(t, test_bad_date_is_named);
  tcase_add_test(t, test_unexpected_element_is_named);
  tcase_add_test(t, test_bad_xml_lang_is_refused);
  tcase_add_test(t, test_repeat_without_xml_lang_is_not_a_translation);
  tcase_add_test(t, test_translation_carries_no_attributes);
  tcase_add_test(t, test_dangling_reference);
  tcase_add_test(t, test_review_before_plan_date);
  tcase_add_test(t, test_many_items_and_a_long_field);
  tcase_add_test(t, test_schema_never_reads_other_files);
  tcase_add_test(t, test_start_tag_at_end_of_input);
  tcase_add_test(t, test_free_null_and_usage);
  suite_add_tcase(s, t);

  t = tcase_create("photos");
  tcase_add_unchecked_fixture(t, setup_schema, teardown_schema);
  tcase_add_checked_fixture(t, setup, teardown);
  tcase_add_test(t, test_photo_cannot_climb_out);
  tcase_add_test(t, test_photo_cannot_be_absolute);
  tcase_add_test(t, test_photo_symlink_cannot_lead_outside);
  tcase_add_test(t, test_memory_case_cannot_read_photos);
  tcase_add_test(t, test_field_over_a_mebibyte_is_refused_at_its_element);
  tcase_add_test(t, test_list_of_over_ten_thousand_is_refused_at_the_list);
  suite_add_tcase(s, t);
  return s;
}

RUN_SUITE(case_suite)
