/* sendoc serve [WORKSPACE]: a SENCo's workspace in the browser. Starts
 * libmicrohttpd on 127.0.0.1 (or --listen ADDR), prints the address with
 * this start's access token, and serves until interrupted. */
#include "serve.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libxml/parser.h>
#include <limits.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void *sv_http_start(sv_server *s, int listen_fd, unsigned threads);
void sv_http_stop(void *daemon);

/* A listening TCP socket on sa, or -1; *port receives the port bound. */
static int listen_on(struct sockaddr_in *sa, unsigned *port)
{
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in got;
  socklen_t gl = sizeof got;
  if (bind(fd, (struct sockaddr *)sa, sizeof *sa) != 0 || listen(fd, 64) != 0 ||
      getsockname(fd, (struct sockaddr *)&got, &gl) != 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(got.sin_port);
  return fd;
}

static const char *const WEB_FILES[4] = { "app.css", "app.js", NULL, NULL };

static int load_web(sv_server *s, const char *data_dir)
{
  for (int i = 0; WEB_FILES[i]; i++) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/web/%s", data_dir, WEB_FILES[i]);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
      fprintf(stderr, "sendoc serve: cannot read %s (is the data folder complete?)\n", path);
      return -1;
    }
    s->web[i] = malloc(1u << 20);
    s->web_len[i] = s->web[i] ? fread(s->web[i], 1, 1u << 20, fp) : 0;
    fclose(fp);
  }
  return 0;
}

const char *sv_web_file(const sv_server *s, const char *name, size_t *len);
const char *sv_web_file(const sv_server *s, const char *name, size_t *len)
{
  for (int i = 0; WEB_FILES[i]; i++)
    if (strcmp(WEB_FILES[i], name) == 0 && s->web[i]) {
      *len = s->web_len[i];
      return s->web[i];
    }
  return NULL;
}

int cmd_serve(int argc, char **argv)
{
  static const struct option opts[] = {
    { "port", required_argument, NULL, 'p' },   { "listen", required_argument, NULL, 'L' },
    { "today", required_argument, NULL, 'T' },  { "log", no_argument, NULL, 'g' },
    { "threads", required_argument, NULL, 'j' }, CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 }
  };
  cli_common com = { 0 };
  long port = 8470;
  unsigned threads = 4;
  const char *listen_addr = NULL;
  sv_server s = { .ws_fd = -1, .max_body = 1u << 20, .max_upload = 2u << 20, .preview_dpi = 75,
                  .preview_timeout_ms = 20000 };
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "p:j:", opts, NULL)) != -1) {
    switch (c) {
    case 'p': {
      char *end;
      port = strtol(optarg, &end, 10);
      if (*end || port < 0 || port > 65535) return cli_usage_error("serve", "--port takes 0 to 65535");
      break;
    }
    case 'L': listen_addr = optarg; break;
    case 'T':
      if (strlen(optarg) != 10 || optarg[4] != '-' || optarg[7] != '-')
        return cli_usage_error("serve", "--today takes YYYY-MM-DD");
      s.today = optarg;
      break;
    case 'g': s.log = true; break;
    case 'j': threads = (unsigned)atoi(optarg); break;
    case OPT_HELP: cli_print_help("serve", stdout); return EXIT_OK;
    default:
      if (cli_common_option(&com, c, optarg) != 1) return cli_usage_error("serve", "bad option");
    }
  }
  if (threads < 1 || threads > 64) return cli_usage_error("serve", "--threads takes 1 to 64");
  if (argc - optind > 1) return cli_usage_error("serve", "give one workspace folder");
  const char *ws = optind < argc ? argv[optind] : ".";

  char real[PATH_MAX];
  if (!realpath(ws, real)) {
    fprintf(stderr, "sendoc serve: cannot open the workspace %s: %s\n", ws, strerror(errno));
    return EXIT_ENV;
  }
  s.ws_fd = open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (s.ws_fd < 0) {
    fprintf(stderr, "sendoc serve: the workspace %s is not a folder I can read\n", ws);
    return EXIT_ENV;
  }
  s.ws_path = real;
  umask(077); /* case files, history and temporary files: 0600 */

  struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
  const char *host = listen_addr ? listen_addr : "127.0.0.1";
  if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
    close(s.ws_fd);
    return cli_usage_error("serve", "--listen takes an IPv4 address of this machine, e.g. 192.168.1.20");
  }
  s.listen_any = listen_addr != NULL;
  snprintf(s.listen_host, sizeof s.listen_host, "%s", host);

  int code = EXIT_OK;
  char dbuf[PATH_MAX + 32];
  const char *data_dir = cli_data_dir(&com, dbuf, sizeof dbuf);
  s.engine = cli_engine(&com, &code);
  sd_diags *ld = s.engine ? sd_diags_new() : NULL;
  if (ld && sd_engine_languages(s.engine, &s.langs, &s.n_langs, ld) != SD_OK) cli_print_diags(ld, &com);
  sd_diags_free(ld);
  if (!s.engine || !s.langs || load_web(&s, data_dir) != 0) {
    close(s.ws_fd);
    sd_languages_free(s.langs, s.n_langs);
    sd_engine_free(s.engine);
    return s.engine ? EXIT_ENV : code;
  }
  if (sv_random_hex(s.token, 32) || sv_random_hex(s.csrf, 32)) {
    fprintf(stderr, "sendoc serve: no randomness for the access token\n");
    return EXIT_ENV;
  }
  xmlInitParser(); /* once, before the request threads parse case files */
  pthread_mutex_init(&s.save_lock, NULL);
  pthread_mutex_init(&s.cache_lock, NULL);

  /* the handler threads inherit a mask without SIGINT/SIGTERM; main waits for them */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  int lfd = listen_on(&sa, &s.port);
  if (lfd < 0 && port == 8470) { /* the default port is taken: any free one */
    sa.sin_port = 0;
    lfd = listen_on(&sa, &s.port);
  }
  void *d = NULL;
  if (lfd >= 0) {
    snprintf(s.host_ok[0], sizeof s.host_ok[0], "127.0.0.1:%u", s.port);
    snprintf(s.host_ok[1], sizeof s.host_ok[1], "localhost:%u", s.port);
    if (listen_addr) snprintf(s.host_ok[2], sizeof s.host_ok[2], "%s:%u", host, s.port);
    d = sv_http_start(&s, lfd, threads);
  }
  if (!d) {
    fprintf(stderr, "sendoc serve: cannot listen on %s:%ld\n", host, port);
    code = EXIT_ENV;
  } else {
    printf("sendoc serve: open http://%s:%u/?token=%s\n", host, s.port, s.token);
    printf("sendoc serve: workspace %s; press Ctrl+C to stop\n", real);
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    sv_http_stop(d);
    fprintf(stderr, "sendoc serve: stopped\n");
  }
  if (!d && lfd >= 0) close(lfd); /* a running daemon closes its listening socket itself */
  sv_renders_free(&s);
  sv_imports_free(&s);
  for (int i = 0; i < 4; i++) free(s.web[i]);
  pthread_mutex_destroy(&s.save_lock);
  pthread_mutex_destroy(&s.cache_lock);
  sd_languages_free(s.langs, s.n_langs);
  sd_engine_free(s.engine);
  close(s.ws_fd);
  return code;
}
