/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libxdpvs: the IPVS engine as a library.
 *
 * The engine does to a packet what the kernel's IPVS does to it (service
 * lookup, scheduling, connection tracking with the IPVS state machines, NAT,
 * direct routing, tunnelling, ICMP) and keeps the tables ipvsadm shows.  It
 * does no I/O and reads no clock: the caller passes frames in, gets a
 * verdict and (in place) the frame to send, and passes the time, in
 * nanoseconds of any monotonic clock, with every call.  Routes and
 * neighbours come from the caller too, through struct xdpvs_env.
 *
 * Errors are negative errno values with the kernel's meaning, so a caller
 * can print ipvsadm's message for them (-EEXIST "Service already exists").
 * Ports in the configuration structures are in network byte order, as in
 * the kernel's ip_vs_service_user_kern.
 */
#ifndef XDPVS_ENGINE_H
#define XDPVS_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xdpvs/addr.h>
#include <xdpvs/flow.h>
#include <xdpvs/ipvs.h>
#include <xdpvs/pick.h>

#define XDPVS_NSEC_PER_SEC 1000000000ULL

struct xdpvs_engine;

/* ---------------------------------------------------------------------
 * Configuration: services, real servers, mark rules, timeouts, switches
 */

/* A virtual service, as ipvsadm -A/-E gives it. */
struct xdpvs_svc_conf {
	uint16_t af;		/* AF_INET or AF_INET6 */
	uint16_t protocol;	/* IPPROTO_TCP/UDP/SCTP (TCP for fwmark) */
	union xdpvs_addr addr;	/* zero for fwmark services */
	uint16_t port;		/* network order; 0 for fwmark services */
	uint32_t fwmark;	/* non-zero: a firewall-mark service */
	char sched_name[XDPVS_SCHEDNAME_MAXLEN];	/* "" means "none" */
	char pe_name[XDPVS_PENAME_MAXLEN];		/* "" or "sip" */
	uint32_t flags;		/* XDPVS_SVC_F_* */
	uint32_t timeout;	/* persistence timeout, seconds */
	uint32_t netmask;	/* IPv4: mask, network order; IPv6: prefix */
};

/* A real server, as ipvsadm -a/-e gives it. */
struct xdpvs_dest_conf {
	uint16_t af;		/* may differ from the service's (tunnels) */
	union xdpvs_addr addr;
	uint16_t port;		/* network order */
	uint32_t conn_flags;	/* XDPVS_CONN_F_MASQ/TUNNEL/DROUTE/LOCALNODE */
	int32_t weight;
	uint32_t u_threshold;	/* 0 = no upper connection limit */
	uint32_t l_threshold;	/* 0 = u - u/4 */
	uint8_t tun_type;	/* enum xdpvs_tun_type */
	uint16_t tun_port;	/* GUE destination port, network order */
	uint16_t tun_flags;	/* XDPVS_TUN_F_* */
};

/*
 * A firewall-mark rule.  XDP runs before netfilter could mark a packet, so
 * xdpvs assigns marks itself: the first rule (in the order added) matching
 * the protocol, destination prefix and destination port range gives the
 * packet its mark, before any service lookup.
 */
struct xdpvs_mark_rule {
	uint32_t mark;		/* > 0 */
	uint16_t af;
	uint8_t protocol;	/* 0 = any of TCP/UDP/SCTP */
	uint8_t plen;		/* prefix length */
	union xdpvs_addr prefix;
	uint16_t port_lo;	/* host order; 0-0 = any port */
	uint16_t port_hi;
};

int xdpvs_svc_add(struct xdpvs_engine *e, const struct xdpvs_svc_conf *svc);
int xdpvs_svc_edit(struct xdpvs_engine *e, const struct xdpvs_svc_conf *svc);
int xdpvs_svc_del(struct xdpvs_engine *e, const struct xdpvs_svc_conf *svc);
/* ipvsadm -C: remove every service. */
void xdpvs_svc_flush(struct xdpvs_engine *e);

int xdpvs_dest_add(struct xdpvs_engine *e, const struct xdpvs_svc_conf *svc,
		   const struct xdpvs_dest_conf *dest);
