// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpvsd's data path (dp.h): set-up and tear-down of the interfaces, the
 * frame loop between the AF_XDP sockets and the engine, the engine's
 * route callback, counters.  The hand-over to a successor and the
 * adoption of a kept data path are dp_handover.c's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "daemon/log.h"
#include "daemon/loop.h"
#include "dp_internal.h"
#include "flow.h"
#include "keep.h"
#include "nl.h"
#include "pick.h"
#include "xdp.h"
#include "xdp_upgrade.h"
#include "xsk.h"

#define DP_BATCH	64	/* descriptors per peek */
#define DP_ROUNDS	8	/* peeks per wake-up, then others' turn */
#define DP_REFRESH_GAP_NS 10000000ULL	/* 10 ms: least gap between passes */
/* Connections a slice of a pass sees: ~1 ms when nothing changed, some
 * 40 ms when all their flows must be written (5 us a flow). */
#define DP_REFRESH_SLICE 4096

static const char *const dp_stat_names[DP_STAT_MAX] = {
	[DP_RX] = "rx",
	[DP_TX] = "tx",
	[DP_TX_COPY] = "tx_copy",
	[DP_ENGINE_DROP] = "engine_drop",
	[DP_PASS_DROPPED] = "pass_dropped",
	[DP_NO_EGRESS] = "no_egress",
	[DP_TX_FAIL] = "tx_fail",
	[DP_NEIGH_ASKED] = "neigh_asked",
	[DP_FLOW_REFRESH] = "flow_refresh",
	[DP_EVENTS] = "events",
	[DP_EVENTS_STALE] = "events_stale",
	[DP_EVENTS_NEW] = "events_new",
	[DP_EVENTS_UNUSED] = "events_unused",
};

static const char *const dp_xdp_stat_names[XDPVS_DP_STAT_MAX] = {
	[XDPVS_DP_RX] = "rx",
	[XDPVS_DP_XSK_SVC] = "service",
	[XDPVS_DP_XSK_MARK] = "mark",
	[XDPVS_DP_XSK_NAT] = "nat_reply",
	[XDPVS_DP_XSK_ICMP] = "icmp_error",
	[XDPVS_DP_NO_XSK] = "no_socket",
	[XDPVS_DP_PASS] = "pass",
	[XDPVS_DP_FAST] = "fast",
	[XDPVS_DP_FAST_UP] = "fast_up",
	[XDPVS_DP_HELD] = "held",
	[XDPVS_DP_XSK_FRAG] = "fragment",
	[XDPVS_DP_FAST_EST] = "fast_est",
	[XDPVS_DP_FAST_CLOSE] = "fast_close",
	[XDPVS_DP_FAST_NEW] = "fast_new",
};

uint64_t dp_stat(const struct dp *dp, enum dp_stat s)
{
	return dp->st[s];
}

static struct dp_iface *dp_iface_find(struct dp *dp, uint32_t ifindex)
{
	int i;

	for (i = 0; i < dp->nifs; i++)
		if (dp->ifs[i].ifindex == ifindex)
			return &dp->ifs[i];
	return NULL;
}

/* ------------------------------------------------------------------
 * Routes for the engine
 */

static int dp_env_route(void *ctx, int af, const union xdpvs_addr *daddr,
			struct xdpvs_route *rt)
{
	struct dp *dp = ctx;
	struct dp_nexthop nh;
	int err = dp_rtab_route(dp_nl_rtab(dp->nl), af, daddr, rt, &nh);

	if (err == -EAGAIN) {
		/* The kernel may have learnt it a moment ago (a client's
		 * ARP request) and told us in a message not read yet. */
		dp_nl_mon_read(dp->nl);
		err = dp_rtab_route(dp_nl_rtab(dp->nl), af, daddr, rt, &nh);
	}
	if (err == -EAGAIN) {
		char a[INET6_ADDRSTRLEN] = "?";

		inet_ntop(nh.af, &nh.addr, a, sizeof(a));
		log_rl(&dp->rl_neigh, dp->now, LOG_LVL_DEBUG, 0,
		       "%s: next hop not resolved yet, asking the kernel", a);
		if (dp_nl_resolve(dp->nl, &nh, dp->now) == 0)
			dp->st[DP_NEIGH_ASKED]++;
		return err;
	}
	if (!err && !rt->local && !dp_iface_find(dp, rt->ifindex)) {
		char ifn[IF_NAMESIZE] = "?";

		if_indextoname(rt->ifindex, ifn);
		log_rl(&dp->rl_egress, dp->now, LOG_LVL_WARN, 0,
		       "route to a destination leaves through %s, which "
		       "xdpvsd does not serve (-i): dropped", ifn);
		return -ENETUNREACH;
	}
	return err;
}

static void dp_env_flow_add(void *ctx, const struct xdpvs_flow_key *k,
			    const struct xdpvs_flow_value *v, bool replace)
{
	dp_flow_add(&((struct dp *)ctx)->flow, k, v, replace);
}

