/* langrun: see langrun.h. */
#include "langrun.h"
#include "diag.h"
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

static bool same_tag(const char *a, const char *b)
{
  if (!a || !b) return a == b;
  for (; *a && *b; a++, b++) {
    char x = *a == '_' ? '-' : *a, y = *b == '_' ? '-' : *b;
    if ((x | 0x20) != (y | 0x20)) return false;
  }
  return *a == *b;
}

bool sd_langrun_non_latin(const char *tag)
{
  char id[ULOC_FULLNAME_CAPACITY], full[ULOC_FULLNAME_CAPACITY], script[16];
  UErrorCode e = U_ZERO_ERROR;
  if (!tag || !*tag) return false;
  uloc_forLanguageTag(tag, id, sizeof id, NULL, &e);
  if (U_FAILURE(e)) return false;
  uloc_addLikelySubtags(id, full, sizeof full, &e);
  if (U_FAILURE(e)) return false;
  int32_t n = uloc_getScript(full, script, sizeof script, &e);
  /* no likely script (an unknown language): nothing to say about its letters */
  return U_SUCCESS(e) && n == 4 && strcmp(script, "Latn") != 0;
}

/* One stretch of an inline's text, in one language. */
typedef struct piece {
  size_t start, len;   /* bytes of the inline's text (markers already removed) */
  const char *lang;    /* borrowed: the inline's lang, an argument's or latin_lang; NULL: ctx */
  bool by_script;
} piece;

typedef struct pvec {
  piece *v;
  size_t n, cap;
} pvec;

static bool pv_add(pvec *p, size_t start, size_t len, const char *lang, bool by_script)
{
  if (!len) return true;
  if (p->n && p->v[p->n - 1].start + p->v[p->n - 1].len == start && same_tag(p->v[p->n - 1].lang, lang) &&
      p->v[p->n - 1].by_script == by_script) {
    p->v[p->n - 1].len += len;
    return true;
  }
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 8;
    piece *v = realloc(p->v, cap * sizeof *v);
    if (!v) return false;
    p->v = v;
    p->cap = cap;
  }
  p->v[p->n++] = (piece){start, len, lang, by_script};
  return true;
}

static bool is_marker(UChar32 c)
{
  return c >= (UChar32)SD_LANGRUN_OPEN && c < (UChar32)SD_LANGRUN_CLOSE + SD_LANGRUN_MAX_ARGS;
}

/* Removes the markers from s in place, recording where each argument's
 * value lies as pieces (lang from arg_langs; the rest in own). */
static bool unmark(char *s, char *const *arg_langs, size_t n_args, const char *own, pvec *out)
{
  size_t w = 0, from = 0;
  const char *cur = own;
  int32_t i = 0, n = (int32_t)strlen(s);
  bool ok = true;
  while (i < n) {
    int32_t at = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (!is_marker(c)) {
      memmove(s + w, s + at, (size_t)(i - at));
      w += (size_t)(i - at);
      continue;
    }
    ok = ok && pv_add(out, from, w - from, cur, false);
    from = w;
    size_t k = (size_t)(c >= (UChar32)SD_LANGRUN_CLOSE ? c - (UChar32)SD_LANGRUN_CLOSE : c - (UChar32)SD_LANGRUN_OPEN);
    cur = c < (UChar32)SD_LANGRUN_CLOSE && k < n_args && arg_langs && arg_langs[k] ? arg_langs[k] : own;
  }
  s[w] = '\0';
  return ok && pv_add(out, from, w - from, cur, false);
}

/* Latin for this purpose: a Latin letter, or a mark on one. */
static bool latin_letter(UChar32 c)
{
  return uscript_getScript(c, &(UErrorCode){U_ZERO_ERROR}) == USCRIPT_LATIN && u_isalpha(c);
}

/* A character that belongs to some script other than Latin (Arabic letters,
 * the Arabic comma, Arabic-Indic and Bengali digits, the danda): a Latin run
 * never crosses it. Shared punctuation, spaces and ASCII digits may sit inside one. */
