/* check_template: templates expanded against hand-built case trees. */
#define _GNU_SOURCE
#include "template.h"
#include "testutil.h"
#include <time.h>

/* ---- a case tree built by hand (no XML) ------------------------------------ */

#define MAXN 4096
typedef struct cb {
  sd_case_node n[MAXN];
  sd_case_node *kids[MAXN][8];
  sd_case_node **big[8]; /* children arrays of nodes with many children */
  size_t nbig;
  sd_case_node *tr[MAXN][4];
  size_t used;
  sd_case c;
} cb;

static sd_case_node *node_at(cb *b, sd_case_node *parent, const char *name, const char *text, bool attr)
{
  ck_assert_uint_lt(b->used, MAXN);
  sd_case_node *x = &b->n[b->used];
  x->children = b->kids[b->used];
  x->translations = b->tr[b->used];
  b->used++;
  x->name = name;
  x->text = text;
  x->is_attr = attr;
  x->line = (int)b->used;
  x->col = 3;
  if (parent) {
    ck_assert_uint_lt(parent->n_children, 8);
    parent->children[parent->n_children++] = x;
    x->parent = parent;
    x->lang = parent->lang;
  }
  return x;
}

static sd_case_node *el(cb *b, sd_case_node *parent, const char *name, const char *text)
{
  return node_at(b, parent, name, text, false);
}

static sd_case_node *at(cb *b, sd_case_node *parent, const char *name, const char *text)
{
  return node_at(b, parent, name, text, true);
}

static void tr(cb *b, sd_case_node *of, const char *lang, const char *text)
{
  sd_case_node *x = node_at(b, NULL, of->name, text, false);
  x->lang = lang;
  x->parent = of->parent;
  of->translations[of->n_translations++] = x;
}

/* A parent with n children (beyond the 8 of the fixed arrays). */
static sd_case_node *many(cb *b, sd_case_node *parent, const char *name, const char *kid, size_t n)
{
  sd_case_node *x = el(b, parent, name, NULL);
  sd_case_node **arr = calloc(n, sizeof *arr);
  b->big[b->nbig++] = arr;
  x->children = arr;
  for (size_t i = 0; i < n; i++) {
    sd_case_node *k = node_at(b, NULL, kid, "x", false);
    k->parent = x;
    arr[x->n_children++] = k;
  }
  return x;
}

/* <case xml:lang="en-GB"> with a child, strengths, meetings. */
static cb *sample_case(void)
{
  cb *b = calloc(1, sizeof *b);
  sd_case_node *root = el(b, NULL, "case", NULL);
  root->lang = "en-GB";
  sd_case_node *child = el(b, root, "child", NULL);
  sd_case_node *pn = el(b, child, "preferred-name", "Sam");
  tr(b, pn, "ur", "\xd8\xb3\xd8\xa7\xd9\x85");
  tr(b, pn, "pa-Guru", "\xe0\xa8\xb8\xe0\xa9\x88\xe0\xa8\xae");
  el(b, child, "date-of-birth", "2016-03-09");
  sd_case_node *photo = el(b, child, "photo", NULL);
  at(b, photo, "src", "photos/sam.jpg");
  sd_case_node *alt = el(b, photo, "alt", "Sam smiling");
  tr(b, alt, "ur", "\xd8\xb3\xd8\xa7\xd9\x85");
  sd_case_node *st = el(b, root, "strengths", NULL);
  el(b, st, "item", "Kind to friends");
  el(b, st, "item", "Loves *maths* <b>");
  sd_case_node *fam = el(b, root, "family", NULL);
  el(b, fam, "interpreter-needed", "false");
  el(b, fam, "home-language", "ur");
  sd_case_node *ms = el(b, root, "meetings", NULL);
  for (int i = 0; i < 2; i++) {
    sd_case_node *m = el(b, ms, "meeting", NULL);
    at(b, m, "type", i ? "review" : "planning");
    el(b, m, "date", i ? "2025-03-10" : "2024-11-05");
    sd_case_node *a = el(b, m, "attendees", NULL);
    for (int k = 0; k < 2 + i; k++) {
      sd_case_node *p = el(b, a, "person", NULL);
      el(b, p, "name", k == 0 ? "Ms Patel" : k == 1 ? "Mr Khan" : "Sam");
    }
  }
  b->c.root = root;
  b->c.file = "sam.xml";
  return b;
}

static void cb_free(cb *b)
{
  for (size_t i = 0; b && i < b->nbig; i++) free(b->big[i]);
  free(b);
}

static sd_status expand(const char *tpl, const sd_case *c, const char *lang, sd_doc_tree *out, sd_diags *d)
{
  sd_template *t = NULL;
  memset(out, 0, sizeof *out);
  sd_status st = sd_template_parse(tpl, strlen(tpl), "t.md", &t, d);
  if (st == SD_OK) st = sd_template_expand(t, c, lang, out, d);
  sd_template_free(t);
  return st;
}

static char *dump(const sd_doc_tree *t)
{
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  sd_doc_tree_dump(t, f);
  fclose(f);
  return buf;
}

static const sd_diag *first_error(const sd_diags *d)
{
  for (size_t i = 0; i < d->n; i++)
    if (d->items[i].severity == SD_SEV_ERROR) return &d->items[i];
  return NULL;
}

static cb *B;
static sd_diags *D;
static sd_doc_tree T;

static void setup(void)
{
  B = sample_case();
  D = sd_diags_new();
  memset(&T, 0, sizeof T);
}

static void teardown(void)
{
  sd_doc_tree_free(&T);
  sd_diags_free(D);
  cb_free(B);
}

/* ---- tests ------------------------------------------------------------------ */

START_TEST(test_field_is_substituted)
{
  ck_assert_int_eq(expand("Hello {{child.preferred-name}}!\n", &B->c, "en-GB", &T, D), SD_OK);
  ck_assert_uint_eq(T.root.n_children, 1);
  const sd_block *p = &T.root.children[0];
  ck_assert_int_eq(p->kind, SD_BLK_PARAGRAPH);
  ck_assert_uint_eq(p->n_inl, 3);
  ck_assert_str_eq(p->inl[0].text, "Hello ");
  ck_assert_ptr_null(p->inl[0].field);
  ck_assert_str_eq(p->inl[1].text, "Sam");
  ck_assert_str_eq(p->inl[1].field, "child.preferred-name");
  ck_assert_str_eq(p->inl[2].text, "!");
}
END_TEST

START_TEST(test_case_data_is_never_markup)
{
  sd_case_node *pn = B->n[2].name && strcmp(B->n[2].name, "preferred-name") == 0 ? &B->n[2] : NULL;
  ck_assert_ptr_nonnull(pn);
  pn->text = "*Sam* <b> {{x}}";
  ck_assert_int_eq(expand("# {{child.preferred-name}}\n\n**{{child.preferred-name}}**\n", &B->c, NULL, &T, D), SD_OK);
  ck_assert_uint_eq(T.root.n_children, 2);
  ck_assert_uint_eq(T.root.children[0].n_inl, 1);
  ck_assert_str_eq(T.root.children[0].inl[0].text, "*Sam* <b> {{x}}");
  ck_assert(!T.root.children[0].inl[0].strong);
  ck_assert_str_eq(T.root.children[1].inl[0].text, "*Sam* <b> {{x}}");
  ck_assert(T.root.children[1].inl[0].strong);
}
END_TEST

START_TEST(test_each_over_list_makes_one_list)
{
  ck_assert_int_eq(expand("{{#each strengths}}\n\n- {{.}}\n\n{{/each}}\n", &B->c, "en-GB", &T, D), SD_OK);
  ck_assert_uint_eq(T.root.n_children, 1);
  const sd_block *l = &T.root.children[0];
  ck_assert_int_eq(l->kind, SD_BLK_LIST);
  ck_assert(!l->ordered);
  ck_assert_uint_eq(l->n_children, 2);
  ck_assert_str_eq(l->children[1].children[0].inl[0].text, "Loves *maths* <b>");
}
END_TEST

START_TEST(test_nested_each_meetings_attendees)
{
  const char *tpl =
    "{{#each meetings}}\n\n"
    "## {{t:meeting.title type=type}} {{date:date}}\n\n"
    "1. {{#each attendees}}{{name}}{{/each}}\n\n"
    "{{#each attendees}}\n\n- {{@index}}. {{name}}\n\n{{/each}}\n\n"
    "{{/each}}\n";
  ck_assert_int_eq(expand(tpl, &B->c, "en-GB", &T, D), SD_OK);
  /* per meeting: heading, ordered list, bullet list */
  ck_assert_uint_eq(T.root.n_children, 6);
  const sd_block *h = &T.root.children[3];
  ck_assert_int_eq(h->kind, SD_BLK_HEADING);
  ck_assert_int_eq(h->level, 2);
  ck_assert_int_eq(h->inl[0].kind, SD_INL_MSG);
  ck_assert_str_eq(h->inl[0].arg_values[0], "review");
  ck_assert_int_eq(h->inl[2].kind, SD_INL_DATE);
  ck_assert_str_eq(h->inl[2].text, "2025-03-10");
  ck_assert_str_eq(h->inl[2].field, "date");
  const sd_block *l = &T.root.children[5];
  ck_assert_int_eq(l->kind, SD_BLK_LIST);
  ck_assert_uint_eq(l->n_children, 3);
  const sd_block *p = &l->children[2].children[0];
  ck_assert_str_eq(p->inl[0].text, "3. ");
  ck_assert_str_eq(p->inl[1].text, "Sam");
  ck_assert_int_eq(T.root.children[1].kind, SD_BLK_LIST);
  ck_assert(T.root.children[1].ordered);
}
END_TEST

