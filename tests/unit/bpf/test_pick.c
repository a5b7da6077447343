/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * New TCP connections scheduled by bpf/xdpvs.bpf.c with the engine's
 * picks (include/xdpvs/pick.h), against the engine.
 *
 * The engine schedules a SYN to each real server first, into a flow cache
 * of its own: its client flow, less gen, mark and time, is the template
 * a pick uses, and the frame it sent is the one the XDP program must
 * send.  Then a ring of picks is published in the XDP program's maps and
 * the same SYNs run through the program (BPF_PROG_TEST_RUN): the frame
 * byte for byte, both flows exactly (NAT), the ring's index, one
 * XDPVS_FLOW_EV_NEW event, the counters.  And what must still go up: a
 * set exhausted, SYN+ACK and ACK, the FTP data port, a ring handed to
 * another service, a SYN of an existing flow, a real server's flow that
 * cannot be installed or a datagram too big for its way (nothing left
 * behind, the pick given back in an XDPVS_FLOW_EV_UNUSED event).  A client reusing the port
 * of a connection closed both ways (FIN marks): its SYN takes a pick
 * too, over the closed connection's flows, and what was there is put
 * back when it goes up after all.  The first datagram of a UDP flow is
 * scheduled the same way (NAT, DR; unmarked flows); its next one goes by
 * its flow, and a UDP fragment goes up.
 *
 * Needs root (loading BPF); exits 77 ("skipped") without BPF or its
 * test-run command.  An optional argument runs only the matching cases.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <netinet/in.h>

#include <xdpvs/dp.h>
#include <xdpvs/flow.h>
#include <xdpvs/pick.h>

#include "../../lib/enginetest.h"
#include "../../lib/xdptest.h"
#include "bpf/xdpvs.skel.h"

#define CL	"198.18.0.2"
#define CL6	"2001:db8::2"
#define CL_MAC	"02:00:00:00:00:01"	/* the client's next hop */
#define RS_MAC	"02:00:00:00:01:02"
#define LO_IFINDEX 1		/* BPF_PROG_TEST_RUN receives on lo */
#define RING	3		/* the ring the cases publish */
#define SYN	0x02
#define ACK	0x10

static struct xdpvs_bpf *skel;
static struct ring_buffer *events;
static struct xdpvs_flow_event_new ev[4];
static int nev;
static struct et T;
static double now = 1;		/* engine time, seconds */

/* ---- the engine's flows, kept aside (the XDP map is the picks') ---- */

#define CAP_MAX 16
static struct {
	struct xdpvs_flow_key k;
	struct xdpvs_flow_value v;
} cap[CAP_MAX];
static int ncap;

static void cap_add(struct et *t, const struct xdpvs_flow_key *k,
		    const struct xdpvs_flow_value *v, bool replace)
{
	int i;

	for (i = 0; i < ncap; i++)
		if (!memcmp(&cap[i].k, k, sizeof(*k)))
			break;
	assert_true(i < CAP_MAX);
	if (i == ncap)
		ncap++;
	cap[i].k = *k;
	cap[i].v = *v;
}

static void cap_del(struct et *t, const struct xdpvs_flow_key *k)
{
}

static uint64_t cap_seen(struct et *t, const struct xdpvs_flow_key *k)
{
	return 0;
}

static const struct et_flow_ops cap_ops = {
	.add = cap_add, .del = cap_del, .last_seen = cap_seen,
};

static const struct xdpvs_flow_value *cap_find(const struct xdpvs_flow_key *k)
{
	int i;

	for (i = 0; i < ncap; i++)
		if (!memcmp(&cap[i].k, k, sizeof(*k)))
			return &cap[i].v;
	fail_msg("the engine installed no such flow");
	return NULL;
}

/* ---- the XDP program's maps ---- */

static int event_keep(void *ctx, void *data, size_t len)
{
	assert_int_equal(len, sizeof(ev[0]));
	assert_true(nev < 4);
	memcpy(&ev[nev++], data, len);
	return 0;
}

/* The events posted since the last call: how many (in ev[]). */
static int events_read(void)
{
	nev = 0;
	assert_true(ring_buffer__consume(events) >= 0);
	return nev;
}

static uint64_t counter(enum xdpvs_dp_stat idx)
{
	return xt_counter(bpf_map__fd(skel->maps.xdpvs_stats), idx);
}

static uint32_t flow_count(void)
{
	struct xdpvs_flow_key k, next;
	uint32_t n = 0;
	void *prev = NULL;

	while (!bpf_map__get_next_key(skel->maps.xdpvs_flows, prev, &next,
				      sizeof(next))) {
		k = next;
		prev = &k;
		n++;
	}
	return n;
}

static void flow_get(const struct xdpvs_flow_key *k,
		     struct xdpvs_flow_value *v)
{
	assert_int_equal(bpf_map__lookup_elem(skel->maps.xdpvs_flows, k,
					      sizeof(*k), v, sizeof(*v), 0),
			 0);
}

static void flow_put(const struct xdpvs_flow_key *k,
		     const struct xdpvs_flow_value *v)
{
	assert_int_equal(bpf_map__update_elem(skel->maps.xdpvs_flows, k,
					      sizeof(*k), v, sizeof(*v),
					      BPF_NOEXIST), 0);
}

