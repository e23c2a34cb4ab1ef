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
  if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF) ||
                 (b[0] == 0 && b[1] == '<') || (b[0] == '<' && b[1] == 0))) {
    sd_diag_error(ps->d, "case.encoding", ps->name, 1, 1, NULL,
                  "the case file is UTF-16 or UTF-32; save it as UTF-8");
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
  return SD_OK;
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
    if (msg[0] >= 'A' && msg[0] <= 'Z' && msg[1] >= 'a' && msg[1] <= 'z') msg[0] = (char)(msg[0] - 'A' + 'a');
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

/* ---- validation messages in plain English ---- */

typedef struct verr {
  char elem[64], attr[64];
  const char *rest;
} verr;

/* Splits "Element '{ns}x', attribute 'a': rest" into its parts. */
static void split_message(char *msg, verr *v)
{
  v->elem[0] = v->attr[0] = '\0';
  v->rest = msg;
  if (strncmp(msg, "Element '", 9) != 0) return;
  char *p = msg + 9, *q = strchr(p, '\'');
  if (!q) return;
  if (*p == '{') {
    char *r = strchr(p, '}');
    if (r && r < q) p = r + 1;
  }
  snprintf(v->elem, sizeof v->elem, "%.*s", (int)(q - p), p);
  p = q + 1;
  if (strncmp(p, ", attribute '", 13) == 0) {
    p += 13;
    q = strchr(p, '\'');
    if (!q) return;
    char *name = p;
    if (*name == '{') {
      char *r = strchr(name, '}');
      if (r && r < q) name = r + 1;
    }
    snprintf(v->attr, sizeof v->attr, "%.*s", (int)(q - name), name);
    p = q + 1;
  }
  if (*p == ':') p++;
  while (*p == ' ') p++;
  v->rest = p;
}

/* Copies the text between the first `open` after `key` and the next `close`. */
static bool between(const char *s, const char *key, char open, char close, char *out, size_t cap)
{
  const char *p = key ? strstr(s, key) : s;
  if (!p) return false;
  p = strchr(p + (key ? strlen(key) : 0), open);
  if (!p) return false;
  const char *q = strrchr(p + 1, close);
  if (open == '\'') q = strchr(p + 1, close);
  if (!q) return false;
  size_t n = (size_t)(q - p - 1);
  if (n >= cap) n = cap - 1;
  memcpy(out, p + 1, n);
  out[n] = '\0';
  return true;
}

/* "( a, b, ##other{x}* )" -> "<a> or <b>". skip: the element just before,
 * which libxml2 lists again when it may repeat (a translatable text); it is
 * left out when something else can come next. */
static void element_list(const char *list, const char *skip, char *out, size_t cap)
{
  size_t others = 0;
  for (const char *p = list; skip && *p;) {
    while (*p == ' ' || *p == ',' || *p == '(' || *p == ')') p++;
    const char *s = p;
    while (*p && *p != ',' && *p != ' ' && *p != ')') p++;
    if (p > s && *s != '#' && !((size_t)(p - s) == strlen(skip) && !memcmp(s, skip, (size_t)(p - s)))) others++;
  }
  if (!others) skip = NULL;
  size_t o = 0;
  out[0] = '\0';
  const char *p = list;
  int count = 0;
  while (*p && o + 8 < cap) {
    while (*p == ' ' || *p == ',' || *p == '(' || *p == ')') p++;
    const char *s = p;
    while (*p && *p != ',' && *p != ' ' && *p != ')') p++;
    if (p == s) break;
    if (*s == '#') continue;
    if (skip && (size_t)(p - s) == strlen(skip) && !memcmp(s, skip, (size_t)(p - s))) continue;
    if (*s == '{') {
      const char *r = memchr(s, '}', (size_t)(p - s));
      if (r) s = r + 1;
    }
    int n = snprintf(out + o, cap - o, "%s<%.*s>", count ? " or " : "", (int)(p - s), s);
    if (n < 0 || (size_t)n >= cap - o) break;
    o += (size_t)n;
    count++;
  }
}

static const char *pattern_hint(const char *pattern)
{
  if (strncmp(pattern, "[a-z]{2,3}", 10) == 0) return "is not a language tag such as \"ur\", \"pa-Arab\" or \"en-GB\"";
  if (strncmp(pattern, "[A-Za-z][A-Za-z0-9_-]", 21) == 0)
    return "is not a valid id (a letter, then up to 63 letters, digits, \"-\" or \"_\")";
  if (strncmp(pattern, "[^@", 3) == 0) return "is not an email address";
  if (strncmp(pattern, "\\+?[0-9]", 8) == 0) return "is not a phone number";
  if (strncmp(pattern, "[0-9]{4}-", 9) == 0) return "is not a date in the form YYYY-MM-DD";
  if (strncmp(pattern, "[0-9]{2}:", 9) == 0) return "is not a time in the form HH:MM:SS";
  return "is not in the expected form";
}

static const char *type_hint(const char *type)
{
  if (!strcmp(type, "date") || !strcmp(type, "xs:date")) return "is not a valid date (YYYY-MM-DD)";
  if (!strcmp(type, "time") || !strcmp(type, "xs:time")) return "is not a valid time (HH:MM:SS)";
  if (!strcmp(type, "xs:boolean")) return "is not true or false";
  return "is not a valid value here";
}

/* Name of the element at or before n (n and its previous siblings). */
static const char *last_element_name(const xmlNode *n)
{
  while (n && n->type != XML_ELEMENT_NODE) n = n->prev;
  return n ? (const char *)n->name : NULL;
}

/* The subject of a value error: type="XYZ" for an attribute, "XYZ" for text. */
static const char *subject(const verr *v, const char *value, char *val, size_t vcap, char *out, size_t cap)
{
  sd_case_clip(value, 60, val, vcap);
  if (v->attr[0]) snprintf(out, cap, "%s=\"%s\"", v->attr, val);
  else snprintf(out, cap, "\"%s\"", val);
  return out;
}

/* Rewrites one libxml2 schema message into plain words. */
static void plain_message(const verr *v, const xmlNode *node, char *out, size_t cap)
{
  const char *r = v->rest;
  char a[256], b[512], list[512], val[96];
  char subj[200];
#define SUBJ(value) subject(v, (value), val, sizeof val, subj, sizeof subj)

  if (strstr(r, "Missing child element(s)") && between(r, "Expected is", '(', ')', b, sizeof b)) {
    element_list(b, last_element_name(node ? node->last : NULL), list, sizeof list);
    snprintf(out, cap, "missing required element %s", list);
  } else if (strstr(r, "This element is not expected")) {
    if (between(r, "Expected is", '(', ')', b, sizeof b)) {
      element_list(b, last_element_name(node ? node->prev : NULL), list, sizeof list);
      snprintf(out, cap, "<%s> is not expected here; expected %s (elements must come in the order the schema gives)",
               v->elem, list);
    } else {
      snprintf(out, cap, "<%s> is not allowed here", v->elem);
    }
  } else if (strstr(r, "[facet 'enumeration']") && between(r, "The value", '\'', '\'', a, sizeof a) &&
             between(r, "set", '{', '}', b, sizeof b)) {
    size_t o = 0;
    for (const char *p = b; *p && o + 2 < sizeof list; p++)
      if (*p != '\'') list[o++] = *p;
    list[o] = '\0';
    snprintf(out, cap, "%s is not one of the allowed values: %s", SUBJ(a), list);
  } else if (strstr(r, "[facet 'pattern']") && between(r, "The value", '\'', '\'', a, sizeof a) &&
             between(r, "pattern", '\'', '\'', b, sizeof b)) {
    snprintf(out, cap, "%s %s", SUBJ(a), pattern_hint(b));
  } else if (strstr(r, "[facet 'minLength']")) {
    if (v->attr[0]) snprintf(out, cap, "attribute %s must not be empty", v->attr);
    else snprintf(out, cap, "<%s> must not be empty", v->elem);
  } else if (strstr(r, "is not a valid value of the") && between(r, NULL, '\'', '\'', a, sizeof a) &&
             between(r, "type", '\'', '\'', b, sizeof b)) {
    snprintf(out, cap, "%s %s", SUBJ(a), type_hint(b));
  } else if (strstr(r, "is required but missing") && between(r, "attribute", '\'', '\'', a, sizeof a)) {
    snprintf(out, cap, "missing required attribute %s", a);
  } else if (strstr(r, "is not allowed") && strncmp(r, "The attribute", 13) == 0 &&
             between(r, "attribute", '\'', '\'', a, sizeof a)) {
    snprintf(out, cap, "attribute %s is not allowed here", a);
  } else if (strstr(r, "fixed value constraint") && between(r, "The value", '\'', '\'', a, sizeof a) &&
             between(r, "constraint", '\'', '\'', b, sizeof b)) {
    snprintf(out, cap, "%s must be \"%s\"", SUBJ(a), b);
  } else if (strstr(r, "Character content other than whitespace is not allowed")) {
    snprintf(out, cap, "text is not allowed directly inside <%s>; it belongs in one of its child elements", v->elem);
  } else if (strstr(r, "Element content is not allowed") || strstr(r, "type definition is simple")) {
    snprintf(out, cap, "<%s> holds text only, not other elements", v->elem);
  } else if (strstr(r, "No matching global declaration available for the validation root")) {
    snprintf(out, cap, "the root element must be <case>, not <%s>", v->elem);
  } else {
    snprintf(out, cap, "%s", r);
  }
#undef SUBJ
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
  char msg[768];
  snprintf(msg, sizeof msg, "%s", e->message ? e->message : "invalid");
  chomp(msg);
  verr v;
  split_message(msg, &v);
  bool facet = strstr(v.rest, "[facet '") != NULL;
  /* a facet error is followed by "'x' is not a valid value of the ... type": say it once */
  if (!facet && node && node == ps->facet_node && strcmp(v.attr, ps->facet_attr) == 0 &&
      strstr(v.rest, "is not a valid value of the"))
    return;
  if (facet) {
    ps->facet_node = node;
    snprintf(ps->facet_attr, sizeof ps->facet_attr, "%s", v.attr);
  }
  if (++ps->n_schema_errors > MAX_SCHEMA_ERRORS) {
    if (ps->n_schema_errors == MAX_SCHEMA_ERRORS + 1)
      sd_diag_add(ps->d, SD_SEV_NOTE, "case.schema", ps->name, 0, 0, NULL,
                  "more than %d schema errors; the rest are not shown", MAX_SCHEMA_ERRORS);
    return;
  }
  char out[1024];
  plain_message(&v, node, out, sizeof out);
  sd_case_pos p = sd_case_node_pos(src, node);
  if (!node) p.line = e->line;
  const char *field = v.elem[0] ? v.elem : (node && node->name ? (const char *)node->name : NULL);
  sd_diag_error(ps->d, "case.schema", ps->name, p.line, p.col, field, "%s", out);
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
    sd_diag_error(d, "case.limit", name, 0, 0, NULL,
                  "the case file is %zu bytes; the limit is %zu", len, lim->max_file_bytes);
    return SD_E_LIMIT;
  }
  parse_state ps = { .buf = data, .len = len, .name = name, .lim = lim, .d = d, .err_code = "case.xml" };
  xmlDocPtr doc = NULL;
  xmlSchemaValidCtxtPtr vc = NULL;
  sd_case *c = NULL;
  sd_status st = prescan(&ps);
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
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat sb;
  if (fd < 0) {
    sd_diag_error(d, code, path, 0, 0, NULL, "cannot open: %s", strerror(errno));
    return SD_E_IO;
  }
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    sd_diag_error(d, code, path, 0, 0, NULL, "not a regular file");
    st = SD_E_IO;
    goto done;
  }
  if ((uint64_t)sb.st_size > max) {
    sd_diag_error(d, "case.limit", path, 0, 0, NULL, "the file is %lld bytes; the limit is %zu",
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
