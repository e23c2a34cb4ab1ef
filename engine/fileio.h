/* fileio: opening the files sendoc reads without ever blocking on them.
 * open(2) on a FIFO waits for a writer, and a read from a terminal or a
 * device may never end; every file the library reads is opened here, checked
 * to be a regular file, and refused otherwise with a reason a person can act on. */
#ifndef SD_FILEIO_H
#define SD_FILEIO_H
#include <stdio.h>
#include <sys/types.h>

/* Opens path read-only with O_NONBLOCK|O_NOCTTY|O_CLOEXEC, fstat()s it,
 * refuses anything but a regular file, then clears O_NONBLOCK. Returns the fd,
 * or -1 with errno set; when the file exists but is not a regular file, *why
 * (if not NULL) is set to a static phrase such as "a named pipe (FIFO), not
 * a file" and errno to EINVAL. *why is NULL for an ordinary open error. */
int sd_open_regular(const char *path, const char **why);
/* The same as a stdio stream ("rb"). */
FILE *sd_fopen_regular(const char *path, const char **why);
/* The phrase for a file type that is not a regular file (st_mode). */
const char *sd_file_type_phrase(mode_t mode);
#endif
