/* engine: the data folder, the fonts and schema parsed once, and the
 * render pipeline case -> template -> locale -> layout -> pdf. */
#include "stop.h"
#include "case.h"
#include "engine_int.h"
#include "fileio.h"
#include "image.h"
#include "langtag.h"
#include "layout.h"
#include "pdf.h"
#include <dirent.h>
#include "schema_fields.h"
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A parsed template, read-only, shared by renders on every thread; kept
 * while its file is unchanged (same modification time and size). */
typedef struct cached_template {
  char *ref;
  int64_t mtime_ns;
  off_t size;
  sd_template *t;
} cached_template;

enum { TEMPLATE_CACHE_MAX = 16 };

struct sd_engine {
  char *data_dir;
  sd_schema *schema;
  sd_schema_fields *fields; /* the schema's field names, for templates */
  sd_fonts *fonts;
  pthread_mutex_t templates_mu;
  cached_template templates[TEMPLATE_CACHE_MAX];
  size_t n_templates;
};

/* The data folder the library was installed with (the Makefile passes
 * PREFIX/share/sendoc). */
#ifndef SD_DATA_DIR
#define SD_DATA_DIR "/usr/local/share/sendoc"
#endif

SD_API const char *sd_version(void)
{
  return SD_VERSION;
}

SD_API sd_status sd_engine_new(const char *data_dir, sd_engine **out, sd_diags *d)
{
  if (!out) {
    sd_diag_error(d, "usage.engine", NULL, 0, 0, NULL, "sd_engine_new needs somewhere to put the engine");
    return SD_E_USAGE;
  }
  *out = NULL;
  if (!data_dir) data_dir = SD_DATA_DIR;
  struct stat sb;
  int found = stat(data_dir, &sb) == 0;
  if (!found || !S_ISDIR(sb.st_mode)) {
    sd_diag_error(d, "resource.data-dir", data_dir, 0, 0, NULL,
                  "the sendoc data folder is missing (%s); it holds templates/, locales/, schema/ and fonts/",
                  found ? "this is not a folder" : strerror(errno));
    return SD_E_RESOURCE;
  }
  sd_engine *e = calloc(1, sizeof *e);
  if (!e) {
    sd_diag_error(d, "resource.memory", NULL, 0, 0, NULL, "out of memory while opening the data folder");
    return SD_E_NOMEM;
  }
  /* libxml2's one-time global setup, before any thread parses */
  xmlInitParser();
  if (pthread_mutex_init(&e->templates_mu, NULL) != 0) {
    free(e);
    sd_diag_error(d, "resource.memory", NULL, 0, 0, NULL, "cannot create the engine's lock");
    return SD_E_NOMEM;
  }
  e->data_dir = sd_strdup(data_dir);
  char *xsd = sd_strdup_printf("%s/schema/case.xsd", data_dir);
  char *map = sd_strdup_printf("%s/fonts/fontmap.txt", data_dir);
  sd_status st = (!e->data_dir || !xsd || !map) ? SD_E_NOMEM : SD_OK;
  if (st == SD_OK) st = sd_schema_load(xsd, &e->schema, d);
  if (st == SD_OK) st = sd_schema_fields_load(xsd, &e->fields, d);
  if (st == SD_OK) st = sd_fonts_new(map, &e->fonts, d);
  free(xsd);
  free(map);
  if (st == SD_E_NOMEM && sd_diags_errors(d) == 0)
    sd_diag_error(d, "resource.memory", NULL, 0, 0, NULL, "out of memory while opening the data folder");
  if (st != SD_OK) {
    if (st == SD_E_IO || st == SD_E_INPUT) st = SD_E_RESOURCE;
    sd_engine_free(e);
    return st;
  }
  *out = e;
  return SD_OK;
}

SD_API void sd_engine_free(sd_engine *e)
{
  if (!e) return;
  sd_schema_free(e->schema);
  sd_schema_fields_free(e->fields);
  sd_fonts_free(e->fonts);
  for (size_t i = 0; i < e->n_templates; i++) {
    free(e->templates[i].ref);
    sd_template_free(e->templates[i].t);
  }
  pthread_mutex_destroy(&e->templates_mu);
  free(e->data_dir);
  free(e);
}

const sd_schema_fields *sd_engine_schema_fields(const sd_engine *e)
{
  return e ? e->fields : NULL;
}

