#!/usr/bin/env python3
"""Classifies every miss of a strict five-reader text round trip (issue 15).

usage: text_roundtrip.py PDF EXPECTED.json --readers LIST --strict --json > RT.json
       reader_limits.py RT.json EXPECTED.json [poppler=TEXT] [pdfminer=TEXT] [mupdf=TEXT]
                        [poppler-blocks=HTML] [pdfminer-layout=JSON] [bidi=BIDIVISUAL]
(TEXT: the reader's whole text, for a mixed line the round trip's nearest
match cuts short; MuPDF's (mutool draw -F txt) says which punctuation the
document draws around the strings; HTML: pdftotext -bbox-layout, poppler's
blocks; JSON: pdfminer_layout.py, pdfminer's boxes and baselines; BIDIVISUAL: build/tools/bidivisual, the
Unicode Bidirectional Algorithm's display order from ICU)

Prints one line per (string, reader) that is not exact, naming the limit it
was proved to be, and exits 0 only when every miss is one of these and
nothing else is wrong (/Lang and the character checks hold). A class is a
reader's own limit, shown by the reader's text being the expected text
changed in exactly the way that limit changes it while the readers that do
not have the limit give the string exactly:

  poppler-separator (poppler): pdftotext 22.12 rebuilds a right-to-left
    line from glyph positions and reorders it with its own bidi guess, which
    counts every common number separator (Unicode bidi class CS: U+060C
    ARABIC COMMA, the colon, comma, full stop and slash) as part of a number
    (reorderText with unicodeTypeNum): the space after one joins its
    left-to-right stretch and comes out before it, however the line is
    drawn. Proof: poppler's text is the expected string with every such
    separator and the space after it, before a letter, turned round ("، "
    into " ،", ": " into " :"); pdf.js and MuPDF give it exactly.
  mixed-line-order (pdfminer): a line that mixes left-to-right words (a
    Latin name) with right-to-left text: pdfminer splits it where the
    direction changes and orders the pieces by position (poppler's
    reordering of such a line is proved exactly: poppler-reorder). Proof:
    the string has both left-to-right and right-to-left letters, the
    reader's text holds exactly the same characters (only their order and
    spacing differ) in the round trip's nearest match or on one line of its
    whole text, and pdf.js, which follows the content stream, gives it
    exactly.
  poppler-page-direction (poppler): pdftotext takes one direction for the
    whole page, the one most of its letters have, and orders every line by
    it. On a page written mostly left to right (a Persian profile of an
    English case), a right-to-left line that holds a Latin word, such as a
    title "<Persian words> Bilal", comes out in visual order, the Latin word
    first; what follows is then found "before the string listed before it".
    Proof: consecutive strings of both directions whose characters, put
    together, are exactly one of poppler's lines on a page with more
    left-to-right than right-to-left letters; pdf.js and the structure tree
    give each of them exactly; and once that line is taken as one unit,
    every later string poppler gave out of order is found in order.
  poppler-reorder (poppler): pdftotext 22.12 does not keep a line in the
    order it was drawn. It sorts the line's glyphs left to right by position
    and writes them out with its own two-direction rule (reorderText): on a
    right-to-left page, runs of right-to-left letters and runs of anything
    else (Latin words, digits, separators, the spaces between them), each
    kept whole, from right to left; the mirror image on a left-to-right
    page. Where the Unicode Bidirectional Algorithm places a neutral or a
    number differently (a colon after an Arabic word, a date, a Latin name
    inside an Urdu sentence), its text is out of logical order, however the
    line is drawn. pdftotext marks every run it turned with U+202A, U+202B
    and U+202C, so its text can be put back into the left-to-right order it
    saw. Proof: consecutive strings and consecutive poppler lines hold
    exactly the same characters, the lines taking them in order, and each
    line, put back into the order poppler saw, is exactly the display order
    ICU's bidi algorithm gives that line of the expected text, the strings
    taken as a paragraph of the document's direction and reordered line by
    line as UAX #9 says a wrapped paragraph is (tests/tools/bidivisual), so
    the page shows the text right and only poppler's rule turned it; pdf.js,
    MuPDF and the structure tree give each string exactly; once those lines
    are taken as one unit, every other string poppler gave out of order is
    found in order. The strings may also be taken with what MuPDF reads
    between them or just before or after them where no letter stands (the
    quotation marks round an English quote in an Urdu plan are a span of
    punctuation alone, and a telephone number has no letter: no expected
    string holds them, but poppler's line does). Where two strings meet
    with no space, the line may hold a space there or none: the strings are
    trimmed where a span starts or ends, but a template may write a name
    straight after a prefix («لـ» + name).
  poppler-block-order (poppler): pdftotext joins lines into one block only
    when their baselines are at most 1.5 font sizes apart
    (maxLineSpacingDelta); Arabic, Nastaliq and large-print lines are set
    further apart, so each is a block of its own. It then orders a page's
    blocks by position (Breuel's rules: above, or before in the page's
    direction), so a list's bullet column, the next item or a table's other
    columns can come between two lines of one paragraph or cell, and a whole
    block can come before one listed earlier. Proof, for a string split
    (FAIL): consecutive strings are exactly the characters of poppler lines
    taken in order, each line the bidi algorithm's display order of its
    stretch (as for poppler-reorder), all on one page; and wherever two of
    those lines are not next to each other, the first ends one of poppler's
    blocks and the second starts another (pdftotext -bbox-layout, matched to
    its text line by line): only whole blocks come between them. For a
    string out of order (ORDER): it is exact. Either way pdf.js, MuPDF and
    the structure tree give it exactly and in order.
  poppler-line-end-hyphen (poppler): pdftotext takes a line that ends in a
    hyphen for a word it must join: it drops the hyphen and runs the next
    line on (TextPage::dump, "hyphenated"), so "co-ordinator", broken after
    its own hyphen, reads "coordinator". Proof: poppler's text is the
    expected string with exactly the hyphens taken out that MuPDF's text
    shows ending a line, the next line going on with the rest of the word
    (a hyphen that begins the string, a Bengali suffix «-এর» after a name,
    ends a line after the string before it); pdf.js and MuPDF give it
    exactly.
  poppler-letter-spacing (poppler): pdftotext takes a line whose words are
    all one character («b > c», the last line of a wrapped sentence) for
    letter-spaced text: a gap under 1.3 times the line's smallest is no
    space (TextLine::coalesce), so «b > c» reads «b>c». Proof: poppler's
    text is the expected string with spaces taken out only between the
    words of such lines, as pdftotext -bbox-layout lists them; pdf.js,
    MuPDF and the structure tree give it exactly.
  pdfminer-box-order (pdfminer): pdfminer groups lines into text boxes and
    orders the boxes by position (layout analysis), so a string comes before
    one listed earlier, or the lines of one paragraph land in different
    boxes with other boxes between them. Proof: the text is exact but out
    of order, pdf.js and MuPDF giving the strings in order; or, for a split
    string, consecutive strings are exactly pdfminer lines taken in order,
    each line exactly its stretch in logical order, all on one page, and
    wherever two of those lines are not next to each other the first ends
    a box and the second starts one (extract_text ends a box with a blank
    line), pdf.js, MuPDF and the structure tree giving them exactly. pdfminer
    also splits a visual line where the drawing jumps over a run of the
    other direction and files the pieces in boxes by position; with its
    layout (pdfminer_layout.py: each line's baseline) a piece of the same
    visual line may follow in any box, and a box the unit has begun may go
    on once every earlier visual line of it is taken.
  zwnj-before-letter (mupdf, pdfminer): sendoc's trade-off, not theirs.
    pdf.js skips a glyph whose text ends in a format character and reverses
    a short item holding right-to-left letters, so a ZWNJ rides on the glyph
    of the letter before it, written before that letter; readers that keep
    glyph text as it is read it one letter early. Proof: the reader's text is
    the expected string with each ZWNJ moved before the letter it follows;
    pdf.js gives it exactly.
"""
import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter

