/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Counters and the rate estimator of a service, a real server or the whole
 * engine.  Follows the kernel's ip_vs_est.c: every 2 s the difference since
 * the last tick is scaled (x2^10 per second for conns and packets, x2^5 for
 * bytes) and folded into an average with weight 1/4, i.e. a rate over the
 * last 8 s or so.
 */
#ifndef XDPVS_CORE_EST_H
#define XDPVS_CORE_EST_H

#include <stdint.h>
#include <xdpvs/engine.h>

#define XDPVS_EST_PERIOD_NS (2 * XDPVS_NSEC_PER_SEC)	/* 2 s, as IPVS */

struct xdpvs_est {
	struct xdpvs_stats last;	/* counters at the previous tick */
	uint64_t cps, inpps, outpps;	/* averages, scaled by 2^10 */
	uint64_t inbps, outbps;		/* averages, scaled by 2^5 */
};

struct xdpvs_stats_est {
	struct xdpvs_stats kstats;	/* since creation */
	struct xdpvs_stats kstats0;	/* values at the last -Z */
	struct xdpvs_est est;
};

/* Fold one 2 s period into the averages. */
void xdpvs_est_tick(struct xdpvs_stats_est *s);
/* Counters since the last -Z, and the rates per second. */
void xdpvs_est_read(const struct xdpvs_stats_est *s, struct xdpvs_stats *st,
		    struct xdpvs_rates *rt);
/* ipvsadm -Z: current counters become zero, rates restart. */
void xdpvs_est_zero(struct xdpvs_stats_est *s);
/* Counters st and rates rt, as xdpvs_est_read() gave them elsewhere (a
 * previous xdpvsd), carried on: the next tick folds what comes after. */
void xdpvs_est_restore(struct xdpvs_stats_est *s,
		       const struct xdpvs_stats *st,
		       const struct xdpvs_rates *rt);

#endif
