/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IP fragments, as the kernel treats them around IPVS.
 *
 * In: fragments of datagrams for the balancer (to a virtual address, or
 * from a NAT real server) are reassembled before IPVS sees them, as
 * nf_defrag does (30 s for IPv4, 60 s for IPv6, overlapping fragments
 * drop the datagram), and the datagram goes through the packet path.
 *
 * Out: a reassembled datagram always leaves in fragments again, never
 * larger than the largest one that came in (the kernel's frag_max_size),
 * cut where the original fragments were cut when they still fit; and an
 * IPv4 packet without DF too big for its way out (or a tunnel packet
 * carrying one) is fragmented as ip_fragment() would.  The first fragment
 * stays in the caller's frame, the others wait in a queue the caller
 * drains with xdpvs_engine_tx_next().
 */
#ifndef XDPVS_CORE_FRAG_H
#define XDPVS_CORE_FRAG_H

#include <stdbool.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <xdpvs/bytes.h>
#include <xdpvs/engine.h>

struct xdpvs_engine;
struct xdpvs_pkt;

/* Header fields in host order. */
static inline uint16_t xdpvs_rd16(const uint8_t *p)
{
	return ntohs(xdpvs_get16(p));
}

static inline void xdpvs_wr16(uint8_t *p, uint16_t v)
{
	xdpvs_put16(p, htons(v));
}

#define XDPVS_FRAG_SLOTS 64		/* datagrams reassembled at once */
#define XDPVS_FRAG_MAX 65535		/* bytes of a datagram's payload */
#define XDPVS_FRAG_CUTS 64		/* fragment boundaries remembered */
#define XDPVS_TXQ_BYTES (128 * 1024)	/* room for the extra frames */
#define XDPVS_TXQ_FRAMES 96

/* What the packet in progress asks of the output (engine_priv.h). */
struct xdpvs_frag_out {
	bool split;		/* too big, no DF: fragment at link_mtu */
	bool reasm;		/* the packet is a reassembled datagram */
	bool refrag;		/* ... and leaves in fragments */
	uint32_t link_mtu;	/* of the way out, from xdpvs_xmit_l2() */
	uint32_t next;		/* queue: next frame for tx_next */
	uint32_t nq;		/* queue: frames */
};

/* The datagrams being reassembled, where they are rebuilt, and the queue
 * of extra frames: allocated with the first fragment or split. */
#define XDPVS_FRAG_L2_MAX 22		/* Ethernet + two VLAN tags */
#define XDPVS_FRAG_HDR_MAX 256		/* IP header + unfragmentable part */
#define XDPVS_FRAG_HEADROOM 256		/* for tunnel headers */

struct xdpvs_frag_slot {
	bool used;
	bool first_in;		/* offset 0 came */
	bool last_in;		/* the fragment without MF came */
	bool ce;		/* some fragment was ECN CE */
	bool cuts_lost;		/* more boundaries than cuts[] holds */
	uint8_t af;
	uint8_t proto;		/* IPv4: the header's; IPv6: 0 */
	uint8_t nexthdr;	/* IPv6: the first fragment's next header */
	uint8_t l2len;
	uint32_t id;
	union xdpvs_addr saddr, daddr;
	uint64_t expires;
	uint32_t len;		/* payload bytes, as far as known */
	uint32_t have;		/* payload bytes received */
	uint16_t max_size;	/* largest fragment, IP packet bytes */
	uint16_t max_df_size;	/* IPv4: largest fragment with DF */
	uint16_t hlen;		/* first fragment's header, unfragmentable */
	uint16_t nh_off;	/* IPv6: byte of hdr naming the fragment hdr */
	uint16_t ncuts;
	uint16_t cuts[XDPVS_FRAG_CUTS];	/* offsets where fragments began */
	uint8_t l2[XDPVS_FRAG_L2_MAX];
	uint8_t hdr[XDPVS_FRAG_HDR_MAX];
	uint8_t map[XDPVS_FRAG_MAX / 64 + 1];	/* 8-byte units received */
	uint8_t data[XDPVS_FRAG_MAX];
};

struct xdpvs_frag_txq {
	uint32_t off, len, ifindex;
};

struct xdpvs_frag_tab {
	struct xdpvs_frag_slot slots[XDPVS_FRAG_SLOTS];
	uint32_t nr_used;
	uint32_t ip6_id;		/* IDs of the IPv6 fragments we make */
	/* The datagram in progress: its fragmentation, the caller's frame. */
	uint32_t dg_len;		/* payload bytes */
	uint16_t dg_max;		/* largest fragment */
	uint16_t dg_ncuts;
	bool dg_cuts_lost;
	uint16_t dg_cuts[XDPVS_FRAG_CUTS];
	uint8_t *orig;			/* caller's buffer */
	uint32_t orig_size, orig_headroom;
	uint8_t dgram[XDPVS_FRAG_HEADROOM + XDPVS_FRAG_L2_MAX +
		      XDPVS_FRAG_HDR_MAX + XDPVS_FRAG_MAX + 64];
	struct xdpvs_frag_txq q[XDPVS_TXQ_FRAMES];
	uint8_t qbuf[XDPVS_TXQ_BYTES];
};

/* The table, allocated on first use; NULL if memory ran out. */
struct xdpvs_frag_tab *xdpvs_frag_tab(struct xdpvs_engine *e);
void xdpvs_frag_free(struct xdpvs_engine *e);
/* Start of a packet: nothing queued, nothing to fragment. */
static inline void xdpvs_frag_reset(struct xdpvs_frag_out *o)
{
	o->split = o->reasm = o->refrag = false;
	o->link_mtu = 0;
	o->next = o->nq = 0;
}
/* Drop the datagrams not complete in time (called once a second). */
void xdpvs_frag_expire(struct xdpvs_engine *e, uint64_t now);

/* A fragment for the balancer?  (VIP, or source a NAT real server.) */
bool xdpvs_frag_is_ours(struct xdpvs_engine *e, const struct xdpvs_pkt *p);
/* An IPv6 "atomic fragment" (offset 0, no more): a whole packet. */
bool xdpvs_frag_is_atomic(const struct xdpvs_pkt *p);

/*
 * Keep fragment p until its datagram is whole (XDPVS_HOLD), then run the
 * datagram through the packet path and return its verdict; after
 * XDPVS_TX, f is the frame out (in the engine's memory until
 * xdpvs_frag_output() brings it back into the caller's buffer).
 */
enum xdpvs_verdict xdpvs_frag_input(struct xdpvs_engine *e,
				    struct xdpvs_pkt *p, struct xdpvs_frame *f);

/*
 * For the reassembled datagram p: its largest fragment (IP packet bytes),
 * which IPv6 compares with the MTU instead of the datagram's length; 0
 * for any other packet.
 */
uint32_t xdpvs_frag_max_size(const struct xdpvs_engine *e);

/* An ICMP error we generate goes out whole. */
static inline void xdpvs_frag_cancel(struct xdpvs_frag_out *o)
{
	o->split = o->refrag = false;
}

/*
 * The frame f is ready to go: fragment it if asked, and bring it back
 * into the caller's buffer if it was reassembled.  XDPVS_TX, or
 * XDPVS_DROP (counted).
 */
enum xdpvs_verdict xdpvs_frag_output(struct xdpvs_engine *e,
				     struct xdpvs_frame *f);

#endif
