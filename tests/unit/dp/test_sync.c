// SPDX-License-Identifier: GPL-2.0-only
/*
 * dp/sync.c: the XDP filter's map contents for a configuration: service
 * keys (fwmark services have none; persistent FTP is flagged), NAT real
 * servers only (every protocol for a fwmark service), and mark prefixes
 * carrying the union of the rules that cover them, for marks that have a
 * service of the same family.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dp/sync.h"

static union xdpvs_addr A(const char *s)
{
	union xdpvs_addr a;

	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, s, &a.ip) != 1)
		assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static int af_of(const char *s)
{
	return strchr(s, ':') ? AF_INET6 : AF_INET;
}

static struct xdpvs_svc_info svc(int proto, const char *addr, uint16_t port,
				 uint32_t fwmark, uint32_t flags,
				 struct xdpvs_dest_info *dests, uint32_t n)
{
	struct xdpvs_svc_info s;

	memset(&s, 0, sizeof(s));
	s.conf.af = (uint16_t)af_of(addr);
	s.conf.protocol = (uint16_t)proto;
	s.conf.addr = fwmark ? (union xdpvs_addr){ 0 } : A(addr);
	s.conf.port = fwmark ? 0 : htons(port);
	s.conf.fwmark = fwmark;
	s.conf.flags = flags;
	s.dests = dests;
	s.num_dests = n;
	return s;
}

static struct xdpvs_dest_info dest(const char *addr, uint16_t port,
				   uint32_t fwd)
{
	struct xdpvs_dest_info d;

	memset(&d, 0, sizeof(d));
	d.conf.af = (uint16_t)af_of(addr);
	d.conf.addr = A(addr);
	d.conf.port = htons(port);
	d.conf.conn_flags = fwd;
	return d;
}

static struct xdpvs_mark_rule rule(uint32_t mark, uint8_t proto,
				   const char *prefix, uint8_t plen,
				   uint16_t lo, uint16_t hi)
{
	struct xdpvs_mark_rule r = { .mark = mark, .protocol = proto,
				     .plen = plen, .port_lo = lo,
				     .port_hi = hi };

	r.af = (uint16_t)af_of(prefix);
	r.prefix = A(prefix);
	return r;
}

static void services_and_nat_real_servers(void **state)
{
	struct xdpvs_dest_info d1[] = {
		dest("198.18.2.11", 8080, XDPVS_CONN_F_MASQ),
		dest("198.18.2.12", 80, XDPVS_CONN_F_DROUTE),
		dest("198.18.2.13", 80, XDPVS_CONN_F_TUNNEL),
	};
	struct xdpvs_dest_info d2[] = { dest("198.18.2.14", 0,
					     XDPVS_CONN_F_MASQ) };
	struct xdpvs_svc_info s[] = {
		svc(IPPROTO_TCP, "198.18.100.1", 80, 0, 0, d1, 3),
		svc(IPPROTO_TCP, "198.18.100.2", 21, 0, XDPVS_SVC_F_PERSISTENT,
		    NULL, 0),
		svc(IPPROTO_TCP, "198.18.100.3", 21, 0, 0, NULL, 0),
		svc(IPPROTO_TCP, "0.0.0.0", 0, 7, 0, d2, 1),
	};
	struct dp_sync_set set;
	uint32_t i;

	assert_int_equal(dp_sync_build(s, 4, NULL, 0, &set), 0);
	/* each service, then its address alone (for fragments) */
	assert_int_equal(set.nsvcs, 6);
	assert_int_equal(set.svcs[0].key.af, AF_INET);
	assert_int_equal(set.svcs[0].key.proto, IPPROTO_TCP);
	assert_int_equal(set.svcs[0].key.port, htons(80));
	assert_int_equal(set.svcs[0].key.addr.ip, A("198.18.100.1").ip);
	assert_int_equal(set.svcs[0].key.addr.ip6[1], 0);
	assert_int_equal(set.svcs[0].val.flags, 0);
	assert_int_equal(set.svcs[1].key.proto, 0);
	assert_int_equal(set.svcs[1].key.port, 0);
	assert_int_equal(set.svcs[1].key.addr.ip, A("198.18.100.1").ip);
	assert_int_equal(set.svcs[2].val.flags, XDPVS_DP_SVC_F_FTP);
	assert_int_equal(set.svcs[4].val.flags, 0);
	/* one NAT dest of the TCP service; three protocols of fwmark 7's;
	 * each dest's address alone after its ports */
	assert_int_equal(set.nnat_rs, 6);
	assert_int_equal(set.nat_rs[0].addr.ip, A("198.18.2.11").ip);
	assert_int_equal(set.nat_rs[0].port, htons(8080));
	assert_int_equal(set.nat_rs[0].proto, IPPROTO_TCP);
	assert_int_equal(set.nat_rs[1].addr.ip, A("198.18.2.11").ip);
	assert_int_equal(set.nat_rs[1].proto, 0);
	assert_int_equal(set.nat_rs[1].port, 0);
	for (i = 2; i < 6; i++) {
		assert_int_equal(set.nat_rs[i].addr.ip, A("198.18.2.14").ip);
		assert_int_equal(set.nat_rs[i].port, 0);
	}
	assert_int_equal(set.nat_rs[2].proto, IPPROTO_TCP);
	assert_int_equal(set.nat_rs[3].proto, IPPROTO_UDP);
	assert_int_equal(set.nat_rs[4].proto, IPPROTO_SCTP);
	assert_int_equal(set.nat_rs[5].proto, 0);
	assert_int_equal(set.nmarks, 0);
	dp_sync_free(&set);
}

