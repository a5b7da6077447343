// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sync messages (core/sync_msg.c) against the kernel's own: the
 * datagrams a kernel master sent (tests/data/sync/, recorded in refvm,
 * see its README) decode to the records listed there, and encoding those
 * records again gives the same bytes; round trips of every kind of
 * record in both versions; batching within sync_maxlen; and what a
 * backup does with malformed input: every prefix of every recorded
 * datagram, bad sizes and counts, each bad option, flag and state, each
 * counted with its reason, nothing read past the end (the datagrams are
 * handed over in exactly-sized buffers, for ASan).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "../../../core/sync_msg.h"

#define DATA "tests/data/sync/"
#define MAXREC 64

struct got {
	int n;
	struct xdpvs_sync_rec r[MAXREC];
};

static void collect(void *ctx, const struct xdpvs_sync_rec *r)
{
	struct got *g = ctx;

	assert_true(g->n < MAXREC);
	g->r[g->n++] = *r;
}

/* A file of tests/data/sync/, in a buffer of exactly its size. */
static uint8_t *load(const char *name, size_t *len)
{
	char path[256];
	uint8_t tmp[65536], *buf;
	FILE *f;

	snprintf(path, sizeof(path), DATA "%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	*len = fread(tmp, 1, sizeof(tmp), f);
	fclose(f);
	buf = malloc(*len);
	assert_non_null(buf);
	memcpy(buf, tmp, *len);
	return buf;
}

/* Decode buf[0..len) from an exactly-sized copy. */
static int decode(const uint8_t *buf, size_t len, uint8_t syncid,
		  struct got *g, struct xdpvs_sync_counters *c)
{
	uint8_t *copy = malloc(len ? len : 1);
	int n;

	memcpy(copy, buf, len);
	memset(g, 0, sizeof(*g));
	memset(c, 0, sizeof(*c));
	n = xdpvs_sync_msg_decode(copy, len, syncid, collect, g, c);
	free(copy);
	assert_int_equal(n, g->n);
	return n;
}

static const char *proto_name(uint16_t p)
{
	switch (p) {
	case IPPROTO_IP: return "IP";
	case IPPROTO_TCP: return "TCP";
	case IPPROTO_UDP: return "UDP";
	case IPPROTO_SCTP: return "SCTP";
	}
	return "?";
}

static void fmt_addr(char *out, size_t n, int af, const union xdpvs_addr *a,
		     uint16_t port)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(af, a, s, sizeof(s));
	snprintf(out, n, af == AF_INET6 ? "[%s]:%u" : "%s:%u", s, ntohs(port));
}

/* A record as tests/data/sync/extract.py prints it. */
static void fmt_rec(char *out, size_t n, const struct xdpvs_sync_rec *r)
{
	const struct xdpvs_conn_info *ci = &r->ci;
	char c[64], v[64], d[64];
	int len;

	fmt_addr(c, sizeof(c), ci->af, &ci->caddr, ci->cport);
	fmt_addr(v, sizeof(v), ci->af, &ci->vaddr, ci->vport);
	fmt_addr(d, sizeof(d), ci->af, &ci->daddr, ci->dport);
	len = snprintf(out, n, "%s %s %s %s st=%u fl=0x%x to=%u fm=%u",
		       proto_name(ci->protocol), c, v, d, ci->state,
		       r->wire_flags, ci->timeout, ci->fwmark);
	if (ci->pe_data_len)
		snprintf(out + len, n - (size_t)len, " pe_data=%.*s pe_name=%s",
			 ci->pe_data_len, ci->pe_data, ci->pe_name);
}

/* ------------------------------------------------------------------
 * The kernel's datagrams
 */

struct vector {
	const char *file;
	int version;
	uint32_t maxlen;	/* the master's sync_maxlen */
	const char *recs[12];
};

