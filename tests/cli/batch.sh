#!/bin/sh
# sendoc batch: determinism across render/batch/--jobs/--shard, the manifest,
# failures that do not stop the batch, --resume, and SIGKILL mid-batch.
B=${1:-build}
. "$(dirname "$0")/lib.sh"
TPL=one-page-profile
C=$T/cases
make_cases "$C" 200
cp "$ROOT/tests/integration/bad/schema-violation.xml" "$C/set-01/zz-invalid.xml"
mkdir -p "$C/.hidden" && cp "$ROOT/samples/class-4b/leo-clarke.xml" "$C/.hidden/"
echo "not a case" >"$C/set-00/notes.txt"

# 1. a batch: every case, in byte order, exit 1 for the invalid one, summary line
"$BIN" batch "$C" -o "$T/j2" -t $TPL --jobs 2 --manifest "$T/j2.jsonl" 2>"$T/err.txt"; rc=$?
[ "$rc" = 1 ] && ok || bad "batch with one invalid case: exit $rc, want 1"
tail -1 "$T/err.txt" | grep -qx '200 rendered, 1 failed, 0 skipped, 1 ignored' && ok || bad "summary: $(tail -1 "$T/err.txt")"
grep -Eq 'zz-invalid\.xml:[0-9]+:[0-9]+: error' "$T/err.txt" && ok || bad "the invalid case's diagnostics are not on stderr"
grep -q "$(printf '\r')" "$T/err.txt" && bad "a progress bar was written to a file" || ok
n=$(find "$T/j2" -name '*.pdf' | wc -l); [ "$n" = 200 ] && ok || bad "$n PDFs, want 200"
[ ! -e "$T/j2/set-01/zz-invalid.pdf" ] && ok || bad "the invalid case has an output"
[ ! -e "$T/j2/.hidden" ] && ok || bad "a hidden folder was rendered"
[ "$(stat -c %a "$T/j2/set-00")" = 700 ] && ok || bad "subfolder mode $(stat -c %a "$T/j2/set-00")"
[ "$(stat -c %a "$T/j2/set-00/leo-clarke-0.pdf")" = 600 ] && ok || bad "PDF mode"
[ "$(stat -c %a "$T/j2.jsonl")" = 600 ] && ok || bad "manifest mode"
if python3 - "$T/j2.jsonl" "$C" "$T/j2" <<'PY'
import hashlib, json, os, subprocess, sys
man, cases, out = sys.argv[1:]
rows = [json.loads(l) for l in open(man, encoding="utf-8")]
keys = ["case", "status", "output", "sha256", "pages", "bytes", "skipped", "diagnostics", "fingerprint", "seconds"]
assert all(list(r)[:len(keys)] == keys for r in rows), rows[0]  # later keys are appended
rels = [os.path.relpath(r["case"], cases) for r in rows]
assert rels == sorted(rels, key=lambda s: s.encode()), "not in byte order"
assert len(rows) == 202, len(rows)
# the hidden folder is reported, not entered, and is no failure
hid = [r for r in rows if r["status"] == "ignored"]
assert len(hid) == 1 and hid[0]["case"].endswith("/.hidden") and hid[0]["diagnostics"][0]["severity"] == "warning", hid
assert hid[0]["diagnostics"][0]["code"] == "batch.hidden" and hid[0]["fingerprint"] is None
rows = [r for r in rows if r["status"] != "ignored"]
for r in rows:
    assert isinstance(r["seconds"], float)
    if r["status"] == "ok":
        assert len(r["fingerprint"]) == 64, r
        data = open(r["output"], "rb").read()
        assert r["sha256"] == hashlib.sha256(data).hexdigest(), r
        assert r["bytes"] == len(data)
        assert r["output"] == os.path.join(out, os.path.relpath(r["case"], cases))[:-4] + ".pdf"
        assert r["diagnostics"] == [] or all(d["severity"] != "error" for d in r["diagnostics"])
    else:
        assert r["status"] == "invalid" and r["output"] is None and r["sha256"] is None, r
        assert r["pages"] is None and r["bytes"] is None
        d = r["diagnostics"][0]
        assert d["severity"] == "error" and d["line"] > 0 and d["column"] > 0 and d["file"].endswith("zz-invalid.xml"), d
