/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fast path of bpf/xdpvs.bpf.c against the engine, byte for byte.
 *
 * An engine whose flow cache is the XDP program's flow map takes a
 * connection to the state where it installs its flows (the handshake goes
 * through the engine, as in xdpvsd); then each packet of the case runs
 * through the engine (xdpvs_engine_rx) and, untouched, through the XDP
 * program (BPF_PROG_TEST_RUN), and the two output frames must be the same
 * bytes: NAT both ways, DR, IPIP, GUE and GRE with and without checksums,
 * IPv4 and IPv6 and mixed tunnel families, VLAN tags, link padding, and
 * jumbo frames the program sees in several buffers.
 * Nothing is masked: the outer IPv4 ID without DF follows the rule both
 * paths share (xdpvs_encap_id).  Then what must stay with the engine
 * (SYN, no ACK, SCTP control chunks, options, fragments, TTL, size ...)
 * is left to the filter untouched, and forwarded packets stamp last_seen
 * and count in their real server's stats slot.  A NAT handshake in
 * SYN_RECV: the real server's SYN+ACK is forwarded, the client's ACK too,
 * with an event the engine applies (state, counts, flows exact); FIN and
 * RST of either side likewise, with the same bytes as the engine's, and
 * the marks they leave on the client's flow (port reuse).
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
#include <xdpvs/hdr.h>
#include <xdpvs/tunnel.h>

#include "../../lib/enginetest.h"
#include "../../lib/xdptest.h"
#include "bpf/xdpvs.skel.h"

#define CL	"198.18.0.2"
#define CL6	"2001:db8::2"
#define RS	"198.18.1.2"
#define RS6	"2001:db8:1::2"
#define RS_MAC	"02:00:00:00:01:02"
#define LO_IFINDEX 1		/* BPF_PROG_TEST_RUN receives on lo */
#define FAST	1
#define UP	0

static struct xdpvs_bpf *skel;
static struct ring_buffer *events;
static int nevents;
static struct et T;
static uint8_t payload[9000];
static double now = 1;		/* engine time, seconds */

/* ---- the engine's flow cache is the XDP program's map ---- */

/* No connection is taken over here: the engine's word is exact, a
 * replacement finds its entry and an add finds none. */
static void map_add(struct et *t, const struct xdpvs_flow_key *k,
		    const struct xdpvs_flow_value *v, bool replace)
{
	assert_int_equal(bpf_map__update_elem(skel->maps.xdpvs_flows, k,
					      sizeof(*k), v, sizeof(*v),
					      replace ? BPF_EXIST :
							BPF_NOEXIST), 0);
}

