# tests/peers/rt-ctr.sh - containerd + containerd-shim-runc-v2 drive
# remoteproc-runtime through `ctr run --runc-binary` (after rt-setup.sh).
# shellcheck shell=sh disable=SC2016  # test commands are single-quoted for eval

# ---------------------------------------------------------------- containerd

ctd_cases="ctr: import images;ctr: run -d --runc-binary;ctr: task ps;ctr: the proxy is in the spec's cgroup, task metrics show its own use;ctr: task kill stops the processor;ctr: task rm and container rm;ctr: unknown processor error;ctr: foreground run shows the firmware log, exit 0 on kill;ctr: foreground run, crash gives 10;ctr: task kill -s SIGKILL;ctr: --runc-binary must be named remoteproc-runtime;ctr: nothing left"
if ! containerd_start; then
  (IFS=';'; skip_cases "$PEERS_REASON" $ctd_cases)
else
  CR=/run/containerd/runc/$CTR_NAMESPACE
  RT_ROOTS="$RT_ROOTS $CR"
  export CR
  crun_() { $CTR run --runtime io.containerd.runc.v2 --runc-binary "$W" "$@"; }
  testing "ctr: import images" \
    'ctr_import "$IMG/fw.oci.tar" && ctr_import "$IMG/fwbad.oci.tar" && ctr_ images ls -q' \
    "localhost/fw:latest\nlocalhost/fwbad:latest\n" "" ""
  testing "ctr: run -d --runc-binary" \
    'crun_ -d localhost/fw:latest c1 2>&1; echo rc=$?; pstate 0; $CTR task ls | awk "NR > 1 { print \$1, \$3 }"; rt_list "$CR"' \
    "rc=0\nrunning\nc1 RUNNING\nc1\n" "" ""
  testing "ctr: task ps" \
    'p=$($CTR task ls | awk "\$1 == \"c1\" { print \$2 }"); $CTR task ps c1 | awk -v p=$p "{ print (\$1 == p ? \"PID\" : \$1), \$2 }";
     tr "\0" " " < /proc/$p/cmdline | sed "s/ *\$//"; echo' \
    "PID INFO\nPID -\nremoteproc-proxy c1 m4\n" "" ""
  # containerd-shim-runc-v2 measures the cgroup its task's pid is in.
  testing "ctr: the proxy is in the spec's cgroup, task metrics show its own use" \
    'p=$($CTR task ls | awk "\$1 == \"c1\" { print \$2 }"); sed -n "s/^[0-9]*:memory://p" /proc/$p/cgroup;
     $CTR task metrics c1 | awk "\$1 == \"pids.current\" { print \$1, \$2 }
       \$1 == \"memory.usage_in_bytes\" { print (\$2 > 0 && \$2 < 33554432) ? \"memory small\" : \"memory \" \$2 }"' \
    "/$CTR_NAMESPACE/c1\nmemory small\npids.current 1\n" "" ""
  testing "ctr: task kill stops the processor" \
    '$CTR task kill c1; echo rc=$?; wait_for 10 is_state 0 offline; pstate 0;
     wait_for 10 sh -c "\$CTR task ls | grep -q STOPPED"; $CTR task ls | awk "NR > 1 { print \$1, \$3 }"' \
    "rc=0\noffline\nc1 STOPPED\n" "" ""
  testing "ctr: task rm and container rm" \
    '$CTR task rm c1 | cut -d" " -f1,2; $CTR c rm c1; echo rc=$?; $CTR c ls -q; rt_list "$CR"' \
    "rc=0\n" "" ""
  testing "ctr: unknown processor error" \
    'crun_ -d localhost/fwbad:latest c2 2>&1; echo rc=$?; $CTR c rm c2' \
    "ctr: failed to create shim task: OCI runtime create failed: remote processor cortex-m99 does not exist in $S, available remote processors: m4, dsp$(ctd_code unknown)\nrc=1\n" "" ""
  testing "ctr: foreground run shows the firmware log, exit 0 on kill" \
    '(crun_ --rm localhost/fw:latest c3 > c3.out 2>&1; echo rc=$? >> c3.out) & wait_for 20 is_state 0 running &&
     sim_trace remoteproc0 "log via ctr" && wait_for 10 grep -q "log via ctr" c3.out && $CTR task kill c3; wait; cat c3.out; pstate 0' \
    "log via ctr\nrc=0\noffline\n" "" ""
  testing "ctr: foreground run, crash gives 10" \
    '(crun_ --rm localhost/fw:latest c4 > c4.out 2>&1; echo rc=$? >> c4.out) & wait_for 20 is_state 0 running && crash 0; wait; cat c4.out' \
    "remoteproc-runtime: firmware on m4 crashed; stopping the processor\nrc=10\n" "" ""
  testing "ctr: task kill -s SIGKILL" \
    'crun_ -d localhost/fw:latest c5 && pstate 0 && $CTR task kill -s SIGKILL c5; wait_for 10 is_state 0 offline; pstate 0;
     wait_for 10 sh -c "\$CTR task ls | grep -q STOPPED"; $CTR task rm c5 2>&1 | sed "s/^time=\"[^\"]*\" //"; $CTR c rm c5; rt_list "$CR"' \
    "running\noffline\nlevel=warning msg=\"task c5 exit with non-zero exit code 137\"\n" "" ""
  testing "ctr: --runc-binary must be named remoteproc-runtime" \
    '$CTR run -d --runtime io.containerd.runc.v2 --runc-binary "$RPROCBOX" localhost/fw:latest c6 2>&1 |
     sed -e "s|(open [^)]*/c6/log.json:|(open .../c6/log.json:|" -e "s|$RPROCBOX|RPROCBOX|"; $CTR c rm c6; pstate 0' \
    "ctr: failed to create shim task: OCI runtime create failed: unable to retrieve OCI runtime error (open .../c6/log.json: no such file or directory): RPROCBOX did not terminate successfully: exit status 2$(ctd_code unknown)\noffline\n" "" ""
  containerd_stop
  testing "ctr: nothing left" 'rt_list "$CR"; ours; pstate 0; pstate 1' "offline\noffline\n" "" ""
fi

