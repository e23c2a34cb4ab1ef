/* locale: dates, times and numbers in the reader's locale, and resolving a
 * document tree's messages (with {{#lang}} sections in other catalogues). */
#include "locale_int.h"
#include "langrun.h"
#include <stdlib.h>
#include <string.h>
#include <unicode/udat.h>
#include <unicode/udatpg.h>
#include <unicode/umsg.h>
#include <unicode/unum.h>
#include <unicode/ustring.h>

/* ---- dates and numbers ----------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned dd)
{
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = (unsigned)(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static int parse_iso(const char *s, int *y, int *m, int *dd)
{
  static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int i = 0; i < 10; i++) {
    if (i == 4 || i == 7) {
      if (s[i] != '-') return 0;
    } else if (s[i] < '0' || s[i] > '9') {
      return 0;
    }
  }
  if (s[10] != '\0') return 0;
  *y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  *m = (s[5] - '0') * 10 + (s[6] - '0');
  *dd = (s[8] - '0') * 10 + (s[9] - '0');
  if (*y < 1 || *m < 1 || *m > 12 || *dd < 1) return 0;
  int leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
  return *dd <= mdays[*m - 1] + (*m == 2 && leap);
}

static char *date_at(const sd_locale *l, const char *iso, int line, int col, sd_diags *d)
{
  int y, m, dd;
  UChar buf[256];
  char *res = NULL;
  if (!l || !iso || strlen(iso) != 10 || !parse_iso(iso, &y, &m, &dd)) {
    sd_diag_error(d, "locale.date", NULL, line, col, NULL, "\"%s\" is not a date (YYYY-MM-DD)",
                  iso ? iso : "(null)");
    return NULL;
  }
  UErrorCode e = U_ZERO_ERROR;
  UDateFormat *f = udat_open(UDAT_NONE, UDAT_LONG, l->date_id, u"UTC", -1, NULL, 0, &e);
  if (U_SUCCESS(e)) {
    UDate t = (UDate)days_from_civil(y, (unsigned)m, (unsigned)dd) * 86400000.0;
    int32_t n = udat_format(f, t, buf, 256, NULL, &e);
    if (U_SUCCESS(e) && e != U_STRING_NOT_TERMINATED_WARNING) res = loc_to_utf8(buf, n);
  }
  if (!res)
    sd_diag_error(d, "locale.format", NULL, line, col, NULL, "cannot format %s in %s: %s", iso,
                  l->tag, u_errorName(e));
  if (f) udat_close(f);
  return res;
}

/* HH:MM or HH:MM:SS in the locale's short time format ("09:15", "9:15 am"). */
static char *time_at(const sd_locale *l, const char *hm, int line, int col, sd_diags *d)
{
  size_t n = strlen(hm);
  int ok = (n == 5 || n == 8) && hm[2] == ':' && (n == 5 || hm[5] == ':');
  for (size_t i = 0; ok && i < n; i++) ok = i == 2 || i == 5 || (hm[i] >= '0' && hm[i] <= '9');
  int h = ok ? (hm[0] - '0') * 10 + hm[1] - '0' : 0, m = ok ? (hm[3] - '0') * 10 + hm[4] - '0' : 0;
  if (!ok || h > 23 || m > 59) {
    sd_diag_error(d, "locale.date", NULL, line, col, NULL, "\"%s\" is not a time (HH:MM)", hm);
    return NULL;
  }
  UChar buf[128];
  char *res = NULL;
  UErrorCode e = U_ZERO_ERROR;
  /* the locale's 24-hour pattern: the UK's own convention, unambiguous, and
   * with no Latin AM/PM inside an Urdu or Arabic line */
  UChar pat[64];
  UDateTimePatternGenerator *g = udatpg_open(l->date_id, &e);
  int32_t pl = U_SUCCESS(e) ? udatpg_getBestPattern(g, u"Hm", -1, pat, 64, &e) : 0;
  if (g) udatpg_close(g);
  UDateFormat *f = U_SUCCESS(e) ? udat_open(UDAT_PATTERN, UDAT_PATTERN, l->date_id, u"UTC", -1, pat, pl, &e) : NULL;
  if (U_SUCCESS(e)) {
    int32_t len = udat_format(f, (UDate)(h * 3600 + m * 60) * 1000.0, buf, 128, NULL, &e);
    if (U_SUCCESS(e) && e != U_STRING_NOT_TERMINATED_WARNING) res = loc_to_utf8(buf, len);
  }
  if (!res) sd_diag_error(d, "locale.format", NULL, line, col, NULL, "cannot format %s in %s", hm, l->tag);
  if (f) udat_close(f);
  return res;
}

