/* case: parse a case file safely with libxml2 and validate it against the XSD.
 *
 * Hostile input is normal input. The parser never loads a DTD, an external
 * entity or anything from the network: a DOCTYPE is rejected as soon as it is
 * seen (that closes XXE, billion laughs and quadratic blow-up at once), so only
 * the five predefined entities and character references remain. Input must be
 * UTF-8 without NUL bytes, is bounded in size and depth, and every message
 * names file:line:column and the element. Errors go to per-context handlers:
 * libxml2's global and thread-local handlers are never touched. The caller
 * (the engine) calls xmlInitParser() once. The tree is built by case_tree.c.
 */
#include "case_int.h"
#include "fileio.h"
#include <errno.h>
#include <fcntl.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlschemas.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

SD_API const sd_limits SD_LIMITS_DEFAULT = {
  .max_file_bytes = 16u << 20,
  .max_image_bytes = 8u << 20,
  .max_image_pixels = 40000000u,
  .max_depth = 64,
};

/* libxml2 2.9's duplicate-attribute check is quadratic in an element's
 * attributes (100,000 on one element took 21 s); case elements have at most
 * a handful, so more than this is refused before libxml2 sees them. */
#define MAX_ATTRS_PER_ELEMENT 256

/* Messages past this many schema errors add nothing a reader can act on. */
#define MAX_SCHEMA_ERRORS 50

struct sd_schema {
  xmlDocPtr doc; /* the schema keeps pointers into its document */
  xmlSchemaPtr xs;
};

typedef struct parse_state {
  const unsigned char *buf;
  size_t len;
  const char *name;
  const sd_limits *lim;
  sd_diags *d;
  const char *err_code;   /* code for parser errors ("case.xml", "case.xsd") */
  sd_status st;           /* first failure */
  bool stopped;           /* we halted the parser; our diagnostic explains why */
  unsigned depth;
  /* running position, so that computing every start tag's column is O(n) overall */
  size_t at_off;
  int at_line, at_col;
  sd_case_pos *pos;
  size_t n_pos, cap_pos;
  /* schema errors */
  int n_schema_errors;
  const xmlNode *facet_node; /* a facet error was reported for this node... */
  char facet_attr[64];       /* ...and attribute: skip the generic one after it */
} parse_state;

static void fail(parse_state *ps, sd_status st)
{
  if (ps->st == SD_OK) ps->st = st;
}

/* ---- positions ---- */

/* Line and column (1-based, in code points) of byte offset off. */
static sd_case_pos pos_at(parse_state *ps, size_t off)
{
  if (off > ps->len) off = ps->len;
  if (off < ps->at_off) { /* never expected: start tags come in document order */
    ps->at_off = 0;
    ps->at_line = 1;
    ps->at_col = 1;
  }
  const unsigned char *b = ps->buf;
  for (size_t i = ps->at_off; i < off; i++) {
    if (b[i] == '\n' || (b[i] == '\r' && (i + 1 >= ps->len || b[i + 1] != '\n'))) {
      ps->at_line++;
      ps->at_col = 1;
    } else if ((b[i] & 0xC0) != 0x80) {
      ps->at_col++;
    }
  }
  ps->at_off = off;
  return (sd_case_pos){ ps->at_line, ps->at_col };
}

/* Byte offset in our buffer of the parser's current position; only
 * meaningful while reading the document itself (no entity inputs, which
 * cannot exist without a DTD). */
static size_t cur_offset(const xmlParserCtxt *ctxt, const parse_state *ps)
{
  const xmlParserInput *in = ctxt->input;
  if (!in || !in->cur || !in->base || ctxt->inputNr != 1) return ps->len;
  size_t off = (size_t)(in->cur - in->base) + (size_t)in->consumed;
  return off > ps->len ? ps->len : off;
}

sd_case_pos sd_case_node_pos(const sd_case_src *src, const xmlNode *n)
{
  if (n && n->type == XML_ATTRIBUTE_NODE) n = n->parent;
  if (!n || !src) return (sd_case_pos){ 0, 0 };
  uintptr_t i = (uintptr_t)n->_private;
  if (i >= 1 && i <= src->n_pos) return src->pos[i - 1];
  return (sd_case_pos){ n->line, 0 };
}

/* ---- checks before libxml2 sees the bytes ---- */

