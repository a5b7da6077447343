// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shortest expected delay scheduling, as the kernel's ip_vs_sed.c.
 *
 * wlc with the overhead activeconns + 1: inactive connections do not count.
 * The first dest in list order (newest first) that is not overloaded and
 * has weight > 0 is the candidate; a later dest that is not overloaded
 * replaces it when (a(cand) + 1) * w(dest) > (a(dest) + 1) * w(cand) in
 * 64 bits, so ties stay with the earlier dest.  With no active connections
 * (UDP) this is the first dest of the highest weight.  Stateless.
 */
#include "common.h"

static int64_t sed_overhead(const struct xdpvs_dest *d)
{
	return (int64_t)d->activeconns + 1;
}

static struct xdpvs_dest *sed_schedule(struct xdpvs_svc *svc,
				       const struct xdpvs_sched_pkt *p)
{
	struct xdpvs_dest *d, *least = NULL;
	int64_t loh = 0, doh;

	list_for_each_entry(d, &svc->destinations, n_list) {
		if (sched_is_overloaded(d))
			continue;
		if (!least) {
			if (d->weight > 0) {
				least = d;
				loh = sed_overhead(d);
			}
			continue;
		}
		doh = sed_overhead(d);
		if (loh * d->weight > doh * least->weight) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

const struct xdpvs_sched_ops xdpvs_sched_sed = {
	.name = "sed",
	.schedule = sed_schedule,
};
