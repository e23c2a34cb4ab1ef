/* Check suite for the shape cache: which fonts may shape words apart, what
 * a cache keeps and hands back, its memory cap, and several threads at once.
 * That cached words equal whole-run shaping is the glyph oracle's job
 * (check_text, tests/text/oracle.tsv). */
#include "testutil.h"
#include "fonts.h"
#include "shapecache.h"
#include <pthread.h>

static sd_fonts *fonts;

static void setup(void)
{
  const char *map = getenv("SENDOC_FONTMAP");
  sd_diags *d = sd_diags_new();
  if (sd_fonts_new(map ? map : "fonts/fontmap.txt", &fonts, d) != SD_OK) diags_print(d);
  sd_diags_free(d);
}

static void teardown(void)
{
  sd_fonts_free(fonts);
  fonts = NULL;
}

static const sd_font *pick(hb_script_t script, const char *lang, hb_codepoint_t cp)
{
  const sd_font *f = sd_fonts_pick(fonts, script, lang, SD_FONT_REGULAR, cp);
  ck_assert_ptr_nonnull(f);
  return f;
}

static hb_font_t *font_file(const char *family)
{
  char cmd[256], path[512] = "";
  snprintf(cmd, sizeof cmd, "fc-match -f '%%{file}' '%s:style=Regular'", family);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  ck_assert_ptr_nonnull(fgets(path, sizeof path, p));
  pclose(p);
  hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
  ck_assert_ptr_nonnull(blob);
  hb_face_t *face = hb_face_create(blob, 0);
  hb_font_t *font = hb_font_create(face);
  hb_face_destroy(face);
  hb_blob_destroy(blob);
  return font;
}

START_TEST(test_fonts_whose_lookups_ignore_the_space_get_a_cache)
{
  ck_assert_ptr_nonnull(pick(HB_SCRIPT_ARABIC, "ur", 0x0628)->shapes); /* Nastaliq swaps only the space itself */
  ck_assert_ptr_nonnull(pick(HB_SCRIPT_ARABIC, "ar", 0x0628)->shapes);
  ck_assert_ptr_nonnull(pick(HB_SCRIPT_BENGALI, "bn", 0x0995)->shapes);
  ck_assert_ptr_nonnull(pick(HB_SCRIPT_LATIN, "en", 'a')->shapes);
}
END_TEST

/* Noto Sans Devanagari positions with a lookup whose backtrack is the space;
 * DejaVu Sans kerns with a 'kern' table, whose pairs the check cannot see. */
START_TEST(test_fonts_that_read_across_spaces_get_none)
{
  ck_assert_ptr_null(pick(HB_SCRIPT_DEVANAGARI, "hi", 0x0915)->shapes);
  hb_font_t *dejavu = font_file("DejaVu Sans");
  ck_assert_int_eq(sd_shape_words_independent(dejavu), 0);
  ck_assert_ptr_null(sd_shape_cache_new(dejavu, 1 << 20));
  hb_font_destroy(dejavu);
}
END_TEST

static const uint32_t word[] = {'w', 'o', 'r', 'd'};
static const sd_shaped glyphs[] = {{90, 0, 500, 0, 0, 0}, {82, 1, 480, 0, 0, 0}, {85, 2, 300, 0, 0, 0},
                                   {71, 3, 510, 0, 0, 1}};

static sd_shape_key key(hb_direction_t dir, const char *lang)
{
  sd_shape_key k = {word, 4, dir, HB_SCRIPT_LATIN, hb_language_from_string(lang, -1)};
  return k;
}

START_TEST(test_cache_gives_back_what_it_kept_for_the_same_key_only)
{
  hb_font_t *font = font_file("Noto Sans");
  sd_shape_cache *c = sd_shape_cache_new(font, 1 << 20);
  ck_assert_ptr_nonnull(c);
  sd_shape_key k = key(HB_DIRECTION_LTR, "en");
  size_t n = 0;
  ck_assert_ptr_null(sd_shape_cache_get(c, &k, &n));
  sd_shape_cache_put(c, &k, glyphs, 4);
  const sd_shaped *hit = sd_shape_cache_get(c, &k, &n);
  ck_assert_ptr_nonnull(hit);
  ck_assert_uint_eq(n, 4);
  ck_assert_int_eq(memcmp(hit, glyphs, sizeof glyphs), 0);
  sd_shape_key other_lang = key(HB_DIRECTION_LTR, "ro"), other_dir = key(HB_DIRECTION_RTL, "en");
  ck_assert_ptr_null(sd_shape_cache_get(c, &other_lang, &n));
  ck_assert_ptr_null(sd_shape_cache_get(c, &other_dir, &n));
  sd_shape_key shorter = k;
  shorter.n = 3;
  ck_assert_ptr_null(sd_shape_cache_get(c, &shorter, &n));
  sd_shape_cache_free(c);
  hb_font_destroy(font);
}
END_TEST

