#!/usr/bin/env python3
"""reader_limits.py accepts each proved limit and nothing near it."""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OK = {"verdict": "ok"}


def run(expected, results, texts=None):
    with tempfile.TemporaryDirectory() as d:
        rt = {"strings": [{"id": "x/0", "lang": "x", "results": results, "lang_check": {"ok": True}, "chars": "ok"}]}
        open(os.path.join(d, "rt.json"), "w", encoding="utf-8").write(json.dumps(rt))
        open(os.path.join(d, "exp.json"), "w", encoding="utf-8").write(json.dumps([{"lang": "x", "text": expected}]))
        args = []
        for reader, text in (texts or {}).items():
            open(os.path.join(d, reader), "w", encoding="utf-8").write(text)
            args.append("%s=%s" % (reader, os.path.join(d, reader)))
        p = subprocess.run([sys.executable, os.path.join(HERE, "reader_limits.py"), os.path.join(d, "rt.json"),
                            os.path.join(d, "exp.json")] + args, capture_output=True, text=True)
        return p.returncode, p.stdout


def five(**bad):
    r = {k: OK for k in ("pdfjs", "poppler", "mupdf", "pdfminer", "structtree")}
    r.update(bad)
    return r


fails = 0
cases = 0


def expect(name, got, rc, word):
    global fails, cases
    cases += 1
    if got[0] != rc or word not in got[1]:
        fails += 1
        print("FAIL %s: rc %d, %s" % (name, got[0], got[1].strip()))


comma = "میرے ایڈز، اور کلاس"
expect("comma", run(comma, five(poppler={"verdict": "FAIL(ws)", "nearest": "میرے ایڈز ،اور کلاس"})), 0,
       "poppler-separator")
expect("comma, other change", run(comma, five(poppler={"verdict": "FAIL(ws)", "nearest": "میرے ایڈز ،اورکلاس"})), 1,
       "FAIL")
expect("comma, mupdf wrong too", run(comma, five(poppler={"verdict": "FAIL(ws)", "nearest": "میرے ایڈز ،اور کلاس"},
                                                mupdf={"verdict": "FAIL(rev)", "nearest": ""})), 1, "FAIL")
mixed = "د Bilal یو مخیزه"
expect("mixed", run(mixed, five(pdfminer={"verdict": "FAIL", "nearest": "یو مخیزهBilal د"})), 0, "mixed-line-order")
# poppler's reordering is proved against the bidi algorithm (poppler-reorder), not by its letters alone
expect("mixed, poppler", run(mixed, five(poppler={"verdict": "FAIL", "nearest": "یو مخیزهBilal د"})), 1, "FAIL")
expect("mixed, whole line", run(mixed, five(pdfminer={"verdict": "FAIL", "nearest": "یو مخیزه"}),
                                {"pdfminer": "x\nیو مخیزه Bilal د\n"}), 0, "mixed-line-order")
expect("mixed, a letter lost", run(mixed, five(pdfminer={"verdict": "FAIL", "nearest": "یو مخیزهBila د"})), 1, "FAIL")
expect("not mixed", run("یو مخیزه", five(pdfminer={"verdict": "FAIL", "nearest": "مخیزه یو"})), 1, "FAIL")
expect("box order", run("a b", five(pdfminer={"verdict": "ORDER", "found": True})), 0, "pdfminer-box-order")
expect("box order, pdf.js too", run("a b", five(pdfminer={"verdict": "ORDER", "found": True},
                                               pdfjs={"verdict": "ORDER", "found": True})), 1, "FAIL")
zw = "تحسین می\u200cکنند"
expect("zwnj", run(zw, five(mupdf={"verdict": "FAIL(ws)", "nearest": "تحسین م\u200cیکنند"})), 0, "zwnj-before-letter")
expect("zwnj dropped", run(zw, five(mupdf={"verdict": "FAIL(ws)", "nearest": "تحسین میکنند"})), 1, "FAIL")
colon = "للمراجعة: هذه الملاحظات. يُرجى"
expect("colon and full stop", run(colon, five(poppler={"verdict": "FAIL(ws)", "nearest": "للمراجعة :هذه الملاحظات .يُرجى"})), 0,
       "poppler-separator")
expect("colon, space lost", run(colon, five(poppler={"verdict": "FAIL(ws)", "nearest": "للمراجعة:هذه الملاحظات .يُرجى"})), 1,
       "FAIL")
expect("pdf.js space", run(mixed, five(pdfjs={"verdict": "FAIL(ws)", "nearest": "دBilal یو مخیزه"})), 1, "FAIL")


