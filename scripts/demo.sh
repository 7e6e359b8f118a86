#!/bin/sh
# demo.sh - `make demo`: the main job on a simulated board.
#
# Starts the FUSE simulator with one remote processor ("m4"), makes a small
# real ELF firmware, and drives it through its life with rproc and with the
# OCI runtime, printing each step and the processor's state; then cleans up.
# Needs root and /dev/fuse (the simulator is a FUSE filesystem).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
R=$TOP/build/rprocbox
TESTDIR=$(mktemp -d "${TMPDIR:-/tmp}/rprocbox-demo.XXXXXX")
export TOP TESTDIR
. "$TOP/tests/sim/sim.sh"

cleanup() {
  "$R" remoteproc-runtime delete --force demo >/dev/null 2>&1
  sim_stop >/dev/null 2>&1
  rm -rf "$TESTDIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
state() { printf '   processor m4 is: %s\n' "$(cat "$RPROC_ROOT/sys/class/remoteproc/remoteproc0/state")"; }

sim_start --model "Demo board" --compatible "demo,board" m4 || { echo "demo: $SIM_ERROR" >&2; exit 1; }
echo "Simulated sysfs at $RPROC_ROOT/sys (RPROC_ROOT); firmware directory $RPROC_ROOT/lib/firmware"
"$TOP/build/mkelf" --seed "hello from the demo" "$TESTDIR/hello.elf"
alias rproc >/dev/null 2>&1 || true

step "rproc: what is on this board"
run "$R" rproc list
run "$R" rproc info "$TESTDIR/hello.elf"

step "rproc: start firmware by hand, read its log, stop it"
run "$R" rproc start m4 "$TESTDIR/hello.elf"
state
sim_trace remoteproc0 "hello.elf: booted, blinking LED"
run "$R" rproc logs m4
run "$R" rproc stop m4
state

step "remoteproc-runtime: the same firmware as an OCI container"
mkdir -p "$TESTDIR/bundle/rootfs"
cp "$TESTDIR/hello.elf" "$TESTDIR/bundle/rootfs/"
cd "$TESTDIR/bundle" || exit 1
run "$R" remoteproc-runtime spec --firmware hello.elf --processor m4
run "$R" remoteproc-runtime create demo
run "$R" remoteproc-runtime list
state
run "$R" remoteproc-runtime start demo
state
sim_trace remoteproc0 "hello.elf: running inside a container"
sleep 0.2
run "$R" remoteproc-runtime state demo
step "a second container cannot take the same processor"
run "$R" remoteproc-runtime create demo2
step "kill: the proxy stops the processor"
run "$R" remoteproc-runtime kill demo TERM
sleep 0.3
state
"$R" remoteproc-runtime state demo | grep -e '"status"' -e remoteproc.exit
run "$R" remoteproc-runtime delete demo

step "a crash is a non-zero exit (kernel recovery disabled)"
echo disabled > "$RPROC_ROOT/sys/class/remoteproc/remoteproc0/recovery"
run "$R" remoteproc-runtime run -d demo
state
run sim_crash remoteproc0
sleep 0.3
"$R" remoteproc-runtime state demo | grep -e '"status"' -e remoteproc.exit
state
run "$R" remoteproc-runtime delete demo
echo
echo "Demo done: every container deleted, the processor is $(cat "$RPROC_ROOT/sys/class/remoteproc/remoteproc0/state")."
