#!/bin/sh
# kernel-build.sh - build what the kernel test tier boots (after kernel-fetch.sh).
#
#   scripts/kernel-build.sh common       what every kernel's guest shares
#   scripts/kernel-build.sh VERSION      the module for one kernel, and its initramfs
#   scripts/kernel-build.sh stack VERSION
#                                        the stack initramfs (after VERSION)
#
# common:
# 1. `make ARCH=arm64` in the repository root for build/arm64/rprocbox; when
#    that fails the tier still runs, and the failure is one SKIP line;
# 2. builds firmware fixtures with build/mkelf, and mkelf for arm64;
# 3. packs build/kernel/initramfs.cpio.gz: busybox, fixtures in
#    /lib/firmware/rprocsim/, rprocbox and its applet links and mkelf in
#    /usr/bin, the tests in /tests as in the repository (tests/testing.sh,
#    tests/sysfs-conformance.sh, tests/kernel/...), scripts/rproc-boot.init
#    and config/rproc.json (when present) as /scripts and /config, empty
#    /etc, /run and /var, tests/kernel/init as /init.
# VERSION:
#    cross-builds tests/kernel/rprocsim.c out of tree in build/kernel/VERSION/
#    mod/ with the compiler the kernel's headers ask for (fetch.env's KCC):
#    the host's when scripts/pins has no toolchain root for it, else inside
#    the private root of the suite whose SUITE/kbuild group pins
#    KCC-aarch64-linux-gnu (its glibc runs the headers' kbuild tools); then
#    build/kernel/VERSION/initramfs.cpio.gz is the common archive followed by
#    one holding the module (the kernel unpacks concatenated archives).
# stack VERSION:
#    build/kernel/VERSION/stack.cpio.gz: VERSION's initramfs followed by the
#    board's userspace of tests/kernel/stack.sh (group stack-arm64 of
#    scripts/pins, unpacked by scripts/debian-get.sh): Debian's arm64
#    containerd and ctr in /usr/bin, the arm64 glibc they link against in
#    /usr/lib/aarch64-linux-gnu (its loader also at /lib, where the binaries
#    ask for it), and an arm64 OCI image archive (scripts/mkimage.sh) of the
#    trace.elf fixture for processor sim0 in /lib/stack, described by
#    /tests/kernel/stack.env. Exit status 3: the packages cannot be had.
#
# Prints result lines (SKIP for a missing rprocbox) on stdout, progress on
# stderr; exits non-zero when something the tier cannot do without failed.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
K=build/kernel
unset DEB_BUILD_ARCH DEB_HOST_ARCH DEB_HOST_GNU_TYPE DEB_BUILD_GNU_TYPE
note() { printf 'kernel-build: %s\n' "$*" >&2; }
die() { note "$*"; exit 1; }
JOBS=$(nproc 2>/dev/null || echo 2)

# toolchain_root CC: the SUITE/kbuild group of scripts/pins with CC's
# aarch64 cross compiler, or nothing (the host's compiler).
toolchain_root() {
  awk -v p="$1-aarch64-linux-gnu" '$1 ~ /\/kbuild$/ && $3 == p { print $1; exit }' scripts/pins
}

# module VERSION: rprocsim.ko for that kernel, stripped, in build/kernel/VERSION/.
module() {
  M=$K/$1/mod
  mkdir -p "$M" || exit 1
  for f in tests/kernel/rprocsim.c tests/kernel/Kbuild; do
    cmp -s "$f" "$M/${f##*/}" || cp "$f" "$M/" || exit 1
  done
  set -- make -C "$TOP/$KHEADERS" M="$TOP/$M" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- modules
  root=$(toolchain_root "$KCC")
  if [ -n "$root" ]; then
    # The unpacked packages may be a link out of the tree (a shared cache).
    set -- scripts/suite-root.sh run "$root" --bind "$(cd build/debian && pwd -P)" -- \
      env -u DEB_BUILD_ARCH -u DEB_HOST_ARCH "$@"
  elif ! command -v "aarch64-linux-gnu-$KCC" >/dev/null; then
    die "no aarch64-linux-gnu-$KCC and no toolchain root for it in scripts/pins"
  fi
  if ! "$@" >"$K/$KVER/module.log" 2>&1; then
    sed 's/^/module.log| /' "$K/$KVER/module.log" >&2
    die "module build for $KVER failed"
  fi
  # Warnings are errors for our own source.
  if grep -qE 'warning:|error:' "$K/$KVER/module.log"; then
    grep -E 'warning:|error:' "$K/$KVER/module.log" | sed 's/^/module.log| /' >&2
    die "module build for $KVER has warnings"
  fi
  aarch64-linux-gnu-strip --strip-debug -o "$K/$KVER/rprocsim.ko" "$M/rprocsim.ko" || die "strip failed"
}

