// SPDX-License-Identifier: GPL-2.0-only
/*
 * Choices made ahead for the fast path (<xdpvs/pick.h>): which services
 * may have them, making them, taking them back.
 *
 * A service may when a new connection to it needs nothing the fast path
 * cannot do and its scheduler's next choice depends on nothing but the
 * scheduler's own state (rr, wrr: sched ops with save/restore): TCP or
 * UDP on an address and port (no firewall mark, no mark rule covering it,
 * no persistence, not FTP, not one-packet scheduling, whose datagrams
 * make no connection), real servers by NAT, direct routing or an IPIP or
 * GRE tunnel (GUE's source port hashes the client's) with no connection
 * thresholds (their overload flag follows the counts), no drop_packet
 * shedding, for TCP no secure_tcp table (its handshake stays with the
 * engine), no sync master (it must see each new connection) and no
 * backup_only.
 *
 * Making them runs the scheduler ahead, as many times as a set holds (or
 * as the connection table has room for), saving its state after each
 * choice, and draws each one's connection generation.  Taking them back
 * learns how many the fast path used and restores the state saved after
 * the last of those: the service's sequence of real servers is exactly
 * the one the engine alone would have made.  Everything that changes
 * what the scheduler would choose takes them back first (real servers
 * added, edited or removed, the scheduler or the service edited, mark
 * rules, switches, routes, the engine scheduling a SYN itself);
 * publishing again waits for the next xdpvs_pick_sync(), which runs on
 * each tick.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "core.h"
#include "dest.h"
#include "engine_priv.h"
#include "flow.h"
#include "pick.h"
#include "pkt.h"
#include "svc.h"

#define PICK_FTPPORT htons(21)

#define PICK_BACK_MAX 16	/* picks given back, waiting to be used */

/* A service's published choices (svc->pick). */
struct xdpvs_pick_ahead {
	uint32_t ring;		/* its ring, 1 .. XDPVS_PICK_RINGS - 1 */
	uint32_t n;		/* choices published; 0: none to take */
	uint32_t seen;		/* NEW events applied since */
	/* Picks the fast path gave back, oldest first, to use before the
	 * ring's next; those with a gen below back_gen were made before
	 * the last change and are refused. */
	uint32_t nback;
	uint32_t back_gen;
	struct xdpvs_pick back[PICK_BACK_MAX];
	uint8_t state[];	/* scheduler state before the first choice
				 * and after each: (SLOTS + 1) x state_size */
};

static uint8_t *pick_state(struct xdpvs_svc *svc, uint32_t i)
{
	return svc->pick->state + (size_t)i * svc->sched->state_size;
}

static bool pick_dest_ok(const struct xdpvs_dest *d)
{
	uint32_t fwd = d->conn_flags & XDPVS_CONN_F_FWD_MASK;

	if (d->u_threshold || d->l_threshold || !d->slot ||
	    d->slot >= XDPVS_FLOW_MAX_SLOTS)
		return false;
	if (fwd == XDPVS_CONN_F_MASQ || fwd == XDPVS_CONN_F_DROUTE)
		return true;
	return fwd == XDPVS_CONN_F_TUNNEL && d->tun_type != XDPVS_TUN_GUE;
}

/* Would a mark rule give svc's packets a mark (svc_find tries marks
 * first)? */
static bool pick_marked(const struct xdpvs_engine *e,
			const struct xdpvs_svc *svc)
{
	struct xdpvs_pkt p;

	if (!e->nr_marks)
		return false;
	memset(&p, 0, sizeof(p));
	p.af = svc->af;
	p.protocol = svc->protocol;
	p.daddr = svc->addr;
	p.dport = svc->port;
	p.has_ports = true;
	return xdpvs_mark_lookup(e, &p) != 0;
}

