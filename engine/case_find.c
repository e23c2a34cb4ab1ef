/* case: look-ups on the plain tree (dotted paths, text in a language),
 * photo paths resolved inside the case's folder, and the stable dump. */
#include "case_int.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ---- look-ups ---- */

const sd_case_node *sd_case_find(const sd_case_node *node, const char *path)
{
  if (!node || !path) return NULL;
  const char *p = path;
  while (node && *p) {
    const char *dot = strchr(p, '.');
    size_t n = dot ? (size_t)(dot - p) : strlen(p);
    bool only_attr = n && *p == '@';
    const char *name = only_attr ? p + 1 : p;
    size_t nl = only_attr ? n - 1 : n;
    const sd_case_node *next = NULL;
    for (size_t i = 0; i < node->n_children && !next; i++) {
      const sd_case_node *k = node->children[i];
      if ((!only_attr || k->is_attr) && strlen(k->name) == nl && !memcmp(k->name, name, nl)) next = k;
    }
    node = next;
    p += n;
    if (*p == '.') p++;
  }
  return node;
}

/* Language, script and region of a tag; scripts implied by the language
 * (CLDR likely subtags) for the languages written in more than one. */
typedef struct ltag {
  char lang[4], script[5], region[4];
} ltag;

static ltag parse_tag(const char *s)
{
  ltag t = { "", "", "" };
  size_t i = 0;
  while (s[i] && s[i] != '-' && s[i] != '_' && i < 3) {
    t.lang[i] = (char)(s[i] | 0x20);
    i++;
  }
  while (s[i] && s[i] != '-' && s[i] != '_') i++;
  while (s[i]) {
    const char *p = s + ++i;
    size_t n = 0;
    while (p[n] && p[n] != '-' && p[n] != '_') n++;
    if (n == 4 && !t.script[0]) {
      for (size_t k = 0; k < 4; k++) t.script[k] = (char)(k ? p[k] | 0x20 : p[k] & ~0x20);
    } else if ((n == 2 || n == 3) && !t.region[0]) {
      for (size_t k = 0; k < n; k++) t.region[k] = (char)(p[k] >= 'a' ? p[k] & ~0x20 : p[k]);
    }
    i += n;
  }
  if (!t.script[0]) {
    const char *sc = "";
    if (!strcmp(t.lang, "pa")) sc = !strcmp(t.region, "PK") ? "Arab" : "Guru";
    else if (!strcmp(t.lang, "zh")) sc = (!strcmp(t.region, "TW") || !strcmp(t.region, "HK") || !strcmp(t.region, "MO")) ? "Hant" : "Hans";
    else if (!strcmp(t.lang, "sd")) sc = !strcmp(t.region, "IN") ? "Deva" : "Arab";
    else if (!strcmp(t.lang, "sr")) sc = "Cyrl";
    else if (!strcmp(t.lang, "uz")) sc = !strcmp(t.region, "AF") ? "Arab" : "Latn";
    else if (!strcmp(t.lang, "ks")) sc = "Arab";
    else if (!strcmp(t.lang, "ur")) sc = "Arab";
    else if (!strcmp(t.lang, "bn")) sc = "Beng";
    memcpy(t.script, sc, strlen(sc) + 1);
  }
  return t;
}

static bool lang_near(const char *want, const char *have)
{
  ltag a = parse_tag(want), b = parse_tag(have);
  if (!a.lang[0] || strcmp(a.lang, b.lang) != 0) return false;
  return !a.script[0] || !b.script[0] || !strcmp(a.script, b.script);
}

const char *sd_case_text_in(const sd_case_node *node, const char *lang, const char **used_lang)
{
  const char *dummy;
  if (!used_lang) used_lang = &dummy;
  *used_lang = node ? node->lang : NULL;
  if (!node) return NULL;
  if (lang && *lang) {
    for (int pass = 0; pass < 2; pass++) {
      for (size_t i = 0; i <= node->n_translations; i++) {
        const sd_case_node *k = i == 0 ? node : node->translations[i - 1];
        if (!k->text || !k->lang) continue;
        if (pass == 0 ? strcasecmp(k->lang, lang) == 0 : lang_near(lang, k->lang)) {
          *used_lang = k->lang;
          return k->text;
        }
      }
    }
  }
  return node->text;
}

