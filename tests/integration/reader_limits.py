#!/usr/bin/env python3
"""Classifies every miss of a strict five-reader text round trip (issue 15).

usage: text_roundtrip.py PDF EXPECTED.json --readers LIST --strict --json > RT.json
       reader_limits.py RT.json EXPECTED.json [poppler=TEXT] [pdfminer=TEXT] [mupdf=TEXT]
                        [poppler-blocks=HTML] [pdfminer-layout=JSON] [bidi=BIDIVISUAL]
                        [pdfjs-pages=JSON]
(TEXT: the reader's whole text, for a mixed line the round trip's nearest
match cuts short; MuPDF's (mutool draw -F txt) says which punctuation the
document draws around the strings; HTML: pdftotext -bbox-layout, poppler's
blocks; JSON: pdfminer_layout.py, pdfminer's boxes and baselines; BIDIVISUAL: build/tools/bidivisual, the
Unicode Bidirectional Algorithm's display order from ICU; pdfjs-pages: reading_order.mjs --json
--artifacts, pdf.js's text and artifact text page by page)

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
  page-furniture (pdfjs, poppler, mupdf, pdfminer): a page's running
    header, footer, page number and repeated column headers are /Artifact,
    which the structure tree leaves out; the readers that follow the
    content stream or the page read them with the page, so a string that
    runs on over a page break has the furniture inside it. Proof
    (reader_pages.py): the structure tree gives the string exactly, and
    in the reader's text with each page's furniture taken off its two ends
    (pdf.js's list of the page's artifact text, reading_order.mjs
    --artifacts) the string runs whole across the break (FAIL); or (ORDER)
    an earlier string the round trip did not find out of order runs across
    one, and from it on every string up to this one follows in order (the
    round trip took a later copy of the cut string). A string it explains
    counts as read exactly when another limit is proved against this
    reader.
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
import sys
import unicodedata

from reader_layout import CONTROLS, letter_spaced_lines, pdfminer_boxes, poppler_blocks
from reader_pages import Unfurnished, furniture
from reader_units import Between, Bidi, Directions, block_walk, collapse, line_walk, spaces_or_breaks

ZWNJ = "\u200c"


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
    texts_by_reader, bidi, blocks_path, layout_path, pages = {}, None, None, None, None
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
        if reader == "pdfjs-pages":
            pages = furniture(path)
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
    # page furniture first: a string it explains counts as read exactly
    # when another reader's limit is proved against this reader's text
    furniture_walks, furnished = {}, set()
    for reader in ("pdfjs", "poppler", "mupdf", "pdfminer"):
        if pages and any(s["results"].get(reader, {}).get("verdict", "ok") != "ok" for s in d["strings"]):
            furniture_walks[reader] = Unfurnished(reader, "\n".join(texts_by_reader.get(reader, [])), pages)
    verdicts = {r: [s["results"].get(r, {}).get("verdict", "ok") for s in d["strings"]] for r in furniture_walks}
    for index, s in enumerate(d["strings"]):
        for reader, v in s["results"].items():
            if reader in furniture_walks and exact(s["results"], ("structtree",)) and \
                    furniture_walks[reader].explains(texts, verdicts[reader], index):
                furnished.add((index, reader))
    for index, (s, expected) in enumerate(zip(d["strings"], texts)):
        if not s["lang_check"]["ok"] or s.get("chars", "ok") != "ok":
            print(f"FAIL {s['id']}: /Lang or bad characters")
            ok = False
        results = {r: {"verdict": "ok"} if (index, r) in furnished else v for r, v in s["results"].items()}
        for reader, v in s["results"].items():
            if v["verdict"] == "ok":
                continue
            if (index, reader) in furnished:
                print(f"LIMIT page-furniture: {s['id']} {reader}")
                continue
            if v.get("bad"):
                print(f"FAIL {s['id']} {reader}: bad characters")
                ok = False
                continue
            why = classify(reader, results, expected, texts_by_reader, walk, index, reorder, between, split,
                           box_split, texts[index - 1] if index else "", spaced_lines)
            if why:
                print(f"LIMIT {why}: {s['id']} {reader}")
            else:
                print(f"FAIL {s['id']} {reader}: {v['verdict']} {v.get('why', '')[:200]}")
                ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
