// SPDX-License-Identifier: GPL-2.0-only
/*
 * Transmitters for NAT and direct routing, and what every method shares,
 * following the kernel's ip_vs_xmit.c.
 *
 * Order matters and is the kernel's: route lookup (no route: ICMP host
 * unreachable), a local target goes to the local stack, then the TTL is
 * checked and decremented (so an ICMP "fragmentation needed" quotes the
 * packet with its TTL already lowered), then the MTU, then the rewrite.
 * Direct routing leaves the IP packet as it is but for the TTL; only the
 * Ethernet header changes.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <xdpvs/bytes.h>
#include <xdpvs/hdr.h>
#include <xdpvs/nat.h>

#include "conn.h"
#include "csum.h"
#include "dest.h"
#include "engine_priv.h"
#include "frag.h"
#include "icmp.h"
#include "pkt.h"
#include "xmit.h"

#define ETH_ALEN_ 6
#define IP4_DF 0x40		/* in the first byte of frag_off */

int xdpvs_xmit_route(struct xdpvs_engine *e, int af,
		     const union xdpvs_addr *daddr, struct xdpvs_route *rt)
{
	if (!e->env.route)
		return -ENETUNREACH;
	memset(rt, 0, sizeof(*rt));
	return e->env.route(e->env.ctx, af, daddr, rt);
}

int xdpvs_xmit_route_dest(struct xdpvs_engine *e, struct xdpvs_dest *dest,
			  const struct xdpvs_route **rt)
{
	if (dest->rt_gen != e->route_gen) {
		dest->rt_err = xdpvs_xmit_route(e, dest->af, &dest->addr,
						&dest->rt);
		/* A neighbour being resolved is worth asking again. */
		dest->rt_gen = dest->rt_err == -EAGAIN ? 0 : e->route_gen;
	}
	*rt = &dest->rt;
	return dest->rt_err;
}

int xdpvs_xmit_route_client(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			    const struct xdpvs_route **rt)
{
	if (cp->crt_gen != e->route_gen) {
		cp->crt_err = xdpvs_xmit_route(e, cp->af, &cp->caddr, &cp->crt);
		cp->crt_gen = cp->crt_err == -EAGAIN ? 0 : e->route_gen;
	}
	*rt = &cp->crt;
	return cp->crt_err;
}

/* Decrement the TTL, or answer "time exceeded": 0, or -1 when done. */
static int xmit_ttl(struct xdpvs_engine *e, struct xdpvs_pkt *p,
		    struct xdpvs_frame *f, bool local,
		    enum xdpvs_verdict *verdict)
{
	uint8_t *ip = p->data + p->l3_off;

	if (p->ttl <= 1) {
		*verdict = xdpvs_icmp_send(e, p, f, XDPVS_ICMP_TIME_EXCEEDED,
					   0, local, XDPVS_DROP_TTL);
		return -1;
	}
	if (p->af == AF_INET6)
		xdpvs_hlim_dec6(ip);
	else
		xdpvs_ttl_dec4(ip);
	p->ttl--;
	return 0;
}

/*
 * Is p too big for mtu (ensure_mtu_is_adequate)?  0: it fits; 1: it goes
 * out in fragments; -1: answered (frag-needed / packet too big) or
 * dropped.  A reassembled IPv6 datagram is judged by its largest fragment.
 */
static int xmit_mtu(struct xdpvs_engine *e, struct xdpvs_pkt *p,
		    struct xdpvs_frame *f, uint32_t mtu, bool tunnel,
		    bool icmp, bool local, enum xdpvs_verdict *verdict)
{
	uint32_t len = xdpvs_pkt_l3_len(p);

	if (p->af == AF_INET6 && xdpvs_frag_max_size(e))
		len = xdpvs_frag_max_size(e);
	if (len <= mtu)
		return 0;
	if (p->af == AF_INET6) {
		/* Only the first fragment is answered. */
		if (!p->fragoffs && !icmp) {
			*verdict = xdpvs_icmp_send(e, p, f,
						   XDPVS_ICMP_FRAG_NEEDED, mtu,
						   local, XDPVS_DROP_MTU);
		} else {
			xdpvs_count_drop(e, XDPVS_DROP_MTU);
			*verdict = XDPVS_DROP;
		}
		return -1;
	}
	if (tunnel && !e->sysctl.pmtu_disc)
		goto fragment;
	if ((p->data[p->l3_off + 6] & IP4_DF) && !icmp) {
		*verdict = xdpvs_icmp_send(e, p, f, XDPVS_ICMP_FRAG_NEEDED, mtu,
					   local, XDPVS_DROP_MTU);
		return -1;
	}
fragment:
	/* ip_fragment() with ignore_df, on the way out (frag_out.c) */
	e->frag_out.split = true;
	return 1;
}

