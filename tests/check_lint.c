/* check_lint: every statutory lint rule fires on a fixture (tests/lint/)
 * or a hand-built tree, and stays quiet on one that meets it; the samples are
 * clean apart from the findings documented in test_samples_*.
 * Runs from the repository root; catalogues come from $SENDOC_DATA/locales
 * (build/share/sendoc/locales after `make data`); the fixture catalogue for
 * lint.locale-missing-message is compiled with genrb ($GENRB). */
#include <stdio.h>
#include "lint.h"
#include "testutil.h"
#include <unistd.h>

#define XSD "engine/schema/case.xsd"

static sd_schema *schema;
static char locales[1024];

static void setup(void)
{
  sd_diags *d = sd_diags_new();
  if (sd_schema_load(XSD, &schema, d) != SD_OK) diags_print(d);
  ck_assert_ptr_nonnull(schema);
  sd_diags_free(d);
  snprintf(locales, sizeof locales, "%s/locales", test_data_dir());
}

static void teardown(void)
{
  sd_schema_free(schema);
  schema = NULL;
}

static sd_case *load(const char *path)
{
  sd_diags *d = sd_diags_new();
  sd_case *c = NULL;
  sd_status st = sd_case_parse_file(schema, path, NULL, &c, d);
  if (st != SD_OK) diags_print(d);
  ck_assert_int_eq(st, SD_OK);
  sd_diags_free(d);
  return c;
}

/* Lints a fixture with these options into a fresh list. */
static sd_diags *lint_file(const char *path, const sd_lint_options *opt)
{
  sd_case *c = load(path);
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_lint_case(c, opt, d), SD_OK);
  sd_case_free(c);
  return d;
}

/* How many diagnostics with this code (any line when line is 0). */
static size_t count_at(const sd_diags *d, const char *code, int line)
{
  size_t n = 0;
  for (size_t i = 0; i < d->n; i++)
    if (!strcmp(d->items[i].code, code) && (!line || d->items[i].line == line)) n++;
  return n;
}

static size_t warnings(const sd_diags *d)
{
  size_t n = 0;
  for (size_t i = 0; i < d->n; i++) n += d->items[i].severity >= SD_SEV_WARNING;
  return n;
}

static const sd_diag *find_at(const sd_diags *d, const char *code, int line)
{
  for (size_t i = 0; i < d->n; i++)
    if (!strcmp(d->items[i].code, code) && d->items[i].line == line) return &d->items[i];
  return NULL;
}

static bool ends_with(const char *s, const char *tail)
{
  size_t n = s ? strlen(s) : 0, k = strlen(tail);
  return n >= k && !strcmp(s + n - k, tail);
}

/* ---- a case tree built by hand (no XML) ---- */

#define MAXN 64
typedef struct tree {
  sd_case_node n[MAXN];
  sd_case_node *kids[MAXN][8];
  size_t used;
  sd_case c;
} tree;

static sd_case_node *add(tree *t, sd_case_node *parent, const char *name, const char *text, bool is_attr)
{
  ck_assert_uint_lt(t->used, MAXN);
  sd_case_node *x = &t->n[t->used];
  x->children = t->kids[t->used];
  t->used++;
  x->name = name;
  x->text = text;
  x->is_attr = is_attr;
  x->line = (int)t->used;
  x->col = 3;
  x->lang = parent ? parent->lang : "en-GB";
  if (parent) {
    ck_assert_uint_lt(parent->n_children, 8);
    parent->children[parent->n_children++] = x;
    x->parent = parent;
  }
  return x;
}

/* <case> with <child>, a final <plan> and <placement>: an EHCP without section A views. */
static tree *ehcp_tree(void)
{
  tree *t = calloc(1, sizeof *t);
  sd_case_node *root = add(t, NULL, "case", NULL, false);
  add(t, root, "child", NULL, false);
  sd_case_node *pl = add(t, root, "placement", NULL, false);
  add(t, pl, "school-name", "Test School", false);
  sd_case_node *plan = add(t, root, "plan", NULL, false);
  add(t, plan, "status", "final", true);
  add(t, plan, "issue-date", "2026-01-26", false);
  sd_case_node *by = add(t, plan, "issued-by", NULL, false);
  add(t, by, "name", "A Officer", false);
  t->c.root = root;
  t->c.file = "hand-built";
  return t;
}

