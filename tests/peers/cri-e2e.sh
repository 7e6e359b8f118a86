# tests/peers/cri-e2e.sh - Kubernetes' path to the shim, end to end, the body
# shared by tests/cri*.test: one containerd release (the system's, or the
# scripts/pins group CTD_GROUP names) with its CRI plugin on a temporary root,
# configured with version CRI_CONFIG_VERSION keys (2 or 3), a runtime handler
# `remoteproc` (runtime_type io.containerd.remoteproc.v1, pod_annotations
# remoteproc.*), driven over the CRI gRPC API by tests/cri/client.js exactly
# as the kubelet drives it (RunPodSandbox, CreateContainer, StartContainer,
# ContainerStatus, StopContainer, RemoveContainer, StopPodSandbox,
# RemovePodSandbox, ExecSync, ReopenContainerLog, ListContainerStats), against
# the FUSE simulator with two processors (m4, dsp). Images are built here
# (scripts/mkimage.sh) and imported into k8s.io: nothing is pulled. Checks the
# pause sandbox holds no processor, two pods drive two processors at once, a
# third pod asking for a busy processor gets a clear CRI error, a crash gives
# CONTAINER_EXITED, the firmware log reaches the container's log_path, and
# nothing is left behind. What containerd words differently per release is
# expected per release; the behaviour asserted is the same.
#
# Needs root, FUSE (build/rprocsim), build/mkelf, containerd and Debian's
# busybox-static, node and npm (@grpc/grpc-js and @grpc/proto-loader are
# installed into build/npm on first use; without the npm registry and without
# that cache the file is skipped with the reason). The CRI configs used here
# are the ones config/kubernetes.md shows.

# shellcheck shell=sh disable=SC2016,SC2317  # test commands are single-quoted for eval
. "$TOP/tests/sim/sim.sh"
. "$TOP/tests/peers/lib.sh"

need_root
[ -z "${CTD_GROUP:-}" ] || peers_engine "$CTD_GROUP" || skip_all "$PEERS_REASON"
need_cmd containerd ctr node npm sha256sum
[ -x "$RPROCBOX" ] || skip_all "build/rprocbox is not built (make)"
[ -x "$TOP/build/mkelf" ] || skip_all "build/mkelf is not built (make tools)"
busybox=""
if [ "$(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null)" = "install ok installed" ]; then
  busybox=$(dpkg-query -L busybox-static | grep '/bin/busybox$' | head -n 1)
fi
if [ -z "$busybox" ] || [ ! -x "$busybox" ]; then
  skip_all "needs busybox-static (Debian package) for the pause image"
fi

cri_client || skip_all "$PEERS_REASON"
out=$(node "$CLIENT" --timeout 1 /nonexistent.sock version 2>&1)
case "$out" in
  "error: UNAVAILABLE:"*) ;;
  *) skip_all "the CRI client does not run here: $(printf '%s' "$out" | head -n 1 | cut -c1-200)" ;;
esac

# ---- the simulated board, the images ----
sim_start --model "rprocbox CRI test board" m4 dsp || skip_all "$SIM_ERROR"
SYS=$RPROC_ROOT/sys/class/remoteproc
CLAIMS=$RPROC_ROOT/run/rprocbox/claims
STAGE=$RPROC_ROOT/lib/firmware/remoteproc-runtime
RTSTATE=$RPROC_ROOT/run/remoteproc-runtime

IMG=$TESTDIR/img
mkdir -p "$IMG/pause/bin" "$TESTDIR/cfg"
# The pause image: our shim never runs it (a sandbox holds no processor),
# but containerd's CRI wants it in its image store.
cp "$busybox" "$IMG/pause/bin/busybox"
ln -s busybox "$IMG/pause/bin/sleep"
PAUSE=localhost/rprocbox-pause:test FW=localhost/rprocbox-fw:test
"$TOP/build/mkelf" --seed cri "$IMG/hello.elf" >/dev/null
if ! sh "$TOP/scripts/mkimage.sh" --name "$PAUSE" --rootfs "$IMG/pause" \
       --entrypoint '["/bin/sleep","infinity"]' --oci-archive "$IMG/pause.tar" >/dev/null ||
   ! sh "$TOP/scripts/mkimage.sh" --name "$FW" --firmware "$IMG/hello.elf" \
       --oci-archive "$IMG/fw.tar" >/dev/null; then
  skip_all "scripts/mkimage.sh failed"
