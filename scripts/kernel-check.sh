#!/bin/sh
# kernel-check.sh - the kernel test tier: rprocbox and a simulated remote
# processor driver against the real Linux remoteproc core.
#
#   scripts/kernel-check.sh          (or: make check-kernel; make check runs it too)
#
# What it does: for every kernel scripts/pins names (groups kernel-VERSION:
# 6.1.176, 6.1.192, 6.12.117, 7.2.12), boots Debian's arm64 kernel
# (CONFIG_REMOTEPROC=y) under qemu-system-aarch64 with an initramfs holding
# busybox, the test module tests/kernel/rprocsim.c built for that kernel
# (simulated processors registered with the kernel's remoteproc core: real
# sysfs, real ELF loader, real errors, real crash recovery), ELF firmware
# fixtures, the static arm64 rprocbox and the tests:
# tests/sysfs-conformance.sh and every tests/kernel/guest/*.sh. Result lines
# name the kernel: "PASS: kernel-6.12.117: conformance: ...".
#
# Steps, each a script of its own:
#   scripts/deps.sh kernel    host tools: qemu-system-arm cpio busybox-static
#                             gcc-aarch64-linux-gnu musl-dev:arm64 mmdebstrap
#   scripts/kernel-build.sh common
#                             build/arm64/rprocbox (make ARCH=arm64), fixtures
#                             (build/mkelf), the guest's shared initramfs with
#                             the pinned arm64 busybox
#   then for each kernel:
#   scripts/kernel-fetch.sh V the pinned packages (scripts/debian-get.sh:
#                             apt-get download + dpkg-deb -x, never installed)
#   scripts/kernel-build.sh V the module, with the compiler its headers ask
#                             for (gcc-14 and gcc-16 in private trixie and
#                             forky roots: scripts/suite-root.sh), and its
#                             initramfs
#   scripts/kernel-run.sh V   boot, collect the guest's result lines
#   then once, on the newest pinned kernel, the whole stack as on a board:
#   scripts/kernel-build.sh stack V
#                             the stack initramfs: V's, plus Debian's arm64
#                             containerd and ctr with their glibc (group
#                             stack-arm64) and an arm64 firmware image
#   scripts/kernel-run.sh --stack V
#                             boot it: tests/kernel/stack.sh runs ctr run
#                             --runtime io.containerd.remoteproc.v1 through
#                             create, start, firmware log, crash, kill and
#                             delete ("PASS: kernel-7.2.12: stack: ...")
#
# Output: only PASS:/FAIL:/SKIP: lines on stdout, short progress on stderr
# (never starting with those words), with each kernel's boot-and-run time.
# The plan below counts every kernel; each gets an equal share, and a kernel
# that reports fewer lines (packages gone: SKIP; no module, a guest that
# died: FAIL) has its missing share filled, so the next kernel is counted
# as its own. Host tools or the shared part missing: one "SKIP: kernel: all
# (reason)" line and status 0. Logs: build/kernel/{rprocbox,mkelf}.log,
# build/kernel/VERSION/{module.log,console.log} (the whole guest console,
# kernel log after the end marker).
#
# Cost: about 270 MB of packages (1.3 GB unpacked) and two private
# toolchain roots (about 640 MB) once, a few minutes on a good mirror; after
# that per kernel about 2-10 s of module build, ~6 s of kernel boot and
# 20-35 s of guest tests in emulated arm64 (every exec there costs ~15 ms),
# about 2 minutes for all four on 2 cores (more under load). tests/kernel/on-sim.sh runs the same guest scripts on
# the host against the FUSE simulator in ~10 s. The stack run adds 28 MB of
# packages (containerd and glibc for arm64) once, a 25 MB initramfs and
# about 20 s of boot and guest (containerd answers in ~2 s there).
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
# Environment: KERNEL_TIMEOUT (seconds each guest may run, default 110);
# KERNELS (a space-separated subset of the pinned versions, or "none", for
# a quicker look; the plan then does not match); KERNEL_STACK (the version
# the stack run boots, default the newest pinned one; "none" leaves it out);
# KERNEL_STACK_TIMEOUT (its limit, default 300 s; it takes about 20 s of
# guest time on a quiet machine).
#
# The plan: STACK_PLAN cases of the stack run, the rest shared equally by
# the kernels.
STACK_PLAN=39
# plan 1847 1800
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
T0=$(date +%s)
note() { printf 'kernel-check: %s (%ss)\n' "$*" "$(( $(date +%s) - T0 ))" >&2; }

