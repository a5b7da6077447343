// SPDX-License-Identifier: GPL-2.0-only
/*
 * The frame parser (core/pkt.c) on valid frames of every kind it knows
 * (VLAN single and double tagged, IPv4 with options and fragments, IPv6
 * with extension headers, TCP, UDP, SCTP, ICMP) and on a corpus of
 * malformed ones, each with its exact result; then every prefix of every
 * valid frame and every value of its IP length field.  The same frames go
 * through xdpvs_engine_rx() too, with a service on their destination, for
 * the verdict and the drop counter.
 *
 * Every frame handed to the code under test sits in its own malloc() of
 * exactly its length, with no head- or tailroom, so that under ASan
 * (make check SAN=1) a read one byte past the frame's end is a failure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <cmocka.h>

#include <xdpvs/engine.h>
#include <xdpvs/hdr.h>

#include "../../../core/pkt.h"
#include "../../lib/enginetest.h"

#define CLIENT_MAC "02:00:00:00:00:01"
#define CLIENT4 "198.18.0.2"
#define VIP4 "198.18.100.1"
#define CLIENT6 "2001:db8::2"
#define VIP6 "2001:db8:100::1"
#define RS4 "198.18.1.2"
#define RS6 "2001:db8:1::2"

#define ETH_P_ARP_ 0x0806
#define MAX_EXT 10
#define FRAME_MAX 4096

/* Results of xdpvs_pkt_parse(), as the parser encodes drops. */
#define R_OK XDPVS_PKT_OK
#define R_NOT_IP XDPVS_PKT_NOT_IP
#define R_TRUNC (-(1 + (int)XDPVS_DROP_TRUNCATED))
#define R_MALF (-(1 + (int)XDPVS_DROP_MALFORMED))

#define NO_DROP (-1)

/* How to build a frame: every field has a working zero value. */
struct spec {
	uint8_t tags;		/* VLAN tags: 0, 1, 2 (outer 802.1ad) or 3 */
	bool v6;
	uint16_t ethertype;	/* 0: IPv4 or IPv6 as v6 says; else e.g. ARP */
	uint8_t optlen;		/* IPv4 options, bytes, multiple of 4 */
	uint16_t frag;		/* IPv4 MF | offset/8; IPv6 fragment header's
				 * offset | M field (when it has one) */
	uint8_t n_ext;		/* IPv6 extension headers ... */
	uint8_t ext[MAX_EXT];	/* ... their types, in order */
	uint8_t proto;
	uint8_t tcp_flags;
	uint8_t sctp_chunk;
	uint16_t paylen;	/* bytes after the transport header */
	bool cut;		/* transport bytes are exactly l4len, */
	uint16_t l4len;		/* header included, whatever proto says */
	uint16_t pad;		/* link padding after the IP packet */
};

/* A built frame and where its parts are. */
struct frame {
	uint8_t b[FRAME_MAX];
	size_t len;		/* with padding */
	size_t l3, l4, end;	/* IP header, transport header, IP end */
	size_t hlen;		/* IPv4 header length */
	size_t ext_off[MAX_EXT];
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

static uint16_t tci_of(const struct spec *s, int i)
{
	return (uint16_t)(0x0064 + 0x100 * i + (s->tags == 1 ? 0x2000 : 0));
}

/* Bytes of an IPv6 extension header of type t, as this file builds it. */
static size_t ext_size(uint8_t t)
{
	switch (t) {
	case IPPROTO_HOPOPTS: return 8;
	case IPPROTO_ROUTING: return 24;
	case IPPROTO_DSTOPTS: return 16;
	case IPPROTO_AH: return 24;
	default: return 8;	/* fragment */
	}
}

/* Transport header bytes as built (and as the parser requires). */
static size_t l4_hdr_size(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return 20;
	case IPPROTO_UDP: return 8;
	case IPPROTO_SCTP: return 16;	/* common header + first chunk */
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6: return 8;
	default: return 0;
	}
}

static size_t l4_min(uint8_t proto)
{
	return proto == IPPROTO_SCTP ? 12 : l4_hdr_size(proto);
}

static uint16_t dport_of(uint8_t proto)
{
	return proto == IPPROTO_UDP ? 53 : proto == IPPROTO_SCTP ? 5060 : 80;
}

static void ip4_fix_csum(struct frame *f)
{
	uint8_t *ip = f->b + f->l3;

	ip[10] = ip[11] = 0;
	put16(ip + 10, tb_csum(ip, (size_t)(ip[0] & 0x0f) * 4, 0));
}

static void build_l4(struct frame *f, const struct spec *s, size_t l4len)
{
	uint8_t h[64], *l4 = f->b + f->l4;
	size_t i, hl = l4_hdr_size(s->proto);

	memset(h, 0, sizeof(h));
	put16(h, 40000);
	put16(h + 2, dport_of(s->proto));
	switch (s->proto) {
	case IPPROTO_TCP:
		put16(h + 4, 0x0102);
		h[12] = 5 << 4;
		h[13] = s->tcp_flags;
		put16(h + 14, 29200);
		break;
	case IPPROTO_UDP:
		put16(h + 4, (uint16_t)(8 + s->paylen));
		break;
	case IPPROTO_SCTP:
		put16(h + 4, 0x0102);
		h[12] = s->sctp_chunk;
		put16(h + 14, (uint16_t)(4 + s->paylen));
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		h[0] = s->proto == IPPROTO_ICMP ? 8 : 128;	/* echo */
		h[1] = 0;
		put16(h + 2, 0);
		put16(h + 4, 0x4242);
		put16(h + 6, 1);
		break;
	}
	for (i = 0; i < l4len; i++)
		l4[i] = i < hl ? h[i] : (uint8_t)(i * 7 + 3);
}

