#!/bin/sh
# sendoc batch against what an unattended batch meets (issue 13): resume after
# each input that made an output changes, two batches into one folder, and the
# per-case time limit.
B=${1:-build}
. "$(dirname "$0")/lib.sh"
TPL=one-page-profile
C=$T/cases
make_cases "$C" 3
DATA=$T/data
cp -r "$SENDOC_DATA" "$DATA"
export SENDOC_DATA=$DATA

# summary RUN-NAME WANT ARGS...: a resumed batch into $T/o, its last stderr line
resumed() {
  name=$1; want=$2; shift 2
  "$BIN" batch "$C" -o "$T/o" --manifest "$T/m.jsonl" --resume "$@" >/dev/null 2>"$T/err.txt"
  tail -1 "$T/err.txt" | grep -qx "$want" && ok || bad "resume after $name: $(tail -1 "$T/err.txt"), want $want"
}
# matches: every ok line of the manifest describes the file on disk
matches() {
  python3 - "$1" <<'PY'
import hashlib, json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r["status"] == "ok":
        assert hashlib.sha256(open(r["output"], "rb").read()).hexdigest() == r["sha256"], r["output"]
PY
}

# 1. resume re-renders exactly when something that made the output changed
"$BIN" batch "$C" -o "$T/o" -t $TPL --manifest "$T/m.jsonl" 2>/dev/null
resumed "nothing" '0 rendered, 0 failed, 3 skipped' -t $TPL
resumed "--lang" '3 rendered, 0 failed, 0 skipped' -t $TPL --lang en-GB
resumed "--lang back" '3 rendered, 0 failed, 0 skipped' -t $TPL
resumed "--style" '3 rendered, 0 failed, 0 skipped' -t $TPL --style large-print
resumed "--style back" '3 rendered, 0 failed, 0 skipped' -t $TPL
cp "$DATA/templates/$TPL.md" "$T/alt.md"; echo "<!-- another template -->" >>"$T/alt.md"
resumed "--template" '3 rendered, 0 failed, 0 skipped' -t "$T/alt.md"
resumed "--template back" '3 rendered, 0 failed, 0 skipped' -t $TPL
echo "<!-- edited -->" >>"$DATA/templates/$TPL.md"
resumed "an edit to the template file" '3 rendered, 0 failed, 0 skipped' -t $TPL
printf '\n# edited\n' >>"$DATA/fonts/fontmap.txt"
resumed "an edit to the font map" '3 rendered, 0 failed, 0 skipped' -t $TPL
printf '\n' >>"$DATA/schema/case.xsd"
resumed "an edit to the schema" '3 rendered, 0 failed, 0 skipped' -t $TPL
cp "$DATA/locales/pl.res" "$DATA/locales/zz.res"
resumed "a new catalogue" '3 rendered, 0 failed, 0 skipped' -t $TPL
printf '\n' >>"$C/set-00/photos/maya.png"
resumed "an edit to a photo" '1 rendered, 0 failed, 2 skipped' -t $TPL
sed -i 's|Case number 2 in|Case 2 in|' "$C/set-00/zara-ahmed-2.xml"
resumed "an edit to a case" '1 rendered, 0 failed, 2 skipped' -t $TPL
touch "$C/set-00/leo-clarke-0.xml"
resumed "a touch" '0 rendered, 0 failed, 3 skipped' -t $TPL
# another sendoc version (or any other fingerprint) in the manifest
sed -i '1s/"fingerprint":"[0-9a-f]*"/"fingerprint":"0000000000000000000000000000000000000000000000000000000000000000"/' "$T/m.jsonl"
resumed "a different fingerprint" '1 rendered, 0 failed, 2 skipped' -t $TPL
matches "$T/m.jsonl" && ok || bad "the manifest does not match the files after the resumes"
grep -c '"fingerprint":"[0-9a-f]\{64\}"' "$T/m.jsonl" | grep -qx 3 && ok || bad "manifest lines without a fingerprint"
# the batch's own manifest when --manifest is not given
"$BIN" batch "$C" -o "$T/o2" -t $TPL 2>/dev/null
"$BIN" batch "$C" -o "$T/o2" -t $TPL --resume 2>"$T/err.txt"
tail -1 "$T/err.txt" | grep -qx '0 rendered, 0 failed, 3 skipped' && ok || bad "resume with the default manifest: $(tail -1 "$T/err.txt")"
[ "$(stat -c %a "$T/o2/.sendoc-batch.jsonl")" = 600 ] && ok || bad "default manifest mode"

