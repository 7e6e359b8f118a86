# build.mk - build the libFuzzer harnesses (run by scripts/fuzz.sh from the top)
#
#   make -f tests/fuzz/build.mk [-j2] [HARNESSES="json spec"]
#
# lib/ (and lib/shim/) is compiled once with coverage instrumentation into an archive, so
# each harness links only the objects it needs. ttrpc_small is ttrpc.c built
# against lib/shim/ttrpc.c with 1 KiB buffers (see tests/fuzz/ttrpc.c).

CLANG ?= clang
O := build/fuzz
HARNESSES ?= json spec taskpb ttrpc ttrpc_small elf bootcfg
SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
# The include flags of the Makefile's UNIT_CFLAGS (jsmn from /usr/include).
CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer $(SAN) -D_GNU_SOURCE \
	-include config/default.h -Ilib -Ilib/shim -DRP_VERSION='"x"' -DRP_REVISION='"x"'
LIBWARN := -Wall -Wextra -Wno-unused-parameter
SMALL := -DRP_TTRPC_BUF=1024

LIBSRCS := $(sort $(wildcard lib/*.c lib/shim/*.c))
LIBOBJS := $(LIBSRCS:lib/%.c=$(O)/obj/%.o)

.PHONY: all
all: $(HARNESSES:%=$(O)/%)

$(O)/obj/%.o: lib/%.c tests/fuzz/build.mk
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS) $(LIBWARN) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(O)/obj/ttrpc_small.o: lib/shim/ttrpc.c tests/fuzz/build.mk
	@mkdir -p $(@D)
	$(CLANG) $(CFLAGS) $(LIBWARN) $(SMALL) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(O)/lib.a: $(LIBOBJS)
	@rm -f $@
	ar rcs $@ $^

$(O)/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(O)/lib.a
	$(CLANG) $(CFLAGS) -Wall -Wextra -Werror -fsanitize=fuzzer -MMD -MP -MF $@.d -o $@ $< $(O)/lib.a

$(O)/ttrpc_small: tests/fuzz/ttrpc.c tests/fuzz/fuzz.h $(O)/obj/ttrpc_small.o $(O)/lib.a
	$(CLANG) $(CFLAGS) $(SMALL) -Wall -Wextra -Werror -fsanitize=fuzzer -MMD -MP -MF $@.d -o $@ $< \
		$(O)/obj/ttrpc_small.o $(O)/lib.a

-include $(wildcard $(O)/obj/*.d $(O)/obj/shim/*.d $(O)/*.d)
