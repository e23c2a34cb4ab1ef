#!/usr/bin/env python3
"""known_limits.py accepts only the two measured extractor limits."""
import json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run(doc_lang, strings, expected, pdfjs_text, bad=None):
    d = {"meta": {"doc_lang": doc_lang}, "document_bad_chars": {"pdfjs": bad or {}, "pdftotext": {}},
         "strings": strings}
    with tempfile.TemporaryDirectory() as t:
        e, p = os.path.join(t, "e.json"), os.path.join(t, "p.txt")
        json.dump(expected, open(e, "w", encoding="utf-8"), ensure_ascii=False)
        open(p, "w", encoding="utf-8").write(pdfjs_text)
        r = subprocess.run([sys.executable, os.path.join(HERE, "known_limits.py"), e, p],
                           input=json.dumps(d), capture_output=True, text=True)
    return r.returncode


def s(i, pj, pt, lang_ok=True):
    return {"id": i, "pdfjs": {"found": pj, "in_order": pj, "bad": []},
            "pdftotext": {"found": pt, "in_order": pt, "bad": []}, "lang_check": {"ok": lang_ok}}


exp = [{"lang": "ar", "text": "وسينضمّ المترجم"}]
cases = [
    ("poppler-only miss in Arabic is known", 0, run("ar", [s("ar/0", True, False)], exp, "")),
    ("displaced mark in pdf.js is known", 0, run("ar", [s("ar/0", False, True)], exp, "ّوسينضم المترجم")),
    ("a missing word is not", 1, run("ar", [s("ar/0", False, True)], exp, "وسينضم")),
    ("an English document never is", 1, run("en-GB", [s("ar/0", True, False)], exp, "")),
    ("a wrong /Lang never is", 1, run("ar", [s("ar/0", True, False, lang_ok=False)], exp, "")),
]
bad = [name for name, want, got in cases if want != got]
for name in bad:
    print("FAIL:", name)
print(f"known_limits: {len(cases) - len(bad)} passed, {len(bad)} failed")
sys.exit(1 if bad else 0)