#define T1 "TCP 198.18.0.2:4980 198.18.100.1:80 198.18.2.2:80"
#define TP "TCP 198.18.0.2:0 198.18.100.2:443 198.18.2.2:443"
#define CP "TCP 198.18.0.2:9930 198.18.100.2:443 198.18.2.2:443"
#define FT "IP 198.18.0.2:0 0.0.0.1:0 198.18.1.2:0"
#define FC "TCP 198.18.0.2:26412 198.18.100.5:80 198.18.1.2:80"
#define V6 "TCP [2001:db8::2]:45468 [2001:db8:100::1]:80 [2001:db8:1::2]:80"
#define ST "UDP 198.18.0.2:0 198.18.100.6:5060 198.18.2.2:5060 st=0 " \
	   "fl=0x1100 to=60 fm=0 pe_data=a84b4c76e66710@198.18.0.2 pe_name=sip"
#define T0 "TCP 198.18.0.2:51128 198.18.100.1:80 198.18.1.2:80"
#define P0 "TCP 198.18.0.10:37018 198.18.100.2:443 198.18.1.2:443"
#define Q0 "TCP 198.18.0.10:0 198.18.100.2:443 198.18.1.2:443"
#define U120(p) "UDP 198.18.0.2:" p " 198.18.100.1:53 198.18.1.2:53 " \
		"st=0 fl=0x100 to=300 fm=0"

static const struct vector vectors[] = {
	{ "v1-tcp-nat.bin", 1, 1472,
	  { T1 " st=1 fl=0x0 to=900 fm=0", T1 " st=7 fl=0x100 to=60 fm=0",
	    T1 " st=5 fl=0x100 to=120 fm=0" } },
	{ "v1-udp.bin", 1, 1472,
	  { "UDP 198.18.0.2:40001 198.18.100.1:53 198.18.1.2:53 st=0 "
	    "fl=0x100 to=300 fm=0" } },
	{ "v1-persist.bin", 1, 1472,
	  { TP " st=0 fl=0x1100 to=300 fm=0", TP " st=1 fl=0x1100 to=300 fm=0",
	    CP " st=1 fl=0x0 to=900 fm=0", TP " st=1 fl=0x1100 to=300 fm=0",
	    TP " st=1 fl=0x1100 to=300 fm=0", CP " st=7 fl=0x100 to=60 fm=0",
	    TP " st=1 fl=0x1100 to=300 fm=0", CP " st=5 fl=0x100 to=120 fm=0",
	    TP " st=1 fl=0x1100 to=300 fm=0" } },
	{ "v1-fwmark.bin", 1, 1472,
	  { FT " st=0 fl=0x1100 to=60 fm=1", FT " st=1 fl=0x1100 to=60 fm=1",
	    FC " st=1 fl=0x0 to=900 fm=1", FT " st=1 fl=0x1100 to=60 fm=1",
	    FT " st=1 fl=0x1100 to=60 fm=1", FC " st=7 fl=0x100 to=60 fm=1",
	    FT " st=1 fl=0x1100 to=60 fm=1", FC " st=5 fl=0x100 to=120 fm=1",
	    FT " st=1 fl=0x1100 to=60 fm=1" } },
	{ "v1-ipv6.bin", 1, 1472,
	  { V6 " st=1 fl=0x0 to=900 fm=0", V6 " st=7 fl=0x100 to=60 fm=0",
	    V6 " st=5 fl=0x100 to=120 fm=0" } },
	{ "v1-sip.bin", 1, 1472,
	  { ST, ST,
	    "UDP 198.18.0.2:5060 198.18.100.6:5060 198.18.2.2:5060 st=0 "
	    "fl=0x100 to=300 fm=0", ST, ST } },
	{ "v0-tcp.bin", 0, 1472,
	  { T0 " st=1 fl=0x0 to=0 fm=0", T0 " st=7 fl=0x100 to=0 fm=0",
	    T0 " st=5 fl=0x100 to=0 fm=0" } },
	{ "v0-udp.bin", 0, 1472,
	  { "UDP 198.18.0.2:40002 198.18.100.1:53 198.18.1.2:53 st=0 "
	    "fl=0x100 to=0 fm=0" } },
	{ "v0-persist.bin", 0, 1472,
	  { P0 " st=1 fl=0x0 to=0 fm=0", Q0 " st=1 fl=0x1100 to=0 fm=0",
	    P0 " st=7 fl=0x100 to=0 fm=0", Q0 " st=1 fl=0x1100 to=0 fm=0",
	    P0 " st=5 fl=0x100 to=0 fm=0", Q0 " st=1 fl=0x1100 to=0 fm=0" } },
	{ "v1-maxlen120-a.bin", 1, 120,
	  { U120("41001"), U120("41002"), U120("41003") } },
	{ "v1-maxlen120-b.bin", 1, 120,
	  { U120("41004"), U120("41005"), U120("41006") } },
	{ "v1-maxlen120-c.bin", 1, 120, { U120("41007") } },
	{ "v1-template-rearm.bin", 1, 120,
	  { FT " st=1 fl=0x1100 to=60 fm=1" } },
	{ "v1-dr.bin", 1, 1472,
	  { "TCP 198.18.0.2:42000 198.18.100.3:80 198.18.1.2:80 st=1 "
	    "fl=0x83 to=900 fm=0",
	    "TCP 198.18.0.2:42000 198.18.100.3:80 198.18.1.2:80 st=4 "
	    "fl=0x183 to=120 fm=0" } },
};

