#!/bin/sh
# attached.sh - a processor the boot loader started before Linux, which the
# kernel attaches to (state "attached", firmware "unknown"): rproc boot
# adopts it without a restart, rproc start and the runtime refuse to put
# other firmware on it, rproc stop powers it off, and the next boot starts
# the configured firmware.
# needs: rprocbox
#
# Environment: RPROC_ROOT (default /). In the guest the rprocsim module is
# reloaded with attached=sim1 first and without it at the end; on the host
# tests/kernel/on-sim.sh starts the simulator with --attached sim1 for this
# script.
# shellcheck disable=SC2034
T=kernel-attached
# shellcheck source=tests/kernel/lib.sh
. "$(dirname "$0")/../lib.sh"

R0=$CLASS/remoteproc0
R1=$CLASS/remoteproc1
need_both

in_guest() { [ -z "$ROOT" ] && [ -f /lib/modules/rprocsim.ko ] && grep -q '^rprocsim ' /proc/modules; }
reload() {   # reload [PARAM]: the module as the kernel registers it, in the guest only
  for _d in remoteproc0 remoteproc1; do reset_dev "$_d"; done
  outrc sh -c "rmmod rprocsim && insmod /lib/modules/rprocsim.ko $*"
}
cleanup() {
  if in_guest; then
    reload >/dev/null
  else
    for _d in remoteproc0 remoteproc1; do reset_dev "$_d"; done
    put "$R0/firmware" rproc-sim0-fw >/dev/null
    put "$R1/firmware" rproc-sim1-fw >/dev/null
  fi
  rm -rf "$FW/rproc" "$ROOT/opt/fw" "$ROOT/etc/rproc-attached.json"
}

if in_guest; then
  check "module reloaded with sim1 attached" "$(reload attached=sim1)" "rc=0"
elif [ "$(get "$R1/state")" != attached ]; then
  skip all "sim1 is not attached (the simulator must be started with --attached sim1, as tests/kernel/on-sim.sh does)"
  exit 0
fi
reset_dev remoteproc0
put "$R0/firmware" rproc-sim0-fw >/dev/null
rm -rf "$FW/rproc"

# --- what the kernel shows ---------------------------------------------------------------
check "state attached" "$(get "$R1/state")" attached
check "firmware unknown" "$(get "$R1/firmware")" unknown
check "no trace buffer" "$(exists "$DBG/remoteproc1/trace0")" no
check "list" "$(rproc list | sed -n 3p | tr -s ' ')" \
  "1 sim1 attached unknown enabled"
check "firmware cannot be set" "$(put "$R1/firmware" other.elf)" EBUSY

# --- rproc start -------------------------------------------------------------------------
mkdir -p "$ROOT/opt/fw" && cp "$FW/rprocsim/trace.elf" "$ROOT/opt/fw/app.elf" ||
  { fail "setup (cannot write $ROOT/opt/fw)"; cleanup; exit 1; }
check "start without a file adopts" "$(outrc rproc start sim1)" \
  "sim1: already attached to firmware started before Linux|rc=0"
check "start with a file is refused" "$(outrc rproc start sim1 "$ROOT/opt/fw/app.elf")" \
  "rproc: sim1 is attached to firmware started before Linux, which the kernel cannot name: stop it first to start rproc/remoteproc1/app.elf|rc=1"
check "refused start: still attached, nothing staged" \
  "$(get "$R1/state") $(exists "$FW/rproc/remoteproc1/app.elf")" "attached no"

# --- rproc boot adopts it --------------------------------------------------------------------
CFG=$ROOT/etc/rproc-attached.json
mkdir -p "$ROOT/etc" && cat > "$CFG" <<EOF || { fail "setup (cannot write $CFG)"; cleanup; exit 1; }
{
  "processors": [
    {"name": "sim1", "firmware": "$ROOT/opt/fw/app.elf", "order": 1, "recovery": "disabled"},
    {"name": "sim0", "firmware": "rprocsim/trace.elf", "order": 2}
  ]
}
EOF
check "boot adopts the attached processor" "$(outrc rproc boot "$CFG")" \
  "sim1: adopted, already attached to firmware started before Linux (remoteproc1)|sim0: started rprocsim/trace.elf (remoteproc0)|rc=0"
check "boot: still attached, recovery set" \
  "$(get "$R1/state") $(get "$R1/firmware") $(get "$DBG/remoteproc1/recovery")" "attached unknown disabled"
check "boot again: both adopted" "$(outrc rproc boot "$CFG")" \
  "sim1: adopted, already attached to firmware started before Linux (remoteproc1)|sim0: adopted, already running rprocsim/trace.elf (remoteproc0)|rc=0"

# --- the runtime will not take it ------------------------------------------------------------
if command -v remoteproc-runtime >/dev/null 2>&1; then
  B=$SCRATCH/bundle
  mkdir -p "$B/rootfs/lib/firmware" && cp "$FW/rprocsim/trace.elf" "$B/rootfs/lib/firmware/app.elf" &&
    (cd "$B" && remoteproc-runtime spec --firmware /lib/firmware/app.elf --processor sim1) ||
    { fail "bundle"; cleanup; exit 1; }
  RT=$SCRATCH/rt
  check "runtime create is refused" "$(outrc remoteproc-runtime --root "$RT" create --bundle "$B" a1)" \
    "remoteproc-runtime: processor sim1 is attached to firmware started before Linux; stop it first (rproc stop sim1)|rc=1"
  check "refused create leaves nothing" "$(remoteproc-runtime --root "$RT" list -q | wc -l) $(get "$R1/state")" \
    "0 attached"
fi

# --- rproc stop, then the configured firmware -----------------------------------------------
check "stop" "$(outrc rproc stop sim1)" "sim1: offline|rc=0"
check "stopped: offline, the driver's default firmware name" \
  "$(get "$R1/state") $(get "$R1/firmware")" "offline rproc-sim1-fw"
check "boot starts the configured firmware" "$(outrc rproc boot "$CFG")" \
  "sim1: started $ROOT/opt/fw/app.elf (remoteproc1)|sim0: adopted, already running rprocsim/trace.elf (remoteproc0)|rc=0"
check "booted: running the staged copy" "$(get "$R1/state") $(get "$R1/firmware")" \
  "running rproc/remoteproc1/app.elf"

cleanup
[ "$FAILS" = 0 ]