static size_t utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
  unsigned char c = s[0];
  size_t k;
  uint32_t v, min;
  if (c < 0x80) { *cp = c; return 1; }
  if (c >= 0xC2 && c <= 0xDF) { k = 2; v = c & 0x1F; min = 0x80; }
  else if (c >= 0xE0 && c <= 0xEF) { k = 3; v = c & 0x0F; min = 0x800; }
  else if (c >= 0xF0 && c <= 0xF4) { k = 4; v = c & 0x07; min = 0x10000; }
  else return 0;
  if (n < k) return 0;
  for (size_t i = 1; i < k; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (s[i] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return k;
}

/* Offset just past the first occurrence of end (len m) at or after i; n if none. */
static size_t skip_past(const unsigned char *b, size_t n, size_t i, const char *end, size_t m)
{
  for (; i + m <= n; i++)
    if (memcmp(b + i, end, m) == 0) return i + m;
  return n;
}

/* Refuses an element with more than MAX_ATTRS_PER_ELEMENT attributes, at its
 * line and column, before libxml2 parses it. One pass: comments, CDATA,
 * processing instructions and declarations are skipped, and '=' is counted
 * only outside quoted values. */
static sd_status count_attributes(parse_state *ps)
{
  const unsigned char *b = ps->buf;
  size_t n = ps->len;
  sd_status st = SD_OK;
  ps->at_off = 0;
  ps->at_line = 1;
  ps->at_col = 1;
  for (size_t i = 0; i < n && st == SD_OK;) {
    if (b[i] != '<') { i++; continue; }
    if (i + 4 <= n && memcmp(b + i, "<!--", 4) == 0) { i = skip_past(b, n, i + 4, "-->", 3); continue; }
    if (i + 9 <= n && memcmp(b + i, "<![CDATA[", 9) == 0) { i = skip_past(b, n, i + 9, "]]>", 3); continue; }
    if (i + 1 < n && b[i + 1] == '?') { i = skip_past(b, n, i + 2, "?>", 2); continue; }
    if (i + 1 < n && (b[i + 1] == '!' || b[i + 1] == '/')) { i = skip_past(b, n, i + 2, ">", 1); continue; }
    size_t tag = i++, attrs = 0;
    unsigned char quote = 0;
    for (; i < n; i++) {
      if (quote) { if (b[i] == quote) quote = 0; continue; }
      if (b[i] == '"' || b[i] == '\'') quote = b[i];
      else if (b[i] == '=') attrs++;
      else if (b[i] == '>' || b[i] == '<') break;
    }
    if (attrs > MAX_ATTRS_PER_ELEMENT) {
      size_t name_len = 0;
      while (tag + 1 + name_len < n && name_len < 64 && !strchr(" \t\r\n/>", b[tag + 1 + name_len])) name_len++;
      char name[65];
      memcpy(name, b + tag + 1, name_len);
      name[name_len] = '\0';
      sd_case_pos p = pos_at(ps, tag);
      sd_diag_error(ps->d, "case.limit", ps->name, p.line, p.col, name,
                    "an element has %zu attributes; case elements have a few, and more than %d are refused",
                    attrs, MAX_ATTRS_PER_ELEMENT);
      st = SD_E_LIMIT;
    }
  }
  ps->at_off = 0;
  ps->at_line = 1;
  ps->at_col = 1;
  return st;
}

/* UTF-8 only: a declared or detected other encoding, a NUL byte, a broken
 * sequence or a control character stops here with its line and column. */
static sd_status prescan(parse_state *ps)
{
  const unsigned char *b = ps->buf;
  size_t n = ps->len;
  if (n == 0) {
    sd_diag_error(ps->d, "case.xml", ps->name, 0, 0, NULL, "the case file is empty");
    return SD_E_INPUT;
  }
  /* UTF-16 with a byte order mark was converted before this (see
   * from_utf16); XML 1.0 (4.3.3) requires the mark on UTF-16, and requires
   * no processor to read UTF-32 */
  if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF) ||
                 (b[0] == 0 && b[1] == '<') || (b[0] == '<' && b[1] == 0))) {
    sd_diag_error(ps->d, "case.encoding", ps->name, 1, 1, NULL,
                  "the case file is UTF-32, or UTF-16 without a byte order mark; save it as UTF-8");
    return SD_E_INPUT;
  }
  size_t start = (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) ? 3 : 0;
  /* <?xml version="1.0" encoding="..."?>: only UTF-8 is accepted */
  if (n - start > 5 && memcmp(b + start, "<?xml", 5) == 0) {
    size_t end = start + 5;
    while (end < n && end < start + 200 && b[end] != '>') end++;
    const char *enc = NULL;
    for (size_t i = start + 5; i + 8 < end; i++)
      if (memcmp(b + i, "encoding", 8) == 0) { enc = (const char *)b + i + 8; break; }
    if (enc) {
      const char *e = enc, *lim = (const char *)b + end;
      while (e < lim && (*e == ' ' || *e == '=' || *e == '\t' || *e == '\r' || *e == '\n')) e++;
      if (e < lim && (*e == '"' || *e == '\'')) {
        char q = *e++;
        const char *v = e;
        while (e < lim && *e != q) e++;
        size_t vl = (size_t)(e - v);
        if (!((vl == 5 && strncasecmp(v, "UTF-8", 5) == 0) || (vl == 4 && strncasecmp(v, "UTF8", 4) == 0))) {
          sd_diag_error(ps->d, "case.encoding", ps->name, 1, (int)(v - (const char *)b) + 1, NULL,
                        "the case file declares encoding \"%.*s\"; case files must be UTF-8",
                        (int)(vl > 40 ? 40 : vl), v);
          return SD_E_INPUT;
        }
      }
    }
  }
  int line = 1, col = 1;
  for (size_t i = start; i < n;) {
    uint32_t cp = 0;
    size_t k = b[i] ? utf8_len(b + i, n - i, &cp) : 0;
    if (b[i] == 0) {
      sd_diag_error(ps->d, "case.encoding", ps->name, line, col, NULL,
                    "NUL byte in the case file (is it really a text file?)");
      return SD_E_INPUT;
    }
    if (k == 0) {
      sd_diag_error(ps->d, "case.encoding", ps->name, line, col, NULL,
                    "invalid UTF-8 (byte 0x%02X); save the case file as UTF-8", b[i]);
      return SD_E_INPUT;
    }
    if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF) {
      sd_diag_error(ps->d, "case.xml", ps->name, line, col, NULL,
                    "control character U+%04X is not allowed in XML", (unsigned)cp);
      return SD_E_INPUT;
    }
    if (cp == '\n' || (cp == '\r' && (i + 1 >= n || b[i + 1] != '\n'))) {
      line++;
      col = 1;
    } else {
      col++;
    }
    i += k;
  }
  return count_attributes(ps);
}

