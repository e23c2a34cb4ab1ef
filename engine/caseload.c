/* caseload: what a SENCo's list of cases shows about one case — who the child
 * is, their needs in words, and what is due by a given day: annual reviews in
 * the next eight weeks, invitations that must go out now to give two weeks'
 * notice (SEND Code of Practice 9.176), actions past their due date. */
#include "case_int.h"
#include "sendoc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *sd_need_type_words(const char *code)
{
  /* DfE school census "type of need" codes */
  static const struct { const char *code, *words; } T[] = {
    { "SPLD", "Specific learning difficulty" },
    { "MLD", "Moderate learning difficulty" },
    { "SLD", "Severe learning difficulty" },
    { "PMLD", "Profound and multiple learning difficulty" },
    { "SEMH", "Social, emotional and mental health" },
    { "SLCN", "Speech, language and communication needs" },
    { "HI", "Hearing impairment" },
    { "VI", "Vision impairment" },
    { "MSI", "Multi-sensory impairment" },
    { "PD", "Physical disability" },
    { "ASD", "Autism" },
    { "DS", "Down syndrome" },
    { "OTH", "Other difficulty or disability" },
    { "NSA", "SEN support, no specialist assessment of type of need" },
  };
  for (size_t i = 0; code && i < sizeof T / sizeof *T; i++)
    if (strcmp(T[i].code, code) == 0) return T[i].words;
  return NULL;
}

const char *sd_case_get(const sd_case *c, const char *path)
{
  if (!c || !path) return NULL;
  const sd_case_node *n = sd_case_find(c->root, path);
  return n ? n->text : NULL;
}

size_t sd_case_get_all(const sd_case *c, const char *list_path, const char *item, const char *field,
                       const char **out, size_t cap)
{
  if (!c || !list_path || !item) return 0;
  const sd_case_node *list = sd_case_find(c->root, list_path);
  size_t n = 0;
  for (size_t i = 0; list && i < list->n_children; i++) {
    const sd_case_node *k = list->children[i];
    if (k->is_attr || strcmp(k->name, item) != 0) continue;
    const char *v = field ? (field[0] == '@' ? sd_case_attr(k, field + 1) : (sd_case_kid(k, field) ? sd_case_kid(k, field)->text : NULL))
                          : k->text;
    if (n < cap) out[n] = v;
    n++;
  }
  return n;
}

/* days since 1970 of a YYYY-MM-DD date (the schema's pattern); -1 if not one */
static long day_number(const char *s)
{
  int y, m, d;
  char tail;
  if (!s || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 || d > 31) return -1;
  /* days from civil (H. Hinnant) */
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void add(sd_due_item *out, size_t cap, size_t *n, sd_due_kind kind, const char *date, long days,
                const char *what, const char *meeting)
{
  if (*n < cap) out[*n] = (sd_due_item){ kind, date, days, what, meeting };
  (*n)++;
}

sd_status sd_case_due(const sd_case *c, const char *today, sd_due_item *out, size_t cap, size_t *n_out)
{
  if (!c || !today || !n_out || (cap && !out)) return SD_E_USAGE;
  long now = day_number(today);
  if (now < 0) return SD_E_USAGE;
  size_t n = 0;
  const sd_case_node *meetings = sd_case_kid(c->root, "meetings");
  bool review_booked = false;
  for (size_t i = 0; meetings && i < meetings->n_children; i++) {
    const sd_case_node *m = meetings->children[i];
    if (m->is_attr || strcmp(m->name, "meeting") != 0) continue;
    const char *type = sd_case_attr(m, "type"), *id = sd_case_attr(m, "id");
    const sd_case_node *date = sd_case_kid(m, "date"), *inv = sd_case_kid(m, "invitation-date");
    long d = date ? day_number(date->text) : -1;
    bool annual = type && strcmp(type, "annual-review") == 0;
    if (d >= now && annual) {
      review_booked = true;
      if (d - now <= SD_DUE_REVIEW_DAYS) add(out, cap, &n, SD_DUE_REVIEW, date->text, d - now, NULL, id);
    }
    /* an invitation counts as sent once its date has come */
    bool sent = inv && day_number(inv->text) >= 0 && day_number(inv->text) <= now;
    if (d >= now && !sent && d - now <= SD_DUE_NOTICE_DAYS + SD_DUE_INVITE_MARGIN_DAYS)
      add(out, cap, &n, d - now < SD_DUE_NOTICE_DAYS ? SD_DUE_INVITE_LATE : SD_DUE_INVITE, date->text,
          d - now, NULL, id);
    const sd_case_node *actions = sd_case_kid(m, "actions");
    for (size_t k = 0; actions && k < actions->n_children; k++) {
      const sd_case_node *a = actions->children[k];
      if (a->is_attr || strcmp(a->name, "action") != 0) continue;
      const sd_case_node *due = sd_case_kid(a, "due"), *what = sd_case_kid(a, "what");
      long dd = due ? day_number(due->text) : -1;
      if (dd >= 0 && dd < now)
        add(out, cap, &n, SD_DUE_ACTION_OVERDUE, due->text, dd - now, what ? what->text : NULL, id);
    }
  }
  /* the plan's review date, when no annual review meeting is booked for it */
  const sd_case_node *rd = sd_case_find(c->root, "plan.review-date");
  long r = rd ? day_number(rd->text) : -1;
  if (r >= 0 && !review_booked) {
    if (r < now) add(out, cap, &n, SD_DUE_REVIEW_OVERDUE, rd->text, r - now, NULL, NULL);
    else if (r - now <= SD_DUE_REVIEW_DAYS) add(out, cap, &n, SD_DUE_REVIEW, rd->text, r - now, NULL, NULL);
  }
  *n_out = n;
  return SD_OK;
}
