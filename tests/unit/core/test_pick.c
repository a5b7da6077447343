// SPDX-License-Identifier: GPL-2.0-only
/*
 * Choices made ahead for the fast path (core/pick.c), against a recording
 * flow cache and a simulated fast path that takes picks as the XDP
 * program does: which services get them; that connections the fast path
 * scheduled, interleaved with SYNs the engine scheduled itself and with
 * configuration changes, go to exactly the real servers an engine alone
 * would have chosen (rr, wrr); what a NEW event makes (state, counts,
 * flows adopted without a write, or rewritten when the way differs); and
 * events that no longer stand (real server gone) undoing their flows.
 * The same for a UDP service, whose first datagrams take picks, and a UDP
 * connection the engine made meanwhile winning over the pick.
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

#define MAXF 16384
#define MIX_MAX (XDPVS_PICK_SLOTS + 1200)	/* ops_mix()'s length, and more */
#define NTMPL 64
#define CL_MAC "02:00:00:00:00:01"

static struct cache {
	struct xdpvs_flow_key k[MAXF];
	struct xdpvs_flow_value v[MAXF];
	int n, adds, dels, replaces, haves;
} C;

static struct ring {
	bool live, taken;
	struct xdpvs_dp_addr_key svc;
	uint32_t flags;
	struct xdpvs_pick p[XDPVS_PICK_SLOTS];
	uint32_t n, used;
} R[XDPVS_PICK_RINGS];

static struct xdpvs_flow_value TM[NTMPL];
static int nputs, ndrops;
/* The service's protocol: TCP unless a test says UDP (teardown resets). */
static uint8_t proto = IPPROTO_TCP;

/* The service on port 80, in the protocol of the test. */
static const char *svc_spec(void)
{
	return proto == IPPROTO_TCP ? "tcp 198.18.100.1 80" :
				      "udp 198.18.100.1 80";
}

static int cache_find(const struct xdpvs_flow_key *k)
{
	int i;

	for (i = 0; i < C.n; i++)
		if (!memcmp(&C.k[i], k, sizeof(*k)))
			return i;
	return -1;
}

static void cache_set(const struct xdpvs_flow_key *k,
		      const struct xdpvs_flow_value *v)
{
	int i = cache_find(k);

	if (i < 0) {
		assert_true(C.n < MAXF);
		i = C.n++;
		C.k[i] = *k;
	}
	C.v[i] = *v;
}

static void cache_add(struct et *t, const struct xdpvs_flow_key *k,
		      const struct xdpvs_flow_value *v, bool replace)
{
	(void)t;
	assert_true(replace || cache_find(k) < 0);
	C.replaces += replace;
	C.adds++;
	cache_set(k, v);
}

static void cache_del(struct et *t, const struct xdpvs_flow_key *k)
{
	int i = cache_find(k);

	(void)t;
	assert_true(i >= 0);
	C.n--;
	C.k[i] = C.k[C.n];
	C.v[i] = C.v[C.n];
	C.dels++;
}

static uint64_t cache_seen(struct et *t, const struct xdpvs_flow_key *k)
{
	(void)t;
	(void)k;
	return 0;
}

/* The engine took k as the cache has it (a flow the fast path wrote). */
static void cache_have(struct et *t, const struct xdpvs_flow_key *k)
{
	(void)t;
	assert_true(cache_find(k) >= 0);
	C.haves++;
}

static const struct et_flow_ops cache_ops = {
	.add = cache_add, .del = cache_del, .last_seen = cache_seen,
	.have = cache_have,
};

static void ring_put(struct et *t, uint32_t ring,
		     const struct xdpvs_dp_addr_key *svc, uint32_t flags,
		     const struct xdpvs_pick *picks, uint32_t n)
{
	struct ring *r = &R[ring];

	(void)t;
	assert_true(ring > 0 && ring < XDPVS_PICK_RINGS);
	assert_true(!r->live || r->taken);	/* new or taken first */
	assert_true(n >= 1 && n <= XDPVS_PICK_SLOTS);
	r->live = true;
	r->taken = false;
	r->svc = *svc;
	r->flags = flags;
	memcpy(r->p, picks, n * sizeof(*picks));
	r->n = n;
	r->used = 0;
	nputs++;
}

static uint32_t ring_take(struct et *t, uint32_t ring)
{
	struct ring *r = &R[ring];

	(void)t;
	assert_true(r->live);
	r->taken = true;
	return r->used;
}

