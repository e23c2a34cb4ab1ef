/* Text benchmark: shaping and line breaking, then whole documents.
 *
 *   make build/bench/bench_text
 *   build/bench/bench_text [PARAGRAPHS [NOTES [DATA_DIR]]]     (10000 100 build/share/sendoc)
 *
 * Phase 1 lays out PARAGRAPHS paragraphs with sd_text_layout (12 pt, 480 pt
 * lines) on one sd_fonts, cycling through Latin, Urdu, Bengali, Devanagari,
 * Chinese and two mixed English/Urdu paragraphs (the paragraphs of
 * tests/text/notes/): first with every word made new, then as they are
 * (the second time from the fonts' shape caches). Phase 2 renders the same paragraphs as NOTES Markdown
 * notes through the public API (sd_engine_new, sd_render_markdown): note i is
 * in the language of paragraph kind i % KINDS and holds PARAGRAPHS / NOTES
 * paragraphs of it. Prints rates and peak RSS (getrusage ru_maxrss) after
 * each phase. NOTES = 0 skips phase 2. Run from the top of the tree. */
#include "sendoc.h"
#include "fonts.h"
#include "text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

typedef struct kind {
  const char *name, *lang, *text;
} kind;

static const kind KINDS[] = {
  {"Latin (pl)", "pl",
   "Drodzy Rodzice i Opiekunowie, w tym tygodniu Wasze dziecko przyniosło do domu nową książkę "
   "do czytania. Prosimy, czytajcie razem przez dziesięć minut każdego dnia."},
  {"Urdu", "ur",
   "محترم والدین اور سرپرست، اس ہفتے آپ کا بچہ پڑھنے کے لیے ایک نئی کتاب گھر لایا ہے۔ "
   "براہ کرم روزانہ دس منٹ مل کر پڑھیں۔"},
  {"Bengali", "bn",
   "প্রিয় অভিভাবক, এই সপ্তাহে আপনার সন্তান পড়ার জন্য একটি নতুন বই বাড়িতে নিয়ে এসেছে। "
   "অনুগ্রহ করে প্রতিদিন দশ মিনিট একসাথে পড়ুন।"},
  {"Devanagari (hi)", "hi",
   "प्रिय अभिभावक, इस सप्ताह आपका बच्चा पढ़ने के लिए एक नई किताब घर लाया है। "
   "कृपया हर दिन दस मिनट साथ मिलकर पढ़ें।"},
  {"Chinese", "zh-Hans", "亲爱的家长：本周您的孩子带回家一本新的阅读书。请每天和孩子一起阅读十分钟。"},
  {"mixed en+ur", "en-GB",
   "Thank you for coming to parents’ evening. Zara has learnt to write the word شکریہ "
   "and says it to her teacher every morning."},
  {"mixed ur+en", "ur",
   "ہماری ٹیچر Mrs Patel آپ سے جمعہ 12 مارچ 2027 کو ملیں گی۔ ملاقات سہ پہر 3:30 بجے ہوگی۔"},
};
#define N_KINDS (sizeof KINDS / sizeof KINDS[0])

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static long peak_rss_kib(void)
{
  struct rusage ru;
  return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

static void print_diags(const sd_diags *d)
{
  sd_diag_info in;
  for (size_t i = 0; i < sd_diags_count(d); i++)
    if (sd_diags_get(d, i, &in) == SD_OK) fprintf(stderr, "  %s: %s\n", in.code, in.message);
}

/* The paragraph with every word made new: each word gets the paragraph's
 * number written in letters of its own script (the first ten distinct
 * letters of the text), so no paragraph recurs and the fonts' shape caches
 * never hit: case text that is new in every document. */
static char *fresh_words(const char *text, long number)
{
  UChar32 letters[10];
  int n_letters = 0;
  int32_t len = (int32_t)strlen(text);
  for (int32_t i = 0; i < len && n_letters < 10;) {
    UChar32 c;
    U8_NEXT(text, i, len, c);
    int seen = 0;
    for (int k = 0; k < n_letters; k++) seen |= letters[k] == c;
    if (c > 0 && u_isalpha(c) && !seen) letters[n_letters++] = c;
  }
  char suffix[64];
  int32_t sl = 0;
  char digits[24];
  int nd = snprintf(digits, sizeof digits, "%ld", number);
  for (int k = 0; k < nd && n_letters == 10; k++) U8_APPEND_UNSAFE(suffix, sl, letters[digits[k] - '0']);
  size_t words = 1;
  for (const char *c = text; *c; c++) words += *c == ' ';
  char *out = malloc((size_t)len + words * (size_t)sl + 1), *o = out;
  if (!out) return NULL;
  for (const char *c = text;; c++) {
    if (*c == ' ' || !*c) {
      memcpy(o, suffix, (size_t)sl);
      o += sl;
    }
    if (!*c) break;
    *o++ = *c;
  }
  *o = '\0';
  return out;
}

/* Lays out n paragraphs, cycling through the kinds; prints per-kind rates. */
static int lay_all(sd_fonts *fonts, long n, int fresh, sd_diags *d)
{
  size_t lines[N_KINDS] = {0}, glyphs[N_KINDS] = {0}, count[N_KINDS] = {0};
  double per_kind[N_KINDS] = {0};
  int rc = 0;
  double t0 = now();
  for (long i = 0; i < n && !rc; i++) {
    size_t k = (size_t)i % N_KINDS;
    sd_text_params p = {.size_pt = 12, .max_width_pt = 480, .lang = KINDS[k].lang};
    sd_para para;
    char *text = fresh ? fresh_words(KINDS[k].text, i) : (char *)KINDS[k].text;
    double t1 = now();
    if (!text || sd_text_layout(fonts, text, strlen(text), NULL, 0, &p, &para, d) != SD_OK) {
      fprintf(stderr, "bench_text: layout of %s failed\n", KINDS[k].name);
      print_diags(d);
      rc = 1;
      if (fresh) free(text);
      break;
    }
    per_kind[k] += now() - t1;
    if (fresh) free(text);
    count[k]++;
    lines[k] += para.n_lines;
    for (size_t l = 0; l < para.n_lines; l++)
      for (size_t r = 0; r < para.lines[l].n_runs; r++) glyphs[k] += para.lines[l].runs[r].n_glyphs;
    sd_para_free(&para);
  }
  double t = now() - t0;
  if (rc) return rc;
  size_t tl = 0, tg = 0;
  printf("  %s:\n", fresh ? "every paragraph new (nothing from the shape caches)" : "paragraphs recur, as template wording does");
  for (size_t k = 0; k < N_KINDS; k++) {
    tl += lines[k];
    tg += glyphs[k];
    if (count[k])
      printf("    %-16s %6zu paragraphs %4.1f lines each %8.0f paragraphs/s\n", KINDS[k].name, count[k],
             (double)lines[k] / count[k], count[k] / per_kind[k]);
  }
  printf("    all: %ld paragraphs, %zu lines, %zu glyphs in %.3f s: %.0f paragraphs/s, %.0f glyphs/s\n", n, tl, tg,
         t, n / t, tg / t);
  return 0;
}

static int phase_layout(const char *data, long n)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/fonts/fontmap.txt", data);
  sd_diags *d = sd_diags_new();
  sd_fonts *fonts = NULL;
  double t0 = now();
  if (!d || sd_fonts_new(path, &fonts, d) != SD_OK) {
    fprintf(stderr, "bench_text: sd_fonts_new(%s) failed\n", path);
    print_diags(d);
    sd_fonts_free(fonts);
    sd_diags_free(d);
    return 1;
  }
  printf("phase 1: sd_text_layout, 12 pt into 480 pt lines (font map read in %.1f ms)\n", (now() - t0) * 1e3);
  /* fresh words first, so the caches are empty when it starts */
  int rc = lay_all(fonts, n, 1, d);
  if (!rc) rc = lay_all(fonts, n, 0, d);
  if (!rc) printf("  peak RSS %ld KiB\n", peak_rss_kib());
  sd_fonts_free(fonts);
  sd_diags_free(d);
  return rc;
}

