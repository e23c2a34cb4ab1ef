#!/bin/sh
# The CLI contract other systems rely on: exit codes (sendoc.1 EXIT STATUS),
# --help/--version, JSON diagnostics, '-' for stdin and stdout.
B=${1:-build}
. "$(dirname "$0")/lib.sh"
CASE=$ROOT/samples/class-4b/leo-clarke.xml
BADC=$ROOT/tests/integration/bad/schema-violation.xml
TPL=one-page-profile

# --version, help, --help on every command
expect_exit version 0 "$BIN" --version
grep -Eq '^sendoc [0-9]+\.[0-9]+\.[0-9]+$' "$T/out.txt" && ok || bad "--version prints: $(cat "$T/out.txt")"
for c in render validate batch templates locales help; do
  expect_exit "$c --help" 0 "$BIN" $c --help
  grep -q "usage: sendoc $c" "$T/out.txt" && ok || bad "$c --help lacks a usage line"
  expect_exit "help $c" 0 "$BIN" help $c
  grep -q "usage: sendoc $c" "$T/out.txt" && ok || bad "help $c lacks a usage line"
done
expect_exit "sendoc --help" 0 "$BIN" --help
for c in batch locales; do grep -q "^  $c " "$T/out.txt" && ok || bad "sendoc --help does not list $c"; done

# 2: usage
expect_exit "no command" 2 "$BIN"
expect_exit "unknown command" 2 "$BIN" frobnicate
expect_exit "help unknown" 2 "$BIN" help frobnicate
expect_exit "unknown option" 2 "$BIN" render --bogus "$CASE" -t $TPL -o "$T/x.pdf"
grep -q "^sendoc render: " "$T/err.txt" && ok || bad "option errors should name 'sendoc render': $(head -1 "$T/err.txt")"
expect_exit "render without -o" 2 "$BIN" render "$CASE" -t $TPL
expect_exit "render without template" 2 "$BIN" render "$CASE" -o "$T/x.pdf"
expect_exit "render two cases into one PDF" 0 "$BIN" render "$CASE" "$CASE" -t $TPL -o "$T/x.pdf"
[ "$(pdfinfo "$T/x.pdf" 2>/dev/null | awk '/^Pages:/{print $2}')" = 2 ] && ok || bad "two cases: want one PDF of 2 pages"
rm -f "$T/x.pdf"
expect_exit "stdin among several cases" 2 "$BIN" render "$CASE" - -t $TPL -o "$T/x.pdf"
[ ! -e "$T/x.pdf" ] && ok || bad "stdin among several cases left an output"
expect_exit "unknown template" 2 "$BIN" render "$CASE" -t no-such-template -o "$T/x.pdf"
expect_exit "bad --diagnostics" 2 "$BIN" validate --diagnostics=yaml "$CASE"
expect_exit "validate nothing" 2 "$BIN" validate
expect_exit "locales with an operand" 2 "$BIN" locales extra
expect_exit "batch without -o" 2 "$BIN" batch "$CASE" -t $TPL
expect_exit "batch without inputs" 2 "$BIN" batch -o "$T/b" -t $TPL
expect_exit "batch --jobs 0" 2 "$BIN" batch "$CASE" -o "$T/b" -t $TPL --jobs 0
expect_exit "batch --jobs x" 2 "$BIN" batch "$CASE" -o "$T/b" -t $TPL --jobs x
expect_exit "batch --shard 3/2" 2 "$BIN" batch "$CASE" -o "$T/b" -t $TPL --shard 3/2
expect_exit "batch --shard 0/2" 2 "$BIN" batch "$CASE" -o "$T/b" -t $TPL --shard 0/2
expect_exit "batch --shard 1" 2 "$BIN" batch "$CASE" -o "$T/b" -t $TPL --shard 1
expect_exit "batch bad style" 2 "$BIN" batch "$CASE" -o "$T/b" -t $TPL --style huge
expect_exit "batch unknown template" 2 "$BIN" batch "$CASE" -o "$T/b" -t no-such-template
expect_exit "batch missing input" 2 "$BIN" batch "$T/no-such-folder" -o "$T/b" -t $TPL
expect_exit "batch from stdin" 2 "$BIN" batch - -o "$T/b" -t $TPL
[ ! -e "$T/b" ] && ok || bad "a usage error created the output folder"

