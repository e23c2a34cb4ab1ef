#!/bin/sh
# Builds and runs one Check suite against only the engine sources named, so
# work in progress elsewhere in engine/ cannot break it.
#   tools/dev-test.sh check_case engine/case.c engine/diag.c
# Set SAN=1 for AddressSanitizer + UBSan.
set -e
t=$1; shift
PKGS="libxml-2.0 libcmark harfbuzz harfbuzz-subset icu-uc icu-i18n fontconfig libpng check"
san=""
[ -n "$SAN" ] && san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
mkdir -p build/dev
cc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O1 -g -Wall -Wextra -Werror -Wshadow \
  -Wstrict-prototypes -Wno-unused-parameter -DSD_BUILDING -Iengine/include -Iengine -Itests $san \
  $(pkg-config --cflags $PKGS) -o build/dev/$t tests/$t.c "$@" \
  $(pkg-config --libs $PKGS) -lhpdf -lz -lm -lpthread
exec ./build/dev/$t
