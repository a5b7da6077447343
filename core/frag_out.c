// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fragmentation on the way out, as ip_do_fragment() / ip6_fragment() do
 * it for IPVS's packets:
 *  - an IPv4 packet without DF too big for its link (after NAT, DR, or
 *    as the outer packet of a tunnel) is cut into link-MTU pieces;
 *  - a reassembled datagram always leaves in fragments no larger than its
 *    largest fragment was (IPv4: and the link MTU; IPv6: at least 1280),
 *    cut where the original fragments were cut if those pieces fit (the
 *    kernel's fast path over the datagram's frag_list), evenly otherwise.
 * IPv4 fragments keep the ID and DF; later ones carry only the options
 * marked "copied".  IPv6 fragments get a fragment header after the
 * unfragmentable part and a new ID.
 */
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <xdpvs/bytes.h>

#include "csum.h"
#include "engine_priv.h"
#include "frag.h"

#define IP4_MF 0x2000
#define IP4_DF 0x4000
#define IP6_MIN_MTU 1280
#define MAX_PIECES (XDPVS_TXQ_FRAMES + 1)

/* Where each piece of the payload starts; start[n] is its end. */
struct frag_plan {
	uint32_t n;
	uint32_t start[MAX_PIECES + 1];
};

/* The original fragments' boundaries, if every piece fits in room bytes
 * of payload (and all but the last are whole 8-byte units). */
static bool plan_cuts(const struct xdpvs_frag_tab *t, uint32_t payload,
		      uint32_t room, struct frag_plan *pl)
{
	uint32_t base, i;

	if (t->dg_cuts_lost || payload < t->dg_len ||
	    t->dg_ncuts + 1u > MAX_PIECES)
		return false;
	/* A tunnel's headers come before the datagram's payload. */
	base = payload - t->dg_len;
	pl->n = t->dg_ncuts + 1u;
	pl->start[0] = 0;
	for (i = 0; i < t->dg_ncuts; i++)
		pl->start[i + 1] = base + t->dg_cuts[i];
	pl->start[pl->n] = payload;
	for (i = 0; i < pl->n; i++) {
		uint32_t len = pl->start[i + 1] - pl->start[i];

		if (len > room || (i + 1 < pl->n && (len & 7)))
			return false;
	}
	return true;
}

/* Even pieces of as many 8-byte units as fit in room. */
static bool plan_even(uint32_t payload, uint32_t room, struct frag_plan *pl)
{
	uint32_t chunk = room & ~7u, off;

	if (chunk < 8 || (payload + chunk - 1) / chunk > MAX_PIECES)
		return false;
	pl->n = 0;
	for (off = 0; off < payload; off += chunk)
		pl->start[pl->n++] = off;
	pl->start[pl->n] = payload;
	return true;
}

static bool frag_plan(const struct xdpvs_engine *e, uint32_t payload,
		      uint32_t room, struct frag_plan *pl)
{
	if (e->frag_out.refrag && plan_cuts(e->frag, payload, room, pl))
		return true;
	return plan_even(payload, room, pl);
}

/* Room in the queue for the pieces after the first, each with hdr bytes
 * of headers in front? */
static bool queue_fits(const struct frag_plan *pl, uint32_t hdr)
{
	uint32_t bytes = pl->start[pl->n] - pl->start[1] + (pl->n - 1) * hdr;

	return pl->n - 1 <= XDPVS_TXQ_FRAMES && bytes <= XDPVS_TXQ_BYTES;
}

static uint8_t *queue_add(struct xdpvs_engine *e, uint32_t len,
			  uint32_t ifindex)
{
	struct xdpvs_frag_tab *t = e->frag;
	struct xdpvs_frag_txq *q = &t->q[e->frag_out.nq];
	uint32_t off = 0;

	if (e->frag_out.nq)
		off = q[-1].off + q[-1].len;
	q->off = off;
	q->len = len;
	q->ifindex = ifindex;
	e->frag_out.nq++;
	return t->qbuf + off;
}

/* Later IPv4 fragments carry only the options with the "copied" flag
 * (ip_options_fragment: the others become no-ops, lengths unchanged). */
static void ip4_options_fragment(uint8_t *ip, uint32_t hlen)
{
	uint32_t off = 20;

	while (off < hlen) {
		uint8_t type = ip[off];
		uint32_t len;

		if (type == 0)		/* end of options */
			break;
		if (type == 1) {	/* no-op */
			off++;
			continue;
		}
		if (off + 1 >= hlen)
			break;
		len = ip[off + 1];
		if (len < 2 || off + len > hlen)
			break;
		if (!(type & 0x80))
			memset(ip + off, 1, len);
		off += len;
	}
}

