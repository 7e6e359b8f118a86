#!/bin/sh
# check.sh - the one test command behind `make check`.
#
#   scripts/check.sh [--no-deps] [--no-kernel] [--kernel-only] [NAME...]
#
# Installs missing Debian packages (scripts/deps.sh), builds, runs the C unit
# tests of lib/ under ASan+UBSan, every tests/*.test file (or only the NAMEs
# given, e.g. `rproc` for tests/rproc.test, `unit` for the unit tests), the
# kernel tier, and ends with one line: "N passed, N failed, N skipped".
# --no-deps installs nothing; --no-kernel leaves out the kernel tier;
# --kernel-only runs only the kernel tier (make check-kernel).
#
# Every test file (and the kernel tier) declares `plan CASES SECONDS`: a
# planned case that never reports is counted as failed, and a file still
# running after SECONDS is stopped and fails, naming the case it reached and
# what it was waiting for. After each file, processes it started (they carry
# RP_CHECK_TAG in their environment), mounts under its scratch directory and
# stale shim sockets are reported as failures of that file and removed.
# With CI=true a SKIP is a failure unless tests/skips lists it: skips are
# for what this kind of machine cannot do at all, never a missing package.
# CHECK_TESTS, CHECK_SKIPS and CHECK_LOGDIR point the runner at other test
# files, skip list and log directory (tests/runner.test uses them).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
export TOP
deps=1 kernel=1 only_kernel=0
while [ $# -gt 0 ]; do
  case "$1" in
    --no-deps) deps=0 ;;
    --no-kernel) kernel=0 ;;
    --kernel-only) only_kernel=1 ;;
    -*) echo "check.sh: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
  shift
done
selected="$*"

# Where the files and logs are: the repository's, unless a test of this
# runner points it at files of its own.
TESTS=${CHECK_TESTS:-$TOP/tests}
SKIPS=${CHECK_SKIPS:-$TOP/tests/skips}
LOGDIR=${CHECK_LOGDIR:-$TOP/build/check}
rm -rf "$LOGDIR" && mkdir -p "$LOGDIR"
RESULTS=$LOGDIR/results
: > "$RESULTS"
T0=$(date +%s)

note() { printf '%s\n' "$*" >&2; }
record() { printf '%s\n' "$*" | tee -a "$RESULTS"; }
elapsed() { echo $(( $(date +%s) - T0 )); }

want() {
  [ -z "$selected" ] && return 0
  for w in $selected; do [ "$w" = "$1" ] && return 0; done
  return 1
}

if [ "$deps" = 1 ]; then
  # Everything any tier uses, in one apt transaction: build tools, the FUSE
  # simulator, protoc and the protobuf well-known types, the arm64 cross
  # build, the real container tools, QEMU for the kernel tier, clang for the
  # fuzz smoke, valgrind, python3 (test helpers) and Node.js with npm (the
  # CRI client).
  if ! scripts/deps.sh build sim proto arm64 peers kernel fuzz bench tests; then
    note "check.sh: some packages are missing; tests that need them skip"
    [ "${CI:-}" = true ] && record "FAIL: deps: scripts/deps.sh could not install every package (see above)"
  fi
fi

JOBS=$(nproc 2>/dev/null || echo 2)
if ! make -s -j"$JOBS" all tools >"$LOGDIR/build.log" 2>&1; then
  cat "$LOGDIR/build.log" >&2
  record "FAIL: build: make all tools"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
export RPROCBOX="$TOP/build/rprocbox"

run_units() {
  if ! make -s -j"$JOBS" unit >"$LOGDIR/unit-build.log" 2>&1; then
    cat "$LOGDIR/unit-build.log" >&2
    record "FAIL: unit: build"
    return
  fi
  for u in build/unit/*; do
    [ -x "$u" ] || continue
    name=$(basename "$u")
    if ! timeout -k 5 120 "$u" >"$LOGDIR/unit-$name.log" 2>&1; then
      grep -q '^FAIL: ' "$LOGDIR/unit-$name.log" ||
        echo "FAIL: unit/$name: exited with status $? (see build/check/unit-$name.log)" >>"$LOGDIR/unit-$name.log"
      tail -n 30 "$LOGDIR/unit-$name.log" >&2
    fi
    grep -E '^(PASS|FAIL|SKIP): ' "$LOGDIR/unit-$name.log" | tee -a "$RESULTS"
  done
}

# plan_of FILE: "CASES SECONDS" from its `plan` line (`# plan` in scripts).
plan_of() {
  sed -n 's/^\(# \)\{0,1\}plan \([0-9][0-9]*\) \([0-9][0-9]*\).*/\2 \3/p' "$1" | head -n 1
}

