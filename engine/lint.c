/* lint: statutory checks on a valid case (see lint.h). Paragraph numbers are
 * those of the SEND Code of Practice: 0 to 25 years (January 2015). */
#include "lint.h"
#include "fileio.h"
#include "engine_int.h"
#include "locale.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct pos {
  int line, col;
} pos;

typedef struct lctx {
  const sd_case *c;
  const char *file;
  const char *lang;      /* the family's language when it is not English, else NULL */
  pos *shown;            /* positions of the case fields the chosen template shows */
  size_t n_shown, cap_shown;
  bool nomem;
  sd_diags *d;
} lctx;

/* ---- the case tree ---- */

/* ---- words ---- */

/* ASCII letters and digits, whatever the C locale; bytes of UTF-8 sequences
 * count as letters, so "may" never matches inside a word in another script. */
static bool word_byte(unsigned char ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch >= 0x80;
}

/* phrase (lower-case ASCII) at s, ignoring ASCII case whatever the C locale
 * (strncasecmp follows it: Turkish maps 'I' elsewhere). */
static bool at_phrase(const char *s, const char *phrase)
{
  for (; *phrase; s++, phrase++) {
    char ch = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
    if (ch != *phrase) return false;
  }
  return true;
}

/* Case-insensitive search for phrase in s at word boundaries, from s + from.
 * Returns the offset or -1. */
static long find_phrase(const char *s, const char *phrase, size_t from)
{
  size_t n = strlen(phrase), len = strlen(s);
  for (size_t i = from; i + n <= len; i++) {
    if (!at_phrase(s + i, phrase)) continue;
    if (i > 0 && word_byte((unsigned char)s[i - 1])) continue;
    if (i + n < len && word_byte((unsigned char)s[i + n])) continue;
    return (long)i;
  }
  return -1;
}

static bool has_phrase(const char *s, const char *const *list)
{
  for (size_t i = 0; s && list[i]; i++)
    if (find_phrase(s, list[i], 0) >= 0) return true;
  return false;
}

static bool has_digit(const char *s)
{
  for (; s && *s; s++)
    if (*s >= '0' && *s <= '9') return true;
  return false;
}

static const char *const NUMBER_WORDS[] = {
  "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
  "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "ninety", "hundred",
  "once", "twice", "half", "quarter", NULL
};

/* "May" the month (21 May, May 2027, by May half term) is not the modal "may". */
static bool month_may(const char *s, size_t at)
{
  size_t i = at + 3;
  while (s[i] == ' ') i++;
  if (s[i] >= '0' && s[i] <= '9') return true;
  size_t j = at;
  while (j > 0 && s[j - 1] == ' ') j--;
  if (j > 0 && s[j - 1] >= '0' && s[j - 1] <= '9') return true;
  /* a capital M inside a sentence is the month's name */
  if (s[at] == 'M' && j > 0 && !strchr(".!?:;", s[j - 1])) return true;
  return false;
}

/* Code of Practice 9.69 and the First-tier Tribunal: words that leave how
 * much, how often or whether at all to someone's discretion. "as needed"
 * covers "support as needed". */
static const char *const VAGUE[] = {
  "access to", "opportunities for", "opportunities to", "opportunity to", "opportunity for",
  "as appropriate", "where appropriate", "if appropriate", "as required", "when required",
  "as needed", "when needed", "if needed", "where needed", "as and when", "as necessary",
  "where necessary", "up to", "regular", "regularly", "where possible", "if possible",
  "would benefit from", "periodic", "periodically", "may", NULL
};

/* Writes the vague phrases of s, quoted and comma-separated, into buf;
 * returns how many. */
static int vague_phrases(const char *s, char *buf, size_t cap)
{
  int n = 0;
  buf[0] = '\0';
  for (size_t k = 0; VAGUE[k]; k++) {
    long at = -1;
    size_t from = 0;
    while ((at = find_phrase(s, VAGUE[k], from)) >= 0) {
      if (strcmp(VAGUE[k], "may") != 0 || !month_may(s, (size_t)at)) break;
      from = (size_t)at + 1;
    }
    if (at < 0) continue;
    size_t used = strlen(buf);
    snprintf(buf + used, cap - used, "%s\"%s\"", n ? ", " : "", VAGUE[k]);
    n++;
  }
  return n;
}

