// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tunnelling transmitter, as the kernel's ip_vs_tunnel_xmit() and
 * ip_vs_tunnel_xmit_v6(): the packet, its TTL already decremented, gets an
 * outer IPv4 or IPv6 header chosen by the real server's family (4-in-4,
 * 6-in-6, 4-in-6 and 6-in-4 all work), optionally with UDP + GUE or GRE in
 * between.
 *
 * The outer headers are made as a template per connection (the fast path
 * keeps the same template in its flow entry) and completed per packet by
 * xdpvs_encap_fill() of <xdpvs/encap.h>, shared with the XDP program, so
 * both paths write the same bytes.  Template: source = our address towards
 * the real server, destination = the server, GUE to the tunnel port from a
 * source port that hashes the inner flow into the local port range (as
 * udp_flow_src_port() does, with a different hash: the kernel's is seeded
 * at boot), GUE version 0 without options, GRE version 0 with only the
 * checksum flag.  The IPv6 flow label is 0, as the kernel leaves it.
 */
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <xdpvs/bytes.h>
#include <xdpvs/encap.h>

#include "conn.h"
#include "csum.h"
#include "dest.h"
#include "engine_priv.h"
#include "pkt.h"
#include "xmit.h"

#define GUE_HLEN 4
#define UDP_HLEN 8
#define GRE_F_CSUM 0x80		/* first byte of the GRE flags */
#define PORT_RANGE_LO 32768	/* net.ipv4.ip_local_port_range */
#define PORT_RANGE_HI 60999

/* Bytes the encapsulation adds between the outer IP header and the
 * packet. */
static uint32_t tun_encap_len(const struct xdpvs_dest *d)
{
	if (d->tun_type == XDPVS_TUN_GUE)
		return UDP_HLEN + GUE_HLEN;
	if (d->tun_type == XDPVS_TUN_GRE)
		return d->tun_flags & XDPVS_TUN_F_CSUM ? 8 : 4;
	return 0;
}

/* A hash of the inner flow (client and virtual side) spread over the
 * local port range. */
