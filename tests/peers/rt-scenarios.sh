# tests/peers/rt-scenarios.sh - the scenarios of tests/scenarios.test driven
# through an engine (after tests/peers/rt-setup.sh and podman_start or
# dockerd_start): the lifecycle created -> running -> stopped with its exit,
# an unknown processor listing the available ones, TERM to the proxy (the
# pid the engine learnt from --pid-file), the namespaces the engine asks
# for, a custom firmware_class path. A user's namespaces are
# tests/scenarios.test's: an engine run by a user (rootless podman) needs
# subordinate ids and a user session this machine's test root has not.
#   engine_scenarios NAME ENGINE [RUN ARGS]: ENGINE is podman_ or docker_
#   engine_skip NAME REASON: a SKIP for each of those cases and "nothing left"
# shellcheck shell=sh disable=SC2016  # test commands are single-quoted for eval

FWP=$RPROC_ROOT/sys/module/firmware_class/parameters/path
sc_status() { $E inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$1"; }
sc_exited() { sc_status "$1" | grep -q '^exited'; }
sc_pid() { $E inspect --format '{{.State.Pid}}' "$1"; }
sc_ns() { readlink "/proc/$1/ns/$2"; }

SC_CASES="load the image;lifecycle: created, running, then stopped with its exit;an unknown processor: the error lists the available ones;TERM to the proxy (the engine's --pid-file pid) stops the processor, exit 0;namespaces: the proxy is in the pid and mount namespaces the engine asked for;a custom firmware_class path: staged there, started;nothing left"
engine_skip() { (IFS=';'; for _c in $SC_CASES; do skip "$1: $_c" "$2"; done); }

engine_scenarios() {
  N=$1 E=$2 RA=${3:-}
  export E
  testing "$N: load the image" '${E%_}_load "$IMG/fw.docker.tar" && $E images --format "{{.Repository}}" | grep -c localhost/fw' \
    "1\n" "" ""
  testing "$N: lifecycle: created, running, then stopped with its exit" \
    '$E create --name s1 $RA localhost/fw:latest | id64; sc_status s1; pstate 0; $E start s1; sc_status s1; pstate 0;
     $E stop s1; sc_status s1; pstate 0; $E rm s1' \
    "ID\ncreated 0\noffline\ns1\nrunning 0\nrunning\ns1\nexited 0\noffline\ns1\n" "" ""
  testing "$N: an unknown processor: the error lists the available ones" \
    '$E run -d --name s2 $RA -e MCU=cortex-m99 localhost/fw:latest 2>&1 |
     grep -o "remote processor cortex-m99 does not exist in [^,]*, available remote processors: m4, dsp"; $E rm -f s2 >/dev/null 2>&1' \
    "remote processor cortex-m99 does not exist in $S, available remote processors: m4, dsp\n" "" ""
  testing "$N: TERM to the proxy (the engine's --pid-file pid) stops the processor, exit 0" \
    '$E run -d --name s3 $RA localhost/fw:latest | id64; p=$(sc_pid s3); cut -c1-7 "/proc/$p/comm"; pstate 0;
     kill -TERM "$p"; wait_for 10 sc_exited s3; sc_status s3; pstate 0; $E rm s3' \
    "ID\nrproxy:\nrunning\nexited 0\noffline\ns3\n" "" ""
  testing "$N: namespaces: the proxy is in the pid and mount namespaces the engine asked for" \
    '$E run -d --name s4 $RA localhost/fw:latest | id64; p=$(sc_pid s4);
     for t in pid mnt; do [ "$(sc_ns "$p" $t)" != "$(sc_ns $$ $t)" ] && echo "$t: its own"; done; $E rm -f s4; pstate 0' \
    "ID\npid: its own\nmnt: its own\ns4\noffline\n" "" ""
  testing "$N: a custom firmware_class path: staged there, started" \
    'mkdir -p "$RPROC_ROOT/lib/firmware/custom" && printf %s /lib/firmware/custom > "$FWP";
     $E run -d --name s5 $RA localhost/fw:latest | id64; pstate 0; ls "$RPROC_ROOT/lib/firmware/custom/remoteproc-runtime" | wc -l;
     $E rm -f s5; printf "\\000" > "$FWP"; pstate 0; ls "$RPROC_ROOT/lib/firmware/custom/remoteproc-runtime"' \
    "ID\nrunning\n1\ns5\noffline\n" "" ""
}
