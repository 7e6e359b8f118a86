# tests/peers/docker-shim.sh - Docker 23+ with containerd-shim-remoteproc-v1
# taken by name, as the upstream product documents it:
#   docker run -d --runtime io.containerd.remoteproc.v1 \
#     --annotation remoteproc.name=m4 --network=host IMAGE
# then ps, logs, stop, start, inspect ExitCode 0/10/137, --restart on-failure,
# stats, rm, the unknown-processor error, and the Compose plugin (a service
# with that runtime, annotations and restart: on-failure; up, logs, down).
# The body shared by tests/docker-*.test; DOCKER_GROUPS names the scripts/pins
# groups to use (containerd, docker, compose), each started here on
# temporary roots. Processors come from the FUSE simulator.

# shellcheck shell=sh disable=SC2016  # test commands are single-quoted for eval
. "$TOP/tests/sim/sim.sh"
. "$TOP/tests/peers/lib.sh"

need_root
[ -x "$TOP/build/mkelf" ] || skip_all "build/mkelf is not built (make tools)"
for _g in $DOCKER_GROUPS; do peers_engine "$_g" || skip_all "$PEERS_REASON"; done
sim_start m4 dsp || skip_all "$SIM_ERROR"
. "$TOP/tests/peers/board.sh"
# The error names where it looked: the simulator's sysfs, known only now.
DOCKER_UNKNOWN=$(printf '%s' "$DOCKER_UNKNOWN" | sed "s#@SYS@#$S#")
. "$TOP/tests/peers/docker-cases.sh"
peers_bin containerd-shim-remoteproc-v1 "$RPROCBOX"
dockerd_start || skip_all "$PEERS_REASON"
R=io.containerd.remoteproc.v1
export R

# status NAME WANT: wait up to 10 s for the container's state to be WANT
status() { wait_for 10 sh -c "cd / && \$DOCKER inspect -f {{.State.Status}} $1 | grep -qx $2"; }
drun() { docker_ run -d --runtime $R --network=host "$@"; }

IMG=$TESTDIR/img
mkdir -p "$IMG"
"$TOP/build/mkelf" "$IMG/hello.elf" >/dev/null
for spec in fw:m4 fwbad:cortex-m99; do
  sh "$TOP/scripts/mkimage.sh" --name "localhost/${spec%%:*}:latest" --firmware "$IMG/hello.elf" \
    --mcu "${spec#*:}" --oci-archive "$IMG/${spec%%:*}.oci.tar" \
    --docker-archive "$IMG/${spec%%:*}.docker.tar" >/dev/null || skip_all "scripts/mkimage.sh failed"
done

testing "docker: load images" \
  'docker_load "$IMG/fw.docker.tar" && docker_load "$IMG/fwbad.docker.tar" && docker_ images --format "{{.Repository}}" | sort' \
  "localhost/fw\nlocalhost/fwbad\n" "" ""
testing "docker: run -d with the shim by name, the processor from --annotation" \
  'drun --name d1 --annotation remoteproc.name=m4 localhost/fwbad:latest | id64; pstate 0; pstate 1;
   docker_ inspect -f "{{.State.Status}} {{.HostConfig.Runtime}}" d1' \
  "ID\nrunning\noffline\nrunning io.containerd.remoteproc.v1\n" "" ""
testing "docker: ps" 'docker_ ps --format "{{.Names}} {{.State}} {{.Image}}"' "d1 running localhost/fwbad:latest\n" "" ""
testing "docker: logs shows the firmware log" \
  'sim_trace remoteproc0 "hello from m4" && wait_for 10 sh -c "cd / && \$DOCKER logs d1 | grep -q m4"; docker_ logs d1' \
  "hello from m4\n" "" ""
