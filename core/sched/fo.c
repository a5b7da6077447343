// SPDX-License-Identifier: GPL-2.0-only
/*
 * Weighted failover scheduling, as the kernel's ip_vs_fo.c.
 *
 * Every new connection goes to the dest with the highest weight (> 0) that
 * is not overloaded; the strict ">" in list order (newest first) makes the
 * newest of equal weights win.  Connection counts play no part.  Stateless.
 */
#include "common.h"

static struct xdpvs_dest *fo_schedule(struct xdpvs_svc *svc,
				      const struct xdpvs_sched_pkt *p)
{
	struct xdpvs_dest *d, *best = NULL;
	int32_t hw = 0;

	list_for_each_entry(d, &svc->destinations, n_list) {
		if (!sched_is_overloaded(d) && d->weight > hw) {
			best = d;
			hw = d->weight;
		}
	}
	return best;
}

const struct xdpvs_sched_ops xdpvs_sched_fo = {
	.name = "fo",
	.schedule = fo_schedule,
};
