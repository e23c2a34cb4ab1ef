#!/usr/bin/env python3
"""pdfminer.six's own layout of a PDF, for reader_limits.py.

usage: pdfminer_layout.py PDF > LAYOUT.json

The same analysis extract_text runs (default LAParams): for each page, its
text boxes in the order extract_text writes them, each a list of its lines
with their text and baseline (where most of its glyphs stand, in points). A
reader's text alone does not say where a line stood; this does, so a proof
can tell two pieces of one visual line (pdfminer splits a line where its
drawing jumps over a run of the other direction) from lines far apart."""
import json
import sys
from collections import Counter

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTTextBox, LTTextLine


def baseline(line):
    """the text origin most of the line's glyphs share (boxes differ by font:
    a Latin run's descent is not an Arabic one's)"""
    ys = Counter(round(c.matrix[5], 1) for c in line if isinstance(c, LTChar))
    return ys.most_common(1)[0][0] if ys else round(line.y0, 1)


def main():
    pages = []
    for page in extract_pages(sys.argv[1], laparams=LAParams()):
        boxes = []
        for item in page:
            if isinstance(item, LTTextBox):
                boxes.append([{"text": line.get_text().rstrip("\n"), "y": baseline(line)}
                              for line in item if isinstance(line, LTTextLine)])
        pages.append(boxes)
    json.dump(pages, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