static void dp_env_flow_del(void *ctx, const struct xdpvs_flow_key *k)
{
	dp_flow_del(&((struct dp *)ctx)->flow, k);
}

static void dp_env_flow_have(void *ctx, const struct xdpvs_flow_key *k)
{
	dp_flow_have(&((struct dp *)ctx)->flow, k);
}

static uint64_t dp_env_flow_last_seen(void *ctx,
				      const struct xdpvs_flow_key *k)
{
	return dp_flow_last_seen(&((struct dp *)ctx)->flow, k);
}

/* A pick callback's failure, told at a limited rate (an engine bug or
 * a map refusing: the fast path sends those SYNs up). */
static void dp_pick_said(struct dp *dp, int err, const char *what,
			 uint32_t n)
{
	if (err)
		log_rl(&dp->rl_pick, loop_now(), LOG_LVL_WARN, err,
		       "fast path: the engine's picks: %s %u", what, n);
}

static void dp_env_pick_put(void *ctx, uint32_t ring,
			    const struct xdpvs_dp_addr_key *svc, uint32_t flags,
			    const struct xdpvs_pick *picks, uint32_t n)
{
	struct dp *dp = ctx;

	dp_pick_said(dp, dp_pick_put(&dp->pick, ring, svc, flags, picks, n),
		     "publishing in ring", ring);
}

static uint32_t dp_env_pick_take(void *ctx, uint32_t ring)
{
	struct dp *dp = ctx;
	uint32_t taken;

	dp_pick_said(dp, dp_pick_take(&dp->pick, ring, &taken),
		     "taking back ring", ring);
	return taken;
}

static int dp_env_pick_next(void *ctx, uint32_t ring, struct xdpvs_pick *pk)
{
	return dp_pick_next(&((struct dp *)ctx)->pick, ring, pk);
}

static void dp_env_pick_drop(void *ctx, uint32_t ring)
{
	struct dp *dp = ctx;

	dp_pick_said(dp, dp_pick_drop(&dp->pick, ring), "dropping ring",
		     ring);
}

static void dp_env_pick_tmpl(void *ctx, uint32_t dest_idx,
			     const struct xdpvs_flow_value *v)
{
	struct dp *dp = ctx;

	dp_pick_said(dp, dp_pick_tmpl(&dp->pick, dest_idx, v),
		     "template of real server slot", dest_idx);
}

struct xdpvs_env dp_env(struct dp *dp)
{
	return (struct xdpvs_env){
		.route = dp_env_route,
		.flow_add = dp_env_flow_add,
		.flow_del = dp_env_flow_del,
		.flow_last_seen = dp_env_flow_last_seen,
		.flow_have = dp_env_flow_have,
		.pick_put = dp_env_pick_put,
		.pick_take = dp_env_pick_take,
		.pick_next = dp_env_pick_next,
		.pick_drop = dp_env_pick_drop,
		.pick_tmpl = dp_env_pick_tmpl,
		.ctx = dp,
	};
}

/* A connection the fast path made with a pick, or a pick it gives back:
 * 0 or -errno. */
static int dp_event_new(struct dp *dp, const void *data, size_t len)
{
	if (len < sizeof(struct xdpvs_flow_event_new))
		return -EINVAL;
	return xdpvs_engine_flow_new(dp->e, dp->now, data);
}

/* One event of the fast path (ring_buffer__consume's callback). */
static int dp_event(void *ctx, void *data, size_t len)
{
	const struct xdpvs_flow_event *ev = data;
	struct dp *dp = ctx;

	if (len < sizeof(*ev) || !dp->e)
		dp->st[DP_EVENTS_STALE]++;
	else if (ev->type == XDPVS_FLOW_EV_NEW ||
		 ev->type == XDPVS_FLOW_EV_UNUSED)
		dp->st[dp_event_new(dp, data, len) ? DP_EVENTS_STALE :
		       ev->type == XDPVS_FLOW_EV_NEW ? DP_EVENTS_NEW :
						       DP_EVENTS_UNUSED]++;
	else if (xdpvs_engine_flow_event(dp->e, dp->now, ev))
		dp->st[DP_EVENTS_STALE]++;
	else
		dp->st[DP_EVENTS]++;
	return 0;
}

/* Read the events at time dp->now. */
static void dp_events_read(struct dp *dp)
{
	int n;

	if (!dp->events || !dp->e)
		return;
	n = ring_buffer__consume(dp->events);
	if (n < 0)
		log_rl(&dp->rl_egress, dp->now, LOG_LVL_WARN, n,
		       "cannot read the fast path's events");
}

void dp_events(struct dp *dp)
{
	dp->now = loop_now();
	dp_events_read(dp);
}

void dp_fold(struct dp *dp)
{
	int err;

	if (!dp->e)
		return;
	dp_events(dp);
	err = dp_flow_fold(&dp->flow, dp->e, false);
	if (err)
		log_rl(&dp->rl_egress, loop_now(), LOG_LVL_WARN, err,
		       "cannot read the fast path's counters");
}

