/* template: front matter + CommonMark (cmark) + {{…}} fields → a plain tree.
 *
 * The template language
 * ---------------------
 * Front matter (optional) is the very first line `---`, then `key: value`
 * lines, then a line `---`. Blank lines and lines starting with `#` are
 * ignored; a value may be wrapped in "double" or 'single' quotes. Keys:
 *   type       document type, e.g. one-page-profile
 *   page       A4 | A4-landscape | A5-landscape | A6-landscape   (default A4)
 *   style      standard | large-print | dyslexia                 (default standard)
 *   max-pages  integer 0..1000, 0 = unlimited                    (default 0)
 *   title      a template string: fields allowed ({{child.preferred-name}}'s profile)
 *   footer     a template string
 *   h1-new-page yes: every level-1 heading after the first starts a new page
 *              (a postcard's second language on the other side of the card)
 *   header     a template string: the running header on every page (sd_doc_tree.header)
 *   watermark  a template string drawn across every page, e.g.
 *              {{#if plan.status == "draft"}}{{t:common.draft}}{{/if}}; when it
 *              expands to nothing (or blanks) there is no watermark
 *   meeting    next TYPE | latest TYPE: the document is the paperwork of one
 *              meeting of TYPE (annual-review, planning, other): the next one on or
 *              after the render date, or the latest held on or before it (else the
 *              next); sd_expand_options.meeting_id names another. The meeting is the
 *              outermost {{#each}} item: {{date}}, {{attendees}} are its fields.
 *   requires   what the document cannot be made without, one line each (the
 *              only key that may repeat): `requires: PATH: REASON` or
 *              `requires: PATH if COND: REASON`. PATH is a dotted path from
 *              <case> (plan.review-date); COND is an {{#if}} condition
 *              (plan.status == "final"); REASON says in plain words why and
 *              what to add. When COND holds and PATH names nothing, the render
 *              stops with one case.required error per missing piece, at the
 *              case element that should hold it, instead of a document with a
 *              part left out.
 * Any other key, a repeated key, a bad value or a missing closing `---` is a
 * template.frontmatter error. Without a title, the first level-1 heading is
 * the title.
 *
 * The body is CommonMark (cmark 0.30, CMARK_OPT_DEFAULT): headings,
 * paragraphs, bullet and ordered lists (nested), images ![alt](src),
 * **strong** and *emphasis* (both print bold: we never print italics),
 * thematic breaks (a rule), hard and soft line breaks (soft = a space).
 * Code spans and code blocks print their text literally and are never
 * searched for fields: `{{x}}` in backticks prints "{{x}}". Raw HTML prints
 * as text. Links print their text. Block quotes are flattened into their
 * parent.
 *
 * Tables (pipe tables, as GFM): a paragraph whose first line starts with '|'
 * and whose second line is a delimiter row (|---|:---:|, cells of dashes with
 * optional colons; alignment is not kept) is a table. The first line is the
 * header row (sd_block.header), every later line a body row:
 *   | {{t:review.date}} | **Who** |
 *   |---|---|
 *   {{#each meetings}}| {{date:date}} | {{#each attendees}}{{name}} {{/each}} |{{/each}}
 *   {{#if plan.status == "draft"}}
 *   | {{t:common.draft}} | |
 *   {{/if}}
 * A row starts with '|'; the closing '|' is optional. Cells are split on the
 * template's own '|' before any value is inserted, so a '|' in case data is
 * text; \| is a '|' inside a cell (also in a code span), and a '|' inside
 * {{…}} does not split. Each cell is inline Markdown on its own: fields,
 * messages, dates, **bold**, inline sections; no images. Every row has as
 * many cells as the header (the delimiter row too), else template.syntax at
 * the row. Section markers ({{#each}}, {{#if}}, {{#lang}}, {{else}} and their
 * closers) may stand before a row's first '|' and after its last, repeating or
 * guarding that row, or alone on a line of the table to wrap several rows:
 * the table has no blank lines inside it, so these markers need none either.
 * Header rows cannot be inside a section. At most 64 columns (template.limit).
 *
 * Fields, anywhere in text (also in image alt and src, title and footer):
 *   {{a.b.c}}            the text of case element <a><b><c> (attributes are
 *                        children too). Inside {{#each}}, a path is looked up
 *                        below the current item first, then below each
 *                        enclosing item, then below <case>.
 *   {{.}}                the current item's own text
 *   {{@index}}           the current item's number, from 1
 *   {{t:key}}            a message from the locale catalogue, with optional
 *   {{t:key n=path s="literal" i=@index c=#path}}  named arguments: a field's
 *                        text, a literal ("…" or '…'), the item number, or how
 *                        many items {{#each path}} would visit. Markdown runs
 *                        before fields are found, so a literal must not hold
 *                        Markdown punctuation (* _ ` [ \ &): put such text in
 *                        the catalogue.
 *   {{date:path}}        an ISO date (YYYY-MM-DD) from the case, formatted by
 *   {{date:2024-09-01}}  the locale; or a literal ISO date; {{date:today}} is
 *                        the document's date (SOURCE_DATE_EPOCH or now)
 *   {{time:path}}        a time (HH:MM or HH:MM:SS) from the case, formatted
 *                        by the locale
 *   {{a>b}}, {{a>.}}     follow an id reference: the field a holds an id; b
 *                        is looked up below the element with that @id (`.`:
 *                        that element's own text), e.g. {{need>type}}
 *   {{count:path}}       how many items {{#each path}} would visit, as plain
 *                        digits (0 when the case has no such element)
 * Sections:
 *   {{#each path}} … {{else}} … {{/each}}   repeat per item; else: no items
 *   {{#if path}} … {{else}} … {{/if}}       include when the field exists
 *                        and its text is non-empty and not "false" or "0"
 *                        (xs:boolean's two spellings of false) (an element
 *                        without text: when it has child elements)
 *   {{#if path == "v"}}, {{#if path != 'v'}} compare the field's own text (not
 *                        a translation) with a literal; a missing field is ""
 *   {{#if @first}}, {{#if @last}}           the current item is the first/last
 *   {{#if @lang == "en"}}, != …             the current language (the innermost
 *                        {{#lang}}'s, else the document's) matches a BCP 47
 *                        range: "en" matches en and en-GB, "en-GB" only en-GB
 *   {{#lang TAG}} … {{/lang}}               TAG is a BCP 47 tag (en-GB, ur,
 *                        pa-Arab) or doc, the document's language. Inside, case
 *                        text is taken in TAG (translations as below; the
 *                        language used goes in sd_inline.lang), and messages
 *                        and dates are marked with TAG (sd_inline.lang) for the
 *                        locale stage to format from TAG's catalogue. Blocks
 *                        made inside get sd_block.lang = TAG when TAG is not the
 *                        document's language; inside a paragraph, template text
 *                        is marked TAG when it differs from its block's. Lang
 *                        sections nest ({{#lang doc}} goes back); no {{else}}.
 *                        A bilingual card: the family's language and English.
 * A section marker alone in its own paragraph (blank lines around it) repeats
 * or guards whole blocks; markers inside a paragraph guard inline text (e.g.
 * attendees joined by commas). When an each repeats a list, the items of all
 * iterations form one list. {{#each p}} visits every element named p; when
 * there is exactly one, with no text, whose child elements all share one name
 * (a container such as <strengths><strength>…), it visits those children.
 * Field names are letters, digits, '-' and '_'. A missing field is a
 * template.field error naming it, except as the condition of {{#if}}.
 * Case values are inserted as literal text after Markdown parsing: data is
 * never markup. Text in the requested language is taken from an element's
 * translations (exact tag, then primary language with a compatible script),
 * else the element's own text; the language used goes in sd_inline.lang.
 *
 * Errors: template.syntax (unclosed {{, unknown {{…}}, unbalanced sections,
 * invalid UTF-8, a table row with the wrong number of cells), template.field,
 * template.frontmatter, template.limit (1 MiB template, nesting deeper than
 * 32, more than 100,000 blocks — tables, rows and cells count — or 64 columns).
 */
#include "template_priv.h"
#include <cmark.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct seg {
  size_t off;
  int line, col;
} seg;

/* A run of adjacent cmark text nodes with the same weight: cmark splits text
 * at punctuation, so fields are found only after joining. */
typedef struct run {
  char *s;
  size_t n, cap;
  seg *segs;
  size_t nseg, segcap;
  bool strong;
} run;

typedef struct pctx {
  const char *file;
  sd_diags *d;
  sd_status st;
  int line0;                 /* file line of the body's first line, minus 1 */
  const char *body;
  size_t *line_off;          /* body offset of each body line */
  size_t n_lines;
  size_t body_len;           /* bytes of body */
  int open_markers;          /* block sections open, for the depth cap */
  int n_frames;
  /* parsing one table cell on its own (see parse_cell) */
  tinls *cell_out;           /* the paragraph's tokens go here, not into blocks */
  int col0;                  /* added to every cmark column */
  size_t skip;               /* bytes of the first text node to drop (the "a " guard) */
} pctx;

#define PERR(p, code, line, col, field, ...)                              \
  do {                                                                    \
    sd_diag_error((p)->d, (code), (p)->file, (line), (col), (field), __VA_ARGS__); \
    if ((p)->st == SD_OK) (p)->st = SD_E_INPUT;                           \
  } while (0)

static void set_nomem(pctx *p)
{
  if (p->st == SD_OK || p->st == SD_E_INPUT) p->st = SD_E_NOMEM;
}

/* ---- small containers ---------------------------------------------------- */

static bool tinls_push(tinls *l, tinl *x)
{
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 8;
    tinl **v = realloc(l->v, cap * sizeof *v);
    if (!v) return false;
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = x;
  return true;
}