# initramfs VERSION: the common archive, then the module's.
initramfs() {
  S=$K/$1/initramfs
  rm -rf "$S" && mkdir -p "$S/lib/modules" && cp "$K/$1/rprocsim.ko" "$S/lib/modules/" ||
    die "cannot stage the module"
  { cat "$K/initramfs.cpio.gz" &&
    (cd "$S" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1); } \
    > "$K/$1/initramfs.cpio.gz.tmp" && mv "$K/$1/initramfs.cpio.gz.tmp" "$K/$1/initramfs.cpio.gz" ||
    die "cannot pack the initramfs of $1"
}

# stack VERSION: the stack initramfs.
stack() {
  S=$K/stack
  G=$(scripts/debian-get.sh fetch stack-arm64) || exit
  L=usr/lib/aarch64-linux-gnu
  rm -rf "$S" && mkdir -p "$S/usr/bin" "$S/$L" "$S/lib/stack" "$S/tests/kernel" "$S/var/lib" ||
    die "cannot stage the stack"
  for f in usr/bin/containerd usr/bin/ctr "$L/libc.so.6" "$L/ld-linux-aarch64.so.1"; do
    cp "$G/$f" "$S/$f" || die "stack-arm64 has no $f"
  done
  ln -s "/$L/ld-linux-aarch64.so.1" "$S/lib/ld-linux-aarch64.so.1" &&
  cp tests/kernel/stack.sh "$S/tests/kernel/" || die "cannot stage the stack"
  # The image's firmware: the fixture the guest scripts boot, under a name of its own.
  build/mkelf "$K/stack-fw.elf" >/dev/null || die "mkelf failed"
  sh scripts/mkimage.sh --name localhost/fw:latest --firmware "$K/stack-fw.elf" --mcu sim0 \
    --arch arm64 --oci-archive "$S/lib/stack/fw.tar" >/dev/null || die "mkimage.sh failed"
  printf 'STACK_IMAGE=/lib/stack/fw.tar\nSTACK_NAME=localhost/fw:latest\nSTACK_FW=stack-fw.elf\n' \
    > "$S/tests/kernel/stack.env" || exit 1
  { cat "$K/$1/initramfs.cpio.gz" &&
    (cd "$S" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1); } \
    > "$K/$1/stack.cpio.gz.tmp" && mv "$K/$1/stack.cpio.gz.tmp" "$K/$1/stack.cpio.gz" ||
    die "cannot pack the stack initramfs of $1"
  note "stack initramfs $(wc -c < "$K/$1/stack.cpio.gz") bytes"
}

