#!/bin/sh
# The library is re-entrant: a batch on two threads, built with
# ThreadSanitizer, over cases in English, Urdu and Bengali with every template
# (shared font, shape, outline and program caches; per-document break
# iterators). Any race report fails the stage.
#   sh tests/tsan/run.sh BUILD_DIR   (BUILD_DIR holds the data; the TSan build goes to build-tsan)
set -u
B=${1:-build}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
make --no-print-directory B=build-tsan OPT="-O1 -g" SAN="-fsanitize=thread" build-tsan/bin/sendoc >/dev/null || exit 1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/in/photos"
for p in samples/photos/*.png samples/class-4b/photos/*.png; do [ -e "$T/in/photos/$(basename "$p")" ] || cp "$p" "$T/in/photos/"; done
i=0
for s in samples/ava-thompson.xml samples/bilal-hussain.xml samples/rumi-begum.xml samples/kacper-nowak.xml samples/yousef-haddad.xml; do
  for k in 1 2 3 4; do cp "$s" "$T/in/$(basename "$s" .xml)-$k.xml"; i=$((i + 1)); done
done
export SOURCE_DATE_EPOCH=1764547200 SENDOC_DATA="$(cd "$B" && pwd)/share/sendoc"
export TSAN_OPTIONS="suppressions=$ROOT/tests/tsan/suppressions halt_on_error=1 exitcode=66"
pass=0; fail=0
for args in "-t one-page-profile" "-t one-page-profile --lang ur" "-t one-page-profile --lang bn" \
            "-t postcard-try" "-t ehcp --lang ar" "-t review-invitation --lang pl" \
            "-t cover-letter,one-page-profile --lang family --also-english --report $T/r.html --combine $T/p.pdf"; do
  rm -rf "$T/out"
  build-tsan/bin/sendoc batch "$T/in" -o "$T/out" $args --jobs 2 >/dev/null 2>"$T/err"
  rc=$?
  rendered=$(sed -n 's/^\([0-9]*\) rendered.*/\1/p' "$T/err" | tail -1)
  if grep -q "ThreadSanitizer" "$T/err" || [ "$rc" -ge 2 ] || [ "${rendered:-0}" -lt 4 ]; then
    fail=$((fail + 1)); echo "FAIL tsan: batch $args (exit $rc, ${rendered:-0} rendered)"; grep -A20 "WARNING: ThreadSanitizer" "$T/err" | head -40
  else
    pass=$((pass + 1))
  fi
done
# one engine and one loaded case shared by four threads rendering and linting
# it at once (sendoc.h: a case may be shared read-only)
if make --no-print-directory B=build-tsan OPT="-O1 -g" SAN="-fsanitize=thread" build-tsan/tools/share_case >/dev/null; then
  build-tsan/tools/share_case "$SENDOC_DATA" samples/bilal-hussain.xml 4 >"$T/share" 2>&1
  rc=$?
  if grep -q "ThreadSanitizer" "$T/share" || [ "$rc" != 0 ]; then
    fail=$((fail + 1)); echo "FAIL tsan: one case shared by 4 threads (exit $rc)"; grep -A20 "WARNING: ThreadSanitizer" "$T/share" | head -40; tail -2 "$T/share"
  else
    pass=$((pass + 1))
  fi
else
  fail=$((fail + 1)); echo "FAIL tsan: cannot build tests/tools/share_case"
fi
echo "tsan: $pass passed, $fail failed ($i cases a batch, --jobs 2)"
[ "$fail" -eq 0 ]
