// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of daemon/control.c: a real control socket in a temporary
 * directory, served by the real event loop in a thread of its own (the
 * engine is touched from that thread only, through requests), driven by
 * xdpvsadm's client (cli/client.c) and by raw sockets for what a client
 * must not send.  The socket's mode and start-up rules (a live daemon
 * refused, a stale file replaced, the file removed at stop); every request
 * type answered; the sync daemon ops and ops->changed called; malformed
 * input answered with an error and that client closed while the server
 * carries on serving others; long lines, pipelined requests, a client
 * that does not read, the client limit.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/client.h"
#include "ctl/cmd.h"
#include "ctl/print.h"
#include "ctl/proto.h"
#include "daemon/control.h"
#include "daemon/loop.h"
#include "tests/lib/enginetest.h"

#define WAIT_MS	5000	/* longest wait for a reply */

/* Fake sync daemons and a count of "changed" calls (loop thread only). */
struct fake_sync {
	struct xdpvs_ctl_daemon d[2];
	int n;
	int changed;
	int counters;
	int events;
};

static int fake_start(void *ctx, const struct xdpvs_ctl_daemon *d)
{
	struct fake_sync *s = ctx;

	if (s->n == 2)
		return -EEXIST;
	s->d[s->n++] = *d;
	return 0;
}

static int fake_stop(void *ctx, uint32_t state)
{
	struct fake_sync *s = ctx;

	if (!s->n || s->d[s->n - 1].state != state)
		return -ESRCH;
	s->n--;
	return 0;
}

static int fake_list(void *ctx, struct xdpvs_ctl_daemon *out, int max)
{
	struct fake_sync *s = ctx;
	int i;

	for (i = 0; i < s->n && i < max; i++)
		out[i] = s->d[i];
	return s->n;
}

static void fake_changed(void *ctx)
{
	((struct fake_sync *)ctx)->changed++;
}

static void fake_counters(void *ctx)
{
	((struct fake_sync *)ctx)->counters++;
}

static void fake_events(void *ctx)
{
	((struct fake_sync *)ctx)->events++;
}

struct fixture {
	char dir[64];
	char path[96];
	struct loop *loop;
	struct xdpvs_engine *e;
	struct control *ctl;
	struct fake_sync sync;
	struct control_ops ops;
	int stopfd;
	bool own_engine;
	pthread_t thread;
};

static void stop_cb(void *arg, uint32_t events)
{
	loop_stop(arg);
}

static void *serve(void *arg)
{
	struct fixture *f = arg;

	loop_run(f->loop);
	return NULL;
}

/* A server with (with_ops) or without sync daemon ops, running, on
 * engine e (NULL: a new one, freed with the fixture). */
static struct fixture *fixture_new_on(bool with_ops, struct xdpvs_engine *e)
{
	struct xdpvs_engine_params p = { .conn_max = 1024 };
	struct fixture *f = calloc(1, sizeof(*f));
	int err = 0;

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/xdpvs-ctl-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/run/ctl.sock", f->dir);
	f->loop = loop_new();
	f->own_engine = !e;
	f->e = e ? e : xdpvs_engine_new(&p);
	assert_non_null(f->loop);
	assert_non_null(f->e);
	f->ops = (struct control_ops){ fake_start, fake_stop, fake_list,
				       fake_changed, fake_counters, fake_events,
				       &f->sync };
	f->ctl = control_start(f->loop, f->path, f->e,
			       with_ops ? &f->ops : NULL, &err);
	assert_non_null(f->ctl);
	f->stopfd = eventfd(0, EFD_CLOEXEC);
	assert_int_equal(loop_add(f->loop, f->stopfd, EPOLLIN, stop_cb,
				  f->loop), 0);
	assert_int_equal(pthread_create(&f->thread, NULL, serve, f), 0);
	return f;
}

static struct fixture *fixture_new(bool with_ops)
{
	return fixture_new_on(with_ops, NULL);
}

