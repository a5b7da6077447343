// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz harness for the saved state of a kept data path (dp/keep.c): the
 * stream xdpvsd pins under bpffs at a hand-over, read from arbitrary
 * bytes with dp_keep_parse() (what dp_keep_load() does with the pages it
 * reads), and what is read taken on by an engine as the next xdpvsd
 * takes it on (daemon/handover.c: the configuration's rules applied, the
 * counters restored, the connections imported).
 *
 * Input: one control byte, then the stream (in a buffer of exactly its
 * size, so ASan sees any over-read).  Control bits 0-1: the clock at
 * reading (0, the stream's own saved_at, a minute after it, UINT64_MAX);
 * bit 2: take what is read on in an engine.
 *
 * Invariants (abort() if broken):
 *  - reading returns 0 or -EINVAL, and after -EINVAL nothing is held;
 *  - what is read is bounded by the stream: as many connections as its
 *    header says, each of at least a version 1 record's bytes; no more
 *    counters than 128-byte records fit; a configuration shorter than
 *    the stream, NUL-terminated; a section left out (stats_unreadable,
 *    config_unreadable) holds nothing;
 *  - every connection's persistence engine name is NUL-terminated and
 *    its time left at least 1 ms; every counter record is of the totals,
 *    a service or a real server;
 *  - what is read, written again (dp_keep_stream(), the writer's own
 *    code) reads back the same (a configuration left out reads back as
 *    an empty one: the writer writes what it holds);
 *  - taken on by an engine: the rules apply or are refused with a
 *    message, each connection is imported or refused with the errno the
 *    daemon expects, no real server's counters go negative, and the
 *    table stays within its capacity.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xdpvs/engine.h>

#include "ctl/cmd.h"
#include "dp/keep.h"
#include "fuzz.h"

#define FZ_CONN_MAX 64
#define FZ_HEAD_LEN 40		/* the stream's header, bytes */
#define FZ_REC_V1 76		/* a version 1 connection record, bytes */
#define FZ_STATS_REC 128	/* a counters' record, bytes */

/* ---- what is read ---- */

static void fz_check_bounds(const struct dp_kept *k, size_t size)
{
	int i;

	fz_assert(k->n >= 0 && (size_t)k->n * FZ_REC_V1 <= size - FZ_HEAD_LEN,
		  "%d connections in %zu bytes", k->n, size);
	fz_assert(k->nstats >= 0 &&
		  (size_t)k->nstats * FZ_STATS_REC <= size,
		  "%d counters in %zu bytes", k->nstats, size);
	fz_assert(!k->stats_unreadable || (!k->stats && !k->nstats),
		  "counters left out, yet held");
	fz_assert(!k->config_unreadable || !k->config,
		  "configuration left out, yet held");
	fz_assert(!k->config || strlen(k->config) < size, "configuration");
	for (i = 0; i < k->n; i++) {
		const struct xdpvs_conn_info *c = &k->conns[i];

		fz_assert(memchr(c->pe_name, 0, sizeof(c->pe_name)),
			  "pe_name %d", i);
		fz_assert(c->expires_ms >= 1, "expires %d", i);
	}
	for (i = 0; i < k->nstats; i++)
		fz_assert(k->stats[i].of <= DP_KEPT_DEST, "of %d", i);
}

static bool fz_same_conn(const struct xdpvs_conn_info *a,
			 const struct xdpvs_conn_info *b)
{
	struct xdpvs_conn_info x = *a, y = *b;

	/* A name is a string: what follows its NUL is not written. */
	if (strcmp(x.pe_name, y.pe_name))
		return false;
	memset(x.pe_name, 0, sizeof(x.pe_name));
	memset(y.pe_name, 0, sizeof(y.pe_name));
	return !memcmp(&x, &y, sizeof(x));
}

/* k written again and read back (at its own time) is k. */
static void fz_round_trip(const struct dp_kept *k, uint64_t now)
{
	struct dp_kept back;
	size_t len;
	uint8_t *b = dp_keep_stream(k, 7, now, &len);
	int rc, i;

	fz_assert(b, "stream");
	rc = dp_keep_parse(b, len, now, &back);
	free(b);
	fz_assert(rc == 0, "read back: %d", rc);
	fz_assert(back.n == k->n && back.seed == k->seed &&
		  back.nstats == k->nstats, "counts %d/%d %d/%d", back.n,
		  k->n, back.nstats, k->nstats);
	fz_assert(!back.stats_unreadable && !back.config_unreadable,
		  "sections");
	for (i = 0; i < k->n; i++)
		fz_assert(fz_same_conn(&k->conns[i], &back.conns[i]),
			  "connection %d", i);
	for (i = 0; i < k->nstats; i++)
		fz_assert(!memcmp(&k->stats[i], &back.stats[i],
				  sizeof(back.stats[i])), "counters %d", i);
	fz_assert(back.config &&
		  !strcmp(back.config, k->config ? k->config : ""),
		  "configuration");
	dp_kept_free(&back);
}

/* ---- taken on by an engine ---- */

static int fz_rule(const struct xdpvs_ctl_cmd *cmd,
		   const struct xdpvs_ctl_rule_pos *pos, void *arg,
		   struct xdpvs_ctl_err *err)
{
	struct xdpvs_engine *e = arg;
	int rc = xdpvs_ctl_apply(e, cmd, err);

	fz_assert(!rc || err->msg[0], "line %u refused without a word",
		  pos->line);
	return 0;	/* one refused, the others still apply */
}

static void fz_take_on(const struct dp_kept *k, uint64_t now)
{
	struct xdpvs_engine_params p = { .conn_max = FZ_CONN_MAX,
					 .seed = k->seed };
	struct xdpvs_engine *e = xdpvs_engine_new(&p);
	struct xdpvs_ctl_err err = { 0 };
	FILE *f;
	int i, rc;

	fz_assert(e, "engine");
	if (k->config && k->config[0]) {
		f = fmemopen(k->config, strlen(k->config), "r");
		fz_assert(f, "fmemopen");
		rc = xdpvs_ctl_rules_read(f, "saved", "xdpvsd", fz_rule, e,
					  &err);
		fclose(f);
		fz_assert(rc >= 0 || err.msg[0], "rules %d without a word",
			  rc);
	}
	xdpvs_engine_tick(e, now % (1ULL << 62));
	for (i = 0; i < k->nstats; i++) {
		const struct dp_kept_stats *s = &k->stats[i];

		xdpvs_stats_restore(e, s->of == DP_KEPT_TOTAL ? NULL : &s->svc,
				    s->of == DP_KEPT_DEST ? &s->dest : NULL,
				    &s->st, &s->rt);
	}
	for (i = 0; i < k->n; i++) {
		rc = xdpvs_conn_import(e, &k->conns[i]);
		fz_assert(rc == 0 || rc == -ENOENT || rc == -EEXIST ||
			  rc == -ENOSPC || rc == -EINVAL, "import %d", rc);
	}
	fz_check_engine(e, FZ_CONN_MAX);
	xdpvs_engine_tick(e, now % (1ULL << 62) + 3600ULL * 1000000000);
	fz_check_engine(e, FZ_CONN_MAX);
	xdpvs_engine_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dp_kept k;
	uint64_t now = 0, saved_at = 0;
	uint8_t *buf;
	size_t len;
	int rc;

	if (size < 1)
		return 0;
	buf = fz_payload(data, size, &len);
	if (len >= 24)
		memcpy(&saved_at, buf + 16, sizeof(saved_at));
	switch (data[0] & 3) {
	case 1:
		now = saved_at;
		break;
	case 2:
		now = saved_at + 60ULL * 1000000000;
		break;
	case 3:
		now = UINT64_MAX;
		break;
	}
	rc = dp_keep_parse(buf, len, now, &k);
	free(buf);
	fz_assert(rc == 0 || rc == -EINVAL, "read %d", rc);
	if (rc) {
		fz_assert(!k.conns && !k.n && !k.stats && !k.nstats &&
			  !k.config, "refused, yet held");
		return 0;
	}
	fz_check_bounds(&k, len);
	fz_round_trip(&k, now);
	if (data[0] & 4)
		fz_take_on(&k, now);
	dp_kept_free(&k);
	return 0;
}
