// SPDX-License-Identifier: GPL-2.0-only
/*
 * The connection table, as the kernel's ip_vs_conn.c.
 *
 * Every connection is hashed once, by protocol, client address and client
 * port.  A packet from the client finds it with its source address and
 * port; a NAT reply from the real server with its destination address and
 * port, which are the client's.  So one table and one hash serve both
 * directions, as in the kernel.
 *
 * Entries come from a pool allocated once (calloc: the pages are touched
 * only as entries are used), so the packet path never allocates and a full
 * table is a counted drop rather than an out-of-memory.  The hash table is
 * sized from the capacity (a bucket per entry: a lookup that finds nothing,
 * a new connection's, reads half an entry on average when the table is
 * half full, each one a cache miss at a million), not from conn_tab_bits,
 * which only sets the size ipvsadm shows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "conn.h"
#include "dest.h"
#include "engine_priv.h"
#include "flow.h"
#include "pe.h"
#include "sync.h"

#define CONN_TEMPLATE_REARM_S 60	/* a template still controlling */

/* splitmix64's finaliser: a good 64-bit mixer. */
static uint64_t conn_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static uint32_t conn_hashkey(const struct xdpvs_conn_tab *t, int af,
			     uint16_t proto, const union xdpvs_addr *addr,
			     uint16_t port)
{
	uint64_t h = t->seed ^ ((uint64_t)proto << 16 | port);

	if (af == AF_INET6) {
		h = conn_mix(h ^ ((uint64_t)addr->ip6[0] << 32 | addr->ip6[1]));
		h ^= (uint64_t)addr->ip6[2] << 32 | addr->ip6[3];
	} else {
		h ^= (uint64_t)addr->ip << 32;
	}
	return (uint32_t)conn_mix(h) & t->mask;
}

/* The key of a lookup: a persistence engine's key when it has one (SIP
 * templates hash by Call-ID), else the client address and port. */
static uint32_t conn_hashkey_param(const struct xdpvs_conn_tab *t,
				   const struct xdpvs_conn_param *p)
{
	if (p->pe_data && p->pe && p->pe->hashkey_raw)
		return p->pe->hashkey_raw(p->pe_data, p->pe_data_len,
					  t->seed) & t->mask;
	return conn_hashkey(t, p->af, p->protocol, p->caddr, p->cport);
}

static uint32_t conn_hashkey_conn(const struct xdpvs_conn_tab *t,
				  const struct xdpvs_conn *cp)
{
	struct xdpvs_conn_param p = {
		.af = cp->af, .protocol = cp->protocol,
		.caddr = &cp->caddr, .cport = cp->cport,
		.pe = cp->pe, .pe_data = cp->pe_data,
		.pe_data_len = cp->pe_data_len,
	};

	return conn_hashkey_param(t, &p);
}

static uint32_t conn_pow2(uint32_t n)
{
	uint32_t p = 1;

	while (p < n && p < (1U << 30))
		p <<= 1;
	return p;
}

int xdpvs_conn_tab_init(struct xdpvs_conn_tab *t, uint32_t max, uint64_t seed)
{
	uint32_t nb = conn_pow2(max > 4096 ? max : 4096);

	memset(t, 0, sizeof(*t));
	t->buckets = calloc(nb, sizeof(*t->buckets));
	t->pool = calloc(max, sizeof(*t->pool));
	t->pe_pool = calloc(max, XDPVS_PEDATA_MAXLEN);
	if (!t->buckets || !t->pool || !t->pe_pool) {
		free(t->buckets);
		free(t->pool);
		free(t->pe_pool);
		return -ENOMEM;
	}
	t->mask = nb - 1;
	t->max = max;
	t->seed = conn_mix(seed ^ 0x9e3779b97f4a7c15ULL);
	return 0;
}

void xdpvs_conn_tab_free(struct xdpvs_conn_tab *t)
{
	free(t->buckets);
	free(t->pool);
	free(t->pe_pool);
	memset(t, 0, sizeof(*t));
}

