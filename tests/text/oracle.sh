#!/bin/sh
# Prints hb-shape's glyphs for every single-font row of tests/text/oracle.tsv,
# on the file fontconfig gives for the row's family: the numbers the Check
# test test_glyphs_match_hb_shape_oracle compares sd_text_layout against (that
# test shapes each run separately and uses the exact file sd_fonts_pick chose).
#   tests/text/oracle.sh [tests/text/oracle.tsv]
set -eu
tsv=${1:-tests/text/oracle.tsv}
grep -v '^#' "$tsv" | while IFS="$(printf '\t')" read -r lang script dir family text; do
  [ -n "$lang" ] || continue
  if [ "$family" = "-" ]; then
    printf '%s\t%s\t(mixed: compared per run by check_text)\n' "$lang" "$text"
    continue
  fi
  file=$(fc-match -f '%{file}' "$family:style=Regular")
  index=$(fc-match -f '%{index}' "$family:style=Regular")
  glyphs=$(hb-shape --font-file="$file" --face-index="$index" --language="$lang" \
    --script="$script" --direction="$dir" --no-glyph-names --text="$text" 2>/dev/null)
  printf '%s\t%s\t%s\n' "$lang" "$(basename "$file")" "$glyphs"
done