enum xdpvs_xmit_step xdpvs_xmit_check(struct xdpvs_engine *e,
				      struct xdpvs_pkt *p,
				      struct xdpvs_frame *f,
				      const struct xdpvs_route *rt, int rt_err,
				      uint32_t overhead, bool tunnel,
				      bool icmp, enum xdpvs_verdict *verdict)
{
	/* The packets transmitted here were all addressed to a virtual
	 * address, i.e. to us, as the kernel's LOCAL_IN sees them. */
	const bool local = true;
	uint32_t mtu;

	if (rt_err == -EAGAIN) {
		xdpvs_count_drop(e, XDPVS_DROP_NEIGH);
		*verdict = XDPVS_DROP;
		return XDPVS_XMIT_DONE;
	}
	if (rt_err) {
		*verdict = xdpvs_icmp_send(e, p, f, XDPVS_ICMP_HOST_UNREACH, 0,
					   local, XDPVS_DROP_NO_ROUTE);
		return XDPVS_XMIT_DONE;
	}
	if (rt->local)
		return XDPVS_XMIT_LOCAL;
	if (xmit_ttl(e, p, f, local, verdict))
		return XDPVS_XMIT_DONE;
	mtu = rt->mtu > overhead ? rt->mtu - overhead : 0;
	if (tunnel && mtu < 68) {
		xdpvs_count_drop(e, XDPVS_DROP_MTU);
		*verdict = XDPVS_DROP;
		return XDPVS_XMIT_DONE;
	}
	if (xmit_mtu(e, p, f, mtu, tunnel, icmp, local, verdict) < 0)
		return XDPVS_XMIT_DONE;
	return XDPVS_XMIT_GO;
}

enum xdpvs_verdict xdpvs_xmit_l2(struct xdpvs_engine *e, struct xdpvs_frame *f,
				 uint8_t *l3, uint32_t l3_len,
				 const struct xdpvs_route *rt, int af)
{
	uint32_t l2len = rt->vlan ? 18 : 14;
	uint8_t *start = f->data - f->headroom;
	uint8_t *end = f->data + f->len + f->tailroom;
	uint8_t *eth = l3 - l2len;
	uint16_t type = af == AF_INET6 ? 0x86DD : 0x0800;

	if (eth < start || l3 + l3_len > end) {
		xdpvs_count_drop(e, XDPVS_DROP_NO_ROOM);
		return XDPVS_DROP;
	}
	memcpy(eth, rt->dmac, ETH_ALEN_);
	memcpy(eth + 6, rt->smac, ETH_ALEN_);
	if (rt->vlan) {
		eth[12] = 0x81;
		eth[13] = 0x00;
		eth[14] = (uint8_t)(rt->vlan >> 8);
		eth[15] = (uint8_t)rt->vlan;
	}
	eth[l2len - 2] = (uint8_t)(type >> 8);
	eth[l2len - 1] = (uint8_t)type;
	f->headroom = (uint32_t)(eth - start);
	f->data = eth;
	f->len = l2len + l3_len;
	f->tailroom = (uint32_t)(end - (eth + f->len));
	f->ifindex = rt->ifindex;
	e->frag_out.link_mtu = rt->mtu;
	return XDPVS_TX;
}

enum xdpvs_verdict xdpvs_xmit_l2_pkt(struct xdpvs_engine *e,
				     struct xdpvs_frame *f,
				     const struct xdpvs_pkt *p,
				     const struct xdpvs_route *rt)
{
	return xdpvs_xmit_l2(e, f, p->data + p->l3_off, xdpvs_pkt_l3_len(p),
			     rt, p->af);
}

void xdpvs_xmit_sctp_csum(struct xdpvs_pkt *p)
{
	uint8_t *l4 = p->data + p->l4_off;
	uint32_t crc;

	memset(l4 + 8, 0, 4);
	crc = xdpvs_crc32c_sctp(l4, p->len - p->l4_off);
	memcpy(l4 + 8, &crc, 4);
}

