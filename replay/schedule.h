/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xdpvs-replay's rules file: ipvsadm -S lines applied before the first
 * frame, and (an xdpvs-replay extension) lines prefixed "@SECONDS" applied
 * when the capture's clock reaches that time, in file order, so a test can
 * edit weights or remove servers in the middle of the traffic.
 */
#ifndef XDPVS_REPLAY_SCHEDULE_H
#define XDPVS_REPLAY_SCHEDULE_H

#include <stdint.h>
#include <xdpvs/engine.h>

#include "ctl/cmd.h"

struct replay_timed {
	uint64_t at;			/* ns, capture clock */
	unsigned int line;
	struct xdpvs_ctl_cmd cmd;
};

struct replay_schedule {
	const char *file;
	struct replay_timed *timed;
	int n, next;
};

/*
 * Read path: apply the untimed commands to e now, keep the timed ones.
 * Returns 0, or -1 with err->msg "FILE:LINE: reason" (ipvsadm's wording).
 */
int replay_schedule_load(struct replay_schedule *s, const char *path,
			 struct xdpvs_engine *e, struct xdpvs_ctl_err *err);
/* Apply the timed commands due by now; 0, or -1 with err as above. */
int replay_schedule_run(struct replay_schedule *s, struct xdpvs_engine *e,
			uint64_t now, struct xdpvs_ctl_err *err);
void replay_schedule_free(struct replay_schedule *s);

#endif