# 2. two batches into one folder: the second stops, naming the first. The
# first renders 600 cases (about a second): 120 took a quarter of one, and the
# third batch below sometimes started after the first had finished.
make_cases "$T/many" 120
make_cases "$T/lots" 600
"$BIN" batch "$T/lots" -o "$T/shared" -t $TPL --jobs 1 --manifest "$T/first.jsonl" 2>/dev/null &
first=$!
w=0; while [ "$w" -lt 200 ] && ! grep -q "^$first " "$T/shared/.sendoc-batch.pid" 2>/dev/null; do sleep 0.02; w=$((w+1)); done
"$BIN" batch "$T/lots" -o "$T/shared" -t "$T/alt.md" --jobs 1 --manifest "$T/second.jsonl" >/dev/null 2>"$T/err.txt"; rc=$?
running=$(kill -0 $first 2>/dev/null && echo yes || echo no)
[ "$rc" = 2 ] && ok || bad "second batch with another template: exit $rc, want 2 (first still running: $running)"
grep -q "another sendoc batch (process $first) is writing into this folder" "$T/err.txt" && ok || bad "the message does not name process $first: $(head -2 "$T/err.txt")"
"$BIN" batch "$T/lots" -o "$T/shared" -t $TPL --jobs 1 >/dev/null 2>"$T/err.txt"; rc=$?
[ "$rc" = 2 ] && grep -q "process $first" "$T/err.txt" && ok || bad "second identical batch: exit $rc: $(head -1 "$T/err.txt")"
[ "$running" = yes ] || echo "note: the first batch finished before the second started (the test is weaker)"
wait $first; rc=$?
[ "$rc" = 0 ] && ok || bad "first batch: exit $rc"
[ ! -e "$T/second.jsonl" ] && ok || bad "the refused batch wrote a manifest"
matches "$T/first.jsonl" && ok || bad "the first batch's manifest does not match the files on disk"
[ ! -s "$T/shared/.sendoc-batch.pid" ] && ok || bad "the register still names a batch: $(cat "$T/shared/.sendoc-batch.pid")"
# shards of one batch run side by side (GNU parallel), and every manifest matches
rm -rf "$T/shared"
for k in 1 2 3; do "$BIN" batch "$T/many" -o "$T/shared" -t $TPL --jobs 1 --shard $k/3 --manifest "$T/s$k.jsonl" 2>"$T/s$k.err" & done
wait
for k in 1 2 3; do grep -q 'batch.busy' "$T/s$k.err" && bad "shard $k/3 was refused"; matches "$T/s$k.jsonl" && ok || bad "shard $k manifest"; done
[ "$(find "$T/shared" -name '*.pdf' | wc -l)" = 120 ] && ok || bad "three shards wrote $(find "$T/shared" -name '*.pdf' | wc -l) PDFs"
# a register left by a killed batch does not block the next one
echo "999999 deadbeefdeadbeef 1 1 0000" >"$T/shared/.sendoc-batch.pid"
expect_exit "after a killed batch's register line" 0 "$BIN" batch "$C" -o "$T/shared" -t "$T/alt.md"

# 3. the per-case time limit: the case fails as render.timeout, the batch goes on
expect_exit "time limit 1 ms" 1 "$BIN" batch "$C" -o "$T/tl" -t $TPL --case-time-limit 0.001 --manifest "$T/tl.jsonl"
tail -1 "$T/err.txt" | grep -qx '0 rendered, 3 failed (3 timed out), 0 skipped' && ok || bad "timeout summary: $(tail -1 "$T/err.txt")"
grep -q 'error: not rendered: the case took longer than the limit of 0.001 s a case \[render.timeout\]' "$T/err.txt" && ok || bad "timeout message: $(head -1 "$T/err.txt")"
python3 -c "
import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
assert len(rows)==3 and all(r['status']=='timeout' and r['output'] is None and r['diagnostics'][-1]['code']=='render.timeout' for r in rows), rows
" "$T/tl.jsonl" && ok || bad "timeout manifest"
[ -z "$(find "$T/tl" -name '*.pdf')" ] && ok || bad "a timed-out case left a PDF"
expect_exit "time limit 60 s" 0 "$BIN" batch "$C" -o "$T/tl" -t $TPL --case-time-limit 60
expect_exit "no time limit" 0 "$BIN" batch "$C" -o "$T/tl2" -t $TPL --case-time-limit none
for v in 0 -1 x 1e9; do expect_exit "--case-time-limit $v" 2 "$BIN" batch "$C" -o "$T/tl" -t $TPL --case-time-limit "$v"; done

echo "batch-inputs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