# usage errors name the bad value, suggest what was meant, and exit 2
expect_exit "--lang romanian" 2 "$BIN" render "$CASE" -t $TPL --lang romanian -o "$T/x.pdf"
grep -q '"romanian" is not a language tag; did you mean "ro"' "$T/err.txt" && ok || bad "--lang romanian: $(head -1 "$T/err.txt")"
[ ! -e "$T/x.pdf" ] && ok || bad "--lang romanian wrote a PDF"
expect_exit "--lang Urdu (lint)" 2 "$BIN" lint "$CASE" --lang Urdu
grep -q 'did you mean "ur"' "$T/err.txt" && ok || bad "lint --lang Urdu: $(head -1 "$T/err.txt")"
expect_exit "--lang ron (batch)" 2 "$BIN" batch "$CASE" -t $TPL --lang ron -o "$T/lb"
grep -q 'did you mean "ro"' "$T/err.txt" && [ ! -e "$T/lb" ] && ok || bad "batch --lang ron: $(head -1 "$T/err.txt")"
expect_exit "--lang ro" 0 "$BIN" render "$CASE" -t $TPL --lang ro -o "$T/x.pdf"; rm -f "$T/x.pdf"
expect_exit "misspelt option" 2 "$BIN" render "$CASE" --tempalte $TPL -o "$T/x.pdf"
grep -q "unknown option '--tempalte'; did you mean '--template'" "$T/err.txt" && ok || bad "misspelt option: $(head -1 "$T/err.txt")"
expect_exit "option without its value" 2 "$BIN" render "$CASE" -o "$T/x.pdf" --template
grep -q "option '--template' needs a value" "$T/err.txt" && ok || bad "option without value: $(head -1 "$T/err.txt")"
expect_exit "misspelt template" 2 "$BIN" render "$CASE" -t one-page-profil -o "$T/x.pdf"
grep -q 'no template called "one-page-profil"; did you mean "one-page-profile"' "$T/err.txt" && ok || bad "misspelt template: $(cat "$T/err.txt")"
[ "$(wc -l <"$T/err.txt")" = 1 ] && ok || bad "misspelt template: more than one message: $(cat "$T/err.txt")"
expect_exit "misspelt style" 2 "$BIN" render "$CASE" -t $TPL --style dyslexic -o "$T/x.pdf"
grep -q 'did you mean "dyslexia"' "$T/err.txt" && ok || bad "misspelt style: $(head -1 "$T/err.txt")"
expect_exit "misspelt command" 2 "$BIN" valdiate "$CASE"
grep -q "unknown command 'valdiate'; did you mean 'validate'" "$T/err.txt" && ok || bad "misspelt command: $(head -1 "$T/err.txt")"

# sd_engine_new(NULL) opens SD_DATA_DIR, the folder the library was built for:
# the engine compiled for a folder that exists and for one that does not
cat >"$T/null.c" <<'C'
#include "sendoc.h"
#include <stdio.h>
int main(void)
{
  sd_diags *d = sd_diags_new();
  sd_engine *e = NULL;
  sd_status st = sd_engine_new(NULL, &e, d);
  sd_diag_info g = { 0 };
  if (sd_diags_count(d)) sd_diags_get(d, 0, &g);
  printf("%d %s %s\n", (int)st, e ? sd_engine_data_dir(e) : "-", g.code ? g.code : "-");
  sd_engine_free(e);
  sd_diags_free(d);
  return 0;
}
C
PKGF=$(pkg-config --cflags --libs libxml-2.0 libcmark harfbuzz harfbuzz-subset icu-uc icu-i18n fontconfig libpng)
for dd in "$SENDOC_DATA" "$T/nowhere"; do
  if cc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DSD_BUILDING -DSD_DATA_DIR="\"$dd\"" -I"$ROOT/engine/include" -I"$ROOT/engine" \
       -o "$T/null" "$T/null.c" "$ROOT/engine/engine.c" "$B/lib/libsendoc.a" $PKGF -lhpdf -lz -lm -lpthread 2>"$T/cc.txt"; then
    "$T/null" >"$T/null.txt" 2>&1
    case $dd in
      "$SENDOC_DATA") grep -qx "0 $dd -" "$T/null.txt" && ok || bad "sd_engine_new(NULL) with SD_DATA_DIR=$dd: $(cat "$T/null.txt")" ;;
      *) grep -qx "7 - resource.data-dir" "$T/null.txt" && ok || bad "sd_engine_new(NULL) with a missing SD_DATA_DIR: $(cat "$T/null.txt")" ;;
    esac
  else bad "cannot build the SD_DATA_DIR test: $(head -3 "$T/cc.txt")"; fi