START_TEST(test_full_cache_and_long_words_keep_nothing)
{
  hb_font_t *font = font_file("Noto Sans");
  sd_shape_cache *full = sd_shape_cache_new(font, 0);
  sd_shape_key k = key(HB_DIRECTION_LTR, "en");
  size_t n = 0;
  sd_shape_cache_put(full, &k, glyphs, 4);
  ck_assert_ptr_null(sd_shape_cache_get(full, &k, &n));
  sd_shape_cache_free(full);

  sd_shape_cache *c = sd_shape_cache_new(font, 1 << 20);
  uint32_t long_word[SD_SHAPE_CACHE_MAX_WORD + 1];
  for (size_t i = 0; i < SD_SHAPE_CACHE_MAX_WORD + 1; i++) long_word[i] = 'a';
  sd_shape_key lk = {long_word, SD_SHAPE_CACHE_MAX_WORD + 1, HB_DIRECTION_LTR, HB_SCRIPT_LATIN,
                     hb_language_from_string("en", -1)};
  sd_shape_cache_put(c, &lk, glyphs, 4);
  ck_assert_ptr_null(sd_shape_cache_get(c, &lk, &n));
  sd_shape_cache_free(c);
  sd_shape_cache_free(NULL);
  hb_font_destroy(font);
}
END_TEST

/* Many distinct words: the table grows and every word is still found. */
START_TEST(test_cache_grows_and_keeps_every_word)
{
  hb_font_t *font = font_file("Noto Sans");
  sd_shape_cache *c = sd_shape_cache_new(font, 8 << 20);
  enum { WORDS = 5000 };
  for (uint32_t i = 0; i < WORDS; i++) {
    uint32_t w[2] = {'a' + i % 26, 0x4E00 + i};
    sd_shape_key k = {w, 2, HB_DIRECTION_LTR, HB_SCRIPT_LATIN, hb_language_from_string("en", -1)};
    sd_shaped g = {i, 0, (int32_t)i, 0, 0, 0};
    sd_shape_cache_put(c, &k, &g, 1);
  }
  for (uint32_t i = 0; i < WORDS; i++) {
    uint32_t w[2] = {'a' + i % 26, 0x4E00 + i};
    sd_shape_key k = {w, 2, HB_DIRECTION_LTR, HB_SCRIPT_LATIN, hb_language_from_string("en", -1)};
    size_t n = 0;
    const sd_shaped *g = sd_shape_cache_get(c, &k, &n);
    ck_assert_ptr_nonnull(g);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(g->gid, i);
  }
  sd_shape_cache_free(c);
  hb_font_destroy(font);
}
END_TEST

typedef struct worker_arg {
  sd_shape_cache *c;
  unsigned seed;
  int misses_after_put;
} worker_arg;

static void *worker(void *p)
{
  worker_arg *a = p;
  for (uint32_t i = 0; i < 3000; i++) {
    uint32_t w[1] = {(i * 7 + a->seed) % 1000};
    sd_shape_key k = {w, 1, HB_DIRECTION_LTR, HB_SCRIPT_LATIN, hb_language_from_string("en", -1)};
    sd_shaped g = {w[0], 0, 1, 0, 0, 0};
    size_t n = 0;
    if (!sd_shape_cache_get(a->c, &k, &n)) sd_shape_cache_put(a->c, &k, &g, 1);
    const sd_shaped *hit = sd_shape_cache_get(a->c, &k, &n);
    if (!hit || hit->gid != w[0]) a->misses_after_put++;
  }
  return NULL;
}

START_TEST(test_threads_share_one_cache)
{
  hb_font_t *font = font_file("Noto Sans");
  sd_shape_cache *c = sd_shape_cache_new(font, 8 << 20);
  pthread_t t[4];
  worker_arg a[4];
  for (unsigned i = 0; i < 4; i++) {
    a[i] = (worker_arg){c, i * 13, 0};
    ck_assert_int_eq(pthread_create(&t[i], NULL, worker, &a[i]), 0);
  }
  for (unsigned i = 0; i < 4; i++) {
    pthread_join(t[i], NULL);
    ck_assert_int_eq(a[i].misses_after_put, 0);
  }
  sd_shape_cache_free(c);
  hb_font_destroy(font);
}
END_TEST

static Suite *shapecache_suite(void)
{
  Suite *s = suite_create("shapecache");
  TCase *tc = tcase_create("core");
  tcase_add_unchecked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_fonts_whose_lookups_ignore_the_space_get_a_cache);
  tcase_add_test(tc, test_fonts_that_read_across_spaces_get_none);
  tcase_add_test(tc, test_cache_gives_back_what_it_kept_for_the_same_key_only);
  tcase_add_test(tc, test_full_cache_and_long_words_keep_nothing);
  tcase_add_test(tc, test_cache_grows_and_keeps_every_word);
  tcase_add_test(tc, test_threads_share_one_cache);
  suite_add_tcase(s, tc);
  return s;
}

RUN_SUITE(shapecache_suite)
