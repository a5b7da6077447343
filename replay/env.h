/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xdpvs-replay's view of the network: the balancer's MAC and addresses and
 * a next-hop MAC per address, from the command line, given to the engine
 * as its routes.
 */
#ifndef XDPVS_REPLAY_ENV_H
#define XDPVS_REPLAY_ENV_H

#include <stdbool.h>
#include <stdint.h>
#include <xdpvs/engine.h>

#define REPLAY_MAX_NEIGH 256
#define REPLAY_MTU_DEFAULT 1500

struct replay_neigh {
	int af;
	union xdpvs_addr addr;
	uint8_t mac[6];
	uint32_t mtu;		/* 0: the default */
};

#define REPLAY_MAX_LINKS 16
#define REPLAY_MAX_LINK_ADDRS 8

/* A link of the balancer: its MAC, its addresses with their prefixes
 * (the subnets reached through it) and its MTU. */
struct replay_link {
	uint8_t mac[6];
	uint32_t mtu;
	int naddr;
	struct {
		int af;
		union xdpvs_addr addr;
		unsigned int plen;
	} addr[REPLAY_MAX_LINK_ADDRS];
};

struct replay_env {
	struct replay_link link[REPLAY_MAX_LINKS];
	int nlinks;
	uint8_t lb_mac[6];
	bool have_default_mac;
	uint8_t default_mac[6];
	bool have_lb_addr[2];	/* [0] IPv4, [1] IPv6 */
	union xdpvs_addr lb_addr[2];
	uint32_t mtu;
	struct replay_neigh neigh[REPLAY_MAX_NEIGH];
	int nneigh;
};

void replay_env_init(struct replay_env *env);
/* Option values; 0, or -1 with a message on stderr. */
int replay_env_lb_mac(struct replay_env *env, const char *arg);
int replay_env_default_mac(struct replay_env *env, const char *arg);
int replay_env_lb_addr(struct replay_env *env, const char *arg);
/* "IP=MAC" or "IP=MAC/MTU" */
int replay_env_neigh(struct replay_env *env, const char *arg);
/* "MAC=ADDR/PLEN[,ADDR/PLEN...][@MTU]": a link of the balancer. */
int replay_env_link(struct replay_env *env, const char *arg);
/* The engine's route callback (ctx is the struct replay_env). */
int replay_env_route(void *ctx, int af, const union xdpvs_addr *daddr,
		     struct xdpvs_route *rt);

#endif
