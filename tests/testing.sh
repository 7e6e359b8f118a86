# testing.sh - toybox-style shell test harness (POSIX sh), sourced by tests/*.test
#
#   testing NAME COMMAND EXPECTED_STDOUT INPUT STDIN
#
# COMMAND runs through `eval` in a fresh scratch dir ($TESTDIR); INPUT is
# written to ./input first, STDIN is fed on standard input; both EXPECTED and
# STDIN take printf %b escapes. Only stdout is compared, so tests fold stderr
# and the exit status in: `cmd 2>&1; echo rc=$?`.
#
# Each result is one line for the runner: "PASS: FILE: NAME", "FAIL: ...",
# "SKIP: FILE: NAME (reason)". Every file declares `plan CASES SECONDS` near
# its top: how many results it reports and the time bound after which the
# runner stops it; the runner counts each planned case that never reported
# as failed, naming what the file was waiting for. Environment from
# scripts/check.sh:
#   TOP       repository root        RPROCBOX  the static binary under test
#   TESTDIR   scratch dir (removed)   VERBOSE   1 = show diffs of failures
#   RP_STATUS prefix of the progress files the runner reads (.last, .wait)

: "${TOP:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${RPROCBOX:=$TOP/build/rprocbox}"
: "${VERBOSE:=1}"
TESTFILE=$(basename "${TESTFILE:-$0}" .test)
FAILCOUNT=0

if [ -z "${TESTDIR:-}" ]; then
  TESTDIR=$(mktemp -d "${TMPDIR:-/tmp}/rprocbox-test.XXXXXX") || exit 1
  _testing_owndir=1
fi
export TOP RPROCBOX TESTDIR
cd "$TESTDIR" || exit 1

_testing_cleanup() {
  for _f in $_testing_atexit; do "$_f"; done
  cd / && [ -n "${_testing_owndir:-}" ] && rm -rf "$TESTDIR"
}
trap _testing_cleanup EXIT
trap 'exit 130' INT TERM

# at_exit FUNCTION: run FUNCTION when the test file ends (for daemons, mounts).
at_exit() { _testing_atexit="$1 $_testing_atexit"; }

# plan CASES SECONDS: read by the runner from the file itself; nothing to do.
plan() { :; }

# Progress for the runner, so a file stopped by its time bound says where it
# stood: the last case reported, and what a wait is waiting for.
_progress() { [ -n "${RP_STATUS:-}" ] && printf '%s\n' "$2" > "$RP_STATUS.$1"; return 0; }

pass() { echo "PASS: $TESTFILE: $1"; _progress last "$1"; }
fail() { echo "FAIL: $TESTFILE: $1"; FAILCOUNT=$((FAILCOUNT + 1)); _progress last "$1"; }
skip() { echo "SKIP: $TESTFILE: $1 ($2)"; _progress last "$1"; }