int xdpvs_dest_edit(struct xdpvs_engine *e, const struct xdpvs_svc_conf *svc,
		    const struct xdpvs_dest_conf *dest);
int xdpvs_dest_del(struct xdpvs_engine *e, const struct xdpvs_svc_conf *svc,
		   const struct xdpvs_dest_conf *dest);

/* ipvsadm -Z: zero one service's counters, or everything when svc is NULL. */
int xdpvs_zero(struct xdpvs_engine *e, const struct xdpvs_svc_conf *svc);

/* ipvsadm --set: seconds; 0 leaves a value unchanged. */
int xdpvs_set_timeouts(struct xdpvs_engine *e, uint32_t tcp, uint32_t tcpfin,
		       uint32_t udp);
void xdpvs_get_timeouts(const struct xdpvs_engine *e, uint32_t *tcp,
			uint32_t *tcpfin, uint32_t *udp);

/*
 * Behaviour switches with the kernel's sysctl names (expire_nodest_conn,
 * conn_reuse_mode, ...).  -ENOENT for an unknown name, -EINVAL for a value
 * out of range.  xdpvs_sysctl_name(i) enumerates them (NULL past the end).
 */
int xdpvs_sysctl_set(struct xdpvs_engine *e, const char *name, int value);
int xdpvs_sysctl_get(const struct xdpvs_engine *e, const char *name,
		     int *value);
const char *xdpvs_sysctl_name(unsigned int i);

int xdpvs_mark_add(struct xdpvs_engine *e, const struct xdpvs_mark_rule *r);
int xdpvs_mark_del(struct xdpvs_engine *e, const struct xdpvs_mark_rule *r);
void xdpvs_mark_flush(struct xdpvs_engine *e);
/* Copy up to max rules, in order, to out; returns how many there are. */
int xdpvs_mark_get(const struct xdpvs_engine *e, struct xdpvs_mark_rule *out,
		   int max);

/* ---------------------------------------------------------------------
 * The packet path
 */

/* What the caller knows of the way to an address: from its routing and
 * neighbour tables (xdpvsd) or from its options (xdpvs-replay). */
struct xdpvs_route {
	uint32_t ifindex;	/* egress interface */
	uint32_t mtu;		/* path MTU, bytes of IP packet */
	uint8_t smac[6];	/* our MAC on ifindex */
	uint8_t dmac[6];	/* next hop's MAC */
	uint16_t vlan;		/* 802.1Q VLAN id to tag with; 0 = none */
	uint8_t local;		/* the address is one of ours */
	uint8_t pad;
	union xdpvs_addr saddr;	/* our source address towards it */
};

