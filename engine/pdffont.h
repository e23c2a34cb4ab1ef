/* pdffont: one embedded font of one PDF document, written as a Type0 font
 * (Identity-H) over a CIDFontType2 with an hb-subset subset (glyph ids kept,
 * layout tables dropped: the text is already shaped).
 *
 * Each distinct (glyph id, text) pair gets its own 2-byte code (CID), mapped
 * to its glyph by /CIDToGIDMap and to its text by /ToUnicode, so that the page
 * text stands on ToUnicode alone (DESIGN.md): the same glyph may stand for
 * different text in different clusters.
 *
 * An sd_pdffont belongs to one document and one thread; the sd_font it reads
 * is shared read-only and must outlive it. */
#ifndef SD_PDFFONT_H
#define SD_PDFFONT_H
#include "fonts.h"
#include <hpdf.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sd_pdffont sd_pdffont;

/* Returned by sd_pdffont_code(). */
#define SD_PDFFONT_FULL (-1)    /* all 65535 codes are in use: report SD_E_LIMIT */
#define SD_PDFFONT_BADARG (-2)  /* gid not in the font, or text empty, not UTF-8,
                                   holding U+0000/U+FEFF/U+FFFE, or longer than a
                                   ToUnicode entry may be (256 UTF-16 units) */

/* A font for one document; doc_local_index n names it /F<n> in resources.
 * font is borrowed. Free with sd_pdffont_free(). NULL when out of memory
 * or when font has no face or hb_font. */
sd_pdffont *sd_pdffont_new(const sd_font *font, unsigned doc_local_index);
void sd_pdffont_free(sd_pdffont *f);

/* Resource name without the slash, e.g. "F1". Owned by f. */
const char *sd_pdffont_resource_name(const sd_pdffont *f);
/* The font f was made for (borrowed). */
const sd_font *sd_pdffont_font(const sd_pdffont *f);

/* The 2-byte code (1..65535) showing glyph gid as text (UTF-8, copied):
 * one code per distinct (gid, text) pair, in order of first use. No
 * allocation when the pair is known. SD_PDFFONT_FULL or SD_PDFFONT_BADARG
 * on failure; SD_PDFFONT_FULL also when out of memory. */
int sd_pdffont_code(sd_pdffont *f, uint32_t gid, const char *text, size_t text_len);

/* Codes handed out so far (the highest code). */
unsigned sd_pdffont_ncodes(const sd_pdffont *f);

/* Width of code as written in /W, in 1/1000 text space units (the glyph's
 * hmtx advance * 1000 / upem, rounded); 0 for an unknown code. pdf.c uses it
 * to turn shaped advances into TJ adjustments. */
int sd_pdffont_width(const sd_pdffont *f, unsigned code);

/* Builds the Type0 font with the codes handed out so far into doc: Type0,
 * CIDFontType2, FontDescriptor, FontFile2 (subset), CIDToGIDMap and ToUnicode.
 * *out is the Type0 dictionary, an indirect object owned by doc; put it in
 * the pages' /Resources /Font under sd_pdffont_resource_name(). Call once per
 * document, after the last sd_pdffont_code(). Same codes, same bytes.
 * SD_E_FONT (CFF outlines, subsetting failed), SD_E_NOMEM, SD_E_INTERNAL
 * (libharu refused an object); objects made before a failure stay in doc. */
sd_status sd_pdffont_emit(const sd_pdffont *f, HPDF_Doc doc, HPDF_Dict *out, sd_diags *d);
/* A libharu write_fn for a stream holding bytes compressed already: names
 * their /Filter (the stream itself has no filter bits, so it is copied). */
HPDF_STATUS sd_pdf_write_flate_filter(HPDF_Dict dict, HPDF_Stream stream);
/* Writes data into a stream object Flate-compressed at zlib level `level`,
 * named by sd_pdf_write_flate_filter; libharu compresses nothing again. */
sd_status sd_pdf_put_flate(HPDF_Dict stream, const void *data, size_t n, int level);
#endif
