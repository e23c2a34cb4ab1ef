/* diag: the diagnostics list every stage fills (file:line:col, field, rule id). */
#ifndef SD_DIAG_H
#define SD_DIAG_H
#include "sendoc.h"
#include <stdarg.h>

typedef struct sd_diag {
  sd_severity severity;
  char *code, *file, *field, *message;
  int line, col;
} sd_diag;

struct sd_diags {
  sd_diag *items;
  size_t n, cap;
};

/* Adds one diagnostic; every string is copied. d may be NULL (then nothing). */
void sd_diag_add(sd_diags *d, sd_severity sev, const char *code, const char *file,
                 int line, int col, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
#define sd_diag_error(d, code, file, line, col, field, ...) \
  sd_diag_add((d), SD_SEV_ERROR, (code), (file), (line), (col), (field), __VA_ARGS__)
#define sd_diag_warn(d, code, file, line, col, field, ...) \
  sd_diag_add((d), SD_SEV_WARNING, (code), (file), (line), (col), (field), __VA_ARGS__)

/* printf into a fresh heap string; NULL on failure. */
char *sd_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *sd_strdup(const char *s);
char *sd_strndup(const char *s, size_t n);

/* The name in names[0..n) nearest to want (a typo, a different case, a
 * prefix), or NULL when none is close: for "did you mean" hints. */
const char *sd_nearest(const char *want, const char *const *names, size_t n);

#endif
