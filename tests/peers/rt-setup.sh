# tests/peers/rt-setup.sh - the start shared by the runtime-peers*.test files:
# the simulator (m4, dsp), the runtime wrapper $W the tools are given, the
# images, helpers. Sourced after testing.sh and plan; CTD_GROUP, when set,
# names the scripts/pins group of the containerd the file runs instead of
# the system's (tests/peers/lib.sh peers_engine); RT_SIM_ARGS, the
# simulator's extra options (--tty m4=MAJ:MIN).
# shellcheck shell=sh disable=SC2016  # test commands are single-quoted for eval

. "$TOP/tests/sim/sim.sh"
. "$TOP/tests/peers/lib.sh"

need_root
[ -z "${CTD_GROUP:-}" ] || peers_engine "$CTD_GROUP" || skip_all "$PEERS_REASON"
[ -x "$TOP/build/mkelf" ] || skip_all "build/mkelf is not built (make tools)"

# skip_cases REASON NAME...: one SKIP line for each case that cannot run.
skip_cases() {
  _why=$1; shift
  for _n in "$@"; do skip "$_n" "$_why"; done
}

sim_start ${RT_SIM_ARGS:-} m4 dsp || skip_all "$SIM_ERROR"

# Containers left by a failed case: every state root the tools use, swept
# after the tools stopped and before the simulator goes (at_exit runs the
# most recently registered first: peers_cleanup, this, sim_stop).
RT_ROOTS=""
rt_() { "$RPROCBOX" remoteproc-runtime "$@"; }
rt_sweep() {
  for _r in $RT_ROOTS; do
    for _id in $(rt_ --root "$_r" list -q 2>/dev/null); do
      rt_ --root "$_r" delete --force "$_id" >/dev/null 2>&1
    done
  done
  return 0
}
at_exit rt_sweep
peers_init || skip_all "$PEERS_REASON"
peers_bin remoteproc-runtime "$RPROCBOX"
W=$PEERS_TMP/rt/remoteproc-runtime
mkdir -p "$PEERS_TMP/rt"
printf '#!/bin/sh\nRPROC_ROOT=%s\nexport RPROC_ROOT\nexec %s "$@"\n' "$RPROC_ROOT" "$PEERS_BIN/remoteproc-runtime" > "$W"
chmod 0755 "$W"
export W S

. "$TOP/tests/peers/board.sh"
# our containers under a runtime root
rt_list() { rt_ --root "$1" list -q; }
# ours: live proxies and guardians of this simulator
ours() { procs_of 'rproxy:*|rproc-guard' | sort; }

# ---------------------------------------------------------------- images

IMG=$TESTDIR/img
mkdir -p "$IMG"
"$TOP/build/mkelf" "$IMG/hello.elf" >/dev/null
for spec in fw:m4 fwdsp:dsp fwbad:cortex-m99; do
  sh "$TOP/scripts/mkimage.sh" --name "localhost/${spec%%:*}:latest" --firmware "$IMG/hello.elf" \
    --mcu "${spec#*:}" --oci-archive "$IMG/${spec%%:*}.oci.tar" \
    --docker-archive "$IMG/${spec%%:*}.docker.tar" >/dev/null || skip_all "scripts/mkimage.sh failed"
done

