// SPDX-License-Identifier: GPL-2.0-only
/*
 * dp/route.c: longest prefix then lowest metric, unreachable kinds of
 * route, local addresses, source address choice, neighbour states and
 * what counts as a change, through the engine's route callback.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "dp/route.h"

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

static void link_add(struct dp_rtab *t, uint32_t ifindex, uint8_t last,
		     uint32_t mtu)
{
	struct dp_link l = { .ifindex = ifindex, .has_mac = true, .mtu = mtu,
			     .mac = { 2, 0, 0, 0, 0, last } };

	assert_int_equal(dp_rtab_link_set(t, &l), 1);
}

static void addr_add(struct dp_rtab *t, uint32_t ifindex, const char *s,
		     uint8_t plen, uint8_t scope)
{
	struct dp_ifaddr a = { .af = (uint8_t)af_of(s), .plen = plen,
			       .scope = scope, .ifindex = ifindex,
			       .addr = A(s) };

	assert_int_equal(dp_rtab_addr_add(t, &a), 1);
}

/* dst "PREFIX/LEN", gw NULL for on-link. */
static struct dp_rt route(const char *dst, uint8_t plen, const char *gw,
			  uint32_t oif, uint32_t prio, uint8_t type)
{
	struct dp_rt r = { .af = (uint8_t)af_of(dst), .plen = plen,
			   .type = type, .table = RT_TABLE_MAIN, .prio = prio,
			   .oif = oif, .dst = A(dst) };

	if (gw) {
		r.has_gw = true;
		r.gw = A(gw);
	}
	return r;
}

static void neigh(struct dp_rtab *t, uint32_t ifindex, const char *s,
		  uint8_t last, uint16_t state, int changed)
{
	struct dp_neigh n = { .af = (uint8_t)af_of(s), .has_mac = true,
			      .state = state, .ifindex = ifindex,
			      .addr = A(s), .mac = { 2, 0, 0, 0, 9, last } };

	assert_int_equal(dp_rtab_neigh_set(t, &n), changed);
}

static int setup(void **state)
{
	static struct dp_rtab t;
	struct dp_rt r;

	dp_rtab_init(&t);
	link_add(&t, 2, 2, 1500);
	link_add(&t, 3, 3, 9000);
	addr_add(&t, 2, "198.18.1.1", 24, RT_SCOPE_UNIVERSE);
	addr_add(&t, 3, "198.18.2.1", 24, RT_SCOPE_UNIVERSE);
	addr_add(&t, 3, "198.18.3.1", 24, RT_SCOPE_UNIVERSE);
	addr_add(&t, 3, "fe80::3", 64, RT_SCOPE_LINK);
	addr_add(&t, 3, "2001:db8:2::1", 64, RT_SCOPE_UNIVERSE);
	r = route("198.18.1.0", 24, NULL, 2, 0, RTN_UNICAST);
	dp_rtab_route_add(&t, &r);
	r = route("198.18.2.0", 24, NULL, 3, 0, RTN_UNICAST);
	dp_rtab_route_add(&t, &r);
	r = route("198.18.3.0", 24, NULL, 3, 0, RTN_UNICAST);
	dp_rtab_route_add(&t, &r);
	r = route("0.0.0.0", 0, "198.18.1.254", 2, 0, RTN_UNICAST);
	dp_rtab_route_add(&t, &r);
	r = route("2001:db8:2::", 64, NULL, 3, 256, RTN_UNICAST);
	dp_rtab_route_add(&t, &r);
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	dp_rtab_free(*state);
	return 0;
}

static int lookup(struct dp_rtab *t, const char *dst, struct xdpvs_route *rt,
		  struct dp_nexthop *nh)
{
	union xdpvs_addr d = A(dst);

	memset(nh, 0, sizeof(*nh));
	return dp_rtab_route(t, af_of(dst), &d, rt, nh);
}

