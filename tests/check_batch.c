/* The library's batch (sd_batch in sendoc.h): what sendoc batch, sendoc serve
 * and integrators share. Order of reports, totals, resume by fingerprint,
 * cancellation, options from an older header, usage errors. */
#include "sendoc.h"
#include "testutil.h"
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

static sd_engine *engine;
static char dir[64], in[96], out[96];

static void copy(const char *from, const char *to)
{
  char cmd[512];
  snprintf(cmd, sizeof cmd, "cp -r '%s' '%s'", from, to);
  ck_assert_int_eq(system(cmd), 0);
}

static void setup(void)
{
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_engine_new(test_data_dir(), &engine, d), SD_OK);
  sd_diags_free(d);
  snprintf(dir, sizeof dir, "/tmp/check_batch.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(in, sizeof in, "%s/in", dir);
  snprintf(out, sizeof out, "%s/out", dir);
  ck_assert_int_eq(mkdir(in, 0700), 0);
  copy("samples/class-4b/leo-clarke.xml", in);
  copy("samples/class-4b/maya-osei.xml", in);
  copy("samples/class-4b/zara-ahmed.xml", in);
  copy("samples/class-4b/photos", in);
}

static void teardown(void)
{
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  (void)!system(cmd);
  sd_engine_free(engine);
}

typedef struct seen {
  size_t calls, last_index, bad_order, with_diags;
  size_t cancel_after;
  size_t asked;
} seen;

static void on_progress(void *user, const sd_batch_item *it, size_t done, size_t total)
{
  seen *s = user;
  if (s->calls != it->index || done != it->index + 1 || total < done) s->bad_order++;
  if (it->diags) s->with_diags++;
  s->calls++;
}

static int on_cancel(void *user)
{
  seen *s = user;
  s->asked++;
  return s->cancel_after && s->calls >= s->cancel_after;
}

static sd_status run(const sd_batch_options *o, sd_batch_totals *t, sd_diags *d)
{
  const char *inputs[] = { in };
  sd_batch *b = NULL;
  sd_status st = sd_batch_new(engine, inputs, 1, o, &b, d);
  if (st != SD_OK) return st;
  st = sd_batch_run(b, d);
  t->size = sizeof *t;
  sd_batch_totals_get(b, t);
  sd_batch_free(b);
  return st;
}

