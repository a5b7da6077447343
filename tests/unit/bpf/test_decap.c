/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bpf/decap.bpf.c through BPF_PROG_TEST_RUN: byte-exact frames in, the
 * exact frame out.  Every tunnel IPVS can send (ip_vs_xmit.c) must come out
 * as the Ethernet header, with the inner family's ethertype, followed by the
 * inner packet; everything else must come out unchanged.  Frames are built
 * here with checksums computed in network order, independently of the BPF
 * code's native-order sums.
 *
 * Needs root (loading BPF).  Exits 77 ("skipped") when BPF or its test-run
 * command is not available, so that is told apart from a failure.  An
 * optional argument runs only the cases matching it (cmocka's filter).
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
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_ether.h>
#include <linux/bpf.h>

#include <xdpvs/decap.h>
#include <xdpvs/tunnel.h>

#include "bpf/decap.skel.h"

#define GUE_PORT	6080
#define GUE_PORT2	5555
#define FRAME_MAX	10240	/* a 9000-byte inner packet, tunnelled */
#define ENOTSUPP	524	/* kernel-internal, reaches user space */

enum tun_type { TUN_IPIP, TUN_GUE, TUN_GRE };

/* How to wrap an inner packet. */
struct tun {
	enum tun_type type;
	int outer_af;		/* AF_INET or AF_INET6 */
	uint8_t outer_tos;	/* IPv4 TOS or IPv6 traffic class */
	uint16_t frag_off;	/* outer IPv4 frag_off, host order */
	uint16_t dport;		/* GUE: UDP port; 0 = GUE_PORT */
	int csum;		/* GUE: UDP checksum; GRE: C bit */
	int remcsum;		/* GUE: remcsum option, partial inner sum */
	int gue_v1;		/* GUE version 1 (no GUE header) */
	uint8_t gue_optlen;	/* GUE: extra option bytes (multiple of 4) */
	uint16_t gre_flags;	/* GRE: extra flag bits (e.g. key) */
	const char *outer_dst;	/* NULL: the default real server address */
};

struct frame {
	uint8_t b[FRAME_MAX];
	size_t len;
};

static struct decap_bpf *skel;		/* any outer destination */
static struct decap_bpf *skel_addr;	/* --addr 198.18.0.2 --addr 2001:db8::2 */

static const uint8_t mac_dst[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t mac_src[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x01 };

/* Ones' complement sum of n bytes as big-endian words, added to s. */
static uint32_t sum_be(const void *d, size_t n, uint32_t s)
{
	const uint8_t *p = d;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

/* Fold s to 16 bits, host order, not inverted. */
static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void addr(int af, const char *s, uint8_t *out)
{
	assert_int_equal(inet_pton(af, s, out), 1);
}

/* Sum of the pseudo-header (addresses, protocol, length), not folded. */
static uint32_t pseudo(int af, const uint8_t *src, const uint8_t *dst,
		       uint8_t proto, size_t len)
{
	size_t alen = af == AF_INET ? 4 : 16;

	return sum_be(src, alen, 0) + sum_be(dst, alen, 0) + proto + (uint32_t)len;
}

/*
 * Write an IPv4 header for payload_len bytes of proto at p (checksum set);
 * return its length.
 */
static size_t ip4_hdr(uint8_t *p, const char *src, const char *dst, uint8_t proto,
		      size_t payload_len, uint8_t tos, uint16_t frag_off)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	p[1] = tos;
	put16(p + 2, (uint16_t)(20 + payload_len));
	put16(p + 4, 0x1234);
	put16(p + 6, frag_off);
	p[8] = 64;
	p[9] = proto;
	addr(AF_INET, src, p + 12);
	addr(AF_INET, dst, p + 16);
	put16(p + 10, (uint16_t)~fold(sum_be(p, 20, 0)));
	return 20;
}

/* Write an IPv6 header at p; return its length. */
static size_t ip6_hdr(uint8_t *p, const char *src, const char *dst,
		      uint8_t nexthdr, size_t payload_len, uint8_t tclass)
{
	memset(p, 0, 40);
	p[0] = (uint8_t)(0x60 | tclass >> 4);
	p[1] = (uint8_t)(tclass << 4);
	put16(p + 4, (uint16_t)payload_len);
	p[6] = nexthdr;
	p[7] = 64;
	addr(AF_INET6, src, p + 8);
	addr(AF_INET6, dst, p + 24);
	return 40;
}

/*
 * An inner packet from the client to the VIP: TCP (a segment with data)
 * or UDP, IPv4 or IPv6, with a correct checksum; its tos/traffic class is
 * tos.  Returns the length; *l4_off and *csum_off say where the transport
 * header and its checksum field are.
 */
static size_t inner_pkt_big(uint8_t *p, int af, uint8_t proto, uint8_t tos,
			    size_t more, size_t *l4_off, size_t *csum_off)
{
	static const char payload[] = "hello from the client, through a tunnel";
	size_t plen = sizeof(payload) - 1 + more, l4len, hl, i;
	uint8_t *l4;
	uint32_t s;

	l4len = (proto == IPPROTO_TCP ? 20 : 8) + plen;
	if (af == AF_INET)
		hl = ip4_hdr(p, "198.18.1.10", "198.18.100.1", proto, l4len, tos, 0x4000);
	else
		hl = ip6_hdr(p, "2001:db8:1::10", "2001:db8:100::1", proto, l4len, tos);
	l4 = p + hl;
	memset(l4, 0, l4len - plen);
	put16(l4, 40000);
	put16(l4 + 2, 80);
	if (proto == IPPROTO_TCP) {
		put16(l4 + 4, 0x0102);		/* seq */
		put16(l4 + 8, 0x0304);		/* ack */
		l4[12] = 5 << 4;
		l4[13] = 0x18;			/* PSH ACK */
		put16(l4 + 14, 64240);
		*csum_off = hl + 16;
	} else {
		put16(l4 + 4, (uint16_t)l4len);
		*csum_off = hl + 6;
	}
	memcpy(l4 + l4len - plen, payload, sizeof(payload) - 1);
	for (i = 0; i < more; i++)
		l4[l4len - more + i] = (uint8_t)(i * 13 + 5);
	s = af == AF_INET ? pseudo(af, p + 12, p + 16, proto, l4len) :
			    pseudo(af, p + 8, p + 24, proto, l4len);
	put16(p + *csum_off, (uint16_t)~fold(sum_be(l4, l4len, s)));
	*l4_off = hl;
	return hl + l4len;
}

/* The same with the payload alone (39 bytes). */
static size_t inner_pkt(uint8_t *p, int af, uint8_t proto, uint8_t tos,
			size_t *l4_off, size_t *csum_off)
{
	return inner_pkt_big(p, af, proto, tos, 0, l4_off, csum_off);
}

/* Ethernet header with ethertype type at p; returns 14. */
static size_t eth_hdr(uint8_t *p, uint16_t type)
{
	memcpy(p, mac_dst, ETH_ALEN);
	memcpy(p + ETH_ALEN, mac_src, ETH_ALEN);
	put16(p + 2 * ETH_ALEN, type);
	return ETH_HLEN;
}

/* Expected output: the Ethernet header for the inner family + inner. */
static void expect_frame(struct frame *f, const uint8_t *inner, size_t ilen)
{
	f->len = eth_hdr(f->b, (inner[0] >> 4) == 4 ? ETH_P_IP : ETH_P_IPV6);
	memcpy(f->b + f->len, inner, ilen);
	f->len += ilen;
}

/*
 * Wrap inner (ilen bytes) as t says into f: Ethernet, outer IP, then UDP +
 * GUE or GRE or nothing.  With t->remcsum, inner's transport checksum is
 * made partial (the pseudo-header sum) and described in the GUE option, as
 * ipvs_gue_encap does for a CHECKSUM_PARTIAL packet.
 */
static void build(struct frame *f, const struct tun *t, const uint8_t *inner,
		  size_t ilen, size_t l4_off, size_t csum_off)
{
	int v6 = t->outer_af == AF_INET6;
	const char *src = v6 ? "2001:db8::1" : "198.18.0.1";
	const char *dst = t->outer_dst ? t->outer_dst : v6 ? "2001:db8::2" : "198.18.0.2";
	uint8_t tun[64], *l3, *l4, proto, ip_proto = (inner[0] >> 4) == 4 ? 4 : 41;
	size_t tlen = 0, l3len, l4len;
	uint8_t sa[16], da[16];

	memset(tun, 0, sizeof(tun));
	if (t->type == TUN_GUE && !t->gue_v1) {
		uint8_t hlen = (uint8_t)((t->remcsum ? 8 : 0) + t->gue_optlen);

		tun[0] = (uint8_t)(hlen / 4);
		tun[1] = ip_proto;
		tlen = 4;
		if (t->remcsum) {
			put16(tun + 2, XDPVS_GUE_FLAG_PRIV);
			tun[4] = 0x80;	/* GUE_PFLAG_REMCSUM */
			put16(tun + 8, (uint16_t)l4_off);
			put16(tun + 10, (uint16_t)csum_off);
			tlen += 8;
		}
		tlen += t->gue_optlen;
	} else if (t->type == TUN_GRE) {
		put16(tun, (uint16_t)((t->csum ? XDPVS_GRE_CSUM : 0) | t->gre_flags));
		put16(tun + 2, ip_proto == 4 ? ETH_P_IP : ETH_P_IPV6);
		tlen = t->csum ? 8 : 4;
		if (t->gre_flags & XDPVS_GRE_KEY)
			tlen += 4;
	}

	f->len = eth_hdr(f->b, v6 ? ETH_P_IPV6 : ETH_P_IP);
	l3 = f->b + f->len;
	l3len = v6 ? 40 : 20;
	l4 = l3 + l3len;
	l4len = (t->type == TUN_GUE ? 8 : 0) + tlen + ilen;
	memcpy(l4 + l4len - ilen - tlen, tun, tlen);
	memcpy(l4 + l4len - ilen, inner, ilen);
	if (t->remcsum) {
		uint8_t *in = l4 + l4len - ilen;
		uint32_t s = (in[0] >> 4) == 4 ?
			pseudo(AF_INET, in + 12, in + 16, in[9], ilen - l4_off) :
			pseudo(AF_INET6, in + 8, in + 24, in[6], ilen - l4_off);

		put16(in + csum_off, fold(s));
	}
	if (t->type == TUN_GRE && t->csum)
		put16(l4 + 4, (uint16_t)~fold(sum_be(l4, l4len, 0)));
	proto = t->type == TUN_GUE ? IPPROTO_UDP : t->type == TUN_GRE ? 47 : ip_proto;
	addr(t->outer_af, src, sa);
	addr(t->outer_af, dst, da);
	if (t->type == TUN_GUE) {
		memset(l4, 0, 8);
		put16(l4, 49152);
		put16(l4 + 2, t->dport ? t->dport : GUE_PORT);
		put16(l4 + 4, (uint16_t)l4len);
		if (t->csum || t->remcsum) {
			uint16_t c = (uint16_t)~fold(sum_be(l4, l4len,
				pseudo(t->outer_af, sa, da, IPPROTO_UDP, l4len)));

			put16(l4 + 6, c ? c : 0xffff);
		}
	}
	if (v6)
		ip6_hdr(l3, src, dst, proto, l4len, t->outer_tos);
	else
		ip4_hdr(l3, src, dst, proto, l4len, t->outer_tos, t->frag_off);
	f->len += l3len + l4len;
}

/* Run the program of s on in; return the XDP action, fill out. */
static int run(struct decap_bpf *s, const struct frame *in, struct frame *out)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = in->b,
		.data_size_in = (__u32)in->len,
		.data_out = out->b,
		.data_size_out = sizeof(out->b),
		.repeat = 1,
	);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(s->progs.xdpvs_decap), &opts);
	assert_int_equal(err, 0);
	out->len = opts.data_size_out;
	return (int)opts.retval;
}