if [ $# = 2 ] && [ "$1" = stack ]; then
  [ -s "$K/$2/initramfs.cpio.gz" ] || die "no $K/$2/initramfs.cpio.gz: run scripts/kernel-build.sh $2 first"
  stack "$2"
  exit 0
fi
[ $# = 1 ] || { echo "usage: kernel-build.sh common | VERSION | stack VERSION" >&2; exit 2; }
if [ "$1" != common ]; then
  [ -s "$K/$1/fetch.env" ] || die "no $K/$1/fetch.env: run scripts/kernel-fetch.sh $1 first"
  [ -s "$K/initramfs.cpio.gz" ] || die "no $K/initramfs.cpio.gz: run scripts/kernel-build.sh common first"
  # shellcheck disable=SC1090
  . "./$K/$1/fetch.env"
  module "$1"
  initramfs "$1"
  exit 0
fi
# Exit status 3 (cannot be had) passes through: the tier skips.
BUSYBOX=$(scripts/debian-get.sh fetch guest-busybox)/bin/busybox || exit
mkdir -p "$K" || exit 1   # a fresh clone has no build/kernel yet

# --- 1. rprocbox for arm64 ----------------------------------------------------
rprocbox=
if make -s -j"$JOBS" ARCH=arm64 >"$K/rprocbox.log" 2>&1 && [ -x build/arm64/rprocbox ]; then
  rprocbox=build/arm64/rprocbox
else
  why=$(grep -m 1 -E 'error:|undefined reference|No rule|not found|Error [0-9]' "$K/rprocbox.log" |
    sed 's/^.*: \([^:]*: [^:]*\)$/\1/' | cut -c 1-100)
  missing="make ARCH=arm64 failed: ${why:-see $K/rprocbox.log}"
  echo "SKIP: kernel: rprocbox arm64 build ($missing)"
fi

# --- 2. firmware fixtures -----------------------------------------------------
make -s build/mkelf >"$K/mkelf.log" 2>&1 || { sed 's/^/mkelf.log| /' "$K/mkelf.log" >&2; die "build/mkelf failed"; }

# mkelf for the guest too, for tests that make their own firmware there.
if [ ! -x "$K/mkelf-arm64" ] || [ -n "$(find tests/fixtures/mkelf.c -newer "$K/mkelf-arm64")" ]; then
  aarch64-linux-gnu-gcc -specs /usr/lib/aarch64-linux-musl/musl-gcc.specs -static -Os -s \
    -o "$K/mkelf-arm64" tests/fixtures/mkelf.c 2>"$K/mkelf.log" ||
    { sed 's/^/mkelf.log| /' "$K/mkelf.log" >&2; die "arm64 mkelf failed"; }
fi

# --- 3. initramfs ---------------------------------------------------------------
S=$K/initramfs
rm -rf "$S" && mkdir -p "$S/bin" "$S/lib/firmware/rprocsim" "$S/usr/bin" \
  "$S/tests/kernel/guest" "$S/etc" "$S/run" "$S/var" || exit 1
cp "$BUSYBOX" "$S/bin/busybox" && ln -s busybox "$S/bin/sh" &&
cp tests/kernel/init "$S/init" && chmod 755 "$S/init" &&
cp "$K/mkelf-arm64" "$S/usr/bin/mkelf" ||
  die "cannot stage the initramfs"

F=$S/lib/firmware/rprocsim
build/mkelf "$F/trace.elf" && build/mkelf --no-rsc "$F/norsc.elf" || die "mkelf failed"
cp "$F/trace.elf" "$F/corrupt.elf" && printf 'XELF' | dd of="$F/corrupt.elf" conv=notrunc 2>/dev/null &&
head -c 100 "$F/trace.elf" > "$F/short.elf" || die "cannot make the corrupt fixtures"

cp tests/kernel/run-guest.sh tests/kernel/lib.sh tests/kernel/kernels.sh "$S/tests/kernel/" &&
cp tests/testing.sh "$S/tests/" || die "cannot stage the tests"
for f in tests/kernel/guest/*.sh; do
  [ -f "$f" ] && { cp "$f" "$S/tests/kernel/guest/" || exit 1; }
done
[ -f tests/sysfs-conformance.sh ] && { cp tests/sysfs-conformance.sh "$S/tests/" || exit 1; }
# The boot script and the example boot config, where the repository has
# them (tests/kernel/guest/boot.sh installs and runs the script).
for f in scripts/rproc-boot.init config/rproc.json; do
  [ -f "$f" ] || continue
  mkdir -p "$S/${f%/*}" && cp "$f" "$S/$f" || exit 1
done

if [ -n "$rprocbox" ]; then
  cp "$rprocbox" "$S/usr/bin/rprocbox" || exit 1
  if [ -x scripts/applets.sh ]; then
    applets=$(scripts/applets.sh default)
  else
    applets="remoteproc-runtime containerd-shim-remoteproc-v1 rproc"
  fi
  for a in $applets; do ln -s rprocbox "$S/usr/bin/$a" || exit 1; done
else
  printf '%s\n' "$missing" > "$S/tests/kernel/rprocbox-missing"
fi

(cd "$S" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) \
  > "$K/initramfs.cpio.gz.tmp" && mv "$K/initramfs.cpio.gz.tmp" "$K/initramfs.cpio.gz" ||
  die "cannot pack the initramfs"
note "initramfs $(wc -c < "$K/initramfs.cpio.gz") bytes${rprocbox:+, with $rprocbox}"
