// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hitless restart, the engine's side (handover.h).  What the kernel's
 * IPVS keeps across a restart of keepalived goes with the connections:
 * the counters, so that `xdpvsadm -L --stats/--rate` carry on (the
 * totals, each service's and each real server's, found again by what
 * names them), and the configuration as rules, changes made at run time
 * and sync daemons included, for a successor started without -c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xdpvs/engine.h>

#include "ctl/cmd.h"
#include "ctl/print.h"
#include "dp/dp.h"
#include "dp/keep.h"
#include "handover.h"
#include "log.h"
#include "loop.h"
#include "syncd.h"

/* The engine's counters, its services' and their real servers', into
 * *out (free()); how many, or -ENOMEM. */
static int handover_stats(struct xdpvs_engine *e, struct dp_kept_stats **out)
{
	struct xdpvs_svc_info *si;
	struct dp_kept_stats *s;
	int n = xdpvs_svc_info_get(e, &si), i, k = 1;
	size_t total = 1;
	uint32_t j;

	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		total += 1 + si[i].num_dests;
	s = calloc(total, sizeof(*s));
	if (!s) {
		xdpvs_svc_info_free(si, n);
		return -ENOMEM;
	}
	s[0].of = DP_KEPT_TOTAL;
	xdpvs_total_stats(e, &s[0].st, &s[0].rt);
	for (i = 0; i < n; i++) {
		s[k] = (struct dp_kept_stats){ .of = DP_KEPT_SVC,
					       .svc = si[i].conf,
					       .st = si[i].stats,
					       .rt = si[i].rates };
		k++;
		for (j = 0; j < si[i].num_dests; j++, k++)
			s[k] = (struct dp_kept_stats){
				.of = DP_KEPT_DEST, .svc = si[i].conf,
				.dest = si[i].dests[j].conf,
				.st = si[i].dests[j].stats,
				.rt = si[i].dests[j].rates };
	}
	xdpvs_svc_info_free(si, n);
	*out = s;
	return k;
}

/* The sync daemons of s, as the lines that start them again. */
static int handover_daemons(const struct syncd *s, FILE *f)
{
	struct xdpvs_ctl_daemon dm[2];
	int n = syncd_list(s, dm, 2);

	return xdpvs_ctl_print_daemons(f, dm, n, XDPVS_CTL_FMT_RULE);
}

/* The engine's configuration as rules (xdpvs_ctl_save()), then the sync
 * daemons of s: a new string, or NULL (logged: the next xdpvsd then
 * needs its -c). */
static char *handover_config(struct xdpvs_engine *e, const struct syncd *s)
{
	struct xdpvs_ctl_err err = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc = f ? xdpvs_ctl_save(e, f, &err) : -errno;

	if (!rc)
		rc = handover_daemons(s, f);
	if (f && fclose(f) && !rc)
		rc = -ENOMEM;
	if (!rc)
		return text;
	free(text);
	log_warn("cannot save the configuration for the next xdpvsd: %s",
		 err.msg[0] ? err.msg : strerror(-rc));
	return NULL;
}

void handover_leave(struct dp *dp, struct xdpvs_engine *e, struct syncd *s,
		    uint64_t seed)
{
	struct dp_kept k = { .seed = seed };
	int err;

	dp_picks_off(dp);	/* from now on, SYNs go up (held) */
	dp_events(dp);		/* the connections as the fast path left them */
	dp_fold(dp);		/* and what it forwarded, counted */
	k.n = xdpvs_conn_info_get(e, loop_now(), &k.conns);
	err = k.n < 0 ? k.n : 0;
	if (!err) {
		k.nstats = handover_stats(e, &k.stats);
		err = k.nstats < 0 ? k.nstats : 0;
	}
	if (!err)
		k.config = handover_config(e, s);
	if (!err)
		err = dp_handover(dp, &k);
	if (err)
		log_err_r(err, "cannot keep the data path: removing it");
	else
		log_info("data path kept with %d connections for the next "
			 "xdpvsd", k.n);
	dp_kept_free(&k);	/* its arrays: the counts do not matter */
}

void handover_adopt(struct dp *dp, struct xdpvs_engine *e,
		    const struct dp_kept *k)
{
	int i, ok = 0, gone = 0, other = 0, err;

	xdpvs_engine_tick(e, loop_now());	/* the clock starts */
	/* Counters first: what the connections' events add comes after. */
	for (i = 0; i < k->nstats; i++) {
		const struct dp_kept_stats *s = &k->stats[i];

		err = xdpvs_stats_restore(e, s->of == DP_KEPT_TOTAL ? NULL :
							&s->svc,
					  s->of == DP_KEPT_DEST ? &s->dest :
								  NULL,
					  &s->st, &s->rt);
		ok += !err;
	}
	if (k->nstats)
		log_info("counters of %d of %d services, real servers and "
			 "totals carried on", ok, k->nstats);
	ok = 0;
	dp_adopt_begin(dp);
	for (i = 0; i < k->n; i++) {
		err = xdpvs_conn_import(e, &k->conns[i]);
		if (!err)
			ok++;
		else if (err == -ENOENT)
			gone++;
		else
			other++;
	}
	dp_adopt_end(dp);
	log_info("took over %d connections (%d without their service or "
		 "real server, %d refused)", ok, gone, other);
}

/* What handover_rule() carries each rule out with. */
struct handover_apply {
	handover_apply_fn fn;
	void *arg;
};

/* A rule of the previous xdpvsd's configuration: one refused is logged
 * and skipped, the others still apply. */
static int handover_rule(const struct xdpvs_ctl_cmd *cmd,
			 const struct xdpvs_ctl_rule_pos *pos, void *arg,
			 struct xdpvs_ctl_err *err)
{
	const struct handover_apply *a = arg;

	if (a->fn(a->arg, cmd, err) < 0)
		log_warn("the previous xdpvsd's configuration, line %u: %s",
			 pos->line, err->msg);
	return 0;
}

int handover_load_config(const struct dp_kept *k, handover_apply_fn apply,
			 void *arg)
{
	struct handover_apply a = { .fn = apply, .arg = arg };
	struct xdpvs_ctl_err err = { 0 };
	FILE *f;
	int n;

	if (!k->config)
		return -ENOENT;
	if (!k->config[0])	/* nothing configured (fmemopen wants bytes) */
		return 0;
	f = fmemopen(k->config, strlen(k->config), "r");
	if (!f)
		return -errno;
	n = xdpvs_ctl_rules_read(f, "the previous xdpvsd's configuration",
				 "xdpvsd", handover_rule, &a, &err);
	fclose(f);
	if (n < 0) {
		log_err("%s", err.msg);
		return n;
	}
	log_info("the previous xdpvsd's configuration carried on (%d rules)",
		 n);
	return 0;
}
