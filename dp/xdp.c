// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpvsd's XDP program on its interfaces (xdp.h): a libbpf-bootstrap
 * loader (skeleton opened, maps sized or reused, libxdp loads and
 * attaches, one cleanup path), adopting a kept one, and loading ahead
 * the programs that replace another build's.  The shared maps as a set
 * (closing, pinning) are xdp_maps.c's, writing the filter's maps
 * xdp_sync.c's.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <xdpvs/flow.h>

#include "daemon/log.h"
#include "bpf/xdpvs.skel.h"
#include "pick.h"
#include "xdp.h"
#include "xdp_maps.h"

const char *dp_xdp_mode_name(enum xdp_attach_mode mode)
{
	switch (mode) {
	case XDP_MODE_NATIVE: return "native";
	case XDP_MODE_SKB: return "generic";
	case XDP_MODE_HW: return "offload";
	default: return "unknown";
	}
}

uint32_t dp_xdp_find(int ifindex)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	struct xdp_program *p;
	uint32_t id = 0;

	if (libxdp_get_error(mp))
		return 0;
	if (xdp_multiprog__is_legacy(mp))
		p = xdp_multiprog__main_prog(mp);
	else
		p = xdp_multiprog__next_prog(NULL, mp);
	for (; p && !id; p = xdp_multiprog__next_prog(p, mp)) {
		if (!strcmp(xdp_program__name(p), XDPVS_DP_PROG_NAME))
			id = xdp_program__id(p);
		if (xdp_multiprog__is_legacy(mp))
			break;
	}
	xdp_multiprog__close(mp);
	return id;
}

/* Make this instance use the shared maps of the first one. */
static int xdp_reuse_maps(struct xdpvs_bpf *skel, const struct dp_xdp_maps *m)
{
	int err = bpf_map__reuse_fd(skel->maps.xdpvs_svcs, m->svcs);

	if (!err)
		err = bpf_map__reuse_fd(skel->maps.xdpvs_nat_rs, m->nat_rs);
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.xdpvs_local, m->local);
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.xdpvs_marks, m->marks);
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.xdpvs_flows, m->flows);
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.xdpvs_svc_st, m->svc_st);
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.xdpvs_dest_st, m->dest_st);
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.xdpvs_ctl, m->ctl);
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.xdpvs_events, m->events);
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.xdpvs_tx, m->tx);
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.xdpvs_picks, m->picks);
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.xdpvs_pick_svc, m->pick_svc);
	if (!err)
		err = bpf_map__reuse_fd(skel->maps.xdpvs_pick_tm, m->pick_tm);
	return err;
}

/* A new instance: its own XSKMAP and counters, the shared maps of the
 * first one. */
static int xdp_open(uint32_t conn_max, const struct dp_xdp_maps *maps,
		    struct xdpvs_bpf **out)
{
	struct xdpvs_bpf *skel = xdpvs_bpf__open();
	int err;

	if (!skel)
		return -errno;
	err = bpf_map__set_max_entries(skel->maps.xdpvs_flows, 2 * conn_max);
	if (!err && maps->set)
		err = xdp_reuse_maps(skel, maps);
	if (err) {
		xdpvs_bpf__destroy(skel);
		return err;
	}
	*out = skel;
	return 0;
}

/* One attempt in one mode; fills l on success. */
static int xdp_attach_mode(const char *ifname, int ifindex, uint32_t conn_max,
			   const struct dp_xdp_maps *maps,
			   enum xdp_attach_mode mode, struct dp_xdp_link *l)
{
	struct xdp_program *prog;
	struct xdpvs_bpf *skel;
	int err = xdp_open(conn_max, maps, &skel);

