// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpvsd: the load balancer.  Attaches its XDP program to every -i
 * interface, takes the packets of the virtual services (and the NAT
 * replies) through AF_XDP sockets, runs them through the engine and sends
 * what the engine sends (dp/dp.h); serves xdpvsadm on a Unix socket
 * (daemon/control.h); keeps its routes and neighbours from rtnetlink.
 *
 * One thread, one event loop (loop.h): the sockets, netlink, the control
 * socket, a signalfd (SIGTERM/SIGINT: clean exit; SIGUSR1: counters;
 * SIGUSR2: exit leaving the data path to a successor) and a 1 s timerfd
 * folding the fast path's counters in and running the engine's timers
 * (another thread, for a second or so, loads the XDP program of an
 * upgrade by restart: dp/xdp_upgrade.h).
 * The engine's clock is CLOCK_MONOTONIC, bpf_ktime_get_ns()'s too.
 *
 * Hitless restart (dp/dp.h): with --keep-datapath (or on SIGUSR2) xdpvsd
 * exits leaving its XDP programs attached, its maps pinned and its
 * connections saved beside them; the next xdpvsd on the same bpffs takes
 * it all over, loads its configuration, imports the connections and
 * carries on.  --takeover asks a running xdpvsd to do so (SIGUSR2) and
 * waits for it: the upgrade path.
 *
 * Start-up is all or nothing: any failure undoes what was done, names
 * the interface or file and why, and exits 1.  Without -f, xdpvsd
 * forks first (the parent waits and exits with the child's start-up
 * status, so errors still reach the terminal), and logs to syslog once
 * running.  The fork comes before anything is set up: AF_XDP memory is
 * pinned by the kernel and must not be copied by a fork.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <xdpvs/engine.h>

#include "ctl/cmd.h"
#include "dp/dp.h"
#include "dp/keep.h"
#include "dp/xdp.h"
#include "control.h"
#include "handover.h"
#include "log.h"
#include "loop.h"
#include "syncd.h"

#define XDPVSD_RUNDIR	"/run/xdpvs"
#define XDPVSD_SOCKET	XDPVSD_RUNDIR "/xdpvsd.sock"
#define XDPVSD_PIDFILE	XDPVSD_RUNDIR "/xdpvsd.pid"
#define XDPVSD_BPFFS	"/sys/fs/bpf"
#define XDPVSD_TICK_S	1	/* engine timers: every second */
#define XDPVSD_TAKEOVER_MS 10000	/* --takeover: wait at most that */

struct xdpvsd {
	struct dp_config dpc;
	const char *config;
	const char *socket;
	const char *pidfile;
	const char *dump;
	bool foreground;
	bool check_only;
	bool keep_datapath;	/* --keep-datapath */
	bool takeover;		/* --takeover */
	bool handover;		/* exiting: leave the data path */
	uint64_t let_go_ns;	/* when the xdpvsd we took over from let go */
	uint64_t kept_ns;	/* when the previous xdpvsd left its data path */
	uint32_t conn_max;
	uint64_t seed;
	struct loop *loop;
	struct dp *dp;
	struct xdpvs_engine *e;
	struct control *ctl;
	struct syncd *sync;
	int pid_fd, sig_fd, timer_fd;
};

static void usage(FILE *f)
{
	fputs("Usage: xdpvsd [OPTIONS] [-i IFACE]...\n"
	      "The xdpvs load balancer: IPVS in userspace, over XDP and "
	      "AF_XDP.\n\n"
	      "  -i, --iface IFACE   interface to balance on (repeatable;\n"
	      "                      none: control socket only)\n"
	      "  -c, --config FILE   rules to start with (ipvsadm -S format)\n"
	      "  -n, --check         check the configuration and exit\n"
	      "  -f, --foreground    do not fork; log to stderr\n"
	      "      --socket PATH   control socket\n"
	      "                      (default " XDPVSD_SOCKET ")\n"
	      "      --pidfile PATH  pid file and lock\n"
	      "                      (default " XDPVSD_PIDFILE ")\n"
	      "      --conn-max N    connection table capacity (default "
	      "1048576)\n"
	      "      --bpffs DIR     bpf filesystem for the pinned maps\n"
	      "                      (default " XDPVSD_BPFFS ")\n"
	      "      --skb-mode      generic XDP, copy-mode AF_XDP everywhere\n"
	      "      --keep-datapath on SIGTERM, leave the data path (XDP,\n"
	      "                      maps, connections) to the next xdpvsd\n"
	      "      --takeover      make a running xdpvsd leave its data path\n"
	      "                      to us, and take it over\n"
	      "      --dump FILE     write the tables and counters to FILE\n"
	      "                      on SIGUSR1 and at exit (debugging)\n"
	      "  -v, --verbose       more messages (twice: libbpf's and "
	      "libxdp's)\n"
	      "  -q, --quiet         errors only\n"
	      "  -h, --help          this text\n", f);
}

