/* pdf: write a laid-out document as a tagged PDF/UA-1 file with libharu. */
#include "pdf.h"
#include "pdf_text.h"
#include "stop.h"
#include "fileio.h"
#include "outline.h"
#include "pdfbuf.h"
#include "pdffont.h"
#include "tags.h"
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#define SD_PRODUCER "sendoc " SD_VERSION

static void on_hpdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
  pdf_ctx *c = user;
  if (!c->err) {
    c->err = error_no;
    c->err_detail = detail_no;
  }
}
static unsigned char *read_all(const char *path, size_t *len)
{
  FILE *fp = sd_fopen_regular(path, NULL);
  if (!fp) return NULL;
  unsigned char *buf = NULL;
  if (fseek(fp, 0, SEEK_END) == 0) {
    long n = ftell(fp);
    if (n > 0 && fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n))) {
      if (fread(buf, 1, (size_t)n, fp) != (size_t)n) {
        free(buf);
        buf = NULL;
      } else *len = (size_t)n;
    }
  }
  fclose(fp);
  return buf;
}

static uint32_t be32(const unsigned char *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A PNG PDF can take as it is: 8-bit grey or RGB, no palette or
 * transparency, not interlaced. Its IDAT data is a zlib stream of
 * PNG-filtered rows, which is FlateDecode with /Predictor 15 (ISO 32000-1
 * 7.4.4.4), so nothing is decoded or compressed again: libharu's decode and
 * re-deflate of every photo was 40% of an English profile's time. The image
 * was decoded through once already (image.c), so the data is sound. */
static HPDF_Dict png_passthrough(pdf_ctx *c, const unsigned char *b, size_t n)
{
  if (n < 33 || memcmp(b + 12, "IHDR", 4) != 0) return NULL;
  uint32_t w = be32(b + 16), h = be32(b + 20);
  int depth = b[24], type = b[25], interlace = b[28];
  if (depth != 8 || (type != 0 && type != 2) || interlace) return NULL;
  HPDF_Dict img = HPDF_DictStream_New(c->doc->mmgr, c->doc->xref);
  HPDF_Dict parms = HPDF_Dict_New(c->doc->mmgr);
  if (!img || !parms) return NULL;
  int colors = type == 2 ? 3 : 1;
  if (HPDF_Dict_AddName(img, "Type", "XObject") != HPDF_OK || HPDF_Dict_AddName(img, "Subtype", "Image") != HPDF_OK ||
      HPDF_Dict_AddNumber(img, "Width", (HPDF_INT32)w) != HPDF_OK ||
      HPDF_Dict_AddNumber(img, "Height", (HPDF_INT32)h) != HPDF_OK ||
      HPDF_Dict_AddName(img, "ColorSpace", colors == 3 ? "DeviceRGB" : "DeviceGray") != HPDF_OK ||
      HPDF_Dict_AddNumber(img, "BitsPerComponent", 8) != HPDF_OK ||
      HPDF_Dict_AddNumber(parms, "Predictor", 15) != HPDF_OK || HPDF_Dict_AddNumber(parms, "Colors", colors) != HPDF_OK ||
      HPDF_Dict_AddNumber(parms, "BitsPerComponent", 8) != HPDF_OK ||
      HPDF_Dict_AddNumber(parms, "Columns", (HPDF_INT32)w) != HPDF_OK ||
      HPDF_Dict_Add(img, "DecodeParms", parms) != HPDF_OK)
    return NULL;
  for (size_t at = 8; at + 12 <= n;) {
    uint32_t len = be32(b + at);
    if (len > n - at - 12) return NULL;
    if (memcmp(b + at + 4, "PLTE", 4) == 0 || memcmp(b + at + 4, "tRNS", 4) == 0) return NULL;
    if (memcmp(b + at + 4, "IDAT", 4) == 0 && HPDF_Stream_Write(img->stream, b + at + 8, len) != HPDF_OK) return NULL;
    if (memcmp(b + at + 4, "IEND", 4) == 0) break;
    at += 12 + (size_t)len;
  }
  img->write_fn = sd_pdf_write_flate_filter;
  return img;
}

/* Lists the image in the page's resources and paints it into the item's box. */
static sd_status paint_image(sd_pdfbuf *s, const char *name, const sd_item *it)
{
  if (!name) return SD_E_INTERNAL;
  sd_pdfbuf_str(s, "q ");
  put_num(s, it->w);
  sd_pdfbuf_str(s, "0 0 ");
  put_num(s, it->h);
  put_num(s, it->x);
  put_num(s, it->y);
  sd_pdfbuf_str(s, "cm /");
  sd_pdfbuf_str(s, name);
  sd_pdfbuf_str(s, " Do Q\n");
  return SD_OK;
}

static sd_status draw_png_passthrough(pdf_ctx *c, HPDF_Page page, sd_pdfbuf *s, const sd_item *it, HPDF_Dict img)
{
  HPDF_Dict res = HPDF_Dict_GetItem(page, "Resources", HPDF_OCLASS_DICT);
  if (!res) return SD_E_INTERNAL;
  HPDF_Dict xo = HPDF_Dict_GetItem(res, "XObject", HPDF_OCLASS_DICT);
  if (!xo) {
    xo = HPDF_Dict_New(c->doc->mmgr);
    if (!xo || HPDF_Dict_Add(res, "XObject", xo) != HPDF_OK) return SD_E_INTERNAL;
  }
  char name[32];
  snprintf(name, sizeof name, "Ph%u", ++c->n_photos);
  if (HPDF_Dict_Add(xo, name, img) != HPDF_OK) return SD_E_INTERNAL;
  return paint_image(s, name, it);
}

static sd_status draw_image(pdf_ctx *c, HPDF_Page page, sd_pdfbuf *s, const sd_item *it)
{
  size_t len = 0;
  unsigned char *buf = read_all(it->image_path, &len);
  if (!buf) {
    sd_diag_error(c->d, "pdf.image", NULL, 0, 0, NULL, "a photo could not be read");
    return SD_E_IO;
  }
  int png = len > 3 && buf[0] == 0x89 && buf[1] == 'P';
  HPDF_Dict direct = png ? png_passthrough(c, buf, len) : NULL;
  if (direct) {
    free(buf);
    return draw_png_passthrough(c, page, s, it, direct);
  }
  HPDF_Image img = png ? HPDF_LoadPngImageFromMem(c->doc, buf, (HPDF_UINT)len)
                       : HPDF_LoadJpegImageFromMem(c->doc, buf, (HPDF_UINT)len);
  free(buf);
  if (!img) {
    c->err = 0;
    HPDF_ResetError(c->doc);
    sd_diag_error(c->d, "pdf.image", NULL, 0, 0, NULL, "a photo could not be decoded (corrupt or unsupported image)");
    return SD_E_INPUT;
  }
  return paint_image(s, HPDF_Page_GetXObjectName(page, img), it);
}

static void draw_rect(sd_pdfbuf *s, const sd_item *it)
{
  sd_pdfbuf_str(s, "q ");
  if (it->stroke_width > 0) {
    put_num(s, it->stroke_width);
    sd_pdfbuf_str(s, "w ");
    put_rgb(s, it->color, "RG ");
  } else put_rgb(s, it->color, "rg ");
  put_num(s, it->x);
  put_num(s, it->y);
  put_num(s, it->w);
  put_num(s, it->h);
  sd_pdfbuf_str(s, it->stroke_width > 0 ? "re S Q\n" : "re f Q\n");
}

static void begin_mark(sd_pdfbuf *s, const char *role, int mcid)
{
  char buf[64];
  snprintf(buf, sizeof buf, "/%s <</MCID %d>> BDC\n", role, mcid);
  sd_pdfbuf_str(s, buf);
}

static sd_status draw_page(pdf_ctx *c, sd_tags *tags, const sd_layout *l, size_t pi, HPDF_Page page, sd_pdfbuf *s)
{
  const sd_page *pg = &l->pages[pi];
  sd_status st = SD_OK;
  if (l->background.r < 1 || l->background.g < 1 || l->background.b < 1) {
    /* PDF/UA-1 7.1: the page tint is decoration */
    sd_pdfbuf_str(s, "/Artifact BMC\n");
    sd_item bg = { .x = 0, .y = 0, .w = pg->width, .h = pg->height, .color = l->background };
    draw_rect(s, &bg);
    sd_pdfbuf_str(s, "EMC\n");
  }
  for (size_t i = 0; i < pg->n_items && st == SD_OK;) {
    int elem = pg->items[i].elem;
    if (elem < 0) {
      sd_pdfbuf_str(s, "/Artifact <</Type /Pagination>> BDC\n");
    } else {
      int mcid = sd_tags_mark(tags, pi, elem);
      if (mcid < 0) return SD_E_NOMEM;
      begin_mark(s, l->elems[elem].role, mcid);
    }
    /* one marked sequence for a stretch of items of the same owner */
    for (; i < pg->n_items && pg->items[i].elem == elem && st == SD_OK; i++) {
      const sd_item *it = &pg->items[i];
      sd_item turned;
      if (it->angle != 0 && it->kind == SD_ITEM_GLYPHS) {
        /* rotate about the item's origin, then draw it there at (0, 0) */
        double a = it->angle * 3.14159265358979 / 180.0;
        sd_pdfbuf_str(s, "q ");
        put_num(s, cos(a));
        put_num(s, sin(a));
        put_num(s, -sin(a));
        put_num(s, cos(a));
        put_num(s, it->x);
        put_num(s, it->y);
        sd_pdfbuf_str(s, "cm\n");
        turned = *it;
        turned.x = turned.y = 0;
        st = sd_pdf_draw_outlines(c, s, &turned); /* a watermark: shapes, not text (pdf_text.h) */
        sd_pdfbuf_str(s, "Q\n");
      } else if (it->kind == SD_ITEM_GLYPHS) st = sd_pdf_draw_glyphs(c, s, it);
      else if (it->kind == SD_ITEM_IMAGE) st = draw_image(c, page, s, it);
      else draw_rect(s, it);
      if (it->kind == SD_ITEM_IMAGE && elem >= 0) { i++; break; } /* a figure's image is its own sequence */
    }
    sd_pdfbuf_str(s, "EMC\n");
  }
  return st;
}

/* A page's content, compressed at zlib's fastest level: libharu's level 6
 * was the largest single cost of a right-to-left page (callgrind), for
 * files about a tenth smaller. Composed in our own buffer: libharu's stream
 * copies byte by byte. */
static sd_status write_page(pdf_ctx *c, sd_tags *tags, const sd_layout *l, size_t pi, HPDF_Page page)
{
  sd_pdfbuf content = {0};
  /* pdf.js reads each page alone: nothing drawn before is on this page's lines */
  c->plain_before = c->rtl_before = c->space_before = 0;
  c->y_before = -1e30;
  sd_status st = draw_page(c, tags, l, pi, page, &content);
  if (st == SD_OK && content.oom) st = SD_E_NOMEM;
  if (st == SD_OK) st = sd_pdf_put_flate(((HPDF_PageAttr)page->attr)->contents, content.p, content.len, 1);
  sd_pdfbuf_free(&content);
  return st;
}

static char *xml_escape(const char *s)
{
  size_t n = 0;
  for (const char *p = s; *p; p++) n += (*p == '<' || *p == '>' || *p == '&' || *p == '"') ? 6 : 1;
  char *o = malloc(n + 1), *q = o;
  if (!o) return NULL;
  for (const char *p = s; *p; p++) {
    const char *r = *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : *p == '&' ? "&amp;" : *p == '"' ? "&quot;" : NULL;
    if (r) { strcpy(q, r); q += strlen(r); }
    else *q++ = *p;
  }
  *q = 0;
  return o;
}

/* PDF/UA-1 5, 7.1: XMP with dc:title and pdfuaid:part; nothing about the
 * machine or the user who made the file. */
static sd_status add_metadata(pdf_ctx *c, const sd_pdf_meta *m, const char *iso_date)
{
  char *title = xml_escape(m->title ? m->title : "");
  char *lang = xml_escape(m->lang ? m->lang : "en-GB");
  if (!title || !lang) { free(title); free(lang); return SD_E_NOMEM; }
  char *xmp = sd_strdup_printf(
      "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
      "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
      "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
      "  xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
      "  xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n"
      "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">%s</rdf:li></rdf:Alt></dc:title>\n"
      "<dc:language><rdf:Bag><rdf:li>%s</rdf:li></rdf:Bag></dc:language>\n"
      "<dc:format>application/pdf</dc:format>\n"
      "<pdf:Producer>%s</pdf:Producer>\n"
      "<xmp:CreateDate>%s</xmp:CreateDate>\n<xmp:ModifyDate>%s</xmp:ModifyDate>\n"
      "<pdfuaid:part>1</pdfuaid:part>\n"
      "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>\n",
      title, lang, SD_PRODUCER, iso_date, iso_date);
  free(title);
  free(lang);
  if (!xmp) return SD_E_NOMEM;
  HPDF_Dict md = HPDF_DictStream_New(c->doc->mmgr, c->doc->xref);
  sd_status st = SD_E_INTERNAL;
  if (md && HPDF_Dict_AddName(md, "Type", "Metadata") == HPDF_OK &&
      HPDF_Dict_AddName(md, "Subtype", "XML") == HPDF_OK &&
      HPDF_Stream_Write(md->stream, (const HPDF_BYTE *)xmp, (HPDF_UINT)strlen(xmp)) == HPDF_OK &&
      HPDF_Dict_Add(c->doc->catalog, "Metadata", md) == HPDF_OK)
    st = SD_OK;
  free(xmp);
  return st;
}

static sd_status add_document_info(pdf_ctx *c, const sd_pdf_meta *m)
{
  HPDF_Doc doc = c->doc;
  time_t t = (time_t)(m->epoch >= 0 ? m->epoch : 0);
  struct tm tm;
  gmtime_r(&t, &tm);
  HPDF_Date date = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, 'Z', 0, 0 };
  char iso[32];
  strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (HPDF_SetInfoAttr(doc, HPDF_INFO_PRODUCER, SD_PRODUCER) != HPDF_OK ||
      HPDF_SetInfoDateAttr(doc, HPDF_INFO_CREATION_DATE, date) != HPDF_OK ||
      HPDF_SetInfoDateAttr(doc, HPDF_INFO_MOD_DATE, date) != HPDF_OK)
    return SD_E_INTERNAL;
  HPDF_Dict info = doc->info;
  HPDF_Dict vp = HPDF_Dict_New(doc->mmgr);
  if (!info || !vp || HPDF_Dict_Add(info, "Title", sd_pdf_text_string(doc->mmgr, m->title ? m->title : "")) != HPDF_OK ||
      HPDF_Dict_Add(doc->catalog, "Lang", HPDF_String_New(doc->mmgr, m->lang ? m->lang : "en-GB", NULL)) != HPDF_OK ||
      HPDF_Dict_AddBoolean(vp, "DisplayDocTitle", HPDF_TRUE) != HPDF_OK ||
      HPDF_Dict_Add(doc->catalog, "ViewerPreferences", vp) != HPDF_OK)
    return SD_E_INTERNAL;
  return add_metadata(c, m, iso);
}

