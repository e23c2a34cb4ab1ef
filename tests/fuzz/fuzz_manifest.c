/* fuzz_manifest: an earlier batch's manifest as --resume reads it (the
 * manifest file and a killed batch's temporaries lie in folders others can
 * write to). Whatever the bytes, parsing ends, and every row it keeps has a
 * path and 64 lower-case hex digits for its sha256 and fingerprint. */
#include "batch.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int is_hex64(const char *s)
{
  for (int i = 0; i < 64; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return 0;
  return s[64] == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = 0;
  struct sd_batch b;
  memset(&b, 0, sizeof b);
  size_t cap = 0;
  sd_batch_prev_parse(&b, text, size, &cap);
  for (size_t i = 0; i < b.n_prev; i++) {
    if (!b.prev[i].path || !is_hex64(b.prev[i].sha) || !is_hex64(b.prev[i].fp)) abort();
    free(b.prev[i].path);
  }
  free(b.prev);
  free(text);
  return 0;
}