	if (err) {
		log_err_r(err, "%s: cannot open the BPF object", ifname);
		return err;
	}
	prog = xdp_program__from_bpf_obj(skel->obj, "xdp.frags");
	err = (int)libxdp_get_error(prog);
	if (err) {
		log_err_r(err, "%s: libxdp cannot use the BPF object", ifname);
		xdpvs_bpf__destroy(skel);
		return err;
	}
	/* Alone on the hook, never behind libxdp's dispatcher, which
	 * libxdp puts first wherever the kernel runs it (Debian 12's
	 * 6.1): an upgrade swaps ours in one step (xdp_swap()), which
	 * the dispatcher's would not let it.  Set at start-up, before
	 * any thread of ours runs. */
	if (setenv("LIBXDP_SKIP_DISPATCHER", "1", 1)) {
		err = -errno;
		xdp_program__close(prog);
		xdpvs_bpf__destroy(skel);
		return err;
	}
	err = xdp_program__attach(prog, ifindex, mode, 0);
	if (err) {
		xdp_program__close(prog);
		xdpvs_bpf__destroy(skel);
		return err;
	}
	l->skel = skel;
	l->prog = prog;
	l->mode = mode;
	l->ifindex = ifindex;
	l->xsks = bpf_map__fd(skel->maps.xdpvs_xsks);
	l->stats = bpf_map__fd(skel->maps.xdpvs_stats);
	l->own_fds[0] = l->own_fds[1] = -1;
	snprintf(l->ifname, sizeof(l->ifname), "%s", ifname);
	return 0;
}

/* The interface as a way out of the fast path's devmap.  Without it
 * (a device the devmap refuses), its packets take bpf_redirect(). */
static void xdp_tx_add(const struct dp_xdp_maps *maps, const char *ifname,
		       int ifindex)
{
	uint32_t k = (uint32_t)ifindex;

	if (bpf_map_update_elem(maps->tx, &k, &k, BPF_ANY))
		log_debug("%s: not in %s: %s", ifname, XDPVS_DP_TX_MAP,
			  strerror(errno));
}

int dp_xdp_attach(const char *ifname, int ifindex, uint32_t conn_max,
		  bool skb_only, struct dp_xdp_maps *maps,
		  struct dp_xdp_link *l)
{
	uint32_t id = dp_xdp_find(ifindex);
	int err = -EOPNOTSUPP;

	if (id) {
		log_err("%s: an xdpvsd XDP program is already attached "
			"(program id %u): another xdpvsd serves this "
			"interface", ifname, id);
		return -EBUSY;
	}
	if (!skb_only)
		err = xdp_attach_mode(ifname, ifindex, conn_max, maps,
				      XDP_MODE_NATIVE, l);
	if (err == -EEXIST || err == -EBUSY) {
		log_err_r(err, "%s: cannot attach XDP: another XDP program "
			  "is attached", ifname);
		return err;
	}
	if (err && !skb_only)
		log_warn_r(err, "%s: no native XDP, using generic (skb) mode, "
			   "which is slower", ifname);
	if (err) {
		err = xdp_attach_mode(ifname, ifindex, conn_max, maps,
				      XDP_MODE_SKB, l);
		if (err) {
			log_err_r(err, "%s: cannot attach XDP", ifname);
			return err;
		}
	}
	if (!maps->set) {
		maps->svcs = bpf_map__fd(l->skel->maps.xdpvs_svcs);
		maps->nat_rs = bpf_map__fd(l->skel->maps.xdpvs_nat_rs);
		maps->local = bpf_map__fd(l->skel->maps.xdpvs_local);
		maps->marks = bpf_map__fd(l->skel->maps.xdpvs_marks);
		maps->flows = bpf_map__fd(l->skel->maps.xdpvs_flows);
		maps->svc_st = bpf_map__fd(l->skel->maps.xdpvs_svc_st);
		maps->dest_st = bpf_map__fd(l->skel->maps.xdpvs_dest_st);
		maps->ctl = bpf_map__fd(l->skel->maps.xdpvs_ctl);
		maps->events = bpf_map__fd(l->skel->maps.xdpvs_events);
		maps->tx = bpf_map__fd(l->skel->maps.xdpvs_tx);
		maps->picks = bpf_map__fd(l->skel->maps.xdpvs_picks);
		maps->pick_svc = bpf_map__fd(l->skel->maps.xdpvs_pick_svc);
		maps->pick_tm = bpf_map__fd(l->skel->maps.xdpvs_pick_tm);
		maps->set = true;
	}
	xdp_tx_add(maps, ifname, ifindex);
	log_info("%s: XDP program attached (%s mode, program id %u)", ifname,
		 dp_xdp_mode_name(l->mode), xdp_program__id(l->prog));
	return 0;
}

/* ------------------------------------------------------------------
 * Adopting a kept data path
 */

/* Open the maps of program fd by name: its own two into l, the shared
 * ones into m unless set.  0 or -errno. */
