// SPDX-License-Identifier: GPL-2.0-only
/*
 * Maglev hashing scheduling, as the kernel's ip_vs_mh.c, with its flags
 * -b mh-fallback (XDPVS_SVC_F_SCHED1) and -b mh-port (XDPVS_SVC_F_SCHED2).
 *
 * The lookup table has M slots, M the prime of the engine's mh_tab_index
 * (the kernel's CONFIG_IP_VS_MH_TAB_INDEX, default 12: M = 4093).  Hashes
 * are the kernel's hsiphash of the u32 v = offset + port + fold(addr) (host
 * order) under two fixed keys, so tables agree across directors: on x86-64
 * hsiphash is SipHash-1-3 truncated to 32 bits.
 *
 * Permutation, per dest in list order (newest first), from its address and
 * port: offset = H1 % M, skip = H2 % (M - 1) + 1.  Weights come from
 * last_weight (the latest non-zero weight), so quiescing a dest with weight
 * 0 leaves the table as it is: g = gcd of the positive last_weights,
 * rshift = max(0, fls(max / g) - index / 2), turns = (lw / g) >> rshift, or
 * 1 if that is 0 and lw is not.
 *
 * Population: rounds over the dest list; each dest with turns > 0 claims
 * its next free slot of offset, offset + skip, ... (mod M), and the walk
 * moves to the next dest after `turns` claims (the count carrying over from
 * one round to the next), until all M slots are taken.  Slots not claimed
 * again keep their old dest; with no positive last_weight the table is
 * emptied.  Rebuilt when a dest is added, removed or edited; more dests
 * than M is -EINVAL and leaves the table as it was.
 *
 * Lookup: slot H1(client address, port) % M, port being the source port
 * with mh-port (TCP, UDP, SCTP) or 0.  A dest of weight <= 0 or overloaded
 * is refused: no dest, or with mh-fallback slots H1(addr, port, offset =
 * (i + first slot) % M) % M for i = 0..M-1, stopping at an empty slot.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define MH_TAB_INDEX_DEFAULT 12
#define MH_TAB_INDEX_MIN 8
#define MH_TAB_INDEX_MAX 17

/* The kernel's fixed keys (generate_hash_secret), unsigned longs. */
#define MH_KEY1 2654435761ULL
#define MH_KEY2 2654446892ULL

static const uint32_t mh_primes[] = { 251,   509,   1021,  2039,  4093,
				      8191,  16381, 32749, 65521, 131071 };

struct mh_dest_setup {
	uint32_t offset;	/* first slot */
	uint32_t skip;		/* step between slots */
	uint32_t perm;		/* next slot to try */
	int turns;		/* claims per round */
};

struct mh_state {
	struct xdpvs_dest **lookup;	/* size slots */
	uint32_t size;			/* M, a prime */
	int tab_bits;			/* index / 2: rshift keeps this many */
	int gcd;
	int rshift;
};

static bool mh_is_unavailable(const struct xdpvs_dest *d)
{
	return d->weight <= 0 || sched_is_overloaded(d);
}

static uint32_t mh_hashkey(int af, const union xdpvs_addr *addr,
			   uint16_t port, uint64_t key, uint32_t offset)
{
	uint32_t v = offset + ntohs(port) + sched_addr_fold(af, addr);

	return sched_hsiphash_u32(v, key, key);
}

/* The gcd of the positive last_weights, 0 when there are none. */
static int mh_gcd_weight(struct xdpvs_svc *svc)
{
	struct xdpvs_dest *d;
	int g = 0;

	list_for_each_entry(d, &svc->destinations, n_list) {
		if (d->last_weight <= 0)
			continue;
		g = g > 0 ? sched_gcd(d->last_weight, g) : d->last_weight;
	}
	return g;
}

/* fls(): the 1-based index of the highest bit set, 0 for 0. */
static int mh_fls(uint32_t x)
{
	return x ? 32 - __builtin_clz(x) : 0;
}

/* How far to shift last_weight / gcd so that the largest keeps tab_bits
 * bits (a table of M slots gives each dest few claims per round). */
static int mh_shift_weight(struct xdpvs_svc *svc, int gcd, int tab_bits)
{
	struct xdpvs_dest *d;
	int w = 0, shift;

	if (gcd < 1)
		return 0;
	list_for_each_entry(d, &svc->destinations, n_list)
		if (d->last_weight > w)
			w = d->last_weight;
	shift = mh_fls((uint32_t)(w / gcd)) - tab_bits;
	return shift >= 0 ? shift : 0;
}

static void mh_permutate(struct mh_state *s, struct xdpvs_svc *svc,
			 struct mh_dest_setup *ds)
{
	struct xdpvs_dest *d;
	int lw, t;

	list_for_each_entry(d, &svc->destinations, n_list) {
		ds->offset = mh_hashkey(svc->af, &d->addr, d->port, MH_KEY1,
					0) % s->size;
		ds->skip = mh_hashkey(svc->af, &d->addr, d->port, MH_KEY2,
				      0) % (s->size - 1) + 1;
		ds->perm = ds->offset;
		lw = d->last_weight;
		t = (lw / s->gcd) >> s->rshift;
		ds->turns = t ? t : (lw != 0);
		ds++;
	}
}

/*
 * Claim all M slots (see the top of the file); taken marks slots claimed in
 * this population.  Needs at least one dest with turns > 0.
 */