static bool pick_svc_ok(const struct xdpvs_engine *e,
			const struct xdpvs_svc *svc)
{
	const struct xdpvs_dest *d;

	if (!e->env.pick_put || !e->env.pick_take || !e->env.pick_drop ||
	    !e->env.pick_tmpl || !e->env.flow_add || svc->unlinked)
		return false;
	if ((svc->protocol != IPPROTO_TCP && svc->protocol != IPPROTO_UDP) ||
	    svc->fwmark || !svc->port || svc->port == PICK_FTPPORT ||
	    (svc->flags & (XDPVS_SVC_F_PERSISTENT | XDPVS_SVC_F_ONEPACKET)))
		return false;
	if (!svc->sched || !svc->sched->save || !svc->sched->restore ||
	    !svc->sched->state_size)
		return false;
	/* secure_tcp's table: no SYN_RECV flows (xdpvs_tcp_flow_syn_recv) */
	if (e->sysctl.drop_packet == 3 ||
	    (e->sysctl.secure_tcp == 3 && svc->protocol == IPPROTO_TCP) ||
	    (e->sync_state & XDPVS_SYNC_STATE_MASTER) || xdpvs_backup_only(e))
		return false;
	if (pick_marked(e, svc))
		return false;
	list_for_each_entry(d, &svc->destinations, n_list)
		if (!pick_dest_ok(d))
			return false;
	return true;
}

static int pick_ring_get(struct xdpvs_engine *e)
{
	uint32_t i;

	for (i = 1; i < XDPVS_PICK_RINGS; i++)
		if (!e->pick_ring_used[i]) {
			e->pick_ring_used[i] = true;
			return (int)i;
		}
	return -ENOSPC;
}

/* xdpvs_pick_take(); change: before a change of what the scheduler
 * would choose (not a refill), which the picks given back do not
 * survive. */
static void pick_take(struct xdpvs_engine *e, struct xdpvs_svc *svc,
		      bool change)
{
	struct xdpvs_pick_ahead *pa = svc->pick;
	uint32_t used;

	e->pick_dirty = true;
	if (pa && change) {
		pa->nback = 0;
		pa->back_gen = e->conn_gen + 1;
	}
	if (!pa || !pa->n)
		return;
	/* none: the engine is being freed, the data path resets */
	used = e->env.pick_take ? e->env.pick_take(e->env.ctx, pa->ring)
				: pa->n;
	if (used > pa->n)
		used = pa->n;
	svc->sched->restore(svc, pick_state(svc, used));
	pa->n = 0;
	pa->seen = 0;
}

void xdpvs_pick_take(struct xdpvs_engine *e, struct xdpvs_svc *svc)
{
	pick_take(e, svc, true);
}

void xdpvs_pick_take_all(struct xdpvs_engine *e)
{
	struct xdpvs_svc *svc;

	list_for_each_entry(svc, &e->svc_list, s_list)
		xdpvs_pick_take(e, svc);
}

void xdpvs_pick_release(struct xdpvs_engine *e, struct xdpvs_svc *svc)
{
	struct xdpvs_pick_ahead *pa = svc->pick;

	if (!pa)
		return;
	xdpvs_pick_take(e, svc);
	if (e->env.pick_drop)
		e->env.pick_drop(e->env.ctx, pa->ring);
	e->pick_ring_used[pa->ring] = false;
	free(pa);
	svc->pick = NULL;
}

/* A connection to d as a new one would be, for its flow's template. */
static void pick_conn_like(const struct xdpvs_svc *svc,
			   struct xdpvs_dest *d, struct xdpvs_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->af = svc->af;
	c->daf = d->af;
	c->protocol = svc->protocol;
	c->vaddr = svc->addr;
	c->vport = svc->port;
	c->daddr = d->addr;
	c->dport = d->port ? d->port : svc->port;
	c->flags = d->conn_flags & XDPVS_CONN_F_DEST_MASK;
	c->dest = d;
}

/* d's template written and current (checked once a fill: mark); false
 * when there is no way to d the fast path could take. */
static bool pick_tmpl_sync(struct xdpvs_engine *e, struct xdpvs_svc *svc,
			   struct xdpvs_dest *d, uint32_t mark)
{
	struct xdpvs_flow_value v;
	struct xdpvs_conn c;

