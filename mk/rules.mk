# SPDX-License-Identifier: GPL-2.0-only
# The one place the build rules live.  dir.mk files only list things.

PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
CPPFLAGS   += $(PKG_CFLAGS)

LIBXDPVS := $(O)/libxdpvs.a
LIBCTL   := $(O)/libxdpvsctl.a

# Objects are never intermediate: keep them for incremental builds.
.SECONDARY:

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
# libraries (ctl before core: dependencies point down).
define PROG_template
$(O)/$(1): $$(patsubst %.c,$(O)/%.o,$$($(notdir $(1))_SRCS)) $(LIBCTL) $(LIBXDPVS)
	$$(call msg,LD,$$@)
	$$(Q)$$(CC) $$(LDFLAGS) $$^ $$(PKG_LIBS) -o $$@
endef
$(foreach p,$(PROGS),$(eval $(call PROG_template,$(p))))

-include $(shell find $(O) -name '*.d' 2>/dev/null)
