// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine's side of the fast path, against a recording flow cache: when
 * flows are installed (TCP/SCTP established, UDP at once; both directions
 * for NAT), what they say (keys, rewrite, MACs, MTU, tunnel template),
 * when they go (state change, server removed, expiry), last-seen keeping a
 * connection alive, route changes rewriting them (only those that changed,
 * once for a burst of changes, in slices), the fast path's events (the
 * handshake's ACK, FIN and RST of either side), and stats folding.  The
 * engine says which writes are replacements: every flow the cache has,
 * and a connection taken over; a new one's are not.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "../../lib/enginetest.h"

#define MAXF 64
#define RS1_MAC "02:00:00:00:01:02"

static struct cache {
	struct xdpvs_flow_key k[MAXF];
	struct xdpvs_flow_value v[MAXF];
	uint64_t seen[MAXF];
	int n, adds, dels;
	int replaces;		/* adds said to be replacements */
} C;

static int cache_find(const struct xdpvs_flow_key *k)
{
	int i;

	for (i = 0; i < C.n; i++)
		if (!memcmp(&C.k[i], k, sizeof(*k)))
			return i;
	return -1;
}

static void cache_add(struct et *t, const struct xdpvs_flow_key *k,
		      const struct xdpvs_flow_value *v, bool replace)
{
	int i = cache_find(k);

	/* the engine knows what it installed: a flow the cache has, added
	 * as new, would cost xdpvsd a syscall more */
	assert_true(replace || i < 0);
	C.replaces += replace;
	if (i < 0) {
		assert_true(C.n < MAXF);
		i = C.n++;
		C.k[i] = *k;
		C.seen[i] = 0;
	}
	C.v[i] = *v;
	C.adds++;
}

static void cache_del(struct et *t, const struct xdpvs_flow_key *k)
{
	int i = cache_find(k);

	assert_true(i >= 0);
	C.n--;
	C.k[i] = C.k[C.n];
	C.v[i] = C.v[C.n];
	C.seen[i] = C.seen[C.n];
	C.dels++;
}

static uint64_t cache_seen(struct et *t, const struct xdpvs_flow_key *k)
{
	int i = cache_find(k);

	return i < 0 ? 0 : C.seen[i];
}

static const struct et_flow_ops cache_ops = {
	.add = cache_add, .del = cache_del, .last_seen = cache_seen,
};

/* The holds in the cache: client flows of MTU 0. */
static int holds(void)
{
	int i, n = 0;

	for (i = 0; i < C.n; i++)
		n += !C.v[i].mtu;
	return n;
}

/* An engine on the recording cache, with routes to both sides. */
static void engine_init(struct et *t)
{
	et_init_flows(t, 0, &cache_ops);
	et_route(t, "198.18.1.2", RS1_MAC, 2, 1500, "198.18.1.1");
	et_route(t, "198.18.0.2", "02:00:00:00:00:01", 1, 1500, NULL);
}

static int setup(void **state)
{
	static struct et t;

	memset(&C, 0, sizeof(C));
	engine_init(&t);
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	et_fini(*state);
	assert_int_equal(C.n, 0);	/* nothing left behind */
	return 0;
}

static struct tb_pkt in(uint8_t proto, uint8_t flags)
{
	return (struct tb_pkt){
		.dmac = ET_LB_MAC, .src = "198.18.0.2", .dst = "198.18.100.1",
		.proto = proto, .sport = 40000, .dport = 80, .flags = flags,
	};
}

static struct tb_pkt out(uint8_t proto, uint8_t flags)
{
	return (struct tb_pkt){
		.dmac = ET_LB_MAC, .src = "198.18.1.2", .dst = "198.18.0.2",
		.proto = proto, .sport = 8080, .dport = 40000, .flags = flags,
	};
}


static struct xdpvs_flow_key key(const char *s, uint16_t sp, const char *d,
				 uint16_t dp, uint8_t proto)
{
	return et_flow_key(s, sp, d, dp, proto);
}

static void nat_svc(struct et *t, const char *proto)
{
	char svc[64];

	snprintf(svc, sizeof(svc), "%s 198.18.100.1 80", proto);
	et_add_svc(t, svc, "rr");
	et_add_dest(t, svc, "198.18.1.2 8080", 'm', 1);
}

/* NAT TCP: both directions with what the rewrite needs once the SYN is
 * scheduled, marked SYN_RECV for the handshake, the mark gone once
 * ESTABLISHED; the closing states keep them, a new connection on the
 * tuple takes them away. */
