/* sendoc serve: applying a submitted form to the case tree. Every field
 * names an element by path (see serve_xml.c); all paths are resolved before
 * anything changes, so an add or a move cannot shift what a later field
 * means. Only the elements and attributes a field names are touched. */
#include "serve.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int depth_of(xmlNodePtr n)
{
  int d = 0;
  for (xmlNodePtr x = n; x && x->type == XML_ELEMENT_NODE && x->parent && x->parent->type == XML_ELEMENT_NODE; x = x->parent) d++;
  return d;
}

static xmlNodePtr indent_text(xmlDocPtr doc, int depth)
{
  char buf[160] = "\n";
  for (int i = 0; i < depth && 1 + 2 * i + 2 < (int)sizeof buf; i++) strcat(buf, "  ");
  return xmlNewDocText(doc, (const xmlChar *)buf);
}

static xmlNodePtr ws_before(xmlNodePtr n)
{
  xmlNodePtr p = n->prev;
  if (p && p->type == XML_TEXT_NODE && xmlIsBlankNode(p)) return p;
  return NULL;
}

static int spec_index(const sv_spec *p, const char *name)
{
  int i = 0;
  for (const sv_spec *k = p ? p->kids : NULL; k && k->name; k++, i++)
    if (strcmp(k->name, name) == 0) return i;
  return -1;
}

/* Inserts n as a child of parent at its schema position, indented. */
static void insert_at_position(xmlNodePtr parent, const sv_spec *pspec, xmlNodePtr n)
{
  int want = spec_index(pspec, (const char *)n->name);
  xmlNodePtr after = NULL, before = NULL;
  for (xmlNodePtr k = parent->children; k; k = k->next) {
    if (k->type != XML_ELEMENT_NODE) continue;
    int i = spec_index(pspec, (const char *)k->name);
    if (i >= 0 && i <= want) after = k;
    else if (i > want && !before) before = k;
  }
  int d = depth_of(parent) + 1;
  if (after) {
    xmlNodePtr ws = indent_text(parent->doc, d);
    xmlAddNextSibling(after, ws);
    xmlAddNextSibling(ws, n);
  } else if (before) {
    xmlNodePtr at = ws_before(before) ? ws_before(before) : before;
    xmlAddPrevSibling(at, indent_text(parent->doc, d));
    xmlAddPrevSibling(at, n);
  } else {
    bool had = parent->children != NULL;
    xmlAddChild(parent, indent_text(parent->doc, d));
    xmlAddChild(parent, n);
    if (!had) xmlAddChild(parent, indent_text(parent->doc, d - 1));
  }
}

static bool id_used(xmlNodePtr n, const char *id)
{
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    xmlChar *v = xmlGetProp(n, (const xmlChar *)"id");
    bool used = v && strcmp((char *)v, id) == 0;
    xmlFree(v);
    if (used || id_used(n->children, id)) return true;
  }
  return false;
}

static void fresh_id(xmlDocPtr doc, const char *name, char *out, size_t cap)
{
  const char *prefix = !strcmp(name, "contact") ? "c" : !strcmp(name, "meeting") ? "m" : (char[]){ name[0], 0 };
  for (int i = 1; i < 100000; i++) {
    snprintf(out, cap, "%s%d", prefix, i);
    if (!id_used(xmlDocGetRootElement(doc), out)) return;
  }
}

static xmlNodePtr skeleton(xmlDocPtr doc, const sv_spec *sp, int depth)
{
  xmlNodePtr n = xmlNewDocNode(doc, NULL, (const xmlChar *)sp->name, NULL);
  if (!n) return NULL;
  for (const sv_attr *a = sp->attrs; a && a->name; a++) {
    if (!a->required) continue;
    char id[32] = "";
    if (a->kind == K_ID) fresh_id(doc, sp->name, id, sizeof id);
    xmlNewProp(n, (const xmlChar *)a->name, (const xmlChar *)id);
  }
  if (sp->kind == K_GROUP) {
    bool any = false;
    for (const sv_spec *k = sp->kids; k && k->name; k++) {
      if (k->flags & SV_OPT) continue;
      xmlNodePtr c = skeleton(doc, k, depth + 1);
      if (!c) continue;
      xmlAddChild(n, indent_text(doc, depth + 1));
      xmlAddChild(n, c);
      any = true;
    }
    if (any) xmlAddChild(n, indent_text(doc, depth));
  }
  return n;
}