from reader_layout import CONTROLS, letter_spaced_lines, pdfminer_boxes, poppler_blocks, solid

ZWNJ = "\u200c"


def collapse(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()


def is_rtl(c):
    return unicodedata.bidirectional(c) in ("R", "AL")


def exact(res, readers):
    return all(res[r]["verdict"] == "ok" for r in readers if r in res)


SEPARATORS = "".join(chr(c) for c in range(0x10000) if unicodedata.bidirectional(chr(c)) == "CS")


def separator(expected, got):
    turned = re.sub("([%s]) (?=\\w)" % re.escape(SEPARATORS), r" \1", collapse(expected))
    return turned != collapse(expected) and turned in collapse(got)


def bare(s):
    return sorted(c for c in unicodedata.normalize("NFC", s.translate(CONTROLS)) if not c.isspace())


def mixed(expected, got, lines):
    letters = [c for c in expected if unicodedata.category(c)[0] == "L"]
    if not any(is_rtl(c) for c in letters) or all(is_rtl(c) for c in letters):
        return False
    want = bare(expected)
    return want == bare(got) or any(want == bare(line) for line in lines)


def zwnj(expected, got):
    moved = re.sub("(.)" + ZWNJ, ZWNJ + r"\1", collapse(expected))
    return ZWNJ in expected and moved in collapse(got)


def directions(s):
    letters = [c for c in s if unicodedata.category(c)[0] == "L"]
    return {is_rtl(c) for c in letters}


def page_walk(texts, lines):
    """poppler's lines walked in the expected order, a mixed right-to-left
    line on a mostly left-to-right page taken as one unit: which strings
    make such a line, and which are then found in order."""
    pages, page = [], 0
    for line in lines:
        page += line.count("\f")
        pages.append(page)
    ltr = {}
    for line, p in zip(lines, pages):
        for c in line:
            if unicodedata.category(c)[0] == "L":
                ltr[p] = ltr.get(p, 0) + (-1 if is_rtl(c) else 1)
    norm, starts, full = [collapse(l) for l in lines], [], ""
    for line in norm:
        starts.append(len(full))
        full += line + " "
    grouped, in_order, pos, i = set(), set(), 0, 0
    while i < len(texts):
        unit = None
        for j in range(i + 1, min(i + 4, len(texts))):
            if len(directions("".join(texts[i:j + 1]))) < 2:
                continue
            want = bare("".join(texts[i:j + 1]))
            for li in range(len(lines)):
                if starts[li] + len(norm[li]) > pos and bare(lines[li]) == want and ltr.get(pages[li], 0) > 0:
                    unit = (j, li)
                    break
            if unit:
                break
        if unit:
            j, li = unit
            grouped.update(range(i, j + 1))
            pos, i = starts[li] + len(norm[li]), j + 1
            continue
        at = full.find(collapse(texts[i]), pos)
        if at >= 0:
            in_order.add(i)
            pos = at + len(collapse(texts[i]))
        i += 1
    return grouped, (in_order if grouped else set())


def strays(texts, lines, bidi, dirs, between, todo):
    """strings poppler did not give at all (FAIL) that the walk above lost
    its way before reaching (a heading poppler put before the text above
    it): a unit of lines anywhere that only poppler's reorderText turned
    (the same proof, wherever the lines stand)"""
    bags = [Counter(solid(l)) for l in lines]
    found = set()
    for i in sorted(todo):
        if i in found:
            continue
        hit = None
        for i0 in range(max(0, i - 3), i + 1):
            for j in range(i, min(i0 + 8, len(texts))):
                for block, need in between.blocks(texts, i0, j):
                    have = Counter(solid(block))
                    for a in range(len(lines)):
                        if not bags[a] or bullet(lines[a]) or bags[a] - have:
                            continue
                        total, b = Counter(), a
                        while b < min(len(lines), a + 10) and sum(total.values()) < need:
                            if not bullet(lines[b]):
                                total += bags[b]
                            b += 1
                        if total == have and any(
                                reordered_lines(block, [l for l in lines[a:b] if not bullet(l)], bidi, r)
                                for r in dirs.of(i0, j)):
                            hit = (i0, j)
                            break
                    if hit:
                        break
                if hit:
                    break
            if hit:
                break
        if hit:
            found.update(range(hit[0], hit[1] + 1))
    return found


LRE, RLE, PDF = "\u202a", "\u202b", "\u202c"
RTL_LANGS = ("ar", "ur", "fa", "ps", "he", "yi", "sd", "ug", "ckb", "pa-Arab")


def poppler_seen(line):
    """a pdftotext line put back into the left-to-right order its glyphs
    stand in (undoing reorderText by the run marks it writes), or None"""
    s = line.replace("\f", "")

    def runs(t, mark):
        out, buf, i = [], "", 0
        while i < len(t):
            c = t[i]
            if c == mark:
                j = t.find(PDF, i + 1)
                if j < 0:
                    return None
                if buf:
                    out.append((False, buf))
                    buf = ""
                out.append((True, t[i + 1:j]))
                i = j + 1
            elif c in (LRE, RLE, PDF):
                return None
            else:
                buf += c
                i += 1
        if buf:
            out.append((False, buf))
        return out
    if s.startswith(RLE) and s.endswith(PDF):
        inner = runs(s[1:-1], LRE)
        if inner is not None:  # a right-to-left page: runs written right to left, left-to-right ones marked
            return "".join(t if marked else t[::-1] for marked, t in reversed(inner))
    outer = runs(s, RLE)
    if outer is None:
        return None
    return "".join(t[::-1] if marked else t for marked, t in outer)


def spaced(s):
    return re.sub(r"\s+", " ", s).strip()


class Bidi:
    """ICU's display order of a text (tests/tools/bidivisual, held open)"""

    def __init__(self, path):
        self.proc = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     encoding="utf-8")
        self.memo = {}

    def shown(self, text, rtl, line=None):
        """text's display order; line=(start, end): only that stretch of it,
        resolved in the whole text as a renderer shows one line of a
        wrapped paragraph (UAX #9: the levels of the paragraph, then each
        line reordered on its own)"""
        key = (text, rtl, line)
        if key not in self.memo:
            where = ":%d:%d" % line if line else ""
            self.proc.stdin.write(("R" if rtl else "L") + where + "\t" + text.replace("\n", " ") + "\n")
            self.proc.stdin.flush()
            self.memo[key] = self.proc.stdout.readline().rstrip("\n")
        return self.memo[key]


