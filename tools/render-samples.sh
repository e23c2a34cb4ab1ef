#!/bin/sh
# Renders every sample listed in samples/renders.txt: sh tools/render-samples.sh SENDOC OUTDIR
# Each line: OUTPUT.pdf  CASE.xml|NOTE.md  TEMPLATE|-  LANG  STYLE
set -u
bin=${1:-build/bin/sendoc}; out=${2:-out}
mkdir -p "$out"
fail=0; n=0
while read -r pdf input template lang style; do
  case "$pdf" in ''|'#'*) continue ;; esac
  n=$((n+1))
  if [ "$template" = "-" ]; then
    "$bin" render --markdown "$input" --lang "$lang" --style "$style" -o "$out/$pdf" || { echo "FAILED: $pdf"; fail=$((fail+1)); continue; }
  else
    # shellcheck disable=SC2086 # INPUT may be a glob: several cases, one PDF
    "$bin" render $input --template "$template" --lang "$lang" --style "$style" -o "$out/$pdf" || { echo "FAILED: $pdf"; fail=$((fail+1)); continue; }
  fi
  echo "rendered $out/$pdf"
done < samples/renders.txt
echo "samples: $((n-fail)) rendered, $fail failed"
[ "$fail" -eq 0 ]