/* ---- photos ---- */

char *sd_case_resolve_photo(const sd_case *c, const sd_case_node *at, const char *rel, sd_diags *d)
{
  const char *file = c ? c->file : NULL;
  int line = at ? at->line : 0, col = at ? at->col : 0;
  char v[160];
  sd_case_clip(rel ? rel : "", 80, v, sizeof v);
  char *base = NULL, *joined = NULL, *real = NULL;
  const char *why = NULL;
  if (!c || !c->base_dir) why = "cannot be read: this case was not read from a folder";
  else if (!rel || !*rel) why = "is empty";
  else if (rel[0] == '/') why = "is an absolute path; give a path relative to the case file's folder";
  else if (strchr(rel, '\\')) why = "contains \"\\\"; use \"/\" between folders";
  else {
    for (const char *p = rel; *p;) {
      size_t n = strcspn(p, "/");
      if (n == 2 && p[0] == '.' && p[1] == '.') why = "goes up with \"..\"; photos must be inside the case file's folder";
      p += n;
      while (*p == '/') p++;
    }
  }
  if (why) goto done;
  base = realpath(c->base_dir, NULL);
  if (!base) {
    why = "cannot be found: the case file's folder cannot be read";
    goto done;
  }
  joined = sd_strdup_printf("%s/%s", base, rel);
  if (!joined) {
    why = "cannot be resolved (out of memory)";
    goto done;
  }
  real = realpath(joined, NULL);
  if (!real) {
    why = errno == ENOENT || errno == ENOTDIR ? "was not found in the case file's folder" : "cannot be read";
    goto done;
  }
  size_t bl = strlen(base);
  bool inside = strncmp(real, base, bl) == 0 && (real[bl] == '/' || (bl == 1 && base[0] == '/'));
  struct stat sb;
  if (!inside) why = "leads outside the case file's folder (through a symbolic link)";
  else if (stat(real, &sb) != 0 || !S_ISREG(sb.st_mode)) why = "is not a regular file";
done:
  free(base);
  free(joined);
  if (why) {
    free(real);
    sd_diag_error(d, "case.photo", file, line, col, at ? at->name : "photo", "photo \"%s\" %s", v, why);
    return NULL;
  }
  return real;
}

/* ---- dump ---- */

static void dump_str(const char *s, FILE *out)
{
  fputc('"', out);
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') fprintf(out, "\\%c", *s);
    else if (*s == '\n') fputs("\\n", out);
    else if ((unsigned char)*s < 0x20) fprintf(out, "\\x%02x", (unsigned char)*s);
    else fputc(*s, out);
  }
  fputc('"', out);
}

static void dump_node(const sd_case_node *n, const char *plang, int depth, const char *mark, FILE *out)
{
  fprintf(out, "%*s%s%s%s", depth * 2, "", mark, n->is_attr ? "@" : "", n->name);
  if (n->lang && (!plang || strcmp(n->lang, plang) != 0)) fprintf(out, " [%s]", n->lang);
  if (n->text) {
    fputc(' ', out);
    dump_str(n->text, out);
  }
  if (!n->is_attr) fprintf(out, " @%d:%d", n->line, n->col);
  fputc('\n', out);
  for (size_t i = 0; i < n->n_translations; i++) dump_node(n->translations[i], n->lang, depth + 1, "~", out);
  for (size_t i = 0; i < n->n_children; i++) dump_node(n->children[i], n->lang, depth + 1, "", out);
}

void sd_case_dump(const sd_case_node *root, FILE *out)
{
  if (root && out) dump_node(root, NULL, 0, "", out);
}
