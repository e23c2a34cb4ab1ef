#!/bin/sh
# Batch benchmark: sh tools/bench.sh BUILD_DIR (run by `make bench B=build`).
# Generates workloads from the samples into a temporary folder: one-page
# profiles, half English and a quarter each in Urdu (from Bilal's case) and
# Bengali (from Rumi's), every case distinct (name and one item), photos
# alongside. For 250, 500 and 1,000 cases and --jobs 1 and 2 it prints cases/s
# (the median of BENCH_REPS runs, 3 unless set), peak RSS (GNU time) and output
# bytes per page; the 1,000 again with every case's own text made new
# (tools/fresh_text.py), so that no paragraph recurs. Then hooks: 200 EHCPs and
# 1,000 postcards when those templates exist, a batch day of 10,000 cases
# (BENCH_DAY; tests/scaling/batch_memory.py), and build/bench/bench_text.
#   BENCH_SIZES="250 500 1000" BENCH_JOBS="1 2" BENCH_REPS=3 sh tools/bench.sh build
set -u
B=${1:-build}
BIN=$(cd "$B" && pwd)/bin/sendoc
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZES=${BENCH_SIZES:-250 500 1000}
JOBS=${BENCH_JOBS:-1 2}
REPS=${BENCH_REPS:-3} # each line reports the median repetition: this machine's neighbours are noisy
FRESH=${BENCH_FRESH:-1000} # the size also measured with case text that never recurs
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SOURCE_DATE_EPOCH=1764547200
export SENDOC_DATA=$(cd "$B" && pwd)/share/sendoc
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: GNU time (/usr/bin/time, Debian package 'time') is needed for peak RSS"; TIME=""; }

