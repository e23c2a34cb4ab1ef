#!/bin/sh
# The pdf.js checks (../shared/a11y, tests/a11y: pdfjs-dist 5.6) need Node.js
# 20.19 or newer; Debian bookworm's nodejs is 18, on which pdf.js stops at
# "DOMMatrix is not defined". When the node on PATH is older, this installs
# Node.js 20 from the npm registry's node-linux-<arch> package (the binary
# ships inside the package; nothing else is downloaded) into
# /usr/local/lib/sendoc-node and links /usr/local/bin/node to it, which comes
# before /usr/bin on PATH. Debian's npm keeps working on it. Run as root
# (make test-deps runs it through sudo).   sh tools/node20.sh
set -eu
VERSION=${SENDOC_NODE_VERSION:-20.20.2}
have=$(node -p 'process.versions.node' 2>/dev/null || echo 0)
major=${have%%.*}; rest=${have#*.}; minor=${rest%%.*}
if [ "$major" -gt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -ge 19 ]; }; then exit 0; fi
case $(uname -m) in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "node20: Node.js $have is older than 20.19 and no npm package serves $(uname -m): the pdf.js checks will be skipped"; exit 0 ;;
esac
dir=/usr/local/lib/sendoc-node
mkdir -p "$dir"
npm install --prefix "$dir" --no-save --no-audit --no-fund --silent "node-linux-$arch@$VERSION" >/dev/null
ln -sf "$dir/node_modules/node-linux-$arch/bin/node" /usr/local/bin/node
echo "node20: Node.js $(/usr/local/bin/node --version) in /usr/local/bin (Debian's is $have)"
