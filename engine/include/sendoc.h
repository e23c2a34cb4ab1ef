/* sendoc — accessible, multilingual PDFs from special-educational-needs case data.
 *
 * Every call returns an sd_status and adds details to an sd_diags list; the
 * library never prints, exits or aborts. Handles are opaque. An sd_engine is
 * created once and may be shared by several threads rendering at once.
 */
#ifndef SENDOC_H
#define SENDOC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(SD_BUILDING) && defined(__GNUC__)
#define SD_API __attribute__((visibility("default")))
#else
#define SD_API
#endif

#define SD_VERSION "0.1.0"

/* Append-only: values are never renumbered (the CLI maps them to exit codes). */
typedef enum sd_status {
  SD_OK = 0,
  SD_E_INPUT = 1,    /* the case, template or Markdown is invalid */
  SD_E_USAGE = 2,    /* a caller passed bad arguments or options */
  SD_E_IO = 3,       /* reading or writing a file failed */
  SD_E_NOMEM = 4,    /* out of memory */
  SD_E_LIMIT = 5,    /* input exceeded a size, depth or pixel limit */
  SD_E_FONT = 6,     /* no usable font, or a character no font covers */
  SD_E_RESOURCE = 7, /* templates, locales, schema or font map missing */
  SD_E_INTERNAL = 8, /* a bug: please report it */
  SD_E_CANCELLED = 9,/* the caller's cancel callback asked to stop */
  SD_E_TIMEOUT = 10  /* the render ran longer than its time limit */
} sd_status;

typedef enum sd_severity { SD_SEV_NOTE = 0, SD_SEV_WARNING = 1, SD_SEV_ERROR = 2 } sd_severity;

typedef struct sd_diags sd_diags;
typedef struct sd_engine sd_engine;
typedef struct sd_case sd_case;

/* One diagnostic, borrowed from its list: valid until sd_diags_free(). */
typedef struct sd_diag_info {
  sd_severity severity;
  const char *code;    /* stable rule id, e.g. "case.schema" */
  const char *file;    /* may be NULL */
  int line, column;    /* 0 when unknown */
  const char *field;   /* element or template field, may be NULL */
  const char *message;
} sd_diag_info;

typedef struct sd_limits {
  size_t max_file_bytes;    /* case, template or Markdown file */
  size_t max_image_bytes;   /* photo file */
  uint64_t max_image_pixels;/* width * height of a photo */
  unsigned max_depth;       /* element nesting */
} sd_limits;

SD_API extern const sd_limits SD_LIMITS_DEFAULT;

/* Asked at checkpoints during a render (every block and page); return non-zero
 * to stop it: the render then returns SD_E_CANCELLED. Must be thread-safe. */
typedef int (*sd_cancel_fn)(void *user);

/* Render options. Initialise with sd_render_options_init() (or zero it and set
 * size = sizeof *o); a zero-initialised struct is valid too and means the
 * defaults. New fields are only ever appended: the library reads no further
 * than `size` bytes, so a caller built against an older header keeps working.
 * Every NULL or 0 field means its default. */
typedef struct sd_render_options {
  size_t size;              /* sizeof(sd_render_options) as the caller compiled it; 0: the 0.1 fields only */
  const char *template_ref; /* a name under the data dir's templates/, or a path */
  const char *lang;         /* BCP 47 document language; NULL: en-GB */
  const char *style;        /* "standard", "large-print", "dyslexia"; NULL: the template's */
  int64_t date_epoch;       /* the render date and PDF timestamp, seconds since 1970;
                               <= 0: SOURCE_DATE_EPOCH when set, else now */
  /* since 0.2 */
  const char *meeting_id;   /* review paperwork: the meeting with this id; NULL: the next
                               annual review on or after the render date */
  sd_cancel_fn cancel;      /* NULL: never cancelled */
  void *cancel_user;        /* passed to cancel */
  uint32_t time_limit_ms;   /* 0: no limit; else SD_E_TIMEOUT once a render has run this long */
} sd_render_options;

/* Sets every field of *o to its default and o->size to sizeof *o. */
SD_API void sd_render_options_init(sd_render_options *o);

/* Diagnostics list. sd_diags_free(NULL) does nothing. */
SD_API sd_diags *sd_diags_new(void);
SD_API void sd_diags_free(sd_diags *d);
SD_API size_t sd_diags_count(const sd_diags *d);
SD_API size_t sd_diags_errors(const sd_diags *d);
/* Fills *out with item i (borrowed). Returns SD_E_USAGE when i is out of range. */
SD_API sd_status sd_diags_get(const sd_diags *d, size_t i, sd_diag_info *out);

/* An engine holds the data folder (templates, locales, schema, font map) and the
 * fonts parsed once per process. Free with sd_engine_free(). SD_E_RESOURCE when
 * data_dir lacks the schema or font map. */
SD_API sd_status sd_engine_new(const char *data_dir, sd_engine **out, sd_diags *d);
SD_API void sd_engine_free(sd_engine *e);
SD_API const char *sd_engine_data_dir(const sd_engine *e);

