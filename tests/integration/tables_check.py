#!/usr/bin/env python3
"""Issue 15: tables as a screen reader gets them, and the EHC plan's golden thread.

usage: reading_order.mjs FILE.pdf | tables_check.py [--thread CASE.xml] [--stacked-ok]

Reads pdf.js's accessibility tree (what Firefox hands a screen reader) and
checks:
  - every Table is THead (one TR of TH, each a columnheader) then TBody (TRs
    of TD cells), with no row headers: nothing was laid out in the stacked
    form (unless --stacked-ok);
  - with --thread (an EHC plan made from CASE.xml): section B's needs are numbered B1, B2 ... in case order; section E's
    table has one row per outcome, its first cell starting E1, E2 ... and
    its second cell the number of the need the outcome names (B2); section
    F's table one row per provision item, first cell F1, F2 ..., second cell
    the number of the outcome it serves (E1), as the case's id references say.
Exits 1 with the differences, 0 when all hold.
"""
import re, sys
import xml.etree.ElementTree as ET

NS = "{urn:sendoc:case:2}"


def local(tag):
    return tag.split("}", 1)[-1]


def case_thread(path):
    root = ET.parse(path).getroot()
    def kids(parent_name, child_name):
        for el in root.iter():
            if local(el.tag) == parent_name:
                # translations (same name, another xml:lang right after) are not items
                items, last = [], None
                for k in el:
                    if local(k.tag) != child_name:
                        continue
                    lang = k.get("{http://www.w3.org/XML/1998/namespace}lang")
                    if last is not None and lang and k.get("id") is None and (child_name != "item" or k.get("outcome") is None):
                        continue
                    items.append(k)
                    last = k
                return items
        return []
    needs = kids("needs", "need")
    outcomes = kids("outcomes", "outcome")
    provision = kids("provision", "item")
    need_no = {n.get("id"): i + 1 for i, n in enumerate(needs)}
    out_no = {o.get("id"): i + 1 for i, o in enumerate(outcomes)}
    return (len(needs), [need_no.get(o.get("need")) for o in outcomes],
            [out_no.get(p.get("outcome")) for p in provision])


def parse_tree(lines):
    """(depth, role, aria, text) per line of reading_order.mjs's tree."""
    out = []
    for ln in lines:
        m = re.match(r"^( *)(\w+)(?: lang=\S+)?(?: \(([\w ]+)\))?(?:: \"(.*)\")?\s*$", ln.rstrip("\n"))
        if m:
            out.append((len(m.group(1)), m.group(2), m.group(3) or "", m.group(4) or ""))
            continue
        m = re.match(r"^( *)\"(.*)\"\s*$", ln.rstrip("\n"))  # text of the element above
        if m:
            out.append((len(m.group(1)), "", "", m.group(2)))
    return out


def tables(nodes):
    """Each Table as a list of (group, [(role, aria, text) per cell]) rows."""
    found = []
    i = 0
    while i < len(nodes):
        d, role, aria, _ = nodes[i]
        if role != "Table":
            i += 1
            continue
        rows, group, j = [], None, i + 1
        while j < len(nodes) and nodes[j][0] > d:
            dj, rj, aj, tj = nodes[j]
            if rj in ("THead", "TBody", "TFoot"):
                group = rj
            elif rj == "TR":
                rows.append((group if dj > d + 2 else None, []))
            elif rj in ("TH", "TD") and rows:
                # a cell's text may sit in Spans below it
                text, k = tj, j + 1
                while k < len(nodes) and nodes[k][0] > dj:
                    text += nodes[k][3]
                    k += 1
                rows[-1][1].append((rj, aj, text))
            j += 1
        found.append(rows)
        i = j
    return found


