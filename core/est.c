// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rate estimator, as the kernel 6.1 ip_vs_est.c: one timer for all
 * counters every 2 s (the engine calls xdpvs_est_tick on each), and the
 * same fixed-point scaling and rounding, so --rate shows what IPVS shows
 * for the same traffic.
 */
#include "est.h"

/* avg += (rate - avg) / 4, with the kernel's arithmetic shift of the
 * signed difference.  The difference wraps, as the kernel's does (it
 * builds with -fno-strict-overflow): subtracted unsigned, then read as
 * signed, so values 2^63 or more apart (a restored average, est_restore)
 * are no overflow. */
static uint64_t est_fold(uint64_t avg, uint64_t rate)
{
	int64_t diff = (int64_t)(rate - avg);

	return avg + (uint64_t)(diff >> 2);
}

void xdpvs_est_tick(struct xdpvs_stats_est *s)
{
	struct xdpvs_est *e = &s->est;
	const struct xdpvs_stats *k = &s->kstats;

	/* conns and packets: scaled by 2^10 per second, over 2 s */
	e->cps = est_fold(e->cps, (k->conns - e->last.conns) << 9);
	e->inpps = est_fold(e->inpps, (k->inpkts - e->last.inpkts) << 9);
	e->outpps = est_fold(e->outpps, (k->outpkts - e->last.outpkts) << 9);
	/* bytes: scaled by 2^5 per second, over 2 s */
	e->inbps = est_fold(e->inbps, (k->inbytes - e->last.inbytes) << 4);
	e->outbps = est_fold(e->outbps, (k->outbytes - e->last.outbytes) << 4);
	e->last = *k;
}

void xdpvs_est_read(const struct xdpvs_stats_est *s, struct xdpvs_stats *st,
		    struct xdpvs_rates *rt)
{
	const struct xdpvs_est *e = &s->est;

	if (st) {
		st->conns = s->kstats.conns - s->kstats0.conns;
		st->inpkts = s->kstats.inpkts - s->kstats0.inpkts;
		st->outpkts = s->kstats.outpkts - s->kstats0.outpkts;
		st->inbytes = s->kstats.inbytes - s->kstats0.inbytes;
		st->outbytes = s->kstats.outbytes - s->kstats0.outbytes;
	}
	if (rt) {
		rt->cps = (e->cps + 0x1FF) >> 10;
		rt->inpps = (e->inpps + 0x1FF) >> 10;
		rt->outpps = (e->outpps + 0x1FF) >> 10;
		rt->inbps = (e->inbps + 0xF) >> 5;
		rt->outbps = (e->outbps + 0xF) >> 5;
	}
}

void xdpvs_est_zero(struct xdpvs_stats_est *s)
{
	s->kstats0 = s->kstats;
	s->est.last = s->kstats;
	s->est.cps = s->est.inpps = s->est.outpps = 0;
	s->est.inbps = s->est.outbps = 0;
}

void xdpvs_est_restore(struct xdpvs_stats_est *s,
		       const struct xdpvs_stats *st,
		       const struct xdpvs_rates *rt)
{
	s->kstats = *st;
	s->kstats0 = (struct xdpvs_stats){ 0 };
	s->est.last = *st;
	/* The averages' scales (xdpvs_est_read() rounds them back). */
	s->est.cps = rt->cps << 10;
	s->est.inpps = rt->inpps << 10;
	s->est.outpps = rt->outpps << 10;
	s->est.inbps = rt->inbps << 5;
	s->est.outbps = rt->outbps << 5;
}
