#!/usr/bin/env python3
"""The schema-template contract as a property test (issue 11).

    python3 tests/gen/run.py BUILD_DIR [--cases N] [--seed S] [--a11y-every K] [--strict-every K] [--templates a,b] [--keep]

Generates N valid cases from BUILD_DIR's case.xsd (tests/gen/gen.py, seeded),
checks that `sendoc validate` accepts every one (that tests the generator) and
that together they cover the schema (gen.coverage: every optional element
present and absent, every list repeated, every enumeration value; a gap fails
from 200 cases up). Then every case is rendered with every template in
BUILD_DIR's templates/ through `sendoc batch --jobs 2`, in the document
language gen.py grouped it under. Every render must either
  * make a PDF that passes `qpdf --check`, has pages, and whose text
    (pdftotext) contains every case value the template's fields pick for that
    case (tests/gen/expect.py walks the template's sections against the case);
    every K-th render's PDF also passes ../shared/a11y/pdfua_check.py when that
    kit is beside the clone, and every K-th (--strict-every, default 10) is read
    by all five readers strictly, each string exact or each miss proved that
    reader's own limit (tests/integration/prove_read.sh, as the strict matrix
    reads; needs pdf.js, so node and npm); or
  * exit 1 with only case.required errors (the template's `requires:`), each
    naming the case file, a line and column, and a field the element at that
    line really lacks; or layout.too-long (more than the template's max-pages).
Then each language's profiles are rendered together into one PDF (`sendoc
render` with up to 50 cases), which must have one page per case.

Text an extractor gives back differently from what was drawn is accepted only
in named, counted classes: a watermark's glyphs extracted into a line it
crosses (watermark-gap), poppler joining a word broken after its hyphen
without the hyphen or moving a combining mark (hyphen-or-mark), and runs of
mixed-direction text in visual order (bidi-visual-order: every word present),
and a cell's wrapped line read after the next row where a watermark crosses
them (reading-order: every word present), a phone number whose digits are all
there in order, or whose digit groups all are (in a right-to-left run they come
in visual order) (phone-digits), and a plan document refused in one sentence for
a case that has no <plan> (batch.no-plan).

Anything else (a crash or sanitizer report, exit 0 with a field missing,
template.field, render.empty, a message without a position, an error about
another file) is a failure, printed by class and template with the seed to
reproduce it. Exit 0 when there is none.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import expect  # noqa: E402
import gen  # noqa: E402

# Whole-document problems a valid case can legitimately have, besides a missing piece.
ALLOWED = {"case.required": "a piece the template requires", "layout.too-long": "more than fits max-pages"}
RTL = ("ur", "ar", "fa", "ps")


def norm(s):
    """NFC, without whitespace and format characters (poppler wraps right-to-left
    runs in U+202B ... U+202C)."""
    s = unicodedata.normalize("NFC", s)
    return "".join(ch for ch in s if ch == "\f" or not ch.isspace() and unicodedata.category(ch) != "Cf")


def bare(s):
    """norm() without hyphens and combining marks: poppler joins a word broken
    after its hyphen without the hyphen, and in right-to-left pages moves a mark
    ending a line's visually first cluster to the line's start."""
    return "".join(ch for ch in norm(s) if ch != "-" and unicodedata.category(ch) not in ("Mn", "Mc"))


# between two words of a value: a few characters (a watermark's glyphs), or a
# page break with the page's footer and the next page's header around it
GAP = "(?:[^\f]{0,8}?|[^\f]{0,300}?\f[^\f]{0,300}?)"


def has_rtl(s):
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in s)


def core(word):
    """A word without the punctuation and symbols at its ends (bidi neutrals)."""
    w = bare(word)
    while w and not w[0].isalnum():
        w = w[1:]
    while w and not w[-1].isalnum():
        w = w[:-1]
    return w


def gapped(value):
    """The value's words in order with at most a few characters between them
    (a watermark, an artifact drawn across the page, is extracted into the text
    flow where its glyphs cross a line), or a page break with its furniture."""
    return re.compile(GAP.join(re.escape(norm(w)) for w in value.split()), re.S)


def gapped_bare(value):
    return re.compile(GAP.join(re.escape(bare(w)) for w in value.split() if bare(w)), re.S)


def lacks(case_path, line, col, field):
    """True when the element starting at line:col of the case file has no child
    (or attribute) named field: the diagnostic points at the right place."""
    with open(case_path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if not (1 <= line <= len(lines)):
        return False
    tail = "\n".join([lines[line - 1][max(col - 1, 0):]] + lines[line:])
    m = re.match(r"<([A-Za-z0-9_-]+)([^>]*?)(/?)>", tail)
    if not m:
        return False
    name, attrs, empty = m.groups()
    if re.search(r"\b%s=" % re.escape(field), attrs):
        return False
    if empty:
        return True
    # the element's own children: scan to its end tag at depth 0
    depth, pos = 0, m.end()
    for t in re.finditer(r"<(/?)([A-Za-z0-9_-]+)[^>]*?(/?)>", tail[pos:]):
        closing, tname, selfclose = t.groups()
        if closing:
            if depth == 0:
                return True
            depth -= 1
        else:
            if depth == 0 and tname == field:
                return False
            if not selfclose:
                depth += 1
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--cases", type=int, default=int(os.environ.get("GEN_CASES", "400")))
    ap.add_argument("--seed", type=int, default=int(os.environ.get("GEN_SEED", "20261206")))
    ap.add_argument("--a11y-every", type=int, default=25)
    ap.add_argument("--strict-every", type=int, default=int(os.environ.get("GEN_STRICT_EVERY", "10")),
                    help="every K-th PDF is read by all five readers strictly (0: none)")
    ap.add_argument("--templates", default=os.environ.get("GEN_TEMPLATES", ""))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep the work folder (printed)")
    a = ap.parse_args()
    t0 = time.time()
    b = os.path.abspath(a.build)
    sendoc = os.path.join(b, "bin", "sendoc")
    data = os.path.join(b, "share", "sendoc")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1764547200", SENDOC_DATA=data)
    env.pop("LC_ALL", None)
    # a sanitizer report must not pass for exit 1 (an invalid case): ASan's default exit code is 1
    env["ASAN_OPTIONS"] = "exitcode=86:" + env.get("ASAN_OPTIONS", "")
    env["UBSAN_OPTIONS"] = "halt_on_error=1:exitcode=86:" + env.get("UBSAN_OPTIONS", "")
    work = tempfile.mkdtemp(prefix="sendoc-gen-")
    tpl_text = {}
    failures = []  # (class, detail)
    t_render = t0
    stats = collections.Counter()
    repro = "python3 tests/gen/run.py %s --cases %d --seed %d" % (a.build, a.cases, a.seed)

    def fail(cls, detail):
        failures.append((cls, detail))

    try:
        cases = os.path.join(work, "cases")
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), "--xsd", os.path.join(data, "schema", "case.xsd"),
                        "--seed", str(a.seed), "--count", str(a.cases), "--out", cases,
                        "--photo", os.path.join(ROOT, "samples", "photos", "ava.png")], check=True)
        files = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(cases) for f in fs if f.endswith(".xml"))
        # 1. every generated case is valid
        v = subprocess.run([sendoc, "validate"] + files, env=env, capture_output=True, text=True)
        if v.returncode != 0:
            fail("generator: invalid case", v.stderr.strip()[:3000])
        stats["validated"] = len(files)
        # the generator covers the schema: optional elements present and absent,
        # lists repeated, every enumeration value (needs enough cases to hold)
        gaps, cov = gen.coverage(os.path.join(data, "schema", "case.xsd"), files)
        print("gen: the schema declares %d elements (%d optional) and %d enumeration values; %d gaps in %d cases"
              % (cov["elements"], cov["optional"], cov["enumeration values"], len(gaps), len(files)))
        for g in gaps:
            if a.cases >= 200:
                fail("generator coverage", g)
            else:
                print("note: " + g)
        # 2. every template, every language folder
        tdir = os.path.join(data, "templates")
        templates = sorted(f[:-3] for f in os.listdir(tdir) if f.endswith(".md") and f != "README.md")
        if a.templates:
            templates = [t for t in templates if t in a.templates.split(",")]
        tpl_text = {t: open(os.path.join(tdir, t + ".md"), encoding="utf-8").read() for t in templates}
        langs = sorted(d for d in os.listdir(cases) if os.path.isdir(os.path.join(cases, d)))
        rows = []
        for t in templates:
            for lang in langs:
                out = os.path.join(work, "out", t, lang)
                man = os.path.join(work, "out", "%s-%s.jsonl" % (t, lang))
                r = subprocess.run([sendoc, "batch", os.path.join(cases, lang), "-o", out, "-t", t, "--lang", lang,
                                    "--jobs", str(a.jobs), "--manifest", man], env=env, capture_output=True, text=True)
                if r.returncode not in (0, 1) or not os.path.exists(man):
                    fail("batch exit %d" % r.returncode, "%s --lang %s: %s" % (t, lang, r.stderr.strip()[-2000:]))
                    continue
                for line in open(man, encoding="utf-8"):
                    rows.append((t, lang, json.loads(line)))
        stats["renders"] = len(rows)
        t_render = time.time()
        # 3. each render
        # the kit beside the clone when there is one, else the project's copy
        # (tests/a11y, tools/sync-a11y.sh): pdfua_check needs only qpdf
        a11y = os.path.join(ROOT, "..", "shared", "a11y", "pdfua_check.py")
        if not os.path.exists(a11y):
            a11y = os.path.join(ROOT, "tests", "a11y", "pdfua_check.py")
        have_a11y = os.path.exists(a11y) and shutil.which("qpdf")
        # all five readers need pdf.js: tests/integration/a11y.sh makes a working copy of
        # the kit with it installed, as the matrix does
        kit = None
        if a.strict_every > 0:
            # $0 names the stage a skip is recorded under (make check's last line): gen-run
            k = subprocess.run(["sh", "-c", '. "$ROOT/tests/integration/a11y.sh" >/dev/null; echo "$A11Y_PDFJS $A11Y_MISSING"',
                                "tests/gen/run"], env=dict(os.environ, ROOT=ROOT, T=work), capture_output=True, text=True)
            ready, _, missing = k.stdout.strip().partition(" ")
            if ready == "1":
                kit = os.path.join(work, "a11y")
            else:
                print("gen: SKIPPED the five-reader sample: " + missing)
        textdump = os.path.join(b, "tools", "textdump")

        def check_strict(t, lang, row):
            """all five readers, strictly, each miss proved that reader's own limit
            (tests/integration/prove_read.sh, as the strict matrix reads)"""
            pdf = row["output"]
            base = pdf[:-4]
            with open(base + ".expected.json", "w", encoding="utf-8") as f:
                d = subprocess.run([textdump, data, row["case"], t, lang, "standard"], stdout=f,
                                   stderr=subprocess.PIPE, text=True, env=env)
            if d.returncode != 0:
                return [("textdump", "%s --lang %s %s: %s" % (t, lang, row["case"], d.stderr.strip()[-300:]))]
            r = subprocess.run(["sh", os.path.join(ROOT, "tests", "integration", "prove_read.sh"), kit, b, pdf,
                                base + ".expected.json", base], capture_output=True, text=True)
            lines = open(base + ".limits", encoding="utf-8").read().splitlines() \
                if os.path.exists(base + ".limits") else []
            limits = sum(l.startswith("LIMIT") for l in lines)
            fails = [l for l in lines if l.startswith("FAIL")]
            res = [("#five readers", None)] + [("#five readers: proved reader limits", None)] * limits
            if r.returncode == 0:
                return res
            # every reader must read every sampled PDF exactly or with a proved limit
            where = "%s --lang %s %s" % (t, lang, row["case"])
            return res + [("five readers", "%s: %s" % (where, " ".join(fails)[:600] or r.stderr[-300:]))]

        def check_ok(i, t, lang, row):
            res = []
            pdf = row["output"]
            q = subprocess.run(["qpdf", "--check", pdf], capture_output=True, text=True)
            if q.returncode != 0:
                res.append(("qpdf --check", pdf))
            if not row.get("pages"):
                res.append(("no pages", pdf))
            txt = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True, text=True).stdout
            if not norm(txt):
                res.append(("blank document", "%s %s %s" % (t, lang, row["case"])))
            have = norm(txt)
            have_bare = bare(txt)
            raw = [None]  # pdftotext -raw, made when a value needs it
            for path, value in expect.values(tpl_text[t], row["case"], lang):
                res.append(("#values checked", None))
                if norm(value) in have:
                    continue
                if gapped(value).search(have):
                    res.append(("#watermark-gap", None))
                    continue
                if bare(value) in have_bare or gapped_bare(value).search(have_bare):
                    res.append(("#hyphen-or-mark", None))
                    continue
                # text of both directions: poppler gives runs in visual order, and neutral
                # punctuation at a run's end moves to the other side (README "Known
                # extractor limits"): then every word, without its end punctuation, must be there
                if (lang.split("-")[0] in RTL or has_rtl(value)) and \
                        all(core(w) in have_bare for w in value.split()):
                    res.append(("#bidi-visual-order", None))
                    continue
                # poppler's reading order can put a table cell's second line after the next
                # row's header when a watermark crosses them (seen in draft EHCPs): the words
                # must all be there, in any order
                if all(core(w) in have_bare for w in value.split()):
                    res.append(("#reading-order", None))
                    continue
                # a table cell: poppler's layout mode interleaves wrapped cells whose
                # lines are more than 1.5 em apart (Nastaliq: too tall to set closer),
                # so, as issue 15 allows inside tables, pdftotext -raw (content order:
                # sendoc draws each cell whole) must have each of its words whole, hyphen
                # breaks joined (right-to-left words in visual order, as above)
                if raw[0] is None:
                    raw[0] = bare(subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", pdf, "-"],
                                                 capture_output=True, text=True).stdout)
                if all(core(w) in raw[0] for w in value.split()):
                    res.append(("#table-raw", None))
                    continue
                # a phone number: poppler may split it after a hyphen, or reorder its
                # parts inside a right-to-left line; its digits stay together in order
                if re.fullmatch(r"[0-9 +()\-]{6,}", value) and \
                        (re.sub(r"\D", "", value) in re.sub(r"\D", "", txt) or
                         all(g in re.findall(r"\d+", txt) for g in re.findall(r"\d+", value))):
                    res.append(("#phone-digits", None))
                    continue
                res.append(("field not shown", "%s --lang %s %s: {{%s}} = %r" % (t, lang, row["case"], path,
                                                                                 value[:80])))
            if kit and i % a.strict_every == a.strict_every // 2:
                res += check_strict(t, lang, row)
            if have_a11y and i % a.a11y_every == 0:
                u = subprocess.run([sys.executable, a11y, pdf], capture_output=True, text=True)
                res.append(("#a11y", None))
                if u.returncode != 0:
                    res.append(("pdfua_check", "%s: %s" % (pdf, u.stdout.strip()[-500:])))
            return res

        def check_failed(t, lang, row):
            res = []
            errs = [d for d in row["diagnostics"] if d["severity"] == "error"]
            if not errs:
                res.append(("failed without an error", "%s %s %s" % (t, lang, row["case"])))
            for d in errs:
                where = "%s:%s:%s" % (d.get("file"), d.get("line"), d.get("column"))
                # a batch says once that a plan document has no plan to print; the
                # case must really have none
                if d["code"] == "batch.no-plan":
                    with open(row["case"], encoding="utf-8") as f:
                        if re.search(r"<plan[\s>/]", f.read()):
                            res.append(("batch.no-plan for a case with a plan", "%s %s" % (t, row["case"])))
                    res.append(("#batch.no-plan", None))
                    continue
                if d["code"] not in ALLOWED:
                    res.append(("%s" % d["code"], "%s --lang %s %s: %s" % (t, lang, where, d["message"][:200])))
                    continue
                if d.get("file") != row["case"]:
                    res.append(("diagnostic names another file", "%s %s: %s" % (t, where, d["message"][:200])))
                elif d["code"] == "case.required":
                    if not (d.get("line", 0) > 0 and d.get("column", 0) > 0):
                        res.append(("diagnostic without a position", "%s %s" % (t, where)))
                    elif not d.get("field") or not lacks(row["case"], d["line"], d["column"], d["field"]):
                        res.append(("case.required at the wrong element", "%s %s: <%s>" % (t, where, d.get("field"))))
                res.append(("#" + d["code"], None))
            return res

        with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
            futs = []
            for i, (t, lang, row) in enumerate(rows):
                if row["status"] == "ok":
                    futs.append(ex.submit(check_ok, i, t, lang, row))
                    stats["pdf"] += 1
                    stats["pdf " + t] += 1
                else:
                    futs.append(ex.submit(check_failed, t, lang, row))
                    stats["exit 1 " + t] += 1
            for f in futs:
                for cls, detail in f.result():
                    if cls.startswith("#"):
                        stats[cls[1:]] += 1
                    else:
                        fail(cls, detail)
        # several cases in one PDF: each language's profiles that rendered alone, together
        for lang in langs:
            ok = [r["case"] for t, l, r in rows if t == "one-page-profile" and l == lang and r["status"] == "ok"][:50]
            if len(ok) < 2:
                continue
            pdf = os.path.join(work, "out", "class-%s.pdf" % lang)
            r = subprocess.run([sendoc, "render"] + ok + ["-t", "one-page-profile", "--lang", lang, "-o", pdf],
                               env=env, capture_output=True, text=True)
            info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout if r.returncode == 0 else ""
            pages = re.search(r"^Pages:\s+(\d+)", info, re.M)
            if r.returncode != 0 or not pages or int(pages.group(1)) != len(ok):
                fail("several cases in one PDF", "one-page-profile --lang %s, %d cases: exit %d, %s pages; %s"
                     % (lang, len(ok), r.returncode, pages.group(1) if pages else "no", r.stderr.strip()[-500:]))
            stats["several-case PDFs"] += 1
            stats["cases in several-case PDFs"] += len(ok)
    finally:
        if a.keep:
            print("gen: work folder kept:", work)
        else:
            shutil.rmtree(work, ignore_errors=True)

    hints = {
        "render.empty": "the template makes nothing for these valid cases: give it a `requires:` line "
                        "for what it needs (templates/README.md), so the SENCo is told what to add",
        "template.field": "the template names a field that is not where the schema puts it",
        "field not shown": "the PDF lacks a case value the template's fields pick",
        "generator: invalid case": "tests/gen/gen.py wrote a case `sendoc validate` rejects",
    }
    by = collections.defaultdict(list)
    for cls, detail in failures:
        tpl = (detail or "").split(" ", 1)[0]
        by[(cls, tpl if tpl in tpl_text else "")].append(detail)
    for cls, tpl in sorted(by):
        items = by[(cls, tpl)]
        print("FAIL [%s] %s: %d render(s)%s" % (cls, tpl or "-", len(items),
                                                ": " + hints[cls] if cls in hints else ""))
        for dt in items[:3]:
            print("    " + dt)
    summary = ", ".join("%s %d" % (k, v) for k, v in sorted(stats.items()))
    print("gen: seed %d, %d cases: %s (%.0f s: generate, validate and render %.0f s, check %.0f s)"
          % (a.seed, a.cases, summary, time.time() - t0, t_render - t0, time.time() - t_render))
    if not have_a11y:
        print("gen: SKIPPED pdfua_check: no qpdf, or no a11y kit (../shared/a11y, tests/a11y)")
    if failures:
        print("gen: %d failures; reproduce with: %s --keep" % (len(failures), repro))
        return 1
    print("gen: all renders hold the contract")
    return 0


if __name__ == "__main__":
    sys.exit(main())
