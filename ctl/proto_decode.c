// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control protocol of proto.h, decoding: every message decoded into
 * the C structures of proto.h, with json-c.
 *
 * Decoding parses with json-c's strict mode (no trailing text, no
 * leading zeros, valid UTF-8, nesting at most PROTO_DEPTH deep), then
 * walks the tree checking each object's keys against its list (every key
 * required unless the message type makes it optional, no other key
 * accepted) and each value's type and range against its C field.  json-c
 * saturates integers beyond 64 bits, so the one value that a saturated
 * number would read as, UINT64_MAX, is refused too.  Errors carry a short
 * reason ("svc.port: out of range") for the error reply.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <json.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "proto.h"
#include "proto_json.h"

/* Deepest nesting: reply.services[].dests[].stats is 5 levels down. */
#define PROTO_DEPTH	8
#define PROTO_MAX_KEYS	12	/* most keys of one top-level message */

/* Decoding state: where a reason goes, and the object being read. */
struct pd {
	char *why;
	size_t whylen;
	const char *obj;	/* "svc", "dest", ... for messages */
};

static int pd_fail(struct pd *d, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int pd_fail(struct pd *d, int err, const char *fmt, ...)
{
	va_list ap;

	if (d->why && d->whylen) {
		va_start(ap, fmt);
		vsnprintf(d->why, d->whylen, fmt, ap);
		va_end(ap);
	}
	return err;
}

static int pd_bad(struct pd *d, const char *key, const char *what)
{
	if (d->obj)
		return pd_fail(d, -EBADMSG, "%s.%s: %s", d->obj, key, what);
	return pd_fail(d, -EBADMSG, "%s: %s", key, what);
}

/* The value of key in o; -EBADMSG when it is missing. */
static int pd_get(struct pd *d, jobj *o, const char *key, jobj **v)
{
	if (!json_object_object_get_ex(o, key, v))
		return pd_bad(d, key, "missing");
	return 0;
}

static bool pd_key_in(const char *key, const char *const *keys)
{
	for (; *keys; keys++)
		if (!strcmp(key, *keys))
			return true;
	return false;
}

/* o is an object whose keys are all in keys and holds every one of them
 * but those in opt (either list NULL-terminated; opt may be NULL). */
static int pd_keys(struct pd *d, jobj *o, const char *const *keys,
		   const char *const *opt)
{
	jobj *v;

	if (!json_object_is_type(o, json_type_object))
		return pd_fail(d, -EBADMSG, "%s: not an object",
			       d->obj ? d->obj : "message");
	json_object_object_foreach(o, key, val) {
		(void)val;
		if (!pd_key_in(key, keys) && !(opt && pd_key_in(key, opt)))
			return pd_bad(d, key, "unknown field");
	}
	for (; *keys; keys++)
		if (!json_object_object_get_ex(o, *keys, &v))
			return pd_bad(d, *keys, "missing");
	return 0;
}

/* An integer in [min, max] (max below INT64_MAX). */
static int pd_int(struct pd *d, jobj *o, const char *key, int64_t min,
		  int64_t max, int64_t *out)
{
	jobj *v;
	int64_t x;
	int rc = pd_get(d, o, key, &v);

	if (rc)
		return rc;
	if (!json_object_is_type(v, json_type_int))
		return pd_bad(d, key, "not an integer");
	x = json_object_get_int64(v);
	if (x < min || x > max)
		return pd_bad(d, key, "out of range");
	*out = x;
	return 0;
}

static int pd_u64(struct pd *d, jobj *o, const char *key, uint64_t *out)
{
	jobj *v;
	int rc = pd_get(d, o, key, &v);

	if (rc)
		return rc;
	if (!json_object_is_type(v, json_type_int))
		return pd_bad(d, key, "not an integer");
	/* UINT64_MAX is also what any larger number reads as. */
	if (json_object_get_int64(v) < 0 ||
	    json_object_get_uint64(v) == UINT64_MAX)
		return pd_bad(d, key, "out of range");
	*out = json_object_get_uint64(v);
	return 0;
}

static int pd_u32(struct pd *d, jobj *o, const char *key, uint32_t *out)
{
	int64_t x;
	int rc = pd_int(d, o, key, 0, UINT32_MAX, &x);

	if (!rc)
		*out = (uint32_t)x;
	return rc;
}

static int pd_u16(struct pd *d, jobj *o, const char *key, uint16_t *out)
{
	int64_t x;
	int rc = pd_int(d, o, key, 0, UINT16_MAX, &x);

	if (!rc)
		*out = (uint16_t)x;
	return rc;
}

static int pd_u8(struct pd *d, jobj *o, const char *key, uint8_t *out)
{
	int64_t x;
	int rc = pd_int(d, o, key, 0, UINT8_MAX, &x);

	if (!rc)
		*out = (uint8_t)x;
	return rc;
}

static int pd_i32(struct pd *d, jobj *o, const char *key, int32_t *out)
{
	int64_t x;
	int rc = pd_int(d, o, key, INT32_MIN, INT32_MAX, &x);

	if (!rc)
		*out = (int32_t)x;
	return rc;
}

/* A port: host order on the wire, network order in *out. */
static int pd_port(struct pd *d, jobj *o, const char *key, uint16_t *out)
{
	uint16_t p;
	int rc = pd_u16(d, o, key, &p);

	if (!rc)
		*out = htons(p);
	return rc;
}

/* A string that fits buf with its NUL and holds no NUL of its own. */
static int pd_str(struct pd *d, jobj *o, const char *key, char *buf,
		  size_t size)
{
	const char *s;
	jobj *v;
	int len, rc = pd_get(d, o, key, &v);

	if (rc)
		return rc;
	if (!json_object_is_type(v, json_type_string))
		return pd_bad(d, key, "not a string");
	s = json_object_get_string(v);
	len = json_object_get_string_len(v);
	if ((size_t)len >= size)
		return pd_bad(d, key, "too long");
	if (strlen(s) != (size_t)len)
		return pd_bad(d, key, "holds a NUL");
	memcpy(buf, s, (size_t)len + 1);
	return 0;
}

static int pd_af(struct pd *d, jobj *o, const char *key, bool unspec_ok,
		 uint16_t *af)
{
	static const int afs[] = { AF_UNSPEC, AF_INET, AF_INET6 };
	char name[8];
	size_t i;
	int rc = pd_str(d, o, key, name, sizeof(name));

	if (rc)
		return pd_bad(d, key, "not an address family");
	for (i = unspec_ok ? 0 : 1; i < sizeof(afs) / sizeof(afs[0]); i++) {
		if (!strcmp(name, proto_af_name(afs[i]))) {
			*af = (uint16_t)afs[i];
			return 0;
		}
	}
	return pd_bad(d, key, "not an address family");
}

static int pd_addr(struct pd *d, jobj *o, const char *key, int af,
		   union xdpvs_addr *a)
{
	char buf[INET6_ADDRSTRLEN];

	memset(a, 0, sizeof(*a));
	if (pd_str(d, o, key, buf, sizeof(buf)) ||
	    inet_pton(af, buf, a) != 1)
		return pd_bad(d, key, af == AF_INET6 ? "not an IPv6 address" :
			      "not an IPv4 address");
	return 0;
}

/* A protocol number: TCP, UDP or SCTP, or also 0 when zero_ok. */
static int pd_l4proto(struct pd *d, jobj *o, const char *key, bool zero_ok,
		      uint16_t *out)
{
	int64_t p;
	int rc = pd_int(d, o, key, 0, UINT8_MAX, &p);

	if (rc)
		return rc;
	if (p != IPPROTO_TCP && p != IPPROTO_UDP && p != IPPROTO_SCTP &&
	    !(zero_ok && p == 0))
		return pd_bad(d, key, "not a protocol");
	*out = (uint16_t)p;
	return 0;
}


/* IPv4: a dotted mask (network order in *mask); IPv6: a prefix length. */
static int pd_netmask(struct pd *d, jobj *o, int af, uint32_t *mask)
{
	char buf[INET_ADDRSTRLEN];
	struct in_addr m;
	int64_t plen;
	int rc;

	if (af == AF_INET6) {
		rc = pd_int(d, o, "netmask", 0, 128, &plen);
		if (!rc)
			*mask = (uint32_t)plen;
		return rc;
	}
	if (pd_str(d, o, "netmask", buf, sizeof(buf)) ||
	    inet_pton(AF_INET, buf, &m) != 1)
		return pd_bad(d, "netmask", "not an IPv4 netmask");
	*mask = m.s_addr;
	return 0;
}

static const char *const pd_svc_keys[] = {
	"af", "protocol", "addr", "port", "fwmark", "sched", "pe", "flags",
	"timeout", "netmask", NULL
};

static int pd_svc(struct pd *d, jobj *o, struct xdpvs_svc_conf *s)
{
	const char *outer = d->obj;
	int rc;

	memset(s, 0, sizeof(*s));
	d->obj = "svc";
	rc = pd_keys(d, o, pd_svc_keys, NULL);
	rc = rc ? rc : pd_af(d, o, "af", false, &s->af);
	rc = rc ? rc : pd_l4proto(d, o, "protocol", false, &s->protocol);
	rc = rc ? rc : pd_addr(d, o, "addr", s->af, &s->addr);
	rc = rc ? rc : pd_port(d, o, "port", &s->port);
	rc = rc ? rc : pd_u32(d, o, "fwmark", &s->fwmark);
	rc = rc ? rc : pd_str(d, o, "sched", s->sched_name,
			      sizeof(s->sched_name));
	rc = rc ? rc : pd_str(d, o, "pe", s->pe_name, sizeof(s->pe_name));
	rc = rc ? rc : pd_u32(d, o, "flags", &s->flags);
	rc = rc ? rc : pd_u32(d, o, "timeout", &s->timeout);
	rc = rc ? rc : pd_netmask(d, o, s->af, &s->netmask);
	d->obj = outer;
	return rc;
}

static const char *const pd_dest_keys[] = {
	"af", "addr", "port", "conn_flags", "weight", "u_threshold",
	"l_threshold", "tun_type", "tun_port", "tun_flags", NULL
};

static int pd_dest(struct pd *d, jobj *o, struct xdpvs_dest_conf *dc)
{
	const char *outer = d->obj;
	int rc;

	memset(dc, 0, sizeof(*dc));
	d->obj = "dest";
	rc = pd_keys(d, o, pd_dest_keys, NULL);
	rc = rc ? rc : pd_af(d, o, "af", false, &dc->af);
	rc = rc ? rc : pd_addr(d, o, "addr", dc->af, &dc->addr);
	rc = rc ? rc : pd_port(d, o, "port", &dc->port);
	rc = rc ? rc : pd_u32(d, o, "conn_flags", &dc->conn_flags);
	rc = rc ? rc : pd_i32(d, o, "weight", &dc->weight);
	rc = rc ? rc : pd_u32(d, o, "u_threshold", &dc->u_threshold);
	rc = rc ? rc : pd_u32(d, o, "l_threshold", &dc->l_threshold);
	rc = rc ? rc : pd_u8(d, o, "tun_type", &dc->tun_type);
	rc = rc ? rc : pd_port(d, o, "tun_port", &dc->tun_port);
	rc = rc ? rc : pd_u16(d, o, "tun_flags", &dc->tun_flags);
	d->obj = outer;
	return rc;
}

static const char *const pd_mark_keys[] = {
	"mark", "af", "protocol", "prefix", "plen", "port_lo", "port_hi", NULL
};

static int pd_mark(struct pd *d, jobj *o, struct xdpvs_mark_rule *r)
{
	const char *outer = d->obj;
	uint16_t proto = 0;
	int64_t plen = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	d->obj = "mark";
	rc = pd_keys(d, o, pd_mark_keys, NULL);
	rc = rc ? rc : pd_u32(d, o, "mark", &r->mark);
	rc = rc ? rc : pd_af(d, o, "af", false, &r->af);
	rc = rc ? rc : pd_l4proto(d, o, "protocol", true, &proto);
	rc = rc ? rc : pd_addr(d, o, "prefix", r->af, &r->prefix);
	rc = rc ? rc : pd_int(d, o, "plen", 0, r->af == AF_INET6 ? 128 : 32,
			      &plen);
	rc = rc ? rc : pd_u16(d, o, "port_lo", &r->port_lo);
	rc = rc ? rc : pd_u16(d, o, "port_hi", &r->port_hi);
	r->protocol = (uint8_t)proto;
	r->plen = (uint8_t)plen;
	d->obj = outer;
	return rc;
}

static const char *const pd_daemon_keys[] = {
	"state", "mcast_ifn", "syncid", "sync_maxlen", "mcast_port",
	"mcast_ttl", "mcast_af", "mcast_group", NULL
};

/* "mcast_group": null without a family, else an address of it. */
static int pd_group(struct pd *d, jobj *o, struct xdpvs_ctl_daemon *dm)
{
	jobj *v;
	int rc = pd_get(d, o, "mcast_group", &v);

	if (rc)
		return rc;
	if (dm->mcast_af == AF_UNSPEC)
		return json_object_is_type(v, json_type_null) ? 0 :
			pd_bad(d, "mcast_group", "not null without mcast_af");
	return pd_addr(d, o, "mcast_group", dm->mcast_af, &dm->mcast_group);
}

static int pd_daemon(struct pd *d, jobj *o, struct xdpvs_ctl_daemon *dm)
{
	const char *outer = d->obj;
	int rc;

	memset(dm, 0, sizeof(*dm));
	d->obj = "daemon";
	rc = pd_keys(d, o, pd_daemon_keys, NULL);
	rc = rc ? rc : pd_u32(d, o, "state", &dm->state);
	rc = rc ? rc : pd_str(d, o, "mcast_ifn", dm->mcast_ifn,
			      sizeof(dm->mcast_ifn));
	rc = rc ? rc : pd_u32(d, o, "syncid", &dm->syncid);
	rc = rc ? rc : pd_u16(d, o, "sync_maxlen", &dm->sync_maxlen);
	rc = rc ? rc : pd_u16(d, o, "mcast_port", &dm->mcast_port);
	rc = rc ? rc : pd_u8(d, o, "mcast_ttl", &dm->mcast_ttl);
	rc = rc ? rc : pd_af(d, o, "mcast_af", true, &dm->mcast_af);
	rc = rc ? rc : pd_group(d, o, dm);
	d->obj = outer;
	return rc;
}

static const char *const pd_timeouts_keys[] = { "tcp", "tcpfin", "udp", NULL };

static int pd_timeouts(struct pd *d, jobj *o, const char *name,
		       struct xdpvs_ctl_timeouts *t)
{
	const char *outer = d->obj;
	int rc;

	d->obj = name;
	rc = pd_keys(d, o, pd_timeouts_keys, NULL);
	rc = rc ? rc : pd_u32(d, o, "tcp", &t->tcp);
	rc = rc ? rc : pd_u32(d, o, "tcpfin", &t->tcpfin);
	rc = rc ? rc : pd_u32(d, o, "udp", &t->udp);
	d->obj = outer;
	return rc;
}

static const char *const pd_stats_keys[] = {
	"conns", "inpkts", "outpkts", "inbytes", "outbytes", NULL
};
static const char *const pd_rates_keys[] = {
	"cps", "inpps", "outpps", "inbps", "outbps", NULL
};

/* Five counters named keys[0..4] into out[0..4] (the structures are five
 * uint64_t in that order). */
static int pd_counters(struct pd *d, jobj *o, const char *name,
		       const char *const *keys, uint64_t *out)
{
	const char *outer = d->obj;
	int i, rc;

	d->obj = name;
	rc = pd_keys(d, o, keys, NULL);
	for (i = 0; i < 5 && !rc; i++)
		rc = pd_u64(d, o, keys[i], &out[i]);
	d->obj = outer;
	return rc;
}

_Static_assert(sizeof(struct xdpvs_stats) == 5 * sizeof(uint64_t),
	       "stats are five counters");
_Static_assert(sizeof(struct xdpvs_rates) == 5 * sizeof(uint64_t),
	       "rates are five counters");

static int pd_stats(struct pd *d, jobj *o, const char *key,
		    struct xdpvs_stats *s)
{
	jobj *v;
	int rc = pd_get(d, o, key, &v);

	return rc ? rc : pd_counters(d, v, key, pd_stats_keys, &s->conns);
}

static int pd_rates(struct pd *d, jobj *o, const char *key,
		    struct xdpvs_rates *r)
{
	jobj *v;
	int rc = pd_get(d, o, key, &v);

	return rc ? rc : pd_counters(d, v, key, pd_rates_keys, &r->cps);
}

/* An object-valued field read by fn. */
static int pd_obj(struct pd *d, jobj *o, const char *key,
		  int (*fn)(struct pd *, jobj *, void *), void *out)
{
	jobj *v;
	int rc = pd_get(d, o, key, &v);

	return rc ? rc : fn(d, v, out);
}

static int pd_svc_v(struct pd *d, jobj *o, void *out)
{
	return pd_svc(d, o, out);
}

static int pd_dest_v(struct pd *d, jobj *o, void *out)
{
	return pd_dest(d, o, out);
}

static int pd_mark_v(struct pd *d, jobj *o, void *out)
{
	return pd_mark(d, o, out);
}

static int pd_daemon_v(struct pd *d, jobj *o, void *out)
{
	return pd_daemon(d, o, out);
}

/* An array-valued field: *n elements of size bytes in a calloc()ed *out,
 * each read by fn.  On failure *out is freed by free_el (may be NULL:
 * plain elements) and NULL. */
static int pd_array(struct pd *d, jobj *o, const char *key, size_t size,
		    int (*fn)(struct pd *, jobj *, void *),
		    void (*free_el)(void *), void **out, int *n)
{
	jobj *v;
	size_t i, len;
	char *arr;
	int rc = pd_get(d, o, key, &v);

	if (rc)
		return rc;
	if (!json_object_is_type(v, json_type_array))
		return pd_bad(d, key, "not an array");
	len = json_object_array_length(v);
	if (len > INT_MAX)
		return pd_bad(d, key, "too long");
	arr = calloc(len ? len : 1, size);
	if (!arr)
		return pd_fail(d, -ENOMEM, "%s: out of memory", key);
	for (i = 0; i < len && !rc; i++)
		rc = fn(d, json_object_array_get_idx(v, i), arr + i * size);
	if (rc) {
		for (; free_el && i > 0; i--)
			free_el(arr + (i - 1) * size);
		free(arr);
		return rc;
	}
	*out = arr;
	*n = (int)len;
	return 0;
}

static const char *const pd_dest_info_keys[] = {
	"dest", "activeconns", "inactconns", "persistconns", "stats", "rates",
	NULL
};

static int pd_dest_info(struct pd *d, jobj *o, void *out)
{
	struct xdpvs_dest_info *di = out;
	const char *outer = d->obj;
	int rc;

	d->obj = "dests[]";
	rc = pd_keys(d, o, pd_dest_info_keys, NULL);
	rc = rc ? rc : pd_obj(d, o, "dest", pd_dest_v, &di->conf);
	rc = rc ? rc : pd_u32(d, o, "activeconns", &di->activeconns);
	rc = rc ? rc : pd_u32(d, o, "inactconns", &di->inactconns);
	rc = rc ? rc : pd_u32(d, o, "persistconns", &di->persistconns);
	rc = rc ? rc : pd_stats(d, o, "stats", &di->stats);
	rc = rc ? rc : pd_rates(d, o, "rates", &di->rates);
	d->obj = outer;
	return rc;
}

static const char *const pd_service_keys[] = {
	"svc", "stats", "rates", "dests", NULL
};

static void pd_service_free(void *p)
{
	struct xdpvs_svc_info *si = p;

	free(si->dests);
	si->dests = NULL;
}

static int pd_service(struct pd *d, jobj *o, void *out)
{
	struct xdpvs_svc_info *si = out;
	const char *outer = d->obj;
	void *dests = NULL;
	int n = 0, rc;

	d->obj = "service";
	rc = pd_keys(d, o, pd_service_keys, NULL);
	rc = rc ? rc : pd_obj(d, o, "svc", pd_svc_v, &si->conf);
	rc = rc ? rc : pd_stats(d, o, "stats", &si->stats);
	rc = rc ? rc : pd_rates(d, o, "rates", &si->rates);
	rc = rc ? rc : pd_array(d, o, "dests", sizeof(struct xdpvs_dest_info),
				pd_dest_info, NULL, &dests, &n);
	d->obj = outer;
	if (rc)
		return rc;
	si->dests = dests;
	si->num_dests = (uint32_t)n;
	return 0;
}

static const char *const pd_conn_keys[] = {
	"af", "daf", "protocol", "state", "state_name", "caddr", "cport",
	"vaddr", "vport", "daddr", "dport", "fwmark", "flags", "expires_ms",
	"pe_name", "pe_data", NULL
};

static int pd_conn(struct pd *d, jobj *o, void *out)
{
	struct xdpvs_conn_info *c = out;
	const char *outer = d->obj;
	int rc;

	d->obj = "conn";
	rc = pd_keys(d, o, pd_conn_keys, NULL);
	rc = rc ? rc : pd_af(d, o, "af", false, &c->af);
	rc = rc ? rc : pd_af(d, o, "daf", true, &c->daf);
	rc = rc ? rc : pd_u16(d, o, "protocol", &c->protocol);
	rc = rc ? rc : pd_u16(d, o, "state", &c->state);
	rc = rc ? rc : pd_str(d, o, "state_name", c->state_name,
			      sizeof(c->state_name));
	rc = rc ? rc : pd_addr(d, o, "caddr", c->af, &c->caddr);
	rc = rc ? rc : pd_port(d, o, "cport", &c->cport);
	rc = rc ? rc : pd_addr(d, o, "vaddr", c->af, &c->vaddr);
	rc = rc ? rc : pd_port(d, o, "vport", &c->vport);
	rc = rc ? rc : pd_addr(d, o, "daddr", c->daf ? c->daf : c->af,
			       &c->daddr);
	rc = rc ? rc : pd_port(d, o, "dport", &c->dport);
	rc = rc ? rc : pd_u32(d, o, "fwmark", &c->fwmark);
	rc = rc ? rc : pd_u32(d, o, "flags", &c->flags);
	rc = rc ? rc : pd_u32(d, o, "expires_ms", &c->expires_ms);
	rc = rc ? rc : pd_str(d, o, "pe_name", c->pe_name,
			      sizeof(c->pe_name));
	rc = rc ? rc : pd_str(d, o, "pe_data", c->pe_data,
			      sizeof(c->pe_data));
	d->obj = outer;
	return rc;
}

/* A switch's name: 1 to 63 of [a-z0-9_], as --sysctl takes it. */
static int pd_sysctl_name(struct pd *d, jobj *o, char *buf)
{
	int rc = pd_str(d, o, "name", buf, XDPVS_CTL_SYSCTL_NAMELEN);

	if (rc)
		return rc;
	if (!buf[0] || strspn(buf, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
		       strlen(buf))
		return pd_bad(d, "name", "not a sysctl name");
	return 0;
}

static const char *const pd_sysctl_keys[] = {
	"name", "value", "default", NULL
};

static int pd_sysctl(struct pd *d, jobj *o, void *out)
{
	struct xdpvs_ctl_sysctl *s = out;
	const char *outer = d->obj;
	int rc;

	d->obj = "sysctls[]";
	rc = pd_keys(d, o, pd_sysctl_keys, NULL);
	rc = rc ? rc : pd_sysctl_name(d, o, s->name);
	rc = rc ? rc : pd_i32(d, o, "value", &s->value);
	rc = rc ? rc : pd_i32(d, o, "default", &s->def);
	d->obj = outer;
	return rc;
}

/* "drops": exactly the engine's reasons, by name. */
static int pd_drops(struct pd *d, jobj *o, uint64_t *drops)
{
	const char *keys[XDPVS_DROP_MAX + 1];
	const char *outer = d->obj;
	jobj *v;
	int i, rc = pd_get(d, o, "drops", &v);

	if (rc)
		return rc;
	for (i = 0; i < XDPVS_DROP_MAX; i++)
		keys[i] = xdpvs_drop_name((enum xdpvs_drop)i);
	keys[XDPVS_DROP_MAX] = NULL;
	d->obj = "drops";
	rc = pd_keys(d, v, keys, NULL);
	for (i = 0; i < XDPVS_DROP_MAX && !rc; i++)
		rc = pd_u64(d, v, keys[i], &drops[i]);
	d->obj = outer;
	return rc;
}

static const char *const pd_info_keys[] = {
	"version", "conn_tab_size", "conn_count", "drops", "stats", "rates",
	NULL
};

static int pd_info(struct pd *d, jobj *o, void *out)
{
	struct xdpvs_ctl_info *in = out;
	const char *outer = d->obj;
	int rc;

	d->obj = "info";
	rc = pd_keys(d, o, pd_info_keys, NULL);
	rc = rc ? rc : pd_str(d, o, "version", in->version,
			      sizeof(in->version));
	rc = rc ? rc : pd_u32(d, o, "conn_tab_size", &in->conn_tab_size);
	rc = rc ? rc : pd_u32(d, o, "conn_count", &in->conn_count);
	rc = rc ? rc : pd_drops(d, o, in->drops);
	rc = rc ? rc : pd_stats(d, o, "stats", &in->stats);
	rc = rc ? rc : pd_rates(d, o, "rates", &in->rates);
	d->obj = outer;
	return rc;
}

/* Parse one line of at most max bytes (a final '\n' included) as strict
 * JSON holding one object and nothing else. */
static int pd_parse(struct pd *d, const char *buf, size_t len, size_t max,
		    jobj **root)
{
	struct json_tokener *tok;
	enum json_tokener_error je;
	jobj *o;
	size_t end;

	if (len > max)
		return pd_fail(d, -EMSGSIZE, "message longer than %zu bytes",
			       max);
	if (len && buf[len - 1] == '\n')
		len--;
	tok = json_tokener_new_ex(PROTO_DEPTH);
	if (!tok)
		return pd_fail(d, -ENOMEM, "out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
				    JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, buf, (int)len);
	je = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!o || je != json_tokener_success || end != len) {
		json_object_put(o);
		if (je == json_tokener_continue || je == json_tokener_success)
			return pd_fail(d, -EBADMSG, "not JSON: %s",
				       o ? "text after the object" :
					   "truncated");
		return pd_fail(d, -EBADMSG, "not JSON: %s",
			       json_tokener_error_desc(je));
	}
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return pd_fail(d, -EBADMSG, "message: not an object");
	}
	*root = o;
	return 0;
}