def bbox_layout(pages):
    """pdftotext -bbox-layout's page, block, line and word elements (a word
    per character, as for a right-to-left line; positions do not matter but
    a line's bottom: each line its own row unless given as (line, bottom))"""
    out = ["<doc>"]
    for page in pages:
        out.append('<page width="595" height="842"><flow>')
        for block in page:
            out.append('<block xMin="0" yMin="0" xMax="1" yMax="1">')
            for line in block:
                line, bottom = line if isinstance(line, tuple) else (line, 100 + len(out))
                out.append('<line xMin="0" yMin="0" xMax="1" yMax="%s">' % bottom + "".join(
                    '<word xMin="0" yMin="0" xMax="1" yMax="1">%s</word>' % c for c in line if not c.isspace()) + "</line>")
            out.append("</block>")
        out.append("</flow></page>")
    return "\n".join(out + ["</doc>"])


def run_many(strings, poppler_text, bidi=None, lang="x", mupdf_text=None, pages=None, langs=None):
    """several strings (text, poppler verdict); poppler's whole text given;
    bidi: the bidivisual tool; mupdf_text: MuPDF's whole text; pages:
    poppler's blocks as pdftotext -bbox-layout lists them, [[[line, ...]]];
    langs: each string's language (default: the document's)"""
    langs = langs or [lang] * len(strings)
    with tempfile.TemporaryDirectory() as d:
        rt = {"meta": {"doc_lang": lang}, "strings": [{"id": "x/%d" % i, "lang": "x", "lang_check": {"ok": True}, "chars": "ok",
                           "results": five(poppler={"verdict": v, "found": True}) if v != "ok" else five()}
                          for i, (_, v) in enumerate(strings)]}
        open(os.path.join(d, "rt.json"), "w", encoding="utf-8").write(json.dumps(rt))
        open(os.path.join(d, "exp.json"), "w", encoding="utf-8").write(
            json.dumps([{"lang": lg, "text": t} for (t, _), lg in zip(strings, langs)]))
        open(os.path.join(d, "poppler"), "w", encoding="utf-8").write(poppler_text)
        if mupdf_text is not None:
            open(os.path.join(d, "mupdf"), "w", encoding="utf-8").write(mupdf_text)
        if pages is not None:
            open(os.path.join(d, "bbox"), "w", encoding="utf-8").write(bbox_layout(pages))
        p = subprocess.run([sys.executable, os.path.join(HERE, "reader_limits.py"), os.path.join(d, "rt.json"),
                            os.path.join(d, "exp.json"), "poppler=" + os.path.join(d, "poppler")] +
                           (["bidi=" + bidi] if bidi else []) +
                           (["mupdf=" + os.path.join(d, "mupdf")] if mupdf_text is not None else []) +
                           (["poppler-blocks=" + os.path.join(d, "bbox")] if pages is not None else []),
                           capture_output=True, text=True)
        return p.returncode, p.stdout


title = [("معرفی یک‌صفحه‌ای ", "ok"), ("Bilal", "ok"), ("آنچه دیگران", "ORDER"),
         ("Bilal is friendly and says good morning.", "ORDER"), ("He loves football.", "ok")]
page = "Bilal \u202bمعرفی یک‌صفحه‌ای\u202c\n\u202bآنچه دیگران\u202c\nBilal is friendly and says good morning.\n\nHe loves football.\n\f"
expect("page direction", run_many(title, page), 0, "poppler-page-direction")
expect("page direction, page mostly right to left",
       run_many(title + [("یک‌صفحه‌ای آنچه دیگران معرفی", "ok")] * 3, page.replace("\f", "یک‌صفحه‌ای آنچه دیگران معرفی\n" * 3 + "\f")), 1, "FAIL")
expect("page direction, a letter lost", run_many(title, page.replace("Bilal \u202b", "Bila \u202b")), 1, "FAIL")
expect("page direction, later lines swapped",
       run_many(title, "Bilal معرفی یک‌صفحه‌ای\nBilal is friendly and says good morning.\nآنچه دیگران\nHe loves football.\n"),
       1, "FAIL")
# poppler-reorder: "تاریخ: 21 ستمبر" is shown (bidi algorithm, right-to-left
# paragraph) as "ربمتس 21 :خیرات" left to right; pdftotext writes the right-to-
# left run, then the marked run " 21 :" (digits and the colon count as a
# number), then the rest: its text reads "تاریخ 21 :ستمبر".
BIDI = os.environ.get("BIDIVISUAL") or os.path.join(HERE, "..", "..", "build", "tools", "bidivisual")
if not os.access(BIDI, os.X_OK):
    print("FAIL: no bidivisual tool at %s (set BIDIVISUAL; make builds it)" % BIDI)
    sys.exit(1)
