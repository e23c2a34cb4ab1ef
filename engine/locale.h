/* locale: ICU message catalogues (locales/<lang>.txt compiled to .res by genrb),
 * the fallback chain to English, MessageFormat plurals/select, and dates and
 * numbers in the reader's locale. Resolves SD_INL_MSG and SD_INL_DATE nodes
 * of a document tree into text. */
#ifndef SD_LOCALE_H
#define SD_LOCALE_H
#include "template.h"

typedef struct sd_locale sd_locale;

/* Opens the catalogue for a BCP 47 tag from dir (compiled .res files).
 * Free with sd_locale_free(). SD_E_RESOURCE if even the root is missing. */
sd_status sd_locale_open(const char *dir, const char *tag, sd_locale **out, sd_diags *d);
void sd_locale_free(sd_locale *l);
const char *sd_locale_tag(const sd_locale *l);
/* Formats message key with named args into a heap UTF-8 string; the language
 * the message really came from (after fallback) goes to *from_lang. */
char *sd_locale_message(const sd_locale *l, const char *key, char *const *names,
                        char *const *values, size_t n, const char **from_lang, sd_diags *d);
/* Formats an ISO date (YYYY-MM-DD) long-form in the locale. Heap string. */
char *sd_locale_date(const sd_locale *l, const char *iso, sd_diags *d);
/* Resolves every MSG and DATE inline of t in place. */
sd_status sd_locale_resolve(const sd_locale *l, sd_doc_tree *t, sd_diags *d);
/* ---- additions (locale owner) ----
 * sd_locale_message: *from_lang is NULL when the message is in the locale's
 * own language and "en-GB" (static) when it fell back to root's English, which
 * also adds a locale.fallback warning. A key missing from root too adds
 * locale.missing; a missing or non-numeric argument locale.arg. */

/* The catalogue actually used first in the chain, e.g. "pa_Arab" for tag
 * "pa-Arab-PK", "root" when the language has none. Borrowed from l. */
const char *sd_locale_bundle(const sd_locale *l);
/* The folder l's catalogues came from (to open another language's). Borrowed. */
const char *sd_locale_dir(const sd_locale *l);
/* Review status of the catalogue: "reviewed", "unreviewed" (no native speaker
 * has checked it yet), or "none" (no catalogue: fixed text is English).
 * Static string. */
const char *sd_locale_status(const sd_locale *l);
/* Formats a number in the locale's own digits and separators. Heap string. */
char *sd_locale_number(const sd_locale *l, double v, sd_diags *d);
/* Adds a locale.fallback warning (field = key) for every message root
 * defines that l's own catalogue lacks; *n_missing counts them (may be NULL).
 * Nothing for English, or a language with no catalogue. SD_OK. */
sd_status sd_locale_check(const sd_locale *l, size_t *n_missing, sd_diags *d);

/* One catalogue found in a folder (root itself is not listed). */
typedef struct sd_locale_info {
  char *id;            /* ICU id, the file name: "pa_Arab" */
  char *tag;           /* BCP 47: "pa-Arab" */
  char *name;          /* the language's own name: "پنجابی (شاہ مکھی)"; may be NULL */
  char *english_name;  /* "Punjabi (Shahmukhi)"; may be NULL */
  char *status;        /* "reviewed" or "unreviewed" */
} sd_locale_info;

/* Lists the catalogues (.res) in dir, sorted by id. Free with
 * sd_locale_list_free(). SD_E_RESOURCE if dir cannot be read, SD_E_NOMEM. */
sd_status sd_locale_list(const char *dir, sd_locale_info **out, size_t *n, sd_diags *d);
void sd_locale_list_free(sd_locale_info *list, size_t n);
#endif
