# tests/peers/shim-e2e.sh - containerd-shim-remoteproc-v1 end to end, the
# body shared by tests/containerd-shim-remoteproc-v1*.test: one containerd
# release (the system's, or the scripts/pins group named by CTD_GROUP),
# started here on temporary roots with the shim on its PATH, runs firmware
# images (built by scripts/mkimage.sh, imported with ctr) on the FUSE
# simulator's processors m4 (remoteproc0) and dsp (remoteproc1).
#
# Covered: ctr run -d (processor running), ctr task ls/ps, kill TERM and KILL,
# ctr task rm, events create/start/exit/delete with their exit statuses (from
# `ctr events`), a crash, ctr run --rm in the foreground (firmware log, exit
# status), the unknown-processor error, a busy processor, a containerd restart
# while a task runs (and a crash while containerd is down), SIGKILL of a
# shim, a CRI-style sandbox and a worker of its group, and that nothing
# runs, stays staged or claimed afterwards (nor NRI's socket, which 2.x
# makes unless disabled). Processor states are read from the simulated sysfs.
# The behaviour asserted is the same for every release; only the wording
# containerd adds differs (see the expectations below).
#
# Sourced after testing.sh and plan. Needs root, containerd + ctr, the
# simulator (make tools, fuse3) and build/mkelf.

# shellcheck disable=SC2016,SC2034,SC2010  # commands are single-quoted for eval and use these variables
. "$TOP/tests/sim/sim.sh"
. "$TOP/tests/peers/lib.sh"

need_root
[ -z "${CTD_GROUP:-}" ] || peers_engine "$CTD_GROUP" || skip_all "$PEERS_REASON"
need_cmd containerd ctr
[ -x "$TOP/build/mkelf" ] || skip_all "needs build/mkelf (make tools)"
sim_start m4 dsp || skip_all "$SIM_ERROR"
peers_bin containerd-shim-remoteproc-v1 "$RPROCBOX"
containerd_start || skip_all "$PEERS_REASON"

R=io.containerd.remoteproc.v1
NRI_BEFORE=$(ls -d /run/nri/nri.sock 2>/dev/null)
CTD_VERSION=$(containerd_version)

# ---------------------------------------------------------------- per release
# What containerd itself words differently; everything else is asserted alike.
# ctr events: exited_at is an RFC 3339 string in 1.6, {"seconds":..,"nanos":..}
# from 1.7 on. Only 1.6 logs each forwarded event (topic=...) at debug level.
case $CTD_VERSION in
  1.6) EXITED_AT='"exited_at":"[0-9]' LOGGED_EXIT="topic=/tasks/exit type=containerd.events.TaskExit\n" ;;
  *) EXITED_AT='"exited_at":[{]"seconds":[0-9]' LOGGED_EXIT="" ;;
esac
SYS=$RPROC_ROOT/sys/class/remoteproc
. "$TOP/tests/peers/board.sh"
TASKS=$CONTAINERD_STATE/io.containerd.runtime.v2.task/$CTR_NAMESPACE
EVPID="" SOCKS=""

# ---------------------------------------------------------------- helpers

# ours: live processes containerd started for us (shims, proxies, guardians,
# `delete` runs), by our RPROC_ROOT in their environment and their names.
ours() { procs_of -p; }
wait_none() {
  _n=50
  while [ -n "$(ours)" ] && [ "$_n" -gt 0 ]; do sleep 0.1; _n=$((_n - 1)); done
}
# note_socket ID: remember the shim socket of ID, to check it is gone at the end.
note_socket() {
  [ -f "$TASKS/$1/address" ] && SOCKS="$SOCKS $(cat "$TASKS/$1/address")"
}
# task ID: "ID STATUS" from ctr task ls, or nothing.
task() { ctr_ task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $1, $3 }'; }
task_pid() { ctr_ task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $2 }'; }
# wait_status ID STATUS: up to 10 s for ctr task ls to show it.
wait_status() { wait_for 10 sh -c "[ \"\$(\"\$CTR\" task ls | awk '\$1 == \"$1\" { print \$3 }')\" = $2 ]"; }
proc_state() { cat "$SYS/$1/state"; }
# events_of ID: "TOPIC [exit_status=N]" for each task event of container ID
# that `ctr events` printed (all event files), in order; "no-exited_at" when
# an exit/delete event lacks its time.
events_of() {
  cat "$TESTDIR"/events.* 2>/dev/null | grep -F "\"container_id\":\"$1\"" | awk -v at="$EXITED_AT" '{
    t = $6; j = $7; s = ""
    if (t == "/tasks/exit" || t == "/tasks/delete") {
      s = " exit_status=0"
      if (match(j, /"exit_status":[0-9]+/)) s = " exit_status=" substr(j, RSTART + 14, RLENGTH - 14)
      if (j !~ at) s = s " no-exited_at"
    }
    print t s }'
}
wait_event() { wait_for 10 sh -c "cat \"\$TESTDIR\"/events.* | grep -F '\"container_id\":\"$2\"' | grep -q ' $1 '"; }
# events_start N: `ctr events` into $TESTDIR/events.N (it ends with containerd).
events_start() {
  "$CTR" events > "$TESTDIR/events.$1" 2>&1 &
  EVPID=$!
  sleep 0.2
}
events_stop() {
  [ -n "$EVPID" ] || return 0
  kill "$EVPID" 2>/dev/null
  wait "$EVPID" 2>/dev/null
  EVPID=""
}
# Runs first at exit: containerd removes what it can, then leftovers are killed.
e2e_cleanup() {
  events_stop
  peers_cleanup
  for _p in $(ours | cut -d' ' -f1); do kill -KILL "$_p" 2>/dev/null; done
  for _s in $SOCKS; do rm -f "${_s#unix://}"; done
}
at_exit e2e_cleanup

