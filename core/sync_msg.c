// SPDX-License-Identifier: GPL-2.0-only
/*
 * Connection synchronisation messages (format in sync_msg.h), following
 * the kernel's ip_vs_sync.c: ip_vs_sync_conn() and ip_vs_sync_conn_v0()
 * for what a master appends to its current buffer, ip_vs_process_message()
 * and its helpers for what a backup takes from a datagram and in which
 * cases it drops one record or the rest of the datagram.
 *
 * Every read is bounds-checked against the datagram's length before it
 * is made; nothing here trusts a length field without checking it.
 */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "proto.h"
#include "sync_msg.h"

#define SYNC_PROTO_VER		1
#define SYNC_STYPE_F_INET6	0x01	/* record type bit 0 */
#define SYNC_SVER_SHIFT		12
#define SYNC_SVER_MASK		0x0fff
#define SYNC_OPT_SEQ_DATA	1
#define SYNC_OPT_PE_DATA	2
#define SYNC_OPT_PE_NAME	3
#define SYNC_OPT_F_PARAM	0x40	/* optional: skip if unknown */
#define SYNC_SEQ_LEN		24	/* two struct ip_vs_seq */
#define SYNC_CTPL_S_LAST	2	/* template states: NONE, ASSURED */

static const char *const sync_drop_names[XDPVS_SYNC_DROP_MAX] = {
	[XDPVS_SYNC_DROP_SHORT] = "short",
	[XDPVS_SYNC_DROP_SIZE] = "bad_size",
	[XDPVS_SYNC_DROP_SYNCID] = "other_syncid",
	[XDPVS_SYNC_DROP_TRUNCATED] = "truncated",
	[XDPVS_SYNC_DROP_VERSION] = "bad_version",
	[XDPVS_SYNC_DROP_TYPE] = "bad_type",
	[XDPVS_SYNC_DROP_REC_SIZE] = "bad_record_size",
	[XDPVS_SYNC_DROP_OPTION] = "bad_option",
	[XDPVS_SYNC_DROP_OPT_UNKNOWN] = "unknown_option",
	[XDPVS_SYNC_DROP_FLAGS] = "bad_flags",
	[XDPVS_SYNC_DROP_PROTO] = "bad_protocol",
	[XDPVS_SYNC_DROP_STATE] = "bad_state",
	[XDPVS_SYNC_DROP_PE] = "bad_pe",
	[XDPVS_SYNC_DROP_APPLY] = "not_applied",
};

