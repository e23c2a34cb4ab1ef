/* batch: many cases, one output folder, N threads sharing one engine
 * (sd_batch in sendoc.h). Entries are rendered in any order but reported
 * (progress callback, manifest) in input order, so two runs report the same. */
#define _GNU_SOURCE /* sched_getaffinity, GNU strerror_r */
#include "batch.h"
#include "case.h"
#include "fileio.h"
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

SD_API void sd_batch_options_init(sd_batch_options *o)
{
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->size = sizeof *o;
}

static double now_s(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* How serious a status is for the batch as a whole: environment (3) over
 * usage (2) over one case's content (1), as sendoc's exit codes. */
static int rank(sd_status st)
{
  switch (st) {
  case SD_OK: return 0;
  case SD_E_INPUT:
  case SD_E_LIMIT:
  case SD_E_TIMEOUT: return 1;
  case SD_E_USAGE: return 2;
  default: return 3;
  }
}

static int is_path(const char *ref)
{
  size_t n = strlen(ref);
  return strchr(ref, '/') || (n > 3 && strcmp(ref + n - 3, ".md") == 0);
}

static int default_jobs(void)
{
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

/* The template must be there before any case: a typo is one usage error,
 * not ten thousand failed cases. */
static sd_status check_template(struct sd_batch *b, const char *ref, char **path, sd_diags *d)
{
  *path = is_path(ref) ? sd_strdup(ref) : sd_strdup_printf("%s/templates/%s.md", sd_engine_data_dir(b->e), ref);
  if (!*path) return SD_E_NOMEM;
  const char *why = NULL;
  int fd = sd_open_regular(*path, &why);
  if (fd >= 0) {
    /* what every case would fail on is said once, before any case */
    struct stat sb;
    int ok = fstat(fd, &sb) == 0;
    close(fd);
    if (ok && sb.st_size == 0) {
      sd_diag_error(d, "template.empty", ref, 1, 1, NULL, "the template is empty");
      return SD_E_INPUT;
    }
    if (ok && (uint64_t)sb.st_size > SD_BATCH_MAX_TEMPLATE_BYTES) {
      sd_diag_error(d, "io.limit", ref, 1, 1, NULL, "the template is larger than %u bytes", SD_BATCH_MAX_TEMPLATE_BYTES);
      return SD_E_LIMIT;
    }
    return SD_OK;
  }
  if (!is_path(ref)) {
    sd_diag_error(d, "usage.template", NULL, 0, 0, "template", "no template called \"%s\" (see `sendoc templates`)", ref);
    return SD_E_USAGE;
  }
  sd_diag_error(d, "io.read", ref, 0, 0, NULL, "cannot read the template: %s%s", why ? "it is " : "",
                why ? why : strerror(errno));
  return SD_E_IO;
}

static int copy_str(char **dst, const char *s)
{
  if (!s) return 0;
  *dst = sd_strdup(s);
  return *dst ? 0 : -1;
}

/* Issue 16's options: the templates, lang "family", the name pattern and
 * the report and combined files, copied and checked. */
static sd_status issue16_options(struct sd_batch *b, const sd_batch_options *o, sd_diags *d)
{
  size_t n = o->templates && o->n_templates ? o->n_templates : 1;
  if (n > 64) {
    sd_diag_error(d, "usage.batch", NULL, 0, 0, NULL, "at most 64 templates");
    return SD_E_USAGE;
  }
  b->tpls = calloc(n, sizeof *b->tpls);
  b->tpl_paths = calloc(n, sizeof *b->tpl_paths);
  if (!b->tpls || !b->tpl_paths) return SD_E_NOMEM;
  b->n_tpls = n;
  for (size_t i = 0; i < n; i++) {
    const char *t = o->templates && o->n_templates ? o->templates[i] : b->ro.template_ref;
    if (!t || !*t) {
      sd_diag_error(d, "usage.batch", NULL, 0, 0, NULL, "a template name is empty");
      return SD_E_USAGE;
    }
    for (size_t k = 0; k < i; k++)
      if (!strcmp(b->tpls[k], t)) {
        sd_diag_error(d, "usage.batch", NULL, 0, 0, NULL, "the template \"%s\" is given twice", t);
        return SD_E_USAGE;
      }
    if (!(b->tpls[i] = sd_strdup(t))) return SD_E_NOMEM;
  }
  /* a cover letter comes after the documents it lists */
  for (size_t i = 0; i + 1 < n; i++)
    if (sd_batch_is_cover(b->tpls[i])) {
      char *cover = b->tpls[i];
      memmove(&b->tpls[i], &b->tpls[i + 1], (n - i - 1) * sizeof *b->tpls);
      b->tpls[n - 1] = cover;
      break;
    }
  if (pthread_cond_init(&b->cv, NULL) != 0) return SD_E_NOMEM;
  b->cv_ok = 1;
  b->ro.template_ref = b->tpls[0];
  b->family = b->ro.lang && !strcmp(b->ro.lang, "family");
  b->also_english = o->also_english;
  b->group_readable = o->group_readable;
  b->volume = o->combine_volume ? o->combine_volume : 200;
  if (o->name_pattern && sd_batch_check_pattern(o->name_pattern, d) != SD_OK) return SD_E_USAGE;
  if (o->combine) {
    size_t l = strlen(o->combine);
    if (l < 5 || strcasecmp(o->combine + l - 4, ".pdf")) {
      sd_diag_error(d, "usage.batch", NULL, 0, 0, "combine", "the combined file must end in .pdf");
      return SD_E_USAGE;
    }
  }
  if (o->report) {
    size_t l = strlen(o->report);
    if (l < 6 || strcasecmp(o->report + l - 5, ".html")) {
      sd_diag_error(d, "usage.batch", NULL, 0, 0, "report", "the report must end in .html (a .csv is written beside it)");
      return SD_E_USAGE;
    }
  }
  if (copy_str(&b->name_pattern, o->name_pattern) || copy_str(&b->combine, o->combine) ||
      copy_str(&b->report, o->report))
    return SD_E_NOMEM;
  return SD_OK;
}

SD_API sd_status sd_batch_new(sd_engine *e, const char *const *inputs, size_t n_inputs, const sd_batch_options *opt_in,
                              sd_batch **out, sd_diags *d)
{
  if (!out) return SD_E_USAGE;
  *out = NULL;
  if (!e || !opt_in || (!inputs && n_inputs)) return SD_E_USAGE;
  sd_batch_options o;
  sd_batch_options_init(&o);
  size_t n = opt_in->size ? opt_in->size : sizeof o;
  memcpy(&o, opt_in, n < sizeof o ? n : sizeof o);
  if (!o.output_dir || !*o.output_dir || !strcmp(o.output_dir, "-")) {
    sd_diag_error(d, "usage.batch", NULL, 0, 0, NULL, "an output folder is required");
    return SD_E_USAGE;
  }
  int several = o.size > offsetof(sd_batch_options, n_templates) && o.templates && o.n_templates;
  if (!o.render || (!several && (!o.render->template_ref || !*o.render->template_ref))) {
    sd_diag_error(d, "usage.batch", NULL, 0, 0, NULL, "a template is required");
    return SD_E_USAGE;
  }
  if ((o.shard_n || o.shard_k) && (o.shard_k < 1 || o.shard_k > o.shard_n)) {
    sd_diag_error(d, "usage.batch", NULL, 0, 0, NULL, "a shard is K of N with 1 <= K <= N");
    return SD_E_USAGE;
  }
  if (o.jobs > SD_BATCH_MAX_JOBS) {
    sd_diag_error(d, "usage.batch", NULL, 0, 0, NULL, "at most %d jobs", SD_BATCH_MAX_JOBS);
    return SD_E_USAGE;
  }
  const char *style = o.render->size == 0 || o.render->size > offsetof(sd_render_options, style) ? o.render->style : NULL;
  if (style && strcmp(style, "standard") && strcmp(style, "large-print") && strcmp(style, "dyslexia")) {
    sd_diag_error(d, "usage.style", NULL, 0, 0, NULL, "unknown style \"%s\" (standard, large-print, dyslexia)", style);
    return SD_E_USAGE;
  }
  struct sd_batch *b = calloc(1, sizeof *b);
  if (!b) return SD_E_NOMEM;
  b->lock_fd = -1;
  b->e = e;
  /* the caller's render options, as far as it knew them */
  sd_render_options_init(&b->ro);
  size_t rn = o.render->size ? o.render->size : offsetof(sd_render_options, meeting_id);
  memcpy(&b->ro, o.render, rn < sizeof b->ro ? rn : sizeof b->ro);
  b->ro.size = sizeof b->ro;
  struct sd_batch_owned *ow = &b->own;
  if (copy_str(&ow->tpl, b->ro.template_ref) || copy_str(&ow->lang, b->ro.lang) || copy_str(&ow->style, b->ro.style) ||
      copy_str(&ow->meeting, b->ro.meeting_id) || copy_str(&b->outdir, o.output_dir)) {
    sd_batch_free(b);
    return SD_E_NOMEM;
  }
  b->ro.template_ref = ow->tpl;
  b->ro.lang = ow->lang;
  b->ro.style = ow->style;
  b->ro.meeting_id = ow->meeting;
  /* one date for the whole batch unless SOURCE_DATE_EPOCH fixes it */
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  if (b->ro.date_epoch <= 0 && (!sde || !*sde)) b->ro.date_epoch = (int64_t)time(NULL);
  b->shard_k = o.shard_n > 1 ? o.shard_k : 1;
  b->shard_n = o.shard_n > 1 ? o.shard_n : 1;
  b->jobs = o.jobs ? (int)o.jobs : default_jobs();
  if (b->jobs > SD_BATCH_MAX_JOBS) b->jobs = SD_BATCH_MAX_JOBS;
  b->resume = o.resume;
  b->limit_ms = o.case_time_limit_ms ? o.case_time_limit_ms : SD_BATCH_DEFAULT_CASE_TIME_LIMIT_MS;
  b->progress = o.progress;
  b->progress_user = o.progress_user;
  b->cancel = o.cancel;
  b->cancel_user = o.cancel_user;
  b->lim = o.limits ? *o.limits : SD_LIMITS_DEFAULT;
  if (o.manifest) b->manifest = sd_strdup(o.manifest);
  else {
    b->manifest_default = 1;
    char name[64];
    if (b->shard_n > 1) snprintf(name, sizeof name, ".sendoc-batch-%u-of-%u.jsonl", b->shard_k, b->shard_n);
    else snprintf(name, sizeof name, ".sendoc-batch.jsonl");
    b->manifest = sd_batch_join(b->outdir, name);
  }
  if (!b->manifest || pthread_mutex_init(&b->mu, NULL) != 0) {
    free(b->manifest);
    b->manifest = NULL;
    sd_batch_free(b);
    return SD_E_NOMEM;
  }
  b->mu_ok = 1;
  sd_status st = issue16_options(b, &o, d);
  for (size_t i = 0; st == SD_OK && i < b->n_tpls; i++) st = check_template(b, b->tpls[i], &b->tpl_paths[i], d);
  if (st == SD_OK && !(b->tpl_path = sd_strdup(b->tpl_paths[0]))) st = SD_E_NOMEM;
  if (st == SD_OK) st = sd_batch_common_fingerprint(b, d);
  if (st == SD_OK) st = sd_batch_find(b, inputs, n_inputs, d);
  if (st == SD_OK) st = sd_batch_expand(b, d);
  /* before the claim, which removes a killed batch's manifest temporary:
   * its whole lines still vouch for the PDFs written before the kill */
  if (st == SD_OK && b->resume) sd_batch_load_prev(b);
  if (st == SD_OK) st = sd_batch_claim(b, d);
  if (st == SD_OK && b->group_readable) (void)chmod(b->outdir, 0750); /* asked for: a team's shared drive */
  if (st != SD_OK) {
    sd_batch_free(b);
    return st;
  }
  if ((size_t)b->jobs > b->n) b->jobs = b->n ? (int)b->n : 1;
  *out = b;
  return SD_OK;
}

SD_API size_t sd_batch_count(const sd_batch *b)
{
  return b ? b->n : 0;
}

SD_API const char *sd_batch_manifest_path(const sd_batch *b)
{
  return b && b->manifest && strcmp(b->manifest, "-") ? b->manifest : NULL;
}

/* ---- one case ---- */

typedef struct case_ctx {
  struct sd_batch *b;
  double deadline; /* monotonic seconds; 0: none */
} case_ctx;

/* Asked by the engine at its checkpoints: the caller's cancel, or the case's time is up. */
static int case_cancel(void *user)
{
  case_ctx *c = user;
  if (atomic_load(&c->b->stop)) return 1;
  if (c->b->cancel && c->b->cancel(c->b->cancel_user)) return 1;
  return c->deadline > 0 && now_s() > c->deadline;
}

/* Reads the case file, bounded, never blocking. */
static sd_status read_case(struct sd_batch *b, sd_batch_job *j, unsigned char **out, size_t *len)
{
  const char *why = NULL;
  int fd = sd_open_regular(j->path, &why);
  if (fd < 0) {
    int err = errno;
    char buf[128];
    const char *msg = why ? why : strerror_r(err, buf, sizeof buf); /* GNU: thread-safe */
    sd_diag_error(j->d, "case.io", j->path, 0, 0, NULL, "cannot read the case: %s%s", why ? "it is " : "", msg);
    /* a file gone, unreadable or not a file costs this case only */
    return err == EIO || err == ENOMEM || err == EMFILE || err == ENFILE ? SD_E_IO : SD_E_INPUT;
  }
  struct stat sb;
  if (fstat(fd, &sb) == 0 && (uint64_t)sb.st_size > b->lim.max_file_bytes) {
    close(fd);
    sd_diag_error(j->d, "case.limit", j->path, 1, 1, NULL, "the file is %lld bytes; the limit is %zu",
                  (long long)sb.st_size, b->lim.max_file_bytes);
    return SD_E_LIMIT;
  }
  close(fd);
  *out = sd_batch_read_all(j->path, b->lim.max_file_bytes, len);
  if (!*out) {
    sd_diag_error(j->d, "case.io", j->path, 0, 0, NULL, "cannot read the case (or it grew past %zu bytes)",
                  b->lim.max_file_bytes);
    return SD_E_INPUT;
  }
  return SD_OK;
}

/* Up to date: the earlier manifest recorded this fingerprint for the case,
 * and the output on disk is still the file it described. */
static int up_to_date(struct sd_batch *b, sd_batch_job *j)
{
  const sd_batch_prev *p = j->fp_hex[0] ? sd_batch_find_prev(b, j->path, j->fp_hex) : NULL;
  if (!p) return 0;
  size_t len = 0;
  unsigned char *pdf = sd_batch_read_all(j->out, (size_t)1 << 30, &len);
  if (!pdf) return 0;
  sd_batch_describe(j, pdf, len);
  free(pdf);
  return j->pages > 0 && !strcmp(j->sha_hex, p->sha);
}

static void set_outcome(sd_batch_job *j, sd_status st)
{
  j->status = st;
  if (st == SD_OK) j->outcome = SD_BATCH_OK;
  else if (st == SD_E_TIMEOUT) j->outcome = SD_BATCH_TIMEOUT;
  else j->outcome = rank(st) == 1 ? SD_BATCH_INVALID : SD_BATCH_ERROR;
}

static void stop_batch(struct sd_batch *b, sd_status st)
{
  int expect = 0;
  if (atomic_compare_exchange_strong(&b->stop, &expect, 1)) b->stop_status = st;
}

/* last_dir: the folder this thread created last (cases come folder by folder) */
static void run_case(struct sd_batch *b, sd_batch_job *j, char **last_dir)
{
  double t0 = now_s();
  j->pages = -1;
  if (!(j->d = sd_diags_new())) {
    set_outcome(j, SD_E_NOMEM);
    stop_batch(b, SD_E_NOMEM);
    return;
  }
  unsigned char *xml = NULL, *pdf = NULL;
  size_t xlen = 0, len = 0;
  sd_case *cs = NULL;
  int env = 0;
  if (j->fallback)
    sd_diag_warn(j->d, "batch.lang-fallback", j->path, 0, 0, "family.home-language",
                 "sendoc has no catalogue for the family's language (%s): documents in English", j->fallback);
  sd_status st = read_case(b, j, &xml, &xlen);
  if (st == SD_OK) {
    const char *slash = strrchr(j->path, '/');
    char *dir = slash ? sd_strndup(j->path, slash == j->path ? 1 : (size_t)(slash - j->path)) : sd_strdup(".");
    st = dir ? sd_case_load_mem(b->e, xml, xlen, j->path, dir, &b->lim, &cs, j->d) : SD_E_NOMEM;
    free(dir);
  }
  if (st == SD_OK) sd_batch_case_names(j, cs);
  if (st == SD_OK) {
    sd_batch_case_fingerprint(b, cs, xml, xlen, j);
    if (b->resume && up_to_date(b, j)) {
      j->skipped = 1;
      goto done;
    }
    case_ctx cc = { b, b->limit_ms == UINT32_MAX ? 0 : t0 + b->limit_ms / 1000.0 };
    sd_render_options ro = b->ro;
    ro.template_ref = b->tpls[j->tpl];
    if (j->lang) ro.lang = j->lang;
    ro.cancel = case_cancel;
    ro.cancel_user = &cc;
    ro.time_limit_ms = b->limit_ms == UINT32_MAX ? 0 : b->limit_ms;
    void *cover = sd_batch_cover_begin(b, j, cs);
    st = sd_render(b->e, cs, &ro, &pdf, &len, j->d);
    sd_batch_cover_end(cover);
    int stopped = atomic_load(&b->stop), batch_cancelled = stopped || (b->cancel && b->cancel(b->cancel_user));
    /* past the limit: a timeout, even when the render did not notice in time */
    if (!batch_cancelled && cc.deadline > 0 && (st == SD_E_CANCELLED || st == SD_E_TIMEOUT || now_s() > cc.deadline)) {
      sd_free(pdf);
      pdf = NULL;
      st = SD_E_TIMEOUT;
      sd_diag_error(j->d, "render.timeout", j->path, 0, 0, NULL,
                    "not rendered: the case took longer than the limit of %.3g s a case", b->limit_ms / 1000.0);
    } else if (st == SD_E_CANCELLED && stopped && b->stop_status != SD_E_CANCELLED) {
      st = b->stop_status; /* stopped by another case's environment problem */
      sd_diag_error(j->d, "batch.stopped", j->path, 0, 0, NULL, "not rendered: the batch stopped after an earlier error");
    } else if (st == SD_E_CANCELLED) {
      sd_diag_error(j->d, "batch.cancelled", j->path, 0, 0, NULL, "not rendered: the batch was cancelled");
    }
    /* the template, style or data folder, not this case: every case would fail */
    env = st == SD_E_USAGE || st == SD_E_RESOURCE || st == SD_E_CANCELLED;
    if (st == SD_E_INPUT) sd_batch_collapse(b, j, cs);
  }
  if (st == SD_OK) {
    char *dir = sd_strdup(j->out);
    if (!dir) st = SD_E_NOMEM;
    else {
      *strrchr(dir, '/') = 0;
      if (*last_dir && !strcmp(*last_dir, dir)) free(dir);
      else if (sd_batch_mkdir_p(dir, SD_BATCH_DIR_MODE(b)) != 0) {
        sd_diag_error(j->d, "io.write", j->out, 0, 0, NULL, "cannot create the folder %s", dir);
        free(dir);
        st = SD_E_IO;
      } else {
        free(*last_dir);
        *last_dir = dir;
      }
    }
    if (st == SD_OK) st = sd_batch_write_out(j, pdf, len);
    if (st == SD_OK && b->group_readable) (void)chmod(j->out, 0640); /* renamed 0600: only ever widened */
    /* a full disk or a read-only folder fails every case alike: stop early */
    env = st != SD_OK;
    if (st == SD_OK) sd_batch_describe(j, pdf, len);
  }
done:
  set_outcome(j, st);
  if (env) stop_batch(b, st);
  sd_free(pdf);
  free(xml);
  sd_case_free(cs);
  j->seconds = now_s() - t0;
}

/* ---- reporting, in input order ---- */

static void item_of(const struct sd_batch *b, const sd_batch_job *j, size_t i, sd_batch_item *it)
{
  memset(it, 0, sizeof *it);
  it->size = sizeof *it;
  it->index = i;
  it->case_path = j->path;
  it->outcome = j->outcome;
  it->status = j->status;
  it->output = j->outcome == SD_BATCH_OK ? j->out : NULL;
  it->skipped = j->skipped;
  it->pages = j->outcome == SD_BATCH_OK ? j->pages : -1;
  it->bytes = j->outcome == SD_BATCH_OK ? j->bytes : 0;
  it->sha256 = j->outcome == SD_BATCH_OK && j->sha_hex[0] ? j->sha_hex : NULL;
  it->fingerprint = j->fp_hex[0] ? j->fp_hex : NULL;
  it->seconds = j->seconds;
  it->diags = j->d;
  it->template_ref = j->outcome == SD_BATCH_IGNORED ? NULL : b->tpls[j->tpl];
  it->lang = j->outcome == SD_BATCH_IGNORED ? NULL : j->lang;
  it->child = j->child;
  it->school = j->school;
  it->reason = j->reason;
  it->problems = j->problems;
}

static void commit(struct sd_batch *b, sd_batch_job *j)
{
  sd_batch_digest(b, j);
  sd_batch_manifest_line(b, j);
  size_t i = (size_t)(j - b->v);
  b->committed++;
  sd_batch_totals *t = &b->t;
  if (j->outcome == SD_BATCH_IGNORED) {
    t->ignored++;
    if (j->status != SD_OK) t->problems++;
  } else if (j->skipped) t->skipped++;
  else if (j->outcome == SD_BATCH_OK) t->rendered++;
  else {
    t->failed++;
    if (j->outcome == SD_BATCH_TIMEOUT) t->timed_out++;
  }
  if (rank(j->status) > rank(b->worst)) b->worst = j->status;
  if (b->progress) {
    sd_batch_item it;
    item_of(b, j, i, &it);
    b->progress(b->progress_user, &it, b->committed, b->n);
  }
  sd_diags_free(j->d);
  j->d = NULL;
}

static void *worker(void *arg)
{
  struct sd_batch *b = arg;
  char *last_dir = NULL;
  for (;;) {
    if (atomic_load(&b->stop)) break;
    if (b->cancel && b->cancel(b->cancel_user)) {
      stop_batch(b, SD_E_CANCELLED);
      break;
    }
    size_t i = atomic_fetch_add(&b->next, 1);
    if (i >= b->n) break;
    sd_batch_job *j = &b->v[i];
    /* entries found but not cases were settled while finding them */
    if (j->outcome != SD_BATCH_IGNORED) run_case(b, j, &last_dir);
    pthread_mutex_lock(&b->mu);
    j->done = 1;
    if (b->cv_ok) pthread_cond_broadcast(&b->cv);
    while (b->committed < b->n && b->v[b->committed].done) commit(b, &b->v[b->committed]);
    pthread_mutex_unlock(&b->mu);
  }
  free(last_dir);
  return NULL;
}

SD_API sd_status sd_batch_run(sd_batch *b, sd_diags *d)
{
  if (!b || b->ran) return SD_E_USAGE;
  b->ran = 1;
  memset(&b->t, 0, sizeof b->t);
  b->t.size = sizeof b->t;
  b->t.entries = b->n;
  b->worst = SD_OK;
  if (sd_batch_manifest_open(b, d) != 0) return SD_E_IO;
  pthread_t th[SD_BATCH_MAX_JOBS];
  int started = 0;
  for (int i = 1; i < b->jobs; i++)
    if (pthread_create(&th[started], NULL, worker, b) == 0) started++;
  worker(b);
  for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
  /* entries never started after a stop: in the manifest, not silently dropped */
  for (size_t i = b->committed; i < b->n; i++) {
    sd_batch_job *j = &b->v[i];
    if (!j->done) {
      sd_status why = b->stop_status ? b->stop_status : SD_E_CANCELLED;
      if (!j->d) j->d = sd_diags_new();
      j->status = why;
      j->outcome = SD_BATCH_ERROR;
      j->quiet = 1;
      sd_diag_error(j->d, why == SD_E_CANCELLED ? "batch.cancelled" : "batch.stopped", j->path, 0, 0, NULL,
                    why == SD_E_CANCELLED ? "not rendered: the batch was cancelled"
                                          : "not rendered: the batch stopped after an earlier error");
      b->t.not_run++;
    }
    commit(b, j);
  }
  /* the PDFs are on disk before the manifest that lists them */
  sd_status st = b->worst;
  if (sd_batch_flush(b->outdir) != 0) {
    sd_diag_error(d, "io.write", b->outdir, 0, 0, NULL, "cannot flush the output folder to disk: %s", strerror(errno));
    st = SD_E_IO;
  }
  if (sd_batch_manifest_close(b, d) != 0) st = SD_E_IO;
  if (b->group_readable && b->manifest && strcmp(b->manifest, "-")) (void)chmod(b->manifest, 0640);
  /* issue 16: warnings every document repeated, once; the print file; the report */
  sd_batch_tally_flush(b, d);
  sd_status cs = b->combine ? sd_batch_combine(b, d) : SD_OK;
  if (cs != SD_OK && rank(cs) > rank(st)) st = cs;
  sd_status rs = b->report ? sd_batch_report_write(b, d) : SD_OK;
  if (rs != SD_OK && rank(rs) > rank(st)) st = rs;
  return st;
}

SD_API void sd_batch_totals_get(const sd_batch *b, sd_batch_totals *t)
{
  if (!t) return;
  size_t n = t->size && t->size < sizeof *t ? t->size : sizeof *t;
  sd_batch_totals x;
  memset(&x, 0, sizeof x);
  if (b) x = b->t;
  x.size = n;
  memcpy(t, &x, n);
}

SD_API sd_status sd_batch_get(const sd_batch *b, size_t i, sd_batch_item *out)
{
  if (!b || !out || i >= b->n) return SD_E_USAGE;
  size_t n = out->size && out->size < sizeof *out ? out->size : sizeof *out;
  sd_batch_item it;
  item_of(b, &b->v[i], i, &it);
  it.diags = NULL;
  it.size = n;
  memcpy(out, &it, n);
  return SD_OK;
}

SD_API void sd_batch_free(sd_batch *b)
{
  if (!b) return;
  sd_batch_manifest_abort(b);
  sd_batch_release(b);
  for (size_t i = 0; i < b->n; i++) sd_batch_job_clear(&b->v[i]);
  free(b->v);
  for (size_t i = 0; i < b->n_prev; i++) free(b->prev[i].path);
  free(b->prev);
  struct sd_batch_owned *ow = &b->own;
  free(ow->tpl);
  free(ow->lang);
  free(ow->style);
  free(ow->meeting);
  free(b->outdir);
  free(b->manifest);
  free(b->tpl_path);
  sd_batch_issue16_free(b);
  if (b->mu_ok) pthread_mutex_destroy(&b->mu);
  if (b->cv_ok) pthread_cond_destroy(&b->cv);
  free(b);
}