R, L, P = "\u202b", "\u202a", "\u202c"
date = [("تاریخ: 21 ستمبر", "FAIL"), ("Bilal", "ok")]
shown = R + "تاریخ" + L + " 21 :" + P + "ستمبر" + P + "\n" + "Bilal\n"
expect("reorder", run_many(date, shown, BIDI, "ur"), 0, "poppler-reorder")
expect("reorder, no bidi oracle", run_many(date, shown), 1, "FAIL")
expect("reorder, a letter lost", run_many(date, shown.replace("ستمبر", "ستمب"), BIDI, "ur"), 1, "FAIL")
expect("reorder, drawn in another order", run_many(date, R + "تاریخ" + L + " :21 " + P + "ستمبر" + P + "\nBilal\n", BIDI, "ur"),
       1, "FAIL")
expect("reorder, a right-to-left run reversed",
       run_many(date, R + "خیرات" + L + " 21 :" + P + "ستمبر" + P + "\nBilal\n", BIDI, "ur"), 1, "FAIL")
# "تاریخ Bilal" in a right-to-left paragraph shows "Bilal خیرات"; drawn as a
# left-to-right paragraph would ("خیرات Bilal"), pdftotext on a right-to-left
# page writes "Bilal تاریخ": proved only where that is the document's direction
named = [("تاریخ Bilal", "FAIL"), ("اور", "ok")]
ltr_drawn = R + L + " Bilal" + P + "تاریخ" + P + "\nاور\n"
expect("reorder, drawn in the wrong paragraph direction", run_many(named, ltr_drawn, BIDI, "ur"), 1, "FAIL")
expect("reorder, the document's paragraph direction", run_many(named, ltr_drawn, BIDI, "en-GB"), 0, "poppler-reorder")
expect("reorder, a word more on the line", run_many(date, shown.replace("تاریخ", "تاریخ اور", 1), BIDI, "ur"), 1, "FAIL")
# a template writes a name straight after the prefix «لـ» (no space), and
# the expected strings are trimmed elsewhere («Bilal» then «هي الأهم.», a
# space between): where two strings meet, poppler's line says which
prefix = [("نودّ دعوتكم لـ", "ORDER"), ("Bilal", "ok"), (". هي اجتماع", "FAIL")]
prefixed = R + " هي اجتماع" + P + ".Bilal" + R + "نودّ دعوتكم لـ" + P + "\n"
expect("reorder, a name after a prefix", run_many(prefix, prefixed, BIDI, "ar"), 0, "poppler-reorder")
expect("reorder, a name after a prefix, a space lost inside a string",
       run_many(prefix, prefixed.replace("نودّ دعوتكم", "نودّدعوتكم"), BIDI, "ar"), 1, "FAIL")
expect("reorder, a name after a prefix, a space put inside a word",
       run_many(prefix, prefixed.replace("Bilal", "Bil al"), BIDI, "ar"), 1, "FAIL")
# a Polish value with an Arabic name, a paragraph of case text alone in an
# Urdu letter, is set left to right (its language's direction): pdftotext on a
# right-to-left page writes «& محمد» first, then the Polish words
polish = [("Pomoc ogród muzyka محمد &", "FAIL"), ("اور", "ok")]
polish_read = R + "& محمد " + L + "Pomoc ogród muzyka" + P + P + "\n" + R + "اور" + P + "\n"
expect("reorder, a paragraph in its own language's direction",
       run_many(polish, polish_read, BIDI, "ur", langs=["pl", "ur"]), 0, "poppler-reorder")
expect("reorder, a paragraph in its own language's direction, said to be Urdu",
       run_many(polish, polish_read, BIDI, "ur"), 1, "FAIL")
# an Urdu address ending in an English name, case text alone in a Polish
# letter, is set right to left: pdftotext on a left-to-right page writes the
# name first on the address's second line
address = [("کھیل کتاب اسکول ", "FAIL"), ("Zofia", "ORDER"), ("Szanowni", "ok")]
address_read = R + "کھیل کتاب" + P + "\nZofia " + R + "اسکول" + P + "\nSzanowni\n"
expect("reorder, case text alone in the other direction",
       run_many(address, address_read, BIDI, "pl", langs=["ur", "en-GB", "pl"]), 0, "poppler-reorder")
expect("reorder, case text alone in the other direction, with the document's language",
       run_many(address, address_read, BIDI, "pl", langs=["ur", "pl", "pl"]), 1, "FAIL")
# the quotation marks round an English quote in an Urdu plan are in no
# expected string (a span of punctuation alone), but poppler's line holds
# them: MuPDF, which reads the content stream in order, says where they stand
quote = [("وہ کہتا ہے", "ok"), ("I like it.", "FAIL"), ("اور", "ok")]
quoted = R + "وہ کہتا ہے" + P + "\n" + R + "“" + L + "”.I like it" + P + P + "\n" + R + "اور" + P + "\n"
in_mupdf = "وہ کہتا ہے\n“\nI like it\n.”\nاور\n"
expect("reorder, quotation marks", run_many(quote, quoted, BIDI, "ur", in_mupdf), 0, "poppler-reorder")
expect("reorder, quotation marks, no MuPDF text", run_many(quote, quoted, BIDI, "ur"), 1, "FAIL")
expect("reorder, quotation marks MuPDF does not have",
       run_many(quote, quoted, BIDI, "ur", in_mupdf.replace("“", "")), 1, "FAIL")
