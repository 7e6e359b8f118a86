#!/bin/sh
# coredump.sh - crash dumps from the real remoteproc core: the module
# registers a dump segment per PT_LOAD of the firmware, so a recovery with
# coredump enabled or inline makes a real devcoredump. Checked: rproc
# coredump shows and sets the attribute (refused while crashed), --save
# saves a recovery's dump as an ELF core (ET_CORE, one PT_LOAD, the bytes
# the firmware's segment loaded) and releases it, inline mode holds the
# recovery until the dump is read, and a container with the annotation
# remoteproc.coredump that crashes with recovery disabled gets its dump
# saved by the proxy, named in remoteproc.exit, with the processor offline
# and its previous setting restored. The processor ends offline whatever
# happens.
# needs: rprocbox
#
# Environment: RPROC_ROOT (default /), RT_DEV (default remoteproc0).
# shellcheck disable=SC2034
T=kernel-coredump
# shellcheck source=tests/kernel/lib.sh
. "$(dirname "$0")/../lib.sh"

D=${RT_DEV:-remoteproc0}
R=$CLASS/$D
K=$DBG/$D
DCD=$ROOT/sys/class/devcoredump
APP=$FW/rprocsim/trace.elf
DIR=/kt-coredump-$$   # the annotation's directory, below RPROC_ROOT

[ -d "$R" ] || { skip all "no $R: module not loaded"; exit 0; }
[ -f "$APP" ] || { skip all "no firmware fixture $APP"; exit 0; }
command -v rproc >/dev/null 2>&1 || { skip all "rproc is not on PATH"; exit 0; }
NAME=$(get "$R/name")

cleanup() {
  for _id in $(remoteproc-runtime list -q 2>/dev/null); do remoteproc-runtime delete -f "$_id" >/dev/null 2>&1; done
  for _d in "$DCD"/devcd*; do [ -e "$_d/data" ] && put "$_d/data" 1 >/dev/null; done
  reset_dev "$D"
  put "$R/coredump" disabled >/dev/null
  rm -rf "$SCRATCH" "$ROOT$DIR"
}
trap cleanup EXIT
reset_dev "$D"
put "$R/coredump" disabled >/dev/null

# ELF32 fields of the core at $3: offset $1, $2 bytes, unsigned.
u() { od -An -t "u$2" -j "$1" -N "$2" "$3" | tr -d ' '; }
core() { echo "class $(u 4 1 "$1") type $(u 16 2 "$1") machine $(u 18 2 "$1") phnum $(u 44 2 "$1")" \
  "load $(u 52 4 "$1") da $(u 60 4 "$1") size $(u 68 4 "$1") flags $(u 76 4 "$1")"; }
# The first segment's bytes are the firmware's (mkelf: file offset 0x100, 1 KiB).
seg() {
  dd if="$1" bs=1 skip="$(u 56 4 "$1")" count=1024 2>/dev/null > "$SCRATCH/seg.a"
  dd if="$APP" bs=256 skip=1 count=4 2>/dev/null > "$SCRATCH/seg.b"
  cmp -s "$SCRATCH/seg.a" "$SCRATCH/seg.b" && echo same || echo differ
}
no_dumps() { ! ls "$DCD" 2>/dev/null | grep -q "^devcd"; }
is_dead() { [ "$(alive "$1")" = no ]; }
crash() { put "$K/crash" 2 >/dev/null; }

check "coredump shows the setting" "$(outrc rproc coredump "$NAME")" "$NAME: crash dumps disabled|rc=0"
check "coredump sets it" "$(outrc rproc coredump "$NAME" inline) $(get "$R/coredump")" "$NAME: crash dumps inline|rc=0 inline"

# Refused while crashed (the kernel's EBUSY), then stopped as rproc stop does.
put "$K/recovery" disabled >/dev/null
rproc start "$NAME" "$APP" >/dev/null 2>&1
crash; wait_state "$D" crashed 5
check "refused while crashed" "$(outrc rproc coredump "$NAME" enabled) $(get "$R/coredump")" \
  "rproc: cannot change the coredump of $NAME while it is crashed: stop it first|rc=1 inline"
rproc stop "$NAME" >/dev/null 2>&1
put "$K/recovery" enabled >/dev/null
check "stopped after the refusal" "$(get "$R/state")" offline