/* Parses a case file without network or external entities, bounded by lim, and
 * validates it against the schema. Free with sd_case_free(). Returns SD_E_INPUT
 * (malformed or invalid), SD_E_LIMIT, SD_E_IO. */
SD_API sd_status sd_case_load(sd_engine *e, const char *path, const sd_limits *lim,
                              sd_case **out, sd_diags *d);
/* Same from memory: name is used in messages, base_dir bounds photo paths
 * (NULL: no photo may be read). */
SD_API sd_status sd_case_load_mem(sd_engine *e, const void *data, size_t len,
                                  const char *name, const char *base_dir,
                                  const sd_limits *lim, sd_case **out, sd_diags *d);
SD_API void sd_case_free(sd_case *c);

/* Renders a case to PDF bytes; *out_pdf is freed with sd_free(). Nothing is
 * returned on failure. SD_E_INPUT, SD_E_FONT, SD_E_RESOURCE, SD_E_LIMIT. */
SD_API sd_status sd_render(sd_engine *e, const sd_case *c, const sd_render_options *opt,
                           unsigned char **out_pdf, size_t *out_len, sd_diags *d);
/* Renders several cases with one template into one PDF (a class's profiles,
 * one after another), each laid out and checked on its own; every case's
 * problems are reported and nothing is returned if any fails. */
SD_API sd_status sd_render_cases(sd_engine *e, const sd_case *const *cases, size_t n,
                                 const sd_render_options *opt, unsigned char **out_pdf,
                                 size_t *out_len, sd_diags *d);
/* Typesets a standalone Markdown note (no case data) in language lang. */
SD_API sd_status sd_render_markdown(sd_engine *e, const char *md, size_t md_len,
                                    const char *name, const sd_render_options *opt,
                                    unsigned char **out_pdf, size_t *out_len, sd_diags *d);
/* Checks a case against the SEND Code of Practice (2015): findings are
 * warnings with stable rule ids (lint.*) in d. Lints one case: template_ref is a name
 * under the data dir's templates/ or a path (NULL: none), lang as in
 * sd_lint_options. Catalogues come from the engine's data dir. SD_OK with the
 * findings in d; SD_E_USAGE (no such template), SD_E_IO, SD_E_INPUT (the
 * template does not parse or expand against the case), SD_E_NOMEM. */
SD_API sd_status sd_lint(sd_engine *e, const sd_case *c, const char *template_ref,
                         const char *lang, sd_diags *d);

/* Writes bytes to path atomically: a 0600 temporary file in the same folder,
 * renamed into place only when complete ("-" writes to stdout). SD_E_IO. */
SD_API sd_status sd_write_file_atomic(const char *path, const unsigned char *buf,
                                      size_t len, sd_diags *d);
SD_API void sd_free(void *p);

/* ---- caseload (since 0.2): what a list of cases shows about one case ---- */

/* The text at a dotted path ("child.preferred-name", "family.home-language",
 * "child.photo.@src"), or NULL. Borrowed from the case. */
SD_API const char *sd_case_get(const sd_case *c, const char *path);
/* The entries named item in the list at list_path ("needs", "need"): each
 * one's field ("@type", a child element name, or NULL for its own text) into
 * out[0..cap) (NULL where absent). Returns how many entries there are (may be
 * more than cap). Borrowed from the case. */
SD_API size_t sd_case_get_all(const sd_case *c, const char *list_path, const char *item,
                              const char *field, const char **out, size_t cap);
/* A census type-of-need code ("SLCN") in words, or NULL if unknown. Static. */
SD_API const char *sd_need_type_words(const char *code);

#define SD_DUE_REVIEW_DAYS 56         /* annual reviews in the next eight weeks */
#define SD_DUE_NOTICE_DAYS 14         /* two weeks' notice of a review (CoP 9.176) */
#define SD_DUE_INVITE_MARGIN_DAYS 7   /* "send now": a week before notice runs out */
typedef enum sd_due_kind {
  SD_DUE_REVIEW = 0,         /* an annual review within SD_DUE_REVIEW_DAYS */
  SD_DUE_REVIEW_OVERDUE = 1, /* the plan's review date has passed, none booked */
  SD_DUE_INVITE = 2,         /* invitation not sent, meeting within notice + margin */
  SD_DUE_INVITE_LATE = 3,    /* invitation not sent, less than two weeks' notice left */
  SD_DUE_ACTION_OVERDUE = 4  /* an agreed action's due date has passed */
} sd_due_kind;
typedef struct sd_due_item {
  sd_due_kind kind;
  const char *date;     /* YYYY-MM-DD (borrowed) */
  long days;            /* date minus today: negative when past */
  const char *what;     /* an action's text, else NULL (borrowed) */
  const char *meeting;  /* the meeting's id, NULL for the plan's review date (borrowed) */
} sd_due_item;
/* What is due about case c on the day today (YYYY-MM-DD): up to cap items
 * into out, their number (possibly more than cap) in *n. SD_E_USAGE on a bad date. */
SD_API sd_status sd_case_due(const sd_case *c, const char *today, sd_due_item *out, size_t cap,
                             size_t *n);

#ifdef __cplusplus
}
#endif
#endif
