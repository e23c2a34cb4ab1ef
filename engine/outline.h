/* outline: glyphs drawn as filled paths (Form XObjects), for runs whose
 * shaped positions a text extractor cannot follow.
 *
 * Measured with pdf.js 5.6 and poppler 22.12: pdf.js starts a new text item
 * whenever the pen moves back more than 0.2 em, and poppler starts a new
 * line when a glyph's baseline (text rise included) moves; Nastaliq's
 * cascading baseline and mark positioning do both on nearly every glyph, so
 * the extracted Urdu came back scrambled. Such runs are drawn as outlines
 * and carry their text in an invisible text layer on the baseline instead
 * (pdf.c). One form per distinct glyph, in font units, painted with a cm. */
#ifndef SD_OUTLINE_H
#define SD_OUTLINE_H
#include "fonts.h"
#include <hpdf.h>

typedef struct sd_outlines sd_outlines;

sd_outlines *sd_outlines_new(HPDF_Doc doc);
void sd_outlines_free(sd_outlines *o);
/* The resource name of the form that draws glyph gid of font, made on first
 * use. NULL with *st == SD_OK for a glyph with no outline (a space). Owned by o. */
const char *sd_outlines_form(sd_outlines *o, const sd_font *font, uint32_t gid, sd_status *st);
/* Lists every form in the page's /Resources /XObject. */
sd_status sd_outlines_add_to_page(sd_outlines *o, HPDF_Page page);
#endif
