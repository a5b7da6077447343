# Tests mirror the source tree: tests/unit/core/sched/test_wrr.c tests
# core/sched/wrr.c and builds to $(O)/tests/unit/core/sched/test_wrr.
# tests/lib/ holds helpers (packet builders) shared by the unit tests.

UNIT_SRCS  := $(shell find tests/unit -name 'test_*.c' 2>/dev/null | sort)
UNIT_BINS  := $(patsubst %.c,$(O)/%,$(UNIT_SRCS))
# tests/lib/ctlserver.c is a program of its own (below), not a helper.
TESTLIB_OBJS := $(patsubst %.c,$(O)/%.o,$(filter-out tests/lib/ctlserver.c,\
		$(wildcard tests/lib/*.c)))

$(O)/tests/unit/%: $(O)/tests/unit/%.o $(TESTLIB_OBJS) $(LIBCTL) $(LIBXDPVS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

# Tests of the programs' modules link the objects they test (and run a
# server thread): daemon/control.c with its loop, and xdpvsadm's client.
CTL_TEST_OBJS := $(O)/daemon/control.o $(O)/daemon/loop.o $(O)/cli/client.o
$(O)/tests/unit/daemon/test_control: $(O)/tests/unit/daemon/test_control.o \
		$(CTL_TEST_OBJS) $(TESTLIB_OBJS) $(LIBCTL) $(LIBXDPVS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -pthread -o $@

# A control server without a data path (engine + loop + control socket)
# and with a stand-in sync daemon, for xdpvsadm's sync daemon commands.
CTLSERVER := $(O)/tests/lib/ctlserver
$(CTLSERVER): $(O)/tests/lib/ctlserver.o $(O)/daemon/control.o \
		$(O)/daemon/loop.o $(LIBCTL) $(LIBXDPVS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

# tests/unit/bpf/test_NAME.c runs bpf/NAME.bpf.c through its skeleton;
# test_fastpath.c runs xdpvs.bpf.c's fast path against the engine, and
# test_pick.c its scheduling of new connections with picks.
BPF_XDPVS_TESTS := tests/unit/bpf/test_fastpath.c tests/unit/bpf/test_pick.c
BPF_UNIT_OBJS := $(patsubst %.c,$(O)/%.o,$(filter-out $(BPF_XDPVS_TESTS),\
		$(filter tests/unit/bpf/%,$(UNIT_SRCS))))
$(BPF_UNIT_OBJS): $(O)/tests/unit/bpf/test_%.o: $(O)/bpf/%.skel.h
$(patsubst %.c,$(O)/%.o,$(BPF_XDPVS_TESTS)): $(O)/bpf/xdpvs.skel.h

# Shared headers must compile alone for BPF and for the host.
BPF_HDRS := $(filter-out include/xdpvs/engine.h,$(wildcard include/xdpvs/*.h))
HDRCHECK := $(patsubst include/xdpvs/%.h,$(O)/hdrcheck/%.stamp,$(BPF_HDRS))
$(O)/hdrcheck/%.stamp: include/xdpvs/%.h
	$(call msg,HDR,$<)
	$(Q)mkdir -p $(@D)
	$(Q)printf '#include <xdpvs/%s.h>\n' $* > $(@D)/$*.c
	$(Q)$(CC) $(CPPFLAGS) -std=gnu11 -Wall -Wextra -Werror -fsyntax-only $(@D)/$*.c
	$(Q)$(CLANG) -target bpf -Iinclude -I/usr/include/$(shell uname -m)-linux-gnu \
		-Wall -Wextra -Werror -fsyntax-only $(@D)/$*.c
	$(Q)touch $@

# tests/fuzz/: a libFuzzer harness per parser, fuzz_NAME.c.  `make fuzz`
# builds them with clang into build-fuzz/ (not part of check); run one
# with e.g. build-fuzz/tests/fuzz/fuzz_pkt -max_total_time=300 DIR
# tests/fuzz/corpus/pkt.  check-corpus replays each committed corpus,
# tests/fuzz/corpus/NAME/, through the same entry point with a plain
# driver, so what the fuzzer once found stays fixed.
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(patsubst %,$(O)/tests/fuzz/fuzz_%,$(FUZZ_NAMES))
FUZZ_REPLAYS := $(patsubst %,$(O)/tests/fuzz/replay_%,$(FUZZ_NAMES))
FUZZ_SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined \
		 -fno-omit-frame-pointer -fno-sanitize-recover=all

# Every harness links common.c (shared checks, and a resolver with which
# no name resolves, so runs are the same everywhere) and both libraries.
FUZZ_COMMON  := $(O)/tests/fuzz/common.o $(LIBCTL) $(LIBXDPVS)

$(FUZZ_REPLAYS): $(O)/tests/fuzz/replay_%: $(O)/tests/fuzz/fuzz_%.o \
		 $(O)/tests/fuzz/replay.o $(FUZZ_COMMON)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

$(FUZZ_BINS): $(O)/tests/fuzz/fuzz_%: $(O)/tests/fuzz/fuzz_%.o $(FUZZ_COMMON)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -fsanitize=fuzzer $^ $(PKG_LIBS) -o $@

# fuzz_keep reads dp/keep.c's streams: it links that object too, and
# seeds_keep writes its seeds with dp/keep.c's writer.
$(O)/tests/fuzz/fuzz_keep $(O)/tests/fuzz/replay_keep: $(O)/dp/keep.o
# tests/fuzz/seeds_NAME.c writes seeds for fuzz_NAME with the writer
# of what it reads (make fuzz builds them; see each file's usage).
FUZZ_SEEDERS := $(patsubst tests/fuzz/%.c,$(O)/tests/fuzz/%,\
		$(wildcard tests/fuzz/seeds_*.c))
$(FUZZ_SEEDERS): $(O)/tests/fuzz/seeds_%: $(O)/tests/fuzz/seeds_%.o \
		 $(FUZZ_COMMON)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@
$(O)/tests/fuzz/seeds_keep: $(O)/dp/keep.o
# fuzz_xdp runs bpf/xdpvs.bpf.c (its skeleton) against the engine: it
# links the test fixtures, dp/sync.c, which fills the filter's maps, and
# dp/pick.c, which writes the engine's picks into the program's.
$(O)/tests/fuzz/fuzz_xdp.o: $(O)/bpf/xdpvs.skel.h
$(O)/tests/fuzz/fuzz_xdp $(O)/tests/fuzz/replay_xdp: $(O)/dp/sync.o $(O)/dp/pick.o \
		$(TESTLIB_OBJS)

.PHONY: fuzz fuzz-bins check-corpus
fuzz:
	$(Q)$(MAKE) --no-print-directory O=build-fuzz CC=$(CLANG) \
		SANFLAGS='$(FUZZ_SANFLAGS)' fuzz-bins
fuzz-bins: $(FUZZ_BINS) $(FUZZ_SEEDERS)

check-corpus: $(FUZZ_REPLAYS)
	$(Q)sh tests/fuzz/run-corpus.sh $(O) $(FUZZ_NAMES)


E2E_TESTS := $(sort $(wildcard tests/e2e/test-*.sh))

.PHONY: check check-unit check-replay check-headers check-e2e
ifdef T
check: $(O)/tests/unit/$(dir $(T))test_$(notdir $(T))
	$(Q)$<
else
check: deps all check-headers check-unit check-corpus check-replay check-e2e
endif

check-headers: $(HDRCHECK)

check-unit: $(UNIT_BINS)
	$(Q)sh tests/run-unit.sh $(UNIT_BINS)

check-replay: all
	$(Q)sh tests/replay/run.sh $(O)/xdpvs-replay

# Network-namespace tests of the programs (root; 77 = skipped).
check-e2e: all $(CTLSERVER) $(XDPVSD_OTHER) bench-tools
	$(Q)V=$(V) sh tests/run-e2e.sh $(O) $(E2E_TESTS)

# tests/unit/dp/test_NAME.c tests dp/NAME.c: it links that object too.
$(filter $(O)/tests/unit/dp/%,$(UNIT_BINS)): $(O)/tests/unit/dp/test_%: $(O)/dp/%.o
# test_pick compares the maps it makes with the program's definitions.
$(O)/tests/unit/dp/test_pick.o: $(O)/bpf/xdpvs.skel.h
# test_xdp_upgrade loads the program (dp/xdp.c) in a thread.
$(O)/tests/unit/dp/test_xdp_upgrade.o: $(O)/bpf/xdpvs.skel.h
$(O)/tests/unit/dp/test_xdp_upgrade: $(O)/tests/unit/dp/test_xdp_upgrade.o \
		$(O)/dp/xdp_upgrade.o $(O)/dp/xdp.o $(O)/dp/xdp_maps.o \
		$(O)/dp/pick.o $(O)/daemon/log.o $(TESTLIB_OBJS) $(LIBCTL) \
		$(LIBXDPVS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -pthread -o $@
