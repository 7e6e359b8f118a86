# tests/peers/cri-cdi.sh - a Kubernetes companion container reaches the
# firmware through the CDI spec that `rproc cdi` writes: containerd's CRI
# with CDI enabled (enable_cdi, cdi_spec_dirs pointed at the spec) creates a
# runc container whose ContainerConfig asks for rprocbox.dev/rpmsg=m4 by the
# annotation cdi.k8s.io/<name> (what the kubelet's device plugins and
# Kubernetes' CDI support send), driven over the CRI API by tests/cri/
# client.js; it sees /dev/ttyRPMSG0 with a pseudo-terminal's numbers (the
# simulator's rpmsg tty) and no other device of the spec. The body shared by
# tests/cri-cdi-*.test: CTD_GROUP names the containerd (scripts/pins),
# CRI_CONFIG_VERSION its config version.

# shellcheck shell=sh disable=SC2016  # test commands are single-quoted for eval
. "$TOP/tests/sim/sim.sh"
. "$TOP/tests/peers/lib.sh"

need_root
[ -z "${CTD_GROUP:-}" ] || peers_engine "$CTD_GROUP" || skip_all "$PEERS_REASON"
need_cmd containerd ctr node python3
[ -x "$TOP/build/mkelf" ] || skip_all "build/mkelf is not built (make tools)"
busybox=""
[ "$(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null)" != "install ok installed" ] ||
  busybox=$(dpkg-query -L busybox-static | grep '/bin/busybox$' | head -n 1)
[ -n "$busybox" ] && [ -x "$busybox" ] || skip_all "needs busybox-static (Debian package) for the images"
CRI_NODE_MODULES=$TOP/build/npm/node_modules
export CRI_NODE_MODULES
[ -f "$CRI_NODE_MODULES/@grpc/grpc-js/package.json" ] && [ -f "$CRI_NODE_MODULES/@grpc/proto-loader/package.json" ] ||
  skip_all "the CRI client's modules are not in build/npm (tests/cri.test installs them)"
CLIENT=$TOP/tests/cri/client.js
cri() { node "$CLIENT" "$CRI_ADDRESS" "$@"; }

# The rpmsg tty: a pseudo-terminal, held open by a python3 that prints its MAJ:MIN.
python3 -c '
import os, time
m, s = os.openpty()
st = os.fstat(s)
print("%d:%d" % (os.major(st.st_rdev), os.minor(st.st_rdev)), flush=True)
time.sleep(3600)
' > "$TESTDIR/pty.dev" &
PTY_PID=$!
pty_stop() { kill "$PTY_PID" 2>/dev/null; wait "$PTY_PID" 2>/dev/null; return 0; }
at_exit pty_stop
wait_for 5 test -s "$TESTDIR/pty.dev" || skip_all "python3 could not open a pseudo-terminal"
PTY=$(cat "$TESTDIR/pty.dev")
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
sh "$TOP/scripts/mkimage.sh" --name "$IMAGE" --rootfs "$IMG/rootfs" --entrypoint '["/bin/sleep","infinity"]' \
  --oci-archive "$IMG/c.tar" >/dev/null || skip_all "scripts/mkimage.sh failed"

case ${CRI_CONFIG_VERSION:-2} in
  2) CRI_PLUGIN_EXTRA="  enable_cdi = true
  cdi_spec_dirs = [\"$CDIDIR\"]" ;;
  3) CRI_PLUGIN_EXTRA="  cdi_spec_dirs = ['$CDIDIR']" ;;  # CDI is on by default from 2.0
esac
containerd_start_cri "$IMAGE" "" || skip_all "$PEERS_REASON"
ctr_import "$IMG/c.tar" || skip_all "ctr images import failed"
wait_for 10 cri image-status "$IMAGE" -- image.id

# pod NAME: a host-network PodSandboxConfig (runc, the default handler).
cat > "$TESTDIR/cfg/pod.json" <<EOF
{"metadata": {"name": "app", "uid": "uid-app", "namespace": "default", "attempt": 0},
 "hostname": "app", "log_directory": "$TESTDIR/logs",
 "linux": {"security_context": {"namespace_options": {"network": "NODE", "pid": "POD", "ipc": "POD"}}}}