# allowed_skip LINE: tests/skips lists "FILE: CASE | why"; the SKIP line is
# "SKIP: FILE: CASE (reason)".
allowed_skip() {
  _case=${1#SKIP: }
  while IFS='|' read -r _k _why; do
    _k=$(printf '%s' "$_k" | sed 's/[[:space:]]*$//')
    case "$_k" in ''|'#'*) continue ;; esac
    case "$_case" in "$_k ("*) return 0 ;; esac
  done < "$SKIPS"
  return 1
}

# ci_skips LOG NAME: under CI, a skip that tests/skips does not list fails.
ci_skips() {
  [ "${CI:-}" = true ] || return 0
  grep '^SKIP: ' "$1" | while IFS= read -r _l; do
    allowed_skip "$_l" ||
      record "FAIL: $2: skipped in CI, where every package can be installed: ${_l#SKIP: }"
  done
}

# account NAME LOG PLAN RC WHY: count every planned case exactly once.
account() {
  _n=$1 _log=$2 _plan=$3 _rc=$4 _why=$5
  grep -E '^(PASS|FAIL|SKIP): ' "$_log" >> "$RESULTS"
  _got=$(grep -cE '^(PASS|FAIL|SKIP): ' "$_log")
  _all=$(sed -n "s/^SKIP: $_n: all (\(.*\))\$/\1/p" "$_log" | head -n 1)
  if [ -n "$_all" ]; then
    _k=$((_got + 1))
    while [ "$_k" -le "$_plan" ]; do
      echo "SKIP: $_n: planned case $_k of $_plan ($_all)" >> "$RESULTS"; _k=$((_k + 1))
    done
  elif [ "$_got" -lt "$_plan" ]; then
    [ -n "$_why" ] || _why="the file exited with status $_rc"
    _k=$((_got + 1))
    while [ "$_k" -le "$_plan" ]; do
      record "FAIL: $_n: planned case $_k of $_plan did not run ($_why)"; _k=$((_k + 1))
    done
  elif [ "$_got" -gt "$_plan" ]; then
    record "FAIL: $_n: reported $_got results but its plan line says $_plan"
  fi
  if [ "$_rc" != 0 ] && [ -z "$_why" ] && ! grep -q '^FAIL: ' "$_log"; then
    record "FAIL: $_n: the file exited with status $_rc (see build/check/$_n.log)"
  fi
}

# ---------------------------------------------------------------- leftovers

# tagged TAG: pids whose environment carries RP_CHECK_TAG=TAG, and their
# descendants (a container's process may have a cleared environment).
tagged() {
  _pids=$(grep -lzx "RP_CHECK_TAG=$1" /proc/[0-9]*/environ 2>/dev/null |
    sed 's,^/proc/,,; s,/environ$,,')
  [ -n "$_pids" ] || return 0
  ps -e -o pid=,ppid= | awk -v seed="$_pids" -v me="$$" '
    BEGIN { n = split(seed, s, /[ \n]/); for (i = 1; i <= n; i++) if (s[i] != "") keep[s[i]] = 1 }
    { parent[$1] = $2 }
    END {
      do { grew = 0; for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; grew = 1 } } while (grew)
      for (p in keep) if (p != me && (p in parent)) print p
    }'
}