xmlNodePtr sv_edit_add(xmlDocPtr doc, xmlNodePtr parent, const sv_spec *pspec, const char *name)
{
  const sv_spec *sp = sv_spec_kid(pspec, name);
  if (!sp || !parent) return NULL;
  xmlNodePtr n = skeleton(doc, sp, depth_of(parent) + 1);
  if (n) insert_at_position(parent, pspec, n);
  /* a new list container starts with one entry: lists are never empty */
  if (n && sp->kind == K_GROUP && sp->kids && (sp->kids[0].flags & SV_MANY) && !n->children)
    sv_edit_add(doc, n, sp, sp->kids[0].name);
  return n;
}

/* An entry and the translations after it, in order (at most cap). */
static size_t entry_group(xmlNodePtr n, xmlNodePtr *out, size_t cap)
{
  size_t k = 0;
  out[k++] = n;
  for (xmlNodePtr x = n->next; x && k < cap; x = x->next) {
    if (x->type != XML_ELEMENT_NODE) continue;
    if (!xmlStrEqual(x->name, n->name) || !sv_xml_is_translation(x)) break;
    out[k++] = x;
  }
  return k;
}

static void remove_entry(xmlNodePtr n)
{
  xmlNodePtr g[64];
  size_t k = entry_group(n, g, 64);
  for (size_t i = 0; i < k; i++) {
    xmlNodePtr ws = ws_before(g[i]);
    if (ws) {
      xmlUnlinkNode(ws);
      xmlFreeNode(ws);
    }
    xmlUnlinkNode(g[i]);
    xmlFreeNode(g[i]);
  }
}

/* The entry before n with the same name (skipping translations), or NULL. */
static xmlNodePtr prev_entry(xmlNodePtr n)
{
  for (xmlNodePtr x = n->prev; x; x = x->prev) {
    if (x->type != XML_ELEMENT_NODE) continue;
    if (!xmlStrEqual(x->name, n->name)) return NULL;
    if (!sv_xml_is_translation(x)) return x;
  }
  return NULL;
}

static xmlNodePtr next_entry(xmlNodePtr n)
{
  xmlNodePtr g[64];
  size_t k = entry_group(n, g, 64);
  for (xmlNodePtr x = g[k - 1]->next; x; x = x->next) {
    if (x->type != XML_ELEMENT_NODE) continue;
    return xmlStrEqual(x->name, n->name) ? x : NULL;
  }
  return NULL;
}

/* Moves entry n (with its translations and indentation) before entry target. */
static void move_before(xmlNodePtr n, xmlNodePtr target)
{
  xmlNodePtr g[64];
  size_t k = entry_group(n, g, 64);
  xmlNodePtr at = ws_before(target) ? ws_before(target) : target;
  for (size_t i = 0; i < k; i++) {
    xmlNodePtr ws = ws_before(g[i]);
    if (ws) {
      xmlUnlinkNode(ws);
      xmlAddPrevSibling(at, ws);
    }
    xmlUnlinkNode(g[i]);
    xmlAddPrevSibling(at, g[i]);
  }
}

/* Valid UTF-8 without control characters other than tab and newline. */
static bool clean_text(const char *s)
{
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') return false;
    if (*p == 0x7F) return false;
    if (*p < 0x80) {
      p++;
      continue;
    }
    int n = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC2 ? 2 : 0;
    if (!n || *p > 0xF4) return false;
    for (int i = 1; i < n; i++)
      if ((p[i] & 0xC0) != 0x80) return false;
    if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0) || (p[0] == 0xF0 && p[1] < 0x90) ||
        (p[0] == 0xF4 && p[1] >= 0x90))
      return false;
    p += n;
  }
  return true;
}

