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

static bool enum_guess(const char *value, const char *list, char *out, size_t cap);

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
    char meant[64];
    if (enum_guess(a, list, meant, sizeof meant))
      snprintf(out, cap, "%s is not one of the allowed values; did you mean \"%s\"? (allowed: %s)", SUBJ(a), meant,
               list);
    else
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

/* ---- well-formedness: libxml2's parser messages in plain words ---- */

typedef struct wf_rule {
  const char *has;  /* a piece of libxml2's message */
  const char *says; /* ours; %s is the name libxml2 gave (str1), when it gave one */
} wf_rule;

static const wf_rule WF_RULES[] = {
  { "xmlParseEntityRef: no name", "a bare & must be written &amp; (and < as &lt;)" },
  { "EntityRef: expecting ';'", "an & starts an entity such as &amp; that must end with ';'; a bare & must be written &amp;" },
  { "redefined", "attribute %s is given twice in one tag" },
  { "AttValue: \" or ' expected", "an attribute's value must be in quotes, as in type=\"ASD\"" },
  { "Specification mandates value for attribute", "attribute %s has no value: write %s=\"...\"" },
  { "Unescaped '<' not allowed in attributes values",
    "an attribute's value is not closed by its quote, or holds a '<' (write &lt;)" },
  { "Extra content at the end of the document",
    "there is more after the closing </case>: a case file holds one <case> element and nothing after it" },
  { "StartTag: invalid element name", "a '<' must start an element name (a letter); a '<' in text must be written &lt;" },
  { "Comment not terminated", "a comment (<!--) is never closed with -->" },
  { "Comment must not contain '--'", "a comment must not contain \"--\"" },
  { "CData section not finished", "a <![CDATA[ section is never closed with ]]>" },
  { "Namespace prefix", "a name with a prefix (like x:child) whose prefix is not declared; case elements have no prefix" },
  { "error parsing attribute name", "an attribute name (a letter) or the '>' that closes the tag is expected here" },
  { "attributes construct error", "attributes must be separated by a space, as in a=\"1\" b=\"2\"" },
  { "Couldn't find end of Start Tag", "the tag <%s is never closed with '>'" },
  { "XML declaration allowed only at the start",
    "the <?xml ...?> declaration must be the very first thing in the file (nothing before it, not even a blank line)" },
  { "xmlParseCharRef: invalid xmlChar value", "a character reference (&#...;) names a character XML does not allow" },
  { "CharRef: invalid hexadecimal value", "a character reference must look like &#x41; (hexadecimal digits, then ';')" },
  { "CharRef: invalid decimal value", "a character reference must look like &#65; (digits, then ';')" },
  { "invalid xmlChar value", "a character reference (&#...;) names a character XML does not allow" },
  { "expected '>'", "a '>' is expected here to close the tag" },
  { "Failed to parse QName", "\"%s\" is not a valid element or attribute name" },
  { "space expected", "\"<?\" starts a processing instruction here; a '<' in text must be written &lt;" },
  { "never end", "a processing instruction (<?...) is never closed with ?>" },
  { "no target name", "\"<?\" must be followed by a name; a '<' in text must be written &lt;" },
  { "xmlParseStartTag: problem parsing attributes", "the attributes of this tag cannot be read: check their quotes and spaces" },
  { "ParsePI: PI xml space expected", "the <?xml ...?> declaration needs a space after <?xml" },
  { "Start tag expected, '<' not found", "the file does not start with an element: a case file begins with <case" },
  { "String not closed", "a quoted value in the <?xml ...?> declaration is never closed" },
  { "Blank needed here", "a space is needed here" },
  { "parsing XML declaration: '?>' expected", "the <?xml ...?> declaration is not closed with ?>" },
  { "Malformed declaration expecting version", "the <?xml ...?> declaration needs version=\"1.0\" first" },
  { "Unsupported version", "only XML version 1.0 is supported: write <?xml version=\"1.0\" encoding=\"UTF-8\"?>" },
  { "PCDATA invalid Char value", "a character that XML does not allow (a control character?) is in the text" },
  { "Char 0x", "a character that XML does not allow (a control character?) is here" },
  { "invalid character in attribute value", "a character that XML does not allow is in an attribute's value" },
  { "Premature end of data", "the file ends in the middle of a tag or element" },
  { "EndTag: '</' not found", "a closing tag </...> is expected here" },
  { "xmlns", "a namespace declaration (xmlns) is malformed; case files need none" },
  { "Document is empty", "the case file has no XML content" },
  { "Entity '", "an entity (&name;) that is not defined: write a literal & as &amp;" },
};

static bool wf_word_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

void sd_case_xml_message(const char *raw, const char *str1, char *out, size_t cap)
{
  char msg[512];
  snprintf(msg, sizeof msg, "%s", raw ? raw : "");
  chomp(msg);
  /* CData messages quote the unfinished section: a case's text */
  char *nl = strchr(msg, '\n');
  if (nl) *nl = '\0';
  const char *name = str1 && *str1 ? str1 : "?";
  for (size_t i = 0; i < sizeof WF_RULES / sizeof *WF_RULES; i++)
    if (strstr(msg, WF_RULES[i].has)) {
      /* up to two %s, both the name */
      snprintf(out, cap, WF_RULES[i].says, name, name);
      return;
    }
  /* anything else: without libxml2's function names ("xmlParseFoo: ") */
  const char *p = msg;
  const char *colon = strchr(p, ':');
  if (colon) {
    const char *q = p;
    while (q < colon && wf_word_char(*q)) q++;
    while (q < colon && *q == ' ') q++;
    if (q == colon && colon > p) p = colon + 1;
    while (*p == ' ') p++;
  }
  snprintf(out, cap, "this is not well-formed XML: %s", *p ? p : "the file cannot be read as XML");
  size_t at = strlen("this is not well-formed XML: ");
  if (strlen(out) > at && out[at] >= 'A' && out[at] <= 'Z' && out[at + 1] >= 'a' && out[at + 1] <= 'z')
    out[at] = (char)(out[at] - 'A' + 'a');
}

