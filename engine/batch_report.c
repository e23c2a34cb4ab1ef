/* batch_report: what an officer reads after a batch (issue 16).
 *   - a case's errors of one kind become one sentence (a SEN-support case
 *     rendered with the EHCP template: "this child has no EHC plan", not one
 *     error per missing field);
 *   - a warning every document repeats (an unreviewed catalogue, a family
 *     language with no catalogue) is said once at the end with its count;
 *   - each document keeps its reason and problems in plain words for the
 *     report: HTML (accessible: lang, headings, real tables with th scope)
 *     and CSV beside it (RFC 4180), both written atomically;
 *   - the summary the CLI prints at the end: counts, the commonest reasons,
 *     and where the manifest, report and print files are. */
#include "batch.h"
#include "case.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- one case's errors, collapsed ---- */

static void diag_free_item(sd_diag *g)
{
  free(g->code);
  free(g->file);
  free(g->field);
  free(g->message);
}

/* Drops the items for which drop[i] is set, keeping the order. */
static void diag_drop(sd_diags *d, const unsigned char *drop)
{
  size_t k = 0;
  for (size_t i = 0; i < d->n; i++) {
    if (drop[i]) diag_free_item(&d->items[i]);
    else d->items[k++] = d->items[i];
  }
  d->n = k;
}

static const char *tpl_short(const char *ref)
{
  const char *s = strrchr(ref, '/');
  return s ? s + 1 : ref;
}

static int collapsible(const sd_diag *g, int has_plan)
{
  if (g->severity != SD_SEV_ERROR || !g->code) return 0;
  return !strcmp(g->code, "template.field") || (!has_plan && !strcmp(g->code, "case.required"));
}

void sd_batch_collapse(struct sd_batch *b, sd_batch_job *j, const sd_case *c)
{
  sd_diags *d = j->d;
  if (!d || !d->n) return;
  size_t nf = 0, nplan = 0;
  /* a case with no plan at all: the template's requires: lines (case.required)
   * each say what a plan document lacks; one sentence says it better. A case
   * with a plan keeps each plain case.required message as it is. */
  const sd_case_node *plan = c && c->root ? sd_case_find(c->root, "plan") : NULL;
  for (size_t i = 0; i < d->n; i++)
    if (collapsible(&d->items[i], plan != NULL)) {
      nf++;
      const char *f = d->items[i].field;
      if (f && !strncmp(f, "plan", 4) && (f[4] == 0 || f[4] == '.')) nplan++;
    }
  if (nf < 2 && !nplan) return;
  unsigned char *drop = calloc(d->n, 1);
  if (!drop) return;
  /* the fields, for the sentence: the first few */
  char list[400];
  size_t ll = 0, shown = 0;
  list[0] = 0;
  for (size_t i = 0; i < d->n; i++) {
    sd_diag *g = &d->items[i];
    if (!collapsible(g, plan != NULL)) continue;
    drop[i] = 1;
    if (g->field && shown < 4 && ll + strlen(g->field) + 3 < sizeof list) {
      ll += (size_t)snprintf(list + ll, sizeof list - ll, "%s%s", shown ? ", " : "", g->field);
      shown++;
    }
  }
  diag_drop(d, drop);
  free(drop);
  const char *tpl = tpl_short(b->tpls[j->tpl]);
  if (nplan && !plan) {
    const sd_case_node *sen = c && c->root ? sd_case_find(c->root, "sen-status") : NULL;
    sd_diag_error(d, "batch.no-plan", j->path, 0, 0, "plan",
                  "not made: this child has no EHC plan in the case file (%s), and the %s template needs one; "
                  "a SEN-support case takes a template such as one-page-profile",
                  sen && sen->text && !strcmp(sen->text, "K") ? "SEN support" : "no <plan>", tpl);
  } else {
    sd_diag_error(d, "template.field", j->path, 0, 0, NULL,
                  "not made: the case file lacks %zu thing%s the %s template needs (%s%s)", nf, nf == 1 ? "" : "s",
                  tpl, list, nf > shown ? ", ..." : "");
  }
}

/* ---- repeated warnings, reasons, problems ---- */

static int tallied(const char *code)
{
  return code && (!strcmp(code, "locale.unreviewed") || !strcmp(code, "batch.lang-fallback"));
}

