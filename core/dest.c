// SPDX-License-Identifier: GPL-2.0-only
/*
 * Real servers, as the dest half of the kernel's ip_vs_ctl.c.
 *
 * A new dest goes to the head of its service's list (newest first, which
 * every "first wins" tie-break depends on).  A deleted dest is unlinked and
 * parked in the trash: its connections keep pointing at it, and adding the
 * same server to the same service again revives it with its counters.
 * Once nothing uses it and it has been idle for 120 s it is freed, checked
 * every 60 s as the kernel's trash timer does.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "dest.h"
#include "engine_priv.h"
#include "flow.h"
#include "pick.h"
#include "sched.h"
#include "svc.h"

struct xdpvs_dest *xdpvs_dest_lookup(struct xdpvs_svc *svc, int af,
				     const union xdpvs_addr *addr,
				     uint16_t port)
{
	struct xdpvs_dest *d;

	list_for_each_entry(d, &svc->destinations, n_list)
		if (d->af == af && d->port == port &&
		    xdpvs_addr_equal(af, &d->addr, addr))
			return d;
	return NULL;
}

/*
 * The overload flag: set when the total reaches the upper threshold, clear
 * once it drops below the lower one; in between it stays as it is.  mode
 * +1 (a connection was just bound) uses the lower threshold to decide
 * "set", mode -1 (one was just unbound) the upper one to decide "keep".
 */
void xdpvs_dest_update_overload(struct xdpvs_dest *d, int mode)
{
	uint32_t conns, u = d->u_threshold, l = d->l_threshold_val;

	if (!u) {
		d->flags &= ~XDPVS_DEST_F_OVERLOAD;
		return;
	}
	conns = d->totalconns > 0 ? (uint32_t)d->totalconns : 0;
	if (conns >= (mode > 0 ? l : u)) {
		d->flags |= XDPVS_DEST_F_OVERLOAD;
		return;
	}
	if (conns >= (mode < 0 ? u : l))
		return;
	d->flags &= ~XDPVS_DEST_F_OVERLOAD;
}

/*
 * The real-service table, as the kernel's rs_table: the NAT dests of every
 * service by <address, port> and the tunnel dests by <address, tunnel
 * port> (0 for IPIP and GRE); direct routing is not in it.  A reply from a
 * NAT real server that matches no connection is looked up here
 * (nat_icmp_send, the SIP engine's conn_out).  Every lookup wants one
 * address and port, all of whose entries share a chain, and a chain is
 * newest first, so the first match is the kernel's.
 */
static uint32_t dest_rs_hashkey(int af, const union xdpvs_addr *addr,
				uint16_t port)
{
	uint32_t a = addr->ip, p = ntohs(port);

	if (af == AF_INET6)
		a = addr->ip6[0] ^ addr->ip6[1] ^ addr->ip6[2] ^ addr->ip6[3];
	a = ntohl(a) ^ p ^ (p >> XDPVS_RS_TAB_BITS);
	return (a ^ (a >> 16)) & ((1U << XDPVS_RS_TAB_BITS) - 1);
}

/* Hash d by the port its real service answers on (ip_vs_rs_hash). */
static void dest_rs_hash(struct xdpvs_engine *e, struct xdpvs_dest *d)
{
	struct xdpvs_dest **head;
	uint16_t port;

	if (d->rs_pprev)
		return;
	switch (d->conn_flags & XDPVS_CONN_F_FWD_MASK) {
	case XDPVS_CONN_F_MASQ:
		port = d->port;
		break;
	case XDPVS_CONN_F_TUNNEL:
		port = d->tun_type == XDPVS_TUN_GUE ? d->tun_port : 0;
		break;
	default:
		return;
	}
	head = &e->rs_tab[dest_rs_hashkey(d->af, &d->addr, port)];
	d->rs_next = *head;
	if (d->rs_next)
		d->rs_next->rs_pprev = &d->rs_next;
	d->rs_pprev = head;
	*head = d;
}

static void dest_rs_unhash(struct xdpvs_dest *d)
{
	if (!d->rs_pprev)
		return;
	*d->rs_pprev = d->rs_next;
	if (d->rs_next)
		d->rs_next->rs_pprev = d->rs_pprev;
	d->rs_next = NULL;
	d->rs_pprev = NULL;
}