void dp_engine_gone(struct dp *dp)
{
	dp->flow.off = true;
	dp->pick.off = true;
	dp->e = NULL;
}

static void dp_nl_changed(void *ctx, unsigned int what)
{
	struct dp *dp = ctx;
	int err;

	if (what & DP_NL_CH_ADDR) {
		err = dp_xdp_sync_local(&dp->maps, dp_nl_rtab(dp->nl));
		if (err)
			log_err_r(err, "cannot update the local address map");
	}
	/* Called from within a read of notifications, which may be within
	 * a packet's route lookup: the pass waits for dp_refresh(). */
	if (dp->e)
		xdpvs_engine_routes_changed(dp->e);
}

/* Have t fire at when (ns), unless it fires sooner. */
static void dp_timer_arm(struct dp *dp, struct dp_timer *t, uint64_t when)
{
	struct itimerspec its = {
		.it_value = { .tv_sec = (time_t)(when / 1000000000),
			      .tv_nsec = (long)(when % 1000000000) },
	};

	if ((t->armed && t->armed <= when) || t->fd < 0)
		return;
	if (timerfd_settime(t->fd, TFD_TIMER_ABSTIME, &its, NULL))
		log_rl(&dp->rl_egress, dp->now, LOG_LVL_WARN, -errno,
		       "cannot arm the %s timer", t->name);
	else
		t->armed = when;
}

/* t fired (true), or woke the loop for nothing. */
static bool dp_timer_fired(struct dp_timer *t)
{
	uint64_t n;

	if (read(t->fd, &n, sizeof(n)) < 0 && errno == EAGAIN)
		return false;
	t->armed = 0;
	return true;
}

static int dp_timer_open(struct dp *dp, struct dp_timer *t, loop_fn fn)
{
	int err;

	t->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (t->fd < 0) {
		err = -errno;
		log_err_r(err, "timerfd");
		return err;
	}
	return loop_add(dp->loop, t->fd, EPOLLIN, fn, dp);
}

static void dp_timer_close(struct dp *dp, struct dp_timer *t)
{
	if (t->fd < 0)
		return;
	if (dp->loop)
		loop_del(dp->loop, t->fd);
	close(t->fd);
	t->fd = -1;
}

static void dp_refresh_arm(struct dp *dp, uint64_t when)
{
	dp_timer_arm(dp, &dp->refresh, when);
}

/*
 * Bring the fast path's flows up to date after routes changed.  Called
 * at the end of each callback that may have read notifications, outside
 * the batches of dp_sock_ready (a batch's adds would not keep the flows'
 * last_seen), so the changes a callback read, however many, make one
 * pass; a pass does not start sooner than DP_REFRESH_GAP_NS after the
 * last one ended, so a stream of changes does not keep xdpvsd in passes.
 * A pass goes in slices of DP_REFRESH_SLICE connections, one a callback
 * or a round of the loop (refresh_fd set to fire at once), so packets
 * are served in between: a million connections' pass took seconds.
 * Meanwhile flows keep their old way out, the next hop's old MAC for a
 * while, as the kernel's cached neighbour would; one without a way any
 * more is removed by the pass.
 */
static void dp_refresh(struct dp *dp)
{
	uint64_t t0;

	if (!dp->e || !xdpvs_engine_flows_stale(dp->e))
		return;
	t0 = loop_now();
	if (!dp->refresh_busy) {
		if (t0 < dp->refresh_next) {
			dp_refresh_arm(dp, dp->refresh_next);
			return;
		}
		dp->st[DP_FLOW_REFRESH]++;
		dp->refresh_busy = true;
	}
	if (xdpvs_engine_flows_refresh(dp->e, DP_REFRESH_SLICE)) {
		dp_refresh_arm(dp, t0);	/* the next slice: next round */
		return;
	}
	dp->refresh_busy = false;
	dp->refresh_next = loop_now() + DP_REFRESH_GAP_NS;
	log_debug("routes changed: %u flows up to date, the last slice in "
		  "%llu us", xdpvs_flow_count(dp->e),
		  (unsigned long long)(loop_now() - t0) / 1000);
}

/*
 * After routes may have changed: the flows' pass, and the fast path's
 * picks, taken back by the change (<xdpvs/pick.h>), published again at
 * once (an engine tick) rather than at the next packet that goes up or
 * the next second's tick: until then every new connection would go up.
 */
static void dp_changed(struct dp *dp)
{
	if (dp->e && xdpvs_engine_flows_stale(dp->e))
		dp_engine_tick(dp, dp->e, loop_now());
	dp_refresh(dp);
}

static void dp_refresh_ready(void *arg, uint32_t events)
{
	struct dp *dp = arg;

	if (dp_timer_fired(&dp->refresh))
		dp_refresh(dp);
}

/*
 * The fast path woke us: it took the middle or the last pick of a set
 * (its other events come without a wake-up).  The engine makes those
 * connections as it reads them, and publishes the next set in time.
 */
