/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Connection synchronisation inside the engine (sync.c): the master's
 * "is this connection due for a sync" step, called where the kernel calls
 * ip_vs_sync_conn().  The public side is in <xdpvs/engine.h>.
 */
#ifndef XDPVS_CORE_SYNC_H
#define XDPVS_CORE_SYNC_H

#include <stdbool.h>

struct xdpvs_conn;
struct xdpvs_engine;

/*
 * cp saw a packet from the client and has seen pkts of them (or it is a
 * template re-armed on expiry, pkts = sync_threshold): if a master runs,
 * send it if due, then its controlling template (ip_vs_sync_conn).
 */
void xdpvs_sync_conn(struct xdpvs_engine *e, struct xdpvs_conn *cp,
		     int pkts);

/*
 * May cp's flows go into the fast path?  While a master runs, only once
 * cp was sent in its present state (or never will be): until then its
 * packets must come to the engine, which counts them and sends it when
 * due.  Always true without a master.
 */
bool xdpvs_sync_flows_ok(const struct xdpvs_engine *e,
			 const struct xdpvs_conn *cp);

#endif
