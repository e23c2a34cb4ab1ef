#!/usr/bin/env python3
"""Page furniture, for reader_limits.py: what a reader reads when the text it
is meant to give runs on across a page break.

sendoc marks a page's running header, running footer, page number and the
column headers drawn again over a table's next page as /Artifact, which the
structure tree leaves out. The readers that follow the content stream or the
page (pdf.js's text layer, poppler, MuPDF, pdfminer) do not look at
/Artifact: they read a page's furniture with its text, so a paragraph that
crosses a page break comes back with the footer of one page and the header
of the next inside it. pdf.js's own page-by-page list of artifact text
(reading_order.mjs --json --artifacts) says what that furniture is."""
import json
import re
import unicodedata
from collections import Counter

from reader_layout import CONTROLS


def flat(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s.translate(CONTROLS))).strip()


def edges(pieces, content):
    """the artifact pieces that begin and end the page in pdf.js's content
    order (its own text of the page): the furniture readers meet where a
    page's text runs on; a piece inside the page (a table's column headers
    drawn again over its next rows) stands between strings, not in one"""
    c = "".join(flat(content).split())
    bits = ["".join(flat(p).split()) for p in pieces]
    bits = [b for b in bits if b]
    k, end = len(bits), len(c)
    while k and c[:end].endswith(bits[k - 1]):
        end -= len(bits[k - 1])
        k -= 1
    j, start = 0, 0
    while j < k and c.startswith(bits[j], start):
        start += len(bits[j])
        j += 1
    return bits[:j] + bits[k:]


def furniture(path):
    """per page, the furniture at its two ends: its characters, and its
    words; and pdf.js's own text of the page (content-stream order,
    artifacts included); None when the file cannot be read"""
    try:
        doc = json.load(open(path, encoding="utf-8"))
    except (OSError, ValueError):
        return None
    pages = []
    for page in doc.get("pages", []):
        pieces, content = page.get("artifacts", []), page.get("content", "")
        art = "".join(page.get("artifacts", []))
        pages.append(((solid("".join(edges(pieces, content))), Counter(flat(art).split())), content))
    return pages


def solid(s):
    """a text's characters, spaces aside, in any order"""
    return Counter(c for c in flat(s) if not c.isspace())


def strip(text, furn):
    """the page's text with its furniture taken off its two ends. First a
    start and an end that together hold exactly the furniture's
    characters, in whatever order this reader put them (pdf.js gives a
    right-to-left running header letter by letter). Else, where some
    furniture stands inside the page (a table's column headers drawn again
    over its next rows), the longest start and end that hold nothing but
    the furniture's own words. -> (text, cut at the start, cut at the end)"""
    art, words = furn
    s = flat(text)
    n = sum(art.values())
    at = [i for i, c in enumerate(s) if not c.isspace()]
    if not n or not at:
        return s, False, False
    for h in range(min(n, len(at)) + 1):
        t = n - h
        if t > len(at) - h:
            continue
        head = s[:at[h - 1] + 1] if h else ""
        tail = s[at[len(at) - t]:] if t else ""
        if solid(head) + solid(tail) == art:
            return s[len(head):len(s) - len(tail)].strip(), h > 0, t > 0
    w = s.split(" ")
    best = (0, len(w))
    for h in range(len(w) + 1):
        head = Counter(w[:h])
        if not head <= words:
            break
        for e in range(len(w), h - 1, -1):
            if not head + Counter(w[e:]) <= words:
                break
            if h + len(w) - e > best[0] + len(w) - best[1]:
                best = (h, e)
    h, e = best
    return " ".join(w[h:e]), h > 0, e < len(w)


def page_texts(reader, whole, pages):
    """the reader's text page by page: pdf.js's from its own list, the
    others' split where they end a page (a form feed)"""
    if reader == "pdfjs":
        return [content for _, content in pages]
    split = whole.split("\f")
    return split[:len(pages)] if len(split) >= len(pages) else None


class Unfurnished:
    """a reader's text with each page's furniture taken off its ends, the
    pages joined by a space, and where a break had furniture taken off"""

    def __init__(self, reader, whole, pages):
        per_page = page_texts(reader, whole, pages) if pages else None
        self.full, self.cuts, self.ends = "", [], {}
        stripped = [strip(text, pages[k][0]) for k, text in enumerate(per_page or [])]
        for k, (s, head, _) in enumerate(stripped):
            if k and (head or stripped[k - 1][2]):
                self.cuts.append(len(self.full))
            if self.full and s:
                self.full += " "
            self.full += s

    def across(self, text):
        """where an occurrence of text that runs across such a break ends,
        or -1"""
        want = flat(text)
        at = self.full.find(want) if want and self.cuts else -1
        while at >= 0:
            if any(at < b < at + len(want) for b in self.cuts):
                return at + len(want)
            at = self.full.find(want, at + 1)
        return -1

    def explains(self, texts, verdicts, index):
        """is the reader's miss of string index the furniture's doing? Cut
        (FAIL): the string runs across a break once the furniture is off.
        Found too early (ORDER): an earlier string runs across one, the
        round trip then took a later copy of it (so did not find it out of
        order itself), and from there every string up to this one follows
        in order."""
        verdict = verdicts[index]
        if verdict in ("FAIL", "FAIL(ws)"):
            return self.across(texts[index]) >= 0
        if verdict != "ORDER":
            return False
        for j in range(index - 1, -1, -1):
            if verdicts[j] == "ORDER":
                continue
            if j not in self.ends:
                self.ends[j] = self.across(texts[j])
            pos = self.ends[j]
            if pos < 0:
                continue
            for t in texts[j + 1:index + 1]:
                at = self.full.find(flat(t), pos)
                if at < 0:
                    return False
                pos = at + len(flat(t))
            return True
        return False
