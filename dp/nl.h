/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rtnetlink (libmnl): xdpvsd's route, address, link and neighbour tables
 * (route.h), dumped at start and kept current from the kernel's
 * notifications (RTNLGRP_LINK, IPV4/IPV6_IFADDR, IPV4/IPV6_ROUTE, NEIGH).
 * Three sockets: one subscribed to the groups, read from the event loop;
 * one for dumps (blocking, used at start and after a lost notification);
 * one for resolution requests (fire and forget).  A lost notification
 * (ENOBUFS) makes us dump everything again.
 */
#ifndef XDPVS_DP_NL_H
#define XDPVS_DP_NL_H

#include <stdint.h>

#include "route.h"

struct dp_nl;

#define DP_NL_CH_ROUTE	0x1	/* routes, neighbours, links changed */
#define DP_NL_CH_ADDR	0x2	/* our addresses changed */

/* Called after a batch of updates that changed what lookups answer. */
typedef void (*dp_nl_changed_fn)(void *ctx, unsigned int what);

/* Open, subscribe and dump; NULL with *err = -errno. */
struct dp_nl *dp_nl_open(dp_nl_changed_fn fn, void *ctx, int *err);
void dp_nl_close(struct dp_nl *nl);
/* The tables (valid until the next dp_nl_* call that reads). */
const struct dp_rtab *dp_nl_rtab(const struct dp_nl *nl);
/* Descriptors to watch for EPOLLIN, and what to call then. */
int dp_nl_mon_fd(const struct dp_nl *nl);
int dp_nl_req_fd(const struct dp_nl *nl);
void dp_nl_mon_read(struct dp_nl *nl);
void dp_nl_req_read(struct dp_nl *nl);
/*
 * Ask the kernel to resolve nh (RTM_NEWNEIGH with NTF_USE: it solicits
 * the neighbour as if it had a packet for it).  At most once a second per
 * next hop; now in ns.  Returns 0 or -errno.
 */
int dp_nl_resolve(struct dp_nl *nl, const struct dp_nexthop *nh,
		  uint64_t now);

#endif