struct xdpvs_env {
	/*
	 * Fill rt for the way to daddr (family af).  Return 0, -ENETUNREACH
	 * (no route: the packet is dropped and counted) or -EAGAIN (the
	 * neighbour is being resolved: dropped and counted as such; the
	 * caller retries resolution in the background).
	 */
	int (*route)(void *ctx, int af, const union xdpvs_addr *daddr,
		     struct xdpvs_route *rt);
	/*
	 * Optional: a flow cache, xdpvsd's XDP fast path (ABI in
	 * <xdpvs/flow.h>).  The engine installs a connection's flows (the
	 * client's direction, and the real server's for NAT) while the fast
	 * path may forward its packets on its own: TCP and SCTP in
	 * ESTABLISHED, UDP always, its way known (TCP also in SYN_RECV, for
	 * the handshake: xdpvs_engine_flow_event()); it removes them when the
	 * connection leaves that state, its server goes or it expires.
	 * flow_add installs or replaces, keeping the last_seen of the entry
	 * the cache had for k; replace says it most likely has one (the
	 * engine installed k, or a previous engine did: a connection taken
	 * over), for xdpvsd to read it at once rather than try a new entry
	 * first.  flow_last_seen tells when the cache last forwarded a
	 * packet of k (ns, the engine's clock; 0: never), asked before a
	 * connection with flows expires.  flow_have (optional) says the
	 * engine took k as the cache has it, without writing it: a flow the
	 * fast path installed itself for a connection it made.
	 */
	void (*flow_add)(void *ctx, const struct xdpvs_flow_key *k,
			 const struct xdpvs_flow_value *v, bool replace);
	void (*flow_del)(void *ctx, const struct xdpvs_flow_key *k);
	uint64_t (*flow_last_seen)(void *ctx, const struct xdpvs_flow_key *k);
	void (*flow_have)(void *ctx, const struct xdpvs_flow_key *k);
	/*
	 * Optional, with the flow cache: choices made ahead for the fast path
	 * to schedule new TCP and UDP connections itself (<xdpvs/pick.h>),
	 * for services whose scheduler allows it.  Rings are numbered 1 to
	 * XDPVS_PICK_RINGS - 1.  pick_put publishes n picks (at most
	 * XDPVS_PICK_SLOTS) as ring's next set, for service svc, with ring
	 * flags XDPVS_PICK_F_*; the ring is new or was taken.  pick_take
	 * leaves ring with no pick to take and returns how many of those
	 * published the fast path took (or pick_next gave).  pick_next
	 * takes ring's next pick into *pk as the fast path takes one (0), or
	 * says none is left (-ENOENT): the engine's own next choice, when it
	 * schedules a connection itself.
	 * pick_drop takes ring out of use (taken first).  pick_tmpl writes
	 * the client-direction flow template of real server slot dest_idx.
	 */
	void (*pick_put)(void *ctx, uint32_t ring,
			 const struct xdpvs_dp_addr_key *svc, uint32_t flags,
			 const struct xdpvs_pick *picks, uint32_t n);
	uint32_t (*pick_take)(void *ctx, uint32_t ring);
	int (*pick_next)(void *ctx, uint32_t ring, struct xdpvs_pick *pk);
	void (*pick_drop)(void *ctx, uint32_t ring);
	void (*pick_tmpl)(void *ctx, uint32_t dest_idx,
			  const struct xdpvs_flow_value *v);
	void *ctx;
};

struct xdpvs_engine_params {
	uint32_t conn_max;	/* connection table capacity; 0 = default */
	uint32_t conn_tab_bits;	/* hash size 2^bits, shown as size=; 0 = 12 */
	uint64_t seed;		/* hashing and random choices */
	struct xdpvs_env env;
};
#define XDPVS_CONN_MAX_DEFAULT (1U << 20)

struct xdpvs_engine *xdpvs_engine_new(const struct xdpvs_engine_params *p);
void xdpvs_engine_free(struct xdpvs_engine *e);

/*
 * A frame in a buffer the engine may rewrite in place.  data is the first
 * byte of the Ethernet header; the engine may grow the frame into headroom
 * (encapsulation) or tailroom (ICMP errors quoting the packet).
 */
struct xdpvs_frame {
	uint8_t *data;
	uint32_t len;
	uint32_t headroom;
	uint32_t tailroom;
	uint32_t ifindex;	/* in: receiving interface; out: egress */
};

enum xdpvs_verdict {
	XDPVS_PASS = 0,		/* not the balancer's business: to the kernel */
	XDPVS_DROP = 1,		/* dropped; a reason was counted */
	XDPVS_TX = 2,		/* send the (rewritten) frame on f->ifindex,
				 * then any xdpvs_engine_tx_next() gives */
	XDPVS_HOLD = 3,		/* kept: a fragment waiting for the rest of
				 * its datagram (the frame's buffer is free) */
};

/*
 * An event the fast path posted (struct xdpvs_flow_event, <xdpvs/flow.h>)
 * at time now (ns): the connection moves as the packet the event stands
 * for would have moved it (its state, active/inactive counts, timeout,
 * sync).  Runs due timers first.  0; -ESTALE when the connection is gone
 * or no longer in the state the event is about (nothing done), -EINVAL
 * for an event not understood.  The caller hands the events over before
 * the packets it receives after them, and before listings.
 */
int xdpvs_engine_flow_event(struct xdpvs_engine *e, uint64_t now,
			    const struct xdpvs_flow_event *ev);