#define NVECTORS (sizeof(vectors) / sizeof(vectors[0]))

static int vector_count(const struct vector *v)
{
	int n = 0;

	while (n < 12 && v->recs[n])
		n++;
	return n;
}

static void kernel_datagrams_decode(void **state)
{
	struct xdpvs_sync_counters c;
	struct got g;
	char line[512];
	size_t i, len;
	int j;

	for (i = 0; i < NVECTORS; i++) {
		const struct vector *v = &vectors[i];
		uint8_t *buf = load(v->file, &len);

		assert_int_equal(decode(buf, len, 0, &g, &c), vector_count(v));
		for (j = 0; j < g.n; j++) {
			fmt_rec(line, sizeof(line), &g.r[j]);
			if (strcmp(line, v->recs[j]))
				fail_msg("%s #%d: got %s\nwant %s", v->file, j,
					 line, v->recs[j]);
			/* as a backup takes it */
			assert_int_equal(g.r[j].ci.flags,
					 (g.r[j].wire_flags &
					  XDPVS_CONN_F_BACKUP_MASK) |
						 XDPVS_CONN_F_SYNC);
			assert_int_equal(g.r[j].ci.af, g.r[j].ci.daf);
		}
		for (j = 0; j < XDPVS_SYNC_DROP_MAX; j++)
			assert_int_equal(c.drops[j], 0);
		assert_int_equal(c.msgs, 1);
		free(buf);
	}
}

/* Records as decoded, encoded again, in one message of the master's
 * maxlen: the kernel's bytes. */
static void kernel_datagrams_reencode(void **state)
{
	struct xdpvs_sync_counters c;
	struct xdpvs_sync_buf b;
	uint8_t out[XDPVS_SYNC_BUF_SIZE(1472)];
	struct got g;
	size_t i, len;
	int j;

	for (i = 0; i < NVECTORS; i++) {
		const struct vector *v = &vectors[i];
		uint8_t *buf = load(v->file, &len);

		decode(buf, len, 0, &g, &c);
		xdpvs_sync_buf_init(&b, out, v->maxlen, v->version, buf[1]);
		for (j = 0; j < g.n; j++) {
			g.r[j].ci.flags = g.r[j].wire_flags;
			assert_int_equal(xdpvs_sync_buf_add(&b, &g.r[j]), 0);
		}
		assert_int_equal(b.len, len);
		if (memcmp(out, buf, len))
			fail_msg("%s: encoded differs", v->file);
		/* and it was full: one more would not have fitted */
		if (v->maxlen == 120 && g.n == 3)
			assert_int_equal(xdpvs_sync_buf_add(&b, &g.r[0]),
					 -ENOSPC);
		free(buf);
	}
}

static void syncid_filter(void **state)
{
	struct xdpvs_sync_counters c;
	struct got g;
	size_t len;
	uint8_t *buf = load("v1-udp.bin", &len);	/* syncid 5 */

	assert_int_equal(decode(buf, len, 0, &g, &c), 1);
	assert_int_equal(decode(buf, len, 5, &g, &c), 1);
	assert_int_equal(decode(buf, len, 6, &g, &c), 0);
	assert_int_equal(c.drops[XDPVS_SYNC_DROP_SYNCID], 1);
	free(buf);
	buf = load("v0-udp.bin", &len);
	assert_int_equal(decode(buf, len, 5, &g, &c), 1);
	assert_int_equal(decode(buf, len, 255, &g, &c), 0);
	assert_int_equal(c.drops[XDPVS_SYNC_DROP_SYNCID], 1);
	free(buf);
}