static int xdp_prog_maps(int fd, struct dp_xdp_maps *m, struct dp_xdp_link *l)
{
	struct bpf_prog_info info = { 0 };
	uint32_t ids[64], len = sizeof(info), i, j;
	int err = 0, mfd;

	info.nr_map_ids = 64;
	info.map_ids = (uintptr_t)ids;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	for (i = 0; i < info.nr_map_ids && i < 64 && !err; i++) {
		struct bpf_map_info mi = { 0 };
		uint32_t mlen = sizeof(mi);
		bool used = false;

		mfd = bpf_map_get_fd_by_id(ids[i]);
		if (mfd < 0 || bpf_obj_get_info_by_fd(mfd, &mi, &mlen)) {
			err = -errno;
			break;
		}
		if (!strcmp(mi.name, XDPVS_DP_XSK_MAP)) {
			l->xsks = l->own_fds[0] = mfd;
			used = true;
		} else if (!strcmp(mi.name, XDPVS_DP_STATS_MAP)) {
			l->stats = l->own_fds[1] = mfd;
			used = true;
		}
		for (j = 0; j < DP_XDP_NSHARED && !m->set && !used; j++) {
			if (!strcmp(mi.name, dp_xdp_shared_name(j))) {
				*dp_xdp_shared_fd(m, j) = mfd;
				used = true;
			}
		}
		if (!used)
			close(mfd);
	}
	if (!err && (l->xsks < 0 || l->stats < 0))
		err = -ENOENT;
	return err;
}

/* Is fd a map whose values are size bytes? */
static bool xdp_map_value_size_is(int fd, uint32_t size)
{
	struct bpf_map_info mi = { 0 };
	uint32_t len = sizeof(mi);

	return !bpf_obj_get_info_by_fd(fd, &mi, &len) && mi.value_size == size;
}

/*
 * New pick maps into m when it has none of them (a data path kept by a
 * build before them: its program does not use them, they are pinned
 * with the others) or when its rings are of another size (a build with
 * another XDPVS_PICK_SLOTS: the xdpvsd handing over took its rings back,
 * and its program is replaced with ours).  kept: m's are the maps of a
 * kept program, which runs on them until ours is loaded and swapped in
 * (dp_xdp_replace): their xdpvs_pick_svc is emptied as well, so that it
 * takes no pick the engine did not make (one its predecessor failed to
 * take back) and sends new connections up, to the engine, meanwhile.
 * 0 (m has all three), or -errno.
 */
static int xdp_pick_maps_new(struct dp_xdp_maps *m, bool kept)
{
	struct dp_pick_fds fds;
	unsigned int j, found = 0;
	int err;

	for (j = DP_XDP_FIRST_PICK; j < DP_XDP_NSHARED; j++)
		found += *dp_xdp_shared_fd(m, j) >= 0;
	if (found == DP_XDP_NPICK &&
	    xdp_map_value_size_is(m->picks, sizeof(struct xdpvs_pick_ring)))
		return 0;
	if (found && found != DP_XDP_NPICK)
		return -ENOENT;	/* not a data path of any build */
	err = found && kept ? dp_pick_svc_empty(m->pick_svc) : 0;
	if (err)
		return err;
	for (j = DP_XDP_FIRST_PICK; j < DP_XDP_NSHARED && found; j++) {
		close(*dp_xdp_shared_fd(m, j));
		*dp_xdp_shared_fd(m, j) = -1;
	}
	err = dp_pick_maps_create(&fds);
	if (err)
		return err;
	m->picks = fds.picks;
	m->pick_svc = fds.svc;
	m->pick_tm = fds.tmpl;
	log_info("kept data path %s (an older xdpvsd): new ones made",
		 found ? "with pick rings of another size" :
			 "without the pick maps");
	return 0;
}

/* The shared maps the program does not use (xdpvs_svc_st) from their
 * pins under bpffs; the pick maps made afresh when a data path kept by
 * an older build has none (kept: as xdp_pick_maps_new()).  0 or
 * -errno. */
static int xdp_pinned_maps(struct dp_xdp_maps *m, const char *bpffs,
			   bool kept)
{
	char path[PATH_MAX + 32];
	unsigned int j;
	int fd;

	for (j = 0; j < DP_XDP_NSHARED; j++) {
		if (*dp_xdp_shared_fd(m, j) >= 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", bpffs, XDPVS_PIN_DIR,
			 dp_xdp_shared_name(j));
		fd = bpf_obj_get(path);
		if (fd < 0 && errno == ENOENT && j >= DP_XDP_FIRST_PICK)
			continue;
		if (fd < 0)
			return -errno;
		*dp_xdp_shared_fd(m, j) = fd;
	}
	return xdp_pick_maps_new(m, kept);
}