START_TEST(test_inline_each_joins_with_commas)
{
  const char *tpl = "With {{#each meetings}}{{#if @last}}{{#each attendees}}"
                    "{{#if @first}}{{else}}{{#if @last}} and {{else}}, {{/if}}{{/if}}{{name}}{{/each}}{{/if}}{{/each}}.\n";
  ck_assert_int_eq(expand(tpl, &B->c, NULL, &T, D), SD_OK);
  const sd_block *p = &T.root.children[0];
  char buf[200] = "";
  for (size_t i = 0; i < p->n_inl; i++) strcat(buf, p->inl[i].text);
  ck_assert_str_eq(buf, "With Ms Patel, Mr Khan and Sam.");
}
END_TEST

START_TEST(test_if_else)
{
  const char *tpl =
    "{{#if family.interpreter-needed}}\n\nINTERPRETER\n\n{{else}}\n\nNONE\n\n{{/if}}\n\n"
    "{{#if child.photo}}\n\nPHOTO\n\n{{/if}}\n\n"
    "{{#if child.nickname}}\n\nNICK {{child.nickname}}\n\n{{/if}}\n\n"
    "A{{#if strengths}} yes{{else}} no{{/if}}\n";
  ck_assert_int_eq(expand(tpl, &B->c, NULL, &T, D), SD_OK);
  ck_assert_uint_eq(T.root.n_children, 3);
  ck_assert_str_eq(T.root.children[0].inl[0].text, "NONE");
  ck_assert_str_eq(T.root.children[1].inl[0].text, "PHOTO");
  ck_assert_str_eq(T.root.children[2].inl[0].text, "A yes");
}
END_TEST

START_TEST(test_each_else_when_empty)
{
  sd_case_node *st = NULL;
  for (size_t i = 0; i < B->used; i++)
    if (strcmp(B->n[i].name, "strengths") == 0) st = &B->n[i];
  st->n_children = 0;
  ck_assert_int_eq(expand("{{#each strengths}}\n\n- {{.}}\n\n{{else}}\n\nNone yet.\n\n{{/each}}\n", &B->c, NULL, &T, D), SD_OK);
  ck_assert_uint_eq(T.root.n_children, 1);
  ck_assert_str_eq(T.root.children[0].inl[0].text, "None yet.");
}
END_TEST

START_TEST(test_unknown_field_reports_line_and_column)
{
  ck_assert_int_eq(expand("# Title\n\nHello {{child.nmae}}.\n", &B->c, NULL, &T, D), SD_E_INPUT);
  const sd_diag *g = first_error(D);
  ck_assert_ptr_nonnull(g);
  ck_assert_str_eq(g->code, "template.field");
  ck_assert_str_eq(g->file, "t.md");
  ck_assert_str_eq(g->field, "child.nmae");
  ck_assert_int_eq(g->line, 3);
  ck_assert_int_eq(g->col, 7);
  ck_assert_uint_eq(T.root.n_children, 0);
}
END_TEST

START_TEST(test_unknown_field_position_counts_front_matter_and_indent)
{
  const char *tpl = "---\ntype: note\n---\n- one\n- two **and {{child.bad}}**\n  more {{child.worse}}\n";
  ck_assert_int_eq(expand(tpl, &B->c, NULL, &T, D), SD_E_INPUT);
  ck_assert_uint_eq(sd_diags_errors(D), 2);
  ck_assert_int_eq(D->items[0].line, 5);
  ck_assert_int_eq(D->items[0].col, 13);
  ck_assert_int_eq(D->items[1].line, 6);
  ck_assert_int_eq(D->items[1].col, 8);
}
END_TEST

START_TEST(test_unclosed_braces_are_syntax_errors)
{
  sd_template *t = NULL;
  const char *s = "Hello {{child.preferred-name\n";
  ck_assert_int_eq(sd_template_parse(s, strlen(s), "t.md", &t, D), SD_E_INPUT);
  ck_assert_ptr_null(t);
  ck_assert(diags_have(D, "template.syntax"));
  ck_assert_int_eq(D->items[0].line, 1);
  ck_assert_int_eq(D->items[0].col, 7);
}
END_TEST

START_TEST(test_unbalanced_sections_are_syntax_errors)
{
  static const char *bad[] = {
    "text\n\n{{/each}}\n",
    "{{#each strengths}}\n\n- {{.}}\n",
    "{{#if a}}\n\nx\n\n{{/each}}\n",
    "a {{#if x}} b\n",
    "{{else}}\n",
    "{{#each strengths}}\n- {{.}}\n{{/each}}\n",
    "{{#bogus x}}\n",
    "{{}}\n",
    "{{#each}}\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    sd_diags *d = sd_diags_new();
    sd_template *t = NULL;
    ck_assert_int_eq(sd_template_parse(bad[i], strlen(bad[i]), "t.md", &t, d), SD_E_INPUT);
    ck_assert_msg(diags_have(d, "template.syntax"), "case %zu", i);
    sd_diags_free(d);
  }
}
END_TEST

