#!/bin/sh
# on-sim.sh - run the kernel tier's guest scripts on the host, against the
# FUSE simulator (build/rprocsim) instead of the real kernel.
#
#   [KERNEL_VERSION=X.Y.Z] tests/kernel/on-sim.sh [SCRIPT...]
#                       (default: every tests/kernel/guest/*.sh; the simulator
#                       imitates KERNEL_VERSION where kernels differ, else the
#                       newest pinned one: tests/kernel/kernels.sh)
#
# The same scripts, the same fixtures: where the simulator and the kernel
# answer differently, one of the two runs has FAIL lines, and the simulator
# is what gets fixed (with a case in tests/sysfs-conformance.sh). The board
# is given qemu virt's devicetree model, as the guest sees it.
#
# Needs root, /dev/fuse, busybox, and build/rprocsim, build/mkelf,
# build/rprocbox (make && make tools). Output: the scripts' result lines;
# exit status non-zero if a script failed.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
export TOP
TESTDIR=$(mktemp -d "${TMPDIR:-/tmp}/rprocbox-onsim.XXXXXX") || exit 1
export TESTDIR
# shellcheck source=tests/sim/sim.sh
. "$TOP/tests/sim/sim.sh"
trap 'sim_stop; rm -rf "$TESTDIR"' EXIT
trap 'exit 130' INT TERM

for f in build/rprocsim build/mkelf build/rprocbox; do
  [ -x "$TOP/$f" ] || { echo "SKIP: on-sim: all ($f is not built: make && make tools)"; exit 0; }
done
command -v busybox >/dev/null 2>&1 || { echo "SKIP: on-sim: all (needs busybox)"; exit 0; }
# sim_up [ARG...]: a fresh simulator with qemu virt's board and the module's
# two processors, as an insmod with those parameters gives, on a new root
# with the fixtures of scripts/kernel-build.sh.
sim_up() {
  sim_start --model "linux,dummy-virt" --compatible "linux,dummy-virt" "$@" sim0 sim1 || return 1
  F=$RPROC_ROOT/lib/firmware/rprocsim
  mkdir -p "$F" "$RPROC_ROOT/etc" "$RPROC_ROOT/run" &&
  "$TOP/build/mkelf" "$F/trace.elf" && "$TOP/build/mkelf" --no-rsc "$F/norsc.elf" &&
  cp "$F/trace.elf" "$F/corrupt.elf" && printf 'XELF' | dd of="$F/corrupt.elf" conv=notrunc 2>/dev/null &&
  head -c 100 "$F/trace.elf" > "$F/short.elf" || { SIM_ERROR="cannot make the fixtures"; return 1; }
}
sim_up || { echo "SKIP: on-sim: all ($SIM_ERROR)"; exit 0; }

# The applet links, as /usr/bin has them in the guest.
BIN=$TESTDIR/bin
mkdir -p "$BIN" && cp "$TOP/build/rprocbox" "$BIN/rprocbox" || exit 1
for a in remoteproc-runtime containerd-shim-remoteproc-v1 rproc; do ln -s rprocbox "$BIN/$a"; done
PATH=$BIN:$PATH RPROCBOX=$BIN/rprocbox MKELF=$TOP/build/mkelf
export PATH RPROCBOX MKELF

[ $# -gt 0 ] || set -- "$TOP"/tests/kernel/guest/*.sh
rc=0
# attached.sh wants sim1 the way insmod rprocsim.ko attached=sim1 has it.
for s in "$@"; do
  case ${s##*/} in
    attached.sh) sim_stop && sim_up --attached sim1 || { echo "FAIL: on-sim: $SIM_ERROR"; exit 1; } ;;
  esac
  busybox sh "$s" </dev/null || rc=1
  case ${s##*/} in
    attached.sh) sim_stop && sim_up || { echo "FAIL: on-sim: $SIM_ERROR"; exit 1; } ;;
  esac
done
exit "$rc"
