/* fonts: the font map (fonts/fontmap.txt) resolved through fontconfig, each
 * font file parsed once, lazily, and shared read-only by every thread. */
#include "fonts.h"
#include "fileio.h"
#include "shapecache.h"
#include <ctype.h>
#include <fontconfig/fontconfig.h>
#include <hb-ot.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAP_LINE_MAX 512
/* HarfBuzz output kept per font: a few hundred paragraphs */
#define SHAPE_CACHE_BYTES (4u << 20)

/* One row of the font map, resolved to a file when the map is read. */
typedef struct map_row {
  hb_script_t script; /* HB_SCRIPT_INVALID for the '*' fallback rows */
  char *lang;         /* language prefix, NULL: any language */
  sd_font_style style;
  char *family;
  char *path;         /* resolved by fontconfig */
  unsigned index;
  sd_font *font;      /* loaded on first use; read with acquire, set under mu */
  int failed;         /* loading was tried and failed */
} map_row;

struct sd_fonts {
  map_row *rows;
  size_t n_rows;
  sd_font **loaded; /* in order of first load; capacity n_rows, so no realloc */
  size_t n_loaded;
  /* rows whose family is not installed: a character only they might have
   * covered is the machine's problem, not the text's */
  struct { hb_script_t script; char *family; } *missing;
  size_t n_missing;
  pthread_mutex_t mu;
};

/* ---- reading the map ---------------------------------------------------- */

static char *trim(char *s)
{
  while (isspace((unsigned char)*s)) s++;
  char *e = s + strlen(s);
  while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
  return s;
}

/* Hans and Hant are variants of Han (ISO 15924); HarfBuzz has one Han script. */
static hb_script_t script_from_code(const char *code)
{
  if (strcmp(code, "*") == 0) return HB_SCRIPT_INVALID;
  if (strlen(code) != 4) return HB_SCRIPT_UNKNOWN;
  if (strcasecmp(code, "Hans") == 0 || strcasecmp(code, "Hant") == 0) return HB_SCRIPT_HAN;
  hb_script_t s = hb_script_from_string(code, 4);
  return s == HB_SCRIPT_INVALID ? HB_SCRIPT_UNKNOWN : s;
}

static sd_status parse_row(char *line, map_row *row)
{
  char *save = NULL;
  char *key = strtok_r(line, " \t", &save);
  char *style = strtok_r(NULL, " \t", &save);
  char *family = save ? trim(save) : NULL;
  if (!key || !style || !family || !*family) return SD_E_RESOURCE;
  char *plus = strchr(key, '+');
  if (plus) *plus++ = '\0';
  row->script = script_from_code(key);
  if (row->script == HB_SCRIPT_UNKNOWN || (plus && !*plus)) return SD_E_RESOURCE;
  if (strcmp(style, "regular") == 0) row->style = SD_FONT_REGULAR;
  else if (strcmp(style, "bold") == 0) row->style = SD_FONT_BOLD;
  else return SD_E_RESOURCE;
  row->lang = plus ? sd_strdup(plus) : NULL;
  row->family = sd_strdup(family);
  if (!row->family || (plus && !row->lang)) return SD_E_NOMEM;
  return SD_OK;
}

static sd_status read_map(sd_fonts *f, const char *path, sd_diags *d)
{
  FILE *fp = sd_fopen_regular(path, NULL);
  if (!fp) {
    sd_diag_error(d, "fonts.map", path, 0, 0, NULL, "cannot open the font map");
    return SD_E_RESOURCE;
  }
  sd_status st = SD_OK;
  char buf[MAP_LINE_MAX];
  size_t cap = 0;
  int lineno = 0;
  while (st == SD_OK && fgets(buf, sizeof buf, fp)) {
    lineno++;
    char *hash = strchr(buf, '#');
    if (hash) *hash = '\0';
    char *line = trim(buf);
    if (!*line) continue;
    if (f->n_rows == cap) {
      size_t ncap = cap ? cap * 2 : 32;
      map_row *rows = realloc(f->rows, ncap * sizeof *rows);
      if (!rows) { st = SD_E_NOMEM; break; }
      f->rows = rows;
      cap = ncap;
    }
    map_row *row = &f->rows[f->n_rows];
    memset(row, 0, sizeof *row);
    f->n_rows++;
    st = parse_row(line, row);
    if (st == SD_E_RESOURCE)
      sd_diag_error(d, "fonts.map", path, lineno, 1, NULL,
                    "expected 'SCRIPT[+LANG] regular|bold FAMILY'");
  }
  fclose(fp);
  return st;
}

