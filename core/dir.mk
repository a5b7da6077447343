# libxdpvs: the pure engine (no I/O, no clock, no global state).
LIBXDPVS_SRCS += $(wildcard core/*.c core/sched/*.c)