static void build_ip6_ext(struct frame *f, const struct spec *s, size_t off)
{
	int i;

	for (i = 0; i < s->n_ext; i++) {
		uint8_t *h = f->b + off;
		size_t sz = ext_size(s->ext[i]);

		f->ext_off[i] = off;
		memset(h, 0, sz);
		h[0] = i + 1 < s->n_ext ? s->ext[i + 1] : s->proto;
		if (s->ext[i] == IPPROTO_AH) {
			h[1] = (uint8_t)(sz / 4 - 2);
			put16(h + 4, 0x1001);	/* SPI */
		} else if (s->ext[i] == IPPROTO_FRAGMENT) {
			put16(h + 2, s->frag);
			put16(h + 6, 0x7777);	/* identification */
		} else {
			h[1] = (uint8_t)(sz / 8 - 1);
		}
		off += sz;
	}
	f->l4 = off;
}

/* Build the frame s describes, every length and checksum right. */
static void build(struct frame *f, const struct spec *s)
{
	static const uint8_t ra[4] = { 0x94, 4, 0, 0 };
	uint8_t *b = f->b, *ip;
	size_t off = 12, i, l4len, ext = 0;

	memset(f, 0, sizeof(*f));
	tb_mac(b, ET_LB_MAC);
	tb_mac(b + 6, CLIENT_MAC);
	for (i = 0; i < s->tags; i++) {
		put16(b + off, i == 0 && s->tags > 1 ? 0x88A8 : 0x8100);
		put16(b + off + 2, tci_of(s, (int)i));
		off += 4;
	}
	put16(b + off, s->ethertype ? s->ethertype :
			s->v6 ? 0x86DD : 0x0800);
	f->l3 = off + 2;
	ip = b + f->l3;
	if (s->ethertype == ETH_P_ARP_) {	/* request, 28 bytes */
		static const uint8_t arp[8] = { 0, 1, 8, 0, 6, 4, 0, 1 };

		memcpy(ip, arp, 8);
		memset(ip + 8, 0x11, 20);
		f->end = f->l3 + 28;
		f->len = f->end + s->pad;
		return;
	}
	l4len = s->cut ? s->l4len : l4_hdr_size(s->proto) + s->paylen;
	if (s->v6) {
		for (i = 0; i < s->n_ext; i++)
			ext += ext_size(s->ext[i]);
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)(ext + l4len));
		ip[6] = s->n_ext ? s->ext[0] : s->proto;
		ip[7] = 64;
		inet_pton(AF_INET6, CLIENT6, ip + 8);
		inet_pton(AF_INET6, VIP6, ip + 24);
		build_ip6_ext(f, s, f->l3 + 40);
	} else {
		f->hlen = 20 + s->optlen;
		ip[0] = (uint8_t)(0x40 | f->hlen / 4);
		put16(ip + 2, (uint16_t)(f->hlen + l4len));
		put16(ip + 4, 0x1234);
		put16(ip + 6, s->frag);
		ip[8] = 64;
		ip[9] = s->proto;
		inet_pton(AF_INET, CLIENT4, ip + 12);
		inet_pton(AF_INET, VIP4, ip + 16);
		for (i = 0; i < s->optlen; i++)	/* router alert, NOPs */
			ip[20 + i] = i < 4 ? ra[i] : 1;
		f->l4 = f->l3 + f->hlen;
		ip4_fix_csum(f);
	}
	build_l4(f, s, l4len);
	f->end = f->l4 + l4len;
	memset(b + f->end, 0, s->pad);
	f->len = f->end + s->pad;
	assert_true(f->len <= FRAME_MAX);
}

/* The fragment offset in bytes of what s describes. */
static uint16_t spec_fragoffs(const struct spec *s)
{
	if (!s->v6)
		return (uint16_t)((s->frag & 0x1fff) * 8);
	for (int i = 0; i < s->n_ext; i++)
		if (s->ext[i] == IPPROTO_FRAGMENT)
			return s->frag & 0xfff8;
	return 0;
}

static bool spec_is_frag(const struct spec *s)
{
	if (!s->v6)
		return (s->frag & 0x3fff) != 0;
	for (int i = 0; i < s->n_ext; i++)
		if (s->ext[i] == IPPROTO_FRAGMENT)
			return true;
	return false;
}

/*
 * What the parser must say of f when its IP length field makes the IP
 * packet end at end (the frame holding at least that much): from where
 * the builder put each header, not from the bytes.
 */
