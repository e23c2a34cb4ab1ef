/* Issue 16 in the library (sd_batch in sendoc.h): the family's language,
 * several templates, name patterns, what each item says about itself (child,
 * school, template, language, reason, problems), the summary, the report and
 * the print file, cover letters waiting for their documents, and no file
 * descriptor left open by a batch. */
#include "sendoc.h"
#include "testutil.h"
#include <dirent.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

static sd_engine *engine;
static char dir[64], in[96], out[96];

static void sh(const char *fmt, const char *a, const char *b)
{
  char cmd[1024];
  snprintf(cmd, sizeof cmd, fmt, a, b);
  ck_assert_int_eq(system(cmd), 0);
}

static void setup(void)
{
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_engine_new(test_data_dir(), &engine, d), SD_OK);
  sd_diags_free(d);
  snprintf(dir, sizeof dir, "/tmp/check_batchday.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(in, sizeof in, "%s/in", dir);
  snprintf(out, sizeof out, "%s/out", dir);
  ck_assert_int_eq(mkdir(in, 0700), 0);
  sh("cp samples/bilal-hussain.xml samples/rumi-begum.xml '%s'/ && cp -r samples/photos '%s'/", in, in);
  /* a family language with no catalogue */
  sh("sed 's|<home-language>[^<]*</home-language>|<home-language>cy</home-language>|' "
     "samples/class-4b/leo-clarke.xml >'%s'/leo.xml && cp -r samples/class-4b/photos/. '%s'/photos/",
     in, in);
}

static void teardown(void)
{
  sh("rm -rf '%s'%s", dir, "");
  sd_engine_free(engine);
}

static size_t open_fds(void)
{
  DIR *dp = opendir("/proc/self/fd");
  size_t n = 0;
  struct dirent *de;
  while (dp && (de = readdir(dp)))
    if (de->d_name[0] != '.') n++;
  if (dp) closedir(dp);
  return n;
}

typedef struct row {
  char tpl[32], lang[16], child[32], reason[96];
  int ok;
  long pages;
} row;

typedef struct seen {
  row r[64];
  size_t n;
  size_t fds_first, fds_max;
} seen;

static void copyz(char *dst, size_t cap, const char *s)
{
  snprintf(dst, cap, "%s", s ? s : "");
}

static void on_item(void *user, const sd_batch_item *it, size_t done, size_t total)
{
  seen *s = user;
  size_t fds = open_fds();
  if (!s->n) s->fds_first = fds;
  if (fds > s->fds_max) s->fds_max = fds;
  if (s->n >= 64) return;
  row *r = &s->r[s->n++];
  copyz(r->tpl, sizeof r->tpl, it->template_ref);
  copyz(r->lang, sizeof r->lang, it->lang);
  copyz(r->child, sizeof r->child, it->child);
  copyz(r->reason, sizeof r->reason, it->reason);
  r->ok = it->outcome == SD_BATCH_OK;
  r->pages = it->pages;
  /* the SEN-support case's EHCP: one sentence, not one error a field */
  if (it->template_ref && !strcmp(it->template_ref, "ehcp") && it->child && !strcmp(it->child, "Rumi")) {
    ck_assert_uint_eq(sd_diags_errors(it->diags), 1);
    sd_diag_info g;
    ck_assert_int_eq(sd_diags_get(it->diags, 0, &g), SD_OK);
    ck_assert_str_eq(g.code, "batch.no-plan");
    ck_assert_ptr_nonnull(strstr(it->problems, "no EHC plan"));
  }
}

static const row *find_row(const seen *s, const char *child, const char *tpl, const char *lang)
{
  for (size_t i = 0; i < s->n; i++)
    if (!strcmp(s->r[i].child, child) && !strcmp(s->r[i].tpl, tpl) && !strcmp(s->r[i].lang, lang)) return &s->r[i];
  return NULL;
}