static void tally_add(struct sd_batch *b, const char *code, const char *msg)
{
  for (size_t i = 0; i < b->n_tally; i++)
    if (!strcmp(b->tally[i].code, code) && !strcmp(b->tally[i].message, msg)) {
      b->tally[i].count++;
      return;
    }
  struct sd_batch_tally *nt = realloc(b->tally, (b->n_tally + 1) * sizeof *nt);
  if (!nt) return;
  b->tally = nt;
  struct sd_batch_tally *t = &nt[b->n_tally];
  t->code = sd_strdup(code);
  t->message = sd_strdup(msg);
  t->count = 1;
  if (!t->code || !t->message) {
    free(t->code);
    free(t->message);
    return;
  }
  b->n_tally++;
}

/* The reason a document was not made, in words an officer uses. */
static const char *reason_of(const sd_batch_job *j)
{
  const char *code = NULL;
  for (size_t i = 0; j->d && i < j->d->n && !code; i++)
    if (j->d->items[i].severity == SD_SEV_ERROR) code = j->d->items[i].code;
  if (j->outcome == SD_BATCH_TIMEOUT) return "took longer than the time limit";
  if (!code) return j->outcome == SD_BATCH_IGNORED ? "found but not a case file that can be read" : "other problem";
#define IS(p) (!strncmp(code, p, strlen(p)))
  if (IS("batch.no-plan")) return "no EHC plan (SEN support) for a plan document";
  if (IS("render.empty")) return "nothing to print for this child (e.g. no annual review meeting)";
  if (IS("template.field")) return "the case lacks details the template needs";
  if (IS("review.") || IS("template.requires")) return "no meeting or details for this paperwork";
  if (IS("batch.stopped") || IS("batch.cancelled")) return "not started: the batch stopped";
  if (IS("batch.unreadable")) return "found but not a case file that can be read";
  if (IS("case.required")) return "the case lacks a part this document needs";
  if (IS("case.limit") || IS("io.limit")) return "the case file is too large";
  if (IS("case.io")) return "the case file cannot be read";
  if (IS("case.")) return "the case file is not valid";
  if (IS("layout.")) return "too long for the template";
  if (IS("font.") || IS("text.")) return "text no font can print";
  if (IS("locale.")) return "a language problem";
  if (IS("io.")) return "could not be written to disk";
  if (IS("render.timeout")) return "took longer than the time limit";
  return "other problem";
#undef IS
}

enum { PROBLEMS_MAX = 1200 };

void sd_batch_digest(struct sd_batch *b, sd_batch_job *j)
{
  sd_diags *d = j->d;
  int failed = j->outcome != SD_BATCH_OK && !(j->outcome == SD_BATCH_IGNORED && j->status == SD_OK);
  j->reason = failed ? reason_of(j) : NULL;
  if (!d || !d->n) return;
  /* its problems, one sentence each, for the report */
  size_t cap = PROBLEMS_MAX, n = 0;
  char *p = malloc(cap + 1);
  if (p) {
    p[0] = 0;
    for (size_t i = 0; i < d->n; i++) {
      sd_diag *g = &d->items[i];
      if (g->severity == SD_SEV_NOTE || !g->message) continue;
      int w = snprintf(p + n, cap + 1 - n, "%s%s", n ? "; " : "", g->message);
      if (w < 0 || (size_t)w > cap - n) {
        n = cap;
        if (cap > 3) memcpy(p + cap - 3, "...", 4);
        break;
      }
      n += (size_t)w;
    }
    if (n) {
      free(j->problems);
      j->problems = p;
    } else free(p);
  }
  /* warnings every document repeats: counted, said once at the end */
  unsigned char *drop = calloc(d->n, 1);
  if (!drop) return;
  int any = 0;
  for (size_t i = 0; i < d->n; i++)
    if (d->items[i].severity == SD_SEV_WARNING && tallied(d->items[i].code) && d->items[i].message) {
      tally_add(b, d->items[i].code, d->items[i].message);
      drop[i] = 1;
      any = 1;
    }
  if (any) diag_drop(d, drop);
  free(drop);
}

void sd_batch_tally_flush(struct sd_batch *b, sd_diags *d)
{
  for (size_t i = 0; i < b->n_tally; i++)
    sd_diag_warn(d, b->tally[i].code, NULL, 0, 0, NULL, "%s (%zu document%s)", b->tally[i].message,
                 b->tally[i].count, b->tally[i].count == 1 ? "" : "s");
}

/* ---- reasons, counted ---- */

typedef struct reason_count {
  const char *reason;
  size_t count;
} reason_count;

static int by_count(const void *a, const void *b)
{
  const reason_count *x = a, *y = b;
  if (x->count != y->count) return x->count < y->count ? 1 : -1;
  return strcmp(x->reason, y->reason);
}

