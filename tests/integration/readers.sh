#!/bin/sh
# Issue 15: the text layer read exactly by five readers (pdf.js content order,
# poppler, MuPDF, pdfminer and pdf.js's structure tree), in every script the
# project has a catalogue or a test for: text_roundtrip.py --readers all
# --strict on a one-page profile in each catalogue language, in Malayalam and
# Sinhala (made from tests/integration/cases/bilal-short.xml), and in large
# print for Arabic and Bengali. Every miss must be a limit of that reader that
# tests/integration/reader_limits.py proves; PDF/UA must pass. The EHCP too,
# in Urdu, Arabic, Gujarati and Gurmukhi.    sh tests/integration/readers.sh BUILD_DIR
set -u
B=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SOURCE_DATE_EPOCH=1764547200
. "$HERE/a11y.sh"
if [ "$A11Y_PDFJS" != 1 ]; then echo "SKIPPED: readers: $A11Y_MISSING"; exit 0; fi

# Malayalam and Sinhala have no catalogue: a case whose translations are in them
python3 - "$ROOT/tests/integration/cases/bilal-short.xml" "$T" <<'EOF'
import re, sys
src = re.sub(r"<!--.*?-->", "", open(sys.argv[1], encoding="utf-8").read(), count=1, flags=re.S)
words = {"ml": "സൌഹൃദം കൂട്ടുകാർ പുസ്തകം സ്കൂൾ കളി സഹായം വായന കണക്ക് പൂന്തോട്ടം ശാന്തം സന്തോഷം അധ്യാപകൻ ശ്രദ്ധ".split(),
         "si": "මිතුරන් පොත පාසල සෙල්ලම උදව් කියවීම ගණිතය වත්ත නිශ්ශබ්දතාව සතුට ගුරුවරයා සෝදිසිය දෝෂය".split()}
for lang, w in words.items():
    n = [0]
    def rep(m):
        n[0] += 1
        k = max(1, min(len(m.group(2).split()), 12))
        return m.group(1) + " ".join(w[(n[0] + i) % len(w)] for i in range(k)) + "<"
    out = re.sub(r'(xml:lang="ur">)([^<]*)<', rep, src).replace('xml:lang="ur"', 'xml:lang="%s"' % lang)
    open("%s/%s.xml" % (sys.argv[2], lang), "w", encoding="utf-8").write(out)
EOF
cp -r "$ROOT/tests/integration/cases/photos" "$T/photos"

: > "$T/jobs"
for lang in $("$B/bin/sendoc" locales | cut -f1); do
  case "$lang" in ar) c=samples/yousef-haddad.xml ;; bn) c=samples/rumi-begum.xml ;; *) c=samples/bilal-hussain.xml ;; esac
  echo "one-page-profile $c $lang standard all" >> "$T/jobs"
done
echo "one-page-profile $T/ml.xml ml standard all" >> "$T/jobs"
echo "one-page-profile $T/si.xml si standard all" >> "$T/jobs"
echo "one-page-profile samples/yousef-haddad.xml ar large-print all" >> "$T/jobs"
echo "one-page-profile samples/rumi-begum.xml bn large-print all" >> "$T/jobs"
# the EHCP, tables and all, in Gujarati, Gurmukhi, Urdu and Arabic
for lang in gu pa-Guru ur; do echo "ehcp samples/bilal-hussain.xml $lang standard all" >> "$T/jobs"; done
echo "ehcp samples/yousef-haddad.xml ar standard all" >> "$T/jobs"
# generated cases a PDF of which once failed a reader (tests/gen/: seed, language, case)
echo "review-invitation tests/integration/cases/gen-7-ar-0041.xml ar standard all gen-7-0041" >> "$T/jobs"
echo "one-page-profile tests/integration/cases/gen-20261206-ur-0149.xml ur standard all gen-20261206-0149" >> "$T/jobs"
echo "ehcp tests/integration/cases/gen-20261206-ta-0321.xml ta standard all gen-20261206-0321" >> "$T/jobs"
echo "review-invitation tests/integration/cases/gen-20261206-bn-0074.xml bn standard all gen-20261206-0074" >> "$T/jobs"
# a provision row taller than a page, drawn stacked, its cell running on
# over the page break (page furniture inside it for the readers that follow the page)
echo "ehcp tests/integration/cases/bilal-long-provision.xml ur standard all long-provision" >> "$T/jobs"

cat > "$T/one.sh" <<'ONE'
#!/bin/sh
# one job: TEMPLATE CASE LANG STYLE READERS; prints "ok NAME ..." or "FAIL NAME: why"
tpl=$1 case=$2 lang=$3 style=$4 readers=$5
name="$tpl-$lang-$style${6:+-$6}"
out="$T/$name.pdf"
cd "$ROOT"
"$B/bin/sendoc" render "$case" --template "$tpl" --lang "$lang" --style "$style" -o "$out" 2>"$T/$name.err" \
  || { echo "FAIL $name: render: $(grep -v warning "$T/$name.err" | head -2 | tr '\n' ' ')"; exit 0; }
"$B/tools/textdump" "$B/share/sendoc" "$case" "$tpl" "$lang" "$style" > "$T/$name.json" 2>>"$T/$name.err" \
  || { echo "FAIL $name: textdump"; exit 0; }
python3 "$T/a11y/pdfua_check.py" "$out" > "$T/$name.ua" 2>&1 \
  || { echo "FAIL $name: pdfua_check: $(grep FAIL "$T/$name.ua" | head -3 | tr '\n' ' ')"; exit 0; }
if sh "$HERE/prove_read.sh" "$T/a11y" "$B" "$out" "$T/$name.json" "$T/$name" "$readers"; then
  touch "$T/$name.limits"   # none when every string was exact
  n=$(grep -c '^LIMIT' "$T/$name.limits")
  echo "ok $name ($readers$( [ "$n" -gt 0 ] && echo "; $n proved reader limits: $(sed -n 's/^LIMIT \([^:]*\):.* \([a-z]*\)$/\1 (\2)/p' "$T/$name.limits" | sort | uniq -c | awk '{print $2" "$3" x"$1}' | paste -sd, -)"))"
else
  echo "FAIL $name: $(grep -v '^LIMIT' "$T/$name.limits" 2>/dev/null | head -4 | tr '\n' ' ') $(head -c 300 "$T/$name.rterr")"
fi
ONE
export T ROOT B HERE
BIDIVISUAL="$B/tools/bidivisual" python3 "$HERE/test_reader_limits.py" || exit 1
xargs -P 2 -L 1 sh "$T/one.sh" < "$T/jobs" > "$T/results"
sort "$T/results"
pass=$(grep -c '^ok' "$T/results"); fail=$(grep -c '^FAIL' "$T/results")
echo "readers: $pass documents read exactly by their readers (or with proved reader limits), $fail failed"
[ "$fail" -eq 0 ]
