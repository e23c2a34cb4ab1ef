#!/bin/sh
# libsendoc as an integrator gets it: the SONAME, only sendoc.h's SD_API names
# exported (versioned SENDOC_0) and listed in debian/libsendoc0.symbols, and
# examples/ built by its own Makefile through pkg-config against a
# `make install DESTDIR=...` staging tree, linked shared and static, and run.
B=${1:-build}
. "$(dirname "$0")/lib.sh"
LIB=$(cd "$B" && pwd)/lib/libsendoc.so.0
readelf -d "$LIB" | grep -q 'SONAME.*\[libsendoc\.so\.0\]' && ok || bad "libsendoc.so.0 has no SONAME libsendoc.so.0"
# exported = declared: every SD_API name in the header, nothing else
sed -n 's/^SD_API[^(]*[ *]\([A-Za-z_][A-Za-z0-9_]*\)[ ]*(.*/\1/p; s/^SD_API extern const [a-z_]* \([A-Za-z_0-9]*\);/\1/p' \
  "$ROOT/engine/include/sendoc.h" | sort -u >"$T/declared"
nm -D --defined-only "$LIB" | awk '$2 != "A" {print $3}' | sed 's/@.*//' | sort -u >"$T/exported"
[ -s "$T/declared" ] && cmp -s "$T/declared" "$T/exported" && ok || bad "exported symbols differ from sendoc.h's SD_API names: $(diff "$T/declared" "$T/exported" | grep '^[<>]' | tr '\n' ' ')"
nm -D --defined-only "$LIB" | awk '$2 != "A" {print $3}' | grep -v '@@SENDOC_0$' >"$T/unversioned"
[ ! -s "$T/unversioned" ] && ok || bad "symbols outside SENDOC_0: $(tr '\n' ' ' <"$T/unversioned")"
sed -n 's/^ \([A-Za-z_0-9]*\)@SENDOC_0 .*/\1/p' "$ROOT/debian/libsendoc0.symbols" | grep -v '^SENDOC_0$' | sort -u >"$T/listed"
cmp -s "$T/listed" "$T/exported" && ok || bad "debian/libsendoc0.symbols is not the exported set: $(diff "$T/listed" "$T/exported" | grep '^[<>]' | tr '\n' ' ')"

# libsendoc-dev depends on the -dev package of every module sendoc.pc
# requires, or pkg-config fails for an integrator on a machine that has only
# the package (the fresh root found libcrypto's missing: libssl-dev)
DEV_DEPENDS=$(sed -n '/^Package: libsendoc-dev$/,/^Description/p' "$ROOT/debian/control")
for mod in $(sed -n 's/^PKGS *= *//p' "$ROOT/Makefile"); do
  pc=$(pkg-config --variable=pcfiledir "$mod" 2>/dev/null)/$mod.pc
  pkg=$(dpkg -S "$pc" 2>/dev/null | head -1 | cut -d: -f1)
  if [ -z "$pkg" ]; then bad "no Debian package owns $mod.pc"; continue; fi
  printf '%s\n' "$DEV_DEPENDS" | grep -q "^ *$pkg,\?$\|[ ,]$pkg," && ok || bad "libsendoc-dev does not depend on $pkg (sendoc.pc requires $mod)"
done

