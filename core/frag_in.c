// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reassembly of the fragments addressed to the balancer, following what
 * the kernel's ip_defrag() / nf_ct_frag6_gather() accept and refuse:
 *  - a datagram is keyed by addresses, ID (and protocol for IPv4) and
 *    must be complete within 30 s (IPv4) or 60 s (IPv6) of its first
 *    fragment;
 *  - a fragment repeating bytes already received is ignored, one that
 *    overlaps them partly kills the whole datagram (RFC 5722);
 *  - fragments that contradict the datagram's length kill it;
 *  - the reassembled IPv4 datagram gets DF only if its largest fragment
 *    had DF, and ECN CE if any fragment had it.
 * Fragments are rare: slots are searched linearly.
 */
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <xdpvs/bytes.h>

#include "core.h"
#include "csum.h"
#include "dest.h"
#include "engine_priv.h"
#include "frag.h"
#include "pkt.h"
#include "svc.h"

#define IP4_MF 0x20		/* in the first byte of frag_off */
#define IP4_DF 0x40
#define FRAG_TIME_V4 (30 * XDPVS_NSEC_PER_SEC)	/* ipfrag_time */
#define FRAG_TIME_V6 (60 * XDPVS_NSEC_PER_SEC)	/* ip6frag_time */
#define ECN_CE 3

struct xdpvs_frag_tab *xdpvs_frag_tab(struct xdpvs_engine *e)
{
	if (!e->frag)
		e->frag = calloc(1, sizeof(*e->frag));
	return e->frag;
}

void xdpvs_frag_free(struct xdpvs_engine *e)
{
	free(e->frag);
	e->frag = NULL;
}

bool xdpvs_frag_is_ours(struct xdpvs_engine *e, const struct xdpvs_pkt *p)
{
	return xdpvs_svc_addr_in_use(e, p->af, &p->daddr) ||
	       xdpvs_dest_addr_is_nat(e, p->af, &p->saddr) ||
	       (e->nr_marks && xdpvs_mark_frag_is_ours(e, p));
}

bool xdpvs_frag_is_atomic(const struct xdpvs_pkt *p)
{
	return p->af == AF_INET6 && !p->fragoffs &&
	       !(p->data[p->fh_off + 3] & 1);
}

/* What identifies the datagram a fragment belongs to. */
struct frag_key {
	uint8_t af, proto;
	uint32_t id;
	const union xdpvs_addr *saddr, *daddr;
};

/* Where a fragment's pieces are in its frame. */
struct frag_geo {
	uint32_t hlen;		/* IP header (+ unfragmentable part) */
	uint32_t nh_off;	/* IPv6: byte naming the fragment header */
	uint32_t data_off;	/* payload, from the IP header */
	uint32_t off, end;	/* payload bytes it carries */
	bool more;
	bool df;
	uint8_t ecn;
	uint8_t nexthdr;	/* IPv6: from the fragment header */
};

/* IPv6: the byte naming the fragment header (ip[6] or the first byte of
 * the extension header before it), or -1 when the walk does not reach it. */
static int frag_ip6_nh_off(const uint8_t *ip, uint32_t fh)
{
	uint32_t off = 40, prev = 6;
	uint8_t nh = ip[6];

	while (off < fh) {
		uint32_t len = nh == IPPROTO_AH ? (ip[off + 1] + 2u) * 4 :
						  (ip[off + 1] + 1u) * 8;

		prev = off;
		nh = ip[off];
		off += len;
	}
	return off == fh ? (int)prev : -1;
}

static int frag_geometry(const struct xdpvs_pkt *p, struct frag_geo *g,
			 struct frag_key *k)
{
	const uint8_t *ip = p->data + p->l3_off;
	uint32_t l3_len = xdpvs_pkt_l3_len(p);
	int nh;