static void map_del(struct et *t, const struct xdpvs_flow_key *k)
{
	assert_int_equal(bpf_map__delete_elem(skel->maps.xdpvs_flows, k,
					      sizeof(*k), 0), 0);
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

static uint32_t map_count(void)
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

/* ---- the fast path's events, handed to the engine ---- */

static int event_apply(void *ctx, void *data, size_t len)
{
	assert_int_equal(len, sizeof(struct xdpvs_flow_event));
	assert_int_equal(xdpvs_engine_flow_event(T.e, (uint64_t)(now * 1e9),
						 data), 0);
	nevents++;
	return 0;
}

static int event_ignore(void *ctx, void *data, size_t len)
{
	return 0;
}

/* Hand the events posted since the last call to the engine: how many. */
static int events_apply(void)
{
	nevents = 0;
	assert_true(ring_buffer__consume(events) >= 0);
	return nevents;
}

/* ---- the filter's maps, so that what goes up is seen going up ---- */

static void filter_add(struct bpf_map *m, uint8_t proto, const char *addr,
		       uint16_t port)
{
	struct xdpvs_dp_addr_key k;
	uint8_t val[4] = { 1 };

	memset(&k, 0, sizeof(k));
	k.af = strchr(addr, ':') ? AF_INET6 : AF_INET;
	k.proto = proto;
	k.port = htons(port);
	inet_pton(k.af, addr, &k.addr);
	assert_int_equal(bpf_map__update_elem(m, &k, sizeof(k), val,
					      bpf_map__value_size(m), 0), 0);
}

static uint64_t counter(enum xdpvs_dp_stat idx)
{
	return xt_counter(bpf_map__fd(skel->maps.xdpvs_stats), idx);
}

static struct xdpvs_flow_stats slot_stats(uint32_t slot)
{
	int ncpu = libbpf_num_possible_cpus(), c;
	struct xdpvs_flow_stats v[ncpu], sum = { 0 };

	assert_int_equal(bpf_map__lookup_elem(skel->maps.xdpvs_dest_st, &slot,
					      sizeof(slot), v, sizeof(v), 0),
			 0);
	for (c = 0; c < ncpu; c++) {
		sum.inpkts += v[c].inpkts;
		sum.outpkts += v[c].outpkts;
		sum.inbytes += v[c].inbytes;
		sum.outbytes += v[c].outbytes;
	}
	return sum;
}

/* Run a frame through the XDP program: its verdict, the frame after. */
static int xdp_run(const uint8_t *in, size_t len, uint8_t *out,
		   uint32_t *olen)
{
	return xt_run(bpf_program__fd(skel->progs.xdpvs_xdp), in, len, out,
		      olen);
}

/*
 * d through both paths.  fast: the XDP program must forward it as the
 * engine does (same bytes, XDP_TX or redirect to the engine's egress);
 * else leave it to the filter as it came.
 */
static void both(const struct tb_pkt *d, int fast)
{
	uint8_t in[TB_MAX], out[TB_MAX];
	uint64_t f0 = counter(XDPVS_DP_FAST), u0 = counter(XDPVS_DP_FAST_UP);
	size_t len = tb_build(in, d);
	uint32_t olen;
	int rc;

	now += 0.001;
	rc = xdp_run(in, len, out, &olen);
	if (!fast) {
		assert_int_equal(rc, XDP_PASS);
		assert_int_equal(counter(XDPVS_DP_FAST), f0);
		tb_assert_frame(out, olen, in, len);
		return;
	}
	assert_int_equal(et_rx(&T, now, in, len), XDPVS_TX);
	tb_assert_frame(out, olen, T.f.data, T.f.len);
	assert_int_equal(rc, T.f.ifindex == LO_IFINDEX ? XDP_TX :
							 XDP_REDIRECT);
	assert_int_equal(counter(XDPVS_DP_FAST), f0 + 1);
	assert_int_equal(counter(XDPVS_DP_FAST_UP), u0);
}

/* Through the engine only (the handshake): it must be sent. */
static void engine(const struct tb_pkt *d)
{
	now += 0.001;
	assert_int_equal(et_rx_pkt(&T, now, d), XDPVS_TX);
}

static struct tb_pkt pkt(uint8_t proto, const char *src, uint16_t sport,
			 const char *dst, uint16_t dport, uint8_t flags,
			 size_t plen)
{
	return (struct tb_pkt){
		.dmac = ET_LB_MAC, .smac = "02:00:00:00:00:01", .src = src,
		.dst = dst, .proto = proto, .sport = sport, .dport = dport,
		.flags = flags, .seq = 1000, .ack = 2000, .df = true,
		.id = 0x1234, .tos = 0x02, .payload = payload, .plen = plen,
		.sctp_chunk = XDPVS_SCTP_CID_DATA };
}

#define SYN 0x02
#define ACK 0x10
#define SYNACK 0x12

/* A TCP connection client -> vip:vport taken to ESTABLISHED through the
 * engine (with the real server's SYN-ACK for NAT). */
static void tcp_up(const char *cl, const char *vip, uint16_t vport,
		   const char *rs, uint16_t rport, int nat)
{
	struct tb_pkt p = pkt(IPPROTO_TCP, cl, 40000, vip, vport, SYN, 0);
	uint32_t n = map_count();

	engine(&p);
	if (nat) {
		p = pkt(IPPROTO_TCP, rs, rport, cl, 40000, SYNACK, 0);
		engine(&p);
	}
	p = pkt(IPPROTO_TCP, cl, 40000, vip, vport, ACK, 0);
	engine(&p);
	assert_int_equal(map_count(), n + (nat ? 2 : 1));
}

static int setup(void **state)
{
	struct xdpvs_flow_key k, next;

	while (!bpf_map__get_next_key(skel->maps.xdpvs_flows, NULL, &next,
				      sizeof(next))) {
		k = next;
		bpf_map__delete_elem(skel->maps.xdpvs_flows, &k, sizeof(k), 0);
	}
	ring_buffer__free(events);
	events = ring_buffer__new(bpf_map__fd(skel->maps.xdpvs_events),
				  event_ignore, NULL, NULL);
	assert_non_null(events);
	ring_buffer__consume(events);	/* none left from an earlier case */
	ring_buffer__free(events);
	events = ring_buffer__new(bpf_map__fd(skel->maps.xdpvs_events),
				  event_apply, NULL, NULL);
	assert_non_null(events);
	et_init_flows(&T, 0, &map_ops);
	et_route(&T, RS, RS_MAC, 2, 1500, "198.18.1.1");
	et_route(&T, RS6, RS_MAC, 2, 1500, "2001:db8:1::1");
	return 0;
}

static int teardown(void **state)
{
	et_fini(&T);
	assert_int_equal(map_count(), 0);	/* the engine took them back */
	return 0;
}

static void svc(const char *spec)
{
	et_add_svc(&T, spec, "rr");
}

/* ---- NAT ---- */

static void nat_tcp_both_ways(const char *cl, const char *vip,
			      const char *rs)
{
	struct tb_pkt p;
	char s[64];

	snprintf(s, sizeof(s), "tcp %s 80", vip);
	svc(s);
	snprintf(s, sizeof(s), "%s 8080", rs);
	et_add_dest(&T, strchr(vip, ':') ? "tcp 2001:db8:100::1 80" :
					   "tcp 198.18.100.1 80", s, 'm', 1);
	tcp_up(cl, vip, 80, rs, 8080, 1);
	p = pkt(IPPROTO_TCP, cl, 40000, vip, 80, ACK | 0x08, 333);
	both(&p, FAST);
	p = pkt(IPPROTO_TCP, rs, 8080, cl, 40000, ACK, 1400);
	both(&p, FAST);
	p = pkt(IPPROTO_TCP, rs, 8080, cl, 40000, ACK, 0);
	p.ttl = 2;
	both(&p, FAST);
	/* without ACK: IPVS closes the connection on it, the engine's */
	p = pkt(IPPROTO_TCP, cl, 40000, vip, 80, 0x08, 10);
	both(&p, UP);
}

static void nat4_tcp(void **state)
{
	nat_tcp_both_ways(CL, "198.18.100.1", RS);
}

static void nat6_tcp(void **state)
{
	nat_tcp_both_ways(CL6, "2001:db8:100::1", RS6);
}

static void nat_udp(void **state)
{
	struct tb_pkt p;

	svc("udp 198.18.100.1 53");
	et_add_dest(&T, "udp 198.18.100.1 53", RS " 5353", 'm', 1);
	svc("udp 2001:db8:100::1 53");
	et_add_dest(&T, "udp 2001:db8:100::1 53", RS6 " 5353", 'm', 1);
	p = pkt(IPPROTO_UDP, CL, 40001, "198.18.100.1", 53, 0, 17);
	engine(&p);		/* UDP: flows at once */
	assert_int_equal(map_count(), 2);
	p.plen = 1;
	both(&p, FAST);
	p = pkt(IPPROTO_UDP, RS, 5353, CL, 40001, 0, 999);
	both(&p, FAST);
	/* IPv4 without a checksum stays without */
	p.udp_nocsum = true;
	both(&p, FAST);
	p = pkt(IPPROTO_UDP, CL6, 40001, "2001:db8:100::1", 53, 0, 20);
	engine(&p);
	both(&p, FAST);
	p = pkt(IPPROTO_UDP, RS6, 5353, CL6, 40001, 0, 1001);
	both(&p, FAST);
}

/* d with an IPv4 length 5 bytes short of its SCTP chunk header (the
 * frame as long): left to the filter untouched, the engine drops it. */
static void short_sctp_goes_up(const struct tb_pkt *d)
{
	uint8_t in[TB_MAX], out[TB_MAX];
	size_t len = tb_build(in, d);
	uint32_t olen;
	uint16_t c;

	in[14 + 2] = 0;
	in[14 + 3] = 20 + 16 - 5;
	in[14 + 10] = in[14 + 11] = 0;
	c = tb_csum(in + 14, 20, 0);
	in[14 + 10] = (uint8_t)(c >> 8);
	in[14 + 11] = (uint8_t)c;
	assert_int_equal(xdp_run(in, len, out, &olen), XDP_PASS);
	tb_assert_frame(out, olen, in, len);
	assert_int_equal(et_rx(&T, now, in, len), XDPVS_DROP);
	assert_int_equal(et_drops(&T, XDPVS_DROP_TRUNCATED), 1);
}

/* SCTP with the same ports on both sides: no CRC to redo. */
static void nat_sctp(void **state)
{
	struct tb_pkt p;

	svc("sctp 198.18.100.1 9");
	et_add_dest(&T, "sctp 198.18.100.1 9", RS " 9", 'm', 1);
	p = pkt(IPPROTO_SCTP, CL, 40002, "198.18.100.1", 9, 0, 16);
	p.sctp_chunk = XDPVS_SCTP_CID_INIT;
	engine(&p);
	p = pkt(IPPROTO_SCTP, RS, 9, CL, 40002, 0, 16);
	p.sctp_chunk = XDPVS_SCTP_CID_INIT_ACK;
	engine(&p);
	p = pkt(IPPROTO_SCTP, CL, 40002, "198.18.100.1", 9, 0, 16);
	p.sctp_chunk = XDPVS_SCTP_CID_COOKIE_ECHO;
	engine(&p);
	p = pkt(IPPROTO_SCTP, RS, 9, CL, 40002, 0, 0);
	p.sctp_chunk = XDPVS_SCTP_CID_COOKIE_ACK;
	engine(&p);
	assert_int_equal(map_count(), 2);
	p = pkt(IPPROTO_SCTP, CL, 40002, "198.18.100.1", 9, 0, 100);
	both(&p, FAST);
	p = pkt(IPPROTO_SCTP, RS, 9, CL, 40002, 0, 48);
	p.sctp_chunk = XDPVS_SCTP_CID_SACK;
	both(&p, FAST);
	p.sctp_chunk = XDPVS_SCTP_CID_HEARTBEAT;
	both(&p, FAST);
	/* an IP length that ends before the chunk header, the frame
	 * padded past it: the engine's (truncated; found by fuzz_xdp) */
	short_sctp_goes_up(&p);
	/* control chunks: the engine's */
	p.sctp_chunk = XDPVS_SCTP_CID_SHUTDOWN;
	both(&p, UP);
	p.sctp_chunk = XDPVS_SCTP_CID_ABORT;
	both(&p, UP);
	p.sctp_chunk = XDPVS_SCTP_CID_INIT;
	both(&p, UP);
}

/* Ports that change: the CRC32c would have to be redone, up it goes. */
static void nat_sctp_port_change_goes_up(void **state)
{
	struct tb_pkt p;

	svc("sctp 198.18.100.1 9");
	et_add_dest(&T, "sctp 198.18.100.1 9", RS " 99", 'm', 1);
	p = pkt(IPPROTO_SCTP, CL, 40002, "198.18.100.1", 9, 0, 16);
	p.sctp_chunk = XDPVS_SCTP_CID_INIT;
	engine(&p);
	p = pkt(IPPROTO_SCTP, RS, 99, CL, 40002, 0, 16);
	p.sctp_chunk = XDPVS_SCTP_CID_INIT_ACK;
	engine(&p);
	p = pkt(IPPROTO_SCTP, CL, 40002, "198.18.100.1", 9, 0, 16);
	p.sctp_chunk = XDPVS_SCTP_CID_COOKIE_ECHO;
	engine(&p);
	p = pkt(IPPROTO_SCTP, RS, 99, CL, 40002, 0, 0);
	p.sctp_chunk = XDPVS_SCTP_CID_COOKIE_ACK;
	engine(&p);
	assert_int_equal(map_count(), 2);
	p = pkt(IPPROTO_SCTP, CL, 40002, "198.18.100.1", 9, 0, 100);
	both(&p, UP);
}

/* ---- DR ---- */

static void dr(void **state)
{
	struct tb_pkt p;

	svc("tcp 198.18.100.2 80");
	et_add_dest(&T, "tcp 198.18.100.2 80", RS " 80", 'g', 1);
	svc("tcp 2001:db8:100::2 80");
	et_add_dest(&T, "tcp 2001:db8:100::2 80", RS6 " 80", 'g', 1);
	tcp_up(CL, "198.18.100.2", 80, RS, 80, 0);
	p = pkt(IPPROTO_TCP, CL, 40000, "198.18.100.2", 80, ACK, 777);
	both(&p, FAST);
	tcp_up(CL6, "2001:db8:100::2", 80, RS6, 80, 0);
	p = pkt(IPPROTO_TCP, CL6, 40000, "2001:db8:100::2", 80, ACK, 1);
	both(&p, FAST);
}

/* ---- tunnels ---- */

struct tun_case {
	const char *vip, *cl, *rs;
	uint8_t type;
	uint16_t flags;
	bool df;		/* inner IPv4 DF */
};

static void tunnel(const struct tun_case *c)
{
	struct xdpvs_svc_conf s;
	struct xdpvs_dest_conf d;
	struct tb_pkt p;
	char spec[64];
	size_t sizes[] = { 0, 1, 333, 1380 };
	unsigned int i;

	snprintf(spec, sizeof(spec), "tcp %s 80", c->vip);
	s = et_svc_conf(spec, "rr");
	assert_int_equal(xdpvs_svc_add(T.e, &s), 0);
	snprintf(spec, sizeof(spec), "%s 80", c->rs);
	d = et_dest_conf(spec, 'i', 1);
	d.tun_type = c->type;
	d.tun_port = htons(6080);
	d.tun_flags = c->flags;
	assert_int_equal(xdpvs_dest_add(T.e, &s, &d), 0);
	tcp_up(c->cl, c->vip, 80, c->rs, 80, 0);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p = pkt(IPPROTO_TCP, c->cl, 40000, c->vip, 80, ACK, sizes[i]);
		p.df = c->df;
		p.id = (uint16_t)(0x4321 + i);
		p.tos = (uint8_t)(i == 2 ? 0x03 : 0xb9);	/* CE: ECT(0) */
		both(&p, FAST);
	}
}