SD_API const char *sd_engine_data_dir(const sd_engine *e)
{
  return e ? e->data_dir : NULL;
}

SD_API sd_status sd_case_load(sd_engine *e, const char *path, const sd_limits *lim, sd_case **out,
                              sd_diags *d)
{
  return sd_case_parse_file(e->schema, path, lim ? lim : &SD_LIMITS_DEFAULT, out, d);
}

SD_API sd_status sd_case_load_mem(sd_engine *e, const void *data, size_t len, const char *name,
                                  const char *base_dir, const sd_limits *lim, sd_case **out, sd_diags *d)
{
  return sd_case_parse(e->schema, data, len, name, base_dir, lim ? lim : &SD_LIMITS_DEFAULT, out, d);
}

/* Reads at most cap bytes of a regular file. NULL with *st: SD_E_IO (cannot
 * open or read, or not a regular file), SD_E_LIMIT (over cap: the file's
 * content is at fault, as for an oversized case), SD_E_INPUT (empty: a
 * template with nothing in it would print a blank page), SD_E_NOMEM. */
static char *read_file(const char *path, size_t cap, size_t *len, sd_diags *d, const char *what, sd_status *st)
{
  const char *why = NULL;
  FILE *fp = sd_fopen_regular(path, &why); /* never blocks on a FIFO */
  if (!fp) {
    sd_diag_error(d, "io.read", path, 0, 0, NULL, "cannot read the %s: %s%s", what, why ? "it is " : "",
                  why ? why : strerror(errno));
    *st = SD_E_IO;
    return NULL;
  }
  char *buf = malloc(cap + 1);
  size_t n = buf ? fread(buf, 1, cap + 1, fp) : 0;
  int err = ferror(fp);
  fclose(fp);
  *st = !buf ? SD_E_NOMEM : err ? SD_E_IO : n > cap ? SD_E_LIMIT : n == 0 ? SD_E_INPUT : SD_OK;
  if (*st == SD_E_IO) sd_diag_error(d, "io.read", path, 0, 0, NULL, "cannot read the %s", what);
  if (*st == SD_E_LIMIT) sd_diag_error(d, "io.limit", path, 1, 1, NULL, "the %s is larger than %zu bytes", what, cap);
  if (*st == SD_E_INPUT) sd_diag_error(d, "template.empty", path, 1, 1, NULL, "the %s is empty", what);
  if (*st != SD_OK) {
    free(buf);
    return NULL;
  }
  buf[n] = 0;
  *len = n;
  return buf;
}

static int is_path(const char *ref)
{
  size_t n = strlen(ref);
  return strchr(ref, '/') || (n > 3 && strcmp(ref + n - 3, ".md") == 0);
}

SD_API void sd_render_options_init(sd_render_options *o)
{
  if (!o) return;
  memset(o, 0, sizeof *o);
  o->size = sizeof *o;
}

/* The caller's options as this library's struct: only the first `size`
 * bytes are the caller's (0: the 0.1 layout), the rest are defaults. */
static void options_from_caller(const sd_render_options *in, sd_render_options *out)
{
  sd_render_options_init(out);
  if (!in) return;
  size_t n = in->size ? in->size : offsetof(sd_render_options, meeting_id);
  if (n > sizeof *out) n = sizeof *out;
  memcpy(out, in, n);
  out->size = sizeof *out;
}

static int64_t pick_epoch(const sd_render_options *opt)
{
  if (opt && opt->date_epoch > 0) return opt->date_epoch;
  const char *s = getenv("SOURCE_DATE_EPOCH");
  if (s && *s) {
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*end && v >= 0) return v;
  }
  return (int64_t)time(NULL);
}

/* Photos named by case data resolve inside the case's folder, and are
 * checked before anything decodes them. */
