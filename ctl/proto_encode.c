// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control protocol of proto.h, encoding: every message encoded from
 * the C structures of proto.h, with json-c.
 *
 * Encoding builds a json-c object per structure and prints it plainly.  A
 * reply's arrays (services, connections) are printed one element at a
 * time into a memory stream, so a long listing never exists twice as a
 * tree.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <json.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "proto.h"
#include "proto_json.h"

/* Encoding state: the first field that could not be represented. */
struct pe {
	int err;
};

static void pe_add(jobj *o, const char *key, jobj *v)
{
	json_object_object_add(o, key, v);
}

static jobj *pe_u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

static jobj *pe_int(int64_t v)
{
	return json_object_new_int64(v);
}

static jobj *pe_str(const char *s)
{
	return json_object_new_string(s);
}

static jobj *pe_af(struct pe *e, int af, bool unspec_ok)
{
	const char *n = proto_af_name(af);

	if (!n || (af == AF_UNSPEC && !unspec_ok)) {
		e->err = -EINVAL;
		return NULL;
	}
	return pe_str(n);
}

static jobj *pe_addr(struct pe *e, int af, const union xdpvs_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	if ((af != AF_INET && af != AF_INET6) ||
	    !inet_ntop(af, a, buf, sizeof(buf))) {
		e->err = -EINVAL;
		return NULL;
	}
	return pe_str(buf);
}

static jobj *pe_svc(struct pe *e, const struct xdpvs_svc_conf *s)
{
	jobj *o = json_object_new_object();
	struct in_addr m = { .s_addr = s->netmask };
	char buf[INET_ADDRSTRLEN];

	pe_add(o, "af", pe_af(e, s->af, false));
	pe_add(o, "protocol", pe_int(s->protocol));
	pe_add(o, "addr", pe_addr(e, s->af, &s->addr));
	pe_add(o, "port", pe_int(ntohs(s->port)));
	pe_add(o, "fwmark", pe_int(s->fwmark));
	pe_add(o, "sched", pe_str(s->sched_name));
	pe_add(o, "pe", pe_str(s->pe_name));
	pe_add(o, "flags", pe_int(s->flags));
	pe_add(o, "timeout", pe_int(s->timeout));
	if (s->af == AF_INET6)
		pe_add(o, "netmask", pe_int(s->netmask));
	else
		pe_add(o, "netmask", pe_str(inet_ntop(AF_INET, &m, buf,
						      sizeof(buf))));
	return o;
}

static jobj *pe_dest(struct pe *e, const struct xdpvs_dest_conf *d)
{
	jobj *o = json_object_new_object();

	pe_add(o, "af", pe_af(e, d->af, false));
	pe_add(o, "addr", pe_addr(e, d->af, &d->addr));
	pe_add(o, "port", pe_int(ntohs(d->port)));
	pe_add(o, "conn_flags", pe_int(d->conn_flags));
	pe_add(o, "weight", pe_int(d->weight));
	pe_add(o, "u_threshold", pe_int(d->u_threshold));
	pe_add(o, "l_threshold", pe_int(d->l_threshold));
	pe_add(o, "tun_type", pe_int(d->tun_type));
	pe_add(o, "tun_port", pe_int(ntohs(d->tun_port)));
	pe_add(o, "tun_flags", pe_int(d->tun_flags));
	return o;
}

static jobj *pe_mark(struct pe *e, const struct xdpvs_mark_rule *r)
{
	jobj *o = json_object_new_object();

	pe_add(o, "mark", pe_int(r->mark));
	pe_add(o, "af", pe_af(e, r->af, false));
	pe_add(o, "protocol", pe_int(r->protocol));
	pe_add(o, "prefix", pe_addr(e, r->af, &r->prefix));
	pe_add(o, "plen", pe_int(r->plen));
	pe_add(o, "port_lo", pe_int(r->port_lo));
	pe_add(o, "port_hi", pe_int(r->port_hi));
	return o;
}

