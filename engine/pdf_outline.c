/* pdf_outline: see pdf_outline.h. */
#include "pdf_outline.h"
#include <hb.h>

typedef struct pen {
  sd_pdfbuf *s;
  double k, x, y; /* font units to points, and where the glyph's origin is */
  int drew;       /* a path was begun: there is something to fill */
} pen;

static void pt(pen *p, float fx, float fy)
{
  sd_pdfbuf_num(p->s, p->x + fx * p->k);
  sd_pdfbuf_num(p->s, p->y + fy * p->k);
}

static void move_to(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float x, float y, void *u)
{
  pt(data, x, y);
  sd_pdfbuf_str(((pen *)data)->s, "m\n");
  ((pen *)data)->drew = 1;
}

static void line_to(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float x, float y, void *u)
{
  pt(data, x, y);
  sd_pdfbuf_str(((pen *)data)->s, "l\n");
}

/* PDF has cubic Béziers only: a TrueType quadratic is the cubic with its
 * control points two thirds of the way to the quadratic's */
static void quad_to(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float cx, float cy, float x, float y,
                    void *u)
{
  float x0 = st->current_x, y0 = st->current_y;
  pt(data, x0 + 2.0f / 3.0f * (cx - x0), y0 + 2.0f / 3.0f * (cy - y0));
  pt(data, x + 2.0f / 3.0f * (cx - x), y + 2.0f / 3.0f * (cy - y));
  pt(data, x, y);
  sd_pdfbuf_str(((pen *)data)->s, "c\n");
}

static void cubic_to(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float c1x, float c1y, float c2x,
                     float c2y, float x, float y, void *u)
{
  pt(data, c1x, c1y);
  pt(data, c2x, c2y);
  pt(data, x, y);
  sd_pdfbuf_str(((pen *)data)->s, "c\n");
}

static void close_path(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, void *u)
{
  sd_pdfbuf_str(((pen *)data)->s, "h\n");
}

sd_status sd_pdf_outline_glyphs(sd_pdfbuf *s, const sd_item *it)
{
  const sd_font *f = it->font;
  if (!f || !f->font || !f->upem) return SD_E_USAGE;
  hb_draw_funcs_t *df = hb_draw_funcs_create();
  /* HarfBuzz hands back its immutable empty set when it cannot allocate */
  if (hb_draw_funcs_is_immutable(df)) {
    hb_draw_funcs_destroy(df);
    return SD_E_NOMEM;
  }
  /* one set per call: renders may run in several threads */
  hb_draw_funcs_set_move_to_func(df, move_to, NULL, NULL);
  hb_draw_funcs_set_line_to_func(df, line_to, NULL, NULL);
  hb_draw_funcs_set_quadratic_to_func(df, quad_to, NULL, NULL);
  hb_draw_funcs_set_cubic_to_func(df, cubic_to, NULL, NULL);
  hb_draw_funcs_set_close_path_func(df, close_path, NULL, NULL);
  hb_draw_funcs_make_immutable(df);
  pen p = { .s = s, .k = it->size_pt / (double)f->upem };
  sd_pdfbuf_str(s, "q ");
  sd_pdfbuf_num(s, it->color.r);
  sd_pdfbuf_num(s, it->color.g);
  sd_pdfbuf_num(s, it->color.b);
  sd_pdfbuf_str(s, "rg\n");
  double along = 0;
  for (size_t i = 0; i < it->n_glyphs; i++) {
    const sd_glyph *g = &it->glyphs[i];
    p.x = it->x + (along + g->x_offset) * p.k;
    p.y = it->y + g->y_offset * p.k;
    hb_font_get_glyph_shape(f->font, g->gid, df, &p);
    along += g->advance;
  }
  /* nonzero winding: TrueType and CFF outlines are drawn for it */
  sd_pdfbuf_str(s, p.drew ? "f\nQ\n" : "Q\n");
  hb_draw_funcs_destroy(df);
  return s->oom ? SD_E_NOMEM : SD_OK;
}
