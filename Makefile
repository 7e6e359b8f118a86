# rprocbox - one static musl binary; applets chosen by argv[0].
#
#   make                      build/rprocbox            (x86-64, profile default)
#   make ARCH=arm64           build/arm64/rprocbox      (aarch64 cross build)
#   make CONFIG=boot          build/boot/rprocbox       (rproc only, initramfs)
#   make install PREFIX=/usr/local DESTDIR=   stripped; STRIP=true keeps the symbols
#   make deb | dist           Debian package, release archives (build/dist/)
#   make demo                 the product on a simulated board (installs what it needs)
#   make check                the whole test suite (installs what it needs)
#   make size | bench | fuzz | check-kernel | clean
#   make V=1 ...              show the full compiler commands

VERSION := 0.1.0
V ?= 0
ARCH ?= $(shell uname -m)
CONFIG ?= default
PREFIX ?= /usr/local
DESTDIR ?=
JSMN_H ?= /usr/include/jsmn.h

override ARCH := $(patsubst aarch64,arm64,$(patsubst amd64,x86_64,$(ARCH)))
ifeq ($(wildcard config/$(CONFIG).h),)
$(error unknown build profile CONFIG=$(CONFIG); profiles: $(basename $(notdir $(wildcard config/*.h))))
endif

ifeq ($(ARCH),arm64)
MUSL_CC := aarch64-linux-gnu-gcc -specs /usr/lib/aarch64-linux-musl/musl-gcc.specs
MUSL_STRIP := aarch64-linux-gnu-strip
else ifeq ($(ARCH),x86_64)
MUSL_CC := musl-gcc
MUSL_STRIP := strip
else
$(error unsupported ARCH=$(ARCH); use x86_64 or arm64)
endif
# A CC or STRIP from the environment or the command line (a build system's
# cross toolchain) replaces the musl one; CPPFLAGS, CFLAGS and LDFLAGS are
# added after the project's own flags. WERROR= turns warnings back into
# warnings for compilers this project is not built with.
ifeq ($(origin CC),default)
CC := $(MUSL_CC)
endif
STRIP ?= $(MUSL_STRIP)
WERROR ?= -Werror

variant := $(subst -default,,$(subst x86_64-,,$(ARCH)-$(CONFIG)))
OUT := build$(if $(filter default,$(variant)),,/$(variant))
OBJ := build/obj/$(ARCH)-$(CONFIG)
BIN := $(OUT)/rprocbox

REVISION := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
# Code generation, on the compile and the link line (link-time optimization
# compiles there). The binary is static and not position independent, so
# PIE code (the toolchain's default) would only be bigger. x86-64's jump
# tables (8 bytes a case) are bigger than the compares they replace.
RP_CODEGEN := -Os -fno-pie -fomit-frame-pointer -ffunction-sections -fdata-sections
RP_CODEGEN += $(if $(filter x86_64,$(ARCH)),-fno-jump-tables)
# With GCC (a clang CC would need its own linker for LTO): -flto lets code
# used once be inlined across files and drops what no caller keeps; x86-64
# otherwise aligns every array of 32 bytes or more to 32. Fat objects keep
# their own symbol table (scripts/bench.sh names resident variables from it).
# Measured with LTO: keeping calls as calls (no sibling-call jumps, no
# partial inlining) made both targets smaller; on x86-64, -Oz (short
# encodings over fast ones) and keeping functions called once out of line
# saved 3 KiB in all, but made arm64 bigger.
RP_SHRINK := -fno-optimize-sibling-calls -fno-partial-inlining
RP_SHRINK_x86_64 := $(RP_SHRINK) -Oz -fno-inline-functions-called-once
RP_SHRINK_arm64 := $(RP_SHRINK)
CC_IS_GCC := $(filter __clang__,$(shell echo __clang__ | $(CC) -E -P - 2>/dev/null))
ifneq ($(CC_IS_GCC),)
RP_CODEGEN += -flto=auto $(if $(filter x86_64,$(ARCH)),-malign-data=abi)
RP_CODEGEN += $(RP_SHRINK_$(ARCH))

RP_LTO_OBJ := -ffat-lto-objects
endif
RP_CFLAGS := -std=gnu11 $(RP_CODEGEN) $(RP_LTO_OBJ) -Wall -Wextra $(WERROR) -Wshadow -Wno-unused-parameter -Wno-format-truncation \
	-fno-asynchronous-unwind-tables \
	-fno-unwind-tables -fno-ident -D_GNU_SOURCE -include config/$(CONFIG).h \
	-Ilib -Ilib/shim -Iapplets -I$(OBJ)/include \
	-DRP_VERSION='"$(VERSION)"' -DRP_REVISION='"$(REVISION)"'
# common-page-size: the data segment follows the code in the file instead of
# starting on a page of its own (up to a page of padding, 64 KiB on arm64).
RP_LDFLAGS := $(RP_CODEGEN) -no-pie -static -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,noseparate-code \
	-Wl,-z,common-page-size=64 -Wl,-z,norelro

# lib/: what the applets share; lib/shim/: protobuf, ttrpc, the Task API,
# events and the shim server, used by containerd-shim-remoteproc-v1 alone.
LIBSRCS := $(sort $(wildcard lib/*.c lib/shim/*.c))
LIBHDRS := $(wildcard lib/*.h lib/shim/*.h)
SRCS := $(LIBSRCS) $(sort $(wildcard applets/*.c))
OBJS := $(SRCS:%.c=$(OBJ)/%.o)

# Host-built test tools and unit tests (glibc, sanitizers).
HOSTCC ?= cc
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation -D_GNU_SOURCE \
	-include config/default.h -Ilib -Ilib/shim -DRP_VERSION='"$(VERSION)"' -DRP_REVISION='"test"'
UNITS := $(patsubst tests/unit/%.c,build/unit/%,$(sort $(wildcard tests/unit/*.c)))

# One line per artifact ("  CC      lib/boot.c"); V=1 shows the commands.
ifeq ($(V),1)
Q :=
say :=
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
Q := @
say :=
else
Q := @
say = @printf '  %-7s %s\n' '$(1)' '$(2)'
endif

.PHONY: all install uninstall deb dist check check-kernel unit tools demo size bench fuzz clean

all: $(BIN)

$(BIN): $(OBJS)
	@mkdir -p $(@D)
	$(call say,LD,$@)
	$(Q)$(CC) $(RP_LDFLAGS) $(LDFLAGS) -o $@ $(OBJS)

$(OBJ)/%.o: %.c $(OBJ)/include/jsmn.h Makefile config/$(CONFIG).h
	@mkdir -p $(@D)
	$(call say,CC,$<)
	$(Q)$(CC) $(RP_CFLAGS) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

# jsmn comes from Debian's libjsmn-dev; musl-gcc does not search /usr/include,
# so the one header is linked into the build tree.
$(OBJ)/include/jsmn.h:
	@test -f $(JSMN_H) || { echo "jsmn.h not found at $(JSMN_H): install libjsmn-dev" >&2; exit 1; }
	@mkdir -p $(@D)
	$(call say,LN,$@)
	$(Q)ln -sf $(JSMN_H) $@

-include $(OBJS:.o=.d)

# Where `make install` puts things; scripts/install.sh owns what goes there.
bindir ?= $(PREFIX)/bin
mandir ?= $(PREFIX)/share/man
datadir ?= $(PREFIX)/share
unitdir ?= $(PREFIX)/lib/systemd/system
INSTALL_ENV = BIN='$(BIN)' CONFIG='$(CONFIG)' DESTDIR='$(DESTDIR)' bindir='$(bindir)' \
	mandir='$(mandir)' datadir='$(datadir)' unitdir='$(unitdir)' STRIP='$(STRIP)'

install: $(BIN)
	$(INSTALL_ENV) scripts/install.sh install

uninstall:
	$(INSTALL_ENV) scripts/install.sh uninstall

deb:
	scripts/deb.sh $(VERSION) $(ARCH)

dist:
	scripts/dist.sh $(VERSION)

build/unit/%: tests/unit/%.c $(LIBSRCS) $(LIBHDRS) tests/unit/unit.h
	@mkdir -p $(@D)
	$(call say,HOSTCC,$@)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) $(SANFLAGS) -o $@ $< $(LIBSRCS)

unit: $(UNITS)

build/rprocsim: $(wildcard tests/sim/*.c tests/sim/*.h)
	@mkdir -p $(@D)
	$(call say,HOSTCC,$@)
	$(Q)$(HOSTCC) -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE \
		$$(pkg-config --cflags fuse3) -o $@ $(filter %.c,$^) $$(pkg-config --libs fuse3)

build/mkelf: tests/fixtures/mkelf.c
	@mkdir -p $(@D)
	$(call say,HOSTCC,$@)
	$(Q)$(HOSTCC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

# Test-only ttrpc client of tests/shim-proto.test.
build/shimclient: tests/shim/client.c $(LIBSRCS) $(LIBHDRS)
	@mkdir -p $(@D)
	$(call say,HOSTCC,$@)
	$(Q)$(HOSTCC) $(UNIT_CFLAGS) -o $@ $< $(LIBSRCS)

tools: build/rprocsim build/mkelf build/shimclient

check:
	scripts/check.sh

check-kernel:
	scripts/check.sh --kernel-only

# Installs what it needs first (as make check does); without root it names
# the packages and stops.
demo:
	@scripts/deps.sh build sim
	@$(MAKE) --no-print-directory all tools
	@scripts/demo.sh

size:
	scripts/size.sh

bench:
	scripts/bench.sh

FUZZ_SECONDS ?= 60
fuzz:
	scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf build
