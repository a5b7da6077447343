// SPDX-License-Identifier: GPL-2.0-only
/*
 * An upgrade's XDP program loaded in the background (xdp_upgrade.h): a
 * thread that runs dp_xdp_spare_on() and tells the event loop through an
 * eventfd.
 *
 * Stopping it: xdpvsd may exit (or be taken over) while the verifier
 * runs, and waiting for it would hold the exit, so the hand-over, that
 * long.  The verifier gives up with -EAGAIN when a signal is pending for
 * the loading thread, and libbpf tries again a few times (then once more
 * to fetch its log): the thread is signalled every XDP_BG_KICK_NS until
 * it ends, each signal cutting one attempt short, and gives up before
 * the next instance (its stop flag).  The signal's handler does nothing;
 * the thread alone has it unblocked, every other one blocked (so that
 * the daemon's signalfd keeps its signals), and SA_RESTART restarts what
 * else it interrupts.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "daemon/log.h"
#include "xdp_upgrade.h"

#define XDP_BG_SIG	SIGURG	/* ignored by default: ours alone */
#define XDP_BG_KICK_NS	1000000		/* 1 ms between signals */
#define XDP_BG_KICKS	10000		/* 10 s of them at most */

struct dp_xdp_bg {
	pthread_t thread;
	int efd;
	struct dp_xdp_maps maps;	/* duplicates: the thread's */
	uint32_t conn_max;
	int n;
	bool stop;		/* __atomic: give up */
	bool done;		/* __atomic: the thread is about to end */
	/* the outcome, read after pthread_join() */
	struct dp_xdp_spare *spare;
	int err;
	long ms;
};

static long bg_ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)((t.tv_sec - t0->tv_sec) * 1000 +
		      (t.tv_nsec - t0->tv_nsec) / 1000000);
}

static void *bg_main(void *arg)
{
	struct dp_xdp_bg *bg = arg;
	struct timespec t0;
	uint64_t one = 1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	bg->spare = dp_xdp_spare_on(&bg->maps, bg->conn_max, bg->n,
				    &bg->stop, &bg->err);
	bg->ms = bg_ms_since(&t0);
	__atomic_store_n(&bg->done, true, __ATOMIC_RELEASE);
	/* cannot fail: the counter is far from its maximum */
	if (write(bg->efd, &one, sizeof(one)) != sizeof(one))
		bg->err = bg->err ? bg->err : -errno;
	return NULL;
}

static void bg_kicked(int sig)
{
}

/* The thread, its signal only unblocked, with the handler installed. */
static int bg_thread(struct dp_xdp_bg *bg)
{
	struct sigaction sa = { .sa_handler = bg_kicked,
				.sa_flags = SA_RESTART };
	sigset_t all, old;
	int err;

	sigemptyset(&sa.sa_mask);
	if (sigaction(XDP_BG_SIG, &sa, NULL))
		return -errno;
	/* what the thread starts with */
	sigfillset(&all);
	sigdelset(&all, XDP_BG_SIG);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = -pthread_create(&bg->thread, NULL, bg_main, bg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}

int dp_xdp_bg_start(const struct dp_xdp_maps *maps, uint32_t conn_max,
		    int n, struct dp_xdp_bg **out)
{
	struct dp_xdp_bg *bg = calloc(1, sizeof(*bg));
	int err;

	if (!bg)
		return -ENOMEM;
	bg->conn_max = conn_max;
	bg->n = n;
	bg->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	err = bg->efd < 0 ? -errno : dp_xdp_maps_dup(maps, &bg->maps);
	if (!err) {
		err = bg_thread(bg);
		if (err)
			dp_xdp_maps_close(&bg->maps);
	}
	if (err) {
		if (bg->efd >= 0)
			close(bg->efd);
		free(bg);
		return err;
	}
	*out = bg;
	return 0;
}

int dp_xdp_bg_fd(const struct dp_xdp_bg *bg)
{
	return bg->efd;
}

struct dp_xdp_spare *dp_xdp_bg_end(struct dp_xdp_bg *bg, int *err,
				   long *ms)
{
	struct dp_xdp_spare *s;

	pthread_join(bg->thread, NULL);
	s = bg->spare;
	*err = bg->err;
	*ms = bg->ms;
	close(bg->efd);
	free(bg);
	return s;
}

void dp_xdp_bg_cancel(struct dp_xdp_bg *bg)
{
	struct timespec gap = { .tv_nsec = XDP_BG_KICK_NS }, t0;
	int i, err;
	long ms;

	if (!bg)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	__atomic_store_n(&bg->stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < XDP_BG_KICKS &&
		    !__atomic_load_n(&bg->done, __ATOMIC_ACQUIRE); i++) {
		pthread_kill(bg->thread, XDP_BG_SIG);
		nanosleep(&gap, NULL);
	}
	dp_xdp_spare_free(dp_xdp_bg_end(bg, &err, &ms));
	log_debug("background load of the XDP program stopped after %ld ms "
		  "(%ld ms to stop it)", ms, bg_ms_since(&t0));
}