static bool tblocks_push(tblocks *l, tblock *x)
{
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 8;
    tblock **v = realloc(l->v, cap * sizeof *v);
    if (!v) return false;
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = x;
  return true;
}

static tinl *tinl_new(ti_kind k, const char *text, size_t n, bool strong, int line, int col)
{
  tinl *x = calloc(1, sizeof *x);
  if (!x) return NULL;
  x->kind = k;
  x->strong = strong;
  x->line = line;
  x->col = col;
  if (text) {
    x->text = sd_strndup(text, n);
    if (!x->text) {
      free(x);
      return NULL;
    }
  }
  return x;
}

static tblock *tblock_new(tb_kind k, int line, int col)
{
  tblock *b = calloc(1, sizeof *b);
  if (b) {
    b->kind = k;
    b->line = line;
    b->col = col;
  }
  return b;
}

/* Recursion here is bounded: parsing caps nesting at TPL_MAX_DEPTH. */
void tpl_tinl_free(tinl *x)
{
  if (!x) return;
  free(x->text);
  free(x->cmp_value);
  free(x->where);
  for (size_t i = 0; i < x->n_args; i++) {
    free(x->args[i].name);
    free(x->args[i].value);
  }
  free(x->args);
  tpl_tinls_free(&x->body);
  tpl_tinls_free(&x->alt);
  free(x);
}

void tpl_tinls_free(tinls *l)
{
  for (size_t i = 0; i < l->n; i++) tpl_tinl_free(l->v[i]);
  free(l->v);
  l->v = NULL;
  l->n = l->cap = 0;
}

static void tblocks_free(tblocks *l)
{
  for (size_t i = 0; i < l->n; i++) tpl_tblock_free(l->v[i]);
  free(l->v);
  l->v = NULL;
  l->n = l->cap = 0;
}

void tpl_tblock_free(tblock *b)
{
  if (!b) return;
  free(b->path);
  free(b->cmp_value);
  free(b->where);
  tpl_tinls_free(&b->inl);
  tpl_tinls_free(&b->src);
  tblocks_free(&b->body);
  tblocks_free(&b->alt);
  tpl_tinl_free(b->marker);
  free(b);
}

/* ---- positions ------------------------------------------------------------ */

static void pos_at(const seg *segs, size_t nseg, size_t off, int *line, int *col)
{
  if (!nseg) {
    *line = 0;
    *col = 0;
    return;
  }
  /* binary search: a paragraph may hold many thousands of text nodes */
  size_t lo = 0, hi = nseg;
  while (hi - lo > 1) {
    size_t mid = lo + (hi - lo) / 2;
    if (segs[mid].off <= off) lo = mid;
    else hi = mid;
  }
  size_t i = lo;
  *line = segs[i].line;
  *col = segs[i].col + (int)(off - segs[i].off);
}

/* cmark's inline columns ignore stripped indentation on continuation lines;
 * find the literal in its source line to report the column a reader sees. */
/* Bytes of body line bl (1-based), without its newline: from the line
 * offsets, as scanning for the newline for every text node of a long line
 * made nested emphasis quadratic (issue 13). */
static size_t line_len(const pctx *p, int bl)
{
  size_t s = p->line_off[bl - 1];
  size_t e = (size_t)bl < p->n_lines ? p->line_off[bl] - 1 : p->body_len;
  return e - s;
}

static int fix_col(const pctx *p, int body_line, int col, const char *lit, size_t n)
{
  if (body_line < 1 || (size_t)body_line > p->n_lines || col < 1 || n == 0) return col;
  const char *ls = p->body + p->line_off[body_line - 1];
  size_t ll = line_len(p, body_line);
  size_t want = 0;
  while (want < n && want < 12 && lit[want] != '\n') want++;
  if (!want) return col;
  /* a bounded window keeps long lines of many text nodes linear */
  for (size_t i = (size_t)col - 1; i + want <= ll && i < (size_t)col + 256; i++)
    if (memcmp(ls + i, lit, want) == 0) return (int)i + 1;
  return col;
}

/* ---- {{…}} tokens ---------------------------------------------------------- */

static bool name_char(int c)
{
  return isalnum(c) || c == '-' || c == '_';
}

/* A path: name(.name)*, each name [A-Za-z0-9_-]+; `>` follows an id
 * reference (need>type: the type of the element whose id the field holds),
 * `>.` ends at the referenced element itself (outcome>.), and `>@index` at
 * its number among its like-named siblings (need>@index: 2 for the second
 * need), so a plan can say "B2" rather than repeat the need. */
static bool valid_path(const char *s, size_t n)
{
  if (n == 0 || n > 256) return false;
  bool need = true;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '.' || s[i] == '>') {
      if (need) return false;
      if (s[i] == '>' && i + 2 == n && s[i + 1] == '.') return true;
      if (s[i] == '>' && i + 7 == n && memcmp(s + i + 1, "@index", 6) == 0) return true;
      need = true;
    } else if (name_char((unsigned char)s[i])) {
      need = false;
    } else {
      return false;
    }
  }
  return !need;
}

static bool iso_date(const char *s, size_t n)
{
  if (n != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) return false;
  return true;
}

static bool is_ws(int c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Parses "key a=b c="lit"" of a {{t:…}} into x. */
static bool parse_msg(pctx *p, tinl *x, const char *s, size_t n, int line, int col)
{
  size_t i = 0;
  while (i < n && !is_ws((unsigned char)s[i])) i++;
  bool ok = i > 0;
  for (size_t k = 0; k < i && ok; k++)
    if (!name_char((unsigned char)s[k]) && s[k] != '.') ok = false;
  if (!ok) {
    PERR(p, "template.syntax", line, col, NULL, "bad message key in {{t:%.*s}}", (int)n, s);
    return false;
  }
  x->text = sd_strndup(s, i);
  if (!x->text) {
    set_nomem(p);
    return false;
  }
  while (i < n) {
    while (i < n && is_ws((unsigned char)s[i])) i++;
    if (i >= n) break;
    size_t ns = i;
    while (i < n && name_char((unsigned char)s[i])) i++;
    size_t nn = i - ns;
    if (nn == 0 || i >= n || s[i] != '=') {
      PERR(p, "template.syntax", line, col, NULL,
           "message arguments are name=field or name=\"text\" in {{t:%.*s}}", (int)n, s);
      return false;
    }
    i++;
    targ a = {ARG_LIT, NULL, NULL};
    char *val = NULL;
    if (i < n && (s[i] == '"' || s[i] == '\'')) {
      char q = s[i++];
      val = malloc(n - i + 1);
      if (!val) {
        set_nomem(p);
        return false;
      }
      size_t vn = 0;
      while (i < n && s[i] != q) {
        if (s[i] == '\\' && i + 1 < n) i++;
        val[vn++] = s[i++];
      }
      val[vn] = '\0';
      if (i >= n) {
        free(val);
        PERR(p, "template.syntax", line, col, NULL, "unclosed quote in {{t:%.*s}}", (int)n, s);
        return false;
      }
      i++;
    } else {
      size_t vs = i;
      while (i < n && !is_ws((unsigned char)s[i])) i++;
      const char *v = s + vs;
      size_t vl = i - vs;
      if (vl == 6 && memcmp(v, "@index", 6) == 0) {
        a.kind = ARG_INDEX;
      } else if (vl > 1 && v[0] == '#' && valid_path(v + 1, vl - 1)) {
        a.kind = ARG_COUNT;
        v++;
        vl--;
      } else if (valid_path(v, vl) || (vl == 1 && v[0] == '.')) {
        a.kind = ARG_PATH;
      } else {
        PERR(p, "template.syntax", line, col, NULL, "bad message argument value \"%.*s\"", (int)vl, v);
        return false;
      }
      val = sd_strndup(v, vl);
    }
    a.name = sd_strndup(s + ns, nn);
    a.value = val;
    targ *args = realloc(x->args, (x->n_args + 1) * sizeof *args);
    if (!a.name || !a.value || !args) {
      free(a.name);
      free(a.value);
      if (args) x->args = args;
      set_nomem(p);
      return false;
    }
    x->args = args;
    x->args[x->n_args++] = a;
  }
  return true;
}

/* A BCP 47 tag as written in {{#lang …}}: "doc", or subtags of 1-8 letters
 * and digits joined by '-' (or '_'), the first 2-8 letters. */
static bool lang_tag_ok(const char *s, size_t n)
{
  if (n == 3 && memcmp(s, "doc", 3) == 0) return true;
  if (n == 0 || n > 35) return false;
  size_t i = 0, first = 0;
  for (bool head = true; i <= n; head = false) {
    size_t st = i;
    while (i < n && isalnum((unsigned char)s[i])) {
      if (head && !isalpha((unsigned char)s[i])) return false;
      i++;
    }
    size_t len = i - st;
    if (len == 0 || len > 8) return false;
    if (head) first = len;
    if (i == n) break;
    if (s[i] != '-' && s[i] != '_') return false;
    i++;
  }
  return first >= 2;
}

/* Splits "path == "v"" or "path != 'v'" of a {{#if}}: *arg and *an keep the
 * path; the comparison goes into x. True when well formed (or no comparison). */
static bool parse_cmp(pctx *p, tinl *x, const char **arg, size_t *an, int line, int col)
{
  const char *s = *arg;
  size_t n = *an, i = 0;
  while (i < n && !is_ws((unsigned char)s[i]) && s[i] != '=' && s[i] != '!') i++;
  size_t plen = i;
  while (i < n && is_ws((unsigned char)s[i])) i++;
  if (i == n) return true;
  if (i + 1 < n && (s[i] == '=' || s[i] == '!') && s[i + 1] == '=') {
    x->cmp = s[i] == '=' ? CMP_EQ : CMP_NE;
    i += 2;
    while (i < n && is_ws((unsigned char)s[i])) i++;
    if (i < n && (s[i] == '"' || s[i] == '\'')) {
      char q = s[i++];
      size_t vs = i;
      while (i < n && s[i] != q) i++;
      size_t ve = i;
      if (i < n) i++;
      while (i < n && is_ws((unsigned char)s[i])) i++;
      if (ve < n && i == n) {
        x->cmp_value = sd_strndup(s + vs, ve - vs);
        if (!x->cmp_value) {
          set_nomem(p);
          return false;
        }
        *an = plen;
        return true;
      }
    }
  }
  PERR(p, "template.syntax", line, col, NULL,
       "{{#if %.*s}}: a condition is a field, or a field == \"text\" or != \"text\"", (int)n, s);
  return false;
}

/* One {{…}} body (trimmed) → a token, or NULL with a diagnostic. */
static tinl *make_token(pctx *p, const char *s, size_t n, bool strong, int line, int col)
{
  while (n && is_ws((unsigned char)*s)) s++, n--;
  while (n && is_ws((unsigned char)s[n - 1])) n--;
  tinl *x = tinl_new(TI_FIELD, NULL, 0, strong, line, col);
  if (!x) {
    set_nomem(p);
    return NULL;
  }
  const char *arg = NULL;
  size_t an = 0;
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(s, lit, n) == 0)
#define STARTS(lit) (n > sizeof(lit) - 1 && memcmp(s, lit, sizeof(lit) - 1) == 0 && \
                     (arg = s + sizeof(lit) - 1, an = n - (sizeof(lit) - 1), 1))
  if (IS("else")) x->kind = TI_ELSE;
  else if (IS("/each")) x->kind = TI_CLOSE_EACH;
  else if (IS("/if")) x->kind = TI_CLOSE_IF;
  else if (IS("/lang")) x->kind = TI_CLOSE_LANG;
  else if (IS("@index")) x->kind = TI_INDEX;
  else if (IS(".")) x->text = sd_strdup(".");
  else if (STARTS("#each") && is_ws((unsigned char)*arg)) x->kind = TI_OPEN_EACH;
  else if (STARTS("#if") && is_ws((unsigned char)*arg)) x->kind = TI_OPEN_IF;
  else if (STARTS("#lang") && is_ws((unsigned char)*arg)) x->kind = TI_OPEN_LANG;
  else if (STARTS("count:")) {
    x->kind = TI_COUNT;
    if (!valid_path(arg, an)) {
      PERR(p, "template.syntax", line, col, NULL, "{{count:…}} needs a field path in {{%.*s}}", (int)n, s);
      goto fail;
    }
    x->text = sd_strndup(arg, an);
  } else if (STARTS("t:")) {
    x->kind = TI_MSG;
    if (!parse_msg(p, x, arg, an, line, col)) goto fail;
    return x;
  } else if (STARTS("time:")) {
    x->kind = TI_DATE;
    x->is_time = true;
    if (!valid_path(arg, an)) {
      PERR(p, "template.syntax", line, col, NULL, "{{time:…}} needs a field path in {{%.*s}}", (int)n, s);
      goto fail;
    }
    x->text = sd_strndup(arg, an);
  } else if (STARTS("date:")) {
    x->kind = TI_DATE;
    /* {{date:today}} is the document's own date, filled in by the engine */
    x->date_literal = iso_date(arg, an) || (an == 5 && memcmp(arg, "today", 5) == 0);
    if (!x->date_literal && !valid_path(arg, an) && !(an == 1 && *arg == '.')) {
      PERR(p, "template.syntax", line, col, NULL, "bad date field in {{%.*s}}", (int)n, s);
      goto fail;
    }
    x->text = sd_strndup(arg, an);
  } else if (valid_path(s, n)) {
    x->text = sd_strndup(s, n);
  } else {
    PERR(p, "template.syntax", line, col, NULL,
         "{{%.*s}} is not a field, {{t:key}}, {{date:field}}, {{time:field}}, {{count:field}}, {{#each}}, {{#if}}, "
         "{{#lang}}, {{else}}, {{/each}}, {{/if}} or {{/lang}}",
         (int)(n > 80 ? 80 : n), s);
    goto fail;
  }
