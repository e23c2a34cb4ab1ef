/* langtag: is a document language a BCP 47 tag of a known language, and if
 * not, which tag was meant? "romanian", "Română", "ron" and "rum" all mean
 * "ro"; "english" means the catalogue's "en-GB"; "pa_Arab" means "pa-Arab".
 * Names come from ICU (English and each language's own name) and from the
 * catalogues in the data folder, which are preferred when they serve the
 * language. */
#include "langtag.h"
#include "diag.h"
#include "locale.h"
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

enum { NAME_CAP = 128 };

/* ISO 639-2 bibliographic codes ICU does not list (it knows the T codes). */
static const char *const B_CODES[][2] = {
  { "alb", "sq" }, { "arm", "hy" }, { "baq", "eu" }, { "bur", "my" }, { "chi", "zh" }, { "cze", "cs" },
  { "dut", "nl" }, { "fre", "fr" }, { "geo", "ka" }, { "ger", "de" }, { "gre", "el" }, { "ice", "is" },
  { "mac", "mk" }, { "mao", "mi" }, { "may", "ms" }, { "per", "fa" }, { "rum", "ro" }, { "slo", "sk" },
  { "tib", "bo" }, { "wel", "cy" },
};

/* English names families use that ICU does not give. */
static const char *const ALIASES[][2] = {
  { "farsi", "fa" }, { "mandarin", "zh" }, { "cantonese", "yue" }, { "panjabi", "pa" }, { "sorani", "ckb" },
  { "patois", "jam" }, { "creole", "ht" }, { "filipino", "fil" },
};

/* Case-folded UTF-16 copy of s; 0 length on failure. */
static int32_t fold16(const char *s, UChar *out, int32_t cap)
{
  UErrorCode err = U_ZERO_ERROR;
  UChar tmp[NAME_CAP];
  int32_t n = 0;
  u_strFromUTF8(tmp, NAME_CAP, &n, s, -1, &err);
  if (U_FAILURE(err) || n >= NAME_CAP) return 0;
  err = U_ZERO_ERROR;
  n = u_strFoldCase(out, cap, tmp, n, U_FOLD_CASE_DEFAULT, &err);
  if (U_FAILURE(err) || n >= cap) return 0;
  out[n] = 0;
  return n;
}