/* ---- section F ---- */

START_TEST(test_vague_or_unquantified_provision_is_reported)
{
  sd_diags *d = lint_file("tests/lint/vague-provision.xml", NULL);
  if (d->n != 7) diags_print(d);
  ck_assert_uint_eq(count_at(d, "lint.f-not-specific", 0), 7);
  ck_assert_uint_eq(d->n, 7);
  ck_assert_ptr_nonnull(strstr(find_at(d, "lint.f-not-specific", 37)->message, "\"access to\""));
  ck_assert_uint_eq(count_at(d, "lint.f-not-specific", 38), 2); /* "regularly", and no number */
  ck_assert_uint_eq(count_at(d, "lint.f-not-specific", 39), 2); /* "as needed", and no number */
  ck_assert_ptr_nonnull(strstr(find_at(d, "lint.f-not-specific", 43)->message, "\"may\""));
  ck_assert_ptr_nonnull(strstr(find_at(d, "lint.f-not-specific", 57)->message, "\"up to\""));
  ck_assert_int_eq(find_at(d, "lint.f-not-specific", 57)->col, 7);
  /* "May 2027" is a month; "Weekly", "Daily", "An hour" are quantified; group size is not checked */
  ck_assert_uint_eq(count_at(d, "lint.f-not-specific", 49), 0);
  ck_assert_uint_eq(count_at(d, "lint.f-not-specific", 44), 0);
  ck_assert_uint_eq(count_at(d, "lint.f-not-specific", 51), 0);
  ck_assert_uint_eq(count_at(d, "lint.f-not-specific", 58), 0);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_vague_words_match_only_whole_words)
{
  tree *t = ehcp_tree();
  sd_case_node *prov = add(t, t->c.root, "provision", NULL, false);
  sd_case_node *item = add(t, prov, "item", NULL, false);
  add(t, item, "what", "Mayan history project; irregular verbs; a map to the library", false);
  add(t, item, "frequency", "Every lesson", false);
  add(t, item, "duration", "The whole lesson", false);
  sd_case_node *cv = add(t, t->c.root, "child-views", NULL, false);
  add(t, cv, "quote", "I like maps.", false);
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_lint_case(&t->c, NULL, d), SD_OK);
  if (d->n) diags_print(d);
  ck_assert_uint_eq(d->n, 0);
  sd_diags_free(d);
  free(t);
}
END_TEST

START_TEST(test_provision_without_frequency_is_reported)
{
  tree *t = ehcp_tree();
  sd_case_node *cv = add(t, t->c.root, "child-views", NULL, false);
  add(t, cv, "quote", "I like maps.", false);
  sd_case_node *prov = add(t, t->c.root, "provision", NULL, false);
  sd_case_node *item = add(t, prov, "item", NULL, false);
  add(t, item, "what", "Speech and language therapy", false);
  add(t, item, "duration", "30 minutes", false);
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_lint_case(&t->c, NULL, d), SD_OK);
  ck_assert_uint_eq(count_at(d, "lint.f-not-specific", item->line), 1);
  ck_assert_str_eq(find_at(d, "lint.f-not-specific", item->line)->field, "frequency");
  ck_assert_uint_eq(d->n, 1);
  sd_diags_free(d);
  free(t);
}
END_TEST

/* ---- sections A, B, E, I ---- */