#undef IS
#undef STARTS
  if (x->kind == TI_OPEN_LANG) {
    while (an && is_ws((unsigned char)*arg)) arg++, an--;
    if (!lang_tag_ok(arg, an)) {
      PERR(p, "template.syntax", line, col, NULL,
           "{{%.*s}} needs a language tag such as en-GB, ur or pa-Arab, or doc", (int)n, s);
      goto fail;
    }
    x->text = sd_strndup(arg, an);
    for (char *c = x->text; c && *c; c++)
      if (*c == '_') *c = '-';
  }
  if (x->kind == TI_OPEN_EACH || x->kind == TI_OPEN_IF) {
    while (an && is_ws((unsigned char)*arg)) arg++, an--;
    if (x->kind == TI_OPEN_IF && !parse_cmp(p, x, &arg, &an, line, col)) goto fail;
    /* {{#each path where field == "v"}}: only the items the condition holds for */
    for (size_t w = 0; x->kind == TI_OPEN_EACH && w + 7 <= an; w++)
      if (is_ws((unsigned char)arg[w]) && memcmp(arg + w + 1, "where", 5) == 0 && is_ws((unsigned char)arg[w + 6])) {
        const char *c = arg + w + 7;
        size_t cn = an - w - 7;
        while (cn && is_ws((unsigned char)*c)) c++, cn--;
        if (!parse_cmp(p, x, &c, &cn, line, col)) goto fail;
        if (!valid_path(c, cn)) {
          PERR(p, "template.syntax", line, col, NULL, "{{%.*s}}: \"where\" needs a field of the item", (int)n, s);
          goto fail;
        }
        if (!(x->where = sd_strndup(c, cn))) {
          set_nomem(p);
          goto fail;
        }
        an = w;
        break;
      }
    bool pos = x->kind == TI_OPEN_IF &&
               (x->cmp == CMP_NONE ? (an == 6 && memcmp(arg, "@first", 6) == 0) || (an == 5 && memcmp(arg, "@last", 5) == 0)
                                   : an == 5 && memcmp(arg, "@lang", 5) == 0);
    if (!pos && !valid_path(arg, an)) {
      PERR(p, "template.syntax", line, col, NULL, "{{%.*s}} needs a field path", (int)n, s);
      goto fail;
    }
    x->text = sd_strndup(arg, an);
  }
  if ((x->kind == TI_FIELD || x->kind == TI_DATE || x->kind == TI_OPEN_EACH || x->kind == TI_COUNT ||
       x->kind == TI_OPEN_IF || x->kind == TI_OPEN_LANG) && !x->text) {
    set_nomem(p);
    goto fail;
  }
  return x;
fail:
  tpl_tinl_free(x);
  return NULL;
}

static bool push_text(pctx *p, tinls *out, const char *s, size_t n, bool strong, int line, int col)
{
  if (!n) return true;
  tinl *x = tinl_new(TI_TEXT, s, n, strong, line, col);
  if (!x || !tinls_push(out, x)) {
    tpl_tinl_free(x);
    set_nomem(p);
    return false;
  }
  return true;
}

/* An apostrophe opens a quoted literal only after '=' (name='x', == 'x'),
 * so "Sam's" in a field-free {{…}} stays an apostrophe. */
static bool quote_may_open(const char *s, size_t from, size_t j)
{
  while (j > from && (s[j - 1] == ' ' || s[j - 1] == '\t')) j--;
  return j > from && s[j - 1] == '=';
}

/* Splits text into literal pieces and {{…}} tokens. After an error the rest
 * of the text is kept literal, so one typo gives one message. */
static void tokenize(pctx *p, const char *s, size_t n, const seg *segs, size_t nseg,
                     bool strong, tinls *out)
{
  size_t i = 0, lit = 0;
  int line, col;
  while (i + 1 < n) {
    if (!(s[i] == '{' && s[i + 1] == '{')) {
      i++;
      continue;
    }
    size_t open = i, j = i + 2;
    bool closed = false;
    char inq = 0;
    while (j < n) {
      if (inq) {
        if (s[j] == '\\' && j + 1 < n) j++;
        else if (s[j] == inq) inq = 0;
      } else if (s[j] == '"' || (s[j] == '\'' && quote_may_open(s, open, j))) {
        inq = s[j];
      } else if (s[j] == '}' && j + 1 < n && s[j + 1] == '}') {
        closed = true;
        break;
      } else if (s[j] == '{' && j + 1 < n && s[j + 1] == '{') {
        break;
      }
      j++;
    }
    pos_at(segs, nseg, open, &line, &col);
    if (!closed) {
      PERR(p, "template.syntax", line, col, NULL, "unclosed {{ (no matching }})");
      break;
    }
    pos_at(segs, nseg, lit, &line, &col);
    if (!push_text(p, out, s + lit, open - lit, strong, line, col)) return;
    pos_at(segs, nseg, open, &line, &col);
    tinl *x = make_token(p, s + open + 2, j - open - 2, strong, line, col);
    if (!x) return;
    if (!tinls_push(out, x)) {
      tpl_tinl_free(x);
      set_nomem(p);
      return;
    }
    i = lit = j + 2;
  }
  pos_at(segs, nseg, lit, &line, &col);
  push_text(p, out, s + lit, n - lit, strong, line, col);
}

static const char *marker_name(ti_kind k)
{
  switch (k) {
  case TI_OPEN_EACH: return "{{#each}}";
  case TI_OPEN_IF: return "{{#if}}";
  case TI_ELSE: return "{{else}}";
  case TI_CLOSE_EACH: return "{{/each}}";
  case TI_CLOSE_IF: return "{{/if}}";
  case TI_OPEN_LANG: return "{{#lang}}";
  case TI_CLOSE_LANG: return "{{/lang}}";
  default: return "{{…}}";
  }
}

