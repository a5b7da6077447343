/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Connections and persistence templates, as the kernel's ip_vs_conn.c: one
 * table, keyed by the client address and port, that finds a connection
 * from both directions (client to virtual service, and real server back to
 * the client for NAT), a preallocated pool with a capacity limit, expiry
 * through the timer wheel, and the control links between a template and
 * the connections it created.
 */
#ifndef XDPVS_CORE_CONN_H
#define XDPVS_CORE_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <xdpvs/engine.h>

#include "timer.h"

struct xdpvs_engine;
struct xdpvs_dest;
struct xdpvs_pe_ops;

/* Template states (the kernel's IP_VS_CTPL_S_*). */
#define XDPVS_CTPL_S_NONE	0
#define XDPVS_CTPL_S_ASSURED	1

struct xdpvs_conn {
	struct xdpvs_conn *hnext;	/* hash chain */
	struct xdpvs_conn **hpprev;	/* link pointing at us; NULL: unhashed */
	struct xdpvs_timer timer;

	uint16_t af;			/* client side family */
	uint16_t daf;			/* real server family */
	uint16_t protocol;		/* IPPROTO_IP for fwmark templates */
	uint16_t state;
	union xdpvs_addr caddr;		/* client */
	union xdpvs_addr vaddr;		/* virtual (or fwmark as IPv4) */
	union xdpvs_addr daddr;		/* real server */
	uint16_t cport, vport, dport;	/* network order */
	uint16_t old_state;
	uint32_t flags;			/* XDPVS_CONN_F_* */
	uint32_t fwmark;
	uint32_t timeout;		/* seconds, set by the state machine */
	uint32_t in_pkts;

	struct xdpvs_conn *control;	/* the template that made us */
	uint32_t n_control;		/* connections we control */
	struct xdpvs_dest *dest;

	const struct xdpvs_pe_ops *pe;	/* persistence engine (templates) */
	char *pe_data;			/* its key: our slot of the pe pool */
	uint8_t pe_data_len;

	/* Cached way back to the client (NAT replies, ICMP). */
	struct xdpvs_route crt;
	uint64_t crt_gen;
	int crt_err;

	uint64_t sync_endtime;		/* ns: last sync + its timeout */
	uint8_t sync_retries;		/* re-syncs sent since (sync.c) */
	bool synced;			/* sent at least once (sync.c) */
	uint32_t gen;			/* engine-wide creation number */
	uint8_t flows;			/* directions installed in the cache */
	bool resched;			/* its tuple went to a new connection */
	uint32_t flow_fp[2];		/* of each installed direction's value
					 * (flow.c): in, out */
};

/* What identifies a connection (the kernel's ip_vs_conn_param). */
struct xdpvs_conn_param {
	uint16_t af;
	uint16_t protocol;
	const union xdpvs_addr *caddr;
	uint16_t cport;
	const union xdpvs_addr *vaddr;
	uint16_t vport;
	const struct xdpvs_pe_ops *pe;
	const char *pe_data;		/* NULL: no PE key (points into the
					 * packet; copied into a template) */
	uint8_t pe_data_len;
};

struct xdpvs_conn_tab {
	struct xdpvs_conn **buckets;
	uint32_t mask;
	struct xdpvs_conn *pool;	/* conn_max entries */
	struct xdpvs_conn *free;	/* free list through hnext */
	uint32_t max;
	uint32_t count;
	uint32_t no_cport;		/* connections waiting for a cport */
	uint64_t seed;
	/* PE keys (SIP Call-IDs) of templates: one slot of
	 * XDPVS_PEDATA_MAXLEN bytes per pool entry, the entry's own, so the
	 * packet path never allocates; pages are touched only when used. */
	char *pe_pool;
};

int xdpvs_conn_tab_init(struct xdpvs_conn_tab *t, uint32_t max, uint64_t seed);
void xdpvs_conn_tab_free(struct xdpvs_conn_tab *t);

/* A connection for a packet from the client (caddr:cport to
 * vaddr:vport), templates excluded; NULL if none. */
struct xdpvs_conn *xdpvs_conn_in_get(struct xdpvs_engine *e,
				     const struct xdpvs_conn_param *p);