START_TEST(test_ehcp_gaps_are_reported)
{
  sd_diags *d = lint_file("tests/lint/ehcp-gaps.xml", NULL);
  ck_assert_uint_eq(count_at(d, "lint.b-no-outcome", 28), 1);
  ck_assert_uint_eq(count_at(d, "lint.b-no-provision", 28), 1);
  ck_assert_uint_eq(count_at(d, "lint.b-no-outcome", 27), 0);
  ck_assert_uint_eq(count_at(d, "lint.b-no-provision", 27), 0);
  ck_assert_uint_eq(count_at(d, "lint.e-no-timeframe", 35), 1); /* timeframe="Ongoing" */
  ck_assert_uint_eq(count_at(d, "lint.e-pfa-missing", 34), 1);  /* Year 10 */
  ck_assert_uint_eq(count_at(d, "lint.i-no-placement", 45), 1); /* final plan */
  ck_assert_uint_eq(count_at(d, "lint.plan-unissued", 45), 1);  /* ...that names no issuing officer */
  ck_assert_ptr_nonnull(strstr(find_at(d, "lint.b-no-outcome", 28)->message, "\"n2\""));
  ck_assert_str_eq(find_at(d, "lint.b-no-outcome", 28)->file, "tests/lint/ehcp-gaps.xml");
  ck_assert_int_eq(find_at(d, "lint.b-no-outcome", 28)->col, 5);
  ck_assert_uint_eq(d->n, 6);
  for (size_t i = 0; i < d->n; i++) ck_assert_int_eq(d->items[i].severity, SD_SEV_WARNING);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_complete_draft_ehcp_is_clean)
{
  /* Year 9 with a pfa outcome, "By Easter", a draft without placement, a
   * review invited exactly 14 days ahead, complete actions */
  sd_lint_options opt = { .locale_dir = locales };
  sd_diags *d = lint_file("tests/lint/ehcp-draft.xml", &opt);
  if (d->n) diags_print(d);
  ck_assert_uint_eq(d->n, 0);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_outcome_without_timeframe_is_reported)
{
  tree *t = ehcp_tree();
  sd_case_node *cv = add(t, t->c.root, "child-views", NULL, false);
  add(t, cv, "quote", "I like maps.", false);
  sd_case_node *needs = add(t, t->c.root, "needs", NULL, false);
  sd_case_node *need = add(t, needs, "need", "Finds noise hard.", false);
  add(t, need, "id", "n1", true);
  sd_case_node *outs = add(t, t->c.root, "outcomes", NULL, false);
  sd_case_node *o1 = add(t, outs, "outcome", "Will use ear defenders.", false);
  add(t, o1, "id", "o1", true);
  add(t, o1, "need", "n1", true);
  sd_case_node *o2 = add(t, outs, "outcome", "Will ask for a break.", false);
  add(t, o2, "id", "o2", true);
  add(t, o2, "need", "n1", true);
  add(t, o2, "by-date", "2027-07-16", true);
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_lint_case(&t->c, NULL, d), SD_OK);
  ck_assert_uint_eq(count_at(d, "lint.e-no-timeframe", o1->line), 1);
  ck_assert_uint_eq(count_at(d, "lint.e-no-timeframe", 0), 1);
  /* no provision points at n1 */
  ck_assert_uint_eq(count_at(d, "lint.b-no-provision", need->line), 1);
  ck_assert_uint_eq(count_at(d, "lint.b-no-outcome", 0), 0);
  sd_diags_free(d);
  free(t);
}
END_TEST

START_TEST(test_ehcp_without_child_views_is_reported)
{
  tree *t = ehcp_tree();
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_lint_case(&t->c, NULL, d), SD_OK);
  ck_assert_uint_eq(count_at(d, "lint.a-no-child-views", 2), 1); /* at <child>, line 2 */
  ck_assert_uint_eq(d->n, 1);
  sd_diags_free(d);

  /* an empty <child-views> is reported at itself; a quote silences it */
  sd_case_node *cv = add(t, t->c.root, "child-views", NULL, false);
  d = sd_diags_new();
  sd_lint_case(&t->c, NULL, d);
  ck_assert_uint_eq(count_at(d, "lint.a-no-child-views", cv->line), 1);
  sd_diags_free(d);
  add(t, cv, "quote", "I like maps.", false);
  d = sd_diags_new();
  sd_lint_case(&t->c, NULL, d);
  ck_assert_uint_eq(d->n, 0);
  sd_diags_free(d);
  free(t);
}
END_TEST

