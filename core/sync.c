// SPDX-License-Identifier: GPL-2.0-only
/*
 * Connection synchronisation inside the engine, as the kernel's
 * ip_vs_sync.c: the master's choice of what to send when
 * (xdpvs_sync_conn), the backup's apply step (xdpvs_sync_apply), and
 * taking in the connections of a previous xdpvsd (xdpvs_conn_import,
 * hitless restart).  The messages are in sync_msg.c, the sockets in the
 * daemon.
 *
 * When a master sends a connection (ip_vs_sync_conn_needed).  After each
 * packet from the client the connection has seen pkts packets:
 *  - TCP is sent only in ESTABLISHED, FIN_WAIT, CLOSE, CLOSE_WAIT or
 *    TIME_WAIT; SCTP in ESTABLISHED, SHUTDOWN_SENT/_RECEIVED/_ACK_SENT or
 *    CLOSED; a change into one of these other than ESTABLISHED is sent at
 *    once, whatever the counts;
 *  - otherwise when pkts % sync_period == sync_threshold ("3 50": the 3rd
 *    packet, the 53rd, ...); templates skip that test (so with the
 *    defaults a template goes along with every packet of its
 *    connections); with sync_period 0, once, at pkts == sync_threshold,
 *    unless sync_refresh_period is set;
 *  - with sync_refresh_period, not again while the end of the timeout
 *    moved less than min(refresh, max(timeout / 2, 10 s)) since the last
 *    send, except for sync_retries retries every refresh / 8;
 *  - sync_persist_mode: connections under a template are never sent;
 *  - one-packet connections never are, but their template is.
 * The template that controls a connection is considered next (with its
 * own packet count), whether the connection was sent or not; in version
 * 0 only IPv4 is sent and a template only along with its connection.  A
 * template re-armed on expiry because it still controls connections is
 * sent too (ip_vs_conn_expire).
 *
 * Taking in (restart): a connection is bound to the real server of its
 * service that has its address and port (or address alone, for what has
 * no port), in its state, with the time it had left; templates and
 * connections are not linked again: each expires on its own.  The
 * backup's apply step follows the kernel instead (see xdpvs_sync_apply).
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "conn.h"
#include "dest.h"
#include "engine_priv.h"
#include "flow.h"
#include "pe.h"
#include "pick.h"
#include "proto.h"
#include "svc.h"
#include "sync.h"

/* The service ci belongs to. */
static struct xdpvs_svc *sync_svc(struct xdpvs_engine *e,
				  const struct xdpvs_conn_info *ci)
{
	/* A fwmark template carries its mark as its virtual address. */
	if (ci->protocol == IPPROTO_IP)
		return xdpvs_svc_find(e, ci->af, ntohl(ci->vaddr.ip),
				      IPPROTO_TCP, &ci->vaddr, 0);
	return xdpvs_svc_find(e, ci->af, ci->fwmark, ci->protocol, &ci->vaddr,
			      ci->vport);
}

/* Its real server: by address and port, or by address alone for what has
 * no port (templates of FTP, port-zero and fwmark services). */
static struct xdpvs_dest *sync_dest(struct xdpvs_svc *svc,
				    const struct xdpvs_conn_info *ci)
{
	struct xdpvs_dest *d = xdpvs_dest_lookup(svc, ci->daf, &ci->daddr,
						 ci->dport);

	if (d || ci->dport)
		return d;
	list_for_each_entry(d, &svc->destinations, n_list)
		if (d->af == ci->daf &&
		    xdpvs_addr_equal(d->af, &d->addr, &ci->daddr))
			return d;
	return NULL;
}

static bool sync_exists(struct xdpvs_engine *e,
			const struct xdpvs_conn_param *p, bool tmpl)
{
	return tmpl ? xdpvs_ct_in_get(e, p) != NULL :
		      xdpvs_conn_in_get(e, p) != NULL;
}

/* p's persistence engine and its key, from ci's: 0, or -ENOENT for an
 * engine this build does not have. */
static int sync_pe(const struct xdpvs_conn_info *ci,
		   struct xdpvs_conn_param *p)
{
	if (!ci->pe_data_len)
		return 0;
	p->pe = xdpvs_pe_find(ci->pe_name);
	if (!p->pe)
		return -ENOENT;
	p->pe_data = ci->pe_data;
	p->pe_data_len = ci->pe_data_len;
	return 0;
}

