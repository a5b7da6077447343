// SPDX-License-Identifier: GPL-2.0-only
/*
 * Least-connection scheduling, as the kernel's ip_vs_lc.c.
 *
 * The dest with the smallest overhead, 256 * activeconns + totalconns
 * (compared unsigned, as the kernel does), among those that are not
 * overloaded and whose weight is not 0; weights are otherwise ignored.
 * The comparison is a strict "<" in list order (newest first), so among
 * equals the newest dest wins.  Stateless.
 */
#include "common.h"

static struct xdpvs_dest *lc_schedule(struct xdpvs_svc *svc,
				      const struct xdpvs_sched_pkt *p)
{
	struct xdpvs_dest *d, *least = NULL;
	uint32_t loh = 0, doh;

	list_for_each_entry(d, &svc->destinations, n_list) {
		if (sched_is_overloaded(d) || d->weight == 0)
			continue;
		doh = (uint32_t)sched_overhead(d);
		if (!least || doh < loh) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

const struct xdpvs_sched_ops xdpvs_sched_lc = {
	.name = "lc",
	.schedule = lc_schedule,
};
