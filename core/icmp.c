// SPDX-License-Identifier: GPL-2.0-only
/*
 * ICMP errors, sent and relayed.
 *
 * Sent (icmp.h, xdpvs_icmp_send): built as the kernel's icmp_send() /
 * icmpv6_send() build them.  Never in answer to an ICMP error, to a later
 * fragment or to a multicast or unspecified source.  The error quotes the
 * offending IP packet from its IP header, as much as fits in 576 bytes of
 * IPv4 (RFC 1812) or 1280 of IPv6 (RFC 4443).  IPv4: TOS precedence 6
 * (internetwork control) over the original TOS bits, TTL 64, DF clear.
 * IPv6: hop limit 64, traffic class 0.  Its source is the address the
 * offending packet was sent to when that is ours (the virtual address),
 * else our address on the way back.  Rate limited as the kernel limits
 * them: per peer a burst of 6 then one per second (not for "fragmentation
 * needed" / "packet too big"), and 1000 per second with bursts of 50 in
 * all.
 *
 * Relayed (xdpvs_icmp_in / _out, as ip_vs_in_icmp / ip_vs_out_icmp): an
 * error whose quoted packet belongs to a connection follows the connection:
 * for NAT the outer address, the quoted address and port are translated
 * and the checksums recomputed; for other methods it is forwarded as is.
 */
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <xdpvs/bytes.h>
#include <xdpvs/nat.h>

#include "conn.h"
#include "core.h"
#include "csum.h"
#include "dest.h"
#include "engine_priv.h"
#include "frag.h"
#include "icmp.h"
#include "pkt.h"
#include "proto.h"
#include "xmit.h"

#define ICMP_HLEN 8
#define ICMP4_ROOM 576			/* RFC 1812 4.3.2.3 */
#define ICMP6_ROOM 1280			/* IPV6_MIN_MTU */
#define ICMP_TTL 64
#define ICMP_PEER_BURST 6		/* XRLIM_BURST_FACTOR */
#define ICMP_PEER_GAP_NS XDPVS_NSEC_PER_SEC	/* icmp_ratelimit 1000 ms */
#define ICMP_GLOBAL_PER_SEC 1000	/* icmp_msgs_per_sec */
#define ICMP_GLOBAL_BURST 50		/* icmp_msgs_burst */

