/* batch_find: the entries of a batch. Folders are walked in full; every
 * entry that could be a case but will not be rendered is kept as an
 * "ignored" entry with its reason, so that nothing is lost in silence:
 *   - a case is a regular file (or a link to one) named *.xml, in any letter
 *     case (B.XML is a case, written as B.pdf: Windows shares upper-case names);
 *   - files with other names are not cases and not listed (photos, notes);
 *   - hidden entries (.name) are listed, not entered, and are no failure:
 *     hiding is deliberate (.git, .DS_Store, editors' swap files);
 *   - a dangling link, a *.xml that is not a regular file (FIFO, device,
 *     socket, link to a folder), an unreadable file and an unreadable folder
 *     are listed as failures (exit 1): the cases in them are lost;
 *   - links to folders are not followed (no loops, no escaping the tree). */
#include "batch.h"
#include "fileio.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

char *sd_batch_join(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  while (la > 1 && a[la - 1] == '/') la--;
  char *p = malloc(la + lb + 2);
  if (!p) return NULL;
  memcpy(p, a, la);
  p[la] = '/';
  memcpy(p + la + 1, b, lb + 1);
  return p;
}

int sd_batch_mkdir_p(const char *path, mode_t mode)
{
  char *p = sd_strdup(path);
  if (!p) return -1;
  int rc = 0;
  for (char *q = p + 1; *q && rc == 0; q++)
    if (*q == '/') {
      *q = 0;
      if (mkdir(p, mode) != 0 && errno != EEXIST) rc = -1;
      *q = '/';
    }
  if (rc == 0 && mkdir(p, mode) != 0 && errno != EEXIST) rc = -1;
  free(p);
  return rc;
}

void sd_batch_job_clear(sd_batch_job *j)
{
  free(j->path);
  free(j->rel);
  free(j->out);
  sd_diags_free(j->d);
  free(j->lang);
  free(j->fallback);
  free(j->child);
  free(j->school);
  free(j->problems);
  memset(j, 0, sizeof *j);
}

static int has_xml_ext(const char *name)
{
  size_t n = strlen(name);
  return n > 4 && strcasecmp(name + n - 4, ".xml") == 0;
}

/* A new entry; out is derived from rel unless ignored. NULL on no memory. */
static sd_batch_job *add(struct sd_batch *b, const char *path, const char *rel, int is_case)
{
  if (b->n == b->cap) {
    size_t nc = b->cap ? b->cap * 2 : 256;
    sd_batch_job *nv = realloc(b->v, nc * sizeof *nv);
    if (!nv) return NULL;
    b->v = nv;
    b->cap = nc;
  }
  sd_batch_job *j = &b->v[b->n];
  memset(j, 0, sizeof *j);
  j->path = sd_strdup(path);
  j->rel = sd_strdup(rel);
  j->pages = -1;
  if (is_case && j->rel) {
    size_t l = strlen(rel);
    char *o = malloc(l + 5);
    if (o) {
      memcpy(o, rel, l + 1);
      if (has_xml_ext(o)) memcpy(o + l - 4, ".pdf", 5);
      else memcpy(o + l, ".pdf", 5);
      j->out = sd_batch_join(b->outdir, o);
      free(o);
    }
  }
  if (!j->path || !j->rel || (is_case && !j->out)) {
    sd_batch_job_clear(j);
    return NULL;
  }
  b->n++;
  return j;
}

/* An entry found but not rendered. problem: it counts as a failed case. */
__attribute__((format(printf, 5, 6)))
static int ignore(struct sd_batch *b, const char *path, const char *rel, int problem, const char *fmt, ...)
{
  sd_batch_job *j = add(b, path, rel, 0);
  if (!j || !(j->d = sd_diags_new())) return -1;
  j->outcome = SD_BATCH_IGNORED;
  j->status = problem ? SD_E_INPUT : SD_OK;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  sd_diag_add(j->d, problem ? SD_SEV_ERROR : SD_SEV_WARNING, problem ? "batch.unreadable" : "batch.hidden", path, 0, 0,
              NULL, "%s", msg);
  return 0;
}

