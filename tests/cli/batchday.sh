#!/bin/sh
# A local authority's batch day (issue 16): each family in its own language,
# several templates and named outputs, one print file, a report an officer
# can read, diagnostics that name their case, warnings said once, a progress
# line with an ETA, cover letters, shared-drive modes, and the man page's
# GNU parallel example for --shard.
B=${1:-build}
. "$(dirname "$0")/lib.sh"
S=$ROOT/samples
C=$T/caseload
mkdir -p "$C/a" "$C/b"
cp -r "$S/photos" "$C/a/"
cp -r "$S/class-4b/photos" "$C/b/"
cp "$S/bilal-hussain.xml" "$S/kacper-nowak.xml" "$S/yousef-haddad.xml" "$C/a/"
# a SEN-support family with a postal address (for the cover letter)
sed 's|<phone>07700 900312</phone>|<phone>07700 900312</phone><address><item>14 Canal Street</item><item>Northdale</item><postcode>ND1 4QX</postcode></address>|' \
  "$S/rumi-begum.xml" >"$C/a/rumi-begum.xml"
# a family whose language has no catalogue (Welsh), and a school whose name
# holds a slash, dots and a comma, a quote and a formula for the CSV
sed -e 's|<home-language>[^<]*</home-language>|<home-language>cy</home-language>|' \
    -e 's|<name>Elmfield Primary School</name>|<name>../St Mary, "Upper" / Lower</name>|' \
    "$S/class-4b/leo-clarke.xml" >"$C/b/leo-clarke.xml"
sed -e 's|<preferred-name>Maya</preferred-name>|<preferred-name>=Maya</preferred-name>|' \
    "$S/class-4b/maya-osei.xml" >"$C/b/maya-osei.xml"

# 1. each family in its own language, and an English copy
"$BIN" batch "$C" -o "$T/fam" -t one-page-profile --lang family --also-english \
  --name '{school}/{child}-{template}-{lang}.pdf' --jobs 2 2>"$T/fam.err"; rc=$?
[ "$rc" = 0 ] && ok || { bad "family batch: exit $rc"; tail -5 "$T/fam.err"; }
for f in Oakwood-Infant-School/Bilal-one-page-profile-ur.pdf Oakwood-Infant-School/Bilal-one-page-profile-en-GB.pdf \
         Hillcrest-High-School/Kacper-one-page-profile-pl.pdf Riverside-Academy/Rumi-one-page-profile-bn.pdf \
         Brookside-Primary-School/Yousef-one-page-profile-ar.pdf; do
  [ -f "$T/fam/$f" ] && ok || bad "no $f"
done
# Welsh: English, once, with a warning that says so (no English copy of an English document)
n=$(find "$T/fam" -name 'Leo-*' | wc -l); [ "$n" = 1 ] && ok || bad "Leo: $n documents, want 1 (English only)"
find "$T/fam" -name 'Leo-one-page-profile-en-GB.pdf' | grep -q . && ok || bad "Leo's fallback is not English"
find "$T/fam" -name 'Leo-*' | grep -q '/St-Mary-Upper-Lower/' && ok || bad "the school's name was not made safe: $(find "$T/fam" -name 'Leo-*')"
[ "$(grep -c 'batch.lang-fallback' "$T/fam.err")" = 1 ] && ok || bad "the fallback warning is not said once"
grep -q 'no catalogue for the family.s language (cy).*(1 document)' "$T/fam.err" && ok || bad "fallback warning text"
# a warning every document repeats: once, with its count
[ "$(grep -c 'the ur catalogue has not been reviewed' "$T/fam.err")" = 1 ] && ok || bad "the ur warning is repeated"
grep -q 'the ur catalogue has not been reviewed.*(1 document)' "$T/fam.err" && ok || bad "no count on the ur warning"
python3 - "$T/fam/.sendoc-batch.jsonl" <<'PY' && ok || bad "manifest template/lang"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
langs = sorted((r["case"].rsplit("/", 1)[1], r["lang"]) for r in rows)
assert ("bilal-hussain.xml", "ur") in langs and ("bilal-hussain.xml", "en-GB") in langs, langs
assert ("leo-clarke.xml", "en-GB") in langs and all(l != "cy" for _, l in langs), langs
assert all(r["template"] == "one-page-profile" for r in rows)
PY
# the PDF is in the family's language (its /Lang)
grep -aq '/Lang (ur)' "$T/fam/Oakwood-Infant-School/Bilal-one-page-profile-ur.pdf" && ok || bad "Bilal's PDF is not in Urdu"

