/* batch_names: what a batch makes of each case. One job per document: every
 * case times every template (-t ehcp,one-page-profile) times its languages
 * (the batch's, or with lang "family" the family's home language; plus an
 * English copy with also_english). Each document's output path comes from
 * a name pattern ({school}/{child}-{template}-{lang}.pdf) whose values are
 * reduced to safe characters, so that no case can name a path outside the
 * output folder; two documents with one path are refused before any render.
 *
 * The case is read once here when its content decides the language or the
 * name (lang "family", {child}, {school}); a case that cannot be read keeps
 * its jobs, named after its file, and fails with its real errors later. */
#include "batch.h"
#include "case.h"
#include "locale.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { SAFE_MAX = 80 };

/* A field value as a file-name part: ASCII letters, digits, '-', '_' and
 * '.', and non-ASCII UTF-8 sequences (names in other scripts) kept; any
 * other byte (a '/', a space, a control) becomes '-', runs collapsed; no
 * leading '.' or '-' (no hidden files, no "..", no option-like names);
 * at most SAFE_MAX bytes, not cutting a UTF-8 sequence. */
static void safe_part(const char *v, char *out, size_t cap)
{
  size_t n = 0;
  if (cap > SAFE_MAX + 1) cap = SAFE_MAX + 1;
  for (const unsigned char *p = (const unsigned char *)(v ? v : ""); *p && n + 1 < cap;) {
    unsigned char ch = *p;
    if (ch >= 0x80) {
      size_t l = ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : ch >= 0xC0 ? 2 : 1;
      size_t k = 0;
      while (k < l && p[k] >= 0x80) k++;
      if (k != l || ch < 0xC2 || n + l + 1 > cap) break;
      memcpy(out + n, p, l);
      n += l;
      p += l;
      continue;
    }
    int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
             ch == '.' || ch == '-';
    if (!ok) ch = '-';
    if ((ch == '-' || ch == '.') && (n == 0 || out[n - 1] == '-' || out[n - 1] == '.')) {
      p++;
      continue;
    }
    out[n++] = (char)ch;
    p++;
  }
  while (n && (out[n - 1] == '-' || out[n - 1] == '.')) n--;
  out[n] = 0;
  if (!n) snprintf(out, cap, "unknown");
}

static const char *const FIELDS[] = { "case", "child", "school", "template", "lang" };

sd_status sd_batch_check_pattern(const char *pat, sd_diags *d)
{
  size_t l = strlen(pat);
  const char *why = NULL;
  if (l < 5 || strcasecmp(pat + l - 4, ".pdf")) why = "it must end in .pdf";
  else if (pat[0] == '/') why = "it must be relative to the output folder";
  else if (l > 512) why = "it is longer than 512 characters";
  for (const char *p = pat; !why && *p; p++) {
    if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\') why = "it holds a control character or a backslash";
    else if (*p == '}') why = "a '}' without its '{'";
    else if (*p == '{') {
      const char *e = strchr(p, '}');
      size_t k = 0, fl = e ? (size_t)(e - p - 1) : 0;
      for (; e && k < sizeof FIELDS / sizeof *FIELDS; k++)
        if (strlen(FIELDS[k]) == fl && !strncmp(p + 1, FIELDS[k], fl)) break;
      if (!e || k == sizeof FIELDS / sizeof *FIELDS) why = "it names a field other than {case}, {child}, {school}, {template} or {lang}";
      else p = e;
    }
  }
  /* every folder part: not empty, not "." or ".." */
  for (const char *s = pat; !why && *s;) {
    const char *e = strchr(s, '/');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
      why = "a folder part is empty, \".\" or \"..\"";
    else if (s[0] == '.') why = "a part starts with '.' (a hidden file)";
    s = e ? e + 1 : s + n;
  }
  if (why) {
    sd_diag_error(d, "usage.name", NULL, 0, 0, "name", "the name pattern \"%s\" is refused: %s", pat, why);
    return SD_E_USAGE;
  }
  return SD_OK;
}

/* The template's short name: "ehcp" for ehcp or dir/ehcp.md */
static void tpl_name(const char *ref, char *out, size_t cap)
{
  const char *s = strrchr(ref, '/');
  s = s ? s + 1 : ref;
  char buf[128];
  snprintf(buf, sizeof buf, "%s", s);
  size_t n = strlen(buf);
  if (n > 3 && !strcasecmp(buf + n - 3, ".md")) buf[n - 3] = 0;
  safe_part(buf, out, cap);
}

/* {case}: the relative path without .xml, each part made safe */
static char *case_part(const char *rel)
{
  size_t l = strlen(rel);
  char *o = malloc(l * 1 + 16), part[SAFE_MAX + 1];
  if (!o) return NULL;
  o[0] = 0;
  size_t n = 0;
  for (const char *s = rel; *s;) {
    const char *e = strchr(s, '/');
    size_t k = e ? (size_t)(e - s) : strlen(s);
    char *seg = sd_strndup(s, k);
    if (!seg) {
      free(o);
      return NULL;
    }
    if (!e && k > 4 && !strcasecmp(seg + k - 4, ".xml")) seg[k - 4] = 0;
    safe_part(seg, part, sizeof part);
    free(seg);
    size_t pl = strlen(part);
    char *no = realloc(o, n + pl + 2);
    if (!no) {
      free(o);
      return NULL;
    }
    o = no;
    if (n) o[n++] = '/';
    memcpy(o + n, part, pl + 1);
    n += pl;
    s = e ? e + 1 : s + k;
  }
  return o;
}

