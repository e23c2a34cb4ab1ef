/* case: the plain tree of a validated case, translations folded in, and the
 * rules the XSD cannot express (translations, required attributes on
 * originals, ids and references, date order, the photo path). */
#include "case_int.h"
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ---- arena ---- */

typedef struct chunk {
  struct chunk *next;
  size_t used, cap;
  max_align_t data[];
} chunk;

struct sd_arena {
  chunk *head;
};

#define CHUNK_BYTES (64u * 1024u)

sd_arena *sd_arena_new(void)
{
  return calloc(1, sizeof(sd_arena));
}

void sd_arena_free(sd_arena *a)
{
  if (!a) return;
  for (chunk *k = a->head, *next; k; k = next) {
    next = k->next;
    free(k);
  }
  free(a);
}

void *sd_arena_alloc(sd_arena *a, size_t n)
{
  const size_t al = sizeof(max_align_t);
  if (n > SIZE_MAX / 2) return NULL;
  n = (n + al - 1) / al * al;
  if (n == 0) n = al;
  chunk *k = a->head;
  if (!k || k->cap - k->used < n) {
    size_t cap = n > CHUNK_BYTES / 4 ? n : CHUNK_BYTES;
    chunk *nk = malloc(sizeof(chunk) + cap);
    if (!nk) return NULL;
    nk->used = 0;
    nk->cap = cap;
    if (k && n > CHUNK_BYTES / 4) { /* big block: keep filling the current chunk */
      nk->next = k->next;
      k->next = nk;
    } else {
      nk->next = k;
      a->head = nk;
    }
    k = nk;
  }
  void *p = (char *)k->data + k->used;
  k->used += n;
  memset(p, 0, n);
  return p;
}

char *sd_arena_strndup(sd_arena *a, const char *s, size_t n)
{
  char *p = sd_arena_alloc(a, n + 1);
  if (p) {
    memcpy(p, s, n);
    p[n] = '\0';
  }
  return p;
}

const char *sd_case_clip(const char *s, size_t max, char *buf, size_t cap)
{
  size_t o = 0, cps = 0;
  if (!s) s = "";
  for (size_t i = 0; s[i] && o + 4 < cap; i++) {
    unsigned char ch = (unsigned char)s[i];
    if ((ch & 0xC0) != 0x80 && cps++ == max) {
      if (o + 4 < cap) { memcpy(buf + o, "\xE2\x80\xA6", 3); o += 3; } /* … */
      break;
    }
    buf[o++] = (char)ch;
  }
  while (o > 0 && ((unsigned char)buf[o - 1] & 0xC0) == 0x80 && o + 4 >= cap) o--; /* no cut code point */
  buf[o] = '\0';
  return buf;
}

/* ---- building ---- */

typedef struct builder {
  sd_case *c;
  const sd_case_src *src;
  sd_diags *d;
  sd_status st;
} builder;

static void fail(builder *b, sd_status st)
{
  if (b->st == SD_OK) b->st = st;
}

static bool is_xml_ns(const xmlNs *ns)
{
  return ns && xmlStrEqual(ns->href, XML_XML_NAMESPACE);
}

/* Elements a list holds several of; any other element may appear once,
 * followed only by its translations. */
static bool is_list(const char *name)
{
  static const char *const lists[] = { "contact", "need", "item", "quote", "view", "outcome",
                                       "appendix", "meeting", "way", "person", "entry",
                                       "action", "strategy", "tried" };
  for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
    if (!strcmp(name, lists[i])) return true;
  return false;
}

/* Attributes the XSD leaves optional so that a translation can carry only
 * xml:lang; the original must have them. */
static const char *const *required_on_original(const char *name)
{
  static const char *const need[] = { "id", "type", NULL }, *const outcome[] = { "id", "need", "timeframe", NULL },
                           *const view[] = { "by", NULL }, *const way[] = { "kind", NULL },
                           *const entry[] = { "outcome", NULL };
  if (!strcmp(name, "need")) return need;
  if (!strcmp(name, "outcome")) return outcome;
  if (!strcmp(name, "view")) return view;
  if (!strcmp(name, "way")) return way;
  if (!strcmp(name, "entry")) return entry;
  return NULL;
}