#define TUN_CASE(name, ...)                                          \
	static void name(void **state)                               \
	{                                                            \
		const struct tun_case c = { __VA_ARGS__ };           \
		tunnel(&c);                                          \
	}

TUN_CASE(ipip4, "198.18.100.3", CL, RS, XDPVS_TUN_IPIP, 0, true)
TUN_CASE(ipip4_no_df, "198.18.100.3", CL, RS, XDPVS_TUN_IPIP, 0, false)
TUN_CASE(ip6ip6, "2001:db8:100::3", CL6, RS6, XDPVS_TUN_IPIP, 0, false)
TUN_CASE(ip4in6, "198.18.100.3", CL, RS6, XDPVS_TUN_IPIP, 0, true)
TUN_CASE(ip6in4, "2001:db8:100::3", CL6, RS, XDPVS_TUN_IPIP, 0, false)
TUN_CASE(gue4, "198.18.100.4", CL, RS, XDPVS_TUN_GUE, 0, true)
TUN_CASE(gue4_csum, "198.18.100.4", CL, RS, XDPVS_TUN_GUE, XDPVS_TUN_F_CSUM,
	 false)
TUN_CASE(gue6_csum, "2001:db8:100::4", CL6, RS6, XDPVS_TUN_GUE,
	 XDPVS_TUN_F_CSUM, false)
