/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xdpvsd's event loop: one thread, epoll, a callback per file descriptor.
 * The engine is single-threaded by design, so everything that touches it
 * (packets from AF_XDP, control requests, netlink updates, timers) runs
 * from here, one callback at a time.
 */
#ifndef XDPVS_DAEMON_LOOP_H
#define XDPVS_DAEMON_LOOP_H

#include <stdint.h>

struct loop;

/* Called with the epoll events (EPOLLIN ...) that fired on the fd. */
typedef void (*loop_fn)(void *arg, uint32_t events);

/* A new loop, or NULL (errno set). */
struct loop *loop_new(void);
void loop_free(struct loop *l);
/* Watch fd for events; 0 or -errno. */
int loop_add(struct loop *l, int fd, uint32_t events, loop_fn fn, void *arg);
int loop_mod(struct loop *l, int fd, uint32_t events);
int loop_del(struct loop *l, int fd);
/* Run until loop_stop(); returns 0, or -errno on a loop failure. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);
/* The engine's clock: CLOCK_MONOTONIC in ns. */
uint64_t loop_now(void);

#endif
