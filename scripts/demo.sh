#!/bin/sh
# demo.sh - `make demo`: the main job on a simulated board.
#
# Starts the FUSE simulator with one remote processor ("m4"), makes a small
# real ELF firmware, and drives it through its life with rproc and with the
# OCI runtime and, when containerd is installed, with containerd and the
# shim; prints each step and the processor's state; then cleans up.
# Needs root and /dev/fuse (the simulator is a FUSE filesystem).
# The applets run by name: from DEMO_BINDIR when set (where a package
# installed them), else from links to build/rprocbox.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
TESTDIR=$(mktemp -d "${TMPDIR:-/tmp}/rprocbox-demo.XXXXXX")
export TOP TESTDIR
BINDIR=${DEMO_BINDIR:-$TESTDIR/bin}
if [ -z "${DEMO_BINDIR:-}" ]; then
  mkdir "$BINDIR" && ln -s "$TOP/build/rprocbox" "$BINDIR/rprocbox" &&
    "$BINDIR/rprocbox" --install -s "$BINDIR" >/dev/null || exit 1
fi
R=$BINDIR/rprocbox
PATH=$BINDIR:$PATH
. "$TOP/tests/sim/sim.sh"

# The test libraries register their own cleanups here.
DEMO_ATEXIT=
at_exit() { DEMO_ATEXIT="$1 $DEMO_ATEXIT"; }

cleanup() {
  for f in $DEMO_ATEXIT; do "$f" >/dev/null 2>&1; done
  remoteproc-runtime delete --force demo >/dev/null 2>&1
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

step "rproc: what is on this board"
run rproc list
run rproc info "$TESTDIR/hello.elf"

step "rproc: start firmware by hand, read its log, stop it"
run rproc start m4 "$TESTDIR/hello.elf"
state
sim_trace remoteproc0 "hello.elf: booted, blinking LED"
run rproc logs m4
run rproc stop m4
state

step "remoteproc-runtime: the same firmware as an OCI container"
mkdir -p "$TESTDIR/bundle/rootfs"
cp "$TESTDIR/hello.elf" "$TESTDIR/bundle/rootfs/"
cd "$TESTDIR/bundle" || exit 1
run remoteproc-runtime spec --firmware hello.elf --processor m4
run remoteproc-runtime create demo
run remoteproc-runtime list
state
run remoteproc-runtime start demo
state
sim_trace remoteproc0 "hello.elf: running inside a container"
sleep 0.2
run remoteproc-runtime state demo
step "a second container cannot take the same processor"
run remoteproc-runtime create demo2
step "kill: the proxy stops the processor"
run remoteproc-runtime kill demo TERM
sleep 0.3
state
remoteproc-runtime state demo | grep -e '"status"' -e remoteproc.exit
run remoteproc-runtime delete demo

step "a crash is a non-zero exit (kernel recovery disabled)"
echo disabled > "$RPROC_ROOT/sys/class/remoteproc/remoteproc0/recovery"
run remoteproc-runtime run -d demo
state
run sim_crash remoteproc0
sleep 0.3
remoteproc-runtime state demo | grep -e '"status"' -e remoteproc.exit
state
run remoteproc-runtime delete demo
echo enabled > "$RPROC_ROOT/sys/class/remoteproc/remoteproc0/recovery"

if command -v containerd >/dev/null 2>&1 && command -v ctr >/dev/null 2>&1; then
  step "containerd: the same firmware as an image, through the shim"
  RPROCBOX=$R
  . "$TOP/tests/peers/lib.sh"
  peers_bin containerd-shim-remoteproc-v1 "$BINDIR/containerd-shim-remoteproc-v1"
  if containerd_start >/dev/null 2>&1; then
    "$TOP/scripts/mkimage.sh" --name localhost/hello:demo --firmware "$TESTDIR/hello.elf" --mcu m4 \
      --oci-archive "$TESTDIR/hello.tar" >/dev/null
    ctr_import "$TESTDIR/hello.tar"
    echo "(ctr below is ctr on a containerd started for this demo)"
    printf '$ ctr run -d --runtime io.containerd.remoteproc.v1 localhost/hello:demo fw1\n'
    ctr_ run -d --runtime io.containerd.remoteproc.v1 localhost/hello:demo fw1
    state
    printf '$ ctr task ls\n'; ctr_ task ls
    printf '$ ctr task kill fw1\n'; ctr_ task kill fw1
    sleep 0.3
    state
    printf '$ ctr task ls\n'; ctr_ task ls
    ctr_ task rm fw1 >/dev/null; ctr_ container rm fw1
  else
    echo "(containerd could not start here: $PEERS_REASON)"
  fi
fi

echo
echo "Demo done: every container deleted, the processor is $(cat "$RPROC_ROOT/sys/class/remoteproc/remoteproc0/state")."
