/* The one table from library status to exit code (documented in sendoc.1). */
#include "cli.h"

int cli_exit_code(sd_status st)
{
  switch (st) {
  case SD_OK: return EXIT_OK;
  case SD_E_INPUT:
  case SD_E_LIMIT:
  case SD_E_TIMEOUT: return EXIT_INPUT; /* one case's content took too long */
  case SD_E_USAGE: return EXIT_USAGE;
  case SD_E_IO:
  case SD_E_NOMEM:
  case SD_E_FONT:
  case SD_E_RESOURCE:
  case SD_E_INTERNAL:
  case SD_E_CANCELLED: return EXIT_ENV;
  }
  return EXIT_ENV;
}
