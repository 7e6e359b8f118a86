#!/bin/sh
# module.sh - the rprocsim module against the real remoteproc core: the
# kernel's own sysfs and debugfs files, checked one behaviour a line.
#
# Environment: RPROC_ROOT (default /), MOD_DEV (default remoteproc1, the
# processor named sim1). Firmware fixtures from scripts/kernel-build.sh in
# $ROOT/lib/firmware/rprocsim/: trace.elf (resource table with one trace
# entry), norsc.elf (no resource table), corrupt.elf (bad ELF magic),
# short.elf (truncated ELF).
# shellcheck disable=SC2034
T=kernel-module
# shellcheck source=tests/kernel/lib.sh
. "$(dirname "$0")/../lib.sh"

D=${MOD_DEV:-remoteproc1}
R=$CLASS/$D
K=$DBG/$D
C=$SIM/$D

[ -d "$R" ] || { skip all "no $R: module not loaded"; exit 0; }
for f in trace norsc corrupt short; do
  [ -f "$FW/rprocsim/$f.elf" ] || { skip all "no firmware fixture $FW/rprocsim/$f.elf"; exit 0; }
done

# --- registration -----------------------------------------------------------
check "processors registered" "$(ls "$CLASS" | tr '\n' ' ')" "remoteproc0 remoteproc1 "
check "remoteproc0 is named sim0" "$(get "$CLASS/remoteproc0/name")" sim0
check "remoteproc1 is named sim1" "$(get "$CLASS/remoteproc1/name")" sim1
check "test controls" "$(ls "$C" | tr '\n' ' ')" "fail_start read_only start_delay_ms trace "
check "initial state" "$(get "$R/state")" offline
check "default firmware name" "$(get "$R/firmware")" rproc-sim1-fw
check "recovery default" "$(get "$K/recovery")" enabled
check "no trace0 while offline" "$(exists "$K/trace0")" no

# --- start, trace, stop -----------------------------------------------------
check "firmware write" "$(put "$R/firmware" rprocsim/trace.elf)" ok
check "firmware read back" "$(get "$R/firmware")" rprocsim/trace.elf
check "start" "$(put "$R/state" start)" ok
check "running after start" "$(get "$R/state")" running
check "trace0 exists while running" "$(exists "$K/trace0")" yes
check "trace0 empty after boot" "$(content "$K/trace0")" ""
check "trace control write" "$(put "$C/trace" hello)" ok
check "trace0 shows the appended text" "$(content "$K/trace0")" "hello|"
put "$C/trace" world >/dev/null
check "trace0 appends" "$(content "$K/trace0")" "hello|world|"
check "firmware write while running" "$(put "$R/firmware" rprocsim/norsc.elf)" EBUSY
check "start while running (second user)" "$(put "$R/state" start)" ok
check "stop with two users" "$(put "$R/state" stop)" ok
check "running after one of two stops" "$(get "$R/state")" running
check "stop" "$(put "$R/state" stop)" ok
check "offline after stop" "$(get "$R/state")" offline
check "trace0 gone after stop" "$(exists "$K/trace0")" no
check "stop while offline" "$(put "$R/state" stop)" EINVAL
check "trace control while offline" "$(put "$C/trace" x)" ENODEV
check "unknown state word" "$(put "$R/state" bogus)" EINVAL
check "empty firmware name" "$(put "$R/firmware" "")" EINVAL

# --- firmware without a resource table ----------------------------------------
reset_dev "$D"
put "$R/firmware" rprocsim/norsc.elf >/dev/null
check "start without resource table" "$(put "$R/state" start)" ok
check "running without resource table" "$(get "$R/state")" running
check "no trace0 without resource table" "$(exists "$K/trace0")" no
check "trace control without trace buffer" "$(put "$C/trace" x)" ENODEV
check "stop without resource table" "$(put "$R/state" stop)" ok

# --- firmware that cannot start -----------------------------------------------
reset_dev "$D"
put "$R/firmware" rprocsim/corrupt.elf >/dev/null
check "start with bad ELF magic" "$(put "$R/state" start)" EINVAL
check "offline after bad ELF magic" "$(get "$R/state")" offline
put "$R/firmware" rprocsim/short.elf >/dev/null
check "start with truncated ELF" "$(put "$R/state" start)" EINVAL
check "offline after truncated ELF" "$(get "$R/state")" offline
check "missing firmware name accepted" "$(put "$R/firmware" rprocsim/missing.elf)" ok
check "start with missing firmware" "$(put "$R/state" start)" ENOENT
check "offline after missing firmware" "$(get "$R/state")" offline

