# xdpvsd: the daemon (daemon/) and its data path (dp/).
DP_SRCS := dp/dp.c dp/dp_handover.c dp/flow.c dp/keep.c dp/nl.c dp/pick.c \
	dp/route.c dp/sync.c dp/xdp.c dp/xdp_maps.c dp/xdp_sync.c \
	dp/xdp_upgrade.c dp/xsk.c
PROGS += xdpvsd
xdpvsd_SRCS := daemon/main.c daemon/log.c daemon/loop.c daemon/control.c \
	daemon/syncd.c daemon/handover.c \
	$(DP_SRCS)
xdpvsd_BPF := xdpvs
MANS += daemon/xdpvsd.8
