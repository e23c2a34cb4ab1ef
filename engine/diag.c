/* diag: the diagnostics list. */
#include "diag.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *sd_strdup(const char *s)
{
  return s ? sd_strndup(s, strlen(s)) : NULL;
}

char *sd_strndup(const char *s, size_t n)
{
  char *p = malloc(n + 1);
  if (!p) return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

static char *vprintf_dup(const char *fmt, va_list ap)
{
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) return NULL;
  char *p = malloc((size_t)n + 1);
  if (p) vsnprintf(p, (size_t)n + 1, fmt, ap);
  return p;
}

char *sd_strdup_printf(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *p = vprintf_dup(fmt, ap);
  va_end(ap);
  return p;
}

void sd_diag_add(sd_diags *d, sd_severity sev, const char *code, const char *file,
                 int line, int col, const char *field, const char *fmt, ...)
{
  if (!d) return;
  if (d->n == d->cap) {
    size_t cap = d->cap ? d->cap * 2 : 8;
    sd_diag *items = realloc(d->items, cap * sizeof *items);
    if (!items) return; /* out of memory: the status still reports failure */
    d->items = items;
    d->cap = cap;
  }
  va_list ap;
  va_start(ap, fmt);
  sd_diag *g = &d->items[d->n++];
  g->severity = sev;
  g->code = sd_strdup(code ? code : "sendoc");
  g->file = sd_strdup(file);
  g->field = sd_strdup(field);
  g->message = vprintf_dup(fmt, ap);
  g->line = line;
  g->col = col;
  va_end(ap);
}

SD_API sd_diags *sd_diags_new(void)
{
  return calloc(1, sizeof(sd_diags));
}

SD_API void sd_diags_free(sd_diags *d)
{
  if (!d) return;
  for (size_t i = 0; i < d->n; i++) {
    free(d->items[i].code);
    free(d->items[i].file);
    free(d->items[i].field);
    free(d->items[i].message);
  }
  free(d->items);
  free(d);
}

SD_API size_t sd_diags_count(const sd_diags *d)
{
  return d ? d->n : 0;
}

SD_API size_t sd_diags_errors(const sd_diags *d)
{
  size_t n = 0;
  for (size_t i = 0; d && i < d->n; i++)
    if (d->items[i].severity == SD_SEV_ERROR) n++;
  return n;
}

SD_API sd_status sd_diags_get(const sd_diags *d, size_t i, sd_diag_info *out)
{
  if (!d || !out || i >= d->n) return SD_E_USAGE;
  const sd_diag *g = &d->items[i];
  out->severity = g->severity;
  out->code = g->code;
  out->file = g->file;
  out->line = g->line;
  out->column = g->col;
  out->field = g->field;
  out->message = g->message ? g->message : "";
  return SD_OK;
}

SD_API void sd_free(void *p)
{
  free(p);
}

/* Levenshtein distance of a and b, ASCII case-insensitive, capped at 99. */
static size_t edit_distance(const char *a, const char *b)
{
  size_t na = strlen(a), nb = strlen(b);
  if (na > 63 || nb > 63) return 99;
  size_t row[64];
  for (size_t j = 0; j <= nb; j++) row[j] = j;
  for (size_t i = 1; i <= na; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= nb; j++) {
      size_t up = row[j];
      int ca = a[i - 1], cb = b[j - 1];
      if (ca >= 'A' && ca <= 'Z') ca += 'a' - 'A';
      if (cb >= 'A' && cb <= 'Z') cb += 'a' - 'A';
      size_t best = diag + (ca != cb);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[nb];
}

const char *sd_nearest(const char *want, const char *const *names, size_t n)
{
  if (!want || !*want) return NULL;
  size_t wl = strlen(want);
  const char *best = NULL;
  size_t best_d = 99;
  for (size_t i = 0; i < n; i++) {
    if (!names[i]) continue;
    size_t dist = edit_distance(want, names[i]);
    /* a prefix ("large" for "large-print") is as good as a typo */
    size_t nl = strlen(names[i]);
    if (wl >= 3 && wl < nl && strncasecmp(names[i], want, wl) == 0) dist = 1;
    if (dist < best_d) {
      best_d = dist;
      best = names[i];
    }
  }
  size_t reach = wl / 3 > 2 ? wl / 3 : 2;
  return best && best_d <= reach ? best : NULL;
}
