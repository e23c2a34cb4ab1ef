/* sendoc serve: one case — its overview and the section editor (the
 * translation view, the new strategy and the photo are in serve_translate.c). Validation (the engine's schema and checks) and lint
 * run on every page view of the saved file; each message is placed next to
 * the field it is about by the line and element name the engine reports. */
#include "serve_case.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- messages placed on fields ---- */

typedef struct smsg {
  char path[256];
  sd_severity sev;
  char *text;
} smsg;
typedef struct msgs {
  smsg *m;
  size_t n;
  size_t errors, warnings;
} msgs;

static void index_lines(xmlNodePtr n, xmlNodePtr *by_line, int max)
{
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    long l = xmlGetLineNo(n);
    if (l > 0 && l < max && !by_line[l]) by_line[l] = n;
    index_lines(n->children, by_line, max);
  }
}

static xmlNodePtr find_on_line(xmlNodePtr n, long line, const char *name)
{
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (xmlGetLineNo(n) == line && name && !strcmp((const char *)n->name, name)) return n;
    xmlNodePtr k = find_on_line(n->children, line, name);
    if (k) return k;
  }
  return NULL;
}

static void check_case(sv_server *s, const char *id, const char *xml, size_t len, xmlDocPtr doc, msgs *out)
{
  memset(out, 0, sizeof *out);
  sd_diags *d = sd_diags_new();
  sd_case *c = NULL;
  if (sd_case_load_mem(s->engine, xml, len, id, s->ws_path, NULL, &c, d) == SD_OK) sd_lint(s->engine, c, NULL, NULL, d);
  sd_case_free(c);
  size_t n = sd_diags_count(d);
  out->m = calloc(n + 1, sizeof *out->m);
  int lines = 1;
  for (const char *p = xml; p < xml + len; p++) lines += *p == '\n';
  xmlNodePtr *by_line = calloc((size_t)lines + 2, sizeof *by_line);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  if (by_line) index_lines(root, by_line, lines + 2);
  for (size_t i = 0; out->m && i < n; i++) {
    sd_diag_info g;
    sd_diags_get(d, i, &g);
    if (g.severity == SD_SEV_NOTE) continue;
    xmlNodePtr at = NULL;
    if (g.line > 0) {
      at = find_on_line(root, g.line, g.field);
      for (long l = g.line; !at && by_line && l > 0; l--)
        if (l <= lines) at = by_line[l];
    }
    smsg *m = &out->m[out->n++];
    if (at) sv_xml_path(at, m->path, sizeof m->path);
    else snprintf(m->path, sizeof m->path, "-");
    m->sev = g.severity;
    m->text = strdup(g.message ? g.message : "");
    if (g.severity == SD_SEV_ERROR) out->errors++;
    else out->warnings++;
  }
  free(by_line);
  sd_diags_free(d);
}

static void msgs_free(msgs *m)
{
  for (size_t i = 0; i < m->n; i++) free(m->m[i].text);
  free(m->m);
}

void sv_dom_id(char *out, size_t cap, const char *prefix, const char *path, const char *extra)
{
  snprintf(out, cap, "%s-%s%s%s", prefix, path, extra ? "-" : "", extra ? extra : "");
  for (char *p = out; *p; p++)
    if (*p == '.') *p = '-';
}

/* Messages whose element is path (exactly); returns how many, writes them. */
static size_t put_msgs(sv_buf *b, const msgs *m, const char *path, const char *mid)
{
  size_t k = 0;
  for (size_t i = 0; i < m->n; i++) {
    if (strcmp(m->m[i].path, path) != 0) continue;
    if (!k++) sv_printf(b, "<div class=\"msgs\" id=\"%s\">", mid);
    sv_printf(b, "<p class=\"msg %s\"><strong>%s:</strong> ", m->m[i].sev == SD_SEV_ERROR ? "error" : "warning",
              m->m[i].sev == SD_SEV_ERROR ? "Problem" : "Check");
    sv_esc(b, m->m[i].text);
    sv_put(b, "</p>");
  }
  if (k) sv_put(b, "</div>");
  return k;
}

