// SPDX-License-Identifier: GPL-2.0-only
/*
 * Connection synchronisation in the engine (core/sync.c).
 *
 * Master: the same client traffic the kernel master saw when it sent the
 * datagrams of tests/data/sync/ (recorded in refvm: see its README) makes
 * the engine hand over the same records in the same order, which encode
 * to the same bytes; then the rules one by one (sync_threshold and its
 * period, sync_refresh_period and sync_retries, sync_persist_mode,
 * version 0, one-packet connections, SCTP).
 *
 * Backup: the kernel's datagrams applied to an engine configured as the
 * kernel backup was give what that backup listed (states, servers,
 * active/inactive counts); updates, a new real server, stale messages,
 * unbound connections, version-0 timeouts, unknown persistence engines,
 * backup_only.  And, from before: a second engine adopts what the first
 * had (hitless restart).
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

#include "../../lib/enginetest.h"
#include "../../../core/sync_msg.h"

static void configure(struct et *t)
{
	struct xdpvs_svc_conf p = et_svc_conf("tcp 198.18.100.2 443", "rr");

	et_route(t, "198.18.1.2", "02:00:00:00:01:02", 2, 1500, NULL);
	et_route(t, "198.18.2.2", "02:00:00:00:02:02", 3, 1500, NULL);
	et_add_svc(t, "tcp 198.18.100.1 80", "rr");
	et_add_dest(t, "tcp 198.18.100.1 80", "198.18.1.2 80", 'm', 1);
	et_add_dest(t, "tcp 198.18.100.1 80", "198.18.2.2 80", 'm', 1);
	et_add_svc(t, "udp 198.18.100.1 53", "rr");
	et_add_dest(t, "udp 198.18.100.1 53", "198.18.2.2 53", 'm', 1);
	p.flags = XDPVS_SVC_F_PERSISTENT;
	p.timeout = 300;
	p.netmask = htonl(0xffffff00);
	assert_int_equal(xdpvs_svc_add(t->e, &p), 0);
	et_add_dest(t, "tcp 198.18.100.2 443", "198.18.1.2 443", 'g', 1);
}

static enum xdpvs_verdict pkt(struct et *t, double now, uint8_t proto,
			      const char *vip, uint16_t dport, uint16_t sport,
			      uint8_t flags)
{
	struct tb_pkt p = {
		.dmac = ET_LB_MAC, .src = "198.18.0.2", .dst = vip,
		.proto = proto, .sport = sport, .dport = dport, .flags = flags,
	};

	return et_rx_pkt(t, now, &p);
}

/* A listing of the table, sorted, to compare two engines. */
static int cmp_conn(const void *a, const void *b)
{
	return memcmp(a, b, offsetof(struct xdpvs_conn_info, expires_ms));
}

static void adopt_everything(void **state)
{
	static struct et a, b;
	struct xdpvs_conn_info *ca, *cb;
	struct xdpvs_svc_info *sa, *sb;
	int na, nb, i, j;

	et_init(&a, 0);
	configure(&a);
	pkt(&a, 1, IPPROTO_TCP, "198.18.100.1", 80, 1000, 0x02);	/* rs2 */
	pkt(&a, 1, IPPROTO_TCP, "198.18.100.1", 80, 1000, 0x10);	/* ES */
	pkt(&a, 2, IPPROTO_TCP, "198.18.100.1", 80, 1001, 0x02);	/* rs1 */
	pkt(&a, 3, IPPROTO_UDP, "198.18.100.1", 53, 1002, 0);
	pkt(&a, 4, IPPROTO_TCP, "198.18.100.2", 443, 1003, 0x02);	/* tmpl */
	na = xdpvs_conn_info_get(a.e, (uint64_t)10e9, &ca);
	assert_int_equal(na, 5);

	et_init(&b, 0);
	configure(&b);
	xdpvs_engine_tick(b.e, (uint64_t)10e9);
	for (i = 0; i < na; i++)
		assert_int_equal(xdpvs_conn_import(b.e, &ca[i]), 0);
	assert_int_equal(xdpvs_conn_import(b.e, &ca[0]), -EEXIST);
	nb = xdpvs_conn_info_get(b.e, (uint64_t)10e9, &cb);
	assert_int_equal(nb, na);
	qsort(ca, (size_t)na, sizeof(*ca), cmp_conn);
	qsort(cb, (size_t)nb, sizeof(*cb), cmp_conn);
	for (i = 0; i < na; i++) {
		assert_int_equal(cmp_conn(&ca[i], &cb[i]), 0);
		assert_string_equal(ca[i].state_name, cb[i].state_name);
		assert_int_equal(ca[i].expires_ms / 1000, cb[i].expires_ms / 1000);
	}
	/* Same counts on every real server. */
	na = xdpvs_svc_info_get(a.e, &sa);
	nb = xdpvs_svc_info_get(b.e, &sb);
	for (i = 0; i < na; i++)
		for (j = 0; j < (int)sa[i].num_dests; j++) {
			assert_int_equal(sa[i].dests[j].activeconns,
					 sb[i].dests[j].activeconns);
			assert_int_equal(sa[i].dests[j].inactconns,
					 sb[i].dests[j].inactconns);
			assert_int_equal(sa[i].dests[j].persistconns,
					 sb[i].dests[j].persistconns);
		}
	/* The adopted connection still goes where it went. */
	assert_int_equal(pkt(&b, 11, IPPROTO_TCP, "198.18.100.1", 80, 1000,
			     0x10), XDPVS_TX);
	assert_int_equal(b.f.data[4], 0x02);
	/* and the template keeps the client on its server */
	assert_int_equal(pkt(&b, 11, IPPROTO_TCP, "198.18.100.2", 443, 1999,
			     0x02), XDPVS_TX);
	assert_int_equal(b.f.data[4], 0x01);
	xdpvs_svc_info_free(sa, na);
	xdpvs_svc_info_free(sb, nb);
	free(ca);
	free(cb);
	et_fini(&a);
	et_fini(&b);
}

static void refuses_what_does_not_fit(void **state)
{
	static struct et t;
	struct xdpvs_conn_info ci;

	et_init(&t, 0);
	configure(&t);
	memset(&ci, 0, sizeof(ci));
	ci.af = ci.daf = AF_INET;
	ci.protocol = IPPROTO_TCP;
	ci.caddr.ip = htonl(0xc6120002);
	ci.vaddr.ip = htonl(0xc6126401);
	ci.daddr.ip = htonl(0xc6120909);	/* no such real server */
	ci.cport = htons(5);
	ci.vport = ci.dport = htons(80);
	assert_int_equal(xdpvs_conn_import(t.e, &ci), -ENOENT);
	ci.daddr.ip = htonl(0xc6120102);
	ci.state = 99;
	assert_int_equal(xdpvs_conn_import(t.e, &ci), -EINVAL);
	assert_int_equal(xdpvs_conn_count(t.e), 0);
	et_fini(&t);
}

