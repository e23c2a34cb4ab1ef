/* pdffont: codes per (glyph, text) pair, and the embedded Type0 font read back
 * by qpdf, pdftotext and pdffonts. Fonts come from fonts-noto-core; a test
 * whose font is missing is skipped with a note. */
#include "pdffont.h"
#include "testutil.h"
#include <hb-ot.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <stdint.h>
#include <unistd.h>

#define NOTO "/usr/share/fonts/truetype/noto/"
#define LATIN NOTO "NotoSans-Regular.ttf"
#define BENGALI NOTO "NotoSansBengali-Regular.ttf"
#define NASTALIQ NOTO "NotoNastaliqUrdu-Regular.ttf"

/* ---- an sd_font built by hand, as fonts.c would ------------------------ */

static unsigned be16(const char *p) { return (unsigned)(unsigned char)p[0] << 8 | (unsigned char)p[1]; }
static int sbe16(const char *p) { return (int16_t)be16(p); }

static int font_load(const char *path, sd_font *f)
{
  memset(f, 0, sizeof *f);
  if (access(path, R_OK) != 0) return 0;
  f->path = sd_strdup(path);
  f->blob = hb_blob_create_from_file_or_fail(path);
  ck_assert_ptr_nonnull(f->blob);
  f->face = hb_face_create(f->blob, 0);
  f->font = hb_font_create(f->face);
  f->upem = hb_face_get_upem(f->face);
  hb_font_set_scale(f->font, (int)f->upem, (int)f->upem);
  hb_position_t v = 0;
  if (hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &v)) f->ascender = v;
  if (hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &v)) f->descender = v;
  if (hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_CAP_HEIGHT, &v)) f->cap_height = v;
  hb_blob_t *head = hb_face_reference_table(f->face, HB_TAG('h', 'e', 'a', 'd'));
  unsigned len = 0;
  const char *h = hb_blob_get_data(head, &len);
  ck_assert_uint_ge(len, 44);
  for (int i = 0; i < 4; i++) f->bbox[i] = sbe16(h + 36 + 2 * i);
  hb_blob_destroy(head);
  hb_blob_t *cff = hb_face_reference_table(f->face, HB_TAG('C', 'F', 'F', ' '));
  f->is_cff = hb_blob_get_length(cff) > 0;
  hb_blob_destroy(cff);
  char ps[128];
  unsigned n = sizeof ps;
  hb_ot_name_get_utf8(f->face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &n, ps);
  f->ps_name = sd_strdup(ps);
  f->id = 1;
  return 1;
}

static void font_done(sd_font *f)
{
  hb_font_destroy(f->font);
  hb_face_destroy(f->face);
  hb_blob_destroy(f->blob);
  free(f->path);
  free(f->ps_name);
}

/* hmtx advance read from the file itself, not through HarfBuzz */
static unsigned hmtx_advance(const sd_font *f, unsigned gid)
{
  hb_blob_t *hhea = hb_face_reference_table(f->face, HB_TAG('h', 'h', 'e', 'a'));
  hb_blob_t *hmtx = hb_face_reference_table(f->face, HB_TAG('h', 'm', 't', 'x'));
  unsigned lh = 0, lm = 0;
  const char *ph = hb_blob_get_data(hhea, &lh), *pm = hb_blob_get_data(hmtx, &lm);
  ck_assert_uint_ge(lh, 36);
  unsigned nh = be16(ph + 34);
  unsigned i = gid < nh ? gid : nh - 1;
  ck_assert_uint_le(4 * i + 2, lm);
  unsigned adv = be16(pm + 4 * i);
  hb_blob_destroy(hhea);
  hb_blob_destroy(hmtx);
  return adv;
}

/* ---- shaping, with texts handed out as DESIGN.md says ----------------- */

typedef struct gl {
  uint32_t gid;
  int32_t advance;
  const char *text;
  size_t len;
} gl;