# ---------------------------------------------------------------- images

"$TOP/build/mkelf" "$TESTDIR/hello.elf" >/dev/null
mkimg() { sh "$TOP/scripts/mkimage.sh" --name "$1" --firmware "$TESTDIR/hello.elf" --mcu "$2" --oci-archive "$TESTDIR/$2.tar" >/dev/null; }
testing "images: firmware images for m4 and an unknown processor imported" \
  'mkimg localhost/fw:latest m4 && mkimg localhost/nosuch:latest nosuch && ctr_import m4.tar && ctr_import nosuch.tar && ctr_ images ls -q' \
  "localhost/fw:latest\nlocalhost/nosuch:latest\n" "" ""
events_start 1

# ---------------------------------------------------------------- run -d, ls, ps

testing "ctr run -d: the task runs on the processor" \
  'ctr_ run -d --runtime $R localhost/fw:latest c1 2>&1; echo rc=$?; proc_state remoteproc0; proc_state remoteproc1' \
  "rc=0\nrunning\noffline\n" "" ""
note_socket c1
testing "ctr task ls: RUNNING, pid = the proxy" \
  'task c1; cat /proc/$(task_pid c1)/comm' "c1 RUNNING\nrproxy:c1\n" "" ""
testing "ctr task ps: the proxy's pid" \
  'ctr_ task ps c1 | awk "NR > 1 { print \$1 }" | grep -cx "$(task_pid c1)"' "1\n" "" ""
testing "ctr task metrics: the shim's Stats, the proxy's own cgroup (/NS/c1)" \
  'sed -n "s/^[0-9]*:memory://p" /proc/$(task_pid c1)/cgroup | sed "s|^/$CTR_NAMESPACE/|/NS/|";
   ctr_ task metrics c1 | awk "\$1 == \"pids.current\" { print \$1, \$2 }
     \$1 == \"memory.usage_in_bytes\" { print (\$2 > 0 && \$2 < 33554432) ? \"memory small\" : \"memory \" \$2 }"' \
  "/NS/c1\nmemory small\npids.current 1\n" "" ""
testing "ctr run -d on a busy processor fails clearly, no shim or state left" \
  'ctr_ run -d --runtime $R localhost/fw:latest c2 2>&1; echo rc=$?; sleep 0.3; shim_of c2; ls $RPROC_ROOT/run/remoteproc-runtime; ctr_ c rm c2' \
  "ctr: failed to create shim task: processor m4 is in use by container c1$(ctd_code "failed precondition")\nrc=1\nc1\n" "" ""
testing "ctr run -d for an unknown processor: the error is in ctr's output" \
  'ctr_ run -d --runtime $R localhost/nosuch:latest c3 2>&1; echo rc=$?; sleep 0.3; shim_of c3; ctr_ c rm c3' \
  "ctr: failed to create shim task: remote processor nosuch does not exist in $SYS, available remote processors: m4, dsp$(ctd_code unknown)\nrc=1\n" "" ""
testing "an id in use in another containerd namespace is refused (one state root)" \
  'export CTR_NS=$CTR_NAMESPACE-other; ctr_import m4.tar && ctr_ run -d --runtime $R localhost/fw:latest c1 2>&1; echo rc=$?;
   ctr_ c rm c1 >/dev/null 2>&1; ctr_ images rm localhost/fw:latest >/dev/null; ctr_ namespaces rm $CTR_NS >/dev/null 2>&1; unset CTR_NS; task c1; proc_state remoteproc0' \
  "ctr: failed to create shim task: container c1 already exists$(ctd_code "already exists")\nrc=1\nc1 RUNNING\nrunning\n" "" ""

