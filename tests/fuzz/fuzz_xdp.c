// SPDX-License-Identifier: GPL-2.0-only
/*
 * Differential fuzz harness: bpf/xdpvs.bpf.c (BPF_PROG_TEST_RUN) against
 * the engine, as tests/unit/bpf/test_fastpath.c does it case by case.
 *
 * Each input starts from scratch: a fresh engine (its flow cache is the
 * XDP program's flow map, its picks written into the program's pick maps
 * by dp/pick.c as xdpvsd writes them) with services of each kind (NAT,
 * DR, GUE, GRE and IPIP tunnels across families, a port-zero service, a
 * firewall mark; IPv4 and IPv6; TCP, UDP, SCTP) takes a connection of
 * each to the state where its flows are installed (one TCP NAT
 * connection left in SYN_RECV).  Four more services (rr and wrr, TCP and
 * UDP, IPv4 and IPv6) have three real servers of mixed methods each and
 * no connection: the program schedules their new connections with the
 * engine's picks (include/xdpvs/pick.h).  A second engine, configured
 * alike but with no fast path, is the reference: the engine alone.  The
 * filter's maps hold what xdpvsd writes for that configuration
 * (dp/sync.c) and our addresses; they are the same for every input, so
 * they are written once.
 *
 * Input: frames, each [conn][payload][tcp flags] then mutations
 * [op][args] up to an op FZ_OP_NEXT (or the end).  conn picks a
 * connection and its direction (client's or real server's), a new
 * source port (a new connection) or the host's traffic; or (0x80) one of
 * the services with picks, one of eight clients and the direction (by
 * default a SYN, the real server's reply once it has a connection); with
 * TCP flags 0xff, such a frame is a change of configuration instead (its
 * payload byte says which: fz_change), made alike in both engines.  The
 * mutations overwrite bytes and fields, add a VLAN tag, IPv4 options or
 * IPv6 extension headers, make fragments, wrap the packet into an ICMP
 * error quoting it, cut or pad the frame, replace addresses and ports;
 * the checksums are made right again unless the conn byte says not.
 *
 * Invariants, for each frame (abort() if broken):
 *  - the program's verdict is XDP_PASS, XDP_TX or XDP_REDIRECT (no
 *    socket here, no hold: never XDP_DROP, never XDP_ABORTED);
 *  - forwarded: exactly one XDPVS_DP_FAST; the engine, having read the
 *    events the program posted, given the same untouched frame, sends
 *    it (XDPVS_TX) with the same bytes, out of the receiving interface
 *    for XDP_TX and another for XDP_REDIRECT;
 *  - scheduled with a pick (XDPVS_DP_FAST_NEW, as many as NEW events):
 *    the engine, having made the connection from the event, is not given
 *    the frame (xdpvsd's is not); the engine alone, given it, sends the
 *    same bytes the same way, to the real server of the event, but for
 *    the exception pick.h documents (the connection table full);
 *  - passed: the frame is unmodified but for link padding (the IP
 *    packet's length from its header); the filter's choice is one of
 *    "for us" (XDPVS_DP_NO_XSK, no socket) or "the host's" (XDPVS_DP_PASS);
 *  - for us: the engine's parse of the frame says it is ours by dp.h's
 *    rules (1-5) against the maps' contents; the host's: the engine does
 *    not send it, and dp.h's rules do not take it, but for the exceptions
 *    dp.h documents (an IPv6 fragment header followed by another
 *    extension header, a DR or tunnel connection's reply);
 *  - the engine alone, given every frame the engine beside the program
 *    is given, comes to the same verdicts and frames; after each frame
 *    both hold the same connections (addresses, ports, state, flags)
 *    and their real servers the same counts (active, inactive,
 *    persistent, connections made): events and picks leave the engine
 *    where it would be on its own;
 *  - the engine's flows all go when it is freed (nothing left in the
 *    flow map, those the program made with picks included), no real
 *    server's counters below zero.
 *
 * Needs root and BPF: without them (or BPF_PROG_TEST_RUN) the first
 * input says so and exits 77, which tests/fuzz/run-corpus.sh counts as
 * skipped.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <netinet/in.h>

#include <xdpvs/dp.h>
#include <xdpvs/engine.h>
#include <xdpvs/flow.h>
#include <xdpvs/hdr.h>
#include <xdpvs/pick.h>
#include <xdpvs/tunnel.h>

#include "../../core/csum.h"
#include "../../core/pkt.h"
#include "../../dp/pick.h"
#include "../../dp/sync.h"
#include "../lib/enginetest.h"
#include "bpf/xdpvs.skel.h"
#include "fuzz.h"

#define CL	"198.18.0.2"
#define CL6	"2001:db8::2"
#define LB	"198.18.0.254"		/* ours */
#define LB6	"2001:db8::fe"
#define RS_MAC	"02:00:00:00:01:02"
#define LO_IFINDEX 1		/* BPF_PROG_TEST_RUN receives on lo */
#define CLB	"198.18.0.3"		/* a second client */
#define CL6B	"2001:db8::3"
#define FZ_MAX_FRAMES 12
#define FZ_FRAME_MAX 2048	/* bytes, a frame after its mutations */
/* Connections at most: the set-up's 15 leave room for a few picks per
 * service (pick.c makes no more than the table has room for), so a
 * handful of new connections uses up half a set (the engine publishes
 * the next) and then the table. */
#define FZ_CONN_MAX 24

static struct xdpvs_bpf *skel;
static struct ring_buffer *events;
static struct et T;		/* the engine beside the XDP program */
static struct et R;		/* the engine alone, with no fast path */
static struct dp_pick picks;	/* xdpvsd's side of the pick maps */
static uint32_t nnew;		/* NEW events read for the last frame */
static struct xdpvs_flow_event_new lastnew;	/* the last of them */
static double now;		/* engine time, seconds */
static struct dp_sync_set maps;	/* what the filter's maps hold */
static const char *const locals[] = { LB, LB6, "198.18.1.1",
				      "2001:db8:1::1" };

/* ---- the configuration ---- */

/* A service, its one real server and the connection made to it. */
struct fz_conn {
	const char *svc;	/* "tcp ADDR PORT", "fwm MARK" */
	const char *vip;	/* the address the client uses */
	uint16_t vport;
	const char *rs;
	uint16_t rport;
	char method;		/* m, g, i */
	uint8_t tun, tun_flags;
	const char *cl;
	uint16_t cport;
	bool syn_recv;		/* TCP NAT: left after the SYN */
};

#define GUE XDPVS_TUN_GUE
#define GRE XDPVS_TUN_GRE
#define IPIP XDPVS_TUN_IPIP
#define CSUM XDPVS_TUN_F_CSUM

static const struct fz_conn conns[] = {
	{ "tcp 198.18.100.1 80", "198.18.100.1", 80, "198.18.1.2", 8080, 'm',
	  0, 0, CL, 40000, false },
	{ "tcp 198.18.100.1 80", "198.18.100.1", 80, "198.18.1.2", 8080, 'm',
	  0, 0, CL, 40010, true },
	{ "udp 198.18.100.1 53", "198.18.100.1", 53, "198.18.1.2", 5353, 'm',
	  0, 0, CL, 40001, false },
	{ "sctp 198.18.100.1 9", "198.18.100.1", 9, "198.18.1.2", 9, 'm', 0, 0,
	  CL, 40002, false },
	{ "tcp 198.18.100.2 80", "198.18.100.2", 80, "198.18.1.3", 80, 'g', 0,
	  0, CL, 40003, false },
	{ "tcp 198.18.100.3 80", "198.18.100.3", 80, "198.18.1.4", 80, 'i',
	  GUE, CSUM, CL, 40004, false },
	{ "udp 198.18.100.3 53", "198.18.100.3", 53, "2001:db8:1::5", 53, 'i',
	  IPIP, 0, CL, 40005, false },
	{ "tcp 2001:db8:100::1 80", "2001:db8:100::1", 80, "2001:db8:1::2",
	  8080, 'm', 0, 0, CL6, 40006, false },
	{ "udp 2001:db8:100::1 53", "2001:db8:100::1", 53, "2001:db8:1::3", 53,
	  'g', 0, 0, CL6, 40007, false },
	{ "tcp 2001:db8:100::2 443", "2001:db8:100::2", 443, "2001:db8:1::4",
	  443, 'i', GRE, CSUM, CL6, 40008, false },
	{ "sctp 2001:db8:100::1 9", "2001:db8:100::1", 9, "2001:db8:1::2", 99,
	  'm', 0, 0, CL6, 40009, false },
	{ "tcp 198.18.100.5 0", "198.18.100.5", 5000, "198.18.1.3", 0, 'g', 0,
	  0, CL, 40011, false },
	{ "fwm 1", "198.18.101.7", 25, "198.18.1.6", 0, 'm', 0, 0, CL, 40012,
	  false },
};

#define NCONNS (sizeof(conns) / sizeof(conns[0]))