/* UTF-8 length of the code point at s */
static size_t cp_len(const char *s)
{
  unsigned char c = (unsigned char)*s;
  return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

/* Shapes text; each cluster's characters, in logical order, are handed out
 * over its glyphs in drawing order, the last glyph taking what is left. A
 * glyph beyond the cluster's characters (a Nastaliq dot) shows U+200B here:
 * which text such glyphs carry is text.c's decision, not this module's. */
static size_t shape(const sd_font *f, const char *text, const char *lang, gl **out)
{
  static const char zwsp[] = "\xE2\x80\x8B";
  hb_buffer_t *b = hb_buffer_create();
  size_t tlen = strlen(text);
  hb_buffer_add_utf8(b, text, (int)tlen, 0, (int)tlen);
  hb_buffer_guess_segment_properties(b);
  hb_buffer_set_language(b, hb_language_from_string(lang, -1));
  hb_shape(f->font, b, NULL, 0);
  unsigned n = 0;
  hb_glyph_info_t *info = hb_buffer_get_glyph_infos(b, &n);
  hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(b, NULL);
  gl *g = calloc(n, sizeof *g);
  for (unsigned i = 0; i < n;) {
    unsigned j = i;
    while (j < n && info[j].cluster == info[i].cluster) j++;
    /* the cluster ends where the next larger cluster value starts */
    size_t start = info[i].cluster, end = tlen;
    for (unsigned k = 0; k < n; k++)
      if (info[k].cluster > start && info[k].cluster < end) end = info[k].cluster;
    const char *p = text + start;
    for (unsigned k = i; k < j; k++) {
      g[k].gid = info[k].codepoint;
      g[k].advance = pos[k].x_advance;
      if (p >= text + end) {
        g[k].text = zwsp;
        g[k].len = 3;
      } else {
        g[k].text = p;
        g[k].len = k + 1 == j ? (size_t)(text + end - p) : cp_len(p);
        p += g[k].len;
      }
    }
    i = j;
  }
  hb_buffer_destroy(b);
  *out = g;
  return n;
}

/* ---- a one-page PDF drawn with our font -------------------------------- */

static char tmpdir[64];

static void setup(void)
{
  strcpy(tmpdir, "/tmp/check_pdffont.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

/* CHECK_PDFFONT_KEEP=1 keeps the PDFs for a look (pdfua_check, a viewer) */
static void teardown(void)
{
  if (getenv("CHECK_PDFFONT_KEEP")) {
    fprintf(stderr, "check_pdffont: kept %s\n", tmpdir);
    return;
  }
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", tmpdir);
}

static void register_font(HPDF_Page page, const char *name, HPDF_Dict font)
{
  HPDF_Dict res = HPDF_Dict_GetItem(page, "Resources", HPDF_OCLASS_DICT);
  ck_assert_ptr_nonnull(res);
  HPDF_Dict fonts = HPDF_Dict_GetItem(res, "Font", HPDF_OCLASS_DICT);
  if (!fonts) {
    fonts = HPDF_Dict_New(page->mmgr);
    ck_assert_int_eq(HPDF_Dict_Add(res, "Font", fonts), HPDF_OK);
  }
  ck_assert_int_eq(HPDF_Dict_Add(fonts, name, font), HPDF_OK);
}

/* Draws the glyphs as TJ lines of per_line glyphs (0: one line); returns
 * the PDF as bytes (free()). */
static unsigned char *draw_lines(const sd_font *font, const gl *g, size_t n, size_t per_line,
                                 const char *path, size_t *out_len)
{
  sd_pdffont *pf = sd_pdffont_new(font, 1);
  ck_assert_ptr_nonnull(pf);
  HPDF_Doc doc = HPDF_New(NULL, NULL);
  ck_assert_ptr_nonnull(doc);
  HPDF_Page page = HPDF_AddPage(doc);
  HPDF_Stream cs = ((HPDF_PageAttr)page->attr)->stream;
  char op[96];
  snprintf(op, sizeof op, "BT /%s 12 Tf 72 700 Td [", sd_pdffont_resource_name(pf));
  HPDF_Stream_WriteStr(cs, op);
  for (size_t i = 0; i < n; i++) {
    if (per_line && i && i % per_line == 0) HPDF_Stream_WriteStr(cs, "] TJ 0 -16 Td [");
    int code = sd_pdffont_code(pf, g[i].gid, g[i].text, g[i].len);
    ck_assert_int_gt(code, 0);
    /* TJ moves by the /W width; correct it to the shaped advance */
    double adj = sd_pdffont_width(pf, (unsigned)code) - g[i].advance * 1000.0 / font->upem;
    snprintf(op, sizeof op, "<%04X> %.2f ", (unsigned)code, adj);
    HPDF_Stream_WriteStr(cs, op);
  }
  HPDF_Stream_WriteStr(cs, "] TJ ET\n");
  HPDF_Dict type0 = NULL;
  sd_diags *d = sd_diags_new();
  sd_status st = sd_pdffont_emit(pf, doc, &type0, d);
  if (st != SD_OK) diags_print(d);
  ck_assert_int_eq(st, SD_OK);
  ck_assert_ptr_nonnull(type0);
  register_font(page, sd_pdffont_resource_name(pf), type0);
  if (path) ck_assert_int_eq(HPDF_SaveToFile(doc, path), HPDF_OK);
  ck_assert_int_eq(HPDF_SaveToStream(doc), HPDF_OK);
  HPDF_UINT32 size = HPDF_GetStreamSize(doc);
  unsigned char *bytes = malloc(size);
  HPDF_UINT32 got = size;
  ck_assert_int_eq(HPDF_ReadFromStream(doc, bytes, &got), HPDF_OK);
  ck_assert_uint_eq(got, size);
  *out_len = size;
  HPDF_Free(doc);
  sd_pdffont_free(pf);
  sd_diags_free(d);
  return bytes;
}

static unsigned char *draw(const sd_font *font, const gl *g, size_t n, const char *path,
                           size_t *out_len)
{
  return draw_lines(font, g, n, 0, path, out_len);
}

/* Output of a shell command (free()); *rc its exit status. */
static char *run(const char *cmd, int *rc)
{
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  size_t cap = 4096, len = 0, k;
  char *s = malloc(cap);
  while ((k = fread(s + len, 1, cap - len - 1, p)) > 0) {
    len += k;
    if (cap - len < 2) s = realloc(s, cap *= 2);
  }
  s[len] = '\0';
  *rc = pclose(p);
  return s;
}

static char *run_on(const char *fmt, const char *path, int *rc)
{
  char cmd[512];
  snprintf(cmd, sizeof cmd, fmt, path);
  return run(cmd, rc);
}

static void pdf_path(char *out, size_t n, const char *name)
{
  snprintf(out, n, "%s/%s.pdf", tmpdir, name);
}

static void assert_qpdf_clean(const char *pdf)
{
  int rc;
  char *o = run_on("qpdf --check '%s' 2>&1", pdf, &rc);
  if (rc != 0 || !strstr(o, "No syntax or stream encoding errors")) fprintf(stderr, "%s\n", o);
  ck_assert_int_eq(rc, 0);
  ck_assert_ptr_nonnull(strstr(o, "No syntax or stream encoding errors"));
  ck_assert_ptr_null(strstr(o, "WARNING"));
  free(o);
}

/* pdftotext output without its trailing form feed and newlines */
static char *text_of(const char *pdf)
{
  int rc;
  char *o = run_on("pdftotext -enc UTF-8 '%s' - 2>&1", pdf, &rc);
  ck_assert_int_eq(rc, 0);
  size_t n = strlen(o);
  while (n && (o[n - 1] == '\f' || o[n - 1] == '\n' || o[n - 1] == ' ')) o[--n] = '\0';
  return o;
}

/* pdffonts: one Type0 (CID TrueType) font, embedded, subset, with ToUnicode */
static void assert_font_embedded(const char *pdf, const char *ps_name)
{
  int rc;
  char *o = run_on("pdffonts '%s' 2>&1", pdf, &rc);
  ck_assert_int_eq(rc, 0);
  const char *line = strchr(o, '+');
  ck_assert_msg(line != NULL, "no subset font in:\n%s", o);
  line -= 6;
  for (int i = 0; i < 6; i++) ck_assert(line[i] >= 'A' && line[i] <= 'Z');
  ck_assert_int_eq(strncmp(line + 7, ps_name, strlen(ps_name)), 0);
  ck_assert_msg(strstr(line, "CID TrueType") != NULL, "%s", o);
  ck_assert_msg(strstr(line, "Identity-H") != NULL, "%s", o);
  ck_assert_msg(strstr(line, "yes yes yes") != NULL, "emb/sub/uni not all yes:\n%s", o);
  free(o);
}

/* /Length1 of the (only) FontFile2, read from libharu's plain dictionaries;
 * *obj gets the stream's object number */
static long length1_obj(const unsigned char *pdf, size_t n, long *obj)
{
  const char *key = "/Length1 ";
  for (size_t i = 0; i + 9 < n; i++)
    if (memcmp(pdf + i, key, 9) == 0) {
      if (obj) {
        size_t k = i;
        while (k > 4 && memcmp(pdf + k - 4, " obj", 4) != 0) k--;
        while (k > 0 && pdf[k - 1] != '\n') k--;
        *obj = strtol((const char *)pdf + k, NULL, 10);
      }
      return strtol((const char *)pdf + i + 9, NULL, 10);
    }
  return -1;
}

static long length1(const unsigned char *pdf, size_t n) { return length1_obj(pdf, n, NULL); }

/* ---- tests -------------------------------------------------------------- */

START_TEST(test_code_one_per_pair_from_one)
{
  sd_font font;
  if (!font_load(LATIN, &font)) return;
  sd_pdffont *f = sd_pdffont_new(&font, 3);
  ck_assert_str_eq(sd_pdffont_resource_name(f), "F3");
  ck_assert_ptr_eq(sd_pdffont_font(f), &font);
  ck_assert_int_eq(sd_pdffont_code(f, 36, "A", 1), 1);
  ck_assert_int_eq(sd_pdffont_code(f, 37, "B", 1), 2);
  ck_assert_int_eq(sd_pdffont_code(f, 36, "A", 1), 1);
  /* the same glyph standing for other text gets its own code */
  ck_assert_int_eq(sd_pdffont_code(f, 36, "AB", 2), 3);
  ck_assert_int_eq(sd_pdffont_code(f, 36, "A", 1), 1);
  ck_assert_int_eq(sd_pdffont_code(f, 36, "AB", 2), 3);
  ck_assert_uint_eq(sd_pdffont_ncodes(f), 3);
  ck_assert_int_eq(sd_pdffont_width(f, 0), 0);
  ck_assert_int_eq(sd_pdffont_width(f, 4), 0);
  sd_pdffont_free(f);
  sd_pdffont_free(NULL);
  font_done(&font);
}
END_TEST

START_TEST(test_code_rejects_bad_text_and_gid)
{
  sd_font font;
  if (!font_load(LATIN, &font)) return;
  sd_pdffont *f = sd_pdffont_new(&font, 1);
  ck_assert_int_eq(sd_pdffont_code(f, 36, "", 0), SD_PDFFONT_BADARG);
  ck_assert_int_eq(sd_pdffont_code(f, 36, "\xC3", 1), SD_PDFFONT_BADARG);       /* cut short */
  ck_assert_int_eq(sd_pdffont_code(f, 36, "\xC0\x80", 2), SD_PDFFONT_BADARG);   /* overlong */
  ck_assert_int_eq(sd_pdffont_code(f, 36, "\xED\xA0\x80", 3), SD_PDFFONT_BADARG); /* surrogate */
  ck_assert_int_eq(sd_pdffont_code(f, 36, "a\0b", 3), SD_PDFFONT_BADARG);
  ck_assert_int_eq(sd_pdffont_code(f, 36, "\xEF\xBB\xBF", 3), SD_PDFFONT_BADARG); /* U+FEFF */
  ck_assert_int_eq(sd_pdffont_code(f, 36, "\xEF\xBF\xBE", 3), SD_PDFFONT_BADARG); /* U+FFFE */
  ck_assert_int_eq(sd_pdffont_code(f, hb_face_get_glyph_count(font.face), "A", 1),
                   SD_PDFFONT_BADARG);
  char big[257 * 3];
  for (int i = 0; i < 257; i++) memcpy(big + 3 * i, "\xE0\xA6\xAF", 3);
  ck_assert_int_eq(sd_pdffont_code(f, 36, big, sizeof big), SD_PDFFONT_BADARG);
  ck_assert_int_eq(sd_pdffont_code(f, 36, big, 256 * 3), 1);
  ck_assert_uint_eq(sd_pdffont_ncodes(f), 1);
  sd_pdffont_free(f);
  font_done(&font);
}
END_TEST

START_TEST(test_code_space_full_after_65535)
{
  sd_font font;
  if (!font_load(LATIN, &font)) return;
  sd_pdffont *f = sd_pdffont_new(&font, 1);
  unsigned ng = hb_face_get_glyph_count(font.face);
  char t[16];
  for (unsigned i = 1; i <= 65535; i++) {
    int n = snprintf(t, sizeof t, "%u", i);
    ck_assert_int_eq(sd_pdffont_code(f, i % ng, t, (size_t)n), (int)i);
  }
  ck_assert_int_eq(sd_pdffont_code(f, 5, "x", 1), SD_PDFFONT_FULL);
  /* known pairs still answer */
  ck_assert_int_eq(sd_pdffont_code(f, 7 % ng, "7", 1), 7);
  ck_assert_int_eq(sd_pdffont_code(f, 65535 % ng, "65535", 5), 65535);
  sd_pdffont_free(f);
  font_done(&font);
}
END_TEST

START_TEST(test_cff_font_is_refused)
{
  sd_font font;
  if (!font_load(LATIN, &font)) return;
  font.is_cff = true;
  sd_pdffont *f = sd_pdffont_new(&font, 1);
  ck_assert_int_eq(sd_pdffont_code(f, 36, "A", 1), 1);
  HPDF_Doc doc = HPDF_New(NULL, NULL);
  HPDF_Dict out = (HPDF_Dict)1;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_pdffont_emit(f, doc, &out, d), SD_E_FONT);
  ck_assert_ptr_null(out);
  ck_assert(diags_have(d, "pdf.font"));
  ck_assert_ptr_nonnull(strstr(d->items[0].message, "CFF fonts are not supported yet"));
  sd_diags_free(d);
  HPDF_Free(doc);
  sd_pdffont_free(f);
  font_done(&font);
}
END_TEST

START_TEST(test_latin_text_round_trips)
{
  sd_font font;
  if (!font_load(LATIN, &font)) return;
  const char *s = "Something to try at home: Sam’s “fish” finger";
  gl *g;
  size_t n = shape(&font, s, "en", &g), len;
  char pdf[128];
  pdf_path(pdf, sizeof pdf, "latin");
  unsigned char *bytes = draw(&font, g, n, pdf, &len);
  assert_qpdf_clean(pdf);
  /* FontFile2 is Flate-compressed and /Length1 is its decoded length */
  long obj = 0, l1 = length1_obj(bytes, len, &obj);
  ck_assert_int_gt(obj, 0);
  char cmd[256];
  snprintf(cmd, sizeof cmd, "qpdf --show-object=%ld --filtered-stream-data '%s' | wc -c", obj, pdf);
  int rc;
  char *o = run(cmd, &rc);
  ck_assert_int_eq(strtol(o, NULL, 10), l1);
  free(o);
  snprintf(cmd, sizeof cmd, "qpdf --show-object=%ld '%s'", obj, pdf);
  o = run(cmd, &rc);
  ck_assert_ptr_nonnull(strstr(o, "/FlateDecode"));
  free(o);
  free(bytes);
  char *t = text_of(pdf);
  ck_assert_str_eq(t, s);
  free(t);
  assert_font_embedded(pdf, font.ps_name);
  free(g);
  font_done(&font);
}
END_TEST

START_TEST(test_bengali_text_round_trips)
{
  sd_font font;
  if (!font_load(BENGALI, &font)) return;
  const char *s = "যেহেতু";
  gl *g;
  size_t n = shape(&font, s, "bn", &g), len;
  /* the e-kar is drawn before its consonant: same glyphs, texts handed out */
  char pdf[128];
  pdf_path(pdf, sizeof pdf, "bengali");
  free(draw(&font, g, n, pdf, &len));
  assert_qpdf_clean(pdf);
  char *t = text_of(pdf);
  ck_assert_str_eq(t, s);
  free(t);
  assert_font_embedded(pdf, font.ps_name);
  free(g);
  font_done(&font);
}
END_TEST

START_TEST(test_astral_text_uses_surrogate_pairs)
{
  sd_font font;
  if (!font_load(LATIN, &font)) return;
  /* a glyph may stand for any text: here U+1D11E and U+1F600 */
  gl g[2] = { { 36, 0, "\xF0\x9D\x84\x9E", 4 }, { 37, 0, "\xF0\x9F\x98\x80", 4 } };
  g[0].advance = (int32_t)hmtx_advance(&font, 36);
  g[1].advance = (int32_t)hmtx_advance(&font, 37);
  char pdf[128];
  size_t len;
  pdf_path(pdf, sizeof pdf, "astral");
  free(draw(&font, g, 2, pdf, &len));
  assert_qpdf_clean(pdf);
  char *t = text_of(pdf);
  ck_assert_str_eq(t, "\xF0\x9D\x84\x9E\xF0\x9F\x98\x80");
  free(t);
  int rc;
  char *o = run_on("qpdf --qdf --object-streams=disable '%s' - 2>/dev/null", pdf, &rc);
  ck_assert_ptr_nonnull(strstr(o, "<0001> <D834DD1E>"));
  ck_assert_ptr_nonnull(strstr(o, "<0002> <D83DDE00>"));
  free(o);
  font_done(&font);
}
END_TEST

START_TEST(test_many_codes_round_trip_in_chunks)
{
  sd_font font;
  if (!font_load(LATIN, &font)) return;
  /* 250 codes: bfchar blocks of 100, 100 and 50 */
  enum { N = 250 };
  gl g[N];
  char texts[N][2];
  /* 250 distinct pairs: glyphs 100..349, each showing one letter */
  for (int i = 0; i < N; i++) {
    texts[i][0] = (char)('a' + i % 26);
    g[i].gid = (uint32_t)(100 + i);
    g[i].text = texts[i];
    g[i].len = 1;
    g[i].advance = (int32_t)hmtx_advance(&font, g[i].gid);
  }
  char pdf[128];
  size_t len;
  pdf_path(pdf, sizeof pdf, "many");
  free(draw_lines(&font, g, N, 26, pdf, &len));
  assert_qpdf_clean(pdf);
  char want[N + 1];
  for (int i = 0; i < N; i++) want[i] = texts[i][0];
  want[N] = '\0';
  char *t = text_of(pdf), *q = t;
  for (char *p = t; *p; p++)
    if (*p != '\n') *q++ = *p;
  *q = '\0';
  ck_assert_str_eq(t, want);
  free(t);
  int rc;
  char *o = run_on("qpdf --qdf --object-streams=disable '%s' - 2>/dev/null", pdf, &rc);
  const char *a = strstr(o, "100 beginbfchar"), *b = a ? strstr(a + 1, "100 beginbfchar") : NULL;
  ck_assert_ptr_nonnull(b);
  ck_assert_ptr_nonnull(strstr(b, "50 beginbfchar"));
  ck_assert_ptr_nonnull(strstr(o, "/Adobe-Identity-UCS"));
  ck_assert_ptr_nonnull(strstr(o, "<0000> <FFFF>"));
  free(o);
  font_done(&font);
}
END_TEST

START_TEST(test_widths_are_hmtx_advances_per_1000)
{
  sd_font font;
  if (!font_load(BENGALI, &font)) return;
  gl *g;
  size_t n = shape(&font, "যেহেতু শিশুটি স্কুলে যায়", "bn", &g), len;
  char pdf[128];
  pdf_path(pdf, sizeof pdf, "widths");
  free(draw(&font, g, n, pdf, &len));
  int rc;
  char *o = run_on("qpdf --qdf --object-streams=disable '%s' - 2>/dev/null", pdf, &rc);
  /* "/W [ 1 [ w1 w2 ... ] ]" and the CIDToGIDMap says which gid each code is */
  char *w = strstr(o, "/W [");
  ck_assert_ptr_nonnull(w);
  char *p = w + 4;
  long first = strtol(p, &p, 10);
  ck_assert_int_eq(first, 1);
  while (*p == ' ' || *p == '\n') p++;
  ck_assert_int_eq(*p, '[');
  p++;
  /* codes were handed out in drawing order of first use */
  sd_pdffont *pf = sd_pdffont_new(&font, 1);
  for (size_t i = 0; i < n; i++) sd_pdffont_code(pf, g[i].gid, g[i].text, g[i].len);
  unsigned nc = sd_pdffont_ncodes(pf);
  ck_assert_uint_gt(nc, 5);
  unsigned seen = 0;
  for (size_t i = 0; i < n; i++) {
    int code = sd_pdffont_code(pf, g[i].gid, g[i].text, g[i].len);
    if ((unsigned)code != seen + 1) continue;
    long v = strtol(p, &p, 10);
    long want = lround(hmtx_advance(&font, g[i].gid) * 1000.0 / font.upem);
    ck_assert_int_eq(v, want);
    seen++;
  }
  ck_assert_uint_eq(seen, nc);
  while (*p == ' ' || *p == '\n') p++;
  ck_assert_int_eq(*p, ']');
  sd_pdffont_free(pf);
  free(o);
  free(g);
  font_done(&font);
}
END_TEST

START_TEST(test_font_without_codes_is_valid)
{
  sd_font font;
  if (!font_load(LATIN, &font)) return;
  char pdf[128];
  size_t len;
  pdf_path(pdf, sizeof pdf, "empty");
  free(draw(&font, NULL, 0, pdf, &len));
  assert_qpdf_clean(pdf);
  font_done(&font);
}
END_TEST

START_TEST(test_emit_is_deterministic)
{
  sd_font font;
  if (!font_load(BENGALI, &font)) return;
  gl *g;
  size_t n = shape(&font, "যেহেতু", "bn", &g), l1, l2;
  unsigned char *a = draw(&font, g, n, NULL, &l1);
  unsigned char *b = draw(&font, g, n, NULL, &l2);
  ck_assert_uint_eq(l1, l2);
  ck_assert_int_eq(memcmp(a, b, l1), 0);
  free(a);
  free(b);
  free(g);
  font_done(&font);
}
END_TEST

START_TEST(test_nastaliq_subset_is_small)
{
  sd_font font;
  if (!font_load(NASTALIQ, &font)) return;
  const char *s = "اسکول میں آج ہم نے مچھلی کے بارے میں پڑھا۔ گھر پر یہ آزمائیں";
  gl *g;
  size_t n = shape(&font, s, "ur", &g), len;
  char pdf[128];
  pdf_path(pdf, sizeof pdf, "nastaliq");
  unsigned char *bytes = draw(&font, g, n, pdf, &len);
  long sub = length1(bytes, len);
  fprintf(stderr, "check_pdffont: Nastaliq subset %ld bytes (%zu glyphs drawn), PDF %zu bytes\n",
          sub, n, len);
  ck_assert_int_gt(sub, 0);
  ck_assert_int_lt(sub, 40 * 1024);
  assert_qpdf_clean(pdf);
  assert_font_embedded(pdf, font.ps_name);
  free(bytes);
  free(g);
  font_done(&font);
}
END_TEST

START_TEST(test_subset_sizes_reported)
{
  const char *paths[] = { LATIN, BENGALI };
  const char *texts[] = { "Something to try at home", "যেহেতু শিশুটি স্কুলে যায়" };
  for (int i = 0; i < 2; i++) {
    sd_font font;
    if (!font_load(paths[i], &font)) continue;
    gl *g;
    size_t n = shape(&font, texts[i], i ? "bn" : "en", &g), len;
    unsigned char *bytes = draw(&font, g, n, NULL, &len);
    long sub = length1(bytes, len);
    fprintf(stderr, "check_pdffont: %s subset %ld bytes, PDF %zu bytes\n", font.ps_name, sub, len);
    ck_assert_int_gt(sub, 0);
    ck_assert_int_lt(sub, 64 * 1024);
    free(bytes);
    free(g);
    font_done(&font);
  }
}
END_TEST

static Suite *pdffont_suite(void)
{
  Suite *s = suite_create("pdffont");
  TCase *codes = tcase_create("codes");
  tcase_add_test(codes, test_code_one_per_pair_from_one);
  tcase_add_test(codes, test_code_rejects_bad_text_and_gid);
  tcase_add_test(codes, test_code_space_full_after_65535);
  tcase_add_test(codes, test_cff_font_is_refused);
  suite_add_tcase(s, codes);
  TCase *pdf = tcase_create("pdf");
  tcase_set_timeout(pdf, 60);
  tcase_add_checked_fixture(pdf, setup, teardown);
  tcase_add_test(pdf, test_latin_text_round_trips);
  tcase_add_test(pdf, test_bengali_text_round_trips);
  tcase_add_test(pdf, test_astral_text_uses_surrogate_pairs);
  tcase_add_test(pdf, test_many_codes_round_trip_in_chunks);
  tcase_add_test(pdf, test_widths_are_hmtx_advances_per_1000);
  tcase_add_test(pdf, test_font_without_codes_is_valid);
  tcase_add_test(pdf, test_emit_is_deterministic);
  tcase_add_test(pdf, test_nastaliq_subset_is_small);
  tcase_add_test(pdf, test_subset_sizes_reported);
  suite_add_tcase(s, pdf);
  return s;
}

RUN_SUITE(pdffont_suite)