static void conn_hash(struct xdpvs_conn_tab *t, struct xdpvs_conn *cp)
{
	struct xdpvs_conn **head;

	/* One-packet connections are never looked up: they live only for
	 * the packet that made them. */
	if (cp->flags & (XDPVS_CONN_F_ONE_PACKET | XDPVS_CONN_F_HASHED))
		return;
	head = &t->buckets[conn_hashkey_conn(t, cp)];
	cp->hnext = *head;
	if (cp->hnext)
		cp->hnext->hpprev = &cp->hnext;
	cp->hpprev = head;
	*head = cp;
	cp->flags |= XDPVS_CONN_F_HASHED;
}

static bool conn_unhash(struct xdpvs_conn *cp)
{
	if (!(cp->flags & XDPVS_CONN_F_HASHED))
		return false;
	*cp->hpprev = cp->hnext;
	if (cp->hnext)
		cp->hnext->hpprev = cp->hpprev;
	cp->hnext = NULL;
	cp->hpprev = NULL;
	cp->flags &= ~XDPVS_CONN_F_HASHED;
	return true;
}

static struct xdpvs_conn *conn_lookup_in(struct xdpvs_engine *e,
					 const struct xdpvs_conn_param *p)
{
	struct xdpvs_conn_tab *t = &e->conns;
	struct xdpvs_conn *cp;

	cp = t->buckets[conn_hashkey(t, p->af, p->protocol, p->caddr,
				     p->cport)];
	for (; cp; cp = cp->hnext) {
		/* A zero cport finds only connections still waiting for
		 * theirs; a real one only connections that have it. */
		if (p->cport == cp->cport && p->vport == cp->vport &&
		    cp->af == p->af && p->protocol == cp->protocol &&
		    !p->cport == !!(cp->flags & XDPVS_CONN_F_NO_CPORT) &&
		    xdpvs_addr_equal(p->af, p->caddr, &cp->caddr) &&
		    xdpvs_addr_equal(p->af, p->vaddr, &cp->vaddr))
			return cp;
	}
	return NULL;
}

struct xdpvs_conn *xdpvs_conn_in_get(struct xdpvs_engine *e,
				     const struct xdpvs_conn_param *p)
{
	struct xdpvs_conn *cp = conn_lookup_in(e, p);

	if (!cp && e->conns.no_cport) {
		struct xdpvs_conn_param zp = *p;

		zp.cport = 0;
		cp = conn_lookup_in(e, &zp);
	}
	return cp;
}

struct xdpvs_conn *xdpvs_conn_out_get(struct xdpvs_engine *e,
				      const struct xdpvs_conn_param *p)
{
	struct xdpvs_conn_tab *t = &e->conns;
	struct xdpvs_conn *cp;

	cp = t->buckets[conn_hashkey(t, p->af, p->protocol, p->caddr,
				     p->cport)];
	for (; cp; cp = cp->hnext) {
		const union xdpvs_addr *saddr;
		uint16_t sport;

		if (p->cport != cp->cport)
			continue;
		/* A NAT reply comes from the real server; anything else
		 * would come from the virtual address itself. */
		if (xdpvs_conn_fwd(cp) == XDPVS_CONN_F_MASQ) {
			saddr = &cp->daddr;
			sport = cp->dport;
		} else {
			saddr = &cp->vaddr;
			sport = cp->vport;
		}
		if (p->vport == sport && cp->af == p->af &&
		    p->protocol == cp->protocol &&
		    !(cp->flags & XDPVS_CONN_F_TEMPLATE) &&
		    xdpvs_addr_equal(p->af, p->caddr, &cp->caddr) &&
		    xdpvs_addr_equal(p->af, p->vaddr, saddr))
			return cp;
	}
	return NULL;
}

struct xdpvs_conn *xdpvs_ct_in_get(struct xdpvs_engine *e,
				   const struct xdpvs_conn_param *p)
{
	struct xdpvs_conn_tab *t = &e->conns;
	struct xdpvs_conn *cp;
	/* A fwmark template's "vaddr" is the mark as an IPv4 address. */
	int vaf = p->protocol == IPPROTO_IP ? AF_INET : p->af;

	cp = t->buckets[conn_hashkey_param(t, p)];
	for (; cp; cp = cp->hnext) {
		if (!(cp->flags & XDPVS_CONN_F_TEMPLATE))
			continue;
		if (p->pe_data && p->pe && p->pe->ct_match) {
			if (p->pe == cp->pe && p->pe->ct_match(p, cp))
				return cp;
			continue;
		}
		if (cp->af == p->af && p->protocol == cp->protocol &&
		    p->vport == cp->vport && p->cport == cp->cport &&
		    xdpvs_addr_equal(p->af, p->caddr, &cp->caddr) &&
		    xdpvs_addr_equal(vaf, p->vaddr, &cp->vaddr))
			return cp;
	}
	return NULL;
}

