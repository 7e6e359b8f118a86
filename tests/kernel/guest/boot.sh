#!/bin/sh
# boot.sh - `rproc boot` as an init runs it at boot, against the real
# remoteproc core, on freshly registered processors: start order, firmware
# by name and by absolute path, adoption on a second run (nothing
# restarted), failures (continue, abort, retry), board checks against the
# devicetree of qemu's virt machine, the example config, and
# scripts/rproc-boot.init the way an initramfs /init calls it.
# needs: rprocbox
#
# Environment: RPROC_ROOT (default /). In the guest the rprocsim module is
# reloaded first, so both processors are as the kernel registers them.
# shellcheck disable=SC2034
T=kernel-boot
# shellcheck source=tests/kernel/lib.sh
. "$(dirname "$0")/../lib.sh"

R0=$CLASS/remoteproc0
R1=$CLASS/remoteproc1
need_both

# Offline, default firmware names, nothing staged: as the next script expects.
cleanup() {
  stop_both
  put "$R0/firmware" rproc-sim0-fw >/dev/null
  put "$R1/firmware" rproc-sim1-fw >/dev/null
  rm -rf "$FW/rproc" "$ROOT/opt/fw"
}
states() { echo "$(get "$R0/state") $(get "$R1/state")"; }
stop_both() {
  for _d in remoteproc0 remoteproc1; do reset_dev "$_d"; done
}

# --- fresh processors ----------------------------------------------------------------------
if [ -z "$ROOT" ] && [ -f /lib/modules/rprocsim.ko ] && grep -q '^rprocsim ' /proc/modules; then
  stop_both
  check "module reloaded for fresh processors" \
    "$(outrc sh -c 'rmmod rprocsim && insmod /lib/modules/rprocsim.ko')" "rc=0"
else
  stop_both
  for d in remoteproc0 remoteproc1; do put "$CLASS/$d/firmware" "rproc-$(get "$CLASS/$d/name")-fw" >/dev/null; done
fi
check "fresh: names" "$(get "$R0/name") $(get "$R1/name")" "sim0 sim1"
check "fresh: offline" "$(states)" "offline offline"
check "fresh: default firmware" "$(get "$R0/firmware") $(get "$R1/firmware")" "rproc-sim0-fw rproc-sim1-fw"
check "fresh: recovery" "$(get "$DBG/remoteproc0/recovery") $(get "$DBG/remoteproc1/recovery")" "enabled enabled"
rm -rf "$FW/rproc"

# --- the board: qemu virt's devicetree -------------------------------------------------------
DT=$ROOT/sys/firmware/devicetree/base
check "devicetree model present" "$(exists "$DT/model")" yes
MODEL=$(tr -d '\000' < "$DT/model" 2>/dev/null)
COMPAT=
for c in $(tr '\000' ' ' < "$DT/compatible" 2>/dev/null); do COMPAT=${COMPAT:+$COMPAT, }$c; done
check "devicetree model is qemu virt's" "$MODEL" "linux,dummy-virt"
DESCR="\"$MODEL\" (compatible: $COMPAT)"

# --- /etc/rproc.json: both processors, in order ------------------------------------------------
if ! { mkdir -p "$ROOT/etc" "$ROOT/opt/fw" && cp "$FW/rprocsim/trace.elf" "$ROOT/opt/fw/sim1.elf"; }; then
  fail "setup (cannot write $ROOT/etc, $ROOT/opt/fw)"
  exit 1
fi
CFG=$ROOT/etc/rproc.json
# config FILE BOARD SIM0_EXTRA SIM1_EXTRA: sim1 (order 1) by absolute path,
# then sim0 (order 2) by name in the firmware directory.
config() {
  cat > "$1" <<EOF
{
  "board": "$2",
  "processors": [
    {"name": "sim0", "firmware": "rprocsim/trace.elf", "order": 2, "timeout_ms": 5000$3},
    {"name": "sim1", "firmware": "$ROOT/opt/fw/sim1.elf", "order": 1, "recovery": "disabled"$4}
  ]
}
EOF
}
STARTED="sim1: started $ROOT/opt/fw/sim1.elf (remoteproc1)|sim0: started rprocsim/trace.elf (remoteproc0)"
ADOPTED="sim1: adopted, already running rproc/remoteproc1/sim1.elf (remoteproc1)|sim0: adopted, already running rprocsim/trace.elf (remoteproc0)"
# What an init runs: `rproc boot`, which reads /etc/rproc.json (on the host
# the simulated root's copy, given by name).
boot_default() { if [ -z "$ROOT" ]; then rproc boot; else rproc boot "$CFG"; fi; }
config "$CFG" "$MODEL" "" ""
check "boot: both started, in order" "$(outrc boot_default)" "$STARTED|rc=0"
check "boot: both running" "$(states)" "running running"
check "boot: firmware by name used as is" "$(get "$R0/firmware")" rprocsim/trace.elf
check "boot: firmware by path staged" "$(get "$R1/firmware")" rproc/remoteproc1/sim1.elf
check "boot: staged copy" "$(cmp "$FW/rproc/remoteproc1/sim1.elf" "$ROOT/opt/fw/sim1.elf" 2>&1 && echo same)" same
check "boot: recovery from the config" "$(get "$DBG/remoteproc1/recovery")" disabled
check "boot: recovery left as it is" "$(get "$DBG/remoteproc0/recovery")" enabled

