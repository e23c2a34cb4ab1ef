/* pdfbuf: a growing byte buffer for what the PDF writer composes itself
 * (page content, glyph outlines, ToUnicode maps), with numbers written by
 * hand: printf was a fifth of a right-to-left page's time, and numbers in a
 * PDF must not follow the caller's LC_NUMERIC. */
#ifndef SD_PDFBUF_H
#define SD_PDFBUF_H
#include <stddef.h>

typedef struct sd_pdfbuf {
  unsigned char *p;
  size_t len, cap;
  int oom;          /* an allocation failed: later writes do nothing */
} sd_pdfbuf;

void sd_pdfbuf_add(sd_pdfbuf *b, const void *s, size_t n);
void sd_pdfbuf_str(sd_pdfbuf *b, const char *s);
/* scaled / 10^decimals (decimals 0..6) with trailing zeros dropped, then a
 * space: the caller rounds, so each writer keeps its own precision. */
void sd_pdfbuf_fixed(sd_pdfbuf *b, long long scaled, int decimals);
/* v to three decimals ("12.5 ", "-0.333 ", "7 "). */
void sd_pdfbuf_num(sd_pdfbuf *b, double v);
/* v as four upper-case hex digits. */
void sd_pdfbuf_hex16(sd_pdfbuf *b, unsigned v);
void sd_pdfbuf_free(sd_pdfbuf *b);
/* in[0..n) as one zlib (FlateDecode) stream at zlib level `level`, in a new
 * buffer *out of *out_len bytes (free it); 0, or -1 when out of memory. The
 * window and hash fit the input: zlib's defaults cost 300 KB of set-up,
 * which was most of the time compressing a 700-byte glyph outline. */
int sd_pdf_deflate(const void *in, size_t n, int level, unsigned char **out, size_t *out_len);
#endif