/* How often: a number, a number word, hourly/daily/weekly/fortnightly/monthly/
 * termly/yearly/annually, "every …", "each …" or "at all times". */
static bool frequency_quantified(const char *s)
{
  static const char *const ADVERBS[] = { "hourly", "daily", "weekly", "fortnightly", "monthly",
                                         "termly", "yearly", "annually", "every", "each",
                                         "at all times", NULL };
  return has_digit(s) || has_phrase(s, NUMBER_WORDS) || has_phrase(s, ADVERBS);
}

/* How long: a number, a number word, or a unit after a determiner
 * ("an hour", "the whole lesson", "all day", "each session"). */
static bool duration_quantified(const char *s)
{
  static const char *const UNITS[] = { "minute", "minutes", "min", "mins", "hour", "hours", "hr", "hrs",
                                       "day", "days", "lesson", "lessons", "session", "sessions",
                                       "morning", "mornings", "afternoon", "afternoons", "week",
                                       "weeks", "term", "terms", "period", "periods", NULL };
  static const char *const DET[] = { "a", "an", "the", "whole", "full", "all", "each", "every", "per", NULL };
  if (has_digit(s) || has_phrase(s, NUMBER_WORDS)) return true;
  char prev[16] = "", cur[16];
  for (const char *p = s; p && *p;) {
    while (*p && !word_byte((unsigned char)*p)) p++;
    size_t n = 0;
    while (p[n] && word_byte((unsigned char)p[n])) n++;
    if (!n) break;
    snprintf(cur, sizeof cur, "%.*s", (int)(n < 15 ? n : 15), p);
    for (char *q = cur; *q; q++)
      if (*q >= 'A' && *q <= 'Z') *q = (char)(*q - 'A' + 'a');
    for (size_t u = 0; UNITS[u]; u++)
      if (strcmp(cur, UNITS[u]) == 0)
        for (size_t k = 0; DET[k]; k++)
          if (strcmp(prev, DET[k]) == 0) return true;
    memcpy(prev, cur, sizeof prev);
    p += n;
  }
  return false;
}

/* A timeframe says when if it has a number, a month or a named term. */
static bool timeframe_says_when(const char *s)
{
  static const char *const WHEN[] = { "january", "february", "march", "april", "may", "june", "july",
                                      "august", "september", "october", "november", "december",
                                      "easter", "christmas", "summer", "autumn", "spring", NULL };
  return has_digit(s) || has_phrase(s, NUMBER_WORDS) || has_phrase(s, WHEN);
}

/* Days since 1970-01-01 of a YYYY-MM-DD date (H. Hinnant's days_from_civil);
 * false when s is not such a date. */
static bool parse_days(const char *s, long *out)
{
  if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return false;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
  long y = strtol(s, NULL, 10), m = strtol(s + 5, NULL, 10), dd = strtol(s + 8, NULL, 10);
  if (m < 1 || m > 12 || dd < 1 || dd > 31) return false;
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  *out = era * 146097 + doe - 719468;
  return true;
}

/* ---- languages ---- */

static bool is_english(const char *tag)
{
  return tag && at_phrase(tag, "en") && (tag[2] == '\0' || tag[2] == '-' || tag[2] == '_');
}

/* Whether text in language have serves a reader of want, by the case
 * module's own rule (exact tag, else same language in a compatible script):
 * a probe node whose only text is a translation in have. */
static bool lang_serves(const char *want, const char *have)
{
  if (!want || !have) return false;
  sd_case_node k = { .name = "probe", .text = "", .lang = have };
  sd_case_node *tr[1] = { &k };
  sd_case_node probe = { .name = "probe", .translations = tr, .n_translations = 1 };
  return sd_case_text_in(&probe, want, NULL) != NULL;
}

/* ---- findings ---- */

#define finding(x, code, n, field, ...) \
  sd_diag_warn((x)->d, (code), (x)->file, (n) ? (n)->line : 0, (n) ? (n)->col : 0, (field), __VA_ARGS__)

/* 1-based place of n among its same-named siblings. */
static size_t index_of(const sd_case_node *n)
{
  size_t k = 0;
  const sd_case_node *p = n->parent;
  for (size_t i = 0; p && i < p->n_children; i++) {
    if (p->children[i]->is_attr || strcmp(p->children[i]->name, n->name) != 0) continue;
    k++;
    if (p->children[i] == n) return k;
  }
  return 1;
}