/* ------------------------------------------------------------------
 * Round trips and batching
 */

static void addr4(union xdpvs_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	assert_int_equal(inet_pton(AF_INET, s, &a->ip), 1);
}

static void addr6(union xdpvs_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	assert_int_equal(inet_pton(AF_INET6, s, a), 1);
}

/* Record i of a varied set: IPv4 and IPv6, TCP UDP SCTP and fwmark
 * templates, sequence data, PE data and name. */
static void some_rec(struct xdpvs_sync_rec *r, int i, bool v6)
{
	struct xdpvs_conn_info *ci = &r->ci;

	memset(r, 0, sizeof(*r));
	ci->af = ci->daf = v6 ? AF_INET6 : AF_INET;
	if (v6) {
		addr6(&ci->caddr, "2001:db8::2");
		addr6(&ci->vaddr, "2001:db8:100::1");
		addr6(&ci->daddr, "2001:db8:1::2");
	} else {
		addr4(&ci->caddr, "198.18.0.2");
		addr4(&ci->vaddr, "198.18.100.1");
		addr4(&ci->daddr, "198.18.1.2");
	}
	ci->protocol = (uint16_t)(i % 3 == 0 ? IPPROTO_TCP :
				  i % 3 == 1 ? IPPROTO_UDP : IPPROTO_SCTP);
	ci->state = (uint16_t)(i % 3 == 1 ? 0 : i % 10);
	ci->cport = htons((uint16_t)(1000 + i));
	ci->vport = htons(80);
	ci->dport = htons(8080);
	ci->fwmark = (uint32_t)(i & 4);
	ci->timeout = (uint32_t)(100 + i);
	ci->flags = (uint32_t)(i % 4) | (i & 1 ? XDPVS_CONN_F_INACTIVE : 0);
	if (i % 5 == 4) {
		ci->flags |= XDPVS_CONN_F_IN_SEQ | XDPVS_CONN_F_OUT_SEQ;
		r->has_seq = true;
		r->in_seq = (struct xdpvs_sync_seq){ 0x01020304, 7, 0xfffffff0 };
		r->out_seq = (struct xdpvs_sync_seq){ 5, 0x80000000, 9 };
	}
	if (i % 7 == 6) {		/* a SIP template */
		ci->flags = XDPVS_CONN_F_TEMPLATE | XDPVS_CONN_F_INACTIVE;
		ci->state = 1;
		ci->cport = 0;
		ci->pe_data_len = (uint8_t)(i % 2 ? 255 : 3);
		memset(ci->pe_data, 'a' + i % 26, ci->pe_data_len);
		ci->pe_data[1] = '\0';	/* binary is fine */
		r->has_seq = false;
		strcpy(ci->pe_name, "sip");
	}
	r->wire_flags = ci->flags;
}

static void assert_same_rec(const struct xdpvs_sync_rec *a,
			    const struct xdpvs_sync_rec *b, bool v0)
{
	const struct xdpvs_conn_info *x = &a->ci, *y = &b->ci;

	assert_int_equal(x->af, y->af);
	assert_int_equal(x->protocol, y->protocol);
	assert_int_equal(x->state, y->state);
	assert_memory_equal(&x->caddr, &y->caddr, sizeof(x->caddr));
	assert_memory_equal(&x->vaddr, &y->vaddr, sizeof(x->vaddr));
	assert_memory_equal(&x->daddr, &y->daddr, sizeof(x->daddr));
	assert_int_equal(x->cport, y->cport);
	assert_int_equal(x->vport, y->vport);
	assert_int_equal(x->dport, y->dport);
	assert_int_equal(a->wire_flags & (v0 ? 0xffff : ~0U), b->wire_flags);
	assert_int_equal(a->has_seq, b->has_seq);
	if (a->has_seq) {
		assert_memory_equal(&a->in_seq, &b->in_seq, sizeof(a->in_seq));
		assert_memory_equal(&a->out_seq, &b->out_seq,
				    sizeof(a->out_seq));
	}
	if (v0)
		return;
	assert_int_equal(x->fwmark, y->fwmark);
	assert_int_equal(x->timeout, y->timeout);
	assert_int_equal(x->pe_data_len, y->pe_data_len);
	assert_memory_equal(x->pe_data, y->pe_data, x->pe_data_len);
	assert_string_equal(x->pe_name, y->pe_name);
}

