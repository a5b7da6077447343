/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scheduler interface, as the kernel's struct ip_vs_scheduler.  One file
 * per scheduler in core/sched/, each one const ops struct, found by name in
 * the explicit table of core/sched.c.
 *
 * A scheduler sees the service's destinations in svc->destinations, newest
 * first (the kernel adds each new dest at the head), and must walk them in
 * that order so ties break as in the kernel.
 */
#ifndef XDPVS_CORE_SCHED_H
#define XDPVS_CORE_SCHED_H

#include <stddef.h>
#include <stdint.h>
#include <xdpvs/engine.h>

struct xdpvs_svc;
struct xdpvs_dest;

/* Engine-wide things a scheduler may need: a random source (twos) and
 * tunables (lblc/lblcr expiration, seconds; the mh table size).  A service
 * reaches it through svc->sched_env outside the packet path. */
struct xdpvs_sched_env {
	uint64_t rng;			/* xorshift64* state, never 0 */
	uint32_t lblc_expiration;	/* default 24 h */
	uint32_t lblcr_expiration;	/* default 24 h */
	/* The kernel's CONFIG_IP_VS_MH_TAB_INDEX, 8..17: mh's table size is
	 * the prime 251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521 or
	 * 131071 of that index; 0 means the kernel's default 12 (4093).
	 * Read when mh is bound to a service. */
	uint32_t mh_tab_index;
};

/* What a scheduler may look at in the packet being scheduled. */
struct xdpvs_sched_pkt {
	uint16_t af;
	uint16_t protocol;
	union xdpvs_addr saddr;		/* client */
	union xdpvs_addr daddr;		/* virtual address */
	uint16_t sport;			/* network order; 0 without ports */
	uint16_t dport;
	uint64_t now;			/* ns */
	struct xdpvs_sched_env *env;
};

enum xdpvs_sched_event {
	XDPVS_SCHED_ADD_DEST,		/* dest linked at the head */
	XDPVS_SCHED_DEL_DEST,		/* dest already unlinked */
	XDPVS_SCHED_UPD_DEST,		/* weight, thresholds or method edited */
};

struct xdpvs_sched_ops {
	const char *name;
	/* Attach state to svc->sched_data (may read the current dests). */
	int (*init)(struct xdpvs_svc *svc);
	/* Free svc->sched_data. */
	void (*done)(struct xdpvs_svc *svc);
	/* A destination was added, removed or edited. */
	int (*update_service)(struct xdpvs_svc *svc, struct xdpvs_dest *dest,
			      enum xdpvs_sched_event ev);
	/* Pick a destination for a new connection; NULL: none available. */
	struct xdpvs_dest *(*schedule)(struct xdpvs_svc *svc,
				       const struct xdpvs_sched_pkt *p);
	/* Periodic housekeeping (lblc/lblcr garbage collection); called
	 * about once a second with the current time in ns. */
	void (*tick)(struct xdpvs_svc *svc, uint64_t now);
	/*
	 * Optional, for a scheduler whose next choice depends on its own
	 * state and the service's configuration alone (not on the packet,
	 * the counts or the clock): the size of that state, and its copy
	 * out and back.  The engine then makes choices ahead for the fast
	 * path and rewinds to just after those it used (core/pick.c).
	 */
	size_t state_size;
	void (*save)(const struct xdpvs_svc *svc, void *state);
	void (*restore)(struct xdpvs_svc *svc, const void *state);
};

/* The scheduler registered under name, or NULL. */
const struct xdpvs_sched_ops *xdpvs_sched_find(const char *name);
/* Bind / unbind a scheduler to a service (init/done around sched_data). */
int xdpvs_sched_bind(struct xdpvs_svc *svc, const struct xdpvs_sched_ops *ops);
void xdpvs_sched_unbind(struct xdpvs_svc *svc);
/* A uniformly distributed value in [0, below) (below > 0). */
uint32_t xdpvs_sched_random(struct xdpvs_sched_env *env, uint32_t below);

#endif
