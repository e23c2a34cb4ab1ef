/* sendoc serve: the class-list import pages. Upload (multipart, bounded by
 * the server's upload limit), then a mapping form with every row shown as
 * ready or incomplete, then one case file per ready row. The uploaded table
 * stays in memory under a random key (the last SV_IMPORT_CACHE uploads). */
#include "serve.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct sv_import {
  char key[33];
  sv_table t;
  sv_import *next;
};

void sv_imports_free(sv_server *s)
{
  for (sv_import *x = s->imports, *next; x; x = next) {
    next = x->next;
    sv_table_free(&x->t);
    free(x);
  }
  s->imports = NULL;
}

static void guess_map(const sv_table *t, int *map)
{
  for (size_t i = 0; i < SV_N_TARGETS; i++) {
    map[i] = -1;
    /* the guesses are in order of preference: exact header names first */
    const char *g = SV_TARGETS[i].guess;
    for (const char *p = g; p && *p && map[i] < 0;) {
      const char *bar = strchr(p, '|');
      size_t n = bar ? (size_t)(bar - p) : strlen(p);
      for (size_t c = 0; c < t->cols && map[i] < 0; c++)
        if (strlen(t->cell[c]) == n && !strncasecmp(t->cell[c], p, n)) map[i] = (int)c;
      p = bar ? bar + 1 : p + n;
    }
  }
  /* a column used for one target is not guessed for another */
  for (size_t i = 0; i < SV_N_TARGETS; i++)
    for (size_t j = 0; j < i; j++)
      if (map[i] >= 0 && map[i] == map[j]) map[i] = -1;
}

static void mapping_page(sv_req *r, sv_resp *o, sv_import *x, const int *map, const char *school, const char *senco,
                         const char *msg)
{
  sv_buf *b = &o->body;
  sv_page_begin(b, r->s, "Import a class list: match the columns", "/import");
  if (msg) {
    sv_put(b, "<p class=\"problem\" role=\"alert\">");
    sv_esc(b, msg);
    sv_put(b, "</p>");
  }
  sv_printf(b, "<p>%zu children found. Say which column holds what; then check the rows below.</p>", x->t.rows - 1);
  sv_printf(b, "<form method=\"post\" action=\"/import/%s\">", x->key);
  sv_csrf_field(b, r->s);
  sv_put(b, "<fieldset><legend>Columns</legend>");
  for (size_t i = 0; i < SV_N_TARGETS; i++) {
    sv_printf(b, "<div class=\"field\"><label for=\"map-%s\">%s</label><select id=\"map-%s\" name=\"map-%s\"><option value=\"-1\">Not in the list</option>",
              SV_TARGETS[i].key, SV_TARGETS[i].label, SV_TARGETS[i].key, SV_TARGETS[i].key);
    for (size_t c = 0; c < x->t.cols; c++) {
      sv_printf(b, "<option value=\"%zu\"%s>", c, map[i] == (int)c ? " selected" : "");
      sv_esc(b, x->t.cell[c][0] ? x->t.cell[c] : "(no heading)");
      sv_put(b, "</option>");
    }
    sv_put(b, "</select></div>");
  }
  sv_put(b, "</fieldset><fieldset><legend>For every child</legend><div class=\"field\"><label for=\"imp-school\">School name</label>"
            "<input id=\"imp-school\" name=\"school\" value=\"");
  sv_esc(b, school);
  sv_put(b, "\"></div><div class=\"field\"><label for=\"imp-senco\">SENCo's name</label><input id=\"imp-senco\" name=\"senco\" value=\"");
  sv_esc(b, senco);
  sv_put(b, "\"></div></fieldset>");
  sv_put(b, "<div class=\"table-wrap\"><table><caption>Rows as they will be imported</caption><thead><tr><th scope=\"col\">Row</th>"
            "<th scope=\"col\">Child</th><th scope=\"col\">Ready?</th></tr></thead><tbody>");
  size_t ready = 0;
  for (size_t row = 1; row < x->t.rows; row++) {
    char missing[400], name[300];
    char *xml = sv_csv_case(&x->t, row, map, school, senco, missing, sizeof missing, name, sizeof name);
    sv_printf(b, "<tr%s><td>%zu</td><td>", xml ? "" : " class=\"incomplete\"", row + 1);
    sv_esc(b, name);
    sv_put(b, "</td><td>");
    if (xml) {
      sv_put(b, "Ready");
      ready++;
    } else {
      sv_put(b, "Incomplete: missing ");
      sv_esc(b, missing);
    }
    sv_put(b, "</td></tr>");
    xmlFree(xml);
  }
  sv_printf(b, "</tbody></table></div><p role=\"status\">%zu of %zu rows are ready.</p>", ready, x->t.rows - 1);
  sv_put(b, "<button type=\"submit\" name=\"do\" value=\"check\">Check again</button> "
            "<button type=\"submit\" name=\"do\" value=\"create\" class=\"primary\">Create a case for each ready row</button></form>");
  sv_page_end(b);
}