static bool is_marker(ti_kind k)
{
  return k >= TI_OPEN_EACH && k <= TI_CLOSE_LANG;
}

static bool is_opener(ti_kind k)
{
  return k == TI_OPEN_EACH || k == TI_OPEN_IF || k == TI_OPEN_LANG;
}

/* The folded kind an opener makes, and the one a closer needs. */
static ti_kind section_of(ti_kind k)
{
  return k == TI_OPEN_EACH || k == TI_CLOSE_EACH ? TI_EACH : k == TI_OPEN_IF || k == TI_CLOSE_IF ? TI_IF : TI_LANG;
}

static const char *opener_name(ti_kind section)
{
  return section == TI_EACH ? "{{#each}}" : section == TI_IF ? "{{#if}}" : "{{#lang}}";
}

/* Nests the flat tokens between {{#each}}/{{#if}}/{{#lang}} and their closers. */
static void fold_inline(pctx *p, tinls *flat, tinls *out)
{
  tinl *stack[TPL_MAX_DEPTH];
  bool in_else[TPL_MAX_DEPTH];
  int sp = 0;
  size_t i = 0;
  for (; i < flat->n; i++) {
    tinl *x = flat->v[i];
    flat->v[i] = NULL;
    tinls *target = sp ? (in_else[sp - 1] ? &stack[sp - 1]->alt : &stack[sp - 1]->body) : out;
    if (is_opener(x->kind)) {
      if (sp == TPL_MAX_DEPTH) {
        PERR(p, "template.limit", x->line, x->col, NULL, "sections nested deeper than %d", TPL_MAX_DEPTH);
        if (p->st == SD_E_INPUT) p->st = SD_E_LIMIT;
        tpl_tinl_free(x);
        break;
      }
      x->kind = section_of(x->kind);
      if (!tinls_push(target, x)) {
        tpl_tinl_free(x);
        set_nomem(p);
        break;
      }
      stack[sp] = x;
      in_else[sp++] = false;
    } else if (x->kind == TI_ELSE) {
      if (!sp || in_else[sp - 1] || stack[sp - 1]->kind == TI_LANG)
        PERR(p, "template.syntax", x->line, x->col, NULL, "{{else}} outside {{#if}} or {{#each}}");
      else
        in_else[sp - 1] = true;
      tpl_tinl_free(x);
    } else if (is_marker(x->kind)) {
      ti_kind want = section_of(x->kind);
      if (!sp || stack[sp - 1]->kind != want)
        PERR(p, "template.syntax", x->line, x->col, NULL,
             "%s without a matching %s (section markers that guard whole blocks need blank lines around them)",
             marker_name(x->kind), opener_name(want));
      else
        sp--;
      tpl_tinl_free(x);
    } else if (!tinls_push(target, x)) {
      tpl_tinl_free(x);
      set_nomem(p);
      break;
    }
  }
  for (; i < flat->n; i++) tpl_tinl_free(flat->v[i]);
  while (sp > 0) {
    tinl *o = stack[--sp];
    PERR(p, "template.syntax", o->line, o->col, o->text, "{{#%s %s}} is never closed",
         o->kind == TI_EACH ? "each" : o->kind == TI_IF ? "if" : "lang", o->text);
  }
  free(flat->v);
  flat->v = NULL;
  flat->n = flat->cap = 0;
}

/* Nests the blocks between marker paragraphs of one container. */
static void fold_blocks(pctx *p, tblocks *flat, tblocks *out)
{
  tblock *stack[TPL_MAX_DEPTH];
  bool in_else[TPL_MAX_DEPTH];
  int sp = 0;
  size_t i = 0;
  for (; i < flat->n; i++) {
    tblock *b = flat->v[i];
    flat->v[i] = NULL;
    tblocks *target = sp ? (in_else[sp - 1] ? &stack[sp - 1]->alt : &stack[sp - 1]->body) : out;
    tinl *m = b->kind == TB_MARKER ? b->marker : NULL;
    if (m && is_opener(m->kind)) {
      if (sp == TPL_MAX_DEPTH) {
        PERR(p, "template.limit", b->line, b->col, NULL, "sections nested deeper than %d", TPL_MAX_DEPTH);
        if (p->st == SD_E_INPUT) p->st = SD_E_LIMIT;
        tpl_tblock_free(b);
        break;
      }
      b->kind = m->kind == TI_OPEN_EACH ? TB_EACH : m->kind == TI_OPEN_IF ? TB_IF : TB_LANG;
      b->path = m->text;
      b->cmp = m->cmp;
      b->cmp_value = m->cmp_value;
      b->where = m->where;
      m->text = m->cmp_value = m->where = NULL;
      b->line = m->line;
      b->col = m->col;
      tpl_tinl_free(m);
      b->marker = NULL;
      if (!tblocks_push(target, b)) {
        tpl_tblock_free(b);
        set_nomem(p);
        break;
      }
      stack[sp] = b;
      in_else[sp++] = false;
    } else if (m && m->kind == TI_ELSE) {
      if (!sp || in_else[sp - 1] || stack[sp - 1]->kind == TB_LANG)
        PERR(p, "template.syntax", m->line, m->col, NULL, "{{else}} outside {{#if}} or {{#each}}");
      else
        in_else[sp - 1] = true;
      tpl_tblock_free(b);
    } else if (m) {
      ti_kind sec = section_of(m->kind);
      tb_kind want = sec == TI_EACH ? TB_EACH : sec == TI_IF ? TB_IF : TB_LANG;
      if (!sp || stack[sp - 1]->kind != want)
        PERR(p, "template.syntax", m->line, m->col, NULL, "%s without a matching %s",
             marker_name(m->kind), opener_name(sec));
      else
        sp--;
      tpl_tblock_free(b);
    } else if (!tblocks_push(target, b)) {
      tpl_tblock_free(b);
      set_nomem(p);
      break;
    }
  }
  for (; i < flat->n; i++) tpl_tblock_free(flat->v[i]);
  while (sp > 0) {
    tblock *o = stack[--sp];
    PERR(p, "template.syntax", o->line, o->col, o->path, "{{#%s %s}} is never closed",
         o->kind == TB_EACH ? "each" : o->kind == TB_IF ? "if" : "lang", o->path);
  }
  free(flat->v);
  flat->v = NULL;
  flat->n = flat->cap = 0;
}

/* ---- runs of text -------------------------------------------------------- */

static bool run_add(run *r, const char *s, size_t n, int line, int col)
{
  if (r->n + n + 1 > r->cap) {
    size_t cap = r->cap ? r->cap : 64;
    while (cap < r->n + n + 1) cap *= 2;
    char *ns = realloc(r->s, cap);
    if (!ns) return false;
    r->s = ns;
    r->cap = cap;
  }
  if (r->nseg == r->segcap) {
    size_t cap = r->segcap ? r->segcap * 2 : 8;
    seg *sg = realloc(r->segs, cap * sizeof *sg);
    if (!sg) return false;
    r->segs = sg;
    r->segcap = cap;
  }
  r->segs[r->nseg++] = (seg){r->n, line, col};
  memcpy(r->s + r->n, s, n);
  r->n += n;
  r->s[r->n] = '\0';
  return true;
}

static void run_flush(pctx *p, run *r, tinls *out)
{
  if (r->n) tokenize(p, r->s, r->n, r->segs, r->nseg, r->strong, out);
  r->n = 0;
  r->nseg = 0;
}

static void run_free(run *r)
{
  free(r->s);
  free(r->segs);
}

/* ---- front matter ---------------------------------------------------------- */

static bool only_ws(const tinls *l)
{
  for (size_t i = 0; i < l->n; i++) {
    if (l->v[i]->kind != TI_TEXT) return false;
    for (const char *c = l->v[i]->text; *c; c++)
      if (!is_ws((unsigned char)*c)) return false;
  }
  return true;
}

/* A template string in the front matter (title, footer) → folded tokens. */
static void fm_string(pctx *p, const char *v, size_t n, int line, int col, tinls *out)
{
  seg sg = {0, line, col};
  tinls flat = {0};
  tokenize(p, v, n, &sg, 1, false, &flat);
  fold_inline(p, &flat, out);
}

static bool fm_set(pctx *p, char **slot, const char *v, size_t n, int line, int col,
                   const char *key, const char *const *allowed)
{
  if (allowed) {
    bool ok = false;
    for (size_t i = 0; allowed[i] && !ok; i++)
      ok = strlen(allowed[i]) == n && memcmp(allowed[i], v, n) == 0;
    if (!ok) {
      PERR(p, "template.frontmatter", line, col, key, "\"%.*s\" is not a valid %s", (int)n, v, key);
      return true;
    }
  }
  free(*slot);
  *slot = sd_strndup(v, n);
  if (!*slot) set_nomem(p);
  return true;
}

