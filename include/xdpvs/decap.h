/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ABI between bpf/decap.bpf.c and its loader decap/main.c (and the
 * tests): map names, keys, values and counter indexes.  xdpvs-decap runs on
 * real servers of a tunnel-mode service and strips the IPIP, GUE or GRE
 * header IPVS added (see include/xdpvs/tunnel.h), so the inner packet
 * reaches the stack of a kernel without the ipip/fou/ip_gre modules.
 *
 * Shared with bpf/: <linux/types.h> types only, explicit padding.
 */
#ifndef XDPVS_DECAP_H
#define XDPVS_DECAP_H

#include <linux/types.h>

#include <xdpvs/addr.h>

#define XDPVS_DECAP_PROG_NAME	"xdpvs_decap"	/* the XDP function */
#define XDPVS_DECAP_STATS_MAP	"xdpvs_decap_st"
#define XDPVS_DECAP_ADDR_MAP	"xdpvs_decap_ad"
#define XDPVS_DECAP_MAX_GUE_PORTS 8	/* --gue-port given at most this often */
#define XDPVS_DECAP_MAX_ADDRS	64	/* --addr given at most this often */

/*
 * Counter indexes of the per-CPU stats array.  The first six count packets
 * decapsulated, by encapsulation; the rest count tunnel packets passed on
 * unchanged (or dropped), by reason.
 */
enum xdpvs_decap_stat {
	XDPVS_DECAP_IPIP,	/* IPv4 in IPv4 */
	XDPVS_DECAP_IP6IP6,	/* IPv6 in IPv6 */
	XDPVS_DECAP_IP4IN6,	/* IPv4 in IPv6 */
	XDPVS_DECAP_IP6IN4,	/* IPv6 in IPv4 */
	XDPVS_DECAP_GUE,	/* GUE, either family in either family */
	XDPVS_DECAP_GRE,	/* GRE, either family in either family */
	XDPVS_DECAP_NOT_LOCAL,	/* outer destination not in the --addr list */
	XDPVS_DECAP_FRAGMENT,	/* outer packet is a fragment: left to the stack */
	XDPVS_DECAP_MALFORMED,	/* truncated or inconsistent headers */
	XDPVS_DECAP_UNSUPPORTED, /* GUE control, GRE key/seq, unknown flags */
	XDPVS_DECAP_BAD_CSUM,	/* outer IPv4, UDP or GRE checksum wrong */
	XDPVS_DECAP_ECN_DROP,	/* outer CE on a not-ECT inner packet: dropped */
	XDPVS_DECAP_ERROR,	/* bpf_xdp_adjust_head failed */
	XDPVS_DECAP_STAT_MAX,
};

struct xdpvs_decap_counter {	/* one per index and CPU */
	__u64 packets;
	__u64 bytes;		/* frame bytes as received, before decap */
};
_Static_assert(sizeof(struct xdpvs_decap_counter) == 16, "decap stats ABI");

/* Key of the address map: an outer destination to decapsulate for. */
struct xdpvs_decap_addr {
	__u8 family;		/* AF_INET (2) or AF_INET6 (10) */
	__u8 pad[3];		/* explicit: both compilers must agree; zero */
	union xdpvs_addr addr;	/* IPv4 in the first word, rest zero */
};
_Static_assert(sizeof(struct xdpvs_decap_addr) == 20, "decap addr map ABI");

#endif