/* ---- resolving families through fontconfig ------------------------------ */

/* fontconfig substitutes a look-alike when a family is missing; only the
 * family asked for is acceptable, so the document looks the same everywhere. */
static int has_family(FcPattern *p, const char *family)
{
  FcChar8 *s;
  for (int i = 0; FcPatternGetString(p, FC_FAMILY, i, &s) == FcResultMatch; i++)
    if (strcasecmp((const char *)s, family) == 0) return 1;
  return 0;
}

static sd_status keep_file(map_row *row, FcPattern *font)
{
  FcChar8 *file;
  int index = 0;
  if (FcPatternGetString(font, FC_FILE, 0, &file) != FcResultMatch) return SD_E_FONT;
  FcPatternGetInteger(font, FC_INDEX, 0, &index);
  row->path = sd_strdup((const char *)file);
  row->index = (unsigned)index & 0xFFFFu; /* high bits: variable instance */
  return row->path ? SD_OK : SD_E_NOMEM;
}

/* The one installed font with exactly this family and style name, found
 * without FcFontMatch, which scores every installed font and took three
 * quarters of an English batch's start-up; SD_E_FONT when there is not
 * exactly one (DejaVu calls its regular "Book"), and matching decides. */
static sd_status list_row(FcConfig *cfg, map_row *row)
{
  sd_status st = SD_E_FONT;
  FcPattern *pat = FcPatternCreate();
  FcObjectSet *os = FcObjectSetBuild(FC_FILE, FC_INDEX, (char *)NULL);
  if (!pat || !os) st = SD_E_NOMEM;
  else {
    FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)row->family);
    FcPatternAddString(pat, FC_STYLE, (const FcChar8 *)(row->style == SD_FONT_BOLD ? "Bold" : "Regular"));
    FcFontSet *fs = FcFontList(cfg, pat, os);
    if (fs && fs->nfont == 1) st = keep_file(row, fs->fonts[0]);
    if (fs) FcFontSetDestroy(fs);
  }
  if (os) FcObjectSetDestroy(os);
  if (pat) FcPatternDestroy(pat);
  return st;
}

static sd_status resolve_row(FcConfig *cfg, map_row *row)
{
  sd_status st = list_row(cfg, row);
  if (st != SD_E_FONT) return st;
  FcPattern *pat = FcPatternCreate(), *match = NULL;
  if (!pat) return SD_E_NOMEM;
  FcPatternAddString(pat, FC_FAMILY, (const FcChar8 *)row->family);
  /* style as well as weight: Debian's Noto Nastaliq Urdu Bold claims weight 80 */
  FcPatternAddString(pat, FC_STYLE, (const FcChar8 *)(row->style == SD_FONT_BOLD ? "Bold" : "Regular"));
  FcPatternAddInteger(pat, FC_WEIGHT, row->style == SD_FONT_BOLD ? FC_WEIGHT_BOLD : FC_WEIGHT_REGULAR);
  FcPatternAddInteger(pat, FC_SLANT, FC_SLANT_ROMAN);
  FcPatternAddInteger(pat, FC_WIDTH, FC_WIDTH_NORMAL);
  FcConfigSubstitute(cfg, pat, FcMatchPattern);
  FcDefaultSubstitute(pat);
  FcResult res;
  match = FcFontMatch(cfg, pat, &res);
  if (match && has_family(match, row->family)) st = keep_file(row, match);
  if (match) FcPatternDestroy(match);
  FcPatternDestroy(pat);
  return st;
}

static void free_row(map_row *row)
{
  free(row->lang);
  free(row->family);
  free(row->path);
}

/* Resolves every row, dropping (with a warning) families not installed. A
 * private FcConfig keeps fontconfig's global state out of the library. */