static size_t count_msgs(const msgs *m, const char *path)
{
  size_t k = 0;
  for (size_t i = 0; i < m->n; i++) k += !strcmp(m->m[i].path, path);
  return k;
}

/* ---- the form for one section ---- */

typedef struct ed {
  sv_buf *b;
  xmlDocPtr doc;
  const msgs *m;
  const char *id;
} ed;

static void ref_options(ed *e, sv_buf *b, const char *target, const char *cur)
{
  /* target "needs/need": the ids of existing entries */
  char list[64], item[64];
  if (sscanf(target, "%63[a-z-]/%63[a-z-]", list, item) != 2) return;
  xmlNodePtr root = xmlDocGetRootElement(e->doc);
  for (xmlNodePtr l = root ? root->children : NULL; l; l = l->next) {
    if (l->type != XML_ELEMENT_NODE || strcmp((const char *)l->name, list)) continue;
    for (xmlNodePtr k = l->children; k; k = k->next) {
      if (k->type != XML_ELEMENT_NODE || strcmp((const char *)k->name, item) || sv_xml_is_translation(k)) continue;
      xmlChar *v = xmlGetProp(k, (const xmlChar *)"id");
      if (!v) continue;
      char *t = sv_xml_text(k);
      sv_put(b, "<option value=\"");
      sv_esc(b, (char *)v);
      sv_printf(b, "\"%s>", cur && !strcmp(cur, (char *)v) ? " selected" : "");
      sv_esc(b, (char *)v);
      if (t && *t) {
        sv_put(b, ": ");
        char shortt[80];
        snprintf(shortt, sizeof shortt, "%s", t);
        sv_esc(b, shortt);
        if (strlen(t) >= sizeof shortt) sv_put(b, "...");
      }
      sv_put(b, "</option>");
      free(t);
      xmlFree(v);
    }
  }
}

/* One input: name is the form key, cur the current value (NULL: none). */
static void input(ed *e, sv_kind kind, const char *arg, const char *name, const char *fid, const char *label,
                  const char *cur, bool required, const char *hint, const char *mid, bool invalid)
{
  sv_buf *b = e->b;
  char hid[300] = "";
  if (hint) snprintf(hid, sizeof hid, "%s-hint", fid);
  sv_printf(b, "<div class=\"field\"><label for=\"%s\">", fid);
  sv_esc(b, label);
  sv_put(b, required ? "" : " (optional)");
  sv_put(b, "</label>");
  if (hint) {
    sv_printf(b, "<p class=\"hint\" id=\"%s\">", hid);
    sv_esc(b, hint);
    sv_put(b, "</p>");
  }
  char described[700] = "";
  if (hint || mid) {
    snprintf(described, sizeof described, " aria-describedby=\"%s%s%s\"", hint ? hid : "", hint && mid ? " " : "", mid ? mid : "");
  }
  const char *inv = invalid ? " aria-invalid=\"true\"" : "";
  const char *v = cur ? cur : "";
  if (kind == K_PROSE) {
    sv_printf(b, "<textarea id=\"%s\" name=\"%s\" rows=\"3\"%s%s>", fid, name, described, inv);
    sv_esc(b, v);
    sv_put(b, "</textarea>");
  } else if (kind == K_BOOL || kind == K_ENUM || kind == K_REF) {
    sv_printf(b, "<select id=\"%s\" name=\"%s\"%s%s>", fid, name, described, inv);
    if (!required || !*v) sv_printf(b, "<option value=\"\">%s</option>", required ? "Choose" : "Not set");
    if (kind == K_BOOL) {
      sv_printf(b, "<option value=\"true\"%s>Yes</option><option value=\"false\"%s>No</option>", !strcmp(v, "true") ? " selected" : "",
                !strcmp(v, "false") ? " selected" : "");
    } else if (kind == K_ENUM) {
      for (const char *p = arg; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        char opt[64];
        snprintf(opt, sizeof opt, "%.*s", (int)n, p);
        const char *words = sd_need_type_words(opt);
        sv_printf(b, "<option value=\"%s\"%s>", opt, !strcmp(v, opt) ? " selected" : "");
        if (words) sv_printf(b, "%s (%s)", words, opt);
        else sv_esc(b, opt);
        sv_put(b, "</option>");
        p = bar ? bar + 1 : p + n;
      }
    } else ref_options(e, b, arg, v);
    sv_put(b, "</select>");
  } else {
    const char *type = kind == K_DATE ? "date" : kind == K_TIME ? "time" : "text";
    sv_printf(b, "<input id=\"%s\" name=\"%s\" type=\"%s\"%s%s%s value=\"", fid, name, type, kind == K_TIME ? " step=\"1\"" : "",
              described, inv);
    sv_esc(b, v);
    sv_put(b, "\">");
  }
  sv_put(b, "</div>");
}

