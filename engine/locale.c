/* locale: message catalogues, fallback to English, MessageFormat with named
 * arguments, and dates and numbers in the reader's locale (ICU4C, C API only). */
#include <stdio.h> /* before locale.h: case.h uses FILE */
#include "locale.h"
#include "langrun.h"
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/udat.h>
#include <unicode/uloc.h>
#include <unicode/udatpg.h>
#include <unicode/umsg.h>
#include <unicode/unum.h>
#include <unicode/ures.h>
#include <unicode/ustring.h>

#define CHAIN_MAX 6        /* lang_Script_Region, lang_Script, lang_Region, lang, root */
#define KEY_MAX 128        /* a message key, e.g. "review.actions_count" */
#define KEY_DEPTH 4        /* nesting of tables in a key */
#define MSG_MAX_NUM 4      /* numeric (plural, number) arguments in one message */
#define MSG_MAX_STR 8      /* string (plain, select) arguments in one message */
#define MSG_MAX_ARGS (MSG_MAX_NUM + MSG_MAX_STR)
#define OUT_MAX (64 * 1024) /* UTF-16 units of one formatted message or date */
#define SIBLINGS_MAX 16    /* other languages cached during one sd_locale_resolve */

struct sd_locale {
  char *dir;           /* the folder it was opened from, for catalogues of other languages */
  char *tag;           /* canonical BCP 47 of the request, e.g. "pa-Arab" */
  char *icu_id;        /* canonical ICU id of the request, e.g. "pa_Arab" */
  char *fmt_id;        /* likely-subtags id for formatters, e.g. "pa_Arab_PK" */
  char *date_id;       /* fmt_id with calendar=gregorian unless the tag chose one */
  char lang[ULOC_LANG_CAPACITY];
  UResourceBundle *chain[CHAIN_MAX]; /* most specific first; root last */
  char *chain_id[CHAIN_MAX];
  size_t n_chain;
};

static const char *ROOT_LANG = "en-GB"; /* the language root.txt is written in */

/* ---- opening: the fallback chain ------------------------------------------ */

static char *dir_prefix(const char *dir)
{
  /* ICU reads a package name that ends with a separator as a folder of
   * <locale>.res files; without one, the last component is a package prefix */
  size_t n = strlen(dir);
  if (n && dir[n - 1] == '/') return sd_strdup(dir);
  return sd_strdup_printf("%s/", dir);
}

/* Splits an ICU id into language, script and region (each may come back empty). */
static void split_id(const char *id, char *lang, char *script, char *region)
{
  UErrorCode e = U_ZERO_ERROR;
  lang[0] = script[0] = region[0] = '\0';
  uloc_getLanguage(id, lang, ULOC_LANG_CAPACITY, &e);
  e = U_ZERO_ERROR;
  uloc_getScript(id, script, ULOC_SCRIPT_CAPACITY, &e);
  e = U_ZERO_ERROR;
  uloc_getCountry(id, region, ULOC_COUNTRY_CAPACITY, &e);
  if (U_FAILURE(e)) lang[0] = script[0] = region[0] = '\0';
}

static int chain_push(sd_locale *l, const char *pkg, const char *id)
{
  for (size_t i = 0; i < l->n_chain; i++)
    if (strcmp(l->chain_id[i], id) == 0) return 0;
  if (l->n_chain == CHAIN_MAX) return 0;
  UErrorCode e = U_ZERO_ERROR;
  UResourceBundle *b = ures_openDirect(pkg, id, &e);
  if (U_FAILURE(e) || e == U_USING_DEFAULT_WARNING || e == U_USING_FALLBACK_WARNING) {
    if (b) ures_close(b);
    return 0;
  }
  char *copy = sd_strdup(id);
  if (!copy) {
    ures_close(b);
    return -1;
  }
  l->chain[l->n_chain] = b;
  l->chain_id[l->n_chain++] = copy;
  return 0;
}

/* The chain is built here rather than left to ures_open's truncation, which
 * would let pa_Arab (Shahmukhi) inherit from pa (Gurmukhi): a script that is
 * not the language's default never falls back to the bare language (CLDR's
 * parentLocales rule), only to root. */
static int build_chain(sd_locale *l, const char *pkg)
{
  char lang[ULOC_LANG_CAPACITY], script[ULOC_SCRIPT_CAPACITY], region[ULOC_COUNTRY_CAPACITY];
  char dlang[ULOC_LANG_CAPACITY], dscript[ULOC_SCRIPT_CAPACITY], dregion[ULOC_COUNTRY_CAPACITY];
  char likely[ULOC_FULLNAME_CAPACITY], id[ULOC_FULLNAME_CAPACITY];
  UErrorCode e = U_ZERO_ERROR;

  split_id(l->fmt_id, lang, script, region);
  uloc_addLikelySubtags(lang, likely, sizeof likely, &e);
  if (U_FAILURE(e)) likely[0] = '\0';
  split_id(likely, dlang, dscript, dregion);
  int default_script = script[0] == '\0' || strcmp(script, dscript) == 0;

  if (lang[0] && strcmp(lang, "und") != 0) {
    if (script[0] && region[0]) {
      snprintf(id, sizeof id, "%s_%s_%s", lang, script, region);
      if (chain_push(l, pkg, id)) return -1;
    }
    if (script[0]) {
      snprintf(id, sizeof id, "%s_%s", lang, script);
      if (chain_push(l, pkg, id)) return -1;
    }
    if (default_script && region[0]) {
      snprintf(id, sizeof id, "%s_%s", lang, region);
      if (chain_push(l, pkg, id)) return -1;
    }
    if (default_script && chain_push(l, pkg, lang)) return -1;
  }
  return chain_push(l, pkg, "root");
}

