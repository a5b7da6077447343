// SPDX-License-Identifier: GPL-2.0-only
/*
 * The maps every instance of xdpvsd's XDP program shares (struct
 * dp_xdp_maps, xdp.h) as one set of named fds: closed or duplicated
 * together, and pinned under BPFFS/xdpvs/v3/ (by their names there)
 * behind a lock on that directory, so that one xdpvsd at a time owns the
 * pins and a successor finds them (dp_xdp_adopt()).  No skeleton.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include <bpf/bpf.h>

#include <xdpvs/flow.h>
#include <xdpvs/pick.h>

#include "daemon/log.h"
#include "xdp_maps.h"

/* The shared maps' names, in struct dp_xdp_maps order. */
static const char *const xdp_shared_names[] = {
	XDPVS_DP_SVC_MAP, XDPVS_DP_NAT_RS_MAP, XDPVS_DP_LOCAL_MAP,
	XDPVS_DP_MARK_MAP, XDPVS_FLOW_MAP, XDPVS_FLOW_SVC_STATS,
	XDPVS_FLOW_DEST_STATS, XDPVS_DP_CTL_MAP, XDPVS_FLOW_EVENTS,
	XDPVS_DP_TX_MAP, XDPVS_PICK_MAP, XDPVS_PICK_SVC_MAP,
	XDPVS_PICK_TMPL_MAP,
};
_Static_assert(sizeof(xdp_shared_names) ==
	       DP_XDP_NSHARED * sizeof(xdp_shared_names[0]),
	       "a name for each shared map");

const char *dp_xdp_shared_name(unsigned int i)
{
	return xdp_shared_names[i];
}

int *dp_xdp_shared_fd(struct dp_xdp_maps *m, unsigned int i)
{
	int *fds[DP_XDP_NSHARED] = {
		&m->svcs, &m->nat_rs, &m->local, &m->marks, &m->flows,
		&m->svc_st, &m->dest_st, &m->ctl, &m->events, &m->tx,
		&m->picks, &m->pick_svc, &m->pick_tm,
	};

	return fds[i];
}

void dp_xdp_maps_none(struct dp_xdp_maps *m)
{
	unsigned int j;

	memset(m, 0, sizeof(*m));
	for (j = 0; j < DP_XDP_NSHARED; j++)
		*dp_xdp_shared_fd(m, j) = -1;
}

void dp_xdp_maps_close(struct dp_xdp_maps *m)
{
	unsigned int j;

	for (j = 0; j < DP_XDP_NSHARED; j++)
		if (*dp_xdp_shared_fd(m, j) >= 0)
			close(*dp_xdp_shared_fd(m, j));
	dp_xdp_maps_none(m);
}

int dp_xdp_maps_dup(const struct dp_xdp_maps *m, struct dp_xdp_maps *out)
{
	struct dp_xdp_maps in = *m;
	unsigned int j;
	int err;

	dp_xdp_maps_none(out);
	for (j = 0; j < DP_XDP_NSHARED; j++) {
		*dp_xdp_shared_fd(out, j) = fcntl(*dp_xdp_shared_fd(&in, j),
						  F_DUPFD_CLOEXEC, 3);
		if (*dp_xdp_shared_fd(out, j) < 0) {
			err = -errno;
			dp_xdp_maps_close(out);
			return err;
		}
	}
	out->set = out->adopted = true;
	return 0;
}

/* ------------------------------------------------------------------
 * Pinning
 */

static int xdp_mkdir(const char *path)
{
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

int dp_xdp_pin_lock(const char *bpffs)
{
	char dir[PATH_MAX];
	struct statfs sfs;
	int fd, err;

	if (statfs(bpffs, &sfs) || sfs.f_type != BPF_FS_MAGIC) {
		log_info("%s: not a bpf filesystem: maps not pinned", bpffs);
		return 0;
	}
	snprintf(dir, sizeof(dir), "%s/xdpvs", bpffs);
	err = xdp_mkdir(dir);
	snprintf(dir, sizeof(dir), "%s/%s", bpffs, XDPVS_PIN_DIR);
	if (!err)
		err = xdp_mkdir(dir);
	if (err) {
		log_err_r(err, "%s", dir);
		return err;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		log_err_r(err, "%s", dir);
		return err;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		err = -errno;
		if (err != -EWOULDBLOCK)
			log_err_r(err, "%s: cannot lock", dir);
		close(fd);
		return err;
	}
	return fd;
}

int dp_xdp_pin(const struct dp_xdp_maps *m, const char *bpffs, int lock_fd)
{
	struct dp_xdp_maps mm = *m;
	char path[PATH_MAX + 32];
	unsigned int i;
	int err;

	for (i = 0; i < DP_XDP_NSHARED; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", bpffs, XDPVS_PIN_DIR,
			 dp_xdp_shared_name(i));
		/* We hold the lock: whatever is there is a crashed
		 * instance's, or our own kept maps. */
		if (!unlink(path) && !m->adopted)
			log_info("%s: removed a stale pin", path);
		if (bpf_obj_pin(*dp_xdp_shared_fd(&mm, i), path)) {
			err = -errno;
			log_err_r(err, "%s: cannot pin", path);
			return err;
		}
	}
	log_debug("maps pinned under %s/%s", bpffs, XDPVS_PIN_DIR);
	return 0;
}

void dp_xdp_unpin(const char *bpffs, int lock_fd)
{
	char path[PATH_MAX + 32];
	unsigned int i;

	if (lock_fd <= 0)
		return;
	for (i = 0; i < DP_XDP_NSHARED; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", bpffs, XDPVS_PIN_DIR,
			 dp_xdp_shared_name(i));
		if (unlink(path) && errno != ENOENT)
			log_warn_r(-errno, "%s: cannot unpin", path);
	}
	snprintf(path, sizeof(path), "%s/%s", bpffs, XDPVS_PIN_DIR);
	rmdir(path);
	/* Not empty when other versions live there: fine. */
	snprintf(path, sizeof(path), "%s/xdpvs", bpffs);
	rmdir(path);
	close(lock_fd);
}
