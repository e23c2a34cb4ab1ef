/* fuzz_names: an output name from a --name pattern and values a case file
 * supplies (the child's and school's names come from strangers' data).
 * Whatever the bytes: a pattern sd_batch_check_pattern accepts always gives a
 * name relative to the output folder, with no empty, "." or ".." part, no
 * part starting with '.', no control character or backslash, ending in .pdf. */
#include "batch.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  /* six NUL-separated fields: pattern, relative path, child, school, template, lang */
  char *buf = malloc(size + 7);
  if (!buf) return 0;
  memcpy(buf, data, size);
  memset(buf + size, 0, 7);
  const char *f[6];
  size_t at = 0;
  for (int i = 0; i < 6; i++) {
    f[i] = buf + at;
    at += strlen(buf + at) + 1;
    if (at > size + 6) at = size + 6;
  }
  if (!*f[1]) f[1] = "case.xml";
  if (!*f[4]) f[4] = "one-page-profile";
  if (sd_batch_check_pattern(f[0], NULL) == SD_OK) {
    char *name = sd_batch_name_for(f[0], f[1], f[2], f[3], f[4], f[5]);
    if (!name) abort();
    size_t n = strlen(name);
    if (name[0] == '/' || n < 4 || strcasecmp(name + n - 4, ".pdf")) abort();
    for (const char *s = name; *s;) {
      const char *e = strchr(s, '/');
      size_t k = e ? (size_t)(e - s) : strlen(s);
      if (k == 0 || s[0] == '.') abort();
      for (size_t i = 0; i < k; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == '\\' || s[i] == 0x7f) abort();
      s = e ? e + 1 : s + k;
    }
    free(name);
  }
  free(buf);
  return 0;
}