done

# sendoc lint TEMPLATE: a template is linted as a template (.md, front matter, or a name)
expect_exit "lint a template file" 0 "$BIN" lint "$ROOT/templates/ehcp.md"
grep -q 'ehcp.md: no findings' "$T/out.txt" && ok || bad "lint ehcp.md: $(cat "$T/out.txt" "$T/err.txt")"
expect_exit "lint templates by name" 0 "$BIN" lint one-page-profile review-record
printf -- '---\ntitle: x\n---\n\n# {{child.prefered-name}}\n' >"$T/typo.md"
cp "$T/typo.md" "$T/typo.tpl"
for f in typo.md typo.tpl; do
  expect_exit "lint a template with a typo ($f)" 1 "$BIN" lint "$T/$f"
  grep -q "$f:5:3: warning: .*did you mean <preferred-name>? \[lint.template-field\]" "$T/err.txt" && ok || bad "lint $f: $(cat "$T/err.txt")"
done

# 1: input problems
expect_exit "render invalid" 1 "$BIN" render "$BADC" -t $TPL -o "$T/x.pdf"
grep -Eq 'schema-violation\.xml:[0-9]+:[0-9]+: error' "$T/err.txt" && ok || bad "render invalid: no FILE:LINE:COLUMN"
[ ! -e "$T/x.pdf" ] && ok || bad "render invalid left an output"
expect_exit "validate invalid" 1 "$BIN" validate "$BADC"
expect_exit "validate valid" 0 "$BIN" validate "$CASE"
grep -q ': valid$' "$T/out.txt" && ok || bad "validate valid prints nothing"

# 3: environment
mkdir -p "$T/empty"
for c in "render $CASE -t $TPL -o $T/x.pdf" "validate $CASE" "templates" "locales" "batch $CASE -t $TPL -o $T/eb"; do
  expect_exit "missing data dir: ${c%% *}" 3 "$BIN" $c --data-dir "$T/empty"
done
SENDOC_DATA=$T/empty expect_exit "SENDOC_DATA empty" 3 "$BIN" render "$CASE" -t $TPL -o "$T/x.pdf"
expect_exit "render into a missing folder" 3 "$BIN" render "$CASE" -t $TPL -o "$T/no/such/dir/x.pdf"
: >"$T/file"
expect_exit "render under a file" 3 "$BIN" render "$CASE" -t $TPL -o "$T/file/x.pdf"
expect_exit "batch under a file" 3 "$BIN" batch "$CASE" -t $TPL -o "$T/file/out"
# a read-only folder: as ourselves, or (root writes anywhere) as nobody through setpriv
AS=""
if [ "$(id -u)" = 0 ]; then
  if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
    AS="setpriv --reuid=65534 --regid=65534 --clear-groups"
  else AS=skip; fi
fi
if [ "$AS" != skip ]; then
  RO=$(mktemp -d /tmp/sendoc-ro.XXXXXX); chmod 755 "$RO"
  mkdir -p "$RO/ro" "$RO/ro2/sub" "$RO/in/sub" && cp "$CASE" "$RO/in/sub/" && cp -r "$ROOT/samples/class-4b/photos" "$RO/in/sub/"
  mkdir -p "$RO/mf"; nobody_kit "$RO"; chmod -R a+rX "$RO"; chmod 555 "$RO/ro" "$RO/ro2/sub"; chmod 777 "$RO/ro2" "$RO/mf"
  RCASE=$RO/in/sub/$(basename "$CASE")
  expect_exit "render into a read-only folder" 3 $AS env SENDOC_DATA="$NDATA" "$NBIN" render "$RCASE" -t $TPL -o "$RO/ro/x.pdf"
  grep -q 'io.write' "$T/err.txt" && ok || bad "read-only render: no io.write diagnostic: $(head -2 "$T/err.txt")"
  expect_exit "batch into a read-only folder" 3 $AS env SENDOC_DATA="$NDATA" "$NBIN" batch "$RCASE" -t $TPL -o "$RO/ro"
  grep -q 'io.write\|cannot write\|Permission denied' "$T/err.txt" && ok || bad "batch into a read-only folder: not an I/O error: $(head -2 "$T/err.txt")"
  expect_exit "batch, read-only subfolder" 3 $AS env SENDOC_DATA="$NDATA" "$NBIN" batch "$RO/in" -t $TPL -o "$RO/ro2" --manifest "$RO/mf/m.jsonl"
  grep -q '"status":"error".*"code":"io.write"' "$RO/mf/m.jsonl" 2>/dev/null && ok || bad "read-only subfolder: manifest lacks an io.write error"
  grep -q '0 rendered, 1 failed, 0 skipped' "$T/err.txt" && ok || bad "read-only subfolder summary: $(tail -1 "$T/err.txt")"
  chmod 755 "$RO/ro" "$RO/ro2/sub"; rm -rf "$RO"