START_TEST(test_pfa_outcomes_only_from_year_9)
{
  tree *t = ehcp_tree();
  sd_case_node *cv = add(t, t->c.root, "child-views", NULL, false);
  add(t, cv, "quote", "I like maps.", false);
  sd_case_node *yg = add(t, t->c.root->children[0], "year-group", "8", false);
  sd_diags *d = sd_diags_new();
  sd_lint_case(&t->c, NULL, d);
  ck_assert_uint_eq(count_at(d, "lint.e-pfa-missing", 0), 0);
  sd_diags_free(d);
  yg->text = "9";
  d = sd_diags_new();
  sd_lint_case(&t->c, NULL, d);
  ck_assert_uint_eq(count_at(d, "lint.e-pfa-missing", yg->line), 1); /* no <outcomes>: at the year group */
  sd_diags_free(d);
  yg->text = "R";
  d = sd_diags_new();
  sd_lint_case(&t->c, NULL, d);
  ck_assert_uint_eq(count_at(d, "lint.e-pfa-missing", 0), 0);
  sd_diags_free(d);
  free(t);
}
END_TEST

START_TEST(test_no_ehcp_rules_without_ehcp_data)
{
  /* review.xml is SEN support: its need has no outcome, which is fine... */
  sd_diags *d = lint_file("tests/lint/review.xml", NULL);
  ck_assert_uint_eq(count_at(d, "lint.b-no-outcome", 0), 0);
  sd_diags_free(d);
  /* ...unless an EHCP is being made from it */
  sd_lint_options opt = { .doc_type = "ehcp" };
  d = lint_file("tests/lint/review.xml", &opt);
  ck_assert_uint_eq(count_at(d, "lint.b-no-outcome", 26), 1);
  ck_assert_uint_eq(count_at(d, "lint.b-no-provision", 26), 1);
  sd_diags_free(d);
}
END_TEST

/* ---- meetings ---- */

START_TEST(test_short_notice_invitation_is_reported)
{
  sd_diags *d = lint_file("tests/lint/review.xml", NULL);
  ck_assert_uint_eq(count_at(d, "lint.invite-short-notice", 37), 1); /* 10 days */
  ck_assert_uint_eq(count_at(d, "lint.invite-short-notice", 0), 1);  /* not the planning meeting, 20 days */
  ck_assert_ptr_nonnull(strstr(find_at(d, "lint.invite-short-notice", 37)->message, "10 days"));
  ck_assert_ptr_nonnull(strstr(find_at(d, "lint.invite-short-notice", 37)->message, "9.176"));
  sd_diags_free(d);
}
END_TEST

START_TEST(test_actions_without_owner_or_date_are_reported)
{
  sd_diags *d = lint_file("tests/lint/review.xml", NULL);
  ck_assert_uint_eq(count_at(d, "lint.actions-incomplete", 40), 1);
  ck_assert_ptr_nonnull(strstr(find_at(d, "lint.actions-incomplete", 40)->message, "no owner"));
  ck_assert_uint_eq(count_at(d, "lint.actions-incomplete", 41), 1);
  ck_assert_ptr_nonnull(strstr(find_at(d, "lint.actions-incomplete", 41)->message, "no due date"));
  ck_assert_uint_eq(count_at(d, "lint.actions-incomplete", 42), 0);
  ck_assert_uint_eq(d->n, 3);
  sd_diags_free(d);
}
END_TEST

/* ---- translations ---- */

START_TEST(test_untranslated_fields_are_reported)
{
  sd_diags *d = lint_file("tests/lint/untranslated.xml", NULL);
  if (d->n != 3) diags_print(d);
  ck_assert_uint_eq(count_at(d, "lint.translation-missing", 33), 1); /* strength "Brave" */
  ck_assert_uint_eq(count_at(d, "lint.translation-missing", 41), 1); /* how to support */
  ck_assert_uint_eq(count_at(d, "lint.translation-missing", 48), 1); /* strategy what */
  ck_assert_uint_eq(d->n, 3);
  const sd_diag *g = find_at(d, "lint.translation-missing", 48);
  ck_assert_str_eq(g->field, "what");
  ck_assert_ptr_nonnull(strstr(g->message, "ur"));
  ck_assert_ptr_nonnull(strstr(g->message, "home-school strategy 1"));
  sd_diags_free(d);
}
END_TEST


