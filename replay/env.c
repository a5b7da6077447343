// SPDX-License-Identifier: GPL-2.0-only
/*
 * Routes for xdpvs-replay.  Without --link, one interface (index 1)
 * towards everybody, with the balancer's MAC (--lb-mac) and addresses
 * (--lb-addr, one per family).  With --link, the balancer has those links
 * (indexes 1, 2, ... in order), each with its MAC, addresses and MTU: an
 * address goes out of the link whose subnet holds it (else the first), from
 * that link's address of the same family.  Either way the next hop of an
 * address is its --neigh MAC, else --default-mac; the balancer's own
 * addresses are local; an address with no MAC at all is unreachable, which
 * the engine answers as the kernel would (ICMP host unreachable).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "env.h"

void replay_env_init(struct replay_env *env)
{
	memset(env, 0, sizeof(*env));
	env->mtu = REPLAY_MTU_DEFAULT;
}

static int env_parse_mac(const char *s, uint8_t *mac)
{
	unsigned int m[6];
	char tail;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &m[0], &m[1], &m[2], &m[3],
		   &m[4], &m[5], &tail) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (m[i] > 0xff)
			return -1;
		mac[i] = (uint8_t)m[i];
	}
	return 0;
}

/* An IPv4 or IPv6 address; returns its family, or -1. */
static int env_parse_addr(const char *s, union xdpvs_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->ip) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, s, a) == 1)
		return AF_INET6;
	return -1;
}

int replay_env_lb_mac(struct replay_env *env, const char *arg)
{
	if (env_parse_mac(arg, env->lb_mac) == 0)
		return 0;
	fprintf(stderr, "xdpvs-replay: --lb-mac: invalid MAC `%s'\n", arg);
	return -1;
}

int replay_env_default_mac(struct replay_env *env, const char *arg)
{
	if (env_parse_mac(arg, env->default_mac) == 0) {
		env->have_default_mac = true;
		return 0;
	}
	fprintf(stderr, "xdpvs-replay: --default-mac: invalid MAC `%s'\n",
		arg);
	return -1;
}

int replay_env_lb_addr(struct replay_env *env, const char *arg)
{
	union xdpvs_addr a;
	int af = env_parse_addr(arg, &a);

	if (af < 0) {
		fprintf(stderr, "xdpvs-replay: --lb-addr: invalid address "
				"`%s'\n", arg);
		return -1;
	}
	env->lb_addr[af == AF_INET6] = a;
	env->have_lb_addr[af == AF_INET6] = true;
	return 0;
}

int replay_env_neigh(struct replay_env *env, const char *arg)
{
	char buf[128], *mac, *mtu;
	struct replay_neigh *n;

	if (env->nneigh == REPLAY_MAX_NEIGH || strlen(arg) >= sizeof(buf))
		goto bad;
	strcpy(buf, arg);
	mac = strchr(buf, '=');
	if (!mac)
		goto bad;
	*mac++ = '\0';
	mtu = strchr(mac, '/');
	if (mtu)
		*mtu++ = '\0';
	n = &env->neigh[env->nneigh];
	n->af = env_parse_addr(buf, &n->addr);
	if (n->af < 0 || env_parse_mac(mac, n->mac))
		goto bad;
	if (mtu) {
		char *end;
		unsigned long v = strtoul(mtu, &end, 10);

		if (*end || v < 68 || v > 65535)
			goto bad;
		n->mtu = (uint32_t)v;
	}
	env->nneigh++;
	return 0;
bad:
	fprintf(stderr, "xdpvs-replay: --neigh: expected IP=MAC[/MTU], got "
			"`%s'\n", arg);
	return -1;
}

