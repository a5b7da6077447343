// SPDX-License-Identifier: GPL-2.0-only
/*
 * Weighted overflow scheduling, as the kernel's ip_vs_ovf.c.
 *
 * The dest with the highest weight among those that are not overloaded,
 * have a weight other than 0 and no more active connections than their
 * weight; when the first fills up (activeconns > weight) the next highest
 * takes over.  Strict ">" in list order (newest first): the newest of equal
 * weights wins.  UDP connections are never active, so for UDP this is fo.
 * Stateless.
 */
#include "common.h"

static struct xdpvs_dest *ovf_schedule(struct xdpvs_svc *svc,
				       const struct xdpvs_sched_pkt *p)
{
	struct xdpvs_dest *d, *best = NULL;
	int32_t hw = 0, w;

	list_for_each_entry(d, &svc->destinations, n_list) {
		w = d->weight;
		if (sched_is_overloaded(d) || d->activeconns > w || w == 0)
			continue;
		if (!best || w > hw) {
			best = d;
			hw = w;
		}
	}
	return best;
}

const struct xdpvs_sched_ops xdpvs_sched_ovf = {
	.name = "ovf",
	.schedule = ovf_schedule,
};