/* A real server of a service below. */
struct fz_pdest {
	const char *rs;
	uint16_t rport;
	char method;
	uint8_t tun, tun_flags;
	int weight;
};

/* Services the fast path schedules new connections for with the
 * engine's picks (rr, wrr: pick.h), three real servers each, of mixed
 * methods (a DR one on the tagged link, whose template the fast path
 * cannot apply: its picks are given back); no connection at set-up. */
struct fz_psvc {
	const char *svc, *sched, *vip;
	uint16_t vport;
	struct fz_pdest d[3];
};

static const struct fz_psvc psvcs[] = {
	{ "tcp 198.18.102.1 80", "rr", "198.18.102.1", 80,
	  { { "198.18.1.2", 8080, 'm', 0, 0, 1 },
	    { "198.18.1.7", 8080, 'm', 0, 0, 1 },
	    { "198.18.1.8", 80, 'i', IPIP, 0, 1 } } },
	{ "udp 198.18.102.1 53", "wrr", "198.18.102.1", 53,
	  { { "198.18.1.2", 5353, 'm', 0, 0, 3 },
	    { "198.18.1.7", 53, 'm', 0, 0, 2 },
	    { "198.18.1.3", 53, 'g', 0, 0, 1 } } },
	{ "tcp 2001:db8:102::1 80", "wrr", "2001:db8:102::1", 80,
	  { { "2001:db8:1::2", 8080, 'm', 0, 0, 2 },
	    { "2001:db8:1::4", 80, 'i', GRE, CSUM, 1 },
	    { "2001:db8:1::6", 80, 'g', 0, 0, 1 } } },
	{ "udp 2001:db8:102::1 53", "rr", "2001:db8:102::1", 53,
	  { { "2001:db8:1::2", 53, 'm', 0, 0, 1 },
	    { "2001:db8:1::3", 53, 'g', 0, 0, 1 },
	    { "2001:db8:1::5", 53, 'i', IPIP, 0, 1 } } },
};

#define NPSVCS (sizeof(psvcs) / sizeof(psvcs[0]))

/* Addresses a mutation may put in a header, by family. */
static const char *const addrs4[] = {
	"198.18.100.1", "198.18.100.2", "198.18.100.3", "198.18.100.5",
	"198.18.101.7", "198.18.1.2", "198.18.1.3", "198.18.1.6", CL, LB,
	"198.18.9.9", "198.18.1.1",
};
static const char *const addrs6[] = {
	"2001:db8:100::1", "2001:db8:100::2", "2001:db8:1::2",
	"2001:db8:1::3", "2001:db8:1::4", CL6, LB6, "2001:db8:9::9",
};
static const uint16_t ports[] = { 80, 53, 9, 443, 8080, 5353, 99, 20, 21,
				  0, 40000, 40010, 5000, 25, 1024, 65535 };

static union xdpvs_addr fz_addr(const char *s, int *af)
{
	union xdpvs_addr a;

	memset(&a, 0, sizeof(a));
	*af = strchr(s, ':') ? AF_INET6 : AF_INET;
	fz_assert(inet_pton(*af, s, *af == AF_INET ? (void *)&a.ip : &a) == 1,
		  "%s", s);
	return a;
}

