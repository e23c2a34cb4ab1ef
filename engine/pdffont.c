/* pdffont: shaped glyphs to an embedded Type0/CIDFontType2 font, one CID per
 * distinct (glyph id, text) pair (DESIGN.md, "The text layer must stand on
 * ToUnicode alone"). */
#include "pdffont.h"
#include "pdfbuf.h"
#include <zlib.h>
#include <hb-subset.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CODES 65535u
/* Adobe CMap spec (TN 5099/5411): a bfchar destination is at most 512 bytes */
#define MAX_UTF16_UNITS 256u
/* PDF 1.7 Annex C: arrays past 8191 elements may break older readers */
#define W_CHUNK 4096u
/* ISO 32000-1 9.10.3: at most 100 entries per beginbfchar block */
#define BFCHAR_CHUNK 100u
#define MAX_NAME 120u /* HPDF_LIMIT_MAX_NAME_LEN is 127; leave room for the tag */

typedef struct entry {
  uint32_t gid;
  uint32_t hash;
  uint32_t text_off; /* into arena */
  uint32_t text_len;
  int32_t width;     /* 1/1000 em, as written in /W */
} entry;

struct sd_pdffont {
  const sd_font *font;
  char res_name[16];
  unsigned glyph_count;
  double to_1000;     /* glyph space units per font unit */
  entry *codes;       /* code c is codes[c - 1] */
  uint32_t n, cap;
  uint32_t *slots;    /* open addressing: a code, 0 when empty */
  uint32_t slot_mask; /* slot count - 1, a power of two minus one */
  char *arena;        /* the texts, back to back */
  size_t arena_len, arena_cap;
};

/* ---- the (gid, text) -> code map ---------------------------------------- */

static uint32_t pair_hash(uint32_t gid, const char *s, size_t n)
{
  /* FNV-1a, then a murmur3 finaliser so the low bits used as index mix well */
  uint32_t h = 2166136261u;
  for (int i = 0; i < 4; i++) {
    h ^= (gid >> (8 * i)) & 0xFFu;
    h *= 16777619u;
  }
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 16777619u;
  }
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

static int grow_slots(sd_pdffont *f)
{
  uint32_t nslots = f->slots ? (f->slot_mask + 1u) * 2u : 256u;
  uint32_t *s = calloc(nslots, sizeof *s);
  if (!s) return -1;
  for (uint32_t c = 1; c <= f->n; c++) {
    uint32_t i = f->codes[c - 1].hash & (nslots - 1u);
    while (s[i]) i = (i + 1u) & (nslots - 1u);
    s[i] = c;
  }
  free(f->slots);
  f->slots = s;
  f->slot_mask = nslots - 1u;
  return 0;
}

/* Counts UTF-16 units of valid UTF-8 without U+0000, U+FEFF, U+FFFE
 * (pdfua_check 31-028, 31-029); 0 when the text is not acceptable. */
static size_t utf16_units(const char *text, size_t len)
{
  const unsigned char *s = (const unsigned char *)text;
  size_t i = 0, units = 0;
  while (i < len) {
    uint32_t cp;
    size_t n;
    unsigned char c = s[i];
    if (c < 0x80) { cp = c; n = 1; }
    else if (c >= 0xC2 && c <= 0xDF) { cp = c & 0x1Fu; n = 2; }
    else if (c >= 0xE0 && c <= 0xEF) { cp = c & 0x0Fu; n = 3; }
    else if (c >= 0xF0 && c <= 0xF4) { cp = c & 0x07u; n = 4; }
    else return 0;
    if (len - i < n) return 0;
    for (size_t k = 1; k < n; k++) {
      if ((s[i + k] & 0xC0u) != 0x80u) return 0;
      cp = (cp << 6) | (s[i + k] & 0x3Fu);
    }
    /* RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF */
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return 0;
    if (cp == 0 || cp == 0xFEFF || cp == 0xFFFE) return 0;
    units += cp >= 0x10000 ? 2 : 1;
    i += n;
  }
  return units;
}

