/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The engine's side of the XDP fast path (flow.c): installing, refreshing
 * and removing connections' flows in the caller's flow cache, keeping
 * connections alive on the cache's last-seen times, and the stats slots.
 */
#ifndef XDPVS_CORE_FLOW_H
#define XDPVS_CORE_FLOW_H

#include <stdbool.h>
#include <stdint.h>

struct xdpvs_flow_value;
struct xdpvs_flow_event_new;

struct xdpvs_conn;
struct xdpvs_dest;
struct xdpvs_engine;

/* Install cp's flows if it now qualifies, remove them (or put a hold,
 * flow.c) if it no longer does (call after each packet the engine
 * handled for cp). */
void xdpvs_flow_sync(struct xdpvs_engine *e, struct xdpvs_conn *cp);
/* Install the flows of cp, taken over from a previous engine, as
 * replacements of that engine's (the cache most likely has them), whose
 * SYN_RECV mark the fast path may have cleared before. */
void xdpvs_flow_adopt(struct xdpvs_engine *e, struct xdpvs_conn *cp);
/* The fast path cleared XDPVS_FLOW_F_SYN_RECV in cp's flows itself (it
 * told of the client's ACK): no need to rewrite them, unless the engine
 * wrote them again since it installed them. */
void xdpvs_flow_syn_recv_cleared(struct xdpvs_conn *cp);
/* cp is the connection of a NEW event (<xdpvs/pick.h>): the fast path
 * installed its flows, the client's from template t and, for NAT, the
 * real server's by the SYN's way in (n); the engine takes them as its
 * own and rewrites one that differs from what it would install. */
void xdpvs_flow_adopt_new(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			  const struct xdpvs_flow_value *t,
			  const struct xdpvs_flow_event_new *n);
/* The client direction's value for cp; false without a usable way. */
bool xdpvs_flow_value_in(struct xdpvs_engine *e, const struct xdpvs_conn *cp,
			 struct xdpvs_flow_value *v);
/* The fast path wrote a pick's flows (<xdpvs/pick.h>) on cp's tuple, but
 * cp stays: the pick's real server flow (key pick_out, NULL: none) goes
 * unless it is cp's own, and cp's flows are written again over whatever
 * is there (or the client's removed, when cp can have none). */
void xdpvs_flow_restore(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			const struct xdpvs_flow_key *pick_out);
/* cp's tuple is a new connection's, whose flows the fast path wrote over
 * cp's client flow: that one is forgotten, cp's real server flow removed
 * unless it has the key new_out (the new one's, NULL: none). */
void xdpvs_flow_hand_over(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			  const struct xdpvs_flow_key *new_out);
/* Remove cp's flows (it expires). */
void xdpvs_flow_remove(struct xdpvs_engine *e, struct xdpvs_conn *cp);
/* cp's timer fired: true if its flows forwarded a packet since it was
 * armed, in which case it was re-armed from that time. */
bool xdpvs_flow_keep_alive(struct xdpvs_engine *e, struct xdpvs_conn *cp);
/* Routes changed: compute installed flows again, write those whose
 * value changed, put a hold (flow.c) in place of those of TCP and UDP
 * connections that lost their way, remove the others; in slices, from hash
 * bucket *cursor (0: the start) on, until about max connections were
 * seen; *cursor is then where to go on.  True once the pass reached the
 * table's end. */
bool xdpvs_flow_refresh_some(struct xdpvs_engine *e, uint32_t *cursor,
			     uint32_t max);
/* A server was removed: its TCP and UDP connections' flows give way to a
 * hold each, which sends their packets up (flow.c), the others' go. */
void xdpvs_flow_drop_unavailable(struct xdpvs_engine *e);
/* A stats slot for a new real server (0: none left), and its release. */
uint32_t xdpvs_flow_slot_get(struct xdpvs_engine *e, struct xdpvs_dest *d);
void xdpvs_flow_slot_put(struct xdpvs_engine *e, uint32_t slot);

#endif
