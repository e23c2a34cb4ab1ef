/* tags: the structure tree of a tagged PDF (ISO 32000-1 14.7-14.8, PDF/UA-1)
 * built with libharu's object API, which has no tagging of its own. The pdf
 * stage asks for a marked-content id for each drawn sequence; tags records
 * who owns it and, at the end, writes StructTreeRoot, the elements, their
 * kids in content order and the ParentTree. */
#ifndef SD_TAGS_H
#define SD_TAGS_H
#include "layout.h"
#include <hpdf.h>

typedef struct sd_tags sd_tags;

/* elems is borrowed (the layout's) and must outlive the sd_tags. */
sd_tags *sd_tags_new(const sd_elem *elems, size_t n_elems, size_t n_pages);
void sd_tags_free(sd_tags *t);
/* Marked-content id for a new sequence owned by elem on page page_index. */
int sd_tags_mark(sd_tags *t, size_t page_index, int elem);
/* Writes the tree into doc: pages[i] gets /StructParents i; the Catalog gets
 * /StructTreeRoot and /MarkInfo. SD_E_INTERNAL when libharu refuses. */
sd_status sd_tags_finish(sd_tags *t, HPDF_Doc doc, HPDF_Page *pages, sd_diags *d);
/* A PDF text string: ASCII as is, anything else UTF-16BE with a BOM. */
void *sd_pdf_text_string(HPDF_MMgr mmgr, const char *utf8);
#endif