static void render_node(ed *e, xmlNodePtr n, const sv_spec *sp, int ordinal);

static void op_button(sv_buf *b, const char *op, const char *label, const char *cls)
{
  sv_printf(b, "<button type=\"submit\" name=\"op\" value=\"%s\" class=\"%s\">", op, cls);
  sv_esc(b, label);
  sv_put(b, "</button>");
}

static void render_kids(ed *e, xmlNodePtr n, const sv_spec *sp, const char *path)
{
  for (const sv_spec *k = sp->kids; k && k->name; k++) {
    int count = 0;
    for (xmlNodePtr c = n->children; c; c = c->next)
      if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, k->name) && !sv_xml_is_translation(c))
        render_node(e, c, k, (k->flags & SV_MANY) ? ++count : 0);
    char op[320], label[160];
    if (k->flags & SV_MANY) {
      snprintf(op, sizeof op, "add/%s/%s", path, k->name);
      snprintf(label, sizeof label, "Add: %s", k->label);
      op_button(e->b, op, label, "add");
    } else if (!count && (k->flags & SV_OPT)) {
      bool exists = false;
      for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !strcmp((const char *)c->name, k->name)) exists = true;
      if (exists) continue;
      if (k->kind == K_GROUP) {
        snprintf(op, sizeof op, "add/%s/%s", path, k->name);
        snprintf(label, sizeof label, "Add: %s", k->label);
        op_button(e->b, op, label, "add");
      } else {
        char name[320], fid[340];
        snprintf(name, sizeof name, "n/%s/%s", path, k->name);
        sv_dom_id(fid, sizeof fid, "f", path[0] ? path : "r", k->name);
        input(e, k->kind, k->arg, name, fid, k->label, NULL, false, k->hint, NULL, false);
      }
    }
  }
}

