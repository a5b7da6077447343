// SPDX-License-Identifier: GPL-2.0-only
/*
 * Locality-based least-connection with replication, as the kernel's
 * ip_vs_lblcr.c.
 *
 * Like lblc (see lblc.c: 1024 buckets keyed by hash_32(fold(daddr), 10),
 * newest first; the same garbage collection every 60 s with
 * lblcr_expiration; at most 24576 entries), but each destination address
 * maps to a set of dests, newest first, each held by reference.
 *
 * Schedule, cache hit (lastuse = now):
 *  1. dest = the wlc minimum of the set: the first member that is not
 *     overloaded, has weight > 0 and is still in the service, replaced by a
 *     later non-overloaded member still in the service when
 *     oh(dest) * w(member) > oh(member) * w(dest) (64 bits);
 *  2. if the set has more than one member and was last changed more than
 *     lblcr_expiration ago, its wlc maximum is dropped: the first member of
 *     weight > 0, replaced by a later member of weight > 0 when
 *     oh(max) * w(member) < oh(member) * w(max);
 *  3. dest from step 1 is used unless there is none or it is "overloaded"
 *     (more active connections than its weight while some dest of the
 *     service has activeconns * 2 < weight); then the wlc pick over the
 *     whole service (wlc.c) is used and added to the set if not there.
 * Cache miss: the wlc pick over the service starts a new entry.  Adding or
 * dropping a member sets the set's lastmod to now.
 *
 * Entries and set members come from pools allocated with the scheduler:
 * scheduling never allocates.  The member pool holds two per entry; when
 * it runs dry a member is not added, as when the kernel's allocation fails.
 */
#include <errno.h>
#include <stdlib.h>

#include "common.h"

#define LBLCR_TAB_BITS 10
#define LBLCR_TAB_SIZE (1 << LBLCR_TAB_BITS)
#define LBLCR_TAB_MASK (LBLCR_TAB_SIZE - 1)
#define LBLCR_MAX_SIZE (LBLCR_TAB_SIZE * 16)	/* entries; GC trims above */
#define LBLCR_POOL_SIZE (LBLCR_MAX_SIZE * 3 / 2)	/* entries: the limit */
#define LBLCR_ELEM_POOL_SIZE (LBLCR_POOL_SIZE * 2)	/* set members */
#define LBLCR_CHECK_INTERVAL SCHED_SEC(60)
#define LBLCR_ENTRY_TIMEOUT SCHED_SEC(6 * 60)
#define LBLCR_DEFAULT_EXPIRATION (24 * 60 * 60)	/* seconds */
#define LBLCR_COUNT_FOR_FULL_EXPIRATION 30		/* GC runs */

struct lblcr_elem {
	struct lblcr_elem *next;	/* in a set, or the free list */
	struct xdpvs_dest *dest;	/* held */
};

struct lblcr_entry {
	struct lblcr_entry *next;	/* in a bucket, or the free list */
	struct lblcr_elem *set;		/* newest first */
	int set_size;
	uint64_t lastmod;		/* ns: set last changed */
	uint64_t lastuse;		/* ns */
	union xdpvs_addr addr;
	uint16_t af;
};

struct lblcr_table {
	struct lblcr_entry *bucket[LBLCR_TAB_SIZE];
	struct lblcr_entry *free;
	struct lblcr_elem *free_elems;
	int entries;
	int max_size;
	int rover;			/* last bucket a GC run looked at */
	int counter;			/* GC runs since the last full one */
	bool armed;			/* next_check is set */
	uint64_t next_check;		/* ns */
	struct lblcr_entry pool[LBLCR_POOL_SIZE];
	struct lblcr_elem elem_pool[LBLCR_ELEM_POOL_SIZE];
};

static uint32_t lblcr_hashkey(int af, const union xdpvs_addr *addr)
{
	return sched_hash_32(sched_addr_fold(af, addr), LBLCR_TAB_BITS);
}

static uint64_t lblcr_expiration(const struct xdpvs_svc *svc)
{
	if (!svc->sched_env)
		return SCHED_SEC(LBLCR_DEFAULT_EXPIRATION);
	return SCHED_SEC(svc->sched_env->lblcr_expiration);
}

/* Add dest at the head of the set (unless check finds it there). */
static void lblcr_set_insert(struct lblcr_table *tbl, struct lblcr_entry *en,
			     struct xdpvs_dest *dest, bool check, uint64_t now)
{
	struct lblcr_elem *e;

	if (check)
		for (e = en->set; e; e = e->next)
			if (e->dest == dest)
				return;
	e = tbl->free_elems;
	if (!e)
		return;
	tbl->free_elems = e->next;
	xdpvs_dest_hold(dest);
	e->dest = dest;
	e->next = en->set;
	en->set = e;
	en->set_size++;
	en->lastmod = now;
}