	if (d->pick_mark == mark)
		return d->pick_tmpl != NULL;
	d->pick_mark = mark;
	pick_conn_like(svc, d, &c);
	if (!xdpvs_flow_value_in(e, &c, &v)) {
		free(d->pick_tmpl);
		d->pick_tmpl = NULL;
		return false;
	}
	if (d->pick_tmpl && !memcmp(d->pick_tmpl, &v, sizeof(v)))
		return true;
	if (!d->pick_tmpl) {
		d->pick_tmpl = malloc(sizeof(*d->pick_tmpl));
		if (!d->pick_tmpl)
			return false;
	}
	*d->pick_tmpl = v;
	e->env.pick_tmpl(e->env.ctx, d->slot, &v);
	return true;
}

static void pick_svc_key(const struct xdpvs_svc *svc,
			 struct xdpvs_dp_addr_key *k)
{
	memset(k, 0, sizeof(*k));
	k->af = (uint8_t)svc->af;
	k->proto = svc->protocol;
	k->port = svc->port;
	if (svc->af == AF_INET)
		k->addr.ip = svc->addr.ip;
	else
		k->addr = svc->addr;
}

/* svc's ring and state store, made on first use; NULL if none left. */
static struct xdpvs_pick_ahead *pick_ahead_get(struct xdpvs_engine *e,
					       struct xdpvs_svc *svc)
{
	struct xdpvs_pick_ahead *pa = svc->pick;
	int ring;

	if (pa)
		return pa;
	ring = pick_ring_get(e);
	if (ring < 0)
		return NULL;
	pa = calloc(1, sizeof(*pa) + (size_t)(XDPVS_PICK_SLOTS + 1) *
					     svc->sched->state_size);
	if (!pa) {
		e->pick_ring_used[ring] = false;
		return NULL;
	}
	pa->ring = (uint32_t)ring;
	pa->back_gen = e->conn_gen + 1;
	svc->pick = pa;
	return pa;
}

/* How many choices to make: a set, or what the table has room for. */
static uint32_t pick_room(const struct xdpvs_engine *e)
{
	uint32_t room = e->conns.max - e->conns.count;

	return room < XDPVS_PICK_SLOTS ? room : XDPVS_PICK_SLOTS;
}

void xdpvs_pick_fill(struct xdpvs_engine *e, struct xdpvs_svc *svc)
{
	struct xdpvs_pick picks[XDPVS_PICK_SLOTS];
	struct xdpvs_sched_pkt sp = { .env = &e->sched_env };
	struct xdpvs_dp_addr_key key;
	struct xdpvs_pick_ahead *pa;
	uint32_t n, want = pick_room(e), mark = ++e->pick_fill_mark;
	uint32_t flags = 0;
	struct xdpvs_dest *d;

	if (!pick_svc_ok(e, svc)) {
		xdpvs_pick_release(e, svc);
		return;
	}
	pa = pick_ahead_get(e, svc);
	if (!pa || pa->n)
		return;
	sp.af = svc->af;
	sp.protocol = svc->protocol;
	sp.daddr = svc->addr;
	sp.dport = svc->port;
	sp.now = e->now;
	svc->sched->save(svc, pick_state(svc, 0));
	for (n = 0; n < want; n++) {
		d = svc->sched->schedule(svc, &sp);
		if (!d || !pick_tmpl_sync(e, svc, d, mark)) {
			svc->sched->restore(svc, pick_state(svc, n));
			break;
		}
		picks[n].gen = ++e->conn_gen;
		picks[n].dest_idx = (uint16_t)d->slot;
		picks[n].pad = 0;
		svc->sched->save(svc, pick_state(svc, n + 1));
	}
	if (!n)
		return;
	pick_svc_key(svc, &key);
	/* a SYN reusing a closed connection's port is scheduled anew */
	if (e->sysctl.conn_reuse_mode && svc->protocol == IPPROTO_TCP)
		flags = XDPVS_PICK_F_REUSE;
	e->env.pick_put(e->env.ctx, pa->ring, &key, flags, picks, n);
	pa->n = n;
	pa->seen = 0;
}