def is_rtl_lang(lang):
    return any(lang == t or lang.startswith(t + "-") for t in RTL_LANGS)


class Directions:
    """the paragraph directions a run of strings may have been set in: the
    document's; or, where every string of the run is in one language of the
    other direction, that language's too (sendoc sets a paragraph of case
    text alone in the text's language, engine/layout.c para_direction: a
    Polish value in an Urdu letter reads left to right)"""

    def __init__(self, doc_lang, langs=()):
        self.doc_lang, self.rtl, self.langs = doc_lang, is_rtl_lang(doc_lang), list(langs)

    def of(self, i0, j):
        own = set(self.langs[i0:j + 1])
        if len(own) == 1 and j < len(self.langs):
            lang = own.pop()
            if lang and lang != self.doc_lang and is_rtl_lang(lang) != self.rtl:
                return (self.rtl, not self.rtl)
        return (self.rtl,)


def reordered_lines(block, lines, bidi, rtl, turned_one=True):
    """do these poppler lines hold exactly the block's characters, in order
    line by line, each line the bidi algorithm's display order of its
    stretch (in a paragraph of the document's direction) as poppler saw it?
    (turned_one: and is at least one line not simply in logical order)"""
    block = unicodedata.normalize("NFC", block.translate(CONTROLS))
    at, pos, turned = [i for i, c in enumerate(block) if not c.isspace()], 0, False
    for line in lines:
        want = solid(line)
        part = [block[k] for k in at[pos:pos + len(want)]]
        if Counter(part) != Counter(want):
            return False
        span = (at[pos], at[pos + len(want) - 1] + 1) if want else None
        stretch = block[span[0]:span[1]] if want else ""
        pos += len(want)
        if not want or same_text(line.translate(CONTROLS), stretch):
            continue
        # composed before either side is turned round: a reversed run puts a
        # mark before its base, where no composition applies
        seen = poppler_seen(unicodedata.normalize("NFC", line))
        if seen is None or bidi is None:
            return False
        if not same_text(seen.translate(CONTROLS), bidi.shown(block, rtl, span)):
            return False
        turned = True
    return pos == len(at) and (turned or not turned_one)


