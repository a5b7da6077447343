// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine object: creation with the kernel's defaults, the entry points
 * of the packet path, the periodic work the kernel does with timers (the
 * connection wheel, the 2 s rate estimator, the 60 s dest trash check,
 * scheduler housekeeping), timeouts, the behaviour switches and counters.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "core.h"
#include "dest.h"
#include "engine_priv.h"
#include "flow.h"
#include "pick.h"
#include "pkt.h"
#include "svc.h"

#define TRASH_CHECK_NS (60 * XDPVS_NSEC_PER_SEC)	/* trash timer */

static const uint32_t tcp_default_timeouts[XDPVS_TCP_S_LAST] = {
	[XDPVS_TCP_S_NONE] = 2,
	[XDPVS_TCP_S_ESTABLISHED] = 15 * 60,
	[XDPVS_TCP_S_SYN_SENT] = 2 * 60,
	[XDPVS_TCP_S_SYN_RECV] = 1 * 60,
	[XDPVS_TCP_S_FIN_WAIT] = 2 * 60,
	[XDPVS_TCP_S_TIME_WAIT] = 2 * 60,
	[XDPVS_TCP_S_CLOSE] = 10,
	[XDPVS_TCP_S_CLOSE_WAIT] = 60,
	[XDPVS_TCP_S_LAST_ACK] = 30,
	[XDPVS_TCP_S_LISTEN] = 2 * 60,
	[XDPVS_TCP_S_SYNACK] = 120,
};

static void engine_sysctl_defaults(struct xdpvs_sysctl *s)
{
	memset(s, 0, sizeof(*s));
	s->amemthresh = 1024;
	s->am_droprate = 10;
	s->conn_reuse_mode = 1;
	s->pmtu_disc = 1;
	s->snat_reroute = 1;
	s->run_estimation = 1;
	s->lblc_expiration = 24 * 60 * 60;
	s->lblcr_expiration = 24 * 60 * 60;
	s->mh_tab_index = 12;		/* 4093 slots, the kernel's default */
	s->sync_version = 1;
	s->sync_ports = 1;
	s->sync_threshold = 3;
	s->sync_period = 50;
	/* the kernel's is free buffer pages / 32: memory-bound, not fixed */
	s->sync_qlen_max = 1024;
}

struct xdpvs_engine *xdpvs_engine_new(const struct xdpvs_engine_params *p)
{
	struct xdpvs_engine *e = calloc(1, sizeof(*e));
	uint32_t max = p->conn_max ? p->conn_max : XDPVS_CONN_MAX_DEFAULT;
	uint32_t bits = p->conn_tab_bits ? p->conn_tab_bits : 12;

	if (!e)
		return NULL;
	if (bits < 8 || bits > 27 ||
	    xdpvs_conn_tab_init(&e->conns, max, p->seed)) {
		free(e);
		return NULL;
	}
	e->env = p->env;
	e->conn_tab_size = 1U << bits;
	list_init(&e->svc_list);
	list_init(&e->dest_trash);
	engine_sysctl_defaults(&e->sysctl);
	memcpy(e->tcp_timeouts, tcp_default_timeouts, sizeof(e->tcp_timeouts));
	e->udp_timeout = 5 * 60;
	e->sched_env.rng = p->seed ? p->seed : 0x9e3779b97f4a7c15ULL;
	e->sched_env.lblc_expiration = (uint32_t)e->sysctl.lblc_expiration;
	e->sched_env.lblcr_expiration = (uint32_t)e->sysctl.lblcr_expiration;
	e->sched_env.mh_tab_index = (uint32_t)e->sysctl.mh_tab_index;
	e->route_gen = 1;
	e->ip_id = (uint16_t)(p->seed >> 16);
	return e;
}

void xdpvs_engine_free(struct xdpvs_engine *e)
{
	if (!e)
		return;
	/* The caller's data path resets its rings itself. */
	e->env.pick_put = NULL;
	e->env.pick_take = NULL;
	e->env.pick_drop = NULL;
	xdpvs_svc_flush(e);
	xdpvs_dest_trash_cleanup(e);
	xdpvs_conn_tab_free(&e->conns);
	xdpvs_frag_free(e);
	free(e);
}

void xdpvs_engine_routes_changed(struct xdpvs_engine *e)
{
	/* The slow path's cached ways go at once; the flows' pass is the
	 * costly part, left for the caller to run once for a burst. */
	e->route_gen++;
	e->flows_stale = true;
	xdpvs_pick_take_all(e);	/* their templates may change */
}

/*
 * A change during a pass leaves it going (its connections seen so far
 * are stale again, the rest are not) and starts another once it is
 * over: so a stream of changes cannot keep the table's end from being
 * reached, and every flow is seen after the last change.
 */
