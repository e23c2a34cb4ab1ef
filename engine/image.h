/* image: check a photo before anything decodes it: real PNG or JPEG by its
 * bytes (not its name), complete header, bounded size and pixel count. */
#ifndef SD_IMAGE_H
#define SD_IMAGE_H
#include "diag.h"

typedef struct sd_image_info {
  unsigned width, height;
  int is_png;            /* else JPEG */
} sd_image_info;

/* SD_E_INPUT for an unknown or truncated image, SD_E_LIMIT past lim, SD_E_IO. */
sd_status sd_image_probe(const char *path, const sd_limits *lim, sd_image_info *out,
                         const char *file, int line, int col, sd_diags *d);
#endif
