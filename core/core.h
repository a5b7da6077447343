/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The packet path, as the kernel's ip_vs_core.c: replies from real servers
 * (ip_vs_out_hook), packets to virtual services (ip_vs_in_hook), the
 * scheduling of new connections with persistence (ip_vs_schedule,
 * ip_vs_sched_persist) and what happens when no real server is available
 * (ip_vs_leave).
 */
#ifndef XDPVS_CORE_CORE_H
#define XDPVS_CORE_CORE_H

#include <stdint.h>
#include <xdpvs/engine.h>

struct xdpvs_conn;
struct xdpvs_engine;
struct xdpvs_pkt;

/* One parsed frame through the balancer. */
enum xdpvs_verdict xdpvs_core_rx(struct xdpvs_engine *e, struct xdpvs_pkt *p,
				 struct xdpvs_frame *f);

/* An event of the fast path (<xdpvs/flow.h>) applied: 0, -ESTALE when
 * its connection is gone or moved on, -EINVAL for an unknown one. */
int xdpvs_core_flow_new(struct xdpvs_engine *e,
			const struct xdpvs_flow_event_new *n);
int xdpvs_core_flow_event(struct xdpvs_engine *e,
			  const struct xdpvs_flow_event *ev);

/* Count a packet in (from the client) or out (from the real server) on
 * cp's dest, its service and the totals. */
void xdpvs_core_in_stats(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			 const struct xdpvs_pkt *p);
void xdpvs_core_out_stats(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			  const struct xdpvs_pkt *p);

/*
 * schedule_icmp: make a connection for the packet quoted (q) in an ICMP
 * error p, as if that packet had come in reversed.  Returns 0 with *cpp
 * set (the caller puts it when done: that starts its timer), or -1 with
 * *v telling what became of p.
 */
int xdpvs_core_schedule_quote(struct xdpvs_engine *e, struct xdpvs_pkt *p,
			      struct xdpvs_pkt *q, struct xdpvs_frame *f,
			      struct xdpvs_conn **cpp, enum xdpvs_verdict *v);

/*
 * A packet p from real server dest of svc that matches no connection: make
 * the connection (and, for a persistent service, its template) that the
 * answer to it will find, as ip_vs_new_conn_out does for a persistence
 * engine's conn_out.  NULL when svc is a fwmark or port-zero service, the
 * packet has no source port, the key cannot be found or the table is full.
 */
struct xdpvs_dest;
struct xdpvs_svc;
struct xdpvs_conn *xdpvs_core_new_conn_out(struct xdpvs_engine *e,
					   struct xdpvs_svc *svc,
					   struct xdpvs_dest *dest,
					   const struct xdpvs_pkt *p);

/* The firewall mark the mark rules give p (0: none). */
uint32_t xdpvs_mark_lookup(const struct xdpvs_engine *e,
			   const struct xdpvs_pkt *p);
/* Is p, a fragment, of a datagram for a firewall-mark service? */
bool xdpvs_mark_frag_is_ours(struct xdpvs_engine *e,
			     const struct xdpvs_pkt *p);

#endif
