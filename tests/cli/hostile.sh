#!/bin/sh
# Hostile input: every case in tests/hostile (written by generate.py at test
# time) is rejected with FILE:LINE:COLUMN and exit 1 within 10 s, leaves no
# output, and nothing outside its folder is read: a canary beside the case
# folder never shows up in any output or message, and (with strace) is never
# opened. Cases named ok-* are odd but fine, and must render.
B=${1:-build}
. "$(dirname "$0")/lib.sh"
TPL=one-page-profile
CANARY="canary-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
python3 "$ROOT/tests/hostile/generate.py" "$T/case" "$T/canary" "$CANARY" || { bad "generate.py"; exit 1; }
mkdir -p "$T/out"
STRACE=""
if command -v strace >/dev/null && strace -f -qq -o /dev/null true 2>/dev/null; then STRACE=1; else echo "note: strace cannot run here: the canary is checked in outputs and messages only"; fi

# Known engine gaps, reported to the engine's owners: counted as XFAIL (not a
# failure) until fixed, and as XPASS once they pass.
#   (none left: every gap found has been fixed)
known() {
  case "$1" in
    none) return 0 ;;
  esac
  return 1
}
xfail=0
check() { # NAME:ASPECT CONDITION-RESULT MESSAGE
  if [ "$2" = 0 ]; then
    if known "$1"; then echo "XPASS: $1 now passes: remove it from known() in tests/cli/hostile.sh"; fi
    ok
  elif known "$1"; then xfail=$((xfail+1)); echo "XFAIL: $3 (known engine gap)"
  else bad "$3"; fi
}