int replay_env_link(struct replay_env *env, const char *arg)
{
	char buf[512], *addrs, *mtu, *tok, *save = NULL;
	struct replay_link *l;

	if (env->nlinks == REPLAY_MAX_LINKS || strlen(arg) >= sizeof(buf))
		goto bad;
	strcpy(buf, arg);
	l = &env->link[env->nlinks];
	memset(l, 0, sizeof(*l));
	l->mtu = REPLAY_MTU_DEFAULT;
	addrs = strchr(buf, '=');
	if (!addrs)
		goto bad;
	*addrs++ = '\0';
	mtu = strchr(addrs, '@');
	if (mtu) {
		char *end;
		unsigned long v;

		*mtu++ = '\0';
		v = strtoul(mtu, &end, 10);
		if (*end || v < 68 || v > 65535)
			goto bad;
		l->mtu = (uint32_t)v;
	}
	if (env_parse_mac(buf, l->mac))
		goto bad;
	for (tok = strtok_r(addrs, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *slash = strchr(tok, '/');
		unsigned long plen;

		if (!slash || l->naddr == REPLAY_MAX_LINK_ADDRS)
			goto bad;
		*slash++ = '\0';
		l->addr[l->naddr].af = env_parse_addr(tok, &l->addr[l->naddr].addr);
		plen = strtoul(slash, NULL, 10);
		if (l->addr[l->naddr].af < 0 ||
		    plen > (l->addr[l->naddr].af == AF_INET6 ? 128u : 32u))
			goto bad;
		l->addr[l->naddr++].plen = (unsigned int)plen;
	}
	env->nlinks++;
	return 0;
bad:
	fprintf(stderr, "xdpvs-replay: --link: expected "
			"MAC=ADDR/PLEN[,ADDR/PLEN...][@MTU], got `%s'\n", arg);
	return -1;
}

static bool env_in_prefix(int af, const union xdpvs_addr *a,
			  const union xdpvs_addr *p, unsigned int plen)
{
	unsigned int i;

	for (i = 0; plen && i < (af == AF_INET6 ? 16u : 4u); i++) {
		unsigned int bits = plen >= 8 ? 8 : plen;
		uint8_t m = (uint8_t)(0xff00 >> bits);
		const uint8_t *x = af == AF_INET6 ? a->b : (const uint8_t *)&a->ip;
		const uint8_t *y = af == AF_INET6 ? p->b : (const uint8_t *)&p->ip;

		if ((x[i] ^ y[i]) & m)
			return false;
		plen -= bits;
	}
	return true;
}

/* The link an address is reached through (its subnet's, else the first)
 * and whether the address is the link's own; fills our side of rt. */
static bool env_route_link(const struct replay_env *env, int af,
			   const union xdpvs_addr *daddr,
			   struct xdpvs_route *rt, uint32_t *mtu)
{
	int i, j, best = 0;
	bool local = false;

	for (i = 0; i < env->nlinks; i++)
		for (j = 0; j < env->link[i].naddr; j++) {
			if (env->link[i].addr[j].af != af)
				continue;
			if (xdpvs_addr_equal(af, daddr,
					     &env->link[i].addr[j].addr))
				local = true;
			if (env_in_prefix(af, daddr, &env->link[i].addr[j].addr,
					  env->link[i].addr[j].plen))
				best = i;
		}
	memcpy(rt->smac, env->link[best].mac, 6);
	rt->ifindex = (uint32_t)best + 1;
	*mtu = env->link[best].mtu;
	for (j = 0; j < env->link[best].naddr; j++)
		if (env->link[best].addr[j].af == af) {
			rt->saddr = env->link[best].addr[j].addr;
			break;
		}
	return local;
}

int replay_env_route(void *ctx, int af, const union xdpvs_addr *daddr,
		     struct xdpvs_route *rt)
{
	const struct replay_env *env = ctx;
	const uint8_t *mac = env->have_default_mac ? env->default_mac : NULL;
	uint32_t mtu = env->mtu;
	bool local = false;
	int i;

	memcpy(rt->smac, env->lb_mac, 6);
	rt->ifindex = 1;
	if (env->have_lb_addr[af == AF_INET6]) {
		rt->saddr = env->lb_addr[af == AF_INET6];
		local = xdpvs_addr_equal(af, daddr, &rt->saddr);
	}
	if (env->nlinks)
		local |= env_route_link(env, af, daddr, rt, &mtu);
	if (local) {
		rt->local = 1;
		rt->mtu = 65535;
		return 0;
	}
	for (i = 0; i < env->nneigh; i++) {
		const struct replay_neigh *n = &env->neigh[i];

		if (n->af == af && xdpvs_addr_equal(af, &n->addr, daddr)) {
			mac = n->mac;
			if (n->mtu)
				mtu = n->mtu;
			break;
		}
	}
	if (!mac)
		return -ENETUNREACH;
	memcpy(rt->dmac, mac, 6);
	rt->mtu = mtu;
	return 0;
}