/* Packets in counter idx of s, summed over CPUs. */
static uint64_t counter(struct decap_bpf *s, uint32_t idx)
{
	int ncpu = libbpf_num_possible_cpus(), c;
	struct xdpvs_decap_counter v[ncpu];
	uint64_t n = 0;

	assert_int_equal(bpf_map__lookup_elem(s->maps.xdpvs_decap_st, &idx,
					      sizeof(idx), v, sizeof(v), 0), 0);
	for (c = 0; c < ncpu; c++)
		n += v[c].packets;
	return n;
}

static void assert_frame_equal(const struct frame *got, const struct frame *want)
{
	size_t i;

	if (got->len == want->len && !memcmp(got->b, want->b, got->len))
		return;
	print_error("frame length %zu, expected %zu\n", got->len, want->len);
	for (i = 0; i < got->len || i < want->len; i++) {
		if (i < got->len && i < want->len && got->b[i] == want->b[i])
			continue;
		print_error("  first difference at byte %zu: got 0x%02x, expected 0x%02x\n",
			    i, i < got->len ? got->b[i] : 0,
			    i < want->len ? want->b[i] : 0);
		break;
	}
	fail();
}

/*
 * Wrap an inner packet (family inner_af, protocol proto) as t says, run
 * it, and check the output is exactly Ethernet + inner packet, counted in
 * counter stat.
 */