/* ---- SAX hooks (this context only) ---- */

static void stop(xmlParserCtxtPtr ctxt, parse_state *ps, sd_status st)
{
  ps->stopped = true;
  fail(ps, st);
  xmlStopParser(ctxt);
}

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                     int nb_ns, const xmlChar **ns, int nb_attrs, int nb_def, const xmlChar **attrs)
{
  xmlParserCtxtPtr ctxt = ctx;
  parse_state *ps = ctxt->_private;
  if (ps->stopped) return;
  /* the parser stands at the end of the start tag; its '<' is the last one
   * before (attribute values cannot hold a literal '<') */
  size_t off = cur_offset(ctxt, ps);
  if (off >= ps->len) off = ps->len - 1; /* at end of input (prescan: len > 0) */
  while (off > 0 && ps->buf[off] != '<') off--;
  sd_case_pos p = pos_at(ps, off);
  if (++ps->depth > ps->lim->max_depth) {
    sd_diag_error(ps->d, "case.limit", ps->name, p.line, p.col, (const char *)localname,
                  "elements are nested more than %u deep", ps->lim->max_depth);
    stop(ctxt, ps, SD_E_LIMIT);
    return;
  }
  if (ps->n_pos == ps->cap_pos) {
    size_t cap = ps->cap_pos ? ps->cap_pos * 2 : 256;
    sd_case_pos *np = realloc(ps->pos, cap * sizeof *np);
    if (!np) {
      sd_diag_error(ps->d, "case.limit", ps->name, p.line, p.col, NULL, "out of memory");
      stop(ctxt, ps, SD_E_NOMEM);
      return;
    }
    ps->pos = np;
    ps->cap_pos = cap;
  }
  ps->pos[ps->n_pos++] = p;
  xmlNodePtr parent = ctxt->node;
  xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_ns, ns, nb_attrs, nb_def, attrs);
  if (ctxt->node && ctxt->node != parent) ctxt->node->_private = (void *)(uintptr_t)ps->n_pos;
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
  xmlParserCtxtPtr ctxt = ctx;
  parse_state *ps = ctxt->_private;
  if (ps->stopped) return;
  if (ps->depth) ps->depth--;
  xmlSAX2EndElementNs(ctx, localname, prefix, uri);
}

