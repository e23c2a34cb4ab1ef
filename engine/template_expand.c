/* template: expansion of a parsed template against a case, the document
 * tree's dump and its release. The syntax is described in template.c. */
#include "template_priv.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct scope {
  const sd_case_node *item;
  size_t index, count; /* index is 1-based */
} scope;

typedef struct bvec {
  sd_block *v;
  const tblock **origin; /* template block each output block came from */
  size_t n, cap;
} bvec;

typedef struct ivec {
  sd_inline *v;
  size_t n, cap;
} ivec;

typedef struct ectx {
  const sd_case *c;
  const char *lang;     /* language case text is taken in: the document's, or a {{#lang}} section's */
  const char *doc_lang; /* the document language given to sd_template_expand */
  const char *sec_lang; /* the innermost {{#lang}} section's tag; NULL outside sections */
  const char *blk_lang; /* stamped on every block made: the section's tag when not the document's */
  const char *mark;     /* stamped on template text, messages and dates: the section's tag when
                           not the language of the block they land in */
  const char *file;
  sd_diags *d;
  sd_status st;
  scope *sc;
  size_t nsc, capsc;
  size_t n_blocks, n_inls;
  int rep[64][2]; /* positions already reported: one message per template spot */
  size_t n_rep;
  struct id_ref *ids; /* every element with an @id, by id: {{a>b}} references */
  size_t n_ids;
  const sd_case_node *meeting;  /* front matter `meeting:`: the one meeting; "meeting.x" is its x only */
  const sd_case_node *glossary; /* <glossary>: translations of attribute values (roles, timeframes) */
  size_t n_untranslated;
  const sd_schema_fields *known; /* the schema's fields: a known one the case lacks is empty */
} ectx;

typedef struct id_ref {
  const char *id;
  const sd_case_node *node;
} id_ref;

static bool stopped(const ectx *e)
{
  return e->st == SD_E_NOMEM || e->st == SD_E_LIMIT;
}

static void nomem(ectx *e)
{
  if (!stopped(e)) e->st = SD_E_NOMEM;
}

