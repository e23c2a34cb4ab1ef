#!/bin/sh
# Copies ../shared/a11y (the project's accessibility kit) to tests/a11y,
# keeping tests/a11y/COPY.md: sh tools/sync-a11y.sh
set -eu
cd "$(dirname "$0")/.."
[ -f ../shared/a11y/pdfua_check.py ] || { echo "sync-a11y: ../shared/a11y not found" >&2; exit 1; }
keep=$(mktemp -d); trap 'rm -rf "$keep"' EXIT
cp tests/a11y/COPY.md "$keep/"
rm -rf tests/a11y && mkdir -p tests/a11y
(cd ../shared/a11y && tar cf - --exclude=node_modules --exclude=__pycache__ .) | (cd tests/a11y && tar xf -)
chmod -R u+w tests/a11y
cp "$keep/COPY.md" tests/a11y/
echo "sync-a11y: tests/a11y now matches ../shared/a11y"
