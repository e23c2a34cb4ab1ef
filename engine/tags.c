/* tags: structure tree, ParentTree and marked-content bookkeeping. */
#include "tags.h"
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <stdlib.h>
#include <string.h>

typedef struct kid {
  uint64_t seq;   /* content order; child elements take their first content's */
  int elem;       /* >= 0: a child element; -1: a marked-content id */
  int page, mcid;
} kid;

typedef struct elem_state {
  kid *kids;
  size_t n, cap;
  uint64_t first;   /* smallest seq in the subtree; UINT64_MAX: no content */
  HPDF_Dict dict;
} elem_state;

typedef struct page_marks {
  int *owner;       /* elem per mcid */
  size_t n, cap;
} page_marks;

struct sd_tags {
  const sd_elem *elems;
  size_t n_elems, n_pages;
  elem_state *st;
  page_marks *pages;
  uint64_t seq;
};

sd_tags *sd_tags_new(const sd_elem *elems, size_t n_elems, size_t n_pages)
{
  sd_tags *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->elems = elems;
  t->n_elems = n_elems;
  t->n_pages = n_pages;
  t->st = calloc(n_elems ? n_elems : 1, sizeof *t->st);
  t->pages = calloc(n_pages ? n_pages : 1, sizeof *t->pages);
  if (!t->st || !t->pages) {
    sd_tags_free(t);
    return NULL;
  }
  for (size_t i = 0; i < n_elems; i++) t->st[i].first = UINT64_MAX;
  return t;
}

void sd_tags_free(sd_tags *t)
{
  if (!t) return;
  for (size_t i = 0; t->st && i < t->n_elems; i++) free(t->st[i].kids);
  for (size_t i = 0; t->pages && i < t->n_pages; i++) free(t->pages[i].owner);
  free(t->st);
  free(t->pages);
  free(t);
}

static int push_kid(elem_state *s, kid k)
{
  if (s->n == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 4;
    kid *p = realloc(s->kids, cap * sizeof *p);
    if (!p) return -1;
    s->kids = p;
    s->cap = cap;
  }
  s->kids[s->n++] = k;
  return 0;
}

int sd_tags_mark(sd_tags *t, size_t page_index, int elem)
{
  if (!t || page_index >= t->n_pages || elem < 0 || (size_t)elem >= t->n_elems) return -1;
  page_marks *pm = &t->pages[page_index];
  if (pm->n == pm->cap) {
    size_t cap = pm->cap ? pm->cap * 2 : 16;
    int *p = realloc(pm->owner, cap * sizeof *p);
    if (!p) return -1;
    pm->owner = p;
    pm->cap = cap;
  }
  int mcid = (int)pm->n;
  pm->owner[pm->n++] = elem;
  kid k = { t->seq++, -1, (int)page_index, mcid };
  if (push_kid(&t->st[elem], k)) return -1;
  return mcid;
}

static int cmp_kid(const void *a, const void *b)
{
  const kid *x = a, *y = b;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void *sd_pdf_text_string(HPDF_MMgr mmgr, const char *utf8)
{
  size_t n = strlen(utf8);
  int ascii = 1;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)utf8[i] >= 0x80 || utf8[i] == '\\' || utf8[i] == '(' || utf8[i] == ')') ascii = 0;
  if (ascii) return HPDF_String_New(mmgr, utf8, NULL);
  /* PDF 7.9.2.2: a text string outside PDFDocEncoding is UTF-16BE with a BOM */
  unsigned char *buf = malloc(2 + n * 4);
  if (!buf) return NULL;
  size_t o = 0;
  buf[o++] = 0xFE;
  buf[o++] = 0xFF;
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)utf8[i];
    uint32_t cp;
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + (size_t)len > n) len = 1;
    if (len == 1) cp = c < 0x80 ? c : 0xFFFD;
    else {
      cp = c & (0xFF >> (len + 1));
      for (int k = 1; k < len; k++) cp = (cp << 6) | ((unsigned char)utf8[i + k] & 0x3F);
    }
    i += (size_t)len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      uint32_t hi = 0xD800 + (cp >> 10), lo = 0xDC00 + (cp & 0x3FF);
      buf[o++] = (unsigned char)(hi >> 8); buf[o++] = (unsigned char)hi;
      buf[o++] = (unsigned char)(lo >> 8); buf[o++] = (unsigned char)lo;
    } else {
      buf[o++] = (unsigned char)(cp >> 8);
      buf[o++] = (unsigned char)cp;
    }
  }
  void *obj = HPDF_Binary_New(mmgr, buf, (HPDF_UINT)o);
  free(buf);
  return obj;
}

/* A child element is ordered by its first content: propagate each
 * element's first sequence number up to its ancestors. */
static void order_subtrees(sd_tags *t)
{
  for (size_t i = 0; i < t->n_elems; i++)
    for (size_t k = 0; k < t->st[i].n; k++)
      if (t->st[i].kids[k].seq < t->st[i].first) t->st[i].first = t->st[i].kids[k].seq;
  /* elements are created parent before child, so walk from the end */
  for (size_t i = t->n_elems; i-- > 0;) {
    int p = t->elems[i].parent;
    if (p >= 0 && t->st[i].first < t->st[p].first) t->st[p].first = t->st[i].first;
  }
}

#define CHECK(x) do { if ((x) != HPDF_OK) goto fail; } while (0)