static void dp_events_ready(void *arg, uint32_t events)
{
	struct dp *dp = arg;

	dp->now = loop_now();
	dp_flow_batch(&dp->flow);
	dp_events_read(dp);
	dp_flow_flush(&dp->flow);
	/* a route lookup of those connections may have read a change */
	dp_refresh(dp);
}

/* ------------------------------------------------------------------
 * Frames
 */

/* The socket that sends to ifindex from s's queue, or NULL (counted). */
static struct dp_xsk *dp_egress(struct dp *dp, const struct dp_sock *s,
				uint32_t ifindex)
{
	struct dp_iface *out = dp_iface_find(dp, ifindex);

	if (!out) {
		dp->st[DP_NO_EGRESS]++;
		return NULL;
	}
	return out->socks[s->x->queue % out->nqueues].x;
}

/* Copy frame f into free UMEM frames of ox and send it from there. */
static void dp_tx_copy(struct dp *dp, struct dp_xsk *ox,
		       const struct xdpvs_frame *f)
{
	if (dp_xsk_tx_copy(ox, f->data, f->len)) {
		dp->st[DP_TX]++;
		dp->st[DP_TX_COPY]++;
	} else {
		dp->st[DP_TX_FAIL]++;
	}
}

/* A frame not in a UMEM frame (gathered from several): base says so. */
#define DP_NO_BASE UINT64_MAX

/* Send frame f (in x's UMEM at base, or DP_NO_BASE) out of its egress
 * interface; the UMEM frame is consumed either way. */
static void dp_tx(struct dp *dp, struct dp_sock *s, uint64_t base,
		  const struct xdpvs_frame *f)
{
	struct dp_xsk *x = s->x, *ox = dp_egress(dp, s, f->ifindex);

	if (ox == x && base != DP_NO_BASE) {
		if (dp_xsk_tx(x, (uint64_t)(f->data - x->area), f->len)) {
			dp->st[DP_TX]++;
			return;
		}
		dp->st[DP_TX_FAIL]++;
	} else if (ox) {
		dp_tx_copy(dp, ox, f);
	}
	if (base != DP_NO_BASE)
		dp_xsk_free(x, base);
}

/* Frame f, received on s (in UMEM frame base, or DP_NO_BASE), through
 * the engine. */
static void dp_run(struct dp *dp, struct dp_sock *s, uint64_t base,
		   struct xdpvs_frame *f)
{
	dp->st[DP_RX]++;
	switch (xdpvs_engine_rx(dp->e, dp->now, f)) {
	case XDPVS_TX:
		dp_tx(dp, s, base, f);
		/* the other fragments of a packet that left in pieces */
		while (xdpvs_engine_tx_next(dp->e, f)) {
			struct dp_xsk *ox = dp_egress(dp, s, f->ifindex);

			if (ox)
				dp_tx_copy(dp, ox, f);
		}
		return;
	case XDPVS_PASS:
		dp->st[DP_PASS_DROPPED]++;
		log_rl(&dp->rl_pass, dp->now, LOG_LVL_DEBUG, 0,
		       "%s: a frame the engine passed came up through "
		       "AF_XDP and cannot go back: dropped", s->ifc->name);
		break;
	case XDPVS_DROP:
		dp->st[DP_ENGINE_DROP]++;
		break;
	case XDPVS_HOLD:	/* a fragment: its bytes were copied */
		break;
	}
	if (base != DP_NO_BASE)
		dp_xsk_free(s->x, base);
}

/* One frame received in one descriptor, in its UMEM frame. */
static void dp_frame(struct dp *dp, struct dp_sock *s, uint64_t addr,
		     uint32_t len)
{
	struct dp_xsk *x = s->x;
	uint64_t base = dp_xsk_base(addr);
	uint32_t off = (uint32_t)(addr - base);
	struct xdpvs_frame f = {
		.data = x->area + addr,
		.len = len,
		.headroom = off,
		.tailroom = off + len <= XSK_FRAME_SIZE ?
				    XSK_FRAME_SIZE - off - len : 0,
		.ifindex = s->ifc->ifindex,
	};

	dp_run(dp, s, base, &f);
}

/* One descriptor of a frame received in several (jumbo): the frame
 * through the engine once its last one came. */
static void dp_frame_part(struct dp *dp, struct dp_sock *s,
			  const struct xdp_desc *d)
{
	struct dp_xsk *x = s->x;
	struct xdpvs_frame f = {
		.data = x->gather + XSK_HEADROOM,
		.len = x->glen + d->len,
		.headroom = XSK_HEADROOM,
		.ifindex = s->ifc->ifindex,
	};

	if (!dp_xsk_gather(x, d))
		return;
	if (!x->gbad) {
		f.tailroom = XSK_GATHER_SIZE - XSK_HEADROOM - f.len;
		dp_run(dp, s, DP_NO_BASE, &f);
	}
	x->glen = 0;
	x->gbad = false;
}

/* How soon to kick a TX ring again that the kernel left frames on (its
 * device's queue stopped by a full peer): soon, or a frame there (a SYN
 * behind a burst) would wait for the next packet or the 1 s tick. */
