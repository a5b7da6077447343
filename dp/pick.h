/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xdpvsd's side of the pick ABI (include/xdpvs/pick.h): the engine's
 * pick callbacks written into the XDP program's maps.  xdpvs_picks and
 * xdpvs_pick_tm are mapped into xdpvsd (BPF_F_MMAPABLE), so publishing,
 * taking back and writing templates are stores and atomics on shared
 * memory, no syscall; only a ring that changes service costs one or two
 * (its xdpvs_pick_svc entry).  A copy of what was written to
 * xdpvs_pick_svc is kept per ring to know when.
 *
 * A ring's `next` is only ever moved forward by the fast path (one
 * fetch-and-add per pick taken, even when none is left) and exchanged
 * by xdpvsd: publishing stores a fresh index 0 into the set not in use,
 * taking back exchanges the index for XDPVS_PICK_SLOTS (at or past any
 * count) in the same set, so a fast path racing with it still reads the
 * set it indexed, and the exchange's old index, clamped at the set's
 * count, is exactly the number of picks the fast path took.
 */
#ifndef XDPVS_DP_PICK_H
#define XDPVS_DP_PICK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <xdpvs/flow.h>
#include <xdpvs/pick.h>

/* What xdpvsd wrote for one ring. */
struct dp_pick_ring {
	struct xdpvs_dp_addr_key svc;	/* its xdpvs_pick_svc key ... */
	bool mapped;		/* ... which maps to this ring */
	bool live;		/* published, not taken back since */
	uint32_t taken;		/* what the last take back returned */
};

struct dp_pick {
	int svc_fd;		/* xdpvs_pick_svc (not owned) */
	struct xdpvs_pick_ring *rings;	/* xdpvs_picks, mapped */
	size_t rings_len;
	struct xdpvs_flow_value *tmpl;	/* xdpvs_pick_tm, mapped */
	size_t tmpl_len;
	bool off;		/* handed over: nothing is published */
	struct dp_pick_ring st[XDPVS_PICK_RINGS];
	uint64_t puts, takes, taken, errs;
	uint64_t nexts;		/* picks the engine took itself */
	uint64_t calls;		/* bpf() calls made */
};

/* The three maps' fds. */
struct dp_pick_fds {
	int picks;		/* xdpvs_picks */
	int svc;		/* xdpvs_pick_svc */
	int tmpl;		/* xdpvs_pick_tm */
};

/*
 * Make the three maps afresh, as bpf/xdpvs.bpf.c defines them (a data
 * path kept by a build without them is adopted with new ones; the
 * program's other instances reuse them).  0 or -errno (none made).
 */
int dp_pick_maps_create(struct dp_pick_fds *fds);

/*
 * Empty the xdpvs_pick_svc map svc_fd (not mapped: its rings may be of
 * another build's size): a program using it finds no ring, takes no
 * pick, and sends the first packets of new connections up.  0 or -errno.
 */
int dp_pick_svc_empty(int svc_fd);

/*
 * Map fds.picks and fds.tmpl into p, after checking they have the
 * layout of this build (-EINVAL otherwise); fds.svc is used, not owned.
 * 0 or -errno.
 */
int dp_pick_init(struct dp_pick *p, const struct dp_pick_fds *fds);
void dp_pick_fini(struct dp_pick *p);

/*
 * The engine's callbacks (xdpvs_env).  put: publish n picks as ring's
 * next set, for service svc; the ring must have none left to take (new,
 * taken back or used up): -EBUSY otherwise, -EINVAL for a ring out of
 * range or n above XDPVS_PICK_SLOTS, nothing done then.  take: leave
 * ring with nothing to take; *taken is how many of the picks published
 * last the fast path took (the same again when taken back twice).
 * next: take ring's next pick into *pk, as the fast path takes one (the
 * engine scheduling a connection itself), -ENOENT when none is left.
 * drop: take back and forget ring's service.  tmpl: write the template
 * of real server slot dest_idx.  0 or -errno.
 */
int dp_pick_put(struct dp_pick *p, uint32_t ring,
		const struct xdpvs_dp_addr_key *svc, uint32_t flags,
		const struct xdpvs_pick *picks, uint32_t n);
int dp_pick_take(struct dp_pick *p, uint32_t ring, uint32_t *taken);
int dp_pick_next(struct dp_pick *p, uint32_t ring, struct xdpvs_pick *pk);
int dp_pick_drop(struct dp_pick *p, uint32_t ring);
int dp_pick_tmpl(struct dp_pick *p, uint32_t dest_idx,
		 const struct xdpvs_flow_value *v);

/*
 * Take every ring back and empty xdpvs_pick_svc, whatever this process
 * knows of them: no choice of a previous engine (a kept data path) or of
 * this one (handing over) is used by the fast path afterwards.  0 or
 * -errno (the rings are taken back all the same).
 */
int dp_pick_reset(struct dp_pick *p);

void dp_pick_dump(const struct dp_pick *p, FILE *out);

#endif
