/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xdpvsd's connection synchronisation daemons (ipvsadm --start-daemon
 * master|backup), as the kernel's ip_vs_sync.c threads: the sockets
 * (multicast to group:port+id on --mcast-interface), the master's
 * buffers and when they are sent, the backup's receiving; the messages
 * are core/sync_msg.c's and the engine decides what is due and applies
 * what comes (<xdpvs/engine.h>).  Everything runs from the event loop.
 */
#ifndef XDPVS_DAEMON_SYNCD_H
#define XDPVS_DAEMON_SYNCD_H

#include <stdint.h>
#include <stdio.h>

struct loop;
struct syncd;
struct xdpvs_ctl_daemon;
struct xdpvs_engine;

/* Nothing running yet; NULL without memory. */
struct syncd *syncd_new(struct loop *l, struct xdpvs_engine *e);
/* Stop whatever runs and free s (NULL is fine). */
void syncd_free(struct syncd *s);

/*
 * Start the master or the backup of d->state with d's options (zero:
 * the kernel's default).  0, or the kernel's refusals: -EINVAL (services
 * with real servers of another family; not a multicast group; no such
 * role), -ENODEV (no such interface), -EEXIST (that role runs), or the
 * -errno of a socket operation.
 */
int syncd_start(struct syncd *s, const struct xdpvs_ctl_daemon *d);
/* Stop a role: 0, -ESRCH (not running), -EINVAL (no such role). */
int syncd_stop(struct syncd *s, uint32_t state);
/* The running daemons with their options as in effect (master first),
 * at most max of them; returns how many. */
int syncd_list(const struct syncd *s, struct xdpvs_ctl_daemon *out, int max);
/* Counters of both roles, one per line ("sync ..."). */
void syncd_dump(const struct syncd *s, FILE *f);

#endif
