// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checksums: the whole-packet ones of core/csum.c (Internet checksum,
 * pseudo-header, SCTP's CRC32c) against plain reference code and the
 * RFC 3720 known answers, and the incremental helpers of
 * include/xdpvs/csum.h and nat.h (shared with BPF) against a full
 * recomputation, over seeded random packets: address and port rewrites
 * of TCP and UDP over IPv4 and IPv6, the TTL decrement (which must also
 * be the kernel's ip_decrease_ttl() to the bit), UDP's zero checksum, and
 * a wrong checksum staying exactly as wrong.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <xdpvs/csum.h>
#include <xdpvs/nat.h>

#include "../../../core/csum.h"
#include "../../lib/pktbuild.h"

#define ROUNDS 4000		/* random packets per case */
#define SEED 0x5eed0f00c5a11ULL

/* ---- a seeded generator and reference arithmetic ---- */

static uint64_t rng_state;

static uint64_t rng(void)	/* splitmix64 */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n)	/* 0 .. n-1 */
{
	return (uint32_t)(rng() % n);
}

static void rnd_fill(uint8_t *b, size_t n)
{
	while (n--)
		*b++ = (uint8_t)rng();
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* One's complement sum of big-endian words, folded, plus extra. */
static uint16_t ref_sum(const uint8_t *b, size_t len, uint32_t extra)
{
	uint64_t s = extra;
	size_t i;

	for (i = 0; i < len; i++)
		s += i & 1 ? b[i] : (uint32_t)b[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* a - b in one's complement arithmetic, mod 0xffff (0xffff == 0). */
static uint16_t oc_sub(uint16_t a, uint16_t b)
{
	return (uint16_t)(((uint32_t)a % 0xffff + 0xffff - b % 0xffff) %
			  0xffff);
}

/* ---- random IPv4 / IPv6 packets with TCP or UDP ---- */

struct rpkt {
	uint8_t b[256];
	size_t len, l4;
	bool v6;
	uint8_t proto;
};

static void rnd_addr(uint8_t *a, bool v6)
{
	if (v6) {	/* 2001:db8::/32 */
		a[0] = 0x20, a[1] = 0x01, a[2] = 0x0d, a[3] = 0xb8;
		rnd_fill(a + 4, 12);
	} else {	/* 198.18.0.0/15 */
		a[0] = 198;
		a[1] = (uint8_t)(18 + rnd(2));
		rnd_fill(a + 2, 2);
	}
}

/* Pseudo-header sum of p (addresses as they now stand). */
static uint32_t ref_pseudo(const struct rpkt *p)
{
	const uint8_t *ip = p->b;
	size_t alen = p->v6 ? 16 : 4, l4len = p->len - p->l4;
	const uint8_t *s = ip + (p->v6 ? 8 : 12), *d = s + alen;

	return ref_sum(s, alen, 0) + ref_sum(d, alen, 0) + p->proto +
	       (uint32_t)l4len;
}

/* The transport checksum from scratch; 0 stays 0 for IPv4 UDP when
 * keep_zero says so; a computed 0 is sent as 0xffff for UDP. */
static void ref_l4_csum(struct rpkt *p, bool keep_zero)
{
	uint8_t *l4 = p->b + p->l4;
	size_t off = p->proto == IPPROTO_TCP ? 16 : 6;
	uint16_t c;

	if (keep_zero && !p->v6 && p->proto == IPPROTO_UDP &&
	    get16(l4 + off) == 0)
		return;
	put16(l4 + off, 0);
	c = (uint16_t)~ref_sum(l4, p->len - p->l4, ref_pseudo(p));
	if (p->proto == IPPROTO_UDP && c == 0)
		c = 0xffff;
	put16(l4 + off, c);
}

static void ref_ip4_csum(uint8_t *ip)
{
	size_t hl = (size_t)(ip[0] & 0x0f) * 4;

	put16(ip + 10, 0);
	put16(ip + 10, (uint16_t)~ref_sum(ip, hl, 0));
}

/* Recompute every checksum of p from scratch. */
static void ref_recompute(struct rpkt *p, bool keep_zero)
{
	if (!p->v6)
		ref_ip4_csum(p->b);
	ref_l4_csum(p, keep_zero);
}

/* A random packet of family v6 and protocol proto, checksums right. */
static void rnd_pkt(struct rpkt *p, bool v6, uint8_t proto)
{
	uint8_t *ip = p->b, *l4;
	size_t hl = v6 ? 40 : 20 + 4 * rnd(11), l4hl, pay;

	memset(p, 0, sizeof(*p));
	p->v6 = v6;
	p->proto = proto;
	l4hl = proto == IPPROTO_TCP ? 20 : 8;
	pay = rnd(100);
	p->l4 = hl;
	p->len = hl + l4hl + pay;
	rnd_fill(ip, p->len);
	if (v6) {
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)(l4hl + pay));
		ip[6] = proto;
		rnd_addr(ip + 8, true);
		rnd_addr(ip + 24, true);
	} else {
		ip[0] = (uint8_t)(0x40 | hl / 4);
		put16(ip + 2, (uint16_t)p->len);
		ip[8] = (uint8_t)(2 + rnd(254));
		ip[9] = proto;
		rnd_addr(ip + 12, false);
		rnd_addr(ip + 16, false);
	}
	l4 = ip + hl;
	if (proto == IPPROTO_TCP)
		l4[12] = 5 << 4;
	else
		put16(l4 + 4, (uint16_t)(8 + pay));
	ref_recompute(p, false);
}

/* Rewrite with the helper under test: source or destination (which) to
 * a random address and port; expect = the same done by hand + full
 * recomputation (keep_zero as for ref_recompute). */
static void nat_both(struct rpkt *got, struct rpkt *expect, int which,
		     bool keep_zero)
{
	uint8_t addr[16];
	uint16_t port = (uint16_t)rng();
	size_t alen = got->v6 ? 16 : 4;
	size_t aoff = got->v6 ? (which == XDPVS_NAT_DST ? 24 : 8)
			      : (which == XDPVS_NAT_DST ? 16 : 12);
	uint8_t *l4 = got->b + got->l4;
	__be32 a4, a6[4];

	rnd_addr(addr, got->v6);
	*expect = *got;
	memcpy(expect->b + aoff, addr, alen);
	memcpy(expect->b + expect->l4 + (which == XDPVS_NAT_DST ? 2 : 0),
	       &port, 2);
	if (got->v6) {
		memcpy(a6, addr, 16);
		xdpvs_nat6(got->b, l4, got->proto, which, a6, port);
	} else {
		memcpy(&a4, addr, 4);
		xdpvs_nat4(got->b, l4, got->proto, which, a4, port);
	}
}

static uint16_t l4_csum_of(const struct rpkt *p)
{
	return get16(p->b + p->l4 + (p->proto == IPPROTO_TCP ? 16 : 6));
}

static void set_l4_csum(struct rpkt *p, uint16_t c)
{
	put16(p->b + p->l4 + (p->proto == IPPROTO_TCP ? 16 : 6), c);
}

static void assert_pkt_equal(const struct rpkt *got, const struct rpkt *exp)
{
	tb_assert_frame(got->b, got->len, exp->b, exp->len);
}

/* ---- core/csum.c ---- */

/* xdpvs_csum_partial + finish against the reference over random
 * buffers of every length 0..300, odd ones included, and a chained
 * accumulation over even-length pieces. */
static void csum_partial_matches_reference(void **state)
{
	uint8_t b[300] = { 0 }, out[2];
	size_t len, cut;
	uint16_t c;

	(void)state;
	rng_state = SEED;
	for (len = 0; len <= sizeof(b); len++) {
		rnd_fill(b, len);
		c = xdpvs_csum_finish(xdpvs_csum_partial(b, len, 0));
		memcpy(out, &c, 2);	/* stored as is: network order */
		assert_int_equal(get16(out), (uint16_t)~ref_sum(b, len, 0));
		cut = 2 * rnd((uint32_t)len / 2 + 1);
		c = xdpvs_csum_finish(xdpvs_csum_partial(
			b + cut, len - cut, xdpvs_csum_partial(b, cut, 0)));
		memcpy(out, &c, 2);
		assert_int_equal(get16(out), (uint16_t)~ref_sum(b, len, 0));
	}
	/* All ones sums to 0xffff ("-0"): checksum 0. */
	memset(b, 0xff, 64);
	c = xdpvs_csum_finish(xdpvs_csum_partial(b, 64, 0));
	assert_int_equal(c, 0);
	/* Nothing at all: checksum 0xffff. */
	c = xdpvs_csum_finish(xdpvs_csum_partial(b, 0, 0));
	assert_int_equal(c, 0xffff);
}

/* The pseudo-header of RFC 793 / RFC 8200 8.1. */
static void csum_pseudo_matches_reference(void **state)
{
	union xdpvs_addr s, d;
	uint8_t hdr[40];
	int i, v6;

	(void)state;
	rng_state = SEED + 1;
	for (i = 0; i < ROUNDS; i++) {
		uint32_t len = rnd(70000);
		uint8_t proto = (uint8_t)rng();
		uint16_t got, want;
		size_t n;

		v6 = i & 1;
		memset(&s, 0, sizeof(s));
		memset(&d, 0, sizeof(d));
		rnd_addr(s.b, v6);
		rnd_addr(d.b, v6);
		n = v6 ? 16 : 4;
		memcpy(hdr, s.b, n);
		memcpy(hdr + n, d.b, n);
		hdr[2 * n] = (uint8_t)(len >> 24);
		hdr[2 * n + 1] = (uint8_t)(len >> 16);
		hdr[2 * n + 2] = (uint8_t)(len >> 8);
		hdr[2 * n + 3] = (uint8_t)len;
		hdr[2 * n + 4] = hdr[2 * n + 5] = hdr[2 * n + 6] = 0;
		hdr[2 * n + 7] = proto;
		want = ref_sum(hdr, 2 * n + 8, 0);
		got = xdpvs_csum_fold(xdpvs_csum_pseudo(v6 ? AF_INET6 : AF_INET,
							&s, &d, proto, len));
		/* fold leaves 0xffff or 0 for "zero": compare mod 0xffff */
		assert_int_equal(oc_sub(got, want), 0);
	}
}

/* The bitwise CRC32c of RFC 3720, to check the table against. */
static uint32_t ref_crc32c(const uint8_t *b, size_t len)
{
	uint32_t crc = 0xffffffff;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= b[i];
		for (k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
	}
	return ~crc;
}

/* Bytes of an SCTP checksum as stored by xdpvs_crc32c_sctp. */
static void crc_bytes(const uint8_t *b, size_t len, uint8_t out[4])
{
	uint32_t v = xdpvs_crc32c_sctp(b, len);

	memcpy(out, &v, 4);
}

/* RFC 3720 B.4, whose values are the CRC as a number; SCTP (RFC 9260
 * appendix B) puts it on the wire least significant byte first. */
static void crc32c_known_answers(void **state)
{
	static const uint8_t zeros_le[4] = { 0xaa, 0x36, 0x91, 0x8a };
	static const uint8_t ones_le[4] = { 0x43, 0xab, 0xa8, 0x62 };
	static const uint8_t incr_le[4] = { 0x4e, 0x79, 0xdd, 0x46 };
	static const uint8_t decr_le[4] = { 0x5c, 0xdb, 0x3f, 0x11 };
	uint8_t b[32], out[4];
	int i;

	(void)state;
	memset(b, 0, sizeof(b));
	crc_bytes(b, 32, out);
	assert_memory_equal(out, zeros_le, 4);
	assert_int_equal(ref_crc32c(b, 32), 0x8A9136AA);
	memset(b, 0xff, sizeof(b));
	crc_bytes(b, 32, out);
	assert_memory_equal(out, ones_le, 4);
	for (i = 0; i < 32; i++)
		b[i] = (uint8_t)i;
	crc_bytes(b, 32, out);
	assert_memory_equal(out, incr_le, 4);
	for (i = 0; i < 32; i++)
		b[i] = (uint8_t)(31 - i);
	crc_bytes(b, 32, out);
	assert_memory_equal(out, decr_le, 4);	/* 0x113FDB5C */
	/* The empty message. */
	crc_bytes(b, 0, out);
	assert_int_equal(out[0] | out[1] | out[2] | out[3], 0);
}

/* The table against the bitwise definition on random buffers. */
static void crc32c_matches_bitwise(void **state)
{
	uint8_t b[200] = { 0 }, out[4];
	uint32_t want;
	size_t len;

	(void)state;
	rng_state = SEED + 2;
	for (len = 0; len <= sizeof(b); len++) {
		rnd_fill(b, len);
		crc_bytes(b, len, out);
		want = ref_crc32c(b, len);
		assert_int_equal(out[0], (uint8_t)want);
		assert_int_equal(out[1], (uint8_t)(want >> 8));
		assert_int_equal(out[2], (uint8_t)(want >> 16));
		assert_int_equal(out[3], (uint8_t)(want >> 24));
	}
}

/* An SCTP packet from the test builder (its own bitwise CRC, stored by
 * hand) gets the same checksum bytes from the engine's function. */
static void sctp_checksum_bytes_as_on_the_wire(void **state)
{
	static const uint8_t data[13] = "chunk payload";
	struct tb_pkt d = {
		.src = "198.18.0.2", .dst = "198.18.100.1",
		.proto = IPPROTO_SCTP, .sport = 40000, .dport = 5060,
		.sctp_chunk = 1, .payload = data, .plen = sizeof(data),
	};
	uint8_t ip[TB_MAX], want[4];
	size_t len = tb_build_ip(ip, &d);
	uint32_t crc;

	(void)state;
	memcpy(want, ip + 20 + 8, 4);
	memset(ip + 20 + 8, 0, 4);
	crc = xdpvs_crc32c_sctp(ip + 20, len - 20);
	memcpy(ip + 20 + 8, &crc, 4);
	assert_memory_equal(ip + 20 + 8, want, 4);
}

/* ---- include/xdpvs/csum.h ---- */

static void csum_add_and_fold_carry_around(void **state)
{
	(void)state;
	assert_int_equal(xdpvs_csum_add(0xffffffff, 1), 1);
	assert_int_equal(xdpvs_csum_add(0xffffffff, 0xffffffff), 0xffffffff);
	assert_int_equal(xdpvs_csum_add(0x80000000, 0x80000000), 1);
	assert_int_equal(xdpvs_csum_add(1, 2), 3);
	assert_int_equal(xdpvs_csum_fold(0xffffffff), 0xffff);
	assert_int_equal(xdpvs_csum_fold(0x0001ffff), 0x0001);
	assert_int_equal(xdpvs_csum_fold(0xfffe0001), 0xffff);
	assert_int_equal(xdpvs_csum_fold(0), 0);
}

/* replace2 / replace4 of an aligned word of a random buffer whose first
 * word is its checksum equal what a full recomputation gives. */
static void csum_replace_matches_recompute(void **state)
{
	uint8_t b[64];
	int i;

	(void)state;
	rng_state = SEED + 3;
	for (i = 0; i < ROUNDS; i++) {
		size_t len = 8 + 2 * rnd(28);
		size_t w = 2 + 2 * rnd((uint32_t)(len - 4) / 2);
		uint16_t sum, old16, new16 = (uint16_t)rng();
		uint32_t old32, new32 = (uint32_t)rng();

		rnd_fill(b, len);
		put16(b, 0);
		put16(b, (uint16_t)~ref_sum(b, len, 0));
		if (i & 1) {
			memcpy(&old16, b + w, 2);
			memcpy(&sum, b, 2);
			xdpvs_csum_replace2(&sum, old16, new16);
			memcpy(b, &sum, 2);
			memcpy(b + w, &new16, 2);
		} else {
			w = 4 + 4 * rnd((uint32_t)(len - 8) / 4 + 1);
			memcpy(&old32, b + w, 4);
			memcpy(&sum, b, 2);
			xdpvs_csum_replace4(&sum, old32, new32);
			memcpy(b, &sum, 2);
			memcpy(b + w, &new32, 4);
		}
		/* The buffer, checksum included, sums to "zero". */
		assert_int_equal(ref_sum(b, len, 0), 0xffff);
	}
}

/* ---- include/xdpvs/nat.h: address and port rewrites ---- */

static void nat_random(bool v6, uint8_t proto, int which)
{
	struct rpkt got, exp;
	int i;

	for (i = 0; i < ROUNDS; i++) {
		rnd_pkt(&got, v6, proto);
		nat_both(&got, &exp, which, false);
		ref_recompute(&exp, false);
		assert_pkt_equal(&got, &exp);
		if (proto == IPPROTO_UDP)
			assert_int_not_equal(l4_csum_of(&got), 0);
	}
}

static void nat4_tcp_matches_recompute(void **state)
{
	(void)state;
	rng_state = SEED + 10;
	nat_random(false, IPPROTO_TCP, XDPVS_NAT_DST);
	nat_random(false, IPPROTO_TCP, XDPVS_NAT_SRC);
}

static void nat4_udp_matches_recompute(void **state)
{
	(void)state;
	rng_state = SEED + 11;
	nat_random(false, IPPROTO_UDP, XDPVS_NAT_DST);
	nat_random(false, IPPROTO_UDP, XDPVS_NAT_SRC);
}

static void nat6_tcp_matches_recompute(void **state)
{
	(void)state;
	rng_state = SEED + 12;
	nat_random(true, IPPROTO_TCP, XDPVS_NAT_DST);
	nat_random(true, IPPROTO_TCP, XDPVS_NAT_SRC);
}

static void nat6_udp_matches_recompute(void **state)
{
	(void)state;
	rng_state = SEED + 13;
	nat_random(true, IPPROTO_UDP, XDPVS_NAT_DST);
	nat_random(true, IPPROTO_UDP, XDPVS_NAT_SRC);
}

/* An IPv4 UDP datagram without a checksum keeps none (RFC 768); the IP
 * header checksum is still updated. */
static void nat4_udp_zero_checksum_stays_zero(void **state)
{
	struct rpkt got, exp;
	int i;

	(void)state;
	rng_state = SEED + 14;
	for (i = 0; i < ROUNDS; i++) {
		rnd_pkt(&got, false, IPPROTO_UDP);
		set_l4_csum(&got, 0);
		nat_both(&got, &exp, i & 1 ? XDPVS_NAT_SRC : XDPVS_NAT_DST,
			 true);
		ref_recompute(&exp, true);
		assert_int_equal(l4_csum_of(&got), 0);
		assert_pkt_equal(&got, &exp);
	}
}

/*
 * A rewrite whose true checksum is 0 sends 0xffff (RFC 768, RFC 8200
 * 8.1): a payload word is chosen to make the rewritten datagram sum to
 * "-0", for IPv4 and IPv6, source and destination.
 */
static void nat_udp_computed_zero_becomes_ffff(void **state)
{
	struct rpkt got, orig, exp;
	int i;

	(void)state;
	rng_state = SEED + 15;
	for (i = 0; i < 400; i++) {
		bool v6 = i & 1;
		int which = i & 2 ? XDPVS_NAT_SRC : XDPVS_NAT_DST;
		uint64_t saved;
		uint16_t s;

		do
			rnd_pkt(&orig, v6, IPPROTO_UDP);
		while (orig.len < orig.l4 + 10);
		/* A dry run to learn the rewritten sum without the first
		 * payload word ... */
		got = orig;
		saved = rng_state;
		nat_both(&got, &exp, which, false);
		set_l4_csum(&exp, 0);
		put16(exp.b + exp.l4 + 8, 0);
		s = ref_sum(exp.b + exp.l4, exp.len - exp.l4, ref_pseudo(&exp));
		/* ... which then makes it 0xffff: the same rewrite again. */
		got = orig;
		put16(got.b + got.l4 + 8, (uint16_t)~s);
		ref_recompute(&got, false);
		rng_state = saved;
		nat_both(&got, &exp, which, false);
		ref_recompute(&exp, false);
		assert_int_equal(l4_csum_of(&exp), 0xffff);
		assert_pkt_equal(&got, &exp);
	}
}

/* A wrong checksum, transport or IPv4 header, is left exactly as wrong
 * as it came (RFC 1624): the difference from the right value is kept. */
static void nat_wrong_checksum_stays_as_wrong(void **state)
{
	struct rpkt got, exp;
	int i;

	(void)state;
	rng_state = SEED + 16;
	for (i = 0; i < ROUNDS; i++) {
		bool v6 = i & 1;
		uint8_t proto = i & 2 ? IPPROTO_UDP : IPPROTO_TCP;
		uint16_t d = (uint16_t)(1 + rnd(0xfffe)), right, wrong;
		uint16_t ipd = (uint16_t)(1 + rnd(0xfffe)), ipright = 0;
		uint16_t ipwrong;

		rnd_pkt(&got, v6, proto);
		right = l4_csum_of(&got);
		wrong = (uint16_t)(right + d);	/* any other value */
		if (!v6 && proto == IPPROTO_UDP && wrong == 0)
			continue;		/* that would be "none" */
		set_l4_csum(&got, wrong);
		if (!v6) {
			ipright = get16(got.b + 10);
			put16(got.b + 10, (uint16_t)(ipright ^ ipd));
		}
		ipwrong = get16(got.b + 10);
		nat_both(&got, &exp, i & 4 ? XDPVS_NAT_SRC : XDPVS_NAT_DST,
			 false);
		ref_recompute(&exp, false);
		assert_int_equal(oc_sub(l4_csum_of(&got), l4_csum_of(&exp)),
				 oc_sub(wrong, right));
		if (!v6)
			assert_int_equal(oc_sub(get16(got.b + 10),
						get16(exp.b + 10)),
					 oc_sub(ipwrong, ipright));
		/* Everything else is as a right rewrite makes it. */
		set_l4_csum(&got, l4_csum_of(&exp));
		if (!v6)
			put16(got.b + 10, get16(exp.b + 10));
		assert_pkt_equal(&got, &exp);
	}
}

/* SCTP's CRC does not cover addresses: nat.h leaves it to the caller
 * (the port change is recomputed whole by core/xmit.c). */
static void nat4_sctp_leaves_crc(void **state)
{
	uint8_t ip[64], before[4];
	__be32 a;

	(void)state;
	memset(ip, 0, sizeof(ip));
	ip[0] = 0x45;
	put16(ip + 2, 36);
	ip[8] = 64;
	ip[9] = IPPROTO_SCTP;
	inet_pton(AF_INET, "198.18.0.2", ip + 12);
	inet_pton(AF_INET, "198.18.100.1", ip + 16);
	ref_ip4_csum(ip);
	put16(ip + 20, 40000);
	put16(ip + 22, 5060);
	memcpy(before, "\x12\x34\x56\x78", 4);
	memcpy(ip + 28, before, 4);
	inet_pton(AF_INET, "198.18.1.2", &a);
	assert_int_equal(xdpvs_l4_csum_off(IPPROTO_SCTP), -1);
	xdpvs_nat4(ip, ip + 20, IPPROTO_SCTP, XDPVS_NAT_DST, a, htons(5061));
	assert_memory_equal(ip + 28, before, 4);
	assert_int_equal(get16(ip + 22), 5061);
	assert_int_equal(ref_sum(ip, 20, 0), 0xffff);
}

/* ---- TTL and hop limit ---- */

/* The kernel's ip_decrease_ttl(), on this host's byte order, as it is
 * written in include/net/ip.h. */
static void kernel_ip_decrease_ttl(uint8_t *ip)
{
	uint16_t raw;
	uint32_t check;

	memcpy(&raw, ip + 10, 2);
	check = raw;
	check += htons(0x0100);
	raw = (uint16_t)(check + (check >= 0xFFFF));
	memcpy(ip + 10, &raw, 2);
	ip[8]--;
}

/* Every checksum value and a few TTLs: the same bytes as the kernel. */
static void ttl_dec4_is_ip_decrease_ttl(void **state)
{
	static const uint8_t ttls[] = { 2, 3, 64, 128, 255 };
	uint8_t a[20], b[20];
	uint32_t c;
	size_t t;

	(void)state;
	for (t = 0; t < sizeof(ttls); t++) {
		for (c = 0; c <= 0xffff; c++) {
			memset(a, 0x5a, sizeof(a));
			a[8] = ttls[t];
			put16(a + 10, (uint16_t)c);
			memcpy(b, a, sizeof(b));
			xdpvs_ttl_dec4(a);
			kernel_ip_decrease_ttl(b);
			if (memcmp(a, b, sizeof(a))) {
				print_message("ttl %u csum %04x: %04x, kernel "
					      "%04x\n", ttls[t], c,
					      get16(a + 10), get16(b + 10));
				fail();
			}
		}
	}
}

/*
 * Every checksum a valid header can carry (0x0000 .. 0xfffe; 0xffff
 * would need an all-zero header), reached by choosing the ID field: the
 * decremented header has the checksum a full recomputation gives.
 */
static void ttl_dec4_matches_recompute(void **state)
{
	uint8_t ip[60], exp[60];
	uint32_t c;

	(void)state;
	rng_state = SEED + 20;
	for (c = 0; c < 0xffff; c++) {
		size_t hl = 20 + 4 * (c % 11);
		uint16_t rest;

		rnd_fill(ip, hl);
		ip[0] = (uint8_t)(0x40 | hl / 4);
		ip[8] = (uint8_t)(2 + c % 254);
		put16(ip + 4, 0);
		put16(ip + 10, (uint16_t)c);
		/* the ID that makes the header sum to 0xffff */
		rest = ref_sum(ip, hl, 0);
		put16(ip + 4, (uint16_t)~rest);
		assert_int_equal(ref_sum(ip, hl, 0), 0xffff);
		memcpy(exp, ip, hl);
		exp[8]--;
		ref_ip4_csum(exp);
		xdpvs_ttl_dec4(ip);
		assert_memory_equal(ip, exp, hl);
	}
}

static void hlim_dec6_only_touches_hop_limit(void **state)
{
	uint8_t ip[40], exp[40];

	(void)state;
	rng_state = SEED + 21;
	rnd_fill(ip, sizeof(ip));
	ip[7] = 64;
	memcpy(exp, ip, sizeof(ip));
	exp[7] = 63;
	xdpvs_hlim_dec6(ip);
	assert_memory_equal(ip, exp, sizeof(ip));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csum_partial_matches_reference),
		cmocka_unit_test(csum_pseudo_matches_reference),
		cmocka_unit_test(crc32c_known_answers),
		cmocka_unit_test(crc32c_matches_bitwise),
		cmocka_unit_test(sctp_checksum_bytes_as_on_the_wire),
		cmocka_unit_test(csum_add_and_fold_carry_around),
		cmocka_unit_test(csum_replace_matches_recompute),
		cmocka_unit_test(nat4_tcp_matches_recompute),
		cmocka_unit_test(nat4_udp_matches_recompute),
		cmocka_unit_test(nat6_tcp_matches_recompute),
		cmocka_unit_test(nat6_udp_matches_recompute),
		cmocka_unit_test(nat4_udp_zero_checksum_stays_zero),
		cmocka_unit_test(nat_udp_computed_zero_becomes_ffff),
		cmocka_unit_test(nat_wrong_checksum_stays_as_wrong),
		cmocka_unit_test(nat4_sctp_leaves_crc),
		cmocka_unit_test(ttl_dec4_is_ip_decrease_ttl),
		cmocka_unit_test(ttl_dec4_matches_recompute),
		cmocka_unit_test(hlim_dec6_only_touches_hop_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