static bool path_char(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

/* `requires: PATH [if COND]: REASON` → t->reqs */
static void fm_requires(pctx *p, const char *v, size_t n, int line, int col, sd_template *t)
{
  size_t i = 0;
  while (i < n && path_char(v[i])) i++;
  size_t pe = i;
  treq r;
  memset(&r, 0, sizeof r);
  r.line = line;
  r.col = col;
  while (i < n && v[i] == ' ') i++;
  if (pe && n - i > 3 && memcmp(v + i, "if ", 3) == 0) {
    i += 3;
    while (i < n && v[i] == ' ') i++;
    size_t cs = i;
    while (i < n && path_char(v[i])) i++;
    size_t ce = i;
    while (i < n && v[i] == ' ') i++;
    if (ce == cs) goto bad;
    r.cond = sd_strndup(v + cs, ce - cs);
    if (!r.cond) goto nomem;
    if (i + 1 < n && (v[i] == '=' || v[i] == '!') && v[i + 1] == '=') {
      r.cmp = v[i] == '=' ? CMP_EQ : CMP_NE;
      i += 2;
      while (i < n && v[i] == ' ') i++;
      if (i >= n || (v[i] != '"' && v[i] != '\'')) goto bad;
      char q = v[i++];
      size_t qs = i;
      while (i < n && v[i] != q) i++;
      if (i >= n) goto bad;
      r.cmp_value = sd_strndup(v + qs, i - qs);
      if (!r.cmp_value) goto nomem;
      i++;
      while (i < n && v[i] == ' ') i++;
    }
  }
  if (!pe || i >= n || v[i] != ':') goto bad;
  i++;
  while (i < n && v[i] == ' ') i++;
  if (i >= n) goto bad;
  r.path = sd_strndup(v, pe);
  r.reason = sd_strndup(v + i, n - i);
  if (!r.path || !r.reason) goto nomem;
  treq *nv = realloc(t->reqs, (t->n_reqs + 1) * sizeof *nv);
  if (!nv) goto nomem;
  t->reqs = nv;
  t->reqs[t->n_reqs++] = r;
  return;
bad:
  PERR(p, "template.frontmatter", line, col, "requires",
       "expected \"requires: PATH: why the document needs it\" or \"requires: PATH if CONDITION: why\"");
  goto out;
nomem:
  set_nomem(p);
out:
  free(r.path);
  free(r.cond);
  free(r.cmp_value);
  free(r.reason);
}

/* Reads the front matter if the text starts with a "---" line; returns the
 * offset of the body and sets p->line0 to the lines it used. */
static size_t front_matter(pctx *p, const char *s, size_t n, sd_template *t)
{
  static const char *const pages[] = {"A4", "A4-landscape", "A5-landscape", "A6-landscape", NULL};
  static const char *const styles[] = {"standard", "large-print", "dyslexia", NULL};
  size_t i = 0;
  int line = 1;
  size_t e = 0;
  while (e < n && s[e] != '\n') e++;
  size_t le = e;
  while (le > 0 && (s[le - 1] == '\r' || s[le - 1] == ' ' || s[le - 1] == '\t')) le--;
  if (!(le == 3 && memcmp(s, "---", 3) == 0)) return 0;
  i = e < n ? e + 1 : n;
  unsigned seen = 0;
  static const char *const keys[] = {"type", "page", "style", "max-pages", "title", "footer", "header", "watermark",
                                     "h1-new-page", "meeting", "requires"};
  enum { N_KEYS = sizeof keys / sizeof keys[0] };
  for (;;) {
    line++;
    if (i >= n) {
      PERR(p, "template.frontmatter", 1, 1, NULL, "front matter is not closed with a \"---\" line");
      p->line0 = line - 1;
      return n;
    }
    size_t ls = i;
    while (i < n && s[i] != '\n') i++;
    size_t lend = i;
    if (i < n) i++;
    while (lend > ls && (s[lend - 1] == '\r' || s[lend - 1] == ' ' || s[lend - 1] == '\t')) lend--;
    const char *l = s + ls;
    size_t ln = lend - ls;
    if (ln == 3 && memcmp(l, "---", 3) == 0) break;
    size_t k = 0;
    while (k < ln && (l[k] == ' ' || l[k] == '\t')) k++;
    if (k == ln || l[k] == '#') continue;
    size_t ks = k;
    while (k < ln && l[k] != ':') k++;
    size_t ke = k;
    while (ke > ks && (l[ke - 1] == ' ' || l[ke - 1] == '\t')) ke--;
    if (k == ln) {
      PERR(p, "template.frontmatter", line, (int)ks + 1, NULL, "expected \"key: value\"");
      continue;
    }
    size_t vs = k + 1;
    while (vs < ln && (l[vs] == ' ' || l[vs] == '\t')) vs++;
    const char *v = l + vs;
    size_t vn = ln - vs;
    int vcol = (int)vs + 1;
    if (vn >= 2 && (v[0] == '"' || v[0] == '\'') && v[vn - 1] == v[0]) {
      v++;
      vn -= 2;
      vcol++;
    }
    int key = -1;
    for (int j = 0; j < N_KEYS; j++)
      if (strlen(keys[j]) == ke - ks && memcmp(keys[j], l + ks, ke - ks) == 0) key = j;
    char kname[32];
    snprintf(kname, sizeof kname, "%.*s", (int)(ke - ks < 31 ? ke - ks : 31), l + ks);
    if (key < 0) {
      PERR(p, "template.frontmatter", line, (int)ks + 1, kname,
           "unknown front matter key \"%s\" (known: type, page, style, max-pages, title, footer, header, watermark, "
           "h1-new-page, meeting, requires)",
           kname);
      continue;
    }
    if (key == 10) { /* requires: the one key that may repeat */
      fm_requires(p, v, vn, line, vcol, t);
      continue;
    }
    if (seen & (1u << key)) {
      PERR(p, "template.frontmatter", line, (int)ks + 1, kname, "\"%s\" is given twice", kname);
      continue;
    }
    seen |= 1u << key;
    switch (key) {
    case 0: fm_set(p, &t->fm.doc_type, v, vn, line, vcol, kname, NULL); break;
    case 1: fm_set(p, &t->fm.page_size, v, vn, line, vcol, kname, pages); break;
    case 2: fm_set(p, &t->fm.style, v, vn, line, vcol, kname, styles); break;
    case 3: {
      int m = 0;
      bool ok = vn > 0 && vn <= 4;
      for (size_t j = 0; j < vn && ok; j++) {
        ok = isdigit((unsigned char)v[j]);
        m = m * 10 + (v[j] - '0');
      }
      if (!ok || m > 1000)
        PERR(p, "template.frontmatter", line, vcol, kname, "max-pages must be a whole number 0..1000");
      else
        t->fm.max_pages = m;
      break;
    }
    case 4:
      t->has_title = true;
      fm_string(p, v, vn, line, vcol, &t->title);
      break;
    case 5:
      t->has_footer = true;
      fm_string(p, v, vn, line, vcol, &t->footer);
      break;
    case 6:
      t->has_header = true;
      fm_string(p, v, vn, line, vcol, &t->header);
      break;
    case 9: {
      static const char *const types[] = {"annual-review", "planning", "other", NULL};
      size_t w = 0;
      while (w < vn && v[w] != ' ') w++;
      bool latest = w == 6 && memcmp(v, "latest", 6) == 0;
      if (!latest && !(w == 4 && memcmp(v, "next", 4) == 0)) {
        PERR(p, "template.frontmatter", line, vcol, kname,
             "meeting must be \"next TYPE\" or \"latest TYPE\", e.g. \"next annual-review\"");
        break;
      }
      size_t ts = w;
      while (ts < vn && v[ts] == ' ') ts++;
      t->fm.meeting_latest = latest;
      fm_set(p, &t->fm.meeting_type, v + ts, vn - ts, line, vcol + (int)ts, "meeting type", types);
      break;
    }
    case 8:
      if (vn == 3 && memcmp(v, "yes", 3) == 0) t->fm.h1_new_page = true;
      else if (!(vn == 2 && memcmp(v, "no", 2) == 0))
        PERR(p, "template.frontmatter", line, vcol, kname, "h1-new-page must be yes or no");
      break;
    default:
      t->has_watermark = true;
      fm_string(p, v, vn, line, vcol, &t->watermark);
      break;
    }
  }
  p->line0 = line;
  return i;
}

/* ---- the cmark walk ---------------------------------------------------------- */

typedef struct frame {
  tblock *blk;    /* NULL: a block quote, spliced into its parent */
  tblocks kids;
} frame;

/* Paragraph tokens → blocks appended to kids: a lone section marker, or
 * paragraphs split around images. */
static void finish_para(pctx *p, tinls *flat, int line, int col, tblocks *kids)
{
  size_t real = 0, mk = 0;
  tinl *marker = NULL;
  for (size_t i = 0; i < flat->n; i++) {
    tinl *x = flat->v[i];
    if (x->kind == TI_TEXT) {
      tinls one = {&flat->v[i], 1, 1};
      if (only_ws(&one)) continue;
    }
    real++;
    if (is_marker(x->kind)) {
      mk++;
      marker = x;
    }
  }
  if (real == 1 && mk == 1) {
    tblock *b = tblock_new(TB_MARKER, marker->line, marker->col);
    if (!b || !tblocks_push(kids, b)) {
      free(b);
      set_nomem(p);
      tpl_tinls_free(flat);
      return;
    }
    if (is_opener(marker->kind)) p->open_markers++;
    else if (marker->kind != TI_ELSE && p->open_markers > 0) p->open_markers--;
    if (p->open_markers + p->n_frames > TPL_MAX_DEPTH) {
      PERR(p, "template.limit", marker->line, marker->col, NULL, "blocks nested deeper than %d", TPL_MAX_DEPTH);
      p->st = SD_E_LIMIT;
    }
    for (size_t i = 0; i < flat->n; i++) {
      if (flat->v[i] == marker) b->marker = marker;
      else tpl_tinl_free(flat->v[i]);
    }
    free(flat->v);
    *flat = (tinls){0};
    return;
  }
  tinls folded = {0};
  fold_inline(p, flat, &folded);
  /* images may only stand at the paragraph's top level */
  for (size_t i = 0; i < folded.n; i++)
    if (folded.v[i]->kind == TI_EACH || folded.v[i]->kind == TI_IF || folded.v[i]->kind == TI_LANG) {
      tinls *ls[2] = {&folded.v[i]->body, &folded.v[i]->alt};
      for (int k = 0; k < 2; k++)
        for (size_t j = 0; j < ls[k]->n; j++)
          if (ls[k]->v[j]->kind == TI_IMAGE)
            PERR(p, "template.syntax", ls[k]->v[j]->line, ls[k]->v[j]->col, NULL,
                 "an image inside an inline section: put {{#if}}/{{#each}}/{{#lang}} and the image in paragraphs of their own");
    }
  tblock *para = NULL;
  for (size_t i = 0; i < folded.n; i++) {
    tinl *x = folded.v[i];
    folded.v[i] = NULL;
    if (x->kind == TI_IMAGE) {
      tblock *img = tblock_new(TB_IMAGE, x->line, x->col);
      if (!img || !tblocks_push(kids, img)) {
        free(img);
        tpl_tinl_free(x);
        set_nomem(p);
        continue;
      }
      img->inl = x->body;
      img->src = x->alt;
      x->body = x->alt = (tinls){0};
      tpl_tinl_free(x);
      para = NULL;
      continue;
    }
    if (!para) {
      para = tblock_new(TB_PARA, line, col);
      if (!para || !tblocks_push(kids, para)) {
        free(para);
        para = NULL;
        tpl_tinl_free(x);
        set_nomem(p);
        continue;
      }
    }
    if (!tinls_push(&para->inl, x)) {
      tpl_tinl_free(x);
      set_nomem(p);
    }
  }
  free(folded.v);
  /* drop whitespace-only paragraphs left between images */
  size_t w = 0;
  for (size_t i = 0; i < kids->n; i++) {
    tblock *b = kids->v[i];
    if (b->kind == TB_PARA && only_ws(&b->inl)) tpl_tblock_free(b);
    else kids->v[w++] = b;
  }
  kids->n = w;
}

static void literal_block(pctx *p, const char *lit, int line, int col, tblocks *kids)
{
  tblock *b = tblock_new(TB_PARA, line, col);
  if (!b || !tblocks_push(kids, b)) {
    free(b);
    set_nomem(p);
    return;
  }
  size_t n = lit ? strlen(lit) : 0;
  while (n && lit[n - 1] == '\n') n--;
  size_t s = 0;
  int l = line;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && lit[i] != '\n') continue;
    if (!push_text(p, &b->inl, lit + s, i - s, false, l, col)) return;
    if (i < n) {
      tinl *br = tinl_new(TI_BREAK, NULL, 0, false, l, col);
      if (!br || !tinls_push(&b->inl, br)) {
        tpl_tinl_free(br);
        set_nomem(p);
        return;
      }
    }
    s = i + 1;
    l++;
  }
}