static struct xdpvs_conn *conn_alloc(struct xdpvs_conn_tab *t)
{
	struct xdpvs_conn *cp = t->free;

	if (cp) {
		t->free = cp->hnext;
	} else {
		/* With no freed entry, the first count entries are all in
		 * use and the next never-used one follows them. */
		if (t->count >= t->max)
			return NULL;
		cp = &t->pool[t->count];
	}
	memset(cp, 0, sizeof(*cp));
	t->count++;
	return cp;
}

static void conn_release(struct xdpvs_conn_tab *t, struct xdpvs_conn *cp)
{
	memset(cp, 0, sizeof(*cp));	/* af 0 marks the entry free */
	cp->hnext = t->free;
	t->free = cp;
	t->count--;
}

/*
 * Attach cp to dest as ip_vs_bind_dest does: the connection inherits the
 * dest's forwarding flags (starting INACTIVE) and counts in its active /
 * total connections, or in its persistent ones for a template.
 */
static void conn_bind_dest(struct xdpvs_conn *cp, struct xdpvs_dest *dest)
{
	uint32_t conn_flags, flags = cp->flags;

	if (!dest)
		return;
	dest->refcnt++;
	conn_flags = dest->conn_flags;
	if (cp->protocol != IPPROTO_UDP || (flags & XDPVS_CONN_F_TEMPLATE))
		conn_flags &= ~XDPVS_CONN_F_ONE_PACKET;
	if (flags & XDPVS_CONN_F_SYNC) {
		/* Synced connections are hashed: never one-packet; a synced
		 * connection keeps its activity; the method is the dest's. */
		conn_flags &= ~XDPVS_CONN_F_ONE_PACKET;
		if (!(flags & XDPVS_CONN_F_TEMPLATE))
			conn_flags &= ~XDPVS_CONN_F_INACTIVE;
		flags &= ~(XDPVS_CONN_F_FWD_MASK | XDPVS_CONN_F_NOOUTPUT);
	}
	flags |= conn_flags;
	cp->flags = flags;
	cp->dest = dest;
	if (flags & XDPVS_CONN_F_TEMPLATE) {
		dest->persistconns++;
		return;
	}
	if (!(flags & XDPVS_CONN_F_INACTIVE))
		dest->activeconns++;
	dest->totalconns++;
	if ((uint32_t)dest->totalconns == dest->u_threshold)
		xdpvs_dest_update_overload(dest, 1);
}

void xdpvs_conn_bind_dest(struct xdpvs_conn *cp, struct xdpvs_dest *dest)
{
	if (!cp->dest)
		conn_bind_dest(cp, dest);
}

static void conn_unbind_dest(struct xdpvs_conn *cp)
{
	struct xdpvs_dest *dest = cp->dest;

	if (!dest)
		return;
	if (cp->flags & XDPVS_CONN_F_TEMPLATE) {
		dest->persistconns--;
	} else {
		uint32_t before = (uint32_t)dest->totalconns;

		if (!(cp->flags & XDPVS_CONN_F_INACTIVE))
			dest->activeconns--;
		dest->totalconns--;
		if (before == dest->l_threshold_val)
			xdpvs_dest_update_overload(dest, -1);
	}
	cp->dest = NULL;
	xdpvs_dest_put(dest);
}

struct xdpvs_conn *xdpvs_conn_new(struct xdpvs_engine *e,
				  const struct xdpvs_conn_param *p, int daf,
				  const union xdpvs_addr *daddr,
				  uint16_t dport, uint32_t flags,
				  struct xdpvs_dest *dest, uint32_t fwmark)
{
	struct xdpvs_conn *cp = conn_alloc(&e->conns);

