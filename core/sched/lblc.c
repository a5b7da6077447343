// SPDX-License-Identifier: GPL-2.0-only
/*
 * Locality-based least-connection scheduling, as the kernel's ip_vs_lblc.c.
 *
 * Each service keeps a cache from a packet's destination address (the
 * virtual address, or whatever a fwmark service caught) to the dest last
 * chosen for it, in 1024 buckets (CONFIG_IP_VS_LBLC_TAB_BITS 10) keyed by
 * hash_32(fold(daddr), 10), each bucket newest first.
 *
 * Schedule: a cached dest is used again (and the entry's lastuse set to
 * now) if it is still in the service, has weight > 0 and is not
 * "overloaded": more active connections than its weight while some dest of
 * the service has activeconns * 2 < weight.  Otherwise the wlc pick over
 * all dests (see wlc.c) is taken and replaces the cached dest, or starts a
 * new entry unless the cache already holds max_size * 3 / 2 = 24576.
 * Entries hold a reference to their dest, so a removed dest stays cached
 * (and is used again if it is added back) until its entry goes.
 *
 * Garbage collection runs every 60 s (from the first tick): every 30th run
 * removes the entries unused for lblc_expiration (default 24 h); the others
 * do nothing unless the cache holds more than max_size = 16384 entries, in
 * which case entries idle for over 6 min are removed, bucket by bucket from
 * a rover, until min((entries - max_size) * 4 / 3, max_size / 2) are gone.
 * A run over max_size does not count towards the 30.
 *
 * All entries come from a pool allocated with the service's scheduler:
 * scheduling never allocates.
 */
#include <errno.h>
#include <stdlib.h>

#include "common.h"

#define LBLC_TAB_BITS 10
#define LBLC_TAB_SIZE (1 << LBLC_TAB_BITS)
#define LBLC_TAB_MASK (LBLC_TAB_SIZE - 1)
#define LBLC_MAX_SIZE (LBLC_TAB_SIZE * 16)	/* entries; GC trims above */
#define LBLC_POOL_SIZE (LBLC_MAX_SIZE * 3 / 2)	/* entries; hard limit */
#define LBLC_CHECK_INTERVAL SCHED_SEC(60)
#define LBLC_ENTRY_TIMEOUT SCHED_SEC(6 * 60)
#define LBLC_DEFAULT_EXPIRATION (24 * 60 * 60)	/* seconds */
#define LBLC_COUNT_FOR_FULL_EXPIRATION 30	/* GC runs */

struct lblc_entry {
	struct lblc_entry *next;	/* in a bucket, or the free list */
	struct xdpvs_dest *dest;	/* held */
	uint64_t lastuse;		/* ns */
	union xdpvs_addr addr;
	uint16_t af;
};

struct lblc_table {
	struct lblc_entry *bucket[LBLC_TAB_SIZE];
	struct lblc_entry *free;
	int entries;
	int max_size;
	int rover;			/* last bucket a GC run looked at */
	int counter;			/* GC runs since the last full one */
	bool armed;			/* next_check is set */
	uint64_t next_check;		/* ns */
	struct lblc_entry pool[LBLC_POOL_SIZE];
};

static uint32_t lblc_hashkey(int af, const union xdpvs_addr *addr)
{
	return sched_hash_32(sched_addr_fold(af, addr), LBLC_TAB_BITS);
}

static uint64_t lblc_expiration(const struct xdpvs_svc *svc)
{
	if (!svc->sched_env)
		return SCHED_SEC(LBLC_DEFAULT_EXPIRATION);
	return SCHED_SEC(svc->sched_env->lblc_expiration);
}

/* The link that points at the entry for addr, or NULL. */
static struct lblc_entry **lblc_find(struct lblc_table *tbl, int af,
				     const union xdpvs_addr *addr)
{
	struct lblc_entry **pp = &tbl->bucket[lblc_hashkey(af, addr)];

	for (; *pp; pp = &(*pp)->next)
		if (xdpvs_addr_equal(af, &(*pp)->addr, addr))
			return pp;
	return NULL;
}

/* Unlink the entry *pp points at, drop its dest and free it. */
static void lblc_del(struct lblc_table *tbl, struct lblc_entry **pp)
{
	struct lblc_entry *en = *pp;

	*pp = en->next;
	xdpvs_dest_put(en->dest);
	en->next = tbl->free;
	tbl->free = en;
	tbl->entries--;
}

/* Cache dest for daddr, replacing another dest; nothing when the cache is
 * full (the dest is used all the same). */