static jobj *pe_daemon(struct pe *e, const struct xdpvs_ctl_daemon *d)
{
	jobj *o = json_object_new_object();

	pe_add(o, "state", pe_int(d->state));
	pe_add(o, "mcast_ifn", pe_str(d->mcast_ifn));
	pe_add(o, "syncid", pe_int(d->syncid));
	pe_add(o, "sync_maxlen", pe_int(d->sync_maxlen));
	pe_add(o, "mcast_port", pe_int(d->mcast_port));
	pe_add(o, "mcast_ttl", pe_int(d->mcast_ttl));
	pe_add(o, "mcast_af", pe_af(e, d->mcast_af, true));
	pe_add(o, "mcast_group", d->mcast_af == AF_UNSPEC ? NULL :
	       pe_addr(e, d->mcast_af, &d->mcast_group));
	return o;
}

static jobj *pe_timeouts(const struct xdpvs_ctl_timeouts *t)
{
	jobj *o = json_object_new_object();

	pe_add(o, "tcp", pe_int(t->tcp));
	pe_add(o, "tcpfin", pe_int(t->tcpfin));
	pe_add(o, "udp", pe_int(t->udp));
	return o;
}

static jobj *pe_stats(const struct xdpvs_stats *s)
{
	jobj *o = json_object_new_object();

	pe_add(o, "conns", pe_u64(s->conns));
	pe_add(o, "inpkts", pe_u64(s->inpkts));
	pe_add(o, "outpkts", pe_u64(s->outpkts));
	pe_add(o, "inbytes", pe_u64(s->inbytes));
	pe_add(o, "outbytes", pe_u64(s->outbytes));
	return o;
}

static jobj *pe_rates(const struct xdpvs_rates *r)
{
	jobj *o = json_object_new_object();

	pe_add(o, "cps", pe_u64(r->cps));
	pe_add(o, "inpps", pe_u64(r->inpps));
	pe_add(o, "outpps", pe_u64(r->outpps));
	pe_add(o, "inbps", pe_u64(r->inbps));
	pe_add(o, "outbps", pe_u64(r->outbps));
	return o;
}

static jobj *pe_service(struct pe *e, const struct xdpvs_svc_info *si)
{
	jobj *o = json_object_new_object(), *dests = json_object_new_array();
	uint32_t i;

	pe_add(o, "svc", pe_svc(e, &si->conf));
	pe_add(o, "stats", pe_stats(&si->stats));
	pe_add(o, "rates", pe_rates(&si->rates));
	for (i = 0; i < si->num_dests; i++) {
		const struct xdpvs_dest_info *di = &si->dests[i];
		jobj *d = json_object_new_object();

		pe_add(d, "dest", pe_dest(e, &di->conf));
		pe_add(d, "activeconns", pe_int(di->activeconns));
		pe_add(d, "inactconns", pe_int(di->inactconns));
		pe_add(d, "persistconns", pe_int(di->persistconns));
		pe_add(d, "stats", pe_stats(&di->stats));
		pe_add(d, "rates", pe_rates(&di->rates));
		json_object_array_add(dests, d);
	}
	pe_add(o, "dests", dests);
	return o;
}

static jobj *pe_conn(struct pe *e, const struct xdpvs_conn_info *c)
{
	jobj *o = json_object_new_object();
	int daf = c->daf ? c->daf : c->af;

	pe_add(o, "af", pe_af(e, c->af, false));
	pe_add(o, "daf", pe_af(e, c->daf, true));
	pe_add(o, "protocol", pe_int(c->protocol));
	pe_add(o, "state", pe_int(c->state));
	pe_add(o, "state_name", pe_str(c->state_name));
	pe_add(o, "caddr", pe_addr(e, c->af, &c->caddr));
	pe_add(o, "cport", pe_int(ntohs(c->cport)));
	pe_add(o, "vaddr", pe_addr(e, c->af, &c->vaddr));
	pe_add(o, "vport", pe_int(ntohs(c->vport)));
	pe_add(o, "daddr", pe_addr(e, daf, &c->daddr));
	pe_add(o, "dport", pe_int(ntohs(c->dport)));
	pe_add(o, "fwmark", pe_int(c->fwmark));
	pe_add(o, "flags", pe_int(c->flags));
	pe_add(o, "expires_ms", pe_int(c->expires_ms));
	pe_add(o, "pe_name", pe_str(c->pe_name));
	pe_add(o, "pe_data", pe_str(c->pe_data));
	return o;
}