static bool addr_eq(const union xdpvs_addr *a, const union xdpvs_addr *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* ---- the engine's flow cache is the XDP program's map ---- */

/* As xdpvsd's (dp/flow.c, engine.h's contract): an entry there is
 * replaced, keeping its last_seen, whatever replace says (two NAT
 * connections whose replies look alike share a key: the newer one's
 * flow holds it, as IPVS finds the newer one first). */
static void map_add(struct et *t, const struct xdpvs_flow_key *k,
		    const struct xdpvs_flow_value *v, bool replace)
{
	struct xdpvs_flow_value nv = *v, old;
	int err;

	(void)replace;
	if (!bpf_map__lookup_elem(skel->maps.xdpvs_flows, k, sizeof(*k),
				  &old, sizeof(old), 0))
		nv.last_seen = old.last_seen;
	err = bpf_map__update_elem(skel->maps.xdpvs_flows, k, sizeof(*k), &nv,
				   sizeof(nv), BPF_ANY);
	fz_assert(!err, "flow add: %d", err);
}

/* As xdpvsd's: a key not there is fine (the other of two connections
 * sharing it took it away). */
static void map_del(struct et *t, const struct xdpvs_flow_key *k)
{
	int err = bpf_map__delete_elem(skel->maps.xdpvs_flows, k, sizeof(*k),
				       0);

	fz_assert(!err || err == -ENOENT, "flow delete: %d", err);
}

static uint64_t map_seen(struct et *t, const struct xdpvs_flow_key *k)
{
	struct xdpvs_flow_value v;

	if (bpf_map__lookup_elem(skel->maps.xdpvs_flows, k, sizeof(*k), &v,
				 sizeof(v), 0))
		return 0;
	return v.last_seen;
}

static const struct et_flow_ops map_ops = {
	.add = map_add, .del = map_del, .last_seen = map_seen,
};

/* An event of the fast path, to the engine as xdpvsd's dp_event()
 * hands it over.  An event about a connection the engine moved
 * meanwhile is ignored (flow.h), a NEW one it cannot make has its flows
 * removed (pick.h): neither is an error of the harness's making. */
static int event_apply(void *ctx, void *data, size_t len)
{
	const struct xdpvs_flow_event *ev = data;
	uint64_t ns = (uint64_t)(now * 1e9);

	fz_assert(len >= sizeof(*ev), "event of %zu", len);
	if (!T.e)
		return 0;
	if (ev->type != XDPVS_FLOW_EV_NEW && ev->type != XDPVS_FLOW_EV_UNUSED) {
		fz_assert(len == sizeof(*ev), "event of %zu", len);
		(void)xdpvs_engine_flow_event(T.e, ns, ev);
		return 0;
	}
	fz_assert(len == sizeof(lastnew), "new-connection event of %zu", len);
	if (ev->type == XDPVS_FLOW_EV_NEW) {
		nnew++;
		memcpy(&lastnew, data, sizeof(lastnew));
	}
	(void)xdpvs_engine_flow_new(T.e, ns, data);
	return 0;
}

static int event_ignore(void *ctx, void *data, size_t len)
{
	return 0;
}

/* ---- the engine's picks, in the program's maps as xdpvsd's ---- */

/* dp.c's callbacks, dp/pick.c's calls: a failure is the engine's (it
 * publishes only over a ring with none left) or the maps'. */
static void pick_put(struct et *t, uint32_t ring,
		     const struct xdpvs_dp_addr_key *svc, uint32_t flags,
		     const struct xdpvs_pick *pk, uint32_t n)
{
	int err = dp_pick_put(&picks, ring, svc, flags, pk, n);

	fz_assert(!err, "publishing %u picks in ring %u: %d", n, ring, err);
}

static uint32_t pick_take(struct et *t, uint32_t ring)
{
	uint32_t taken;
	int err = dp_pick_take(&picks, ring, &taken);

	fz_assert(!err, "taking back ring %u: %d", ring, err);
	return taken;
}

static int pick_next(struct et *t, uint32_t ring, struct xdpvs_pick *pk)
{
	return dp_pick_next(&picks, ring, pk);
}

static void pick_drop(struct et *t, uint32_t ring)
{
	int err = dp_pick_drop(&picks, ring);

	fz_assert(!err, "dropping ring %u: %d", ring, err);
}

static void pick_tmpl(struct et *t, uint32_t dest_idx,
		      const struct xdpvs_flow_value *v)
{
	int err = dp_pick_tmpl(&picks, dest_idx, v);

	fz_assert(!err, "template of slot %u: %d", dest_idx, err);
}

static const struct et_pick_ops pick_ops = {
	.put = pick_put, .take = pick_take, .next = pick_next,
	.drop = pick_drop, .tmpl = pick_tmpl,
};

static uint64_t counter(uint32_t idx)
{
	int ncpu = libbpf_num_possible_cpus(), c;
	struct xdpvs_dp_counter v[ncpu];
	uint64_t n = 0;

	fz_assert(!bpf_map_lookup_elem(bpf_map__fd(skel->maps.xdpvs_stats),
				       &idx, v), "stats");
	for (c = 0; c < ncpu; c++)
		n += v[c].packets;
	return n;
}

/* ---- set-up, once ---- */

/* Real server pd's configuration, of weight w. */
static struct xdpvs_dest_conf fz_dest_conf(const struct fz_pdest *pd, int w)
{
	struct xdpvs_dest_conf d;
	char spec[64];

	snprintf(spec, sizeof(spec), "%s %u", pd->rs, pd->rport);
	d = et_dest_conf(spec, pd->method, w);
	d.tun_type = pd->tun;
	d.tun_port = htons(6080);
	d.tun_flags = pd->tun_flags;
	return d;
}

/* Real server pd of service s in engine t. */
static void fz_dest(struct et *t, const struct xdpvs_svc_conf *s,
		    const struct fz_pdest *pd)
{
	struct xdpvs_dest_conf d = fz_dest_conf(pd, pd->weight);

	fz_assert(!xdpvs_dest_add(t->e, s, &d), "%s", pd->rs);
}

static void fz_svc(struct et *t, const struct fz_conn *c)
{
	struct xdpvs_svc_conf s = et_svc_conf(c->svc, "rr");
	struct fz_pdest d = { c->rs, c->rport, c->method, c->tun,
			      c->tun_flags, 1 };
	int err;

	if (c->method == 'g' && c->rport == 0)
		s.flags |= XDPVS_SVC_F_PERSISTENT;
	err = xdpvs_svc_add(t->e, &s);
	if (err == -EEXIST)
		return;
	fz_assert(!err, "%s: %d", c->svc, err);
	fz_dest(t, &s, &d);
}

static void fz_psvc(struct et *t, const struct fz_psvc *ps)
{
	struct xdpvs_svc_conf s = et_svc_conf(ps->svc, ps->sched);
	size_t i;

	fz_assert(!xdpvs_svc_add(t->e, &s), "%s", ps->svc);
	for (i = 0; i < sizeof(ps->d) / sizeof(ps->d[0]); i++)
		fz_dest(t, &s, &ps->d[i]);
}

static struct tb_pkt fz_pkt(uint8_t proto, const char *src, uint16_t sport,
			    const char *dst, uint16_t dport, uint8_t flags,
			    size_t plen)
{
	static uint8_t payload[1500];

	if (!payload[1])
		for (size_t i = 0; i < sizeof(payload); i++)
			payload[i] = (uint8_t)(i * 7 + 3);
	return (struct tb_pkt){
		.dmac = ET_LB_MAC, .smac = "02:00:00:00:00:01", .src = src,
		.dst = dst, .proto = proto, .sport = sport, .dport = dport,
		.flags = flags, .seq = 1000, .ack = 2000, .df = true,
		.id = 0x1234, .tos = 0x02, .payload = payload, .plen = plen,
		.sctp_chunk = XDPVS_SCTP_CID_DATA };
}

static uint8_t conn_proto(const struct fz_conn *c)
{
	return c->svc[0] == 't' || c->svc[0] == 'f' ? IPPROTO_TCP :
	       c->svc[0] == 'u' ? IPPROTO_UDP : IPPROTO_SCTP;
}

/* A set-up packet, through both engines. */
static void engine_tx(const struct tb_pkt *d)
{
	now += 0.001;
	fz_assert(et_rx_pkt(&T, now, d) == XDPVS_TX, "set-up packet %s:%u",
		  d->src, d->sport);
	fz_assert(et_rx_pkt(&R, now, d) == XDPVS_TX, "set-up packet %s:%u",
		  d->src, d->sport);
}

/* Take connection c where its flows are installed. */
static void fz_conn_up(const struct fz_conn *c)
{
	uint8_t proto = conn_proto(c);
	struct tb_pkt p = fz_pkt(proto, c->cl, c->cport, c->vip, c->vport,
				 XDPVS_TCP_SYN, 0);
	static const uint8_t sctp[4] = { XDPVS_SCTP_CID_INIT,
					 XDPVS_SCTP_CID_INIT_ACK,
					 XDPVS_SCTP_CID_COOKIE_ECHO,
					 XDPVS_SCTP_CID_COOKIE_ACK };
	int i;

	if (proto == IPPROTO_UDP) {
		engine_tx(&p);
		return;
	}
	if (proto == IPPROTO_SCTP) {
		for (i = 0; i < 4; i++) {
			p = i & 1 ? fz_pkt(proto, c->rs, c->rport, c->cl,
					   c->cport, 0, 16) :
				    fz_pkt(proto, c->cl, c->cport, c->vip,
					   c->vport, 0, 16);
			p.sctp_chunk = sctp[i];
			engine_tx(&p);
		}
		return;
	}
	engine_tx(&p);
	if (c->syn_recv)
		return;
	if (c->method == 'm') {
		p = fz_pkt(proto, c->rs, c->rport ? c->rport : c->vport, c->cl,
			   c->cport, XDPVS_TCP_SYN | XDPVS_TCP_ACK, 0);
		engine_tx(&p);
	}
	p = fz_pkt(proto, c->cl, c->cport, c->vip, c->vport, XDPVS_TCP_ACK, 0);
	engine_tx(&p);
}

/* Engine t's routes, addresses, mark rule and services. */
static void fz_config(struct et *t)
{
	struct xdpvs_mark_rule m = { .mark = 1, .af = AF_INET, .plen = 24 };
	int i, af;

	fz_assert(!xdpvs_sysctl_set(t->e, "run_estimation", 0), "estimator");
	et_route(t, "198.18.1.2", RS_MAC, 2, 1500, "198.18.1.1");
	et_route(t, "198.18.1.3", RS_MAC, 1, 1500, "198.18.1.1");
	et_route(t, "198.18.1.4", RS_MAC, 2, 1400, "198.18.1.1");
	et_route(t, "198.18.1.6", RS_MAC, 2, 1500, "198.18.1.1");
	et_route(t, "198.18.1.7", RS_MAC, 2, 1500, "198.18.1.1");
	et_route(t, "198.18.1.8", RS_MAC, 2, 1480, "198.18.1.1");
	et_route(t, "2001:db8:1::2", RS_MAC, 2, 1500, "2001:db8:1::1");
	et_route(t, "2001:db8:1::3", RS_MAC, 1, 1500, "2001:db8:1::1");
	et_route(t, "2001:db8:1::4", RS_MAC, 2, 1280, "2001:db8:1::1");
	et_route(t, "2001:db8:1::5", RS_MAC, 2, 1500, "2001:db8:1::1");
	et_route(t, "2001:db8:1::6", RS_MAC, 2, 1500, "2001:db8:1::1");
	for (i = 0; i < t->nroutes; i++)	/* the DR servers' link is tagged */
		if (t->routes[i].rt.ifindex == 1)
			t->routes[i].rt.vlan = 7;
	for (i = 0; i < (int)(sizeof(locals) / sizeof(locals[0])); i++)
		et_local(t, locals[i]);
	m.prefix = fz_addr("198.18.101.0", &af);
	fz_assert(!xdpvs_mark_add(t->e, &m), "mark rule");
	for (i = 0; i < (int)NCONNS; i++)
		fz_svc(t, &conns[i]);
	for (i = 0; i < (int)NPSVCS; i++)
		fz_psvc(t, &psvcs[i]);
}

/* The engine beside the program, with its flow cache and picks, and the
 * engine alone, configured alike, given the same connections. */
static void fz_world_up(void)
{
	int i;

	et_init_picks(&T, FZ_CONN_MAX, &map_ops, &pick_ops);
	et_init(&R, FZ_CONN_MAX);
	fz_config(&T);
	fz_config(&R);
	for (i = 0; i < (int)NCONNS; i++)
		fz_conn_up(&conns[i]);
}

static void fz_world_down(void)
{
	struct xdpvs_flow_key k;

	fz_check_engine(T.e, FZ_CONN_MAX);
	fz_check_engine(R.e, FZ_CONN_MAX);
	et_fini(&T);
	et_fini(&R);
	/* As xdpvsd once its engine is gone: no pick of it used after. */
	fz_assert(!dp_pick_reset(&picks), "pick reset");
	/* The engine took back every flow, those the program made for it
	 * with its picks too: the program made none of its own. */
	fz_assert(bpf_map__get_next_key(skel->maps.xdpvs_flows, NULL, &k,
					sizeof(k)),
		  "a flow left in the map");
	ring_buffer__consume(events);
}

static void fz_map_put(struct bpf_map *m, const void *k, size_t klen,
		       const void *v)
{
	uint8_t one[8] = { 1 };

	fz_assert(!bpf_map__update_elem(m, k, klen, v ? v : one,
					bpf_map__value_size(m), 0),
		  "filter map %s", bpf_map__name(m));
}

/* The filter's maps, as xdpvsd writes them for this configuration. */
static void fz_filter_maps(void)
{
	struct xdpvs_svc_info *s;
	struct xdpvs_mark_rule r[4];
	int n = xdpvs_svc_info_get(T.e, &s), nr, af;
	uint32_t i;

	nr = xdpvs_mark_get(T.e, r, 4);
	fz_assert(n > 0 && nr == 1, "config");
	fz_assert(!dp_sync_build(s, n, r, nr, &maps), "dp_sync_build");
	xdpvs_svc_info_free(s, n);
	for (i = 0; i < maps.nsvcs; i++)
		fz_map_put(skel->maps.xdpvs_svcs, &maps.svcs[i].key,
			   sizeof(maps.svcs[i].key), &maps.svcs[i].val);
	for (i = 0; i < maps.nnat_rs; i++)
		fz_map_put(skel->maps.xdpvs_nat_rs, &maps.nat_rs[i],
			   sizeof(maps.nat_rs[i]), NULL);
	for (i = 0; i < maps.nmarks; i++)
		fz_map_put(skel->maps.xdpvs_marks, &maps.marks[i].key,
			   sizeof(maps.marks[i].key), &maps.marks[i].val);
	for (i = 0; i < sizeof(locals) / sizeof(locals[0]); i++) {
		struct xdpvs_dp_local_key k = { 0 };

		k.addr = fz_addr(locals[i], &af);
		k.af = (uint8_t)af;
		fz_map_put(skel->maps.xdpvs_local, &k, sizeof(k), NULL);
	}
}

static int quiet_libbpf(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	return 0;
}

/* Load the program and fill its maps; exit 77 when BPF cannot be run. */
static void fz_init(void)
{
	uint8_t f[64] = { 0 }, out[128];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f,
		    .data_size_in = sizeof(f), .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);
	struct dp_pick_fds fds;

	libbpf_set_print(quiet_libbpf);
	skel = xdpvs_bpf__open();
	if (!skel || bpf_map__set_max_entries(skel->maps.xdpvs_flows, 1024) ||
	    xdpvs_bpf__load(skel)) {
		fprintf(stderr, "fuzz_xdp: cannot load BPF (%s): skipped\n",
			strerror(errno));
		exit(77);
	}
	if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xdpvs_xdp),
				   &opts)) {
		fprintf(stderr, "fuzz_xdp: BPF_PROG_TEST_RUN unavailable (%s): "
				"skipped\n", strerror(errno));
		exit(77);
	}
	fds.picks = bpf_map__fd(skel->maps.xdpvs_picks);
	fds.svc = bpf_map__fd(skel->maps.xdpvs_pick_svc);
	fds.tmpl = bpf_map__fd(skel->maps.xdpvs_pick_tm);
	events = ring_buffer__new(bpf_map__fd(skel->maps.xdpvs_events),
				  event_ignore, NULL, NULL);
	fz_assert(events, "ring buffer");
	ring_buffer__consume(events);
	ring_buffer__free(events);
	events = ring_buffer__new(bpf_map__fd(skel->maps.xdpvs_events),
				  event_apply, NULL, NULL);
	fz_assert(events, "ring buffer");
	fz_assert(!dp_pick_init(&picks, &fds), "pick maps");
	now = 1;
	fz_world_up();
	fz_filter_maps();
	fz_world_down();
}