struct xdpvs_dest *xdpvs_dest_find_real_service(struct xdpvs_engine *e,
						int af, uint16_t protocol,
						const union xdpvs_addr *addr,
						uint16_t port)
{
	struct xdpvs_dest *d = e->rs_tab[dest_rs_hashkey(af, addr, port)];

	/* A fwmark service's dests serve every protocol. */
	for (; d; d = d->rs_next)
		if (d->port == port && d->af == af &&
		    xdpvs_addr_equal(af, &d->addr, addr) &&
		    (d->protocol == protocol || d->vfwmark) &&
		    (d->conn_flags & XDPVS_CONN_F_FWD_MASK) ==
			    XDPVS_CONN_F_MASQ)
			return d;
	return NULL;
}

struct xdpvs_dest *xdpvs_dest_find_tunnel(struct xdpvs_engine *e, int af,
					  const union xdpvs_addr *addr,
					  uint16_t tun_port)
{
	struct xdpvs_dest *d = e->rs_tab[dest_rs_hashkey(af, addr, tun_port)];

	for (; d; d = d->rs_next)
		if (d->tun_port == tun_port && d->af == af &&
		    xdpvs_addr_equal(af, &d->addr, addr) &&
		    (d->conn_flags & XDPVS_CONN_F_FWD_MASK) ==
			    XDPVS_CONN_F_TUNNEL)
			return d;
	return NULL;
}

bool xdpvs_dest_addr_is_nat(struct xdpvs_engine *e, int af,
			    const union xdpvs_addr *addr)
{
	const struct xdpvs_dest *d;
	uint32_t i;

	/* Every chain: the port is not known (a later fragment). */
	for (i = 0; i < (1U << XDPVS_RS_TAB_BITS); i++)
		for (d = e->rs_tab[i]; d; d = d->rs_next)
			if (d->af == af && xdpvs_addr_equal(af, &d->addr, addr) &&
			    (d->conn_flags & XDPVS_CONN_F_FWD_MASK) ==
				    XDPVS_CONN_F_MASQ)
				return true;
	return false;
}

static void dest_free(struct xdpvs_dest *d)
{
	struct xdpvs_svc *svc = d->svc;

	xdpvs_flow_slot_put(svc->engine, d->slot);
	xdpvs_pick_dest_free(d);
	list_del(&d->t_list);
	free(d);
	xdpvs_svc_put(svc);
}

void xdpvs_dest_put(struct xdpvs_dest *d)
{
	d->refcnt--;
}

/* Check the trash: free what nobody uses after 120 s idle.  The first
 * visit only notes the start of idleness. */
void xdpvs_dest_trash_expire(struct xdpvs_engine *e, uint64_t now)
{
	struct xdpvs_dest *d, *next;

	list_for_each_entry_safe(d, next, &e->dest_trash, t_list) {
		if (d->refcnt > 0) {
			continue;
		} else if (!d->idle_start) {
			d->idle_start = now ? now : 1;
		} else if (now >= d->idle_start + XDPVS_DEST_TRASH_PERIOD_NS) {
			dest_free(d);
		}
	}
}

void xdpvs_dest_trash_cleanup(struct xdpvs_engine *e)
{
	struct xdpvs_dest *d, *next;

	list_for_each_entry_safe(d, next, &e->dest_trash, t_list)
		dest_free(d);
}

/* The trashed dest this service may revive, unlinked from the trash. */
static struct xdpvs_dest *dest_trash_get(struct xdpvs_svc *svc,
					 const struct xdpvs_dest_conf *u)
{
	struct xdpvs_engine *e = svc->engine;
	struct xdpvs_dest *d;

	list_for_each_entry(d, &e->dest_trash, t_list) {
		if (d->af == u->af && d->port == u->port &&
		    xdpvs_addr_equal(u->af, &d->addr, &u->addr) &&
		    d->vfwmark == svc->fwmark &&
		    d->protocol == svc->protocol &&
		    (svc->fwmark ||
		     (xdpvs_addr_equal(svc->af, &d->vaddr, &svc->addr) &&
		      d->vport == svc->port))) {
			list_del(&d->t_list);
			list_init(&d->t_list);
			return d;
		}
	}
	return NULL;
}

static void dest_bind_svc(struct xdpvs_dest *d, struct xdpvs_svc *svc)
{
	struct xdpvs_svc *old = d->svc;

	if (old == svc)
		return;
	svc->refcnt++;
	if (old) {
		/* Revived into a new incarnation of the service. */
		xdpvs_est_zero(&d->stats);
		xdpvs_svc_put(old);
	}
	d->svc = svc;
}