static jobj *pe_sysctl(const struct xdpvs_ctl_sysctl *s)
{
	jobj *o = json_object_new_object();

	pe_add(o, "name", pe_str(s->name));
	pe_add(o, "value", pe_int(s->value));
	pe_add(o, "default", pe_int(s->def));
	return o;
}

static jobj *pe_info(const struct xdpvs_ctl_info *in)
{
	jobj *o = json_object_new_object(), *d = json_object_new_object();
	int i;

	pe_add(o, "version", pe_str(in->version));
	pe_add(o, "conn_tab_size", pe_int(in->conn_tab_size));
	pe_add(o, "conn_count", pe_int(in->conn_count));
	for (i = 0; i < XDPVS_DROP_MAX; i++)
		pe_add(d, xdpvs_drop_name((enum xdpvs_drop)i),
		       pe_u64(in->drops[i]));
	pe_add(o, "drops", d);
	pe_add(o, "stats", pe_stats(&in->stats));
	pe_add(o, "rates", pe_rates(&in->rates));
	return o;
}

/* Print o plainly to f and free it; -ENOMEM for a NULL o. */
static int pe_print(FILE *f, jobj *o)
{
	if (!o)
		return -ENOMEM;
	fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					     JSON_C_TO_STRING_NOSLASHESCAPE),
	      f);
	json_object_put(o);
	return 0;
}

/* Print ',"key":' and o. */
static int pe_field(FILE *f, const char *key, jobj *o)
{
	fprintf(f, ",\"%s\":", key);
	return pe_print(f, o);
}

/* Turn the finished stream into the caller's line; returns its length. */
static int pe_finish(FILE *f, char **buf, size_t *len, int rc, char **out)
{
	if (fclose(f) || !*buf)
		rc = rc ? rc : -ENOMEM;
	if (!rc && *len > INT_MAX)
		rc = -EMSGSIZE;
	if (rc) {
		free(*buf);
		return rc;
	}
	*out = *buf;
	return (int)*len;
}

/* The request's own fields, after "v", "id" and "type". */
static void pe_req_fields(struct pe *e, jobj *o, const struct xdpvs_ctl_req *q)
{
	unsigned int f = proto_req_fields[q->type];

	if ((f & PF_SVC) || ((f & PF_SVC_OPT) && q->has_svc))
		pe_add(o, "svc", pe_svc(e, &q->svc));
	if (f & PF_DEST)
		pe_add(o, "dest", pe_dest(e, &q->dest));
	if (f & PF_TIMEOUTS)
		pe_add(o, "timeouts", pe_timeouts(&q->timeouts));
	if ((f & PF_NAME) || ((f & PF_NAME_OPT) && q->sysctl_name[0]))
		pe_add(o, "name", pe_str(q->sysctl_name));
	if (f & PF_VALUE)
		pe_add(o, "value", pe_int(q->sysctl_value));
	if (f & PF_MARK)
		pe_add(o, "mark", pe_mark(e, &q->mark));
	if (f & PF_DAEMON)
		pe_add(o, "daemon", pe_daemon(e, &q->daemon));
	if (f & PF_STATE)
		pe_add(o, "state", pe_int(q->daemon.state));
}

int xdpvs_ctl_req_encode(const struct xdpvs_ctl_req *req, char **out)
{
	const char *name = xdpvs_ctl_msg_name(req->type);
	struct pe e = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	jobj *o;
	int rc;

	if (!name || memchr(req->sysctl_name, '\0',
			    sizeof(req->sysctl_name)) == NULL)
		return -EINVAL;
	o = json_object_new_object();
	if (!o)
		return -ENOMEM;
	pe_add(o, "v", pe_int(XDPVS_CTL_PROTO_VERSION));
	pe_add(o, "id", pe_int(req->id));
	pe_add(o, "type", pe_str(name));
	pe_req_fields(&e, o, req);
	if (e.err) {
		json_object_put(o);
		return e.err;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		json_object_put(o);
		return -ENOMEM;
	}
	rc = pe_print(f, o);
	fputc('\n', f);
	rc = pe_finish(f, &buf, &len, rc, out);
	if (rc > XDPVS_CTL_REQ_MAX) {
		free(*out);
		return -EMSGSIZE;
	}
	return rc;
}