#define DP_TX_RETRY_NS	1000000

static void dp_flush_all(struct dp *dp)
{
	bool left = false;
	int i;
	uint32_t q;

	for (i = 0; i < dp->nifs; i++)
		for (q = 0; q < dp->ifs[i].nqueues; q++)
			if (dp->ifs[i].socks[q].x->tx_queued &&
			    dp_xsk_flush(dp->ifs[i].socks[q].x))
				left = true;
	if (left)
		dp_timer_arm(dp, &dp->tx_retry, loop_now() + DP_TX_RETRY_NS);
}

static void dp_tx_retry_ready(void *arg, uint32_t events)
{
	struct dp *dp = arg;

	if (dp_timer_fired(&dp->tx_retry))
		dp_flush_all(dp);
}

static void dp_sock_ready(void *arg, uint32_t events)
{
	struct dp_sock *s = arg;
	struct dp *dp = s->dp;
	struct dp_xsk *x = s->x;
	uint32_t idx, i, n;
	int round;

	dp->now = loop_now();
	/* the burst's new flows in a few syscalls, before its frames go */
	dp_flow_batch(&dp->flow);
	for (round = 0; round < DP_ROUNDS; round++) {
		n = xsk_ring_cons__peek(&x->rx, DP_BATCH, &idx);
		if (!n)
			break;
		/* What the fast path told before these came is older. */
		dp_events_read(dp);
		for (i = 0; i < n; i++) {
			const struct xdp_desc *d =
				xsk_ring_cons__rx_desc(&x->rx, idx + i);

			if (x->glen || (d->options & XDP_PKT_CONTD))
				dp_frame_part(dp, s, d);
			else
				dp_frame(dp, s, d->addr, d->len);
		}
		xsk_ring_cons__release(&x->rx, n);
		x->st.rx += n;
		dp_xsk_refill(x);
	}
	dp_flow_flush(&dp->flow);
	dp_flush_all(dp);
	/* a route lookup of this burst may have read a change */
	dp_changed(dp);
}

static void dp_nl_mon_ready(void *arg, uint32_t events)
{
	struct dp *dp = arg;

	dp->now = loop_now();
	dp_nl_mon_read(dp->nl);
	dp_changed(dp);
}

static void dp_nl_req_ready(void *arg, uint32_t events)
{
	dp_nl_req_read(((struct dp *)arg)->nl);
}

void dp_engine_tick(struct dp *dp, struct xdpvs_engine *e, uint64_t now)
{
	dp_flow_batch(&dp->flow);
	xdpvs_engine_tick(e, now);
	dp_flow_flush(&dp->flow);
}

void dp_tick(struct dp *dp, uint64_t now)
{
	int i;
	uint32_t q;

	dp->now = now;
	dp_flush_all(dp);
	for (i = 0; i < dp->nifs; i++)
		for (q = 0; q < dp->ifs[i].nqueues; q++)
			dp_xsk_refill(dp->ifs[i].socks[q].x);
	dp_refresh(dp);
}

/* ------------------------------------------------------------------
 * Configuration
 */

/* Ask for the neighbours of every real server (and count what has no
 * route, which the engine will answer with ICMP). */
static void dp_prime_neighbours(struct dp *dp, const struct xdpvs_svc_info *s,
				int n)
{
	struct xdpvs_route rt;
	uint32_t j;
	int i;

	for (i = 0; i < n; i++)
		for (j = 0; j < s[i].num_dests; j++)
			dp_env_route(dp, s[i].dests[j].conf.af,
				     &s[i].dests[j].conf.addr, &rt);
}

/* The engine's mark rules in a new array (*out, free() it), *n of them. */
static int dp_mark_rules(struct xdpvs_engine *e, struct xdpvs_mark_rule **out,
			 int *n)
{
	int max = 16;

	for (;;) {
		struct xdpvs_mark_rule *r = calloc((size_t)max, sizeof(*r));

		if (!r)
			return -ENOMEM;
		*n = xdpvs_mark_get(e, r, max);
		if (*n <= max) {
			*out = r;
			return 0;
		}
		free(r);
		max = *n;
	}
}

int dp_sync(struct dp *dp)
{
	struct xdpvs_mark_rule *rules = NULL;
	struct xdpvs_svc_info *svcs = NULL;
	struct dp_sync_set set;
	int n, nr, err;

	dp->now = loop_now();
	n = xdpvs_svc_info_get(dp->e, &svcs);
	if (n < 0) {
		log_err_r(n, "cannot read the services");
		return n;
	}
	err = dp_mark_rules(dp->e, &rules, &nr);
	if (!err)
		err = dp_sync_build(svcs, n, rules, nr, &set);
	if (!err) {
		err = dp_xdp_sync(&dp->maps, &set);
		log_debug("XDP filter: %u services, %u NAT real servers, "
			  "%u mark prefixes", set.nsvcs, set.nnat_rs,
			  set.nmarks);
		dp_sync_free(&set);
	}
	if (err)
		log_err_r(err, "cannot update the XDP filter's maps");
	else
		dp_prime_neighbours(dp, svcs, n);
	free(rules);
	xdpvs_svc_info_free(svcs, n);
	/* a switch may have made the flows stale (pmtu_disc) */
	dp_refresh(dp);
	return err;
}