/* A SIP INVITE of Call-ID id from src:sport to the SIP service. */
static enum xdpvs_verdict sip_invite_from(struct et *t, double now,
					  const char *src, uint16_t sport,
					  const char *id)
{
	char msg[256];
	struct tb_pkt p = {
		.dmac = ET_LB_MAC, .src = src, .dst = "198.18.100.6",
		.proto = IPPROTO_UDP, .sport = sport, .dport = 5060,
		.payload = (const uint8_t *)msg,
	};

	snprintf(msg, sizeof(msg),
		 "INVITE sip:bob@198.18.100.6 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP %s:%u\r\nCall-ID: %s\r\n"
		 "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
		 src, sport, id);
	p.plen = strlen(msg);
	return et_rx_pkt(t, now, &p);
}

static void sip_configure(struct et *t)
{
	struct xdpvs_svc_conf c = et_svc_conf("udp 198.18.100.6 5060", "rr");

	et_route(t, "198.18.1.2", "02:00:00:00:01:02", 2, 1500, NULL);
	et_route(t, "198.18.2.2", "02:00:00:00:02:02", 3, 1500, NULL);
	c.flags = XDPVS_SVC_F_PERSISTENT;
	c.timeout = 60;
	strcpy(c.pe_name, "sip");
	assert_int_equal(xdpvs_svc_add(t->e, &c), 0);
	et_add_dest(t, "udp 198.18.100.6 5060", "198.18.1.2 5060", 'm', 1);
	et_add_dest(t, "udp 198.18.100.6 5060", "198.18.2.2 5060", 'm', 1);
}

/*
 * SIP persistence templates taken over keep their Call-ID: a call's next
 * INVITE, from another port, goes where its first went, not where the
 * new engine's rr would send it.
 */
static void adopt_sip_callids(void **state)
{
	static struct et a, b;
	struct xdpvs_conn_info *ca;
	uint8_t first, second;
	int na, i, tmpl = 0;

	et_init(&a, 0);
	sip_configure(&a);
	assert_int_equal(sip_invite_from(&a, 1, "198.18.0.2", 5060, "call-1"),
			 XDPVS_TX);
	first = a.f.data[4];
	assert_int_equal(sip_invite_from(&a, 1, "198.18.0.2", 5062, "call-2"),
			 XDPVS_TX);
	second = a.f.data[4];
	assert_int_not_equal(first, second);
	na = xdpvs_conn_info_get(a.e, (uint64_t)10e9, &ca);
	for (i = 0; i < na; i++)
		if (ca[i].flags & XDPVS_CONN_F_TEMPLATE) {
			assert_string_equal(ca[i].pe_name, "sip");
			assert_int_equal(ca[i].pe_data_len, 6);
			tmpl++;
		}
	assert_int_equal(tmpl, 2);

	et_init(&b, 0);
	sip_configure(&b);
	xdpvs_engine_tick(b.e, (uint64_t)10e9);
	for (i = 0; i < na; i++)
		assert_int_equal(xdpvs_conn_import(b.e, &ca[i]), 0);
	assert_int_equal(xdpvs_conn_import(b.e, &ca[0]), -EEXIST);
	/* the second call first: a fresh rr would send it to the first's */
	assert_int_equal(sip_invite_from(&b, 11, "198.18.0.2", 5070, "call-2"),
			 XDPVS_TX);
	assert_int_equal(b.f.data[4], second);
	assert_int_equal(sip_invite_from(&b, 11, "198.18.0.2", 5072, "call-1"),
			 XDPVS_TX);
	assert_int_equal(b.f.data[4], first);
	/* a persistence engine this build does not have: left out */
	for (i = 0; i < na && !(ca[i].flags & XDPVS_CONN_F_TEMPLATE); i++)
		;
	strcpy(ca[i].pe_name, "nosuch");
	et_fini(&b);
	et_init(&b, 0);
	sip_configure(&b);
	assert_int_equal(xdpvs_conn_import(b.e, &ca[i]), -ENOENT);
	free(ca);
	et_fini(&a);
	et_fini(&b);
}

/* ------------------------------------------------------------------
 * Master
 */

static void fmt_addr(char *out, size_t n, int af, const union xdpvs_addr *a,
		     uint16_t port)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(af, a, s, sizeof(s));
	snprintf(out, n, af == AF_INET6 ? "[%s]:%u" : "%s:%u", s, ntohs(port));
}

#define SYN 0x02
#define FIN 0x01
#define ACK 0x10
#define PSH 0x08
#define MAXBUF 8
#define MAXREC 64

/* A master's side: what the engine hands over, batched into messages
 * as daemon/syncd.c does (a new one when the current one is full). */
struct mx {
	struct et t;
	int version;
	uint32_t maxlen;
	int nbufs;
	struct xdpvs_sync_buf b[MAXBUF];
	uint8_t data[MAXBUF][XDPVS_SYNC_BUF_SIZE(1472)];
	int nrecs;
	struct xdpvs_conn_info recs[MAXREC];
};

static void mx_collect(void *ctx, const struct xdpvs_conn_info *ci)
{
	struct mx *x = ctx;
	struct xdpvs_sync_rec r;
	struct xdpvs_sync_buf *b = x->nbufs ? &x->b[x->nbufs - 1] : NULL;

	assert_true(x->nrecs < MAXREC);
	x->recs[x->nrecs++] = *ci;
	memset(&r, 0, sizeof(r));
	r.ci = *ci;
	r.wire_flags = ci->flags;
	if (!x->nbufs || xdpvs_sync_buf_add(b, &r) == -ENOSPC) {
		assert_true(x->nbufs < MAXBUF);
		b = &x->b[x->nbufs];
		xdpvs_sync_buf_init(b, x->data[x->nbufs], x->maxlen,
				    x->version, 5);
		x->nbufs++;
		assert_int_equal(xdpvs_sync_buf_add(b, &r), 0);
	}
}

/* A master engine (sync id 5, version, maxlen), with the real servers'
 * routes; services are the test's. */
static void mx_init(struct mx *x, int version, uint32_t maxlen)
{
	memset(x, 0, sizeof(*x));
	et_init(&x->t, 0);
	x->version = version;
	x->maxlen = maxlen;
	et_route(&x->t, "198.18.1.2", "02:00:00:00:01:02", 2, 1500, NULL);
	et_route(&x->t, "198.18.2.2", "02:00:00:00:02:02", 3, 1500, NULL);
	if (!version)
		assert_int_equal(xdpvs_sysctl_set(x->t.e, "sync_version", 0),
				 0);
	xdpvs_sync_set(x->t.e, XDPVS_SYNC_STATE_MASTER, mx_collect, x);
}

