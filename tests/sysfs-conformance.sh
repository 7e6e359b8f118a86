#!/bin/sh
# sysfs-conformance.sh - how the Linux remoteproc sysfs/debugfs interface
# behaves, as assertions. The same script runs against the real kernels of
# the kernel tier (busybox initramfs, with the rprocsim kernel module) and
# against build/rprocsim. Where the right answer differs between kernels,
# tests/kernel/kernels.sh says which the running one gives (KERNEL_VERSION,
# /proc/version, or the simulator's), and the check's name says so. Each
# section begins with the processor offline and the controls at their
# defaults, whatever the checks before it left: one failure never cascades.
#
#   [RPROC_ROOT=/] [CONF_DEV=remoteproc0] [CONF_GLOBAL=1] busybox sh sysfs-conformance.sh
#   sh sysfs-conformance.sh --mkfw FILE [VARIANT]    (write a test firmware image)
#
# Needs root, debugfs at $RPROC_ROOT/sys/kernel/debug with the rprocsim test
# controls (rprocsim/$CONF_DEV/{trace,fail_start,start_delay_ms,read_only}),
# an offline $CONF_DEV, a writable $RPROC_ROOT/lib/firmware, and
# kernel/kernels.sh next to this script. CONF_GLOBAL=0
# skips the checks that change system-wide state (firmware_class.path), for
# runs in parallel with another one.
#
# A failed write's errno is read from the shell's own message: busybox sh's
# echo prints strerror(errno) (dash's says "I/O error" whatever happened), so
# under another shell the script re-runs itself with busybox sh.
#
# Output: "PASS: conformance: WHAT" or "FAIL: conformance: WHAT (got X, want Y)"
# per check; the exit status is non-zero if any check failed.

set -u

# ---- test firmware made with printf alone (no mkelf in the guest) ----
# mkfw FILE [VARIANT] writes, byte for byte, what `mkelf --size 128 --seed
# conf FILE` writes: ELF32, ARM, little endian, one 128-byte PT_LOAD at device
# address 0 holding a .resource_table with one trace entry (da 0x10000,
# len 0x1000). A VARIANT breaks it the way the kernel's ELF loader notices.
E=
b() { for _b; do E="$E\\$((_b / 64 % 8))$((_b / 8 % 8))$((_b % 8))"; done; }
w16() { for _w; do b $((_w & 255)) $((_w >> 8 & 255)); done; }
w32() { for _w; do b $((_w & 255)) $((_w >> 8 & 255)) $((_w >> 16 & 255)) $((_w >> 24 & 255)); done; }
pad() { _n=$1; while [ "$_n" -gt 0 ]; do E="$E\\000"; _n=$((_n - 1)); done; }
txt() { E="$E$1"; }   # plain characters only: no % and no backslash
shdr() { w32 "$1" "$2" "$3" "$4" "$5" "$6" 0 0 4 0; }

elf_image() {
  _magic=127 _cls=1 _data=1 _phnum=1 _da=0 _memsz=128 _rscname=7
  case $1 in
    good) ;;
    magic) _magic=88 ;;
    class) _cls=3 ;;
    endian) _data=2 ;;
    nophdr) _phnum=0 ;;
    badda) _da=$((0x100000)) ;;
    filesz) _memsz=64 ;;
    norsc) _rscname=1 ;;
    *) return 1 ;;
  esac
  E=
  b "$_magic" 69 76 70 "$_cls" "$_data" 1; pad 9                      # e_ident
  w16 2 40; w32 1 0 52 424 $((0x05000200)); w16 52 32 "$_phnum" 40 4 3
  w32 1 256 "$_da" "$_da" 128 "$_memsz" 7 4                           # PT_LOAD
  pad 172
  txt confconfconfconfconfconfconfconfconfconfconfconfconfconf         # segment
  w32 1 1 0 0 20 2 $((0x10000)) $((0x1000)) 0; txt rprocbox-trace; pad 18
  txt conf
  pad 1; txt .text; pad 1; txt .resource_table; pad 1; txt .shstrtab; pad 2
  pad 6; pad 40                                                       # SHN_UNDEF
  shdr 1 1 6 0 256 56
  shdr "$_rscname" 1 2 56 312 68
  shdr 23 3 0 0 384 34
}