/* ---- frames ---- */

struct fz_frame {
	uint8_t b[FZ_FRAME_MAX];
	uint32_t len;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Offset of the IP header: after one VLAN tag if there is one. */
static uint32_t fz_l3(const struct fz_frame *f)
{
	return f->len >= 18 && get16(f->b + 12) == 0x8100 ? 18 : 14;
}

/* IP version at the IP header, or 0 if the frame is too short. */
static int fz_ipv(const struct fz_frame *f)
{
	uint32_t l3 = fz_l3(f);

	return f->len > l3 ? f->b[l3] >> 4 : 0;
}

/* Make room for n bytes at off (n < 0: remove); false if it cannot. */
static bool fz_insert(struct fz_frame *f, uint32_t off, int n)
{
	if (off > f->len || (n > 0 && f->len + (uint32_t)n > FZ_FRAME_MAX) ||
	    (n < 0 && off + (uint32_t)-n > f->len))
		return false;
	if (n > 0) {
		memmove(f->b + off + n, f->b + off, f->len - off);
		memset(f->b + off, 0, (size_t)n);
	} else {
		memmove(f->b + off, f->b + off - n, f->len - off + n);
	}
	f->len = (uint32_t)((int)f->len + n);
	return true;
}

/* Add n to the IP header's length field (and IPv4 header length for
 * options: hl4). */
static void fz_iplen_add(struct fz_frame *f, int n, int hl4)
{
	uint32_t l3 = fz_l3(f);

	if (fz_ipv(f) == 4 && f->len >= l3 + 20) {
		put16(f->b + l3 + 2, (uint16_t)(get16(f->b + l3 + 2) + n));
		f->b[l3] = (uint8_t)(0x40 | (((f->b[l3] & 15) + hl4) & 15));
	} else if (fz_ipv(f) == 6 && f->len >= l3 + 40) {
		put16(f->b + l3 + 4, (uint16_t)(get16(f->b + l3 + 4) + n));
	}
}

/* The base packet of a frame: connection conns[c % n] or the host's
 * traffic, its client's packet or (rev) its real server's (NAT) or the
 * client's again with another source port (new). */
static void fz_base(struct fz_frame *f, uint8_t sel, uint8_t plen,
		    uint8_t flags)
{
	unsigned int c = sel & 15;
	bool rev = sel & 0x10, new = sel & 0x20;
	const struct fz_conn *cn;
	struct tb_pkt p;

	if (c >= NCONNS) {
		/* The host's: to us, to a real server's neighbour */
		static const char *const hs[] = { LB, "198.18.9.9", LB6 };
		const char *h = hs[c % 3];

		p = fz_pkt(c & 1 ? IPPROTO_UDP : IPPROTO_TCP,
			   strchr(h, ':') ? CL6 : rev ? "198.18.1.2" : CL,
			   rev ? 8080 : 40000, h, rev ? 40000 : 22,
			   flags ? flags : XDPVS_TCP_ACK, plen);
		f->len = (uint32_t)tb_build(f->b, &p);
		return;
	}
	cn = &conns[c];
	if (rev && cn->method == 'm')
		p = fz_pkt(conn_proto(cn), cn->rs,
			   cn->rport ? cn->rport : cn->vport, cn->cl,
			   (uint16_t)(cn->cport + new), flags, plen * 5);
	else
		p = fz_pkt(conn_proto(cn), cn->cl, (uint16_t)(cn->cport + new),
			   cn->vip, cn->vport, flags, plen * 5);
	if (!flags)
		p.flags = XDPVS_TCP_ACK;
	if (p.proto == IPPROTO_SCTP && (flags & 0x80))
		p.sctp_chunk = flags & 0x7f;
	f->len = (uint32_t)tb_build(f->b, &p);
}

/* The reference engine's connection (not a template) from cl:cport to
 * vip:vport of proto, into *c; false if it has none. */
static bool fz_conn_of(uint8_t proto, const char *cl, uint16_t cport,
		       const char *vip, uint16_t vport,
		       struct xdpvs_conn_info *c)
{
	struct xdpvs_conn_info *ci;
	union xdpvs_addr ca, va;
	int n, i, af;
	bool found = false;

