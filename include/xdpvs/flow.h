/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The flow-map ABI: the cache of the engine's decisions that the XDP fast
 * path (bpf/xdpvs.bpf.c) uses to forward established flows without going
 * up to userspace; xdpvsd (dp/flow.c) writes it from the engine's
 * flow_add/flow_del callbacks.  README.md, "The fast path and hitless
 * restart", says it for users.
 *
 * The engine stays the single source of truth.  For each connection it
 * installs one entry per direction it forwards: the client's packets
 * (every method) and, for NAT, the real server's replies.  The key is the
 * packet as it arrives; the value says everything the rewrite needs, so
 * the BPF side never looks anything else up:
 *
 *   XDPVS_FLOW_DNAT   daddr:dport <- new_daddr:new_dport (client -> RS)
 *   XDPVS_FLOW_SNAT   saddr:sport <- new_saddr:new_sport (RS -> client)
 *   XDPVS_FLOW_DR     nothing but the MACs and TTL
 *   XDPVS_FLOW_TUN    push encap[0 .. encap_len): the outer IPv4/IPv6
 *                     header (+ UDP + GUE, or + GRE) with total length,
 *                     IPv4 ID and checksums left for the fast path to
 *                     fill; daf is the outer family.  An outer IPv4
 *                     header gets DF copied from an inner IPv4 one with
 *                     XDPVS_FLOW_F_DF (the engine's pmtu_disc), and
 *                     without DF the ID of xdpvs_encap_id() (encap.h).
 *
 * then TTL minus one, Ethernet header dmac/smac (+ VLAN tag), and a
 * redirect to ifindex: XDP_TX when it is the receiving interface, else
 * through the devmap of xdpvsd's interfaces (xdpvs_tx, dp.h), else
 * bpf_redirect().
 * Checksums are updated with the helpers of include/xdpvs/nat.h and
 * csum.h, the very ones core/ uses.  TCP packets with SYN or without
 * ACK, IP options, IPv6 extension headers, fragments, TTL <= 1 or a
 * length above mtu always go to the engine (a SYN may start a new
 * connection on the same ports, and ICMP errors are built in one place;
 * a SYN that matches no flow, or a client flow marked closed by both
 * XDPVS_FLOW_F_FIN_* below, may be scheduled by the fast path itself
 * with the engine's picks, <xdpvs/pick.h>);
 * so do SCTP packets whose first chunk is a control chunk, SCTP with
 * XDPVS_FLOW_F_SCTP (its CRC32c would have to be redone whole) and IPv6
 * UDP without a checksum (it needs a whole new one).
 *
 * TCP FIN and RST are forwarded, and told (below).  The engine installs
 * TCP flows in ESTABLISHED and in the closing states FIN_WAIT, TIME_WAIT,
 * CLOSE_WAIT and CLOSE only (and in SYN_RECV, marked): in IPVS's tables,
 * normal and secure_tcp alike, FIN, RST and ACK from either side move a
 * connection in those states to one of them and no further, and ACK
 * alone leaves it where it is.  So the fast path need not know which of
 * them a connection is in: it forwards the FIN or RST and posts an
 * event (XDPVS_FLOW_EV_FIN or _RST, with XDPVS_FLOW_EV_REPLY when the
 * packet is the real server's), and the engine makes the move that packet
 * would have made, state, timeout, active/inactive counts and sync
 * alike.  It also marks the client's flow of the connection, found from
 * the real server's by its key and gen: XDPVS_FLOW_F_FIN_IN for the
 * client's FIN, _FIN_OUT for the real server's, both for a RST (a
 * client reusing its port, pick.h).  Events come in the order the
 * packets came, and xdpvsd reads them before each batch of packets that
 * went up, before each listing and on each tick, so what the engine
 * schedules, lists and expires by is as exact as if it had seen the
 * packets.  When the ring is full the packet goes up instead.
 *
 * But for the handshake of a TCP connection in SYN_RECV, whose flows the
 * engine installs with XDPVS_FLOW_F_SYN_RECV once it scheduled the SYN.
 * In IPVS's table (ip_vs_proto_tcp.c, tcp_states) the real server's
 * SYN+ACK leaves SYN_RECV as it is, and the client's ACK makes it
 * ESTABLISHED.  So on such a flow the fast path forwards a SYN+ACK
 * (without FIN and RST) of the real server's direction (SNAT), and an ACK
 * without SYN, FIN and RST of the client's, which it also tells the
 * engine: it clears the flag in that flow's value (and, for NAT, in the
 * real server's flow, whose answer comes next) and posts a struct
 * xdpvs_flow_event into the ring buffer xdpvs_events (without waking
 * anyone: xdpvsd reads it before each batch of packets, on each tick and
 * before each listing), and the engine moves the connection as that ACK
 * would have, if it is still in SYN_RECV with that gen (CPUs may race to
 * post the same event twice).  When the ring is full the ACK goes up
 * instead.  Everything else of a flow in SYN_RECV goes up, FIN and RST
 * too.
 *
 * The fast path writes last_seen (bpf_ktime_get_coarse_ns(),
 * CLOCK_MONOTONIC_COARSE: the engine's clock as of the last tick, so up
 * to a tick early; xdpvsd adds the tick when it reads it) and adds to
 * per-CPU stats slots svc_idx and dest_idx of xdpvs_svc_st /
 * xdpvs_dest_st (the engine uses dest_idx only: a real server's slot
 * counts for its service too); the engine reads last_seen on timer expiry
 * (re-arming while the flow is alive) and folds the slots into its
 * counters every 2 s, as IPVS's estimator does.  gen is the
 * engine's connection generation, so a stale entry of a reused connection
 * slot can be told apart.
 *
 * Maps are hash maps without preallocation (BPF_F_NO_PREALLOC), sized
 * twice the engine's connection capacity (both NAT directions): the engine
 * owns expiry, so an LRU map, which could evict a live flow behind its
 * back, is not used.  All xdpvsd maps are pinned under bpffs
 * XDPVS_PIN_DIR (e.g. /sys/fs/bpf/xdpvs/v3/xdpvs_flows) so a restarted
 * xdpvsd can find them; the version in the path changes with any layout
 * change here or in dp.h.
 *
 * Shared with bpf/: <linux/types.h> types, explicit padding, sizes
 * asserted.
 */
#ifndef XDPVS_FLOW_H
#define XDPVS_FLOW_H

#include <linux/types.h>

#include <xdpvs/addr.h>

#define XDPVS_PIN_DIR		"xdpvs/v3"	/* under bpffs */
#define XDPVS_FLOW_MAP		"xdpvs_flows"
#define XDPVS_FLOW_EVENTS	"xdpvs_events"
#define XDPVS_FLOW_EVENTS_SIZE	(256 * 1024)	/* bytes: 4681 events of 56 */
#define XDPVS_FLOW_SVC_STATS	"xdpvs_svc_st"
#define XDPVS_FLOW_DEST_STATS	"xdpvs_dest_st"
#define XDPVS_FLOW_MAX_SLOTS	65536	/* stats slots of each kind */
#define XDPVS_FLOW_ENCAP_MAX	64	/* IPv6 40 + UDP 8 + GUE 4 + 8 */

/* A packet as it arrives: <af, proto, saddr, daddr, sport, dport>. */
struct xdpvs_flow_key {
	__u8 af;		/* AF_INET (2) or AF_INET6 (10) */
	__u8 proto;		/* IPPROTO_TCP, _UDP or _SCTP */
	__be16 sport;
	__be16 dport;
	__u16 pad;		/* zero */
	union xdpvs_addr saddr;
	union xdpvs_addr daddr;
};
_Static_assert(sizeof(struct xdpvs_flow_key) == 40, "flow key ABI");

enum xdpvs_flow_action {
	XDPVS_FLOW_DNAT = 1,
	XDPVS_FLOW_SNAT = 2,
	XDPVS_FLOW_DR = 3,
	XDPVS_FLOW_TUN = 4,
};

#define XDPVS_FLOW_F_VLAN	0x01	/* tag with vlan */
#define XDPVS_FLOW_F_UDP_CSUM	0x02	/* GUE: fill the UDP checksum */
#define XDPVS_FLOW_F_GRE_CSUM	0x04	/* GRE: fill its checksum */
#define XDPVS_FLOW_F_SCTP	0x08	/* ports change: redo the CRC32c */
#define XDPVS_FLOW_F_DF		0x10	/* TUN: outer DF from inner IPv4 DF */
#define XDPVS_FLOW_F_SYN_RECV	0x20	/* TCP handshake: see the top */
/* Set by the fast path on a client's flow: it forwarded the client's FIN,
 * the real server's; both: or a RST of either (pick.h, port reuse). */
#define XDPVS_FLOW_F_FIN_IN	0x40
#define XDPVS_FLOW_F_FIN_OUT	0x80

/*
 * The fields every forwarded packet reads come first: with the 40-byte
 * key, the kernel's hash map entry (struct htab_elem, 48 bytes, behind
 * bpf_mem_alloc's 8-byte header in a 256-byte unit) puts the key's end
 * and the value's first 32 bytes on one cache line, which the lookup
 * has just read; up to last_seen, DR needs nothing else.  The rest (NAT
 * addresses and ports, tunnel template) is a line further.
 */
struct xdpvs_flow_value {
	__u8 action;		/* enum xdpvs_flow_action */
	__u8 flags;		/* XDPVS_FLOW_F_* */
	__u8 daf;		/* family after the rewrite (TUN: outer) */
	__u8 encap_len;		/* bytes of encap used (TUN) */
	__u32 ifindex;		/* egress interface */
	__u8 smac[6];		/* our MAC on ifindex */
	__u8 dmac[6];		/* next hop's MAC */
	__u16 mtu;		/* largest IP packet that may go; else slow */
	__u16 dest_idx;		/* stats slot of the real server */
	__u64 last_seen;	/* written by XDP: ns, CLOCK_MONOTONIC_COARSE */
	__be16 new_sport;	/* SNAT */
	__be16 new_dport;	/* DNAT */
	__u16 vlan;		/* VLAN id with XDPVS_FLOW_F_VLAN */
	__u16 pad;		/* zero */
	__u32 svc_idx;		/* stats slot of the service */
	__u32 gen;		/* engine connection generation */
	union xdpvs_addr new_saddr;	/* SNAT: the virtual address */
	union xdpvs_addr new_daddr;	/* DNAT: the real server */
	__u8 encap[XDPVS_FLOW_ENCAP_MAX];	/* TUN: outer headers */
};
_Static_assert(sizeof(struct xdpvs_flow_value) == 144, "flow value ABI");
_Static_assert(__builtin_offsetof(struct xdpvs_flow_value, last_seen) == 24,
	       "the fields every packet reads within the value's first 32 bytes");
_Static_assert(XDPVS_FLOW_MAX_SLOTS <= 65536, "dest_idx is 16 bits");

/* Per-CPU counters of a stats slot, added to by the fast path. */
struct xdpvs_flow_stats {
	__u64 inpkts;		/* client -> real server */
	__u64 outpkts;		/* real server -> client (NAT) */
	__u64 inbytes;
	__u64 outbytes;
};
_Static_assert(sizeof(struct xdpvs_flow_stats) == 32, "flow stats ABI");

enum xdpvs_flow_event_type {
	XDPVS_FLOW_EV_ESTABLISHED = 1,	/* the client's ACK in SYN_RECV */
	XDPVS_FLOW_EV_FIN = 2,		/* a FIN (without SYN, RST) */
	XDPVS_FLOW_EV_RST = 3,		/* a RST (without SYN) */
	XDPVS_FLOW_EV_NEW = 4,		/* a SYN the fast path scheduled
					 * (struct xdpvs_flow_event_new) */
	XDPVS_FLOW_EV_UNUSED = 5,	/* a pick it took and gives back:
					 * its SYN goes up (pick.h; gen and
					 * dest_idx of the layout above) */
};
/* Or'ed into the type: the packet was the real server's (NAT). */
#define XDPVS_FLOW_EV_REPLY	0x100

/* A record of the ring buffer xdpvs_events. */
struct xdpvs_flow_event {
	struct xdpvs_flow_key key;	/* the flow: the packet's key */
	__u32 gen;		/* its value's gen */
	__u32 type;		/* enum xdpvs_flow_event_type [| _REPLY] */
};
_Static_assert(sizeof(struct xdpvs_flow_event) == 48, "flow event ABI");

/*
 * A record of xdpvs_events with type XDPVS_FLOW_EV_NEW: the fast path
 * scheduled the SYN of key with a pick (<xdpvs/pick.h>) and installed its
 * flows; gen is the pick's.  The rest tells the engine what it installed:
 * the template's real server (dest_idx, new_daddr, new_dport) and, for
 * NAT, the way of the real server's flow, the SYN's way in.
 */
struct xdpvs_flow_event_new {
	struct xdpvs_flow_event ev;
	__u32 ifindex;		/* the interface the SYN came in by */
	__u16 mtu;		/* its MTU */
	__u16 dest_idx;		/* the pick's real server */
	__u8 smac[6];		/* the SYN's destination MAC (ours) */
	__u8 dmac[6];		/* its source MAC (the client's next hop) */
	__be16 new_dport;	/* the template's */
	__u16 pad;		/* zero */
	union xdpvs_addr new_daddr;	/* the template's */
};
_Static_assert(sizeof(struct xdpvs_flow_event_new) == 88,
	       "flow new-connection event ABI");

#endif