/* Case files have no DTD: refuse the DOCTYPE before its internal subset is
 * read, so no entity is ever declared, expanded or fetched. */
static void on_doctype(void *ctx, const xmlChar *name, const xmlChar *ext_id, const xmlChar *sys_id)
{
  xmlParserCtxtPtr ctxt = ctx;
  parse_state *ps = ctxt->_private;
  size_t off = cur_offset(ctxt, ps);
  if (off >= ps->len) off = ps->len - 1;
  while (off > 0 && !(ps->buf[off] == '<' && off + 2 <= ps->len && ps->buf[off + 1] == '!')) off--;
  sd_case_pos p = pos_at(ps, off);
  sd_diag_error(ps->d, "case.doctype", ps->name, p.line, p.col, NULL,
                "a DOCTYPE is not allowed in case data (case files have no DTD and no entities); "
                "remove the <!DOCTYPE ...> declaration");
  stop(ctxt, ps, SD_E_INPUT);
}

static xmlParserInputPtr no_entities(void *ctx, const xmlChar *public_id, const xmlChar *system_id)
{
  return NULL;
}

static void chomp(char *s)
{
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '.')) s[--n] = '\0';
}

/* Well-formedness errors: the first one is reported (later ones are mostly
 * echoes of it), in plain words where libxml2's are obscure. */
static void on_parse_error(void *ctx, xmlErrorPtr e)
{
  xmlParserCtxtPtr ctxt = ctx;
  parse_state *ps = ctxt ? ctxt->_private : NULL;
  if (!ps || !e || ps->stopped) return;
  if (e->level == XML_ERR_WARNING) return; /* e.g. relative namespace URIs: nothing to fix */
  if (ps->st != SD_OK) return;
  char msg[512];
  snprintf(msg, sizeof msg, "%s", e->message ? e->message : "not well-formed XML");
  chomp(msg);
  const char *code = ps->err_code;
  sd_status st = SD_E_INPUT;
  const char *field = NULL;
  if (strstr(msg, "Excessive depth") || strstr(msg, "huge") || strstr(msg, "Huge")) {
    code = "case.limit";
    st = SD_E_LIMIT;
  }
  switch (e->code) {
  case XML_ERR_TAG_NAME_MISMATCH:
    if (e->str1 && e->str2) {
      snprintf(msg, sizeof msg, "</%s> does not close <%s> (opened on line %d)", e->str2, e->str1, e->int1);
      field = e->str2;
    }
    break;
  case XML_ERR_TAG_NOT_FINISHED:
    if (e->str1) {
      snprintf(msg, sizeof msg, "<%s> (opened on line %d) is never closed", e->str1, e->int1);
      field = e->str1;
    }
    break;
  case XML_ERR_DOCUMENT_EMPTY:
    snprintf(msg, sizeof msg, "the case file has no XML content");
    break;
  case XML_ERR_UNDECLARED_ENTITY:
  case XML_WAR_UNDECLARED_ENTITY:
    if (e->str1) snprintf(msg, sizeof msg, "&%s; is not a known entity (write a literal & as &amp;)", e->str1);
    break;
  default:
    if (code == ps->err_code) sd_case_xml_message(e->message, e->str1, msg, sizeof msg);
    break;
  }
  sd_diag_error(ps->d, code, ps->name, e->line, e->int2 > 0 ? e->int2 : 0, field, "%s", msg);
  fail(ps, st);
}