static int expect_at(const struct frame *f, const struct spec *s, size_t end)
{
	uint16_t fo = spec_fragoffs(s);
	int i;

	if (s->ethertype == ETH_P_ARP_)
		return R_NOT_IP;
	if (!s->v6 && end < f->l3 + f->hlen)
		return R_MALF;			/* total length < IHL */
	if (s->v6 && end == f->l3 + 40)
		return R_MALF;			/* payload length 0 */
	for (i = 0; i < s->n_ext; i++) {
		if (end < f->ext_off[i] + 8)
			return R_TRUNC;
		if (s->ext[i] == IPPROTO_FRAGMENT && fo)
			break;
	}
	if (end < f->l4)
		return R_TRUNC;
	if (!fo && end - f->l4 < l4_min(s->proto))
		return R_TRUNC;
	return R_OK;
}

/* ---- running the parser and the engine on exactly-sized copies ---- */

/* A copy of len bytes in a block of exactly that size (malloc(0) gives
 * a block of no bytes, which ASan watches as well). */
static uint8_t *dup_exact(const uint8_t *b, size_t len)
{
	uint8_t *c = malloc(len);

	assert_true(c != NULL || len == 0);
	if (len)
		memcpy(c, b, len);
	return c;
}

static int parse_exact(const uint8_t *b, size_t len, struct xdpvs_pkt *p)
{
	uint8_t *c = dup_exact(b, len);
	int r = xdpvs_pkt_parse(p, c, (uint32_t)len);

	free(c);
	p->data = NULL;		/* gone */
	return r;
}

/* Run len bytes of b through the engine from an exactly-sized buffer;
 * check the verdict and that exactly the counter drop (or none) grew. */
static void engine_expect_(struct et *t, const uint8_t *b, size_t len,
			   enum xdpvs_verdict want, int drop,
			   const char *file, int line)
{
	uint64_t before[XDPVS_DROP_MAX], after[XDPVS_DROP_MAX];
	uint8_t *c = dup_exact(b, len);
	struct xdpvs_frame fr = { .data = c, .len = (uint32_t)len,
				  .ifindex = 1 };
	enum xdpvs_verdict v;
	int i;

	xdpvs_drops(t->e, before);
	t->now += XDPVS_NSEC_PER_SEC / 1000;
	v = xdpvs_engine_rx(t->e, t->now, &fr);
	xdpvs_drops(t->e, after);
	free(c);
	if (v != want) {
		print_message("%s:%d: len %zu: verdict %d, want %d\n", file,
			      line, len, v, want);
		_fail(file, line);
	}
	for (i = 0; i < XDPVS_DROP_MAX; i++) {
		uint64_t grew = after[i] - before[i];

		if (grew != (i == drop ? 1u : 0u)) {
			print_message("%s:%d: len %zu: counter %s grew by %llu"
				      "\n", file, line, len,
				      xdpvs_drop_name((enum xdpvs_drop)i),
				      (unsigned long long)grew);
			_fail(file, line);
		}
	}
}
#define engine_expect(t, b, len, want, drop) \
	engine_expect_(t, b, len, want, drop, __FILE__, __LINE__)

/* The engine's view of a parse result. */
static void engine_expect_result(struct et *t, const uint8_t *b, size_t len,
				 int r, enum xdpvs_verdict ok_verdict,
				 int ok_drop)
{
	if (r == R_NOT_IP)
		engine_expect(t, b, len, XDPVS_PASS, NO_DROP);
	else if (r < 0)
		engine_expect(t, b, len, XDPVS_DROP, -r - 1);
	else
		engine_expect(t, b, len, ok_verdict, ok_drop);
}

/* An engine with NAT services on VIP4 and VIP6 for TCP 80, UDP 53 and
 * SCTP 5060. */
static int setup(void **state)
{
	static struct et t;
	static const char *const svcs[][2] = {
		{ "tcp " VIP4 " 80", RS4 " 8080" },
		{ "udp " VIP4 " 53", RS4 " 53" },
		{ "sctp " VIP4 " 5060", RS4 " 5060" },
		{ "tcp " VIP6 " 80", RS6 " 8080" },
		{ "udp " VIP6 " 53", RS6 " 53" },
		{ "sctp " VIP6 " 5060", RS6 " 5060" },
	};
	size_t i;

	et_init(&t, 0);
	for (i = 0; i < sizeof(svcs) / sizeof(svcs[0]); i++) {
		et_add_svc(&t, svcs[i][0], "rr");
		et_add_dest(&t, svcs[i][0], svcs[i][1], 'm', 1);
	}
	t.now = XDPVS_NSEC_PER_SEC;
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	et_fini(*state);
	return 0;
}

/* ---- valid frames of every kind ---- */

struct kind {
	const char *name;
	struct spec s;
	enum xdpvs_verdict v;	/* the engine's verdict on the frame */
	int drop;		/* and the counter it bumps */
};

#define SYN .proto = IPPROTO_TCP, .tcp_flags = XDPVS_TCP_SYN
#define V6 .v6 = true
#define EXT(...) .n_ext = sizeof((uint8_t[]){ __VA_ARGS__ }), \
		 .ext = { __VA_ARGS__ }
#define HBH IPPROTO_HOPOPTS
#define RTH IPPROTO_ROUTING
#define DOH IPPROTO_DSTOPTS
#define FRH IPPROTO_FRAGMENT
#define AH IPPROTO_AH