TUN_CASE(gue_6in4_csum, "2001:db8:100::4", CL6, RS, XDPVS_TUN_GUE,
	 XDPVS_TUN_F_CSUM, false)
TUN_CASE(gue_4in6_csum, "198.18.100.4", CL, RS6, XDPVS_TUN_GUE,
	 XDPVS_TUN_F_CSUM, true)
TUN_CASE(gre4, "198.18.100.5", CL, RS, XDPVS_TUN_GRE, 0, true)
TUN_CASE(gre4_csum, "198.18.100.5", CL, RS, XDPVS_TUN_GRE, XDPVS_TUN_F_CSUM,
	 false)
TUN_CASE(gre6_csum, "2001:db8:100::5", CL6, RS6, XDPVS_TUN_GRE,
	 XDPVS_TUN_F_CSUM, false)
TUN_CASE(gre_4in6_csum, "198.18.100.5", CL, RS6, XDPVS_TUN_GRE,
	 XDPVS_TUN_F_CSUM, true)

/* pmtu_disc off: never DF outside, the shared ID rule always. */
static void ipip4_pmtu_disc_off(void **state)
{
	const struct tun_case c = { "198.18.100.3", CL, RS, XDPVS_TUN_IPIP, 0,
				    true };

	assert_int_equal(xdpvs_sysctl_set(T.e, "pmtu_disc", 0), 0);
	tunnel(&c);
}

/* UDP through a GUE tunnel with checksums, odd lengths. */
static void gue_udp_csum(void **state)
{
	struct xdpvs_svc_conf s = et_svc_conf("udp 198.18.100.4 53", "rr");
	struct xdpvs_dest_conf d = et_dest_conf(RS " 53", 'i', 1);
	struct tb_pkt p;

	d.tun_type = XDPVS_TUN_GUE;
	d.tun_port = htons(6080);
	d.tun_flags = XDPVS_TUN_F_CSUM;
	assert_int_equal(xdpvs_svc_add(T.e, &s), 0);
	assert_int_equal(xdpvs_dest_add(T.e, &s, &d), 0);
	p = pkt(IPPROTO_UDP, CL, 40003, "198.18.100.4", 53, 0, 3);
	engine(&p);
	p.plen = 513;
	both(&p, FAST);
	p.plen = 1023;
	both(&p, FAST);
}

/* ---- the link layer ---- */

/* A tagged frame in, a tag of the route's out. */
static void vlan(void **state)
{
	struct tb_pkt p;
	int i;

	svc("udp 198.18.100.1 53");
	et_add_dest(&T, "udp 198.18.100.1 53", RS " 53", 'm', 1);
	for (i = 0; i < T.nroutes; i++)
		T.routes[i].rt.vlan = 7;
	xdpvs_engine_routes_changed(T.e);
	p = pkt(IPPROTO_UDP, CL, 40004, "198.18.100.1", 53, 0, 10);
	p.vlan = 5;
	engine(&p);
	both(&p, FAST);
	p.vlan = 0;
	both(&p, FAST);
}

/* Link padding (a short frame made 60 bytes) is not forwarded. */
static void padding_trimmed(void **state)
{
	uint8_t in[TB_MAX], out[TB_MAX];
	struct tb_pkt p;
	size_t len;
	uint32_t olen;

	svc("udp 198.18.100.1 53");
	et_add_dest(&T, "udp 198.18.100.1 53", RS " 53", 'm', 1);
	p = pkt(IPPROTO_UDP, CL, 40005, "198.18.100.1", 53, 0, 1);
	engine(&p);
	len = tb_build(in, &p);
	assert_true(len < 60);
	memset(in + len, 0, 60 - len);
	assert_int_equal(xdp_run(in, 60, out, &olen), XDP_REDIRECT);
	assert_int_equal(et_rx(&T, now, in, 60), XDPVS_TX);
	tb_assert_frame(out, olen, T.f.data, T.f.len);
}

/* ---- jumbo frames ---- */

/*
 * A link with a 9000-byte MTU: a frame of more than a page reaches XDP
 * in several buffers (BPF_PROG_TEST_RUN makes them so too), only its
 * headers in the first.  The fast path forwards it as the engine does,
 * whole, checksums over all its buffers included (GUE's).
 */