/* Give cp its state, counting it active if the state is. */
static int sync_state(struct xdpvs_engine *e, struct xdpvs_conn *cp,
		      const struct xdpvs_conn_info *ci)
{
	const struct xdpvs_proto *pp;

	if (ci->flags & XDPVS_CONN_F_TEMPLATE) {
		cp->state = ci->state & XDPVS_CTPL_S_ASSURED;
		return 0;
	}
	pp = xdpvs_proto_get((uint8_t)ci->protocol);
	if (!pp || ci->state >= pp->nr_states)
		return -EINVAL;
	cp->state = ci->state;
	cp->timeout = pp->state_timeout(e, ci->state);
	if (cp->dest && pp->state_active(ci->state) &&
	    (cp->flags & XDPVS_CONN_F_INACTIVE)) {
		cp->dest->activeconns++;
		cp->flags &= ~XDPVS_CONN_F_INACTIVE;
	}
	return 0;
}

int xdpvs_conn_import(struct xdpvs_engine *e,
		      const struct xdpvs_conn_info *ci)
{
	bool tmpl = ci->flags & XDPVS_CONN_F_TEMPLATE;
	struct xdpvs_conn_param p = {
		.af = ci->af, .protocol = ci->protocol,
		.caddr = &ci->caddr, .cport = ci->cport,
		.vaddr = &ci->vaddr, .vport = ci->vport,
	};
	struct xdpvs_svc *svc = sync_svc(e, ci);
	struct xdpvs_dest *dest = svc ? sync_dest(svc, ci) : NULL;
	struct xdpvs_conn *cp;
	uint32_t flags;

	if (!dest)
		return -ENOENT;
	/* A persistence engine's key (SIP's Call-ID): the template is
	 * found by it, not by the client's address. */
	if (sync_pe(ci, &p))
		return -ENOENT;
	if (sync_exists(e, &p, tmpl))
		return -EEXIST;
	/* What a connection may bring; the method is its server's. */
	flags = ci->flags & XDPVS_CONN_F_BACKUP_MASK &
		~(XDPVS_CONN_F_FWD_MASK | XDPVS_CONN_F_NOOUTPUT |
		  XDPVS_CONN_F_INACTIVE);
	cp = xdpvs_conn_new(e, &p, ci->daf, &ci->daddr, ci->dport, flags, dest,
			    ci->fwmark);
	if (!cp)
		return -ENOSPC;
	if (sync_state(e, cp, ci)) {
		xdpvs_conn_expire(e, cp);
		return -EINVAL;
	}
	/* The flows keep their generation: an event the fast path posted
	 * before the hand-over still finds its connection.  Later ones
	 * count on from the highest. */
	if (ci->gen) {
		cp->gen = ci->gen;
		if (e->conn_gen < ci->gen)
			e->conn_gen = ci->gen;
	}
	if (tmpl)
		cp->timeout = svc->timeout;
	xdpvs_wheel_add(&e->wheel, &cp->timer,
			e->now + (uint64_t)ci->expires_ms * 1000000ULL);
	xdpvs_flow_adopt(e, cp);
	return 0;
}

/* ------------------------------------------------------------------
 * Master: what is due when
 */

#define SYNC_TCP_STATES                                                    \
	(1U << XDPVS_TCP_S_ESTABLISHED | 1U << XDPVS_TCP_S_FIN_WAIT |      \
	 1U << XDPVS_TCP_S_CLOSE | 1U << XDPVS_TCP_S_CLOSE_WAIT |          \
	 1U << XDPVS_TCP_S_TIME_WAIT)
#define SYNC_SCTP_STATES                                                   \
	(1U << XDPVS_SCTP_S_ESTABLISHED | 1U << XDPVS_SCTP_S_SHUTDOWN_SENT | \
	 1U << XDPVS_SCTP_S_SHUTDOWN_RECEIVED |                            \
	 1U << XDPVS_SCTP_S_SHUTDOWN_ACK_SENT | 1U << XDPVS_SCTP_S_CLOSED)
#define SYNC_MIN_DIFF_NS (10 * XDPVS_NSEC_PER_SEC)
#define SYNC_TPL_TIMEOUT_S (3 * 60)	/* a v0 template's: none is sent */
/* ipvsadm's longest timeout: a master configured with ipvsadm sends no
 * more (the kernel would take up to LONG_MAX jiffies) */
#define SYNC_TIMEOUT_MAX_S (86400 * 31)

/* Is cp under a persistence template (in_persistence)? */
static bool sync_in_persistence(const struct xdpvs_conn *cp)
{
	for (cp = cp->control; cp; cp = cp->control)
		if (cp->flags & XDPVS_CONN_F_TEMPLATE)
			return true;
	return false;
}

