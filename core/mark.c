// SPDX-License-Identifier: GPL-2.0-only
/*
 * Firewall-mark rules.  Kernel IPVS reads the mark netfilter gave a packet
 * (iptables/nft mangle rules); XDP sees packets before netfilter, so xdpvs
 * keeps such rules itself: protocol, destination prefix and destination
 * port range to mark.  The first matching rule, in the order added, wins,
 * as the first matching mangle rule would.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "core.h"
#include "engine_priv.h"
#include "pick.h"
#include "pkt.h"
#include "svc.h"

static bool mark_prefix_match(int af, const union xdpvs_addr *a,
			      const union xdpvs_addr *prefix, unsigned int plen)
{
	unsigned int i, nbytes = af == AF_INET6 ? 16 : 4;

	for (i = 0; i < nbytes && plen; i++) {
		unsigned int bits = plen >= 8 ? 8 : plen;
		uint8_t m = (uint8_t)(0xff00 >> bits);

		if ((a->b[i] ^ prefix->b[i]) & m)
			return false;
		plen -= bits;
	}
	return true;
}

/* Does r cover p's family, protocol and destination, ports aside? */
static bool mark_covers(const struct xdpvs_mark_rule *r,
			const struct xdpvs_pkt *p)
{
	if (r->af != p->af)
		return false;
	if (r->protocol ? r->protocol != p->protocol :
			  p->protocol != IPPROTO_TCP &&
				  p->protocol != IPPROTO_UDP &&
				  p->protocol != IPPROTO_SCTP)
		return false;
	return mark_prefix_match(p->af, &p->daddr, &r->prefix, r->plen);
}

static bool mark_any_port(const struct xdpvs_mark_rule *r)
{
	return !r->port_lo && !r->port_hi;
}

static bool mark_match(const struct xdpvs_mark_rule *r,
		       const struct xdpvs_pkt *p)
{
	uint16_t port;

	if (!mark_covers(r, p))
		return false;
	if (mark_any_port(r))
		return true;
	if (!p->has_ports)
		return false;
	port = ntohs(p->dport);
	return port >= r->port_lo && port <= r->port_hi;
}

uint32_t xdpvs_mark_lookup(const struct xdpvs_engine *e,
			   const struct xdpvs_pkt *p)
{
	uint32_t i;

	for (i = 0; i < e->nr_marks; i++)
		if (mark_match(&e->marks[i], p))
			return e->marks[i].mark;
	return 0;
}

/*
 * Fragments come without ports (but the first), so only a rule for any
 * port can claim them: the first such rule covering p, if its mark has a
 * service.  Whole again, the datagram is marked as any packet (the kernel
 * sees it marked after nf_defrag, which runs before the mangle table).
 * A rule with a port range leaves fragments to the host.
 */
bool xdpvs_mark_frag_is_ours(struct xdpvs_engine *e,
			     const struct xdpvs_pkt *p)
{
	uint32_t i;

	for (i = 0; i < e->nr_marks; i++)
		if (mark_any_port(&e->marks[i]) &&
		    mark_covers(&e->marks[i], p))
			return xdpvs_svc_fwmark_in_use(e, p->af,
						       e->marks[i].mark);
	return false;
}

static bool mark_rule_equal(const struct xdpvs_mark_rule *a,
			    const struct xdpvs_mark_rule *b)
{
	return a->mark == b->mark && a->af == b->af &&
	       a->protocol == b->protocol && a->plen == b->plen &&
	       a->port_lo == b->port_lo && a->port_hi == b->port_hi &&
	       xdpvs_addr_equal(a->af, &a->prefix, &b->prefix);
}

/* Mask the prefix to its length so equal rules compare equal. */
static int mark_normalize(const struct xdpvs_mark_rule *in,
			  struct xdpvs_mark_rule *r)
{
	unsigned int i, plen, max = in->af == AF_INET6 ? 128 : 32;

	if ((in->af != AF_INET && in->af != AF_INET6) || in->plen > max ||
	    in->mark == 0 || in->port_lo > in->port_hi)
		return -EINVAL;
	*r = *in;
	memset(&r->prefix, 0, sizeof(r->prefix));
	for (i = 0, plen = in->plen; i < 16 && plen; i++) {
		unsigned int bits = plen >= 8 ? 8 : plen;

		r->prefix.b[i] = (uint8_t)(in->prefix.b[i] & (0xff00 >> bits));
		plen -= bits;
	}
	return 0;
}

int xdpvs_mark_add(struct xdpvs_engine *e, const struct xdpvs_mark_rule *in)
{
	struct xdpvs_mark_rule r;
	uint32_t i;
	int err = mark_normalize(in, &r);

	xdpvs_pick_take_all(e);	/* a rule may cover a service */
	if (err)
		return err;
	for (i = 0; i < e->nr_marks; i++)
		if (mark_rule_equal(&e->marks[i], &r))
			return -EEXIST;
	if (e->nr_marks == XDPVS_MARK_RULES_MAX)
		return -ENOSPC;
	e->marks[e->nr_marks++] = r;
	return 0;
}

int xdpvs_mark_del(struct xdpvs_engine *e, const struct xdpvs_mark_rule *in)
{
	struct xdpvs_mark_rule r;
	uint32_t i;
	int err = mark_normalize(in, &r);

	xdpvs_pick_take_all(e);	/* a rule may cover a service */
	if (err)
		return err;
	for (i = 0; i < e->nr_marks; i++) {
		if (!mark_rule_equal(&e->marks[i], &r))
			continue;
		memmove(&e->marks[i], &e->marks[i + 1],
			(e->nr_marks - i - 1) * sizeof(r));
		e->nr_marks--;
		return 0;
	}
	return -ENOENT;
}

void xdpvs_mark_flush(struct xdpvs_engine *e)
{
	e->nr_marks = 0;
}

int xdpvs_mark_get(const struct xdpvs_engine *e, struct xdpvs_mark_rule *out,
		   int max)
{
	int n = (int)e->nr_marks < max ? (int)e->nr_marks : max;

	if (n > 0)
		memcpy(out, e->marks, (size_t)n * sizeof(*out));
	return (int)e->nr_marks;
}
