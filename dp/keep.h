/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Handing the data path over to the next xdpvsd (--keep-datapath): the
 * engine's connections saved where the maps are, in a pinned BPF array
 * bpffs/xdpvs/v3/xdpvs_saved that holds them as a byte stream in pages
 * (a header, then one record per connection or template: addresses,
 * ports, state, flags, time left, generation, persistence engine data;
 * version 1, from before the generation, is read too; then a section of
 * counters, one record for the totals, each service and real server,
 * which builds before it leave out and skip: the stream's version is
 * the same; then, the same way, the configuration as rules).  The next
 * xdpvsd reads it, unpins it, and imports the connections into its engine
 * (xdpvs_conn_import) once its configuration is loaded.  Saving also
 * carries the engine's seed, so that hashes (the connection table's, the
 * GUE source port of tunnel flows) stay the same across the restart, and
 * a hash of the XDP program left attached, so that the next xdpvsd knows
 * whether it is its own build's (in the header's former padding: 0 from
 * builds before it, which then count as another build).
 */
#ifndef XDPVS_DP_KEEP_H
#define XDPVS_DP_KEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xdpvs/engine.h>

#define DP_KEEP_MAP "xdpvs_saved"

/* Whose counters a dp_kept_stats are. */
enum dp_kept_stats_of {
	DP_KEPT_TOTAL,		/* the engine's totals */
	DP_KEPT_SVC,		/* service svc's */
	DP_KEPT_DEST,		/* its real server dest's */
};

/* Counters and rates to carry on (xdpvs_stats_restore()): of svc and
 * dest, only what names them is kept (family, protocol, address, port,
 * firewall mark). */
struct dp_kept_stats {
	enum dp_kept_stats_of of;
	struct xdpvs_svc_conf svc;
	struct xdpvs_dest_conf dest;
	struct xdpvs_stats st;
	struct xdpvs_rates rt;
};

/* What a kept data path carries besides its maps. */
struct dp_kept {
	struct xdpvs_conn_info *conns;	/* free() */
	int n;
	struct dp_kept_stats *stats;	/* free(); none from builds before */
	int nstats;
	bool stats_unreadable;	/* there were, broken: left out */
	/* The configuration as rules (xdpvs_ctl_save()), NUL-terminated;
	 * free(); NULL from builds before it */
	char *config;
	bool config_unreadable;	/* there was, broken: left out */
	uint64_t seed;
	uint64_t saved_at;	/* ns, CLOCK_MONOTONIC (this boot's) */
};

/*
 * Save k (its connections, counters and seed) and the attached program's
 * hash prog, at time now (ns, CLOCK_MONOTONIC), pinned under bpffs's pin
 * directory (which the caller holds locked).  0 or -errno.
 */
int dp_keep_save(const char *bpffs, const struct dp_kept *k, uint32_t prog,
		 uint64_t now);
/* Free what k holds. */
void dp_kept_free(struct dp_kept *k);
/* The program hash of the saved state under bpffs; 0 if none. */
uint32_t dp_keep_prog(const char *bpffs);
/* Is a saved state pinned under bpffs? */
bool dp_keep_found(const char *bpffs);
/*
 * Read and unpin the saved state into *k, times left reduced by the time
 * since it was saved.  0, -ENOENT when there is none, or -errno (the pin
 * is removed all the same: a broken state is not read twice).
 */
int dp_keep_load(const char *bpffs, uint64_t now, struct dp_kept *k);

/*
 * The stream dp_keep_save() pins for k, prog and now: a new buffer of
 * *len bytes (free()), or NULL when out of memory.
 */
uint8_t *dp_keep_stream(const struct dp_kept *k, uint32_t prog, uint64_t now,
		       size_t *len);
/*
 * Read a stream (size bytes at b; bytes past the length its header
 * gives, a page's padding, are not read) into *k as dp_keep_load() does.
 * 0, or -EINVAL when it is no saved state or its connections do not hold
 * together (a broken counters' or configuration section is left out,
 * with stats_unreadable or config_unreadable, and is no error), or
 * -ENOMEM; on failure *k holds nothing.
 */
int dp_keep_parse(const uint8_t *b, size_t size, uint64_t now,
		  struct dp_kept *k);

#endif