sd_pdffont *sd_pdffont_new(const sd_font *font, unsigned doc_local_index)
{
  if (!font || !font->face || !font->font) return NULL;
  sd_pdffont *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->font = font;
  snprintf(f->res_name, sizeof f->res_name, "F%u", doc_local_index);
  f->glyph_count = hb_face_get_glyph_count(font->face);
  int xs = 0, ys = 0;
  hb_font_get_scale(font->font, &xs, &ys);
  unsigned upem = font->upem ? font->upem : hb_face_get_upem(font->face);
  /* fonts.h promises scale = upem; follow the scale if it ever differs */
  f->to_1000 = 1000.0 / (double)(xs > 0 ? (unsigned)xs : upem ? upem : 1000u);
  return f;
}

void sd_pdffont_free(sd_pdffont *f)
{
  if (!f) return;
  free(f->codes);
  free(f->slots);
  free(f->arena);
  free(f);
}

const char *sd_pdffont_resource_name(const sd_pdffont *f) { return f->res_name; }
const sd_font *sd_pdffont_font(const sd_pdffont *f) { return f->font; }
unsigned sd_pdffont_ncodes(const sd_pdffont *f) { return f->n; }

int sd_pdffont_width(const sd_pdffont *f, unsigned code)
{
  return code >= 1 && code <= f->n ? f->codes[code - 1].width : 0;
}

int sd_pdffont_code(sd_pdffont *f, uint32_t gid, const char *text, size_t text_len)
{
  if (!f || !text || text_len == 0 || gid >= f->glyph_count) return SD_PDFFONT_BADARG;
  uint32_t h = pair_hash(gid, text, text_len);
  if (f->slots) {
    for (uint32_t i = h & f->slot_mask; f->slots[i]; i = (i + 1u) & f->slot_mask) {
      const entry *e = &f->codes[f->slots[i] - 1];
      if (e->hash == h && e->gid == gid && e->text_len == text_len &&
          memcmp(f->arena + e->text_off, text, text_len) == 0)
        return (int)f->slots[i];
    }
  }

  /* a new pair */
  size_t units = utf16_units(text, text_len);
  if (units == 0 || units > MAX_UTF16_UNITS) return SD_PDFFONT_BADARG;
  if (f->n >= MAX_CODES) return SD_PDFFONT_FULL;
  /* keep the table at most half full */
  if (!f->slots || (f->n + 1u) * 2u > f->slot_mask + 1u)
    if (grow_slots(f) != 0) return SD_PDFFONT_FULL;
  if (f->n == f->cap) {
    uint32_t cap = f->cap ? f->cap * 2u : 64u;
    entry *c = realloc(f->codes, cap * sizeof *c);
    if (!c) return SD_PDFFONT_FULL;
    f->codes = c;
    f->cap = cap;
  }
  if (f->arena_cap - f->arena_len < text_len) {
    size_t cap = f->arena_cap ? f->arena_cap : 1024;
    while (cap - f->arena_len < text_len) cap *= 2;
    char *a = realloc(f->arena, cap);
    if (!a) return SD_PDFFONT_FULL;
    f->arena = a;
    f->arena_cap = cap;
  }
  memcpy(f->arena + f->arena_len, text, text_len);
  entry *e = &f->codes[f->n];
  e->gid = gid;
  e->hash = h;
  e->text_off = (uint32_t)f->arena_len;
  e->text_len = (uint32_t)text_len;
  e->width = (int32_t)lround(hb_font_get_glyph_h_advance(f->font->font, gid) * f->to_1000);
  f->arena_len += text_len;
  uint32_t code = ++f->n;
  uint32_t i = h & f->slot_mask;
  while (f->slots[i]) i = (i + 1u) & f->slot_mask;
  f->slots[i] = code;
  return (int)code;
}

/* ---- emitting ----------------------------------------------------------- */

