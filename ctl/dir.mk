# The ipvsadm language: one parser, one printer.
LIBCTL_SRCS += $(wildcard ctl/*.c)

# tests/dir.mk names the libraries in its link rule's prerequisites, which
# make expands when it reads that file, before mk/rules.mk defines them;
# define them here (same values) so unit tests link against them.
LIBXDPVS ?= $(O)/libxdpvs.a
LIBCTL   ?= $(O)/libxdpvsctl.a
