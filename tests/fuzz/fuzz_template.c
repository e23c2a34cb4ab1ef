/* fuzz_template: the first byte picks the language, the rest is a template
 * parsed and expanded against a small case built by hand (no XML). */
#include "template.h"
#include <stdint.h>
#include <string.h>

typedef struct fcase {
  sd_case_node n[24];
  sd_case_node *kids[24][4];
  sd_case_node *tr[24][2];
  size_t used;
} fcase;

static sd_case_node *add(fcase *f, sd_case_node *parent, const char *name, const char *text, bool attr)
{
  sd_case_node *x = &f->n[f->used];
  x->children = f->kids[f->used];
  x->translations = f->tr[f->used];
  f->used++;
  x->name = name;
  x->text = text;
  x->is_attr = attr;
  x->line = (int)f->used;
  x->col = 1;
  x->lang = "en-GB";
  if (parent) {
    x->parent = parent;
    parent->children[parent->n_children++] = x;
  }
  return x;
}

static void translate(fcase *f, sd_case_node *of, const char *lang, const char *text)
{
  sd_case_node *x = add(f, NULL, of->name, text, false);
  x->lang = lang;
  x->parent = of->parent;
  of->translations[of->n_translations++] = x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const langs[] = {NULL, "en-GB", "ur", "pa-Arab", "pa-Guru", "pa", "bn", "ur-PK"};
  if (size < 1) return 0;
  const char *lang = langs[data[0] & 7];
  fcase f;
  memset(&f, 0, sizeof f);
  sd_case_node *root = add(&f, NULL, "case", NULL, false);
  sd_case_node *child = add(&f, root, "child", NULL, false);
  sd_case_node *pn = add(&f, child, "preferred-name", "*Sam* <b>", false);
  translate(&f, pn, "ur", "\xd8\xb3\xd8\xa7\xd9\x85");
  translate(&f, pn, "pa-Guru", "\xe0\xa8\xb8\xe0\xa9\x88\xe0\xa8\xae");
  add(&f, child, "dob", "2016-03-09", false);
  sd_case_node *photo = add(&f, child, "photo", NULL, false);
  add(&f, photo, "src", "photos/sam.jpg", true);
  add(&f, photo, "alt", "Sam {{x}}", false);
  sd_case_node *st = add(&f, root, "strengths", NULL, false);
  add(&f, st, "item", "Kind", false);
  add(&f, st, "item", "false", false);
  add(&f, st, "item", "", false);
  sd_case_node *ms = add(&f, root, "meetings", NULL, false);
  for (int i = 0; i < 2; i++) {
    sd_case_node *m = add(&f, ms, "meeting", NULL, false);
    add(&f, m, "date", i ? "2025-03-10" : "not-a-date", false);
    sd_case_node *a = add(&f, m, "attendees", NULL, false);
    add(&f, add(&f, a, "person", NULL, false), "name", "Ms Patel", false);
  }
  sd_case c = {root, "fuzz.xml", NULL, NULL};

  sd_diags *d = sd_diags_new();
  sd_template *t = NULL;
  if (sd_template_parse((const char *)data + 1, size - 1, "fuzz.md", &t, d) == SD_OK) {
    sd_doc_tree out;
    if (sd_template_expand(t, (data[0] & 8) ? NULL : &c, lang, &out, d) == SD_OK) {
      FILE *null = fopen("/dev/null", "w");
      if (null) {
        sd_doc_tree_dump(&out, null);
        fclose(null);
      }
      sd_doc_tree_free(&out);
    }
    sd_template_free(t);
  }
  sd_diags_free(d);
  return 0;
}