static void ring_get(struct xdpvs_pick_ring *r)
{
	uint32_t i = RING;

	assert_int_equal(bpf_map__lookup_elem(skel->maps.xdpvs_picks, &i,
					      sizeof(i), r, sizeof(*r), 0), 0);
}

static void ring_put(const struct xdpvs_pick_ring *r)
{
	uint32_t i = RING;

	assert_int_equal(bpf_map__update_elem(skel->maps.xdpvs_picks, &i,
					      sizeof(i), r, sizeof(*r), 0), 0);
}

static uint64_t ring_next(void)
{
	struct xdpvs_pick_ring r;

	ring_get(&r);
	return r.next;
}

/* Run a frame through the XDP program: its verdict, the frame after. */
static int xdp_run(const uint8_t *in, size_t len, uint8_t *out,
		   uint32_t *olen)
{
	return xt_run(bpf_program__fd(skel->progs.xdpvs_xdp), in, len, out,
		      olen);
}

/* ---- a service, its real servers, what the engine does with a SYN ---- */

struct svc_case {
	const char *cl, *vip, *rs[2];
	char method;		/* 'm' NAT, 'g' DR */
	uint8_t udp;		/* a UDP service; else TCP */
	int af;
	struct xdpvs_dp_addr_key key;	/* the service */
	/* what the engine did with the SYN from port 40000 + i */
	uint8_t out[2][TB_MAX];
	uint32_t olen[2];
	uint32_t oifindex[2];
	struct xdpvs_flow_value tmpl[2];	/* its client flow, as a template */
};

static uint8_t case_proto(const struct svc_case *c)
{
	return c->udp ? IPPROTO_UDP : IPPROTO_TCP;
}

/* The case's SYN from cport (with TCP flags flags), or its datagram. */
static struct tb_pkt syn(const struct svc_case *c, uint16_t cport,
			 uint8_t flags)
{
	static uint8_t payload[16];

	return (struct tb_pkt){
		.dmac = ET_LB_MAC, .smac = CL_MAC, .src = c->cl, .dst = c->vip,
		.proto = case_proto(c), .sport = cport, .dport = 80,
		.flags = flags, .seq = 1000, .df = true, .id = 0x1234,
		.tos = 0x02, .payload = payload, .plen = sizeof(payload) };
}

static struct xdpvs_flow_key client_key(const struct svc_case *c,
					uint16_t cport)
{
	struct xdpvs_flow_key k = { .af = (uint8_t)c->af,
				    .proto = case_proto(c),
				    .sport = htons(cport),
				    .dport = htons(80) };

	inet_pton(c->af, c->cl, &k.saddr);
	inet_pton(c->af, c->vip, &k.daddr);
	return k;
}

/* The real server's flow of client port cport with real server i (the
 * engine's i-th choice). */
static struct xdpvs_flow_key reply_key(const struct svc_case *c, int i,
				       uint16_t cport)
{
	struct xdpvs_flow_key k = { .af = (uint8_t)c->af,
				    .proto = case_proto(c),
				    .sport = htons(8080),
				    .dport = htons(cport) };

	k.saddr = c->tmpl[i].new_daddr;
	inet_pton(c->af, c->cl, &k.daddr);
	return k;
}

/*
 * The service of c with its two real servers (rr: the engine's first SYN
 * goes to rs[0], the second to rs[1]); each real server's template and
 * frame from the engine scheduling a SYN from ports 40000 and 40001.
 */
static void svc_setup(struct svc_case *c)
{
	char s[64], d[64];
	uint8_t in[TB_MAX];
	struct tb_pkt p;
	size_t len;
	int i;

	c->af = strchr(c->vip, ':') ? AF_INET6 : AF_INET;
	memset(&c->key, 0, sizeof(c->key));
	c->key.af = (uint8_t)c->af;
	c->key.proto = case_proto(c);
	c->key.port = htons(80);
	inet_pton(c->af, c->vip, &c->key.addr);
	snprintf(s, sizeof(s), "%s %s 80", c->udp ? "udp" : "tcp", c->vip);
	et_add_svc(&T, s, "rr");
	for (i = 0; i < 2; i++) {
		et_route(&T, c->rs[i], RS_MAC, 2, 1500,
			 c->af == AF_INET ? "198.18.1.1" : "2001:db8:1::1");
		snprintf(d, sizeof(d), "%s %d", c->rs[i],
			 c->method == 'm' ? 8080 : 80);
		et_add_dest(&T, s, d, c->method, 1);
	}
	for (i = 0; i < 2; i++) {
		struct xdpvs_flow_key k = client_key(c, (uint16_t)(40000 + i));
		struct xdpvs_flow_value *t = &c->tmpl[i];

		p = syn(c, (uint16_t)(40000 + i), SYN);
		len = tb_build(in, &p);
		now += 0.001;
		assert_int_equal(et_rx(&T, now, in, len), XDPVS_TX);
		memcpy(c->out[i], T.f.data, T.f.len);
		c->olen[i] = (uint32_t)T.f.len;
		c->oifindex[i] = T.f.ifindex;
		*t = *cap_find(&k);
		assert_int_equal(!!(t->flags & XDPVS_FLOW_F_SYN_RECV), !c->udp);
		t->gen = 0;
		t->flags &= (uint8_t)~XDPVS_FLOW_F_SYN_RECV;
		t->last_seen = 0;
		assert_int_not_equal(t->dest_idx, 0);
	}
	assert_int_not_equal(c->tmpl[0].dest_idx, c->tmpl[1].dest_idx);
}

