/* sendoc serve: a local web application over the library (see serve.c).
 * Split by concern: serve_http.c (connections, security),
 * serve_util.c (buffers, HTML escaping, hashing), serve_ws.c (the workspace
 * folder: safe names, reads, atomic saves with history), serve_spec.c (the
 * case schema as forms), serve_edit.c (applying a form to the XML tree),
 * serve_pages.c (routing, caseload, new case), serve_case.c (overview and
 * section editor), serve_translate.c (translation view, new strategy,
 * photo), serve_docs.c (renders, previews drawn by poppler, class sets,
 * postcards), serve_csv.c (the class-list reader and mapping) and
 * serve_import.c (its pages). */
#ifndef SD_SERVE_H
#define SD_SERVE_H
#include "cli.h"
#include <libxml/tree.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

/* ---- growable buffers with a cap ---- */
typedef struct sv_buf {
  char *p;
  size_t n, cap;
  bool failed; /* out of memory: the buffer stays as it was */
} sv_buf;
void sv_put(sv_buf *b, const char *s);
void sv_putn(sv_buf *b, const char *s, size_t n);
void sv_printf(sv_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* HTML-escapes s (text and attribute values alike); NULL puts nothing. */
void sv_esc(sv_buf *b, const char *s);
/* Percent-encodes s for a URL query value. */
void sv_url(sv_buf *b, const char *s);
void sv_buf_free(sv_buf *b);
/* Hex sha256 of bytes into out[65]. */
void sv_sha256_hex(const void *p, size_t n, char out[65]);
/* Fills out[0..2n] with n random bytes in hex (getrandom). 0 on success. */
int sv_random_hex(char *out, size_t n);
/* Constant-time string comparison; true when equal. */
bool sv_secret_eq(const char *a, const char *b);
/* Today in the server's local time (or --today), YYYY-MM-DD. */
void sv_today(const char *override, char out[11]);
/* The display name of a language tag in English ("ur" -> "Urdu"), into out. */
void sv_lang_name(const char *tag, char *out, size_t cap);
/* True when a language tag is written right to left. */
bool sv_lang_rtl(const char *tag);

/* ---- form fields of one request ---- */
typedef struct sv_field {
  char *key, *val;
  size_t len;
  char *filename; /* set for an uploaded file */
} sv_field;
typedef struct sv_form {
  sv_field *f;
  size_t n, cap;
  size_t bytes; /* total, bounded */
} sv_form;
const char *sv_form_get(const sv_form *f, const char *key);
/* Appends a chunk of field key at offset off (0: a new field, even if the
 * same key came before), bounded by max total bytes; -1 past it. */
int sv_form_add(sv_form *f, const char *key, const char *filename, const char *data, size_t n, size_t off,
                size_t max);
/* All values of a repeated field; returns how many (<= cap). */
size_t sv_form_all(const sv_form *f, const char *key, const char **out, size_t cap);
void sv_form_free(sv_form *f);

/* ---- the server ---- */
typedef struct sv_render sv_render; /* a rendered document and its page images */
typedef struct sv_import sv_import; /* a class list being imported */

typedef struct sv_server {
  sd_engine *engine;
  sd_language_info *langs; /* the engine's catalogues: the language picker (sd_engine_languages) */
  size_t n_langs;
  int ws_fd;             /* the workspace folder, opened once */
  char *ws_path;         /* its real path */
  char token[65];        /* per-start access secret (printed address) */
  char csrf[65];         /* per-start CSRF token, in every form */
  char host_ok[3][300];  /* accepted Host header values */
  unsigned port;
  bool listen_any;       /* --listen given */
  char listen_host[256];
  const char *today;     /* --today YYYY-MM-DD, for tests */
  bool log;              /* --log: method, route and status only */
  size_t max_body, max_upload;
  char *web[4];          /* app.css, app.js loaded from the data folder */
  size_t web_len[4];
  pthread_mutex_t save_lock;   /* one save at a time: compare version, write */
  pthread_mutex_t cache_lock;  /* renders and imports */
  sv_render *renders;          /* most recent first, at most SV_RENDER_CACHE */
  sv_import *imports;
  unsigned preview_dpi;
  unsigned preview_timeout_ms;
} sv_server;
#define SV_RENDER_CACHE 24
#define SV_IMPORT_CACHE 8

/* ---- one request's answer ---- */
typedef struct sv_resp {
  unsigned status;
  const char *type;      /* Content-Type */
  sv_buf body;           /* owned text body */
  const unsigned char *bin; size_t bin_len; void *bin_owner; /* or a shared body (owner freed with free) */
  char location[1024];   /* for 303 */
  char disposition[160]; /* Content-Disposition */
  char etag[80];
  char timing[96];       /* Server-Timing: render and rasterise durations */
} sv_resp;

typedef struct sv_req {
  sv_server *s;
  const char *method, *path; /* path without the query */
  void *conn;                /* struct MHD_Connection */
  sv_form form;              /* POST fields */
  bool post;
} sv_req;
/* A query argument of the request, or NULL. */
const char *sv_query(const sv_req *r, const char *key);
/* All values of a repeated query argument; returns how many (<= cap). */
size_t sv_query_all(const sv_req *r, const char *key, const char **out, size_t cap);
/* A value from the form (POST) or the query (GET). */
const char *sv_arg(const sv_req *r, const char *key);

/* Routing: fills resp for req; serve_http.c adds security headers. */
void sv_route(sv_req *r, sv_resp *out);

/* ---- pages ---- */
/* Starts an HTML page: title, language en-GB, navigation, main landmark. */
void sv_page_begin(sv_buf *b, const sv_server *s, const char *title, const char *current);
void sv_page_end(sv_buf *b);
void sv_redirect(sv_resp *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sv_error_page(sv_resp *o, const sv_server *s, unsigned status, const char *title, const char *msg);
void sv_csrf_field(sv_buf *b, const sv_server *s);

void sv_page_caseload(sv_req *r, sv_resp *o);
void sv_page_case(sv_req *r, sv_resp *o, const char *id, const char *rest);
void sv_page_new(sv_req *r, sv_resp *o);
void sv_page_docs(sv_req *r, sv_resp *o);
void sv_page_preview(sv_req *r, sv_resp *o);
void sv_render_asset(sv_req *r, sv_resp *o, const char *rest);
void sv_page_import(sv_req *r, sv_resp *o, const char *rest);
void sv_api_caseload(sv_req *r, sv_resp *o);
void sv_renders_free(sv_server *s);
void sv_imports_free(sv_server *s);

/* ---- the workspace ---- */
/* True for a case id: [A-Za-z0-9][A-Za-z0-9_-]{0,63} (the file is ID.xml). */
bool sv_ws_valid_id(const char *id);
/* Reads ID.xml (no symlinks, regular files only, bounded). NULL with errno. */
char *sv_ws_read(const sv_server *s, const char *id, size_t *len);
/* Case ids in the workspace, sorted; free each and the array. */
char **sv_ws_list(const sv_server *s, size_t *n);
/* Saves bytes as ID.xml when its current version is expect (NULL: the file
 * must not exist yet): the previous bytes go to .history/ID.STAMP.xml (0600),
 * then an atomic replace. 0 ok, 409 version differs, 500 otherwise.
 * new_version (65 bytes) receives the saved version. */
int sv_ws_save(sv_server *s, const char *id, const char *expect, const char *data, size_t len,
               char *new_version);
/* An unused case id made from a name ("Zara Ahmed" -> "zara-ahmed", "-2"...). */
void sv_ws_new_id(const sv_server *s, const char *name, char *out, size_t cap);

/* ---- case documents as forms ---- */
typedef enum sv_kind { K_TEXT, K_PROSE, K_DATE, K_TIME, K_BOOL, K_ENUM, K_LANG, K_ID, K_REF, K_GROUP } sv_kind;
enum { SV_OPT = 1, SV_MANY = 2, SV_TR = 4, SV_VERBATIM = 8 };
typedef struct sv_attr {
  const char *name, *label;
  sv_kind kind;
  const char *arg; /* enum values "a|b", or a ref target "needs/need" */
  bool required;
  const char *hint;
} sv_attr;
typedef struct sv_spec {
  const char *name, *label;
  sv_kind kind;
  unsigned flags;
  const char *arg;
  const struct sv_spec *kids; /* terminated by a NULL name */
  const sv_attr *attrs;       /* terminated by a NULL name */
  const char *hint;
} sv_spec;
typedef struct sv_section {
  const char *slug, *title;
  const char *names[12]; /* top-level elements, NULL-terminated */
} sv_section;
extern const sv_spec SV_CASE;  /* the <case> element */
extern const sv_section SV_SECTIONS[];
extern const size_t SV_N_SECTIONS;
/* The spec of a child element name under spec p, or NULL. */
const sv_spec *sv_spec_kid(const sv_spec *p, const char *name);
/* The section holding top-level element name, or NULL. */
const sv_section *sv_section_of(const char *name);

/* Parses case bytes into a libxml2 tree (no network, no entities, no DTD). */
xmlDocPtr sv_xml_parse(const char *data, size_t len);
/* Serialises a tree as UTF-8 bytes (free with xmlFree). */
char *sv_xml_dump(xmlDocPtr doc, size_t *len);
/* The element at a path of element-child indices ("3.2.0"; "" is the root). */
xmlNodePtr sv_xml_at(xmlDocPtr doc, const char *path);
/* The path of element n into out. */
void sv_xml_path(xmlNodePtr n, char *out, size_t cap);
/* True when n is a translation of the entry before it. */
bool sv_xml_is_translation(xmlNodePtr n);
/* The xml:lang of n itself (not inherited), or NULL (borrowed, xmlFree not needed... see .c). */
char *sv_xml_lang(xmlNodePtr n);
/* The spec of element n (walking up to the root), or NULL if the forms do not know it. */
const sv_spec *sv_xml_spec(xmlNodePtr n);
/* Leaf text of n (trimmed), malloc'd. */
char *sv_xml_text(xmlNodePtr n);
/* Replaces the text of leaf n, keeping comments inside it. */
void sv_xml_set_text(xmlNodePtr n, const char *text);

/* Applies a submitted section form to doc. Returns 0, or an HTTP status with
 * msg filled (400: a field names no element). *op_anchor receives where to
 * scroll after an add/remove/move. */
int sv_edit_apply(xmlDocPtr doc, const sv_form *form, char *msg, size_t cap, char *anchor, size_t acap);
/* Applies the translation form (fields tr/PATH) for language lang. */
int sv_edit_translate(xmlDocPtr doc, const sv_form *form, const char *lang, char *msg, size_t cap);
/* Adds a new child element name under parent at its schema position, with a
 * skeleton of required children; returns it. */
xmlNodePtr sv_edit_add(xmlDocPtr doc, xmlNodePtr parent, const sv_spec *pspec, const char *name);

/* ---- class-list import (serve_csv.c) ---- */
#define SV_CSV_MAX_ROWS 200
#define SV_CSV_MAX_COLS 40
typedef struct sv_table {
  char **cell; /* rows * cols, row 0 the header */
  size_t rows, cols;
} sv_table;
/* Parses CSV as Excel and LibreOffice save it (UTF-8 with or without BOM,
 * comma, semicolon or tab, quoted fields, CRLF). 0, or -1 with msg. */
int sv_csv_parse(const char *data, size_t len, sv_table *t, char *msg, size_t cap);
void sv_table_free(sv_table *t);
typedef struct sv_target { const char *key, *label; bool required; const char *guess; } sv_target;
extern const sv_target SV_TARGETS[];
extern const size_t SV_N_TARGETS;
/* Builds the case XML for table row (1-based) with map[target] = column
 * (-1 none); school/senco from the form. NULL when incomplete: missing
 * lists the missing targets' labels. */
char *sv_csv_case(const sv_table *t, size_t row, const int *map, const char *school, const char *senco,
                  char *missing, size_t mcap, char *name, size_t ncap);
#endif
