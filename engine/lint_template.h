/* lint_template: sd_lint_template() on a template in memory (for the fuzz
 * target and callers that hold the text). */
#ifndef SD_LINT_TEMPLATE_H
#define SD_LINT_TEMPLATE_H
#include "sendoc.h"

/* text[0..len) need not end in NUL; name is used in messages. */
sd_status sd_lint_template_mem(sd_engine *e, const char *text, size_t len, const char *name, sd_diags *d);
#endif