fi

# Processes of this test (found by our RPROC_ROOT in their environment: the
# titles do not name containerd's socket): the shims and what they started.
# Killed at the end whatever happened (after containerd, before the sim).
ours() {
  for _d in /proc/[0-9]*; do
    _cl=$( { tr '\0' ' ' < "$_d/cmdline"; } 2>/dev/null) || continue
    case "$_cl" in containerd-shim-remoteproc-v1*|remoteproc-proxy*|remoteproc-guard*) ;; *) continue ;; esac
    { tr '\0' '\n' < "$_d/environ"; } 2>/dev/null | grep -qxF "RPROC_ROOT=$RPROC_ROOT" || continue
    _st=$(cat "$_d/stat" 2>/dev/null) || continue
    _st=${_st##*) }
    [ "${_st%% *}" = Z ] && continue
    echo "${_d#/proc/} $_cl"
  done
}
# After a containerd that died, its shims live on (by design) with their
# containers: the runtime's own `delete --force` stops each processor and
# drops its staged firmware and claim, then the shims are stopped.
kill_ours() {
  for _d in "$RTSTATE"/*; do
    [ -d "$_d" ] || continue
    echo "cri.test: removing leftover container ${_d##*/}" >&2
    "$RPROCBOX" remoteproc-runtime delete --force "${_d##*/}" >/dev/null 2>&1
  done
  _p=$(ours | cut -d' ' -f1)
  [ -n "$_p" ] || return 0
  echo "cri.test: stopping leftover processes: $(echo "$_p" | tr '\n' ' ')" >&2
  # shellcheck disable=SC2086
  kill -TERM $_p 2>/dev/null
  _n=20
  while [ "$_n" -gt 0 ] && [ -n "$(ours)" ]; do sleep 0.1; _n=$((_n - 1)); done
  _p=$(ours | cut -d' ' -f1)
  # shellcheck disable=SC2086
  [ -z "$_p" ] || kill -KILL $_p 2>/dev/null
  return 0
}
at_exit kill_ours

# ---- containerd with CRI ----
# The handler, as config/kubernetes.md (and README.md, shorter) shows it for
# each config version (tested here).
HANDLER_TOML=$(cri_handler_toml)
peers_bin containerd-shim-remoteproc-v1 "$RPROCBOX"
containerd_start_cri "$PAUSE" "$HANDLER_TOML" || skip_all "$PEERS_REASON"

cri() { node "$CLIENT" "$CRI_ADDRESS" "$@"; }

# What containerd words differently per release. 2.x dropped CRI v1alpha2
# and names the pause image in the sandbox's annotations.
CTD_VERSION=$(containerd_version)
case $CTD_VERSION in
  1.*) V1ALPHA2="containerd\nv1alpha2\n" SB_IMAGE_ANN="" ;;
  *) V1ALPHA2="error: UNIMPLEMENTED: unknown service runtime.v1alpha2.RuntimeService\n"
     SB_IMAGE_ANN="\"io.kubernetes.cri.podsandbox.image-name\":\"$PAUSE\"," ;;
esac

# names: replace the ids met so far by their names (PA, FA, ...).
IDS=""
names() {
  _sed=""
  for _n in $IDS; do
    eval "_v=\${$_n:-}"
    [ -n "$_v" ] && _sed="$_sed s/$_v/$_n/g;"
  done
  sed -e "${_sed:-s/^//}" -e 's/ *$//'
}
# keep NAME VALUE: remember an id (VALUE empty when the call failed).
keep() { eval "$1=\$2"; IDS="$IDS $1"; }