	if (!cp)
		return NULL;
	cp->gen = ++e->conn_gen;
	cp->af = p->af;
	cp->daf = (uint16_t)daf;
	cp->protocol = p->protocol;
	cp->caddr = *p->caddr;
	cp->cport = p->cport;
	/* A fwmark template's vaddr is the mark as an IPv4 address. */
	if (p->protocol == IPPROTO_IP) {
		memset(&cp->vaddr, 0, sizeof(cp->vaddr));
		cp->vaddr.ip = p->vaddr->ip;
	} else {
		cp->vaddr = *p->vaddr;
	}
	cp->vport = p->vport;
	cp->daddr = *daddr;
	cp->dport = dport;
	cp->flags = flags;
	cp->fwmark = fwmark;
	if ((flags & XDPVS_CONN_F_TEMPLATE) && p->pe) {
		cp->pe = p->pe;
		if (p->pe_data) {
			cp->pe_data = e->conns.pe_pool +
				      (size_t)(cp - e->conns.pool) *
					      XDPVS_PEDATA_MAXLEN;
			memcpy(cp->pe_data, p->pe_data, p->pe_data_len);
			cp->pe_data_len = p->pe_data_len;
		}
	}
	if (flags & XDPVS_CONN_F_NO_CPORT)
		e->conns.no_cport++;
	conn_bind_dest(cp, dest);
	cp->state = 0;
	cp->timeout = 3;	/* until the first state transition */
	cp->sync_endtime = e->now;
	if (e->sysctl.conntrack)
		cp->flags |= 0x10000;	/* IP_VS_CONN_F_NFCT, never synced */
	conn_hash(&e->conns, cp);
	return cp;
}

void xdpvs_conn_put(struct xdpvs_engine *e, struct xdpvs_conn *cp)
{
	if ((cp->flags & XDPVS_CONN_F_ONE_PACKET) &&
	    !xdpvs_timer_pending(&cp->timer)) {
		xdpvs_conn_expire(e, cp);
		return;
	}
	xdpvs_wheel_add(&e->wheel, &cp->timer,
			e->now + (uint64_t)cp->timeout * XDPVS_NSEC_PER_SEC);
}

void xdpvs_conn_expire_now(struct xdpvs_engine *e, struct xdpvs_conn *cp)
{
	if (xdpvs_timer_pending(&cp->timer) && cp->timer.expires > e->now)
		xdpvs_wheel_add(&e->wheel, &cp->timer, e->now);
}

/* Delete cp now if its timer is running (ip_vs_conn_del); a controlled
 * connection deleted this way may take its template along. */
static void conn_del(struct xdpvs_engine *e, struct xdpvs_conn *cp)
{
	if (!xdpvs_timer_pending(&cp->timer))
		return;
	xdpvs_wheel_del(&e->wheel, &cp->timer);
	if (cp->control)
		cp->timeout = 0;
	xdpvs_conn_expire(e, cp);
}

/* Unlink cp from its template; drop the template too when cp was deleted
 * early and the template is left with nothing to control and is not
 * assured (or is a plain controlling connection). */
static void conn_control_del(struct xdpvs_engine *e, struct xdpvs_conn *cp)
{
	struct xdpvs_conn *ct = cp->control;
	bool deleted_early = cp->timeout == 0;

	cp->control = NULL;
	if (ct->n_control)
		ct->n_control--;
	if (deleted_early && !ct->n_control &&
	    (!(ct->flags & XDPVS_CONN_F_TEMPLATE) ||
	     !(ct->state & XDPVS_CTPL_S_ASSURED)))
		conn_del(e, ct);
}

