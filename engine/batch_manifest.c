/* batch_manifest: the manifest of a batch (JSON Lines, one object per entry,
 * in input order) and the fingerprints that let resume trust an output.
 *
 * A fingerprint is the sha256 of everything that made an output: the sendoc
 * version; the template's bytes; the language, style and meeting options; the
 * data files (schema, font map, every compiled catalogue); the case's bytes
 * and its photo's bytes. The render date is not in it (a batch without
 * SOURCE_DATE_EPOCH dates its documents today, and resuming tomorrow must not
 * re-render everything), nor are the font files themselves (the font map
 * names them; a font package upgrade is not seen). */
#include "batch.h"
#include "case.h"
#include "fileio.h"
#include "jsonout.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void sd_batch_hex(const unsigned char *h, size_t n, char *out)
{
  static const char x[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = x[h[i] >> 4];
    out[2 * i + 1] = x[h[i] & 15];
  }
  out[2 * n] = 0;
}

/* ---- fingerprints ---- */

static void put_str(EVP_MD_CTX *m, const char *tag, const char *s)
{
  EVP_DigestUpdate(m, tag, strlen(tag) + 1);
  if (s) EVP_DigestUpdate(m, s, strlen(s) + 1);
  else EVP_DigestUpdate(m, "\xff", 1);
}

/* A file's bytes with its length (so that two files cannot run together); -1 if unreadable. */
static int put_file(EVP_MD_CTX *m, const char *tag, const char *path)
{
  size_t len = 0;
  unsigned char *buf = sd_batch_read_all(path, (size_t)64 << 20, &len);
  put_str(m, tag, buf ? "present" : "absent");
  if (!buf) return -1;
  unsigned char n8[8];
  for (int i = 0; i < 8; i++) n8[i] = (unsigned char)((uint64_t)len >> (8 * i));
  EVP_DigestUpdate(m, n8, 8);
  EVP_DigestUpdate(m, buf, len);
  free(buf);
  return 0;
}

static int by_name(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

sd_status sd_batch_common_fingerprint(struct sd_batch *b, sd_diags *d)
{
  EVP_MD_CTX *m = EVP_MD_CTX_new();
  if (!m || !EVP_DigestInit_ex(m, EVP_sha256(), NULL)) {
    EVP_MD_CTX_free(m);
    return SD_E_NOMEM;
  }
  const char *dd = sd_engine_data_dir(b->e);
  put_str(m, "version", SD_VERSION);
  put_str(m, "template-ref", b->ro.template_ref);
  sd_status st = SD_OK;
  if (put_file(m, "template", b->tpl_path) != 0) st = SD_E_IO;
  /* several templates (issue 16): each one's bytes */
  for (size_t i = 1; i < b->n_tpls; i++) {
    put_str(m, "template-ref", b->tpls[i]);
    if (put_file(m, "template", b->tpl_paths[i]) != 0) st = SD_E_IO;
  }
  put_str(m, "lang", b->ro.lang);
  put_str(m, "style", b->ro.style);
  put_str(m, "meeting", b->ro.meeting_id);
  char *p = sd_strdup_printf("%s/schema/case.xsd", dd);
  if (p) put_file(m, "schema", p);
  free(p);
  p = sd_strdup_printf("%s/fonts/fontmap.txt", dd);
  if (p) put_file(m, "fontmap", p);
  free(p);
  /* every catalogue: a language falls back along its chain, and the
   * fallbacks are the library's business */
  char *ld = sd_strdup_printf("%s/locales", dd);
  DIR *dp = ld ? opendir(ld) : NULL;
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *de;
  while (dp && (de = readdir(dp))) {
    size_t l = strlen(de->d_name);
    if (l < 5 || strcmp(de->d_name + l - 4, ".res")) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 32;
      char **nn = realloc(names, cap * sizeof *nn);
      if (!nn) break;
      names = nn;
    }
    if (!(names[n] = sd_strdup(de->d_name))) break;
    n++;
  }
  if (dp) closedir(dp);
  if (n) qsort(names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n; i++) {
    char *f = sd_batch_join(ld, names[i]);
    if (f) put_file(m, names[i], f);
    free(f);
    free(names[i]);
  }
  free(names);
  free(ld);
  unsigned int len = 0;
  EVP_DigestFinal_ex(m, b->common_fp, &len);
  EVP_MD_CTX_free(m);
  if (st != SD_OK)
    sd_diag_error(d, "io.read", b->ro.template_ref, 0, 0, NULL, "cannot read the template: %s", strerror(errno));
  return st;
}