/* The attached program named ours in mp, or NULL. */
static struct xdp_program *xdp_ours_in(struct xdp_multiprog *mp)
{
	struct xdp_program *p;

	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		return p && !strcmp(xdp_program__name(p), XDPVS_DP_PROG_NAME) ?
			       p : NULL;
	}
	for (p = xdp_multiprog__next_prog(NULL, mp); p;
	     p = xdp_multiprog__next_prog(p, mp))
		if (!strcmp(xdp_program__name(p), XDPVS_DP_PROG_NAME))
			return p;
	return NULL;
}

uint32_t dp_xdp_prog_hash(void)
{
	const uint8_t *b;
	uint32_t h = 2166136261u;	/* FNV-1a */
	size_t n, i;

	b = xdpvs_bpf__elf_bytes(&n);
	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h ? h : 1;		/* 0 says "unknown" */
}

/* The XDP_FLAGS_* mode bit of mode. */
static uint32_t xdp_mode_flag(enum xdp_attach_mode mode)
{
	return mode == XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
}

/* ------------------------------------------------------------------
 * Loading ahead: of a takeover, or in the background (xdp_upgrade.h)
 */

/* This build's programs loaded on a data path's shared maps, taken in
 * order by the replacements (dp_xdp_spare_on). */
struct dp_xdp_spare {
	struct dp_xdp_maps maps;	/* its own, closed with it ... */
	bool maps_given;	/* ... unless given to the adopter */
	bool on_kept;		/* loaded on the kept maps: dp_xdp_adopt's */
	int n, next;		/* programs loaded, the next one to take */
	struct xdpvs_bpf *skel[];
};

void dp_xdp_spare_free(struct dp_xdp_spare *s)
{
	if (!s)
		return;
	while (s->next < s->n)
		xdpvs_bpf__destroy(s->skel[s->next++]);
	if (!s->maps_given)
		dp_xdp_maps_close(&s->maps);
	free(s);
}

struct dp_xdp_spare *dp_xdp_spare_on(struct dp_xdp_maps *maps,
				     uint32_t conn_max, int n,
				     const bool *stop, int *err)
{
	struct dp_xdp_spare *s = NULL;

	*err = n > 0 ? 0 : -EINVAL;
	if (!*err)
		s = calloc(1, sizeof(*s) + (size_t)n * sizeof(s->skel[0]));
	if (!s) {
		*err = *err ? *err : -ENOMEM;
		dp_xdp_maps_close(maps);
		return NULL;
	}
	s->maps = *maps;
	s->maps.set = s->maps.adopted = true;	/* xdp_open() reuses them */
	while (!*err && s->n < n) {
		/* between instances: the verifier's own runs are cut short
		 * by a signal (xdp_upgrade.c) */
		if (stop && __atomic_load_n(stop, __ATOMIC_ACQUIRE)) {
			*err = -ECANCELED;
			break;
		}
		*err = xdp_open(conn_max, &s->maps, &s->skel[s->n]);
		if (*err)
			break;
		*err = xdpvs_bpf__load(s->skel[s->n]);
		if (*err)
			xdpvs_bpf__destroy(s->skel[s->n]);
		else
			s->n++;
	}
	if (*err) {
		dp_xdp_spare_free(s);
		return NULL;
	}
	return s;
}

