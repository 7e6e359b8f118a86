#!/bin/sh
# rproc.sh - the rproc applet against the real remoteproc core: list,
# status, start (staging a file), logs, stop, recovery, info, and the
# kernel's own errors in rproc's words. Exact output of every command.
# needs: rprocbox
#
# Environment: RPROC_ROOT (default /). Uses both module processors, sim0
# (remoteproc0) and sim1 (remoteproc1); most checks are on sim1. Fixtures in
# $ROOT/lib/firmware/rprocsim/: trace.elf, norsc.elf, corrupt.elf, short.elf.
# shellcheck disable=SC2034
T=kernel-rproc
# shellcheck source=tests/kernel/lib.sh
. "$(dirname "$0")/../lib.sh"

D=remoteproc1
R=$CLASS/$D
K=$DBG/$D
C=$SIM/$D

for d in remoteproc0 remoteproc1; do
  [ -d "$CLASS/$d" ] || { skip all "no $CLASS/$d: module not loaded"; exit 0; }
done
for f in trace norsc corrupt short; do
  [ -f "$FW/rprocsim/$f.elf" ] || { skip all "no firmware fixture $FW/rprocsim/$f.elf"; exit 0; }
done
command -v rproc >/dev/null 2>&1 || { skip all "rproc is not on PATH"; exit 0; }
for d in remoteproc0 remoteproc1; do
  reset_dev "$d"
  put "$CLASS/$d/firmware" "rproc-$(get "$CLASS/$d/name")-fw" >/dev/null
done
rm -rf "$FW/rproc"

# rproc start prints how long the start took: the number is not compared.
ms() { sed 's/ ([0-9]* ms)/ (N ms)/'; }
has_line() { grep -qxF "$2" "$1" 2>/dev/null; }
HDR="INDEX  NAME  STATE    FIRMWARE       RECOVERY"
APP=$SCRATCH/app.elf
cp "$FW/rprocsim/trace.elf" "$APP" && cp "$FW/rprocsim/norsc.elf" "$SCRATCH/other.elf" ||
  { fail "setup (cannot copy the fixtures)"; exit 1; }

# --- list and status of fresh processors ---------------------------------------------
check "list" "$(outrc rproc list)" \
  "$HDR|0      sim0  offline  rproc-sim0-fw  enabled|1      sim1  offline  rproc-sim1-fw  enabled|rc=0"
check "list --json" "$(outrc rproc list --json)" \
  '[{"index":0,"device":"remoteproc0","name":"sim0","state":"offline","firmware":"rproc-sim0-fw","recovery":"enabled","coredump":"disabled","trace":null,"held_by":null,"rpmsg":[]},{"index":1,"device":"remoteproc1","name":"sim1","state":"offline","firmware":"rproc-sim1-fw","recovery":"enabled","coredump":"disabled","trace":null,"held_by":null,"rpmsg":[]}]|rc=0'
STATUS_OFF="device:    remoteproc1|name:      sim1|state:     offline|firmware:  rproc-sim1-fw|recovery:  enabled|coredump:  disabled|trace:     none|rc=0"
check "status NAME" "$(outrc rproc status sim1)" "$STATUS_OFF"
check "status remoteprocN" "$(outrc rproc status remoteproc1)" "$STATUS_OFF"
check "status of an unknown processor" "$(outrc rproc status nosuch)" \
  "rproc: remote processor nosuch does not exist in $CLASS, available remote processors: sim0, sim1|rc=1"

# --- start FILE: staged as rproc/remoteprocN/FILE ---------------------------------------
check "start NAME FILE" "$(outrc rproc start sim1 "$APP" | ms)" "sim1: running rproc/remoteproc1/app.elf (N ms)|rc=0"
check "running after start" "$(get "$R/state")" running
check "sysfs firmware is the staged name" "$(get "$R/firmware")" rproc/remoteproc1/app.elf
check "staged copy" "$(cmp "$FW/rproc/remoteproc1/app.elf" "$APP" 2>&1 && echo same)" same
check "status while running" "$(outrc rproc status sim1)" \
  "device:    remoteproc1|name:      sim1|state:     running|firmware:  rproc/remoteproc1/app.elf|recovery:  enabled|coredump:  disabled|trace:     $K/trace0|rc=0"
