#!/bin/sh
# Every template x reading style x language (en-GB, ur, bn, pl, ar) renders,
# passes the PDF/UA machine checks and gives back, through pdf.js and
# poppler, the text it was meant to print (tests/tools/textdump), each
# stretch in its language. The kit is ../shared/a11y, else tests/a11y; without
# node/npm only PDF/UA and the poppler check run (and it says so).   sh tests/integration/matrix.sh BUILD_DIR
# Strict stage (issue 15): MATRIX_READERS=all MATRIX_STRICT=1 also runs every
# document through all five readers with --strict and prints a table per
# reader x language (tests/integration/strict_summary.py). Only the document x
# reader pairs in tests/integration/strict_gate.txt (those that pass today)
# fail the matrix; the rest are reported. MATRIX_STRICT_RECORD=FILE writes
# today's passes in the gate's format.
set -u
B=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SOURCE_DATE_EPOCH=1764547200
. "$HERE/a11y.sh"   # the kit: ../shared/a11y, else tests/a11y; A11Y_PDFJS, A11Y_MISSING
# Each language is rendered from a family who reads it (their case data
# carries translations), as it would be in use; en-GB from Ava's case.
case_for() { # TEMPLATE LANG STYLE -> case file
  case "$2" in
    ur) case "$1-$3" in one-page-profile-large-print|postcard-*-large-print) echo tests/integration/cases/bilal-short.xml ;;
        *) echo samples/bilal-hussain.xml ;; esac ;;
    ar) echo samples/yousef-haddad.xml ;;
    bn) case "$1" in ehcp|review-*) echo samples/bilal-hussain.xml ;; *) echo samples/rumi-begum.xml ;; esac ;;
    pl) case "$1" in review-*) echo samples/ava-thompson.xml ;; *) echo samples/kacper-nowak.xml ;; esac ;;
    *) case "$1" in one-page-profile) echo samples/bilal-hussain.xml ;; *) echo samples/ava-thompson.xml ;; esac ;;
  esac
}
: > "$T/jobs"
for tpl in one-page-profile ehcp postcard-try postcard-tried review-invitation review-record; do
  for lang in en-GB ur bn pl ar; do
    for style in standard large-print dyslexia; do echo "$tpl $(case_for $tpl $lang $style) $lang $style" >> "$T/jobs"; done
  done
done

cat > "$T/one.sh" <<'ONE'
#!/bin/sh
# one job: TEMPLATE CASE LANG STYLE; prints "ok NAME" or "FAIL NAME: why"
tpl=$1 case=$2 lang=$3 style=$4
name="$tpl-$lang-$style"
out="$T/$name.pdf"
cd "$ROOT"
if ! "$B/bin/sendoc" render "$case" --template "$tpl" --lang "$lang" --style "$style" -o "$out" 2>"$T/$name.err"; then
  echo "FAIL $name: render: $(grep -v warning "$T/$name.err" | head -2 | tr '\n' ' ')"; exit 0
fi
"$B/tools/textdump" "$B/share/sendoc" "$case" "$tpl" "$lang" "$style" > "$T/$name.json" 2>>"$T/$name.err" || { echo "FAIL $name: textdump"; exit 0; }
python3 "$T/a11y/pdfua_check.py" "$out" > "$T/$name.ua" 2>&1 || { echo "FAIL $name: pdfua_check: $(grep FAIL "$T/$name.ua" | head -3 | tr '\n' ' ')"; exit 0; }
if [ "${MATRIX_STRICT:-}" = 1 ] && [ "$A11Y_PDFJS" = 1 ]; then
  # every reader strictly, each miss proved that reader's own by reader_limits.py
  # (its LIMIT lines in $name.limits), as readers.sh and the text round trip read
  sh "$HERE/prove_read.sh" "$T/a11y" "$B" "$out" "$T/$name.json" "$T/strict/$name" "${MATRIX_READERS:-all}"
  mv "$T/strict/$name.rt" "$T/strict/$name.strict.json"
  # misses that are only a reader reordering grid-table cells, proved as in tables.sh
  if ! python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1])).get("ok") else 1)' "$T/strict/$name.strict.json" 2>/dev/null; then
    node "$T/a11y/reading_order.mjs" "$out" > "$T/strict/$name.tree" 2>/dev/null &&
      python3 "$HERE/table_limits.py" "$T/$name.json" "$T/strict/$name.tree" < "$T/strict/$name.strict.json" \
        > "$T/strict/$name.known" 2>/dev/null || rm -f "$T/strict/$name.known"
  fi
