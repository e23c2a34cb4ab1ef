#!/usr/bin/env python3
"""text_order.py must fail when the text is wrong, not only pass when it is right.

usage: test_text_order.py LTR.pdf LTR.json RTL.pdf RTL.json
(run by tests/integration/run.sh on two rendered samples)
"""
import json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ltr_pdf, ltr_json, rtl_pdf, rtl_json = sys.argv[1:5]
fails = passes = 0


def run(pdf, items):
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as f:
        json.dump(items, f, ensure_ascii=False)
    try:
        p = subprocess.run([sys.executable, os.path.join(HERE, "text_order.py"), pdf, f.name],
                           capture_output=True, text=True)
        return p.returncode, p.stdout
    finally:
        os.unlink(f.name)


def expect(name, want, pdf, items):
    global fails, passes
    rc, out = run(pdf, items)
    if rc == want:
        passes += 1
    else:
        fails += 1
        print(f"FAIL {name}: exit {rc}, want {want}\n{out[-400:]}")


ltr = json.load(open(ltr_json, encoding="utf-8"))
rtl = json.load(open(rtl_json, encoding="utf-8"))
expect("ltr as rendered", 0, ltr_pdf, ltr)
expect("rtl as rendered", 0, rtl_pdf, rtl)
swapped = list(ltr)
i = next(k for k in range(len(ltr) - 1) if ltr[k]["text"] != ltr[k + 1]["text"] and len(ltr[k]["text"]) > 8)
swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
expect("ltr, two strings swapped", 1, ltr_pdf, swapped)
expect("ltr, a word that is not there", 1, ltr_pdf, ltr[:1] + [{"lang": ltr[1]["lang"], "text": ltr[1]["text"] + " zebra"}] + ltr[2:])
k = next(k for k, e in enumerate(rtl) if e["lang"] in ("ur", "ar") and len(e["text"].split()) > 2)
wrong = [dict(e) for e in rtl]
wrong[k]["text"] = wrong[k]["text"] + " شتر"
expect("rtl, a word that is not there", 1, rtl_pdf, wrong)
print(f"text_order: {passes} passed, {fails} failed")
sys.exit(1 if fails else 0)
