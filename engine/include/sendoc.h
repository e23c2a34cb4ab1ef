/* sendoc — accessible, multilingual PDFs from special-educational-needs case data.
 *
 * Every call returns an sd_status and adds details to an sd_diags list; the
 * library never prints, exits or aborts. Handles are opaque.
 *
 * Threads. The library has no global mutable state; what may be shared:
 *   - sd_engine: yes. Create it once; any number of threads may load cases
 *     and render with it at once (its template, font and shaping caches
 *     lock). Free it only after every other call on it has returned.
 *   - sd_case: yes, read-only. Once sd_case_load() has returned, several
 *     threads may render, lint or inspect the same case at once (every call
 *     takes it const and none changes it). Free it after they have finished.
 *   - sd_diags: no. A list is appended to without a lock: give each thread
 *     its own, and read it (sd_diags_get) only when no call is adding to it.
 *   - sd_render_options, sd_limits: read only during the call that takes them.
 * tests/tsan/ renders one case on several threads under ThreadSanitizer.
 *
 * ABI policy (from 0.2, the shared library libsendoc.so.0):
 *   - Functions, status values and severities are only ever added, never
 *     renumbered or removed; an sd_status value keeps its meaning (the CLI
 *     maps each to an exit code, cli/exit.c). A caller must treat a status it
 *     does not know as a failure.
 *   - Structs a caller fills in (sd_render_options) begin with `size`; new
 *     fields are appended at the end, and the library reads no further than
 *     `size` bytes, so a program built against an older header keeps working
 *     with a newer library. A field whose value is 0 or NULL means its default,
 *     now and in every later version.
 *   - Structs the library fills in for the caller (sd_diag_info) are only read
 *     by the caller; sd_limits is only ever passed by pointer.
 *   - The SONAME (libsendoc.so.0) changes only when something is removed or
 *     changes meaning; every such change is listed in the release notes.
 *   - 0.1 had no SONAME and no `size` field: a 0.1 program needs recompiling
 *     once, with no change to its source when it set the options by name
 *     (size is then 0, which reads the 0.1 fields only).
 *   - sd_version() says which library is loaded at run time; SD_VERSION which
 *     header the caller was compiled with.
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

/* The version of the library loaded at run time, e.g. "0.1.0" (SD_VERSION
 * is the header's, fixed when the caller was compiled). Never NULL. */
SD_API const char *sd_version(void);

