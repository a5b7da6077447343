/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xdpvsd's copy of the kernel's tables that decide where a packet goes:
 * links (MAC, MTU), our addresses, the main routing table of both families
 * and the neighbours.  dp/nl.c fills it from rtnetlink dumps and keeps it
 * current from notifications; the engine's route callback answers from it
 * (dp_rtab_route).  Pure data: no I/O, so it is unit-tested alone.
 *
 * Route lookup is the kernel's for the main table only (no policy rules,
 * no other tables): the longest matching prefix, then the lowest metric;
 * blackhole, unreachable and prohibit routes answer "no route".  It is a
 * linear walk of the table, which suits the few routes of a director;
 * full BGP tables want a trie here.
 */
#ifndef XDPVS_DP_ROUTE_H
#define XDPVS_DP_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include <xdpvs/engine.h>

struct dp_link {
	uint32_t ifindex;
	char name[16];
	uint8_t mac[6];
	bool has_mac;
	uint32_t mtu;
	uint32_t flags;		/* IFF_* */
};

struct dp_ifaddr {
	uint8_t af;
	uint8_t plen;
	uint8_t scope;		/* RT_SCOPE_* */
	uint32_t ifindex;
	union xdpvs_addr addr;
};

struct dp_rt {
	uint8_t af;
	uint8_t plen;
	uint8_t type;		/* RTN_* */
	bool has_gw;
	bool has_prefsrc;
	uint8_t tos;
	uint32_t table;
	uint32_t prio;		/* metric */
	uint32_t oif;
	uint32_t mtu;		/* RTAX_MTU; 0: the link's */
	union xdpvs_addr dst;	/* masked to plen */
	union xdpvs_addr gw;
	union xdpvs_addr prefsrc;
};

struct dp_neigh {
	uint8_t af;
	bool has_mac;
	uint16_t state;		/* NUD_* */
	uint32_t ifindex;
	union xdpvs_addr addr;
	uint8_t mac[6];
};

struct dp_rtab {
	struct dp_link *links;
	struct dp_ifaddr *addrs;
	struct dp_rt *routes;
	struct dp_neigh *neighs;
	uint32_t nlinks, naddrs, nroutes, nneighs;
	uint32_t clinks, caddrs, croutes, cneighs;	/* allocated */
};

void dp_rtab_init(struct dp_rtab *t);
/* Forget everything (before a new dump). */
void dp_rtab_clear(struct dp_rtab *t);
void dp_rtab_free(struct dp_rtab *t);

/*
 * Updates, as the kernel's RTM_NEW* / RTM_DEL* messages describe them.
 * Each returns 1 when what a lookup answers may have changed, 0 when not,
 * or -ENOMEM.
 */
int dp_rtab_link_set(struct dp_rtab *t, const struct dp_link *l);
int dp_rtab_link_del(struct dp_rtab *t, uint32_t ifindex);
int dp_rtab_addr_add(struct dp_rtab *t, const struct dp_ifaddr *a);
int dp_rtab_addr_del(struct dp_rtab *t, const struct dp_ifaddr *a);
/* A route with the same <af, table, dst/plen, tos, metric> is replaced. */
int dp_rtab_route_add(struct dp_rtab *t, const struct dp_rt *r);
int dp_rtab_route_del(struct dp_rtab *t, const struct dp_rt *r);
/* Only a change of the usable MAC counts as a change. */
int dp_rtab_neigh_set(struct dp_rtab *t, const struct dp_neigh *n);
int dp_rtab_neigh_del(struct dp_rtab *t, const struct dp_neigh *n);

const struct dp_link *dp_rtab_link(const struct dp_rtab *t, uint32_t ifindex);
/* Our address addr of family af, or NULL. */
const struct dp_ifaddr *dp_rtab_local(const struct dp_rtab *t, int af,
				      const union xdpvs_addr *addr);
/* The best route to daddr, or NULL. */
const struct dp_rt *dp_rtab_lookup(const struct dp_rtab *t, int af,
				   const union xdpvs_addr *daddr);
/* A usable neighbour entry (with a MAC, in a valid state), or NULL. */
const struct dp_neigh *dp_rtab_neigh(const struct dp_rtab *t, int af,
				     uint32_t ifindex,
				     const union xdpvs_addr *addr);

/* A next hop to resolve: the neighbour daddr needs on ifindex. */
struct dp_nexthop {
	uint8_t af;
	uint32_t ifindex;
	union xdpvs_addr addr;
};

/*
 * The engine's route callback, answered from t: fills rt (egress, MTU,
 * MACs, source address, local) for daddr.  Returns 0, -ENETUNREACH (no
 * route, an unreachable kind of route, or an interface we know nothing
 * of), or -EAGAIN with *nh set to the neighbour that has no MAC yet.
 */
int dp_rtab_route(const struct dp_rtab *t, int af,
		  const union xdpvs_addr *daddr, struct xdpvs_route *rt,
		  struct dp_nexthop *nh);

#endif