check "list while running" "$(rproc list | sed -n 3p | tr -s ' ')" \
  "1 sim1 running rproc/remoteproc1/app.elf enabled"
check "start again: already running" "$(outrc rproc start sim1 "$APP")" \
  "sim1: already running rproc/remoteproc1/app.elf|rc=0"
check "start other firmware while running: refused" "$(outrc rproc start sim1 "$SCRATCH/other.elf")" \
  "rproc: sim1 is running with firmware rproc/remoteproc1/app.elf, not rproc/remoteproc1/other.elf: stop it first|rc=1"
check "firmware unchanged after the refusal" "$(get "$R/firmware") $(get "$R/state")" "rproc/remoteproc1/app.elf running"
check "nothing staged for the refused firmware" "$(ls "$FW/rproc/remoteproc1" | tr '\n' ' ')" "app.elf "
check "the kernel refuses a firmware change while running" "$(put "$R/firmware" rprocsim/norsc.elf)" EBUSY

# --- logs ------------------------------------------------------------------------------------
check "logs of an empty buffer" "$(outrc rproc logs sim1)" "rc=0"
put "$C/trace" "log line 1" >/dev/null
put "$C/trace" "log line 2" >/dev/null
check "logs" "$(outrc rproc logs sim1)" "log line 1|log line 2|rc=0"
rproc logs sim1 -f >"$SCRATCH/follow.out" 2>&1 &
lp=$!
wait_for 2 has_line "$SCRATCH/follow.out" "log line 2"
put "$C/trace" "log line 3" >/dev/null
wait_for 2 has_line "$SCRATCH/follow.out" "log line 3"
check "logs -f shows new lines" "$(content "$SCRATCH/follow.out")" "log line 1|log line 2|log line 3|"
# A crash with recovery enabled: the kernel reloads the firmware, whose
# trace buffer starts empty; the follower goes on with the new boot's log.
put "$K/crash" 1 >/dev/null
wait_for 3 empty "$K/trace0"
wait_state "$D" running 3
sleep 0.3
put "$C/trace" "boot 2" >/dev/null
wait_for 2 has_line "$SCRATCH/follow.out" "boot 2"
check "logs -f follows across a crash recovery" "$(content "$SCRATCH/follow.out")" "log line 1|log line 2|log line 3|boot 2|"
kill -TERM "$lp"
wait "$lp"
check "logs -f ends with status 0 on TERM" "$?" 0

# --- the kernel's start counting: one start, one stop --------------------------------------
check "stop" "$(outrc rproc stop sim1)" "sim1: offline|rc=0"
check "offline after stop" "$(get "$R/state")" offline
check "stop again" "$(outrc rproc stop sim1)" "sim1: already offline|rc=0"
check "logs while offline" "$(outrc rproc logs sim1)" \
  "rproc: sim1 has no firmware log: it is offline (trace0 exists only while firmware with a trace resource runs)|rc=1"
check "start without FILE: the firmware already set" "$(outrc rproc start sim1 | ms)" \
  "sim1: running rproc/remoteproc1/app.elf (N ms)|rc=0"
rproc start sim1 >/dev/null 2>&1
check "one sysfs stop after two rproc starts: offline" "$(put "$R/state" stop) $(get "$R/state")" "ok offline"
check "start replaces the staged file" "$(outrc rproc start sim1 "$SCRATCH/other.elf" | ms)" \
  "sim1: running rproc/remoteproc1/other.elf (N ms)|rc=0"
check "only the new file is staged" "$(ls "$FW/rproc/remoteproc1" | tr '\n' ' ')" "other.elf "
check "logs of firmware without a trace resource" "$(outrc rproc logs sim1)" \
  "rproc: sim1 has no firmware log: it is running (trace0 exists only while firmware with a trace resource runs)|rc=1"
rproc stop sim1 >/dev/null

# --- recovery ---------------------------------------------------------------------------------
rproc start sim1 "$APP" >/dev/null 2>&1
check "recovery disabled" "$(outrc rproc recovery sim1 disabled)" "sim1: crash recovery disabled; it is running|rc=0"
check "debugfs recovery reads disabled" "$(get "$K/recovery")" disabled
put "$C/trace" "before the crash" >/dev/null
put "$K/crash" 2 >/dev/null
wait_state "$D" crashed 3
check "crashed with recovery disabled" "$(rproc status sim1 | sed -n 3p)" "state:     crashed"
check "list shows crashed" "$(rproc list | sed -n 3p | tr -s ' ')" \
  "1 sim1 crashed rproc/remoteproc1/app.elf disabled"