# --save: a recovery's dump (enabled), released afterwards.
rproc coredump "$NAME" enabled >/dev/null
rproc start "$NAME" "$APP" >/dev/null 2>&1
{ sleep 0.5; crash; } &
check "--save saves a recovery's dump" "$(outrc rproc coredump "$NAME" --save "$SCRATCH/x.elf" -t 20)" \
  "$NAME: crash dump saved as $SCRATCH/x.elf|rc=0"
wait
check "the dump is an ELF core with the segment" "$(core "$SCRATCH/x.elf")" \
  "class 1 type 4 machine 40 phnum 1 load 1 da 0 size 1024 flags 7"
check "its bytes are what the firmware loaded" "$(seg "$SCRATCH/x.elf")" same
check "the dump is released" "$(wait_for 5 no_dumps && echo released)" released
check "the recovery went on" "$(wait_state "$D" running 5 && echo running)" running

# inline: the recovery waits until the dump is read.
rproc coredump "$NAME" inline >/dev/null
crash
wait_for 10 sh -c "ls '$DCD' | grep -q devcd"
sleep 0.3
check "inline: the recovery waits for the dump" "$(get "$R/state")" offline
check "inline: --save reads and releases it" "$(outrc rproc coredump "$NAME" --save "$SCRATCH/y.elf" -t 20)" \
  "$NAME: crash dump saved as $SCRATCH/y.elf|rc=0"
check "inline: then the firmware runs again" "$(wait_state "$D" running 10 && echo running)" running
rproc stop "$NAME" >/dev/null 2>&1

# A container with the annotation; recovery disabled: the proxy asks for
# the recovery that dumps, saves the dump, stops the processor.
rproc coredump "$NAME" disabled >/dev/null
put "$K/recovery" disabled >/dev/null
B=$SCRATCH/b
mkdir -p "$B/rootfs/lib/firmware" && cp "$APP" "$B/rootfs/lib/firmware/app.elf" &&
  (cd "$B" && remoteproc-runtime spec --firmware /lib/firmware/app.elf --processor "$NAME") &&
  sed "s|\"remoteproc.name\": \"$NAME\"|&, \"remoteproc.coredump\": \"inline\", \"remoteproc.coredump-dir\": \"$DIR\"|" \
    "$B/config.json" > "$B/c.tmp" && mv "$B/c.tmp" "$B/config.json" || fail "bundle"
remoteproc-runtime create --bundle "$B" --pid-file "$B/pid" k1 >"$SCRATCH/k1.out" 2>"$SCRATCH/k1.err" </dev/null
remoteproc-runtime start k1 >/dev/null 2>&1
check "the container sets the attribute" "$(get "$R/coredump")" inline
crash
wait_for 20 is_dead "$(cat "$B/pid")"
wait_for 5 sh -c "[ \"\$(cat '$R/coredump')\" = disabled ]"   # the guardian restores it
F=$(ls "$ROOT$DIR"/k1-*.elf 2>/dev/null | head -n 1)
check "crash: the proxy saved the dump" "$(grep "crash dump of" "$SCRATCH/k1.err" | sed "s|saved as $ROOT$DIR/k1-[0-9T.]*Z\.elf|saved as FILE|")" \
  "remoteproc-runtime: crash dump of $NAME saved as FILE"
check "crash: remoteproc.exit names it" "$(rt_get k1 remoteproc.exit | sed "s|$ROOT$DIR/k1-[0-9T.]*Z\.elf|FILE|")" \
  "10 the firmware crashed; crash dump FILE"
check "crash: the dump is the firmware's segment" "$(core "$F") $(seg "$F")" \
  "class 1 type 4 machine 40 phnum 1 load 1 da 0 size 1024 flags 7 same"
check "crash: the processor is offline, its setting restored" "$(get "$R/state") $(get "$R/coredump")" "offline disabled"
check "crash: the dump is released" "$(wait_for 5 no_dumps && echo released)" released
check "delete keeps the dump file" "$(outrc remoteproc-runtime delete k1) $(ls "$ROOT$DIR" | wc -l)" "rc=0 1"
put "$K/recovery" enabled >/dev/null

reset_dev "$D"
check "the processor ends offline" "$(get "$R/state")" offline
exit 0
