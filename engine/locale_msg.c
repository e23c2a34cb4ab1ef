/* locale: MessageFormat with named arguments over ICU4C's numbered umsg_* API. */
#include "locale_int.h"
#include "langrun.h"
#include <stdlib.h>
#include <string.h>
#include <unicode/udat.h>
#include <unicode/udatpg.h>
#include <unicode/umsg.h>
#include <unicode/unum.h>
#include <unicode/ustring.h>

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
    UChar *u = loc_to_utf16(t);
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
  return loc_to_utf16(v);
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
    res = loc_to_utf8(buf, len);
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

int loc_is_english(const sd_locale *l)
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

char *loc_message_at(const sd_locale *l, const char *key, char *const *names,
                        char *const *values, char *const *langs, size_t n, const char **from_lang,
                        int line, int col, sd_diags *d)
{
  int32_t len = 0;
  size_t from = 0;
  const UChar *pat = NULL;

  if (from_lang) *from_lang = NULL;
  if (!l || !key || !loc_key_ok(key)) {
    sd_diag_error(d, "locale.missing", NULL, line, col, key, "\"%s\" is not a message key",
                  key ? key : "(null)");
    return NULL;
  }
  pat = loc_lookup(l, key, &len, &from);
  if (!pat) {
    sd_diag_error(d, "locale.missing", NULL, line, col, key,
                  "no message %s in the catalogue (not even in English)", key);
    return NULL;
  }
  int fallback = from == l->n_chain - 1 && !loc_is_english(l);
  if (fallback) {
    if (from_lang) *from_lang = LOC_ROOT_LANG;
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
  return loc_message_at(l, key, names, values, NULL, n, from_lang, 0, 0, d);
}

