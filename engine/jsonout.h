/* jsonout: one JSON string writer for the manifest (engine) and the CLI's
 * --diagnostics=json, so both escape the same way. */
#ifndef SD_JSONOUT_H
#define SD_JSONOUT_H
#include <stdio.h>

/* Writes s as a JSON string (null for NULL): quotes, backslashes and control
 * characters escaped, invalid UTF-8 as U+FFFD. */
void sd_json_str(FILE *out, const char *s);

#endif