static void nat_tcp_established(void **state)
{
	struct et *t = *state;
	struct xdpvs_flow_key kin = key("198.18.0.2", 40000, "198.18.100.1",
					80, IPPROTO_TCP);
	struct xdpvs_flow_key kout = key("198.18.1.2", 8080, "198.18.0.2",
					 40000, IPPROTO_TCP);
	struct tb_pkt p;
	uint32_t gen;
	int i;

	nat_svc(t, "tcp");
	p = in(IPPROTO_TCP, 0x02);
	et_rx_pkt(t, 1, &p);		/* SYN_RECV: the handshake's flows */
	assert_int_equal(C.n, 2);
	assert_true(C.v[cache_find(&kin)].flags & XDPVS_FLOW_F_SYN_RECV);
	assert_true(C.v[cache_find(&kout)].flags & XDPVS_FLOW_F_SYN_RECV);
	p = out(IPPROTO_TCP, 0x12);
	et_rx_pkt(t, 1, &p);		/* still SYN_RECV: nothing rewritten */
	assert_int_equal(C.adds, 2);
	assert_int_equal(C.replaces, 0);
	p = in(IPPROTO_TCP, 0x10);
	et_rx_pkt(t, 1, &p);		/* ESTABLISHED: the mark goes */
	assert_int_equal(C.n, 2);
	assert_int_equal(C.adds, 4);
	assert_int_equal(C.replaces, 2);
	assert_int_equal(xdpvs_flow_count(t->e), 2);
	i = cache_find(&kin);
	assert_false(C.v[i].flags & XDPVS_FLOW_F_SYN_RECV);
	assert_true(i >= 0);
	assert_int_equal(C.v[i].action, XDPVS_FLOW_DNAT);
	assert_int_equal(C.v[i].new_daddr.ip, htonl(0xc6120102));
	assert_int_equal(C.v[i].new_dport, htons(8080));
	assert_int_equal(C.v[i].ifindex, 2);
	assert_int_equal(C.v[i].mtu, 1500);
	assert_int_equal(C.v[i].dmac[4], 0x01);
	assert_true(C.v[i].dest_idx != 0);
	i = cache_find(&kout);
	assert_true(i >= 0);
	assert_int_equal(C.v[i].action, XDPVS_FLOW_SNAT);
	assert_int_equal(C.v[i].new_saddr.ip, htonl(0xc6126401));
	assert_int_equal(C.v[i].new_sport, htons(80));
	assert_int_equal(C.v[i].ifindex, 1);
	assert_false(C.v[i].flags & XDPVS_FLOW_F_SYN_RECV);
	/* More packets through the engine do not re-add. */
	et_rx_pkt(t, 2, &p);
	assert_int_equal(C.adds, 4);
	/* Closing states in which an ACK moves nothing keep them. */
	p = in(IPPROTO_TCP, 0x11);	/* FIN: CLOSE_WAIT */
	et_rx_pkt(t, 3, &p);
	assert_int_equal(C.n, 2);
	p = out(IPPROTO_TCP, 0x11);	/* FIN: TIME_WAIT */
	et_rx_pkt(t, 3, &p);
	assert_int_equal(C.n, 2);
	assert_int_equal(C.adds, 4);
	/* A new SYN on the tuple starts a new connection: the old one's
	 * flows go at once, before its timer; the new one's come. */
	gen = C.v[cache_find(&kin)].gen;
	p = in(IPPROTO_TCP, 0x02);
	et_rx_pkt(t, 4, &p);
	assert_int_equal(C.dels, 2);
	assert_int_equal(C.n, 2);
	assert_int_equal(C.replaces, 2);	/* the new one's: adds */
	assert_int_equal(xdpvs_flow_count(t->e), 2);
	assert_int_not_equal(C.v[cache_find(&kin)].gen, gen);
	assert_true(C.v[cache_find(&kin)].flags & XDPVS_FLOW_F_SYN_RECV);
}

/* The client's connection (port 40000) is in state, with left seconds
 * to go, and its real server has active and inactive connections. */
static void expect_conn(struct et *t, const char *state, uint32_t left,
			uint32_t active, uint32_t inactive)
{
	struct xdpvs_svc_info *s;
	int n = xdpvs_svc_info_get(t->e, &s);
	uint32_t l;

	assert_string_equal(et_conn_state(t, "198.18.0.2", 40000, &l), state);
	assert_int_equal(l, left);
	assert_int_equal(n, 1);
	assert_int_equal(s[0].num_dests, 1);
	assert_int_equal(s[0].dests[0].activeconns, active);
	assert_int_equal(s[0].dests[0].inactconns, inactive);
	xdpvs_svc_info_free(s, n);
}

/* The event the fast path posts for the client's ACK (port 40000 to
 * 198.18.100.1:80), of the connection whose flow the cache holds. */
static struct xdpvs_flow_event client_ack_event(void)
{
	struct xdpvs_flow_event ev = {
		.key = key("198.18.0.2", 40000, "198.18.100.1", 80,
			   IPPROTO_TCP),
		.type = XDPVS_FLOW_EV_ESTABLISHED,
	};
	int i = cache_find(&ev.key);

	assert_true(i >= 0);
	ev.gen = C.v[i].gen;
	return ev;
}

/* The fast path clears the SYN_RECV mark of every flow in the cache, as
 * it does when it forwards the client's ACK. */
static void cache_clear_marks(void)
{
	int i;

	for (i = 0; i < C.n; i++)
		C.v[i].flags &= (uint8_t)~XDPVS_FLOW_F_SYN_RECV;
}

/* The fast path's event for the client's ACK of a connection in SYN_RECV
 * (it forwarded the ACK and cleared the mark of both flows): the
 * connection becomes ESTABLISHED as if the engine had seen the ACK,
 * nothing to rewrite; the same event again, or one of another generation,
 * is stale. */
static void nat_tcp_handshake_event(void **state)
{
	struct et *t = *state;
	struct xdpvs_flow_event ev;
	struct xdpvs_flow_key kout = key("198.18.1.2", 8080, "198.18.0.2",
					 40000, IPPROTO_TCP);
	struct tb_pkt p = in(IPPROTO_TCP, 0x02);

	nat_svc(t, "tcp");
	et_rx_pkt(t, 1, &p);
	ev = client_ack_event();
	ev.gen++;
	assert_int_equal(xdpvs_engine_flow_event(t->e, (uint64_t)2e9, &ev),
			 -ESTALE);
	t->now = (uint64_t)2e9;
	expect_conn(t, "SYN_RECV", 59, 1, 0);
	ev.gen--;
	cache_clear_marks();
	assert_int_equal(xdpvs_engine_flow_event(t->e, (uint64_t)2e9, &ev),
			 0);
	expect_conn(t, "ESTABLISHED", 900, 1, 0);
	assert_int_equal(C.adds, 2);
	assert_false(C.v[cache_find(&kout)].flags & XDPVS_FLOW_F_SYN_RECV);
	assert_int_equal(xdpvs_engine_flow_event(t->e, (uint64_t)3e9, &ev),
			 -ESTALE);
	assert_int_equal(C.adds, 2);
	/* the engine's own packets do not write them again */
	p = in(IPPROTO_TCP, 0x10);
	et_rx_pkt(t, 3, &p);
	assert_int_equal(C.adds, 2);
	/* then it closes as any other */
	p = in(IPPROTO_TCP, 0x11);
	et_rx_pkt(t, 4, &p);
	t->now = (uint64_t)4e9;
	expect_conn(t, "CLOSE_WAIT", 60, 0, 1);
}