/* Parses buf into a document with our hooks; positions go into ps. */
static xmlDocPtr safe_parse(parse_state *ps)
{
  if (ps->len > (size_t)INT32_MAX) {
    sd_diag_error(ps->d, "case.limit", ps->name, 0, 0, NULL, "the file is too large");
    fail(ps, SD_E_LIMIT);
    return NULL;
  }
  xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt((const char *)ps->buf, (int)ps->len);
  if (!ctxt) {
    sd_diag_error(ps->d, ps->err_code, ps->name, 0, 0, NULL, "out of memory");
    fail(ps, SD_E_NOMEM);
    return NULL;
  }
  /* no NOENT, DTDLOAD, DTDATTR, XINCLUDE or HUGE: libxml2's own limits stay on */
  xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA);
  ctxt->_private = ps;
  ctxt->sax->serror = on_parse_error;
  ctxt->sax->startElementNs = on_start;
  ctxt->sax->endElementNs = on_end;
  ctxt->sax->internalSubset = on_doctype;
  ctxt->sax->externalSubset = NULL;
  ctxt->sax->resolveEntity = no_entities;
  ps->at_off = 0;
  ps->at_line = 1;
  ps->at_col = 1;
  xmlParseDocument(ctxt);
  xmlDocPtr doc = ctxt->myDoc;
  ctxt->myDoc = NULL;
  if (ps->st == SD_OK && (!ctxt->wellFormed || !doc || !xmlDocGetRootElement(doc))) {
    sd_diag_error(ps->d, ps->err_code, ps->name, 0, 0, NULL, "not well-formed XML");
    fail(ps, SD_E_INPUT);
  }
  xmlFreeParserCtxt(ctxt);
  if (ps->st != SD_OK) {
    xmlFreeDoc(doc);
    return NULL;
  }
  return doc;
}

/* ---- schema ---- */

static void on_xsd_error(void *ctx, xmlErrorPtr e)
{
  parse_state *ps = ctx;
  if (!e || e->level == XML_ERR_WARNING) return;
  char msg[512];
  snprintf(msg, sizeof msg, "%s", e->message ? e->message : "invalid schema");
  chomp(msg);
  sd_diag_error(ps->d, "case.xsd", ps->name, e->line, 0, NULL, "%s", msg);
  fail(ps, SD_E_RESOURCE);
}

static bool has_external_refs(const xmlNode *n)
{
  for (; n; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (n->ns && xmlStrEqual(n->ns->href, BAD_CAST "http://www.w3.org/2001/XMLSchema") &&
        (xmlStrEqual(n->name, BAD_CAST "import") || xmlStrEqual(n->name, BAD_CAST "include") ||
         xmlStrEqual(n->name, BAD_CAST "redefine")))
      return true;
  }
  return false;
}

static sd_status read_bounded(const char *path, size_t max, unsigned char **out, size_t *out_len,
                              const char *code, sd_diags *d);

sd_status sd_schema_load(const char *xsd_path, sd_schema **out, sd_diags *d)
{
  if (!xsd_path || !out) return SD_E_USAGE;
  *out = NULL;
  unsigned char *buf = NULL;
  size_t len = 0;
  sd_status st = read_bounded(xsd_path, 4u << 20, &buf, &len, "case.xsd", d);
  if (st != SD_OK) return st == SD_E_IO ? SD_E_RESOURCE : st;
  sd_limits lim = SD_LIMITS_DEFAULT;
  parse_state ps = { .buf = buf, .len = len, .name = xsd_path, .lim = &lim, .d = d, .err_code = "case.xsd" };
  xmlSchemaParserCtxtPtr pc = NULL;
  sd_schema *s = calloc(1, sizeof *s);
  if (!s) { st = SD_E_NOMEM; goto done; }
  if (prescan(&ps) != SD_OK || !(s->doc = safe_parse(&ps))) { st = SD_E_RESOURCE; goto done; }
  xmlNodePtr root = xmlDocGetRootElement(s->doc);
  /* Loading must never reach another file or the network: case.xsd is self-contained. */
  if (has_external_refs(root ? root->children : NULL)) {
    sd_diag_error(d, "case.xsd", xsd_path, 0, 0, NULL, "the schema must not import or include other files");
    st = SD_E_RESOURCE;
    goto done;
  }
  pc = xmlSchemaNewDocParserCtxt(s->doc);
  if (!pc) { st = SD_E_NOMEM; goto done; }
  xmlSchemaSetParserStructuredErrors(pc, on_xsd_error, &ps);
  s->xs = xmlSchemaParse(pc);
  if (!s->xs || ps.st != SD_OK) {
    if (ps.st == SD_OK) sd_diag_error(d, "case.xsd", xsd_path, 0, 0, NULL, "the schema could not be compiled");
    st = SD_E_RESOURCE;
    goto done;
  }
  *out = s;
  s = NULL;
done:
  xmlSchemaFreeParserCtxt(pc);
  sd_schema_free(s);
  free(ps.pos);
  free(buf);
  return st;
}