expect("reorder, quotation marks turned round",
       run_many(quote, quoted.replace("“" + L + "”.", "”" + L + "“."), BIDI, "ur", in_mupdf), 1, "FAIL")
expect("reorder, a letter beside the marks",
       run_many(quote, quoted.replace("“" + L, "“ہ" + L), BIDI, "ur", in_mupdf.replace("“", "“ہ")), 1, "FAIL")
# pdftotext drops a hyphen that ends a line and runs the word on
senco = "the special educational needs co-ordinator (SENCo)"
broken = "the special educational needs co-\nordinator (SENCo)\n"


def hyphen(got, mupdf_text):
    return run(senco, five(poppler={"verdict": "FAIL(ws)", "nearest": got}), {"mupdf": mupdf_text})


expect("hyphen at a line end", hyphen(senco.replace("co-", "co"), broken), 0, "poppler-line-end-hyphen")
expect("hyphen not at a line end", hyphen(senco.replace("co-", "co"), broken.replace("-\n", "-")), 1, "FAIL")
expect("hyphen at a line end, a bracket lost too", hyphen(senco.replace("co-", "co").replace("(", ""), broken), 1, "FAIL")

# a hyphen that begins a string (a Bengali suffix after a name) ends the line
# after the string before it


def suffix(got, mupdf_text, hyphen_first="-এর বিষয়ে কাগজপত্র"):
    with tempfile.TemporaryDirectory() as d:
        rt = {"strings": [{"id": "bn/%d" % i, "lang": "bn", "lang_check": {"ok": True}, "chars": "ok", "results": r}
                          for i, r in enumerate((five(), five(poppler={"verdict": "FAIL(ws)", "nearest": got})))]}
        open(os.path.join(d, "rt.json"), "w", encoding="utf-8").write(json.dumps(rt))
        open(os.path.join(d, "exp.json"), "w", encoding="utf-8").write(
            json.dumps([{"lang": "en-GB", "text": "calm patient"}, {"lang": "bn", "text": hyphen_first}]))
        open(os.path.join(d, "mupdf"), "w", encoding="utf-8").write(mupdf_text)
        p = subprocess.run([sys.executable, os.path.join(HERE, "reader_limits.py"), os.path.join(d, "rt.json"),
                            os.path.join(d, "exp.json"), "mupdf=" + os.path.join(d, "mupdf")], capture_output=True, text=True)
        return p.returncode, p.stdout


expect("hyphen beginning a string, at a line end", suffix("patientএর বিষয়ে কাগজপত্র", "calm patient-\nএর বিষয়ে কাগজপত্র\n"), 0,
       "poppler-line-end-hyphen")
expect("hyphen beginning a string, not at a line end",
       suffix("patientএর বিষয়ে কাগজপত্র", "calm patient-এর বিষয়ে\nকাগজপত্র\n"), 1, "FAIL")
expect("hyphen beginning a string, after another string",
       suffix("patientএর বিষয়ে কাগজপত্র", "calm other-\nএর বিষয়ে কাগজপত্র\n"), 1, "FAIL")
# poppler reads a line of one-character words as letter-spaced text
lt = "kind a < b > c"


def letters(got, words, **bad):
    with tempfile.TemporaryDirectory() as d:
        open(os.path.join(d, "bbox"), "w", encoding="utf-8").write(bbox_layout([[[words]]]).replace(
            "".join('<word xMin="0" yMin="0" xMax="1" yMax="1">%s</word>' % c for c in words if not c.isspace()),
            "".join('<word xMin="0" yMin="0" xMax="1" yMax="1">%s</word>' % w.replace("<", "&lt;").replace(">", "&gt;")
                    for w in words.split())))
        rt = {"strings": [{"id": "x/0", "lang": "x", "lang_check": {"ok": True}, "chars": "ok",
                           "results": five(poppler={"verdict": "FAIL(ws)", "nearest": got}, **bad)}]}
        open(os.path.join(d, "rt.json"), "w", encoding="utf-8").write(json.dumps(rt))
        open(os.path.join(d, "exp.json"), "w", encoding="utf-8").write(json.dumps([{"lang": "x", "text": lt}]))
        p = subprocess.run([sys.executable, os.path.join(HERE, "reader_limits.py"), os.path.join(d, "rt.json"),
                            os.path.join(d, "exp.json"), "poppler-blocks=" + os.path.join(d, "bbox")],
                           capture_output=True, text=True)
        return p.returncode, p.stdout


