# xdpvs-replay: the engine offline, pcap in -> pcap out (see replay/main.c).
PROGS += xdpvs-replay
xdpvs-replay_SRCS := replay/main.c replay/env.c replay/schedule.c
