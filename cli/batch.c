/* sendoc batch INPUT... -o OUTDIR: many cases, one process, N threads
 * sharing one engine. Cases are rendered in any order but reported (stderr,
 * manifest) in input order, so two runs print the same thing. */
#define _GNU_SOURCE /* sched_getaffinity */
#include "cli.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_JOBS 256
#define MAX_WALK_DEPTH 64
#define LOCK_NAME ".sendoc-batch.lock"

enum { ST_OK = 0, ST_INVALID = 1, ST_ERROR = 2 };
enum { OPT_SHARD = 2000, OPT_MANIFEST, OPT_RESUME };

typedef struct job {
  char *path;  /* the case file as the user can find it: INPUT/rel */
  char *rel;   /* relative to its INPUT root: the shard key and the output name */
  char *out;   /* OUTDIR/rel with .xml replaced by .pdf */
  /* results, written by one worker, read after `done` under the commit lock */
  int done, status, skipped, code, quiet;
  sd_diags *d;
  const char *cli_code; /* a problem found by the CLI rather than the library */
  char *cli_msg;
  unsigned char sha[32];
  long pages;
  size_t bytes;
} job;

typedef struct prev_line { char *path; int ok; } prev_line;

typedef struct batch {
  cli_common com;
  sd_render_options ro;
  const char *outdir, *manifest;
  int resume, jobs;
  unsigned shard_k, shard_n;
  struct timespec tpl_mtime;
  int tpl_known;
  sd_engine *e;
  job *v;
  size_t n, cap;
  prev_line *prev; /* the earlier manifest, sorted by path (--resume) */
  size_t n_prev;
  atomic_size_t next;
  atomic_int stop; /* an environment problem: no new case starts */
  int stop_code;
  pthread_mutex_t mu;
  size_t committed, rendered, failed, skipped;
  int worst;
  FILE *mf;
  char *mf_tmp;
  int mf_err, tty;
  struct timespec t0, last_bar;
} batch;

/* ---- small helpers ---- */

static void oom(void)
{
  cli_msg("batch", SD_SEV_ERROR, "resource.memory", "out of memory");
  exit(EXIT_ENV);
}

static char *xstrdup(const char *s)
{
  char *p = strdup(s);
  if (!p) oom();
  return p;
}

static char *join(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  while (la > 1 && a[la - 1] == '/') la--;
  char *p = malloc(la + lb + 2);
  if (!p) oom();
  memcpy(p, a, la);
  p[la] = '/';
  memcpy(p + la + 1, b, lb + 1);
  return p;
}

static int ends_with(const char *s, const char *suf)
{
  size_t n = strlen(s), m = strlen(suf);
  return n >= m && strcmp(s + n - m, suf) == 0;
}

static double since(const struct timespec *a, const struct timespec *b)
{
  return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static int newer(const struct timespec *a, const struct timespec *b)
{
  return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec > b->tv_nsec);
}

/* FNV-1a, 64 bit: a stable hash any scheduler can reproduce */
static uint64_t fnv1a64(const char *s)
{
  uint64_t h = 14695981039346656037ull;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    h ^= *p;
    h *= 1099511628211ull;
  }
  return h;
}

/* ---- finding the cases ---- */

static void add_case(batch *b, const char *path, const char *rel)
{
  if (b->n == b->cap) {
    size_t nc = b->cap ? b->cap * 2 : 256;
    job *nv = realloc(b->v, nc * sizeof *nv);
    if (!nv) oom();
    b->v = nv;
    b->cap = nc;
  }
  job *j = &b->v[b->n++];
  memset(j, 0, sizeof *j);
  j->path = xstrdup(path);
  j->rel = xstrdup(rel);
  size_t l = strlen(rel);
  char *o = malloc(l + 5);
  if (!o) oom();
  memcpy(o, rel, l + 1);
  if (ends_with(o, ".xml")) strcpy(o + l - 4, ".pdf");
  else strcat(o, ".pdf");
  j->out = join(b->outdir, o);
  free(o);
  j->pages = -1;
}

/* Folders: every *.xml below, hidden entries skipped, symbolic links to
 * files followed but never to folders (no loops, no escaping the tree). */