# gen DIR N SAMPLE...: N distinct cases from the samples, round-robin, 100 a folder
gen() {
  g_dir=$1; g_n=$2; shift 2
  g_i=0
  while [ "$g_i" -lt "$g_n" ]; do
    for g_s in "$@"; do
      [ "$g_i" -lt "$g_n" ] || break
      g_sub=$(printf '%s/part-%02d' "$g_dir" $((g_i / 100)))
      if [ ! -d "$g_sub" ]; then
        mkdir -p "$g_sub/photos"
        cp "$ROOT"/samples/class-4b/photos/*.png "$g_sub/photos/"
        cp "$ROOT"/samples/photos/*.png "$g_sub/photos/"
      fi
      sed -e "0,/<legal-name>\([^<]*\)</s//<legal-name>\1 $g_i</" \
          -e "0,/<item>\([^<]*\)</s//<item>\1 (case $g_i)</" "$g_s" >"$g_sub/$(basename "$g_s" .xml)-$g_i.xml"
      g_i=$((g_i+1))
    done
  done
}

# run NAME OUTDIR JOBS ARGS...: one batch under GNU time; appends "secs rss" to $T/runs
run() {
  name=$1; out=$2; jobs=$3; shift 3
  rm -rf "$out"
  if [ -n "$TIME" ]; then
    $TIME -v -o "$T/time.txt" "$BIN" batch "$@" -o "$out" --jobs "$jobs" --manifest "$out.jsonl" 2>"$T/err.txt"
  else
    "$BIN" batch "$@" -o "$out" --jobs "$jobs" --manifest "$out.jsonl" 2>"$T/err.txt"
  fi
  rc=$?
  [ "$rc" = 0 ] || { echo "bench: $name failed (exit $rc):"; tail -3 "$T/err.txt"; }
  if [ -n "$TIME" ]; then
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/{ n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$T/time.txt")
    rss=$(awk -F': ' '/Maximum resident set size/{ print $2 }' "$T/time.txt")
  else secs=0; rss=0; fi
  echo "$secs $rss" >>"$T/runs"
}

# manifest totals: "cases pages bytes"
totals() {
  cat "$@" | python3 -c "
import json, sys
c = p = b = 0
for l in sys.stdin:
    r = json.loads(l); c += 1
    if r['status'] == 'ok': p += r['pages']; b += r['bytes']
print(c, p, b)"
}

# one repetition's total seconds and peak RSS, from $T/runs, onto $T/reps
rep_done() { awk '{ s += $1; if ($2 > m) m = $2 } END { print s, m }' "$T/runs" >>"$T/reps"; }

report() { # LABEL N JOBS MANIFEST...: the median repetition of $T/reps (seconds), the largest RSS
  label=$1; rn=$2; rj=$3; shift 3
  set -- $(sort -n "$T/reps" | awk '{ s[NR] = $1; if ($2 > m) m = $2 } END { print s[int((NR + 1) / 2)], m, NR, s[1], s[NR] }') $(totals "$@")
  secs=$1; rss=$2; reps=$3; lo=$4; hi=$5; cases=$6; pages=$7; bytes=$8
  awk -v l="$label" -v j="$rj" -v s="$secs" -v r="$rss" -v c="$cases" -v p="$pages" -v b="$bytes" -v n="$reps" -v lo="$lo" -v hi="$hi" 'BEGIN {
    printf "%-22s %6d cases  --jobs %d  %6.2f s  %7.1f cases/s  peak RSS %6.1f MB  %6.0f bytes/page", l, c, j, s, (s > 0 ? c / s : 0), r / 1024, (p > 0 ? b / p : 0)
    if (n > 1) printf "  (median of %d: %.2f-%.2f s)", n, lo, hi
    printf "\n" }'
  [ "$cases" = "$rn" ] || echo "bench: $label: $cases cases in the manifests, want $rn"
}

# repeated COMMAND...: one repetition's batches, REPS times, onto $T/reps
repeated() {
  : >"$T/reps"
  r=0
  while [ "$r" -lt "$REPS" ]; do
    : >"$T/runs"
    "$@"
    rep_done
    r=$((r + 1))
  done
}

profile_batches() { # JOBS: the English, Urdu and Bengali batches of $W
  run "profiles-en" "$T/o/en" $1 "$W/en" -t one-page-profile
  run "profiles-ur" "$T/o/ur" $1 "$W/ur" -t one-page-profile --lang ur
  run "profiles-bn" "$T/o/bn" $1 "$W/bn" -t one-page-profile --lang bn
}

profiles() { # LABEL N: every --jobs setting of the profile batches of $W
  for j in $JOBS; do
    repeated profile_batches $j
    report "$1" $2 $j "$T/o/en.jsonl" "$T/o/ur.jsonl" "$T/o/bn.jsonl"
  done
}

echo "bench: $(nproc) CPUs, $("$BIN" --version), SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"
S=$ROOT/samples
for n in $SIZES; do
  en=$((n / 2)); ur=$((n / 4)); bn=$((n - en - ur))
  W=$T/w$n
  gen "$W/en" $en "$S/ava-thompson.xml" "$S/kacper-nowak.xml" "$S/class-4b/leo-clarke.xml" "$S/class-4b/maya-osei.xml" "$S/class-4b/zara-ahmed.xml"
  gen "$W/ur" $ur "$S/bilal-hussain.xml"
  gen "$W/bn" $bn "$S/rumi-begum.xml"
  profiles "one-page profiles" $n
  if [ "$n" = "$FRESH" ]; then
    # the same batch with case text that never recurs: only template wording
    # and catalogue strings can come from the shape caches
    python3 "$ROOT/tools/fresh_text.py" "$W"
    profiles "profiles, text new" $n
  fi
  rm -rf "$W" "$T/o"
done

# hooks: other templates, when they exist and the samples render with them
hook() { # TEMPLATE N
  tpl=$1; hn=$2
  if ! "$BIN" templates 2>/dev/null | grep -qx "$tpl"; then echo "$tpl x $hn: skipped: no template"; return; fi
  srcs=""
  for s in "$S"/*.xml "$S"/class-4b/*.xml; do
    "$BIN" render "$s" -t "$tpl" -o "$T/probe.pdf" >/dev/null 2>&1 && srcs="$srcs $s"
  done
  if [ -z "$srcs" ]; then echo "$tpl x $hn: skipped: no sample renders with $tpl yet"; return; fi
  gen "$T/h" $hn $srcs
  for j in $JOBS; do
    repeated run "$tpl" "$T/o/h" $j "$T/h" -t "$tpl"
    report "$tpl" $hn $j "$T/o/h.jsonl"
  done
  rm -rf "$T/h" "$T/o"
}
hook ehcp 200
hook postcard-try 1000

# a batch day at scale (issue 16): BENCH_DAY cases (10,000 unless set) as one
# batch with the report and print volumes; peak RSS and descriptors
python3 "$ROOT/tests/scaling/batch_memory.py" "$BIN" "${BENCH_DAY:-10000}"

if [ -x "$B/bench/bench_text" ]; then
  echo "bench_text:"; "$B/bench/bench_text"
else
  echo "bench_text: skipped: $B/bench/bench_text not built"
fi