/* The engine taking the next pick itself, as the fast path does. */
static int ring_next(struct et *t, uint32_t ring, struct xdpvs_pick *pk)
{
	struct ring *r = &R[ring];

	(void)t;
	assert_true(r->live);
	if (r->taken || r->used >= r->n)
		return -ENOENT;
	*pk = r->p[r->used++];
	return 0;
}

static void ring_drop(struct et *t, uint32_t ring)
{
	(void)t;
	assert_true(R[ring].live);
	memset(&R[ring], 0, sizeof(R[ring]));
	ndrops++;
}

static void ring_tmpl(struct et *t, uint32_t dest_idx,
		      const struct xdpvs_flow_value *v)
{
	(void)t;
	assert_true(dest_idx > 0 && dest_idx < NTMPL);
	TM[dest_idx] = *v;
}

static const struct et_pick_ops pick_ops = {
	.put = ring_put, .take = ring_take, .next = ring_next, .drop = ring_drop,
	.tmpl = ring_tmpl,
};

static int setup(void **state)
{
	static struct et t;

	memset(&C, 0, sizeof(C));
	memset(R, 0, sizeof(R));
	memset(TM, 0, sizeof(TM));
	nputs = ndrops = 0;
	et_init_picks(&t, 0, &cache_ops, &pick_ops);
	et_route(&t, "198.18.0.2", CL_MAC, 1, 1500, NULL);
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	et_fini(*state);
	proto = IPPROTO_TCP;
	return 0;
}

static void tick(struct et *t, double now)
{
	xdpvs_engine_tick(t->e, (uint64_t)(now * 1e9));
}

/* The live ring of the service on port 80, or NULL. */
static struct ring *ring_of_svc(void)
{
	int i;

	for (i = 1; i < XDPVS_PICK_RINGS; i++)
		if (R[i].live && R[i].svc.port == htons(80))
			return &R[i];
	return NULL;
}

static struct xdpvs_flow_key key(const char *s, uint16_t sp, const char *d,
				 uint16_t dp)
{
	return et_flow_key(s, sp, d, dp, proto);
}

/*
 * What the XDP program does with a SYN from 198.18.0.2:cport to the
 * service: take a pick, install the flows (NAT's real-server flow by the
 * way the SYN came in, smac_last being the last byte of its destination
 * MAC), fill ev.  -1 when no pick is left (the SYN goes up).
 */
static int fast_take(uint16_t cport, uint8_t smac_last,
		     struct xdpvs_flow_event_new *ev)
{
	struct ring *r = ring_of_svc();
	struct xdpvs_flow_value v;
	struct xdpvs_flow_key ko;
	struct xdpvs_pick pk;

	if (!r || r->taken || r->used >= r->n)
		return -1;
	pk = r->p[r->used++];
	assert_true(pk.dest_idx < NTMPL && TM[pk.dest_idx].action);
	memset(ev, 0, sizeof(*ev));
	ev->ev.key = key("198.18.0.2", cport, "198.18.100.1", 80);
	ev->ev.gen = pk.gen;
	ev->ev.type = XDPVS_FLOW_EV_NEW;
	ev->ifindex = 1;
	ev->mtu = 1500;
	ev->dest_idx = pk.dest_idx;
	tb_mac(ev->smac, ET_LB_MAC);
	ev->smac[5] = smac_last;
	tb_mac(ev->dmac, CL_MAC);
	ev->new_daddr = TM[pk.dest_idx].new_daddr;
	ev->new_dport = TM[pk.dest_idx].new_dport;
	v = TM[pk.dest_idx];
	v.gen = pk.gen;
	if (proto == IPPROTO_TCP)
		v.flags |= XDPVS_FLOW_F_SYN_RECV;
	cache_set(&ev->ev.key, &v);
	if (v.action == XDPVS_FLOW_DNAT) {
		memset(&v, 0, sizeof(v));
		v.action = XDPVS_FLOW_SNAT;
		if (proto == IPPROTO_TCP)
			v.flags = XDPVS_FLOW_F_SYN_RECV;
		v.daf = AF_INET;
		v.ifindex = ev->ifindex;
		memcpy(v.smac, ev->smac, 6);
		memcpy(v.dmac, ev->dmac, 6);
		v.mtu = ev->mtu;
		v.dest_idx = pk.dest_idx;
		v.gen = pk.gen;
		v.new_saddr = ev->ev.key.daddr;
		v.new_sport = ev->ev.key.dport;
		memset(&ko, 0, sizeof(ko));
		ko.af = AF_INET;
		ko.proto = proto;
		ko.saddr = ev->new_daddr;
		ko.sport = ev->new_dport;
		ko.daddr = ev->ev.key.saddr;
		ko.dport = ev->ev.key.sport;
		cache_set(&ko, &v);
	}
	return 0;
}