sd_status sd_locale_open(const char *dir, const char *tag, sd_locale **out, sd_diags *d)
{
  sd_status st = SD_OK;
  sd_locale *l = NULL;
  char *pkg = NULL;
  char id[ULOC_FULLNAME_CAPACITY], fmt[ULOC_FULLNAME_CAPACITY], date[ULOC_FULLNAME_CAPACITY];
  char bcp[ULOC_FULLNAME_CAPACITY], cal[32];
  int32_t parsed = 0;
  UErrorCode e = U_ZERO_ERROR;

  if (out) *out = NULL;
  if (!dir || !tag || !out) {
    sd_diag_error(d, "locale.usage", NULL, 0, 0, NULL, "sd_locale_open: NULL argument");
    return SD_E_USAGE;
  }
  size_t tlen = strlen(tag);
  uloc_forLanguageTag(tag, id, sizeof id, &parsed, &e);
  if (U_FAILURE(e) || tlen == 0 || (size_t)parsed != tlen || e == U_STRING_NOT_TERMINATED_WARNING) {
    sd_diag_error(d, "locale.tag", NULL, 0, 0, NULL, "\"%s\" is not a BCP 47 language tag", tag);
    return SD_E_USAGE;
  }
  e = U_ZERO_ERROR;
  uloc_addLikelySubtags(id, fmt, sizeof fmt, &e);
  if (U_FAILURE(e) || e == U_STRING_NOT_TERMINATED_WARNING) snprintf(fmt, sizeof fmt, "%s", id);
  /* Schools in England date letters in the Gregorian calendar; fa and ps
   * would otherwise default to the Solar Hijri calendar, ar_SA to the Islamic.
   * The locale keeps its own month names and digits. */
  snprintf(date, sizeof date, "%s", fmt);
  e = U_ZERO_ERROR;
  if (uloc_getKeywordValue(date, "calendar", cal, sizeof cal, &e) <= 0) {
    e = U_ZERO_ERROR;
    uloc_setKeywordValue("calendar", "gregorian", date, sizeof date, &e);
    if (U_FAILURE(e)) snprintf(date, sizeof date, "%s", fmt);
  }
  e = U_ZERO_ERROR;
  uloc_toLanguageTag(id, bcp, sizeof bcp, 1, &e);
  if (U_FAILURE(e) || e == U_STRING_NOT_TERMINATED_WARNING) snprintf(bcp, sizeof bcp, "%s", tag);

  l = calloc(1, sizeof *l);
  pkg = dir_prefix(dir);
  if (!l || !pkg) {
    st = SD_E_NOMEM;
    goto done;
  }
  l->dir = sd_strdup(dir);
  l->tag = sd_strdup(bcp);
  l->icu_id = sd_strdup(id);
  l->fmt_id = sd_strdup(fmt);
  l->date_id = sd_strdup(date);
  e = U_ZERO_ERROR;
  uloc_getLanguage(id, l->lang, sizeof l->lang, &e);
  if (U_FAILURE(e)) l->lang[0] = '\0';
  if (!l->dir || !l->tag || !l->icu_id || !l->fmt_id || !l->date_id || build_chain(l, pkg)) {
    st = SD_E_NOMEM;
    goto done;
  }
  if (l->n_chain == 0 || strcmp(l->chain_id[l->n_chain - 1], "root") != 0) {
    sd_diag_error(d, "locale.resource", dir, 0, 0, NULL,
                  "no message catalogue root.res in %s (run `make data`?)", dir);
    st = SD_E_RESOURCE;
    goto done;
  }
  if (l->n_chain == 1 && strcmp(l->lang, "en") != 0)
    sd_diag_warn(d, "locale.unsupported", NULL, 0, 0, NULL,
                 "no message catalogue for %s; fixed text will be in English", l->tag);
done:
  free(pkg);
  if (st != SD_OK) {
    sd_locale_free(l);
    l = NULL;
  }
  *out = l;
  return st;
}

void sd_locale_free(sd_locale *l)
{
  if (!l) return;
  for (size_t i = 0; i < l->n_chain; i++) {
    ures_close(l->chain[i]);
    free(l->chain_id[i]);
  }
  free(l->dir);
  free(l->tag);
  free(l->icu_id);
  free(l->fmt_id);
  free(l->date_id);
  free(l);
}

const char *sd_locale_tag(const sd_locale *l)
{
  return l ? l->tag : NULL;
}

const char *sd_locale_dir(const sd_locale *l)
{
  return l ? l->dir : NULL;
}

const char *sd_locale_bundle(const sd_locale *l)
{
  return l && l->n_chain ? l->chain_id[0] : NULL;
}

