/* jsonout: see jsonout.h. */
#include "jsonout.h"
#include <stddef.h>

static size_t utf8_len(const unsigned char *p)
{
  if (p[0] < 0x80) return 1;
  size_t n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
  if (!n || p[0] > 0xF4) return 0;
  for (size_t i = 1; i < n; i++)
    if ((p[i] & 0xC0) != 0x80) return 0;
  if (p[0] == 0xE0 && p[1] < 0xA0) return 0;
  if (p[0] == 0xED && p[1] >= 0xA0) return 0;
  if (p[0] == 0xF0 && p[1] < 0x90) return 0;
  if (p[0] == 0xF4 && p[1] >= 0x90) return 0;
  return n;
}

void sd_json_str(FILE *out, const char *s)
{
  if (!s) {
    fputs("null", out);
    return;
  }
  fputc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    size_t n = utf8_len(p);
    if (n == 0) {
      fputs("\\ufffd", out);
      p++;
    } else if (n > 1) {
      fwrite(p, 1, n, out);
      p += n;
    } else {
      if (*p == '"' || *p == '\\') fprintf(out, "\\%c", *p);
      else if (*p < 0x20 || *p == 0x7F) fprintf(out, "\\u%04x", *p);
      else fputc(*p, out);
      p++;
    }
  }
  fputc('"', out);
}