	ca = fz_addr(cl, &af);
	va = fz_addr(vip, &af);
	n = xdpvs_conn_info_get(R.e, (uint64_t)(now * 1e9), &ci);
	fz_assert(n >= 0, "conn info");
	for (i = 0; i < n && !found; i++)
		if (ci[i].af == af && ci[i].protocol == proto &&
		    ci[i].cport == htons(cport) && ci[i].vport == htons(vport) &&
		    addr_eq(&ci[i].caddr, &ca) && addr_eq(&ci[i].vaddr, &va)) {
			*c = ci[i];
			found = true;
		}
	free(ci);
	return found;
}

/* The base packet of a frame to a service of psvcs (sel & 3) from one
 * of eight clients (a port of four, 0x20: the second address): the
 * client's, by default a SYN; or (0x10) the real server's reply, when
 * that client has a NAT connection. */
static void fz_pick_base(struct fz_frame *f, uint8_t sel, uint8_t plen,
			 uint8_t flags)
{
	const struct fz_psvc *ps = &psvcs[sel & 3];
	bool v6 = strchr(ps->vip, ':') != NULL;
	const char *cl = sel & 0x20 ? (v6 ? CL6B : CLB) : (v6 ? CL6 : CL);
	uint16_t cport = (uint16_t)(41000 + ((sel >> 2) & 3));
	uint8_t proto = ps->svc[0] == 't' ? IPPROTO_TCP : IPPROTO_UDP;
	char rs[INET6_ADDRSTRLEN];
	struct xdpvs_conn_info c;
	struct tb_pkt p;

	if (!flags)
		flags = XDPVS_TCP_SYN;
	if ((sel & 0x10) &&
	    fz_conn_of(proto, cl, cport, ps->vip, ps->vport, &c) &&
	    (c.flags & XDPVS_CONN_F_FWD_MASK) == XDPVS_CONN_F_MASQ) {
		inet_ntop(c.daf, c.daf == AF_INET ? (void *)&c.daddr.ip :
						    (void *)&c.daddr,
			  rs, sizeof(rs));
		p = fz_pkt(proto, rs, ntohs(c.dport), cl, cport, flags,
			   plen * 5u);
	} else {
		p = fz_pkt(proto, cl, cport, ps->vip, ps->vport, flags,
			   plen * 5u);
	}
	f->len = (uint32_t)tb_build(f->b, &p);
}

/* Wrap the IP packet of f into an ICMP(v6) error of type and code from
 * a to b (addrs4/addrs6 indexes), quoting qlen bytes of it at most. */
static void fz_icmp_wrap(struct fz_frame *f, uint8_t type, uint8_t code,
			 uint8_t a, uint8_t b, uint16_t qlen)
{
	uint32_t l3 = fz_l3(f), hl, q;
	int v6 = fz_ipv(f) == 6, af;
	union xdpvs_addr s, d;
	uint8_t quote[FZ_FRAME_MAX];

	if (f->len <= l3)
		return;
	q = f->len - l3 < qlen ? f->len - l3 : qlen;
	memcpy(quote, f->b + l3, q);
	hl = v6 ? 40 : 20;
	if (l3 + hl + 8 + q > FZ_FRAME_MAX)
		q = FZ_FRAME_MAX - l3 - hl - 8;
	s = fz_addr(v6 ? addrs6[a % 8] : addrs4[a % 12], &af);
	d = fz_addr(v6 ? addrs6[b % 8] : addrs4[b % 12], &af);
	memset(f->b + l3, 0, hl + 8);
	if (v6) {
		f->b[l3] = 0x60;
		put16(f->b + l3 + 4, (uint16_t)(8 + q));
		f->b[l3 + 6] = IPPROTO_ICMPV6;
		f->b[l3 + 7] = 64;
		memcpy(f->b + l3 + 8, &s, 16);
		memcpy(f->b + l3 + 24, &d, 16);
	} else {
		f->b[l3] = 0x45;
		put16(f->b + l3 + 2, (uint16_t)(hl + 8 + q));
		f->b[l3 + 8] = 64;
		f->b[l3 + 9] = IPPROTO_ICMP;
		memcpy(f->b + l3 + 12, &s.ip, 4);
		memcpy(f->b + l3 + 16, &d.ip, 4);
	}
	f->b[l3 + hl] = type;
	f->b[l3 + hl + 1] = code;
	put16(f->b + l3 + hl + 6, 1280);	/* MTU, for "too big" */
	memcpy(f->b + l3 + hl + 8, quote, q);
	f->len = l3 + hl + 8 + q;
}

/* Checksums made right again: the IPv4 header's, the transport's (not
 * of a fragment, nor an IPv4 UDP datagram without one). */
static void fz_fix(struct fz_frame *f)
{
	struct xdpvs_pkt p;
	uint8_t *l4;
	uint32_t len, sum, crc;
	uint16_t c;
	int off;

	uint32_t l3 = fz_l3(f), ihl;

	/* The IPv4 header's first: the parse refuses a bad one. */
	if (fz_ipv(f) == 4) {
		ihl = (f->b[l3] & 15) * 4u;
		if (ihl >= 20 && l3 + ihl <= f->len) {
			memset(f->b + l3 + 10, 0, 2);
			put16(f->b + l3 + 10, tb_csum(f->b + l3, ihl, 0));
		}
	}
	if (xdpvs_pkt_parse(&p, f->b, f->len) != XDPVS_PKT_OK)
		return;
	if (p.frag || p.l4_off >= p.len)
		return;
	l4 = f->b + p.l4_off;
	len = p.len - p.l4_off;
	switch (p.protocol) {
	case IPPROTO_TCP: off = len >= 20 ? 16 : -1; break;
	case IPPROTO_UDP:
		off = len >= 8 && (p.af == AF_INET6 || get16(l4 + 6)) ? 6 : -1;
		break;
	case IPPROTO_ICMP: off = p.af == AF_INET && len >= 4 ? 2 : -1; break;
	case IPPROTO_ICMPV6: off = p.af == AF_INET6 && len >= 4 ? 2 : -1; break;
	case IPPROTO_SCTP:
		if (len >= 12) {
			memset(l4 + 8, 0, 4);
			crc = xdpvs_crc32c_sctp(l4, len);
			memcpy(l4 + 8, &crc, 4);
		}
		return;
	default: return;
	}
	if (off < 0)
		return;
	memset(l4 + off, 0, 2);
	sum = p.protocol == IPPROTO_ICMP ? 0 :
	      xdpvs_csum_pseudo(p.af, &p.saddr, &p.daddr, p.protocol, len);
	c = xdpvs_csum_finish(xdpvs_csum_partial(l4, len, sum));
	if (p.protocol == IPPROTO_UDP && !c)
		c = 0xffff;
	memcpy(l4 + off, &c, 2);
}

enum fz_op {
	FZ_OP_SET,	/* off16 val: a byte */
	FZ_OP_L3SET,	/* off val: a byte of the IP header and on */
	FZ_OP_TRUNC,	/* n: cut n bytes off the end */
	FZ_OP_PAD,	/* n val: n bytes of val at the end */
	FZ_OP_VLAN,	/* vid: a tag in front of the IP header */
	FZ_OP_EXT,	/* type n: IPv4 options, IPv6 extension header */
	FZ_OP_FRAG,	/* hi lo: IPv4 frag_off / IPv6 fragment header */
	FZ_OP_ICMP,	/* type code a b qlen: wrap into an ICMP error */
	FZ_OP_TTL,	/* ttl */
	FZ_OP_IPLEN,	/* d: add signed d to the IP length field */
	FZ_OP_ADDR,	/* which idx: source (which & 1) or destination */
	FZ_OP_PORT,	/* which idx */
	FZ_OP_TCPF,	/* flags */
	FZ_OP_NEXT,	/* this frame done */
	FZ_OP_MAX
};

/* Apply the mutations of d[0 .. n) to f: bytes used. */
static size_t fz_mutate(struct fz_frame *f, const uint8_t *d, size_t n)
{
	size_t i = 0;
	uint32_t l3;

#define ARG(k) (i + (k) < n ? d[i + (k)] : 0)
	while (i < n) {
		uint8_t op = d[i++] % FZ_OP_MAX;

		l3 = fz_l3(f);
		switch (op) {
		case FZ_OP_SET:
			if (f->len)
				f->b[(ARG(0) << 8 | ARG(1)) % f->len] = ARG(2);
			i += 3;
			break;
		case FZ_OP_L3SET:
			if (f->len > l3 + ARG(0) % 64)
				f->b[l3 + ARG(0) % 64] = ARG(1);
			i += 2;
			break;
		case FZ_OP_TRUNC:
			f->len = f->len > ARG(0) ? f->len - ARG(0) : 0;
			i += 1;
			break;
		case FZ_OP_PAD: {
			uint32_t k = ARG(0) % 64;

			if (f->len + k <= FZ_FRAME_MAX) {
				memset(f->b + f->len, ARG(1), k);
				f->len += k;
			}
			i += 2;
			break;
		}
		case FZ_OP_VLAN:
			if (f->len >= 14 && fz_insert(f, 12, 4)) {
				put16(f->b + 12, 0x8100);
				put16(f->b + 14, ARG(0) % 4095);
			}
			i += 1;
			break;
		case FZ_OP_EXT: {
			uint8_t t = ARG(0), k = ARG(1) % 4;

			if (fz_ipv(f) == 4 && f->len >= l3 + 20 &&
			    fz_insert(f, l3 + 20, 4 * (k + 1))) {
				memset(f->b + l3 + 20, t % 2, 4u * (k + 1u));
				fz_iplen_add(f, 4 * (k + 1), k + 1);
			} else if (fz_ipv(f) == 6 && f->len >= l3 + 40) {
				static const uint8_t ext[] = {
					IPPROTO_HOPOPTS, IPPROTO_ROUTING,
					IPPROTO_DSTOPTS, IPPROTO_AH };
				uint8_t e = ext[t % 4];
				uint32_t sz = e == IPPROTO_AH ? 4u * (k + 2u) :
								8u * (k + 1u);

				if (!fz_insert(f, l3 + 40, (int)sz))
					break;
				f->b[l3 + 40] = f->b[l3 + 6];
				f->b[l3 + 41] = k;
				f->b[l3 + 6] = e;
				fz_iplen_add(f, (int)sz, 0);
			}
			i += 2;
			break;
		}
		case FZ_OP_FRAG:
			if (fz_ipv(f) == 4 && f->len >= l3 + 20) {
				f->b[l3 + 6] = ARG(0);
				f->b[l3 + 7] = ARG(1);
			} else if (fz_ipv(f) == 6 && f->len >= l3 + 40 &&
				   fz_insert(f, l3 + 40, 8)) {
				f->b[l3 + 40] = f->b[l3 + 6];
				f->b[l3 + 6] = IPPROTO_FRAGMENT;
				f->b[l3 + 42] = ARG(0) & 0x1f;
				f->b[l3 + 43] = ARG(1) & 0xf9;
				f->b[l3 + 47] = 7;	/* identification */
				fz_iplen_add(f, 8, 0);
			}
			i += 2;
			break;
		case FZ_OP_ICMP:
			fz_icmp_wrap(f, ARG(0), ARG(1), ARG(2), ARG(3),
				     (uint16_t)(ARG(4) * 8));
			i += 5;
			break;
		case FZ_OP_TTL:
			if (fz_ipv(f) == 4 && f->len >= l3 + 20)
				f->b[l3 + 8] = ARG(0);
			else if (fz_ipv(f) == 6 && f->len >= l3 + 40)
				f->b[l3 + 7] = ARG(0);
			i += 1;
			break;
		case FZ_OP_IPLEN:
			fz_iplen_add(f, (int8_t)ARG(0), 0);
			i += 1;
			break;
		case FZ_OP_ADDR: {
			int v6 = fz_ipv(f) == 6, af;
			union xdpvs_addr a = fz_addr(
				v6 ? addrs6[ARG(1) % 8] : addrs4[ARG(1) % 12],
				&af);
			uint32_t o = l3 + (v6 ? 8 : 12) +
				     (ARG(0) & 1 ? (v6 ? 16 : 4) : 0);

			if (f->len >= o + (v6 ? 16 : 4) && fz_ipv(f) >= 4)
				memcpy(f->b + o, v6 ? (void *)&a : &a.ip,
				       v6 ? 16 : 4);
			i += 2;
			break;
		}
		case FZ_OP_PORT: {
			uint32_t o = l3 + (fz_ipv(f) == 6 ? 40 :
					   (f->len > l3 ? (f->b[l3] & 15) * 4u : 20)) +
				     (ARG(0) & 1) * 2u;

			if (f->len >= o + 2)
				put16(f->b + o, ports[ARG(1) % 16]);
			i += 2;
			break;
		}
		case FZ_OP_TCPF: {
			uint32_t o = l3 + (fz_ipv(f) == 6 ? 40 : 20) + 13;

			if (f->len > o)
				f->b[o] = ARG(0);
			i += 1;
			break;
		}
		case FZ_OP_NEXT:
			return i;
		}
	}
#undef ARG
	return n;
}

/* ---- dp.h's rules, against what the maps hold ---- */

static bool svc_has(int af, uint8_t proto, const union xdpvs_addr *a,
		    uint16_t port, uint32_t *flags)
{
	uint32_t i;

	for (i = 0; i < maps.nsvcs; i++) {
		const struct xdpvs_dp_addr_key *k = &maps.svcs[i].key;

		if (k->af == af && k->proto == proto && k->port == port &&
		    addr_eq(&k->addr, a)) {
			*flags = maps.svcs[i].val.flags;
			return true;
		}
	}
	return false;
}

/* Rule 1: <af, proto, a, port>, port zero, a persistent FTP service. */
static bool rule_svc(int af, uint8_t proto, const union xdpvs_addr *a,
		     uint16_t port)
{
	uint32_t fl;
	uint16_t p = ntohs(port);

	if (svc_has(af, proto, a, port, &fl) || svc_has(af, proto, a, 0, &fl))
		return true;
	return proto == IPPROTO_TCP && (p == 20 || p >= 1024) &&
	       svc_has(af, proto, a, htons(21), &fl) &&
	       (fl & XDPVS_DP_SVC_F_FTP);
}

static bool rule_nat_rs(int af, uint8_t proto, const union xdpvs_addr *a,
			uint16_t port)
{
	uint32_t i;

	for (i = 0; i < maps.nnat_rs; i++) {
		const struct xdpvs_dp_addr_key *k = &maps.nat_rs[i];

		if (k->af == af && k->proto == proto &&
		    (k->port == port || !k->port) && addr_eq(&k->addr, a))
			return true;
	}
	return false;
}

static bool is_local(int af, const union xdpvs_addr *a)
{
	size_t i;
	int laf;

	for (i = 0; i < sizeof(locals) / sizeof(locals[0]); i++) {
		union xdpvs_addr l = fz_addr(locals[i], &laf);

		if (laf == af && addr_eq(&l, a))
			return true;
	}
	return false;
}

/* The longest mark prefix holding a: its value, or NULL. */
static const struct xdpvs_dp_mark_val *mark_of(int af,
					       const union xdpvs_addr *a)
{
	const struct dp_sync_mark *best = NULL;
	uint32_t i, b, plen;

	for (i = 0; i < maps.nmarks; i++) {
		const struct dp_sync_mark *m = &maps.marks[i];

		plen = m->key.prefixlen - 32;
		if (m->key.af != af)
			continue;
		for (b = 0; b < plen; b++)
			if ((m->key.addr.b[b / 8] ^ a->b[b / 8]) &
			    (0x80 >> (b % 8)))
				break;
		if (b == plen && (!best || plen > best->key.prefixlen - 32))
			best = m;
	}
	return best ? &best->val : NULL;
}

static uint8_t proto_bit(uint8_t proto)
{
	return proto == IPPROTO_TCP ? XDPVS_DP_PROTO_TCP :
	       proto == IPPROTO_UDP ? XDPVS_DP_PROTO_UDP :
				      XDPVS_DP_PROTO_SCTP;
}

/* Rules 1-3 for a packet with ports; quoted: either direction (rule 4). */
static bool rules_l4(const struct xdpvs_pkt *p, bool quoted)
{
	const struct xdpvs_dp_mark_val *m = mark_of(p->af, &p->daddr);
	uint16_t dp = ntohs(p->dport);

	if (rule_svc(p->af, p->protocol, &p->daddr, p->dport))
		return true;
	if (m && (m->protos & proto_bit(p->protocol)) && dp >= m->port_lo &&
	    dp <= m->port_hi)
		return true;
	if (quoted)
		return rule_svc(p->af, p->protocol, &p->saddr, p->sport) ||
		       rule_nat_rs(p->af, p->protocol, &p->daddr, p->dport);
	return rule_nat_rs(p->af, p->protocol, &p->saddr, p->sport) &&
	       !is_local(p->af, &p->daddr);
}

static bool is_l4(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP;
}

/* Rule 5: a fragment by address alone. */
static bool rule_frag(const struct xdpvs_pkt *p)
{
	const struct xdpvs_dp_mark_val *m = mark_of(p->af, &p->daddr);
	uint32_t fl;

	if (!is_l4(p->protocol))
		return false;
	if (svc_has(p->af, 0, &p->daddr, 0, &fl))
		return true;
	if (m && (m->protos & proto_bit(p->protocol)) && !m->port_lo &&
	    m->port_hi == 65535)
		return true;
	return rule_nat_rs(p->af, 0, &p->saddr, 0) &&
	       !is_local(p->af, &p->daddr);
}

enum fz_class { FZ_HOST, FZ_OURS, FZ_EITHER };

/* The next header of the first IPv6 fragment header of parsed packet p
 * (the engine's p->fh_off is its last), or 0 if none is in reach. */
static uint8_t fz_frag6_nh(const uint8_t *b, const struct xdpvs_pkt *p)
{
	uint32_t off = p->l3_off + 40u;
	uint8_t nh = b[p->l3_off + 6];
	uint32_t hlen;
	int n;

	for (n = 0; n < 8 && off + 8 <= p->len; n++) {
		if (nh == IPPROTO_FRAGMENT)
			return b[off];
		if (nh != IPPROTO_HOPOPTS && nh != IPPROTO_ROUTING &&
		    nh != IPPROTO_DSTOPTS && nh != IPPROTO_AH)
			return 0;
		hlen = nh == IPPROTO_AH ? (b[off + 1] + 2u) * 4 :
					  (b[off + 1] + 1u) * 8;
		nh = b[off];
		off += hlen;
	}
	return 0;
}

/* What dp.h says of frame f (len bytes): ours, the host's, or either
 * (a frame the engine drops as malformed, which the kernel drops too;
 * an exception dp.h documents). */
static enum fz_class fz_expect(const uint8_t *frame, uint32_t len)
{
	uint8_t copy[FZ_FRAME_MAX];
	struct xdpvs_pkt p, q;
	int r;