# ---------------------------------------------------------------- kill, rm, events

testing "ctr task kill (TERM): STOPPED, processor offline" \
  'ctr_ task kill c1 2>&1; echo rc=$?; wait_status c1 STOPPED; task c1; proc_state remoteproc0' \
  "rc=0\nc1 STOPPED\noffline\n" "" ""
testing "ctr task rm + ctr container rm: the shim ends, nothing staged" \
  'ctr_ task rm c1 2>&1; echo rc=$?; ctr_ c rm c1 2>&1; ctr_ task ls -q; wait_for 5 sh -c "[ ! -d $TASKS/c1 ]"; shim_of c1; staged' \
  "rc=0\n" "" ""
testing "events: c1 create, start, exit 0, delete 0 (exited_at set)" \
  'wait_event /tasks/delete c1; events_of c1' \
  "/tasks/create\n/tasks/start\n/tasks/exit exit_status=0\n/tasks/delete exit_status=0\n" "" ""

testing "ctr task kill -s SIGKILL: STOPPED with 137, processor offline" \
  'ctr_ run -d --runtime $R localhost/fw:latest c4 2>&1 && ctr_ task kill -s SIGKILL c4 2>&1; echo rc=$?; wait_status c4 STOPPED; task c4; proc_state remoteproc0;
   ctr_ task rm c4 && ctr_ c rm c4; wait_event /tasks/delete c4; events_of c4; staged' \
  "rc=0\nc4 STOPPED\noffline\n/tasks/create\n/tasks/start\n/tasks/exit exit_status=137\n/tasks/delete exit_status=137\n" "" ""

testing "a simulated crash: STOPPED with a non-zero status (10)" \
  'echo disabled > $SYS/remoteproc0/recovery; ctr_ run -d --runtime $R localhost/fw:latest c5 2>&1; echo rc=$?; sim_crash remoteproc0;
   wait_status c5 STOPPED; task c5; proc_state remoteproc0; wait_event /tasks/exit c5; events_of c5 | grep exit; ctr_ task rm c5 && ctr_ c rm c5; staged' \
  "rc=0\nc5 STOPPED\noffline\n/tasks/exit exit_status=10\n" "" ""

# ---------------------------------------------------------------- run --rm (foreground)

testing "ctr run --rm: the firmware log on stdout, the crash as exit status 10" \
  '$CTR run --rm --runtime $R localhost/fw:latest c6 > fg.out 2>&1 & fg=$!;
   wait_for 10 grep -qx running $SYS/remoteproc0/state; sim_trace remoteproc0 "hello from m4"; wait_for 10 grep -q hello fg.out;
   sim_crash remoteproc0; wait $fg; echo rc=$?; cat fg.out; ctr_ c ls -q; proc_state remoteproc0; staged' \
  "rc=10\nhello from m4\nremoteproc-runtime: firmware on m4 crashed; stopping the processor\noffline\n" "" ""
testing "ctr run --rm: SIGKILL from ctr task kill returns 137" \
  '$CTR run --rm --runtime $R localhost/fw:latest c7 > fg2.out 2>&1 & fg=$!;
   wait_for 10 grep -qx running $SYS/remoteproc0/state; ctr_ task kill -s SIGKILL c7; wait $fg; echo rc=$?; cat fg2.out; ctr_ c ls -q; proc_state remoteproc0' \
  "rc=137\noffline\n" "" ""
testing "events: c6 exit and delete carry 10" \
  'wait_event /tasks/delete c6; events_of c6' \
  "/tasks/create\n/tasks/start\n/tasks/exit exit_status=10\n/tasks/delete exit_status=10\n" "" ""

# ---------------------------------------------------------------- containerd restart

ctr_ run -d --runtime $R localhost/fw:latest r1 >/dev/null 2>&1
note_socket r1
SHIM_R1=$(shim_of r1)
events_stop
restart=ok
containerd_restart || restart="failed: $PEERS_REASON"
events_start 2
testing "containerd restart: daemon back, the task still listed RUNNING, same shim" \
  'echo "$restart"; task r1; [ -n "$SHIM_R1" ] && [ "$(shim_of r1)" = "$SHIM_R1" ] && echo same-shim; proc_state remoteproc0' \
  "ok\nr1 RUNNING\nsame-shim\nrunning\n" "" ""
testing "after the restart: ctr task kill stops it, events reach the new daemon" \
  'ctr_ task kill r1 2>&1; echo rc=$?; wait_status r1 STOPPED; task r1; proc_state remoteproc0; ctr_ task rm r1 && ctr_ c rm r1;
   wait_event /tasks/delete r1; events_of r1 | grep -v -e create -e start; staged' \
  "rc=0\nr1 STOPPED\noffline\n/tasks/exit exit_status=0\n/tasks/delete exit_status=0\n" "" ""

