// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpvsd's control socket (control.h), after OpenBSD relayd's control.c:
 * a Unix stream socket made under umask 077 and chmod 0600 before listen,
 * non-blocking clients served from the event loop, each request decoded
 * by ctl/proto_decode.c into a fixed struct and dispatched through a
 * { type, flags, handler } table.
 *
 * A client has a read buffer of XDPVS_CTL_REQ_MAX bytes and one reply in
 * flight: lines are handled one at a time, and while a reply is not yet
 * written the client is only watched for writing, so a client that sends
 * many requests and reads slowly holds one reply's memory, never more,
 * and never blocks the loop.  A request that is malformed (not JSON, a
 * wrong field, an unknown type, another version, a line longer than the
 * bound, a partial line at end of file) gets an error reply and that
 * client is closed once the reply is written; the engine's own refusals
 * ("Service already exists") are plain replies and the client stays.
 * Only the socket's owner and root may talk to it (SO_PEERCRED, on top of
 * the mode), and at most CONTROL_MAX_CLIENTS at a time: the next one is
 * told -EUSERS and closed.
 *
 * -S needs the engine's defaults to tell which timeouts and switches were
 * changed: they are read once, from a throw-away engine, at start.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <xdpvs/engine.h>

#include "ctl/print.h"
#include "ctl/proto.h"
#include "control.h"
#include "loop.h"

#define CONTROL_MAX_CLIENTS	16
#define CONTROL_BACKLOG		16
#define CONTROL_MAX_SYSCTLS	64
#define CONTROL_MAX_DAEMONS	2	/* a master and a backup */

struct control_client {
	struct control *ctl;
	int fd;
	uint32_t events;	/* what the loop watches for */
	bool eof;		/* the peer will send nothing more */
	bool closing;		/* close once the reply is written */
	char *out;		/* the reply being written */
	size_t outlen, outoff;
	size_t inlen;
	char in[XDPVS_CTL_REQ_MAX];
};

struct control {
	struct loop *loop;
	struct xdpvs_engine *e;
	struct control_ops ops_copy;
	const struct control_ops *ops;	/* &ops_copy, or NULL: none */
	int fd;
	dev_t dev;			/* the socket file we made */
	ino_t ino;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct control_client *clients[CONTROL_MAX_CLIENTS];
	struct xdpvs_ctl_timeouts def_timeouts;
	int def_sysctls[CONTROL_MAX_SYSCTLS];
	int nsysctls;
};

/* =====================================================================
 * Handlers: one per request type, each returning 0 or -errno and filling
 * the reply's data (owned by the handler's allocations until
 * control_release()).
 */

static int ctl_svc_add(struct control *c, const struct xdpvs_ctl_req *q,
		       struct xdpvs_ctl_reply *r)
{
	return xdpvs_svc_add(c->e, &q->svc);
}

static int ctl_svc_edit(struct control *c, const struct xdpvs_ctl_req *q,
			struct xdpvs_ctl_reply *r)
{
	return xdpvs_svc_edit(c->e, &q->svc);
}

static int ctl_svc_del(struct control *c, const struct xdpvs_ctl_req *q,
		       struct xdpvs_ctl_reply *r)
{
	return xdpvs_svc_del(c->e, &q->svc);
}

static int ctl_svc_flush(struct control *c, const struct xdpvs_ctl_req *q,
			 struct xdpvs_ctl_reply *r)
{
	xdpvs_svc_flush(c->e);
	return 0;
}

static int ctl_dest_add(struct control *c, const struct xdpvs_ctl_req *q,
			struct xdpvs_ctl_reply *r)
{
	return xdpvs_dest_add(c->e, &q->svc, &q->dest);
}

static int ctl_dest_edit(struct control *c, const struct xdpvs_ctl_req *q,
			 struct xdpvs_ctl_reply *r)
{
	return xdpvs_dest_edit(c->e, &q->svc, &q->dest);
}

static int ctl_dest_del(struct control *c, const struct xdpvs_ctl_req *q,
			struct xdpvs_ctl_reply *r)
{
	return xdpvs_dest_del(c->e, &q->svc, &q->dest);
}

