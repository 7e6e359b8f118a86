################################################################################
#
# rprocbox - untested: no Buildroot build runs where this tree is tested.
# tests/recipes.test keeps the version and the file lists in step with the
# Makefile and scripts/install.sh.
#
################################################################################

RPROCBOX_VERSION = 0.1.0
# The rprocbox tree this BR2_EXTERNAL lives in (scripts/buildroot/).
RPROCBOX_SITE = $(BR2_EXTERNAL_RPROCBOX_PATH)/../..
RPROCBOX_SITE_METHOD = local
RPROCBOX_LICENSE = MIT
RPROCBOX_LICENSE_FILES = LICENSE
# jsmn's one header (jsmn has no Buildroot package), checked by the .hash.
RPROCBOX_EXTRA_DOWNLOADS = https://raw.githubusercontent.com/zserge/jsmn/v1.1.0/jsmn.h

RPROCBOX_MAKE_OPTS = \
	ARCH=$(if $(BR2_aarch64),arm64,x86_64) \
	CONFIG=$(if $(BR2_PACKAGE_RPROCBOX_BOOT_PROFILE),boot,default) \
	CC="$(TARGET_CC)" STRIP="$(TARGET_STRIP)" \
	CFLAGS="$(TARGET_CFLAGS)" LDFLAGS="$(TARGET_LDFLAGS)" WERROR= \
	JSMN_H=$(RPROCBOX_DL_DIR)/jsmn.h \
	PREFIX=/usr unitdir=/usr/lib/systemd/system

# What make install puts on the target: in every build, in the default
# profile only, and the boot service (removed unless selected).
RPROCBOX_FILES = usr/bin/rprocbox usr/bin/rproc usr/share/rprocbox/rproc.json \
	usr/share/man/man1/rprocbox.1 usr/share/man/man5/rproc.json.5 \
	usr/share/man/man8/rproc.8
RPROCBOX_FILES_DEFAULT = usr/bin/remoteproc-runtime usr/bin/containerd-shim-remoteproc-v1 \
	usr/share/man/man8/remoteproc-runtime.8 \
	usr/share/man/man8/containerd-shim-remoteproc-v1.8
RPROCBOX_FILES_BOOT = usr/lib/systemd/system/rproc-boot.service \
	usr/share/rprocbox/rproc-boot.init

RPROCBOX_EXPECTED = $(RPROCBOX_FILES) \
	$(if $(BR2_PACKAGE_RPROCBOX_BOOT_PROFILE),,$(RPROCBOX_FILES_DEFAULT)) \
	$(if $(BR2_PACKAGE_RPROCBOX_BOOT_SERVICE),$(RPROCBOX_FILES_BOOT))

define RPROCBOX_BUILD_CMDS
	$(TARGET_MAKE_ENV) $(MAKE) -C $(@D) $(RPROCBOX_MAKE_OPTS) all
endef

# A file the lists name but make install did not install fails the build
# here, not later on a board.
define RPROCBOX_INSTALL_TARGET_CMDS
	$(TARGET_MAKE_ENV) $(MAKE) -C $(@D) $(RPROCBOX_MAKE_OPTS) DESTDIR=$(TARGET_DIR) install
	$(if $(BR2_PACKAGE_RPROCBOX_BOOT_SERVICE),,rm -f $(addprefix $(TARGET_DIR)/,$(RPROCBOX_FILES_BOOT)))
	for f in $(RPROCBOX_EXPECTED); do \
		test -e $(TARGET_DIR)/$$f || { echo "rprocbox: make install did not install $$f"; exit 1; }; \
	done
endef

ifeq ($(BR2_PACKAGE_RPROCBOX_BOOT_SERVICE),y)
define RPROCBOX_INSTALL_INIT_SYSTEMD
	mkdir -p $(TARGET_DIR)/etc/systemd/system/multi-user.target.wants
	ln -sf ../../../../usr/lib/systemd/system/rproc-boot.service \
		$(TARGET_DIR)/etc/systemd/system/multi-user.target.wants/rproc-boot.service
endef
define RPROCBOX_INSTALL_INIT_SYSV
	mkdir -p $(TARGET_DIR)/etc/init.d
	ln -sf ../../usr/share/rprocbox/rproc-boot.init $(TARGET_DIR)/etc/init.d/S05rproc-boot
endef
endif

$(eval $(generic-package))
