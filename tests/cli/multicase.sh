#!/bin/sh
# Several cases in one PDF through the command line: 1, 2, 5, 50 and 200
# cases, every sample's script, the same case given again (a class set), and
# five cases under valgrind. `render` once overran the combined title by one
# byte per separator (" · " is 4 bytes): run with an ASan build as well
# (`sh tests/cli/multicase.sh build-asan`, from make check-asan).
B=${1:-build}
. "$(dirname "$0")/lib.sh"
S=$ROOT/samples
all="$S/ava-thompson.xml $S/bilal-hussain.xml $S/rumi-begum.xml $S/yousef-haddad.xml $S/kacper-nowak.xml
 $S/class-4b/leo-clarke.xml $S/class-4b/maya-osei.xml $S/class-4b/zara-ahmed.xml"
# first N of the eight samples, round robin
pick() { n=$1; i=0; set -- $all; out=""; while [ "$i" -lt "$n" ]; do
  k=$((i % 8 + 1)); eval "out=\"\$out \${$k}\""; i=$((i+1)); done; echo "$out"; }

for n in 1 2 5 50 200; do
  # shellcheck disable=SC2046
  "$BIN" render $(pick $n) -t one-page-profile -o "$T/m$n.pdf" 2>"$T/err.txt"; rc=$?
  if [ "$rc" = 0 ]; then ok; else bad "$n cases: exit $rc"; head -3 "$T/err.txt"; continue; fi
  p=$(pdfinfo "$T/m$n.pdf" | awk '/^Pages:/{print $2}')
  [ "$p" = "$n" ] && ok || bad "$n cases: $p pages"
  seps=$(pdfinfo -enc UTF-8 "$T/m$n.pdf" | sed -n 's/^Title: *//p' | grep -o ' · ' | wc -l)
  [ "$seps" = $((n - 1)) ] && ok || bad "$n cases: $seps separators in the title, want $((n - 1))"
  qpdf --check "$T/m$n.pdf" >/dev/null 2>&1 && ok || bad "$n cases: qpdf --check"
done

# the issue's reproductions: one case five times, the class listed twice
expect_exit "ava x5" 0 "$BIN" render "$S/ava-thompson.xml" "$S/ava-thompson.xml" "$S/ava-thompson.xml" \
  "$S/ava-thompson.xml" "$S/ava-thompson.xml" -t one-page-profile -o "$T/ava5.pdf"
expect_exit "class-4b twice" 0 "$BIN" render "$S"/class-4b/*.xml "$S"/class-4b/*.xml -t one-page-profile -o "$T/c6.pdf"

# valgrind: no invalid read or write, no leak, five cases in three scripts
if command -v valgrind >/dev/null 2>&1 && ! "$BIN" --version 2>/dev/null | grep -q asan && \
   ! nm "$BIN" 2>/dev/null | grep -q __asan_init; then
  valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    "$BIN" render "$S/ava-thompson.xml" "$S/bilal-hussain.xml" "$S/rumi-begum.xml" "$S/ava-thompson.xml" \
    "$S/yousef-haddad.xml" -t one-page-profile -o "$T/vg.pdf" 2>"$T/vg.txt"; rc=$?
  [ "$rc" = 0 ] && ok || { bad "valgrind: exit $rc"; head -20 "$T/vg.txt"; }
else
  echo "note: valgrind stage skipped (no valgrind, or an ASan build)"
fi
echo "multicase: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