static void round_trip(void **state)
{
	static uint8_t data[XDPVS_SYNC_BUF_SIZE(65507)];
	struct xdpvs_sync_rec in[MAXREC];
	struct xdpvs_sync_counters c;
	struct xdpvs_sync_buf b;
	struct got g;
	int version, i, n;

	for (version = 0; version <= 1; version++) {
		xdpvs_sync_buf_init(&b, data, 65507, version, 7);
		for (i = n = 0; i < 40; i++) {
			some_rec(&in[n], i, version && (i & 8));
			if (!version && in[n].ci.pe_data_len)
				continue;	/* v0 carries no PE data */
			assert_int_equal(xdpvs_sync_buf_add(&b, &in[n]), 0);
			n++;
		}
		assert_int_equal(decode(data, b.len, 7, &g, &c), n);
		for (i = 0; i < n; i++)
			assert_same_rec(&in[i], &g.r[i], !version);
	}
	/* what cannot be carried */
	xdpvs_sync_buf_init(&b, data, 1472, 0, 0);
	some_rec(&in[0], 0, true);
	assert_int_equal(xdpvs_sync_buf_add(&b, &in[0]), -EINVAL);
	xdpvs_sync_buf_init(&b, data, 1472, 1, 0);
	some_rec(&in[0], 0, false);
	in[0].ci.daf = AF_INET6;
	assert_int_equal(xdpvs_sync_buf_add(&b, &in[0]), -EINVAL);
	assert_int_equal(b.nr_conns, 0);
	assert_int_equal(b.len, XDPVS_SYNC_HDR_V1);
}

/* Records fill a message up to maxlen, never past it, 4-aligned; a
 * record bigger than maxlen still goes into an empty one. */
static void batching(void **state)
{
	static uint8_t data[XDPVS_SYNC_BUF_SIZE(1472)];
	struct xdpvs_sync_rec r;
	struct xdpvs_sync_counters c;
	struct xdpvs_sync_buf b;
	struct got g;
	int i = 0, n = 0, rc;

	xdpvs_sync_buf_init(&b, data, 1472, 1, 1);
	for (;;) {
		some_rec(&r, i, i & 1);
		i++;
		rc = xdpvs_sync_buf_add(&b, &r);
		if (rc == -ENOSPC)
			break;
		assert_int_equal(rc, 0);
		n++;
		assert_true(b.len <= 1472);
	}
	assert_true(n > 10);
	assert_int_equal(decode(data, b.len, 0, &g, &c), n);
	/* v0: 24 bytes a record, 61 of them in 1472 */
	xdpvs_sync_buf_init(&b, data, 1472, 0, 1);
	some_rec(&r, 0, false);
	r.ci.flags = r.wire_flags = 0;
	for (n = 0; xdpvs_sync_buf_add(&b, &r) == 0; n++)
		;
	assert_int_equal(n, (1472 - 4) / 24);
	/* maxlen 10: one record a message, whatever its size */
	xdpvs_sync_buf_init(&b, data, 10, 1, 1);
	some_rec(&r, 13, true);		/* IPv6, SIP template, 255 bytes */
	assert_int_equal(xdpvs_sync_buf_add(&b, &r), 0);
	assert_int_equal(xdpvs_sync_buf_add(&b, &r), -ENOSPC);
	assert_int_equal(decode(data, b.len, 0, &g, &c), 1);
	assert_same_rec(&r, &g.r[0], false);
}

/* ------------------------------------------------------------------
 * Malformed and truncated input
 */

/* Every prefix of every datagram, with its size field both left and set
 * to the prefix's length: only whole records come out, in order. */