static int walk(batch *b, const char *root, const char *rel, int depth)
{
  char *dir = rel ? join(root, rel) : xstrdup(root);
  DIR *dp = opendir(dir);
  if (!dp) {
    cli_msg("batch", SD_SEV_ERROR, "io.read", "cannot read the folder %s: %s", dir, strerror(errno));
    free(dir);
    return -1;
  }
  int rc = 0;
  struct dirent *de;
  while (rc == 0 && (de = readdir(dp))) {
    if (de->d_name[0] == '.') continue;
    struct stat sb;
    if (fstatat(dirfd(dp), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0) continue;
    char *crel = rel ? join(rel, de->d_name) : xstrdup(de->d_name);
    if (S_ISDIR(sb.st_mode)) {
      if (depth >= MAX_WALK_DEPTH) {
        cli_msg("batch", SD_SEV_ERROR, "batch.depth", "%s/%s: folders nested more than %d deep", root, crel, MAX_WALK_DEPTH);
        rc = -1;
      } else rc = walk(b, root, crel, depth + 1);
    } else if (ends_with(de->d_name, ".xml") &&
               (S_ISREG(sb.st_mode) ||
                (S_ISLNK(sb.st_mode) && fstatat(dirfd(dp), de->d_name, &sb, 0) == 0 && S_ISREG(sb.st_mode)))) {
      char *path = join(root, crel);
      add_case(b, path, crel);
      free(path);
    }
    free(crel);
  }
  closedir(dp);
  free(dir);
  return rc;
}

static int by_rel(const void *a, const void *b)
{
  return strcmp(((const job *)a)->rel, ((const job *)b)->rel);
}

static int by_out(const void *a, const void *b)
{
  return strcmp((*(job *const *)a)->out, (*(job *const *)b)->out);
}

/* Returns 0, or an exit code. */
static int collect(batch *b, char **inputs, int n_in)
{
  for (int i = 0; i < n_in; i++) {
    struct stat sb;
    if (stat(inputs[i], &sb) != 0) {
      cli_msg("batch", SD_SEV_ERROR, "usage", "%s: %s", inputs[i], strerror(errno));
      return EXIT_USAGE;
    }
    if (S_ISDIR(sb.st_mode)) {
      if (walk(b, inputs[i], NULL, 0) != 0) return EXIT_ENV;
    } else if (S_ISREG(sb.st_mode)) {
      const char *slash = strrchr(inputs[i], '/');
      add_case(b, inputs[i], slash ? slash + 1 : inputs[i]);
    } else {
      cli_msg("batch", SD_SEV_ERROR, "usage", "%s: not a case file or a folder", inputs[i]);
      return EXIT_USAGE;
    }
  }
  /* byte-wise order of the relative path: the same on every machine and locale */
  qsort(b->v, b->n, sizeof *b->v, by_rel);
  job **idx = malloc((b->n ? b->n : 1) * sizeof *idx);
  if (!idx) return EXIT_ENV;
  for (size_t i = 0; i < b->n; i++) idx[i] = &b->v[i];
  qsort(idx, b->n, sizeof *idx, by_out);
  int rc = 0;
  for (size_t i = 1; i < b->n; i++)
    if (strcmp(idx[i - 1]->out, idx[i]->out) == 0) {
      cli_msg("batch", SD_SEV_ERROR, "usage", "%s and %s would both be written to %s", idx[i - 1]->path, idx[i]->path,
              idx[i]->out);
      rc = EXIT_USAGE;
    }
  free(idx);
  if (rc) return rc;
  if (b->shard_n > 1) {
    size_t k = 0;
    for (size_t i = 0; i < b->n; i++) {
      if (fnv1a64(b->v[i].rel) % b->shard_n + 1 == b->shard_k) b->v[k++] = b->v[i];
      else {
        free(b->v[i].path);
        free(b->v[i].rel);
        free(b->v[i].out);
      }
    }
    b->n = k;
  }
  return 0;
}

/* ---- the output folder ---- */

static int mkdir_p(char *path, mode_t mode)
{
  for (char *p = path + 1; *p; p++)
    if (*p == '/') {
      *p = 0;
      int r = mkdir(path, mode);
      *p = '/';
      if (r != 0 && errno != EEXIST) return -1;
    }
  if (mkdir(path, mode) != 0 && errno != EEXIST) return -1;
  return 0;
}

/* sd_write_file_atomic names its temporary OUT.tmp-XXXXXX (mkstemp) */
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
    if (S_ISDIR(sb.st_mode) && depth < MAX_WALK_DEPTH) {
      char *sub = join(dir, de->d_name);
      removed += clean_strays(sub, depth + 1);
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
  char *dir = slash ? strndup(manifest, slash == manifest ? 1 : (size_t)(slash - manifest)) : xstrdup(".");
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

/* Every batch writing into OUTDIR holds a shared lock on OUTDIR/.sendoc-batch.lock;
 * only a batch that gets it exclusively (no other batch is running there, e.g.
 * another shard) removes unfinished temporaries, so it never takes one that a
 * running batch is about to rename. Returns the lock's fd, or -1. */
static int lock_outdir(batch *b)
{
  char *dir = xstrdup(b->outdir);
  if (mkdir_p(dir, 0700) != 0) {
    cli_msg("batch", SD_SEV_ERROR, "io.write", "cannot create the output folder %s: %s", b->outdir, strerror(errno));
    free(dir);
    return -1;
  }
  free(dir);
  char *lp = join(b->outdir, LOCK_NAME);
  int fd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    cli_msg("batch", SD_SEV_ERROR, "io.write", "cannot write to the output folder %s: %s", b->outdir, strerror(errno));
    free(lp);
    return -1;
  }
  free(lp);
  if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
    size_t n = clean_strays(b->outdir, 0) + clean_manifest_strays(b->manifest);
    if (n) cli_msg("batch", SD_SEV_NOTE, "batch.cleanup", "removed %zu unfinished output%s left by an interrupted batch", n,
                   n == 1 ? "" : "s");
  }
  if (flock(fd, LOCK_SH) != 0 && errno != ENOLCK) {
    cli_msg("batch", SD_SEV_ERROR, "io.write", "cannot lock the output folder %s: %s", b->outdir, strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
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
static long pdf_pages(const unsigned char *pdf, size_t n)
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

static void describe(job *j, const unsigned char *pdf, size_t len)
{
  unsigned int mdlen = 0;
  EVP_Digest(pdf, len, j->sha, &mdlen, EVP_sha256(), NULL);
  j->pages = pdf_pages(pdf, len);
  j->bytes = len;
}

/* ---- --resume ---- */

static unsigned char *read_all(const char *path, size_t cap, size_t *len)
{
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  unsigned char *buf = NULL;
  size_t n = 0, c = 0;
  for (;;) {
    if (n == c) {
      c = c ? c * 2 : 65536;
      unsigned char *nb = c <= cap + 1 ? realloc(buf, c + 1) : NULL;
      if (!nb) {
        free(buf);
        fclose(fp);
        return NULL;
      }
      buf = nb;
    }
    size_t r = fread(buf + n, 1, c - n, fp);
    n += r;
    if (r == 0) break;
  }
  int err = ferror(fp);
  fclose(fp);
  if (err) {
    free(buf);
    return NULL;
  }
  buf[n] = 0;
  *len = n;
  return buf;
}

/* Decodes the JSON string at *pp (our own manifest's), advancing past it. */
static char *json_unstr(const char **pp)
{
  const char *p = *pp;
  if (*p != '"') return NULL;
  p++;
  size_t cap = strlen(p) + 1, n = 0;
  char *s = malloc(cap);
  if (!s) return NULL;
  while (*p && *p != '"') {
    if (*p != '\\') {
      s[n++] = *p++;
      continue;
    }
    p++;
    char c = *p++;
    if (c == 'u') {
      unsigned u = 0;
      for (int i = 0; i < 4; i++, p++) {
        char h = *p;
        unsigned v = h >= '0' && h <= '9' ? (unsigned)(h - '0') : h >= 'a' && h <= 'f' ? (unsigned)(h - 'a' + 10)
                   : h >= 'A' && h <= 'F' ? (unsigned)(h - 'A' + 10) : 99;
        if (v == 99) {
          free(s);
          return NULL;
        }
        u = u * 16 + v;
      }
      /* our writer escapes only control characters (and U+FFFD for non-UTF-8) */
      if (u < 0x80) s[n++] = (char)u;
      else if (u < 0x800) { s[n++] = (char)(0xC0 | u >> 6); s[n++] = (char)(0x80 | (u & 0x3F)); }
      else { s[n++] = (char)(0xE0 | u >> 12); s[n++] = (char)(0x80 | (u >> 6 & 0x3F)); s[n++] = (char)(0x80 | (u & 0x3F)); }
    } else if (c == 'n') s[n++] = '\n';
    else if (c == 't') s[n++] = '\t';
    else if (c == 'r') s[n++] = '\r';
    else if (c == 'b') s[n++] = '\b';
    else if (c == 'f') s[n++] = '\f';
    else if (c == '"' || c == '\\' || c == '/') s[n++] = c;
    else {
      free(s);
      return NULL;
    }
  }
  if (*p != '"') {
    free(s);
    return NULL;
  }
  s[n] = 0;
  *pp = p + 1;
  return s;
}

static int by_prev(const void *a, const void *b)
{
  return strcmp(((const prev_line *)a)->path, ((const prev_line *)b)->path);
}

/* Reads an earlier manifest; lines that do not parse are ignored. */
static void load_prev(batch *b)
{
  size_t len = 0;
  char *text = (char *)read_all(b->manifest, (size_t)1 << 30, &len);
  if (!text) return;
  size_t cap = 0;
  for (char *line = text, *nl; line < text + len; line = nl + 1) {
    nl = strchr(line, '\n');
    if (!nl) break; /* a last line without its newline is incomplete */
    *nl = 0;
    const char *p = line;
    if (strncmp(p, "{\"case\":", 8) != 0) continue;
    p += 8;
    char *path = json_unstr(&p);
    if (!path) continue;
    if (strncmp(p, ",\"status\":", 10) != 0) {
      free(path);
      continue;
    }
    if (b->n_prev == cap) {
      cap = cap ? cap * 2 : 256;
      prev_line *np = realloc(b->prev, cap * sizeof *np);
      if (!np) oom();
      b->prev = np;
    }
    b->prev[b->n_prev].path = path;
    b->prev[b->n_prev++].ok = strncmp(p + 10, "\"ok\"", 4) == 0;
  }
  free(text);
  qsort(b->prev, b->n_prev, sizeof *b->prev, by_prev);
}

/* An output is up to date when it is newer than the case and the template,
 * the earlier manifest (if any) does not record a failure for the case, and
 * it is a whole PDF (its page tree can be read). */
static int up_to_date(batch *b, job *j)
{
  struct stat so, sc;
  if (!b->tpl_known || stat(j->out, &so) != 0 || !S_ISREG(so.st_mode) || stat(j->path, &sc) != 0) return 0;
  if (!newer(&so.st_mtim, &sc.st_mtim) || !newer(&so.st_mtim, &b->tpl_mtime)) return 0;
  if (b->n_prev) {
    prev_line key = { j->path, 0 };
    prev_line *hit = bsearch(&key, b->prev, b->n_prev, sizeof *b->prev, by_prev);
    if (hit && !hit->ok) return 0;
  }
  size_t len = 0;
  unsigned char *pdf = read_all(j->out, (size_t)1 << 30, &len);
  if (!pdf) return 0;
  describe(j, pdf, len);
  free(pdf);
  return j->pages > 0;
}

/* ---- rendering ---- */

/* Runs on worker threads: strerror(3) is MT-Unsafe, GNU strerror_r is not. */
static void cli_problem(job *j, const char *code, const char *what, const char *path, int err)
{
  char buf[128];
  const char *why = strerror_r(err, buf, sizeof buf);
  size_t m = strlen(what) + strlen(path) + strlen(why) + 8;
  j->cli_code = code;
  j->cli_msg = malloc(m);
  if (j->cli_msg) snprintf(j->cli_msg, m, "%s %s: %s", what, path, why);
}

/* As sd_write_file_atomic (a 0600 OUT.tmp-XXXXXX in the same folder, renamed
 * into place when whole) but without an fsync per file, which cost ~15 ms a
 * case here, more than rendering: the batch flushes the file system once, with
 * syncfs(2), before the manifest appears. A killed process leaves only whole
 * PDFs; after a power cut, PDFs not yet in a manifest may be empty, and
 * --resume renders again any PDF that is not whole. */
static sd_status write_out(job *j, const unsigned char *buf, size_t len)
{
  size_t l = strlen(j->out);
  char *tmp = malloc(l + 12);
  if (!tmp) return SD_E_NOMEM;
  snprintf(tmp, l + 12, "%s.tmp-XXXXXX", j->out);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    cli_problem(j, "io.write", "cannot create the output file", j->out, errno);
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
    cli_problem(j, "io.write", "cannot write the output file", j->out, err);
    unlink(tmp);
  }
  free(tmp);
  return err ? SD_E_IO : SD_OK;
}

/* last_dir: the folder this thread created last (cases come folder by folder) */
static void run_case(batch *b, job *j, char **last_dir)
{
  if (b->resume && up_to_date(b, j)) {
    j->skipped = 1;
    return;
  }
  j->pages = -1;
  j->d = sd_diags_new();
  sd_case *cs = NULL;
  unsigned char *pdf = NULL;
  size_t len = 0;
  int env = 0;
  sd_status st = j->d ? sd_case_load(b->e, j->path, NULL, &cs, j->d) : SD_E_NOMEM;
  if (st == SD_OK) {
    st = sd_render(b->e, cs, &b->ro, &pdf, &len, j->d);
    /* the template, style or data folder, not this case: every case would fail */
    env = st == SD_E_USAGE || st == SD_E_RESOURCE;
  }
  if (st == SD_OK) {
    char *dir = xstrdup(j->out);
    *strrchr(dir, '/') = 0;
    if (*last_dir && !strcmp(*last_dir, dir)) free(dir);
    else if (mkdir_p(dir, 0700) != 0) {
      cli_problem(j, "io.write", "cannot create the folder", dir, errno);
      free(dir);
      st = SD_E_IO;
    } else {
      free(*last_dir);
      *last_dir = dir;
    }
    if (st == SD_OK) st = write_out(j, pdf, len);
    env = st != SD_OK;
    if (st == SD_OK) describe(j, pdf, len);
  }
  j->code = cli_exit_code(st);
  j->status = st == SD_OK ? ST_OK : j->code == EXIT_INPUT ? ST_INVALID : ST_ERROR;
  if (env) {
    /* a full disk or a read-only folder fails every case alike: stop early */
    int expect = 0;
    if (atomic_compare_exchange_strong(&b->stop, &expect, 1)) b->stop_code = j->code;
  }
  sd_free(pdf);
  sd_case_free(cs);
}

/* ---- reporting, in input order ---- */

static void bar(batch *b, int final)
{
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (!final && since(&b->last_bar, &now) < 0.1) return;
  b->last_bar = now;
  double t = since(&b->t0, &now);
  size_t done = b->committed, total = b->n;
  int w = 30, fill = total ? (int)((double)done / (double)total * w) : w;
  char cells[32];
  for (int i = 0; i < w; i++) cells[i] = i < fill ? '#' : '.';
  cells[w] = 0;
  fprintf(stderr, "\r\033[K[%s] %zu/%zu  %zu failed  %.1f cases/s", cells, done, total, b->failed,
          t > 0 ? (double)done / t : 0.0);
  if (final) fputs("\r\033[K", stderr);
  fflush(stderr);
}

static void manifest_line(batch *b, const job *j)
{
  static const char *const names[] = { "ok", "invalid", "error" };
  FILE *f = b->mf;
  fputs("{\"case\":", f);
  cli_json_str(f, j->path);
  fputs(",\"status\":", f);
  cli_json_str(f, names[j->status]);
  fputs(",\"output\":", f);
  cli_json_str(f, j->status == ST_OK ? j->out : NULL);
  fputs(",\"sha256\":", f);
  if (j->status == ST_OK) {
    fputc('"', f);
    for (int i = 0; i < 32; i++) fprintf(f, "%02x", j->sha[i]);
    fputc('"', f);
  } else fputs("null", f);
  if (j->status == ST_OK && j->pages > 0) fprintf(f, ",\"pages\":%ld", j->pages);
  else fputs(",\"pages\":null", f);
  if (j->status == ST_OK) fprintf(f, ",\"bytes\":%zu", j->bytes);
  else fputs(",\"bytes\":null", f);
  fprintf(f, ",\"skipped\":%s,\"diagnostics\":[", j->skipped ? "true" : "false");
  size_t k = 0;
  for (size_t i = 0; j->d && i < sd_diags_count(j->d); i++) {
    sd_diag_info g;
    sd_diags_get(j->d, i, &g);
    if (k++) fputc(',', f);
    cli_json_diag(f, &g);
  }
  if (j->cli_code) {
    sd_diag_info g = { SD_SEV_ERROR, j->cli_code, j->out, 0, 0, NULL, j->cli_msg ? j->cli_msg : "" };
    if (k++) fputc(',', f);
    cli_json_diag(f, &g);
  }
  fputs("]}\n", f);
  if (ferror(f)) b->mf_err = 1;
}

static void commit(batch *b, job *j)
{
  if (b->tty) fputs("\r\033[K", stderr);
  if (j->d) cli_print_diags(j->d, &b->com);
  if (j->cli_code && !j->quiet) {
    sd_diag_info g = { SD_SEV_ERROR, j->cli_code, j->out, 0, 0, NULL, j->cli_msg ? j->cli_msg : "" };
    if (b->com.json) {
      cli_json_diag(stderr, &g);
      fputc('\n', stderr);
    } else fprintf(stderr, "%s: error: %s [%s]\n", j->out, g.message, g.code);
  }
  if (b->mf) manifest_line(b, j);
  b->committed++;
  if (j->skipped) b->skipped++;
  else if (j->status == ST_OK) b->rendered++;
  else b->failed++;
  int code = j->status == ST_OK ? EXIT_OK : j->code;
  /* environment (3) outranks usage (2) outranks input (1) */
  if (code == EXIT_ENV || (code == EXIT_USAGE && b->worst != EXIT_ENV) || (code == EXIT_INPUT && b->worst == EXIT_OK))
    b->worst = code;
  sd_diags_free(j->d);
  j->d = NULL;
  free(j->cli_msg);
  j->cli_msg = NULL;
  if (b->tty) bar(b, 0);
}

static void *worker(void *arg)
{
  batch *b = arg;
  char *last_dir = NULL;
  for (;;) {
    if (atomic_load(&b->stop)) break;
    size_t i = atomic_fetch_add(&b->next, 1);
    if (i >= b->n) break;
    run_case(b, &b->v[i], &last_dir);
    pthread_mutex_lock(&b->mu);
    b->v[i].done = 1;
    while (b->committed < b->n && b->v[b->committed].done) commit(b, &b->v[b->committed]);
    pthread_mutex_unlock(&b->mu);
  }
  free(last_dir);
  return NULL;
}

static int default_jobs(void)
{
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) return CPU_COUNT(&set);
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

/* ---- the manifest file ---- */

static int manifest_open(batch *b)
{
  if (!b->manifest) return 0;
  if (!strcmp(b->manifest, "-")) {
    b->mf = stdout;
    return 0;
  }
  size_t l = strlen(b->manifest);
  b->mf_tmp = malloc(l + 12);
  if (!b->mf_tmp) return -1;
  snprintf(b->mf_tmp, l + 12, "%s.tmp-XXXXXX", b->manifest);
  int fd = mkstemp(b->mf_tmp); /* mode 0600: it names cases and quotes their problems */
  if (fd < 0 || !(b->mf = fdopen(fd, "w"))) {
    cli_msg("batch", SD_SEV_ERROR, "io.write", "cannot write the manifest %s: %s", b->manifest, strerror(errno));
    if (fd >= 0) close(fd);
    free(b->mf_tmp);
    b->mf_tmp = NULL;
    return -1;
  }
  return 0;
}

/* The manifest appears complete, or not at all: temporary file, fsync, rename. */
static int manifest_close(batch *b)
{
  if (!b->mf) return 0;
  if (b->mf == stdout) return fflush(stdout) != 0 || b->mf_err ? -1 : 0;
  int bad = fflush(b->mf) != 0 || ferror(b->mf) || b->mf_err || fsync(fileno(b->mf)) != 0;
  int saved = errno;
  if (fclose(b->mf) != 0) bad = 1;
  b->mf = NULL;
  if (!bad && rename(b->mf_tmp, b->manifest) != 0) {
    saved = errno;
    bad = 1;
  }
  if (bad) {
    cli_msg("batch", SD_SEV_ERROR, "io.write", "cannot write the manifest %s: %s", b->manifest, strerror(saved));
    unlink(b->mf_tmp);
  }
  free(b->mf_tmp);
  b->mf_tmp = NULL;
  return bad ? -1 : 0;
}

/* ---- the command ---- */

static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || end == s || *end || s[0] == '-' || s[0] == '+' || v < lo || v > hi) return -1;
  *out = (unsigned)v;
  return 0;
}