static sd_status resolve_rows(sd_fonts *f, const char *map_path, sd_diags *d)
{
  FcConfig *cfg = FcInitLoadConfigAndFonts();
  if (!cfg) {
    sd_diag_error(d, "fonts.fontconfig", map_path, 0, 0, NULL, "fontconfig failed to start");
    return SD_E_RESOURCE;
  }
  sd_status st = SD_OK;
  size_t kept = 0;
  f->missing = calloc(f->n_rows ? f->n_rows : 1, sizeof *f->missing);
  if (!f->missing) st = SD_E_NOMEM;
  for (size_t i = 0; i < f->n_rows && st != SD_E_NOMEM; i++) {
    map_row *row = &f->rows[i];
    st = resolve_row(cfg, row);
    if (st == SD_E_FONT) {
      sd_diag_warn(d, "fonts.missing", map_path, 0, 0, NULL,
                   "font family \"%s\" (%s) is not installed; row skipped", row->family,
                   row->style == SD_FONT_BOLD ? "bold" : "regular");
      f->missing[f->n_missing].script = row->script;
      f->missing[f->n_missing++].family = row->family;
      row->family = NULL;
    }
    if (st == SD_OK) f->rows[kept++] = *row;
    else free_row(row);
  }
  f->n_rows = kept;
  FcConfigDestroy(cfg);
  if (st == SD_E_NOMEM) return st;
  if (kept == 0) {
    sd_diag_error(d, "fonts.map", map_path, 0, 0, NULL, "the font map names no installed font");
    return SD_E_RESOURCE;
  }
  return SD_OK;
}

sd_status sd_fonts_new(const char *fontmap_path, sd_fonts **out, sd_diags *d)
{
  *out = NULL;
  if (!fontmap_path) return SD_E_USAGE;
  sd_fonts *f = calloc(1, sizeof *f);
  if (!f) return SD_E_NOMEM;
  if (pthread_mutex_init(&f->mu, NULL) != 0) {
    free(f);
    return SD_E_NOMEM;
  }
  sd_status st = read_map(f, fontmap_path, d);
  if (st == SD_OK) st = resolve_rows(f, fontmap_path, d);
  if (st == SD_OK) {
    f->loaded = calloc(f->n_rows, sizeof *f->loaded);
    if (!f->loaded) st = SD_E_NOMEM;
  }
  if (st != SD_OK) {
    sd_fonts_free(f);
    return st;
  }
  *out = f;
  return SD_OK;
}

static void program_cache_free(struct sd_program_cache *pc);
static void outline_cache_free(struct sd_outline_cache *oc);

static void free_font(sd_font *ft)
{
  hb_font_destroy(ft->font);
  hb_face_destroy(ft->face);
  hb_blob_destroy(ft->blob);
  free(ft->path);
  free(ft->ps_name);
  free(ft->gid_by_width);
  free(ft->width_sorted);
  program_cache_free(ft->programs);
  outline_cache_free(ft->outlines);
  sd_shape_cache_free(ft->shapes);
  free(ft);
}

void sd_fonts_free(sd_fonts *f)
{
  if (!f) return;
  for (size_t i = 0; i < f->n_loaded; i++) free_font(f->loaded[i]);
  for (size_t i = 0; i < f->n_rows; i++) free_row(&f->rows[i]);
  for (size_t i = 0; i < f->n_missing; i++) free(f->missing[i].family);
  free(f->missing);
  free(f->rows);
  free(f->loaded);
  pthread_mutex_destroy(&f->mu);
  free(f);
}

/* ---- loading a font ----------------------------------------------------- */

static int16_t be16(const char *p)
{
  return (int16_t)(((unsigned)(unsigned char)p[0] << 8) | (unsigned char)p[1]);
}

static int table_len(hb_face_t *face, hb_tag_t tag)
{
  hb_blob_t *b = hb_face_reference_table(face, tag);
  int len = (int)hb_blob_get_length(b);
  hb_blob_destroy(b);
  return len;
}

