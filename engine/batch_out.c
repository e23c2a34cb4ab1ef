#define _GNU_SOURCE /* syncfs, GNU strerror_r */
/* batch_out: the output folder of a batch. Who may write into it (a lock
 * file every running batch holds, and a register of their process ids and
 * settings), what an interrupted batch left (temporaries), how each PDF is
 * written, and what it is (sha256, page count, size). */
#include "batch.h"
#include "fileio.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOCK_NAME ".sendoc-batch.lock"
#define REG_NAME ".sendoc-batch.pid"

/* ---- strays ---- */

/* sd_write_file_atomic and the batch name temporaries OUT.pdf.tmp-XXXXXX */
static int is_stray(const char *name)
{
  size_t n = strlen(name);
  return n > 15 && memcmp(name + n - 15, ".pdf.tmp-", 9) == 0;
}

static size_t clean_strays(const char *dir, int depth)
{
  DIR *dp = opendir(dir);
  if (!dp) return 0;
  size_t removed = 0;
  struct dirent *de;
  while ((de = readdir(dp))) {
    if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
    struct stat sb;
    if (fstatat(dirfd(dp), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISDIR(sb.st_mode) && depth < SD_BATCH_MAX_DEPTH) {
      char *sub = sd_batch_join(dir, de->d_name);
      if (sub) removed += clean_strays(sub, depth + 1);
      free(sub);
    } else if (S_ISREG(sb.st_mode) && is_stray(de->d_name) && unlinkat(dirfd(dp), de->d_name, 0) == 0)
      removed++;
  }
  closedir(dp);
  return removed;
}

/* A killed batch's manifest temporary: FILE.tmp-XXXXXX beside FILE. */
static size_t clean_manifest_strays(const char *manifest)
{
  if (!manifest || !strcmp(manifest, "-")) return 0;
  const char *slash = strrchr(manifest, '/');
  char *dir = slash ? sd_strndup(manifest, slash == manifest ? 1 : (size_t)(slash - manifest)) : sd_strdup(".");
  const char *base = slash ? slash + 1 : manifest;
  size_t bl = strlen(base), removed = 0;
  DIR *dp = dir ? opendir(dir) : NULL;
  struct dirent *de;
  while (dp && (de = readdir(dp))) {
    struct stat sb;
    if (strlen(de->d_name) == bl + 11 && !strncmp(de->d_name, base, bl) && !strncmp(de->d_name + bl, ".tmp-", 5) &&
        fstatat(dirfd(dp), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode) &&
        unlinkat(dirfd(dp), de->d_name, 0) == 0)
      removed++;
  }
  if (dp) closedir(dp);
  free(dir);
  return removed;
}

/* ---- who holds the folder ---- */

/* The register: one line per running batch, "PID TOKEN K N SETTINGS". */
typedef struct holder {
  long pid;
  char token[17], settings[65];
  unsigned k, n;
} holder;

static size_t read_register(int fd, holder *h, size_t cap)
{
  char buf[8192];
  ssize_t r = pread(fd, buf, sizeof buf - 1, 0);
  if (r <= 0) return 0;
  buf[r] = 0;
  size_t n = 0;
  for (char *line = buf, *nl; n < cap && (nl = strchr(line, '\n')); line = nl + 1) {
    *nl = 0;
    holder x;
    if (sscanf(line, "%ld %16s %u %u %64s", &x.pid, x.token, &x.k, &x.n, x.settings) == 5 && x.pid > 0)
      h[n++] = x;
  }
  return n;
}

static int write_register(int fd, const holder *h, size_t n)
{
  char buf[8192];
  size_t len = 0;
  for (size_t i = 0; i < n; i++) {
    int w = snprintf(buf + len, sizeof buf - len, "%ld %s %u %u %s\n", h[i].pid, h[i].token, h[i].k, h[i].n,
                     h[i].settings);
    if (w < 0 || (size_t)w >= sizeof buf - len) break;
    len += (size_t)w;
  }
  if (ftruncate(fd, 0) != 0) return -1;
  return pwrite(fd, buf, len, 0) == (ssize_t)len ? 0 : -1;
}

enum { MAX_HOLDERS = 64 };

sd_status sd_batch_claim(struct sd_batch *b, sd_diags *d)
{
  if (sd_batch_mkdir_p(b->outdir, 0700) != 0) {
    sd_diag_error(d, "io.write", b->outdir, 0, 0, NULL, "cannot create the output folder: %s", strerror(errno));
    return SD_E_IO;
  }
  char *lp = sd_batch_join(b->outdir, LOCK_NAME), *rp = sd_batch_join(b->outdir, REG_NAME);
  int life = lp ? open(lp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600) : -1;
  int reg = rp ? open(rp, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600) : -1;
  free(lp);
  free(rp);
  if (life < 0 || reg < 0) {
    sd_diag_error(d, "io.write", b->outdir, 0, 0, NULL, "cannot write to the output folder: %s", strerror(errno));
    if (life >= 0) close(life);
    if (reg >= 0) close(reg);
    return SD_E_IO;
  }
  /* the register is read and rewritten by one process at a time */
  while (flock(reg, LOCK_EX) != 0 && errno == EINTR) {}
  /* every running batch holds `life` shared: exclusive means none runs */
  int alone = flock(life, LOCK_EX | LOCK_NB) == 0;
  holder h[MAX_HOLDERS + 1];
  size_t n = alone ? 0 : read_register(reg, h, MAX_HOLDERS);
  char mine[65];
  sd_batch_hex(b->common_fp, 32, mine);
  unsigned k = b->shard_n > 1 ? b->shard_k : 1, nn = b->shard_n > 1 ? b->shard_n : 1;
  size_t live = 0;
  sd_status st = SD_OK;
  for (size_t i = 0; i < n; i++) {
    if (kill((pid_t)h[i].pid, 0) != 0 && errno == ESRCH) continue; /* died without saying so */
    h[live++] = h[i];
    if (st != SD_OK) continue;
    if (strcmp(h[i].settings, mine) != 0) {
      sd_diag_error(d, "batch.busy", b->outdir, 0, 0, NULL,
                    "another sendoc batch (process %ld) is writing into this folder with a different template, "
                    "language, style or data; wait for it to finish or choose another output folder",
                    h[i].pid);
      st = SD_E_USAGE;
    } else if (h[i].n != nn || h[i].k == k) {
      sd_diag_error(d, "batch.busy", b->outdir, 0, 0, NULL,
                    "another sendoc batch (process %ld) is writing %s into this folder; wait for it to "
                    "finish or choose another output folder",
                    h[i].pid, h[i].n == nn ? "the same cases" : "a different set of shards");
      st = SD_E_USAGE;
    }
  }
  if (st == SD_OK) {
    if (alone) {
      size_t removed = clean_strays(b->outdir, 0) + clean_manifest_strays(b->manifest);
      if (removed)
        sd_diag_add(d, SD_SEV_NOTE, "batch.cleaned", b->outdir, 0, 0, NULL,
                    "removed %zu unfinished output%s left by an interrupted batch", removed, removed == 1 ? "" : "s");
    }
    if (flock(life, LOCK_SH) != 0 && errno != ENOLCK) {
      sd_diag_error(d, "io.write", b->outdir, 0, 0, NULL, "cannot lock the output folder: %s", strerror(errno));
      st = SD_E_IO;
    }
  }
  if (st == SD_OK) {
    holder me = { .pid = (long)getpid(), .k = k, .n = nn };
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    snprintf(me.token, sizeof me.token, "%08lx%08lx", (unsigned long)((uintptr_t)b & 0xffffffffu),
             (unsigned long)((unsigned long)ts.tv_nsec ^ ((unsigned long)ts.tv_sec << 20)) & 0xffffffffu);
    memcpy(me.settings, mine, sizeof me.settings);
    memcpy(b->token, me.token, sizeof me.token);
    h[live++] = me;
    if (write_register(reg, h, live) != 0) {
      sd_diag_error(d, "io.write", b->outdir, 0, 0, NULL, "cannot write to the output folder: %s", strerror(errno));
      st = SD_E_IO;
    }
  }
  flock(reg, LOCK_UN);
  close(reg);
  if (st != SD_OK) {
    close(life);
    return st;
  }
  b->lock_fd = life;
  return SD_OK;
}

void sd_batch_release(struct sd_batch *b)
{
  if (b->lock_fd < 0) return;
  char *rp = sd_batch_join(b->outdir, REG_NAME);
  int reg = rp ? open(rp, O_RDWR | O_CLOEXEC | O_NOFOLLOW) : -1;
  free(rp);
  if (reg >= 0) {
    while (flock(reg, LOCK_EX) != 0 && errno == EINTR) {}
    holder h[MAX_HOLDERS + 1];
    size_t n = read_register(reg, h, MAX_HOLDERS), k = 0;
    for (size_t i = 0; i < n; i++)
      if (!(h[i].pid == (long)getpid() && !strcmp(h[i].token, b->token))) h[k++] = h[i];
    write_register(reg, h, k);
    flock(reg, LOCK_UN);
    close(reg);
  }
  close(b->lock_fd);
  b->lock_fd = -1;
}

/* ---- writing ---- */

static void problem(sd_batch_job *j, const char *what, const char *path, int err)
{
  char buf[128];
  const char *why = strerror_r(err, buf, sizeof buf); /* strerror(3) is not thread-safe */
  sd_diag_error(j->d, "io.write", j->out, 0, 0, NULL, "%s %s: %s", what, path, why);
}

/* As sd_write_file_atomic (a 0600 OUT.tmp-XXXXXX in the same folder, renamed
 * into place when whole) but without an fsync per file, which cost ~15 ms a
 * case, more than rendering: the batch flushes the file system once, with
 * syncfs(2), before the manifest appears. A killed process leaves only whole
 * PDFs; after a power cut, PDFs not yet in a manifest may be empty, and
 * resume renders again any PDF whose bytes do not match its manifest line. */
sd_status sd_batch_write_out(sd_batch_job *j, const unsigned char *buf, size_t len)
{
  size_t l = strlen(j->out);
  char *tmp = malloc(l + 12);
  if (!tmp) return SD_E_NOMEM;
  snprintf(tmp, l + 12, "%s.tmp-XXXXXX", j->out);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    problem(j, "cannot create the output file", j->out, errno);
    free(tmp);
    return SD_E_IO;
  }
  size_t done = 0;
  int err = 0;
  while (done < len) {
    ssize_t w = write(fd, buf + done, len - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      err = w < 0 ? errno : ENOSPC;
      break;
    }
    done += (size_t)w;
  }
  if (close(fd) != 0 && !err) err = errno;
  if (!err && rename(tmp, j->out) != 0) err = errno;
  if (err) {
    problem(j, "cannot write the output file", j->out, err);
    unlink(tmp);
  }
  free(tmp);
  return err ? SD_E_IO : SD_OK;
}

