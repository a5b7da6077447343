// SPDX-License-Identifier: GPL-2.0-only
/*
 * The logging module of log.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "log.h"

static const char *log_prog = "xdpvsd";
/* Read with __atomic loads: a thread of the data path's (its background
 * load, through libbpf) may log while the main thread changes them. */
static enum log_level log_level = LOG_LVL_INFO;
static bool log_syslog;

static enum log_level log_level_now(void)
{
	return __atomic_load_n(&log_level, __ATOMIC_RELAXED);
}

static const int log_prio[] = {
	[LOG_LVL_ERR] = LOG_ERR,
	[LOG_LVL_WARN] = LOG_WARNING,
	[LOG_LVL_INFO] = LOG_INFO,
	[LOG_LVL_DEBUG] = LOG_DEBUG,
	[LOG_LVL_VERBOSE] = LOG_DEBUG,
};

static void log_v(enum log_level level, int err, const char *fmt, va_list ap)
{
	char buf[1024];
	int n;

	if (level > log_level_now())
		return;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n < 0)
		return;
	if (err && (size_t)n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - (size_t)n, ": %s",
			 strerror(err < 0 ? -err : err));
	/* one call a message: stderr's lock or syslog's keeps it whole */
	if (__atomic_load_n(&log_syslog, __ATOMIC_RELAXED))
		syslog(log_prio[level], "%s", buf);
	else
		fprintf(stderr, "%s: %s\n", log_prog, buf);
}

void log_msg(enum log_level level, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(level, err, fmt, ap);
	va_end(ap);
}

/* libbpf's and libxdp's messages end with their own newline and may come
 * in pieces; shown one level lower than they say (their WARN is our
 * INFO...), as they are details of what we then report ourselves. */
static int log_lib(int lib_level, const char *fmt, va_list ap)
{
	enum log_level level = (enum log_level)(lib_level + LOG_LVL_INFO);
	char buf[1024];
	size_t n;

	if (level > log_level_now())
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	if (n)
		log_msg(level, 0, "%s", buf);
	return 0;
}

static int log_libbpf(enum libbpf_print_level level, const char *fmt,
		      va_list ap)
{
	return log_lib((int)level, fmt, ap);
}

static int log_libxdp(enum libxdp_print_level level, const char *fmt,
		      va_list ap)
{
	return log_lib((int)level, fmt, ap);
}

void log_init(const char *prog, enum log_level level)
{
	log_prog = prog;
	log_set_level(level);
	libbpf_set_print(log_libbpf);
	libxdp_set_print(log_libxdp);
}

void log_set_level(enum log_level level)
{
	__atomic_store_n(&log_level, level, __ATOMIC_RELAXED);
}

enum log_level log_get_level(void)
{
	return log_level_now();
}

void log_to_syslog(void)
{
	openlog(log_prog, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	__atomic_store_n(&log_syslog, true, __ATOMIC_RELAXED);
}

bool log_rl(struct log_rl *rl, uint64_t now, enum log_level level, int err,
	    const char *fmt, ...)
{
	va_list ap;

	if (level > log_level_now())
		return false;
	if (now - rl->begin >= rl->interval_ns) {
		if (rl->missed)
			log_msg(level, 0, "%llu similar messages suppressed",
				(unsigned long long)rl->missed);
		rl->begin = now;
		rl->printed = 0;
		rl->missed = 0;
	}
	if (rl->printed >= rl->burst) {
		rl->missed++;
		return false;
	}
	rl->printed++;
	va_start(ap, fmt);
	log_v(level, err, fmt, ap);
	va_end(ap);
	return true;
}