/* ---- EHCP: sections A, B, E, F, I ---- */

static void lint_provision(lctx *x, const sd_case_node *item)
{
  size_t no = index_of(item);
  static const char *const FIELDS[] = { "what", "frequency", "duration" };
  static const char *const LABEL[] = { "description", "frequency", "duration" };
  for (size_t f = 0; f < 3; f++) {
    const sd_case_node *n = sd_case_kid(item, FIELDS[f]);
    if (!n || !n->text) {
      if (f > 0)
        finding(x, "lint.f-not-specific", item, FIELDS[f],
             "provision item %zu in section F has no %s: say %s (Code of Practice 9.69: provision must be "
             "detailed, specific and quantified)",
             no, FIELDS[f], f == 1 ? "how often, for example \"three times a week\"" : "for how long, for example \"20 minutes\"");
      continue;
    }
    char found[512];
    int k = vague_phrases(n->text, found, sizeof found);
    if (k)
      finding(x, "lint.f-not-specific", n, FIELDS[f],
           "provision item %zu in section F: the %s uses vague wording (%s) that leaves what is provided "
           "open; say exactly what, how often and for how long (Code of Practice 9.69)",
           no, LABEL[f], found);
    if (f == 1 && !frequency_quantified(n->text))
      finding(x, "lint.f-not-specific", n, FIELDS[f],
           "provision item %zu in section F: the frequency has no number; say how often, for example "
           "\"three times a week\" or \"daily\" (Code of Practice 9.69)", no);
    if (f == 2 && !duration_quantified(n->text))
      finding(x, "lint.f-not-specific", n, FIELDS[f],
           "provision item %zu in section F: the duration has no number; say for how long, for example "
           "\"20 minutes\" (Code of Practice 9.69)", no);
  }
}

static bool points_at(const sd_case_node *list, const char *kind, const char *need_id)
{
  for (size_t i = 0; list && i < list->n_children; i++) {
    const sd_case_node *k = list->children[i];
    const char *ref = k->is_attr ? NULL : sd_case_attr(k, "need");
    if (ref && strcmp(k->name, kind) == 0 && strcmp(ref, need_id) == 0) return true;
  }
  return false;
}