static sd_status resolve_images(const sd_case *c, sd_block *b, const sd_limits *lim, sd_diags *d)
{
  sd_status st = SD_OK;
  if (b->kind == SD_BLK_IMAGE) {
    if (!c) {
      sd_diag_error(d, "template.image", NULL, b->line, b->col, NULL, "a note without case data cannot show images");
      return SD_E_INPUT;
    }
    const sd_case_node *at = sd_case_find(c->root, "child.photo");
    char *path = sd_case_resolve_photo(c, at ? at : c->root, b->src ? b->src : "", d);
    if (!path) return SD_E_INPUT;
    free(b->src);
    b->src = path;
    /* problems with the photo point at its element in the case file */
    int line = at ? at->line : b->line, col = at ? at->col : b->col;
    sd_image_info info;
    st = sd_image_probe(path, lim, &info, c->file, line, col, d);
    if (st != SD_OK) return st;
    b->img_w = info.width;
    b->img_h = info.height;
    if (!b->alt || !*b->alt) {
      sd_diag_error(d, "case.photo", c->file, line, col, "photo", "the photo has no alternative text");
      return SD_E_INPUT;
    }
  }
  for (size_t i = 0; i < b->n_children && st == SD_OK; i++) st = resolve_images(c, &b->children[i], lim, d);
  return st;
}

/* {{date:today}} is the document's own date (SOURCE_DATE_EPOCH or now). */
static void date_today(sd_inline *inl, size_t n, const char *iso)
{
  for (size_t i = 0; i < n; i++)
    if (inl[i].kind == SD_INL_DATE && inl[i].text && strcmp(inl[i].text, "today") == 0) {
      char *s = sd_strdup(iso);
      if (s) {
        free(inl[i].text);
        inl[i].text = s;
      }
    }
}

static void date_today_blocks(sd_block *b, const char *iso)
{
  date_today(b->inl, b->n_inl, iso);
  for (size_t i = 0; i < b->n_children; i++) date_today_blocks(&b->children[i], iso);
}

/* Everything one document needs until its PDF is written: the layout
 * points into the tree (alt text, languages) and the locale. */
static sd_status load_template(sd_engine *e, const char *ref, sd_template **out, int *owned, sd_diags *d);

typedef struct rendered {
  sd_doc_tree tree;
  sd_locale *loc;
  sd_layout lay;
} rendered;

static void rendered_free(rendered *r)
{
  sd_layout_free(&r->lay);
  sd_locale_free(r->loc);
  sd_doc_tree_free(&r->tree);
  memset(r, 0, sizeof *r);
}

static void iso_date(int64_t epoch, char iso[16])
{
  time_t tt = (time_t)epoch;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(iso, 16, "%Y-%m-%d", &tm);
}

/* Template -> resolved document tree: expansion against the case, the
 * document's own date, photos checked inside the case folder, and every
 * message and date formatted in the reader's locale. */
static sd_status resolve_tree(sd_engine *e, const sd_template *tp, const sd_case *c, const sd_render_options *opt,
                              int64_t epoch, rendered *r, sd_diags *d)
{
  memset(r, 0, sizeof *r);
  const char *lang = opt && opt->lang ? opt->lang : "en-GB";
  char iso[16];
  iso_date(epoch, iso);
  sd_expand_options xo = { .today = iso, .meeting_id = opt ? opt->meeting_id : NULL };
  sd_status st = sd_template_expand_with(tp, c, lang, &xo, &r->tree, d);
  if (st == SD_OK && r->tree.n_untranslated)
    sd_diag_warn(d, "render.untranslated", c ? c->file : NULL, 0, 0, "lang",
                 "%zu piece%s of case text %s no %s translation and %s printed as written; `sendoc lint CASE "
                 "--template %s --lang %s` lists them",
                 r->tree.n_untranslated, r->tree.n_untranslated == 1 ? "" : "s",
                 r->tree.n_untranslated == 1 ? "has" : "have", lang, r->tree.n_untranslated == 1 ? "is" : "are",
                 opt && opt->template_ref ? opt->template_ref : "T", lang);
  if (st == SD_OK) {
    if (!r->tree.lang) r->tree.lang = sd_strdup(lang);
    date_today_blocks(&r->tree.root, iso);
    date_today(r->tree.footer, r->tree.n_footer, iso);
    date_today(r->tree.header, r->tree.n_header, iso);
    date_today(r->tree.title, r->tree.n_title, iso);
    st = resolve_images(c, &r->tree.root, &SD_LIMITS_DEFAULT, d);
  }
  char *loc_dir = sd_strdup_printf("%s/locales", e->data_dir);
  if (st == SD_OK) st = loc_dir ? sd_locale_open(loc_dir, lang, &r->loc, d) : SD_E_NOMEM;
  free(loc_dir);
  if (st == SD_OK && strcmp(sd_locale_status(r->loc), "unreviewed") == 0)
    sd_diag_warn(d, "locale.unreviewed", NULL, 0, 0, "lang",
                 "the %s catalogue has not been reviewed by a native speaker yet: please check the fixed wording",
                 sd_locale_bundle(r->loc));
  if (st == SD_OK) st = sd_locale_resolve(r->loc, &r->tree, d);
  return st;
}