static void jumbo_frames(void **state)
{
	struct xdpvs_svc_conf s = et_svc_conf("tcp 198.18.100.4 80", "rr");
	struct xdpvs_dest_conf d = et_dest_conf("198.18.2.2 80", 'i', 1);
	struct tb_pkt p;

	et_route(&T, RS, RS_MAC, 2, 9000, "198.18.1.1");
	et_route(&T, RS6, RS_MAC, 2, 9000, "2001:db8:1::1");
	et_route(&T, "198.18.2.2", RS_MAC, 2, 9000, "198.18.1.1");
	et_route(&T, CL, "02:00:00:00:00:01", 1, 9000, "198.18.0.254");
	svc("tcp 198.18.100.1 80");
	et_add_dest(&T, "tcp 198.18.100.1 80", RS " 8080", 'm', 1);
	tcp_up(CL, "198.18.100.1", 80, RS, 8080, 1);
	p = pkt(IPPROTO_TCP, CL, 40000, "198.18.100.1", 80, ACK, 8960);
	both(&p, FAST);
	p = pkt(IPPROTO_TCP, RS, 8080, CL, 40000, ACK, 8960);
	both(&p, FAST);
	svc("tcp 2001:db8:100::2 80");
	et_add_dest(&T, "tcp 2001:db8:100::2 80", RS6 " 80", 'g', 1);
	tcp_up(CL6, "2001:db8:100::2", 80, RS6, 80, 0);
	p = pkt(IPPROTO_TCP, CL6, 40000, "2001:db8:100::2", 80, ACK, 8940);
	both(&p, FAST);
	d.tun_type = XDPVS_TUN_GUE;
	d.tun_port = htons(6080);
	d.tun_flags = XDPVS_TUN_F_CSUM;
	assert_int_equal(xdpvs_svc_add(T.e, &s), 0);
	assert_int_equal(xdpvs_dest_add(T.e, &s, &d), 0);
	tcp_up(CL, "198.18.100.4", 80, "198.18.2.2", 80, 0);
	p = pkt(IPPROTO_TCP, CL, 40000, "198.18.100.4", 80, ACK, 8928);
	both(&p, FAST);
	/* 9000 bytes and GUE's 32 around them: above the MTU, the engine's */
	p.plen = 8960;
	both(&p, UP);
}

/* ---- the handshake ---- */

static uint8_t flow_flags(const struct xdpvs_flow_key *k)
{
	struct xdpvs_flow_value v;

	assert_int_equal(bpf_map__lookup_elem(skel->maps.xdpvs_flows, k,
					      sizeof(*k), &v, sizeof(v), 0),
			 0);
	return v.flags;
}

static void dest_conns(uint32_t *active, uint32_t *inactive)
{
	struct xdpvs_svc_info *s;
	int n = xdpvs_svc_info_get(T.e, &s);

	assert_int_equal(n, 1);
	*active = s[0].dests[0].activeconns;
	*inactive = s[0].dests[0].inactconns;
	xdpvs_svc_info_free(s, n);
}

/*
 * NAT in SYN_RECV: the engine schedules the SYN and installs both flows
 * marked; the real server's SYN+ACK takes the fast path (same bytes as
 * the engine's, which stays in SYN_RECV on it too), its pure ACK and the
 * client's SYN or FIN do not; the client's ACK does, clears the mark of
 * both flows and posts one event, which makes the connection ESTABLISHED
 * (counts unchanged: both states are active) with nothing to rewrite.
 * The engine, given the same ACK, sends the same bytes.
 */
static void handshake(const char *cl, const char *vip, const char *rs)
{
	int af = strchr(vip, ':') ? AF_INET6 : AF_INET;
	struct xdpvs_flow_key kin = { .af = af, .proto = IPPROTO_TCP,
				      .sport = htons(40010),
				      .dport = htons(80) };
	struct xdpvs_flow_key kout = { .af = af, .proto = IPPROTO_TCP,
				       .sport = htons(8080),
				       .dport = htons(40010) };
	uint8_t in[TB_MAX], out[TB_MAX];
	uint64_t f0, e0, u0;
	uint32_t olen, act, inact;
	struct tb_pkt p;
	char s[64];
	size_t len;
	int rc;

	inet_pton(af, cl, &kin.saddr);
	inet_pton(af, vip, &kin.daddr);
	inet_pton(af, rs, &kout.saddr);
	inet_pton(af, cl, &kout.daddr);
	snprintf(s, sizeof(s), "tcp %s 80", vip);
	svc(s);
	snprintf(s, sizeof(s), "%s 8080", rs);
	et_add_dest(&T, strchr(vip, ':') ? "tcp 2001:db8:100::1 80" :
					   "tcp 198.18.100.1 80", s, 'm', 1);
	p = pkt(IPPROTO_TCP, cl, 40010, vip, 80, SYN, 0);
	engine(&p);
	assert_int_equal(map_count(), 2);
	assert_true(flow_flags(&kin) & XDPVS_FLOW_F_SYN_RECV);
	assert_true(flow_flags(&kout) & XDPVS_FLOW_F_SYN_RECV);
	p = pkt(IPPROTO_TCP, rs, 8080, cl, 40010, SYNACK, 0);
	both(&p, FAST);
	assert_string_equal(et_conn_state(&T, cl, 40010, NULL), "SYN_RECV");
	u0 = counter(XDPVS_DP_FAST_UP);
	p.flags = ACK;			/* would move it: the engine's */
	both(&p, UP);
	p = pkt(IPPROTO_TCP, cl, 40010, vip, 80, SYN, 0);
	both(&p, UP);
	p.flags = ACK | 0x01;
	both(&p, UP);
	assert_int_equal(counter(XDPVS_DP_FAST_UP), u0 + 3);
	assert_int_equal(events_apply(), 0);
	/* the client's ACK, with data */
	p = pkt(IPPROTO_TCP, cl, 40010, vip, 80, ACK | 0x08, 100);
	len = tb_build(in, &p);
	f0 = counter(XDPVS_DP_FAST);
	e0 = counter(XDPVS_DP_FAST_EST);
	rc = xdp_run(in, len, out, &olen);
	assert_int_equal(rc, XDP_REDIRECT);	/* to the real server's side */
	assert_int_equal(counter(XDPVS_DP_FAST), f0 + 1);
	assert_int_equal(counter(XDPVS_DP_FAST_EST), e0 + 1);
	assert_false(flow_flags(&kin) & XDPVS_FLOW_F_SYN_RECV);
	assert_false(flow_flags(&kout) & XDPVS_FLOW_F_SYN_RECV);
	now += 0.001;
	assert_int_equal(events_apply(), 1);
	assert_string_equal(et_conn_state(&T, cl, 40010, NULL),
			    "ESTABLISHED");
	dest_conns(&act, &inact);
	assert_int_equal(act, 1);
	assert_int_equal(inact, 0);
	assert_false(flow_flags(&kout) & XDPVS_FLOW_F_SYN_RECV);
	assert_false(flow_flags(&kin) & XDPVS_FLOW_F_SYN_RECV);
	/* the bytes are the engine's */
	assert_int_equal(et_rx(&T, now, in, len), XDPVS_TX);
	tb_assert_frame(out, olen, T.f.data, T.f.len);
	/* and from now on it is any established connection */
	p = pkt(IPPROTO_TCP, cl, 40010, vip, 80, ACK, 0);
	both(&p, FAST);
	assert_int_equal(counter(XDPVS_DP_FAST_EST), e0 + 1);
	p = pkt(IPPROTO_TCP, rs, 8080, cl, 40010, ACK, 10);
	both(&p, FAST);
	assert_int_equal(events_apply(), 0);
}

