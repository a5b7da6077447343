/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ICMP and ICMPv6: the errors the balancer sends (port unreachable when no
 * real server is available, time exceeded, fragmentation needed / packet
 * too big, host unreachable), built as the kernel's icmp_send() and
 * icmpv6_send() build them, and the relaying of errors that belong to a
 * connection (the kernel's ip_vs_in_icmp / ip_vs_out_icmp).
 */
#ifndef XDPVS_CORE_ICMP_H
#define XDPVS_CORE_ICMP_H

#include <stdbool.h>
#include <stdint.h>
#include <xdpvs/engine.h>

struct xdpvs_conn;
struct xdpvs_engine;
struct xdpvs_pkt;

enum xdpvs_icmp_err {
	XDPVS_ICMP_PORT_UNREACH,	/* 3/3, ICMPv6 1/4 */
	XDPVS_ICMP_HOST_UNREACH,	/* 3/1, ICMPv6 1/3 (address) */
	XDPVS_ICMP_TIME_EXCEEDED,	/* 11/0, ICMPv6 3/0 */
	XDPVS_ICMP_FRAG_NEEDED,		/* 3/4 + MTU, ICMPv6 2/0 + MTU */
};

/*
 * Answer p (as received, in f) with an ICMP error, in place of it, sent
 * back to p's source.  local: p was addressed to us (a virtual address), so
 * the error comes from that address; otherwise from our address on the way
 * back.  Returns XDPVS_TX, or XDPVS_DROP when no error may be sent (p is
 * itself an ICMP error, a later fragment, rate limited, no route); drop
 * is counted as the reason the caller gives.
 */
enum xdpvs_verdict xdpvs_icmp_send(struct xdpvs_engine *e, struct xdpvs_pkt *p,
				   struct xdpvs_frame *f,
				   enum xdpvs_icmp_err err, uint32_t mtu,
				   bool local, enum xdpvs_drop drop);

/* An ICMP error from a client about a packet of a connection: relay it to
 * the real server.  XDPVS_PASS when it is not ours. */
enum xdpvs_verdict xdpvs_icmp_in(struct xdpvs_engine *e, struct xdpvs_pkt *p,
				 struct xdpvs_frame *f);
/* An ICMP error from a real server about a NAT reply: relay it to the
 * client, translated.  XDPVS_PASS when it is not ours. */
enum xdpvs_verdict xdpvs_icmp_out(struct xdpvs_engine *e, struct xdpvs_pkt *p,
				  struct xdpvs_frame *f);

/* Translate a relayed error for NAT: out (to the client) or in (to the
 * real server); q is its parsed quote. */
void xdpvs_icmp_nat(struct xdpvs_pkt *p, struct xdpvs_pkt *q,
		    const struct xdpvs_conn *cp, bool out);

/* Is this ICMP (af) type an error message (not an echo or the like)? */
bool xdpvs_icmp_is_error(int af, uint8_t type);

#endif
