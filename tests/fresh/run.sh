#!/bin/sh
# A fresh machine, proven: sh tests/fresh/run.sh   (as root; run by .ci/run)
#
# 1. A pristine Debian bookworm root (debootstrap --variant=minbase, plus git,
#    make, sudo, ca-certificates: what a new user has to clone and type make)
#    is kept in $SENDOC_FRESH_CACHE (default /var/cache/sendoc-fresh), outside
#    the clone, and made again when older than $SENDOC_FRESH_MAX_AGE days (7).
# 2. Each stage works in a throwaway overlay (or copy) of it, with the apt
#    sources of the host's /etc/apt (deb.debian.org only) copied in at run time,
#    /proc, /sys and /dev mounted, and everything unmounted on exit.
# 3. readme: the commit under test is `git clone`d inside the root, with no
#    ../shared beside it, and the README's two commands, read from README.md,
#    run exactly as written: as root, then in a second clone as a user who has
#    sudo (after root's run, so the user's `make deps` finds them installed).
#    The user runs the first command whole and the test command's install half
#    (`make test-deps`, through sudo): one full `make check` fits CI's time,
#    two do not. SENDOC_FRESH_FULL_USER=1 runs the user's `make check` too.
# 4. packages: README's packaging commands as the user (dpkg-buildpackage
#    -us -uc -b, apt-get install ../*.deb, a render), lintian (no errors).
# 5. install: a second throwaway root gets the .debs with apt-get install
#    ./sendoc_*.deb ... (dependencies from Debian), renders every sample with
#    the installed sendoc, shows `man sendoc`, and builds and runs examples/
#    against the installed libsendoc-dev.
# Prints each stage's time and "fresh: N passed, M failed"; exit 1 on a failure.
# SENDOC_FRESH_KEEP=DIR keeps the logs and .debs there. SENDOC_FRESH_PACKAGES_ONLY=1
# runs only `make test-deps` in stage 3 (for work on the packaging).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${SENDOC_FRESH_CACHE:-/var/cache/sendoc-fresh}
MAX_AGE=${SENDOC_FRESH_MAX_AGE:-7}
MIRROR=${SENDOC_FRESH_MIRROR:-http://deb.debian.org/debian}
pass=0; fail=0
ok()  { pass=$((pass+1)); echo "ok   $*"; }
bad() { fail=$((fail+1)); echo "FAIL $*"; }
now() { date +%s; }
T0=$(now)

[ "$(id -u)" = 0 ] || { echo "fresh: needs root (debootstrap, chroot, mount)"; echo "fresh: 0 passed, 1 failed"; exit 1; }
command -v debootstrap >/dev/null || { echo "fresh: no debootstrap (make test-deps installs it)"; echo "fresh: 0 passed, 1 failed"; exit 1; }
COMMIT=$(git -C "$ROOT" rev-parse HEAD) || exit 1

W=$(mktemp -d /var/tmp/sendoc-fresh.XXXXXX)
MOUNTS=
cleanup() {
  for m in $MOUNTS; do umount -R "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$CACHE"
exec 9>"$CACHE/lock"
flock 9   # one run at a time uses (and refreshes) the cache

# 1. the pristine root
PRISTINE=$CACHE/bookworm
if [ -f "$CACHE/bookworm.stamp" ] && [ -d "$PRISTINE/usr" ] && \
   [ $(( $(now) - $(cat "$CACHE/bookworm.stamp") )) -lt $((MAX_AGE * 86400)) ]; then
  echo "fresh: pristine root from the cache ($(( ($(now) - $(cat "$CACHE/bookworm.stamp")) / 3600 )) h old)"
else
  t=$(now)
  rm -rf "$PRISTINE.new"
  if debootstrap --variant=minbase --include=git,make,sudo,ca-certificates bookworm "$PRISTINE.new" "$MIRROR" \
       >"$W/debootstrap.log" 2>&1; then
    rm -rf "$PRISTINE" && mv "$PRISTINE.new" "$PRISTINE" && now >"$CACHE/bookworm.stamp"
    ok "debootstrap bookworm ($(( $(now) - t )) s)"
  else
    bad "debootstrap: $(tail -3 "$W/debootstrap.log")"; echo "fresh: $pass passed, $fail failed"; exit 1
  fi
fi

# new_root NAME: a throwaway root at $W/NAME/root over the pristine one
new_root() {
  r=$W/$1/root
  mkdir -p "$W/$1/upper" "$W/$1/work" "$r"
  if mount -t overlay overlay -o "lowerdir=$PRISTINE,upperdir=$W/$1/upper,workdir=$W/$1/work" "$r" 2>/dev/null; then
    MOUNTS="$r $MOUNTS"
  else
    cp -a "$PRISTINE/." "$r/"
  fi
  # apt sources: the host's, deb.debian.org only, no *.disabled-* files
  rm -f "$r/etc/apt/sources.list" "$r"/etc/apt/sources.list.d/*
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && grep -q 'deb\.debian\.org' "$f" && cp "$f" "$r/etc/apt/${f#/etc/apt/}"
  done
  if [ ! -f "$r/etc/apt/sources.list" ] && [ -z "$(ls "$r/etc/apt/sources.list.d")" ]; then
    echo "deb $MIRROR bookworm main" >"$r/etc/apt/sources.list"; fi
  cp /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null
  # the host network's own certificate authorities (a TLS-inspecting proxy's,
  # as an organisation's IT installs them on every machine): without them npm
  # cannot reach its registry from the root. Like the apt sources, taken at
  # run time; nothing of sendoc's
  if [ -n "$(ls /usr/local/share/ca-certificates/ 2>/dev/null)" ]; then
    mkdir -p "$r/usr/local/share/ca-certificates"
    cp -r /usr/local/share/ca-certificates/. "$r/usr/local/share/ca-certificates/"
    chroot "$r" /usr/sbin/update-ca-certificates >/dev/null 2>&1 || true
  fi
  # ... and the host's global npm configuration, which points npm at that CA
  # bundle (Node.js 20 from the npm registry trusts only its own CAs otherwise)
  for f in /etc/npmrc /usr/etc/npmrc; do
    [ -f "$f" ] && mkdir -p "$r$(dirname "$f")" && cp "$f" "$r$f"
  done
  for m in proc sys dev; do
    case $m in
      proc) mount -t proc proc "$r/proc" ;;
      sys)  mount -t sysfs sysfs "$r/sys" ;;
      dev)  mount --rbind /dev "$r/dev" && mount --make-rslave "$r/dev" ;;
    esac && MOUNTS="$r/$m $MOUNTS"
  done
  # the commit under test, as a bundle the root clones from
  git -C "$ROOT" bundle create "$r/tmp/sendoc.bundle" HEAD >/dev/null 2>&1
  chmod 644 "$r/tmp/sendoc.bundle"
}
# in_root R USER CMD: runs CMD with sh in root R as USER (root or tester), a bare environment
in_root() {
  r=$1; u=$2; shift 2
  home=/root; [ "$u" = root ] || home=/home/$u
  chroot --userspec="$u:$u" "$r" /usr/bin/env -i HOME="$home" USER="$u" LOGNAME="$u" LANG=C.UTF-8 \
    TERM=dumb PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /bin/sh -c "cd && $*" 9>&-
  # (9>&-: what runs in the root does not hold the cache lock, so a killed run's
  # leftovers cannot keep the next run waiting)
}

# The README's two commands: the first ```sh block, comments dropped
sed -n '/^```sh$/,/^```$/p' "$ROOT/README.md" | sed -n '2,/^```$/p' | sed -e '/^```$/d' -e 's/[[:space:]]*#.*$//' \
  -e '/^[[:space:]]*$/d' >"$W/commands"
echo "fresh: the README's commands:"; sed 's/^/  /' "$W/commands"
[ "$(wc -l <"$W/commands")" = 2 ] && ok "README starts with two commands" || bad "README's first sh block has $(wc -l <"$W/commands") commands, want 2"

# 3. readme, as root, then as a user with sudo
new_root readme; R=$W/readme/root
in_root "$R" root "useradd -m -s /bin/bash -G sudo tester && echo 'tester ALL=(ALL) NOPASSWD: ALL' >/etc/sudoers.d/tester && chmod 440 /etc/sudoers.d/tester"
# SENDOC_FRESH_PACKAGES_ONLY=1 (for work on debian/): the user's clone gets
# `make test-deps` only, and the README's two commands are not run
USERS="root tester"; [ "${SENDOC_FRESH_PACKAGES_ONLY:-}" = 1 ] && USERS=tester && echo "make test-deps" >"$W/commands"
for u in $USERS; do
  in_root "$R" "$u" "git -c advice.detachedHead=false clone -q /tmp/sendoc.bundle sendoc" >"$W/clone-$u.log" 2>&1 || bad "$u: git clone: $(tail -2 "$W/clone-$u.log")"
  [ ! -e "$R/$( [ $u = root ] && echo root || echo home/$u )/shared" ] && ok "$u: no ../shared beside the clone" || bad "$u: ../shared exists"
  n=0
  while IFS= read -r cmd; do
    n=$((n+1)); t=$(now)
    # CI's 90 minutes hold one full `make check` in the root, not two: the user
    # runs the install half of the test command (through sudo) unless
    # SENDOC_FRESH_FULL_USER=1; root has run the whole command by then
    if [ "$u" != root ] && [ "${SENDOC_FRESH_FULL_USER:-0}" != 1 ] && [ "$cmd" != "${cmd% check}" ]; then
      cmd=${cmd% check}; echo "fresh: $u runs \"$cmd\" (root ran the whole test command; SENDOC_FRESH_FULL_USER=1 runs it again)"
    fi
    if in_root "$R" "$u" "cd sendoc && $cmd" >"$W/readme-$u-$n.log" 2>&1; then
      ok "$u: $cmd ($(( $(now) - t )) s): $(tail -1 "$W/readme-$u-$n.log")"
    else
      bad "$u: $cmd ($(( $(now) - t )) s)"; grep -E 'FAIL|rror|SKIPPED' "$W/readme-$u-$n.log" | head -15; tail -5 "$W/readme-$u-$n.log"
    fi
    grep -h '^make check: ' "$W/readme-$u-$n.log" | sed "s/^/  $u: /"
  done <"$W/commands"
done

# 4. packages: README's "Debian packages" commands, exactly as written, as the
# user with sudo in the same root (its build dependencies came with test-deps)
sed -n '/^\*\*Debian packages\.\*\*/,$p' "$ROOT/README.md" | sed -n '/^```sh$/,/^```$/p' | sed -n '2,/^```$/p' | \
  sed -e '/^```$/d' -e 's/[[:space:]]*#.*$//' -e '/^[[:space:]]*$/d' >"$W/pkg-commands"
[ "$(wc -l <"$W/pkg-commands")" -ge 3 ] && ok "README's packaging commands: $(wc -l <"$W/pkg-commands")" || bad "no packaging commands in README.md"
n=0
while IFS= read -r cmd; do
  n=$((n+1)); t=$(now)
  # the user answers apt-get's "Do you want to continue? [Y/n]" with y
  if yes | in_root "$R" tester "cd sendoc && $cmd" >"$W/pkg-$n.log" 2>&1; then
    ok "tester: $cmd ($(( $(now) - t )) s)"
  else
    bad "tester: $cmd ($(( $(now) - t )) s): $(tail -5 "$W/pkg-$n.log")"
  fi
done <"$W/pkg-commands"
mkdir -p "$W/debs"; cp "$R"/home/tester/*.deb "$R"/home/tester/*.changes "$W/debs/" 2>/dev/null
for p in sendoc libsendoc0 libsendoc-dev; do
  f=$(ls "$W/debs/${p}_"*.deb 2>/dev/null | head -1)
  if [ -n "$f" ]; then ok "$p: $(stat -c %s "$f") bytes, installed size $(dpkg-deb -f "$f" Installed-Size) KiB"; else bad "$p: no .deb"; fi
done
t=$(now)
in_root "$R" tester "lintian --tag-display-limit 0 *.changes" >"$W/lintian.log" 2>&1
if [ -n "$(ls "$R"/home/tester/*.changes 2>/dev/null)" ] && ! grep -q '^E: ' "$W/lintian.log"; then
  ok "lintian: no errors, $(grep -c '^W: ' "$W/lintian.log") warnings ($(( $(now) - t )) s)"
else
  bad "lintian"; grep -E '^(E|W): ' "$W/lintian.log" | head -10
fi
grep '^W: ' "$W/lintian.log" | head -5

# 5. install the packages on a bare root and use them
new_root install; I=$W/install/root
cp "$W/debs/sendoc_"*.deb "$W/debs/libsendoc0_"*.deb "$W/debs/libsendoc-dev_"*.deb "$I/tmp/" 2>/dev/null
t=$(now)
if in_root "$I" root "apt-get -o DPkg::Lock::Timeout=600 update -qq && cd /tmp && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq ./sendoc_*.deb ./libsendoc0_*.deb ./libsendoc-dev_*.deb man-db" \
     >"$W/install.log" 2>&1; then
  ok "apt-get install ./sendoc_*.deb ./libsendoc0_*.deb ./libsendoc-dev_*.deb ($(( $(now) - t )) s)"
else
  bad "apt-get install of the packages: $(tail -5 "$W/install.log")"
fi
in_root "$I" root "git -c advice.detachedHead=false clone -q /tmp/sendoc.bundle sendoc" >/dev/null 2>&1
in_root "$I" root "cd sendoc && SOURCE_DATE_EPOCH=1764547200 sh tools/render-samples.sh /usr/bin/sendoc /tmp/out" >"$W/samples.log" 2>&1 \
  && ok "installed sendoc: $(tail -1 "$W/samples.log")" || { bad "installed sendoc: samples"; grep -v '^rendered' "$W/samples.log" | tail -8; }
in_root "$I" root "sendoc --version && sendoc templates | grep -qx ehcp" >"$W/version.log" 2>&1 \
  && ok "installed sendoc finds /usr/share/sendoc: $(head -1 "$W/version.log")" || bad "installed sendoc --version/templates: $(tail -2 "$W/version.log")"
in_root "$I" root "MANWIDTH=80 man sendoc" >"$W/man.log" 2>&1
grep -q 'EXIT STATUS' "$W/man.log" && ok "man sendoc" || bad "man sendoc: $(head -3 "$W/man.log")"
# examples/ against the installed libsendoc-dev, with a compiler and pkg-config
# as a developer has them (sd_engine_new's own default data folder is tried
# too once sendoc.h has sd_version, i.e. from 0.2)
t=$(now)
if in_root "$I" root "DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends build-essential pkg-config >/dev/null && cd sendoc && make -C examples >/dev/null && examples/render-profile samples/ava-thompson.xml /tmp/ex.pdf en-GB \$(pkg-config --variable=datadir sendoc) && make -C examples clean >/dev/null && make -C examples STATIC=1 >/dev/null && examples/render-profile samples/bilal-hussain.xml /tmp/ex-ur.pdf ur /usr/share/sendoc" \
     >"$W/example.log" 2>&1; then
  ok "examples/ built with pkg-config against libsendoc-dev, shared and static ($(( $(now) - t )) s)"
else
  bad "examples/ against libsendoc-dev: $(tail -4 "$W/example.log")"
fi
if grep -q 'sd_version' "$I/usr/include/sendoc.h"; then
  in_root "$I" root "cd sendoc && examples/render-profile samples/ava-thompson.xml /tmp/ex-default.pdf" >"$W/example-default.log" 2>&1 \
    && ok "examples/render-profile with the installed data folder by default" || bad "sd_engine_new(NULL): $(tail -3 "$W/example-default.log")"
fi

if [ -n "${SENDOC_FRESH_KEEP:-}" ]; then mkdir -p "$SENDOC_FRESH_KEEP" && cp "$W"/*.log "$W/debs/"*.deb "$SENDOC_FRESH_KEEP/" 2>/dev/null; fi
echo "fresh: took $(( $(now) - T0 )) s"
echo "fresh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