else
  echo "note: running as root without setpriv: the chmod 555 tests are skipped (the 'under a file' tests cover exit 3)"
fi
if [ -w /dev/full ]; then
  expect_exit "render to a full stdout" 3 sh -c "'$BIN' render '$CASE' -t $TPL -o - >/dev/full"
fi

# --diagnostics=json is JSON all the way: every command, run well and badly,
# writes nothing on stderr but JSON objects with the documented keys (usage
# errors, the data-folder error, help and unknown commands, batch summaries).
cat >"$T/jcheck.py" <<'PY'
import json, sys
path, want = sys.argv[1], sys.argv[2] == "1"
lines = open(path, encoding="utf-8").read().splitlines()
if want and not lines:
    sys.exit("no diagnostics")
for l in lines:
    try:
        d = json.loads(l)
    except ValueError:
        sys.exit("not JSON: " + l[:200])
    for k in ("severity", "code", "file", "line", "column", "field", "message"):
        assert k in d, (k, l)
    assert d["severity"] in ("note", "warning", "error"), l
    assert isinstance(d["line"], int) and isinstance(d["column"], int), l
    assert isinstance(d["code"], str) and d["code"] and isinstance(d["message"], str) and d["message"], l
PY
mkdir -p "$T/empty" "$T/jin"
cp "$CASE" "$T/jin/" && cp -r "$ROOT/samples/class-4b/photos" "$T/jin/"
printf 'not & xml' >"$T/amp.xml"
n=0
# WANT (1: must say something) | the arguments, one command a line
while IFS='|' read -r want args; do
  n=$((n+1))
  eval "set -- $args"
  "$BIN" "$@" --diagnostics=json >"$T/jo.txt" 2>"$T/je.txt"
  if python3 "$T/jcheck.py" "$T/je.txt" "$want" 2>"$T/jpy.txt"; then ok; else bad "json stderr of: sendoc $args: $(tail -1 "$T/jpy.txt")"; fi
done <<JSONCMDS
1|
1|frobnicate
1|help frobnicate
0|help
0|help render
0|--version
1|render --bogus "$CASE" -t $TPL -o "$T/j.pdf"
1|render "$CASE" -o "$T/j.pdf" -t
1|render "$CASE" -t $TPL
1|render "$CASE" -o "$T/j.pdf"
1|render "$CASE" -t no-such -o "$T/j.pdf"
1|render "$CASE" -t $TPL --lang romanian -o "$T/j.pdf"
1|render "$CASE" -t $TPL --style huge -o "$T/j.pdf"
1|render "$BADC" -t $TPL -o "$T/j.pdf"
1|render "$T/amp.xml" -t $TPL -o "$T/j.pdf"
1|render "$CASE" "$CASE" -t $TPL -o "$T/no/such/dir/j.pdf"
1|render "$CASE" - -t $TPL -o "$T/j.pdf"
1|render --markdown "$T/none.md" -o "$T/j.pdf"
1|render "$CASE" -t $TPL -o "$T/j.pdf" --data-dir "$T/empty"
0|render "$CASE" -t $TPL -o "$T/j.pdf"
1|validate
1|validate "$BADC"
1|validate "$CASE" --data-dir "$T/empty"
1|validate "$CASE" --diagnostics=yaml
0|validate "$CASE"
1|lint
1|lint "$BADC"
1|lint "$CASE" --lang urdu
1|lint "$CASE" -t no-such
0|lint "$CASE" -t $TPL
1|templates extra --data-dir "$T/empty"
1|templates --data-dir "$T/empty"
0|templates
1|locales extra
1|locales --data-dir "$T/empty"
0|locales
1|batch
1|batch "$CASE" -t $TPL
1|batch "$T/jin" -o "$T/jb" -t $TPL --jobs 0
1|batch "$T/jin" -o "$T/jb" -t $TPL --lang urdu
1|batch "$T/jin" -o "$T/jb" -t $TPL --data-dir "$T/empty"
1|batch "$T/no-such" -o "$T/jb" -t $TPL
1|batch "$BADC" -o "$T/jb" -t $TPL
1|batch "$T/jin" -o "$T/jb" -t $TPL
1|batch "$T/empty" -o "$T/jb2" -t $TPL
JSONCMDS
[ "$n" -ge 45 ] && ok || bad "json: only $n commands ran"

