#!/bin/sh
# cgroup.sh - linux.cgroupsPath under cgroup v2 (the host's tests/cgroup.test
# covers v1): the proxy is born in the container's cgroup with the memory and
# pids controllers enabled down to it, counting the proxy alone; systemd's
# slice:prefix:name form with --systemd-cgroup; delete removes the group and
# keeps its parent; a path with ".." is refused with nothing made. cgroup2 is
# mounted on /sys/fs/cgroup here when nothing is (the guest), and unmounted
# after; elsewhere (tests/kernel/on-sim.sh on a v1 host) it is a SKIP.
# needs: rprocbox
#
# Environment: RPROC_ROOT (default /), RT_DEV (default remoteproc0).
# shellcheck disable=SC2034
T=kernel-cgroup
# shellcheck source=tests/kernel/lib.sh
. "$(dirname "$0")/../lib.sh"

D=${RT_DEV:-remoteproc0}
R=$CLASS/$D
CG=/sys/fs/cgroup
[ -d "$R" ] || { skip all "no $R: module not loaded"; exit 0; }
[ -f "$FW/rprocsim/trace.elf" ] || { skip all "no firmware fixture $FW/rprocsim/trace.elf"; exit 0; }
command -v remoteproc-runtime >/dev/null 2>&1 || { skip all "remoteproc-runtime is not on PATH"; exit 0; }
MOUNTED=""
if ! grep -q "^[^ ]* $CG " /proc/mounts && mount -t cgroup2 none "$CG" 2>/dev/null; then MOUNTED=1; fi
grep -q "^[^ ]* $CG cgroup2 " /proc/mounts || { skip all "$CG is not a cgroup2 mount"; exit 0; }

cleanup() {
  for _id in $(remoteproc-runtime list -q 2>/dev/null); do remoteproc-runtime delete -f "$_id" >/dev/null 2>&1; done
  for _d in "$CG/rpk/c1" "$CG/rpk" "$CG/rpk.slice/rpk-a.slice/rp-c2.scope" "$CG/rpk.slice/rpk-a.slice" "$CG/rpk.slice"; do
    [ -d "$_d" ] && rmdir "$_d"
  done
  [ -z "$MOUNTED" ] || umount "$CG"
  rm -rf "$SCRATCH"
}
trap cleanup EXIT
NAME=$(get "$R/name")
reset_dev "$D"
put "$R/firmware" "rproc-$NAME-fw" >/dev/null

# cgof PID: its cgroup, as /proc/PID/cgroup has it on v2.
cgof() { sed -n 's/^0:://p' "/proc/$1/cgroup"; }
# bundle DIR CGROUPSPATH
bundle() {
  mkdir -p "$1/rootfs/lib/firmware" && cp "$FW/rprocsim/trace.elf" "$1/rootfs/lib/firmware/app.elf" &&
    (cd "$1" && remoteproc-runtime spec --firmware /lib/firmware/app.elf --processor "$NAME") &&
    sed "s|\"ociVersion\": \"1.2.0\",|&\"linux\": {\"cgroupsPath\": \"$2\"},|" "$1/config.json" > "$1/c.tmp" &&
    mv "$1/c.tmp" "$1/config.json"
}

bundle "$SCRATCH/b1" /rpk/c1 || { fail "bundle"; exit 1; }
# The proxy keeps create's stdout: create's output goes to files, not to $(...).
remoteproc-runtime create --bundle "$SCRATCH/b1" c1 >"$SCRATCH/c1.out" 2>"$SCRATCH/c1.err"
check "create with a cgroupfs path" "rc=$? $(cat "$SCRATCH/c1.err")" "rc=0 "
pid=$(rt_get c1 pid)
check "the proxy is born in it" "$(cgof "$pid")" /rpk/c1
check "memory and pids reach it" "$(tr ' ' '\n' < "$CG/rpk/c1/cgroup.controllers" | grep -x -e memory -e pids | tr '\n' ' ')" "memory pids "
check "it holds the proxy alone (the guardian stays out)" "$(cat "$CG/rpk/c1/pids.current")" 1
m=$(cat "$CG/rpk/c1/memory.current" 2>/dev/null)
check "its memory is the proxy's own" "$([ "${m:-0}" -gt 0 ] && [ "$m" -lt 33554432 ] && echo small || echo "$m")" small
remoteproc-runtime start c1 >"$SCRATCH/start.out" 2>&1
check "start" "rc=$? $(cat "$SCRATCH/start.out")" "rc=0 "
check "processor running" "$(get "$R/state")" running
check "delete" "$(outrc remoteproc-runtime delete -f c1)" "rc=0"
check "delete removed the group, its parent stays" "$(exists "$CG/rpk/c1") $(exists "$CG/rpk")" "no yes"

bundle "$SCRATCH/b2" rpk-a.slice:rp:c2 || { fail "bundle"; exit 1; }
remoteproc-runtime --systemd-cgroup create --bundle "$SCRATCH/b2" c2 >"$SCRATCH/c2.out" 2>"$SCRATCH/c2.err"
check "create with slice:prefix:name (--systemd-cgroup)" "rc=$? $(cat "$SCRATCH/c2.err")" "rc=0 "
check "the proxy is where systemd would put the scope" "$(cgof "$(rt_get c2 pid)")" /rpk.slice/rpk-a.slice/rp-c2.scope
check "delete removed the scope" \
  "$(outrc remoteproc-runtime delete -f c2) $(exists "$CG/rpk.slice/rpk-a.slice/rp-c2.scope")" "rc=0 no"

bundle "$SCRATCH/b3" /rpk/../escape || { fail "bundle"; exit 1; }
check "a .. part is refused" "$(outrc remoteproc-runtime create --bundle "$SCRATCH/b3" c3)" \
  "remoteproc-runtime: config.json: linux.cgroupsPath /rpk/../escape has a . or .. part|rc=1"
check "nothing made for it" "$(remoteproc-runtime list -q) $(exists "$CG/escape")" " no"

check "processor left offline" "$(get "$R/state")" offline
reset_dev "$D"
put "$R/firmware" "rproc-$NAME-fw" >/dev/null
[ "$FAILS" = 0 ]