START_TEST(test_untranslated_roles_and_timeframes_are_reported)
{
  /* issue 11: attendee roles and outcome timeframes stayed English in an Urdu letter */
  sd_diags *d = lint_file("tests/lint/roles-ur.xml", NULL);
  ck_assert_uint_eq(count_at(d, "lint.untranslated", 48), 1); /* SENCo */
  ck_assert_uint_eq(count_at(d, "lint.untranslated", 35), 1); /* By July 2027 */
  ck_assert_uint_eq(count_at(d, "lint.untranslated", 0), 2);  /* Parent and Easter are in the glossary */
  const sd_diag *g = find_at(d, "lint.untranslated", 48);
  ck_assert_str_eq(g->field, "role");
  ck_assert_ptr_nonnull(strstr(g->message, "<glossary>"));
  sd_diags_free(d);
  /* read in English nothing is missing */
  sd_lint_options opt = { .lang = "en-GB" };
  d = lint_file("tests/lint/roles-ur.xml", &opt);
  ck_assert_uint_eq(count_at(d, "lint.untranslated", 0), 0);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_final_plan_without_issuing_officer_is_reported)
{
  sd_diags *d = lint_file("tests/lint/roles-ur.xml", NULL);
  ck_assert_uint_eq(count_at(d, "lint.plan-unissued", 37), 1);
  ck_assert_ptr_nonnull(strstr(find_at(d, "lint.plan-unissued", 37)->message, "who issued it or when"));
  sd_diags_free(d);
}
END_TEST

START_TEST(test_lang_option_overrides_home_language)
{
  sd_lint_options en = { .lang = "en-GB" };
  sd_diags *d = lint_file("tests/lint/untranslated.xml", &en);
  ck_assert_uint_eq(d->n, 0);
  sd_diags_free(d);
  /* an English family's case read by a Bengali speaker: every default field */
  sd_lint_options bn = { .lang = "bn" };
  d = lint_file("tests/lint/review.xml", &bn);
  ck_assert_uint_eq(count_at(d, "lint.translation-missing", 0), 3);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_template_limits_translation_checks_to_its_fields)
{
  static const char tpl[] = "# Strengths\n\n{{#each strengths}}\n\n- {{.}}\n\n{{/each}}\n";
  sd_case *c = load("tests/lint/untranslated.xml");
  sd_diags *d = sd_diags_new();
  sd_template *t = NULL;
  sd_doc_tree doc;
  memset(&doc, 0, sizeof doc);
  ck_assert_int_eq(sd_template_parse(tpl, strlen(tpl), "t.md", &t, d), SD_OK);
  ck_assert_int_eq(sd_template_expand(t, c, "ur", &doc, d), SD_OK);
  sd_lint_options opt = { .doc = &doc };
  ck_assert_int_eq(sd_lint_case(c, &opt, d), SD_OK);
  if (d->n != 1) diags_print(d);
  ck_assert_uint_eq(count_at(d, "lint.translation-missing", 33), 1);
  ck_assert_uint_eq(d->n, 1);
  sd_doc_tree_free(&doc);
  sd_template_free(t);
  sd_diags_free(d);
  sd_case_free(c);
}
END_TEST

/* ---- catalogues ---- */

START_TEST(test_unreviewed_catalogue_is_a_note)
{
  sd_lint_options opt = { .locale_dir = locales };
  sd_diags *d = lint_file("tests/lint/untranslated.xml", &opt);
  const sd_diag *g = find_at(d, "lint.locale-unreviewed", 0);
  ck_assert_ptr_nonnull(g);
  ck_assert_int_eq(g->severity, SD_SEV_NOTE);
  ck_assert(ends_with(g->file, "/ur.res"));
  ck_assert_uint_eq(count_at(d, "lint.locale-missing-message", 0), 0);
  ck_assert_uint_eq(warnings(d), 3);
  sd_diags_free(d);
  /* English needs no catalogue check */
  d = lint_file("tests/lint/ehcp-draft.xml", &opt);
  ck_assert_uint_eq(d->n, 0);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_language_without_catalogue_is_reported)
{
  sd_lint_options opt = { .lang = "de", .locale_dir = locales };
  sd_diags *d = lint_file("tests/lint/ehcp-draft.xml", &opt);
  ck_assert_uint_eq(count_at(d, "lint.locale-none", 0), 1);
  ck_assert_str_eq(find_at(d, "lint.locale-none", 0)->field, "de");
  sd_diags_free(d);
}
END_TEST