testing() {
  if [ $# -ne 5 ]; then
    fail "$1 (testing takes 5 arguments, got $#)"
    return 0
  fi
  printf '%b' "$4" > "$TESTDIR/input"
  printf '%b' "$3" > "$TESTDIR/expected"
  printf '%b' "$5" | (cd "$TESTDIR" && eval "$2") > "$TESTDIR/actual" 2>"$TESTDIR/stderr"
  if cmp -s "$TESTDIR/expected" "$TESTDIR/actual"; then
    pass "$1"
  else
    fail "$1"
    if [ "$VERBOSE" = 1 ]; then
      echo "--- command: $2"
      diff -u "$TESTDIR/expected" "$TESTDIR/actual" | sed -n '3,$p' | head -n 40
      [ -s "$TESTDIR/stderr" ] && { echo "--- stderr:"; head -n 20 "$TESTDIR/stderr"; }
    fi
  fi
  return 0
}

# testcmd NAME ARGS EXPECTED INPUT STDIN: like testing, with "$RPROCBOX " prefixed.
testcmd() { testing "$1" "\"\$RPROCBOX\" $2" "$3" "$4" "$5"; }

# skip_all REASON: report one SKIP for the whole file and stop it; the runner
# counts the file's other planned cases as skipped for the same reason.
skip_all() { skip "all" "$1"; exit 0; }

# need_root: skip the whole file unless running as root.
need_root() { [ "$(id -u)" = 0 ] || skip_all "needs root"; }

# need_cmd CMD...: skip the whole file unless every command is on PATH.
need_cmd() {
  for _c in "$@"; do
    command -v "$_c" >/dev/null 2>&1 || skip_all "needs $_c (not installed)"
  done
}

# wait_for SECONDS COMMAND...: poll COMMAND every 0.05 s until it succeeds.
wait_for() {
  _w_n=$(( $1 * 20 )); _w_s=$1; shift; _progress wait "$* (up to $_w_s s)"
  while [ "$_w_n" -gt 0 ]; do
    "$@" >/dev/null 2>&1 && { _progress wait ""; return 0; }
    sleep 0.05; _w_n=$((_w_n - 1))
  done
  _progress wait ""
  return 1
}

# alive PID: running and not a zombie (a zombie's reaper may be slow). An
# empty PID is never alive: /proc//stat would be /proc/stat.
alive() {
  [ -n "$1" ] || return 1
  _st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  _st=${_st##*) }
  [ "${_st%% *}" != Z ]
}
gone() { ! alive "$1"; }

# ---- helpers shared by the tests of the product's processes and bundles

# Every name (comm) the product's processes run under: the applets, the
# proxy (rproxy:ID) and its guardian.
RP_COMMS='rproxy:*|rproc-guard|containerd-shim*|remoteproc-run*|rprocbox|rproc'

# procs_of [-p] [PATTERN]: live processes whose environment holds this
# test's RPROC_ROOT and whose comm matches PATTERN (|-separated shell
# patterns, default RP_COMMS), one "COMM" line each, "PID COMM" with -p.
procs_of() {
  _po_pid=
  [ "${1:-}" = -p ] && { _po_pid=1; shift; }
  _po_pat=${1:-$RP_COMMS}
  for _po_e in $(grep -lzx "RPROC_ROOT=$RPROC_ROOT" /proc/[0-9]*/environ 2>/dev/null); do
    _po_p=${_po_e#/proc/}; _po_p=${_po_p%/environ}
    _po_c=$(cat "/proc/$_po_p/comm" 2>/dev/null) || continue
    eval "case \$_po_c in $_po_pat) ;; *) continue ;; esac"
    alive "$_po_p" || continue
    if [ -n "$_po_pid" ]; then echo "$_po_p $_po_c"; else echo "$_po_c"; fi
  done
}

# none_ours: the test's own ours() lists nothing.
none_ours() { [ -z "$(ours)" ]; }

# shim_of ID: pid of the live containerd-shim-remoteproc-v1 serving task ID
# in $CTR_NAMESPACE.
shim_of() {
  for _so_c in $(grep -lzxF "containerd-shim-remoteproc-v1 -namespace $CTR_NAMESPACE -id $1" /proc/[0-9]*/cmdline 2>/dev/null); do
    _so_p=${_so_c#/proc/}; _so_p=${_so_p%/cmdline}
    alive "$_so_p" && echo "$_so_p"
  done
}

# pstate N / is_state N WORD: processor remoteprocN's state under $S.
pstate() { cat "$S/remoteproc$1/state"; }
is_state() { [ "$(pstate "$1")" = "$2" ]; }

# bundle DIR CONFIG [MKELF-ARGS...]: a fresh bundle with rootfs/hello.elf
# (build/mkelf) and config.json holding CONFIG.
bundle() {
  _b_d=$1 _b_c=$2; shift 2
  rm -rf "$_b_d" && mkdir -p "$_b_d/rootfs" &&
    "$TOP/build/mkelf" "$@" "$_b_d/rootfs/hello.elf" >/dev/null &&
    printf '%s\n' "$_b_c" > "$_b_d/config.json"
}

# cfg NAME [MEMBERS]: a config.json for hello.elf on processor NAME, with
# MEMBERS (",\"key\":..." text) added at the top level.
cfg() {
  printf '{"ociVersion":"1.2.0","process":{"terminal":false,"args":["hello.elf"],"env":["PATH=/usr/bin:/bin"],"cwd":"/"},"root":{"path":"rootfs"},"annotations":{"remoteproc.name":"%s"}%s}\n' \
    "$1" "${2:-}"
}

# mk ID BUNDLE [OPTIONS...]: remoteproc-runtime create with a pid file in
# the bundle; prints its stderr and "rc=N"; stdout goes to $TESTDIR/ID.out.
mk() {
  _mk_id=$1 _mk_b=$2; shift 2
  "$RT" create --bundle "$_mk_b" --pid-file "$_mk_b/pid" "$@" "$_mk_id" > "$TESTDIR/$_mk_id.out" 2> "$TESTDIR/$_mk_id.err" </dev/null
  _mk_rc=$?
  cat "$TESTDIR/$_mk_id.err"
  echo "rc=$_mk_rc"
}