/* The distinct reasons, commonest first; *n of them. */
static reason_count *count_reasons(const struct sd_batch *b, size_t *n)
{
  reason_count *r = NULL;
  *n = 0;
  for (size_t i = 0; i < b->n; i++) {
    const char *why = b->v[i].reason;
    if (!why) continue;
    size_t k = 0;
    while (k < *n && strcmp(r[k].reason, why)) k++;
    if (k == *n) {
      reason_count *nr = realloc(r, (*n + 1) * sizeof *nr);
      if (!nr) break;
      r = nr;
      r[(*n)++] = (reason_count){ why, 0 };
    }
    r[k].count++;
  }
  if (*n) qsort(r, *n, sizeof *r, by_count);
  return r;
}

/* ---- the report ---- */

static void html(FILE *f, const char *s)
{
  for (; s && *s; s++) {
    switch (*s) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&#39;", f); break;
    default:
      if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t') fputc(' ', f);
      else fputc(*s, f);
    }
  }
}

/* One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF,
 * quotes doubled. A field a spreadsheet would run as a formula (= + - @
 * first) gets a leading apostrophe: a child's name is never a formula. */
static void csv(FILE *f, const char *s)
{
  if (!s) s = "";
  int formula = *s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r';
  int quote = formula || strpbrk(s, ",\"\r\n") != NULL;
  if (quote) fputc('"', f);
  if (formula) fputc('\'', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  if (quote) fputc('"', f);
}

static const char *status_word(const sd_batch_job *j)
{
  if (j->outcome == SD_BATCH_OK) return j->skipped ? "up to date" : "made";
  if (j->outcome == SD_BATCH_IGNORED) return j->status == SD_OK ? "hidden, not read" : "not read";
  if (j->outcome == SD_BATCH_TIMEOUT) return "timed out";
  return j->outcome == SD_BATCH_INVALID ? "not made" : "not made (error)";
}

static const char *rel_out(const struct sd_batch *b, const char *out)
{
  size_t l = strlen(b->outdir);
  return out && !strncmp(out, b->outdir, l) && out[l] == '/' ? out + l + 1 : out;
}

static const char *lang_of(const struct sd_batch *b, const sd_batch_job *j)
{
  if (j->outcome == SD_BATCH_IGNORED) return NULL;
  return j->lang ? j->lang : b->ro.lang ? b->ro.lang : "en-GB";
}

static const char *tpl_of(const struct sd_batch *b, const sd_batch_job *j)
{
  return j->outcome == SD_BATCH_IGNORED ? NULL : tpl_short(b->tpls[j->tpl]);
}

static int failed(const sd_batch_job *j)
{
  return j->reason != NULL;
}

static void write_html(const struct sd_batch *b, FILE *f)
{
  const sd_batch_totals *t = &b->t;
  char when[32] = "";
  time_t now = time(NULL);
  struct tm tm;
  if (localtime_r(&now, &tm)) strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
  fputs("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>sendoc batch report</title>\n<style>\n"
        "body{font-family:Arial,Helvetica,sans-serif;font-size:1.05rem;line-height:1.5;color:#1b1b1b;background:#fff;"
        "margin:1.5rem;max-width:80rem}\n"
        "table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #595959;padding:.35rem .6rem;"
        "text-align:left;vertical-align:top}\nthead th{background:#e8e8e8}\n"
        ".bad{color:#a00000;font-weight:bold}.ok{color:#0b6b20}\ncaption{text-align:left;font-weight:bold;"
        "padding:.3rem 0}\n</style>\n</head>\n<body>\n<main>\n<h1>Batch report</h1>\n",
        f);
  fprintf(f, "<p>Made on %s. ", when);
  fprintf(f,
          "%zu document%s: <strong>%zu made</strong>, <strong class=\"%s\">%zu not made</strong>, %zu already up "
          "to date",
          b->n, b->n == 1 ? "" : "s", t->rendered, t->failed + t->problems ? "bad" : "ok", t->failed + t->problems,
          t->skipped);
  if (t->ignored) fprintf(f, ", %zu other file%s found", t->ignored, t->ignored == 1 ? "" : "s");
  fputs(".</p>\n", f);
  if (b->manifest && strcmp(b->manifest, "-")) {
    fputs("<p>Manifest (for resuming and checking): ", f);
    html(f, b->manifest);
    fputs("</p>\n", f);
  }
  size_t nr = 0;
  reason_count *rc = count_reasons(b, &nr);
  fputs("<h2>Documents not made, by reason</h2>\n", f);
  if (!nr) fputs("<p class=\"ok\">Every document was made.</p>\n", f);
  else {
    fputs("<table>\n<caption>Reasons, commonest first</caption>\n<thead><tr><th scope=\"col\">Reason</th>"
          "<th scope=\"col\">Documents</th></tr></thead>\n<tbody>\n",
          f);
    for (size_t k = 0; k < nr; k++) {
      fputs("<tr><th scope=\"row\"><a href=\"#r", f);
      fprintf(f, "%zu\">", k + 1);
      html(f, rc[k].reason);
      fprintf(f, "</a></th><td>%zu</td></tr>\n", rc[k].count);
    }
    fputs("</tbody>\n</table>\n", f);
    for (size_t k = 0; k < nr; k++) {
      fprintf(f, "<h3 id=\"r%zu\">", k + 1);
      html(f, rc[k].reason);
      fprintf(f, " (%zu)</h3>\n<table>\n<thead><tr><th scope=\"col\">Child</th><th scope=\"col\">School</th>"
                 "<th scope=\"col\">Document</th><th scope=\"col\">Case file</th><th scope=\"col\">Problem</th></tr></thead>\n<tbody>\n",
              rc[k].count);
      for (size_t i = 0; i < b->n; i++) {
        const sd_batch_job *j = &b->v[i];
        if (j->reason != rc[k].reason) continue;
        fputs("<tr><th scope=\"row\">", f);
        html(f, j->child ? j->child : "(unknown)");
        fputs("</th><td>", f);
        html(f, j->school);
        fputs("</td><td>", f);
        html(f, tpl_of(b, j));
        if (lang_of(b, j)) {
          fputs(" (", f);
          html(f, lang_of(b, j));
          fputs(")", f);
        }
        fputs("</td><td>", f);
        html(f, j->path);
        fputs("</td><td>", f);
        html(f, j->problems);
        fputs("</td></tr>\n", f);
      }
      fputs("</tbody>\n</table>\n", f);
    }
  }
  free(rc);
  fputs("<h2>Every document</h2>\n<table>\n<caption>In the order of the case files</caption>\n<thead><tr>"
        "<th scope=\"col\">Child</th><th scope=\"col\">School</th><th scope=\"col\">Template</th>"
        "<th scope=\"col\">Language</th><th scope=\"col\">Status</th><th scope=\"col\">Pages</th>"
        "<th scope=\"col\">File</th><th scope=\"col\">Problems</th></tr></thead>\n<tbody>\n",
        f);
  for (size_t i = 0; i < b->n; i++) {
    const sd_batch_job *j = &b->v[i];
    fputs("<tr><th scope=\"row\">", f);
    html(f, j->child ? j->child : "(unknown)");
    fputs("</th><td>", f);
    html(f, j->school);
    fputs("</td><td>", f);
    html(f, tpl_of(b, j));
    fputs("</td><td>", f);
    html(f, lang_of(b, j));
    fprintf(f, "</td><td class=\"%s\">", failed(j) ? "bad" : "ok");
    html(f, status_word(j));
    fputs("</td><td>", f);
    if (j->outcome == SD_BATCH_OK && j->pages > 0) fprintf(f, "%ld", j->pages);
    fputs("</td><td>", f);
    html(f, j->outcome == SD_BATCH_OK ? rel_out(b, j->out) : j->path);
    fputs("</td><td>", f);
    html(f, j->problems);
    fputs("</td></tr>\n", f);
  }
  fputs("</tbody>\n</table>\n</main>\n</body>\n</html>\n", f);
}

static void write_csv(const struct sd_batch *b, FILE *f)
{
  fputs("case,child,school,template,language,status,pages,output,reason,problems\r\n", f);
  for (size_t i = 0; i < b->n; i++) {
    const sd_batch_job *j = &b->v[i];
    csv(f, j->path);
    fputc(',', f);
    csv(f, j->child);
    fputc(',', f);
    csv(f, j->school);
    fputc(',', f);
    csv(f, tpl_of(b, j));
    fputc(',', f);
    csv(f, lang_of(b, j));
    fputc(',', f);
    csv(f, status_word(j));
    fputc(',', f);
    if (j->outcome == SD_BATCH_OK && j->pages > 0) fprintf(f, "%ld", j->pages);
    fputc(',', f);
    csv(f, j->outcome == SD_BATCH_OK ? rel_out(b, j->out) : NULL);
    fputc(',', f);
    csv(f, j->reason);
    fputc(',', f);
    csv(f, j->problems);
    fputs("\r\n", f);
  }
}

/* Writes path atomically through writer; mode as the batch's outputs. */
static sd_status write_atomic(const struct sd_batch *b, const char *path, void (*writer)(const struct sd_batch *, FILE *),
                              sd_diags *d)
{
  size_t l = strlen(path);
  char *tmp = malloc(l + 12);
  if (!tmp) return SD_E_NOMEM;
  snprintf(tmp, l + 12, "%s.tmp-XXXXXX", path);
  int fd = mkstemp(tmp);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!f) {
    sd_diag_error(d, "io.write", path, 0, 0, NULL, "cannot write the report: %s", strerror(errno));
    if (fd >= 0) {
      close(fd);
      unlink(tmp);
    }
    free(tmp);
    return SD_E_IO;
  }
  if (b->group_readable) (void)fchmod(fd, 0640);
  writer(b, f);
  int bad = fflush(f) != 0 || ferror(f) || fsync(fd) != 0;
  if (fclose(f) != 0) bad = 1;
  if (!bad && rename(tmp, path) != 0) bad = 1;
  if (bad) {
    sd_diag_error(d, "io.write", path, 0, 0, NULL, "cannot write the report: %s", strerror(errno));
    unlink(tmp);
  }
  free(tmp);
  return bad ? SD_E_IO : SD_OK;
}

