# xdpvsd: the daemon (daemon/) and its data path (dp/).
# daemon/control_stub.c stands in for daemon/control.c until both
# branches are merged: delete it then.
DP_SRCS := dp/dp.c dp/nl.c dp/route.c dp/sync.c dp/xdp.c dp/xsk.c
PROGS += xdpvsd
xdpvsd_SRCS := daemon/main.c daemon/log.c daemon/loop.c \
	$(if $(wildcard daemon/control.c),daemon/control.c,daemon/control_stub.c) \
	$(DP_SRCS)
xdpvsd_BPF := xdpvs
MANS += daemon/xdpvsd.8
