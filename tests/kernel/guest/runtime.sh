#!/bin/sh
# runtime.sh - remoteproc-runtime's whole container lifecycle against the
# real remoteproc core: bundle, create, start, state, the firmware log, kill
# TERM and KILL, kill -9 of the proxy, delete, crashes with recovery
# disabled and enabled, a start the driver refuses. Every check compares an
# exact value: runtime state, sysfs, staged files, exit statuses.
# needs: rprocbox
#
# Environment: RPROC_ROOT (default /), RT_DEV (default remoteproc0, the
# processor named sim0). Fixture: $ROOT/lib/firmware/rprocsim/trace.elf.
# shellcheck disable=SC2034
T=kernel-runtime
# shellcheck source=tests/kernel/lib.sh
. "$(dirname "$0")/../lib.sh"

D=${RT_DEV:-remoteproc0}
R=$CLASS/$D
K=$DBG/$D
C=$SIM/$D
STAGE=$FW/remoteproc-runtime
CLAIM=$ROOT/run/rprocbox/claims/$D

[ -d "$R" ] || { skip all "no $R: module not loaded"; exit 0; }
[ -f "$FW/rprocsim/trace.elf" ] || { skip all "no firmware fixture $FW/rprocsim/trace.elf"; exit 0; }
command -v remoteproc-runtime >/dev/null 2>&1 || { skip all "remoteproc-runtime is not on PATH"; exit 0; }
NAME=$(get "$R/name")
reset_dev "$D"
put "$R/firmware" "rproc-$NAME-fw" >/dev/null

