// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine's flow cache in the XDP program's maps (flow.h).
 *
 * Replacing a flow keeps its last_seen: the engine replaces flows when
 * routes change and when an adopted connection is installed again, and
 * the time the fast path last forwarded a packet of it must not be lost,
 * or an idle-looking connection would expire early.  The engine says
 * which adds are replacements: those read the entry and write it (two
 * syscalls), the others try a new entry first (one).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "daemon/log.h"
#include "flow.h"

/* How far behind CLOCK_MONOTONIC the fast path's clock may be, ns. */
static uint64_t flow_tick_ns(void)
{
	struct timespec r;

	if (clock_getres(CLOCK_MONOTONIC_COARSE, &r))
		return 10000000;	/* 10 ms: HZ=100, the coarsest */
	return (uint64_t)r.tv_sec * 1000000000ULL + (uint64_t)r.tv_nsec;
}

int dp_flow_init(struct dp_flow *f, int flows_fd, int dest_st_fd)
{
	memset(f, 0, sizeof(*f));
	f->flows_fd = flows_fd;
	f->dest_st_fd = dest_st_fd;
	f->tick_ns = flow_tick_ns();
	f->ncpu = libbpf_num_possible_cpus();
	if (f->ncpu <= 0)
		return f->ncpu ? f->ncpu : -EINVAL;
	f->prev = calloc(XDPVS_FLOW_MAX_SLOTS, sizeof(*f->prev));
	f->cpu = calloc((size_t)f->ncpu, sizeof(*f->cpu));
	if (!f->prev || !f->cpu) {
		dp_flow_fini(f);
		return -ENOMEM;
	}
	return 0;
}

void dp_flow_fini(struct dp_flow *f)
{
	free(f->prev);
	free(f->cpu);
	free(f->kept);
	f->prev = NULL;
	f->cpu = NULL;
	f->kept = NULL;
}

static void flow_keep(struct dp_flow *f, const struct xdpvs_flow_key *k)
{
	if (f->nkept == f->capkept) {
		uint32_t cap = f->capkept ? f->capkept * 2 : 1024;
		struct xdpvs_flow_key *p = realloc(f->kept, cap * sizeof(*p));

		if (!p) {
			/* Nothing pruned then: stale flows are only stale. */
			f->collect = false;
			return;
		}
		f->kept = p;
		f->capkept = cap;
	}
	f->kept[f->nkept++] = *k;
}

/* Replace k's entry with v, keeping the entry's last_seen (an entry
 * not there is added as it is). */
static int flow_replace(struct dp_flow *f, const struct xdpvs_flow_key *k,
			struct xdpvs_flow_value *v)
{
	struct xdpvs_flow_value old;

	f->calls += 2;
	if (!bpf_map_lookup_elem(f->flows_fd, k, &old))
		v->last_seen = old.last_seen;
	return bpf_map_update_elem(f->flows_fd, k, v, BPF_ANY);
}

/* A new entry for k, in one syscall; one there already, which the
 * engine did not know of, is replaced all the same. */
static int flow_create(struct dp_flow *f, const struct xdpvs_flow_key *k,
		       struct xdpvs_flow_value *v)
{
	f->calls++;
	if (!bpf_map_update_elem(f->flows_fd, k, v, BPF_NOEXIST))
		return 0;
	return errno == EEXIST ? flow_replace(f, k, v) : -1;
}

static void flow_added(struct dp_flow *f, const struct xdpvs_flow_key *k)
{
	f->adds++;
	if (f->collect)
		flow_keep(f, k);
}

/* One add or replacement, now; v's last_seen may be overwritten. */
static void flow_add_one(struct dp_flow *f, const struct xdpvs_flow_key *k,
			 struct xdpvs_flow_value *v, bool replace)
{
	if (replace ? flow_replace(f, k, v) : flow_create(f, k, v)) {
		/* Full: that connection stays on the slow path. */
		f->errs++;
		return;
	}
	flow_added(f, k);
}

void dp_flow_batch(struct dp_flow *f)
{
	f->batch = !f->no_batch;
}

/*
 * The kernel adds a batch in order and stops at the first element it
 * refuses, telling how many went in: that one goes alone (a full map
 * counts an error), then the rest as a batch.  A batch takes no
 * BPF_NOEXIST, so it overwrites an entry, last_seen and all: only adds
 * wait here, flows the engine has not installed (a new connection's, or
 * one whose stale entry is of no use); replacements go at once
 * (dp_flow_add).
 */
