/* sendoc serve: documents. A render runs in the server through the library
 * (sd_render, or sd_render_cases for a class set) with a time limit; its
 * pages are shown as PNG images drawn by poppler (libpoppler-glib, cairo),
 * the renderer behind pdftoppm and evince, so what the SENCo sees is a real
 * reader's view of the PDF, not a second layout. The PDF and its pages stay
 * in memory (the last SV_RENDER_CACHE renders) under a random key; nothing
 * is written to disk. */
#include "serve.h"
#include <cairo.h>
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct sv_render {
  char key[33];
  unsigned char *pdf;
  size_t pdf_len;
  unsigned char *png[64];
  size_t png_len[64];
  int pages;
  char fname[96];
  sv_render *next;
};

static const struct { const char *name, *label; } TEMPLATES[] = {
  { "one-page-profile", "One-page profile" },
  { "ehcp", "EHCP (education, health and care plan)" },
  { "postcard-try", "Postcard: something to try at home" },
  { "postcard-tried", "Postcard: something we tried at home" },
  { "review-invitation", "Review invitation" },
  { "review-record", "Review record" },
};
static const char *const STYLES[] = { "standard", "large-print", "dyslexia" };
#define N(a) (sizeof a / sizeof *a)

static void render_free(sv_render *x)
{
  if (!x) return;
  free(x->pdf);
  for (int i = 0; i < x->pages; i++) free(x->png[i]);
  free(x);
}

void sv_renders_free(sv_server *s)
{
  for (sv_render *x = s->renders, *next; x; x = next) {
    next = x->next;
    render_free(x);
  }
  s->renders = NULL;
}

typedef struct pngbuf {
  unsigned char *p;
  size_t n, cap;
  bool failed;
} pngbuf;

static cairo_status_t png_write(void *closure, const unsigned char *data, unsigned int len)
{
  pngbuf *b = closure;
  if (b->n + len > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 65536;
    while (cap < b->n + len) cap *= 2;
    unsigned char *np = realloc(b->p, cap);
    if (!np) {
      b->failed = true;
      return CAIRO_STATUS_NO_MEMORY;
    }
    b->p = np;
    b->cap = cap;
  }
  memcpy(b->p + b->n, data, len);
  b->n += len;
  return CAIRO_STATUS_SUCCESS;
}

/* PDF pages as PNG through poppler (cairo backend), in the server: the PDF is
 * our own engine's output, never a stranger's file, and a subprocess per
 * preview (pdftoppm) cost 150 ms of CPU in start-up alone. Returns the number
 * of pages, -1 on failure. */
/* ThreadSanitizer saw two request threads race inside cairo's image code
 * while drawing two previews at once; poppler's cairo output is not
 * documented as thread-safe either, so drawing is one preview at a time
 * (about 60 ms each) while rendering stays parallel. */
static pthread_mutex_t raster_lock = PTHREAD_MUTEX_INITIALIZER;

static int rasterise(const sv_server *s, sv_render *x)
{
  pthread_mutex_lock(&raster_lock);
  GBytes *bytes = g_bytes_new_static(x->pdf, x->pdf_len);
  GError *err = NULL;
  PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
  int rc = -1;
  if (!doc) {
    if (err) g_error_free(err);
    goto done;
  }
  int n = poppler_document_get_n_pages(doc);
  double scale = s->preview_dpi / 72.0;
  x->pages = 0;
  for (int i = 0; i < n && i < 64; i++) {
    PopplerPage *pg = poppler_document_get_page(doc, i);
    if (!pg) break;
    double w = 0, h = 0;
    poppler_page_get_size(pg, &w, &h);
    int pw = (int)(w * scale + 0.5), ph = (int)(h * scale + 0.5);
    cairo_surface_t *surf = pw > 0 && ph > 0 && pw < 4000 && ph < 4000 ? cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph) : NULL;
    pngbuf pb = { 0 };
    if (surf && cairo_surface_status(surf) == CAIRO_STATUS_SUCCESS) {
      cairo_t *cr = cairo_create(surf);
      cairo_set_source_rgb(cr, 1, 1, 1);
      cairo_paint(cr);
      cairo_scale(cr, scale, scale);
      poppler_page_render_for_printing(pg, cr);
      cairo_destroy(cr);
      cairo_surface_flush(surf);
      if (cairo_surface_write_to_png_stream(surf, png_write, &pb) != CAIRO_STATUS_SUCCESS || pb.failed) {
        free(pb.p);
        pb.p = NULL;
      }
    }
    if (surf) cairo_surface_destroy(surf);
    g_object_unref(pg);
    if (!pb.p) break;
    x->png[x->pages] = pb.p;
    x->png_len[x->pages++] = pb.n;
  }
  rc = x->pages == (n < 64 ? n : 64) ? x->pages : -1;
  g_object_unref(doc);
