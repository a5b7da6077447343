/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The engine's state: what the kernel keeps per network namespace in
 * struct netns_ipvs (services, connections, trash, counters, switches,
 * timeouts), plus the caller's environment and a scratch buffer.
 */
#ifndef XDPVS_CORE_ENGINE_PRIV_H
#define XDPVS_CORE_ENGINE_PRIV_H

#include <stdint.h>
#include <xdpvs/engine.h>

#include "conn.h"
#include "est.h"
#include "frag.h"
#include "list.h"
#include "sched.h"
#include "timer.h"

#define XDPVS_SVC_TAB_SIZE 256		/* as IP_VS_SVC_TAB_SIZE */
#define XDPVS_MARK_RULES_MAX 1024
#define XDPVS_RS_TAB_BITS 8		/* real-service table: 256 chains */
#define XDPVS_DEST_TRASH_PERIOD_NS (120 * XDPVS_NSEC_PER_SEC)
#define XDPVS_HOUSEKEEPING_NS (1 * XDPVS_NSEC_PER_SEC)
#define XDPVS_ICMP_PEER_BITS 8		/* peers remembered for rate limits */

/* A destination's ICMP error budget (the kernel's inet_peer tokens). */
struct xdpvs_icmp_peer {
	union xdpvs_addr addr;
	uint64_t tokens;		/* ns of credit */
	uint64_t last;
	uint8_t used;
};

/* TCP states (the kernel's IP_VS_TCP_S_*). */
enum {
	XDPVS_TCP_S_NONE,
	XDPVS_TCP_S_ESTABLISHED,
	XDPVS_TCP_S_SYN_SENT,
	XDPVS_TCP_S_SYN_RECV,
	XDPVS_TCP_S_FIN_WAIT,
	XDPVS_TCP_S_TIME_WAIT,
	XDPVS_TCP_S_CLOSE,
	XDPVS_TCP_S_CLOSE_WAIT,
	XDPVS_TCP_S_LAST_ACK,
	XDPVS_TCP_S_LISTEN,
	XDPVS_TCP_S_SYNACK,
	XDPVS_TCP_S_LAST
};

/* SCTP states (the kernel's IP_VS_SCTP_S_*). */
enum {
	XDPVS_SCTP_S_NONE,
	XDPVS_SCTP_S_INIT1,
	XDPVS_SCTP_S_INIT,
	XDPVS_SCTP_S_COOKIE_SENT,
	XDPVS_SCTP_S_COOKIE_REPLIED,
	XDPVS_SCTP_S_COOKIE_WAIT,
	XDPVS_SCTP_S_COOKIE,
	XDPVS_SCTP_S_COOKIE_ECHOED,
	XDPVS_SCTP_S_ESTABLISHED,
	XDPVS_SCTP_S_SHUTDOWN_SENT,
	XDPVS_SCTP_S_SHUTDOWN_RECEIVED,
	XDPVS_SCTP_S_SHUTDOWN_ACK_SENT,
	XDPVS_SCTP_S_REJECTED,
	XDPVS_SCTP_S_CLOSED,
	XDPVS_SCTP_S_LAST
};

/* The behaviour switches, with the kernel's names and defaults. */
struct xdpvs_sysctl {
	int am_droprate;
	int amemthresh;
	int backup_only;
	int cache_bypass;
	int conn_reuse_mode;
	int conntrack;
	int drop_entry;
	int drop_packet;
	int expire_nodest_conn;
	int expire_quiescent_template;
	int ignore_tunneled;
	int lblc_expiration;
	int lblcr_expiration;
	int mh_tab_index;	/* xdpvs: the kernel's MH_TAB_INDEX, 8..17 */
	int nat_icmp_send;
	int pmtu_disc;
	int run_estimation;
	int schedule_icmp;
	int secure_tcp;
	int sloppy_sctp;
	int sloppy_tcp;
	int snat_reroute;
	/* connection synchronisation (sync.c): the kernel's sync_threshold
	 * holds two numbers, threshold and period: two switches here */
	int sync_period;
	int sync_persist_mode;
	int sync_ports;
	int sync_qlen_max;
	int sync_refresh_period;	/* seconds */
	int sync_retries;
	int sync_sock_size;
	int sync_threshold;
	int sync_version;
};