/* "id" (kept even if what follows fails) and "v". */
static int pd_header(struct pd *d, jobj *root, uint32_t *id)
{
	int64_t v;
	jobj *x;
	int rc;

	if (json_object_object_get_ex(root, "id", &x) &&
	    json_object_is_type(x, json_type_int) &&
	    json_object_get_int64(x) >= 0 &&
	    json_object_get_int64(x) <= UINT32_MAX)
		*id = (uint32_t)json_object_get_int64(x);
	rc = pd_int(d, root, "v", INT32_MIN, INT32_MAX, &v);
	if (rc)
		return rc;
	if (v != XDPVS_CTL_PROTO_VERSION)
		return pd_fail(d, -EPROTONOSUPPORT,
			       "v: version %lld not supported", (long long)v);
	return pd_u32(d, root, "id", id);
}

/* The top-level keys of a request with fields f. */
static int pd_req_keys(struct pd *d, jobj *root, unsigned int f)
{
	static const struct { unsigned int bit; const char *key; } k[] = {
		{ PF_SVC, "svc" }, { PF_DEST, "dest" },
		{ PF_TIMEOUTS, "timeouts" }, { PF_NAME, "name" },
		{ PF_VALUE, "value" }, { PF_MARK, "mark" },
		{ PF_DAEMON, "daemon" }, { PF_STATE, "state" },
	};
	const char *keys[PROTO_MAX_KEYS] = { "v", "id", "type" };
	const char *opt[3] = { NULL };
	size_t i, n = 3, m = 0;

	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (f & k[i].bit)
			keys[n++] = k[i].key;
	if (f & PF_SVC_OPT)
		opt[m++] = "svc";
	if (f & PF_NAME_OPT)
		opt[m++] = "name";
	keys[n] = NULL;
	return pd_keys(d, root, keys, opt);
}