/* UTF-8 (already validated) as UTF-16BE hex, surrogate pairs above U+FFFF */
static void buf_utf16_hex(sd_pdfbuf *b, const unsigned char *s, size_t len)
{
  size_t i = 0;
  while (i < len) {
    uint32_t cp;
    size_t n = s[i] < 0x80 ? 1 : s[i] < 0xE0 ? 2 : s[i] < 0xF0 ? 3 : 4;
    cp = n == 1 ? s[i] : n == 2 ? s[i] & 0x1Fu : n == 3 ? s[i] & 0x0Fu : s[i] & 0x07u;
    for (size_t k = 1; k < n; k++) cp = (cp << 6) | (s[i + k] & 0x3Fu);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      sd_pdfbuf_hex16(b, 0xD800u | (cp >> 10));
      sd_pdfbuf_hex16(b, 0xDC00u | (cp & 0x3FFu));
    } else {
      sd_pdfbuf_hex16(b, cp);
    }
    i += n;
  }
}

static void build_tounicode(const sd_pdffont *f, sd_pdfbuf *b)
{
  sd_pdfbuf_str(b, "/CIDInit /ProcSet findresource begin\n"
             "12 dict begin\n"
             "begincmap\n"
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
             "/CMapName /Adobe-Identity-UCS def\n"
             "/CMapType 2 def\n"
             "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
  for (uint32_t first = 1; first <= f->n; first += BFCHAR_CHUNK) {
    uint32_t last = first + BFCHAR_CHUNK - 1u < f->n ? first + BFCHAR_CHUNK - 1u : f->n;
    char line[32];
    snprintf(line, sizeof line, "%u beginbfchar\n", (unsigned)(last - first + 1u));
    sd_pdfbuf_str(b, line);
    for (uint32_t c = first; c <= last; c++) {
      const entry *e = &f->codes[c - 1];
      sd_pdfbuf_str(b, "<");
      sd_pdfbuf_hex16(b, c);
      sd_pdfbuf_str(b, "> <");
      buf_utf16_hex(b, (const unsigned char *)f->arena + e->text_off, e->text_len);
      sd_pdfbuf_str(b, ">\n");
    }
    sd_pdfbuf_str(b, "endbfchar\n");
  }
  sd_pdfbuf_str(b, "endcmap\n"
             "CMapName currentdict /CMap defineresource pop\n"
             "end\n"
             "end\n");
}

static int32_t scaled(const sd_pdffont *f, double v) { return (int32_t)lround(v * f->to_1000); }

static unsigned be16(const char *p) { return (unsigned)(unsigned char)p[0] << 8 | (unsigned char)p[1]; }

/* Facts the descriptor needs that fonts.h does not carry: 'post' italic
 * angle and fixed pitch, 'OS/2' weight. */
static void read_style(hb_face_t *face, double *italic, int *fixed, unsigned *weight)
{
  *italic = 0;
  *fixed = 0;
  *weight = 400;
  unsigned len = 0;
  hb_blob_t *post = hb_face_reference_table(face, HB_TAG('p', 'o', 's', 't'));
  const char *p = hb_blob_get_data(post, &len);
  if (p && len >= 16) {
    int32_t fx = (int32_t)((uint32_t)be16(p + 4) << 16 | be16(p + 6));
    *italic = fx / 65536.0;
    *fixed = (be16(p + 12) | be16(p + 14)) != 0;
  }
  hb_blob_destroy(post);
  hb_blob_t *os2 = hb_face_reference_table(face, HB_TAG('O', 'S', '/', '2'));
  p = hb_blob_get_data(os2, &len);
  if (p && len >= 6) {
    unsigned w = be16(p + 4);
    if (w >= 100 && w <= 900) *weight = w;
  }
  hb_blob_destroy(os2);
}

/* The 6 capital letters before '+' (ISO 32000-1 9.6.4), from the glyph set
 * alone so that the same glyphs give the same name. */
static void subset_tag(const hb_set_t *gids, char tag[7])
{
  uint64_t h = 14695981039346656037u;
  hb_codepoint_t g = HB_SET_VALUE_INVALID;
  while (hb_set_next(gids, &g))
    for (int i = 0; i < 4; i++) {
      h ^= (g >> (8 * i)) & 0xFFu;
      h *= 1099511628211u;
    }
  for (int i = 0; i < 6; i++) {
    tag[i] = (char)('A' + h % 26u);
    h /= 26u;
  }
  tag[6] = '\0';
}

static void base_font_name(const sd_pdffont *f, const char *tag, char *out, size_t outsz)
{
  char ps[MAX_NAME + 1];
  size_t n = 0;
  const char *s = f->font->ps_name;
  /* a PostScript name is printable ASCII without delimiters; keep it so */
  for (; s && *s && n < MAX_NAME; s++)
    if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
        *s == '-' || *s == '_' || *s == '.')
      ps[n++] = *s;
  ps[n] = '\0';
  if (n == 0) snprintf(ps, sizeof ps, "SendocFont%u", f->font->id);
  snprintf(out, outsz, "%s+%s", tag, ps);
}

