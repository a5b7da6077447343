// SPDX-License-Identifier: GPL-2.0-only
/*
 * --json: every listing as one JSON document for scripts (an xdpvs
 * extension).  Keys are fixed and always present (null when a value does
 * not apply, e.g. the address of a fwmark service), in the order written
 * here; numbers are exact (no K/M abbreviation); services and servers are
 * sorted as the text listing sorts them.  Built with json-c.
 *
 *	{ "version": "1.2.1", "size": 4096, "services": [ { "protocol":
 *	  "TCP", "af": "inet", "address": "198.18.100.1", "port": 80,
 *	  "fwmark": 0, "scheduler": "wrr", ..., "dests": [ ... ] } ] }
 */
#include <arpa/inet.h>
#include <errno.h>
#include <json.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "internal.h"
#include "print.h"

typedef struct json_object jobj;

static void pj_add(jobj *o, const char *key, jobj *v)
{
	json_object_object_add(o, key, v);
}

static jobj *pj_str_or_null(const char *s)
{
	return s && s[0] ? json_object_new_string(s) : NULL;
}

static jobj *pj_addr(int af, const union xdpvs_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (!inet_ntop(af == AF_INET6 ? AF_INET6 : AF_INET, a, buf,
		       sizeof(buf)))
		return NULL;
	return json_object_new_string(buf);
}

static jobj *pj_af(int af)
{
	return json_object_new_string(af == AF_INET6 ? "inet6" : "inet");
}