static void mh_populate(struct mh_state *s, struct xdpvs_svc *svc,
			struct mh_dest_setup *setup, uint8_t *taken)
{
	struct list_head *head = &svc->destinations, *p = head;
	struct mh_dest_setup *ds;
	uint32_t n = 0, c;
	int dt_count = 0;

	for (;;) {
		if (p == head)
			p = p->next;
		ds = setup;
		while (p != head) {
			if (ds->turns < 1) {	/* added with weight 0 */
				p = p->next;
				ds++;
				continue;
			}
			c = ds->perm;
			while (taken[c]) {
				ds->perm += ds->skip;
				if (ds->perm >= s->size)
					ds->perm -= s->size;
				c = ds->perm;
			}
			taken[c] = 1;
			s->lookup[c] = list_entry(p, struct xdpvs_dest, n_list);
			if (++n == s->size)
				return;
			if (++dt_count >= ds->turns) {
				dt_count = 0;
				p = p->next;
				ds++;
			}
		}
	}
}

static int mh_reassign(struct mh_state *s, struct xdpvs_svc *svc)
{
	struct mh_dest_setup *setup;
	struct list_head *p;
	uint32_t n = 0;
	uint8_t *taken;

	list_for_each(p, &svc->destinations)
		n++;
	if (n > s->size)
		return -EINVAL;
	s->gcd = mh_gcd_weight(svc);
	s->rshift = mh_shift_weight(svc, s->gcd, s->tab_bits);
	if (s->gcd < 1) {
		/* No dest, or none ever had a weight: an empty table. */
		memset(s->lookup, 0, s->size * sizeof(*s->lookup));
		return 0;
	}
	setup = calloc(n, sizeof(*setup));
	taken = calloc(s->size, 1);
	if (!setup || !taken) {
		free(setup);
		free(taken);
		return -ENOMEM;
	}
	mh_permutate(s, svc, setup);
	mh_populate(s, svc, setup, taken);
	free(taken);
	free(setup);
	return 0;
}

static uint32_t mh_tab_index(const struct xdpvs_svc *svc)
{
	uint32_t i = svc->sched_env ? svc->sched_env->mh_tab_index : 0;

	if (i < MH_TAB_INDEX_MIN || i > MH_TAB_INDEX_MAX)
		return MH_TAB_INDEX_DEFAULT;
	return i;
}

static int mh_init(struct xdpvs_svc *svc)
{
	uint32_t index = mh_tab_index(svc);
	struct mh_state *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return -ENOMEM;
	s->size = mh_primes[index - MH_TAB_INDEX_MIN];
	s->tab_bits = index / 2;
	s->lookup = calloc(s->size, sizeof(*s->lookup));
	if (!s->lookup) {
		free(s);
		return -ENOMEM;
	}
	err = mh_reassign(s, svc);
	if (err) {
		free(s->lookup);
		free(s);
		return err;
	}
	svc->sched_data = s;
	return 0;
}

static void mh_done(struct xdpvs_svc *svc)
{
	struct mh_state *s = svc->sched_data;

	free(s->lookup);
	free(s);
}

/*
 * The kernel rebuilds on every add, delete and edit.  When that fails
 * (more dests than slots) it keeps the old table, whose entries it holds
 * references to; here a removed dest is taken out of the kept table
 * instead, so that it is never handed out.
 */
static int mh_update_service(struct xdpvs_svc *svc, struct xdpvs_dest *dest,
			     enum xdpvs_sched_event ev)
{
	struct mh_state *s = svc->sched_data;
	uint32_t i;
	int err = mh_reassign(s, svc);

	if (err && ev == XDPVS_SCHED_DEL_DEST)
		for (i = 0; i < s->size; i++)
			if (s->lookup[i] == dest)
				s->lookup[i] = NULL;
	return err;
}

static struct xdpvs_dest *mh_get_fallback(struct xdpvs_svc *svc,
					  struct mh_state *s,
					  const union xdpvs_addr *addr,
					  uint16_t port)
{
	uint32_t offset, roffset, hash, ihash;
	struct xdpvs_dest *d;

	ihash = mh_hashkey(svc->af, addr, port, MH_KEY1, 0) % s->size;
	d = s->lookup[ihash];
	if (!d)
		return NULL;
	if (!mh_is_unavailable(d))
		return d;
	for (offset = 0; offset < s->size; offset++) {
		roffset = (offset + ihash) % s->size;
		hash = mh_hashkey(svc->af, addr, port, MH_KEY1, roffset) %
		       s->size;
		d = s->lookup[hash];
		if (!d)
			break;
		if (!mh_is_unavailable(d))
			return d;
	}
	return NULL;
}

static struct xdpvs_dest *mh_schedule(struct xdpvs_svc *svc,
				      const struct xdpvs_sched_pkt *p)
{
	struct mh_state *s = svc->sched_data;
	uint16_t port = 0;
	struct xdpvs_dest *d;

	if (svc->flags & XDPVS_SVC_F_SCHED_MH_PORT)
		port = sched_hash_port(p);
	if (svc->flags & XDPVS_SVC_F_SCHED_MH_FALLBACK)
		return mh_get_fallback(svc, s, &p->saddr, port);
	d = s->lookup[mh_hashkey(svc->af, &p->saddr, port, MH_KEY1, 0) %
		      s->size];
	return d && !mh_is_unavailable(d) ? d : NULL;
}

const struct xdpvs_sched_ops xdpvs_sched_mh = {
	.name = "mh",
	.init = mh_init,
	.done = mh_done,
	.update_service = mh_update_service,
	.schedule = mh_schedule,
};