/* A connection for a packet from a real server: p->caddr:cport is the
 * packet's destination (the client), p->vaddr:vport its source. */
struct xdpvs_conn *xdpvs_conn_out_get(struct xdpvs_engine *e,
				      const struct xdpvs_conn_param *p);
/* A persistence template; NULL if none. */
struct xdpvs_conn *xdpvs_ct_in_get(struct xdpvs_engine *e,
				   const struct xdpvs_conn_param *p);

/*
 * Create and hash a connection to daddr:dport bound to dest (may be NULL),
 * in state 0 with a 3 s timeout, as ip_vs_conn_new.  NULL when the table
 * is full.  The caller arms the timer with xdpvs_conn_put().
 */
struct xdpvs_conn *xdpvs_conn_new(struct xdpvs_engine *e,
				  const struct xdpvs_conn_param *p, int daf,
				  const union xdpvs_addr *daddr,
				  uint16_t dport, uint32_t flags,
				  struct xdpvs_dest *dest, uint32_t fwmark);
/* Done with cp for this packet: restart its timer at now + timeout, or
 * expire a one-packet connection at once. */
void xdpvs_conn_put(struct xdpvs_engine *e, struct xdpvs_conn *cp);
/* Expire cp on the next timer run (ip_vs_conn_expire_now). */
void xdpvs_conn_expire_now(struct xdpvs_engine *e, struct xdpvs_conn *cp);
/* Run cp's expiry now (from the timer wheel). */
void xdpvs_conn_expire(struct xdpvs_engine *e, struct xdpvs_conn *cp);
/* Bind a connection that has no dest to dest (a backup binding what
 * sync brought once its real server exists: ip_vs_try_bind_dest). */
void xdpvs_conn_bind_dest(struct xdpvs_conn *cp, struct xdpvs_dest *dest);
/* Give the template's lookup key away: it will never match again. */
bool xdpvs_conn_check_template(struct xdpvs_engine *e, struct xdpvs_conn *ct,
			       struct xdpvs_dest *cdest);
/* Fill the client port of a NO_CPORT connection and rehash it. */
void xdpvs_conn_fill_cport(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			   uint16_t cport);
/* Call fn on every connection in the table; fn may delete any. */
void xdpvs_conn_for_each(struct xdpvs_engine *e,
			 void (*fn)(struct xdpvs_engine *, struct xdpvs_conn *));
/* The same from hash bucket from on, whole buckets, until max
 * connections were seen: returns the bucket to go on from, 0 once the
 * table's end was reached. */
uint32_t xdpvs_conn_for_each_from(struct xdpvs_engine *e, uint32_t from,
				  uint32_t max,
				  void (*fn)(struct xdpvs_engine *,
					     struct xdpvs_conn *));
/* Expire every connection (engine teardown, -C with expire_nodest). */
void xdpvs_conn_flush(struct xdpvs_engine *e);
/* Expire connections whose dest is no longer available
 * (expire_nodest_conn after a dest is deleted). */
void xdpvs_conn_expire_nodest(struct xdpvs_engine *e);

/* What xdpvs_conn_info_get() lists of cp at time now. */
void xdpvs_conn_info_fill(const struct xdpvs_engine *e,
			  const struct xdpvs_conn *cp, uint64_t now,
			  struct xdpvs_conn_info *ci);

static inline void xdpvs_control_add(struct xdpvs_conn *cp,
				     struct xdpvs_conn *ct)
{
	cp->control = ct;
	ct->n_control++;
}

/* Mark the controlling template assured (a connection it made reached
 * ESTABLISHED, or a UDP reply was seen). */
static inline void xdpvs_control_assure_ct(struct xdpvs_conn *cp)
{
	struct xdpvs_conn *ct = cp->control;

	if (ct && (ct->flags & XDPVS_CONN_F_TEMPLATE) &&
	    !(ct->state & XDPVS_CTPL_S_ASSURED))
		ct->state |= XDPVS_CTPL_S_ASSURED;
}

static inline uint32_t xdpvs_conn_fwd(const struct xdpvs_conn *cp)
{
	return cp->flags & XDPVS_CONN_F_FWD_MASK;
}

#endif