check "logs of a crashed processor" "$(outrc rproc logs sim1)" "before the crash|rc=0"
check "start while crashed: refused" "$(outrc rproc start sim1 "$APP")" \
  "rproc: sim1 is crashed with firmware rproc/remoteproc1/app.elf: stop it first|rc=1"
check "recover" "$(outrc rproc recovery sim1 recover)" "sim1: recovered, running rproc/remoteproc1/app.elf|rc=0"
check "running after recover" "$(get "$R/state")" running
check "recover reloaded the firmware (empty log)" "$(outrc rproc logs sim1)" "rc=0"
check "recover on a running processor does nothing" "$(outrc rproc recovery sim1 recover)" \
  "sim1: not crashed, nothing to recover; it is running|rc=0"
check "recovery enabled" "$(outrc rproc recovery sim1 enabled)" "sim1: crash recovery enabled; it is running|rc=0"
check "debugfs recovery reads enabled" "$(get "$K/recovery")" enabled
put "$K/crash" 2 >/dev/null
wait_for 3 empty "$K/trace0"
wait_state "$D" running 3
check "running after a crash with recovery enabled" "$(get "$R/state")" running
check "stop a crashed processor" "$( (put "$K/recovery" disabled; put "$K/crash" 2; wait_state "$D" crashed 3) >/dev/null; outrc rproc stop sim1)" \
  "sim1: offline|rc=0"
check "offline after stopping a crashed processor" "$(get "$R/state")" offline
put "$K/recovery" enabled >/dev/null

# --- info ---------------------------------------------------------------------------------------
INFO_TRACE="size:      1480 bytes|format:    ELF32 little-endian, ARM|entry:     0x0|segments:  1 loadable|  LOAD     addr 0x00000000  file 0x400  mem 0x400  RWX|resources: .resource_table at 0x3b8, 68 bytes|rc=0"
check "info FILE" "$(outrc rproc info "$FW/rprocsim/trace.elf")" "file:      $FW/rprocsim/trace.elf|$INFO_TRACE"
check "info FILE without a resource table" "$(outrc rproc info "$FW/rprocsim/norsc.elf")" \
  "file:      $FW/rprocsim/norsc.elf|size:      1440 bytes|format:    ELF32 little-endian, ARM|entry:     0x0|segments:  1 loadable|  LOAD     addr 0x00000000  file 0x400  mem 0x400  RWX|resources: none (no .resource_table: no trace log, no rpmsg)|rc=0"
check "info NAME" "$(outrc rproc info sim1)" \
  "processor: sim1 (remoteproc1, offline)|file:      $FW/rproc/remoteproc1/app.elf|$INFO_TRACE"
check "info of a file that is not ELF" "$(outrc rproc info "$FW/rprocsim/corrupt.elf")" \
  "rproc: $FW/rprocsim/corrupt.elf is not an ELF file|rc=1"
check "info of a truncated file" "$(outrc rproc info "$FW/rprocsim/short.elf")" \
  "rproc: $FW/rprocsim/short.elf is truncated (segment 0 ends beyond the file)|rc=1"
check "info of neither file nor processor" "$(outrc rproc info nosuch.elf)" \
  "rproc: cannot open nosuch.elf: No such file or directory; remote processor nosuch.elf does not exist in $CLASS, available remote processors: sim0, sim1|rc=1"

# --- the kernel's errors, in words ------------------------------------------------------------
put "$R/firmware" rprocsim/missing.elf >/dev/null
check "start with a missing firmware file (kernel ENOENT)" "$(outrc rproc start sim1)" \
  "rproc: cannot start sim1: firmware file rprocsim/missing.elf not found in $FW/updates or $FW|rc=1"
check "offline after ENOENT" "$(get "$R/state")" offline
check "info NAME with a missing firmware file" "$(outrc rproc info sim1)" \
  "rproc: sim1: firmware file rprocsim/missing.elf not found in $FW/updates or $FW|rc=1"
check "start FILE that does not exist" "$(outrc rproc start sim1 "$SCRATCH/nosuch.elf")" \
  "rproc: cannot open $SCRATCH/nosuch.elf: No such file or directory|rc=1"