/* ---- catalogue lookup ------------------------------------------------------ */

static int key_ok(const char *key)
{
  size_t n = strlen(key);
  if (n == 0 || n >= KEY_MAX || key[0] == '.' || key[n - 1] == '.') return 0;
  for (size_t i = 0; i < n; i++) {
    char c = key[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '-' || (c == '.' && key[i + 1] != '.');
    if (!ok) return 0;
  }
  return 1;
}

/* Finds a dotted key ("profile.title") in one bundle, without fallback.
 * Returns the string (owned by the bundle data) or NULL. */
static const UChar *lookup_in(UResourceBundle *b, const char *key, int32_t *len)
{
  char buf[KEY_MAX];
  UResourceBundle *res[KEY_DEPTH] = {0};
  size_t depth = 0;
  const UChar *s = NULL;
  UResourceBundle *cur = b;

  snprintf(buf, sizeof buf, "%s", key);
  char *save = NULL;
  for (char *seg = strtok_r(buf, ".", &save); seg; seg = strtok_r(NULL, ".", &save)) {
    if (depth == KEY_DEPTH || ures_getType(cur) != URES_TABLE) goto done;
    UErrorCode e = U_ZERO_ERROR;
    res[depth] = ures_getByKey(cur, seg, NULL, &e);
    if (U_FAILURE(e)) {
      ures_close(res[depth]);
      res[depth] = NULL;
      goto done;
    }
    cur = res[depth++];
  }
  if (depth && ures_getType(cur) == URES_STRING) {
    UErrorCode e = U_ZERO_ERROR;
    s = ures_getString(cur, len, &e);
    if (U_FAILURE(e)) s = NULL;
  }
done:
  for (size_t i = 0; i < depth; i++) ures_close(res[i]);
  return s;
}

/* Finds key along the chain; *from is the chain index it came from. */
static const UChar *lookup(const sd_locale *l, const char *key, int32_t *len, size_t *from)
{
  for (size_t i = 0; i < l->n_chain; i++) {
    const UChar *s = lookup_in(l->chain[i], key, len);
    if (s) {
      *from = i;
      return s;
    }
  }
  return NULL;
}

static char *to_utf8(const UChar *s, int32_t n)
{
  UErrorCode e = U_ZERO_ERROR;
  int32_t need = 0;
  u_strToUTF8(NULL, 0, &need, s, n, &e);
  if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e)) return NULL;
  char *out = malloc((size_t)need + 1);
  if (!out) return NULL;
  e = U_ZERO_ERROR;
  u_strToUTF8(out, need + 1, NULL, s, n, &e);
  if (U_FAILURE(e)) {
    free(out);
    return NULL;
  }
  return out;
}

/* UTF-8 to a fresh NUL-terminated UTF-16 string; NULL if invalid or no memory. */
static UChar *to_utf16(const char *s)
{
  UErrorCode e = U_ZERO_ERROR;
  int32_t need = 0;
  u_strFromUTF8(NULL, 0, &need, s, -1, &e);
  if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e)) return NULL;
  UChar *out = malloc(((size_t)need + 1) * sizeof *out);
  if (!out) return NULL;
  e = U_ZERO_ERROR;
  u_strFromUTF8(out, need + 1, NULL, s, -1, &e);
  if (U_FAILURE(e)) {
    free(out);
    return NULL;
  }
  return out;
}

static char *lookup_utf8(const sd_locale *l, const char *key)
{
  int32_t len = 0;
  size_t from = 0;
  const UChar *s = lookup(l, key, &len, &from);
  return s ? to_utf8(s, len) : NULL;
}

/* ---- MessageFormat with named arguments ------------------------------------
 * ICU4C's C API (umsg_*) takes numbered arguments only; named ones need the
 * C++ MessageFormat. So the pattern is rewritten: each argument name becomes
 * a number, numeric arguments (plural, selectordinal, number) numbered first,
 * then string arguments, and umsg_format() is called with a fixed argument
 * shape (doubles, then UChar* strings). The scanner follows ICU's
 * MessagePattern with ApostropheMode DOUBLE_OPTIONAL. */

enum arg_kind { ARG_STRING, ARG_NUMBER };

typedef struct msg_arg {
  char name[32];
  enum arg_kind kind;
  int selector;      /* used as a select argument */
  int index;
} msg_arg;

typedef struct scan {
  const UChar *p;
  int32_t n, i;
  UChar *out;        /* NULL in the first pass */
  int32_t olen, ocap;
  msg_arg args[MSG_MAX_ARGS];
  size_t n_args;
  int nomem;
  const char *err;   /* first problem found, static text */
} scan;

static int is_ws(UChar c)
{
  /* Pattern_White_Space */
  return c == 0x20 || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0x200E || c == 0x200F ||
         c == 0x2028 || c == 0x2029;
}