static bool is_table(const pctx *p, cmark_node *para, int bline, int col);
static void build_table(pctx *p, int first, int last, int col, tblocks *kids);

static void walk(pctx *p, cmark_node *doc, tblock *root)
{
  frame frames[TPL_MAX_DEPTH + 1];
  int nf = 0;
  frames[nf++] = (frame){root, {0}};
  tinls flat = {0};         /* tokens of the current paragraph or heading */
  tinls alt = {0};          /* tokens of the current image's alt text */
  run r = {0};
  bool in_leaf = false, in_img = false, in_table = false;
  int table_first = 0, table_last = 0, table_col = 0;
  int strong = 0, img_depth = 0, skip_depth = 0;
  int leaf_line = 0, leaf_col = 0, img_line = 0, img_col = 0, heading = 0;
  const char *img_url = NULL;
  cmark_iter *it = cmark_iter_new(doc);
  cmark_event_type ev;
  if (!it) {
    set_nomem(p);
    return;
  }
  while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
    cmark_node *nd = cmark_iter_get_node(it);
    cmark_node_type ty = cmark_node_get_type(nd);
    int line = cmark_node_get_start_line(nd) + p->line0;
    int bline = cmark_node_get_start_line(nd);
    int rawcol = cmark_node_get_start_column(nd);
    int col = rawcol + p->col0;
    bool enter = ev == CMARK_EVENT_ENTER;
    tinls *cur = in_img ? &alt : &flat;
    if (p->st == SD_E_NOMEM || p->st == SD_E_LIMIT) break;
    if (in_table) {
      /* a table is read from its source lines: cmark's inlines are skipped */
      if (ty == CMARK_NODE_PARAGRAPH && !enter) {
        in_table = false;
        build_table(p, table_first, table_last, table_col, &frames[nf - 1].kids);
      }
      continue;
    }
    if (skip_depth) {
      /* containers past the depth cap: skip their content */
      if (ty == CMARK_NODE_LIST || ty == CMARK_NODE_ITEM || ty == CMARK_NODE_BLOCK_QUOTE)
        skip_depth += enter ? 1 : -1;
      continue;
    }
    switch (ty) {
    case CMARK_NODE_DOCUMENT:
      break;
    case CMARK_NODE_LIST:
    case CMARK_NODE_ITEM:
    case CMARK_NODE_BLOCK_QUOTE:
      if (enter) {
        if (nf > TPL_MAX_DEPTH || nf + p->open_markers > TPL_MAX_DEPTH) {
          PERR(p, "template.limit", line, col, NULL, "blocks nested deeper than %d", TPL_MAX_DEPTH);
          p->st = SD_E_LIMIT;
          skip_depth = 1;
          break;
        }
        tblock *b = NULL;
        if (ty != CMARK_NODE_BLOCK_QUOTE) {
          b = tblock_new(ty == CMARK_NODE_LIST ? TB_LIST : TB_ITEM, line, col);
          if (!b) {
            set_nomem(p);
            break;
          }
          b->ordered = ty == CMARK_NODE_LIST && cmark_node_get_list_type(nd) == CMARK_ORDERED_LIST;
        }
        frames[nf++] = (frame){b, {0}};
        p->n_frames = nf - 1;
      } else if (nf > 1) {
        frame f = frames[--nf];
        p->n_frames = nf - 1;
        tblocks *pk = &frames[nf - 1].kids;
        if (f.blk) {
          fold_blocks(p, &f.kids, &f.blk->body);
          if (!tblocks_push(pk, f.blk)) {
            tpl_tblock_free(f.blk);
            set_nomem(p);
          }
        } else {
          tblocks folded = {0};
          fold_blocks(p, &f.kids, &folded);
          for (size_t i = 0; i < folded.n; i++)
            if (!tblocks_push(pk, folded.v[i])) {
              tpl_tblock_free(folded.v[i]);
              set_nomem(p);
            }
          free(folded.v);
        }
      }
      break;
    case CMARK_NODE_PARAGRAPH:
    case CMARK_NODE_HEADING:
      if (enter && ty == CMARK_NODE_PARAGRAPH && !p->cell_out && is_table(p, nd, bline, rawcol)) {
        in_table = true;
        table_first = bline;
        table_last = cmark_node_get_end_line(nd);
        table_col = rawcol;
        break;
      }
      if (enter) {
        in_leaf = true;
        strong = 0;
        leaf_line = line;
        leaf_col = col;
        heading = ty == CMARK_NODE_HEADING ? cmark_node_get_heading_level(nd) : 0;
        r.strong = false;
      } else {
        run_flush(p, &r, &flat);
        in_leaf = false;
        tblocks *kids = &frames[nf - 1].kids;
        if (p->cell_out) {
          for (size_t i = 0; i < flat.n; i++)
            if (!tinls_push(p->cell_out, flat.v[i])) tpl_tinl_free(flat.v[i]), set_nomem(p);
          free(flat.v);
          flat = (tinls){0};
        } else if (!heading) {
          finish_para(p, &flat, leaf_line, leaf_col, kids);
        } else {
          tblock *b = tblock_new(TB_HEADING, leaf_line, leaf_col);
          if (!b || !tblocks_push(kids, b)) {
            free(b);
            tpl_tinls_free(&flat);
            set_nomem(p);
            break;
          }
          b->level = heading;
          /* an image in a heading reads as its alt text */
          tinls expanded = {0};
          for (size_t i = 0; i < flat.n; i++) {
            tinl *x = flat.v[i];
            if (x->kind != TI_IMAGE) {
              if (!tinls_push(&expanded, x)) tpl_tinl_free(x), set_nomem(p);
              continue;
            }
            for (size_t j = 0; j < x->body.n; j++)
              if (!tinls_push(&expanded, x->body.v[j])) tpl_tinl_free(x->body.v[j]), set_nomem(p);
            x->body.n = 0;
            tpl_tinl_free(x);
          }
          free(flat.v);
          flat = (tinls){0};
          fold_inline(p, &expanded, &b->inl);
        }
      }
      break;
    case CMARK_NODE_TEXT:
    case CMARK_NODE_SOFTBREAK: {
      const char *lit = ty == CMARK_NODE_TEXT ? cmark_node_get_literal(nd) : " ";
      if (!lit || !in_leaf) break;
      bool st = strong > 0;
      if (r.n && r.strong != st) run_flush(p, &r, cur);
      r.strong = st;
      size_t ln = strlen(lit);
      if (ty == CMARK_NODE_TEXT) col = fix_col(p, bline, rawcol, lit, ln) + p->col0;
      if (ty == CMARK_NODE_TEXT && p->skip) {
        size_t k = p->skip < ln ? p->skip : ln;
        lit += k;
        ln -= k;
        col += (int)k;
        p->skip = 0;
      }
      if (ty == CMARK_NODE_SOFTBREAK && r.nseg) {
        line = r.segs[r.nseg - 1].line;
        col = r.segs[r.nseg - 1].col + (int)(r.n - r.segs[r.nseg - 1].off);
      }
      if (!run_add(&r, lit, ln, line, col)) set_nomem(p);
      break;
    }
    case CMARK_NODE_CODE:
    case CMARK_NODE_HTML_INLINE: {
      const char *lit = cmark_node_get_literal(nd);
      if (!in_leaf) break;
      run_flush(p, &r, cur);
      if (lit && p->cell_out && ty == CMARK_NODE_CODE && strstr(lit, "\\|")) {
        /* GFM: in a table cell, \| is a pipe even inside a code span */
        size_t ln = strlen(lit), w = 0;
        char *u = malloc(ln + 1);
        if (!u) {
          set_nomem(p);
          break;
        }
        for (size_t i = 0; i < ln; i++)
          if (!(lit[i] == '\\' && lit[i + 1] == '|')) u[w++] = lit[i];
        push_text(p, cur, u, w, strong > 0, line, col);
        free(u);
      } else if (lit) {
        push_text(p, cur, lit, strlen(lit), strong > 0, line, col);
      }
      break;
    }
    case CMARK_NODE_LINEBREAK:
      if (in_leaf) {
        run_flush(p, &r, cur);
        tinl *br = tinl_new(TI_BREAK, NULL, 0, strong > 0, line, col);
        if (!br || !tinls_push(cur, br)) tpl_tinl_free(br), set_nomem(p);
      }
      break;
    case CMARK_NODE_EMPH:
    case CMARK_NODE_STRONG:
      run_flush(p, &r, cur);
      strong += enter ? 1 : -1;
      break;
    case CMARK_NODE_IMAGE:
      if (enter) {
        if (img_depth++ == 0) {
          run_flush(p, &r, cur);
          in_img = true;
          img_line = line;
          img_col = col;
          img_url = cmark_node_get_url(nd);
        }
      } else if (--img_depth == 0) {
        run_flush(p, &r, &alt);
        in_img = false;
        tinl *x = tinl_new(TI_IMAGE, NULL, 0, false, img_line, img_col);
        if (!x) {
          tpl_tinls_free(&alt);
          set_nomem(p);
          break;
        }
        tinls fa = alt;
        alt = (tinls){0};
        fold_inline(p, &fa, &x->body);
        if (img_url && *img_url) {
          seg sg = {0, img_line, img_col};
          tinls fs = {0};
          tokenize(p, img_url, strlen(img_url), &sg, 1, false, &fs);
          fold_inline(p, &fs, &x->alt);
        }
        if (!tinls_push(&flat, x)) tpl_tinl_free(x), set_nomem(p);
      }
      break;
    case CMARK_NODE_THEMATIC_BREAK: {
      tblock *b = tblock_new(TB_RULE, line, col);
      if (!b || !tblocks_push(&frames[nf - 1].kids, b)) free(b), set_nomem(p);
      break;
    }
    case CMARK_NODE_CODE_BLOCK:
    case CMARK_NODE_HTML_BLOCK:
      literal_block(p, cmark_node_get_literal(nd), line, col, &frames[nf - 1].kids);
      break;
    default: /* links, custom nodes: their text flows through */
      break;
    }
  }
  cmark_iter_free(it);
  tpl_tinls_free(&flat);
  tpl_tinls_free(&alt);
  run_free(&r);
  /* unwind frames left open by an early stop */
  while (nf > 1) {
    frame f = frames[--nf];
    tblocks_free(&f.kids);
    tpl_tblock_free(f.blk);
  }
  fold_blocks(p, &frames[0].kids, &root->body);
}

