#!/bin/sh
# run-guest.sh - run the guest tests of the kernel tier (inside the VM).
#
# 1. tests/sysfs-conformance.sh (installed as /tests/sysfs-conformance.sh)
#    with RPROC_ROOT=/ CONF_DEV=remoteproc0, if the initramfs has it;
# 2. every /tests/kernel/guest/*.sh in name order. A script whose header has
#    a line "# needs: rprocbox" is reported as SKIP when the initramfs has no
#    arm64 rprocbox (reason in /tests/kernel/rprocbox-missing).
# A script that exits non-zero without printing a FAIL line, prints no result
# line, or runs longer than GUEST_TIMEOUT seconds (default 60) gets a FAIL
# line of its own. Finally the kernel log is checked for oopses and warnings.
GUEST_TIMEOUT=${GUEST_TIMEOUT:-60}
TESTS=/tests
# The initramfs holds tests/ as the repository does, so TOP is its root.
export RPROC_ROOT=/ TOP=/ MKELF=/usr/bin/mkelf
if [ -x /usr/bin/rprocbox ]; then
  export RPROCBOX=/usr/bin/rprocbox
fi
out=$(mktemp)

# Print what the running script wrote since the last call. The script
# writes to a file, not a pipe: a daemon it leaves behind cannot hold the
# runner up, and a hang still shows how far the script got.
flush() {
  _sz=$(wc -c < "$out")
  if [ "$_sz" -gt "$shown" ]; then
    tail -c +$((shown + 1)) "$out" | head -c $((_sz - shown))
    shown=$_sz
  fi
}

# run NAME FILE [VAR=VALUE...]: one script in a session of its own (killed
# whole after GUEST_TIMEOUT seconds), its output passed through.
run() {
  name=$1 file=$2
  shift 2
  read -r up _ < /proc/uptime
  echo "== $name (uptime $up s)"
  : >"$out"
  shown=0 ticks=0 timedout=0
  env "$@" setsid sh "$file" >"$out" 2>&1 </dev/null &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.1
    flush
    ticks=$((ticks + 1))
    if [ "$ticks" -ge $((GUEST_TIMEOUT * 10)) ]; then
      kill -9 -"$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null
      timedout=1
      break
    fi
  done
  wait "$pid"
  rc=$?
  flush
  [ "$shown" -gt 0 ] && [ -n "$(tail -c 1 "$out")" ] && echo
  if [ "$timedout" = 1 ]; then
    echo "FAIL: kernel: $name did not finish within ${GUEST_TIMEOUT} s"
  elif [ "$rc" != 0 ] && ! grep -q '^FAIL: ' "$out"; then
    echo "FAIL: kernel: $name exited with status $rc"
  elif ! grep -qE '^(PASS|FAIL|SKIP): ' "$out"; then
    echo "FAIL: kernel: $name printed no result line"
  fi
}

if [ -f "$TESTS/sysfs-conformance.sh" ]; then
  run sysfs-conformance.sh "$TESTS/sysfs-conformance.sh" CONF_DEV=remoteproc0
else
  echo "SKIP: kernel: sysfs-conformance (tests/sysfs-conformance.sh not in the tree yet)"
fi

for f in "$TESTS"/kernel/guest/*.sh; do
  [ -f "$f" ] || continue
  name=${f##*/}
  if grep -q '^# needs: rprocbox' "$f" && [ -z "${RPROCBOX:-}" ]; then
    echo "SKIP: kernel: $name ($(cat "$TESTS/kernel/rprocbox-missing" 2>/dev/null || echo 'no arm64 rprocbox'))"
    continue
  fi
  run "$name" "$f"
done

bad=$(dmesg | grep -E 'Oops|BUG:|WARNING:|Call trace:|Kernel panic|refcount_t:' | head -n 3)
if [ -z "$bad" ]; then
  echo "PASS: kernel: no oops or warning in the kernel log"
else
  echo "FAIL: kernel: kernel log has an oops or warning ($(echo "$bad" | head -n 1))"
fi
rm -f "$out"