static void check_decap(const struct tun *t, int inner_af, uint8_t proto,
			uint32_t stat)
{
	struct frame in, out, want;
	uint8_t inner[512];
	size_t ilen, l4_off, csum_off;
	uint64_t before = counter(skel, stat);

	ilen = inner_pkt(inner, inner_af, proto, 0, &l4_off, &csum_off);
	build(&in, t, inner, ilen, l4_off, csum_off);
	expect_frame(&want, inner, ilen);
	assert_int_equal(run(skel, &in, &out), XDP_PASS);
	assert_frame_equal(&out, &want);
	assert_int_equal(counter(skel, stat), before + 1);
}

/* Run in through s and check it comes out unchanged with XDP_PASS. */
static void check_unchanged(struct decap_bpf *s, const struct frame *in)
{
	struct frame out;

	assert_int_equal(run(s, in, &out), XDP_PASS);
	assert_frame_equal(&out, in);
}

/* Like check_unchanged, and counter stat goes up by one. */
static void check_passed(const struct frame *in, uint32_t stat)
{
	uint64_t before = counter(skel, stat);

	check_unchanged(skel, in);
	assert_int_equal(counter(skel, stat), before + 1);
}

/* Build a frame of inner IPv4/TCP wrapped as t says. */
static void build_tcp4(struct frame *in, const struct tun *t)
{
	uint8_t inner[512];
	size_t ilen, l4_off, csum_off;

	ilen = inner_pkt(inner, AF_INET, IPPROTO_TCP, 0, &l4_off, &csum_off);
	build(in, t, inner, ilen, l4_off, csum_off);
}