/* ---- enumeration hints: "SpLD" is "SPLD", "Autism" is "ASD" ---- */

static const char *const CENSUS_NAMES[][2] = {
  { "SPLD", "specific learning difficulty" },  { "SPLD", "specific learning difficulties" },
  { "SPLD", "dyslexia" },                      { "SPLD", "dyscalculia" },
  { "SPLD", "dyspraxia" },                     { "MLD", "moderate learning difficulty" },
  { "MLD", "moderate learning difficulties" }, { "SLD", "severe learning difficulty" },
  { "SLD", "severe learning difficulties" },   { "PMLD", "profound and multiple learning difficulty" },
  { "PMLD", "profound and multiple learning difficulties" },
  { "SEMH", "social emotional and mental health" },
  { "SEMH", "social emotional and mental health difficulties" },
  { "SEMH", "besd" },                          { "SEMH", "sebd" },
  { "SEMH", "ebd" },                           { "SEMH", "adhd" },
  { "SLCN", "speech language and communication needs" },
  { "SLCN", "speech language and communication" }, { "SLCN", "slc" },
  { "SLCN", "dld" },                           { "SLCN", "developmental language disorder" },
  { "HI", "hearing impairment" },              { "HI", "deaf" },
  { "VI", "visual impairment" },               { "VI", "blind" },
  { "MSI", "multi sensory impairment" },       { "MSI", "multisensory impairment" },
  { "MSI", "deafblind" },                      { "PD", "physical disability" },
  { "ASD", "autism" },                         { "ASD", "autistic" },
  { "ASD", "autistic spectrum disorder" },     { "ASD", "autism spectrum disorder" },
  { "ASD", "autistic spectrum condition" },    { "ASD", "autism spectrum condition" },
  { "ASD", "asc" },                            { "DS", "down syndrome" },
  { "DS", "downs syndrome" },                  { "OTH", "other difficulty disability" },
  { "OTH", "other" },                          { "NSA", "no specialist assessment" },
};

/* lower case, letters and digits only, one space between words, no "'s" */
static void normalise(const char *s, char *out, size_t cap)
{
  size_t o = 0;
  bool space = false;
  for (const char *p = s; *p && o + 2 < cap; p++) {
    char c = *p;
    if (c == '\'' && (p[1] == 's' || p[1] == 'S') && !wf_word_char(p[2])) {
      p++; /* "down's" */
      continue;
    }
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (wf_word_char(c)) {
      if (space && o) out[o++] = ' ';
      out[o++] = c;
      space = false;
    } else space = true;
  }
  out[o] = '\0';
}

/* The allowed value meant by value, from list ("A, B, C"): the same letters
 * in another case, a census need type's long name, or a near typo. */
static bool enum_guess(const char *value, const char *list, char *out, size_t cap)
{
  char want[128];
  normalise(value, want, sizeof want);
  if (!want[0]) return false;
  /* each allowed value */
  char item[64];
  const char *best = NULL;
  size_t best_len = 0;
  int best_d = 99;
  for (const char *p = list; *p;) {
    while (*p == ' ' || *p == ',') p++;
    const char *s = p;
    while (*p && *p != ',') p++;
    size_t n = (size_t)(p - s);
    while (n && s[n - 1] == ' ') n--;
    if (!n || n >= sizeof item) continue;
    memcpy(item, s, n);
    item[n] = '\0';
    char norm[64];
    normalise(item, norm, sizeof norm);
    if (!strcmp(norm, want)) {
      snprintf(out, cap, "%s", item);
      return true;
    }
    /* a typo: at most one edit in four letters */
    size_t wl = strlen(want), nl = strlen(norm);
    if (wl >= 4 && nl >= 4) {
      size_t row[64];
      if (wl < 63 && nl < 63) {
        for (size_t j = 0; j <= nl; j++) row[j] = j;
        for (size_t i = 1; i <= wl; i++) {
          size_t dg = row[0];
          row[0] = i;
          for (size_t j = 1; j <= nl; j++) {
            size_t up = row[j], b = dg + (want[i - 1] != norm[j - 1]);
            if (up + 1 < b) b = up + 1;
            if (row[j - 1] + 1 < b) b = row[j - 1] + 1;
            row[j] = b;
            dg = up;
          }
        }
        if ((int)row[nl] < best_d && row[nl] <= wl / 4) {
          best_d = (int)row[nl];
          best = s;
          best_len = n;
        }
      }
    }
  }
  /* the census need types by their names */
  if (strstr(list, "SPLD") && strstr(list, "SEMH"))
    for (size_t i = 0; i < sizeof CENSUS_NAMES / sizeof *CENSUS_NAMES; i++)
      if (!strcmp(CENSUS_NAMES[i][1], want)) {
        snprintf(out, cap, "%s", CENSUS_NAMES[i][0]);
        return true;
      }
  if (best) {
    snprintf(out, cap, "%.*s", (int)best_len, best);
    return true;
  }
  return false;
}