done:
  g_bytes_unref(bytes);
  pthread_mutex_unlock(&raster_lock);
  return rc;
}

static bool in_list(const char *v, const char *const *list, size_t n)
{
  for (size_t i = 0; v && i < n; i++)
    if (!strcmp(v, list[i])) return true;
  return false;
}

static const char *template_label(const char *name)
{
  for (size_t i = 0; name && i < N(TEMPLATES); i++)
    if (!strcmp(name, TEMPLATES[i].name)) return TEMPLATES[i].label;
  return NULL;
}

static bool has_lang(const sv_server *s, const char *tag)
{
  for (size_t i = 0; tag && i < s->n_langs; i++)
    if (!strcmp(tag, s->langs[i].tag)) return true;
  return false;
}

static void options_form(sv_req *r, sv_buf *b, const char *const *sel, size_t nsel, const char *tpl, const char *lang,
                         const char *style)
{
  size_t n = 0;
  char **ids = sv_ws_list(r->s, &n);
  sv_put(b, "<form method=\"get\" action=\"/docs/preview\" class=\"docs\"><fieldset><legend>Children</legend>");
  if (!n) sv_put(b, "<p>No cases in this workspace yet.</p>");
  for (size_t i = 0; i < n; i++) {
    bool on = false;
    for (size_t k = 0; k < nsel; k++) on |= !strcmp(sel[k], ids[i]);
    size_t len = 0;
    char *xml = sv_ws_read(r->s, ids[i], &len);
    xmlDocPtr doc = xml ? sv_xml_parse(xml, len) : NULL;
    xmlNodePtr pn = doc ? sv_xml_at(doc, "0.1") : NULL;
    char *name = pn ? sv_xml_text(pn) : NULL;
    sv_printf(b, "<div class=\"check\"><input type=\"checkbox\" id=\"c-%s\" name=\"case\" value=\"%s\"%s><label for=\"c-%s\">", ids[i],
              ids[i], on ? " checked" : "", ids[i]);
    sv_esc(b, name && *name ? name : ids[i]);
    sv_put(b, "</label></div>");
    free(name);
    if (doc) xmlFreeDoc(doc);
    free(xml);
    free(ids[i]);
  }
  free(ids);
  sv_put(b, "</fieldset><div class=\"field\"><label for=\"d-template\">Document</label><select id=\"d-template\" name=\"template\">");
  for (size_t i = 0; i < N(TEMPLATES); i++)
    sv_printf(b, "<option value=\"%s\"%s>%s</option>", TEMPLATES[i].name, tpl && !strcmp(tpl, TEMPLATES[i].name) ? " selected" : "",
              TEMPLATES[i].label);
  sv_put(b, "</select></div><div class=\"field\"><label for=\"d-lang\">Language</label><select id=\"d-lang\" name=\"lang\">");
  /* the languages the engine has catalogues for: a new one shows up here by itself */
  for (size_t i = 0; i < r->s->n_langs; i++) {
    const char *tag = r->s->langs[i].tag;
    char ln[96];
    sv_lang_name(tag, ln, sizeof ln);
    sv_printf(b, "<option value=\"%s\"%s>%s</option>", tag, lang && !strcmp(lang, tag) ? " selected" : "", ln);
  }
  sv_put(b, "</select></div><div class=\"field\"><label for=\"d-style\">Reading style</label><select id=\"d-style\" name=\"style\">");
  static const char *const STYLE_LABELS[] = { "Standard", "Large print", "Dyslexia-friendly" };
  for (size_t i = 0; i < N(STYLES); i++)
    sv_printf(b, "<option value=\"%s\"%s>%s</option>", STYLES[i], style && !strcmp(style, STYLES[i]) ? " selected" : "", STYLE_LABELS[i]);
  sv_put(b, "</select></div><button type=\"submit\" class=\"primary\">Preview</button></form>");
}

