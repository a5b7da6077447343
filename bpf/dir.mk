# XDP programs: each NAME.bpf.c builds to $(O)/bpf/NAME.bpf.o and the
# skeleton $(O)/bpf/NAME.skel.h that its loader includes.
BPF_PROGS += bpf/decap.bpf.c
# xdpvsd's filter: what goes up to its AF_XDP sockets (include/xdpvs/dp.h).
BPF_PROGS += bpf/xdpvs.bpf.c
# Its pieces, bpf/*.h, are included by it alone; the -MMD dependency file
# (mk/rules.mk) rebuilds it and its skeleton when one changes.
