// SPDX-License-Identifier: GPL-2.0-only
/*
 * Never queue scheduling, as the kernel's ip_vs_nq.c.
 *
 * Walking the dests in list order (newest first) and skipping those that
 * are overloaded or have weight 0, the first dest with no active
 * connection is taken at once.  Failing that, the one with the least
 * (activeconns + 1) / weight, compared as
 *	(a(cand) + 1) * w(dest) > (a(dest) + 1) * w(cand)
 * in 64 bits, the first of equals winning.  Stateless.
 */
#include "common.h"

static struct xdpvs_dest *nq_schedule(struct xdpvs_svc *svc,
				      const struct xdpvs_sched_pkt *p)
{
	struct xdpvs_dest *d, *least = NULL;
	int64_t loh = 0, doh;

	list_for_each_entry(d, &svc->destinations, n_list) {
		if (sched_is_overloaded(d) || d->weight == 0)
			continue;
		if (d->activeconns == 0)
			return d;	/* idle: no queueing at all */
		doh = (int64_t)d->activeconns + 1;
		if (!least || loh * d->weight > doh * least->weight) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

const struct xdpvs_sched_ops xdpvs_sched_nq = {
	.name = "nq",
	.schedule = nq_schedule,
};
