#!/usr/bin/env python3
"""Self-tests of the generator and the harness's checks (python3 tests/gen/test_gen.py):
the checks must be able to fail."""
import os
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import expect  # noqa: E402
import gen  # noqa: E402
import run  # noqa: E402

XSD = os.path.join(ROOT, "engine", "schema", "case.xsd")


def write(text):
    f = tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False, encoding="utf-8")
    f.write(text)
    f.close()
    return f.name


def read(path):
    with open(path, "rb") as f:
        return f.read()


CASE = """<?xml version="1.0" encoding="UTF-8"?>
<case version="1" xml:lang="en-GB">
  <child><legal-name>Ava Grace</legal-name><preferred-name>Ava</preferred-name>
    <preferred-name xml:lang="ur">آوا</preferred-name></child>
  <strengths><item>Kind</item><item>Funny</item><item xml:lang="ur">مزاحیہ</item></strengths>
  <provision>
    <item need="n1" outcome="o1"><what>Timetable</what><frequency>Daily</frequency></item>
  </provision>
  <plan status="draft"><plan-date>2025-01-01</plan-date></plan>
</case>
"""


class Expect(unittest.TestCase):
    def test_fields_in_sections_and_translations(self):
        path = write(CASE)
        tpl = ("---\ntitle: x\n---\n\n# {{child.preferred-name}}\n\n{{#each strengths}}\n\n- {{.}}\n\n{{/each}}\n\n"
               "{{#each provision}}| {{what}} | {{group-size}} |{{/each}}\n\n"
               "{{#if plan.status == \"final\"}}{{child.legal-name}}{{else}}draft{{/if}}\n\n"
               "![{{child.legal-name}}](x.png)\n")
        self.assertEqual(expect.values(tpl, path, "en-GB"),
                         [("child.preferred-name", "Ava"), (".", "Kind"), (".", "Funny"), ("what", "Timetable")])
        self.assertEqual(expect.values(tpl, path, "ur")[:3],
                         [("child.preferred-name", "آوا"), (".", "Kind"), (".", "مزاحیہ")])
        os.unlink(path)

    def test_boolean_zero_is_false(self):
        path = write(CASE.replace("<strengths>", "<local-authority>0</local-authority><strengths>"))
        self.assertEqual(expect.values("{{#if local-authority}}{{child.legal-name}}{{/if}}", path, "en-GB"), [])
        os.unlink(path)


class Checks(unittest.TestCase):
    def test_lacks(self):
        path = write(CASE)
        self.assertTrue(run.lacks(path, 9, 3, "issue-date"))      # <plan> has no <issue-date>
        self.assertFalse(run.lacks(path, 9, 3, "plan-date"))      # it has a <plan-date>
        self.assertFalse(run.lacks(path, 9, 3, "status"))         # nor lacks its attribute
        self.assertTrue(run.lacks(path, 2, 1, "meetings"))
        self.assertFalse(run.lacks(path, 2, 1, "child"))
        self.assertFalse(run.lacks(path, 99, 1, "x"))             # no such line
        os.unlink(path)

    def test_text_matching(self):
        self.assertEqual(run.norm(" a\u202bb\u202c c\n"), "abc")
        page_break = run.norm("a long paragraph\nSchool name\nPage 1 of 2\n\f ends here")
        self.assertTrue(run.gapped("long paragraph ends here").search(page_break))
        self.assertFalse(run.gapped("long paragraph ends there").search(page_break))
        self.assertTrue(run.gapped("Gęślą źrebię").search(run.norm("Gęślą\n\nখ\n\nźrebię")))
        self.assertFalse(run.gapped("Gęślą źrebię").search(run.norm("Gęślą and a long line between źrebię")))
        self.assertEqual(run.core("_x_"), "x")
        self.assertTrue(run.has_rtl("a محمد") and not run.has_rtl("abc"))


class Generator(unittest.TestCase):
    def test_reproducible_and_covering(self):
        with tempfile.TemporaryDirectory() as d:
            outs = []
            for k in range(2):
                o = os.path.join(d, str(k))
                sys.argv = ["gen.py", "--xsd", XSD, "--seed", "3", "--count", "12", "--out", o]
                gen.main()
                outs.append(sorted((os.path.relpath(os.path.join(p, f), o), read(os.path.join(p, f)))
                                   for p, _, fs in os.walk(o) for f in fs))
            self.assertEqual(outs[0], outs[1])
            files = [os.path.join(d, "0", n) for n, _ in outs[0] if n.endswith(".xml")]
            gaps, cov = gen.coverage(XSD, files)
            self.assertGreater(cov["optional"], 20)
            self.assertTrue(gaps)  # 12 cases cannot cover every enumeration value: the check can fail


if __name__ == "__main__":
    unittest.main(verbosity=1)
