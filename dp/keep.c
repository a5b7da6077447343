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

/* After the records, the counters' section (none from builds before). */
#define KEEP_STATS_MAGIC 0x53535658	/* "XVSS" */
struct keep_stats_head {
	uint32_t magic;
	uint32_t count;
};

/* After the counters, the configuration's section: len bytes of rules
 * (without a NUL). */
#define KEEP_CONFIG_MAGIC 0x43535658	/* "XVSC" */
struct keep_config_head {
	uint32_t magic;
	uint32_t len;
};

/* One service's, real server's or the totals' counters and rates. */
struct keep_stats_rec {
	uint8_t of;		/* enum dp_kept_stats_of */
	uint8_t af, protocol, daf;
	uint32_t fwmark;
	union xdpvs_addr vaddr, daddr;
	uint16_t vport, dport;
	uint32_t pad;
	struct xdpvs_stats st;
	struct xdpvs_rates rt;
};
_Static_assert(sizeof(struct keep_stats_rec) == 128, "saved counters ABI");

static void keep_path(char *buf, size_t size, const char *bpffs)
{
	snprintf(buf, size, "%s/%s/%s", bpffs, XDPVS_PIN_DIR, DP_KEEP_MAP);
}

/* The counters' section of k at p; past its end. */
static uint8_t *keep_put_stats(uint8_t *p, const struct dp_kept *k)
{
	struct keep_stats_head sh = { .magic = KEEP_STATS_MAGIC,
				      .count = (uint32_t)k->nstats };
	int i;

	memcpy(p, &sh, sizeof(sh));
	p += sizeof(sh);
	for (i = 0; i < k->nstats; i++) {
		const struct dp_kept_stats *s = &k->stats[i];
		struct keep_stats_rec r = {
			.of = (uint8_t)s->of, .af = (uint8_t)s->svc.af,
			.protocol = (uint8_t)s->svc.protocol,
			.daf = (uint8_t)s->dest.af, .fwmark = s->svc.fwmark,
			.vaddr = s->svc.addr, .daddr = s->dest.addr,
			.vport = s->svc.port, .dport = s->dest.port,
			.st = s->st, .rt = s->rt,
		};

		memcpy(p, &r, sizeof(r));
		p += sizeof(r);
	}
	return p;
}

/* The configuration's section of k at p; past its end. */
static uint8_t *keep_put_config(uint8_t *p, const struct dp_kept *k)
{
	struct keep_config_head ch = {
		.magic = KEEP_CONFIG_MAGIC,
		.len = k->config ? (uint32_t)strlen(k->config) : 0,
	};

	memcpy(p, &ch, sizeof(ch));
	p += sizeof(ch);
	if (ch.len)
		memcpy(p, k->config, ch.len);
	return p + ch.len;
}

uint8_t *dp_keep_stream(const struct dp_kept *k, uint32_t prog, uint64_t now,
		       size_t *len)
{
	size_t cap = sizeof(struct keep_head) +
		     (size_t)k->n * (sizeof(struct keep_rec) +
				     XDPVS_PENAME_MAXLEN +
				     XDPVS_PEDATA_MAXLEN) +
		     sizeof(struct keep_stats_head) +
		     (size_t)k->nstats * sizeof(struct keep_stats_rec) +
		     sizeof(struct keep_config_head) +
		     (k->config ? strlen(k->config) : 0);
	uint8_t *b = malloc(cap), *p;
	struct keep_head h = { .magic = KEEP_MAGIC, .version = KEEP_VERSION,
			       .count = (uint32_t)k->n, .prog = prog,
			       .seed = k->seed, .saved_at = now };
	const struct xdpvs_conn_info *c = k->conns;
	int i;

	if (!b)
		return NULL;
	p = b + sizeof(h);
	for (i = 0; i < k->n; i++) {
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
			/* the length, not strnlen: the data may hold a NUL */
			.pe_data_len = c[i].pe_data_len,
		};

		memcpy(p, &r, sizeof(r));
		p += sizeof(r);
		memcpy(p, c[i].pe_name, r.pe_name_len);
		p += r.pe_name_len;
		memcpy(p, c[i].pe_data, r.pe_data_len);
		p += r.pe_data_len;
	}
	p = keep_put_stats(p, k);
	p = keep_put_config(p, k);
	h.len = (uint64_t)(p - b);
	memcpy(b, &h, sizeof(h));
	*len = (size_t)h.len;
	return b;
}

