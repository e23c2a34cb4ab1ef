/* sendoc serve: a class list from a spreadsheet. CSV is read with libcsv
 * (Debian libcsv-dev: quoted fields, embedded newlines, CRLF) as Excel and
 * LibreOffice save it: UTF-8 with or without a byte-order mark, and comma,
 * semicolon (locales with a decimal comma) or tab between fields, whichever
 * the header row uses most. Each row becomes one case file, ready for the
 * one-page profile sections to be filled in. */
#include "serve.h"
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct pstate {
  sv_table *t;
  size_t col, row;
  bool overflow;
  char **cur; /* the row being read */
} pstate;

static void on_field(void *s, size_t n, void *data)
{
  pstate *p = data;
  if (p->col >= SV_CSV_MAX_COLS) {
    p->overflow = true;
    return;
  }
  char *v = malloc(n + 1);
  if (!v) return;
  memcpy(v, s ? s : "", n);
  v[n] = 0;
  /* control characters cannot stand in XML 1.0: a spreadsheet's stray ones become spaces */
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)v[i] < 0x20 || v[i] == 0x7F) v[i] = ' ';
  if (!p->cur) p->cur = calloc(SV_CSV_MAX_COLS, sizeof *p->cur);
  if (p->cur) p->cur[p->col] = v;
  else free(v);
  p->col++;
}

static void on_row(int c, void *data)
{
  pstate *p = data;
  sv_table *t = p->t;
  if (!p->cur) {
    p->col = 0;
    return;
  }
  bool blank = true;
  for (size_t i = 0; i < p->col && i < SV_CSV_MAX_COLS; i++)
    if (p->cur[i] && p->cur[i][0]) blank = false;
  if (blank || t->rows > SV_CSV_MAX_ROWS) {
    if (!blank) p->overflow = true;
    for (size_t i = 0; i < SV_CSV_MAX_COLS; i++) free(p->cur[i]);
    free(p->cur);
    p->cur = NULL;
    p->col = 0;
    return;
  }
  if (t->rows == 0) t->cols = p->col < SV_CSV_MAX_COLS ? p->col : SV_CSV_MAX_COLS;
  char **grown = realloc(t->cell, (t->rows + 1) * t->cols * sizeof *grown);
  if (grown) {
    t->cell = grown;
    for (size_t i = 0; i < t->cols; i++) {
      char *v = p->cur[i] ? p->cur[i] : strdup("");
      p->cur[i] = NULL;
      t->cell[t->rows * t->cols + i] = v;
    }
    t->rows++;
  }
  for (size_t i = 0; i < SV_CSV_MAX_COLS; i++) free(p->cur[i]);
  free(p->cur);
  p->cur = NULL;
  p->col = 0;
}