static void ipip_is_decapsulated(void **state)
{
	struct tun t = { .type = TUN_IPIP, .outer_af = AF_INET };

	check_decap(&t, AF_INET, IPPROTO_TCP, XDPVS_DECAP_IPIP);
	check_decap(&t, AF_INET, IPPROTO_UDP, XDPVS_DECAP_IPIP);
}

static void ip6ip6_is_decapsulated(void **state)
{
	struct tun t = { .type = TUN_IPIP, .outer_af = AF_INET6 };

	check_decap(&t, AF_INET6, IPPROTO_TCP, XDPVS_DECAP_IP6IP6);
	check_decap(&t, AF_INET6, IPPROTO_UDP, XDPVS_DECAP_IP6IP6);
}

static void ip4in6_is_decapsulated(void **state)
{
	struct tun t = { .type = TUN_IPIP, .outer_af = AF_INET6 };

	check_decap(&t, AF_INET, IPPROTO_TCP, XDPVS_DECAP_IP4IN6);
}

static void ip6in4_is_decapsulated(void **state)
{
	struct tun t = { .type = TUN_IPIP, .outer_af = AF_INET };

	check_decap(&t, AF_INET6, IPPROTO_TCP, XDPVS_DECAP_IP6IN4);
}

static void gue_nocsum_is_decapsulated(void **state)
{
	struct tun t = { .type = TUN_GUE, .outer_af = AF_INET };

	check_decap(&t, AF_INET, IPPROTO_TCP, XDPVS_DECAP_GUE);
	check_decap(&t, AF_INET6, IPPROTO_UDP, XDPVS_DECAP_GUE);
	t.outer_af = AF_INET6;
	check_decap(&t, AF_INET6, IPPROTO_TCP, XDPVS_DECAP_GUE);
	check_decap(&t, AF_INET, IPPROTO_UDP, XDPVS_DECAP_GUE);
	t.dport = GUE_PORT2;	/* the second --gue-port */
	check_decap(&t, AF_INET, IPPROTO_TCP, XDPVS_DECAP_GUE);
}

static void gue_csum_is_checked_and_decapsulated(void **state)
{
	struct tun t = { .type = TUN_GUE, .outer_af = AF_INET, .csum = 1 };

	check_decap(&t, AF_INET, IPPROTO_TCP, XDPVS_DECAP_GUE);
	check_decap(&t, AF_INET6, IPPROTO_UDP, XDPVS_DECAP_GUE);
	t.outer_af = AF_INET6;
	check_decap(&t, AF_INET6, IPPROTO_TCP, XDPVS_DECAP_GUE);
	check_decap(&t, AF_INET, IPPROTO_TCP, XDPVS_DECAP_GUE);
}

/* The output carries the inner packet with its full, correct checksum. */
static void gue_remcsum_completes_inner_checksum(void **state)
{
	struct tun t = { .type = TUN_GUE, .outer_af = AF_INET, .remcsum = 1 };

	check_decap(&t, AF_INET, IPPROTO_TCP, XDPVS_DECAP_GUE);
	check_decap(&t, AF_INET, IPPROTO_UDP, XDPVS_DECAP_GUE);
	t.outer_af = AF_INET6;
	check_decap(&t, AF_INET6, IPPROTO_TCP, XDPVS_DECAP_GUE);
	check_decap(&t, AF_INET6, IPPROTO_UDP, XDPVS_DECAP_GUE);
}

static void gue_extra_option_words_are_skipped(void **state)
{
	struct tun t = { .type = TUN_GUE, .outer_af = AF_INET, .gue_optlen = 8 };

	check_decap(&t, AF_INET, IPPROTO_TCP, XDPVS_DECAP_GUE);
	t.remcsum = 1;
	t.gue_optlen = 4;
	check_decap(&t, AF_INET6, IPPROTO_TCP, XDPVS_DECAP_GUE);
}

