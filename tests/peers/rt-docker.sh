# tests/peers/rt-docker.sh - Docker 20.10 drives remoteproc-runtime through a
# daemon.json runtimes entry (after rt-setup.sh).
# shellcheck shell=sh disable=SC2016  # test commands are single-quoted for eval
. "$TOP/tests/peers/docker-cases.sh"

# ---------------------------------------------------------------- docker

dk_cases="docker: load images;docker: run -d --runtime remoteproc;docker: logs shows the firmware log;docker: top lists the proxy;docker: stats shows the proxy's own use, from its cgroup;docker: stop, ExitCode 0;docker: start again;docker: crash, ExitCode 10;docker: rm;docker: unknown processor error;docker: processor chosen with -e MCU;docker: processor in use;docker: pause and exec not supported;docker: kill, ExitCode 137;docker: run -t (console socket);docker: foreground run --rm, stopped by someone else;docker: restart policy brings the firmware back after a crash;docker: nothing left"
if ! dockerd_start "$W"; then
  (IFS=';'; skip_cases "$PEERS_REASON" $dk_cases)
  skip "docker: --annotation remoteproc.name" "$PEERS_REASON"
else
  RT_ROOTS="$RT_ROOTS $DOCKERD_RUNC_ROOT"
  testing "docker: load images" \
    'docker_load "$IMG/fw.docker.tar" && docker_load "$IMG/fwbad.docker.tar" && docker_ images --format "{{.Repository}}" | sort' \
    "localhost/fw\nlocalhost/fwbad\n" "" ""
  testing "docker: run -d --runtime remoteproc" \
    'docker_ run -d --name d1 --network none --runtime remoteproc localhost/fw:latest 2>&1 | id64; pstate 0;
     docker_ inspect -f "{{.State.Status}} {{.HostConfig.Runtime}}" d1; rt_list "$DOCKERD_RUNC_ROOT" | id64' \
    "ID\nrunning\nrunning remoteproc\nID\n" "" ""
  testing "docker: logs shows the firmware log" \
    'sim_trace remoteproc0 "hello from m4" && wait_for 10 sh -c "cd / && \$DOCKER logs d1 | grep -q m4"; docker_ logs d1' \
    "hello from m4\n" "" ""
  testing "docker: top lists the proxy" \
    'docker_ top d1 | awk "NR > 1 { print \$8, \$10 }"' \
    "remoteproc-proxy m4\n" "" ""
  testing "docker: stats shows the proxy's own use, from its cgroup" \
    'p=$(docker_ inspect -f "{{.State.Pid}}" d1); [ "$(sed -n "s/^[0-9]*:memory://p" /proc/$p/cgroup)" = "/rpb-$PEERS_ID-docker/$(docker_ inspect -f "{{.Id}}" d1)" ] && echo in-cgroup;
     docker_ stats --no-stream --format "{{.PIDs}} {{.MemUsage}}" d1 | mem_small' \
    "in-cgroup\n1 memory small\n" "" ""
  docker_lifecycle d1
  testing "docker: rm" \
    'docker_ rm d1 2>&1; echo rc=$?; docker_ ps -aq; pstate 0; rt_list "$DOCKERD_RUNC_ROOT"' \
    "d1\nrc=0\noffline\n" "" ""
  testing "docker: unknown processor error" \
    'docker_ run -d --name d2 --network none --runtime remoteproc localhost/fwbad:latest >d2.out 2>&1; echo rc=$?; id64 < d2.out;
     docker_ rm -f d2 >/dev/null' \
    "rc=125\nID\ndocker: Error response from daemon: failed to create shim task: OCI runtime create failed: remote processor cortex-m99 does not exist in $S, available remote processors: m4, dsp: unknown.\n" "" ""
  testing "docker: processor chosen with -e MCU" \
    'docker_ run -d --name d3 --network none --runtime remoteproc -e MCU=dsp localhost/fwbad:latest | id64; pstate 1; pstate 0' \
    "ID\nrunning\noffline\n" "" ""
  testing "docker: processor in use" \
    'docker_ run -d --name d4 --network none --runtime remoteproc -e MCU=dsp localhost/fw:latest 2>&1 | id64 |
     sed "s/container [0-9a-f]\{64\}: unknown/container ID: unknown/"; docker_ rm -f d4 >/dev/null; pstate 1' \
    "ID\ndocker: Error response from daemon: failed to create shim task: OCI runtime create failed: processor dsp is in use by container ID: unknown.\nrunning\n" "" ""
  testing "docker: pause and exec not supported" \
    'docker_ pause d3 2>&1 | sed "s/container [0-9a-f]\{64\}:/container ID:/"; docker_ exec d3 true 2>&1 | tr -d "\r"' \
    "Error response from daemon: Cannot pause container ID: OCI runtime pause failed: pause is not supported on a remote processor: the firmware runs on its own core, not as a Linux process: unknown\nOCI runtime exec failed: exec is not supported on a remote processor: the firmware runs on its own core, not as a Linux process: unknown\n" "" ""
  testing "docker: kill, ExitCode 137" \
    'docker_ kill d3 2>&1; wait_for 10 sh -c "cd / && \$DOCKER inspect -f {{.State.Status}} d3 | grep -q exited"; pstate 1;
     docker_ inspect -f "{{.State.Status}} {{.State.ExitCode}}" d3; docker_ rm d3' \
    "d3\noffline\nexited 137\nd3\n" "" ""
  testing "docker: run -t (console socket)" \
    'docker_ run -dt --name d5 --network none --runtime remoteproc localhost/fw:latest | id64; sim_trace remoteproc0 "over a tty";
     wait_for 10 sh -c "cd / && \$DOCKER logs d5 | grep -q tty"; docker_ logs d5 | od -An -c | tr -s " "; docker_ rm -f d5 >/dev/null; pstate 0' \
    "ID\n o v e r a t t y \\\\r \\\\n\noffline\n" "" ""
  testing "docker: foreground run --rm, stopped by someone else" \
    '(docker_ run --rm --network none --runtime remoteproc localhost/fw:latest > dfg.out 2>&1; echo rc=$? >> dfg.out) &
     wait_for 20 is_state 0 running && sim_trace remoteproc0 "fg log" && wait_for 10 grep -q "fg log" dfg.out &&
     echo stop > "$S/remoteproc0/state"; wait; cat dfg.out; docker_ ps -aq' \
    "fg log\nremoteproc-runtime: m4 was stopped by someone else (state offline)\nrc=11\n" "" ""
  testing "docker: restart policy brings the firmware back after a crash" \
    'docker_ run -d --name d6 --network none --runtime remoteproc --restart on-failure:3 localhost/fw:latest | id64; crash 0;
     wait_for 20 sh -c "cd / && \$DOCKER inspect -f {{.RestartCount}} d6 | grep -qx 1" && wait_for 10 is_state 0 running;
     docker_ inspect -f "{{.State.Status}} {{.RestartCount}}" d6; pstate 0; docker_ rm -f d6; pstate 0' \
    "ID\nrunning 1\nrunning\nd6\noffline\n" "" ""
  skip "docker: --annotation remoteproc.name" "Docker 20.10 (API 1.41) has no docker run --annotation (API 1.43+); select the processor with the image's ENV MCU= or docker run -e MCU="
  dockerd_stop
  testing "docker: nothing left" 'rt_list "$DOCKERD_RUNC_ROOT"; ours; pstate 0; pstate 1' "offline\noffline\n" "" ""
fi