/* A SYN from cport for which the XDP program takes a pick it cannot use
 * (say a datagram too big for the way): the pick given back, at time now.
 * -1 when no pick is left. */
static int fast_give_back(struct et *t, double now, uint16_t cport)
{
	struct ring *r = ring_of_svc();
	struct xdpvs_flow_event_new ev;
	struct xdpvs_pick pk;

	if (!r || r->taken || r->used >= r->n)
		return -1;
	pk = r->p[r->used++];
	memset(&ev, 0, sizeof(ev));
	ev.ev.key = key("198.18.0.2", cport, "198.18.100.1", 80);
	ev.ev.gen = pk.gen;
	ev.ev.type = XDPVS_FLOW_EV_UNUSED;
	ev.dest_idx = pk.dest_idx;
	assert_int_equal(xdpvs_engine_flow_new(t->e, (uint64_t)(now * 1e9),
					       &ev), 0);
	return 0;
}

/* The same, the event then applied at time now. */
static int fast_syn(struct et *t, double now, uint16_t cport)
{
	struct xdpvs_flow_event_new ev;

	if (fast_take(cport, 0xfe, &ev))
		return -1;
	return xdpvs_engine_flow_new(t->e, (uint64_t)(now * 1e9), &ev);
}

static void engine_syn(struct et *t, double now, uint16_t cport)
{
	struct tb_pkt p = {
		.dmac = ET_LB_MAC, .src = "198.18.0.2", .dst = "198.18.100.1",
		.proto = proto, .sport = cport, .dport = 80,
		.flags = proto == IPPROTO_TCP ? 0x02 : 0,
	};

	et_rx_pkt(t, now, &p);
	assert_int_equal(t->v, XDPVS_TX);
}

/* The last byte of the real server of the connection from cport. */
static int dest_of(struct et *t, uint16_t cport)
{
	struct xdpvs_conn_info *ci;
	int n = xdpvs_conn_info_get(t->e, t->now, &ci), i, d = -1;

	assert_true(n >= 0);
	for (i = 0; i < n; i++)
		if (ci[i].cport == htons(cport))
			d = ntohl(ci[i].daddr.ip) & 0xff;
	free(ci);
	return d;
}

/* The last byte of the real server of the connections from ports 10000
 * to 10000 + n - 1, into out[]: one listing, not one per connection. */
static void dests_of(struct et *t, int *out, int n)
{
	struct xdpvs_conn_info *ci;
	int nci = xdpvs_conn_info_get(t->e, t->now, &ci), i, j;

	assert_true(nci >= 0);
	for (j = 0; j < n; j++)
		out[j] = -1;
	for (i = 0; i < nci; i++) {
		j = ntohs(ci[i].cport) - 10000;
		if (j >= 0 && j < n)
			out[j] = (int)(ntohl(ci[i].daddr.ip) & 0xff);
	}
	free(ci);
}

static void add_dests(struct et *t, const char *sched, const int *w, int n,
		      char method)
{
	char spec[64];
	int i;

	et_add_svc(t, svc_spec(), sched);
	for (i = 0; i < n; i++) {
		snprintf(spec, sizeof(spec), "198.18.1.%d 8080", 2 + i);
		et_add_dest(t, svc_spec(), spec, method, w[i]);
	}
}

static void set_weight(struct et *t, int i, int w)
{
	struct xdpvs_svc_conf s = et_svc_conf(svc_spec(), "rr");
	struct xdpvs_dest_conf d;
	char spec[64];

	snprintf(spec, sizeof(spec), "198.18.1.%d 8080", 2 + i);
	d = et_dest_conf(spec, 'm', w);
	assert_int_equal(xdpvs_dest_edit(t->e, &s, &d), 0);
}

/* The service's scheduler changed to sched. */
static void set_sched(struct et *t, const char *sched)
{
	struct xdpvs_svc_conf s = et_svc_conf(svc_spec(), sched);

	assert_int_equal(xdpvs_svc_edit(t->e, &s), 0);
}

/*
 * ops: 'f' a SYN the fast path schedules if it has a pick left (else the
 * engine does), 'g' one it takes a pick for and gives back (it goes up),
 * 'e' one the engine schedules, 'w' real server 1 to weight
 * 0 and 'W' back to 2, 'a' a fifth real server added, 's' the scheduler
 * changed to the other of rr and wrr (their states differ in size).  Connection i comes
 * from port 10000 + i.  The real servers chosen, in order, into out.
 */