# VARIANT: good magic class endian nophdr badda filesz norsc small truncated
# shdrcut (the file ends after the first of its four section headers)
mkfw() {
  case ${2:-good} in
    small) echo hello > "$1" ;;
    truncated) elf_image good && printf "$E" | head -c 300 > "$1" ;;
    shdrcut) elf_image good && printf "$E" | head -c 464 > "$1" ;;
    *) elf_image "${2:-good}" && printf "$E" > "$1" ;;
  esac
}

if [ "${1:-}" = --mkfw ]; then
  [ $# -ge 2 ] || { echo "usage: $0 --mkfw FILE [VARIANT]" >&2; exit 2; }
  mkfw "$2" "${3:-good}"
  exit
fi

# ---- errno of a failed write ----
errno_reported() {
  [ -c /dev/full ] || return 0
  case $( (echo x > /dev/full) 2>&1) in *"No space left on device"*) return 0 ;; esac
  return 1
}
if ! errno_reported; then
  if [ -z "${CONF_REEXEC:-}" ] && command -v busybox >/dev/null 2>&1; then
    CONF_REEXEC=1
    export CONF_REEXEC
    exec busybox sh "$0" "$@"
  fi
  echo "FAIL: conformance: this shell reports the errno of failed writes (run it with busybox sh)"
  exit 1
fi

errname() {
  case $1 in
    *"Invalid argument"*) echo EINVAL ;;
    *"resource busy"*|*"Resource busy"*) echo EBUSY ;;
    *"No such file or directory"*|*"nonexistent directory"*) echo ENOENT ;;
    *"Permission denied"*) echo EACCES ;;
    *"Input/output error"*|*"I/O error"*) echo EIO ;;
    *"No such device or address"*) echo ENXIO ;;
    *"No such device"*) echo ENODEV ;;
    *"No space left on device"*) echo ENOSPC ;;
    *"Operation not permitted"*) echo EPERM ;;
    *"out of range"*|*"not representable"*) echo ERANGE ;;
    *) printf 'error(%s)\n' "$1" ;;
  esac
}

# wr FILE TEXT: one write() of TEXT and a newline; prints OK or the errno name.
wr() { _m=$( (echo "$2" > "$1") 2>&1) && echo OK || errname "$_m"; }
# wrn FILE TEXT: the same without the newline.
wrn() { _m=$( (echo -n "$2" > "$1") 2>&1) && echo OK || errname "$_m"; }

# shellcheck source=tests/kernel/kernels.sh
. "$(dirname "$0")/kernel/kernels.sh"

# ---- where things are ----
: "${RPROC_ROOT:=/}"
: "${CONF_DEV:=remoteproc0}"
: "${CONF_GLOBAL:=1}"
R=${RPROC_ROOT%/}
SYS=$R/sys/class/remoteproc/$CONF_DEV
DBG=$R/sys/kernel/debug/remoteproc/$CONF_DEV
CTL=$R/sys/kernel/debug/rprocsim/$CONF_DEV
FWPARAM=$R/sys/module/firmware_class/parameters/path
FW=$R/lib/firmware            # as this script sees it
KFW=/lib/firmware             # as the kernel sees it (firmware_class.path)
P=conf-$CONF_DEV              # prefix of every file this script creates