# status ID: the container's status, "gone" once the runtime has no state.
status() { remoteproc-runtime state "$1" >/dev/null 2>&1 && rt_get "$1" status || echo gone; }
is_status() { [ "$(status "$1")" = "$2" ]; }
is_dead() { [ "$(alive "$1")" = no ]; }
# Live proxies and guardians of this RPROC_ROOT (zombies do not count), by
# pid and name.
daemons() {
  for _d in /proc/[0-9]*; do
    case $(cat "$_d/comm" 2>/dev/null) in
      rproxy* | rproc-guard*)
        [ "$(alive "${_d#/proc/}")" = yes ] &&
          tr '\0' '\n' < "$_d/environ" 2>/dev/null | grep -qxF "RPROC_ROOT=${RPROC_ROOT:-/}" &&
          printf '%s ' "${_d#/proc/}:$(cat "$_d/comm")" ;;
    esac
  done
}
has_line() { grep -qxF "$2" "$1" 2>/dev/null; }
# The firmware staged for container ID, if any.
staged() { ls "$STAGE/$1" 2>/dev/null | tr '\n' ' '; }

# --- the bundle ------------------------------------------------------------------
B=$SCRATCH/bundle
mkdir -p "$B/rootfs/lib/firmware" && cp "$FW/rprocsim/trace.elf" "$B/rootfs/lib/firmware/app.elf" ||
  { fail "bundle (cannot copy the fixture)"; exit 1; }
cd "$B" || exit 1
check "spec" "$(outrc remoteproc-runtime spec --firmware /lib/firmware/app.elf --processor "$NAME")" "rc=0"
check "spec names the processor" "$(jget remoteproc.name < config.json)" "$NAME"
check "spec names the firmware" "$(sed -n '/"args"/{n;p;}' config.json | tr -d ' ')" '"/lib/firmware/app.elf"'

# --- create ------------------------------------------------------------------------
# The proxy inherits create's stdout: the firmware log goes to c1.out.
remoteproc-runtime create c1 >"$SCRATCH/c1.out" 2>"$SCRATCH/c1.err"
check "create" "rc=$? $(cat "$SCRATCH/c1.err")" "rc=0 "
pid=$(rt_get c1 pid)
check "state after create" "$(status c1)" created
check "state names the device" "$(rt_get c1 remoteproc.device)" "$D"
check "proxy alive after create" "$(alive "$pid")" yes
check "proxy is named after the container" "$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | sed 's/ *$//')" "remoteproc-proxy c1 $NAME"
check "processor offline after create" "$(get "$R/state")" offline
check "claim taken by create" "$(exists "$CLAIM")" yes
check "nothing staged before start" "$(exists "$STAGE/c1")" no
check "rproc status shows the holder" "$(rproc status "$NAME" | grep '^held by:')" "held by:   container c1"
check "rproc start refused while held" "$(outrc rproc start "$NAME")" \
  "rproc: $NAME is held by container c1; stop that container, or use --force|rc=1"

# --- start ------------------------------------------------------------------------
remoteproc-runtime start c1 >"$SCRATCH/start.out" 2>&1
check "start" "rc=$? $(cat "$SCRATCH/start.out")" "rc=0 "
check "state after start" "$(status c1)" running
check "processor running" "$(get "$R/state")" running
check "sysfs firmware is the staged name" "$(get "$R/firmware")" "remoteproc-runtime/c1/app.elf"
check "state annotation remoteproc.firmware" "$(rt_get c1 remoteproc.firmware)" "remoteproc-runtime/c1/app.elf"
check "firmware staged in its own directory" "$(staged c1)" "app.elf "
check "staged copy is the image's file" "$(cmp "$STAGE/c1/app.elf" "$B/rootfs/lib/firmware/app.elf" 2>&1 && echo same)" same
check "trace0 exists" "$(exists "$K/trace0")" yes
check "second start refused" "$(outrc remoteproc-runtime start c1)" \
  "remoteproc-runtime: container c1 is already running|rc=1"
check "still running after second start" "$(get "$R/state")" running
check "list shows c1" "$(remoteproc-runtime list -q)" c1

# --- the firmware log ----------------------------------------------------------------
check "trace write" "$(put "$C/trace" "hello from $NAME")" ok
wait_for 2 has_line "$SCRATCH/c1.out" "hello from $NAME"
check "firmware log on the proxy's stdout" "$(content "$SCRATCH/c1.out")" "hello from $NAME|"
put "$C/trace" "second line" >/dev/null
wait_for 2 has_line "$SCRATCH/c1.out" "second line"
check "firmware log appends" "$(content "$SCRATCH/c1.out")" "hello from $NAME|second line|"

# --- kill TERM, delete ----------------------------------------------------------------
check "kill TERM" "$(outrc remoteproc-runtime kill c1 TERM)" "rc=0"
wait_for 3 is_status c1 stopped
check "stopped after TERM" "$(status c1)" stopped
check "processor offline after TERM" "$(get "$R/state")" offline
check "exit after TERM" "$(rt_get c1 remoteproc.exit)" "0 stopped on request"
wait_for 2 is_dead "$pid"
check "proxy gone after TERM" "$(alive "$pid")" no
check "staged firmware kept until delete" "$(staged c1)" "app.elf "
check "delete" "$(outrc remoteproc-runtime delete c1)" "rc=0"
check "staged directory removed by delete" "$(exists "$STAGE/c1")" no
check "claim removed by delete" "$(exists "$CLAIM")" no
check "state gone after delete" "$(outrc remoteproc-runtime state c1)" \
  "remoteproc-runtime: container c1 does not exist in $ROOT/run/remoteproc-runtime|rc=1"
check "processor still offline" "$(get "$R/state")" offline

# --- no double start: the kernel counts one start ---------------------------------------
# One stop written to sysfs by someone else takes the processor offline: the
# runtime started it once. The container then ends as "lost".
remoteproc-runtime run -d c2 >"$SCRATCH/c2.out" 2>&1
check "run -d" "rc=$? $(cat "$SCRATCH/c2.out")" "rc=0 "
check "running after run -d" "$(get "$R/state")" running
pid=$(rt_get c2 pid)
remoteproc-runtime start c2 >/dev/null 2>&1
check "one stop takes it offline (started once)" "$(put "$R/state" stop) $(get "$R/state")" "ok offline"
wait_for 3 is_dead "$pid"
check "proxy ends when someone else stops the processor" "$(alive "$pid")" no
check "stopped by someone else: status" "$(status c2)" stopped
check "stopped by someone else: exit" "$(rt_get c2 remoteproc.exit)" "11 someone else stopped the processor"
check "proxy says why on stderr" "$(grep -c "remoteproc-runtime: $NAME was stopped by someone else (state offline)" "$SCRATCH/c2.out")" 1
check "delete after lost" "$(outrc remoteproc-runtime delete c2)" "rc=0"
check "staged directory removed (c2)" "$(exists "$STAGE/c2")" no

# --- kill KILL -------------------------------------------------------------------------
remoteproc-runtime run -d c3 >/dev/null 2>&1
pid=$(rt_get c3 pid)
check "running before KILL" "$(get "$R/state") $(alive "$pid")" "running yes"
check "kill KILL" "$(outrc remoteproc-runtime kill c3 KILL)" "rc=0"
check "processor offline when kill KILL returns" "$(get "$R/state")" offline
wait_for 2 is_dead "$pid"
check "proxy dead after KILL" "$(alive "$pid")" no
check "stopped after KILL" "$(status c3)" stopped
check "delete after KILL" "$(outrc remoteproc-runtime delete c3)" "rc=0"
check "staged directory removed (c3)" "$(exists "$STAGE/c3")" no

# --- kill -9 of the proxy: the guardian stops the processor ------------------------------
remoteproc-runtime run -d c4 >/dev/null 2>&1
pid=$(rt_get c4 pid)
check "running before kill -9" "$(get "$R/state") $(alive "$pid")" "running yes"
kill -9 "$pid"
wait_state "$D" offline 3
check "guardian stopped the processor" "$(get "$R/state")" offline
wait_for 2 is_dead "$pid"
check "proxy dead after kill -9" "$(alive "$pid")" no
check "stopped after kill -9" "$(status c4)" stopped
check "delete after kill -9" "$(outrc remoteproc-runtime delete c4)" "rc=0"
check "staged directory removed (c4)" "$(exists "$STAGE/c4")" no
check "claim removed (c4)" "$(exists "$CLAIM")" no

# --- crash, recovery disabled: exit 10 ---------------------------------------------------
# In the foreground: `run` waits for the container and exits with its status.
check "recovery disabled" "$(put "$K/recovery" disabled)" ok
remoteproc-runtime run c5 >"$SCRATCH/c5.out" 2>"$SCRATCH/c5.err" &
bg=$!
wait_state "$D" running 5
check "running (foreground run)" "$(get "$R/state")" running
put "$C/trace" "before the crash" >/dev/null
wait_for 2 has_line "$SCRATCH/c5.out" "before the crash"
check "crash" "$(put "$K/crash" 2)" ok
n=60
while [ "$(alive "$bg")" = yes ] && [ $n -gt 0 ]; do sleep 0.05; n=$((n - 1)); done
if [ "$(alive "$bg")" = yes ]; then
  fail "run exits after the crash (still running 3 s later)"
  kill "$bg"
fi
wait "$bg"
check "run exit status after a crash" "$?" 10
check "processor stopped after the crash" "$(get "$R/state")" offline
check "log before the crash relayed" "$(content "$SCRATCH/c5.out")" "before the crash|"
check "crash reported on stderr" "$(content "$SCRATCH/c5.err")" \
  "remoteproc-runtime: firmware on $NAME crashed; stopping the processor|"
check "run deleted the container" "$(status c5)" gone
check "staged directory removed (c5)" "$(exists "$STAGE/c5")" no

# Detached: the state keeps the reason.
remoteproc-runtime run -d c6 >/dev/null 2>&1
pid=$(rt_get c6 pid)
check "running (c6)" "$(get "$R/state")" running
put "$K/crash" 1 >/dev/null
wait_for 3 is_dead "$pid"
check "proxy ends after a crash" "$(alive "$pid")" no
check "stopped after a crash" "$(status c6)" stopped
check "exit after a crash" "$(rt_get c6 remoteproc.exit)" "10 the firmware crashed"
check "processor offline after a crash" "$(get "$R/state")" offline
check "delete after a crash" "$(outrc remoteproc-runtime delete c6)" "rc=0"
check "staged directory removed (c6)" "$(exists "$STAGE/c6")" no
put "$K/recovery" enabled >/dev/null

# --- crash, recovery enabled: the kernel restarts the firmware --------------------------
# remoteproc-runtime(8), exit status 10: "with kernel recovery enabled the kernel restarts it by itself and
# the container does not notice". The recovery stops the processor and
# starts it again: for as long as the driver's start takes (here 500 ms,
# start_delay_ms) the state reads offline, then running again.
remoteproc-runtime run -d c7 >"$SCRATCH/c7.out" 2>"$SCRATCH/c7.err"
pid=$(rt_get c7 pid)
put "$C/trace" "boot 1" >/dev/null
put "$K/crash" 1 >/dev/null
wait_for 3 empty "$K/trace0"   # the reloaded firmware's empty buffer
wait_state "$D" running 3
sleep 0.2
check "recovered crash: processor running" "$(get "$R/state")" running
check "recovered crash: container running" "$(status c7) $(alive "$pid")" "running yes"
put "$C/start_delay_ms" 500 >/dev/null
put "$K/crash" 1 >/dev/null
wait_for 3 empty "$K/trace0"
wait_state "$D" running 3
sleep 0.2
put "$C/start_delay_ms" 0 >/dev/null
check "recovery with a 500 ms start: processor running" "$(get "$R/state")" running
check "recovery with a 500 ms start: container running" "$(status c7) $(alive "$pid")" "running yes"
check "recovery with a 500 ms start: no exit recorded" "$(rt_get c7 remoteproc.exit)" "<none>"
check "recovery with a 500 ms start: the proxy reports the recovery" "$(content "$SCRATCH/c7.err")" \
  "remoteproc-runtime: firmware on sim0 crashed; the kernel recovered it|"
if [ "$(status c7)" = running ]; then
  check "kill TERM after recovery" "$(outrc remoteproc-runtime kill c7 TERM)" "rc=0"
  wait_for 3 is_dead "$pid"
  check "exit after recovery and TERM" "$(rt_get c7 remoteproc.exit)" "0 stopped on request"
fi
wait_state "$D" offline 2
check "offline after recovery and the end of c7" "$(get "$R/state")" offline
remoteproc-runtime delete --force c7 >/dev/null 2>&1
reset_dev "$D"

# --- the driver refuses to start -------------------------------------------------------
reset_dev "$D"
put "$C/fail_start" 5 >/dev/null
remoteproc-runtime create c8 >/dev/null 2>&1
check "create (start will fail)" "$(status c8)" created
pid=$(rt_get c8 pid)
check "start refused with the driver's errno" "$(outrc remoteproc-runtime start c8)" \
  "remoteproc-runtime: cannot start $NAME: the driver failed to start it: I/O error|rc=1"
wait_for 3 is_status c8 stopped
check "stopped after a failed start" "$(status c8)" stopped
check "exit after a failed start" "$(rt_get c8 remoteproc.exit)" \
  "12 cannot start $NAME: the driver failed to start it: I/O error"
wait_for 2 is_dead "$pid"
check "proxy gone after a failed start" "$(alive "$pid")" no
check "offline after a failed start" "$(get "$R/state")" offline
check "nothing staged after a failed start" "$(exists "$STAGE/c8")" no
check "delete after a failed start" "$(outrc remoteproc-runtime delete c8)" "rc=0"
check "claim removed (c8)" "$(exists "$CLAIM")" no
check "run with a failing start" "$(outrc remoteproc-runtime run c9)" \
  "remoteproc-runtime: cannot start $NAME: the driver failed to start it: I/O error|rc=1"
check "run removed the container" "$(status c9)" gone
check "claim removed (c9)" "$(exists "$CLAIM")" no
put "$C/fail_start" 0 >/dev/null

# --- nothing left behind ------------------------------------------------------------------
check "no containers left" "$(remoteproc-runtime list -q)" ""
check "no staged firmware left" "$(ls "$STAGE" 2>/dev/null | tr '\n' ' ')" ""
check "no proxy or guardian left" "$(daemons)" ""
check "processor left offline" "$(get "$R/state")" offline
reset_dev "$D"
put "$R/firmware" "rproc-$NAME-fw" >/dev/null
[ "$FAILS" = 0 ]
