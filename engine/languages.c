/* The languages an engine's data folder can make documents in: the public
 * face of locale.c's catalogue listing, so that the CLI's `sendoc locales`
 * and the web workspace's language picker (and integrators) share one list
 * and a new catalogue shows up in both without a code change. */
#include <stdio.h> /* before locale.h: case.h uses FILE */
#include "engine_int.h"
#include "locale.h"
#include <limits.h>
#include <stdlib.h>

sd_status sd_engine_languages(sd_engine *e, sd_language_info **out, size_t *n, sd_diags *d)
{
  if (!e || !out || !n) return SD_E_USAGE;
  *out = NULL;
  *n = 0;
  char dir[PATH_MAX];
  if (snprintf(dir, sizeof dir, "%s/locales", sd_engine_data_dir(e)) >= (int)sizeof dir) {
    sd_diag_error(d, "resource.data-dir", NULL, 0, 0, NULL, "the data folder's path is too long");
    return SD_E_RESOURCE;
  }
  sd_locale_info *list = NULL;
  size_t k = 0;
  sd_status st = sd_locale_list(dir, &list, &k, d);
  if (st != SD_OK) return st; /* sd_locale_list said why */
  if (k == 0) {
    sd_diag_error(d, "resource.data-dir", NULL, 0, 0, NULL, "no compiled catalogues (.res) in %s", dir);
    return SD_E_RESOURCE;
  }
  sd_language_info *langs = calloc(k, sizeof *langs);
  if (!langs) {
    sd_locale_list_free(list, k);
    return SD_E_NOMEM;
  }
  /* the strings move over; the ICU ids (file names) are not part of the API */
  for (size_t i = 0; i < k; i++) {
    langs[i] = (sd_language_info){ list[i].tag, list[i].name, list[i].english_name, list[i].status };
    free(list[i].id);
  }
  free(list);
  *out = langs;
  *n = k;
  return SD_OK;
}

void sd_languages_free(sd_language_info *list, size_t n)
{
  if (!list) return;
  for (size_t i = 0; i < n; i++) {
    free((char *)list[i].tag);
    free((char *)list[i].name);
    free((char *)list[i].english_name);
    free((char *)list[i].status);
  }
  free(list);
}