/* Publish the templates, and a ring of c's service whose set 0 holds
 * npicks picks: gen 100 + j, real server j % 2. */
static void publish(const struct svc_case *c, uint32_t npicks)
{
	struct xdpvs_pick_ring r;
	uint32_t i, ring = RING;

	for (i = 0; i < 2; i++) {
		uint32_t slot = c->tmpl[i].dest_idx;

		assert_int_equal(bpf_map__update_elem(skel->maps.xdpvs_pick_tm,
						      &slot, sizeof(slot),
						      &c->tmpl[i],
						      sizeof(c->tmpl[i]), 0),
				 0);
	}
	memset(&r, 0, sizeof(r));
	r.count[0] = npicks;
	r.svc = c->key;
	for (i = 0; i < npicks; i++) {
		r.slot[0][i].gen = 100 + i;
		r.slot[0][i].dest_idx = c->tmpl[i % 2].dest_idx;
	}
	ring_put(&r);
	assert_int_equal(bpf_map__update_elem(skel->maps.xdpvs_pick_svc,
					      &c->key, sizeof(c->key), &ring,
					      sizeof(ring), 0), 0);
}

static uint64_t coarse_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The flow value at k must be exp but for last_seen, stamped since t0. */
static void assert_flow(const struct xdpvs_flow_key *k,
			const struct xdpvs_flow_value *exp, uint64_t t0)
{
	struct xdpvs_flow_value v;

	flow_get(k, &v);
	assert_true(v.last_seen >= t0 && v.last_seen <= coarse_ns());
	v.last_seen = exp->last_seen;
	assert_memory_equal(&v, exp, sizeof(v));
}

/*
 * The SYN from cport through the XDP program, scheduled with a pick of
 * gen to real server i: the engine's frame, the engine's way; the
 * client's flow from the template (and the real server's, NAT); one
 * event saying so; the counters.
 */
static void syn_picked_n(const struct svc_case *c, uint16_t cport, int i,
			 uint32_t gen, uint32_t added)
{
	uint64_t f0 = counter(XDPVS_DP_FAST), n0 = counter(XDPVS_DP_FAST_NEW);
	struct xdpvs_flow_key k = client_key(c, cport);
	struct xdpvs_flow_value exp = c->tmpl[i];
	uint8_t in[TB_MAX], out[TB_MAX];
	struct tb_pkt p = syn(c, cport, SYN);
	uint32_t nflows = flow_count(), olen;
	uint64_t t0 = coarse_ns();
	size_t len = tb_build(in, &p);
	struct xdpvs_flow_event_new *e = &ev[0];
	int rc;

	rc = xdp_run(in, len, out, &olen);
	/* the engine scheduled port 40000 + i to real server i */
	if (cport == 40000 + i) {
		tb_assert_frame(out, olen, c->out[i], c->olen[i]);
		assert_int_equal(rc, c->oifindex[i] == LO_IFINDEX ?
					     XDP_TX : XDP_REDIRECT);
	}
	assert_int_equal(rc, XDP_REDIRECT);	/* interface 2 */
	assert_int_equal(counter(XDPVS_DP_FAST), f0 + 1);
	assert_int_equal(counter(XDPVS_DP_FAST_NEW), n0 + 1);
	exp.gen = gen;
	if (!c->udp)
		exp.flags |= XDPVS_FLOW_F_SYN_RECV;
	assert_flow(&k, &exp, t0);
	assert_int_equal(events_read(), 1);
	assert_memory_equal(&e->ev.key, &k, sizeof(k));
	assert_int_equal(e->ev.gen, gen);
	assert_int_equal(e->ev.type, XDPVS_FLOW_EV_NEW);
	assert_int_equal(e->ifindex, LO_IFINDEX);
	assert_int_equal(e->mtu, 0xffff);	/* lo's 65536, capped */
	assert_int_equal(e->dest_idx, exp.dest_idx);
	assert_memory_equal(e->smac, in, 6);
	assert_memory_equal(e->dmac, in + 6, 6);
	assert_int_equal(e->new_dport, exp.new_dport);
	assert_int_equal(e->pad, 0);
	assert_memory_equal(&e->new_daddr, &exp.new_daddr,
			    sizeof(e->new_daddr));
	assert_int_equal(flow_count(), nflows + added);
	if (c->method != 'm')
		return;
	/* the real server's flow: back to the service, the SYN's way */
	k = reply_key(c, i, cport);
	memset(&exp, 0, sizeof(exp));
	exp.action = XDPVS_FLOW_SNAT;
	exp.flags = c->udp ? 0 : XDPVS_FLOW_F_SYN_RECV;
	exp.daf = (uint8_t)c->af;
	exp.ifindex = LO_IFINDEX;
	memcpy(exp.smac, in, 6);
	memcpy(exp.dmac, in + 6, 6);
	exp.mtu = 0xffff;
	exp.dest_idx = c->tmpl[i].dest_idx;
	exp.new_sport = htons(80);
	exp.gen = gen;
	inet_pton(c->af, c->vip, &exp.new_saddr);
	assert_flow(&k, &exp, t0);
	if (cport == 40000 + i) {
		/* the way the engine's route gives here too */
		const struct xdpvs_flow_value *er = cap_find(&k);

		assert_int_equal(er->ifindex, exp.ifindex);
		assert_memory_equal(er->smac, exp.smac, 6);
		assert_memory_equal(er->dmac, exp.dmac, 6);
		assert_int_equal(er->new_sport, exp.new_sport);
		assert_memory_equal(&er->new_saddr, &exp.new_saddr,
				    sizeof(exp.new_saddr));
	}
}