static uint16_t tun_gue_sport(const struct xdpvs_engine *e,
			      const struct xdpvs_conn *cp)
{
	uint64_t h = e->conns.seed ^ ((uint64_t)cp->cport << 16 | cp->vport);
	uint32_t hash;
	int i;

	for (i = 0; i < 4; i++) {
		h ^= (uint64_t)cp->caddr.ip6[i] << 32 | cp->vaddr.ip6[i];
		h *= 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	hash = (uint32_t)(h >> 32);
	hash ^= hash << 16;
	return (uint16_t)((((uint64_t)hash * (PORT_RANGE_HI - PORT_RANGE_LO))
			   >> 32) + PORT_RANGE_LO);
}

/* The template at o; returns its length (outer IP + encapsulation). */
static uint32_t tun_template(struct xdpvs_engine *e,
			     const struct xdpvs_conn *cp,
			     const struct xdpvs_route *rt, uint8_t *o)
{
	const struct xdpvs_dest *d = cp->dest;
	uint32_t iphl = d->af == AF_INET6 ? 40 : 20, len;
	uint8_t inner = cp->af == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IPIP;
	uint8_t proto = inner, *x = o + iphl;

	len = iphl + tun_encap_len(d);
	memset(o, 0, len);
	if (d->tun_type == XDPVS_TUN_GUE) {
		proto = IPPROTO_UDP;
		xdpvs_put16(x, htons(tun_gue_sport(e, cp)));
		xdpvs_put16(x + 2, d->tun_port);
		x[9] = inner;		/* GUE proto_ctype */
	} else if (d->tun_type == XDPVS_TUN_GRE) {
		proto = IPPROTO_GRE;
		if (d->tun_flags & XDPVS_TUN_F_CSUM)
			x[0] = GRE_F_CSUM;
		xdpvs_put16(x + 2, htons(cp->af == AF_INET6 ? 0x86DD : 0x0800));
	}
	if (d->af == AF_INET6) {
		o[0] = 0x60;
		o[6] = proto;
		memcpy(o + 8, &rt->saddr, 16);
		memcpy(o + 24, &d->addr, 16);
	} else {
		o[0] = 0x45;
		o[9] = proto;
		memcpy(o + 12, &rt->saddr.ip, 4);
		memcpy(o + 16, &d->addr.ip, 4);
	}
	return len;
}

uint32_t xdpvs_xmit_tun_template(struct xdpvs_engine *e,
				 const struct xdpvs_conn *cp,
				 const struct xdpvs_route *rt,
				 struct xdpvs_flow_value *v)
{
	const struct xdpvs_dest *d = cp->dest;

	v->encap_len = (uint8_t)tun_template(e, cp, rt, v->encap);
	if (d->tun_type == XDPVS_TUN_GUE &&
	    (d->tun_flags & (XDPVS_TUN_F_CSUM | XDPVS_TUN_F_REMCSUM)))
		v->flags |= XDPVS_FLOW_F_UDP_CSUM;
	if (d->tun_type == XDPVS_TUN_GRE && (d->tun_flags & XDPVS_TUN_F_CSUM))
		v->flags |= XDPVS_FLOW_F_GRE_CSUM;
	if (e->sysctl.pmtu_disc)
		v->flags |= XDPVS_FLOW_F_DF;
	return v->encap_len;
}

/* The checksums over the payload: GUE's UDP checksum when asked for
 * (remote checksum offload never applies: packets passing through carry
 * complete checksums), GRE's when its flag is set. */
static void tun_payload_csum(const struct xdpvs_dest *d,
			     const struct xdpvs_route *rt, uint8_t *o,
			     uint32_t iphl, uint32_t len)
{
	uint8_t *x = o + iphl;
	uint32_t plen = len - iphl, s;
	uint16_t c;

	if (d->tun_type == XDPVS_TUN_GUE &&
	    (d->tun_flags & (XDPVS_TUN_F_CSUM | XDPVS_TUN_F_REMCSUM))) {
		s = xdpvs_csum_pseudo(d->af, &rt->saddr, &d->addr, IPPROTO_UDP,
				      plen);
		c = xdpvs_csum_finish(xdpvs_csum_partial(x, plen, s));
		if (c == 0)
			c = 0xffff;
		memcpy(x + 6, &c, 2);
	} else if (d->tun_type == XDPVS_TUN_GRE &&
		   (d->tun_flags & XDPVS_TUN_F_CSUM)) {
		c = xdpvs_csum_finish(xdpvs_csum_partial(x, plen, 0));
		memcpy(x + 4, &c, 2);
	}
}

/* The inner packet's DS field (TOS / traffic class). */
static uint8_t tun_inner_ds(const struct xdpvs_pkt *p)
{
	const uint8_t *ip = p->data + p->l3_off;

	if (p->af == AF_INET6)
		return (uint8_t)((ip[0] & 0x0f) << 4 | ip[1] >> 4);
	return ip[1];
}

enum xdpvs_verdict xdpvs_xmit_tunnel(struct xdpvs_engine *e,
				     struct xdpvs_conn *cp, struct xdpvs_pkt *p,
				     struct xdpvs_frame *f, bool icmp)
{
	struct xdpvs_dest *d = cp->dest;
	const struct xdpvs_route *rt;
	uint32_t iphl = d->af == AF_INET6 ? 40 : 20;
	uint32_t head = iphl + tun_encap_len(d);
	uint32_t plen = xdpvs_pkt_l3_len(p);
	enum xdpvs_verdict v;
	uint8_t *o;
	bool df;
	int err = xdpvs_xmit_route_dest(e, d, &rt);

	switch (xdpvs_xmit_check(e, p, f, rt, err, head, true, icmp, &v)) {
	case XDPVS_XMIT_DONE:
		return v;
	case XDPVS_XMIT_LOCAL:
		return XDPVS_PASS;
	case XDPVS_XMIT_GO:
		break;
	}
	if (p->l3_off + f->headroom < head) {
		xdpvs_count_drop(e, XDPVS_DROP_NO_ROOM);
		return XDPVS_DROP;
	}
	/* Outer headers go just before the packet, in the same buffer. */
	o = p->data + p->l3_off - head;
	tun_template(e, cp, rt, o);
	df = p->af == AF_INET && e->sysctl.pmtu_disc &&
	     (p->data[p->l3_off + 6] & 0x40);
	/* The ID rule shared with the fast path (no counter to share). */
	xdpvs_encap_fill(o, d->af == AF_INET6, head, plen, tun_inner_ds(p),
			 p->ttl, df,
			 df ? 0 : xdpvs_encap_id(p->data + p->l3_off,
						 p->af == AF_INET6,
						 p->len >= p->l4_off + 8u ?
						 p->data + p->l4_off : NULL));
	tun_payload_csum(d, rt, o, iphl, head + plen);
	return xdpvs_xmit_l2(e, f, o, head + plen, rt, d->af);
}