static void render_node(ed *e, xmlNodePtr n, const sv_spec *sp, int ordinal)
{
  sv_buf *b = e->b;
  char path[256], fid[300], mid[300], eid[300];
  sv_xml_path(n, path, sizeof path);
  sv_dom_id(fid, sizeof fid, "f", path[0] ? path : "r", NULL);
  sv_dom_id(mid, sizeof mid, "m", path[0] ? path : "r", NULL);
  sv_dom_id(eid, sizeof eid, "e", path, NULL);
  char label[200];
  if (ordinal) snprintf(label, sizeof label, "%s %d", sp->label, ordinal);
  else snprintf(label, sizeof label, "%s", sp->label);
  bool boxed = sp->kind == K_GROUP || sp->attrs || ordinal;
  size_t nm = count_msgs(e->m, path);
  if (boxed) {
    sv_printf(b, "<fieldset id=\"%s\" class=\"%s\"><legend>", eid, ordinal ? "entry" : "group");
    sv_esc(b, label);
    sv_put(b, "</legend>");
    if (sp->kind == K_GROUP || sp->attrs) put_msgs(b, e->m, path, mid);
  }
  for (const sv_attr *a = sp->attrs; a && a->name; a++) {
    xmlChar *v = xmlGetProp(n, (const xmlChar *)a->name);
    char name[320], afid[340];
    snprintf(name, sizeof name, "a/%s/%s", path, a->name);
    sv_dom_id(afid, sizeof afid, "f", path, a->name);
    input(e, a->kind, a->arg, name, afid, a->label, (char *)v, a->required, a->hint, NULL, false);
    xmlFree(v);
  }
  if (sp->kind == K_GROUP) render_kids(e, n, sp, path);
  else {
    char *t = sv_xml_text(n);
    char name[300];
    snprintf(name, sizeof name, "t/%s", path);
    bool inline_msgs = !(sp->attrs) && nm;
    input(e, sp->kind, sp->arg, name, fid, boxed ? (sp->flags & SV_VERBATIM ? "Their words, exactly" : "Text") : label, t,
          !(sp->flags & SV_OPT), sp->hint, inline_msgs ? mid : NULL, inline_msgs);
    if (inline_msgs) put_msgs(b, e->m, path, mid);
    free(t);
    /* translations the family can read: edited on the translation page */
    size_t ntr = 0;
    for (xmlNodePtr x = n->next; x; x = x->next) {
      if (x->type != XML_ELEMENT_NODE) continue;
      if (!xmlStrEqual(x->name, n->name) || !sv_xml_is_translation(x)) break;
      char *l = sv_xml_lang(x);
      char ln[96];
      sv_lang_name(l, ln, sizeof ln);
      sv_put(b, ntr++ ? ", " : "<p class=\"hint\">Also in: ");
      sv_esc(b, ln);
      xmlFree(l);
    }
    if (ntr) sv_put(b, "</p>");
  }
  if (ordinal) {
    char op[300], lab[260];
    sv_put(b, "<div class=\"entry-ops\">");
    snprintf(op, sizeof op, "up/%s", path);
    snprintf(lab, sizeof lab, "Move %s up", label);
    op_button(b, op, lab, "small");
    snprintf(op, sizeof op, "down/%s", path);
    snprintf(lab, sizeof lab, "Move %s down", label);
    op_button(b, op, lab, "small");
    snprintf(op, sizeof op, "del/%s", path);
    snprintf(lab, sizeof lab, "Remove %s", label);
    op_button(b, op, lab, "small danger");
    sv_put(b, "</div>");
  }
  if (boxed) sv_put(b, "</fieldset>");
}

/* ---- pages ---- */

bool sv_case_open(sv_server *s, const char *id, loaded *l, sv_resp *o)
{
  memset(l, 0, sizeof *l);
  l->xml = sv_ws_read(s, id, &l->len);
  if (!l->xml) {
    sv_error_page(o, s, 404, "No such case", "There is no case with that name in the workspace.");
    return false;
  }
  l->doc = sv_xml_parse(l->xml, l->len);
  if (!l->doc || !xmlDocGetRootElement(l->doc) || !xmlStrEqual(xmlDocGetRootElement(l->doc)->name, (const xmlChar *)"case")) {
    sv_error_page(o, s, 422, "This case file cannot be edited here",
                  "The file is not well-formed case XML. Open it in a text editor, or run sendoc validate on it.");
    free(l->xml);
    if (l->doc) xmlFreeDoc(l->doc);
    return false;
  }
  sv_sha256_hex(l->xml, l->len, l->version);
  xmlNodePtr pn = sv_xml_at(l->doc, "0.1");
  char *t = pn && xmlStrEqual(pn->name, (const xmlChar *)"preferred-name") ? sv_xml_text(pn) : NULL;
  snprintf(l->name, sizeof l->name, "%s", t && *t ? t : id);
  free(t);
  return true;
}

void sv_case_close(loaded *l)
{
  free(l->xml);
  if (l->doc) xmlFreeDoc(l->doc);
}

void sv_case_nav(sv_buf *b, const char *id, const char *current)
{
  sv_put(b, "<nav aria-label=\"Sections of this case\" class=\"sections\"><ul>");
  sv_printf(b, "<li><a href=\"/case/%s\"%s>Overview</a></li>", id, !strcmp(current, "") ? " aria-current=\"page\"" : "");
  for (size_t i = 0; i < SV_N_SECTIONS; i++)
    sv_printf(b, "<li><a href=\"/case/%s/edit/%s\"%s>%s</a></li>", id, SV_SECTIONS[i].slug,
              !strcmp(current, SV_SECTIONS[i].slug) ? " aria-current=\"page\"" : "", SV_SECTIONS[i].title);
  sv_printf(b, "<li><a href=\"/case/%s/translate\"%s>Translate</a></li>", id, !strcmp(current, "translate") ? " aria-current=\"page\"" : "");
  sv_printf(b, "<li><a href=\"/case/%s/strategy\"%s>New postcard</a></li>", id, !strcmp(current, "strategy") ? " aria-current=\"page\"" : "");
  sv_printf(b, "<li><a href=\"/docs?case=%s\">Documents</a></li>", id);
  sv_put(b, "</ul></nav>");
}