	k->af = (uint8_t)p->af;
	k->saddr = &p->saddr;
	k->daddr = &p->daddr;
	g->off = p->fragoffs;
	if (p->af == AF_INET) {
		g->hlen = (ip[0] & 0x0f) * 4u;
		g->data_off = g->hlen;
		g->more = ip[6] & IP4_MF;
		g->df = ip[6] & IP4_DF;
		g->ecn = ip[1] & 3;
		k->proto = ip[9];
		k->id = xdpvs_rd16(ip + 4);
	} else {
		const uint8_t *fh = p->data + p->fh_off;

		g->hlen = p->fh_off - p->l3_off;
		nh = frag_ip6_nh_off(ip, g->hlen);
		if (nh < 0 || g->hlen > XDPVS_FRAG_HDR_MAX)
			return -1;
		g->nh_off = (uint32_t)nh;
		g->data_off = g->hlen + 8;
		g->more = fh[3] & 1;
		g->df = false;
		g->ecn = (ip[1] >> 4) & 3;
		g->nexthdr = fh[0];
		k->proto = 0;
		k->id = xdpvs_get32(fh + 4);
	}
	if (g->hlen > XDPVS_FRAG_HDR_MAX || l3_len < g->data_off)
		return -1;
	g->end = g->off + (l3_len - g->data_off);
	if (g->end > XDPVS_FRAG_MAX)
		return -1;
	/* Only the last fragment may end between 8-byte units: IPv4 cuts
	 * the rest off (ip_frag_queue), IPv6 refuses it. */
	if (g->more && (g->end & 7)) {
		if (p->af == AF_INET6)
			return -1;
		g->end &= ~7u;
	}
	return 0;
}

static struct xdpvs_frag_slot *frag_find(struct xdpvs_frag_tab *t,
					 const struct frag_key *k)
{
	struct xdpvs_frag_slot *s, *free_slot = NULL;
	int i;

	for (i = 0; i < XDPVS_FRAG_SLOTS; i++) {
		s = &t->slots[i];
		if (!s->used) {
			if (!free_slot)
				free_slot = s;
			continue;
		}
		if (s->af == k->af && s->proto == k->proto && s->id == k->id &&
		    xdpvs_addr_equal(k->af, &s->saddr, k->saddr) &&
		    xdpvs_addr_equal(k->af, &s->daddr, k->daddr))
			return s;
	}
	return free_slot;
}

static void frag_kill(struct xdpvs_frag_tab *t, struct xdpvs_frag_slot *s)
{
	s->used = false;
	t->nr_used--;
}

static void frag_start(struct xdpvs_engine *e, struct xdpvs_frag_tab *t,
		       struct xdpvs_frag_slot *s, const struct frag_key *k)
{
	s->used = true;
	s->first_in = s->last_in = s->ce = s->cuts_lost = false;
	s->af = k->af;
	s->proto = k->proto;
	s->id = k->id;
	s->saddr = *k->saddr;
	s->daddr = *k->daddr;
	s->expires = e->now + (k->af == AF_INET ? FRAG_TIME_V4 : FRAG_TIME_V6);
	s->len = s->have = 0;
	s->max_size = s->max_df_size = 0;
	s->ncuts = 0;
	memset(s->map, 0, sizeof(s->map));
	t->nr_used++;
}

void xdpvs_frag_expire(struct xdpvs_engine *e, uint64_t now)
{
	struct xdpvs_frag_tab *t = e->frag;
	int i;

	if (!t || !t->nr_used)
		return;
	for (i = 0; i < XDPVS_FRAG_SLOTS; i++) {
		if (t->slots[i].used && now >= t->slots[i].expires) {
			frag_kill(t, &t->slots[i]);
			xdpvs_count_drop(e, XDPVS_DROP_FRAG_TIMEOUT);
		}
	}
}