void sd_batch_case_fingerprint(const struct sd_batch *b, const sd_case *c, const unsigned char *xml, size_t len,
                               sd_batch_job *j)
{
  EVP_MD_CTX *m = EVP_MD_CTX_new();
  if (!m || !EVP_DigestInit_ex(m, EVP_sha256(), NULL)) {
    EVP_MD_CTX_free(m);
    j->fp_hex[0] = 0;
    return;
  }
  EVP_DigestUpdate(m, b->common_fp, sizeof b->common_fp);
  EVP_DigestUpdate(m, "case", 5);
  EVP_DigestUpdate(m, xml, len);
  /* this document of the case: its template and language (issue 16) */
  if (b->n_tpls) put_str(m, "job-template", b->tpls[j->tpl]);
  put_str(m, "job-lang", j->lang);
  const sd_case_node *photo = c ? sd_case_find(c->root, "child.photo") : NULL;
  const sd_case_node *src = photo ? sd_case_find(photo, "src") : NULL;
  if (src && src->text && c->base_dir) {
    char *path = sd_case_resolve_photo(c, photo, src->text, NULL);
    if (path) put_file(m, "photo", path);
    else put_str(m, "photo", "unresolved");
    free(path);
  }
  unsigned char h[32];
  unsigned int hl = 0;
  EVP_DigestFinal_ex(m, h, &hl);
  EVP_MD_CTX_free(m);
  sd_batch_hex(h, 32, j->fp_hex);
}

/* ---- writing ---- */

/* JSON needs valid UTF-8: a byte that does not start a well-formed sequence
 * (RFC 3629) becomes U+FFFD, so every line parses even when a file name or a
 * quoted case value is not UTF-8. */
static void json_diag(FILE *out, const sd_diag *g)
{
  static const char *const sev[] = { "note", "warning", "error" };
  fputs("{\"severity\":", out);
  sd_json_str(out, sev[g->severity]);
  fputs(",\"code\":", out);
  sd_json_str(out, g->code);
  fputs(",\"file\":", out);
  sd_json_str(out, g->file);
  fprintf(out, ",\"line\":%d,\"column\":%d,\"field\":", g->line, g->col);
  sd_json_str(out, g->field);
  fputs(",\"message\":", out);
  sd_json_str(out, g->message);
  fputc('}', out);
}

static const char *status_name(sd_batch_outcome o)
{
  switch (o) {
  case SD_BATCH_OK: return "ok";
  case SD_BATCH_INVALID: return "invalid";
  case SD_BATCH_ERROR: return "error";
  case SD_BATCH_TIMEOUT: return "timeout";
  case SD_BATCH_IGNORED: return "ignored";
  }
  return "error";
}