static void onlink_then_gateway(void **state)
{
	struct dp_rtab *t = *state;
	struct xdpvs_route rt;
	struct dp_nexthop nh;
	union xdpvs_addr gw = A("198.18.1.254");
	uint8_t mac[6] = { 2, 0, 0, 0, 9, 7 };

	/* Nobody known yet: resolve the destination itself (on-link). */
	assert_int_equal(lookup(t, "198.18.2.7", &rt, &nh), -EAGAIN);
	assert_int_equal(nh.ifindex, 3);
	assert_int_equal(nh.af, AF_INET);
	assert_int_equal(nh.addr.ip, A("198.18.2.7").ip);
	neigh(t, 3, "198.18.2.7", 7, NUD_REACHABLE, 1);
	assert_int_equal(lookup(t, "198.18.2.7", &rt, &nh), 0);
	assert_int_equal(rt.ifindex, 3);
	assert_int_equal(rt.mtu, 9000);
	assert_int_equal(rt.local, 0);
	assert_memory_equal(rt.dmac, mac, 6);
	assert_int_equal(rt.smac[5], 3);
	assert_int_equal(rt.saddr.ip, A("198.18.2.1").ip);
	/* Off-link: the gateway is what needs resolving. */
	assert_int_equal(lookup(t, "198.19.0.1", &rt, &nh), -EAGAIN);
	assert_int_equal(nh.ifindex, 2);
	assert_memory_equal(&nh.addr, &gw, 16);
	neigh(t, 2, "198.18.1.254", 0xfe, NUD_STALE, 1);
	assert_int_equal(lookup(t, "198.19.0.1", &rt, &nh), 0);
	assert_int_equal(rt.ifindex, 2);
	assert_int_equal(rt.mtu, 1500);
	assert_int_equal(rt.dmac[5], 0xfe);
	assert_int_equal(rt.saddr.ip, A("198.18.1.1").ip);
}

static void source_in_the_next_hops_subnet(void **state)
{
	struct dp_rtab *t = *state;
	struct xdpvs_route rt;
	struct dp_nexthop nh;

	neigh(t, 3, "198.18.3.9", 9, NUD_PERMANENT, 1);
	assert_int_equal(lookup(t, "198.18.3.9", &rt, &nh), 0);
	assert_int_equal(rt.saddr.ip, A("198.18.3.1").ip);
}

static void longest_prefix_then_metric(void **state)
{
	struct dp_rtab *t = *state;
	struct xdpvs_route rt;
	struct dp_nexthop nh;
	struct dp_rt r;

	neigh(t, 2, "198.18.1.254", 0xfe, NUD_REACHABLE, 1);
	neigh(t, 3, "198.18.2.254", 0xfd, NUD_REACHABLE, 1);
	r = route("198.19.0.0", 16, "198.18.2.254", 3, 100, RTN_UNICAST);
	dp_rtab_route_add(t, &r);
	assert_int_equal(lookup(t, "198.19.0.1", &rt, &nh), 0);
	assert_int_equal(rt.ifindex, 3);
	r = route("198.19.0.0", 16, "198.18.1.254", 2, 50, RTN_UNICAST);
	dp_rtab_route_add(t, &r);
	assert_int_equal(lookup(t, "198.19.0.1", &rt, &nh), 0);
	assert_int_equal(rt.ifindex, 2);
	/* A replacement keeps one route per <dst, metric>. */
	r.oif = 3;
	r.gw = A("198.18.2.254");
	assert_int_equal(dp_rtab_route_add(t, &r), 1);
	assert_int_equal(t->nroutes, 7);
	assert_int_equal(lookup(t, "198.19.0.1", &rt, &nh), 0);
	assert_int_equal(rt.ifindex, 3);
	/* A more specific blackhole wins and means "no route". */
	r = route("198.19.0.0", 24, NULL, 0, 0, RTN_BLACKHOLE);
	dp_rtab_route_add(t, &r);
	assert_int_equal(lookup(t, "198.19.0.1", &rt, &nh), -ENETUNREACH);
	assert_int_equal(lookup(t, "198.19.1.1", &rt, &nh), 0);
	assert_int_equal(dp_rtab_route_del(t, &r), 1);
	assert_int_equal(lookup(t, "198.19.0.1", &rt, &nh), 0);
}

static void no_route(void **state)
{
	struct dp_rtab *t = *state;
	struct xdpvs_route rt;
	struct dp_nexthop nh;
	struct dp_rt r = route("0.0.0.0", 0, "198.18.1.254", 2, 0, RTN_UNICAST);

	assert_int_equal(dp_rtab_route_del(t, &r), 1);
	assert_int_equal(lookup(t, "198.19.0.1", &rt, &nh), -ENETUNREACH);
	assert_int_equal(lookup(t, "2001:db8:99::1", &rt, &nh), -ENETUNREACH);
	/* A route over an interface we do not know */
	r = route("198.19.0.0", 16, NULL, 42, 0, RTN_UNICAST);
	dp_rtab_route_add(t, &r);
	assert_int_equal(lookup(t, "198.19.0.1", &rt, &nh), -ENETUNREACH);
}

