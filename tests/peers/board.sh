# tests/peers/board.sh - the simulated board as the end-to-end files look at
# it (after tests/sim/sim.sh's sim_start): S is its sysfs class directory.
#   pstate N              state of remoteprocN
#   is_state N STATE      remoteprocN is in STATE
#   crash N               the firmware on remoteprocN crashes with the kernel's
#                         recovery disabled (then enabled again)
#   staged                what the runtime left in its firmware, claims and
#                         state directories, one line each; nothing when clean
#   id64                  a 64-hex-digit container id line as "ID"

S=$RPROC_ROOT/sys/class/remoteproc
export S
crash() {
  echo disabled > "$S/remoteproc$1/recovery" && sim_crash "remoteproc$1" &&
    wait_for 5 is_state "$1" offline; echo enabled > "$S/remoteproc$1/recovery"
}
# shellcheck disable=SC2010  # names here are ours: no odd characters
staged() {
  for _d in lib/firmware/remoteproc-runtime run/rprocbox/claims run/remoteproc-runtime; do
    [ -d "$RPROC_ROOT/$_d" ] || continue
    _l=$(ls -A "$RPROC_ROOT/$_d" | grep -v '^\.lock$' | tr '\n' ' ')
    [ -z "$_l" ] || echo "$_d: $_l"
  done
}
id64() { sed 's/^[0-9a-f]\{64\}$/ID/'; }