# resume knows each document of a case by its template and language
"$BIN" batch "$C" -o "$T/fam" -t one-page-profile --lang family --also-english \
  --name '{school}/{child}-{template}-{lang}.pdf' --jobs 2 --resume 2>"$T/fam2.err"
tail -1 "$T/fam2.err" | grep -qx '0 rendered, 0 failed, 10 skipped' && ok || bad "resume: $(tail -1 "$T/fam2.err")"

# 2. names: refused when they could leave the folder; collisions found before rendering
for pat in '../x.pdf' '/abs/{child}.pdf' '{child}/../../x.pdf' '{nope}.pdf' '{child}' 'a//{child}.pdf' '.hidden/{child}.pdf'; do
  expect_exit "pattern $pat" 2 "$BIN" batch "$C" -o "$T/bad" -t one-page-profile --name "$pat"
  grep -q 'usage.name' "$T/err.txt" && ok || bad "pattern $pat: no usage.name"
done
expect_exit "two documents, one name" 2 "$BIN" batch "$C" -o "$T/coll" -t one-page-profile --name '{template}.pdf'
grep -q 'would both be written to' "$T/err.txt" && ok || bad "collision not named"
[ -z "$(find "$T/coll" -name '*.pdf' 2>/dev/null)" ] && ok || bad "a collision still rendered"

# 3. several templates; a SEN-support case with the EHCP template: one sentence, naming the case
"$BIN" batch "$C/a" -o "$T/two" -t ehcp,one-page-profile --jobs 2 2>"$T/two.err"; rc=$?
[ "$rc" = 1 ] && ok || bad "ehcp+profile: exit $rc, want 1"
[ -f "$T/two/bilal-hussain-ehcp.pdf" ] && [ -f "$T/two/bilal-hussain-one-page-profile.pdf" ] && ok || bad "two templates, default names"
[ "$(grep -c 'rumi-begum.xml' "$T/two.err")" = 1 ] && ok || { bad "the SEN-support case has $(grep -c 'rumi-begum.xml' "$T/two.err") lines, want 1"; grep rumi "$T/two.err"; }
grep -q 'rumi-begum.xml: error: <plan>: not made: this child has no EHC plan in the case file (SEN support), and the ehcp template needs one' "$T/two.err" && ok || bad "no plain no-plan sentence"
# every error line names its case, in text and in JSON
grep 'error' "$T/two.err" | grep -v '^sendoc' | grep -vq "^$C" && bad "an error line that does not name its case" || ok
"$BIN" batch "$C/a" -o "$T/twoj" -t ehcp,one-page-profile --jobs 2 --diagnostics=json 2>"$T/twoj.err"
python3 - "$T/twoj.err" <<'PY' && ok || bad "JSON diagnostics do not name their case"
import json, sys
n = 0
for l in open(sys.argv[1], encoding="utf-8"):
    if l.strip().endswith("skipped"): continue
    d = json.loads(l)
    if d["code"] in ("batch.summary", "locale.unreviewed"): continue
    assert d["case"].endswith(".xml") and d["template"] in ("ehcp", "one-page-profile") and d["lang"], d
    n += 1
assert n >= 1
PY

# a review invitation for a case whose only meeting is a planning meeting is
# not a blank page counted as made
expect_exit "blank review invitation" 1 "$BIN" render "$C/a/rumi-begum.xml" -t review-invitation -o "$T/blank.pdf"
grep -qE 'case.required|render.empty' "$T/err.txt" && [ ! -e "$T/blank.pdf" ] && ok || bad "a blank review invitation was made"
"$BIN" batch "$C/a" -o "$T/inv" -t review-invitation --report "$T/inv/r.html" 2>"$T/inv.err"
grep -qE 'not made: (the case lacks a part this document needs|nothing to print for this child)' "$T/inv.err" && ok || bad "the blank invitation's reason: $(grep 'not made' "$T/inv.err")"