static void run(struct et *t, bool fast, const char *sched, const int *w,
		const char *ops, int *out, int *nout)
{
	double now = 1;
	int nc = 0;
	const char *o;

	add_dests(t, sched, w, 4, 'm');
	tick(t, now);
	for (o = ops; *o; o++) {
		now += 0.001;
		if (*o == 's') {
			sched = strcmp(sched, "rr") ? "rr" : "wrr";
			set_sched(t, sched);
			tick(t, now);
		} else if (*o == 'w' || *o == 'W') {
			set_weight(t, 1, *o == 'w' ? 0 : 2);
			tick(t, now);
		} else if (*o == 'a') {
			et_add_dest(t, svc_spec(), "198.18.1.6 8080", 'm', 3);
			tick(t, now);
		} else if (*o == 'f' && fast &&
			   fast_syn(t, now, (uint16_t)(10000 + nc)) == 0) {
			nc++;
		} else if (*o == 'g' && fast &&
			   fast_give_back(t, now, (uint16_t)(10000 + nc)) == 0) {
			/* the SYN itself, gone up */
			engine_syn(t, now, (uint16_t)(10000 + nc));
			nc++;
		} else {
			engine_syn(t, now, (uint16_t)(10000 + nc));
			nc++;
		}
	}
	dests_of(t, out, nc);
	*nout = nc;
}

static void same_sequence(const char *sched, const int *w, const char *ops)
{
	static struct et ref;
	static int a[MIX_MAX], b[MIX_MAX];
	struct et *t;
	void *st;
	int na, nb, i;

	setup(&st);
	t = st;
	run(t, true, sched, w, ops, a, &na);
	assert_true(C.adds < 2 * na);	/* fast ones were not rewritten */
	et_fini(t);
	et_init(&ref, 0);
	run(&ref, false, sched, w, ops, b, &nb);
	et_fini(&ref);
	assert_int_equal(na, nb);
	for (i = 0; i < na; i++) {
		if (a[i] != b[i])
			fail_msg("%s: connection %d went to .%d, not .%d",
				 sched, i, a[i], b[i]);
	}
}

/* A long mix: more than a set (refills at half), engine SYNs taking the
 * choices back in the middle of sets, picks given back (across a refill
 * too), weights changing, a server added. */
static char *ops_mix(void)
{
	static char s[MIX_MAX];
	int i, n = 0;

	for (i = 0; i < XDPVS_PICK_SLOTS + 300; i++)
		s[n++] = i % 97 == 13 || i % 251 == 250 ? 'g' : 'f';
	s[n++] = 'e';
	for (i = 0; i < 40; i++)
		s[n++] = i % 7 == 3 ? 'e' : 'f';
	s[n++] = 'w';
	for (i = 0; i < 50; i++)
		s[n++] = 'f';
	s[n++] = 'a';
	for (i = 0; i < 50; i++)
		s[n++] = i % 5 ? 'f' : 'e';
	s[n++] = 'W';
	for (i = 0; i < 200; i++)
		s[n++] = i % 3 ? 'f' : 'g';
	s[n++] = 's';
	for (i = 0; i < 300; i++)
		s[n++] = i % 50 == 7 ? 'e' : 'f';
	s[n++] = 's';
	for (i = 0; i < 100; i++)
		s[n++] = 'f';
	s[n] = 0;
	return s;
}

/* same_sequence() for a service of protocol pr, in a case of its own. */
static void sequence_case(void **state, uint8_t pr, const char *sched,
			  const int *w)
{
	teardown(state);
	proto = pr;
	same_sequence(sched, w, ops_mix());
	setup(state);
}

static const int w_rr[4] = { 1, 1, 1, 1 }, w_wrr[4] = { 4, 3, 2, 1 };

static void rr_same_sequence(void **state)
{
	sequence_case(state, IPPROTO_TCP, "rr", w_rr);
}

static void wrr_same_sequence(void **state)
{
	sequence_case(state, IPPROTO_TCP, "wrr", w_wrr);
}

/* The same for a UDP service: its first datagrams take the picks. */
static void udp_rr_same_sequence(void **state)
{
	sequence_case(state, IPPROTO_UDP, "rr", w_rr);
}

static void udp_wrr_same_sequence(void **state)
{
	sequence_case(state, IPPROTO_UDP, "wrr", w_wrr);
}

static void svc_counts(struct et *t, uint32_t *conns, uint32_t *active)
{
	struct xdpvs_svc_info *s;
	int n = xdpvs_svc_info_get(t->e, &s);
	uint32_t i;

	assert_int_equal(n, 1);
	*conns = (uint32_t)s[0].stats.conns;
	*active = 0;
	for (i = 0; i < s[0].num_dests; i++)
		*active += s[0].dests[i].activeconns;
	xdpvs_svc_info_free(s, n);
}