static void lint_ehcp(lctx *x)
{
  const sd_case_node *root = x->c->root;
  const sd_case_node *outcomes = sd_case_kid(root, "outcomes"), *provision = sd_case_kid(root, "provision");

  /* Section A: the child's views, interests and aspirations (9.69) */
  const sd_case_node *views = sd_case_kid(root, "child-views");
  if (!sd_case_kid(views, "quote"))
    finding(x, "lint.a-no-child-views", views ? views : sd_case_kid(root, "child") ? sd_case_kid(root, "child") : root,
         "child-views",
         "section A has none of the child's own views: record what the child says, in their own words "
         "(Code of Practice 9.69, section A)");

  /* Section B: every need is met by outcomes (E) and provision (F) (9.69) */
  const sd_case_node *needs = sd_case_kid(root, "needs");
  for (size_t i = 0; needs && i < needs->n_children; i++) {
    const sd_case_node *n = needs->children[i];
    const char *id = n->is_attr ? NULL : sd_case_attr(n, "id");
    if (!id || strcmp(n->name, "need") != 0) continue;
    if (!points_at(outcomes, "outcome", id))
      finding(x, "lint.b-no-outcome", n, "need",
           "need \"%s\" in section B has no outcome in section E: add an outcome with need=\"%s\" "
           "(Code of Practice 9.69)", id, id);
    if (!points_at(provision, "item", id))
      finding(x, "lint.b-no-provision", n, "need",
           "need \"%s\" in section B has no provision in section F: every need must have provision "
           "that meets it; add a provision item with need=\"%s\" (Code of Practice 9.69, section F)", id, id);
  }

  /* Section E: outcomes are SMART, time-bound included (9.66) */
  bool any_pfa = false;
  for (size_t i = 0; outcomes && i < outcomes->n_children; i++) {
    const sd_case_node *o = outcomes->children[i];
    if (o->is_attr || strcmp(o->name, "outcome") != 0) continue;
    const char *tf = sd_case_attr(o, "timeframe"), *by = sd_case_attr(o, "by-date"), *id = sd_case_attr(o, "id");
    if (sd_case_attr(o, "pfa")) any_pfa = true;
    if (by) continue;
    if (!tf)
      finding(x, "lint.e-no-timeframe", o, "outcome",
           "outcome \"%s\" in section E has no timeframe or by-date: say by when it should be achieved "
           "(Code of Practice 9.66: outcomes are time-bound)", id ? id : "?");
    else if (!timeframe_says_when(tf))
      finding(x, "lint.e-no-timeframe", o, "outcome",
           "outcome \"%s\" in section E: its timeframe names no date, term or year; say by when, for "
           "example \"By the end of Year 5 (July 2028)\", or add a by-date (Code of Practice 9.66)",
           id ? id : "?");
  }

  /* Year 9 onwards: outcomes for preparing for adulthood (1.40, chapter 8) */
  const sd_case_node *yg = sd_case_find(root, "child.year-group");
  long year = yg && yg->text && yg->text[0] >= '0' && yg->text[0] <= '9' ? strtol(yg->text, NULL, 10) : 0;
  if (year >= 9 && !any_pfa)
    finding(x, "lint.e-pfa-missing", outcomes ? outcomes : yg, "outcomes",
         "the child is in Year %ld, and from Year 9 the plan should include preparing-for-adulthood "
         "outcomes (employment, independent living, community, health): mark them with pfa=\"…\" "
         "(Code of Practice 1.40 and chapter 8)", year);

  /* Section F: specific and quantified (9.69) */
  for (size_t i = 0; provision && i < provision->n_children; i++)
    if (!provision->children[i]->is_attr && strcmp(provision->children[i]->name, "item") == 0)
      lint_provision(x, provision->children[i]);

  /* Section I: a final plan names the school or other institution (9.69) */
  const sd_case_node *plan = sd_case_kid(root, "plan");
  const char *status = sd_case_attr(plan, "status");
  const sd_case_node *placement = sd_case_kid(root, "placement");
  if (status && strcmp(status, "final") == 0 && !sd_case_kid(placement, "school-name"))
    finding(x, "lint.i-no-placement", plan, "placement",
         "the plan is final but section I names no school or setting: a final plan must name the "
         "placement (Code of Practice 9.69, section I); an empty section I is only right in a draft");
}

/* ---- meetings ---- */

static void lint_meetings(lctx *x)
{
  const sd_case_node *meetings = sd_case_kid(x->c->root, "meetings");
  for (size_t i = 0; meetings && i < meetings->n_children; i++) {
    const sd_case_node *m = meetings->children[i];
    if (m->is_attr || strcmp(m->name, "meeting") != 0) continue;
    const char *type = sd_case_attr(m, "type"), *id = sd_case_attr(m, "id");
    bool annual = type && strcmp(type, "annual-review") == 0;

    /* 9.176: at least two weeks' notice of an annual review */
    const sd_case_node *inv = sd_case_kid(m, "invitation-date"), *date = sd_case_kid(m, "date");
    long di, dm;
    if (inv && date && parse_days(inv->text, &di) && parse_days(date->text, &dm) && dm - di < 14)
      finding(x, "lint.invite-short-notice", inv, "invitation-date",
           annual ? "the invitation to annual review \"%s\" went out %ld days before the meeting: give at "
                    "least two weeks' notice (Code of Practice 9.176)"
                  : "the invitation to meeting \"%s\" went out %ld days before it: give at least two weeks' "
                    "notice, as the Code of Practice (9.176) requires for annual reviews",
           id ? id : "?", dm - di);

    const sd_case_node *actions = sd_case_kid(m, "actions");
    for (size_t k = 0; actions && k < actions->n_children; k++) {
      const sd_case_node *a = actions->children[k];
      if (a->is_attr || strcmp(a->name, "action") != 0) continue;
      bool owner = sd_case_kid(a, "owner") != NULL, due = sd_case_kid(a, "due") != NULL;
      if (!owner || !due)
        finding(x, "lint.actions-incomplete", a, "action",
             "action %zu of meeting \"%s\" has no %s: every agreed action needs a named person and a date "
             "so the family knows who will do what by when",
             index_of(a), id ? id : "?", !owner && !due ? "owner or due date" : !owner ? "owner" : "due date");
    }
  }
}

/* ---- translations ---- */

/* Elements the schema marks (tr), without names: a name in another script is
 * welcome but never required. */
