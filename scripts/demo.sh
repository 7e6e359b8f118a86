#!/bin/sh
# demo.sh - `make demo`: a short tour of the product on a simulated board.
#
# Starts the FUSE simulator with one remote processor ("m4"), makes a small
# real ELF firmware, and takes it through its life as a person would on a
# board: every line after "$ " is a command that can be typed there as it
# stands (the applets are on PATH, RPROC_ROOT points them at the simulated
# board), followed by its output and the processor's state. What only the
# simulator can do (the firmware writing to its log, a crash) is said in a
# "#" line. Ends with what to try next. Colour only on a terminal, never with
# NO_COLOR set. Needs root and /dev/fuse (the simulator is a FUSE filesystem).
# The applets come from build/rprocbox, or from DEMO_BINDIR when it is set
# (where a package installed them).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
R=${DEMO_BINDIR:+$DEMO_BINDIR/rprocbox}
R=${R:-$TOP/build/rprocbox}
TESTDIR=$(mktemp -d "${TMPDIR:-/tmp}/rprocbox-demo.XXXXXX") || exit 1
export TOP TESTDIR
. "$TOP/tests/sim/sim.sh"

# The test libraries register their own cleanups here.
DEMO_ATEXIT=
at_exit() { DEMO_ATEXIT="$1 $DEMO_ATEXIT"; }

