# Shared by tests/cli/*.sh: sourced with B (build dir) set. Counts results in $pass/$fail.
set -u
BIN=$(cd "$B" && pwd)/bin/sendoc
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d)
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
pass=0; fail=0
ok()  { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
export SOURCE_DATE_EPOCH=1764547200
export SENDOC_DATA=$(cd "$B" && pwd)/share/sendoc
unset LC_ALL 2>/dev/null || true

# expect_exit NAME WANT CMD...: runs CMD (stdout to $T/out.txt, stderr to $T/err.txt)
expect_exit() {
  name=$1; want=$2; shift 2
  "$@" >"$T/out.txt" 2>"$T/err.txt"; got=$?
  if [ "$got" = "$want" ]; then ok; else bad "$name: exit $got, want $want"; head -5 "$T/err.txt"; fi
}

# make_cases DIR N: N one-page-profile cases in DIR/set-XX/ (50 a folder, with photos),
# made distinct by name and one item, round-robin over the class-4b samples.
make_cases() {
  dir=$1; n=$2; i=0
  set -- leo-clarke maya-osei zara-ahmed
  while [ "$i" -lt "$n" ]; do
    s=$(printf 'set-%02d' $((i / 50)))
    if [ ! -d "$dir/$s" ]; then mkdir -p "$dir/$s"; cp -r "$ROOT/samples/class-4b/photos" "$dir/$s/"; fi
    k=$((i % 3))
    case $k in 0) src=$1 ;; 1) src=$2 ;; 2) src=$3 ;; esac
    sed -e "s|<preferred-name>\([^<]*\)</preferred-name>|<preferred-name>\1 $i</preferred-name>|" \
        -e "s|<strengths>|<strengths><item>Case number $i in this batch.</item>|" \
        "$ROOT/samples/class-4b/$src.xml" >"$dir/$s/$src-$i.xml"
    i=$((i+1))
  done
}

# nobody_kit DIR: the command and its data folder copied into DIR/kit, readable
# by everyone, for the tests that run as nobody when we are root (setpriv):
# the clone may sit where nobody cannot look (a fresh root's /root/sendoc).
# Sets NBIN and NDATA.
nobody_kit() {
  mkdir -p "$1/kit" && cp "$BIN" "$1/kit/sendoc" && cp -r "$SENDOC_DATA" "$1/kit/data" && chmod -R a+rX "$1/kit"
  NBIN=$1/kit/sendoc; NDATA=$1/kit/data
}
