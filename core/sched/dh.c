// SPDX-License-Identifier: GPL-2.0-only
/*
 * Destination hashing scheduling, as the kernel's ip_vs_dh.c.
 *
 * A table of 256 buckets (CONFIG_IP_VS_DH_TAB_BITS 8) is filled by walking
 * the dests in list order (newest first), one bucket each, round and round:
 * bucket i holds dest i mod n.  Weights play no part in the fill.  A packet
 * is sent to the bucket hash_32(fold(daddr), 8) of its destination address
 * (the virtual address, or whatever address a fwmark service caught); the
 * dest there must be available, have weight > 0 and not be overloaded, or
 * the packet finds no dest: there is no fallback.
 *
 * The table is refilled when a dest is added or removed, but not when one
 * is edited (the kernel has no upd_dest hook here), so a weight change only
 * matters through the weight > 0 test at lookup.
 */
#include <errno.h>
#include <stdlib.h>

#include "common.h"

#define DH_TAB_BITS 8
#define DH_TAB_SIZE (1 << DH_TAB_BITS)

struct dh_state {
	struct xdpvs_dest *buckets[DH_TAB_SIZE];
};

static void dh_reassign(struct dh_state *s, struct xdpvs_svc *svc)
{
	struct list_head *head = &svc->destinations, *p = head;
	int i;

	for (i = 0; i < DH_TAB_SIZE; i++) {
		if (list_empty(head)) {
			s->buckets[i] = NULL;
			continue;
		}
		p = p->next;
		if (p == head)
			p = p->next;
		s->buckets[i] = list_entry(p, struct xdpvs_dest, n_list);
	}
}

static int dh_init(struct xdpvs_svc *svc)
{
	struct dh_state *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	dh_reassign(s, svc);
	svc->sched_data = s;
	return 0;
}

static void dh_done(struct xdpvs_svc *svc)
{
	free(svc->sched_data);
}

static int dh_update_service(struct xdpvs_svc *svc, struct xdpvs_dest *dest,
			     enum xdpvs_sched_event ev)
{
	/* The kernel refills on add and delete only. */
	if (ev == XDPVS_SCHED_ADD_DEST || ev == XDPVS_SCHED_DEL_DEST)
		dh_reassign(svc->sched_data, svc);
	return 0;
}

static struct xdpvs_dest *dh_schedule(struct xdpvs_svc *svc,
				      const struct xdpvs_sched_pkt *p)
{
	struct dh_state *s = svc->sched_data;
	uint32_t h = sched_hash_32(sched_addr_fold(svc->af, &p->daddr),
				   DH_TAB_BITS);
	struct xdpvs_dest *d = s->buckets[h];

	if (!d || !xdpvs_dest_is_available(d) || d->weight <= 0 ||
	    sched_is_overloaded(d))
		return NULL;
	return d;
}

const struct xdpvs_sched_ops xdpvs_sched_dh = {
	.name = "dh",
	.init = dh_init,
	.done = dh_done,
	.update_service = dh_update_service,
	.schedule = dh_schedule,
};