bool xdpvs_engine_flows_refresh(struct xdpvs_engine *e, uint32_t max)
{
	if (!e->refresh_running) {
		if (!e->flows_stale)
			return false;
		e->flows_stale = false;
		e->refresh_running = true;
		e->refresh_cursor = 0;
	}
	if (xdpvs_flow_refresh_some(e, &e->refresh_cursor, max))
		e->refresh_running = false;
	return xdpvs_engine_flows_stale(e);
}

bool xdpvs_engine_flows_stale(const struct xdpvs_engine *e)
{
	return e->refresh_running || e->flows_stale;
}

/* The clock starts with the first time the caller passes. */
static void engine_start(struct xdpvs_engine *e, uint64_t now)
{
	xdpvs_wheel_init(&e->wheel, now);
	e->est_next = now + XDPVS_EST_PERIOD_NS;
	e->housekeeping_next = now + XDPVS_HOUSEKEEPING_NS;
	e->trash_next = now + TRASH_CHECK_NS;
	e->icmp_last = now;
	e->icmp_tokens = 50 * XDPVS_NSEC_PER_SEC;
	e->started = true;
}

static void engine_fire(struct xdpvs_timer *t, void *ctx)
{
	struct xdpvs_conn *cp = container_of(t, struct xdpvs_conn, timer);

	/* Packets the fast path forwarded did not restart the timer. */
	if (xdpvs_flow_keep_alive(ctx, cp))
		return;
	xdpvs_conn_expire(ctx, cp);
}

/* Fold the last 2 s into every rate, as the estimation timer does. */
static void engine_estimate(struct xdpvs_engine *e)
{
	struct xdpvs_svc *svc;
	struct xdpvs_dest *d;

	xdpvs_est_tick(&e->tot_stats);
	list_for_each_entry(svc, &e->svc_list, s_list) {
		xdpvs_est_tick(&svc->stats);
		list_for_each_entry(d, &svc->destinations, n_list)
			xdpvs_est_tick(&d->stats);
	}
}

static void engine_housekeeping(struct xdpvs_engine *e, uint64_t now)
{
	struct xdpvs_svc *svc;

	list_for_each_entry(svc, &e->svc_list, s_list)
		if (svc->sched && svc->sched->tick)
			svc->sched->tick(svc, now);
	xdpvs_frag_expire(e, now);
}

void xdpvs_engine_tick(struct xdpvs_engine *e, uint64_t now)
{
	if (!e->started)
		engine_start(e, now);
	if (now < e->now)
		now = e->now;	/* time never runs backwards here */
	e->now = now;
	xdpvs_wheel_run(&e->wheel, now, engine_fire, e);
	while (now >= e->est_next) {
		if (e->sysctl.run_estimation)
			engine_estimate(e);
		e->est_next += XDPVS_EST_PERIOD_NS;
	}
	if (now >= e->housekeeping_next) {
		engine_housekeeping(e, now);
		e->housekeeping_next = now + XDPVS_HOUSEKEEPING_NS;
		xdpvs_pick_sync(e, true);
	} else {
		xdpvs_pick_sync(e, false);
	}
	if (now >= e->trash_next) {
		xdpvs_dest_trash_expire(e, now);
		e->trash_next = now + TRASH_CHECK_NS;
	}
}

enum xdpvs_verdict xdpvs_engine_rx(struct xdpvs_engine *e, uint64_t now,
				   struct xdpvs_frame *f)
{
	struct xdpvs_pkt p;
	enum xdpvs_verdict v;
	int r;

	xdpvs_engine_tick(e, now);
	xdpvs_frag_reset(&e->frag_out);
	r = xdpvs_pkt_parse(&p, f->data, f->len);
	if (r == XDPVS_PKT_NOT_IP)
		return XDPVS_PASS;
	if (r < 0) {
		xdpvs_count_drop(e, (enum xdpvs_drop)(-r - 1));
		return XDPVS_DROP;
	}
	/* Link padding is not part of the packet. */
	f->tailroom += f->len - p.len;
	f->len = p.len;
	v = xdpvs_core_rx(e, &p, f);
	if (v == XDPVS_TX)
		v = xdpvs_frag_output(e, f);
	return v;
}

int xdpvs_engine_flow_event(struct xdpvs_engine *e, uint64_t now,
			    const struct xdpvs_flow_event *ev)
{
	xdpvs_engine_tick(e, now);
	return xdpvs_core_flow_event(e, ev);
}

int xdpvs_engine_flow_new(struct xdpvs_engine *e, uint64_t now,
			  const struct xdpvs_flow_event_new *ev)
{
	xdpvs_engine_tick(e, now);
	return xdpvs_core_flow_new(e, ev);
}