/* ------------------------------------------------------------------
 * Set-up and tear-down
 */

/* Receive queues of ifname (ethtool's channels), at least 1. */
static uint32_t dp_queues(const char *ifname)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	struct ifreq ifr;
	uint32_t n = 1;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ch;
	if (!ioctl(fd, SIOCETHTOOL, &ifr) && ch.combined_count + ch.rx_count)
		n = ch.combined_count + ch.rx_count;
	close(fd);
	if (n > XDPVS_DP_MAX_QUEUES) {
		log_warn("%s: %u receive queues, only the first %u served",
			 ifname, n, XDPVS_DP_MAX_QUEUES);
		n = XDPVS_DP_MAX_QUEUES;
	}
	return n;
}

/* Name, index and queues of interface i; -errno after saying why. */
static int dp_iface_init(struct dp *dp, int i, const char *name)
{
	struct dp_iface *ifc = &dp->ifs[i];
	const struct dp_link *l;
	int j;

	if (strlen(name) >= IF_NAMESIZE) {
		log_err("%s: %s", name, strerror(ENODEV));
		return -ENODEV;
	}
	snprintf(ifc->name, sizeof(ifc->name), "%s", name);
	ifc->ifindex = if_nametoindex(name);
	if (!ifc->ifindex) {
		log_err_r(-errno, "%s", name);
		return -ENODEV;
	}
	for (j = 0; j < i; j++) {
		if (dp->ifs[j].ifindex == ifc->ifindex) {
			log_err("%s: given twice", name);
			return -EINVAL;
		}
	}
	l = dp_rtab_link(dp_nl_rtab(dp->nl), ifc->ifindex);
	if (!l || !l->has_mac) {
		log_err("%s: not an Ethernet interface", name);
		return -EINVAL;
	}
	ifc->nqueues = dp_queues(name);
	return 0;
}

static int dp_iface_socks(struct dp *dp, struct dp_iface *ifc)
{
	bool copy = dp->conf.force_skb || ifc->link.mode == XDP_MODE_SKB;
	uint32_t q;
	int err;

	for (q = 0; q < ifc->nqueues; q++) {
		struct dp_sock *s = &ifc->socks[q];

		s->dp = dp;
		s->ifc = ifc;
		err = dp_xsk_open(&s->x, ifc->name, ifc->ifindex, q,
				  dp_xdp_xskmap_fd(&ifc->link), copy);
		if (err) {
			log_err_r(err, "%s: queue %u: cannot open an AF_XDP "
				  "socket", ifc->name, q);
			return err;
		}
	}
	log_debug("%s: %u AF_XDP socket(s)", ifc->name, ifc->nqueues);
	return 0;
}

/* The pin directory, locked; says who has it when another xdpvsd does. */
static int dp_lock(struct dp *dp)
{
	char dir[PATH_MAX];
	uint32_t id;
	int i, err = dp_xdp_pin_lock(dp->conf.bpffs);

	if (err != -EWOULDBLOCK)
		return err;
	for (i = 0; i < dp->conf.nifs; i++) {
		id = dp_xdp_find((int)dp->ifs[i].ifindex);
		if (id) {
			log_err("%s: an xdpvsd XDP program is already "
				"attached (program id %u): another xdpvsd "
				"serves this interface", dp->ifs[i].name, id);
			return -EBUSY;
		}
	}
	snprintf(dir, sizeof(dir), "%s/%s", dp->conf.bpffs, XDPVS_PIN_DIR);
	log_err("%s: in use by another xdpvsd", dir);
	return -EBUSY;
}

/* Attach to every interface, or take over the programs a previous xdpvsd
 * left attached with its saved state (adopt). */
static int dp_attach_all(struct dp *dp, bool adopt)
{
	uint32_t kept = adopt ? dp_keep_prog(dp->conf.bpffs) : 0;
	uint32_t ours = dp_xdp_prog_hash();
	int i, err;

	/* Ours unless a kept program of another build stays somewhere:
	 * then the next xdpvsd tries to replace it again. */
	dp->prog_hash = ours;
	for (i = 0; i < dp->conf.nifs; i++) {
		struct dp_iface *ifc = &dp->ifs[i];

		err = adopt ? dp_xdp_adopt(ifc->name, (int)ifc->ifindex,
					   dp->conf.bpffs, kept != ours,
					   dp->conf.spare, &dp->maps,
					   &ifc->link) :
			      -ENOENT;
		if (!err && ifc->link.kept_prog && kept != ours)
			dp->prog_hash = kept;
		if (err == -ENOENT)
			err = dp_xdp_attach(ifc->name, (int)ifc->ifindex,
					    dp->conf.conn_max,
					    dp->conf.force_skb, &dp->maps,
					    &ifc->link);
		if (err)
			return err;
		dp->nifs = i + 1;
	}
	return 0;
}

