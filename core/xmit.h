/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Transmitting, as the kernel's ip_vs_xmit.c: the way to the real server
 * (or back to the client), the TTL and MTU rules with the ICMP errors they
 * call for, the rewrite of each forwarding method and the new Ethernet
 * header.  Everything is done in the frame's own buffer.
 */
#ifndef XDPVS_CORE_XMIT_H
#define XDPVS_CORE_XMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <xdpvs/engine.h>

struct xdpvs_conn;
struct xdpvs_dest;
struct xdpvs_engine;
struct xdpvs_pkt;

/* What the checks before a transmit decided. */
enum xdpvs_xmit_step {
	XDPVS_XMIT_GO,		/* rewrite and send */
	XDPVS_XMIT_LOCAL,	/* the target is local: to the kernel */
	XDPVS_XMIT_DONE,	/* *verdict says what happened */
};

/* A packet from the client, for cp's real server, by cp's method.  q:
 * p is an ICMP error being relayed and q its quote (translated instead of
 * p's ports for NAT; never answered with "fragmentation needed"). */
enum xdpvs_verdict xdpvs_xmit_in(struct xdpvs_engine *e, struct xdpvs_conn *cp,
				 struct xdpvs_pkt *p, struct xdpvs_frame *f,
				 struct xdpvs_pkt *q);

/*
 * A NAT reply from cp's real server (or an ICMP error about one): first
 * the forwarding checks (the way back to the client, TTL, MTU), then the
 * translation of the source to the virtual address (q: the quote of a
 * relayed error) and the new Ethernet header.
 */
enum xdpvs_xmit_step xdpvs_xmit_out_check(struct xdpvs_engine *e,
					  struct xdpvs_conn *cp,
					  struct xdpvs_pkt *p,
					  struct xdpvs_frame *f,
					  const struct xdpvs_route **rt,
					  enum xdpvs_verdict *v);
enum xdpvs_verdict xdpvs_xmit_out_finish(struct xdpvs_engine *e,
					 struct xdpvs_conn *cp,
					 struct xdpvs_pkt *p,
					 struct xdpvs_frame *f,
					 struct xdpvs_pkt *q,
					 const struct xdpvs_route *rt);

/* The way to dest (cached until routes change); 0 or -errno. */
int xdpvs_xmit_route_dest(struct xdpvs_engine *e, struct xdpvs_dest *dest,
			  const struct xdpvs_route **rt);
/* The way back to cp's client (cached in cp); 0 or -errno. */
int xdpvs_xmit_route_client(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			    const struct xdpvs_route **rt);
/*
 * The outer headers of cp's tunnel, for the fast path: written into
 * v->encap (encap_len, XDPVS_FLOW_F_*_CSUM set) with the per-packet
 * fields (lengths, TOS, TTL, DF, ID, checksums) zero.  Returns the bytes
 * they add to a packet (the MTU overhead).
 */
uint32_t xdpvs_xmit_tun_template(struct xdpvs_engine *e,
				 const struct xdpvs_conn *cp,
				 const struct xdpvs_route *rt,
				 struct xdpvs_flow_value *v);
/* The way to any address (not cached). */
int xdpvs_xmit_route(struct xdpvs_engine *e, int af,
		     const union xdpvs_addr *daddr, struct xdpvs_route *rt);

/*
 * The checks of __ip_vs_get_out_rt for a packet about to leave towards
 * rt (rt_err from the lookup): no route answers "host unreachable", a
 * local target stops here, then TTL (decremented, or "time exceeded") and
 * MTU (overhead: encapsulation bytes; "fragmentation needed" / "packet
 * too big").  tunnel: pmtu_disc=0 lets an IPv4 packet through whatever
 * its size.
 */
enum xdpvs_xmit_step xdpvs_xmit_check(struct xdpvs_engine *e,
				      struct xdpvs_pkt *p,
				      struct xdpvs_frame *f,
				      const struct xdpvs_route *rt, int rt_err,
				      uint32_t overhead, bool tunnel,
				      bool icmp, enum xdpvs_verdict *verdict);

/*
 * Put an Ethernet header for rt (VLAN tagged if it says so) right before
 * the l3_len-byte IP packet at l3 (inside f's buffer), family af; f spans
 * exactly the new frame.  XDPVS_TX, or XDPVS_DROP (no room; counted).
 */
enum xdpvs_verdict xdpvs_xmit_l2(struct xdpvs_engine *e, struct xdpvs_frame *f,
				 uint8_t *l3, uint32_t l3_len,
				 const struct xdpvs_route *rt, int af);

/* Tunnel a packet (xmit_tun.c). */
enum xdpvs_verdict xdpvs_xmit_tunnel(struct xdpvs_engine *e,
				     struct xdpvs_conn *cp, struct xdpvs_pkt *p,
				     struct xdpvs_frame *f, bool icmp);
/* The Ethernet header for p's IP packet as it now stands. */
enum xdpvs_verdict xdpvs_xmit_l2_pkt(struct xdpvs_engine *e,
				     struct xdpvs_frame *f,
				     const struct xdpvs_pkt *p,
				     const struct xdpvs_route *rt);

/* Recompute an SCTP packet's CRC32c after its ports changed. */
void xdpvs_xmit_sctp_csum(struct xdpvs_pkt *p);

#endif
