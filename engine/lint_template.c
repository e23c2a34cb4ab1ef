/* lint_template: checks a template on its own, before any case meets it:
 * that it parses, that every field it names is an element or attribute the
 * case schema declares, that every {{t:key}} is in the catalogue and every
 * {{#lang TAG}} is a language tag. Findings are warnings at the template's
 * FILE:LINE:COLUMN (lint.template-field, lint.template-key,
 * lint.template-lang). */
#include "lint_template.h"
#include "diag.h"
#include "langtag.h"
#include "locale.h"
#include "template.h"
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct names {
  char **v;
  size_t n, cap;
} names;

static void names_add(names *s, const char *name)
{
  for (size_t i = 0; i < s->n; i++)
    if (!strcmp(s->v[i], name)) return;
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 64;
    char **v = realloc(s->v, cap * sizeof *v);
    if (!v) return;
    s->v = v;
    s->cap = cap;
  }
  if ((s->v[s->n] = sd_strdup(name))) s->n++;
}

static bool names_has(const names *s, const char *name, size_t len)
{
  for (size_t i = 0; i < s->n; i++)
    if (strlen(s->v[i]) == len && !memcmp(s->v[i], name, len)) return true;
  return false;
}

static void names_free(names *s)
{
  for (size_t i = 0; i < s->n; i++) free(s->v[i]);
  free(s->v);
}

/* Every element and attribute name the schema declares. */
static void collect_names(const xmlNode *n, names *out)
{
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (!strcmp((const char *)n->name, "element") || !strcmp((const char *)n->name, "attribute")) {
      xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
      if (name) names_add(out, (const char *)name);
      xmlFree(name);
    }
    collect_names(n->children, out);
  }
}

static sd_status schema_names(const char *data_dir, names *out, sd_diags *d)
{
  char *xsd = sd_strdup_printf("%s/schema/case.xsd", data_dir);
  if (!xsd) return SD_E_NOMEM;
  xmlDocPtr doc = xmlReadFile(xsd, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) {
    sd_diag_error(d, "resource.schema", xsd, 0, 0, NULL, "cannot read the case schema");
    free(xsd);
    return SD_E_RESOURCE;
  }
  collect_names(xmlDocGetRootElement(doc), out);
  xmlFreeDoc(doc);
  free(xsd);
  return SD_OK;
}

typedef struct lctx {
  const char *file;
  const names *schema;
  const sd_locale *loc;
  const char *locales_dir;
  sd_diags *d;
  size_t findings;
} lctx;

/* path: a field as the template names it ("child.preferred-name", "what",
 * "#strengths", "@index", "."). */
static void check_field(lctx *x, const char *path, size_t len, int line, int col)
{
  if (len && path[0] == '#') path++, len--;
  if (!len || path[0] == '@' || (len == 1 && path[0] == '.') || (len == 5 && !memcmp(path, "today", 5))) return;
  /* a>b follows an id reference, a>. stops at the referenced element, a>@index numbers it */
  size_t plen = len >= 2 && path[len - 2] == '>' && path[len - 1] == '.' ? len - 2 : len;
  if (len > 7 && memcmp(path + len - 7, ">@index", 7) == 0) plen = len - 7;
  const char *p = path, *end = path + plen;
  while (p < end) {
    const char *q = p;
    while (q < end && *q != '.' && *q != '>') q++;
    if (q == p || !names_has(x->schema, p, (size_t)(q - p))) {
      char seg[128];
      snprintf(seg, sizeof seg, "%.*s", (int)(q - p), p);
      const char *near = sd_nearest(seg, (const char *const *)x->schema->v, x->schema->n);
      if (near)
        sd_diag_warn(x->d, "lint.template-field", x->file, line, col, NULL,
                     "\"%.*s\": the case schema has no element <%s>; did you mean <%s>?", (int)len, path, seg, near);
      else
        sd_diag_warn(x->d, "lint.template-field", x->file, line, col, NULL,
                     "\"%.*s\": the case schema has no element <%s>", (int)len, path, seg);
      x->findings++;
      return;
    }
    p = q + 1;
  }
}

