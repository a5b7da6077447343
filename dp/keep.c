// SPDX-License-Identifier: GPL-2.0-only
/*
 * The saved connections of a kept data path (keep.h): a stream of
 * records in the 4 KiB values of a pinned BPF array, so that it lives in
 * the bpf filesystem with the maps it belongs to, and costs what it
 * holds.
 */
#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include <xdpvs/flow.h>

#include "daemon/log.h"
#include "keep.h"

#define KEEP_PAGE	4096
#define KEEP_MAGIC	0x4b535658	/* "XVSK" */
#define KEEP_VERSION	2	/* 1: records without gen (read too) */

struct keep_head {
	uint32_t magic;
	uint32_t version;
	uint32_t count;
	uint32_t prog;		/* dp_xdp_prog_hash() of the program left
				 * attached; 0 from builds before it */
	uint64_t seed;
	uint64_t saved_at;	/* ns, CLOCK_MONOTONIC */
	uint64_t len;		/* bytes of stream, this header included */
};

/* One connection; followed by pe_name_len + pe_data_len bytes.  A
 * version 1 record ends before gen. */
struct keep_rec {
	uint16_t af, daf, protocol, state;
	union xdpvs_addr caddr, vaddr, daddr;
	uint16_t cport, vport, dport;
	uint8_t pe_name_len, pe_data_len;
	uint32_t fwmark, flags, expires_ms;
	uint32_t gen;
};
#define KEEP_REC_V1	offsetof(struct keep_rec, gen)

static void keep_path(char *buf, size_t size, const char *bpffs)
{
	snprintf(buf, size, "%s/%s/%s", bpffs, XDPVS_PIN_DIR, DP_KEEP_MAP);
}

/* The stream for c: a new buffer (*len bytes), or NULL. */
static uint8_t *keep_stream(const struct xdpvs_conn_info *c, int n,
			    uint64_t seed, uint32_t prog, uint64_t now,
			    size_t *len)
{
	size_t cap = sizeof(struct keep_head) +
		     (size_t)n * (sizeof(struct keep_rec) +
				  XDPVS_PENAME_MAXLEN + XDPVS_PEDATA_MAXLEN);
	uint8_t *b = malloc(cap), *p;
	struct keep_head h = { .magic = KEEP_MAGIC, .version = KEEP_VERSION,
			       .count = (uint32_t)n, .prog = prog,
			       .seed = seed, .saved_at = now };
	int i;

	if (!b)
		return NULL;
	p = b + sizeof(h);
	for (i = 0; i < n; i++) {
		struct keep_rec r = {
			.af = c[i].af, .daf = c[i].daf,
			.protocol = c[i].protocol, .state = c[i].state,
			.caddr = c[i].caddr, .vaddr = c[i].vaddr,
			.daddr = c[i].daddr, .cport = c[i].cport,
			.vport = c[i].vport, .dport = c[i].dport,
			.fwmark = c[i].fwmark, .flags = c[i].flags,
			.expires_ms = c[i].expires_ms, .gen = c[i].gen,
			.pe_name_len = (uint8_t)strnlen(c[i].pe_name,
							XDPVS_PENAME_MAXLEN - 1),
			.pe_data_len = (uint8_t)strnlen(c[i].pe_data,
							XDPVS_PEDATA_MAXLEN),
		};

		memcpy(p, &r, sizeof(r));
		p += sizeof(r);
		memcpy(p, c[i].pe_name, r.pe_name_len);
		p += r.pe_name_len;
		memcpy(p, c[i].pe_data, r.pe_data_len);
		p += r.pe_data_len;
	}
	h.len = (uint64_t)(p - b);
	memcpy(b, &h, sizeof(h));
	*len = (size_t)h.len;
	return b;
}

int dp_keep_save(const char *bpffs, const struct xdpvs_conn_info *c, int n,
		 uint64_t seed, uint32_t prog, uint64_t now)
{
	char path[PATH_MAX + 32];
	size_t len, off;
	uint32_t pages, k;
	uint8_t *b = keep_stream(c, n, seed, prog, now, &len),
		page[KEEP_PAGE];
	int fd, err = 0;

	if (!b)
		return -ENOMEM;
	pages = (uint32_t)((len + KEEP_PAGE - 1) / KEEP_PAGE);
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, DP_KEEP_MAP, sizeof(uint32_t),
			    KEEP_PAGE, pages, NULL);
	if (fd < 0) {
		err = -errno;
		free(b);
		return err;
	}
	for (k = 0; k < pages && !err; k++) {
		off = (size_t)k * KEEP_PAGE;
		memset(page, 0, sizeof(page));
		memcpy(page, b + off, len - off < KEEP_PAGE ? len - off :
							      KEEP_PAGE);
		if (bpf_map_update_elem(fd, &k, page, BPF_ANY))
			err = -errno;
	}
	keep_path(path, sizeof(path), bpffs);
	unlink(path);
	if (!err && bpf_obj_pin(fd, path))
		err = -errno;
	close(fd);
	free(b);
	return err;
}

