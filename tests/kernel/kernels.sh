# kernels.sh - where the remoteproc behaviour the tests see differs between
# the kernels the kernel tier boots (scripts/pins: 6.1.176, 6.1.192,
# 6.12.117, 7.2.12). Sourced by tests/sysfs-conformance.sh and
# tests/kernel/lib.sh, so every check that depends on the version asks here.
#
# The version is KERNEL_VERSION (e.g. 6.12.117) when set; else, on the real
# kernel (RPROC_ROOT=/), the Debian version in /proc/version; else, on the
# FUSE simulator, the one it imitates by default (tests/sim: --kernel).
#
#   kernel_version               the version, X.Y.Z
#   kernel_cuts_fw_path          firmware_class.path ends at its first newline
#                                (6.12 on; 6.1 keeps the newline and finds nothing)
#   kernel_checks_all_shdrs      rproc_elf_sanity_check wants every section
#                                header and the e_shstrndx one inside the file
#                                (6.12.117; 6.1 and 7.2 check the first only)
#   kernel_refuses_crashed_stop  "stop" of a crashed processor is EINVAL (6.1
#                                before 6.1.192): only a recovery leaves crashed

# shellcheck shell=sh

# The simulator's default (tests/sim/rprocsim.c): the newest pinned kernel.
KERNELS_SIM_DEFAULT=7.2.12

kernel_version() {
  if [ -n "${KERNEL_VERSION:-}" ]; then
    echo "$KERNEL_VERSION"
  elif [ "${RPROC_ROOT:-/}" = / ] && [ -r /proc/version ]; then
    sed -n 's/.* Debian \([0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*\)[-+].*/\1/p' /proc/version
  else
    echo "$KERNELS_SIM_DEFAULT"
  fi
}

# _kcode X.Y.Z: one number that orders versions (X * 10^6 + Y * 10^3 + Z).
_kcode() {
  _kc_ifs=$IFS IFS=.
  # shellcheck disable=SC2086
  set -- $1 0 0 0
  IFS=$_kc_ifs
  echo $(( $1 * 1000000 + $2 * 1000 + $3 ))
}
KERNEL_CODE=$(_kcode "$(kernel_version)")

kernel_cuts_fw_path() { [ "$KERNEL_CODE" -ge 6012000 ]; }
kernel_checks_all_shdrs() { [ "$KERNEL_CODE" -ge 6012117 ] && [ "$KERNEL_CODE" -lt 6013000 ]; }
kernel_refuses_crashed_stop() { [ "$KERNEL_CODE" -lt 6001192 ]; }
