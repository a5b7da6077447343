// SPDX-License-Identifier: GPL-2.0-only
/*
 * Routes for xdpvs-replay.  One interface (index 1) towards everybody: the
 * next hop of an address is its --neigh MAC, else --default-mac; the
 * balancer's own addresses (--lb-addr) are local; the source of what we
 * send is the --lb-addr of the family.  An address with no MAC at all is
 * unreachable, which the engine answers as the kernel would (ICMP host
 * unreachable).
 */
#include <errno.h>
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

int replay_env_route(void *ctx, int af, const union xdpvs_addr *daddr,
		     struct xdpvs_route *rt)
{
	const struct replay_env *env = ctx;
	const uint8_t *mac = env->have_default_mac ? env->default_mac : NULL;
	uint32_t mtu = env->mtu;
	int i;

	memcpy(rt->smac, env->lb_mac, 6);
	rt->ifindex = 1;
	if (env->have_lb_addr[af == AF_INET6])
		rt->saddr = env->lb_addr[af == AF_INET6];
	if (env->have_lb_addr[af == AF_INET6] &&
	    xdpvs_addr_equal(af, daddr, &env->lb_addr[af == AF_INET6])) {
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
