// SPDX-License-Identifier: GPL-2.0-only
/*
 * The route, address, link and neighbour tables of route.h: arrays, walked
 * linearly.  Lookups follow the kernel's answers for the main table:
 * fib_table_lookup's longest prefix then lowest metric, the source address
 * of inet_select_addr / ipv6_dev_get_saddr in their simplest form (the
 * route's preferred source; else an address of the egress interface, in
 * the next hop's subnet first for IPv4, of global scope first for IPv6;
 * else any of ours of that family), the neighbour states neigh_output
 * would send with.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "route.h"

#define DP_NUD_VALID (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | \
		      NUD_PERMANENT | NUD_NOARP)
#define DP_LOCAL_MTU 65535	/* what the kernel's lo has */

void dp_rtab_init(struct dp_rtab *t)
{
	memset(t, 0, sizeof(*t));
}

void dp_rtab_clear(struct dp_rtab *t)
{
	t->nlinks = t->naddrs = t->nroutes = t->nneighs = 0;
}

void dp_rtab_free(struct dp_rtab *t)
{
	free(t->links);
	free(t->addrs);
	free(t->routes);
	free(t->neighs);
	dp_rtab_init(t);
}

/* Make room for one more element of size sz in *arr; 0 or -ENOMEM. */
static int rtab_grow(void **arr, uint32_t n, uint32_t *cap, size_t sz)
{
	uint32_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	p = realloc(*arr, (size_t)ncap * sz);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

/* Does addr (family af) fall in prefix/plen? */
static bool rtab_in_prefix(int af, const union xdpvs_addr *addr,
			   const union xdpvs_addr *prefix, unsigned int plen)
{
	unsigned int bits = af == AF_INET6 ? 128 : 32, i;

	if (plen > bits)
		return false;
	for (i = 0; i < plen / 8; i++)
		if (addr->b[i] != prefix->b[i])
			return false;
	if (plen % 8) {
		uint8_t m = (uint8_t)(0xff << (8 - plen % 8));

		if ((addr->b[i] ^ prefix->b[i]) & m)
			return false;
	}
	return true;
}

static bool rtab_addr_eq(int af, const union xdpvs_addr *a,
			 const union xdpvs_addr *b)
{
	return xdpvs_addr_equal(af, a, b) != 0;
}

int dp_rtab_link_set(struct dp_rtab *t, const struct dp_link *l)
{
	uint32_t i;

	for (i = 0; i < t->nlinks; i++) {
		if (t->links[i].ifindex != l->ifindex)
			continue;
		if (!memcmp(&t->links[i], l, sizeof(*l)))
			return 0;
		t->links[i] = *l;
		return 1;
	}
	if (rtab_grow((void **)&t->links, t->nlinks, &t->clinks, sizeof(*l)))
		return -ENOMEM;
	t->links[t->nlinks++] = *l;
	return 1;
}

int dp_rtab_link_del(struct dp_rtab *t, uint32_t ifindex)
{
	uint32_t i;

	for (i = 0; i < t->nlinks; i++) {
		if (t->links[i].ifindex == ifindex) {
			t->links[i] = t->links[--t->nlinks];
			return 1;
		}
	}
	return 0;
}

const struct dp_link *dp_rtab_link(const struct dp_rtab *t, uint32_t ifindex)
{
	uint32_t i;

	for (i = 0; i < t->nlinks; i++)
		if (t->links[i].ifindex == ifindex)
			return &t->links[i];
	return NULL;
}

static int rtab_addr_find(const struct dp_rtab *t, const struct dp_ifaddr *a)
{
	uint32_t i;

	for (i = 0; i < t->naddrs; i++) {
		const struct dp_ifaddr *x = &t->addrs[i];

		if (x->af == a->af && x->ifindex == a->ifindex &&
		    rtab_addr_eq(a->af, &x->addr, &a->addr))
			return (int)i;
	}
	return -1;
}

int dp_rtab_addr_add(struct dp_rtab *t, const struct dp_ifaddr *a)
{
	int i = rtab_addr_find(t, a);

	if (i >= 0) {
		t->addrs[i] = *a;
		return 1;
	}
	if (rtab_grow((void **)&t->addrs, t->naddrs, &t->caddrs, sizeof(*a)))
		return -ENOMEM;
	t->addrs[t->naddrs++] = *a;
	return 1;
}

int dp_rtab_addr_del(struct dp_rtab *t, const struct dp_ifaddr *a)
{
	int i = rtab_addr_find(t, a);

	if (i < 0)
		return 0;
	/* Keep the order: the first address of an interface is its
	 * primary, the source of choice. */
	memmove(&t->addrs[i], &t->addrs[i + 1],
		(t->naddrs - (uint32_t)i - 1) * sizeof(*a));
	t->naddrs--;
	return 1;
}

const struct dp_ifaddr *dp_rtab_local(const struct dp_rtab *t, int af,
				      const union xdpvs_addr *addr)
{
	uint32_t i;

	for (i = 0; i < t->naddrs; i++)
		if (t->addrs[i].af == af &&
		    rtab_addr_eq(af, &t->addrs[i].addr, addr))
			return &t->addrs[i];
	return NULL;
}

static bool rtab_route_same(const struct dp_rt *a, const struct dp_rt *b)
{
	return a->af == b->af && a->table == b->table && a->plen == b->plen &&
	       a->tos == b->tos && a->prio == b->prio &&
	       rtab_addr_eq(a->af, &a->dst, &b->dst);
}

int dp_rtab_route_add(struct dp_rtab *t, const struct dp_rt *r)
{
	uint32_t i;

	for (i = 0; i < t->nroutes; i++) {
		if (rtab_route_same(&t->routes[i], r)) {
			t->routes[i] = *r;
			return 1;
		}
	}
	if (rtab_grow((void **)&t->routes, t->nroutes, &t->croutes,
		      sizeof(*r)))
		return -ENOMEM;
	t->routes[t->nroutes++] = *r;
	return 1;
}

int dp_rtab_route_del(struct dp_rtab *t, const struct dp_rt *r)
{
	uint32_t i;

	for (i = 0; i < t->nroutes; i++) {
		if (rtab_route_same(&t->routes[i], r)) {
			t->routes[i] = t->routes[--t->nroutes];
			return 1;
		}
	}
	return 0;
}

const struct dp_rt *dp_rtab_lookup(const struct dp_rtab *t, int af,
				   const union xdpvs_addr *daddr)
{
	const struct dp_rt *best = NULL;
	uint32_t i;

	for (i = 0; i < t->nroutes; i++) {
		const struct dp_rt *r = &t->routes[i];

		if (r->af != af || !rtab_in_prefix(af, daddr, &r->dst, r->plen))
			continue;
		if (!best || r->plen > best->plen ||
		    (r->plen == best->plen && r->prio < best->prio))
			best = r;
	}
	return best;
}

static bool neigh_usable(const struct dp_neigh *n)
{
	return n->has_mac && (n->state & DP_NUD_VALID);
}

static int rtab_neigh_find(const struct dp_rtab *t, const struct dp_neigh *n)
{
	uint32_t i;

	for (i = 0; i < t->nneighs; i++) {
		const struct dp_neigh *x = &t->neighs[i];

		if (x->af == n->af && x->ifindex == n->ifindex &&
		    rtab_addr_eq(n->af, &x->addr, &n->addr))
			return (int)i;
	}
	return -1;
}

int dp_rtab_neigh_set(struct dp_rtab *t, const struct dp_neigh *n)
{
	int i = rtab_neigh_find(t, n);
	struct dp_neigh *x;
	bool was, changed, is = neigh_usable(n);

	if (i < 0) {
		if (rtab_grow((void **)&t->neighs, t->nneighs, &t->cneighs,
			      sizeof(*n)))
			return -ENOMEM;
		t->neighs[t->nneighs++] = *n;
		return is;
	}
	x = &t->neighs[i];
	was = neigh_usable(x);
	changed = was != is || (is && memcmp(x->mac, n->mac, 6) != 0);
	*x = *n;
	return changed;
}

int dp_rtab_neigh_del(struct dp_rtab *t, const struct dp_neigh *n)
{
	int i = rtab_neigh_find(t, n);
	bool was;

	if (i < 0)
		return 0;
	was = neigh_usable(&t->neighs[i]);
	t->neighs[i] = t->neighs[--t->nneighs];
	return was;
}

const struct dp_neigh *dp_rtab_neigh(const struct dp_rtab *t, int af,
				     uint32_t ifindex,
				     const union xdpvs_addr *addr)
{
	struct dp_neigh k = { .af = (uint8_t)af, .ifindex = ifindex,
			      .addr = *addr };
	int i = rtab_neigh_find(t, &k);

	return i >= 0 && neigh_usable(&t->neighs[i]) ? &t->neighs[i] : NULL;
}

/* Our source address towards nh over route r; false if we have none. */
static bool rtab_saddr(const struct dp_rtab *t, const struct dp_rt *r,
		       const union xdpvs_addr *nh, union xdpvs_addr *src)
{
	const struct dp_ifaddr *pick = NULL, *any = NULL;
	uint32_t i;

	if (r->has_prefsrc) {
		*src = r->prefsrc;
		return true;
	}
	for (i = 0; i < t->naddrs; i++) {
		const struct dp_ifaddr *a = &t->addrs[i];

		if (a->af != r->af)
			continue;
		if (!any && a->scope == RT_SCOPE_UNIVERSE)
			any = a;
		if (a->ifindex != r->oif)
			continue;
		if (r->af == AF_INET6 ? a->scope == RT_SCOPE_UNIVERSE :
					rtab_in_prefix(AF_INET, nh, &a->addr,
						       a->plen)) {
			pick = a;
			break;
		}
		if (!pick)
			pick = a;
	}
	if (!pick)
		pick = any;
	if (pick)
		*src = pick->addr;
	return pick != NULL;
}

int dp_rtab_route(const struct dp_rtab *t, int af,
		  const union xdpvs_addr *daddr, struct xdpvs_route *rt,
		  struct dp_nexthop *nh)
{
	const struct dp_ifaddr *la = dp_rtab_local(t, af, daddr);
	const struct dp_neigh *n;
	const struct dp_link *l;
	const struct dp_rt *r;
	const union xdpvs_addr *gw;

	memset(rt, 0, sizeof(*rt));
	if (la) {
		rt->local = 1;
		rt->ifindex = la->ifindex;
		rt->mtu = DP_LOCAL_MTU;
		rt->saddr = *daddr;
		return 0;
	}
	r = dp_rtab_lookup(t, af, daddr);
	if (!r || r->type != RTN_UNICAST)
		return -ENETUNREACH;
	l = dp_rtab_link(t, r->oif);
	if (!l || !l->has_mac)
		return -ENETUNREACH;
	gw = r->has_gw ? &r->gw : daddr;
	rt->ifindex = r->oif;
	rt->mtu = r->mtu ? r->mtu : l->mtu;
	memcpy(rt->smac, l->mac, 6);
	rtab_saddr(t, r, gw, &rt->saddr);
	n = dp_rtab_neigh(t, af, r->oif, gw);
	if (!n) {
		nh->af = (uint8_t)af;
		nh->ifindex = r->oif;
		nh->addr = *gw;
		return -EAGAIN;
	}
	memcpy(rt->dmac, n->mac, 6);
	return 0;
}
