/* schema_fields: the names case.xsd declares and which may stand inside
 * which (see schema_fields.h). Only the declarations are read: xs:element and
 * xs:attribute with a name, nested in an element's anonymous type, or in a
 * named xs:complexType that an element uses (type="T") or extends
 * (xs:extension base="T"). */
#include "schema_fields.h"
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XS_NS "http://www.w3.org/2001/XMLSchema"

typedef struct pair {
  char *parent, *child; /* parent "#T" is the named type T */
} pair;

struct sd_schema_fields {
  pair *pairs;
  size_t n, cap;
  char **names; /* sorted, unique */
  size_t n_names;
};

static bool is_xs(const xmlNode *n, const char *local)
{
  return n->type == XML_ELEMENT_NODE && n->ns && n->ns->href && strcmp((const char *)n->ns->href, XS_NS) == 0 &&
         strcmp((const char *)n->name, local) == 0;
}

static char *attr(const xmlNode *n, const char *name)
{
  xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
  char *s = v ? sd_strdup((const char *)v) : NULL;
  xmlFree(v);
  return s;
}

static bool has_pair(const sd_schema_fields *f, const char *p, const char *c)
{
  for (size_t i = 0; i < f->n; i++)
    if (!strcmp(f->pairs[i].parent, p) && !strcmp(f->pairs[i].child, c)) return true;
  return false;
}

static bool add_pair(sd_schema_fields *f, const char *p, const char *c)
{
  if (has_pair(f, p, c)) return true;
  if (f->n == f->cap) {
    size_t cap = f->cap ? f->cap * 2 : 128;
    pair *v = realloc(f->pairs, cap * sizeof *v);
    if (!v) return false;
    f->pairs = v;
    f->cap = cap;
  }
  pair *x = &f->pairs[f->n];
  x->parent = sd_strdup(p);
  x->child = sd_strdup(c);
  if (!x->parent || !x->child) {
    free(x->parent);
    free(x->child);
    return false;
  }
  f->n++;
  return true;
}

/* A type reference "T" (not a built-in xs: type) as "#T"; NULL otherwise. */
static char *type_key(const char *t)
{
  if (!t || strchr(t, ':')) return NULL;
  return sd_strdup_printf("#%s", t);
}

/* Declarations below n that belong to parent: nested elements and
 * attributes (not their own contents, which belong to them), and "uses"
 * pairs (parent, "@#T") for types to copy in later. */
static bool walk(sd_schema_fields *f, const xmlNode *n, const char *parent)
{
  for (const xmlNode *k = n ? n->children : NULL; k; k = k->next) {
    if (k->type != XML_ELEMENT_NODE) continue;
    if (is_xs(k, "element") || is_xs(k, "attribute")) {
      char *name = attr(k, "name");
      char *type = attr(k, "type");
      char *tk = type_key(type);
      bool ok = true;
      if (name) {
        ok = (!parent || add_pair(f, parent, name)) && add_pair(f, "", name);
        if (ok && tk) {
          char *use = sd_strdup_printf("@%s", tk);
          ok = use && add_pair(f, name, use);
          free(use);
        }
        if (ok && is_xs(k, "element")) ok = walk(f, k, name);
      }
      free(name);
      free(type);
      free(tk);
      if (!ok) return false;
    } else if (is_xs(k, "complexType") && !parent) {
      char *name = attr(k, "name");
      char *tk = type_key(name);
      bool ok = !name || (tk && walk(f, k, tk));
      free(name);
      free(tk);
      if (!ok) return false;
    } else if (is_xs(k, "extension") || is_xs(k, "restriction")) {
      char *base = attr(k, "base");
      char *tk = type_key(base);
      bool ok = true;
      if (tk && parent) {
        char *use = sd_strdup_printf("@%s", tk);
        ok = use && add_pair(f, parent, use);
        free(use);
      }
      free(base);
      free(tk);
      if (!ok || !walk(f, k, parent)) return false;
    } else if (!walk(f, k, parent)) {
      return false;
    }
  }
  return true;
}