/* A NEW event: the connection in SYN_RECV, counted, its flows taken as
 * they are; the client's ACK event then makes it ESTABLISHED. */
static void new_conn_adopted(void **state)
{
	static const int w[1] = { 1 };
	struct et *t = *state;
	struct xdpvs_flow_event ev = { 0 };
	uint32_t conns, active, left;

	add_dests(t, "rr", w, 1, 'm');
	tick(t, 1);
	assert_int_equal(nputs, 1);
	assert_non_null(ring_of_svc());
	assert_int_equal(ring_of_svc()->n, XDPVS_PICK_SLOTS);
	assert_int_equal(fast_syn(t, 1.5, 20000), 0);
	assert_string_equal(et_conn_state(t, "198.18.0.2", 20000, &left),
			    "SYN_RECV");
	svc_counts(t, &conns, &active);
	assert_int_equal(conns, 1);
	assert_int_equal(active, 1);	/* SYN_RECV counts as active */
	assert_int_equal(C.n, 2);
	assert_int_equal(C.adds, 0);	/* what the engine would write */
	assert_int_equal(C.haves, 2);	/* and said so (a take-over's prune) */
	assert_int_equal(xdpvs_flow_count(t->e), 2);
	ev.key = key("198.18.0.2", 20000, "198.18.100.1", 80);
	ev.gen = ring_of_svc()->p[0].gen;
	ev.type = XDPVS_FLOW_EV_ESTABLISHED;
	assert_int_equal(xdpvs_engine_flow_event(t->e, 2000000000ULL, &ev), 0);
	assert_string_equal(et_conn_state(t, "198.18.0.2", 20000, &left),
			    "ESTABLISHED");
}

/* A UDP service's ring (no port reuse there) and a NEW event: the
 * connection as the engine makes one for a first datagram (state, timeout,
 * counted inactive), its flows taken as they are, unmarked. */
static void udp_new_conn(void **state)
{
	static const int w[1] = { 1 };
	struct et *t = *state;
	struct xdpvs_svc_info *si;
	uint32_t left;
	int i;

	proto = IPPROTO_UDP;
	add_dests(t, "rr", w, 1, 'm');
	tick(t, 1);
	assert_non_null(ring_of_svc());
	assert_int_equal(ring_of_svc()->svc.proto, IPPROTO_UDP);
	assert_int_equal(ring_of_svc()->flags, 0);
	assert_int_equal(fast_syn(t, 1.5, 20000), 0);
	assert_string_equal(et_conn_state(t, "198.18.0.2", 20000, &left),
			    "UDP");
	assert_in_range(left, 299, 301);	/* UDP's 300 s, rounded */
	assert_int_equal(xdpvs_svc_info_get(t->e, &si), 1);
	assert_int_equal(si[0].stats.conns, 1);
	assert_int_equal(si[0].dests[0].activeconns, 0);
	assert_int_equal(si[0].dests[0].inactconns, 1);
	xdpvs_svc_info_free(si, 1);
	assert_int_equal(C.n, 2);
	assert_int_equal(C.adds, 0);	/* what the engine would write */
	for (i = 0; i < C.n; i++)
		assert_false(C.v[i].flags & XDPVS_FLOW_F_SYN_RECV);
	assert_int_equal(xdpvs_flow_count(t->e), 2);
	/* the next datagram of the flow is the fast path's: an engine one
	 * (a copy that went up) finds the connection */
	engine_syn(t, 2, 20000);
	assert_int_equal(dest_of(t, 20000), 2);
	assert_int_equal(xdpvs_conn_count(t->e), 1);
}

/* A datagram of the flow went up before the fast path had picks, and
 * the engine read it (connection to .3, flows installed) after a later
 * one of the same flow took a pick (to .2, its flows written over): the
 * engine's connection stays, as IPVS sends a flow's datagrams to one real
 * server; the pick's real server flow goes, the client's is the engine's
 * again. */