/* A whole UDP checksum for an IPv6 packet (after translation). */
static void xdpvs_xmit_udp6_csum(struct xdpvs_pkt *p)
{
	uint8_t *ip = p->data + p->l3_off, *l4 = p->data + p->l4_off;
	uint32_t len = p->len - p->l4_off, sum;
	union xdpvs_addr s, d;
	uint16_t c;

	memcpy(&s, ip + XDPVS_IP6_SADDR, 16);
	memcpy(&d, ip + XDPVS_IP6_DADDR, 16);
	sum = xdpvs_csum_pseudo(AF_INET6, &s, &d, IPPROTO_UDP, len);
	c = xdpvs_csum_finish(xdpvs_csum_partial(l4, len, sum));
	if (c == 0)
		c = 0xffff;
	memcpy(l4 + XDPVS_UDP_CSUM, &c, 2);
}

/* Translate p's destination (which = XDPVS_NAT_DST) or source to
 * addr:port, with the checksums. */
static void xmit_nat_rewrite(struct xdpvs_pkt *p, int which,
			     const union xdpvs_addr *addr, uint16_t port)
{
	uint8_t *ip = p->data + p->l3_off;
	/* A later fragment carries no ports (IPv6: the kernel leaves it). */
	uint8_t *l4 = p->has_ports ? p->data + p->l4_off : NULL;
	uint16_t old = which == XDPVS_NAT_DST ? p->dport : p->sport;

	if (p->af == AF_INET6)
		xdpvs_nat6(ip, l4, p->protocol, which, addr->ip6, port);
	else
		xdpvs_nat4(ip, l4, p->protocol, which, addr->ip, port);
	/* SCTP's CRC covers the ports only: redo it when they change. */
	if (l4 && p->protocol == IPPROTO_SCTP && old != port)
		xdpvs_xmit_sctp_csum(p);
	/* IPv6 UDP without a checksum: the kernel gives it a whole one. */
	if (l4 && p->protocol == IPPROTO_UDP && p->af == AF_INET6 &&
	    !xdpvs_get16(l4 + XDPVS_UDP_CSUM))
		xdpvs_xmit_udp6_csum(p);
}

/* Translate a packet (or, with q, a relayed ICMP error) towards the real
 * server, or back to the client (out). */
static void xmit_nat_any(struct xdpvs_conn *cp, struct xdpvs_pkt *p,
			 struct xdpvs_pkt *q, bool out)
{
	if (q)
		xdpvs_icmp_nat(p, q, cp, out);
	else if (out)
		xmit_nat_rewrite(p, XDPVS_NAT_SRC, &cp->vaddr, cp->vport);
	else
		xmit_nat_rewrite(p, XDPVS_NAT_DST, &cp->daddr, cp->dport);
}

static enum xdpvs_verdict xmit_nat(struct xdpvs_engine *e,
				   struct xdpvs_conn *cp, struct xdpvs_pkt *p,
				   struct xdpvs_frame *f, struct xdpvs_pkt *q)
{
	const struct xdpvs_route *rt;
	enum xdpvs_verdict v;
	int err;

	if ((cp->flags & XDPVS_CONN_F_NO_CPORT) && p->has_ports && !q)
		xdpvs_conn_fill_cport(e, cp, p->sport);
	err = xdpvs_xmit_route_dest(e, cp->dest, &rt);
	switch (xdpvs_xmit_check(e, p, f, rt, err, 0, false, q, &v)) {
	case XDPVS_XMIT_DONE:
		return v;
	case XDPVS_XMIT_LOCAL:
		/* DNAT to a local address, then the local stack takes it. */
		xmit_nat_any(cp, p, q, false);
		return XDPVS_PASS;
	case XDPVS_XMIT_GO:
		break;
	}
	xmit_nat_any(cp, p, q, false);
	return xdpvs_xmit_l2_pkt(e, f, p, rt);
}

static enum xdpvs_verdict xmit_dr(struct xdpvs_engine *e,
				  struct xdpvs_conn *cp, struct xdpvs_pkt *p,
				  struct xdpvs_frame *f, bool icmp)
{
	const struct xdpvs_route *rt;
	enum xdpvs_verdict v;
	int err = xdpvs_xmit_route_dest(e, cp->dest, &rt);