states() { cat "$SYS/remoteproc0/state" "$SYS/remoteproc1/state" | tr '\n' ' '; echo; }
claims() { for _f in "$CLAIMS"/*; do [ -f "$_f" ] && echo "${_f##*/} $(head -n 1 "$_f")"; done | names; }
staged() { [ -d "$STAGE" ] && (cd "$STAGE" && find . -type f | sed 's,^\./,,') | names | sort; }
procs() { ours | cut -d' ' -f2- | sed 's/ *$//' | names | sort; }
hash_of() { printf '%s' "$CTR_ADDRESS/k8s.io/$1" | sha256sum | cut -c1-64; }
bundle_dir() { echo "$CONTAINERD_STATE/io.containerd.runtime.v2.task/k8s.io/$1"; }
# wait_state ID STATE SECONDS: until ContainerStatus says STATE.
wait_state() {
  _n=$(( $3 * 5 ))
  while [ "$_n" -gt 0 ]; do
    [ "$(cri container-status "$1" -- status.state 2>/dev/null)" = "$2" ] && return 0
    sleep 0.2; _n=$((_n - 1))
  done
  return 1
}
# wait_quiet SECONDS: until no process of ours is left (a shim exits a
# moment after its last Shutdown).
wait_quiet() {
  _n=$(( $1 * 10 ))
  while [ "$_n" -gt 0 ] && [ -n "$(ours)" ]; do sleep 0.1; _n=$((_n - 1)); done
}
# wait_file FILE TEXT SECONDS
wait_file() { wait_for "$3" grep -qF "$2" "$1"; }

# pod NAME [PROCESSOR]: write a PodSandboxConfig as the kubelet sends it for
# a hostNetwork pod (metadata, hostname, log directory, labels, annotations
# incl. remoteproc.name, network namespace NODE) to cfg/pod-NAME.json.
pod() {
  mkdir -p "$TESTDIR/logs/$1"
  _ann="" _cgp=""
  [ -z "${2:-}" ] || _ann="\"remoteproc.name\": \"$2\""
  [ -z "${3:-}" ] || _cgp="\"cgroup_parent\": \"$3\", "
  cat > "$TESTDIR/cfg/pod-$1.json" <<EOF
{"metadata": {"name": "$1", "uid": "uid-$1", "namespace": "default", "attempt": 0},
 "hostname": "$1", "log_directory": "$TESTDIR/logs/$1",
 "labels": {"io.kubernetes.pod.name": "$1", "io.kubernetes.pod.namespace": "default", "io.kubernetes.pod.uid": "uid-$1"},
 "annotations": {$_ann},
 "linux": {$_cgp"security_context": {"namespace_options": {"network": "NODE", "pid": "POD", "ipc": "POD"}}}}
EOF
}
# ctrcfg NAME ATTEMPT: a ContainerConfig of the firmware image (no command:
# the image's Entrypoint names the firmware) logging to NAME-ATTEMPT.log.
ctrcfg() {
  cat > "$TESTDIR/cfg/ctr-$1-$2.json" <<EOF
{"metadata": {"name": "$1", "attempt": $2}, "image": {"image": "$FW"},
 "labels": {"io.kubernetes.container.name": "$1"},
 "log_path": "$1-$2.log",
 "linux": {"security_context": {"namespace_options": {"network": "NODE", "pid": "POD", "ipc": "POD"}}}}
EOF
}

# ---------------------------------------------------------------- the API

testing "CRI runtime.v1 answers (containerd $CTD_VERSION)" \
  'cri version -- runtime_name runtime_api_version' "containerd\nv1\n" "" ""
testing "CRI runtime.v1alpha2: answers on 1.x, gone from 2.x" \
  'node "$CLIENT" --api v1alpha2 "$CRI_ADDRESS" version -- runtime_name runtime_api_version 2>&1' \
  "$V1ALPHA2" "" ""

if ! ctr_import "$IMG/pause.tar" || ! ctr_import "$IMG/fw.tar"; then
  fail "ctr images import into k8s.io"
fi
# CRI learns about imported images from events: wait until it sees both.
wait_for 10 cri image-status "$FW" -- image.id
wait_for 10 cri image-status "$PAUSE" -- image.id
testing "imported images are in CRI's image store (nothing pulled)" \
  'cri image-status "$PAUSE" -- image.repo_tags; cri image-status "$FW" -- image.repo_tags' \
  "[\"$PAUSE\"]\n[\"$FW\"]\n" "" ""

# ---------------------------------------------------------------- pod A (m4)

pod a m4
keep PA "$(cri run-pod-sandbox "$TESTDIR/cfg/pod-a.json" remoteproc 2>"$TESTDIR/err")"
testing "RunPodSandbox: handler remoteproc, host network, remoteproc.name=m4" \
  'echo "$PA" | sed "s/^[0-9a-f]\{64\}$/<id>/"; cat err' "<id>\n" "" ""