struct dp_xdp_spare *dp_xdp_spare_load(const char *bpffs, uint32_t conn_max,
				       int n)
{
	struct dp_xdp_spare *s = NULL;
	struct dp_xdp_maps m;
	struct timespec t0, t1;
	int err;

	if (n <= 0)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	dp_xdp_maps_none(&m);
	/* not kept: the running xdpvsd still uses its pick maps */
	err = xdp_pinned_maps(&m, bpffs, false);
	if (err)
		dp_xdp_maps_close(&m);
	else
		s = dp_xdp_spare_on(&m, conn_max, n, NULL, &err);
	if (err) {
		if (err == -ENOENT)
			log_debug("no pinned data path under %s: nothing "
				  "to load ahead", bpffs);
		else
			log_warn_r(err, "cannot load the XDP program ahead "
				   "on the running xdpvsd's maps (it is "
				   "loaded after the hand-over)");
		return NULL;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	log_info("XDP program loaded ahead on the running xdpvsd's maps "
		 "(%d instance(s), %ld ms)", n,
		 (long)((t1.tv_sec - t0.tv_sec) * 1000 +
			(t1.tv_nsec - t0.tv_nsec) / 1000000));
	return s;
}

/* The id of map fd, or 0. */
static uint32_t xdp_map_id(int fd)
{
	struct bpf_map_info mi = { 0 };
	uint32_t len = sizeof(mi);

	return !bpf_obj_get_info_by_fd(fd, &mi, &len) ? mi.id : 0;
}

/*
 * m, the maps a kept program uses (-1 for those it does not), becomes
 * the spare's when those are the very maps its programs were loaded on:
 * the hand-over kept what was pinned when they were.  Pick maps of
 * another size are no test (the spare made new ones, as adopting them
 * does).  Otherwise the spare's programs are freed.
 */
static void xdp_spare_maps(struct dp_xdp_spare *s, struct dp_xdp_maps *m)
{
	bool picks = m->picks >= 0 &&
		     xdp_map_value_size_is(m->picks,
					   sizeof(struct xdpvs_pick_ring));
	unsigned int j;
	int fd;

	if (!s || s->maps_given || s->next == s->n)
		return;
	for (j = 0; j < DP_XDP_NSHARED; j++) {
		fd = *dp_xdp_shared_fd(m, j);
		if (fd < 0 || (j >= DP_XDP_FIRST_PICK && !picks))
			continue;
		if (xdp_map_id(fd) !=
		    xdp_map_id(*dp_xdp_shared_fd(&s->maps, j)))
			break;
	}
	if (j < DP_XDP_NSHARED) {
		log_warn("the XDP program loaded ahead is on another %s than "
			 "the kept one: loading it again",
			 dp_xdp_shared_name(j));
		while (s->next < s->n)
			xdpvs_bpf__destroy(s->skel[s->next++]);
		return;
	}
	dp_xdp_maps_close(m);
	*m = s->maps;
	s->maps_given = s->on_kept = true;
}

/* The next program of s, or NULL. */
static struct xdpvs_bpf *xdp_spare_take(struct dp_xdp_spare *s)
{
	if (!s || s->next == s->n)
		return NULL;
	return s->skel[s->next++];
}

/* Counts c written into the per-CPU counters of stats map fd, on the
 * first CPU (a program that does not run yet).  0 or -errno. */
static int xdp_stats_seed(int fd,
			  const struct xdpvs_dp_counter c[XDPVS_DP_STAT_MAX])
{
	int ncpu = libbpf_num_possible_cpus(), err = 0;
	struct xdpvs_dp_counter *v;
	uint32_t k;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (k = 0; k < XDPVS_DP_STAT_MAX && !err; k++) {
		v[0] = c[k];
		if (bpf_map_update_elem(fd, &k, v, BPF_ANY))
			err = -errno;
	}
	free(v);
	return err;
}

/*
 * l, a kept program adopted alone on its hook, replaced by skel's, loaded
 * on the same shared maps, in one step (XDP_FLAGS_REPLACE: every packet
 * meets one or the other): an upgrade runs the new fast path without a
 * gap.  The new program's own counters start from the replaced one's
 * counts, written there before the swap, so that the next xdpvsd, which
 * reads them alone, carries them on too; what the replaced one counted
 * during the swap becomes l's base (all it counted if that write
 * failed), so that what dp_xdp_stats() says carries on.  0, or -errno
 * (skel destroyed, l as it was).
 */
static int xdp_swap(struct dp_xdp_link *l, struct xdpvs_bpf *skel)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	struct xdpvs_dp_counter c[XDPVS_DP_STAT_MAX];
	struct xdpvs_dp_counter seed[XDPVS_DP_STAT_MAX] = { 0 };
	struct bpf_prog_info info = { 0 };
	struct xdp_program *prog = NULL;
	uint32_t len = sizeof(info), k;
	int err = 0, fd = bpf_program__fd(skel->progs.xdpvs_xdp);

	/* by id: libxdp's object then has an fd of its own to close */
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		err = -errno;
	if (!err) {
		prog = xdp_program__from_id(info.id);
		err = (int)libxdp_get_error(prog);
	}
	if (!err && (dp_xdp_stats(l, seed) ||
		     xdp_stats_seed(bpf_map__fd(skel->maps.xdpvs_stats), seed)))
		memset(seed, 0, sizeof(seed));	/* all in the base, then */
	opts.old_prog_fd = xdp_program__fd(l->prog);
	if (!err && bpf_xdp_attach(l->ifindex, fd,
				   XDP_FLAGS_REPLACE | xdp_mode_flag(l->mode),
				   &opts))
		err = -errno;
	if (err) {
		if (prog && !libxdp_get_error(prog))
			xdp_program__close(prog);
		xdpvs_bpf__destroy(skel);
		return err;
	}
	/* read once it runs no more (but for a packet in flight) */
	if (!dp_xdp_stats(l, c)) {
		for (k = 0; k < XDPVS_DP_STAT_MAX; k++) {
			c[k].packets -= seed[k].packets;
			c[k].bytes -= seed[k].bytes;
		}
		memcpy(l->base, c, sizeof(c));
	}
	dp_xdp_detach(l, true);		/* the kept one's fds */
	l->skel = skel;
	l->prog = prog;
	l->xsks = bpf_map__fd(skel->maps.xdpvs_xsks);
	l->stats = bpf_map__fd(skel->maps.xdpvs_stats);
	l->kept_prog = l->replace = false;
	return 0;
}