# pages agrees with pdfinfo on a sample
for r in [x for x in rows if x["status"] == "ok"][::40]:
    info = subprocess.run(["pdfinfo", r["output"]], capture_output=True, text=True).stdout
    pages = int([l.split()[1] for l in info.splitlines() if l.startswith("Pages:")][0])
    assert r["pages"] == pages, (r["pages"], pages)
PY
then ok; else bad "manifest contents"; fi

# 2. determinism: --jobs 1, shards 1/3..3/3, and render alone give the same bytes
"$BIN" batch "$C" -o "$T/j1" -t $TPL --jobs 1 2>/dev/null
for k in 1 2 3; do "$BIN" batch "$C" -o "$T/sh" -t $TPL --jobs 2 --shard $k/3 --manifest "$T/sh$k.jsonl" 2>/dev/null; done
diff -r -x ".sendoc-batch*" "$T/j1" "$T/j2" >/dev/null && ok || bad "--jobs 1 and --jobs 2 differ"
diff -r -x ".sendoc-batch*" "$T/j2" "$T/sh" >/dev/null && ok || bad "sharded batch differs from one batch"
"$BIN" render "$C/set-02/maya-osei-100.xml" -t $TPL -o "$T/alone.pdf" 2>/dev/null
cmp -s "$T/alone.pdf" "$T/j2/set-02/maya-osei-100.pdf" && ok || bad "render alone differs from batch"
# shards partition the cases, by fnv1a-64 of the relative path
if python3 - "$C" "$T"/sh1.jsonl "$T"/sh2.jsonl "$T"/sh3.jsonl <<'PY'
import json, os, sys
cases = sys.argv[1]
def fnv(s):
    h = 14695981039346656037
    for b in s.encode():
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return h
seen = set()
for k, m in enumerate(sys.argv[2:], 1):
    for l in open(m):
        rel = os.path.relpath(json.loads(l)["case"], cases)
        assert fnv(rel) % 3 + 1 == k, (rel, k)
        assert rel not in seen
        seen.add(rel)
assert len(seen) == 202, len(seen)
PY
then ok; else bad "shards do not partition by fnv1a-64"; fi

# 3. two inputs that would write the same output: usage error, nothing written
mkdir -p "$T/dup/a" "$T/dup/b"; cp "$ROOT/samples/class-4b/leo-clarke.xml" "$T/dup/a/"; cp "$ROOT/samples/class-4b/leo-clarke.xml" "$T/dup/b/"
expect_exit "duplicate outputs" 2 "$BIN" batch "$T/dup/a/leo-clarke.xml" "$T/dup/b/leo-clarke.xml" -o "$T/dupout" -t $TPL
[ ! -e "$T/dupout" ] && ok || bad "duplicate outputs: the output folder was created"