/* What cp's state says (the protocol part of ip_vs_sync_conn_needed):
 * never in this state, due by the counts, or due now (a change). */
enum sync_due { SYNC_DUE_NEVER, SYNC_DUE_COUNT, SYNC_DUE_NOW };

static enum sync_due sync_state_due(const struct xdpvs_conn *cp)
{
	uint32_t states, es;

	if (cp->protocol == IPPROTO_TCP) {
		states = SYNC_TCP_STATES;
		es = XDPVS_TCP_S_ESTABLISHED;
	} else if (cp->protocol == IPPROTO_SCTP) {
		states = SYNC_SCTP_STATES;
		es = XDPVS_SCTP_S_ESTABLISHED;
	} else {
		return SYNC_DUE_COUNT;	/* UDP and others: one state */
	}
	if (cp->state >= 32 || !((1U << cp->state) & states))
		return SYNC_DUE_NEVER;
	/* a change into ESTABLISHED still waits for its count */
	if (cp->state != cp->old_state && cp->state != es)
		return SYNC_DUE_NOW;
	return SYNC_DUE_COUNT;
}

/* Does the refresh period hold cp back?  Sets *retries for a retry. */
static bool sync_refresh_holds(const struct xdpvs_engine *e,
			       const struct xdpvs_conn *cp, uint64_t n,
			       uint8_t *retries)
{
	uint64_t refresh = (uint64_t)e->sysctl.sync_refresh_period *
			   XDPVS_NSEC_PER_SEC;
	uint64_t tmo = (uint64_t)cp->timeout * XDPVS_NSEC_PER_SEC;
	uint64_t orig = cp->sync_endtime, diff, min_diff;

	if (!refresh)
		return false;
	diff = n > orig ? n - orig : orig - n;
	min_diff = tmo / 2 > SYNC_MIN_DIFF_NS ? tmo / 2 : SYNC_MIN_DIFF_NS;
	if (diff >= (refresh < min_diff ? refresh : min_diff))
		return false;
	if (cp->sync_retries >= e->sysctl.sync_retries)
		return true;
	/* a retry only refresh / 8 after the last send */
	if (e->now + tmo < orig + refresh / 8)
		return true;
	*retries = (uint8_t)(cp->sync_retries + 1);
	return false;
}

/* ip_vs_sync_conn_needed: is cp due, with pkts packets seen?  Notes the
 * send in cp when it is. */
static bool sync_conn_needed(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			     int pkts)
{
	const struct xdpvs_sysctl *s = &e->sysctl;
	uint64_t n = e->now + (uint64_t)cp->timeout * XDPVS_NSEC_PER_SEC;
	uint8_t retries = 0;

	if (!(cp->flags & XDPVS_CONN_F_TEMPLATE)) {
		enum sync_due due;

		if (s->sync_persist_mode && sync_in_persistence(cp))
			return false;
		due = sync_state_due(cp);
		if (due == SYNC_DUE_NEVER)
			return false;
		if (due == SYNC_DUE_NOW)
			goto set;
	}
	if (sync_refresh_holds(e, cp, n, &retries))
		return false;
	if (s->sync_period > 0) {
		if (!(cp->flags & XDPVS_CONN_F_TEMPLATE) &&
		    pkts % s->sync_period != s->sync_threshold)
			return false;
	} else if (!s->sync_refresh_period && pkts != s->sync_threshold) {
		return false;
	}
set:
	cp->old_state = cp->state;
	cp->sync_endtime = n;
	cp->sync_retries = retries;
	return true;
}

static void sync_send(struct xdpvs_engine *e, struct xdpvs_conn *cp)
{
	struct xdpvs_conn_info ci;

	cp->synced = true;
	xdpvs_conn_info_fill(e, cp, e->now, &ci);
	e->sync_fn(e->sync_ctx, &ci);
}

/* The packet count of cp's controller, about to be considered. */
static int sync_control_pkts(const struct xdpvs_engine *e,
			     struct xdpvs_conn *ct)
{
	if (ct->flags & XDPVS_CONN_F_TEMPLATE)
		return (int)++ct->in_pkts;
	return e->sysctl.sync_threshold;
}

/* Version 0 (ip_vs_sync_conn_v0): IPv4 only, and a controller only
 * along with a connection that was sent. */