char *sd_locale_date(const sd_locale *l, const char *iso, sd_diags *d)
{
  return date_at(l, iso, 0, 0, d);
}

char *sd_locale_number(const sd_locale *l, double v, sd_diags *d)
{
  UChar buf[128];
  char *res = NULL;
  UErrorCode e = U_ZERO_ERROR;
  if (!l) return NULL;
  UNumberFormat *f = unum_open(UNUM_DECIMAL, NULL, 0, l->fmt_id, NULL, &e);
  if (U_SUCCESS(e)) {
    int32_t n = unum_formatDouble(f, v, buf, 128, NULL, &e);
    if (U_SUCCESS(e) && e != U_STRING_NOT_TERMINATED_WARNING) res = loc_to_utf8(buf, n);
  }
  if (!res)
    sd_diag_error(d, "locale.format", NULL, 0, 0, NULL, "cannot format a number in %s: %s",
                  l->tag, u_errorName(e));
  if (f) unum_close(f);
  return res;
}

/* ---- resolving a document tree -------------------------------------------- */

/* The catalogues of other languages a resolve call has opened: a {{#lang}}
 * section marks its messages and dates with its language, and they are
 * formatted from that language's catalogue in the same folder. Opened on first
 * use, freed when the call returns: no state outlives it. */
typedef struct sibling {
  char *tag;           /* as marked on the inline */
  sd_locale *loc;      /* NULL: could not be opened (reported once) */
} sibling;

typedef struct rctx {
  const sd_locale *l;
  sibling sib[SIBLINGS_MAX];
  size_t n_sib;
  sd_locale *spill;    /* past SIBLINGS_MAX: opened for one inline, then freed */
  sd_diags *d;
} rctx;

static int same_tag(const char *a, const char *b)
{
  for (; *a && *b; a++, b++) {
    char x = *a == '_' ? '-' : *a, y = *b == '_' ? '-' : *b;
    if ((x | 0x20) != (y | 0x20)) return 0;
  }
  return *a == *b;
}

/* The locale an inline marked with lang is formatted in; *st gets worse on
 * failure (then the document's own locale is used). */
static const sd_locale *locale_for(rctx *r, const char *lang, sd_status *st)
{
  if (!lang || same_tag(lang, r->l->tag)) return r->l;
  for (size_t i = 0; i < r->n_sib; i++)
    if (strcmp(r->sib[i].tag, lang) == 0) {
      if (!r->sib[i].loc && *st == SD_OK) *st = SD_E_INPUT;
      return r->sib[i].loc ? r->sib[i].loc : r->l;
    }
  sd_locale *o = NULL;
  sd_status os = sd_locale_open(r->l->dir, lang, &o, r->d);
  if (os != SD_OK) {
    if (os == SD_E_NOMEM) *st = SD_E_NOMEM;
    else if (*st == SD_OK) *st = SD_E_INPUT;
  }
  if (r->n_sib < SIBLINGS_MAX) {
    char *tag = sd_strdup(lang);
    if (!tag) {
      sd_locale_free(o);
      *st = SD_E_NOMEM;
      return r->l;
    }
    r->sib[r->n_sib++] = (sibling){tag, o};
  } else {
    sd_locale_free(r->spill);
    r->spill = o;
  }
  return o ? o : r->l;
}