static bool other_script(UChar32 c)
{
  UScriptCode sc[8];
  UErrorCode e = U_ZERO_ERROR;
  int32_t n = uscript_getScriptExtensions(c, sc, 8, &e);
  if (U_FAILURE(e) && e != U_BUFFER_OVERFLOW_ERROR) return false;
  if (n > 8) n = 8;
  for (int32_t k = 0; k < n; k++)
    if (sc[k] == USCRIPT_LATIN || sc[k] == USCRIPT_COMMON || sc[k] == USCRIPT_INHERITED) return false;
  return n > 0;
}

/* Splits the Latin runs out of [start, start+len) of s (text in lang). */
static bool latin_runs(const char *s, size_t start, size_t len, const char *lang, const char *latin_lang, pvec *out)
{
  int32_t i = (int32_t)start, n = (int32_t)(start + len);
  size_t from = start;
  bool ok = true;
  while (i < n) {
    int32_t at = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (!latin_letter(c)) continue;
    /* the run: from this letter to the last Latin letter, mark on one, or
     * ASCII digit before anything of another script or a line break */
    int32_t end = i, j = i;
    while (j < n) {
      int32_t k = j;
      UChar32 d;
      U8_NEXT(s, j, n, d);
      if (d == '\n' || d < 0 || other_script(d)) break;
      if (latin_letter(d) || (d >= '0' && d <= '9') ||
          (u_getCombiningClass(d) > 0 || u_charType(d) == U_NON_SPACING_MARK))
        end = j;
      (void)k;
    }
    ok = ok && pv_add(out, from, (size_t)at - from, lang, false) &&
         pv_add(out, (size_t)at, (size_t)(end - at), latin_lang, true);
    from = (size_t)end;
    i = end;
  }
  return ok && pv_add(out, from, start + len - from, lang, false);
}

/* The pieces of one inline: markers out, then Latin runs split off. */
static bool pieces_of(sd_inline *x, const char *ctx_lang, const char *latin_lang, pvec *out)
{
  pvec a = {0};
  const char *own = x->lang ? x->lang : ctx_lang;
  bool ok = unmark(x->text, x->arg_langs, x->arg_langs ? x->n_args : 0, x->lang, &a);
  for (size_t k = 0; ok && k < a.n; k++) {
    /* a value in the paragraph's own language is part of its text */
    const char *l = a.v[k].lang && !same_tag(a.v[k].lang, own) ? a.v[k].lang : x->lang;
    const char *eff = l ? l : ctx_lang;
    if (latin_lang && !same_tag(eff, latin_lang) && sd_langrun_non_latin(eff))
      ok = latin_runs(x->text, a.v[k].start, a.v[k].len, l, latin_lang, out);
    else
      ok = pv_add(out, a.v[k].start, a.v[k].len, l, false);
  }
  free(a.v);
  return ok;
}

/* A new inline holding piece p of x. */
static bool make_piece(sd_inline *y, const sd_inline *x, const piece *p)
{
  memset(y, 0, sizeof *y);
  y->kind = SD_INL_TEXT;
  y->strong = x->strong;
  y->line = x->line;
  y->col = x->col;
  y->lang_by_script = p->by_script;
  y->text = malloc(p->len + 1);
  if (y->text) {
    memcpy(y->text, x->text + p->start, p->len);
    y->text[p->len] = '\0';
  }
  y->lang = p->lang ? sd_strdup(p->lang) : NULL;
  y->field = x->field ? sd_strdup(x->field) : NULL;
  return y->text && (!p->lang || y->lang) && (!x->field || y->field);
}

/* A number that goes on a Latin word with no space between, written by two
 * inlines (the "B" of a template's "B{{need>@index}}" and the index), is
 * part of that word: "B1" is one stretch in the Latin run's language, not
 * "B" in English and "1" in Urdu. The leading ASCII digits of x become a
 * piece of their own in latin_lang when the inline before it, prev, is a
 * Latin run found by its script and ends in a letter or digit. */