static void dest_set_thresholds(struct xdpvs_dest *d,
				const struct xdpvs_dest_conf *u)
{
	if (d->u_threshold == u->u_threshold &&
	    d->l_threshold == u->l_threshold)
		return;
	d->u_threshold = u->u_threshold;
	d->l_threshold = u->l_threshold;
	/* The lower threshold defaults to three quarters of the upper. */
	d->l_threshold_val = u->l_threshold ? u->l_threshold :
				u->u_threshold - (u->u_threshold >> 2);
	xdpvs_dest_update_overload(d, 0);
}

/* Apply a configuration to d (__ip_vs_update_dest); add links it. */
static void dest_update(struct xdpvs_svc *svc, struct xdpvs_dest *d,
			const struct xdpvs_dest_conf *u, bool add)
{
	uint32_t conn_flags;

	if (add && u->af != svc->af)
		svc->engine->mixed_af_dests++;
	/* last_weight keeps the latest non-zero weight (mh uses it) */
	if (add || u->weight != 0)
		d->last_weight = u->weight;
	d->weight = u->weight;
	conn_flags = (u->conn_flags & XDPVS_CONN_F_DEST_MASK) |
		     XDPVS_CONN_F_INACTIVE;
	/* A new method or tunnel moves it in the real-service table (to the
	 * head of its new chain, as the kernel rehashes). */
	if ((conn_flags & XDPVS_CONN_F_FWD_MASK) !=
		    (d->conn_flags & XDPVS_CONN_F_FWD_MASK) ||
	    u->tun_type != d->tun_type || u->tun_port != d->tun_port)
		dest_rs_unhash(d);
	if ((conn_flags & XDPVS_CONN_F_FWD_MASK) != XDPVS_CONN_F_MASQ)
		conn_flags |= XDPVS_CONN_F_NOOUTPUT;
	d->conn_flags = conn_flags;
	d->tun_type = u->tun_type;
	d->tun_port = u->tun_port;
	d->tun_flags = u->tun_flags;
	dest_rs_hash(svc->engine, d);
	dest_bind_svc(d, svc);
	d->cflags |= XDPVS_DEST_CF_AVAILABLE;
	dest_set_thresholds(d, u);
	d->af = u->af;
	d->rt_gen = 0;		/* forget the cached route */
	xdpvs_pick_take(svc->engine, svc);	/* before the scheduler moves */
	if (add) {
		list_add(&d->n_list, &svc->destinations);
		svc->num_dests++;
		if (svc->sched && svc->sched->update_service)
			svc->sched->update_service(svc, d,
						   XDPVS_SCHED_ADD_DEST);
	} else if (svc->sched && svc->sched->update_service) {
		svc->sched->update_service(svc, d, XDPVS_SCHED_UPD_DEST);
	}
}

/* Checks common to add and edit, in the kernel's order. */
static int dest_check_conf(const struct xdpvs_dest_conf *u)
{
	if (u->weight < 0)
		return -ERANGE;
	if (u->l_threshold > u->u_threshold)
		return -ERANGE;
	if (u->u_threshold > INT_MAX)
		return -EINVAL;
	if (u->tun_type == XDPVS_TUN_GUE && u->tun_port == 0)
		return -EINVAL;
	return 0;
}

int xdpvs_dest_add_to(struct xdpvs_svc *svc, const struct xdpvs_dest_conf *u)
{
	struct xdpvs_dest *d;
	int err = dest_check_conf(u);

	if (err)
		return err;
	if (xdpvs_dest_lookup(svc, u->af, &u->addr, u->port))
		return -EEXIST;
	d = dest_trash_get(svc, u);
	if (!d) {
		d = calloc(1, sizeof(*d));
		if (!d)
			return -ENOMEM;
		list_init(&d->t_list);
		d->af = u->af;
		d->addr = u->addr;
		d->port = u->port;
		d->protocol = svc->protocol;
		d->vaddr = svc->addr;
		d->vport = svc->port;
		d->vfwmark = svc->fwmark;
		d->slot = xdpvs_flow_slot_get(svc->engine, d);
	}
	dest_update(svc, d, u, true);
	return 0;
}