static void ip4_set_piece(uint8_t *ip, uint32_t hlen, uint32_t len,
			  uint16_t flags, uint32_t start)
{
	uint16_t sum;

	xdpvs_wr16(ip + 2, (uint16_t)(hlen + len));
	xdpvs_wr16(ip + 6, (uint16_t)(flags | start / 8));
	ip[10] = ip[11] = 0;
	sum = xdpvs_csum_finish(xdpvs_csum_partial(ip, hlen, 0));
	memcpy(ip + 10, &sum, 2);
}

static enum xdpvs_verdict split4(struct xdpvs_engine *e,
				 struct xdpvs_frame *f, uint32_t l2len,
				 uint32_t limit)
{
	uint8_t *ip = f->data + l2len;
	uint32_t hlen = (ip[0] & 0x0f) * 4u;
	uint32_t payload = f->len - l2len - hlen, k, oldlen = f->len;
	uint16_t df = xdpvs_rd16(ip + 6) & IP4_DF;
	struct frag_plan pl;

	if (limit <= hlen || !frag_plan(e, payload, limit - hlen, &pl)) {
		xdpvs_count_drop(e, XDPVS_DROP_MTU);
		return XDPVS_DROP;
	}
	if (pl.n < 2)
		return XDPVS_TX;
	if (!queue_fits(&pl, l2len + hlen)) {
		xdpvs_count_drop(e, XDPVS_DROP_NO_ROOM);
		return XDPVS_DROP;
	}
	for (k = 1; k < pl.n; k++) {
		uint32_t len = pl.start[k + 1] - pl.start[k];
		uint8_t *q = queue_add(e, l2len + hlen + len, f->ifindex);

		memcpy(q, f->data, l2len + hlen);
		ip4_options_fragment(q + l2len, hlen);
		memcpy(q + l2len + hlen, ip + hlen + pl.start[k], len);
		ip4_set_piece(q + l2len, hlen, len,
			      (uint16_t)(df | (k + 1 < pl.n ? IP4_MF : 0)),
			      pl.start[k]);
	}
	ip4_set_piece(ip, hlen, pl.start[1], (uint16_t)(df | IP4_MF), 0);
	f->len = l2len + hlen + pl.start[1];
	f->tailroom += oldlen - f->len;
	return XDPVS_TX;
}

/* IPv6: length of the unfragmentable part (ip6_find_1stfragopt) and the
 * byte naming what follows it; -1 if the headers run past len. */
static int ip6_unfrag_len(const uint8_t *ip, uint32_t len, uint32_t *nh_off)
{
	uint32_t off = 40;
	bool routing = false;
	uint8_t nh = ip[6];

	*nh_off = 6;
	for (;;) {
		if (nh == IPPROTO_ROUTING)
			routing = true;
		else if (nh != IPPROTO_HOPOPTS &&
			 (nh != IPPROTO_DSTOPTS || routing))
			return (int)off;
		if (off + 8 > len)
			return -1;
		*nh_off = off;
		nh = ip[off];
		off += (ip[off + 1] + 1u) * 8;
	}
}

static void ip6_set_piece(uint8_t *ip, uint32_t unfrag, uint32_t nh_off,
			  uint8_t nexthdr, uint32_t id, uint32_t len,
			  uint32_t start, bool more)
{
	uint8_t *fh = ip + unfrag;

	xdpvs_wr16(ip + 4, (uint16_t)(unfrag - 40 + 8 + len));
	ip[nh_off] = IPPROTO_FRAGMENT;
	fh[0] = nexthdr;
	fh[1] = 0;
	xdpvs_wr16(fh + 2, (uint16_t)(start | (more ? 1 : 0)));
	xdpvs_put32(fh + 4, htonl(id));
}

