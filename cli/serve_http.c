/* sendoc serve: connections. libmicrohttpd's internal thread pool accepts and
 * reads; every request passes, in order: the Host check (DNS rebinding), the
 * access token (cookie, or the printed address's ?token= turned into one),
 * bounded bodies, and a CSRF token on every change. Every answer carries a
 * Content-Security-Policy without inline script, nosniff, no framing, no
 * caching. Logs (only with --log) hold the method, the route's first word and
 * the status: never a case name, a query or a body. */
#include "serve.h"
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct conn_ctx {
  sv_req req;
  struct MHD_PostProcessor *pp;
  size_t seen;
  bool too_big, bad_form;
} conn_ctx;

static const char CSP[] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                          "form-action 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

static enum MHD_Result send_resp(struct MHD_Connection *c, const sv_server *s, sv_resp *o, const char *method,
                                 const char *path)
{
  struct MHD_Response *r;
  if (o->bin) {
    if (o->bin_owner)
      r = MHD_create_response_from_buffer_with_free_callback(o->bin_len, (void *)o->bin, free);
    else r = MHD_create_response_from_buffer(o->bin_len, (void *)o->bin, MHD_RESPMEM_MUST_COPY);
    o->bin_owner = NULL;
  } else {
    r = MHD_create_response_from_buffer(o->body.n, o->body.p ? o->body.p : (char *)"", MHD_RESPMEM_MUST_COPY);
  }
  if (!r) return MHD_NO;
  MHD_add_response_header(r, "Content-Type", o->type ? o->type : "text/html; charset=utf-8");
  MHD_add_response_header(r, "Content-Security-Policy", CSP);
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "X-Frame-Options", "DENY");
  MHD_add_response_header(r, "Referrer-Policy", "same-origin");
  MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
  MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
  MHD_add_response_header(r, "Cache-Control", "no-store");
  if (o->location[0]) MHD_add_response_header(r, "Location", o->location);
  if (o->disposition[0]) MHD_add_response_header(r, "Content-Disposition", o->disposition);
  if (o->etag[0]) MHD_add_response_header(r, "ETag", o->etag);
  if (o->timing[0]) MHD_add_response_header(r, "Server-Timing", o->timing);
  enum MHD_Result ret = MHD_queue_response(c, o->status ? o->status : 200, r);
  MHD_destroy_response(r);
  if (s->log) {
    /* the route's first word only: a case id is a child's name */
    char word[24] = "";
    sscanf(path, "/%23[a-z]", word);
    fprintf(stderr, "sendoc serve: %s /%s %u\n", method, word, o->status ? o->status : 200);
  }
  sv_buf_free(&o->body);
  return ret;
}

static enum MHD_Result plain(struct MHD_Connection *c, const sv_server *s, unsigned status, const char *title,
                             const char *msg, const char *method, const char *path)
{
  sv_resp o = { 0 };
  sv_error_page(&o, s, status, title, msg);
  return send_resp(c, s, &o, method, path);
}

static enum MHD_Result post_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                                 const char *content_type, const char *transfer_encoding, const char *data,
                                 uint64_t off, size_t size)
{
  conn_ctx *x = cls;
  size_t max = x->req.s->max_upload;
  if (sv_form_add(&x->req.form, key ? key : "", filename, data ? data : "", size, (size_t)off, max) != 0) {
    x->too_big = true;
    return MHD_NO;
  }
  return MHD_YES;
}

static bool host_ok(const sv_server *s, const char *host)
{
  if (!host) return false;
  for (int i = 0; i < 3; i++)
    if (s->host_ok[i][0] && strcmp(s->host_ok[i], host) == 0) return true;
  return false;
}