void xdpvs_pick_sync(struct xdpvs_engine *e, bool force)
{
	struct xdpvs_svc *svc;

	if (!e->env.pick_put || (!e->pick_dirty && !force))
		return;
	e->pick_dirty = false;
	list_for_each_entry(svc, &e->svc_list, s_list) {
		if (!pick_svc_ok(e, svc))
			xdpvs_pick_release(e, svc);
		else if (!svc->pick || !svc->pick->n)
			xdpvs_pick_fill(e, svc);
	}
}

void xdpvs_pick_seen(struct xdpvs_engine *e, struct xdpvs_svc *svc)
{
	struct xdpvs_pick_ahead *pa = svc->pick;

	if (!pa || !pa->n || ++pa->seen < (pa->n + 1) / 2)
		return;
	pick_take(e, svc, false);
	xdpvs_pick_fill(e, svc);
}

int xdpvs_pick_given_back(struct xdpvs_engine *e, struct xdpvs_svc *svc,
			  const struct xdpvs_flow_event_new *n)
{
	struct xdpvs_pick_ahead *pa = svc ? svc->pick : NULL;

	/* gens wrap: serial-number order */
	if (!pa || (int32_t)(n->ev.gen - pa->back_gen) < 0 ||
	    pa->nback == PICK_BACK_MAX)
		return -ESTALE;
	pa->back[pa->nback].gen = n->ev.gen;
	pa->back[pa->nback].dest_idx = n->dest_idx;
	pa->back[pa->nback].pad = 0;
	pa->nback++;
	return 0;
}

/* The oldest pick given back, if any, into *pk. */
static bool pick_back_pop(struct xdpvs_pick_ahead *pa, struct xdpvs_pick *pk)
{
	if (!pa->nback)
		return false;
	*pk = pa->back[0];
	pa->nback--;
	memmove(pa->back, pa->back + 1, pa->nback * sizeof(pa->back[0]));
	return true;
}

struct xdpvs_dest *xdpvs_pick_use(struct xdpvs_engine *e,
				  struct xdpvs_svc *svc)
{
	struct xdpvs_pick_ahead *pa = svc->pick;
	struct xdpvs_dest *d;
	struct xdpvs_pick pk;

	if (pa && pick_back_pop(pa, &pk)) {
		/* given back since the last change: its real server the
		 * same */
		d = pk.dest_idx ? e->slot_dest[pk.dest_idx] : NULL;
		if (d && d->svc == svc)
			return d;
	}
	if (!pa || !pa->n || !e->env.pick_next ||
	    e->env.pick_next(e->env.ctx, pa->ring, &pk))
		return NULL;
	/* Cannot fail: picks are taken back before their real servers
	 * change.  If it did, the take back would skip this one. */
	d = pk.dest_idx ? e->slot_dest[pk.dest_idx] : NULL;	/* 16 bits */
	if (!d || d->svc != svc)
		return NULL;
	xdpvs_pick_seen(e, svc);
	return d;
}

struct xdpvs_dest *xdpvs_pick_dest(struct xdpvs_engine *e,
				   struct xdpvs_svc *svc,
				   const struct xdpvs_flow_event_new *n)
{
	const struct xdpvs_flow_value *t;
	struct xdpvs_dest *d;

	if (!svc || !n->dest_idx)	/* dest_idx < XDPVS_FLOW_MAX_SLOTS: 16 bits */
		return NULL;
	d = e->slot_dest[n->dest_idx];
	if (!d || d->svc != svc || !xdpvs_dest_is_available(d))
		return NULL;
	t = d->pick_tmpl;
	if (!t || memcmp(&t->new_daddr, &n->new_daddr, sizeof(t->new_daddr)) ||
	    t->new_dport != n->new_dport)
		return NULL;
	return d;
}

const struct xdpvs_flow_value *xdpvs_pick_tmpl(const struct xdpvs_dest *d)
{
	return d->pick_tmpl;
}

void xdpvs_pick_dest_free(struct xdpvs_dest *d)
{
	free(d->pick_tmpl);
	d->pick_tmpl = NULL;
}
