#!/bin/sh
# kernel-run.sh - boot one kernel of the kernel test tier in qemu and report.
#
#   scripts/kernel-run.sh [--stack] VERSION [TIMEOUT_SECONDS]     (default 90)
#
# Boots the arm64 kernel VERSION (build/kernel/VERSION/fetch.env) with its
# build/kernel/VERSION/initramfs.cpio.gz under qemu-system-aarch64 (software
# emulation; -nic none: no network, and no need for the NIC boot ROM),
# keeps the console in build/kernel/VERSION/console.log and prints the
# guest's PASS/FAIL/SKIP lines, each naming the kernel: "PASS: kernel-VERSION:
# WHAT" (a guest line "PASS: kernel: WHAT" loses its own "kernel:"). qemu's
# exit status says nothing about the guest: without the guest's end marker
# (hang, panic, timeout) the run is one FAIL line, and the console tail goes
# to stderr. --stack boots build/kernel/VERSION/stack.cpio.gz instead
# (scripts/kernel-build.sh stack: tests/kernel/stack.sh with containerd) with
# 1 GiB of memory (its initramfs alone unpacks to ~70 MB), its console in
# build/kernel/VERSION/stack-console.log.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
RD=initramfs MEM=512 LOG=console RUN=
[ "${1:-}" = --stack ] && { RD=stack MEM=1024 LOG=stack-console RUN="stack: "; shift; }
[ $# -ge 1 ] || { echo "usage: kernel-run.sh [--stack] VERSION [TIMEOUT_SECONDS]" >&2; exit 2; }
V=$1
K=build/kernel/$V
LIMIT=${2:-90}
MARKER=KERNEL-TIER-DONE
note() { printf 'kernel-run: %s: %s\n' "$V" "$*" >&2; }
named() { sed -E "s/^(PASS|FAIL|SKIP): (kernel: )?/\1: kernel-$V: /"; }

[ -s "$K/fetch.env" ] && [ -s "$K/$RD.cpio.gz" ] || {
  echo "FAIL: kernel-$V: ${RUN}boot (no kernel or initramfs: run scripts/kernel-fetch.sh and kernel-build.sh)"
  exit 1
}
# shellcheck disable=SC1090
. "./$K/fetch.env"
command -v qemu-system-aarch64 >/dev/null 2>&1 || {
  echo "FAIL: kernel-$V: ${RUN}boot (qemu-system-aarch64 not installed: scripts/deps.sh kernel)"
  exit 1
}

raw=$K/$LOG.raw
start=$(date +%s)
timeout -k 5 "$LIMIT" qemu-system-aarch64 -M virt -cpu cortex-a57 -m "$MEM" -smp 1 \
  -nographic -no-reboot -nic none -kernel "$KIMAGE" -initrd "$K/$RD.cpio.gz" \
  -append 'console=ttyAMA0 panic=-1 quiet' </dev/null >"$raw" 2>&1
rc=$?
note "guest ran $(( $(date +%s) - start )) s (qemu status $rc)"
CON=$K/$LOG.log
tr -d '\r' < "$raw" > "$CON"

# Result lines up to the marker (the kernel log after it is for reading).
sed -n "/^$MARKER\$/q;p" "$CON" | grep -E '^(PASS|FAIL|SKIP): ' | named
if ! grep -q "^$MARKER\$" "$CON"; then
  last=$(sed -n 's/^== //p' "$CON" | tail -n 1)
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    why="no end marker: guest still running after $LIMIT s${last:+, in $last}"
  else
    why="no end marker: guest stopped early (panic?)${last:+ in $last}, qemu status $rc"
  fi
  echo "FAIL: kernel-$V: ${RUN}guest run ($why; console in $CON)"
  tail -n 40 "$CON" | sed 's/^/console| /' >&2
  exit 1
fi
if grep -q '^FAIL: ' "$CON"; then
  note "kernel log of the guest:"
  sed -n "/^--- kernel log\$/,\$p" "$CON" | tail -n 40 | sed 's/^/console| /' >&2
fi
exit 0