static bool translatable(const char *name)
{
  static const char *const TR[] = { "pronouns", "alt", "relationship", "address-as", "type", "need",
                                    "item", "quote", "view", "outcome", "what", "frequency", "duration",
                                    "group-size", "delivered-by", "school-type", "personal-budget",
                                    "title", "role", "place", "way", "child-views-gathered-by", "entry",
                                    "why", "contact", "how-it-went", "tell-school", "reason", NULL };
  for (size_t i = 0; TR[i]; i++)
    if (strcmp(name, TR[i]) == 0) return true;
  return false;
}

/* Names a text field in a SENCo's words: "strength 2", "the why of home-school strategy 1". */
static void describe(const sd_case_node *n, char *buf, size_t cap)
{
  static const struct { const char *parent, *name, *label; } WORDS[] = {
    { "strengths", "item", "strength %zu (what people like and admire)" },
    { "important-to-me", "item", "item %zu of what is important to the child" },
    { "how-to-support", "item", "item %zu of how best to support the child" },
    { "photo", "alt", "the photo's description (alt text)" },
    { "needs", "need", "need %zu in section B" },
    { "outcomes", "outcome", "outcome %zu in section E" },
  };
  const char *parent = n->parent ? n->parent->name : "case";
  size_t k = index_of(n);
  for (size_t i = 0; i < sizeof WORDS / sizeof *WORDS; i++)
    if (!strcmp(parent, WORDS[i].parent) && !strcmp(n->name, WORDS[i].name)) {
      snprintf(buf, cap, WORDS[i].label, k);
      return;
    }
  if (!strcmp(parent, "strategy") || !strcmp(parent, "tried"))
    snprintf(buf, cap, "the %s of home-school %s %zu", n->name, parent,
             n->parent ? index_of(n->parent) : (size_t)1);
  else
    snprintf(buf, cap, "<%s> %zu in <%s>", n->name, k, parent);
}

static void check_translated(lctx *x, const sd_case_node *n)
{
  if (!n || n->is_attr || !n->text) return;
  if (lang_serves(x->lang, n->lang)) return;
  for (size_t i = 0; i < n->n_translations; i++)
    if (n->translations[i]->text && lang_serves(x->lang, n->translations[i]->lang)) return;
  char what[160];
  describe(n, what, sizeof what);
  finding(x, "lint.translation-missing", n, n->name,
       "%s has no translation into %s, the family's language, so it would print in %s: add "
       "<%s xml:lang=\"%s\"> right after it, written or checked by a fluent speaker (never machine-translated)",
       what, x->lang, n->lang ? n->lang : "the case's language", n->name, x->lang);
}

static void check_items(lctx *x, const sd_case_node *list, const char *name)
{
  for (size_t i = 0; list && i < list->n_children; i++)
    if (!list->children[i]->is_attr && strcmp(list->children[i]->name, name) == 0)
      check_translated(x, list->children[i]);
}

static void add_shown(lctx *x, int line, int col)
{
  if (x->n_shown == x->cap_shown) {
    size_t cap = x->cap_shown ? x->cap_shown * 2 : 64;
    pos *p = realloc(x->shown, cap * sizeof *p);
    if (!p) {
      x->nomem = true;
      return;
    }
    x->shown = p;
    x->cap_shown = cap;
  }
  x->shown[x->n_shown++] = (pos){ line, col };
}

static void shown_inlines(lctx *x, const sd_inline *inl, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (inl[i].kind == SD_INL_TEXT && inl[i].field) add_shown(x, inl[i].line, inl[i].col);
}

static void shown_blocks(lctx *x, const sd_block *b)
{
  shown_inlines(x, b->inl, b->n_inl);
  for (size_t i = 0; i < b->n_children; i++) shown_blocks(x, &b->children[i]);
}

static bool is_shown(const lctx *x, const sd_case_node *n)
{
  for (size_t i = 0; i < x->n_shown; i++)
    if (x->shown[i].line == n->line && x->shown[i].col == n->col) return true;
  return false;
}

/* Case trees are at most max_depth (64) deep, so recursion is bounded. */
static void check_shown(lctx *x, const sd_case_node *n)
{
  if (!n->is_attr && n->text && translatable(n->name) && is_shown(x, n)) check_translated(x, n);
  for (size_t i = 0; i < n->n_children; i++) check_shown(x, n->children[i]);
}

