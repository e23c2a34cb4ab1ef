/* sendoc serve: the translation view (English beside an input in the
 * family's language), a new home-school strategy straight to its bilingual
 * postcard, and the child's photo upload. */
#include "serve_case.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* every element in document order */
static void collect(xmlNodePtr n, xmlNodePtr **out, size_t *nn, size_t *cap)
{
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE || !*out) continue;
    if (*nn == *cap) {
      xmlNodePtr *no = realloc(*out, *cap * 2 * sizeof *no);
      if (!no) return;
      *out = no;
      *cap *= 2;
    }
    (*out)[(*nn)++] = n;
    collect(n->children, out, nn, cap);
  }
}

void sv_page_translate(sv_req *r, sv_resp *o, const char *id)
{
  loaded l;
  if (!sv_case_open(r->s, id, &l, o)) return;
  xmlNodePtr hl = sv_xml_at(l.doc, "1.0");
  char *home = hl && xmlStrEqual(hl->name, (const xmlChar *)"home-language") ? sv_xml_text(hl) : NULL;
  const char *lang = sv_arg(r, "lang");
  if (!lang || !*lang) lang = home && *home && strncmp(home, "en", 2) ? home : "ur";
  bool ok_tag = strlen(lang) < 16 && strspn(lang, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == strlen(lang);
  if (!ok_tag) {
    sv_error_page(o, r->s, 400, "Not a language", "Give a language tag such as ur, pl or bn.");
    goto out;
  }
  if (r->post) {
    const char *ver = sv_form_get(&r->form, "version");
    char msg[200] = "";
    if (!ver || strcmp(ver, l.version) != 0) {
      sv_error_page(o, r->s, 409, "Not saved: someone else changed this case",
                    "This case was saved from another tab or window after you opened this page, so your "
                    "translations were not saved. Open the page again and enter them once more.");
      goto out;
    }
    int rc = sv_edit_translate(l.doc, &r->form, lang, msg, sizeof msg);
    size_t len = 0;
    char *xml = rc ? NULL : sv_xml_dump(l.doc, &len);
    int src = rc ? rc : xml ? sv_ws_save(r->s, id, l.version, xml, len, NULL) : 500;
    xmlFree(xml);
    if (src) sv_error_page(o, r->s, src == 409 ? 409 : src == 400 ? 400 : 500, "Not saved", msg[0] ? msg : "The translations could not be saved.");
    else sv_redirect(o, "/case/%s/translate?lang=%s&saved=1", id, lang);
    goto out;
  }
  char ln[96];
  sv_lang_name(lang, ln, sizeof ln);
  bool rtl = sv_lang_rtl(lang);
  /* every translatable text, in document order */
  sv_buf rows = { 0 };
  size_t total = 0, missing = 0;
  size_t cap = 1024, nn = 0;
  xmlNodePtr *order = malloc(cap * sizeof *order);
  collect(xmlDocGetRootElement(l.doc), &order, &nn, &cap);
  for (size_t oi = 0; order && oi < nn; oi++) {
    xmlNodePtr n = order[oi];
    const sv_spec *spec = sv_xml_spec(n);
    if (!spec || !(spec->flags & SV_TR) || spec->kind == K_GROUP || sv_xml_is_translation(n)) continue;
    xmlChar *own = xmlNodeGetLang(n);
    bool already = own && !strcmp((char *)own, lang);
    xmlFree(own);
    if (already) continue; /* written in the family's language in the first place */
    char *src = sv_xml_text(n), *have = NULL;
    for (xmlNodePtr x = n->next; x; x = x->next) {
      if (x->type != XML_ELEMENT_NODE) continue;
      if (!xmlStrEqual(x->name, n->name) || !sv_xml_is_translation(x)) break;
      char *xl = sv_xml_lang(x);
      if (xl && !strcmp(xl, lang)) have = sv_xml_text(x);
      xmlFree(xl);
    }
    total++;
    bool miss = !have || !*have;
    missing += miss;
    char path[256], fid[300];
    sv_xml_path(n, path, sizeof path);
    sv_dom_id(fid, sizeof fid, "tr", path, NULL);
    const sv_spec *parent = n->parent ? sv_xml_spec(n->parent) : NULL;
    sv_printf(&rows, "<div class=\"tr-row%s\"><div class=\"tr-src\"><p class=\"tr-label\" id=\"%s-l\">", miss ? " missing" : "", fid);
    if (parent && parent != &SV_CASE) {
      sv_esc(&rows, parent->label);
      sv_put(&rows, ": ");
    }
    sv_esc(&rows, spec->label);
    sv_printf(&rows, "</p><p lang=\"en-GB\" id=\"%s-en\">", fid);
    sv_esc(&rows, src);
    sv_printf(&rows, "</p></div><div class=\"tr-dst\"><label for=\"%s\">In %s%s</label>", fid, ln, miss ? " (missing)" : "");
    sv_printf(&rows, "<textarea id=\"%s\" name=\"tr/%s\" lang=\"%s\" dir=\"%s\" rows=\"2\" aria-describedby=\"%s-l %s-en\">", fid, path,
              lang, rtl ? "rtl" : "ltr", fid, fid);
    sv_esc(&rows, have ? have : "");
    sv_put(&rows, "</textarea></div></div>\n");
    free(src);
    free(have);
  }
  free(order);
  sv_buf *b = &o->body;
  char title[400];
  snprintf(title, sizeof title, "%s: translate into %s", l.name, ln);
  sv_page_begin(b, r->s, title, NULL);
  sv_case_nav(b, id, "translate");
  if (sv_query(r, "saved")) sv_put(b, "<p class=\"ok\" role=\"status\">Saved.</p>");
  sv_printf(b, "<form method=\"get\" action=\"/case/%s/translate\" class=\"inline\"><label for=\"tr-lang\">Language</label>"
               "<input id=\"tr-lang\" name=\"lang\" value=\"", id);
  sv_esc(b, lang);
  sv_put(b, "\"><button type=\"submit\">Show</button></form>");
  sv_printf(b, "<p class=\"progress\" role=\"status\">%zu of %zu texts still need a translation into %s.</p>", missing, total, ln);
  sv_put(b, "<p>The English is on the left; write the translation on the right. Leave a box empty to remove its translation. "
            "An interpreter can work here too.</p>");
  sv_printf(b, "<form method=\"post\" action=\"/case/%s/translate?lang=", id);
  sv_url(b, lang);
  sv_put(b, "\">");
  sv_csrf_field(b, r->s);
  sv_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%s\">", l.version);
  sv_putn(b, rows.p ? rows.p : "", rows.n);
  sv_put(b, "<button type=\"submit\" class=\"primary\">Save translations</button></form>");
  sv_page_end(b);
  sv_buf_free(&rows);
out:
  free(home);
  sv_case_close(&l);
}