enum {
	OPT_SOCKET = 256, OPT_PIDFILE, OPT_CONN_MAX, OPT_BPFFS, OPT_SKB,
	OPT_DUMP, OPT_KEEP, OPT_TAKEOVER,
};

static int parse_number(const char *opt, const char *arg, uint32_t *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || !v || v > (1UL << 27)) {
		log_err("%s: invalid number `%s' (1-%lu)", opt, arg, 1UL << 27);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* Options into d; 0, or the exit status (2) after saying why. */
static int parse_args(struct xdpvsd *d, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'n' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "pidfile", required_argument, NULL, OPT_PIDFILE },
		{ "conn-max", required_argument, NULL, OPT_CONN_MAX },
		{ "bpffs", required_argument, NULL, OPT_BPFFS },
		{ "skb-mode", no_argument, NULL, OPT_SKB },
		{ "dump", required_argument, NULL, OPT_DUMP },
		{ "keep-datapath", no_argument, NULL, OPT_KEEP },
		{ "takeover", no_argument, NULL, OPT_TAKEOVER },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "i:c:nfvqh", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'i':
			if (d->dpc.nifs == DP_MAX_IFACES) {
				log_err("at most %d interfaces", DP_MAX_IFACES);
				return 2;
			}
			d->dpc.ifnames[d->dpc.nifs++] = optarg;
			break;
		case 'c': d->config = optarg; break;
		case 'n': d->check_only = true; break;
		case 'f': d->foreground = true; break;
		case OPT_SOCKET: d->socket = optarg; break;
		case OPT_PIDFILE: d->pidfile = optarg; break;
		case OPT_CONN_MAX:
			if (parse_number("--conn-max", optarg, &d->conn_max))
				return 2;
			break;
		case OPT_BPFFS: d->dpc.bpffs = optarg; break;
		case OPT_SKB: d->dpc.force_skb = true; break;
		case OPT_DUMP: d->dump = optarg; break;
		case OPT_KEEP: d->keep_datapath = true; break;
		case OPT_TAKEOVER: d->takeover = true; break;
		case 'v':
			if (log_get_level() < LOG_LVL_VERBOSE)
				log_set_level(log_get_level() + 1);
			break;
		case 'q': log_set_level(LOG_LVL_ERR); break;
		case 'h': usage(stdout); exit(0);
		default:
			fputs("Try `xdpvsd --help' for more information.\n",
			      stderr);
			return 2;
		}
	}
	if (optind < argc) {
		log_err("unexpected argument `%s'", argv[optind]);
		return 2;
	}
	return 0;
}

/* ------------------------------------------------------------------
 * Configuration
 */

/*
 * One command of a configuration for d: the engine's, or --start-daemon
 * for d's sync daemons, as ipvsadm -R would run it (none yet: -n checks
 * the line only).  0 or -errno with *err filled.
 */
static int apply_cmd(void *arg, const struct xdpvs_ctl_cmd *cmd,
		     struct xdpvs_ctl_err *err)
{
	struct xdpvsd *d = arg;
	int rc;

	if (cmd->cmd != XDPVS_CTL_CMD_START_DAEMON)
		return xdpvs_ctl_apply(d->e, cmd, err);
	rc = d->sync ? syncd_start(d->sync, &cmd->daemon) : 0;
	if (rc < 0) {
		err->status = XDPVS_CTL_EXIT_OTHER;
		snprintf(err->msg, sizeof(err->msg), "%s",
			 xdpvs_ctl_strerror(cmd->cmd, rc));
	}
	return rc;
}