/* ---- pipe tables ------------------------------------------------------------- */

/* A line of the body: the text of body line bl (1-based) from byte `from`,
 * without the newline and trailing blanks. */
static const char *body_line(const pctx *p, int bl, size_t from, size_t *n)
{
  const char *ls = p->body + p->line_off[bl - 1];
  size_t len = line_len(p, bl);
  if (from > len) from = len;
  while (len > from && (ls[len - 1] == ' ' || ls[len - 1] == '\t' || ls[len - 1] == '\r')) len--;
  *n = len - from;
  return ls + from;
}

/* Where a paragraph's continuation line starts: after its container prefix
 * (indentation and block-quote '>'), or lazily at the line start. cmark's own
 * columns for continuation lines do not count stripped indentation. */
static size_t cont_start(const pctx *p, int bl)
{
  const char *ls = p->body + p->line_off[bl - 1];
  size_t i = 0;
  while (ls[i] == ' ' || ls[i] == '\t' || ls[i] == '>') i++;
  return i;
}

static bool blank(const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!is_ws((unsigned char)s[i])) return false;
  return true;
}

/* End of a {{…}} that opens at s[i], past its "}}"; n if never closed.
 * Quotes are skipped as tokenize() skips them. */
static size_t skip_braces(const char *s, size_t n, size_t i)
{
  size_t open = i;
  char inq = 0;
  for (i += 2; i < n; i++) {
    if (inq) {
      if (s[i] == '\\' && i + 1 < n) i++;
      else if (s[i] == inq) inq = 0;
    } else if (s[i] == '"' || (s[i] == '\'' && quote_may_open(s, open, i))) {
      inq = s[i];
    } else if (s[i] == '}' && i + 1 < n && s[i + 1] == '}') {
      return i + 2;
    }
  }
  return n;
}

/* Offsets of the cell separators of a table line: every '|' not escaped with
 * a backslash and not inside {{…}}. Stores at most max; returns how many. */
static size_t find_seps(const char *s, size_t n, size_t *seps, size_t max)
{
  size_t k = 0;
  for (size_t i = 0; i < n;) {
    if (s[i] == '\\' && i + 1 < n) {
      i += 2;
    } else if (s[i] == '{' && i + 1 < n && s[i + 1] == '{') {
      i = skip_braces(s, n, i);
    } else {
      if (s[i] == '|') {
        if (k < max) seps[k] = i;
        k++;
      }
      i++;
    }
  }
  return k;
}

/* True if s holds only blanks and section markers ({{#each …}}, {{/if}}, …). */
static bool only_markers(const char *s, size_t n)
{
  static const char *const words[] = {"#each", "#if", "#lang", "/each", "/if", "/lang", "else"};
  size_t i = 0;
  for (;;) {
    while (i < n && is_ws((unsigned char)s[i])) i++;
    if (i == n) return true;
    if (!(i + 1 < n && s[i] == '{' && s[i + 1] == '{')) return false;
    size_t e = skip_braces(s, n, i);
    if (e == n && !(n >= 2 && s[n - 1] == '}' && s[n - 2] == '}')) return false;
    size_t a = i + 2;
    while (a < e && is_ws((unsigned char)s[a])) a++;
    bool ok = false;
    for (size_t w = 0; w < sizeof words / sizeof words[0] && !ok; w++) {
      size_t wl = strlen(words[w]);
      ok = e - a >= wl + 2 && memcmp(s + a, words[w], wl) == 0 &&
           (is_ws((unsigned char)s[a + wl]) || s[a + wl] == '}');
    }
    if (!ok) return false;
    i = e;
  }
}

/* A delimiter row cell: optional ':' , dashes, optional ':'. */
static bool delim_cell(const char *s, size_t n)
{
  while (n && is_ws((unsigned char)*s)) s++, n--;
  while (n && is_ws((unsigned char)s[n - 1])) n--;
  if (n && *s == ':') s++, n--;
  if (n && s[n - 1] == ':') n--;
  if (!n) return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] != '-') return false;
  return true;
}

/* Number of cells of a table line whose separators are seps[0..k): the text
 * after the last '|' is a cell unless it is blank or only section markers. */
static size_t cell_count(const char *s, size_t n, const size_t *seps, size_t k)
{
  if (!k) return 0;
  size_t t = seps[k - 1] + 1;
  return only_markers(s + t, n - t) ? k - 1 : k;
}

static bool delim_row(const char *s, size_t n, size_t *cells)
{
  size_t seps[TPL_MAX_COLUMNS + 2];
  size_t k = find_seps(s, n, seps, TPL_MAX_COLUMNS + 2);
  if (k == 0 || k > TPL_MAX_COLUMNS + 1 || !blank(s, seps[0])) return false;
  size_t t = seps[k - 1] + 1;
  size_t m = blank(s + t, n - t) ? k - 1 : k;
  for (size_t c = 0; c < m; c++) {
    size_t a = seps[c] + 1, b = c + 1 < k ? seps[c + 1] : n;
    if (!delim_cell(s + a, b - a)) return false;
  }
  *cells = m;
  return m > 0;
}

/* A paragraph is a table when its first line starts with '|' and its second
 * is a delimiter row (|---|:--:|). */
static bool is_table(const pctx *p, cmark_node *para, int bline, int col)
{
  int last = cmark_node_get_end_line(para);
  if (bline < 1 || last <= bline || (size_t)last > p->n_lines || col < 1) return false;
  size_t n;
  const char *s = body_line(p, bline, (size_t)col - 1, &n);
  if (!n || s[0] != '|') return false;
  s = body_line(p, bline + 1, cont_start(p, bline + 1), &n);
  size_t cells;
  return delim_row(s, n, &cells);
}

/* Tokens of one cell's text, parsed as inline Markdown on its own: cmark
 * sees "a " + text, so a cell can never start a list, heading or code block,
 * and the guard is dropped from the first text node. */
static void parse_cell(pctx *p, const char *s, size_t n, int line, int col, tinls *out)
{
  if (!n) return;
  char *mini = malloc(n + 3);
  if (!mini) {
    set_nomem(p);
    return;
  }
  memcpy(mini, "a ", 2);
  memcpy(mini + 2, s, n);
  mini[n + 2] = '\0';
  tinls flat = {0};
  size_t zero = 0;
  pctx q = {.file = p->file, .d = p->d, .st = SD_OK, .line0 = line - 1, .body = mini,
            .line_off = &zero, .n_lines = 1, .body_len = n + 2, .cell_out = &flat, .col0 = col - 3, .skip = 2};
  tblock dummy;
  memset(&dummy, 0, sizeof dummy);
  cmark_node *doc = cmark_parse_document(mini, n + 2, CMARK_OPT_DEFAULT);
  if (doc) walk(&q, doc, &dummy);
  else q.st = SD_E_NOMEM;
  cmark_node_free(doc);
  tblocks_free(&dummy.body);
  free(mini);
  if (q.st == SD_E_NOMEM) set_nomem(p);
  else if (q.st != SD_OK && (p->st == SD_OK || p->st == SD_E_INPUT)) p->st = q.st;
  size_t w = 0;
  for (size_t i = 0; i < flat.n; i++) {
    tinl *x = flat.v[i];
    if (x->kind == TI_IMAGE) {
      PERR(p, "template.syntax", x->line, x->col, NULL, "an image cannot go in a table cell");
      tpl_tinl_free(x);
    } else {
      flat.v[w++] = x;
    }
  }
  flat.n = w;
  fold_inline(p, &flat, out);
}

