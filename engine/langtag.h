/* langtag: checks a document language and suggests the tag that was meant. */
#ifndef SD_LANGTAG_H
#define SD_LANGTAG_H
#include "sendoc.h"

/* SD_OK when tag (NULL: the default) is a well-formed BCP 47 tag of a
 * language ICU knows; else SD_E_USAGE with one usage.lang diagnostic that
 * suggests a tag (a catalogue's in locales_dir when one serves the language;
 * locales_dir may be NULL). */
sd_status sd_lang_check_in(const char *tag, const char *locales_dir, sd_diags *d);
#endif
