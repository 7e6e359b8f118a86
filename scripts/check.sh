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

LOGDIR=$TOP/build/check
rm -rf "$LOGDIR" && mkdir -p "$LOGDIR"
RESULTS=$LOGDIR/results
: > "$RESULTS"

note() { printf '%s\n' "$*" >&2; }
record() { printf '%s\n' "$*" | tee -a "$RESULTS"; }

want() {
  [ -z "$selected" ] && return 0
  for w in $selected; do [ "$w" = "$1" ] && return 0; done
  return 1
}

if [ "$deps" = 1 ]; then
  # Everything any tier uses, in one apt transaction: build tools, the FUSE
  # simulator, protoc, the arm64 cross build, the real container tools,
  # QEMU for the kernel tier, clang for the fuzz smoke, valgrind, and
  # python3 for two test helpers (a subreaper, a console-socket receiver).
  scripts/deps.sh build sim proto arm64 peers kernel fuzz bench tests ||
    note "check.sh: some packages are missing; tests that need them skip"
fi

JOBS=$(nproc 2>/dev/null || echo 2)
if ! make -s -j"$JOBS" all tools >"$LOGDIR/build.log" 2>&1; then
  cat "$LOGDIR/build.log" >&2
  record "FAIL: build: make all tools"
  echo "0 passed, 1 failed"
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
    if ! "$u" >"$LOGDIR/unit-$name.log" 2>&1; then
      grep -q '^FAIL: ' "$LOGDIR/unit-$name.log" ||
        echo "FAIL: unit/$name: exited with status $? (see build/check/unit-$name.log)" >>"$LOGDIR/unit-$name.log"
      tail -n 30 "$LOGDIR/unit-$name.log" >&2
    fi
    grep -E '^(PASS|FAIL|SKIP): ' "$LOGDIR/unit-$name.log" | tee -a "$RESULTS"
  done
}

run_test_file() {
  f=$1
  name=$(basename "$f" .test)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/rprocbox-$name.XXXXXX")
  log=$LOGDIR/$name.log
  note "== $name"
  TESTDIR=$dir TESTFILE=$name timeout -k 10 1500 sh "$f" >"$log" 2>&1
  rc=$?
  grep -E '^(PASS|FAIL|SKIP): ' "$log" | tee -a "$RESULTS" >/dev/null
  grep -E '^(FAIL|SKIP): ' "$log" >&2
  if [ "$rc" != 0 ] && ! grep -q '^FAIL: ' "$log"; then
    record "FAIL: $name: test file exited with status $rc (see build/check/$name.log)"
  fi
  grep -q '^FAIL: ' "$log" && sed -n '/^FAIL: /,/^\(PASS\|FAIL\|SKIP\): /p' "$log" | head -n 60 >&2
  rm -rf "$dir"
}

if [ "$only_kernel" = 0 ]; then
  want unit && run_units
  for f in tests/*.test; do
    want "$(basename "$f" .test)" || continue
    run_test_file "$f"
  done
fi
if [ "$kernel" = 1 ] && [ -x scripts/kernel-check.sh ] && { [ "$only_kernel" = 1 ] || want kernel; }; then
  note "== kernel"
  scripts/kernel-check.sh 2>&1 | tee "$LOGDIR/kernel.log" | grep -E '^(PASS|FAIL|SKIP): ' >>"$RESULTS"
  grep -E '^(FAIL|SKIP): ' "$LOGDIR/kernel.log" >&2
fi

passed=$(grep -c '^PASS: ' "$RESULTS")
failed=$(grep -c '^FAIL: ' "$RESULTS")
skipped=$(grep -c '^SKIP: ' "$RESULTS")
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