static int walk(struct sd_batch *b, const char *root, const char *rel, int depth)
{
  char *dir = rel ? sd_batch_join(root, rel) : sd_strdup(root);
  if (!dir) return -1;
  DIR *dp = opendir(dir);
  if (!dp) {
    int err = errno;
    int rc = rel ? ignore(b, dir, rel, 1, "not searched: cannot read the folder: %s; any cases in it are not rendered",
                          strerror(err))
                 : -2;
    free(dir);
    return rc;
  }
  int rc = 0;
  struct dirent *de;
  while (rc == 0 && (de = readdir(dp))) {
    const char *nm = de->d_name;
    if (!strcmp(nm, ".") || !strcmp(nm, "..")) continue;
    char *crel = rel ? sd_batch_join(rel, nm) : sd_strdup(nm);
    char *path = crel ? sd_batch_join(root, crel) : NULL;
    if (!path) {
      free(crel);
      rc = -1;
      break;
    }
    struct stat sb, tb;
    if (fstatat(dirfd(dp), nm, &sb, AT_SYMLINK_NOFOLLOW) != 0) {
      rc = ignore(b, path, crel, 1, "not rendered: cannot read it: %s", strerror(errno));
    } else if (nm[0] == '.') {
      rc = ignore(b, path, crel, 0, "not rendered: %s", S_ISDIR(sb.st_mode) ? "a hidden folder (not searched)"
                                                                              : "a hidden file");
    } else if (S_ISDIR(sb.st_mode)) {
      if (depth >= SD_BATCH_MAX_DEPTH)
        rc = ignore(b, path, crel, 1, "not searched: folders nested more than %d deep", SD_BATCH_MAX_DEPTH);
      else rc = walk(b, root, crel, depth + 1);
    } else if (S_ISLNK(sb.st_mode) && fstatat(dirfd(dp), nm, &tb, 0) != 0) {
      rc = ignore(b, path, crel, 1, "not rendered: a link to nothing (%s)", strerror(errno));
    } else if (S_ISLNK(sb.st_mode) && S_ISDIR(tb.st_mode)) {
      /* links to folders are never followed: reported when named like a case */
      if (has_xml_ext(nm)) rc = ignore(b, path, crel, 1, "not rendered: a link to a folder, not a case file");
    } else if (has_xml_ext(nm)) {
      mode_t m = S_ISLNK(sb.st_mode) ? tb.st_mode : sb.st_mode;
      if (!S_ISREG(m)) rc = ignore(b, path, crel, 1, "not rendered: it is %s", sd_file_type_phrase(m));
      else if (faccessat(dirfd(dp), nm, R_OK, AT_EACCESS) != 0)
        rc = ignore(b, path, crel, 1, "not rendered: cannot read it: %s", strerror(errno));
      else rc = add(b, path, crel, 1) ? 0 : -1;
    } else if (!S_ISREG(S_ISLNK(sb.st_mode) ? tb.st_mode : sb.st_mode)) {
      /* a FIFO, device or socket among the cases, whatever its name */
      rc = ignore(b, path, crel, 1, "not rendered: it is %s",
                  sd_file_type_phrase(S_ISLNK(sb.st_mode) ? tb.st_mode : sb.st_mode));
    }
    free(path);
    free(crel);
  }
  closedir(dp);
  free(dir);
  return rc;
}

static int by_rel(const void *a, const void *b)
{
  return strcmp(((const sd_batch_job *)a)->rel, ((const sd_batch_job *)b)->rel);
}

static int by_out(const void *a, const void *b)
{
  return strcmp((*(sd_batch_job *const *)a)->out, (*(sd_batch_job *const *)b)->out);
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

sd_status sd_batch_find(struct sd_batch *b, const char *const *inputs, size_t n_in, sd_diags *d)
{
  for (size_t i = 0; i < n_in; i++) {
    const char *in = inputs[i];
    struct stat sb;
    if (!in || !*in || !strcmp(in, "-")) {
      sd_diag_error(d, "usage.batch", NULL, 0, 0, NULL, "cases come from files or folders, not standard input");
      return SD_E_USAGE;
    }
    if (stat(in, &sb) != 0) {
      sd_diag_error(d, "usage.batch", in, 0, 0, NULL, "%s", strerror(errno));
      return SD_E_USAGE;
    }
    int rc = 0;
    if (S_ISDIR(sb.st_mode)) {
      rc = walk(b, in, NULL, 0);
      if (rc == -2) {
        sd_diag_error(d, "usage.batch", in, 0, 0, NULL, "cannot read the folder: %s", strerror(errno));
        return SD_E_USAGE;
      }
    } else if (S_ISREG(sb.st_mode)) {
      const char *slash = strrchr(in, '/');
      rc = add(b, in, slash ? slash + 1 : in, 1) ? 0 : -1;
    } else {
      sd_diag_error(d, "usage.batch", in, 0, 0, NULL, "not a case file or a folder: it is %s",
                    sd_file_type_phrase(sb.st_mode));
      return SD_E_USAGE;
    }
    if (rc != 0) return SD_E_NOMEM;
  }
  /* byte-wise order of the relative path: the same on every machine and locale */
  if (b->n) qsort(b->v, b->n, sizeof *b->v, by_rel);
  size_t n_out = 0;
  for (size_t i = 0; i < b->n; i++) n_out += b->v[i].out != NULL;
  sd_batch_job **idx = malloc((n_out ? n_out : 1) * sizeof *idx);
  if (!idx) return SD_E_NOMEM;
  n_out = 0;
  for (size_t i = 0; i < b->n; i++)
    if (b->v[i].out) idx[n_out++] = &b->v[i];
  if (n_out) qsort(idx, n_out, sizeof *idx, by_out);
  sd_status st = SD_OK;
  for (size_t i = 1; i < n_out; i++)
    if (strcmp(idx[i - 1]->out, idx[i]->out) == 0) {
      sd_diag_error(d, "usage.batch", NULL, 0, 0, NULL, "%s and %s would both be written to %s", idx[i - 1]->path,
                    idx[i]->path, idx[i]->out);
      st = SD_E_USAGE;
    }
  free(idx);
  if (st != SD_OK) return st;
  if (b->shard_n > 1) {
    size_t k = 0;
    for (size_t i = 0; i < b->n; i++) {
      if (fnv1a64(b->v[i].rel) % b->shard_n + 1 == b->shard_k) b->v[k++] = b->v[i];
      else sd_batch_job_clear(&b->v[i]);
    }
    b->n = k;
  }
  return SD_OK;
}