static char fixture_dir[] = "/tmp/check_lint.XXXXXX";

static void write_file(const char *name, const void *data, size_t n)
{
  char path[1200];
  snprintf(path, sizeof path, "%s/%s", fixture_dir, name);
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(data, 1, n, f), n);
  fclose(f);
}

static void remove_fixture(void)
{
  static const char *const names[] = { "root.res", "de.res", "de.txt" };
  char path[1200];
  for (size_t i = 0; i < 3; i++) {
    snprintf(path, sizeof path, "%s/%s", fixture_dir, names[i]);
    unlink(path);
  }
  rmdir(fixture_dir);
}

START_TEST(test_missing_messages_are_reported_once_per_list)
{
  ck_assert_ptr_nonnull(mkdtemp(fixture_dir));
  /* the shipped root, and a German catalogue with one message */
  char path[1200];
  snprintf(path, sizeof path, "%s/root.res", locales);
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "%s missing: run `make data`", path);
  char *buf = malloc(1 << 20);
  ck_assert_ptr_nonnull(buf);
  size_t n = fread(buf, 1, 1 << 20, f);
  fclose(f);
  write_file("root.res", buf, n);
  free(buf);
  static const char de[] = "de {\n  meta { status { \"unreviewed\" } name { \"Deutsch\" } english-name { \"German\" } }\n"
                           "  common { draft { \"ENTWURF\" } }\n}\n";
  write_file("de.txt", de, sizeof de - 1);
  const char *genrb = getenv("GENRB") ? getenv("GENRB") : "genrb";
  char cmd[3000];
  snprintf(cmd, sizeof cmd, "%s -q -e UTF-8 -d %s/ %s/de.txt", genrb, fixture_dir, fixture_dir);
  ck_assert_msg(system(cmd) == 0, "genrb failed: %s", cmd);

  sd_lint_options opt = { .lang = "de", .locale_dir = fixture_dir };
  sd_case *c = load("tests/lint/ehcp-draft.xml");
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_lint_case(c, &opt, d), SD_OK);
  size_t missing = count_at(d, "lint.locale-missing-message", 0);
  ck_assert_uint_gt(missing, 5);
  bool title = false;
  for (size_t i = 0; i < d->n; i++) {
    const sd_diag *g = &d->items[i];
    if (strcmp(g->code, "lint.locale-missing-message") != 0) continue;
    ck_assert(ends_with(g->file, "/de.res"));
    ck_assert_int_eq(g->severity, SD_SEV_WARNING);
    ck_assert_str_ne(g->field, "common.draft");
    title = title || !strcmp(g->field, "profile.title");
  }
  ck_assert(title);
  ck_assert_uint_eq(count_at(d, "lint.locale-unreviewed", 0), 1);
  /* a second case in the same run adds no catalogue finding again */
  ck_assert_int_eq(sd_lint_case(c, &opt, d), SD_OK);
  ck_assert_uint_eq(count_at(d, "lint.locale-missing-message", 0), missing);
  ck_assert_uint_eq(count_at(d, "lint.locale-unreviewed", 0), 1);
  sd_diags_free(d);
  sd_case_free(c);
  remove_fixture();
}
END_TEST

/* ---- the samples ---- */

START_TEST(test_samples_are_clean_but_for_documented_findings)
{
  static const struct { const char *file; int line; } EXPECT[] = {
    /* both once said "up to" and "as needed"; lint found them and they were made specific */
    { "samples/ava-thompson.xml", 0 },
    { "samples/kacper-nowak.xml", 0 },
    { "samples/yousef-haddad.xml", 0 },
    { "samples/bilal-hussain.xml", 0 },
    { "samples/rumi-begum.xml", 0 },
    { "samples/class-4b/leo-clarke.xml", 0 },
    { "samples/class-4b/maya-osei.xml", 0 },
    { "samples/class-4b/zara-ahmed.xml", 0 },
  };
  sd_lint_options opt = { .locale_dir = locales };
  for (size_t i = 0; i < sizeof EXPECT / sizeof *EXPECT; i++) {
    sd_diags *d = lint_file(EXPECT[i].file, &opt);
    size_t want = EXPECT[i].line ? 1 : 0;
    if (warnings(d) != want) diags_print(d);
    ck_assert_msg(warnings(d) == want, "%s: %zu findings", EXPECT[i].file, warnings(d));
    if (want) ck_assert_uint_eq(count_at(d, "lint.f-not-specific", EXPECT[i].line), 1);
    sd_diags_free(d);
  }
}
END_TEST

