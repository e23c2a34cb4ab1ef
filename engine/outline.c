/* outline: glyph outlines as Form XObjects. */
#include "outline.h"
#include "pdfbuf.h"
#include "pdffont.h"
#include <zlib.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct form {
  unsigned font_id;
  uint32_t gid;
  HPDF_Dict dict;       /* NULL: an empty glyph */
  char name[32];
} form;

struct sd_outlines {
  HPDF_Doc doc;
  form *slots;          /* open addressing on (font, gid) */
  size_t cap, n;
};

sd_outlines *sd_outlines_new(HPDF_Doc doc)
{
  sd_outlines *o = calloc(1, sizeof *o);
  if (!o) return NULL;
  o->doc = doc;
  o->cap = 256;
  o->slots = calloc(o->cap, sizeof *o->slots);
  if (!o->slots) {
    free(o);
    return NULL;
  }
  for (size_t i = 0; i < o->cap; i++) o->slots[i].gid = UINT32_MAX;
  return o;
}

void sd_outlines_free(sd_outlines *o)
{
  if (!o) return;
  free(o->slots);
  free(o);
}

static size_t hash(unsigned font_id, uint32_t gid, size_t cap)
{
  uint64_t h = ((uint64_t)font_id << 32 | gid) * 0x9E3779B97F4A7C15ull;
  return (size_t)(h >> 20) & (cap - 1);
}

static form *find_slot(form *slots, size_t cap, unsigned font_id, uint32_t gid)
{
  size_t i = hash(font_id, gid, cap);
  while (slots[i].gid != UINT32_MAX && (slots[i].font_id != font_id || slots[i].gid != gid)) i = (i + 1) & (cap - 1);
  return &slots[i];
}

static int grow(sd_outlines *o)
{
  size_t cap = o->cap * 2;
  form *s = calloc(cap, sizeof *s);
  if (!s) return -1;
  for (size_t i = 0; i < cap; i++) s[i].gid = UINT32_MAX;
  for (size_t i = 0; i < o->cap; i++)
    if (o->slots[i].gid != UINT32_MAX) *find_slot(s, cap, o->slots[i].font_id, o->slots[i].gid) = o->slots[i];
  free(o->slots);
  o->slots = s;
  o->cap = cap;
  return 0;
}

/* Coordinates are font units; halves and quarters appear from the
 * quadratic-to-cubic conversion, so two decimals. */
static void put(sd_pdfbuf *b, float v)
{
  sd_pdfbuf_fixed(b, llroundf(v * 100.0f), 2);
}

static void op(sd_pdfbuf *b, const char *o)
{
  sd_pdfbuf_str(b, o);
  sd_pdfbuf_add(b, "\n", 1);
}

static void move_to(hb_draw_funcs_t *f, void *d, hb_draw_state_t *st, float x, float y, void *u)
{
  put(d, x), put(d, y), op(d, "m");
}

static void line_to(hb_draw_funcs_t *f, void *d, hb_draw_state_t *st, float x, float y, void *u)
{
  put(d, x), put(d, y), op(d, "l");
}

static void cubic_to(hb_draw_funcs_t *f, void *d, hb_draw_state_t *st, float c1x, float c1y, float c2x,
                     float c2y, float x, float y, void *u)
{
  put(d, c1x), put(d, c1y), put(d, c2x), put(d, c2y), put(d, x), put(d, y), op(d, "c");
}

/* PDF has no quadratic curves: the same curve as a cubic */
static void quad_to(hb_draw_funcs_t *f, void *d, hb_draw_state_t *st, float qx, float qy, float x, float y,
                    void *u)
{
  float x0 = st->current_x, y0 = st->current_y;
  cubic_to(f, d, st, x0 + 2.0f / 3 * (qx - x0), y0 + 2.0f / 3 * (qy - y0), x + 2.0f / 3 * (qx - x),
           y + 2.0f / 3 * (qy - y), x, y, u);
}

static void close_path(hb_draw_funcs_t *f, void *d, hb_draw_state_t *st, void *u)
{
  op(d, "h");
}

static hb_draw_funcs_t *draw_funcs(void)
{
  hb_draw_funcs_t *df = hb_draw_funcs_create();
  hb_draw_funcs_set_move_to_func(df, move_to, NULL, NULL);
  hb_draw_funcs_set_line_to_func(df, line_to, NULL, NULL);
  hb_draw_funcs_set_quadratic_to_func(df, quad_to, NULL, NULL);
  hb_draw_funcs_set_cubic_to_func(df, cubic_to, NULL, NULL);
  hb_draw_funcs_set_close_path_func(df, close_path, NULL, NULL);
  hb_draw_funcs_make_immutable(df);
  return df;
}

/* The glyph's path as form content, Flate-compressed (empty for a glyph
 * with no outline, which gets no form): from the font's cache, or drawn now
 * and kept there for every later document of the process, so even a small
 * glyph is worth compressing (Urdu pages carry some 200 of them). */