put "$R/firmware" rprocsim/corrupt.elf >/dev/null
check "start with a bad ELF magic (kernel EINVAL)" "$(outrc rproc start sim1)" \
  "rproc: cannot start sim1: the kernel rejected firmware rprocsim/corrupt.elf (not a valid image for this processor, see the kernel log)|rc=1"
put "$R/firmware" rprocsim/short.elf >/dev/null
check "start with a truncated ELF (kernel EINVAL)" "$(outrc rproc start sim1)" \
  "rproc: cannot start sim1: the kernel rejected firmware rprocsim/short.elf (not a valid image for this processor, see the kernel log)|rc=1"
check "start FILE that is not ELF: a warning, and the kernel refuses it" "$(outrc rproc start sim1 "$FW/rprocsim/corrupt.elf")" \
  "rproc: warning: firmware $FW/rprocsim/corrupt.elf is not an ELF file; passed to the kernel as it is|rproc: cannot start sim1: the kernel rejected firmware rproc/remoteproc1/corrupt.elf (not a valid image for this processor, see the kernel log)|rc=1"
check "start --strict FILE that is not ELF: refused before the kernel" "$(outrc rproc start --strict sim1 "$FW/rprocsim/corrupt.elf")" \
  "rproc: $FW/rprocsim/corrupt.elf is not an ELF file|rc=1"
# 6.12.117 refuses section headers past the end, 6.1 and 7.2 boot it: with
# --strict rproc refuses it on every kernel, before the kernel sees it.
sh "$TOP/tests/sysfs-conformance.sh" --mkfw "$SCRATCH/shdrcut.elf" shdrcut
check "start --strict FILE with section headers past the end: refused before the kernel" \
  "$(outrc rproc start --strict sim1 "$SCRATCH/shdrcut.elf")/$(get "$R/state")" \
  "rproc: $SCRATCH/shdrcut.elf has section headers out of bounds (they end beyond the file)|rc=1/offline"
put "$R/firmware" rprocsim/trace.elf >/dev/null
put "$C/fail_start" 5 >/dev/null
check "start the driver fails (EIO)" "$(outrc rproc start sim1)" \
  "rproc: cannot start sim1: the driver failed to start it: I/O error|rc=1"
check "offline after EIO" "$(get "$R/state")" offline
put "$C/fail_start" 0 >/dev/null
put "$C/read_only" 1 >/dev/null
check "start with read-only sysfs (EACCES)" "$(outrc rproc start sim1)" \
  "rproc: cannot write state of sim1: permission denied (not root, or the driver makes its sysfs files read-only)|rc=1"
check "start FILE with read-only sysfs" "$(outrc rproc start sim1 "$SCRATCH/other.elf")" \
  "rproc: cannot write firmware of sim1: permission denied (not root, or the driver makes its sysfs files read-only)|rc=1"
put "$C/read_only" 0 >/dev/null
# The kernel's start blocks for start_delay_ms; rproc gives up after
# --timeout, and the kernel still finishes the start.
put "$C/start_delay_ms" 1200 >/dev/null
t0=$(now_ms)
r=$(outrc rproc start sim1 --timeout 300)
s=$(get "$R/state")
dt=$(( $(now_ms) - t0 ))
check "start timeout" "$r" \
  "rproc: sim1 did not start within 300 ms: the kernel is still starting it|rc=1"
check "start timeout returns while the kernel still starts it" \
  "$s $([ "$dt" -lt 1200 ] && echo in-time || echo "after ${dt} ms")" "offline in-time"
wait_state "$D" running 3
check "the kernel finishes the start anyway" "$(get "$R/state")" running
put "$C/start_delay_ms" 0 >/dev/null
check "start of an unknown processor" "$(outrc rproc start nosuch "$APP")" \
  "rproc: remote processor nosuch does not exist in $CLASS, available remote processors: sim0, sim1|rc=1"

for d in remoteproc0 remoteproc1; do
  reset_dev "$d"
  put "$CLASS/$d/firmware" "rproc-$(get "$CLASS/$d/name")-fw" >/dev/null
done
rm -rf "$FW/rproc"
check "left offline" "$(get "$R/state")" offline
[ "$FAILS" = 0 ]