/* PDF /BaseFont wants a plain name: keep the PostScript-name characters. */
static char *read_ps_name(hb_face_t *face, const char *path)
{
  char buf[128];
  unsigned len = sizeof buf;
  len = hb_ot_name_get_utf8(face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &len, buf);
  if (len == 0) {
    const char *base = strrchr(path, '/');
    snprintf(buf, sizeof buf, "%s", base ? base + 1 : path);
  }
  size_t j = 0;
  for (size_t i = 0; buf[i] && j < sizeof buf - 1; i++)
    if (isalnum((unsigned char)buf[i]) || buf[i] == '-' || buf[i] == '_') buf[j++] = buf[i];
  buf[j] = '\0';
  return sd_strdup(j ? buf : "Font");
}

static void read_metrics(sd_font *ft)
{
  hb_position_t v;
  hb_ot_metrics_get_position_with_fallback(ft->font, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &v);
  ft->ascender = v;
  hb_ot_metrics_get_position_with_fallback(ft->font, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &v);
  ft->descender = v;
  hb_ot_metrics_get_position_with_fallback(ft->font, HB_OT_METRICS_TAG_CAP_HEIGHT, &v);
  ft->cap_height = v;
  /* 'head' xMin yMin xMax yMax at bytes 36..43 (OpenType spec) */
  hb_blob_t *head = hb_face_reference_table(ft->face, HB_TAG('h', 'e', 'a', 'd'));
  unsigned len;
  const char *p = hb_blob_get_data(head, &len);
  if (p && len >= 54)
    for (int i = 0; i < 4; i++) ft->bbox[i] = be16(p + 36 + 2 * i);
  hb_blob_destroy(head);
  ft->is_cff = table_len(ft->face, HB_TAG('C', 'F', 'F', ' ')) > 0 ||
               table_len(ft->face, HB_TAG('C', 'F', 'F', '2')) > 0;
}

/* ---- embedded programs, shared by documents ---- */

enum { PROGRAM_CACHE_MAX = 32 };

typedef struct program {
  uint32_t *gids;
  size_t n;
  hb_blob_t *zdata;
  unsigned raw_len;
} program;

struct sd_program_cache {
  pthread_mutex_t mu;
  program items[PROGRAM_CACHE_MAX];
  size_t n;
};

static struct sd_program_cache *program_cache_new(void)
{
  struct sd_program_cache *pc = calloc(1, sizeof *pc);
  if (pc && pthread_mutex_init(&pc->mu, NULL) != 0) {
    free(pc);
    pc = NULL;
  }
  return pc;
}

static void program_cache_free(struct sd_program_cache *pc)
{
  if (!pc) return;
  for (size_t i = 0; i < pc->n; i++) {
    free(pc->items[i].gids);
    hb_blob_destroy(pc->items[i].zdata);
  }
  pthread_mutex_destroy(&pc->mu);
  free(pc);
}

hb_blob_t *sd_font_program_get(const sd_font *font, const uint32_t *gids, size_t n, unsigned *raw_len)
{
  struct sd_program_cache *pc = font->programs;
  hb_blob_t *hit = NULL;
  if (!pc) return NULL;
  pthread_mutex_lock(&pc->mu);
  for (size_t i = 0; i < pc->n && !hit; i++)
    if (pc->items[i].n == n && memcmp(pc->items[i].gids, gids, n * sizeof *gids) == 0) {
      hit = hb_blob_reference(pc->items[i].zdata);
      *raw_len = pc->items[i].raw_len;
    }
  pthread_mutex_unlock(&pc->mu);
  return hit;
}

void sd_font_program_put(const sd_font *font, const uint32_t *gids, size_t n, hb_blob_t *zdata, unsigned raw_len)
{
  struct sd_program_cache *pc = font->programs;
  if (!pc) return;
  uint32_t *copy = malloc((n ? n : 1) * sizeof *copy);
  if (!copy) return;
  memcpy(copy, gids, n * sizeof *gids);
  pthread_mutex_lock(&pc->mu);
  int known = 0;
  for (size_t i = 0; i < pc->n && !known; i++)
    known = pc->items[i].n == n && memcmp(pc->items[i].gids, gids, n * sizeof *gids) == 0;
  if (!known && pc->n < PROGRAM_CACHE_MAX) {
    pc->items[pc->n++] = (program){ copy, n, hb_blob_reference(zdata), raw_len };
    copy = NULL;
  }
  pthread_mutex_unlock(&pc->mu);
  free(copy);
}

/* ---- glyph outlines, shared by documents ---- */