/* The session cookie holds the access token itself: HttpOnly, SameSite=Strict. */
static bool authorised(struct MHD_Connection *c, const sv_server *s)
{
  const char *cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "sendoc");
  return sv_secret_eq(cookie, s->token);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
  sv_server *s = cls;
  conn_ctx *x = *con_cls;
  bool is_post = strcmp(method, "POST") == 0;
  if (!x) {
    /* DNS rebinding: another site's name resolving to 127.0.0.1 sends its own Host */
    if (!host_ok(s, MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host")))
      return plain(c, s, 421, "Wrong address", "This server answers only at the address sendoc serve printed.", method, url);
    if (strcmp(method, "GET") && strcmp(method, "HEAD") && !is_post)
      return plain(c, s, 405, "Not allowed", "Only GET and POST are used here.", method, url);
    const char *tok = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
    if (tok && !is_post) {
      if (!sv_secret_eq(tok, s->token))
        return plain(c, s, 403, "Wrong access token", "Open the address sendoc serve printed when it started.", method, url);
      sv_resp o = { .status = 303 };
      snprintf(o.location, sizeof o.location, "/");
      struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
      char cookie[160];
      snprintf(cookie, sizeof cookie, "sendoc=%s; HttpOnly; SameSite=Strict; Path=/", s->token);
      MHD_add_response_header(r, "Set-Cookie", cookie);
      MHD_add_response_header(r, "Location", "/");
      MHD_add_response_header(r, "Content-Security-Policy", CSP);
      MHD_add_response_header(r, "Referrer-Policy", "same-origin");
      MHD_add_response_header(r, "Cache-Control", "no-store");
      enum MHD_Result ret = MHD_queue_response(c, 303, r);
      MHD_destroy_response(r);
      return ret;
    }
    if (!authorised(c, s))
      return plain(c, s, 403, "Access token needed",
                   "Open the address sendoc serve printed when it started: it holds this session's access token.", method, url);
    if (is_post) {
      const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
      if (cl && strtoull(cl, NULL, 10) > s->max_upload)
        return plain(c, s, 413, "Too large", "That is more than this server accepts in one request.", method, url);
    }
    x = calloc(1, sizeof *x);
    if (!x) return MHD_NO;
    x->req.s = s;
    x->req.conn = c;
    x->req.method = method;
    x->req.path = url;
    x->req.post = is_post;
    if (is_post) {
      x->pp = MHD_create_post_processor(c, 16384, post_iter, x);
      if (!x->pp) x->bad_form = true; /* no or an unknown Content-Type */
    }
    *con_cls = x;
    return MHD_YES;
  }
  if (*upload_size) {
    x->seen += *upload_size;
    if (x->seen > s->max_upload) x->too_big = true;
    if (!x->too_big && !x->bad_form && MHD_post_process(x->pp, upload_data, *upload_size) != MHD_YES && !x->too_big)
      x->bad_form = true;
    *upload_size = 0;
    return MHD_YES;
  }
  if (x->too_big)
    return plain(c, s, 413, "Too large", "That is more than this server accepts in one request.", method, url);
  if (is_post) {
    if (x->bad_form) return plain(c, s, 400, "Bad form", "The form could not be read.", method, url);
    /* CSRF: a form field or, from scripts, a header; plus Origin when the browser sends one */
    const char *tok = sv_form_get(&x->req.form, "csrf");
    if (!tok) tok = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    bool origin_ok = !origin;
    for (int i = 0; origin && i < 3; i++)
      if (s->host_ok[i][0] && !strncmp(origin, "http://", 7) && !strcmp(origin + 7, s->host_ok[i])) origin_ok = true;
    if (!sv_secret_eq(tok, s->csrf) || !origin_ok)
      return plain(c, s, 403, "Form expired",
                   "This form was not made by this session of sendoc serve. Go back, reload the page and try again.", method, url);
  }
  sv_resp o = { 0 };
  sv_route(&x->req, &o);
  return send_resp(c, s, &o, method, url);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
  conn_ctx *x = *con_cls;
  if (!x) return;
  if (x->pp) MHD_destroy_post_processor(x->pp);
  sv_form_free(&x->req.form);
  free(x);
  *con_cls = NULL;
}

const char *sv_query(const sv_req *r, const char *key)
{
  return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

typedef struct qall {
  const char *key;
  const char **out;
  size_t cap, n;
} qall;

static enum MHD_Result q_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
  qall *q = cls;
  if (key && value && strcmp(key, q->key) == 0 && q->n < q->cap) q->out[q->n++] = value;
  return MHD_YES;
}

size_t sv_query_all(const sv_req *r, const char *key, const char **out, size_t cap)
{
  qall q = { key, out, cap, 0 };
  MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, q_iter, &q);
  return q.n;
}

const char *sv_arg(const sv_req *r, const char *key)
{
  const char *v = r->post ? sv_form_get(&r->form, key) : NULL;
  return v ? v : sv_query(r, key);
}

void *sv_http_start(sv_server *s, int listen_fd, unsigned threads);
void sv_http_stop(void *daemon);

/* listen_fd is bound and listening already, so that the port (and so the
 * accepted Host values) is known before the first request thread runs */
void *sv_http_start(sv_server *s, int listen_fd, unsigned threads)
{
  return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL,
                          handler, s, MHD_OPTION_LISTEN_SOCKET, listen_fd, MHD_OPTION_THREAD_POOL_SIZE, threads,
                          MHD_OPTION_CONNECTION_LIMIT, 128u, MHD_OPTION_PER_IP_CONNECTION_LIMIT, 64u,
                          MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
                          MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_END);
}

void sv_http_stop(void *daemon)
{
  MHD_stop_daemon(daemon);
}
