/* pdf_outline: a run of glyphs drawn as filled outlines instead of text. For
 * the watermark (DRAFT across the page): an artifact that assistive
 * technology never reads, but that text extractors (pdftotext, pdfminer,
 * pdf.js's text layer) would read into every line it crosses, splitting
 * words and reordering the lines around it (issue 15). As paths it looks the
 * same and is no text at all. */
#ifndef SD_PDF_OUTLINE_H
#define SD_PDF_OUTLINE_H
#include "layout.h"
#include "pdfbuf.h"

/* Appends the outlines of it's glyphs (SD_ITEM_GLYPHS) at it->x, it->y, filled
 * in it->color, inside q ... Q. SD_OK, or SD_E_NOMEM. */
sd_status sd_pdf_outline_glyphs(sd_pdfbuf *s, const sd_item *it);
#endif