static void lint_translations(lctx *x, const sd_doc_tree *doc)
{
  const sd_case_node *root = x->c->root;
  if (doc) {
    shown_blocks(x, &doc->root);
    shown_inlines(x, doc->title, doc->n_title);
    shown_inlines(x, doc->footer, doc->n_footer);
    shown_inlines(x, doc->header, doc->n_header);
    shown_inlines(x, doc->watermark, doc->n_watermark);
    check_shown(x, root);
    return;
  }
  check_items(x, sd_case_kid(root, "strengths"), "item");
  check_items(x, sd_case_kid(root, "important-to-me"), "item");
  check_items(x, sd_case_kid(root, "how-to-support"), "item");
  check_translated(x, sd_case_find(root, "child.photo.alt"));
  const sd_case_node *hs = sd_case_kid(root, "home-school");
  for (size_t i = 0; hs && i < hs->n_children; i++) {
    const sd_case_node *s = hs->children[i];
    if (s->is_attr || strcmp(s->name, "strategy") != 0) continue;
    check_translated(x, sd_case_kid(s, "title"));
    check_translated(x, sd_case_kid(s, "what"));
    check_translated(x, sd_case_kid(s, "why"));
    check_translated(x, sd_case_kid(s, "contact"));
  }
}

/* Roles and timeframes are attributes, which cannot carry xml:lang
 * translations: their translations live in <glossary> (schema v2), an item
 * holding the text as written followed by its translations. */
static bool glossary_serves(const sd_case_node *root, const char *text, const char *lang)
{
  const sd_case_node *g = sd_case_kid(root, "glossary");
  for (size_t i = 0; g && i < g->n_children; i++) {
    const sd_case_node *it = g->children[i];
    if (it->is_attr || !it->text || strcmp(it->text, text) != 0) continue;
    for (size_t k = 0; k < it->n_translations; k++)
      if (lang_serves(lang, it->translations[k]->lang)) return true;
  }
  return false;
}

static void check_attr_translated(lctx *x, const sd_case_node *n, const char *name, const char *what)
{
  const char *v = sd_case_attr(n, name);
  if (!v || lang_serves(x->lang, n->lang) || glossary_serves(x->c->root, v, x->lang)) return;
  finding(x, "lint.untranslated", n, name,
          "%s \"%s\" has no translation into %s, the family's language, so it would print in English: add "
          "<item>%s</item> and <item xml:lang=\"%s\">…</item> to <glossary> at the end of the case, written or "
          "checked by a fluent speaker",
          what, v, x->lang, v, x->lang);
}

static void lint_attribute_translations(lctx *x)
{
  const sd_case_node *root = x->c->root, *ms = sd_case_kid(root, "meetings"), *os = sd_case_kid(root, "outcomes");
  for (size_t i = 0; ms && i < ms->n_children; i++) {
    const sd_case_node *a = sd_case_kid(ms->children[i], "attendees");
    for (size_t k = 0; a && k < a->n_children; k++)
      if (!a->children[k]->is_attr) check_attr_translated(x, a->children[k], "role", "the role");
  }
  for (size_t i = 0; os && i < os->n_children; i++)
    if (!os->children[i]->is_attr) check_attr_translated(x, os->children[i], "timeframe", "the timeframe");
}

/* ---- the plan's issue ---- */

/* A final (or amended final) plan is the local authority's: it ends with the
 * officer who issued it and the date (SEND Regulations 2014, reg. 13). */
static void lint_plan_issue(lctx *x)
{
  const sd_case_node *plan = sd_case_kid(x->c->root, "plan");
  const char *status = sd_case_attr(plan, "status");
  if (!status || (strcmp(status, "final") != 0 && strcmp(status, "amended-final") != 0)) return;
  bool who = sd_case_kid(plan, "issued-by") != NULL, when = sd_case_kid(plan, "issue-date") != NULL;
  if (who && when) return;
  finding(x, "lint.plan-unissued", plan, "plan",
          "the plan is %s, but it does not say %s: add %s to <plan>, so that the plan ends with the officer's "
          "name, role and the date it was issued",
          status, !who && !when ? "who issued it or when" : !who ? "who issued it" : "when it was issued",
          !who && !when ? "<issue-date> and <issued-by><name>…</name><role>…</role></issued-by>"
          : !who ? "<issued-by><name>…</name><role>…</role></issued-by>" : "<issue-date>");
}

