// SPDX-License-Identifier: GPL-2.0-only
/*
 * Weighted random twos choice scheduling, as the kernel's ip_vs_twos.c.
 *
 * total = the sum of the weights of the dests that are not overloaded and
 * have weight > 0.  Two independent random values r1, r2 are drawn from
 * [0, total] (total + 1 values, the kernel's "inclusive" range).  Walking
 * the same dests in list order (newest first), each weight is subtracted
 * from both; choice k is the first dest where r_k drops to <= 0.  The
 * second choice is taken when w2 * oh1 > w1 * oh2, with oh the overhead
 * 256 * activeconns + totalconns, otherwise the first: a tie goes to the
 * first choice.  As in the kernel, those products are 32-bit int
 * arithmetic (wrapping), not 64-bit.  The random values come from the
 * engine's random source (xdpvs_sched_random), so a seeded engine repeats
 * its choices.
 */
#include "common.h"

static bool twos_eligible(const struct xdpvs_dest *d)
{
	return !sched_is_overloaded(d) && d->weight > 0;
}

/* w * oh as the kernel's int multiplication computes it. */
static int32_t twos_mul(int32_t w, int32_t oh)
{
	return (int32_t)((uint32_t)w * (uint32_t)oh);
}

static struct xdpvs_dest *twos_schedule(struct xdpvs_svc *svc,
					const struct xdpvs_sched_pkt *p)
{
	struct xdpvs_dest *d, *choice1 = NULL, *choice2 = NULL;
	int32_t r1, r2, w1 = -1, w2 = -1, oh1 = 0, oh2 = 0;
	uint32_t total = 0;

	list_for_each_entry(d, &svc->destinations, n_list) {
		if (twos_eligible(d)) {
			total += (uint32_t)d->weight;
			choice1 = d;
		}
	}
	if (!choice1)
		return NULL;
	r1 = (int32_t)xdpvs_sched_random(p->env, total + 1);
	r2 = (int32_t)xdpvs_sched_random(p->env, total + 1);
	list_for_each_entry(d, &svc->destinations, n_list) {
		if (!twos_eligible(d))
			continue;
		r1 -= d->weight;
		r2 -= d->weight;
		if (r1 <= 0 && w1 == -1) {
			choice1 = d;
			w1 = d->weight;
			oh1 = sched_overhead(d);
		}
		if (r2 <= 0 && w2 == -1) {
			choice2 = d;
			w2 = d->weight;
			oh2 = sched_overhead(d);
		}
		if (w1 != -1 && w2 != -1)
			break;
	}
	if (choice2 && twos_mul(w2, oh1) > twos_mul(w1, oh2))
		choice1 = choice2;
	return choice1;
}

const struct xdpvs_sched_ops xdpvs_sched_twos = {
	.name = "twos",
	.schedule = twos_schedule,
};