# --- again: adopted, not restarted ------------------------------------------------------------
put "$SIM/remoteproc0/trace" "sim0 is up" >/dev/null
put "$SIM/remoteproc1/trace" "sim1 is up" >/dev/null
check "boot again: both adopted" "$(outrc boot_default)" "$ADOPTED|rc=0"
check "boot again: both still running" "$(states)" "running running"
check "boot again: sim0 not restarted (log kept)" "$(content "$DBG/remoteproc0/trace0")" "sim0 is up|"
check "boot again: sim1 not restarted (log kept)" "$(content "$DBG/remoteproc1/trace0")" "sim1 is up|"
check "boot again: one stop each takes them offline (started once)" \
  "$(put "$R0/state" stop) $(put "$R1/state" stop) $(states)" "ok ok offline offline"

# --- failures -------------------------------------------------------------------------------------
stop_both
put "$SIM/remoteproc0/fail_start" 5 >/dev/null
check "boot with a failing entry" "$(outrc rproc boot "$CFG")" \
  "sim1: started $ROOT/opt/fw/sim1.elf (remoteproc1)|sim0: failed: cannot start sim0: the driver failed to start it: I/O error|rproc: 1 of 2 processor(s) did not come up|rc=1"
check "failing entry: the other one runs" "$(states)" "offline running"

stop_both
put "$SIM/remoteproc1/fail_start" 5 >/dev/null
config "$SCRATCH/abort.json" "$MODEL" "" ', "on_failure": "abort"'
check "boot: abort after a failure" "$(outrc rproc boot "$SCRATCH/abort.json")" \
  "sim1: failed: cannot start sim1: the driver failed to start it: I/O error|sim0: not started: boot aborted after sim1 failed|rproc: 2 of 2 processor(s) did not come up|rc=1"
check "abort: nothing started" "$(states)" "offline offline"

stop_both
put "$SIM/remoteproc1/fail_start" 5 >/dev/null
config "$SCRATCH/retry.json" "$MODEL" "" ', "on_failure": "retry", "retries": 2'
check "boot: retry" "$(outrc rproc boot "$SCRATCH/retry.json")" \
  "sim1: failed: cannot start sim1: the driver failed to start it: I/O error (3 attempts)|sim0: started rprocsim/trace.elf (remoteproc0)|rproc: 1 of 2 processor(s) did not come up|rc=1"
check "retry: sim1 offline, sim0 running" "$(states)" "running offline"

stop_both
put "$R0/firmware" rproc-sim0-fw >/dev/null
config "$SCRATCH/missing.json" "$MODEL" "" ""
sed -i 's|"rprocsim/trace.elf"|"rprocsim/missing.elf"|' "$SCRATCH/missing.json"
check "boot: missing firmware file (kernel ENOENT)" "$(outrc rproc boot "$SCRATCH/missing.json")" \
  "$(echo "$STARTED" | cut -d '|' -f 1)|sim0: failed: cannot start sim0: firmware file rprocsim/missing.elf not found in $FW/updates or $FW|rproc: 1 of 2 processor(s) did not come up|rc=1"