static void flow_write_adds(struct dp_flow *f)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = 0);
	uint32_t i = 0, n, j;
	int err = -1, e = 0;

	while (i < f->npend) {
		n = 0;
		if (!f->no_batch) {
			n = f->npend - i;
			f->calls++;
			err = bpf_map_update_batch(f->flows_fd, &f->pk[i],
						   &f->pv[i], &n, &opts);
			e = errno;
		}
		/* Refused as a whole (the count is then not written): no
		 * batches here, one by one from now on. */
		if (err && e != E2BIG && e != ENOMEM) {
			f->no_batch = true;
			n = 0;
		}
		for (j = 0; j < n; j++)
			flow_added(f, &f->pk[i + j]);
		i += n;
		if (!err)
			break;
		if (i < f->npend) {
			flow_add_one(f, &f->pk[i], &f->pv[i], false);
			i++;
		}
	}
	f->npend = 0;
}

static void flow_del_one(struct dp_flow *f, const struct xdpvs_flow_key *k)
{
	f->calls++;
	if (bpf_map_delete_elem(f->flows_fd, k) && errno != ENOENT)
		f->errs++;
	else
		f->dels++;
}

/* The waiting deletes, in batches as the adds; the kernel stops at the
 * first key it cannot delete (not there: fine), which is skipped. */
static void flow_write_dels(struct dp_flow *f)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = 0);
	uint32_t i = 0, n;
	int err;

	while (i < f->ndel && !f->no_batch) {
		n = f->ndel - i;
		f->calls++;
		err = bpf_map_delete_batch(f->flows_fd, &f->dk[i], &n, &opts);
		if (err && errno != ENOENT) {
			f->no_batch = true;	/* refused: one by one */
			break;
		}
		f->dels += n;
		i += n;
		if (!err)
			break;
		if (i < f->ndel) {
			f->dels++;		/* not there */
			i++;
		}
	}
	for (; i < f->ndel; i++)
		flow_del_one(f, &f->dk[i]);
	f->ndel = 0;
}

/* Write what waits: deletes and adds never share a key (dp_flow_add,
 * dp_flow_del), so their order does not matter. */
static void flow_write_pending(struct dp_flow *f)
{
	flow_write_dels(f);
	flow_write_adds(f);
}

/* The index of k among n keys, or -1. */
static int flow_find(const struct xdpvs_flow_key *keys, uint32_t n,
		     const struct xdpvs_flow_key *k)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (!memcmp(&keys[i], k, sizeof(*k)))
			return (int)i;
	return -1;
}

void dp_flow_flush(struct dp_flow *f)
{
	flow_write_pending(f);
	f->batch = false;
}

/* Does a change of k wait? */
static bool flow_waits(const struct dp_flow *f, const struct xdpvs_flow_key *k)
{
	return flow_find(f->pk, f->npend, k) >= 0 ||
	       flow_find(f->dk, f->ndel, k) >= 0;
}

void dp_flow_add(struct dp_flow *f, const struct xdpvs_flow_key *k,
		 const struct xdpvs_flow_value *v, bool replace)
{
	struct xdpvs_flow_value nv = *v;
	int i;

	if (f->off)
		return;
	if (!f->batch) {
		flow_add_one(f, k, &nv, replace);
		return;
	}
	if (replace) {
		/* A batch would overwrite the entry's last_seen, which a
		 * replacement keeps: at once, after what waits for its key. */
		if (flow_waits(f, k))
			flow_write_pending(f);
		flow_add_one(f, k, &nv, true);
		return;
	}
	/* The add overwrites what the waiting delete would remove. */
	i = flow_find(f->dk, f->ndel, k);
	if (i >= 0) {
		f->dk[i] = f->dk[--f->ndel];
		f->dels++;
	}
	i = flow_find(f->pk, f->npend, k);
	if (i < 0)
		i = (int)f->npend++;
	f->pk[i] = *k;
	f->pv[i] = nv;
	if (f->npend == DP_FLOW_BATCH)
		flow_write_pending(f);
}

void dp_flow_have(struct dp_flow *f, const struct xdpvs_flow_key *k)
{
	if (f->collect)
		flow_keep(f, k);
}

void dp_flow_del(struct dp_flow *f, const struct xdpvs_flow_key *k)
{
	int i;

	if (f->off)
		return;
	if (!f->batch) {
		flow_del_one(f, k);
		return;
	}
	i = flow_find(f->pk, f->npend, k);
	if (i >= 0) {
		/* never written, counted all the same: add, then delete */
		f->npend--;
		f->pk[i] = f->pk[f->npend];
		f->pv[i] = f->pv[f->npend];
		f->adds++;
	}
	if (flow_find(f->dk, f->ndel, k) >= 0)
		return;
	f->dk[f->ndel++] = *k;
	if (f->ndel == DP_FLOW_BATCH)
		flow_write_pending(f);
}