static void emit(scan *s, const UChar *p, int32_t n)
{
  if (!s->out || s->nomem || n <= 0) return;
  if (s->olen + n + 1 > s->ocap) {
    int32_t cap = s->ocap * 2 > s->olen + n + 1 ? s->ocap * 2 : s->olen + n + 1;
    UChar *o = realloc(s->out, (size_t)cap * sizeof *o);
    if (!o) {
      s->nomem = 1;
      return;
    }
    s->out = o;
    s->ocap = cap;
  }
  memcpy(s->out + s->olen, p, (size_t)n * sizeof *p);
  s->olen += n;
  s->out[s->olen] = 0;
}

static void copy_to(scan *s, int32_t start)
{
  emit(s, s->p + start, s->i - start);
}

static void fail(scan *s, const char *why)
{
  if (!s->err) s->err = why;
}

static void skip_ws(scan *s)
{
  int32_t st = s->i;
  while (s->i < s->n && is_ws(s->p[s->i])) s->i++;
  copy_to(s, st);
}

static void note_arg(scan *s, const char *name, enum arg_kind kind)
{
  for (size_t k = 0; k < s->n_args; k++) {
    if (strcmp(s->args[k].name, name) == 0) {
      if (s->args[k].kind != kind) fail(s, "an argument is used both as a number and as text");
      return;
    }
  }
  if (s->n_args == MSG_MAX_ARGS) {
    fail(s, "too many arguments");
    return;
  }
  msg_arg *a = &s->args[s->n_args++];
  snprintf(a->name, sizeof a->name, "%s", name);
  a->kind = kind;
  a->index = -1;
}

static int arg_index(const scan *s, const char *name)
{
  for (size_t k = 0; k < s->n_args; k++)
    if (strcmp(s->args[k].name, name) == 0) return s->args[k].index;
  return -1;
}

/* A quoted literal starting at an apostrophe: 'text', with '' inside for one
 * apostrophe. An unterminated quote runs to the end, as in ICU. */
static void skip_quoted(scan *s)
{
  int32_t st = s->i++;
  while (s->i < s->n) {
    if (s->p[s->i] == '\'') {
      if (s->i + 1 < s->n && s->p[s->i + 1] == '\'') {
        s->i += 2;
        continue;
      }
      s->i++;
      break;
    }
    s->i++;
  }
  copy_to(s, st);
}

static void parse_message(scan *s, int depth, int in_plural);

static int word(scan *s, char *buf, size_t cap, int selector)
{
  size_t k = 0;
  int32_t st = s->i;
  while (s->i < s->n) {
    UChar c = s->p[s->i];
    if (is_ws(c) || c == '{' || c == '}' || c == ',') break;
    if (!selector && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == '_'))
      return 0;
    if (c > 0x7E || k + 1 >= cap) return 0;
    buf[k++] = (char)c;
    s->i++;
  }
  buf[k] = '\0';
  copy_to(s, st);
  return k > 0;
}

/* After "{": name [, type [, style]] "}" */
static void parse_argument(scan *s, int depth)
{
  char name[32], type[32] = "";
  skip_ws(s);
  size_t k = 0;
  while (s->i < s->n && !is_ws(s->p[s->i]) && s->p[s->i] != ',' && s->p[s->i] != '}') {
    UChar c = s->p[s->i];
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
             (k > 0 && c >= '0' && c <= '9');
    if (!ok || k + 1 >= sizeof name) {
      fail(s, "an argument name must be a letter or _ then letters, digits or _ (named arguments only)");
      return;
    }
    name[k++] = (char)c;
    s->i++;
  }
  name[k] = '\0';
  if (k == 0) {
    fail(s, "empty argument name");
    return;
  }
  if (s->out) {
    int idx = arg_index(s, name);
    char num[16];
    int nn = snprintf(num, sizeof num, "%d", idx);
    for (int j = 0; j < nn; j++) {
      UChar u = (UChar)num[j];
      emit(s, &u, 1);
    }
  }
  skip_ws(s);
  if (s->i >= s->n) {
    fail(s, "unterminated argument");
    return;
  }
  if (s->p[s->i] == '}') {
    note_arg(s, name, ARG_STRING);
    copy_to(s, s->i++);
    return;
  }
  /* ',' type */
  emit(s, s->p + s->i, 1);
  s->i++;
  skip_ws(s);
  if (!word(s, type, sizeof type, 0)) {
    fail(s, "missing or bad argument type");
    return;
  }
  int plural = strcmp(type, "plural") == 0 || strcmp(type, "selectordinal") == 0;
  int select = strcmp(type, "select") == 0;
  if (strcmp(type, "date") == 0 || strcmp(type, "time") == 0 || strcmp(type, "choice") == 0) {
    fail(s, "date, time and choice arguments are not supported (dates are SD_INL_DATE)");
    return;
  }
  if (!plural && !select && strcmp(type, "number") != 0 && strcmp(type, "spellout") != 0 &&
      strcmp(type, "ordinal") != 0 && strcmp(type, "duration") != 0) {
    fail(s, "unknown argument type");
    return;
  }
  note_arg(s, name, select ? ARG_STRING : ARG_NUMBER);
  for (size_t a = 0; select && a < s->n_args; a++)
    if (strcmp(s->args[a].name, name) == 0) s->args[a].selector = 1;
  skip_ws(s);
  if (s->i < s->n && s->p[s->i] == '}') {
    copy_to(s, s->i++);
    return;
  }
  if (s->i >= s->n || s->p[s->i] != ',') {
    fail(s, "expected , or } after the argument type");
    return;
  }
  emit(s, s->p + s->i, 1);
  s->i++;
  if (!plural && !select) {
    /* simple style: up to the matching }, quotes and nested braces counted */
    int nest = 0;
    int32_t st2 = s->i;
    while (s->i < s->n) {
      UChar c = s->p[s->i];
      if (c == '\'') {
        copy_to(s, st2);
        skip_quoted(s);
        st2 = s->i;
        continue;
      }
      if (c == '{') nest++;
      if (c == '}') {
        if (nest == 0) break;
        nest--;
      }
      s->i++;
    }
    copy_to(s, st2);
    if (s->i >= s->n) {
      fail(s, "unterminated argument style");
      return;
    }
    copy_to(s, s->i++);
    return;
  }
  /* complex style: (selector {message})+ with an optional offset:n first */
  int n_sel = 0, have_other = 0;
  for (;;) {
    skip_ws(s);
    if (s->i >= s->n) {
      fail(s, "unterminated plural or select");
      return;
    }
    if (s->p[s->i] == '}') {
      copy_to(s, s->i++);
      break;
    }
    char sel[64];
    if (!word(s, sel, sizeof sel, 1)) {
      fail(s, "bad selector");
      return;
    }
    if (strncmp(sel, "offset:", 7) == 0 && plural && n_sel == 0) continue;
    if (strcmp(sel, "other") == 0) have_other = 1;
    skip_ws(s);
    if (s->i >= s->n || s->p[s->i] != '{') {
      fail(s, "expected { after a selector");
      return;
    }
    copy_to(s, s->i++);
    parse_message(s, depth + 1, plural);
    if (s->err) return;
    if (s->i >= s->n) {
      fail(s, "unterminated sub-message");
      return;
    }
    copy_to(s, s->i++); /* '}' */
    n_sel++;
  }
  if (!have_other) fail(s, "plural and select need an other{} case");
}