static void every_prefix(void **state)
{
	struct xdpvs_sync_counters c;
	struct got g, all;
	uint8_t tmp[2048];
	size_t i, len, l;
	int j;

	for (i = 0; i < NVECTORS; i++) {
		uint8_t *buf = load(vectors[i].file, &len);

		decode(buf, len, 0, &all, &c);
		for (l = 0; l < len; l++) {
			memcpy(tmp, buf, l);
			assert_int_equal(decode(tmp, l, 0, &g, &c), 0);
			assert_int_equal(c.drops[l < 4 ? XDPVS_SYNC_DROP_SHORT
						       : XDPVS_SYNC_DROP_SIZE],
					 1);
			if (l < 4)
				continue;
			tmp[2] = (uint8_t)(l >> 8);
			tmp[3] = (uint8_t)l;
			decode(tmp, l, 0, &g, &c);
			assert_true(g.n < all.n);
			for (j = 0; j < g.n; j++)
				assert_same_rec(&all.r[j], &g.r[j], false);
			/* a v1 header cut short reads as v0 with 0 conns */
			if (l >= 8 || vectors[i].version == 0)
				assert_int_equal(
					c.drops[XDPVS_SYNC_DROP_TRUNCATED], 1);
		}
		free(buf);
	}
}

/* A v1 message of the records given as hex, nr_conns records counted,
 * size right. */