/* The section (slug) that holds the element at path, for links from the summary. */
static const char *section_of_path(xmlDocPtr doc, const char *path)
{
  char top[16];
  size_t k = strcspn(path, ".");
  if (!*path || path[0] == '-' || k >= sizeof top) return NULL;
  memcpy(top, path, k);
  top[k] = 0;
  xmlNodePtr n = sv_xml_at(doc, top);
  const sv_section *sec = n ? sv_section_of((const char *)n->name) : NULL;
  return sec ? sec->slug : NULL;
}

static void summary(sv_buf *b, const char *id, xmlDocPtr doc, const msgs *m, const char *skip_slug)
{
  if (!m->n) {
    sv_put(b, "<p class=\"ok\" role=\"status\">This case is complete: no problems found.</p>");
    return;
  }
  sv_printf(b, "<div class=\"summary\" role=\"status\"><h2>%zu problem%s, %zu thing%s to check</h2><ul>", m->errors,
            m->errors == 1 ? "" : "s", m->warnings, m->warnings == 1 ? "" : "s");
  for (size_t i = 0; i < m->n; i++) {
    const char *slug = section_of_path(doc, m->m[i].path);
    char anchor[300];
    sv_dom_id(anchor, sizeof anchor, "e", m->m[i].path, NULL);
    sv_put(b, "<li>");
    if (slug && (!skip_slug || strcmp(slug, skip_slug))) sv_printf(b, "<a href=\"/case/%s/edit/%s#%s\">", id, slug, anchor);
    else if (slug) sv_printf(b, "<a href=\"#%s\">", anchor);
    sv_esc(b, m->m[i].text);
    if (slug) sv_put(b, "</a>");
    sv_put(b, "</li>");
  }
  sv_put(b, "</ul></div>");
}

/* A save refused because the case changed since the form was opened: nothing
 * is overwritten, and nothing the SENCo typed is lost either. Every text or
 * attribute field whose submitted value differs from what the file now holds
 * is listed with its label, what they typed (read-only, ready to copy) and
 * what is saved now. The field paths are looked up in the case as it is now;
 * where the other save moved entries, the label may name a neighbour, so the
 * page says to check before copying. */
static void conflict_page(sv_req *r, sv_resp *o, xmlDocPtr now, const char *id, const char *slug, const char *why)
{
  sv_buf *b = &o->body;
  o->status = 409;
  sv_page_begin(b, r->s, "Not saved: someone else changed this case", NULL);
  sv_put(b, "<p class=\"problem\">");
  sv_esc(b, why);
  sv_put(b, "</p>");
  size_t shown = 0;
  for (size_t i = 0; i < r->form.n; i++) {
    const char *key = r->form.f[i].key, *val = r->form.f[i].val;
    if (!key || !val || !((key[0] == 't' || key[0] == 'a') && key[1] == '/')) continue;
    char path[256] = "", attr[64] = "";
    const char *p = key + 2, *slash = strchr(p, '/');
    size_t pl = slash ? (size_t)(slash - p) : strlen(p);
    if (pl >= sizeof path || (key[0] == 'a' && (!slash || strlen(slash + 1) >= sizeof attr))) continue;
    memcpy(path, p, pl);
    path[pl] = 0;
    if (slash) snprintf(attr, sizeof attr, "%s", slash + 1);
    xmlNodePtr n = sv_xml_at(now, path);
    const sv_spec *sp = n ? sv_xml_spec(n) : NULL;
    char *cur = NULL;
    const char *label = sp ? sp->label : "A field that is no longer in the case";
    if (n && key[0] == 't') cur = sv_xml_text(n);
    else if (n && key[0] == 'a') {
      xmlChar *v = xmlGetProp(n, (const xmlChar *)attr);
      cur = v ? strdup((const char *)v) : NULL;
      xmlFree(v);
      for (const sv_attr *a = sp ? sp->attrs : NULL; a && a->name; a++)
        if (!strcmp(a->name, attr)) label = a->label;
    }
    if (!strcmp(cur ? cur : "", val)) {
      free(cur);
      continue;
    }
    if (!shown++)
      sv_put(b, "<h2 id=\"typed\">What you typed (not saved)</h2><p>Copy what you need, open the section again, "
                "and put it back. Check each field's place first: the other save may have added or moved entries."
                "</p><div class=\"typed\">");
    char fid[40];
    snprintf(fid, sizeof fid, "typed-%zu", shown);
    sv_printf(b, "<div class=\"field\"><label for=\"%s\">", fid);
    sv_esc(b, label);
    sv_printf(b, "</label><textarea id=\"%s\" readonly rows=\"2\">", fid);
    sv_esc(b, val);
    sv_put(b, "</textarea><p class=\"hint\">Saved now: ");
    sv_esc(b, cur && *cur ? cur : "(empty)");
    sv_put(b, "</p></div>");
    free(cur);
  }
  if (shown) sv_put(b, "</div>");
  sv_printf(b, "<p><a href=\"/case/%s/edit/%s\">Open this section again (the latest version)</a></p>", id, slug);
  sv_put(b, "<p><a href=\"/\">Back to the caseload</a></p>");
  sv_page_end(b);
}

