#!/bin/sh
# stack.sh - the whole stack as on a board, in the kernel tier's guest on the
# newest pinned kernel (scripts/kernel-check.sh boots it once, with the
# stack initramfs of scripts/kernel-build.sh stack): Debian's arm64
# containerd and ctr (scripts/pins group stack-arm64, with the arm64 libc
# they link against) run the arm64 rprocbox's shim, and a firmware image
# (scripts/mkimage.sh --arch arm64, the trace.elf fixture, MCU=sim0) drives
# processor sim0 (remoteproc0) of the test module through the real
# remoteproc core:
#   c1  ctr run -d --log-uri file://...: create, start (ctr task ls RUNNING,
#       sysfs running, the staged firmware, the proxy in the cgroup the spec
#       names and ctr task metrics through the shim's v2 Stats), the firmware log (the module's
#       trace buffer) in the task's log, a crash with recovery disabled
#       (STOPPED, exit status 10 in ctr events and ctr task rm), delete
#   c2  ctr run in the foreground: the firmware log on ctr's stdout (fifo),
#       ctr task kill (exit 0, ctr run returns 0), delete
#   and that nothing is left: containers, tasks, shims, proxies, claims,
#   staged firmware, the processor offline, containerd stops on TERM.
# containerd runs with a minimal configuration: no CRI, no NRI, the native
# snapshotter (Debian's kernel has overlayfs as a module, which the guest
# does not carry). Every wait is bounded; result lines are
# "PASS: stack: ..." (kernel-run.sh names the kernel).
# shellcheck disable=SC2034
T=stack
export TOP=/ RPROC_ROOT=/
# shellcheck source=tests/kernel/lib.sh
. "$(dirname "$0")/lib.sh"

D=remoteproc0
R=$CLASS/$D
K=$DBG/$D
C=$SIM/$D
RT=io.containerd.remoteproc.v1
# STACK_IMAGE (the OCI archive), STACK_NAME (its name) and STACK_FW (the
# firmware file in it): written by scripts/kernel-build.sh stack.
# shellcheck disable=SC1091
. "$(dirname "$0")/stack.env"
IMG=$STACK_NAME
CTD_SOCK=/run/containerd/containerd.sock
NS=stack
export CONTAINERD_SNAPSHOTTER=native
CTD_PID="" EV_PID="" FG_PID=""

