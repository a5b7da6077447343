// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tunnelling transmitter, as the kernel's ip_vs_tunnel_xmit() and
 * ip_vs_tunnel_xmit_v6(): the packet, its TTL already decremented, gets an
 * outer IPv4 or IPv6 header chosen by the real server's family (4-in-4,
 * 6-in-6, 4-in-6 and 6-in-4 all work), optionally with UDP + GUE or GRE in
 * between.
 *
 * Outer header, as the kernel writes it: source = our address towards the
 * real server; TTL / hop limit = the inner one; DSCP copied and ECN copied
 * unless it is CE, which becomes ECT(0) (RFC 6040 "normal mode"); DF copied
 * from an inner IPv4 header when pmtu_disc is on, else clear; IP ID 0 when
 * DF is set (the kernel's rule for packets without a socket), else a
 * counter.  The GUE source port is a hash of the inner flow in the local
 * port range, so one flow keeps one port, as udp_flow_src_port() does
 * (with a different hash: the kernel's is seeded at boot).
 */
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <xdpvs/bytes.h>

#include "conn.h"
#include "csum.h"
#include "dest.h"
#include "engine_priv.h"
#include "pkt.h"
#include "xmit.h"

#define GUE_HLEN 4
#define UDP_HLEN 8
#define GRE_F_CSUM 0x8000
#define PORT_RANGE_LO 32768	/* net.ipv4.ip_local_port_range */
#define PORT_RANGE_HI 60999
#define ECN_MASK 3
#define ECN_ECT0 2
#define ECN_CE 3

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

/* The inner packet's DS field (TOS / traffic class). */
static uint8_t tun_inner_ds(const struct xdpvs_pkt *p)
{
	const uint8_t *ip = p->data + p->l3_off;

	if (p->af == AF_INET6)
		return (uint8_t)((ip[0] & 0x0f) << 4 | ip[1] >> 4);
	return ip[1];
}

static uint8_t tun_ecn_encap(uint8_t ds)
{
	uint8_t ecn = ds & ECN_MASK;

	return (uint8_t)((ds & ~ECN_MASK) | (ecn == ECN_CE ? ECN_ECT0 : ecn));
}

/* A hash of the inner flow spread over the local port range. */
static uint16_t tun_gue_sport(const struct xdpvs_engine *e,
			      const struct xdpvs_pkt *p)
{
	uint64_t h = e->conns.seed ^ ((uint64_t)p->sport << 16 | p->dport);
	uint32_t hash;
	int i;

	for (i = 0; i < 4; i++) {
		h ^= (uint64_t)p->saddr.ip6[i] << 32 | p->daddr.ip6[i];
		h *= 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	hash = (uint32_t)(h >> 32);
	hash ^= hash << 16;
	return (uint16_t)((((uint64_t)hash * (PORT_RANGE_HI - PORT_RANGE_LO))
			   >> 32) + PORT_RANGE_LO);
}

static void tun_put_ip4(struct xdpvs_engine *e, uint8_t *o, uint32_t tot,
			uint8_t proto, uint8_t ds, uint8_t ttl, bool df,
			const struct xdpvs_route *rt, const struct xdpvs_dest *d)
{
	uint16_t id = df ? 0 : htons(e->ip_id++);
	uint16_t sum;

	o[0] = 0x45;
	o[1] = ds;
	o[2] = (uint8_t)(tot >> 8);
	o[3] = (uint8_t)tot;
	xdpvs_put16(o + 4, id);
	o[6] = df ? 0x40 : 0;
	o[7] = 0;
	o[8] = ttl;
	o[9] = proto;
	o[10] = o[11] = 0;
	memcpy(o + 12, &rt->saddr.ip, 4);
	memcpy(o + 16, &d->addr.ip, 4);
	sum = xdpvs_csum_finish(xdpvs_csum_partial(o, 20, 0));
	memcpy(o + 10, &sum, 2);
}

static void tun_put_ip6(uint8_t *o, uint32_t plen, uint8_t proto, uint8_t ds,
			uint8_t hlim, const struct xdpvs_route *rt,
			const struct xdpvs_dest *d)
{
	o[0] = (uint8_t)(0x60 | ds >> 4);
	o[1] = (uint8_t)(ds << 4);
	o[2] = o[3] = 0;		/* flow label 0 */
	o[4] = (uint8_t)(plen >> 8);
	o[5] = (uint8_t)plen;
	o[6] = proto;
	o[7] = hlim;
	memcpy(o + 8, &rt->saddr, 16);
	memcpy(o + 24, &d->addr, 16);
}

/* UDP + GUE header at u, for a payload of plen bytes; the checksum when
 * the dest asks for one (remote checksum offload never applies: packets
 * passing through carry complete checksums). */
static void tun_put_gue(struct xdpvs_engine *e, uint8_t *u, uint32_t plen,
			const struct xdpvs_pkt *p, const struct xdpvs_dest *d,
			const struct xdpvs_route *rt)
{
	uint32_t ulen = UDP_HLEN + GUE_HLEN + plen;
	uint8_t inner = p->af == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IPIP;

	xdpvs_put16(u, htons(tun_gue_sport(e, p)));
	xdpvs_put16(u + 2, d->tun_port);
	u[4] = (uint8_t)(ulen >> 8);
	u[5] = (uint8_t)ulen;
	u[6] = u[7] = 0;
	u[8] = 0;		/* version 0, no control, no options */
	u[9] = inner;
	u[10] = u[11] = 0;	/* flags */
	if (d->tun_flags & (XDPVS_TUN_F_CSUM | XDPVS_TUN_F_REMCSUM)) {
		uint32_t s = xdpvs_csum_pseudo(d->af, &rt->saddr, &d->addr,
					       IPPROTO_UDP, ulen);
		uint16_t c = xdpvs_csum_finish(xdpvs_csum_partial(u, ulen, s));

		if (c == 0)
			c = 0xffff;
		memcpy(u + 6, &c, 2);
	}
}

static void tun_put_gre(uint8_t *g, uint32_t plen, const struct xdpvs_pkt *p,
			const struct xdpvs_dest *d)
{
	bool csum = d->tun_flags & XDPVS_TUN_F_CSUM;
	uint16_t type = p->af == AF_INET6 ? 0x86DD : 0x0800;

	g[0] = csum ? GRE_F_CSUM >> 8 : 0;
	g[1] = 0;
	g[2] = (uint8_t)(type >> 8);
	g[3] = (uint8_t)type;
	if (csum) {
		uint16_t c;

		memset(g + 4, 0, 4);
		c = xdpvs_csum_finish(xdpvs_csum_partial(g, 8 + plen, 0));
		memcpy(g + 4, &c, 2);
	}
}

enum xdpvs_verdict xdpvs_xmit_tunnel(struct xdpvs_engine *e,
				     struct xdpvs_conn *cp, struct xdpvs_pkt *p,
				     struct xdpvs_frame *f, bool icmp)
{
	struct xdpvs_dest *d = cp->dest;
	const struct xdpvs_route *rt;
	uint32_t iplen = d->af == AF_INET6 ? 40 : 20;
	uint32_t enc = tun_encap_len(d);
	uint32_t plen = xdpvs_pkt_l3_len(p), head = iplen + enc;
	uint8_t ds = tun_ecn_encap(tun_inner_ds(p)), *o, proto;
	enum xdpvs_verdict v;
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
	proto = p->af == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IPIP;
	if (d->tun_type == XDPVS_TUN_GUE) {
		tun_put_gue(e, o + iplen, plen, p, d, rt);
		proto = IPPROTO_UDP;
	} else if (d->tun_type == XDPVS_TUN_GRE) {
		tun_put_gre(o + iplen, plen, p, d);
		proto = IPPROTO_GRE;
	}
	df = p->af == AF_INET && e->sysctl.pmtu_disc &&
	     (p->data[p->l3_off + 6] & 0x40);
	if (d->af == AF_INET6)
		tun_put_ip6(o, enc + plen, proto, ds, p->ttl, rt, d);
	else
		tun_put_ip4(e, o, head + plen, proto, ds, p->ttl, df, rt, d);
	return xdpvs_xmit_l2(e, f, o, head + plen, rt, d->af);
}