cleanup() {
  cd / || return
  for f in $DEMO_ATEXIT; do "$f" >/dev/null 2>&1; done
  for id in demo demo2; do "$R" remoteproc-runtime delete --force "$id" >/dev/null 2>&1; done
  sim_stop >/dev/null 2>&1
  rm -rf "$TESTDIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then
  BOLD=$(printf '\033[1m') DIM=$(printf '\033[2m') CMD=$(printf '\033[1;36m') OFF=$(printf '\033[0m')
else
  BOLD= DIM= CMD= OFF=
fi

step() { printf '\n%s== %s%s\n' "$BOLD" "$*" "$OFF"; }
say() { printf '%s# %s%s\n' "$DIM" "$*" "$OFF"; }
# run 'COMMAND': show it, run it (its errors in place), name a failure.
run() {
  printf '%s$ %s%s\n' "$CMD" "$1" "$OFF"
  eval "$1" 2>&1
  _rc=$?
  [ "$_rc" = 0 ] || printf '%s(exit status %s)%s\n' "$DIM" "$_rc" "$OFF"
}
state() { printf '%s   m4 is now %s%s\n' "$DIM" "$(cat "$SYS/state")" "$OFF"; }
# until_in FILE TEXT: wait up to 5 s for a line the proxy relays.
until_in() {
  _n=100
  while [ "$_n" -gt 0 ] && ! grep -q "$2" "$1" 2>/dev/null; do sleep 0.05; _n=$((_n - 1)); done
}
until_state() {
  _n=100
  while [ "$_n" -gt 0 ] && [ "$(cat "$SYS/state")" != "$1" ]; do sleep 0.05; _n=$((_n - 1)); done
}

sim_start --model "Demo board" --compatible "demo,board" m4 || { echo "demo: $SIM_ERROR" >&2; exit 1; }
SYS=$RPROC_ROOT/sys/class/remoteproc/remoteproc0
mkdir -p "$TESTDIR/bin" "$TESTDIR/work"
[ -n "${DEMO_BINDIR:-}" ] ||
  for a in rproc remoteproc-runtime containerd-shim-remoteproc-v1; do ln -s "$R" "$TESTDIR/bin/$a"; done
ln -s "$TOP/scripts/mkimage.sh" "$TESTDIR/bin/mkimage.sh"
PATH=${DEMO_BINDIR:+$DEMO_BINDIR:}$TESTDIR/bin:$PATH
export PATH
cd "$TESTDIR/work" || exit 1
"$TOP/build/mkelf" --seed "hello from the demo" hello.elf

printf '%srprocbox demo: firmware on a remote processor%s\n' "$BOLD" "$OFF"
say "A simulated board with one remote processor, m4. The commands below are"
say "the ones you would type as root on a real board; here the environment"
say "variable RPROC_ROOT points them at the simulator's /sys and /lib/firmware:"
say "  RPROC_ROOT=$RPROC_ROOT"

step "1. What is on this board"
run "rproc list"
run "rproc info hello.elf"

step "2. Start firmware by hand, read its log, stop it"
run "rproc start m4 hello.elf"
state
say "The firmware writes to its log (here the simulator writes for it)."
sim_trace remoteproc0 "hello.elf: booted, blinking LED"
run "rproc logs m4"
run "rproc stop m4"
state

step "3. The same firmware as an OCI container (podman, Docker, containerd)"
run "mkdir -p bundle/rootfs && cp hello.elf bundle/rootfs/ && cd bundle"
run "remoteproc-runtime spec --firmware hello.elf --processor m4"
say "create claims the processor and checks the firmware; the container's output"
say "(the firmware log) goes where create's output goes: here, the file demo.log."
run "remoteproc-runtime create demo > demo.log 2>&1"
state
run "remoteproc-runtime start demo"
state
say "The firmware writes to its log again."
sim_trace remoteproc0 "hello.elf: running inside a container"
until_in demo.log "inside a container"
run "cat demo.log"
run "remoteproc-runtime list"

step "4. One processor, one container: a second one is refused"
run "remoteproc-runtime create demo2"
state

step "5. Stopping the container stops the processor"
run "remoteproc-runtime kill demo TERM"
until_state offline
state
run "remoteproc-runtime state demo | grep -e status -e exit"
run "remoteproc-runtime delete demo"

step "6. A crash ends the container with a non-zero exit status"
say "With crash recovery on, the kernel would restart the firmware instead."
run "rproc recovery m4 disabled"
run "remoteproc-runtime run -d demo > demo.log 2>&1"
state
say "The firmware crashes (here the simulator makes it crash)."
sim_crash remoteproc0
until_state crashed
state
until_in demo.log .
run "cat demo.log"
run "remoteproc-runtime state demo | grep -e status -e exit"
run "remoteproc-runtime delete demo"
state
run "rproc recovery m4 enabled"

if command -v containerd >/dev/null 2>&1 && command -v ctr >/dev/null 2>&1; then
  step "7. containerd: the same firmware as an image, through the shim"
  RPROCBOX=$R
  . "$TOP/tests/peers/lib.sh"
  peers_bin containerd-shim-remoteproc-v1 "$R"
  if containerd_start >/dev/null 2>&1; then
    ctr() { ctr_ "$@"; }  # the containerd started for this demo
    say "mkimage.sh (in scripts/) packs the firmware as an image; ctr below talks to a"
    say "containerd started for this demo."
    run "cd .."
    run "mkimage.sh --name localhost/hello:demo --firmware hello.elf --mcu m4 \\
    --oci-archive hello.tar > /dev/null"
    run "ctr images import --all-platforms hello.tar > /dev/null"
    run "ctr run -d --runtime io.containerd.remoteproc.v1 localhost/hello:demo fw1"
    state
    run "ctr task ls"
    run "ctr task kill fw1"
    until_state offline
    state
    run "ctr task ls"
    run "ctr task rm fw1 > /dev/null && ctr container rm fw1"
  else
    say "containerd could not start here: $PEERS_REASON"
  fi
fi

step "Next"
cat <<EOF
Every container is deleted and m4 is $(cat "$SYS/state") again. To go on:
  rproc --help                    its commands; rproc COMMAND --help for each
  remoteproc-runtime --help       the same for the OCI runtime
  rproc status m4 --json          what scripts read
  scripts/mkimage.sh --help       package firmware as an OCI image
  README.md, man rproc            Docker, podman, ctr, Kubernetes, boot config
  rprocbox --install -s DIR       on a board: the three commands in DIR
  make check                      the whole test suite
EOF
