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

/* One document of a combined file (batch_combine.c): a case, its template
 * and language, and the bookmark that opens it. */
typedef struct sd_engine_part {
  const sd_case *c;
  const char *template_ref, *lang, *bookmark;
} sd_engine_part;
/* Several documents, each laid out on its own (its own page numbers), as one
 * tagged PDF: a Document of Parts, each Part in its own language with a
 * bookmark holding its headings'. opt gives the style and date; title is the
 * file's. Every part's problems are reported; nothing is returned if any fails. */
sd_status sd_engine_render_parts(sd_engine *e, const sd_engine_part *parts, size_t n, const sd_render_options *opt,
                                 const char *title, unsigned char **out_pdf, size_t *out_len, sd_diags *d);
#endif