bool xdpvs_icmp_is_error(int af, uint8_t type)
{
	if (af == AF_INET6)
		return type < 128;
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

static bool icmp_addr_is_multicast(int af, const union xdpvs_addr *a)
{
	if (af == AF_INET6)
		return a->b[0] == 0xff;
	return (a->b[0] & 0xf0) == 0xe0 || a->ip == 0xffffffff;
}

static bool icmp_addr_is_any(int af, const union xdpvs_addr *a)
{
	if (af == AF_INET6)
		return !(a->ip6[0] | a->ip6[1] | a->ip6[2] | a->ip6[3]);
	return a->ip == 0;
}

/* May p be answered with an ICMP error at all? */
static bool icmp_may_answer(const struct xdpvs_pkt *p)
{
	if (p->fragoffs)
		return false;
	if (icmp_addr_is_multicast(p->af, &p->saddr) ||
	    icmp_addr_is_any(p->af, &p->saddr) ||
	    icmp_addr_is_multicast(p->af, &p->daddr))
		return false;
	/* Never an error about an error; IPv4 also not about an unknown
	 * ICMP type. */
	if (p->protocol == IPPROTO_ICMP && p->af == AF_INET)
		return p->icmp_type <= 18 &&
		       !xdpvs_icmp_is_error(AF_INET, p->icmp_type);
	if (p->protocol == IPPROTO_ICMPV6 && p->af == AF_INET6)
		return !xdpvs_icmp_is_error(AF_INET6, p->icmp_type);
	return true;
}

/* Token buckets, as inet_peer_xrlim_allow() per destination and
 * icmp_global_allow() for all. */
static bool icmp_rate_allow(struct xdpvs_engine *e,
			    const union xdpvs_addr *dst, bool exempt)
{
	struct xdpvs_icmp_peer *peer;
	uint64_t tok, cap = ICMP_GLOBAL_BURST * XDPVS_NSEC_PER_SEC;
	uint32_t h = (dst->ip6[0] ^ dst->ip6[1] ^ dst->ip6[2] ^ dst->ip6[3]);

	if (exempt)
		return true;
	/* global: credit in ns, 1000 messages a second */
	tok = e->icmp_tokens + (e->now - e->icmp_last) * ICMP_GLOBAL_PER_SEC;
	e->icmp_last = e->now;
	e->icmp_tokens = tok > cap ? cap : tok;
	if (e->icmp_tokens < XDPVS_NSEC_PER_SEC)
		return false;
	/* per peer, in a small table where a collision starts afresh */
	h = (h * 0x9e3779b1u) >> (32 - XDPVS_ICMP_PEER_BITS);
	peer = &e->icmp_peers[h];
	if (!peer->used || memcmp(&peer->addr, dst, sizeof(*dst))) {
		peer->used = 1;
		peer->addr = *dst;
		peer->tokens = ICMP_PEER_BURST * ICMP_PEER_GAP_NS;
		peer->last = e->now;
	}
	tok = peer->tokens + (e->now - peer->last);
	peer->last = e->now;
	if (tok > ICMP_PEER_BURST * ICMP_PEER_GAP_NS)
		tok = ICMP_PEER_BURST * ICMP_PEER_GAP_NS;
	if (tok < ICMP_PEER_GAP_NS) {
		peer->tokens = tok;
		return false;
	}
	peer->tokens = tok - ICMP_PEER_GAP_NS;
	e->icmp_tokens -= XDPVS_NSEC_PER_SEC;
	return true;
}

/* Type, code and the 4-byte rest of header for err in family af. */
static void icmp_type_code(int af, enum xdpvs_icmp_err err, uint32_t mtu,
			   uint8_t *hdr)
{
	static const uint8_t v4[][2] = {
		[XDPVS_ICMP_PORT_UNREACH] = { 3, 3 },
		[XDPVS_ICMP_HOST_UNREACH] = { 3, 1 },
		[XDPVS_ICMP_TIME_EXCEEDED] = { 11, 0 },
		[XDPVS_ICMP_FRAG_NEEDED] = { 3, 4 },
	};
	static const uint8_t v6[][2] = {
		[XDPVS_ICMP_PORT_UNREACH] = { 1, 4 },
		[XDPVS_ICMP_HOST_UNREACH] = { 1, 3 },
		[XDPVS_ICMP_TIME_EXCEEDED] = { 3, 0 },
		[XDPVS_ICMP_FRAG_NEEDED] = { 2, 0 },
	};
	const uint8_t *tc = af == AF_INET6 ? v6[err] : v4[err];

	hdr[0] = tc[0];
	hdr[1] = tc[1];
	memset(hdr + 2, 0, 6);
	if (err != XDPVS_ICMP_FRAG_NEEDED)
		return;
	if (af == AF_INET6) {	/* 32-bit MTU */
		hdr[4] = (uint8_t)(mtu >> 24);
		hdr[5] = (uint8_t)(mtu >> 16);
	}
	hdr[6] = (uint8_t)(mtu >> 8);	/* IPv4: 16-bit next-hop MTU */
	hdr[7] = (uint8_t)mtu;
}

/* Write the IPv4 header of an ICMP error of tot bytes at ip. */
static void icmp_put_ip4(struct xdpvs_engine *e, uint8_t *ip, uint32_t tot,
			 uint8_t orig_tos, const union xdpvs_addr *saddr,
			 const union xdpvs_addr *daddr)
{
	uint16_t sum, id = htons(e->ip_id++);

	ip[0] = 0x45;
	ip[1] = (uint8_t)((orig_tos & 0x1e) | 0xc0);
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	xdpvs_put16(ip + 4, id);
	ip[6] = ip[7] = 0;
	ip[8] = ICMP_TTL;
	ip[9] = IPPROTO_ICMP;
	ip[10] = ip[11] = 0;
	memcpy(ip + 12, &saddr->ip, 4);
	memcpy(ip + 16, &daddr->ip, 4);
	sum = xdpvs_csum_finish(xdpvs_csum_partial(ip, 20, 0));
	memcpy(ip + 10, &sum, 2);
}

/* A flow label for our IPv6 errors, a hash of the addresses as the
 * kernel's automatic flow labels are. */
static uint32_t icmp_flowlabel(const struct xdpvs_engine *e,
			       const union xdpvs_addr *s,
			       const union xdpvs_addr *d)
{
	uint64_t h = e->conns.seed;
	int i;

	for (i = 0; i < 4; i++) {
		h ^= (uint64_t)s->ip6[i] << 32 | d->ip6[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 33;
	}
	return (uint32_t)h & 0xfffff;
}

static void icmp_put_ip6(struct xdpvs_engine *e, uint8_t *ip, uint32_t plen,
			 const union xdpvs_addr *saddr,
			 const union xdpvs_addr *daddr)
{
	uint32_t fl = icmp_flowlabel(e, saddr, daddr);

	ip[0] = 0x60;
	ip[1] = (uint8_t)(fl >> 16);
	ip[2] = (uint8_t)(fl >> 8);
	ip[3] = (uint8_t)fl;
	ip[4] = (uint8_t)(plen >> 8);
	ip[5] = (uint8_t)plen;
	ip[6] = IPPROTO_ICMPV6;
	ip[7] = ICMP_TTL;
	memcpy(ip + 8, saddr, 16);
	memcpy(ip + 24, daddr, 16);
}

/* Build the error in the frame: the quote is copied aside first since it
 * overlaps the new headers. */
static enum xdpvs_verdict icmp_build(struct xdpvs_engine *e,
				     struct xdpvs_pkt *p, struct xdpvs_frame *f,
				     enum xdpvs_icmp_err err, uint32_t mtu,
				     const union xdpvs_addr *saddr,
				     const struct xdpvs_route *rt)
{
	bool v6 = p->af == AF_INET6;
	uint32_t iphl = v6 ? 40 : 20;
	uint32_t room = (v6 ? ICMP6_ROOM : ICMP4_ROOM) - iphl - ICMP_HLEN;
	uint32_t qlen = xdpvs_pkt_l3_len(p);
	uint8_t *l3 = p->data + p->l3_off, *ic = l3 + iphl, tos = l3[1];
	uint32_t l2len = rt->vlan ? 18 : 14;
	uint32_t sum;
	uint16_t c;

	if (!v6 && rt->mtu && rt->mtu < ICMP4_ROOM)
		room = rt->mtu - iphl - ICMP_HLEN;
	if (qlen > room)
		qlen = room;
	/* No room for the error: p's drop is counted already, as the
	 * caller's reason, so this is not a second one. */
	if (qlen > sizeof(e->scratch) ||
	    (uint32_t)(l3 - (f->data - f->headroom)) < l2len ||
	    l3 + iphl + ICMP_HLEN + qlen > f->data + f->len + f->tailroom)
		return XDPVS_DROP;
	memcpy(e->scratch, l3, qlen);
	memcpy(ic + ICMP_HLEN, e->scratch, qlen);
	icmp_type_code(p->af, err, mtu, ic);
	if (v6) {
		icmp_put_ip6(e, l3, ICMP_HLEN + qlen, saddr, &p->saddr);
		sum = xdpvs_csum_pseudo(AF_INET6, saddr, &p->saddr,
					IPPROTO_ICMPV6, ICMP_HLEN + qlen);
	} else {
		icmp_put_ip4(e, l3, iphl + ICMP_HLEN + qlen, tos, saddr,
			     &p->saddr);
		sum = 0;
	}
	c = xdpvs_csum_finish(xdpvs_csum_partial(ic, ICMP_HLEN + qlen, sum));
	memcpy(ic + 2, &c, 2);
	return xdpvs_xmit_l2(e, f, l3, iphl + ICMP_HLEN + qlen, rt, p->af);
}

enum xdpvs_verdict xdpvs_icmp_send(struct xdpvs_engine *e, struct xdpvs_pkt *p,
				   struct xdpvs_frame *f,
				   enum xdpvs_icmp_err err, uint32_t mtu,
				   bool local, enum xdpvs_drop drop)
{
	struct xdpvs_route rt;
	union xdpvs_addr saddr;

	xdpvs_count_drop(e, drop);
	if (!icmp_may_answer(p))
		return XDPVS_DROP;
	if (xdpvs_xmit_route(e, p->af, &p->saddr, &rt) || rt.local)
		return XDPVS_DROP;
	if (!icmp_rate_allow(e, &p->saddr, err == XDPVS_ICMP_FRAG_NEEDED))
		return XDPVS_DROP;
	saddr = local ? p->daddr : rt.saddr;
	xdpvs_frag_cancel(&e->frag_out);	/* an error leaves whole */
	return icmp_build(e, p, f, err, mtu, &saddr, &rt);
}

/* The quoted packet of an ICMP error p, parsed into q.  Returns 0, or -1
 * when it is not an error we look into or the quote looks wrong. */
static int icmp_quote(const struct xdpvs_pkt *p, struct xdpvs_pkt *q)
{
	if (p->af == AF_INET6) {
		/* An error is never fragmented (RFC 4443 2.4). */
		if (!xdpvs_icmp_is_error(AF_INET6, p->icmp_type) || p->frag)
			return -1;
	} else if (p->icmp_type != 3 && p->icmp_type != 4 &&
		   p->icmp_type != 11) {
		return -1;	/* dest unreachable, source quench, time exceeded */
	}
	if (p->fragoffs)
		return -1;
	if (xdpvs_pkt_parse_inner(q, p->data, p->l4_off + ICMP_HLEN, p->len,
				  p->af))
		return -1;
	/* The quoted transport header must be there. */
	if (!xdpvs_proto_get(q->protocol) || q->fragoffs || !q->has_ports)
		return -1;
	return 0;
}

/* Is the ICMP checksum of p right? */
static bool icmp_csum_ok(const struct xdpvs_pkt *p)
{
	uint32_t len = p->len - p->l4_off, sum = 0;

	if (p->af == AF_INET6)
		sum = xdpvs_csum_pseudo(AF_INET6, &p->saddr, &p->daddr,
					IPPROTO_ICMPV6, len);
	return xdpvs_csum_finish(xdpvs_csum_partial(p->data + p->l4_off, len,
						    sum)) == 0;
}

/*
 * Translate an error for NAT (ip_vs_nat_icmp): out (towards the client):
 * outer source and quoted destination become the virtual address and
 * port; in (towards the real server): outer destination and quoted source
 * become the real server's.  Header checksums are redone; the quoted
 * transport checksum is left as it was, as the kernel leaves it.
 */
void xdpvs_icmp_nat(struct xdpvs_pkt *p, struct xdpvs_pkt *q,
		    const struct xdpvs_conn *cp, bool out)
{
	uint8_t *ip = p->data + p->l3_off, *qip = q->data + q->l3_off;
	const union xdpvs_addr *a = out ? &cp->vaddr : &cp->daddr;
	uint8_t *ic = p->data + p->l4_off, *qports = q->data + q->l4_off;
	uint32_t len = p->len - p->l4_off, sum = 0;
	uint16_t c;

	if (p->af == AF_INET6) {
		memcpy(ip + (out ? XDPVS_IP6_SADDR : XDPVS_IP6_DADDR), a, 16);
		memcpy(qip + (out ? XDPVS_IP6_DADDR : XDPVS_IP6_SADDR), a, 16);
	} else {
		memcpy(ip + (out ? XDPVS_IP4_SADDR : XDPVS_IP4_DADDR), &a->ip, 4);
		memcpy(qip + (out ? XDPVS_IP4_DADDR : XDPVS_IP4_SADDR), &a->ip,
		       4);
		memset(ip + XDPVS_IP4_CSUM, 0, 2);
		c = xdpvs_csum_finish(xdpvs_csum_partial(ip, p->l4_off -
							 p->l3_off, 0));
		memcpy(ip + XDPVS_IP4_CSUM, &c, 2);
		memset(qip + XDPVS_IP4_CSUM, 0, 2);
		c = xdpvs_csum_finish(xdpvs_csum_partial(qip, q->l4_off -
							 q->l3_off, 0));
		memcpy(qip + XDPVS_IP4_CSUM, &c, 2);
	}
	xdpvs_put16(qports + (out ? 2 : 0), out ? cp->vport : cp->dport);
	memset(ic + 2, 0, 2);
	if (p->af == AF_INET6) {
		memcpy(&p->saddr, ip + XDPVS_IP6_SADDR, 16);
		memcpy(&p->daddr, ip + XDPVS_IP6_DADDR, 16);
		sum = xdpvs_csum_pseudo(AF_INET6, &p->saddr, &p->daddr,
					IPPROTO_ICMPV6, len);
	}
	c = xdpvs_csum_finish(xdpvs_csum_partial(ic, len, sum));
	memcpy(ic + 2, &c, 2);
}

/* The connection the quote q of an inbound error belongs to: the quote is
 * a packet we sent the client, so its source is the virtual side. */
static struct xdpvs_conn *icmp_in_conn(struct xdpvs_engine *e,
				       const struct xdpvs_pkt *q)
{
	struct xdpvs_conn_param cpp = {
		.af = q->af, .protocol = q->protocol,
		.caddr = &q->daddr, .cport = q->dport,
		.vaddr = &q->saddr, .vport = q->sport,
	};

	return xdpvs_conn_in_get(e, &cpp);
}

enum xdpvs_verdict xdpvs_icmp_in(struct xdpvs_engine *e, struct xdpvs_pkt *p,
				 struct xdpvs_frame *f)
{
	struct xdpvs_pkt q;
	struct xdpvs_conn *cp;
	enum xdpvs_verdict v;
	bool new_cp = false;

	if (icmp_quote(p, &q))
		return XDPVS_PASS;
	cp = icmp_in_conn(e, &q);
	if (!cp) {
		if (!e->sysctl.schedule_icmp)
			return XDPVS_PASS;
		/* Schedule as if the quoted packet came in reversed. */
		if (xdpvs_core_schedule_quote(e, p, &q, f, &cp, &v))
			return v;
		new_cp = true;
	}
	if (xdpvs_conn_fwd(cp) == XDPVS_CONN_F_MASQ && !icmp_csum_ok(p)) {
		xdpvs_count_drop(e, XDPVS_DROP_ICMP);
		v = XDPVS_DROP;
	} else {
		xdpvs_core_in_stats(e, cp, p);
		if (xdpvs_conn_fwd(cp) != XDPVS_CONN_F_MASQ)
			cp->in_pkts++;
		v = xdpvs_xmit_in(e, cp, p, f, &q);
	}
	/* A connection made for the error starts its clock now (3 s) or,
	 * one-packet, goes; an existing one's timer is left alone. */
	if (new_cp)
		xdpvs_conn_put(e, cp);
	return v;
}

enum xdpvs_verdict xdpvs_icmp_out(struct xdpvs_engine *e, struct xdpvs_pkt *p,
				  struct xdpvs_frame *f)
{
	const struct xdpvs_route *rt;
	struct xdpvs_pkt q;
	struct xdpvs_conn *cp;
	struct xdpvs_conn_param cpp;
	enum xdpvs_verdict v;

	if (icmp_quote(p, &q))
		return XDPVS_PASS;
	/* The quote is what the real server got: client to real server. */
	cpp = (struct xdpvs_conn_param){
		.af = q.af, .protocol = q.protocol,
		.caddr = &q.saddr, .cport = q.sport,
		.vaddr = &q.daddr, .vport = q.dport,
	};
	cp = xdpvs_conn_out_get(e, &cpp);
	if (!cp)
		return XDPVS_PASS;
	if (xdpvs_conn_fwd(cp) == XDPVS_CONN_F_MASQ) {
		if (!icmp_csum_ok(p)) {
			xdpvs_count_drop(e, XDPVS_DROP_ICMP);
			return XDPVS_DROP;
		}
	}
	switch (xdpvs_xmit_out_check(e, cp, p, f, &rt, &v)) {
	case XDPVS_XMIT_DONE:
		return v;
	case XDPVS_XMIT_LOCAL:
	case XDPVS_XMIT_GO:
		break;
	}
	xdpvs_core_out_stats(e, cp, p);
	return xdpvs_xmit_out_finish(e, cp, p, f, &q, rt);
}

