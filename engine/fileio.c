/* fileio: see fileio.h */
#include "fileio.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

const char *sd_file_type_phrase(mode_t mode)
{
  if (S_ISDIR(mode)) return "a folder, not a file";
  if (S_ISFIFO(mode)) return "a named pipe (FIFO), not a file";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device, not a file";
  if (S_ISSOCK(mode)) return "a socket, not a file";
  return "not a regular file";
}

int sd_open_regular(const char *path, const char **why)
{
  if (why) *why = NULL;
  /* O_NONBLOCK: opening a FIFO for reading returns at once instead of
   * waiting for a writer; O_NOCTTY: a terminal never becomes ours */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat sb;
  if (fstat(fd, &sb) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  if (!S_ISREG(sb.st_mode)) {
    close(fd);
    if (why) *why = sd_file_type_phrase(sb.st_mode);
    errno = S_ISDIR(sb.st_mode) ? EISDIR : EINVAL;
    return -1;
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

FILE *sd_fopen_regular(const char *path, const char **why)
{
  int fd = sd_open_regular(path, why);
  if (fd < 0) return NULL;
  FILE *fp = fdopen(fd, "rb");
  if (!fp) {
    int e = errno;
    close(fd);
    errno = e;
  }
  return fp;
}