typedef struct outline_entry {
  uint32_t gid;        /* UINT32_MAX: empty */
  hb_blob_t *data;
  int bbox[4];
} outline_entry;

struct sd_outline_cache {
  pthread_mutex_t mu;
  outline_entry *slots; /* open addressing by gid */
  size_t cap, n;
};

static struct sd_outline_cache *outline_cache_new(void)
{
  struct sd_outline_cache *oc = calloc(1, sizeof *oc);
  if (!oc) return NULL;
  oc->cap = 512;
  oc->slots = malloc(oc->cap * sizeof *oc->slots);
  if (!oc->slots || pthread_mutex_init(&oc->mu, NULL) != 0) {
    free(oc->slots);
    free(oc);
    return NULL;
  }
  for (size_t i = 0; i < oc->cap; i++) oc->slots[i].gid = UINT32_MAX;
  return oc;
}

static void outline_cache_free(struct sd_outline_cache *oc)
{
  if (!oc) return;
  for (size_t i = 0; i < oc->cap; i++)
    if (oc->slots[i].gid != UINT32_MAX) hb_blob_destroy(oc->slots[i].data);
  pthread_mutex_destroy(&oc->mu);
  free(oc->slots);
  free(oc);
}

static size_t outline_slot(const outline_entry *slots, size_t cap, uint32_t gid)
{
  size_t i = (size_t)((gid * 2654435761u) & (cap - 1));
  while (slots[i].gid != UINT32_MAX && slots[i].gid != gid) i = (i + 1) & (cap - 1);
  return i;
}

hb_blob_t *sd_font_outline_get(const sd_font *font, uint32_t gid, int bbox[4])
{
  struct sd_outline_cache *oc = font->outlines;
  hb_blob_t *hit = NULL;
  if (!oc) return NULL;
  pthread_mutex_lock(&oc->mu);
  const outline_entry *e = &oc->slots[outline_slot(oc->slots, oc->cap, gid)];
  if (e->gid == gid) {
    hit = hb_blob_reference(e->data);
    memcpy(bbox, e->bbox, sizeof e->bbox);
  }
  pthread_mutex_unlock(&oc->mu);
  return hit;
}

void sd_font_outline_put(const sd_font *font, uint32_t gid, hb_blob_t *data, const int bbox[4])
{
  struct sd_outline_cache *oc = font->outlines;
  if (!oc) return;
  pthread_mutex_lock(&oc->mu);
  if ((oc->n + 1) * 2 > oc->cap) {
    /* grow: keep at most half full */
    size_t cap = oc->cap * 2;
    outline_entry *slots = malloc(cap * sizeof *slots);
    if (slots) {
      for (size_t i = 0; i < cap; i++) slots[i].gid = UINT32_MAX;
      for (size_t i = 0; i < oc->cap; i++)
        if (oc->slots[i].gid != UINT32_MAX) slots[outline_slot(slots, cap, oc->slots[i].gid)] = oc->slots[i];
      free(oc->slots);
      oc->slots = slots;
      oc->cap = cap;
    }
  }
  if ((oc->n + 1) * 2 <= oc->cap) {
    outline_entry *e = &oc->slots[outline_slot(oc->slots, oc->cap, gid)];
    if (e->gid == UINT32_MAX) {
      *e = (outline_entry){ gid, hb_blob_reference(data), { bbox[0], bbox[1], bbox[2], bbox[3] } };
      oc->n++;
    }
  }
  pthread_mutex_unlock(&oc->mu);
}

typedef struct width_gid { int32_t w; uint32_t gid; } width_gid;

static int by_width(const void *a, const void *b)
{
  const width_gid *x = a, *y = b;
  if (x->w != y->w) return x->w < y->w ? -1 : 1;
  return x->gid < y->gid ? -1 : x->gid > y->gid;
}

/* The PDF writer's invisible text layer needs, per cluster, a glyph as wide
 * as the cluster (pdf.c); the index is built once, when the font loads. */