START_TEST(test_translation_is_picked_by_language)
{
  static const struct { const char *want, *text, *used; } cases[] = {
    {"ur", "\xd8\xb3\xd8\xa7\xd9\x85", "ur"},
    {"ur-PK", "\xd8\xb3\xd8\xa7\xd9\x85", "ur"},
    {"pa", "\xe0\xa8\xb8\xe0\xa9\x88\xe0\xa8\xae", "pa-Guru"},
    {"pa-Guru-IN", "\xe0\xa8\xb8\xe0\xa9\x88\xe0\xa8\xae", "pa-Guru"},
    {"pa-Arab", "Sam", "en-GB"},   /* never Gurmukhi for Shahmukhi */
    {"pa-PK", "Sam", "en-GB"},
    {"bn", "Sam", "en-GB"},
    {"en-GB", "Sam", "en-GB"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    sd_doc_tree t;
    ck_assert_int_eq(expand("{{child.preferred-name}}\n", &B->c, cases[i].want, &t, D), SD_OK);
    ck_assert_str_eq(t.root.children[0].inl[0].text, cases[i].text);
    ck_assert_str_eq(t.root.children[0].inl[0].lang, cases[i].used);
    ck_assert_str_eq(t.lang, cases[i].want);
    sd_doc_tree_free(&t);
  }
}
END_TEST

START_TEST(test_front_matter_is_read)
{
  const char *tpl = "---\ntype: one-page-profile\npage: A5-landscape\nstyle: large-print\n"
                    "max-pages: 1\n# a comment\ntitle: \"{{child.preferred-name}}'s one-page profile\"\n"
                    "footer: {{t:footer.confidential}}\n---\n# Heading\n";
  ck_assert_int_eq(expand(tpl, &B->c, "ur", &T, D), SD_OK);
  ck_assert_str_eq(T.fm.doc_type, "one-page-profile");
  ck_assert_str_eq(T.fm.page_size, "A5-landscape");
  ck_assert_str_eq(T.fm.style, "large-print");
  ck_assert_int_eq(T.fm.max_pages, 1);
  ck_assert_uint_eq(T.n_title, 2);
  ck_assert_str_eq(T.title[0].lang, "ur");
  ck_assert_str_eq(T.title[1].text, "'s one-page profile");
  ck_assert_uint_eq(T.n_footer, 1);
  ck_assert_int_eq(T.footer[0].kind, SD_INL_MSG);
  ck_assert_str_eq(T.footer[0].text, "footer.confidential");
  ck_assert_int_eq(T.root.children[0].line, 10);
}
END_TEST

START_TEST(test_front_matter_defaults_and_first_h1_title)
{
  ck_assert_int_eq(expand("Intro\n\n# All about {{child.preferred-name}}\n\n# Second\n", &B->c, NULL, &T, D), SD_OK);
  ck_assert_str_eq(T.fm.page_size, "A4");
  ck_assert_str_eq(T.fm.style, "standard");
  ck_assert_int_eq(T.fm.max_pages, 0);
  ck_assert_ptr_null(T.fm.doc_type);
  ck_assert_uint_eq(T.n_title, 2);
  ck_assert_str_eq(T.title[0].text, "All about ");
  ck_assert_str_eq(T.title[1].text, "Sam");
}
END_TEST

START_TEST(test_front_matter_errors)
{
  static const struct { const char *tpl; int line, col; } bad[] = {
    {"---\ntype: x\ncolour: red\n---\n", 3, 1},
    {"---\npage: Letter\n---\n", 2, 7},
    {"---\nstyle: fancy\n---\n", 2, 8},
    {"---\nmax-pages: many\n---\n", 2, 12},
    {"---\ntype: a\ntype: b\n---\n", 3, 1},
    {"---\njust words\n---\n", 2, 1},
    {"---\ntype: a\n", 1, 1},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    sd_diags *d = sd_diags_new();
    sd_template *t = NULL;
    ck_assert_int_eq(sd_template_parse(bad[i].tpl, strlen(bad[i].tpl), "t.md", &t, d), SD_E_INPUT);
    const sd_diag *g = first_error(d);
    ck_assert_str_eq(g->code, "template.frontmatter");
    ck_assert_msg(g->line == bad[i].line && g->col == bad[i].col, "case %zu: %d:%d", i, g->line, g->col);
    sd_diags_free(d);
  }
}
END_TEST

START_TEST(test_message_with_arguments)
{
  const char *tpl = "{{t:profile.intro name=child.preferred-name school=\"Oak Hill\" who='say \"hi\"' n=#strengths}}\n";
  ck_assert_int_eq(expand(tpl, &B->c, "ur", &T, D), SD_OK);
  const sd_inline *m = &T.root.children[0].inl[0];
  ck_assert_int_eq(m->kind, SD_INL_MSG);
  ck_assert_str_eq(m->text, "profile.intro");
  ck_assert_uint_eq(m->n_args, 4);
  ck_assert_str_eq(m->arg_names[0], "name");
  ck_assert_str_eq(m->arg_values[0], "\xd8\xb3\xd8\xa7\xd9\x85");
  ck_assert_str_eq(m->arg_names[1], "school");
  ck_assert_str_eq(m->arg_values[1], "Oak Hill");
  ck_assert_str_eq(m->arg_values[2], "say \"hi\"");
  ck_assert_str_eq(m->arg_values[3], "2");
}
END_TEST

START_TEST(test_image_with_field_src_and_alt)
{
  const char *tpl = "Before\n![Photo: {{child.photo.alt}}]({{child.photo.src}}) after\n";
  ck_assert_int_eq(expand(tpl, &B->c, "ur", &T, D), SD_OK);
  ck_assert_uint_eq(T.root.n_children, 3);
  const sd_block *img = &T.root.children[1];
  ck_assert_int_eq(img->kind, SD_BLK_IMAGE);
  ck_assert_str_eq(img->src, "photos/sam.jpg");
  ck_assert_str_eq(img->alt, "Photo: \xd8\xb3\xd8\xa7\xd9\x85");
  ck_assert_uint_eq(img->n_inl, 2);
  ck_assert_str_eq(img->inl[1].lang, "ur");
  ck_assert_str_eq(T.root.children[2].inl[0].text, "after");
}
END_TEST

START_TEST(test_plain_note_without_case)
{
  ck_assert_int_eq(expand("# Note\n\n{{t:note.hello who=\"you\"}} {{date:2024-09-01}} `{{kept}}`\n", NULL, "bn", &T, D), SD_OK);
  const sd_block *p = &T.root.children[1];
  ck_assert_int_eq(p->inl[0].kind, SD_INL_MSG);
  ck_assert_int_eq(p->inl[2].kind, SD_INL_DATE);
  ck_assert_str_eq(p->inl[2].text, "2024-09-01");
  ck_assert_str_eq(p->inl[3].text, " {{kept}}");
  sd_doc_tree_free(&T);
  ck_assert_int_eq(expand("Hi {{child.preferred-name}}\n", NULL, "bn", &T, D), SD_E_INPUT);
  ck_assert(diags_have(D, "template.field"));
}
END_TEST

START_TEST(test_date_field_must_be_iso)
{
  ck_assert_int_eq(expand("{{date:child.date-of-birth}}\n", &B->c, NULL, &T, D), SD_OK);
  ck_assert_int_eq(T.root.children[0].inl[0].kind, SD_INL_DATE);
  ck_assert_str_eq(T.root.children[0].inl[0].text, "2016-03-09");
  sd_doc_tree_free(&T);
  ck_assert_int_eq(expand("{{date:child.preferred-name}}\n", &B->c, NULL, &T, D), SD_E_INPUT);
  ck_assert(diags_have(D, "template.field"));
}
END_TEST

START_TEST(test_date_today_is_left_for_the_engine)
{
  ck_assert_int_eq(expand("Printed {{date:today}}\n", NULL, "en-GB", &T, D), SD_OK);
  ck_assert_int_eq(T.root.children[0].inl[1].kind, SD_INL_DATE);
  ck_assert_str_eq(T.root.children[0].inl[1].text, "today");
}
END_TEST

START_TEST(test_fields_survive_cmark_splitting)
{
  ck_assert_int_eq(expand("a &amp; [{{child.preferred-name}}] \\* {{t:k_x v=\"a_b_c\"}}!\n", &B->c, NULL, &T, D), SD_OK);
  const sd_block *p = &T.root.children[0];
  ck_assert_str_eq(p->inl[0].text, "a & [");
  ck_assert_str_eq(p->inl[1].text, "Sam");
  ck_assert_str_eq(p->inl[2].text, "] * ");
  ck_assert_str_eq(p->inl[3].text, "k_x");
  ck_assert_str_eq(p->inl[3].arg_values[0], "a_b_c");
}
END_TEST

START_TEST(test_markdown_features)
{
  ck_assert_int_eq(expand("*a* **b**  \nc\n\n---\n\n<b>x</b>\n\n    code {{x}}\n", NULL, NULL, &T, D), SD_OK);
  ck_assert_uint_eq(T.root.n_children, 4);
  const sd_block *p = &T.root.children[0];
  ck_assert(p->inl[0].strong);
  ck_assert_str_eq(p->inl[0].text, "a");
  ck_assert(!p->inl[1].strong);
  ck_assert(p->inl[2].strong);
  ck_assert_int_eq(p->inl[3].kind, SD_INL_BREAK);
  ck_assert_int_eq(T.root.children[1].kind, SD_BLK_RULE);
  ck_assert_str_eq(T.root.children[2].inl[0].text, "<b>x</b>");
  ck_assert_str_eq(T.root.children[3].inl[0].text, "code {{x}}");
}
END_TEST

START_TEST(test_limits)
{
  size_t n = (1u << 20) + 1;
  char *big = malloc(n + 1);
  memset(big, 'a', n);
  big[n] = '\0';
  sd_template *t = NULL;
  ck_assert_int_eq(sd_template_parse(big, n, "t.md", &t, D), SD_E_LIMIT);
  ck_assert(diags_have(D, "template.limit"));
  /* lists nested 40 deep */
  char *deep = big;
  size_t k = 0;
  for (int i = 0; i < 40; i++) {
    memset(deep + k, ' ', (size_t)i * 2);
    k += (size_t)i * 2;
    memcpy(deep + k, "- x\n", 4);
    k += 4;
  }
  deep[k] = '\0';
  ck_assert_int_eq(sd_template_parse(deep, k, "t.md", &t, D), SD_E_LIMIT);
  ck_assert_ptr_null(t);
  /* 40 nested ifs */
  k = 0;
  for (int i = 0; i < 40; i++) k += (size_t)sprintf(deep + k, "{{#if a}}\n\n");
  ck_assert_int_eq(sd_template_parse(deep, k, "t.md", &t, D), SD_E_LIMIT);
  k = 0;
  for (int i = 0; i < 40; i++) k += (size_t)sprintf(deep + k, "{{#if a}}");
  ck_assert_int_eq(sd_template_parse(deep, k, "t.md", &t, D), SD_E_LIMIT);
  /* expansion past 100,000 blocks */
  many(B, B->c.root, "lots", "i", 3000);
  k = (size_t)sprintf(deep, "{{#each lots}}\n\n");
  for (int i = 0; i < 40; i++) k += (size_t)sprintf(deep + k, "p{{.}}\n\n");
  k += (size_t)sprintf(deep + k, "{{/each}}\n");
  sd_diags_free(D);
  D = sd_diags_new();
  ck_assert_int_eq(expand(deep, &B->c, NULL, &T, D), SD_E_LIMIT);
  ck_assert(diags_have(D, "template.limit"));
  ck_assert_uint_eq(T.root.n_children, 0);
  free(big);
}
END_TEST

START_TEST(test_invalid_utf8_is_rejected)
{
  sd_template *t = NULL;
  const char s[] = "ok\nbad \xC3\x28\n";
  ck_assert_int_eq(sd_template_parse(s, sizeof s - 1, "t.md", &t, D), SD_E_INPUT);
  ck_assert_int_eq(D->items[0].line, 2);
  ck_assert_int_eq(D->items[0].col, 5);
}
END_TEST

START_TEST(test_free_null_is_noop)
{
  sd_template_free(NULL);
  sd_doc_tree_free(NULL);
  ck_assert_ptr_null(sd_template_front_matter(NULL));
}
END_TEST

/* Pathological inputs (cmark's pathological_tests.py): each must finish well
 * inside the test timeout. */
START_TEST(test_pathological_inputs)
{
  size_t cap = (1u << 20) - 64;
  char *s = malloc(cap + 64);
  const char *pieces[] = {"&amp;{{child.preferred-name}}", "\\*x", "{{a.b", "- i\n", "{{#if strengths}}x{{/if}}"};
  many(B, B->c.root, "lots", "i", 1000);
  for (size_t p = 0; p < sizeof pieces / sizeof pieces[0]; p++) {
    size_t k = 0, pl = strlen(pieces[p]);
    while (k + pl < cap) {
      memcpy(s + k, pieces[p], pl);
      k += pl;
    }
    s[k] = '\0';
    sd_diags *d = sd_diags_new();
    sd_doc_tree t;
    sd_status st = expand(s, &B->c, "ur", &t, d);
    ck_assert_msg(st == SD_OK || st == SD_E_INPUT || st == SD_E_LIMIT, "piece %zu: %d", p, st);
    sd_doc_tree_free(&t);
    sd_diags_free(d);
  }
  /* 1,000 x 1,000 adjacent literals: joined in one pass */
  ck_assert_int_eq(expand("{{#each lots}}{{#each lots}}x{{/each}}{{/each}}\n", &B->c, NULL, &T, D), SD_OK);
  ck_assert_uint_eq(strlen(T.root.children[0].inl[0].text), 1000000);
  sd_doc_tree_free(&T);
  ck_assert_int_eq(expand("{{#each lots}}{{#each lots}}x{{/each}}y{{/each}}\n", &B->c, NULL, &T, D), SD_E_LIMIT);
  ck_assert_int_eq(expand("{{#each lots}}{{#each lots}}{{#if @first}}x{{/if}}{{/each}}{{/each}}\n", &B->c, NULL, &T, D), SD_OK);
  ck_assert_uint_eq(strlen(T.root.children[0].inl[0].text), 1000);
  sd_doc_tree_free(&T);
  /* tables: 1 MB of rows, a line of pipes, and rows multiplied past the block limit */
  size_t k = (size_t)sprintf(s, "| a | b |\n|---|---|\n");
  while (k + 40 < cap) k += (size_t)sprintf(s + k, "| **{{child.preferred-name}}** | \\| |\n");
  s[k] = '\0';
  ck_assert_int_eq(expand(s, &B->c, "ur", &T, D), SD_OK);
  ck_assert_uint_gt(T.root.children[0].n_children, 20000);
  sd_doc_tree_free(&T);
  k = (size_t)sprintf(s, "| a |\n|---|\n");
  memset(s + k, '|', cap - k);
  s[cap] = '\0';
  ck_assert_int_eq(expand(s, &B->c, NULL, &T, D), SD_E_LIMIT);
  ck_assert_int_eq(expand("| a |\n|---|\n{{#each lots}}{{#each lots}}| x |{{/each}}{{/each}}\n", &B->c, NULL, &T, D),
                   SD_E_LIMIT);
  free(s);
}
END_TEST

static sd_case_node *node_named(cb *b, const char *name)
{
  for (size_t i = 0; i < b->used; i++)
    if (b->n[i].name && strcmp(b->n[i].name, name) == 0) return &b->n[i];
  return NULL;
}

START_TEST(test_table_header_and_each_rows_keep_data_literal)
{
  node_named(B, "type")->text = "plan | **x**";
  const char *tpl = "Intro\n\n"
                    "| {{t:meeting.date}} | **Type** |\n"
                    "|:---|---:|\n"
                    "{{#each meetings}}| {{date:date}} | {{type}} |{{/each}}\n"
                    "| Total \\| all `a\\|b` | {{count:meetings}} |\n";
  ck_assert_int_eq(expand(tpl, &B->c, "en-GB", &T, D), SD_OK);
  ck_assert_uint_eq(T.root.n_children, 2);
  const sd_block *t = &T.root.children[1];
  ck_assert_int_eq(t->kind, SD_BLK_TABLE);
  ck_assert_int_eq(t->line, 3);
  ck_assert_uint_eq(t->n_children, 4);
  for (size_t i = 0; i < 4; i++) {
    ck_assert_int_eq(t->children[i].kind, SD_BLK_ROW);
    ck_assert(t->children[i].header == (i == 0));
    ck_assert_uint_eq(t->children[i].n_children, 2);
    ck_assert_int_eq(t->children[i].children[0].kind, SD_BLK_CELL);
  }
  const sd_block *h = &t->children[0];
  ck_assert_int_eq(h->children[0].inl[0].kind, SD_INL_MSG);
  ck_assert_str_eq(h->children[0].inl[0].text, "meeting.date");
  ck_assert(h->children[1].inl[0].strong);
  ck_assert_str_eq(h->children[1].inl[0].text, "Type");
  ck_assert_int_eq(h->children[1].col, 24);
  /* a case value with | and ** stays one literal cell */
  const sd_block *c = &t->children[1].children[1];
  ck_assert_uint_eq(c->n_inl, 1);
  ck_assert_str_eq(c->inl[0].text, "plan | **x**");
  ck_assert(!c->inl[0].strong);
  ck_assert_str_eq(c->inl[0].field, "type");
  ck_assert_int_eq(t->children[1].children[0].inl[0].kind, SD_INL_DATE);
  ck_assert_str_eq(t->children[2].children[0].inl[0].text, "2025-03-10");
  ck_assert_str_eq(t->children[2].children[1].inl[0].text, "review");
  ck_assert_str_eq(t->children[3].children[0].inl[0].text, "Total | all a|b");
  ck_assert_str_eq(t->children[3].children[1].inl[0].text, "2");
}
END_TEST

START_TEST(test_table_rows_in_sections_and_empty_cells)
{
  const char *tpl = "| A | B |\n"
                    "|---|---|\n"
                    "{{#if family.home-language == \"pl\"}}\n"
                    "| pl | |\n"
                    "{{else}}\n"
                    "| other | |\n"
                    "{{/if}}\n"
                    "{{#lang ur}}| {{child.preferred-name}} | {{t:k}} |{{/lang}}\n"
                    "{{#each nothing-here}}| x | y |{{/each}}\n";
  ck_assert_int_eq(expand(tpl, &B->c, "en-GB", &T, D), SD_E_INPUT);
  ck_assert(diags_have(D, "template.field")); /* the each names no element */
  sd_diags_free(D);
  D = sd_diags_new();
  char *ok = strdup(tpl);
  *strstr(ok, "{{#each nothing") = '\0';
  ck_assert_int_eq(expand(ok, &B->c, "en-GB", &T, D), SD_OK);
  const sd_block *t = &T.root.children[0];
  ck_assert_uint_eq(t->n_children, 3);
  ck_assert_str_eq(t->children[1].children[0].inl[0].text, "other");
  ck_assert_uint_eq(t->children[1].children[1].n_inl, 0);
  const sd_block *r = &t->children[2];
  ck_assert_str_eq(r->lang, "ur");
  ck_assert_str_eq(r->children[0].lang, "ur");
  ck_assert_str_eq(r->children[0].inl[0].text, "\xd8\xb3\xd8\xa7\xd9\x85");
  ck_assert_str_eq(r->children[1].inl[0].lang, "ur");
  free(ok);
}
END_TEST

START_TEST(test_table_cell_count_mismatch_reports_line_and_column)
{
  static const struct { const char *tpl; int line, col; } bad[] = {
    {"| a | b |\n|---|---|\n| c |\n", 3, 1},
    {"| a | b |\n|---|\n", 2, 1},
    {"---\ntype: x\n---\n- item\n\n  | a |\n  |---|\n  | b | c |\n", 8, 3},
    {"| a |\n|---|\nb | c\n", 3, 1},
    {"| a |\n|---|\n| ![x](y.png) |\n", 3, 3},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    sd_diags *d = sd_diags_new();
    sd_template *t = NULL;
    ck_assert_int_eq(sd_template_parse(bad[i].tpl, strlen(bad[i].tpl), "t.md", &t, d), SD_E_INPUT);
    const sd_diag *g = first_error(d);
    ck_assert_str_eq(g->code, "template.syntax");
    ck_assert_msg(g->line == bad[i].line && g->col == bad[i].col, "case %zu: %d:%d", i, g->line, g->col);
    sd_diags_free(d);
  }
  /* without a delimiter row it is a paragraph */
  ck_assert_int_eq(expand("| a |\n| b |\n", NULL, NULL, &T, D), SD_OK);
  ck_assert_int_eq(T.root.children[0].kind, SD_BLK_PARAGRAPH);
  ck_assert_str_eq(T.root.children[0].inl[0].text, "| a | | b |");
}
END_TEST

START_TEST(test_if_equality)
{
  const char *tpl =
    "{{#if family.home-language == \"ur\"}}\n\nUR\n\n{{else}}\n\nNOT\n\n{{/if}}\n\n"
    "{{#if family.home-language != 'ur'}}\n\nNE\n\n{{/if}}\n\n"
    "A{{#if child.nickname == \"\"}} missing-is-empty{{/if}}"
    "{{#if child.nickname == \"x\"}} no{{else}} else{{/if}}"
    "{{#if family.home-language == \"u\"}} prefix{{/if}}\n";
  ck_assert_int_eq(expand(tpl, &B->c, NULL, &T, D), SD_OK);
  ck_assert_uint_eq(T.root.n_children, 2);
  ck_assert_str_eq(T.root.children[0].inl[0].text, "UR");
  ck_assert_str_eq(T.root.children[1].inl[0].text, "A missing-is-empty else");
  sd_doc_tree_free(&T);
  const char *lt = "{{#if @lang != \"en\"}}other{{else}}english{{/if}} "
                   "{{#lang ur}}{{#if @lang == \"ur\"}}urdu{{/if}}{{/lang}} {{#if @lang == \"en-GB\"}}gb{{/if}}"
                   "{{#if @lang == \"e\"}}prefix{{/if}}\n";
  ck_assert_int_eq(expand(lt, &B->c, "en-GB", &T, D), SD_OK);
  ck_assert_str_eq(T.root.children[0].inl[0].text, "english ");
  ck_assert_str_eq(T.root.children[0].inl[1].text, "urdu");
  ck_assert_str_eq(T.root.children[0].inl[2].text, " gb");
  sd_doc_tree_free(&T);
  ck_assert_int_eq(expand(lt, &B->c, "pl", &T, D), SD_OK);
  ck_assert_str_eq(T.root.children[0].inl[0].text, "other ");
  static const char *bad[] = {"{{#if @lang}}\n", "{{#if a = \"x\"}}\n", "{{#if a == x}}\n", "{{#if a == \"x}}\n",
                              "{{#if @first == \"x\"}}\n", "{{#if a == \"x\" y}}\n"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    sd_diags *d = sd_diags_new();
    sd_template *t = NULL;
    ck_assert_int_eq(sd_template_parse(bad[i], strlen(bad[i]), "t.md", &t, d), SD_E_INPUT);
    ck_assert_msg(diags_have(d, "template.syntax"), "case %zu", i);
    sd_diags_free(d);
  }
}
END_TEST

START_TEST(test_lang_sections_pick_translations_and_mark_language)
{
  const char *tpl = "{{#lang ur}}\n\n"
                    "## {{t:profile.strengths}} {{child.preferred-name}}\n\n"
                    "- {{date:child.date-of-birth}}\n\n"
                    "{{/lang}}\n\n"
                    "Name: {{child.preferred-name}} / {{#lang ur}}{{child.preferred-name}} {{t:x}}{{/lang}}\n";
  ck_assert_int_eq(expand(tpl, &B->c, "en-GB", &T, D), SD_OK);
  ck_assert_uint_eq(T.root.n_children, 3);
  const sd_block *h = &T.root.children[0];
  ck_assert_str_eq(h->lang, "ur");
  ck_assert_int_eq(h->inl[0].kind, SD_INL_MSG);
  ck_assert_str_eq(h->inl[0].lang, "ur");
  ck_assert_str_eq(h->inl[2].text, "\xd8\xb3\xd8\xa7\xd9\x85");
  ck_assert_str_eq(h->inl[2].lang, "ur");
  const sd_block *l = &T.root.children[1];
  ck_assert_str_eq(l->lang, "ur");
  ck_assert_str_eq(l->children[0].lang, "ur");
  ck_assert_str_eq(l->children[0].children[0].lang, "ur");
  ck_assert_str_eq(l->children[0].children[0].inl[0].lang, "ur");
  const sd_block *p = &T.root.children[2];
  ck_assert_ptr_null(p->lang);
  ck_assert_str_eq(p->inl[1].text, "Sam");
  ck_assert_str_eq(p->inl[3].text, "\xd8\xb3\xd8\xa7\xd9\x85");
  ck_assert_str_eq(p->inl[4].text, " ");
  ck_assert_str_eq(p->inl[4].lang, "ur");
  ck_assert_int_eq(p->inl[5].kind, SD_INL_MSG);
  ck_assert_str_eq(p->inl[5].lang, "ur");
  /* the same section in a document already in Urdu marks nothing */
  sd_doc_tree_free(&T);
  ck_assert_int_eq(expand(tpl, &B->c, "ur", &T, D), SD_OK);
  ck_assert_ptr_null(T.root.children[0].lang);
  ck_assert_ptr_null(T.root.children[0].inl[0].lang);
}
END_TEST

START_TEST(test_lang_sections_nest)
{
  const char *tpl = "{{#lang en-GB}}\n\n"
                    "## {{t:h}} {{child.preferred-name}}\n\n"
                    "{{#lang doc}}\n\n{{child.preferred-name}} {{t:h}}\n\n{{/lang}}\n\n"
                    "{{#lang pa_Guru}}\n\n{{child.preferred-name}}\n\n{{/lang}}\n\n"
                    "{{/lang}}\n\n"
                    "{{child.preferred-name}}\n";
  ck_assert_int_eq(expand(tpl, &B->c, "ur", &T, D), SD_OK);
  ck_assert_uint_eq(T.root.n_children, 4);
  const sd_block *h = &T.root.children[0];
  ck_assert_str_eq(h->lang, "en-GB");
  ck_assert_str_eq(h->inl[0].lang, "en-GB");
  ck_assert_str_eq(h->inl[2].text, "Sam");
  ck_assert_str_eq(h->inl[2].lang, "en-GB");
  const sd_block *d = &T.root.children[1];
  ck_assert_ptr_null(d->lang);
  ck_assert_str_eq(d->inl[0].text, "\xd8\xb3\xd8\xa7\xd9\x85");
  ck_assert_ptr_null(d->inl[2].lang);
  ck_assert_str_eq(T.root.children[2].lang, "pa-Guru");
  ck_assert_str_eq(T.root.children[2].inl[0].text, "\xe0\xa8\xb8\xe0\xa9\x88\xe0\xa8\xae");
  ck_assert_ptr_null(T.root.children[3].lang);
  ck_assert_str_eq(T.root.children[3].inl[0].lang, "ur");
  static const char *bad[] = {"{{#lang ur}}\n\nx\n\n{{else}}\n\ny\n\n{{/lang}}\n", "{{#lang ur}}\n\nx\n",
                              "a {{#lang 12}}b{{/lang}}\n", "a {{#lang ur}}b{{/if}}\n", "{{#lang}}\n"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    sd_diags *dg = sd_diags_new();
    sd_template *t = NULL;
    ck_assert_int_eq(sd_template_parse(bad[i], strlen(bad[i]), "t.md", &t, dg), SD_E_INPUT);
    ck_assert_msg(diags_have(dg, "template.syntax"), "case %zu", i);
    sd_diags_free(dg);
  }
}
END_TEST

START_TEST(test_header_and_watermark_front_matter)
{
  const char *tpl = "---\nheader: {{t:ehcp.header}} {{child.preferred-name}}\n"
                    "watermark: {{#if family.home-language == \"ur\"}}{{t:common.draft}}{{/if}}\n---\nx\n";
  ck_assert_int_eq(expand(tpl, &B->c, "en-GB", &T, D), SD_OK);
  ck_assert_uint_eq(T.n_header, 3);
  ck_assert_int_eq(T.header[0].kind, SD_INL_MSG);
  ck_assert_str_eq(T.header[2].text, "Sam");
  ck_assert_uint_eq(T.n_watermark, 1);
  ck_assert_str_eq(T.watermark[0].text, "common.draft");
  char *d = dump(&T);
  ck_assert_ptr_nonnull(strstr(d, "header\n  msg \"ehcp.header\"\n"));
  ck_assert_ptr_nonnull(strstr(d, "watermark\n  msg \"common.draft\"\n"));
  free(d);
  sd_doc_tree_free(&T);
  node_named(B, "home-language")->text = "pl";
  ck_assert_int_eq(expand(tpl, &B->c, "en-GB", &T, D), SD_OK);
  ck_assert_uint_eq(T.n_watermark, 0);
  ck_assert_ptr_null(T.watermark);
  ck_assert_uint_eq(T.n_header, 3);
  d = dump(&T);
  ck_assert_ptr_null(strstr(d, "watermark"));
  free(d);
}
END_TEST

START_TEST(test_count_of_items)
{
  ck_assert_int_eq(expand("{{count:strengths}} and {{count:meetings}} and {{count:nothing}}\n", &B->c, NULL, &T, D), SD_OK);
  ck_assert_str_eq(T.root.children[0].inl[0].text, "2");
  ck_assert_str_eq(T.root.children[0].inl[0].field, "strengths");
  ck_assert_str_eq(T.root.children[0].inl[2].text, "2");
  ck_assert_str_eq(T.root.children[0].inl[4].text, "0");
}
END_TEST

/* issue 15: the golden thread. need>@index is the number of the need an
 * outcome points at, counted among the needs (translations not counted), so
 * section E can say "B2" instead of repeating the need. */
static char *first_para_text(const sd_doc_tree *t)
{
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  const sd_block *b = &t->root.children[0];
  for (size_t i = 0; i < b->n_inl; i++)
    if (b->inl[i].text) fputs(b->inl[i].text, f);
  fclose(f);
  while (n && buf[n - 1] == ' ') buf[--n] = '\0';
  return buf;
}

START_TEST(test_reference_index_numbers_the_referenced_element)
{
  sd_case_node *needs = el(B, B->c.root, "needs", NULL);
  for (int i = 0; i < 3; i++) {
    sd_case_node *n = el(B, needs, "need", i == 0 ? "Hearing" : i == 1 ? "Speech" : "Feelings");
    at(B, n, "id", i == 0 ? "n-a" : i == 1 ? "n-b" : "n-c");
    if (i == 0) tr(B, n, "ur", "\xd8\xb3");
  }
  sd_case_node *outs = el(B, B->c.root, "outcomes", NULL);
  const char *refs[] = { "n-c", "n-a", "n-b" };
  for (int i = 0; i < 3; i++) {
    sd_case_node *o = el(B, outs, "outcome", "Goal");
    at(B, o, "id", i == 0 ? "o1" : i == 1 ? "o2" : "o3");
    at(B, o, "need", refs[i]);
  }
  ck_assert_int_eq(expand("{{#each outcomes}}E{{@index}}>B{{need>@index}} {{/each}}\n", &B->c, "ur", &T, D), SD_OK);
  char *got = first_para_text(&T);
  ck_assert_str_eq(got, "E1>B3 E2>B1 E3>B2");
  free(got);
  /* a reference to nothing is an error, as need>type is */
  sd_doc_tree_free(&T);
  ck_assert_int_eq(expand("{{#each strengths}}{{id>@index}}{{/each}}\n", &B->c, NULL, &T, D), SD_E_INPUT);
  ck_assert(diags_have(D, "template.field"));
}
END_TEST

/* fuzz_template (clang UBSan): an id reference against a case with no ids
 * passed bsearch a null array, undefined even with no elements. GCC inlines
 * glibc's bsearch and cannot see it; the input is in the fuzz corpus too. */
START_TEST(test_regression_id_reference_in_case_without_ids)
{
  ck_assert_int_eq(expand("{{child.dob>date}}.\n", &B->c, NULL, &T, D), SD_E_INPUT);
  ck_assert(diags_have(D, "template.field"));
  ck_assert_int_eq(D->items[0].line, 1);
  ck_assert_int_eq(D->items[0].col, 1);
}
END_TEST

/* fuzz_template: a message before text in an image source overflowed the
 * source buffer (sized up to the message, filled with all the text) */
START_TEST(test_regression_image_source_with_message_then_text)
{
  ck_assert_int_eq(expand("![x]({{t:k}}abcdefghijklmnop)\n", NULL, NULL, &T, D), SD_E_INPUT);
  ck_assert(diags_have(D, "template.syntax"));
  ck_assert_uint_eq(T.root.n_children, 0);
}
END_TEST

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  size_t r = fread(s, 1, (size_t)n, f);
  s[r] = '\0';
  fclose(f);
  return s;
}