/* The same, the SYN matching no flow: its flows added. */
static void syn_picked(const struct svc_case *c, uint16_t cport, int i,
		       uint32_t gen)
{
	syn_picked_n(c, cport, i, gen, c->method == 'm' ? 2 : 1);
}

/* d through the XDP program: left untouched to the filter (which has
 * no socket here: XDP_PASS), no new connection counted. */
static void passed_up(const struct tb_pkt *d)
{
	uint64_t n0 = counter(XDPVS_DP_FAST_NEW);
	uint8_t in[TB_MAX], out[TB_MAX];
	size_t len = tb_build(in, d);
	uint32_t olen;

	assert_int_equal(xdp_run(in, len, out, &olen), XDP_PASS);
	tb_assert_frame(out, olen, in, len);
	assert_int_equal(counter(XDPVS_DP_FAST_NEW), n0);
}

/* The SYN-like d through the XDP program goes up untouched: no pick
 * taken, no flow, no event. */
static void goes_up(const struct tb_pkt *d)
{
	uint64_t f0 = counter(XDPVS_DP_FAST), n0 = counter(XDPVS_DP_FAST_NEW);
	uint8_t in[TB_MAX], out[TB_MAX];
	uint32_t nflows = flow_count(), olen;
	uint64_t next = ring_next();
	size_t len = tb_build(in, d);

	assert_int_equal(xdp_run(in, len, out, &olen), XDP_PASS);
	tb_assert_frame(out, olen, in, len);
	assert_int_equal(counter(XDPVS_DP_FAST), f0);
	assert_int_equal(counter(XDPVS_DP_FAST_NEW), n0);
	assert_int_equal(flow_count(), nflows);
	assert_int_equal(ring_next(), next);
	assert_int_equal(events_read(), 0);
}

static int setup(void **state)
{
	struct xdpvs_dp_addr_key sk, snext;
	struct xdpvs_flow_key k, next;
	struct xdpvs_pick_ring r;

	while (!bpf_map__get_next_key(skel->maps.xdpvs_flows, NULL, &next,
				      sizeof(next))) {
		k = next;
		bpf_map__delete_elem(skel->maps.xdpvs_flows, &k, sizeof(k), 0);
	}
	while (!bpf_map__get_next_key(skel->maps.xdpvs_pick_svc, NULL, &snext,
				      sizeof(snext))) {
		sk = snext;
		bpf_map__delete_elem(skel->maps.xdpvs_pick_svc, &sk,
				     sizeof(sk), 0);
	}
	memset(&r, 0, sizeof(r));
	ring_put(&r);
	events_read();			/* none left from an earlier case */
	ncap = 0;
	et_init_flows(&T, 0, &cap_ops);
	return 0;
}

static int teardown(void **state)
{
	et_fini(&T);
	return 0;
}

/* ---- NAT ---- */

/*
 * Two picks, one per real server: each SYN takes the next, the third
 * finds the set exhausted and goes up (to the filter, which has no
 * socket here: XDP_PASS), nothing left behind.
 */
static void nat(const char *cl, const char *vip, const char *rs0,
		const char *rs1, uint8_t udp)
{
	struct svc_case c = { .cl = cl, .vip = vip, .rs = { rs0, rs1 },
			      .method = 'm', .udp = udp };
	struct tb_pkt p;

	svc_setup(&c);
	publish(&c, 2);
	syn_picked(&c, 40000, 0, 100);
	assert_int_equal(ring_next(), 1);
	syn_picked(&c, 40001, 1, 101);
	assert_int_equal(ring_next(), 2);
	p = syn(&c, 40002, SYN);
	passed_up(&p);
	assert_int_equal(ring_next(), 3);	/* taken, none there */
	assert_int_equal(flow_count(), 4);
	assert_int_equal(events_read(), 0);
}

static void nat4(void **state)
{
	nat(CL, "198.18.100.1", "198.18.1.2", "198.18.1.3", 0);
}

static void nat6(void **state)
{
	nat(CL6, "2001:db8:100::1", "2001:db8:1::2", "2001:db8:1::3", 0);
}

static void udp_nat4(void **state)
{
	nat(CL, "198.18.100.1", "198.18.1.2", "198.18.1.3", 1);
}

static void udp_nat6(void **state)
{
	nat(CL6, "2001:db8:100::1", "2001:db8:1::2", "2001:db8:1::3", 1);
}

/* ---- DR ---- */

static void dr(const char *cl, const char *vip, const char *rs0,
	       const char *rs1, uint8_t udp)
{
	struct svc_case c = { .cl = cl, .vip = vip, .rs = { rs0, rs1 },
			      .method = 'g', .udp = udp };

	svc_setup(&c);
	publish(&c, 2);
	syn_picked(&c, 40000, 0, 100);
	syn_picked(&c, 40001, 1, 101);
	assert_int_equal(flow_count(), 2);
}

static void dr4(void **state)
{
	dr(CL, "198.18.100.2", "198.18.1.2", "198.18.1.3", 0);
}

static void udp_dr4(void **state)
{
	dr(CL, "198.18.100.2", "198.18.1.2", "198.18.1.3", 1);
}