/* Copies each used type's declarations into its users until nothing changes. */
static bool resolve_types(sd_schema_fields *f)
{
  for (int pass = 0; pass < 16; pass++) {
    size_t before = f->n;
    for (size_t i = 0; i < f->n; i++) {
      if (f->pairs[i].child[0] != '@') continue;
      const char *user = f->pairs[i].parent, *type = f->pairs[i].child + 1;
      for (size_t j = 0; j < f->n; j++) {
        if (strcmp(f->pairs[j].parent, type) != 0) continue;
        /* copies of strings: add_pair may move the array */
        char *u = sd_strdup(user), *c = sd_strdup(f->pairs[j].child);
        bool ok = u && c && add_pair(f, u, c);
        free(u);
        free(c);
        if (!ok) return false;
      }
    }
    if (f->n == before) return true;
  }
  return true;
}

static int by_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

sd_status sd_schema_fields_load(const char *xsd_path, sd_schema_fields **out, sd_diags *d)
{
  *out = NULL;
  xmlDocPtr doc = xmlReadFile(xsd_path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (!doc) {
    sd_diag_error(d, "case.xsd", xsd_path, 0, 0, NULL, "the schema could not be read for its field names");
    return SD_E_RESOURCE;
  }
  sd_schema_fields *f = calloc(1, sizeof *f);
  sd_status st = f ? SD_OK : SD_E_NOMEM;
  const xmlNode *root = xmlDocGetRootElement(doc);
  if (st == SD_OK && (!root || !is_xs(root, "schema"))) {
    sd_diag_error(d, "case.xsd", xsd_path, 0, 0, NULL, "the schema's root is not xs:schema");
    st = SD_E_RESOURCE;
  }
  if (st == SD_OK && (!walk(f, root, NULL) || !resolve_types(f))) st = SD_E_NOMEM;
  xmlFreeDoc(doc);
  /* the names: children of "" */
  if (st == SD_OK) {
    f->names = calloc(f->n ? f->n : 1, sizeof *f->names);
    if (!f->names) st = SD_E_NOMEM;
    for (size_t i = 0; st == SD_OK && i < f->n; i++)
      if (!f->pairs[i].parent[0]) f->names[f->n_names++] = f->pairs[i].child;
    if (st == SD_OK && f->n_names) qsort(f->names, f->n_names, sizeof *f->names, by_str);
  }
  if (st != SD_OK) {
    sd_schema_fields_free(f);
    return st;
  }
  *out = f;
  return SD_OK;
}

void sd_schema_fields_free(sd_schema_fields *f)
{
  if (!f) return;
  for (size_t i = 0; i < f->n; i++) {
    free(f->pairs[i].parent);
    free(f->pairs[i].child);
  }
  free(f->pairs);
  free(f->names); /* borrowed strings */
  free(f);
}

size_t sd_schema_fields_count(const sd_schema_fields *f)
{
  return f ? f->n_names : 0;
}

static bool known_name(const sd_schema_fields *f, const char *s, size_t n)
{
  char buf[128];
  if (n >= sizeof buf) return false;
  memcpy(buf, s, n);
  buf[n] = 0;
  const char *key = buf;
  return bsearch(&key, f->names, f->n_names, sizeof *f->names, by_str) != NULL;
}

static bool known_step(const sd_schema_fields *f, const char *a, size_t an, const char *b, size_t bn)
{
  for (size_t i = 0; i < f->n; i++) {
    const pair *p = &f->pairs[i];
    if (strlen(p->parent) == an && !memcmp(p->parent, a, an) && strlen(p->child) == bn && !memcmp(p->child, b, bn))
      return true;
  }
  return false;
}

bool sd_schema_fields_knows(const sd_schema_fields *f, const char *path)
{
  if (!f || !path || !*path) return false;
  const char *s = path;
  for (;;) {
    size_t part = strcspn(s, ">");
    if (!(part == 1 && s[0] == '.') && !(part == 6 && memcmp(s, "@index", 6) == 0)) {
      const char *prev = NULL;
      size_t prev_n = 0;
      for (size_t i = 0; i < part;) {
        size_t n = 0;
        while (i + n < part && s[i + n] != '.') n++;
        if (!n || !known_name(f, s + i, n)) return false;
        if (prev && !known_step(f, prev, prev_n, s + i, n)) return false;
        prev = s + i;
        prev_n = n;
        i += n + 1;
      }
    }
    if (s[part] != '>') return true;
    s += part + 1;
  }
}
