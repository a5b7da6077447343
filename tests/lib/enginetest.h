/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Engine test fixture: an engine whose routes come from a small scripted
 * table, helpers to configure services and real servers, and a frame
 * buffer with head- and tailroom to run packets through.
 */
#ifndef XDPVS_TESTS_ENGINETEST_H
#define XDPVS_TESTS_ENGINETEST_H

#include <stdbool.h>
#include <stdint.h>
#include <xdpvs/engine.h>

#include "pktbuild.h"

#define ET_LB_MAC "02:00:00:00:00:fe"
#define ET_HEADROOM 256

struct et_route {
	union xdpvs_addr addr;
	int af;
	int err;
	struct xdpvs_route rt;
};

struct et;
/* A test's flow cache (see et_init_flows); the engine's callbacks. */
struct et_flow_ops {
	void (*add)(struct et *t, const struct xdpvs_flow_key *k,
		    const struct xdpvs_flow_value *v, bool replace);
	void (*del)(struct et *t, const struct xdpvs_flow_key *k);
	uint64_t (*last_seen)(struct et *t, const struct xdpvs_flow_key *k);
	void (*have)(struct et *t, const struct xdpvs_flow_key *k); /* or NULL */
};

/* A test's fast-path choices (see et_init_picks); the engine's callbacks. */
struct et_pick_ops {
	void (*put)(struct et *t, uint32_t ring,
		    const struct xdpvs_dp_addr_key *svc, uint32_t flags,
		    const struct xdpvs_pick *picks, uint32_t n);
	uint32_t (*take)(struct et *t, uint32_t ring);
	int (*next)(struct et *t, uint32_t ring, struct xdpvs_pick *pk);
	void (*drop)(struct et *t, uint32_t ring);
	void (*tmpl)(struct et *t, uint32_t dest_idx,
		     const struct xdpvs_flow_value *v);
};

struct et {
	struct xdpvs_engine *e;
	const struct et_flow_ops *flow;
	const struct et_pick_ops *pick;
	struct et_route routes[64];
	int nroutes;
	struct et_route deflt[2];	/* [0] IPv4, [1] IPv6 */
	uint64_t now;			/* ns */
	uint8_t buf[ET_HEADROOM + 70000];
	struct xdpvs_frame f;		/* the last output */
	enum xdpvs_verdict v;
};

/* An engine (table capacity conn_max, 0 = small default) with default
 * routes: IPv4 via 02:00:00:00:00:01 from 198.18.0.254, IPv6 via
 * 02:00:00:00:00:01 from 2001:db8::fe, MTU 1500, interface 1. */
void et_init(struct et *t, uint32_t conn_max);
/* The same, the engine also given a flow cache. */
void et_init_flows(struct et *t, uint32_t conn_max,
		   const struct et_flow_ops *ops);
/* The same, the engine also making choices ahead for a fast path. */
void et_init_picks(struct et *t, uint32_t conn_max,
		   const struct et_flow_ops *ops,
		   const struct et_pick_ops *pick);
void et_fini(struct et *t);
/* Tell the engine its routes changed and have it refresh its flows at
 * once, as xdpvsd does once it read a burst of changes (the helpers
 * below call it). */
void et_routes_changed(struct et *t);
/* The way to addr: next hop MAC, interface, MTU, our source there. */
void et_route(struct et *t, const char *addr, const char *dmac,
	      uint32_t ifindex, uint32_t mtu, const char *saddr);
/* addr is one of ours. */
void et_local(struct et *t, const char *addr);
/* No route to addr (err: -ENETUNREACH or -EAGAIN). */
void et_unreachable(struct et *t, const char *addr, int err);

/* A service "tcp|udp|sctp ADDR PORT" or "fwm MARK [v6]", scheduler. */
struct xdpvs_svc_conf et_svc_conf(const char *spec, const char *sched);
/* A real server "ADDR PORT" with method 'm', 'g', 'i', weight. */
struct xdpvs_dest_conf et_dest_conf(const char *spec, char method,
				    int weight);
void et_add_svc(struct et *t, const char *spec, const char *sched);
void et_add_dest(struct et *t, const char *svc, const char *dest,
		 char method, int weight);

/* Run a frame at time now (seconds); the output is in t->f. */
enum xdpvs_verdict et_rx(struct et *t, double now, const uint8_t *frame,
			 size_t len);
/* Build d and run it. */
enum xdpvs_verdict et_rx_pkt(struct et *t, double now,
			     const struct tb_pkt *d);
/* Assert the last verdict was TX of exactly the frame d describes. */
void et_expect_tx(struct et *t, const struct tb_pkt *d);
/* The IPv4 flow key of a packet s:sp -> d:dp of proto. */
struct xdpvs_flow_key et_flow_key(const char *s, uint16_t sp, const char *d,
				  uint16_t dp, uint8_t proto);
/* Drops counted for reason r so far. */
uint64_t et_drops(struct et *t, enum xdpvs_drop r);
/* The state name and remaining seconds of the connection from caddr:cport
 * (NULL if none). */
const char *et_conn_state(struct et *t, const char *caddr, uint16_t cport,
			  uint32_t *expires_s);

#endif