static int pd_req_fields(struct pd *d, jobj *root, struct xdpvs_ctl_req *q)
{
	unsigned int f = proto_req_fields[q->type];
	int64_t value;
	jobj *v;
	int rc = 0;

	q->has_svc = json_object_object_get_ex(root, "svc", &v);
	if (q->has_svc)
		rc = pd_svc(d, v, &q->svc);
	if (!rc && (f & PF_DEST))
		rc = pd_obj(d, root, "dest", pd_dest_v, &q->dest);
	if (!rc && (f & PF_TIMEOUTS))
		rc = pd_timeouts(d, json_object_object_get(root, "timeouts"),
				 "timeouts", &q->timeouts);
	if (!rc && json_object_object_get_ex(root, "name", &v))
		rc = pd_sysctl_name(d, root, q->sysctl_name);
	if (!rc && (f & PF_VALUE) &&
	    !(rc = pd_int(d, root, "value", INT_MIN, INT_MAX, &value)))
		q->sysctl_value = (int)value;
	if (!rc && (f & PF_MARK))
		rc = pd_obj(d, root, "mark", pd_mark_v, &q->mark);
	if (!rc && (f & PF_DAEMON))
		rc = pd_obj(d, root, "daemon", pd_daemon_v, &q->daemon);
	if (!rc && (f & PF_STATE))
		rc = pd_u32(d, root, "state", &q->daemon.state);
	return rc;
}

