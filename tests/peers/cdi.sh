# tests/peers/cdi.sh - a companion container reaches the firmware through
# the CDI spec that `rproc cdi` writes, without --privileged or -v /dev:/dev:
# `--device rprocbox.dev/rpmsg=m4` gives it m4's rpmsg tty (a pseudo-terminal
# standing in for it on the simulator) and no other device of the spec,
# `=all` every processor's nodes, which its device cgroup lets it open (dsp's
# endpoint has numbers no driver owns: its open reaches the kernel, ENXIO,
# where a node the container makes itself is refused, EPERM (by the device
# cgroup, or already at mknod where the engine drops CAP_MKNOD); the pty's
# numbers would not show that, runc allows 136:* to every container). The body shared by tests/cdi-*.test: CDI_ENGINE is docker or
# podman; ENGINE_GROUPS names the scripts/pins groups to use,
# PODMAN_SUITE_ROOT (podman 5) the private root podman runs in. CDI_HOST_DIR
# set (podman 4.3, which reads only /etc/cdi and /var/run/cdi): the spec goes
# there, and is removed at the end, instead of into a directory of the test
# that the engine is pointed at (podman 5.4 ignores containers.conf's
# cdi_spec_dirs too: /var/run/cdi, the host's /run in its root).
# CDI_HOST_RUNC set: podman runs the companion with a copy of the host's
# runc (podman 5's root has only crun, which refuses hybrid cgroups).

# shellcheck shell=sh disable=SC2016  # test commands are single-quoted for eval
. "$TOP/tests/sim/sim.sh"
. "$TOP/tests/peers/lib.sh"

need_root
[ -x "$TOP/build/mkelf" ] || skip_all "build/mkelf is not built (make tools)"
need_cmd python3
busybox=""
[ "$(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null)" != "install ok installed" ] ||
  busybox=$(dpkg-query -L busybox-static | grep '/bin/busybox$' | head -n 1)
[ -n "$busybox" ] && [ -x "$busybox" ] || skip_all "needs busybox-static (Debian package) for the companion image"
for _g in ${ENGINE_GROUPS:-}; do peers_engine "$_g" || skip_all "$PEERS_REASON"; done

# The rpmsg tty: a pseudo-terminal (pty_hold).
pty_hold || skip_all "$PEERS_REASON"
sim_start --rpmsg "m4=rpmsg-tty@$PTY" --rpmsg dsp=rpmsg-raw@3000:3 m4 dsp || skip_all "$SIM_ERROR"
sim_fw app.elf
CDIDIR=${CDI_HOST_DIR:-$RPROC_ROOT/var/run/cdi}
if [ -n "${CDI_HOST_DIR:-}" ]; then
  [ ! -e "$CDIDIR/rprocbox.json" ] || skip_all "$CDIDIR/rprocbox.json exists: this test would replace it"
  [ -d "$CDIDIR" ] && cdi_made="" || cdi_made=1
  cdi_rm() { rm -f "$CDIDIR/rprocbox.json"; [ -z "$cdi_made" ] || rmdir "$CDIDIR" 2>/dev/null; return 0; }
  at_exit cdi_rm
fi
stop_fw() { "$RPROCBOX" rproc stop m4 >/dev/null 2>&1; "$RPROCBOX" rproc stop dsp >/dev/null 2>&1; return 0; }
at_exit stop_fw

IMG=$TESTDIR/img
mkdir -p "$IMG/rootfs/bin"
cp "$busybox" "$IMG/rootfs/bin/busybox"
for a in sh ls cat stat echo mknod; do ln -s busybox "$IMG/rootfs/bin/$a"; done
sh "$TOP/scripts/mkimage.sh" --name localhost/companion:test --rootfs "$IMG/rootfs" \
  --oci-archive "$IMG/c.oci.tar" --docker-archive "$IMG/c.docker.tar" >/dev/null || skip_all "scripts/mkimage.sh failed"