/* ---- timeouts, switches, counters ---- */

/* ipvsadm's limit is 31 days; the kernel's is INT_MAX jiffies at HZ 1000. */
#define TIMEOUT_MAX (INT_MAX / 1000)

int xdpvs_set_timeouts(struct xdpvs_engine *e, uint32_t tcp, uint32_t tcpfin,
		       uint32_t udp)
{
	if (tcp > TIMEOUT_MAX || tcpfin > TIMEOUT_MAX || udp > TIMEOUT_MAX)
		return -EINVAL;
	if (tcp)
		e->tcp_timeouts[XDPVS_TCP_S_ESTABLISHED] = tcp;
	if (tcpfin)
		e->tcp_timeouts[XDPVS_TCP_S_FIN_WAIT] = tcpfin;
	if (udp)
		e->udp_timeout = udp;
	return 0;
}

void xdpvs_get_timeouts(const struct xdpvs_engine *e, uint32_t *tcp,
			uint32_t *tcpfin, uint32_t *udp)
{
	*tcp = e->tcp_timeouts[XDPVS_TCP_S_ESTABLISHED];
	*tcpfin = e->tcp_timeouts[XDPVS_TCP_S_FIN_WAIT];
	*udp = e->udp_timeout;
}

struct engine_sysctl_desc {
	const char *name;
	size_t off;
	int min, max;
	bool defense;		/* a defence mode: 0 off .. 3 always */
};

#define SYSCTL(n, lo, hi) { #n, offsetof(struct xdpvs_sysctl, n), lo, hi, false }
#define DEFENSE(n) { #n, offsetof(struct xdpvs_sysctl, n), 0, 3, true }

/* Sorted by name, as /proc/sys/net/ipv4/vs lists them. */
static const struct engine_sysctl_desc engine_sysctls[] = {
	SYSCTL(am_droprate, INT_MIN, INT_MAX),
	SYSCTL(amemthresh, INT_MIN, INT_MAX),
	SYSCTL(backup_only, INT_MIN, INT_MAX),
	SYSCTL(cache_bypass, INT_MIN, INT_MAX),
	SYSCTL(conn_reuse_mode, INT_MIN, INT_MAX),
	SYSCTL(conntrack, INT_MIN, INT_MAX),
	DEFENSE(drop_entry),
	DEFENSE(drop_packet),
	SYSCTL(expire_nodest_conn, INT_MIN, INT_MAX),
	SYSCTL(expire_quiescent_template, INT_MIN, INT_MAX),
	SYSCTL(ignore_tunneled, INT_MIN, INT_MAX),
	SYSCTL(lblc_expiration, 0, INT_MAX),
	SYSCTL(lblcr_expiration, 0, INT_MAX),
	/* Not a kernel sysctl (a build option there): the mh table size,
	 * for services bound to mh from then on. */
	SYSCTL(mh_tab_index, 8, 17),
	SYSCTL(nat_icmp_send, INT_MIN, INT_MAX),
	SYSCTL(pmtu_disc, INT_MIN, INT_MAX),
	SYSCTL(run_estimation, INT_MIN, INT_MAX),
	SYSCTL(schedule_icmp, INT_MIN, INT_MAX),
	DEFENSE(secure_tcp),
	SYSCTL(sloppy_sctp, INT_MIN, INT_MAX),
	SYSCTL(sloppy_tcp, INT_MIN, INT_MAX),
	SYSCTL(snat_reroute, INT_MIN, INT_MAX),
	/* The second number of the kernel's sync_threshold ("3 50"); both
	 * are checked together on each write (engine_sysctl_check). */
	SYSCTL(sync_period, 0, INT_MAX),
	SYSCTL(sync_persist_mode, INT_MIN, INT_MAX),
	SYSCTL(sync_ports, 1, INT_MAX),		/* a power of 2 */
	SYSCTL(sync_qlen_max, 0, INT_MAX),
	/* seconds; the kernel converts to jiffies (HZ 250 here) */
	SYSCTL(sync_refresh_period, 0, INT_MAX / 250),
	SYSCTL(sync_retries, 0, 3),
	SYSCTL(sync_sock_size, INT_MIN, INT_MAX),
	SYSCTL(sync_threshold, 0, INT_MAX),
	SYSCTL(sync_version, 0, 1),
};

#define NR_SYSCTLS (sizeof(engine_sysctls) / sizeof(engine_sysctls[0]))

static const struct engine_sysctl_desc *engine_sysctl_find(const char *name)
{
	size_t i;

	for (i = 0; i < NR_SYSCTLS; i++)
		if (strcmp(engine_sysctls[i].name, name) == 0)
			return &engine_sysctls[i];
	return NULL;
}

