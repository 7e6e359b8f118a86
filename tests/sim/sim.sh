# sim.sh - run build/rprocsim for a test and poke it (POSIX sh, sourced).
#
#   sim_start [--model M] [--compatible C] [--fw-path P] [--start-delay-ms N] NAME...
#       (with --kernel $KERNEL_VERSION when that is set)
#       Mounts a simulated /sys at $RPROC_ROOT/sys (RPROC_ROOT is set and
#       exported: $TESTDIR/root, or a fresh directory under $TESTDIR when that
#       one is taken) with $RPROC_ROOT/lib/firmware ready, and arranges (with
#       testing.sh's at_exit, when present) for sim_stop at the end. Returns
#       non-zero with the reason in $SIM_ERROR when FUSE is unavailable, so
#       callers can: sim_start m4 || skip_all "$SIM_ERROR"
#   sim_stop
#       Stops the simulator, waits for it and checks that no mount is left;
#       non-zero (with a message) if one was.
#   sim_fw NAME [SEED]          valid firmware at $RPROC_ROOT/lib/firmware/NAME (mkelf)
#   sim_crash DEV [TYPE]        debugfs remoteproc/DEV/crash (TYPE 0 mmufault,
#                               1 watchdog, 2 fatal; default 2)
#   sim_trace DEV TEXT          append TEXT and a newline to DEV's trace buffer
#   sim_fail_start DEV ERRNO    later starts fail with ERRNO (0: stop failing)
#   sim_start_delay DEV MS      each start blocks MS milliseconds
#   sim_read_only DEV 0|1       the driver's sysfs_read_only
# DEV is a name such as remoteproc0. The poking helpers only write the debugfs
# files that the kernel test module also provides, so they work unchanged
# against a real kernel (RPROC_ROOT=/).

: "${TOP:=$(cd "$(dirname "$0")/.." && pwd)}"
SIM_PID=
SIM_ERROR=
SIM_LOG=

_sim_dbg() { printf '%s/sys/kernel/debug/%s/%s/%s' "${RPROC_ROOT%/}" "$1" "$2" "$3"; }
_sim_put() {   # _sim_put FILE TEXT: one write of TEXT and a newline
  printf '%s\n' "$2" > "$1" || { echo "sim.sh: cannot write '$2' to $1" >&2; return 1; }
}

sim_crash() { _sim_put "$(_sim_dbg remoteproc "$1" crash)" "${2:-2}"; }
sim_trace() { _sim_put "$(_sim_dbg rprocsim "$1" trace)" "$2"; }
sim_fail_start() { _sim_put "$(_sim_dbg rprocsim "$1" fail_start)" "$2"; }
sim_start_delay() { _sim_put "$(_sim_dbg rprocsim "$1" start_delay_ms)" "$2"; }
sim_read_only() { _sim_put "$(_sim_dbg rprocsim "$1" read_only)" "$2"; }

sim_fw() {
  _f=${RPROC_ROOT%/}/lib/firmware/$1
  mkdir -p "$(dirname "$_f")" && "$TOP/build/mkelf" --seed "${2:-$1}" "$_f"
}

# Why FUSE cannot be used here, if it cannot: sets SIM_ERROR.
_sim_check() {
  SIM_ERROR=
  if [ ! -x "$TOP/build/rprocsim" ]; then
    SIM_ERROR="build/rprocsim is not built (make build/rprocsim: needs libfuse3-dev)"
  elif [ "$(id -u)" != 0 ]; then
    SIM_ERROR="the FUSE simulator needs root"
  elif [ ! -c /dev/fuse ] || ! { : <>/dev/fuse; } 2>/dev/null; then
    SIM_ERROR="/dev/fuse is missing or not usable"
  elif ! command -v fusermount3 >/dev/null 2>&1; then
    SIM_ERROR="fusermount3 is not installed (Debian package fuse3)"
  fi
  [ -z "$SIM_ERROR" ]
}

_sim_mounted() { grep -q " ${SIM_ROOT%/}/sys fuse" /proc/mounts 2>/dev/null; }

# The simulator is alive (zombies count as gone: nobody reaps them until wait).
_sim_alive() {
  [ -n "$SIM_PID" ] && [ -r "/proc/$SIM_PID/stat" ] || return 1
  read -r _p _c _s _rest < "/proc/$SIM_PID/stat" 2>/dev/null || return 1
  [ "$_s" != Z ]
}

_sim_pick_root() {
  _base=${TESTDIR:-${TMPDIR:-/tmp}}
  if [ ! -e "$_base/root" ]; then
    SIM_ROOT=$_base/root
    mkdir -p "$SIM_ROOT"
  else
    SIM_ROOT=$(mktemp -d "$_base/root.XXXXXX") || return 1
  fi
  # /proc/mounts shows the resolved path.
  SIM_ROOT=$(cd "$SIM_ROOT" && pwd -P)
}

sim_start() {
  if [ -n "$SIM_PID" ]; then
    SIM_ERROR="sim_start: a simulator is already running (pid $SIM_PID)"
    echo "$SIM_ERROR" >&2
    return 1
  fi
  _sim_check || { echo "sim_start: $SIM_ERROR" >&2; return 1; }
  _sim_pick_root || return 1
  mkdir -p "$SIM_ROOT/lib/firmware" || return 1
  RPROC_ROOT=$SIM_ROOT
  export RPROC_ROOT
  SIM_LOG=$SIM_ROOT.log
  # KERNEL_VERSION picks the kernel it imitates (tests/kernel/kernels.sh reads it too).
  "$TOP/build/rprocsim" --root "$SIM_ROOT" --exit-with-parent \
    ${KERNEL_VERSION:+--kernel "$KERNEL_VERSION"} "$@" > "$SIM_LOG" 2>&1 &
  SIM_PID=$!
  if [ -z "${_sim_registered:-}" ] && command -v at_exit >/dev/null 2>&1; then
    at_exit sim_stop
    _sim_registered=1
  fi
  _n=100   # 5 s
  while [ "$_n" -gt 0 ]; do
    if _sim_mounted && [ -r "$SIM_ROOT/sys/class/remoteproc/remoteproc0/state" ] &&
       cat "$SIM_ROOT/sys/class/remoteproc/remoteproc0/state" >/dev/null 2>&1; then
      return 0
    fi
    _sim_alive || break
    sleep 0.05
    _n=$((_n - 1))
  done
  SIM_ERROR="rprocsim did not come up: $(tr '\n' ' ' < "$SIM_LOG")"
  echo "sim_start: $SIM_ERROR" >&2
  sim_stop >/dev/null 2>&1
  return 1
}

sim_stop() {
  [ -n "$SIM_PID" ] || return 0
  kill -TERM "$SIM_PID" 2>/dev/null
  _n=100   # 5 s, then the hard way
  while _sim_alive && [ "$_n" -gt 0 ]; do sleep 0.05; _n=$((_n - 1)); done
  _sim_alive && kill -KILL "$SIM_PID" 2>/dev/null
  wait "$SIM_PID" 2>/dev/null
  SIM_PID=
  if _sim_mounted; then
    fusermount3 -u -z "$SIM_ROOT/sys" 2>/dev/null || umount -l "$SIM_ROOT/sys" 2>/dev/null
    echo "sim_stop: a mount was left behind at $SIM_ROOT/sys (removed now)" >&2
    return 1
  fi
  return 0
}
