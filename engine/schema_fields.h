/* schema_fields: which element and attribute names the case schema declares,
 * and which may stand inside which, read from engine/schema/case.xsd once per
 * engine. Templates use it to tell a field the schema allows but a case leaves
 * out (an optional element: empty, no error) from a field no case can ever
 * have (a misspelt path: a template error). */
#ifndef SD_SCHEMA_FIELDS_H
#define SD_SCHEMA_FIELDS_H
#include "diag.h"
#include <stdbool.h>
#include <stddef.h>

typedef struct sd_schema_fields sd_schema_fields; /* read-only once loaded: shared by threads */

/* Reads the element and attribute declarations of the XSD at xsd_path (no
 * network, no DTD). SD_E_RESOURCE when it cannot be read or parsed. */
sd_status sd_schema_fields_load(const char *xsd_path, sd_schema_fields **out, sd_diags *d);
void sd_schema_fields_free(sd_schema_fields *f);

/* True when the template path (dotted, with '>' id references, as in
 * {{a.b>c}}) could name something in a valid case: every name is declared
 * and every step a.b is an element or attribute b declared inside a. "." and
 * empty steps after '>' are allowed. f NULL: false. */
bool sd_schema_fields_knows(const sd_schema_fields *f, const char *path);

/* How many names are declared (for tests). */
size_t sd_schema_fields_count(const sd_schema_fields *f);
#endif