void sv_page_edit(sv_req *r, sv_resp *o, const char *id, const char *slug)
{
  const sv_section *sec = NULL;
  for (size_t i = 0; i < SV_N_SECTIONS; i++)
    if (!strcmp(SV_SECTIONS[i].slug, slug)) sec = &SV_SECTIONS[i];
  if (!sec) {
    sv_error_page(o, r->s, 404, "No such section", "There is no such section of a case.");
    return;
  }
  loaded l;
  if (!sv_case_open(r->s, id, &l, o)) return;
  if (r->post) {
    const char *ver = sv_form_get(&r->form, "version");
    char msg[200] = "", anchor[300] = "";
    if (!ver || strcmp(ver, l.version) != 0) {
      conflict_page(r, o, l.doc, id, slug,
                    "This case was saved from another tab or window after you opened this page, so your changes "
                    "were not saved and nothing was overwritten.");
      sv_case_close(&l);
      return;
    }
    int rc = sv_edit_apply(l.doc, &r->form, msg, sizeof msg, anchor, sizeof anchor);
    if (rc) {
      sv_error_page(o, r->s, (unsigned)rc, "Not saved", msg[0] ? msg : "The change could not be made.");
      sv_case_close(&l);
      return;
    }
    size_t len = 0;
    char *out = sv_xml_dump(l.doc, &len);
    int src = out ? sv_ws_save(r->s, id, l.version, out, len, NULL) : 500;
    xmlFree(out);
    if (src == 409) {
      /* l.doc holds this form's changes now, so show them against the file as it is */
      sv_case_close(&l);
      if (sv_case_open(r->s, id, &l, o)) {
        conflict_page(r, o, l.doc, id, slug, "This case was saved from another tab or window a moment ago, so your "
                                              "changes were not saved and nothing was overwritten.");
        sv_case_close(&l);
      }
      return;
    }
    sv_case_close(&l);
    if (src) {
      sv_error_page(o, r->s, 500, "Not saved", "The workspace could not be written.");
      return;
    }
    sv_redirect(o, "/case/%s/edit/%s?saved=1%s%s", id, slug, anchor[0] ? "#" : "", anchor);
    return;
  }
  msgs m;
  check_case(r->s, id, l.xml, l.len, l.doc, &m);
  sv_buf *b = &o->body;
  char title[400];
  snprintf(title, sizeof title, "%s: %s", l.name, sec->title);
  sv_page_begin(b, r->s, title, NULL);
  sv_case_nav(b, id, slug);
  if (sv_query(r, "saved")) sv_put(b, "<p class=\"ok\" role=\"status\">Saved.</p>");
  summary(b, id, l.doc, &m, slug);
  sv_printf(b, "<form method=\"post\" action=\"/case/%s/edit/%s\" class=\"editor\">", id, slug);
  sv_csrf_field(b, r->s);
  sv_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%s\">", l.version);
  /* the first submit button is the default for Enter: Save */
  sv_put(b, "<button type=\"submit\" class=\"primary\">Save</button>");
  ed e = { b, l.doc, &m, id };
  xmlNodePtr root = xmlDocGetRootElement(l.doc);
  for (size_t i = 0; sec->names[i]; i++) {
    const sv_spec *sp = sv_spec_kid(&SV_CASE, sec->names[i]);
    xmlNodePtr n = NULL;
    for (xmlNodePtr k = root->children; k && !n; k = k->next)
      if (k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, sp->name)) n = k;
    if (n) render_node(&e, n, sp, 0);
    else if (sp->kind == K_GROUP) {
      char op[128], label[160];
      snprintf(op, sizeof op, "add//%s", sp->name);
      snprintf(label, sizeof label, "Add: %s", sp->label);
      sv_put(b, "<div class=\"absent\"><p>");
      sv_esc(b, sp->label);
      sv_put(b, ": none yet.</p>");
      op_button(b, op, label, "add");
      sv_put(b, "</div>");
    } else {
      char name[128], fid[160];
      snprintf(name, sizeof name, "n//%s", sp->name);
      sv_dom_id(fid, sizeof fid, "f", "r", sp->name);
      input(&e, sp->kind, sp->arg, name, fid, sp->label, NULL, false, sp->hint, NULL, false);
    }
  }
  sv_put(b, "<button type=\"submit\" class=\"primary\">Save</button></form>");
  if (!strcmp(slug, "child")) {
    /* a photo is a file: its own form, sent as multipart */
    sv_printf(b, "<h2 id=\"photo-h\">Photo</h2><form method=\"post\" action=\"/case/%s/photo\" enctype=\"multipart/form-data\" "
                 "aria-labelledby=\"photo-h\">", id);
    sv_csrf_field(b, r->s);
    sv_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%s\">", l.version);
    sv_put(b, "<div class=\"field\"><label for=\"photo-file\">Photo file (PNG or JPEG, up to 2 MB)</label>"
              "<input id=\"photo-file\" type=\"file\" name=\"photo\" accept=\"image/png,image/jpeg\" required></div>"
              "<div class=\"field\"><label for=\"photo-alt\">Describe the photo for someone who cannot see it</label>"
              "<textarea id=\"photo-alt\" name=\"alt\" rows=\"2\" required></textarea></div>"
              "<button type=\"submit\">Upload the photo</button></form>");
  }
  sv_page_end(b);
  msgs_free(&m);
  sv_case_close(&l);
}

