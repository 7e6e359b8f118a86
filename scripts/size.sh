#!/bin/sh
# size.sh - `make size`: stripped sizes of the default and boot profiles for
# x86-64 and arm64, and the boot profile's budget.
#
# Builds each variant with make, strips a copy (build outputs stay as they
# are), prints one row per variant in bytes and KiB, and exits non-zero when
# the x86-64 boot profile is over BOOT_LIMIT bytes (default 65536): the boot
# profile goes into tiny initramfs images, where every KiB counts.
# An arm64 variant is reported as skipped when the aarch64 musl toolchain
# (gcc-aarch64-linux-gnu, musl-dev:arm64) is not installed.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
BOOT_LIMIT=${BOOT_LIMIT:-65536}
MAKE=${MAKE:-make}
JOBS=$(nproc 2>/dev/null || echo 2)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rprocbox-size.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# Where the Makefile puts a variant (its OUT rule): build/, build/boot/,
# build/arm64/, build/arm64-boot/.
binary() {
  case $1-$2 in
    x86_64-default) echo build/rprocbox ;;
    x86_64-*) echo "build/$2/rprocbox" ;;
    *-default) echo "build/$1/rprocbox" ;;
    *) echo "build/$1-$2/rprocbox" ;;
  esac
}

have_arm64() {
  command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 &&
    command -v aarch64-linux-gnu-strip >/dev/null 2>&1 &&
    [ -f /usr/lib/aarch64-linux-musl/musl-gcc.specs ]
}

status=0 boot_x86=
printf '%-8s %-7s %10s %8s\n' PROFILE ARCH BYTES KIB
for arch in x86_64 arm64; do
  strip="strip"
  if [ "$arch" = arm64 ]; then
    strip=aarch64-linux-gnu-strip
    if ! have_arm64; then
      for config in default boot; do
        printf '%-8s %-7s %10s %8s  (skipped: no aarch64 musl toolchain)\n' "$config" "$arch" - -
      done
      continue
    fi
  fi
  for config in default boot; do
    log=$tmp/make-$arch-$config.log
    if ! $MAKE -s -j"$JOBS" ARCH="$arch" CONFIG="$config" >"$log" 2>&1; then
      printf '%-8s %-7s %10s %8s  (build failed)\n' "$config" "$arch" - -
      sed 's/^/  | /' "$log" | tail -n 20
      status=1
      continue
    fi
    bin=$(binary "$arch" "$config")
    copy=$tmp/$arch-$config
    if ! cp "$bin" "$copy" || ! "$strip" "$copy"; then
      printf '%-8s %-7s %10s %8s  (cannot strip a copy of %s)\n' "$config" "$arch" - - "$bin"
      status=1
      continue
    fi
    bytes=$(wc -c < "$copy" | tr -d ' ')
    printf '%-8s %-7s %10s %8s\n' "$config" "$arch" "$bytes" \
      "$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1024 }')"
    [ "$arch-$config" = x86_64-boot ] && boot_x86=$bytes
  done
done

if [ -z "$boot_x86" ]; then
  echo "boot profile x86_64: no size (build failed): cannot check the $BOOT_LIMIT-byte limit"
  exit 1
fi
if [ "$boot_x86" -gt "$BOOT_LIMIT" ]; then
  echo "boot profile x86_64: $boot_x86 bytes, limit $BOOT_LIMIT bytes: TOO BIG by $((boot_x86 - BOOT_LIMIT)) bytes" \
    "(the boot profile must fit a tiny initramfs; see what grew with: nm --size-sort -S $(binary x86_64 boot))"
  exit 1
fi
echo "boot profile x86_64: $boot_x86 bytes, limit $BOOT_LIMIT bytes: OK ($((BOOT_LIMIT - boot_x86)) bytes to spare)"
exit "$status"