expect("letter-spaced line", letters("kind a < b>c", "b > c"), 0, "poppler-letter-spacing")
expect("letter-spaced line, one space kept", letters("kind a < b >c", "> c"), 0, "poppler-letter-spacing")
expect("letter-spaced line, a word of two letters", letters("kind a < b>c", "b > cc"), 1, "FAIL")
expect("letter-spaced line, a space lost elsewhere", letters("kinda < b>c", "b > c"), 1, "FAIL")
expect("letter-spaced line, pdf.js wrong too", letters("kind a < b>c", "b > c", pdfjs={"verdict": "FAIL(ws)", "nearest": "x"}),
       1, "FAIL")
# poppler-block-order: poppler joins lines into a block only when their
# baselines are at most 1.5 font sizes apart; Nastaliq lines are further
# apart, so a list item's wrapped line is a block of its own, and poppler may
# put the next item's bullet and text before it
first, wrap, second, third = "میٹنگ سے پہلے ہم رپورٹس بھیجیں گے", "ملے۔", "دوسری بات", "تیسری بات"
items = [(first + " " + wrap, "FAIL"), (second, "ok"), (third, "ok")]
apart = first + "\n•\n" + second + "\n•\n" + wrap + "\n" + third + "\n"
own_blocks = [[[first], ["•"], [second], ["•"], [wrap], [third]]]
expect("block order, a wrapped line after the next item", run_many(items, apart, BIDI, "ur", pages=own_blocks), 0,
       "poppler-block-order")
expect("block order, no blocks from poppler", run_many(items, apart, BIDI, "ur"), 1, "FAIL")
expect("block order, a line of the same block between",
       run_many(items, first + "\n" + second + "\n•\n•\n" + wrap + "\n" + third + "\n", BIDI, "ur",
                pages=[[[first, second], ["•"], ["•"], [wrap], [third]]]), 1, "FAIL")
expect("block order, the wrapped line on the next page",
       run_many(items, apart.replace(wrap, "\f" + wrap), BIDI, "ur",
                pages=[[[first], ["•"], [second], ["•"]], [[wrap], [third]]]), 1, "FAIL")
expect("block order, a letter lost", run_many(items, apart.replace(wrap, "ملے"), BIDI, "ur",
                                              pages=[[[first], ["•"], [second], ["•"], ["ملے"], [third]]]), 1, "FAIL")
expect("block order, blocks that are not poppler's lines", run_many(items, apart, BIDI, "ur",
                                                                    pages=[[[first], [second], [wrap]]]), 1, "FAIL")
# poppler sets the left end of a right-to-left paragraph's first line apart
# as a block of its own (the same row: its line's bottom where the first
# line's is) and puts it after the paragraph's second line
w = ["نودّ", "دعوتكم", "يسير", "الأهم"]
split_off = [(" ".join(w), "FAIL"), ("متى", "ok")]
split_text = w[0] + " " + w[1] + "\n" + w[3] + "\n\n" + w[2] + "\n\nمتى\n"
expect("block order, a piece of a line set apart",
       run_many(split_off, split_text, BIDI, "ar", pages=[[[(w[0] + " " + w[1], 214.03), (w[3], 236.2)],
                                                          [(w[2], 214.03)], [("متى", 260)]]]), 0, "poppler-block-order")
expect("block order, a piece of a line set apart, another row",
       run_many(split_off, split_text, BIDI, "ar", pages=[[[(w[0] + " " + w[1], 214.03), (w[3], 236.2)],
                                                          [(w[2], 220)], [("متى", 260)]]]), 1, "FAIL")
swapped = [("a b", "ok"), ("c d", "ORDER")]
expect("block order, a block before an earlier one", run_many(swapped, "c d\n\na b\n", pages=[[["c d"], ["a b"]]]), 0,
       "poppler-block-order")
expect("block order, no blocks", run_many(swapped, "c d\n\na b\n"), 1, "FAIL")
# a wrapped paragraph is reordered line by line after its levels are
# resolved in the whole paragraph (UAX #9): the comma ending the first line
# sits between two Latin words, so it stays with "Officer", where the line
# taken alone would put it at the far left
issued = [("جاری: ", "FAIL"), ("Priya Nair, SEND Officer, Northdale", "ok")]
two_lines = R + "جاری" + L + "Priya Nair, SEND Officer, :" + P + P + "\n" + "Northdale\n"
expect("reorder, a line of a wrapped paragraph", run_many(issued, two_lines, BIDI, "ur"), 0, "poppler-reorder")
expect("reorder, a line of a wrapped paragraph, the comma moved",
       run_many(issued, two_lines.replace("Officer, :", ",Officer :"), BIDI, "ur"), 1, "FAIL")