/* Fonts are written last, when every glyph of the document is known, and
 * joined to the resources of every page (a page may list a font it does not use). */
static sd_status add_fonts(pdf_ctx *c, HPDF_Page *pages, size_t n_pages)
{
  for (size_t i = 0; i < c->n_fonts; i++) {
    if (!c->fonts[i]) continue;
    HPDF_Dict font = NULL;
    sd_status st = sd_pdffont_emit(c->fonts[i], c->doc, &font, c->d);
    if (st != SD_OK) return st;
    for (size_t p = 0; p < n_pages; p++) {
      HPDF_Dict res = HPDF_Dict_GetItem(pages[p], "Resources", HPDF_OCLASS_DICT);
      if (!res) return SD_E_INTERNAL;
      HPDF_Dict fd = HPDF_Dict_GetItem(res, "Font", HPDF_OCLASS_DICT);
      if (!fd) {
        fd = HPDF_Dict_New(c->doc->mmgr);
        if (!fd || HPDF_Dict_Add(res, "Font", fd) != HPDF_OK) return SD_E_INTERNAL;
      }
      if (HPDF_Dict_Add(fd, sd_pdffont_resource_name(c->fonts[i]), font) != HPDF_OK) return SD_E_INTERNAL;
    }
  }
  return SD_OK;
}