testing "PodSandboxStatus: READY, handler and annotation" \
  'cri pod-sandbox-status "$PA" -- status.state status.runtime_handler status.annotations info.info.runtimeType info.info.runtimeOptions' \
  'SANDBOX_READY\nremoteproc\n{"remoteproc.name":"m4"}\nio.containerd.remoteproc.v1\nnull\n' "" ""
testing "sandbox config.json: CRI's sandbox annotations and the pod annotation" \
  'cri pod-sandbox-status "$PA" -- info.info.runtimeSpec.annotations | names' \
  "{\"io.kubernetes.cri.container-type\":\"sandbox\",$SB_IMAGE_ANN\"io.kubernetes.cri.sandbox-id\":\"PA\",\"io.kubernetes.cri.sandbox-log-directory\":\"$TESTDIR/logs/a\",\"io.kubernetes.cri.sandbox-name\":\"a\",\"io.kubernetes.cri.sandbox-namespace\":\"default\",\"io.kubernetes.cri.sandbox-uid\":\"uid-a\",\"remoteproc.name\":\"m4\"}\n" "" ""
testing "the pause sandbox runs through our shim and holds no processor" \
  'procs; states; claims; staged; "$RPROCBOX" remoteproc-runtime list | awk "NR > 1 { print \$1, \$3, \$4 }" | names' \
  "containerd-shim-remoteproc-v1 -namespace k8s.io -id PA\nremoteproc-proxy PA (sandbox)\noffline offline \nPA running (sandbox)\n" "" ""

ctrcfg fw 0
keep FA "$(cri create-container "$PA" "$TESTDIR/cfg/ctr-fw-0.json" "$TESTDIR/cfg/pod-a.json" 2>"$TESTDIR/err")"
testing "CreateContainer: the firmware image in pod A" \
  'echo "$FA" | sed "s/^[0-9a-f]\{64\}$/<id>/"; cat err; cri container-status "$FA" -- status.state' \
  "<id>\nCONTAINER_CREATED\n" "" ""
testing "container config.json: sandbox id, pod annotation, the firmware as process.args" \
  'cri container-status "$FA" -- info.info.runtimeSpec.annotations info.info.runtimeSpec.process.args info.info.runtimeOptions | names' \
  "{\"io.kubernetes.cri.container-name\":\"fw\",\"io.kubernetes.cri.container-type\":\"container\",\"io.kubernetes.cri.image-name\":\"$FW\",\"io.kubernetes.cri.sandbox-id\":\"PA\",\"io.kubernetes.cri.sandbox-name\":\"a\",\"io.kubernetes.cri.sandbox-namespace\":\"default\",\"io.kubernetes.cri.sandbox-uid\":\"uid-a\",\"remoteproc.name\":\"m4\"}\n[\"hello.elf\"]\nnull\n" "" ""

testing "StartContainer" 'cri start-container "$FA" 2>&1; echo rc=$?' "rc=0\n" "" ""
testing "ContainerStatus RUNNING and the processor runs the staged firmware" \
  'cri container-status "$FA" -- status.state; states; cat "$SYS/remoteproc0/firmware" | names; claims; staged' \
  "CONTAINER_RUNNING\nrunning offline \nremoteproc-runtime/FA/hello.elf\nremoteproc0 FA\nFA/hello.elf\n" "" ""
testing "the container shares the sandbox's shim (one shim per pod)" \
  'a=$(cat "$(bundle_dir "$PA")/address"); b=$(cat "$(bundle_dir "$FA")/address")
   [ "$a" = "$b" ] && echo same address; echo "$a" | sed "s,$(hash_of "$PA"),sha256(ADDRESS/k8s.io/PA),"; procs' \
  "same address\nunix:///run/containerd/s/sha256(ADDRESS/k8s.io/PA)\ncontainerd-shim-remoteproc-v1 -namespace k8s.io -id PA\nremoteproc-guard remoteproc0\nremoteproc-proxy FA m4\nremoteproc-proxy PA (sandbox)\n" "" ""
sim_trace remoteproc0 "hello from m4"
wait_file "$TESTDIR/logs/a/fw-0.log" "hello from m4" 10
testing "the firmware log is in the container's log_path" \
  'f=$(cri container-status "$FA" -- status.log_path); echo "${f#$TESTDIR/}"; cut -d" " -f2- "$f"' \
  "logs/a/fw-0.log\nstdout F hello from m4\n" "" ""
