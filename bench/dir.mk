# SPDX-License-Identifier: GPL-2.0-only
# `make bench`: the benchmark (bench/run.sh, results in bench/RESULTS.md).
# Not part of `all` or `check`: its XDP programs and the xbench helper are
# built here only, with the pattern rules of mk/rules.mk.  Packages it needs
# beyond the build's are in bench/packages.txt.

BENCH_BPF   := bench/xdp/ceiling.bpf.c bench/xdp/gen.bpf.c bench/xdp/sink.bpf.c
BENCH_OBJS  := $(patsubst %.bpf.c,$(O)/%.bpf.o,$(BENCH_BPF))
BENCH_SKELS := $(patsubst %.bpf.c,$(O)/%.skel.h,$(BENCH_BPF))
XBENCH      := $(O)/bench/xbench

$(O)/bench/xdp/xbench.o: $(BENCH_SKELS)
$(XBENCH): $(O)/bench/xdp/xbench.o
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

.PHONY: bench bench-tools
bench-tools: $(XBENCH) $(BENCH_OBJS)

# Packages first (a sub-make sees their pkg-config files), then the build
# (xdpvsd, when the branch has it), then the run.
bench:
	$(Q)sh mk/deps.sh mk/packages.txt bench/packages.txt
	$(Q)$(MAKE) --no-print-directory all bench-tools
	$(Q)XDPVS_BUILD=$(O) bash bench/run.sh