START_TEST(test_family_language_templates_and_names)
{
  sd_render_options ro;
  sd_render_options_init(&ro);
  ro.lang = "family";
  const char *tpls[] = { "cover-letter", "one-page-profile", "ehcp" };
  char report[160], combined[160];
  snprintf(report, sizeof report, "%s/report.html", dir);
  snprintf(combined, sizeof combined, "%s/print-{school}.pdf", dir);
  seen s;
  memset(&s, 0, sizeof s);
  sd_batch_options o;
  sd_batch_options_init(&o);
  o.output_dir = out;
  o.render = &ro;
  o.jobs = 2;
  o.templates = tpls;
  o.n_templates = 3;
  o.also_english = 1;
  o.name_pattern = "{school}/{child}-{template}-{lang}.pdf";
  o.report = report;
  o.combine = combined;
  o.progress = on_item;
  o.progress_user = &s;
  sd_diags *d = sd_diags_new();
  size_t fds_before = open_fds();
  const char *inputs[] = { in };
  sd_batch *b = NULL;
  ck_assert_int_eq(sd_batch_new(engine, inputs, 1, &o, &b, d), SD_OK);
  /* bilal: ur + en-GB; rumi: bn + en-GB; leo (cy, no catalogue): en-GB only; 3 templates */
  ck_assert_uint_eq(sd_batch_count(b), (2 + 2 + 1) * 3);
  ck_assert_int_eq(sd_batch_run(b, d), SD_E_INPUT); /* the SEN-support EHCPs */
  ck_assert_uint_eq(s.n, 15);
  /* input order: a case's cover letter after its documents */
  ck_assert_str_eq(s.r[0].child, "Bilal");
  ck_assert_str_eq(s.r[0].tpl, "one-page-profile");
  ck_assert_str_eq(s.r[0].lang, "ur");
  ck_assert_str_eq(s.r[5].tpl, "cover-letter");
  ck_assert_ptr_nonnull(find_row(&s, "Leo", "one-page-profile", "en-GB"));
  ck_assert_ptr_null(find_row(&s, "Leo", "one-page-profile", "cy"));
  const row *r = find_row(&s, "Rumi", "ehcp", "bn");
  ck_assert_ptr_nonnull(r);
  ck_assert(!r->ok);
  ck_assert_str_eq(r->reason, "no EHC plan (SEN support) for a plan document");
  r = find_row(&s, "Rumi", "cover-letter", "bn");
  ck_assert(r && r->ok && r->pages == 1);
  /* the repeated warnings, once each with a count, in the batch's list */
  size_t fallback = 0, unreviewed_ur = 0;
  for (size_t i = 0; i < sd_diags_count(d); i++) {
    sd_diag_info g;
    sd_diags_get(d, i, &g);
    if (!strcmp(g.code, "batch.lang-fallback")) {
      fallback++;
      ck_assert_ptr_nonnull(strstr(g.message, "(cy)"));
      ck_assert_ptr_nonnull(strstr(g.message, "(3 documents)")); /* Leo, three templates */
    }
    if (!strcmp(g.code, "locale.unreviewed") && strstr(g.message, " ur ")) {
      unreviewed_ur++;
      ck_assert_ptr_nonnull(strstr(g.message, "(3 documents)"));
    }
  }
  ck_assert_uint_eq(fallback, 1);
  ck_assert_uint_eq(unreviewed_ur, 1);
  /* the summary: reasons, the report, the print files; counts last */
  char *sum = NULL;
  ck_assert_int_eq(sd_batch_summary(b, &sum), SD_OK);
  ck_assert_ptr_nonnull(strstr(sum, "3 not made: no EHC plan (SEN support) for a plan document\n"));
  ck_assert_ptr_nonnull(strstr(sum, "report: "));
  ck_assert_ptr_nonnull(strstr(sum, "print file: "));
  ck_assert_ptr_nonnull(strstr(sum, "Riverside-Academy.pdf"));
  const char *last = sum + strlen(sum) - 1;
  while (last > sum && last[-1] != '\n') last--;
  ck_assert_str_eq(last, "12 rendered, 3 failed, 0 skipped\n");
  sd_free(sum);
  sd_batch_item it;
  ck_assert_int_eq(sd_batch_get(b, 0, &it), SD_OK);
  ck_assert_ptr_nonnull(strstr(it.output, "/Oakwood-Infant-School/Bilal-one-page-profile-ur.pdf"));
  ck_assert_str_eq(it.school, "Oakwood Infant School");
  sd_batch_free(b);
  sd_diags_free(d);
  /* no descriptor grows with the entries, and none is left behind */
  ck_assert_uint_le(s.fds_max, s.fds_first + 2);
  ck_assert_uint_eq(open_fds(), fds_before);
  char path[256];
  snprintf(path, sizeof path, "%s/report.csv", dir);
  ck_assert_int_eq(access(path, R_OK), 0);
  snprintf(path, sizeof path, "%s/print-Oakwood-Infant-School.pdf", dir);
  ck_assert_int_eq(access(path, R_OK), 0);
}
END_TEST

