/* sendoc serve: a class list as a stranger's spreadsheet. The CSV reader
 * (libcsv, BOM, separator guess, limits) and the column mapping that turns
 * each row into a case file; the first byte picks the mapping. */
// fuzz-extra: cli/serve_csv.c cli/serve_xml.c cli/serve_edit.c cli/serve_spec.c cli/serve_util.c -Icli -lcsv -lcrypto
#include "serve.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  if (n < 1) return 0;
  unsigned pick = d[0];
  sv_table t;
  char msg[300];
  if (sv_csv_parse((const char *)d + 1, n - 1, &t, msg, sizeof msg) != 0) return 0;
  int map[32];
  for (size_t i = 0; i < SV_N_TARGETS; i++) map[i] = (int)((pick + i * 7) % (t.cols + 1)) - 1;
  for (size_t row = 1; row < t.rows; row++) {
    char missing[400], name[300];
    char *xml = sv_csv_case(&t, row, map, "School", "SENCo", missing, sizeof missing, name, sizeof name);
    /* a case made from a row must parse back as XML */
    if (xml) {
      xmlDocPtr doc = sv_xml_parse(xml, strlen(xml));
      if (!doc) abort();
      xmlFreeDoc(doc);
      xmlFree(xml);
    }
  }
  sv_table_free(&t);
  return 0;
}
