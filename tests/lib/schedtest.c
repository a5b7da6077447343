// SPDX-License-Identifier: GPL-2.0-only
/*
 * The scheduler test bench (see schedtest.h): a service and its real
 * servers built by hand with the kernel's rules from ip_vs_ctl.c
 * (__ip_vs_update_dest, __ip_vs_unlink_dest, __ip_vs_dest_update_overload)
 * and ip_vs_conn.c (ip_vs_bind_dest, ip_vs_unbind_dest).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "tests/lib/schedtest.h"

/*
 * Dropping a reference a scheduler took (lblc, lblcr).  The real one lives
 * in core/dest.c with the trash; this weak stand-in lets the bench link
 * without it, and yields to the real one whenever dest.o is linked.
 */
__attribute__((weak)) void xdpvs_dest_put(struct xdpvs_dest *d)
{
	assert_true(d->refcnt > 0);
	d->refcnt--;
}

void st_parse(const char *s, uint16_t *af, union xdpvs_addr *addr,
	      uint16_t *port)
{
	char buf[64];
	const char *host = buf, *colon = NULL;
	char *end;

	assert_true(strlen(s) < sizeof(buf));
	strcpy(buf, s);
	memset(addr, 0, sizeof(*addr));
	*port = 0;
	if (buf[0] == '[') {
		end = strchr(buf, ']');
		assert_non_null(end);
		*end = '\0';
		host = buf + 1;
		if (end[1] == ':')
			colon = end + 1;
	} else if (strchr(buf, '.')) {
		end = strchr(buf, ':');
		if (end) {
			*end = '\0';
			colon = end;
		}
	}
	if (colon)
		*port = htons((uint16_t)atoi(colon + 1));
	*af = strchr(host, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(*af, host, addr) != 1)
		fail_msg("bad address %s", s);
}

struct schedtest *st_new_env(const char *sched, int protocol, const char *vip,
			     uint32_t flags, const struct xdpvs_sched_env *env)
{
	struct schedtest *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	if (env) {
		t->env = *env;
	} else {
		t->env.rng = 0x9E3779B97F4A7C15ULL;
		t->env.lblc_expiration = 24 * 60 * 60;
		t->env.lblcr_expiration = 24 * 60 * 60;
	}
	list_init(&t->svc.destinations);
	t->svc.protocol = (uint16_t)protocol;
	t->svc.flags = flags;
	t->svc.af = AF_INET;
	if (vip)
		st_parse(vip, &t->svc.af, &t->svc.addr, &t->svc.port);
	else
		t->svc.fwmark = 1;
	t->svc.sched_env = &t->env;
	t->next_port = 32768;
	t->ops = xdpvs_sched_find(sched);
	if (!t->ops)
		fail_msg("no scheduler %s", sched);
	assert_int_equal(xdpvs_sched_bind(&t->svc, t->ops), 0);
	return t;
}

struct schedtest *st_new(const char *sched, int protocol, const char *vip,
			 uint32_t flags)
{
	return st_new_env(sched, protocol, vip, flags, NULL);
}

struct schedtest *st_new_golden(const char *sched, const char *vip)
{
	struct schedtest *t = st_new(sched, IPPROTO_TCP, vip, 0);

	st_add(t, "rs1", "198.18.1.2:80", 3);
	st_add(t, "rs2", "198.18.2.2:80", 2);
	st_add(t, "rs3", "198.18.3.2:80", 1);
	return t;
}

void st_free(struct schedtest *t)
{
	int i;

	xdpvs_sched_unbind(&t->svc);
	st_expire_all(t);
	for (i = 0; i < t->ndests; i++) {
		if (t->dests[i]->refcnt != 0)
			fail_msg("%s still referenced (%u)", t->names[i],
				 t->dests[i]->refcnt);
		free(t->dests[i]);
	}
	free(t);
}

static int st_index(struct schedtest *t, const char *name)
{
	int i;

	for (i = 0; i < t->ndests; i++)
		if (strcmp(t->names[i], name) == 0)
			return i;
	return -1;
}

struct xdpvs_dest *st_dest(struct schedtest *t, const char *name)
{
	int i = st_index(t, name);

