#!/bin/sh
# kernel-fetch.sh - fetch and unpack Debian's arm64 kernel, its module build
# tree and an arm64 busybox for the kernel test tier (nothing is installed).
#
#   scripts/kernel-fetch.sh
#
# Discovers the current kernel ABI from the linux-image-arm64 meta package,
# downloads with `apt-get download` into build/kernel/debs/ and unpacks with
# `dpkg-deb -x` into build/kernel/root/ (kernel image, headers, kbuild) and
# build/kernel/busybox/. A cache that matches the discovered versions is
# reused; with no apt information at all, a complete cache is used as is.
# Writes build/kernel/fetch.env (ABI, KVER, BBVER and, relative to the
# repository root, KIMAGE, KHEADERS, BUSYBOX).
#
# Exit status: 0 ready, 3 the packages cannot be had (the tier skips),
# anything else an error.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
K=$TOP/build/kernel
DEBS=$K/debs
ENV=$K/fetch.env
mkdir -p "$DEBS" || exit 1
unset DEB_BUILD_ARCH DEB_HOST_ARCH

note() { printf 'kernel-fetch: %s\n' "$*" >&2; }
cannot() { note "$*"; exit 3; }

# Depends of a package's candidate version, one name a line (no versions).
depends_of() {
  apt-cache depends "$1" 2>/dev/null |
    awk '$1 == "Depends:" { gsub(/[<>]/, "", $2); sub(/:.*$/, "", $2); print $2 }'
}

# apt-cache can take a second a call, so ask few questions.
discover() {
  ABI=$(depends_of linux-image-arm64:arm64 | sed -n 's/^linux-image-\(.*\)-arm64$/\1/p' | head -n 1)
  [ -n "$ABI" ] || return 1
  IMG=linux-image-$ABI-arm64
  HDR=linux-headers-$ABI-arm64
  deps=$(depends_of "$HDR:arm64")
  COMMON=$(echo "$deps" | grep '^linux-headers-.*-common$' | head -n 1)
  KBUILD=$(echo "$deps" | grep '^linux-kbuild-' | head -n 1)
  # Candidate versions, in the order asked.
  # shellcheck disable=SC2046
  set -- $(apt-cache policy "$IMG:arm64" "$HDR:arm64" busybox-static:arm64 2>/dev/null |
    awk '/^ *Candidate:/ { print $2 }')
  [ $# = 3 ] || return 1
  IMGVER=$1 KVER=$2 BBVER=$3
  for v in "$ABI" "$COMMON" "$KBUILD" "$IMGVER" "$KVER" "$BBVER"; do
    case "$v" in "" | "(none)") return 1 ;; esac
  done
  # The kbuild tools must match the headers exactly; bookworm and
  # bookworm-security may carry different versions, so ask for this one.
  apt-cache madison "$KBUILD" 2>/dev/null | awk -v v="$KVER" '$3 == v && /amd64/ { f = 1 } END { exit !f }'
}

# The file name apt-get download gives a package version (epoch colon quoted).
debname() { printf '%s_%s_%s.deb' "$1" "$(printf '%s' "$2" | sed 's/:/%3a/g')" "$3"; }

apt_update() {
  [ "$(id -u)" = 0 ] || return 1
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64 || return 1
  note "apt-get update"
  apt-get update -q >/dev/null 2>&1
}

download() {
  # $1 package spec, $2 expected file
  [ -s "$DEBS/$2" ] && return 0
  note "downloading $1"
  (cd "$DEBS" && apt-get download -q "$1" >/dev/null 2>&1) && [ -s "$DEBS/$2" ]
}

fetch_all() {
  download "$IMG:arm64=$IMGVER" "$(debname "$IMG" "$IMGVER" arm64)" &&
  download "$HDR:arm64=$KVER" "$(debname "$HDR" "$KVER" arm64)" &&
  download "$COMMON=$KVER" "$(debname "$COMMON" "$KVER" all)" &&
  download "$KBUILD:amd64=$KVER" "$(debname "$KBUILD" "$KVER" amd64)" &&
  download "busybox-static:arm64=$BBVER" "$(debname busybox-static "$BBVER" arm64)"
}

# The recorded cache: "ABI KVER BBVER" when it is complete, else nothing.
cached() {
  [ -s "$ENV" ] || return 1
  (
    # shellcheck disable=SC1090
    . "$ENV" || exit 1
    [ -f "$TOP/$KIMAGE" ] && [ -d "$TOP/$KHEADERS" ] && [ -x "$TOP/$BUSYBOX" ] &&
      [ -f "$K/root/.stamp-$KVER" ] && echo "$ABI $KVER $BBVER"
  )
}

# Fast path: nothing in apt's package lists changed since the last discovery.
LISTS=
eval "$(apt-config shell LISTS Dir::State::lists/d 2>/dev/null)"
if [ -n "$(cached)" ] && [ -d "$LISTS" ] && [ -z "$(find "$LISTS" -newer "$ENV" -name '*Packages*' 2>/dev/null)" ]; then
  exit 0
fi

if ! discover; then
  apt_update
  if ! discover; then
    have=$(cached) && { note "apt knows no arm64 kernel; using the cached one ($have)"; exit 0; }
    cannot "apt knows no arm64 kernel with matching headers and kbuild (arm64 architecture added? apt-get update?)"
  fi
fi
[ "$(cached)" = "$ABI $KVER $BBVER" ] && { touch "$ENV"; exit 0; }

if ! fetch_all; then
  # Security updates remove old files from the mirror: refresh once.
  { apt_update && discover && fetch_all; } || cannot "apt-get download failed (no network or mirror?)"
fi

files="$(debname "$IMG" "$IMGVER" arm64) $(debname "$HDR" "$KVER" arm64)"
files="$files $(debname "$COMMON" "$KVER" all) $(debname "$KBUILD" "$KVER" amd64)"
bbdeb=$(debname busybox-static "$BBVER" arm64)

# Unpack into a fresh tree; the stamp marks it complete.
note "unpacking $ABI ($KVER)"
rm -rf "$K/root" "$K/busybox" "$ENV" || exit 1
mkdir -p "$K/root" "$K/busybox" || exit 1
for d in $files; do
  case "$d" in
    # Of the image only the kernel: every driver the tier needs is built in.
    linux-image-*) dpkg-deb --fsys-tarfile "$DEBS/$d" | tar -x -C "$K/root" ./boot ;;
    *) dpkg-deb -x "$DEBS/$d" "$K/root" ;;
  esac || { note "cannot unpack $d"; exit 1; }
done
dpkg-deb -x "$DEBS/$bbdeb" "$K/busybox" || { note "cannot unpack $bbdeb"; exit 1; }

KIMAGE=build/kernel/root/boot/vmlinuz-$ABI-arm64
KHEADERS=build/kernel/root/usr/src/$HDR
BUSYBOX=build/kernel/busybox/bin/busybox
[ -f "$TOP/$KIMAGE" ] && [ -d "$TOP/$KHEADERS" ] && [ -x "$TOP/$BUSYBOX" ] ||
  { note "unexpected package layout"; exit 1; }
: > "$K/root/.stamp-$KVER"

# Keep only the current files in the download cache.
for f in "$DEBS"/*.deb; do
  case " $files $bbdeb " in *" ${f##*/} "*) ;; *) rm -f "$f" ;; esac
done

# Paths are relative to the repository root.
cat > "$ENV" <<EOF
ABI=$ABI
KVER=$KVER
BBVER=$BBVER
KIMAGE=$KIMAGE
KHEADERS=$KHEADERS
BUSYBOX=$BUSYBOX
EOF
