/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * struct dp and its parts, for the files that make up dp.h's data path
 * (dp.c, dp_handover.c) and no one else: dp.h keeps it opaque.
 */
#ifndef XDPVS_DP_DP_INTERNAL_H
#define XDPVS_DP_DP_INTERNAL_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "daemon/log.h"
#include "dp.h"
#include "flow.h"
#include "keep.h"
#include "pick.h"
#include "xdp.h"

struct dp_iface;
struct dp_nl;
struct dp_xdp_bg;
struct dp_xsk;
struct ring_buffer;

/* One socket, as the loop's callback argument. */
struct dp_sock {
	struct dp *dp;
	struct dp_iface *ifc;
	struct dp_xsk *x;
};

struct dp_iface {
	char name[IF_NAMESIZE];
	uint32_t ifindex;
	struct dp_xdp_link link;
	uint32_t nqueues;
	struct dp_sock socks[XDPVS_DP_MAX_QUEUES];
};

/* A one-shot timer of the loop (a timerfd). */
struct dp_timer {
	int fd;
	uint64_t armed;		/* fires then, ns; 0: not set */
	const char *name;	/* for the log */
};

struct dp {
	struct dp_config conf;
	struct dp_iface ifs[DP_MAX_IFACES];
	int nifs;
	struct dp_xdp_maps maps;
	struct dp_flow flow;	/* the engine's flow cache: the fast path */
	struct dp_pick pick;	/* the engine's picks for it */
	struct ring_buffer *events;	/* its events (xdpvs_events) */
	struct dp_kept kept;	/* what a kept data path carried */
	bool adopted;		/* we took a kept data path over */
	uint32_t prog_hash;	/* of the programs attached (dp_keep_save) */
	struct dp_xdp_bg *bg;	/* ours, loading to replace kept ones */
	bool keep;		/* leave ours to a successor at exit */
	int pin_lock;		/* <= 0: nothing pinned */
	struct dp_nl *nl;
	struct xdpvs_engine *e;
	struct loop *loop;
	uint64_t now;		/* of the frames being handled, ns */
	bool refresh_busy;	/* a pass goes on, in slices */
	uint64_t refresh_next;	/* no pass before, ns */
	struct dp_timer refresh;	/* the next slice, a pass put off */
	struct dp_timer tx_retry;	/* frames left on a TX ring */
	uint64_t st[DP_STAT_MAX];
	struct log_rl rl_egress;
	struct log_rl rl_neigh;
	struct log_rl rl_pass;
	struct log_rl rl_pick;
};

#endif
