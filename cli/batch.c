/* sendoc batch INPUT... -o OUTDIR: the command line over the library's
 * batch (sd_batch in sendoc.h): options, the progress bar, printing each
 * entry's problems in input order, the summary and the exit status. */
#include "cli.h"
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { OPT_SHARD = 2000, OPT_MANIFEST, OPT_RESUME, OPT_CASE_TIME_LIMIT,
       OPT_ALSO_ENGLISH, OPT_NAME, OPT_COMBINE, OPT_REPORT, OPT_GROUP_READABLE, OPT_COMBINE_VOLUME };

typedef struct shell {
  cli_common com;
  int tty;
  size_t failed;
  struct timespec t0, last_bar;
  char current[64]; /* the entry last finished, for the progress line */
} shell;

static double since(const struct timespec *a, const struct timespec *b)
{
  return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void bar(shell *s, size_t done, size_t total, int final)
{
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (!final && since(&s->last_bar, &now) < 0.1) return;
  s->last_bar = now;
  double t = since(&s->t0, &now);
  int w = 30, fill = total ? (int)((double)done / (double)total * w) : w;
  char cells[32];
  for (int i = 0; i < w; i++) cells[i] = i < fill ? '#' : '.';
  cells[w] = 0;
  double rate = t > 0 ? (double)done / t : 0.0;
  fprintf(stderr, "\r\033[K[%s] %zu/%zu  %zu failed  %.1f cases/s", cells, done, total, s->failed, rate);
  if (!final && rate > 0 && done < total) {
    double eta = (double)(total - done) / rate;
    if (eta >= 3600) fprintf(stderr, "  ETA %dh%02dm", (int)(eta / 3600), (int)(eta / 60) % 60);
    else fprintf(stderr, "  ETA %dm%02ds", (int)(eta / 60), (int)eta % 60);
  }
  if (!final && s->current[0]) fprintf(stderr, "  %s", s->current);
  if (final) fputs("\r\033[K", stderr);
  fflush(stderr);
}

/* Every diagnostic of a batch names its case (issue 16): in text, a
 * template's error is prefixed with the case, template and language; in
 * JSON, each object carries "case", "template" and "lang". */
static void print_case_diags(const sd_batch_item *it, const cli_common *com)
{
  static const char *const sev[] = { "note", "warning", "error" };
  for (size_t i = 0; i < sd_diags_count(it->diags); i++) {
    sd_diag_info g;
    sd_diags_get(it->diags, i, &g);
    if (com->json) {
      fputs("{\"case\":", stderr);
      cli_json_str(stderr, it->case_path);
      fputs(",\"template\":", stderr);
      cli_json_str(stderr, it->template_ref);
      fputs(",\"lang\":", stderr);
      cli_json_str(stderr, it->lang);
      fputs(",\"severity\":", stderr);
      cli_json_str(stderr, sev[g.severity]);
      fputs(",\"code\":", stderr);
      cli_json_str(stderr, g.code);
      fputs(",\"file\":", stderr);
      cli_json_str(stderr, g.file);
      fprintf(stderr, ",\"line\":%d,\"column\":%d,\"field\":", g.line, g.column);
      cli_json_str(stderr, g.field);
      fputs(",\"message\":", stderr);
      cli_json_str(stderr, g.message);
      fputs("}\n", stderr);
      continue;
    }
    /* about the case file itself: FILE:LINE:COL as every command prints;
     * about a template or nothing: the case named first */
    if (!g.file || strcmp(g.file, it->case_path)) {
      fputs(it->case_path, stderr);
      if (it->template_ref)
        fprintf(stderr, " (%s%s%s)", it->template_ref, it->lang ? ", " : "", it->lang ? it->lang : "");
      fputs(": ", stderr);
    }
    if (g.file) {
      fputs(g.file, stderr);
      if (g.line > 0) fprintf(stderr, ":%d", g.line);
      if (g.line > 0 && g.column > 0) fprintf(stderr, ":%d", g.column);
      fputs(": ", stderr);
    }
    fprintf(stderr, "%s: ", sev[g.severity]);
    if (g.field) fprintf(stderr, "<%s>: ", g.field);
    fprintf(stderr, "%s [%s]\n", g.message, g.code);
  }
}

/* The library's summary: its lines as they are, or with --diagnostics=json
 * each as a note (code batch.summary); the counts, last, stay plain text. */
static void print_summary(char *sum, const cli_common *com)
{
  for (char *line = sum, *nl; *line; line = nl + 1) {
    nl = strchr(line, '\n');
    if (!nl) nl = line + strlen(line) - 1;
    *nl = 0;
    int last = nl[1] == 0;
    if (com->json) {
      sd_diag_info g = { SD_SEV_NOTE, "batch.summary", NULL, 0, 0, NULL, line };
      cli_json_diag(stderr, &g);
      fputc('\n', stderr);
    } else fprintf(stderr, "%s\n", line);
    if (last) break;
  }
}

/* -t ehcp,one-page-profile: the names, split in place. */
static size_t split_templates(char *arg, const char **out, size_t cap)
{
  size_t n = 0;
  for (char *tok = strtok(arg, ","); tok && n < cap; tok = strtok(NULL, ",")) out[n++] = tok;
  return n;
}

/* Called by the library once per entry, in input order, one at a time. */
static void progress(void *user, const sd_batch_item *it, size_t done, size_t total)
{
  shell *s = user;
  if (s->tty) fputs("\r\033[K", stderr);
  if (it->outcome != SD_BATCH_OK && !(it->outcome == SD_BATCH_IGNORED && it->status == SD_OK)) s->failed++;
  /* cases never started after a stop are summed up in one line at the end */
  int quiet = 0;
  for (size_t i = 0; it->diags && i < sd_diags_count(it->diags); i++) {
    sd_diag_info g;
    sd_diags_get(it->diags, i, &g);
    if (!strcmp(g.code, "batch.stopped") || !strcmp(g.code, "batch.cancelled")) quiet = 1;
  }
  if (it->diags && !quiet) print_case_diags(it, &s->com);
  if (s->tty) {
    /* the entry's file name, at most 40 bytes, not cutting a UTF-8 sequence */
    const char *base = strrchr(it->case_path, '/');
    base = base ? base + 1 : it->case_path;
    size_t l = strlen(base);
    if (l > 40) {
      l = 40;
      while (l > 0 && ((unsigned char)base[l] & 0xC0) == 0x80) l--;
    }
    snprintf(s->current, sizeof s->current, "%.*s", (int)l, base);
    for (char *p = s->current; *p; p++)
      if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
    bar(s, done, total, 0);
  }
}

static int parse_uint(const char *str, unsigned lo, unsigned hi, unsigned *out)
{
  char *end;
  errno = 0;
  unsigned long v = strtoul(str, &end, 10);
  if (errno || end == str || *end || str[0] == '-' || str[0] == '+' || v < lo || v > hi) return -1;
  *out = (unsigned)v;
  return 0;
}

static int parse_shard(const char *str, unsigned *k, unsigned *n)
{
  const char *slash = strchr(str, '/');
  if (!slash || slash - str > 10) return -1;
  char kb[12];
  memcpy(kb, str, (size_t)(slash - str));
  kb[slash - str] = 0;
  if (parse_uint(kb, 1, 1000000, k) || parse_uint(slash + 1, 1, 1000000, n) || *k > *n) return -1;
  return 0;
}

/* SECONDS: a positive decimal (0.5, 60, 3600), or "none"; to milliseconds */
static int parse_seconds(const char *str, uint32_t *ms)
{
  if (!strcmp(str, "none")) {
    *ms = UINT32_MAX;
    return 0;
  }
  char *end;
  errno = 0;
  double v = strtod(str, &end);
  if (errno || end == str || *end || !(v > 0) || v > 86400.0 * 7) return -1;
  double m = ceil(v * 1000.0);
  *ms = m < 1 ? 1 : (uint32_t)m;
  return 0;
}

int cmd_batch(int argc, char **argv)
{
  static const struct option opts[] = {
    { "output", required_argument, NULL, 'o' },   { "template", required_argument, NULL, 't' },
    { "lang", required_argument, NULL, 'l' },     { "style", required_argument, NULL, 's' },
    { "jobs", required_argument, NULL, 'j' },     { "shard", required_argument, NULL, OPT_SHARD },
    { "manifest", required_argument, NULL, OPT_MANIFEST }, { "resume", no_argument, NULL, OPT_RESUME },
    { "case-time-limit", required_argument, NULL, OPT_CASE_TIME_LIMIT },
    { "also-english", no_argument, NULL, OPT_ALSO_ENGLISH },  { "name", required_argument, NULL, OPT_NAME },
    { "combine", required_argument, NULL, OPT_COMBINE },      { "report", required_argument, NULL, OPT_REPORT },
    { "group-readable", no_argument, NULL, OPT_GROUP_READABLE },
    { "combine-volume", required_argument, NULL, OPT_COMBINE_VOLUME },
    CLI_COMMON_LONGOPTS,                          { NULL, 0, NULL, 0 }
  };
  shell s;
  memset(&s, 0, sizeof s);
  sd_render_options ro;
  sd_render_options_init(&ro);
  sd_batch_options bo;
  sd_batch_options_init(&bo);
  bo.render = &ro;
  unsigned jobs = 0;
  const char *tpls[65];
  char *tpl_arg = NULL;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, ":o:t:l:s:j:", opts, NULL)) != -1) {
    switch (c) {
    case 'o': bo.output_dir = optarg; break;
    case 't': ro.template_ref = optarg; break;
    case OPT_ALSO_ENGLISH: bo.also_english = 1; break;
    case OPT_NAME: bo.name_pattern = optarg; break;
    case OPT_COMBINE: bo.combine = optarg; break;
    case OPT_REPORT: bo.report = optarg; break;
    case OPT_GROUP_READABLE: bo.group_readable = 1; break;
    case OPT_COMBINE_VOLUME:
      if (parse_uint(optarg, 1, 100000, &bo.combine_volume))
        return cli_usage_error("batch", "--combine-volume takes 1 to 100000 documents");
      break;
    case 'l': ro.lang = optarg; break;
    case 's': ro.style = optarg; break;
    case 'j':
      if (parse_uint(optarg, 1, 256, &jobs)) return cli_usage_error("batch", "--jobs takes 1 to %d", 256);
      break;
    case OPT_SHARD:
      if (parse_shard(optarg, &bo.shard_k, &bo.shard_n))
        return cli_usage_error("batch", "--shard takes K/N with 1 <= K <= N, e.g. 3/8");
      break;
    case OPT_MANIFEST: bo.manifest = optarg; break;
    case OPT_RESUME: bo.resume = 1; break;
    case OPT_CASE_TIME_LIMIT:
      if (parse_seconds(optarg, &bo.case_time_limit_ms))
        return cli_usage_error("batch", "--case-time-limit takes seconds (e.g. 60 or 0.5) or \"none\"");
      break;
    case OPT_HELP: cli_print_help("batch", stdout); return EXIT_OK;
    default:
      if (c == '?' || c == ':') return cli_bad_option("batch", c, argv, opts);
      if (cli_common_option(&s.com, c, optarg) != 1) return EXIT_USAGE;
    }
  }
  bo.jobs = jobs;
  if (optind >= argc) return cli_usage_error("batch", "no case files or folders given");
  if (!bo.output_dir || !*bo.output_dir) return cli_usage_error("batch", "-o OUTDIR is required");
  if (!strcmp(bo.output_dir, "-"))
    return cli_usage_error("batch", "-o takes a folder; `sendoc render` writes to standard output");
  if (!ro.template_ref) return cli_usage_error("batch", "--template is required");
  if (strchr(ro.template_ref, ',')) {
    if (!(tpl_arg = strdup(ro.template_ref))) return EXIT_ENV;
    bo.n_templates = split_templates(tpl_arg, tpls, 65);
    bo.templates = tpls;
    if (bo.n_templates == 0 || bo.n_templates > 64) {
      free(tpl_arg);
      return cli_usage_error("batch", "--template takes 1 to 64 names, separated by commas");
    }
    ro.template_ref = tpls[0];
  }
  for (int i = optind; i < argc; i++)
    if (!strcmp(argv[i], "-")) return cli_usage_error("batch", "cases come from files or folders, not standard input");
  if (ro.style && strcmp(ro.style, "standard") && strcmp(ro.style, "large-print") && strcmp(ro.style, "dyslexia"))
    return cli_usage_error("batch", "unknown style \"%s\" (standard, large-print, dyslexia)", ro.style);
  /* the data folder first: a missing one is exit 3 however the template is named */
  int code = EXIT_OK;
  sd_engine *e = cli_engine(&s.com, &code);
  if (!e) {
    free(tpl_arg);
    return code;
  }
  if (ro.lang && strcmp(ro.lang, "family")) {
    /* a language that is not a tag stops the batch before any case */
    sd_diags *ld = sd_diags_new();
    sd_status lst = sd_check_lang(e, ro.lang, ld);
    cli_print_diags(ld, &s.com);
    sd_diags_free(ld);
    if (lst != SD_OK) {
      sd_engine_free(e);
      free(tpl_arg);
      return cli_exit_code(lst);
    }
  }
  s.tty = isatty(2) && !cli_json_mode();
  bo.progress = progress;
  bo.progress_user = &s;
  sd_diags *d = sd_diags_new();
  sd_batch *b = NULL;
  sd_status st = d ? sd_batch_new(e, (const char *const *)(argv + optind), (size_t)(argc - optind), &bo, &b, d)
                   : SD_E_NOMEM;
  cli_print_diags(d, &s.com);
  if (st != SD_OK) {
    if (st == SD_E_USAGE && !cli_json_mode()) fputs("Try 'sendoc help batch'.\n", stderr);
    code = cli_exit_code(st);
  } else {
    sd_diags_free(d);
    d = sd_diags_new();
    size_t n = sd_batch_count(b);
    clock_gettime(CLOCK_MONOTONIC, &s.t0);
    st = sd_batch_run(b, d);
    if (s.tty) bar(&s, n, n, 1);
    cli_print_diags(d, &s.com);
    char *summary = NULL;
    sd_batch_totals t = { .size = sizeof t };
    sd_batch_totals_get(b, &t);
    if (t.not_run)
      cli_msg("batch", SD_SEV_ERROR, "batch.stopped", "stopped after the error above; %zu case%s not rendered",
              t.not_run, t.not_run == 1 ? "" : "s");
    if (t.entries == 0)
      cli_msg("batch", SD_SEV_WARNING, "batch.empty", "no case files (*.xml) found%s",
              bo.shard_n > 1 ? " in this shard" : "");
    /* the counts, the commonest reasons, where the manifest and report are */
    if (sd_batch_summary(b, &summary) == SD_OK) print_summary(summary, &s.com);
    sd_free(summary);
    code = cli_exit_code(st);
  }
  sd_diags_free(d);
  sd_batch_free(b);
  sd_engine_free(e);
  free(tpl_arg);
  return code;
}