uint64_t dp_flow_last_seen(struct dp_flow *f, const struct xdpvs_flow_key *k)
{
	struct xdpvs_flow_value v;

	if (f->off)
		return 0;
	if (flow_waits(f, k))
		flow_write_pending(f);
	f->calls++;
	if (bpf_map_lookup_elem(f->flows_fd, k, &v) || !v.last_seen)
		return 0;
	/* The fast path stamps the last tick's time: the packet came
	 * within a tick after it.  Later, never earlier: no connection
	 * expires before its time. */
	return v.last_seen + f->tick_ns;
}

/* The sum over the CPUs of slot's counters into *out; 0 or -errno. */
static int flow_slot_read(struct dp_flow *f, uint32_t slot,
			  struct xdpvs_flow_stats *out)
{
	int c;

	memset(out, 0, sizeof(*out));
	f->calls++;
	if (bpf_map_lookup_elem(f->dest_st_fd, &slot, f->cpu))
		return -errno;
	for (c = 0; c < f->ncpu; c++) {
		out->inpkts += f->cpu[c].inpkts;
		out->outpkts += f->cpu[c].outpkts;
		out->inbytes += f->cpu[c].inbytes;
		out->outbytes += f->cpu[c].outbytes;
	}
	return 0;
}

/* Fold slot's counts since the last time into e. */
static int flow_fold_slot(struct dp_flow *f, struct xdpvs_engine *e,
			  uint32_t slot, bool baseline)
{
	struct xdpvs_flow_stats now, *prev = &f->prev[slot], d;
	int err;

	if (!slot || slot >= XDPVS_FLOW_MAX_SLOTS)
		return 0;
	err = flow_slot_read(f, slot, &now);
	if (err)
		return err;
	d.inpkts = now.inpkts - prev->inpkts;
	d.outpkts = now.outpkts - prev->outpkts;
	d.inbytes = now.inbytes - prev->inbytes;
	d.outbytes = now.outbytes - prev->outbytes;
	*prev = now;
	if (baseline || !(d.inpkts | d.outpkts))
		return 0;
	err = xdpvs_flow_stats_add(e, slot, &d);
	return err == -ENOENT ? 0 : err;	/* a server gone meanwhile */
}

int dp_flow_fold(struct dp_flow *f, struct xdpvs_engine *e, bool baseline)
{
	struct xdpvs_svc_info *s = NULL;
	int n = xdpvs_svc_info_get(e, &s), i, err = 0;
	uint32_t j;

	if (n < 0)
		return n;
	for (i = 0; i < n && !err; i++)
		for (j = 0; j < s[i].num_dests && !err; j++)
			err = flow_fold_slot(f, e, s[i].dests[j].slot,
					     baseline);
	xdpvs_svc_info_free(s, n);
	return err;
}

void dp_flow_collect(struct dp_flow *f)
{
	f->nkept = 0;
	f->collect = true;
}

static int flow_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct xdpvs_flow_key));
}

int dp_flow_prune(struct dp_flow *f)
{
	struct xdpvs_flow_key key, next, *stale = NULL;
	uint32_t nstale = 0, cap = 0, i;
	void *prev = NULL;
	int n = 0;

	if (!f->collect)
		return 0;
	flow_write_pending(f);
	f->collect = false;
	if (f->nkept)
		qsort(f->kept, f->nkept, sizeof(*f->kept), flow_cmp);
	while (!bpf_map_get_next_key(f->flows_fd, prev, &next)) {
		f->calls++;
		key = next;
		prev = &key;
		if (f->nkept && bsearch(&key, f->kept, f->nkept,
					sizeof(key), flow_cmp))
			continue;
		if (nstale == cap) {
			struct xdpvs_flow_key *p;

			cap = cap ? cap * 2 : 256;
			p = realloc(stale, cap * sizeof(*p));
			if (!p) {
				free(stale);
				return -ENOMEM;
			}
			stale = p;
		}
		stale[nstale++] = key;
	}
	f->calls += 1 + nstale;	/* the walk's end, the deletes */
	for (i = 0; i < nstale; i++)
		if (!bpf_map_delete_elem(f->flows_fd, &stale[i]))
			n++;
	free(stale);
	free(f->kept);
	f->kept = NULL;
	f->nkept = f->capkept = 0;
	return n;
}

void dp_flow_dump(const struct dp_flow *f, FILE *out)
{
	fprintf(out, "flow add %llu del %llu errors %llu bpf calls %llu\n",
		(unsigned long long)f->adds, (unsigned long long)f->dels,
		(unsigned long long)f->errs, (unsigned long long)f->calls);
}
