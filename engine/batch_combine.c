/* batch_combine: the print file of a batch (issue 16). Every document the
 * batch made, in input order, as one tagged PDF: the engine lays each out
 * again on its own (its own page numbers) and merges the layouts into one
 * Document of Parts, one bookmark per document holding its headings'
 * (sd_engine_render_parts). A {school} in the file name makes one file a
 * school.
 *
 * Memory is bounded by the volume size, not the batch: a file holds at most
 * b->volume documents (200 unless asked); more go on to FILE-2.pdf,
 * FILE-3.pdf... Only one volume's cases and layouts are in memory at once. */
#include "batch.h"
#include "case.h"
#include "engine_int.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* "{school}" in the combined name: the school's name made safe, as in
 * output names (no '/', no leading '.'). */
static char *combined_name(const struct sd_batch *b, const sd_batch_job *j, unsigned volume)
{
  const char *pat = b->combine;
  const char *at = strstr(pat, "{school}");
  char school[81];
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)(j->school ? j->school : "unknown"); *p && n < 80; p++) {
    unsigned char ch = *p;
    int ok = ch >= 0x80 || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
             ch == '_';
    if (!ok && (n == 0 || school[n - 1] == '-')) continue;
    school[n++] = ok ? (char)ch : '-';
  }
  while (n && school[n - 1] == '-') n--;
  school[n] = 0;
  if (!n) snprintf(school, sizeof school, "unknown");
  char *base = at ? sd_strdup_printf("%.*s%s%s", (int)(at - pat), pat, school, at + 8) : sd_strdup(pat);
  if (!base || volume <= 1) return base;
  size_t l = strlen(base);
  char *v = sd_strdup_printf("%.*s-%u.pdf", (int)(l - 4), base, volume);
  free(base);
  return v;
}

static sd_status write_file(const struct sd_batch *b, const char *path, const unsigned char *buf, size_t len,
                            sd_diags *d)
{
  /* the folder of the file, when it is new (a school's subfolder) */
  char *dir = sd_strdup(path);
  if (!dir) return SD_E_NOMEM;
  char *slash = strrchr(dir, '/');
  if (slash && slash != dir) {
    *slash = 0;
    if (sd_batch_mkdir_p(dir, SD_BATCH_DIR_MODE(b)) != 0) {
      sd_diag_error(d, "io.write", path, 0, 0, NULL, "cannot create the folder %s: %s", dir, strerror(errno));
      free(dir);
      return SD_E_IO;
    }
  }
  free(dir);
  sd_status st = sd_write_file_atomic(path, buf, len, d);
  if (st == SD_OK && b->group_readable) (void)chmod(path, 0640);
  return st;
}

/* One volume: the documents idx[0..n) */
static sd_status one_volume(struct sd_batch *b, const size_t *idx, size_t n, const char *path, sd_diags *d)
{
  sd_case **cases = calloc(n, sizeof *cases);
  sd_engine_part *parts = calloc(n, sizeof *parts);
  char **marks = calloc(n, sizeof *marks);
  sd_status st = cases && parts && marks ? SD_OK : SD_E_NOMEM;
  for (size_t i = 0; st == SD_OK && i < n; i++) {
    sd_batch_job *j = &b->v[idx[i]];
    st = sd_case_load(b->e, j->path, &b->lim, &cases[i], d);
    if (st != SD_OK) break;
    const char *tpl = strrchr(b->tpls[j->tpl], '/');
    tpl = tpl ? tpl + 1 : b->tpls[j->tpl];
    /* the bookmark names the child and the document: found in one click */
    marks[i] = sd_strdup_printf("%s: %s (%s)", j->child ? j->child : "?", tpl, j->lang ? j->lang : "en-GB");
    if (!marks[i]) st = SD_E_NOMEM;
    parts[i] = (sd_engine_part){ cases[i], b->tpls[j->tpl], j->lang ? j->lang : b->ro.lang, marks[i] };
  }
  unsigned char *pdf = NULL;
  size_t len = 0;
  if (st == SD_OK) {
    sd_render_options ro = b->ro;
    ro.lang = "en-GB";
    ro.cancel = b->cancel;
    ro.cancel_user = b->cancel_user;
    char title[64];
    snprintf(title, sizeof title, "Print file: %zu document%s", n, n == 1 ? "" : "s");
    /* the documents' warnings were said when they were made: only errors here */
    sd_diags *scratch = sd_diags_new();
    st = scratch ? sd_engine_render_parts(b->e, parts, n, &ro, title, &pdf, &len, scratch) : SD_E_NOMEM;
    for (size_t i = 0; scratch && i < scratch->n; i++) {
      sd_diag *g = &scratch->items[i];
      if (g->severity == SD_SEV_ERROR)
        sd_diag_add(d, g->severity, g->code, g->file, g->line, g->col, g->field, "%s (in the print file %s)",
                    g->message, path);
    }
    sd_diags_free(scratch);
  }
  if (st == SD_OK) st = write_file(b, path, pdf, len, d);
  if (st == SD_OK) {
    char **nc = realloc(b->combined, (b->n_combined + 1) * sizeof *nc);
    char *cp = sd_strdup(path);
    if (nc) b->combined = nc;
    if (nc && cp) b->combined[b->n_combined++] = cp;
    else free(cp);
  }
  sd_free(pdf);
  for (size_t i = 0; i < n; i++) {
    if (cases) sd_case_free(cases[i]);
    if (marks) free(marks[i]);
  }
  free(cases);
  free(parts);
  free(marks);
  return st;
}

sd_status sd_batch_combine(struct sd_batch *b, sd_diags *d)
{
  /* the documents made, grouped by file (a school each with {school}), in input order */
  size_t *idx = malloc((b->n ? b->n : 1) * sizeof *idx);
  unsigned char *used = calloc(b->n ? b->n : 1, 1);
  if (!idx || !used) {
    free(idx);
    free(used);
    return SD_E_NOMEM;
  }
  sd_status st = SD_OK;
  for (size_t first = 0; first < b->n && st == SD_OK; first++) {
    if (used[first] || b->v[first].outcome != SD_BATCH_OK) continue;
    char *name = combined_name(b, &b->v[first], 1);
    if (!name) {
      st = SD_E_NOMEM;
      break;
    }
    size_t n = 0;
    for (size_t i = first; i < b->n; i++) {
      if (used[i] || b->v[i].outcome != SD_BATCH_OK) continue;
      char *other = i == first ? NULL : combined_name(b, &b->v[i], 1);
      if (i == first || (other && !strcmp(other, name))) {
        idx[n++] = i;
        used[i] = 1;
      }
      free(other);
    }
    /* a case's cover letters go on top of its documents: the order they are posted in */
    for (size_t r = 0; r < n;) {
      size_t e = r + 1;
      while (e < n && !strcmp(b->v[idx[e]].path, b->v[idx[r]].path)) e++;
      size_t k = r;
      for (size_t i = r; i < e; i++)
        if (sd_batch_is_cover(b->tpls[b->v[idx[i]].tpl])) {
          size_t c = idx[i];
          memmove(&idx[k + 1], &idx[k], (i - k) * sizeof *idx);
          idx[k++] = c;
        }
      r = e;
    }
    for (size_t at = 0, vol = 1; at < n && st == SD_OK; at += b->volume, vol++) {
      size_t m = n - at < b->volume ? n - at : b->volume;
      char *path = combined_name(b, &b->v[first], (unsigned)vol);
      st = path ? one_volume(b, idx + at, m, path, d) : SD_E_NOMEM;
      free(path);
    }
    free(name);
  }
  free(idx);
  free(used);
  return st;
}
