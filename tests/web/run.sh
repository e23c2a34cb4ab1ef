#!/bin/sh
# sendoc serve as people and attackers use it: sh tests/web/run.sh BUILD_DIR
#   attack.py  every protection the server claims, attacked (Python, standard library)
#   e2e.mjs    a SENCo's session in Debian's chromium (playwright-core, axe-core)
# Each starts and stops its own server on a free loopback port. npm installs
# playwright-core and axe-core (pinned in package-lock.json) into a temporary
# copy of tests/web; no browser is ever downloaded.
set -u
B=$(cd "${1:-build}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
fail=0
python3 "$HERE/attack.py" "$B" || fail=1
if [ ! -x /usr/bin/chromium ]; then
  echo "web: e2e FAILED: /usr/bin/chromium missing (make deps installs Debian's chromium)"; exit 1
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cp "$HERE/package.json" "$HERE/package-lock.json" "$HERE/e2e.mjs" "$T/"
if ! (cd "$T" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent >/dev/null 2>"$T/npm.log"); then
  echo "web: npm ci failed:"; tail -5 "$T/npm.log"; exit 1
fi
# e2e.mjs finds the repository (samples, ../shared/a11y) through ROOT
SENDOC_ROOT=$(cd "$HERE/../.." && pwd) node "$T/e2e.mjs" "$B" ${SCREENSHOTS:+--screenshots "$SCREENSHOTS"} || fail=1
[ "$fail" = 0 ] && echo "web: all passed"
exit $fail
