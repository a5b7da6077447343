/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xdpvsd's XDP program (bpf/xdpvs.bpf.c) on its interfaces, through
 * libxdp: one instance per interface, all sharing the filter's maps and
 * the flow maps (those of the first interface, reused by the others);
 * each with its own XSKMAP and counters (the flow event ring buffer and
 * the pick maps are shared too: xdpvsd reads and writes one of each).  Native mode where the driver
 * has it, else generic (skb) mode with a warning.  The shared maps are
 * pinned under BPFFS/xdpvs/v3/ when BPFFS is a bpf filesystem, and
 * unpinned at exit, unless the data path is kept for a successor
 * (dp_xdp_adopt() takes it over).
 */
#ifndef XDPVS_DP_XDP_H
#define XDPVS_DP_XDP_H

#include <stdbool.h>
#include <stdint.h>

#include <xdp/libxdp.h>

#include <xdpvs/dp.h>

#include "route.h"
#include "sync.h"

struct xdpvs_bpf;
struct dp_xdp_spare;

/* The maps every instance shares (fds of the first instance's). */
struct dp_xdp_maps {
	int svcs, nat_rs, local, marks;
	int flows, svc_st, dest_st, ctl;	/* the fast path's */
	int events;		/* its ring buffer to the engine */
	int tx;			/* xdpvs_tx: the interfaces, a devmap */
	int picks, pick_svc, pick_tm;	/* the engine's picks (pick.h) */
	bool set;		/* filled by the first attach */
	bool adopted;		/* found with a kept data path */
};

struct dp_xdp_link {
	struct xdpvs_bpf *skel;	/* NULL when adopted */
	struct xdp_program *prog;
	enum xdp_attach_mode mode;
	int ifindex;
	int xsks, stats;	/* this instance's own maps */
	int own_fds[2];		/* those fds when opened here (adopted) */
	bool adopted;		/* found attached: a kept data path */
	bool kept_prog;		/* ... still running the kept program */
	bool replace;		/* ... another build's: dp_xdp_replace() */
	char ifname[16];
	/* what the programs it replaced counted (dp_xdp_stats) */
	struct xdpvs_dp_counter base[XDPVS_DP_STAT_MAX];
};

/*
 * Attach an instance to ifname (native mode, else skb mode with a
 * warning); the first one creates the shared maps (flows sized for
 * conn_max connections) and fills *maps, later ones reuse them.
 * skb_only: generic mode without trying native.  Refuses,
 * saying so, an interface where an xdpvsd program is already attached.
 * Returns 0 or -errno after logging what failed.
 */
int dp_xdp_attach(const char *ifname, int ifindex, uint32_t conn_max,
		  bool skb_only, struct dp_xdp_maps *maps,
		  struct dp_xdp_link *l);
/*
 * Take over the xdpvsd program found attached to ifname (left by an
 * xdpvsd that exited with --keep-datapath): its maps are found through
 * the program (or their pins under bpffs, for those it does not use; the
 * pick maps, which a build before them has not, are made afresh); the
 * shared ones fill *maps if not set yet.  With replace (the kept program
 * is another build's: dp_xdp_prog_hash()), it is replaced by this
 * build's, on those maps, in one step when spare (or NULL), the programs
 * dp_xdp_spare_load() loaded ahead, has one on the maps found here;
 * otherwise it is adopted as it is, serving (same pin directory, same
 * map layout), with l->replace set: dp_xdp_replace() swaps in the one
 * xdp_upgrade.h loads in the background.  Behind libxdp's dispatcher the
 * kept one stays.  l->kept_prog: the kept program runs.  Returns 0,
 * -ENOENT when no xdpvsd program is attached, or -errno after logging.
 */
int dp_xdp_adopt(const char *ifname, int ifindex, const char *bpffs,
		 bool replace, struct dp_xdp_spare *spare,
		 struct dp_xdp_maps *maps, struct dp_xdp_link *l);
