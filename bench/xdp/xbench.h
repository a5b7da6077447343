/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench/xdp/xbench.h: what the benchmark's XDP programs (ceiling.bpf.c,
 * gen.bpf.c) and their loader (xbench.c) share.
 */
#ifndef XBENCH_H
#define XBENCH_H

#include <linux/types.h>

#define XB_MAX_PORTS 8 /* ceiling: interfaces it forwards between */
#define XB_CEIL_FAN 4	/* ceiling: ways out of one interface, at most */

/* ceiling: what a frame arriving on an interface gets (key: ifindex):
 * way i (of n, chosen by the IPv4 source address or the low word of the
 * IPv6 one, modulo n) leaves through devmap slot tx_slot + i with the
 * egress interface's own address and the next hop's */
struct xb_ceil_port {
	__u32 tx_slot;	/* first index in xb_ceil_tx, the devmap */
	__u32 n;	/* ways out: 1 .. XB_CEIL_FAN */
	struct {
		__u8 smac[6];
		__u8 dmac[6];
	} way[XB_CEIL_FAN];
};
_Static_assert(sizeof(struct xb_ceil_port) == 56, "ceiling map ABI");

/* gen: the frame is eth + IPv4 + UDP + payload (the template, made by the
 * loader); for packet number i of a run, flow f = i % nflows gets source
 * address src_base + (f & 0xffff) and source port src_port + (f >> 16). */
#define XB_GEN_FRAME_LEN 60 /* 64-byte Ethernet frame less the FCS */
#define XB_GEN_HDR_LEN 42   /* eth + IPv4 + UDP headers */
#define XB_GEN_BURST 32     /* paced: frames per burst (1/8 of a veth ring) */

#endif
