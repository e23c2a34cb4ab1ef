#!/usr/bin/env python3
"""Makes every case below DIR tell a new story: each element text of three
words or more has its letters swapped by a permutation seeded with the case's
number (the digits before .xml), so no paragraph recurs from case to case
while lengths, scripts and layout stay those of the sample. Used by
tools/bench.sh for the batch where nothing can come from the shape caches.
  python3 tools/fresh_text.py DIR"""
import os
import random
import re
import sys
import unicodedata

ELEMENT_TEXT = re.compile(r'(<([a-z-]+)\b[^>]*>)([^<]+)(</\2>)')


def fresh(text, seed):
    letters = sorted({ch for ch in text if unicodedata.category(ch) in ('Ll', 'Lo')})
    if len(letters) < 10:
        return text
    shuffled = letters[:]
    random.Random(seed).shuffle(shuffled)
    swap = dict(zip(letters, shuffled))
    return ''.join(swap.get(ch, ch) for ch in text)


def main(top):
    for root, _, files in os.walk(top):
        for name in files:
            m = re.search(r'(\d+)\.xml$', name)
            if not m:
                continue
            path = os.path.join(root, name)
            seed = int(m.group(1)) * 7919 + sum(map(ord, root))
            with open(path, encoding='utf-8') as f:
                xml = f.read()
            xml = ELEMENT_TEXT.sub(lambda t: t.group(1) + (fresh(t.group(3), seed) if len(t.group(3).split()) >= 3
                                                            else t.group(3)) + t.group(4), xml)
            with open(path, 'w', encoding='utf-8') as f:
                f.write(xml)


if __name__ == '__main__':
    main(sys.argv[1])
