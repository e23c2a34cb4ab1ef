/* pdf_text: the glyphs of shaped runs and the text layer readers extract
 * (pdf.c's half that draws text). Private to pdf.c and pdf_text.c. */
#ifndef SD_PDF_TEXT_H
#define SD_PDF_TEXT_H
#include "layout.h"
#include "outline.h"
#include "pdfbuf.h"
#include "pdffont.h"
#include <hpdf.h>

typedef struct pdf_ctx {
  HPDF_Doc doc;
  HPDF_STATUS err, err_detail;
  sd_outlines *outlines;   /* glyph forms of complex runs */
  unsigned n_photos;       /* images written directly (Ph1, Ph2, ...) */
  sd_pdffont **fonts;      /* by sd_font id */
  size_t n_fonts;
  sd_diags *d;
  /* The text drawn last, as pdf.js saw it (pdf_text.c: it decides whether
   * pdf.js reads a space between that run and the next on its baseline) */
  double y_before;         /* its baseline */
  double left_before, right_before; /* where it was drawn */
  int plain_before;        /* its text layer ended in an unmirrored (forward) step */
  int rtl_before;          /* it was a right-to-left run's text layer */
  int space_before;        /* its text ended in white space */
  double size_before;      /* the font size of its last glyph */
} pdf_ctx;

static inline void put_num(sd_pdfbuf *s, double v)
{
  sd_pdfbuf_num(s, v);
}

static inline void put_rgb(sd_pdfbuf *s, sd_rgb c, const char *op)
{
  put_num(s, c.r);
  put_num(s, c.g);
  put_num(s, c.b);
  sd_pdfbuf_str(s, op);
}

/* One shaped run: simple runs as glyphs with their text, the rest as
 * outlines with an invisible text layer (pdf_text.c says how). */
sd_status sd_pdf_draw_glyphs(pdf_ctx *c, sd_pdfbuf *s, const sd_item *it);
/* Only the glyphs, as outline forms (outline.h), with no text at all: the
 * watermark (DRAFT across the page), an artifact that assistive technology
 * never reads but that pdftotext, pdfminer and pdf.js's text layer would read
 * into every line it crosses, splitting words and reordering lines (issue 15). */
sd_status sd_pdf_draw_outlines(pdf_ctx *c, sd_pdfbuf *s, const sd_item *it);
#endif