	switch (xdpvs_xmit_check(e, p, f, rt, err, 0, false, icmp, &v)) {
	case XDPVS_XMIT_DONE:
		return v;
	case XDPVS_XMIT_LOCAL:
		return XDPVS_PASS;
	case XDPVS_XMIT_GO:
		break;
	}
	return xdpvs_xmit_l2_pkt(e, f, p, rt);
}

/* Cache bypass: on to the packet's own destination. */
static enum xdpvs_verdict xmit_bypass(struct xdpvs_engine *e,
				      struct xdpvs_pkt *p,
				      struct xdpvs_frame *f)
{
	struct xdpvs_route rt;
	enum xdpvs_verdict v;
	int err = xdpvs_xmit_route(e, p->af, &p->daddr, &rt);

	switch (xdpvs_xmit_check(e, p, f, &rt, err, 0, false, false, &v)) {
	case XDPVS_XMIT_DONE:
		return v;
	case XDPVS_XMIT_LOCAL:
		return XDPVS_PASS;
	case XDPVS_XMIT_GO:
		break;
	}
	return xdpvs_xmit_l2_pkt(e, f, p, &rt);
}

enum xdpvs_verdict xdpvs_xmit_in(struct xdpvs_engine *e, struct xdpvs_conn *cp,
				 struct xdpvs_pkt *p, struct xdpvs_frame *f,
				 struct xdpvs_pkt *q)
{
	bool icmp = q != NULL;

	switch (xdpvs_conn_fwd(cp)) {
	case XDPVS_CONN_F_MASQ:
		if (!cp->dest)
			break;
		return xmit_nat(e, cp, p, f, q);
	case XDPVS_CONN_F_DROUTE:
		if (!cp->dest)
			break;
		return xmit_dr(e, cp, p, f, icmp);
	case XDPVS_CONN_F_TUNNEL:
		if (!cp->dest)
			break;
		return xdpvs_xmit_tunnel(e, cp, p, f, icmp);
	case XDPVS_CONN_F_BYPASS:
		return xmit_bypass(e, p, f);
	case XDPVS_CONN_F_LOCALNODE:
		return XDPVS_PASS;
	}
	/* A synced connection not bound to any dest: nothing to do. */
	return XDPVS_PASS;
}

/*
 * A reply from a real server is forwarded by the kernel's IP layer, which
 * checks TTL and MTU before IPVS translates it: errors go to the real
 * server, from our address on its side, quoting the reply as it came.
 */
enum xdpvs_xmit_step xdpvs_xmit_out_check(struct xdpvs_engine *e,
					  struct xdpvs_conn *cp,
					  struct xdpvs_pkt *p,
					  struct xdpvs_frame *f,
					  const struct xdpvs_route **rt,
					  enum xdpvs_verdict *v)
{
	int err = xdpvs_xmit_route_client(e, cp, rt);

	if (err == -EAGAIN) {
		xdpvs_count_drop(e, XDPVS_DROP_NEIGH);
		*v = XDPVS_DROP;
		return XDPVS_XMIT_DONE;
	}
	if (err) {
		*v = xdpvs_icmp_send(e, p, f, XDPVS_ICMP_HOST_UNREACH, 0, false,
				     XDPVS_DROP_NO_ROUTE);
		return XDPVS_XMIT_DONE;
	}
	if ((*rt)->local)
		return XDPVS_XMIT_LOCAL;
	if (xmit_ttl(e, p, f, false, v) ||
	    xmit_mtu(e, p, f, (*rt)->mtu, false, false, false, v) < 0)
		return XDPVS_XMIT_DONE;
	return XDPVS_XMIT_GO;
}

enum xdpvs_verdict xdpvs_xmit_out_finish(struct xdpvs_engine *e,
					 struct xdpvs_conn *cp,
					 struct xdpvs_pkt *p,
					 struct xdpvs_frame *f,
					 struct xdpvs_pkt *q,
					 const struct xdpvs_route *rt)
{
	if (xdpvs_conn_fwd(cp) == XDPVS_CONN_F_MASQ)
		xmit_nat_any(cp, p, q, true);
	if (rt->local)
		return XDPVS_PASS;
	return xdpvs_xmit_l2_pkt(e, f, p, rt);
}
