#!/bin/sh
# End-to-end checks of `sendoc lint`: sh tests/lint/cli.sh [BUILD_DIR]
# Exit codes (0 no findings, 1 findings or a case that does not load,
# 2 usage, 3 environment), gcc-style and JSON diagnostics, catalogue notes
# once per run, --lang and --template. Run from anywhere; needs python3.
set -u
B=${1:-build}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
case "$B" in /*) ;; *) B="$ROOT/$B" ;; esac
BIN=$B/bin/sendoc
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok()  { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }

# run NAME WANT-EXIT ARGS...: runs sendoc, keeps stdout in $T/out, stderr in $T/err
run() {
  name=$1; want=$2; shift 2
  "$BIN" "$@" >"$T/out" 2>"$T/err"; got=$?
  if [ "$got" = "$want" ]; then ok; else bad "$name: exit $got, want $want"; cat "$T/err"; fi
}
has()    { if grep -Eq -- "$2" "$T/$1"; then ok; else bad "$3: $1 lacks /$2/"; cat "$T/$1"; fi; }
hasnt()  { if grep -Eq -- "$2" "$T/$1"; then bad "$3: $1 has /$2/"; cat "$T/$1"; else ok; fi; }
# json_count CODE: how many JSON diagnostics on stderr have this code (every line must parse)
json_count() {
  python3 -c 'import json,sys
n=0
for l in open(sys.argv[1]):
    o=json.loads(l)
    assert set(o)=={"severity","code","file","line","column","field","message"}, o
    n+= o["code"]==sys.argv[2]
print(n)' "$T/err" "$1"
}
L=$HERE

# no findings: exit 0, a summary on stdout, nothing on stderr
run clean 0 lint "$L/ehcp-draft.xml"
has out 'ehcp-draft\.xml: no findings' clean
if [ -s "$T/err" ]; then bad "clean: stderr not empty"; cat "$T/err"; else ok; fi

# findings: exit 1, FILE:LINE:COLUMN: warning: ... [rule]
run vague 1 lint "$L/vague-provision.xml"
has err 'vague-provision\.xml:37:7: warning: <what>: .*"access to".*9\.69.* \[lint\.f-not-specific\]' vague
has err 'vague-provision\.xml:57:7: warning: <duration>: .*"up to"' vague
has out 'vague-provision\.xml: 7 findings' vague

# the same as JSON, one object per line
run json 1 lint --diagnostics=json "$L/vague-provision.xml" "$L/review.xml"
if [ "$(json_count lint.f-not-specific)" = 7 ]; then ok; else bad "json: want 7 lint.f-not-specific"; cat "$T/err"; fi
if [ "$(json_count lint.actions-incomplete)" = 2 ]; then ok; else bad "json: want 2 lint.actions-incomplete"; fi
if [ "$(json_count lint.invite-short-notice)" = 1 ]; then ok; else bad "json: want 1 lint.invite-short-notice"; fi
if [ -s "$T/out" ]; then bad "json: stdout not empty"; else ok; fi

# a catalogue note (Urdu is unreviewed) once per run, however many cases; notes alone exit 0
run notes 0 lint --diagnostics=json "$ROOT/samples/bilal-hussain.xml" "$ROOT/samples/bilal-hussain.xml"
if [ "$(json_count lint.locale-unreviewed)" = 1 ]; then ok; else bad "notes: want 1 lint.locale-unreviewed"; cat "$T/err"; fi
run notes-text 0 lint "$ROOT/samples/bilal-hussain.xml"
has err 'locales/ur\.res: note: .*\[lint\.locale-unreviewed\]' notes-text
has out 'bilal-hussain\.xml: no findings' notes-text

# --lang overrides the home language; --template limits translations to its fields
run lang-en 0 lint --lang en-GB "$L/untranslated.xml"
run lang-ur 1 lint --diagnostics=json --lang ur "$L/ehcp-draft.xml"
if [ "$(json_count lint.translation-missing)" = 3 ]; then ok; else bad "lang-ur: want 3 lint.translation-missing"; cat "$T/err"; fi
run default-fields 1 lint "$L/untranslated.xml"
has err 'untranslated\.xml:48:7: warning: <what>: .*home-school strategy 1.*\[lint\.translation-missing\]' default-fields
run profile-fields 1 lint --template one-page-profile "$L/untranslated.xml"
has err 'untranslated\.xml:33:5: .*\[lint\.translation-missing\]' profile-fields
hasnt err 'untranslated\.xml:48:' profile-fields

# a template of type ehcp runs the EHCP rules on a SEN-support case
run ehcp-type 1 lint --template "$L/ehcp-min.md" "$L/review.xml"
has err 'review\.xml:26:5: warning: <need>: .*\[lint\.b-no-outcome\]' ehcp-type
run no-ehcp 1 lint "$L/review.xml"
hasnt err 'lint\.b-no-outcome' no-ehcp

# usage and environment
run no-files 2 lint
run bad-option 2 lint --no-such-option "$L/review.xml"
run bad-json 2 lint --diagnostics=xml "$L/review.xml"
run no-template 2 lint --template no-such-template "$L/review.xml"
has err 'no template called "no-such-template"' no-template
run invalid 1 lint "$ROOT/tests/integration/bad/schema-violation.xml" "$L/ehcp-draft.xml"
has out 'schema-violation\.xml: not linted' invalid
has out 'ehcp-draft\.xml: no findings' invalid
run missing 3 lint "$T/no-such-case.xml"
run help 0 help lint
has out 'sendoc lint CASE\.xml' help

echo "lint cli: $pass passed, $fail failed"
[ "$fail" = 0 ]
