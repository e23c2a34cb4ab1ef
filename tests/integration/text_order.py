#!/usr/bin/env python3
"""The poppler-only text check: what pdftotext gives back of EXPECTED, in order.

usage: text_order.py FILE.pdf EXPECTED.json
EXPECTED.json is the text_roundtrip format: [{"lang": .., "text": ..}, ...].

It runs the accessibility kit's own matcher (text_roundtrip.py --readers
poppler, from ../shared/a11y beside the clone, else the project's copy in
tests/a11y), so wrapping, hyphenation and whitespace are judged exactly as in
CI. It needs no node and no pdf.js, so `make check` runs it anywhere.

What poppler gets right, and this checks:
  - every string of a left-to-right document, exactly and in order;
  - no bad characters (U+FFFD, private use, presentation forms) anywhere;
  - in a right-to-left document (the Catalog's /Lang), every string it finds, and every word (run of
    letters and digits, marks set aside) of every other string, somewhere in
    the text (pdftotext may glue a number run to the word beside it).
What poppler alone cannot show: the order of runs inside a right-to-left
line. pdftotext leaves number runs, Latin runs and the punctuation at their
edges in visual order, and one string out of place puts every later one
"before" it. Those misses are accepted only by known_limits.py, which needs
pdf.js's reading of the same document; here they are counted, printed as
"UNCHECKED: N ..." and not passed: the caller names them as not run.
Exit 0 when nothing failed (unchecked strings included), 1 otherwise.
"""
import json, os, re, subprocess, sys, unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RTL = ("ar", "ur", "fa", "ps", "he", "yi", "sd", "ug", "ckb", "pa-Arab")


def kit():
    for d in (os.environ.get("A11Y_KIT"), os.path.join(ROOT, "..", "shared", "a11y"),
              os.path.join(ROOT, "tests", "a11y")):
        if d and os.path.isfile(os.path.join(d, "text_roundtrip.py")):
            return os.path.join(d, "text_roundtrip.py")
    sys.exit("text_order.py: no text_roundtrip.py in ../shared/a11y or tests/a11y")


def is_rtl(lang):
    return any(lang == t or lang.startswith(t + "-") for t in RTL)


def doc_lang(pdf):
    """The document's language: the Catalog's /Lang, read through qpdf."""
    p = subprocess.run(["qpdf", "--json=2", "--json-key=qpdf", pdf], capture_output=True, text=True)
    try:
        objs = json.loads(p.stdout)["qpdf"][1]
        cat = objs["obj:" + objs["trailer"]["value"]["/Root"]]["value"]
        lang = cat.get("/Lang", "")
    except (ValueError, KeyError, IndexError, TypeError):
        return ""
    return lang[2:] if lang.startswith(("u:", "b:")) else lang


def bare(s):
    """Letters and digits only: NFD, marks, bidi controls and tatweel dropped."""
    s = unicodedata.normalize("NFD", s)
    return "".join(c for c in s if unicodedata.category(c) not in ("Mn", "Cf") and c != "\u0640")


def words(s):
    return re.findall(r"[^\W_]+", bare(s))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    pdf, exp = sys.argv[1], sys.argv[2]
    expected = json.load(open(exp, encoding="utf-8"))
    doc_rtl = is_rtl(doc_lang(pdf))
    p = subprocess.run([sys.executable, kit(), pdf, exp, "--readers", "poppler", "--json"],
                       capture_output=True, text=True)
    try:
        d = json.loads(p.stdout)
    except ValueError:
        print(f"{pdf}: text_roundtrip.py gave no report (exit {p.returncode}): {p.stderr.strip()[-300:]}")
        return 1
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], check=True,
                          capture_output=True, text=True).stdout
    have = re.sub(r"\s+", "", bare(text))
    bad = unchecked = 0
    if any(d["document_bad_chars"].values()):
        print(f"{pdf}: bad characters in pdftotext's text: {d['document_bad_chars']}")
        bad += 1
    for s, e in zip(d["strings"], expected):
        r = s["results"]["poppler"]
        if r.get("bad"):
            print(f"{pdf}: {s['id']}: bad characters {r['bad']}")
            bad += 1
        if r["found"] and r["in_order"]:
            continue
        lost = [w for w in words(e["text"]) if w not in have]
        if doc_rtl and not lost:
            unchecked += 1
            continue
        why = r.get("why", "not found")
        print(f"{pdf}: {s['id']}: {why}" + (f"; words missing: {' '.join(lost[:5])}" if lost else ""))
        bad += 1
    if unchecked:
        print(f"UNCHECKED: {unchecked} right-to-left strings whose run order only pdf.js can confirm")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
