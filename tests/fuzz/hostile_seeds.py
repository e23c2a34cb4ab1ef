#!/usr/bin/env python3
"""Seeds for the fuzzers from the hostile inputs of issue 13, written at fuzz
time (nothing big is committed):
    python3 tests/fuzz/hostile_seeds.py TARGET OUTDIR
Sizes stay under tools/fuzz.sh's -max_len, large enough that a quadratic
path costs seconds and trips the per-input -timeout (20,000 dots: about 5 s
before the fix without sanitizers), small enough that the linear code stays
well inside it on a loaded machine (libFuzzer's timeout is wall-clock)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "scaling"))
ROOT = os.path.dirname(os.path.dirname(HERE))
LEO = open(os.path.join(ROOT, "samples/class-4b/leo-clarke.xml"), encoding="utf-8").read()
ITEM = "<item>Leo is funny and kind, and great at football.</item>"

TEXTS = {
    "dots": "Leo said " + "." * 20000,
    "mixed-dots": "Leo \u0627\u0644\u0628\u064a\u062a" + ". " * 10000 + "home.",
    "nbsp": "Leo" + "\u00a0" * 20000 + "x",
    "marks": "a" + "\u0301" * 40000,
    "marks-ok": ("a" + "\u0301\u0302" * 10) * 2000,
    "selectors": "b" + "\ufe0f" * 300,
    "family": "😀 ❤️ Ａｂｃ ｱｲ ไทย 한국 ქართ 𝐀 \ue000 \u0378 🥲 🇬🇧 👨\u200d👩\u200d👧",
    "long-word": "abcdefghij" * 2000,
}


TEMPLATE_BODIES = {
    "emphasis": " ".join("**strong _em %d_ and** plain" % i for i in range(3000)),
    "list": "".join("  " * (i % 12) + "- item %d\n" % i for i in range(3000)),
    "table": "| a | b |\n| --- | --- |\n" + "".join("| %d | {{child.preferred-name}} |\n" % i for i in range(3000)),
    "empty": "",
}

# Targets whose inputs are small structured records (a manifest line, a name
# pattern, a CSV, a form post): the issue-13 inputs are case and template text
NO_HOSTILE_SEEDS = ("fuzz_manifest", "fuzz_names", "fuzz_serve_csv", "fuzz_serve_form")


def case_with(text, attrs=""):
    return LEO.replace(ITEM, "<item" + attrs + ">" + text + "</item>", 1)


def write(out, name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def main():
    target, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    if target == "fuzz_text":
        for name, t in TEXTS.items():
            for opt in (0x00, 0x21, 0x85):
                write(out, "%s-%02x" % (name, opt), bytes([opt]) + t.encode("utf-8"))
    elif target in ("fuzz_case", "fuzz_render"):
        pre = b"" if target == "fuzz_case" else b"\x00"
        for name, t in TEXTS.items():
            write(out, name, pre + case_with(t).encode("utf-8"))
        write(out, "attrs", pre + case_with("x", "".join(' a%d="1"' % i for i in range(5000))).encode("utf-8"))
        u16 = case_with("ไทย").replace('encoding="UTF-8"', 'encoding="UTF-16"')
        write(out, "utf16le", pre + b"\xff\xfe" + u16.encode("utf-16-le"))
        write(out, "utf16be", pre + b"\xfe\xff" + u16.encode("utf-16-be"))
    elif target in ("fuzz_template", "fuzz_lint_template"):
        # both take a first byte then a template; for fuzz_lint_template an
        # even first byte means "lint this template", an odd one "check this
        # --lang value", so the long values go in as --lang too
        for name, b in TEMPLATE_BODIES.items():
            write(out, name, b"\x00" + ("# T\n\n" + b if b else "").encode("utf-8"))
        if target == "fuzz_lint_template":
            write(out, "front-matter", b"\x00" + ("---\n" + "requires: child.legal-name: x\n" * 3000 + "---\n# T\n").encode("utf-8"))
            for name in ("dots", "family", "long-word"):
                write(out, "lang-" + name, b"\x01" + TEXTS[name].encode("utf-8"))
    elif target in NO_HOSTILE_SEEDS:
        pass  # their committed corpus is the whole of their seeds
    else:
        sys.exit("hostile_seeds.py: unknown target " + target + ": add its seeds, or add it to NO_HOSTILE_SEEDS")


main()
