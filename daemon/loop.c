// SPDX-License-Identifier: GPL-2.0-only
/*
 * The event loop of loop.h: epoll with one callback per descriptor.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "loop.h"

#define LOOP_MAX_FDS 1024
#define LOOP_BATCH 64

struct loop_watch {
	loop_fn fn;
	void *arg;
	int fd;			/* -1: free slot */
};

struct loop {
	int epfd;
	int stop;
	struct loop_watch w[LOOP_MAX_FDS];
};

struct loop *loop_new(void)
{
	struct loop *l = calloc(1, sizeof(*l));
	int i;

	if (!l)
		return NULL;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		free(l);
		return NULL;
	}
	for (i = 0; i < LOOP_MAX_FDS; i++)
		l->w[i].fd = -1;
	return l;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	close(l->epfd);
	free(l);
}

int loop_add(struct loop *l, int fd, uint32_t events, loop_fn fn, void *arg)
{
	struct epoll_event ev = { .events = events };
	int i;

	for (i = 0; i < LOOP_MAX_FDS && l->w[i].fd >= 0; i++)
		;
	if (i == LOOP_MAX_FDS)
		return -EMFILE;
	ev.data.u32 = (uint32_t)i;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	l->w[i] = (struct loop_watch){ .fn = fn, .arg = arg, .fd = fd };
	return 0;
}

static int loop_find(struct loop *l, int fd)
{
	int i;

	for (i = 0; i < LOOP_MAX_FDS; i++)
		if (l->w[i].fd == fd)
			return i;
	return -1;
}

int loop_mod(struct loop *l, int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events };
	int i = loop_find(l, fd);

	if (i < 0)
		return -ENOENT;
	ev.data.u32 = (uint32_t)i;
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

int loop_del(struct loop *l, int fd)
{
	int i = loop_find(l, fd);

	if (i < 0)
		return -ENOENT;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	l->w[i].fd = -1;
	return 0;
}

int loop_run(struct loop *l)
{
	struct epoll_event ev[LOOP_BATCH];

	l->stop = 0;
	while (!l->stop) {
		int i, n = epoll_wait(l->epfd, ev, LOOP_BATCH, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (i = 0; i < n && !l->stop; i++) {
			struct loop_watch *w = &l->w[ev[i].data.u32];

			/* A callback may have removed a later watch. */
			if (w->fd >= 0)
				w->fn(w->arg, ev[i].events);
		}
	}
	return 0;
}

void loop_stop(struct loop *l)
{
	l->stop = 1;
}

uint64_t loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}
