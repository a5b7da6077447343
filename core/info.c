// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copies of the tables for listings (ipvsadm -L and friends) and -Z, as
 * the kernel's get/zero commands of ip_vs_ctl.c and /proc/net/ip_vs_conn.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "conn.h"
#include "dest.h"
#include "engine_priv.h"
#include "pe.h"
#include "proto.h"
#include "sched.h"
#include "svc.h"

static void info_svc_conf(const struct xdpvs_svc *svc,
			  struct xdpvs_svc_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->af = svc->af;
	c->protocol = svc->protocol;
	c->addr = svc->addr;
	c->port = svc->port;
	c->fwmark = svc->fwmark;
	strncpy(c->sched_name, svc->sched ? svc->sched->name : "none",
		sizeof(c->sched_name) - 1);
	if (svc->pe)
		strncpy(c->pe_name, svc->pe->name, sizeof(c->pe_name) - 1);
	c->flags = svc->flags;
	c->timeout = svc->timeout;
	c->netmask = svc->netmask;
}

static void info_dest(const struct xdpvs_dest *d, struct xdpvs_dest_info *di)
{
	struct xdpvs_dest_conf *c = &di->conf;

	memset(di, 0, sizeof(*di));
	c->af = d->af;
	c->addr = d->addr;
	c->port = d->port;
	c->conn_flags = d->conn_flags & XDPVS_CONN_F_FWD_MASK;
	c->weight = d->weight;
	c->u_threshold = d->u_threshold;
	c->l_threshold = d->l_threshold;
	c->tun_type = d->tun_type;
	c->tun_port = d->tun_port;
	c->tun_flags = d->tun_flags;
	di->slot = d->slot;
	di->activeconns = (uint32_t)d->activeconns;
	di->inactconns = (uint32_t)xdpvs_dest_inactconns(d);
	di->persistconns = (uint32_t)d->persistconns;
	xdpvs_est_read(&d->stats, &di->stats, &di->rates);
}

static int info_svc(const struct xdpvs_svc *svc, struct xdpvs_svc_info *si)
{
	const struct xdpvs_dest *d;
	uint32_t i = 0;

	memset(si, 0, sizeof(*si));
	info_svc_conf(svc, &si->conf);
	xdpvs_est_read(&svc->stats, &si->stats, &si->rates);
	si->dests = calloc(svc->num_dests ? svc->num_dests : 1,
			   sizeof(*si->dests));
	if (!si->dests)
		return -ENOMEM;
	list_for_each_entry(d, &svc->destinations, n_list)
		info_dest(d, &si->dests[i++]);
	si->num_dests = i;
	return 0;
}

void xdpvs_svc_info_free(struct xdpvs_svc_info *s, int n)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < n; i++)
		free(s[i].dests);
	free(s);
}

int xdpvs_svc_info_get(struct xdpvs_engine *e, struct xdpvs_svc_info **out)
{
	struct xdpvs_svc_info *s;
	struct xdpvs_svc *svc;
	int n = 0, total = (int)(e->num_services[0] + e->num_services[1]);

	s = calloc(total ? (size_t)total : 1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	list_for_each_entry(svc, &e->svc_list, s_list) {
		if (info_svc(svc, &s[n]) < 0) {
			xdpvs_svc_info_free(s, n);
			return -ENOMEM;
		}
		n++;
	}
	*out = s;
	return n;
}

int xdpvs_svc_info_get_one(struct xdpvs_engine *e,
			   const struct xdpvs_svc_conf *c,
			   struct xdpvs_svc_info **out)
{
	struct xdpvs_svc *svc = xdpvs_svc_get(e, c);
	struct xdpvs_svc_info *s;

	if (!svc)
		return -ESRCH;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (info_svc(svc, s) < 0) {
		free(s);
		return -ENOMEM;
	}
	*out = s;
	return 1;
}

void xdpvs_conn_info_fill(const struct xdpvs_engine *e,
			  const struct xdpvs_conn *cp, uint64_t now,
			  struct xdpvs_conn_info *ci)
{
	uint64_t exp = cp->timer.expires;

	memset(ci, 0, sizeof(*ci));
	ci->af = cp->af;
	ci->daf = cp->daf;
	ci->protocol = cp->protocol;
	ci->state = cp->state;
	ci->caddr = cp->caddr;
	ci->vaddr = cp->vaddr;
	ci->daddr = cp->daddr;
	ci->cport = cp->cport;
	ci->vport = cp->vport;
	ci->dport = cp->dport;
	ci->fwmark = cp->fwmark;
	ci->flags = cp->flags;
	ci->expires_ms = exp > now ? (uint32_t)((exp - now) / 1000000) : 0;
	strncpy(ci->state_name, xdpvs_conn_state_name(cp),
		sizeof(ci->state_name) - 1);
	if (cp->pe && cp->pe_data) {
		strncpy(ci->pe_name, cp->pe->name, sizeof(ci->pe_name) - 1);
		memcpy(ci->pe_data, cp->pe_data, cp->pe_data_len);
		ci->pe_data_len = cp->pe_data_len;
	}
	ci->timeout = cp->timeout;
	ci->gen = cp->gen;
	(void)e;
}

int xdpvs_conn_info_get(struct xdpvs_engine *e, uint64_t now,
			struct xdpvs_conn_info **out)
{
	struct xdpvs_conn_tab *t = &e->conns;
	struct xdpvs_conn_info *ci;
	uint32_t i, n = 0;

	ci = calloc(t->count ? t->count : 1, sizeof(*ci));
	if (!ci)
		return -ENOMEM;
	/* Hash order, as /proc/net/ip_vs_conn walks the kernel's table. */
	for (i = 0; i <= t->mask; i++) {
		const struct xdpvs_conn *cp;

		for (cp = t->buckets[i]; cp && n < t->count; cp = cp->hnext)
			xdpvs_conn_info_fill(e, cp, now, &ci[n++]);
	}
	*out = ci;
	return (int)n;
}

static void zero_svc(struct xdpvs_svc *svc)
{
	struct xdpvs_dest *d;

	list_for_each_entry(d, &svc->destinations, n_list)
		xdpvs_est_zero(&d->stats);
	xdpvs_est_zero(&svc->stats);
}

int xdpvs_stats_restore(struct xdpvs_engine *e,
			const struct xdpvs_svc_conf *c,
			const struct xdpvs_dest_conf *dc,
			const struct xdpvs_stats *st,
			const struct xdpvs_rates *rt)
{
	struct xdpvs_svc *svc;
	struct xdpvs_dest *d;

	if (!c) {
		xdpvs_est_restore(&e->tot_stats, st, rt);
		return 0;
	}
	svc = xdpvs_svc_get(e, c);
	if (!svc)
		return -ESRCH;
	if (!dc) {
		xdpvs_est_restore(&svc->stats, st, rt);
		return 0;
	}
	d = xdpvs_dest_lookup(svc, dc->af, &dc->addr, dc->port);
	if (!d)
		return -ENOENT;
	xdpvs_est_restore(&d->stats, st, rt);
	return 0;
}

int xdpvs_zero(struct xdpvs_engine *e, const struct xdpvs_svc_conf *c)
{
	struct xdpvs_svc *svc;

	if (c) {
		svc = xdpvs_svc_get(e, c);
		if (!svc)
			return -ESRCH;
		zero_svc(svc);
		return 0;
	}
	list_for_each_entry(svc, &e->svc_list, s_list)
		zero_svc(svc);
	xdpvs_est_zero(&e->tot_stats);
	return 0;
}