# Where two strings meet with no space, a space or none: the expected
# strings are mostly trimmed where a span starts or ends, but a template may
# write a name straight after a prefix («لـ» + name). The bidi algorithm
# takes it for a space (class WS); same_text lets the reader's line decide.
JUNCTION = "\u2008"


def joined(texts):
    """consecutive strings as one text, a JUNCTION where two meet with no
    space (a comma after a name: none; « · » after a value: a space)"""
    out = ""
    for t in texts:
        if out and t and not out[-1].isspace() and not t[0].isspace():
            out += JUNCTION
        out += t
    return out


def same_text(got, ours):
    """is a reader's line (spaces collapsed) our text, each JUNCTION in it
    read as a space or as nothing?"""
    got, ours = collapse(got), unicodedata.normalize("NFC", ours).strip()
    if JUNCTION not in ours:
        return got == collapse(ours)
    pattern = "".join((" ?" if set(w) == {JUNCTION} else " ") if w[0].isspace() else re.escape(w)
                      for w in re.findall(r"\s+|\S+", ours))
    return re.fullmatch(pattern, got) is not None


class Between:
    """what the document draws around consecutive strings, as MuPDF reads it
    in content order. The expected strings hold every letter but not the
    punctuation a template puts around a span of another language (the
    quotation marks round an English quote in an Urdu plan), and poppler's
    lines hold those marks too. MuPDF gives every string exactly, so its
    text next to them is the document's own. Its lines are matched as the
    round trip matches them: a line break stands for a space or for nothing."""

    def __init__(self, texts, lines):
        # composed, as the strings are: MuPDF gives «ئ» as «ي» and hamza above
        self.full = "\n".join(t for t in (spaced(unicodedata.normalize("NFC", l.translate(CONTROLS))) for l in lines)
                              if t)
        self.spans, self.memo, pos = [], {}, 0
        for t in texts:
            needle = collapse(t.translate(CONTROLS))
            pattern = "\n?".join(spaces_or_breaks(c) for c in needle)
            m = re.compile(pattern).search(self.full, pos) if needle and self.full else None
            self.spans.append((m.start(), m.end()) if m else None)
            if m:
                pos = m.end()

    def gap(self, a, b, after):
        """what the document draws from a to b that no string holds (a
        quotation mark, a bracket, a telephone number, which has no letter):
        the stretch up to the first letter after a string, or from the last
        one before it"""
        if a is None or b is None or a > b:
            return ""
        g = self.full[a:b].replace("\n", "")
        cut = [k for k, c in enumerate(g) if unicodedata.category(c)[0] == "L"]
        g = g[:cut[0]] if after and cut else g[cut[-1] + 1:] if cut else g
        return collapse(g)

    def blocks(self, texts, i0, j):
        """the strings i0..j as one text: joined as the expected strings
        are, or with what the document draws between them where that has no
        letter (the comma between a name and a title), then with what it
        draws just before and just after them; each with its count of
        characters other than spaces"""
        key = (i0, j)
        if key not in self.memo:
            self.memo[key] = [(b, len(solid(b))) for b in self.texts(texts, i0, j)]
        return self.memo[key]

    def texts(self, texts, i0, j):
        core = joined(texts[i0:j + 1])
        spans = self.spans[i0:j + 1]
        if not all(spans):
            return [core]
        gaps = [self.full[x[1]:y[0]] for x, y in zip(spans, spans[1:])]
        if any(unicodedata.category(c)[0] == "L" for g in gaps for c in g):
            return [core]
        cores = [core]
        if any(g.strip() for g in gaps):  # the comma between a name and a title
            drawn = texts[i0]
            for g, t in zip(gaps, texts[i0 + 1:j + 1]):
                # MuPDF's line break there: a space, or none
                drawn = joined([drawn, t]) if not g.strip() else \
                    drawn + re.sub(r"\s+", lambda m: " " if " " in m.group() else JUNCTION, g) + t
            cores = [drawn]
        before = self.spans[i0 - 1] if i0 > 0 else (0, 0)
        after = self.spans[j + 1] if j + 1 < len(texts) else (len(self.full), len(self.full))
        lead = self.gap(before and before[1], spans[0][0], False)
        trail = self.gap(spans[-1][1], after and after[0], True)
        # what stands between two strings belongs to either: each end of a
        # gap, any length, is tried (poppler's lines decide which)
        leads = [""] + [lead[k:] for k in range(len(lead)) if lead[k:].strip()][-MAX_GAP:]
        trails = [""] + [trail[:k] for k in range(1, len(trail) + 1) if trail[:k].strip()][:MAX_GAP]
        out = []
        for core in cores:
            for a in leads:
                for b in trails:
                    block = joined([a.lstrip(), core, b.rstrip()])
                    if block not in out:
                        out.append(block)
        return out


