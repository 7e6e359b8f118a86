# lib.sh - helpers for the guest test scripts (POSIX sh, busybox builtins).
#
# Sourced by tests/kernel/guest/*.sh. The same scripts run against the real
# kernel (guest, RPROC_ROOT=/) and against the FUSE simulator on the host
# (RPROC_ROOT=its mount point), so every path goes through $ROOT.
#
#   T=name                       result line prefix ("PASS: $T: ...")
#   pass WHAT | fail WHAT | skip WHAT REASON
#   check WHAT GOT WANT          PASS when equal, else FAIL (got X, want Y)
#   put FILE TEXT                write TEXT with the echo builtin; prints "ok"
#                                or the errno name of the failed write
#   get FILE                     first line of FILE ("<missing>" if unreadable)
#   wait_state DEV STATE SECS    poll DEV's state until STATE (0 on success)
#   now_ms                       uptime in milliseconds
#   exists FILE                  yes or no
#   content FILE                 the whole file, newlines shown as | ("<missing>")
#   empty FILE                   FILE exists and reads empty (0; debugfs files
#                                have no size, test -s does not work there)
#   alive PID                    yes when PID exists and is not a zombie, else no
#   wait_for SECS CMD...         poll CMD every 0.05 s until it succeeds (0) or
#                                SECS pass (1)
#   jget KEY                     value of "KEY" in pretty-printed JSON on stdin
#                                (one key a line; quotes and comma removed;
#                                "<none>" when absent)
#   rt_get ID KEY                that value from `remoteproc-runtime state ID`
#   outrc CMD...                 CMD's output (stdout and stderr) and "rc=N",
#                                lines joined with | (trailing empty lines
#                                dropped; CMD must not leave a daemon holding
#                                its output)
#   reset_dev DEV                DEV back to offline (a crashed one the kernel
#                                will not stop through a recovery), test
#                                controls and recovery at their defaults
#   need_both                    skip the script unless remoteproc0/1, the
#                                trace.elf fixture and rproc are there
#
# The rprocbox scripts call the applets by name (remoteproc-runtime, rproc):
# PATH has the links, /usr/bin in the guest and a bin directory made by
# tests/kernel/on-sim.sh on the host. $SCRATCH is a directory of the
# script's own, removed at the end.
#
# Paths: $CLASS/remoteprocN (sysfs), $DBG/remoteprocN (kernel debugfs),
# $SIM/remoteprocN (test controls), $FW (firmware directory).

# Which kernel gives which answer: tests/kernel/kernels.sh.
# shellcheck source=tests/kernel/kernels.sh
. "$TOP/tests/kernel/kernels.sh"

# shellcheck disable=SC2034
ROOT=${RPROC_ROOT:-/}
ROOT=${ROOT%/}
CLASS=$ROOT/sys/class/remoteproc
DBG=$ROOT/sys/kernel/debug/remoteproc
SIM=$ROOT/sys/kernel/debug/rprocsim
FW=$ROOT/lib/firmware
: "${T:=$(basename "$0" .sh)}"
FAILS=0

pass() { echo "PASS: $T: $1"; }
fail() { echo "FAIL: $T: $1"; FAILS=$((FAILS + 1)); }
skip() { echo "SKIP: $T: $1 ($2)"; }

check() {
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (got $2, want $3)"; fi
}

# errno name of an strerror text (glibc wording, as busybox prints it).
errname() {
  case "$1" in
    *"Invalid argument") echo EINVAL ;;
    *"Device or resource busy") echo EBUSY ;;
    *"No such file or directory" | *"nonexistent directory") echo ENOENT ;;
    *"Input/output error") echo EIO ;;
    *"Permission denied") echo EACCES ;;
    *"Operation not permitted") echo EPERM ;;
    *"No such device") echo ENODEV ;;
    *"No such device or address") echo ENXIO ;;
    *"No space left on device") echo ENOSPC ;;
    *"Exec format error") echo ENOEXEC ;;
    *"Bad address") echo EFAULT ;;
    *"Connection timed out") echo ETIMEDOUT ;;
    *"Out of memory" | *"Cannot allocate memory") echo ENOMEM ;;
    *"Read-only file system") echo EROFS ;;
    *"Operation not supported") echo EOPNOTSUPP ;;
    *"Interrupted system call") echo EINTR ;;
    *"Function not implemented") echo ENOSYS ;;
    *"Resource temporarily unavailable") echo EAGAIN ;;
    *"Bad message") echo EBADMSG ;;
    *) printf '%s\n' "${1##*: }" | tr ' ' _ ;;
  esac
}

# Only busybox's echo names the errno of a failed write (dash says "I/O
# error" for all), so under another shell the write goes through busybox.
_put_bb=
case "$(readlink "/proc/$$/exe" 2>/dev/null)" in
  *busybox*) ;;
  *) command -v busybox >/dev/null 2>&1 && _put_bb=busybox ;;