# --- board checks ----------------------------------------------------------------------------------
stop_both
LAST=${COMPAT##*, }
if [ "$LAST" != "$MODEL" ]; then
  config "$SCRATCH/compat.json" "$LAST" "" ""
  check "board check: a compatible string matches" "$(outrc rproc boot "$SCRATCH/compat.json")" "$STARTED|rc=0"
  stop_both
else
  skip "board check: a compatible string matches" "this board's compatible is its model, $MODEL"
fi
stop_both
config "$SCRATCH/other.json" "acme,other-board" "" ""
check "board check: another board" "$(outrc rproc boot "$SCRATCH/other.json")" \
  "rproc: board check failed: $SCRATCH/other.json is for board \"acme,other-board\", this board is $DESCR|rc=1"
check "board check failed: nothing started" "$(states)" "offline offline"
config "$SCRATCH/entry.json" "$MODEL" ', "board": "acme,other-board"' ""
check "board check of one entry" "$(outrc rproc boot "$SCRATCH/entry.json")" \
  "sim1: started $ROOT/opt/fw/sim1.elf (remoteproc1)|sim0: failed: board check failed: wants board \"acme,other-board\", this board is $DESCR|rproc: 1 of 2 processor(s) did not come up|rc=1"
check "board check of one entry: the other runs" "$(states)" "offline running"
stop_both

if [ -f "$TOP/config/rproc.json" ]; then
  check "example config/rproc.json: parsed, refused on this board" "$(outrc rproc boot "$TOP/config/rproc.json")" \
    "rproc: board check failed: $TOP/config/rproc.json is for board \"fsl,imx8mp\", this board is $DESCR|rc=1"
  check "example config: nothing started" "$(states)" "offline offline"
else
  skip "example config/rproc.json" "config/rproc.json is not in the tree"
fi

# --- scripts/rproc-boot.init, as an initramfs /init runs it ---------------------------------------
INIT=$TOP/scripts/rproc-boot.init
if [ ! -f "$INIT" ]; then
  skip "rproc-boot.init" "scripts/rproc-boot.init is not in the tree"
  cleanup
  [ "$FAILS" = 0 ]
  exit
fi
cp "$INIT" "$ROOT/etc/rproc-boot.init" || { fail "rproc-boot.init (cannot install it in $ROOT/etc)"; exit 1; }
config "$CFG" "$MODEL" "" ""
stop_both
rm -rf "$FW/rproc"
# In the guest: the environment of an /init (PATH only), no debugfs mounted
# yet (the script mounts it), lines logged to /dev/kmsg. On the host: the
# simulated tree and a log file.
if [ -z "$ROOT" ]; then
  initsh() { env -i PATH=/usr/bin:/usr/sbin:/bin:/sbin sh /etc/rproc-boot.init "$@"; }
  umount /sys/kernel/debug
  check "debugfs unmounted before the init script" "$(exists /sys/kernel/debug/remoteproc)" no
else
  initsh() {
    env -i PATH="$PATH" RPROC_ROOT="$ROOT" RPROC_BOOT_CONFIG="$CFG" RPROC_BOOT_LOG="$SCRATCH/boot.log" \
      sh "$ROOT/etc/rproc-boot.init" "$@"
  }
fi
P="rproc-boot: "
check "rproc-boot.init: both started" "$(outrc initsh)" \
  "$P$(echo "$STARTED" | sed "s/|/|$P/")|${P}all processors are up|rc=0"
if [ -z "$ROOT" ]; then
  check "rproc-boot.init mounted debugfs" "$(exists /sys/kernel/debug/remoteproc/remoteproc1/trace0)" yes
  grep -q ' /sys/kernel/debug debugfs ' /proc/mounts || mount -t debugfs debugfs /sys/kernel/debug
  check "rproc-boot.init logged to the kernel log" \
    "$(dmesg | sed -n 's/^\(\[[ 0-9.]*\] \)\{0,1\}rproc-boot: /rproc-boot: /p' | tr '\n' '|')" \
    "$P$(echo "$STARTED" | sed "s/|/|$P/")|${P}all processors are up|"
else
  check "rproc-boot.init logged to its log file" "$(content "$SCRATCH/boot.log")" \
    "$P$(echo "$STARTED" | sed "s/|/|$P/")|${P}all processors are up|"
fi
check "rproc-boot.init: both running" "$(states)" "running running"
check "rproc-boot.init restart: adopted" "$(outrc initsh restart)" \
  "$P$(echo "$ADOPTED" | sed "s/|/|$P/")|${P}all processors are up|rc=0"
check "rproc-boot.init status" "$(initsh status | sed -n '2,3p' | tr -s ' ' | tr '\n' '|')" \
  "0 sim0 running rprocsim/trace.elf enabled|1 sim1 running rproc/remoteproc1/sim1.elf disabled|"
check "rproc-boot.init stop: firmware keeps running" "$(outrc initsh stop) $(states)" \
  "${P}firmware keeps running; stop a processor with: rproc stop NAME|rc=0 running running"
stop_both
put "$SIM/remoteproc0/fail_start" 5 >/dev/null
check "rproc-boot.init with a failing entry" "$(outrc initsh)" \
  "$P$(echo "$STARTED" | cut -d '|' -f 1)|${P}sim0: failed: cannot start sim0: the driver failed to start it: I/O error|${P}rproc: 1 of 2 processor(s) did not come up|${P}failed (rproc boot exit status 1)|rc=1"
stop_both
rm -f "$CFG.off" && mv "$CFG" "$CFG.off"
check "rproc-boot.init without a config" "$(outrc initsh)" "${P}no $CFG: nothing to start|rc=0"
mv "$CFG.off" "$CFG"
cleanup
check "left offline" "$(states)" "offline offline"
[ "$FAILS" = 0 ]