/* ev, applied at time at (s), writes both flows again, without the mark
 * they have. */
static void expect_event_rewrites(struct et *t,
				  const struct xdpvs_flow_event *ev, double at)
{
	int adds = C.adds, i;

	assert_int_equal(C.n, 2);
	assert_true(C.v[0].flags & XDPVS_FLOW_F_SYN_RECV);
	assert_int_equal(xdpvs_engine_flow_event(t->e, (uint64_t)(at * 1e9),
						 ev), 0);
	assert_int_equal(C.adds, adds + 2);
	for (i = 0; i < C.n; i++)
		assert_false(C.v[i].flags & XDPVS_FLOW_F_SYN_RECV);
}

/* A NAT TCP connection in SYN_RECV whose client's ACK the fast path
 * forwarded (marks cleared): its event, not applied yet. */
static struct xdpvs_flow_event syn_recv_acked(struct et *t)
{
	struct tb_pkt p = in(IPPROTO_TCP, 0x02);
	struct xdpvs_flow_event ev;

	nat_svc(t, "tcp");
	et_rx_pkt(t, 1, &p);
	ev = client_ack_event();
	cache_clear_marks();
	return ev;
}

/* Flows written again while in SYN_RECV (a route change) may carry the
 * mark again after the fast path cleared it: the event rewrites them. */
static void handshake_event_after_rewrite(void **state)
{
	struct et *t = *state;
	struct xdpvs_flow_event ev = syn_recv_acked(t);

	et_route(t, "198.18.1.2", "02:00:00:00:09:02", 7, 1400, "198.18.9.1");
	assert_int_equal(C.adds, 3);	/* the client's: its way changed */
	expect_event_rewrites(t, &ev, 2);
}

/* The SYN_RECV mark is not a change to write when routes change: not
 * while the fast path may have cleared it, nor once the handshake is
 * over; the way out still is. */
static void handshake_mark_not_a_route_change(void **state)
{
	struct et *t = *state;
	struct xdpvs_flow_event ev = syn_recv_acked(t);

	et_route(t, "198.18.5.5", "02:00:00:00:05:05", 3, 1500, NULL);
	assert_int_equal(C.adds, 2);
	assert_int_equal(xdpvs_engine_flow_event(t->e, (uint64_t)2e9, &ev),
			 0);
	assert_int_equal(C.adds, 2);
	et_route(t, "198.18.5.5", "02:00:00:00:05:06", 3, 1500, NULL);
	assert_int_equal(C.adds, 2);
	et_route(t, "198.18.0.2", "02:00:00:00:00:07", 1, 1500, NULL);
	assert_int_equal(C.adds, 3);	/* the real server's direction */
	assert_false(C.v[0].flags & XDPVS_FLOW_F_SYN_RECV);
	assert_false(C.v[1].flags & XDPVS_FLOW_F_SYN_RECV);
}

/* A connection in SYN_RECV taken over by a new engine (xdpvsd's hitless
 * restart): its flows are written marked over the previous engine's
 * (replacements, though this cache lost them with that engine), whose
 * marks the fast path may have cleared already (its event still in the
 * ring): the event rewrites them. */
static void handshake_taken_over(void **state)
{
	struct et *t = *state;
	struct xdpvs_flow_event ev;
	struct xdpvs_conn_info *ci;
	struct tb_pkt p = in(IPPROTO_TCP, 0x02);

	nat_svc(t, "tcp");
	et_rx_pkt(t, 1, &p);
	assert_int_equal(xdpvs_conn_info_get(t->e, t->now, &ci), 1);
	et_fini(t);
	engine_init(t);
	nat_svc(t, "tcp");
	xdpvs_engine_tick(t->e, (uint64_t)2e9);
	C.adds = C.replaces = 0;
	assert_int_equal(xdpvs_conn_import(t->e, ci), 0);
	free(ci);
	assert_int_equal(C.adds, 2);
	assert_int_equal(C.replaces, 2);
	ev = client_ack_event();
	expect_event_rewrites(t, &ev, 3);
	t->now = (uint64_t)3e9;
	expect_conn(t, "ESTABLISHED", 900, 1, 0);
}

/* Direct routing: the client's flow only, marked; its event moves the
 * connection on the input-only table. */
static void dr_tcp_handshake_event(void **state)
{
	struct et *t = *state;
	struct xdpvs_flow_event ev;
	struct tb_pkt p = in(IPPROTO_TCP, 0x02);

	et_add_svc(t, "tcp 198.18.100.1 80", "rr");
	et_add_dest(t, "tcp 198.18.100.1 80", "198.18.1.2 80", 'g', 1);
	et_rx_pkt(t, 1, &p);
	assert_int_equal(C.n, 1);
	assert_int_equal(C.v[0].action, XDPVS_FLOW_DR);
	assert_true(C.v[0].flags & XDPVS_FLOW_F_SYN_RECV);
	ev = client_ack_event();
	cache_clear_marks();
	assert_int_equal(xdpvs_engine_flow_event(t->e, (uint64_t)2e9, &ev),
			 0);
	assert_string_equal(et_conn_state(t, "198.18.0.2", 40000, NULL),
			    "ESTABLISHED");
	assert_int_equal(C.adds, 1);
}

/* The event the fast path posts for a FIN or RST (type) it forwarded, of
 * the client's or (reply) the real server's flow in the cache. */
static struct xdpvs_flow_event close_event(uint32_t type, bool reply)
{
	struct xdpvs_flow_event ev = {
		.key = reply ? key("198.18.1.2", 8080, "198.18.0.2", 40000,
				   IPPROTO_TCP)
			     : key("198.18.0.2", 40000, "198.18.100.1", 80,
				   IPPROTO_TCP),
		.type = type | (reply ? XDPVS_FLOW_EV_REPLY : 0),
	};
	int i = cache_find(&ev.key);