static void field_error(ectx *e, int line, int col, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void field_error(ectx *e, int line, int col, const char *field, const char *fmt, ...)
{
  if (e->st == SD_OK) e->st = SD_E_INPUT;
  for (size_t i = 0; i < e->n_rep; i++)
    if (e->rep[i][0] == line && e->rep[i][1] == col) return;
  if (e->n_rep == sizeof e->rep / sizeof e->rep[0]) return;
  e->rep[e->n_rep][0] = line;
  e->rep[e->n_rep++][1] = col;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  sd_diag_error(e->d, "template.field", e->file, line, col, field, "%s", msg);
}

/* ---- case lookup ----------------------------------------------------------- */

static const sd_case_node *child_named(const sd_case_node *n, const char *name, size_t len)
{
  for (size_t i = 0; n && i < n->n_children; i++) {
    const sd_case_node *k = n->children[i];
    if (k && k->name && strlen(k->name) == len && memcmp(k->name, name, len) == 0) return k;
  }
  return NULL;
}

/* Follows the dotted path's first len bytes below base. */
static const sd_case_node *find_below(const sd_case_node *base, const char *path, size_t len)
{
  const sd_case_node *n = base;
  size_t i = 0;
  while (n && i < len) {
    size_t j = i;
    while (j < len && path[j] != '.') j++;
    n = child_named(n, path + i, j - i);
    i = j + 1;
  }
  return n;
}

static int by_id(const void *a, const void *b)
{
  return strcmp(((const id_ref *)a)->id, ((const id_ref *)b)->id);
}

/* Indexes the case's ids once per expansion, iteratively (cases are
 * bounded in depth, but not by this code). */
static void index_ids(ectx *e)
{
  if (!e->c) return;
  size_t cap = 64, n = 0, cap_ids = 0;
  const sd_case_node **stack = malloc(cap * sizeof *stack);
  if (!stack) return nomem(e);
  stack[n++] = e->c->root;
  while (n) {
    const sd_case_node *x = stack[--n];
    for (size_t i = 0; i < x->n_children; i++) {
      const sd_case_node *k = x->children[i];
      if (k->is_attr) {
        if (k->text && strcmp(k->name, "id") == 0) {
          if (e->n_ids == cap_ids) {
            cap_ids = cap_ids ? cap_ids * 2 : 32;
            id_ref *v = realloc(e->ids, cap_ids * sizeof *v);
            if (!v) {
              free(stack);
              return nomem(e);
            }
            e->ids = v;
          }
          e->ids[e->n_ids++] = (id_ref){ k->text, x };
        }
        continue;
      }
      if (n == cap) {
        const sd_case_node **g = realloc(stack, (cap *= 2) * sizeof *g);
        if (!g) {
          free(stack);
          return nomem(e);
        }
        stack = g;
      }
      stack[n++] = k;
    }
  }
  free(stack);
  if (e->n_ids) qsort(e->ids, e->n_ids, sizeof *e->ids, by_id);
}

static const sd_case_node *element_with_id(const ectx *e, const char *id)
{
  id_ref key = { id, NULL };
  const id_ref *r = id && e->n_ids ? bsearch(&key, e->ids, e->n_ids, sizeof *e->ids, by_id) : NULL;
  return r ? r->node : NULL;
}

/* The dotted part of a path, innermost item first, then enclosing items,
 * then <case>. */
static const sd_case_node *resolve_dotted(const ectx *e, const char *path, size_t len)
{
  if (len == 1 && path[0] == '.') return e->nsc ? e->sc[e->nsc - 1].item : NULL;
  /* review paperwork: "meeting.child-views" is the meeting's, never the case's */
  if (e->meeting && len > 8 && memcmp(path, "meeting.", 8) == 0) return find_below(e->meeting, path + 8, len - 8);
  for (size_t i = e->nsc; i > 0; i--) {
    const sd_case_node *n = find_below(e->sc[i - 1].item, path, len);
    if (n) return n;
  }
  return e->c ? find_below(e->c->root, path, len) : NULL;
}

static const sd_case_node *resolve(const ectx *e, const char *path)
{
  size_t k = strcspn(path, ">");
  const sd_case_node *n = resolve_dotted(e, path, k);
  /* a>b: a holds an id; b is found below the element carrying it */
  for (const char *rest = path + k; n && *rest == '>'; rest += k) {
    rest++;
    n = element_with_id(e, n->text);
    k = strcspn(rest, ">");
    if (n && !(k == 1 && rest[0] == '.') && !(k == 6 && memcmp(rest, "@index", 6) == 0)) n = find_below(n, rest, k);
  }
  return n;
}

/* BCP 47 pieces: primary language and script (explicit or the likely one
 * for languages written in two scripts, so pa-Guru never stands in for pa-Arab). */
static size_t primary_len(const char *t)
{
  size_t i = 0;
  while (t[i] && t[i] != '-' && t[i] != '_') i++;
  return i;
}

static void script_of(const char *t, char out[5])
{
  size_t p = primary_len(t);
  out[0] = '\0';
  const char *s = t + p;
  bool pk = false, tw = false;
  while (*s) {
    s++;
    size_t n = 0;
    while (s[n] && s[n] != '-' && s[n] != '_') n++;
    if (n == 4 && !out[0]) {
      for (size_t i = 0; i < 4; i++) out[i] = (char)(i ? (s[i] | 0x20) : (s[i] & ~0x20));
      out[4] = '\0';
    }
    if (n == 2 && strncasecmp(s, "PK", 2) == 0) pk = true;
    if (n == 2 && (strncasecmp(s, "TW", 2) == 0 || strncasecmp(s, "HK", 2) == 0)) tw = true;
    s += n;
  }
  if (out[0]) return;
  static const char *const likely[][3] = {
    {"pa", "Guru", "Arab"}, {"sd", "Arab", "Arab"}, {"ur", "Arab", "Arab"},
    {"ks", "Arab", "Arab"}, {"zh", "Hans", "Hant"}, {"sr", "Cyrl", "Cyrl"},
  };
  for (size_t i = 0; i < sizeof likely / sizeof likely[0]; i++)
    if (p == 2 && strncasecmp(t, likely[i][0], 2) == 0) {
      memcpy(out, (pk || tw) ? likely[i][2] : likely[i][1], 5);
      return;
    }
}

static bool lang_near(const char *want, const char *have)
{
  size_t pw = primary_len(want), ph = primary_len(have);
  if (pw != ph || strncasecmp(want, have, pw) != 0) return false;
  char sw[5], sh[5];
  script_of(want, sw);
  script_of(have, sh);
  return !sw[0] || !sh[0] || strcmp(sw, sh) == 0;
}

/* The node's text in lang: exact tag, then same language in a compatible
 * script, else the node's own text. *used gets the language returned. */
static const char *text_in(const sd_case_node *n, const char *lang, const char **used)
{
  *used = n->lang;
  if (lang && *lang) {
    for (int pass = 0; pass < 2; pass++)
      for (size_t i = 0; i <= n->n_translations; i++) {
        const sd_case_node *k = i == 0 ? n : n->translations[i - 1];
        if (!k || !k->text || !k->lang) continue;
        if (pass == 0 ? strcasecmp(k->lang, lang) == 0 : lang_near(lang, k->lang)) {
          *used = k->lang;
          return k->text;
        }
      }
  }
  return n->text;
}

static bool has_elements(const sd_case_node *n)
{
  for (size_t i = 0; i < n->n_children; i++)
    if (n->children[i] && !n->children[i]->is_attr) return true;
  return false;
}

/* The items {{#each path}} visits (see template.c); *found false if the path
 * names nothing. Free *items. */
static size_t each_items(ectx *e, const char *path, const sd_case_node ***items, bool *found)
{
  *items = NULL;
  *found = false;
  const sd_case_node *only_base = NULL;
  if (e->meeting && strncmp(path, "meeting.", 8) == 0 && path[8]) {
    only_base = e->meeting;
    path += 8;
  }
  size_t len = strlen(path);
  const char *dot = strrchr(path, '.');
  size_t plen = dot ? (size_t)(dot - path) : 0;
  const char *last = dot ? dot + 1 : path;
  size_t llen = len - (size_t)(last - path);
  const sd_case_node *parent = NULL;
  /* innermost item, enclosing items, then <case> */
  for (size_t k = only_base ? e->nsc : 0; k <= e->nsc && !parent; k++) {
    const sd_case_node *base = only_base ? only_base : k < e->nsc ? e->sc[e->nsc - 1 - k].item : (e->c ? e->c->root : NULL);
    const sd_case_node *par = base ? (plen ? find_below(base, path, plen) : base) : NULL;
    if (par && child_named(par, last, llen)) parent = par;
  }
  if (!parent) return 0;
  *found = true;
  size_t n = 0;
  const sd_case_node *only = NULL;
  for (size_t i = 0; i < parent->n_children; i++) {
    const sd_case_node *k = parent->children[i];
    if (k && !k->is_attr && strlen(k->name) == llen && memcmp(k->name, last, llen) == 0) {
      n++;
      only = k;
    }
  }
  const sd_case_node *src = parent;
  const char *want = last;
  size_t wlen = llen;
  if (n == 1 && (!only->text || !*only->text)) {
    /* one container whose element children share a name: visit them */
    const char *cname = NULL;
    bool same = true;
    size_t m = 0;
    for (size_t i = 0; i < only->n_children && same; i++) {
      const sd_case_node *k = only->children[i];
      if (!k || k->is_attr) continue;
      if (!cname) cname = k->name;
      else if (strcmp(cname, k->name) != 0) same = false;
      m++;
    }
    if (same) {
      src = only;
      want = cname;
      wlen = cname ? strlen(cname) : 0;
      n = m;
    }
  }
  if (!n) return 0;
  *items = malloc(n * sizeof **items);
  if (!*items) {
    nomem(e);
    return 0;
  }
  size_t w = 0;
  for (size_t i = 0; i < src->n_children && w < n; i++) {
    const sd_case_node *k = src->children[i];
    if (k && !k->is_attr && strlen(k->name) == wlen && memcmp(k->name, want, wlen) == 0)
      (*items)[w++] = k;
  }
  return w;
}

/* BCP 47 tags compare case-insensitively, '-' and '_' alike. */
static bool same_tag(const char *a, const char *b)
{
  if (!a || !b) return a == b;
  for (; *a && *b; a++, b++) {
    char x = *a == '_' ? '-' : *a, y = *b == '_' ? '-' : *b;
    if ((x | 0x20) != (y | 0x20)) return false;
  }
  return *a == *b;
}

static bool truthy(ectx *e, const char *path);

/* {{#if path}}, {{#if path == "v"}} or {{#if path != "v"}}: a comparison
 * uses the field's own text (not a translation); a missing field is "". */
static bool condition(ectx *e, const char *path, tcmp cmp, const char *value)
{
  if (cmp == CMP_NONE) return truthy(e, path);
  if (strcmp(path, "@lang") == 0) {
    /* a BCP 47 range: the value, or the value followed by more subtags */
    const char *l = e->lang ? e->lang : "";
    size_t vn = strlen(value ? value : "");
    bool eq = false;
    if (vn <= strlen(l)) {
      char *head = sd_strndup(l, vn);
      if (!head) {
        nomem(e);
        return false;
      }
      eq = same_tag(head, value) && (l[vn] == '\0' || l[vn] == '-' || l[vn] == '_');
      free(head);
    }
    return cmp == CMP_EQ ? eq : !eq;
  }
  const sd_case_node *x = e->c ? resolve(e, path) : NULL;
  const char *t = x && x->text ? x->text : "";
  bool eq = strcmp(t, value ? value : "") == 0;
  return cmp == CMP_EQ ? eq : !eq;
}

static bool truthy(ectx *e, const char *path)
{
  if (strcmp(path, "@first") == 0) return e->nsc && e->sc[e->nsc - 1].index == 1;
  if (strcmp(path, "@last") == 0) return e->nsc && e->sc[e->nsc - 1].index == e->sc[e->nsc - 1].count;
  const sd_case_node **items = NULL;
  bool found = false;
  size_t n = each_items(e, path, &items, &found);
  free(items);
  const sd_case_node *x = resolve(e, path);
  if (!x) return false;
  if (n > 1) return true;
  if (x->text) {
    const char *used;
    const char *t = text_in(x, e->lang, &used);
    /* "false" and "0" are both xs:boolean's false */
    return t && *t && strcmp(t, "false") != 0 && strcmp(t, "0") != 0;
  }
  return has_elements(x);
}

/* ---- output vectors --------------------------------------------------------- */

static sd_inline *ivec_add(ectx *e, ivec *v, sd_inline_kind k)
{
  if (++e->n_inls > TPL_MAX_INLINES) {
    if (!stopped(e)) {
      sd_diag_error(e->d, "template.limit", e->file, 0, 0, NULL,
                    "expansion against %s makes more than %d pieces of text",
                    e->c && e->c->file ? e->c->file : "the case", TPL_MAX_INLINES);
      e->st = SD_E_LIMIT;
    }
    return NULL;
  }
  if (v->n == v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 8;
    sd_inline *nv = realloc(v->v, cap * sizeof *nv);
    if (!nv) {
      nomem(e);
      return NULL;
    }
    v->v = nv;
    v->cap = cap;
  }
  sd_inline *x = &v->v[v->n++];
  memset(x, 0, sizeof *x);
  x->kind = k;
  return x;
}

void sd_inline_clear(sd_inline *x)
{
  free(x->text);
  free(x->lang);
  free(x->field);
  for (size_t i = 0; i < x->n_args; i++) {
    free(x->arg_names ? x->arg_names[i] : NULL);
    free(x->arg_values ? x->arg_values[i] : NULL);
    free(x->arg_langs ? x->arg_langs[i] : NULL);
  }
  free(x->arg_names);
  free(x->arg_values);
  free(x->arg_langs);
  memset(x, 0, sizeof *x);
}

static void inlines_free(sd_inline *v, size_t n)
{
  for (size_t i = 0; v && i < n; i++) sd_inline_clear(&v[i]);
  free(v);
}

static void block_contents_free(sd_block *root);

static bool bvec_push(ectx *e, bvec *v, sd_block *b, const tblock *origin)
{
  if (++e->n_blocks > TPL_MAX_BLOCKS) {
    if (!stopped(e)) {
      sd_diag_error(e->d, "template.limit", e->file, origin ? origin->line : 0,
                    origin ? origin->col : 0, NULL, "expansion against %s makes more than %d blocks",
                    e->c && e->c->file ? e->c->file : "the case", TPL_MAX_BLOCKS);
      e->st = SD_E_LIMIT;
    }
    block_contents_free(b);
    return false;
  }
  if (e->blk_lang && !b->lang && !(b->lang = sd_strdup(e->blk_lang))) {
    block_contents_free(b);
    nomem(e);
    return false;
  }
  if (v->n == v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 8;
    sd_block *nv = realloc(v->v, cap * sizeof *nv);
    const tblock **no = nv ? realloc(v->origin, cap * sizeof *no) : NULL;
    if (nv) v->v = nv;
    if (!no) {
      block_contents_free(b);
      nomem(e);
      return false;
    }
    v->origin = no;
    v->cap = cap;
  }
  v->origin[v->n] = origin;
  v->v[v->n++] = *b;
  return true;
}

static void bvec_free(bvec *v)
{
  for (size_t i = 0; i < v->n; i++) block_contents_free(&v->v[i]);
  free(v->v);
  free(v->origin);
  *v = (bvec){0};
}


/* ---- the meeting review paperwork is about ------------------------------------ */

static const char *attr_of(const sd_case_node *n, const char *name)
{
  for (size_t i = 0; n && i < n->n_children; i++)
    if (n->children[i]->is_attr && strcmp(n->children[i]->name, name) == 0) return n->children[i]->text;
  return NULL;
}

/* "review-invitation" → "a review invitation" (what the document is called in messages). */
static void doc_name(const sd_template *t, char *buf, size_t n)
{
  const char *ty = t->fm.doc_type ? t->fm.doc_type : "document";
  bool vowel = strchr("aeiou", ty[0]) != NULL;
  snprintf(buf, n, "%s %s", vowel ? "an" : "a", ty);
  for (char *p = buf; *p; p++)
    if (*p == '-') *p = ' ';
}

/* Front matter `meeting: next T` / `latest T`: one meeting of type T, by id
 * when the caller names one; past meetings are never reprinted. NULL with one
 * case.required error naming the case's element when there is none. */
static const sd_case_node *pick_meeting(ectx *e, const sd_template *t, const sd_expand_options *o)
{
  const sd_case_node *root = e->c->root, *ms = child_named(root, "meetings", 8);
  const sd_case_node *at = ms ? ms : root, *best = NULL, *last_past = NULL;
  const char *type = t->fm.meeting_type, *today = o ? o->today : NULL;
  const char *file = e->c->file;
  char what[96];
  doc_name(t, what, sizeof what);
  e->st = SD_E_INPUT;
  if (o && o->meeting_id) {
    for (size_t i = 0; ms && i < ms->n_children && !best; i++) {
      const char *id = attr_of(ms->children[i], "id");
      if (!ms->children[i]->is_attr && id && strcmp(id, o->meeting_id) == 0) best = ms->children[i];
    }
    if (!best) {
      char ids[256] = "";
      for (size_t i = 0; ms && i < ms->n_children; i++) {
        const char *id = attr_of(ms->children[i], "id");
        if (id && strlen(ids) + strlen(id) + 3 < sizeof ids)
          snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%s%s", ids[0] ? ", " : "", id);
      }
      sd_diag_error(e->d, "case.required", file, at->line, at->col, ms ? "meetings" : "case",
                    "there is no meeting with id \"%s\" in this case (%s%s)", o->meeting_id,
                    ids[0] ? "its meetings: " : "it has no meetings", ids);
      return NULL;
    }
    const char *bt = attr_of(best, "type");
    if (!bt || strcmp(bt, type) != 0) {
      sd_diag_error(e->d, "case.required", file, best->line, best->col, "meeting",
                    "meeting \"%s\" is a%s %s meeting, and %s is for an %s meeting: choose one with "
                    "type=\"%s\"", o->meeting_id, bt && strchr("aeiou", bt[0]) ? "n" : "", bt ? bt : "untyped",
                    what, type, type);
      return NULL;
    }
    e->st = SD_OK;
    return best;
  }
  const char *best_date = NULL, *next_date = NULL;
  for (size_t i = 0; ms && i < ms->n_children; i++) {
    const sd_case_node *m = ms->children[i];
    const char *mt = attr_of(m, "type");
    const sd_case_node *dn = child_named(m, "date", 4);
    const char *d = dn && dn->text ? dn->text : "";
    if (m->is_attr || !mt || strcmp(mt, type) != 0) continue;
    bool past = today && strcmp(d, today) < 0;
    bool held = !today || strcmp(d, today) <= 0;
    if (t->fm.meeting_latest && held) {
      if (!last_past || strcmp(d, best_date) >= 0) {
        last_past = m;
        best_date = d;
      }
    } else if (past) {
      if (!last_past || strcmp(d, best_date) >= 0) {
        last_past = m;
        best_date = d;
      }
    } else if (!best || strcmp(d, next_date) < 0) {
      best = m;
      next_date = d;
    }
  }
  if (t->fm.meeting_latest && last_past) best = last_past;
  if (best) {
    e->st = SD_OK;
    return best;
  }
  if (last_past)
    sd_diag_error(e->d, "case.required", file, last_past->line, last_past->col, "meeting",
                  "%s needs an %s meeting on or after %s (the date it is printed); the latest, \"%s\" on %s, "
                  "has passed and is not printed again: add the next <meeting type=\"%s\">, or name a meeting "
                  "with --meeting ID", what, type, today, attr_of(last_past, "id") ? attr_of(last_past, "id") : "?",
                  best_date, type);
  else
    sd_diag_error(e->d, "case.required", file, at->line, at->col, ms ? "meetings" : "case",
                  "%s needs an %s meeting: add <meeting type=\"%s\"> to %s", what, type, type,
                  ms ? "<meetings>" : "the case, inside <meetings> after <plan>");
  return NULL;
}

/* ---- expansion --------------------------------------------------------------- */

static bool push_scope(ectx *e, const sd_case_node *item, size_t index, size_t count)
{
  if (e->nsc == e->capsc) {
    size_t cap = e->capsc ? e->capsc * 2 : 8;
    scope *s = realloc(e->sc, cap * sizeof *s);
    if (!s) {
      nomem(e);
      return false;
    }
    e->sc = s;
    e->capsc = cap;
  }
  e->sc[e->nsc++] = (scope){item, index, count};
  return true;
}

static bool set_str(ectx *e, char **slot, const char *s)
{
  if (!s) return true;
  *slot = sd_strdup(s);
  if (!*slot) nomem(e);
  return *slot != NULL;
}

/* A path the case lacks but the schema allows (an optional element left
 * out): it expands to nothing rather than being a template error. */
static bool optional_absent(const ectx *e, const char *path)
{
  return e->c && e->known && sd_schema_fields_knows(e->known, path);
}

/* A field's text in the requested language; "" (with *node NULL) for an
 * optional element the case leaves out; NULL with a diagnostic. */
static const char *field_text(ectx *e, const tinl *x, const char *path, const sd_case_node **node,
                              const char **used)
{
  *node = NULL;
  if (!e->c && strcmp(path, ".") != 0) {
    field_error(e, x->line, x->col, path,
                "{{%s}}: a Markdown note has no case data to take fields from", path);
    return NULL;
  }
  const sd_case_node *n = resolve(e, path);
  if (!n) {
    if (strcmp(path, ".") == 0)
      field_error(e, x->line, x->col, path, "{{.}} is only meaningful inside {{#each}}");
    else if (optional_absent(e, path)) {
      *used = NULL;
      return "";
    } else
      field_error(e, x->line, x->col, path, "unknown field \"%s\": the case has no such element", path);
    return NULL;
  }
  const char *t = text_in(n, e->lang, used);
  if (!t) {
    field_error(e, x->line, x->col, path, "field \"%s\" has no text of its own (it holds other elements)", path);
    return NULL;
  }
  *node = n;
  return t;
}

/* ---- translations of values: the glossary and what is left untranslated ---- */

/* Leaf elements and attributes whose text is a name, an address or a code:
 * never translated, so never reported as untranslated. */
static bool untranslatable(const sd_case_node *n)
{
  /* of the attributes only roles and timeframes are prose */
  if (n->is_attr) return strcmp(n->name, "role") != 0 && strcmp(n->name, "timeframe") != 0;
  static const char *const names[] = { "legal-name", "name", "email", "phone", "owner", "author",
                                       "school-name", "local-authority", "home-language", NULL };
  for (size_t i = 0; names[i]; i++)
    if (strcmp(n->name, names[i]) == 0) return true;
  return false;
}

/* The glossary's translation of value into lang: <glossary><item>Parent</item>
 * <item xml:lang="ur">…</item>…; NULL when it has none. */
static const char *glossary_text(const ectx *e, const char *value, const char *lang, const char **used)
{
  for (size_t i = 0; e->glossary && lang && i < e->glossary->n_children; i++) {
    const sd_case_node *k = e->glossary->children[i];
    if (k->is_attr || !k->text || strcmp(k->text, value) != 0) continue;
    const char *u = NULL;
    const char *t = text_in(k, lang, &u);
    if (u && lang_near(lang, u)) {
      *used = u;
      return t;
    }
  }
  return NULL;
}

/* A field's value as shown in the section's language: its own translation
 * (already chosen by text_in), else the glossary's; what is still in another
 * language is counted (sendoc lint lists them: lint.translation-missing,
 * lint.untranslated). */
static const char *translated(ectx *e, const sd_case_node *n, const char *t, const char **used)
{
  const char *want = e->lang;
  if (!n || !want || !*used || lang_near(want, *used) || untranslatable(n)) return t;
  const char *g = glossary_text(e, t, want, used);
  if (g) return g;
  e->n_untranslated++;
  return t;
}

static void expand_inls(ectx *e, const tinls *in, ivec *out);

/* {{#each path where field == "v"}}: keeps, in order, the items the condition
 * holds for, each tested as the current item. Returns how many are kept. */
static size_t keep_where(ectx *e, const char *where, tcmp cmp, const char *value, const sd_case_node **items,
                         size_t n)
{
  if (!where) return n;
  size_t w = 0;
  for (size_t i = 0; i < n && !stopped(e); i++) {
    if (!push_scope(e, items[i], i + 1, n)) return 0;
    bool keep = condition(e, where, cmp, value);
    e->nsc--;
    if (keep) items[w++] = items[i];
  }
  return w;
}

/* The language a message or date is formatted in, when not the document's:
 * the locale stage picks that language's catalogue. */
static const char *msg_lang(const ectx *e)
{
  if (e->mark) return e->mark;
  return e->sec_lang && !same_tag(e->sec_lang, e->doc_lang) ? e->sec_lang : NULL;
}

typedef struct lang_save {
  const char *lang, *sec_lang, *blk_lang, *mark;
} lang_save;

/* Enters a {{#lang tag}} section; block sections set the blocks' language,
 * inline ones mark the text they make when it differs from the block's. */
static lang_save enter_lang(ectx *e, const char *tag, bool block)
{
  lang_save sv = {e->lang, e->sec_lang, e->blk_lang, e->mark};
  const char *t = strcmp(tag, "doc") == 0 ? e->doc_lang : tag;
  e->lang = t;
  e->sec_lang = t;
  if (block) {
    e->blk_lang = t && !same_tag(t, e->doc_lang) ? t : NULL;
    e->mark = NULL;
  } else {
    const char *around = e->blk_lang ? e->blk_lang : e->doc_lang;
    e->mark = t && !same_tag(t, around) ? t : NULL;
  }
  return sv;
}

static void leave_lang(ectx *e, lang_save sv)
{
  e->lang = sv.lang;
  e->sec_lang = sv.sec_lang;
  e->blk_lang = sv.blk_lang;
  e->mark = sv.mark;
}

static void expand_inl(ectx *e, const tinl *x, ivec *out)
{
  const sd_case_node *n = NULL;
  const char *used = NULL;
  sd_inline *o = NULL;
  char num[32];
  switch (x->kind) {
  case TI_TEXT:
    if (!x->text[0] || !(o = ivec_add(e, out, SD_INL_TEXT))) return;
    o->line = x->line;
    o->col = x->col;
    o->strong = x->strong;
    if (set_str(e, &o->text, x->text)) set_str(e, &o->lang, e->mark);
    return;
  case TI_COUNT: {
    const sd_case_node **items = NULL;
    bool found = false;
    size_t cnt = e->c ? each_items(e, x->text, &items, &found) : 0;
    free(items);
    if (!found && !e->c) {
      field_error(e, x->line, x->col, x->text, "{{count:%s}}: a Markdown note has no case data", x->text);
      return;
    }
    /* a missing list counts as none, as {{#each}} would visit none */
    snprintf(num, sizeof num, "%zu", cnt);
    if (!(o = ivec_add(e, out, SD_INL_TEXT))) return;
    o->line = x->line;
    o->col = x->col;
    o->strong = x->strong;
    if (set_str(e, &o->text, num) && set_str(e, &o->lang, e->mark)) set_str(e, &o->field, x->text);
    return;
  }
  case TI_LANG: {
    lang_save sv = enter_lang(e, x->text, false);
    expand_inls(e, &x->body, out);
    leave_lang(e, sv);
    return;
  }
  case TI_BREAK:
    if (!(o = ivec_add(e, out, SD_INL_BREAK))) return;
    o->line = x->line;
    o->col = x->col;
    return;
  case TI_INDEX:
    if (!e->nsc) {
      field_error(e, x->line, x->col, "@index", "{{@index}} is only meaningful inside {{#each}}");
      return;
    }
    snprintf(num, sizeof num, "%zu", e->sc[e->nsc - 1].index);
    if (!(o = ivec_add(e, out, SD_INL_TEXT))) return;
    o->line = x->line;
    o->col = x->col;
    o->strong = x->strong;
    if (set_str(e, &o->text, num)) set_str(e, &o->lang, e->mark);
    return;
  case TI_FIELD: {
    size_t pl = strlen(x->text);
    if (pl > 7 && strcmp(x->text + pl - 7, ">@index") == 0) {
      /* need>@index: the referenced element's number among its like-named siblings */
      n = e->c ? resolve(e, x->text) : NULL;
      if (!n) {
        if (!e->c || !optional_absent(e, x->text))
          field_error(e, x->line, x->col, x->text, "unknown field \"%s\": the case has no such element", x->text);
        return;
      }
      size_t k = 0;
      for (size_t i = 0; n->parent && i < n->parent->n_children; i++) {
        const sd_case_node *s = n->parent->children[i];
        if (!s->is_attr && strcmp(s->name, n->name) == 0) k++;
        if (s == n) break;
      }
      snprintf(num, sizeof num, "%zu", k ? k : 1);
      if (!(o = ivec_add(e, out, SD_INL_TEXT))) return;
      o->line = x->line;
      o->col = x->col;
      o->strong = x->strong;
      if (set_str(e, &o->text, num) && set_str(e, &o->lang, e->mark)) set_str(e, &o->field, x->text);
      return;
    }
    const char *t = field_text(e, x, x->text, &n, &used);
    if (t && *t) t = translated(e, n, t, &used);
    if (!t || !*t || !(o = ivec_add(e, out, SD_INL_TEXT))) return;
    o->strong = x->strong;
    o->line = n->line;
    o->col = n->col;
    if (set_str(e, &o->text, t) && set_str(e, &o->lang, used)) set_str(e, &o->field, x->text);
    return;
  }
  case TI_DATE: {
    const char *t = x->text;
    if (!x->date_literal) {
      t = field_text(e, x, x->text, &n, &used);
      if (!t || (!n && !*t)) return;
      size_t tl = strlen(t);
      bool iso = x->is_time ? (tl == 5 || tl == 8) && t[2] == ':' && (tl == 5 || t[5] == ':')
                            : tl == 10 && t[4] == '-' && t[7] == '-';
      for (size_t i = 0; iso && i < tl; i++)
        iso = (x->is_time ? (i == 2 || i == 5) : (i == 4 || i == 7)) || (t[i] >= '0' && t[i] <= '9');
      if (!iso && x->is_time) {
        field_error(e, x->line, x->col, x->text, "field \"%s\" is \"%.40s\", not a time (HH:MM or HH:MM:SS)",
                    x->text, t);
        return;
      }
      if (!iso) {
        field_error(e, x->line, x->col, x->text, "field \"%s\" is \"%.40s\", not a date (YYYY-MM-DD)",
                    x->text, t);
        return;
      }
    }
    if (!(o = ivec_add(e, out, SD_INL_DATE))) return;
    o->strong = x->strong;
    o->line = n ? n->line : x->line;
    o->col = n ? n->col : x->col;
    if (set_str(e, &o->text, t) && set_str(e, &o->lang, msg_lang(e)) && !x->date_literal)
      set_str(e, &o->field, x->text);
    return;
  }
  case TI_MSG: {
    char **names = x->n_args ? calloc(x->n_args, sizeof *names) : NULL;
    char **vals = x->n_args ? calloc(x->n_args, sizeof *vals) : NULL;
    /* a case value keeps the language of its element inside the message (langrun.h) */
    char **langs = x->n_args ? calloc(x->n_args, sizeof *langs) : NULL;
    bool ok = !x->n_args || (names && vals && langs);
    for (size_t i = 0; ok && i < x->n_args; i++) {
      const targ *a = &x->args[i];
      const char *v = a->value;
      if (a->kind == ARG_PATH) {
        v = field_text(e, x, a->value, &n, &used);
        if (!v) {
          ok = false;
          break;
        }
        if (n && used && !(langs[i] = sd_strdup(used))) {
          nomem(e);
          ok = false;
          break;
        }
      } else if (a->kind == ARG_INDEX) {
        if (!e->nsc) {
          field_error(e, x->line, x->col, "@index", "@index is only meaningful inside {{#each}}");
          ok = false;
          break;
        }
        snprintf(num, sizeof num, "%zu", e->sc[e->nsc - 1].index);
        v = num;
      } else if (a->kind == ARG_COUNT) {
        const sd_case_node **items = NULL;
        bool found = false;
        size_t cnt = e->c ? each_items(e, a->value, &items, &found) : 0;
        free(items);
        if (!found && !optional_absent(e, a->value)) {
          field_error(e, x->line, x->col, a->value, "unknown field \"%s\": the case has no such element",
                      a->value);
          ok = false;
          break;
        }
        snprintf(num, sizeof num, "%zu", cnt);
        v = num;
      }
      names[i] = sd_strdup(a->name);
      vals[i] = sd_strdup(v);
      if (!names[i] || !vals[i]) {
        nomem(e);
        ok = false;
      }
    }
    if (ok) o = ivec_add(e, out, SD_INL_MSG);
    if (!o) {
      for (size_t i = 0; i < x->n_args; i++) {
        free(names ? names[i] : NULL);
        free(vals ? vals[i] : NULL);
        free(langs ? langs[i] : NULL);
      }
      free(names);
      free(vals);
      free(langs);
      if (ok) return;
      if (x->n_args && (!names || !vals || !langs)) nomem(e);
      return;
    }
    o->strong = x->strong;
    o->line = x->line;
    o->col = x->col;
    o->arg_names = names;
    o->arg_values = vals;
    o->arg_langs = langs;
    o->n_args = x->n_args;
    if (set_str(e, &o->text, x->text)) set_str(e, &o->lang, msg_lang(e));
    return;
  }
  case TI_EACH: {
    const sd_case_node **items = NULL;
    bool found = false;
    size_t cnt = e->c ? each_items(e, x->text, &items, &found) : 0;
    if (!found && !optional_absent(e, x->text)) {
      field_error(e, x->line, x->col, x->text,
                  e->c ? "unknown field \"%s\": the case has no such element"
                       : "{{#each %s}}: a Markdown note has no case data", x->text);
      return;
    }
    cnt = keep_where(e, x->where, x->cmp, x->cmp_value, items, cnt);
    for (size_t i = 0; i < cnt && !stopped(e); i++) {
      if (!push_scope(e, items[i], i + 1, cnt)) break;
      expand_inls(e, &x->body, out);
      e->nsc--;
    }
    if (!cnt) expand_inls(e, &x->alt, out);
    free(items);
    return;
  }
  case TI_IF:
    expand_inls(e, condition(e, x->text, x->cmp, x->cmp_value) ? &x->body : &x->alt, out);
    return;
  default:
    return;
  }
}

static void expand_inls(ectx *e, const tinls *in, ivec *out)
{
  for (size_t i = 0; i < in->n && !stopped(e); i++) expand_inl(e, in->v[i], out);
}

static bool literal(const sd_inline *x)
{
  return x->kind == SD_INL_TEXT && !x->field && !x->lang;
}

/* Joins neighbouring template text and trims the paragraph's outer spaces
 * (left by sections that expanded to nothing). */
static void tidy(ivec *v)
{
  size_t w = 0;
  for (size_t i = 0; i < v->n;) {
    sd_inline *x = &v->v[i];
    size_t j = i + 1, len = literal(x) ? strlen(x->text) : 0;
    while (literal(x) && j < v->n && literal(&v->v[j]) && v->v[j].strong == x->strong)
      len += strlen(v->v[j++].text);
    char *s = j > i + 1 ? malloc(len + 1) : NULL;
    if (s) {
      /* one allocation per run keeps long runs linear */
      size_t k = 0;
      for (size_t m = i; m < j; m++) {
        size_t l = strlen(v->v[m].text);
        memcpy(s + k, v->v[m].text, l);
        k += l;
        if (m > i) sd_inline_clear(&v->v[m]);
      }
      s[k] = '\0';
      free(x->text);
      x->text = s;
    } else {
      j = i + 1;
    }
    v->v[w++] = *x;
    i = j;
  }
  v->n = w;
  size_t drop = 0;
  while (drop < v->n && literal(&v->v[drop])) {
    char *t = v->v[drop].text;
    size_t k = strspn(t, " \t\n");
    memmove(t, t + k, strlen(t + k) + 1);
    if (*t) break;
    sd_inline_clear(&v->v[drop++]);
  }
  if (drop) {
    memmove(v->v, v->v + drop, (v->n - drop) * sizeof *v->v);
    v->n -= drop;
  }
  while (v->n && literal(&v->v[v->n - 1])) {
    char *t = v->v[v->n - 1].text;
    size_t k = strlen(t);
    while (k && (t[k - 1] == ' ' || t[k - 1] == '\t' || t[k - 1] == '\n')) k--;
    t[k] = '\0';
    if (k) break;
    sd_inline_clear(&v->v[--v->n]);
  }
}

static void expand_blocks(ectx *e, const tblocks *in, bvec *out);

static void finish(bvec *kids, sd_block *b)
{
  b->children = kids->v;
  b->n_children = kids->n;
  free(kids->origin);
  if (!kids->n) {
    free(kids->v);
    b->children = NULL;
  }
}

static void expand_block(ectx *e, const tblock *t, bvec *out)
{
  sd_block b;
  memset(&b, 0, sizeof b);
  b.line = t->line;
  b.col = t->col;
  switch (t->kind) {
  case TB_PARA:
  case TB_HEADING: {
    ivec v = {0};
    expand_inls(e, &t->inl, &v);
    tidy(&v);
    if (!v.n) {
      free(v.v);
      return;
    }
    b.kind = t->kind == TB_PARA ? SD_BLK_PARAGRAPH : SD_BLK_HEADING;
    b.level = t->level;
    b.inl = v.v;
    b.n_inl = v.n;
    bvec_push(e, out, &b, t);
    return;
  }
  case TB_LIST:
  case TB_ITEM:
  case TB_DOC: {
    bvec kids = {0};
    expand_blocks(e, &t->body, &kids);
    if (t->kind == TB_LIST && !kids.n) {
      bvec_free(&kids);
      return;
    }
    /* the items of a list repeated by {{#each}} join the list before */
    if (t->kind == TB_LIST && out->n && out->origin[out->n - 1] == t) {
      sd_block *prev = &out->v[out->n - 1];
      sd_block *nv = realloc(prev->children, (prev->n_children + kids.n) * sizeof *nv);
      if (!nv) {
        bvec_free(&kids);
        nomem(e);
        return;
      }
      memcpy(nv + prev->n_children, kids.v, kids.n * sizeof *nv);
      prev->children = nv;
      prev->n_children += kids.n;
      free(kids.v);
      free(kids.origin);
      return;
    }
    b.kind = t->kind == TB_LIST ? SD_BLK_LIST : SD_BLK_ITEM;
    b.ordered = t->ordered;
    finish(&kids, &b);
    bvec_push(e, out, &b, t);
    return;
  }
  case TB_IMAGE: {
    ivec alt = {0}, src = {0};
    expand_inls(e, &t->inl, &alt);
    tidy(&alt);
    expand_inls(e, &t->src, &src);
    /* sizes and copies take the same pieces: every text piece (a message or
     * date in a source is an error, reported once and skipped) */
    size_t an = 0, sn = 0;
    for (size_t i = 0; i < alt.n; i++) an += alt.v[i].kind == SD_INL_TEXT ? strlen(alt.v[i].text) : 0;
    for (size_t i = 0; i < src.n; i++) sn += src.v[i].kind == SD_INL_TEXT ? strlen(src.v[i].text) : 0;
    for (size_t i = 0; i < src.n; i++)
      if (src.v[i].kind != SD_INL_TEXT) {
        if (e->st == SD_OK) e->st = SD_E_INPUT;
        sd_diag_error(e->d, "template.syntax", e->file, t->line, t->col, NULL,
                      "an image source may hold only text and fields");
        break;
      }
    b.kind = SD_BLK_IMAGE;
    b.alt = malloc(an + 1);
    b.src = malloc(sn + 1);
    if (b.alt && b.src) {
      size_t ka = 0, ks = 0;
      for (size_t i = 0; i < alt.n; i++)
        if (alt.v[i].kind == SD_INL_TEXT) {
          size_t l = strlen(alt.v[i].text);
          memcpy(b.alt + ka, alt.v[i].text, l);
          ka += l;
        }
      for (size_t i = 0; i < src.n; i++)
        if (src.v[i].kind == SD_INL_TEXT) {
          size_t l = strlen(src.v[i].text);
          memcpy(b.src + ks, src.v[i].text, l);
          ks += l;
        }
      b.alt[ka] = b.src[ks] = '\0';
    } else {
      nomem(e);
    }
    inlines_free(src.v, src.n);
    b.inl = alt.v;
    b.n_inl = alt.n;
    if (!alt.n) {
      free(alt.v);
      b.inl = NULL;
    }
    bvec_push(e, out, &b, t);
    return;
  }
  case TB_RULE:
    b.kind = SD_BLK_RULE;
    bvec_push(e, out, &b, t);
    return;
  case TB_EACH: {
    const sd_case_node **items = NULL;
    bool found = false;
    size_t cnt = e->c ? each_items(e, t->path, &items, &found) : 0;
    if (!found && !optional_absent(e, t->path)) {
      field_error(e, t->line, t->col, t->path,
                  e->c ? "unknown field \"%s\": the case has no such element"
                       : "{{#each %s}}: a Markdown note has no case data", t->path);
      free(items);
      return;
    }
    cnt = keep_where(e, t->where, t->cmp, t->cmp_value, items, cnt);
    for (size_t i = 0; i < cnt && !stopped(e); i++) {
      if (!push_scope(e, items[i], i + 1, cnt)) break;
      expand_blocks(e, &t->body, out);
      e->nsc--;
    }
    if (!cnt) expand_blocks(e, &t->alt, out);
    free(items);
    return;
  }
  case TB_IF:
    expand_blocks(e, condition(e, t->path, t->cmp, t->cmp_value) ? &t->body : &t->alt, out);
    return;
  case TB_LANG: {
    lang_save sv = enter_lang(e, t->path, true);
    expand_blocks(e, &t->body, out);
    leave_lang(e, sv);
    return;
  }
  case TB_TABLE:
  case TB_ROW: {
    bvec kids = {0};
    expand_blocks(e, &t->body, &kids);
    b.kind = t->kind == TB_TABLE ? SD_BLK_TABLE : SD_BLK_ROW;
    b.header = t->header;
    finish(&kids, &b);
    bvec_push(e, out, &b, t);
    return;
  }
  case TB_CELL: {
    /* an empty cell is still a cell: rows keep their shape */
    ivec v = {0};
    expand_inls(e, &t->inl, &v);
    tidy(&v);
    b.kind = SD_BLK_CELL;
    b.inl = v.v;
    b.n_inl = v.n;
    if (!v.n) {
      free(v.v);
      b.inl = NULL;
    }
    bvec_push(e, out, &b, t);
    return;
  }
  default:
    return;
  }
}

static void expand_blocks(ectx *e, const tblocks *in, bvec *out)
{
  for (size_t i = 0; i < in->n && !stopped(e); i++) expand_block(e, in->v[i], out);
}

static bool copy_inlines(const sd_inline *src, size_t n, sd_inline **out)
{
  *out = n ? calloc(n, sizeof **out) : NULL;
  if (n && !*out) return false;
  for (size_t i = 0; i < n; i++) {
    sd_inline *o = &(*out)[i];
    *o = src[i];
    o->text = sd_strdup(src[i].text);
    o->lang = sd_strdup(src[i].lang);
    o->field = sd_strdup(src[i].field);
    o->arg_names = o->arg_values = o->arg_langs = NULL;
    o->n_args = 0;
    bool ok = (!src[i].text || o->text) && (!src[i].lang || o->lang) && (!src[i].field || o->field);
    if (ok && src[i].n_args) {
      o->arg_names = calloc(src[i].n_args, sizeof *o->arg_names);
      o->arg_values = calloc(src[i].n_args, sizeof *o->arg_values);
      o->arg_langs = src[i].arg_langs ? calloc(src[i].n_args, sizeof *o->arg_langs) : NULL;
      ok = o->arg_names && o->arg_values && (!src[i].arg_langs || o->arg_langs);
      o->n_args = ok ? src[i].n_args : 0;
      for (size_t k = 0; ok && k < src[i].n_args; k++) {
        o->arg_names[k] = sd_strdup(src[i].arg_names[k]);
        o->arg_values[k] = sd_strdup(src[i].arg_values[k]);
        ok = o->arg_names[k] && o->arg_values[k];
        if (ok && src[i].arg_langs && src[i].arg_langs[k])
          ok = (o->arg_langs[k] = sd_strdup(src[i].arg_langs[k])) != NULL;
      }
    }
    if (!ok) {
      inlines_free(*out, i + 1);
      *out = NULL;
      return false;
    }
  }
  return true;
}

/* The front matter's `requires:` lines: one case.required error per piece
 * the case lacks, at the element that should hold it. False when any is
 * missing (or a requirement names no field of the schema: a template error). */
static bool check_requirements(ectx *e, const sd_template *t)
{
  bool ok = true;
  for (size_t i = 0; i < t->n_reqs && !stopped(e); i++) {
    const treq *r = &t->reqs[i];
    if (e->known && (!sd_schema_fields_knows(e->known, r->path) ||
                     (r->cond && !sd_schema_fields_knows(e->known, r->cond)))) {
      if (e->st == SD_OK) e->st = SD_E_INPUT;
      sd_diag_error(e->d, "template.frontmatter", t->file, r->line, r->col, "requires",
                    "requires: \"%s\" is not an element or attribute a case can have (engine/schema/case.xsd)",
                    sd_schema_fields_knows(e->known, r->path) ? r->cond : r->path);
      ok = false;
      continue;
    }
    if (r->cond && !condition(e, r->cond, r->cmp, r->cmp_value)) continue;
    /* the deepest element of the path the case has */
    const sd_case_node *at = e->c->root, *k = at;
    const char *p = r->path, *missing = NULL;
    size_t mlen = 0;
    while (*p) {
      size_t n = strcspn(p, ".");
      k = child_named(at, p, n);
      if (!k) {
        missing = p;
        mlen = n;
        break;
      }
      at = k;
      p += n + (p[n] == '.');
    }
    if (!missing) continue;
    ok = false;
    if (e->st == SD_OK) e->st = SD_E_INPUT;
    char field[128];
    snprintf(field, sizeof field, "%.*s", (int)(mlen < 127 ? mlen : 127), missing);
    sd_diag_error(e->d, "case.required", e->c->file, at->line, at->col, field, "%s", r->reason);
  }
  return ok;
}

sd_status sd_template_expand(const sd_template *t, const sd_case *c, const char *lang,
                             sd_doc_tree *out, sd_diags *d)
{
  return sd_template_expand_with(t, c, lang, NULL, out, d);
}

sd_status sd_template_expand_with(const sd_template *t, const sd_case *c, const char *lang,
                                  const sd_expand_options *o, sd_doc_tree *out, sd_diags *d)
{
  if (!t || !out) return SD_E_USAGE;
  memset(out, 0, sizeof *out);
  ectx e;
  memset(&e, 0, sizeof e);
  e.c = c && c->root ? c : NULL;
  e.lang = lang;
  e.doc_lang = lang;
  e.file = t->file;
  e.d = d;
  e.known = t->known;
  if (e.c && !check_requirements(&e, t)) {
    memset(out, 0, sizeof *out);
    return e.st;
  }
  index_ids(&e);
  if (e.c) e.glossary = child_named(e.c->root, "glossary", 8);
  bvec top = {0};
  ivec title = {0}, footer = {0}, header = {0}, mark = {0};
  /* review paperwork: the one meeting is the outermost item, for the
   * front matter too */
  if (t->fm.meeting_type && e.c && e.st == SD_OK) {
    const sd_case_node *m = pick_meeting(&e, t, o);
    if (m && push_scope(&e, m, 1, 1)) e.meeting = m;
  } else if (o && o->meeting_id && e.c && d) {
    sd_diag_warn(d, "template.meeting", t->file, 1, 1, "meeting",
                 "this template is not about one meeting, so the meeting \"%s\" makes no difference", o->meeting_id);
  }
  bool go = e.st == SD_OK;
  if (go) expand_blocks(&e, &t->root->body, &top);
  if (t->has_title && go) {
    expand_inls(&e, &t->title, &title);
    tidy(&title);
  }
  if (t->has_footer && go) {
    expand_inls(&e, &t->footer, &footer);
    tidy(&footer);
  }
  if (t->has_header && go) {
    expand_inls(&e, &t->header, &header);
    tidy(&header);
  }
  if (t->has_watermark && go) {
    expand_inls(&e, &t->watermark, &mark);
    tidy(&mark);
    /* an empty expansion (a condition that is false) means no watermark */
    bool empty = true;
    for (size_t i = 0; i < mark.n && empty; i++)
      empty = mark.v[i].kind == SD_INL_TEXT && mark.v[i].text[strspn(mark.v[i].text, " \t\n")] == '\0';
    if (empty) {
      inlines_free(mark.v, mark.n);
      mark = (ivec){0};
    }
  }
  out->root.kind = SD_BLK_DOCUMENT;
  out->root.line = out->root.col = 1;
  finish(&top, &out->root);
  out->title = title.v;
  out->n_title = title.n;
  out->footer = footer.v;
  out->n_footer = footer.n;
  out->header = header.v;
  out->n_header = header.n;
  out->watermark = mark.v;
  out->n_watermark = mark.n;
  if (!t->has_title)
    for (size_t i = 0; i < out->root.n_children; i++) {
      const sd_block *h = &out->root.children[i];
      if (h->kind == SD_BLK_HEADING && h->level == 1) {
        if (!copy_inlines(h->inl, h->n_inl, &out->title)) nomem(&e);
        else out->n_title = h->n_inl;
        break;
      }
    }
  if (!set_str(&e, &out->fm.doc_type, t->fm.doc_type) || !set_str(&e, &out->fm.page_size, t->fm.page_size) ||
      !set_str(&e, &out->fm.style, t->fm.style) || !set_str(&e, &out->lang, lang) ||
      !set_str(&e, &out->source_lang, e.c ? e.c->root->lang : NULL))
    nomem(&e);
  out->fm.max_pages = t->fm.max_pages;
  out->fm.h1_new_page = t->fm.h1_new_page;
  out->fm.meeting_latest = t->fm.meeting_latest;
  if (!set_str(&e, &out->fm.meeting_type, t->fm.meeting_type)) nomem(&e);
  out->n_untranslated = e.n_untranslated;
  free(e.sc);
  free(e.ids);
  if (e.st != SD_OK) {
    if (e.st == SD_E_NOMEM)
      sd_diag_error(d, "template.nomem", t->file, 0, 0, NULL, "out of memory expanding the template");
    sd_doc_tree_free(out);
    memset(out, 0, sizeof *out);
  }
  return e.st;
}

/* ---- release ---------------------------------------------------------------- */

/* Frees what b holds (not b itself) without recursion: list nesting comes
 * from input, so the walk keeps its own stack (cmark's S_free_nodes). */
static void block_contents_free(sd_block *root)
{
  sd_block **stack = NULL;
  void **arrays = NULL;
  size_t ns = 0, caps = 0, na = 0, capa = 0;
  sd_block *b = root;
  for (;;) {
    inlines_free(b->inl, b->n_inl);
    free(b->src);
    free(b->alt);
    free(b->lang);
    b->inl = NULL;
    b->src = b->alt = b->lang = NULL;
    if (b->children) {
      if (na == capa) {
        size_t cap = capa ? capa * 2 : 16;
        void **a = realloc(arrays, cap * sizeof *a);
        if (!a) goto recurse;
        arrays = a;
        capa = cap;
      }
      if (ns + b->n_children > caps) {
        size_t cap = caps ? caps : 16;
        while (cap < ns + b->n_children) cap *= 2;
        sd_block **s = realloc(stack, cap * sizeof *s);
        if (!s) goto recurse;
        stack = s;
        caps = cap;
      }
      arrays[na++] = b->children;
      for (size_t i = 0; i < b->n_children; i++) stack[ns++] = &b->children[i];
      b->children = NULL;
      b->n_children = 0;
    }
    if (!ns) break;
    b = stack[--ns];
    continue;
  recurse:
    /* no memory for the stack: fall back to recursion for this subtree */
    for (size_t i = 0; i < b->n_children; i++) block_contents_free(&b->children[i]);
    free(b->children);
    b->children = NULL;
    b->n_children = 0;
    if (!ns) break;
    b = stack[--ns];
  }
  for (size_t i = 0; i < na; i++) free(arrays[i]);
  free(arrays);
  free(stack);
}

void sd_doc_tree_free(sd_doc_tree *t)
{
  if (!t) return;
  free(t->fm.meeting_type);
  free(t->fm.doc_type);
  free(t->fm.page_size);
  free(t->fm.style);
  inlines_free(t->title, t->n_title);
  inlines_free(t->footer, t->n_footer);
  inlines_free(t->header, t->n_header);
  inlines_free(t->watermark, t->n_watermark);
  free(t->lang);
  free(t->source_lang);
  free(t->date);
  block_contents_free(&t->root);
  memset(t, 0, sizeof *t);
}

/* ---- dump ------------------------------------------------------------------- */

static void put_str(FILE *f, const char *s)
{
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
    else if (*p == '\n') fputs("\\n", f);
    else if (*p == '\t') fputs("\\t", f);
    else if (*p < 0x20 || *p == 0x7F) fprintf(f, "\\x%02X", *p);
    else fputc(*p, f);
  }
  fputc('"', f);
}