	memcpy(copy, frame, len);
	r = xdpvs_pkt_parse(&p, copy, len);
	if (r == XDPVS_PKT_NOT_IP)
		return FZ_HOST;
	if (r != XDPVS_PKT_OK)
		return FZ_EITHER;
	/* dp.h, rule 5: the datagram's protocol is the fragment header's
	 * next header; the engine walks on past it (more extension
	 * headers, another fragment header), the filter does not. */
	if (p.frag && p.af == AF_INET6 && fz_frag6_nh(copy, &p) != p.protocol)
		return FZ_EITHER;
	/* dp.h, rule 5: fragments of ICMP errors are the host's; the
	 * engine, given one, reads a first fragment's quote as is */
	if (p.frag && (p.protocol == IPPROTO_ICMP ||
		       p.protocol == IPPROTO_ICMPV6))
		return FZ_EITHER;
	if (p.frag)
		return rule_frag(&p) ? FZ_OURS : FZ_HOST;
	if (is_l4(p.protocol) && p.has_ports && rules_l4(&p, false))
		return FZ_OURS;
	/* dp.h, rule 3: from a virtual address and port (a DR or tunnel
	 * connection's reply through the balancer) is the host's; the
	 * engine, given one, takes it as IPVS's out hook does */
	if (is_l4(p.protocol) && p.has_ports &&
	    rule_svc(p.af, p.protocol, &p.saddr, p.sport))
		return FZ_EITHER;
	if (is_l4(p.protocol))
		return FZ_HOST;
	if (!((p.af == AF_INET && p.protocol == IPPROTO_ICMP &&
	       (p.icmp_type == 3 || p.icmp_type == 4 || p.icmp_type == 11 ||
		p.icmp_type == 12)) ||
	      (p.af == AF_INET6 && p.protocol == IPPROTO_ICMPV6 &&
	       p.icmp_type < 128)))
		return FZ_HOST;
	if (xdpvs_pkt_parse_inner(&q, copy, p.l4_off + 8u, p.len, p.af) ||
	    !is_l4(q.protocol) || !q.has_ports || q.fragoffs)
		return FZ_HOST;
	return rules_l4(&q, true) ? FZ_OURS : FZ_HOST;
}

/* ---- one frame through both ---- */

static void fz_hexdump(const char *what, const uint8_t *b, uint32_t len)
{
	uint32_t i;

	fprintf(stderr, "%s (%u bytes):", what, len);
	for (i = 0; i < len; i++)
		fprintf(stderr, "%s%02x", i % 32 ? " " : "\n  ", b[i]);
	fputc('\n', stderr);
}

/* The names of the engine's drop counters that are not zero. */
static const char *fz_drops(struct xdpvs_engine *e)
{
	static char buf[512];
	uint64_t d[XDPVS_DROP_MAX];
	size_t n = 0;
	int i;

	buf[0] = 0;
	xdpvs_drops(e, d);
	for (i = 0; i < XDPVS_DROP_MAX && n < sizeof(buf) - 64; i++)
		if (d[i])
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, " %s",
					      xdpvs_drop_name(
						      (enum xdpvs_drop)i));
	return buf;
}

