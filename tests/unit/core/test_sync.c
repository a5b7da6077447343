// SPDX-License-Identifier: GPL-2.0-only
/*
 * Taking connections in (hitless restart, sync): a second engine with the
 * same configuration adopts what the first one had, states, templates,
 * counts and time left, and carries on forwarding them to the same real
 * servers.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "../../lib/enginetest.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(adopt_everything),
		cmocka_unit_test(refuses_what_does_not_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