MAX_GAP = 24


BULLETS = ("•", "◦", "▪", "‣", "–")


def bullet(line):
    """a line that is a list item's bullet alone: a label, not in any string
    (poppler puts it on its own line between an item's wrapped lines)"""
    return "".join(solid(line)) in BULLETS


def line_walk(texts, lines, bidi, dirs, between=None, strays_todo=None):
    """poppler's lines walked in the expected order, runs of lines that only
    poppler's reorderText turned taken as one unit: which strings make such
    runs, and which are then found in order (strays_todo: strings to look
    for anywhere where the walk did not reach them)"""
    between = between or Between(texts, [])
    norm, starts, full = [collapse(l.translate(CONTROLS)) for l in lines], [], ""
    for line in norm:
        starts.append(len(full))
        full += line + " "

    def line_at(pos):
        for li in range(len(lines)):
            if starts[li] + len(norm[li]) > pos and norm[li]:
                return li
        return None
    grouped, in_order, first_in_line, pos, i = set(), set(), {}, 0, 0
    while i < len(texts):
        here, unit = line_at(pos), None
        # the unit starts on this line or one of the next few that hold text
        # (poppler also gives text no string holds: running heads and page
        # numbers at a page break, list bullets)
        nexts = [] if here is None else [li for li in range(here, len(lines)) if norm[li]][:5]
        for a in nexts:
            ends, have = {}, 0  # characters in lines a.. -> where they end
            for b in range(a, min(len(lines), a + 10)):
                have += 0 if bullet(lines[b]) else len(solid(lines[b]))
                ends.setdefault(have, b + 1)
            begins = [i] + ([first_in_line[a]] if a == here and pos > starts[a] and first_in_line.get(a, i) < i else [])
            for i0 in begins:
                for j in range(i, min(i0 + 8, len(texts))):
                    for block, need in between.blocks(texts, i0, j):
                        b = ends.get(need)
                        if need and b and any(reordered_lines(block, [l for l in lines[a:b] if not bullet(l)], bidi, r)
                                              for r in dirs.of(i0, j)):
                            unit = (i0, j, b - 1)
                            break
                    if unit:
                        break
                if unit:
                    break
            if unit:
                break
        if unit:
            i0, j, b = unit
            grouped.update(range(i0, j + 1))
            pos, i = starts[b] + len(norm[b]) + 1, j + 1
            continue
        at = full.find(collapse(texts[i]), pos)
        if at >= 0:
            in_order.add(i)
            li = line_at(at)
            if li is not None:
                first_in_line.setdefault(li, i)
            pos = at + len(collapse(texts[i]))
        i += 1
    grouped |= strays(texts, lines, bidi, dirs, between, (strays_todo or set()) - grouped)
    return grouped, (in_order if grouped else set())


