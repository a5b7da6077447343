/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xdpvsd's control socket: a Unix stream socket (mode 0600) on which
 * xdpvsadm sends one JSON request per line and reads one JSON reply per
 * line (the message format is in ctl/proto.h).  Requests are dispatched
 * by a { type, flags, handler } table; a malformed or unknown request gets
 * an error reply and that client is closed; the daemon carries on.
 */
#ifndef XDPVS_DAEMON_CONTROL_H
#define XDPVS_DAEMON_CONTROL_H

#include <stdint.h>

struct loop;
struct control;
struct xdpvs_engine;
struct xdpvs_ctl_daemon;

/* What the control socket asks of the rest of the daemon. */
struct control_ops {
	/* Start / stop a sync daemon (-EOPNOTSUPP until sync exists). */
	int (*daemon_start)(void *ctx, const struct xdpvs_ctl_daemon *d);
	int (*daemon_stop)(void *ctx, uint32_t state);
	/* The running sync daemons, for -L --daemon; returns how many. */
	int (*daemon_list)(void *ctx, struct xdpvs_ctl_daemon *out, int max);
	/* The engine's configuration changed (flows may need updating). */
	void (*changed)(void *ctx);
	/* Counters are about to be read or zeroed: bring in what the fast
	 * path counted since the last time. */
	void (*counters)(void *ctx);
	/* Before each request: bring the engine's connections up to date
	 * with what the fast path did (its events). */
	void (*events)(void *ctx);
	void *ctx;
};

/*
 * Create the socket at path (replacing a stale one, refusing a live one
 * with -EADDRINUSE), listen, and serve it from loop l against engine e.
 * Returns NULL with *err set to -errno.
 */
struct control *control_start(struct loop *l, const char *path,
			      struct xdpvs_engine *e,
			      const struct control_ops *ops, int *err);
/* Close every client and the socket, and remove its file. */
void control_stop(struct control *c);

#endif