static int32_t distance(const UChar *a, int32_t na, const UChar *b, int32_t nb)
{
  int32_t row[NAME_CAP + 1];
  if (na > NAME_CAP || nb > NAME_CAP) return 1000;
  for (int32_t j = 0; j <= nb; j++) row[j] = j;
  for (int32_t i = 1; i <= na; i++) {
    int32_t diag = row[0];
    row[0] = i;
    for (int32_t j = 1; j <= nb; j++) {
      int32_t up = row[j];
      int32_t best = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < best) best = up + 1;
      if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[nb];
}

typedef struct guess {
  UChar want[NAME_CAP];
  int32_t n_want;
  char tag[96];      /* exact match */
  char near[96];     /* closest name within reach */
  int32_t near_dist;
  const sd_locale_info *cats;
  size_t n_cats;
} guess;

/* The tag(s) to suggest for language code lang: every catalogue's that
 * serves it ("pa-Arab" or "pa-Guru"), else the code itself. */
static void tag_for(const guess *g, const char *lang, char *out, size_t cap)
{
  size_t ll = strlen(lang), o = 0;
  out[0] = 0;
  for (size_t i = 0; i < g->n_cats; i++) {
    const char *t = g->cats[i].tag;
    if (t && !strncmp(t, lang, ll) && (t[ll] == 0 || t[ll] == '-')) {
      int k = snprintf(out + o, cap - o, "%s%s", o ? "\" or \"" : "", t);
      if (k < 0 || (size_t)k >= cap - o) break;
      o += (size_t)k;
    }
  }
  if (!o) snprintf(out, cap, "%s", lang);
}

/* name (UTF-8) names language lang: an exact (case-folded) match wins; else
 * the closest name by edit distance, when close enough to be a typo. */
static void consider(guess *g, const char *name, const char *lang)
{
  if (!name || !*name || g->tag[0]) return;
  UChar f[NAME_CAP];
  int32_t n = fold16(name, f, NAME_CAP);
  if (!n) return;
  if (n == g->n_want && !u_strcmp(f, g->want)) {
    tag_for(g, lang, g->tag, sizeof g->tag);
    return;
  }
  if (n < 4 || g->n_want < 4) return; /* codes are matched exactly only */
  int32_t dist = distance(g->want, g->n_want, f, n);
  int32_t reach = g->n_want / 3 > 1 ? g->n_want / 3 : 1;
  if (dist <= reach && dist < g->near_dist) {
    g->near_dist = dist;
    tag_for(g, lang, g->near, sizeof g->near);
  }
}

static void name_of(const char *lang, const char *in_lang, char *out, int32_t cap)
{
  UErrorCode err = U_ZERO_ERROR;
  UChar u[NAME_CAP];
  int32_t n = uloc_getDisplayLanguage(lang, in_lang, u, NAME_CAP, &err);
  out[0] = 0;
  if (U_FAILURE(err) || n <= 0 || n >= NAME_CAP) return;
  err = U_ZERO_ERROR;
  u_strToUTF8(out, cap, NULL, u, n, &err);
  if (U_FAILURE(err)) out[0] = 0;
}

/* A language ICU has a name for (the code itself is returned for others). */
static bool known_language(const char *lang)
{
  char name[NAME_CAP * 3];
  name_of(lang, "en", name, sizeof name);
  return name[0] && strcmp(name, lang) != 0;
}

static void find_guess(guess *g, const char *value)
{
  /* pa_Arab, EN_gb: the right tag with hyphens */
  char fixed[64];
  size_t n = strlen(value);
  if (n < sizeof fixed && strchr(value, '_')) {
    for (size_t i = 0; i <= n; i++) fixed[i] = value[i] == '_' ? '-' : value[i];
    char id[ULOC_FULLNAME_CAPACITY], lang[ULOC_LANG_CAPACITY];
    UErrorCode err = U_ZERO_ERROR;
    int32_t parsed = 0;
    uloc_forLanguageTag(fixed, id, sizeof id, &parsed, &err);
    if (U_SUCCESS(err) && (size_t)parsed == n && uloc_getLanguage(id, lang, sizeof lang, &err) > 0 &&
        U_SUCCESS(err) && known_language(lang)) {
      char canon[64];
      if (uloc_toLanguageTag(id, canon, sizeof canon, true, &err) > 0 && U_SUCCESS(err))
        snprintf(g->tag, sizeof g->tag, "%s", canon);
      else
        snprintf(g->tag, sizeof g->tag, "%s", fixed);
      return;
    }
  }
  g->n_want = fold16(value, g->want, NAME_CAP);
  g->near_dist = 1000;
  if (!g->n_want) return;
  char name[NAME_CAP * 3];
  /* the catalogues first: their tags and names */
  for (size_t i = 0; i < g->n_cats && !g->tag[0]; i++) {
    const sd_locale_info *c = &g->cats[i];
    if (!c->tag) continue;
    char lang[ULOC_LANG_CAPACITY];
    snprintf(lang, sizeof lang, "%.*s", (int)strcspn(c->tag, "-"), c->tag);
    consider(g, c->tag, lang);
    consider(g, c->name, lang);
    consider(g, c->english_name, lang);
  }
  for (size_t i = 0; i < sizeof B_CODES / sizeof *B_CODES && !g->tag[0]; i++) consider(g, B_CODES[i][0], B_CODES[i][1]);
  for (size_t i = 0; i < sizeof ALIASES / sizeof *ALIASES && !g->tag[0]; i++) consider(g, ALIASES[i][0], ALIASES[i][1]);
  for (const char *const *l = uloc_getISOLanguages(); l && *l && !g->tag[0]; l++) {
    if (!known_language(*l)) continue;
    consider(g, uloc_getISO3Language(*l), *l);
    name_of(*l, "en", name, sizeof name);
    consider(g, name, *l);
    name_of(*l, *l, name, sizeof name);
    consider(g, name, *l);
  }
}

/* BCP 47 uses the two-letter code where ISO 639-1 has one: "ron" and "rum"
 * are "ro". */
static bool has_shorter_code(const char *lang)
{
  if (strlen(lang) != 3) return false;
  for (size_t i = 0; i < sizeof B_CODES / sizeof *B_CODES; i++)
    if (!strcmp(B_CODES[i][0], lang)) return true;
  for (const char *const *l = uloc_getISOLanguages(); l && *l; l++)
    if (strlen(*l) == 2 && !strcmp(uloc_getISO3Language(*l), lang)) return true;
  return false;
}

sd_status sd_lang_check_in(const char *tag, const char *locales_dir, sd_diags *d)
{
  if (!tag) return SD_OK;
  size_t n = strlen(tag);
  char id[ULOC_FULLNAME_CAPACITY], lang[ULOC_LANG_CAPACITY];
  UErrorCode err = U_ZERO_ERROR;
  int32_t parsed = 0;
  bool ok = n > 0 && n < 64;
  for (size_t i = 0; ok && i < n; i++)
    if (!isalnum((unsigned char)tag[i]) && tag[i] != '-') ok = false;
  if (ok) {
    uloc_forLanguageTag(tag, id, sizeof id, &parsed, &err);
    ok = U_SUCCESS(err) && (size_t)parsed == n;
  }
  if (ok) {
    err = U_ZERO_ERROR;
    int32_t ln = uloc_getLanguage(id, lang, sizeof lang, &err);
    ok = U_SUCCESS(err) && ln >= 2 && ln <= 3 && known_language(lang);
  }
  if (ok) {
    /* ICU reads "ron" as "ro"; a PDF's /Lang should say "ro" */
    char raw[4] = "";
    size_t pl = strcspn(tag, "-");
    for (size_t i = 0; i < pl && i < 3; i++) raw[i] = (char)tolower((unsigned char)tag[i]);
    raw[pl < 3 ? pl : 3] = 0;
    if (pl == 3 && has_shorter_code(raw)) ok = false;
  }
  if (ok) return SD_OK;

  guess g;
  memset(&g, 0, sizeof g);
  sd_locale_info *cats = NULL;
  size_t n_cats = 0;
  sd_diags *quiet = sd_diags_new();
  if (locales_dir && quiet && sd_locale_list(locales_dir, &cats, &n_cats, quiet) == SD_OK) {
    g.cats = cats;
    g.n_cats = n_cats;
  }
  sd_diags_free(quiet);
  char clip[48];
  snprintf(clip, sizeof clip, "%s", tag);
  find_guess(&g, tag);
  const char *sugg = g.tag[0] ? g.tag : g.near[0] ? g.near : NULL;
  char sname[NAME_CAP * 3] = "";
  if (sugg) {
    char sl[ULOC_LANG_CAPACITY];
    snprintf(sl, sizeof sl, "%.*s", (int)strcspn(sugg, "-"), sugg);
    name_of(sl, "en", sname, sizeof sname);
  }
  if (sugg)
    sd_diag_error(d, "usage.lang", NULL, 0, 0, "lang",
                  "\"%s\" is not a language tag; did you mean \"%s\"%s%s%s? (see `sendoc locales`)", clip, sugg,
                  sname[0] ? " (" : "", sname, sname[0] ? ")" : "");
  else
    sd_diag_error(d, "usage.lang", NULL, 0, 0, "lang",
                  "\"%s\" is not a language tag: give a BCP 47 tag such as \"en-GB\", \"ur\" or \"pa-Arab\" "
                  "(see `sendoc locales`)",
                  clip);
  sd_locale_list_free(cats, n_cats);
  return SD_E_USAGE;
}