CHAIN_BUDGET = 30000  # walks tried per string: seconds at most


def block_walk(texts, lines, bidi, dirs, between, blocks, todo):
    """strings a reader split over lines that are not next to each other
    (FAIL), each run of lines ending a block (pdfminer: a box) and the next
    run starting another on the same page, before or after it (the reader
    orders blocks by position), or going on with a block the unit began, or
    (with baselines: pdfminer) being another piece of the same visual line:
    which strings make such units. Lines inside one block stay together;
    only whole blocks, or the rest of one, stand between them.
    bidi None: every line must be exactly its stretch, in logical order."""
    if not blocks:
        return set()
    usable = [li for li in range(len(lines)) if li in blocks and not bullet(lines[li])]
    by_bag = {}
    for li in usable:
        by_bag.setdefault(tuple(sorted(solid(lines[li]))), []).append(li)
    sizes = sorted({len(solid(lines[li])) for li in usable})
    follows = {a: b for a, b in zip(usable, usable[1:])}
    members = {}
    for li in usable:
        members.setdefault(blocks[li][4], []).append(li)

    def first_row(li):
        """is li on the first visual line of its block (baselines known)?"""
        _, _, _, y, block = blocks[li]
        return y is not None and all(blocks[m][3] == y for m in members[block] if m < li)

    def begun(li, used):
        """is li in a block the unit has begun, every line on an earlier row
        of it (another baseline, or any earlier line where none is known)
        from the unit's first line in it on taken? (rows before that are
        earlier strings': a label column pdfminer boxed with a wrapped
        value's last word)"""
        _, _, _, y, block = blocks[li]
        mine = [m for m in members[block] if m in used]
        earlier = [m for m in members[block] if mine and mine[0] <= m < li and (y is None or blocks[m][3] != y)]
        return bool(mine) and li > mine[-1] and all(m in used for m in earlier)

    fit_cache = {}  # at -> fits, for the chars being walked (cleared for each new chars)

    def fits(chars, at):
        """lines holding exactly chars[at:at + n] for some n"""
        hit = fit_cache.get(at)
        if hit is None:
            hit = fit_cache[at] = [(li, n) for n in sizes if at + n <= len(chars)
                                   for li in by_bag.get(tuple(sorted(chars[at:at + n])), ())]
        return hit

    def chain(chars, at, cur, used):
        # a bounded search: lines of equal letters (a generated case repeats its
        # words) make the walks many; past the budget the string stays unproved
        steps[0] += 1
        if steps[0] > CHAIN_BUDGET:
            return None
        if at == len(chars):
            return [cur]
        page, _, ends, y, block = blocks[cur]
        if not ends:  # the rest of its block comes next (pdfminer: any piece of its next visual line,
            # in any box: a table's next column boxed with this cell's line)
            nxt = follows.get(cur)
            cands = [] if nxt is None else [(li, n) for li, n in fits(chars, at) if li == nxt or (
                li not in used and y is not None and blocks[li][0] == page and blocks[nxt][3] is not None and
                abs(blocks[li][3] - blocks[nxt][3]) < 0.5)][:3]
        else:  # another block on the same page, before or after, that starts with the rest
            # (pdfminer: with a piece of its first visual line)
            cands = [(li, n) for li, n in fits(chars, at)
                     if blocks[li][0] == page and li not in used and (blocks[li][1] or first_row(li))][:3]
        if y is not None:  # or another piece of the same visual line, in any box
            cands += [(li, n) for li, n in fits(chars, at)
                      if blocks[li][0] == page and abs(blocks[li][3] - y) < 0.5 and li not in used][:3]
        # or a line of a block the unit has begun, every earlier row of it taken
        # (pdfminer: the pieces of one visual line, in any order)
        cands += [(li, n) for li, n in fits(chars, at) if li not in used and not blocks[li][1] and begun(li, used)][:3]
        for li, n in cands:
            rest = chain(chars, at + n, li, used | {li})
            if rest:
                return [cur] + rest
        return None

    units = set()
    steps = [0]
    for i in sorted(todo):
        if i in units:
            continue
        steps[0] = 0
        found = None
        for i0 in range(max(0, i - 3), i + 1):
            for j in range(i, min(i0 + 8, len(texts))):
                for block, need in between.blocks(texts, i0, j):
                    chars = solid(block)
                    fit_cache.clear()
                    for a, n in fits(chars, 0):
                        if n == need:
                            continue  # one whole line: the walk above decides it
                        picked = chain(chars, n, a, {a})
                        if picked and len({blocks[x][0] for x in picked}) == 1 and \
                                any(reordered_lines(block, [lines[x] for x in picked], bidi, r, False)
                                    for r in dirs.of(i0, j)):
                            found = (i0, j)
                            break
                    if found:
                        break
                if found:
                    break
            if found:
                break
        if found:
            units.update(range(found[0], found[1] + 1))
    return units


