#!/bin/sh
# Runs every Check suite built under $1/tests; fails if any fails.
B=${1:-build}
fail=0; n=0
for t in "$B"/tests/check_*; do
  [ -x "$t" ] || continue
  n=$((n+1))
  if ! CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-60} "$t"; then
    echo "FAILED: $t (LANG=${LANG:-})"; fail=$((fail+1))
  fi
done
echo "suites: $((n-fail)) passed, $fail failed (LANG=${LANG:-unset}, build $B)"
[ "$fail" -eq 0 ] && [ "$n" -gt 0 ]
