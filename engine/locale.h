/* locale: ICU message catalogues (locales/*.txt compiled to .res by genrb),
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
#endif