	assert_true(i >= 0);
	ev.gen = C.v[i].gen;
	return ev;
}

static void apply(struct et *t, double at, const struct xdpvs_flow_event *ev,
		  int want)
{
	t->now = (uint64_t)(at * 1e9);
	assert_int_equal(xdpvs_engine_flow_event(t->e, t->now, ev), want);
}

/* A TCP connection from 198.18.0.2:40000 taken to ESTABLISHED at time at
 * through the engine, by both tables: the real server's SYN+ACK and ACK
 * (secure_tcp's NAT waits for it) are NAT's only. */
static void tcp_establish(struct et *t, double at, bool nat)
{
	struct tb_pkt p = in(IPPROTO_TCP, 0x02);

	et_rx_pkt(t, at, &p);
	if (nat) {
		p = out(IPPROTO_TCP, 0x12);
		et_rx_pkt(t, at, &p);
	}
	p = in(IPPROTO_TCP, 0x10);
	et_rx_pkt(t, at, &p);
	if (nat) {
		p = out(IPPROTO_TCP, 0x10);
		et_rx_pkt(t, at, &p);
	}
	assert_string_equal(et_conn_state(t, "198.18.0.2", 40000, NULL),
			    "ESTABLISHED");
	assert_int_equal(C.n, nat ? 2 : 1);
}

/* A NAT connection closed in the fast path: the real server's FIN, then
 * the client's, told by events, move it as the packets would have
 * (FIN_WAIT, TIME_WAIT: timeouts, inactive), its flows staying as they
 * are; the client's RST then closes it, and it expires on CLOSE's
 * timeout.  An event of another generation changes nothing. */
static void nat_tcp_close_events(void **state)
{
	struct et *t = *state;
	struct xdpvs_flow_event ev;
	int adds;

	nat_svc(t, "tcp");
	tcp_establish(t, 1, true);
	adds = C.adds;
	ev = close_event(XDPVS_FLOW_EV_FIN, true);
	ev.gen++;
	apply(t, 2, &ev, -ESTALE);
	expect_conn(t, "ESTABLISHED", 899, 1, 0);
	ev.gen--;
	apply(t, 2, &ev, 0);
	expect_conn(t, "FIN_WAIT", 120, 0, 1);
	ev = close_event(XDPVS_FLOW_EV_FIN, false);
	apply(t, 3, &ev, 0);
	expect_conn(t, "TIME_WAIT", 120, 0, 1);
	ev = close_event(XDPVS_FLOW_EV_RST, false);
	apply(t, 4, &ev, 0);
	expect_conn(t, "CLOSE", 10, 0, 1);
	assert_int_equal(C.n, 2);
	assert_int_equal(C.adds, adds);
	xdpvs_engine_tick(t->e, (uint64_t)13.9e9);
	assert_int_equal(C.n, 2);
	xdpvs_engine_tick(t->e, (uint64_t)14.1e9);
	assert_int_equal(C.n, 0);
	assert_null(et_conn_state(t, "198.18.0.2", 40000, NULL));
	/* unknown types, and an event of a gone connection */
	ev.type = 9;
	apply(t, 15, &ev, -EINVAL);
	ev.type = XDPVS_FLOW_EV_FIN;
	apply(t, 15, &ev, -ESTALE);
}

/* The real server's RST (NAT) and the client's FIN (direct routing, the
 * input-only table) told by events. */
static void close_events_each_side(void **state)
{
	struct et *t = *state;
	struct xdpvs_flow_event ev;

	nat_svc(t, "tcp");
	tcp_establish(t, 1, true);
	ev = close_event(XDPVS_FLOW_EV_RST, true);
	apply(t, 2, &ev, 0);
	expect_conn(t, "CLOSE", 10, 0, 1);
	et_fini(t);
	engine_init(t);
	et_add_svc(t, "tcp 198.18.100.1 80", "rr");
	et_add_dest(t, "tcp 198.18.100.1 80", "198.18.1.2 80", 'g', 1);
	tcp_establish(t, 1, false);
	ev = close_event(XDPVS_FLOW_EV_FIN, false);
	apply(t, 2, &ev, 0);
	assert_string_equal(et_conn_state(t, "198.18.0.2", 40000, NULL),
			    "FIN_WAIT");
	assert_int_equal(C.n, 1);
}

/* A successor engine (xdpvsd's hitless restart) keeps each connection's
 * generation: the flows it writes again are the same, and a FIN the fast
 * path told before the hand-over still moves the connection; a new
 * connection after it gets a newer generation. */
static void close_event_across_takeover(void **state)
{
	struct et *t = *state;
	struct xdpvs_flow_event ev, rev;
	struct xdpvs_conn_info *ci;
	struct tb_pkt p = in(IPPROTO_TCP, 0x02);

	nat_svc(t, "tcp");
	tcp_establish(t, 1, true);
	ev = close_event(XDPVS_FLOW_EV_FIN, true);
	assert_int_equal(xdpvs_conn_info_get(t->e, t->now, &ci), 1);
	et_fini(t);
	engine_init(t);
	nat_svc(t, "tcp");
	/* the successor numbers a connection of its own first */
	p.sport = 41000;
	et_rx_pkt(t, 2, &p);
	assert_int_equal(C.n, 2);
	assert_int_equal(xdpvs_conn_import(t->e, ci), 0);
	free(ci);
	assert_int_equal(C.n, 4);
	rev = close_event(XDPVS_FLOW_EV_FIN, false);
	assert_int_equal(rev.gen, ev.gen);
	apply(t, 2, &ev, 0);
	assert_string_equal(et_conn_state(t, "198.18.0.2", 40000, NULL),
			    "FIN_WAIT");
	p.sport = 41001;
	et_rx_pkt(t, 3, &p);
	assert_int_equal(C.n, 6);
	assert_true(C.v[4].gen > ev.gen && C.v[5].gen > ev.gen);
}

