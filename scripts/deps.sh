#!/bin/sh
# deps.sh GROUP... - install the Debian packages that GROUP needs, only those
# missing. Idempotent. Without root it names what to install and returns 1,
# so callers skip what needs it.
#
# Groups: build arm64 sim proto peers kernel fuzz bench tests release fresh
# A package counts as present when it is installed or when an installed
# package provides it (another vendor's nodejs provides npm, for example).
set -u

pkgs_build="make gcc libc6-dev musl-tools libjsmn-dev pkg-config"
pkgs_arm64="gcc-aarch64-linux-gnu musl-dev:arm64"
pkgs_sim="libfuse3-dev fuse3"
pkgs_proto="protobuf-compiler libprotobuf-dev"
pkgs_peers="containerd runc crun podman docker.io skopeo busybox-static"
pkgs_kernel="qemu-system-arm cpio busybox-static gcc-aarch64-linux-gnu musl-dev:arm64 mmdebstrap"
pkgs_fuzz="clang libclang-rt-14-dev"
pkgs_bench="valgrind strace"
# release: the man page linter and the Debian package checker (make check
# runs them through the tests group).
pkgs_release="mandoc lintian"
pkgs_tests="python3 nodejs npm $pkgs_release"
pkgs_fresh="mmdebstrap git ca-certificates"

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ] && return 0
  dpkg-query -W -f='${Status}|${Provides}\n' 2>/dev/null |
    grep '^install ok installed|' | cut -d'|' -f2 | tr ',' '\n' |
    sed 's/^ *//; s/ .*//' | grep -qx "$1"
}

missing=""
need_arm64=0
for g in "$@"; do
  eval "list=\${pkgs_$g:-}"
  [ -n "$list" ] || { echo "deps.sh: unknown group '$g'" >&2; exit 2; }
  for p in $list; do
    installed "$p" && continue
    case " $missing " in *" $p "*) ;; *) missing="$missing $p" ;; esac
    case "$p" in *:arm64) need_arm64=1 ;; esac
  done
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "deps.sh: not root; install these Debian packages:$missing" >&2
  exit 1
fi
echo "deps.sh: installing$missing" >&2
if [ "$need_arm64" = 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null 2>&1 || apt-get update -q >&2
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >&2 || {
  echo "deps.sh: apt-get could not install:$missing" >&2
  exit 1
}