static const char golden_tpl[] =
  "---\n"
  "type: one-page-profile\n"
  "page: A4\n"
  "max-pages: 1\n"
  "footer: {{t:footer.profile name=child.preferred-name}}\n"
  "---\n"
  "# {{child.preferred-name}}'s one-page profile\n"
  "\n"
  "{{#if child.photo}}\n"
  "\n"
  "![{{child.photo.alt}}]({{child.photo.src}})\n"
  "\n"
  "{{/if}}\n"
  "\n"
  "## {{t:profile.strengths}}\n"
  "\n"
  "{{#each strengths}}\n"
  "\n"
  "- **{{.}}**\n"
  "\n"
  "{{/each}}\n"
  "\n"
  "Born {{date:child.date-of-birth}}.  \n"
  "Meetings: {{#each meetings}}{{#if @first}}{{else}}; {{/if}}{{date:date}} ({{type}}){{/each}}\n"
  "\n"
  "1. Ordered\n"
  "   - nested {{@index}}\n"
  "\n"
  "***\n";

START_TEST(test_golden_profile_dump)
{
  /* {{@index}} outside each is an error: fix the template first */
  ck_assert_int_eq(expand(golden_tpl, &B->c, "ur", &T, D), SD_E_INPUT);
  ck_assert_int_eq(D->items[0].line, 27);
  ck_assert_int_eq(D->items[0].col, 13);
  char *fixed = strdup(golden_tpl);
  char *at = strstr(fixed, " {{@index}}");
  memset(at, ' ', 11); /* same length: blank it */
  sd_diags_free(D);
  D = sd_diags_new();
  ck_assert_int_eq(expand(fixed, &B->c, "ur", &T, D), SD_OK);
  char *got = dump(&T);
  const char *path = "tests/golden/template_profile.expected";
  if (getenv("SD_UPDATE_GOLDEN")) {
    FILE *f = fopen(path, "wb");
    fputs(got, f);
    fclose(f);
  }
  char *want = slurp(path);
  ck_assert_ptr_nonnull(want);
  ck_assert_str_eq(got, want);
  free(want);
  free(got);
  free(fixed);
}
END_TEST

