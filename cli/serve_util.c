/* sendoc serve: buffers, HTML escaping, secrets, dates and language names. */
#include "serve.h"
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unicode/uloc.h>
#include <unicode/uscript.h>

static bool grow(sv_buf *b, size_t more)
{
  if (b->failed) return false;
  if (b->n + more + 1 <= b->cap) return true;
  size_t cap = b->cap ? b->cap : 1024;
  while (cap < b->n + more + 1) cap *= 2;
  char *p = realloc(b->p, cap);
  if (!p) {
    b->failed = true;
    return false;
  }
  b->p = p;
  b->cap = cap;
  return true;
}

void sv_putn(sv_buf *b, const char *s, size_t n)
{
  if (!s || !grow(b, n)) return;
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = 0;
}

void sv_put(sv_buf *b, const char *s)
{
  if (s) sv_putn(b, s, strlen(s));
}

void sv_printf(sv_buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char small[512];
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n < sizeof small) {
    sv_putn(b, small, (size_t)n);
    return;
  }
  if (!grow(b, (size_t)n)) return;
  va_start(ap, fmt);
  vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->n += (size_t)n;
}

void sv_esc(sv_buf *b, const char *s)
{
  for (const char *p = s; p && *p; p++) {
    switch (*p) {
    case '&': sv_put(b, "&amp;"); break;
    case '<': sv_put(b, "&lt;"); break;
    case '>': sv_put(b, "&gt;"); break;
    case '"': sv_put(b, "&quot;"); break;
    case '\'': sv_put(b, "&#39;"); break;
    default: sv_putn(b, p, 1);
    }
  }
}

void sv_url(sv_buf *b, const char *s)
{
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-_.~", *p))
      sv_putn(b, (const char *)p, 1);
    else {
      char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
      sv_putn(b, e, 3);
    }
  }
}

void sv_buf_free(sv_buf *b)
{
  free(b->p);
  *b = (sv_buf){ 0 };
}

void sv_sha256_hex(const void *p, size_t n, char out[65])
{
  unsigned char md[32];
  unsigned int mdlen = 0;
  EVP_Digest(p, n, md, &mdlen, EVP_sha256(), NULL);
  for (unsigned i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", md[i]);
  out[64] = 0;
}

int sv_random_hex(char *out, size_t n)
{
  unsigned char raw[64];
  if (n > sizeof raw) return -1;
  size_t got = 0;
  while (got < n) {
    ssize_t k = getrandom(raw + got, n - got, 0);
    if (k <= 0) return -1;
    got += (size_t)k;
  }
  for (size_t i = 0; i < n; i++) snprintf(out + 2 * i, 3, "%02x", raw[i]);
  return 0;
}

bool sv_secret_eq(const char *a, const char *b)
{
  if (!a || !b) return false;
  size_t la = strlen(a), lb = strlen(b);
  unsigned char diff = (unsigned char)(la != lb);
  for (size_t i = 0; i < lb; i++) diff |= (unsigned char)(a[i < la ? i : 0] ^ b[i]);
  return diff == 0 && la == lb;
}

void sv_today(const char *override, char out[11])
{
  if (override) {
    snprintf(out, 11, "%s", override);
    return;
  }
  time_t t = time(NULL);
  struct tm tm;
  localtime_r(&t, &tm);
  strftime(out, 11, "%Y-%m-%d", &tm);
}

void sv_lang_name(const char *tag, char *out, size_t cap)
{
  UErrorCode e = U_ZERO_ERROR;
  UChar u[128];
  int32_t n = uloc_getDisplayName(tag, "en", u, 128, &e);
  if (U_FAILURE(e) || n <= 0) {
    snprintf(out, cap, "%s", tag ? tag : "");
    return;
  }
  /* ASCII and Latin-1 display names: enough for English names of languages */
  size_t k = 0;
  for (int32_t i = 0; i < n && k + 3 < cap; i++) {
    if (u[i] < 0x80) out[k++] = (char)u[i];
    else if (u[i] < 0x800) {
      out[k++] = (char)(0xC0 | (u[i] >> 6));
      out[k++] = (char)(0x80 | (u[i] & 0x3F));
    }
  }
  out[k] = 0;
}

bool sv_lang_rtl(const char *tag)
{
  return tag && uloc_isRightToLeft(tag);
}

/* ---- form fields ---- */

const char *sv_form_get(const sv_form *f, const char *key)
{
  for (size_t i = 0; f && i < f->n; i++)
    if (strcmp(f->f[i].key, key) == 0) return f->f[i].val;
  return NULL;
}

int sv_form_add(sv_form *f, const char *key, const char *filename, const char *data, size_t n, size_t off,
                size_t max)
{
  if (f->bytes + n + (key ? strlen(key) : 0) > max) return -1;
  sv_field *x = f->n ? &f->f[f->n - 1] : NULL;
  if (off == 0 || !x || strcmp(x->key, key) != 0) {
    if (f->n == f->cap) {
      size_t cap = f->cap ? f->cap * 2 : 32;
      sv_field *nf = realloc(f->f, cap * sizeof *nf);
      if (!nf) return -1;
      f->f = nf;
      f->cap = cap;
    }
    x = &f->f[f->n++];
    *x = (sv_field){ strdup(key), calloc(1, 1), 0, filename ? strdup(filename) : NULL };
    if (!x->key || !x->val) return -1;
    f->bytes += strlen(key);
  }
  /* the capacity is the power of two at or above len + 1, so a field sent
   * in many small pieces is copied O(log n) times, not once per piece */
  size_t have = 1, need = 1;
  while (have < x->len + 1) have *= 2;
  while (need < x->len + n + 1) need *= 2;
  char *v = x->val;
  if (need != have && !(v = realloc(x->val, need))) return -1;
  memcpy(v + x->len, data, n);
  x->val = v;
  x->len += n;
  v[x->len] = 0;
  f->bytes += n;
  return 0;
}

void sv_form_free(sv_form *f)
{
  for (size_t i = 0; i < f->n; i++) {
    free(f->f[i].key);
    free(f->f[i].val);
    free(f->f[i].filename);
  }
  free(f->f);
  *f = (sv_form){ 0 };
}

size_t sv_form_all(const sv_form *f, const char *key, const char **out, size_t cap)
{
  size_t n = 0;
  for (size_t i = 0; f && i < f->n && n < cap; i++)
    if (strcmp(f->f[i].key, key) == 0) out[n++] = f->f[i].val;
  return n;
}