typedef struct outline_node {
  HPDF_Dict dict;
  int parent;            /* node index, -1: the outline root */
  int first, last, next, prev;
  int descendants;
} outline_node;

/* Bookmarks: one per heading, nested by heading level, each opening its
 * page at the heading. Every item open (Count = its descendants). */
static sd_status add_outline(pdf_ctx *c, const sd_layout *l, HPDF_Page *pages)
{
  size_t n = 0;
  for (size_t i = 0; i < l->n_elems; i++) n += l->elems[i].bookmark != NULL;
  if (!n) return SD_OK;
  HPDF_MMgr mm = c->doc->mmgr;
  outline_node *nodes = calloc(n, sizeof *nodes);
  int *stack = calloc(n, sizeof *stack), *levels = calloc(n, sizeof *levels);
  HPDF_Dict root = HPDF_Dict_New(mm);
  sd_status st = SD_E_INTERNAL;
  if (!nodes || !stack || !levels) { st = SD_E_NOMEM; goto done; }
  if (!root || HPDF_Xref_Add(c->doc->xref, root) != HPDF_OK) goto done;
  int depth = 0, root_first = -1, root_last = -1, k = 0;
  for (size_t i = 0; i < l->n_elems; i++) {
    const sd_elem *e = &l->elems[i];
    if (!e->bookmark) continue;
    /* a Part (one document of a combined file) holds its headings' bookmarks */
    int level = e->role[0] == 'H' && e->role[1] >= '1' && e->role[1] <= '6' ? e->role[1] - '0'
                : !strcmp(e->role, "Part")                                   ? 0
                                                                             : 1;
    while (depth > 0 && levels[depth - 1] >= level) depth--;
    outline_node *o = &nodes[k];
    o->parent = depth ? stack[depth - 1] : -1;
    o->first = o->last = o->next = o->prev = -1;
    int *plast = o->parent >= 0 ? &nodes[o->parent].last : &root_last;
    int *pfirst = o->parent >= 0 ? &nodes[o->parent].first : &root_first;
    o->prev = *plast;
    if (*plast >= 0) nodes[*plast].next = k;
    else *pfirst = k;
    *plast = k;
    for (int a = o->parent; a >= 0; a = nodes[a].parent) nodes[a].descendants++;
    o->dict = HPDF_Dict_New(mm);
    if (!o->dict || HPDF_Xref_Add(c->doc->xref, o->dict) != HPDF_OK) goto done;
    HPDF_Array dest = HPDF_Array_New(mm);
    if (!dest || HPDF_Dict_Add(o->dict, "Title", sd_pdf_text_string(mm, e->bookmark)) != HPDF_OK ||
        HPDF_Array_Add(dest, pages[e->page >= 0 ? e->page : 0]) != HPDF_OK ||
        HPDF_Array_AddName(dest, "XYZ") != HPDF_OK || HPDF_Array_AddNumber(dest, 0) != HPDF_OK ||
        HPDF_Array_AddReal(dest, e->top) != HPDF_OK || HPDF_Array_AddNumber(dest, 0) != HPDF_OK ||
        HPDF_Dict_Add(o->dict, "Dest", dest) != HPDF_OK)
      goto done;
    stack[depth] = k;
    levels[depth++] = level;
    k++;
  }
  for (int i = 0; i < k; i++) {
    outline_node *o = &nodes[i];
    if (HPDF_Dict_Add(o->dict, "Parent", o->parent >= 0 ? nodes[o->parent].dict : root) != HPDF_OK) goto done;
    if (o->prev >= 0 && HPDF_Dict_Add(o->dict, "Prev", nodes[o->prev].dict) != HPDF_OK) goto done;
    if (o->next >= 0 && HPDF_Dict_Add(o->dict, "Next", nodes[o->next].dict) != HPDF_OK) goto done;
    if (o->first >= 0 && (HPDF_Dict_Add(o->dict, "First", nodes[o->first].dict) != HPDF_OK ||
                          HPDF_Dict_Add(o->dict, "Last", nodes[o->last].dict) != HPDF_OK ||
                          HPDF_Dict_AddNumber(o->dict, "Count", o->descendants) != HPDF_OK))
      goto done;
  }
  if (HPDF_Dict_AddName(root, "Type", "Outlines") != HPDF_OK ||
      HPDF_Dict_Add(root, "First", nodes[root_first].dict) != HPDF_OK ||
      HPDF_Dict_Add(root, "Last", nodes[root_last].dict) != HPDF_OK ||
      HPDF_Dict_AddNumber(root, "Count", k) != HPDF_OK || HPDF_Dict_Add(c->doc->catalog, "Outlines", root) != HPDF_OK)
    goto done;
  /* a multi-page document opens with its bookmarks showing */
  if (l->n_pages > 1 && HPDF_Dict_AddName(c->doc->catalog, "PageMode", "UseOutlines") != HPDF_OK) goto done;
  st = SD_OK;
done:
  free(nodes);
  free(stack);
  free(levels);
  return st;
}

