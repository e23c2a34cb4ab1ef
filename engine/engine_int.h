/* engine internals for test tools: the resolved document tree a render
 * would lay out (fields expanded, messages and dates formatted). */
#ifndef SD_ENGINE_INT_H
#define SD_ENGINE_INT_H
#include "template.h"

/* Free *out with sd_doc_tree_free(). */
sd_status sd_engine_document(sd_engine *e, const sd_case *c, const sd_render_options *opt, sd_doc_tree *out,
                             sd_diags *d);
/* The schema's field names (borrowed from the engine): give them to a template
 * parsed outside the engine's cache with sd_template_use_schema(). */
const sd_schema_fields *sd_engine_schema_fields(const sd_engine *e);
#endif