static const char golden_ehcp_tpl[] =
  "---\n"
  "type: ehcp\n"
  "header: {{t:ehcp.header name=child.preferred-name}}\n"
  "watermark: {{#if family.interpreter-needed == \"false\"}}{{t:common.draft}}{{/if}}\n"
  "---\n"
  "# {{t:ehcp.title}}\n"
  "\n"
  "| {{t:review.date}} | {{t:review.type}} | {{t:review.attendees}} |\n"
  "|:---|:---:|---|\n"
  "{{#each meetings}}| {{date:date}} | **{{type}}** | {{#each attendees}}{{#if @first}}{{else}}, {{/if}}{{name}}{{/each}} |{{/each}}\n"
  "{{#if family.home-language != \"en\"}}\n"
  "{{#lang doc}}| {{t:review.language}} | {{family.home-language}} | {{count:strengths}} |{{/lang}}\n"
  "{{/if}}\n"
  "\n"
  "{{#lang en-GB}}\n"
  "\n"
  "## {{t:profile.strengths}} ({{child.preferred-name}})\n"
  "\n"
  "{{#each strengths}}\n"
  "\n"
  "- {{.}} {{#lang doc}}{{t:profile.strength}}{{/lang}}\n"
  "\n"
  "{{/each}}\n"
  "\n"
  "{{/lang}}\n"
  "\n"
  "{{child.preferred-name}}: {{date:child.date-of-birth}}\n";

