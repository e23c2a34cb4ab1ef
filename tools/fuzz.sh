#!/bin/sh
# Builds every libFuzzer target in tests/fuzz/ with clang (ASan + UBSan) and
# runs each on its corpus for FUZZ_SECONDS (default 60). Run from the repo root.
#   make fuzz                      FUZZ_SECONDS=600 make fuzz     FUZZ_TARGETS="fuzz_case" make fuzz
set -eu
SECS=${FUZZ_SECONDS:-60}
B=build-fuzz
PKGS="libxml-2.0 libcmark harfbuzz harfbuzz-subset icu-uc icu-i18n fontconfig libpng libcrypto"
CFLAGS="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -g -O1 -fno-omit-frame-pointer -DSD_BUILDING -Iengine/include -Iengine $(pkg-config --cflags $PKGS)"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
mkdir -p "$B/obj" "$B/share"
make --no-print-directory data B="$B" >/dev/null
objs=""
# an object older than any engine header is rebuilt too: a struct that grew a
# field must not meet objects compiled against the old one
newest_h=$(ls -t engine/*.h engine/include/*.h | head -1)
for c in engine/*.c; do
  o="$B/obj/$(basename "$c" .c).o"
  if [ ! -f "$o" ] || [ "$c" -nt "$o" ] || [ "$newest_h" -nt "$o" ]; then
    clang $CFLAGS $SAN -fsanitize=fuzzer-no-link -c "$c" -o "$o"
  fi
  objs="$objs $o"
done
targets=${FUZZ_TARGETS:-$(ls tests/fuzz/fuzz_*.c | xargs -n1 basename | sed 's/\.c$//')}
fail=0
for t in $targets; do
  clang $CFLAGS $SAN -fsanitize=fuzzer "tests/fuzz/$t.c" $objs $(pkg-config --libs $PKGS) -lhpdf -lz -lm -lpthread -o "$B/$t"
  corpus="tests/fuzz/corpus/$t"; work="$B/corpus-$t"
  mkdir -p "$work"
  dict=""; [ -f "tests/fuzz/$t.dict" ] && dict="-dict=tests/fuzz/$t.dict"
  echo "fuzz: $t for ${SECS}s"
  if SENDOC_DATA="$B/share/sendoc" "$B/$t" $dict -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$B/$t-" "$work" "$corpus" >"$B/$t.log" 2>&1; then
    echo "fuzz: $t ok ($(grep -o 'stat::number_of_executed_units: [0-9]*' "$B/$t.log" | awk '{print $2}') runs)"
  else
    echo "fuzz: $t FAILED, see $B/$t.log"; tail -20 "$B/$t.log"; fail=1
  fi
done
exit $fail