static sd_status save(pdf_ctx *c, unsigned char **out, size_t *out_len)
{
  if (HPDF_SaveToStream(c->doc) != HPDF_OK) return SD_E_INTERNAL;
  HPDF_UINT32 size = HPDF_GetStreamSize(c->doc);
  unsigned char *buf = malloc(size ? size : 1);
  if (!buf) return SD_E_NOMEM;
  size_t got = 0;
  while (got < size) {
    HPDF_UINT32 n = size - (HPDF_UINT32)got;
    HPDF_STATUS r = HPDF_ReadFromStream(c->doc, buf + got, &n);
    got += n;
    if (r != HPDF_OK || n == 0) break;
  }
  if (got != size) {
    free(buf);
    return SD_E_INTERNAL;
  }
  *out = buf;
  *out_len = got;
  return SD_OK;
}

sd_status sd_pdf_write(const sd_layout *l, const sd_pdf_meta *meta, unsigned char **out,
                       size_t *out_len, sd_diags *d)
{
  pdf_ctx c = { .d = d };
  sd_status st = SD_OK;
  HPDF_Page *pages = calloc(l->n_pages ? l->n_pages : 1, sizeof *pages);
  sd_tags *tags = sd_tags_new(l->elems, l->n_elems, l->n_pages);
  c.doc = HPDF_New(on_hpdf_error, &c);
  if (c.doc) c.outlines = sd_outlines_new(c.doc);
  if (!pages || !tags || !c.doc || !c.outlines) { st = SD_E_NOMEM; goto done; }
  c.doc->pdf_version = HPDF_VER_17; /* PDF/UA-1 is built on ISO 32000-1 (PDF 1.7) */
  HPDF_SetCompressionMode(c.doc, HPDF_COMP_ALL);
  for (size_t i = 0; i < l->n_pages && st == SD_OK; i++) {
    pages[i] = HPDF_AddPage(c.doc);
    if (!pages[i]) { st = SD_E_INTERNAL; break; }
    HPDF_Page_SetWidth(pages[i], l->pages[i].width);
    HPDF_Page_SetHeight(pages[i], l->pages[i].height);
    if ((st = sd_stop_check(meta->stop)) != SD_OK) break;
    st = write_page(&c, tags, l, i, pages[i]);
  }
  if (st == SD_OK) st = add_fonts(&c, pages, l->n_pages);
  for (size_t i = 0; i < l->n_pages && st == SD_OK; i++) st = sd_outlines_add_to_page(c.outlines, pages[i]);
  if (st == SD_OK) st = sd_tags_finish(tags, c.doc, pages, d);
  if (st == SD_OK) st = add_outline(&c, l, pages);
  if (st == SD_OK) st = add_document_info(&c, meta);
  if (st == SD_OK && c.err) st = SD_E_INTERNAL;
  if (st == SD_OK) st = save(&c, out, out_len);
  if (st == SD_E_INTERNAL)
    sd_diag_error(d, "pdf.internal", NULL, 0, 0, NULL, "libharu failed (error %#lx, detail %lu)",
                  (unsigned long)c.err, (unsigned long)c.err_detail);
done:
  for (size_t i = 0; i < c.n_fonts; i++) sd_pdffont_free(c.fonts[i]);
  free(c.fonts);
  sd_tags_free(tags);
  sd_outlines_free(c.outlines);
  if (c.doc) HPDF_Free(c.doc);
  free(pages);
  return st;
}