void sd_schema_free(sd_schema *s)
{
  if (!s) return;
  if (s->xs) xmlSchemaFree(s->xs);
  if (s->doc) xmlFreeDoc(s->doc);
  free(s);
}

typedef struct vstate {
  const sd_case_src *src;
  parse_state *ps;
} vstate;

static void on_schema_error(void *ctx, xmlErrorPtr e)
{
  const sd_case_src *src = ((vstate *)ctx)->src;
  parse_state *ps = ((vstate *)ctx)->ps;
  if (!e || e->level == XML_ERR_WARNING) return;
  fail(ps, SD_E_INPUT);
  const xmlNode *node = e->node;
  sd_schema_msg m;
  sd_case_schema_message(e->message, node, &m);
  /* a facet error is followed by "'x' is not a valid value of the ... type": say it once */
  if (!m.facet && m.type_error && node && node == ps->facet_node && strcmp(m.attr, ps->facet_attr) == 0) return;
  if (m.facet) {
    ps->facet_node = node;
    snprintf(ps->facet_attr, sizeof ps->facet_attr, "%s", m.attr);
  }
  if (++ps->n_schema_errors > MAX_SCHEMA_ERRORS) {
    if (ps->n_schema_errors == MAX_SCHEMA_ERRORS + 1)
      sd_diag_add(ps->d, SD_SEV_NOTE, "case.schema", ps->name, 0, 0, NULL,
                  "more than %d schema errors; the rest are not shown", MAX_SCHEMA_ERRORS);
    return;
  }
  sd_case_pos p = sd_case_node_pos(src, node);
  if (!node) p.line = e->line;
  const char *field = m.elem[0] ? m.elem : (node && node->name ? (const char *)node->name : NULL);
  sd_diag_error(ps->d, "case.schema", ps->name, p.line, p.col, field, "%s", m.text);
}

/* ---- UTF-16 ---- */

