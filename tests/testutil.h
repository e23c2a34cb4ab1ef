/* Shared helpers for the Check suites. */
#ifndef SD_TESTUTIL_H
#define SD_TESTUTIL_H
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "diag.h"

/* Data folder built by `make data` (templates, compiled locales, schema, font map). */
static inline const char *test_data_dir(void)
{
  const char *d = getenv("SENDOC_DATA");
  return d ? d : "build/share/sendoc";
}

/* True if some diagnostic has this rule id. */
static inline int diags_have(const sd_diags *d, const char *code)
{
  for (size_t i = 0; d && i < d->n; i++)
    if (strcmp(d->items[i].code, code) == 0) return 1;
  return 0;
}

static inline void diags_print(const sd_diags *d)
{
  for (size_t i = 0; d && i < d->n; i++)
    fprintf(stderr, "%s:%d:%d: [%s] %s\n", d->items[i].file ? d->items[i].file : "-",
            d->items[i].line, d->items[i].col, d->items[i].code, d->items[i].message);
}

#define RUN_SUITE(make_suite)                                   \
  int main(void)                                                \
  {                                                             \
    SRunner *sr = srunner_create(make_suite());                 \
    srunner_run_all(sr, CK_NORMAL);                             \
    int failed = srunner_ntests_failed(sr);                     \
    srunner_free(sr);                                           \
    return failed != 0;                                         \
  }
#endif
