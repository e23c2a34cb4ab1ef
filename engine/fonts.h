/* fonts: which installed font serves which script and style (fonts/fontmap.txt,
 * resolved through fontconfig), each file opened and parsed once per process
 * and shared read-only by every thread. */
#ifndef SD_FONTS_H
#define SD_FONTS_H
#include "diag.h"
#include <hb.h>
#include <stdbool.h>

typedef struct sd_font {
  char *path;           /* font file (never written into a PDF) */
  unsigned face_index;  /* index inside a collection */
  char *ps_name;        /* PostScript name, for /BaseFont */
  hb_face_t *face;
  hb_font_t *font;      /* scale = upem: positions come in font units */
  hb_blob_t *blob;      /* the whole file */
  unsigned upem;
  int ascender, descender, cap_height; /* font units (descender negative) */
  int bbox[4];          /* font units */
  bool is_cff;          /* outlines in 'CFF ' (else 'glyf') */
  unsigned id;          /* stable small number, unique within the sd_fonts */
  /* glyphs with an advance, by advance (ascending): for sd_font_glyph_of_width */
  uint32_t *gid_by_width;
  int32_t *width_sorted;
  unsigned n_by_width;
  uint32_t zero_width_gid; /* a glyph with no advance (a mark), 0 if none */
  struct sd_program_cache *programs; /* subset font programs by glyph set, shared by threads */
  struct sd_outline_cache *outlines; /* glyph outlines as PDF path bytes, shared by threads */
  struct sd_shape_cache *shapes;     /* HarfBuzz output by input, shared by threads; NULL: none kept */
} sd_font;

typedef enum sd_font_style { SD_FONT_REGULAR = 0, SD_FONT_BOLD = 1 } sd_font_style;

typedef struct sd_fonts sd_fonts;

/* Reads the font map. SD_E_RESOURCE if it is missing or names no usable font. */
sd_status sd_fonts_new(const char *fontmap_path, sd_fonts **out, sd_diags *d);
void sd_fonts_free(sd_fonts *f);

/* The font for a script (ISO 15924 as hb_script_t), language and style that
 * covers code point cp, following the font map's fallback order. NULL when no
 * font covers cp. Thread-safe; the font is borrowed from f. */
const sd_font *sd_fonts_pick(sd_fonts *f, hb_script_t script, const char *lang,
                             sd_font_style style, hb_codepoint_t cp);
/* The family of a font-map row for script (or '*', or for emoji the Zsye
 * rows) that is not installed on this machine; NULL when every such row is. */
const char *sd_fonts_missing_for(const sd_fonts *f, hb_script_t script, int emoji);
/* The font of the map's Zsye (emoji) rows that covers cp, bold falling back
 * to regular; NULL when none does. Thread-safe; borrowed from f. */
const sd_font *sd_fonts_pick_emoji(sd_fonts *f, sd_font_style style, hb_codepoint_t cp);
/* Embedded font programs already made for a glyph set (sorted gids): the
 * compressed bytes and the decoded length, shared read-only; NULL if none.
 * A batch of documents in one script mostly needs the same set, so the
 * subsetting and compression happen once per process. Thread-safe. */
hb_blob_t *sd_font_program_get(const sd_font *font, const uint32_t *gids, size_t n, unsigned *raw_len);
/* Keeps a program for gids (the cache takes its own reference; a full cache
 * keeps nothing). */
void sd_font_program_put(const sd_font *font, const uint32_t *gids, size_t n, hb_blob_t *zdata, unsigned raw_len);

/* A glyph's outline as a PDF form's content (font units, Flate-compressed;
 * empty for a glyph with no outline), made once per process; bbox its
 * extents. NULL when not made yet. Thread-safe; the blob is a reference. */
hb_blob_t *sd_font_outline_get(const sd_font *font, uint32_t gid, int bbox[4]);
void sd_font_outline_put(const sd_font *font, uint32_t gid, hb_blob_t *data, const int bbox[4]);

/* A glyph whose advance (font units) is as close as the font has to adv;
 * 0 if the font has no glyph with an advance. */
uint32_t sd_font_glyph_of_width(const sd_font *font, int32_t adv);
/* The narrowest glyph at least adv wide when one is no more than slack
 * wider, else sd_font_glyph_of_width's: a text-layer glyph that ends past
 * its cluster leaves no gap for a reader to take for a space. */
uint32_t sd_font_glyph_covering(const sd_font *font, int32_t adv, int32_t slack);
#endif