static void gue_version1_is_decapsulated(void **state)
{
	struct tun t = { .type = TUN_GUE, .outer_af = AF_INET, .gue_v1 = 1 };

	check_decap(&t, AF_INET, IPPROTO_TCP, XDPVS_DECAP_GUE);
	check_decap(&t, AF_INET6, IPPROTO_TCP, XDPVS_DECAP_GUE);
}

static void gre_is_decapsulated(void **state)
{
	struct tun t = { .type = TUN_GRE, .outer_af = AF_INET };

	check_decap(&t, AF_INET, IPPROTO_TCP, XDPVS_DECAP_GRE);
	check_decap(&t, AF_INET6, IPPROTO_UDP, XDPVS_DECAP_GRE);
	t.outer_af = AF_INET6;
	check_decap(&t, AF_INET6, IPPROTO_TCP, XDPVS_DECAP_GRE);
	check_decap(&t, AF_INET, IPPROTO_TCP, XDPVS_DECAP_GRE);
}

static void gre_csum_is_checked_and_decapsulated(void **state)
{
	struct tun t = { .type = TUN_GRE, .outer_af = AF_INET, .csum = 1 };

	check_decap(&t, AF_INET, IPPROTO_TCP, XDPVS_DECAP_GRE);
	t.outer_af = AF_INET6;
	check_decap(&t, AF_INET6, IPPROTO_UDP, XDPVS_DECAP_GRE);
}

/*
 * A 9000-byte inner packet (jumbo MTU) reaches XDP in several buffers:
 * the headers are found, the outer checksum summed over all of them.
 */
static void jumbo_frames_are_decapsulated(void **state)
{
	static const struct tun tuns[] = {
		{ .type = TUN_GUE, .outer_af = AF_INET, .csum = 1 },
		{ .type = TUN_IPIP, .outer_af = AF_INET6 },
		{ .type = TUN_GRE, .outer_af = AF_INET, .csum = 1 },
	};
	static const int stats[] = { XDPVS_DECAP_GUE, XDPVS_DECAP_IP6IP6,
				     XDPVS_DECAP_GRE };
	static const int afs[] = { AF_INET, AF_INET6, AF_INET };
	static struct frame in, out, want;
	static uint8_t inner[9000];
	size_t ilen, l4_off, csum_off;
	unsigned int i;

	for (i = 0; i < sizeof(tuns) / sizeof(tuns[0]); i++) {
		uint64_t before = counter(skel, stats[i]);

		ilen = inner_pkt_big(inner, afs[i], IPPROTO_TCP, 0,
				     sizeof(inner) - 100, &l4_off, &csum_off);
		build(&in, &tuns[i], inner, ilen, l4_off, csum_off);
		expect_frame(&want, inner, ilen);
		assert_int_equal(run(skel, &in, &out), XDP_PASS);
		assert_frame_equal(&out, &want);
		assert_int_equal(counter(skel, stats[i]), before + 1);
	}
}

/* RFC 6040: outer CE goes to an ECN-capable inner packet. */
static void outer_ce_marks_inner_ce(void **state)
{
	struct tun t = { .type = TUN_IPIP, .outer_af = AF_INET, .outer_tos = 0x03 };
	struct frame in, out, want;
	uint8_t inner[512];
	size_t ilen, l4_off, csum_off;

	/* Inner ECT(0) in, inner CE (checksum updated) out. */
	ilen = inner_pkt(inner, AF_INET, IPPROTO_TCP, 0x02, &l4_off, &csum_off);
	build(&in, &t, inner, ilen, l4_off, csum_off);
	ilen = inner_pkt(inner, AF_INET, IPPROTO_TCP, 0x03, &l4_off, &csum_off);
	expect_frame(&want, inner, ilen);
	assert_int_equal(run(skel, &in, &out), XDP_PASS);
	assert_frame_equal(&out, &want);

	t.outer_af = AF_INET6;
	ilen = inner_pkt(inner, AF_INET6, IPPROTO_TCP, 0x01, &l4_off, &csum_off);
	build(&in, &t, inner, ilen, l4_off, csum_off);
	ilen = inner_pkt(inner, AF_INET6, IPPROTO_TCP, 0x03, &l4_off, &csum_off);
	expect_frame(&want, inner, ilen);
	assert_int_equal(run(skel, &in, &out), XDP_PASS);
	assert_frame_equal(&out, &want);
}