START_TEST(test_batch_renders_in_input_order_with_fingerprints)
{
  sd_render_options ro;
  sd_render_options_init(&ro);
  ro.template_ref = "one-page-profile";
  sd_batch_options o;
  sd_batch_options_init(&o);
  ck_assert_uint_eq(o.size, sizeof o);
  seen s = { 0 };
  o.output_dir = out;
  o.render = &ro;
  o.jobs = 2;
  o.progress = on_progress;
  o.progress_user = &s;
  const char *inputs[] = { in };
  sd_diags *d = sd_diags_new();
  sd_batch *b = NULL;
  ck_assert_int_eq(sd_batch_new(engine, inputs, 1, &o, &b, d), SD_OK);
  ck_assert_uint_eq(sd_batch_count(b), 3);
  ck_assert_int_eq(sd_batch_run(b, d), SD_OK);
  ck_assert_uint_eq(s.calls, 3);
  ck_assert_uint_eq(s.bad_order, 0);
  ck_assert_uint_eq(s.with_diags, 3); /* the list is there during the callback, empty or not */
  sd_batch_totals t = { .size = sizeof t };
  sd_batch_totals_get(b, &t);
  ck_assert_uint_eq(t.rendered, 3);
  ck_assert_uint_eq(t.failed + t.skipped + t.ignored, 0);
  sd_batch_item it = { .size = sizeof it };
  ck_assert_int_eq(sd_batch_get(b, 0, &it), SD_OK);
  ck_assert_str_eq(strrchr(it.case_path, '/'), "/leo-clarke.xml");
  ck_assert_int_eq(it.outcome, SD_BATCH_OK);
  ck_assert_ptr_null(it.diags);
  ck_assert_uint_eq(strlen(it.sha256), 64);
  ck_assert_uint_eq(strlen(it.fingerprint), 64);
  ck_assert_int_eq(it.pages, 1);
  ck_assert_int_eq(access(it.output, R_OK), 0);
  ck_assert_int_eq(sd_batch_get(b, 3, &it), SD_E_USAGE);
  /* a caller that knew only the first fields gets only those */
  struct { sd_batch_item head; char guard[8]; } small;
  memset(&small, 0x5A, sizeof small);
  small.head.size = offsetof(sd_batch_item, output);
  ck_assert_int_eq(sd_batch_get(b, 0, &small.head), SD_OK);
  ck_assert_uint_eq(small.head.index, 0);
  ck_assert_int_eq(((unsigned char *)&small.head)[offsetof(sd_batch_item, output)], 0x5A);
  /* the default manifest, in the output folder */
  ck_assert_ptr_nonnull(strstr(sd_batch_manifest_path(b), "/out/.sendoc-batch.jsonl"));
  ck_assert_int_eq(access(sd_batch_manifest_path(b), R_OK), 0);
  ck_assert_int_eq(sd_batch_run(b, d), SD_E_USAGE); /* once */
  sd_batch_free(b);

  /* resume: nothing changed, nothing rendered */
  o.resume = 1;
  s = (seen){ 0 };
  ck_assert_int_eq(run(&o, &t, d), SD_OK);
  ck_assert_uint_eq(t.skipped, 3);
  ck_assert_uint_eq(t.rendered, 0);
  /* another language made every output */
  ro.lang = "en-GB";
  ck_assert_int_eq(run(&o, &t, d), SD_OK);
  ck_assert_uint_eq(t.rendered, 3);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_cancel_stops_the_batch_and_reports_the_rest)
{
  sd_render_options ro;
  sd_render_options_init(&ro);
  ro.template_ref = "one-page-profile";
  sd_batch_options o;
  sd_batch_options_init(&o);
  seen s = { .cancel_after = 1 };
  o.output_dir = out;
  o.render = &ro;
  o.jobs = 1;
  o.progress = on_progress;
  o.progress_user = &s;
  o.cancel = on_cancel;
  o.cancel_user = &s;
  sd_diags *d = sd_diags_new();
  sd_batch_totals t;
  ck_assert_int_eq(run(&o, &t, d), SD_E_CANCELLED);
  ck_assert_uint_eq(t.rendered, 1);
  ck_assert_uint_eq(t.not_run, 2);
  ck_assert_uint_eq(t.failed, 2);
  ck_assert_uint_eq(s.calls, 3); /* every entry is reported, cancelled or not */
  ck_assert_uint_gt(s.asked, 0);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_time_limit_marks_the_case_timed_out)
{
  sd_render_options ro;
  sd_render_options_init(&ro);
  ro.template_ref = "one-page-profile";
  sd_batch_options o;
  sd_batch_options_init(&o);
  o.output_dir = out;
  o.render = &ro;
  o.jobs = 1;
  o.case_time_limit_ms = 1;
  const char *inputs[] = { in };
  sd_diags *d = sd_diags_new();
  sd_batch *b = NULL;
  ck_assert_int_eq(sd_batch_new(engine, inputs, 1, &o, &b, d), SD_OK);
  ck_assert_int_eq(sd_batch_run(b, d), SD_E_TIMEOUT);
  sd_batch_totals t = { .size = sizeof t };
  sd_batch_totals_get(b, &t);
  ck_assert_uint_eq(t.timed_out, 3);
  ck_assert_uint_eq(t.failed, 3);
  sd_batch_item it = { .size = sizeof it };
  ck_assert_int_eq(sd_batch_get(b, 1, &it), SD_OK);
  ck_assert_int_eq(it.outcome, SD_BATCH_TIMEOUT);
  ck_assert_int_eq(it.status, SD_E_TIMEOUT);
  ck_assert_ptr_null(it.output);
  sd_batch_free(b);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_options_from_an_older_header)
{
  /* a caller built when the options ended before case_time_limit_ms */
  sd_render_options ro;
  sd_render_options_init(&ro);
  ro.template_ref = "one-page-profile";
  sd_batch_options o;
  memset(&o, 0xAB, sizeof o); /* garbage past `size` must not be read */
  o.size = offsetof(sd_batch_options, case_time_limit_ms);
  o.output_dir = out;
  o.render = &ro;
  o.jobs = 1;
  o.shard_k = o.shard_n = 0;
  o.resume = 0;
  o.manifest = NULL;
  sd_diags *d = sd_diags_new();
  sd_batch_totals t;
  ck_assert_int_eq(run(&o, &t, d), SD_OK);
  ck_assert_uint_eq(t.rendered, 3);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_usage_errors_before_anything_is_written)
{
  sd_render_options ro;
  sd_render_options_init(&ro);
  sd_batch_options o;
  sd_batch_options_init(&o);
  o.render = &ro;
  sd_diags *d = sd_diags_new();
  sd_batch_totals t;
  ck_assert_int_eq(run(&o, &t, d), SD_E_USAGE); /* no output folder */
  o.output_dir = out;
  ck_assert_int_eq(run(&o, &t, d), SD_E_USAGE); /* no template */
  ro.template_ref = "no-such-template";
  ck_assert_int_eq(run(&o, &t, d), SD_E_USAGE);
  ck_assert(diags_have(d, "usage.template"));
  ro.template_ref = "one-page-profile";
  o.shard_k = 3;
  o.shard_n = 2;
  ck_assert_int_eq(run(&o, &t, d), SD_E_USAGE);
  o.shard_k = o.shard_n = 0;
  ro.style = "huge";
  ck_assert_int_eq(run(&o, &t, d), SD_E_USAGE);
  ck_assert_int_eq(access(out, F_OK), -1); /* nothing was created */
  /* two inputs that would write one output */
  ro.style = NULL;
  char a[128], b2[128];
  snprintf(a, sizeof a, "%s/leo-clarke.xml", in);
  snprintf(b2, sizeof b2, "%s/sub", in);
  ck_assert_int_eq(mkdir(b2, 0700), 0);
  copy(a, b2);
  snprintf(b2, sizeof b2, "%s/sub/leo-clarke.xml", in);
  const char *inputs[] = { a, b2 };
  sd_batch *b = NULL;
  ck_assert_int_eq(sd_batch_new(engine, inputs, 2, &o, &b, d), SD_E_USAGE);
  ck_assert_ptr_null(b);
  ck_assert_int_eq(access(out, F_OK), -1);
  sd_batch_free(NULL);
  sd_diags_free(d);
}
END_TEST

static Suite *batch_suite(void)
{
  Suite *s = suite_create("batch");
  TCase *tc = tcase_create("batch");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_batch_renders_in_input_order_with_fingerprints);
  tcase_add_test(tc, test_cancel_stops_the_batch_and_reports_the_rest);
  tcase_add_test(tc, test_time_limit_marks_the_case_timed_out);
  tcase_add_test(tc, test_options_from_an_older_header);
  tcase_add_test(tc, test_usage_errors_before_anything_is_written);
  suite_add_tcase(s, tc);
  return s;
}

RUN_SUITE(batch_suite)