static void handshake4(void **state)
{
	handshake(CL, "198.18.100.1", RS);
}

static void handshake6(void **state)
{
	handshake(CL6, "2001:db8:100::1", RS6);
}

/* ---- FIN and RST: forwarded, and told ---- */

/*
 * d, a FIN or RST of the client at port 40000 (or of its real server):
 * the fast path forwards it and posts one event, which moves the engine's
 * connection to state with counts active/inactive; the engine, given the
 * same packet after, moves it nowhere and sends the same bytes.
 */
static void told(const struct tb_pkt *d, const char *cl, const char *state,
		 uint32_t active, uint32_t inactive)
{
	uint8_t in[TB_MAX], out[TB_MAX];
	uint64_t f0 = counter(XDPVS_DP_FAST), c0 = counter(XDPVS_DP_FAST_CLOSE);
	uint64_t u0 = counter(XDPVS_DP_FAST_UP);
	size_t len = tb_build(in, d);
	uint32_t olen, act, inact;
	int rc;

	now += 0.001;
	rc = xdp_run(in, len, out, &olen);
	assert_int_equal(counter(XDPVS_DP_FAST), f0 + 1);
	assert_int_equal(counter(XDPVS_DP_FAST_CLOSE), c0 + 1);
	assert_int_equal(counter(XDPVS_DP_FAST_UP), u0);
	assert_int_equal(events_apply(), 1);
	assert_string_equal(et_conn_state(&T, cl, 40000, NULL), state);
	dest_conns(&act, &inact);
	assert_int_equal(act, active);
	assert_int_equal(inact, inactive);
	assert_int_equal(et_rx(&T, now, in, len), XDPVS_TX);
	tb_assert_frame(out, olen, T.f.data, T.f.len);
	assert_int_equal(rc, T.f.ifindex == LO_IFINDEX ? XDP_TX :
							 XDP_REDIRECT);
	assert_string_equal(et_conn_state(&T, cl, 40000, NULL), state);
}

#define FIN_BOTH (XDPVS_FLOW_F_FIN_IN | XDPVS_FLOW_F_FIN_OUT)

/* The client's flow of the connections here: port 40000 to vip:80. */
static struct xdpvs_flow_key client_flow(const char *cl, const char *vip)
{
	int af = strchr(vip, ':') ? AF_INET6 : AF_INET;
	struct xdpvs_flow_key k = { .af = af, .proto = IPPROTO_TCP,
				    .sport = htons(40000),
				    .dport = htons(80) };

	inet_pton(af, cl, &k.saddr);
	inet_pton(af, vip, &k.daddr);
	return k;
}

/* The FIN marks of the flow at k. */
static uint8_t fin_marks(const struct xdpvs_flow_key *k)
{
	return flow_flags(k) & FIN_BOTH;
}

/* A NAT connection closed in the fast path, the real server first
 * (FIN_WAIT, then TIME_WAIT on the client's FIN), then reset by the
 * client (CLOSE); each FIN marks the client's flow with its side. */
static void nat_close(const char *cl, const char *vip, const char *rs)
{
	struct xdpvs_flow_key k = client_flow(cl, vip);
	struct tb_pkt p;
	char s[64], d[64];

	snprintf(s, sizeof(s), "tcp %s 80", vip);
	svc(s);
	snprintf(d, sizeof(d), "%s 8080", rs);
	et_add_dest(&T, s, d, 'm', 1);
	tcp_up(cl, vip, 80, rs, 8080, 1);
	assert_int_equal(fin_marks(&k), 0);
	p = pkt(IPPROTO_TCP, rs, 8080, cl, 40000, ACK | 0x01, 20);
	told(&p, cl, "FIN_WAIT", 0, 1);
	assert_int_equal(fin_marks(&k), XDPVS_FLOW_F_FIN_OUT);
	p = pkt(IPPROTO_TCP, cl, 40000, vip, 80, ACK, 0);
	both(&p, FAST);
	assert_int_equal(fin_marks(&k), XDPVS_FLOW_F_FIN_OUT);
	p.flags = ACK | 0x01;
	told(&p, cl, "TIME_WAIT", 0, 1);
	assert_int_equal(fin_marks(&k), FIN_BOTH);
	p.flags = 0x04;
	told(&p, cl, "CLOSE", 0, 1);
	assert_int_equal(fin_marks(&k), FIN_BOTH);
	p = pkt(IPPROTO_TCP, rs, 8080, cl, 40000, ACK, 0);
	both(&p, FAST);
	assert_int_equal(events_apply(), 0);
}

static void nat4_close(void **state)
{
	nat_close(CL, "198.18.100.1", RS);
}

static void nat6_close(void **state)
{
	nat_close(CL6, "2001:db8:100::1", RS6);
}

/* Direct routing: the client's FIN on the input-only table (FIN_WAIT,
 * FIN_IN), its RST (CLOSE, both marks); and the real server's RST of a
 * NAT connection (CLOSE, both marks on the client's flow). */