static void lblc_new(struct lblc_table *tbl, int af,
		     const union xdpvs_addr *daddr, struct xdpvs_dest *dest,
		     uint64_t now)
{
	struct lblc_entry **pp = lblc_find(tbl, af, daddr), *en;
	uint32_t h;

	if (pp) {
		if ((*pp)->dest == dest)
			return;
		lblc_del(tbl, pp);
	}
	if (tbl->entries >= tbl->max_size * 3 / 2 || !tbl->free)
		return;
	en = tbl->free;
	tbl->free = en->next;
	en->af = af;
	en->addr = *daddr;
	en->lastuse = now;
	xdpvs_dest_hold(dest);
	en->dest = dest;
	h = lblc_hashkey(af, daddr);
	en->next = tbl->bucket[h];
	tbl->bucket[h] = en;
	tbl->entries++;
}

/* Remove the entries of bucket j unused for timeout; how many went. */
static int lblc_expire_bucket(struct lblc_table *tbl, int j, uint64_t now,
			      uint64_t timeout)
{
	struct lblc_entry **pp = &tbl->bucket[j];
	int n = 0;

	while (*pp) {
		if (now < (*pp)->lastuse + timeout) {
			pp = &(*pp)->next;
			continue;
		}
		lblc_del(tbl, pp);
		n++;
	}
	return n;
}

/* One garbage collection run (the kernel's periodic timer). */
static void lblc_check_expire(struct xdpvs_svc *svc, uint64_t now)
{
	struct lblc_table *tbl = svc->sched_data;
	int goal, i, j = tbl->rover;

	if (tbl->counter % LBLC_COUNT_FOR_FULL_EXPIRATION == 0) {
		for (i = 0; i < LBLC_TAB_SIZE; i++) {
			j = (j + 1) & LBLC_TAB_MASK;
			lblc_expire_bucket(tbl, j, now, lblc_expiration(svc));
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
	for (i = 0; i < LBLC_TAB_SIZE; i++) {
		j = (j + 1) & LBLC_TAB_MASK;
		goal -= lblc_expire_bucket(tbl, j, now, LBLC_ENTRY_TIMEOUT);
		if (goal <= 0)
			break;
	}
	tbl->rover = j;
}

static void lblc_tick(struct xdpvs_svc *svc, uint64_t now)
{
	struct lblc_table *tbl = svc->sched_data;

	if (!tbl->armed) {
		tbl->armed = true;
		tbl->next_check = now + LBLC_CHECK_INTERVAL;
		return;
	}
	if (now < tbl->next_check)
		return;
	lblc_check_expire(svc, now);
	tbl->next_check = now + LBLC_CHECK_INTERVAL;
}

static int lblc_init(struct xdpvs_svc *svc)
{
	struct lblc_table *tbl = calloc(1, sizeof(*tbl));
	int i;

	if (!tbl)
		return -ENOMEM;
	for (i = LBLC_POOL_SIZE - 1; i >= 0; i--) {
		tbl->pool[i].next = tbl->free;
		tbl->free = &tbl->pool[i];
	}
	tbl->max_size = LBLC_MAX_SIZE;
	tbl->counter = 1;
	svc->sched_data = tbl;
	return 0;
}

static void lblc_done(struct xdpvs_svc *svc)
{
	struct lblc_table *tbl = svc->sched_data;
	int i;

	for (i = 0; i < LBLC_TAB_SIZE; i++)
		while (tbl->bucket[i])
			lblc_del(tbl, &tbl->bucket[i]);
	free(tbl);
}

/* More active connections than its weight, while another dest is under
 * half its own: the kernel's reason to move a cached address away. */
static bool lblc_is_overloaded(const struct xdpvs_dest *dest,
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

static struct xdpvs_dest *lblc_schedule(struct xdpvs_svc *svc,
					const struct xdpvs_sched_pkt *p)
{
	struct lblc_table *tbl = svc->sched_data;
	struct lblc_entry **pp = lblc_find(tbl, svc->af, &p->daddr);
	struct xdpvs_dest *d;

	if (pp) {
		(*pp)->lastuse = p->now;
		d = (*pp)->dest;
		if (xdpvs_dest_is_available(d) && d->weight > 0 &&
		    !lblc_is_overloaded(d, svc))
			return d;
	}
	d = sched_wlc_least(svc);
	if (d)
		lblc_new(tbl, svc->af, &p->daddr, d, p->now);
	return d;
}

const struct xdpvs_sched_ops xdpvs_sched_lblc = {
	.name = "lblc",
	.init = lblc_init,
	.done = lblc_done,
	.schedule = lblc_schedule,
	.tick = lblc_tick,
};
