/* messages: what a SENCo reads when a case file is wrong is in plain words,
 * at FILE:LINE:COLUMN: libxml2's well-formedness wording is rewritten (a
 * sweep of one-character edits to a sample finds none left), and census
 * need types written another way get the code meant. */
#include "sendoc.h"
#include "testutil.h"

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

/* libxml2's own words: function names and jargon a SENCo cannot act on */
static const char *const JARGON[] = { "xmlParse", "xmlChar", "EntityRef", "CharRef", "StartTag", "EndTag", "AttValue",
                                      "CData", "PCDATA", "ParsePI", "QName", "construct error", "Specification mandates",
                                      "redefined", "Extra content", "Couldn't", "PI ", "Blank needed" };

static const char *jargon_in(const char *msg)
{
  for (size_t i = 0; i < sizeof JARGON / sizeof *JARGON; i++)
    if (strstr(msg, JARGON[i])) return JARGON[i];
  return NULL;
}

/* Loads xml; returns the first error (borrowed from *d) or NULL. */
static const sd_diag *first_error(const char *xml, size_t len, sd_diags **d)
{
  *d = sd_diags_new();
  sd_case *c = NULL;
  sd_status st = sd_case_load_mem(engine, xml, len, "case.xml", NULL, NULL, &c, *d);
  sd_case_free(c);
  if (st == SD_OK) return NULL;
  for (size_t i = 0; i < (*d)->n; i++)
    if ((*d)->items[i].severity == SD_SEV_ERROR) return &(*d)->items[i];
  return NULL;
}

static const struct { const char *body, *want; } MALFORMED[] = {
  { "<case version=\"1\"><child>Tom & Jerry</child></case>", "a bare & must be written &amp;" },
  { "<case version=\"1\"><child>Tom &amp Jerry</child></case>", "must end with ';'" },
  { "<case version=\"1\"><child a=\"1\" a=\"2\"/></case>", "attribute a is given twice" },
  { "<case version=\"1\"><child a=1/></case>", "must be in quotes" },
  { "<case version=\"1\"><child a/></case>", "attribute a has no value" },
  { "<case version=\"1\"><child a=\"x<y\"/></case>", "write &lt;" },
  { "<case version=\"1\"></case><case/>", "one <case> element" },
  { "<case version=\"1\"><1child/></case>", "must start an element name" },
  { "<case version=\"1\"><!-- unfinished </case>", "never closed with -->" },
  { "<case version=\"1\"><![CDATA[ x </case>", "never closed with ]]>" },
  { "<case version=\"1\" <child/></case>", "attribute name" },
  { " <?xml version=\"1.0\"?><case/>", "very first thing in the file" },
  { "<case version=\"1\"><child a=\"1\"b=\"2\"/></case>", "separated by a space" },
  { "<case version=\"1\">&#xZZ;</case>", "&#x41;" },
  { "<case version=\"1\"><child></ child></case>", "'>' is expected" },
  { "<case version=\"1\"><?pi unfinished </case>", "never closed with ?>" },
};

