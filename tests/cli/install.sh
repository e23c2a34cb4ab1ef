#!/bin/sh
# make install into a staging DESTDIR with PREFIX=/opt/sendoc: the installed
# binary finds its data beside itself, and a C program builds against the
# installed sendoc.pc.
B=${1:-build}
. "$(dirname "$0")/lib.sh"
DATA=$SENDOC_DATA
unset SENDOC_DATA
D=$T/stage
P=$D/opt/sendoc
if ! make -s -C "$ROOT" install B="$(cd "$B" && pwd)" PREFIX=/opt/sendoc DESTDIR="$D" >"$T/make.txt" 2>&1; then
  bad "make install"; tail -5 "$T/make.txt"
fi
for f in bin/sendoc lib/libsendoc.so lib/libsendoc.a include/sendoc.h lib/pkgconfig/sendoc.pc \
         share/man/man1/sendoc.1 share/sendoc/schema/case.xsd share/sendoc/fonts/fontmap.txt \
         share/sendoc/templates/one-page-profile.md share/sendoc/locales/root.res share/sendoc/locales/ur.res; do
  [ -f "$P/$f" ] && ok || bad "not installed: $f"
done
[ "$(stat -c %a "$P/bin/sendoc")" = 755 ] && ok || bad "sendoc mode"
[ "$(stat -c %a "$P/share/sendoc/schema/case.xsd")" = 644 ] && ok || bad "data mode"
grep -q "^prefix=/opt/sendoc$" "$P/lib/pkgconfig/sendoc.pc" && ok || bad "sendoc.pc prefix"
grep -q "^Version: $("$BIN" --version | cut -d' ' -f2)$" "$P/lib/pkgconfig/sendoc.pc" && ok || bad "sendoc.pc version"

# the installed binary, relocated under DESTDIR, finds ../share/sendoc by itself
cd "$T"
"$P/bin/sendoc" templates >"$T/t.txt" 2>&1 && grep -qx one-page-profile "$T/t.txt" && ok || bad "installed templates: $(head -2 "$T/t.txt")"
"$P/bin/sendoc" locales >"$T/l.txt" 2>&1 && grep -q "^ur	" "$T/l.txt" && ok || bad "installed locales"
"$P/bin/sendoc" render "$ROOT/samples/bilal-hussain.xml" -t one-page-profile --lang ur -o "$T/b.pdf" 2>"$T/e.txt" && ok || bad "installed render: $(head -2 "$T/e.txt")"
"$BIN" render "$ROOT/samples/bilal-hussain.xml" -t one-page-profile --lang ur -o "$T/b0.pdf" --data-dir "$DATA" 2>/dev/null
cmp -s "$T/b.pdf" "$T/b0.pdf" && ok || bad "installed render differs from the build's"
# and it is the installed man page
if command -v man >/dev/null; then MANWIDTH=80 man -l "$P/share/man/man1/sendoc.1" 2>/dev/null | grep -q 'EXIT STATUS' && ok || bad "man page does not render"; fi

# a program against the installed library through pkg-config (prefix from the .pc file's place)
cat >"$T/hello.c" <<'C'
#include <sendoc.h>
#include <stdio.h>
int main(int argc, char **argv)
{
  sd_diags *d = sd_diags_new();
  sd_engine *e = NULL;
  sd_status st = sd_engine_new(argc > 1 ? argv[1] : "", &e, d);
  printf("%s %d %zu\n", SD_VERSION, (int)st, sd_diags_count(d));
  sd_engine_free(e);
  sd_diags_free(d);
  return st != SD_OK;
}
C
export PKG_CONFIG_PATH="$P/lib/pkgconfig"
flags=$(pkg-config --define-prefix --cflags --libs sendoc 2>"$T/pc.txt")
[ -n "$flags" ] && ok || bad "pkg-config sendoc: $(cat "$T/pc.txt")"
case "$flags" in *"$P/include"*"$P/lib"*|*"$P/lib"*"$P/include"*) ok ;; *) bad "pkg-config --define-prefix did not relocate: $flags" ;; esac
if cc -std=c11 -Wall -Werror -o "$T/hello" "$T/hello.c" $flags 2>"$T/cc.txt"; then ok; else bad "compile against sendoc.pc: $(head -3 "$T/cc.txt")"; fi
LD_LIBRARY_PATH="$P/lib" "$T/hello" "$P/share/sendoc" >"$T/h.txt" 2>&1 && grep -q '^0\.[0-9]*\.[0-9]* 0 0$' "$T/h.txt" && ok || bad "linked program: $(cat "$T/h.txt")"
# static linking through Requires.private / Libs.private
flags=$(pkg-config --define-prefix --static --cflags --libs sendoc 2>/dev/null)
if cc -std=c11 -o "$T/hello-static" "$T/hello.c" -Wl,-Bstatic -lsendoc -Wl,-Bdynamic $flags 2>"$T/cc.txt" && "$T/hello-static" "$P/share/sendoc" >/dev/null; then ok; else bad "static link against sendoc.pc: $(head -3 "$T/cc.txt")"; fi

echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