/* The messages made match the kernel's datagrams (file names), in
 * order. */
static void mx_expect(struct mx *x, const char *const *files)
{
	int i;

	for (i = 0; files[i]; i++) {
		char path[128];
		uint8_t want[2048];
		size_t len;
		FILE *f;

		snprintf(path, sizeof(path), "tests/data/sync/%s", files[i]);
		f = fopen(path, "rb");
		assert_non_null(f);
		len = fread(want, 1, sizeof(want), f);
		fclose(f);
		assert_true(i < x->nbufs);
		if (x->b[i].len != len || memcmp(x->b[i].data, want, len)) {
			tb_hexdump("made", x->b[i].data, x->b[i].len);
			tb_hexdump("kernel", want, len);
			fail_msg("%s differs", files[i]);
		}
	}
	assert_int_equal(x->nbufs, i);
}

struct talk {
	const char *cli, *vip, *rs;
	uint16_t cport, vport, rport;
	bool nat;
	const char *payload;	/* UDP */
};

static void tcp_pkt(struct mx *x, double at, const struct talk *k, bool in,
		    uint8_t flags, const char *data)
{
	struct tb_pkt p = {
		.dmac = ET_LB_MAC, .proto = IPPROTO_TCP, .flags = flags,
		.payload = (const uint8_t *)data, .plen = data ? strlen(data) : 0,
	};

	if (in) {
		p.src = k->cli;
		p.dst = k->vip;
		p.sport = k->cport;
		p.dport = k->vport;
	} else {
		if (!k->nat)
			return;	/* replies bypass the director */
		p.src = k->rs;
		p.dst = k->cli;
		p.sport = k->rport;
		p.dport = k->cport;
	}
	assert_int_equal(et_rx_pkt(&x->t, at, &p), XDPVS_TX);
}

/* What curl did: handshake, a request, the answer, the client closes
 * first, the server then (nginx keeps the connection open otherwise).
 * Six packets from the client, the fifth its FIN. */
static void tcp_talk(struct mx *x, double at, const struct talk *k)
{
	tcp_pkt(x, at, k, true, SYN, NULL);
	tcp_pkt(x, at, k, false, SYN | ACK, NULL);
	tcp_pkt(x, at, k, true, ACK, NULL);
	tcp_pkt(x, at, k, true, PSH | ACK, "GET / HTTP/1.1\r\n\r\n");
	tcp_pkt(x, at, k, false, PSH | ACK, "HTTP/1.1 200 OK\r\n\r\nrs\n");
	tcp_pkt(x, at, k, true, ACK, NULL);
	tcp_pkt(x, at, k, true, FIN | ACK, NULL);
	tcp_pkt(x, at, k, false, FIN | ACK, NULL);
	tcp_pkt(x, at, k, true, ACK, NULL);
}

static void udp_talk(struct mx *x, double at, const struct talk *k, int n)
{
	struct tb_pkt p = {
		.dmac = ET_LB_MAC, .proto = IPPROTO_UDP,
		.src = k->cli, .dst = k->vip,
		.sport = k->cport, .dport = k->vport,
		.payload = (const uint8_t *)(k->payload ? k->payload : "ping"),
	};

	p.plen = strlen((const char *)p.payload);
	while (n--)
		assert_int_equal(et_rx_pkt(&x->t, at, &p), XDPVS_TX);
}

/* The services of tests/data/sync/record.sh (the ones a test needs). */
static void mx_services(struct mx *x, bool rs1_first)
{
	struct xdpvs_svc_conf c;
	struct xdpvs_mark_rule r = {
		.mark = 1, .af = AF_INET, .protocol = IPPROTO_TCP, .plen = 32,
		.port_lo = 80, .port_hi = 80,
	};
	const char *a = rs1_first ? "198.18.2.2" : "198.18.1.2";
	const char *b = rs1_first ? "198.18.1.2" : "198.18.2.2";
	char d[64];

	/* rr takes the newest server first: rs2, unless rs1_first */
	et_add_svc(&x->t, "tcp 198.18.100.1 80", "rr");
	snprintf(d, sizeof(d), "%s 80", a);
	et_add_dest(&x->t, "tcp 198.18.100.1 80", d, 'm', 1);
	snprintf(d, sizeof(d), "%s 80", b);
	et_add_dest(&x->t, "tcp 198.18.100.1 80", d, 'm', 1);
	et_add_svc(&x->t, "udp 198.18.100.1 53", "rr");
	et_add_dest(&x->t, "udp 198.18.100.1 53", "198.18.1.2 53", 'm', 1);
	c = et_svc_conf("tcp 198.18.100.2 443", "rr");
	c.flags = XDPVS_SVC_F_PERSISTENT;
	c.timeout = 300;
	assert_int_equal(xdpvs_svc_add(x->t.e, &c), 0);
	snprintf(d, sizeof(d), "%s 443", a);
	et_add_dest(&x->t, "tcp 198.18.100.2 443", d, 'm', 1);
	snprintf(d, sizeof(d), "%s 443", b);
	et_add_dest(&x->t, "tcp 198.18.100.2 443", d, 'm', 1);
	c = et_svc_conf("fwm 1", "rr");
	c.flags = XDPVS_SVC_F_PERSISTENT;
	c.timeout = 60;
	assert_int_equal(xdpvs_svc_add(x->t.e, &c), 0);
	et_add_dest(&x->t, "fwm 1", "198.18.1.2 80", 'm', 1);
	inet_pton(AF_INET, "198.18.100.5", &r.prefix.ip);
	assert_int_equal(xdpvs_mark_add(x->t.e, &r), 0);
	et_add_svc(&x->t, "tcp 2001:db8:100::1 80", "rr");
	et_add_dest(&x->t, "tcp 2001:db8:100::1 80", "2001:db8:1::2 80", 'm',
		    1);
	c = et_svc_conf("udp 198.18.100.6 5060", "rr");
	c.flags = XDPVS_SVC_F_PERSISTENT;
	c.timeout = 60;
	strcpy(c.pe_name, "sip");
	assert_int_equal(xdpvs_svc_add(x->t.e, &c), 0);
	et_add_dest(&x->t, "udp 198.18.100.6 5060", "198.18.2.2 5060", 'm', 1);
	c = et_svc_conf("udp 198.18.100.7 53", "rr");
	c.flags = XDPVS_SVC_F_ONEPACKET;
	assert_int_equal(xdpvs_svc_add(x->t.e, &c), 0);
	et_add_dest(&x->t, "udp 198.18.100.7 53", "198.18.2.2 53", 'm', 1);
}