/*
 * A new connection the fast path scheduled with a pick (type
 * XDPVS_FLOW_EV_NEW, <xdpvs/pick.h>): the engine makes it as if it had
 * scheduled that SYN to that real server, adopts the flows the fast path
 * installed (rewriting one it would have made otherwise), and publishes
 * more picks when the service's are running low.  Runs due timers first.
 * 0; -ESTALE when it cannot be made (no such service or real server any
 * more, the table full): its flows are removed; -EINVAL for an event not
 * understood.  The same layout of type XDPVS_FLOW_EV_UNUSED gives back a
 * pick the fast path took and could not use (its SYN goes up): the
 * engine takes it first for the next connection to that service it
 * schedules itself (0; -ESTALE when it cannot be used any more).
 */
int xdpvs_engine_flow_new(struct xdpvs_engine *e, uint64_t now,
			  const struct xdpvs_flow_event_new *ev);
/* Handle one received frame at time now (ns).  Runs due timers first. */
enum xdpvs_verdict xdpvs_engine_rx(struct xdpvs_engine *e, uint64_t now,
				   struct xdpvs_frame *f);
/*
 * After XDPVS_TX: the next further frame to send, when the packet went out
 * in fragments (IP fragmentation, as the kernel does for a packet without
 * DF too big for its way out, and for a datagram it reassembled).  Returns
 * 1 with *f set (its data the engine's, valid until the next call into the
 * engine), 0 when there are no more.
 */
int xdpvs_engine_tx_next(struct xdpvs_engine *e, struct xdpvs_frame *f);
/* Run timers and the rate estimator up to now (ns). */
void xdpvs_engine_tick(struct xdpvs_engine *e, uint64_t now);
/* Routes or neighbours changed: forget the cached ones now; the fast
 * path's flows wait for xdpvs_engine_flows_refresh(). */
void xdpvs_engine_routes_changed(struct xdpvs_engine *e);
/*
 * If routes (or pmtu_disc) changed, compute every installed flow again
 * and rewrite those whose value changed (flow_add), remove those that
 * lost their way (flow_del).  One pass for any number of changes before
 * it: a caller coalesces a burst of them by calling this once the burst
 * is read.  The pass is the costly part (every connection with flows):
 * each call goes on with it for about max connections (UINT32_MAX: all),
 * so that a caller can serve packets between slices.  True while there
 * is more to do: call again.
 */
bool xdpvs_engine_flows_refresh(struct xdpvs_engine *e, uint32_t max);
/* Is a pass over the flows due or under way? */
bool xdpvs_engine_flows_stale(const struct xdpvs_engine *e);

/* Why packets were dropped; counted per reason. */
enum xdpvs_drop {
	XDPVS_DROP_TRUNCATED,	/* a header runs past the frame's end */
	XDPVS_DROP_MALFORMED,	/* a header field is impossible */
	XDPVS_DROP_FRAGMENT,	/* IP fragment that cannot be reassembled */
	XDPVS_DROP_NO_ROUTE,	/* no route to the destination */
	XDPVS_DROP_NEIGH,	/* next hop not resolved yet */
	XDPVS_DROP_CONN_FULL,	/* connection table at capacity */
	XDPVS_DROP_NO_DEST,	/* no usable real server (ICMP sent if due) */
	XDPVS_DROP_DEST_GONE,	/* connection's real server was removed */
	XDPVS_DROP_TTL,		/* TTL/hop limit exhausted */
	XDPVS_DROP_MTU,		/* too big and DF set */
	XDPVS_DROP_NO_ROOM,	/* frame buffer too small for the rewrite */
	XDPVS_DROP_STATE,	/* packet invalid for the connection state */
	XDPVS_DROP_ICMP,	/* ICMP error that cannot be forwarded */
	XDPVS_DROP_NOT_TCP_SYN,	/* (unused by default: such packets pass) */
	XDPVS_DROP_RESCHED,	/* port reuse: dropped so the client retries */
	XDPVS_DROP_NO_CONN,	/* nat_icmp_send: real server reply with no
				 * connection (port unreachable sent) */
	XDPVS_DROP_PE,		/* persistence engine found no key (a UDP
				 * datagram without a SIP Call-ID) */
	XDPVS_DROP_FRAG_TIMEOUT, /* datagram not complete in time (30/60 s) */
	XDPVS_DROP_FRAG_OVERLAP, /* fragments overlapping: datagram dropped */
	XDPVS_DROP_FRAG_FULL,	/* no room to reassemble another datagram */
	XDPVS_DROP_MAX
};
const char *xdpvs_drop_name(enum xdpvs_drop d);
void xdpvs_drops(const struct xdpvs_engine *e, uint64_t out[XDPVS_DROP_MAX]);