# 4. --resume: nothing to do; a touched case is rendered again; a failed one is retried
"$BIN" batch "$C" -o "$T/j2" -t $TPL --manifest "$T/j2.jsonl" --resume 2>"$T/err.txt"
tail -1 "$T/err.txt" | grep -qx '0 rendered, 1 failed, 200 skipped, 1 ignored' && ok || bad "resume: $(tail -1 "$T/err.txt")"
python3 -c "
import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
assert len(rows)==202 and sum(r['skipped'] for r in rows)==200 and all(r['sha256'] for r in rows if r['status']=='ok')
" "$T/j2.jsonl" && ok || bad "resume manifest"
# a touch alone changes nothing that made the PDF; an edit does
touch "$C/set-03/zara-ahmed-152.xml" "$C/set-03/leo-clarke-150.xml"
sed -i 's|Case number 152 in|Case 152 in|' "$C/set-03/zara-ahmed-152.xml"
"$BIN" batch "$C" -o "$T/j2" -t $TPL --manifest "$T/j2.jsonl" --resume 2>"$T/err.txt"
tail -1 "$T/err.txt" | grep -qx '1 rendered, 1 failed, 199 skipped, 1 ignored' && ok || bad "resume after an edit: $(tail -1 "$T/err.txt")"
# a truncated PDF (not ours, or damaged) is not trusted
head -c 1000 "$T/j2/set-00/leo-clarke-0.pdf" >"$T/trunc" && cat "$T/trunc" >"$T/j2/set-00/leo-clarke-0.pdf"
"$BIN" batch "$C" -o "$T/j2" -t $TPL --manifest "$T/j2.jsonl" --resume 2>"$T/err.txt"
tail -1 "$T/err.txt" | grep -qx '1 rendered, 1 failed, 199 skipped, 1 ignored' && ok || bad "resume over a damaged PDF: $(tail -1 "$T/err.txt")"
cmp -s "$T/j1/set-00/leo-clarke-0.pdf" "$T/j2/set-00/leo-clarke-0.pdf" && ok || bad "damaged PDF not replaced"
# the edit undone: rendered again, and the same bytes as before the edit
sed -i 's|Case 152 in|Case number 152 in|' "$C/set-03/zara-ahmed-152.xml"
"$BIN" batch "$C" -o "$T/j2" -t $TPL --manifest "$T/j2.jsonl" --resume 2>"$T/err.txt"
tail -1 "$T/err.txt" | grep -qx '1 rendered, 1 failed, 199 skipped, 1 ignored' && ok || bad "resume after undoing an edit: $(tail -1 "$T/err.txt")"
cmp -s "$T/j1/set-03/zara-ahmed-152.pdf" "$T/j2/set-03/zara-ahmed-152.pdf" && ok || bad "undone edit: PDF differs from the first batch"

# 5. SIGKILL mid-batch: only whole PDFs; --resume completes and removes temporaries
rm -rf "$T/k"
"$BIN" batch "$C" -o "$T/k" -t $TPL --jobs 2 --manifest "$T/k.jsonl" 2>/dev/null &
pid=$!
# kill after 0.5 s, or sooner once 20 PDFs exist (a fast machine may finish 200 in 0.5 s)
w=0
while [ "$w" -lt 25 ] && [ "$(find "$T/k" -name '*.pdf' 2>/dev/null | wc -l)" -lt 20 ]; do sleep 0.02; w=$((w+1)); done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
done_n=$(find "$T/k" -name '*.pdf' | wc -l)
[ "$done_n" -gt 0 ] && [ "$done_n" -lt 200 ] && ok || echo "note: the kill came at $done_n of 200 PDFs (the test is weaker: not mid-batch)"
if [ "$done_n" -lt 200 ]; then [ ! -e "$T/k.jsonl" ] && ok || bad "a killed batch left a manifest"; fi
badpdf=0
for f in $(find "$T/k" -name '*.pdf'); do qpdf --check "$f" >/dev/null 2>&1 || { badpdf=$((badpdf+1)); echo "truncated: $f"; }; done
[ "$badpdf" = 0 ] && ok || bad "$badpdf PDFs fail qpdf --check after SIGKILL"
# leave a stray temporary as a killed write would (in case the kill missed one)
head -c 500 "$T/j1/set-00/leo-clarke-0.pdf" >"$T/k/set-00/leo-clarke-0.pdf.tmp-AbC123"
"$BIN" batch "$C" -o "$T/k" -t $TPL --jobs 2 --manifest "$T/k.jsonl" --resume 2>"$T/err.txt"; rc=$?
[ "$rc" = 1 ] && ok || bad "resume after kill: exit $rc"
grep -q 'removed [0-9]* unfinished output' "$T/err.txt" && ok || bad "resume did not report removed temporaries"
# the killed batch's manifest temporary vouches for the PDFs it listed: they are kept
skipped=$(tail -1 "$T/err.txt" | sed -n 's/.* \([0-9]*\) skipped.*/\1/p')
if [ "$done_n" -ge 10 ] && [ "$done_n" -lt 200 ]; then [ "${skipped:-0}" -gt 0 ] && ok || bad "resume after kill rendered everything again: $(tail -1 "$T/err.txt")"; fi
n=$(find "$T/k" -name '*.pdf' | wc -l); [ "$n" = 200 ] && ok || bad "after resume: $n PDFs, want 200"
left=$(find "$T/k" -name '*.tmp-*'; find "$T" -maxdepth 1 -name 'k.jsonl.tmp-*')
[ -z "$left" ] && ok || bad "temporaries remain: $left"
diff -r -x ".sendoc-batch*" "$T/j1" "$T/k" >/dev/null && ok || bad "resumed batch differs from a clean one"
[ "$(wc -l <"$T/k.jsonl")" = 202 ] && ok || bad "resumed manifest has $(wc -l <"$T/k.jsonl") lines"