testing "ListContainers of pod A" \
  'cri list-containers "$PA" -- containers | sed "s/},{/}\n{/g" | sed "s/.*\"name\":\"\([^\"]*\)\".*\"state\":\"\([A-Z_]*\)\".*/\1 \2/"' \
  "fw CONTAINER_RUNNING\n" "" ""

# ---------------------------------------------------------------- pod B (dsp), at the same time

pod b dsp
ctrcfg fw 0
keep PB "$(cri run-pod-sandbox "$TESTDIR/cfg/pod-b.json" remoteproc 2>"$TESTDIR/err-b")"
keep FB "$(cri create-container "$PB" "$TESTDIR/cfg/ctr-fw-0.json" "$TESTDIR/cfg/pod-b.json" 2>>"$TESTDIR/err-b")"
testing "pod B (remoteproc.name=dsp) starts while pod A runs" \
  'cat err-b; cri start-container "$FB" 2>&1; echo rc=$?; cri container-status "$FB" -- status.state' \
  "rc=0\nCONTAINER_RUNNING\n" "" ""
sim_trace remoteproc1 "hello from dsp"
wait_file "$TESTDIR/logs/b/fw-0.log" "hello from dsp" 10
testing "two pods, two processors at once, each with its own log" \
  'states; claims; staged; cut -d" " -f2- logs/a/fw-0.log logs/b/fw-0.log' \
  "running running \nremoteproc0 FA\nremoteproc1 FB\nFA/hello.elf\nFB/hello.elf\nstdout F hello from m4\nstdout F hello from dsp\n" "" ""

testing "ExecSync (exec probes, kubectl exec) fails clearly; the firmware runs on" \
  'cri exec-sync "$FA" /bin/true >out 2>&1; echo rc=$?; sed "s/exec \"[0-9a-f]\{64\}\"/exec \"<id>\"/" out
   cri container-status "$FA" -- status.state; states' \
  "rc=1\nerror: UNIMPLEMENTED: failed to exec in container: failed to create exec \"<id>\": Exec is not supported on a remote processor$(ctd_code "not implemented")\nCONTAINER_RUNNING\nrunning running \n" "" ""
# The kubelet rotates container logs: rename, then ReopenContainerLog.
mv "$TESTDIR/logs/a/fw-0.log" "$TESTDIR/logs/a/fw-0.log.1"
cri reopen-container-log "$FA" 2>"$TESTDIR/err"
sim_trace remoteproc0 "after rotation"
wait_file "$TESTDIR/logs/a/fw-0.log" "after rotation" 10
testing "ReopenContainerLog (log rotation): the firmware log goes on in a new file" \
  'cat err; cut -d" " -f2- logs/a/fw-0.log.1 logs/a/fw-0.log' \
  "stdout F hello from m4\nstdout F after rotation\n" "" ""

# ---------------------------------------------------------------- pod C: m4 is busy

pod c m4
keep PC "$(cri run-pod-sandbox "$TESTDIR/cfg/pod-c.json" remoteproc 2>"$TESTDIR/err-c")"
keep FC "$(cri create-container "$PC" "$TESTDIR/cfg/ctr-fw-0.json" "$TESTDIR/cfg/pod-c.json" 2>>"$TESTDIR/err-c")"
# CRI creates the task (and so claims the processor) at StartContainer.
testing "pod C asking for busy m4: sandbox and container are created" \
  'cat err-c; cri pod-sandbox-status "$PC" -- status.state; cri container-status "$FC" -- status.state' \
  "SANDBOX_READY\nCONTAINER_CREATED\n" "" ""
testing "pod C: StartContainer fails with the reason in the CRI error" \
  'cri start-container "$FC" >out 2>&1; echo rc=$?; names < out' \
  "rc=1\nerror: FAILED_PRECONDITION: failed to create containerd task: failed to create shim task: processor m4 is in use by container FA$(ctd_code "failed precondition")\n" "" ""
testing "pod C: its container is EXITED with StartError; m4 still runs pod A's firmware" \
  'cri container-status "$FC" -- status.state status.reason; states; cat "$SYS/remoteproc0/firmware" | names; claims' \
  "CONTAINER_EXITED\nStartError\nrunning running \nremoteproc-runtime/FA/hello.elf\nremoteproc0 FA\nremoteproc1 FB\n" "" ""

# ---------------------------------------------------------------- pod D: no processor named