void sv_page_import(sv_req *r, sv_resp *o, const char *rest)
{
  sv_server *s = r->s;
  if (!strcmp(rest, "") && !r->post) {
    sv_buf *b = &o->body;
    sv_page_begin(b, s, "Import a class list", "/import");
    sv_put(b, "<p>Upload a class list saved from Excel or LibreOffice as CSV (UTF-8). The first row must hold the column "
              "headings. You then match the columns, see which rows are incomplete, and get one case per child, ready "
              "for their one-page profile.</p><form method=\"post\" action=\"/import\" enctype=\"multipart/form-data\">");
    sv_csrf_field(b, s);
    sv_put(b, "<div class=\"field\"><label for=\"imp-file\">CSV file</label><input id=\"imp-file\" type=\"file\" name=\"file\" "
              "accept=\".csv,text/csv\" required></div><button type=\"submit\" class=\"primary\">Upload</button></form>");
    sv_page_end(b);
    return;
  }
  if (!strcmp(rest, "") && r->post) {
    const char *data = NULL;
    size_t len = 0;
    for (size_t i = 0; i < r->form.n; i++)
      if (!strcmp(r->form.f[i].key, "file")) {
        data = r->form.f[i].val;
        len = r->form.f[i].len;
      }
    sv_import *x = calloc(1, sizeof *x);
    char msg[300] = "";
    if (!x || !data || sv_csv_parse(data, len, &x->t, msg, sizeof msg) != 0) {
      free(x);
      sv_error_page(o, s, 400, "The class list could not be read", msg[0] ? msg : "No file was uploaded.");
      return;
    }
    sv_random_hex(x->key, 16);
    pthread_mutex_lock(&s->cache_lock);
    x->next = s->imports;
    s->imports = x;
    int k = 0;
    for (sv_import *p = s->imports; p; p = p->next)
      if (++k == SV_IMPORT_CACHE && p->next) {
        sv_import *old = p->next;
        p->next = NULL;
        while (old) {
          sv_import *nx = old->next;
          sv_table_free(&old->t);
          free(old);
          old = nx;
        }
      }
    pthread_mutex_unlock(&s->cache_lock);
    sv_redirect(o, "/import/%s", x->key);
    return;
  }
  char key[40] = "";
  if (sscanf(rest, "/%32[0-9a-f]", key) != 1 || strlen(rest) != 33) {
    sv_error_page(o, s, 404, "Not found", "There is no such import.");
    return;
  }
  /* the page is built under the lock: the import may be evicted by another upload */
  pthread_mutex_lock(&s->cache_lock);
  sv_import *x = s->imports;
  while (x && strcmp(x->key, key)) x = x->next;
  if (!x) {
    pthread_mutex_unlock(&s->cache_lock);
    sv_error_page(o, s, 404, "Import expired", "Upload the class list again.");
    return;
  }
  int map[32];
  const char *school = sv_arg(r, "school"), *senco = sv_arg(r, "senco");
  if (r->post) {
    for (size_t i = 0; i < SV_N_TARGETS; i++) {
      char k[40];
      snprintf(k, sizeof k, "map-%s", SV_TARGETS[i].key);
      const char *v = sv_form_get(&r->form, k);
      map[i] = v ? atoi(v) : -1;
      if (map[i] < -1 || map[i] >= (int)x->t.cols) map[i] = -1;
    }
  } else guess_map(&x->t, map);
  const char *what = sv_arg(r, "do");
  if (r->post && what && !strcmp(what, "create")) {
    sv_buf *b = &o->body;
    sv_page_begin(b, s, "Import a class list: done", "/import");
    sv_put(b, "<ul>");
    size_t made = 0, skipped = 0;
    for (size_t row = 1; row < x->t.rows; row++) {
      char missing[400], name[300], id[80];
      char *xml = sv_csv_case(&x->t, row, map, school, senco, missing, sizeof missing, name, sizeof name);
      if (!xml) {
        skipped++;
        continue;
      }
      sv_ws_new_id(s, name, id, sizeof id);
      if (sv_ws_save(s, id, NULL, xml, strlen(xml), NULL) == 0) {
        made++;
        sv_printf(b, "<li><a href=\"/case/%s/edit/profile\">", id);
        sv_esc(b, name);
        sv_put(b, "</a>: one-page profile next</li>");
      }
      xmlFree(xml);
    }
    pthread_mutex_unlock(&s->cache_lock);
    sv_printf(b, "</ul><p role=\"status\">%zu case%s created, %zu incomplete row%s skipped.</p><p><a href=\"/\">Back to the caseload</a></p>",
              made, made == 1 ? "" : "s", skipped, skipped == 1 ? "" : "s");
    sv_page_end(b);
    return;
  }
  mapping_page(r, o, x, map, school ? school : "", senco ? senco : "", NULL);
  pthread_mutex_unlock(&s->cache_lock);
}
