# tests/peers/console-cri.sh - Kubernetes' path to a firmware's shell, the
# body shared by tests/console-cri*.test: `kubectl attach -it` is CRI Attach
# and then the streaming server's URL. One containerd release (the
# system's, or the scripts/pins group CTD_GROUP names) with its CRI plugin,
# config keys of version CRI_CONFIG_VERSION (2 or 3), handler remoteproc
# (the native shim, pod_annotations remoteproc.*), runs a pod whose
# annotation remoteproc.log names m4's rpmsg tty, its container with stdin
# and tty; tests/cri/client.js attaches as kubectl does (a WebSocket, the
# kubelet's channel protocol), types, leaves, attaches again. The firmware
# is tests/sim/fwshell.py (see tests/console-peers.test).
#
# Sourced after testing.sh and plan (4 cases). Needs root, FUSE, python3,
# containerd, node and npm (the CRI client's modules, as
# tests/peers/cri-e2e.sh installs them into build/npm), and busybox-static
# for the pause image.

# shellcheck shell=sh disable=SC2016  # test commands are single-quoted for eval
. "$TOP/tests/sim/sim.sh"
. "$TOP/tests/sim/fwshell.sh"
. "$TOP/tests/peers/lib.sh"
need_root
[ -z "${CTD_GROUP:-}" ] || peers_engine "$CTD_GROUP" || skip_all "$PEERS_REASON"
need_cmd containerd ctr node npm
[ -x "$TOP/build/mkelf" ] || skip_all "build/mkelf is not built (make tools)"
busybox=$(dpkg-query -L busybox-static 2>/dev/null | grep '/bin/busybox$' | head -n 1)
[ -n "$busybox" ] && [ -x "$busybox" ] || skip_all "needs busybox-static (Debian package) for the pause image"
cri_client || skip_all "$PEERS_REASON"
fwshell_start || skip_all "$FW_ERROR"
sim_start --tty "m4=$FW_TTY" m4 || skip_all "$SIM_ERROR"
fwshell_link
S=$RPROC_ROOT/sys/class/remoteproc
export S

IMG=$TESTDIR/img
mkdir -p "$IMG/pause/bin" "$TESTDIR/cfg"
cp "$busybox" "$IMG/pause/bin/busybox" && ln -s busybox "$IMG/pause/bin/sleep"
PAUSE=localhost/rprocbox-pause:test FW=localhost/rprocbox-fw:test
"$TOP/build/mkelf" "$IMG/hello.elf" >/dev/null
sh "$TOP/scripts/mkimage.sh" --name "$PAUSE" --rootfs "$IMG/pause" --entrypoint '["/bin/sleep","infinity"]' \
  --oci-archive "$IMG/pause.tar" >/dev/null &&
  sh "$TOP/scripts/mkimage.sh" --name "$FW" --firmware "$IMG/hello.elf" --oci-archive "$IMG/fw.tar" >/dev/null ||
  skip_all "scripts/mkimage.sh failed"

peers_bin containerd-shim-remoteproc-v1 "$RPROCBOX"
HANDLER_TOML=$(cri_handler_toml)
containerd_start_cri "$PAUSE" "$HANDLER_TOML" || skip_all "$PEERS_REASON"
# After containerd (stopped first at exit): any container of ours left.
rt_sweep() {
  for _id in $("$RPROCBOX" remoteproc-runtime list -q 2>/dev/null); do
    "$RPROCBOX" remoteproc-runtime delete --force "$_id" >/dev/null 2>&1
  done
  return 0
}
at_exit rt_sweep
peers_init
cri() { node "$CLIENT" "$CRI_ADDRESS" "$@"; }
ctr_import "$IMG/pause.tar" && ctr_import "$IMG/fw.tar" || skip_all "ctr images import into k8s.io failed"
wait_for 10 cri image-status "$FW" -- image.id
wait_for 10 cri image-status "$PAUSE" -- image.id

cat > "$TESTDIR/cfg/pod.json" <<EOF
{"metadata": {"name": "sh", "uid": "uid-sh", "namespace": "default", "attempt": 0},
 "hostname": "sh", "log_directory": "$TESTDIR/logs",
 "annotations": {"remoteproc.name": "m4", "remoteproc.log": "/dev/ttyRPMSG0"},
 "linux": {"security_context": {"namespace_options": {"network": "NODE", "pid": "POD", "ipc": "POD"}}}}
EOF
cat > "$TESTDIR/cfg/ctr.json" <<EOF
{"metadata": {"name": "fw", "attempt": 0}, "image": {"image": "$FW"}, "log_path": "fw.log",
 "stdin": true, "tty": true,
 "linux": {"security_context": {"namespace_options": {"network": "NODE", "pid": "POD", "ipc": "POD"}}}}
EOF
mkdir -p "$TESTDIR/logs"

# attach NAME: the client attached in the background ($!), typed into
# through fd 8 (NAME.in, a FIFO held open here), its output in NAME.out,
# the stream's status (channel 3) in NAME.err.
attach() {
  rm -f "$1.in" && mkfifo "$1.in" && exec 8<>"$1.in"
  node "$CLIENT" "$CRI_ADDRESS" attach "$C" < "$1.in" > "$1.out" 2>"$1.err" &
}
prompt() { wait_for 10 sh -c "tail -c 4 \"$1\" | grep -q 'fw> '"; }
ended() { wait_for 20 gone "$1" || kill "$1"; wait "$1"; }

P=$(cri run-pod-sandbox "$TESTDIR/cfg/pod.json" remoteproc 2>"$TESTDIR/err")
C=$(cri create-container "$P" "$TESTDIR/cfg/ctr.json" "$TESTDIR/cfg/pod.json" 2>>"$TESTDIR/err")
export C
testing "CRI: a container with stdin and tty in a pod naming m4's rpmsg tty runs the firmware" \
  'cat err; cri start-container "$C"; echo rc=$?; cri container-status "$C" -- status.state; cat "$S/remoteproc0/state"' \
  "rc=0\nCONTAINER_RUNNING\nrunning\n" "" ""
testing "CRI Attach (kubectl attach -it): typed keys reach the firmware's shell; leave, attach again" \
  'attach a1; t=$!; sleep 0.5; printf "echo one\r" >&8; prompt a1.out; kill $t; ended $t;
   attach a2; t=$!; sleep 0.5; printf "version\r" >&8; prompt a2.out; cri stop-container "$C" 10; ended $t; echo rc=$?;
   sed -n l a1.out; sed -n l a2.out; cat a2.err; echo; fwshell_in; cri container-status "$C" -- status.state; cat "$S/remoteproc0/state"' \
  'rc=0\necho one\\r$\none\\r$\nfw> $\nversion\\r$\nfw-sim 1.0\\r$\nfw> $\n{"metadata":{},"status":"Success"}\necho one\\rversion\\r$\nCONTAINER_EXITED\noffline\n' "" ""
testing "CRI: the firmware's shell session is in the container's log too" \
  'sed -e "s/^[^ ]* stdout [FP] //" logs/fw.log | tr -d "\r"' \
  "echo one\none\nfw> version\nfw-sim 1.0\nfw> \n" "" ""
testing "CRI: removed; nothing left" \
  'cri remove-container "$C"; cri stop-pod-sandbox "$P"; cri remove-pod-sandbox "$P"; containerd_stop; peers_settle 5; peers_leftovers;
   "$RPROCBOX" remoteproc-runtime list -q; cat "$S/remoteproc0/state"' \
  "offline\n" "" ""