failed=0
check() {   # check WHAT GOT WANT
  if [ "$2" = "$3" ]; then
    echo "PASS: conformance: $1"
  else
    echo "FAIL: conformance: $1 (got $(printf '%s' "${2:-(empty)}" | tr '\n' '|'), want $(printf '%s' "${3:-(empty)}" | tr '\n' '|'))"
    failed=$((failed + 1))
  fi
}
# versioned RULE GOT WHAT WANT WHAT_OTHERWISE WANT_OTHERWISE: one check whose
# right answer depends on the kernel (RULE from tests/kernel/kernels.sh).
versioned() {
  if "$1"; then check "$3" "$2" "$4"; else check "$5" "$2" "$6"; fi
}
st() { cat "$SYS/state" 2>/dev/null || echo unreadable; }
exists() { [ -e "$1" ] && echo yes || echo no; }
# wait_state WANT: polls (up to 2 s) until the state is WANT; prints the last state.
wait_state() {
  _n=40
  while [ "$_n" -gt 0 ] && [ "$(st)" != "$1" ]; do sleep 0.05; _n=$((_n - 1)); done
  st
}

for f in "$SYS/state" "$DBG/crash" "$CTL/fail_start" "$FWPARAM"; do
  [ -e "$f" ] || { echo "FAIL: conformance: setup ($f is missing)"; exit 1; }
done
mkdir -p "$FW/updates" "$FW/$P/sub" "$FW/$P-custom" "$FW/$P-work" || {
  echo "FAIL: conformance: setup (cannot write under $FW)"; exit 1; }

orig_fw=$(cat "$SYS/firmware")
orig_path=$(cat "$FWPARAM")

# quiet_reset: offline, controls and attributes at their defaults. A
# crashed processor the kernel will not stop is recovered, then stopped.
quiet_reset() {
  wr "$CTL/read_only" 0 >/dev/null
  wr "$CTL/fail_start" 0 >/dev/null
  wr "$CTL/start_delay_ms" 0 >/dev/null
  _i=0
  while [ "$(st)" != offline ] && [ "$_i" -lt 20 ]; do
    [ "$(wr "$SYS/state" stop)" = EINVAL ] && [ "$(st)" = crashed ] && wr "$SYS/recovery" recover >/dev/null
    _i=$((_i + 1))
  done
  wr "$SYS/recovery" enabled >/dev/null
  wr "$SYS/coredump" disabled >/dev/null
}

set_path() {   # set_path VALUE: firmware_class.path, written without a newline
  if [ -n "$1" ]; then wrn "$FWPARAM" "$1"; else (printf '\000' > "$FWPARAM") 2>/dev/null && echo OK; fi
}

cleanup() {
  quiet_reset
  [ "$CONF_GLOBAL" = 0 ] || set_path "$orig_path" >/dev/null
  wr "$SYS/firmware" "$orig_fw" >/dev/null
  rm -rf "$FW/$P" "$FW/$P-custom" "$FW/$P-work" "$FW/$P"-*.elf "$FW/updates/$P"-*.elf
}
trap cleanup EXIT
trap 'exit 130' INT TERM
init_recovery=$(cat "$SYS/recovery")
init_coredump=$(cat "$SYS/coredump")
quiet_reset
[ "$(st)" = offline ] || { echo "FAIL: conformance: setup ($CONF_DEV is $(st), not offline)"; exit 1; }

mkfw "$FW/$P-good.elf"
mkfw "$FW/$P/sub/fw.elf"

# ---- attribute values ----
check "recovery reads enabled by default" "$init_recovery" enabled
check "coredump reads disabled by default (6.1)" "$init_coredump" disabled
check "coredump accepts enabled" "$(wr "$SYS/coredump" enabled)/$(cat "$SYS/coredump")" OK/enabled
check "coredump accepts inline" "$(wr "$SYS/coredump" inline)/$(cat "$SYS/coredump")" OK/inline
check "coredump rejects default (6.1 word is enabled): EINVAL" "$(wr "$SYS/coredump" default)" EINVAL
check "coredump accepts disabled" "$(wr "$SYS/coredump" disabled)/$(cat "$SYS/coredump")" OK/disabled
check "recovery accepts disabled" "$(wr "$SYS/recovery" disabled)/$(cat "$SYS/recovery")" OK/disabled
check "recovery rejects an unknown word: EINVAL" "$(wr "$SYS/recovery" bogus)" EINVAL
check "recovery accepts enabled" "$(wr "$SYS/recovery" enabled)/$(cat "$SYS/recovery")" OK/enabled
check "recover on an offline processor is a no-op" "$(wr "$SYS/recovery" recover)/$(st)" OK/offline