void sd_batch_manifest_line(struct sd_batch *b, const sd_batch_job *j)
{
  FILE *f = b->mf;
  if (!f) return;
  int ok = j->outcome == SD_BATCH_OK;
  fputs("{\"case\":", f);
  sd_json_str(f, j->path);
  fputs(",\"status\":", f);
  sd_json_str(f, status_name(j->outcome));
  fputs(",\"output\":", f);
  sd_json_str(f, ok ? j->out : NULL);
  fputs(",\"sha256\":", f);
  if (ok) fprintf(f, "\"%s\"", j->sha_hex);
  else fputs("null", f);
  if (ok && j->pages > 0) fprintf(f, ",\"pages\":%ld", j->pages);
  else fputs(",\"pages\":null", f);
  if (ok) fprintf(f, ",\"bytes\":%zu", j->bytes);
  else fputs(",\"bytes\":null", f);
  fprintf(f, ",\"skipped\":%s,\"diagnostics\":[", j->skipped ? "true" : "false");
  for (size_t i = 0; j->d && i < j->d->n; i++) {
    if (i) fputc(',', f);
    json_diag(f, &j->d->items[i]);
  }
  fputs("],\"fingerprint\":", f);
  sd_json_str(f, j->fp_hex[0] ? j->fp_hex : NULL);
  fprintf(f, ",\"seconds\":%.3f", j->seconds);
  /* appended (issue 16): which document of the case */
  fputs(",\"template\":", f);
  sd_json_str(f, j->outcome == SD_BATCH_IGNORED || !b->n_tpls ? NULL : b->tpls[j->tpl]);
  fputs(",\"lang\":", f);
  sd_json_str(f, j->outcome == SD_BATCH_IGNORED ? NULL : j->lang ? j->lang : b->ro.lang ? b->ro.lang : "en-GB");
  fputs("}\n", f);
  /* line by line: an interrupted batch's temporary is read by resume */
  if (fflush(f) != 0 || ferror(f)) b->mf_err = 1;
}

int sd_batch_manifest_open(struct sd_batch *b, sd_diags *d)
{
  if (!strcmp(b->manifest, "-")) {
    b->mf = stdout;
    return 0;
  }
  size_t l = strlen(b->manifest);
  b->mf_tmp = malloc(l + 12);
  if (!b->mf_tmp) return -1;
  snprintf(b->mf_tmp, l + 12, "%s.tmp-XXXXXX", b->manifest);
  int fd = mkstemp(b->mf_tmp); /* mode 0600: it names cases and quotes their problems */
  if (fd >= 0 && b->group_readable) (void)fchmod(fd, 0640); /* a team's shared drive, when asked */
  if (fd < 0 || !(b->mf = fdopen(fd, "w"))) {
    sd_diag_error(d, "io.write", b->manifest, 0, 0, NULL, "cannot write the manifest: %s", strerror(errno));
    if (fd >= 0) {
      close(fd);
      unlink(b->mf_tmp);
    }
    free(b->mf_tmp);
    b->mf_tmp = NULL;
    return -1;
  }
  return 0;
}

/* The manifest appears complete, or not at all: temporary file, fsync, rename. */
int sd_batch_manifest_close(struct sd_batch *b, sd_diags *d)
{
  if (!b->mf) return 0;
  if (b->mf == stdout) {
    b->mf = NULL;
    return fflush(stdout) != 0 || b->mf_err ? -1 : 0;
  }
  int bad = fflush(b->mf) != 0 || ferror(b->mf) || b->mf_err || fsync(fileno(b->mf)) != 0;
  int saved = errno;
  if (fclose(b->mf) != 0) bad = 1;
  b->mf = NULL;
  if (!bad && rename(b->mf_tmp, b->manifest) != 0) {
    saved = errno;
    bad = 1;
  }
  if (bad) {
    sd_diag_error(d, "io.write", b->manifest, 0, 0, NULL, "cannot write the manifest: %s", strerror(saved));
    unlink(b->mf_tmp);
  }
  free(b->mf_tmp);
  b->mf_tmp = NULL;
  return bad ? -1 : 0;
}

void sd_batch_manifest_abort(struct sd_batch *b)
{
  if (b->mf && b->mf != stdout) {
    fclose(b->mf);
    unlink(b->mf_tmp);
  }
  b->mf = NULL;
  free(b->mf_tmp);
  b->mf_tmp = NULL;
}

/* ---- reading an earlier one (resume) ---- */

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