void sv_page_strategy(sv_req *r, sv_resp *o, const char *id)
{
  loaded l;
  if (!sv_case_open(r->s, id, &l, o)) return;
  xmlNodePtr hl = sv_xml_at(l.doc, "1.0");
  char *home = hl && xmlStrEqual(hl->name, (const xmlChar *)"home-language") ? sv_xml_text(hl) : strdup("en");
  char ln[96];
  sv_lang_name(home, ln, sizeof ln);
  bool bilingual = home && strncmp(home, "en", 2) != 0;
  static const struct { const char *name, *label; } F[] = {
    { "title", "Title" }, { "what", "What to do at home" }, { "why", "Why it helps" }, { "contact", "Who to ask" },
  };
  if (r->post) {
    const char *ver = sv_form_get(&r->form, "version");
    if (!ver || strcmp(ver, l.version) != 0) {
      sv_error_page(o, r->s, 409, "Not saved: someone else changed this case",
                    "This case was saved from another tab or window after you opened this page. Open it again.");
      goto out;
    }
    xmlNodePtr root = xmlDocGetRootElement(l.doc), hs = NULL;
    for (xmlNodePtr k = root->children; k; k = k->next)
      if (k->type == XML_ELEMENT_NODE && xmlStrEqual(k->name, (const xmlChar *)"home-school")) hs = k;
    /* a new strategy goes after the last strategy, before anything tried */
    xmlNodePtr st = NULL;
    if (!hs) {
      hs = sv_edit_add(l.doc, root, &SV_CASE, "home-school");
      for (xmlNodePtr k = hs ? hs->children : NULL; k && !st; k = k->next)
        if (k->type == XML_ELEMENT_NODE) st = k;
    } else st = sv_edit_add(l.doc, hs, sv_spec_kid(&SV_CASE, "home-school"), "strategy");
    if (!st) {
      sv_error_page(o, r->s, 500, "Not saved", "The strategy could not be added.");
      goto out;
    }
    sv_form tf = { 0 };
    int fi = 0;
    char path[256];
    for (xmlNodePtr k = st->children; k; k = k->next) {
      if (k->type != XML_ELEMENT_NODE || fi >= 4) continue;
      const char *v = sv_form_get(&r->form, F[fi].name);
      sv_xml_set_text(k, v ? v : "");
      char key[64];
      snprintf(key, sizeof key, "%s-tr", F[fi].name);
      const char *t = sv_form_get(&r->form, key);
      sv_xml_path(k, path, sizeof path);
      char trkey[300];
      snprintf(trkey, sizeof trkey, "tr/%s", path);
      if (t && *t) sv_form_add(&tf, trkey, NULL, t, strlen(t), 0, 1u << 20);
      fi++;
    }
    char msg[200] = "";
    int rc = bilingual ? sv_edit_translate(l.doc, &tf, home, msg, sizeof msg) : 0;
    sv_form_free(&tf);
    size_t len = 0;
    char *xml = rc ? NULL : sv_xml_dump(l.doc, &len);
    int src = rc ? rc : xml ? sv_ws_save(r->s, id, l.version, xml, len, NULL) : 500;
    xmlFree(xml);
    if (src) sv_error_page(o, r->s, src == 409 ? 409 : 400, "Not saved", msg[0] ? msg : "The strategy could not be saved.");
    else sv_redirect(o, "/docs/preview?case=%s&template=postcard-try&lang=%s&style=large-print", id, bilingual ? home : "en-GB");
    goto out;
  }
  sv_buf *b = &o->body;
  char title[400];
  snprintf(title, sizeof title, "%s: something to try at home", l.name);
  sv_page_begin(b, r->s, title, NULL);
  sv_case_nav(b, id, "strategy");
  sv_put(b, "<p>Write a new home-school strategy. Saving adds it to the case and makes the postcard");
  if (bilingual) sv_printf(b, " in %s and English", ln);
  sv_put(b, ".</p>");
  sv_printf(b, "<form method=\"post\" action=\"/case/%s/strategy\">", id);
  sv_csrf_field(b, r->s);
  sv_printf(b, "<input type=\"hidden\" name=\"version\" value=\"%s\">", l.version);
  for (int i = 0; i < 4; i++) {
    sv_printf(b, "<div class=\"field\"><label for=\"st-%s\">%s (English)</label><textarea id=\"st-%s\" name=\"%s\" rows=\"2\" required>"
                 "</textarea></div>", F[i].name, F[i].label, F[i].name, F[i].name);
    if (bilingual)
      sv_printf(b, "<div class=\"field\"><label for=\"st-%s-tr\">%s (%s)</label><textarea id=\"st-%s-tr\" name=\"%s-tr\" rows=\"2\" "
                   "lang=\"%s\" dir=\"%s\"></textarea></div>", F[i].name, F[i].label, ln, F[i].name, F[i].name, home,
                sv_lang_rtl(home) ? "rtl" : "ltr");
  }
  sv_put(b, "<button type=\"submit\" class=\"primary\">Save and make the postcard</button></form>");
  sv_page_end(b);
out:
  free(home);
  sv_case_close(&l);
}