void xdpvs_conn_expire(struct xdpvs_engine *e, struct xdpvs_conn *cp)
{
	/* A template that still controls connections lives on, re-checked
	 * every 60 s (and keeps 60 s as its timeout).  Counted from when it
	 * was due, as the kernel's timer would have run then, however late
	 * the caller's clock brought us here. */
	if (cp->n_control) {
		uint64_t due = cp->timer.expires;
		uint64_t base = due && due < e->now ? due : e->now;

		cp->timeout = CONN_TEMPLATE_REARM_S;
		xdpvs_wheel_add(&e->wheel, &cp->timer,
				base + CONN_TEMPLATE_REARM_S *
					       XDPVS_NSEC_PER_SEC);
		/* tell the backups it lives on (ip_vs_conn_expire) */
		xdpvs_sync_conn(e, cp, e->sysctl.sync_threshold);
		return;
	}
	xdpvs_wheel_del(&e->wheel, &cp->timer);
	xdpvs_flow_remove(e, cp);
	conn_unhash(cp);
	if (cp->control)
		conn_control_del(e, cp);
	conn_unbind_dest(cp);
	if (cp->flags & XDPVS_CONN_F_NO_CPORT)
		e->conns.no_cport--;
	conn_release(&e->conns, cp);
}

bool xdpvs_conn_check_template(struct xdpvs_engine *e, struct xdpvs_conn *ct,
			       struct xdpvs_dest *cdest)
{
	struct xdpvs_dest *dest = ct->dest;

	if (dest && xdpvs_dest_is_available(dest) &&
	    !(e->sysctl.expire_quiescent_template && dest->weight == 0) &&
	    (!cdest || dest == cdest))
		return true;
	/* Park it where no lookup finds it; it expires on its own. */
	if (ct->vport != htons(0xffff) && conn_unhash(ct)) {
		ct->dport = htons(0xffff);
		ct->vport = htons(0xffff);
		ct->cport = 0;
		conn_hash(&e->conns, ct);
	}
	return false;
}

void xdpvs_conn_fill_cport(struct xdpvs_engine *e, struct xdpvs_conn *cp,
			   uint16_t cport)
{
	if (!conn_unhash(cp))
		return;
	if (cp->flags & XDPVS_CONN_F_NO_CPORT) {
		e->conns.no_cport--;
		cp->flags &= ~XDPVS_CONN_F_NO_CPORT;
		cp->cport = cport;
	}
	conn_hash(&e->conns, cp);
}

/* Call fn on every hashed connection; fn may delete any of them, so the
 * walk restarts a chain whenever the table changed under it. */
uint32_t xdpvs_conn_for_each_from(struct xdpvs_engine *e, uint32_t from,
				  uint32_t max,
				  void (*fn)(struct xdpvs_engine *,
					     struct xdpvs_conn *))
{
	struct xdpvs_conn_tab *t = &e->conns;
	uint32_t i, n = 0;

	for (i = from; i <= t->mask; i++) {
		struct xdpvs_conn *cp = t->buckets[i];

		/* whole buckets: i + 1 is where the rest begins */
		if (n >= max && i > from)
			return i;
		while (cp) {
			struct xdpvs_conn *next = cp->hnext;
			uint32_t count = t->count;

			fn(e, cp);
			n++;
			cp = t->count == count ? next : t->buckets[i];
		}
	}
	return 0;
}

void xdpvs_conn_for_each(struct xdpvs_engine *e,
			 void (*fn)(struct xdpvs_engine *, struct xdpvs_conn *))
{
	xdpvs_conn_for_each_from(e, 0, UINT32_MAX, fn);
}

static void conn_flush_one(struct xdpvs_engine *e, struct xdpvs_conn *cp)
{
	/* Templates go once the connections they control are gone. */
	if (!cp->n_control)
		conn_del(e, cp);
}

void xdpvs_conn_flush(struct xdpvs_engine *e)
{
	int pass;

	/* Each pass removes a level of control: connections, then the
	 * templates they kept alive. */
	for (pass = 0; pass < 3 && e->conns.count; pass++)
		xdpvs_conn_for_each(e, conn_flush_one);
}

static void conn_nodest_one(struct xdpvs_engine *e, struct xdpvs_conn *cp)
{
	struct xdpvs_conn *ct = cp->control;

	if (!cp->dest || xdpvs_dest_is_available(cp->dest) || cp->n_control)
		return;
	conn_del(e, cp);
	if (ct && !ct->n_control)
		conn_del(e, ct);
}

void xdpvs_conn_expire_nodest(struct xdpvs_engine *e)
{
	xdpvs_conn_for_each(e, conn_nodest_one);
}