static void dr_fin_nat_rst(void **state)
{
	struct xdpvs_flow_key k = client_flow(CL, "198.18.100.2");
	struct tb_pkt p;

	svc("tcp 198.18.100.2 80");
	et_add_dest(&T, "tcp 198.18.100.2 80", RS " 80", 'g', 1);
	tcp_up(CL, "198.18.100.2", 80, RS, 80, 0);
	p = pkt(IPPROTO_TCP, CL, 40000, "198.18.100.2", 80, ACK | 0x01, 0);
	told(&p, CL, "FIN_WAIT", 0, 1);
	assert_int_equal(fin_marks(&k), XDPVS_FLOW_F_FIN_IN);
	p.flags = 0x04;
	told(&p, CL, "CLOSE", 0, 1);
	assert_int_equal(fin_marks(&k), FIN_BOTH);
	et_fini(&T);
	setup(NULL);
	k = client_flow(CL, "198.18.100.1");
	svc("tcp 198.18.100.1 80");
	et_add_dest(&T, "tcp 198.18.100.1 80", RS " 8080", 'm', 1);
	tcp_up(CL, "198.18.100.1", 80, RS, 8080, 1);
	p = pkt(IPPROTO_TCP, RS, 8080, CL, 40000, 0x04, 0);
	told(&p, CL, "CLOSE", 0, 1);
	assert_int_equal(fin_marks(&k), FIN_BOTH);
}

/* The client's RST of a NAT connection marks its flow both ways; the
 * real server's FIN leaves alone a client flow of another gen (another
 * connection on the same key). */
static void nat_rst_and_stale_gen(void **state)
{
	struct xdpvs_flow_key k = client_flow(CL, "198.18.100.1");
	struct xdpvs_flow_value v;
	struct tb_pkt p;

	svc("tcp 198.18.100.1 80");
	et_add_dest(&T, "tcp 198.18.100.1 80", RS " 8080", 'm', 1);
	tcp_up(CL, "198.18.100.1", 80, RS, 8080, 1);
	assert_int_equal(bpf_map__lookup_elem(skel->maps.xdpvs_flows, &k,
					      sizeof(k), &v, sizeof(v), 0), 0);
	v.gen++;
	assert_int_equal(bpf_map__update_elem(skel->maps.xdpvs_flows, &k,
					      sizeof(k), &v, sizeof(v),
					      BPF_EXIST), 0);
	p = pkt(IPPROTO_TCP, RS, 8080, CL, 40000, ACK | 0x01, 0);
	told(&p, CL, "FIN_WAIT", 0, 1);
	assert_int_equal(fin_marks(&k), 0);
	v.gen--;
	assert_int_equal(bpf_map__update_elem(skel->maps.xdpvs_flows, &k,
					      sizeof(k), &v, sizeof(v),
					      BPF_EXIST), 0);
	p = pkt(IPPROTO_TCP, CL, 40000, "198.18.100.1", 80, 0x04, 0);
	told(&p, CL, "CLOSE", 0, 1);
	assert_int_equal(fin_marks(&k), FIN_BOTH);
}

/* ---- what stays with the engine ---- */

/* A SYN (maybe a new connection on the same ports) and a segment without
 * ACK (IPVS closes on it) go to the filter untouched, which sends them
 * up; FIN and RST of a flow in SYN_RECV too (handshake above). */
static void tcp_control_goes_up(void **state)
{
	uint64_t svc0, nat0;
	struct tb_pkt p;

	svc("tcp 198.18.100.1 80");
	et_add_dest(&T, "tcp 198.18.100.1 80", RS " 80", 'm', 1);
	filter_add(skel->maps.xdpvs_svcs, IPPROTO_TCP, "198.18.100.1", 80);
	filter_add(skel->maps.xdpvs_nat_rs, IPPROTO_TCP, RS, 80);
	tcp_up(CL, "198.18.100.1", 80, RS, 80, 1);
	svc0 = counter(XDPVS_DP_XSK_SVC);
	nat0 = counter(XDPVS_DP_XSK_NAT);
	p = pkt(IPPROTO_TCP, CL, 40000, "198.18.100.1", 80, SYN, 0);
	both(&p, UP);
	p.flags = SYN | 0x01;
	both(&p, UP);
	p.flags = 0x08;				/* PSH alone */
	both(&p, UP);
	p = pkt(IPPROTO_TCP, RS, 80, CL, 40000, SYN | ACK, 0);
	both(&p, UP);
	/* each one went to the filter, which sent it up */
	assert_int_equal(counter(XDPVS_DP_XSK_SVC), svc0 + 3);
	assert_int_equal(counter(XDPVS_DP_XSK_NAT), nat0 + 1);
	assert_int_equal(events_apply(), 0);
	/* and plain ACKs still take the fast path */
	p.flags = ACK;
	both(&p, FAST);
}