/* True when the block holds something a reader sees: text, a message, a
 * date or an image (headers, footers and watermarks are artifacts, not here). */
static bool has_content(const sd_block *b)
{
  if (b->kind == SD_BLK_IMAGE) return true;
  for (size_t i = 0; i < b->n_inl; i++)
    if (b->inl[i].kind != SD_INL_BREAK && b->inl[i].text && b->inl[i].text[strspn(b->inl[i].text, " \t\n")])
      return true;
  for (size_t i = 0; i < b->n_children; i++)
    if (has_content(&b->children[i])) return true;
  return false;
}

/* The render's cancel callback and time limit, its clock started now. */
static void render_stop(const sd_render_options *opt, sd_stop *stop, sd_diags *d)
{
  sd_stop_init(stop, opt ? opt->cancel : NULL, opt ? opt->cancel_user : NULL, opt ? opt->time_limit_ms : 0, d);
}

/* Later stages (locale, layout, text) know no file names: what they report
 * about a case is about that case's file, except a catalogue message a
 * template asks for, which is about the template (at the {{t:...}} that
 * asked). A template's own errors say which case was being rendered. */
static void name_source(sd_diags *d, size_t from, const sd_case *c, const char *tpl_name)
{
  for (size_t i = from; d && i < d->n; i++) {
    sd_diag *g = &d->items[i];
    if (!g->file) {
      int from_template = tpl_name && g->line > 0 && g->code && !strncmp(g->code, "locale.", 7);
      const char *file = from_template ? tpl_name : c ? c->file : NULL;
      if (file && !(g->file = sd_strdup(file))) break;
      if (!from_template) continue;
    } else if (!tpl_name || strcmp(g->file, tpl_name) != 0) {
      continue;
    }
    if (g->severity == SD_SEV_ERROR && c && c->file && g->message) {
      char *m = sd_strdup_printf("%s (rendering %s)", g->message, c->file);
      if (m) {
        free(g->message);
        g->message = m;
      }
    }
  }
}

static const char *const STYLES[] = { "standard", "large-print", "dyslexia" };

static void style_error(const char *style_name, sd_diags *d)
{
  const char *near = sd_nearest(style_name, STYLES, sizeof STYLES / sizeof *STYLES);
  if (near)
    sd_diag_error(d, "usage.style", NULL, 0, 0, "style", "unknown style \"%s\"; did you mean \"%s\"? (standard, large-print, dyslexia)",
                  style_name, near);
  else
    sd_diag_error(d, "usage.style", NULL, 0, 0, "style", "unknown style \"%s\" (standard, large-print, dyslexia)",
                  style_name);
}

/* What the caller asked for, checked before any work: the language and the
 * style. The template is checked when it is loaded. */
static sd_status check_options(sd_engine *e, const sd_render_options *opt, sd_diags *d)
{
  if (!opt) return SD_OK;
  if (opt->style && !sd_style_find(opt->style)) {
    style_error(opt->style, d);
    return SD_E_USAGE;
  }
  return opt->lang ? sd_check_lang(e, opt->lang, d) : SD_OK;
}

SD_API sd_status sd_check_lang(sd_engine *e, const char *tag, sd_diags *d)
{
  if (!tag) return SD_OK;
  char *dir = e ? sd_strdup_printf("%s/locales", e->data_dir) : NULL;
  sd_status st = sd_lang_check_in(tag, dir, d);
  free(dir);
  return st;
}

