// SPDX-License-Identifier: GPL-2.0-only
/*
 * gen-xdpvs: write the datagrams xd-*.bin, made with xdpvs's encoder
 * (core/sync_msg.c), that record2.sh feeds to a kernel backup: kinds of
 * records the kernel master of record.sh did not send (sequence data in
 * both versions, SCTP, an IPv6 template, a timeout of our choosing), and
 * malformed ones, each record with its own client port, so the kernel's
 * listing shows which it took.  Not part of the build:
 *
 *   cc -Iinclude -I. -D_GNU_SOURCE tests/data/sync/gen-xdpvs.c \
 *      build/libxdpvs.a -o /tmp/gen-xdpvs && /tmp/gen-xdpvs DIR
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/sync_msg.h"

static uint8_t data[XDPVS_SYNC_BUF_SIZE(1472)];
static const char *dir;

static void rec(struct xdpvs_sync_rec *r, int af, int proto, const char *c,
		int cport, const char *v, int vport, const char *d, int dport,
		int state, uint32_t flags, uint32_t timeout)
{
	struct xdpvs_conn_info *ci = &r->ci;

	memset(r, 0, sizeof(*r));
	ci->af = ci->daf = (uint16_t)af;
	ci->protocol = (uint16_t)proto;
	inet_pton(af, c, &ci->caddr);
	inet_pton(af, v, &ci->vaddr);
	inet_pton(af, d, &ci->daddr);
	ci->cport = htons((uint16_t)cport);
	ci->vport = htons((uint16_t)vport);
	ci->dport = htons((uint16_t)dport);
	ci->state = (uint16_t)state;
	ci->flags = flags;
	ci->timeout = timeout;
	r->wire_flags = flags;
}

static void put(const char *name, const uint8_t *buf, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void add(struct xdpvs_sync_buf *b, const struct xdpvs_sync_rec *r)
{
	if (xdpvs_sync_buf_add(b, r)) {
		fprintf(stderr, "cannot add\n");
		exit(1);
	}
}

#define V4 AF_INET, IPPROTO_TCP, "198.18.0.2"
#define RS1 "198.18.1.2"

/* A v1 message of TCP ES records to 198.18.100.1:80 -> rs1, client
 * ports from cport on, n of them. */
static void good_tcp(struct xdpvs_sync_buf *b, int cport, int n)
{
	struct xdpvs_sync_rec r;

	while (n--) {
		rec(&r, V4, cport++, "198.18.100.1", 80, RS1, 80, 1, 0, 900);
		add(b, &r);
	}
}