static void dr6(void **state)
{
	dr(CL6, "2001:db8:100::2", "2001:db8:1::2", "2001:db8:1::3", 0);
}

/* ---- UDP: a flow's next datagram, fragments ---- */

static struct svc_case udp_case = {
	.cl = CL, .vip = "198.18.100.1", .rs = { "198.18.1.2", "198.18.1.3" },
	.method = 'm', .udp = 1 };

/* The flow's second datagram goes by the flow the first one's pick
 * installed: the same frame, no pick, no event, no new connection. */
static void udp_next_datagram(void **state)
{
	struct svc_case *c = &udp_case;
	uint8_t in[TB_MAX], out[TB_MAX];
	struct tb_pkt p = syn(c, 40000, 0);
	size_t len = tb_build(in, &p);
	uint64_t f0, n0;
	uint32_t olen;

	svc_setup(c);
	publish(c, 2);
	syn_picked(c, 40000, 0, 100);
	f0 = counter(XDPVS_DP_FAST);
	n0 = counter(XDPVS_DP_FAST_NEW);
	assert_int_equal(xdp_run(in, len, out, &olen), XDP_REDIRECT);
	tb_assert_frame(out, olen, c->out[0], c->olen[0]);
	assert_int_equal(counter(XDPVS_DP_FAST), f0 + 1);
	assert_int_equal(counter(XDPVS_DP_FAST_NEW), n0);
	assert_int_equal(ring_next(), 1);
	assert_int_equal(events_read(), 0);
	assert_int_equal(flow_count(), 2);
}

/* A fragment of a datagram (MF set: the first) takes no pick: its flow
 * is for the engine to find once reassembled. */
static void udp_fragment_goes_up(void **state)
{
	struct svc_case *c = &udp_case;
	uint8_t in[TB_MAX], out[TB_MAX];
	struct tb_pkt p = syn(c, 40000, 0);
	size_t len;
	uint32_t olen;
	uint16_t sum;

	svc_setup(c);
	publish(c, 2);
	p.df = false;
	len = tb_build(in, &p);
	in[14 + 6] |= 0x20;			/* more fragments */
	in[14 + 10] = in[14 + 11] = 0;
	sum = htons(tb_csum(in + 14, 20, 0));
	memcpy(in + 14 + 10, &sum, 2);
	assert_int_equal(xdp_run(in, len, out, &olen), XDP_PASS);
	tb_assert_frame(out, olen, in, len);
	assert_int_equal(ring_next(), 0);
	assert_int_equal(events_read(), 0);
	assert_int_equal(flow_count(), 0);
}

/* An IPv6 datagram without a UDP checksum (invalid over IPv6; the
 * engine's to judge, as on a flow) takes no pick. */
static void udp6_no_checksum_goes_up(void **state)
{
	struct svc_case c = { .cl = CL6, .vip = "2001:db8:100::1",
			      .rs = { "2001:db8:1::2", "2001:db8:1::3" },
			      .method = 'm', .udp = 1 };
	uint8_t in[TB_MAX], out[TB_MAX];
	struct tb_pkt p;
	size_t len;
	uint32_t olen;

	svc_setup(&c);
	publish(&c, 2);
	p = syn(&c, 40000, 0);
	len = tb_build(in, &p);
	in[14 + 40 + 6] = in[14 + 40 + 7] = 0;	/* the UDP checksum */
	assert_int_equal(xdp_run(in, len, out, &olen), XDP_PASS);
	tb_assert_frame(out, olen, in, len);
	assert_int_equal(ring_next(), 0);
	assert_int_equal(events_read(), 0);
	assert_int_equal(flow_count(), 0);
	/* with its checksum, the same datagram takes one */
	syn_picked(&c, 40000, 0, 100);
}

/* ---- what takes no pick ---- */

static struct svc_case nat_case = {
	.cl = CL, .vip = "198.18.100.1", .rs = { "198.18.1.2", "198.18.1.3" },
	.method = 'm' };

/* SYN+ACK, ACK, SYN+FIN, SYN+RST; the FTP data port: never scheduled;
 * port 0: IPVS schedules each such packet anew. */
static void not_a_new_connection(void **state)
{
	struct svc_case *c = &nat_case;
	struct tb_pkt p;

	svc_setup(c);
	publish(c, 2);
	p = syn(c, 40000, SYN | ACK);
	goes_up(&p);
	p.flags = ACK;
	goes_up(&p);
	p.flags = SYN | 0x01;
	goes_up(&p);
	p.flags = SYN | 0x04;
	goes_up(&p);
	p = syn(c, 20, SYN);
	goes_up(&p);
	p = syn(c, 0, SYN);
	goes_up(&p);
	syn_picked(c, 40000, 0, 100);
}

/* The ring was handed to another service: xdpvs_pick_svc lags. */
static void ring_of_another_service(void **state)
{
	struct svc_case *c = &nat_case;
	struct xdpvs_pick_ring r;
	struct tb_pkt p;

	svc_setup(c);
	publish(c, 2);
	ring_get(&r);
	r.svc.port = htons(81);
	ring_put(&r);
	p = syn(c, 40000, SYN);
	goes_up(&p);
	r.svc.port = htons(80);
	r.svc.addr.ip6[3] = 1;		/* IPv4: the rest must be zero */
	ring_put(&r);
	goes_up(&p);
	r.svc.addr.ip6[3] = 0;
	ring_put(&r);
	syn_picked(c, 40000, 0, 100);
}