# 4. the report: HTML (lang, headings, th scope, escaped) and RFC 4180 CSV beside it; the summary
"$BIN" batch "$C" -o "$T/rep" -t ehcp,one-page-profile --lang family --report "$T/rep/report.html" --jobs 2 2>"$T/rep.err"
[ -f "$T/rep/report.html" ] && [ -f "$T/rep/report.csv" ] && ok || bad "no report"
grep -q "^report: $T/rep/report.html and $T/rep/report.csv$" "$T/rep.err" && ok || bad "the summary does not say where the report is"
grep -q "^manifest: $T/rep/.sendoc-batch.jsonl$" "$T/rep.err" && ok || bad "the summary does not say where the manifest is"
grep -q '^3 not made: no EHC plan (SEN support) for a plan document$' "$T/rep.err" && ok || bad "the summary's reasons: $(grep 'not made' "$T/rep.err")"
tail -1 "$T/rep.err" | grep -qx '9 rendered, 3 failed, 0 skipped' && ok || bad "counts last: $(tail -1 "$T/rep.err")"
python3 - "$T/rep/report.html" "$T/rep/report.csv" <<'PY' && ok || bad "report contents"
import csv, sys
from html.parser import HTMLParser
html = open(sys.argv[1], encoding="utf-8").read()
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.tags = []; s.th_no_scope = 0; s.lang = None; s.text = []
    def handle_starttag(s, t, a):
        a = dict(a); s.tags.append(t)
        if t == "html": s.lang = a.get("lang")
        if t == "th" and a.get("scope") not in ("col", "row"): s.th_no_scope += 1
    def handle_data(s, d): s.text.append(d)
p = P(); p.feed(html)
assert p.lang == "en-GB" and "h1" in p.tags and "h2" in p.tags and "caption" in p.tags and p.th_no_scope == 0
text = "".join(p.text)
assert '../St Mary, "Upper" / Lower' in text           # escaped, shown as typed
assert "<script" not in html.lower()
# failures grouped by reason before the full table
assert html.index("Documents not made, by reason") < html.index("Every document")
rows = list(csv.reader(open(sys.argv[2], encoding="utf-8", newline="")))
assert rows[0] == ["case", "child", "school", "template", "language", "status", "pages", "output", "reason", "problems"], rows[0]
assert len(rows) == 1 + 12, len(rows)
raw = open(sys.argv[2], encoding="utf-8", newline="").read()
assert raw.count("\r\n") == 13
leo = [r for r in rows if r[1] == "Leo"]
assert leo and all(r[2] == '../St Mary, "Upper" / Lower' for r in leo), leo
assert all(r[1] != "=Maya" for r in rows) and any(r[1] == "'=Maya" for r in rows)   # never a formula
made = [r for r in rows[1:] if r[5] == "made"]
assert all(int(r[6]) >= 1 and r[7].endswith(".pdf") for r in made)
nomade = [r for r in rows[1:] if r[5] == "not made"]
assert len(nomade) == 3 and all(r[3] == "ehcp" and "no EHC plan" in r[9] for r in nomade), nomade
assert any(r[1] == "Bilal" and r[4] == "ur" for r in rows)
PY

# the report's axe-core check (WCAG 2.2 AA, in Debian's chromium) is in
# tests/web/e2e.mjs, which has the browser and axe-core installed

# 5. one print file: a bookmark per document, pages per document, PDF/UA checks;
#    volumes; one file a school
"$BIN" batch "$C" -o "$T/pr" -t cover-letter,one-page-profile --lang family --also-english \
  --name '{child}-{template}-{lang}.pdf' --combine "$T/pr/print.pdf" --jobs 2 2>"$T/pr.err"; rc=$?