static size_t mkmsg(uint8_t *out, int nr_conns, const char *hex)
{
	size_t n = 8;

	memset(out, 0, 8);
	out[4] = (uint8_t)nr_conns;
	out[5] = 1;
	while (hex[0] && hex[1]) {
		unsigned int v;

		if (hex[0] == ' ') {
			hex++;
			continue;
		}
		assert_int_equal(sscanf(hex, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	out[2] = (uint8_t)(n >> 8);
	out[3] = (uint8_t)n;
	return n;
}

/* An IPv4 record of type and protocol TP, size SZ, flags FL, state ST
 * (hex), the rest from a good TCP one. */
#define RECX(TP, SZ, FL, ST) TP SZ FL ST "1374 0050 0050 00000000 00000384 " \
			     "c6120002 c6126401 c6120202"
#define REC(SZ, FL, ST) RECX("0006", SZ, FL, ST)
#define A16 "61616161616161616161616161616161"	/* 16 x 'a' */
#define GOOD REC("0024", "00000000", "0001")

struct bad_case {
	const char *name;
	int nr_conns;
	const char *hex;
	int taken;
	enum xdpvs_sync_drop why;
};

static const struct bad_case bad_cases[] = {
	{ "more conns than records", 3, GOOD GOOD, 2,
	  XDPVS_SYNC_DROP_TRUNCATED },
	{ "record size past the end", 2, GOOD REC("0028", "00000000", "0001"),
	  1, XDPVS_SYNC_DROP_TRUNCATED },
	{ "record size 0", 2, REC("0000", "00000000", "0001") GOOD, 0,
	  XDPVS_SYNC_DROP_REC_SIZE },
	{ "IPv6 record of IPv4 size", 1,
	  "0106 0024 00000000 0001 1374 0050 0050 00000000 00000384 "
	  "c6120002 c6126401 c6120202", 0, XDPVS_SYNC_DROP_REC_SIZE },
	{ "record version 1", 2, REC("1024", "00000000", "0001") GOOD, 0,
	  XDPVS_SYNC_DROP_VERSION },
	{ "record type 2", 2, RECX("0206", "0024", "00000000", "0001") GOOD,
	  0, XDPVS_SYNC_DROP_TYPE },
	{ "option truncated", 1, REC("0025", "00000000", "0001") "01", 0,
	  XDPVS_SYNC_DROP_OPTION },
	{ "option length 0", 1, REC("0026", "00000000", "0001") "4100", 0,
	  XDPVS_SYNC_DROP_OPTION },
	{ "option past the record", 1,
	  REC("0027", "00000000", "0001") "4105 00", 0,
	  XDPVS_SYNC_DROP_OPTION },
	{ "seq data of 4 bytes", 1,
	  REC("002a", "00000000", "0001") "0104 00000000", 0,
	  XDPVS_SYNC_DROP_OPTION },
	{ "PE data twice", 1,
	  REC("002f", "00000000", "0001") "0201 61 0201 61 0303 736970", 0,
	  XDPVS_SYNC_DROP_OPTION },
	{ "PE name of 17 bytes", 1,
	  REC("0037", "00000000", "0001") "0311" A16 "61", 0,
	  XDPVS_SYNC_DROP_OPTION },
	{ "unknown mandatory option: that record only", 2,
	  REC("0027", "00000000", "0001") "0901 00 00" GOOD, 1,
	  XDPVS_SYNC_DROP_OPT_UNKNOWN },
	{ "PE data without PE name", 2,
	  REC("0027", "00000000", "0001") "0201 61 00" GOOD, 1,
	  XDPVS_SYNC_DROP_PE },
	{ "PE name of 16 bytes", 2,
	  REC("0039", "00001000", "0001") "0201 61"
	  "0310" A16 "000000" GOOD, 1,
	  XDPVS_SYNC_DROP_PE },
	{ "one-packet flag", 2, REC("0024", "00002000", "0001") GOOD, 1,
	  XDPVS_SYNC_DROP_FLAGS },
	{ "template without client port flag", 2,
	  REC("0024", "00001800", "0001") GOOD, 1, XDPVS_SYNC_DROP_FLAGS },
	{ "protocol 99", 2, RECX("0063", "0024", "00000000", "0001") GOOD, 1,
	  XDPVS_SYNC_DROP_PROTO },
	{ "TCP state 11", 2, REC("0024", "00000000", "000b") GOOD, 1,
	  XDPVS_SYNC_DROP_STATE },
	{ "template state 2", 2, REC("0024", "00001000", "0002") GOOD, 1,
	  XDPVS_SYNC_DROP_STATE },
	{ "UDP state 1", 2, RECX("0011", "0024", "00000000", "0001") GOOD, 1,
	  XDPVS_SYNC_DROP_STATE },
};

static void bad_records(void **state)
{
	struct xdpvs_sync_counters c;
	uint8_t msg[512];
	struct got g;
	size_t i, len;
	int j;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *b = &bad_cases[i];

		len = mkmsg(msg, b->nr_conns, b->hex);
		if (decode(msg, len, 0, &g, &c) != b->taken)
			fail_msg("%s: %d taken, want %d", b->name, g.n,
				 b->taken);
		for (j = 0; j < XDPVS_SYNC_DROP_MAX; j++)
			if (c.drops[j] != (j == (int)b->why))
				fail_msg("%s: %s counted %llu", b->name,
					 xdpvs_sync_drop_name(
						 (enum xdpvs_sync_drop)j),
					 (unsigned long long)c.drops[j]);
	}
	/* an optional unknown option is skipped; SEQ_DATA with the
	 * optional bit still counts as SEQ_DATA */
	len = mkmsg(msg, 1, REC("0042", "00000600", "0001")
			    "4902 0000 4118 000000010000000200000003"
			    "000000040000000500000006");
	assert_int_equal(decode(msg, len, 0, &g, &c), 1);
	assert_true(g.r[0].has_seq);
	assert_int_equal(g.r[0].out_seq.previous_delta, 6);
}

static void bad_headers(void **state)
{
	struct xdpvs_sync_counters c;
	uint8_t msg[512];
	struct got g;
	size_t len = mkmsg(msg, 1, GOOD);

	/* the size field must be the length */
	msg[3]++;
	assert_int_equal(decode(msg, len, 0, &g, &c), 0);
	assert_int_equal(c.drops[XDPVS_SYNC_DROP_SIZE], 1);
	msg[3]--;
	assert_int_equal(decode(msg, len - 1, 0, &g, &c), 0);
	assert_int_equal(c.drops[XDPVS_SYNC_DROP_SIZE], 1);
	/* not version 1, or reserved / spare set: read as v0, whose first
	 * byte (nr_conns) is 0 for a v1 message: nothing */
	msg[5] = 2;
	assert_int_equal(decode(msg, len, 0, &g, &c), 0);
	assert_int_equal(c.drops[XDPVS_SYNC_DROP_TRUNCATED], 0);
	msg[5] = 1;
	msg[7] = 1;
	assert_int_equal(decode(msg, len, 0, &g, &c), 0);
	msg[7] = 0;
	msg[0] = 1;	/* v0 with one conn: the v1 bytes as a v0 record, */
	assert_int_equal(decode(msg, len, 0, &g, &c), 0);
	/* of protocol 1 (the version byte) */
	assert_int_equal(c.drops[XDPVS_SYNC_DROP_PROTO], 1);
	assert_int_equal(decode(msg, 0, 0, &g, &c), 0);
	assert_int_equal(c.drops[XDPVS_SYNC_DROP_SHORT], 1);
	/* v0: sequence data announced by the flags but cut off */
	memset(msg, 0, sizeof(msg));
	msg[0] = 1;
	msg[3] = 4 + 24 + 10;
	msg[4 + 1] = IPPROTO_UDP;
	msg[4 + 20] = 0x04;	/* flags 0x0400: IN_SEQ */
	assert_int_equal(decode(msg, 38, 0, &g, &c), 0);
	assert_int_equal(c.drops[XDPVS_SYNC_DROP_TRUNCATED], 1);
}

/* ------------------------------------------------------------------
 * Datagrams made here, fed to a kernel backup (record2.sh): the client
 * ports it listed afterwards are those taken here, for the good ones and
 * for each malformed one.
 */

struct xd_case {
	const char *file;
	int ports[8];		/* taken, in order; -1 ends */
	enum xdpvs_sync_drop why;
	int count;		/* records that went that way */
};

static const struct xd_case xd_cases[] = {
	{ "xd-v1-kinds.bin", { 6001, 6002, 0, 6003, 6004, 6005, -1 },
	  XDPVS_SYNC_DROP_MAX, 0 },
	{ "xd-v0-kinds.bin", { 6010, 0, -1 }, XDPVS_SYNC_DROP_MAX, 0 },
	{ "xd-bad-count.bin", { 6211, 6212, -1 }, XDPVS_SYNC_DROP_TRUNCATED,
	  1 },
	{ "xd-bad-flags-state.bin", { 6223, -1 }, XDPVS_SYNC_DROP_FLAGS, 1 },
	{ "xd-bad-pe-noname.bin", { 6252, -1 }, XDPVS_SYNC_DROP_PE, 1 },
	{ "xd-bad-size.bin", { -1 }, XDPVS_SYNC_DROP_SIZE, 1 },
	{ "xd-bad-unknown-opt.bin", { 6202, -1 },
	  XDPVS_SYNC_DROP_OPT_UNKNOWN, 1 },
	{ "xd-bad-version.bin", { 6231, -1 }, XDPVS_SYNC_DROP_VERSION, 1 },
};

static void kernel_backup_took_the_same(void **state)
{
	struct xdpvs_sync_counters c;
	struct got g;
	size_t i, len;
	int j;

	for (i = 0; i < sizeof(xd_cases) / sizeof(xd_cases[0]); i++) {
		const struct xd_case *x = &xd_cases[i];
		uint8_t *buf = load(x->file, &len);

		decode(buf, len, 0, &g, &c);
		for (j = 0; x->ports[j] >= 0; j++) {
			assert_true(j < g.n);
			if (ntohs(g.r[j].ci.cport) != x->ports[j])
				fail_msg("%s #%d: port %u", x->file, j,
					 ntohs(g.r[j].ci.cport));
		}
		assert_int_equal(g.n, j);
		if (x->why < XDPVS_SYNC_DROP_MAX)
			assert_int_equal(c.drops[x->why], x->count);
		free(buf);
	}
	/* the 40 of a full message, 6100 to 6139 */
	{
		uint8_t *buf = load("xd-v1-full.bin", &len);

		assert_int_equal(decode(buf, len, 0, &g, &c), 40);
		for (j = 0; j < 40; j++)
			assert_int_equal(ntohs(g.r[j].ci.cport), 6100 + j);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kernel_datagrams_decode),
		cmocka_unit_test(kernel_datagrams_reencode),
		cmocka_unit_test(syncid_filter),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(batching),
		cmocka_unit_test(every_prefix),
		cmocka_unit_test(bad_records),
		cmocka_unit_test(bad_headers),
		cmocka_unit_test(kernel_backup_took_the_same),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