static sd_status build_layout(sd_engine *e, const sd_template *tp, const char *tpl_name, const sd_case *c,
                              const sd_render_options *opt, int64_t epoch, sd_stop *stop, rendered *r, sd_diags *d)
{
  size_t from = d ? d->n : 0;
  sd_status st = resolve_tree(e, tp, c, opt, epoch, r, d);
  if (st == SD_OK && !has_content(&r->tree.root)) {
    /* the last safety net: never a page with only its running header and footer */
    const char *what = r->tree.fm.doc_type ? r->tree.fm.doc_type : opt && opt->template_ref ? opt->template_ref : "template";
    if (c)
      sd_diag_error(d, "render.empty", c->file, c->root ? c->root->line : 0, c->root ? c->root->col : 0, NULL,
                    "the %s has nothing to show for this case: none of the parts it is made from are in the case data",
                    what);
    else
      sd_diag_error(d, "render.empty", NULL, 0, 0, NULL, "the note is empty: there is nothing to print");
    st = SD_E_INPUT;
  }
  const char *style_name = opt && opt->style ? opt->style : r->tree.fm.style ? r->tree.fm.style : "standard";
  const sd_style_spec *style = sd_style_find(style_name);
  if (st == SD_OK && !style) {
    style_error(style_name, d);
    st = SD_E_USAGE;
  }
  if (st == SD_OK) st = sd_stop_check(stop);
  if (st == SD_OK) st = sd_layout_run_stop(&r->tree, r->loc, e->fonts, style, stop, &r->lay, d);
  name_source(d, from, c, tpl_name);
  return st;
}

sd_status sd_engine_document(sd_engine *e, const sd_case *c, const sd_render_options *opt, sd_doc_tree *out,
                             sd_diags *d)
{
  sd_template *tp = NULL;
  int owned = 0;
  sd_status st = load_template(e, opt->template_ref, &tp, &owned, d);
  rendered r;
  memset(&r, 0, sizeof r);
  if (st == SD_OK) st = resolve_tree(e, tp, c, opt, pick_epoch(opt), &r, d);
  *out = r.tree;
  memset(&r.tree, 0, sizeof r.tree);
  rendered_free(&r);
  if (owned) sd_template_free(tp);
  return st;
}

static sd_status render_template(sd_engine *e, const sd_template *tp, const char *tpl_name, const sd_case *c,
                                 const sd_render_options *opt, unsigned char **out_pdf, size_t *out_len,
                                 sd_diags *d)
{
  int64_t epoch = pick_epoch(opt);
  rendered r;
  sd_stop stop;
  render_stop(opt, &stop, d);
  sd_status st = build_layout(e, tp, tpl_name, c, opt, epoch, &stop, &r, d);
  if (st == SD_OK) {
    sd_pdf_meta meta = { .title = r.lay.title, .lang = r.lay.lang, .epoch = epoch, .stop = &stop };
    st = sd_pdf_write(&r.lay, &meta, out_pdf, out_len, d);
  }
  rendered_free(&r);
  return st;
}

/* Several documents as one: a Document whose children are the parts'
 * documents, retagged as Part. The merged layout borrows the parts'
 * items (renumbering their elements in place); free only its arrays. */
static sd_status merge_layouts(rendered *parts, size_t n, sd_layout *out)
{
  size_t pages = 0, elems = 1;
  for (size_t i = 0; i < n; i++) {
    pages += parts[i].lay.n_pages;
    elems += parts[i].lay.n_elems;
  }
  memset(out, 0, sizeof *out);
  out->pages = calloc(pages, sizeof *out->pages);
  out->elems = calloc(elems, sizeof *out->elems);
  if (!out->pages || !out->elems) return SD_E_NOMEM;
  out->elems[0] = (sd_elem){ .role = "Document", .parent = -1 };
  out->n_elems = 1;
  for (size_t i = 0; i < n; i++) {
    sd_layout *l = &parts[i].lay;
    int eoff = (int)out->n_elems, poff = (int)out->n_pages;
    for (size_t k = 0; k < l->n_elems; k++) {
      sd_elem e = l->elems[k];
      e.parent = e.parent < 0 ? 0 : e.parent + eoff;
      if (k == 0) e.role = "Part";
      e.page += poff;
      out->elems[out->n_elems++] = e;
    }
    for (size_t p = 0; p < l->n_pages; p++) {
      sd_page pg = l->pages[p];
      for (size_t k = 0; k < pg.n_items; k++)
        if (pg.items[k].elem >= 0) pg.items[k].elem += eoff;
      out->pages[out->n_pages++] = pg;
    }
  }
  out->background = parts[0].lay.background;
  return SD_OK;
}