pod d
keep PD "$(cri run-pod-sandbox "$TESTDIR/cfg/pod-d.json" remoteproc 2>"$TESTDIR/err-d")"
keep FD "$(cri create-container "$PD" "$TESTDIR/cfg/ctr-fw-0.json" "$TESTDIR/cfg/pod-d.json" 2>>"$TESTDIR/err-d")"
testing "pod D without remoteproc.name: StartContainer says what to set" \
  'cat err-d; cri start-container "$FD" >out 2>&1; echo rc=$?; names < out' \
  "rc=1\nerror: INVALID_ARGUMENT: failed to create containerd task: failed to create shim task: no remote processor selected: set the annotation remoteproc.name or the image environment MCU (available remote processors: m4, dsp)$(ctd_code "invalid argument")\n" "" ""

# ---------------------------------------------------------------- stop, crash

testing "StopContainer stops the processor: EXITED, exit code 0" \
  'cri stop-container "$FA" 10 2>&1; cri container-status "$FA" -- status.state status.exit_code status.reason; states; claims; staged' \
  "CONTAINER_EXITED\n0\nCompleted\noffline running \nremoteproc1 FB\nFB/hello.elf\n" "" ""
testing "RemoveContainer" \
  'cri remove-container "$FA" 2>&1; cri list-containers "$PA" -- containers' "[]\n" "" ""

ctrcfg fw 1
keep FA2 "$(cri create-container "$PA" "$TESTDIR/cfg/ctr-fw-1.json" "$TESTDIR/cfg/pod-a.json" 2>"$TESTDIR/err")"
testing "pod A again (attempt 1): the firmware runs" \
  'cat err; cri start-container "$FA2" 2>&1; cri container-status "$FA2" -- status.state; states' \
  "CONTAINER_RUNNING\nrunning running \n" "" ""
# With recovery enabled the kernel (and the simulator) restart crashed
# firmware by themselves; disabled, the crash stays and ends the container.
echo disabled > "$SYS/remoteproc0/recovery"
sim_crash remoteproc0
wait_state "$FA2" CONTAINER_EXITED 10
testing "a crash gives CONTAINER_EXITED with a non-zero exit code" \
  'cri container-status "$FA2" -- status.state status.exit_code status.reason; states; claims; staged' \
  "CONTAINER_EXITED\n10\nError\noffline running \nremoteproc1 FB\nFB/hello.elf\n" "" ""
echo enabled > "$SYS/remoteproc0/recovery"
testing "the crash is in the container's log" \
  'cut -d" " -f2- logs/a/fw-1.log' \
  "stderr F remoteproc-runtime: firmware on m4 crashed; stopping the processor\n" "" ""

# ---------------------------------------------------------------- teardown through CRI

testing "StopContainer and RemoveContainer in pod B" \
  'cri stop-container "$FB" 10 2>&1; cri container-status "$FB" -- status.state status.exit_code; cri remove-container "$FB" 2>&1; states' \
  "CONTAINER_EXITED\n0\noffline offline \n" "" ""
testing "RemoveContainer of the exited containers" \
  'for c in "$FA2" "$FC" "$FD"; do cri remove-container "$c" 2>&1; done; cri list-containers -- containers' "[]\n" "" ""
testing "StopPodSandbox and RemovePodSandbox of every pod" \
  'for p in "$PA" "$PB" "$PC" "$PD"; do cri stop-pod-sandbox "$p" 2>&1; cri remove-pod-sandbox "$p" 2>&1; done; cri list-pod-sandbox -- items' \
  "[]\n" "" ""
wait_quiet 5
testing "no processes, sockets, mounts, bundles, staged files, claims or state left" \
  'procs
   for p in PA PB PC PD; do eval "i=\$$p"; [ -e "/run/containerd/s/$(hash_of "$i")" ] && echo "socket of $p"; done
   awk -v a="$CONTAINERD_STATE" -v b="$CONTAINERD_ROOT" "index(\$5, a) == 1 || index(\$5, b) == 1 { print \"mount\", \$5 }" /proc/self/mountinfo
   ls "$CONTAINERD_STATE/io.containerd.runtime.v2.task/k8s.io" 2>/dev/null
   staged; claims; ls "$RTSTATE"; states' \
  "offline offline \n" "" ""

# ---------------------------------------------------------------- stats