void sv_page_docs(sv_req *r, sv_resp *o)
{
  const char *sel[1] = { sv_query(r, "case") };
  sv_buf *b = &o->body;
  sv_page_begin(b, r->s, "Documents", "/docs");
  sv_put(b, "<p>Pick one child, or several for a class set in one PDF; then the document, its language and reading style. "
            "You see the pages before you download them.</p>");
  options_form(r, b, sel, sel[0] ? 1 : 0, "one-page-profile", "en-GB", "standard");
  sv_page_end(b);
}

void sv_page_preview(sv_req *r, sv_resp *o)
{
  const char *ids[64];
  size_t n = sv_query_all(r, "case", ids, 64);
  const char *tpl = sv_query(r, "template"), *lang = sv_query(r, "lang"), *style = sv_query(r, "style");
  if (!lang || !*lang) lang = "en-GB";
  if (!style || !*style) style = NULL;
  if (!template_label(tpl) || (style && !in_list(style, STYLES, N(STYLES))) || !has_lang(r->s, lang)) {
    sv_error_page(o, r->s, 400, "Cannot make that document", "Choose a document, a language and a style from the lists.");
    return;
  }
  if (!n) {
    sv_error_page(o, r->s, 400, "No child chosen", "Tick at least one child on the Documents page.");
    return;
  }
  sd_case **cases = calloc(n, sizeof *cases);
  sd_diags *d = sd_diags_new();
  sd_status st = cases ? SD_OK : SD_E_NOMEM;
  size_t bad = 0;
  for (size_t i = 0; i < n && cases; i++) {
    size_t len = 0;
    char *xml = sv_ws_valid_id(ids[i]) ? sv_ws_read(r->s, ids[i], &len) : NULL;
    sd_status one = xml ? sd_case_load_mem(r->s->engine, xml, len, ids[i], r->s->ws_path, NULL, &cases[i], d) : SD_E_IO;
    if (one != SD_OK) {
      st = one;
      bad++;
    }
    free(xml);
  }
  sv_render *x = calloc(1, sizeof *x);
  struct timespec t0, t1, t2;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  t1 = t2 = t0;
  if (st == SD_OK && x) {
    sd_render_options ro;
    sd_render_options_init(&ro);
    ro.template_ref = tpl;
    ro.lang = lang;
    ro.style = style;
    ro.time_limit_ms = 30000;
    st = n == 1 ? sd_render(r->s->engine, cases[0], &ro, &x->pdf, &x->pdf_len, d)
                : sd_render_cases(r->s->engine, (const sd_case *const *)cases, n, &ro, &x->pdf, &x->pdf_len, d);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  for (size_t i = 0; cases && i < n; i++) sd_case_free(cases[i]);
  free(cases);
  sv_buf *b = &o->body;
  char title[200];
  snprintf(title, sizeof title, "%s: preview", template_label(tpl));
  sv_page_begin(b, r->s, title, "/docs");
  if (st != SD_OK || !x) {
    o->status = 422;
    sv_put(b, "<div class=\"summary\" role=\"alert\"><h2>The document could not be made</h2><ul>");
    for (size_t i = 0; i < sd_diags_count(d); i++) {
      sd_diag_info g;
      sd_diags_get(d, i, &g);
      if (g.severity != SD_SEV_ERROR) continue;
      sv_put(b, "<li>");
      if (g.file && sv_ws_valid_id(g.file)) {
        sv_printf(b, "<a href=\"/case/%s\">", g.file);
        sv_esc(b, g.file);
        sv_put(b, "</a>: ");
      }
      sv_esc(b, g.message);
      sv_put(b, "</li>");
    }
    if (bad) sv_printf(b, "<li>%zu case%s must be finished first.</li>", bad, bad == 1 ? "" : "s");
    sv_put(b, "</ul></div>");
    render_free(x);
    x = NULL;
  } else {
    int pages = rasterise(r->s, x);
    clock_gettime(CLOCK_MONOTONIC, &t2);
    if (pages < 0) {
      o->status = 500;
      sv_put(b, "<p class=\"problem\" role=\"alert\">The pages could not be drawn for the preview. "
                "You can still download the PDF.</p>");
    }
  }
#define MS(a, b) ((double)((b).tv_sec - (a).tv_sec) * 1e3 + (double)((b).tv_nsec - (a).tv_nsec) / 1e6)
  snprintf(o->timing, sizeof o->timing, "render;dur=%.1f, raster;dur=%.1f", MS(t0, t1), MS(t1, t2) > 0 ? MS(t1, t2) : 0.0);
  if (x) {
    sv_random_hex(x->key, 16);
    snprintf(x->fname, sizeof x->fname, "%s%s%s.pdf", tpl, n > 1 ? "-class-set" : "", strcmp(lang, "en-GB") ? "-" : "");
    if (strcmp(lang, "en-GB")) snprintf(x->fname + strlen(x->fname) - 4, sizeof x->fname - strlen(x->fname) + 4, "%s.pdf", lang);
    for (size_t i = 0; i < sd_diags_count(d); i++) {
      sd_diag_info g;
      sd_diags_get(d, i, &g);
      if (g.severity == SD_SEV_WARNING) {
        sv_put(b, "<p class=\"msg warning\"><strong>Check:</strong> ");
        sv_esc(b, g.message);
        sv_put(b, "</p>");
      }
    }
    sv_printf(b, "<p><a class=\"button primary\" href=\"/render/%s.pdf\" download=\"%s\">Download the PDF (%zu KB, %d page%s)</a></p>",
              x->key, x->fname, (x->pdf_len + 1023) / 1024, x->pages, x->pages == 1 ? "" : "s");
    sv_put(b, "<section aria-labelledby=\"pages-h\"><h2 id=\"pages-h\">Pages</h2><ol class=\"pages\">");
    for (int i = 0; i < x->pages; i++)
      sv_printf(b, "<li><img src=\"/render/%s/%d.png\" alt=\"Page %d of %d of the %s (the PDF holds the same text, readable by a screen reader)\"></li>",
                x->key, i + 1, i + 1, x->pages, template_label(tpl));
    sv_put(b, "</ol></section>");
    pthread_mutex_lock(&r->s->cache_lock);
    x->next = r->s->renders;
    r->s->renders = x;
    int k = 0;
    for (sv_render *p = r->s->renders; p; p = p->next)
      if (++k == SV_RENDER_CACHE && p->next) {
        sv_render *old = p->next;
        p->next = NULL;
        while (old) {
          sv_render *nx = old->next;
          render_free(old);
          old = nx;
        }
      }
    pthread_mutex_unlock(&r->s->cache_lock);
  }
  sv_put(b, "<h2>Change the document</h2>");
  options_form(r, b, ids, n, tpl, lang, style ? style : "standard");
  sv_page_end(b);
  sd_diags_free(d);
}

void sv_render_asset(sv_req *r, sv_resp *o, const char *rest)
{
  char key[40] = "", ext[8] = "";
  int page = 0;
  bool pdf = sscanf(rest, "%32[0-9a-f].%3s", key, ext) == 2 && !strcmp(ext, "pdf");
  bool png = !pdf && sscanf(rest, "%32[0-9a-f]/%d.%3s", key, &page, ext) == 3 && !strcmp(ext, "png");
  pthread_mutex_lock(&r->s->cache_lock);
  sv_render *x = r->s->renders;
  while (x && strcmp(x->key, key)) x = x->next;
  unsigned char *copy = NULL;
  size_t len = 0;
  if (x && pdf) len = x->pdf_len;
  if (x && png && page >= 1 && page <= x->pages) len = x->png_len[page - 1];
  if (len && (copy = malloc(len))) memcpy(copy, pdf ? x->pdf : x->png[page - 1], len);
  if (x && pdf) snprintf(o->disposition, sizeof o->disposition, "attachment; filename=\"%s\"", x->fname);
  pthread_mutex_unlock(&r->s->cache_lock);
  if (!copy) {
    sv_error_page(o, r->s, 404, "Not found", "That preview has expired. Make the document again.");
    o->disposition[0] = 0;
    return;
  }
  o->bin = copy;
  o->bin_len = len;
  o->bin_owner = copy;
  o->type = pdf ? "application/pdf" : "image/png";
}