/*
 * What lets the fast path forward FIN and RST without knowing the state:
 * from ESTABLISHED, any three of FIN and RST (told by events) and ACK
 * (which the fast path forwards untold: here through the engine) from
 * either side leave a connection in a state that keeps its flows, by both
 * tables, for NAT and for direct routing (the client's side only).
 */
static void close_moves_keep_flows(void **state)
{
	static const struct {
		uint32_t type;	/* an event's, or 0: an ACK */
		bool reply;
	} moves[] = {
		{ XDPVS_FLOW_EV_FIN, false }, { XDPVS_FLOW_EV_RST, false },
		{ 0, false }, { XDPVS_FLOW_EV_FIN, true },
		{ XDPVS_FLOW_EV_RST, true }, { 0, true },
	};
	struct et *t = *state;
	int secure, nat, seq, i, nmoves, runs = 0;
	double at = 1;

	for (secure = 0; secure < 2; secure++) {
		for (nat = 0; nat < 2; nat++) {
			et_fini(t);
			engine_init(t);
			et_add_svc(t, "tcp 198.18.100.1 80", "rr");
			et_add_dest(t, "tcp 198.18.100.1 80",
				    nat ? "198.18.1.2 8080" : "198.18.1.2 80",
				    nat ? 'm' : 'g', 1);
			assert_int_equal(xdpvs_sysctl_set(t->e, "secure_tcp",
							  secure ? 3 : 0), 0);
			nmoves = nat ? 6 : 3;
			for (seq = 0; seq < nmoves * nmoves * nmoves; seq++) {
				int m = seq;

				tcp_establish(t, at, nat);
				for (i = 0; i < 3; i++, m /= nmoves) {
					struct xdpvs_flow_event ev;
					struct tb_pkt p;

					if (moves[m % nmoves].type) {
						ev = close_event(
							moves[m % nmoves].type,
							moves[m % nmoves].reply);
						apply(t, at, &ev, 0);
					} else {
						p = moves[m % nmoves].reply ?
							    out(IPPROTO_TCP, 0x10) :
							    in(IPPROTO_TCP, 0x10);
						et_rx_pkt(t, at, &p);
					}
					assert_int_equal(C.n, nat ? 2 : 1);
				}
				/* gone before the next one */
				at += 1000;
				xdpvs_engine_tick(t->e, (uint64_t)(at * 1e9));
				assert_int_equal(C.n, 0);
				runs++;
			}
		}
	}
	assert_int_equal(runs, 2 * (6 * 6 * 6 + 3 * 3 * 3));
}

/* secure_tcp's table moves SYN_RECV on the real server's SYN+ACK, and a
 * sync master must see the handshake: no flows until ESTABLISHED, as
 * before, but a hold on the client's key (its packets come up, a SYN not
 * taken for a new connection's). */
static void syn_recv_kept_by_engine(void **state)
{
	struct et *t = *state;
	struct tb_pkt p = in(IPPROTO_TCP, 0x02);

	nat_svc(t, "tcp");
	assert_int_equal(xdpvs_sysctl_set(t->e, "secure_tcp", 3), 0);
	et_rx_pkt(t, 1, &p);
	assert_int_equal(C.n, 1);
	assert_int_equal(holds(), 1);
	assert_int_equal(xdpvs_sysctl_set(t->e, "secure_tcp", 0), 0);
	xdpvs_sync_set(t->e, XDPVS_SYNC_STATE_MASTER, NULL, NULL);
	p.sport = 40001;
	et_rx_pkt(t, 1, &p);
	assert_int_equal(C.n, 2);
	assert_int_equal(holds(), 2);
	xdpvs_sync_set(t->e, 0, NULL, NULL);
}

/* UDP: at once; expiry asks last-seen: a flow active in the meantime is
 * re-armed from its last packet, then expires when quiet. */
static void udp_kept_alive_by_last_seen(void **state)
{
	struct et *t = *state;
	struct tb_pkt p = in(IPPROTO_UDP, 0);
	int i;

	nat_svc(t, "udp");
	et_rx_pkt(t, 10, &p);
	assert_int_equal(C.n, 2);
	i = cache_find(&C.k[0]);
	/* the fast path forwarded a reply at t = 200 s */
	C.seen[i] = (uint64_t)200e9;
	xdpvs_engine_tick(t->e, (uint64_t)311e9);	/* 300 s after 10 */
	assert_int_equal(xdpvs_conn_count(t->e), 1);
	assert_int_equal(C.n, 2);
	xdpvs_engine_tick(t->e, (uint64_t)499e9);
	assert_int_equal(xdpvs_conn_count(t->e), 1);
	xdpvs_engine_tick(t->e, (uint64_t)501e9);	/* 300 s after 200 */
	assert_int_equal(xdpvs_conn_count(t->e), 0);
	assert_int_equal(C.n, 0);
}

/* From client port 0: IPVS finds no connection for such a packet and
 * schedules each anew, so none gets a flow (the fast path would forward
 * them all to the first one's server, and each would claim its key). */
static void client_port_zero_no_flow(void **state)
{
	struct et *t = *state;
	struct tb_pkt p = in(IPPROTO_UDP, 0);

	p.sport = 0;
	nat_svc(t, "udp");
	assert_int_equal(et_rx_pkt(t, 1, &p), XDPVS_TX);
	assert_int_equal(et_rx_pkt(t, 2, &p), XDPVS_TX);
	assert_int_equal(xdpvs_conn_count(t->e), 2);
	assert_int_equal(C.n, 0);
	assert_int_equal(xdpvs_flow_count(t->e), 0);
}

/* Removing the real server takes its flows away, but for a hold on the
 * client's key (MTU 0: every packet comes back to the engine, which
 * drops it; the fast path, finding no flow, would schedule it with a
 * pick as a new connection).  Added back, the real server has the
 * connection's packets again, and the flows are written over the hold. */