static void udp_engine_conn_stays(void **state)
{
	static const int w[2] = { 1, 1 };
	struct et *t = *state;
	struct xdpvs_flow_event_new ev;
	struct xdpvs_flow_key kc, k2, k3;
	int i;

	proto = IPPROTO_UDP;
	add_dests(t, "rr", w, 2, 'm');
	tick(t, 1);
	engine_syn(t, 1.1, 20000);
	assert_int_equal(dest_of(t, 20000), 3);
	assert_int_equal(fast_take(20000, 0xfe, &ev), 0);
	assert_int_equal(ev.new_daddr.ip, htonl(0xc6120102));	/* .2 */
	assert_int_equal(C.n, 3);
	assert_int_equal(xdpvs_engine_flow_new(t->e, 1200000000ULL, &ev),
			 -EEXIST);
	assert_int_equal(xdpvs_conn_count(t->e), 1);
	assert_int_equal(dest_of(t, 20000), 3);
	kc = key("198.18.0.2", 20000, "198.18.100.1", 80);
	k2 = key("198.18.1.2", 8080, "198.18.0.2", 20000);
	k3 = key("198.18.1.3", 8080, "198.18.0.2", 20000);
	assert_int_equal(C.n, 2);
	assert_true(cache_find(&k2) < 0);
	assert_true(cache_find(&k3) >= 0);
	i = cache_find(&kc);
	assert_true(i >= 0);
	assert_int_equal(C.v[i].new_daddr.ip, htonl(0xc6120103));
	assert_int_equal(xdpvs_flow_count(t->e), 2);
	/* the pick counts as used: the next goes to .3 */
	assert_int_equal(fast_syn(t, 1.3, 20001), 0);
	assert_int_equal(dest_of(t, 20001), 3);
}

/* The SYN came in by another way than the engine's route to the client:
 * the real server's flow is rewritten, the client's is not. */
static void new_conn_other_way(void **state)
{
	static const int w[1] = { 1 };
	struct et *t = *state;
	struct xdpvs_flow_event_new ev;
	struct xdpvs_flow_key ko = key("198.18.1.2", 8080, "198.18.0.2",
				       20000);
	int i;

	add_dests(t, "rr", w, 1, 'm');
	tick(t, 1);
	assert_int_equal(fast_take(20000, 0x77, &ev), 0);
	assert_int_equal(xdpvs_engine_flow_new(t->e, 1500000000ULL, &ev), 0);
	assert_int_equal(C.adds, 1);
	assert_int_equal(C.replaces, 1);
	i = cache_find(&ko);
	assert_true(i >= 0);
	assert_int_equal(C.v[i].smac[5], 0xfe);		/* the route's */
	assert_true(C.v[i].flags & XDPVS_FLOW_F_SYN_RECV);
}

/* The real server went between the pick and the event: no connection,
 * the flows the fast path made are removed. */
static void new_conn_dest_gone(void **state)
{
	static const int w[2] = { 1, 1 };
	struct et *t = *state;
	struct xdpvs_svc_conf s = et_svc_conf("tcp 198.18.100.1 80", "rr");
	struct xdpvs_dest_conf d;
	struct xdpvs_flow_event_new ev;
	uint32_t conns, active;

	add_dests(t, "rr", w, 2, 'm');
	tick(t, 1);
	assert_int_equal(fast_take(20000, 0xfe, &ev), 0);
	assert_int_equal(C.n, 2);
	d = et_dest_conf(ev.new_daddr.ip == htonl(0xc6120102) ?
				 "198.18.1.2 8080" : "198.18.1.3 8080",
			 'm', 1);
	assert_int_equal(xdpvs_dest_del(t->e, &s, &d), 0);
	assert_true(ring_of_svc()->taken);	/* taken back before */
	assert_int_equal(xdpvs_engine_flow_new(t->e, 1500000000ULL, &ev),
			 -ESTALE);
	assert_int_equal(C.n, 0);
	svc_counts(t, &conns, &active);
	assert_int_equal(conns, 0);
	assert_int_equal(active, 0);
	/* published again for the server left */
	tick(t, 2);
	assert_false(ring_of_svc()->taken);
}

/* An event not understood changes nothing. */
static void new_conn_bad_event(void **state)
{
	static const int w[1] = { 1 };
	struct et *t = *state;
	struct xdpvs_flow_event_new ev;

	add_dests(t, "rr", w, 1, 'm');
	tick(t, 1);
	assert_int_equal(fast_take(20000, 0xfe, &ev), 0);
	ev.ev.key.proto = IPPROTO_SCTP;
	assert_int_equal(xdpvs_engine_flow_new(t->e, 1500000000ULL, &ev),
			 -EINVAL);
	ev.ev.key.proto = IPPROTO_TCP;
	ev.ev.type = XDPVS_FLOW_EV_FIN;
	assert_int_equal(xdpvs_engine_flow_new(t->e, 1500000000ULL, &ev),
			 -EINVAL);
	ev.ev.type = XDPVS_FLOW_EV_NEW;
	ev.dest_idx = 0;
	assert_int_equal(xdpvs_engine_flow_new(t->e, 1500000000ULL, &ev),
			 -ESTALE);
	assert_int_equal(xdpvs_conn_count(t->e), 0);
}