/* Section markers before or after a row's cells → TB_MARKER blocks. */
static void row_markers(pctx *p, const char *s, size_t n, int line, int col, tblocks *out)
{
  seg sg = {0, line, col};
  tinls toks = {0};
  tokenize(p, s, n, &sg, 1, false, &toks);
  for (size_t i = 0; i < toks.n; i++) {
    tinl *x = toks.v[i];
    if (!is_marker(x->kind)) {
      tpl_tinl_free(x);
      continue;
    }
    tblock *b = tblock_new(TB_MARKER, x->line, x->col);
    if (!b || !tblocks_push(out, b)) {
      free(b);
      tpl_tinl_free(x);
      set_nomem(p);
      continue;
    }
    b->marker = x;
  }
  free(toks.v);
}

/* The rows of a table paragraph, body lines first..last (1-based): the
 * header, the delimiter row, then rows and section markers, folded. Cells
 * are split on the template text, before any value is inserted. */
static void build_table(pctx *p, int first, int last, int col, tblocks *kids)
{
  size_t seps[TPL_MAX_COLUMNS + 2];
  size_t want = 0;
  tblocks flat = {0};
  tblock *tb = tblock_new(TB_TABLE, first + p->line0, col);
  if (!tb || !tblocks_push(kids, tb)) {
    free(tb);
    set_nomem(p);
    return;
  }
  for (int bl = first; bl <= last && p->st != SD_E_NOMEM; bl++) {
    size_t from = bl == first ? (size_t)col - 1 : cont_start(p, bl), n;
    const char *s = body_line(p, bl, from, &n);
    int line = bl + p->line0;
    int c0 = (int)(s - (p->body + p->line_off[bl - 1])) + 1;
    size_t k = find_seps(s, n, seps, TPL_MAX_COLUMNS + 2);
    if (k > TPL_MAX_COLUMNS + 1) {
      PERR(p, "template.limit", line, c0, NULL, "a table has at most %d columns", TPL_MAX_COLUMNS);
      if (p->st == SD_E_INPUT) p->st = SD_E_LIMIT;
      break;
    }
    if (bl == first + 1) {
      size_t m = 0;
      delim_row(s, n, &m);
      if (m != want)
        PERR(p, "template.syntax", line, c0, NULL,
             "the delimiter row has %zu cells; the header row has %zu", m, want);
      continue;
    }
    size_t pre = k ? seps[0] : n;
    if (!blank(s, pre)) {
      if (bl == first || !only_markers(s, pre)) {
        PERR(p, "template.syntax", line, c0, NULL,
             "a table row starts with | (only {{#each}}, {{#if}}, {{#lang}}, {{else}} and closers may "
             "stand before it; no blank lines inside a table)");
        continue;
      }
      row_markers(p, s, pre, line, c0, &flat);
    }
    if (!k) continue;
    size_t m = cell_count(s, n, seps, k);
    size_t tail = seps[k - 1] + 1;
    bool tail_markers = m == k - 1 && !blank(s + tail, n - tail);
    if (bl == first) {
      want = m;
      if (tail_markers)
        PERR(p, "template.syntax", line, c0 + (int)tail, NULL, "the header row cannot be inside a section");
    } else if (m != want) {
      PERR(p, "template.syntax", line, c0, NULL, "this row has %zu cells; the header row has %zu", m, want);
      continue;
    }
    tblock *row = tblock_new(TB_ROW, line, c0);
    if (!row || !tblocks_push(&flat, row)) {
      free(row);
      set_nomem(p);
      break;
    }
    row->header = bl == first;
    for (size_t c = 0; c < m; c++) {
      size_t a = seps[c] + 1, b = c + 1 < k ? seps[c + 1] : n;
      while (a < b && (s[a] == ' ' || s[a] == '\t')) a++;
      while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) b--;
      tblock *cell = tblock_new(TB_CELL, line, c0 + (int)a);
      if (!cell || !tblocks_push(&row->body, cell)) {
        free(cell);
        set_nomem(p);
        break;
      }
      parse_cell(p, s + a, b - a, line, c0 + (int)a, &cell->inl);
    }
    if (tail_markers && bl != first) row_markers(p, s + tail, n - tail, line, c0 + (int)tail, &flat);
  }
  fold_blocks(p, &flat, &tb->body);
}

/* ---- entry points ------------------------------------------------------------ */

/* Reports the first invalid UTF-8 sequence or NUL byte; true if all valid. */
static bool check_utf8(pctx *p, const unsigned char *s, size_t n)
{
  int line = 1;
  size_t ls = 0;
  for (size_t i = 0; i < n;) {
    unsigned c = s[i];
    size_t k = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = k > 0 && c != 0 && i + k <= n && !(c == 0xC0 || c == 0xC1 || c > 0xF4);
    for (size_t j = 1; ok && j < k; j++) ok = (s[i + j] & 0xC0) == 0x80;
    if (ok && k == 3) {
      unsigned cp = ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6);
      ok = cp >= 0x800 && !(cp >= 0xD800 && cp <= 0xDFFF);
    } else if (ok && k == 4) {
      unsigned cp = ((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12);
      ok = cp >= 0x10000 && cp <= 0x10FFFF;
    }
    if (!ok) {
      PERR(p, "template.syntax", line, (int)(i - ls) + 1, NULL,
           c ? "invalid UTF-8 (byte 0x%02X)" : "NUL byte (0x%02X) in template", c);
      return false;
    }
    if (c == '\n') {
      line++;
      ls = i + 1;
    }
    i += k;
  }
  return true;
}

sd_status sd_template_parse(const char *text, size_t len, const char *file,
                            sd_template **out, sd_diags *d)
{
  pctx p = {.file = file, .d = d, .st = SD_OK};
  sd_template *t = NULL;
  cmark_node *doc = NULL;
  if (!out || (!text && len)) return SD_E_USAGE;
  *out = NULL;
  if (len > TPL_MAX_BYTES) {
    sd_diag_error(d, "template.limit", file, 0, 0, NULL, "template is larger than %zu bytes",
                  TPL_MAX_BYTES);
    return SD_E_LIMIT;
  }
  if (!text) text = "";
  if (!check_utf8(&p, (const unsigned char *)text, len)) return p.st;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) text += 3, len -= 3;
  t = calloc(1, sizeof *t);
  if (!t) return SD_E_NOMEM;
  t->file = sd_strdup(file);
  t->fm.page_size = sd_strdup("A4");
  t->fm.style = sd_strdup("standard");
  t->root = tblock_new(TB_DOC, 1, 1);
  if ((file && !t->file) || !t->fm.page_size || !t->fm.style || !t->root) {
    p.st = SD_E_NOMEM;
    goto done;
  }
  size_t body = front_matter(&p, text, len, t);
  p.body = text + body;
  size_t blen = len - body;
  /* cmark needs no terminator, but fix_col scans lines as C strings */
  char *copy = sd_strndup(p.body, blen);
  size_t nl = 1;
  for (size_t i = 0; i < blen; i++) nl += p.body[i] == '\n';
  p.line_off = malloc(nl * sizeof *p.line_off);
  if (!copy || !p.line_off) {
    free(copy);
    p.st = SD_E_NOMEM;
    goto done;
  }
  p.body = copy;
  p.body_len = blen;
  p.line_off[0] = 0;
  p.n_lines = 1;
  for (size_t i = 0; i < blen; i++)
    if (copy[i] == '\n') p.line_off[p.n_lines++] = i + 1;
  doc = cmark_parse_document(copy, blen, CMARK_OPT_DEFAULT);
  if (!doc) {
    free(copy);
    p.st = SD_E_NOMEM;
    goto done;
  }
  walk(&p, doc, t->root);
  free(copy);
  /* an empty body would print a blank page and call it done (issue 13) */
  if (p.st == SD_OK && t->root->body.n == 0)
    PERR(&p, "template.empty", p.line0 + 1, 1, NULL,
         "the template has nothing to print: its body is empty (write the document below the front matter)");
done:
  cmark_node_free(doc);
  free(p.line_off);
  if (p.st != SD_OK) {
    sd_template_free(t);
    return p.st;
  }
  *out = t;
  return SD_OK;
}

void sd_template_free(sd_template *t)
{
  if (!t) return;
  free(t->file);
  free(t->fm.doc_type);
  free(t->fm.page_size);
  free(t->fm.style);
  free(t->fm.meeting_type);
  tpl_tinls_free(&t->title);
  tpl_tinls_free(&t->footer);
  tpl_tinls_free(&t->header);
  tpl_tinls_free(&t->watermark);
  tpl_tblock_free(t->root);
  for (size_t i = 0; i < t->n_reqs; i++) {
    free(t->reqs[i].path);
    free(t->reqs[i].cond);
    free(t->reqs[i].cmp_value);
    free(t->reqs[i].reason);
  }
  free(t->reqs);
  free(t);
}

void sd_template_use_schema(sd_template *t, const sd_schema_fields *known)
{
  if (t) t->known = known;
}

const sd_front_matter *sd_template_front_matter(const sd_template *t)
{
  return t ? &t->fm : NULL;
}