/* What two engines' tables must agree on of a connection (not its
 * generation, nor the time it has left). */
struct fz_ck {
	uint16_t af, daf, protocol, state;
	union xdpvs_addr caddr, vaddr, daddr;
	uint16_t cport, vport, dport, pad;
	uint32_t fwmark, flags;
};

static int fz_ck_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct fz_ck));
}

/* Engine e's connections, sorted, into ck (FZ_CONN_MAX): how many. */
static int fz_conns(struct xdpvs_engine *e, struct fz_ck *ck)
{
	struct xdpvs_conn_info *ci;
	int n = xdpvs_conn_info_get(e, (uint64_t)(now * 1e9), &ci), i;

	fz_assert(n >= 0 && n <= FZ_CONN_MAX, "conn info: %d", n);
	memset(ck, 0, (size_t)n * sizeof(*ck));
	for (i = 0; i < n; i++) {
		ck[i].af = ci[i].af;
		ck[i].daf = ci[i].daf;
		ck[i].protocol = ci[i].protocol;
		ck[i].state = ci[i].state;
		ck[i].caddr = ci[i].caddr;
		ck[i].vaddr = ci[i].vaddr;
		ck[i].daddr = ci[i].daddr;
		ck[i].cport = ci[i].cport;
		ck[i].vport = ci[i].vport;
		ck[i].dport = ci[i].dport;
		ck[i].fwmark = ci[i].fwmark;
		ck[i].flags = ci[i].flags;
	}
	free(ci);
	qsort(ck, (size_t)n, sizeof(*ck), fz_ck_cmp);
	return n;
}

