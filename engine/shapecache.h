/* shapecache: HarfBuzz's output kept per font for the process, keyed by
 * everything HarfBuzz was given (the text with its context, the item range,
 * direction, script and language), so a run shaped once is never shaped
 * again: template wording, catalogue strings and a batch's recurring lines
 * come back from here. Exact by construction: the same input gives the same
 * glyphs.
 *
 * Words are not cached apart from their runs. Whether a word shapes the same
 * alone as in its run cannot be proved from a font's lookups: Noto Nastaliq
 * Urdu adds a glyph to a final gaf when a space follows it, through a
 * context of class 0, which hb_ot_layout_lookup_collect_glyphs cannot list,
 * and every glyph of a word shaped alone carries UNSAFE_TO_CONCAT. */
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

/* What HarfBuzz was given: text[0..n) with items [item, item + item_len)
 * shaped, the rest context, and the buffer's properties. */
typedef struct sd_shape_key {
  const uint32_t *text;
  size_t n;
  uint32_t item, item_len;
  hb_direction_t dir;
  hb_script_t script;  /* HB_SCRIPT_INVALID: HarfBuzz guessed it */
  hb_language_t lang;
} sd_shape_key;

typedef struct sd_shape_cache sd_shape_cache;

/* Longer texts (code points, context included) are shaped every time. */
#define SD_SHAPE_CACHE_MAX_TEXT 4096

/* A cache keeping up to max_bytes; a full cache forgets everything and
 * starts again. NULL when out of memory. Thread-safe. */
sd_shape_cache *sd_shape_cache_new(size_t max_bytes);
void sd_shape_cache_free(sd_shape_cache *c);
/* How many glyphs HarfBuzz gave for the key (HarfBuzz's order, clusters
 * relative to text), copied into out when they fit in cap; -1 if not kept. */
long sd_shape_cache_get(sd_shape_cache *c, const sd_shape_key *k, sd_shaped *out, size_t cap);
/* Keeps a copy of glyphs g[0..n) for the key (nothing if already kept). */
void sd_shape_cache_put(sd_shape_cache *c, const sd_shape_key *k, const sd_shaped *g, size_t n);
#endif