docker_lifecycle d1
testing "docker: rm" 'docker_ rm d1 2>&1; echo rc=$?; docker_ ps -aq; pstate 0; staged' "d1\nrc=0\noffline\n" "" ""
testing "docker: kill, ExitCode 137" \
  'drun --name d2 --annotation remoteproc.name=dsp localhost/fw:latest | id64; pstate 1; docker_ kill d2 2>&1; status d2 exited; pstate 1;
   docker_ inspect -f "{{.State.Status}} {{.State.ExitCode}}" d2; docker_ rm d2' \
  "ID\nrunning\nd2\noffline\nexited 137\nd2\n" "" ""
testing "docker: --restart on-failure brings the firmware back after a crash" \
  'drun --name d3 --restart on-failure:3 localhost/fw:latest | id64; crash 0;
   wait_for 20 sh -c "cd / && \$DOCKER inspect -f {{.RestartCount}} d3 | grep -qx 1" && wait_for 10 is_state 0 running;
   docker_ inspect -f "{{.State.Status}} {{.RestartCount}}" d3; pstate 0' \
  "ID\nrunning 1\nrunning\n" "" ""
testing "docker: stats shows the proxy's own use, from its cgroup (the shim's Stats)" \
  'p=$(docker_ inspect -f "{{.State.Pid}}" d3); [ "$(sed -n "s/^[0-9]*:memory://p" /proc/$p/cgroup)" = "/rpb-$PEERS_ID-docker/$(docker_ inspect -f "{{.Id}}" d3)" ] && echo in-cgroup;
   docker_ stats --no-stream --format "{{.Name}} {{.MemUsage}}" d3 | mem_small; echo rc=$?; docker_ rm -f d3; pstate 0' \
  "in-cgroup\nd3 memory small\nrc=0\nd3\noffline\n" "" ""
testing "docker: unknown processor error" \
  'drun --name d4 localhost/fwbad:latest > d4.out 2>&1; echo rc=$?; id64 < d4.out; docker_ rm -f d4 >/dev/null; staged' \
  "rc=125\nID\n$DOCKER_UNKNOWN\n" "" ""

mkdir -p "$TESTDIR/compose"
cat > "$TESTDIR/compose/compose.yaml" <<YAML
services:
  firmware:
    image: localhost/fwbad:latest
    runtime: io.containerd.remoteproc.v1
    network_mode: host
    annotations:
      remoteproc.name: dsp
    restart: on-failure
YAML
compose_() { docker_ compose -p rpb -f "$TESTDIR/compose/compose.yaml" "$@"; }
testing "compose: up -d starts the service on the annotated processor" \
  'compose_ up -d >up.out 2>&1; echo rc=$?; pstate 1; pstate 0; compose_ ps --format "{{.Service}} {{.State}}"' \
  "rc=0\nrunning\noffline\nfirmware running\n" "" ""
# Compose 2.26 starts each log line with an erase-line sequence, terminal or not.
testing "compose: logs" \
  'sim_trace remoteproc1 "hello from dsp" && wait_for 10 sh -c "cd / && \$DOCKER compose -p rpb -f \"\$TESTDIR/compose/compose.yaml\" logs --no-log-prefix | grep -q dsp";
   compose_ logs --no-log-prefix | sed "s/$(printf "\\033")\\[2K//g"' \
  "hello from dsp\n" "" ""
testing "compose: restart: on-failure brings the firmware back after a crash" \
  'crash 1; wait_for 20 sh -c "cd / && \$DOCKER inspect -f {{.RestartCount}} rpb-firmware-1 | grep -qx 1" && wait_for 10 is_state 1 running;
   docker_ inspect -f "{{.State.Status}} {{.RestartCount}}" rpb-firmware-1; pstate 1' \
  "running 1\nrunning\n" "" ""
testing "compose: down stops and removes it" \
  'compose_ down >down.out 2>&1; echo rc=$?; pstate 1; docker_ ps -aq; staged' "rc=0\noffline\n" "" ""

dockerd_stop
testing "nothing left behind (processes, mounts, cgroups, /run/docker/plugins, netns)" \
  'peers_leftovers; staged; pstate 0; pstate 1' "offline\noffline\n" "" ""