static void dump_inlines(FILE *f, const sd_inline *v, size_t n, int depth)
{
  static const char *const kinds[] = {"text", "msg", "date", "break"};
  for (size_t i = 0; i < n; i++) {
    const sd_inline *x = &v[i];
    fprintf(f, "%*s%s", depth * 2, "", (unsigned)x->kind < 4 ? kinds[x->kind] : "?");
    if (x->kind != SD_INL_BREAK) {
      fputc(' ', f);
      put_str(f, x->text);
    }
    if (x->strong) fputs(" strong", f);
    if (x->lang) fprintf(f, " lang=%s", x->lang);
    if (x->field) fprintf(f, " field=%s", x->field);
    for (size_t k = 0; k < x->n_args; k++) {
      fprintf(f, " %s=", x->arg_names[k]);
      put_str(f, x->arg_values[k]);
    }
    fputc('\n', f);
  }
}

static void dump_block_line(FILE *f, const sd_block *b, int depth)
{
  static const char *const kinds[] = {"document", "heading", "paragraph", "list", "item",
                                      "image", "table", "row", "cell", "rule"};
  fprintf(f, "%*s%s", depth * 2, "", (unsigned)b->kind < 10 ? kinds[b->kind] : "?");
  if (b->kind == SD_BLK_HEADING) fprintf(f, " %d", b->level);
  if (b->kind == SD_BLK_LIST) fputs(b->ordered ? " ordered" : " bullet", f);
  if (b->kind == SD_BLK_IMAGE) {
    fputs(" src=", f);
    put_str(f, b->src);
    fputs(" alt=", f);
    put_str(f, b->alt);
  }
  if (b->kind == SD_BLK_ROW && b->header) fputs(" header", f);
  if (b->lang) fprintf(f, " lang=%s", b->lang);
  fprintf(f, " @%d:%d\n", b->line, b->col);
  dump_inlines(f, b->inl, b->n_inl, depth + 1);
}