static const char sip_invite[] =
	"INVITE sip:bob@198.18.100.6 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 198.18.0.2:5060\r\n"
	"From: <sip:alice@198.18.0.2>;tag=1\r\n"
	"To: <sip:bob@198.18.100.6>\r\n"
	"Call-ID: a84b4c76e66710@198.18.0.2\r\n"
	"CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";

/* Each phase of record.sh on a fresh master: the same datagrams. */
static void master_as_kernel_v1(void **state)
{
	static struct mx x;
	static const struct {
		struct talk k;
		int udp;	/* datagrams; 0: a TCP conversation */
		const char *files[4];
	} phases[] = {
		{ { "198.18.0.2", "198.18.100.1", "198.18.2.2", 4980, 80, 80,
		    true, NULL }, 0, { "v1-tcp-nat.bin" } },
		{ { "198.18.0.2", "198.18.100.1", "198.18.1.2", 40001, 53, 53,
		    true, NULL }, 4, { "v1-udp.bin" } },
		{ { "198.18.0.2", "198.18.100.2", "198.18.2.2", 9930, 443,
		    443, true, NULL }, 0, { "v1-persist.bin" } },
		{ { "198.18.0.2", "198.18.100.5", "198.18.1.2", 26412, 80, 80,
		    true, NULL }, 0, { "v1-fwmark.bin" } },
		{ { "2001:db8::2", "2001:db8:100::1", "2001:db8:1::2", 45468,
		    80, 80, true, NULL }, 0, { "v1-ipv6.bin" } },
		{ { "198.18.0.2", "198.18.100.6", "198.18.2.2", 5060, 5060,
		    5060, true, sip_invite }, 4, { "v1-sip.bin" } },
		{ { "198.18.0.2", "198.18.100.7", "198.18.2.2", 40003, 53, 53,
		    true, NULL }, 4, { NULL } },	/* one-packet: nothing */
	};
	size_t i;

	for (i = 0; i < sizeof(phases) / sizeof(phases[0]); i++) {
		mx_init(&x, 1, 1472);
		mx_services(&x, false);
		if (phases[i].udp)
			udp_talk(&x, 1, &phases[i].k, phases[i].udp);
		else
			tcp_talk(&x, 1, &phases[i].k);
		mx_expect(&x, phases[i].files);
		et_fini(&x.t);
	}
}

static void master_as_kernel_v0(void **state)
{
	static struct mx x;
	static const struct talk tcp = { "198.18.0.2", "198.18.100.1",
					 "198.18.1.2", 51128, 80, 80, true, NULL };
	static const struct talk udp = { "198.18.0.2", "198.18.100.1",
					 "198.18.1.2", 40002, 53, 53, true, NULL };
	static const struct talk per = { "198.18.0.10", "198.18.100.2",
					 "198.18.1.2", 37018, 443, 443, true, NULL };
	static const struct talk v6 = { "2001:db8::2", "2001:db8:100::1",
					"2001:db8:1::2", 45468, 80, 80, true, NULL };
	static const char *const f_tcp[] = { "v0-tcp.bin", NULL };
	static const char *const f_udp[] = { "v0-udp.bin", NULL };
	static const char *const f_per[] = { "v0-persist.bin", NULL };
	static const char *const none[] = { NULL };

	mx_init(&x, 0, 1472);
	mx_services(&x, true);
	tcp_talk(&x, 1, &tcp);
	mx_expect(&x, f_tcp);
	et_fini(&x.t);
	mx_init(&x, 0, 1472);
	mx_services(&x, true);
	udp_talk(&x, 1, &udp, 4);
	mx_expect(&x, f_udp);
	et_fini(&x.t);
	mx_init(&x, 0, 1472);
	mx_services(&x, true);
	tcp_talk(&x, 1, &per);
	mx_expect(&x, f_per);
	/* version 0 has no IPv6 */
	x.nbufs = 0;
	tcp_talk(&x, 2, &v6);
	mx_expect(&x, none);
	et_fini(&x.t);
}

/* sync_maxlen 120: three records a datagram; then the fwmark template,
 * still controlling its connection when its 60 s are up, is sent again
 * from its expiry. */
static void master_batches_and_rearm(void **state)
{
	static struct mx x;
	static const char *const files[] = {
		"v1-maxlen120-a.bin", "v1-maxlen120-b.bin",
		"v1-maxlen120-c.bin", "v1-template-rearm.bin", NULL,
	};
	struct talk k = { "198.18.0.2", "198.18.100.1", "198.18.1.2", 41001,
			  53, 53, true, NULL };
	struct talk fw = { "198.18.0.2", "198.18.100.5", "198.18.1.2", 26412,
			   80, 80, true, NULL };
	int i;

	mx_init(&x, 1, 120);
	mx_services(&x, false);
	tcp_talk(&x, 1, &fw);
	x.nbufs = 0;
	x.nrecs = 0;
	for (i = 0; i < 7; i++, k.cport++)
		udp_talk(&x, 2, &k, 3);
	/* the master queued the UDP message; the template goes in the
	 * next one */
	x.b[x.nbufs].len = 0;
	xdpvs_engine_tick(x.t.e, (uint64_t)62e9);
	assert_int_equal(x.nrecs, 8);
	/* mx_collect put it after the third UDP message's one record:
	 * the daemon would have sent that one 2 s after its first use */
	assert_int_equal(x.nbufs, 3);
	x.b[2].len = 44;	/* back to the UDP record alone */
	x.b[2].nr_conns = 1;
	x.b[2].data[4] = 1;
	x.b[2].data[3] = 44;
	xdpvs_sync_buf_init(&x.b[3], x.data[3], 120, 1, 5);
	{
		struct xdpvs_sync_rec r = { .ci = x.recs[7] };

		r.wire_flags = x.recs[7].flags;
		assert_int_equal(xdpvs_sync_buf_add(&x.b[3], &r), 0);
	}
	x.nbufs = 4;
	mx_expect(&x, files);
	et_fini(&x.t);
}

/* ------------------------------------------------------------------
 * Master: the rules one by one
 */

/* n UDP datagrams from cport at time at. */
static void udp_n(struct mx *x, double at, uint16_t cport, int n)
{
	struct talk k = { "198.18.0.2", "198.18.100.1", "198.18.1.2", cport,
			  53, 53, true, NULL };

	udp_talk(x, at, &k, n);
}