static const struct kind kinds[] = {
	{ "ip4_tcp_syn", { SYN, .paylen = 10 }, XDPVS_TX, NO_DROP },
	{ "ip4_tcp_vlan", { SYN, .tags = 1 }, XDPVS_TX, NO_DROP },
	{ "ip4_tcp_qinq", { SYN, .tags = 2, .paylen = 3 }, XDPVS_TX, NO_DROP },
	{ "ip4_options_4", { SYN, .optlen = 4 }, XDPVS_TX, NO_DROP },
	{ "ip4_options_40", { SYN, .optlen = 40, .tags = 1 }, XDPVS_TX,
	  NO_DROP },
	{ "ip4_udp", { .proto = IPPROTO_UDP, .paylen = 33 }, XDPVS_TX,
	  NO_DROP },
	{ "ip4_udp_padded", { .proto = IPPROTO_UDP, .paylen = 2, .pad = 16 },
	  XDPVS_TX, NO_DROP },
	{ "ip4_udp_empty", { .proto = IPPROTO_UDP }, XDPVS_TX, NO_DROP },
	{ "ip4_sctp_init", { .proto = IPPROTO_SCTP, .sctp_chunk = 1,
			     .paylen = 16 }, XDPVS_TX, NO_DROP },
	/* The common header alone: no chunk, nothing to schedule on. */
	{ "ip4_sctp_no_chunk", { .proto = IPPROTO_SCTP, .cut = true,
				 .l4len = 12 }, XDPVS_PASS, NO_DROP },
	{ "ip4_icmp_echo", { .proto = IPPROTO_ICMP, .paylen = 8 }, XDPVS_PASS,
	  NO_DROP },
	{ "ip4_gre", { .proto = IPPROTO_GRE, .paylen = 4 }, XDPVS_PASS,
	  NO_DROP },
	{ "ip4_first_fragment", { SYN, .frag = 0x2000, .paylen = 8 },
	  XDPVS_HOLD, NO_DROP },
	{ "ip4_later_fragment", { .proto = IPPROTO_TCP, .frag = 185,
				  .cut = true, .l4len = 8 },
	  XDPVS_HOLD, NO_DROP },
	{ "ip4_last_fragment_df", { .proto = IPPROTO_UDP, .frag = 0x4000 | 3,
				    .cut = true, .l4len = 1, .pad = 25 },
	  XDPVS_HOLD, NO_DROP },
	{ "ip6_tcp_syn", { V6, SYN, .paylen = 1 }, XDPVS_TX, NO_DROP },
	{ "ip6_tcp_vlan", { V6, SYN, .tags = 1 }, XDPVS_TX, NO_DROP },
	{ "ip6_udp_qinq_padded", { V6, .proto = IPPROTO_UDP, .tags = 2,
				   .pad = 7 }, XDPVS_TX, NO_DROP },
	{ "ip6_sctp_init", { V6, .proto = IPPROTO_SCTP, .sctp_chunk = 1,
			     .paylen = 16 }, XDPVS_TX, NO_DROP },
	{ "ip6_icmp_echo", { V6, .proto = IPPROTO_ICMPV6, .paylen = 4 },
	  XDPVS_PASS, NO_DROP },
	{ "ip6_no_next_header", { V6, .proto = 59, .paylen = 8 }, XDPVS_PASS,
	  NO_DROP },
	{ "ip6_hbh_rt_dst", { V6, SYN, EXT(HBH, RTH, DOH) }, XDPVS_TX,
	  NO_DROP },
	{ "ip6_ah", { V6, SYN, EXT(AH), .paylen = 5 }, XDPVS_TX, NO_DROP },
	{ "ip6_all_ext_udp", { V6, .proto = IPPROTO_UDP,
			       EXT(HBH, DOH, RTH, AH, DOH) }, XDPVS_TX,
	  NO_DROP },
	{ "ip6_eight_ext", { V6, SYN, EXT(HBH, DOH, DOH, DOH, DOH, DOH, DOH,
					  DOH) }, XDPVS_TX, NO_DROP },
	/* 8 + 20 + 4 bytes after the fragment header: whole 8-byte units,
	 * as a fragment with more to come must carry. */
	{ "ip6_first_fragment", { V6, SYN, EXT(HBH, RTH, FRH, DOH),
				  .frag = 0x0001, .paylen = 4 },
	  XDPVS_HOLD, NO_DROP },
	{ "ip6_later_fragment", { V6, .proto = IPPROTO_TCP, EXT(FRH),
				  .frag = 1448, .cut = true, .l4len = 3 },
	  XDPVS_HOLD, NO_DROP },
	/* Atomic fragment (offset 0, no M): a whole packet (RFC 6946). */
	{ "ip6_atomic_fragment", { V6, .proto = IPPROTO_UDP, EXT(FRH) },
	  XDPVS_TX, NO_DROP },
	{ "arp", { .ethertype = ETH_P_ARP_, .pad = 18 }, XDPVS_PASS, NO_DROP },
	{ "arp_vlan", { .ethertype = ETH_P_ARP_, .tags = 1 }, XDPVS_PASS,
	  NO_DROP },
	/* A third tag is not looked into: not ours. */
	{ "three_tags", { SYN, .tags = 3 }, XDPVS_PASS, NO_DROP },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

static void check_valid_fields(const struct frame *f, const struct spec *s,
			       const struct xdpvs_pkt *p)
{
	union xdpvs_addr sa, da;
	uint16_t fo = spec_fragoffs(s);
	bool ports = !fo && (s->proto == IPPROTO_TCP ||
			     s->proto == IPPROTO_UDP ||
			     s->proto == IPPROTO_SCTP);

	memset(&sa, 0, sizeof(sa));
	memset(&da, 0, sizeof(da));
	inet_pton(s->v6 ? AF_INET6 : AF_INET, s->v6 ? CLIENT6 : CLIENT4, &sa);
	inet_pton(s->v6 ? AF_INET6 : AF_INET, s->v6 ? VIP6 : VIP4, &da);
	assert_int_equal(p->len, f->end);	/* padding trimmed */
	assert_int_equal(p->l3_off, f->l3);
	assert_int_equal(p->l4_off, f->l4);
	assert_int_equal(p->af, s->v6 ? AF_INET6 : AF_INET);
	assert_int_equal(p->protocol, s->proto);
	assert_int_equal(p->ttl, 64);
	assert_memory_equal(&p->saddr, &sa, sizeof(sa));
	assert_memory_equal(&p->daddr, &da, sizeof(da));
	assert_int_equal(p->vlan, s->tags > 0);
	assert_int_equal(p->vlan_tci, s->tags ? tci_of(s, 0) : 0);
	assert_int_equal(p->frag, spec_is_frag(s));
	assert_int_equal(p->fragoffs, fo);
	assert_int_equal(p->has_ports, ports);
	if (ports) {
		assert_int_equal(ntohs(p->sport), 40000);
		assert_int_equal(ntohs(p->dport), dport_of(s->proto));
	}
	if (s->proto == IPPROTO_TCP && ports)
		assert_int_equal(p->tcp_flags, s->tcp_flags);
	if (s->proto == IPPROTO_SCTP) {
		assert_int_equal(p->has_chunk, f->end - f->l4 >= 16);
		assert_int_equal(p->sctp_chunk, p->has_chunk ? s->sctp_chunk
							     : 0);
	}
	if ((s->proto == IPPROTO_ICMP || s->proto == IPPROTO_ICMPV6) && !fo) {
		assert_int_equal(p->icmp_type, s->v6 ? 128 : 8);
		assert_int_equal(p->icmp_code, 0);
	}
}

/* Each kind parses to exactly the offsets and fields it was built with. */
static void valid_frames_parse_exactly(void **state)
{
	struct frame f;
	struct xdpvs_pkt p;
	size_t k;

	(void)state;
	for (k = 0; k < NKINDS; k++) {
		const struct spec *s = &kinds[k].s;
		int r;

		build(&f, s);
		r = parse_exact(f.b, f.len, &p);
		print_message("  %s: %zu bytes\n", kinds[k].name, f.len);
		if (s->ethertype == ETH_P_ARP_ || s->tags > 2) {
			assert_int_equal(r, R_NOT_IP);
			continue;
		}
		assert_int_equal(r, R_OK);
		check_valid_fields(&f, s, &p);
	}
}

/* Each kind through the engine, with a service on its destination (and
 * a fresh engine each: no connection from an earlier one). */
static void valid_frames_engine_verdicts(void **state)
{
	struct frame f;
	size_t k;

	for (k = 0; k < NKINDS; k++) {
		teardown(state);
		setup(state);
		build(&f, &kinds[k].s);
		print_message("  %s\n", kinds[k].name);
		engine_expect(*state, f.b, f.len, kinds[k].v, kinds[k].drop);
	}
}

/*
 * Every prefix of every valid frame: shorter than the Ethernet header,
 * the tags or the IP packet its length field announces, it is truncated;
 * from there on (link padding) it parses as the whole frame does.
 */
static void every_prefix_is_truncated(void **state)
{
	struct frame f;
	struct xdpvs_pkt p;
	size_t k, n;

	(void)state;
	for (k = 0; k < NKINDS; k++) {
		const struct spec *s = &kinds[k].s;
		size_t l2 = 14 + 4 * (s->tags > 2 ? 2 : s->tags);
		int want_full;

		build(&f, s);
		want_full = parse_exact(f.b, f.len, &p);
		for (n = 0; n <= f.len; n++) {
			int want = n < l2 ? R_TRUNC :
				   want_full == R_NOT_IP ? R_NOT_IP :
				   n < f.end ? R_TRUNC : want_full;
			int r = parse_exact(f.b, n, &p);

			if (r != want)
				print_message("%s: prefix %zu: %d, want %d\n",
					      kinds[k].name, n, r, want);
			assert_int_equal(r, want);
			if (r == R_OK)
				check_valid_fields(&f, s, &p);
		}
	}
}

/* The same prefixes through the engine: dropped as truncated, counted. */
static void every_prefix_engine_drops_truncated(void **state)
{
	struct et *t = *state;
	struct frame f;
	struct xdpvs_pkt p;
	size_t k, n;

	for (k = 0; k < NKINDS; k++) {
		build(&f, &kinds[k].s);
		for (n = 0; n < f.end; n++)	/* never a whole packet */
			engine_expect_result(t, f.b, n,
					     parse_exact(f.b, n, &p),
					     XDPVS_PASS, NO_DROP);
	}
}

/* Set the IP length field of f so that the IP packet ends at end. */
static void set_ip_end(struct frame *f, const struct spec *s, size_t end)
{
	uint8_t *ip = f->b + f->l3;

	if (s->v6) {
		put16(ip + 4, (uint16_t)(end - f->l3 - 40));
	} else {
		put16(ip + 2, (uint16_t)(end - f->l3));
		ip4_fix_csum(f);
	}
}

/*
 * Every IP length shorter than the real one, the bytes still in the
 * frame (so they are link padding): each header the length cuts short is
 * caught, and what the length leaves intact parses.
 */
static void every_ip_length_is_checked(void **state)
{
	struct et *t = *state;
	struct frame f;
	struct xdpvs_pkt p;
	size_t k, end;

	for (k = 0; k < NKINDS; k++) {
		const struct spec *s = &kinds[k].s;

		if (s->ethertype == ETH_P_ARP_ || s->tags > 2)
			continue;
		build(&f, s);
		for (end = f.l3 + (s->v6 ? 40 : 0); end <= f.end; end++) {
			int want = expect_at(&f, s, end), r;

			set_ip_end(&f, s, end);
			r = parse_exact(f.b, f.len, &p);
			if (r != want)
				print_message("%s: IP end %zu: %d, want %d\n",
					      kinds[k].name, end, r, want);
			assert_int_equal(r, want);
			if (r == R_OK)
				assert_int_equal(p.len, end);
			if (r < 0)
				engine_expect_result(t, f.b, f.len, r,
						     XDPVS_PASS, NO_DROP);
		}
	}
}

/* ---- the corpus of malformed frames ---- */

enum mut {
	M_NONE,
	M_CUT,			/* frame cut to arg bytes */
	M_CUT_L3,		/* frame cut to l3 + arg bytes */
	M_IP4_VERSION,		/* version nibble := arg */
	M_IP4_IHL,		/* IHL := arg, checksum fixed */
	M_IP4_TOTLEN,		/* total length := arg, checksum fixed */
	M_IP4_TOTLEN_PLUS,	/* total length += arg, checksum fixed */
	M_IP4_CSUM,		/* checksum ^= arg */
	M_IP6_VERSION,
	M_IP6_PLEN,		/* payload length := arg */
	M_IP6_PLEN_PLUS,	/* payload length += arg */
	M_IP6_EXT_LEN,		/* first extension header's length := arg */
	M_ETHERTYPE,		/* innermost ethertype := arg */
};

struct bad {
	const char *name;
	struct spec s;
	enum mut mut;
	unsigned int arg;
	int want;		/* parse result */
};

static const struct bad corpus[] = {
	{ "empty_frame", { SYN }, M_CUT, 0, R_TRUNC },
	{ "ethernet_13_bytes", { SYN }, M_CUT, 13, R_TRUNC },
	{ "ethernet_header_only", { SYN }, M_CUT, 14, R_TRUNC },
	{ "vlan_tag_cut", { SYN, .tags = 1 }, M_CUT, 16, R_TRUNC },
	{ "vlan_inner_type_cut", { SYN, .tags = 1 }, M_CUT, 17, R_TRUNC },
	{ "qinq_second_tag_cut", { SYN, .tags = 2 }, M_CUT, 20, R_TRUNC },
	{ "qinq_inner_type_cut", { SYN, .tags = 2 }, M_CUT, 21, R_TRUNC },
	{ "arp", { .ethertype = ETH_P_ARP_ }, M_NONE, 0, R_NOT_IP },
	{ "arp_vlan_runt", { .ethertype = ETH_P_ARP_, .tags = 1 }, M_CUT, 18,
	  R_NOT_IP },
	{ "lldp", { SYN }, M_ETHERTYPE, 0x88CC, R_NOT_IP },
	{ "ip4_header_cut", { SYN }, M_CUT_L3, 19, R_TRUNC },
	{ "ip4_version_6", { SYN }, M_IP4_VERSION, 6, R_MALF },
	{ "ip4_version_0", { SYN }, M_IP4_VERSION, 0, R_MALF },
	{ "ip4_ihl_0", { SYN }, M_IP4_IHL, 0, R_MALF },
	{ "ip4_ihl_4", { SYN }, M_IP4_IHL, 4, R_MALF },
	{ "ip4_ihl_beyond_frame", { SYN }, M_IP4_IHL, 15, R_TRUNC },
	{ "ip4_options_cut", { SYN, .optlen = 40 }, M_CUT_L3, 59, R_TRUNC },
	{ "ip4_totlen_0", { SYN }, M_IP4_TOTLEN, 0, R_MALF },
	{ "ip4_totlen_below_ihl", { SYN }, M_IP4_TOTLEN, 19, R_MALF },
	{ "ip4_totlen_below_options", { SYN, .optlen = 8 }, M_IP4_TOTLEN, 27,
	  R_MALF },
	{ "ip4_totlen_beyond_frame", { SYN }, M_IP4_TOTLEN_PLUS, 1, R_TRUNC },
	{ "ip4_totlen_65535", { SYN }, M_IP4_TOTLEN, 65535, R_TRUNC },
	{ "ip4_bad_checksum", { SYN }, M_IP4_CSUM, 0x0001, R_MALF },
	{ "ip4_zero_checksum", { SYN }, M_IP4_CSUM, 0, R_MALF },
	{ "ip4_options_bad_checksum", { SYN, .optlen = 12 }, M_IP4_CSUM,
	  0x8000, R_MALF },
	{ "ip6_header_cut", { V6, SYN }, M_CUT_L3, 39, R_TRUNC },
	{ "ip6_version_4", { V6, SYN }, M_IP6_VERSION, 4, R_MALF },
	{ "ip6_plen_beyond_frame", { V6, SYN }, M_IP6_PLEN_PLUS, 1, R_TRUNC },
	{ "ip6_plen_65535", { V6, SYN }, M_IP6_PLEN, 65535, R_TRUNC },
	{ "ip6_plen_zero", { V6, SYN }, M_IP6_PLEN, 0, R_MALF },
	{ "ip6_ext_past_end", { V6, SYN, EXT(HBH) }, M_IP6_EXT_LEN, 255,
	  R_TRUNC },
	{ "ip6_ext_past_plen", { V6, SYN, EXT(DOH, RTH), .pad = 64 },
	  M_IP6_PLEN, 20, R_TRUNC },
	{ "ip6_frame_cut_in_ext", { V6, SYN, EXT(HBH, DOH) }, M_CUT_L3,
	  40 + 8 + 7, R_TRUNC },
	{ "ip6_ah_past_end", { V6, SYN, EXT(AH) }, M_IP6_EXT_LEN, 200,
	  R_TRUNC },
	{ "ip6_nine_ext", { V6, SYN, EXT(HBH, DOH, DOH, DOH, DOH, DOH, DOH,
					 DOH, DOH) }, M_NONE, 0, R_MALF },
	{ "ip4_tcp_19_bytes", { .proto = IPPROTO_TCP, .cut = true,
				.l4len = 19 }, M_NONE, 0, R_TRUNC },
	{ "ip4_tcp_0_bytes", { .proto = IPPROTO_TCP, .cut = true },
	  M_NONE, 0, R_TRUNC },
	{ "ip6_tcp_19_bytes", { V6, .proto = IPPROTO_TCP, .cut = true,
				.l4len = 19, EXT(DOH) }, M_NONE, 0, R_TRUNC },
	{ "ip4_udp_7_bytes", { .proto = IPPROTO_UDP, .cut = true, .l4len = 7,
			       .pad = 20 }, M_NONE, 0, R_TRUNC },
	{ "ip6_udp_7_bytes", { V6, .proto = IPPROTO_UDP, .cut = true,
			       .l4len = 7 }, M_NONE, 0, R_TRUNC },
	{ "ip4_sctp_11_bytes", { .proto = IPPROTO_SCTP, .cut = true,
				 .l4len = 11 }, M_NONE, 0, R_TRUNC },
	{ "ip6_sctp_11_bytes", { V6, .proto = IPPROTO_SCTP, .cut = true,
				 .l4len = 11 }, M_NONE, 0, R_TRUNC },
	{ "ip4_icmp_7_bytes", { .proto = IPPROTO_ICMP, .cut = true,
				.l4len = 7 }, M_NONE, 0, R_TRUNC },
	{ "ip6_icmp_7_bytes", { V6, .proto = IPPROTO_ICMPV6, .cut = true,
				.l4len = 7 }, M_NONE, 0, R_TRUNC },
	/* A first fragment must hold the transport header too. */
	{ "ip4_first_fragment_tcp_cut", { .proto = IPPROTO_TCP, .frag = 0x2000,
					  .cut = true, .l4len = 16 },
	  M_NONE, 0, R_TRUNC },
};

#define NCORPUS (sizeof(corpus) / sizeof(corpus[0]))

/* Build the corpus entry c into f. */
static void build_bad(struct frame *f, const struct bad *c)
{
	uint8_t *ip;

	build(f, &c->s);
	ip = f->b + f->l3;
	switch (c->mut) {
	case M_NONE:
		break;
	case M_CUT:
		f->len = c->arg;
		break;
	case M_CUT_L3:
		f->len = f->l3 + c->arg;
		break;
	case M_IP4_VERSION:
		ip[0] = (uint8_t)(c->arg << 4 | (ip[0] & 0x0f));
		ip4_fix_csum(f);
		break;
	case M_IP4_IHL:	/* the checksum over what the IHL says, if there */
		ip[0] = (uint8_t)(0x40 | c->arg);
		if (c->arg >= 5 && f->l3 + c->arg * 4 <= f->len)
			ip4_fix_csum(f);
		break;
	case M_IP4_TOTLEN:
		put16(ip + 2, (uint16_t)c->arg);
		ip4_fix_csum(f);
		break;
	case M_IP4_TOTLEN_PLUS:
		put16(ip + 2, (uint16_t)(get16(ip + 2) + c->arg));
		ip4_fix_csum(f);
		break;
	case M_IP4_CSUM:
		put16(ip + 10, c->arg ? get16(ip + 10) ^ c->arg : 0);
		break;
	case M_IP6_VERSION:
		ip[0] = (uint8_t)(c->arg << 4 | (ip[0] & 0x0f));
		break;
	case M_IP6_PLEN:
		put16(ip + 4, (uint16_t)c->arg);
		break;
	case M_IP6_PLEN_PLUS:
		put16(ip + 4, (uint16_t)(get16(ip + 4) + c->arg));
		break;
	case M_IP6_EXT_LEN:
		ip[40 + 1] = (uint8_t)c->arg;
		break;
	case M_ETHERTYPE:
		put16(f->b + f->l3 - 2, (uint16_t)c->arg);
		break;
	}
}

/* Each malformed frame: the parser's exact answer. */
static void malformed_frames_parse_result(void **state)
{
	struct frame f;
	struct xdpvs_pkt p;
	size_t i;

	(void)state;
	for (i = 0; i < NCORPUS; i++) {
		int r;

		build_bad(&f, &corpus[i]);
		r = parse_exact(f.b, f.len, &p);
		if (r != corpus[i].want)
			print_message("%s: %d, want %d\n", corpus[i].name, r,
				      corpus[i].want);
		assert_int_equal(r, corpus[i].want);
	}
}

/* Each malformed frame through the engine: dropped and counted as the
 * parser says, or passed when it is not IP; never a connection. */
static void malformed_frames_engine_drop_counted(void **state)
{
	struct et *t = *state;
	struct frame f;
	size_t i;

	for (i = 0; i < NCORPUS; i++) {
		int want = corpus[i].want;

		build_bad(&f, &corpus[i]);
		print_message("  %s\n", corpus[i].name);
		if (want == R_NOT_IP)
			engine_expect(t, f.b, f.len, XDPVS_PASS, NO_DROP);
		else
			engine_expect(t, f.b, f.len, XDPVS_DROP, -want - 1);
	}
	assert_int_equal(xdpvs_conn_count(t->e), 0);
}

/* A runt of 18 bytes, one VLAN tag and ARP inside, holds all of its
 * Ethernet header: not IP, not truncated. */
static void vlan_runt_with_whole_l2_header_is_not_ip(void **state)
{
	struct frame f;
	struct xdpvs_pkt p;
	struct spec s = { .ethertype = ETH_P_ARP_, .tags = 1 };

	(void)state;
	build(&f, &s);
	assert_int_equal(parse_exact(f.b, 18, &p), R_NOT_IP);
	assert_int_equal(parse_exact(f.b, 17, &p), R_TRUNC);
	s.tags = 2;
	build(&f, &s);
	assert_int_equal(parse_exact(f.b, 22, &p), R_NOT_IP);
	assert_int_equal(parse_exact(f.b, 21, &p), R_TRUNC);
}

/* ---- quotes in ICMP errors (xdpvs_pkt_parse_inner) ---- */

/*
 * Every prefix of a quoted packet: an IP header (with its options or
 * extension headers) is needed, ports when 4 bytes of them are there;
 * the quote's own length fields are not trusted.
 */
static void quote_every_prefix(void **state)
{
	static const struct spec quotes[] = {
		{ SYN, .paylen = 4 },
		{ SYN, .optlen = 8 },
		{ .proto = IPPROTO_UDP, .paylen = 4 },
		{ V6, .proto = IPPROTO_SCTP, .sctp_chunk = 1 },
		{ V6, SYN, EXT(HBH, RTH) },
		{ V6, .proto = IPPROTO_TCP, EXT(FRH), .frag = 8, .cut = true,
		  .l4len = 8 },
	};
	struct frame f;
	struct xdpvs_pkt q;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(quotes) / sizeof(quotes[0]); i++) {
		const struct spec *s = &quotes[i];
		uint16_t fo = spec_fragoffs(s);
		size_t hdrs;

		build(&f, s);
		hdrs = f.l4;
		for (n = f.l3; n <= f.end; n++) {
			uint8_t *c = dup_exact(f.b, n);
			int r = xdpvs_pkt_parse_inner(&q, c, (uint32_t)f.l3,
						      (uint32_t)n,
						      s->v6 ? AF_INET6
							    : AF_INET);
			bool ports = r == 0 && !fo && n >= hdrs + 4;

			free(c);
			assert_int_equal(r, n < hdrs ? -1 : 0);
			assert_int_equal(q.has_ports, ports);
			if (r == 0) {
				assert_int_equal(q.l4_off, hdrs);
				assert_int_equal(q.protocol, s->proto);
			}
			if (ports)
				assert_int_equal(ntohs(q.dport),
						 dport_of(s->proto));
		}
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(valid_frames_parse_exactly),
		T(valid_frames_engine_verdicts),
		T(every_prefix_is_truncated),
		T(every_prefix_engine_drops_truncated),
		T(every_ip_length_is_checked),
		T(malformed_frames_parse_result),
		T(malformed_frames_engine_drop_counted),
		T(vlan_runt_with_whole_l2_header_is_not_ip),
		T(quote_every_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
