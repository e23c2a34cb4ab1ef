#!/usr/bin/env python3
"""Classifies a failed text_roundtrip.py run on a right-to-left document.

usage: text_roundtrip.py PDF EXPECTED --json | known_limits.py EXPECTED.json PDFJS.txt
(PDFJS.txt: reading_order.mjs PDF --text)

Exits 0, printing KNOWN: ..., when every miss is one of two measured
extractor limits and nothing else is wrong (every /Lang right, no bad
characters; PDF/UA was checked before this runs):
  - poppler only: pdftotext rebuilds reading order from glyph positions and,
    in right-to-left lines, leaves number runs and list numbers in visual
    order; pdf.js (the structure tree: Firefox, screen readers) finds the
    string in order.
  - pdf.js only: the text is exact once combining marks are set aside. pdf.js
    reverses right-to-left text code point by code point and adds a
    zero-width mark to whatever text item is open, so a line whose visually
    first cluster ends in a mark (a line-final shadda) gets that mark at the
    start of the line's text; pdftotext reads it right.
Exits 1 otherwise: a real failure.
"""
import json, re, sys, unicodedata

from reader_units import RTL_LANGS as RTL  # one list of right-to-left languages


def bare(s):
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", "", s)


expected = {}
exp = json.load(open(sys.argv[1], encoding="utf-8"))
count = {}
for e in exp:
    n = count.get(e["lang"], 0)
    expected[f"{e['lang']}/{n}"] = e["text"]
    count[e["lang"]] = n + 1

pdfjs_text = bare(open(sys.argv[2], encoding="utf-8").read())
d = json.load(sys.stdin)
lang = d["meta"]["doc_lang"]
if not any(lang == t or lang.startswith(t + "-") for t in RTL):
    sys.exit(1)
if d["document_bad_chars"]["pdftotext"] or d["document_bad_chars"]["pdfjs"]:
    sys.exit(1)
notes = []
for s in d["strings"]:
    if not s["lang_check"]["ok"] or s["pdfjs"].get("bad") or s["pdftotext"].get("bad"):
        sys.exit(1)
    pj = s["pdfjs"]["found"] and s["pdfjs"]["in_order"]
    pt = s["pdftotext"]["found"] and s["pdftotext"]["in_order"]
    if pj and pt:
        continue
    if pj and not pt:
        notes.append(f"{s['id']} poppler order")
        continue
    if pt and bare(expected.get(s["id"], "\0")) in pdfjs_text:
        notes.append(f"{s['id']} pdf.js mark")
        continue
    sys.exit(1)
print("KNOWN: " + ", ".join(notes))