uint32_t dp_keep_prog(const char *bpffs)
{
	char path[PATH_MAX + 32];
	uint8_t page[KEEP_PAGE];
	struct keep_head h;
	uint32_t k = 0;
	int fd;

	keep_path(path, sizeof(path), bpffs);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (bpf_map_lookup_elem(fd, &k, page))
		memset(page, 0, sizeof(page));
	close(fd);
	memcpy(&h, page, sizeof(h));
	return h.magic == KEEP_MAGIC ? h.prog : 0;
}

bool dp_keep_found(const char *bpffs)
{
	char path[PATH_MAX + 32];

	keep_path(path, sizeof(path), bpffs);
	return access(path, F_OK) == 0;
}

/* Read the whole stream of map fd into a new buffer. */
static int keep_read(int fd, uint8_t **out, struct keep_head *h)
{
	uint8_t page[KEEP_PAGE], *b;
	uint32_t k = 0, pages;

	if (bpf_map_lookup_elem(fd, &k, page))
		return -errno;
	memcpy(h, page, sizeof(*h));
	if (h->magic != KEEP_MAGIC || h->version < 1 ||
	    h->version > KEEP_VERSION || h->len < sizeof(*h) ||
	    h->len > (1ULL << 32))
		return -EINVAL;
	pages = (uint32_t)((h->len + KEEP_PAGE - 1) / KEEP_PAGE);
	b = malloc((size_t)pages * KEEP_PAGE);
	if (!b)
		return -ENOMEM;
	for (k = 0; k < pages; k++) {
		if (bpf_map_lookup_elem(fd, &k, b + (size_t)k * KEEP_PAGE)) {
			free(b);
			return -errno;
		}
	}
	*out = b;
	return 0;
}

/* Parse the records of b into k; time left less elapsed ms. */
static int keep_parse(const uint8_t *b, const struct keep_head *h,
		      uint64_t elapsed_ms, struct dp_kept *k)
{
	const uint8_t *p = b + sizeof(*h), *end = b + h->len;
	size_t rlen = h->version == 1 ? KEEP_REC_V1 : sizeof(struct keep_rec);
	uint32_t i;

	k->conns = calloc(h->count ? h->count : 1, sizeof(*k->conns));
	if (!k->conns)
		return -ENOMEM;
	for (i = 0; i < h->count; i++) {
		struct xdpvs_conn_info *c = &k->conns[i];
		struct keep_rec r = { 0 };

		if (p + rlen > end)
			return -EINVAL;
		memcpy(&r, p, rlen);
		p += rlen;
		if (p + r.pe_name_len + r.pe_data_len > end ||
		    r.pe_name_len >= XDPVS_PENAME_MAXLEN)
			return -EINVAL;
		c->af = r.af;
		c->daf = r.daf;
		c->protocol = r.protocol;
		c->state = r.state;
		c->caddr = r.caddr;
		c->vaddr = r.vaddr;
		c->daddr = r.daddr;
		c->cport = r.cport;
		c->vport = r.vport;
		c->dport = r.dport;
		c->fwmark = r.fwmark;
		c->flags = r.flags;
		c->gen = r.gen;
		c->expires_ms = r.expires_ms > elapsed_ms + 1 ?
					(uint32_t)(r.expires_ms - elapsed_ms) :
					1;
		memcpy(c->pe_name, p, r.pe_name_len);
		p += r.pe_name_len;
		memcpy(c->pe_data, p, r.pe_data_len);
		p += r.pe_data_len;
	}
	k->n = (int)h->count;
	k->seed = h->seed;
	return 0;
}

int dp_keep_load(const char *bpffs, uint64_t now, struct dp_kept *k)
{
	char path[PATH_MAX + 32];
	struct keep_head h = { 0 };
	uint8_t *b = NULL;
	int fd, err;

	memset(k, 0, sizeof(*k));
	keep_path(path, sizeof(path), bpffs);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	err = keep_read(fd, &b, &h);
	close(fd);
	unlink(path);
	if (!err)
		err = keep_parse(b, &h, now > h.saved_at ?
					(now - h.saved_at) / 1000000 : 0, k);
	free(b);
	if (err) {
		free(k->conns);
		memset(k, 0, sizeof(*k));
	}
	return err;
}