sd_status sd_batch_report_write(struct sd_batch *b, sd_diags *d)
{
  size_t l = strlen(b->report);
  free(b->report_csv);
  b->report_csv = malloc(l + 1);
  if (!b->report_csv) return SD_E_NOMEM;
  memcpy(b->report_csv, b->report, l - 5);
  memcpy(b->report_csv + l - 5, ".csv", 5);
  sd_status st = write_atomic(b, b->report, write_html, d);
  if (st == SD_OK) st = write_atomic(b, b->report_csv, write_csv, d);
  return st;
}

/* ---- the summary ---- */

typedef struct sbuf {
  char *p;
  size_t n, cap;
  int bad;
} sbuf;

__attribute__((format(printf, 2, 3))) static void sb(sbuf *s, const char *fmt, ...)
{
  va_list ap;
  for (;;) {
    va_start(ap, fmt);
    int w = vsnprintf(s->p ? s->p + s->n : NULL, s->p ? s->cap - s->n : 0, fmt, ap);
    va_end(ap);
    if (w < 0) {
      s->bad = 1;
      return;
    }
    if (s->p && (size_t)w < s->cap - s->n) {
      s->n += (size_t)w;
      return;
    }
    size_t nc = (s->cap + (size_t)w + 1) * 2;
    char *np = realloc(s->p, nc);
    if (!np) {
      s->bad = 1;
      return;
    }
    s->p = np;
    s->cap = nc;
  }
}

