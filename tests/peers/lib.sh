# tests/peers/lib.sh - start and stop REAL container tools (containerd + ctr,
# podman + conmon, Docker 20.10's dockerd) on temporary roots, for end-to-end
# tests. POSIX sh; sourced by tests/*.test after tests/testing.sh:
#
#   . "$TOP/tests/testing.sh"; . "$TOP/tests/peers/lib.sh"
#   containerd_start || skip_all "$PEERS_REASON"
#
# Everything lives under $TESTDIR/peers (bulk data: images, layers) and a
# short directory $PEERS_TMP from mktemp (sockets, daemon state: unix socket
# paths are limited to 107 bytes). The first start registers peers_cleanup
# with the harness's at_exit, so daemons, shims, conmons, container processes,
# mounts under those directories, the cgroups the tools made and the few
# host paths these tools insist on (listed below) are removed even when the
# test fails. Each start function returns 1 with a one-line PEERS_REASON
# (also printed on stderr) when the tool cannot run here.
#
# Common
#   peers_init            make PEERS_TMP, PEERS_DIR, PEERS_BIN, PEERS_ID (done
#                         by every start function; idempotent)
#   peers_bin NAME TARGET symlink $PEERS_BIN/NAME -> TARGET; PEERS_BIN is first
#                         on the PATH of every daemon started here, e.g.
#                         peers_bin containerd-shim-remoteproc-v1 "$RPROCBOX"
#   peers_cleanup         stop everything (registered with at_exit); when
#                         a case failed (or PEERS_SHOW_LOGS is set) the end
#                         of each daemon log goes to stderr first
#   peers_leftovers       print what is left behind (processes, mounts,
#                         cgroups, host paths); prints nothing when clean
#   peers_settle SECONDS  wait up to SECONDS for peers_leftovers to be empty
#
# containerd 1.6 (own config: root, state, grpc + ttrpc address, debug log,
# CRI and unusable snapshotters disabled, opt plugin under the temp root)
#   containerd_start [DIR...]   DIRs go first on containerd's PATH (shims are
#                         looked up there), after PEERS_BIN. Exports
#                         CTR_ADDRESS (grpc socket), CTR_NAMESPACE (unique
#                         rpb-ID unless preset; ctr's cgroups go under
#                         /CTR_NAMESPACE), CTR (path of a script: ctr
#                         --address .. --namespace .., adding --fifo-dir
#                         CTR_FIFO_DIR to run/task start/task exec),
#                         CONTAINERD_PID, CONTAINERD_LOG,
#                         CONTAINERD_STATE (bundles: $CONTAINERD_STATE/
#                         io.containerd.runtime.v2.task/NS/ID), CONTAINERD_ROOT
#   ctr_ ARGS...          ctr on that daemon and namespace
#   ctr_import OCI_TAR    ctr images import --all-platforms (quiet on success)
#   containerd_stop       kill+delete tasks, remove containers, stop daemon
#                         and every shim it started, unmount, remove sockets
#   containerd_start_cri SANDBOX_IMAGE TOML [DIR...]
#                         the same daemon (same exports; containerd_stop
#                         stops it) with the CRI plugin ENABLED: overlayfs,
#                         sandbox_image = SANDBOX_IMAGE (import it into k8s.io
#                         before the first RunPodSandbox: nothing is pulled),
#                         empty CNI dirs under the temp root (host-network
#                         pods only), CTR_NAMESPACE=k8s.io (CRI's namespace).
#                         TOML is appended to the config as is (runtime
#                         handlers). CRI_CONFIG_VERSION (2, the default, or
#                         3 for containerd 2.x) picks the config's keys. Also exports CRI_ADDRESS (the CRI gRPC
#                         socket: containerd's own) and CRI_ROOT (the CRI
#                         plugin's root directory)
#
# podman 4.3 + conmon (no daemon), or podman 5 in a private root of a newer
# suite when PODMAN_SUITE_ROOT names its scripts/pins group (trixie/podman)
#   podman_start [RUNTIME]  prepare roots/configs; RUNTIME (default: runc on
#                         PATH) is passed as `--runtime`. Exports PODMAN (a
#                         command string), PODMAN_RUNTIME, PODMAN_ROOT,
#                         PODMAN_RUNROOT, PODMAN_TMPDIR. PODMAN_RUNTIME_FLAGS
#                         (preset, optional): global runtime flags, each
#                         passed as --runtime-flag (e.g. "root=/x log-format=json")
#   podman_ ARGS...       podman --root/--runroot/--tmpdir under the temp
#                         roots, vfs, cgroupfs, file events, --runtime
#   podman_load ARCHIVE   podman load (oci-archive or docker-archive), quiet
#   podman_cleanup        remove every container and all storage
#                         (podman_stop is the same)
#
# Docker 20.10 (dockerd by hand, on a containerd started here for it)
#   dockerd_start [RUNTIME_PATH]  daemon.json gets {"runtimes":{NAME:{"path":
#                         RUNTIME_PATH}}} with NAME = $DOCKER_RUNTIME_NAME
#                         (default remoteproc); iptables/ip-forward/masq off,
#                         bridge none, overlay2, cgroup parent /rpb-ID-docker.
#                         Exports DOCKER_SOCK, DOCKER (command string),
#                         DOCKERD_PID, DOCKERD_LOG, DOCKERD_RUNC_ROOT (the
#                         --root the runc shim passes: EXEC/runtime-runc/moby),
#                         DOCKERD_CONTAINERD (its containerd's grpc socket)
#   docker_ ARGS...       $DOCKER_CLI (default /usr/bin/docker, the 20.10
#                         client) -H unix://DOCKER_SOCK, own DOCKER_CONFIG
#   docker_load ARCHIVE   docker load -i (docker-archive), quiet on success
#   dockerd_stop          rm -f every container, stop dockerd, its containerd,
#                         shims; unmount; remove cgroups
#
# Engine versions other than the system's (Debian packages of newer
# releases, unpacked by scripts/debian-get.sh from the groups of scripts/pins)
#   peers_engine GROUP    fetch GROUP (e.g. containerd-2.1, docker-28) and put
#                         its usr/sbin and usr/bin first on this shell's PATH
#                         and on every daemon's; exports PEERS_ENGINE=GROUP.
#                         A group's docker client becomes DOCKER_CLI, its
#                         Compose plugin the one `docker_ compose` runs
#   containerd_version    "MAJOR.MINOR" of the containerd on PATH (1.6, 2.1)
#   ctd_code NAME         ": NAME" on containerd 1.x, nothing on 2.x: the gRPC
#                         code name 1.x appends to an error it passes on
#                         (": unknown", ": failed precondition")
#
# Host paths these tools create whatever their configuration says (removed at
# stop only when they did not exist before, and only when empty/ours):
#   /run/containerd/{s,fifo,runc/NS}   shim sockets (1.6 hard-codes
#       /run/containerd/s), ctr's default fifo dir, runc state of the runc
#       shim (default --runc-root /run/containerd/runc/NS)
#   /run/mount                         umount(8)'s utab lock
#   /run/docker/plugins                dockerd 20.10 plugin exec root
#   /run/runc, /run/crun               runc/crun state under podman
#   /var/lib/containers/cache/blob-info-cache-v1.boltdb  podman load
#   cgroups: /CTR_NAMESPACE, /rpb-ID-docker, /libpod_parent
#
# Knobs (set before sourcing or before a start): PEERS_SYSPATH (the PATH
# daemons get after PEERS_BIN, default the standard one), PEERS_START_TIMEOUT
# (seconds to wait for a daemon, default 30), DOCKER_CLI, DOCKER_RUNTIME_NAME,
# CTR_NAMESPACE, PODMAN_RUNTIME_FLAGS, PEERS_SHOW_LOGS, DOCKERD_CONFIG_EXTRA
# (members added to daemon.json, e.g. CDI's), PODMAN_ENGINE_EXTRA (lines
# added to containers.conf's [engine]), CRI_PLUGIN_EXTRA (lines added to
# the CRI plugin's table: its runtime table with config version 3).

