#!/bin/sh
# CLI contract tests: sh tests/cli/run.sh BUILD_DIR. Runs every tests/cli/*.sh
# but this one and lib.sh; each prints "NAME: P passed, F failed".
set -u
B=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
pass=0; fail=0
for t in "$HERE"/*.sh; do
  case $(basename "$t") in run.sh|lib.sh) continue ;; esac
  out=$(sh "$t" "$B" 2>&1); rc=$?
  line=$(printf '%s\n' "$out" | tail -1)
  printf '%s\n' "$out" | grep -E '^(FAIL|SKIP|XFAIL|XPASS|note)' || true
  p=$(printf '%s' "$line" | sed -n 's/.*: \([0-9]*\) passed.*/\1/p'); f=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
  [ -n "$p" ] || { p=0; f=1; printf '%s\n' "$out" | tail -5; }
  [ "$rc" = 0 ] || [ "${f:-0}" != 0 ] || f=1
  echo "  $line"
  pass=$((pass+p)); fail=$((fail+${f:-0}))
done
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