int sd_batch_flush(const char *dir)
{
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int rc = dfd >= 0 && syncfs(dfd) == 0 ? 0 : -1;
  int e = errno;
  if (dfd >= 0) close(dfd);
  errno = e;
  return rc;
}

unsigned char *sd_batch_read_all(const char *path, size_t cap, size_t *len)
{
  int fd = sd_open_regular(path, NULL);
  if (fd < 0) return NULL;
  unsigned char *buf = NULL;
  size_t n = 0, c = 0;
  for (;;) {
    if (n == c) {
      c = c ? c * 2 : 65536;
      unsigned char *nb = c <= cap + 1 ? realloc(buf, c + 1) : NULL;
      if (!nb) {
        free(buf);
        close(fd);
        return NULL;
      }
      buf = nb;
    }
    ssize_t r = read(fd, buf + n, c - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      free(buf);
      close(fd);
      return NULL;
    }
    if (r == 0) break;
    n += (size_t)r;
  }
  close(fd);
  buf[n] = 0;
  *len = n;
  return buf;
}

/* ---- the PDF's page count ---- */

static const unsigned char *find(const unsigned char *p, const unsigned char *end, const char *s)
{
  size_t m = strlen(s);
  for (; p + m <= end; p++)
    if (*p == (unsigned char)s[0] && memcmp(p, s, m) == 0) return p;
  return NULL;
}