def run_pdfminer(strings, pdfminer_text, pages=None):
    """several strings (text, pdfminer verdict); pdfminer's whole text given;
    pages: pdfminer_layout.py's JSON, pages of boxes of (line, baseline)"""
    with tempfile.TemporaryDirectory() as d:
        rt = {"strings": [{"id": "x/%d" % i, "lang": "x", "lang_check": {"ok": True}, "chars": "ok",
                           "results": five(pdfminer={"verdict": v, "found": v == "ORDER"}) if v != "ok" else five()}
                          for i, (_, v) in enumerate(strings)]}
        open(os.path.join(d, "rt.json"), "w", encoding="utf-8").write(json.dumps(rt))
        open(os.path.join(d, "exp.json"), "w", encoding="utf-8").write(
            json.dumps([{"lang": "x", "text": t} for t, _ in strings]))
        open(os.path.join(d, "pdfminer"), "w", encoding="utf-8").write(pdfminer_text)
        args = []
        if pages is not None:
            layout = [[[{"text": t, "y": y} for t, y in box] for box in page] for page in pages]
            open(os.path.join(d, "layout.json"), "w", encoding="utf-8").write(json.dumps(layout))
            args = ["pdfminer-layout=" + os.path.join(d, "layout.json")]
        p = subprocess.run([sys.executable, os.path.join(HERE, "reader_limits.py"), os.path.join(d, "rt.json"),
                            os.path.join(d, "exp.json"), "pdfminer=" + os.path.join(d, "pdfminer")] + args,
                           capture_output=True, text=True)
        return p.returncode, p.stdout


# pdfminer-box-order, split: extract_text ends each text box with a blank
# line; a paragraph's lines in two boxes with another box between them
boxed = first + "\n\n" + second + "\n\n" + wrap + "\n" + third + "\n\n"
expect("box order, a paragraph split over boxes", run_pdfminer(items, boxed), 0, "pdfminer-box-order")
expect("box order, split inside one box",
       run_pdfminer(items, first + "\n" + second + "\n" + wrap + "\n\n" + third + "\n\n"), 1, "FAIL")
expect("box order, split over pages", run_pdfminer(items, boxed.replace("\n\n" + wrap, "\n\n\f" + wrap)), 1, "FAIL")
expect("box order, a split line turned round", run_pdfminer(items, boxed.replace(wrap, wrap[::-1])), 1, "FAIL")


# pdfminer splits a visual line where the drawing jumps over a Latin run and
# files the pieces in boxes by position: "تواصلوا مع Mrs Sarah Whitfield،
# منسّق" on one line, "المدرسة." wrapped below it, in the box of "تواصلوا مع"
contact = [("تواصلوا مع ", "ok"), ("Mrs Sarah Whitfield", "ok"), ("، منسّق المدرسة.", "FAIL")]
pieces = [[[("، منسّق", 700)], [("Mrs Sarah Whitfield", 700)], [("تواصلوا مع", 700), ("المدرسة.", 680)]]]
as_text = "، منسّق\n\nMrs Sarah Whitfield\n\nتواصلوا مع\nالمدرسة.\n\n"
expect("box order, pieces of one visual line", run_pdfminer(contact, as_text, pieces), 0, "pdfminer-box-order")
expect("box order, pieces of one visual line, no layout", run_pdfminer(contact, as_text), 1, "FAIL")
expect("box order, a piece on another line, inside a box",
       run_pdfminer(contact + [("أين", "ok")], "أين\n، منسّق\n\nMrs Sarah Whitfield\n\nتواصلوا مع\nالمدرسة.\n\n",
                  [[[("أين", 720), ("، منسّق", 705)], [("Mrs Sarah Whitfield", 700)],
                    [("تواصلوا مع", 700), ("المدرسة.", 680)]]]), 1, "FAIL")
expect("box order, a row of the box skipped",
       run_pdfminer(contact + [("شيء آخر", "ok")], "، منسّق\n\nMrs Sarah Whitfield\n\nتواصلوا مع\nشيء آخر\nالمدرسة.\n\n",
                  [[[("، منسّق", 700)], [("Mrs Sarah Whitfield", 700)],
                    [("تواصلوا مع", 700), ("شيء آخر", 690), ("المدرسة.", 680)]]]), 1, "FAIL")
