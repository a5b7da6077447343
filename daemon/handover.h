/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The engine's side of a hitless restart (dp.h has the data path's):
 * what an xdpvsd leaving its data path saves for the next one (its
 * connections, its counters and rates, its configuration, its seed), and
 * what the next one takes back into its own engine.
 */
#ifndef XDPVS_DAEMON_HANDOVER_H
#define XDPVS_DAEMON_HANDOVER_H

#include <stdint.h>

#include <xdpvs/engine.h>

struct dp;
struct dp_kept;
struct syncd;
struct xdpvs_ctl_cmd;
struct xdpvs_ctl_err;

/* Leave dp and the state of engine e and sync daemons s (hash seed
 * seed) to the next xdpvsd; if it cannot be, everything is removed as in
 * a normal exit (logged). */
void handover_leave(struct dp *dp, struct xdpvs_engine *e, struct syncd *s,
		    uint64_t seed);
/* Carry out one command of a configuration: 0 or -errno, *err filled. */
typedef int (*handover_apply_fn)(void *arg, const struct xdpvs_ctl_cmd *cmd,
				 struct xdpvs_ctl_err *err);
/* The configuration the previous xdpvsd saved in k (its rules, its sync
 * daemons), each command through apply(arg); one refused is logged and
 * skipped.  0, -ENOENT when there is none, or -errno (logged). */
int handover_load_config(const struct dp_kept *k, handover_apply_fn apply,
			 void *arg);
/* Take k, what the previous xdpvsd left with the data path dp adopted,
 * into engine e, which has its configuration. */
void handover_adopt(struct dp *dp, struct xdpvs_engine *e,
		    const struct dp_kept *k);

#endif