static long num(const unsigned char **pp, const unsigned char *end)
{
  const unsigned char *p = *pp;
  while (p < end && (*p == ' ' || *p == '\r' || *p == '\n' || *p == '\t')) p++;
  if (p >= end || *p < '0' || *p > '9') return -1;
  long v = 0;
  while (p < end && *p >= '0' && *p <= '9' && v < 100000000) v = v * 10 + (*p++ - '0');
  *pp = p;
  return v;
}

/* Byte offset of object `obj` from a classic xref table at `x` (libharu
 * writes one, with 20-byte entries). -1 if absent. */
static long xref_offset(const unsigned char *pdf, size_t n, const unsigned char *x, long obj)
{
  const unsigned char *end = pdf + n, *p = x + 4;
  for (;;) {
    const unsigned char *q = p;
    long start = num(&q, end), count = num(&q, end);
    if (start < 0 || count < 0) return -1;
    while (q < end && (*q == ' ' || *q == '\r' || *q == '\n')) q++;
    if (obj >= start && obj < start + count) {
      const unsigned char *e = q + (obj - start) * 20;
      if (e + 18 > end || e[17] != 'n') return -1;
      long off = num(&e, end);
      return off >= 0 && (size_t)off < n ? off : -1;
    }
    if ((size_t)(end - q) / 20 < (size_t)count) return -1;
    p = q + count * 20;
  }
}