	if (i < 0)
		fail_msg("no server %s", name);
	return t->dests[i];
}

const char *st_name(struct schedtest *t, const struct xdpvs_dest *d)
{
	int i;

	if (!d)
		return "-";
	for (i = 0; i < t->ndests; i++)
		if (t->dests[i] == d)
			return t->names[i];
	fail_msg("scheduler returned an unknown dest %p", (const void *)d);
	return "?";
}

static int st_update(struct schedtest *t, struct xdpvs_dest *d,
		     enum xdpvs_sched_event ev)
{
	t->last_rc = 0;
	if (t->ops->update_service)
		t->last_rc = t->ops->update_service(&t->svc, d, ev);
	return t->last_rc;
}

/* The kernel's __ip_vs_dest_update_overload: the flag is set once
 * totalconns reaches u, cleared below l, with hysteresis between. */
static void st_update_overload(struct xdpvs_dest *d, int mode)
{
	uint32_t u = d->u_threshold, l = d->l_threshold_val;
	int32_t conns = d->totalconns;

	if (!u)
		goto unset;
	if (conns >= (int64_t)(mode > 0 ? l : u)) {
		d->flags |= XDPVS_DEST_F_OVERLOAD;
		return;
	}
	if (conns >= (int64_t)(mode < 0 ? u : l))
		return;
unset:
	d->flags &= ~XDPVS_DEST_F_OVERLOAD;
}

struct xdpvs_dest *st_add(struct schedtest *t, const char *name,
			  const char *rs, int weight)
{
	int i = st_index(t, name);
	struct xdpvs_dest *d;

	if (i < 0) {
		assert_true(t->ndests < ST_MAX_DESTS);
		assert_true(strlen(name) < ST_NAME_LEN);
		d = calloc(1, sizeof(*d));
		assert_non_null(d);
		st_parse(rs, &d->af, &d->addr, &d->port);
		d->svc = &t->svc;
		strcpy(t->names[t->ndests], name);
		t->dests[t->ndests++] = d;
	} else {
		d = t->dests[i];
		if (xdpvs_dest_is_available(d))
			fail_msg("%s already in the service", name);
	}
	d->last_weight = weight;	/* on add, even 0 */
	d->weight = weight;
	d->cflags |= XDPVS_DEST_CF_AVAILABLE;
	list_add(&d->n_list, &t->svc.destinations);
	t->svc.num_dests++;
	st_update(t, d, XDPVS_SCHED_ADD_DEST);
	return d;
}

void st_edit(struct schedtest *t, const char *name, int weight)
{
	struct xdpvs_dest *d = st_dest(t, name);

	if (weight != 0)
		d->last_weight = weight;
	d->weight = weight;
	st_update(t, d, XDPVS_SCHED_UPD_DEST);
}

void st_thresholds(struct schedtest *t, const char *name, uint32_t u,
		   uint32_t l)
{
	struct xdpvs_dest *d = st_dest(t, name);

	d->u_threshold = u;
	d->l_threshold = l;
	d->l_threshold_val = l ? l : u - (u >> 2);
	st_update_overload(d, 0);
	st_update(t, d, XDPVS_SCHED_UPD_DEST);
}

void st_del(struct schedtest *t, const char *name)
{
	struct xdpvs_dest *d = st_dest(t, name);

	assert_true(xdpvs_dest_is_available(d));
	d->cflags &= ~XDPVS_DEST_CF_AVAILABLE;
	list_del(&d->n_list);
	t->svc.num_dests--;
	st_update(t, d, XDPVS_SCHED_DEL_DEST);
}

static void st_trace_add(struct schedtest *t, const char *s)
{
	int n = snprintf(t->trace + t->tlen, sizeof(t->trace) - t->tlen,
			 "%s%s", t->tlen ? " " : "", s);

	assert_true(n > 0 && t->tlen + (size_t)n < sizeof(t->trace));
	t->tlen += (size_t)n;
}

const char *st_trace(struct schedtest *t)
{
	memcpy(t->out, t->trace, t->tlen + 1);
	t->tlen = 0;
	t->trace[0] = '\0';
	return t->out;
}