int main(int argc, char **argv)
{
	struct xdpvs_sync_buf b;
	struct xdpvs_sync_rec r;
	uint8_t m[2048];

	dir = argc > 1 ? argv[1] : ".";
	/* v1: what the kernel master did not send */
	xdpvs_sync_buf_init(&b, data, 1472, 1, 9);
	rec(&r, V4, 6001, "198.18.100.1", 80, RS1, 80, 1,
	    XDPVS_CONN_F_IN_SEQ | XDPVS_CONN_F_OUT_SEQ, 900);
	r.has_seq = true;
	r.in_seq = (struct xdpvs_sync_seq){ 1000, 5, 0 };
	r.out_seq = (struct xdpvs_sync_seq){ 2000, (uint32_t)-5, 0 };
	add(&b, &r);
	rec(&r, AF_INET, IPPROTO_SCTP, "198.18.0.2", 6002, "198.18.100.8",
	    3868, RS1, 3868, 8, 0, 900);
	add(&b, &r);
	rec(&r, AF_INET6, IPPROTO_TCP, "2001:db8::2", 0, "2001:db8:100::2",
	    443, "2001:db8:1::2", 443, 1,
	    XDPVS_CONN_F_TEMPLATE | XDPVS_CONN_F_INACTIVE, 120);
	add(&b, &r);
	rec(&r, AF_INET6, IPPROTO_TCP, "2001:db8::2", 6003, "2001:db8:100::2",
	    443, "2001:db8:1::2", 443, 1, 0, 900);
	add(&b, &r);
	rec(&r, V4, 6004, "198.18.100.5", 80, RS1, 80, 1, 0, 900);
	r.ci.fwmark = 1;
	add(&b, &r);
	rec(&r, V4, 6005, "198.18.100.1", 80, "198.18.2.2", 80, 4,
	    XDPVS_CONN_F_INACTIVE, 77);
	add(&b, &r);
	put("xd-v1-kinds.bin", data, b.len);

	/* v0 with sequence data, and a template */
	xdpvs_sync_buf_init(&b, data, 1472, 0, 9);
	rec(&r, V4, 6010, "198.18.100.1", 80, RS1, 80, 1,
	    XDPVS_CONN_F_IN_SEQ, 0);
	r.has_seq = true;
	r.in_seq = (struct xdpvs_sync_seq){ 3000, 7, 1 };
	add(&b, &r);
	rec(&r, V4, 0, "198.18.100.2", 443, RS1, 443, 0,
	    XDPVS_CONN_F_TEMPLATE | XDPVS_CONN_F_INACTIVE, 0);
	inet_pton(AF_INET, "198.18.0.11", &r.ci.caddr);
	add(&b, &r);
	put("xd-v0-kinds.bin", data, b.len);

	/* a full v1 message: 40 records of 36 bytes in 1472 */
	xdpvs_sync_buf_init(&b, data, 1472, 1, 9);
	good_tcp(&b, 6100, 40);
	put("xd-v1-full.bin", data, b.len);

	/* malformed: 6201 has an unknown mandatory option (skipped), 6202
	 * is fine */
	xdpvs_sync_buf_init(&b, data, 1472, 1, 9);
	good_tcp(&b, 6201, 2);
	memcpy(m, data, b.len);
	memmove(m + 8 + 40, m + 8 + 36, 36);
	m[8 + 36] = 9;		/* type 9, length 1, one byte, pad */
	m[8 + 37] = 1;
	m[8 + 38] = 0;
	m[8 + 39] = 0;
	m[8 + 3] = 39;		/* its size: 36 + 3 */
	m[3] = 8 + 40 + 36;
	put("xd-bad-unknown-opt.bin", m, 8 + 40 + 36);
	/* three announced, two there: 6211, 6212 taken */
	xdpvs_sync_buf_init(&b, data, 1472, 1, 9);
	good_tcp(&b, 6211, 2);
	data[4] = 3;
	put("xd-bad-count.bin", data, b.len);
	/* ONE_PACKET (6221) and state 11 (6222) skipped, 6223 taken */
	xdpvs_sync_buf_init(&b, data, 1472, 1, 9);
	good_tcp(&b, 6221, 3);
	data[8 + 6] |= XDPVS_CONN_F_ONE_PACKET >> 8;
	data[8 + 36 + 9] = 11;
	put("xd-bad-flags-state.bin", data, b.len);
	/* a record version 1 in the middle: 6231 taken, the rest lost */
	xdpvs_sync_buf_init(&b, data, 1472, 1, 9);
	good_tcp(&b, 6231, 3);
	data[8 + 36 + 2] |= 0x10;
	put("xd-bad-version.bin", data, b.len);
	/* size field one too big: nothing (6241) */
	xdpvs_sync_buf_init(&b, data, 1472, 1, 9);
	good_tcp(&b, 6241, 1);
	data[3]++;
	put("xd-bad-size.bin", data, b.len);
	/* PE data without a name (6251, a template), then 6252 */
	xdpvs_sync_buf_init(&b, data, 1472, 1, 9);
	rec(&r, V4, 6251, "198.18.100.6", 5060, "198.18.2.2", 5060, 0,
	    XDPVS_CONN_F_TEMPLATE | XDPVS_CONN_F_INACTIVE, 60);
	r.ci.protocol = IPPROTO_UDP;
	r.ci.pe_data_len = 4;
	memcpy(r.ci.pe_data, "call", 4);
	add(&b, &r);
	good_tcp(&b, 6252, 1);
	put("xd-bad-pe-noname.bin", data, b.len);
	return 0;
}