# ---- state words and firmware names ----
quiet_reset
check "unknown state word: EINVAL" "$(wr "$SYS/state" bogus)" EINVAL
check "stop while offline: EINVAL" "$(wr "$SYS/state" stop)" EINVAL
check "detach of a processor not attached: EINVAL" "$(wr "$SYS/state" detach)" EINVAL
check "firmware accepts a name while offline" "$(wr "$SYS/firmware" "$P-good.elf")" OK
check "empty firmware name: EINVAL" "$(wr "$SYS/firmware" "")" EINVAL
check "firmware unchanged after the empty name" "$(cat "$SYS/firmware")" "$P-good.elf"
check "no trace0 while offline" "$(exists "$DBG/trace0")" no

# ---- reference-counted start/stop ----
quiet_reset
check "start: OK" "$(wr "$SYS/state" start)" OK
check "start: running" "$(st)" running
check "firmware change while running: EBUSY" "$(wr "$SYS/firmware" "$P-good.elf")" EBUSY
check "second start while running: OK (reference counted)" "$(wr "$SYS/state" start)/$(st)" OK/running
check "first stop keeps it running (one reference left)" "$(wr "$SYS/state" stop)/$(st)" OK/running
check "second stop: offline" "$(wr "$SYS/state" stop)/$(st)" OK/offline
check "third stop: EINVAL" "$(wr "$SYS/state" stop)" EINVAL

# ---- trace0 ----
quiet_reset
wr "$SYS/state" start >/dev/null
check "trace0 present while running" "$(exists "$DBG/trace0")" yes
check "trace0 empty after boot" "$(cat "$DBG/trace0")" ""
check "trace control accepts text" "$(wr "$CTL/trace" conf-line-1)" OK
check "trace0 shows the appended text" "$(cat "$DBG/trace0")" conf-line-1
wr "$CTL/trace" conf-line-2 >/dev/null
check "trace0 shows both appends" "$(cat "$DBG/trace0")" "conf-line-1
conf-line-2"
check "trace0 reads from an offset" "$(dd if="$DBG/trace0" bs=1 skip=5 count=6 2>/dev/null)" line-1
wr "$SYS/state" stop >/dev/null
check "trace0 gone after stop" "$(exists "$DBG/trace0")" no
wr "$SYS/state" start >/dev/null
check "trace buffer empty again after a restart" "$(cat "$DBG/trace0")" ""
wr "$SYS/state" stop >/dev/null