/* ---- the child's photo: uploaded into WORKSPACE/photos/, named for the case ---- */

static int write_photo(sv_server *s, const char *name, const char *data, size_t len)
{
  if (mkdirat(s->ws_fd, "photos", 0700) != 0 && errno != EEXIST) return -1;
  int dfd = openat(s->ws_fd, "photos", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dfd < 0) return -1;
  char tmp[120];
  snprintf(tmp, sizeof tmp, ".%s.tmp", name);
  int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  int rc = -1;
  if (fd >= 0) {
    size_t off = 0;
    while (off < len) {
      ssize_t k = write(fd, data + off, len - off);
      if (k <= 0) break;
      off += (size_t)k;
    }
    if (close(fd) == 0 && off == len && renameat(dfd, tmp, dfd, name) == 0) rc = 0;
    else unlinkat(dfd, tmp, 0);
  }
  close(dfd);
  return rc;
}

void sv_page_photo(sv_req *r, sv_resp *o, const char *id)
{
  if (!r->post) {
    sv_redirect(o, "/case/%s/edit/child", id);
    return;
  }
  loaded l;
  if (!sv_case_open(r->s, id, &l, o)) return;
  const char *ver = sv_form_get(&r->form, "version"), *alt = sv_form_get(&r->form, "alt");
  const char *data = NULL;
  size_t len = 0;
  for (size_t i = 0; i < r->form.n; i++)
    if (!strcmp(r->form.f[i].key, "photo")) {
      data = r->form.f[i].val;
      len = r->form.f[i].len;
    }
  bool png = len > 8 && !memcmp(data, "\x89PNG\r\n\x1a\n", 8), jpeg = len > 3 && !memcmp(data, "\xff\xd8\xff", 3);
  if (!ver || strcmp(ver, l.version) != 0) {
    sv_error_page(o, r->s, 409, "Not saved: someone else changed this case",
                  "This case was saved from another tab or window after you opened this page. Open it again.");
    goto out;
  }
  if (!png && !jpeg) {
    sv_error_page(o, r->s, 400, "Not a photo", "Choose a PNG or JPEG file.");
    goto out;
  }
  if (!alt || !*alt) {
    sv_error_page(o, r->s, 400, "The photo needs a description",
                  "Describe the photo for someone who cannot see it: the documents read it out in its place.");
    goto out;
  }
  char file[100], src[120];
  snprintf(file, sizeof file, "%s.%s", id, png ? "png" : "jpg");
  snprintf(src, sizeof src, "photos/%s", file);
  if (write_photo(r->s, file, data, len) != 0) {
    sv_error_page(o, r->s, 500, "Not saved", "The photo could not be written into the workspace.");
    goto out;
  }
  xmlNodePtr child = sv_xml_at(l.doc, "0"), photo = NULL;
  for (xmlNodePtr k = child ? child->children : NULL; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE && xmlStrEqual(k->name, (const xmlChar *)"photo")) photo = k;
  const sv_spec *csp = sv_spec_kid(&SV_CASE, "child");
  if (!photo && child) photo = sv_edit_add(l.doc, child, csp, "photo");
  if (!photo) {
    sv_error_page(o, r->s, 422, "Not saved", "This case file has no child section to add a photo to.");
    goto out;
  }
  xmlSetProp(photo, (const xmlChar *)"src", (const xmlChar *)src);
  for (xmlNodePtr k = photo->children; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE && xmlStrEqual(k->name, (const xmlChar *)"alt") && !sv_xml_is_translation(k)) {
      sv_xml_set_text(k, alt);
      break;
    }
  size_t xl = 0;
  char *xml = sv_xml_dump(l.doc, &xl);
  int rc = xml ? sv_ws_save(r->s, id, l.version, xml, xl, NULL) : 500;
  xmlFree(xml);
  if (rc) sv_error_page(o, r->s, rc == 409 ? 409 : 500, "Not saved", "The case could not be saved.");
  else sv_redirect(o, "/case/%s/edit/child?saved=1#e-0", id);
out:
  sv_case_close(&l);
}
