// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hitless restart, the data path's side (dp.h): handing ours over to a
 * successor (the fast path's picks taken back, its hold set, the kept
 * state saved beside the pins) and taking a kept one over (the counts
 * and flows found, the hold released once the connections are in; a
 * kept program of another build replaced by ours, loaded in the
 * background).  The engine's side is daemon/handover.c.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>

#include <bpf/bpf.h>

#include "daemon/log.h"
#include "daemon/loop.h"
#include "dp_internal.h"
#include "xdp_upgrade.h"
#include "xsk.h"

/* Set or clear XDPVS_DP_CTL_HOLD. */
static int dp_hold(struct dp *dp, bool on)
{
	struct xdpvs_dp_ctl c = { .flags = on ? XDPVS_DP_CTL_HOLD : 0 };
	uint32_t k = 0;

	if (bpf_map_update_elem(dp->maps.ctl, &k, &c, BPF_ANY))
		return -errno;
	return 0;
}

const struct dp_kept *dp_kept(const struct dp *dp)
{
	return dp->adopted ? &dp->kept : NULL;
}

void dp_adopt_begin(struct dp *dp)
{
	int err;

	if (!dp->adopted)
		return;
	/* The counts since the previous xdpvsd's last fold are its. */
	err = dp_flow_fold(&dp->flow, dp->e, true);
	if (err)
		log_warn_r(err, "cannot read the fast path's counters");
	dp_flow_collect(&dp->flow);
}

/* Ours loaded (or not): swap it in where a kept program of another build
 * runs, each interface's sockets put in its XSKMAP first. */
static void dp_upgrade_ready(void *arg, uint32_t events)
{
	struct dp *dp = arg;
	int fds[XDPVS_DP_MAX_QUEUES], i, err;
	struct dp_xdp_spare *s;
	bool kept = false;
	uint32_t q;
	long ms;

	loop_del(dp->loop, dp_xdp_bg_fd(dp->bg));
	s = dp_xdp_bg_end(dp->bg, &err, &ms);
	dp->bg = NULL;
	for (i = 0; i < dp->nifs; i++) {
		struct dp_iface *ifc = &dp->ifs[i];

		for (q = 0; q < ifc->nqueues; q++)
			fds[q] = dp_xsk_fd(ifc->socks[q].x);
		if (ifc->link.replace)
			dp_xdp_replace(&ifc->link, s, err, ms, fds,
				       ifc->nqueues);
		kept |= ifc->link.kept_prog;
	}
	dp_xdp_spare_free(s);
	/* a successor replaces only what another build's still runs */
	if (!kept)
		dp->prog_hash = dp_xdp_prog_hash();
}

/*
 * Kept programs of another build serve as they are (dp_xdp_adopt), from
 * the hold's release on: only then is ours loaded on their maps, in the
 * background (xdp_upgrade.h), not to take a core from the start-up;
 * dp_upgrade_ready() swaps it in.  Without it (no thread), the kept ones
 * stay.
 */
static void dp_upgrade_start(struct dp *dp)
{
	int i, n = 0, err;

	for (i = 0; i < dp->nifs; i++)
		n += dp->ifs[i].link.replace;
	if (!n || !dp->loop)	/* not serving: dp_start() not called */
		return;
	err = dp_xdp_bg_start(&dp->maps, dp->conf.conn_max, n, &dp->bg);
	if (!err) {
		err = loop_add(dp->loop, dp_xdp_bg_fd(dp->bg), EPOLLIN,
			       dp_upgrade_ready, dp);
		if (!err)
			return;
		dp_xdp_bg_cancel(dp->bg);
		dp->bg = NULL;
	}
	log_warn_r(err, "cannot load this build's XDP program in the "
		   "background: the kept one stays");
	for (i = 0; i < dp->nifs; i++)
		dp->ifs[i].link.replace = false;
}

void dp_adopt_end(struct dp *dp)
{
	int n, err;

	if (!dp->adopted)
		return;
	/* What the fast path told since the previous xdpvsd last read the
	 * ring (it continues from where that one stopped), now that the
	 * connections are here; before the prune, which would take the
	 * flows of a connection the fast path made in that time (its pick
	 * taken just before the previous one took the picks back). */
	dp_events(dp);
	n = dp_flow_prune(&dp->flow);
	if (n < 0)
		log_err_r(n, "cannot remove the flows not taken over");
	else if (n)
		log_info("%d flows of connections not taken over removed", n);
	err = dp_hold(dp, false);
	if (err)
		log_err_r(err, "cannot release the data path's hold");
	dp_kept_free(&dp->kept);
	dp_upgrade_start(dp);
}

void dp_picks_off(struct dp *dp)
{
	int err;

	dp->pick.off = true;
	err = dp_pick_reset(&dp->pick);
	if (err)
		log_err_r(err, "fast path: cannot take its picks back");
}

int dp_handover(struct dp *dp, const struct dp_kept *k)
{
	int err;

	if (dp->pin_lock <= 0)
		return -EOPNOTSUPP;
	dp_picks_off(dp);	/* again if done: a few atomics, a syscall */
	err = dp_hold(dp, true);
	if (!err)
		err = dp_keep_save(dp->conf.bpffs, k, dp->prog_hash,
				   loop_now());
	if (err) {
		dp_hold(dp, false);
		return err;
	}
	dp->keep = true;
	return 0;
}