static void local_addresses(void **state)
{
	struct dp_rtab *t = *state;
	struct xdpvs_route rt;
	struct dp_nexthop nh;
	struct dp_ifaddr a = { .af = AF_INET, .plen = 24, .ifindex = 3,
			       .addr = A("198.18.3.1") };

	assert_int_equal(lookup(t, "198.18.2.1", &rt, &nh), 0);
	assert_int_equal(rt.local, 1);
	assert_int_equal(rt.ifindex, 3);
	assert_int_equal(rt.saddr.ip, A("198.18.2.1").ip);
	assert_int_equal(lookup(t, "2001:db8:2::1", &rt, &nh), 0);
	assert_int_equal(rt.local, 1);
	assert_int_equal(dp_rtab_addr_del(t, &a), 1);
	assert_int_equal(dp_rtab_addr_del(t, &a), 0);
	assert_int_equal(lookup(t, "198.18.3.1", &rt, &nh), -EAGAIN);
}

static void ipv6_global_source(void **state)
{
	struct dp_rtab *t = *state;
	struct xdpvs_route rt;
	struct dp_nexthop nh;

	neigh(t, 3, "2001:db8:2::2", 2, NUD_DELAY, 1);
	assert_int_equal(lookup(t, "2001:db8:2::2", &rt, &nh), 0);
	assert_int_equal(rt.ifindex, 3);
	union xdpvs_addr want = A("2001:db8:2::1");

	assert_memory_equal(&rt.saddr, &want, 16);
}

static void neighbour_changes(void **state)
{
	struct dp_rtab *t = *state;
	struct xdpvs_route rt;
	struct dp_nexthop nh;
	struct dp_neigh n = { .af = AF_INET, .ifindex = 3,
			      .addr = A("198.18.2.8") };

	/* Being resolved: known but unusable, no change */
	n.state = NUD_INCOMPLETE;
	assert_int_equal(dp_rtab_neigh_set(t, &n), 0);
	assert_int_equal(lookup(t, "198.18.2.8", &rt, &nh), -EAGAIN);
	neigh(t, 3, "198.18.2.8", 8, NUD_REACHABLE, 1);
	/* REACHABLE -> STALE with the same MAC changes nothing */
	neigh(t, 3, "198.18.2.8", 8, NUD_STALE, 0);
	/* a new MAC does */
	neigh(t, 3, "198.18.2.8", 9, NUD_STALE, 1);
	assert_int_equal(lookup(t, "198.18.2.8", &rt, &nh), 0);
	assert_int_equal(rt.dmac[5], 9);
	neigh(t, 3, "198.18.2.8", 9, NUD_FAILED, 1);
	assert_int_equal(lookup(t, "198.18.2.8", &rt, &nh), -EAGAIN);
	n.state = NUD_FAILED;
	assert_int_equal(dp_rtab_neigh_del(t, &n), 0);
	assert_int_equal(t->nneighs, 0);
}

static void link_mtu_and_route_mtu(void **state)
{
	struct dp_rtab *t = *state;
	struct xdpvs_route rt;
	struct dp_nexthop nh;
	struct dp_rt r = route("198.18.2.0", 24, NULL, 3, 0, RTN_UNICAST);
	struct dp_link l = { .ifindex = 3, .has_mac = true, .mtu = 1400,
			     .mac = { 2, 0, 0, 0, 0, 3 } };

	neigh(t, 3, "198.18.2.7", 7, NUD_REACHABLE, 1);
	assert_int_equal(dp_rtab_link_set(t, &l), 1);
	assert_int_equal(dp_rtab_link_set(t, &l), 0);
	assert_int_equal(lookup(t, "198.18.2.7", &rt, &nh), 0);
	assert_int_equal(rt.mtu, 1400);
	r.mtu = 1300;
	dp_rtab_route_add(t, &r);
	assert_int_equal(lookup(t, "198.18.2.7", &rt, &nh), 0);
	assert_int_equal(rt.mtu, 1300);
	assert_int_equal(dp_rtab_link_del(t, 3), 1);
	assert_int_equal(lookup(t, "198.18.2.7", &rt, &nh), -ENETUNREACH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(onlink_then_gateway, setup,
						teardown),
		cmocka_unit_test_setup_teardown(source_in_the_next_hops_subnet,
						setup, teardown),
		cmocka_unit_test_setup_teardown(longest_prefix_then_metric,
						setup, teardown),
		cmocka_unit_test_setup_teardown(no_route, setup, teardown),
		cmocka_unit_test_setup_teardown(local_addresses, setup,
						teardown),
		cmocka_unit_test_setup_teardown(ipv6_global_source, setup,
						teardown),
		cmocka_unit_test_setup_teardown(neighbour_changes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(link_mtu_and_route_mtu, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
