#!/bin/sh
# One PDF through every reader, strictly (issue 15): text_roundtrip.py --strict
# with READERS (default all), then, where a string is missed, each miss proved
# that reader's own limit by reader_limits.py from the readers' own output
# (pdftotext's text and blocks, MuPDF's text, pdfminer's text and boxes,
# pdf.js's text and page furniture page by page).
#   sh tests/integration/prove_read.sh A11Y_DIR BUILD_DIR PDF EXPECTED.json PREFIX [READERS]
# Writes PREFIX.rt (text_roundtrip's JSON) and, when something was missed,
# PREFIX.limits (reader_limits' LIMIT and FAIL lines) beside the readers'
# output it was proved from. Exit 0 when every string is exact or proved.
# The matrix, readers.sh, tests/text/roundtrip.sh and tests/gen/run.py share it.
set -u
W=$1 B=$2 PDF=$3 EXP=$4 P=$5 READERS=${6:-all}
HERE=$(cd "$(dirname "$0")" && pwd)
PY=python3
python3 -c 'import pdfminer' 2>/dev/null || PY=/usr/bin/python3
rm -f "$P.limits"
python3 "$W/text_roundtrip.py" "$PDF" "$EXP" --readers "$READERS" --strict --json --pdfminer-python "$PY" \
  > "$P.rt" 2>"$P.rterr"
if python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1])).get("ok") else 1)' "$P.rt" 2>/dev/null; then
  exit 0
fi
pdftotext -enc UTF-8 "$PDF" "$P.poppler.txt" 2>/dev/null
pdftotext -bbox-layout "$PDF" "$P.bbox.html" 2>/dev/null
mutool draw -q -F txt -o "$P.mupdf.txt" "$PDF" 2>/dev/null
"$PY" -c 'import sys; from pdfminer.high_level import extract_text; sys.stdout.write(extract_text(sys.argv[1]))' \
  "$PDF" > "$P.pdfminer.txt" 2>/dev/null
"$PY" "$HERE/pdfminer_layout.py" "$PDF" > "$P.pdfminer.json" 2>/dev/null
node "$W/reading_order.mjs" "$PDF" --json --artifacts > "$P.pdfjs.json" 2>/dev/null
python3 "$HERE/reader_limits.py" "$P.rt" "$EXP" poppler="$P.poppler.txt" pdfminer="$P.pdfminer.txt" \
  mupdf="$P.mupdf.txt" poppler-blocks="$P.bbox.html" pdfminer-layout="$P.pdfminer.json" pdfjs-pages="$P.pdfjs.json" \
  bidi="$B/tools/bidivisual" > "$P.limits" 2>&1