fi
if [ "$A11Y_PDFJS" = 1 ]; then
  if ! python3 "$T/a11y/text_roundtrip.py" "$out" "$T/$name.json" > "$T/$name.rt" 2>&1; then
    python3 "$T/a11y/text_roundtrip.py" "$out" "$T/$name.json" --json 2>/dev/null > "$T/$name.rtj"
    node "$T/a11y/reading_order.mjs" "$out" --text > "$T/$name.pjs" 2>/dev/null
    if known=$(python3 "$HERE/known_limits.py" "$T/$name.json" "$T/$name.pjs" < "$T/$name.rtj"); then echo "ok $name ($known)"; exit 0; fi
    why="text_roundtrip: $(grep -iE 'fail|missing' "$T/$name.rt" | head -4 | tr '\n' ' ')"
    case " $PENDING_ISSUE15 " in *" $name "*) echo "PENDING $name: $why"; exit 0 ;; esac
    echo "FAIL $name: $why"; exit 0
  fi
else
  if ! python3 "$HERE/text_order.py" "$out" "$T/$name.json" > "$T/$name.rt" 2>&1; then
    case " $PENDING_ISSUE15 " in *" $name "*) echo "PENDING $name: text order: $(head -2 "$T/$name.rt" | tr '\n' ' ')"; exit 0 ;; esac
    echo "FAIL $name: text order: $(head -2 "$T/$name.rt" | tr '\n' ' ')"; exit 0
  fi
  if grep -q '^UNCHECKED' "$T/$name.rt"; then echo "ok $name (UNCHECKED $(sed -n 's/^UNCHECKED: \([0-9]*\).*/\1/p' "$T/$name.rt"))"; exit 0; fi
fi
echo "ok $name"
ONE
python3 "$HERE/test_known_limits.py" || exit 1
[ "${MATRIX_STRICT:-}" = 1 ] && { python3 "$HERE/test_strict_summary.py" || exit 1; }
# Documents a reader gets wrong in a way known_limits.py cannot prove is only
# that reader's limit are listed here and reported as PENDING with their
# misses, not passed (PDF/UA and rendering stay fatal for them). Issue 15
# emptied the list: the draft watermark is drawn as shapes (engine/pdf_outline.c:
# it was read into the lines it crossed), and right-to-left text layers are
# written in logical order (engine/pdf_text.c). Keep it empty.
PENDING_ISSUE15=""
mkdir -p "$T/strict"
case "${MATRIX_STRICT:-}" in 1) [ "${MATRIX_READERS:-all}" = all ] || { echo "matrix: the strict stage runs MATRIX_READERS=all only"; exit 2; } ;; esac
export T ROOT B HERE A11Y_PDFJS PENDING_ISSUE15 MATRIX_STRICT MATRIX_READERS
xargs -P 2 -L 1 sh "$T/one.sh" < "$T/jobs" > "$T/results"
grep FAIL "$T/results" | sort
known=$(grep -c 'KNOWN' "$T/results")
[ "$known" -gt 0 ] && echo "matrix: $known right-to-left documents with a known extractor limit (tests/integration/known_limits.py):" && grep KNOWN "$T/results" | sed 's/^ok /  /'
unchecked=$(grep -c 'UNCHECKED' "$T/results")
[ -z "$A11Y_MISSING" ] || echo "SKIPPED: $A11Y_MISSING: matrix ran PDF/UA and the poppler check only; run order in $unchecked right-to-left documents not confirmed"
pass=$(grep -c '^ok' "$T/results"); fail=$(grep -c '^FAIL' "$T/results"); pending=$(grep -c '^PENDING' "$T/results")
[ "$pending" -gt 0 ] && echo "matrix: $pending documents PENDING issue 15 (a reader gets their text wrong; not passed):" && grep '^PENDING' "$T/results" | sort | cut -c1-300
for n in $PENDING_ISSUE15; do grep -q "^ok $n\b" "$T/results" && echo "matrix: $n now passes: take it off PENDING_ISSUE15"; done
strict_fail=0
if [ "${MATRIX_STRICT:-}" = 1 ]; then
  if [ "$A11Y_PDFJS" != 1 ]; then echo "SKIPPED: strict stage: $A11Y_MISSING"
  else
    python3 "$HERE/strict_summary.py" "$T/strict" "$HERE/strict_gate.txt" ${MATRIX_STRICT_RECORD:+--record "$MATRIX_STRICT_RECORD"} || strict_fail=1
  fi
fi
echo "matrix: $pass passed, $fail failed, $pending pending issue 15"
if [ -n "${MATRIX_KEEP:-}" ]; then mkdir -p "$MATRIX_KEEP" && cp "$T"/*.pdf "$T"/*.json "$MATRIX_KEEP"/ 2>/dev/null; cp -r "$T/strict" "$MATRIX_KEEP"/ 2>/dev/null; fi
[ "$fail" -eq 0 ] && [ "$strict_fail" -eq 0 ]