[ "$rc" = 0 ] && ok || { bad "print batch: exit $rc"; tail -3 "$T/pr.err"; }
grep -q "^print file: $T/pr/print.pdf$" "$T/pr.err" && ok || bad "the summary does not name the print file"
n_docs=$(find "$T/pr" -name '*.pdf' ! -name 'print*.pdf' | wc -l)
python3 - "$T/pr/print.pdf" "$n_docs" <<'PY' && ok || bad "print file bookmarks and pages"
import json, subprocess, sys
pdf, n = sys.argv[1], int(sys.argv[2])
o = json.loads(subprocess.run(["qpdf", "--json", "--json-key=outlines", "--json-key=pages", pdf], capture_output=True, text=True).stdout)
tops = o["outlines"]
assert len(tops) == n, (len(tops), n)
# cover letters on top of each child's documents
assert tops[0]["title"].startswith("Bilal: cover-letter (ur)"), tops[0]["title"]
assert len(o["pages"]) == n  # one page each here: profiles and letters
PY
# the a11y kit beside the clone, else the project's copy (a user's clone has no ../shared)
UA=$ROOT/../shared/a11y/pdfua_check.py; [ -f "$UA" ] || UA=$ROOT/tests/a11y/pdfua_check.py
python3 "$UA" "$T/pr/print.pdf" >"$T/ua.txt" 2>&1 && grep -q ' 0 failed' "$T/ua.txt" && ok || { bad "print file fails pdfua_check"; tail -3 "$T/ua.txt"; }
pdftotext "$T/pr/Bilal-cover-letter-en-GB.pdf" - | grep -q 'One-page profile' && ok || bad "the cover letter does not list the profile"
pdftotext "$T/pr/Bilal-cover-letter-ur.pdf" - | grep -q 'ایک صفحے کا تعارف' && ok || bad "the Urdu cover letter does not list the profile"
pdftotext "$T/pr/Rumi-cover-letter-bn.pdf" - | grep -q '14 Canal Street' && ok || bad "the cover letter has no address"
python3 "$UA" "$T/pr/Rumi-cover-letter-bn.pdf" >"$T/ua.txt" 2>&1 && ok || bad "cover letter fails pdfua_check"
"$BIN" batch "$C" -o "$T/vol" -t one-page-profile --combine "$T/vol/print-{school}.pdf" --combine-volume 1 --jobs 2 2>"$T/vol.err"
[ -f "$T/vol/print-Riverside-Academy.pdf" ] && ok || bad "no print file for a school"
n=$(find "$T/vol" -name 'print-*.pdf' | wc -l); [ "$n" = 6 ] && ok || bad "6 cases at 6 schools, volume 1: $n print files, want 6"
"$BIN" batch "$C" -o "$T/vol4" -t one-page-profile --combine "$T/vol4/all.pdf" --combine-volume 4 --jobs 2 2>/dev/null
[ "$(pdfinfo "$T/vol4/all.pdf" | awk '/^Pages/{print $2}')" = 4 ] && [ "$(pdfinfo "$T/vol4/all-2.pdf" | awk '/^Pages/{print $2}')" = 2 ] && ok || bad "volumes of 4: all.pdf and all-2.pdf"
ls "$T/vol"/print-St-Mary* >/dev/null 2>&1 && ok || bad "an unsafe school name in a print file name"

# 6. progress on a terminal: done/total, failures, rate, ETA, the current case
if command -v script >/dev/null; then
  make_cases "$T/many" 120
  script -qec "'$BIN' batch '$T/many' -o '$T/tty' -t one-page-profile --jobs 2" /dev/null >"$T/tty.txt" 2>&1
  grep -aq 'ETA [0-9]*m[0-9][0-9]s' "$T/tty.txt" && ok || bad "no ETA on the progress line"
  grep -aEq '[0-9]+/120  [0-9]+ failed  [0-9.]+ cases/s' "$T/tty.txt" && ok || bad "progress counts"
  grep -aEq 'ETA [^ ]+  (leo-clarke|maya-osei|zara-ahmed)-[0-9]+\.xml' "$T/tty.txt" && ok || bad "no current case on the progress line"
fi

# 7. modes: private by default, group-readable when asked
"$BIN" batch "$C/b" -o "$T/priv" -t one-page-profile --report "$T/priv/r.html" 2>/dev/null
[ "$(stat -c %a "$T/priv")" = 700 ] && [ "$(stat -c %a "$T/priv/leo-clarke.pdf")" = 600 ] && ok || bad "default modes"
[ "$(stat -c %a "$T/priv/r.html")" = 600 ] && [ "$(stat -c %a "$T/priv/r.csv")" = 600 ] && ok || bad "report modes"
"$BIN" batch "$C" -o "$T/grp" -t one-page-profile --group-readable --name '{school}/{child}.pdf' \
  --report "$T/grp/r.html" --combine "$T/grp/all.pdf" 2>/dev/null