for f in "$T"/case/*.xml; do
  n=$(basename "$f" .xml)
  out="$T/out/$n.pdf"
  start=$(date +%s)
  if [ -n "$STRACE" ]; then
    timeout 10 strace -f -qq -e trace=open,openat,execve -o "$T/trace-$n.txt" \
      "$BIN" render "$f" -t $TPL -o "$out" >"$T/stdout-$n.txt" 2>"$T/err-$n.txt"; rc=$?
  else
    timeout 10 "$BIN" render "$f" -t $TPL -o "$out" >"$T/stdout-$n.txt" 2>"$T/err-$n.txt"; rc=$?
  fi
  secs=$(( $(date +%s) - start ))
  check "$n:time" $([ "$rc" != 124 ]; echo $?) "$n: took over 10 s"
  case "$n" in
    ok-*)
      check "$n:exit" $([ "$rc" = 0 ]; echo $?) "$n: exit $rc, want 0: $(head -2 "$T/err-$n.txt")"
      qpdf --check "$out" >/dev/null 2>&1; check "$n:qpdf" $? "$n: output fails qpdf --check"
      ;;
    *)
      check "$n:exit" $([ "$rc" = 1 ]; echo $?) "$n: exit $rc, want 1: $(head -c 300 "$T/err-$n.txt")"
      grep -Eq "^$T/case/$n\.xml:[0-9]+:[0-9]+: error" "$T/err-$n.txt"
      check "$n:position" $? "$n: no FILE:LINE:COLUMN error: $(head -c 200 "$T/err-$n.txt")"
      case "$n" in photo-*)
        grep -Eq "^$T/case/$n\.xml:9:[0-9]+: error" "$T/err-$n.txt"
        check "$n:photo-line" $? "$n: the error does not cite the <photo> element (line 9): $(head -c 120 "$T/err-$n.txt" | sed "s|$T/case/||")" ;;
      esac
      left=$(ls "$T/out/$n.pdf"* 2>/dev/null)
      check "$n:output" $([ -z "$left" ]; echo $?) "$n: left $left"
      ;;
  esac
  # the canary never appears: not in messages, not in the PDF's text
  grep -aq "$CANARY" "$T/stdout-$n.txt" "$T/err-$n.txt"
  check "$n:canary-msg" $([ $? != 0 ]; echo $?) "$n: the canary's content is in a message"
  if [ -f "$out" ]; then
    pdftotext "$out" - 2>/dev/null | grep -q "$CANARY"
    check "$n:canary-pdf" $([ $? != 0 ]; echo $?) "$n: the canary's content is in the PDF"
  fi
  if [ -n "$STRACE" ]; then
    grep -q "$T/canary\|/canary/" "$T/trace-$n.txt"
    check "$n:canary-open" $([ $? != 0 ]; echo $?) "$n: opened $(grep -o '"[^"]*canary[^"]*"' "$T/trace-$n.txt" | head -1)"
  fi
  [ "$secs" -le 10 ] || true
done

# the same cases in one batch: each reported, the batch goes on (known crashers aside)
mkdir -p "$T/batch"
for f in "$T"/case/*.xml; do n=$(basename "$f" .xml); known "$n:exit" || ln -s "$f" "$T/batch/$n.xml"; done
cp -r "$T/case/photos" "$T/batch/"
timeout 60 "$BIN" batch "$T/batch" -o "$T/bout" -t $TPL --jobs 2 --manifest "$T/m.jsonl" >/dev/null 2>"$T/berr.txt"; rc=$?
check "batch:exit" $([ "$rc" = 1 ]; echo $?) "hostile batch: exit $rc, want 1: $(tail -2 "$T/berr.txt")"
nok=$(ls "$T"/case/ok-*.xml | wc -l); nall=$(ls "$T"/batch/*.xml | wc -l)
tail -1 "$T/berr.txt" | grep -qx "$nok rendered, $((nall - nok)) failed, 0 skipped"
check "batch:summary" $? "hostile batch summary: $(tail -1 "$T/berr.txt")"
grep -aq "$CANARY" "$T/berr.txt" "$T/m.jsonl"; check "batch:canary" $([ $? != 0 ]; echo $?) "hostile batch: the canary is in a message or the manifest"
python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]" "$T/m.jsonl"
check "batch:manifest" $? "hostile batch: the manifest does not parse"

# Nothing blocks: a FIFO given as a case, template or note is refused at once
# (issue 13), in every command that reads one, with a message naming it
mkfifo "$T/fifo.xml" "$T/fifo.md"
SAMPLE=$ROOT/samples/class-4b/leo-clarke.xml
for spec in "1|render|$T/fifo.xml -t $TPL -o $T/ff.pdf" "1|validate|$T/fifo.xml" "1|lint|$T/fifo.xml" \
            "3|render --markdown|--markdown $T/fifo.md -o $T/ff.pdf" "3|render --template|$SAMPLE -t $T/fifo.md -o $T/ff.pdf" \
            "3|lint --template|$SAMPLE --template $T/fifo.md"; do
  want=${spec%%|*}; rest=${spec#*|}; what=${rest%%|*}; args=${rest#*|}
  cmd=${what%% *}
  timeout 10 "$BIN" $cmd $args >/dev/null 2>"$T/fifo-err.txt"; rc=$?
  check "fifo:$what" $([ "$rc" = "$want" ]; echo $?) "FIFO to $what: exit $rc, want $want (124 = it blocked)"
  grep -q 'fifo\.[a-z]*: error: cannot read .*named pipe (FIFO), not a file' "$T/fifo-err.txt"
  check "fifo:$what:msg" $? "FIFO to $what: no clear message: $(head -c 200 "$T/fifo-err.txt")"
done

timeout 10 "$BIN" batch "$T/fifo.xml" -o "$T/fifo-out" -t $TPL >/dev/null 2>"$T/fifo-err.txt"; rc=$?
check "fifo:batch" $([ "$rc" = 2 ]; echo $?) "FIFO given to batch: exit $rc, want 2"
grep -q 'fifo\.xml: error: not a case file or a folder: it is a named pipe (FIFO)' "$T/fifo-err.txt"
check "fifo:batch:msg" $? "FIFO given to batch: $(head -c 200 "$T/fifo-err.txt")"
timeout 10 "$BIN" batch "$SAMPLE" -o "$T/fifo-out" -t "$T/fifo.md" >/dev/null 2>"$T/fifo-err.txt"; rc=$?
check "fifo:batch-template" $([ "$rc" = 3 ]; echo $?) "FIFO template to batch: exit $rc, want 3"

# an empty or oversized template is the template's problem: exit 1, said once
: >"$T/empty.md"; head -c 1100000 /dev/zero | tr '\0' a >"$T/big.md"
for t in empty big; do
  for cmd in render batch; do
    if [ $cmd = render ]; then "$BIN" render "$SAMPLE" -t "$T/$t.md" -o "$T/tpl.pdf" 2>"$T/tpl-err.txt"; rc=$?
    else "$BIN" batch "$SAMPLE" -t "$T/$t.md" -o "$T/tpl-out" 2>"$T/tpl-err.txt"; rc=$?; fi
    check "template:$t:$cmd" $([ "$rc" = 1 ]; echo $?) "$t template to $cmd: exit $rc, want 1"
    grep -Eq "$t\.md:1:1: error: the template is (empty|larger than)" "$T/tpl-err.txt"
    check "template:$t:$cmd:msg" $? "$t template to $cmd: $(head -c 200 "$T/tpl-err.txt")"
  done
done
[ ! -e "$T/tpl.pdf" ] && ok || bad "an empty template wrote a PDF"

[ "$xfail" = 0 ] || echo "note: $xfail known engine gaps (XFAIL above)"
echo "hostile: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