static void mark_prefixes_take_the_union_of_covering_rules(void **state)
{
	struct xdpvs_svc_info s[] = {
		svc(IPPROTO_TCP, "0.0.0.0", 0, 1, 0, NULL, 0),
		svc(IPPROTO_TCP, "::", 0, 3, 0, NULL, 0),
	};
	struct xdpvs_mark_rule r[] = {
		rule(1, IPPROTO_TCP, "198.18.200.0", 24, 1000, 2000),
		rule(1, IPPROTO_UDP, "198.18.200.128", 25, 53, 53),
		rule(2, IPPROTO_UDP, "198.18.200.0", 16, 0, 0),	/* no svc */
		rule(1, 0, "198.18.0.0", 15, 3000, 3001),
		rule(3, IPPROTO_SCTP, "2001:db8:200::", 48, 0, 0),
		rule(1, IPPROTO_TCP, "2001:db8:300::", 48, 0, 0), /* v4 svc */
	};
	struct dp_sync_set set;
	struct dp_sync_mark *m;

	assert_int_equal(dp_sync_build(s, 2, r, 6, &set), 0);
	assert_int_equal(set.nsvcs, 0);
	assert_int_equal(set.nmarks, 4);
	m = &set.marks[0];	/* /24 and the /15 around it */
	assert_int_equal(m->key.prefixlen, 32 + 24);
	assert_int_equal(m->key.af, AF_INET);
	assert_int_equal(m->key.addr.ip, A("198.18.200.0").ip);
	assert_int_equal(m->val.protos, XDPVS_DP_PROTO_TCP |
					XDPVS_DP_PROTO_UDP |
					XDPVS_DP_PROTO_SCTP);
	assert_int_equal(m->val.port_lo, 1000);
	assert_int_equal(m->val.port_hi, 3001);
	m = &set.marks[1];	/* /25, /24 and /15 */
	assert_int_equal(m->key.prefixlen, 32 + 25);
	assert_int_equal(m->val.port_lo, 53);
	assert_int_equal(m->val.port_hi, 3001);
	m = &set.marks[2];	/* the /15 alone */
	assert_int_equal(m->key.prefixlen, 32 + 15);
	assert_int_equal(m->val.port_lo, 3000);
	assert_int_equal(m->val.port_hi, 3001);
	m = &set.marks[3];	/* any port */
	assert_int_equal(m->key.prefixlen, 32 + 48);
	assert_int_equal(m->key.af, AF_INET6);
	assert_int_equal(m->val.protos, XDPVS_DP_PROTO_SCTP);
	assert_int_equal(m->val.port_lo, 0);
	assert_int_equal(m->val.port_hi, 65535);
	dp_sync_free(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(services_and_nat_real_servers),
		cmocka_unit_test(mark_prefixes_take_the_union_of_covering_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