/* Flows come first: a SYN of an existing flow goes up as before. */
static void existing_flow_first(void **state)
{
	struct svc_case *c = &nat_case;
	struct xdpvs_flow_key k;
	struct tb_pkt p;
	uint64_t u0;

	svc_setup(c);
	publish(c, 2);
	k = client_key(c, 40000);
	flow_put(&k, &c->tmpl[1]);
	u0 = counter(XDPVS_DP_FAST_UP);
	p = syn(c, 40000, SYN);
	goes_up(&p);
	assert_int_equal(counter(XDPVS_DP_FAST_UP), u0 + 1);
	assert_int_equal(ring_next(), 0);
}

/* Connection c from client port 40000 (the engine's) once its real
 * server is removed: the engine's hold on its client's key (core/flow.c)
 * in the map, as xdpvsd writes it, and d goes up on it untouched, no
 * pick taken: the engine drops it, as IPVS does, where a pick would have
 * sent it to the other real server as a new connection's. */
static void held(struct svc_case *c, const struct tb_pkt *d)
{
	struct xdpvs_flow_key k = client_key(c, 40000);
	char spec[64], rs[INET6_ADDRSTRLEN];
	struct xdpvs_svc_conf s;
	struct xdpvs_dest_conf dc;
	uint64_t u0;

	svc_setup(c);
	snprintf(spec, sizeof(spec), "%s %s 80", c->udp ? "udp" : "tcp",
		 c->vip);
	s = et_svc_conf(spec, "rr");
	inet_ntop(c->af, &c->tmpl[0].new_daddr, rs, sizeof(rs));
	snprintf(spec, sizeof(spec), "%s 8080", rs);
	dc = et_dest_conf(spec, c->method, 1);
	assert_int_equal(xdpvs_dest_del(T.e, &s, &dc), 0);
	assert_int_equal(cap_find(&k)->mtu, 0);
	flow_put(&k, cap_find(&k));
	publish(c, 2);
	u0 = counter(XDPVS_DP_FAST_UP);
	goes_up(d);
	assert_int_equal(counter(XDPVS_DP_FAST_UP), u0 + 1);
	assert_int_equal(ring_next(), 0);
}

static void held_datagram(void **state)
{
	struct tb_pkt p = syn(&udp_case, 40000, 0);

	held(&udp_case, &p);
}

static void held_syn(void **state)
{
	struct tb_pkt p = syn(&nat_case, 40000, SYN);

	held(&nat_case, &p);
}

/* next in set 1: its slot 0 is taken. */
static void second_set(void **state)
{
	struct svc_case *c = &nat_case;
	struct xdpvs_pick_ring r;

	svc_setup(c);
	publish(c, 2);
	ring_get(&r);
	r.next = XDPVS_PICK_SET | 0;
	r.count[1] = 1;
	r.slot[1][0].gen = 77;
	r.slot[1][0].dest_idx = c->tmpl[1].dest_idx;
	ring_put(&r);
	syn_picked(c, 40001, 1, 77);
	assert_true(ring_next() == (XDPVS_PICK_SET | 1));
}

/* The pick taken for the client on port cport, given back: one
 * XDPVS_FLOW_EV_UNUSED event with its gen and real server (pick.h). */
static void assert_given_back(const struct svc_case *c, uint16_t cport,
			      uint32_t gen, int i)
{
	struct xdpvs_flow_key k = client_key(c, cport);
	struct xdpvs_flow_event_new exp;

	assert_int_equal(events_read(), 1);
	memset(&exp, 0, sizeof(exp));
	exp.ev.key = k;
	exp.ev.gen = gen;
	exp.ev.type = XDPVS_FLOW_EV_UNUSED;
	exp.dest_idx = c->tmpl[i].dest_idx;
	assert_memory_equal(&ev[0], &exp, sizeof(exp));
}

/* The real server's flow cannot go in (an entry is there): the SYN goes
 * up, the client's flow is taken back, and the pick is given back. */
static void reply_flow_refused(void **state)
{
	struct svc_case *c = &nat_case;
	struct xdpvs_flow_key k, rk;
	struct xdpvs_flow_value v, old;
	uint8_t in[TB_MAX], out[TB_MAX];
	struct tb_pkt p;
	size_t len;
	uint32_t olen;

	svc_setup(c);
	publish(c, 2);
	rk = reply_key(c, 0, 40000);
	memset(&old, 0, sizeof(old));
	old.action = XDPVS_FLOW_SNAT;
	old.gen = 5;
	flow_put(&rk, &old);
	p = syn(c, 40000, SYN);
	len = tb_build(in, &p);
	assert_int_equal(xdp_run(in, len, out, &olen), XDP_PASS);
	tb_assert_frame(out, olen, in, len);
	k = client_key(c, 40000);
	assert_int_not_equal(bpf_map__lookup_elem(skel->maps.xdpvs_flows, &k,
						  sizeof(k), &v, sizeof(v), 0),
			     0);
	flow_get(&rk, &v);
	assert_memory_equal(&v, &old, sizeof(v));
	assert_int_equal(flow_count(), 1);
	assert_given_back(c, 40000, 100, 0);
	assert_int_equal(ring_next(), 1);
	/* the next SYN takes the next pick */
	syn_picked(c, 40001, 1, 101);
}

