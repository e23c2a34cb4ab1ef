/* shapecache: shaped words kept per font (see shapecache.h for why a word
 * may be shaped apart from its neighbours). */
#include "shapecache.h"
#include <hb-ot.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK 65536

/* Entries are never moved or freed before the cache is, so a hit can be
 * read after the lock is released. */
typedef struct entry {
  uint64_t hash;
  uint32_t n_cps, n_glyphs;
  hb_direction_t dir;
  hb_script_t script;
  hb_language_t lang;
  sd_shaped glyphs[]; /* then n_cps code points */
} entry;

typedef struct chunk {
  struct chunk *next;
  size_t used, cap;
  max_align_t data[];
} chunk;

struct sd_shape_cache {
  pthread_rwlock_t lock;
  entry **slots; /* open addressing by hash */
  size_t cap, n;
  chunk *chunks;
  size_t bytes, max_bytes;
};

static int table_present(hb_face_t *face, const char *tag)
{
  hb_blob_t *b = hb_face_reference_table(face, hb_tag_from_string(tag, 4));
  unsigned len = hb_blob_get_length(b);
  hb_blob_destroy(b);
  return len > 0;
}

static int lookups_read_glyph(hb_face_t *face, hb_tag_t table, hb_codepoint_t gid)
{
  unsigned n = hb_ot_layout_table_get_lookup_count(face, table);
  hb_set_t *before = hb_set_create(), *input = hb_set_create(), *after = hb_set_create();
  int reads = !hb_set_allocation_successful(before) || !hb_set_allocation_successful(input) ||
              !hb_set_allocation_successful(after);
  for (unsigned i = 0; i < n && !reads; i++) {
    hb_set_clear(before);
    hb_set_clear(input);
    hb_set_clear(after);
    /* A lookup that only outputs the space, or takes nothing but spaces
     * (Nastaliq swaps the space for its own), does not look past them:
     * a run of spaces is one word here. No output set: HarfBuzz then skips
     * the nested lookups (each is checked in its own turn), which made
     * this check cost as much as shaping 100 profiles. */
    hb_ot_layout_lookup_collect_glyphs(face, table, i, before, input, after, NULL);
    reads = hb_set_has(before, gid) || hb_set_has(after, gid) ||
            (hb_set_has(input, gid) && hb_set_get_population(input) > 1);
  }
  hb_set_destroy(before);
  hb_set_destroy(input);
  hb_set_destroy(after);
  return reads;
}

int sd_shape_words_independent(hb_font_t *font)
{
  hb_face_t *face = hb_font_get_face(font);
  hb_codepoint_t space;
  if (!hb_font_get_nominal_glyph(font, 0x20, &space)) return 0;
  /* HarfBuzz applies these without GSUB/GPOS lookups to inspect */
  static const char *const opaque[] = {"kern", "kerx", "morx", "mort", "trak"};
  for (size_t i = 0; i < sizeof opaque / sizeof *opaque; i++)
    if (table_present(face, opaque[i])) return 0;
  return !lookups_read_glyph(face, HB_OT_TAG_GSUB, space) && !lookups_read_glyph(face, HB_OT_TAG_GPOS, space);
}

sd_shape_cache *sd_shape_cache_new(hb_font_t *font, size_t max_bytes)
{
  if (!font || !sd_shape_words_independent(font)) return NULL;
  sd_shape_cache *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->cap = 1024;
  c->max_bytes = max_bytes;
  c->slots = calloc(c->cap, sizeof *c->slots);
  if (!c->slots || pthread_rwlock_init(&c->lock, NULL) != 0) {
    free(c->slots);
    free(c);
    return NULL;
  }
  return c;
}

void sd_shape_cache_free(sd_shape_cache *c)
{
  if (!c) return;
  for (chunk *k = c->chunks, *next; k; k = next) {
    next = k->next;
    free(k);
  }
  pthread_rwlock_destroy(&c->lock);
  free(c->slots);
  free(c);
}