# The kubelet lists container stats periodically (summary API, eviction):
# CRI asks containerd's tasks service for metrics, which calls the shim's
# Task.Stats and hands CRI the StatsResponse's `stats` Any. containerd 1.6's
# CRI unmarshals that Any without a nil check (container_stats_list_linux.go),
# so a shim answering Stats with success but no Any (an empty StatsResponse)
# crashes containerd. The shim must answer a typed metrics Any (e.g.
# io.containerd.cgroups.v1.Metrics, empty) or NOT_FOUND (containerd then skips
# the task quietly). Last here, since a failure takes containerd down.
# Pod e has a kubelet-style cgroup_parent: containerd puts each container at
# PARENT/ID (cgroupfs), PodSandboxStats reads PARENT, which the kubelet
# would have made and here the runtime makes (as runc does, mkdir -p).
KP=rpb-$PEERS_ID-kubepods
_peers_cgroup "$KP"
# small: the second line (a byte count) is under 32 MiB, the proxies' own
small() { sed -n 2p | awk '{ print ($1 + 0 > 0 && $1 + 0 < 33554432) ? "small" : "memory " $0 }'; }
pod e m4 "/$KP/besteffort/poduid-e"
keep PE "$(cri run-pod-sandbox "$TESTDIR/cfg/pod-e.json" remoteproc 2>"$TESTDIR/err-e")"
keep FE "$(cri create-container "$PE" "$TESTDIR/cfg/ctr-fw-0.json" "$TESTDIR/cfg/pod-e.json" 2>>"$TESTDIR/err-e")"
cri start-container "$FE" 2>>"$TESTDIR/err-e"
testing "ListContainerStats with a running firmware container (the kubelet's periodic call)" \
  'cat err-e; cri list-container-stats "$PE" -- stats 2>&1 | sed "s/.*\"name\":\"\([^\"]*\)\".*/\1/" | names; sleep 0.2
   _peers_alive "$CONTAINERD_PID" && echo containerd alive' \
  "fw\ncontainerd alive\n" "" ""
if _peers_alive "$CONTAINERD_PID"; then
  testing "ContainerStats of a running firmware container: the proxy's own memory" \
    'cri container-stats "$FE" -- stats.attributes.metadata.name stats.memory.working_set_bytes.value > cs.txt 2>&1; sed -n 1p cs.txt; small < cs.txt;
     sleep 0.2; _peers_alive "$CONTAINERD_PID" && echo containerd alive' \
    "fw\nsmall\ncontainerd alive\n" "" ""
  testing "PodSandboxStats of the pod (its cgroup_parent): the proxies' own memory; removal takes the cgroups" \
    'cri pod-sandbox-stats "$PE" -- stats.attributes.metadata.name stats.linux.memory.working_set_bytes.value > ps.txt 2>&1; sed -n 1p ps.txt; small < ps.txt;
     cri stop-container "$FE" 10; cri remove-container "$FE"; cri stop-pod-sandbox "$PE"; cri remove-pod-sandbox "$PE";
     for r in $(_peers_cgroup_roots); do find "$r/$KP/besteffort/poduid-e" -mindepth 1 -type d; done' \
    "e\nsmall\n" "" ""
else
  echo "cri.test: containerd died answering ListContainerStats (the end of its log is shown at exit);" \
    "the shim answered Task.Stats without a metrics Any" >&2
  fail "ContainerStats of a running firmware container: the proxy's own memory (not run: containerd died in the previous case)"
  fail "PodSandboxStats of the pod (its cgroup_parent): the proxies' own memory; removal takes the cgroups (not run)"
fi
if _peers_alive "$CONTAINERD_PID"; then
  cri stop-container "$FE" 10 >/dev/null 2>&1
  cri remove-container "$FE" >/dev/null 2>&1
  cri stop-pod-sandbox "$PE" >/dev/null 2>&1
  cri remove-pod-sandbox "$PE" >/dev/null 2>&1
fi

# ---------------------------------------------------------------- leftovers

containerd_stop
kill_ours
peers_settle 5
testing "nothing left behind (processes, mounts, sockets, host paths)" \
  'procs; peers_leftovers
   for p in PA PB PC PD PE; do eval "i=\$$p"; [ -n "$i" ] && [ -e "/run/containerd/s/$(hash_of "$i")" ] && echo "socket of $p"; done
   staged; claims; ls "$RTSTATE"; states' \
  "offline offline \n" "" ""
exit 0