static int ctl_stats_zero(struct control *c, const struct xdpvs_ctl_req *q,
			  struct xdpvs_ctl_reply *r)
{
	return xdpvs_zero(c->e, q->has_svc ? &q->svc : NULL);
}

static int ctl_timeout_set(struct control *c, const struct xdpvs_ctl_req *q,
			   struct xdpvs_ctl_reply *r)
{
	return xdpvs_set_timeouts(c->e, q->timeouts.tcp, q->timeouts.tcpfin,
				  q->timeouts.udp);
}

static int ctl_timeout_get(struct control *c, const struct xdpvs_ctl_req *q,
			   struct xdpvs_ctl_reply *r)
{
	xdpvs_get_timeouts(c->e, &r->timeouts.tcp, &r->timeouts.tcpfin,
			   &r->timeouts.udp);
	r->timeouts_def = c->def_timeouts;
	return 0;
}

static int ctl_sysctl_set(struct control *c, const struct xdpvs_ctl_req *q,
			  struct xdpvs_ctl_reply *r)
{
	return xdpvs_sysctl_set(c->e, q->sysctl_name, q->sysctl_value);
}

/* One switch (by name) or all of them, in the engine's order. */
static int ctl_sysctl_get(struct control *c, const struct xdpvs_ctl_req *q,
			  struct xdpvs_ctl_reply *r)
{
	struct xdpvs_ctl_sysctl *s;
	int i, n = 0, rc = 0;

	s = calloc((size_t)c->nsysctls, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (i = 0; i < c->nsysctls && !rc; i++) {
		const char *name = xdpvs_sysctl_name((unsigned int)i);

		if (q->sysctl_name[0] && strcmp(name, q->sysctl_name))
			continue;
		snprintf(s[n].name, sizeof(s[n].name), "%s", name);
		s[n].def = c->def_sysctls[i];
		rc = xdpvs_sysctl_get(c->e, name, &s[n++].value);
	}
	if (!rc && !n)
		rc = -ENOENT;
	if (rc) {
		free(s);
		return rc;
	}
	r->sysctls = s;
	r->nsysctls = n;
	return 0;
}

static int ctl_mark_add(struct control *c, const struct xdpvs_ctl_req *q,
			struct xdpvs_ctl_reply *r)
{
	return xdpvs_mark_add(c->e, &q->mark);
}

static int ctl_mark_del(struct control *c, const struct xdpvs_ctl_req *q,
			struct xdpvs_ctl_reply *r)
{
	return xdpvs_mark_del(c->e, &q->mark);
}

static int ctl_mark_flush(struct control *c, const struct xdpvs_ctl_req *q,
			  struct xdpvs_ctl_reply *r)
{
	xdpvs_mark_flush(c->e);
	return 0;
}

static int ctl_mark_list(struct control *c, const struct xdpvs_ctl_req *q,
			 struct xdpvs_ctl_reply *r)
{
	struct xdpvs_mark_rule none;
	int n = xdpvs_mark_get(c->e, &none, 0);

	r->marks = calloc(n ? (size_t)n : 1, sizeof(*r->marks));
	if (!r->marks)
		return -ENOMEM;
	r->nmarks = xdpvs_mark_get(c->e, r->marks, n);
	return 0;
}

static int ctl_svc_list(struct control *c, const struct xdpvs_ctl_req *q,
			struct xdpvs_ctl_reply *r)
{
	int n = xdpvs_svc_info_get(c->e, &r->svcs);

	if (n < 0)
		return n;
	r->nsvcs = n;
	r->tab_size = xdpvs_conn_tab_size(c->e);
	return 0;
}

static int ctl_svc_get(struct control *c, const struct xdpvs_ctl_req *q,
		       struct xdpvs_ctl_reply *r)
{
	int rc = xdpvs_svc_info_get_one(c->e, &q->svc, &r->svcs);

	if (rc < 0)
		return rc;
	r->nsvcs = 1;
	return 0;
}

static int ctl_conn_list(struct control *c, const struct xdpvs_ctl_req *q,
			 struct xdpvs_ctl_reply *r)
{
	int n = xdpvs_conn_info_get(c->e, loop_now(), &r->conns);