SD_API sd_status sd_render_cases(sd_engine *e, const sd_case *const *cases, size_t n, const sd_render_options *caller_opt,
                                 unsigned char **out_pdf, size_t *out_len, sd_diags *d)
{
  sd_render_options opt_buf, *opt = caller_opt ? &opt_buf : NULL;
  options_from_caller(caller_opt, &opt_buf);
  *out_pdf = NULL;
  *out_len = 0;
  if (!e || !cases || !n || !opt || !opt->template_ref) {
    sd_diag_error(d, "usage.template", NULL, 0, 0, NULL, "cases and a template are required");
    return SD_E_USAGE;
  }
  sd_template *tp = NULL;
  int owned = 0;
  sd_status st = check_options(e, opt, d);
  if (st == SD_OK) st = load_template(e, opt->template_ref, &tp, &owned, d);
  rendered *parts = calloc(n, sizeof *parts);
  if (st == SD_OK && !parts) st = SD_E_NOMEM;
  int64_t epoch = pick_epoch(opt);
  sd_stop stop;
  render_stop(opt, &stop, d);
  /* every case is laid out (and checked) on its own; all problems are reported */
  size_t failed = 0;
  for (size_t i = 0; st == SD_OK && i < n; i++) {
    if ((st = sd_stop_check(&stop)) != SD_OK) break;
    sd_status one = build_layout(e, tp, opt->template_ref, cases[i], opt, epoch, &stop, &parts[i], d);
    if (one == SD_E_INPUT || one == SD_E_LIMIT) failed++;
    else if (one != SD_OK) st = one;
  }
  if (st == SD_OK && failed) st = SD_E_INPUT;
  sd_layout all;
  memset(&all, 0, sizeof all);
  char *title = NULL;
  if (st == SD_OK) st = merge_layouts(parts, n, &all);
  if (st == SD_OK) {
    /* the title names every child's document, in order, joined by " · "
     * (4 bytes: the middle dot is 2 in UTF-8) */
    static const char sep[] = " \xC2\xB7 ";
    const size_t sep_len = sizeof sep - 1;
    size_t len = 1;
    for (size_t i = 0; i < n; i++) len += (parts[i].lay.title ? strlen(parts[i].lay.title) : 0) + (i ? sep_len : 0);
    title = malloc(len);
    if (!title) st = SD_E_NOMEM;
    else {
      size_t at = 0;
      for (size_t i = 0; i < n; i++) {
        if (i) {
          memcpy(title + at, sep, sep_len);
          at += sep_len;
        }
        size_t tl = parts[i].lay.title ? strlen(parts[i].lay.title) : 0;
        memcpy(title + at, parts[i].lay.title ? parts[i].lay.title : "", tl);
        at += tl;
      }
      title[at] = 0;
      sd_pdf_meta meta = { .title = title, .lang = parts[0].lay.lang, .epoch = epoch, .stop = &stop };
      st = sd_pdf_write(&all, &meta, out_pdf, out_len, d);
    }
  }
  free(title);
  free(all.pages);
  free(all.elems);
  for (size_t i = 0; parts && i < n; i++) rendered_free(&parts[i]);
  free(parts);
  if (owned) sd_template_free(tp);
  return st;
}

/* "no template called X": with the nearest name in templates/ when one is close. */
static void unknown_template(const sd_engine *e, const char *ref, sd_diags *d)
{
  char *dir = sd_strdup_printf("%s/templates", e->data_dir);
  DIR *dp = dir ? opendir(dir) : NULL;
  char *names[64];
  size_t n = 0;
  struct dirent *de;
  while (dp && n < 64 && (de = readdir(dp))) {
    size_t l = strlen(de->d_name);
    if (l > 3 && !strcmp(de->d_name + l - 3, ".md") && strcmp(de->d_name, "README.md"))
      if ((names[n] = sd_strndup(de->d_name, l - 3))) n++;
  }
  if (dp) closedir(dp);
  free(dir);
  const char *near = sd_nearest(ref, (const char *const *)names, n);
  if (near)
    sd_diag_error(d, "usage.template", NULL, 0, 0, "template",
                  "no template called \"%s\"; did you mean \"%s\"? (see `sendoc templates`)", ref, near);
  else
    sd_diag_error(d, "usage.template", NULL, 0, 0, "template", "no template called \"%s\" (see `sendoc templates`)", ref);
  for (size_t i = 0; i < n; i++) free(names[i]);
}