/*
 * This build's program loaded ahead, n times, on the maps a running
 * xdpvsd pinned under bpffs (--takeover): most of an upgrade's time is
 * the verifier's, which then passes while the old xdpvsd still serves,
 * and dp_xdp_adopt() only swaps the programs in.  NULL (logged) when
 * nothing is pinned there or the program does not load on those maps;
 * the adoption then adopts the kept one and loads ours in the
 * background.
 */
struct dp_xdp_spare *dp_xdp_spare_load(const char *bpffs, uint32_t conn_max,
				       int n);
/*
 * This build's program loaded n times on maps, which the result takes
 * (closed with it; on failure too): for dp_xdp_replace(), from a thread
 * of its own (xdp_upgrade.c): it touches nothing but maps and its own
 * libbpf objects.  *stop (or NULL), read between instances, makes it give
 * up (-ECANCELED).  NULL with *err = -errno when a load fails.
 */
struct dp_xdp_spare *dp_xdp_spare_on(struct dp_xdp_maps *maps,
				     uint32_t conn_max, int n,
				     const bool *stop, int *err);
/*
 * l (l->replace) replaced by the next program of s, loaded on its maps in
 * ms (dp_xdp_spare_on): the n AF_XDP sockets of its queues (xsks[queue])
 * put in that program's XSKMAP first, then the programs swapped in one
 * step (XDP_FLAGS_REPLACE), the counters carried on (l->base).  err (s
 * NULL): the load failed.  Logs the outcome; when it fails, the kept
 * program stays, with a warning.
 */
void dp_xdp_replace(struct dp_xdp_link *l, struct dp_xdp_spare *s, int err,
		    long ms, const int *xsks, uint32_t n);
/* *out: m's shared maps, each fd duplicated (dp_xdp_maps_close()).  0 or
 * -errno (nothing open). */
int dp_xdp_maps_dup(const struct dp_xdp_maps *m, struct dp_xdp_maps *out);
/* Close the shared maps m has open; none open after. */
void dp_xdp_maps_close(struct dp_xdp_maps *m);
/* Free what dp_xdp_adopt() did not use (NULL: nothing). */
void dp_xdp_spare_free(struct dp_xdp_spare *s);
/* A hash of this build's XDP program (its BPF object), never 0: saved
 * with a kept data path, it tells the next xdpvsd whose program runs. */
uint32_t dp_xdp_prog_hash(void);
/* The id of an xdpvsd program attached to ifindex, or 0. */
uint32_t dp_xdp_find(int ifindex);
/* Detach (logging a failure) and free; keep: leave it attached. */
void dp_xdp_detach(struct dp_xdp_link *l, bool keep);
int dp_xdp_xskmap_fd(const struct dp_xdp_link *l);
/* Sum the per-CPU counters of l into out; 0 or -errno. */
int dp_xdp_stats(const struct dp_xdp_link *l,
		 struct xdpvs_dp_counter out[XDPVS_DP_STAT_MAX]);
const char *dp_xdp_mode_name(enum xdp_attach_mode mode);

/*
 * Pin the shared maps under bpffs/xdpvs/v3, which lock_fd (from
 * dp_xdp_pin_lock) holds.  0 or -errno.
 */
int dp_xdp_pin(const struct dp_xdp_maps *m, const char *bpffs, int lock_fd);
/*
 * Make and lock bpffs/xdpvs/v3: returns the locked directory's fd, 0 when
 * bpffs is not a bpf filesystem (nothing will be pinned, a message says
 * so), or -errno (-EWOULDBLOCK: another xdpvsd holds it).
 */
int dp_xdp_pin_lock(const char *bpffs);
/* Remove the pins and the directories pinning made; release the lock. */
void dp_xdp_unpin(const char *bpffs, int lock_fd);

/* Make the filter's maps hold exactly set's entries (no gap: stale
 * entries are deleted, the others updated in place; set's arrays get
 * sorted).  0 or -errno. */
int dp_xdp_sync(const struct dp_xdp_maps *maps, struct dp_sync_set *set);
/* Make xdpvs_local hold exactly the addresses of t.  0 or -errno. */
int dp_xdp_sync_local(const struct dp_xdp_maps *maps,
		      const struct dp_rtab *t);

#endif