START_TEST(test_name_patterns_refused_and_collisions)
{
  sd_render_options ro;
  sd_render_options_init(&ro);
  ro.template_ref = "one-page-profile";
  sd_batch_options o;
  sd_batch_options_init(&o);
  o.output_dir = out;
  o.render = &ro;
  const char *inputs[] = { in };
  static const char *const refused[] = { "../x.pdf", "/x/{child}.pdf", "a/../{child}.pdf", "{child}.PDF.txt",
                                         "{school", "x}.pdf", "{child}\\x.pdf", "./{child}.pdf", "" };
  for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
    o.name_pattern = refused[i];
    sd_diags *d = sd_diags_new();
    sd_batch *b = NULL;
    ck_assert_msg(sd_batch_new(engine, inputs, 1, &o, &b, d) == SD_E_USAGE, "pattern %s", refused[i]);
    ck_assert_ptr_null(b);
    sd_diags_free(d);
  }
  ck_assert_int_eq(access(out, F_OK), -1);
  /* one name for every case: refused before anything is written */
  o.name_pattern = "{template}-{lang}.pdf";
  sd_diags *d = sd_diags_new();
  sd_batch *b = NULL;
  ck_assert_int_eq(sd_batch_new(engine, inputs, 1, &o, &b, d), SD_E_USAGE);
  sd_diag_info g;
  ck_assert_int_eq(sd_diags_get(d, 0, &g), SD_OK);
  ck_assert_str_eq(g.code, "usage.name");
  ck_assert_ptr_nonnull(strstr(g.message, "would both be written to"));
  sd_diags_free(d);
  /* the report must be .html; a template given twice is a mistake */
  o.name_pattern = NULL;
  o.report = "r.txt";
  d = sd_diags_new();
  ck_assert_int_eq(sd_batch_new(engine, inputs, 1, &o, &b, d), SD_E_USAGE);
  sd_diags_free(d);
  o.report = NULL;
  const char *twice[] = { "ehcp", "ehcp" };
  o.templates = twice;
  o.n_templates = 2;
  d = sd_diags_new();
  ck_assert_int_eq(sd_batch_new(engine, inputs, 1, &o, &b, d), SD_E_USAGE);
  sd_diags_free(d);
  /* the summary needs a batch that ran */
  char *sum = (char *)1;
  ck_assert_int_eq(sd_batch_summary(NULL, &sum), SD_E_USAGE);
  ck_assert_ptr_null(sum);
}
END_TEST

START_TEST(test_group_readable_and_default_modes)
{
  sd_render_options ro;
  sd_render_options_init(&ro);
  ro.template_ref = "one-page-profile";
  sd_batch_options o;
  sd_batch_options_init(&o);
  o.output_dir = out;
  o.render = &ro;
  o.jobs = 1;
  o.group_readable = 1;
  o.name_pattern = "{school}/{child}.pdf";
  const char *inputs[] = { in };
  sd_diags *d = sd_diags_new();
  sd_batch *b = NULL;
  ck_assert_int_eq(sd_batch_new(engine, inputs, 1, &o, &b, d), SD_OK);
  ck_assert_int_eq(sd_batch_run(b, d), SD_OK);
  sd_batch_free(b);
  sd_diags_free(d);
  struct stat sb;
  char p[256];
  ck_assert_int_eq(stat(out, &sb), 0);
  ck_assert_uint_eq(sb.st_mode & 0777, 0750);
  snprintf(p, sizeof p, "%s/Riverside-Academy", out);
  ck_assert_int_eq(stat(p, &sb), 0);
  ck_assert_uint_eq(sb.st_mode & 0777, 0750);
  snprintf(p, sizeof p, "%s/Riverside-Academy/Rumi.pdf", out);
  ck_assert_int_eq(stat(p, &sb), 0);
  ck_assert_uint_eq(sb.st_mode & 0777, 0640);
  snprintf(p, sizeof p, "%s/.sendoc-batch.jsonl", out);
  ck_assert_int_eq(stat(p, &sb), 0);
  ck_assert_uint_eq(sb.st_mode & 0777, 0640);
}
END_TEST

static Suite *batchday_suite(void)
{
  Suite *s = suite_create("batchday");
  TCase *tc = tcase_create("batchday");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 180);
  tcase_add_test(tc, test_family_language_templates_and_names);
  tcase_add_test(tc, test_name_patterns_refused_and_collisions);
  tcase_add_test(tc, test_group_readable_and_default_modes);
  suite_add_tcase(s, tc);
  return s;
}

RUN_SUITE(batchday_suite)