START_TEST(test_golden_ehcp_dump)
{
  ck_assert_int_eq(expand(golden_ehcp_tpl, &B->c, "ur", &T, D), SD_OK);
  char *got = dump(&T);
  const char *path = "tests/golden/template_ehcp.expected";
  if (getenv("SD_UPDATE_GOLDEN")) {
    FILE *f = fopen(path, "wb");
    fputs(got, f);
    fclose(f);
  }
  char *want = slurp(path);
  ck_assert_ptr_nonnull(want);
  ck_assert_str_eq(got, want);
  free(want);
  free(got);
}
END_TEST

/* issue 13: an empty template printed a blank PDF and exited 0 */
START_TEST(test_empty_template_is_an_error)
{
  const char *empty[] = { "", "\n\n  \n", "---\ntype: note\n---\n", "---\ntitle: x\n---\n\n\t\n" };
  for (size_t i = 0; i < sizeof empty / sizeof *empty; i++) {
    sd_diags *d = sd_diags_new();
    sd_template *t = NULL;
    ck_assert_int_eq(sd_template_parse(empty[i], strlen(empty[i]), "empty.md", &t, d), SD_E_INPUT);
    ck_assert_ptr_null(t);
    ck_assert(diags_have(d, "template.empty"));
    sd_diags_free(d);
  }
}
END_TEST

/* issue 13: nested strong/emphasis on one long line was quadratic (each
 * text node looked for the line's end); 50,000 of them (3.5 s before) parse in well under
 * a second */
START_TEST(test_long_line_of_emphasis_parses_in_linear_time)
{
  size_t n = 50000, cap = n * 40 + 16, o = 0;
  char *s = malloc(cap);
  o += (size_t)snprintf(s, cap, "# T\n\n");
  for (size_t i = 0; i < n; i++) o += (size_t)snprintf(s + o, cap - o, "**a _b %zu_ c** d ", i);
  sd_template *t = NULL;
  struct timespec t0, t1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
  ck_assert_int_eq(sd_template_parse(s, o, "long.md", &t, NULL), SD_OK);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
  double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
  ck_assert_msg(secs < 1.5, "%.2f s", secs);
  sd_template_free(t);
  free(s);
}
END_TEST

/* ---- review paperwork: one meeting (issue 11) -------------------------------- */

/* A case with annual reviews on three dates, a planning meeting between, and
 * attendees who came or sent apologies; roles translated by a glossary. */
static cb *review_case(bool with_meetings)
{
  cb *b = calloc(1, sizeof *b);
  sd_case_node *root = el(b, NULL, "case", NULL);
  root->lang = "en-GB";
  sd_case_node *child = el(b, root, "child", NULL);
  el(b, child, "preferred-name", "Sam");
  if (with_meetings) {
    sd_case_node *ms = el(b, root, "meetings", NULL);
    static const char *const ids[] = { "ar2024", "plan2025", "ar2025", "ar2026" };
    static const char *const dates[] = { "2024-12-01", "2025-12-05", "2025-12-10", "2026-12-09" };
    for (int i = 0; i < 4; i++) {
      sd_case_node *m = el(b, ms, "meeting", NULL);
      el(b, m, "date", dates[i]);
      sd_case_node *a = el(b, m, "attendees", NULL);
      sd_case_node *p = el(b, a, "person", NULL);
      el(b, p, "name", "Ms Patel");
      at(b, p, "role", "SENCo");
      p = el(b, a, "person", NULL);
      el(b, p, "name", "Dr Okafor");
      at(b, p, "role", "Educational psychologist");
      at(b, p, "attended", "false");
      at(b, m, "id", ids[i]);
      at(b, m, "type", i == 1 ? "planning" : "annual-review");
    }
    sd_case_node *g = el(b, root, "glossary", NULL);
    sd_case_node *item = el(b, g, "item", "SENCo");
    tr(b, item, "ur", "\xd8\xb3\xdb\x8c\xd9\x86\xda\xa9\xd9\x88"); /* سینکو */
  }
  b->c.root = root;
  b->c.file = "sam.xml";
  return b;
}

static sd_status expand_opts(const char *tpl, const sd_case *c, const char *lang, const sd_expand_options *o,
                             sd_doc_tree *out, sd_diags *d)
{
  sd_template *t = NULL;
  memset(out, 0, sizeof *out);
  sd_status st = sd_template_parse(tpl, strlen(tpl), "t.md", &t, d);
  if (st == SD_OK) st = sd_template_expand_with(t, c, lang, o, out, d);
  sd_template_free(t);
  return st;
}

static const char *NEXT_AR = "---\nmeeting: next annual-review\ntitle: {{date:date}}\n---\n\nOn {{date:date}}.\n";
static const char *LATEST_AR = "---\nmeeting: latest annual-review\n---\n\nOn {{date:date}}.\n";

START_TEST(test_meeting_next_is_the_one_on_or_after_the_date)
{
  cb *b = review_case(true);
  sd_expand_options o = { .today = "2025-12-01" };
  ck_assert_int_eq(expand_opts(NEXT_AR, &b->c, "en-GB", &o, &T, D), SD_OK);
  char *s = dump(&T);
  /* one meeting only: never the past one, never the planning meeting, never the year after */
  ck_assert_ptr_nonnull(strstr(s, "2025-12-10"));
  ck_assert_ptr_null(strstr(s, "2024-12-01"));
  ck_assert_ptr_null(strstr(s, "2025-12-05"));
  ck_assert_ptr_null(strstr(s, "2026-12-09"));
  free(s);
  sd_doc_tree_free(&T);
  /* the day of the meeting still counts as "on or after" */
  o.today = "2025-12-10";
  ck_assert_int_eq(expand_opts(NEXT_AR, &b->c, "en-GB", &o, &T, D), SD_OK);
  s = dump(&T);
  ck_assert_ptr_nonnull(strstr(s, "2025-12-10"));
  free(s);
  cb_free(b);
}
END_TEST

START_TEST(test_meeting_latest_is_the_one_held_else_the_next)
{
  cb *b = review_case(true);
  sd_expand_options o = { .today = "2026-01-20" };
  ck_assert_int_eq(expand_opts(LATEST_AR, &b->c, "en-GB", &o, &T, D), SD_OK);
  char *s = dump(&T);
  ck_assert_ptr_nonnull(strstr(s, "2025-12-10"));
  ck_assert_ptr_null(strstr(s, "2024-12-01"));
  free(s);
  sd_doc_tree_free(&T);
  o.today = "2024-06-01"; /* none held yet: the record is prepared for the next */
  ck_assert_int_eq(expand_opts(LATEST_AR, &b->c, "en-GB", &o, &T, D), SD_OK);
  s = dump(&T);
  ck_assert_ptr_nonnull(strstr(s, "2024-12-01"));
  free(s);
  cb_free(b);
}
END_TEST