static int apply_rule(const struct xdpvs_ctl_cmd *cmd,
		      const struct xdpvs_ctl_rule_pos *pos, void *arg,
		      struct xdpvs_ctl_err *err)
{
	struct xdpvs_ctl_err e;
	int rc = apply_cmd(arg, cmd, &e);

	if (rc < 0) {
		snprintf(err->msg, sizeof(err->msg), "%s:%u: %.*s", pos->file,
			 pos->line, (int)sizeof(err->msg) / 2, e.msg);
		err->status = e.status;
	}
	return rc;
}

/* Apply the -c rules to d; 0, or -1 after saying which line failed. */
static int load_config(const char *path, struct xdpvsd *d)
{
	struct xdpvs_ctl_err err;
	int n = xdpvs_ctl_rules_load(path, "xdpvsd", apply_rule, d, &err);

	if (n < 0) {
		log_err("%s", err.msg);
		return -1;
	}
	log_info("%s: %d rules applied", path, n);
	return 0;
}

/* An engine with seed *seed, or with a random one when it is 0 (and
 * *seed set to it). */
static struct xdpvs_engine *engine_new(uint32_t conn_max, struct xdpvs_env env,
				       uint64_t *seed)
{
	struct xdpvs_engine_params p = { .conn_max = conn_max, .env = env,
					 .seed = *seed };

	if (!p.seed &&
	    getrandom(&p.seed, sizeof(p.seed), 0) != sizeof(p.seed))
		p.seed = (uint64_t)getpid() ^ (uint64_t)loop_now();
	*seed = p.seed;
	return xdpvs_engine_new(&p);
}

/* -n: the rules on an engine of our own; the exit status. */
static int check_config(struct xdpvsd *d)
{
	uint64_t seed = 0;
	struct xdpvs_engine *e = engine_new(d->conn_max ? d->conn_max : 1024,
					    (struct xdpvs_env){ 0 }, &seed);
	int rc;

	if (!e) {
		log_err("cannot create the engine: %s", strerror(ENOMEM));
		return 1;
	}
	d->e = e;
	rc = d->config ? load_config(d->config, d) : 0;
	d->e = NULL;
	xdpvs_engine_free(e);
	if (!rc)
		log_info("configuration OK");
	return rc ? 1 : 0;
}

/* ------------------------------------------------------------------
 * Process: daemon, pid file, signals, timer
 */

/*
 * Fork: the parent waits for the child's start-up status on a pipe and
 * exits with it; the child, in a new session, returns the pipe's write
 * end.  -1 if fork/pipe failed.
 */
static int daemon_begin(void)
{
	int p[2];
	pid_t pid;
	char st = 1;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &st, 1) != 1)
			st = 1;	/* died before telling */
		_exit(st);
	}
	close(p[0]);
	setsid();
	return p[1];
}

/* Tell the parent how start-up went; from now on, syslog. */
static void daemon_done(int fd, int status)
{
	char st = (char)status;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	if (!status) {
		log_to_syslog();
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
	}
	if (null >= 0)
		close(null);
	if (write(fd, &st, 1) != 1)
		log_warn_r(-errno, "cannot report start-up to the parent");
	close(fd);
}

/* Make the directory of path if it is our default one. */
static void make_rundir(const char *path)
{
	if (!strncmp(path, XDPVSD_RUNDIR "/", sizeof(XDPVSD_RUNDIR)))
		mkdir(XDPVSD_RUNDIR, 0755);
}

/* Now, CLOCK_MONOTONIC, in ns. */
static uint64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* --takeover: ask the xdpvsd of pid file fd to leave us its data path,
 * and wait for it to go.  0 once it has (*let_go: when), -1 after saying
 * why not. */