const char *xdpvs_sysctl_name(unsigned int i)
{
	return i < NR_SYSCTLS ? engine_sysctls[i].name : NULL;
}

/* The kernel's own checks beyond a range: sync_ports a power of 2
 * (proc_do_sync_ports); sync_threshold below sync_period unless the
 * period is 0 (proc_do_sync_threshold). */
static bool engine_sysctl_check(const struct xdpvs_engine *e,
				const char *name, int value)
{
	int threshold = e->sysctl.sync_threshold;
	int period = e->sysctl.sync_period;

	if (strcmp(name, "sync_ports") == 0)
		return (value & (value - 1)) == 0;
	if (strcmp(name, "sync_threshold") == 0)
		threshold = value;
	else if (strcmp(name, "sync_period") == 0)
		period = value;
	else
		return true;
	return !(threshold >= period && period);
}

int xdpvs_sysctl_set(struct xdpvs_engine *e, const char *name, int value)
{
	const struct engine_sysctl_desc *d = engine_sysctl_find(name);
	int *slot;

	if (!d)
		return -ENOENT;
	if (value < d->min || value > d->max ||
	    !engine_sysctl_check(e, name, value))
		return -EINVAL;
	/* The defence modes' "automatic, now on" (2) falls back to "off"
	 * (1) at once: there is no memory pressure to react to here. */
	if (d->defense && value == 2)
		value = 1;
	xdpvs_pick_take_all(e);	/* whether, and how, may change */
	slot = (int *)((char *)&e->sysctl + d->off);
	*slot = value;
	e->sched_env.lblc_expiration = (uint32_t)e->sysctl.lblc_expiration;
	e->sched_env.lblcr_expiration = (uint32_t)e->sysctl.lblcr_expiration;
	e->sched_env.mh_tab_index = (uint32_t)e->sysctl.mh_tab_index;
	if (strcmp(name, "drop_packet") == 0)
		e->drop_counter = e->sysctl.am_droprate;
	/* Tunnel flows carry it (XDPVS_FLOW_F_DF): a pass over the flows,
	 * the caller's to run, as after a route change. */
	if (strcmp(name, "pmtu_disc") == 0)
		e->flows_stale = true;
	return 0;
}

int xdpvs_sysctl_get(const struct xdpvs_engine *e, const char *name,
		     int *value)
{
	const struct engine_sysctl_desc *d = engine_sysctl_find(name);

	if (!d)
		return -ENOENT;
	*value = *(const int *)((const char *)&e->sysctl + d->off);
	return 0;
}

static const char *const drop_names[XDPVS_DROP_MAX] = {
	[XDPVS_DROP_TRUNCATED] = "truncated",
	[XDPVS_DROP_MALFORMED] = "malformed",
	[XDPVS_DROP_FRAGMENT] = "fragment",
	[XDPVS_DROP_NO_ROUTE] = "no_route",
	[XDPVS_DROP_NEIGH] = "neigh_unresolved",
	[XDPVS_DROP_CONN_FULL] = "conn_table_full",
	[XDPVS_DROP_NO_DEST] = "no_dest",
	[XDPVS_DROP_DEST_GONE] = "dest_gone",
	[XDPVS_DROP_TTL] = "ttl_exceeded",
	[XDPVS_DROP_MTU] = "too_big",
	[XDPVS_DROP_NO_ROOM] = "no_room",
	[XDPVS_DROP_STATE] = "bad_state",
	[XDPVS_DROP_ICMP] = "bad_icmp",
	[XDPVS_DROP_NOT_TCP_SYN] = "not_syn",
	[XDPVS_DROP_RESCHED] = "resched",
	[XDPVS_DROP_NO_CONN] = "no_conn",
	[XDPVS_DROP_PE] = "pe_no_key",
	[XDPVS_DROP_FRAG_TIMEOUT] = "frag_timeout",
	[XDPVS_DROP_FRAG_OVERLAP] = "frag_overlap",
	[XDPVS_DROP_FRAG_FULL] = "frag_full",
};

const char *xdpvs_drop_name(enum xdpvs_drop d)
{
	return d < XDPVS_DROP_MAX ? drop_names[d] : "?";
}

void xdpvs_drops(const struct xdpvs_engine *e, uint64_t out[XDPVS_DROP_MAX])
{
	memcpy(out, e->drops, sizeof(e->drops));
}

uint32_t xdpvs_conn_tab_size(const struct xdpvs_engine *e)
{
	return e->conn_tab_size;
}

uint32_t xdpvs_conn_count(const struct xdpvs_engine *e)
{
	return e->conns.count;
}

void xdpvs_total_stats(const struct xdpvs_engine *e, struct xdpvs_stats *st,
		       struct xdpvs_rates *rt)
{
	xdpvs_est_read(&e->tot_stats, st, rt);
}