PEERS_SYSPATH=${PEERS_SYSPATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}
DOCKER_CLI=${DOCKER_CLI:-/usr/bin/docker}
DOCKER_RUNTIME_NAME=${DOCKER_RUNTIME_NAME:-remoteproc}
PEERS_START_TIMEOUT=${PEERS_START_TIMEOUT:-30}

# ---------------------------------------------------------------- helpers

_peers_fail() {
  PEERS_REASON=$*
  echo "peers: $PEERS_REASON" >&2
  return 1
}

_peers_need_root() {
  [ "$(id -u)" = 0 ] || _peers_fail "$1 needs root"
}

# _peers_need_cmd CMD PACKAGE
_peers_need_cmd() {
  command -v "$1" >/dev/null 2>&1 || _peers_fail "needs $1 (Debian package $2, scripts/deps.sh peers)"
}

# _peers_tail FILE: the last lines of a log, joined into one line.
_peers_tail() {
  [ -f "$1" ] || { echo "(no log)"; return 0; }
  tail -n 3 "$1" | cut -c1-300 | tr '\n' ' ' | sed 's/ *$//'
}

peers_init() {
  [ -n "${PEERS_TMP:-}" ] && [ -d "$PEERS_TMP" ] && return 0
  # Short: sockets live here. TMPDIR if it leaves room, else /tmp.
  _pt=${TMPDIR:-/tmp}
  [ "${#_pt}" -le 40 ] || _pt=/tmp
  PEERS_TMP=$(mktemp -d "$_pt/rpb.XXXXXX") || { _peers_fail "mktemp failed"; return 1; }
  PEERS_ID=${PEERS_TMP##*/rpb.}
  PEERS_ID=$(printf '%s' "$PEERS_ID" | tr 'A-Z' 'a-z')
  PEERS_DIR=${TESTDIR:-$PEERS_TMP}/peers
  PEERS_BIN=$PEERS_TMP/bin
  mkdir -p "$PEERS_DIR" "$PEERS_BIN"
  _peers_noted="" _peers_cgroups=""
  # umount(8) (libmount) creates /run/mount for its utab lock.
  _peers_note /run/mount /run/mount/utab /run/mount/utab.lock
  export PEERS_TMP PEERS_DIR PEERS_BIN PEERS_ID
  if [ -z "${_peers_registered:-}" ]; then
    _peers_registered=1
    if command -v at_exit >/dev/null 2>&1; then at_exit peers_cleanup; fi
  fi
}

peers_bin() {
  peers_init || return 1
  ln -sfn "$2" "$PEERS_BIN/$1"
}

# _peers_note PATH...: remember host paths that do not exist yet, so stop can
# remove them (a file: rm -f; a directory: rmdir, i.e. only when empty).
# Note parents before children; removal goes in reverse order.
_peers_note() {
  for _p in "$@"; do
    [ -e "$_p" ] && continue
    case " $_peers_noted " in *" $_p "*) continue ;; esac
    _peers_noted="$_p $_peers_noted"
  done
}

_peers_remove_noted() {
  for _p in $_peers_noted; do
    if [ -d "$_p" ] && [ ! -L "$_p" ]; then rmdir "$_p" 2>/dev/null
    elif [ -e "$_p" ]; then rm -f "$_p"
    fi
  done
  return 0
}

# _peers_cgroup_roots: mount points of cgroup v1 hierarchies and cgroup2.
_peers_cgroup_roots() {
  awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break;
         if ($(i+1) == "cgroup" || $(i+1) == "cgroup2") print $5 }' /proc/self/mountinfo
}

# _peers_cgroup NAME: a top-level cgroup a tool will create; removed at stop
# (rmdir, deepest first) when it did not exist before.
_peers_cgroup() {
  for _r in $(_peers_cgroup_roots); do
    [ -e "$_r/$1" ] && return 0        # existed before: not ours
  done
  case " $_peers_cgroups " in *" $1 "*) ;; *) _peers_cgroups="$_peers_cgroups $1" ;; esac
}

_peers_remove_cgroups() {
  for _c in $_peers_cgroups; do
    for _r in $(_peers_cgroup_roots); do
      [ -d "$_r/$_c" ] || continue
      # Retry briefly: a cgroup stays busy until its last task is reaped.
      _n=20
      while [ -d "$_r/$_c" ] && [ "$_n" -gt 0 ]; do
        find "$_r/$_c" -depth -type d -exec rmdir {} + 2>/dev/null
        [ -d "$_r/$_c" ] || break
        sleep 0.1; _n=$((_n - 1))
      done
    done
  done
  return 0
}

