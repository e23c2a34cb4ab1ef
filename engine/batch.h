/* batch: the pieces of sd_batch (sendoc.h) shared by engine/batch*.c.
 *   batch.c          the API, the workers, one case from input to output
 *   batch_find.c     finding the entries: folders walked, everything reported
 *   batch_out.c      the output folder: its lock, strays, writing, page counts
 *   batch_manifest.c the manifest: writing it, reading an earlier one, fingerprints */
#ifndef SD_BATCH_H
#define SD_BATCH_H
#include "diag.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define SD_BATCH_MAX_JOBS 256
#define SD_BATCH_MAX_DEPTH 64
#define SD_BATCH_MAX_TEMPLATE_BYTES (1u << 20) /* as the engine's template reader */

typedef struct sd_batch_job {
  char *path;  /* the entry as the user can find it: INPUT/rel */
  char *rel;   /* relative to its INPUT root: the shard key, the output name */
  char *out;   /* OUTDIR/rel with .xml replaced by .pdf; NULL for an ignored entry */
  /* results: written by one worker, read after `done` under the batch lock */
  int done, skipped, quiet;
  sd_batch_outcome outcome;
  sd_status status;
  sd_diags *d;
  unsigned char sha[32];
  char sha_hex[65]; /* of the output, "" when none */
  char fp_hex[65]; /* the fingerprint, "" when none */
  long pages;
  size_t bytes;
  double seconds;
  /* issue 16 (batch_names.c, batch_report.c) */
  size_t tpl;        /* index into the batch's templates */
  char *lang;        /* this document's language; NULL: the batch's */
  char *fallback;    /* the family's language when it has no catalogue (rendered in English) */
  char *child, *school;
  char *problems;    /* its errors in plain words, kept for the report */
  const char *reason;/* static plain words; NULL when rendered */
} sd_batch_job;

/* One line of an earlier manifest (resume): the case, its output's sha256 and fingerprint. */
typedef struct sd_batch_prev {
  char *path;
  char sha[65], fp[65];
} sd_batch_prev;

struct sd_batch_owned { char *tpl, *lang, *style, *meeting; }; /* the render options' strings, copied */

struct sd_batch {
  sd_engine *e;
  struct sd_batch_owned own;
  sd_render_options ro;
  char *outdir, *manifest, *tpl_path;
  int resume, jobs, manifest_default;
  unsigned shard_k, shard_n;
  uint32_t limit_ms;
  sd_batch_progress_fn progress;
  void *progress_user;
  sd_cancel_fn cancel;
  void *cancel_user;
  sd_limits lim;
  unsigned char common_fp[32]; /* version, template, lang, style, data files */
  sd_batch_job *v;
  size_t n, cap;
  sd_batch_prev *prev; /* sorted by path */
  size_t n_prev;
  atomic_size_t next;
  atomic_int stop; /* an environment problem or a cancel: no new case starts */
  sd_status stop_status;
  pthread_mutex_t mu;
  size_t committed;
  sd_batch_totals t;
  sd_status worst;
  FILE *mf;
  char *mf_tmp;
  int mf_err, ran, mu_ok;
  int lock_fd; /* held (shared) while the batch lives; -1 none */
  char token[17]; /* this batch in the register */
  /* issue 16 */
  char **tpls, **tpl_paths; /* every template (tpls[0] is ro.template_ref) and its file */
  size_t n_tpls;
  int family, also_english, group_readable;
  char *name_pattern, *report, *combine;
  unsigned volume;
  struct sd_batch_tally *tally; /* warnings every document repeats, counted */
  size_t n_tally;
  char **combined;  /* the combined files written */
  size_t n_combined;
  char *report_csv;
  pthread_cond_t cv; /* broadcast when a job is done (cover letters wait for their case's documents) */
  int cv_ok;
};

/* A warning many documents repeat, said once with its count. */
struct sd_batch_tally {
  char *code, *message;
  size_t count;
};

/* batch_names.c: one job per document (case x template x language), named
 * by the pattern; collisions refused. SD_OK, SD_E_USAGE, SD_E_NOMEM. */
sd_status sd_batch_expand(struct sd_batch *b, sd_diags *d);
/* Checks a name pattern: SD_E_USAGE with d when it could leave the folder. */
sd_status sd_batch_check_pattern(const char *pat, sd_diags *d);
/* The name a checked pattern gives (heap; NULL: no memory); fuzz_names. */
char *sd_batch_name_for(const char *pat, const char *rel, const char *child, const char *school, const char *tpl,
                        const char *lang);
