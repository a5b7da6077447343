// SPDX-License-Identifier: GPL-2.0-only
/*
 * Writing the XDP filter's maps (xdp.h): what dp/sync.c computed from the
 * configuration, and the local addresses of the route table, each map
 * made to hold exactly its entries without a gap (stale keys deleted,
 * the others updated in place).  Uses the maps' fds only, no skeleton.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <bpf/bpf.h>

#include "xdp.h"

/* n entries of key_size + val_size bytes each, sorted by key. */
struct xdp_entries {
	uint8_t *base;
	size_t key_size, val_size;
	uint32_t n;
};

static int xdp_cmp_key(const void *a, const void *b, void *arg)
{
	return memcmp(a, b, *(const size_t *)arg);
}

static bool xdp_has_key(const struct xdp_entries *e, const void *key)
{
	size_t stride = e->key_size + e->val_size;
	uint32_t lo = 0, hi = e->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(key, e->base + mid * stride, e->key_size);

		if (!c)
			return true;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return false;
}

/* Delete every key of map fd that is not among the entries. */
static int xdp_prune(int fd, const struct xdp_entries *e)
{
	uint8_t key[64], next[64], *stale = NULL;
	uint32_t nstale = 0, cap = 0, i;
	void *prev = NULL;
	int err = 0;

	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, e->key_size);
		prev = key;
		if (xdp_has_key(e, key))
			continue;
		if (nstale == cap) {
			uint8_t *p;

			cap = cap ? cap * 2 : 64;
			p = realloc(stale, cap * e->key_size);
			if (!p) {
				free(stale);
				return -ENOMEM;
			}
			stale = p;
		}
		memcpy(stale + nstale++ * e->key_size, key, e->key_size);
	}
	for (i = 0; i < nstale; i++)
		if (bpf_map_delete_elem(fd, stale + i * e->key_size) &&
		    errno != ENOENT)
			err = -errno;
	free(stale);
	return err;
}

/*
 * Make map fd hold exactly the entries (sorted here, in place): stale
 * keys go first, then every entry is written, so a key that stays is
 * never missing.  A map without values (xdpvs_nat_rs, xdpvs_local) gets
 * the value 1.
 */
static int xdp_map_set(int fd, struct xdp_entries *e)
{
	size_t stride = e->key_size + e->val_size;
	uint8_t one = 1;
	uint32_t i;
	int err;

	qsort_r(e->base, e->n, stride, xdp_cmp_key, &e->key_size);
	err = xdp_prune(fd, e);
	for (i = 0; i < e->n && !err; i++) {
		uint8_t *k = e->base + i * stride;

		if (bpf_map_update_elem(fd, k, e->val_size ? k + e->key_size :
				       (void *)&one, BPF_ANY))
			err = -errno;
	}
	return err;
}

int dp_xdp_sync(const struct dp_xdp_maps *maps, struct dp_sync_set *set)
{
	struct xdp_entries svcs = {
		.base = (uint8_t *)set->svcs, .n = set->nsvcs,
		.key_size = sizeof(set->svcs->key),
		.val_size = sizeof(set->svcs->val),
	};
	struct xdp_entries rs = {
		.base = (uint8_t *)set->nat_rs, .n = set->nnat_rs,
		.key_size = sizeof(*set->nat_rs),
	};
	struct xdp_entries marks = {
		.base = (uint8_t *)set->marks, .n = set->nmarks,
		.key_size = sizeof(set->marks->key),
		.val_size = sizeof(set->marks->val),
	};
	int err;

	_Static_assert(sizeof(struct dp_sync_svc) ==
		       sizeof(struct xdpvs_dp_addr_key) +
		       sizeof(struct xdpvs_dp_svc_val), "svc entry layout");
	_Static_assert(sizeof(struct dp_sync_mark) ==
		       sizeof(struct xdpvs_dp_mark_key) +
		       sizeof(struct xdpvs_dp_mark_val), "mark entry layout");
	err = xdp_map_set(maps->svcs, &svcs);
	if (!err)
		err = xdp_map_set(maps->marks, &marks);
	if (!err)
		err = xdp_map_set(maps->nat_rs, &rs);
	return err;
}

int dp_xdp_sync_local(const struct dp_xdp_maps *maps, const struct dp_rtab *t)
{
	struct xdpvs_dp_local_key *k = calloc(t->naddrs + 1, sizeof(*k));
	struct xdp_entries e = { .base = (uint8_t *)k, .n = t->naddrs,
				 .key_size = sizeof(*k) };
	uint32_t i;
	int err;

	if (!k)
		return -ENOMEM;
	for (i = 0; i < t->naddrs; i++) {
		k[i].af = t->addrs[i].af;
		memcpy(&k[i].addr, &t->addrs[i].addr,
		       k[i].af == AF_INET6 ? 16 : 4);
	}
	err = xdp_map_set(maps->local, &e);
	free(k);
	return err;
}