int xdpvs_ctl_req_decode(const char *buf, size_t len,
			 struct xdpvs_ctl_req *req, char *why, size_t whylen)
{
	struct pd d = { .why = why, .whylen = whylen };
	char name[32];
	jobj *root;
	int rc;

	memset(req, 0, sizeof(*req));
	if (why && whylen)
		why[0] = '\0';
	rc = pd_parse(&d, buf, len, XDPVS_CTL_REQ_MAX, &root);
	if (rc)
		return rc;
	rc = pd_header(&d, root, &req->id);
	if (!rc && pd_str(&d, root, "type", name, sizeof(name)))
		rc = pd_fail(&d, -EBADMSG, "type: missing or not a string");
	if (!rc) {
		req->type = proto_msg_type(name);
		if (req->type == XDPVS_CTL_MSG_NONE)
			rc = pd_fail(&d, -ENOSYS, "type: unknown type '%s'",
				     name);
	}
	rc = rc ? rc : pd_req_keys(&d, root, proto_req_fields[req->type]);
	rc = rc ? rc : pd_req_fields(&d, root, req);
	json_object_put(root);
	return rc;
}

void xdpvs_ctl_reply_free(struct xdpvs_ctl_reply *rep)
{
	int i;

	for (i = 0; rep->svcs && i < rep->nsvcs; i++)
		free(rep->svcs[i].dests);
	free(rep->svcs);
	free(rep->conns);
	free(rep->sysctls);
	free(rep->marks);
	free(rep->daemons);
	rep->svcs = NULL;
	rep->conns = NULL;
	rep->sysctls = NULL;
	rep->marks = NULL;
	rep->daemons = NULL;
	rep->nsvcs = rep->nconns = rep->nsysctls = rep->nmarks = 0;
	rep->ndaemons = 0;
}