static char *expand_pattern(const char *pat, const char *rel, const char *child, const char *school,
                            const char *tpl, const char *lang)
{
  char *cp = case_part(rel);
  if (!cp) return NULL;
  char vchild[SAFE_MAX + 1], vschool[SAFE_MAX + 1], vtpl[SAFE_MAX + 1], vlang[SAFE_MAX + 1];
  safe_part(child, vchild, sizeof vchild);
  safe_part(school, vschool, sizeof vschool);
  tpl_name(tpl, vtpl, sizeof vtpl);
  safe_part(lang, vlang, sizeof vlang);
  /* the exact length first: a field may come many times */
  size_t len = 0;
  for (int pass = 0; pass < 2; pass++) {
    char *o = pass ? malloc(len + 1) : NULL;
    if (pass && !o) break;
    size_t n = 0;
    for (const char *p = pat; *p;) {
      if (*p == '{') {
        const char *e = strchr(p, '}');
        size_t fl = (size_t)(e - p - 1);
        const char *v = fl == 4 && !strncmp(p + 1, "case", 4)       ? cp
                        : fl == 5 && !strncmp(p + 1, "child", 5)    ? vchild
                        : fl == 6 && !strncmp(p + 1, "school", 6)   ? vschool
                        : fl == 8 && !strncmp(p + 1, "template", 8) ? vtpl
                                                                     : vlang;
        size_t vl = strlen(v);
        if (o) memcpy(o + n, v, vl);
        n += vl;
        p = e + 1;
      } else {
        if (o) o[n] = *p;
        n++;
        p++;
      }
    }
    if (o) {
      o[n] = 0;
      free(cp);
      return o;
    }
    len = n;
  }
  free(cp);
  return NULL;
}

char *sd_batch_name_for(const char *pat, const char *rel, const char *child, const char *school, const char *tpl,
                        const char *lang)
{
  return expand_pattern(pat, rel, child, school, tpl, lang);
}

/* ---- the family's language ---- */

typedef struct lang_memo {
  char *tag;   /* the family's home language as written */
  char *use;   /* what the document is rendered in */
  int fallback;
} lang_memo;

static int is_english(const char *tag)
{
  return !strncasecmp(tag, "en", 2) && (tag[2] == 0 || tag[2] == '-' || tag[2] == '_');
}

/* The family's language when sendoc has a catalogue for it, else en-GB
 * (fallback set). One lookup per distinct language. */
static const lang_memo *family_lang(struct sd_batch *b, lang_memo **memo, size_t *n, const char *tag)
{
  for (size_t i = 0; i < *n; i++)
    if (!strcmp((*memo)[i].tag, tag)) return &(*memo)[i];
  lang_memo *nm = realloc(*memo, (*n + 1) * sizeof *nm);
  if (!nm) return NULL;
  *memo = nm;
  lang_memo *m = &nm[*n];
  m->tag = sd_strdup(tag);
  m->fallback = 0;
  if (is_english(tag)) m->use = sd_strdup("en-GB");
  else {
    char *dir = sd_strdup_printf("%s/locales", sd_engine_data_dir(b->e));
    sd_locale *l = NULL;
    sd_status st = dir ? sd_locale_open(dir, tag, &l, NULL) : SD_E_NOMEM;
    const char *bundle = st == SD_OK ? sd_locale_bundle(l) : NULL;
    m->fallback = !bundle || !strcmp(bundle, "root") || !strncmp(bundle, "en", 2);
    m->use = sd_strdup(m->fallback ? "en-GB" : tag);
    sd_locale_free(l);
    free(dir);
  }
  if (!m->tag || !m->use) {
    free(m->tag);
    free(m->use);
    return NULL;
  }
  (*n)++;
  return m;
}

void sd_batch_case_names(sd_batch_job *j, const sd_case *c)
{
  if (!c || !c->root) return;
  const sd_case_node *nm = sd_case_find(c->root, "child.preferred-name");
  if (!nm || !nm->text) nm = sd_case_find(c->root, "child.legal-name");
  const sd_case_node *sc = sd_case_find(c->root, "school.name");
  if (!j->child && nm && nm->text) j->child = sd_strdup(nm->text);
  if (!j->school && sc && sc->text) j->school = sd_strdup(sc->text);
}

static int by_out(const void *a, const void *b)
{
  return strcmp(((const sd_batch_job *)a)->out, ((const sd_batch_job *)b)->out);
}

static char *file_stem(const char *rel)
{
  const char *s = strrchr(rel, '/');
  s = s ? s + 1 : rel;
  size_t l = strlen(s);
  if (l > 4 && !strcasecmp(s + l - 4, ".xml")) l -= 4;
  return sd_strndup(s, l);
}