def spaces_or_breaks(s):
    """a pattern for s in which each space may be a line break"""
    return "".join("[ \n]" if c == " " else re.escape(c) for c in s)


def line_end_hyphen(expected, got, between, before=""):
    """is got the expected text with hyphens taken out, each one that MuPDF
    shows ending a line (the word was broken after its own hyphen)? A
    hyphen may begin the string (a Bengali suffix, «-এর», after a name):
    before is the string that comes before it, which the line then ends in."""
    e, full, turned = collapse(expected), between.full if between else "", ""
    b = collapse(before)
    for k, c in enumerate(e):
        if c in "-\u2010" and 0 <= k < len(e) - 1 and (k > 0 or b) and \
                re.search(spaces_or_breaks(e[max(0, k - 10):k + 1] if k else b[-10:] + c) + "\n" +
                          spaces_or_breaks(e[k + 1:k + 11]), full):
            continue
        turned += c
    return turned != e and turned in collapse(got)


def letter_spaced(expected, got, lines):
    """is got the expected text with spaces taken out only between the
    one-character words of poppler lines made of nothing else?"""
    e, g = collapse(expected), collapse(got)
    turned = e
    for words in lines:
        spaced = " ".join(words)
        m = re.search(" ?".join(re.escape(w) for w in words), g)
        if spaced in turned and m and m.group(0) != spaced:
            turned = turned.replace(spaced, m.group(0), 1)
    return turned != e and turned in g


