# rprocbox - untested: no Yocto build runs where this tree is tested.
# tests/recipes.test keeps the version (this file's name) and the files in
# step with the Makefile and scripts/install.sh.
SUMMARY = "Firmware for Linux remote processors, deployed with container tools"
DESCRIPTION = "One static binary: an OCI runtime (remoteproc-runtime), a \
containerd shim (containerd-shim-remoteproc-v1) and a board helper (rproc) \
that starts firmware on remoteproc processors, also at boot."
LICENSE = "MIT"
LIC_FILES_CHKSUM = "file://LICENSE;md5=5c370cf4b045e1064ce0547bdd446057"

# The rprocbox tree this layer lives in (four levels up from this file),
# copied in as it is, and jsmn's one header at its v1.1.0 tag (jsmn has no
# recipe in the common layers).
RPROCBOX_TOP := "${@os.path.abspath(os.path.join(d.getVar('THISDIR'), '../../../..'))}"
FILESEXTRAPATHS:prepend := "${RPROCBOX_TOP}:"
SRC_URI = "file://Makefile;subdir=rprocbox \
           file://LICENSE;subdir=rprocbox \
           file://applets;subdir=rprocbox \
           file://config;subdir=rprocbox \
           file://lib;subdir=rprocbox \
           file://scripts;subdir=rprocbox \
           git://github.com/zserge/jsmn.git;protocol=https;branch=master;name=jsmn;destsuffix=jsmn"
SRCREV_jsmn = "fdcef3ebf886fa210d14956d3c068a653e76a24e"
S = "${WORKDIR}/rprocbox"

# RPROCBOX_CONFIG = "boot" builds the rproc-only profile for small images.
# RPROCBOX_BOOT_SERVICE = "1" keeps rproc-boot.service (enabled) and the
# init script; "0" leaves both out.
RPROCBOX_CONFIG ?= "default"
RPROCBOX_BOOT_SERVICE ?= "0"

inherit systemd
SYSTEMD_SERVICE:${PN} = "${@'rproc-boot.service' if d.getVar('RPROCBOX_BOOT_SERVICE') == '1' else ''}"
SYSTEMD_AUTO_ENABLE = "enable"

# The Makefile knows x86_64 and arm64 (aarch64); the distro's compiler and
# flags are used as they come, without -Werror, linked statically.
COMPATIBLE_HOST = "(x86_64|aarch64).*-linux.*"
EXTRA_OEMAKE = "ARCH=${TARGET_ARCH} CONFIG=${RPROCBOX_CONFIG} WERROR= JSMN_H=${WORKDIR}/jsmn/jsmn.h \
                PREFIX=${prefix} bindir=${bindir} mandir=${mandir} datadir=${datadir} \
                unitdir=${systemd_system_unitdir}"

do_compile() {
    oe_runmake all
}

# Yocto strips the binary itself (keeping the symbols for -dbg): STRIP=true.
do_install() {
    oe_runmake install DESTDIR=${D} STRIP=true
    if [ "${RPROCBOX_BOOT_SERVICE}" != "1" ]; then
        rm ${D}${systemd_system_unitdir}/rproc-boot.service ${D}${datadir}/rprocbox/rproc-boot.init
        rmdir -p --ignore-fail-on-non-empty ${D}${systemd_system_unitdir}
    fi
}

FILES:${PN} = "${bindir}/rprocbox ${bindir}/rproc ${bindir}/remoteproc-runtime \
               ${bindir}/containerd-shim-remoteproc-v1 ${datadir}/rprocbox/rproc.json \
               ${datadir}/rprocbox/rproc-boot.init ${systemd_system_unitdir}/rproc-boot.service"
FILES:${PN}-doc = "${mandir}/man1/rprocbox.1 ${mandir}/man5/rproc.json.5 ${mandir}/man8/rproc.8 \
                   ${mandir}/man8/remoteproc-runtime.8 ${mandir}/man8/containerd-shim-remoteproc-v1.8"
# One static binary: nothing to scan for shared library dependencies.
INSANE_SKIP:${PN} += "ldflags"
