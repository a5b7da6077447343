/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xdpvsd's one logging module (as xdp-tools' lib/util/logging and OpenSSH's
 * log.h): four levels, messages to stderr in the foreground or to syslog
 * once daemonised, a _r() variant of each appending strerror(-err), and
 * libbpf's and libxdp's own messages fed through here one level lower than
 * they claim (their "info" is our debug), so -v shows them only when asked.
 * What traffic triggers goes through log_rl(), at most a burst per interval.
 * Messages may come from any thread (xdpvsd's background load of its XDP
 * program, through libbpf's); log_rl() and the setters from the main one.
 */
#ifndef XDPVS_DAEMON_LOG_H
#define XDPVS_DAEMON_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum log_level {
	LOG_LVL_ERR,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
	LOG_LVL_VERBOSE,	/* libbpf/libxdp debug output */
};

/* Messages are prefixed "prog: " on stderr; level is the most verbose
 * level shown.  Also routes libbpf's and libxdp's output here. */
void log_init(const char *prog, enum log_level level);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* From now on to syslog (facility daemon) rather than stderr. */
void log_to_syslog(void);

__attribute__((format(printf, 3, 4)))
void log_msg(enum log_level level, int err, const char *fmt, ...);

#define log_err(...)	log_msg(LOG_LVL_ERR, 0, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_LVL_WARN, 0, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_LVL_INFO, 0, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_LVL_DEBUG, 0, __VA_ARGS__)
/* As above with ": strerror(-err)" appended (err is a negative errno). */
#define log_err_r(err, ...)	log_msg(LOG_LVL_ERR, (err), __VA_ARGS__)
#define log_warn_r(err, ...)	log_msg(LOG_LVL_WARN, (err), __VA_ARGS__)
#define log_info_r(err, ...)	log_msg(LOG_LVL_INFO, (err), __VA_ARGS__)
#define log_debug_r(err, ...)	log_msg(LOG_LVL_DEBUG, (err), __VA_ARGS__)

/*
 * A rate limit for one kind of message: at most burst messages per
 * interval; the first message after a quiet interval says how many were
 * suppressed.  Zero-initialise with LOG_RL_INIT.
 */
struct log_rl {
	uint64_t interval_ns;
	uint32_t burst;
	uint32_t printed;	/* in the current interval */
	uint64_t missed;	/* suppressed since the last printed one */
	uint64_t begin;		/* start of the current interval, ns */
};
#define LOG_RL_INIT(interval_s, n) \
	{ .interval_ns = (uint64_t)(interval_s) * 1000000000ULL, .burst = (n) }

/* Log through rl (now: CLOCK_MONOTONIC ns); returns whether it printed. */
__attribute__((format(printf, 5, 6)))
bool log_rl(struct log_rl *rl, uint64_t now, enum log_level level, int err,
	    const char *fmt, ...);

#endif