# ---- firmware lookup ----
quiet_reset
wr "$SYS/firmware" "$P/sub/fw.elf" >/dev/null
check "firmware name with a subdirectory starts" "$(wr "$SYS/state" start)/$(st)" OK/running
check "firmware reads the subdirectory name" "$(cat "$SYS/firmware")" "$P/sub/fw.elf"
wr "$SYS/state" stop >/dev/null
check "firmware write of a missing file succeeds" "$(wr "$SYS/firmware" "$P-missing.elf")" OK
check "start with missing firmware: ENOENT" "$(wr "$SYS/state" start)" ENOENT
check "missing firmware leaves it offline" "$(st)" offline
wr "$SYS/firmware" "$P/../$P-good.elf" >/dev/null
check "firmware name with a .. component: start EINVAL" "$(wr "$SYS/state" start)/$(st)" EINVAL/offline
mkfw "$FW/$P-order.elf" magic
mkfw "$FW/updates/$P-order.elf"
wr "$SYS/firmware" "$P-order.elf" >/dev/null
check "lib/firmware/updates is searched before lib/firmware" "$(wr "$SYS/state" start)" OK
wr "$SYS/state" stop >/dev/null
if [ "$CONF_GLOBAL" != 0 ]; then
  mkfw "$FW/$P-custom/$P-cust.elf"
  mkfw "$FW/updates/$P-cust.elf" magic
  wr "$SYS/firmware" "$P-cust.elf" >/dev/null
  check "firmware_class.path accepts a directory" "$(set_path "$KFW/$P-custom")" OK
  check "firmware_class.path reads back the value and a newline" \
    "$(cat "$FWPARAM")/$(($(wc -c < "$FWPARAM")))" "$KFW/$P-custom/$((${#KFW} + ${#P} + 9))"
  check "firmware_class.path is searched first" "$(wr "$SYS/state" start)" OK
  wr "$SYS/state" stop >/dev/null
  wr "$FWPARAM" "$KFW/$P-custom" >/dev/null
  check "firmware_class.path keeps a written newline (reads back two)" \
    "$(($(wc -c < "$FWPARAM")))" "$((${#KFW} + ${#P} + 10))"
  # The directory holds good firmware, updates/ a broken one of the same name.
  versioned kernel_cuts_fw_path "$(wr "$SYS/state" start)/$(st)" \
    "firmware_class.path with a newline is cut there (6.12 on): start OK from it" OK/running \
    "firmware_class.path with a newline is unusable (6.1): start falls through to updates/" EINVAL/offline
  quiet_reset
  check "firmware_class.path restored" "$(set_path "$orig_path")/$(cat "$FWPARAM")" "OK/$orig_path"
fi

# ---- firmware the ELF loader refuses ----
quiet_reset
for v in small magic class endian nophdr truncated filesz badda; do
  case $v in
    small) what="image too small" ;;       magic) what="bad magic" ;;
    class) what="bad ELF class" ;;         endian) what="big endian" ;;
    nophdr) what="no program headers" ;;   truncated) what="section headers past the end" ;;
    filesz) what="filesz above memsz" ;;   badda) what="segment outside device memory" ;;
  esac
  mkfw "$FW/$P-bad-$v.elf" "$v"
  wr "$SYS/firmware" "$P-bad-$v.elf" >/dev/null
  check "bad firmware ($what): start EINVAL, offline" "$(wr "$SYS/state" start)/$(st)" EINVAL/offline
  [ "$v" = badda ] && check "no trace0 left by a failed boot" "$(exists "$DBG/trace0")" no
  quiet_reset
done
# Only the first section header inside the file: 6.12.117 checks them all.
mkfw "$FW/$P-shdrcut.elf" shdrcut
wr "$SYS/firmware" "$P-shdrcut.elf" >/dev/null
versioned kernel_checks_all_shdrs "$(wr "$SYS/state" start)/$(st)" \
  "section headers 2-4 past the end: start EINVAL, offline (6.12.117 checks every one)" EINVAL/offline \
  "section headers 2-4 past the end: start OK, running (6.1 and 7.2 check the first only)" OK/running
quiet_reset

# ---- firmware without a .resource_table ----
quiet_reset
# The core's default parse_fw refuses it, but drivers for real boards
# (imx_rproc, stm32_rproc) and the simulated driver boot it without a trace.
mkfw "$FW/$P-norsc.elf" norsc
wr "$SYS/firmware" "$P-norsc.elf" >/dev/null
check "no .resource_table: start OK, running" "$(wr "$SYS/state" start)/$(st)" OK/running
check "no .resource_table: no trace0" "$(exists "$DBG/trace0")" no
check "no .resource_table: trace control has nothing to write to" "$(wr "$CTL/trace" x)" ENODEV
check "no .resource_table: stop, offline" "$(wr "$SYS/state" stop)/$(st)" OK/offline

# ---- a failing driver start ----
quiet_reset
wr "$SYS/firmware" "$P-good.elf" >/dev/null
check "fail_start control accepts an errno" "$(wr "$CTL/fail_start" 5)" OK
check "injected start failure: EIO, offline" "$(wr "$SYS/state" start)/$(st)" EIO/offline
check "no trace0 after the failed start" "$(exists "$DBG/trace0")" no
wr "$CTL/fail_start" 0 >/dev/null
check "start works again once fail_start is 0" "$(wr "$SYS/state" start)/$(st)" OK/running
wr "$SYS/state" stop >/dev/null

