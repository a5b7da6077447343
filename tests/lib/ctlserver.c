// SPDX-License-Identifier: GPL-2.0-only
/*
 * ctlserver: xdpvsd's control socket without a data path, with a
 * stand-in sync daemon, for the end-to-end tests of xdpvsadm's sync
 * daemon commands (xdpvsd, which the other cases run without an
 * interface, has no connection synchronisation yet).  An engine, the
 * event loop and control_start() on the path given.  With -s the sync
 * daemon only remembers what it was told (filling in the kernel's
 * defaults, as -L --daemon shows them); without -s the daemon commands
 * get -EOPNOTSUPP, as from xdpvsd.  Prints "ready" on stdout once
 * listening; SIGTERM or SIGINT stop it (the socket file is removed).
 *
 *	ctlserver [-s] PATH
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <xdpvs/engine.h>

#include "ctl/cmd.h"
#include "daemon/control.h"
#include "daemon/loop.h"

/* The sync daemons started, master first (as the kernel lists them). */
struct fake_sync {
	struct xdpvs_ctl_daemon d[2];
};

static int fake_slot(uint32_t state)
{
	return state == XDPVS_CTL_DAEMON_MASTER ? 0 :
	       state == XDPVS_CTL_DAEMON_BACKUP ? 1 : -1;
}

/* The kernel's defaults for what --start-daemon left out. */
static int fake_start(void *ctx, const struct xdpvs_ctl_daemon *d)
{
	struct fake_sync *s = ctx;
	int i = fake_slot(d->state);
	struct xdpvs_ctl_daemon *n;

	if (i < 0)
		return -EINVAL;
	n = &s->d[i];
	if (n->state)
		return -EEXIST;
	*n = *d;
	if (!n->sync_maxlen)
		n->sync_maxlen = 1472;
	if (n->mcast_af == AF_UNSPEC) {
		n->mcast_af = AF_INET;
		inet_pton(AF_INET, "224.0.0.81", &n->mcast_group);
	}
	if (!n->mcast_port)
		n->mcast_port = 8848;
	if (!n->mcast_ttl)
		n->mcast_ttl = 1;
	return 0;
}

static int fake_stop(void *ctx, uint32_t state)
{
	struct fake_sync *s = ctx;
	int i = fake_slot(state);

	if (i < 0)
		return -EINVAL;
	if (!s->d[i].state)
		return -ESRCH;
	memset(&s->d[i], 0, sizeof(s->d[i]));
	return 0;
}

static int fake_list(void *ctx, struct xdpvs_ctl_daemon *out, int max)
{
	struct fake_sync *s = ctx;
	int i, n = 0;

	for (i = 0; i < 2; i++)
		if (s->d[i].state && n < max)
			out[n++] = s->d[i];
	return n;
}

static void on_signal(void *arg, uint32_t events)
{
	loop_stop(arg);
}

/* A signalfd for SIGTERM and SIGINT, or -1. */
static int signals_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC);
}

int main(int argc, char **argv)
{
	struct xdpvs_engine_params p = { .conn_max = 4096 };
	struct fake_sync sync = { 0 };
	struct control_ops ops = { fake_start, fake_stop, fake_list, NULL,
				   NULL, NULL, &sync };
	struct xdpvs_engine *e;
	struct control *c;
	struct loop *l;
	int sfd, err = 0, with_sync = argc == 3 && !strcmp(argv[1], "-s");

	if (argc != 2 + with_sync) {
		fprintf(stderr, "usage: ctlserver [-s] PATH\n");
		return 2;
	}
	l = loop_new();
	e = xdpvs_engine_new(&p);
	sfd = signals_fd();
	if (!l || !e || sfd < 0 || loop_add(l, sfd, EPOLLIN, on_signal, l)) {
		fprintf(stderr, "ctlserver: cannot set up: %s\n",
			strerror(errno));
		return 1;
	}
	c = control_start(l, argv[argc - 1], e, with_sync ? &ops : NULL, &err);
	if (!c) {
		fprintf(stderr, "ctlserver: %s: %s\n", argv[argc - 1],
			strerror(-err));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	err = loop_run(l);
	control_stop(c);
	close(sfd);
	xdpvs_engine_free(e);
	loop_free(l);
	return err ? 1 : 0;
}