static enum xdpvs_verdict split6(struct xdpvs_engine *e,
				 struct xdpvs_frame *f, uint32_t l2len,
				 uint32_t limit)
{
	uint8_t *ip = f->data + l2len, *end = f->data + f->len + f->tailroom;
	uint32_t l3_len = f->len - l2len, nh_off, payload, k, id;
	int unfrag = ip6_unfrag_len(ip, l3_len, &nh_off);
	struct frag_plan pl;
	uint8_t nexthdr;

	if (unfrag < 0 || limit <= (uint32_t)unfrag + 8 ||
	    !frag_plan(e, payload = l3_len - (uint32_t)unfrag,
		       limit - (uint32_t)unfrag - 8, &pl)) {
		xdpvs_count_drop(e, XDPVS_DROP_MTU);
		return XDPVS_DROP;
	}
	if (pl.n < 2)
		return XDPVS_TX;
	if (!queue_fits(&pl, l2len + (uint32_t)unfrag + 8) || f->headroom < 8) {
		xdpvs_count_drop(e, XDPVS_DROP_NO_ROOM);
		return XDPVS_DROP;
	}
	nexthdr = ip[nh_off];
	id = ++e->frag->ip6_id;
	for (k = 1; k < pl.n; k++) {
		uint32_t len = pl.start[k + 1] - pl.start[k];
		uint32_t hdr = l2len + (uint32_t)unfrag;
		uint8_t *q = queue_add(e, hdr + 8 + len, f->ifindex);

		memcpy(q, f->data, hdr);
		memcpy(q + hdr + 8, ip + unfrag + pl.start[k], len);
		ip6_set_piece(q + l2len, (uint32_t)unfrag, nh_off, nexthdr, id,
			      len, pl.start[k], k + 1 < pl.n);
	}
	/* The first piece: the headers move 8 bytes up for the new one. */
	memmove(f->data - 8, f->data, l2len + (uint32_t)unfrag);
	f->data -= 8;
	f->headroom -= 8;
	ip6_set_piece(f->data + l2len, (uint32_t)unfrag, nh_off, nexthdr, id,
		      pl.start[1], 0, true);
	f->len = l2len + (uint32_t)unfrag + 8 + pl.start[1];
	f->tailroom = (uint32_t)(end - (f->data + f->len));
	return XDPVS_TX;
}

static enum xdpvs_verdict frag_split(struct xdpvs_engine *e,
				     struct xdpvs_frame *f)
{
	const struct xdpvs_frag_out *o = &e->frag_out;
	uint32_t l2len = 14, limit = o->link_mtu;
	uint16_t type;

	if (f->len < 18)
		return XDPVS_TX;
	type = xdpvs_rd16(f->data + 12);
	if (type == 0x8100) {
		l2len = 18;
		type = xdpvs_rd16(f->data + 16);
	}
	if (!xdpvs_frag_tab(e)) {
		xdpvs_count_drop(e, XDPVS_DROP_NO_ROOM);
		return XDPVS_DROP;
	}
	if (type == 0x0800) {
		if (o->refrag && e->frag->dg_max < limit)
			limit = e->frag->dg_max;
		if (!o->refrag && f->len - l2len <= limit)
			return XDPVS_TX;
		return split4(e, f, l2len, limit);
	}
	if (type == 0x86DD) {
		/* ip6_fragment: never more than came in, never below 1280 */
		if (o->refrag)
			limit = e->frag->dg_max < IP6_MIN_MTU ?
					IP6_MIN_MTU : e->frag->dg_max;
		if (!o->refrag && f->len - l2len <= limit)
			return XDPVS_TX;
		return split6(e, f, l2len, limit);
	}
	return XDPVS_TX;
}

/* A reassembled datagram's first frame goes out of the caller's buffer. */
static enum xdpvs_verdict frag_copy_back(struct xdpvs_engine *e,
					 struct xdpvs_frame *f)
{
	struct xdpvs_frag_tab *t = e->frag;
	uint32_t hr = t->orig_headroom;

	if (hr + f->len > t->orig_size) {
		if (f->len > t->orig_size) {
			xdpvs_count_drop(e, XDPVS_DROP_NO_ROOM);
			return XDPVS_DROP;
		}
		hr = t->orig_size - f->len;
	}
	memcpy(t->orig + hr, f->data, f->len);
	f->data = t->orig + hr;
	f->headroom = hr;
	f->tailroom = t->orig_size - hr - f->len;
	return XDPVS_TX;
}

enum xdpvs_verdict xdpvs_frag_output(struct xdpvs_engine *e,
				     struct xdpvs_frame *f)
{
	enum xdpvs_verdict v = XDPVS_TX;

		if (e->frag_out.split || e->frag_out.refrag)
		v = frag_split(e, f);
		if (v == XDPVS_TX && e->frag_out.reasm)
		v = frag_copy_back(e, f);
	if (v != XDPVS_TX)
		e->frag_out.nq = 0;
	return v;
}

int xdpvs_engine_tx_next(struct xdpvs_engine *e, struct xdpvs_frame *f)
{
	struct xdpvs_frag_out *o = &e->frag_out;
	const struct xdpvs_frag_txq *q;

	if (o->next >= o->nq)
		return 0;
	q = &e->frag->q[o->next++];
	f->data = e->frag->qbuf + q->off;
	f->len = q->len;
	f->headroom = 0;
	f->tailroom = 0;
	f->ifindex = q->ifindex;
	return 1;
}