# a value that is not UTF-8 still gives JSON that parses
printf '<?xml version="1.0" encoding="UTF-8"?>\n<case version="1" xml:lang="en-GB"><child><legal-name>\377\376</legal-name></child></case>\n' >"$T/bad-utf8.xml"
"$BIN" validate --diagnostics=json "$T/bad-utf8.xml" >/dev/null 2>"$T/j.txt"
python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1],encoding='utf-8')]" "$T/j.txt" && ok || bad "json diagnostics of invalid UTF-8"

# '-': case from stdin, PDF to stdout, identical to a file render
"$BIN" render "$ROOT/tests/case/minimal.xml" -t $TPL -o "$T/min.pdf" 2>/dev/null
"$BIN" render - -t $TPL -o - <"$ROOT/tests/case/minimal.xml" >"$T/min-stdout.pdf" 2>"$T/err.txt"
[ $? = 0 ] && ok || bad "render - -o -: $(head -3 "$T/err.txt")"
cmp -s "$T/min.pdf" "$T/min-stdout.pdf" && ok || bad "stdin/stdout render differs from the file render"
qpdf --check "$T/min-stdout.pdf" >/dev/null 2>&1 && ok || bad "stdout PDF fails qpdf --check"
"$BIN" render - -t $TPL -o "$T/x.pdf" <"$BADC" 2>"$T/err.txt"; rc=$?
[ "$rc" = 1 ] && grep -Eq '^<stdin>:[0-9]+:[0-9]+: error' "$T/err.txt" && ok || bad "invalid stdin case: exit $rc, $(head -1 "$T/err.txt")"
# a photo cannot be read from stdin (no case folder): a clear error, exit 1
"$BIN" render - -t $TPL -o "$T/x.pdf" <"$CASE" 2>"$T/err.txt"; rc=$?
[ "$rc" = 1 ] && grep -q 'photo' "$T/err.txt" && ok || bad "stdin case with a photo: exit $rc"

# sendoc locales: tab-separated tag, names, status; English among them
expect_exit locales 0 "$BIN" locales
awk -F'\t' 'NF != 4 || ($4 != "reviewed" && $4 != "unreviewed") { bad = 1 } END { exit bad }' "$T/out.txt" && ok || bad "locales lines are not TAG<tab>NAME<tab>ENGLISH<tab>STATUS"
grep -q "^en-GB	English	English	reviewed$" "$T/out.txt" && ok || bad "locales lacks en-GB"
grep -q "^ur	" "$T/out.txt" && grep -q "^bn	" "$T/out.txt" && ok || bad "locales lacks ur or bn"
expect_exit templates 0 "$BIN" templates
grep -qx one-page-profile "$T/out.txt" && ok || bad "templates lacks one-page-profile"

# the man page documents the exit table and every command
for w in 'EXIT STATUS' '^0	success' '^1	input' '^2	usage' '^3	environment' 'sendoc batch' 'sendoc locales' 'SLURM_ARRAY_TASK_ID' 'JOB_COMPLETION_INDEX' 'parallel'; do
  grep -q "$w" "$ROOT/cli/sendoc.1" && ok || bad "sendoc.1 lacks $w"
done
if command -v groff >/dev/null; then
  groff -man -t -Tutf8 -ww -z "$ROOT/cli/sendoc.1" 2>"$T/groff.txt"; [ ! -s "$T/groff.txt" ] && ok || bad "groff warns: $(head -3 "$T/groff.txt")"
fi

echo "contract: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