/* A kept data path's saved connections, for dp_kept(). */
static void dp_load_kept(struct dp *dp)
{
	int err = dp_keep_load(dp->conf.bpffs, loop_now(), &dp->kept);

	if (err)
		log_err_r(err, "the previous xdpvsd's connections cannot be "
			  "read: starting without them");
	else
		log_info("data path kept by the previous xdpvsd: %d "
			 "connections to take over", dp->kept.n);
	if (dp->kept.stats_unreadable)
		log_warn("the previous xdpvsd's counters are unreadable: "
			 "they start from zero");
	if (dp->kept.config_unreadable)
		log_warn("the previous xdpvsd's configuration is "
			 "unreadable: only -c can give one");
}

/*
 * Map the pick maps, and take back whatever is in them: a kept data
 * path's rings hold the previous engine's choices (taken back at its
 * exit, unless it crashed), which ours must not follow.  0 or -errno.
 */
static int dp_open_picks(struct dp *dp)
{
	struct dp_pick_fds fds = { .picks = dp->maps.picks,
				   .svc = dp->maps.pick_svc,
				   .tmpl = dp->maps.pick_tm };
	int err = dp_pick_init(&dp->pick, &fds);

	if (err)
		return err;
	/* Harmless if it fails: a stale entry leads to a ring taken
	 * back, whose svc the fast path checks. */
	err = dp_pick_reset(&dp->pick);
	if (err)
		log_warn_r(err, "fast path: cannot empty %s",
			   XDPVS_PICK_SVC_MAP);
	return 0;
}

static int dp_open_ifaces(struct dp *dp)
{
	bool adopt;
	int i, err;

	for (i = 0; i < dp->conf.nifs; i++) {
		err = dp_iface_init(dp, i, dp->conf.ifnames[i]);
		if (err)
			return err;
	}
	if (dp->conf.bpffs) {
		dp->pin_lock = dp_lock(dp);
		if (dp->pin_lock < 0)
			return dp->pin_lock;
	}
	adopt = dp->pin_lock > 0 && dp_keep_found(dp->conf.bpffs);
	err = dp_attach_all(dp, adopt);
	if (err)
		return err;
	dp->adopted = adopt;
	if (adopt)
		dp_load_kept(dp);
	err = dp_flow_init(&dp->flow, dp->maps.flows, dp->maps.dest_st);
	if (!err)
		err = dp_open_picks(dp);
	if (err) {
		log_err_r(err, "fast path");
		return err;
	}
	dp->events = ring_buffer__new(dp->maps.events, dp_event, dp, NULL);
	if (!dp->events) {
		err = -errno;
		log_err_r(err, "fast path: cannot map its event ring buffer");
		return err;
	}
	if (dp->pin_lock > 0) {
		err = dp_xdp_pin(&dp->maps, dp->conf.bpffs, dp->pin_lock);
		if (err < 0)
			return err;
	}
	err = dp_xdp_sync_local(&dp->maps, dp_nl_rtab(dp->nl));
	if (err) {
		log_err_r(err, "cannot fill the local address map");
		return err;
	}
	for (i = 0; i < dp->nifs; i++) {
		err = dp_iface_socks(dp, &dp->ifs[i]);
		if (err)
			return err;
	}
	return 0;
}

struct dp *dp_open(const struct dp_config *c, int *err)
{
	struct dp *dp = calloc(1, sizeof(*dp));

	*err = -ENOMEM;
	if (!dp) {
		dp_xdp_spare_free(c->spare);
		return NULL;
	}
	dp->conf = *c;
	dp->pin_lock = -1;
	dp->refresh = (struct dp_timer){ .fd = -1, .name = "flow refresh" };
	dp->tx_retry = (struct dp_timer){ .fd = -1, .name = "transmit" };
	dp->rl_egress = (struct log_rl)LOG_RL_INIT(10, 5);
	dp->rl_neigh = (struct log_rl)LOG_RL_INIT(10, 20);
	dp->rl_pass = (struct log_rl)LOG_RL_INIT(10, 5);
	dp->rl_pick = (struct log_rl)LOG_RL_INIT(10, 5);
	if (!dp->conf.conn_max)
		dp->conf.conn_max = XDPVS_CONN_MAX_DEFAULT;
	dp->nl = dp_nl_open(dp_nl_changed, dp, err);
	if (!dp->nl) {
		log_err_r(*err, "rtnetlink: cannot read the routing tables");
		dp_xdp_spare_free(dp->conf.spare);
		free(dp);
		return NULL;
	}
	*err = dp_open_ifaces(dp);
	dp_xdp_spare_free(dp->conf.spare);
	dp->conf.spare = NULL;
	if (*err) {
		dp_close(dp);
		return NULL;
	}
	return dp;
}