/* Issue 16's print file: sd_render_cases with a template and language per part. */
sd_status sd_engine_render_parts(sd_engine *e, const sd_engine_part *ps, size_t n, const sd_render_options *caller_opt,
                                 const char *title, unsigned char **out_pdf, size_t *out_len, sd_diags *d)
{
  sd_render_options opt;
  options_from_caller(caller_opt, &opt);
  *out_pdf = NULL;
  *out_len = 0;
  if (!e || !ps || !n) return SD_E_USAGE;
  rendered *parts = calloc(n, sizeof *parts);
  sd_template **owned = calloc(n, sizeof *owned);
  sd_status st = parts && owned ? SD_OK : SD_E_NOMEM;
  int64_t epoch = pick_epoch(&opt);
  sd_stop stop;
  render_stop(&opt, &stop, d);
  size_t failed = 0;
  for (size_t i = 0; st == SD_OK && i < n; i++) {
    sd_template *tp = NULL;
    int own = 0;
    sd_render_options po = opt;
    po.template_ref = ps[i].template_ref;
    po.lang = ps[i].lang;
    st = load_template(e, po.template_ref, &tp, &own, d);
    if (st != SD_OK) break;
    if (own) owned[i] = tp;
    sd_status one = build_layout(e, tp, po.template_ref, ps[i].c, &po, epoch, &stop, &parts[i], d);
    if (one == SD_E_INPUT || one == SD_E_LIMIT) failed++;
    else if (one != SD_OK) st = one;
  }
  if (st == SD_OK && failed) st = SD_E_INPUT;
  sd_layout all;
  memset(&all, 0, sizeof all);
  if (st == SD_OK) st = merge_layouts(parts, n, &all);
  if (st == SD_OK) {
    size_t eoff = 1;
    for (size_t i = 0; i < n; i++) {
      sd_elem *part = &all.elems[eoff];
      part->bookmark = ps[i].bookmark ? ps[i].bookmark : parts[i].lay.title;
      if (!part->lang) part->lang = parts[i].lay.lang;
      eoff += parts[i].lay.n_elems;
    }
    sd_pdf_meta meta = { .title = title ? title : parts[0].lay.title, .lang = opt.lang ? opt.lang : "en-GB",
                         .epoch = epoch, .stop = &stop };
    st = sd_pdf_write(&all, &meta, out_pdf, out_len, d);
  }
  free(all.pages);
  free(all.elems);
  for (size_t i = 0; parts && i < n; i++) rendered_free(&parts[i]);
  for (size_t i = 0; owned && i < n; i++) sd_template_free(owned[i]);
  free(parts);
  free(owned);
  return st;
}

static sd_status parse_template_file(sd_engine *e, const char *ref, sd_template **out, sd_diags *d)
{
  char *path = is_path(ref) ? sd_strdup(ref) : sd_strdup_printf("%s/templates/%s.md", e->data_dir, ref);
  if (!path) return SD_E_NOMEM;
  if (!is_path(ref) && access(path, F_OK) != 0) {
    unknown_template(e, ref, d);
    free(path);
    return SD_E_USAGE;
  }
  size_t len = 0;
  sd_status st = SD_OK;
  char *text = read_file(path, 1u << 20, &len, d, "template", &st);
  if (!text) {
    /* a name that is not a template is a usage error; its content's problems are not */
    if (st == SD_E_IO && !is_path(ref)) st = SD_E_USAGE;
    if (st == SD_E_USAGE) unknown_template(e, ref, d);
  } else {
    /* messages name the template by what the user typed, not a data-dir path */
    st = sd_template_parse(text, len, is_path(ref) ? path : ref, out, d);
    if (st == SD_OK) sd_template_use_schema(*out, e->fields);
  }
  free(text);
  free(path);
  return st;
}

static char *template_path(const sd_engine *e, const char *ref)
{
  return is_path(ref) ? sd_strdup(ref) : sd_strdup_printf("%s/templates/%s.md", e->data_dir, ref);
}

/* The parsed template for ref: the engine's copy while the file is
 * unchanged, else parsed now and kept while there is room. *owned says
 * whether the caller frees it (sd_template_free) or the engine does. */