static void fixture_stop_thread(struct fixture *f)
{
	uint64_t one = 1;

	assert_int_equal(write(f->stopfd, &one, sizeof(one)), sizeof(one));
	pthread_join(f->thread, NULL);
}

static void fixture_free(struct fixture *f)
{
	char run[128];

	control_stop(f->ctl);
	close(f->stopfd);
	loop_free(f->loop);
	if (f->own_engine)
		xdpvs_engine_free(f->e);
	snprintf(run, sizeof(run), "%s/run", f->dir);
	rmdir(run);
	rmdir(f->dir);
	free(f);
}

static int setup_plain(void **state)
{
	*state = fixture_new(false);
	return 0;
}

static int setup_ops(void **state)
{
	*state = fixture_new(true);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	fixture_stop_thread(f);
	fixture_free(f);
	return 0;
}

/* ---------------------------------------------------------------------
 * Clients
 */

static int raw_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

static void raw_send(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = send(fd, s, len, MSG_NOSIGNAL);

		assert_true(n > 0);
		s += n;
		len -= (size_t)n;
	}
}

/* One reply line (NUL-terminated, without '\n') into buf; 0, or -1 at
 * end of file. */
static int raw_line(int fd, char *buf, size_t size)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t len = 0;

	while (len + 1 < size) {
		assert_int_equal(poll(&p, 1, WAIT_MS), 1);
		if (read(fd, buf + len, 1) != 1)
			return -1;
		if (buf[len] == '\n') {
			buf[len] = '\0';
			return 0;
		}
		len++;
	}
	fail_msg("reply too long");
	return -1;
}

/* The server has closed fd: end of file (after any pending reply). */
static void assert_closed(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	assert_int_equal(poll(&p, 1, WAIT_MS), 1);
	assert_true(read(fd, &c, 1) <= 0);
}

/* A request of type over a client connection; returns the reply's err. */
static int call(struct client *c, struct xdpvs_ctl_req *q,
		struct xdpvs_ctl_reply *r)
{
	char why[XDPVS_CTL_WHY_LEN];
	int rc = client_call(c, q, r, why, sizeof(why));

	if (rc)
		fail_msg("%s: %d %s", xdpvs_ctl_msg_name(q->type), rc, why);
	return r->err;
}

/* Parse an ipvsadm command line into its request. */
static void cmd_req(const char *line, struct xdpvs_ctl_req *q)
{
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_err err;

	assert_int_equal(xdpvs_ctl_parse_line(line, NULL, &cmd, &err), 1);
	assert_int_equal(xdpvs_ctl_req_from_cmd(&cmd, q), 0);
}

/* Run an ipvsadm command line; returns the reply's err. */
static int run(struct client *c, const char *line)
{
	struct xdpvs_ctl_reply r;
	struct xdpvs_ctl_req q;
	int err;

	cmd_req(line, &q);
	err = call(c, &q, &r);
	xdpvs_ctl_reply_free(&r);
	return err;
}

static struct client connect_client(struct fixture *f)
{
	struct client c;

	assert_int_equal(client_connect(&c, f->path), 0);
	return c;
}

/* ---------------------------------------------------------------------
 * The socket
 */

