/* sendoc serve: a submitted form applied to a case. Input lines are
 * "key=value" fields (t/PATH, a/PATH/attr, n/PATH/name, op=add/...,
 * tr/PATH) as a browser, or an attacker, could post them; they are applied
 * by the editor and the translation view to a small case, and the result
 * must serialise and parse again. */
// fuzz-extra: cli/serve_xml.c cli/serve_edit.c cli/serve_spec.c cli/serve_util.c -Icli -lcrypto
#include "serve.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char CASE[] =
    "<?xml version=\"1.0\"?>\n<case version=\"1\" xml:lang=\"en-GB\">\n  <child>\n    <legal-name>A B</legal-name>\n"
    "    <preferred-name>A</preferred-name>\n    <preferred-name xml:lang=\"ur\">ا</preferred-name>\n"
    "    <date-of-birth>2018-01-01</date-of-birth>\n  </child>\n  <!-- keep -->\n  <family><home-language>ur</home-language>"
    "<interpreter-needed>true</interpreter-needed><contact id=\"m\"><name>M</name><relationship>mother</relationship>"
    "<address-as>Ms B</address-as></contact></family>\n  <school><name>S</name><senco><name>T</name></senco></school>\n"
    "  <sen-status>K</sen-status>\n  <needs><need id=\"n1\" type=\"MLD\">x</need></needs>\n"
    "  <strengths><item>one</item><item xml:lang=\"ur\">ایک</item><item>two</item></strengths>\n"
    "  <important-to-me><item>x</item></important-to-me><how-to-support><item>x</item></how-to-support>\n"
    "  <child-views><quote>x</quote></child-views>\n</case>\n";

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
  sv_form f = { 0 };
  const char *p = (const char *)d, *end = p + n;
  while (p < end && f.n < 64) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *line_end = nl ? nl : end;
    const char *eq = memchr(p, '=', (size_t)(line_end - p));
    if (eq) {
      char key[128];
      size_t kl = (size_t)(eq - p) < sizeof key - 1 ? (size_t)(eq - p) : sizeof key - 1;
      memcpy(key, p, kl);
      key[kl] = 0;
      if (!memchr(key, 0, kl)) sv_form_add(&f, key, NULL, eq + 1, (size_t)(line_end - eq - 1), 0, 1u << 20);
    }
    p = nl ? nl + 1 : end;
  }
  xmlDocPtr doc = sv_xml_parse(CASE, sizeof CASE - 1);
  char msg[200], anchor[300];
  sv_edit_apply(doc, &f, msg, sizeof msg, anchor, sizeof anchor);
  sv_edit_translate(doc, &f, "ur", msg, sizeof msg);
  size_t len = 0;
  char *out = sv_xml_dump(doc, &len);
  xmlDocPtr again = out ? sv_xml_parse(out, len) : NULL;
  if (!again) abort(); /* a save must always be well-formed XML */
  /* the comment no field names survives every edit */
  if (!strstr(out, "<!-- keep -->")) abort();
  xmlFreeDoc(again);
  xmlFree(out);
  xmlFreeDoc(doc);
  sv_form_free(&f);
  return 0;
}
