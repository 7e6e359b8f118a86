#!/bin/sh
# suite-root.sh - a private root of a newer Debian suite, for programs that
# need its glibc or its toolchain (podman 5, gcc-14/16 cross compilers),
# run as they are rather than patched.
#
#   scripts/suite-root.sh path GROUP           make it if needed; print its path
#   scripts/suite-root.sh run GROUP [--bind DIR]... -- COMMAND...
#
# GROUP is SUITE/NAME from scripts/pins; its packages are installed at their
# pinned versions into a root bootstrapped by mmdebstrap (variant apt) from
# the mirrors this machine's apt sources name (scripts/mirror.sh). The
# tarball is cached in build/suites/ and unpacked to build/suites/SUITE-NAME/
# while the group's pin lines stay the same. `run` enters it in a private
# mount namespace with the machine's /proc, /sys, /dev, /tmp and /run, the
# repository at its own path, each --bind DIR at its own path, and runs
# COMMAND there with chroot; the namespace goes when its processes do.
# Needs root. Exit status: COMMAND's; 3 when the root cannot be made.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=$TOP/build/suites

note() { printf 'suite-root: %s\n' "$*" >&2; }

# make GROUP: the unpacked root, (re)made when its pins changed.
make_root() {
  g=$1 suite=${1%%/*} dir=$OUT/$(echo "$1" | tr / -)
  awk -v g="$g" '$1 == g { print $2, $3, $4 }' "$TOP/scripts/pins" > "$dir.pins.new"
  [ -s "$dir.pins.new" ] || { note "scripts/pins has no group $g"; exit 2; }
  if [ -f "$dir/.pins" ] && cmp -s "$dir.pins.new" "$dir/.pins"; then
    echo "$dir"; return 0
  fi
  "$TOP/scripts/deps.sh" fresh >&2 || { note "cannot install mmdebstrap"; exit 3; }
  m=$("$TOP/scripts/mirror.sh" archive) || exit 3
  s=$("$TOP/scripts/mirror.sh" security) || exit 3
  inc=$(awk '{ printf "%s%s=%s", (NR > 1 ? "," : ""), $2, $3 }' "$dir.pins.new")
  note "bootstrapping $g ($inc)"
  rm -rf "$dir" && mkdir -p "$dir"
  set -- "deb $m $suite main"
  [ "$suite" = forky ] || set -- "$@" "deb $m $suite-updates main" "deb $s $suite-security main"
  # Pinned versions are wanted whatever the index's age (signatures are
  # still checked): testing suites on mirror snapshots expire.
  mmdebstrap --quiet --variant=apt --aptopt='Acquire::Check-Valid-Until "false"' \
    --include="$inc" "$suite" "$dir" "$@" >&2 ||
    { rm -rf "$dir"; note "mmdebstrap failed for $g"; exit 3; }
  cp "$dir.pins.new" "$dir/.pins"
  echo "$dir"
}

# enter ROOT BIND... -- COMMAND: inside a new mount namespace.
enter() {
  r=$1; shift
  mount --make-rprivate /
  # The root a mount of its own, as / is: tools that remount / (podman's
  # layer applier does) fail on a plain directory.
  mount --bind "$r" "$r"
  for d in /proc /sys /dev /tmp /run "$TOP"; do
    mkdir -p "$r$d" && mount --rbind "$d" "$r$d"
  done
  while [ "$1" != -- ]; do
    mkdir -p "$r$1" && mount --rbind "$1" "$r$1"; shift
  done
  shift
  cp /etc/resolv.conf "$r/etc/resolv.conf" 2>/dev/null || true
  exec chroot "$r" "$@"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
[ "$(id -u)" = 0 ] || { note "needs root"; exit 2; }
mkdir -p "$OUT"
case "$cmd" in
  path) [ $# = 1 ] || exit 2; make_root "$1" ;;
  run)
    [ $# -ge 3 ] || exit 2
    r=$(make_root "$1") || exit; shift
    binds=""
    while [ "$1" = --bind ]; do binds="$binds $2"; shift 2; done
    [ "$1" = -- ] || { note "run GROUP [--bind DIR]... -- COMMAND"; exit 2; }
    shift
    # shellcheck disable=SC2086
    exec unshare --mount -- sh "$TOP/scripts/suite-root.sh" --enter "$r" $binds -- "$@" ;;
  --enter) enter "$@" ;;
  *) sed -n 's/^#   //p' "$0" >&2; exit 2 ;;
esac