ctr_ run -d --runtime $R localhost/fw:latest r2 >/dev/null 2>&1
note_socket r2
events_stop
down=ok
containerd_stop_daemon || down="failed: $PEERS_REASON"
echo disabled > "$SYS/remoteproc0/recovery"
sim_crash remoteproc0
sleep 0.5
containerd_restart || down="failed: $PEERS_REASON"
events_start 3
testing "a crash while containerd is down: STOPPED (10) once it is back" \
  'echo "$down"; wait_status r2 STOPPED; task r2; proc_state remoteproc0' "ok\nr2 STOPPED\noffline\n" "" ""
# The shim retries over ttrpc, or its publish binary (containerd publish)
# waits for the daemon: either way the event may come before `ctr events`
# subscribes again, so the daemon's debug log is the witness.
testing "a crash while containerd is down: the exit reaches the restarted daemon" \
  '[ -z "$LOGGED_EXIT" ] || wait_for 15 grep -q "topic=/tasks/exit" "$CONTAINERD_LOG"; grep -o "topic=/tasks/exit type=[^ ]*" "$CONTAINERD_LOG" | head -n 1;
   ctr_ task rm r2 2>&1 | grep -o "exit with non-zero exit code 10"; ctr_ c rm r2; staged' \
  "${LOGGED_EXIT}exit with non-zero exit code 10\n" "" ""

# ---------------------------------------------------------------- SIGKILL of a shim

testing "SIGKILL of the shim: containerd cleans up, nothing runs or stays staged" \
  'ctr_ run -d --runtime $R localhost/fw:latest k1 2>&1; note_socket k1; p=$(task_pid k1); s=$(shim_of k1); proc_state remoteproc0;
   kill -KILL $s; wait_for 10 sh -c "! \"\$CTR\" task ls -q | grep -qx k1"; ctr_ task ls -q;
   ctr_ task rm -f k1 2>&1 | grep -o "^ctr: no running task found"; ctr_ c rm k1 2>&1; echo rc=$?; alive $p && echo proxy-alive; proc_state remoteproc0; staged' \
  "running\nctr: no running task found\nrc=0\noffline\n" "" ""
testing "SIGKILL of the shim: containerd publishes exit and delete with 137" \
  'wait_event /tasks/delete k1; events_of k1' \
  "/tasks/create\n/tasks/start\n/tasks/exit exit_status=137\n/tasks/delete exit_status=137\n" "" ""

# ---------------------------------------------------------------- sandbox

SB="--annotation io.kubernetes.cri.container-type=sandbox --annotation io.kubernetes.cri.sandbox-id=sb1"
WK="--annotation io.kubernetes.cri.container-type=container --annotation io.kubernetes.cri.sandbox-id=sb1"
testing "sandbox (io.kubernetes.cri.container-type=sandbox): runs, holds no processor" \
  'ctr_ run -d --runtime $R $SB localhost/fw:latest sb1 2>&1; echo rc=$?; task sb1; proc_state remoteproc0; ls $RPROC_ROOT/run/rprocbox/claims' \
  "rc=0\nsb1 RUNNING\noffline\n" "" ""
note_socket sb1
testing "sandbox: a worker of its group takes the processor, in the sandbox's shim" \
  'ctr_ run -d --runtime $R $WK localhost/fw:latest w1 2>&1; echo rc=$?; task w1; proc_state remoteproc0; ls $RPROC_ROOT/run/rprocbox/claims;
   cmp $TASKS/sb1/address $TASKS/w1/address && echo same-address; shim_of w1; shim_of sb1 | wc -l' \
  "rc=0\nw1 RUNNING\nrunning\nremoteproc0\nsame-address\n1\n" "" ""
testing "sandbox: the worker goes, the sandbox stays; then it goes too" \
  'ctr_ task kill w1; wait_status w1 STOPPED; ctr_ task rm w1 && ctr_ c rm w1; task sb1; proc_state remoteproc0;
   ctr_ task kill sb1; wait_status sb1 STOPPED; ctr_ task rm sb1 && ctr_ c rm sb1; ctr_ task ls -q; staged' \
  "sb1 RUNNING\noffline\n" "" ""

# ---------------------------------------------------------------- the end

testing "nothing left behind: containers, shims, proxies, sockets (NRI's too), staged files" \
  'ctr_ c ls -q; wait_none; ours; staged; for s in $SOCKS; do [ -e "${s#unix://}" ] && echo "socket $s"; done;
   [ -z "$NRI_BEFORE" ] && [ -e /run/nri/nri.sock ] && echo "NRI socket"; proc_state remoteproc0; proc_state remoteproc1' \
  "offline\noffline\n" "" ""
events_stop
exit 0