esac

put() {
  if [ -n "$_put_bb" ]; then
    _put_err=$(busybox sh -c 'echo "$2" > "$1"' put "$1" "$2" 2>&1)
  else
    _put_err=$( { echo "$2" > "$1"; } 2>&1 )
  fi && { echo ok; return 0; }
  errname "$_put_err"
  return 1
}

get() {
  _get_line="<missing>"
  [ -e "$1" ] && { IFS= read -r _get_line < "$1" || :; } 2>/dev/null
  printf '%s\n' "$_get_line"
}

now_ms() {
  read -r _now_up _now_rest < /proc/uptime
  _now_s=${_now_up%.*} _now_cs=${_now_up#*.}
  echo $((_now_s * 1000 + ${_now_cs#0} * 10))
}

wait_state() {
  _ws_n=$(( $3 * 20 ))
  while [ "$_ws_n" -gt 0 ]; do
    [ "$(get "$CLASS/$1/state")" = "$2" ] && return 0
    sleep 0.05
    _ws_n=$((_ws_n - 1))
  done
  [ "$(get "$CLASS/$1/state")" = "$2" ]
}

# The helpers below run no program but the shell itself where they can:
# in the guest every exec costs about 15 ms of emulated arm64.
exists() { if [ -e "$1" ]; then echo yes; else echo no; fi; }

content() {
  [ -e "$1" ] || { echo "<missing>"; return; }
  _ct='' _cl=''
  { while IFS= read -r _cl; do _ct="$_ct$_cl|"; _cl=; done < "$1"; } 2>/dev/null
  printf '%s\n' "$_ct$_cl"
}

empty() { [ -e "$1" ] && [ "$(content "$1")" = "" ]; }

alive() {
  # the state is the first field after the last ")" (comm may hold spaces)
  _al_s=
  { IFS= read -r _al_s < "/proc/$1/stat"; } 2>/dev/null
  _al_s=${_al_s##*) }
  case ${_al_s%% *} in "" | Z | X) echo no ;; *) echo yes ;; esac
}

wait_for() {
  _wf_n=$(( $1 * 20 ))
  shift
  while [ "$_wf_n" -gt 0 ]; do
    "$@" && return 0
    sleep 0.05
    _wf_n=$((_wf_n - 1))
  done
  "$@"
}

jget() {
  _jg="<none>"
  while IFS= read -r _jl; do
    case $_jl in
      *"\"$1\": "*)
        _jg=${_jl#*"\"$1\": "}
        _jg=${_jg%,}
        _jg=${_jg#\"}
        _jg=${_jg%\"}
        break ;;
    esac
  done
  printf '%s\n' "$_jg"
}

NL='
'
outrc() {
  _or_o=$("$@" 2>&1)
  _or_rc=$?
  _or_r=
  while :; do
    case $_or_o in
      *"$NL"*) _or_r="$_or_r${_or_o%%"$NL"*}|"; _or_o=${_or_o#*"$NL"} ;;
      *) break ;;
    esac
  done
  [ -n "$_or_o" ] && _or_r="$_or_r$_or_o|"
  printf '%s\n' "${_or_r}rc=$_or_rc"
}

rt_get() { remoteproc-runtime state "$1" 2>/dev/null | jget "$2"; }

# need_both: end the script with "SKIP: all" unless both module processors,
# the trace.elf fixture and rproc are there.
need_both() {
  for _d in remoteproc0 remoteproc1; do
    [ -d "$CLASS/$_d" ] || { skip all "no $CLASS/$_d: module not loaded"; exit 0; }
  done
  [ -f "$FW/rprocsim/trace.elf" ] || { skip all "no firmware fixture $FW/rprocsim/trace.elf"; exit 0; }
  command -v rproc >/dev/null 2>&1 || { skip all "rproc is not on PATH"; exit 0; }
}

reset_dev() {
  put "$SIM/$1/fail_start" 0 >/dev/null
  put "$SIM/$1/start_delay_ms" 0 >/dev/null
  put "$SIM/$1/read_only" 0 >/dev/null
  put "$DBG/$1/recovery" enabled >/dev/null
  _rd_n=0
  while [ "$(get "$CLASS/$1/state")" != offline ] && [ $_rd_n -lt 4 ]; do
    # A crashed processor the kernel will not stop is recovered first.
    [ "$(put "$CLASS/$1/state" stop)" = EINVAL ] && [ "$(get "$CLASS/$1/state")" = crashed ] &&
      put "$DBG/$1/recovery" recover >/dev/null
    _rd_n=$((_rd_n + 1))
  done
}

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/kt-$T.XXXXXX") || exit 1
trap 'rm -rf "$SCRATCH"' EXIT
trap 'exit 130' INT TERM