/* A datagram too big for its real server's way (a template's MTU) goes
 * up, for the engine to fragment or refuse, and gives its pick back:
 * that pick is the datagram's still when the engine schedules it. */
static void too_big_gives_pick_back(void **state)
{
	struct svc_case *c = &udp_case;
	struct xdpvs_flow_value t;
	uint32_t slot;
	struct tb_pkt p;

	svc_setup(c);
	publish(c, 2);
	t = c->tmpl[0];
	t.mtu = 40;			/* the datagram is 44 bytes */
	slot = t.dest_idx;
	assert_int_equal(bpf_map__update_elem(skel->maps.xdpvs_pick_tm,
					      &slot, sizeof(slot), &t,
					      sizeof(t), 0), 0);
	p = syn(c, 40000, 0);
	passed_up(&p);
	assert_int_equal(flow_count(), 0);
	assert_int_equal(ring_next(), 1);
	assert_given_back(c, 40000, 100, 0);
	syn_picked(c, 40001, 1, 101);
}

/* ---- a client reusing its port ---- */

#define FIN_BOTH (XDPVS_FLOW_F_FIN_IN | XDPVS_FLOW_F_FIN_OUT)

static void ring_flags(uint32_t flags)
{
	struct xdpvs_pick_ring r;

	ring_get(&r);
	r.flags = flags;
	ring_put(&r);
}

/*
 * A closed connection of client port 40000 to real server i, gen 7, as
 * the fast path leaves it: its client flow (marks as given) and, NAT,
 * the real server's flow; returned in *cv and *rv.
 */
static void closed_conn(const struct svc_case *c, int i, uint8_t marks,
			struct xdpvs_flow_value *cv, struct xdpvs_flow_value *rv)
{
	struct xdpvs_flow_key k = client_key(c, 40000);

	*cv = c->tmpl[i];
	cv->gen = 7;
	cv->flags |= marks;
	cv->last_seen = 12345;
	flow_put(&k, cv);
	if (c->method != 'm')
		return;
	memset(rv, 0, sizeof(*rv));
	rv->action = XDPVS_FLOW_SNAT;
	rv->daf = (uint8_t)c->af;
	rv->ifindex = LO_IFINDEX;
	rv->mtu = 1500;
	rv->dest_idx = c->tmpl[i].dest_idx;
	rv->new_sport = htons(80);
	rv->gen = 7;
	inet_pton(c->af, c->vip, &rv->new_saddr);
	k = reply_key(c, i, 40000);
	flow_put(&k, rv);
}

/* The flow at k must be exp, byte for byte. */
static void assert_flow_is(const struct xdpvs_flow_key *k,
			   const struct xdpvs_flow_value *exp)
{
	struct xdpvs_flow_value v;

	flow_get(k, &v);
	assert_memory_equal(&v, exp, sizeof(v));
}

/*
 * NAT, closed both ways, the ring says reuse: the SYN takes the next
 * pick (real server 0, the engine's frame) over the client's flow; the
 * old real server's flow (1) stays for the engine to remove.  Then the
 * same with the new real server the old one: its flow overwritten.
 */
static void reuse_nat(void **state)
{
	struct svc_case *c = &nat_case;
	struct xdpvs_flow_value cv, rv;
	struct xdpvs_flow_key rk;

	svc_setup(c);
	publish(c, 2);
	ring_flags(XDPVS_PICK_F_REUSE);
	closed_conn(c, 1, FIN_BOTH, &cv, &rv);
	syn_picked_n(c, 40000, 0, 100, 1);
	rk = reply_key(c, 1, 40000);
	assert_flow_is(&rk, &rv);
	et_fini(&T);
	setup(NULL);
	svc_setup(c);
	publish(c, 2);
	ring_flags(XDPVS_PICK_F_REUSE);
	closed_conn(c, 0, FIN_BOTH, &cv, &rv);
	syn_picked_n(c, 40000, 0, 100, 0);	/* reply flow: gen 100 */
}

/* DR: a RST marks both ways; the client's flow is overwritten. */
static void reuse_dr(void **state)
{
	struct svc_case c = { .cl = CL, .vip = "198.18.100.2",
			      .rs = { "198.18.1.2", "198.18.1.3" },
			      .method = 'g' };
	struct xdpvs_flow_value cv, rv;

	svc_setup(&c);
	publish(&c, 2);
	ring_flags(XDPVS_PICK_F_REUSE);
	closed_conn(&c, 1, FIN_BOTH, &cv, &rv);
	syn_picked_n(&c, 40000, 0, 100, 0);
}

/* The SYN d goes up as a SYN of a flow always did: nothing changed
 * (both flows as they were, no pick taken), counted as up. */
static void reuse_goes_up(const struct svc_case *c, const struct tb_pkt *d,
			  const struct xdpvs_flow_value *cv,
			  const struct xdpvs_flow_value *rv)
{
	struct xdpvs_flow_key k = client_key(c, 40000);
	struct xdpvs_flow_key rk = reply_key(c, 1, 40000);
	uint64_t u0 = counter(XDPVS_DP_FAST_UP);

	goes_up(d);
	assert_int_equal(counter(XDPVS_DP_FAST_UP), u0 + 1);
	assert_flow_is(&k, cv);
	assert_flow_is(&rk, rv);
}

