#!/usr/bin/env python3
"""What the readers' own layout says, for reader_limits.py: the lines,
blocks and boxes poppler (pdftotext -bbox-layout) and pdfminer
(pdfminer_layout.py) made of a page, matched line by line to their text."""
import html
import json
import re
import unicodedata
from collections import Counter

# bidi controls readers add (poppler's U+202A-C) or keep: never part of a letter count
CONTROLS = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def solid(s):
    return [c for c in unicodedata.normalize("NFC", s.translate(CONTROLS)) if not c.isspace()]


def bag(s):
    """a text's characters, spaces aside, in any order (decomposed: a
    pdftotext -bbox-layout word holds a glyph's text as the font maps it)"""
    return Counter(c for c in unicodedata.normalize("NFKD", s.translate(CONTROLS)) if not c.isspace())


def poppler_blocks(path, lines):
    """for each of poppler's text lines: (page, starts its block, ends its
    block, None: no baseline, block, the line's bottom: its row), from
    pdftotext -bbox-layout, which lists the same blocks and
    lines in the same order; {} where the two cannot be matched line by line
    (a line ending in a hyphen is joined to the next in the text)"""
    try:
        doc = open(path, encoding="utf-8").read()
    except OSError:
        return {}
    flat = []
    for page, body in enumerate(re.findall(r"<page .*?</page>", doc, re.S)):
        for block in re.findall(r"<block .*?</block>", body, re.S):
            rows = re.findall(r"<line .*?</line>", block, re.S)
            for k, row in enumerate(rows):
                text = html.unescape("".join(re.findall(r"<word [^>]*>(.*?)</word>", row, re.S)))
                bottom = re.search(r'yMax="([-0-9.]+)"', row)
                flat.append((page, k == 0, k == len(rows) - 1, bag(text), len(flat) - k,
                             float(bottom.group(1)) if bottom else None))
    out, k = {}, 0
    for li, line in enumerate(lines):
        want = bag(line)
        if not want:
            continue
        got, first = Counter(), k
        while k < len(flat) and sum(got.values()) < sum(want.values()):
            got += flat[k][3]
            k += 1
        dropped = got.copy()
        dropped["-"] -= 1
        if got != want and +dropped != want:
            return {}
        out[li] = (flat[first][0], flat[first][1], flat[k - 1][2], None, flat[first][4], flat[first][5])
    return out if k == len(flat) else {}


def pdfminer_boxes(lines, path=None):
    """for each of pdfminer's text lines: (page, starts its box, ends its
    box, baseline or None, box). extract_text writes each text box as its
    lines, each ending in a line break, then one more: a blank line ends a
    box, and a form feed a page. path: pdfminer_layout.py's JSON of the same
    boxes, which also says where each line stands ({} if the two do not
    match)."""
    out, page, box = {}, 0, -1
    for li, line in enumerate(lines):
        page += line.count("\f")
        if not solid(line):
            continue
        starts = li == 0 or not solid(lines[li - 1]) or "\f" in line
        ends = li + 1 >= len(lines) or not solid(lines[li + 1]) or "\f" in lines[li + 1]
        box += starts
        out[li] = (page, starts, ends, None, box)
    if not path:
        return out
    try:
        pages = json.load(open(path, encoding="utf-8"))
    except (OSError, ValueError):
        return out
    flat = []
    for p, boxes in enumerate(pages):
        for rows in boxes:
            rows = [r for r in rows if bag(r["text"])]
            flat += [(p, k == 0, k == len(rows) - 1, r["y"], len(flat), bag(r["text"])) for k, r in enumerate(rows)]
    if len(flat) != len(out) or any(bag(lines[li]) != f[5] for li, f in zip(sorted(out), flat)):
        return {}
    return {li: f[:5] for li, f in zip(sorted(out), flat)}


def letter_spaced_lines(path):
    """poppler's lines (pdftotext -bbox-layout) whose every word is one
    character, each as its list of words"""
    try:
        doc = open(path, encoding="utf-8").read()
    except (OSError, TypeError):
        return []
    out = []
    for row in re.findall(r"<line .*?</line>", doc, re.S):
        words = [html.unescape(w) for w in re.findall(r"<word [^>]*>(.*?)</word>", row, re.S)]
        if len(words) > 1 and all(len(w) == 1 for w in words):
            out.append(words)
    return out
