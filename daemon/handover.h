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

/* Leave dp and engine e's state (hash seed seed) to the next xdpvsd; if
 * it cannot be, everything is removed as in a normal exit (logged). */
void handover_leave(struct dp *dp, struct xdpvs_engine *e, uint64_t seed);
/* The configuration the previous xdpvsd saved in k, applied to engine e
 * (which has none: no -c); a rule refused is logged and skipped.  0,
 * -ENOENT when there is none, or -errno (logged). */
int handover_load_config(struct xdpvs_engine *e, const struct dp_kept *k);
/* Take k, what the previous xdpvsd left with the data path dp adopted,
 * into engine e, which has its configuration. */
void handover_adopt(struct dp *dp, struct xdpvs_engine *e,
		    const struct dp_kept *k);

#endif