static size_t put_utf8(unsigned char *o, uint32_t cp)
{
  if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
  if (cp < 0x800) { o[0] = (unsigned char)(0xC0 | cp >> 6); o[1] = (unsigned char)(0x80 | (cp & 0x3F)); return 2; }
  if (cp < 0x10000) {
    o[0] = (unsigned char)(0xE0 | cp >> 12); o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (unsigned char)(0xF0 | cp >> 18); o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
  o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F)); o[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

/* XML 1.0 (4.3.3): every processor reads UTF-16, which starts with a byte
 * order mark. Such a file is converted to UTF-8 before anything else looks at
 * it; lines and columns count code points, so every position stays right. Its
 * declaration's encoding="UTF-16" is blanked (same length), so libxml2 reads
 * the copy as the UTF-8 it is. SD_OK with *out NULL: not UTF-16. */
static sd_status from_utf16(const unsigned char *b, size_t n, const char *name, unsigned char **out,
                            size_t *out_len, sd_diags *d)
{
  *out = NULL;
  int be = n >= 2 && b[0] == 0xFE && b[1] == 0xFF;
  int le = n >= 2 && b[0] == 0xFF && b[1] == 0xFE && !(n >= 4 && b[2] == 0 && b[3] == 0); /* not UTF-32LE */
  if (!be && !le) return SD_OK;
  if (n % 2) {
    sd_diag_error(d, "case.encoding", name, 0, 0, NULL, "the UTF-16 case file has an odd number of bytes");
    return SD_E_INPUT;
  }
  unsigned char *o = malloc((n - 2) / 2 * 3 + 1);
  if (!o) return SD_E_NOMEM;
  size_t k = 0;
  int line = 1, col = 1;
  for (size_t i = 2; i < n; i += 2) {
    uint32_t u = be ? (uint32_t)b[i] << 8 | b[i + 1] : (uint32_t)b[i + 1] << 8 | b[i];
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < n) {
      uint32_t v = be ? (uint32_t)b[i + 2] << 8 | b[i + 3] : (uint32_t)b[i + 3] << 8 | b[i + 2];
      if (v >= 0xDC00 && v <= 0xDFFF) {
        u = 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00);
        i += 2;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF) {
      sd_diag_error(d, "case.encoding", name, line, col, NULL,
                    "a lone UTF-16 surrogate (0x%04X); save the case file as UTF-8", (unsigned)u);
      free(o);
      return SD_E_INPUT;
    }
    if (u == '\n') { line++; col = 1; }
    else col++;
    k += put_utf8(o + k, u);
  }
  o[k] = '\0';
  if (k > 5 && memcmp(o, "<?xml", 5) == 0) {
    unsigned char *end = memchr(o, '>', k < 200 ? k : 200);
    unsigned char *enc = NULL;
    for (unsigned char *q = o; end && !enc && q + 8 <= end; q++)
      if (memcmp(q, "encoding", 8) == 0) enc = q;
    if (enc) {
      unsigned char *q = enc + 8;
      while (q < end && (*q == ' ' || *q == '=' || *q == '\t' || *q == '\r' || *q == '\n')) q++;
      if (q < end && (*q == '"' || *q == '\'')) {
        unsigned char *close = memchr(q + 1, *q, (size_t)(end - q - 1));
        size_t vl = close ? (size_t)(close - q - 1) : 0;
        if (close && vl >= 6 && vl <= 8 && strncasecmp((const char *)q + 1, "UTF-16", 6) == 0) {
          memset(enc, ' ', (size_t)(close + 1 - enc));
        } else if (close) {
          /* XML 1.0 4.3.3: an entity in another encoding than its
           * declaration names is a fatal error */
          sd_diag_error(d, "case.encoding", name, 1, (int)(q - o) + 2, NULL,
                        "the case file is UTF-16 but declares encoding \"%.*s\"; save it as UTF-8, "
                        "or declare UTF-16", (int)(vl > 40 ? 40 : vl), (const char *)q + 1);
          free(o);
          return SD_E_INPUT;
        }
      }
    }
  }
  *out = o;
  *out_len = k;
  return SD_OK;
}

/* ---- entry points ---- */

sd_status sd_case_parse(const sd_schema *schema, const void *data, size_t len, const char *name,
                        const char *base_dir, const sd_limits *lim, sd_case **out, sd_diags *d)
{
  if (!out) return SD_E_USAGE;
  *out = NULL;
  if (!schema || (!data && len)) return SD_E_USAGE;
  if (!lim) lim = &SD_LIMITS_DEFAULT;
  if (!name) name = "<memory>";
  if (len > lim->max_file_bytes) {
    sd_diag_error(d, "case.limit", name, 1, 1, NULL,
                  "the case file is %zu bytes; the limit is %zu", len, lim->max_file_bytes);
    return SD_E_LIMIT;
  }
  unsigned char *utf8 = NULL;
  size_t utf8_len_ = 0;
  sd_status st = from_utf16(data, len, name, &utf8, &utf8_len_, d);
  if (st != SD_OK) return st;
  parse_state ps = { .buf = utf8 ? utf8 : data, .len = utf8 ? utf8_len_ : len, .name = name, .lim = lim, .d = d,
                     .err_code = "case.xml" };
  xmlDocPtr doc = NULL;
  xmlSchemaValidCtxtPtr vc = NULL;
  sd_case *c = NULL;
  st = prescan(&ps);
  if (st != SD_OK) goto done;
  doc = safe_parse(&ps);
  if (!doc) { st = ps.st; goto done; }

  sd_case_src src = { .file = name, .pos = ps.pos, .n_pos = ps.n_pos };
  vc = xmlSchemaNewValidCtxt(schema->xs);
  if (!vc) { st = SD_E_NOMEM; goto done; }
  vstate vs = { &src, &ps };
  xmlSchemaSetValidStructuredErrors(vc, on_schema_error, &vs);
  int r = xmlSchemaValidateDoc(vc, doc);
  if (r != 0 || ps.st != SD_OK) {
    if (ps.st == SD_OK) {
      sd_diag_error(d, "case.schema", name, 0, 0, NULL, "the case does not match the schema");
      fail(&ps, r < 0 ? SD_E_INTERNAL : SD_E_INPUT);
    }
    st = ps.st;
    goto done;
  }

  c = calloc(1, sizeof *c);
  if (!c) { st = SD_E_NOMEM; goto done; }
  c->arena = sd_arena_new();
  if (!c->arena) { st = SD_E_NOMEM; goto done; }
  c->file = sd_arena_strndup(c->arena, name, strlen(name));
  c->base_dir = base_dir ? sd_arena_strndup(c->arena, base_dir, strlen(base_dir)) : NULL;
  if (!c->file || (base_dir && !c->base_dir)) { st = SD_E_NOMEM; goto done; }
  st = sd_case_build(c, doc, &src, d);
  if (st == SD_OK) {
    *out = c;
    c = NULL;
  }
done:
  if (vc) xmlSchemaFreeValidCtxt(vc);
  xmlFreeDoc(doc);
  sd_case_free(c);
  free(ps.pos);
  free(utf8);
  return st;
}