/* ---------------------------------------------------------------------
 * Listings: copies of the tables, for ipvsadm's outputs
 */

struct xdpvs_stats {
	uint64_t conns;
	uint64_t inpkts;
	uint64_t outpkts;
	uint64_t inbytes;
	uint64_t outbytes;
};

/* Rates from the estimator: per second, as ipvsadm --rate shows them. */
struct xdpvs_rates {
	uint64_t cps;
	uint64_t inpps;
	uint64_t outpps;
	uint64_t inbps;		/* bytes per second */
	uint64_t outbps;
};

struct xdpvs_dest_info {
	struct xdpvs_dest_conf conf;
	uint32_t slot;		/* its fast-path stats slot (dest_idx) */
	uint32_t activeconns;
	uint32_t inactconns;
	uint32_t persistconns;
	struct xdpvs_stats stats;
	struct xdpvs_rates rates;
};

struct xdpvs_svc_info {
	struct xdpvs_svc_conf conf;
	uint32_t num_dests;
	struct xdpvs_stats stats;
	struct xdpvs_rates rates;
	struct xdpvs_dest_info *dests;	/* num_dests, in the kernel's order */
};

struct xdpvs_conn_info {
	uint16_t af;		/* client side */
	uint16_t daf;		/* real server side */
	uint16_t protocol;	/* IPPROTO_IP for fwmark templates */
	uint16_t state;
	union xdpvs_addr caddr, vaddr, daddr;
	uint16_t cport, vport, dport;	/* network order */
	uint32_t fwmark;
	uint32_t flags;		/* XDPVS_CONN_F_* */
	uint32_t expires_ms;	/* time left */
	char state_name[16];
	char pe_name[XDPVS_PENAME_MAXLEN];
	char pe_data[XDPVS_PEDATA_MAXLEN + 1];
	uint32_t timeout;	/* seconds: its state's (what sync sends) */
	uint8_t pe_data_len;	/* bytes of pe_data (it may hold a NUL) */
	/* The engine's generation of it, which its fast-path flows and
	 * their events carry: a successor engine that imports it keeps it
	 * (0: take a new one). */
	uint32_t gen;
};

/*
 * The service table, services in the kernel's order (newest first within
 * each hash chain is not reproduced: creation order), each with its dests
 * newest first as the kernel keeps them.  Free with xdpvs_svc_info_free().
 * Returns the number of services, or -ENOMEM.
 */
int xdpvs_svc_info_get(struct xdpvs_engine *e, struct xdpvs_svc_info **out);
/* One service (found as ipvsadm -L -t finds it); -ESRCH if missing. */
int xdpvs_svc_info_get_one(struct xdpvs_engine *e,
			   const struct xdpvs_svc_conf *svc,
			   struct xdpvs_svc_info **out);
void xdpvs_svc_info_free(struct xdpvs_svc_info *s, int n);

/* Every connection and template at time now; returns the count or -ENOMEM.
 * free() the array. */
int xdpvs_conn_info_get(struct xdpvs_engine *e, uint64_t now,
			struct xdpvs_conn_info **out);

/*
 * Take in a connection or template made elsewhere (a previous xdpvsd, a
 * sync master), as xdpvs_conn_info_get() gave it: bound to its service's
 * real server, in its state, with the time it had left (from the engine's
 * clock now, as of the last call).  -ENOENT when no service or real server
 * matches, -EEXIST when it is already here, -EINVAL for a bad state,
 * -ENOSPC when the table is full.
 */