static void outer_ce_drops_not_ect_inner(void **state)
{
	struct tun t = { .type = TUN_GUE, .outer_af = AF_INET, .outer_tos = 0x03 };
	uint64_t before = counter(skel, XDPVS_DECAP_ECN_DROP);
	struct frame in, out;

	build_tcp4(&in, &t);
	assert_int_equal(run(skel, &in, &out), XDP_DROP);
	assert_int_equal(counter(skel, XDPVS_DECAP_ECN_DROP), before + 1);
}

static void non_tunnel_packets_pass_unchanged(void **state)
{
	struct frame in;
	size_t l4_off, csum_off;

	/* Plain TCP and UDP, both families. */
	in.len = eth_hdr(in.b, ETH_P_IP);
	in.len += inner_pkt(in.b + in.len, AF_INET, IPPROTO_TCP, 0, &l4_off, &csum_off);
	check_unchanged(skel, &in);
	in.len = eth_hdr(in.b, ETH_P_IPV6);
	in.len += inner_pkt(in.b + in.len, AF_INET6, IPPROTO_UDP, 0, &l4_off, &csum_off);
	check_unchanged(skel, &in);
	/* ARP-sized frame of another ethertype. */
	memset(in.b, 0xab, 60);
	in.len = eth_hdr(in.b, ETH_P_ARP) + 46;
	check_unchanged(skel, &in);
	/* A GUE-looking packet to a UDP port that is not configured. */
	build_tcp4(&in, &(struct tun){ .type = TUN_GUE, .outer_af = AF_INET,
				       .dport = 6081 });
	check_unchanged(skel, &in);
}

/* Every prefix of tunnel frames: never decapsulated, never changed. */
static void truncated_frames_pass_unchanged(void **state)
{
	static const struct tun tuns[] = {
		{ .type = TUN_IPIP, .outer_af = AF_INET },
		{ .type = TUN_IPIP, .outer_af = AF_INET6 },
		{ .type = TUN_GUE, .outer_af = AF_INET, .remcsum = 1 },
		{ .type = TUN_GUE, .outer_af = AF_INET6, .csum = 1 },
		{ .type = TUN_GRE, .outer_af = AF_INET, .csum = 1 },
	};
	struct frame full, in;
	size_t i, len;

	for (i = 0; i < sizeof(tuns) / sizeof(tuns[0]); i++) {
		build_tcp4(&full, &tuns[i]);
		for (len = ETH_HLEN; len < full.len; len++) {
			memcpy(in.b, full.b, len);
			in.len = len;
			check_unchanged(skel, &in);
		}
	}
}

/* Consistent lengths, but the tunnel header does not fit: malformed. */
static void short_tunnel_headers_pass_unchanged(void **state)
{
	struct frame in;
	uint8_t *ip, *udp;

	/* UDP to the GUE port carrying 2 bytes. */
	in.len = eth_hdr(in.b, ETH_P_IP);
	ip = in.b + in.len;
	udp = ip + 20;
	memset(udp, 0, 10);
	put16(udp, 1234);
	put16(udp + 2, GUE_PORT);
	put16(udp + 4, 10);
	ip4_hdr(ip, "198.18.0.1", "198.18.0.2", IPPROTO_UDP, 10, 0, 0);
	in.len += 30;
	check_passed(&in, XDPVS_DECAP_MALFORMED);

	/* GRE with the C bit and no room for the checksum. */
	in.len = eth_hdr(in.b, ETH_P_IP);
	put16(ip + 20, XDPVS_GRE_CSUM);
	put16(ip + 22, ETH_P_IP);
	ip4_hdr(ip, "198.18.0.1", "198.18.0.2", 47, 4, 0, 0);
	in.len += 24;
	check_passed(&in, XDPVS_DECAP_MALFORMED);

	/* IPIP whose inner packet is shorter than an IPv4 header. */
	in.len = eth_hdr(in.b, ETH_P_IP);
	memset(ip + 20, 0x45, 12);
	ip4_hdr(ip, "198.18.0.1", "198.18.0.2", 4, 12, 0, 0);
	in.len += 32;
	check_passed(&in, XDPVS_DECAP_MALFORMED);

	/* GUE header announcing 8 option bytes that are not there. */
	in.len = eth_hdr(in.b, ETH_P_IP);
	memset(udp, 0, 12);
	put16(udp, 1234);
	put16(udp + 2, GUE_PORT);
	put16(udp + 4, 12);
	udp[8] = 2;		/* hlen: 2 words */
	udp[9] = 4;
	ip4_hdr(ip, "198.18.0.1", "198.18.0.2", IPPROTO_UDP, 12, 0, 0);
	in.len += 32;
	check_passed(&in, XDPVS_DECAP_MALFORMED);
}