static int index_widths(sd_font *ft)
{
  unsigned n = hb_face_get_glyph_count(ft->face);
  width_gid *v = malloc((n ? n : 1) * sizeof *v);
  if (!v) return -1;
  unsigned k = 0;
  /* only glyphs with ink: MuPDF's display list drops a text object whose
   * glyphs all have empty boxes (a right-to-left run of one space), and
   * the layer is invisible (3 Tr), so the ink never shows */
  for (int inked_only = 1; inked_only >= 0 && k == 0; inked_only--) {
    for (unsigned g = 1; g < n; g++) {
      int32_t w = hb_font_get_glyph_h_advance(ft->font, g);
      hb_glyph_extents_t e;
      int inked = hb_font_get_glyph_extents(ft->font, g, &e) && e.width && e.height;
      if (w > 0 && (inked || !inked_only)) v[k++] = (width_gid){ w, g };
      else if (w == 0 && !ft->zero_width_gid && (inked || !inked_only)) ft->zero_width_gid = g;
    }
  }
  qsort(v, k, sizeof *v, by_width);
  ft->gid_by_width = malloc((k ? k : 1) * sizeof *ft->gid_by_width);
  ft->width_sorted = malloc((k ? k : 1) * sizeof *ft->width_sorted);
  if (!ft->gid_by_width || !ft->width_sorted) {
    free(v);
    return -1;
  }
  for (unsigned i = 0; i < k; i++) {
    ft->gid_by_width[i] = v[i].gid;
    ft->width_sorted[i] = v[i].w;
  }
  ft->n_by_width = k;
  free(v);
  return 0;
}

uint32_t sd_font_glyph_of_width(const sd_font *ft, int32_t adv)
{
  unsigned lo = 0, hi = ft->n_by_width;
  if (!hi) return 0;
  while (lo < hi) {
    unsigned mid = lo + (hi - lo) / 2;
    if (ft->width_sorted[mid] < adv) lo = mid + 1;
    else hi = mid;
  }
  if (lo == ft->n_by_width) lo--;
  else if (lo > 0 && adv - ft->width_sorted[lo - 1] < ft->width_sorted[lo] - adv) lo--;
  return ft->gid_by_width[lo];
}

uint32_t sd_font_glyph_covering(const sd_font *ft, int32_t adv, int32_t slack)
{
  unsigned lo = 0, hi = ft->n_by_width;
  while (lo < hi) {
    unsigned mid = lo + (hi - lo) / 2;
    if (ft->width_sorted[mid] < adv) lo = mid + 1;
    else hi = mid;
  }
  if (lo < ft->n_by_width && ft->width_sorted[lo] - adv <= slack) return ft->gid_by_width[lo];
  return sd_font_glyph_of_width(ft, adv);
}

static sd_font *load_font(const char *path, unsigned index, unsigned id)
{
  sd_font *ft = calloc(1, sizeof *ft);
  if (!ft) return NULL;
  ft->blob = hb_blob_create_from_file_or_fail(path);
  if (!ft->blob) goto fail;
  ft->face = hb_face_create(ft->blob, index);
  if (hb_face_get_glyph_count(ft->face) == 0) goto fail;
  ft->upem = hb_face_get_upem(ft->face);
  ft->font = hb_font_create(ft->face);
  hb_font_set_scale(ft->font, (int)ft->upem, (int)ft->upem);
  /* immutable objects may be used by many threads at once (HarfBuzz docs) */
  hb_face_make_immutable(ft->face);
  hb_font_make_immutable(ft->font);
  ft->path = sd_strdup(path);
  ft->ps_name = read_ps_name(ft->face, path);
  if (!ft->path || !ft->ps_name) goto fail;
  ft->face_index = index;
  ft->id = id;
  read_metrics(ft);
  if (index_widths(ft) || !(ft->programs = program_cache_new()) || !(ft->outlines = outline_cache_new())) goto fail;
  ft->shapes = sd_shape_cache_new(SHAPE_CACHE_BYTES);
  return ft;
fail:
  free(ft->gid_by_width);
  free(ft->width_sorted);
  program_cache_free(ft->programs);
  outline_cache_free(ft->outlines);
  hb_font_destroy(ft->font);
  hb_face_destroy(ft->face);
  hb_blob_destroy(ft->blob);
  free(ft->path);
  free(ft->ps_name);
  free(ft);
  return NULL;
}

/* Several rows often name one file (Noto Sans serves Latn, Cyrl, Grek, '*'):
 * it is parsed once and the rows share it. */