int dp_keep_save(const char *bpffs, const struct dp_kept *kept, uint32_t prog,
		 uint64_t now)
{
	char path[PATH_MAX + 32];
	size_t len, off;
	uint32_t pages, k;
	uint8_t *b = dp_keep_stream(kept, prog, now, &len), page[KEEP_PAGE];
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

/* The header at the start of the avail bytes at b into *h; -EINVAL
 * unless it is one this build reads. */
static int keep_head_get(const uint8_t *b, size_t avail, struct keep_head *h)
{
	if (avail < sizeof(*h))
		return -EINVAL;
	memcpy(h, b, sizeof(*h));
	if (h->magic != KEEP_MAGIC || h->version < 1 ||
	    h->version > KEEP_VERSION || h->len < sizeof(*h) ||
	    h->len > (1ULL << 32))
		return -EINVAL;
	return 0;
}

/* Read the whole stream of map fd into a new buffer of *size bytes
 * (whole pages). */
static int keep_read(int fd, uint8_t **out, size_t *size)
{
	uint8_t page[KEEP_PAGE], *b;
	struct keep_head h;
	uint32_t k = 0, pages;

	if (bpf_map_lookup_elem(fd, &k, page))
		return -errno;
	if (keep_head_get(page, sizeof(page), &h))
		return -EINVAL;
	pages = (uint32_t)((h.len + KEEP_PAGE - 1) / KEEP_PAGE);
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
	*size = (size_t)pages * KEEP_PAGE;
	return 0;
}

/*
 * The counters' section from p (the end of the records) into k, if there
 * is one.  A broken one is left out (k->stats_unreadable): the
 * connections matter more than their counters.
 */
static const uint8_t *keep_parse_stats(const uint8_t *p, const uint8_t *end,
				       struct dp_kept *k)
{
	struct keep_stats_head sh;
	struct keep_stats_rec r;
	uint32_t i;

	if (end - p < (ptrdiff_t)sizeof(sh))
		return NULL;	/* a build before the counters */
	memcpy(&sh, p, sizeof(sh));
	p += sizeof(sh);
	if (sh.magic != KEEP_STATS_MAGIC ||
	    (size_t)(end - p) / sizeof(r) < sh.count) {
		k->stats_unreadable = true;
		return NULL;
	}
	k->stats = calloc(sh.count ? sh.count : 1, sizeof(*k->stats));
	if (!k->stats)
		return NULL;
	for (i = 0; i < sh.count; i++, p += sizeof(r)) {
		struct dp_kept_stats *s = &k->stats[k->nstats];

		memcpy(&r, p, sizeof(r));
		if (r.of > DP_KEPT_DEST)
			continue;
		s->of = (enum dp_kept_stats_of)r.of;
		s->svc.af = r.af;
		s->svc.protocol = r.protocol;
		s->svc.addr = r.vaddr;
		s->svc.port = r.vport;
		s->svc.fwmark = r.fwmark;
		s->dest.af = r.daf;
		s->dest.addr = r.daddr;
		s->dest.port = r.dport;
		s->st = r.st;
		s->rt = r.rt;
		k->nstats++;
	}
	return p;
}

/*
 * The configuration's section from p (the end of the counters) into k,
 * if there is one; a broken one is left out (k->config_unreadable): the
 * next xdpvsd then starts from no configuration of its predecessor's.
 */
static void keep_parse_config(const uint8_t *p, const uint8_t *end,
			      struct dp_kept *k)
{
	struct keep_config_head ch;

	if (end - p < (ptrdiff_t)sizeof(ch))
		return;		/* a build before it */
	memcpy(&ch, p, sizeof(ch));
	p += sizeof(ch);
	if (ch.magic != KEEP_CONFIG_MAGIC || (size_t)(end - p) < ch.len ||
	    memchr(p, '\0', ch.len)) {
		k->config_unreadable = true;
		return;
	}
	k->config = malloc((size_t)ch.len + 1);
	if (!k->config)
		return;
	memcpy(k->config, p, ch.len);
	k->config[ch.len] = '\0';
}

/* The connection record at *p (rlen bytes, then its persistence engine's
 * name and data) into c, *p moved past it; -EINVAL if it does not fit
 * before end. */
static int keep_parse_conn(const uint8_t **p, const uint8_t *end,
			   size_t rlen, uint64_t elapsed_ms,
			   struct xdpvs_conn_info *c)
{
	struct keep_rec r = { 0 };

	if ((size_t)(end - *p) < rlen)
		return -EINVAL;
	memcpy(&r, *p, rlen);
	*p += rlen;
	if ((size_t)(end - *p) < (size_t)r.pe_name_len + r.pe_data_len ||
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
				(uint32_t)(r.expires_ms - elapsed_ms) : 1;
	memcpy(c->pe_name, *p, r.pe_name_len);
	*p += r.pe_name_len;
	memcpy(c->pe_data, *p, r.pe_data_len);
	c->pe_data_len = r.pe_data_len;
	*p += r.pe_data_len;
	return 0;
}

/* Parse the records of b into k; time left less elapsed ms. */
static int keep_parse(const uint8_t *b, const struct keep_head *h,
		      uint64_t elapsed_ms, struct dp_kept *k)
{
	const uint8_t *p = b + sizeof(*h), *end = b + h->len;
	size_t rlen = h->version == 1 ? KEEP_REC_V1 : sizeof(struct keep_rec);
	uint32_t i;
	int err;

	/* A count the stream cannot hold is refused before it is
	 * allocated for: it would ask for up to a terabyte. */
	if (h->count > (size_t)(end - p) / rlen)
		return -EINVAL;
	k->conns = calloc(h->count ? h->count : 1, sizeof(*k->conns));
	if (!k->conns)
		return -ENOMEM;
	for (i = 0; i < h->count; i++) {
		err = keep_parse_conn(&p, end, rlen, elapsed_ms,
				      &k->conns[i]);
		if (err)
			return err;
	}
	k->n = (int)h->count;
	k->seed = h->seed;
	p = keep_parse_stats(p, end, k);
	if (p)
		keep_parse_config(p, end, k);
	return 0;
}

int dp_keep_parse(const uint8_t *b, size_t size, uint64_t now,
		  struct dp_kept *k)
{
	struct keep_head h;
	int err;

	memset(k, 0, sizeof(*k));
	err = keep_head_get(b, size, &h);
	if (!err && h.len > size)
		err = -EINVAL;
	if (!err)
		err = keep_parse(b, &h, now > h.saved_at ?
					(now - h.saved_at) / 1000000 : 0, k);
	if (err)
		dp_kept_free(k);
	else
		k->saved_at = h.saved_at;
	return err;
}

int dp_keep_load(const char *bpffs, uint64_t now, struct dp_kept *k)
{
	char path[PATH_MAX + 32];
	uint8_t *b = NULL;
	size_t size = 0;
	int fd, err;

	memset(k, 0, sizeof(*k));
	keep_path(path, sizeof(path), bpffs);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	err = keep_read(fd, &b, &size);
	close(fd);
	unlink(path);
	if (!err)
		err = dp_keep_parse(b, size, now, k);
	free(b);
	return err;
}

void dp_kept_free(struct dp_kept *k)
{
	free(k->conns);
	free(k->stats);
	free(k->config);
	memset(k, 0, sizeof(*k));
}
