# tests/peers/cri-cdi.sh - a Kubernetes companion container reaches the
# firmware through the CDI spec that `rproc cdi` writes: containerd's CRI
# with CDI enabled (cdi_spec_dirs pointed at the spec; enable_cdi on 1.7)
# creates a runc container whose ContainerConfig asks for
# rprocbox.dev/rpmsg=m4 by the annotation cdi.k8s.io/<name>, driven over the
# CRI API by tests/cri/client.js as the kubelet drives it; it sees
# /dev/ttyRPMSG0 with a pseudo-terminal's numbers (the simulator's rpmsg tty)
# and no other device of the spec, and `=all` every processor's nodes, which
# its device cgroup lets it open. The body shared by tests/cri-cdi-*.test:
# CTD_GROUP names the containerd (scripts/pins), CRI_CONFIG_VERSION (2 or 3)
# its config keys.

# shellcheck shell=sh disable=SC2016  # test commands are single-quoted for eval
. "$TOP/tests/sim/sim.sh"
. "$TOP/tests/peers/lib.sh"

need_root
[ -z "${CTD_GROUP:-}" ] || peers_engine "$CTD_GROUP" || skip_all "$PEERS_REASON"
need_cmd containerd ctr node npm python3 runc
[ -x "$TOP/build/mkelf" ] || skip_all "build/mkelf is not built (make tools)"
busybox=""
[ "$(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null)" != "install ok installed" ] ||
  busybox=$(dpkg-query -L busybox-static | grep '/bin/busybox$' | head -n 1)
[ -n "$busybox" ] && [ -x "$busybox" ] || skip_all "needs busybox-static (Debian package) for the images"

cri_client || skip_all "$PEERS_REASON"
cri() { node "$CLIENT" "$CRI_ADDRESS" "$@"; }

# The rpmsg tty: a pseudo-terminal (pty_hold).
pty_hold || skip_all "$PEERS_REASON"
HEX=$(printf '%x:%x' "${PTY%%:*}" "${PTY#*:}")
sim_start --rpmsg "m4=rpmsg-tty@$PTY" --rpmsg dsp=rpmsg-raw@3000:3 m4 dsp || skip_all "$SIM_ERROR"
sim_fw app.elf
CDIDIR=$RPROC_ROOT/var/run/cdi
stop_fw() { "$RPROCBOX" rproc stop m4 >/dev/null 2>&1; "$RPROCBOX" rproc stop dsp >/dev/null 2>&1; return 0; }
at_exit stop_fw

IMG=$TESTDIR/img
mkdir -p "$IMG/rootfs/bin" "$TESTDIR/cfg" "$TESTDIR/logs"
cp "$busybox" "$IMG/rootfs/bin/busybox"
for a in sh ls cat stat sleep; do ln -s busybox "$IMG/rootfs/bin/$a"; done
IMAGE=localhost/companion:test
sh "$TOP/scripts/mkimage.sh" --name "$IMAGE" --rootfs "$IMG/rootfs" --entrypoint '["/bin/sleep","3600"]' \
  --oci-archive "$IMG/c.tar" >/dev/null || skip_all "scripts/mkimage.sh failed"

# restrict_oom_score_adj: the sandbox's -998 would need CAP_SYS_RESOURCE,
# which this machine's root may lack (runc's init then dies without a word).
case ${CRI_CONFIG_VERSION:-2} in
  2) CRI_PLUGIN_EXTRA="  enable_cdi = true
  cdi_spec_dirs = [\"$CDIDIR\"]
  restrict_oom_score_adj = true" ;;
  3) CRI_PLUGIN_EXTRA="  cdi_spec_dirs = ['$CDIDIR']
  restrict_oom_score_adj = true" ;;  # CDI is on by default from 2.0
esac
containerd_start_cri "$IMAGE" "" || skip_all "$PEERS_REASON"
ctr_import "$IMG/c.tar" || skip_all "ctr images import failed"
wait_for 10 cri image-status "$IMAGE" -- image.id

