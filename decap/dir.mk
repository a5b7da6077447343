# xdpvs-decap: the loader of bpf/decap.bpf.c for tunnel-mode real servers.
PROGS += xdpvs-decap
xdpvs-decap_SRCS := decap/main.c
xdpvs-decap_BPF  := decap
MANS += decap/xdpvs-decap.8