static void parse_message(scan *s, int depth, int in_plural)
{
  if (depth > 8) {
    fail(s, "arguments nested too deeply");
    return;
  }
  int32_t st = s->i;
  while (s->i < s->n && !s->err) {
    UChar c = s->p[s->i];
    if (c == '\'') {
      UChar nx = s->i + 1 < s->n ? s->p[s->i + 1] : 0;
      if (nx == '\'') {
        s->i += 2;
      } else if (nx == '{' || nx == '}' || (in_plural && nx == '#')) {
        copy_to(s, st);
        skip_quoted(s);
        st = s->i;
      } else {
        s->i++;
      }
    } else if (c == '{') {
      s->i++;
      copy_to(s, st);
      parse_argument(s, depth);
      st = s->i;
    } else if (c == '}' && depth > 0) {
      break;
    } else {
      s->i++;
    }
  }
  copy_to(s, st);
}

/* Locale-independent "[-]digits[.digits]" (the C library's strtod follows
 * LC_NUMERIC, which may use a decimal comma). */
static int parse_number(const char *v, double *out)
{
  const char *p = v;
  int neg = 0, digits = 0, frac = 0, in_frac = 0;
  double mant = 0, scale = 1;
  if (*p == '-') {
    neg = 1;
    p++;
  }
  for (; *p; p++) {
    if (*p >= '0' && *p <= '9') {
      if (++digits > 15) return 0;
      mant = mant * 10 + (*p - '0');
      if (in_frac) {
        frac++;
        scale *= 10;
      }
    } else if (*p == '.' && !in_frac && digits > 0) {
      in_frac = 1;
    } else {
      return 0;
    }
  }
  if (digits == 0 || (in_frac && frac == 0)) return 0;
  *out = (neg ? -mant : mant) / scale;
  return 1;
}

static int32_t call_umsg(UMessageFormat *f, UChar *buf, int32_t cap, const double *v, size_t k,
                         UChar *const *s, UErrorCode *e)
{
  /* umsg_vformat reads exactly as many arguments as the pattern numbers, in
   * order; numeric ones come first, so each shape below matches the types */
#define S8 s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]
  switch (k) {
  case 0: return umsg_format(f, buf, cap, e, S8);
  case 1: return umsg_format(f, buf, cap, e, v[0], S8);
  case 2: return umsg_format(f, buf, cap, e, v[0], v[1], S8);
  case 3: return umsg_format(f, buf, cap, e, v[0], v[1], v[2], S8);
  default: return umsg_format(f, buf, cap, e, v[0], v[1], v[2], v[3], S8);
  }
#undef S8
}

/* A text argument as ICU gets it. ICU select keywords cannot hold '-', so
 * case values such as in-person select the keyword in_person; an argument
 * called language holds a BCP 47 tag and prints as the language's name in
 * the reader's language ("Urdu", "اردو"). */