static bool glue_digits(const sd_inline *prev, const sd_inline *x, const char *latin_lang, pvec *p)
{
  if (!latin_lang || !p->n || prev->kind != SD_INL_TEXT || !prev->lang_by_script || !prev->text || !*prev->text ||
      p->v[0].by_script || (p->v[0].lang && same_tag(p->v[0].lang, latin_lang)))
    return true;
  size_t plen = strlen(prev->text);
  char last = prev->text[plen - 1];
  if (!((last >= '0' && last <= '9') || (last >= 'A' && last <= 'Z') || (last >= 'a' && last <= 'z')))
    return true;
  const char *t = x->text + p->v[0].start;
  size_t d = 0;
  while (d < p->v[0].len && t[d] >= '0' && t[d] <= '9') d++;
  if (!d) return true;
  if (d == p->v[0].len) {
    p->v[0].lang = latin_lang;
    p->v[0].by_script = true;
    return true;
  }
  if (!pv_add(p, 0, 1, NULL, false)) return false; /* room for one more; overwritten below */
  memmove(p->v + 1, p->v, (p->n - 1) * sizeof *p->v);
  p->v[0] = (piece){p->v[1].start, d, latin_lang, true};
  p->v[1].start += d;
  p->v[1].len -= d;
  return true;
}

sd_status sd_langrun_split(sd_inline **inl, size_t *n, const char *ctx_lang, const char *latin_lang)
{
  sd_status st = SD_OK;
  sd_inline *v = *inl, *o = NULL;
  bool *fresh = NULL, *split = *n ? calloc(*n, sizeof *split) : NULL;
  size_t m = 0, cap = 0;
  pvec p = {0};
  if (*n && !split) return SD_E_NOMEM;
  for (size_t i = 0; i < *n && st == SD_OK; i++) {
    sd_inline *x = &v[i];
    p.n = 0;
    if (x->kind == SD_INL_TEXT && x->text && !pieces_of(x, ctx_lang, latin_lang, &p)) st = SD_E_NOMEM;
    if (st == SD_OK && m && !glue_digits(&o[m - 1], x, latin_lang, &p)) st = SD_E_NOMEM;
    /* unchanged: one piece in the inline's own language */
    split[i] = st == SD_OK && p.n && (p.n > 1 || !same_tag(p.v[0].lang, x->lang) || p.v[0].by_script);
    size_t want = split[i] ? p.n : 1;
    if (st == SD_OK && m + want > cap) {
      size_t nc = cap ? cap * 2 : *n + 4;
      while (nc < m + want) nc *= 2;
      sd_inline *g = realloc(o, nc * sizeof *g);
      bool *f = g ? realloc(fresh, nc * sizeof *f) : NULL;
      if (g) o = g;
      if (f) fresh = f;
      if (!g || !f) st = SD_E_NOMEM;
      else cap = nc;
    }
    if (st != SD_OK) break;
    if (!split[i]) {
      o[m] = *x;
      fresh[m++] = false;
      continue;
    }
    for (size_t k = 0; k < p.n; k++) {
      fresh[m] = true;
      if (!make_piece(&o[m++], x, &p.v[k])) st = SD_E_NOMEM;
    }
  }
  free(p.v);
  if (st != SD_OK) {
    /* the inlines stay as they were (markers removed from their text) */
    for (size_t k = 0; k < m; k++)
      if (fresh[k]) sd_inline_clear(&o[k]);
    free(o);
    free(fresh);
    free(split);
    return st;
  }
  bool any = false;
  for (size_t i = 0; i < *n; i++)
    if (split[i]) {
      sd_inline_clear(&v[i]);
      any = true;
    }
  /* nothing split: the caller's array stays (it may not be from malloc) */
  if (any) {
    free(v);
    *inl = o;
    *n = m;
  } else {
    free(o);
  }
  free(fresh);
  free(split);
  return SD_OK;
}