static int pidfile_takeover(int fd, const char *path, uint64_t *let_go)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long pid;
	int i;

	buf[n > 0 ? n : 0] = '\0';
	pid = strtol(buf, NULL, 10);
	if (pid <= 1 || kill((pid_t)pid, SIGUSR2)) {
		log_err("%s: no xdpvsd to take over from (pid %s)", path,
			*buf ? buf : "unknown");
		return -1;
	}
	log_info("taking over from xdpvsd pid %ld", pid);
	for (i = 0; i < XDPVSD_TAKEOVER_MS / 10; i++) {
		if (!flock(fd, LOCK_EX | LOCK_NB)) {
			*let_go = mono_ns();
			return 0;
		}
		usleep(10000);
	}
	log_err("%s: xdpvsd pid %ld did not let go within %d s", path, pid,
		XDPVSD_TAKEOVER_MS / 1000);
	return -1;
}

/* Open and lock the pid file; -1 after saying who holds it.  takeover:
 * make the holder leave (pidfile_takeover), then take its place. */
static int pidfile_open(const char *path, bool takeover, uint64_t *let_go)
{
	char buf[32];
	ssize_t n;
	int fd;

	make_rundir(path);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_err_r(-errno, "%s", path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) && takeover) {
		/* The old one unlinked the file it locked: a new one. */
		n = pidfile_takeover(fd, path, let_go);
		close(fd);
		return n ? -1 : pidfile_open(path, false, let_go);
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		n = read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		log_err("%s: another xdpvsd is running (pid %s)", path,
			*buf ? buf : "unknown");
		close(fd);
		return -1;
	}
	return fd;
}

static void pidfile_write(int fd)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	if (ftruncate(fd, 0) || pwrite(fd, buf, (size_t)n, 0) != n)
		log_warn_r(-errno, "cannot write the pid file");
}

/* Print what ipvsadm ARGS would show of d's engine to out. */
static void dump_listing(struct xdpvsd *d, FILE *out, const char *args)
{
	char buf[64], *argv[8] = { (char *)"ipvsadm" }, *save = NULL;
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_err err;
	int argc = 1;

	snprintf(buf, sizeof(buf), "%s", args);
	for (argv[argc] = strtok_r(buf, " ", &save); argv[argc] && argc < 7;
	     argv[argc] = strtok_r(NULL, " ", &save))
		argc++;
	fprintf(out, "# ipvsadm %s\n", args);
	if (xdpvs_ctl_parse(argc, argv, &cmd, &err) < 0 ||
	    xdpvs_ctl_list(d->e, &cmd, loop_now(), out, &err) < 0)
		fprintf(out, "error: %s\n", err.msg);
}

/* --dump: the tables, the engine's drops and the data path's counters,
 * written to a temporary file renamed into place. */
static void dump_write(struct xdpvsd *d)
{
	uint64_t drops[XDPVS_DROP_MAX];
	char tmp[PATH_MAX];
	FILE *f;
	int i;

	if (!d->dump)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", d->dump);
	f = fopen(tmp, "w");
	if (!f) {
		log_err_r(-errno, "%s", tmp);
		return;
	}
	if (d->dp)
		dp_fold(d->dp);
	xdpvs_engine_tick(d->e, loop_now());
	dump_listing(d, f, "-Ln --stats");
	dump_listing(d, f, "-Lnc");
	fprintf(f, "# drops\n");
	xdpvs_drops(d->e, drops);
	for (i = 0; i < XDPVS_DROP_MAX; i++)
		fprintf(f, "drop %s %llu\n",
			xdpvs_drop_name((enum xdpvs_drop)i),
			(unsigned long long)drops[i]);
	syncd_dump(d->sync, f);
	fprintf(f, "# data path\n");
	if (d->dp)
		dp_dump(d->dp, f);
	if (fclose(f) || rename(tmp, d->dump))
		log_err_r(-errno, "%s", d->dump);
}

static void on_signal(void *arg, uint32_t events)
{
	struct xdpvsd *d = arg;
	struct signalfd_siginfo si;

	while (read(d->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			log_info("%s: exiting%s", strsignal((int)si.ssi_signo),
				 d->keep_datapath ? ", keeping the data path" :
						    "");
			d->handover = d->keep_datapath;
			loop_stop(d->loop);
			break;
		case SIGUSR2:
			log_info("%s: exiting, leaving the data path to the "
				 "next xdpvsd", strsignal((int)si.ssi_signo));
			d->handover = true;
			loop_stop(d->loop);
			break;
		case SIGUSR1:
			dump_write(d);
			break;
		case SIGHUP:
			log_info("SIGHUP: reloading is not supported yet");
			break;
		}
	}
}

