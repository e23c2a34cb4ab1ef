/* case: libxml2's schema-validation messages rewritten in plain words:
 * "Element '{ns}x', attribute 'a': [facet 'enumeration'] The value 'V' is not
 * an element of the set {...}" becomes "a=\"V\" is not one of the allowed
 * values: ...", with the element kept apart as the diagnostic's field. */
#include "case_int.h"
#include <stdio.h>
#include <string.h>


typedef struct verr {
  char elem[64], attr[64];
  const char *rest;
} verr;

static void chomp(char *s)
{
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '.')) s[--n] = '\0';
}

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

void sd_case_schema_message(const char *raw, const xmlNode *node, sd_schema_msg *m)
{
  char msg[768];
  snprintf(msg, sizeof msg, "%s", raw ? raw : "invalid");
  chomp(msg);
  verr v;
  split_message(msg, &v);
  snprintf(m->elem, sizeof m->elem, "%s", v.elem);
  snprintf(m->attr, sizeof m->attr, "%s", v.attr);
  m->facet = strstr(v.rest, "[facet '") != NULL;
  m->type_error = strstr(v.rest, "is not a valid value of the") != NULL;
  plain_message(&v, node, m->text, sizeof m->text);
}