/* The 64 hex digits after key (e.g. ",\"sha256\":\""), into out; 0 if found. */
static int hex_after(const char *line, const char *key, char out[65])
{
  const char *k = strstr(line, key);
  if (!k) return -1;
  k += strlen(key);
  for (int i = 0; i < 64; i++)
    if (!((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'a' && k[i] <= 'f'))) return -1;
  if (k[64] != '"') return -1;
  memcpy(out, k, 64);
  out[64] = 0;
  return 0;
}

static int by_prev(const void *a, const void *b)
{
  return strcmp(((const sd_batch_prev *)a)->path, ((const sd_batch_prev *)b)->path);
}

/* Rows of one manifest whose output was whole: status ok, sha256 and
 * fingerprint present. A last line without its newline is incomplete. */
static void load_file(struct sd_batch *b, const char *path, size_t *cap)
{
  size_t len = 0;
  char *text = (char *)sd_batch_read_all(path, (size_t)1 << 30, &len);
  if (!text) return;
  sd_batch_prev_parse(b, text, len, cap);
  free(text);
}

void sd_batch_prev_parse(struct sd_batch *b, char *text, size_t len, size_t *cap)
{
  for (char *line = text, *nl; line < text + len; line = nl + 1) {
    nl = strchr(line, '\n');
    if (!nl) break;
    *nl = 0;
    const char *p = line;
    if (strncmp(p, "{\"case\":", 8) != 0) continue;
    p += 8;
    sd_batch_prev row;
    if (hex_after(line, ",\"sha256\":\"", row.sha) || hex_after(line, ",\"fingerprint\":\"", row.fp)) continue;
    if (!(row.path = json_unstr(&p))) continue;
    if (strncmp(p, ",\"status\":\"ok\",", 15) != 0) {
      free(row.path);
      continue;
    }
    if (b->n_prev == *cap) {
      size_t nc = *cap ? *cap * 2 : 256;
      sd_batch_prev *np = realloc(b->prev, nc * sizeof *np);
      if (!np) {
        free(row.path);
        break;
      }
      b->prev = np;
      *cap = nc;
    }
    b->prev[b->n_prev++] = row;
  }
}

/* The manifest named for this batch, and the temporaries an interrupted
 * batch left beside it (written line by line, so whole lines are good):
 * every row is checked against the bytes on disk before it is trusted. */
void sd_batch_load_prev(struct sd_batch *b)
{
  if (!b->manifest || !strcmp(b->manifest, "-")) return;
  size_t cap = 0;
  load_file(b, b->manifest, &cap);
  const char *slash = strrchr(b->manifest, '/');
  char *dir = slash ? sd_strndup(b->manifest, slash == b->manifest ? 1 : (size_t)(slash - b->manifest)) : sd_strdup(".");
  const char *base = slash ? slash + 1 : b->manifest;
  size_t bl = strlen(base);
  DIR *dp = dir ? opendir(dir) : NULL;
  struct dirent *de;
  while (dp && (de = readdir(dp))) {
    if (strlen(de->d_name) != bl + 11 || strncmp(de->d_name, base, bl) || strncmp(de->d_name + bl, ".tmp-", 5))
      continue;
    char *f = sd_batch_join(dir, de->d_name);
    if (f) load_file(b, f, &cap);
    free(f);
  }
  if (dp) closedir(dp);
  free(dir);
  if (b->n_prev) qsort(b->prev, b->n_prev, sizeof *b->prev, by_prev);
}

const sd_batch_prev *sd_batch_find_prev(const struct sd_batch *b, const char *path, const char *fp)
{
  if (!b->n_prev) return NULL;
  sd_batch_prev key = { .path = (char *)path };
  const sd_batch_prev *hit = bsearch(&key, b->prev, b->n_prev, sizeof *b->prev, by_prev);
  if (!hit) return NULL;
  /* several rows for one case (the manifest and a temporary): any that matches */
  while (hit > b->prev && !strcmp(hit[-1].path, path)) hit--;
  for (; hit < b->prev + b->n_prev && !strcmp(hit->path, path); hit++)
    if (!strcmp(hit->fp, fp)) return hit;
  return NULL;
}