static sd_status load_template(sd_engine *e, const char *ref, sd_template **out, int *owned, sd_diags *d)
{
  struct stat sb;
  char *path = template_path(e, ref);
  int have = path && stat(path, &sb) == 0;
  free(path);
  int64_t mt = have ? (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec : 0;
  *out = NULL;
  *owned = 0;
  if (have) {
    pthread_mutex_lock(&e->templates_mu);
    for (size_t i = 0; i < e->n_templates && !*out; i++)
      if (!strcmp(e->templates[i].ref, ref) && e->templates[i].mtime_ns == mt && e->templates[i].size == sb.st_size)
        *out = e->templates[i].t;
    pthread_mutex_unlock(&e->templates_mu);
    if (*out) return SD_OK;
  }
  sd_template *t = NULL;
  sd_status st = parse_template_file(e, ref, &t, d);
  if (st != SD_OK) return st;
  int kept = 0;
  char *key = have ? sd_strdup(ref) : NULL;
  pthread_mutex_lock(&e->templates_mu);
  if (key && e->n_templates < TEMPLATE_CACHE_MAX) {
    e->templates[e->n_templates++] = (cached_template){ key, mt, sb.st_size, t };
    kept = 1;
  }
  pthread_mutex_unlock(&e->templates_mu);
  if (!kept) free(key);
  *out = t;
  *owned = !kept;
  return SD_OK;
}

SD_API sd_status sd_render(sd_engine *e, const sd_case *c, const sd_render_options *caller_opt,
                           unsigned char **out_pdf, size_t *out_len, sd_diags *d)
{
  sd_render_options opt_buf, *opt = caller_opt ? &opt_buf : NULL;
  options_from_caller(caller_opt, &opt_buf);
  *out_pdf = NULL;
  *out_len = 0;
  if (!e || !c || !opt || !opt->template_ref) {
    sd_diag_error(d, "usage.template", NULL, 0, 0, NULL, "a template is required");
    return SD_E_USAGE;
  }
  sd_template *tp = NULL;
  int owned = 0;
  sd_status st = check_options(e, opt, d);
  if (st == SD_OK) st = load_template(e, opt->template_ref, &tp, &owned, d);
  if (st == SD_OK) st = render_template(e, tp, opt->template_ref, c, opt, out_pdf, out_len, d);
  if (owned) sd_template_free(tp);
  return st;
}

SD_API sd_status sd_render_markdown(sd_engine *e, const char *md, size_t md_len, const char *name,
                                    const sd_render_options *caller_opt, unsigned char **out_pdf, size_t *out_len,
                                    sd_diags *d)
{
  sd_render_options opt_buf, *opt = caller_opt ? &opt_buf : NULL;
  options_from_caller(caller_opt, &opt_buf);
  *out_pdf = NULL;
  *out_len = 0;
  sd_template *tp = NULL;
  sd_status st = check_options(e, opt, d);
  if (st == SD_OK) st = sd_template_parse(md, md_len, name ? name : "-", &tp, d);
  if (st == SD_OK) st = render_template(e, tp, name ? name : "-", NULL, opt, out_pdf, out_len, d);
  sd_template_free(tp);
  return st;
}

SD_API sd_status sd_write_file_atomic(const char *path, const unsigned char *buf, size_t len, sd_diags *d)
{
  if (strcmp(path, "-") == 0) {
    if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0) {
      sd_diag_error(d, "io.write", "-", 0, 0, NULL, "cannot write to standard output: %s", strerror(errno));
      return SD_E_IO;
    }
    return SD_OK;
  }
  /* same folder as the target so rename(2) is atomic */
  char *tmp = sd_strdup_printf("%s.tmp-XXXXXX", path);
  if (!tmp) return SD_E_NOMEM;
  int fd = mkstemp(tmp); /* mode 0600 */
  sd_status st = SD_OK;
  if (fd < 0) {
    sd_diag_error(d, "io.write", path, 0, 0, NULL, "cannot create the output file: %s", strerror(errno));
    free(tmp);
    return SD_E_IO;
  }
  size_t done = 0;
  while (done < len) {
    ssize_t w = write(fd, buf + done, len - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    done += (size_t)w;
  }
  if (done != len || fsync(fd) != 0) {
    sd_diag_error(d, "io.write", path, 0, 0, NULL, "cannot write the output file: %s", strerror(errno));
    st = SD_E_IO;
  }
  if (close(fd) != 0 && st == SD_OK) {
    sd_diag_error(d, "io.write", path, 0, 0, NULL, "cannot write the output file: %s", strerror(errno));
    st = SD_E_IO;
  }
  if (st == SD_OK && rename(tmp, path) != 0) {
    sd_diag_error(d, "io.write", path, 0, 0, NULL, "cannot move the output into place: %s", strerror(errno));
    st = SD_E_IO;
  }
  if (st != SD_OK) unlink(tmp);
  free(tmp);
  return st;
}
