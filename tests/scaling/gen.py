#!/usr/bin/env python3
"""Writes one hostile input of a given size, for the doubling test and the
regression tests of issue 13:
    python3 tests/scaling/gen.py KIND N OUTDIR
prints the sendoc arguments that render it (a case, or a case and a template).
Kinds: dots spaces mixeddots attrs marks cluster word emphasis list table.
Every case is Leo's sample case (samples/class-4b) with one part replaced."""
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BASE = open(os.path.join(ROOT, "samples/class-4b/leo-clarke.xml"), encoding="utf-8").read()


def case(text=None, attrs=""):
    """Leo's case with his first strength replaced (the one-page profile prints it)."""
    s = BASE
    if text is not None:
        s = s.replace("<item>Leo is funny and kind, and great at football.</item>",
                      "<item" + attrs + ">" + text + "</item>", 1)
    return s


def main():
    kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.makedirs(os.path.join(out, "photos"), exist_ok=True)
    shutil.copy(os.path.join(ROOT, "samples/class-4b/photos/leo.png"), os.path.join(out, "photos/leo.png"))
    tpl = None
    if kind == "dots":
        xml = case("Leo said " + "." * n + " then stopped.")
    elif kind == "spaces":
        # no-break spaces: XML keeps them, and they are bidi neutrals (CS)
        xml = case("Leo said" + "\u00a0" * n + "then stopped.")
    elif kind == "mixeddots":
        # neutrals between two directions: the slow path of neutrals_follow_direction
        xml = case("Leo \u0627\u0644\u0628\u064a\u062a" + ". " * (n // 2) + "home.")
    elif kind == "attrs":
        xml = case("Leo.", "".join(' a%d="x"' % i for i in range(n)))
    elif kind == "marks":
        # n combining marks, 20 on each letter (within Unicode's stream-safe 30)
        xml = case("Leo " + ("a" + "\u0301\u0302" * 10) * (n // 20) + " b.")
    elif kind == "cluster":
        # n marks on one letter: refused (text.cluster), in time linear in n
        xml = case("Leo a" + "\u0301" * n + " b.")
    elif kind == "word":
        xml = case("Leo " + "abcdefghij" * (n // 10) + " end.")
    else:
        xml = case()
        body = ""
        if kind == "emphasis":
            body = " ".join("**strong _em %d_ and** plain" % i for i in range(n)) + "\n"
        elif kind == "list":
            body = "".join("  " * (i % 12) + "- item %d\n" % i for i in range(n))
        elif kind == "table":
            body = "| one | two | three |\n| --- | --- | --- |\n" + "".join(
                "| cell %d | {{child.preferred-name}} | x |\n" % i for i in range(n))
        else:
            sys.exit("gen.py: unknown kind " + kind)
        tpl = os.path.join(out, "t.md")
        with open(tpl, "w", encoding="utf-8") as f:
            f.write("# Profile of {{child.preferred-name}}\n\n" + body)
    path = os.path.join(out, "case.xml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(xml)
    if not tpl:
        tpl = os.path.join(out, "t.md")
        with open(tpl, "w", encoding="utf-8") as f:
            f.write("# Strengths of {{child.preferred-name}}\n\n{{#each strengths}}\n\n- {{.}}\n\n{{/each}}\n")
    print(path, "--template", tpl)


main()