/* ---- catalogues ---- */

static bool already(const sd_diags *d, const char *code, const char *file, const char *field)
{
  for (size_t i = 0; d && i < d->n; i++) {
    const sd_diag *g = &d->items[i];
    if (strcmp(g->code, code) == 0 && !strcmp(g->file ? g->file : "", file ? file : "") &&
        !strcmp(g->field ? g->field : "", field ? field : ""))
      return true;
  }
  return false;
}

static sd_status lint_catalogue(lctx *x, const char *dir)
{
  sd_status st = SD_OK;
  sd_diags *scratch = sd_diags_new();
  sd_locale *l = NULL;
  char *path = NULL;
  if (!scratch) return SD_E_NOMEM;
  if (sd_locale_open(dir, x->lang, &l, scratch) != SD_OK) {
    if (!already(x->d, "lint.locale-unavailable", dir, NULL))
      sd_diag_add(x->d, SD_SEV_NOTE, "lint.locale-unavailable", dir, 0, 0, NULL,
                  "the message catalogues could not be opened, so they were not checked");
    goto done;
  }
  const char *status = sd_locale_status(l);
  if (status && strcmp(status, "none") == 0) {
    if (!already(x->d, "lint.locale-none", NULL, x->lang))
      sd_diag_warn(x->d, "lint.locale-none", NULL, 0, 0, x->lang,
                   "there is no message catalogue for %s, the family's language: every heading and fixed "
                   "phrase will print in English", x->lang);
    goto done;
  }
  path = sd_strdup_printf("%s/%s.res", dir, sd_locale_bundle(l));
  if (!path) {
    st = SD_E_NOMEM;
    goto done;
  }
  if (status && strcmp(status, "unreviewed") == 0 && !already(x->d, "lint.locale-unreviewed", path, NULL))
    sd_diag_add(x->d, SD_SEV_NOTE, "lint.locale-unreviewed", path, 0, 0, NULL,
                "the %s catalogue (headings and fixed phrases) has not been checked by a fluent speaker "
                "yet; ask one to read a printed copy before it goes to the family", x->lang);
  size_t first = scratch->n, missing = 0;
  if (sd_locale_check(l, &missing, scratch) != SD_OK) goto done;
  for (size_t i = first; i < scratch->n; i++) {
    const sd_diag *g = &scratch->items[i];
    if (strcmp(g->code, "locale.fallback") != 0 || !g->field) continue;
    char *res = g->file ? sd_strdup_printf("%s/%s.res", dir, g->file) : NULL;
    const char *where = res ? res : path;
    if (!already(x->d, "lint.locale-missing-message", where, g->field))
      sd_diag_warn(x->d, "lint.locale-missing-message", where, 0, 0, g->field,
                   "message %s has no %s translation in the catalogue, so it will print in English",
                   g->field, x->lang);
    free(res);
  }
done:
  free(path);
  sd_locale_free(l);
  sd_diags_free(scratch);
  return st;
}

/* ---- entry points ---- */

static bool has_ehcp_data(const sd_case_node *root, const sd_lint_options *opt)
{
  if (opt && opt->doc_type && strcmp(opt->doc_type, "ehcp") == 0) return true;
  return sd_case_kid(root, "plan") || sd_case_kid(root, "outcomes") || sd_case_kid(root, "provision");
}

sd_status sd_lint_case(const sd_case *c, const sd_lint_options *opt, sd_diags *d)
{
  if (!c || !c->root) return SD_E_USAGE;
  lctx x = { .c = c, .file = c->file, .d = d };
  const char *lang = opt && opt->lang ? opt->lang : NULL;
  if (!lang) {
    const sd_case_node *hl = sd_case_find(c->root, "family.home-language");
    lang = hl ? hl->text : NULL;
  }
  x.lang = lang && *lang && !is_english(lang) ? lang : NULL;

  if (has_ehcp_data(c->root, opt)) lint_ehcp(&x);
  lint_plan_issue(&x);
  lint_meetings(&x);
  sd_status st = SD_OK;
  if (x.lang) {
    lint_translations(&x, opt ? opt->doc : NULL);
    lint_attribute_translations(&x);
    if (opt && opt->locale_dir) st = lint_catalogue(&x, opt->locale_dir);
  }
  free(x.shown);
  return x.nomem ? SD_E_NOMEM : st;
}