static void check_key(lctx *x, const char *key, size_t len, int line, int col)
{
  char k[160];
  snprintf(k, sizeof k, "%.*s", (int)len, key);
  sd_diags *scratch = sd_diags_new();
  const char *from = NULL;
  char *msg = x->loc ? sd_locale_message(x->loc, k, NULL, NULL, 0, &from, scratch) : NULL;
  bool missing = false;
  for (size_t i = 0; scratch && i < scratch->n; i++)
    if (!strcmp(scratch->items[i].code, "locale.missing")) missing = true;
  free(msg);
  sd_diags_free(scratch);
  if (missing) {
    sd_diag_warn(x->d, "lint.template-key", x->file, line, col, NULL,
                 "{{t:%s}}: the catalogue has no message \"%s\" (see locales/README.md)", k, k);
    x->findings++;
  }
}

static const char *skip_space(const char *p, const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t')) p++;
  return p;
}

static size_t word_len(const char *p, const char *end)
{
  const char *s = p;
  while (p < end && *p != ' ' && *p != '\t' && *p != '=' && *p != '!') p++;
  return (size_t)(p - s);
}

/* One {{...}} token (its inside, without the braces). */
static void check_token(lctx *x, const char *p, const char *end, int line, int col)
{
  p = skip_space(p, end);
  while (end > p && (end[-1] == ' ' || end[-1] == '\t')) end--;
  if (p >= end || *p == '/' || *p == '!') return;
  size_t n = (size_t)(end - p);
  if (n == 4 && !memcmp(p, "else", 4)) return;
  if (n > 6 && !memcmp(p, "#each ", 6)) {
    const char *f = skip_space(p + 6, end);
    check_field(x, f, word_len(f, end), line, col);
  } else if (n > 4 && !memcmp(p, "#if ", 4)) {
    const char *f = skip_space(p + 4, end);
    check_field(x, f, word_len(f, end), line, col);
  } else if (n > 6 && !memcmp(p, "#lang ", 6)) {
    const char *t = skip_space(p + 6, end);
    char tag[64];
    snprintf(tag, sizeof tag, "%.*s", (int)word_len(t, end), t);
    if (strcmp(tag, "doc") != 0) {
      sd_diags *scratch = sd_diags_new();
      if (sd_lang_check_in(tag, x->locales_dir, scratch) != SD_OK && scratch && scratch->n) {
        sd_diag_warn(x->d, "lint.template-lang", x->file, line, col, NULL, "{{#lang %s}}: %s", tag,
                     scratch->items[0].message);
        x->findings++;
      }
      sd_diags_free(scratch);
    }
  } else if (n > 2 && !memcmp(p, "t:", 2)) {
    const char *k = p + 2;
    size_t kl = word_len(k, end);
    check_key(x, k, kl, line, col);
    /* arguments: name=field, name=#list, name=@index, name="text" */
    for (const char *a = skip_space(k + kl, end); a < end;) {
      const char *eq = memchr(a, '=', (size_t)(end - a));
      if (!eq) break;
      const char *v = eq + 1;
      if (v < end && *v == '"') {
        const char *q = memchr(v + 1, '"', (size_t)(end - v - 1));
        a = skip_space(q ? q + 1 : end, end);
        continue;
      }
      size_t vl = word_len(v, end);
      check_field(x, v, vl, line, col);
      a = skip_space(v + vl, end);
    }
  } else if ((n > 5 && (!memcmp(p, "date:", 5) || !memcmp(p, "time:", 5))) || (n > 6 && !memcmp(p, "count:", 6))) {
    const char *f = memchr(p, ':', n) + 1;
    check_field(x, f, word_len(f, end), line, col);
  } else if (*p != '#') {
    check_field(x, p, word_len(p, end), line, col);
  }
}

/* Walks the template's text for {{...}} outside code (backticks), counting
 * lines and columns (code points) as the template parser does. */