# a right-to-left list of labels boxed together, a value's wrapped last word
# («help») in the labels' box below its own label: the unit began that box
# at its own label, so the earlier rows (the label before) are not its own
fillers = [("f%d" % k, "ok") for k in range(4)]
labels = [("B2 حاجة: ", "ok")] + fillers + [("B3 احتياجات: ", "ok"), ("Friends time help", "FAIL"), ("B4 ضعف: ", "ok")]
label_box = [("B2 حاجة:", 720), ("B3 احتياجات:", 700), ("help", 680), ("B4 ضعف:", 660)]
filler_boxes = [[("f%d" % k, 719 - k)] for k in range(4)]
label_text = "B2 حاجة:\nB3 احتياجات:\nhelp\nB4 ضعف:\n\n" + "".join("f%d\n\n" % k for k in range(4)) + "Friends time\n\n"
expect("box order, a wrapped word in the labels' box",
       run_pdfminer(labels, label_text, [[label_box] + filler_boxes + [[("Friends time", 700)]]]), 0,
       "pdfminer-box-order")
expect("box order, a wrapped word in the labels' box, above its label",
       run_pdfminer(labels, label_text.replace("B3 احتياجات:\nhelp", "help\nB3 احتياجات:"),
                    [[[label_box[0], ("help", 705), ("B3 احتياجات:", 700), label_box[3]]] + filler_boxes +
                     [[("Friends time", 700)]]]), 1, "FAIL")
# a table: pdfminer boxes a cell's line with the next column's line below
# it (another string), and the cell goes on in a box of its own on that row
cell = [("one two three four five six", "FAIL"), ("Nguyen Lan", "ok")]
cell_text = "one two\nNguyen Lan\n\nthree four\n\nfive six\n\n"
expect("box order, a table cell beside the next column",
       run_pdfminer(cell, cell_text, [[[("one two", 700), ("Nguyen Lan", 680)], [("three four", 680)],
                                      [("five six", 660)]]]), 0, "pdfminer-box-order")
expect("box order, a table cell beside the next column, a row lower",
       run_pdfminer(cell, cell_text, [[[("one two", 700), ("Nguyen Lan", 680)], [("three four", 660)],
                                      [("five six", 640)]]]), 1, "FAIL")
expect("box order, a layout that is not pdfminer's text",
       run_pdfminer(contact, as_text, [[[("، منسّق", 700)], [("تواصلوا مع", 700), ("المدرسة.", 680)]]]), 1, "FAIL")

# a telephone number no string holds, which MuPDF breaks over lines with no
# space kept («+» / «44» / «161 496 0000»): its line break is a space or none
phone = [("الهاتف: ", "FAIL(ws)"), ("البريد", "ok")]
phone_poppler = "\u202bالهاتف\u202a0000 496 161 44+ :\u202c\u202c\n\nالبريد\n"
phone_mupdf = "•الهاتف: +\n\n44\n\n 161 496 0000\n\n•البريد\n"
expect("reorder, a telephone number over MuPDF's lines", run_many(phone, phone_poppler, BIDI, "ar", phone_mupdf), 0,
       "poppler-reorder")
expect("reorder, a telephone number, a digit lost",
       run_many(phone, phone_poppler.replace("161", "16"), BIDI, "ar", phone_mupdf), 1, "FAIL")
expect("reorder, a telephone number, its groups in logical order",
       run_many(phone, phone_poppler.replace("0000 496 161 44+", "+44 161 496 0000"), BIDI, "ar", phone_mupdf), 1,
       "FAIL")


def run_furniture(strings, reader, text, pages, structtree_ok=True):
    """several strings (text, the reader's verdict); the reader's whole text
    (pages ended by a form feed; pdf.js's comes from pages); pages: per
    page (artifact pieces, pdf.js's content), as reading_order.mjs --json
    --artifacts gives them"""
    with tempfile.TemporaryDirectory() as d:
        def results(v):
            r = five(**{reader: {"verdict": v, "found": v == "ORDER"}}) if v != "ok" else five()
            if not structtree_ok and v != "ok":
                r["structtree"] = {"verdict": "FAIL"}
            return r
        rt = {"strings": [{"id": "x/%d" % i, "lang": "x", "lang_check": {"ok": True}, "chars": "ok",
                           "results": results(v)} for i, (_, v) in enumerate(strings)]}
        open(os.path.join(d, "rt.json"), "w", encoding="utf-8").write(json.dumps(rt))
        open(os.path.join(d, "exp.json"), "w", encoding="utf-8").write(
            json.dumps([{"lang": "x", "text": t} for t, _ in strings]))
        doc = {"pages": [{"page": str(k + 1), "artifacts": art, "content": content}
                         for k, (art, content) in enumerate(pages)]}
        open(os.path.join(d, "pdfjs.json"), "w", encoding="utf-8").write(json.dumps(doc))
        args = ["pdfjs-pages=" + os.path.join(d, "pdfjs.json")]
        if reader != "pdfjs":
            open(os.path.join(d, reader), "w", encoding="utf-8").write(text)
            args.append("%s=%s" % (reader, os.path.join(d, reader)))
        p = subprocess.run([sys.executable, os.path.join(HERE, "reader_limits.py"), os.path.join(d, "rt.json"),
                            os.path.join(d, "exp.json")] + args, capture_output=True, text=True)
        return p.returncode, p.stdout