static int phase_documents(const char *data, long n_paras, long n_notes)
{
  sd_diags *d = sd_diags_new();
  sd_engine *e = NULL;
  if (!d || sd_engine_new(data, &e, d) != SD_OK) {
    fprintf(stderr, "bench_text: sd_engine_new(%s) failed\n", data);
    print_diags(d);
    sd_diags_free(d);
    return 1;
  }
  long per_note = n_paras / n_notes;
  if (per_note < 1) per_note = 1;
  /* one buffer per kind, reused: heading, then the paragraph per_note times */
  char *md[N_KINDS] = {0};
  size_t md_len[N_KINDS] = {0};
  int rc = 0;
  for (size_t k = 0; k < N_KINDS && !rc; k++) {
    size_t tl = strlen(KINDS[k].text), cap = 64 + (size_t)per_note * (tl + 2);
    md[k] = malloc(cap);
    if (!md[k]) { rc = 1; break; }
    int h = snprintf(md[k], cap, "# Note %zu\n\n", k);
    size_t len = (size_t)h;
    for (long i = 0; i < per_note; i++) {
      memcpy(md[k] + len, KINDS[k].text, tl);
      len += tl;
      md[k][len++] = '\n';
      md[k][len++] = '\n';
    }
    md_len[k] = len;
  }
  size_t bytes = 0;
  double t0 = now();
  for (long i = 0; i < n_notes && !rc; i++) {
    size_t k = (size_t)i % N_KINDS;
    sd_render_options opt = {.lang = KINDS[k].lang, .date_epoch = 1764547200};
    unsigned char *pdf = NULL;
    size_t len = 0;
    if (sd_render_markdown(e, md[k], md_len[k], "bench.md", &opt, &pdf, &len, d) != SD_OK) {
      fprintf(stderr, "bench_text: rendering note %ld (%s) failed\n", i, KINDS[k].name);
      print_diags(d);
      rc = 1;
    }
    bytes += len;
    sd_free(pdf);
  }
  double t = now() - t0;
  if (!rc) {
    printf("phase 2: sd_render_markdown, %ld notes of %ld paragraphs (%ld paragraphs)\n", n_notes, per_note,
           n_notes * per_note);
    printf("  %.3f s: %.1f notes/s, %.0f paragraphs/s, %.1f KiB of PDF per note\n", t, n_notes / t,
           n_notes * per_note / t, bytes / 1024.0 / n_notes);
    printf("  peak RSS %ld KiB\n", peak_rss_kib());
  }
  for (size_t k = 0; k < N_KINDS; k++) free(md[k]);
  sd_engine_free(e);
  sd_diags_free(d);
  return rc;
}

int main(int argc, char **argv)
{
  long n_paras = argc > 1 ? strtol(argv[1], NULL, 10) : 10000;
  long n_notes = argc > 2 ? strtol(argv[2], NULL, 10) : 100;
  const char *data = argc > 3 ? argv[3] : "build/share/sendoc";
  if (n_paras < 1 || n_notes < 0) {
    fprintf(stderr, "usage: bench_text [PARAGRAPHS [NOTES [DATA_DIR]]]\n");
    return 2;
  }
  if (phase_layout(data, n_paras)) return 1;
  if (n_notes > 0 && phase_documents(data, n_paras, n_notes)) return 1;
  return 0;
}
