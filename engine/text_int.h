/* text internals shared by text.c (itemising, bidi, line breaking) and
 * text_shape.c (pool, HarfBuzz shaping, glyph text). Not a public contract. */
#ifndef SD_TEXT_INT_H
#define SD_TEXT_INT_H
#include "text.h"
#include "shapecache.h"
#include <unicode/ubidi.h>

/* Bump allocator owning everything an sd_para hands out (one free per chunk,
 * never one malloc per glyph). */
typedef struct pool_chunk {
  struct pool_chunk *next;
  size_t used, cap;
  max_align_t data[];
} pool_chunk;

typedef struct text_pool {
  pool_chunk *head;
} text_pool;

void *pool_alloc(text_pool *p, size_t n);
char *pool_strdup(text_pool *p, const char *s);
void pool_free(text_pool *p);

/* A glyph from the measuring pass; cluster is a code point index. */
typedef sd_shaped text_gl;

/* A run: code points [s, e) of one bidi level, script, language, style, font. */
typedef struct text_run {
  uint32_t s, e;
  uint8_t level;
  hb_script_t script;
  const char *lang;   /* pool-owned */
  hb_language_t hb_lang; /* lang as HarfBuzz's interned language, looked up once per run */
  sd_font_style style;
  const sd_font *font;
  size_t g0, ng;      /* its glyphs in the measuring pass (ctx->gl) */
} text_run;

enum { CP_DRAW = 0, CP_BREAK = 1, CP_SKIP = 2 };

typedef struct text_ctx {
  sd_fonts *fonts;
  const sd_text_params *p;
  const sd_text_span *spans; /* the caller's, for diagnostics */
  size_t n_spans;
  sd_diags *d;
  const char *utf8;
  size_t len;
  text_pool *pool;
  /* per code point, n of them (+1 where noted) */
  size_t n;
  uint32_t *cps, *shp;   /* text, and text as shaped (tab -> space) */
  uint32_t *boff;        /* byte offset, n + 1 */
  int32_t *u16off;       /* UTF-16 offset, n + 1 */
  uint8_t *level, *kind, *cl_start;
  hb_script_t *script;
  const sd_font **font;
  const char **lang;
  sd_font_style *style;
  double *wsum;          /* prefix sums of advances in points, n + 1 */
  UChar *u16;
  int32_t n16;
  int32_t *cp_of_u16;    /* n16 + 1 */
  UBiDi *bidi;
  uint8_t para_level;
  const char *para_lang; /* pool-owned, never NULL */
  hb_script_t default_script;
  text_run *runs;
  size_t n_runs;
  text_gl *gl;
  size_t n_gl, cap_gl;
  hb_buffer_t *buf;
  /* scratch for glyph text */
  uint32_t *units;
  size_t cap_units;
  UChar *nfd_in, *nfd_out;
  size_t cap_nfd;
} text_ctx;

/* Shapes every run once to measure it (fills ctx->gl, wsum, cl_start). */
sd_status text_measure(text_ctx *c);
/* Width in points of code points [s, e) laid out as one line, shaped again
 * where a run is cut (the measuring pass only estimates cut runs). */
double text_line_width(text_ctx *c, uint32_t s, uint32_t e);
/* Fills out (a run of one line) for code points [ps, pe) of run r; the line's
 * visible text [ls, le) is the shaping context. */
sd_status text_emit_run(text_ctx *c, const text_run *r, uint32_t ps, uint32_t pe,
                        uint32_t ls, uint32_t le, sd_run *out);
#endif