static void fz_ck_dump(const char *who, const struct fz_ck *ck, int n)
{
	char c[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	int i;

	fprintf(stderr, "%s: %d connections\n", who, n);
	for (i = 0; i < n; i++) {
		inet_ntop(ck[i].af, ck[i].af == AF_INET ?
			  (const void *)&ck[i].caddr.ip : &ck[i].caddr, c,
			  sizeof(c));
		inet_ntop(ck[i].daf, ck[i].daf == AF_INET ?
			  (const void *)&ck[i].daddr.ip : &ck[i].daddr, d,
			  sizeof(d));
		fprintf(stderr, "  %u %s:%u -> :%u -> %s:%u state %u flags "
			"%#x\n", ck[i].protocol, c, ntohs(ck[i].cport),
			ntohs(ck[i].vport), d, ntohs(ck[i].dport),
			ck[i].state, ck[i].flags);
	}
}

/* The two engines hold the same connections, their real servers the
 * same counts. */
static void fz_same_tables(void)
{
	struct fz_ck a[FZ_CONN_MAX], b[FZ_CONN_MAX];
	struct xdpvs_svc_info *s, *r;
	int n = fz_conns(T.e, a), m = fz_conns(R.e, b), i;
	uint32_t j;

	if (n != m || memcmp(a, b, (size_t)n * sizeof(a[0]))) {
		fz_ck_dump("beside XDP", a, n);
		fz_ck_dump("alone", b, m);
	}
	fz_assert(n == m && !memcmp(a, b, (size_t)n * sizeof(a[0])),
		  "the engines' connections differ");
	n = xdpvs_svc_info_get(T.e, &s);
	m = xdpvs_svc_info_get(R.e, &r);
	fz_assert(n > 0 && n == m, "services %d %d", n, m);
	for (i = 0; i < n; i++)
		for (j = 0; j < s[i].num_dests; j++) {
			const struct xdpvs_dest_info *x = &s[i].dests[j];
			const struct xdpvs_dest_info *y = &r[i].dests[j];

			fz_assert(x->activeconns == y->activeconns &&
				  x->inactconns == y->inactconns &&
				  x->persistconns == y->persistconns &&
				  x->stats.conns == y->stats.conns,
				  "service %d real server %u: counts %u %u %u "
				  "%lu, alone %u %u %u %lu", i, j,
				  x->activeconns, x->inactconns,
				  x->persistconns, x->stats.conns,
				  y->activeconns, y->inactconns,
				  y->persistconns, y->stats.conns);
		}
	xdpvs_svc_info_free(s, n);
	xdpvs_svc_info_free(r, m);
}

/* Frames a and b alike: length, bytes, interface. */
static void fz_same_frame(const struct xdpvs_frame *a,
			  const struct xdpvs_frame *b)
{
	if (a->len != b->len || memcmp(a->data, b->data, a->len)) {
		fz_hexdump("beside XDP", a->data, a->len);
		fz_hexdump("alone", b->data, b->len);
	}
	fz_assert(a->len == b->len && !memcmp(a->data, b->data, a->len) &&
		  a->ifindex == b->ifindex,
		  "the engines sent different frames");
}

/* The connection of the last NEW event goes to the real server the
 * engine alone chose (a port in NAT's template alone). */
static void fz_same_pick(void)
{
	struct xdpvs_conn_info c;
	char cl[INET6_ADDRSTRLEN], vip[INET6_ADDRSTRLEN];

	inet_ntop(lastnew.ev.key.af, &lastnew.ev.key.saddr, cl, sizeof(cl));
	inet_ntop(lastnew.ev.key.af, &lastnew.ev.key.daddr, vip, sizeof(vip));
	fz_assert(fz_conn_of(lastnew.ev.key.proto, cl,
			     ntohs(lastnew.ev.key.sport), vip,
			     ntohs(lastnew.ev.key.dport), &c) &&
		  addr_eq(&c.daddr, &lastnew.new_daddr) &&
		  (!lastnew.new_dport || c.dport == lastnew.new_dport),
		  "picked a real server the engine alone did not choose");
}

/*
 * The engine alone given frame f, after the engine beside the program
 * (verdict v, its frame in T.f, having read the program's events) was:
 * the same verdict, frames and connections.  So what the program's
 * events told the engine leaves it where the engine alone is.
 */
static void fz_ref(const struct fz_frame *f, enum xdpvs_verdict v)
{
	enum xdpvs_verdict rv = et_rx(&R, now, f->b, f->len);
	struct xdpvs_frame a, b;
	int ma, mb;

	fz_assert(rv == v, "the engine beside XDP: verdict %d, alone %d "
		  "(%s)", v, rv, fz_drops(R.e));
	if (v == XDPVS_TX)
		fz_same_frame(&T.f, &R.f);
	do {
		ma = xdpvs_engine_tx_next(T.e, &a);
		mb = xdpvs_engine_tx_next(R.e, &b);
		fz_assert(ma == mb, "fragments: %d, alone %d", ma, mb);
		if (ma)
			fz_same_frame(&a, &b);
	} while (ma);
	fz_same_tables();
}

/*
 * Frame f, which the program scheduled with a pick and sent (verdict
 * rc, out: its frame, len bytes): the engine made the connection from
 * the NEW event and never sees the frame, as xdpvsd's does not (given
 * it again, it would take it as a second packet of that connection,
 * which is not always the first's way: a client at the virtual address
 * and port is its own real server's reply).  The engine alone, given
 * it, sends the same bytes the same way, and holds the same
 * connections.
 */
static void fz_ref_new(const struct fz_frame *f, int rc, const uint8_t *out,
		       uint32_t len)
{
	uint64_t full = et_drops(&R, XDPVS_DROP_CONN_FULL);
	enum xdpvs_verdict rv = et_rx(&R, now, f->b, f->len);
	struct xdpvs_frame x = { .data = (uint8_t *)out, .len = len,
				 .ifindex = R.f.ifindex };
	struct xdpvs_frame more;

	/* The exception pick.h and engine.h document: a connection the
	 * engine cannot make (its table full; each service has picks for
	 * the room there was when they were made) was forwarded all the
	 * same, its flows then removed; the engine alone dropped it, its
	 * choice made as the pick was. */
	if (rv == XDPVS_DROP && et_drops(&R, XDPVS_DROP_CONN_FULL) > full) {
		fz_same_tables();
		return;
	}
	if (rv != XDPVS_TX)
		fz_hexdump("in", f->b, f->len);
	fz_assert(rv == XDPVS_TX, "XDP scheduled a frame (%d) the engine "
		  "alone does not send (%d: %s)", rc, rv, fz_drops(R.e));
	fz_same_frame(&x, &R.f);
	fz_assert((rc == XDP_TX) == (R.f.ifindex == LO_IFINDEX),
		  "XDP verdict %d, the engine's interface %u", rc,
		  R.f.ifindex);
	fz_assert(!xdpvs_engine_tx_next(R.e, &more),
		  "the engine sent fragments, XDP one frame");
	fz_same_tables();
	fz_same_pick();
}

/* Real servers on the untagged link whose way a change may alter. */
static const char *const ways[] = { "198.18.1.7", "198.18.1.8",
				    "2001:db8:1::5", "2001:db8:1::6" };

/* Change c, the same in engine t as in the other: 0 or -errno. */
static int fz_change_one(struct et *t, uint8_t sel, uint8_t c)
{
	static const uint32_t mtus[] = { 1500, 1280, 1400, 1480 };
	const struct fz_psvc *ps = &psvcs[sel & 3];
	const struct fz_pdest *pd = &ps->d[(c >> 2) % 3];
	struct xdpvs_svc_conf s = et_svc_conf(ps->svc, ps->sched);
	struct xdpvs_dest_conf d = fz_dest_conf(pd, (c >> 4) % 4);
	const char *w = ways[(c >> 2) % 4];
	int err;

	switch (c & 3) {
	case 0:		/* a weight, 0 (quiesced) to 3 */
		return xdpvs_dest_edit(t->e, &s, &d);
	case 1:		/* a real server removed, or added back */
		err = xdpvs_dest_del(t->e, &s, &d);
		return err == -ENOENT ? xdpvs_dest_add(t->e, &s, &d) : err;
	case 2:		/* a way's MTU */
		et_route(t, w, RS_MAC, 2, mtus[(c >> 4) % 4],
			 strchr(w, ':') ? "2001:db8:1::1" : "198.18.1.1");
		return 0;
	default:	/* a way lost, or found again */
		if (c & 0x10)
			et_unreachable(t, w, -ENETUNREACH);
		else
			et_route(t, w, RS_MAC, 2, 1500,
				 strchr(w, ':') ? "2001:db8:1::1" :
						  "198.18.1.1");
		return 0;
	}
}

/* A change of configuration (a frame of a service with picks and TCP
 * flags 0xff): both engines changed alike, which takes the picks back
 * (the engine publishes anew on its next tick). */
static void fz_change(uint8_t sel, uint8_t c)
{
	int a = fz_change_one(&T, sel, c), b = fz_change_one(&R, sel, c);

	if (getenv("FUZZ_XDP_DEBUG"))
		fprintf(stderr, "change %#x of service %u: %d\n", c, sel & 3,
			a);
	fz_assert(a == b, "change %#x: %d, alone %d", c, a, b);
	fz_same_tables();
}

static void fz_one(const struct fz_frame *f)
{
	uint8_t out[FZ_FRAME_MAX + 256];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f->b,
		    .data_size_in = f->len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);
	uint64_t fast0 = counter(XDPVS_DP_FAST), pass0 = counter(XDPVS_DP_PASS);
	uint64_t up0 = counter(XDPVS_DP_NO_XSK);
	uint64_t new0 = counter(XDPVS_DP_FAST_NEW);
	uint64_t fast, pass, up, fnew;
	enum xdpvs_verdict v;
	enum fz_class want;
	struct xdpvs_frame more;
	int rc, err;

	now += 0.001;
	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xdpvs_xdp),
				     &opts);
	if (err && f->len < 14)
		return;		/* the kernel takes no shorter frame */
	fz_assert(!err, "test run: %d", err);
	rc = (int)opts.retval;
	fast = counter(XDPVS_DP_FAST) - fast0;
	pass = counter(XDPVS_DP_PASS) - pass0;
	up = counter(XDPVS_DP_NO_XSK) - up0;
	fnew = counter(XDPVS_DP_FAST_NEW) - new0;
	if (getenv("FUZZ_XDP_DEBUG"))
		fprintf(stderr, "frame of %u: XDP %d, fast %lu (new %lu), "
			"host %lu, up %lu\n", f->len, rc, fast, fnew, pass,
			up);
	/* The engine reads the events before the frames that went up. */
	nnew = 0;
	fz_assert(ring_buffer__consume(events) >= 0, "events");
	/* a connection made with a pick is told, once */
	fz_assert(fnew == nnew && fnew <= fast, "%lu scheduled with a pick, "
		  "%u told", fnew, nnew);
	if (rc == XDP_TX || rc == XDP_REDIRECT) {
		fz_assert(fast == 1 && !pass && !up, "forwarded, counted %lu "
			  "%lu %lu", fast, pass, up);
		if (nnew) {
			fz_ref_new(f, rc, out, opts.data_size_out);
			return;
		}
		v = et_rx(&T, now, f->b, f->len);
		if (v != XDPVS_TX || T.f.len != opts.data_size_out ||
		    memcmp(T.f.data, out, T.f.len)) {
			fz_hexdump("in", f->b, f->len);
			fz_hexdump("xdp", out, opts.data_size_out);
			if (v == XDPVS_TX)
				fz_hexdump("engine", T.f.data, T.f.len);
		}
		fz_assert(v == XDPVS_TX, "XDP forwarded (%d), the engine's "
			  "verdict %d (%s)", rc, v, fz_drops(T.e));
		fz_assert(T.f.len == opts.data_size_out &&
			  !memcmp(T.f.data, out, T.f.len),
			  "XDP and the engine sent different bytes");
		fz_assert((rc == XDP_TX) == (T.f.ifindex == LO_IFINDEX),
			  "XDP verdict %d, the engine's interface %u", rc,
			  T.f.ifindex);
		fz_assert(!xdpvs_engine_tx_next(T.e, &more),
			  "the engine sent fragments, XDP one frame");
		fz_ref(f, v);
		return;
	}
	fz_assert(rc == XDP_PASS, "XDP verdict %d", rc);
	fz_assert(!fast && pass + up == 1, "passed, counted %lu %lu %lu", fast,
		  pass, up);
	/* Unmodified, but for link padding trimmed by the fast path. */
	if (opts.data_size_out != f->len || memcmp(out, f->b, f->len)) {
		fz_hexdump("in", f->b, f->len);
		fz_hexdump("xdp", out, opts.data_size_out);
	}
	fz_assert(opts.data_size_out <= f->len &&
		  !memcmp(out, f->b, opts.data_size_out),
		  "passed frame modified");
	want = fz_expect(f->b, f->len);
	v = et_rx(&T, now, f->b, f->len);
	if (up) {
		if (want == FZ_HOST)
			fz_hexdump("in", f->b, f->len);
		fz_assert(want != FZ_HOST, "the host's frame went up "
			  "(engine verdict %d)", v);
	} else {
		if (want == FZ_OURS || (want != FZ_EITHER && v == XDPVS_TX))
			fz_hexdump("in", f->b, f->len);
		fz_assert(want != FZ_OURS, "our frame went to the host "
			  "(engine verdict %d)", v);
		fz_assert(want == FZ_EITHER || v != XDPVS_TX,
			  "the engine sends a frame XDP passed to the host");
	}
	fz_ref(f, v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct fz_frame f;
	size_t off = 0;
	int n;

	if (!ready) {
		fz_init();
		ready = true;
	}
	fz_world_up();
	for (n = 0; n < FZ_MAX_FRAMES && off + 3 <= size; n++) {
		uint8_t sel = data[off];

		if ((sel & 0x80) && data[off + 2] == 0xff) {
			fz_change(sel, data[off + 1]);
			off += 3;
			continue;
		}
		if (sel & 0x80)
			fz_pick_base(&f, sel, data[off + 1], data[off + 2]);
		else
			fz_base(&f, sel, data[off + 1], data[off + 2]);
		off += 3;
		off += fz_mutate(&f, data + off, size - off);
		if (!(sel & 0x40))
			fz_fix(&f);
		fz_one(&f);
	}
	fz_world_down();
	return 0;
}