/* The modes outputs and folders get. */
#define SD_BATCH_FILE_MODE(b) ((b)->group_readable ? 0640 : 0600)
#define SD_BATCH_DIR_MODE(b) ((b)->group_readable ? 0750 : 0700)
/* batch_report.c: in the worker, after a render failed: a case's errors
 * of one kind collapsed into one sentence (a case with no plan rendered
 * with a template that needs one: one sentence, not one error a field). */
void sd_batch_collapse(struct sd_batch *b, sd_batch_job *j, const sd_case *c);
/* Under the batch lock, before a job's diagnostics are given away:
 * repeated warnings moved to the tally, the reason and problems kept. */
void sd_batch_digest(struct sd_batch *b, sd_batch_job *j);
/* The child's name and school from a loaded case into j (when not set). */
void sd_batch_case_names(sd_batch_job *j, const sd_case *c);
/* After the run: the report (HTML + CSV) and the tally into d. */
sd_status sd_batch_report_write(struct sd_batch *b, sd_diags *d);
void sd_batch_tally_flush(struct sd_batch *b, sd_diags *d);
void sd_batch_issue16_free(struct sd_batch *b);
/* batch_cover.c: a cover letter lists the case's documents made before it. */
int sd_batch_is_cover(const char *ref);
void *sd_batch_cover_begin(struct sd_batch *b, sd_batch_job *j, sd_case *c);
void sd_batch_cover_end(void *state);
/* batch_combine.c: the combined print files. */
sd_status sd_batch_combine(struct sd_batch *b, sd_diags *d);

/* batch_find.c: the entries of inputs into b->v, sorted, duplicates refused,
 * sharded. SD_OK or SD_E_USAGE / SD_E_NOMEM with d. */
sd_status sd_batch_find(struct sd_batch *b, const char *const *inputs, size_t n, sd_diags *d);
void sd_batch_job_clear(sd_batch_job *j);
char *sd_batch_join(const char *a, const char *b);
int sd_batch_mkdir_p(const char *path, mode_t mode);

/* batch_out.c */
/* Claims OUTDIR: creates it, registers this process in OUTDIR/.sendoc-batch.pid
 * (under a lock), refuses when a live batch with other settings or the same
 * shard is registered, removes strays when no other batch is running. */
sd_status sd_batch_claim(struct sd_batch *b, sd_diags *d);
void sd_batch_release(struct sd_batch *b);
/* Writes the PDF as OUT.tmp-XXXXXX renamed into place (no fsync; the batch syncs once). */
sd_status sd_batch_write_out(sd_batch_job *j, const unsigned char *buf, size_t len);
/* sha256, page count and size of a PDF into j. */
void sd_batch_describe(sd_batch_job *j, const unsigned char *pdf, size_t len);
long sd_batch_pdf_pages(const unsigned char *pdf, size_t n);
/* Reads a whole file of at most cap bytes (regular files only). */
unsigned char *sd_batch_read_all(const char *path, size_t cap, size_t *len);
int sd_batch_flush(const char *dir);

/* batch_manifest.c */
sd_status sd_batch_common_fingerprint(struct sd_batch *b, sd_diags *d);
/* The fingerprint of one case: common + case bytes + photo bytes. */
void sd_batch_case_fingerprint(const struct sd_batch *b, const sd_case *c, const unsigned char *xml, size_t len,
                               sd_batch_job *j);
void sd_batch_load_prev(struct sd_batch *b);
/* Adds the trustworthy rows of manifest text (NUL-terminated, modified in
 * place) to b->prev; *cap is b->prev's capacity. Unsorted. */
void sd_batch_prev_parse(struct sd_batch *b, char *text, size_t len, size_t *cap);
const sd_batch_prev *sd_batch_find_prev(const struct sd_batch *b, const char *path, const char *fp);
int sd_batch_manifest_open(struct sd_batch *b, sd_diags *d);
void sd_batch_manifest_line(struct sd_batch *b, const sd_batch_job *j);
int sd_batch_manifest_close(struct sd_batch *b, sd_diags *d);
void sd_batch_manifest_abort(struct sd_batch *b);
void sd_batch_hex(const unsigned char *h, size_t n, char *out);
#endif