int dp_start(struct dp *dp, struct xdpvs_engine *e, struct loop *l)
{
	int i, err;
	uint32_t q;

	dp->e = e;
	dp->loop = l;
	err = dp_timer_open(dp, &dp->refresh, dp_refresh_ready);
	if (!err)
		err = dp_timer_open(dp, &dp->tx_retry, dp_tx_retry_ready);
	if (!err)
		err = loop_add(l, dp_nl_mon_fd(dp->nl), EPOLLIN,
			       dp_nl_mon_ready, dp);
	if (!err)
		err = loop_add(l, dp_nl_req_fd(dp->nl), EPOLLIN,
			       dp_nl_req_ready, dp);
	if (!err)
		err = loop_add(l, ring_buffer__epoll_fd(dp->events), EPOLLIN,
			       dp_events_ready, dp);
	for (i = 0; i < dp->nifs && !err; i++) {
		for (q = 0; q < dp->ifs[i].nqueues && !err; q++) {
			struct dp_sock *s = &dp->ifs[i].socks[q];

			err = loop_add(l, dp_xsk_fd(s->x), EPOLLIN,
				       dp_sock_ready, s);
		}
	}
	if (err)
		log_err_r(err, "cannot watch the data path's sockets");
	return err;
}

void dp_close(struct dp *dp)
{
	int i;
	uint32_t q;

	if (!dp)
		return;
	/* Before anything it uses goes (the kept programs stay: a
	 * successor replaces them). */
	if (dp->bg && dp->loop)
		loop_del(dp->loop, dp_xdp_bg_fd(dp->bg));
	dp_xdp_bg_cancel(dp->bg);
	for (i = 0; i < dp->nifs; i++) {
		struct dp_iface *ifc = &dp->ifs[i];

		for (q = 0; q < ifc->nqueues; q++) {
			if (!ifc->socks[q].x)
				continue;
			if (dp->loop)
				loop_del(dp->loop, dp_xsk_fd(ifc->socks[q].x));
			dp_xsk_close(ifc->socks[q].x);
		}
	}
	if (dp->keep)
		close(dp->pin_lock);	/* the pins stay, for the successor */
	else if (dp->conf.bpffs)
		dp_xdp_unpin(dp->conf.bpffs, dp->pin_lock);
	/* The first instance owns the shared maps: detach it last. */
	for (i = dp->nifs - 1; i >= 0; i--)
		dp_xdp_detach(&dp->ifs[i].link, dp->keep);
	dp_kept_free(&dp->kept);
	if (dp->loop) {
		loop_del(dp->loop, dp_nl_mon_fd(dp->nl));
		loop_del(dp->loop, dp_nl_req_fd(dp->nl));
		if (dp->events)
			loop_del(dp->loop, ring_buffer__epoll_fd(dp->events));
	}
	dp_timer_close(dp, &dp->refresh);
	dp_timer_close(dp, &dp->tx_retry);
	dp_nl_close(dp->nl);
	ring_buffer__free(dp->events);
	dp_flow_fini(&dp->flow);
	dp_pick_fini(&dp->pick);
	free(dp);
}

void dp_dump(struct dp *dp, FILE *out)
{
	struct xdpvs_dp_counter c[XDPVS_DP_STAT_MAX];
	int i, k;
	uint32_t q;

	for (i = 0; i < dp->nifs; i++) {
		struct dp_iface *ifc = &dp->ifs[i];

		fprintf(out, "iface %s ifindex %u mode %s queues %u\n",
			ifc->name, ifc->ifindex,
			dp_xdp_mode_name(ifc->link.mode), ifc->nqueues);
		if (!dp_xdp_stats(&ifc->link, c))
			for (k = 0; k < XDPVS_DP_STAT_MAX; k++)
				fprintf(out, "  xdp %-14s %llu packets %llu "
					"bytes\n", dp_xdp_stat_names[k],
					(unsigned long long)c[k].packets,
					(unsigned long long)c[k].bytes);
		for (q = 0; q < ifc->nqueues; q++) {
			const struct dp_xsk_stats *s = &ifc->socks[q].x->st;

			fprintf(out, "  xsk %u rx %llu tx %llu tx_done %llu "
				"tx_ring_full %llu no_frame %llu kick_err "
				"%llu sg %d rx_gathered %llu rx_too_long %llu "
				"tx_split %llu\n", q,
				(unsigned long long)s->rx,
				(unsigned long long)s->tx,
				(unsigned long long)s->tx_done,
				(unsigned long long)s->tx_ring_full,
				(unsigned long long)s->no_frame,
				(unsigned long long)s->kick_err,
				ifc->socks[q].x->sg,
				(unsigned long long)s->rx_gathered,
				(unsigned long long)s->rx_too_long,
				(unsigned long long)s->tx_split);
		}
	}
	for (k = 0; k < DP_STAT_MAX; k++)
		fprintf(out, "dp %s %llu\n", dp_stat_names[k],
			(unsigned long long)dp->st[k]);
	dp_flow_dump(&dp->flow, out);
	dp_pick_dump(&dp->pick, out);
}