static bool is_path(const char *ref)
{
  size_t n = strlen(ref);
  return strchr(ref, '/') || (n > 3 && strcmp(ref + n - 3, ".md") == 0);
}

/* Reads at most cap bytes (the engine's limit for templates, 1 MiB). */
static char *read_text(const char *path, size_t cap, size_t *len, sd_status *st, sd_diags *d)
{
  const char *why = NULL;
  FILE *fp = sd_fopen_regular(path, &why);
  if (!fp) {
    *st = SD_E_IO;
    sd_diag_error(d, "io.read", path, 0, 0, NULL, "cannot read the template: %s%s", why ? "it is " : "",
                  why ? why : strerror(errno));
    return NULL;
  }
  char *buf = malloc(cap + 1);
  size_t n = buf ? fread(buf, 1, cap + 1, fp) : 0;
  fclose(fp);
  if (!buf) {
    *st = SD_E_NOMEM;
    return NULL;
  }
  if (n > cap) {
    *st = SD_E_LIMIT;
    sd_diag_error(d, "io.limit", path, 0, 0, NULL, "the template is larger than %zu bytes", cap);
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

static void copy_diags(const sd_diags *from, sd_diags *to)
{
  for (size_t i = 0; from && i < from->n; i++) {
    const sd_diag *g = &from->items[i];
    sd_diag_add(to, g->severity, g->code, g->file, g->line, g->col, g->field, "%s", g->message ? g->message : "");
  }
}

SD_API sd_status sd_lint(sd_engine *e, const sd_case *c, const char *template_ref, const char *lang,
                         sd_diags *d)
{
  if (!e || !c || !c->root) {
    sd_diag_error(d, "usage.lint", NULL, 0, 0, NULL, "lint needs an engine and a case");
    return SD_E_USAGE;
  }
  sd_status st = SD_OK;
  char *tpath = NULL, *text = NULL, *locale_dir = NULL;
  sd_template *tp = NULL;
  sd_doc_tree tree;
  bool have_tree = false;
  sd_diags *scratch = NULL;
  const char *data_dir = sd_engine_data_dir(e);
  sd_lint_options opt = { .lang = lang };

  if (template_ref) {
    bool path = is_path(template_ref);
    tpath = path ? sd_strdup(template_ref) : sd_strdup_printf("%s/templates/%s.md", data_dir, template_ref);
    scratch = sd_diags_new();
    if (!tpath || !scratch) {
      st = SD_E_NOMEM;
      goto done;
    }
    size_t len = 0;
    text = read_text(tpath, 1u << 20, &len, &st, scratch);
    if (!text) {
      /* a name that is not in templates/ is a usage error, as in sd_render */
      if (!path && st == SD_E_IO) {
        st = SD_E_USAGE;
        sd_diag_error(d, "usage.template", NULL, 0, 0, "template",
                      "no template called \"%s\" (see `sendoc templates`)", template_ref);
      } else copy_diags(scratch, d);
      goto done;
    }
    /* messages name the template by what the user typed, not a data-dir path */
    st = sd_template_parse(text, len, path ? tpath : template_ref, &tp, scratch);
    if (st == SD_OK) sd_template_use_schema(tp, sd_engine_schema_fields(e));
    if (st == SD_OK) {
      opt.doc_type = sd_template_front_matter(tp)->doc_type;
      /* the fields the template shows, in the language the family reads */
      const char *doc_lang = lang;
      if (!doc_lang || !*doc_lang) {
        const sd_case_node *hl = sd_case_find(c->root, "family.home-language");
        doc_lang = hl && hl->text ? hl->text : "en-GB";
      }
      memset(&tree, 0, sizeof tree);
      st = sd_template_expand(tp, c, doc_lang, &tree, scratch);
      have_tree = true;
      opt.doc = &tree;
    }
    if (st != SD_OK) {
      copy_diags(scratch, d);
      goto done;
    }
  }
  locale_dir = sd_strdup_printf("%s/locales", data_dir ? data_dir : ".");
  if (!locale_dir) {
    st = SD_E_NOMEM;
    goto done;
  }
  opt.locale_dir = locale_dir;
  st = sd_lint_case(c, &opt, d);
done:
  if (have_tree) sd_doc_tree_free(&tree);
  sd_template_free(tp);
  sd_diags_free(scratch);
  free(text);
  free(tpath);
  free(locale_dir);
  return st;
}