if ! scripts/deps.sh kernel >&2; then
  echo "SKIP: kernel: all (host tools missing: scripts/deps.sh kernel failed)"
  exit 0
fi

KERNELS=${KERNELS:-$(scripts/kernel-fetch.sh list)}
[ "$KERNELS" = none ] && KERNELS=""
STACK=${KERNEL_STACK:-$(scripts/kernel-fetch.sh list | sort -V | tail -n 1)}
[ "$STACK" = none ] && STACK=""
n=$(scripts/kernel-fetch.sh list | wc -l)
PLAN=$(sed -n 's/^# plan \([0-9]*\) .*$/\1/p' "$0")
PER=$(((PLAN - STACK_PLAN) / n))
out=$(mktemp "${TMPDIR:-/tmp}/rprocbox-kernel.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT

# pad V KIND WHY [CASES [RUN]]: the run's missing cases (of CASES, default
# PER; RUN names it, "stack " for the stack run), as KIND lines, so one
# run's trouble is counted as its own and not as the next one's.
pad() {
  _want=${4:-$PER} _run=${5:-}
  _got=$(grep -cE "^(PASS|FAIL|SKIP): kernel-$1: " "$out")
  if [ "$_got" -gt "$_want" ]; then
    echo "FAIL: kernel-$1: ${_run}reported $_got results, but the plan gives it $_want"
  fi
  _k=$((_got + 1))
  while [ "$_k" -le "$_want" ]; do
    echo "$2: kernel-$1: ${_run:+stack: }planned case $_k of $_want did not run ($3)"
    _k=$((_k + 1))
  done
}

# one V: fetch, build and boot one kernel; its result lines go to $out.
one() {
  scripts/kernel-fetch.sh "$1"
  case $? in
    0) ;;
    3) pad "$1" SKIP "its pinned packages cannot be had; see scripts/kernel-fetch.sh"; return ;;
    *) pad "$1" FAIL "scripts/kernel-fetch.sh $1 failed"; return ;;
  esac
  if ! scripts/kernel-build.sh "$1"; then
    pad "$1" FAIL "the module does not build for it: build/kernel/$1/module.log"; return
  fi
  t=$(date +%s)
  scripts/kernel-run.sh "$1" "${KERNEL_TIMEOUT:-110}" >"$out"
  note "$1: booted and ran in $(( $(date +%s) - t )) s"
  cat "$out"
  pad "$1" FAIL "the guest stopped early: build/kernel/$1/console.log"
}

# stack V: the stack run on kernel V (fetched and built again if its own
# run was left out: both are cached); its result lines go to $out.
stack() {
  scripts/kernel-fetch.sh "$1"
  case $? in
    0) ;;
    3) pad "$1" SKIP "its pinned packages cannot be had" "$STACK_PLAN" "stack "; return ;;
    *) pad "$1" FAIL "scripts/kernel-fetch.sh $1 failed" "$STACK_PLAN" "stack "; return ;;
  esac
  if ! scripts/kernel-build.sh "$1"; then
    pad "$1" FAIL "the module does not build for it" "$STACK_PLAN" "stack "; return
  fi
  scripts/kernel-build.sh stack "$1"
  case $? in
    0) ;;
    3) pad "$1" SKIP "the pinned packages of group stack-arm64 cannot be had" "$STACK_PLAN" "stack "; return ;;
    *) pad "$1" FAIL "scripts/kernel-build.sh stack $1 failed" "$STACK_PLAN" "stack "; return ;;
  esac
  t=$(date +%s)
  scripts/kernel-run.sh --stack "$1" "${KERNEL_STACK_TIMEOUT:-300}" >"$out"
  note "$1: the stack booted and ran in $(( $(date +%s) - t )) s"
  cat "$out"
  pad "$1" FAIL "the stack guest stopped early: build/kernel/$1/stack-console.log" "$STACK_PLAN" "stack "
}

scripts/kernel-build.sh common
rc=$?
if [ "$rc" = 3 ]; then
  echo "SKIP: kernel: all (the guest's pinned busybox cannot be fetched; see above)"
  exit 0
elif [ "$rc" != 0 ]; then
  echo "FAIL: kernel: build (scripts/kernel-build.sh common exited with status $rc)"
  exit 1
fi
note "common part built"

for v in $KERNELS; do
  : > "$out"
  one "$v"
done
if [ -n "$STACK" ]; then
  : > "$out"
  stack "$STACK"
fi
note "done"
