#!/bin/sh
# fresh-root.sh - README.md's two commands on a freshly bootstrapped Debian 12.
#
#   scripts/fresh-root.sh [--rev REV] [COMMAND]
#
# Bootstraps a clean Debian 12 (bookworm) root with mmdebstrap (its default
# variant: required and important packages, what debootstrap makes), from
# the Debian mirrors this machine's own apt sources name (read at run time),
# with the same suites: bookworm, bookworm-updates, bookworm-security. The
# bootstrap tarball is cached in build/fresh-root/ for a week. Each run
# unpacks it anew and enters it in private mount and PID namespaces, with
# pivot_root (runc, crun and Docker need a root that is a mount point):
# a private /dev holding null, zero, full, random, urandom, tty, fuse, kvm
# and a new devpts, a new /proc, the machine's /sys (with its cgroups),
# tmpfs /run and /tmp, the machine's resolv.conf and local CA certificates.
# Inside, as a new user would: apt-get install make git ca-certificates, a
# git clone of the commit under test (HEAD, or REV), then COMMAND (default
# `make demo && make check`, run by sh in the clone) with CI passed through.
#
# Needs root and unshare (util-linux); installs mmdebstrap and git itself
# (scripts/deps.sh fresh). When the namespaces end every process and mount
# in them goes with them; the unpacked root is then removed, so nothing is
# left on the host but the cached tarball. Exit status: COMMAND's.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
WORK=$TOP/build/fresh-root
SUITE=bookworm

die() { echo "fresh-root.sh: $*" >&2; exit 2; }

# bootstrap: the cached tarball, made anew when missing, a week old, or when
# the machine's sources changed.
bootstrap() {
  mkdir -p "$WORK"
  "$TOP/scripts/mirror.sh" sources "$SUITE" > "$WORK/sources.new"
  grep -q " $SUITE main\$" "$WORK/sources.new" ||
    die "this machine's apt sources name no Debian $SUITE mirror"
  if [ -f "$WORK/$SUITE.tar" ] && cmp -s "$WORK/sources.new" "$WORK/sources.list" &&
     [ -z "$(find "$WORK/$SUITE.tar" -mtime +7)" ]; then
    rm -f "$WORK/sources.new"
    return 0
  fi
  echo "fresh-root.sh: bootstrapping Debian $SUITE" >&2
  rm -f "$WORK/$SUITE.tar"
  # One mirror line per suite, as the machine has them.
  set --
  while IFS= read -r l; do set -- "$@" "$l"; done < "$WORK/sources.new"
  mmdebstrap --quiet --format=tar "$SUITE" "$WORK/$SUITE.tar.part" "$@" >&2
  mv "$WORK/$SUITE.tar.part" "$WORK/$SUITE.tar"
  mv "$WORK/sources.new" "$WORK/sources.list"
}

# private_dev DIR: a tmpfs /dev with only what the tiers use.
private_dev() {
  mount -t tmpfs -o mode=0755,nosuid tmpfs "$1"
  for n in null zero full random urandom tty fuse kvm; do
    [ -c "/dev/$n" ] || continue
    : > "$1/$n" && mount --bind "/dev/$n" "$1/$n"
  done
  mkdir -p "$1/pts" "$1/shm" "$1/mqueue"
  mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$1/pts"
  ln -s pts/ptmx "$1/ptmx"
  mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$1/shm"
  mount -t mqueue mqueue "$1/mqueue" 2>/dev/null || true
  ln -s /proc/self/fd "$1/fd"
  ln -s /proc/self/fd/0 "$1/stdin"; ln -s /proc/self/fd/1 "$1/stdout"; ln -s /proc/self/fd/2 "$1/stderr"
}

# inside ROOT REV COMMAND: PID 1 of the new namespaces. Mounts, pivots and
# runs the user's steps; returns when they end, taking everything with it.
inside() {
  r=$1 rev=$2 cmd=$3
  mount --make-rprivate /
  mount --bind "$r" "$r"
  mount -t proc proc "$r/proc"
  mount --rbind /sys "$r/sys"
  mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs "$r/run"
  # Debian 12 keeps /tmp on the root filesystem: device nodes work there
  # (the simulator's rpmsg tty is one), so no nodev.
  mount -t tmpfs -o mode=1777,nosuid tmpfs "$r/tmp"
  private_dev "$r/dev"
  cp /etc/resolv.conf "$r/etc/resolv.conf"
  # Tests that install system-wide (tests/package.test) do so only here.
  echo "a throw-away root of scripts/fresh-root.sh: tests may install packages" > "$r/etc/rprocbox-fresh-root"
  # The machine's own local certificate authorities, as its resolv.conf:
  # the root reaches the registries the machine reaches, no more.
  mkdir -p "$r/usr/local/share/ca-certificates"
  for c in /usr/local/share/ca-certificates/*.crt; do
    [ -f "$c" ] && cp "$c" "$r/usr/local/share/ca-certificates/"
  done
  cat > "$r/root/steps.sh" <<EOF
set -e
echo "fresh-root: apt-get install make git ca-certificates (what a new user installs first)"
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends make git ca-certificates >/dev/null
update-ca-certificates >/dev/null
git clone -q /root/origin.git /root/rprocbox
cd /root/rprocbox
git checkout -q $rev
echo "fresh-root: \$(git log -1 --format='%h %s' | cut -c1-72)"
$cmd
EOF
  cd "$r"
  mkdir -p .oldroot
  pivot_root . .oldroot
  exec chroot . /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    DEBIAN_FRONTEND=noninteractive CI="${CI:-}" \
    /bin/sh -c 'umount -l /.oldroot && rmdir /.oldroot && exec /bin/sh /root/steps.sh'
}

if [ "${1:-}" = --inside ]; then
  shift
  inside "$@"
fi

rev=HEAD
[ "${1:-}" = --rev ] && { rev=$2; shift 2; }
cmd=${1:-make demo && make check}
[ "$(id -u)" = 0 ] || die "needs root (it bootstraps a root and enters it in new namespaces)"
command -v unshare >/dev/null 2>&1 || die "needs unshare (Debian package util-linux)"
"$TOP/scripts/deps.sh" fresh || die "cannot install mmdebstrap and git (scripts/deps.sh fresh)"
sha=$(git -C "$TOP" rev-parse --verify "$rev^{commit}") || die "no commit $rev"
bootstrap

run=$(mktemp -d "$WORK/root.XXXXXX")
cleanup() {
  # The namespaces are gone with their last process; nothing is mounted
  # here unless a mount escaped them, which is then undone first.
  grep -F " $run" /proc/self/mountinfo | awk '{ print $5 }' | sort -r |
    while read -r m; do umount -l "$m"; done
  rm -rf --one-file-system "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
tar -xpf "$WORK/$SUITE.tar" --numeric-owner -C "$run"
git clone -q --bare --no-hardlinks "$TOP" "$run/root/origin.git"
[ -d "$run/.oldroot" ] && die "the bootstrapped root already has /.oldroot"
set +e
unshare --mount --pid --fork --kill-child -- sh "$TOP/scripts/fresh-root.sh" --inside "$run" "$sha" "$cmd"
rc=$?
exit "$rc"
