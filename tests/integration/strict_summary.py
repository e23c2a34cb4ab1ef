#!/usr/bin/env python3
"""The strict five-reader pass of tests/integration/matrix.sh, summed up.

    strict_summary.py DIR GATE [--record FILE]

DIR holds one NAME.strict.json per document: the output of
`text_roundtrip.py NAME.pdf NAME.json --readers all --strict --json`. NAME is
TEMPLATE-LANG-STYLE as matrix.sh names its documents. A reader passes a
document when it gives back every expected string exactly (verdict "ok"),
with no bad characters, or when every string it misses is one that
reader_limits.py proved that reader's own limit (NAME.limits, its LIMIT
lines) or, for ORDER, that table_limits.py proved a reordering of grid-table
cells (NAME.known); structtree also needs every /Lang check to hold.

Prints one line per document with each reader's verdict, then a table of
documents passed per reader and language. GATE lists, one document a line,
the readers that must pass that document strictly ("NAME reader reader ...";
# starts a comment): a gated reader that fails is a FAIL line and exit
status 1. Everything else is reported, never hidden, and does not fail.
--record FILE writes today's passes in GATE's format (to widen the gate once
a reader's fix has landed: review the diff before committing it).
"""
import json
import os
import sys

READERS = ["pdfjs", "poppler", "mupdf", "pdfminer", "structtree"]
STYLES = ("standard", "large-print", "dyslexia")


def lang_of(name):
    """TEMPLATE-LANG-STYLE -> LANG (LANG may hold a hyphen: en-GB)."""
    for st in STYLES:
        if name.endswith("-" + st):
            head = name[: -len(st) - 1]
            for lang in ("en-GB", "ur", "bn", "pl", "ar"):
                if head.endswith("-" + lang):
                    return lang
            return head.rsplit("-", 1)[-1]
    return "?"


def read_limits(path):
    """{(string id, reader)} that reader_limits.py proved a reader's own limit
    (its LIMIT lines: "LIMIT class: id reader")"""
    proved = set()
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith("LIMIT "):
                    parts = line.split()
                    if len(parts) == 4:
                        proved.add((parts[2], parts[3]))
    return proved


def reader_verdicts(doc, proved=frozenset(), table_order=False):
    """{reader: (passed, first reason)} for one text_roundtrip --json result.
    A miss in proved (reader_limits.py), or an ORDER miss when table_limits.py
    proved the document's table cells (table_order), does not fail its reader."""
    out = {}
    for r in READERS:
        tool = doc.get("tools", {}).get(r, {})
        if tool.get("status") not in (None, "ok"):
            out[r] = (False, "%s: %s" % (tool.get("status"), tool.get("message", "")))
            continue
        why = None
        for s in doc.get("strings", []):
            res = s.get("results", {}).get(r)
            if res is None:
                why = why or "not run"
                continue
            if res.get("verdict") != "ok" and (s.get("id"), r) not in proved and not (table_order and res.get("verdict") == "ORDER"):
                why = why or "%s %s" % (res.get("verdict"), s.get("id"))
            if r == "structtree" and not s.get("lang_check", {}).get("ok", True):
                why = why or "/Lang %s: %s" % (s.get("id"), ",".join(s["lang_check"].get("found", [])))
        bad = doc.get("bad_chars_by_reader", {}).get(r)
        if bad:
            why = why or "bad chars %s" % ",".join(sorted(bad))[:60]
        out[r] = (why is None, why or "")
    return out


def read_gate(path):
    gate = {}
    if not os.path.exists(path):
        return gate
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].split()
            if line:
                gate[line[0]] = set(line[1:])
    return gate


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    d, gate_path = argv[1], argv[2]
    record = argv[argv.index("--record") + 1] if "--record" in argv else None
    gate = read_gate(gate_path)
    docs = {}
    for fn in sorted(os.listdir(d)):
        if not fn.endswith(".strict.json"):
            continue
        name = fn[: -len(".strict.json")]
        # NAME.known: table_limits.py proved the document's ORDER misses are a
        # reader's reordering of grid-table cells; NAME.limits: reader_limits.py's
        # LIMIT lines, each miss it proved a reader's own (matrix.sh writes
        # both). A reader whose every miss is proved passes, and the gate holds
        # it to that.
        try:
            with open(os.path.join(d, fn), encoding="utf-8") as f:
                docs[name] = reader_verdicts(json.load(f), read_limits(os.path.join(d, name + ".limits")),
                                             os.path.exists(os.path.join(d, name + ".known")))
        except (OSError, ValueError) as e:
            docs[name] = {r: (False, "no result: %s" % e) for r in READERS}
    fails = []
    for name, v in sorted(docs.items()):
        cells = " ".join("%s=%s" % (r, "ok" if v[r][0] else "FAIL") for r in READERS)
        print("strict %s: %s" % (name, cells))
        for r in sorted(gate.get(name, ())):
            if r not in v:
                fails.append("FAIL strict %s %s: unknown reader in the gate" % (name, r))
            elif not v[r][0]:
                fails.append("FAIL strict %s %s: %s (gated: it passed before)" % (name, r, v[r][1][:160]))
    for name in sorted(set(gate) - set(docs)):
        fails.append("FAIL strict %s: gated, but the matrix made no such document" % name)
    langs = sorted({lang_of(n) for n in docs})
    print("strict --readers all: documents passed per reader and language (exact, or every miss proved"
          " that reader's own limit by reader_limits.py or table_limits.py)")
    print("%-10s" % "reader" + "".join("%9s" % l for l in langs) + "%9s" % "all")
    for r in READERS + ["all-five"]:
        row = []
        tp = tt = 0
        for l in langs:
            names = [n for n in docs if lang_of(n) == l]
            p = sum(1 for n in names if (all(docs[n][x][0] for x in READERS) if r == "all-five" else docs[n][r][0]))
            row.append("%d/%d" % (p, len(names)))
            tp += p
            tt += len(names)
        print("%-10s" % r + "".join("%9s" % c for c in row) + "%9s" % ("%d/%d" % (tp, tt)))
    gated = sum(len(v) for v in gate.values())
    print("strict gate: %d document x reader pairs must pass (%s); %d failed" %
          (gated, os.path.relpath(gate_path), len(fails)))
    for f in fails:
        print(f)
    if record:
        with open(record, "w", encoding="utf-8") as f:
            f.write("# Documents x readers that pass text_roundtrip --readers all --strict today\n")
            f.write("# (tests/integration/matrix.sh with MATRIX_STRICT=1): exact, or every miss proved\n")
            f.write("# that reader's own limit (reader_limits.py, table_limits.py). One document a line:\n")
            f.write("# NAME reader ...; a gated reader that fails fails the matrix.\n")
            for name, v in sorted(docs.items()):
                ok = [r for r in READERS if v[r][0]]
                if ok:
                    f.write("%s %s\n" % (name, " ".join(ok)))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