static const hb_tag_t dropped_tables[] = {
  /* OpenType layout: the text is shaped before it reaches the PDF */
  HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
  HB_TAG('B', 'A', 'S', 'E'), HB_TAG('J', 'S', 'T', 'F'), HB_TAG('M', 'A', 'T', 'H'),
  /* AAT and legacy layout */
  HB_TAG('m', 'o', 'r', 'x'), HB_TAG('m', 'o', 'r', 't'), HB_TAG('k', 'e', 'r', 'x'),
  HB_TAG('k', 'e', 'r', 'n'), HB_TAG('f', 'e', 'a', 't'), HB_TAG('t', 'r', 'a', 'k'),
  HB_TAG('a', 'n', 'k', 'r'), HB_TAG('o', 'p', 'b', 'd'), HB_TAG('p', 'r', 'o', 'p'),
  HB_TAG('l', 'c', 'a', 'r'), HB_TAG('b', 's', 'l', 'n'), HB_TAG('j', 'u', 's', 't'),
  /* Graphite */
  HB_TAG('S', 'i', 'l', 'f'), HB_TAG('G', 'l', 'a', 't'), HB_TAG('G', 'l', 'o', 'c'),
  HB_TAG('F', 'e', 'a', 't'), HB_TAG('S', 'i', 'l', 'l'),
  /* signatures no longer match a subset */
  HB_TAG('D', 'S', 'I', 'G'),
};

static int cmp_u32(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* The glyphs embedded: those placed, and the font's basic Latin and
 * Latin-1 letters and punctuation, so that documents in one script mostly
 * embed one and the same set, made once per process (sd_font_program_get). */
static uint32_t *embedded_gids(const sd_pdffont *f, size_t *n_out)
{
  static const uint32_t extra[] = { 0x2018, 0x2019, 0x201C, 0x201D, 0x2013, 0x2014, 0x2022, 0x2026 };
  size_t cap = f->n + 256, n = 0;
  uint32_t *g = malloc(cap * sizeof *g);
  if (!g) return NULL;
  g[n++] = 0;
  for (uint32_t c = 0; c < f->n; c++) g[n++] = f->codes[c].gid;
  hb_codepoint_t gid;
  for (uint32_t cp = 0x20; cp < 0x100; cp++)
    if ((cp < 0x7F || cp >= 0xA0) && hb_font_get_nominal_glyph(f->font->font, cp, &gid)) g[n++] = gid;
  for (size_t i = 0; i < sizeof extra / sizeof *extra; i++)
    if (hb_font_get_nominal_glyph(f->font->font, extra[i], &gid)) g[n++] = gid;
  qsort(g, n, sizeof *g, cmp_u32);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (k == 0 || g[k - 1] != g[i]) g[k++] = g[i];
  *n_out = k;
  return g;
}

static sd_status make_subset(const sd_pdffont *f, const uint32_t *gl, size_t ng, hb_blob_t **out, sd_diags *d)
{
  sd_status st = SD_OK;
  hb_face_t *sub = NULL;
  hb_subset_input_t *in = hb_subset_input_create_or_fail();
  if (!in) { st = SD_E_NOMEM; goto done; }
  /* RETAIN_GIDS: the CIDToGIDMap names the original glyph ids */
  hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_RETAIN_GIDS);
  hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
  for (size_t i = 0; i < sizeof dropped_tables / sizeof dropped_tables[0]; i++)
    hb_set_add(drop, dropped_tables[i]);
  hb_set_t *gids = hb_subset_input_glyph_set(in);
  for (size_t i = 0; i < ng; i++) hb_set_add(gids, gl[i]);
  if (!hb_set_allocation_successful(gids) || !hb_set_allocation_successful(drop)) {
    st = SD_E_NOMEM;
    goto done;
  }
  sub = hb_subset_or_fail(f->font->face, in);
  if (!sub) {
    st = SD_E_FONT;
    sd_diag_error(d, "pdf.font", f->font->path, 0, 0, NULL,
                  "cannot subset the font (%u glyphs)", f->n);
    goto done;
  }
  *out = hb_face_reference_blob(sub);
  if (hb_blob_get_length(*out) == 0) {
    hb_blob_destroy(*out);
    *out = NULL;
    st = SD_E_FONT;
    sd_diag_error(d, "pdf.font", f->font->path, 0, 0, NULL, "the font subset is empty");
  }
done:
  hb_face_destroy(sub);
  hb_subset_input_destroy(in);
  return st;
}

