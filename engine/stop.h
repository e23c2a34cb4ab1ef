/* stop: when a render must end early. A caller's cancel callback and a time
 * limit, asked at checkpoints (every block, paragraph and page in layout, every
 * page in the PDF writer, between cases of a multi-case render). The first
 * answer that says stop is kept, so every later checkpoint says the same. */
#ifndef SD_STOP_H
#define SD_STOP_H
#include "diag.h"
#include <stdint.h>
#include <time.h>

typedef struct sd_stop {
  sd_cancel_fn cancel;     /* NULL: never cancelled */
  void *cancel_user;
  uint32_t limit_ms;       /* 0: no time limit */
  struct timespec start;   /* CLOCK_MONOTONIC when the render began */
  sd_status hit;           /* SD_OK, or SD_E_CANCELLED / SD_E_TIMEOUT once asked to stop */
  sd_diags *d;             /* where the one diagnostic goes */
} sd_stop;

/* Starts the clock now. */
void sd_stop_init(sd_stop *s, sd_cancel_fn cancel, void *user, uint32_t limit_ms, sd_diags *d);
/* SD_OK to go on; SD_E_CANCELLED or SD_E_TIMEOUT (with one diagnostic, the
 * first time) to stop. s may be NULL: never stops. */
sd_status sd_stop_check(sd_stop *s);
#endif
