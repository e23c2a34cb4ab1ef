#!/usr/bin/env python3
"""Consecutive expected strings as one unit of a reader's lines, for
reader_limits.py: the strings joined as the page draws them (JUNCTION where
two meet with no space, MuPDF's text for what no string holds), the
paragraph directions they may be set in, ICU's display order of a line
(tests/tools/bidivisual) against the order poppler saw, and the walks that
find such units in poppler's lines (line_walk, strays) and in poppler's
blocks or pdfminer's boxes (block_walk)."""
import re
import subprocess
import unicodedata
from collections import Counter

from reader_layout import CONTROLS, solid

RTL_LANGS = ("ar", "ur", "fa", "ps", "he", "yi", "sd", "ug", "ckb", "pa-Arab")


def collapse(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()



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
    document's; or, where no string of the run is in the document's
    language, the direction of any of their languages too (sendoc sets a
    paragraph of case text alone in its text's language, engine/layout.c
    para_direction: a Polish value in an Urdu letter reads left to right, an
    Urdu address with an English name in a Polish letter right to left)"""

    def __init__(self, doc_lang, langs=()):
        self.doc_lang, self.rtl, self.langs = doc_lang, is_rtl_lang(doc_lang), list(langs)

    def of(self, i0, j):
        own = set(self.langs[i0:j + 1])
        if j < len(self.langs) and own and "" not in own and self.doc_lang not in own and \
                any(is_rtl_lang(lang) != self.rtl for lang in own):
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
        # MuPDF's line break: a space or none (it breaks «+44 161» after «44»
        # and keeps no space)
        g = re.sub(r"\s+", lambda m: " " if " " in m.group() else JUNCTION, self.full[a:b])
        cut = [k for k, c in enumerate(g) if unicodedata.category(c)[0] == "L"]
        g = g[:cut[0]] if after and cut else g[cut[-1] + 1:] if cut else g
        return unicodedata.normalize("NFC", g).strip()

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


def units_around(texts, between, i):
    """the units a string may be proved in: with up to 3 strings before it
    (then 4: a «لـ» + name paragraph that pdfminer boxed in pieces) and up
    to 7 in all, each as Between joins them. The step budget is shared, so
    the farther start comes last, where it takes nothing from the others."""
    for i0 in list(range(max(0, i - 3), i + 1)) + ([i - 4] if i >= 4 else []):
        for j in range(i, min(i0 + 8, len(texts))):
            for block, need in between.blocks(texts, i0, j):
                yield i0, j, block, need


def strays(texts, lines, bidi, dirs, between, todo):
    """strings poppler did not give at all (FAIL) that the walk above lost
    its way before reaching (a heading poppler put before the text above
    it): a unit of lines anywhere that only poppler's reorderText turned
    (the same proof, wherever the lines stand)"""
    bags = [Counter(solid(l)) for l in lines]

    def fits(i0, j, block, need):
        have = Counter(solid(block))
        for a in range(len(lines)):
            if not bags[a] or bullet(lines[a]) or bags[a] - have:
                continue
            total, b = Counter(), a
            while b < min(len(lines), a + 10) and sum(total.values()) < need:
                if not bullet(lines[b]):
                    total += bags[b]
                b += 1
            if total == have and any(reordered_lines(block, [l for l in lines[a:b] if not bullet(l)], bidi, r)
                                     for r in dirs.of(i0, j)):
                return True
        return False

    found = set()
    for i in sorted(todo):
        if i not in found:
            hit = next(((i0, j) for i0, j, block, need in units_around(texts, between, i)
                        if fits(i0, j, block, need)), None)
            if hit:
                found.update(range(hit[0], hit[1] + 1))
    return found


LRE, RLE, PDF = "\u202a", "\u202b", "\u202c"


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

    def row(li):
        """poppler: the bottom of the line's box, the same for pieces of one
        visual line set in one font"""
        return blocks[li][5] if len(blocks[li]) > 5 else None

    def first_row(li):
        """is li on the first visual line of its block (baselines known)?"""
        _, _, _, y, block = blocks[li][:5]
        return y is not None and all(blocks[m][3] == y for m in members[block] if m < li)

    def begun(li, used):
        """is li in a block the unit has begun, every line on an earlier row
        of it (another baseline, or any earlier line where none is known)
        from the unit's first line in it on taken? (rows before that are
        earlier strings': a label column pdfminer boxed with a wrapped
        value's last word)"""
        _, _, _, y, block = blocks[li][:5]
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
        page, _, ends, y, block = blocks[cur][:5]
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
        elif row(cur) is not None:  # (poppler: a whole block of its own on the same row, the
            # bottom of its line where the line's own bottom is: a piece it split off)
            cands += [(li, n) for li, n in fits(chars, at)
                      if blocks[li][0] == page and blocks[li][1] and blocks[li][2] and li not in used and
                      row(li) is not None and abs(row(li) - row(cur)) < 0.01][:3]
        # or a line of a block the unit has begun, every earlier row of it taken
        # (pdfminer: the pieces of one visual line, in any order)
        cands += [(li, n) for li, n in fits(chars, at) if li not in used and not blocks[li][1] and begun(li, used)][:3]
        for li, n in cands:
            rest = chain(chars, at + n, li, used | {li})
            if rest:
                return [cur] + rest
        return None

    def walked(i0, j, block, need):
        """lines of blocks, a run of lines ending one and the next starting
        another (or going on as above), holding the unit in order"""
        chars = solid(block)
        # the unit must end where some line ends: most of the ways Between
        # joins a unit (each length of the text around it) fail here, cheaply
        if not any(tuple(sorted(chars[len(chars) - n:])) in by_bag for n in sizes if n <= len(chars)):
            return False
        fit_cache.clear()
        for a, n in fits(chars, 0):
            if n == need:
                continue  # one whole line: the walk above decides it
            picked = chain(chars, n, a, {a})
            if picked and len({blocks[x][0] for x in picked}) == 1 and \
                    any(reordered_lines(block, [lines[x] for x in picked], bidi, r, False) for r in dirs.of(i0, j)):
                return True
        return False

    units = set()
    steps = [0]
    for i in sorted(todo):
        if i in units:
            continue
        steps[0] = 0
        found = next(((i0, j) for i0, j, block, need in units_around(texts, between, i)
                      if walked(i0, j, block, need)), None)
        if found:
            units.update(range(found[0], found[1] + 1))
    return units


def spaces_or_breaks(s):
    """a pattern for s in which each space may be a line break"""
    return "".join("[ \n]" if c == " " else re.escape(c) for c in s)
