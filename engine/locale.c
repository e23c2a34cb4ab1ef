/* locale: message catalogues, fallback to English, MessageFormat with named
 * arguments, and dates and numbers in the reader's locale (ICU4C, C API only). */
#include <stdio.h> /* before locale.h: case.h uses FILE */
#include "locale.h"
#include "locale_int.h"
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

int loc_key_ok(const char *key)
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
const UChar *loc_lookup(const sd_locale *l, const char *key, int32_t *len, size_t *from)
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

char *loc_to_utf8(const UChar *s, int32_t n)
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
UChar *loc_to_utf16(const char *s)
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
  const UChar *s = loc_lookup(l, key, &len, &from);
  return s ? loc_to_utf8(s, len) : NULL;
}

/* ---- catalogue facts ------------------------------------------------------- */

const char *sd_locale_status(const sd_locale *l)
{
  if (!l) return NULL;
  if (l->n_chain == 1 && !loc_is_english(l)) return "none";
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
  if (loc_is_english(l) || l->n_chain == 1) return SD_OK;
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