/* ,"key":[ el(0) ... el(n-1) ] with each element printed as built. */
static int pe_array(struct pe *e, FILE *f, const char *key, int n,
		    jobj *(*el)(struct pe *, const void *, int),
		    const void *arr)
{
	int i, rc = 0;

	fprintf(f, ",\"%s\":[", key);
	for (i = 0; i < n && !rc && !e->err; i++) {
		if (i)
			fputc(',', f);
		rc = pe_print(f, el(e, arr, i));
	}
	fputc(']', f);
	return rc ? rc : e->err;
}

static jobj *pe_el_service(struct pe *e, const void *a, int i)
{
	return pe_service(e, &((const struct xdpvs_svc_info *)a)[i]);
}

static jobj *pe_el_conn(struct pe *e, const void *a, int i)
{
	return pe_conn(e, &((const struct xdpvs_conn_info *)a)[i]);
}

static jobj *pe_el_sysctl(struct pe *e, const void *a, int i)
{
	return pe_sysctl(&((const struct xdpvs_ctl_sysctl *)a)[i]);
}

static jobj *pe_el_mark(struct pe *e, const void *a, int i)
{
	return pe_mark(e, &((const struct xdpvs_mark_rule *)a)[i]);
}

static jobj *pe_el_daemon(struct pe *e, const void *a, int i)
{
	return pe_daemon(e, &((const struct xdpvs_ctl_daemon *)a)[i]);
}

/* The data of a successful reply. */
static int pe_reply_data(struct pe *e, FILE *f, enum xdpvs_ctl_msg type,
			 const struct xdpvs_ctl_reply *r)
{
	int rc;

	switch (type) {
	case XDPVS_CTL_SVC_LIST:
		fprintf(f, ",\"size\":%u", r->tab_size);
		return pe_array(e, f, "services", r->nsvcs, pe_el_service,
				r->svcs);
	case XDPVS_CTL_SVC_GET:
		if (r->nsvcs != 1)
			return -EINVAL;
		rc = pe_field(f, "service", pe_service(e, r->svcs));
		return rc ? rc : e->err;
	case XDPVS_CTL_CONN_LIST:
		return pe_array(e, f, "conns", r->nconns, pe_el_conn,
				r->conns);
	case XDPVS_CTL_TIMEOUT_GET:
		rc = pe_field(f, "timeouts", pe_timeouts(&r->timeouts));
		return rc ? rc : pe_field(f, "defaults",
					  pe_timeouts(&r->timeouts_def));
	case XDPVS_CTL_SYSCTL_GET:
		return pe_array(e, f, "sysctls", r->nsysctls, pe_el_sysctl,
				r->sysctls);
	case XDPVS_CTL_MARK_LIST:
		return pe_array(e, f, "marks", r->nmarks, pe_el_mark,
				r->marks);
	case XDPVS_CTL_DAEMON_LIST:
		return pe_array(e, f, "daemons", r->ndaemons, pe_el_daemon,
				r->daemons);
	case XDPVS_CTL_INFO_GET:
		return pe_field(f, "info", pe_info(&r->info));
	default:
		return 0;
	}
}

int xdpvs_ctl_reply_encode(enum xdpvs_ctl_msg type,
			   const struct xdpvs_ctl_reply *rep, char **out)
{
	struct pe e = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int rc = 0;

	if (!xdpvs_ctl_msg_name(type) || rep->err > 0 ||
	    rep->err < -PROTO_ERR_MAX ||
	    !memchr(rep->msg, '\0', sizeof(rep->msg)))
		return -EINVAL;
	f = open_memstream(&buf, &len);
	if (!f)
		return -ENOMEM;
	fprintf(f, "{\"v\":%d,\"id\":%u,\"err\":%d", XDPVS_CTL_PROTO_VERSION,
		rep->id, rep->err);
	if (rep->msg[0])
		rc = pe_field(f, "msg", pe_str(rep->msg));
	if (!rc && !rep->err)
		rc = pe_reply_data(&e, f, type, rep);
	fputs("}\n", f);
	return pe_finish(f, &buf, &len, rc, out);
}