/* The data keys of a successful reply to type (at most two). */
static void pd_reply_keys(enum xdpvs_ctl_msg type, const char **k)
{
	switch (type) {
	case XDPVS_CTL_SVC_LIST:
		k[0] = "size", k[1] = "services";
		break;
	case XDPVS_CTL_SVC_GET:
		k[0] = "service";
		break;
	case XDPVS_CTL_CONN_LIST:
		k[0] = "conns";
		break;
	case XDPVS_CTL_TIMEOUT_GET:
		k[0] = "timeouts", k[1] = "defaults";
		break;
	case XDPVS_CTL_SYSCTL_GET:
		k[0] = "sysctls";
		break;
	case XDPVS_CTL_MARK_LIST:
		k[0] = "marks";
		break;
	case XDPVS_CTL_DAEMON_LIST:
		k[0] = "daemons";
		break;
	case XDPVS_CTL_INFO_GET:
		k[0] = "info";
		break;
	default:
		break;
	}
}

static int pd_reply_data(struct pd *d, jobj *root, enum xdpvs_ctl_msg type,
			 struct xdpvs_ctl_reply *r)
{
	void *one = NULL;
	int rc;

	switch (type) {
	case XDPVS_CTL_SVC_LIST:
		rc = pd_u32(d, root, "size", &r->tab_size);
		return rc ? rc : pd_array(d, root, "services",
			sizeof(*r->svcs), pd_service, pd_service_free,
			(void **)&r->svcs, &r->nsvcs);
	case XDPVS_CTL_SVC_GET:
		one = calloc(1, sizeof(*r->svcs));
		if (!one)
			return pd_fail(d, -ENOMEM, "out of memory");
		rc = pd_obj(d, root, "service", pd_service, one);
		if (rc) {
			free(one);
			return rc;
		}
		r->svcs = one;
		r->nsvcs = 1;
		return 0;
	case XDPVS_CTL_CONN_LIST:
		return pd_array(d, root, "conns", sizeof(*r->conns), pd_conn,
				NULL, (void **)&r->conns, &r->nconns);
	case XDPVS_CTL_TIMEOUT_GET:
		rc = pd_timeouts(d, json_object_object_get(root, "timeouts"),
				 "timeouts", &r->timeouts);
		return rc ? rc : pd_timeouts(d,
			json_object_object_get(root, "defaults"), "defaults",
			&r->timeouts_def);
	case XDPVS_CTL_SYSCTL_GET:
		return pd_array(d, root, "sysctls", sizeof(*r->sysctls),
				pd_sysctl, NULL, (void **)&r->sysctls,
				&r->nsysctls);
	case XDPVS_CTL_MARK_LIST:
		return pd_array(d, root, "marks", sizeof(*r->marks), pd_mark_v,
				NULL, (void **)&r->marks, &r->nmarks);
	case XDPVS_CTL_DAEMON_LIST:
		return pd_array(d, root, "daemons", sizeof(*r->daemons),
				pd_daemon_v, NULL, (void **)&r->daemons,
				&r->ndaemons);
	case XDPVS_CTL_INFO_GET:
		return pd_obj(d, root, "info", pd_info, &r->info);
	default:
		return 0;
	}
}