/* Print root and a newline, then free it. */
static int pj_out(FILE *f, jobj *root)
{
	if (!root)
		return -ENOMEM;
	fprintf(f, "%s\n", json_object_to_json_string_ext(root,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return ferror(f) ? -EIO : 0;
}

static jobj *pj_stats(const struct xdpvs_stats *s)
{
	jobj *o = json_object_new_object();

	pj_add(o, "conns", json_object_new_uint64(s->conns));
	pj_add(o, "inpkts", json_object_new_uint64(s->inpkts));
	pj_add(o, "outpkts", json_object_new_uint64(s->outpkts));
	pj_add(o, "inbytes", json_object_new_uint64(s->inbytes));
	pj_add(o, "outbytes", json_object_new_uint64(s->outbytes));
	return o;
}

static jobj *pj_rates(const struct xdpvs_rates *r)
{
	jobj *o = json_object_new_object();

	pj_add(o, "cps", json_object_new_uint64(r->cps));
	pj_add(o, "inpps", json_object_new_uint64(r->inpps));
	pj_add(o, "outpps", json_object_new_uint64(r->outpps));
	pj_add(o, "inbps", json_object_new_uint64(r->inbps));
	pj_add(o, "outbps", json_object_new_uint64(r->outbps));
	return o;
}

static const char *pj_fwd(uint32_t conn_flags)
{
	switch (conn_flags & XDPVS_CONN_F_FWD_MASK) {
	case XDPVS_CONN_F_MASQ:
		return "masq";
	case XDPVS_CONN_F_LOCALNODE:
		return "local";
	case XDPVS_CONN_F_TUNNEL:
		return "tunnel";
	case XDPVS_CONN_F_DROUTE:
		return "route";
	case XDPVS_CONN_F_FULLNAT:
		return "fullnat";
	}
	return NULL;
}

static jobj *pj_tunnel(const struct xdpvs_dest_conf *d)
{
	static const char *const csum[] = { "nocsum", "csum", "remcsum" };
	jobj *o;

	if ((d->conn_flags & XDPVS_CONN_F_FWD_MASK) != XDPVS_CONN_F_TUNNEL)
		return NULL;
	o = json_object_new_object();
	pj_add(o, "type", pj_str_or_null(xdpvs_ctl_tun_name(d->tun_type)));
	pj_add(o, "port", json_object_new_int(ntohs(d->tun_port)));
	pj_add(o, "csum", d->tun_flags < 3 ?
	       json_object_new_string(csum[d->tun_flags]) : NULL);
	return o;
}

static jobj *pj_dest(const struct xdpvs_dest_info *di)
{
	const struct xdpvs_dest_conf *d = &di->conf;
	jobj *o = json_object_new_object();

	pj_add(o, "af", pj_af(d->af));
	pj_add(o, "address", pj_addr(d->af, &d->addr));
	pj_add(o, "port", json_object_new_int(ntohs(d->port)));
	pj_add(o, "forward", pj_str_or_null(pj_fwd(d->conn_flags)));
	pj_add(o, "weight", json_object_new_int(d->weight));
	pj_add(o, "u_threshold", json_object_new_int64(d->u_threshold));
	pj_add(o, "l_threshold", json_object_new_int64(d->l_threshold));
	pj_add(o, "activeconns", json_object_new_int64(di->activeconns));
	pj_add(o, "inactconns", json_object_new_int64(di->inactconns));
	pj_add(o, "persistconns", json_object_new_int64(di->persistconns));
	pj_add(o, "tunnel", pj_tunnel(d));
	pj_add(o, "stats", pj_stats(&di->stats));
	pj_add(o, "rates", pj_rates(&di->rates));
	return o;
}

static jobj *pj_sched_flags(const struct xdpvs_svc_conf *s)
{
	char buf[64], *f, *save;
	jobj *a = json_object_new_array();

	xdpvs_ctl_sched_flags_str(buf, sizeof(buf), s);
	for (f = strtok_r(buf, ",", &save); f;
	     f = strtok_r(NULL, ",", &save))
		json_object_array_add(a, json_object_new_string(f));
	return a;
}

static jobj *pj_netmask(const struct xdpvs_svc_conf *s)
{
	struct in_addr m = { .s_addr = s->netmask };
	char buf[16];

	if (s->af == AF_INET6) {
		snprintf(buf, sizeof(buf), "%u", s->netmask);
		return json_object_new_string(buf);
	}
	return json_object_new_string(inet_ntoa(m));
}

/* The service's own fields. */
static jobj *pj_svc_conf(const struct xdpvs_svc_conf *s)
{
	jobj *o = json_object_new_object();
	int fw = s->fwmark != 0;

	pj_add(o, "protocol", fw ? NULL :
	       json_object_new_string(xdpvs_ctl_proto_name(s->protocol)));
	pj_add(o, "af", pj_af(s->af));
	pj_add(o, "address", fw ? NULL : pj_addr(s->af, &s->addr));
	pj_add(o, "port", fw ? NULL : json_object_new_int(ntohs(s->port)));
	pj_add(o, "fwmark", json_object_new_int64(s->fwmark));
	pj_add(o, "scheduler", json_object_new_string(s->sched_name));
	pj_add(o, "sched_flags", pj_sched_flags(s));
	pj_add(o, "persistent",
	       json_object_new_boolean(s->flags & XDPVS_SVC_F_PERSISTENT));
	pj_add(o, "timeout", json_object_new_int64(s->timeout));
	pj_add(o, "netmask", pj_netmask(s));
	pj_add(o, "pe", pj_str_or_null(s->pe_name));
	pj_add(o, "ops",
	       json_object_new_boolean(s->flags & XDPVS_SVC_F_ONEPACKET));
	return o;
}

static jobj *pj_svc(const struct xdpvs_svc_info *si, unsigned int fmt)
{
	const struct xdpvs_dest_info **dv;
	jobj *o, *dests;
	uint32_t i;

	dv = xdpvs_ctl_sort_dests(si, fmt);
	if (!dv)
		return NULL;
	o = pj_svc_conf(&si->conf);
	pj_add(o, "stats", pj_stats(&si->stats));
	pj_add(o, "rates", pj_rates(&si->rates));
	dests = json_object_new_array();
	for (i = 0; i < si->num_dests; i++)
		json_object_array_add(dests, pj_dest(dv[i]));
	pj_add(o, "dests", dests);
	free(dv);
	return o;
}

int xdpvs_ctl_json_list(FILE *f, const struct xdpvs_svc_info *svcs, int n,
			uint32_t tab_size, unsigned int fmt)
{
	const struct xdpvs_svc_info **sv;
	jobj *root, *arr;
	int i;

	sv = xdpvs_ctl_sort_svcs(svcs, n, fmt);
	if (!sv)
		return -ENOMEM;
	root = json_object_new_object();
	pj_add(root, "version", json_object_new_string("1.2.1"));
	pj_add(root, "size", json_object_new_int64(tab_size));
	arr = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(arr, pj_svc(sv[i], fmt));
	pj_add(root, "services", arr);
	free(sv);
	return pj_out(f, root);
}

static jobj *pj_conn(const struct xdpvs_conn_info *c)
{
	jobj *o = json_object_new_object();
	int daf = c->daf ? c->daf : c->af;

	pj_add(o, "protocol", json_object_new_string(c->protocol ?
		xdpvs_ctl_proto_name(c->protocol) : "IP"));
	pj_add(o, "state", json_object_new_string(c->state_name));
	pj_add(o, "expires_ms", json_object_new_int64(c->expires_ms));
	pj_add(o, "af", pj_af(c->af));
	pj_add(o, "client", pj_addr(c->af, &c->caddr));
	pj_add(o, "client_port", json_object_new_int(ntohs(c->cport)));
	pj_add(o, "virtual", pj_addr(c->af, &c->vaddr));
	pj_add(o, "virtual_port", json_object_new_int(ntohs(c->vport)));
	pj_add(o, "dest_af", pj_af(daf));
	pj_add(o, "dest", pj_addr(daf, &c->daddr));
	pj_add(o, "dest_port", json_object_new_int(ntohs(c->dport)));
	pj_add(o, "fwmark", json_object_new_int64(c->fwmark));
	pj_add(o, "template",
	       json_object_new_boolean(c->flags & XDPVS_CONN_F_TEMPLATE));
	pj_add(o, "pe_name", pj_str_or_null(c->pe_name));
	pj_add(o, "pe_data", pj_str_or_null(c->pe_data));
	return o;
}

int xdpvs_ctl_json_conns(FILE *f, const struct xdpvs_conn_info *conns,
			 int n, unsigned int fmt)
{
	jobj *root = json_object_new_object(), *arr = json_object_new_array();
	int i;

	(void)fmt;
	for (i = 0; i < n; i++)
		json_object_array_add(arr, pj_conn(&conns[i]));
	pj_add(root, "connections", arr);
	return pj_out(f, root);
}

int xdpvs_ctl_json_timeouts(FILE *f, const struct xdpvs_ctl_timeouts *t)
{
	jobj *root = json_object_new_object();

	pj_add(root, "tcp", json_object_new_int64(t->tcp));
	pj_add(root, "tcpfin", json_object_new_int64(t->tcpfin));
	pj_add(root, "udp", json_object_new_int64(t->udp));
	return pj_out(f, root);
}

static jobj *pj_daemon(const struct xdpvs_ctl_daemon *d, const char *state)
{
	jobj *o = json_object_new_object();

	pj_add(o, "state", json_object_new_string(state));
	pj_add(o, "mcast_interface", json_object_new_string(d->mcast_ifn));
	pj_add(o, "syncid", json_object_new_int64(d->syncid));
	pj_add(o, "sync_maxlen", json_object_new_int(d->sync_maxlen));
	pj_add(o, "mcast_group", d->mcast_af == AF_UNSPEC ? NULL :
	       pj_addr(d->mcast_af, &d->mcast_group));
	pj_add(o, "mcast_port", json_object_new_int(d->mcast_port));
	pj_add(o, "mcast_ttl", json_object_new_int(d->mcast_ttl));
	return o;
}

int xdpvs_ctl_json_daemons(FILE *f, const struct xdpvs_ctl_daemon *d, int n)
{
	jobj *root = json_object_new_object(), *arr = json_object_new_array();
	int i;

	for (i = 0; i < n; i++) {
		if (d[i].state & XDPVS_CTL_DAEMON_MASTER)
			json_object_array_add(arr, pj_daemon(&d[i], "master"));
		else if (d[i].state & XDPVS_CTL_DAEMON_BACKUP)
			json_object_array_add(arr, pj_daemon(&d[i], "backup"));
	}
	pj_add(root, "daemons", arr);
	return pj_out(f, root);
}

static jobj *pj_mark(const struct xdpvs_mark_rule *r)
{
	char prefix[XDPVS_CTL_MARK_RULE_LEN];
	jobj *o = json_object_new_object();

	xdpvs_ctl_mark_prefix_str(prefix, sizeof(prefix), r);
	pj_add(o, "mark", json_object_new_int64(r->mark));
	pj_add(o, "protocol", json_object_new_string(
		xdpvs_ctl_mark_proto_name(r->protocol)));
	pj_add(o, "af", pj_af(r->af));
	pj_add(o, "prefix", json_object_new_string(prefix));
	pj_add(o, "port_lo", json_object_new_int(r->port_lo));
	pj_add(o, "port_hi", json_object_new_int(r->port_hi));
	return o;
}

int xdpvs_ctl_json_marks(FILE *f, const struct xdpvs_mark_rule *r, int n)
{
	jobj *root = json_object_new_object(), *arr = json_object_new_array();
	int i;

	for (i = 0; i < n; i++)
		json_object_array_add(arr, pj_mark(&r[i]));
	pj_add(root, "marks", arr);
	return pj_out(f, root);
}

int xdpvs_ctl_json_sysctls(FILE *f, const char *const *names,
			   const int *values, int n)
{
	jobj *root = json_object_new_object(), *o = json_object_new_object();
	int i;

	for (i = 0; i < n; i++)
		pj_add(o, names[i], json_object_new_int(values[i]));
	pj_add(root, "sysctls", o);
	return pj_out(f, root);
}