static void lblcr_elem_free(struct lblcr_table *tbl, struct lblcr_elem *e)
{
	xdpvs_dest_put(e->dest);
	e->next = tbl->free_elems;
	tbl->free_elems = e;
}

static void lblcr_set_erase(struct lblcr_table *tbl, struct lblcr_entry *en,
			    struct xdpvs_dest *dest, uint64_t now)
{
	struct lblcr_elem **pp, *e;

	for (pp = &en->set; *pp; pp = &(*pp)->next) {
		if ((*pp)->dest != dest)
			continue;
		e = *pp;
		*pp = e->next;
		en->set_size--;
		en->lastmod = now;
		lblcr_elem_free(tbl, e);
		return;
	}
}

/* Step 1 at the top of the file; NULL when no member qualifies. */
static struct xdpvs_dest *lblcr_set_min(struct lblcr_entry *en)
{
	struct xdpvs_dest *d, *least = NULL;
	struct lblcr_elem *e;
	int64_t loh = 0, doh;

	for (e = en->set; e; e = e->next) {
		d = e->dest;
		if (sched_is_overloaded(d))
			continue;
		if (!least) {
			if (d->weight > 0 && xdpvs_dest_is_available(d)) {
				least = d;
				loh = sched_overhead(d);
			}
			continue;
		}
		doh = sched_overhead(d);
		if (loh * d->weight > doh * least->weight &&
		    xdpvs_dest_is_available(d)) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

/* Step 2 at the top of the file: the most loaded member of weight > 0
 * (overload and removal do not matter here); NULL when none. */
static struct xdpvs_dest *lblcr_set_max(struct lblcr_entry *en)
{
	struct xdpvs_dest *d, *most = NULL;
	struct lblcr_elem *e;
	int64_t moh = 0, doh;

	for (e = en->set; e; e = e->next) {
		d = e->dest;
		if (!most) {
			if (d->weight > 0) {
				most = d;
				moh = sched_overhead(d);
			}
			continue;
		}
		doh = sched_overhead(d);
		if (moh * d->weight < doh * most->weight && d->weight > 0) {
			most = d;
			moh = doh;
		}
	}
	return most;
}

/* The link that points at the entry for addr, or NULL. */
static struct lblcr_entry **lblcr_find(struct lblcr_table *tbl, int af,
				       const union xdpvs_addr *addr)
{
	struct lblcr_entry **pp = &tbl->bucket[lblcr_hashkey(af, addr)];

	for (; *pp; pp = &(*pp)->next)
		if (xdpvs_addr_equal(af, &(*pp)->addr, addr))
			return pp;
	return NULL;
}

/* Unlink the entry *pp points at, drop its set and free it. */
static void lblcr_del(struct lblcr_table *tbl, struct lblcr_entry **pp)
{
	struct lblcr_entry *en = *pp;
	struct lblcr_elem *e;

	*pp = en->next;
	while ((e = en->set)) {
		en->set = e->next;
		lblcr_elem_free(tbl, e);
	}
	en->set_size = 0;
	en->next = tbl->free;
	tbl->free = en;
	tbl->entries--;
}

/* A new entry for daddr with dest as its one member; nothing when the
 * cache is full (the dest is used all the same). */
static void lblcr_new(struct lblcr_table *tbl, int af,
		      const union xdpvs_addr *daddr, struct xdpvs_dest *dest,
		      uint64_t now)
{
	struct lblcr_entry *en;
	uint32_t h;

	if (tbl->entries >= tbl->max_size * 3 / 2 || !tbl->free)
		return;
	en = tbl->free;
	tbl->free = en->next;
	en->af = af;
	en->addr = *daddr;
	en->lastuse = now;
	en->set = NULL;
	en->set_size = 0;
	en->lastmod = now;
	lblcr_set_insert(tbl, en, dest, false, now);
	h = lblcr_hashkey(af, daddr);
	en->next = tbl->bucket[h];
	tbl->bucket[h] = en;
	tbl->entries++;
}

/* Remove the entries of bucket j unused for timeout; how many went. */
static int lblcr_expire_bucket(struct lblcr_table *tbl, int j, uint64_t now,
			       uint64_t timeout)
{
	struct lblcr_entry **pp = &tbl->bucket[j];
	int n = 0;

	while (*pp) {
		if (now < (*pp)->lastuse + timeout) {
			pp = &(*pp)->next;
			continue;
		}
		lblcr_del(tbl, pp);
		n++;
	}
	return n;
}

/* One garbage collection run (the kernel's periodic timer). */
static void lblcr_check_expire(struct xdpvs_svc *svc, uint64_t now)
{
	struct lblcr_table *tbl = svc->sched_data;
	int goal, i, j = tbl->rover;

	if (tbl->counter % LBLCR_COUNT_FOR_FULL_EXPIRATION == 0) {
		for (i = 0; i < LBLCR_TAB_SIZE; i++) {
			j = (j + 1) & LBLCR_TAB_MASK;
			lblcr_expire_bucket(tbl, j, now,
					    lblcr_expiration(svc));
		}
		tbl->rover = j;
		tbl->counter = 1;
		return;
	}
	if (tbl->entries <= tbl->max_size) {
		tbl->counter++;
		return;
	}
	goal = (tbl->entries - tbl->max_size) * 4 / 3;
	if (goal > tbl->max_size / 2)
		goal = tbl->max_size / 2;
	for (i = 0; i < LBLCR_TAB_SIZE; i++) {
		j = (j + 1) & LBLCR_TAB_MASK;
		goal -= lblcr_expire_bucket(tbl, j, now, LBLCR_ENTRY_TIMEOUT);
		if (goal <= 0)
			break;
	}
	tbl->rover = j;
}

static void lblcr_tick(struct xdpvs_svc *svc, uint64_t now)
{
	struct lblcr_table *tbl = svc->sched_data;

	if (!tbl->armed) {
		tbl->armed = true;
		tbl->next_check = now + LBLCR_CHECK_INTERVAL;
		return;
	}
	if (now < tbl->next_check)
		return;
	lblcr_check_expire(svc, now);
	tbl->next_check = now + LBLCR_CHECK_INTERVAL;
}

static int lblcr_init(struct xdpvs_svc *svc)
{
	struct lblcr_table *tbl = calloc(1, sizeof(*tbl));
	int i;

	if (!tbl)
		return -ENOMEM;
	for (i = LBLCR_POOL_SIZE - 1; i >= 0; i--) {
		tbl->pool[i].next = tbl->free;
		tbl->free = &tbl->pool[i];
	}
	for (i = LBLCR_ELEM_POOL_SIZE - 1; i >= 0; i--) {
		tbl->elem_pool[i].next = tbl->free_elems;
		tbl->free_elems = &tbl->elem_pool[i];
	}
	tbl->max_size = LBLCR_MAX_SIZE;
	tbl->counter = 1;
	svc->sched_data = tbl;
	return 0;
}

static void lblcr_done(struct xdpvs_svc *svc)
{
	struct lblcr_table *tbl = svc->sched_data;
	int i;

	for (i = 0; i < LBLCR_TAB_SIZE; i++)
		while (tbl->bucket[i])
			lblcr_del(tbl, &tbl->bucket[i]);
	free(tbl);
}

/* More active connections than its weight, while another dest is under
 * half its own. */
static bool lblcr_is_overloaded(const struct xdpvs_dest *dest,
				struct xdpvs_svc *svc)
{
	struct xdpvs_dest *d;

	if (dest->activeconns <= dest->weight)
		return false;
	list_for_each_entry(d, &svc->destinations, n_list)
		if ((int64_t)d->activeconns * 2 < d->weight)
			return true;
	return false;
}

static struct xdpvs_dest *lblcr_hit(struct xdpvs_svc *svc,
				    struct lblcr_entry *en,
				    const struct xdpvs_sched_pkt *p)
{
	struct lblcr_table *tbl = svc->sched_data;
	struct xdpvs_dest *d, *m;

	en->lastuse = p->now;
	d = lblcr_set_min(en);
	if (en->set_size > 1 && p->now > en->lastmod + lblcr_expiration(svc)) {
		m = lblcr_set_max(en);
		if (m)
			lblcr_set_erase(tbl, en, m, p->now);
	}
	if (d && !lblcr_is_overloaded(d, svc))
		return d;
	d = sched_wlc_least(svc);
	if (d)
		lblcr_set_insert(tbl, en, d, true, p->now);
	return d;
}

static struct xdpvs_dest *lblcr_schedule(struct xdpvs_svc *svc,
					 const struct xdpvs_sched_pkt *p)
{
	struct lblcr_table *tbl = svc->sched_data;
	struct lblcr_entry **pp = lblcr_find(tbl, svc->af, &p->daddr);
	struct xdpvs_dest *d;

	if (pp)
		return lblcr_hit(svc, *pp, p);
	d = sched_wlc_least(svc);
	if (d)
		lblcr_new(tbl, svc->af, &p->daddr, d, p->now);
	return d;
}

const struct xdpvs_sched_ops xdpvs_sched_lblcr = {
	.name = "lblcr",
	.init = lblcr_init,
	.done = lblcr_done,
	.schedule = lblcr_schedule,
	.tick = lblcr_tick,
};
