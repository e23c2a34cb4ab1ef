/* Check suite for the shape cache: what it keeps and hands back (only for
 * exactly the same input), its memory cap, and several threads at once. That
 * the text stage's cached runs equal hb-shape is the glyph oracle's job
 * (check_text, tests/text/oracle.tsv, run twice). */
#include "testutil.h"
#include "shapecache.h"
#include <pthread.h>

static const uint32_t word[] = {'w', 'o', 'r', 'd'};
static const sd_shaped glyphs[] = {{90, 0, 500, 0, 0, 0}, {82, 1, 480, 0, 0, 0}, {85, 2, 300, 0, 0, 0},
                                   {71, 3, 510, 0, 0, 1}};

static sd_shape_key key(hb_direction_t dir, const char *lang)
{
  sd_shape_key k = {word, 4, 0, 4, dir, HB_SCRIPT_LATIN, hb_language_from_string(lang, -1)};
  return k;
}

START_TEST(test_cache_gives_back_what_it_kept_for_the_same_input_only)
{
  sd_shape_cache *c = sd_shape_cache_new(1 << 20);
  ck_assert_ptr_nonnull(c);
  sd_shape_key k = key(HB_DIRECTION_LTR, "en");
  sd_shaped out[8];
  ck_assert_int_eq(sd_shape_cache_get(c, &k, out, 8), -1);
  sd_shape_cache_put(c, &k, glyphs, 4);
  ck_assert_int_eq(sd_shape_cache_get(c, &k, out, 2), 4); /* too small: the count only */
  ck_assert_int_eq(sd_shape_cache_get(c, &k, out, 8), 4);
  ck_assert_int_eq(memcmp(out, glyphs, sizeof glyphs), 0);
  sd_shape_key other_lang = key(HB_DIRECTION_LTR, "ro"), other_dir = key(HB_DIRECTION_RTL, "en");
  ck_assert_int_eq(sd_shape_cache_get(c, &other_lang, out, 8), -1);
  ck_assert_int_eq(sd_shape_cache_get(c, &other_dir, out, 8), -1);
  sd_shape_key shorter = k, other_item = k, guessed = k;
  shorter.n = 3;
  shorter.item_len = 3;
  ck_assert_int_eq(sd_shape_cache_get(c, &shorter, out, 8), -1);
  other_item.item = 1; /* the same text, but "ord" shaped with "w" as context */
  other_item.item_len = 3;
  ck_assert_int_eq(sd_shape_cache_get(c, &other_item, out, 8), -1);
  guessed.script = HB_SCRIPT_INVALID;
  ck_assert_int_eq(sd_shape_cache_get(c, &guessed, out, 8), -1);
  sd_shape_cache_free(c);
}
END_TEST

START_TEST(test_full_cache_and_long_texts_keep_nothing)
{
  sd_shape_cache *full = sd_shape_cache_new(0);
  sd_shape_key k = key(HB_DIRECTION_LTR, "en");
  sd_shaped out[8];
  sd_shape_cache_put(full, &k, glyphs, 4);
  ck_assert_int_eq(sd_shape_cache_get(full, &k, out, 8), -1);
  sd_shape_cache_free(full);

  sd_shape_cache *c = sd_shape_cache_new(1 << 20);
  static uint32_t long_text[SD_SHAPE_CACHE_MAX_TEXT + 1];
  for (size_t i = 0; i < SD_SHAPE_CACHE_MAX_TEXT + 1; i++) long_text[i] = 'a';
  sd_shape_key lk = {long_text, SD_SHAPE_CACHE_MAX_TEXT + 1, 0, 1, HB_DIRECTION_LTR, HB_SCRIPT_LATIN,
                     hb_language_from_string("en", -1)};
  sd_shape_cache_put(c, &lk, glyphs, 4);
  ck_assert_int_eq(sd_shape_cache_get(c, &lk, out, 8), -1);
  sd_shape_cache_free(c);
  sd_shape_cache_free(NULL);
}
END_TEST

