// SPDX-License-Identifier: GPL-2.0-only
/*
 * Engine test fixture (see enginetest.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "enginetest.h"

static int et_parse_addr(const char *s, union xdpvs_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (strchr(s, ':')) {
		assert_int_equal(inet_pton(AF_INET6, s, a), 1);
		return AF_INET6;
	}
	assert_int_equal(inet_pton(AF_INET, s, &a->ip), 1);
	return AF_INET;
}

static int et_env_route(void *ctx, int af, const union xdpvs_addr *daddr,
			struct xdpvs_route *rt)
{
	struct et *t = ctx;
	int i;

	for (i = 0; i < t->nroutes; i++) {
		struct et_route *r = &t->routes[i];

		if (r->af == af && xdpvs_addr_equal(af, &r->addr, daddr)) {
			*rt = r->rt;
			return r->err;
		}
	}
	*rt = t->deflt[af == AF_INET6].rt;
	return 0;
}

static void et_fill(struct xdpvs_route *rt, const char *dmac,
		    uint32_t ifindex, uint32_t mtu, const char *saddr)
{
	memset(rt, 0, sizeof(*rt));
	tb_mac(rt->smac, ET_LB_MAC);
	tb_mac(rt->dmac, dmac);
	rt->ifindex = ifindex;
	rt->mtu = mtu;
	if (saddr)
		et_parse_addr(saddr, &rt->saddr);
}

static void et_flow_add(void *ctx, const struct xdpvs_flow_key *k,
			const struct xdpvs_flow_value *v, bool replace)
{
	struct et *t = ctx;

	t->flow->add(t, k, v, replace);
}

static void et_flow_del(void *ctx, const struct xdpvs_flow_key *k)
{
	struct et *t = ctx;

	t->flow->del(t, k);
}

static uint64_t et_flow_seen(void *ctx, const struct xdpvs_flow_key *k)
{
	struct et *t = ctx;

	return t->flow->last_seen(t, k);
}

static void et_flow_have(void *ctx, const struct xdpvs_flow_key *k)
{
	struct et *t = ctx;

	t->flow->have(t, k);
}

static void et_pick_put(void *ctx, uint32_t ring,
			const struct xdpvs_dp_addr_key *svc, uint32_t flags,
			const struct xdpvs_pick *picks, uint32_t n)
{
	struct et *t = ctx;

	t->pick->put(t, ring, svc, flags, picks, n);
}

static uint32_t et_pick_take(void *ctx, uint32_t ring)
{
	struct et *t = ctx;

	return t->pick->take(t, ring);
}

static int et_pick_next(void *ctx, uint32_t ring, struct xdpvs_pick *pk)
{
	struct et *t = ctx;

	return t->pick->next(t, ring, pk);
}

static void et_pick_drop(void *ctx, uint32_t ring)
{
	struct et *t = ctx;

	t->pick->drop(t, ring);
}

static void et_pick_tmpl(void *ctx, uint32_t dest_idx,
			 const struct xdpvs_flow_value *v)
{
	struct et *t = ctx;

	t->pick->tmpl(t, dest_idx, v);
}

void et_init(struct et *t, uint32_t conn_max)
{
	et_init_flows(t, conn_max, NULL);
}

void et_init_flows(struct et *t, uint32_t conn_max,
		   const struct et_flow_ops *ops)
{
	et_init_picks(t, conn_max, ops, NULL);
}

void et_init_picks(struct et *t, uint32_t conn_max,
		   const struct et_flow_ops *ops,
		   const struct et_pick_ops *pick)
{
	struct xdpvs_engine_params p = {
		.conn_max = conn_max ? conn_max : 4096,
		.seed = 42,
		.env = { .route = et_env_route, .ctx = t },
	};

	memset(t, 0, sizeof(*t));
	if (ops) {
		t->flow = ops;
		p.env.flow_add = et_flow_add;
		p.env.flow_del = et_flow_del;
		p.env.flow_last_seen = et_flow_seen;
		if (ops->have)
			p.env.flow_have = et_flow_have;
	}
	if (pick) {
		t->pick = pick;
		p.env.pick_put = et_pick_put;
		p.env.pick_take = et_pick_take;
		if (pick->next)
			p.env.pick_next = et_pick_next;
		p.env.pick_drop = et_pick_drop;
		p.env.pick_tmpl = et_pick_tmpl;
	}
	et_fill(&t->deflt[0].rt, "02:00:00:00:00:01", 1, 1500,
		"198.18.0.254");
	et_fill(&t->deflt[1].rt, "02:00:00:00:00:01", 1, 1500,
		"2001:db8::fe");
	t->e = xdpvs_engine_new(&p);
	assert_non_null(t->e);
}

void et_fini(struct et *t)
{
	xdpvs_engine_free(t->e);
	t->e = NULL;
}

/* The table entry for addr: replaced if there is one, else new. */
static struct et_route *et_new_route(struct et *t, const char *addr)
{
	struct et_route *r;
	union xdpvs_addr a;
	int af = et_parse_addr(addr, &a), i;

