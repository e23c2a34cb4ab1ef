/* stop: cancelling a render and bounding its time (sd_render_options.cancel,
 * cancel_user, time_limit_ms), through the public API only. Issue 13: an
 * unattended batch must be able to bound every case. */
#include "sendoc.h"
#include "testutil.h"
#include <stddef.h>
#include <time.h>

static sd_engine *engine;
static sd_case *ava;

static void setup(void)
{
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_engine_new(test_data_dir(), &engine, d), SD_OK);
  ck_assert_int_eq(sd_case_load(engine, "samples/ava-thompson.xml", NULL, &ava, d), SD_OK);
  sd_diags_free(d);
}

static void teardown(void)
{
  sd_case_free(ava);
  sd_engine_free(engine);
}

typedef struct counter {
  int calls;
  int stop_at;   /* cancel on this call (1-based); 0: never */
  long sleep_us; /* each call takes this long */
} counter;

static int count_calls(void *user)
{
  counter *c = user;
  c->calls++;
  if (c->sleep_us) {
    struct timespec ts = { 0, c->sleep_us * 1000 };
    nanosleep(&ts, NULL);
  }
  return c->stop_at && c->calls >= c->stop_at;
}

static int has_code(const sd_diags *d, const char *code)
{
  for (size_t i = 0; i < sd_diags_count(d); i++) {
    sd_diag_info di;
    if (sd_diags_get(d, i, &di) == SD_OK && di.code && strcmp(di.code, code) == 0) return 1;
  }
  return 0;
}

static sd_render_options opts(const char *tpl)
{
  sd_render_options o;
  sd_render_options_init(&o);
  o.template_ref = tpl;
  o.date_epoch = 1764547200;
  return o;
}

START_TEST(test_cancel_is_asked_at_every_block_and_page)
{
  counter c = { 0 };
  sd_render_options o = opts("ehcp");
  o.cancel = count_calls;
  o.cancel_user = &c;
  sd_diags *d = sd_diags_new();
  unsigned char *pdf = NULL;
  size_t len = 0;
  ck_assert_int_eq(sd_render(engine, ava, &o, &pdf, &len, d), SD_OK);
  ck_assert_ptr_nonnull(pdf);
  /* an EHCP has hundreds of blocks and paragraphs and several pages */
  ck_assert_int_gt(c.calls, 100);
  sd_free(pdf);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_cancel_stops_render_with_cancelled)
{
  for (int at = 1; at <= 200; at += 199) {
    counter c = { .stop_at = at };
    sd_render_options o = opts("ehcp");
    o.cancel = count_calls;
    o.cancel_user = &c;
    sd_diags *d = sd_diags_new();
    unsigned char *pdf = NULL;
    size_t len = 0;
    ck_assert_int_eq(sd_render(engine, ava, &o, &pdf, &len, d), SD_E_CANCELLED);
    ck_assert_ptr_null(pdf);
    ck_assert_uint_eq(len, 0);
    ck_assert(has_code(d, "render.cancelled"));
    ck_assert_int_eq(c.calls, at); /* nothing is asked once stopped */
    sd_diags_free(d);
  }
}
END_TEST

START_TEST(test_time_limit_stops_render_with_timeout)
{
  counter c = { .sleep_us = 2000 }; /* every checkpoint takes 2 ms: 10 ms pass within a few */
  sd_render_options o = opts("ehcp");
  o.cancel = count_calls;
  o.cancel_user = &c;
  o.time_limit_ms = 10;
  sd_diags *d = sd_diags_new();
  unsigned char *pdf = NULL;
  size_t len = 0;
  ck_assert_int_eq(sd_render(engine, ava, &o, &pdf, &len, d), SD_E_TIMEOUT);
  ck_assert_ptr_null(pdf);
  ck_assert(has_code(d, "render.timeout"));
  ck_assert_int_lt(c.calls, 20);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_generous_time_limit_renders)
{
  sd_render_options o = opts("one-page-profile");
  o.time_limit_ms = 60000;
  sd_diags *d = sd_diags_new();
  unsigned char *pdf = NULL;
  size_t len = 0;
  ck_assert_int_eq(sd_render(engine, ava, &o, &pdf, &len, d), SD_OK);
  ck_assert_ptr_nonnull(pdf);
  sd_free(pdf);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_cancel_between_cases_of_a_class)
{
  const sd_case *cases[3] = { ava, ava, ava };
  counter c = { 0 };
  sd_render_options o = opts("one-page-profile");
  o.cancel = count_calls;
  o.cancel_user = &c;
  unsigned char *pdf = NULL;
  size_t len = 0;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_render_cases(engine, cases, 3, &o, &pdf, &len, d), SD_OK);
  sd_free(pdf);
  int all = c.calls;
  /* stopping on the first checkpoint of the second case */
  counter one = { 0 };
  o.cancel_user = &one;
  ck_assert_int_eq(sd_render(engine, ava, &o, &pdf, &len, d), SD_OK);
  sd_free(pdf);
  counter second = { .stop_at = one.calls + 1 };
  o.cancel_user = &second;
  pdf = NULL;
  ck_assert_int_eq(sd_render_cases(engine, cases, 3, &o, &pdf, &len, d), SD_E_CANCELLED);
  ck_assert_ptr_null(pdf);
  ck_assert_int_lt(second.calls, all);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_markdown_render_can_be_cancelled)
{
  counter c = { .stop_at = 1 };
  sd_render_options o = opts(NULL);
  o.cancel = count_calls;
  o.cancel_user = &c;
  const char *md = "# Note\n\nHello.\n";
  unsigned char *pdf = NULL;
  size_t len = 0;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_render_markdown(engine, md, strlen(md), "note.md", &o, &pdf, &len, d), SD_E_CANCELLED);
  ck_assert_ptr_null(pdf);
  sd_diags_free(d);
}
END_TEST

/* a caller built against 0.1's header passes a shorter struct: the
 * fields past its size are never read */
START_TEST(test_old_size_options_never_cancel)
{
  counter c = { .stop_at = 1 };
  sd_render_options o = opts("one-page-profile");
  o.size = offsetof(sd_render_options, meeting_id);
  o.cancel = count_calls;
  o.cancel_user = &c;
  o.time_limit_ms = 1;
  unsigned char *pdf = NULL;
  size_t len = 0;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_render(engine, ava, &o, &pdf, &len, d), SD_OK);
  ck_assert_int_eq(c.calls, 0);
  sd_free(pdf);
  sd_diags_free(d);
}
END_TEST

static Suite *stop_suite(void)
{
  Suite *s = suite_create("stop");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_cancel_is_asked_at_every_block_and_page);
  tcase_add_test(tc, test_cancel_stops_render_with_cancelled);
  tcase_add_test(tc, test_time_limit_stops_render_with_timeout);
  tcase_add_test(tc, test_generous_time_limit_renders);
  tcase_add_test(tc, test_cancel_between_cases_of_a_class);
  tcase_add_test(tc, test_markdown_render_can_be_cancelled);
  tcase_add_test(tc, test_old_size_options_never_cancel);
  suite_add_tcase(s, tc);
  return s;
}

RUN_SUITE(stop_suite)