/* How many of the 8-byte units [a, b) are already there. */
static uint32_t frag_units_present(const struct xdpvs_frag_slot *s,
				   uint32_t a, uint32_t b)
{
	uint32_t u, n = 0;

	for (u = a; u < b; u++)
		n += (s->map[u >> 3] >> (u & 7)) & 1;
	return n;
}

static void frag_units_set(struct xdpvs_frag_slot *s, uint32_t a, uint32_t b)
{
	uint32_t u;

	for (u = a; u < b; u++)
		s->map[u >> 3] |= (uint8_t)(1u << (u & 7));
}

/* Does the fragment fit what is known of the datagram's length?  Updates
 * it (ip_frag_queue's checks). */
static bool frag_length_ok(struct xdpvs_frag_slot *s,
			   const struct frag_geo *g)
{
	if (!g->more) {
		if (g->end < s->len || (s->last_in && g->end != s->len))
			return false;
		s->last_in = true;
		s->len = g->end;
	} else if (g->end > s->len) {
		if (s->last_in)
			return false;
		s->len = g->end;
	}
	return true;
}

/* Keep the fragment's bytes and what the datagram's rebuild needs. */
static void frag_store(struct xdpvs_frag_slot *s, const struct xdpvs_pkt *p,
		       const struct frag_geo *g)
{
	const uint8_t *ip = p->data + p->l3_off;
	uint16_t size = (uint16_t)xdpvs_pkt_l3_len(p);

	memcpy(s->data + g->off, ip + g->data_off, g->end - g->off);
	frag_units_set(s, g->off / 8, (g->end + 7) / 8);
	s->have += g->end - g->off;
	if (size > s->max_size)
		s->max_size = size;
	if (g->df && size > s->max_df_size)
		s->max_df_size = size;
	if (g->ecn == ECN_CE)
		s->ce = true;
	if (!g->off) {
		s->first_in = true;
		s->l2len = (uint8_t)p->l3_off;
		memcpy(s->l2, p->data, p->l3_off);
		s->hlen = (uint16_t)g->hlen;
		s->nh_off = (uint16_t)g->nh_off;
		memcpy(s->hdr, ip, g->hlen);
		s->nexthdr = g->nexthdr;
	} else if (s->ncuts < XDPVS_FRAG_CUTS) {
		s->cuts[s->ncuts++] = (uint16_t)g->off;
	} else {
		s->cuts_lost = true;
	}
}

