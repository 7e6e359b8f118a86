#!/bin/sh
# fuzz.sh - build the libFuzzer harnesses of tests/fuzz/ and run them
#
#   scripts/fuzz.sh SECONDS     fuzz each harness SECONDS s (make fuzz FUZZ_SECONDS=N)
#   scripts/fuzz.sh 0           smoke: run every committed seed once
#   scripts/fuzz.sh --list      print the harness names
#   FUZZ_ONLY="json elf" scripts/fuzz.sh N    only these harnesses
#
# Needs clang and libFuzzer (scripts/deps.sh fuzz: clang libclang-rt-14-dev).
# Harnesses run one after the other, each in one process (no -jobs), on a
# working copy of its seeds in build/fuzz/run/<name>/corpus: new inputs stay
# in build/, never in tests/ (a longer run continues from the last one's
# corpus). Prints one result line per harness:
#   fuzz: NAME: ok: N executions, cov C, ft F, corpus K inputs (T s)
#   fuzz: NAME: FAIL: <what> ... reproducer: build/fuzz/run/NAME/crash-...
# A reproducer runs again with `build/fuzz/NAME FILE`; minimize it with
# `build/fuzz/NAME -minimize_crash=1 -runs=10000 FILE` and commit it as
# tests/fuzz/corpus/NAME/crash-<what-it-does>.
#
# Exit status: 0 all ok, 1 a crash, leak, UB, timeout or build failure,
# 77 skipped (no clang or libFuzzer; the reason is printed).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1

HARNESSES="json spec taskpb ttrpc ttrpc_small elf bootcfg"
# seeds NAME: the committed corpus directories a harness starts from.
seeds() {
  case "$1" in
    json) echo "json spec bootcfg" ;;   # every JSON document we parse
    ttrpc_small) echo "ttrpc" ;;
    *) echo "$1" ;;
  esac
}
# flags NAME: extra libFuzzer flags.
flags() {
  case "$1" in
    ttrpc | ttrpc_small) echo "-max_len=8192" ;;   # room for floods of small frames
    *) ;;
  esac
}

case "${1:-}" in
  --list) echo "$HARNESSES"; exit 0 ;;
  '' | *[!0-9]*) echo "usage: scripts/fuzz.sh SECONDS (0 = run the seeds once) | --list" >&2; exit 2 ;;
esac
SECS=$1
[ -n "${FUZZ_ONLY:-}" ] && HARNESSES=$FUZZ_ONLY

skip() { echo "fuzz.sh: skipped: $*"; exit 77; }

if ! scripts/deps.sh fuzz >/dev/null 2>&1; then
  command -v clang >/dev/null 2>&1 || skip "clang is not installed and scripts/deps.sh fuzz could not install it"
fi
command -v clang >/dev/null 2>&1 || skip "clang is not installed"
O=build/fuzz
mkdir -p "$O"
# libFuzzer comes with libclang-rt-*-dev; without it clang cannot link -fsanitize=fuzzer.
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' > "$O/probe.c"
if ! clang -fsanitize=fuzzer,address,undefined -o "$O/probe" "$O/probe.c" >"$O/probe.log" 2>&1; then
  skip "clang cannot link -fsanitize=fuzzer,address,undefined (libclang-rt-14-dev missing?): $(head -n 1 "$O/probe.log")"
fi

JOBS=$(nproc 2>/dev/null || echo 1)
[ "$JOBS" -gt 2 ] && JOBS=2
if ! make -s -j"$JOBS" -f tests/fuzz/build.mk "$O/lib.a" >"$O/build.log" 2>&1; then
  cat "$O/build.log" >&2
  for h in $HARNESSES; do echo "fuzz: $h: FAIL: build of lib/ (see $O/build.log)"; done
  exit 1
fi

failed=0
for h in $HARNESSES; do
  W=$O/run/$h
  if ! make -s -f tests/fuzz/build.mk "$O/$h" >"$O/build-$h.log" 2>&1; then
    echo "fuzz: $h: FAIL: build"
    sed 's/^/    /' "$O/build-$h.log" | head -n 30
    failed=1
    continue
  fi
  mkdir -p "$W/corpus"
  if [ "$SECS" = 0 ]; then
    # Smoke: exactly the committed seeds, each executed once.
    rm -rf "$W/corpus" "$W"/crash-* "$W"/leak-* "$W"/timeout-* "$W"/oom-*
    mkdir -p "$W/corpus"
    run="-runs=0"
  else
    run="-max_total_time=$SECS"
  fi
  for d in $(seeds "$h"); do cp tests/fuzz/corpus/"$d"/* "$W/corpus/" 2>/dev/null; done
  dict=""
  d=$(seeds "$h" | cut -d" " -f1)   # ttrpc_small shares ttrpc.dict
  [ -f "tests/fuzz/$d.dict" ] && dict="-dict=tests/fuzz/$d.dict"
  start=$(date +%s)
  # shellcheck disable=SC2046,SC2086
  UBSAN_OPTIONS=print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
    "$O/$h" $run -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$W/" $dict $(flags "$h") "$W/corpus" >"$W/log" 2>&1
  rc=$?
  secs=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$W/log" | tail -n 1)
  cov=$(grep -E '^#[0-9]+.*cov: ' "$W/log" | tail -n 1 | sed 's/.*cov: \([0-9]*\) ft: \([0-9]*\).*/\1 \2/')
  n=$(find "$W/corpus" -type f | wc -l)
  repro=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$W/log" | tail -n 1)
  if [ "$rc" = 0 ] && [ -z "$repro" ]; then
    # shellcheck disable=SC2086
    set -- $cov   # "cov ft"
    echo "fuzz: $h: ok: ${execs:-?} executions, cov ${1:-?}, ft ${2:-?}, corpus $n inputs (${secs} s)"
  else
    failed=1
    what=$(grep -m 1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|invariant failed' "$W/log")
    echo "fuzz: $h: FAIL: exit $rc: ${what:-see $W/log}"
    [ -n "$repro" ] && echo "fuzz: $h: reproducer: $repro (log: $W/log)"
    # the error and our frames of its stack (not libFuzzer's or libc's)
    grep -E 'invariant failed|runtime error|ERROR: |^ +#[0-9]+ ' "$W/log" |
      grep -vE ' in (fuzzer::|__libc_start|_start |main )' | head -n 16 | sed 's/^/    /'
  fi
done
exit "$failed"