# _peers_ps: "PID PPID STATE" for every process.
_peers_ps() {
  for _d in /proc/[0-9]*; do
    _s=$(cat "$_d/stat" 2>/dev/null) || continue
    _s=${_s##*) }
    set -- $_s
    echo "${_d#/proc/} $2 $1"
  done
}

# _peers_pids_with STRING...: live (non-zombie) processes whose command line
# contains one of STRINGs (not this shell).
_peers_pids_with() {
  for _d in /proc/[0-9]*; do
    _pid=${_d#/proc/}
    [ "$_pid" = "$$" ] && continue
    _cl=$( { tr '\0' ' ' < "$_d/cmdline"; } 2>/dev/null) || continue
    [ -n "$_cl" ] || continue
    for _str in "$@"; do
      case "$_cl" in *"$_str"*)
        _st=$(cat "$_d/stat" 2>/dev/null) || continue
        _st=${_st##*) }
        [ "${_st%% *}" = Z ] || echo "$_pid"
        break ;;
      esac
    done
  done
}

# _peers_kill_tree PID...: SIGKILL the processes and all their descendants.
_peers_kill_tree() {
  [ $# -gt 0 ] || return 0
  _all=$(_peers_ps | awk -v roots="$*" '
    { ppid[$1] = $2 }
    END {
      n = split(roots, r, " "); for (i = 1; i <= n; i++) want[r[i]] = 1
      do { added = 0
        for (p in ppid) if (!(p in want) && (ppid[p] in want)) { want[p] = 1; added = 1 }
      } while (added)
      for (p in want) print p
    }')
  # shellcheck disable=SC2086
  kill -KILL $_all 2>/dev/null
  return 0
}

# _peers_reap_matching SECONDS STRING...: give processes whose command line
# contains a STRING (shims, conmon, its `podman container cleanup`) SECONDS
# to finish on their own, then SIGKILL them with their descendants.
_peers_reap_matching() {
  _rn=$(( $1 * 10 )); shift
  while [ "$_rn" -gt 0 ]; do
    [ -n "$(_peers_pids_with "$@")" ] || return 0
    sleep 0.1; _rn=$((_rn - 1))
  done
  # shellcheck disable=SC2046
  _peers_kill_tree $(_peers_pids_with "$@")
  _rn=20
  while [ "$_rn" -gt 0 ] && [ -n "$(_peers_pids_with "$@")" ]; do
    sleep 0.1; _rn=$((_rn - 1))
  done
  return 0
}

# _peers_stop_pid PID SECONDS: SIGTERM, wait, SIGKILL; reap if our child.
_peers_stop_pid() {
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null || { wait "$1" 2>/dev/null; return 0; }
  _n=$(( $2 * 10 ))
  while [ "$_n" -gt 0 ] && _peers_alive "$1"; do sleep 0.1; _n=$((_n - 1)); done
  _peers_alive "$1" && kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  return 0
}

# _peers_alive PID: running and not a zombie.
_peers_alive() {
  _st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  _st=${_st##*) }
  [ "${_st%% *}" != Z ]
}

# _peers_umount_under DIR...: unmount everything mounted at or below DIRs,
# deepest first.
_peers_umount_under() {
  for _dir in "$@"; do
    [ -n "$_dir" ] || continue
    _i=0
    while [ "$_i" -lt 5 ]; do
      _ms=$(awk -v d="$_dir" '{ p = $5; gsub(/\\040/, " ", p)
              if (p == d || index(p, d "/") == 1) print p }' /proc/self/mountinfo | sort -r)
      [ -n "$_ms" ] || break
      echo "$_ms" | while IFS= read -r _m; do
        umount "$_m" 2>/dev/null || umount -l "$_m" 2>/dev/null
      done
      _i=$((_i + 1))
    done
  done
  return 0
}

# _peers_rm_tree DIR: remove a directory tree we made, after unmounting.
_peers_rm_tree() {
  [ -n "$1" ] && [ -e "$1" ] || return 0
  _peers_umount_under "$1"
  rm -rf "$1" 2>/dev/null && return 0
  chattr -R -i -a "$1" 2>/dev/null
  chmod -R u+rwX "$1" 2>/dev/null
  rm -rf "$1"
}

# _peers_wait_up PID SECONDS CMD...: until CMD succeeds; fail if PID dies.
_peers_wait_up() {
  _wp=$1 _wn=$(( $2 * 10 )); shift 2
  while [ "$_wn" -gt 0 ]; do
    "$@" >/dev/null 2>&1 && return 0
    _peers_alive "$_wp" || return 2
    sleep 0.1; _wn=$((_wn - 1))
  done
  return 1
}

# ---------------------------------------------------------------- containerd

peers_engine() {
  _eo=$("$TOP/scripts/debian-get.sh" fetch "$1" 2>&1) ||
    { _peers_fail "cannot fetch $1 (scripts/debian-get.sh fetch $1): $(echo "$_eo" | tail -n 1)"; return 1; }
  _eg=$(echo "$_eo" | tail -n 1)
  PATH=$_eg/usr/sbin:$_eg/usr/bin:$PATH
  PEERS_SYSPATH=$_eg/usr/sbin:$_eg/usr/bin:$PEERS_SYSPATH
  PEERS_ENGINE=$1
  # From Debian 13 on the docker client is its own package, docker-cli.
  [ ! -x "$_eg/usr/bin/docker" ] || DOCKER_CLI=$_eg/usr/bin/docker
  [ ! -x "$_eg/usr/libexec/docker/cli-plugins/docker-compose" ] ||
    PEERS_COMPOSE=$_eg/usr/libexec/docker/cli-plugins/docker-compose
  export PATH PEERS_ENGINE
}

containerd_version() {
  containerd --version 2>/dev/null | awk '{ split($3, v, "."); sub(/^v/, "", v[1]); print v[1] "." v[2] }'
}

ctd_code() { case $(containerd_version) in 1.*) printf ': %s' "$1" ;; esac; }


# _ctd_config DISABLED: the configuration every containerd here shares, on
# stdout; DISABLED is the TOML list body of plugins not to load. containerd
# 2.x loads NRI by default, which leaves /run/nri/nri.sock on the host.
_ctd_config() {
  _nri=""
  case $(containerd_version) in 1.*) ;; *) _nri=', "io.containerd.nri.v1.nri"' ;; esac
  cat <<EOF
version = ${_ctd_cfgver:-2}
root = "$_ctd_root/root"
state = "$_ctd_state/state"
disabled_plugins = [$1$_nri]

[grpc]
  address = "$_ctd_sock"

[ttrpc]
  address = "$_ctd_sock.ttrpc"

[debug]
  level = "debug"

[plugins."io.containerd.internal.v1.opt"]
  path = "$_ctd_root/opt"
EOF
}

# _ctd_exec PATH: start containerd on $_ctd_root/config.toml, logging to
# $_ctd_log, in the background; sets _ctd_pid. A clean environment, as a service manager
# would give; RPROC_ROOT (the simulator's tree) reaches its shims and
# runtimes. Without job control setsid execs in place, so $! is the daemon.
_ctd_exec() {
  (cd / && exec env -i PATH="$1" HOME="${HOME:-/}" \
    ${RPROC_ROOT:+RPROC_ROOT="$RPROC_ROOT"} \
    setsid containerd --config "$_ctd_root/config.toml" >"$_ctd_log" 2>&1 </dev/null) &
  _ctd_pid=$!
}

_CTD_NOSNAP='"io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"'

# _ctd_launch TAG NAMESPACE PATHDIRS: start a containerd instance; sets
# _ctd_sock _ctd_pid _ctd_log _ctd_state _ctd_root.
_ctd_launch() {
  _tag=$1 _ns=$2 _extra=$3
  _ctd_state=$PEERS_TMP/$_tag
  _ctd_root=$PEERS_DIR/$_tag
  _ctd_sock=$PEERS_TMP/$_tag.sock
  _ctd_log=$PEERS_DIR/$_tag.log
  mkdir -p "$_ctd_state" "$_ctd_root"
  _peers_note /run/containerd /run/containerd/s /run/containerd/fifo \
    /run/containerd/runc /run/containerd/runc/"$_ns"
  _ctd_config "\"io.containerd.grpc.v1.cri\", $_CTD_NOSNAP" > "$_ctd_root/config.toml"
  _ctd_exec "$PEERS_BIN:$_extra$PEERS_SYSPATH"
  _peers_wait_up "$_ctd_pid" "$PEERS_START_TIMEOUT" ctr --address "$_ctd_sock" version
  case $? in
    0) return 0 ;;
    2) _peers_fail "containerd exited at start: $(_peers_tail "$_ctd_log")" ;;
    *) _peers_fail "containerd did not answer within ${PEERS_START_TIMEOUT}s: $(_peers_tail "$_ctd_log")" ;;
  esac
  _ctd_kill "$_ctd_pid" "$_ctd_sock" "$_ctd_state"
  return 1
}

