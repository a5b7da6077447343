// SPDX-License-Identifier: GPL-2.0-only
/*
 * Weighted round-robin scheduling, as the kernel's ip_vs_wrr.c.
 *
 * State: cl, the list node of the current dest (or the head); cw, the
 * current weight; mw, the largest weight less (di - 1); di, the gcd of the
 * positive weights.  From cl the scan looks for the next dest that is not
 * overloaded and whose weight is at least cw.  Each time the scan passes
 * the end of the list cw drops by di, and when it reaches 0 it restarts at
 * mw.  Weights 4, 3, 2 give A A B A B C A B C.
 *
 * Any add, removal or edit of a dest sends cl back to the head, recomputes
 * di and mw, and keeps cw unless it is now above mw or 0 (then cw = mw), or
 * rounds it to the new gcd.  So a service whose dests were all added after
 * it was created starts with cw = 1 and gives every dest one turn first:
 * rs1 w3, rs2 w2, rs3 w1 added in that order (listed newest first) give
 * rs3 rs2 rs1 rs1 rs2 rs1 rs3 rs2 rs1 ...
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../dest.h"
#include "../sched.h"
#include "../svc.h"

struct wrr_mark {
	struct list_head *cl;	/* current dest's node, or the list head */
	int cw;			/* current weight */
	int mw;			/* maximum weight */
	int di;			/* decreasing interval */
};

static int wrr_gcd(int a, int b)
{
	while (b) {
		int t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* The gcd of the positive weights, or 1 when there are none. */
static int wrr_gcd_weight(struct xdpvs_svc *svc)
{
	struct xdpvs_dest *d;
	int g = 0;

	list_for_each_entry(d, &svc->destinations, n_list)
		if (d->weight > 0)
			g = g > 0 ? wrr_gcd(d->weight, g) : d->weight;
	return g ? g : 1;
}

static int wrr_max_weight(struct xdpvs_svc *svc)
{
	struct xdpvs_dest *d;
	int w = 0;

	list_for_each_entry(d, &svc->destinations, n_list)
		if (d->weight > w)
			w = d->weight;
	return w;
}

static int wrr_init(struct xdpvs_svc *svc)
{
	struct wrr_mark *m = malloc(sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->cl = &svc->destinations;
	m->di = wrr_gcd_weight(svc);
	m->mw = wrr_max_weight(svc) - (m->di - 1);
	m->cw = m->mw;
	svc->sched_data = m;
	return 0;
}

static void wrr_done(struct xdpvs_svc *svc)
{
	free(svc->sched_data);
}

static int wrr_update_service(struct xdpvs_svc *svc, struct xdpvs_dest *dest,
			      enum xdpvs_sched_event ev)
{
	struct wrr_mark *m = svc->sched_data;

	m->cl = &svc->destinations;
	m->di = wrr_gcd_weight(svc);
	m->mw = wrr_max_weight(svc) - (m->di - 1);
	if (m->cw > m->mw || !m->cw)
		m->cw = m->mw;
	else if (m->di > 1)
		m->cw = (m->cw / m->di) * m->di + 1;
	return 0;
}

static bool wrr_fits(const struct xdpvs_dest *d, int cw)
{
	return !(d->flags & XDPVS_DEST_F_OVERLOAD) && d->weight >= cw;
}

/*
 * The scan gives up once every dest has been checked for weight >= 1:
 * either a lap that started at the head ran with cw <= di, or (when it
 * started mid-list) a second lap up to the starting dest did.
 */
static struct xdpvs_dest *wrr_schedule(struct xdpvs_svc *svc,
				       const struct xdpvs_sched_pkt *pkt)
{
	struct wrr_mark *m = svc->sched_data;
	struct list_head *head = &svc->destinations;
	struct list_head *p = m->cl, *last = m->cl, *stop = NULL;
	bool last_pass = false, restarted = false;

	if (m->mw == 0)
		return NULL;
	for (;;) {
		for (p = p->next; p != head; p = p->next) {
			struct xdpvs_dest *d =
				list_entry(p, struct xdpvs_dest, n_list);
			if (wrr_fits(d, m->cw)) {
				m->cl = p;
				return d;
			}
			if (p == stop)
				goto overloaded;
		}
		m->cw -= m->di;
		if (m->cw <= 0) {
			m->cw = m->mw;
			if (last_pass || last == head)
				goto overloaded;
			restarted = true;
		}
		last_pass = m->cw <= m->di;
		if (last_pass && restarted && last != head)
			stop = last;
	}
overloaded:
	m->cl = p;
	return NULL;
}

static void wrr_save(const struct xdpvs_svc *svc, void *state)
{
	memcpy(state, svc->sched_data, sizeof(struct wrr_mark));
}

static void wrr_restore(struct xdpvs_svc *svc, const void *state)
{
	memcpy(svc->sched_data, state, sizeof(struct wrr_mark));
}

const struct xdpvs_sched_ops xdpvs_sched_wrr = {
	.name = "wrr",
	.init = wrr_init,
	.done = wrr_done,
	.update_service = wrr_update_service,
	.schedule = wrr_schedule,
	.state_size = sizeof(struct wrr_mark),
	.save = wrr_save,
	.restore = wrr_restore,
};