static void master_threshold_period(void **state)
{
	static struct mx x;

	/* "3 50": the 3rd, 53rd and 103rd packets */
	mx_init(&x, 1, 1472);
	mx_services(&x, false);
	udp_n(&x, 1, 1000, 110);
	assert_int_equal(x.nrecs, 3);
	/* "3 0": once */
	x.nrecs = 0;
	assert_int_equal(xdpvs_sysctl_set(x.t.e, "sync_period", 0), 0);
	udp_n(&x, 1, 1001, 110);
	assert_int_equal(x.nrecs, 1);
	/* "0 10": the 10th, 20th, ... */
	x.nrecs = 0;
	assert_int_equal(xdpvs_sysctl_set(x.t.e, "sync_threshold", 0), 0);
	assert_int_equal(xdpvs_sysctl_set(x.t.e, "sync_period", 10), 0);
	udp_n(&x, 1, 1002, 35);
	assert_int_equal(x.nrecs, 3);
	et_fini(&x.t);
}

/* sync_refresh_period 10 s with sync_period 0: any packet may send, but
 * not again within 10 s of the last send, except sync_retries retries
 * every 10 / 8 s. */
static void master_refresh_retries(void **state)
{
	static const double at[] = { 1, 1.5, 2.3, 3, 3.6, 4, 12, 12.1 };
	static struct mx x;
	size_t i;

	mx_init(&x, 1, 1472);
	mx_services(&x, false);
	assert_int_equal(xdpvs_sysctl_set(x.t.e, "sync_period", 0), 0);
	assert_int_equal(xdpvs_sysctl_set(x.t.e, "sync_refresh_period", 10),
			 0);
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		udp_n(&x, at[i], 2000, 1);
	assert_int_equal(x.nrecs, 2);	/* at 1 and at 12 */
	x.nrecs = 0;
	assert_int_equal(xdpvs_sysctl_set(x.t.e, "sync_retries", 2), 0);
	for (i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		udp_n(&x, 20 + at[i], 2001, 1);
	/* at 1, the retries at 2.3 and 3.6; at 12 the end moved 8.4 s
	 * from the last retry's: held */
	assert_int_equal(x.nrecs, 3);
	et_fini(&x.t);
}

/* sync_persist_mode: connections under a template are left to it. */
static void master_persist_mode(void **state)
{
	static struct mx x;
	struct talk k = { "198.18.0.2", "198.18.100.2", "198.18.2.2", 9930,
			  443, 443, true, NULL };
	int i;

	mx_init(&x, 1, 1472);
	mx_services(&x, false);
	assert_int_equal(xdpvs_sysctl_set(x.t.e, "sync_persist_mode", 1), 0);
	tcp_talk(&x, 1, &k);
	assert_int_equal(x.nrecs, 6);	/* the template, with each packet */
	for (i = 0; i < x.nrecs; i++)
		assert_true(x.recs[i].flags & XDPVS_CONN_F_TEMPLATE);
	et_fini(&x.t);
}

/* Direct routing sees one direction: ESTABLISHED at the 2nd packet, sent
 * with the 3rd; a FIN moves it to FIN_WAIT, sent at once: the kernel's
 * v1-dr.bin. */
static void master_dr_fin_wait(void **state)
{
	static struct mx x;
	struct talk k = { "198.18.0.2", "198.18.100.3", "198.18.1.2", 42000,
			  80, 80, false, NULL };

	mx_init(&x, 1, 1472);
	et_add_svc(&x.t, "tcp 198.18.100.3 80", "rr");
	et_add_dest(&x.t, "tcp 198.18.100.3 80", "198.18.1.2 80", 'g', 1);
	tcp_pkt(&x, 1, &k, true, SYN, NULL);
	tcp_pkt(&x, 1, &k, true, ACK, NULL);
	assert_int_equal(x.nrecs, 0);
	tcp_pkt(&x, 1, &k, true, PSH | ACK, "GET");
	assert_int_equal(x.nrecs, 1);
	assert_int_equal(x.recs[0].state, 1);
	assert_int_equal(x.recs[0].flags & ~XDPVS_CONN_F_HASHED,
			 XDPVS_CONN_F_DROUTE | XDPVS_CONN_F_NOOUTPUT);
	assert_int_equal(x.recs[0].timeout, 900);
	tcp_pkt(&x, 1, &k, true, FIN | ACK, NULL);
	assert_int_equal(x.nrecs, 2);
	assert_string_equal(x.recs[1].state_name, "FIN_WAIT");
	mx_expect(&x, (const char *const[]){ "v1-dr.bin", NULL });
	/* the master stopped: nothing more */
	xdpvs_sync_set(x.t.e, 0, NULL, NULL);
	k.cport++;
	tcp_pkt(&x, 2, &k, true, SYN, NULL);
	tcp_pkt(&x, 2, &k, true, ACK, NULL);
	tcp_pkt(&x, 2, &k, true, ACK, NULL);
	assert_int_equal(x.nrecs, 2);
	et_fini(&x.t);
}

static void sync_sysctls(void **state)
{
	static struct et t;
	static const struct {
		const char *name;
		int value, rc;
	} w[] = {
		/* the kernel's writes of record.sh, in its order */
		{ "sync_period", 0, 0 },	/* "3 0" */
		{ "sync_threshold", 0, 0 },	/* "0 0" */
		{ "sync_period", 5, 0 },	/* "0 5" */
		{ "sync_threshold", 5, -EINVAL },	/* "5 5" */
		{ "sync_threshold", 6, -EINVAL },	/* "6 5" */
		{ "sync_threshold", -1, -EINVAL },
		{ "sync_threshold", 4, 0 },
		{ "sync_period", 4, -EINVAL },
		{ "sync_period", 0, 0 },	/* "4 0" */
		{ "sync_version", 2, -EINVAL },
		{ "sync_version", -1, -EINVAL },
		{ "sync_version", 0, 0 },
		{ "sync_retries", 4, -EINVAL },
		{ "sync_retries", 3, 0 },
		{ "sync_retries", 2, 0 },
		{ "sync_ports", 3, -EINVAL },
		{ "sync_ports", 0, -EINVAL },
		{ "sync_ports", 4, 0 },
		{ "sync_refresh_period", -1, -EINVAL },
		{ "sync_refresh_period", 30, 0 },
		{ "sync_persist_mode", 1, 0 },
		{ "sync_sock_size", 65536, 0 },
		{ "sync_qlen_max", 10, 0 },
	};
	size_t i;
	int v;

	et_init(&t, 0);
	assert_int_equal(xdpvs_sysctl_get(t.e, "sync_threshold", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(xdpvs_sysctl_get(t.e, "sync_period", &v), 0);
	assert_int_equal(v, 50);
	assert_int_equal(xdpvs_sysctl_get(t.e, "sync_version", &v), 0);
	assert_int_equal(v, 1);
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (xdpvs_sysctl_set(t.e, w[i].name, w[i].value) != w[i].rc)
			fail_msg("%s=%d", w[i].name, w[i].value);
	assert_int_equal(xdpvs_sysctl_get(t.e, "sync_retries", &v), 0);
	assert_int_equal(v, 2);	/* not a defence mode's 2 */
	et_fini(&t);
}

/* Mixed families: no daemon while a service has one, none added while
 * a daemon runs. */
static void sync_mixed_families(void **state)
{
	static struct et t;
	struct xdpvs_svc_conf s;
	struct xdpvs_dest_conf d;

	et_init(&t, 0);
	et_add_svc(&t, "tcp 198.18.100.9 80", "rr");
	s = et_svc_conf("tcp 198.18.100.9 80", "rr");
	d = et_dest_conf("2001:db8:1::2 80", 'i', 1);
	assert_int_equal(xdpvs_sync_check(t.e), 0);
	xdpvs_sync_set(t.e, XDPVS_SYNC_STATE_BACKUP, NULL, NULL);
	assert_int_equal(xdpvs_dest_add(t.e, &s, &d), -EINVAL);
	xdpvs_sync_set(t.e, 0, NULL, NULL);
	assert_int_equal(xdpvs_dest_add(t.e, &s, &d), 0);
	assert_int_equal(xdpvs_sync_check(t.e), -EINVAL);
	assert_int_equal(xdpvs_dest_del(t.e, &s, &d), 0);
	assert_int_equal(xdpvs_sync_check(t.e), 0);
	et_fini(&t);
}

/* The fast path and the master: a connection's flows wait until it was
 * sent (its 3rd packet), and each time its timer finds it alive (the fast
 * path forwarded since) it is sent again. */
static int fx_adds;
static uint64_t fx_seen;

static void fx_add(struct et *t, const struct xdpvs_flow_key *k,
		   const struct xdpvs_flow_value *v, bool replace)
{
	fx_adds++;
}

static void fx_del(struct et *t, const struct xdpvs_flow_key *k)
{
}

static uint64_t fx_last_seen(struct et *t, const struct xdpvs_flow_key *k)
{
	return fx_seen;
}

static void master_and_fast_path(void **state)
{
	static const struct et_flow_ops ops = {
		.add = fx_add, .del = fx_del, .last_seen = fx_last_seen,
	};
	static struct mx x;
	struct talk k = { "198.18.0.2", "198.18.100.1", "198.18.2.2", 4980,
			  80, 80, true, NULL };

	memset(&x, 0, sizeof(x));
	et_init_flows(&x.t, 0, &ops);
	x.version = 1;
	x.maxlen = 1472;
	et_route(&x.t, "198.18.1.2", "02:00:00:00:01:02", 2, 1500, NULL);
	et_route(&x.t, "198.18.2.2", "02:00:00:00:02:02", 3, 1500, NULL);
	mx_services(&x, false);
	xdpvs_sync_set(x.t.e, XDPVS_SYNC_STATE_MASTER, mx_collect, &x);
	fx_adds = 0;
	tcp_pkt(&x, 1, &k, true, SYN, NULL);
	tcp_pkt(&x, 1, &k, false, SYN | ACK, NULL);
	tcp_pkt(&x, 1, &k, true, ACK, NULL);		/* ES */
	assert_int_equal(fx_adds, 1);	/* a hold: its packets up (flow.c) */
	tcp_pkt(&x, 1, &k, true, PSH | ACK, "GET");	/* sent */
	assert_int_equal(x.nrecs, 1);
	assert_int_equal(fx_adds, 3);			/* both ways */
	/* 900 s later the fast path had forwarded 10 s before: alive */
	fx_seen = (uint64_t)891e9;
	xdpvs_engine_tick(x.t.e, (uint64_t)902e9);
	assert_int_equal(x.nrecs, 2);
	assert_string_equal(x.recs[1].state_name, "ESTABLISHED");
	assert_int_equal(x.recs[1].timeout, 900);
	/* without a master, flows at once: the handshake's from the SYN,
	 * written again without their SYN_RECV mark once ESTABLISHED */
	xdpvs_sync_set(x.t.e, 0, NULL, NULL);
	k.cport++;
	k.rs = "198.18.1.2";	/* rr's next */
	fx_adds = 0;
	tcp_pkt(&x, 903, &k, true, SYN, NULL);
	assert_int_equal(fx_adds, 2);
	tcp_pkt(&x, 903, &k, false, SYN | ACK, NULL);
	tcp_pkt(&x, 903, &k, true, ACK, NULL);
	assert_int_equal(fx_adds, 4);
	et_fini(&x.t);
}

/* ------------------------------------------------------------------
 * Backup
 */

static void apply_rec(void *ctx, const struct xdpvs_sync_rec *r)
{
	struct et *t = ctx;

	assert_int_equal(xdpvs_sync_apply(t->e, &r->ci), 0);
}

/* Apply the records of tests/data/sync/FILE to t's engine at time at. */
static void apply_file(struct et *t, double at, const char *file)
{
	struct xdpvs_sync_counters c = { 0 };
	char path[128];
	uint8_t buf[2048];
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "tests/data/sync/%s", file);
	f = fopen(path, "rb");
	assert_non_null(f);
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	t->now = (uint64_t)(at * 1e9);
	xdpvs_engine_tick(t->e, t->now);
	assert_true(xdpvs_sync_msg_decode(buf, len, 0, apply_rec, t, &c) > 0);
	assert_int_equal(c.conns, c.conns);
}

/* A line as ipvsadm -Lnc would show it (numbers, expiry in s). */
static void conn_line(char *out, size_t n, const struct xdpvs_conn_info *ci)
{
	char c[64], v[64], d[64];

	fmt_addr(c, sizeof(c), ci->af, &ci->caddr, ci->cport);
	fmt_addr(v, sizeof(v), ci->protocol == IPPROTO_IP ? AF_INET : ci->af,
		 &ci->vaddr, ci->vport);
	fmt_addr(d, sizeof(d), ci->daf, &ci->daddr, ci->dport);
	snprintf(out, n, "%s %u %s %s %s %s%s",
		 ci->protocol == IPPROTO_IP ? "IP" :
		 ci->protocol == IPPROTO_TCP ? "TCP" : "UDP",
		 (ci->expires_ms + 999) / 1000, ci->state_name, c, v, d,
		 ci->flags & XDPVS_CONN_F_SYNC ? " SYNC" : "");
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The engine's table, as sorted lines, equals want (sorted here). */
static void expect_table(struct et *t, const char **want, size_t nwant)
{
	static char got[64][256], exp[64][256];
	struct xdpvs_conn_info *ci;
	int n = xdpvs_conn_info_get(t->e, t->now, &ci), i;

	assert_int_equal(n, (int)nwant);
	for (i = 0; i < n; i++) {
		conn_line(got[i], sizeof(got[i]), &ci[i]);
		snprintf(exp[i], sizeof(exp[i]), "%s", want[i]);
	}
	free(ci);
	qsort(got, (size_t)n, sizeof(got[0]), cmp_str);
	qsort(exp, (size_t)n, sizeof(exp[0]), cmp_str);
	for (i = 0; i < n; i++)
		if (strcmp(got[i], exp[i]))
			fail_msg("got  %s\nwant %s", got[i], exp[i]);
}

/* Inactive and active connections of a service's real server. */
static void expect_counts(struct et *t, const char *svc, const char *dest,
			  uint32_t active, uint32_t inactive)
{
	struct xdpvs_svc_conf s = et_svc_conf(svc, "rr");
	struct xdpvs_dest_conf d = et_dest_conf(dest, 'm', 1);
	struct xdpvs_svc_info *si;
	uint32_t i;

	assert_int_equal(xdpvs_svc_info_get_one(t->e, &s, &si), 1);
	for (i = 0; i < si->num_dests; i++)
		if (xdpvs_addr_equal(d.af, &si->dests[i].conf.addr, &d.addr) &&
		    si->dests[i].conf.port == d.port)
			break;
	assert_true(i < si->num_dests);
	if (si->dests[i].activeconns != active ||
	    si->dests[i].inactconns != inactive)
		fail_msg("%s -> %s: %u active %u inactive", svc, dest,
			 si->dests[i].activeconns, si->dests[i].inactconns);
	xdpvs_svc_info_free(si, 1);
}

/* The kernel backup of record.sh, fed the same datagrams one second
 * apart, listed what this engine lists (tests/data/sync/README: its
 * "bk: ipvsadm -Lnc" after the v0 phases; expiry times here are those
 * of the records at the last datagram's time). */
static void backup_as_kernel(void **state)
{
	static const char *const files[] = {
		"v1-tcp-nat.bin", "v1-udp.bin", "v1-persist.bin",
		"v1-fwmark.bin", "v1-ipv6.bin", "v1-sip.bin",
		"v0-tcp.bin", "v0-udp.bin", "v0-persist.bin",
	};
	static const char *want[] = {
		"UDP 57 NONE 198.18.0.2:0 198.18.100.6:5060 198.18.2.2:5060 SYNC",
		"TCP 118 TIME_WAIT 198.18.0.2:51128 198.18.100.1:80 198.18.1.2:80 SYNC",
		"TCP 294 ASSURED 198.18.0.2:0 198.18.100.2:443 198.18.2.2:443 SYNC",
		"TCP 120 TIME_WAIT 198.18.0.10:37018 198.18.100.2:443 198.18.1.2:443 SYNC",
		"TCP 180 ASSURED 198.18.0.10:0 198.18.100.2:443 198.18.1.2:443 SYNC",
		"TCP 114 TIME_WAIT 198.18.0.2:9930 198.18.100.2:443 198.18.2.2:443 SYNC",
		"TCP 116 TIME_WAIT [2001:db8::2]:45468 [2001:db8:100::1]:80 [2001:db8:1::2]:80 SYNC",
		"IP 55 ASSURED 198.18.0.2:0 0.0.0.1:0 198.18.1.2:0 SYNC",
		"TCP 115 TIME_WAIT 198.18.0.2:26412 198.18.100.5:80 198.18.1.2:80 SYNC",
		"UDP 299 UDP 198.18.0.2:40002 198.18.100.1:53 198.18.1.2:53 SYNC",
		"TCP 112 TIME_WAIT 198.18.0.2:4980 198.18.100.1:80 198.18.2.2:80 SYNC",
		"UDP 293 UDP 198.18.0.2:40001 198.18.100.1:53 198.18.1.2:53 SYNC",
		"UDP 297 UDP 198.18.0.2:5060 198.18.100.6:5060 198.18.2.2:5060 SYNC",
	};
	static struct mx x;
	size_t i;

	mx_init(&x, 1, 1472);
	mx_services(&x, false);
	xdpvs_sync_set(x.t.e, XDPVS_SYNC_STATE_BACKUP, NULL, NULL);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		apply_file(&x.t, 1 + (double)i, files[i]);
	expect_table(&x.t, want, sizeof(want) / sizeof(want[0]));
	/* its ipvsadm -Ln after the v1 phases, plus the v0 ones */
	expect_counts(&x.t, "tcp 198.18.100.1 80", "198.18.2.2 80", 0, 1);
	expect_counts(&x.t, "tcp 198.18.100.1 80", "198.18.1.2 80", 0, 1);
	expect_counts(&x.t, "tcp 198.18.100.2 443", "198.18.2.2 443", 0, 1);
	expect_counts(&x.t, "tcp 198.18.100.2 443", "198.18.1.2 443", 0, 1);
	expect_counts(&x.t, "udp 198.18.100.1 53", "198.18.1.2 53", 0, 2);
	expect_counts(&x.t, "udp 198.18.100.6 5060", "198.18.2.2 5060", 0, 1);
	expect_counts(&x.t, "tcp 2001:db8:100::1 80", "2001:db8:1::2 80", 0, 1);
	expect_counts(&x.t, "fwm 1", "198.18.1.2 80", 0, 1);
	et_fini(&x.t);
}

/* What the backup holds keeps going where it went, unless backup_only
 * holds it back. */
static void backup_takes_over(void **state)
{
	static struct mx x;
	struct talk k = { "198.18.0.2", "198.18.100.1", "198.18.2.2", 4980,
			  80, 80, true, NULL };
	static const char *est[] = {
		"TCP 900 ESTABLISHED 198.18.0.2:4980 198.18.100.1:80 198.18.2.2:80 SYNC",
	};
	struct xdpvs_sync_counters c = { 0 };
	uint8_t buf[2048];
	size_t len;
	FILE *f = fopen("tests/data/sync/v1-tcp-nat.bin", "rb");

	assert_non_null(f);
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	/* only its first record: ESTABLISHED */
	buf[4] = 1;
	buf[2] = 0;
	buf[3] = 8 + 36;
	len = 8 + 36;
	mx_init(&x, 1, 1472);
	mx_services(&x, true);	/* rr would pick rs1 */
	xdpvs_sync_set(x.t.e, XDPVS_SYNC_STATE_BACKUP, NULL, NULL);
	xdpvs_engine_tick(x.t.e, (uint64_t)1e9);
	x.t.now = (uint64_t)1e9;
	assert_int_equal(xdpvs_sync_msg_decode(buf, len, 0, apply_rec, &x.t,
					       &c), 1);
	expect_table(&x.t, est, 1);
	expect_counts(&x.t, "tcp 198.18.100.1 80", "198.18.2.2 80", 1, 0);
	assert_int_equal(xdpvs_sysctl_set(x.t.e, "backup_only", 1), 0);
	assert_int_equal(et_rx_pkt(&x.t, 2, &(struct tb_pkt){
		.dmac = ET_LB_MAC, .proto = IPPROTO_TCP, .flags = ACK,
		.src = k.cli, .dst = k.vip, .sport = k.cport, .dport = 80 }),
		XDPVS_PASS);
	/* the master is gone: this director balances now */
	xdpvs_sync_set(x.t.e, 0, NULL, NULL);
	tcp_pkt(&x, 3, &k, true, ACK, NULL);
	assert_memory_equal(x.t.f.data, "\x02\x00\x00\x00\x02\x02", 6);
	tcp_pkt(&x, 3, &k, false, ACK, NULL);
	et_fini(&x.t);
}

static void sync_ci(struct xdpvs_conn_info *ci, const char *rs,
		    uint16_t state, uint32_t flags, uint32_t timeout)
{
	memset(ci, 0, sizeof(*ci));
	ci->af = ci->daf = AF_INET;
	ci->protocol = IPPROTO_TCP;
	inet_pton(AF_INET, "198.18.0.2", &ci->caddr.ip);
	inet_pton(AF_INET, "198.18.100.1", &ci->vaddr.ip);
	inet_pton(AF_INET, rs, &ci->daddr.ip);
	ci->cport = htons(5000);
	ci->vport = ci->dport = htons(80);
	ci->state = state;
	ci->flags = flags | XDPVS_CONN_F_SYNC;
	ci->timeout = timeout;
}

/* Updates: activity follows the master; another real server replaces
 * the connection unless the message is the old one's last word; with
 * no such server it stays unbound until one exists. */
static void backup_updates(void **state)
{
	static struct et t;
	struct xdpvs_conn_info ci;
	static const char *cw[] = {
		"TCP 60 CLOSE_WAIT 198.18.0.2:5000 198.18.100.1:80 198.18.1.2:80 SYNC",
	};
	static const char *moved[] = {
		"TCP 899 ESTABLISHED 198.18.0.2:5000 198.18.100.1:80 198.18.2.2:80 SYNC",
	};
	static const char *unbound[] = {
		"TCP 899 ESTABLISHED 198.18.0.2:5000 198.18.100.1:80 198.18.3.2:80 SYNC",
	};

	et_init(&t, 0);
	configure(&t);
	xdpvs_sync_set(t.e, XDPVS_SYNC_STATE_BACKUP, NULL, NULL);
	xdpvs_engine_tick(t.e, (uint64_t)1e9);
	t.now = (uint64_t)1e9;
	sync_ci(&ci, "198.18.1.2", 1, 0, 900);
	assert_int_equal(xdpvs_sync_apply(t.e, &ci), 0);
	expect_counts(&t, "tcp 198.18.100.1 80", "198.18.1.2 80", 1, 0);
	sync_ci(&ci, "198.18.1.2", 7, XDPVS_CONN_F_INACTIVE, 60);
	assert_int_equal(xdpvs_sync_apply(t.e, &ci), 0);
	expect_counts(&t, "tcp 198.18.100.1 80", "198.18.1.2 80", 0, 1);
	expect_table(&t, cw, 1);
	/* the old one's last word, after it was replaced: ignored */
	sync_ci(&ci, "198.18.2.2", 5, XDPVS_CONN_F_INACTIVE, 120);
	assert_int_equal(xdpvs_sync_apply(t.e, &ci), 0);
	expect_table(&t, cw, 1);
	/* a live one elsewhere replaces it */
	sync_ci(&ci, "198.18.2.2", 1, 0, 900);
	assert_int_equal(xdpvs_sync_apply(t.e, &ci), 0);
	t.now += (uint64_t)1e9;
	xdpvs_engine_tick(t.e, t.now);
	expect_table(&t, moved, 1);
	expect_counts(&t, "tcp 198.18.100.1 80", "198.18.1.2 80", 0, 0);
	expect_counts(&t, "tcp 198.18.100.1 80", "198.18.2.2 80", 1, 0);
	/* a server this backup does not have: unbound, until it has it */
	sync_ci(&ci, "198.18.3.2", 1, 0, 900);
	assert_int_equal(xdpvs_sync_apply(t.e, &ci), 0);
	t.now += (uint64_t)1e9;
	xdpvs_engine_tick(t.e, t.now);
	expect_table(&t, unbound, 1);
	et_add_dest(&t, "tcp 198.18.100.1 80", "198.18.3.2 80", 'm', 1);
	expect_counts(&t, "tcp 198.18.100.1 80", "198.18.3.2 80", 0, 0);
	assert_int_equal(xdpvs_sync_apply(t.e, &ci), 0);
	expect_counts(&t, "tcp 198.18.100.1 80", "198.18.3.2 80", 1, 0);
	/* what a backup never takes */
	ci.state = 11;
	assert_int_equal(xdpvs_sync_apply(t.e, &ci), -EINVAL);
	ci.state = 1;
	ci.flags |= XDPVS_CONN_F_ONE_PACKET;
	assert_int_equal(xdpvs_sync_apply(t.e, &ci), -EINVAL);
	ci.flags = XDPVS_CONN_F_TEMPLATE | XDPVS_CONN_F_SYNC;
	ci.pe_data_len = 3;
	memcpy(ci.pe_data, "abc", 3);
	strcpy(ci.pe_name, "nope");
	assert_int_equal(xdpvs_sync_apply(t.e, &ci), -ENOENT);
	et_fini(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(adopt_everything),
		cmocka_unit_test(refuses_what_does_not_fit),
		cmocka_unit_test(adopt_sip_callids),
		cmocka_unit_test(master_as_kernel_v1),
		cmocka_unit_test(master_as_kernel_v0),
		cmocka_unit_test(master_batches_and_rearm),
		cmocka_unit_test(master_threshold_period),
		cmocka_unit_test(master_refresh_retries),
		cmocka_unit_test(master_persist_mode),
		cmocka_unit_test(master_dr_fin_wait),
		cmocka_unit_test(master_and_fast_path),
		cmocka_unit_test(sync_sysctls),
		cmocka_unit_test(sync_mixed_families),
		cmocka_unit_test(backup_as_kernel),
		cmocka_unit_test(backup_takes_over),
		cmocka_unit_test(backup_updates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
