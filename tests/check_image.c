/* image: photos are checked, and PNGs decoded through, before libharu sees them. */
#include "image.h"
#include "testutil.h"
#include <stdint.h>
#include <unistd.h>
#include <zlib.h>

static const sd_limits LIM = { 1u << 20, 8u << 20, 40000000ull, 64 };

static void put32(unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static size_t chunk(unsigned char *out, const char *type, const unsigned char *data, uint32_t len)
{
  put32(out, len);
  memcpy(out + 4, type, 4);
  if (len) memcpy(out + 8, data, len);
  uLong crc = crc32(0, (const Bytef *)type, 4);
  if (len) crc = crc32(crc, data, len); /* crc32(c, NULL, 0) would restart */
  put32(out + 8 + len, (uint32_t)crc);
  return 12 + len;
}

/* A 4x4 grey PNG whose rows use filter type `filter` (0..4 valid). */
static char *write_png(int filter, uint32_t claim_w, uint32_t claim_h)
{
  unsigned char raw[4 * 5], z[256], png[512], ihdr[13];
  for (int y = 0; y < 4; y++) {
    raw[y * 5] = (unsigned char)filter;
    memset(raw + y * 5 + 1, 0x80, 4);
  }
  uLongf zl = sizeof z;
  ck_assert_int_eq(compress(z, &zl, raw, sizeof raw), Z_OK);
  static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
  size_t n = 0;
  memcpy(png, sig, 8);
  n = 8;
  put32(ihdr, claim_w);
  put32(ihdr + 4, claim_h);
  ihdr[8] = 8, ihdr[9] = 0, ihdr[10] = 0, ihdr[11] = 0, ihdr[12] = 0;
  n += chunk(png + n, "IHDR", ihdr, 13);
  n += chunk(png + n, "IDAT", z, (uint32_t)zl);
  n += chunk(png + n, "IEND", NULL, 0);
  static char path[64];
  strcpy(path, "/tmp/check_image_XXXXXX");
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, png, n), (ssize_t)n);
  close(fd);
  return path;
}

START_TEST(test_sound_png_passes)
{
  char *p = write_png(0, 4, 4);
  sd_image_info info;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_image_probe(p, &LIM, &info, "case.xml", 9, 5, d), SD_OK);
  ck_assert_uint_eq(info.width, 4);
  ck_assert(info.is_png);
  unlink(p);
  sd_diags_free(d);
}
END_TEST

/* Regression: libharu decodes PNGs with libpng and no setjmp, so a stream
 * whose header passes but whose rows are damaged aborted the process. */
START_TEST(test_png_with_bad_row_filter_is_rejected_not_fatal)
{
  char *p = write_png(9, 4, 4);
  sd_image_info info;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_image_probe(p, &LIM, &info, "case.xml", 9, 5, d), SD_E_INPUT);
  ck_assert(diags_have(d, "case.photo"));
  ck_assert_int_eq(d->items[0].line, 9);
  unlink(p);
  sd_diags_free(d);
}
END_TEST

/* The decode no longer checks zlib's Adler-32 of the pixels: it rests on
 * each chunk's CRC, so compressed bytes changed after writing still fail. */
START_TEST(test_png_with_damaged_idat_bytes_is_rejected)
{
  char *p = write_png(0, 4, 4);
  FILE *f = fopen(p, "r+b");
  ck_assert_ptr_nonnull(f);
  long at = 8 + 25 + 8 + 4; /* signature, IHDR chunk, IDAT length and type, into the data */
  ck_assert_int_eq(fseek(f, at, SEEK_SET), 0);
  int c = fgetc(f);
  ck_assert_int_eq(fseek(f, at, SEEK_SET), 0);
  fputc(c ^ 0x01, f);
  fclose(f);
  sd_image_info info;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_image_probe(p, &LIM, &info, "case.xml", 3, 4, d), SD_E_INPUT);
  ck_assert(diags_have(d, "case.photo"));
  unlink(p);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_png_claiming_more_rows_than_it_has_is_rejected)
{
  char *p = write_png(0, 4, 400);
  sd_image_info info;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_image_probe(p, &LIM, &info, "case.xml", 1, 1, d), SD_E_INPUT);
  unlink(p);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_huge_declared_size_is_a_limit)
{
  char *p = write_png(0, 60000, 60000);
  sd_image_info info;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_image_probe(p, &LIM, &info, "case.xml", 1, 1, d), SD_E_LIMIT);
  unlink(p);
  sd_diags_free(d);
}
END_TEST

START_TEST(test_text_file_named_png_is_rejected)
{
  char path[] = "/tmp/check_image_txt_XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_eq(write(fd, "not an image at all\n", 20), 20);
  close(fd);
  sd_image_info info;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_image_probe(path, &LIM, &info, "case.xml", 1, 1, d), SD_E_INPUT);
  unlink(path);
  sd_diags_free(d);
}
END_TEST

static Suite *image_suite(void)
{
  Suite *s = suite_create("image");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_sound_png_passes);
  tcase_add_test(tc, test_png_with_bad_row_filter_is_rejected_not_fatal);
  tcase_add_test(tc, test_png_claiming_more_rows_than_it_has_is_rejected);
  tcase_add_test(tc, test_png_with_damaged_idat_bytes_is_rejected);
  tcase_add_test(tc, test_huge_declared_size_is_a_limit);
  tcase_add_test(tc, test_text_file_named_png_is_rejected);
  suite_add_tcase(s, tc);
  return s;
}

RUN_SUITE(image_suite)