# page-furniture: a paragraph runs on over a page break; the readers that
# follow the page read the footer, page number and next running header
# inside it, which pdf.js lists as the pages' artifact text
para = "Ava likes to know what is happening next so a visual timetable helps her"
cut = para.index("so a")
foot1, foot2 = ["Northdale City Council", "\n", "Ava Thompson · EHC plan", " ", "Page 1 of 2"], \
    ["Northdale City Council", "\n", "Ava Thompson · EHC plan", " ", "Page 2 of 2"]
furn_pages = [(foot1, "Section A\n" + para[:cut] + "\n" + "".join(foot1)),
              (foot2, para[cut:] + "\n" + "".join(foot2))]
furn_strings = [("Section A", "ok"), (para, "FAIL")]
poppler_text = ("Ava Thompson · EHC plan Page 1 of 2\nSection A\n" + para[:cut] + "\nNorthdale City Council\n\f"
                "Ava Thompson · EHC plan Page 2 of 2\n" + para[cut:] + "\nNorthdale City Council\n\f")
expect("furniture, pdf.js", run_furniture(furn_strings, "pdfjs", None, furn_pages), 0, "page-furniture")
expect("furniture, poppler", run_furniture(furn_strings, "poppler", poppler_text, furn_pages), 0, "page-furniture")
expect("furniture, something else inside",
       run_furniture(furn_strings, "poppler", poppler_text.replace("Page 2 of 2\n", "Page 2 of 2\nFigure 3\n"),
                     furn_pages), 1, "FAIL")
expect("furniture, a word lost at the break",
       run_furniture(furn_strings, "poppler", poppler_text.replace("\nso a", "\na"), furn_pages), 1, "FAIL")
expect("furniture, the tree wrong too",
       run_furniture(furn_strings, "poppler", poppler_text, furn_pages, structtree_ok=False), 1, "FAIL")
expect("furniture, no page break inside",
       run_furniture([("Section A", "ok"), (para, "FAIL")], "poppler",
                     "Section A\n" + para[:cut] + "\nPage 1 of 2\n" + para[cut:] + "\n\f\f", furn_pages), 1, "FAIL")
# pdf.js gives a right-to-left running header letter by letter; poppler
# gives its words: the same characters
rtl_head = "صفحہ 2 از 2"
rtl_pages = [(foot1, "Section A\n" + para[:cut] + "\n" + "".join(foot1)),
             (list(rtl_head) + ["\n", "Northdale City Council"], para[cut:] + "\n" + rtl_head + "Northdale City Council")]
expect("furniture, a right-to-left header letter by letter",
       run_furniture(furn_strings, "poppler", poppler_text.replace("Ava Thompson · EHC plan Page 2 of 2", "2 از 2 صفحہ"),
                     rtl_pages), 0, "page-furniture")
# the column headers drawn again inside the next page stand between
# strings: they are not taken for the furniture at its ends
inside = [(foot1, "Section A\n" + para[:cut] + "\n" + "".join(foot1)),
          (["Provision", " ", "Who"] + foot2, para[cut:] + "\nProvision Who\nF2 Daily\n" + "".join(foot2))]
expect("furniture, column headers inside the page",
       run_furniture(furn_strings + [("F2 Daily", "ok")], "poppler",
                     poppler_text.replace(para[cut:] + "\n", para[cut:] + "\nProvision Who\nF2 Daily\n"), inside), 0,
       "page-furniture")
# the round trip took a later copy of a string the furniture cut, and
# every string after it came "before the string listed before it"
name = "Jean-Luc Nguyen Lan Amara"
order_strings = [("Invite", "ok"), (name, "ok"), ("and", "ok"), (name, "ok"), ("said", "ORDER"), (name, "ORDER"),
                 ("end", "ORDER")]
order_pages = [(foot1, "Invite " + name + " and Jean-Luc Nguyen\n" + "".join(foot1)),
               (foot2, "Lan Amara said " + name + " end\n" + "".join(foot2))]
order_text = ("Page 1 of 2\nInvite " + name + " and Jean-Luc Nguyen\nNorthdale City Council Ava Thompson · EHC plan\n\f"
              "Ava Thompson · EHC plan Page 2 of 2\nLan Amara said " + name + " end\nNorthdale City Council\n\f")
expect("furniture, strings after a cut one", run_furniture(order_strings, "mupdf", order_text, order_pages), 0,
       "page-furniture")
expect("furniture, strings after a cut one, out of order",
       run_furniture(order_strings, "mupdf", order_text.replace("said " + name + " end", "end said " + name),
                     order_pages), 1, "FAIL")
if fails:
    sys.exit(1)
print("reader_limits: %d cases ok" % cases)
