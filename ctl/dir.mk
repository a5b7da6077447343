# The ipvsadm language: one parser, one printer.
LIBCTL_SRCS += $(wildcard ctl/*.c)