static UChar *string_arg(const sd_locale *l, const msg_arg *a, const char *v)
{
  if (a->selector) {
    char *t = sd_strdup(v);
    if (!t) return NULL;
    for (char *p = t; *p; p++)
      if (*p == '-') *p = '_';
    UChar *u = to_utf16(t);
    free(t);
    return u;
  }
  if (strcmp(a->name, "language") == 0) {
    char id[ULOC_FULLNAME_CAPACITY];
    UChar name[128];
    UErrorCode e = U_ZERO_ERROR;
    uloc_forLanguageTag(v, id, sizeof id, NULL, &e);
    int32_t n = U_SUCCESS(e) && id[0] ? uloc_getDisplayName(id, l->fmt_id, name, 127, &e) : 0;
    if (U_SUCCESS(e) && n > 0 && e != U_USING_DEFAULT_WARNING) {
      name[n] = 0;
      UChar *u = malloc(((size_t)n + 1) * sizeof *u);
      if (u) memcpy(u, name, ((size_t)n + 1) * sizeof *u);
      return u;
    }
  }
  return to_utf16(v);
}

/* A text argument from case data in another language comes back between
 * markers, so that langrun can give it its own language; not when some value
 * already holds a marker character (then the message is one language). */
static UChar *marked_arg(UChar *u, size_t k)
{
  int32_t len = u_strlen(u);
  UChar *m = malloc(((size_t)len + 3) * sizeof *m);
  if (m) {
    m[0] = (UChar)(SD_LANGRUN_OPEN + k);
    memcpy(m + 1, u, (size_t)len * sizeof *m);
    m[len + 1] = (UChar)(SD_LANGRUN_CLOSE + k);
    m[len + 2] = 0;
  }
  free(u);
  return m;
}

static int holds_marker(char *const *values, size_t n)
{
  /* U+FDD0..U+FDEF in UTF-8: EF B7 90..AF */
  for (size_t j = 0; values && j < n; j++)
    for (const unsigned char *p = (const unsigned char *)values[j]; p && *p; p++)
      if (p[0] == 0xEF && p[1] == 0xB7 && p[2] >= 0x90 && p[2] <= 0xAF) return 1;
  return 0;
}

static char *format_message(const sd_locale *l, const char *key, const UChar *pat, int32_t plen,
                            char *const *names, char *const *values, char *const *langs, size_t n, int line,
                            int col, sd_diags *d)
{
  char *res = NULL;
  scan s;
  UChar *str[MSG_MAX_STR] = {0};
  UChar empty[1] = {0};
  UChar *buf = NULL;
  double num[MSG_MAX_NUM] = {0};
  UMessageFormat *f = NULL;
  size_t n_num = 0, n_str = 0;

  memset(&s, 0, sizeof s);
  s.p = pat;
  s.n = plen;
  parse_message(&s, 0, 0);
  if (!s.err) {
    for (size_t k = 0; k < s.n_args; k++)
      if (s.args[k].kind == ARG_NUMBER) {
        if (n_num == MSG_MAX_NUM) s.err = "too many numeric arguments";
        s.args[k].index = (int)n_num++;
      }
    for (size_t k = 0; k < s.n_args; k++)
      if (s.args[k].kind == ARG_STRING) {
        if (n_str == MSG_MAX_STR) s.err = "too many text arguments";
        s.args[k].index = (int)(n_num + n_str++);
      }
  }
  if (s.err) {
    sd_diag_error(d, "locale.syntax", NULL, line, col, key, "message %s in %s: %s", key,
                  l->tag, s.err);
    goto done;
  }
  /* every argument the pattern names must be given, with a number where one is needed */
  if (n > SD_LANGRUN_MAX_ARGS || holds_marker(values, n)) langs = NULL;
  for (size_t k = 0; k < s.n_args; k++) {
    const char *v = NULL, *vl = NULL;
    size_t vj = 0;
    for (size_t j = 0; j < n; j++)
      if (names && values && names[j] && strcmp(names[j], s.args[k].name) == 0) {
        v = values[j];
        vl = langs ? langs[j] : NULL;
        vj = j;
      }
    if (!v) {
      sd_diag_error(d, "locale.arg", NULL, line, col, key, "message %s needs argument {%s}", key,
                    s.args[k].name);
      goto done;
    }
    int idx = s.args[k].index;
    if (s.args[k].kind == ARG_NUMBER) {
      if (!parse_number(v, &num[idx])) {
        sd_diag_error(d, "locale.arg", NULL, line, col, key,
                      "message %s: argument {%s} must be a number, not \"%s\"", key,
                      s.args[k].name, v);
        goto done;
      }
    } else if (!(str[idx - (int)n_num] = string_arg(l, &s.args[k], v))) {
      sd_diag_error(d, "locale.arg", NULL, line, col, key,
                    "message %s: argument {%s} is not valid UTF-8", key, s.args[k].name);
      goto done;
    } else if (vl && !s.args[k].selector && strcmp(s.args[k].name, "language") != 0 &&
               !(str[idx - (int)n_num] = marked_arg(str[idx - (int)n_num], vj))) {
      goto done;
    }
  }
  for (size_t k = 0; k < MSG_MAX_STR; k++)
    if (!str[k]) str[k] = empty;

  /* second pass writes the numbered pattern */
  s.i = 0;
  s.ocap = plen + 16;
  s.out = malloc((size_t)s.ocap * sizeof *s.out);
  if (!s.out) goto done;
  s.out[0] = 0;
  parse_message(&s, 0, 0);
  if (s.nomem) goto done;

  UErrorCode e = U_ZERO_ERROR;
  UParseError pe;
  f = umsg_open(s.out, s.olen, l->fmt_id, &pe, &e);
  if (U_FAILURE(e)) {
    sd_diag_error(d, "locale.syntax", NULL, line, col, key,
                  "message %s in %s: ICU cannot parse it (%s at offset %d)", key, l->tag,
                  u_errorName(e), (int)pe.offset);
    goto done;
  }
  int32_t cap = 256;
  for (;;) {
    free(buf);
    buf = malloc((size_t)cap * sizeof *buf);
    if (!buf) goto done;
    e = U_ZERO_ERROR;
    int32_t len = call_umsg(f, buf, cap, num, n_num, str, &e);
    if (e == U_BUFFER_OVERFLOW_ERROR && len < OUT_MAX) {
      cap = len + 1;
      continue;
    }
    if (U_FAILURE(e)) {
      sd_diag_error(d, "locale.format", NULL, line, col, key, "message %s in %s: %s", key,
                    l->tag, u_errorName(e));
      goto done;
    }
    res = to_utf8(buf, len);
    break;
  }
done:
  if (f) umsg_close(f);
  free(buf);
  free(s.out);
  for (size_t k = 0; k < MSG_MAX_STR; k++)
    if (str[k] != empty) free(str[k]);
  return res;
}