/* Not a reuse: the ring without XDPVS_PICK_F_REUSE, one mark only, a
 * flow in SYN_RECV, a SYN+ACK; then the one that is. */
static void reuse_not(void **state)
{
	struct svc_case *c = &nat_case;
	struct xdpvs_flow_value cv, rv;
	struct xdpvs_flow_key k;
	struct tb_pkt p;
	static const uint8_t marks[] = {
		XDPVS_FLOW_F_FIN_IN, XDPVS_FLOW_F_FIN_OUT,
		FIN_BOTH | XDPVS_FLOW_F_SYN_RECV,
	};
	size_t j;

	svc_setup(c);
	publish(c, 2);
	closed_conn(c, 1, FIN_BOTH, &cv, &rv);
	k = client_key(c, 40000);
	p = syn(c, 40000, SYN);
	reuse_goes_up(c, &p, &cv, &rv);
	ring_flags(XDPVS_PICK_F_REUSE);
	for (j = 0; j < sizeof(marks); j++) {
		cv.flags = (uint8_t)((c->tmpl[1].flags & ~FIN_BOTH) | marks[j]);
		assert_int_equal(bpf_map__update_elem(skel->maps.xdpvs_flows,
						      &k, sizeof(k), &cv,
						      sizeof(cv), BPF_EXIST),
				 0);
		reuse_goes_up(c, &p, &cv, &rv);
	}
	cv.flags = (uint8_t)(c->tmpl[1].flags | FIN_BOTH);
	assert_int_equal(bpf_map__update_elem(skel->maps.xdpvs_flows, &k,
					      sizeof(k), &cv, sizeof(cv),
					      BPF_EXIST), 0);
	p.flags = SYN | ACK;
	reuse_goes_up(c, &p, &cv, &rv);
	syn_picked_n(c, 40000, 0, 100, 1);
}

/*
 * The real server's flow cannot go in after the client's was
 * overwritten (the map is full, and its key is new): the client's flow
 * is put back as it was, nothing else left; the pick is given back.
 * (A failure after both inserts, which would put back the real server's
 * flow too, cannot be made to happen here.)
 */
static void reuse_restored(void **state)
{
	struct svc_case *c = &nat_case;
	struct xdpvs_flow_value cv, rv, v;
	struct xdpvs_flow_key k, rk, nk;
	struct tb_pkt p;
	uint32_t i;

	svc_setup(c);
	publish(c, 2);
	ring_flags(XDPVS_PICK_F_REUSE);
	closed_conn(c, 1, FIN_BOTH, &cv, &rv);
	/* fill the map (1024 entries) with flows of other clients */
	memset(&v, 0, sizeof(v));
	v.action = XDPVS_FLOW_DR;
	for (i = 0; flow_count() < 1024; i++) {
		k = client_key(c, 40000);
		k.sport = htons((uint16_t)(1000 + i));
		flow_put(&k, &v);
	}
	p = syn(c, 40000, SYN);
	passed_up(&p);
	assert_int_equal(ring_next(), 1);
	assert_given_back(c, 40000, 100, 0);
	k = client_key(c, 40000);
	assert_flow_is(&k, &cv);
	rk = reply_key(c, 1, 40000);
	assert_flow_is(&rk, &rv);
	nk = reply_key(c, 0, 40000);
	assert_int_not_equal(bpf_map__lookup_elem(skel->maps.xdpvs_flows, &nk,
						  sizeof(nk), &v, sizeof(v),
						  0), 0);
	assert_int_equal(flow_count(), 1024);
}

static int quiet_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

#define T_(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		T_(nat4), T_(nat6), T_(dr4), T_(dr6),
		T_(udp_nat4), T_(udp_nat6), T_(udp_dr4),
		T_(udp_next_datagram), T_(udp_fragment_goes_up),
		T_(udp6_no_checksum_goes_up),
		T_(not_a_new_connection), T_(ring_of_another_service),
		T_(existing_flow_first), T_(held_datagram), T_(held_syn),
		T_(second_set),
		T_(reply_flow_refused), T_(too_big_gives_pick_back),
		T_(reuse_nat), T_(reuse_dr),
		T_(reuse_not), T_(reuse_restored),
	};
	char filter[128];
	int ret;

	libbpf_set_print(quiet_libbpf);
	skel = xdpvs_bpf__open();
	if (!skel || bpf_map__set_max_entries(skel->maps.xdpvs_flows, 1024) ||
	    xdpvs_bpf__load(skel)) {
		fprintf(stderr, "test_pick: cannot load BPF (%s): skipped\n",
			strerror(errno));
		xdpvs_bpf__destroy(skel);
		return 77;
	}
	if (xt_can_run(bpf_program__fd(skel->progs.xdpvs_xdp), "test_pick")) {
		xdpvs_bpf__destroy(skel);
		return 77;
	}
	events = ring_buffer__new(bpf_map__fd(skel->maps.xdpvs_events),
				  event_keep, NULL, NULL);
	if (!events) {
		xdpvs_bpf__destroy(skel);
		return 1;
	}
	if (argc > 1) {
		snprintf(filter, sizeof(filter), "*%s*", argv[1]);
		cmocka_set_test_filter(filter);
	}
	ret = cmocka_run_group_tests_name("bpf/pick", tests, NULL, NULL);
	ring_buffer__free(events);
	xdpvs_bpf__destroy(skel);
	return ret ? 1 : 0;
}
