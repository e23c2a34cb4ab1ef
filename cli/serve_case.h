/* sendoc serve: what the case pages share (serve_case.c, serve_translate.c). */
#ifndef SD_SERVE_CASE_H
#define SD_SERVE_CASE_H
#include "serve.h"

/* A case file read and parsed for a page: its bytes, tree, version (sha256)
 * and the child's preferred name (or the id). */
typedef struct loaded {
  char *xml;
  size_t len;
  xmlDocPtr doc;
  char version[65];
  char name[200];
} loaded;
/* Reads and parses case id; on failure fills o with an error page and returns false. */
bool sv_case_open(sv_server *s, const char *id, loaded *l, sv_resp *o);
void sv_case_close(loaded *l);
/* The navigation between a case's sections; current is a slug, "" or "translate"/"strategy". */
void sv_case_nav(sv_buf *b, const char *id, const char *current);
/* An HTML id from a prefix, an element path and an optional suffix ("f-3-2-by"). */
void sv_dom_id(char *out, size_t cap, const char *prefix, const char *path, const char *extra);

void sv_page_translate(sv_req *r, sv_resp *o, const char *id);
void sv_page_strategy(sv_req *r, sv_resp *o, const char *id);
void sv_page_photo(sv_req *r, sv_resp *o, const char *id);
#endif
