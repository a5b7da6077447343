# Tests mirror the source tree: tests/unit/core/sched/test_wrr.c tests
# core/sched/wrr.c and builds to $(O)/tests/unit/core/sched/test_wrr.
# tests/lib/ holds helpers (packet builders) shared by the unit tests.

UNIT_SRCS  := $(shell find tests/unit -name 'test_*.c' 2>/dev/null | sort)
UNIT_BINS  := $(patsubst %.c,$(O)/%,$(UNIT_SRCS))
TESTLIB_OBJS := $(patsubst %.c,$(O)/%.o,$(wildcard tests/lib/*.c))

$(O)/tests/unit/%: $(O)/tests/unit/%.o $(TESTLIB_OBJS) $(LIBCTL) $(LIBXDPVS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

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

$(FUZZ_REPLAYS): $(O)/tests/fuzz/replay_%: $(O)/tests/fuzz/fuzz_%.o \
		 $(O)/tests/fuzz/replay.o $(LIBXDPVS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -o $@

$(FUZZ_BINS): $(O)/tests/fuzz/fuzz_%: $(O)/tests/fuzz/fuzz_%.o $(LIBXDPVS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) -fsanitize=fuzzer $^ -o $@

.PHONY: fuzz fuzz-bins check-corpus
fuzz:
	$(Q)$(MAKE) --no-print-directory O=build-fuzz CC=$(CLANG) \
		SANFLAGS='$(FUZZ_SANFLAGS)' fuzz-bins
fuzz-bins: $(FUZZ_BINS)

check-corpus: $(FUZZ_REPLAYS)
	$(Q)sh tests/fuzz/run-corpus.sh $(O) $(FUZZ_NAMES)

.PHONY: check check-unit check-replay check-headers
ifdef T
check: $(O)/tests/unit/$(dir $(T))test_$(notdir $(T))
	$(Q)$<
else
check: deps all check-headers check-unit check-corpus check-replay
endif

check-headers: $(HDRCHECK)

check-unit: $(UNIT_BINS)
	$(Q)sh tests/run-unit.sh $(UNIT_BINS)

check-replay: all
	$(Q)sh tests/replay/run.sh $(O)/xdpvs-replay