	for (i = 0; i < t->nroutes; i++)
		if (t->routes[i].af == af &&
		    xdpvs_addr_equal(af, &t->routes[i].addr, &a))
			break;
	assert_true(i < (int)(sizeof(t->routes) / sizeof(t->routes[0])));
	if (i == t->nroutes)
		t->nroutes++;
	r = &t->routes[i];
	memset(r, 0, sizeof(*r));
	r->af = af;
	r->addr = a;
	return r;
}

void et_routes_changed(struct et *t)
{
	xdpvs_engine_routes_changed(t->e);
	xdpvs_engine_flows_refresh(t->e, UINT32_MAX);
}

void et_route(struct et *t, const char *addr, const char *dmac,
	      uint32_t ifindex, uint32_t mtu, const char *saddr)
{
	struct et_route *r = et_new_route(t, addr);

	et_fill(&r->rt, dmac, ifindex, mtu, saddr);
	et_routes_changed(t);
}

void et_local(struct et *t, const char *addr)
{
	struct et_route *r = et_new_route(t, addr);

	et_fill(&r->rt, NULL, 0, 65535, addr);
	r->rt.local = 1;
	et_routes_changed(t);
}

void et_unreachable(struct et *t, const char *addr, int err)
{
	struct et_route *r = et_new_route(t, addr);

	r->err = err;
	et_routes_changed(t);
}

static uint8_t et_proto(const char *s)
{
	if (strcmp(s, "tcp") == 0)
		return IPPROTO_TCP;
	if (strcmp(s, "udp") == 0)
		return IPPROTO_UDP;
	assert_string_equal(s, "sctp");
	return IPPROTO_SCTP;
}

struct xdpvs_svc_conf et_svc_conf(const char *spec, const char *sched)
{
	struct xdpvs_svc_conf c;
	char proto[8], addr[64], v6[4] = "";
	unsigned int port;

	memset(&c, 0, sizeof(c));
	assert_true(sscanf(spec, "%7s %63s %u %3s", proto, addr, &port, v6) >=
		    3 || strncmp(spec, "fwm", 3) == 0);
	if (strcmp(proto, "fwm") == 0) {
		c.fwmark = (uint32_t)strtoul(addr, NULL, 10);
		c.protocol = IPPROTO_TCP;
		c.af = strstr(spec, "v6") ? AF_INET6 : AF_INET;
	} else {
		c.protocol = et_proto(proto);
		c.af = (uint16_t)et_parse_addr(addr, &c.addr);
		c.port = htons((uint16_t)port);
	}
	c.netmask = c.af == AF_INET6 ? 128 : 0xffffffff;
	strncpy(c.sched_name, sched, sizeof(c.sched_name) - 1);
	return c;
}

struct xdpvs_dest_conf et_dest_conf(const char *spec, char method, int weight)
{
	struct xdpvs_dest_conf c;
	char addr[64];
	unsigned int port;