static int parse_shard(const char *s, unsigned *k, unsigned *n)
{
  const char *slash = strchr(s, '/');
  if (!slash || slash - s > 10) return -1;
  char kb[12];
  memcpy(kb, s, (size_t)(slash - s));
  kb[slash - s] = 0;
  if (parse_uint(kb, 1, 1000000, k) || parse_uint(slash + 1, 1, 1000000, n) || *k > *n) return -1;
  return 0;
}

/* Checks the template and style before any case, so that a typo is one
 * usage error rather than ten thousand failed cases. */
static int check_template(batch *b)
{
  const char *ref = b->ro.template_ref;
  size_t l = strlen(ref);
  int is_path = strchr(ref, '/') || (l > 3 && !strcmp(ref + l - 3, ".md"));
  char buf[PATH_MAX + 32];
  char *path = is_path ? xstrdup(ref) : NULL;
  if (!is_path) {
    char *t = join(cli_data_dir(&b->com, buf, sizeof buf), "templates");
    size_t m = strlen(t) + l + 8;
    path = malloc(m);
    if (!path) oom();
    snprintf(path, m, "%s/%s.md", t, ref);
    free(t);
  }
  struct stat sb;
  int rc = 0;
  if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    if (is_path) {
      cli_msg_file(ref, SD_SEV_ERROR, "io.read", "cannot read the template: %s", strerror(errno ? errno : EISDIR));
      rc = EXIT_ENV;
    } else rc = cli_usage_error("batch", "no template called \"%s\" (see `sendoc templates`)", ref);
  } else {
    b->tpl_mtime = sb.st_mtim;
    b->tpl_known = 1;
  }
  free(path);
  return rc;
}