START_TEST(test_meeting_named_by_id)
{
  cb *b = review_case(true);
  sd_expand_options o = { .today = "2025-12-01", .meeting_id = "ar2024" };
  ck_assert_int_eq(expand_opts(NEXT_AR, &b->c, "en-GB", &o, &T, D), SD_OK);
  char *s = dump(&T);
  ck_assert_ptr_nonnull(strstr(s, "2024-12-01"));
  ck_assert_ptr_null(strstr(s, "2025-12-10"));
  free(s);
  sd_doc_tree_free(&T);
  /* a meeting of another type, and an id the case does not have: one error each */
  o.meeting_id = "plan2025";
  ck_assert_int_eq(expand_opts(NEXT_AR, &b->c, "en-GB", &o, &T, D), SD_E_INPUT);
  ck_assert_uint_eq(sd_diags_errors(D), 1);
  ck_assert_str_eq(first_error(D)->code, "case.required");
  ck_assert_ptr_nonnull(strstr(first_error(D)->message, "planning"));
  o.meeting_id = "ar1999";
  ck_assert_int_eq(expand_opts(NEXT_AR, &b->c, "en-GB", &o, &T, D), SD_E_INPUT);
  ck_assert_uint_eq(sd_diags_errors(D), 2);
  ck_assert_ptr_nonnull(strstr(D->items[D->n - 1].message, "ar2024, plan2025, ar2025, ar2026"));
  cb_free(b);
}
END_TEST

START_TEST(test_regression_issue11_no_annual_review_is_one_plain_error)
{
  /* rumi-begum.xml printed a footer-only page: now one error at the case */
  cb *b = review_case(false);
  sd_expand_options o = { .today = "2025-12-01" };
  ck_assert_int_eq(expand_opts(NEXT_AR, &b->c, "en-GB", &o, &T, D), SD_E_INPUT);
  ck_assert_uint_eq(D->n, 1);
  const sd_diag *e = first_error(D);
  ck_assert_str_eq(e->code, "case.required");
  ck_assert_str_eq(e->file, "sam.xml");
  ck_assert_int_eq(e->line, 1);
  ck_assert_ptr_nonnull(strstr(e->message, "needs an annual-review meeting: add <meeting type=\"annual-review\">"));
  ck_assert_uint_eq(T.root.n_children, 0);
  cb_free(b);
}
END_TEST

START_TEST(test_meeting_all_past_is_not_reprinted)
{
  cb *b = review_case(true);
  sd_expand_options o = { .today = "2027-01-15" };
  ck_assert_int_eq(expand_opts(NEXT_AR, &b->c, "en-GB", &o, &T, D), SD_E_INPUT);
  ck_assert_uint_eq(D->n, 1);
  ck_assert_ptr_nonnull(strstr(D->items[0].message, "\"ar2026\" on 2026-12-09, has passed"));
  cb_free(b);
}
END_TEST

START_TEST(test_front_matter_meeting_must_name_a_rule_and_type)
{
  sd_template *t = NULL;
  const char *bad = "---\nmeeting: annual-review\n---\n\nx\n";
  ck_assert_int_eq(sd_template_parse(bad, strlen(bad), "t.md", &t, D), SD_E_INPUT);
  ck_assert(diags_have(D, "template.frontmatter"));
  const char *bad2 = "---\nmeeting: next party\n---\n\nx\n";
  ck_assert_int_eq(sd_template_parse(bad2, strlen(bad2), "t.md", &t, D), SD_E_INPUT);
  ck_assert_ptr_null(t);
}
END_TEST

START_TEST(test_each_where_keeps_matching_items)
{
  cb *b = review_case(true);
  sd_expand_options o = { .today = "2025-12-01" };
  const char *tpl = "---\nmeeting: next annual-review\n---\n\n"
                    "{{#each attendees where attended != \"false\"}}\n\n- came: {{name}}\n\n{{/each}}\n\n"
                    "{{#each attendees where attended == \"false\"}}\n\n- apologies: {{name}}\n\n{{/each}}\n\n"
                    "{{#each attendees where attended == \"maybe\"}}\n\nx\n\n{{else}}\n\nnobody\n\n{{/each}}\n";
  ck_assert_int_eq(expand_opts(tpl, &b->c, "en-GB", &o, &T, D), SD_OK);
  char *s = dump(&T);
  ck_assert_ptr_nonnull(strstr(s, "came: \"\n        text \"Ms Patel\""));
  ck_assert_ptr_null(strstr(s, "came: \"\n        text \"Dr Okafor\""));
  ck_assert_ptr_nonnull(strstr(s, "apologies: \"\n        text \"Dr Okafor\""));
  ck_assert_ptr_null(strstr(s, "apologies: \"\n        text \"Ms Patel\""));
  ck_assert_ptr_nonnull(strstr(s, "nobody"));
  free(s);
  cb_free(b);
}
END_TEST

START_TEST(test_glossary_translates_roles_and_counts_the_rest)
{
  cb *b = review_case(true);
  sd_expand_options o = { .today = "2025-12-01" };
  const char *tpl = "---\nmeeting: next annual-review\n---\n\n{{#each attendees}}\n\n- {{name}}: {{role}}\n\n{{/each}}\n";
  ck_assert_int_eq(expand_opts(tpl, &b->c, "ur", &o, &T, D), SD_OK);
  char *s = dump(&T);
  ck_assert_ptr_nonnull(strstr(s, "\xd8\xb3\xdb\x8c\xd9\x86\xda\xa9\xd9\x88"));
  ck_assert_ptr_null(strstr(s, "SENCo"));
  free(s);
  /* names are never translated; the psychologist's role has no Urdu */
  ck_assert_uint_eq(T.n_untranslated, 1);
  sd_doc_tree_free(&T);
  /* in English nothing is missing */
  ck_assert_int_eq(expand_opts(tpl, &b->c, "en-GB", &o, &T, D), SD_OK);
  ck_assert_uint_eq(T.n_untranslated, 0);
  ck_assert_uint_eq(D->n, 0);
  cb_free(b);
}
END_TEST

START_TEST(test_meeting_prefix_never_falls_back_to_the_case)
{
  /* the record printed the profile's views when the meeting had none */
  cb *b = review_case(true);
  sd_case_node *cv = el(b, b->c.root, "child-views", NULL);
  el(b, cv, "quote", "Profile quote");
  sd_expand_options o = { .today = "2025-12-01" };
  const char *tpl = "---\nmeeting: next annual-review\n---\n\n"
                    "{{#if meeting.child-views}}\n\nmeeting views\n\n{{else}}\n\nnone recorded\n\n{{/if}}\n\n"
                    "{{#each child-views}}\n\n- {{.}}\n\n{{/each}}\n";
  ck_assert_int_eq(expand_opts(tpl, &b->c, "en-GB", &o, &T, D), SD_OK);
  char *s = dump(&T);
  ck_assert_ptr_nonnull(strstr(s, "none recorded"));
  ck_assert_ptr_null(strstr(s, "meeting views"));
  ck_assert_ptr_nonnull(strstr(s, "Profile quote")); /* without the prefix: the nearest, here the case's */
  free(s);
  cb_free(b);
}
END_TEST

/* ---- the schema's fields: optional elements left out, requires: ---------- */

static sd_schema_fields *load_fields(void)
{
  char path[512];
  snprintf(path, sizeof path, "%s/schema/case.xsd", test_data_dir());
  sd_schema_fields *f = NULL;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(sd_schema_fields_load(path, &f, d), SD_OK);
  sd_diags_free(d);
  return f;
}

static sd_status expand_known(const char *tpl, const sd_case *c, sd_doc_tree *out, sd_diags *d)
{
  sd_schema_fields *f = load_fields();
  sd_template *t = NULL;
  memset(out, 0, sizeof *out);
  sd_status st = sd_template_parse(tpl, strlen(tpl), "t.md", &t, d);
  if (st == SD_OK) {
    sd_template_use_schema(t, f);
    st = sd_template_expand(t, c, "en-GB", out, d);
  }
  sd_template_free(t);
  sd_schema_fields_free(f);
  return st;
}

START_TEST(test_schema_fields_know_paths_from_the_xsd)
{
  sd_schema_fields *f = load_fields();
  ck_assert_uint_gt(sd_schema_fields_count(f), 50);
  ck_assert(sd_schema_fields_knows(f, "child.preferred-name"));
  ck_assert(sd_schema_fields_knows(f, "provision.item.group-size"));
  ck_assert(sd_schema_fields_knows(f, "group-size"));
  ck_assert(sd_schema_fields_knows(f, "meetings.meeting.agenda.item"));
  ck_assert(sd_schema_fields_knows(f, "ways-to-take-part"));
  ck_assert(sd_schema_fields_knows(f, "need>type"));
  ck_assert(sd_schema_fields_knows(f, "outcome>."));
  ck_assert(sd_schema_fields_knows(f, "outcome>@index"));
  ck_assert(sd_schema_fields_knows(f, "child-views.quote.recorded-by")); /* from the named type quote-list */
  ck_assert(!sd_schema_fields_knows(f, "group-sise"));
  ck_assert(!sd_schema_fields_knows(f, "child.group-size"));
  ck_assert(!sd_schema_fields_knows(f, "plan.status.x"));
  ck_assert(!sd_schema_fields_knows(f, ""));
  ck_assert(!sd_schema_fields_knows(NULL, "child"));
  sd_schema_fields_free(f);
}
END_TEST

/* An optional element the case leaves out is empty, an {{#each}} over it
 * visits nothing; a name no case can have stays a template error. */