def main():
    args = sys.argv[1:]
    case = args[args.index("--thread") + 1] if "--thread" in args else None
    stacked_ok = "--stacked-ok" in sys.argv
    # pdf.js gives the structure tree page by page: a table across a page
    # break is listed on each page, each row's text on the page it is drawn on
    pages, nodes, tbls = [[]], [], []
    for ln in sys.stdin:
        if ln.startswith("=== Page"):
            pages.append([])
        else:
            pages[-1].append(ln)
    prev_last = None
    for lines in pages:
        pn = parse_tree(lines)
        nodes += pn
        pt = tables(pn)
        for k, t in enumerate(pt):
            shape = [len(c) for _, c in t]
            if k == 0 and prev_last is not None and [len(c) for _, c in tbls[-1]] == shape:
                for (_, a), (_, b) in zip(tbls[-1], t):
                    for i in range(len(a)):
                        a[i] = (a[i][0], a[i][1], a[i][2] + b[i][2])
            else:
                tbls.append(t)
        prev_last = pt[-1] if pt else None
    errs = []
    if not tbls:
        errs.append("no Table in the structure tree")
    for t, rows in enumerate(tbls, 1):
        if stacked_ok and any(c[0] == "TH" and c[1] != "columnheader" for _, cells in rows for c in cells):
            continue
        if not rows or rows[0][0] != "THead":
            errs.append(f"table {t}: its first row is not in THead")
        for r, (group, cells) in enumerate(rows):
            want = ("TH", "columnheader") if r == 0 else ("TD", "cell")
            if r > 0 and group != "TBody":
                errs.append(f"table {t} row {r + 1}: in {group}, not TBody")
            for c, cell in enumerate(cells):
                if cell[:2] != want:
                    errs.append(f"table {t} row {r + 1} cell {c + 1}: {cell[0]} ({cell[1]}), want {want[0]} ({want[1]})")
    if case:
        errs += thread_errors(case, nodes, tbls)
    for e in errs:
        print(e)
    if not errs:
        print(f"tables ok: {len(tbls)} tables" + (", golden thread ok" if case else ""))
    return 1 if errs else 0


def thread_errors(case, nodes, tbls):
    errs = []
    n_needs, e_needs, f_outs = case_thread(case)
    label = re.compile(r"^\s*([BEF])(\d+)(?=\s|\D|$)")
    b_seen = []
    for i, (d, role, _, text) in enumerate(nodes):
        if role == "P":  # a paragraph's text, or what is below it: lines, and Spans
            # of another language (issue 15: "B1" is an en-GB Span in an Urdu item)
            k = i + 1
            while not text and k < len(nodes) and nodes[k][0] > d and nodes[k][1] in ("", "Span"):
                text = nodes[k][3]
                k += 1
            m = label.match(text)
            if m and m.group(1) == "B":
                b_seen.append(int(m.group(2)))
    if b_seen != list(range(1, n_needs + 1)):
        errs.append(f"section B: needs numbered {b_seen}, want B1..B{n_needs}")
    def body(prefix):
        for rows in tbls:
            if len(rows) > 1 and rows[1][1] and label.match(rows[1][1][0][2] or "") \
               and label.match(rows[1][1][0][2]).group(1) == prefix:
                return [cells for _, cells in rows[1:]]
        return None
    for prefix, refs, ref_letter in (("E", e_needs, "B"), ("F", f_outs, "E")):
        rows = body(prefix)
        if rows is None:
            errs.append(f"section {prefix}: no table whose first cells are {prefix}1, {prefix}2 ...")
            continue
        if len(rows) != len(refs):
            errs.append(f"section {prefix}: {len(rows)} rows, the case has {len(refs)}")
        for i, (cells, ref) in enumerate(zip(rows, refs), 1):
            m = label.match(cells[0][2])
            if not m or m.group(1) != prefix or int(m.group(2)) != i:
                errs.append(f"section {prefix} row {i}: first cell {cells[0][2][:30]!r}, want it to start {prefix}{i}")
            got = cells[1][2].strip() if len(cells) > 1 else ""
            if got != f"{ref_letter}{ref}":
                errs.append(f"section {prefix} row {i}: second cell {got!r}, want {ref_letter}{ref}")
    return errs


if __name__ == "__main__":
    sys.exit(main())
