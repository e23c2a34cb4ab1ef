#!/usr/bin/env python3
"""Issue 15: the two ways readers that rebuild reading order from glyph
positions read a grid table, told apart from real failures.

usage: text_roundtrip.py PDF EXPECTED --readers all --strict --json |
       table_limits.py EXPECTED.json TREE.txt   (TREE.txt: reading_order.mjs PDF)

Exits 0, printing KNOWN: ..., when every miss is one of these and nothing
else is wrong (every /Lang right, no bad characters):
  - pdfminer ORDER: pdfminer.six (default LAParams, boxes_flow 0.5) groups
    text boxes by area, and the cells of one column are nearer each other
    than the cells of one row, so it reads a table column by column;
  - poppler ORDER: pdftotext orders a page's blocks in the direction most of
    its characters run, so a mirrored right-to-left table whose cells hold
    mostly English (case data not yet translated) is read left to right;
each only for a string that reader found exact, that is the text of a table
cell in the structure tree, and that MuPDF (which keeps content-stream
order) and the structure tree (what Firefox hands a screen reader) both
find exact and in order: the cells are drawn whole and in logical order,
and only that reader's reordering moves them. Exits 1 otherwise.
"""
import json, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tables_check import parse_tree, tables  # noqa: E402


def cell_texts(tree_lines):
    cells, page = [], []
    for ln in tree_lines + ["=== Page end"]:
        if ln.startswith("=== Page"):
            cells += [re.sub(r"\s+", "", c[2]) for rows in tables(parse_tree(page)) for _, cs in rows for c in cs]
            page = []
        else:
            page.append(ln)
    return cells


def main():
    expected, count = {}, {}
    for e in json.load(open(sys.argv[1], encoding="utf-8")):
        n = count.get(e["lang"], 0)
        expected[f"{e['lang']}/{n}"] = e["text"]
        count[e["lang"]] = n + 1
    cells = [c for c in cell_texts(open(sys.argv[2], encoding="utf-8").read().splitlines(True)) if c]
    d = json.load(sys.stdin)
    if any(d.get("document_bad_chars", {}).values()):
        return 1
    notes = {}
    for s in d["strings"]:
        if s["ok"]:
            continue
        if not s["lang_check"]["ok"] or s.get("chars") != "ok":
            return 1
        r = s["results"]
        if r["mupdf"]["verdict"] != "ok" or r["structtree"]["verdict"] != "ok":
            return 1
        for reader, v in r.items():
            if v["verdict"] == "ok":
                continue
            if reader not in ("pdfminer", "poppler") or v["verdict"] != "ORDER" or v.get("tier") != 1:
                return 1
        # the string is (part of) a cell: its text, spaces aside, is in one cell
        exp = expected.get(s["id"])
        if exp is None:
            return 1
        bare = re.sub(r"\s+", "", exp)
        if not any(bare in c for c in cells):
            return 1
        for reader, v in r.items():
            if v["verdict"] == "ORDER":
                notes[reader] = notes.get(reader, 0) + 1
    print("KNOWN: table cells out of order in " +
          ", ".join(f"{k} ({n})" for k, n in sorted(notes.items())) if notes else "KNOWN: none")
    return 0


sys.exit(main())