struct xdpvs_dest *st_schedule_to(struct schedtest *t, const char *client,
				  const char *vaddr)
{
	struct xdpvs_sched_pkt p = {
		.protocol = t->svc.protocol,
		.daddr = t->svc.addr,
		.dport = t->svc.port,
		.now = t->now,
		.env = &t->env,
	};
	struct xdpvs_dest *d;
	uint16_t af, port;

	st_parse(client, &p.af, &p.saddr, &p.sport);
	if (!p.sport)
		p.sport = htons(t->next_port++);
	if (vaddr) {
		st_parse(vaddr, &af, &p.daddr, &port);
		if (port)
			p.dport = port;
	}
	d = t->ops->schedule(&t->svc, &p);
	st_trace_add(t, st_name(t, d));
	return d;
}

struct xdpvs_dest *st_schedule(struct schedtest *t, const char *client)
{
	return st_schedule_to(t, client, NULL);
}

/* ip_vs_bind_dest plus the first state change: an active connection
 * counts in both counters, an inactive one in totalconns only. */
static int st_bind(struct schedtest *t, struct xdpvs_dest *d, bool active)
{
	int i;

	for (i = 0; i < ST_MAX_CONNS; i++)
		if (!t->conns[i].dest)
			break;
	assert_true(i < ST_MAX_CONNS);
	t->conns[i].dest = d;
	t->conns[i].active = active;
	d->refcnt++;
	if (active)
		d->activeconns++;
	if (++d->totalconns == (int32_t)d->u_threshold)
		st_update_overload(d, 1);
	return i;
}

int st_connect_to(struct schedtest *t, const char *client, const char *vaddr,
		  enum st_mode mode)
{
	struct xdpvs_dest *d = st_schedule_to(t, client, vaddr);
	int id;

	if (!d || mode == ST_PICK)
		return -1;
	id = st_bind(t, d, mode != ST_INACTIVE);
	if (mode == ST_CLOSED)
		st_close(t, id);
	return id;
}

int st_connect(struct schedtest *t, const char *client, enum st_mode mode)
{
	return st_connect_to(t, client, NULL, mode);
}

void st_close(struct schedtest *t, int id)
{
	struct st_conn *c = &t->conns[id];

	assert_non_null(c->dest);
	if (c->active) {
		c->active = false;
		c->dest->activeconns--;
	}
}

void st_expire(struct schedtest *t, int id)
{
	struct st_conn *c = &t->conns[id];
	struct xdpvs_dest *d = c->dest;

	assert_non_null(d);
	st_close(t, id);
	if (d->totalconns-- == (int32_t)d->l_threshold_val)
		st_update_overload(d, -1);
	d->refcnt--;
	c->dest = NULL;
}

void st_expire_all(struct schedtest *t)
{
	int i;

	for (i = 0; i < ST_MAX_CONNS; i++)
		if (t->conns[i].dest)
			st_expire(t, i);
}

const char *st_run(struct schedtest *t, int n, const char *client,
		   enum st_mode mode)
{
	int i;

	st_trace(t);
	for (i = 0; i < n; i++)
		st_connect(t, client, mode);
	return st_trace(t);
}

const char *st_clients(struct schedtest *t, const char *fmt, int from, int to,
		       enum st_mode mode)
{
	static char line[ST_TRACE_LEN];
	char client[64];
	size_t len = 0;
	int i, n;

	st_trace(t);
	line[0] = '\0';
	for (i = from; i <= to; i++) {
		snprintf(client, sizeof(client), fmt, i);
		st_connect(t, client, mode);
		n = snprintf(line + len, sizeof(line) - len, "%s=%s ", client,
			     st_trace(t));
		assert_true(n > 0 && len + (size_t)n < sizeof(line));
		len += (size_t)n;
	}
	return line;
}

void st_advance(struct schedtest *t, uint64_t seconds)
{
	uint64_t i;

	for (i = 0; i < seconds; i++) {
		t->now += XDPVS_NSEC_PER_SEC;
		if (t->ops->tick)
			t->ops->tick(&t->svc, t->now);
	}
}
