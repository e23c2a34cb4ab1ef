/* batch_cover: cover letters in a batch (issue 16). A template named
 * cover-letter is rendered last among a case's documents (sd_batch_new puts
 * it after the others), once the case's other documents in the same
 * language are finished, and lists those that were made: the batch adds
 * <enclosures><item>KIND</item>...</enclosures> to the loaded case for that
 * render only (KIND: the template's name with '_' for '-', "other" for a
 * template sendoc does not ship, and "english_copies" when the batch also
 * made English copies). templates/cover-letter.md prints them
 * with {{t:cover.doc kind=.}}. */
#include "batch.h"
#include "case.h"
#include <stdlib.h>
#include <string.h>

static const char *short_name(const char *ref)
{
  const char *s = strrchr(ref, '/');
  return s ? s + 1 : ref;
}

int sd_batch_is_cover(const char *ref)
{
  const char *s = short_name(ref);
  return !strcmp(s, "cover-letter") || !strcmp(s, "cover-letter.md");
}

typedef struct cover_state {
  sd_case_node *root;
  sd_case_node **old_children;
  size_t old_n;
  sd_case_node *enc, *items;
  sd_case_node **enc_children, **all;
} cover_state;

static cover_state *add_enclosures(sd_case *c, const char *const *kinds, size_t n)
{
  cover_state *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->root = c->root;
  s->enc = calloc(1, sizeof *s->enc);
  s->items = calloc(n ? n : 1, sizeof *s->items);
  s->enc_children = calloc(n ? n : 1, sizeof *s->enc_children);
  s->all = calloc(c->root->n_children + 1, sizeof *s->all);
  if (!s->enc || !s->items || !s->enc_children || !s->all) {
    free(s->enc);
    free(s->items);
    free(s->enc_children);
    free(s->all);
    free(s);
    return NULL;
  }
  s->enc->name = "enclosures";
  s->enc->parent = c->root;
  s->enc->lang = c->root->lang;
  for (size_t i = 0; i < n; i++) {
    s->items[i] = (sd_case_node){ .name = "item", .text = kinds[i], .lang = c->root->lang, .parent = s->enc };
    s->enc_children[i] = &s->items[i];
  }
  s->enc->children = s->enc_children;
  s->enc->n_children = n;
  s->old_children = c->root->children;
  s->old_n = c->root->n_children;
  if (s->old_n) memcpy(s->all, s->old_children, s->old_n * sizeof *s->all);
  s->all[s->old_n] = s->enc;
  c->root->children = s->all;
  c->root->n_children = s->old_n + 1;
  return s;
}

void *sd_batch_cover_begin(struct sd_batch *b, sd_batch_job *j, sd_case *c)
{
  if (!c || !c->root || !sd_batch_is_cover(b->tpls[j->tpl])) return NULL;
  size_t i = (size_t)(j - b->v);
  /* the case's other documents come just before it (same path); they were
   * claimed before this one, so they finish: wait for them */
  size_t first = i;
  while (first > 0 && !strcmp(b->v[first - 1].path, j->path)) first--;
  const char *kinds[64 + 1];
  size_t n = 0;
  int english = 0;
  pthread_mutex_lock(&b->mu);
  for (size_t k = first; k < i; k++) {
    sd_batch_job *o = &b->v[k];
    while (!o->done) pthread_cond_wait(&b->cv, &b->mu);
    if (o->outcome != SD_BATCH_OK || sd_batch_is_cover(b->tpls[o->tpl])) continue;
    int same_lang = (!o->lang && !j->lang) || (o->lang && j->lang && !strcmp(o->lang, j->lang));
    if (same_lang && n < 64) kinds[n++] = short_name(b->tpls[o->tpl]);
    else if (!same_lang && o->lang && !strcmp(o->lang, "en-GB")) english = 1;
  }
  pthread_mutex_unlock(&b->mu);
  if (english && n < 64) kinds[n++] = "english-copies";
  if (!n) return NULL;
  /* the kinds as message keywords (ICU select takes no '-'): cover.doc */
  static const char *const names[][2] = { { "ehcp", "ehcp" },
                                          { "one-page-profile", "one_page_profile" },
                                          { "review-invitation", "review_invitation" },
                                          { "review-record", "review_record" },
                                          { "postcard-try", "postcard_try" },
                                          { "postcard-tried", "postcard_tried" },
                                          { "english-copies", "english_copies" } };
  for (size_t k = 0; k < n; k++) {
    const char *kw = "other";
    for (size_t p = 0; p < sizeof names / sizeof *names; p++) {
      size_t l = strlen(names[p][0]);
      if (!strncmp(kinds[k], names[p][0], l) && (!kinds[k][l] || !strcmp(kinds[k] + l, ".md"))) kw = names[p][1];
    }
    kinds[k] = kw;
  }
  return add_enclosures(c, kinds, n);
}

void sd_batch_cover_end(void *state)
{
  cover_state *s = state;
  if (!s) return;
  s->root->children = s->old_children;
  s->root->n_children = s->old_n;
  free(s->enc);
  free(s->items);
  free(s->enc_children);
  free(s->all);
  free(s);
}
