// SPDX-License-Identifier: GPL-2.0-only
/*
 * STUB -- DELETE AT MERGE.  A stand-in for daemon/control.c (written on
 * another branch) so that xdpvsd links and its tests run meanwhile: it
 * makes the socket as control.h says (umask 077, mode 0600, a live one
 * refused, a stale one replaced), and closes every client it accepts.
 * No request is served.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "loop.h"

struct control {
	struct loop *loop;
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static void stub_accept(void *arg, uint32_t events)
{
	struct control *c = arg;
	int fd = accept4(c->fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd >= 0)
		close(fd);
}

/* Is someone listening on sa?  Then it is not ours to replace. */
static int stub_in_use(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int live;

	if (fd < 0)
		return -errno;
	live = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return live ? -EADDRINUSE : 0;
}

struct control *control_start(struct loop *l, const char *path,
			      struct xdpvs_engine *e,
			      const struct control_ops *ops, int *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct control *c;
	mode_t old;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	strcpy(sa.sun_path, path);
	*err = stub_in_use(&sa);
	if (*err)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c) {
		*err = -ENOMEM;
		return NULL;
	}
	c->loop = l;
	strcpy(c->path, path);
	unlink(path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	old = umask(077);
	*err = c->fd < 0 || bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
			       chmod(path, 0600) || listen(c->fd, 16) ?
		       -errno : 0;
	umask(old);
	if (!*err)
		*err = loop_add(l, c->fd, EPOLLIN, stub_accept, c);
	if (*err) {
		if (c->fd >= 0)
			close(c->fd);
		free(c);
		return NULL;
	}
	return c;
}

void control_stop(struct control *c)
{
	if (!c)
		return;
	loop_del(c->loop, c->fd);
	close(c->fd);
	unlink(c->path);
	free(c);
}