# mounts_under DIR: mount points at or below DIR, deepest first.
mounts_under() {
  awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

# stale_sockets STAMP: shim sockets made since STAMP that nothing listens on.
stale_sockets() {
  for _s in /run/containerd/s/* /run/nri/nri.sock; do
    [ -S "$_s" ] && [ "$_s" -nt "$1" ] || continue
    grep -q " $_s\$" /proc/net/unix || echo "$_s"
  done
}

# sweep NAME TAG DIR STAMP: report and remove what the file left behind.
sweep() {
  _left=$(tagged "$2")
  for _p in $_left; do
    record "FAIL: $1: left running: pid $_p $(tr '\0' ' ' < "/proc/$_p/cmdline" 2>/dev/null | cut -c1-100)"
  done
  if [ -n "$_left" ]; then
    # shellcheck disable=SC2086
    kill -TERM $_left 2>/dev/null; sleep 1
    # shellcheck disable=SC2086
    kill -KILL $(tagged "$2") 2>/dev/null
  fi
  for _m in $(mounts_under "$3"); do
    record "FAIL: $1: left mounted: ${_m#"$3"/}"
    umount -l "$_m" 2>/dev/null
  done
  for _s in $(stale_sockets "$4"); do
    record "FAIL: $1: left a socket nothing listens on: $_s"
    rm -f "$_s"
  done
}

# ---------------------------------------------------------------- files

# status_of NAME: where a stopped file stood.
status_of() {
  _last=$(cat "$LOGDIR/$1.status.last" 2>/dev/null)
  _wait=$(cat "$LOGDIR/$1.status.wait" 2>/dev/null)
  printf 'last result: %s' "${_last:-none}"
  [ -n "$_wait" ] && printf '; waiting for: %s' "$_wait"
}

# watch NAME PID PLAN LOG: wait for the file, with a progress line a minute.
watch() {
  _t=0
  while kill -0 "$2" 2>/dev/null; do
    sleep 0.2; _t=$((_t + 1))
    [ $((_t % 300)) = 0 ] &&
      note "   $1: $(grep -cE '^(PASS|FAIL|SKIP): ' "$4") of $3 after $((_t / 5)) s"
  done
  wait "$2"
}

run_test_file() {
  f=$1
  name=$(basename "$f" .test)
  log=$LOGDIR/$name.log
  set -- $(plan_of "$f")
  if [ $# != 2 ]; then
    record "FAIL: $name: no plan line (plan CASES SECONDS)"
    return
  fi
  plan=$1 bound=$2
  dir=$(mktemp -d "${TMPDIR:-/tmp}/rprocbox-$name.XXXXXX")
  stamp=$LOGDIR/$name.stamp tag=$name.$$.$(date +%s)
  : > "$stamp"
  note "== $name ($plan cases, up to $bound s; $(elapsed) s so far)"
  RP_CHECK_TAG=$tag RP_STATUS=$LOGDIR/$name.status TESTDIR=$dir TESTFILE=$name \
    timeout -k 10 "$bound" sh "$f" >"$log" 2>&1 &
  watch "$name" $! "$plan" "$log"
  rc=$?
  why=""
  [ "$rc" = 124 ] || [ "$rc" = 137 ] && why="stopped at its time bound of $bound s; $(status_of "$name")"
  [ -n "$why" ] && record "FAIL: $name: $why"
  account "$name" "$log" "$plan" "$rc" "$why"
  ci_skips "$log" "$name"
  grep -E '^(FAIL|SKIP): ' "$log" >&2
  grep -q '^FAIL: ' "$log" && sed -n '/^FAIL: /,/^\(PASS\|FAIL\|SKIP\): /p' "$log" | head -n 60 >&2
  sweep "$name" "$tag" "$dir" "$stamp"
  rm -rf --one-file-system "$dir"
}

run_kernel() {
  set -- $(plan_of scripts/kernel-check.sh)
  plan=$1 bound=$2
  note "== kernel ($plan cases, up to $bound s; $(elapsed) s so far)"
  timeout -k 10 "$bound" scripts/kernel-check.sh >"$LOGDIR/kernel.log" 2>"$LOGDIR/kernel.err" &
  watch kernel $! "$plan" "$LOGDIR/kernel.log"
  rc=$?
  why=""
  [ "$rc" = 124 ] || [ "$rc" = 137 ] &&
    why="stopped at its time bound of $bound s; $(tail -n 1 "$LOGDIR/kernel.err")"
  [ -n "$why" ] && record "FAIL: kernel: $why"
  account kernel "$LOGDIR/kernel.log" "$plan" "$rc" "$why"
  ci_skips "$LOGDIR/kernel.log" kernel
  grep -E '^(FAIL|SKIP): ' "$LOGDIR/kernel.log" >&2
}

if [ "$only_kernel" = 0 ]; then
  want unit && run_units
  for f in "$TESTS"/*.test; do
    want "$(basename "$f" .test)" || continue
    run_test_file "$f"
  done
fi
if [ "$kernel" = 1 ] && { [ "$only_kernel" = 1 ] || want kernel; }; then
  run_kernel
fi

passed=$(grep -c '^PASS: ' "$RESULTS")
failed=$(grep -c '^FAIL: ' "$RESULTS")
skipped=$(grep -c '^SKIP: ' "$RESULTS")
note "check.sh: $(elapsed) s"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