/* Which services get choices: not wlc, not persistent, not with a
 * threshold; a sync master takes them away, and they come back. */
static void which_services(void **state)
{
	static const int w[2] = { 1, 1 };
	struct et *t = *state;
	struct xdpvs_svc_conf s;
	struct xdpvs_dest_conf d;

	add_dests(t, "wlc", w, 2, 'm');
	tick(t, 1);
	assert_int_equal(nputs, 0);
	s = et_svc_conf("tcp 198.18.100.1 80", "rr");
	assert_int_equal(xdpvs_svc_edit(t->e, &s), 0);
	tick(t, 1.1);
	assert_int_equal(nputs, 1);
	s.flags |= XDPVS_SVC_F_PERSISTENT;
	s.timeout = 300;
	assert_int_equal(xdpvs_svc_edit(t->e, &s), 0);
	tick(t, 1.2);
	assert_int_equal(ndrops, 1);
	assert_null(ring_of_svc());
	s = et_svc_conf("tcp 198.18.100.1 80", "rr");
	assert_int_equal(xdpvs_svc_edit(t->e, &s), 0);
	tick(t, 1.3);
	assert_non_null(ring_of_svc());
	d = et_dest_conf("198.18.1.2 8080", 'm', 1);
	d.u_threshold = 100;
	assert_int_equal(xdpvs_dest_edit(t->e, &s, &d), 0);
	tick(t, 1.4);
	assert_null(ring_of_svc());
	d.u_threshold = 0;
	assert_int_equal(xdpvs_dest_edit(t->e, &s, &d), 0);
	tick(t, 1.5);
	assert_non_null(ring_of_svc());
	xdpvs_sync_set(t->e, XDPVS_SYNC_STATE_MASTER, NULL, NULL);
	tick(t, 1.6);
	assert_null(ring_of_svc());
	xdpvs_sync_set(t->e, 0, NULL, NULL);
	tick(t, 1.7);
	assert_non_null(ring_of_svc());
	assert_int_equal(xdpvs_svc_del(t->e, &s), 0);
	assert_null(ring_of_svc());
}

/* A SYN scheduled by the engine (it went up) takes the next choice, as
 * the fast path would have: nothing taken back nor published again; the
 * connection is the next in the sequence, and so is the fast path's
 * after it.  With none left, the engine takes back and publishes. */
static void engine_syn_uses_next_pick(void **state)
{
	static const int w[3] = { 1, 1, 1 };
	struct et *t = *state;

	add_dests(t, "rr", w, 3, 'm');
	tick(t, 1);
	assert_int_equal(fast_syn(t, 1.1, 20000), 0);
	assert_int_equal(fast_syn(t, 1.1, 20001), 0);
	engine_syn(t, 1.2, 20002);
	assert_int_equal(nputs, 1);		/* nothing taken back */
	assert_false(ring_of_svc()->taken);
	assert_int_equal(ring_of_svc()->used, 3);
	/* rr over .4 .3 .2 (newest first) */
	assert_int_equal(dest_of(t, 20000), 4);
	assert_int_equal(dest_of(t, 20001), 3);
	assert_int_equal(dest_of(t, 20002), 2);
	assert_int_equal(fast_syn(t, 1.3, 20003), 0);
	assert_int_equal(dest_of(t, 20003), 4);
	ring_of_svc()->used = ring_of_svc()->n;	/* none left */
	engine_syn(t, 1.4, 20004);
	assert_int_equal(nputs, 2);
	assert_int_equal(ring_of_svc()->used, 0);
	/* the one after the set: rr's turn XDPVS_PICK_SLOTS of .4 .3 .2 */
	assert_int_equal(dest_of(t, 20004), 4 - XDPVS_PICK_SLOTS % 3);
}

/* The connection from cport, scheduled by the engine, through its
 * handshake and both FINs (fast-path events) to TIME_WAIT. */
static void closed_conn(struct et *t, uint16_t cport, const char *rs)
{
	struct xdpvs_flow_key kin = key("198.18.0.2", cport, "198.18.100.1", 80);
	struct xdpvs_flow_event ev = { 0 };
	uint32_t left;
	int i;

	engine_syn(t, 1.1, cport);
	i = cache_find(&kin);
	assert_true(i >= 0);
	ev.gen = C.v[i].gen;
	ev.key = kin;
	ev.type = XDPVS_FLOW_EV_ESTABLISHED;
	assert_int_equal(xdpvs_engine_flow_event(t->e, 1200000000ULL, &ev), 0);
	ev.type = XDPVS_FLOW_EV_FIN;
	assert_int_equal(xdpvs_engine_flow_event(t->e, 1300000000ULL, &ev), 0);
	ev.key = key(rs, 8080, "198.18.0.2", cport);
	ev.type = XDPVS_FLOW_EV_FIN | XDPVS_FLOW_EV_REPLY;
	assert_int_equal(xdpvs_engine_flow_event(t->e, 1400000000ULL, &ev), 0);
	assert_string_equal(et_conn_state(t, "198.18.0.2", cport, &left),
			    "TIME_WAIT");
}