def classify(reader, res, expected, texts, walk=None, index=None, reorder=None, between=None, blocks=None,
             boxes=None, before="", spaced_lines=()):
    v = res[reader]
    if reader == "poppler" and v["verdict"] == "FAIL(ws)" and \
            line_end_hyphen(expected, v.get("nearest") or "", between, before) and exact(res, ("pdfjs", "mupdf")):
        return "poppler-line-end-hyphen"
    if reader == "poppler" and v["verdict"] == "FAIL(ws)" and \
            letter_spaced(expected, v.get("nearest") or "", spaced_lines) and exact(res, ("pdfjs", "mupdf", "structtree")):
        return "poppler-letter-spacing"
    if reader == "poppler" and walk and exact(res, ("pdfjs", "structtree")) and \
            (index in walk[0] or (v["verdict"] == "ORDER" and index in walk[1])):
        return "poppler-page-direction"
    got = v.get("nearest") or ""
    if reader == "poppler" and v["verdict"] == "FAIL(ws)" and separator(expected, got) and exact(res, ("pdfjs", "mupdf")):
        return "poppler-separator"
    if reader == "pdfminer" and v["verdict"] in ("FAIL", "FAIL(ws)") and mixed(expected, got, texts.get(reader, [])) \
            and exact(res, ("pdfjs", "structtree")):
        return "mixed-line-order"
    if reader == "poppler" and reorder and exact(res, ("pdfjs", "mupdf", "structtree")) and \
            (index in reorder[0] or (v["verdict"] == "ORDER" and index in reorder[1])):
        return "poppler-reorder"
    if reader == "pdfminer" and v["verdict"] == "ORDER" and v.get("found") and exact(res, ("pdfjs", "mupdf")):
        return "pdfminer-box-order"
    if reader == "pdfminer" and index in (boxes or ()) and exact(res, ("pdfjs", "mupdf", "structtree")):
        return "pdfminer-box-order"
    if reader == "poppler" and blocks is not None and exact(res, ("pdfjs", "mupdf", "structtree")) and \
            ((v["verdict"] == "ORDER" and v.get("found")) or index in blocks):
        return "poppler-block-order"
    if reader in ("mupdf", "pdfminer") and v["verdict"] == "FAIL(ws)" and zwnj(expected, got) \
            and exact(res, ("pdfjs",)):
        return "zwnj-before-letter"
    return None


def main():
    d = json.load(open(sys.argv[1], encoding="utf-8"))
    texts = [e["text"] for e in json.load(open(sys.argv[2], encoding="utf-8"))]
    texts_by_reader, bidi, blocks_path, layout_path = {}, None, None, None
    for a in sys.argv[3:]:
        reader, path = a.split("=", 1)
        if reader == "bidi":
            bidi = Bidi(path)
            continue
        if reader == "poppler-blocks":
            blocks_path = path
            continue
        if reader == "pdfminer-layout":
            layout_path = path
            continue
        try:
            texts_by_reader[reader] = open(path, encoding="utf-8").read().split("\n")
        except OSError:  # a reader that wrote nothing proves nothing
            texts_by_reader[reader] = []
    if len(texts) != len(d["strings"]):
        print("FAIL: the round trip and EXPECTED.json list different strings")
        sys.exit(1)
    ok = True
    walk = page_walk(texts, texts_by_reader["poppler"]) if "poppler" in texts_by_reader else None
    lang = d.get("meta", {}).get("doc_lang", "")
    dirs = Directions(lang, [e.get("lang", "") for e in json.load(open(sys.argv[2], encoding="utf-8"))])
    between = Between(texts, texts_by_reader.get("mupdf", []))
    missed = {i for i, s in enumerate(d["strings"])
              if s["results"].get("poppler", {}).get("verdict") in ("FAIL", "FAIL(ws)")}
    reorder = line_walk(texts, texts_by_reader["poppler"], bidi, dirs, between, missed) \
        if bidi and "poppler" in texts_by_reader else None
    box_split = None
    if "pdfminer" in texts_by_reader:
        todo = {i for i, s in enumerate(d["strings"])
                if s["results"].get("pdfminer", {}).get("verdict") in ("FAIL", "FAIL(ws)")}
        box_split = block_walk(texts, texts_by_reader["pdfminer"], None, dirs, between,
                               pdfminer_boxes(texts_by_reader["pdfminer"], layout_path), todo)
    split = None
    if blocks_path and "poppler" in texts_by_reader:
        info = poppler_blocks(blocks_path, texts_by_reader["poppler"])
        todo = {i for i, s in enumerate(d["strings"])
                if s["results"].get("poppler", {}).get("verdict") in ("FAIL", "FAIL(ws)") and not (reorder and i in reorder[0])}
        split = block_walk(texts, texts_by_reader["poppler"], bidi, dirs, between, info, todo) if info else None
    spaced_lines = letter_spaced_lines(blocks_path)
    for index, (s, expected) in enumerate(zip(d["strings"], texts)):
        if not s["lang_check"]["ok"] or s.get("chars", "ok") != "ok":
            print(f"FAIL {s['id']}: /Lang or bad characters")
            ok = False
        for reader, v in s["results"].items():
            if v["verdict"] == "ok":
                continue
            if v.get("bad"):
                print(f"FAIL {s['id']} {reader}: bad characters")
                ok = False
                continue
            why = classify(reader, s["results"], expected, texts_by_reader, walk, index, reorder, between, split,
                           box_split, texts[index - 1] if index else "", spaced_lines)
            if why:
                print(f"LIMIT {why}: {s['id']} {reader}")
            else:
                print(f"FAIL {s['id']} {reader}: {v['verdict']} {v.get('why', '')[:200]}")
                ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