static void bad_checksums_pass_unchanged(void **state)
{
	struct frame in;

	build_tcp4(&in, &(struct tun){ .type = TUN_GUE, .outer_af = AF_INET, .csum = 1 });
	in.b[in.len - 1] ^= 0x40;
	check_passed(&in, XDPVS_DECAP_BAD_CSUM);
	build_tcp4(&in, &(struct tun){ .type = TUN_GUE, .outer_af = AF_INET6, .csum = 1 });
	in.b[in.len - 3] ^= 0x01;
	check_passed(&in, XDPVS_DECAP_BAD_CSUM);
	build_tcp4(&in, &(struct tun){ .type = TUN_GRE, .outer_af = AF_INET, .csum = 1 });
	in.b[in.len - 2] ^= 0x10;
	check_passed(&in, XDPVS_DECAP_BAD_CSUM);
	/* The outer IPv4 header checksum. */
	build_tcp4(&in, &(struct tun){ .type = TUN_IPIP, .outer_af = AF_INET });
	in.b[ETH_HLEN + 8] ^= 0x01;	/* TTL */
	check_passed(&in, XDPVS_DECAP_BAD_CSUM);
}

static void unsupported_tunnels_pass_unchanged(void **state)
{
	struct frame in;

	/* GRE with a key. */
	build_tcp4(&in, &(struct tun){ .type = TUN_GRE, .outer_af = AF_INET,
				       .gre_flags = XDPVS_GRE_KEY });
	check_passed(&in, XDPVS_DECAP_UNSUPPORTED);
	/* GRE version 1. */
	build_tcp4(&in, &(struct tun){ .type = TUN_GRE, .outer_af = AF_INET,
				       .gre_flags = 1 });
	check_passed(&in, XDPVS_DECAP_UNSUPPORTED);
	/* GUE control message: C bit in the first GUE byte. */
	build_tcp4(&in, &(struct tun){ .type = TUN_GUE, .outer_af = AF_INET });
	in.b[ETH_HLEN + 20 + 8] |= 0x20;
	check_passed(&in, XDPVS_DECAP_UNSUPPORTED);
	/* GUE carrying a protocol other than IPv4/IPv6. */
	build_tcp4(&in, &(struct tun){ .type = TUN_GUE, .outer_af = AF_INET });
	in.b[ETH_HLEN + 20 + 9] = IPPROTO_TCP;
	check_passed(&in, XDPVS_DECAP_UNSUPPORTED);
	/* GUE with an unknown standard flag. */
	build_tcp4(&in, &(struct tun){ .type = TUN_GUE, .outer_af = AF_INET });
	in.b[ETH_HLEN + 20 + 10] = 0x80;
	check_passed(&in, XDPVS_DECAP_UNSUPPORTED);
}

static void outer_fragments_pass_unchanged(void **state)
{
	struct frame in;

	build_tcp4(&in, &(struct tun){ .type = TUN_IPIP, .outer_af = AF_INET,
				       .frag_off = 0x2000 /* MF */ });
	check_passed(&in, XDPVS_DECAP_FRAGMENT);
}

/* Announced family and inner version nibble disagree. */
static void inner_family_mismatch_passes_unchanged(void **state)
{
	struct frame in;

	build_tcp4(&in, &(struct tun){ .type = TUN_GUE, .outer_af = AF_INET });
	in.b[ETH_HLEN + 20 + 9] = 41;	/* says IPv6, carries IPv4 */
	check_passed(&in, XDPVS_DECAP_MALFORMED);
}

/* With --addr, only the listed outer destinations are decapsulated. */
static void addr_filter_limits_outer_destinations(void **state)
{
	struct tun t = { .type = TUN_IPIP, .outer_af = AF_INET };
	struct frame in, out, want;
	uint8_t inner[512];
	size_t ilen, l4_off, csum_off;
	uint32_t idx = XDPVS_DECAP_NOT_LOCAL;

	ilen = inner_pkt(inner, AF_INET, IPPROTO_TCP, 0, &l4_off, &csum_off);
	expect_frame(&want, inner, ilen);
	build(&in, &t, inner, ilen, l4_off, csum_off);
	assert_int_equal(run(skel_addr, &in, &out), XDP_PASS);
	assert_frame_equal(&out, &want);
	t.outer_af = AF_INET6;
	build(&in, &t, inner, ilen, l4_off, csum_off);
	assert_int_equal(run(skel_addr, &in, &out), XDP_PASS);
	assert_frame_equal(&out, &want);

	assert_int_equal(counter(skel_addr, idx), 0);
	t.outer_dst = "2001:db8::3";
	build(&in, &t, inner, ilen, l4_off, csum_off);
	check_unchanged(skel_addr, &in);
	t.outer_af = AF_INET;
	t.outer_dst = "198.18.0.3";
	build(&in, &t, inner, ilen, l4_off, csum_off);
	check_unchanged(skel_addr, &in);
	assert_int_equal(counter(skel_addr, idx), 2);
}