/* Reads at most max bytes of a regular file: the size is checked before
 * reading and again while reading, in case the file grows. */
static sd_status read_bounded(const char *path, size_t max, unsigned char **out, size_t *out_len,
                              const char *code, sd_diags *d)
{
  sd_status st = SD_OK;
  unsigned char *buf = NULL;
  size_t n = 0;
  /* never blocks: a FIFO, device or socket is refused before any read */
  const char *why = NULL;
  int fd = sd_open_regular(path, &why);
  struct stat sb;
  if (fd < 0) {
    if (why) {
      sd_diag_error(d, code, path, 0, 0, NULL, "cannot read it: it is %s", why);
      return SD_E_INPUT;
    }
    sd_diag_error(d, code, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
    return SD_E_IO;
  }
  if (fstat(fd, &sb) != 0) {
    sd_diag_error(d, code, path, 0, 0, NULL, "cannot read: %s", strerror(errno));
    st = SD_E_IO;
    goto done;
  }
  if ((uint64_t)sb.st_size > max) {
    sd_diag_error(d, "case.limit", path, 1, 1, NULL, "the file is %lld bytes; the limit is %zu",
                  (long long)sb.st_size, max);
    st = SD_E_LIMIT;
    goto done;
  }
  size_t cap = (size_t)sb.st_size + 1;
  buf = malloc(cap + 1);
  if (!buf) { st = SD_E_NOMEM; goto done; }
  for (;;) {
    ssize_t k = read(fd, buf + n, cap - n);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) {
      sd_diag_error(d, code, path, 0, 0, NULL, "cannot read: %s", strerror(errno));
      st = SD_E_IO;
      goto done;
    }
    if (k == 0) break;
    n += (size_t)k;
    if (n > max) {
      sd_diag_error(d, "case.limit", path, 0, 0, NULL, "the file grew past the limit of %zu bytes", max);
      st = SD_E_LIMIT;
      goto done;
    }
    if (n == cap) {
      size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
      if (ncap <= cap) ncap = cap + 1;
      unsigned char *nb = realloc(buf, ncap + 1);
      if (!nb) { st = SD_E_NOMEM; goto done; }
      buf = nb;
      cap = ncap;
    }
  }
  buf[n] = '\0';
  *out = buf;
  *out_len = n;
  buf = NULL;
done:
  free(buf);
  close(fd);
  return st;
}

sd_status sd_case_parse_file(const sd_schema *schema, const char *path, const sd_limits *lim,
                             sd_case **out, sd_diags *d)
{
  if (!out) return SD_E_USAGE;
  *out = NULL;
  if (!schema || !path) return SD_E_USAGE;
  if (!lim) lim = &SD_LIMITS_DEFAULT;
  unsigned char *buf = NULL;
  size_t len = 0;
  sd_status st = read_bounded(path, lim->max_file_bytes, &buf, &len, "case.io", d);
  if (st != SD_OK) return st;
  const char *slash = strrchr(path, '/');
  char *dir = slash ? sd_strndup(path, slash == path ? 1 : (size_t)(slash - path)) : sd_strdup(".");
  if (!dir) st = SD_E_NOMEM;
  else st = sd_case_parse(schema, buf, len, path, dir, lim, out, d);
  free(dir);
  free(buf);
  return st;
}

SD_API void sd_case_free(sd_case *c)
{
  if (!c) return;
  sd_arena_free(c->arena);
  free(c);
}