[ "$(stat -c %a "$T/grp")" = 750 ] && ok || bad "group folder mode $(stat -c %a "$T/grp")"
[ "$(stat -c %a "$T/grp/Riverside-Academy")" = 750 ] && ok || bad "group subfolder mode"
[ "$(stat -c %a "$T/grp/Riverside-Academy/Rumi.pdf")" = 640 ] && ok || bad "group PDF mode"
for f in .sendoc-batch.jsonl r.html r.csv all.pdf; do
  [ "$(stat -c %a "$T/grp/$f")" = 640 ] && ok || bad "group mode of $f: $(stat -c %a "$T/grp/$f")"
done

# 8. the man page's GNU parallel example for --shard, as written (parallel is in
#    the Makefile's package list; xargs -P when it is missing)
make_cases "$T/cases" 40
mkdir -p "$T/par" && cd "$T/par" && mkdir -p cases out && cp -r "$T/cases/." cases/
PATH=$(dirname "$BIN"):$PATH
export PATH
ex=$(sed -n '/^# GNU parallel/,/^$/p' "$ROOT/cli/sendoc.1" | sed -e '1d' -e 's/\\e$/\\/')
if command -v parallel >/dev/null; then
  sh -c "$ex" >/dev/null 2>"$T/par.err"; rc=$?
else
  echo "note: GNU parallel missing: running the example with xargs -P"
  seq 8 | xargs -P 2 -I{} sendoc batch cases/ -o out/ -t one-page-profile --jobs 1 --shard {}/8 --manifest out/manifest-{}.jsonl 2>"$T/par.err"; rc=$?
fi
[ "$rc" = 0 ] && ok || { bad "the man page's parallel example: exit $rc"; tail -3 "$T/par.err"; }
n=$(find out -name '*.pdf' | wc -l); [ "$n" = 40 ] && ok || bad "parallel shards made $n PDFs, want 40"
n=$(cat out/manifest-*.jsonl | wc -l); [ "$n" = 40 ] && ok || bad "parallel manifests: $n lines, want 40"
cd "$ROOT"

# 9. the commands the man page and README show for a batch day, as written
mkdir -p "$T/doc" && cd "$T/doc" && mkdir cases && cp -r "$C/." cases/
ex=$(sed -n "/^A local authority's caseload/,/^\.fi/p" "$ROOT/cli/sendoc.1" | sed -e '1,/^\.RS/d' -e '/^\.RE/,$d' -e 's/\\e$/\\/')
sh -c "$ex" >/dev/null 2>"$T/doc.err"; rc=$?
[ "$rc" = 1 ] && ok || { bad "the man page's batch day: exit $rc, want 1 (SEN-support EHCPs)"; tail -3 "$T/doc.err"; }
[ -f out/report.html ] && [ -f out/report.csv ] && [ -f out/print-Riverside-Academy.pdf ] && \
  [ -f out/Riverside-Academy/Rumi-cover-letter-bn.pdf ] && ok || bad "the man page's batch day made $(ls out | tr '\n' ' ')"
ex=$(grep '^sendoc batch cases/ -o out/ -t one-page-profile,cover-letter --lang family' "$ROOT/cli/sendoc.1")
[ -n "$ex" ] || bad "the man page's EXAMPLES has no batch-day line"
rm -rf out && sh -c "$ex" >/dev/null 2>"$T/doc.err"; rc=$?
[ "$rc" = 0 ] && [ -f out/report.csv ] && ok || bad "the man page's example: exit $rc"
mkdir -p "$T/readme" && cd "$T/readme" && ln -s "$ROOT/samples" samples && ln -s "$(cd "$ROOT/$B" 2>/dev/null || cd "$(dirname "$BIN")/.."; pwd)" build
ex=$(grep '^build/bin/sendoc batch samples -o out/day ' "$ROOT/README.md")
[ -n "$ex" ] && sh -c "$ex" >/dev/null 2>"$T/readme.err" && ok || { bad "the README's batch day"; tail -3 "$T/readme.err"; }
[ -f out/day.csv ] && [ -f out/day-print.pdf ] && ok || bad "the README's batch day: no report or print file"
cd "$ROOT"

echo "batchday: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