sd_status sd_batch_expand(struct sd_batch *b, sd_diags *d)
{
  int several = b->n_tpls > 1;
  const char *pat = b->name_pattern;
  char dflt[64];
  if (!pat) {
    snprintf(dflt, sizeof dflt, "{case}%s%s.pdf", several ? "-{template}" : "", b->also_english ? "-{lang}" : "");
    pat = dflt;
  }
  int custom = b->name_pattern || several || b->also_english;
  int need_case = b->family || (b->name_pattern && (strstr(pat, "{child}") || strstr(pat, "{school}")));
  const char *batch_lang = b->family ? "en-GB" : b->ro.lang ? b->ro.lang : "en-GB";
  size_t cap = b->n * b->n_tpls * (b->also_english ? 2 : 1) + 1, n = 0;
  sd_batch_job *v = calloc(cap, sizeof *v);
  if (!v) return SD_E_NOMEM;
  lang_memo *memo = NULL;
  size_t n_memo = 0;
  sd_status st = SD_OK;
  for (size_t i = 0; i < b->n && st == SD_OK; i++) {
    sd_batch_job *src = &b->v[i];
    if (src->outcome == SD_BATCH_IGNORED) {
      v[n++] = *src;
      memset(src, 0, sizeof *src);
      continue;
    }
    char *child = NULL, *school = NULL;
    const char *lang = batch_lang;
    const lang_memo *lm = NULL;
    if (need_case) {
      sd_case *c = NULL;
      if (sd_case_load(b->e, src->path, &b->lim, &c, NULL) == SD_OK) {
        sd_batch_job tmp;
        memset(&tmp, 0, sizeof tmp);
        sd_batch_case_names(&tmp, c);
        child = tmp.child;
        school = tmp.school;
        const sd_case_node *hl = b->family ? sd_case_find(c->root, "family.home-language") : NULL;
        if (hl && hl->text && (lm = family_lang(b, &memo, &n_memo, hl->text))) lang = lm->use;
      }
      sd_case_free(c);
    }
    if (!child) child = file_stem(src->rel);
    const char *langs[2] = { lang, "en-GB" };
    size_t n_langs = b->also_english && !is_english(lang) ? 2 : 1;
    for (size_t t = 0; t < b->n_tpls && st == SD_OK; t++)
      for (size_t k = 0; k < n_langs && st == SD_OK; k++) {
        sd_batch_job *j = &v[n];
        memset(j, 0, sizeof *j);
        j->pages = -1;
        j->tpl = t;
        j->path = sd_strdup(src->path);
        j->rel = sd_strdup(src->rel);
        j->lang = sd_strdup(langs[k]);
        j->child = child ? sd_strdup(child) : NULL;
        j->school = school ? sd_strdup(school) : NULL;
        if (k == 0 && lm && lm->fallback) j->fallback = sd_strdup(lm->tag);
        if (custom) {
          char *name = expand_pattern(pat, src->rel, child, school, b->tpls[t], langs[k]);
          j->out = name ? sd_batch_join(b->outdir, name) : NULL;
          free(name);
        } else j->out = sd_strdup(src->out);
        if (!j->path || !j->rel || !j->lang || !j->out || (k == 0 && lm && lm->fallback && !j->fallback)) {
          sd_batch_job_clear(j);
          st = SD_E_NOMEM;
        } else n++;
      }
    free(child);
    free(school);
  }
  for (size_t i = 0; i < n_memo; i++) {
    free(memo[i].tag);
    free(memo[i].use);
  }
  free(memo);
  if (st == SD_OK && custom) {
    /* two documents, one file: refused before anything is written */
    sd_batch_job *sorted = n ? malloc(n * sizeof *sorted) : NULL;
    size_t m = 0;
    for (size_t i = 0; sorted && i < n; i++)
      if (v[i].out) sorted[m++] = v[i];
    if (n && !sorted) st = SD_E_NOMEM;
    if (m) qsort(sorted, m, sizeof *sorted, by_out);
    size_t shown = 0;
    for (size_t i = 1; st != SD_E_NOMEM && i < m; i++)
      if (!strcmp(sorted[i - 1].out, sorted[i].out)) {
        if (shown++ < 20)
          sd_diag_error(d, "usage.name", NULL, 0, 0, "name",
                        "%s (%s, %s) and %s (%s, %s) would both be written to %s; add {case}, {child}, {template} "
                        "or {lang} to --name",
                        sorted[i - 1].path, b->tpls[sorted[i - 1].tpl], sorted[i - 1].lang, sorted[i].path,
                        b->tpls[sorted[i].tpl], sorted[i].lang, sorted[i].out);
        st = SD_E_USAGE;
      }
    free(sorted);
  }
  if (st != SD_OK) {
    for (size_t i = 0; i < n; i++) sd_batch_job_clear(&v[i]);
    free(v);
    return st;
  }
  for (size_t i = 0; i < b->n; i++) sd_batch_job_clear(&b->v[i]);
  free(b->v);
  b->v = v;
  b->n = n;
  b->cap = cap;
  return SD_OK;
}