static uint64_t key_hash(const sd_shape_key *k)
{
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < k->n; i++) h = (h ^ k->cps[i]) * 0x100000001b3ull;
  h = (h ^ (uint64_t)k->dir) * 0x100000001b3ull;
  h = (h ^ (uint64_t)k->script) * 0x100000001b3ull;
  h = (h ^ (uint64_t)(uintptr_t)k->lang) * 0x100000001b3ull;
  return h ^ h >> 29;
}

static const uint32_t *entry_cps(const entry *e)
{
  return (const uint32_t *)(e->glyphs + e->n_glyphs);
}

static int matches(const entry *e, uint64_t h, const sd_shape_key *k)
{
  return e->hash == h && e->n_cps == k->n && e->dir == k->dir && e->script == k->script && e->lang == k->lang &&
         memcmp(entry_cps(e), k->cps, k->n * sizeof *k->cps) == 0;
}

/* The slot holding the key, or the empty slot where it would go. */
static size_t find(entry *const *slots, size_t cap, uint64_t h, const sd_shape_key *k)
{
  size_t i = (size_t)h & (cap - 1);
  while (slots[i] && !(k ? matches(slots[i], h, k) : 0)) i = (i + 1) & (cap - 1);
  return i;
}

const sd_shaped *sd_shape_cache_get(sd_shape_cache *c, const sd_shape_key *k, size_t *n)
{
  if (!c || k->n > SD_SHAPE_CACHE_MAX_WORD) return NULL;
  uint64_t h = key_hash(k);
  pthread_rwlock_rdlock(&c->lock);
  const entry *e = c->slots[find(c->slots, c->cap, h, k)];
  pthread_rwlock_unlock(&c->lock);
  if (!e) return NULL;
  *n = e->n_glyphs;
  return e->glyphs;
}

static void *arena_alloc(sd_shape_cache *c, size_t size)
{
  size = (size + alignof(max_align_t) - 1) / alignof(max_align_t) * alignof(max_align_t);
  chunk *k = c->chunks;
  if (!k || k->cap - k->used < size) {
    size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;
    if (c->bytes + cap > c->max_bytes || !(k = malloc(sizeof *k + cap))) return NULL;
    k->next = c->chunks;
    k->used = 0;
    k->cap = cap;
    c->chunks = k;
    c->bytes += cap;
  }
  void *p = (char *)k->data + k->used;
  k->used += size;
  return p;
}

static int grow(sd_shape_cache *c)
{
  size_t cap = c->cap * 2;
  entry **slots = calloc(cap, sizeof *slots);
  if (!slots) return -1;
  for (size_t i = 0; i < c->cap; i++)
    if (c->slots[i]) slots[find(slots, cap, c->slots[i]->hash, NULL)] = c->slots[i];
  free(c->slots);
  c->slots = slots;
  c->cap = cap;
  return 0;
}

void sd_shape_cache_put(sd_shape_cache *c, const sd_shape_key *k, const sd_shaped *g, size_t n)
{
  if (!c || k->n > SD_SHAPE_CACHE_MAX_WORD || n > UINT32_MAX) return;
  uint64_t h = key_hash(k);
  pthread_rwlock_wrlock(&c->lock);
  if ((c->n + 1) * 2 > c->cap && grow(c) != 0) goto done;
  size_t slot = find(c->slots, c->cap, h, k);
  if (c->slots[slot]) goto done; /* another thread kept it first */
  entry *e = arena_alloc(c, sizeof *e + n * sizeof *g + k->n * sizeof *k->cps);
  if (!e) goto done;
  *e = (entry){h, (uint32_t)k->n, (uint32_t)n, k->dir, k->script, k->lang};
  memcpy(e->glyphs, g, n * sizeof *g);
  memcpy(e->glyphs + n, k->cps, k->n * sizeof *k->cps);
  c->slots[slot] = e;
  c->n++;
done:
  pthread_rwlock_unlock(&c->lock);
}