# _ctd_kill PID SOCK STATE: stop containerd, then the shims it started (they
# outlive it) with their container processes, and remove their sockets.
_ctd_kill() {
  _peers_stop_pid "$1" 10
  _socks=""
  for _a in "$3"/state/io.containerd.runtime.v2.task/*/*/address; do
    [ -f "$_a" ] || continue
    _s=$(cat "$_a"); _socks="$_socks ${_s#unix://}"
  done
  _peers_reap_matching 3 "$2" "$3/"
  for _s in $_socks; do
    case "$_s" in /run/containerd/s/*) rm -f "$_s" ;; esac
  done
  _peers_umount_under "$3"
  return 0
}

containerd_start() {
  _peers_need_root containerd || return 1
  _peers_need_cmd containerd containerd || return 1
  _peers_need_cmd ctr containerd || return 1
  peers_init || return 1
  [ -z "${CONTAINERD_PID:-}" ] || return 0
  _extra=""
  for _d in "$@"; do _extra="$_extra$_d:"; done
  : "${CTR_NAMESPACE:=rpb-$PEERS_ID}"
  _peers_cgroup "$CTR_NAMESPACE"
  _ctd_launch ctd "$CTR_NAMESPACE" "$_extra" || return 1
  CTR_ADDRESS=$_ctd_sock CONTAINERD_PID=$_ctd_pid CONTAINERD_LOG=$_ctd_log
  CONTAINERD_STATE=$_ctd_state/state CONTAINERD_ROOT=$_ctd_root/root
  # $CTR is a small script, usable from eval'd test commands and subshells:
  # ctr with this address and namespace, and --fifo-dir under the temp root
  # for run / task start / task exec (ctr's default, /run/containerd/fifo,
  # keeps a detached task's fifos after a crash).
  CTR_FIFO_DIR=$PEERS_TMP/fifo CTR=$PEERS_TMP/tools/ctr
  mkdir -p "$CTR_FIFO_DIR" "$PEERS_TMP/tools"
  cat > "$CTR" <<EOF
#!/bin/sh
set -- --address "$CTR_ADDRESS" --namespace "\${CTR_NS:-$CTR_NAMESPACE}" "\$@"
case "\$5" in
  run) shift 5; set -- --address "$CTR_ADDRESS" --namespace "\${CTR_NS:-$CTR_NAMESPACE}" run --fifo-dir "$CTR_FIFO_DIR" "\$@" ;;
  t|task|tasks)
    case "\$6" in
      start|exec) _sub=\$6; shift 6
        set -- --address "$CTR_ADDRESS" --namespace "\${CTR_NS:-$CTR_NAMESPACE}" task "\$_sub" --fifo-dir "$CTR_FIFO_DIR" "\$@" ;;
    esac ;;
esac
exec ctr "\$@"
EOF
  chmod 0755 "$CTR"
  export CTR_ADDRESS CTR_NAMESPACE CTR CTR_FIFO_DIR CONTAINERD_PID CONTAINERD_LOG CONTAINERD_STATE CONTAINERD_ROOT
}

ctr_() { "$CTR" "$@"; }

ctr_import() {
  _out=$(ctr_ images import --all-platforms "$1" 2>&1) || { echo "$_out" >&2; return 1; }
}

containerd_stop() {
  [ -n "${CONTAINERD_PID:-}" ] || return 0
  if _peers_alive "$CONTAINERD_PID"; then
    for _c in $(ctr_ containers ls -q 2>/dev/null); do
      timeout 10 ctr --address "$CTR_ADDRESS" --namespace "$CTR_NAMESPACE" task kill -a -s SIGKILL "$_c" >/dev/null 2>&1
      timeout 10 ctr --address "$CTR_ADDRESS" --namespace "$CTR_NAMESPACE" task delete -f "$_c" >/dev/null 2>&1
      timeout 10 ctr --address "$CTR_ADDRESS" --namespace "$CTR_NAMESPACE" containers rm "$_c" >/dev/null 2>&1
    done
  fi
  _ctd_kill "$CONTAINERD_PID" "$CTR_ADDRESS" "${CONTAINERD_STATE%/state}"
  _peers_umount_under "$PEERS_TMP/ctd" "$PEERS_DIR/ctd"
  # ctr's runc shim keeps state in /run/containerd/runc/NS (NS is ours).
  case "$CTR_NAMESPACE" in rpb-*) rm -rf "/run/containerd/runc/$CTR_NAMESPACE" ;; esac
  _peers_remove_cgroups
  _peers_remove_noted
  unset CONTAINERD_PID
  return 0
}

# The CRI part of the configuration, in the version 2 keys (containerd 1.x;
# 2.x migrates them) or the version 3 ones (2.x). Once any runtime is
# configured the built-in runc entry is gone, and the CRI plugin refuses to
# load without its default runtime: runc is named in both.
_cri_config_v2() {
  cat <<EOF

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$_cri_image"
${CRI_PLUGIN_EXTRA:-}

[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "$_ctd_root/cni/bin"
  conf_dir = "$_ctd_root/cni/net.d"

[plugins."io.containerd.grpc.v1.cri".containerd]
  snapshotter = "overlayfs"
  default_runtime_name = "runc"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
EOF
}

_cri_config_v3() {
  cat <<EOF

[plugins.'io.containerd.cri.v1.images']
  snapshotter = 'overlayfs'

[plugins.'io.containerd.cri.v1.images'.pinned_images]
  sandbox = '$_cri_image'

[plugins.'io.containerd.cri.v1.runtime']
${CRI_PLUGIN_EXTRA:-}

[plugins.'io.containerd.cri.v1.runtime'.cni]
  bin_dirs = ['$_ctd_root/cni/bin']
  conf_dir = '$_ctd_root/cni/net.d'

[plugins.'io.containerd.cri.v1.runtime'.containerd]
  default_runtime_name = 'runc'

[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
  runtime_type = 'io.containerd.runc.v2'
EOF
}

# cri_client: CLIENT, the CRI client (tests/cri/client.js), with its node
# modules installed once into build/npm (exported as CRI_NODE_MODULES); 1,
# with PEERS_REASON, when npm cannot install them.
_cri_modules() {
  for _m in @grpc/grpc-js @grpc/proto-loader protobufjs; do
    [ -f "$CRI_NODE_MODULES/$_m/package.json" ] || return 1
  done
}
cri_client() {
  CLIENT=$TOP/tests/cri/client.js CRI_NODE_MODULES=$TOP/build/npm/node_modules
  export CRI_NODE_MODULES
  _cri_modules && return 0
  mkdir -p "$TOP/build/npm"
  _out=$(cd "$TOP/build/npm" && timeout 180 env npm_config_cache="$TOP/build/npm/cache" npm install \
        --prefix "$TOP/build/npm" --no-audit --no-fund --no-save --loglevel=error \
        @grpc/grpc-js@1 @grpc/proto-loader@0 2>&1) && _cri_modules && return 0
  PEERS_REASON="npm could not install @grpc/grpc-js and @grpc/proto-loader: $(printf '%s' "$_out" | tail -n 1 | cut -c1-200)"
  return 1
}

# cri_handler_toml: the remoteproc handler as config/kubernetes.md shows it,
# for the config version CRI_CONFIG_VERSION (2, the default, or 3).
cri_handler_toml() {
  case ${CRI_CONFIG_VERSION:-2} in
    2) printf '%s\n' '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.remoteproc]' \
         '  runtime_type = "io.containerd.remoteproc.v1"' '  pod_annotations = ["remoteproc.*"]' ;;
    3) printf '%s\n' "[plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.remoteproc]" \
         "  runtime_type = 'io.containerd.remoteproc.v1'" "  pod_annotations = ['remoteproc.*']" ;;
  esac
}

# pty_hold: PTY, the MAJ:MIN of a pseudo-terminal held open (by a python3)
# until the test ends, to stand in for a firmware's rpmsg tty; 1, with
# PEERS_REASON, when none could be opened.
pty_hold() {
  python3 -c '
import os, time
m, s = os.openpty()
st = os.fstat(s)
print("%d:%d" % (os.major(st.st_rdev), os.minor(st.st_rdev)), flush=True)
time.sleep(3600)
' > "$TESTDIR/pty.dev" &
  PTY_PID=$!
  at_exit _pty_stop
  PEERS_REASON="python3 could not open a pseudo-terminal"
  wait_for 5 test -s "$TESTDIR/pty.dev" || return 1
  PTY=$(cat "$TESTDIR/pty.dev")
}
_pty_stop() { kill "$PTY_PID" 2>/dev/null; wait "$PTY_PID" 2>/dev/null; return 0; }

# containerd_start_cri SANDBOX_IMAGE TOML [DIR...]: containerd with its CRI
# plugin, driven over the CRI API as the kubelet does. Same layout, exports
# and cleanup as containerd_start (ctr_, ctr_import and containerd_stop work
# on it), but the config keeps the CRI plugin and ends with TOML.
containerd_start_cri() {
  _peers_need_root containerd || return 1
  _peers_need_cmd containerd containerd || return 1
  _peers_need_cmd ctr containerd || return 1
  peers_init || return 1
  [ -z "${CONTAINERD_PID:-}" ] || return 0
  _cri_image=$1 _cri_toml=$2
  shift 2
  _extra=""
  for _d in "$@"; do _extra="$_extra$_d:"; done
  # CRI always works in the namespace k8s.io. Our runtime ignores
  # cgroupsPath, so no cgroup is made and none is noted for removal.
  CTR_NAMESPACE=k8s.io
  _ctd_state=$PEERS_TMP/ctd _ctd_root=$PEERS_DIR/ctd
  _ctd_sock=$PEERS_TMP/ctd.sock _ctd_log=$PEERS_DIR/ctd.log
  mkdir -p "$_ctd_state" "$_ctd_root/cni/bin" "$_ctd_root/cni/net.d"
  # runc pods (a companion container) keep runc's state in runc/k8s.io.
  _peers_note /run/containerd /run/containerd/s /run/containerd/fifo \
    /run/containerd/runc /run/containerd/runc/k8s.io
  _ctd_cfgver=${CRI_CONFIG_VERSION:-2}
  { _ctd_config "$_CTD_NOSNAP"; _cri_config_v"$_ctd_cfgver"; printf '\n%s\n' "$_cri_toml"; } > "$_ctd_root/config.toml"
  _ctd_cfgver=
  _ctd_exec "$PEERS_BIN:$_extra$PEERS_SYSPATH"
  _peers_wait_up "$_ctd_pid" "$PEERS_START_TIMEOUT" ctr --address "$_ctd_sock" version
  case $? in
    0) _cri_err="" ;;
    2) _cri_err="containerd (CRI) exited at start: $(_peers_tail "$_ctd_log")" ;;
    *) _cri_err="containerd (CRI) did not answer within ${PEERS_START_TIMEOUT}s: $(_peers_tail "$_ctd_log")" ;;
  esac
  # The CRI plugin loads (or is skipped with an error) at start.
  if [ -z "$_cri_err" ] && ! ctr --address "$_ctd_sock" plugins ls 2>/dev/null |
       awk '$1 == "io.containerd.grpc.v1" && $2 == "cri" { print $NF }' | grep -qx ok; then
    _cri_err="containerd's CRI plugin did not load: $(grep -m1 'io.containerd.grpc.v1.cri' "$_ctd_log" | cut -c1-300)"
  fi
  if [ -n "$_cri_err" ]; then
    _peers_fail "$_cri_err"
    _ctd_kill "$_ctd_pid" "$_ctd_sock" "$_ctd_state"
    return 1
  fi
  CTR_ADDRESS=$_ctd_sock CONTAINERD_PID=$_ctd_pid CONTAINERD_LOG=$_ctd_log
  CONTAINERD_STATE=$_ctd_state/state CONTAINERD_ROOT=$_ctd_root/root
  CRI_ADDRESS=$_ctd_sock CRI_ROOT=$_ctd_root/root/io.containerd.grpc.v1.cri
  CTR_FIFO_DIR=$PEERS_TMP/fifo CTR=$PEERS_TMP/tools/ctr
  mkdir -p "$CTR_FIFO_DIR" "$PEERS_TMP/tools"
  printf '#!/bin/sh\nexec ctr --address "%s" --namespace "%s" "$@"\n' "$CTR_ADDRESS" "$CTR_NAMESPACE" > "$CTR"
  chmod 0755 "$CTR"
  export CTR_ADDRESS CTR_NAMESPACE CTR CTR_FIFO_DIR CONTAINERD_PID CONTAINERD_LOG CONTAINERD_STATE \
    CONTAINERD_ROOT CRI_ADDRESS CRI_ROOT
}

# ---------------------------------------------------------------- podman

podman_start() {
  _peers_need_root podman || return 1
  peers_init || return 1
  # podman 5 needs a newer glibc than the machine's: it runs inside a private
  # root of its suite (scripts/suite-root.sh), which sees the host's /run,
  # /tmp, /sys and this test's directories; netavark's lock and run
  # directory then land in the host's /run.
  _pm_pre=""
  if [ -n "${PODMAN_SUITE_ROOT:-}" ]; then
    "$TOP/scripts/suite-root.sh" path "$PODMAN_SUITE_ROOT" >/dev/null 2>"$PEERS_TMP/suite.err" ||
      { _peers_fail "cannot make the $PODMAN_SUITE_ROOT root: $(tail -n 1 "$PEERS_TMP/suite.err")"; return 1; }
    # (cgroup v1 is all this machine has: podman 5 warns about it on every call)
    _pm_pre="$TOP/scripts/suite-root.sh run $PODMAN_SUITE_ROOT --bind $PEERS_TMP --bind $PEERS_DIR${TESTDIR:+ --bind $TESTDIR} -- env PODMAN_IGNORE_CGROUPSV1_WARNING=1"
    _peers_note /run/lock/netavark.lock /run/containers /run/containers/networks
  else
    _peers_need_cmd podman podman || return 1
    _peers_need_cmd conmon conmon || return 1
  fi
  PODMAN_RUNTIME=${1:-${PODMAN_RUNTIME:-$(command -v runc 2>/dev/null)}}
  [ -n "$PODMAN_RUNTIME" ] || { _peers_fail "podman needs an OCI runtime (Debian package runc)"; return 1; }
  _pd=$PEERS_DIR/podman _pt=$PEERS_TMP/pm
  PODMAN_ROOT=$_pd/root PODMAN_RUNROOT=$_pt/run PODMAN_TMPDIR=$_pt/tmp
  mkdir -p "$PODMAN_ROOT" "$PODMAN_RUNROOT" "$PODMAN_TMPDIR" "$_pd/net"
  _peers_note /run/runc /run/crun /var/lib/containers /var/lib/containers/cache \
    /var/lib/containers/cache/blob-info-cache-v1.boltdb
  _peers_cgroup libpod_parent
  # Real runc/crun set RLIMIT_NOFILE/NPROC; podman's defaults (1048576) are
  # above this machine's hard limits without CAP_SYS_RESOURCE, and podman
  # caps conmon's NPROC at 32768: stay within both.
  _nofile=$(awk '/^Max open files/ { print $5 }' /proc/self/limits)
  _nproc=$(awk '/^Max processes/ { print $4 }' /proc/self/limits)
  case "$_nofile" in ''|unlimited) _nofile=1048576 ;; esac
  case "$_nproc" in ''|unlimited) _nproc=32768 ;; esac
  [ "$_nofile" -le 1048576 ] || _nofile=1048576
  [ "$_nproc" -le 32768 ] || _nproc=32768
  # containers.conf: no /dev/shm/libpod_lock (file locks), no CNI lock in
  # /etc/cni/net.d, no network, events under the temp root.
  cat > "$_pd/containers.conf" <<EOF
[containers]
netns = "none"
default_ulimits = ["nofile=$_nofile:$_nofile", "nproc=$_nproc:$_nproc"]

[network]
network_config_dir = "$_pd/net"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$_pd/events.log"
lock_type = "file"
tmp_dir = "$PODMAN_TMPDIR"
${PODMAN_ENGINE_EXTRA:-}
volume_path = "$PODMAN_ROOT/volumes"
EOF
  cat > "$_pd/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$PODMAN_ROOT"
runroot = "$PODMAN_RUNROOT"
EOF
  printf 'unqualified-search-registries = []\n' > "$_pd/registries.conf"
  _rtf=""
  for _f in ${PODMAN_RUNTIME_FLAGS:-}; do _rtf="$_rtf --runtime-flag $_f"; done
  PODMAN="$_pm_pre env -u CONTAINER_HOST -u CONTAINER_CONNECTION CONTAINERS_CONF=$_pd/containers.conf CONTAINERS_STORAGE_CONF=$_pd/storage.conf CONTAINERS_REGISTRIES_CONF=$_pd/registries.conf podman --root $PODMAN_ROOT --runroot $PODMAN_RUNROOT --tmpdir $PODMAN_TMPDIR --storage-driver vfs --cgroup-manager cgroupfs --events-backend file --runtime $PODMAN_RUNTIME$_rtf"
  export PODMAN PODMAN_RUNTIME PODMAN_ROOT PODMAN_RUNROOT PODMAN_TMPDIR
  _peers_podman_on=1
  # A first command proves podman can run here.
  _out=$(cd / && $PODMAN info --format '{{.Store.GraphDriverName}}' 2>&1) ||
    { _peers_fail "podman info failed: $(echo "$_out" | tail -n 2 | tr '\n' ' ')"; podman_cleanup; return 1; }
  return 0
}

podman_() { (cd / && $PODMAN "$@"); }

podman_load() {
  _out=$(podman_ load -q -i "$1" 2>&1) || { echo "$_out" >&2; return 1; }
}

podman_cleanup() {
  [ -n "${_peers_podman_on:-}" ] || return 0
  timeout 60 sh -c 'cd / && $PODMAN rm -a -f -t 0' >/dev/null 2>&1
  # conmon double-forks away from us and runs `podman container cleanup` when
  # a container exits; find them (and containers) by our roots.
  _peers_reap_matching 5 "$PEERS_TMP/pm/" "$PEERS_DIR/podman/"
  _peers_umount_under "$PEERS_TMP/pm" "$PEERS_DIR/podman"
  _peers_rm_tree "$PEERS_TMP/pm"
  _peers_rm_tree "$PEERS_DIR/podman"
  _peers_remove_cgroups
  _peers_remove_noted
  unset _peers_podman_on
  return 0
}
podman_stop() { podman_cleanup; }

# ---------------------------------------------------------------- docker

dockerd_start() {
  _peers_need_root dockerd || return 1
  _peers_need_cmd dockerd docker.io || return 1
  _peers_need_cmd containerd containerd || return 1
  [ -x "$DOCKER_CLI" ] || { _peers_fail "needs $DOCKER_CLI (Debian package docker.io)"; return 1; }
  peers_init || return 1
  [ -z "${DOCKERD_PID:-}" ] || return 0
  _rt=${1:-}
  # Docker talks to a containerd started here (dockerd would otherwise start
  # one with /opt/containerd and its own config); it uses namespace "moby".
  _ctd_launch dctd moby "" || return 1
  _dctd_pid=$_ctd_pid
  DOCKERD_CONTAINERD=$_ctd_sock
  _dd=$PEERS_DIR/docker _dx=$PEERS_TMP/dx
  DOCKER_SOCK=$PEERS_TMP/docker.sock DOCKERD_LOG=$_dd/dockerd.log
  DOCKERD_RUNC_ROOT=$_dx/runtime-runc/moby
  mkdir -p "$_dd" "$_dx" "$PEERS_TMP/dcfg/cli-plugins"
  [ -z "${PEERS_COMPOSE:-}" ] || ln -sfn "$PEERS_COMPOSE" "$PEERS_TMP/dcfg/cli-plugins/docker-compose"
  _peers_note /run/docker /run/docker/plugins
  _peers_cgroup "rpb-$PEERS_ID-docker"
  {
    printf '{'
    [ -z "$_rt" ] || printf '"runtimes":{"%s":{"path":"%s"}}' "$DOCKER_RUNTIME_NAME" "$_rt"
    # 20.10 writes a trust key to /etc/docker/key.json unless told otherwise;
    # later releases have no trust key and refuse the option.
    case $(dockerd --version) in
      "Docker version 20."*) printf '%s"deprecated-key-path":"%s"' "${_rt:+,}" "$_dd/key.json" ;;
    esac
    [ -z "${DOCKERD_CONFIG_EXTRA:-}" ] || printf '%s%s' "${_rt:+,}" "$DOCKERD_CONFIG_EXTRA"
    printf '}\n'
  } > "$_dd/daemon.json"
  (cd / && exec env -i PATH="$PEERS_BIN:$PEERS_SYSPATH" HOME="${HOME:-/}" \
    ${RPROC_ROOT:+RPROC_ROOT="$RPROC_ROOT"} \
    setsid dockerd --config-file "$_dd/daemon.json" --data-root "$_dd/root" \
      --exec-root "$_dx" --pidfile "$PEERS_TMP/dockerd.pid" -H "unix://$DOCKER_SOCK" \
      --containerd "$DOCKERD_CONTAINERD" --iptables=false --ip6tables=false \
      --ip-forward=false --ip-masq=false --userland-proxy=false --bridge=none \
      --storage-driver=overlay2 --cgroup-parent "/rpb-$PEERS_ID-docker" \
      >"$DOCKERD_LOG" 2>&1 </dev/null) &
  DOCKERD_PID=$!
  DOCKER="env -u DOCKER_HOST -u DOCKER_CONTEXT -u DOCKER_TLS_VERIFY DOCKER_CONFIG=$PEERS_TMP/dcfg $DOCKER_CLI -H unix://$DOCKER_SOCK"
  export DOCKER_SOCK DOCKER DOCKERD_PID DOCKERD_LOG DOCKERD_RUNC_ROOT DOCKERD_CONTAINERD
  _peers_wait_up "$DOCKERD_PID" "$PEERS_START_TIMEOUT" $DOCKER version
  case $? in
    0) return 0 ;;
    2) _peers_fail "dockerd exited at start: $(_peers_tail "$DOCKERD_LOG")" ;;
    *) _peers_fail "dockerd did not answer within ${PEERS_START_TIMEOUT}s: $(_peers_tail "$DOCKERD_LOG")" ;;
  esac
  dockerd_stop
  return 1
}

docker_() { (cd / && $DOCKER "$@"); }

docker_load() {
  _out=$(docker_ load -i "$1" 2>&1) || { echo "$_out" >&2; return 1; }
}

dockerd_stop() {
  [ -n "${DOCKERD_PID:-}" ] || return 0
  if _peers_alive "$DOCKERD_PID"; then
    _ids=$(docker_ ps -aq 2>/dev/null)
    # shellcheck disable=SC2086
    [ -z "$_ids" ] || timeout 60 sh -c 'cd / && $DOCKER rm -f "$@"' sh $_ids >/dev/null 2>&1
  fi
  _peers_stop_pid "$DOCKERD_PID" 20
  _ctd_kill "$_dctd_pid" "$DOCKERD_CONTAINERD" "$PEERS_TMP/dctd"
  _peers_umount_under "$PEERS_TMP/dx" "$PEERS_DIR/docker" "$PEERS_TMP/dctd" "$PEERS_DIR/dctd"
  _peers_remove_cgroups
  _peers_remove_noted
  unset DOCKERD_PID
  return 0
}

# ---------------------------------------------------------------- all

# _peers_dump_logs: when a case failed (the harness's FAILCOUNT), show the end
# of each daemon log on stderr (the runner keeps it) before it is removed.
_peers_dump_logs() {
  [ "${FAILCOUNT:-0}" -gt 0 ] || [ -n "${PEERS_SHOW_LOGS:-}" ] || return 0
  for _l in "$PEERS_DIR"/ctd.log "$PEERS_DIR"/dctd.log "$PEERS_DIR"/docker/dockerd.log; do
    [ -s "$_l" ] || continue
    echo "--- ${_l#"$PEERS_DIR"/} (last 25 lines)" >&2
    tail -n 25 "$_l" | cut -c1-400 >&2
  done
  return 0
}

peers_cleanup() {
  [ -n "${PEERS_TMP:-}" ] || return 0
  _peers_dump_logs
  dockerd_stop
  podman_cleanup
  containerd_stop
  _peers_umount_under "$PEERS_TMP" "$PEERS_DIR"
  _peers_rm_tree "$PEERS_TMP"
  _peers_rm_tree "$PEERS_DIR"
  _peers_remove_cgroups
  _peers_remove_noted
  return 0
}

# peers_settle SECONDS: up to SECONDS for what peers_leftovers lists to go
# (a tool's last shim may still be removing its socket when the daemon is
# stopped), removing the noted host paths again meanwhile.
peers_settle() {
  _sn=$(( $1 * 10 ))
  while [ "$_sn" -gt 0 ] && [ -n "$(peers_leftovers)" ]; do
    sleep 0.1; _peers_remove_noted; _sn=$((_sn - 1))
  done
  return 0
}

peers_leftovers() {
  [ -n "${PEERS_TMP:-}" ] || return 0
  for _p in $(_peers_pids_with "$PEERS_TMP" "$PEERS_DIR"); do
    _cl=$( { tr '\0' ' ' < "/proc/$_p/cmdline"; } 2>/dev/null | cut -c1-160)
    [ -z "$_cl" ] || echo "process $_p: $_cl"
  done
  awk -v a="$PEERS_TMP" -v b="$PEERS_DIR" '{ p = $5
      if (index(p, a) == 1 || index(p, b) == 1) print "mount " p }' /proc/self/mountinfo
  for _c in $_peers_cgroups; do
    for _r in $(_peers_cgroup_roots); do
      [ -d "$_r/$_c" ] && echo "cgroup $_r/$_c"
    done
  done
  for _p in $_peers_noted; do
    [ -e "$_p" ] && echo "path $_p"
  done
  return 0
}

# ---------------------------------------------------------------- restart

# containerd_stop_daemon: stop only the daemon started by containerd_start
# (or containerd_start_cri), as a service stop does: its shims (and their
# tasks) keep running. containerd_restart starts it again.
containerd_stop_daemon() {
  if [ -z "${CONTAINERD_PID:-}" ] || ! _peers_alive "$CONTAINERD_PID"; then
    _peers_fail "containerd_stop_daemon: containerd is not running"
    return 1
  fi
  _rs_path=$(tr '\0' '\n' < "/proc/$CONTAINERD_PID/environ" | sed -n 's/^PATH=//p')
  _peers_stop_pid "$CONTAINERD_PID" 10
}

# containerd_restart: (stop the daemon if it runs, then) start it again with
# the same PATH, config and state. Updates and exports CONTAINERD_PID; the
# old log is appended to $CONTAINERD_LOG.1. Returns 1 with PEERS_REASON when
# it does not come back.
containerd_restart() {
  if [ -n "${CONTAINERD_PID:-}" ] && _peers_alive "$CONTAINERD_PID"; then
    containerd_stop_daemon || return 1
  fi
  if [ -z "${_rs_path:-}" ]; then
    _peers_fail "containerd_restart: no daemon was started or stopped here"
    return 1
  fi
  cat "$CONTAINERD_LOG" >> "$CONTAINERD_LOG.1" 2>/dev/null
  _ctd_root=${CONTAINERD_ROOT%/root} _ctd_log=$CONTAINERD_LOG
  _ctd_exec "$_rs_path"
  CONTAINERD_PID=$_ctd_pid
  export CONTAINERD_PID
  _peers_wait_up "$CONTAINERD_PID" "$PEERS_START_TIMEOUT" ctr --address "$CTR_ADDRESS" version
  case $? in
    0) return 0 ;;
    2) _peers_fail "containerd exited at restart: $(_peers_tail "$CONTAINERD_LOG")" ;;
    *) _peers_fail "containerd did not answer within ${PEERS_START_TIMEOUT}s of a restart: $(_peers_tail "$CONTAINERD_LOG")" ;;
  esac
  return 1
}