put "$R/firmware" rprocsim/trace.elf >/dev/null
check "fail_start write" "$(put "$C/fail_start" 5)" ok
check "fail_start read back" "$(get "$C/fail_start")" 5
check "start with fail_start 5" "$(put "$R/state" start)" EIO
check "offline after failed start" "$(get "$R/state")" offline
check "no trace0 after failed start" "$(exists "$K/trace0")" no
check "fail_start out of range" "$(put "$C/fail_start" 4096)" EINVAL
check "fail_start reset" "$(put "$C/fail_start" 0)" ok
check "start after fail_start reset" "$(put "$R/state" start)" ok
put "$R/state" stop >/dev/null

# --- start delay ----------------------------------------------------------------
reset_dev "$D"
put "$C/start_delay_ms" 600 >/dev/null
t0=$(now_ms)
r=$(put "$R/state" start)
dt=$(( $(now_ms) - t0 ))
check "start with start_delay_ms 600" "$r" ok
check "start blocks for start_delay_ms" "$([ "$dt" -ge 550 ] && echo yes || echo "no, ${dt} ms")" yes
put "$R/state" stop >/dev/null
put "$C/start_delay_ms" 0 >/dev/null

# --- read-only sysfs ----------------------------------------------------------
reset_dev "$D"
check "read_only write" "$(put "$C/read_only" 1)" ok
check "read_only read back" "$(get "$C/read_only")" 1
check "state file mode when read-only" "$(stat -c %a "$R/state")" 444
check "start when read-only" "$(put "$R/state" start)" EACCES
check "firmware write when read-only" "$(put "$R/firmware" rprocsim/norsc.elf)" EACCES
check "offline when read-only" "$(get "$R/state")" offline
check "read_only reset" "$(put "$C/read_only" 0)" ok
check "state file mode after read_only 0" "$(stat -c %a "$R/state")" 644
check "start after read_only 0" "$(put "$R/state" start)" ok
put "$R/state" stop >/dev/null

# --- crash, recovery disabled -------------------------------------------------
reset_dev "$D"
put "$R/firmware" rprocsim/trace.elf >/dev/null
put "$R/state" start >/dev/null
check "recovery disable" "$(put "$K/recovery" disabled)" ok
check "recovery reads disabled" "$(get "$K/recovery")" disabled
put "$C/trace" before-crash >/dev/null
check "crash write" "$(put "$K/crash" 2)" ok
wait_state "$D" crashed 5
check "crashed with recovery disabled" "$(get "$R/state")" crashed
sleep 0.3
check "stays crashed" "$(get "$R/state")" crashed
check "trace0 kept while crashed" "$(content "$K/trace0")" "before-crash|"
check "firmware write while crashed" "$(put "$R/firmware" rprocsim/norsc.elf)" EBUSY
if kernel_refuses_crashed_stop; then
  # 6.1 before 6.1.192: only a recovery leaves crashed.
  check "stop while crashed: refused (6.1 before 6.1.192)" "$(put "$R/state" stop)/$(get "$R/state")" EINVAL/crashed
  check "recover, then stop: offline" "$(put "$K/recovery" recover)/$(put "$R/state" stop)" ok/ok
else
  check "stop while crashed" "$(put "$R/state" stop)/$(get "$R/state")" ok/offline
  check "recover while offline, then stop: nothing to stop" "$(put "$K/recovery" recover)/$(put "$R/state" stop)" ok/EINVAL
fi
check "offline after stop from crashed" "$(get "$R/state")" offline
check "trace0 gone after stop from crashed" "$(exists "$K/trace0")" no

# --- crash, recovery enabled --------------------------------------------------
reset_dev "$D"
put "$K/recovery" enabled >/dev/null
put "$R/state" start >/dev/null
put "$C/trace" before-crash >/dev/null
t0=$(now_ms)
check "crash write (recovery enabled)" "$(put "$K/crash" 1)" ok
n=100
while [ $n -gt 0 ] && [ "$(content "$K/trace0")" = "before-crash|" ]; do sleep 0.05; n=$((n - 1)); done
wait_state "$D" running 5
dt=$(( $(now_ms) - t0 ))
check "recovered to running" "$(get "$R/state")" running
check "recovery rebooted the firmware (trace0 cleared)" "$(content "$K/trace0")" ""
check "recovery within 2 s" "$([ "$dt" -le 2000 ] && echo yes || echo "no, ${dt} ms")" yes
check "stop after recovery" "$(put "$R/state" stop)" ok
check "offline after recovery and stop" "$(get "$R/state")" offline

# --- crash on an offline processor, crash words ---------------------------------
reset_dev "$D"
check "crash while offline" "$(put "$K/crash" 2)" ok
sleep 0.3
check "offline after crash while offline" "$(get "$R/state")" offline
check "crash takes a number, not a word" "$(put "$K/crash" fatal)" EINVAL

reset_dev "$D"
put "$R/firmware" rproc-sim1-fw >/dev/null
check "left offline" "$(get "$R/state")" offline
[ "$FAILS" = 0 ]
