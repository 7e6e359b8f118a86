# tests/peers/docker-cases.sh - cases every Docker release is held to alike,
# whichever way it reaches the runtime (tests/peers/rt-docker.sh: 20.10's
# daemon.json path; tests/peers/docker-shim.sh: 26+ with the shim by name).
#   docker_lifecycle NAME  container NAME runs on m4: stop (ExitCode 0),
#                          start again, a crash (ExitCode 10 and the reason in
#                          its log); three cases
#   mem_small              stdin "PIDS USED / LIMIT" (docker stats --format
#                          "{{.PIDs}} {{.MemUsage}}") -> "PIDS memory small"
#                          when USED is under 32 MiB (the proxy's own), else
#                          "PIDS memory USED" (a host's or daemon's figure)

mem_small() {
  awk '{ u = $2; n = u + 0
         small = u ~ /^[0-9.]+(B|kB|KiB)$/ || (u ~ /^[0-9.]+MiB$/ && n < 32)
         print $1, small ? "memory small" : "memory " u }'
}

docker_lifecycle() {
  testing "docker: stop, ExitCode 0" \
    "docker_ stop $1 2>&1; echo rc=\$?; pstate 0; docker_ inspect -f '{{.State.Status}} {{.State.ExitCode}}' $1" \
    "$1\nrc=0\noffline\nexited 0\n" "" ""
  testing "docker: start again" \
    "docker_ start $1 2>&1; echo rc=\$?; pstate 0; docker_ inspect -f '{{.State.Status}}' $1" \
    "$1\nrc=0\nrunning\nrunning\n" "" ""
  testing "docker: crash, ExitCode 10" \
    "crash 0; wait_for 10 sh -c 'cd / && \$DOCKER inspect -f {{.State.Status}} $1 | grep -q exited';
     docker_ inspect -f '{{.State.Status}} {{.State.ExitCode}}' $1; docker_ logs $1 2>&1 | tail -n 1" \
    "exited 10\nremoteproc-runtime: firmware on m4 crashed; stopping the processor\n" "" ""
}
