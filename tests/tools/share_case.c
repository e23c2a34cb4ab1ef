/* share_case: one sd_engine and one loaded sd_case shared by several threads
 * rendering and linting at once, as sendoc.h says is allowed. Every thread's
 * PDFs must be byte-identical to the ones rendered alone first. Built with
 * ThreadSanitizer by tests/tsan/run.sh, where any race fails the stage.
 *   share_case DATA_DIR CASE.xml [THREADS]   (exit 0: all identical) */
#include "sendoc.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct { const char *tpl, *lang; } JOBS[] = {
  { "one-page-profile", NULL }, { "one-page-profile", "ur" }, { "postcard-try", "en-GB" }, { "ehcp", "bn" },
};
enum { N_JOBS = sizeof JOBS / sizeof *JOBS, ROUNDS = 2 };

static sd_engine *engine;
static const sd_case *shared;
static unsigned char *ref[N_JOBS];
static size_t ref_len[N_JOBS];

static sd_status render(size_t j, unsigned char **pdf, size_t *len, sd_diags *d)
{
  sd_render_options o;
  sd_render_options_init(&o);
  o.template_ref = JOBS[j].tpl;
  o.lang = JOBS[j].lang;
  o.date_epoch = 1764547200;
  return sd_render(engine, shared, &o, pdf, len, d);
}

static void *worker(void *arg)
{
  size_t id = (size_t)arg;
  long bad = 0;
  for (int r = 0; r < ROUNDS; r++)
    for (size_t k = 0; k < N_JOBS; k++) {
      size_t j = (k + id) % N_JOBS; /* each thread starts elsewhere */
      sd_diags *d = sd_diags_new();
      unsigned char *pdf = NULL;
      size_t len = 0;
      if (render(j, &pdf, &len, d) != SD_OK || len != ref_len[j] || memcmp(pdf, ref[j], len) != 0) bad++;
      sd_free(pdf);
      if (sd_lint(engine, shared, JOBS[j].tpl, JOBS[j].lang, d) != SD_OK) bad++;
      sd_diags_free(d);
    }
  return (void *)bad;
}

int main(int argc, char **argv)
{
  if (argc < 3) {
    fprintf(stderr, "usage: share_case DATA_DIR CASE.xml [THREADS]\n");
    return 2;
  }
  int threads = argc > 3 ? atoi(argv[3]) : 4;
  if (threads < 2 || threads > 16) threads = 4;
  sd_diags *d = sd_diags_new();
  sd_case *c = NULL;
  if (sd_engine_new(argv[1], &engine, d) != SD_OK || sd_case_load(engine, argv[2], NULL, &c, d) != SD_OK) {
    fprintf(stderr, "share_case: cannot load %s\n", argv[2]);
    return 3;
  }
  shared = c;
  for (size_t j = 0; j < N_JOBS; j++)
    if (render(j, &ref[j], &ref_len[j], d) != SD_OK) {
      fprintf(stderr, "share_case: %s alone does not render\n", JOBS[j].tpl);
      return 3;
    }
  pthread_t t[16];
  for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, worker, (void *)(size_t)i);
  long bad = 0;
  for (int i = 0; i < threads; i++) {
    void *r;
    pthread_join(t[i], &r);
    bad += (long)r;
  }
  printf("share_case: %d threads x %d renders and lints of one case: %ld differed or failed\n", threads,
         ROUNDS * N_JOBS, bad);
  for (size_t j = 0; j < N_JOBS; j++) sd_free(ref[j]);
  sd_case_free(c);
  sd_engine_free(engine);
  sd_diags_free(d);
  return bad != 0;
}