static void dest_removed(void **state)
{
	struct et *t = *state;
	struct xdpvs_svc_conf s = et_svc_conf("udp 198.18.100.1 80", "rr");
	struct xdpvs_dest_conf d = et_dest_conf("198.18.1.2 8080", 'm', 1);
	struct xdpvs_flow_key kin = key("198.18.0.2", 40000, "198.18.100.1",
					80, IPPROTO_UDP);
	struct tb_pkt p = in(IPPROTO_UDP, 0);
	int i;

	nat_svc(t, "udp");
	et_rx_pkt(t, 1, &p);
	assert_int_equal(C.n, 2);
	assert_int_equal(xdpvs_dest_del(t->e, &s, &d), 0);
	assert_int_equal(C.n, 1);
	i = cache_find(&kin);
	assert_true(i >= 0);
	assert_int_equal(C.v[i].mtu, 0);
	assert_int_equal(xdpvs_flow_count(t->e), 1);
	assert_int_equal(et_rx_pkt(t, 2, &p), XDPVS_DROP);
	assert_int_equal(C.n, 1);
	assert_int_equal(C.v[cache_find(&kin)].mtu, 0);
	assert_int_equal(xdpvs_dest_add(t->e, &s, &d), 0);
	assert_int_equal(et_rx_pkt(t, 3, &p), XDPVS_TX);
	assert_int_equal(C.n, 2);
	i = cache_find(&kin);
	assert_int_equal(C.v[i].action, XDPVS_FLOW_DNAT);
	assert_int_equal(C.v[i].mtu, 1500);
	assert_int_equal(xdpvs_flow_count(t->e), 2);
}

/* A deleted service's connections keep no hold: the fast path has no
 * picks for it. */
static void svc_deleted_no_hold(void **state)
{
	struct et *t = *state;
	struct xdpvs_svc_conf s = et_svc_conf("tcp 198.18.100.1 80", "rr");
	struct tb_pkt p = in(IPPROTO_TCP, 0x02);	/* SYN */

	nat_svc(t, "tcp");
	et_rx_pkt(t, 1, &p);
	assert_int_equal(C.n, 2);
	assert_int_equal(xdpvs_svc_del(t->e, &s), 0);
	assert_int_equal(C.n, 0);
	assert_int_equal(xdpvs_flow_count(t->e), 0);
}

/* A route change rewrites the way out of installed flows. */
static void routes_changed_refresh(void **state)
{
	struct et *t = *state;
	struct tb_pkt p = in(IPPROTO_UDP, 0);
	struct xdpvs_flow_key kin = key("198.18.0.2", 40000, "198.18.100.1",
					80, IPPROTO_UDP);

	nat_svc(t, "udp");
	et_rx_pkt(t, 1, &p);
	assert_int_equal(C.v[cache_find(&kin)].ifindex, 2);
	et_route(t, "198.18.1.2", "02:00:00:00:09:02", 7, 1400, "198.18.9.1");
	assert_int_equal(C.v[cache_find(&kin)].ifindex, 7);
	assert_int_equal(C.v[cache_find(&kin)].mtu, 1400);
	assert_int_equal(C.v[cache_find(&kin)].dmac[4], 0x09);
	assert_int_equal(C.n, 2);
}

#define RS2_MAC "02:00:00:00:01:03"
#define NCONNS 10

/* The scripted route to addr (host order), to change it behind the
 * engine's back. */
static struct et_route *route_of(struct et *t, uint32_t addr)
{
	int i;

	for (i = 0; i < t->nroutes; i++)
		if (t->routes[i].addr.ip == htonl(addr))
			return &t->routes[i];
	fail();
	return NULL;
}

/* A NAT UDP service on 198.18.1.2 and 198.18.1.3 (rr: every other
 * connection each), NCONNS connections from 198.18.0.2.  Returns the
 * route to 198.18.1.3. */
static struct et_route *two_servers(struct et *t)
{
	struct tb_pkt p = in(IPPROTO_UDP, 0);
	int i;

	et_route(t, "198.18.1.3", RS2_MAC, 2, 1500, "198.18.1.1");
	et_add_svc(t, "udp 198.18.100.1 80", "rr");
	et_add_dest(t, "udp 198.18.100.1 80", "198.18.1.2 8080", 'm', 1);
	et_add_dest(t, "udp 198.18.100.1 80", "198.18.1.3 8080", 'm', 1);
	for (i = 0; i < NCONNS; i++) {
		p.sport = (uint16_t)(40000 + i);
		assert_int_equal(et_rx_pkt(t, 1, &p), XDPVS_TX);
	}
	assert_int_equal(C.n, 2 * NCONNS);
	return route_of(t, 0xc6120103);
}

/* The flows of action a (DNAT: to the real server rs, host order; SNAT:
 * any) whose next hop is mac (NULL: any). */
static int flows_via(uint8_t a, uint32_t rs, const char *mac)
{
	uint8_t m[6];
	int i, n = 0;

	if (mac)
		tb_mac(m, mac);
	for (i = 0; i < C.n; i++)
		if (C.v[i].action == a &&
		    (a != XDPVS_FLOW_DNAT ||
		     C.v[i].new_daddr.ip == htonl(rs)) &&
		    (!mac || !memcmp(C.v[i].dmac, m, 6)))
			n++;
	return n;
}

static int flows_to(uint32_t rs, const char *mac)
{
	return flows_via(XDPVS_FLOW_DNAT, rs, mac);
}

/* A route change writes the flows whose value changed and no other: one
 * real server's new next hop, its connections' client direction only;
 * the clients' new next hop, the real servers' direction only; a change
 * that alters no flow (another address, the same route again, pmtu_disc
 * without tunnels), nothing; a next hop lost, its flows removed but for
 * a hold on each client's key (flow.c), written over once it is back. */