static int cut_cmp(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Rebuild the datagram of s in the table's buffer as frame f; note how it
 * came for the output. */
static void frag_rebuild(struct xdpvs_frag_tab *t, struct xdpvs_frag_slot *s,
			 struct xdpvs_frame *f)
{
	uint8_t *eth = t->dgram + XDPVS_FRAG_HEADROOM;
	uint8_t *ip = eth + s->l2len;
	uint32_t total = s->hlen + s->len;

	memcpy(eth, s->l2, s->l2len);
	memcpy(ip, s->hdr, s->hlen);
	memcpy(ip + s->hlen, s->data, s->len);
	if (s->af == AF_INET) {
		uint16_t sum;

		xdpvs_wr16(ip + 2, (uint16_t)total);
		xdpvs_wr16(ip + 6, s->max_df_size == s->max_size ?
					    IP4_DF << 8 : 0);
		if (s->ce)
			ip[1] |= ECN_CE;
		ip[10] = ip[11] = 0;
		sum = xdpvs_csum_finish(xdpvs_csum_partial(ip, s->hlen, 0));
		memcpy(ip + 10, &sum, 2);
	} else {
		xdpvs_wr16(ip + 4, (uint16_t)(total - 40));
		ip[s->nh_off] = s->nexthdr;
		if (s->ce)
			ip[1] |= ECN_CE << 4;
	}
	f->data = eth;
	f->len = s->l2len + total;
	f->headroom = XDPVS_FRAG_HEADROOM;
	f->tailroom = (uint32_t)(sizeof(t->dgram) - XDPVS_FRAG_HEADROOM -
				 f->len);
	t->dg_len = s->len;
	t->dg_max = s->max_size;
	t->dg_ncuts = s->ncuts;
	t->dg_cuts_lost = s->cuts_lost;
	memcpy(t->dg_cuts, s->cuts, s->ncuts * sizeof(s->cuts[0]));
	qsort(t->dg_cuts, t->dg_ncuts, sizeof(t->dg_cuts[0]), cut_cmp);
}

static enum xdpvs_verdict frag_drop(struct xdpvs_engine *e,
				    enum xdpvs_drop d)
{
	xdpvs_count_drop(e, d);
	return XDPVS_DROP;
}

/* The datagram is whole: through the packet path. */
static enum xdpvs_verdict frag_deliver(struct xdpvs_engine *e,
				       struct xdpvs_frag_tab *t,
				       struct xdpvs_frag_slot *s,
				       struct xdpvs_frame *f)
{
	struct xdpvs_frame df = { .ifindex = f->ifindex };
	struct xdpvs_pkt dp;
	enum xdpvs_verdict v;
	int r;

	frag_rebuild(t, s, &df);
	frag_kill(t, s);
	r = xdpvs_pkt_parse(&dp, df.data, df.len);
	if (r != XDPVS_PKT_OK)
		return frag_drop(e, r < 0 ? (enum xdpvs_drop)(-r - 1) :
					    XDPVS_DROP_MALFORMED);
	t->orig = f->data - f->headroom;
	t->orig_size = f->headroom + f->len + f->tailroom;
	t->orig_headroom = f->headroom;
	e->frag_out.reasm = e->frag_out.refrag = true;
	v = xdpvs_core_rx(e, &dp, &df);
	if (v == XDPVS_PASS) {
		/* Not IPVS's after all, and the pieces cannot go back to
		 * the kernel: the datagram is lost. */
		e->frag_out.reasm = false;
		return frag_drop(e, XDPVS_DROP_FRAGMENT);
	}
	if (v == XDPVS_TX)
		*f = df;
	else
		e->frag_out.reasm = false;
	return v;
}

enum xdpvs_verdict xdpvs_frag_input(struct xdpvs_engine *e,
				    struct xdpvs_pkt *p, struct xdpvs_frame *f)
{
	struct xdpvs_frag_tab *t = xdpvs_frag_tab(e);
	struct xdpvs_frag_slot *s;
	struct frag_geo g = { 0 };
	struct frag_key k;
	uint32_t a, b, present;

	if (!t)
		return frag_drop(e, XDPVS_DROP_FRAG_FULL);
	if (frag_geometry(p, &g, &k))
		return frag_drop(e, XDPVS_DROP_FRAGMENT);
	s = frag_find(t, &k);
	if (!s)
		return frag_drop(e, XDPVS_DROP_FRAG_FULL);
	if (!s->used)
		frag_start(e, t, s, &k);
	if (!frag_length_ok(s, &g)) {
		frag_kill(t, s);
		return frag_drop(e, XDPVS_DROP_FRAGMENT);
	}
	if (g.end == g.off)
		return frag_drop(e, XDPVS_DROP_FRAGMENT);
	a = g.off / 8;
	b = (g.end + 7) / 8;
	present = frag_units_present(s, a, b);
	if (present == b - a)
		return frag_drop(e, XDPVS_DROP_FRAGMENT);	/* a repeat */
	if (present) {
		frag_kill(t, s);
		return frag_drop(e, XDPVS_DROP_FRAG_OVERLAP);
	}
	frag_store(s, p, &g);
	if (!s->first_in || !s->last_in || s->have != s->len)
		return XDPVS_HOLD;
	return frag_deliver(e, t, s, f);
}

uint32_t xdpvs_frag_max_size(const struct xdpvs_engine *e)
{
	return e->frag_out.reasm && e->frag ? e->frag->dg_max : 0;
}
