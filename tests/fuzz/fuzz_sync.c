// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz harness for the backup's side of connection synchronisation:
 * arbitrary bytes as a received datagram through xdpvs_sync_msg_decode()
 * (core/sync_msg.c), and what it takes through xdpvs_sync_apply() into an
 * engine with services like those of tests/data/sync/record.sh.
 *
 * Input: one control byte, then the datagram (in a buffer of exactly its
 * size, so ASan sees any over-read).  Control bits 0-1: the backup's sync
 * id (0, the datagram's own, another one, 255); bit 2: apply what is
 * taken to the engine; bits 3-5: how far the clock moves after applying.
 *
 * Invariants (abort() if broken):
 *  - what is taken is as a backup must take it: a known family, flags
 *    masked with the backup mask plus SYNC, never ONE_PACKET nor a
 *    NO_CPORT template, a state its protocol has, PE data only with a
 *    PE name; with another sync id nothing is taken;
 *  - every record taken encodes again (version 1) and decodes back to
 *    the same record (less the HASHED flag, which no sender sends);
 *  - the counters add up: datagrams 1, records taken as returned;
 *  - applying returns 0, -ENOENT (unknown persistence engine) or -ENOSPC
 *    (table full), never -EINVAL for what the decoder let through; no
 *    real server's counters go negative; the table stays within its
 *    capacity.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <xdpvs/engine.h>

#include "../../core/sync_msg.h"
#include "fuzz.h"

#define FZ_CONN_MAX 64
#define FZ_NS(s) ((uint64_t)((s) * 1e9))

struct fz {
	struct xdpvs_engine *e;
	bool apply;
	int taken;
	struct xdpvs_sync_buf b;
	uint8_t data[XDPVS_SYNC_BUF_SIZE(65507)];
	struct xdpvs_sync_rec recs[256];
};

/* ---- the engine ---- */

static void fz_addr(int af, const char *s, union xdpvs_addr *a)
{
	memset(a, 0, sizeof(*a));
	fz_assert(inet_pton(af, s, a) == 1, "%s", s);
}

static void fz_svc(struct xdpvs_engine *e, int af, int proto,
		   const char *vip, int port, uint32_t fwmark,
		   uint32_t timeout, const char *pe, const char *rs, int rport,
		   uint32_t method)
{
	struct xdpvs_svc_conf s = {
		.af = (uint16_t)af, .protocol = (uint16_t)proto,
		.port = htons((uint16_t)port), .fwmark = fwmark,
		.sched_name = "rr", .timeout = timeout,
		.flags = timeout ? XDPVS_SVC_F_PERSISTENT : 0,
		.netmask = af == AF_INET6 ? 128 : 0xffffffff,
	};
	struct xdpvs_dest_conf d = {
		.af = (uint16_t)af, .port = htons((uint16_t)rport),
		.conn_flags = method, .weight = 1,
	};

	if (vip)
		fz_addr(af, vip, &s.addr);
	snprintf(s.pe_name, sizeof(s.pe_name), "%s", pe);
	fz_addr(af, rs, &d.addr);
	fz_assert(xdpvs_svc_add(e, &s) == 0, "svc %s", vip ? vip : "fwm");
	fz_assert(xdpvs_dest_add(e, &s, &d) == 0, "dest %s", rs);
}

static struct xdpvs_engine *fz_engine(void)
{
	struct xdpvs_engine_params p = { .conn_max = FZ_CONN_MAX, .seed = 1 };
	struct xdpvs_engine *e = xdpvs_engine_new(&p);

	fz_assert(e, "engine");
	fz_svc(e, AF_INET, IPPROTO_TCP, "198.18.100.1", 80, 0, 0, "",
	       "198.18.2.2", 80, XDPVS_CONN_F_MASQ);
	fz_svc(e, AF_INET, IPPROTO_UDP, "198.18.100.1", 53, 0, 0, "",
	       "198.18.1.2", 53, XDPVS_CONN_F_MASQ);
	fz_svc(e, AF_INET, IPPROTO_TCP, "198.18.100.2", 443, 0, 300, "",
	       "198.18.2.2", 443, XDPVS_CONN_F_MASQ);
	fz_svc(e, AF_INET, IPPROTO_TCP, "198.18.100.3", 80, 0, 0, "",
	       "198.18.1.2", 80, XDPVS_CONN_F_DROUTE);
	fz_svc(e, AF_INET, IPPROTO_TCP, NULL, 0, 1, 60, "", "198.18.1.2", 80,
	       XDPVS_CONN_F_MASQ);
	fz_svc(e, AF_INET6, IPPROTO_TCP, "2001:db8:100::1", 80, 0, 0, "",
	       "2001:db8:1::2", 80, XDPVS_CONN_F_MASQ);
	fz_svc(e, AF_INET, IPPROTO_UDP, "198.18.100.6", 5060, 0, 60, "sip",
	       "198.18.2.2", 5060, XDPVS_CONN_F_MASQ);
	fz_svc(e, AF_INET, IPPROTO_SCTP, "198.18.100.8", 3868, 0, 0, "",
	       "198.18.1.2", 3868, XDPVS_CONN_F_MASQ);
	xdpvs_sync_set(e, XDPVS_SYNC_STATE_BACKUP, NULL, NULL);
	xdpvs_engine_tick(e, FZ_NS(1));
	return e;
}

/* ---- the records ---- */

static void fz_check_rec(const struct xdpvs_sync_rec *r)
{
	const struct xdpvs_conn_info *ci = &r->ci;
	uint32_t f = r->wire_flags;

	fz_assert(ci->af == AF_INET || ci->af == AF_INET6, "af %u", ci->af);
	fz_assert(ci->daf == ci->af, "daf");
	fz_assert(ci->flags == ((f & XDPVS_CONN_F_BACKUP_MASK) |
				XDPVS_CONN_F_SYNC), "flags %x", ci->flags);
	fz_assert(!(f & XDPVS_CONN_F_ONE_PACKET), "one-packet");
	fz_assert(!((f & XDPVS_CONN_F_TEMPLATE) &&
		    (f & XDPVS_CONN_F_NO_CPORT)), "no-cport template");
	if (f & XDPVS_CONN_F_TEMPLATE)
		fz_assert(ci->state < 2, "template state %u", ci->state);
	else if (ci->protocol == IPPROTO_TCP)
		fz_assert(ci->state < 11, "tcp state %u", ci->state);
	else if (ci->protocol == IPPROTO_UDP)
		fz_assert(ci->state < 1, "udp state %u", ci->state);
	else
		fz_assert(ci->protocol == IPPROTO_SCTP && ci->state < 14,
			  "protocol %u state %u", ci->protocol, ci->state);
	fz_assert(memchr(ci->pe_name, 0, sizeof(ci->pe_name)), "pe_name");
	fz_assert(!ci->pe_data_len || ci->pe_name[0], "pe data, no name");
	fz_assert(ci->pe_data_len || !ci->pe_name[0], "pe name, no data");
}

static void fz_take(void *ctx, const struct xdpvs_sync_rec *r)
{
	struct fz *z = ctx;
	int rc;

	fz_check_rec(r);
	fz_assert(z->taken < 256, "more than 255 records");
	z->recs[z->taken++] = *r;
	if (!z->apply)
		return;
	rc = xdpvs_sync_apply(z->e, &r->ci);
	fz_assert(rc == 0 || rc == -ENOENT || rc == -ENOSPC, "apply %d", rc);
}

static void fz_same(const struct xdpvs_sync_rec *a,
		    const struct xdpvs_sync_rec *b)
{
	const struct xdpvs_conn_info *x = &a->ci, *y = &b->ci;
	bool seq = a->wire_flags & XDPVS_CONN_F_SEQ_MASK;

	fz_assert(x->af == y->af && x->protocol == y->protocol &&
		  x->state == y->state && x->cport == y->cport &&
		  x->vport == y->vport && x->dport == y->dport &&
		  x->fwmark == y->fwmark && x->timeout == y->timeout &&
		  /* a sender never sends HASHED */
		  (a->wire_flags & ~XDPVS_CONN_F_HASHED) == b->wire_flags &&
		  x->flags == y->flags, "fields");
	fz_assert(!memcmp(&x->caddr, &y->caddr, sizeof(x->caddr)) &&
		  !memcmp(&x->vaddr, &y->vaddr, sizeof(x->vaddr)) &&
		  !memcmp(&x->daddr, &y->daddr, sizeof(x->daddr)), "addrs");
	fz_assert(x->pe_data_len == y->pe_data_len &&
		  !memcmp(x->pe_data, y->pe_data, x->pe_data_len) &&
		  !strcmp(x->pe_name, y->pe_name), "pe");
	/* sequence data goes with the flags that ask for it */
	fz_assert(b->has_seq == seq, "seq");
	if (seq && a->has_seq)
		fz_assert(!memcmp(&a->in_seq, &b->in_seq, sizeof(a->in_seq)) &&
			  !memcmp(&a->out_seq, &b->out_seq,
				  sizeof(a->out_seq)), "seq data");
}

/* Records first..i-1 went into z->b: they decode to the same. */
static void fz_check_back(struct fz *z, int first, int i)
{
	static struct fz back;
	struct xdpvs_sync_counters c = { 0 };
	int n, j;

	memset(&back, 0, offsetof(struct fz, data));
	n = xdpvs_sync_msg_decode(z->data, z->b.len, 7, fz_take, &back, &c);
	fz_assert(n == i - first, "%d back of %d", n, i - first);
	for (j = 0; j < n; j++)
		fz_same(&z->recs[first + j], &back.recs[j]);
}

/* What was taken, encoded again (as many messages as it takes),
 * decodes to the same. */
static void fz_round_trip(struct fz *z)
{
	int i, first = 0, rc;

	xdpvs_sync_buf_init(&z->b, z->data, 65507, 1, 7);
	for (i = 0; i < z->taken; i++) {
		struct xdpvs_sync_rec r = z->recs[i];

		r.ci.flags = r.wire_flags;
		rc = xdpvs_sync_buf_add(&z->b, &r);
		if (rc == -ENOSPC) {
			fz_check_back(z, first, i);
			first = i;
			xdpvs_sync_buf_init(&z->b, z->data, 65507, 1, 7);
			rc = xdpvs_sync_buf_add(&z->b, &r);
		}
		fz_assert(rc == 0, "encode %d: %d", i, rc);
	}
	fz_check_back(z, first, i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const double steps[8] = { 0, 1, 10, 61, 121, 301, 901, 3600 };
	static struct fz z;
	struct xdpvs_sync_counters c = { 0 };
	uint8_t *buf, syncid = 0;
	size_t len;
	int n, i;

	if (size < 1)
		return 0;
	buf = fz_payload(data, size, &len);
	memset(&z, 0, offsetof(struct fz, data));
	z.apply = data[0] & 4;
	z.e = z.apply ? fz_engine() : NULL;
	if (len >= 2)
		syncid = (uint8_t[]){ 0, buf[1], (uint8_t)(buf[1] + 1),
				      255 }[data[0] & 3];
	n = xdpvs_sync_msg_decode(buf, len, syncid, fz_take, &z, &c);
	fz_assert(n == z.taken && c.conns == (uint64_t)n && c.msgs == 1,
		  "counts %d %d", n, z.taken);
	if (len >= 2 && syncid && syncid != buf[1])
		fz_assert(n == 0, "another sync id taken");
	for (i = 0; i < XDPVS_SYNC_DROP_APPLY; i++)
		fz_assert(c.drops[i] <= 256, "drops");
	free(buf);
	fz_round_trip(&z);
	if (z.e) {
		fz_check_engine(z.e, FZ_CONN_MAX);
		xdpvs_engine_tick(z.e, FZ_NS(1 + steps[(data[0] >> 3) & 7]));
		fz_check_engine(z.e, FZ_CONN_MAX);
		xdpvs_engine_free(z.e);
	}
	return 0;
}
