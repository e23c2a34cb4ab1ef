#!/bin/sh
# Integration tests on rendered PDFs: sh tests/integration/run.sh BUILD_DIR
# Renders every sample, then checks pages, text order, determinism, qpdf
# structure and bad-input handling, and runs the PDF/UA and round-trip
# checkers of the accessibility kit (tests/integration/a11y.sh) on every PDF.
set -u
B=${1:-build}
BIN=$B/bin/sendoc
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok()   { pass=$((pass+1)); }
bad()  { fail=$((fail+1)); echo "FAIL: $*"; }
export SOURCE_DATE_EPOCH=1764547200

# 1. every sample renders, twice, to identical bytes
mkdir -p "$T/a" "$T/b"
if sh "$ROOT/tools/render-samples.sh" "$BIN" "$T/a" >"$T/render.log" 2>&1; then ok; else bad "rendering samples"; cat "$T/render.log"; fi
sh "$ROOT/tools/render-samples.sh" "$BIN" "$T/b" >/dev/null 2>&1
for f in "$T"/a/*.pdf; do
  n=$(basename "$f")
  if cmp -s "$f" "$T/b/$n"; then ok; else bad "$n: two renders differ"; fi
  if qpdf --check "$f" >/dev/null 2>&1; then ok; else bad "$n: qpdf --check"; qpdf --check "$f" | tail -3; fi
  mode=$(stat -c %a "$f")
  if [ "$mode" = 600 ]; then ok; else bad "$n: mode $mode, want 600"; fi
  if strings "$f" | grep -q -e "$ROOT" -e "$(id -un)@" ; then bad "$n: contains a path or user name"; else ok; fi
  exp="$HERE/expected/${n%.pdf}.json"
  if [ -f "$exp" ]; then
    if python3 "$HERE/text_order.py" "$f" "$exp" >"$T/order.txt"; then ok; else bad "$n: text order"; cat "$T/order.txt"; fi
  fi
  case "$n" in
    *profile*) pages=$(pdfinfo "$f" | awk '/^Pages:/{print $2}')
               if [ "$pages" = 1 ]; then ok; else bad "$n: $pages pages, a profile must be 1"; fi ;;
  esac
done

# issue 15: pdftotext split the Bengali heading «পর্যালোচনার» after «পর্যালো»: the
# text-layer glyph of a cluster that follows a zero-width mark fell 0.03 em short
# of the cluster, a gap poppler takes for a space where it has split a word
"$BIN" render "$ROOT/samples/bilal-hussain.xml" --template review-record --lang bn -o "$T/rr-bn.pdf" 2>/dev/null
pdftotext -enc UTF-8 "$T/rr-bn.pdf" "$T/rr-bn.txt" 2>/dev/null
if python3 -c 'import sys, unicodedata as u; t = [u.normalize("NFC", l) for l in open(sys.argv[1], encoding="utf-8")]
sys.exit(0 if any(l.strip() == u.normalize("NFC", "Bilal-এর বার্ষিক পর্যালোচনার বিবরণী") for l in t) else 1)' "$T/rr-bn.txt"
then ok; else bad "Bengali review record heading through pdftotext: $(grep -m1 'Bilal-' "$T/rr-bn.txt")"; fi

# the poppler-only check fails on wrong text, in both directions
if python3 "$HERE/test_text_order.py" "$T/a/ava-profile.pdf" "$HERE/expected/ava-profile.json" \
     "$T/a/note-ur.pdf" "$HERE/expected/note-ur.json" >"$T/tto.txt" 2>&1; then ok; else bad "test_text_order.py"; cat "$T/tto.txt"; fi

# 2. bad input: exit 1, a file:line:column message, and no output file
expect_fail() { # name expected-exit grep-pattern -- args...
  name=$1; want=$2; pat=$3; shift 3
  rm -f "$T/bad.pdf"
  "$BIN" "$@" -o "$T/bad.pdf" 2>"$T/err.txt"; got=$?
  if [ "$got" = "$want" ]; then ok; else bad "$name: exit $got, want $want"; cat "$T/err.txt"; fi
  if grep -Eq "$pat" "$T/err.txt"; then ok; else bad "$name: message lacks /$pat/"; cat "$T/err.txt"; fi
  if [ -e "$T/bad.pdf" ] || ls "$T"/bad.pdf.tmp-* >/dev/null 2>&1; then bad "$name: left an output file"; else ok; fi
}
I=$HERE/bad
expect_fail malformed 1 'malformed\.xml:[0-9]+:[0-9]+: error' render "$I/malformed.xml" --template one-page-profile
expect_fail schema 1 'schema-violation\.xml:[0-9]+:[0-9]+: error' render "$I/schema-violation.xml" --template one-page-profile
expect_fail photo 1 'missing-photo\.xml:[0-9]+:[0-9]+: error.*photo' render "$I/missing-photo.xml" --template one-page-profile
expect_fail field 1 'unknown-field\.md:[0-9]+:[0-9]+: error.*no-such' render "$ROOT/samples/bilal-hussain.xml" --template "$I/unknown-field.md"
expect_fail usage 2 'template' render "$ROOT/samples/bilal-hussain.xml"
expect_fail template-name 2 'no template' render "$ROOT/samples/bilal-hussain.xml" --template no-such-template
expect_fail too-long 1 'cut about' render "$I/too-long.xml" --template one-page-profile
# --diagnostics=json gives one object per line
"$BIN" validate --diagnostics=json "$I/schema-violation.xml" 2>"$T/j.txt" >/dev/null
if python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]; assert open(sys.argv[1]).read().strip()" "$T/j.txt"; then ok; else bad "json diagnostics"; cat "$T/j.txt"; fi

# 3. the independent PDF/UA and reading-order checkers: ../shared/a11y when it
# is beside the clone (as in CI), else the project's copy in tests/a11y
. "$HERE/a11y.sh"
W=$T/a11y
for f in "$T"/a/*.pdf; do
  n=$(basename "$f")
  if python3 "$W/pdfua_check.py" "$f" >"$T/ua.txt" 2>&1; then ok; else bad "$n: pdfua_check"; grep -E 'FAIL|checks passed' "$T/ua.txt"; fi
  exp="$HERE/expected/${n%.pdf}.json"
  if [ -f "$exp" ] && [ "$A11Y_PDFJS" = 1 ]; then
    if python3 "$W/text_roundtrip.py" "$f" "$exp" >"$T/rt.txt" 2>&1; then ok; else bad "$n: text_roundtrip"; cat "$T/rt.txt" | tail -15; fi
  fi
done
# numbered labels in a right-to-left list: what Firefox hands a screen
# reader reads «1.», not «.1» (issue 15)
if [ "$A11Y_PDFJS" = 1 ]; then
  node "$W/reading_order.mjs" "$T/a/review-invitation-bilal-ur.pdf" > "$T/lbl.txt" 2>&1
  if grep -q 'Lbl: "1\."' "$T/lbl.txt" && ! grep -q 'Lbl: "\.[0-9]' "$T/lbl.txt"; then ok
  else bad "review-invitation-bilal-ur.pdf: numbered labels"; grep 'Lbl' "$T/lbl.txt" | head -5; fi
fi
[ -z "$A11Y_MISSING" ] || echo "SKIPPED: $A11Y_MISSING: the pdf.js text round trip of $(ls "$HERE"/expected/*.json | wc -l) samples not run"

echo "integration: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