case $CDI_ENGINE in
  docker)
    DOCKERD_CONFIG_EXTRA="\"features\":{\"cdi\":true},\"cdi-spec-dirs\":[\"$CDIDIR\"]"
    dockerd_start || skip_all "$PEERS_REASON"
    eng() { docker_ "$@"; }
    eng_load() { docker_load "$IMG/c.docker.tar"; }
    eng_stop() { dockerd_stop; } ;;
  podman)
    [ -n "${CDI_HOST_DIR:-}" ] || PODMAN_ENGINE_EXTRA="cdi_spec_dirs = [\"$CDIDIR\"]"
    _rt=""
    if [ -n "${CDI_HOST_RUNC:-}" ]; then
      peers_init || skip_all "$PEERS_REASON"
      _rt=$PEERS_TMP/runc
      cp "$(command -v runc)" "$_rt" || skip_all "needs runc (Debian package)"
    fi
    podman_start $_rt || skip_all "$PEERS_REASON"
    eng() { podman_ "$@"; }
    eng_load() { podman_load "$IMG/c.oci.tar"; }
    eng_stop() { podman_stop; } ;;
esac
# run_c DEVICE CMD: the companion, host network, that CDI device (or none).
run_c() { _d=$1; shift; eng run --rm --network=host ${_d:+--device "rprocbox.dev/rpmsg=$_d"} localhost/companion:test sh -c "$*"; }
HEX=$(printf '%x:%x' "${PTY%%:*}" "${PTY#*:}")
has_chan() { [ -e "$RPROC_ROOT/sys/bus/rpmsg/devices/$1" ]; }

testing "$CDI_ENGINE: load the companion image" 'eng_load; echo rc=$?' "rc=0\n" "" ""
testing "rproc cdi: the spec with m4's tty and dsp's endpoint" \
  '"$RPROCBOX" rproc start m4 "$RPROC_ROOT/lib/firmware/app.elf" >/dev/null &&
   "$RPROCBOX" rproc start dsp "$RPROC_ROOT/lib/firmware/app.elf" >/dev/null &&
   wait_for 5 has_chan virtio0.rpmsg-tty.-1.1024 && wait_for 5 has_chan virtio1.rpmsg-raw.-1.1024 &&
   "$RPROCBOX" rproc cdi --dir "$CDIDIR" | sed "s|$CDIDIR|CDI|"' \
  "CDI/rprocbox.json: 2 rpmsg node(s)\n" "" ""
testing "$CDI_ENGINE: --device rprocbox.dev/rpmsg=m4 gives /dev/ttyRPMSG0, the pty's numbers" \
  'run_c m4 "stat -c \"%F %t:%T\" /dev/ttyRPMSG0; test -e /dev/rpmsg0 || echo no rpmsg0"' \
  "character special file $HEX\nno rpmsg0\n" "" ""
testing "$CDI_ENGINE: and no other device: /dev differs from a plain run by ttyRPMSG0 alone" \
  'run_c "" "ls /dev" > plain; run_c m4 "ls /dev" > m4; diff plain m4 | grep "^[<>]"' \
  "> ttyRPMSG0\n" "" ""
testing "$CDI_ENGINE: unprivileged, its device cgroup lets it open what the spec gave, only that" \
  'run_c all "cat /dev/rpmsg0" 2>&1; run_c "" "mknod /dev/x c 3000 3 && cat /dev/x" 2>&1 | sed "s/^.*: //"' \
  "cat: can't open '/dev/rpmsg0': No such device or address\nOperation not permitted\n" "" ""
testing "$CDI_ENGINE: rprocbox.dev/rpmsg=all gives every processor's nodes" \
  'run_c all "ls /dev/ttyRPMSG0 /dev/rpmsg0"' "/dev/rpmsg0\n/dev/ttyRPMSG0\n" "" ""
eng_stop
testing "nothing left behind" 'peers_leftovers' "" "" ""
