/* text: one paragraph of Unicode text to shaped, broken lines.
 * bidi (ICU ubidi, UAX #9) -> script and language runs -> font per run
 * (fonts) -> HarfBuzz shaping with the run's script, direction and language
 * -> line breaks at UAX #14 opportunities (ICU ubrk) -> per-line visual
 * reordering. Every glyph carries the text it stands for, so that the PDF's
 * ToUnicode map gives back the logical text. */
#ifndef SD_TEXT_H
#define SD_TEXT_H
#include "fonts.h"
#include <stdint.h>
#include <stdio.h>

/* A styled stretch of the paragraph (byte offsets into its UTF-8). Spans
 * cover the paragraph without overlap, in order. */
typedef struct sd_text_span {
  uint32_t start, len;
  const char *lang;      /* BCP 47 language of this stretch, NULL: paragraph's */
  sd_font_style style;
  /* for diagnostics only: the case field this stretch holds (its element's
   * line and column), or template text (NULL field: the text's own position);
   * line 0: the paragraph's position in sd_text_params */
  const char *field;
  int line, col;
} sd_text_span;

/* ICU break iterators kept from one paragraph to the next (opening them was
 * a tenth of an English profile's time). For one thread at a time. */
typedef struct sd_text_breaks sd_text_breaks;
sd_text_breaks *sd_text_breaks_new(void);
void sd_text_breaks_free(sd_text_breaks *b);

typedef struct sd_text_params {
  float size_pt;         /* font size */
  float max_width_pt;    /* line width available */
  const char *lang;      /* paragraph language (BCP 47), decides direction when the text has no strong character */
  int base_dir;          /* 0 from the text (UAX #9 P2), 1 LTR, 2 RTL */
  sd_text_breaks *breaks; /* optional: iterators to reuse (NULL: opened for this paragraph) */
  /* for diagnostics only */
  const char *file, *field;
  int line, col;
} sd_text_params;

typedef struct sd_glyph {
  uint32_t gid;
  int32_t advance;       /* font units */
  int32_t x_offset, y_offset; /* font units */
  const char *text;      /* the text this glyph stands for in reading order (never empty), borrowed from the paragraph;
                            in an RTL run the code points are reversed (see SD_GLYPH_FILLER) */
  uint32_t text_len;     /* bytes */
  uint8_t cluster_cont;  /* 1: same HarfBuzz cluster as the glyph before it (visual order) */
} sd_glyph;

typedef struct sd_run {
  const sd_font *font;
  const char *lang;      /* BCP 47 of the run (span language or paragraph) */
  sd_font_style style;
  int rtl;               /* 1 if the run is right-to-left */
  sd_glyph *glyphs;      /* visual order, left to right */
  size_t n_glyphs;
  float width_pt;
  uint32_t src_off, src_len; /* the logical text of the run: bytes of the paragraph */
} sd_run;

typedef struct sd_line {
  sd_run *runs;          /* visual order, left to right */
  size_t n_runs;
  float width_pt;        /* trailing spaces excluded */
  float ascent_pt, descent_pt; /* tallest run on the line (descent positive) */
  uint32_t src_off;      /* byte offset where the line starts in the paragraph */
} sd_line;

typedef struct sd_para {
  sd_line *lines;
  size_t n_lines;
  int rtl;               /* paragraph base direction */
  void *pool;            /* owns lines, runs, glyphs and glyph text */
} sd_para;

/* Glyph text, read glyph by glyph in stream (left-to-right) order, gives a
 * run's logical text for LTR runs and that text reversed by code point for RTL
 * runs (PDF text extractors reverse drawn RTL text back). A glyph with no code
 * point of its own (Nastaliq dots, split vowels beyond the cluster's NFD) gets
 * U+034F COMBINING GRAPHEME JOINER: Default_Ignorable, drop it when comparing. */
#define SD_GLYPH_FILLER 0x034Fu
#define SD_TEXT_MAX_BYTES (1u << 20) /* longer paragraphs: SD_E_LIMIT */
#define SD_TEXT_MAX_CLUSTER_MARKS 30 /* UAX #15 stream-safe: more on one character is SD_E_INPUT */

/* Shapes and breaks one paragraph (an empty one has no lines). Code points no font covers are reported
 * (U+XXXX and its name, field, file:line) and return SD_E_INPUT, as does a character carrying more
 * than SD_TEXT_MAX_CLUSTER_MARKS combining characters. Free with sd_para_free(). */
sd_status sd_text_layout(sd_fonts *fonts, const char *utf8, size_t len,
                         const sd_text_span *spans, size_t n_spans,
                         const sd_text_params *p, sd_para *out, sd_diags *d);
void sd_para_free(sd_para *p);
void sd_para_dump(const sd_para *p, FILE *out);
#endif