static void sync_conn_v0(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			 int pkts)
{
	while (cp) {
		if (cp->af != AF_INET ||
		    (cp->flags & XDPVS_CONN_F_ONE_PACKET) ||
		    !sync_conn_needed(e, cp, pkts))
			return;
		sync_send(e, cp);
		cp = cp->control;
		if (cp)
			pkts = sync_control_pkts(e, cp);
	}
}

void xdpvs_sync_conn(struct xdpvs_engine *e, struct xdpvs_conn *cp, int pkts)
{
	/* one-packet connections are never sent; their template is */
	bool skip = cp->flags & XDPVS_CONN_F_ONE_PACKET;

	if (!(e->sync_state & XDPVS_SYNC_STATE_MASTER) || !e->sync_fn)
		return;
	if (!e->sysctl.sync_version) {
		sync_conn_v0(e, cp, pkts);
		return;
	}
	for (;;) {
		if (!skip && sync_conn_needed(e, cp, pkts)) {
			/* PE data but no dest: the kernel gives up here */
			if (cp->pe_data_len && !cp->dest)
				return;
			sync_send(e, cp);
		}
		skip = false;
		cp = cp->control;
		if (!cp)
			return;
		pkts = sync_control_pkts(e, cp);
	}
}

bool xdpvs_sync_flows_ok(const struct xdpvs_engine *e,
			 const struct xdpvs_conn *cp)
{
	const struct xdpvs_sysctl *s = &e->sysctl;

	if (!(e->sync_state & XDPVS_SYNC_STATE_MASTER) ||
	    (cp->synced && cp->old_state == cp->state))
		return true;
	/* what will never be sent has nothing to wait for */
	return (s->sync_persist_mode && sync_in_persistence(cp)) ||
	       (!s->sync_version && cp->af != AF_INET) ||
	       (!s->sync_period && !s->sync_refresh_period &&
		cp->in_pkts > (uint32_t)s->sync_threshold);
}

/* ------------------------------------------------------------------
 * Backup: taking in what a master sent
 */

/* Its real server (ip_vs_find_dest): the service by fwmark or by
 * address and port; the server by address and port, else with port 0
 * (fwmark services not in NAT are looked up with port 0 first). */
static struct xdpvs_dest *sync_find_dest(struct xdpvs_engine *e, int af,
					 const union xdpvs_addr *daddr,
					 uint16_t dport,
					 const union xdpvs_addr *vaddr,
					 uint16_t vport, uint16_t protocol,
					 uint32_t fwmark, uint32_t flags)
{
	struct xdpvs_svc *svc = xdpvs_svc_find(e, af, fwmark, protocol, vaddr,
					       vport);
	struct xdpvs_dest *d;
	uint16_t port = dport;

	if (!svc)
		return NULL;
	if (fwmark && (flags & XDPVS_CONN_F_FWD_MASK) != XDPVS_CONN_F_MASQ)
		port = 0;
	d = xdpvs_dest_lookup(svc, af, daddr, port);
	if (!d)
		d = xdpvs_dest_lookup(svc, af, daddr, port ^ dport);
	return d;
}

/* Refuse what a backup never takes (ip_vs_sync_validate_flags and the
 * protocol's states); 0 or -EINVAL. */
static int sync_validate(const struct xdpvs_conn_info *ci)
{
	const struct xdpvs_proto *pp;

	if (ci->af != AF_INET && ci->af != AF_INET6)
		return -EINVAL;
	if (((ci->flags & XDPVS_CONN_F_NO_CPORT) &&
	     (ci->flags & XDPVS_CONN_F_TEMPLATE)) ||
	    (ci->flags & XDPVS_CONN_F_ONE_PACKET))
		return -EINVAL;
	if (ci->flags & XDPVS_CONN_F_TEMPLATE)
		return ci->state <= XDPVS_CTPL_S_ASSURED ? 0 : -EINVAL;
	pp = xdpvs_proto_get((uint8_t)ci->protocol);
	return pp && ci->state < pp->nr_states ? 0 : -EINVAL;
}

/* An existing connection hears again: activity and the updatable flags
 * from the master; bound now if it was not and its server exists. */
static void sync_update(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			uint32_t flags)
{
	const uint32_t upd = XDPVS_CONN_F_INACTIVE | XDPVS_CONN_F_SEQ_MASK;
	struct xdpvs_dest *dest = cp->dest;

	if (((cp->flags ^ flags) & XDPVS_CONN_F_INACTIVE) &&
	    !(flags & XDPVS_CONN_F_TEMPLATE) && dest) {
		if (flags & XDPVS_CONN_F_INACTIVE)
			dest->activeconns--;
		else
			dest->activeconns++;
	}
	cp->flags = (flags & upd) | (cp->flags & ~upd);
	if (!dest)
		xdpvs_conn_bind_dest(cp,
				     sync_find_dest(e, cp->af, &cp->daddr,
						    cp->dport, &cp->vaddr,
						    cp->vport, cp->protocol,
						    cp->fwmark, cp->flags));
}