static void on_tick(void *arg, uint32_t events)
{
	struct xdpvsd *d = arg;
	uint64_t n;

	if (read(d->timer_fd, &n, sizeof(n)) != sizeof(n))
		return;
	if (d->dp) {
		dp_fold(d->dp);
		dp_engine_tick(d->dp, d->e, loop_now());
		dp_tick(d->dp, loop_now());
	} else {
		xdpvs_engine_tick(d->e, loop_now());
	}
}

static int events_start(struct xdpvsd *d, const sigset_t *sigs)
{
	struct itimerspec its = {
		.it_interval = { .tv_sec = XDPVSD_TICK_S },
		.it_value = { .tv_sec = XDPVSD_TICK_S },
	};
	int err;

	d->sig_fd = signalfd(-1, sigs, SFD_NONBLOCK | SFD_CLOEXEC);
	d->timer_fd = timerfd_create(CLOCK_MONOTONIC,
				     TFD_NONBLOCK | TFD_CLOEXEC);
	if (d->sig_fd < 0 || d->timer_fd < 0 ||
	    timerfd_settime(d->timer_fd, 0, &its, NULL)) {
		err = -errno;
		log_err_r(err, "signalfd/timerfd");
		return err;
	}
	err = loop_add(d->loop, d->sig_fd, EPOLLIN, on_signal, d);
	if (!err)
		err = loop_add(d->loop, d->timer_fd, EPOLLIN, on_tick, d);
	if (err)
		log_err_r(err, "event loop");
	return err;
}

/* ------------------------------------------------------------------
 * The control socket's view of us
 */

static int ctl_daemon_start(void *ctx, const struct xdpvs_ctl_daemon *dm)
{
	return syncd_start(((struct xdpvsd *)ctx)->sync, dm);
}

static int ctl_daemon_stop(void *ctx, uint32_t state)
{
	return syncd_stop(((struct xdpvsd *)ctx)->sync, state);
}

static int ctl_daemon_list(void *ctx, struct xdpvs_ctl_daemon *out, int max)
{
	return syncd_list(((struct xdpvsd *)ctx)->sync, out, max);
}

static void ctl_changed(void *ctx)
{
	struct xdpvsd *d = ctx;

	if (d->dp)
		dp_sync(d->dp);
}

static void ctl_counters(void *ctx)
{
	struct xdpvsd *d = ctx;

	if (d->dp)
		dp_fold(d->dp);
}

static void ctl_events(void *ctx)
{
	struct xdpvsd *d = ctx;

	if (d->dp)
		dp_events(d->dp);
}

/* ------------------------------------------------------------------
 * Start, run, stop
 */

/* Everything after the pid file; 0 or -1 (said why). */
static int start(struct xdpvsd *d, const sigset_t *sigs)
{
	struct control_ops ops = {
		.daemon_start = ctl_daemon_start,
		.daemon_stop = ctl_daemon_stop,
		.daemon_list = ctl_daemon_list,
		.changed = ctl_changed,
		.counters = ctl_counters,
		.events = ctl_events,
		.ctx = d,
	};
	int err;

	d->loop = loop_new();
	if (!d->loop) {
		log_err_r(-errno, "event loop");
		return -1;
	}
	/* No -i: the control socket and the engine only (no packets). */
	if (d->dpc.nifs) {
		d->dp = dp_open(&d->dpc, &err);
		d->dpc.spare = NULL;	/* dp_open's */
		if (!d->dp)
			return -1;
		if (dp_kept(d->dp)) {
			d->seed = dp_kept(d->dp)->seed;
			d->kept_ns = dp_kept(d->dp)->saved_at;
		}
	}
	d->e = engine_new(d->conn_max, d->dp ? dp_env(d->dp) :
					      (struct xdpvs_env){ 0 },
			  &d->seed);
	if (!d->e) {
		log_err("cannot create the engine: %s", strerror(ENOMEM));
		return -1;
	}
	d->sync = syncd_new(d->loop, d->e);
	if (!d->sync)
		return -1;
	/* -c, else the configuration of the xdpvsd we take over from */
	if (d->config && load_config(d->config, d))
		return -1;
	if (!d->config && d->dp && dp_kept(d->dp) &&
	    handover_load_config(dp_kept(d->dp), apply_cmd, d) == -ENOENT &&
	    dp_kept(d->dp)->n)
		log_warn("the previous xdpvsd left no configuration (a build "
			 "before it did not): its connections need -c");
	if (d->dp && (dp_start(d->dp, d->e, d->loop) || dp_sync(d->dp)))
		return -1;
	if (d->dp && dp_kept(d->dp))
		handover_adopt(d->dp, d->e, dp_kept(d->dp));
	make_rundir(d->socket);
	d->ctl = control_start(d->loop, d->socket, d->e, &ops, &err);
	if (!d->ctl) {
		log_err_r(err, "%s", d->socket);
		return -1;
	}
	return events_start(d, sigs);
}