# ---- sysfs_read_only ----
quiet_reset
check "read_only control accepts 1" "$(wr "$CTL/read_only" 1)" OK
check "read_only: state write EACCES" "$(wr "$SYS/state" start)" EACCES
check "read_only: firmware write EACCES" "$(wr "$SYS/firmware" "$P-good.elf")" EACCES
check "read_only: recovery write EACCES" "$(wr "$SYS/recovery" disabled)" EACCES
check "read_only: coredump write EACCES" "$(wr "$SYS/coredump" inline)" EACCES
check "read_only: nothing changed" "$(st)/$(cat "$SYS/recovery")/$(cat "$SYS/coredump")" offline/enabled/disabled
wr "$CTL/read_only" 0 >/dev/null
check "writable again once read_only is 0" "$(wr "$SYS/state" start)/$(st)" OK/running
wr "$SYS/state" stop >/dev/null

# ---- crash with recovery enabled ----
quiet_reset
wr "$SYS/state" start >/dev/null
wr "$CTL/trace" conf-before-crash >/dev/null
check "crash accepts a number" "$(wr "$DBG/crash" 2)" OK
seen=no
i=0
while [ "$i" -lt 10 ]; do
  sleep 0.1
  [ "$(st)" = crashed ] && seen=yes
  i=$((i + 1))
done
check "recovery enabled: crashed never seen polling every 100 ms" "$seen" no
check "recovery enabled: running again" "$(st)" running
check "trace0 survives recovery" "$(exists "$DBG/trace0")" yes
check "trace buffer reset by the reload on recovery" "$(cat "$DBG/trace0")" ""
check "crash rejects a word: EINVAL" "$(wr "$DBG/crash" fatal)" EINVAL
check "crash accepts hex (kstrtouint base 0)" "$(wr "$DBG/crash" 0x1)/$(sleep 0.2; st)" OK/running
wr "$SYS/state" stop >/dev/null
check "crash of an offline processor is ignored" "$(wr "$DBG/crash" 2)/$(sleep 0.2; st)" OK/offline

# ---- crash with recovery disabled ----
quiet_reset
wr "$SYS/recovery" disabled >/dev/null
wr "$SYS/state" start >/dev/null
wr "$DBG/crash" 1 >/dev/null
check "recovery disabled: crashed" "$(wait_state crashed)" crashed
check "recovery disabled: still crashed later" "$(sleep 0.3; st)" crashed
check "firmware change while crashed: EBUSY" "$(wr "$SYS/firmware" "$P-good.elf")" EBUSY
check "coredump change while crashed: EBUSY" "$(wr "$SYS/coredump" enabled)" EBUSY
check "trace0 present while crashed" "$(exists "$DBG/trace0")" yes
check "start while crashed: OK, still crashed (reference counted)" "$(wr "$SYS/state" start)/$(st)" OK/crashed
if kernel_refuses_crashed_stop; then
  check "stop while crashed: EINVAL, still crashed (6.1 before 6.1.192)" "$(wr "$SYS/state" stop)/$(st)" EINVAL/crashed
  check "recover then stop with a reference left: still running" \
    "$(wr "$SYS/recovery" recover)/$(wr "$SYS/state" stop)/$(st)" OK/OK/running
  check "last stop after the recovery: offline" "$(wr "$SYS/state" stop)/$(st)" OK/offline
else
  check "stop while crashed with a reference left: still crashed" "$(wr "$SYS/state" stop)/$(st)" OK/crashed
  check "recover then the last stop: offline" \
    "$(wr "$SYS/recovery" recover)/$(wr "$SYS/state" stop)/$(st)" OK/OK/offline
  check "last stop leaves it offline" "$(wr "$SYS/state" stop)/$(st)" EINVAL/offline
