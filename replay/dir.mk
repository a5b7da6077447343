# xdpvs-replay: the engine offline, pcap in -> pcap out (see replay/main.c).