static void scan(lctx *x, const char *text, size_t len)
{
  int line = 1, col = 1;
  size_t ticks = 0; /* the backtick run that opened a code span, 0 outside */
  for (size_t i = 0; i < len;) {
    char c = text[i];
    if (c == '`') {
      size_t run = 0;
      while (i + run < len && text[i + run] == '`') run++;
      if (!ticks) ticks = run;
      else if (run == ticks) ticks = 0;
      i += run;
      col += (int)run;
      continue;
    }
    if (!ticks && c == '{' && i + 1 < len && text[i + 1] == '{') {
      const char *close = NULL;
      for (size_t k = i + 2; k + 1 < len; k++)
        if (text[k] == '}' && text[k + 1] == '}') {
          close = text + k;
          break;
        }
      if (!close) break;
      check_token(x, text + i + 2, close, line, col);
      for (const char *p = text + i; p < close + 2; p++) {
        if (*p == '\n') line++, col = 1;
        else if (((unsigned char)*p & 0xC0) != 0x80) col++;
      }
      i = (size_t)(close + 2 - text);
      continue;
    }
    if (c == '\n') {
      line++;
      col = 1;
      if (ticks && ticks < 3) ticks = 0; /* an inline span ends with its line */
    } else if (((unsigned char)c & 0xC0) != 0x80) {
      col++;
    }
    i++;
  }
}

sd_status sd_lint_template_mem(sd_engine *e, const char *text, size_t len, const char *name, sd_diags *d)
{
  const char *data_dir = sd_engine_data_dir(e);
  char *locales_dir = sd_strdup_printf("%s/locales", data_dir);
  if (!locales_dir) return SD_E_NOMEM;
  sd_template *tp = NULL;
  sd_status st = sd_template_parse(text, len, name, &tp, d);
  sd_template_free(tp);
  names schema = { 0 };
  sd_locale *loc = NULL;
  if (st == SD_OK) st = schema_names(data_dir, &schema, d);
  if (st == SD_OK) {
    sd_diags *scratch = sd_diags_new();
    if (sd_locale_open(locales_dir, "en-GB", &loc, scratch) != SD_OK) loc = NULL;
    sd_diags_free(scratch);
    lctx x = { name, &schema, loc, locales_dir, d, 0 };
    scan(&x, text, len);
  }
  sd_locale_free(loc);
  names_free(&schema);
  free(locales_dir);
  return st;
}

SD_API sd_status sd_lint_template(sd_engine *e, const char *template_ref, sd_diags *d)
{
  if (!e || !template_ref || !*template_ref) {
    sd_diag_error(d, "usage.lint", NULL, 0, 0, NULL, "lint needs an engine and a template");
    return SD_E_USAGE;
  }
  const char *data_dir = sd_engine_data_dir(e);
  size_t rl = strlen(template_ref);
  bool path = strchr(template_ref, '/') || (rl > 3 && !strcmp(template_ref + rl - 3, ".md"));
  char *tpath = path ? sd_strdup(template_ref) : sd_strdup_printf("%s/templates/%s.md", data_dir, template_ref);
  if (!tpath) return SD_E_NOMEM;
  sd_status st = SD_OK;
  char *text = NULL;
  size_t len = 0;
  FILE *fp = fopen(tpath, "rb");
  if (!fp) {
    if (path) {
      sd_diag_error(d, "io.read", template_ref, 0, 0, NULL, "cannot read the template");
      st = SD_E_IO;
    } else {
      sd_diag_error(d, "usage.template", NULL, 0, 0, "template", "no template called \"%s\" (see `sendoc templates`)",
                    template_ref);
      st = SD_E_USAGE;
    }
  } else {
    enum { CAP = 1 << 20 };
    text = malloc(CAP + 1);
    len = text ? fread(text, 1, CAP + 1, fp) : 0;
    fclose(fp);
    if (!text) st = SD_E_NOMEM;
    else if (len > CAP) {
      sd_diag_error(d, "io.limit", template_ref, 0, 0, NULL, "the template is larger than 1 MiB");
      st = SD_E_LIMIT;
    } else text[len] = '\0';
  }
  if (st == SD_OK) st = sd_lint_template_mem(e, text, len, template_ref, d);
  free(text);
  free(tpath);
  return st;
}