	if (n < 0)
		return n;
	r->nconns = n;
	return 0;
}

static int ctl_daemon_start(struct control *c, const struct xdpvs_ctl_req *q,
			    struct xdpvs_ctl_reply *r)
{
	return c->ops->daemon_start(c->ops->ctx, &q->daemon);
}

static int ctl_daemon_stop(struct control *c, const struct xdpvs_ctl_req *q,
			   struct xdpvs_ctl_reply *r)
{
	return c->ops->daemon_stop(c->ops->ctx, q->daemon.state);
}

/* Without a sync daemon there is none running: an empty list. */
static int ctl_daemon_list(struct control *c, const struct xdpvs_ctl_req *q,
			   struct xdpvs_ctl_reply *r)
{
	int n = 0;

	r->daemons = calloc(CONTROL_MAX_DAEMONS, sizeof(*r->daemons));
	if (!r->daemons)
		return -ENOMEM;
	if (c->ops && c->ops->daemon_list)
		n = c->ops->daemon_list(c->ops->ctx, r->daemons,
					CONTROL_MAX_DAEMONS);
	if (n < 0)
		return n;
	r->ndaemons = n < CONTROL_MAX_DAEMONS ? n : CONTROL_MAX_DAEMONS;
	return 0;
}

static int ctl_info_get(struct control *c, const struct xdpvs_ctl_req *q,
			struct xdpvs_ctl_reply *r)
{
	unsigned int v = XDPVS_CTL_IPVS_VERSION;