/* Within object `obj`, the integer after key (e.g. "/Count"), or the object
 * number after it for a reference (e.g. "/Pages 2 0 R"). -1 if not found. */
static long obj_key(const unsigned char *pdf, size_t n, const unsigned char *x, long obj, const char *key)
{
  long off = xref_offset(pdf, n, x, obj);
  if (off < 0) return -1;
  const unsigned char *p = pdf + off, *end = pdf + n;
  const unsigned char *stop = find(p, end, "endobj");
  if (!stop) return -1;
  const unsigned char *k = find(p, stop, key);
  if (!k) return -1;
  k += strlen(key);
  return num(&k, stop);
}

/* The page count of a PDF we wrote: trailer /Root -> catalog /Pages ->
 * page tree root /Count. -1 when the file does not have that shape. */
long sd_batch_pdf_pages(const unsigned char *pdf, size_t n)
{
  if (n < 64) return -1;
  const unsigned char *end = pdf + n, *tail = end - (n < 1024 ? n : 1024), *sx = NULL;
  for (const unsigned char *p = tail; (p = find(p, end, "startxref")); p++) sx = p;
  if (!sx) return -1;
  const unsigned char *q = sx + 9;
  long xoff = num(&q, end);
  if (xoff < 0 || (size_t)xoff + 4 > n || memcmp(pdf + xoff, "xref", 4) != 0) return -1;
  const unsigned char *x = pdf + xoff;
  const unsigned char *tr = find(x, end, "trailer");
  const unsigned char *root = tr ? find(tr, end, "/Root") : NULL;
  if (!root) return -1;
  root += 5;
  long cat = num(&root, end);
  long pages = cat >= 0 ? obj_key(pdf, n, x, cat, "/Pages") : -1;
  return pages >= 0 ? obj_key(pdf, n, x, pages, "/Count") : -1;
}

void sd_batch_describe(sd_batch_job *j, const unsigned char *pdf, size_t len)
{
  unsigned int mdlen = 0;
  EVP_Digest(pdf, len, j->sha, &mdlen, EVP_sha256(), NULL);
  sd_batch_hex(j->sha, 32, j->sha_hex);
  j->pages = sd_batch_pdf_pages(pdf, len);
  j->bytes = len;
}