static void ip_exceptions_go_up(void **state)
{
	uint8_t in[TB_MAX], out[TB_MAX];
	uint64_t u0;
	struct tb_pkt p;
	size_t len;
	uint32_t olen;

	svc("udp 198.18.100.1 53");
	et_add_dest(&T, "udp 198.18.100.1 53", RS " 53", 'm', 1);
	svc("udp 2001:db8:100::1 53");
	et_add_dest(&T, "udp 2001:db8:100::1 53", RS6 " 53", 'm', 1);
	et_route(&T, CL, "02:00:00:00:00:01", 1, 1000, NULL);
	p = pkt(IPPROTO_UDP, CL, 40006, "198.18.100.1", 53, 0, 10);
	engine(&p);
	/* TTL 1 */
	p.ttl = 1;
	both(&p, UP);
	p.ttl = 0;
	/* too big for the way back (MTU 1000) */
	p = pkt(IPPROTO_UDP, RS, 53, CL, 40006, 0, 1000 - 28 + 1);
	both(&p, UP);
	p.plen = 1000 - 28;
	both(&p, FAST);
	/* a fragment (MF) and IPv4 options: not even looked up */
	p = pkt(IPPROTO_UDP, CL, 40006, "198.18.100.1", 53, 0, 10);
	len = tb_build(in, &p);
	in[14 + 6] |= 0x20;
	u0 = counter(XDPVS_DP_FAST_UP);
	assert_int_equal(xdp_run(in, len, out, &olen), XDP_PASS);
	tb_assert_frame(out, olen, in, len);
	in[14 + 6] &= (uint8_t)~0x20;
	memmove(in + 14 + 24, in + 14 + 20, len - 34);
	memset(in + 14 + 20, 1, 4);		/* four NOPs */
	in[14] = 0x46;
	assert_int_equal(xdp_run(in, len + 4, out, &olen), XDP_PASS);
	tb_assert_frame(out, olen, in, len + 4);
	assert_int_equal(counter(XDPVS_DP_FAST_UP), u0);
	/* a bad IPv4 header checksum: the kernel drops it before IPVS, so
	 * does the engine, and the fast path does not forward it (found by
	 * fuzz_xdp) */
	len = tb_build(in, &p);
	in[14 + 10] ^= 0x01;
	assert_int_equal(xdp_run(in, len, out, &olen), XDP_PASS);
	tb_assert_frame(out, olen, in, len);
	assert_int_equal(et_rx(&T, now, in, len), XDPVS_DROP);
	assert_int_equal(et_drops(&T, XDPVS_DROP_MALFORMED), 1);
	assert_int_equal(counter(XDPVS_DP_FAST_UP), u0);
	/* IPv6 UDP without a checksum needs a whole new one */
	p = pkt(IPPROTO_UDP, CL6, 40006, "2001:db8:100::1", 53, 0, 10);
	engine(&p);
	both(&p, FAST);
	len = tb_build(in, &p);
	in[14 + 40 + 6] = in[14 + 40 + 7] = 0;
	u0 = counter(XDPVS_DP_FAST_UP);
	assert_int_equal(xdp_run(in, len, out, &olen), XDP_PASS);
	tb_assert_frame(out, olen, in, len);
	assert_int_equal(counter(XDPVS_DP_FAST_UP), u0 + 1);
}

/* A forwarded packet stamps last_seen with the engine's clock and counts
 * in its real server's slot, in or out by direction. */
static void stats_and_last_seen(void **state)
{
	struct xdpvs_flow_key k = { .af = AF_INET, .proto = IPPROTO_UDP,
				    .sport = htons(40007),
				    .dport = htons(53) };
	struct xdpvs_flow_value v;
	struct xdpvs_flow_stats st0, st;
	struct xdpvs_svc_info *s;
	struct timespec ts;
	struct tb_pkt p;
	uint64_t t0;
	uint32_t slot;
	int n;

	svc("udp 198.18.100.1 53");
	et_add_dest(&T, "udp 198.18.100.1 53", RS " 53", 'm', 1);
	n = xdpvs_svc_info_get(T.e, &s);
	assert_int_equal(n, 1);
	slot = s[0].dests[0].slot;
	xdpvs_svc_info_free(s, n);
	st0 = slot_stats(slot);
	p = pkt(IPPROTO_UDP, CL, 40007, "198.18.100.1", 53, 0, 10);
	engine(&p);
	inet_pton(AF_INET, CL, &k.saddr.ip);
	inet_pton(AF_INET, "198.18.100.1", &k.daddr.ip);
	/* the fast path stamps the coarse clock: the last tick's time */
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	t0 = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	both(&p, FAST);
	both(&p, FAST);
	p = pkt(IPPROTO_UDP, RS, 53, CL, 40007, 0, 100);
	both(&p, FAST);
	assert_int_equal(bpf_map__lookup_elem(skel->maps.xdpvs_flows, &k,
					      sizeof(k), &v, sizeof(v), 0), 0);
	assert_true(v.last_seen >= t0);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	assert_true(v.last_seen <=
		    (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec);
	st = slot_stats(slot);
	assert_int_equal(st.inpkts - st0.inpkts, 2);
	assert_int_equal(st.inbytes - st0.inbytes, 2 * (20 + 8 + 10));
	assert_int_equal(st.outpkts - st0.outpkts, 1);
	assert_int_equal(st.outbytes - st0.outbytes, 20 + 8 + 100);
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
		T_(nat4_tcp), T_(nat6_tcp), T_(nat_udp), T_(nat_sctp),
		T_(nat_sctp_port_change_goes_up), T_(dr), T_(ipip4),
		T_(ipip4_no_df), T_(ipip4_pmtu_disc_off), T_(ip6ip6),
		T_(ip4in6), T_(ip6in4), T_(gue4), T_(gue4_csum),
		T_(gue6_csum), T_(gue_6in4_csum), T_(gue_4in6_csum),
		T_(gue_udp_csum), T_(gre4), T_(gre4_csum), T_(gre6_csum),
		T_(gre_4in6_csum), T_(vlan), T_(padding_trimmed),
		T_(nat4_close), T_(nat6_close), T_(dr_fin_nat_rst),
		T_(nat_rst_and_stale_gen),
		T_(tcp_control_goes_up), T_(ip_exceptions_go_up),
		T_(stats_and_last_seen), T_(handshake4), T_(handshake6),
		T_(jumbo_frames),
	};
	char filter[128];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	libbpf_set_print(quiet_libbpf);
	skel = xdpvs_bpf__open();
	if (!skel || bpf_map__set_max_entries(skel->maps.xdpvs_flows, 1024) ||
	    xdpvs_bpf__load(skel)) {
		fprintf(stderr, "test_fastpath: cannot load BPF (%s): "
				"skipped\n", strerror(errno));
		xdpvs_bpf__destroy(skel);
		return 77;
	}
	if (xt_can_run(bpf_program__fd(skel->progs.xdpvs_xdp), "test_fastpath")) {
		xdpvs_bpf__destroy(skel);
		return 77;
	}
	if (argc > 1) {
		snprintf(filter, sizeof(filter), "*%s*", argv[1]);
		cmocka_set_test_filter(filter);
	}
	ret = cmocka_run_group_tests_name("bpf/fastpath", tests, NULL, NULL);
	ring_buffer__free(events);
	xdpvs_bpf__destroy(skel);
	return ret ? 1 : 0;
}