/* The connection ci updates, or NULL; *stale when ci is the last word
 * of one that has since been replaced (ignored). */
static struct xdpvs_conn *sync_lookup(struct xdpvs_engine *e,
				      const struct xdpvs_conn_param *p,
				      const struct xdpvs_conn_info *ci,
				      uint32_t flags, bool *stale)
{
	struct xdpvs_conn *cp;

	*stale = false;
	if (flags & XDPVS_CONN_F_TEMPLATE)
		return xdpvs_ct_in_get(e, p);
	cp = xdpvs_conn_in_get(e, p);
	if (!cp || (cp->dport == ci->dport &&
		    xdpvs_addr_equal(cp->daf, &cp->daddr, &ci->daddr)))
		return cp;
	/* another real server now: a live one replaces it */
	if (flags & XDPVS_CONN_F_INACTIVE) {
		*stale = true;
		return NULL;
	}
	xdpvs_conn_expire_now(e, cp);
	return NULL;
}

/* The timeout a synced connection gets: the master's (at most 31 days),
 * or for version 0 (none sent) its state's, or 180 s for a template. */
static uint32_t sync_timeout(const struct xdpvs_engine *e,
			     const struct xdpvs_conn_info *ci)
{
	const struct xdpvs_proto *pp;

	if (ci->timeout)
		return ci->timeout < SYNC_TIMEOUT_MAX_S ? ci->timeout
							: SYNC_TIMEOUT_MAX_S;
	pp = xdpvs_proto_get((uint8_t)ci->protocol);
	if (!(ci->flags & XDPVS_CONN_F_TEMPLATE) && pp)
		return pp->state_timeout(e, ci->state);
	return SYNC_TPL_TIMEOUT_S;
}

int xdpvs_sync_apply(struct xdpvs_engine *e, const struct xdpvs_conn_info *ci)
{
	uint32_t flags = (ci->flags & XDPVS_CONN_F_BACKUP_MASK) |
			 XDPVS_CONN_F_SYNC;
	struct xdpvs_conn_param p = {
		.af = ci->af, .protocol = ci->protocol,
		.caddr = &ci->caddr, .cport = ci->cport,
		.vaddr = &ci->vaddr, .vport = ci->vport,
	};
	struct xdpvs_conn *cp;
	bool stale;
	int err = sync_validate(ci);

	if (err)
		return err;
	if (sync_pe(ci, &p))
		return -ENOENT;
	cp = sync_lookup(e, &p, ci, flags, &stale);
	if (stale)
		return 0;
	if (cp) {
		sync_update(e, cp, flags);
	} else {
		struct xdpvs_dest *dest = sync_find_dest(
			e, ci->af, &ci->daddr, ci->dport, &ci->vaddr,
			ci->vport, ci->protocol, ci->fwmark, flags);

		cp = xdpvs_conn_new(e, &p, ci->af, &ci->daddr, ci->dport,
				    flags, dest, ci->fwmark);
		if (!cp)
			return -ENOSPC;
	}
	cp->in_pkts = (uint32_t)e->sysctl.sync_threshold;
	cp->state = ci->state;
	cp->old_state = cp->state;
	cp->timeout = sync_timeout(e, ci);
	xdpvs_conn_put(e, cp);
	if (!xdpvs_backup_only(e))
		xdpvs_flow_sync(e, cp);
	return 0;
}

/* ------------------------------------------------------------------
 * Which daemons run
 */

void xdpvs_sync_set(struct xdpvs_engine *e, unsigned int state,
		    xdpvs_sync_conn_fn fn, void *ctx)
{
	xdpvs_pick_take_all(e);	/* a master must see new connections */
	e->sync_state = state & (XDPVS_SYNC_STATE_MASTER |
				 XDPVS_SYNC_STATE_BACKUP);
	e->sync_fn = fn;
	e->sync_ctx = ctx;
}

unsigned int xdpvs_sync_get(const struct xdpvs_engine *e)
{
	return e->sync_state;
}

int xdpvs_sync_check(const struct xdpvs_engine *e)
{
	return e->mixed_af_dests ? -EINVAL : 0;
}