static sd_font *row_font(sd_fonts *f, map_row *row)
{
  sd_font *ft = __atomic_load_n(&row->font, __ATOMIC_ACQUIRE);
  if (ft || __atomic_load_n(&row->failed, __ATOMIC_ACQUIRE)) return ft;
  pthread_mutex_lock(&f->mu);
  ft = row->font;
  if (!ft && !row->failed) {
    for (size_t i = 0; i < f->n_loaded && !ft; i++)
      if (f->loaded[i]->face_index == row->index && strcmp(f->loaded[i]->path, row->path) == 0)
        ft = f->loaded[i];
    if (!ft && (ft = load_font(row->path, row->index, (unsigned)f->n_loaded)))
      f->loaded[f->n_loaded++] = ft;
    if (ft) __atomic_store_n(&row->font, ft, __ATOMIC_RELEASE);
    else __atomic_store_n(&row->failed, 1, __ATOMIC_RELEASE);
  }
  pthread_mutex_unlock(&f->mu);
  return ft;
}

/* ---- picking a font ----------------------------------------------------- */

/* BCP 47 prefix match: "pa" matches "pa", "pa-Arab", "pa_PK" but not "pap". */
static int lang_matches(const char *row_lang, const char *lang)
{
  if (!lang) return 0;
  size_t n = strlen(row_lang);
  return strncasecmp(row_lang, lang, n) == 0 && (lang[n] == '\0' || lang[n] == '-' || lang[n] == '_');
}

enum { TIER_LANG, TIER_SCRIPT, TIER_ANY };

static int row_in_tier(const map_row *r, int tier, hb_script_t script, const char *lang)
{
  switch (tier) {
  case TIER_LANG: return r->script == script && r->lang && lang_matches(r->lang, lang);
  case TIER_SCRIPT: return r->script == script && !r->lang;
  default: return r->script == HB_SCRIPT_INVALID;
  }
}

static const sd_font *pick_style(sd_fonts *f, hb_script_t script, const char *lang,
                                 sd_font_style style, hb_codepoint_t cp)
{
  for (int tier = TIER_LANG; tier <= TIER_ANY; tier++)
    for (size_t i = 0; i < f->n_rows; i++) {
      map_row *r = &f->rows[i];
      if (r->style != style || !row_in_tier(r, tier, script, lang)) continue;
      sd_font *ft = row_font(f, r);
      hb_codepoint_t gid;
      if (ft && hb_font_get_nominal_glyph(ft->font, cp, &gid)) return ft;
    }
  return NULL;
}

const char *sd_fonts_missing_for(const sd_fonts *f, hb_script_t script, int emoji)
{
  hb_script_t zsye = hb_script_from_string("Zsye", 4);
  for (size_t i = 0; f && i < f->n_missing; i++) {
    hb_script_t s = f->missing[i].script;
    if (s == script || s == HB_SCRIPT_INVALID || (emoji && s == zsye)) return f->missing[i].family;
  }
  return NULL;
}

const sd_font *sd_fonts_pick_emoji(sd_fonts *f, sd_font_style style, hb_codepoint_t cp)
{
  if (!f) return NULL;
  hb_script_t zsye = hb_script_from_string("Zsye", 4);
  for (int pass = 0; pass < 2; pass++) {
    sd_font_style want = pass == 0 ? style : SD_FONT_REGULAR;
    for (size_t i = 0; i < f->n_rows; i++) {
      map_row *r = &f->rows[i];
      if (r->style != want || r->script != zsye) continue;
      sd_font *ft = row_font(f, r);
      hb_codepoint_t gid;
      if (ft && hb_font_get_nominal_glyph(ft->font, cp, &gid)) return ft;
    }
  }
  return NULL;
}

const sd_font *sd_fonts_pick(sd_fonts *f, hb_script_t script, const char *lang,
                             sd_font_style style, hb_codepoint_t cp)
{
  if (!f) return NULL;
  const sd_font *ft = pick_style(f, script, lang, style, cp);
  /* a bold request falls back to regular rather than to no font at all */
  if (!ft && style == SD_FONT_BOLD) ft = pick_style(f, script, lang, SD_FONT_REGULAR, cp);
  return ft;
}
