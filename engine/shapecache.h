/* shapecache: HarfBuzz's glyphs for single words, kept per font for the
 * process, so that a word is shaped once however many paragraphs and
 * documents use it (HarfBuzz was a third of an Urdu profile's time).
 *
 * Shaping a run word by word gives exactly the glyphs shaping it whole gives
 * only when no OpenType lookup of the font reads the space glyph as context
 * or together with other glyphs: then nothing on one side of a space can
 * change a glyph on the other. Browsers' word caches rest on the same check. It is made once per
 * font; a font that fails it (or shapes with 'kern' or AAT tables, which the
 * check cannot see) gets no cache, and its runs are shaped whole. */
#ifndef SD_SHAPECACHE_H
#define SD_SHAPECACHE_H
#include <hb.h>
#include <stddef.h>
#include <stdint.h>

/* One glyph as HarfBuzz placed it; cluster is a code point index. */
typedef struct sd_shaped {
  uint32_t gid, cluster;
  int32_t adv, xoff, yoff;
  uint32_t unsafe; /* HB_GLYPH_FLAG_UNSAFE_TO_BREAK */
} sd_shaped;

/* What a word was shaped as: its code points and the buffer's properties. */
typedef struct sd_shape_key {
  const uint32_t *cps;
  size_t n;
  hb_direction_t dir;
  hb_script_t script;
  hb_language_t lang;
} sd_shape_key;

typedef struct sd_shape_cache sd_shape_cache;

/* Words longer than this are shaped every time. */
#define SD_SHAPE_CACHE_MAX_WORD 64

/* A cache for font, or NULL when the font's words cannot be shaped apart (or
 * memory ran out). max_bytes caps what it keeps; a full cache keeps nothing
 * more. Thread-safe. */
sd_shape_cache *sd_shape_cache_new(hb_font_t *font, size_t max_bytes);
void sd_shape_cache_free(sd_shape_cache *c);
/* The word's glyphs (clusters relative to the word, HarfBuzz's order), or
 * NULL if not kept. Borrowed: valid until sd_shape_cache_free(). */
const sd_shaped *sd_shape_cache_get(sd_shape_cache *c, const sd_shape_key *k, size_t *n);
/* Keeps a copy of glyphs g[0..n) for the word (nothing if already kept). */
void sd_shape_cache_put(sd_shape_cache *c, const sd_shape_key *k, const sd_shaped *g, size_t n);
/* Whether the font's words can be shaped apart (see above). */
int sd_shape_words_independent(hb_font_t *font);
#endif