START_TEST(test_optional_field_left_out_is_empty)
{
  cb *b = sample_case();
  sd_case_node *prov = el(b, b->c.root, "provision", NULL);
  sd_case_node *it = el(b, prov, "item", NULL);
  el(b, it, "what", "Speech therapy");
  sd_doc_tree doc;
  sd_diags *d = sd_diags_new();
  ck_assert_int_eq(expand_known("{{#each provision}}[{{what}}|{{group-size}}]{{/each}}\n\n"
                                "{{#each meetings.meeting}}{{#each agenda}}A{{else}}no agenda{{/each}}; {{/each}}\n\n"
                                "{{date:plan.review-date}}x {{t:k n=local-authority c=#outcomes}}\n",
                                &b->c, &doc, d),
                   SD_OK);
  char *s = dump(&doc);
  ck_assert_ptr_nonnull(strstr(s, "text \"Speech therapy\" lang=en-GB field=what\n    text \"|]\""));
  ck_assert_ptr_nonnull(strstr(s, "no agenda; no agenda"));
  ck_assert_ptr_nonnull(strstr(s, "text \"x \"\n    msg \"k\" n=\"\" c=\"0\""));
  free(s);
  sd_doc_tree_free(&doc);
  ck_assert_int_eq(expand_known("{{#each provision}}{{group-sise}}{{/each}}\n", &b->c, &doc, d), SD_E_INPUT);
  const sd_diag *g = first_error(d);
  ck_assert_str_eq(g->code, "template.field");
  ck_assert_str_eq(g->file, "t.md");
  ck_assert_int_eq(g->line, 1);
  /* without the schema every missing field is an error, as before */
  sd_diags_free(d);
  d = sd_diags_new();
  ck_assert_int_eq(expand("{{#each provision}}{{group-size}}{{/each}}\n", &b->c, "en-GB", &doc, d), SD_E_INPUT);
  ck_assert(diags_have(d, "template.field"));
  sd_diags_free(d);
  cb_free(b);
}
END_TEST

START_TEST(test_requires_names_the_case_element_that_should_hold_it)
{
  cb *b = sample_case();
  sd_case_node *plan = el(b, b->c.root, "plan", NULL);
  at(b, plan, "status", "final");
  el(b, plan, "plan-date", "2025-01-01");
  sd_doc_tree doc;
  sd_diags *d = sd_diags_new();
  const char *tpl = "---\n"
                    "requires: plan: a plan needs dates\n"
                    "requires: plan.issue-date if plan.status == \"final\": a final plan shows its issue date\n"
                    "requires: placement if plan.status == \"draft\": never asked here\n"
                    "requires: home-school.strategy: a card needs a strategy: add <home-school>\n"
                    "---\n\n# {{child.preferred-name}}\n";
  ck_assert_int_eq(expand_known(tpl, &b->c, &doc, d), SD_E_INPUT);
  ck_assert_uint_eq(d->n, 2);
  ck_assert_str_eq(d->items[0].code, "case.required");
  ck_assert_str_eq(d->items[0].file, "sam.xml");
  ck_assert_int_eq(d->items[0].line, plan->line); /* inside <plan> */
  ck_assert_str_eq(d->items[0].field, "issue-date");
  ck_assert_str_eq(d->items[0].message, "a final plan shows its issue date");
  ck_assert_int_eq(d->items[1].line, b->c.root->line); /* inside <case> */
  ck_assert_str_eq(d->items[1].field, "home-school");
  ck_assert_ptr_null(doc.root.children);
  sd_diags_free(d);
  /* a requirement on a name the schema does not know is the template's fault */
  d = sd_diags_new();
  ck_assert_int_eq(expand_known("---\nrequires: plann: x\n---\n\nHi\n", &b->c, &doc, d), SD_E_INPUT);
  ck_assert_str_eq(d->items[0].code, "template.frontmatter");
  ck_assert_str_eq(d->items[0].file, "t.md");
  ck_assert_int_eq(d->items[0].line, 2);
  sd_diags_free(d);
  /* malformed lines are parse errors */
  static const char *const bad[] = { "requires: plan\n", "requires: plan:\n", "requires: : why\n",
                                     "requires: plan if : why\n", "requires: plan if a == \"x: why\n" };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char t[256];
    snprintf(t, sizeof t, "---\n%s---\n\nHi\n", bad[i]);
    sd_template *tp = NULL;
    d = sd_diags_new();
    ck_assert_int_eq(sd_template_parse(t, strlen(t), "t.md", &tp, d), SD_E_INPUT);
    ck_assert(diags_have(d, "template.frontmatter"));
    sd_diags_free(d);
  }
  cb_free(b);
}
END_TEST


/* xs:boolean's false is "false" or "0": both are false to {{#if}}. */
START_TEST(test_if_boolean_zero_is_false)
{
  cb *b = sample_case();
  sd_doc_tree doc;
  sd_diags *d = sd_diags_new();
  sd_case_node *fam = b->c.root->children[2];
  ck_assert_str_eq(fam->name, "family");
  fam->children[0]->text = "0";
  ck_assert_int_eq(expand("{{#if family.interpreter-needed}}yes{{else}}no{{/if}}\n", &b->c, "en-GB", &doc, d), SD_OK);
  char *s = dump(&doc);
  ck_assert_ptr_nonnull(strstr(s, "text \"no\""));
  free(s);
  sd_doc_tree_free(&doc);
  fam->children[0]->text = "1";
  ck_assert_int_eq(expand("{{#if family.interpreter-needed}}yes{{else}}no{{/if}}\n", &b->c, "en-GB", &doc, d), SD_OK);
  s = dump(&doc);
  ck_assert_ptr_nonnull(strstr(s, "text \"yes\""));
  free(s);
  sd_doc_tree_free(&doc);
  sd_diags_free(d);
  cb_free(b);
}
END_TEST

static Suite *template_suite(void)
{
  Suite *s = suite_create("template");
  TCase *tc = tcase_create("core");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_field_is_substituted);
  tcase_add_test(tc, test_case_data_is_never_markup);
  tcase_add_test(tc, test_each_over_list_makes_one_list);
  tcase_add_test(tc, test_nested_each_meetings_attendees);
  tcase_add_test(tc, test_inline_each_joins_with_commas);
  tcase_add_test(tc, test_if_else);
  tcase_add_test(tc, test_each_else_when_empty);
  tcase_add_test(tc, test_unknown_field_reports_line_and_column);
  tcase_add_test(tc, test_unknown_field_position_counts_front_matter_and_indent);
  tcase_add_test(tc, test_unclosed_braces_are_syntax_errors);
  tcase_add_test(tc, test_unbalanced_sections_are_syntax_errors);
  tcase_add_test(tc, test_translation_is_picked_by_language);
  tcase_add_test(tc, test_front_matter_is_read);
  tcase_add_test(tc, test_front_matter_defaults_and_first_h1_title);
  tcase_add_test(tc, test_front_matter_errors);
  tcase_add_test(tc, test_message_with_arguments);
  tcase_add_test(tc, test_image_with_field_src_and_alt);
  tcase_add_test(tc, test_plain_note_without_case);
  tcase_add_test(tc, test_date_field_must_be_iso);
  tcase_add_test(tc, test_date_today_is_left_for_the_engine);
  tcase_add_test(tc, test_fields_survive_cmark_splitting);
  tcase_add_test(tc, test_markdown_features);
  tcase_add_test(tc, test_limits);
  tcase_add_test(tc, test_invalid_utf8_is_rejected);
  tcase_add_test(tc, test_free_null_is_noop);
  tcase_add_test(tc, test_golden_profile_dump);
  tcase_add_test(tc, test_golden_ehcp_dump);
  tcase_add_test(tc, test_pathological_inputs);
  tcase_add_test(tc, test_table_header_and_each_rows_keep_data_literal);
  tcase_add_test(tc, test_table_rows_in_sections_and_empty_cells);
  tcase_add_test(tc, test_table_cell_count_mismatch_reports_line_and_column);
  tcase_add_test(tc, test_if_equality);
  tcase_add_test(tc, test_lang_sections_pick_translations_and_mark_language);
  tcase_add_test(tc, test_lang_sections_nest);
  tcase_add_test(tc, test_header_and_watermark_front_matter);
  tcase_add_test(tc, test_count_of_items);
  tcase_add_test(tc, test_regression_image_source_with_message_then_text);
  tcase_add_test(tc, test_regression_id_reference_in_case_without_ids);
  tcase_add_test(tc, test_reference_index_numbers_the_referenced_element);
  tcase_add_test(tc, test_empty_template_is_an_error);
  tcase_add_test(tc, test_long_line_of_emphasis_parses_in_linear_time);
  tcase_add_test(tc, test_meeting_next_is_the_one_on_or_after_the_date);
  tcase_add_test(tc, test_meeting_latest_is_the_one_held_else_the_next);
  tcase_add_test(tc, test_meeting_named_by_id);
  tcase_add_test(tc, test_regression_issue11_no_annual_review_is_one_plain_error);
  tcase_add_test(tc, test_meeting_all_past_is_not_reprinted);
  tcase_add_test(tc, test_front_matter_meeting_must_name_a_rule_and_type);
  tcase_add_test(tc, test_each_where_keeps_matching_items);
  tcase_add_test(tc, test_glossary_translates_roles_and_counts_the_rest);
  tcase_add_test(tc, test_meeting_prefix_never_falls_back_to_the_case);
  tcase_add_test(tc, test_schema_fields_know_paths_from_the_xsd);
  tcase_add_test(tc, test_optional_field_left_out_is_empty);
  tcase_add_test(tc, test_requires_names_the_case_element_that_should_hold_it);
  tcase_add_test(tc, test_if_boolean_zero_is_false);
  tcase_set_timeout(tc, 30);
  suite_add_tcase(s, tc);
  return s;
}

RUN_SUITE(template_suite)
