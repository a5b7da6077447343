# SPDX-License-Identifier: GPL-2.0-only
# The one place the build rules live.  dir.mk files only list things.

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
# -I$(O): loaders include their generated skeleton as "bpf/NAME.skel.h".
CPPFLAGS   += $(PKG_CFLAGS) -I$(O)

LIBXDPVS := $(O)/libxdpvs.a
LIBCTL   := $(O)/libxdpvsctl.a

# Objects are never intermediate: keep them for incremental builds.
.SECONDARY:

# BPF programs, libbpf-bootstrap style: bpf/NAME.bpf.c (listed in
# BPF_PROGS) builds to $(O)/bpf/NAME.bpf.o, and bpftool turns that into the
# skeleton $(O)/bpf/NAME.skel.h (struct NAME_bpf, NAME_bpf__open() ...).
# -target bpf drops the host's include path, so clang's own system
# directories come back with -idirafter (Debian keeps asm/ in the multiarch
# directory, which is among them).
BPF_SYS_INCLUDES ?= $(shell $(CLANG) -v -E - </dev/null 2>&1 | sed -n \
	'/<\.\.\.> search starts here:/,/End of search list\./s| \(/.*\)|-idirafter \1|p')
BPF_CFLAGS ?= -g -O2
BPF_OBJS   := $(patsubst %.bpf.c,$(O)/%.bpf.o,$(BPF_PROGS))
BPF_SKELS  := $(patsubst %.bpf.c,$(O)/%.skel.h,$(BPF_PROGS))

bpf_cc = $(CLANG) $(BPF_CFLAGS) $(1) -target bpf -Wall -Werror -Iinclude \
	$(BPF_SYS_INCLUDES) -MMD -MP -c $< -o $@

$(O)/%.bpf.o: %.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(call bpf_cc,)

$(O)/%.skel.h: $(O)/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@

$(O)/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIBXDPVS): $(patsubst %.c,$(O)/%.o,$(LIBXDPVS_SRCS))
	$(call msg,AR,$@)
	$(Q)mkdir -p $(@D) && rm -f $@ && ar rcs $@ $^

$(LIBCTL): $(patsubst %.c,$(O)/%.o,$(LIBCTL_SRCS))
	$(call msg,AR,$@)
	$(Q)mkdir -p $(@D) && rm -f $@ && ar rcs $@ $^

# A program NAME lists its sources in NAME_SRCS; it links with both
# libraries (ctl before core: dependencies point down).  A loader also lists
# the BPF programs whose skeletons it includes in NAME_BPF (bpf/NAME.bpf.c
# -> NAME): its objects are built after those skeletons.
define PROG_template
$(O)/$(1): $$(patsubst %.c,$(O)/%.o,$$($(notdir $(1))_SRCS)) $(LIBCTL) $(LIBXDPVS)
	$$(call msg,LD,$$@)
	$$(Q)$$(CC) $$(LDFLAGS) $$^ $$(PKG_LIBS) -o $$@
$$(patsubst %.c,$(O)/%.o,$$($(notdir $(1))_SRCS)): \
	$$(patsubst %,$(O)/bpf/%.skel.h,$$($(notdir $(1))_BPF))
endef
$(foreach p,$(PROGS),$(eval $(call PROG_template,$(p))))

# XDPVSD_OTHER, xdpvsd as "another build" for the upgrade tests: the same
# sources, but its XDP program compiled with another directory in its
# debug information, so that its BPF object (what dp_xdp_prog_hash()
# hashes) differs.  dp/xdp.c alone includes the skeleton: it alone is
# compiled again, against that one.
OTHER_DIR    := $(O)/tests/other
XDPVSD_OTHER := $(OTHER_DIR)/xdpvsd
$(OTHER_DIR)/bpf/xdpvs.bpf.o: bpf/xdpvs.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(call bpf_cc,-fdebug-prefix-map=$(CURDIR)=/xdpvs-other)
$(OTHER_DIR)/dp/xdp.o: dp/xdp.c $(OTHER_DIR)/bpf/xdpvs.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -I$(OTHER_DIR) $(CPPFLAGS) $(CFLAGS) -c $< -o $@
$(XDPVSD_OTHER): $(filter-out $(O)/dp/xdp.o,$(patsubst %.c,$(O)/%.o,\
		$(xdpvsd_SRCS))) $(OTHER_DIR)/dp/xdp.o $(LIBCTL) $(LIBXDPVS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

-include $(shell find $(O) -name '*.d' 2>/dev/null)