static void stop(struct xdpvsd *d)
{
	if (d->ctl)
		control_stop(d->ctl);
	syncd_free(d->sync);
	if (d->sig_fd >= 0)
		close(d->sig_fd);
	if (d->timer_fd >= 0)
		close(d->timer_fd);
	/* The engine first: freeing it must not empty the flow map. */
	if (d->dp)
		dp_engine_gone(d->dp);
	xdpvs_engine_free(d->e);
	dp_close(d->dp);
	loop_free(d->loop);
}

int main(int argc, char **argv)
{
	struct xdpvsd d = {
		.socket = XDPVSD_SOCKET, .pidfile = XDPVSD_PIDFILE,
		.pid_fd = -1, .sig_fd = -1, .timer_fd = -1,
	};
	int rc, report = -1;
	sigset_t sigs;

	log_init("xdpvsd", LOG_LVL_INFO);
	d.dpc.bpffs = XDPVSD_BPFFS;
	rc = parse_args(&d, argc, argv);
	if (rc)
		return rc;
	d.dpc.conn_max = d.conn_max;
	if (d.check_only)
		return check_config(&d);
	/* libxdp looks for its bpffs there too. */
	setenv("LIBXDP_BPFFS", d.dpc.bpffs, 1);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGUSR2);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!d.foreground) {
		report = daemon_begin();
		if (report < 0) {
			log_err_r(-errno, "cannot fork");
			return 1;
		}
	}
	/* --takeover: the verifier passes our program on the running
	 * xdpvsd's maps while it still serves (an upgrade then replaces
	 * its program without waiting for that). */
	if (d.takeover && d.dpc.nifs)
		d.dpc.spare = dp_xdp_spare_load(d.dpc.bpffs, d.conn_max ?
						d.conn_max :
						XDPVS_CONN_MAX_DEFAULT,
						d.dpc.nifs);
	d.pid_fd = pidfile_open(d.pidfile, d.takeover, &d.let_go_ns);
	rc = d.pid_fd < 0 || start(&d, &sigs) ? 1 : 0;
	dp_xdp_spare_free(d.dpc.spare);	/* unless dp_open() took it */
	if (!rc) {
		pidfile_write(d.pid_fd);
		if (d.let_go_ns)
			log_info("serving %llu ms after the previous xdpvsd "
				 "let go", (unsigned long long)
				 ((mono_ns() - d.let_go_ns) / 1000000));
		else if (d.kept_ns && d.kept_ns < mono_ns())
			log_info("serving %llu ms after the previous xdpvsd "
				 "left its data path", (unsigned long long)
				 ((mono_ns() - d.kept_ns) / 1000000));
		if (d.dpc.nifs)
			log_info("running on %d interface(s)", d.dpc.nifs);
		else
			log_warn("no interface (-i): control socket only, "
				 "no packet is balanced");
	}
	daemon_done(report, rc);
	if (!rc && loop_run(d.loop)) {
		log_err("event loop failed");
		rc = 1;
	}
	if (d.ctl)
		dump_write(&d);
	if (!rc && d.handover && d.dp)
		handover_leave(d.dp, d.e, d.sync, d.seed);
	stop(&d);
	if (d.pid_fd >= 0) {
		unlink(d.pidfile);
		close(d.pid_fd);
	}
	return rc;
}