void sd_doc_tree_dump(const sd_doc_tree *t, FILE *f)
{
  if (!t || !f) return;
  fprintf(f, "document type=%s page=%s style=%s max-pages=%d lang=%s date=%s\n",
          t->fm.doc_type ? t->fm.doc_type : "-", t->fm.page_size ? t->fm.page_size : "-",
          t->fm.style ? t->fm.style : "-", t->fm.max_pages, t->lang ? t->lang : "-",
          t->date ? t->date : "-");
  fputs("title\n", f);
  dump_inlines(f, t->title, t->n_title, 1);
  fputs("footer\n", f);
  dump_inlines(f, t->footer, t->n_footer, 1);
  /* printed only when present, so dumps of documents without them are unchanged */
  if (t->n_header) {
    fputs("header\n", f);
    dump_inlines(f, t->header, t->n_header, 1);
  }
  if (t->n_watermark) {
    fputs("watermark\n", f);
    dump_inlines(f, t->watermark, t->n_watermark, 1);
  }
  fputs("body\n", f);
  /* explicit stack: (block, depth) pairs, children pushed in reverse */
  size_t cap = 64, n = 0;
  const sd_block **st = malloc(cap * sizeof *st);
  int *dp = malloc(cap * sizeof *dp);
  if (!st || !dp) goto done;
  st[n] = &t->root;
  dp[n++] = 0;
  while (n) {
    const sd_block *b = st[--n];
    int depth = dp[n];
    if (depth) dump_block_line(f, b, depth);
    if (n + b->n_children > cap) {
      size_t nc = cap;
      while (nc < n + b->n_children) nc *= 2;
      const sd_block **s2 = realloc(st, nc * sizeof *s2);
      if (!s2) goto done;
      st = s2;
      int *d2 = realloc(dp, nc * sizeof *d2);
      if (!d2) goto done;
      dp = d2;
      cap = nc;
    }
    for (size_t i = b->n_children; i > 0; i--) {
      st[n] = &b->children[i - 1];
      dp[n++] = depth + 1;
    }
  }
done:
  free(st);
  free(dp);
}