# The command is a thin shell over sendoc.h: its objects link against the
# shared library, which exports only the SD_API names, with nothing missing
# (the installed command links libsendoc.a, one binary with no rpath)
CLI_OBJS=$(ls "$B"/obj/cli/*.o 2>/dev/null)
if [ -n "$CLI_OBJS" ] && cc -o "$T/sendoc-shared" $CLI_OBJS "$LIB" \
     $(pkg-config --libs libmicrohttpd jansson poppler-glib cairo libxml-2.0 icu-uc) -lcsv -lcrypto -lpthread \
     $(case "$B" in *asan*) echo -fsanitize=address,undefined ;; *tsan*) echo -fsanitize=thread ;; esac) >"$T/link.txt" 2>&1; then
  LD_LIBRARY_PATH=$(dirname "$LIB") "$T/sendoc-shared" --version | grep -q '^sendoc ' && ok || bad "the CLI linked against libsendoc.so.0 does not run"
else
  bad "the CLI uses more than sendoc.h (linked against libsendoc.so.0): $(grep -o "undefined reference to .[a-z_0-9]*" "$T/link.txt" | sort -u | tr '\n' ' ')$(tail -2 "$T/link.txt")"
fi

# make install into a staging prefix, then examples/ against it. (Not DESTDIR
# with pkg-config --define-prefix: that relocates every package it reads,
# libxml2's -I/usr/include/libxml2 included, to a prefix of /usr/lib.)
P=$T/stage/usr/local
make -s -C "$ROOT" install B="$(cd "$B" && pwd)" PREFIX="$P" >"$T/make.txt" 2>&1 || bad "make install: $(tail -3 "$T/make.txt")"
[ "$(readlink "$P/lib/libsendoc.so")" = libsendoc.so.0 ] && ok || bad "lib/libsendoc.so is not a link to libsendoc.so.0"
PKG_CONFIG_PATH=$P/lib/pkgconfig pkg-config --validate sendoc 2>"$T/pc.txt" && ok || bad "sendoc.pc does not validate: $(cat "$T/pc.txt")"
cp -r "$ROOT/examples" "$T/ex"
for kind in shared static; do
  make -s -C "$T/ex" clean >/dev/null
  if PKG_CONFIG_PATH="$P/lib/pkgconfig" make -s -C "$T/ex" $( [ $kind = static ] && echo STATIC=1 ) >"$T/ex.txt" 2>&1; then ok; else bad "examples: make ($kind): $(tail -3 "$T/ex.txt")"; continue; fi
  if [ $kind = shared ]; then
    ldd "$T/ex/render-profile" | grep -q 'libsendoc\.so\.0 => ' && ok || bad "examples: render-profile does not load libsendoc.so.0"
  else
    ldd "$T/ex/render-profile" | grep -q 'libsendoc' && bad "examples: static render-profile still loads libsendoc" || ok
  fi
  (cd "$ROOT" && LD_LIBRARY_PATH=$P/lib "$T/ex/render-profile" samples/bilal-hussain.xml "$T/ex-$kind.pdf" ur "$P/share/sendoc") \
    >"$T/run.txt" 2>"$T/run.err" && ok || bad "examples: render-profile ($kind): $(head -3 "$T/run.err")"
  grep -q "^sendoc .*: wrote $T/ex-$kind.pdf, [0-9]* bytes$" "$T/run.txt" && ok || bad "examples: output: $(cat "$T/run.txt")"
  grep -q 'warning: .*\[locale.unreviewed\]$' "$T/run.err" && ok || bad "examples: the draft-catalogue warning was not printed: $(head -2 "$T/run.err")"
  [ "$(stat -c %a "$T/ex-$kind.pdf")" = 600 ] && ok || bad "examples: PDF mode $(stat -c %a "$T/ex-$kind.pdf")"
  pdftotext "$T/ex-$kind.pdf" - 2>/dev/null | grep -q 'بلال' && ok || bad "examples: the PDF lacks the child's name"
done
# and a bad case: exit 1 with the schema error as FILE:LINE:COLUMN
LD_LIBRARY_PATH=$P/lib "$T/ex/render-profile" "$ROOT/tests/integration/bad/schema-violation.xml" "$T/bad.pdf" en-GB "$P/share/sendoc" 2>"$T/bad.err" >/dev/null
[ $? = 1 ] && ok || bad "examples: an invalid case did not exit 1"
grep -Eq 'schema-violation\.xml:[0-9]+:[0-9]+: error: .*\[case\.schema\]' "$T/bad.err" && ok || bad "examples: no schema diagnostic: $(head -2 "$T/bad.err")"
[ ! -e "$T/bad.pdf" ] && ok || bad "examples: an invalid case left a PDF"
echo "library: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
