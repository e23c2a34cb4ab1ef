/* sendoc serve: routing, the page frame, the caseload and the new-case form. */
#include "serve.h"
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *sv_web_file(const sv_server *s, const char *name, size_t *len);
void sv_page_edit(sv_req *r, sv_resp *o, const char *id, const char *slug);
void sv_page_translate(sv_req *r, sv_resp *o, const char *id);
void sv_page_strategy(sv_req *r, sv_resp *o, const char *id);

void sv_page_begin(sv_buf *b, const sv_server *s, const char *title, const char *current)
{
  static const struct { const char *href, *label; } NAV[] = {
    { "/", "Caseload" }, { "/new", "New case" }, { "/docs", "Documents" }, { "/import", "Import a class list" },
  };
  sv_put(b, "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
  sv_esc(b, title);
  sv_put(b, " - sendoc</title><link rel=\"stylesheet\" href=\"/static/app.css\">"
            "<script src=\"/static/app.js\" defer></script></head>\n<body><a class=\"skip\" href=\"#main\">Skip to the main content</a>"
            "<header><p class=\"brand\">sendoc</p><nav aria-label=\"Main\"><ul>");
  for (size_t i = 0; i < sizeof NAV / sizeof *NAV; i++)
    sv_printf(b, "<li><a href=\"%s\"%s>%s</a></li>", NAV[i].href,
              current && !strcmp(current, NAV[i].href) ? " aria-current=\"page\"" : "", NAV[i].label);
  sv_put(b, "</ul></nav></header>\n<main id=\"main\" tabindex=\"-1\"><h1>");
  sv_esc(b, title);
  sv_put(b, "</h1>\n");
}

void sv_page_end(sv_buf *b)
{
  sv_put(b, "</main><footer><p>sendoc serve: your case files stay in the workspace folder on this computer.</p></footer>"
            "</body></html>\n");
}

void sv_csrf_field(sv_buf *b, const sv_server *s)
{
  sv_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", s->csrf);
}

void sv_redirect(sv_resp *o, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(o->location, sizeof o->location, fmt, ap);
  va_end(ap);
  o->status = 303;
}

void sv_error_page(sv_resp *o, const sv_server *s, unsigned status, const char *title, const char *msg)
{
  o->status = status;
  sv_page_begin(&o->body, s, title, NULL);
  sv_put(&o->body, "<p class=\"problem\">");
  sv_esc(&o->body, msg);
  sv_put(&o->body, "</p><p><a href=\"/\">Back to the caseload</a></p>");
  sv_page_end(&o->body);
}

/* ---- the caseload ---- */

typedef struct row {
  char id[80];
  const char *name, *year, *lang;
  const char *needs[8];
  size_t n_needs;
  sd_due_item due[16];
  size_t n_due;
  size_t errors;
  sd_case *c;
  char fallback[200];
} row;

static void load_row(sv_server *s, const char *id, const char *today, row *w)
{
  memset(w, 0, sizeof *w);
  snprintf(w->id, sizeof w->id, "%s", id);
  size_t len = 0;
  char *xml = sv_ws_read(s, id, &len);
  sd_diags *d = sd_diags_new();
  if (xml && sd_case_load_mem(s->engine, xml, len, id, s->ws_path, NULL, &w->c, d) == SD_OK) {
    w->name = sd_case_get(w->c, "child.preferred-name");
    w->year = sd_case_get(w->c, "child.year-group");
    w->lang = sd_case_get(w->c, "family.home-language");
    w->n_needs = sd_case_get_all(w->c, "needs", "need", "@type", w->needs, 8);
    if (w->n_needs > 8) w->n_needs = 8;
    sd_case_due(w->c, today, w->due, 16, &w->n_due);
    if (w->n_due > 16) w->n_due = 16;
  } else {
    w->errors = sd_diags_errors(d) ? sd_diags_errors(d) : 1;
    /* an unfinished case still shows the child's name */
    xmlDocPtr doc = xml ? sv_xml_parse(xml, len) : NULL;
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    for (xmlNodePtr k = root ? root->children : NULL; k; k = k->next)
      if (k->type == XML_ELEMENT_NODE && xmlStrEqual(k->name, (const xmlChar *)"child"))
        for (xmlNodePtr g = k->children; g; g = g->next)
          if (g->type == XML_ELEMENT_NODE && xmlStrEqual(g->name, (const xmlChar *)"preferred-name") && !w->fallback[0]) {
            char *t = sv_xml_text(g);
            snprintf(w->fallback, sizeof w->fallback, "%s", t ? t : "");
            free(t);
          }
    if (doc) xmlFreeDoc(doc);
    if (w->fallback[0]) w->name = w->fallback;
  }
  sd_diags_free(d);
  free(xml);
}

static void due_words(sv_buf *b, const sd_due_item *d)
{
  switch (d->kind) {
  case SD_DUE_REVIEW: sv_printf(b, "Annual review on %s (in %ld days)", d->date, d->days); break;
  case SD_DUE_REVIEW_OVERDUE: sv_printf(b, "Annual review was due on %s: none booked", d->date); break;
  case SD_DUE_INVITE: sv_printf(b, "Send the invitation now: meeting on %s", d->date); break;
  case SD_DUE_INVITE_LATE: sv_printf(b, "Invitation late: meeting on %s, less than two weeks away", d->date); break;
  case SD_DUE_ACTION_OVERDUE:
    sv_printf(b, "Action overdue since %s: ", d->date);
    sv_esc(b, d->what);
    break;
  }
}

void sv_page_caseload(sv_req *r, sv_resp *o)
{
  sv_buf *b = &o->body;
  char today[11];
  sv_today(r->s->today, today);
  size_t n = 0;
  char **ids = sv_ws_list(r->s, &n);
  sv_page_begin(b, r->s, "Caseload", "/");
  sv_printf(b, "<p>%zu case%s in this workspace. Today is %s.</p>", n, n == 1 ? "" : "s", today);
  if (!n) sv_put(b, "<p>No cases yet. <a href=\"/new\">Start a new case</a> or <a href=\"/import\">import a class list</a>.</p>");
  else {
    sv_put(b, "<div class=\"table-wrap\"><table><caption>Children on the caseload and what is due</caption><thead><tr>"
              "<th scope=\"col\">Name</th><th scope=\"col\">Year</th><th scope=\"col\">Needs</th>"
              "<th scope=\"col\">Home language</th><th scope=\"col\">Due</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
      row w;
      load_row(r->s, ids[i], today, &w);
      sv_put(b, "<tr><th scope=\"row\"><a href=\"/case/");
      sv_esc(b, w.id);
      sv_put(b, "\">");
      sv_esc(b, w.name ? w.name : w.id);
      sv_put(b, "</a>");
      if (w.errors) sv_printf(b, " <span class=\"badge\">unfinished: %zu problem%s</span>", w.errors, w.errors == 1 ? "" : "s");
      sv_put(b, "</th><td>");
      sv_esc(b, w.year ? (strcmp(w.year, "R") ? w.year : "Reception") : "");
      sv_put(b, "</td><td>");
      for (size_t k = 0; k < w.n_needs; k++) {
        const char *words = sd_need_type_words(w.needs[k]);
        if (k) sv_put(b, "; ");
        sv_esc(b, words ? words : w.needs[k]);
      }
      sv_put(b, "</td><td>");
      if (w.lang) {
        char ln[96];
        sv_lang_name(w.lang, ln, sizeof ln);
        sv_esc(b, ln);
      }
      sv_put(b, "</td><td>");
      if (w.n_due) {
        sv_put(b, "<ul class=\"due\">");
        for (size_t k = 0; k < w.n_due; k++) {
          sv_printf(b, "<li class=\"due-%d\">", (int)w.due[k].kind);
          due_words(b, &w.due[k]);
          sv_put(b, "</li>");
        }
        sv_put(b, "</ul>");
      } else sv_put(b, "Nothing due");
      sv_put(b, "</td></tr>\n");
      sd_case_free(w.c);
      free(ids[i]);
    }
    sv_put(b, "</tbody></table></div>");
  }
  free(ids);
  sv_page_end(b);
}

void sv_api_caseload(sv_req *r, sv_resp *o)
{
  char today[11];
  sv_today(r->s->today, today);
  size_t n = 0;
  char **ids = sv_ws_list(r->s, &n);
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) {
    row w;
    load_row(r->s, ids[i], today, &w);
    json_t *needs = json_array(), *due = json_array();
    for (size_t k = 0; k < w.n_needs; k++) json_array_append_new(needs, json_string(w.needs[k]));
    for (size_t k = 0; k < w.n_due; k++)
      json_array_append_new(due, json_pack("{s:i, s:s, s:i}", "kind", (int)w.due[k].kind, "date", w.due[k].date,
                                           "days", (json_int_t)w.due[k].days));
    json_array_append_new(arr, json_pack("{s:s, s:s?, s:s?, s:s?, s:o, s:o, s:i}", "id", w.id, "name", w.name,
                                         "year", w.year, "home_language", w.lang, "needs", needs, "due", due,
                                         "problems", (json_int_t)w.errors));
    sd_case_free(w.c);
    free(ids[i]);
  }
  free(ids);
  char *text = json_dumps(arr, JSON_COMPACT);
  json_decref(arr);
  o->type = "application/json";
  sv_put(&o->body, text ? text : "[]");
  free(text);
}