static void refresh_writes_only_what_changed(void **state)
{
	struct et *t = *state;
	int adds;

	two_servers(t);
	assert_int_equal(flows_to(0xc6120103, RS2_MAC), NCONNS / 2);
	assert_int_equal(flows_to(0xc6120102, RS1_MAC), NCONNS / 2);
	assert_int_equal(C.replaces, 0);
	adds = C.adds;
	et_route(t, "198.18.1.3", "02:00:00:00:09:03", 2, 1500,
		 "198.18.1.1");
	assert_int_equal(C.adds - adds, NCONNS / 2);
	assert_int_equal(C.replaces, NCONNS / 2);
	assert_int_equal(flows_to(0xc6120103, "02:00:00:00:09:03"),
			 NCONNS / 2);
	assert_int_equal(flows_to(0xc6120102, RS1_MAC), NCONNS / 2);
	adds = C.adds;
	et_route(t, "198.18.0.2", "02:00:00:00:00:07", 1, 1500, NULL);
	assert_int_equal(C.adds - adds, NCONNS);
	assert_int_equal(flows_via(XDPVS_FLOW_SNAT, 0, "02:00:00:00:00:07"),
			 NCONNS);
	adds = C.adds;
	et_route(t, "198.18.5.5", "02:00:00:00:05:05", 3, 1500, NULL);
	et_route(t, "198.18.1.2", RS1_MAC, 2, 1500, "198.18.1.1");
	assert_int_equal(xdpvs_sysctl_set(t->e, "pmtu_disc", 0), 0);
	assert_int_equal(C.adds - adds, 0);
	assert_int_equal(C.dels, 0);
	/* the fingerprint follows the last write: back to the first MAC */
	et_route(t, "198.18.1.3", RS2_MAC, 2, 1500, "198.18.1.1");
	assert_int_equal(C.adds - adds, NCONNS / 2);
	assert_int_equal(flows_to(0xc6120103, RS2_MAC), NCONNS / 2);
	et_unreachable(t, "198.18.1.3", -EAGAIN);
	assert_int_equal(C.adds - adds, NCONNS);
	assert_int_equal(C.dels, NCONNS / 2);
	assert_int_equal(C.n, NCONNS + NCONNS / 2);
	assert_int_equal(holds(), NCONNS / 2);
	assert_int_equal(flows_to(0xc6120103, NULL), 0);
	assert_int_equal(flows_to(0xc6120102, RS1_MAC), NCONNS / 2);
	/* found again: the flows written over the holds */
	et_route(t, "198.18.1.3", RS2_MAC, 2, 1500, "198.18.1.1");
	assert_int_equal(holds(), 0);
	assert_int_equal(C.n, 2 * NCONNS);
	assert_int_equal(flows_to(0xc6120103, RS2_MAC), NCONNS / 2);
}

/* A burst of changes, the engine told of each: the flows wait, then one
 * pass writes each changed flow once, with the last value; the next
 * pass, without a change since, does nothing. */
static void refresh_once_for_a_burst(void **state)
{
	struct et *t = *state;
	struct et_route *r = two_servers(t);
	int adds = C.adds, i;

	for (i = 0; i < 100; i++) {
		r->rt.dmac[4] = (uint8_t)i;
		xdpvs_engine_routes_changed(t->e);
	}
	assert_int_equal(C.adds - adds, 0);
	assert_int_equal(flows_to(0xc6120103, RS2_MAC), NCONNS / 2);
	assert_true(xdpvs_engine_flows_stale(t->e));
	assert_false(xdpvs_engine_flows_refresh(t->e, UINT32_MAX));
	assert_false(xdpvs_engine_flows_stale(t->e));
	assert_int_equal(C.adds - adds, NCONNS / 2);
	assert_int_equal(flows_to(0xc6120103, "02:00:00:00:63:03"),
			 NCONNS / 2);
	assert_false(xdpvs_engine_flows_refresh(t->e, UINT32_MAX));
	assert_int_equal(C.adds - adds, NCONNS / 2);
	assert_int_equal(C.dels, 0);
}

/* A pass in slices of a connection or so: it goes on from where the last
 * stopped; a change in the middle of it is seen by every flow once the
 * passes are over, which they are. */
static void refresh_in_slices(void **state)
{
	struct et *t = *state;
	struct et_route *r = two_servers(t);
	int adds = C.adds, i;

	r->rt.dmac[4] = 0x21;
	xdpvs_engine_routes_changed(t->e);
	assert_true(xdpvs_engine_flows_refresh(t->e, 1));
	assert_true(xdpvs_engine_flows_stale(t->e));
	assert_true(C.adds - adds <= 2);	/* a bucket's connections */
	r->rt.dmac[4] = 0x22;
	xdpvs_engine_routes_changed(t->e);
	for (i = 0; i < 4 * NCONNS; i++)
		if (!xdpvs_engine_flows_refresh(t->e, 1))
			break;
	assert_true(i >= NCONNS / 2 && i < 4 * NCONNS);
	assert_int_equal(flows_to(0xc6120103, "02:00:00:00:22:03"),
			 NCONNS / 2);
	assert_int_equal(flows_to(0xc6120102, RS1_MAC), NCONNS / 2);
	assert_false(xdpvs_engine_flows_refresh(t->e, 1));
}

/* pmtu_disc is in tunnel flows (DF): its change waits for the pass like
 * a route's, which writes the tunnel's flow and no NAT one. */
static void pmtu_disc_rewrites_tunnel_flows(void **state)
{
	struct et *t = *state;
	struct tb_pkt p = in(IPPROTO_UDP, 0);
	struct xdpvs_flow_key k = key("198.18.0.2", 40000, "198.18.100.2", 53,
				      IPPROTO_UDP);
	int adds, i;

	two_servers(t);
	et_add_svc(t, "udp 198.18.100.2 53", "rr");
	et_add_dest(t, "udp 198.18.100.2 53", "198.18.1.2 53", 'i', 1);
	p.dst = "198.18.100.2";
	p.dport = 53;
	et_rx_pkt(t, 1, &p);
	i = cache_find(&k);
	assert_true(i >= 0);
	assert_true(C.v[i].flags & XDPVS_FLOW_F_DF);
	adds = C.adds;
	assert_int_equal(xdpvs_sysctl_set(t->e, "pmtu_disc", 0), 0);
	assert_int_equal(C.adds - adds, 0);
	assert_false(xdpvs_engine_flows_refresh(t->e, UINT32_MAX));
	assert_int_equal(C.adds - adds, 1);
	assert_false(C.v[cache_find(&k)].flags & XDPVS_FLOW_F_DF);
	assert_int_equal(C.dels, 0);
}