START_TEST(test_well_formedness_in_plain_words)
{
  for (size_t i = 0; i < sizeof MALFORMED / sizeof *MALFORMED; i++) {
    char xml[512];
    int n = snprintf(xml, sizeof xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n%s\n", MALFORMED[i].body);
    sd_diags *d;
    const sd_diag *g = first_error(xml, (size_t)n, &d);
    ck_assert_msg(g != NULL, "%s: accepted", MALFORMED[i].body);
    ck_assert_msg(strstr(g->message, MALFORMED[i].want) != NULL, "%s: %s", MALFORMED[i].body, g->message);
    ck_assert_msg(!jargon_in(g->message), "%s: %s", MALFORMED[i].body, g->message);
    ck_assert_str_eq(g->file, "case.xml");
    ck_assert_int_ge(g->line, 2); /* 3: the end of the file, for what is never closed */
    ck_assert_int_gt(g->col, 0);
    sd_diags_free(d);
  }
}
END_TEST

static char *slurp(const char *path, size_t *len)
{
  FILE *fp = fopen(path, "rb");
  ck_assert_ptr_nonnull(fp);
  char *buf = malloc(1 << 20);
  *len = fread(buf, 1, 1 << 20, fp);
  fclose(fp);
  return buf;
}

/* Every one-character insertion of a markup character, and every deletion,
 * at a spread of places in a real case: whatever the parser says, it says
 * in plain words. */
START_TEST(test_no_libxml2_wording_survives_an_edit_sweep)
{
  size_t len;
  char *orig = slurp("samples/rumi-begum.xml", &len);
  static const char INS[] = "&<>\"'=/!?;#";
  char *buf = malloc(len + 2);
  size_t tried = 0, errors = 0, schema_errors = 0;
  for (size_t at = 40; at < len; at += 23) {
    for (size_t k = 0; k <= sizeof INS - 1; k++) {
      size_t n;
      if (k < sizeof INS - 1) { /* insert INS[k] before at */
        memcpy(buf, orig, at);
        buf[at] = INS[k];
        memcpy(buf + at + 1, orig + at, len - at);
        n = len + 1;
      } else { /* delete the byte at */
        memcpy(buf, orig, at);
        memcpy(buf + at, orig + at + 1, len - at - 1);
        n = len - 1;
      }
      sd_diags *d = sd_diags_new();
      sd_case *c = NULL;
      sd_case_load_mem(engine, buf, n, "case.xml", NULL, NULL, &c, d);
      sd_case_free(c);
      tried++;
      for (size_t i = 0; i < d->n; i++) {
        const sd_diag *g = &d->items[i];
        if (!strcmp(g->code, "case.schema")) {
          /* schema messages too: no XSD jargon or namespace URIs */
          ck_assert_msg(!strstr(g->message, "facet") && !strstr(g->message, "{http") && !strstr(g->message, "xs:") &&
                            !strstr(g->message, "Element '"),
                        "edit %zu at byte %zu: %s", k, at, g->message);
          schema_errors++;
          continue;
        }
        if (strcmp(g->code, "case.xml") != 0) continue;
        errors++;
        ck_assert_msg(!jargon_in(g->message), "edit %zu at byte %zu: %s", k, at, g->message);
        ck_assert_msg(g->line > 0 || strstr(g->message, "not well-formed"), "no line: %s", g->message);
      }
      sd_diags_free(d);
    }
  }
  ck_assert_uint_gt(tried, 1000);
  ck_assert_uint_gt(errors, 300);
  ck_assert_uint_gt(schema_errors, 20);
  free(buf);
  free(orig);
}
END_TEST

/* Census need types: the Code of Practice's spelling, other cases, long names. */
START_TEST(test_census_codes_get_a_hint)
{
  static const struct { const char *value, *meant; } HINTS[] = {
    { "SpLD", "SPLD" }, { "asd", "ASD" }, { "Slcn", "SLCN" }, { "semh", "SEMH" },
    { "Autism", "ASD" }, { "autistic spectrum disorder", "ASD" }, { "Dyslexia", "SPLD" },
    { "Social, emotional and mental health", "SEMH" }, { "Speech, language and communication needs", "SLCN" },
    { "Hearing impairment", "HI" }, { "visual impairment", "VI" }, { "Physical disability", "PD" },
    { "moderate learning difficulties", "MLD" }, { "Multi-sensory impairment", "MSI" },
  };
  size_t len;
  char *orig = slurp("tests/case/minimal.xml", &len);
  orig[len] = '\0';
  char *at = strstr(orig, "<needs>");
  for (size_t i = 0; i < sizeof HINTS / sizeof *HINTS; i++) {
    char xml[8192];
    int n;
    if (at)
      n = snprintf(xml, sizeof xml, "%.*s<needs><need id=\"nx\" type=\"%s\" primary=\"true\">x</need>%s",
                   (int)(at - orig), orig, HINTS[i].value, at + 7);
    else
      n = snprintf(xml, sizeof xml, "%s", orig);
    sd_diags *d;
    const sd_diag *g = first_error(xml, (size_t)n, &d);
    ck_assert_msg(g != NULL, "%s accepted", HINTS[i].value);
    char want[64];
    snprintf(want, sizeof want, "did you mean \"%s\"?", HINTS[i].meant);
    ck_assert_msg(strstr(g->message, want) != NULL, "%s: %s", HINTS[i].value, g->message);
    sd_diags_free(d);
  }
  free(orig);
}
END_TEST

static Suite *messages_suite(void)
{
  Suite *s = suite_create("messages");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_well_formedness_in_plain_words);
  tcase_add_test(tc, test_no_libxml2_wording_survives_an_edit_sweep);
  tcase_add_test(tc, test_census_codes_get_a_hint);
  suite_add_tcase(s, tc);
  return s;
}

RUN_SUITE(messages_suite)