fi
check "trace0 gone after the last stop" "$(exists "$DBG/trace0")" no
wr "$SYS/state" start >/dev/null
wr "$DBG/crash" 1 >/dev/null
wait_state crashed >/dev/null
versioned kernel_refuses_crashed_stop "$(wr "$SYS/state" stop)/$(st)" \
  "a lone stop while crashed: EINVAL, still crashed (6.1 before 6.1.192)" EINVAL/crashed \
  "a lone stop while crashed: offline" OK/offline
quiet_reset
wr "$SYS/recovery" disabled >/dev/null
wr "$SYS/state" start >/dev/null
wr "$DBG/crash" 0 >/dev/null
wait_state crashed >/dev/null
check "recover: running again at once" "$(wr "$SYS/recovery" recover)/$(st)" OK/running
check "recover leaves recovery disabled" "$(cat "$SYS/recovery")" disabled
wr "$DBG/crash" 2 >/dev/null
wait_state crashed >/dev/null
check "enabling recovery recovers a crashed processor" "$(wr "$SYS/recovery" enabled)/$(st)" OK/running
check "recovery reads enabled" "$(cat "$SYS/recovery")" enabled
wr "$SYS/state" stop >/dev/null

# ---- a slow start ----
quiet_reset
wr "$CTL/start_delay_ms" 500 >/dev/null
(r=$(wr "$SYS/state" start); echo "$r" > "$FW/$P-work/start") &
slow=$!
sleep 0.15
check "slow start: state still offline, readable meanwhile" "$(st)" offline
check "slow start: the start write is still blocked" "$(kill -0 "$slow" 2>/dev/null && echo blocked || echo returned)" blocked
wait "$slow"
check "slow start: the write returns OK" "$(cat "$FW/$P-work/start")" OK
check "slow start: running" "$(st)" running
wr "$CTL/start_delay_ms" 0 >/dev/null
wr "$SYS/state" stop >/dev/null

# ---- a full trace buffer ----
quiet_reset
# The test module keeps the buffer a NUL-terminated string: a 4096-byte
# trace region holds 4095 bytes of text; what does not fit is a short write,
# then ENOSPC.
wr "$SYS/state" start >/dev/null
check "full trace buffer: ENOSPC, 4095 bytes kept" \
  "$(wr "$CTL/trace" "$(printf '%5000s' '' | tr ' ' x)")/$(($(wc -c < "$DBG/trace0")))" ENOSPC/4095
check "full trace buffer: ENOSPC for a single byte" "$(wrn "$CTL/trace" y)" ENOSPC
wr "$SYS/state" stop >/dev/null

# ---- a crash recovery whose start is slow ----
quiet_reset
# The recovery stops the processor (the driver's stop op runs and clears
# device memory, trace buffer included), keeps its resources (trace0 stays)
# and starts the firmware again holding the processor's lock: meanwhile the
# state reads offline and trace0 reads empty, and a trace write waits for
# the recovery, then lands in the new boot's log.
wr "$SYS/recovery" enabled >/dev/null
wr "$SYS/state" start >/dev/null
wr "$CTL/trace" conf-before-crash >/dev/null
wr "$CTL/start_delay_ms" 800 >/dev/null
wr "$DBG/crash" 2 >/dev/null
sleep 0.25
check "slow recovery: offline while its start runs" "$(st)" offline
check "slow recovery: trace0 kept, already empty (the stop op cleared device memory)" \
  "$(exists "$DBG/trace0")/$(cat "$DBG/trace0")" yes/
check "slow recovery: a trace write waits for it, then lands in the new boot's log" \
  "$(wr "$CTL/trace" conf-after-recovery)/$(st)/$(cat "$DBG/trace0")" OK/running/conf-after-recovery
wr "$CTL/start_delay_ms" 0 >/dev/null
wr "$SYS/state" stop >/dev/null

[ "$failed" -eq 0 ]