int xdpvs_dest_edit_in(struct xdpvs_svc *svc, const struct xdpvs_dest_conf *u)
{
	struct xdpvs_dest *d;
	int err = dest_check_conf(u);

	if (err)
		return err;
	d = xdpvs_dest_lookup(svc, u->af, &u->addr, u->port);
	if (!d)
		return -ENOENT;
	dest_update(svc, d, u, false);
	return 0;
}

/* Unlink d from its service into the trash; the scheduler hears of it
 * unless the whole service is going (svcupd false). */
static void dest_unlink(struct xdpvs_svc *svc, struct xdpvs_dest *d,
			bool svcupd)
{
	struct xdpvs_engine *e = svc->engine;

	xdpvs_pick_take(e, svc);	/* before the scheduler moves */
	d->cflags &= ~XDPVS_DEST_CF_AVAILABLE;
	dest_rs_unhash(d);
	list_del(&d->n_list);
	svc->num_dests--;
	if (d->af != svc->af)
		e->mixed_af_dests--;
	if (svcupd && svc->sched && svc->sched->update_service)
		svc->sched->update_service(svc, d, XDPVS_SCHED_DEL_DEST);
	list_add(&d->t_list, &e->dest_trash);
	d->idle_start = 0;
}

int xdpvs_dest_del_from(struct xdpvs_svc *svc, const struct xdpvs_dest_conf *u)
{
	struct xdpvs_dest *d = xdpvs_dest_lookup(svc, u->af, &u->addr, u->port);

	if (!d)
		return -ENOENT;
	dest_unlink(svc, d, true);
	/* Its connections must come back to the engine, which drops them
	 * (or expires them with expire_nodest_conn). */
	xdpvs_flow_drop_unavailable(svc->engine);
	if (svc->engine->sysctl.expire_nodest_conn)
		xdpvs_conn_expire_nodest(svc->engine);
	return 0;
}

void xdpvs_dest_unlink_all(struct xdpvs_svc *svc)
{
	struct xdpvs_dest *d, *next;

	list_for_each_entry_safe(d, next, &svc->destinations, n_list)
		dest_unlink(svc, d, false);
	xdpvs_flow_drop_unavailable(svc->engine);
}

/* The service for a dest command: -ESRCH when missing; a dest of another
 * family than its service only as a tunnel (the kernel's genl checks). */
static int dest_cmd_svc(struct xdpvs_engine *e, const struct xdpvs_svc_conf *s,
			struct xdpvs_dest_conf *u, bool del,
			struct xdpvs_svc **svcp)
{
	struct xdpvs_svc *svc = xdpvs_svc_get(e, s);

	if (!svc)
		return -ESRCH;
	if (u->af == 0)
		u->af = svc->af;
	/* Only the method comes from the user; the rest is derived. */
	u->conn_flags &= XDPVS_CONN_F_FWD_MASK;
	if (u->af != AF_INET && u->af != AF_INET6)
		return -EAFNOSUPPORT;
	/* sync cannot carry mixed families: refused while it runs */
	if (u->af != svc->af && !del &&
	    (e->sync_state ||
	     (u->conn_flags & XDPVS_CONN_F_FWD_MASK) != XDPVS_CONN_F_TUNNEL))
		return -EINVAL;
	*svcp = svc;
	return 0;
}

int xdpvs_dest_add(struct xdpvs_engine *e, const struct xdpvs_svc_conf *s,
		   const struct xdpvs_dest_conf *dest)
{
	struct xdpvs_dest_conf u = *dest;
	struct xdpvs_svc *svc;
	int err = dest_cmd_svc(e, s, &u, false, &svc);

	return err ? err : xdpvs_dest_add_to(svc, &u);
}

int xdpvs_dest_edit(struct xdpvs_engine *e, const struct xdpvs_svc_conf *s,
		    const struct xdpvs_dest_conf *dest)
{
	struct xdpvs_dest_conf u = *dest;
	struct xdpvs_svc *svc;
	int err = dest_cmd_svc(e, s, &u, false, &svc);

	return err ? err : xdpvs_dest_edit_in(svc, &u);
}

int xdpvs_dest_del(struct xdpvs_engine *e, const struct xdpvs_svc_conf *s,
		   const struct xdpvs_dest_conf *dest)
{
	struct xdpvs_dest_conf u = *dest;
	struct xdpvs_svc *svc;
	int err = dest_cmd_svc(e, s, &u, true, &svc);

	return err ? err : xdpvs_dest_del_from(svc, &u);
}
