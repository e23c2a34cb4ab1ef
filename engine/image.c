/* image: PNG and JPEG header checks. */
#include "image.h"
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned be32(const unsigned char *p)
{
  return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

/* JPEG: walk the markers to the first start-of-frame (SOF0..SOF15 but not
 * DHT/JPG/DAC), which holds the dimensions. */
static int jpeg_size(const unsigned char *b, size_t n, unsigned *w, unsigned *h)
{
  size_t i = 2;
  while (i + 9 < n) {
    if (b[i] != 0xFF) return -1;
    unsigned char m = b[i + 1];
    if (m == 0xFF) { i++; continue; }
    size_t seg = (size_t)b[i + 2] << 8 | b[i + 3];
    if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
      *h = (unsigned)b[i + 5] << 8 | b[i + 6];
      *w = (unsigned)b[i + 7] << 8 | b[i + 8];
      return 0;
    }
    if (seg < 2) return -1;
    i += 2 + seg;
  }
  return -1;
}

/* libpng reports trouble through these: no printing, a jump back instead
 * (libharu decodes PNGs with libpng and no setjmp, so a damaged stream it
 * meets aborts the whole process; nothing reaches it undecoded). */
static void png_fail(png_structp png, png_const_charp msg)
{
  (void)msg;
  png_longjmp(png, 1);
}

static void png_quiet(png_structp png, png_const_charp msg)
{
  (void)png;
  (void)msg;
}

typedef struct png_src { const unsigned char *p; size_t n, at; } png_src;

static void png_feed(png_structp png, png_bytep out, png_size_t len)
{
  png_src *src = png_get_io_ptr(png);
  if (len > src->n - src->at) png_error(png, "truncated");
  memcpy(out, src->p + src->at, len);
  src->at += len;
}

/* Decodes every row (into one reusable row buffer) and reports whether the
 * whole image is sound. */
static int png_decodes(const unsigned char *data, size_t n)
{
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail, png_quiet);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  png_bytep row = NULL;
  int ok = 0;
  png_src src = { data, n, 0 };
  if (!png || !info) goto done;
  if (setjmp(png_jmpbuf(png))) goto done;
  png_set_read_fn(png, &src, png_feed);
#ifdef PNG_IGNORE_ADLER32
  /* every chunk's CRC already proves the compressed bytes are the ones
   * written; zlib's own checksum of the decoded pixels was a third of the
   * decode (the stream must still inflate to exactly the rows the header
   * declares) */
  png_set_option(png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
#endif
  png_read_info(png, info);
  int passes = png_set_interlace_handling(png);
  png_read_update_info(png, info);
  row = malloc(png_get_rowbytes(png, info));
  if (!row) goto done;
  png_uint_32 h = png_get_image_height(png, info);
  for (int pass = 0; pass < passes; pass++)
    for (png_uint_32 y = 0; y < h; y++) png_read_row(png, row, NULL);
  png_read_end(png, NULL);
  ok = 1;
done:
  free(row);
  png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
  return ok;
}

sd_status sd_image_probe(const char *path, const sd_limits *lim, sd_image_info *out,
                         const char *file, int line, int col, sd_diags *d)
{
  struct stat sb;
  if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    sd_diag_error(d, "case.photo", file, line, col, "photo", "the photo file cannot be read");
    return SD_E_INPUT;
  }
  if ((size_t)sb.st_size > lim->max_image_bytes) {
    sd_diag_error(d, "case.photo", file, line, col, "photo", "the photo is %lld bytes; the limit is %zu",
                  (long long)sb.st_size, lim->max_image_bytes);
    return SD_E_LIMIT;
  }
  FILE *fp = fopen(path, "rb");
  if (!fp) {
    sd_diag_error(d, "case.photo", file, line, col, "photo", "the photo file cannot be opened");
    return SD_E_IO;
  }
  /* the whole file (bounded above): a PNG is decoded through to its end */
  size_t cap = (size_t)sb.st_size + 1;
  unsigned char *b = malloc(cap);
  size_t n = b ? fread(b, 1, cap, fp) : 0;
  fclose(fp);
  if (!b) return SD_E_NOMEM;
  sd_status st = SD_OK;
  memset(out, 0, sizeof *out);
  static const unsigned char png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
  if (n >= 33 && memcmp(b, png_sig, 8) == 0 && memcmp(b + 12, "IHDR", 4) == 0) {
    out->is_png = 1;
    out->width = be32(b + 16);
    out->height = be32(b + 20);
    if (n < 57) st = SD_E_INPUT; /* signature + IHDR + the smallest IDAT and IEND */
    else if ((uint64_t)out->width * out->height <= lim->max_image_pixels && !png_decodes(b, n)) st = SD_E_INPUT;
  } else if (n >= 4 && b[0] == 0xFF && b[1] == 0xD8) {
    if (jpeg_size(b, n, &out->width, &out->height)) st = SD_E_INPUT;
  } else {
    sd_diag_error(d, "case.photo", file, line, col, "photo", "the photo is not a PNG or JPEG image");
    free(b);
    return SD_E_INPUT;
  }
  free(b);
  if (st != SD_OK || out->width == 0 || out->height == 0) {
    sd_diag_error(d, "case.photo", file, line, col, "photo", "the photo is truncated or damaged");
    return SD_E_INPUT;
  }
  if ((uint64_t)out->width * out->height > lim->max_image_pixels) {
    sd_diag_error(d, "case.photo", file, line, col, "photo",
                  "the photo is %u x %u pixels; the limit is %llu pixels", out->width, out->height,
                  (unsigned long long)lim->max_image_pixels);
    return SD_E_LIMIT;
  }
  return SD_OK;
}
