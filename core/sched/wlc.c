// SPDX-License-Identifier: GPL-2.0-only
/*
 * Weighted least-connection scheduling, as the kernel's ip_vs_wlc.c (and
 * ipvsadm's default scheduler).
 *
 * A dest's load is its overhead, 256 * activeconns + totalconns, divided by
 * its weight.  Walking the dests in list order (newest first), the first one
 * that is not overloaded and has weight > 0 is the candidate; each later
 * dest that is not overloaded replaces it when
 *	oh(candidate) * w(dest) > oh(dest) * w(candidate)
 * compared in 64 bits.  The strict ">" keeps the earlier dest on a tie and
 * never lets a later weight-0 dest win.  Stateless: nothing to do when
 * dests are added, edited or removed.
 */
#include "common.h"

static struct xdpvs_dest *wlc_schedule(struct xdpvs_svc *svc,
				       const struct xdpvs_sched_pkt *p)
{
	return sched_wlc_least(svc);
}

const struct xdpvs_sched_ops xdpvs_sched_wlc = {
	.name = "wlc",
	.schedule = wlc_schedule,
};