static sd_status outline_bytes(const sd_font *font, uint32_t gid, hb_blob_t **out, int bbox[4])
{
  if ((*out = sd_font_outline_get(font, gid, bbox))) return SD_OK;
  sd_pdfbuf b = { 0 };
  hb_draw_funcs_t *df = draw_funcs();
  hb_font_get_glyph_shape(font->font, gid, df, &b);
  hb_draw_funcs_destroy(df);
  if (b.len) op(&b, "f");
  if (b.oom) {
    sd_pdfbuf_free(&b);
    return SD_E_NOMEM;
  }
  hb_glyph_extents_t ext = { 0 };
  hb_font_get_glyph_extents(font->font, gid, &ext);
  bbox[0] = ext.x_bearing - 1;
  bbox[1] = ext.y_bearing + ext.height - 1;
  bbox[2] = ext.x_bearing + ext.width + 1;
  bbox[3] = ext.y_bearing + 1;
  unsigned char *z = NULL;
  size_t zl = 0;
  int rc = b.len ? sd_pdf_deflate(b.p, b.len, Z_DEFAULT_COMPRESSION, &z, &zl) : 0;
  sd_pdfbuf_free(&b);
  if (rc != 0) return SD_E_NOMEM;
  *out = hb_blob_create_or_fail(z ? (const char *)z : "", (unsigned)zl, HB_MEMORY_MODE_WRITABLE, z, free);
  if (!*out) {
    free(z);
    return SD_E_NOMEM;
  }
  sd_font_outline_put(font, gid, *out, bbox);
  return SD_OK;
}

static sd_status make_form(sd_outlines *o, form *slot, const sd_font *font)
{
  hb_blob_t *bytes = NULL;
  int bbox[4];
  sd_status st = outline_bytes(font, slot->gid, &bytes, bbox);
  if (st != SD_OK) return st;
  unsigned n = 0;
  const char *data = hb_blob_get_data(bytes, &n);
  if (n == 0) { /* nothing to draw */
    hb_blob_destroy(bytes);
    return SD_OK;
  }
  HPDF_Dict f = HPDF_DictStream_New(o->doc->mmgr, o->doc->xref);
  HPDF_Array box = HPDF_Array_New(o->doc->mmgr);
  st = SD_E_INTERNAL;
  if (f && box && HPDF_Dict_AddName(f, "Type", "XObject") == HPDF_OK &&
      HPDF_Dict_AddName(f, "Subtype", "Form") == HPDF_OK && HPDF_Array_AddNumber(box, bbox[0]) == HPDF_OK &&
      HPDF_Array_AddNumber(box, bbox[1]) == HPDF_OK && HPDF_Array_AddNumber(box, bbox[2]) == HPDF_OK &&
      HPDF_Array_AddNumber(box, bbox[3]) == HPDF_OK && HPDF_Dict_Add(f, "BBox", box) == HPDF_OK &&
      HPDF_Stream_Write(f->stream, (const HPDF_BYTE *)data, n) == HPDF_OK) {
    f->write_fn = sd_pdf_write_flate_filter;
    slot->dict = f;
    st = SD_OK;
  }
  hb_blob_destroy(bytes);
  return st;
}

const char *sd_outlines_form(sd_outlines *o, const sd_font *font, uint32_t gid, sd_status *st)
{
  *st = SD_OK;
  form *slot = find_slot(o->slots, o->cap, font->id, gid);
  if (slot->gid == UINT32_MAX) {
    if ((o->n + 1) * 2 > o->cap) {
      if (grow(o)) {
        *st = SD_E_NOMEM;
        return NULL;
      }
      slot = find_slot(o->slots, o->cap, font->id, gid);
    }
    slot->font_id = font->id;
    slot->gid = gid;
    snprintf(slot->name, sizeof slot->name, "G%u_%u", font->id, gid);
    o->n++;
    if ((*st = make_form(o, slot, font)) != SD_OK) return NULL;
  }
  return slot->dict ? slot->name : NULL;
}

sd_status sd_outlines_add_to_page(sd_outlines *o, HPDF_Page page)
{
  if (!o->n) return SD_OK;
  HPDF_Dict res = HPDF_Dict_GetItem(page, "Resources", HPDF_OCLASS_DICT);
  if (!res) return SD_E_INTERNAL;
  HPDF_Dict xo = HPDF_Dict_GetItem(res, "XObject", HPDF_OCLASS_DICT);
  if (!xo) {
    xo = HPDF_Dict_New(o->doc->mmgr);
    if (!xo || HPDF_Dict_Add(res, "XObject", xo) != HPDF_OK) return SD_E_INTERNAL;
  }
  for (size_t i = 0; i < o->cap; i++)
    if (o->slots[i].gid != UINT32_MAX && o->slots[i].dict)
      if (HPDF_Dict_Add(xo, o->slots[i].name, o->slots[i].dict) != HPDF_OK) return SD_E_INTERNAL;
  return SD_OK;
}
