/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Choices made ahead for the fast path to schedule new TCP connections
 * itself (<xdpvs/pick.h> has the ABI and the design).
 */
#ifndef XDPVS_CORE_PICK_H
#define XDPVS_CORE_PICK_H

#include <stdbool.h>
#include <stdint.h>

struct xdpvs_engine;
struct xdpvs_svc;
struct xdpvs_dest;
struct xdpvs_flow_event_new;
struct xdpvs_flow_value;

/* Take back svc's published choices and rewind its scheduler to just
 * after those the fast path used: before the engine schedules for svc
 * itself, and before anything changes what it would choose.  Publishing
 * again waits for xdpvs_pick_sync(). */
void xdpvs_pick_take(struct xdpvs_engine *e, struct xdpvs_svc *svc);
/* The same for every service. */
void xdpvs_pick_take_all(struct xdpvs_engine *e);
/* Publish svc's next choices (after a take) if it may have any. */
void xdpvs_pick_fill(struct xdpvs_engine *e, struct xdpvs_svc *svc);
/* svc is going away: its ring is given back. */
void xdpvs_pick_release(struct xdpvs_engine *e, struct xdpvs_svc *svc);
/* Bring every service's choices up to date when something changed
 * (xdpvs_pick_take_all() since) or housekeeping is due (force). */
void xdpvs_pick_sync(struct xdpvs_engine *e, bool force);
/* The real server a NEW event names, if it still stands for that: of
 * svc, available, at the event's address and port.  NULL otherwise. */
struct xdpvs_dest *xdpvs_pick_dest(struct xdpvs_engine *e,
				   struct xdpvs_svc *svc,
				   const struct xdpvs_flow_event_new *n);
/* The client-direction template the fast path used for d. */
const struct xdpvs_flow_value *xdpvs_pick_tmpl(const struct xdpvs_dest *d);
/* A NEW event of svc was applied: publish more when half are used. */
void xdpvs_pick_seen(struct xdpvs_engine *e, struct xdpvs_svc *svc);
/* The engine scheduling a connection to svc itself: a pick given back,
 * else the next of svc's published picks, taken as the fast path takes
 * one; NULL when it has none left (take back, schedule, fill). */
struct xdpvs_dest *xdpvs_pick_use(struct xdpvs_engine *e,
				  struct xdpvs_svc *svc);
/* A pick of svc the fast path took and could not use (UNUSED event n):
 * kept for xdpvs_pick_use() to give first.  0, or -ESTALE when it is of
 * choices taken back since (or too many are waiting). */
int xdpvs_pick_given_back(struct xdpvs_engine *e, struct xdpvs_svc *svc,
			  const struct xdpvs_flow_event_new *n);
/* d is freed: its template copy goes. */
void xdpvs_pick_dest_free(struct xdpvs_dest *d);

#endif
