// SPDX-License-Identifier: GPL-2.0-only
/*
 * The XDP filter's map contents of sync.h.
 *
 * Mark rules: the LPM trie answers the longest prefix only, so the value
 * stored for a rule's prefix is the union of every rule (with a service)
 * whose prefix contains it, itself included: their protocols, and the
 * smallest range holding all their port ranges.  A packet a more
 * specific rule does not match but a wider one does still goes up.  The
 * union may take a few packets up that no rule matches (two disjoint port
 * ranges become one); the engine then passes them, and they are dropped
 * and counted (dp.h explains why they cannot go back).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "sync.h"

#define FTPPORT 21

void dp_sync_free(struct dp_sync_set *set)
{
	free(set->svcs);
	free(set->nat_rs);
	free(set->marks);
	memset(set, 0, sizeof(*set));
}

static void sync_addr_key(struct xdpvs_dp_addr_key *k, int af, int proto,
			  const union xdpvs_addr *addr, uint16_t port)
{
	memset(k, 0, sizeof(*k));
	k->af = (uint8_t)af;
	k->proto = (uint8_t)proto;
	k->port = port;
	if (af == AF_INET)
		k->addr.ip = addr->ip;
	else
		k->addr = *addr;
}

static bool sync_is_masq(const struct xdpvs_dest_info *d)
{
	return (d->conf.conn_flags & XDPVS_CONN_F_FWD_MASK) ==
	       XDPVS_CONN_F_MASQ;
}

/* The protocols of service s: its own, or all three for fwmark. */
static int sync_protos(const struct xdpvs_svc_conf *c, int out[3])
{
	if (!c->fwmark) {
		out[0] = c->protocol;
		return 1;
	}
	out[0] = IPPROTO_TCP;
	out[1] = IPPROTO_UDP;
	out[2] = IPPROTO_SCTP;
	return 3;
}

static int sync_services(const struct xdpvs_svc_info *s, int n,
			 struct dp_sync_set *out)
{
	uint32_t nrs = 0;
	int i, j, k, np, protos[3];

	out->svcs = calloc((size_t)n * 2 + 1, sizeof(*out->svcs));
	for (i = 0; i < n; i++)
		nrs += s[i].num_dests * 4;
	out->nat_rs = calloc((size_t)nrs + 1, sizeof(*out->nat_rs));
	if (!out->svcs || !out->nat_rs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct xdpvs_svc_conf *c = &s[i].conf;

		if (!c->fwmark) {
			struct dp_sync_svc *e = &out->svcs[out->nsvcs++];

			sync_addr_key(&e->key, c->af, c->protocol, &c->addr,
				      c->port);
			if (c->protocol == IPPROTO_TCP &&
			    c->port == htons(FTPPORT) &&
			    (c->flags & XDPVS_SVC_F_PERSISTENT))
				e->val.flags |= XDPVS_DP_SVC_F_FTP;
			/* its address, for fragments (dp.h, rule 5) */
			e = &out->svcs[out->nsvcs++];
			sync_addr_key(&e->key, c->af, 0, &c->addr, 0);
		}
		np = sync_protos(c, protos);
		for (j = 0; j < (int)s[i].num_dests; j++) {
			const struct xdpvs_dest_conf *d = &s[i].dests[j].conf;

			if (!sync_is_masq(&s[i].dests[j]))
				continue;
			for (k = 0; k < np; k++)
				sync_addr_key(&out->nat_rs[out->nnat_rs++],
					      d->af, protos[k], &d->addr,
					      d->port);
			sync_addr_key(&out->nat_rs[out->nnat_rs++], d->af, 0,
				      &d->addr, 0);
		}
	}
	return 0;
}

/* Does some service of family af have firewall mark mark? */
static bool sync_mark_used(const struct xdpvs_svc_info *s, int n, int af,
			   uint32_t mark)
{
	int i;

	for (i = 0; i < n; i++)
		if (s[i].conf.fwmark == mark && s[i].conf.af == af)
			return true;
	return false;
}

/* Does rule w's prefix contain rule r's prefix? */
static bool sync_covers(const struct xdpvs_mark_rule *w,
			const struct xdpvs_mark_rule *r)
{
	unsigned int i, plen = w->plen;

	if (w->af != r->af || w->plen > r->plen)
		return false;
	for (i = 0; i < plen / 8; i++)
		if (w->prefix.b[i] != r->prefix.b[i])
			return false;
	return !(plen % 8) ||
	       !((w->prefix.b[i] ^ r->prefix.b[i]) &
		 (uint8_t)(0xff << (8 - plen % 8)));
}

static uint8_t sync_proto_bits(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP: return XDPVS_DP_PROTO_TCP;
	case IPPROTO_UDP: return XDPVS_DP_PROTO_UDP;
	case IPPROTO_SCTP: return XDPVS_DP_PROTO_SCTP;
	default: return XDPVS_DP_PROTO_TCP | XDPVS_DP_PROTO_UDP |
			XDPVS_DP_PROTO_SCTP;
	}
}

/* Widen v by rule w. */
static void sync_mark_union(struct xdpvs_dp_mark_val *v, bool first,
			    const struct xdpvs_mark_rule *w)
{
	uint16_t lo = w->port_lo, hi = w->port_hi;

	if (!lo && !hi)
		hi = 65535;	/* 0-0: any port */
	if (first || lo < v->port_lo)
		v->port_lo = lo;
	if (first || hi > v->port_hi)
		v->port_hi = hi;
	v->protos |= sync_proto_bits(w->protocol);
}

static int sync_marks(const struct xdpvs_svc_info *s, int n,
		      const struct xdpvs_mark_rule *r, int nr,
		      struct dp_sync_set *out)
{
	int i, j;

	out->marks = calloc((size_t)nr + 1, sizeof(*out->marks));
	if (!out->marks)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		struct dp_sync_mark *m;
		bool first = true;

		if (!sync_mark_used(s, n, r[i].af, r[i].mark))
			continue;
		m = &out->marks[out->nmarks++];
		m->key.prefixlen = 32 + r[i].plen;
		m->key.af = (uint8_t)r[i].af;
		memcpy(&m->key.addr, &r[i].prefix,
		       r[i].af == AF_INET6 ? 16 : 4);
		for (j = 0; j < nr; j++) {
			if (!sync_mark_used(s, n, r[j].af, r[j].mark) ||
			    !sync_covers(&r[j], &r[i]))
				continue;
			sync_mark_union(&m->val, first, &r[j]);
			first = false;
		}
	}
	return 0;
}

int dp_sync_build(const struct xdpvs_svc_info *s, int n,
		  const struct xdpvs_mark_rule *r, int nr,
		  struct dp_sync_set *out)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = sync_services(s, n, out);
	if (!err)
		err = sync_marks(s, n, r, nr, out);
	if (err)
		dp_sync_free(out);
	return err;
}
