// SPDX-License-Identifier: GPL-2.0-only
/*
 * Round-robin scheduling, as the kernel's ip_vs_rr.c.
 *
 * sched_data points at the list node of the last dest chosen, initially the
 * list head.  Scheduling scans forward from there (wrapping past the head)
 * for the first dest that is not overloaded and has a weight above zero.
 * Weights are otherwise ignored.  Because dests are kept newest first, the
 * servers rs1, rs2, rs3 added in that order are chosen rs3, rs2, rs1, rs3...
 */
#include <stddef.h>
#include <string.h>

#include "../dest.h"
#include "../sched.h"
#include "../svc.h"

static int rr_init(struct xdpvs_svc *svc)
{
	svc->sched_data = &svc->destinations;
	return 0;
}

/* A removed dest that was the last choice: continue from its predecessor.
 * The node is unlinked but its next pointer still leads back into the list,
 * and that entry's prev is the predecessor. */
static int rr_update_service(struct xdpvs_svc *svc, struct xdpvs_dest *dest,
			     enum xdpvs_sched_event ev)
{
	struct list_head *p = svc->sched_data;

	if (ev == XDPVS_SCHED_DEL_DEST && p == &dest->n_list)
		svc->sched_data = p->next->prev;
	return 0;
}

static bool rr_usable(const struct xdpvs_dest *d)
{
	return !(d->flags & XDPVS_DEST_F_OVERLOAD) && d->weight > 0;
}

static struct xdpvs_dest *rr_schedule(struct xdpvs_svc *svc,
				      const struct xdpvs_sched_pkt *pkt)
{
	struct list_head *start = svc->sched_data;
	struct list_head *p = start;
	int pass = 0;

	/* Walk from the node after the last choice; the head is skipped and
	 * at most one full lap (plus the start node itself) is made. */
	do {
		for (p = p->next; p != &svc->destinations; p = p->next) {
			struct xdpvs_dest *d =
				list_entry(p, struct xdpvs_dest, n_list);
			if (rr_usable(d)) {
				svc->sched_data = p;
				return d;
			}
			if (p == start)
				return NULL;
		}
		pass++;
	} while (pass < 2 && start != &svc->destinations);
	return NULL;
}

/* The state is the node of the last choice (or the head). */
static void rr_save(const struct xdpvs_svc *svc, void *state)
{
	memcpy(state, &svc->sched_data, sizeof(svc->sched_data));
}

static void rr_restore(struct xdpvs_svc *svc, const void *state)
{
	memcpy(&svc->sched_data, state, sizeof(svc->sched_data));
}

const struct xdpvs_sched_ops xdpvs_sched_rr = {
	.name = "rr",
	.init = rr_init,
	.update_service = rr_update_service,
	.schedule = rr_schedule,
	.state_size = sizeof(void *),
	.save = rr_save,
	.restore = rr_restore,
};
