/* pdf: a laid-out document to a tagged PDF/UA-1 file through libharu:
 * Type0/CIDFontType2 fonts of our own (hb-subset subsets by glyph id, a CID
 * per distinct glyph-and-text pair, ToUnicode from those pairs), marked
 * content tied to the structure tree (tags), XMP metadata. */
#ifndef SD_PDF_H
#define SD_PDF_H
#include "layout.h"
#include <stdint.h>

typedef struct sd_pdf_meta {
  const char *title;     /* dc:title and /Title */
  const char *lang;      /* Catalog /Lang */
  int64_t epoch;         /* creation and modification date, seconds since 1970 */
  struct sd_stop *stop;  /* asked before every page (NULL: never stops): SD_E_CANCELLED, SD_E_TIMEOUT */
} sd_pdf_meta;

/* Writes the whole PDF into a heap buffer (free with free()). */
sd_status sd_pdf_write(const sd_layout *l, const sd_pdf_meta *meta,
                       unsigned char **out, size_t *out_len, sd_diags *d);
#endif