/* Append-only: values are never renumbered (the CLI maps them to exit codes). */
typedef enum sd_status {
  SD_OK = 0,
  SD_E_INPUT = 1,    /* the case, template or Markdown is invalid */
  SD_E_USAGE = 2,    /* a caller passed bad arguments or options */
  SD_E_IO = 3,       /* reading or writing a file failed */
  SD_E_NOMEM = 4,    /* out of memory */
  SD_E_LIMIT = 5,    /* input exceeded a size, depth or pixel limit */
  SD_E_FONT = 6,     /* no usable font (a character no installed font covers is SD_E_INPUT) */
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
 * fonts parsed once per process. Free with sd_engine_free(). data_dir NULL: the
 * folder the library was installed with (PREFIX/share/sendoc, fixed when it was
 * built; the environment is not consulted). SD_E_RESOURCE, with a diagnostic
 * naming the folder, when it is missing or lacks the schema or font map;
 * SD_E_NOMEM only when memory runs out. */
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
 * under the data dir's templates/ or a path (NULL: the case alone, with no
 * template's fields or front-matter type), lang is the family's language as a BCP 47 tag
 * (NULL: the case's family/home-language). Catalogues come from the engine's data
 * dir. SD_OK with the findings in d; SD_E_USAGE (no such template), SD_E_IO,
 * SD_E_INPUT (the template does not parse or expand against the case), SD_E_NOMEM. */
SD_API sd_status sd_lint(sd_engine *e, const sd_case *c, const char *template_ref,
                         const char *lang, sd_diags *d);

/* Checks a template on its own (no case): that it parses, that every field
 * it names is an element or attribute of the case schema, that every
 * {{t:key}} is in the catalogue and every {{#lang TAG}} a language tag.
 * template_ref as in sd_lint. SD_OK with findings as warnings in d
 * (lint.template-field, lint.template-key, lint.template-lang, at the
 * template's FILE:LINE:COLUMN); SD_E_INPUT (it does not parse), SD_E_USAGE
 * (no such template), SD_E_IO, SD_E_LIMIT, SD_E_RESOURCE, SD_E_NOMEM. */
SD_API sd_status sd_lint_template(sd_engine *e, const char *template_ref, sd_diags *d);

/* Checks a document language as sd_render_options.lang would be checked: a
 * well-formed BCP 47 tag whose language is known. SD_OK (a tag with no
 * catalogue is fine: its fixed wording is then English); SD_E_USAGE with a
 * diagnostic (code usage.lang) that suggests a tag when the value looks like
 * a language's name or another code, e.g. "romanian" or "ron": "ro". */
SD_API sd_status sd_check_lang(sd_engine *e, const char *tag, sd_diags *d);

/* One language the engine's data folder has a message catalogue for: what a
 * front end offers in its language picker (since 0.1). */
typedef struct sd_language_info {
  const char *tag;          /* BCP 47, as sd_render_options.lang takes it: "pa-Arab" */
  const char *name;         /* in the language itself: "پنجابی (شاہ مکھی)"; NULL if ICU has none */
  const char *english_name; /* "Punjabi (Shahmukhi)"; NULL if ICU has none */
  const char *status;       /* "reviewed" or "unreviewed" (by a native speaker) */
} sd_language_info;

/* The languages documents can be made in: every compiled catalogue in the
 * engine's data folder (en-GB included), sorted by tag. Free the list with
 * sd_languages_free(). SD_E_RESOURCE with a diagnostic when the folder has no
 * catalogue or cannot be read; SD_E_NOMEM. */
SD_API sd_status sd_engine_languages(sd_engine *e, sd_language_info **out, size_t *n, sd_diags *d);
SD_API void sd_languages_free(sd_language_info *list, size_t n);

/* Writes bytes to path atomically: a 0600 temporary file in the same folder,
 * renamed into place only when complete ("-" writes to stdout). SD_E_IO. */
SD_API sd_status sd_write_file_atomic(const char *path, const unsigned char *buf,
                                      size_t len, sd_diags *d);
SD_API void sd_free(void *p);

/* ---- batches (since 0.2) ----
 * Many cases, one output folder, several threads sharing one engine: what
 * `sendoc batch` runs. Entries are rendered in any order but reported (the
 * progress callback, the manifest) in input order: the byte order of each
 * case's path relative to its input folder. A case that fails is reported
 * and the batch goes on; only an environment problem (a full disk, a missing
 * template) stops it. Every entry found in an input folder that is not
 * rendered is reported too (outcome SD_BATCH_IGNORED), never dropped.
 * The manifest (JSON Lines, one object per entry, written atomically when the
 * batch ends) records a fingerprint of everything that made each output, so
 * that resume re-renders exactly the outputs whose inputs changed. */
typedef struct sd_batch sd_batch;

/* What became of one entry. Append-only. */
typedef enum sd_batch_outcome {
  SD_BATCH_OK = 0,      /* rendered, or up to date (skipped) */
  SD_BATCH_INVALID = 1, /* the case's own content is at fault (manifest "invalid") */
  SD_BATCH_ERROR = 2,   /* the environment: a write failed, the batch stopped ("error") */
  SD_BATCH_TIMEOUT = 3, /* the render ran past the per-case time limit ("timeout") */
  SD_BATCH_IGNORED = 4  /* found but not a case that can be read: hidden, a dangling link,
                           not a regular file, unreadable ("ignored"); status says whether
                           it is a problem (SD_E_INPUT) or deliberate (SD_OK: hidden) */
} sd_batch_outcome;

/* One entry, borrowed: valid during the progress callback (with diags), or
 * until sd_batch_free() from sd_batch_get() (diags NULL by then: they are
 * given to the callback and the manifest, not kept). */
typedef struct sd_batch_item {
  size_t size;              /* sizeof as compiled: set it before sd_batch_get(); fields are
                               only ever appended (issue 16: template, language, report) */
  size_t index;             /* input order, 0-based */
  const char *case_path;    /* as found: INPUT/relative path */
  const char *output;       /* the PDF; NULL unless outcome is SD_BATCH_OK */
  sd_batch_outcome outcome;
  sd_status status;         /* the status behind the outcome (SD_OK when rendered) */
  int skipped;              /* up to date, not rendered again (resume) */
  long pages;               /* -1 when unknown */
  size_t bytes;
  const char *sha256;       /* of the output, lower-case hex; NULL unless OK */
  const char *fingerprint;  /* of everything that made the output, hex; NULL if none */
  double seconds;           /* wall time spent on this entry */
  const sd_diags *diags;    /* this entry's diagnostics; NULL outside the callback */
  /* since 0.2 (issue 16) */
  const char *template_ref; /* the template of this document; NULL for an ignored entry */
  const char *lang;         /* its language (BCP 47) */
  const char *child;        /* the child's preferred (else legal) name; NULL when unknown */
  const char *school;       /* the school's name; NULL when unknown */
  const char *reason;       /* why it was not rendered, in plain words; NULL when rendered */
  const char *problems;     /* its errors in plain words, one sentence each, "; "-separated; NULL: none */
} sd_batch_item;

/* Called once per entry, in input order, never on two threads at once (the
 * batch holds its lock): done entries of total so far. */
typedef void (*sd_batch_progress_fn)(void *user, const sd_batch_item *item, size_t done, size_t total);

#define SD_BATCH_DEFAULT_CASE_TIME_LIMIT_MS 60000u

/* Batch options: as sd_render_options, append-only with a size field;
 * initialise with sd_batch_options_init(). NULL or 0 means the default. */
typedef struct sd_batch_options {
  size_t size;                     /* sizeof(sd_batch_options) as the caller compiled it */
  const char *output_dir;          /* required; created (0700) when missing */
  const sd_render_options *render; /* template_ref (required), lang, style, date_epoch,
                                      meeting_id; the batch sets cancel and time_limit_ms */
  unsigned jobs;                   /* threads; 0: the CPUs this process may use */
  unsigned shard_k, shard_n;       /* render only shard k of n (1 <= k <= n), by FNV-1a 64 of
                                      the relative path; 0: every entry */
  int resume;                      /* keep outputs whose fingerprint and bytes match the manifest */
  const char *manifest;            /* path; "-": standard output; NULL: OUTDIR/.sendoc-batch.jsonl
                                      (.sendoc-batch-K-of-N.jsonl for a shard) */
  uint32_t case_time_limit_ms;     /* 0: SD_BATCH_DEFAULT_CASE_TIME_LIMIT_MS; UINT32_MAX: none */
  sd_batch_progress_fn progress;   /* NULL: none */
  void *progress_user;
  sd_cancel_fn cancel;             /* asked between entries and during renders: non-zero stops
                                      the batch (entries not done: "error", batch.cancelled) */
  void *cancel_user;
  const sd_limits *limits;         /* NULL: SD_LIMITS_DEFAULT */
  /* since 0.2 (issue 16: a local authority's batch day). render->lang may be
   * "family": each case in its family's home language (family.home-language),
   * English with one warning when there is no catalogue for it. */
  const char *const *templates;    /* several templates for every case (n_templates of them);
                                      NULL: render->template_ref only */
  size_t n_templates;
  int also_english;                /* also an en-GB copy of every document in another language */
  const char *name_pattern;        /* output path under output_dir, ending .pdf, with {case} (the
                                      case's relative path without .xml), {child}, {school},
                                      {template}, {lang}; values are reduced to safe characters
                                      and cannot leave output_dir. NULL: {case}.pdf, plus
                                      -{template} with several templates, -{lang} with also_english */
  int group_readable;              /* outputs 0640 in 0750 folders (a team's shared drive);
                                      0: 0600 in 0700 */
  const char *report;              /* the officer's report, HTML; a CSV beside it (same name,
                                      .csv); NULL: none */
  const char *combine;             /* one print file: every document rendered, in input order, one
                                      bookmark per document; may hold {school} (one file a school);
                                      NULL: none */
  unsigned combine_volume;         /* most documents in one combined file (memory is bounded by
                                      this): more go to FILE-2.pdf, FILE-3.pdf...; 0: 200 */
} sd_batch_options;

/* Counts after sd_batch_run(). */
typedef struct sd_batch_totals {
  size_t size;        /* sizeof as the caller compiled it */
  size_t entries;     /* every entry: cases and ignored entries */
  size_t rendered, failed, skipped;
  size_t timed_out;   /* of failed */
  size_t ignored;     /* entries found but not cases (hidden ones included) */
  size_t problems;    /* of ignored: those that count as failures (not hidden) */
  size_t not_run;     /* of failed: never started because the batch stopped */
} sd_batch_totals;

SD_API void sd_batch_options_init(sd_batch_options *o);
/* Finds the entries under inputs (case files or folders, walked in byte
 * order, hidden entries reported but not entered, links to files followed,
 * links to folders not), checks the template, and claims the output folder:
 * a second batch into a folder that a live batch with other settings (or the
 * same shard) holds gets SD_E_USAGE naming the other process. SD_E_USAGE
 * also for bad options or two entries that would write one output; SD_E_IO
 * when the output folder cannot be made. */
SD_API sd_status sd_batch_new(sd_engine *e, const char *const *inputs, size_t n_inputs,
                              const sd_batch_options *opt, sd_batch **out, sd_diags *d);
/* The number of entries found (this shard's). */
SD_API size_t sd_batch_count(const sd_batch *b);
/* Renders every entry; progress is called as they complete. Returns SD_OK
 * when every entry rendered (or was up to date, or is hidden), else the most
 * serious status among the entries: an environment status (SD_E_IO,
 * SD_E_NOMEM, SD_E_RESOURCE, SD_E_INTERNAL, SD_E_CANCELLED) before
 * SD_E_USAGE before the input ones (SD_E_INPUT, SD_E_LIMIT, SD_E_TIMEOUT,
 * SD_E_FONT). Batch-level problems (the manifest cannot be written) go to d. */
SD_API sd_status sd_batch_run(sd_batch *b, sd_diags *d);
SD_API void sd_batch_totals_get(const sd_batch *b, sd_batch_totals *t);
/* Entry i after sd_batch_run() (diags NULL), as far as out->size reaches
 * (0: the whole struct). SD_E_USAGE when out of range. */
SD_API sd_status sd_batch_get(const sd_batch *b, size_t i, sd_batch_item *out);
/* The manifest path written (NULL for "-"), borrowed. */
SD_API const char *sd_batch_manifest_path(const sd_batch *b);
/* After sd_batch_run(): what an officer needs at the end of the run, as
 * plain text lines: the counts, the commonest reasons for failures, and
 * where the manifest, report and combined files are; the last line is the
 * counts ("N rendered, N failed, N skipped"). *out is freed with
 * sd_free(). SD_E_USAGE before the batch ran, SD_E_NOMEM. */
SD_API sd_status sd_batch_summary(const sd_batch *b, char **out);
/* Releases the output folder and frees everything. NULL does nothing. */
SD_API void sd_batch_free(sd_batch *b);

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