struct xdpvs_engine {
	struct xdpvs_env env;
	uint64_t now;			/* ns, of the call in progress */

	struct list_head svc_list;	/* every service, creation order */
	struct xdpvs_svc *svc_tab[XDPVS_SVC_TAB_SIZE];
	struct xdpvs_svc *svc_fwm_tab[XDPVS_SVC_TAB_SIZE];
	uint32_t num_services[2];	/* [0] IPv4, [1] IPv6 */
	uint32_t ftpsvc_counter;	/* services on port 21 */
	uint32_t nullsvc_counter;	/* services on port 0 */
	uint32_t fwm_services;
	struct list_head dest_trash;
	/* NAT and tunnel dests by address and port (dest.c); zeroed = empty */
	struct xdpvs_dest *rs_tab[1 << XDPVS_RS_TAB_BITS];
	uint32_t mixed_af_dests;	/* dests of another family */

	struct xdpvs_mark_rule marks[XDPVS_MARK_RULES_MAX];
	uint32_t nr_marks;

	struct xdpvs_conn_tab conns;
	struct xdpvs_wheel wheel;
	uint32_t conn_tab_size;		/* shown as size= */

	struct xdpvs_sysctl sysctl;
	uint32_t tcp_timeouts[XDPVS_TCP_S_LAST];	/* seconds */
	uint32_t udp_timeout;
	struct xdpvs_sched_env sched_env;

	struct xdpvs_stats_est tot_stats;
	bool started;			/* the clock has been set */
	uint64_t est_next;		/* next 2 s estimator tick */
	uint64_t housekeeping_next;	/* scheduler housekeeping, 1 s */
	uint64_t trash_next;		/* dest trash check, 60 s */
	uint64_t route_gen;		/* bumped when routes change */
	bool flows_stale;		/* since: flows not recomputed yet */
	bool refresh_running;		/* a pass over the flows goes on */
	uint32_t refresh_cursor;	/* its next hash bucket */
	uint64_t icmp_tokens;		/* global ICMP budget, messages x 1e9 */
	uint64_t icmp_last;
	struct xdpvs_icmp_peer icmp_peers[1 << XDPVS_ICMP_PEER_BITS];
	uint16_t ip_id;			/* IDs of the IPv4 packets we make */
	int drop_counter;		/* drop_packet countdown */

	uint32_t conn_gen;		/* numbers connections as created */
	uint32_t nr_flows;		/* flow directions installed */
	uint32_t slot_hint;		/* last stats slot handed out */
	struct xdpvs_dest *slot_dest[XDPVS_FLOW_MAX_SLOTS];
	/* choices made ahead for the fast path (pick.c) */
	bool pick_ring_used[XDPVS_PICK_RINGS];
	bool pick_dirty;		/* taken back: publish again */
	uint32_t pick_fill_mark;	/* numbers fills */

	struct xdpvs_frag_out frag_out;	/* the packet in progress */
	struct xdpvs_frag_tab *frag;	/* reassembly, extra frames */

	/* connection synchronisation (sync.c) */
	unsigned int sync_state;	/* XDPVS_SYNC_STATE_* running */
	xdpvs_sync_conn_fn sync_fn;	/* the master's sender */
	void *sync_ctx;

	uint64_t drops[XDPVS_DROP_MAX];
	uint8_t scratch[2048];		/* copies of quoted packets */
};

/* backup_only: this director does not balance while its backup sync
 * daemon runs (the kernel's sysctl_backup_only()). */
static inline bool xdpvs_backup_only(const struct xdpvs_engine *e)
{
	return e->sysctl.backup_only && (e->sync_state & XDPVS_SYNC_STATE_BACKUP);
}

static inline void xdpvs_count_drop(struct xdpvs_engine *e,
				    enum xdpvs_drop d)
{
	e->drops[d]++;
}

#endif