/* Open and load one instance; 77 means skip, -1 failure. */
static int load(struct decap_bpf **s, const char *const *addrs)
{
	struct xdpvs_decap_addr key;
	__u8 one = 1;
	int err;

	*s = decap_bpf__open();
	if (!*s)
		return -1;
	(*s)->rodata->cfg_gue_ports[0] = GUE_PORT;
	(*s)->rodata->cfg_gue_ports[1] = GUE_PORT2;
	(*s)->rodata->cfg_nr_gue_ports = 2;
	(*s)->rodata->cfg_match_addr = addrs != NULL;
	err = decap_bpf__load(*s);
	if (err == -EPERM || err == -ENOSYS) {
		fprintf(stderr, "test_decap: cannot load BPF (%s): skipped\n",
			strerror(-err));
		return 77;
	}
	if (err) {
		fprintf(stderr, "test_decap: loading decap.bpf.o: %s\n", strerror(-err));
		return -1;
	}
	for (; addrs && *addrs; addrs++) {
		memset(&key, 0, sizeof(key));
		key.family = strchr(*addrs, ':') ? AF_INET6 : AF_INET;
		if (inet_pton(key.family, *addrs, &key.addr) != 1 ||
		    bpf_map__update_elem((*s)->maps.xdpvs_decap_ad, &key, sizeof(key),
					 &one, sizeof(one), BPF_ANY))
			return -1;
	}
	return 0;
}

/* 0 when BPF_PROG_TEST_RUN works for XDP here, 77 when it does not. */
static int probe_test_run(void)
{
	uint8_t frame[64] = { 0 };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = frame,
		.data_size_in = sizeof(frame),
		.repeat = 1,
	);
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xdpvs_decap), &opts);
	if (err == -ENOTSUPP || err == -EOPNOTSUPP || err == -EPERM) {
		fprintf(stderr, "test_decap: BPF_PROG_TEST_RUN unavailable (%s): skipped\n",
			strerror(-err));
		return 77;
	}
	if (err)
		fprintf(stderr, "test_decap: BPF_PROG_TEST_RUN: %s\n", strerror(-err));
	return err ? -1 : 0;
}

static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	static const char *const addrs[] = { "198.18.0.2", "2001:db8::2", NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipip_is_decapsulated),
		cmocka_unit_test(ip6ip6_is_decapsulated),
		cmocka_unit_test(ip4in6_is_decapsulated),
		cmocka_unit_test(ip6in4_is_decapsulated),
		cmocka_unit_test(gue_nocsum_is_decapsulated),
		cmocka_unit_test(gue_csum_is_checked_and_decapsulated),
		cmocka_unit_test(gue_remcsum_completes_inner_checksum),
		cmocka_unit_test(gue_extra_option_words_are_skipped),
		cmocka_unit_test(gue_version1_is_decapsulated),
		cmocka_unit_test(gre_is_decapsulated),
		cmocka_unit_test(gre_csum_is_checked_and_decapsulated),
		cmocka_unit_test(jumbo_frames_are_decapsulated),
		cmocka_unit_test(outer_ce_marks_inner_ce),
		cmocka_unit_test(outer_ce_drops_not_ect_inner),
		cmocka_unit_test(non_tunnel_packets_pass_unchanged),
		cmocka_unit_test(truncated_frames_pass_unchanged),
		cmocka_unit_test(short_tunnel_headers_pass_unchanged),
		cmocka_unit_test(bad_checksums_pass_unchanged),
		cmocka_unit_test(unsupported_tunnels_pass_unchanged),
		cmocka_unit_test(outer_fragments_pass_unchanged),
		cmocka_unit_test(inner_family_mismatch_passes_unchanged),
		cmocka_unit_test(addr_filter_limits_outer_destinations),
	};
	char filter[128];
	int ret;

	libbpf_set_print(quiet_libbpf);
	ret = load(&skel, NULL);
	if (!ret)
		ret = load(&skel_addr, addrs);
	if (!ret)
		ret = probe_test_run();
	if (!ret) {
		if (argc > 1) {
			snprintf(filter, sizeof(filter), "*%s*", argv[1]);
			cmocka_set_test_filter(filter);
		}
		ret = cmocka_run_group_tests_name("bpf/decap", tests, NULL, NULL);
	}
	decap_bpf__destroy(skel_addr);
	decap_bpf__destroy(skel);
	return ret == 77 ? 77 : ret ? 1 : 0;
}
