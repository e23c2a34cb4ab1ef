#!/usr/bin/env python3
"""strict_summary.py fails exactly the gated document x reader pairs that fail."""
import json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
READERS = ["pdfjs", "poppler", "mupdf", "pdfminer", "structtree"]


def doc(failing=(), lang_ok=True, bad=None, missing_tool=None):
    """A text_roundtrip --json result: one string, the readers in failing fail it."""
    res = {r: {"verdict": "FAIL(rev)" if r in failing else "ok"} for r in READERS}
    tools = {r: {"status": "ok"} for r in READERS}
    if missing_tool:
        tools[missing_tool] = {"status": "missing", "message": "apt-get install it"}
    return {"tools": tools, "strings": [{"id": "ar/0", "results": res, "lang_check": {"ok": lang_ok, "found": ["ar"]}}],
            "bad_chars_by_reader": {r: (bad if r == "pdfjs" and bad else {}) for r in READERS}}


def run(docs, gate):
    with tempfile.TemporaryDirectory() as t:
        for name, d in docs.items():
            json.dump(d, open(os.path.join(t, name + ".strict.json"), "w"))
        g = os.path.join(t, "gate.txt")
        open(g, "w").write(gate)
        rec = os.path.join(t, "rec.txt")
        r = subprocess.run([sys.executable, os.path.join(HERE, "strict_summary.py"), t, g, "--record", rec],
                           capture_output=True, text=True)
        return r.returncode, r.stdout, open(rec).read()


N = "ehcp-ar-standard"
cases = []
rc, out, rec = run({N: doc(failing=("mupdf", "pdfminer"))}, "%s poppler structtree pdfjs  # passes today\n" % N)
cases.append(("gated readers that pass: exit 0", rc == 0 and "1 failed" not in out))
cases.append(("table counts per reader and language", "mupdf" in out and "0/1" in out and "ar" in out))
cases.append(("--record lists today's passes", ("%s pdfjs poppler structtree" % N) in rec))
rc, out, _ = run({N: doc(failing=("poppler",))}, "%s poppler\n" % N)
cases.append(("a gated reader that fails: exit 1 and says which", rc == 1 and "FAIL strict %s poppler" % N in out))
rc, _, _ = run({N: doc(lang_ok=False)}, "%s structtree\n" % N)
cases.append(("a wrong /Lang fails structtree", rc == 1))
rc, _, _ = run({N: doc(bad={"U+FFFD": 1})}, "%s pdfjs\n" % N)
cases.append(("bad characters fail their reader", rc == 1))
rc, _, _ = run({N: doc(missing_tool="mupdf")}, "%s mupdf\n" % N)
cases.append(("a missing reader fails", rc == 1))
rc, _, _ = run({N: doc()}, "%s poppler\nreview-record-ur-standard poppler\n" % N)
cases.append(("a gated document the matrix did not make fails", rc == 1))
rc, _, _ = run({N: doc(failing=READERS)}, "# nothing gated yet\n")
cases.append(("ungated failures are reported, not fatal", rc == 0))
# a dropped line-end hyphen is no longer accepted here: reader_limits.py
# proves it (poppler-line-end-hyphen) from where MuPDF shows the line break
d = doc()
d["strings"][0]["results"]["poppler"] = {"verdict": "FAIL(ws)", "differences": [
    {"kind": "differs", "expected": "-", "got": ""}]}
rc, _, _ = run({N: d}, "%s poppler\n" % N)
cases.append(("a dropped hyphen without reader_limits' proof fails", rc == 1))
# table_limits.py's proof (NAME.known beside the result) turns ORDER into known
with tempfile.TemporaryDirectory() as t:
    d = doc()
    d["strings"][0]["results"]["pdfminer"] = {"verdict": "ORDER"}
    json.dump(d, open(os.path.join(t, N + ".strict.json"), "w"))
    open(os.path.join(t, "gate.txt"), "w").write("%s pdfminer\n" % N)
    r1 = subprocess.run([sys.executable, os.path.join(HERE, "strict_summary.py"), t, os.path.join(t, "gate.txt")],
                        capture_output=True, text=True).returncode
    open(os.path.join(t, N + ".known"), "w").write("KNOWN: pdfminer ORDER in table cells\n")
    r2 = subprocess.run([sys.executable, os.path.join(HERE, "strict_summary.py"), t, os.path.join(t, "gate.txt")],
                        capture_output=True, text=True).returncode
cases.append(("pdfminer ORDER fails the gate, unless table_limits.py proved it", r1 == 1 and r2 == 0))
# reader_limits.py's LIMIT lines (NAME.limits) cover exactly the misses they name
def with_limits(limits, failing=("poppler",), ids=("ar/0",)):
    with tempfile.TemporaryDirectory() as t:
        d = doc()
        d["strings"] = [{"id": i, "lang_check": {"ok": True},
                         "results": {r: {"verdict": "FAIL(ws)" if r in failing else "ok"} for r in READERS}}
                        for i in ids]
        json.dump(d, open(os.path.join(t, N + ".strict.json"), "w"))
        open(os.path.join(t, "gate.txt"), "w").write("%s poppler\n" % N)
        if limits is not None:
            open(os.path.join(t, N + ".limits"), "w").write(limits)
        return subprocess.run([sys.executable, os.path.join(HERE, "strict_summary.py"), t, os.path.join(t, "gate.txt")],
                              capture_output=True, text=True).returncode
cases.append(("a poppler miss fails its gate without a proof", with_limits(None) == 1))
cases.append(("... and passes once reader_limits.py proved it", with_limits("LIMIT poppler-separator: ar/0 poppler\n") == 0))
cases.append(("... not when the proof names another reader",
              with_limits("LIMIT zwnj-before-letter: ar/0 mupdf\n") == 1))
cases.append(("... not when another string's miss is unproved",
              with_limits("LIMIT poppler-separator: ar/0 poppler\nFAIL ar/1 poppler: FAIL\n", ids=("ar/0", "ar/1")) == 1))
bad = [name for name, ok in cases if not ok]
for name in bad:
    print("strict_summary test failed:", name)
print("strict_summary: %d passed, %d failed" % (len(cases) - len(bad), len(bad)))
sys.exit(1 if bad else 0)