static bool valid_utf8(const unsigned char *p, size_t n)
{
  for (size_t i = 0; i < n;) {
    unsigned char c = p[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
    if (!k || c > 0xF4 || i + k > n) return false;
    for (size_t j = 1; j < k; j++)
      if ((p[i + j] & 0xC0) != 0x80) return false;
    if ((c == 0xE0 && p[i + 1] < 0xA0) || (c == 0xED && p[i + 1] >= 0xA0) || (c == 0xF0 && p[i + 1] < 0x90) ||
        (c == 0xF4 && p[i + 1] >= 0x90))
      return false;
    i += k;
  }
  return true;
}

int sv_csv_parse(const char *data, size_t len, sv_table *t, char *msg, size_t cap)
{
  memset(t, 0, sizeof *t);
  if (len >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB && (unsigned char)data[2] == 0xBF) {
    data += 3;
    len -= 3;
  }
  if (!valid_utf8((const unsigned char *)data, len)) {
    snprintf(msg, cap, "The file is not UTF-8. In Excel choose \"CSV UTF-8\"; in LibreOffice choose the character set \"Unicode (UTF-8)\".");
    return -1;
  }
  for (size_t i = 0; i < len; i++)
    if (data[i] == 0) {
      snprintf(msg, cap, "The file is not a CSV text file.");
      return -1;
    }
  /* the separator the header row uses most, outside quotes */
  size_t counts[3] = { 0 };
  bool q = false;
  for (size_t i = 0; i < len && data[i] != '\n'; i++) {
    if (data[i] == '"') q = !q;
    else if (!q) counts[0] += data[i] == ',', counts[1] += data[i] == ';', counts[2] += data[i] == '\t';
  }
  unsigned char delim = counts[1] > counts[0] && counts[1] >= counts[2] ? ';' : counts[2] > counts[0] ? '\t' : ',';
  struct csv_parser p;
  if (csv_init(&p, CSV_APPEND_NULL) != 0) return -1;
  csv_set_delim(&p, delim);
  pstate st = { t, 0, 0, false, NULL };
  int rc = 0;
  if (csv_parse(&p, data, len, on_field, on_row, &st) != len) {
    snprintf(msg, cap, "The file could not be read as CSV: %s.", csv_strerror(csv_error(&p)));
    rc = -1;
  }
  csv_fini(&p, on_field, on_row, &st);
  csv_free(&p);
  if (st.cur) {
    for (size_t i = 0; i < SV_CSV_MAX_COLS; i++) free(st.cur[i]);
    free(st.cur);
  }
  if (!rc && st.overflow) {
    snprintf(msg, cap, "The list is too big: at most %d children and %d columns at a time.", SV_CSV_MAX_ROWS, SV_CSV_MAX_COLS);
    rc = -1;
  }
  if (!rc && t->rows < 2) {
    snprintf(msg, cap, "The file needs a header row and at least one child.");
    rc = -1;
  }
  if (rc) sv_table_free(t);
  return rc;
}

void sv_table_free(sv_table *t)
{
  for (size_t i = 0; t->cell && i < t->rows * t->cols; i++) free(t->cell[i]);
  free(t->cell);
  memset(t, 0, sizeof *t);
}

const sv_target SV_TARGETS[] = {
  { "first-name", "First name", false, "first name|forename|given name|first" },
  { "last-name", "Last name", false, "last name|surname|family name|last" },
  { "legal-name", "Full legal name", false, "legal name|full name|name|pupil name|pupil" },
  { "preferred-name", "Name the child likes to be called", false, "preferred name|known as|preferred" },
  { "date-of-birth", "Date of birth", true, "date of birth|dob|birth date|birthday" },
  { "year-group", "Year group", false, "year group|year|ncy|nc year" },
  { "home-language", "Home language", true, "home language|first language|language" },
  { "sen-status", "SEN status (N, K or E)", false, "sen status|sen|send status|sen provision" },
  { "need", "Primary need (census code)", false, "primary need|need|type of need" },
  { "contact", "Parent or carer's name", true, "parent|carer|contact|parent name|contact name" },
  { "relationship", "Their relationship to the child", false, "relationship|relation" },
  { "email", "Their email", false, "email|e-mail|parent email" },
  { "phone", "Their phone", false, "phone|telephone|mobile|tel" },
};
const size_t SV_N_TARGETS = sizeof SV_TARGETS / sizeof *SV_TARGETS;

/* dd/mm/yyyy (UK spreadsheets), d/m/yy, yyyy-mm-dd; "" if none */
static void parse_date(const char *s, char out[11])
{
  int a, b, c;
  char tail;
  out[0] = 0;
  int y = 0, m = 0, d = 0;
  if (sscanf(s, "%4d-%2d-%2d%c", &a, &b, &c, &tail) == 3) y = a, m = b, d = c;
  else if (sscanf(s, "%2d/%2d/%4d%c", &a, &b, &c, &tail) == 3 || sscanf(s, "%2d.%2d.%4d%c", &a, &b, &c, &tail) == 3)
    y = c < 100 ? c + (c > 50 ? 1900 : 2000) : c, m = b, d = a;
  if (y >= 1990 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31)
    snprintf(out, 11, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
}

static void parse_year(const char *s, char out[4])
{
  out[0] = 0;
  while (*s == ' ') s++;
  if (!strncasecmp(s, "year", 4)) s += 4;
  else if (!strncasecmp(s, "y", 1) && s[1] >= '0' && s[1] <= '9') s += 1;
  while (*s == ' ') s++;
  if (!strncasecmp(s, "reception", 9) || !strcasecmp(s, "R") || !strcasecmp(s, "rec")) {
    snprintf(out, 4, "R");
    return;
  }
  char *end;
  long y = strtol(s, &end, 10);
  if (end != s && y >= 1 && y <= 14) snprintf(out, 4, "%ld", y);
}

/* a language name or tag from a spreadsheet as a tag: "Urdu" -> "ur" */
static void parse_lang(const char *s, char out[16])
{
  static const struct { const char *name, *tag; } L[] = {
    { "english", "en" }, { "urdu", "ur" }, { "bengali", "bn" }, { "bangla", "bn" }, { "polish", "pl" }, { "arabic", "ar" },
    { "punjabi", "pa" }, { "gujarati", "gu" }, { "somali", "so" }, { "romanian", "ro" }, { "portuguese", "pt" },
    { "spanish", "es" }, { "turkish", "tr" }, { "ukrainian", "uk" }, { "lithuanian", "lt" }, { "tamil", "ta" },
    { "pashto", "ps" }, { "persian", "fa" }, { "farsi", "fa" }, { "chinese", "zh" }, { "mandarin", "zh" },
  };
  out[0] = 0;
  while (*s == ' ') s++;
  for (size_t i = 0; i < sizeof L / sizeof *L; i++)
    if (!strcasecmp(s, L[i].name)) {
      snprintf(out, 16, "%s", L[i].tag);
      return;
    }
  size_t n = strlen(s);
  if (n >= 2 && n < 16 && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") == n) snprintf(out, 16, "%s", s);
}

static const char *cellv(const sv_table *t, size_t row, int col)
{
  if (col < 0 || (size_t)col >= t->cols) return "";
  const char *v = t->cell[row * t->cols + (size_t)col];
  while (*v == ' ') v++;
  return v;
}

static void add_leaf(xmlDocPtr doc, xmlNodePtr parent, const sv_spec *psp, const char *name, const char *text)
{
  xmlNodePtr n = NULL;
  for (xmlNodePtr k = parent->children; k; k = k->next)
    if (k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, name)) n = k;
  if (!n) n = sv_edit_add(doc, parent, psp, name);
  if (n) sv_xml_set_text(n, text);
}

static int target_index(const char *key)
{
  for (size_t i = 0; i < SV_N_TARGETS; i++)
    if (!strcmp(SV_TARGETS[i].key, key)) return (int)i;
  return -1;
}

char *sv_csv_case(const sv_table *t, size_t row, const int *map, const char *school, const char *senco, char *missing,
                  size_t mcap, char *name, size_t ncap)
{
  missing[0] = 0;
#define V(key) cellv(t, row, map[target_index(key)])
  char legal[512], dob[11], year[4], lang[16];
  if (*V("legal-name")) snprintf(legal, sizeof legal, "%s", V("legal-name"));
  else snprintf(legal, sizeof legal, "%s%s%s", V("first-name"), *V("first-name") && *V("last-name") ? " " : "", V("last-name"));
  const char *pref = *V("preferred-name") ? V("preferred-name") : V("first-name");
  parse_date(V("date-of-birth"), dob);
  parse_year(V("year-group"), year);
  parse_lang(V("home-language"), lang);
  const char *contact = V("contact");
  size_t k = 0;
#define MISS(cond, label) \
  if (cond) k += (size_t)snprintf(missing + k, k < mcap ? mcap - k : 0, "%s%s", k ? ", " : "", label)
  MISS(!legal[0], "name");
  MISS(!*pref, "first or preferred name");
  MISS(!dob[0], "date of birth (as dd/mm/yyyy or yyyy-mm-dd)");
  MISS(!lang[0], "home language");
  MISS(!*contact, "parent or carer's name");
  MISS(!school || !*school, "school name");
  MISS(!senco || !*senco, "SENCo's name");
  snprintf(name, ncap, "%s", legal[0] ? legal : pref);
  if (k) return NULL;
  xmlDocPtr doc = sv_xml_parse("<case version=\"1\" xml:lang=\"en-GB\"/>", 36);
  if (!doc) return NULL;
  xmlNodePtr root = xmlDocGetRootElement(doc);
  for (const sv_spec *sp = SV_CASE.kids; sp->name; sp++)
    if (!(sp->flags & SV_OPT)) sv_edit_add(doc, root, &SV_CASE, sp->name);
  const sv_spec *child = sv_spec_kid(&SV_CASE, "child"), *fam = sv_spec_kid(&SV_CASE, "family");
  xmlNodePtr c = sv_xml_at(doc, "0"), f = sv_xml_at(doc, "1");
  add_leaf(doc, c, child, "legal-name", legal);
  add_leaf(doc, c, child, "preferred-name", pref);
  add_leaf(doc, c, child, "date-of-birth", dob);
  if (year[0]) add_leaf(doc, c, child, "year-group", year);
  add_leaf(doc, f, fam, "home-language", lang);
  add_leaf(doc, f, fam, "interpreter-needed", "false");
  xmlNodePtr ct = sv_xml_at(doc, "1.2");
  const sv_spec *ctsp = sv_spec_kid(fam, "contact");
  add_leaf(doc, ct, ctsp, "name", contact);
  const char *rel = *V("relationship") ? V("relationship") : "parent or carer";
  add_leaf(doc, ct, ctsp, "relationship", rel);
  add_leaf(doc, ct, ctsp, "address-as", contact);
  if (*V("email")) add_leaf(doc, ct, ctsp, "email", V("email"));
  if (*V("phone")) add_leaf(doc, ct, ctsp, "phone", V("phone"));
  xmlNodePtr sch = sv_xml_at(doc, "2.0"), sen = sv_xml_at(doc, "2.1.0");
  if (sch) sv_xml_set_text(sch, school);
  if (sen) sv_xml_set_text(sen, senco);
  char status[2] = "K";
  const char *ss = V("sen-status");
  if (*ss == 'N' || *ss == 'K' || *ss == 'E') status[0] = *ss;
  xmlNodePtr sst = sv_xml_at(doc, "3");
  if (sst) sv_xml_set_text(sst, status);
  const char *need = V("need");
  xmlNodePtr nd = sv_xml_at(doc, "4.0");
  if (nd && *need && sd_need_type_words(need)) xmlSetProp(nd, (const xmlChar *)"type", (const xmlChar *)need);
  size_t len = 0;
  char *out = sv_xml_dump(doc, &len);
  xmlFreeDoc(doc);
  return out;
#undef V
#undef MISS
}