# 6. while another batch holds OUTDIR, temporaries are left alone
head -c 500 "$T/j1/set-00/leo-clarke-0.pdf" >"$T/k/set-00/x.pdf.tmp-ZZZ999"
python3 - "$T/k/.sendoc-batch.lock" "$BIN" "$C" "$T/k" <<'PY' 2>/dev/null
import fcntl, subprocess, sys
lock, binp, cases, out = sys.argv[1:]
with open(lock, "r+") as f:
    fcntl.flock(f, fcntl.LOCK_SH)
    subprocess.run([binp, "batch", cases, "-o", out, "-t", "one-page-profile", "--resume"], capture_output=True)
PY
[ -e "$T/k/set-00/x.pdf.tmp-ZZZ999" ] && ok || bad "a temporary was removed while another batch held the folder"

# 7. a progress bar on a terminal, and only there
if command -v script >/dev/null; then
  script -qec "'$BIN' batch '$C/set-00' -o '$T/tty' -t $TPL --jobs 2" /dev/null >"$T/tty.txt" 2>&1
  grep -q 'cases/s' "$T/tty.txt" && ok || bad "no progress bar on a terminal"
fi

# 8. an empty folder (or an empty shard) is not an error
mkdir -p "$T/none"
expect_exit "empty input folder" 0 "$BIN" batch "$T/none" -o "$T/noneout" -t $TPL
tail -1 "$T/err.txt" | grep -qx '0 rendered, 0 failed, 0 skipped' && ok || bad "empty batch summary"

# 9. --manifest - writes to stdout
"$BIN" batch "$C/set-00" -o "$T/m" -t $TPL --manifest - 2>/dev/null >"$T/m.txt"
[ "$(wc -l <"$T/m.txt")" = 50 ] && ok || bad "--manifest - gave $(wc -l <"$T/m.txt") lines"

# 10. nothing lost in silence (issue 13): every entry that is not rendered is
# named on stderr, in the summary, in the manifest and in the exit status
D=$T/disc; mkdir -p "$D/sub" "$D/.hid"
for n in a B c; do cp "$ROOT/samples/class-4b/leo-clarke.xml" "$D/tmp.xml"; mv "$D/tmp.xml" "$D/$n.xml"; done
mv "$D/B.xml" "$D/B.XML"; mv "$D/c.xml" "$D/c.Xml"
cp -r "$ROOT/samples/class-4b/photos" "$D/"
cp -r "$D/photos" "$D/sub/"; cp "$D/a.xml" "$D/sub/d.xml"; cp "$D/a.xml" "$D/.hid/e.xml"; cp "$D/a.xml" "$D/.f.xml"
ln -s "$D/no-such.xml" "$D/dangling.xml"
mkfifo "$D/pipe.xml"
echo notes >"$D/notes.txt"
timeout 60 "$BIN" batch "$D" -o "$T/disc-out" -t $TPL --manifest "$T/disc.jsonl" 2>"$T/err.txt"; rc=$?
[ "$rc" = 1 ] && ok || bad "discovery: exit $rc, want 1 (a dangling link and a FIFO named like cases)"
tail -1 "$T/err.txt" | grep -qx '4 rendered, 0 failed, 0 skipped, 4 ignored (2 could not be read)' && ok || bad "discovery summary: $(tail -1 "$T/err.txt")"
for f in B.pdf c.pdf a.pdf sub/d.pdf; do [ -f "$T/disc-out/$f" ] && ok || bad "discovery: $f not rendered (upper-case .XML counts as a case)"; done
grep -q 'dangling.xml: error: not rendered: a link to nothing' "$T/err.txt" && ok || bad "dangling link not named: $(cat "$T/err.txt")"
grep -q 'pipe.xml: error: not rendered: it is a named pipe (FIFO)' "$T/err.txt" && ok || bad "FIFO not named"
grep -q '\.hid: warning: not rendered: a hidden folder' "$T/err.txt" && ok || bad "hidden folder not named"
grep -q '\.f\.xml: warning: not rendered: a hidden file' "$T/err.txt" && ok || bad "hidden file not named"
grep -q 'notes.txt' "$T/err.txt" && bad "a file not named *.xml was reported" || ok
python3 - "$T/disc.jsonl" <<'PY' && ok || bad "discovery manifest"
import json, sys
rows = {r["case"].rsplit("/", 1)[1]: r for r in map(json.loads, open(sys.argv[1]))}
assert set(rows) == {"B.XML", "a.xml", "c.Xml", "d.xml", "dangling.xml", "pipe.xml", ".hid", ".f.xml"}, sorted(rows)
for k in ("dangling.xml", "pipe.xml", ".hid", ".f.xml"):
    assert rows[k]["status"] == "ignored" and rows[k]["output"] is None, rows[k]