/* ---- a new case from a blank form ---- */

static char *blank_case(const sv_req *r)
{
  /* the smallest well-formed case: the child, the family's language, the
   * school; the forms then fill in the rest, one section at a time */
  xmlDocPtr doc = sv_xml_parse("<case version=\"1\" xml:lang=\"en-GB\"/>", 36);
  if (!doc) return NULL;
  xmlNodePtr root = xmlDocGetRootElement(doc);
  for (const sv_spec *k = SV_CASE.kids; k->name; k++)
    if (!(k->flags & SV_OPT)) sv_edit_add(doc, root, &SV_CASE, k->name);
  static const struct { const char *path, *field; } SET[] = {
    { "0.0", "legal-name" }, { "0.1", "preferred-name" }, { "0.2", "date-of-birth" },
    { "1.0", "home-language" }, { "2.0", "school" }, { "2.1.0", "senco" },
  };
  for (size_t i = 0; i < sizeof SET / sizeof *SET; i++) {
    const char *v = sv_arg(r, SET[i].field);
    xmlNodePtr n = sv_xml_at(doc, SET[i].path);
    if (n && v) sv_xml_set_text(n, v);
  }
  xmlNodePtr interp = sv_xml_at(doc, "1.1");
  if (interp) sv_xml_set_text(interp, sv_arg(r, "interpreter") && !strcmp(sv_arg(r, "interpreter"), "true") ? "true" : "false");
  const char *year = sv_arg(r, "year-group");
  if (year && *year) {
    xmlNodePtr child = sv_xml_at(doc, "0");
    xmlNodePtr y = sv_edit_add(doc, child, &SV_CASE.kids[0], "year-group");
    if (y) sv_xml_set_text(y, year);
  }
  size_t len = 0;
  char *out = sv_xml_dump(doc, &len);
  xmlFreeDoc(doc);
  return out;
}

