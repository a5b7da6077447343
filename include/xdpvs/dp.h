/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ABI between bpf/xdpvs.bpf.c, the XDP program xdpvsd attaches to each
 * of its interfaces, and xdpvsd's data path (dp/xdp.c): map names, keys,
 * values and counter indexes of the filter that decides which packets go
 * up to xdpvsd's AF_XDP sockets.  The flow map of the fast path is in
 * flow.h.
 *
 * What goes up (bpf_redirect_map into xdpvs_xsks, keyed by the receive
 * queue), and why it must be precise: a frame that went up cannot be given
 * back to the kernel's stack, so what the engine would have passed is
 * dropped (and counted, XDPVS_DP_* in dp/dp.h).  So only:
 *
 *   1. TCP, UDP or SCTP to a service: <af, proto, daddr, dport> in
 *      xdpvs_svcs; else <af, proto, daddr, 0> (a port-zero persistent
 *      service); else, for TCP to port 20 or an unprivileged port,
 *      <af, TCP, daddr, 21> when that entry has XDPVS_DP_SVC_F_FTP (a
 *      persistent FTP service, which the kernel matches for those ports).
 *   2. TCP, UDP or SCTP to a destination of a firewall-mark rule whose mark
 *      has a service: longest prefix in xdpvs_marks, whose value is the
 *      union of the protocols and port ranges of every rule covering it.
 *   3. TCP, UDP or SCTP from a masquerading real server, <af, proto, saddr,
 *      sport> (or port 0, fwmark services' real servers) in xdpvs_nat_rs,
 *      to an address that is not ours (xdpvs_local): a NAT reply.  The
 *      host's own traffic with the real servers (health checks) stays
 *      with the host, and so does a direct-routing or tunnel
 *      connection's reply that passes through the balancer (from the
 *      virtual address and port: a real server whose gateway we are),
 *      which the host forwards (the kernel's IPVS counts it as output
 *      and moves the connection's state with it).
 *   4. ICMP and ICMPv6 errors (destination unreachable, source quench, time
 *      exceeded, parameter problem; ICMPv6 types below 128) whose quoted
 *      packet matches 1-3 in either direction: to or from a service, or to
 *      a masquerading real server; its ports within the error's IP packet
 *      (by its length field: link padding is no quote).
 *   5. Fragments of TCP, UDP or SCTP datagrams (IPv4; IPv6 with the
 *      fragment header first), which the engine reassembles: to an
 *      address of a service, <af, 0, daddr, 0> in xdpvs_svcs, or from a
 *      masquerading real server, <af, 0, saddr, 0> in xdpvs_nat_rs, to an
 *      address not ours, or to a mark prefix whose rules take any port of
 *      the protocol (value 0-65535).  (The ports are in the first fragment
 *      only.)  Fragments of ICMP errors stay with the host (the kernel's
 *      IPVS reassembles them first; errors are small, they come whole).
 *
 * IPv6 extension headers (hop-by-hop, routing, destination options, AH;
 * up to 8) are walked to the transport or fragment header for 1-3 and 5,
 * and in the packet an ICMPv6 error quotes (4) to its ports, past the
 * fragment header of a first fragment (a later one's quote has no
 * ports).  Up to two VLAN tags (802.1Q or 802.1ad) come off first, as
 * in the engine's parse.  Everything else (ARP, NDP, echo, IPv6 with more extension
 * headers, fragments for a firewall-mark rule with a port range, the
 * host's traffic) is XDP_PASS.
 *
 * Shared with bpf/: <linux/types.h> types, explicit padding, sizes
 * asserted.
 */
#ifndef XDPVS_DP_H
#define XDPVS_DP_H

#include <linux/types.h>

#include <xdpvs/addr.h>

#define XDPVS_DP_PROG_NAME	"xdpvs_xdp"	/* the XDP function */
/* Map names (at most 15 characters, the kernel's limit). */
#define XDPVS_DP_SVC_MAP	"xdpvs_svcs"
#define XDPVS_DP_NAT_RS_MAP	"xdpvs_nat_rs"
#define XDPVS_DP_LOCAL_MAP	"xdpvs_local"
#define XDPVS_DP_MARK_MAP	"xdpvs_marks"
#define XDPVS_DP_XSK_MAP	"xdpvs_xsks"
#define XDPVS_DP_STATS_MAP	"xdpvs_stats"
#define XDPVS_DP_CTL_MAP	"xdpvs_ctl"
#define XDPVS_DP_TX_MAP		"xdpvs_tx"

#define XDPVS_DP_MAX_SVCS	65536	/* service entries */
#define XDPVS_DP_MAX_NAT_RS	65536	/* masquerading real servers */
#define XDPVS_DP_MAX_LOCAL	4096	/* our addresses */
#define XDPVS_DP_MAX_MARKS	4096	/* mark-rule prefixes */
#define XDPVS_DP_MAX_QUEUES	64	/* receive queues per interface */
#define XDPVS_DP_MAX_TX		64	/* xdpvs_tx: xdpvsd's interfaces */

/* Key of xdpvs_svcs and xdpvs_nat_rs. */
struct xdpvs_dp_addr_key {
	__u8 af;		/* AF_INET (2) or AF_INET6 (10) */
	__u8 proto;		/* IPPROTO_TCP, _UDP or _SCTP */
	__be16 port;		/* network order; 0: any port */
	union xdpvs_addr addr;	/* IPv4 in the first word, rest zero */
};
_Static_assert(sizeof(struct xdpvs_dp_addr_key) == 20, "dp addr key ABI");

/* A persistent TCP port 21 service: ports 20 and 1024-65535 too. */
#define XDPVS_DP_SVC_F_FTP	0x0001

/* Value of xdpvs_svcs. */
struct xdpvs_dp_svc_val {
	__u32 flags;		/* XDPVS_DP_SVC_F_* */
};
_Static_assert(sizeof(struct xdpvs_dp_svc_val) == 4, "dp svc value ABI");

/* Key of xdpvs_local: one of our addresses. */
struct xdpvs_dp_local_key {
	__u8 af;
	__u8 pad[3];		/* zero */
	union xdpvs_addr addr;
};
_Static_assert(sizeof(struct xdpvs_dp_local_key) == 20, "dp local key ABI");

/* Key of the LPM trie xdpvs_marks: prefixlen counts the 32 bits of af and
 * pad first, then the prefix bits of addr. */
struct xdpvs_dp_mark_key {
	__u32 prefixlen;	/* 32 + prefix length */
	__u8 af;
	__u8 pad[3];		/* zero */
	union xdpvs_addr addr;
};
_Static_assert(sizeof(struct xdpvs_dp_mark_key) == 24, "dp mark key ABI");

#define XDPVS_DP_PROTO_TCP	0x01
#define XDPVS_DP_PROTO_UDP	0x02
#define XDPVS_DP_PROTO_SCTP	0x04

/* Value of xdpvs_marks: what the rules covering the prefix match. */
struct xdpvs_dp_mark_val {
	__u8 protos;		/* XDPVS_DP_PROTO_* bits */
	__u8 pad[3];		/* zero */
	__u16 port_lo;		/* host order, inclusive; 0-65535: any */
	__u16 port_hi;
};
_Static_assert(sizeof(struct xdpvs_dp_mark_val) == 8, "dp mark value ABI");

/* Counter indexes of the per-CPU array xdpvs_stats (one per interface). */
enum xdpvs_dp_stat {
	XDPVS_DP_RX,		/* every frame the program saw */
	XDPVS_DP_XSK_SVC,	/* for us: to a service (1) */
	XDPVS_DP_XSK_MARK,	/* for us: to a mark-rule prefix (2) */
	XDPVS_DP_XSK_NAT,	/* for us: a NAT reply (3) */
	XDPVS_DP_XSK_ICMP,	/* for us: an ICMP error about those (4) */
	XDPVS_DP_NO_XSK,	/* of those, no socket on the queue: passed */
	XDPVS_DP_PASS,		/* not for us: passed to the stack */
	XDPVS_DP_FAST,		/* forwarded by the fast path (flow.h) */
	XDPVS_DP_FAST_UP,	/* a flow's packet left to the engine */
	XDPVS_DP_HELD,		/* for us while no xdpvsd runs: dropped */
	XDPVS_DP_XSK_FRAG,	/* for us: a fragment to reassemble (5) */
	XDPVS_DP_FAST_EST,	/* of FAST, handshake ACKs told the engine */
	XDPVS_DP_FAST_CLOSE,	/* of FAST, FINs and RSTs told the engine */
	XDPVS_DP_FAST_NEW,	/* of FAST, SYNs scheduled with a pick */
	XDPVS_DP_STAT_MAX,
};

/*
 * The one entry of the array xdpvs_ctl, shared by every interface.  HOLD
 * is set by an xdpvsd that exits leaving the data path to its successor
 * (--keep-datapath) and cleared by the successor once its sockets are in:
 * meanwhile what would go up is dropped rather than passed to the stack
 * (a client's SYN is sent again; the kernel would answer it with an
 * error), while the fast path keeps forwarding established flows.
 */
#define XDPVS_DP_CTL_HOLD	0x0001

struct xdpvs_dp_ctl {
	__u32 flags;		/* XDPVS_DP_CTL_* */
};
_Static_assert(sizeof(struct xdpvs_dp_ctl) == 4, "dp ctl ABI");

struct xdpvs_dp_counter {	/* one per index and CPU */
	__u64 packets;
	__u64 bytes;
};
_Static_assert(sizeof(struct xdpvs_dp_counter) == 16, "dp stats ABI");

#endif