int cmd_batch(int argc, char **argv)
{
  static const struct option opts[] = {
    { "output", required_argument, NULL, 'o' },   { "template", required_argument, NULL, 't' },
    { "lang", required_argument, NULL, 'l' },     { "style", required_argument, NULL, 's' },
    { "jobs", required_argument, NULL, 'j' },     { "shard", required_argument, NULL, OPT_SHARD },
    { "manifest", required_argument, NULL, OPT_MANIFEST }, { "resume", no_argument, NULL, OPT_RESUME },
    CLI_COMMON_LONGOPTS,                          { NULL, 0, NULL, 0 }
  };
  batch b;
  memset(&b, 0, sizeof b);
  sd_render_options_init(&b.ro); /* size set: later fields are read too */
  b.shard_k = b.shard_n = 1;
  unsigned jobs = 0;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, ":o:t:l:s:j:", opts, NULL)) != -1) {
    switch (c) {
    case 'o': b.outdir = optarg; break;
    case 't': b.ro.template_ref = optarg; break;
    case 'l': b.ro.lang = optarg; break;
    case 's': b.ro.style = optarg; break;
    case 'j':
      if (parse_uint(optarg, 1, MAX_JOBS, &jobs)) return cli_usage_error("batch", "--jobs takes 1 to %d", MAX_JOBS);
      break;
    case OPT_SHARD:
      if (parse_shard(optarg, &b.shard_k, &b.shard_n))
        return cli_usage_error("batch", "--shard takes K/N with 1 <= K <= N, e.g. 3/8");
      break;
    case OPT_MANIFEST: b.manifest = optarg; break;
    case OPT_RESUME: b.resume = 1; break;
    case OPT_HELP: cli_print_help("batch", stdout); return EXIT_OK;
    default:
      if (c == '?' || c == ':') return cli_bad_option("batch", c, argv, opts);
      if (cli_common_option(&b.com, c, optarg) != 1) return EXIT_USAGE;
    }
  }
  if (optind >= argc) return cli_usage_error("batch", "no case files or folders given");
  if (!b.outdir || !*b.outdir) return cli_usage_error("batch", "-o OUTDIR is required");
  if (!strcmp(b.outdir, "-")) return cli_usage_error("batch", "-o takes a folder; `sendoc render` writes to standard output");
  if (!b.ro.template_ref) return cli_usage_error("batch", "--template is required");
  for (int i = optind; i < argc; i++)
    if (!strcmp(argv[i], "-")) return cli_usage_error("batch", "cases come from files or folders, not standard input");
  if (b.ro.style && strcmp(b.ro.style, "standard") && strcmp(b.ro.style, "large-print") && strcmp(b.ro.style, "dyslexia"))
    return cli_usage_error("batch", "unknown style \"%s\" (standard, large-print, dyslexia)", b.ro.style);
  /* the data folder first: a missing one is exit 3 however the template is named */
  int code = EXIT_OK;
  b.e = cli_engine(&b.com, &code);
  if (!b.e) return code;
  code = check_template(&b);
  if (code == 0 && b.ro.lang) {
    /* a language that is not a tag stops the batch before any case */
    sd_diags *ld = sd_diags_new();
    sd_status lst = sd_check_lang(b.e, b.ro.lang, ld);
    cli_print_diags(ld, &b.com);
    sd_diags_free(ld);
    if (lst != SD_OK) code = cli_exit_code(lst);
  }
  if (code) {
    sd_engine_free(b.e);
    return code;
  }

  /* one date for the whole batch unless SOURCE_DATE_EPOCH fixes it */
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  if (!sde || !*sde) b.ro.date_epoch = (int64_t)time(NULL);

  code = collect(&b, argv + optind, argc - optind);
  int lock = -1;
  if (code == 0) {
    lock = lock_outdir(&b);
    if (lock < 0) code = EXIT_ENV;
  }
  if (code == 0 && b.n == 0)
    cli_msg("batch", SD_SEV_WARNING, "batch.empty", "no case files (*.xml) found%s", b.shard_n > 1 ? " in this shard" : "");
  if (code == 0 && b.resume && b.manifest && strcmp(b.manifest, "-")) load_prev(&b);
  if (code == 0 && manifest_open(&b) != 0) code = EXIT_ENV;

  if (code == 0) {
    b.jobs = jobs ? (int)jobs : default_jobs();
    if (b.jobs > MAX_JOBS) b.jobs = MAX_JOBS;
    if ((size_t)b.jobs > b.n) b.jobs = b.n ? (int)b.n : 1;
    b.tty = isatty(2);
    pthread_mutex_init(&b.mu, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b.t0);
    pthread_t th[MAX_JOBS];
    int started = 0;
    for (int i = 1; i < b.jobs; i++)
      if (pthread_create(&th[started], NULL, worker, &b) == 0) started++;
    worker(&b);
    for (int i = 0; i < started; i++) pthread_join(th[i], NULL);
    /* cases never started after a stop: in the manifest, not silently dropped,
     * and summed up in one line rather than one per case */
    size_t never = 0;
    for (size_t i = b.committed; i < b.n; i++) {
      job *j = &b.v[i];
      if (!j->done) {
        j->status = ST_ERROR;
        j->code = b.stop_code ? b.stop_code : EXIT_ENV;
        j->cli_code = "batch.stopped";
        j->cli_msg = xstrdup("not rendered: the batch stopped after an earlier error");
        j->quiet = 1;
        never++;
      }
      commit(&b, j);
    }
    if (b.tty) bar(&b, 1);
    pthread_mutex_destroy(&b.mu);
    if (never)
      cli_msg("batch", SD_SEV_ERROR, "batch.stopped", "stopped after the error above; %zu case%s not rendered", never,
              never == 1 ? "" : "s");
    /* the PDFs are on disk before the manifest that lists them */
    int dfd = open(b.outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || syncfs(dfd) != 0) {
      cli_msg("batch", SD_SEV_ERROR, "io.write", "cannot flush %s to disk: %s", b.outdir, strerror(errno));
      b.worst = EXIT_ENV;
    }
    if (dfd >= 0) close(dfd);
    if (manifest_close(&b) != 0) b.worst = EXIT_ENV;
    if (cli_json_mode())
      cli_msg("batch", SD_SEV_NOTE, "batch.summary", "%zu rendered, %zu failed, %zu skipped", b.rendered, b.failed, b.skipped);
    else
      fprintf(stderr, "%zu rendered, %zu failed, %zu skipped\n", b.rendered, b.failed, b.skipped);
    code = b.worst;
  } else if (b.mf && b.mf != stdout) {
    fclose(b.mf);
    unlink(b.mf_tmp);
  }
  if (lock >= 0) close(lock);
  sd_engine_free(b.e);
  for (size_t i = 0; i < b.n; i++) {
    free(b.v[i].path);
    free(b.v[i].rel);
    free(b.v[i].out);
    sd_diags_free(b.v[i].d);
    free(b.v[i].cli_msg);
  }
  free(b.v);
  for (size_t i = 0; i < b.n_prev; i++) free(b.prev[i].path);
  free(b.prev);
  free(b.mf_tmp);
  return code;
}