# The pod: host network, runc (the default handler); the companion image is
# its sandbox image too.
cat > "$TESTDIR/cfg/pod.json" <<POD
{"metadata": {"name": "app", "uid": "uid-app", "namespace": "default", "attempt": 0},
 "log_directory": "$TESTDIR/logs",
 "linux": {"security_context": {"namespace_options": {"network": "NODE", "pid": "POD", "ipc": "POD"}}}}
POD
# ctr NAME DEVICE: a ContainerConfig of the companion asking for DEVICE of
# the spec (none when empty) as the kubelet passes CDI devices on.
ctr() {
  _ann=""
  [ -z "$2" ] || _ann="\"cdi.k8s.io/rpmsg\": \"rprocbox.dev/rpmsg=$2\""
  printf '{"metadata": {"name": "%s", "attempt": 0}, "image": {"image": "%s"}, "annotations": {%s}, "log_path": "%s.log",
 "linux": {"security_context": {"namespace_options": {"network": "NODE", "pid": "POD", "ipc": "POD"}}}}\n' \
    "$1" "$IMAGE" "$_ann" "$1" > "$TESTDIR/cfg/ctr-$1.json"
}
has_chan() { [ -e "$RPROC_ROOT/sys/bus/rpmsg/devices/$1" ]; }
# run NAME DEVICE CMD...: create and start that container in the pod, then
# print CMD's stdout (ExecSync's bytes, which the client shows as a JSON
# Buffer) and exit code.
run() {
  _n=$1 _d=$2; shift 2
  ctr "$_n" "$_d"
  _c=$(cri create-container "$POD" "$TESTDIR/cfg/ctr-$_n.json" "$TESTDIR/cfg/pod.json") && cri start-container "$_c" &&
    cri exec-sync "$_c" "$@" -- stdout exit_code | python3 -c '
import json, sys
sys.stdout.write(bytes(json.loads(sys.stdin.readline())["data"]).decode())
sys.stdout.write(sys.stdin.read())'
}

testing "rproc cdi: the spec with m4's tty and dsp's endpoint" \
  '"$RPROCBOX" rproc start m4 "$RPROC_ROOT/lib/firmware/app.elf" >/dev/null &&
   "$RPROCBOX" rproc start dsp "$RPROC_ROOT/lib/firmware/app.elf" >/dev/null &&
   wait_for 5 has_chan virtio0.rpmsg-tty.-1.1024 && wait_for 5 has_chan virtio1.rpmsg-raw.-1.1024 &&
   "$RPROCBOX" rproc cdi | sed "s|$CDIDIR|CDI|"' \
  "CDI/rprocbox.json: 2 rpmsg node(s)\n" "" ""
POD=$(cri run-pod-sandbox "$TESTDIR/cfg/pod.json" "" 2>"$TESTDIR/pod.err")
testing "RunPodSandbox (runc, host network)" 'test -n "$POD" && echo ok; cat pod.err' "ok\n" "" ""
testing "cdi.k8s.io/rpmsg: rprocbox.dev/rpmsg=m4 gives /dev/ttyRPMSG0, the pty's numbers, no rpmsg0" \
  'run m4 m4 /bin/sh -c "stat -c \"%F %t:%T\" /dev/ttyRPMSG0; test -e /dev/rpmsg0 || echo no rpmsg0"' \
  "character special file $HEX\nno rpmsg0\n0\n" "" ""
testing "and no other device: /dev differs from a container without it by ttyRPMSG0 alone" \
  'run plain "" /bin/ls /dev > plain; run m4b m4 /bin/ls /dev > m4; diff plain m4 | grep "^[<>]"' \
  "> ttyRPMSG0\n" "" ""
testing "rprocbox.dev/rpmsg=all: every processor's nodes, which its device cgroup lets it open" \
  'run all all /bin/sh -c "ls /dev/ttyRPMSG0 /dev/rpmsg0; cat /dev/rpmsg0 2>&1"' \
  "/dev/rpmsg0\n/dev/ttyRPMSG0\ncat: can't open '/dev/rpmsg0': No such device or address\n1\n" "" ""
testing "stop and remove the pod" \
  'cri stop-pod-sandbox "$POD" && cri remove-pod-sandbox "$POD"; echo rc=$?' "rc=0\n" "" ""
containerd_stop
testing "nothing left behind" 'peers_leftovers' "" "" ""