/* The program for gl, compressed: from the font's cache, or made now and
 * kept there. A reference the caller destroys. */
static sd_status font_program(const sd_pdffont *f, const uint32_t *gl, size_t ng, hb_blob_t **zout,
                              unsigned *raw_len, sd_diags *d)
{
  if ((*zout = sd_font_program_get(f->font, gl, ng, raw_len))) return SD_OK;
  hb_blob_t *subset = NULL;
  sd_status st = make_subset(f, gl, ng, &subset, d);
  if (st != SD_OK) return st;
  unsigned slen = 0;
  const char *sdata = hb_blob_get_data(subset, &slen);
  unsigned char *z = NULL;
  size_t zlen = 0;
  if (sd_pdf_deflate(sdata, slen, Z_BEST_SPEED, &z, &zlen) != 0) {
    hb_blob_destroy(subset);
    return SD_E_NOMEM;
  }
  hb_blob_destroy(subset);
  *zout = hb_blob_create_or_fail((const char *)z, (unsigned)zlen, HB_MEMORY_MODE_WRITABLE, z, free);
  if (!*zout) {
    free(z);
    return SD_E_NOMEM;
  }
  *raw_len = slen;
  sd_font_program_put(f->font, gl, ng, *zout, slen);
  return SD_OK;
}

/* libharu rewrites a stream's /Filter from its own filter bits when it saves,
 * and compresses what it is given; already compressed bytes go in with no
 * filter bits, and this hook, which libharu calls while writing the
 * dictionary, names their filter. */
HPDF_STATUS sd_pdf_write_flate_filter(HPDF_Dict dict, HPDF_Stream stream)
{
  (void)dict;
  return HPDF_Stream_WriteStr(stream, "/Filter /FlateDecode\012");
}

sd_status sd_pdf_put_flate(HPDF_Dict stream, const void *data, size_t n, int level)
{
  unsigned char *z = NULL;
  size_t zl = 0;
  sd_status st = SD_OK;
  if (sd_pdf_deflate(data, n, level, &z, &zl) != 0) st = SD_E_NOMEM;
  else if (HPDF_Stream_Write(stream->stream, z, (HPDF_UINT)zl) != HPDF_OK) st = SD_E_INTERNAL;
  else {
    stream->filter = HPDF_STREAM_FILTER_NONE;
    stream->write_fn = sd_pdf_write_flate_filter;
  }
  free(z);
  return st;
}

#define HCHECK(x) do { if ((x) != HPDF_OK) goto hpdf_fail; } while (0)
#define HNEW(v, x) do { if (!((v) = (x))) goto hpdf_fail; } while (0)

