/* Reading a file the user named (a Markdown note), bounded and without ever
 * blocking: a FIFO, device or socket is refused before anything is read. */
#include "cli.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *type_phrase(mode_t m)
{
  if (S_ISDIR(m)) return "it is a folder, not a file";
  if (S_ISFIFO(m)) return "it is a named pipe (FIFO), not a file";
  if (S_ISCHR(m) || S_ISBLK(m)) return "it is a device, not a file";
  if (S_ISSOCK(m)) return "it is a socket, not a file";
  return "it is not a regular file";
}

unsigned char *cli_read_bounded(const char *path, size_t cap, size_t *len, const char **why, int *too_big)
{
  *why = NULL;
  *too_big = 0;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    *why = strerror(errno);
    return NULL;
  }
  struct stat sb;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    *why = fstat(fd, &sb) != 0 ? strerror(errno) : type_phrase(sb.st_mode);
    close(fd);
    return NULL;
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  unsigned char *buf = malloc(cap + 2);
  size_t n = 0;
  while (buf && n <= cap) {
    ssize_t k = read(fd, buf + n, cap + 1 - n);
    if (k < 0 && errno == EINTR) continue;
    if (k < 0) {
      *why = strerror(errno);
      free(buf);
      buf = NULL;
      break;
    }
    if (k == 0) break;
    n += (size_t)k;
  }
  close(fd);
  if (!buf) {
    if (!*why) *why = "out of memory";
    return NULL;
  }
  if (n > cap) {
    *too_big = 1;
    *why = "it is larger than the limit";
    free(buf);
    return NULL;
  }
  buf[n] = 0;
  *len = n;
  return buf;
}
