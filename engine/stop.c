/* stop: cancellation and time limits for a render (see stop.h). */
#include "stop.h"

void sd_stop_init(sd_stop *s, sd_cancel_fn cancel, void *user, uint32_t limit_ms, sd_diags *d)
{
  *s = (sd_stop){ .cancel = cancel, .cancel_user = user, .limit_ms = limit_ms, .d = d };
  clock_gettime(CLOCK_MONOTONIC, &s->start);
}

sd_status sd_stop_check(sd_stop *s)
{
  if (!s) return SD_OK;
  if (s->hit != SD_OK) return s->hit;
  if (s->cancel && s->cancel(s->cancel_user)) {
    s->hit = SD_E_CANCELLED;
    sd_diag_error(s->d, "render.cancelled", NULL, 0, 0, NULL, "the render was cancelled");
    return s->hit;
  }
  if (s->limit_ms) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ms = (int64_t)(now.tv_sec - s->start.tv_sec) * 1000 + (now.tv_nsec - s->start.tv_nsec) / 1000000;
    if (ms >= (int64_t)s->limit_ms) {
      s->hit = SD_E_TIMEOUT;
      sd_diag_error(s->d, "render.timeout", NULL, 0, 0, NULL,
                    "the render took longer than its time limit of %u ms and was stopped", (unsigned)s->limit_ms);
      return s->hit;
    }
  }
  return SD_OK;
}
