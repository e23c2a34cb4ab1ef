/* sendoc serve: the case file as a libxml2 tree. Forms address elements by
 * the indices of element children from the root ("3.2.0"), resolved on the
 * very bytes the form was made from (its version is checked before a save),
 * so comments, unknown content and translations the form does not show stay
 * where they are. */
#include "serve.h"
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

xmlDocPtr sv_xml_parse(const char *data, size_t len)
{
  /* no network, no entity substitution, no DTD loading; big line numbers for messages */
  if (len > (16u << 20)) return NULL;
  return xmlReadMemory(data, (int)len, "case.xml", "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                                XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES);
}

char *sv_xml_dump(xmlDocPtr doc, size_t *len)
{
  xmlChar *out = NULL;
  int n = 0;
  xmlDocDumpMemoryEnc(doc, &out, &n, "UTF-8");
  *len = out ? (size_t)n : 0;
  return (char *)out;
}

static xmlNodePtr nth_element(xmlNodePtr parent, long i)
{
  for (xmlNodePtr k = parent ? parent->children : NULL; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE && i-- == 0) return k;
  return NULL;
}

xmlNodePtr sv_xml_at(xmlDocPtr doc, const char *path)
{
  xmlNodePtr n = xmlDocGetRootElement(doc);
  const char *p = path;
  while (n && p && *p) {
    char *end = NULL;
    if (*p < '0' || *p > '9') return NULL;
    long i = strtol(p, &end, 10);
    if (end == p || i < 0 || i > 100000) return NULL;
    n = nth_element(n, i);
    p = end;
    if (*p == '.') p++;
    else if (*p) return NULL;
  }
  return n;
}

void sv_xml_path(xmlNodePtr n, char *out, size_t cap)
{
  long idx[70];
  int depth = 0;
  for (xmlNodePtr x = n; x && x->parent && x->parent->type == XML_ELEMENT_NODE && depth < 70; x = x->parent) {
    long i = 0;
    for (xmlNodePtr k = x->parent->children; k && k != x; k = k->next)
      if (k->type == XML_ELEMENT_NODE) i++;
    idx[depth++] = i;
  }
  size_t k = 0;
  out[0] = 0;
  for (int d = depth - 1; d >= 0 && k + 12 < cap; d--)
    k += (size_t)snprintf(out + k, cap - k, "%s%ld", d == depth - 1 ? "" : ".", idx[d]);
}

char *sv_xml_lang(xmlNodePtr n)
{
  return (char *)xmlGetNsProp(n, (const xmlChar *)"lang", XML_XML_NAMESPACE);
}

static xmlNodePtr prev_element(xmlNodePtr n)
{
  for (xmlNodePtr k = n->prev; k; k = k->prev)
    if (k->type == XML_ELEMENT_NODE) return k;
  return NULL;
}

bool sv_xml_is_translation(xmlNodePtr n)
{
  /* schema README: a same-named sibling with another xml:lang right after an
   * entry (or after its other translations) is a translation of it */
  char *lang = sv_xml_lang(n);
  if (!lang) return false;
  bool tr = false;
  xmlNodePtr p = prev_element(n);
  while (p && xmlStrEqual(p->name, n->name)) {
    if (!sv_xml_is_translation(p)) {
      xmlChar *olang = xmlNodeGetLang(p);
      tr = !olang || strcmp((char *)olang, lang) != 0;
      xmlFree(olang);
      break;
    }
    char *pl = sv_xml_lang(p);
    bool same = pl && strcmp(pl, lang) == 0;
    xmlFree(pl);
    if (same) break; /* a second one in the same language starts a new entry */
    p = prev_element(p);
  }
  xmlFree(lang);
  return tr;
}

const sv_spec *sv_xml_spec(xmlNodePtr n)
{
  if (!n || n->type != XML_ELEMENT_NODE) return NULL;
  if (!n->parent || n->parent->type != XML_ELEMENT_NODE) return xmlStrEqual(n->name, (const xmlChar *)"case") ? &SV_CASE : NULL;
  const sv_spec *p = sv_xml_spec(n->parent);
  return p ? sv_spec_kid(p, (const char *)n->name) : NULL;
}

char *sv_xml_text(xmlNodePtr n)
{
  xmlChar *t = xmlNodeGetContent(n);
  if (!t) return strdup("");
  /* collapse white space as xs:token does */
  char *out = malloc(strlen((char *)t) + 1);
  size_t k = 0;
  bool space = false;
  for (const char *p = (const char *)t; out && *p; p++) {
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') space = k > 0;
    else {
      if (space) out[k++] = ' ';
      space = false;
      out[k++] = *p;
    }
  }
  if (out) out[k] = 0;
  xmlFree(t);
  return out;
}

/* XML 1.0 text: valid UTF-8 without C0 controls (other than tab and
 * newline); anything else becomes a space or U+FFFD, so that no value from
 * any form or file can make a case file that does not parse */
static char *xml_safe(const char *s)
{
  size_t n = strlen(s);
  char *out = malloc(3 * n + 1);
  if (!out) return NULL;
  size_t k = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    if (*p < 0x80) {
      out[k++] = (*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7F ? ' ' : (char)*p;
      p++;
      continue;
    }
    size_t len = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC2 ? 2 : 0;
    bool ok = len && *p <= 0xF4;
    for (size_t i = 1; ok && i < len; i++) ok = (p[i] & 0xC0) == 0x80;
    if (ok && ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0) || (p[0] == 0xF0 && p[1] < 0x90) ||
               (p[0] == 0xF4 && p[1] >= 0x90) || (p[0] == 0xEF && p[1] == 0xBF && p[2] >= 0xBE)))
      ok = false;
    if (ok) {
      memcpy(out + k, p, len);
      k += len;
      p += len;
    } else {
      memcpy(out + k, "\xEF\xBF\xBD", 3);
      k += 3;
      p++;
    }
  }
  out[k] = 0;
  return out;
}

void sv_xml_set_text(xmlNodePtr n, const char *text)
{
  xmlNodePtr k = n->children, next;
  for (; k; k = next) {
    next = k->next;
    if (k->type == XML_TEXT_NODE || k->type == XML_CDATA_SECTION_NODE) {
      xmlUnlinkNode(k);
      xmlFreeNode(k);
    }
  }
  char *safe = xml_safe(text ? text : "");
  xmlNodePtr t = safe ? xmlNewDocText(n->doc, (const xmlChar *)safe) : NULL;
  free(safe);
  if (!t) return;
  if (n->children) xmlAddPrevSibling(n->children, t);
  else xmlAddChild(n, t);
}