# ctr_ ARGS: ctr on our containerd and namespace, at most 60 s.
ctr_() { timeout 60 ctr --address "$CTD_SOCK" --namespace "$NS" "$@"; }
# task ID: "ID STATUS" from ctr task ls, or nothing.
task() { ctr_ task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $1, $3 }'; }
task_pid() { ctr_ task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $2 }'; }
is_task() { [ "$(task "$1")" = "$1 $2" ]; }
has_line() { grep -qxF "$2" "$1" 2>/dev/null; }
# events ID: "TOPIC [exit_status=N]" for each task event of ID ctr events printed.
events() {
  grep -F "\"container_id\":\"$1\"" "$SCRATCH/events" 2>/dev/null | awk '{
    t = $6; s = ""
    if ((t == "/tasks/exit" || t == "/tasks/delete") && match($0, /"exit_status":[0-9]+/))
      s = " exit_status=" substr($0, RSTART + 14, RLENGTH - 14)
    else if (t == "/tasks/exit" || t == "/tasks/delete") s = " exit_status=0"
    print t s }'
}
has_event() { events "$2" | grep -q "^$1"; }
# What the stack started and that still lives: shims, proxies, guardians.
daemons() {
  for _d in /proc/[0-9]*; do
    case $(cat "$_d/comm" 2>/dev/null) in
      containerd-shim* | rproxy* | rproc-guard*)
        [ "$(alive "${_d#/proc/}")" = yes ] && printf '%s ' "${_d#/proc/}:$(cat "$_d/comm")" ;;
    esac
  done
}
no_daemons() { [ -z "$(daemons)" ]; }
# shellcheck disable=SC2010  # names here are ours: no odd characters
left() {
  for _d in lib/firmware/remoteproc-runtime run/rprocbox/claims run/remoteproc-runtime; do
    [ -d "/$_d" ] || continue
    _l=$(ls -A "/$_d" | grep -v '^\.lock$' | tr '\n' ' ')
    [ -z "$_l" ] || printf '%s: %s' "$_d" "$_l"
  done
}
stop_pid() {
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null
  wait_for 10 sh -c "! kill -0 $1 2>/dev/null" || kill -9 "$1" 2>/dev/null
  wait "$1" 2>/dev/null
}
# On any exit: what still runs goes, the processor goes offline.
cleanup() {
  stop_pid "$FG_PID"
  stop_pid "$EV_PID"
  if [ -n "$CTD_PID" ]; then
    for _c in $(ctr_ task ls -q 2>/dev/null); do ctr_ task kill -s KILL "$_c" >/dev/null 2>&1; done
    stop_pid "$CTD_PID"
  fi
  for _p in $(daemons); do kill -9 "${_p%%:*}" 2>/dev/null; done
  reset_dev "$D"
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

for f in /usr/bin/containerd /usr/bin/ctr /usr/bin/containerd-shim-remoteproc-v1 "$STACK_IMAGE"; do
  [ -e "$f" ] || { fail "all (no $f in the stack initramfs)"; exit 1; }
done
[ -d "$R" ] || { fail "all (no $R: module not loaded)"; exit 1; }
reset_dev "$D"
# What containerd wants of a board's root besides proc, sysfs, devtmpfs, /run
# and /tmp (the initramfs's init mounts those): the unified cgroup hierarchy.
mkdir -p /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup

# --- containerd ----------------------------------------------------------------
mkdir -p /var/lib/containerd /run/containerd
cat > "$SCRATCH/config.toml" <<EOF
version = 3
root = "/var/lib/containerd"
state = "/run/containerd"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.images", "io.containerd.cri.v1.runtime",
  "io.containerd.podsandbox.controller.v1.podsandbox", "io.containerd.nri.v1.nri",
  "io.containerd.snapshotter.v1.overlayfs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.erofs", "io.containerd.snapshotter.v1.blockfile"]

[grpc]
  address = "$CTD_SOCK"

[plugins."io.containerd.transfer.v1.local"]
  [[plugins."io.containerd.transfer.v1.local".unpack_config]]
    platform = "linux/arm64"
    snapshotter = "native"
EOF
t0=$(now_ms)
(cd / && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ \
  setsid containerd --config "$SCRATCH/config.toml" >"$SCRATCH/containerd.log" 2>&1 </dev/null) &
CTD_PID=$!
wait_for 90 sh -c "[ -S $CTD_SOCK ] && ctr --address $CTD_SOCK version >/dev/null 2>&1"
check "containerd $(containerd --version 2>/dev/null | awk '{ print $3 }') answers" \
  "$(ctr_ version 2>&1 | grep -c 'Version:')" 2
echo "stack: containerd up in $(( $(now_ms) - t0 )) ms"
if ! ctr_ version >/dev/null 2>&1; then
  sed 's/^/containerd.log| /' "$SCRATCH/containerd.log" | tail -n 30
  exit 1
fi
timeout 290 ctr --address "$CTD_SOCK" events > "$SCRATCH/events" 2>&1 &
EV_PID=$!

check "the arm64 firmware image imported" \
  "$(ctr_ images import "$STACK_IMAGE" >/dev/null 2>&1; ctr_ images ls -q)" "$IMG"
check "the image is for linux/arm64" "$(ctr_ images ls 2>/dev/null | grep -c 'linux/arm64')" 1

# --- c1: create, start, firmware log, crash ----------------------------------------
check "recovery disabled" "$(put "$K/recovery" disabled)" ok
check "ctr run -d --runtime $RT" \
  "$(outrc ctr_ run -d --runtime "$RT" --log-uri "file://$SCRATCH/c1.log" "$IMG" c1)" "rc=0"
check "c1 RUNNING in ctr task ls" "$(task c1)" "c1 RUNNING"
pid=$(task_pid c1)
check "the task's pid is the proxy" "$(cat "/proc/$pid/comm" 2>/dev/null)" "rproxy:c1"
check "processor running" "$(get "$R/state")" running
# ctr's spec names the cgroup /<namespace>/<id>; the guest runs cgroup v2,
# so the native shim's Stats answers io.containerd.cgroups.v2.Metrics,
# which ctr decodes and prints.
check "the proxy is in the cgroup ctr's spec names (v2)" "$(cat "/proc/$pid/cgroup" 2>/dev/null)" "0::/$NS/c1"
check "ctr task metrics (v2 Metrics from the shim): pids.current 1" \
  "$(ctr_ task metrics c1 2>&1 | awk '$1 == "pids.current" { print $1, $2 }')" "pids.current 1"
check "sysfs firmware is the staged image file" "$(get "$R/firmware")" "remoteproc-runtime/c1/$STACK_FW"
check "trace0 exists" "$(exists "$K/trace0")" yes
check "events: create, start" "$(wait_for 10 has_event /tasks/start c1; events c1 | tr '\n' ' ')" \
  "/tasks/create /tasks/start "

check "trace write" "$(put "$C/trace" "hello from sim0")" ok
wait_for 10 has_line "$SCRATCH/c1.log" "hello from sim0"
check "firmware log in the task's log (file://)" "$(content "$SCRATCH/c1.log")" "hello from sim0|"

check "crash" "$(put "$K/crash" 2)" ok
wait_for 20 is_task c1 STOPPED
check "after the crash: c1 STOPPED" "$(task c1)" "c1 STOPPED"
check "after the crash: processor offline" "$(get "$R/state")" offline
wait_for 10 has_event /tasks/exit c1
check "after the crash: exit status 10 in ctr events" "$(events c1 | grep exit)" "/tasks/exit exit_status=10"
check "crash reported in the task's log" "$(content "$SCRATCH/c1.log")" \
  "hello from sim0|remoteproc-runtime: firmware on sim0 crashed; stopping the processor|"
check "ctr task rm after the crash names its status" "$(ctr_ task rm c1 2>&1 | grep -o 'exit with non-zero exit code 10')" \
  "exit with non-zero exit code 10"
check "ctr container rm" "$(outrc ctr_ container rm c1)" "rc=0"
wait_for 10 has_event /tasks/delete c1
check "events: c1 delete with 10" "$(events c1 | grep delete)" "/tasks/delete exit_status=10"
check "processor offline after delete" "$(get "$R/state")" offline
put "$K/recovery" enabled >/dev/null

# --- c2: foreground run, firmware log on stdout, stop, delete --------------------------
ctr --address "$CTD_SOCK" --namespace "$NS" run --runtime "$RT" "$IMG" c2 >"$SCRATCH/c2.out" 2>&1 &
FG_PID=$!
wait_for 60 is_task c2 RUNNING
check "c2 RUNNING (ctr run in the foreground)" "$(task c2)" "c2 RUNNING"
check "processor running (c2)" "$(get "$R/state")" running
put "$C/trace" "hello from c2" >/dev/null
wait_for 10 has_line "$SCRATCH/c2.out" "hello from c2"
check "firmware log on ctr run's stdout" "$(content "$SCRATCH/c2.out")" "hello from c2|"
check "ctr task kill" "$(outrc ctr_ task kill c2)" "rc=0"
n=600
while [ "$(alive "$FG_PID")" = yes ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
wait "$FG_PID"
check "ctr run returns the task's status (0: stopped on request)" "$?" 0
FG_PID=""
check "processor offline after the kill" "$(get "$R/state")" offline
wait_for 10 has_event /tasks/delete c2
check "events: c2 create, start, exit 0, delete 0" "$(events c2 | tr '\n' ' ')" \
  "/tasks/create /tasks/start /tasks/exit exit_status=0 /tasks/delete exit_status=0 "
check "ctr container rm (c2)" "$(outrc ctr_ container rm c2)" "rc=0"

# --- nothing left -------------------------------------------------------------------
check "no containers or tasks left" "$(ctr_ containers ls -q; ctr_ task ls -q)" ""
wait_for 10 no_daemons
check "no shim, proxy or guardian left" "$(daemons)" ""
check "nothing staged, claimed or kept" "$(left)" ""
check "processor left offline" "$(get "$R/state")" offline
stop_pid "$EV_PID"
EV_PID=""
kill "$CTD_PID"
wait_for 20 sh -c "! kill -0 $CTD_PID 2>/dev/null"
check "containerd stops on TERM" "$(alive "$CTD_PID")" no
wait "$CTD_PID" 2>/dev/null
CTD_PID=""
bad=$(dmesg | grep -E 'Oops|BUG:|WARNING:|Call trace:|Kernel panic|refcount_t:' | head -n 1)
check "no oops or warning in the kernel log" "${bad:-none}" none
echo "stack: ran in $(( $(now_ms) - t0 )) ms from containerd's start"
[ "$FAILS" = 0 ]