static void test_socket_mode(void **state)
{
	struct fixture *f = *state;
	struct stat st;

	assert_int_equal(lstat(f->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
}

/* A second daemon on a live socket is refused and leaves it alone. */
static void test_live_socket_refused(void **state)
{
	struct fixture *f = *state;
	struct loop *l = loop_new();
	struct client c;
	int err = 0;

	assert_null(control_start(l, f->path, f->e, NULL, &err));
	assert_int_equal(err, -EADDRINUSE);
	loop_free(l);
	c = connect_client(f);
	assert_int_equal(run(&c, "-C"), 0);
	client_close(&c);
}

static void test_stale_and_foreign_files(void **state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct xdpvs_engine_params p = { .conn_max = 16 };
	struct xdpvs_engine *e = xdpvs_engine_new(&p);
	char dir[] = "/tmp/xdpvs-ctl-XXXXXX";
	struct loop *l = loop_new();
	struct control *c;
	char longp[200];
	struct stat st;
	int fd, err = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/s", dir);
	/* A socket nobody listens on any more: replaced. */
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	c = control_start(l, sun.sun_path, e, NULL, &err);
	assert_non_null(c);
	control_stop(c);
	/* Stopping removes it. */
	assert_int_equal(lstat(sun.sun_path, &st), -1);
	/* Not a socket: left alone. */
	fd = open(sun.sun_path, O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_null(control_start(l, sun.sun_path, e, NULL, &err));
	assert_int_equal(err, -ENOTSOCK);
	assert_int_equal(unlink(sun.sun_path), 0);
	/* A path too long for a Unix socket. */
	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	assert_null(control_start(l, longp, e, NULL, &err));
	assert_int_equal(err, -ENAMETOOLONG);
	rmdir(dir);
	loop_free(l);
	xdpvs_engine_free(e);
}

/* ---------------------------------------------------------------------
 * Requests
 */

static void test_changes_and_listings(void **state)
{
	struct fixture *f = *state;
	struct client c = connect_client(f);
	struct xdpvs_ctl_reply r;
	struct xdpvs_ctl_req q;

	assert_int_equal(run(&c, "-A -t 198.18.100.1:80 -s wrr"), 0);
	assert_int_equal(run(&c, "-A -t 198.18.100.1:80 -s wrr"), -EEXIST);
	assert_int_equal(run(&c, "-a -t 198.18.100.1:80 -r 198.18.1.2 -m -w 3"),
			 0);
	assert_int_equal(run(&c, "-a -t 198.18.100.9:80 -r 198.18.1.2 -m"),
			 -ESRCH);
	assert_int_equal(run(&c, "-e -t 198.18.100.1:80 -r 198.18.1.2 -m -w 5"),
			 0);
	assert_int_equal(run(&c, "-A -f 1 -s rr"), 0);
	assert_int_equal(run(&c, "-E -f 1 -s lc"), 0);
	assert_int_equal(run(&c, "-Z"), 0);
	assert_int_equal(run(&c, "-Z -t 198.18.100.1:80"), 0);
	assert_int_equal(run(&c, "-Z -t 198.18.100.2:80"), -ESRCH);

	cmd_req("-Ln", &q);
	assert_int_equal(call(&c, &q, &r), 0);
	assert_int_equal(r.nsvcs, 2);
	assert_int_equal(r.tab_size, 4096);
	xdpvs_ctl_reply_free(&r);

	cmd_req("-Ln -t 198.18.100.1:80", &q);
	assert_int_equal(call(&c, &q, &r), 0);
	assert_int_equal(r.nsvcs, 1);
	assert_int_equal(r.svcs[0].num_dests, 1);
	assert_int_equal(r.svcs[0].dests[0].conf.weight, 5);
	xdpvs_ctl_reply_free(&r);
	cmd_req("-Ln -t 198.18.100.7:80", &q);
	assert_int_equal(call(&c, &q, &r), -ESRCH);

	assert_int_equal(run(&c, "-d -t 198.18.100.1:80 -r 198.18.1.2"), 0);
	assert_int_equal(run(&c, "-d -t 198.18.100.1:80 -r 198.18.1.2"),
			 -ENOENT);
	assert_int_equal(run(&c, "-D -f 1"), 0);
	assert_int_equal(run(&c, "-C"), 0);
	cmd_req("-Ln", &q);
	assert_int_equal(call(&c, &q, &r), 0);
	assert_int_equal(r.nsvcs, 0);
	xdpvs_ctl_reply_free(&r);

	cmd_req("-Lnc", &q);
	assert_int_equal(call(&c, &q, &r), 0);
	assert_int_equal(r.nconns, 0);
	xdpvs_ctl_reply_free(&r);
	client_close(&c);
}

static void test_timeouts_sysctls_marks(void **state)
{
	struct fixture *f = *state;
	struct client c = connect_client(f);
	struct xdpvs_ctl_reply r;
	struct xdpvs_ctl_req q;
	int i;

	assert_int_equal(run(&c, "--set 7200 0 60"), 0);
	cmd_req("-L --timeout", &q);
	assert_int_equal(call(&c, &q, &r), 0);
	assert_int_equal(r.timeouts.tcp, 7200);
	assert_int_equal(r.timeouts.tcpfin, 120);
	assert_int_equal(r.timeouts.udp, 60);
	assert_int_equal(r.timeouts_def.tcp, 900);
	assert_int_equal(r.timeouts_def.udp, 300);

	assert_int_equal(run(&c, "--sysctl expire_nodest_conn=1"), 0);
	assert_int_equal(run(&c, "--sysctl no_such_thing=1"), -ENOENT);
	assert_int_equal(run(&c, "--sysctl drop_entry=9"), -EINVAL);
	cmd_req("--sysctl", &q);
	assert_int_equal(call(&c, &q, &r), 0);
	assert_true(r.nsysctls > 10);
	for (i = 0; i < r.nsysctls; i++) {
		if (strcmp(r.sysctls[i].name, "expire_nodest_conn"))
			continue;
		assert_int_equal(r.sysctls[i].value, 1);
		assert_int_equal(r.sysctls[i].def, 0);
	}
	xdpvs_ctl_reply_free(&r);
	cmd_req("--sysctl am_droprate", &q);
	assert_int_equal(call(&c, &q, &r), 0);
	assert_int_equal(r.nsysctls, 1);
	assert_int_equal(r.sysctls[0].value, 10);
	xdpvs_ctl_reply_free(&r);
	cmd_req("--sysctl nope", &q);
	assert_int_equal(call(&c, &q, &r), -ENOENT);

	assert_int_equal(run(&c, "--add-mark 1:tcp:198.18.100.5/32:80"), 0);
	assert_int_equal(run(&c, "--add-mark 2:any:[2001:db8:100::]/64"), 0);
	assert_int_equal(run(&c, "--add-mark 1:tcp:198.18.100.5/32:80"),
			 -EEXIST);
	cmd_req("--list-marks", &q);
	assert_int_equal(call(&c, &q, &r), 0);
	assert_int_equal(r.nmarks, 2);
	assert_int_equal(r.marks[1].mark, 2);
	assert_int_equal(r.marks[1].plen, 64);
	xdpvs_ctl_reply_free(&r);
	assert_int_equal(run(&c, "--del-mark 1:tcp:198.18.100.5/32:80"), 0);
	assert_int_equal(run(&c, "--del-mark 1:tcp:198.18.100.5/32:80"),
			 -ENOENT);
	memset(&q, 0, sizeof(q));
	q.type = XDPVS_CTL_MARK_FLUSH;
	assert_int_equal(call(&c, &q, &r), 0);
	cmd_req("--list-marks", &q);
	assert_int_equal(call(&c, &q, &r), 0);
	assert_int_equal(r.nmarks, 0);
	xdpvs_ctl_reply_free(&r);

	memset(&q, 0, sizeof(q));
	q.type = XDPVS_CTL_INFO_GET;
	assert_int_equal(call(&c, &q, &r), 0);
	assert_string_equal(r.info.version, "1.2.1");
	assert_int_equal(r.info.conn_tab_size, 4096);
	assert_int_equal(r.info.conn_count, 0);
	client_close(&c);
}

/* Without ops: no sync daemon to start, none running. */
static void test_daemon_without_ops(void **state)
{
	struct fixture *f = *state;
	struct client c = connect_client(f);
	struct xdpvs_ctl_reply r;
	struct xdpvs_ctl_req q;

	assert_int_equal(run(&c, "--start-daemon master --mcast-interface lo"),
			 -EOPNOTSUPP);
	assert_int_equal(run(&c, "--stop-daemon master"), -EOPNOTSUPP);
	cmd_req("-L --daemon", &q);
	assert_int_equal(call(&c, &q, &r), 0);
	assert_int_equal(r.ndaemons, 0);
	xdpvs_ctl_reply_free(&r);
	client_close(&c);
}

static void test_daemon_ops_and_changed(void **state)
{
	struct fixture *f = *state;
	struct client c = connect_client(f);
	struct xdpvs_ctl_reply r;
	struct xdpvs_ctl_req q;

	assert_int_equal(run(&c, "--start-daemon master --mcast-interface "
			      "rvsync --syncid 7"), 0);
	assert_int_equal(run(&c, "--start-daemon backup --mcast-interface "
			      "rvsync --mcast-group 224.0.0.82"), 0);
	assert_int_equal(run(&c, "--start-daemon backup"), -EEXIST);
	cmd_req("-L --daemon", &q);
	assert_int_equal(call(&c, &q, &r), 0);
	assert_int_equal(r.ndaemons, 2);
	assert_string_equal(r.daemons[0].mcast_ifn, "rvsync");
	assert_int_equal(r.daemons[0].syncid, 7);
	assert_int_equal(r.daemons[1].mcast_af, AF_INET);
	xdpvs_ctl_reply_free(&r);
	assert_int_equal(run(&c, "--stop-daemon master"), -ESRCH);
	assert_int_equal(run(&c, "--stop-daemon backup"), 0);

	/* Three changes (one refused), two listings: two "changed"; the
	 * fast path's counters brought in for the service listing and the
	 * zeroing, not for the timeouts; its events before each request. */
	assert_int_equal(run(&c, "-A -t 198.18.100.1:80"), 0);
	assert_int_equal(run(&c, "-A -t 198.18.100.1:80"), -EEXIST);
	assert_int_equal(run(&c, "-Ln"), 0);
	assert_int_equal(run(&c, "--set 1 1 1"), 0);
	assert_int_equal(run(&c, "-L --timeout"), 0);
	assert_int_equal(run(&c, "-Z"), 0);
	client_close(&c);
	fixture_stop_thread(f);
	assert_int_equal(f->sync.changed, 2);
	assert_true(f->sync.counters >= 2);
	assert_true(f->sync.events >= 6);
	assert_int_equal(pthread_create(&f->thread, NULL, serve, f), 0);
}

/* Connections and counters made by real packets, at the loop's clock
 * (the engine's clock in xdpvsd), listed over the socket as -Lnc and
 * --stats print them. */
static void test_connections(void **state)
{
	struct et *t = calloc(1, sizeof(*t));
	struct tb_pkt syn = {
		.dmac = ET_LB_MAC, .src = "198.18.0.2", .dst = "198.18.100.1",
		.proto = IPPROTO_TCP, .sport = 40000, .dport = 80,
		.flags = 0x02,
	};
	struct xdpvs_ctl_reply r;
	struct xdpvs_ctl_req q;
	struct fixture *f;
	struct client c;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	assert_non_null(t);
	et_init(t, 1024);
	et_add_svc(t, "tcp 198.18.100.1 80", "rr");
	et_add_dest(t, "tcp 198.18.100.1 80", "198.18.1.2 80", 'm', 1);
	assert_int_equal(et_rx_pkt(t, (double)loop_now() / 1e9, &syn),
			 XDPVS_TX);
	f = fixture_new_on(false, t->e);
	c = connect_client(f);
	cmd_req("-Lnc", &q);
	assert_int_equal(call(&c, &q, &r), 0);
	assert_int_equal(r.nconns, 1);
	assert_string_equal(r.conns[0].state_name, "SYN_RECV");
	assert_true(r.conns[0].expires_ms > 50000);
	assert_true(r.conns[0].expires_ms <= 60000);
	out = open_memstream(&buf, &len);
	assert_int_equal(xdpvs_ctl_print_conns(out, r.conns, r.nconns,
					       XDPVS_CTL_FMT_NUMERIC), 0);
	fclose(out);
	assert_non_null(strstr(buf, "\nTCP 00:5"));
	assert_non_null(strstr(buf, " SYN_RECV    198.18.0.2:40000   "
				    "198.18.100.1:80    198.18.1.2:80\n"));
	free(buf);
	xdpvs_ctl_reply_free(&r);
	cmd_req("-Ln --stats", &q);
	assert_int_equal(call(&c, &q, &r), 0);
	assert_int_equal(r.svcs[0].stats.conns, 1);
	assert_int_equal(r.svcs[0].stats.inpkts, 1);
	assert_int_equal(r.svcs[0].dests[0].activeconns +
			 r.svcs[0].dests[0].inactconns, 1);
	xdpvs_ctl_reply_free(&r);
	memset(&q, 0, sizeof(q));
	q.type = XDPVS_CTL_INFO_GET;
	assert_int_equal(call(&c, &q, &r), 0);
	assert_int_equal(r.info.conn_count, 1);
	assert_int_equal(r.info.stats.conns, 1);
	client_close(&c);
	fixture_stop_thread(f);
	fixture_free(f);
	et_fini(t);
	free(t);
}

/* ---------------------------------------------------------------------
 * Bad clients
 */

struct bad_case {
	const char *line;
	int err;
};

static const struct bad_case bad_cases[] = {
	{ "garbage\n", -EBADMSG },
	{ "\n", -EBADMSG },
	{ "{\"v\":1,\"id\":3,\"type\":\"reboot\"}\n", -ENOSYS },
	{ "{\"v\":9,\"id\":3,\"type\":\"flush\"}\n", -EPROTONOSUPPORT },
	{ "{\"v\":1,\"id\":3,\"type\":\"svc_add\",\"svc\":7}\n", -EBADMSG },
	{ "{\"v\":1,\"id\":3,\"type\":\"flush\"", -EBADMSG },	/* + EOF */
};

/* Each gets its error and is closed; a client beside it is served. */
static void test_malformed_closes_client(void **state)
{
	struct fixture *f = *state;
	struct client good = connect_client(f);
	char line[512], want[128];
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		int fd = raw_connect(f->path);

		raw_send(fd, bad_cases[i].line, strlen(bad_cases[i].line));
		if (!strchr(bad_cases[i].line, '\n'))
			shutdown(fd, SHUT_WR);
		assert_int_equal(raw_line(fd, line, sizeof(line)), 0);
		snprintf(want, sizeof(want), "\"err\":%d", bad_cases[i].err);
		if (!strstr(line, want))
			fail_msg("%s: got %s", bad_cases[i].line, line);
		assert_non_null(strstr(line, "\"msg\":"));
		assert_closed(fd);
		close(fd);
		assert_int_equal(run(&good, "-Ln"), 0);
	}
	client_close(&good);
}

/* A line at the bound is read; one byte more is refused. */
static void test_long_lines(void **state)
{
	struct fixture *f = *state;
	const char *head = "{\"v\":1,\"id\":4,\"type\":\"flush\"";
	char *big = malloc(XDPVS_CTL_REQ_MAX + 1), line[256];
	size_t n = strlen(head);
	int fd;

	assert_non_null(big);
	memcpy(big, head, n);
	memset(big + n, ' ', XDPVS_CTL_REQ_MAX - n);
	big[XDPVS_CTL_REQ_MAX - 2] = '}';
	big[XDPVS_CTL_REQ_MAX - 1] = '\n';
	fd = raw_connect(f->path);
	raw_send(fd, big, XDPVS_CTL_REQ_MAX);
	assert_int_equal(raw_line(fd, line, sizeof(line)), 0);
	assert_string_equal(line, "{\"v\":1,\"id\":4,\"err\":0}");
	/* Same connection, no newline within the bound. */
	big[XDPVS_CTL_REQ_MAX - 2] = ' ';
	big[XDPVS_CTL_REQ_MAX - 1] = ' ';
	big[XDPVS_CTL_REQ_MAX] = '}';
	raw_send(fd, big, XDPVS_CTL_REQ_MAX + 1);
	assert_int_equal(raw_line(fd, line, sizeof(line)), 0);
	assert_non_null(strstr(line, "\"err\":-90"));	/* EMSGSIZE */
	assert_closed(fd);
	close(fd);
	free(big);
}

/* Several requests in one write: as many replies, in order. */
static void test_pipelined(void **state)
{
	struct fixture *f = *state;
	const char *reqs =
		"{\"v\":1,\"id\":1,\"type\":\"flush\"}\n"
		"{\"v\":1,\"id\":2,\"type\":\"svc_del\",\"svc\":{"
		"\"af\":\"inet\",\"protocol\":6,\"addr\":\"198.18.100.1\","
		"\"port\":80,\"fwmark\":0,"
		"\"sched\":\"rr\",\"pe\":\"\",\"flags\":0,\"timeout\":0,"
		"\"netmask\":\"255.255.255.255\"}}\n"
		"{\"v\":1,\"id\":3,\"type\":\"timeout_get\"}\n";
	char line[512];
	int fd = raw_connect(f->path);

	raw_send(fd, reqs, strlen(reqs));
	assert_int_equal(raw_line(fd, line, sizeof(line)), 0);
	assert_string_equal(line, "{\"v\":1,\"id\":1,\"err\":0}");
	assert_int_equal(raw_line(fd, line, sizeof(line)), 0);
	assert_string_equal(line, "{\"v\":1,\"id\":2,\"err\":-3}");
	assert_int_equal(raw_line(fd, line, sizeof(line)), 0);
	assert_string_equal(line, "{\"v\":1,\"id\":3,\"err\":0,\"timeouts\":"
			    "{\"tcp\":900,\"tcpfin\":120,\"udp\":300},"
			    "\"defaults\":{\"tcp\":900,\"tcpfin\":120,"
			    "\"udp\":300}}");
	/* Closing our side after whole lines is a clean goodbye. */
	shutdown(fd, SHUT_WR);
	assert_closed(fd);
	close(fd);
}

/* A client that sends many listings and reads none does not stop the
 * server from answering others. */
static void test_client_not_reading(void **state)
{
	struct fixture *f = *state;
	const char *req = "{\"v\":1,\"id\":1,\"type\":\"svc_list\"}\n";
	struct client c = connect_client(f);
	char cmd[128];
	size_t i, len = strlen(req);
	int fd, sent = 0;

	for (i = 0; i < 200; i++) {
		snprintf(cmd, sizeof(cmd), "-A -t 198.18.100.%zu:%zu -s rr",
			 1 + i % 200, 1000 + i);
		assert_int_equal(run(&c, cmd), 0);
	}
	fd = raw_connect(f->path);
	/* Until the socket is full both ways (bounded: 4 MiB). */
	while (sent < 4 * 1024 * 1024) {
		ssize_t n = send(fd, req, len, MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0)
			break;
		assert_int_equal(n, (ssize_t)len);
		sent += (int)n;
	}
	assert_true(sent < 4 * 1024 * 1024);
	assert_int_equal(run(&c, "-Ln"), 0);
	assert_int_equal(run(&c, "-C"), 0);
	close(fd);
	assert_int_equal(run(&c, "-Ln"), 0);
	client_close(&c);
}

/* Random bytes, with and without newlines, from many clients in turn:
 * each is answered or closed, and the server goes on serving. */
static void test_random_input(void **state)
{
	struct fixture *f = *state;
	struct client good = connect_client(f);
	struct pollfd p;
	char buf[2048], sink[4096];
	unsigned int seed = 42;
	int i, fd, rounds;
	size_t j, len;

	for (i = 0; i < 200; i++) {
		len = 1 + (size_t)rand_r(&seed) % sizeof(buf);
		for (j = 0; j < len; j++)
			buf[j] = (char)(rand_r(&seed) % (i % 2 ? 128 : 256));
		fd = raw_connect(f->path);
		raw_send(fd, buf, len);
		shutdown(fd, SHUT_WR);
		/* Read until the server closes (bounded). */
		p = (struct pollfd){ .fd = fd, .events = POLLIN };
		for (rounds = 0; rounds < 100; rounds++) {
			assert_int_equal(poll(&p, 1, WAIT_MS), 1);
			if (read(fd, sink, sizeof(sink)) <= 0)
				break;
		}
		assert_true(rounds < 100);
		close(fd);
	}
	assert_int_equal(run(&good, "-A -t 198.18.100.1:80"), 0);
	assert_int_equal(run(&good, "-Ln"), 0);
	client_close(&good);
}

/* CONTROL_MAX_CLIENTS (16) at once; the next is told -EUSERS. */
static void test_client_limit(void **state)
{
	struct fixture *f = *state;
	struct client c[16], extra;
	char line[128], why[XDPVS_CTL_WHY_LEN];
	struct xdpvs_ctl_reply r;
	struct xdpvs_ctl_req q;
	int i, fd;

	for (i = 0; i < 16; i++) {
		c[i] = connect_client(f);
		assert_int_equal(run(&c[i], "-L --timeout"), 0);
	}
	fd = raw_connect(f->path);
	assert_int_equal(raw_line(fd, line, sizeof(line)), 0);
	assert_string_equal(line, "{\"v\":1,\"id\":0,\"err\":-87}");
	assert_closed(fd);
	close(fd);
	/* xdpvsadm's client reads why, even once the socket is closed. */
	usleep(100000);
	assert_int_equal(client_connect(&extra, f->path), 0);
	usleep(100000);
	cmd_req("-L --timeout", &q);
	assert_int_equal(client_call(&extra, &q, &r, why, sizeof(why)), 0);
	assert_int_equal(r.err, -EUSERS);
	client_close(&extra);
	client_close(&c[3]);
	/* The slot frees once the server has seen the close. */
	for (i = 0; i < 100; i++) {
		struct client n;

		assert_int_equal(client_connect(&n, f->path), 0);
		if (run(&n, "-L --timeout") == 0) {
			client_close(&n);
			break;
		}
		client_close(&n);
		usleep(10000);
	}
	assert_true(i < 100);
	for (i = 0; i < 16; i++)
		client_close(&c[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_socket_mode, setup_plain,
						teardown),
		cmocka_unit_test_setup_teardown(test_live_socket_refused,
						setup_plain, teardown),
		cmocka_unit_test(test_stale_and_foreign_files),
		cmocka_unit_test_setup_teardown(test_changes_and_listings,
						setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_timeouts_sysctls_marks,
						setup_plain, teardown),
		cmocka_unit_test(test_connections),
		cmocka_unit_test_setup_teardown(test_daemon_without_ops,
						setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_daemon_ops_and_changed,
						setup_ops, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_closes_client,
						setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_long_lines, setup_plain,
						teardown),
		cmocka_unit_test_setup_teardown(test_pipelined, setup_plain,
						teardown),
		cmocka_unit_test_setup_teardown(test_client_not_reading,
						setup_plain, teardown),
		cmocka_unit_test_setup_teardown(test_random_input, setup_plain,
						teardown),
		cmocka_unit_test_setup_teardown(test_client_limit, setup_plain,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