static void field(sv_buf *b, const char *name, const char *label, const char *type, const char *hint, bool required)
{
  sv_printf(b, "<div class=\"field\"><label for=\"new-%s\">%s%s</label>", name, label, required ? " (required)" : "");
  if (hint) sv_printf(b, "<p class=\"hint\" id=\"new-%s-hint\">%s</p>", name, hint);
  sv_printf(b, "<input id=\"new-%s\" name=\"%s\" type=\"%s\"%s%s%s%s></div>", name, name, type,
            required ? " required" : "", hint ? " aria-describedby=\"new-" : "", hint ? name : "", hint ? "-hint\"" : "");
}

void sv_page_new(sv_req *r, sv_resp *o)
{
  if (r->post) {
    const char *name = sv_arg(r, "legal-name");
    char id[80];
    sv_ws_new_id(r->s, name && *name ? name : "case", id, sizeof id);
    char *xml = blank_case(r);
    if (!xml) {
      sv_error_page(o, r->s, 500, "Could not create the case", "The server ran out of memory.");
      return;
    }
    int rc = sv_ws_save(r->s, id, NULL, xml, strlen(xml), NULL);
    xmlFree(xml);
    if (rc) {
      sv_error_page(o, r->s, rc == 409 ? 409 : 500, "Could not create the case",
                    rc == 409 ? "A case with that name appeared at the same moment. Try again." : "The workspace could not be written.");
      return;
    }
    sv_redirect(o, "/case/%s/edit/child", id);
    return;
  }
  sv_buf *b = &o->body;
  sv_page_begin(b, r->s, "New case", "/new");
  sv_put(b, "<p>Start with the child's name and the family's language. You fill in the rest one section at a time; "
            "sendoc tells you what is still missing.</p><form method=\"post\" action=\"/new\">");
  sv_csrf_field(b, r->s);
  field(b, "legal-name", "Child's full legal name", "text", NULL, true);
  field(b, "preferred-name", "Name the child likes to be called", "text", NULL, true);
  field(b, "date-of-birth", "Date of birth", "date", NULL, true);
  sv_put(b, "<div class=\"field\"><label for=\"new-year-group\">Year group</label><select id=\"new-year-group\" name=\"year-group\">"
            "<option value=\"\">Not set</option><option value=\"R\">Reception</option>");
  for (int y = 1; y <= 14; y++) sv_printf(b, "<option value=\"%d\">Year %d</option>", y, y);
  sv_put(b, "</select></div>");
  field(b, "home-language", "Home language", "text", "A language tag: en for English, ur for Urdu, pl for Polish, bn for Bengali.", true);
  sv_put(b, "<div class=\"field\"><input id=\"new-interpreter\" type=\"checkbox\" name=\"interpreter\" value=\"true\">"
            "<label for=\"new-interpreter\">The family needs an interpreter</label></div>");
  field(b, "school", "School name", "text", NULL, true);
  field(b, "senco", "SENCo's name", "text", NULL, true);
  sv_put(b, "<button type=\"submit\">Create the case</button></form>");
  sv_page_end(b);
}

