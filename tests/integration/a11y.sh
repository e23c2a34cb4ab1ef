# Sourced by the integration scripts after ROOT and T are set: makes $T/a11y,
# a working copy of the accessibility kit (../shared/a11y when it is beside the
# clone, as in CI, else the project's copy in tests/a11y) with pdf.js installed
# by `npm ci`. Sets A11Y_PDFJS=1 when pdf.js is ready, 0 when it is not (no
# node, or npm could not reach its registry): then only the checks that need
# no pdf.js run, and A11Y_MISSING names what did not run.
A11Y_SRC=$ROOT/../shared/a11y
if [ -f "$A11Y_SRC/pdfua_check.py" ]; then
  if ! diff -rq -x node_modules -x __pycache__ -x COPY.md "$A11Y_SRC" "$ROOT/tests/a11y" >/dev/null 2>&1; then
    echo "note: tests/a11y differs from ../shared/a11y (using ../shared; sh tools/sync-a11y.sh updates the copy)"
  fi
else
  A11Y_SRC=$ROOT/tests/a11y
fi
cp -r "$A11Y_SRC" "$T/a11y"
A11Y_PDFJS=0
A11Y_MISSING=
if [ "${SENDOC_NO_PDFJS:-}" = 1 ]; then
  A11Y_MISSING="pdf.js checks (SENDOC_NO_PDFJS=1)"   # to test the poppler-only path
elif ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  A11Y_MISSING="pdf.js checks (no node/npm: make test-deps installs them)"
elif [ -d "$T/a11y/node_modules/pdfjs-dist" ] || (cd "$T/a11y" && npm ci --silent --no-audit --no-fund >"$T/npm.log" 2>&1); then
  A11Y_PDFJS=1
else
  A11Y_MISSING="pdf.js checks (npm ci failed: $(tail -1 "$T/npm.log"))"
fi
# `make check` sets SD_SKIPPED_DIR and names in its last line what was not run
if [ -n "${SD_SKIPPED_DIR:-}" ]; then
  mkdir -p "$SD_SKIPPED_DIR"
  stage=$(basename "$(dirname "$0")")-$(basename "$0" .sh)   # e.g. integration-matrix
  if [ -n "$A11Y_MISSING" ]; then echo "$A11Y_MISSING" > "$SD_SKIPPED_DIR/$stage"
  else rm -f "$SD_SKIPPED_DIR/$stage"; fi
fi