/*
 * The kept program of another build on l replaced at adoption by one of
 * spare's (--takeover: loaded ahead, on these maps).  0; -EINPROGRESS
 * when none is there for it: it is then loaded in the background once
 * xdpvsd serves (xdp_upgrade.h), the kept program serving meanwhile;
 * -EOPNOTSUPP when libxdp's dispatcher holds the hook; or -errno.
 */
static int xdp_upgrade(struct dp_xdp_link *l, bool legacy,
		       struct dp_xdp_spare *spare)
{
	struct xdpvs_bpf *skel;

	if (!legacy)
		return -EOPNOTSUPP;
	skel = spare && spare->on_kept ? xdp_spare_take(spare) : NULL;
	return skel ? xdp_swap(l, skel) : -EINPROGRESS;
}

void dp_xdp_replace(struct dp_xdp_link *l, struct dp_xdp_spare *s, int err,
		    long ms, const int *xsks, uint32_t n)
{
	struct xdpvs_bpf *skel = err ? NULL : xdp_spare_take(s);
	uint32_t q, was = xdp_program__id(l->prog);
	int fd;

	if (!err && !skel)
		err = -ENOENT;
	/* Its sockets first: what it sends up from its first packet on
	 * finds them (the XSKMAP is the program's own, an AF_XDP socket
	 * may be in several). */
	fd = skel ? bpf_map__fd(skel->maps.xdpvs_xsks) : -1;
	for (q = 0; q < n && !err; q++)
		if (bpf_map_update_elem(fd, &q, &xsks[q], BPF_ANY))
			err = -errno;
	if (skel && err)
		xdpvs_bpf__destroy(skel);
	else if (skel)
		err = xdp_swap(l, skel);
	if (err) {
		l->replace = false;
		log_warn("%s: XDP program of another build kept (%s mode, "
			 "program id %u), not replaced: %s", l->ifname,
			 dp_xdp_mode_name(l->mode), was, strerror(-err));
		return;
	}
	log_info("%s: XDP program adopted and replaced by this build's (%s "
		 "mode, program id %u, was %u; loaded in the background in %ld "
		 "ms)", l->ifname, dp_xdp_mode_name(l->mode),
		 xdp_program__id(l->prog), was, ms);
}

