/* locale, inside: what the catalogue (locale.c), MessageFormat (locale_msg.c)
 * and date/resolve (locale_resolve.c) parts share. Not installed. */
#ifndef SD_LOCALE_INT_H
#define SD_LOCALE_INT_H
#include <stdio.h> /* before locale.h: case.h uses FILE */
#include "locale.h"
#include <unicode/uloc.h>
#include <unicode/ures.h>

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

#define LOC_ROOT_LANG "en-GB" /* the language root.txt is written in */

int loc_key_ok(const char *key);
const UChar *loc_lookup(const sd_locale *l, const char *key, int32_t *len, size_t *from);
char *loc_to_utf8(const UChar *s, int32_t n);
UChar *loc_to_utf16(const char *s);
char *loc_message_at(const sd_locale *l, const char *key, char *const *names,
                        char *const *values, char *const *langs, size_t n, const char **from_lang,
                        int line, int col, sd_diags *d);
int loc_is_english(const sd_locale *l);
#endif
