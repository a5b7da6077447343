# SPDX-License-Identifier: GPL-2.0-only
# xdpvs top-level Makefile.  Each directory's dir.mk lists its sources and
# programs; the rules live once in mk/rules.mk.  Output goes to build/
# (build-san/ with SAN=1).  `make help` lists the targets.

CC         ?= gcc
CLANG      ?= clang
BPFTOOL    ?= bpftool
PKG_CONFIG ?= pkg-config
PREFIX     ?= /usr/local
DESTDIR    ?=

ifeq ($(SAN),1)
O          ?= build-san
SANFLAGS   := -fsanitize=address,undefined -fno-omit-frame-pointer \
	      -fno-sanitize-recover=all
else
O          ?= build
SANFLAGS   :=
endif

PKGS       := libbpf libxdp libpcap json-c libmnl cmocka popt
CPPFLAGS   += -Iinclude -I. -D_GNU_SOURCE
CFLAGS     ?= -O2 -g
CFLAGS     += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
	      -Wstrict-prototypes -Wmissing-prototypes -MMD -MP $(SANFLAGS)
LDFLAGS    += $(SANFLAGS)

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

ifneq ($(V),1)
Q := @
msg = @printf '  %-6s %s\n' "$(1)" "$(2)";
else
Q :=
msg =
endif

LIBXDPVS_SRCS :=
LIBCTL_SRCS   :=
PROGS         :=
BPF_PROGS     :=
MANS          :=

include core/dir.mk
include ctl/dir.mk
include bpf/dir.mk
include decap/dir.mk
include replay/dir.mk
include cli/dir.mk
include daemon/dir.mk
include mk/rules.mk
# After the rules: its link rule names $(LIBXDPVS) and $(LIBCTL).
include tests/dir.mk
include bench/dir.mk

.PHONY: all deps demo help clean install
all: $(LIBXDPVS) $(LIBCTL) $(BPF_OBJS) $(BPF_SKELS) $(addprefix $(O)/,$(PROGS))

deps:
	$(Q)sh mk/deps.sh

# The missing packages first, then a fresh make: pkg-config's flags are
# read when the Makefile is.
demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)bash demo/demo.sh $(O)

help:
	@echo "make            build everything into $(O)/"
	@echo "make demo       xdpvs balancing HTTP in network namespaces (root)"
	@echo "make check      install missing packages, build, run every test"
	@echo "make check T=core/sched/wrr   one unit test (path under tests/unit)"
	@echo "make check SAN=1              everything under ASan+UBSan in build-san/"
	@echo "make fuzz       build the libFuzzer harnesses into build-fuzz/ (clang)"
	@echo "make bench      the benchmark against the peers (~16 min, root): bench/RESULTS.md"
	@echo "make clean      remove build output"
	@echo "V=1             show the commands"

clean:
	$(Q)rm -rf build build-san build-fuzz

install: all
	$(Q)install -d $(DESTDIR)$(PREFIX)/sbin
	$(Q)install -m 0755 $(addprefix $(O)/,$(PROGS)) $(DESTDIR)$(PREFIX)/sbin/
	$(Q)install -d $(DESTDIR)$(PREFIX)/share/man/man8
	$(Q)$(if $(MANS),install -m 0644 $(MANS) $(DESTDIR)$(PREFIX)/share/man/man8/)