/* Direct routing: one direction; tunnels: the template for the outer
 * headers, MTU less the overhead. */
static void dr_and_tunnel(void **state)
{
	struct et *t = *state;
	struct xdpvs_svc_conf s = et_svc_conf("udp 198.18.100.2 53", "rr");
	struct xdpvs_dest_conf d = et_dest_conf("198.18.1.2 53", 'i', 1);
	struct tb_pkt p = in(IPPROTO_UDP, 0);
	struct xdpvs_flow_key k = key("198.18.0.2", 40000, "198.18.100.2", 53,
				      IPPROTO_UDP);
	int i;

	et_add_svc(t, "udp 198.18.100.1 80", "rr");
	et_add_dest(t, "udp 198.18.100.1 80", "198.18.1.2 80", 'g', 1);
	et_rx_pkt(t, 1, &p);
	assert_int_equal(C.n, 1);
	assert_int_equal(C.v[0].action, XDPVS_FLOW_DR);
	d.tun_type = XDPVS_TUN_GUE;
	d.tun_port = htons(6080);
	d.tun_flags = XDPVS_TUN_F_CSUM;
	assert_int_equal(xdpvs_svc_add(t->e, &s), 0);
	assert_int_equal(xdpvs_dest_add(t->e, &s, &d), 0);
	p.dst = "198.18.100.2";
	p.dport = 53;
	et_rx_pkt(t, 1, &p);
	i = cache_find(&k);
	assert_true(i >= 0);
	assert_int_equal(C.v[i].action, XDPVS_FLOW_TUN);
	assert_int_equal(C.v[i].encap_len, 20 + 8 + 4);
	assert_int_equal(C.v[i].mtu, 1500 - 32);
	assert_true(C.v[i].flags & XDPVS_FLOW_F_UDP_CSUM);
	assert_int_equal(C.v[i].encap[0], 0x45);
	assert_int_equal(C.v[i].encap[9], IPPROTO_UDP);
	assert_int_equal(C.v[i].encap[20 + 2] << 8 | C.v[i].encap[20 + 3],
			 6080);
	assert_int_equal(C.v[i].encap[20 + 9], IPPROTO_IPIP);
	/* the template's source port is the one the engine sends with */
	assert_memory_equal(C.v[i].encap + 20, t->f.data + 14 + 20, 2);
	xdpvs_svc_flush(t->e);
	assert_int_equal(C.n, 0);
}

/* Packets counted by the fast path reach the real server, its service
 * and the totals. */
static void stats_folded(void **state)
{
	struct et *t = *state;
	struct xdpvs_flow_stats d = { .inpkts = 10, .inbytes = 1000,
				      .outpkts = 5, .outbytes = 5000 };
	struct xdpvs_svc_info *s;
	struct xdpvs_stats tot;
	int n;

	nat_svc(t, "udp");
	n = xdpvs_svc_info_get(t->e, &s);
	assert_int_equal(n, 1);
	assert_int_equal(xdpvs_flow_stats_add(t->e, s[0].dests[0].slot, &d),
			 0);
	assert_int_equal(xdpvs_flow_stats_add(t->e, 9999, &d), -ENOENT);
	xdpvs_svc_info_free(s, n);
	n = xdpvs_svc_info_get(t->e, &s);
	assert_int_equal(s[0].stats.inpkts, 10);
	assert_int_equal(s[0].dests[0].stats.outbytes, 5000);
	xdpvs_svc_info_free(s, n);
	xdpvs_total_stats(t->e, &tot, NULL);
	assert_int_equal(tot.outpkts, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(nat_tcp_established, setup,
						teardown),
		cmocka_unit_test_setup_teardown(nat_tcp_handshake_event, setup,
						teardown),
		cmocka_unit_test_setup_teardown(handshake_event_after_rewrite,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			handshake_mark_not_a_route_change, setup, teardown),
		cmocka_unit_test_setup_teardown(handshake_taken_over, setup,
						teardown),
		cmocka_unit_test_setup_teardown(dr_tcp_handshake_event, setup,
						teardown),
		cmocka_unit_test_setup_teardown(nat_tcp_close_events, setup,
						teardown),
		cmocka_unit_test_setup_teardown(close_events_each_side, setup,
						teardown),
		cmocka_unit_test_setup_teardown(close_moves_keep_flows, setup,
						teardown),
		cmocka_unit_test_setup_teardown(close_event_across_takeover,
						setup, teardown),
		cmocka_unit_test_setup_teardown(syn_recv_kept_by_engine, setup,
						teardown),
		cmocka_unit_test_setup_teardown(udp_kept_alive_by_last_seen,
						setup, teardown),
		cmocka_unit_test_setup_teardown(client_port_zero_no_flow, setup,
						teardown),
		cmocka_unit_test_setup_teardown(dest_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(svc_deleted_no_hold, setup,
						teardown),
		cmocka_unit_test_setup_teardown(routes_changed_refresh, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			refresh_writes_only_what_changed, setup, teardown),
		cmocka_unit_test_setup_teardown(refresh_once_for_a_burst,
						setup, teardown),
		cmocka_unit_test_setup_teardown(refresh_in_slices, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			pmtu_disc_rewrites_tunnel_flows, setup, teardown),
		cmocka_unit_test_setup_teardown(dr_and_tunnel, setup, teardown),
		cmocka_unit_test_setup_teardown(stats_folded, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
