/* fontscripts: which script each installed Noto font serves, found from its
 * character map, and whether fonts/fontmap.txt has a row for that script.
 *   build/tools/fontscripts list             rows for every installed script
 *   build/tools/fontscripts check FONTMAP    exit 1 naming each script an
 *                                            installed Noto font covers and
 *                                            FONTMAP has no row for
 * Only TrueType ('glyf') fonts count: the PDF writer embeds CIDFontType2.
 * A font's script is the one most of its letters belong to (Common,
 * Inherited and Latin letters do not count unless they are all it has). */
#include <fontconfig/fontconfig.h>
#include <hb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct found {
  char family[128];
  int bold;
  hb_script_t script;
} found;

static int skip_family(const char *fam)
{
  if (strncmp(fam, "Noto Sans", 9) != 0 && strncmp(fam, "Noto Serif", 10) != 0) return 1;
  static const char *const odd[] = {" UI", " Mono", " Display", "Looped", "Unjoined", "Math",
                                    "Siyaq", "Mayan", "Symbols", "Supplement", "Tifinagh ", NULL};
  for (int i = 0; odd[i]; i++)
    if (strstr(fam, odd[i])) return 1;
  return 0;
}

static hb_script_t font_script(const char *file, int index)
{
  hb_blob_t *blob = hb_blob_create_from_file(file);
  hb_face_t *face = hb_face_create(blob, (unsigned)index);
  hb_blob_t *glyf = hb_face_reference_table(face, HB_TAG('g', 'l', 'y', 'f'));
  hb_script_t best = HB_SCRIPT_INVALID;
  if (hb_blob_get_length(glyf) > 0) {
    hb_set_t *set = hb_set_create();
    hb_face_collect_unicodes(face, set);
    hb_unicode_funcs_t *uf = hb_unicode_funcs_get_default();
    enum { N = 256 };
    hb_script_t scripts[N];
    unsigned counts[N], n = 0, latin = 0;
    for (hb_codepoint_t cp = HB_SET_VALUE_INVALID; hb_set_next(set, &cp);) {
      hb_script_t s = hb_unicode_script(uf, cp);
      if (s == HB_SCRIPT_COMMON || s == HB_SCRIPT_INHERITED || s == HB_SCRIPT_UNKNOWN) continue;
      if (s == HB_SCRIPT_LATIN) { latin++; continue; }
      unsigned i = 0;
      while (i < n && scripts[i] != s) i++;
      if (i == n && n < N) { scripts[n] = s; counts[n++] = 0; }
      if (i < n) counts[i]++;
    }
    unsigned most = 0;
    for (unsigned i = 0; i < n; i++)
      if (counts[i] > most) { most = counts[i]; best = scripts[i]; }
    if (best == HB_SCRIPT_INVALID && latin) best = HB_SCRIPT_LATIN;
    hb_set_destroy(set);
  }
  hb_blob_destroy(glyf);
  hb_face_destroy(face);
  hb_blob_destroy(blob);
  return best;
}

static size_t installed(found **out)
{
  FcConfig *cfg = FcInitLoadConfigAndFonts();
  FcPattern *pat = FcPatternCreate();
  FcObjectSet *os = FcObjectSetBuild(FC_FAMILY, FC_STYLE, FC_FILE, FC_INDEX, (char *)NULL);
  FcFontSet *fs = FcFontList(cfg, pat, os);
  found *f = calloc(fs ? (size_t)fs->nfont + 1 : 1, sizeof *f);
  size_t n = 0;
  for (int i = 0; f && fs && i < fs->nfont; i++) {
    FcChar8 *fam, *style, *file;
    int index = 0;
    if (FcPatternGetString(fs->fonts[i], FC_FAMILY, 0, &fam) != FcResultMatch ||
        FcPatternGetString(fs->fonts[i], FC_STYLE, 0, &style) != FcResultMatch ||
        FcPatternGetString(fs->fonts[i], FC_FILE, 0, &file) != FcResultMatch)
      continue;
    FcPatternGetInteger(fs->fonts[i], FC_INDEX, 0, &index);
    int bold = strcmp((const char *)style, "Bold") == 0;
    if (skip_family((const char *)fam) || (!bold && strcmp((const char *)style, "Regular") != 0)) continue;
    hb_script_t s = font_script((const char *)file, index);
    if (s == HB_SCRIPT_INVALID) continue;
    snprintf(f[n].family, sizeof f[n].family, "%s", (const char *)fam);
    f[n].bold = bold;
    f[n].script = s;
    n++;
  }
  if (fs) FcFontSetDestroy(fs);
  FcObjectSetDestroy(os);
  FcPatternDestroy(pat);
  FcConfigDestroy(cfg);
  *out = f;
  return n;
}

static int by_name(const void *a, const void *b)
{
  const found *x = a, *y = b;
  int c = strcmp(x->family, y->family);
  return c ? c : x->bold - y->bold;
}

/* Scripts with a row in the map (ISO 15924 codes; Hans/Hant mean Han). */
static int map_has(const char *map, hb_script_t s)
{
  FILE *f = fopen(map, "r");
  char line[512];
  int has = 0;
  while (f && !has && fgets(line, sizeof line, f)) {
    char code[16];
    if (line[0] == '#' || sscanf(line, "%15s", code) != 1) continue;
    char *plus = strchr(code, '+');
    if (plus) *plus = '\0';
    if (strlen(code) != 4) continue;
    hb_script_t r = strcasecmp(code, "Hans") == 0 || strcasecmp(code, "Hant") == 0
                        ? HB_SCRIPT_HAN : hb_script_from_string(code, 4);
    has = r == s;
  }
  if (f) fclose(f);
  return has;
}

int main(int argc, char **argv)
{
  if (argc < 2 || (strcmp(argv[1], "check") == 0 && argc < 3)) {
    fprintf(stderr, "usage: fontscripts list | check FONTMAP\n");
    return 2;
  }
  found *f;
  size_t n = installed(&f);
  qsort(f, n, sizeof *f, by_name);
  int missing = 0;
  for (size_t i = 0; i < n; i++) {
    char tag[5] = {0};
    hb_tag_to_string(hb_script_to_iso15924_tag(f[i].script), tag);
    if (strcmp(argv[1], "list") == 0) {
      printf("%s      %-7s  %s\n", tag, f[i].bold ? "bold" : "regular", f[i].family);
    } else if (!map_has(argv[2], f[i].script) && (i == 0 || f[i - 1].script != f[i].script)) {
      printf("fontscripts: %s (%s) is installed but %s has no row for it\n", tag, f[i].family, argv[2]);
      missing++;
    }
  }
  if (strcmp(argv[1], "check") == 0)
    printf("fontscripts: %zu installed Noto fonts, %d scripts without a row\n", n, missing);
  free(f);
  return missing ? 1 : 0;
}
