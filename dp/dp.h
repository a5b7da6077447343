/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xdpvsd's data path: the XDP program on each interface (xdp.h), an
 * AF_XDP socket on each of their receive queues (xsk.h), the kernel's
 * routes and neighbours (nl.h), and the engine in between.  Everything
 * runs from the daemon's event loop: a frame read from a socket goes
 * through xdpvs_engine_rx() and, if the engine transmits it, onto the TX
 * ring of the egress interface's socket (the same frame when it leaves
 * where it came in, a copy otherwise).
 *
 * A frame that came up through AF_XDP cannot be handed back to the
 * kernel's stack: when the engine says "pass" it is dropped and counted
 * (DP_PASS_DROPPED).  The XDP filter is precise (include/xdpvs/dp.h) so
 * that this stays rare: a packet for a virtual service that no service
 * takes (an FTP data port, a non-persistent port-zero service, an
 * engine in backup-only mode) and a NAT real server's packet that
 * belongs to no connection (a stray reply, or the real server's own
 * traffic from the service port to a non-local address).  Established
 * connections' packets do not come up at all: the XDP program forwards
 * them from the flow map (flow.h) unless they are control packets.
 *
 * Unresolved neighbours: the engine's route callback asks the kernel to
 * resolve (nl.h) and says -EAGAIN; the engine drops that packet and
 * counts it ("neigh"); the notification of the resolved neighbour makes
 * the engine look its routes up again.  Real servers' neighbours are
 * asked for as soon as a configuration names them, so normally only a
 * client's first reply can meet an unresolved neighbour.
 */
#ifndef XDPVS_DP_DP_H
#define XDPVS_DP_DP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <xdpvs/engine.h>

struct dp;
struct dp_xdp_spare;
struct loop;

#define DP_MAX_IFACES 32

struct dp_config {
	const char *ifnames[DP_MAX_IFACES];
	int nifs;
	const char *bpffs;	/* bpf filesystem for the pins */
	uint32_t conn_max;	/* engine capacity: sizes the flow map */
	bool force_skb;		/* generic XDP, copy-mode AF_XDP */
	/* Programs loaded ahead of a takeover (xdp.h), or NULL: dp_open()
	 * uses them if it replaces a kept program, and frees them. */
	struct dp_xdp_spare *spare;
};

/* Counters of the userspace side. */
enum dp_stat {
	DP_RX,			/* frames read from the sockets */
	DP_TX,			/* frames put on a TX ring */
	DP_TX_COPY,		/* of those, copied to another interface */
	DP_ENGINE_DROP,		/* the engine dropped (its reasons) */
	DP_PASS_DROPPED,	/* the engine passed: cannot go back */
	DP_NO_EGRESS,		/* egress interface not ours */
	DP_TX_FAIL,		/* TX ring full or no free frame */
	DP_NEIGH_ASKED,		/* resolution requests to the kernel */
	DP_FLOW_REFRESH,	/* passes over the flows after route changes */
	DP_EVENTS,		/* fast path events the engine applied
				 * (handshakes, FINs, RSTs) */
	DP_EVENTS_STALE,	/* ... found stale (told twice, moved on) */
	DP_EVENTS_NEW,		/* connections it made with a pick */
	DP_EVENTS_UNUSED,	/* picks it took and gave back */
	DP_STAT_MAX,
};

/*
 * Read the kernel's tables, attach to every interface, open their
 * sockets.  Nothing is read from the sockets before dp_start().  Returns
 * NULL with *err = -errno after logging what failed (naming the
 * interface); everything done so far is undone.
 */
struct dp *dp_open(const struct dp_config *c, int *err);
/* What the engine needs from us: routes (ctx is dp). */
struct xdpvs_env dp_env(struct dp *dp);
/* Start serving engine e from loop l.  0 or -errno. */
int dp_start(struct dp *dp, struct xdpvs_engine *e, struct loop *l);
/* The configuration changed: make the filter's maps follow, and ask for
 * the real servers' neighbours.  0 or -errno (logged). */
int dp_sync(struct dp *dp);
/* Engine e's timers at now, the flows of the connections they expire
 * deleted in a few syscalls (dp_flow_batch). */
void dp_engine_tick(struct dp *dp, struct xdpvs_engine *e, uint64_t now);
/* Once a second: flush TX rings, take completions back. */
void dp_tick(struct dp *dp, uint64_t now);
/* Add what the fast path forwarded to the engine's counters, after its
 * events (dp_events): call before the engine's timers (its rate
 * estimator) run. */
void dp_fold(struct dp *dp);
/* Hand the fast path's events (the handshakes it carried to ESTABLISHED,
 * the FINs and RSTs it forwarded, the connections it made with the
 * engine's picks, include/xdpvs/flow.h) to the engine: before the
 * engine's timers run and before anything reads connection states (a
 * listing, a handover).  A read of shared memory, no system call.  The
 * loop also reads them when the fast path wakes it (its picks running
 * low). */
void dp_events(struct dp *dp);
/* The engine is about to be freed: its flow callbacks are ignored from
 * now on (the flows stay in the map; it goes with the data path, or is
 * handed over with it). */
void dp_engine_gone(struct dp *dp);
/*
 * Hitless restart.  An xdpvsd leaving its data path to a successor calls
 * dp_picks_off() before it reads the fast path's events for the last time
 * (the fast path makes no more connections with this engine's picks,
 * include/xdpvs/pick.h; dp_handover() does it again), then
 * dp_handover() with its engine's connections, counters and seed (k,
 * keep.h) before dp_close(): the XDP programs stay attached and
 * forwarding the flows, the maps stay pinned, k is saved beside them,
 * and what would
 * go up to xdpvsd is dropped until the successor is ready
 * (XDPVS_DP_CTL_HOLD, dp.h).  0, -EOPNOTSUPP without a bpf filesystem,
 * or -errno: then nothing is kept.
 *
 * dp_open() takes a kept data path over when it finds one under its pin
 * directory: the programs attached to its interfaces and their maps (no
 * detach, no gap).  dp_kept() then gives what was saved (NULL otherwise),
 * to build an engine with the same seed; once the engine has its
 * configuration, xdpvs_stats_restore() of each counter, dp_adopt_begin(),
 * xdpvs_conn_import() of each connection, dp_adopt_end() (flows nobody
 * took are removed, the hold released; kept programs of another build,
 * which serve as they are, get this build's loaded in the background
 * and swapped in by the loop, xdp_upgrade.h).  Before dp_handover(),
 * dp_fold() puts the fast path's last counts in the engine's counters: the
 * packets it forwards during the hand-over are the only ones not
 * counted.
 */
struct dp_kept;
void dp_picks_off(struct dp *dp);
int dp_handover(struct dp *dp, const struct dp_kept *k);
const struct dp_kept *dp_kept(const struct dp *dp);
void dp_adopt_begin(struct dp *dp);
void dp_adopt_end(struct dp *dp);
/* Detach, close, unpin (or, after dp_handover(), leave it all); dp is
 * freed. */
void dp_close(struct dp *dp);

/* Counters: the XDP program's per interface, the sockets', ours. */
void dp_dump(struct dp *dp, FILE *out);
uint64_t dp_stat(const struct dp *dp, enum dp_stat s);

#endif
