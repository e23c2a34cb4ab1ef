/* sendoc serve: the workspace folder. Every file is opened relative to the
 * folder's descriptor with O_NOFOLLOW, by a name checked to hold no '/', no
 * leading dot and no "..", so no request can reach outside it; files are
 * created 0600. */
#include "serve.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SV_MAX_CASE_BYTES (4u << 20)

bool sv_ws_valid_id(const char *id)
{
  if (!id || !*id) return false;
  size_t n = 0;
  for (const char *p = id; *p; p++, n++) {
    char c = *p;
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (p == id || (c != '-' && c != '_'))) return false;
  }
  return n <= 64;
}

char *sv_ws_read(const sv_server *s, const char *id, size_t *len)
{
  if (!sv_ws_valid_id(id)) {
    errno = EINVAL;
    return NULL;
  }
  char name[80];
  snprintf(name, sizeof name, "%s.xml", id);
  int fd = openat(s->ws_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return NULL;
  struct stat st;
  char *buf = NULL;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > SV_MAX_CASE_BYTES) {
    errno = EFBIG;
    goto done;
  }
  buf = malloc((size_t)st.st_size + 1);
  size_t got = 0;
  while (buf && got < (size_t)st.st_size) {
    ssize_t k = read(fd, buf + got, (size_t)st.st_size - got);
    if (k <= 0) {
      free(buf);
      buf = NULL;
      break;
    }
    got += (size_t)k;
  }
  if (buf) {
    buf[got] = 0;
    *len = got;
  }
done:
  close(fd);
  return buf;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

char **sv_ws_list(const sv_server *s, size_t *n)
{
  *n = 0;
  int fd = dup(s->ws_fd);
  if (fd < 0) return NULL;
  DIR *d = fdopendir(fd);
  if (!d) {
    close(fd);
    return NULL;
  }
  rewinddir(d);
  char **out = NULL;
  size_t cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    size_t l = strlen(e->d_name);
    if (l < 5 || strcmp(e->d_name + l - 4, ".xml") != 0) continue;
    char id[80];
    if (l - 4 >= sizeof id) continue;
    memcpy(id, e->d_name, l - 4);
    id[l - 4] = 0;
    struct stat st;
    /* symbolic links are never followed, so never listed */
    if (!sv_ws_valid_id(id) || fstatat(s->ws_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
      continue;
    if (*n == cap) {
      cap = cap ? cap * 2 : 64;
      char **no = realloc(out, cap * sizeof *no);
      if (!no) break;
      out = no;
    }
    out[(*n)++] = strdup(id);
  }
  closedir(d);
  if (out) qsort(out, *n, sizeof *out, cmp_str);
  return out;
}

static int write_all(int fd, const char *p, size_t n)
{
  while (n) {
    ssize_t k = write(fd, p, n);
    if (k <= 0) return -1;
    p += k;
    n -= (size_t)k;
  }
  return 0;
}

int sv_ws_save(sv_server *s, const char *id, const char *expect, const char *data, size_t len, char *new_version)
{
  if (!sv_ws_valid_id(id)) return 500;
  int rc = 500;
  pthread_mutex_lock(&s->save_lock);
  size_t old_len = 0;
  char *old = sv_ws_read(s, id, &old_len);
  if (!old && errno != ENOENT) goto done;
  if ((old == NULL) != (expect == NULL)) {
    rc = 409;
    goto done;
  }
  if (old) {
    char v[65];
    sv_sha256_hex(old, old_len, v);
    if (!sv_secret_eq(v, expect)) {
      rc = 409;
      goto done;
    }
    /* the previous version is kept: .history/ID.YYYYMMDDTHHMMSS.N.xml */
    if (mkdirat(s->ws_fd, ".history", 0700) != 0 && errno != EEXIST) goto done;
    int hd = openat(s->ws_fd, ".history", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (hd < 0) goto done;
    char stamp[32], name[160];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    int hf = -1;
    for (int i = 0; i < 1000 && hf < 0; i++) {
      snprintf(name, sizeof name, "%s.%s.%d.xml", id, stamp, i);
      hf = openat(hd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (hf < 0 && errno != EEXIST) break;
    }
    close(hd);
    if (hf < 0) goto done;
    int w = write_all(hf, old, old_len);
    if (close(hf) != 0 || w != 0) goto done;
  }
  char path[4200];
  snprintf(path, sizeof path, "%s/%s.xml", s->ws_path, id);
  sd_diags *d = sd_diags_new();
  sd_status st = sd_write_file_atomic(path, (const unsigned char *)data, len, d);
  sd_diags_free(d);
  if (st != SD_OK) goto done;
  if (new_version) sv_sha256_hex(data, len, new_version);
  rc = 0;
done:
  pthread_mutex_unlock(&s->save_lock);
  free(old);
  return rc;
}

void sv_ws_new_id(const sv_server *s, const char *name, char *out, size_t cap)
{
  char base[48];
  size_t k = 0;
  bool dash = false;
  for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p && k + 1 < sizeof base; p++) {
    unsigned char c = *p;
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) {
      if (dash && k) base[k++] = '-';
      base[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
      dash = false;
    } else dash = true;
  }
  base[k] = 0;
  if (!k) snprintf(base, sizeof base, "case");
  for (int i = 1; i < 10000; i++) {
    if (i == 1) snprintf(out, cap, "%s", base);
    else snprintf(out, cap, "%s-%d", base, i);
    char f[80];
    snprintf(f, sizeof f, "%s.xml", out);
    struct stat st;
    if (fstatat(s->ws_fd, f, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT) return;
  }
}