sd_status sd_pdffont_emit(const sd_pdffont *f, HPDF_Doc doc, HPDF_Dict *out, sd_diags *d)
{
  sd_status st = SD_OK;
  hb_blob_t *subset = NULL;
  sd_pdfbuf b = { 0 };
  char tag[7], name[MAX_NAME + 8];
  if (!f || !doc || !out) return SD_E_USAGE;
  *out = NULL;
  if (f->font->is_cff) {
    sd_diag_error(d, "pdf.font", f->font->path, 0, 0, NULL,
                  "CFF fonts are not supported yet (%s)",
                  f->font->ps_name ? f->font->ps_name : "?");
    return SD_E_FONT;
  }
  size_t ng = 0;
  uint32_t *gl = embedded_gids(f, &ng);
  if (!gl) return SD_E_NOMEM;
  hb_set_t *tagset = hb_set_create();
  for (size_t i = 0; i < ng; i++) hb_set_add(tagset, gl[i]);
  subset_tag(tagset, tag);
  hb_set_destroy(tagset);
  unsigned raw_len = 0;
  st = font_program(f, gl, ng, &subset, &raw_len, d);
  free(gl);
  if (st != SD_OK) goto done;
  base_font_name(f, tag, name, sizeof name);

  HPDF_MMgr mm = doc->mmgr;
  HPDF_Xref xr = doc->xref;
  HPDF_Dict file, desc, map, tounicode, cid, type0, sysinfo;
  HPDF_Array arr, w = NULL;
  const sd_font *fo = f->font;

  /* Each object goes into the xref (or its parent) as soon as it exists, so
   * that a failure part way leaves nothing unowned: doc frees it all. */

  /* FontFile2: ISO 32000-1 9.9 table 127, /Length1 is the decoded length;
   * the bytes come compressed already (shared by documents), so the
   * stream carries /Filter itself and libharu copies them as they are */
  unsigned zl = 0;
  const char *zd = hb_blob_get_data(subset, &zl);
  HNEW(file, HPDF_DictStream_New(mm, xr));
  file->write_fn = sd_pdf_write_flate_filter;
  HCHECK(HPDF_Dict_AddNumber(file, "Length1", (HPDF_INT32)raw_len));
  HCHECK(HPDF_Stream_Write(file->stream, (const HPDF_BYTE *)zd, zl));

  double italic;
  int fixed;
  unsigned weight;
  read_style(fo->face, &italic, &fixed, &weight);
  HNEW(desc, HPDF_Dict_New(mm));
  HCHECK(HPDF_Xref_Add(xr, desc));
  HCHECK(HPDF_Dict_AddName(desc, "Type", "FontDescriptor"));
  HCHECK(HPDF_Dict_AddName(desc, "FontName", name));
  /* 9.8.2: Symbolic, since glyphs lie outside the standard Latin set */
  HCHECK(HPDF_Dict_AddNumber(desc, "Flags", 4 | (fixed ? 1 : 0) | (italic != 0 ? 64 : 0)));
  HNEW(arr, HPDF_Array_New(mm));
  HCHECK(HPDF_Dict_Add(desc, "FontBBox", arr));
  for (int i = 0; i < 4; i++) HCHECK(HPDF_Array_AddNumber(arr, scaled(f, fo->bbox[i])));
  HCHECK(HPDF_Dict_AddReal(desc, "ItalicAngle", (HPDF_REAL)italic));
  HCHECK(HPDF_Dict_AddNumber(desc, "Ascent", scaled(f, fo->ascender)));
  HCHECK(HPDF_Dict_AddNumber(desc, "Descent", scaled(f, fo->descender)));
  /* scripts without capitals (Arabic, Bengali) have no cap height: use the ascent */
  HCHECK(HPDF_Dict_AddNumber(desc, "CapHeight",
                             scaled(f, fo->cap_height > 0 ? fo->cap_height : fo->ascender)));
  /* TrueType has no stem width; estimate it from the weight class as cairo does */
  HCHECK(HPDF_Dict_AddNumber(desc, "StemV", (HPDF_INT32)(10 + 220 * (weight - 50) / 900)));
  HCHECK(HPDF_Dict_Add(desc, "FontFile2", file));

  /* CIDToGIDMap: 9.7.4.2, two bytes big-endian per CID from 0 */
  HNEW(map, HPDF_DictStream_New(mm, xr));
  sd_pdfbuf_add(&b, "\0\0", 2);
  for (uint32_t c = 0; c < f->n; c++) {
    unsigned char be[2] = { (unsigned char)(f->codes[c].gid >> 8), (unsigned char)(f->codes[c].gid & 0xFF) };
    sd_pdfbuf_add(&b, be, 2);
  }
  if (b.oom) { st = SD_E_NOMEM; goto done; }
  if ((st = sd_pdf_put_flate(map, b.p, b.len, Z_BEST_SPEED)) != SD_OK) goto done;
  b.len = 0;

  build_tounicode(f, &b);
  if (b.oom) { st = SD_E_NOMEM; goto done; }
  HNEW(tounicode, HPDF_DictStream_New(mm, xr));
  if ((st = sd_pdf_put_flate(tounicode, b.p, b.len, Z_BEST_SPEED)) != SD_OK) goto done;

  HNEW(cid, HPDF_Dict_New(mm));
  HCHECK(HPDF_Xref_Add(xr, cid));
  HCHECK(HPDF_Dict_AddName(cid, "Type", "Font"));
  HCHECK(HPDF_Dict_AddName(cid, "Subtype", "CIDFontType2"));
  HCHECK(HPDF_Dict_AddName(cid, "BaseFont", name));
  HNEW(sysinfo, HPDF_Dict_New(mm));
  HCHECK(HPDF_Dict_Add(cid, "CIDSystemInfo", sysinfo));
  HCHECK(HPDF_Dict_Add(sysinfo, "Registry", HPDF_String_New(mm, "Adobe", NULL)));
  HCHECK(HPDF_Dict_Add(sysinfo, "Ordering", HPDF_String_New(mm, "Identity", NULL)));
  HCHECK(HPDF_Dict_AddNumber(sysinfo, "Supplement", 0));
  HCHECK(HPDF_Dict_Add(cid, "FontDescriptor", desc));
  /* /DW serves only CID 0 (.notdef); every used code is listed in /W */
  HCHECK(HPDF_Dict_AddNumber(cid, "DW", scaled(f, hb_font_get_glyph_h_advance(fo->font, 0))));
  if (f->n) {
    HNEW(w, HPDF_Array_New(mm));
    HCHECK(HPDF_Dict_Add(cid, "W", w));
  }
  for (uint32_t first = 1; first <= f->n; first += W_CHUNK) {
    uint32_t last = first + W_CHUNK - 1u < f->n ? first + W_CHUNK - 1u : f->n;
    HCHECK(HPDF_Array_AddNumber(w, (HPDF_INT32)first));
    HNEW(arr, HPDF_Array_New(mm));
    HCHECK(HPDF_Array_Add(w, arr));
    for (uint32_t c = first; c <= last; c++) HCHECK(HPDF_Array_AddNumber(arr, f->codes[c - 1].width));
  }
  HCHECK(HPDF_Dict_Add(cid, "CIDToGIDMap", map));

  HNEW(type0, HPDF_Dict_New(mm));
  HCHECK(HPDF_Xref_Add(xr, type0));
  HCHECK(HPDF_Dict_AddName(type0, "Type", "Font"));
  HCHECK(HPDF_Dict_AddName(type0, "Subtype", "Type0"));
  /* 9.7.6.1: for a CIDFontType2 descendant, the same name as the CIDFont */
  HCHECK(HPDF_Dict_AddName(type0, "BaseFont", name));
  HCHECK(HPDF_Dict_AddName(type0, "Encoding", "Identity-H"));
  HNEW(arr, HPDF_Array_New(mm));
  HCHECK(HPDF_Dict_Add(type0, "DescendantFonts", arr));
  HCHECK(HPDF_Array_Add(arr, cid));
  HCHECK(HPDF_Dict_Add(type0, "ToUnicode", tounicode));
  *out = type0;
  goto done;

hpdf_fail:
  st = HPDF_GetError(doc) == HPDF_FAILD_TO_ALLOC_MEM ? SD_E_NOMEM : SD_E_INTERNAL;
  sd_diag_error(d, st == SD_E_NOMEM ? "pdf.nomem" : "pdf.internal", fo->path, 0, 0, NULL,
                "libharu refused the font objects for %s (error 0x%04X)", name,
                (unsigned)HPDF_GetError(doc));
done:
  sd_pdfbuf_free(&b);
  hb_blob_destroy(subset);
  return st;
}
