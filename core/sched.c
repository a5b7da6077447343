// SPDX-License-Identifier: GPL-2.0-only
/*
 * The scheduler registry, as the kernel's ip_vs_sched.c, but an explicit
 * table rather than registration at load time: a static library drops
 * objects nothing references, so each scheduler is named here once.
 */
#include <errno.h>
#include <string.h>

#include "sched.h"
#include "svc.h"

extern const struct xdpvs_sched_ops xdpvs_sched_rr;
extern const struct xdpvs_sched_ops xdpvs_sched_wrr;
extern const struct xdpvs_sched_ops xdpvs_sched_lc;
extern const struct xdpvs_sched_ops xdpvs_sched_wlc;
extern const struct xdpvs_sched_ops xdpvs_sched_sed;
extern const struct xdpvs_sched_ops xdpvs_sched_nq;
extern const struct xdpvs_sched_ops xdpvs_sched_fo;
extern const struct xdpvs_sched_ops xdpvs_sched_ovf;
extern const struct xdpvs_sched_ops xdpvs_sched_lblc;
extern const struct xdpvs_sched_ops xdpvs_sched_lblcr;
extern const struct xdpvs_sched_ops xdpvs_sched_dh;
extern const struct xdpvs_sched_ops xdpvs_sched_sh;
extern const struct xdpvs_sched_ops xdpvs_sched_mh;
extern const struct xdpvs_sched_ops xdpvs_sched_twos;

static const struct xdpvs_sched_ops *const sched_table[] = {
	&xdpvs_sched_rr,
	&xdpvs_sched_wrr,
	&xdpvs_sched_lc,
	&xdpvs_sched_wlc,
	&xdpvs_sched_sed,
	&xdpvs_sched_nq,
	&xdpvs_sched_fo,
	&xdpvs_sched_ovf,
	&xdpvs_sched_lblc,
	&xdpvs_sched_lblcr,
	&xdpvs_sched_dh,
	&xdpvs_sched_sh,
	&xdpvs_sched_mh,
	&xdpvs_sched_twos,
};

const struct xdpvs_sched_ops *xdpvs_sched_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(sched_table) / sizeof(sched_table[0]); i++)
		if (strcmp(sched_table[i]->name, name) == 0)
			return sched_table[i];
	return NULL;
}

int xdpvs_sched_bind(struct xdpvs_svc *svc, const struct xdpvs_sched_ops *ops)
{
	int err;

	svc->sched_data = NULL;
	if (ops && ops->init) {
		err = ops->init(svc);
		if (err)
			return err;
	}
	svc->sched = ops;
	return 0;
}

void xdpvs_sched_unbind(struct xdpvs_svc *svc)
{
	if (svc->sched && svc->sched->done)
		svc->sched->done(svc);
	svc->sched = NULL;
	svc->sched_data = NULL;
}

/* xorshift64*: small, fast and good enough for choosing servers. */
static uint64_t sched_rng_next(struct xdpvs_sched_env *env)
{
	uint64_t x = env->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	env->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

uint32_t xdpvs_sched_random(struct xdpvs_sched_env *env, uint32_t below)
{
	/* Multiply-shift maps 32 random bits onto [0, below) (Lemire). */
	return (uint32_t)(((sched_rng_next(env) >> 32) * below) >> 32);
}
