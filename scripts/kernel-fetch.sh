#!/bin/sh
# kernel-fetch.sh - the kernels the kernel test tier boots, their module
# build trees and the guest's busybox, at the versions scripts/pins names,
# unpacked (scripts/debian-get.sh), never installed.
#
#   scripts/kernel-fetch.sh list        the pinned kernel versions, in pin order
#   scripts/kernel-fetch.sh VERSION     fetch one (group kernel-VERSION and
#                                       guest-busybox); write build/kernel/VERSION/fetch.env
#
# fetch.env holds, paths relative to the repository root: KVER (VERSION),
# RELEASE (what uname -r says), KIMAGE (the arm64 Image qemu boots: boot/
# vmlinuz-* up to 6.12, usr/lib/modules/*/vmlinuz from 7.2's linux-binary
# on), KHEADERS (the module build tree), KCC (the compiler its headers ask
# for, e.g. gcc-14) and BUSYBOX.
#
# The headers' Makefile names its other halves by absolute /usr/src paths
# (the common tree's include, and from 7.2 on KBUILD_OUTPUT): they are
# pointed at the unpacked tree, relative to the directory make -C enters.
#
# Exit status: 0 ready, 3 the packages cannot be had (the kernel skips),
# anything else an error.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
note() { printf 'kernel-fetch: %s\n' "$*" >&2; }

[ $# = 1 ] || { echo "usage: kernel-fetch.sh list | VERSION" >&2; exit 2; }
if [ "$1" = list ]; then
  awk '$1 ~ /^kernel-/ && !seen[$1]++ { sub(/^kernel-/, "", $1); print $1 }' scripts/pins
  exit 0
fi
V=$1
grep -q "^kernel-$V " scripts/pins || { note "scripts/pins has no kernel $V"; exit 2; }

dir=$(scripts/debian-get.sh fetch "kernel-$V") || exit
bb=$(scripts/debian-get.sh fetch guest-busybox) || exit
rel=${dir#"$TOP"/}

# The image: 6.1 and 6.12 ship boot/vmlinuz-RELEASE, 7.2 usr/lib/modules/RELEASE/vmlinuz.
img=$(cd "$TOP" && ls "$rel"/boot/vmlinuz-* "$rel"/usr/lib/modules/*/vmlinuz 2>/dev/null | head -n 1)
hdr=$(cd "$TOP" && ls -d "$rel"/usr/src/linux-headers-*-arm64 2>/dev/null | head -n 1)
[ -n "$img" ] && [ -n "$hdr" ] && [ -x "$bb/bin/busybox" ] ||
  { note "unexpected package layout in $rel"; exit 1; }
release=${hdr##*/linux-headers-}
kcc=$(sed -n 's/^CC = .*(CROSS_COMPILE)\(gcc-[0-9]*\)$/\1/p' "$hdr/.kernelvariables")
[ -n "$kcc" ] || { note "$hdr/.kernelvariables names no compiler"; exit 1; }

# make -C enters $hdr, so paths relative to it hold wherever the tree is.
sed -i -e 's|^include /usr/src/\(linux-headers-[^/]*-common/Makefile\)$|include ../\1|' \
  -e 's|^KBUILD_OUTPUT=/usr/src/.*$|KBUILD_OUTPUT=$(CURDIR)|' "$hdr/Makefile" ||
  { note "cannot fix $hdr/Makefile"; exit 1; }
grep -q /usr/src/ "$hdr/Makefile" && { note "$hdr/Makefile still names /usr/src"; exit 1; }

mkdir -p "build/kernel/$V" || exit 1
cat > "build/kernel/$V/fetch.env" <<EOF
KVER=$V
RELEASE=$release
KIMAGE=$img
KHEADERS=$hdr
KCC=$kcc
BUSYBOX=${bb#"$TOP"/}/bin/busybox
EOF