void sv_page_case(sv_req *r, sv_resp *o, const char *id, const char *rest)
{
  if (!strncmp(rest, "/edit/", 6)) return sv_page_edit(r, o, id, rest + 6);
  if (!strcmp(rest, "/translate")) return sv_page_translate(r, o, id);
  if (!strcmp(rest, "/strategy")) return sv_page_strategy(r, o, id);
  if (!strcmp(rest, "/photo")) return sv_page_photo(r, o, id);
  if (*rest && strcmp(rest, "/")) {
    sv_error_page(o, r->s, 404, "Not found", "There is no such page.");
    return;
  }
  loaded l;
  if (!sv_case_open(r->s, id, &l, o)) return;
  msgs m;
  check_case(r->s, id, l.xml, l.len, l.doc, &m);
  sv_buf *b = &o->body;
  sv_page_begin(b, r->s, l.name, NULL);
  sv_case_nav(b, id, "");
  summary(b, id, l.doc, &m, NULL);
  sv_put(b, "<h2>Sections</h2><ul class=\"cards\">");
  for (size_t i = 0; i < SV_N_SECTIONS; i++)
    sv_printf(b, "<li><a href=\"/case/%s/edit/%s\">%s</a></li>", id, SV_SECTIONS[i].slug, SV_SECTIONS[i].title);
  sv_put(b, "</ul>");
  sv_page_end(b);
  msgs_free(&m);
  sv_case_close(&l);
}
