/* caseload: a case's summary fields and what is due on a given day (sendoc.h only). */
#include "sendoc.h"
#include "testutil.h"

static sd_engine *engine;
static sd_case *bilal;

static void setup(void)
{
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_engine_new(test_data_dir(), &engine, d), SD_OK);
  ck_assert_int_eq(sd_case_load(engine, "samples/bilal-hussain.xml", NULL, &bilal, d), SD_OK);
  sd_diags_free(d);
}

static void teardown(void)
{
  sd_case_free(bilal);
  sd_engine_free(engine);
}

START_TEST(test_get_reads_dotted_paths_and_attributes)
{
  ck_assert_str_eq(sd_case_get(bilal, "child.preferred-name"), "Bilal");
  ck_assert_str_eq(sd_case_get(bilal, "child.year-group"), "2");
  ck_assert_str_eq(sd_case_get(bilal, "family.home-language"), "ur");
  ck_assert_str_eq(sd_case_get(bilal, "child.photo.@src"), "photos/bilal.png");
  ck_assert_ptr_null(sd_case_get(bilal, "child.no-such"));
  ck_assert_ptr_null(sd_case_get(NULL, "child"));
}
END_TEST

START_TEST(test_get_all_lists_need_types_in_words)
{
  const char *types[4];
  ck_assert_uint_eq(sd_case_get_all(bilal, "needs", "need", "@type", types, 4), 2);
  ck_assert_str_eq(types[0], "HI");
  ck_assert_str_eq(sd_need_type_words(types[1]), "Speech, language and communication needs");
  ck_assert_ptr_null(sd_need_type_words("XYZ"));
  /* more entries than room: the count is still the whole list */
  ck_assert_uint_eq(sd_case_get_all(bilal, "strengths", "item", NULL, types, 1), 4);
  ck_assert_str_eq(types[0], "Bilal is friendly and says good morning to everyone.");
}
END_TEST

START_TEST(test_due_review_within_eight_weeks_and_invitation_sent)
{
  sd_due_item items[8];
  size_t n = 99;
  /* review on 2026-12-07, invitation dated 2026-11-02: sent by 2026-11-20 */
  ck_assert_int_eq(sd_case_due(bilal, "2026-11-20", items, 8, &n), SD_OK);
  ck_assert_uint_eq(n, 1);
  ck_assert_int_eq(items[0].kind, SD_DUE_REVIEW);
  ck_assert_int_eq(items[0].days, 17);
  ck_assert_str_eq(items[0].meeting, "ar2026");
  /* nine weeks before: nothing due */
  ck_assert_int_eq(sd_case_due(bilal, "2026-10-05", items, 8, &n), SD_OK);
  ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_due_invitation_not_yet_sent_is_flagged)
{
  sd_due_item items[8];
  size_t n = 0;
  /* 2026-10-20: invitation dated 2026-11-02 is still in the future, meeting in 48 days: review only */
  ck_assert_int_eq(sd_case_due(bilal, "2026-10-20", items, 8, &n), SD_OK);
  ck_assert_uint_eq(n, 1);
  ck_assert_int_eq(items[0].kind, SD_DUE_REVIEW);
  /* rebuild a case whose invitation is missing, meeting 18 days away: send now */
  static const char xml[] =
      "<case version='1' xml:lang='en-GB'><child><legal-name>A B</legal-name><preferred-name>A</preferred-name>"
      "<date-of-birth>2018-01-01</date-of-birth></child><family><home-language>en</home-language>"
      "<interpreter-needed>false</interpreter-needed><contact id='m'><name>M B</name><relationship>mother</relationship>"
      "<address-as>Ms B</address-as></contact></family><school><name>S</name><senco><name>T</name></senco></school>"
      "<sen-status>E</sen-status><needs><need id='n1' type='MLD'>x</need></needs><strengths><item>x</item></strengths>"
      "<important-to-me><item>x</item></important-to-me><how-to-support><item>x</item></how-to-support>"
      "<child-views><quote>x</quote></child-views><meetings><meeting id='r' type='annual-review'><date>2027-01-20</date>"
      "<time>09:00:00</time><place>School</place><attendees><person role='SENCo'><name>T</name></person></attendees>"
      "<actions><action><what>Book the hall</what><due>2026-12-01</due></action></actions></meeting></meetings></case>";
  sd_diags *d = sd_diags_new();
  sd_case *c = NULL;
  ck_assert_int_eq(sd_case_load_mem(engine, xml, sizeof xml - 1, "t.xml", NULL, NULL, &c, d), SD_OK);
  ck_assert_int_eq(sd_case_due(c, "2027-01-02", items, 8, &n), SD_OK);
  ck_assert_uint_eq(n, 3);
  ck_assert_int_eq(items[0].kind, SD_DUE_REVIEW);
  ck_assert_int_eq(items[1].kind, SD_DUE_INVITE);
  ck_assert_int_eq(items[1].days, 18);
  ck_assert_int_eq(items[2].kind, SD_DUE_ACTION_OVERDUE);
  ck_assert_str_eq(items[2].what, "Book the hall");
  ck_assert_int_eq(items[2].days, -32);
  /* ten days before: too late for two weeks' notice */
  ck_assert_int_eq(sd_case_due(c, "2027-01-10", items, 8, &n), SD_OK);
  ck_assert_int_eq(items[1].kind, SD_DUE_INVITE_LATE);
  ck_assert_int_eq(sd_case_due(c, "10/01/2027", items, 8, &n), SD_E_USAGE);
  sd_case_free(c);
  sd_diags_free(d);
}
END_TEST

static Suite *caseload_suite(void)
{
  Suite *s = suite_create("caseload");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_get_reads_dotted_paths_and_attributes);
  tcase_add_test(tc, test_get_all_lists_need_types_in_words);
  tcase_add_test(tc, test_due_review_within_eight_weeks_and_invitation_sent);
  tcase_add_test(tc, test_due_invitation_not_yet_sent_is_flagged);
  suite_add_tcase(s, tc);
  return s;
}

RUN_SUITE(caseload_suite)
