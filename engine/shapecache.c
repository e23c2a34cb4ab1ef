/* shapecache: HarfBuzz's output kept per font, by everything it was given. */
#include "shapecache.h"
#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK 65536

/* Entries are never moved or freed before the cache is, so a hit can be
 * read after the lock is released. */
typedef struct entry {
  uint64_t hash;
  uint32_t n_cps, n_glyphs, item, item_len;
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

sd_shape_cache *sd_shape_cache_new(size_t max_bytes)
{
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
  for (size_t i = 0; i < k->n; i++) h = (h ^ k->text[i]) * 0x100000001b3ull;
  h = (h ^ ((uint64_t)k->item << 32 | k->item_len)) * 0x100000001b3ull;
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
  return e->hash == h && e->n_cps == k->n && e->item == k->item && e->item_len == k->item_len && e->dir == k->dir &&
         e->script == k->script && e->lang == k->lang && memcmp(entry_cps(e), k->text, k->n * sizeof *k->text) == 0;
}

/* The slot holding the key, or the empty slot where it would go. */
static size_t find(entry *const *slots, size_t cap, uint64_t h, const sd_shape_key *k)
{
  size_t i = (size_t)h & (cap - 1);
  while (slots[i] && !(k ? matches(slots[i], h, k) : 0)) i = (i + 1) & (cap - 1);
  return i;
}

long sd_shape_cache_get(sd_shape_cache *c, const sd_shape_key *k, sd_shaped *out, size_t cap)
{
  if (!c || k->n > SD_SHAPE_CACHE_MAX_TEXT) return -1;
  uint64_t h = key_hash(k);
  long n = -1;
  pthread_rwlock_rdlock(&c->lock);
  const entry *e = c->slots[find(c->slots, c->cap, h, k)];
  if (e) {
    n = (long)e->n_glyphs;
    if (e->n_glyphs <= cap) memcpy(out, e->glyphs, e->n_glyphs * sizeof *out);
  }
  pthread_rwlock_unlock(&c->lock);
  return n;
}

/* Forgets everything (under the write lock): a full cache starts again, so
 * a long batch keeps the text of what it renders now. */
static void clear(sd_shape_cache *c)
{
  for (chunk *k = c->chunks, *next; k; k = next) {
    next = k->next;
    free(k);
  }
  c->chunks = NULL;
  c->bytes = 0;
  memset(c->slots, 0, c->cap * sizeof *c->slots);
  c->n = 0;
}

static void *arena_alloc(sd_shape_cache *c, size_t size)
{
  size = (size + alignof(max_align_t) - 1) / alignof(max_align_t) * alignof(max_align_t);
  chunk *k = c->chunks;
  if (!k || k->cap - k->used < size) {
    size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;
    if (cap > c->max_bytes) return NULL;
    if (c->bytes + cap > c->max_bytes) clear(c);
    if (!(k = malloc(sizeof *k + cap))) return NULL;
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
  if (!c || k->n > SD_SHAPE_CACHE_MAX_TEXT || n > UINT32_MAX) return;
  uint64_t h = key_hash(k);
  pthread_rwlock_wrlock(&c->lock);
  if ((c->n + 1) * 2 > c->cap && grow(c) != 0) goto done;
  if (c->slots[find(c->slots, c->cap, h, k)]) goto done; /* another thread kept it first */
  entry *e = arena_alloc(c, sizeof *e + n * sizeof *g + k->n * sizeof *k->text);
  if (!e) goto done;
  size_t slot = find(c->slots, c->cap, h, k); /* the table may have been cleared */
  *e = (entry){h, (uint32_t)k->n, (uint32_t)n, k->item, k->item_len, k->dir, k->script, k->lang};
  memcpy(e->glyphs, g, n * sizeof *g);
  memcpy(e->glyphs + n, k->text, k->n * sizeof *k->text);
  c->slots[slot] = e;
  c->n++;
done:
  pthread_rwlock_unlock(&c->lock);
}