static int is_english(const sd_locale *l)
{
  return strcmp(l->lang, "en") == 0;
}

static const char *language_name(const sd_locale *l, char *buf, size_t cap)
{
  UChar u[64];
  UErrorCode e = U_ZERO_ERROR;
  int32_t n = uloc_getDisplayLanguage(l->icu_id, "en", u, 64, &e);
  if (U_FAILURE(e) || n <= 0 || n >= 64) return l->tag;
  e = U_ZERO_ERROR;
  u_strToUTF8(buf, (int32_t)cap, NULL, u, n, &e);
  return U_FAILURE(e) || e == U_STRING_NOT_TERMINATED_WARNING ? l->tag : buf;
}

static char *message_at(const sd_locale *l, const char *key, char *const *names,
                        char *const *values, char *const *langs, size_t n, const char **from_lang,
                        int line, int col, sd_diags *d)
{
  int32_t len = 0;
  size_t from = 0;
  const UChar *pat = NULL;

  if (from_lang) *from_lang = NULL;
  if (!l || !key || !key_ok(key)) {
    sd_diag_error(d, "locale.missing", NULL, line, col, key, "\"%s\" is not a message key",
                  key ? key : "(null)");
    return NULL;
  }
  pat = lookup(l, key, &len, &from);
  if (!pat) {
    sd_diag_error(d, "locale.missing", NULL, line, col, key,
                  "no message %s in the catalogue (not even in English)", key);
    return NULL;
  }
  int fallback = from == l->n_chain - 1 && !is_english(l);
  if (fallback) {
    if (from_lang) *from_lang = ROOT_LANG;
    /* one warning per message when the language has a catalogue; a language
     * with none got a single locale.unsupported warning at open */
    if (l->n_chain > 1) {
      char nb[64];
      sd_diag_warn(d, "locale.fallback", NULL, line, col, key,
                   "message %s has no %s translation; using English", key,
                   language_name(l, nb, sizeof nb));
    }
  }
  return format_message(l, key, pat, len, names, values, langs, n, line, col, d);
}