/* A long batch outgrows the cap: the cache forgets everything and keeps
 * what comes next, rather than freezing on the text it met first. */
START_TEST(test_full_cache_starts_again)
{
  sd_shape_cache *c = sd_shape_cache_new(2 * 65536);
  sd_shaped g[16] = {{0}}, out[16];
  uint32_t first[1] = {1};
  sd_shape_key k0 = {first, 1, 0, 1, HB_DIRECTION_LTR, HB_SCRIPT_LATIN, hb_language_from_string("en", -1)};
  sd_shape_cache_put(c, &k0, g, 16);
  ck_assert_int_eq(sd_shape_cache_get(c, &k0, out, 16), 16);
  uint32_t w[1];
  sd_shape_key k = {w, 1, 0, 1, HB_DIRECTION_LTR, HB_SCRIPT_LATIN, hb_language_from_string("en", -1)};
  for (uint32_t i = 2; i < 2000; i++) { /* some 500 KB: past the cap */
    w[0] = i;
    sd_shape_cache_put(c, &k, g, 16);
    ck_assert_int_eq(sd_shape_cache_get(c, &k, out, 16), 16);
  }
  ck_assert_int_eq(sd_shape_cache_get(c, &k0, out, 16), -1);
  sd_shape_cache_free(c);
}
END_TEST

/* Many distinct texts: the table grows and every one is still found. */
START_TEST(test_cache_grows_and_keeps_every_text)
{
  sd_shape_cache *c = sd_shape_cache_new(8 << 20);
  enum { TEXTS = 5000 };
  for (uint32_t i = 0; i < TEXTS; i++) {
    uint32_t w[2] = {'a' + i % 26, 0x4E00 + i};
    sd_shape_key k = {w, 2, 0, 2, HB_DIRECTION_LTR, HB_SCRIPT_LATIN, hb_language_from_string("en", -1)};
    sd_shaped g = {i, 0, (int32_t)i, 0, 0, 0};
    sd_shape_cache_put(c, &k, &g, 1);
  }
  for (uint32_t i = 0; i < TEXTS; i++) {
    uint32_t w[2] = {'a' + i % 26, 0x4E00 + i};
    sd_shape_key k = {w, 2, 0, 2, HB_DIRECTION_LTR, HB_SCRIPT_LATIN, hb_language_from_string("en", -1)};
    sd_shaped g;
    ck_assert_int_eq(sd_shape_cache_get(c, &k, &g, 1), 1);
    ck_assert_uint_eq(g.gid, i);
  }
  sd_shape_cache_free(c);
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
    sd_shape_key k = {w, 1, 0, 1, HB_DIRECTION_LTR, HB_SCRIPT_LATIN, hb_language_from_string("en", -1)};
    sd_shaped g = {w[0], 0, 1, 0, 0, 0}, hit;
    if (sd_shape_cache_get(a->c, &k, &hit, 1) < 0) sd_shape_cache_put(a->c, &k, &g, 1);
    if (sd_shape_cache_get(a->c, &k, &hit, 1) != 1 || hit.gid != w[0]) a->misses_after_put++;
  }
  return NULL;
}

START_TEST(test_threads_share_one_cache)
{
  sd_shape_cache *c = sd_shape_cache_new(8 << 20);
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
}
END_TEST

static Suite *shapecache_suite(void)
{
  Suite *s = suite_create("shapecache");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_cache_gives_back_what_it_kept_for_the_same_input_only);
  tcase_add_test(tc, test_full_cache_and_long_texts_keep_nothing);
  tcase_add_test(tc, test_full_cache_starts_again);
  tcase_add_test(tc, test_cache_grows_and_keeps_every_text);
  tcase_add_test(tc, test_threads_share_one_cache);
  suite_add_tcase(s, tc);
  return s;
}

RUN_SUITE(shapecache_suite)
