/* pdfbuf: bytes and numbers for PDF streams. */
#include "pdfbuf.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static int reserve(sd_pdfbuf *b, size_t more)
{
  if (b->oom) return -1;
  if (b->cap - b->len >= more) return 0;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap - b->len < more) cap *= 2;
  unsigned char *p = realloc(b->p, cap);
  if (!p) {
    b->oom = 1;
    return -1;
  }
  b->p = p;
  b->cap = cap;
  return 0;
}

void sd_pdfbuf_add(sd_pdfbuf *b, const void *s, size_t n)
{
  if (reserve(b, n)) return;
  memcpy(b->p + b->len, s, n);
  b->len += n;
}

void sd_pdfbuf_str(sd_pdfbuf *b, const char *s)
{
  sd_pdfbuf_add(b, s, strlen(s));
}

void sd_pdfbuf_fixed(sd_pdfbuf *b, long long scaled, int decimals)
{
  char tmp[48], *t = tmp + sizeof tmp;
  unsigned long long u = scaled < 0 ? 0ull - (unsigned long long)scaled : (unsigned long long)scaled;
  *--t = ' ';
  int frac_digits = 0;
  for (int i = 0; i < decimals; i++) {
    unsigned d = (unsigned)(u % 10);
    u /= 10;
    if (d || frac_digits) {
      *--t = (char)('0' + d);
      frac_digits++;
    }
  }
  if (frac_digits) *--t = '.';
  do *--t = (char)('0' + u % 10); while (u /= 10);
  if (scaled < 0) *--t = '-';
  sd_pdfbuf_add(b, t, (size_t)(tmp + sizeof tmp - t));
}

void sd_pdfbuf_num(sd_pdfbuf *b, double v)
{
  sd_pdfbuf_fixed(b, llround(v * 1000.0), 3);
}

void sd_pdfbuf_hex16(sd_pdfbuf *b, unsigned v)
{
  static const char hex[] = "0123456789ABCDEF";
  char s[4] = {hex[(v >> 12) & 15], hex[(v >> 8) & 15], hex[(v >> 4) & 15], hex[v & 15]};
  sd_pdfbuf_add(b, s, 4);
}

void sd_pdfbuf_free(sd_pdfbuf *b)
{
  if (!b) return;
  free(b->p);
  memset(b, 0, sizeof *b);
}

int sd_pdf_deflate(const void *in, size_t n, int level, unsigned char **out, size_t *out_len)
{
  int bits = 9; /* zlib's smallest window; 15 is its largest */
  while (bits < 15 && ((size_t)1 << bits) < n) bits++;
  int mem = bits - 6 < 1 ? 1 : bits - 6 > 8 ? 8 : bits - 6;
  z_stream z;
  memset(&z, 0, sizeof z);
  *out = NULL;
  *out_len = 0;
  if (deflateInit2(&z, level, Z_DEFLATED, bits, mem, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
  uLong cap = deflateBound(&z, (uLong)n);
  unsigned char *buf = malloc(cap ? cap : 1);
  int rc = -1;
  if (buf) {
    z.next_in = (Bytef *)(n ? in : (const void *)"");
    z.avail_in = (uInt)n;
    z.next_out = buf;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) == Z_STREAM_END) {
      *out = buf;
      *out_len = z.total_out;
      rc = 0;
    } else free(buf);
  }
  deflateEnd(&z);
  return rc;
}