assert rows["dangling.xml"]["diagnostics"][0]["code"] == "batch.unreadable"
assert rows["B.XML"]["output"].endswith("/B.pdf")
PY
# only hidden entries: reported, exit 0
mkdir -p "$T/onlyhid/.x"; cp "$D/a.xml" "$T/onlyhid/.x/"; cp "$D/a.xml" "$T/onlyhid/"; cp -r "$D/photos" "$T/onlyhid/"
expect_exit "hidden entries alone" 0 "$BIN" batch "$T/onlyhid" -o "$T/onlyhid-out" -t $TPL
tail -1 "$T/err.txt" | grep -qx '1 rendered, 0 failed, 0 skipped, 1 ignored' && ok || bad "hidden-only summary: $(tail -1 "$T/err.txt")"

# unreadable entries cost only the cases in them: as nobody when we are root
AS=""
if [ "$(id -u)" = 0 ]; then
  if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
    AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
  else AS=skip; fi
fi
if [ "$AS" != skip ]; then
  U=$(mktemp -d /tmp/sendoc-unread.XXXXXX); chmod 755 "$U"
  mkdir -p "$U/in/ok" "$U/in/locked" "$U/in/nophotos" "$U/out"
  for d in ok locked nophotos; do cp "$ROOT/samples/class-4b/leo-clarke.xml" "$ROOT/samples/class-4b/maya-osei.xml" "$U/in/$d/"; cp -r "$ROOT/samples/class-4b/photos" "$U/in/$d/"; done
  chmod -R a+rX "$U"; chmod 777 "$U/out"
  nobody_kit "$U"
  chmod 000 "$U/in/locked" "$U/in/nophotos/photos" "$U/in/ok/maya-osei.xml"
  $AS env SENDOC_DATA="$NDATA" "$NBIN" batch "$U/in" -o "$U/out/b" -t $TPL --manifest "$U/out/m.jsonl" >/dev/null 2>"$T/err.txt"; rc=$?
  [ "$rc" = 1 ] && ok || bad "unreadable entries: exit $rc, want 1: $(tail -3 "$T/err.txt")"
  tail -1 "$T/err.txt" | grep -qx '1 rendered, 2 failed, 0 skipped, 3 ignored (3 could not be read)' && ok || bad "unreadable summary: $(tail -1 "$T/err.txt")"
  grep -q 'in/locked: error: not searched: cannot read the folder' "$T/err.txt" && ok || bad "unreadable folder not named"
  grep -q 'in/ok/maya-osei.xml: error: not rendered: cannot read it' "$T/err.txt" && ok || bad "unreadable case not named"
  grep -q 'in/nophotos/photos: error: not searched' "$T/err.txt" && ok || bad "unreadable photos/ not named"
  grep -Eq 'nophotos/leo-clarke.xml:[0-9]+:[0-9]+: error: .*photo' "$T/err.txt" && ok || bad "a case whose photo cannot be read: no FILE:LINE error"
  [ -f "$U/out/b/ok/leo-clarke.pdf" ] && ok || bad "the readable case was not rendered"
  chmod -R u+rwX "$U"; rm -rf "$U"
else
  echo "note: running as root without setpriv: the unreadable-entry tests are skipped"
fi

echo "batch: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