const char *xdpvs_sync_drop_name(enum xdpvs_sync_drop d)
{
	return d < XDPVS_SYNC_DROP_MAX ? sync_drop_names[d] : "?";
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Version 0's sequence data: the sender's memory, little-endian (x86). */
static uint32_t get32le(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

static void put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void seq_put(uint8_t *p, const struct xdpvs_sync_seq *s, bool le)
{
	void (*put)(uint8_t *, uint32_t) = le ? put32le : put32;

	put(p, s->init_seq);
	put(p + 4, s->delta);
	put(p + 8, s->previous_delta);
}

static void seq_get(const uint8_t *p, struct xdpvs_sync_seq *s, bool le)
{
	uint32_t (*get)(const uint8_t *) = le ? get32le : get32;

	s->init_seq = get(p);
	s->delta = get(p + 4);
	s->previous_delta = get(p + 8);
}

/* ------------------------------------------------------------------
 * Encoding
 */

void xdpvs_sync_buf_init(struct xdpvs_sync_buf *b, uint8_t *data,
			 uint32_t maxlen, int version, uint8_t syncid)
{
	uint32_t hlen = version ? XDPVS_SYNC_HDR_V1 : XDPVS_SYNC_HDR_V0;

	memset(b, 0, sizeof(*b));
	b->data = data;
	b->maxlen = maxlen;
	b->version = version ? SYNC_PROTO_VER : 0;
	b->len = hlen;
	memset(data, 0, hlen);
	data[1] = syncid;
	put16(data + 2, hlen);
	if (version)
		data[5] = SYNC_PROTO_VER;
}

/* The PE name's length as the kernel sends it (strnlen of 16), or -1 if
 * a record should carry PE data it cannot name. */
static int sync_pe_name_len(const struct xdpvs_conn_info *ci)
{
	if (!ci->pe_data_len)
		return 0;
	return (int)strnlen(ci->pe_name, sizeof(ci->pe_name));
}

/* Bytes of r's v1 record (options included, padding not), or -1. */
static int sync_rec_len_v1(const struct xdpvs_sync_rec *r)
{
	const struct xdpvs_conn_info *ci = &r->ci;
	int len = ci->af == AF_INET6 ? XDPVS_SYNC_REC_V6 : XDPVS_SYNC_REC_V4;
	int pe_name_len = sync_pe_name_len(ci);

	if (ci->flags & XDPVS_CONN_F_SEQ_MASK)
		len += SYNC_SEQ_LEN + 2;
	if (ci->pe_data_len)
		len += ci->pe_data_len + 2;
	if (pe_name_len)
		len += pe_name_len + 2;
	return len;
}

/* Room left for a record of len bytes after pad bytes of padding;
 * fixes the message's room when it is the first record. */
static bool sync_buf_room(struct xdpvs_sync_buf *b, uint32_t pad,
			  uint32_t len)
{
	if (!b->nr_conns) {
		b->end = b->len + len > b->maxlen ? b->len + len : b->maxlen;
		return true;
	}
	/* nr_conns is 8 bits: the kernel would wrap it at 256. */
	return b->nr_conns < 255 && b->len + pad + len <= b->end;
}

/* Write r's v1 record at p (len bytes, room checked). */
static void sync_put_v1(uint8_t *p, const struct xdpvs_sync_rec *r,
			uint32_t len)
{
	const struct xdpvs_conn_info *ci = &r->ci;
	bool v6 = ci->af == AF_INET6;
	int pe_name_len = sync_pe_name_len(ci);
	size_t alen = v6 ? 16 : 4;

	memset(p, 0, len);
	p[0] = v6 ? SYNC_STYPE_F_INET6 : 0;
	p[1] = (uint8_t)ci->protocol;
	put16(p + 2, len & SYNC_SVER_MASK);	/* version 0 */
	put32(p + 4, ci->flags & ~XDPVS_CONN_F_HASHED);
	put16(p + 8, ci->state);
	memcpy(p + 10, &ci->cport, 2);
	memcpy(p + 12, &ci->vport, 2);
	memcpy(p + 14, &ci->dport, 2);
	put32(p + 16, ci->fwmark);
	put32(p + 20, ci->timeout);
	memcpy(p + 24, &ci->caddr, alen);
	memcpy(p + 24 + alen, &ci->vaddr, alen);
	memcpy(p + 24 + 2 * alen, &ci->daddr, alen);
	p += 24 + 3 * alen;
	if (ci->flags & XDPVS_CONN_F_SEQ_MASK) {
		*p++ = SYNC_OPT_SEQ_DATA;
		*p++ = SYNC_SEQ_LEN;
		seq_put(p, &r->in_seq, false);
		seq_put(p + 12, &r->out_seq, false);
		p += SYNC_SEQ_LEN;
	}
	if (ci->pe_data_len) {
		*p++ = SYNC_OPT_PE_DATA;
		*p++ = ci->pe_data_len;
		memcpy(p, ci->pe_data, ci->pe_data_len);
		p += ci->pe_data_len;
		if (pe_name_len) {
			*p++ = SYNC_OPT_PE_NAME;
			*p++ = (uint8_t)pe_name_len;
			memcpy(p, ci->pe_name, (size_t)pe_name_len);
		}
	}
}

static int sync_add_v1(struct xdpvs_sync_buf *b,
		       const struct xdpvs_sync_rec *r)
{
	int len = sync_rec_len_v1(r);
	uint32_t pad = (4 - (b->len & 3)) & 3;

	if (!sync_buf_room(b, pad, (uint32_t)len))
		return -ENOSPC;
	if (!b->nr_conns)
		pad = 0;	/* the header is 8 bytes: aligned */
	memset(b->data + b->len, 0, pad);
	sync_put_v1(b->data + b->len + pad, r, (uint32_t)len);
	b->len += pad + (uint32_t)len;
	return 0;
}

static int sync_add_v0(struct xdpvs_sync_buf *b,
		       const struct xdpvs_sync_rec *r)
{
	const struct xdpvs_conn_info *ci = &r->ci;
	bool seq = ci->flags & XDPVS_CONN_F_SEQ_MASK;
	uint32_t len = XDPVS_SYNC_REC_V0 + (seq ? SYNC_SEQ_LEN : 0);
	uint8_t *p;

	if (ci->af != AF_INET)
		return -EINVAL;
	if (!sync_buf_room(b, 0, len))
		return -ENOSPC;
	p = b->data + b->len;
	memset(p, 0, len);
	p[1] = (uint8_t)ci->protocol;
	memcpy(p + 2, &ci->cport, 2);
	memcpy(p + 4, &ci->vport, 2);
	memcpy(p + 6, &ci->dport, 2);
	memcpy(p + 8, &ci->caddr.ip, 4);
	memcpy(p + 12, &ci->vaddr.ip, 4);
	memcpy(p + 16, &ci->daddr.ip, 4);
	/* 16 bits on the wire: NFCT (bit 16) is lost, as in the kernel */
	put16(p + 20, ci->flags & ~XDPVS_CONN_F_HASHED & 0xffff);
	put16(p + 22, ci->state);
	if (seq) {
		seq_put(p + 24, &r->in_seq, true);
		seq_put(p + 36, &r->out_seq, true);
	}
	b->len += len;
	return 0;
}

int xdpvs_sync_buf_add(struct xdpvs_sync_buf *b,
		       const struct xdpvs_sync_rec *r)
{
	const struct xdpvs_conn_info *ci = &r->ci;
	int rc;

	if (ci->daf && ci->daf != ci->af)
		return -EINVAL;
	if (ci->af != AF_INET && ci->af != AF_INET6)
		return -EINVAL;
	rc = b->version ? sync_add_v1(b, r) : sync_add_v0(b, r);
	if (rc)
		return rc;
	b->nr_conns++;
	put16(b->data + 2, b->len);
	b->data[b->version ? 4 : 0] = b->nr_conns;
	return 0;
}

/* ------------------------------------------------------------------
 * Decoding
 */

/* A record's verdict: taken, skipped (that record), or the end of the
 * datagram.  The reason goes to the counters. */
enum sync_verdict { SYNC_TAKE, SYNC_SKIP, SYNC_STOP };

struct sync_dec {
	xdpvs_sync_rec_fn fn;
	void *ctx;
	struct xdpvs_sync_counters *c;
	int taken;
};

static enum sync_verdict sync_drop(struct sync_dec *d, enum xdpvs_sync_drop r,
				   enum sync_verdict v)
{
	d->c->drops[r]++;
	return v;
}

/*
 * The checks a record's flags and state pass (ip_vs_sync_validate_flags
 * and the protocol's number of states), and the backup's mask: sets
 * r->ci.flags.  SYNC_TAKE or SYNC_SKIP.
 */
static enum sync_verdict sync_check(struct sync_dec *d,
				    struct xdpvs_sync_rec *r)
{
	uint32_t flags = r->wire_flags;
	const struct xdpvs_proto *pp;

	if (((flags & XDPVS_CONN_F_NO_CPORT) &&
	     (flags & XDPVS_CONN_F_TEMPLATE)) ||
	    (flags & XDPVS_CONN_F_ONE_PACKET))
		return sync_drop(d, XDPVS_SYNC_DROP_FLAGS, SYNC_SKIP);
	flags = (flags & XDPVS_CONN_F_BACKUP_MASK) | XDPVS_CONN_F_SYNC;
	r->ci.flags = flags;
	if (flags & XDPVS_CONN_F_TEMPLATE) {
		if (r->ci.state >= SYNC_CTPL_S_LAST)
			return sync_drop(d, XDPVS_SYNC_DROP_STATE, SYNC_SKIP);
		return SYNC_TAKE;
	}
	pp = xdpvs_proto_get((uint8_t)r->ci.protocol);
	if (!pp)
		return sync_drop(d, XDPVS_SYNC_DROP_PROTO, SYNC_SKIP);
	if (r->ci.state >= pp->nr_states)
		return sync_drop(d, XDPVS_SYNC_DROP_STATE, SYNC_SKIP);
	return SYNC_TAKE;
}

/* Hand r on if it passes the checks; pe_bad: it brings PE data without
 * a PE name we could know (checked last, as fill_param_sync is). */
static void sync_take(struct sync_dec *d, struct xdpvs_sync_rec *r,
		      bool pe_bad)
{
	if (sync_check(d, r) != SYNC_TAKE)
		return;
	if (pe_bad) {
		sync_drop(d, XDPVS_SYNC_DROP_PE, SYNC_SKIP);
		return;
	}
	d->fn(d->ctx, r);
	d->taken++;
	d->c->conns++;
}

/* One option of a v1 record (ip_vs_proc_seqopt, ip_vs_proc_str). */
static enum sync_verdict sync_opt(struct sync_dec *d, struct xdpvs_sync_rec *r,
				  uint8_t type, const uint8_t *p, uint8_t plen,
				  uint32_t *seen)
{
	struct xdpvs_conn_info *ci = &r->ci;
	uint8_t t = type & ~SYNC_OPT_F_PARAM;
	uint32_t bit = t >= 1 && t <= 3 ? 1U << t : 0;

	if (bit && (*seen & bit))
		return sync_drop(d, XDPVS_SYNC_DROP_OPTION, SYNC_STOP);
	*seen |= bit;
	switch (t) {
	case SYNC_OPT_SEQ_DATA:
		if (plen != SYNC_SEQ_LEN)
			return sync_drop(d, XDPVS_SYNC_DROP_OPTION, SYNC_STOP);
		seq_get(p, &r->in_seq, false);
		seq_get(p + 12, &r->out_seq, false);
		r->has_seq = true;
		return SYNC_TAKE;
	case SYNC_OPT_PE_DATA:	/* plen <= 255 = XDPVS_PEDATA_MAXLEN */
		memcpy(ci->pe_data, p, plen);
		ci->pe_data_len = plen;
		return SYNC_TAKE;
	case SYNC_OPT_PE_NAME:
		if (plen > XDPVS_PENAME_MAXLEN)
			return sync_drop(d, XDPVS_SYNC_DROP_OPTION, SYNC_STOP);
		/* a name of 16 bytes names no engine we have: kept
		 * unterminated-free by truncation, refused below */
		memcpy(ci->pe_name, p,
		       plen < sizeof(ci->pe_name) ? plen
						  : sizeof(ci->pe_name) - 1);
		if (plen >= sizeof(ci->pe_name))
			*seen |= 1U << 8;
		return SYNC_TAKE;
	}
	if (!(type & SYNC_OPT_F_PARAM))
		return sync_drop(d, XDPVS_SYNC_DROP_OPT_UNKNOWN, SYNC_SKIP);
	return SYNC_TAKE;
}

/* A v1 record at p, msg_end bytes of it readable (ip_vs_proc_sync_conn;
 * the caller checked that the fixed IPv4 part is there). */
static enum sync_verdict sync_rec_v1(struct sync_dec *d, const uint8_t *p,
				     const uint8_t *msg_end)
{
	struct xdpvs_sync_rec r;
	struct xdpvs_conn_info *ci = &r.ci;
	enum sync_verdict v;
	uint32_t seen = 0;
	size_t alen;

	memset(&r, 0, sizeof(r));
	if (p[0] & SYNC_STYPE_F_INET6)
		ci->af = AF_INET6;
	else if (!p[0])
		ci->af = AF_INET;
	else
		return sync_drop(d, XDPVS_SYNC_DROP_TYPE, SYNC_STOP);
	alen = ci->af == AF_INET6 ? 16 : 4;
	if (msg_end - p < (ptrdiff_t)(24 + 3 * alen))
		return sync_drop(d, XDPVS_SYNC_DROP_REC_SIZE, SYNC_STOP);
	ci->daf = ci->af;
	ci->protocol = p[1];
	r.wire_flags = get32(p + 4);
	ci->state = get16(p + 8);
	memcpy(&ci->cport, p + 10, 2);
	memcpy(&ci->vport, p + 12, 2);
	memcpy(&ci->dport, p + 14, 2);
	ci->fwmark = get32(p + 16);
	ci->timeout = get32(p + 20);
	memcpy(&ci->caddr, p + 24, alen);
	memcpy(&ci->vaddr, p + 24 + alen, alen);
	memcpy(&ci->daddr, p + 24 + 2 * alen, alen);
	p += 24 + 3 * alen;
	while (p < msg_end) {
		uint8_t type, plen;

		if (msg_end - p < 2)
			return sync_drop(d, XDPVS_SYNC_DROP_OPTION, SYNC_STOP);
		type = p[0];
		plen = p[1];
		p += 2;
		if (!plen || msg_end - p < plen)
			return sync_drop(d, XDPVS_SYNC_DROP_OPTION, SYNC_STOP);
		v = sync_opt(d, &r, type, p, plen, &seen);
		/* an unknown mandatory option ends the record's reading */
		if (v != SYNC_TAKE)
			return v;
		p += plen;
	}
	if (!ci->pe_data_len)
		memset(ci->pe_name, 0, sizeof(ci->pe_name));
	/* a name is what comes before its first NUL, as the kernel reads
	 * it: an empty one names no engine */
	sync_take(d, &r, ci->pe_data_len &&
			 (!(seen & (1U << SYNC_OPT_PE_NAME)) ||
			  (seen & (1U << 8)) || !ci->pe_name[0]));
	return SYNC_TAKE;
}

static void sync_msg_v1(struct sync_dec *d, const uint8_t *buf, size_t len)
{
	const uint8_t *end = buf + len, *msg_end = buf + XDPVS_SYNC_HDR_V1;
	unsigned int i, nr_conns = buf[4];

	for (i = 0; i < nr_conns; i++) {
		const uint8_t *p = msg_end;
		uint16_t ver_size;
		unsigned int size;

		/* msg_end may be past end by the padding of the last */
		if (p > end || end - p < XDPVS_SYNC_REC_V4) {
			sync_drop(d, XDPVS_SYNC_DROP_TRUNCATED, SYNC_STOP);
			return;
		}
		ver_size = get16(p + 2);
		size = ver_size & SYNC_SVER_MASK;
		if (end - p < (ptrdiff_t)size) {
			sync_drop(d, XDPVS_SYNC_DROP_TRUNCATED, SYNC_STOP);
			return;
		}
		if (ver_size >> SYNC_SVER_SHIFT) {
			sync_drop(d, XDPVS_SYNC_DROP_VERSION, SYNC_STOP);
			return;
		}
		if (sync_rec_v1(d, p, p + size) == SYNC_STOP)
			return;
		msg_end = p + ((size + 3) & ~3U);
	}
}

/* Version 0 (ip_vs_process_message_v0). */
static void sync_msg_v0(struct sync_dec *d, const uint8_t *buf, size_t len)
{
	const uint8_t *p = buf + XDPVS_SYNC_HDR_V0, *end = buf + len;
	unsigned int i, nr_conns = buf[0];

	for (i = 0; i < nr_conns; i++) {
		struct xdpvs_sync_rec r;
		struct xdpvs_conn_info *ci = &r.ci;

		if (end - p < XDPVS_SYNC_REC_V0) {
			sync_drop(d, XDPVS_SYNC_DROP_TRUNCATED, SYNC_STOP);
			return;
		}
		memset(&r, 0, sizeof(r));
		ci->af = ci->daf = AF_INET;
		ci->protocol = p[1];
		memcpy(&ci->cport, p + 2, 2);
		memcpy(&ci->vport, p + 4, 2);
		memcpy(&ci->dport, p + 6, 2);
		memcpy(&ci->caddr.ip, p + 8, 4);
		memcpy(&ci->vaddr.ip, p + 12, 4);
		memcpy(&ci->daddr.ip, p + 16, 4);
		r.wire_flags = get16(p + 20);
		ci->state = get16(p + 22);
		if (r.wire_flags & XDPVS_CONN_F_SEQ_MASK) {
			if (end - p < XDPVS_SYNC_REC_V0 + SYNC_SEQ_LEN) {
				sync_drop(d, XDPVS_SYNC_DROP_TRUNCATED,
					  SYNC_STOP);
				return;
			}
			seq_get(p + 24, &r.in_seq, true);
			seq_get(p + 36, &r.out_seq, true);
			r.has_seq = true;
			p += SYNC_SEQ_LEN;
		}
		p += XDPVS_SYNC_REC_V0;
		sync_take(d, &r, false);
	}
}

int xdpvs_sync_msg_decode(const uint8_t *buf, size_t len, uint8_t syncid,
			  xdpvs_sync_rec_fn fn, void *ctx,
			  struct xdpvs_sync_counters *c)
{
	struct sync_dec d = { .fn = fn, .ctx = ctx, .c = c };

	c->msgs++;
	if (len < XDPVS_SYNC_HDR_V0) {
		c->drops[XDPVS_SYNC_DROP_SHORT]++;
		return 0;
	}
	if (len != get16(buf + 2)) {
		c->drops[XDPVS_SYNC_DROP_SIZE]++;
		return 0;
	}
	if (syncid && buf[1] != syncid) {
		c->drops[XDPVS_SYNC_DROP_SYNCID]++;
		return 0;
	}
	/* v1 iff version 1, reserved and spare 0: what a v0 receiver reads
	 * as nr_conns is 0 there, so it takes nothing from it. */
	if (len >= XDPVS_SYNC_HDR_V1 && buf[5] == SYNC_PROTO_VER && !buf[0] &&
	    !buf[6] && !buf[7])
		sync_msg_v1(&d, buf, len);
	else
		sync_msg_v0(&d, buf, len);
	return d.taken;
}