int xdpvs_ctl_reply_decode(const char *buf, size_t len,
			   enum xdpvs_ctl_msg type, struct xdpvs_ctl_reply *rep,
			   char *why, size_t whylen)
{
	struct pd d = { .why = why, .whylen = whylen };
	const char *keys[6] = { "v", "id", "err" };
	const char *opt[] = { "msg", NULL };
	int64_t err = 0;
	jobj *root;
	int rc;

	memset(rep, 0, sizeof(*rep));
	if (why && whylen)
		why[0] = '\0';
	if (!xdpvs_ctl_msg_name(type))
		return pd_fail(&d, -EINVAL, "no such request type");
	rc = pd_parse(&d, buf, len, XDPVS_CTL_REPLY_MAX, &root);
	if (rc)
		return rc;
	rc = pd_header(&d, root, &rep->id);
	rc = rc ? rc : pd_int(&d, root, "err", -PROTO_ERR_MAX, 0, &err);
	rep->err = (int)err;
	if (!rc && !err)
		pd_reply_keys(type, &keys[3]);
	rc = rc ? rc : pd_keys(&d, root, keys, opt);
	if (!rc && json_object_object_get_ex(root, "msg", NULL))
		rc = pd_str(&d, root, "msg", rep->msg, sizeof(rep->msg));
	if (!rc && !err)
		rc = pd_reply_data(&d, root, type, rep);
	json_object_put(root);
	if (rc)
		xdpvs_ctl_reply_free(rep);
	return rc;
}