int xdpvs_conn_import(struct xdpvs_engine *e,
		      const struct xdpvs_conn_info *ci);

void xdpvs_total_stats(const struct xdpvs_engine *e, struct xdpvs_stats *st,
		       struct xdpvs_rates *rt);
/*
 * Carry on the counters and rates of another engine (a previous xdpvsd's,
 * as its listings gave them): those of service svc, of its real server
 * dest unless NULL, or the engine's totals when svc is NULL, become st
 * and rt, and count on from there as if never interrupted.  -ESRCH
 * without such a service, -ENOENT without such a real server.
 */
int xdpvs_stats_restore(struct xdpvs_engine *e,
			const struct xdpvs_svc_conf *svc,
			const struct xdpvs_dest_conf *dest,
			const struct xdpvs_stats *st,
			const struct xdpvs_rates *rt);

/* ---------------------------------------------------------------------
 * Connection synchronisation (ipvsadm --start-daemon): the engine's part.
 * The caller owns the sockets and the messages (core/sync_msg.h).
 */

#define XDPVS_SYNC_STATE_MASTER	0x0001	/* IP_VS_STATE_MASTER */
#define XDPVS_SYNC_STATE_BACKUP	0x0002	/* IP_VS_STATE_BACKUP */

/* A connection or template due for a sync, as xdpvs_conn_info_get()
 * lists it (timeout: its state's, in seconds, as sync messages carry). */
typedef void (*xdpvs_sync_conn_fn)(void *ctx,
				   const struct xdpvs_conn_info *ci);

/*
 * Which sync daemons run (XDPVS_SYNC_STATE_* bits).  While the master
 * runs, the engine decides after each packet from a client, and when a
 * template outlives its timeout because it still controls connections,
 * whether the connection is due for a sync (the kernel's rules and the
 * sync_* switches), and hands it to fn, then its template; fn is called
 * from within xdpvs_engine_rx()/xdpvs_engine_tick().  While the backup
 * runs, backup_only takes effect.  While either runs, a real server of
 * another family than its service's is refused (-EINVAL).
 */
void xdpvs_sync_set(struct xdpvs_engine *e, unsigned int state,
		    xdpvs_sync_conn_fn fn, void *ctx);
unsigned int xdpvs_sync_get(const struct xdpvs_engine *e);
/* -EINVAL when a service has a real server of another family (sync cannot
 * carry those: --start-daemon is refused), else 0. */
int xdpvs_sync_check(const struct xdpvs_engine *e);

/*
 * Take in what a sync master sent (ip_vs_proc_conn): ci as a sync
 * message decodes (flags masked for a backup, timeout 0 from a version-0
 * message).  A connection already here is updated (state, activity,
 * timeout) or, when it leads to another real server, expired and made
 * anew; a new one is bound to its service's real server, or left unbound
 * when there is none; its timeout is ci's, or for version 0 its state's
 * (180 s for templates).  0; -ENOENT for an unknown persistence engine,
 * -EINVAL for impossible flags or state, -ENOSPC when the table is full.
 */
int xdpvs_sync_apply(struct xdpvs_engine *e, const struct xdpvs_conn_info *ci);

/*
 * Packets the fast path forwarded for the real server of stats slot slot
 * (xdpvs_dest_info.slot, the flows' dest_idx): added to its counters, its
 * service's and the totals, as if the engine had seen them.  -ENOENT for a
 * slot no real server holds (gone since).
 */
int xdpvs_flow_stats_add(struct xdpvs_engine *e, uint32_t slot,
			 const struct xdpvs_flow_stats *delta);
/* Flows installed now (both directions counted). */
uint32_t xdpvs_flow_count(const struct xdpvs_engine *e);

/* Hash table size as ipvsadm -L shows it ("size="). */
uint32_t xdpvs_conn_tab_size(const struct xdpvs_engine *e);
/* Number of connections and templates in the table. */
uint32_t xdpvs_conn_count(const struct xdpvs_engine *e);

#endif