int dp_xdp_adopt(const char *ifname, int ifindex, const char *bpffs,
		 bool replace, struct dp_xdp_spare *spare,
		 struct dp_xdp_maps *maps, struct dp_xdp_link *l)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	struct dp_xdp_maps m;
	struct xdp_program *p;
	unsigned int kept_id;
	int err, ahead = -1;
	bool legacy;

	dp_xdp_maps_none(&m);
	if (libxdp_get_error(mp))
		return -ENOENT;
	p = xdp_ours_in(mp);
	if (!p) {
		xdp_multiprog__close(mp);
		return -ENOENT;
	}
	memset(l, 0, sizeof(*l));
	l->xsks = l->stats = l->own_fds[0] = l->own_fds[1] = -1;
	l->ifindex = ifindex;
	l->mode = xdp_multiprog__attach_mode(mp);
	legacy = xdp_multiprog__is_legacy(mp);
	snprintf(l->ifname, sizeof(l->ifname), "%s", ifname);
	l->prog = xdp_program__from_id(xdp_program__id(p));
	xdp_multiprog__close(mp);
	err = (int)libxdp_get_error(l->prog);
	if (err) {
		l->prog = NULL;
		log_err_r(err, "%s: cannot open the attached program", ifname);
		return err;
	}
	if (maps->set)
		m = *maps;
	err = xdp_prog_maps(xdp_program__fd(l->prog), &m, l);
	if (!err && !maps->set && replace)
		xdp_spare_maps(spare, &m);
	if (!err && !maps->set)
		err = xdp_pinned_maps(&m, bpffs, true);
	if (err) {
		log_err_r(err, "%s: cannot find the attached program's maps",
			  ifname);
		if (!maps->set)
			dp_xdp_maps_close(&m);
		dp_xdp_detach(l, true);
		return err;
	}
	if (!maps->set) {
		*maps = m;
		maps->set = true;
		maps->adopted = true;
	}
	kept_id = xdp_program__id(l->prog);
	if (spare)
		ahead = spare->next;
	err = replace ? xdp_upgrade(l, legacy, spare) : -EEXIST;
	l->adopted = true;
	l->kept_prog = err != 0;
	l->replace = err == -EINPROGRESS;
	if (err == -EEXIST)
		log_info("%s: XDP program adopted (%s mode, program id %u)",
			 ifname, dp_xdp_mode_name(l->mode), kept_id);
	else if (err == -EINPROGRESS)
		log_info("%s: XDP program of another build adopted (%s mode, "
			 "program id %u): it serves until this build's, "
			 "loaded in the background, replaces it", ifname,
			 dp_xdp_mode_name(l->mode), kept_id);
	else if (err)
		log_warn("%s: XDP program of another build adopted (%s mode, "
			 "program id %u), not replaced: %s", ifname,
			 dp_xdp_mode_name(l->mode), kept_id,
			 err == -EOPNOTSUPP ? "behind libxdp's dispatcher"
					    : strerror(-err));
	else
		log_info("%s: XDP program adopted and replaced by this "
			 "build's (%s mode, program id %u, was %u%s)", ifname,
			 dp_xdp_mode_name(l->mode), xdp_program__id(l->prog),
			 kept_id, spare && spare->next != ahead ?
					  "; loaded ahead" : "");
	return 0;
}

void dp_xdp_detach(struct dp_xdp_link *l, bool keep)
{
	int err;

	if (!l->prog)
		return;
	if (!keep) {
		err = xdp_program__detach(l->prog, l->ifindex, l->mode, 0);
		if (err)
			log_err_r(err, "%s: cannot detach XDP", l->ifname);
		else
			log_debug("%s: XDP program detached", l->ifname);
	} else {
		log_debug("%s: XDP program left attached", l->ifname);
	}
	xdp_program__close(l->prog);
	xdpvs_bpf__destroy(l->skel);
	if (l->own_fds[0] >= 0)
		close(l->own_fds[0]);
	if (l->own_fds[1] >= 0)
		close(l->own_fds[1]);
	l->own_fds[0] = l->own_fds[1] = -1;
	l->prog = NULL;
	l->skel = NULL;
}

int dp_xdp_xskmap_fd(const struct dp_xdp_link *l)
{
	return l->xsks;
}

int dp_xdp_stats(const struct dp_xdp_link *l,
		 struct xdpvs_dp_counter out[XDPVS_DP_STAT_MAX])
{
	int ncpu = libbpf_num_possible_cpus(), fd, c;
	struct xdpvs_dp_counter *v;
	uint32_t k;

	/* what the programs it replaced counted, then its own */
	memcpy(out, l->base, sizeof(l->base));
	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	fd = l->stats;
	for (k = 0; k < XDPVS_DP_STAT_MAX; k++) {
		if (bpf_map_lookup_elem(fd, &k, v)) {
			free(v);
			return -errno;
		}
		for (c = 0; c < ncpu; c++) {
			out[k].packets += v[c].packets;
			out[k].bytes += v[c].bytes;
		}
	}
	free(v);
	return 0;
}