static int add_attrs(HPDF_MMgr mm, HPDF_Dict dict, const sd_elem *e)
{
  if (HPDF_Dict_AddName(dict, "Type", "StructElem") != HPDF_OK) return -1;
  if (HPDF_Dict_AddName(dict, "S", e->role) != HPDF_OK) return -1;
  if (e->lang && HPDF_Dict_Add(dict, "Lang", HPDF_String_New(mm, e->lang, NULL)) != HPDF_OK) return -1;
  if (e->alt && HPDF_Dict_Add(dict, "Alt", sd_pdf_text_string(mm, e->alt)) != HPDF_OK) return -1;
  if (e->scope) {
    /* PDF/UA-1 7.5: header cells say which cells they head */
    HPDF_Dict a = HPDF_Dict_New(mm);
    if (!a || HPDF_Dict_AddName(a, "O", "Table") != HPDF_OK ||
        HPDF_Dict_AddName(a, "Scope", e->scope) != HPDF_OK || HPDF_Dict_Add(dict, "A", a) != HPDF_OK)
      return -1;
  }
  return 0;
}

sd_status sd_tags_finish(sd_tags *t, HPDF_Doc doc, HPDF_Page *pages, sd_diags *d)
{
  HPDF_MMgr mm = doc->mmgr;
  order_subtrees(t);
  HPDF_Dict root = HPDF_Dict_New(mm);
  if (!root || HPDF_Xref_Add(doc->xref, root) != HPDF_OK) goto fail;
  CHECK(HPDF_Dict_AddName(root, "Type", "StructTreeRoot"));

  for (size_t i = 0; i < t->n_elems; i++) {
    if (t->st[i].first == UINT64_MAX && i != 0) continue; /* nothing drawn: no element */
    HPDF_Dict e = HPDF_Dict_New(mm);
    if (!e || HPDF_Xref_Add(doc->xref, e) != HPDF_OK) goto fail;
    t->st[i].dict = e;
    if (add_attrs(mm, e, &t->elems[i])) goto fail;
  }
  /* child elements join their parent's kids, then every kid list is put in content order */
  for (size_t i = 1; i < t->n_elems; i++) {
    int p = t->elems[i].parent;
    if (!t->st[i].dict || p < 0) continue;
    kid k = { t->st[i].first, (int)i, -1, -1 };
    if (push_kid(&t->st[p], k)) goto fail;
  }
  for (size_t i = 0; i < t->n_elems; i++) {
    elem_state *s = &t->st[i];
    if (!s->dict) continue;
    if (s->n > 1) qsort(s->kids, s->n, sizeof *s->kids, cmp_kid); /* qsort(NULL, 0) is undefined (C11 7.22.5) */
    int p = t->elems[i].parent;
    CHECK(HPDF_Dict_Add(s->dict, "P", p >= 0 ? t->st[p].dict : root));
    HPDF_Array kids = HPDF_Array_New(mm);
    if (!kids) goto fail;
    int pg = -1;
    for (size_t k = 0; k < s->n; k++)
      if (s->kids[k].elem < 0) { pg = s->kids[k].page; break; }
    if (pg >= 0) CHECK(HPDF_Dict_Add(s->dict, "Pg", pages[pg]));
    for (size_t k = 0; k < s->n; k++) {
      const kid *x = &s->kids[k];
      if (x->elem >= 0) {
        CHECK(HPDF_Array_Add(kids, t->st[x->elem].dict));
      } else if (x->page == pg) {
        CHECK(HPDF_Array_AddNumber(kids, x->mcid));
      } else {
        HPDF_Dict mcr = HPDF_Dict_New(mm);
        if (!mcr) goto fail;
        CHECK(HPDF_Dict_AddName(mcr, "Type", "MCR"));
        CHECK(HPDF_Dict_Add(mcr, "Pg", pages[x->page]));
        CHECK(HPDF_Dict_AddNumber(mcr, "MCID", x->mcid));
        CHECK(HPDF_Array_Add(kids, mcr));
      }
    }
    CHECK(HPDF_Dict_Add(s->dict, "K", kids));
  }
  CHECK(HPDF_Dict_Add(root, "K", t->st[0].dict));

  /* ISO 32000-1 14.7.4.4: ParentTree maps each page's StructParents key to
   * the elements owning its MCIDs, indexed by MCID */
  HPDF_Dict ptree = HPDF_Dict_New(mm);
  HPDF_Array nums = HPDF_Array_New(mm);
  if (!ptree || !nums || HPDF_Xref_Add(doc->xref, ptree) != HPDF_OK) goto fail;
  for (size_t p = 0; p < t->n_pages; p++) {
    CHECK(HPDF_Dict_AddNumber(pages[p], "StructParents", (HPDF_INT32)p));
    HPDF_Array owners = HPDF_Array_New(mm);
    if (!owners) goto fail;
    for (size_t m = 0; m < t->pages[p].n; m++) CHECK(HPDF_Array_Add(owners, t->st[t->pages[p].owner[m]].dict));
    CHECK(HPDF_Array_AddNumber(nums, (HPDF_INT32)p));
    CHECK(HPDF_Array_Add(nums, owners));
  }
  CHECK(HPDF_Dict_Add(ptree, "Nums", nums));
  CHECK(HPDF_Dict_Add(root, "ParentTree", ptree));
  CHECK(HPDF_Dict_AddNumber(root, "ParentTreeNextKey", (HPDF_INT32)t->n_pages));
  CHECK(HPDF_Dict_Add(doc->catalog, "StructTreeRoot", root));

  HPDF_Dict mark = HPDF_Dict_New(mm);
  if (!mark) goto fail;
  CHECK(HPDF_Dict_AddBoolean(mark, "Marked", HPDF_TRUE));
  CHECK(HPDF_Dict_Add(doc->catalog, "MarkInfo", mark));
  return SD_OK;
fail:
  sd_diag_error(d, "pdf.tags", NULL, 0, 0, NULL, "could not build the structure tree (libharu error %#lx)",
                (unsigned long)HPDF_GetError(doc));
  return SD_E_INTERNAL;
}
