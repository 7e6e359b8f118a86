# tests/peers/rt-podman.sh - podman + conmon drive remoteproc-runtime (after
# tests/peers/rt-setup.sh).
# shellcheck shell=sh disable=SC2016  # test commands are single-quoted for eval

# ---------------------------------------------------------------- podman

pm_cases="podman: load images;podman: run -d;podman: logs shows the firmware log;podman: stop;podman: start again;podman: crash gives exit code 10;podman: rm;podman: unknown processor error;podman: annotation remoteproc.name;podman: processor in use;podman: pause and exec not supported;podman: run -t (console socket);podman: foreground run, stopped by someone else;podman: nothing left"
if ! podman_start "$W"; then
  (IFS=';'; skip_cases "$PEERS_REASON" $pm_cases)
else
  RT_ROOTS="$RT_ROOTS $RPROC_ROOT/run/remoteproc-runtime"
  testing "podman: load images" \
    'podman_load "$IMG/fw.docker.tar" && podman_load "$IMG/fwbad.docker.tar" && podman_ images --format "{{.Repository}}" | sort' \
    "localhost/fw\nlocalhost/fwbad\n" "" ""
  testing "podman: run -d" \
    'podman_ run -d --name p1 localhost/fw:latest 2>&1 | id64; pstate 0; podman_ inspect --format "{{.State.Status}}" p1' \
    "ID\nrunning\nrunning\n" "" ""
  testing "podman: logs shows the firmware log" \
    'sim_trace remoteproc0 "hello from m4" && wait_for 10 sh -c "cd / && \$PODMAN logs p1 | grep -q m4"; podman_ logs p1' \
    "hello from m4\n" "" ""
  testing "podman: stop" \
    'podman_ stop p1 2>&1; echo rc=$?; pstate 0; podman_ inspect --format "{{.State.Status}} {{.State.ExitCode}}" p1' \
    "p1\nrc=0\noffline\nexited 0\n" "" ""
  testing "podman: start again" \
    'podman_ start p1 2>&1; echo rc=$?; pstate 0; podman_ inspect --format "{{.State.Status}}" p1' \
    "p1\nrc=0\nrunning\nrunning\n" "" ""
  testing "podman: crash gives exit code 10" \
    'crash 0; wait_for 10 sh -c "cd / && \$PODMAN inspect --format {{.State.Status}} p1 | grep -q exited";
     podman_ inspect --format "{{.State.Status}} {{.State.ExitCode}}" p1; podman_ logs p1 2>&1 | tail -n 1' \
    "exited 10\nremoteproc-runtime: firmware on m4 crashed; stopping the processor\n" "" ""
  testing "podman: rm" \
    'podman_ rm p1 2>&1; echo rc=$?; podman_ ps -aq; pstate 0; rt_list "$RPROC_ROOT/run/remoteproc-runtime"' \
    "p1\nrc=0\noffline\n" "" ""
  testing "podman: unknown processor error" \
    'podman_ run -d --name p2 localhost/fwbad:latest 2>&1 | sed "s|$W|@RT|"; podman_ rm -f p2 >/dev/null 2>&1' \
    "Error: OCI runtime error: @RT: remoteproc-runtime: remote processor cortex-m99 does not exist in $S, available remote processors: m4, dsp\n" "" ""
  testing "podman: annotation remoteproc.name" \
    'podman_ run -d --name p3 --annotation remoteproc.name=dsp localhost/fwbad:latest | id64; pstate 1; pstate 0;
     podman_ rm -f p3; pstate 1' \
    "ID\nrunning\noffline\np3\noffline\n" "" ""
  testing "podman: processor in use" \
    'podman_ run -d --name p4 localhost/fw:latest >/dev/null; podman_ run -d --name p5 localhost/fw:latest 2>&1 |
     sed -e "s|$W|@RT|" -e "s/container [0-9a-f]\{64\}\$/container ID/"; podman_ inspect --format "{{.State.Status}}" p4' \
    "Error: OCI runtime error: @RT: remoteproc-runtime: processor m4 is in use by container ID\nrunning\n" "" ""
  testing "podman: pause and exec not supported" \
    'podman_ pause p4 2>&1 | sed -e "s|$W|@RT|" -e "s/ [0-9a-f]\{64\}\`/ ID\`/"; podman_ exec p4 true 2>&1 | sed "s|$W|@RT|";
     podman_ rm -f p4 p5 >/dev/null; pstate 0' \
    "remoteproc-runtime: pause is not supported on a remote processor: the firmware runs on its own core, not as a Linux process\nError: \`@RT pause ID\` failed: exit status 3\nError: OCI runtime error: @RT: remoteproc-runtime: exec is not supported on a remote processor: the firmware runs on its own core, not as a Linux process\noffline\n" "" ""
  testing "podman: run -t (console socket)" \
    'podman_ run -dt --name p6 localhost/fw:latest | id64; sim_trace remoteproc0 "over a tty";
     wait_for 10 sh -c "cd / && \$PODMAN logs p6 | grep -q tty"; podman_ logs p6 | od -An -c | tr -s " "; podman_ rm -f p6 >/dev/null; pstate 0' \
    "ID\n o v e r a t t y \\\\r \\\\n\noffline\n" "" ""
  testing "podman: foreground run, stopped by someone else" \
    '(podman_ run --rm localhost/fw:latest > fg.out 2>&1; echo rc=$? >> fg.out) & wait_for 20 is_state 0 running &&
     sim_trace remoteproc0 "fg log" && wait_for 10 grep -q "fg log" fg.out && echo stop > "$S/remoteproc0/state"; wait; cat fg.out' \
    "fg log\nremoteproc-runtime: m4 was stopped by someone else (state offline)\nrc=11\n" "" ""
  podman_cleanup
  testing "podman: nothing left" 'rt_list "$RPROC_ROOT/run/remoteproc-runtime"; ours; pstate 0; pstate 1' \
    "offline\noffline\n" "" ""
fi

