#!/bin/sh
# kernel-check.sh - the kernel test tier: rprocbox and a simulated remote
# processor driver against the real Linux remoteproc core.
#
#   scripts/kernel-check.sh          (or: make check-kernel; make check runs it too)
#
# What it does: boots Debian's arm64 kernel (CONFIG_REMOTEPROC=y) under
# qemu-system-aarch64 with an initramfs holding busybox, the test module
# tests/kernel/rprocsim.c (simulated processors registered with the kernel's
# remoteproc core: real sysfs, real ELF loader, real errors, real crash
# recovery), ELF firmware fixtures, the static arm64 rprocbox and the tests:
# tests/sysfs-conformance.sh and every tests/kernel/guest/*.sh.
#
# Steps, each a script of its own:
#   scripts/deps.sh kernel    host tools: qemu-system-arm cpio busybox-static
#                             gcc-aarch64-linux-gnu musl-dev:arm64
#   scripts/kernel-fetch.sh   apt-get download + dpkg-deb -x of the kernel, its
#                             headers, the matching amd64 linux-kbuild and an
#                             arm64 busybox into build/kernel/ (needs the arm64
#                             architecture in dpkg, added when root, and Debian's
#                             apt mirror once; the cache is reused after that)
#   scripts/kernel-build.sh   module, build/arm64/rprocbox (make ARCH=arm64),
#                             fixtures (build/mkelf), initramfs
#   scripts/kernel-run.sh     boot, collect the guest's result lines
#
# Output: only PASS:/FAIL:/SKIP: lines on stdout, short progress on stderr
# (never starting with those words). Packages that cannot be had give one
# "SKIP: kernel: all (reason)" line and status 0; any other failure is a FAIL
# line. Logs: build/kernel/{module,rprocbox,mkelf}.log and console.log (the
# whole guest console, kernel log after the end marker).
#
# Cost: about 75 MB of packages once (about 11 s to download and unpack on a
# good mirror); after that about 35-60 s on 2 cores (depending on load):
# module, fixtures and initramfs ~1-2 s plus make ARCH=arm64, then ~6 s of
# kernel boot and ~30 s of guest tests in emulated arm64 (every exec there
# costs ~15 ms). Cached in build/kernel/ (reused until apt's package lists
# change and name a newer kernel). tests/kernel/on-sim.sh runs the same
# guest scripts on the host against the FUSE simulator in ~10 s.
#
# Guest tests: tests/kernel/guest/*.sh run in name order under busybox sh as
# root, each in a session of its own with a 60 s limit, with RPROC_ROOT=/,
# TOP=/ (the initramfs holds tests/ as the repository does), MKELF (arm64
# mkelf) and, when the arm64 build worked, RPROCBOX=/usr/bin/rprocbox plus
# applet links. A script with a "# needs: rprocbox" line is a SKIP while
# there is no arm64 rprocbox. tests/kernel/lib.sh has the helpers (put,
# get, check, wait_state); tests/kernel/rprocsim.c documents the test
# controls; the module is loaded with processors sim0 and sim1
# (remoteproc0, remoteproc1); fixtures are in /lib/firmware/rprocsim/.
#
# Environment: KERNEL_TIMEOUT (seconds the guest may run, default 90).
# plan 411 900
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
T0=$(date +%s)
note() { printf 'kernel-check: %s (%ss)\n' "$*" "$(( $(date +%s) - T0 ))" >&2; }

if ! scripts/deps.sh kernel >&2; then
  echo "SKIP: kernel: all (host tools missing: scripts/deps.sh kernel failed)"
  exit 0
fi

scripts/kernel-fetch.sh
rc=$?
if [ "$rc" = 3 ]; then
  echo "SKIP: kernel: all (Debian's arm64 kernel packages cannot be fetched; see above)"
  exit 0
elif [ "$rc" != 0 ]; then
  echo "FAIL: kernel: fetch (scripts/kernel-fetch.sh exited with status $rc)"
  exit 1
fi
note "packages ready"

out=$(mktemp "${TMPDIR:-/tmp}/rprocbox-kernel.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT
scripts/kernel-build.sh >"$out"
rc=$?
grep -E '^(PASS|FAIL|SKIP): ' "$out"
if [ "$rc" != 0 ]; then
  echo "FAIL: kernel: build (scripts/kernel-build.sh exited with status $rc)"
  exit 1
fi
note "built"

scripts/kernel-run.sh "${KERNEL_TIMEOUT:-90}"
rc=$?
note "done"
exit "$rc"