	snprintf(r->info.version, sizeof(r->info.version), "%u.%u.%u",
		 (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
	r->info.conn_tab_size = xdpvs_conn_tab_size(c->e);
	r->info.conn_count = xdpvs_conn_count(c->e);
	xdpvs_drops(c->e, r->info.drops);
	xdpvs_total_stats(c->e, &r->info.stats, &r->info.rates);
	return 0;
}

/* Handler flags. */
#define CTL_F_CHANGE	0x1	/* changes the configuration: ops->changed */
#define CTL_F_START	0x2	/* needs ops->daemon_start */
#define CTL_F_STOP	0x4	/* needs ops->daemon_stop */
#define CTL_F_COUNTERS	0x8	/* reads or zeroes counters: ops->counters */

struct control_handler {
	enum xdpvs_ctl_msg type;
	unsigned int flags;
	int (*fn)(struct control *c, const struct xdpvs_ctl_req *q,
		  struct xdpvs_ctl_reply *r);
};

static const struct control_handler control_handlers[] = {
	{ XDPVS_CTL_SVC_ADD, CTL_F_CHANGE, ctl_svc_add },
	{ XDPVS_CTL_SVC_EDIT, CTL_F_CHANGE, ctl_svc_edit },
	{ XDPVS_CTL_SVC_DEL, CTL_F_CHANGE, ctl_svc_del },
	{ XDPVS_CTL_SVC_FLUSH, CTL_F_CHANGE, ctl_svc_flush },
	{ XDPVS_CTL_DEST_ADD, CTL_F_CHANGE, ctl_dest_add },
	{ XDPVS_CTL_DEST_EDIT, CTL_F_CHANGE, ctl_dest_edit },
	{ XDPVS_CTL_DEST_DEL, CTL_F_CHANGE, ctl_dest_del },
	{ XDPVS_CTL_STATS_ZERO, CTL_F_COUNTERS, ctl_stats_zero },
	{ XDPVS_CTL_TIMEOUT_SET, CTL_F_CHANGE, ctl_timeout_set },
	{ XDPVS_CTL_TIMEOUT_GET, 0, ctl_timeout_get },
	{ XDPVS_CTL_SYSCTL_SET, CTL_F_CHANGE, ctl_sysctl_set },
	{ XDPVS_CTL_SYSCTL_GET, 0, ctl_sysctl_get },
	{ XDPVS_CTL_MARK_ADD, CTL_F_CHANGE, ctl_mark_add },
	{ XDPVS_CTL_MARK_DEL, CTL_F_CHANGE, ctl_mark_del },
	{ XDPVS_CTL_MARK_FLUSH, CTL_F_CHANGE, ctl_mark_flush },
	{ XDPVS_CTL_MARK_LIST, 0, ctl_mark_list },
	{ XDPVS_CTL_SVC_LIST, CTL_F_COUNTERS, ctl_svc_list },
	{ XDPVS_CTL_SVC_GET, CTL_F_COUNTERS, ctl_svc_get },
	{ XDPVS_CTL_CONN_LIST, 0, ctl_conn_list },
	{ XDPVS_CTL_DAEMON_START, CTL_F_START, ctl_daemon_start },
	{ XDPVS_CTL_DAEMON_STOP, CTL_F_STOP, ctl_daemon_stop },
	{ XDPVS_CTL_DAEMON_LIST, 0, ctl_daemon_list },
	{ XDPVS_CTL_INFO_GET, CTL_F_COUNTERS, ctl_info_get },
};

/* Carry out a decoded request; the result goes into r->err. */
static void control_dispatch(struct control *c, const struct xdpvs_ctl_req *q,
			     struct xdpvs_ctl_reply *r)
{
	const struct control_handler *h = NULL;
	const struct control_ops *ops = c->ops;
	size_t i;

	for (i = 0; i < sizeof(control_handlers) / sizeof(*h); i++)
		if (control_handlers[i].type == q->type)
			h = &control_handlers[i];
	if (!h) {
		r->err = -ENOSYS;
		return;
	}
	if (((h->flags & CTL_F_START) && !(ops && ops->daemon_start)) ||
	    ((h->flags & CTL_F_STOP) && !(ops && ops->daemon_stop))) {
		r->err = -EOPNOTSUPP;
		return;
	}
	if (ops && ops->events)
		ops->events(ops->ctx);
	if ((h->flags & CTL_F_COUNTERS) && ops && ops->counters)
		ops->counters(ops->ctx);
	r->err = h->fn(c, q, r);
	/* Errno values beyond what the protocol carries are internal. */
	if (r->err > 0 || r->err < -4095)
		r->err = -EIO;
	if (!r->err && (h->flags & CTL_F_CHANGE) && ops && ops->changed)
		ops->changed(ops->ctx);
}

/* Free what the handlers allocated (the engine's listings included). */
static void control_release(struct xdpvs_ctl_reply *r)
{
	xdpvs_svc_info_free(r->svcs, r->nsvcs);
	free(r->conns);
	free(r->sysctls);
	free(r->marks);
	free(r->daemons);
}

/* =====================================================================
 * Clients
 */

static void control_client_close(struct control_client *cl)
{
	struct control *c = cl->ctl;
	int i;

	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (c->clients[i] == cl)
			c->clients[i] = NULL;
	loop_del(c->loop, cl->fd);
	close(cl->fd);
	free(cl->out);
	free(cl);
}

/* Queue the reply r to a request of type (any valid type for an error). */
static void control_reply(struct control_client *cl, enum xdpvs_ctl_msg type,
			  const struct xdpvs_ctl_reply *r)
{
	char *line = NULL;
	int len = xdpvs_ctl_reply_encode(type, r, &line);

	if (len < 0) {
		/* Unrepresentable data, or no memory: say so, plainly. */
		line = malloc(64);
		if (!line) {
			cl->closing = true;
			return;
		}
		len = snprintf(line, 64, "{\"v\":%d,\"id\":%u,\"err\":%d}\n",
			       XDPVS_CTL_PROTO_VERSION, r->id, len);
	}
	cl->out = line;
	cl->outlen = (size_t)len;
	cl->outoff = 0;
}

/* Answer err (with a reason) and close the client once it is sent. */
static void control_refuse(struct control_client *cl, uint32_t id, int err,
			   const char *why)
{
	struct xdpvs_ctl_reply r = { .id = id, .err = err };

	snprintf(r.msg, sizeof(r.msg), "%s", why);
	control_reply(cl, XDPVS_CTL_SVC_FLUSH, &r);
	cl->closing = true;
}

static void control_handle(struct control_client *cl, const char *line,
			   size_t len)
{
	struct xdpvs_ctl_reply r = { 0 };
	struct xdpvs_ctl_req q;
	char why[XDPVS_CTL_WHY_LEN];
	int rc;

	rc = xdpvs_ctl_req_decode(line, len, &q, why, sizeof(why));
	if (rc) {
		control_refuse(cl, q.id, rc, why);
		return;
	}
	control_dispatch(cl->ctl, &q, &r);
	r.id = q.id;
	control_reply(cl, q.type, &r);
	control_release(&r);
}

/* Write the pending reply; 0 when done or blocked, -errno on failure. */
static int control_write(struct control_client *cl)
{
	while (cl->outoff < cl->outlen) {
		ssize_t n = send(cl->fd, cl->out + cl->outoff,
				 cl->outlen - cl->outoff,
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		cl->outoff += (size_t)n;
	}
	free(cl->out);
	cl->out = NULL;
	cl->outlen = cl->outoff = 0;
	return 0;
}

/* Read what the socket has into the free part of the buffer. */
static int control_read(struct control_client *cl)
{
	ssize_t n;

	if (cl->inlen == sizeof(cl->in))
		return 0;
	do {
		n = recv(cl->fd, cl->in + cl->inlen, sizeof(cl->in) - cl->inlen,
			 MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	if (n == 0)
		cl->eof = true;
	cl->inlen += (size_t)n;
	return 0;
}

/* Handle buffered lines, one reply at a time. */
static int control_serve(struct control_client *cl)
{
	char *nl;
	size_t len;
	int rc = 0;

	while (!rc && !cl->closing && !cl->out) {
		nl = memchr(cl->in, '\n', cl->inlen);
		if (!nl)
			break;
		len = (size_t)(nl - cl->in) + 1;
		control_handle(cl, cl->in, len);
		memmove(cl->in, cl->in + len, cl->inlen - len);
		cl->inlen -= len;
		rc = control_write(cl);
	}
	if (rc || cl->closing || cl->out)
		return rc;
	if (cl->inlen == sizeof(cl->in))
		control_refuse(cl, 0, -EMSGSIZE, "request line too long");
	else if (cl->eof && cl->inlen)
		control_refuse(cl, 0, -EBADMSG, "not JSON: truncated");
	else if (cl->eof)
		cl->closing = true;
	return cl->out ? control_write(cl) : 0;
}

/* Watch for what comes next, or close.  Returns false once closed. */
static bool control_update(struct control_client *cl, int rc)
{
	uint32_t want = cl->out ? EPOLLOUT : EPOLLIN;

	if (rc < 0 || (cl->closing && !cl->out)) {
		control_client_close(cl);
		return false;
	}
	if (want != cl->events && !loop_mod(cl->ctl->loop, cl->fd, want))
		cl->events = want;
	return true;
}

static void control_client_event(void *arg, uint32_t events)
{
	struct control_client *cl = arg;
	int rc = 0;

	if (events & EPOLLERR) {
		control_client_close(cl);
		return;
	}
	if (cl->out)
		rc = control_write(cl);
	if (!rc && !cl->out && !cl->eof && !cl->closing &&
	    (events & (EPOLLIN | EPOLLHUP)))
		rc = control_read(cl);
	if (!rc)
		rc = control_serve(cl);
	control_update(cl, rc);
}

/* Only root and the daemon's own user may send requests. */
static bool control_peer_ok(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return false;
	return cr.uid == 0 || cr.uid == geteuid();
}

/* Tell a client it cannot be served, best effort, and close it. */
static void control_turn_away(int fd, int err)
{
	char line[64];
	int len = snprintf(line, sizeof(line),
			   "{\"v\":%d,\"id\":0,\"err\":%d}\n",
			   XDPVS_CTL_PROTO_VERSION, err);

	if (send(fd, line, (size_t)len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		/* nothing more to do for it */
	}
	close(fd);
}

static void control_add_client(struct control *c, int fd)
{
	struct control_client *cl;
	int i;

	for (i = 0; i < CONTROL_MAX_CLIENTS && c->clients[i]; i++)
		;
	if (i == CONTROL_MAX_CLIENTS) {
		control_turn_away(fd, -EUSERS);
		return;
	}
	if (!control_peer_ok(fd)) {
		control_turn_away(fd, -EPERM);
		return;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl) {
		control_turn_away(fd, -ENOMEM);
		return;
	}
	cl->ctl = c;
	cl->fd = fd;
	cl->events = EPOLLIN;
	if (loop_add(c->loop, fd, EPOLLIN, control_client_event, cl)) {
		free(cl);
		control_turn_away(fd, -ENOMEM);
		return;
	}
	c->clients[i] = cl;
}

static void control_accept(void *arg, uint32_t events)
{
	struct control *c = arg;
	int fd;

	for (;;) {
		fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;	/* EAGAIN, or a client gone before accept */
		control_add_client(c, fd);
	}
}

/* =====================================================================
 * The socket
 */

/* The engine's default timeouts and switches, from a throw-away engine. */
static int control_defaults(struct control *c)
{
	struct xdpvs_engine_params p = { .conn_max = 1, .conn_tab_bits = 8 };
	struct xdpvs_engine *e = xdpvs_engine_new(&p);
	const char *name;
	int rc = 0;

	if (!e)
		return -ENOMEM;
	xdpvs_get_timeouts(e, &c->def_timeouts.tcp, &c->def_timeouts.tcpfin,
			   &c->def_timeouts.udp);
	while (!rc && c->nsysctls < CONTROL_MAX_SYSCTLS &&
	       (name = xdpvs_sysctl_name((unsigned int)c->nsysctls)))
		rc = xdpvs_sysctl_get(e, name, &c->def_sysctls[c->nsysctls++]);
	xdpvs_engine_free(e);
	return rc;
}

/* Make the socket's directory (one level) if it is missing. */
static int control_mkdir(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* What is at path: nothing, or a stale socket (removed): 0; a daemon
 * answering there: -EADDRINUSE; anything else: -errno. */
static int control_probe(const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, rc;

	if (lstat(sun->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	rc = rc < 0 ? -errno : -EADDRINUSE;
	close(fd);
	if (rc != -ECONNREFUSED)
		return rc;
	return unlink(sun->sun_path) < 0 && errno != ENOENT ? -errno : 0;
}

/* Create, bind (umask 077), chmod 0600 and listen; the fd or -errno. */
static int control_listen(struct control *c, const struct sockaddr_un *sun)
{
	struct stat st;
	mode_t old;
	int fd, rc;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	old = umask(077);
	rc = bind(fd, (const struct sockaddr *)sun, sizeof(*sun));
	umask(old);
	if (rc < 0) {
		rc = -errno;
		goto err_close;
	}
	if (chmod(sun->sun_path, 0600) < 0 || stat(sun->sun_path, &st) < 0 ||
	    listen(fd, CONTROL_BACKLOG) < 0) {
		rc = -errno;
		goto err_unlink;
	}
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	return fd;
err_unlink:
	unlink(sun->sun_path);
err_close:
	close(fd);
	return rc;
}

struct control *control_start(struct loop *l, const char *path,
			      struct xdpvs_engine *e,
			      const struct control_ops *ops, int *err)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct control *c;
	int rc;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	c = calloc(1, sizeof(*c));
	if (!c) {
		*err = -ENOMEM;
		return NULL;
	}
	c->loop = l;
	c->e = e;
	if (ops) {
		c->ops_copy = *ops;
		c->ops = &c->ops_copy;
	}
	memcpy(c->path, sun.sun_path, sizeof(c->path));
	rc = control_defaults(c);
	rc = rc ? rc : control_mkdir(path);
	rc = rc ? rc : control_probe(&sun);
	rc = rc ? rc : control_listen(c, &sun);
	if (rc < 0)
		goto err_free;
	c->fd = rc;
	rc = loop_add(l, c->fd, EPOLLIN, control_accept, c);
	if (rc < 0)
		goto err_close;
	return c;
err_close:
	close(c->fd);
	unlink(c->path);
err_free:
	free(c);
	*err = rc;
	return NULL;
}

void control_stop(struct control *c)
{
	struct stat st;
	int i;

	if (!c)
		return;
	for (i = 0; i < CONTROL_MAX_CLIENTS; i++)
		if (c->clients[i])
			control_client_close(c->clients[i]);
	loop_del(c->loop, c->fd);
	close(c->fd);
	/* Remove the file only if it is still ours (not a successor's). */
	if (lstat(c->path, &st) == 0 && st.st_dev == c->dev &&
	    st.st_ino == c->ino)
		unlink(c->path);
	free(c);
}