	memset(&c, 0, sizeof(c));
	assert_int_equal(sscanf(spec, "%63s %u", addr, &port), 2);
	c.af = (uint16_t)et_parse_addr(addr, &c.addr);
	c.port = htons((uint16_t)port);
	c.conn_flags = method == 'm' ? XDPVS_CONN_F_MASQ :
		       method == 'i' ? XDPVS_CONN_F_TUNNEL :
				       XDPVS_CONN_F_DROUTE;
	c.weight = weight;
	return c;
}

void et_add_svc(struct et *t, const char *spec, const char *sched)
{
	struct xdpvs_svc_conf c = et_svc_conf(spec, sched);

	assert_int_equal(xdpvs_svc_add(t->e, &c), 0);
}

void et_add_dest(struct et *t, const char *svc, const char *dest,
		 char method, int weight)
{
	struct xdpvs_svc_conf s = et_svc_conf(svc, "rr");
	struct xdpvs_dest_conf d = et_dest_conf(dest, method, weight);

	assert_int_equal(xdpvs_dest_add(t->e, &s, &d), 0);
}

enum xdpvs_verdict et_rx(struct et *t, double now, const uint8_t *frame,
			 size_t len)
{
	assert_true(len <= sizeof(t->buf) - ET_HEADROOM);
	memset(t->buf, 0xee, sizeof(t->buf));
	memcpy(t->buf + ET_HEADROOM, frame, len);
	t->f.data = t->buf + ET_HEADROOM;
	t->f.len = (uint32_t)len;
	t->f.headroom = ET_HEADROOM;
	t->f.tailroom = (uint32_t)(sizeof(t->buf) - ET_HEADROOM - len);
	t->f.ifindex = 1;
	t->now = (uint64_t)(now * 1e9);
	t->v = xdpvs_engine_rx(t->e, t->now, &t->f);
	return t->v;
}

enum xdpvs_verdict et_rx_pkt(struct et *t, double now, const struct tb_pkt *d)
{
	uint8_t frame[TB_MAX];
	size_t len = tb_build(frame, d);

	return et_rx(t, now, frame, len);
}

void et_expect_tx(struct et *t, const struct tb_pkt *d)
{
	uint8_t exp[TB_MAX];
	size_t len = tb_build(exp, d);

	assert_int_equal(t->v, XDPVS_TX);
	tb_assert_frame(t->f.data, t->f.len, exp, len);
}

uint64_t et_drops(struct et *t, enum xdpvs_drop r)
{
	uint64_t d[XDPVS_DROP_MAX];

	xdpvs_drops(t->e, d);
	return d[r];
}

const char *et_conn_state(struct et *t, const char *caddr, uint16_t cport,
			  uint32_t *expires_s)
{
	static char state[16];
	struct xdpvs_conn_info *ci;
	union xdpvs_addr a;
	int af = et_parse_addr(caddr, &a), n, i;
	const char *found = NULL;

	n = xdpvs_conn_info_get(t->e, t->now, &ci);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		if (ci[i].af != af || ci[i].cport != htons(cport) ||
		    !xdpvs_addr_equal(af, &ci[i].caddr, &a) ||
		    (ci[i].flags & XDPVS_CONN_F_TEMPLATE))
			continue;
		snprintf(state, sizeof(state), "%s", ci[i].state_name);
		if (expires_s)
			*expires_s = ci[i].expires_ms / 1000;
		found = state;
		break;
	}
	free(ci);
	return found;
}

struct xdpvs_flow_key et_flow_key(const char *s, uint16_t sp, const char *d,
				  uint16_t dp, uint8_t proto)
{
	struct xdpvs_flow_key k;

	memset(&k, 0, sizeof(k));
	k.af = AF_INET;
	k.proto = proto;
	et_parse_addr(s, &k.saddr);
	et_parse_addr(d, &k.daddr);
	k.sport = htons(sp);
	k.dport = htons(dp);
	return k;
}