/* ---- routing ---- */

void sv_route(sv_req *r, sv_resp *o)
{
  const char *p = r->path;
  if (!strncmp(p, "/static/", 8)) {
    size_t len = 0;
    const char *f = sv_web_file(r->s, p + 8, &len);
    if (!f) {
      sv_error_page(o, r->s, 404, "Not found", "There is no such page.");
      return;
    }
    o->bin = (const unsigned char *)f;
    o->bin_len = len;
    o->type = strstr(p, ".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    return;
  }
  if (!strcmp(p, "/")) {
    if (r->post) sv_error_page(o, r->s, 405, "Not allowed", "Nothing to send here.");
    else sv_page_caseload(r, o);
    return;
  }
  if (!strcmp(p, "/api/caseload")) return sv_api_caseload(r, o);
  if (!strcmp(p, "/new")) return sv_page_new(r, o);
  if (!strcmp(p, "/docs")) return sv_page_docs(r, o);
  if (!strcmp(p, "/docs/preview")) return sv_page_preview(r, o);
  if (!strncmp(p, "/render/", 8)) return sv_render_asset(r, o, p + 8);
  if (!strcmp(p, "/import") || !strncmp(p, "/import/", 8)) return sv_page_import(r, o, p + 7);
  if (!strncmp(p, "/case/", 6)) {
    char id[80] = "";
    const char *rest = p + 6, *slash = strchr(rest, '/');
    size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
    if (n < sizeof id) {
      memcpy(id, rest, n);
      id[n] = 0;
    }
    if (!sv_ws_valid_id(id)) {
      sv_error_page(o, r->s, 404, "No such case", "There is no case with that name in the workspace.");
      return;
    }
    return sv_page_case(r, o, id, slash ? slash : "");
  }
  sv_error_page(o, r->s, 404, "Not found", "There is no such page.");
}