/* ---- the public entry ---- */

START_TEST(test_public_entry_reads_template_type_and_data_dir)
{
  sd_diags *d = sd_diags_new();
  sd_engine *e = NULL;
  ck_assert_int_eq(sd_engine_new(test_data_dir(), &e, d), SD_OK);
  sd_case *c = load("tests/lint/review.xml");
  /* a template file whose front matter type is ehcp runs the EHCP rules */
  ck_assert_int_eq(sd_lint(e, c, "tests/lint/ehcp-min.md", NULL, d), SD_OK);
  ck_assert_uint_eq(count_at(d, "lint.b-no-outcome", 26), 1);
  sd_diags_free(d);
  /* the catalogues come from the data dir */
  d = sd_diags_new();
  ck_assert_int_eq(sd_lint(e, c, NULL, "ur", d), SD_OK);
  ck_assert_uint_eq(count_at(d, "lint.locale-unreviewed", 0), 1);
  ck_assert_uint_eq(count_at(d, "lint.translation-missing", 0), 3);
  sd_diags_free(d);
  /* a name that is not a template is a usage error, as for render */
  d = sd_diags_new();
  ck_assert_int_eq(sd_lint(e, c, "no-such-template", NULL, d), SD_E_USAGE);
  ck_assert(diags_have(d, "usage.template"));
  ck_assert_int_eq(sd_lint(NULL, c, NULL, NULL, d), SD_E_USAGE);
  sd_diags_free(d);
  sd_case_free(c);
  sd_engine_free(e);
}
END_TEST

START_TEST(test_case_without_tree_is_a_usage_error)
{
  sd_case empty = { 0 };
  ck_assert_int_eq(sd_lint_case(&empty, NULL, NULL), SD_E_USAGE);
  ck_assert_int_eq(sd_lint_case(NULL, NULL, NULL), SD_E_USAGE);
}
END_TEST

static Suite *lint_suite(void)
{
  Suite *s = suite_create("lint");
  TCase *tc = tcase_create("rules");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_vague_or_unquantified_provision_is_reported);
  tcase_add_test(tc, test_vague_words_match_only_whole_words);
  tcase_add_test(tc, test_provision_without_frequency_is_reported);
  tcase_add_test(tc, test_ehcp_gaps_are_reported);
  tcase_add_test(tc, test_complete_draft_ehcp_is_clean);
  tcase_add_test(tc, test_outcome_without_timeframe_is_reported);
  tcase_add_test(tc, test_ehcp_without_child_views_is_reported);
  tcase_add_test(tc, test_pfa_outcomes_only_from_year_9);
  tcase_add_test(tc, test_no_ehcp_rules_without_ehcp_data);
  tcase_add_test(tc, test_short_notice_invitation_is_reported);
  tcase_add_test(tc, test_actions_without_owner_or_date_are_reported);
  tcase_add_test(tc, test_untranslated_fields_are_reported);
  tcase_add_test(tc, test_untranslated_roles_and_timeframes_are_reported);
  tcase_add_test(tc, test_final_plan_without_issuing_officer_is_reported);
  tcase_add_test(tc, test_lang_option_overrides_home_language);
  tcase_add_test(tc, test_template_limits_translation_checks_to_its_fields);
  tcase_add_test(tc, test_unreviewed_catalogue_is_a_note);
  tcase_add_test(tc, test_language_without_catalogue_is_reported);
  tcase_add_test(tc, test_missing_messages_are_reported_once_per_list);
  tcase_add_test(tc, test_samples_are_clean_but_for_documented_findings);
  tcase_add_test(tc, test_public_entry_reads_template_type_and_data_dir);
  tcase_add_test(tc, test_case_without_tree_is_a_usage_error);
  suite_add_tcase(s, tc);
  return s;
}

RUN_SUITE(lint_suite)