SD_API sd_status sd_batch_summary(const sd_batch *b, char **out)
{
  if (!out) return SD_E_USAGE;
  *out = NULL;
  if (!b || !b->ran) return SD_E_USAGE;
  const sd_batch_totals *t = &b->t;
  sbuf s = { 0 };
  size_t nr = 0;
  reason_count *rc = count_reasons(b, &nr);
  for (size_t k = 0; k < nr && k < 5; k++)
    sb(&s, "%zu not made: %s\n", rc[k].count, rc[k].reason);
  if (nr > 5) sb(&s, "%zu other reasons: see the report\n", nr - 5);
  free(rc);
  if (b->manifest && strcmp(b->manifest, "-")) sb(&s, "manifest: %s\n", b->manifest);
  if (b->report) sb(&s, "report: %s and %s\n", b->report, b->report_csv ? b->report_csv : "the .csv beside it");
  for (size_t i = 0; i < b->n_combined; i++) sb(&s, "print file: %s\n", b->combined[i]);
  /* the counts last: the line a script reads */
  sb(&s, "%zu rendered, %zu failed", t->rendered, t->failed);
  if (t->timed_out) sb(&s, " (%zu timed out)", t->timed_out);
  sb(&s, ", %zu skipped", t->skipped);
  if (t->ignored) sb(&s, ", %zu ignored", t->ignored);
  if (t->problems) sb(&s, " (%zu could not be read)", t->problems);
  sb(&s, "\n");
  if (s.bad) {
    free(s.p);
    return SD_E_NOMEM;
  }
  *out = s.p;
  return SD_OK;
}

void sd_batch_issue16_free(struct sd_batch *b)
{
  for (size_t i = 0; i < b->n_tpls; i++) {
    free(b->tpls ? b->tpls[i] : NULL);
    free(b->tpl_paths ? b->tpl_paths[i] : NULL);
  }
  free(b->tpls);
  free(b->tpl_paths);
  free(b->name_pattern);
  free(b->report);
  free(b->report_csv);
  free(b->combine);
  for (size_t i = 0; i < b->n_tally; i++) {
    free(b->tally[i].code);
    free(b->tally[i].message);
  }
  free(b->tally);
  for (size_t i = 0; i < b->n_combined; i++) free(b->combined[i]);
  free(b->combined);
}
