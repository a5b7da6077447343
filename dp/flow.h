/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xdpvsd's side of the fast path: the engine's flow cache callbacks
 * written into the XDP program's flow map (include/xdpvs/flow.h), and the
 * per-CPU stats slots the program adds to folded into the engine's
 * counters before each estimator run, so that ipvsadm's listings show
 * the same figures whichever path the packets took.
 */
#ifndef XDPVS_DP_FLOW_H
#define XDPVS_DP_FLOW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <xdpvs/engine.h>
#include <xdpvs/flow.h>

#define DP_FLOW_BATCH	128	/* adds written by one syscall, at most */

struct dp_flow {
	int flows_fd;		/* xdpvs_flows */
	int dest_st_fd;		/* xdpvs_dest_st */
	int ncpu;
	uint64_t tick_ns;	/* CLOCK_MONOTONIC_COARSE's resolution */
	bool off;		/* the engine is going away: callbacks ignored */
	struct xdpvs_flow_stats *prev;	/* per slot: what was folded */
	struct xdpvs_flow_stats *cpu;	/* ncpu, for one lookup */
	struct xdpvs_flow_key *kept;	/* collected by dp_flow_collect() */
	uint32_t nkept, capkept;
	bool collect;
	bool batch;		/* between dp_flow_batch() and _flush() */
	bool no_batch;		/* the kernel refused a batch: one by one */
	uint32_t npend;		/* adds waiting in pk/pv */
	struct xdpvs_flow_key pk[DP_FLOW_BATCH];
	struct xdpvs_flow_value pv[DP_FLOW_BATCH];
	uint32_t ndel;		/* deletes waiting in dk */
	struct xdpvs_flow_key dk[DP_FLOW_BATCH];
	uint64_t adds, dels, errs;
	uint64_t calls;		/* bpf() calls made */
};

/* Set f up on the maps' fds (not owned).  0 or -errno. */
int dp_flow_init(struct dp_flow *f, int flows_fd, int dest_st_fd);
void dp_flow_fini(struct dp_flow *f);

/*
 * Between dp_flow_batch() and dp_flow_flush(), adds and deletes wait and
 * go to the map DP_FLOW_BATCH at a time, in one syscall each
 * (BPF_MAP_DELETE_BATCH, BPF_MAP_UPDATE_BATCH): for a burst of received
 * frames, whose new connections would otherwise cost two syscalls each,
 * and four when a client reuses a port (the old connection's flows go
 * first), and for a tick's expiries.  What waits is kept to one change
 * per key: an add cancels a waiting delete of its key (it overwrites the
 * entry), a delete drops a waiting add of its key (and still deletes
 * what the map may have had), so the two sets never share a key and the
 * map ends as the engine's order of changes would leave it.  A lookup of
 * a key that waits writes what waits first, and so does a replacement,
 * which never waits: it keeps the entry's last_seen, which a batch would
 * overwrite.
 */
void dp_flow_batch(struct dp_flow *f);
void dp_flow_flush(struct dp_flow *f);

/* The engine's callbacks (xdpvs_env), f being what they act on.  Outside
 * a burst an add is one syscall and a replacement two (the entry's
 * last_seen is read first); an add that finds an entry all the same
 * replaces it (three). */
void dp_flow_add(struct dp_flow *f, const struct xdpvs_flow_key *k,
		 const struct xdpvs_flow_value *v, bool replace);
void dp_flow_del(struct dp_flow *f, const struct xdpvs_flow_key *k);
uint64_t dp_flow_last_seen(struct dp_flow *f, const struct xdpvs_flow_key *k);
void dp_flow_have(struct dp_flow *f, const struct xdpvs_flow_key *k);

/*
 * Add to e's counters what the fast path counted for each real server
 * since the last call; baseline: only take the present values as the
 * starting point (a data path adopted with its counts).  0 or -errno.
 */
int dp_flow_fold(struct dp_flow *f, struct xdpvs_engine *e, bool baseline);

/*
 * Adopting a flow map a previous xdpvsd filled: dp_flow_collect() starts
 * noting the keys the engine installs or finds there (while it takes the
 * connections over and reads the events the previous one left),
 * dp_flow_prune() stops and deletes every other flow (what this engine
 * did not take: its service or real server is gone).  Returns how many
 * went, or -errno.
 */
void dp_flow_collect(struct dp_flow *f);
int dp_flow_prune(struct dp_flow *f);

void dp_flow_dump(const struct dp_flow *f, FILE *out);

#endif