static sd_status resolve_inlines(rctx *r, sd_inline *inl, size_t n, sd_diags *d)
{
  sd_status st = SD_OK;
  for (size_t i = 0; i < n; i++) {
    sd_inline *x = &inl[i];
    char *text = NULL;
    const char *from = NULL;
    if (x->kind != SD_INL_MSG && x->kind != SD_INL_DATE) continue;
    const sd_locale *l = locale_for(r, x->lang, &st);
    if (st == SD_E_NOMEM) break;
    if (x->kind == SD_INL_MSG) {
      size_t before = d ? d->n : 0;
      text = loc_message_at(l, x->text, x->arg_names, x->arg_values, x->arg_langs, x->n_args, &from,
                        x->line, x->col, d);
      if (!text && d && d->n == before) st = SD_E_NOMEM;
    } else if (x->text && strchr(x->text, ':')) {
      text = time_at(l, x->text, x->line, x->col, d);
    } else {
      text = date_at(l, x->text, x->line, x->col, d);
    }
    if (!text) {
      if (st == SD_OK) st = SD_E_INPUT;
      continue;
    }
    /* English from root is marked en-GB; otherwise the text is in the
     * language it was marked with (NULL: the document's) */
    if (from) {
      char *lang = sd_strdup(from);
      if (!lang) {
        free(text);
        st = SD_E_NOMEM;
        continue;
      }
      free(x->lang);
      x->lang = lang;
    }
    free(x->text);
    x->text = text;
    x->kind = SD_INL_TEXT;
  }
  return st;
}

static sd_status worse(sd_status a, sd_status b)
{
  /* running out of memory outranks bad input */
  if (a == SD_E_NOMEM || b == SD_E_NOMEM) return SD_E_NOMEM;
  return a != SD_OK ? a : b;
}

sd_status sd_locale_resolve(const sd_locale *l, sd_doc_tree *t, sd_diags *d)
{
  sd_status st = SD_OK;
  sd_block **stack = NULL;
  size_t n = 0, cap = 0;
  rctx r;

  if (!l || !t) {
    sd_diag_error(d, "locale.usage", NULL, 0, 0, NULL, "sd_locale_resolve: NULL argument");
    return SD_E_USAGE;
  }
  memset(&r, 0, sizeof r);
  r.l = l;
  r.d = d;
  /* each stretch in its own language (langrun.h): Latin text with no better
   * source is in the case's language when that is written in Latin, else in
   * the English the catalogues are written in */
  const char *latin = t->source_lang && !sd_langrun_non_latin(t->source_lang) ? t->source_lang : LOC_ROOT_LANG;
  st = worse(st, resolve_inlines(&r, t->title, t->n_title, d));
  st = worse(st, resolve_inlines(&r, t->header, t->n_header, d));
  st = worse(st, resolve_inlines(&r, t->footer, t->n_footer, d));
  st = worse(st, resolve_inlines(&r, t->watermark, t->n_watermark, d));
  st = worse(st, sd_langrun_split(&t->title, &t->n_title, t->lang, latin));
  st = worse(st, sd_langrun_split(&t->header, &t->n_header, t->lang, latin));
  st = worse(st, sd_langrun_split(&t->footer, &t->n_footer, t->lang, latin));
  st = worse(st, sd_langrun_split(&t->watermark, &t->n_watermark, t->lang, latin));
  /* iterative walk: template nesting comes from input and may be deep;
   * tables, rows and cells are blocks like any other */
  cap = 64;
  stack = malloc(cap * sizeof *stack);
  if (!stack) {
    st = SD_E_NOMEM;
    goto done;
  }
  stack[n++] = &t->root;
  while (n) {
    sd_block *b = stack[--n];
    st = worse(st, resolve_inlines(&r, b->inl, b->n_inl, d));
    st = worse(st, sd_langrun_split(&b->inl, &b->n_inl, b->lang ? b->lang : t->lang, latin));
    if (b->n_children > cap - n) {
      size_t ncap = cap;
      while (b->n_children > ncap - n) ncap *= 2;
      sd_block **s2 = realloc(stack, ncap * sizeof *s2);
      if (!s2) {
        st = SD_E_NOMEM;
        break;
      }
      stack = s2;
      cap = ncap;
    }
    /* pushed in reverse so diagnostics come out in document order */
    for (size_t i = b->n_children; i-- > 0;) stack[n++] = &b->children[i];
  }
done:
  free(stack);
  for (size_t i = 0; i < r.n_sib; i++) {
    free(r.sib[i].tag);
    sd_locale_free(r.sib[i].loc);
  }
  sd_locale_free(r.spill);
  return st;
}