/* trims, and turns HH:MM from a browser's time input into HH:MM:SS */
static char *normalise(const char *v, sv_kind kind)
{
  while (*v == ' ' || *v == '\t' || *v == '\n' || *v == '\r') v++;
  size_t n = strlen(v);
  while (n && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\n' || v[n - 1] == '\r')) n--;
  char *out = malloc(n + 4);
  if (!out) return NULL;
  memcpy(out, v, n);
  out[n] = 0;
  if (kind == K_TIME && n == 5 && out[2] == ':') strcpy(out + 5, ":00");
  return out;
}

typedef struct change {
  int what; /* 't' text, 'a' attribute, 'n' new leaf */
  xmlNodePtr node;
  const sv_spec *spec;
  const sv_attr *attr;
  const char *name, *val;
} change;

static const sv_attr *attr_spec(const sv_spec *sp, const char *name)
{
  for (const sv_attr *a = sp ? sp->attrs : NULL; a && a->name; a++)
    if (strcmp(a->name, name) == 0) return a;
  return NULL;
}

int sv_edit_apply(xmlDocPtr doc, const sv_form *form, char *msg, size_t cap, char *anchor, size_t acap)
{
  change *ch = calloc(form->n + 1, sizeof *ch);
  if (!ch) return 500;
  size_t nch = 0;
  int rc = 0;
  anchor[0] = 0;
  for (size_t i = 0; i < form->n; i++) {
    const char *key = form->f[i].key, *val = form->f[i].val;
    char kind = key[0];
    if (!((kind == 't' || kind == 'a' || kind == 'n') && key[1] == '/')) continue;
    if (!clean_text(val)) {
      snprintf(msg, cap, "A field holds characters that cannot go in a case file.");
      rc = 400;
      goto done;
    }
    char path[256], name[64] = "";
    const char *p = key + 2, *slash = strchr(p, '/');
    size_t pl = slash ? (size_t)(slash - p) : strlen(p);
    if (pl >= sizeof path || (kind != 't' && (!slash || strlen(slash + 1) >= sizeof name))) goto bad;
    memcpy(path, p, pl);
    path[pl] = 0;
    if (slash) snprintf(name, sizeof name, "%s", slash + 1);
    xmlNodePtr n = sv_xml_at(doc, path);
    const sv_spec *sp = sv_xml_spec(n);
    if (!n || !sp) goto bad;
    change c = { kind, n, sp, NULL, NULL, val };
    if (kind == 't' && sp->kind == K_GROUP) goto bad;
    if (kind == 'a' && !(c.attr = attr_spec(sp, name))) goto bad;
    if (kind == 'n') {
      const sv_spec *k = sv_spec_kid(sp, name);
      if (!k || k->kind == K_GROUP) goto bad;
      c.spec = sp;
      c.name = k->name;
    }
    ch[nch++] = c;
    continue;
  bad:
    snprintf(msg, cap, "The form does not match the case any more. Reload the page and try again.");
    rc = 400;
    goto done;
  }
  /* the button pressed: add, remove or move an entry */
  const char *op = sv_form_get(form, "op");
  xmlNodePtr op_node = NULL;
  char op_name[64] = "", op_kind[8] = "";
  if (op && *op) {
    char path[256] = "";
    if (sscanf(op, "%7[a-z]/%255[0-9.]/%63[a-z-]", op_kind, path, op_name) < 1) goto bad_op;
    if (!strcmp(op_kind, "add") && sscanf(op, "add//%63[a-z-]", op_name) == 1) path[0] = 0;
    op_node = sv_xml_at(doc, path);
    if (!op_node || !sv_xml_spec(op_node)) goto bad_op;
    if (!strcmp(op_kind, "add")) {
      if (!sv_spec_kid(sv_xml_spec(op_node), op_name)) goto bad_op;
    } else if ((strcmp(op_kind, "del") && strcmp(op_kind, "up") && strcmp(op_kind, "down")) || !path[0] ||
               !(sv_xml_spec(op_node)->flags & (SV_MANY | SV_OPT)))
      goto bad_op;
  }
  for (size_t i = 0; i < nch; i++) {
    char *v = normalise(ch[i].val, ch[i].attr ? ch[i].attr->kind : ch[i].what == 'n' ? sv_spec_kid(ch[i].spec, ch[i].name)->kind : ch[i].spec->kind);
    if (!v) {
      rc = 500;
      goto done;
    }
    if (ch[i].what == 't') {
      if (!*v && (ch[i].spec->flags & SV_OPT) && !(ch[i].spec->flags & SV_MANY)) remove_entry(ch[i].node);
      else {
        char *old = sv_xml_text(ch[i].node);
        if (!old || strcmp(old, v) != 0) sv_xml_set_text(ch[i].node, v);
        free(old);
      }
    } else if (ch[i].what == 'a') {
      xmlChar *old = xmlGetProp(ch[i].node, (const xmlChar *)ch[i].attr->name);
      if (!*v && !ch[i].attr->required) xmlUnsetProp(ch[i].node, (const xmlChar *)ch[i].attr->name);
      else if (!old || strcmp((char *)old, v) != 0) xmlSetProp(ch[i].node, (const xmlChar *)ch[i].attr->name, (const xmlChar *)v);
      xmlFree(old);
    } else if (*v) {
      xmlNodePtr added = sv_edit_add(doc, ch[i].node, ch[i].spec, ch[i].name);
      if (added) sv_xml_set_text(added, v);
    }
    free(v);
  }
  if (op_node) {
    xmlNodePtr focus = op_node;
    if (!strcmp(op_kind, "add")) focus = sv_edit_add(doc, op_node, sv_xml_spec(op_node), op_name);
    else if (!strcmp(op_kind, "del")) {
      focus = op_node->parent;
      remove_entry(op_node);
    } else if (!strcmp(op_kind, "up")) {
      xmlNodePtr t = prev_entry(op_node);
      if (t) move_before(op_node, t);
    } else {
      xmlNodePtr t = next_entry(op_node);
      if (t) move_before(t, op_node);
    }
    if (focus) {
      char fp[256];
      sv_xml_path(focus, fp, sizeof fp);
      snprintf(anchor, acap, "e-%s", fp);
      for (char *q = anchor; *q; q++)
        if (*q == '.') *q = '-';
    }
  }
  goto done;
bad_op:
  snprintf(msg, cap, "That button does not match the case any more. Reload the page and try again.");
  rc = 400;
done:
  free(ch);
  return rc;
}

int sv_edit_translate(xmlDocPtr doc, const sv_form *form, const char *lang, char *msg, size_t cap)
{
  xmlNodePtr *nodes = calloc(form->n + 1, sizeof *nodes);
  if (!nodes) return 500;
  int rc = 0;
  for (size_t i = 0; i < form->n; i++) {
    const char *key = form->f[i].key;
    if (strncmp(key, "tr/", 3) != 0) continue;
    xmlNodePtr n = sv_xml_at(doc, key + 3);
    const sv_spec *sp = sv_xml_spec(n);
    if (!n || !sp || !(sp->flags & SV_TR) || sv_xml_is_translation(n)) {
      snprintf(msg, cap, "The form does not match the case any more. Reload the page and try again.");
      rc = 400;
      goto done;
    }
    if (!clean_text(form->f[i].val)) {
      snprintf(msg, cap, "A field holds characters that cannot go in a case file.");
      rc = 400;
      goto done;
    }
    nodes[i] = n;
  }
  for (size_t i = 0; i < form->n; i++) {
    if (!nodes[i]) continue;
    char *v = normalise(form->f[i].val, K_TEXT);
    if (!v) continue;
    xmlNodePtr g[64];
    size_t k = entry_group(nodes[i], g, 64), found = 0;
    for (size_t j = 1; j < k && !found; j++) {
      char *l = sv_xml_lang(g[j]);
      if (l && strcmp(l, lang) == 0) found = j;
      xmlFree(l);
    }
    if (found && !*v) {
      xmlNodePtr ws = ws_before(g[found]);
      if (ws) {
        xmlUnlinkNode(ws);
        xmlFreeNode(ws);
      }
      xmlUnlinkNode(g[found]);
      xmlFreeNode(g[found]);
    } else if (found) {
      char *old = sv_xml_text(g[found]);
      if (!old || strcmp(old, v) != 0) sv_xml_set_text(g[found], v);
      free(old);
    } else if (*v) {
      xmlNodePtr t = xmlNewDocNode(doc, NULL, nodes[i]->name, NULL);
      xmlNsPtr ns = xmlSearchNsByHref(doc, nodes[i], XML_XML_NAMESPACE);
      xmlSetNsProp(t, ns, (const xmlChar *)"lang", (const xmlChar *)lang);
      sv_xml_set_text(t, v);
      xmlNodePtr last = g[k - 1];
      xmlNodePtr ws = indent_text(doc, depth_of(last));
      xmlAddNextSibling(last, ws);
      xmlAddNextSibling(ws, t);
    }
    free(v);
  }
done:
  free(nodes);
  return rc;
}