char *sd_locale_message(const sd_locale *l, const char *key, char *const *names,
                        char *const *values, size_t n, const char **from_lang, sd_diags *d)
{
  return message_at(l, key, names, values, NULL, n, from_lang, 0, 0, d);
}

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
    if (U_SUCCESS(e) && e != U_STRING_NOT_TERMINATED_WARNING) res = to_utf8(buf, n);
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
    if (U_SUCCESS(e) && e != U_STRING_NOT_TERMINATED_WARNING) res = to_utf8(buf, len);
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
    if (U_SUCCESS(e) && e != U_STRING_NOT_TERMINATED_WARNING) res = to_utf8(buf, n);
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
      text = message_at(l, x->text, x->arg_names, x->arg_values, x->arg_langs, x->n_args, &from,
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
  const char *latin = t->source_lang && !sd_langrun_non_latin(t->source_lang) ? t->source_lang : ROOT_LANG;
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

/* ---- catalogue facts ------------------------------------------------------- */

const char *sd_locale_status(const sd_locale *l)
{
  if (!l) return NULL;
  if (l->n_chain == 1 && !is_english(l)) return "none";
  for (size_t i = 0; i < l->n_chain; i++) {
    int32_t len = 0;
    const UChar *s = lookup_in(l->chain[i], "meta.status", &len);
    if (s) {
      UChar rev[] = u"reviewed";
      return u_strcmp(s, rev) == 0 ? "reviewed" : "unreviewed";
    }
  }
  return "unreviewed";
}

/* Collects every string key under res into the callback, dotted. */
typedef int (*key_fn)(const char *key, void *ctx);

static int walk_keys(UResourceBundle *res, char *prefix, size_t plen, key_fn fn, void *ctx)
{
  int rc = 0;
  ures_resetIterator(res);
  while (rc == 0 && ures_hasNext(res)) {
    UErrorCode e = U_ZERO_ERROR;
    UResourceBundle *c = ures_getNextResource(res, NULL, &e);
    if (U_FAILURE(e)) {
      ures_close(c);
      return -1;
    }
    const char *k = ures_getKey(c);
    size_t klen = k ? strlen(k) : 0;
    if (k && k[0] != '%' && plen + klen + 2 < KEY_MAX) {
      size_t np = plen;
      if (np) prefix[np++] = '.';
      memcpy(prefix + np, k, klen + 1);
      if (ures_getType(c) == URES_TABLE)
        rc = walk_keys(c, prefix, np + klen, fn, ctx);
      else
        rc = fn(prefix, ctx);
      prefix[plen] = '\0';
    }
    ures_close(c);
  }
  return rc;
}

typedef struct check_ctx {
  const sd_locale *l;
  sd_diags *d;
  size_t missing;
} check_ctx;

static int check_key(const char *key, void *vp)
{
  check_ctx *c = vp;
  int32_t len;
  if (strncmp(key, "meta.", 5) == 0) return 0;
  for (size_t i = 0; i + 1 < c->l->n_chain; i++)
    if (lookup_in(c->l->chain[i], key, &len)) return 0;
  c->missing++;
  sd_diag_warn(c->d, "locale.fallback", c->l->chain_id[0], 0, 0, key,
               "message %s has no translation in %s; English will be used", key,
               c->l->chain_id[0]);
  return 0;
}

sd_status sd_locale_check(const sd_locale *l, size_t *n_missing, sd_diags *d)
{
  char prefix[KEY_MAX] = "";
  check_ctx c = {l, d, 0};
  if (n_missing) *n_missing = 0;
  if (!l) return SD_E_USAGE;
  /* English is root itself; a language with no catalogue was reported at open */
  if (is_english(l) || l->n_chain == 1) return SD_OK;
  if (walk_keys(l->chain[l->n_chain - 1], prefix, 0, check_key, &c)) return SD_E_INTERNAL;
  if (n_missing) *n_missing = c.missing;
  return SD_OK;
}

static int cmp_info(const void *a, const void *b)
{
  return strcmp(((const sd_locale_info *)a)->id, ((const sd_locale_info *)b)->id);
}

void sd_locale_list_free(sd_locale_info *list, size_t n)
{
  for (size_t i = 0; list && i < n; i++) {
    free(list[i].id);
    free(list[i].tag);
    free(list[i].name);
    free(list[i].english_name);
    free(list[i].status);
  }
  free(list);
}

sd_status sd_locale_list(const char *dir, sd_locale_info **out, size_t *n_out, sd_diags *d)
{
  sd_status st = SD_OK;
  sd_locale_info *list = NULL;
  size_t n = 0, cap = 0;
  DIR *dh = NULL;
  struct dirent *ent;

  if (out) *out = NULL;
  if (n_out) *n_out = 0;
  if (!dir || !out || !n_out) return SD_E_USAGE;
  dh = opendir(dir);
  if (!dh) {
    sd_diag_error(d, "locale.resource", dir, 0, 0, NULL, "cannot read the locales folder %s",
                  dir);
    return SD_E_RESOURCE;
  }
  while ((ent = readdir(dh))) {
    size_t len = strlen(ent->d_name);
    if (len < 5 || len > 64 || strcmp(ent->d_name + len - 4, ".res") != 0) continue;
    char id[72];
    memcpy(id, ent->d_name, len - 4);
    id[len - 4] = '\0';
    if (strcmp(id, "root") == 0 || strcmp(id, "pool") == 0 || strcmp(id, "res_index") == 0)
      continue;
    char tag[ULOC_FULLNAME_CAPACITY];
    UErrorCode e = U_ZERO_ERROR;
    uloc_toLanguageTag(id, tag, sizeof tag, 1, &e);
    if (U_FAILURE(e) || e == U_STRING_NOT_TERMINATED_WARNING) continue;
    sd_locale *l = NULL;
    if (sd_locale_open(dir, tag, &l, NULL) != SD_OK) continue;
    if (n == cap) {
      size_t nc = cap ? cap * 2 : 32;
      sd_locale_info *nl = realloc(list, nc * sizeof *nl);
      if (!nl) {
        sd_locale_free(l);
        st = SD_E_NOMEM;
        break;
      }
      list = nl;
      cap = nc;
    }
    sd_locale_info *x = &list[n++];
    x->id = sd_strdup(id);
    x->tag = sd_strdup(tag);
    x->name = lookup_utf8(l, "meta.name");
    x->english_name = lookup_utf8(l, "meta.english-name");
    x->status = sd_strdup(sd_locale_status(l));
    sd_locale_free(l);
    if (!x->id || !x->tag || !x->status) st = SD_E_NOMEM;
  }
  closedir(dh);
  if (st != SD_OK) {
    sd_locale_list_free(list, n);
    return st;
  }
  if (n) qsort(list, n, sizeof *list, cmp_info);
  *out = list;
  *n_out = n;
  return SD_OK;
}