static bool ws(char ch)
{
  return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Text as xs:token sees it: trimmed, each run of XML white space one space. */
static char *collapsed(builder *b, const char *s)
{
  size_t n = strlen(s);
  char *out = sd_arena_alloc(b->c->arena, n + 1);
  if (!out) return NULL;
  size_t o = 0;
  bool space = false;
  for (size_t i = 0; i < n; i++) {
    if (ws(s[i])) {
      space = o > 0;
      continue;
    }
    if (space) out[o++] = ' ';
    space = false;
    out[o++] = s[i];
  }
  out[o] = '\0';
  return out;
}

/* BCP 47 subset, the same as the XSD's lang-tag. */
static bool valid_lang(const char *s)
{
  size_t i = 0, n;
  for (n = 0; s[i] >= 'a' && s[i] <= 'z'; i++) n++;
  if (n < 2 || n > 3) return false;
  if (s[i] == '-' && s[i + 1] >= 'A' && s[i + 1] <= 'Z' && s[i + 2] >= 'a' && s[i + 2] <= 'z' &&
      s[i + 3] >= 'a' && s[i + 3] <= 'z' && s[i + 4] >= 'a' && s[i + 4] <= 'z' &&
      (s[i + 5] == '-' || s[i + 5] == '\0'))
    i += 5;
  if (s[i] == '-') {
    const char *r = s + i + 1;
    if (r[0] >= 'A' && r[0] <= 'Z' && r[1] >= 'A' && r[1] <= 'Z') i += 3;
    else if (r[0] >= '0' && r[0] <= '9' && r[1] >= '0' && r[1] <= '9' && r[2] >= '0' && r[2] <= '9') i += 4;
    else return false;
  }
  return s[i] == '\0';
}

#define ERR_AT(b, n, code, ...)                                                               \
  do {                                                                                        \
    sd_diag_error((b)->d, (code), (b)->c->file, (n)->line, (n)->col, (n)->name, __VA_ARGS__); \
    fail((b), SD_E_INPUT);                                                                    \
  } while (0)

static const char *explicit_lang(const xmlNode *x)
{
  for (const xmlAttr *a = x->properties; a; a = a->next)
    if (is_xml_ns(a->ns) && xmlStrEqual(a->name, BAD_CAST "lang") && a->children && a->children->content)
      return (const char *)a->children->content;
  return NULL;
}

static size_t count_attrs(const xmlNode *x)
{
  size_t n = 0;
  for (const xmlAttr *a = x->properties; a; a = a->next)
    if (!is_xml_ns(a->ns)) n++;
  return n;
}

static const char *first_attr(const xmlNode *x)
{
  for (const xmlAttr *a = x->properties; a; a = a->next)
    if (!is_xml_ns(a->ns)) return (const char *)a->name;
  return "";
}

static sd_case_node *build(builder *b, const xmlNode *x, sd_case_node *parent, const char *lang);

/* Children of x into n: element originals, then attributes. A same-named
 * sibling right after an element, carrying another xml:lang, is its
 * translation. */
static void build_children(builder *b, const xmlNode *x, sd_case_node *n)
{
  sd_arena *ar = b->c->arena;
  size_t n_el = 0, n_attr = count_attrs(x);
  for (const xmlNode *k = x->children; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE) n_el++;
  /* a real list (strengths, attendees, provision) is tens long; 10,000 is
   * not a plan but a runaway export, refused at the element */
  if (n_el > SD_CASE_MAX_CHILDREN) {
    sd_diag_error(b->d, "case.limit", b->c->file, n->line, n->col, n->name,
                  "%zu elements inside one element; the limit is %d", n_el, SD_CASE_MAX_CHILDREN);
    fail(b, SD_E_LIMIT);
    return;
  }
  n->children = sd_arena_alloc(ar, (n_el + n_attr + 1) * sizeof *n->children);
  if (!n->children) { fail(b, SD_E_NOMEM); return; }
  sd_case_node *orig = NULL;
  const xmlNode *orig_x = NULL;
  for (const xmlNode *k = x->children; k && b->st != SD_E_NOMEM; k = k->next) {
    if (k->type != XML_ELEMENT_NODE) continue;
    const char *kl = explicit_lang(k);
    bool same = orig && xmlStrEqual(k->name, orig_x->name);
    if (same && kl && (!orig->lang || strcasecmp(kl, orig->lang) != 0)) {
      bool dup = false;
      for (size_t t = 0; t < orig->n_translations; t++)
        if (orig->translations[t]->lang && strcasecmp(orig->translations[t]->lang, kl) == 0) dup = true;
      if (!dup) {
        sd_case_node *t = build(b, k, n, n->lang);
        if (!t) return;
        if (count_attrs(k))
          ERR_AT(b, t, "case.translation",
                 "a translation carries only xml:lang and the translated text; attribute %s belongs on the original",
                 first_attr(k));
        /* the translations array grows by one; arenas do not realloc */
        sd_case_node **tr = sd_arena_alloc(ar, (orig->n_translations + 1) * sizeof *tr);
        if (!tr) { fail(b, SD_E_NOMEM); return; }
        if (orig->n_translations) memcpy(tr, orig->translations, orig->n_translations * sizeof *tr);
        tr[orig->n_translations++] = t;
        orig->translations = tr;
        continue;
      }
      sd_case_node *t = build(b, k, n, n->lang);
      if (!t) return;
      ERR_AT(b, t, "case.translation", "a second translation of <%s> into \"%s\"; each language once per text",
             t->name, kl);
      continue;
    }
    sd_case_node *e = build(b, k, n, n->lang);
    if (!e) return;
    if (same && !is_list(e->name)) {
      sd_diag_error(b->d, "case.translation", b->c->file, e->line, e->col, e->name,
                    "<%s> appears again; a repeat must be a translation with an xml:lang other than \"%s\"",
                    e->name, orig->lang ? orig->lang : "the case's");
      fail(b, SD_E_INPUT);
    }
    const char *const *req = required_on_original(e->name);
    for (size_t r = 0; req && req[r]; r++) {
      bool has = false;
      for (size_t i = 0; i < e->n_children; i++)
        if (e->children[i]->is_attr && !strcmp(e->children[i]->name, req[r])) has = true;
      if (!has) ERR_AT(b, e, "case.schema", "missing required attribute %s", req[r]);
    }
    n->children[n->n_children++] = e;
    orig = e;
    orig_x = k;
  }
  for (const xmlAttr *a = x->properties; a; a = a->next) {
    if (is_xml_ns(a->ns)) continue;
    sd_case_node *an = sd_arena_alloc(ar, sizeof *an);
    xmlChar *v = xmlNodeGetContent((const xmlNode *)a);
    if (!an || !v) {
      xmlFree(v);
      fail(b, SD_E_NOMEM);
      return;
    }
    an->name = sd_arena_strndup(ar, (const char *)a->name, strlen((const char *)a->name));
    an->text = collapsed(b, (const char *)v);
    xmlFree(v);
    if (!an->name || !an->text) { fail(b, SD_E_NOMEM); return; }
    an->is_attr = true;
    an->lang = n->lang;
    an->line = n->line;
    an->col = n->col;
    an->parent = n;
    n->children[n->n_children++] = an;
  }
}

/* Depth is bounded by the parser (lim->max_depth, and libxml2's 256). */
static sd_case_node *build(builder *b, const xmlNode *x, sd_case_node *parent, const char *lang)
{
  sd_arena *ar = b->c->arena;
  sd_case_node *n = sd_arena_alloc(ar, sizeof *n);
  if (!n) { fail(b, SD_E_NOMEM); return NULL; }
  sd_case_pos p = sd_case_node_pos(b->src, x);
  n->name = sd_arena_strndup(ar, (const char *)x->name, strlen((const char *)x->name));
  if (!n->name) { fail(b, SD_E_NOMEM); return NULL; }
  n->line = p.line;
  n->col = p.col;
  n->parent = parent;
  n->lang = lang;
  const char *xl = explicit_lang(x);
  if (xl) {
    if (!valid_lang(xl)) {
      char v[96];
      ERR_AT(b, n, "case.schema", "xml:lang=\"%s\" is not a language tag such as \"ur\", \"pa-Arab\" or \"en-GB\"",
             sd_case_clip(xl, 40, v, sizeof v));
    }
    n->lang = sd_arena_strndup(ar, xl, strlen(xl));
    if (!n->lang) { fail(b, SD_E_NOMEM); return NULL; }
  }
  bool leaf = true;
  for (const xmlNode *k = x->children; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE) leaf = false;
  if (leaf) {
    xmlChar *t = xmlNodeGetContent(x);
    /* no field of a case is a megabyte long; one that is would only fail
     * later, far from its line, when a message or a page cannot hold it */
    size_t tl = t ? strlen((const char *)t) : 0;
    if (tl > SD_CASE_MAX_TEXT) {
      sd_diag_error(b->d, "case.limit", b->c->file, n->line, n->col, n->name,
                    "the text is %zu bytes; a field may hold at most %d", tl, SD_CASE_MAX_TEXT);
      xmlFree(t);
      fail(b, SD_E_LIMIT);
      return NULL;
    }
    n->text = collapsed(b, t ? (const char *)t : "");
    xmlFree(t);
    if (!n->text) { fail(b, SD_E_NOMEM); return NULL; }
  }
  build_children(b, x, n);
  return b->st == SD_E_NOMEM ? NULL : n;
}

/* ---- cross-references and dates ---- */

typedef struct idref {
  const char *kind, *id;
  const sd_case_node *node;
} idref;

typedef struct idset {
  idref *v;
  size_t n, cap;
} idset;

static int idref_cmp(const void *a, const void *b)
{
  const idref *x = a, *y = b;
  int c = strcmp(x->kind, y->kind);
  if (c) return c;
  c = strcmp(x->id, y->id);
  if (c) return c;
  return (x->node->line > y->node->line) - (x->node->line < y->node->line);
}

const char *sd_case_attr(const sd_case_node *n, const char *name)
{
  for (size_t i = 0; n && i < n->n_children; i++)
    if (n->children[i]->is_attr && !strcmp(n->children[i]->name, name)) return n->children[i]->text;
  return NULL;
}

const sd_case_node *sd_case_kid(const sd_case_node *n, const char *name)
{
  for (size_t i = 0; n && i < n->n_children; i++)
    if (!n->children[i]->is_attr && !strcmp(n->children[i]->name, name)) return n->children[i];
  return NULL;
}

/* Which element kinds declare ids. */
static const char *id_kind(const sd_case_node *n)
{
  const char *pn = n->parent ? n->parent->name : "";
  if (!strcmp(n->name, "need") && !strcmp(pn, "needs")) return "need";
  if (!strcmp(n->name, "outcome")) return "outcome";
  if (!strcmp(n->name, "contact") && !strcmp(pn, "family")) return "contact";
  if (!strcmp(n->name, "meeting")) return "meeting";
  if (!strcmp(n->name, "strategy")) return "strategy";
  return NULL;
}

static void collect_ids(builder *b, const sd_case_node *n, idset *s)
{
  if (n->is_attr) return;
  const char *kind = id_kind(n), *id = sd_case_attr(n, "id");
  if (kind && id) {
    if (s->n == s->cap) {
      size_t cap = s->cap ? s->cap * 2 : 32;
      idref *v = realloc(s->v, cap * sizeof *v);
      if (!v) { fail(b, SD_E_NOMEM); return; }
      s->v = v;
      s->cap = cap;
    }
    s->v[s->n++] = (idref){ kind, id, n };
  }
  for (size_t i = 0; i < n->n_children; i++) collect_ids(b, n->children[i], s);
}

static const sd_case_node *lookup(const idset *s, const char *kind, const char *id)
{
  size_t lo = 0, hi = s->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(s->v[mid].kind, kind);
    if (!c) c = strcmp(s->v[mid].id, id);
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo < s->n && !strcmp(s->v[lo].kind, kind) && !strcmp(s->v[lo].id, id) ? s->v[lo].node : NULL;
}

static void need_ref(builder *b, const idset *s, const sd_case_node *n, const char *name, const char *kind)
{
  const char *id = sd_case_attr(n, name);
  if (!id || lookup(s, kind, id)) return;
  char v[96];
  sd_diag_error(b->d, "case.ref", b->c->file, n->line, n->col, n->name,
                "%s=\"%s\" names no <%s id=\"%s\">", name, sd_case_clip(id, 40, v, sizeof v), kind, v);
  fail(b, SD_E_INPUT);
}

static void check_refs(builder *b, const sd_case_node *n, const idset *s)
{
  if (n->is_attr) return;
  const char *pn = n->parent ? n->parent->name : "";
  if (!strcmp(n->name, "outcome")) need_ref(b, s, n, "need", "need");
  if (!strcmp(n->name, "item") && !strcmp(pn, "provision")) {
    need_ref(b, s, n, "need", "need");
    need_ref(b, s, n, "outcome", "outcome");
    const sd_case_node *o = sd_case_attr(n, "outcome") ? lookup(s, "outcome", sd_case_attr(n, "outcome")) : NULL;
    const char *on = sd_case_attr(o, "need"), *in = sd_case_attr(n, "need");
    if (o && on && in && strcmp(on, in) != 0) {
      char v1[96], v2[96];
      sd_diag_warn(b->d, "case.ref", b->c->file, n->line, n->col, n->name,
                   "this provision is for need \"%s\" but its outcome \"%s\" is for need \"%s\"",
                   sd_case_clip(in, 40, v1, sizeof v1), sd_case_clip(sd_case_attr(n, "outcome"), 40, v2, sizeof v2), on);
    }
  }
  if (!strcmp(n->name, "view")) need_ref(b, s, n, "by", "contact");
  if (!strcmp(n->name, "person")) need_ref(b, s, n, "contact", "contact");
  if (!strcmp(n->name, "entry")) need_ref(b, s, n, "outcome", "outcome");
  if (!strcmp(n->name, "tried")) need_ref(b, s, n, "strategy", "strategy");
  for (size_t i = 0; i < n->n_children; i++) check_refs(b, n->children[i], s);
  for (size_t i = 0; i < n->n_translations; i++) check_refs(b, n->translations[i], s);
}

/* Dates are YYYY-MM-DD (the XSD's pattern), so text order is date order. */
static void date_order(builder *b, const sd_case_node *scope, const char *early, const char *late, bool strict,
                       const char *why)
{
  const sd_case_node *e = sd_case_kid(scope, early), *l = sd_case_kid(scope, late);
  if (!e || !l || !e->text || !l->text) return;
  int c = strcmp(l->text, e->text);
  if (c > 0 || (c == 0 && !strict)) return;
  sd_diag_error(b->d, "case.date", b->c->file, l->line, l->col, l->name, "%s is %s <%s> (%s): %s", l->text,
                c == 0 ? "the same day as" : "before", early, e->text, why);
  fail(b, SD_E_INPUT);
}

static void check_dates(builder *b, const sd_case_node *root)
{
  const sd_case_node *plan = sd_case_kid(root, "plan");
  if (plan) {
    date_order(b, plan, "plan-date", "review-date", true, "the review must come after the plan");
    date_order(b, plan, "plan-date", "issue-date", false, "a plan cannot be issued before it is dated");
  }
  const sd_case_node *ms = sd_case_kid(root, "meetings");
  for (size_t i = 0; ms && i < ms->n_children; i++) {
    const sd_case_node *m = ms->children[i];
    if (m->is_attr) continue;
    date_order(b, m, "invitation-date", "date", false, "the invitation must go out before the meeting");
    date_order(b, m, "date", "next-review-date", true, "the next review must come after this meeting");
  }
}

/* The photo must be inside the case's folder; without a folder it cannot be shown. */
static void check_photo(builder *b, const sd_case_node *root)
{
  const sd_case_node *photo = sd_case_find(root, "child.photo");
  const char *src = sd_case_attr(photo, "src");
  if (!photo || !src) return;
  if (!b->c->base_dir) {
    sd_diag_warn(b->d, "case.photo", b->c->file, photo->line, photo->col, "photo",
                 "the photo cannot be shown: this case was not read from a folder");
    return;
  }
  char *p = sd_case_resolve_photo(b->c, photo, src, b->d);
  if (!p) fail(b, SD_E_INPUT);
  free(p);
}

sd_status sd_case_build(sd_case *c, const xmlDoc *doc, const sd_case_src *src, sd_diags *d)
{
  builder b = { .c = c, .src = src, .d = d, .st = SD_OK };
  const xmlNode *root = xmlDocGetRootElement((xmlDoc *)doc);
  if (!root) return SD_E_INPUT;
  c->root = build(&b, root, NULL, NULL);
  if (!c->root) return b.st != SD_OK ? b.st : SD_E_NOMEM;
  if (!explicit_lang(root)) {
    sd_diag_error(d, "case.schema", c->file, c->root->line, c->root->col, "case",
                  "missing required attribute xml:lang (the language of the case text, e.g. \"en-GB\")");
    fail(&b, SD_E_INPUT);
  }
  if (b.st == SD_E_NOMEM) return b.st;
  idset s = { 0 };
  collect_ids(&b, c->root, &s);
  if (s.n) qsort(s.v, s.n, sizeof *s.v, idref_cmp);
  for (size_t i = 1; i < s.n; i++) {
    if (strcmp(s.v[i].kind, s.v[i - 1].kind) || strcmp(s.v[i].id, s.v[i - 1].id)) continue;
    const sd_case_node *n = s.v[i].node;
    char v[96];
    sd_diag_error(d, "case.ref", c->file, n->line, n->col, n->name, "id \"%s\" is already used by the <%s> on line %d",
                  sd_case_clip(s.v[i].id, 40, v, sizeof v), s.v[i - 1].node->name, s.v[i - 1].node->line);
    fail(&b, SD_E_INPUT);
  }
  if (b.st != SD_E_NOMEM) check_refs(&b, c->root, &s);
  free(s.v);
  if (b.st != SD_E_NOMEM) check_dates(&b, c->root);
  if (b.st != SD_E_NOMEM) check_photo(&b, c->root);
  return b.st;
}