/* A client reusing the port of a connection in TIME_WAIT, scheduled by
 * the fast path (pick.h): the old connection ends, the new one goes to
 * the next real server, and the old one's real server flow is removed. */
static void reuse_other_server(void **state)
{
	static const int w[3] = { 1, 1, 1 };
	struct et *t = *state;
	struct xdpvs_flow_key kin = key("198.18.0.2", 20000, "198.18.100.1", 80);
	struct xdpvs_flow_event_new ev;
	uint32_t left;

	add_dests(t, "rr", w, 3, 'm');
	tick(t, 1);
	closed_conn(t, 20000, "198.18.1.4");
	assert_int_equal(ring_of_svc()->flags, XDPVS_PICK_F_REUSE);
	assert_int_equal(fast_take(20000, 0xfe, &ev), 0);
	assert_int_equal(ev.new_daddr.ip, htonl(0xc6120103));	/* .3 next */
	assert_int_equal(C.n, 3);
	assert_int_equal(xdpvs_engine_flow_new(t->e, 1500000000ULL, &ev), 0);
	assert_int_equal(C.n, 2);	/* the old real server's flow went */
	tick(t, 1.6);			/* the old connection expires */
	assert_int_equal(xdpvs_conn_count(t->e), 1);
	assert_int_equal(dest_of(t, 20000), 3);
	assert_string_equal(et_conn_state(t, "198.18.0.2", 20000, &left),
			    "SYN_RECV");
	assert_int_equal(C.n, 2);	/* its expiry took nothing of the new */
	assert_int_equal(C.v[cache_find(&kin)].gen, ev.ev.gen);
	assert_int_equal(xdpvs_flow_count(t->e), 2);
}

/* The same real server again: its flow's key is the new connection's, so
 * nothing is removed. */
static void reuse_same_server(void **state)
{
	static const int w[1] = { 1 };
	struct et *t = *state;
	struct xdpvs_flow_event_new ev;

	add_dests(t, "rr", w, 1, 'm');
	tick(t, 1);
	closed_conn(t, 20000, "198.18.1.2");
	assert_int_equal(fast_take(20000, 0xfe, &ev), 0);
	assert_int_equal(C.n, 2);
	assert_int_equal(xdpvs_engine_flow_new(t->e, 1500000000ULL, &ev), 0);
	tick(t, 1.6);
	assert_int_equal(xdpvs_conn_count(t->e), 1);
	assert_int_equal(C.n, 2);
	assert_int_equal(C.dels, 0);
	assert_int_equal(xdpvs_flow_count(t->e), 2);
}

/* Without conn_reuse_mode, rings do not say REUSE. */
static void reuse_mode_off(void **state)
{
	static const int w[1] = { 1 };
	struct et *t = *state;

	add_dests(t, "rr", w, 1, 'm');
	assert_int_equal(xdpvs_sysctl_set(t->e, "conn_reuse_mode", 0), 0);
	tick(t, 1);
	assert_int_equal(ring_of_svc()->flags, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(rr_same_sequence, setup,
						teardown),
		cmocka_unit_test_setup_teardown(wrr_same_sequence, setup,
						teardown),
		cmocka_unit_test_setup_teardown(new_conn_adopted, setup,
						teardown),
		cmocka_unit_test_setup_teardown(new_conn_other_way, setup,
						teardown),
		cmocka_unit_test_setup_teardown(new_conn_dest_gone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(udp_rr_same_sequence, setup,
						teardown),
		cmocka_unit_test_setup_teardown(udp_wrr_same_sequence, setup,
						teardown),
		cmocka_unit_test_setup_teardown(udp_new_conn, setup, teardown),
		cmocka_unit_test_setup_teardown(udp_engine_conn_stays, setup,
						teardown),
		cmocka_unit_test_setup_teardown(new_conn_bad_event, setup,
						teardown),
		cmocka_unit_test_setup_teardown(which_services, setup,
						teardown),
		cmocka_unit_test_setup_teardown(engine_syn_uses_next_pick, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reuse_other_server, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reuse_same_server, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reuse_mode_off, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
