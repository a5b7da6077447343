// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpvsadm's connection to xdpvsd (client.h): blocking I/O, one request
 * line out, one reply line in, in order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "client.h"

#define CLIENT_CHUNK	(64 * 1024)	/* bytes read at a time */

int client_connect(struct client *c, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int rc;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->next_id = 1;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		rc = -errno;
		close(c->fd);
		c->fd = -1;
		return rc;
	}
	return 0;
}

static int client_send(struct client *c, const char *line, size_t len)
{
	while (len) {
		ssize_t n = send(c->fd, line, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		line += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read until the buffer holds a whole line; its length (with the '\n'),
 * or -errno. */
static int client_read_line(struct client *c, char *why, size_t whylen)
{
	char *nl = NULL, *p;
	ssize_t n;

	while (!c->len || !(nl = memchr(c->buf, '\n', c->len))) {
		if (c->len >= XDPVS_CTL_REPLY_MAX) {
			snprintf(why, whylen, "reply longer than %u bytes",
				 XDPVS_CTL_REPLY_MAX);
			return -EMSGSIZE;
		}
		if (c->cap - c->len < CLIENT_CHUNK) {
			p = realloc(c->buf, c->cap + CLIENT_CHUNK);
			if (!p)
				return -ENOMEM;
			c->buf = p;
			c->cap += CLIENT_CHUNK;
		}
		n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {
			snprintf(why, whylen, "connection closed by xdpvsd");
			return -ECONNRESET;
		}
		c->len += (size_t)n;
	}
	return (int)(nl - c->buf) + 1;
}

int client_call(struct client *c, struct xdpvs_ctl_req *req,
		struct xdpvs_ctl_reply *rep, char *why, size_t whylen)
{
	char *line;
	int len, rc;

	memset(rep, 0, sizeof(*rep));
	why[0] = '\0';
	req->id = c->next_id++;
	len = xdpvs_ctl_req_encode(req, &line);
	if (len < 0) {
		snprintf(why, whylen, "cannot encode the request");
		return len;
	}
	rc = client_send(c, line, (size_t)len);
	free(line);
	/* A daemon that turned us away may have said why before closing. */
	if (rc && rc != -EPIPE && rc != -ECONNRESET)
		return rc;
	len = client_read_line(c, why, whylen);
	if (len < 0)
		return rc ? rc : len;
	rc = xdpvs_ctl_reply_decode(c->buf, (size_t)len, req->type, rep, why,
				    whylen);
	memmove(c->buf, c->buf + len, c->len - (size_t)len);
	c->len -= (size_t)len;
	if (!rc && rep->id != req->id) {
		snprintf(why, whylen, "reply to request %u, not %u", rep->id,
			 req->id);
		xdpvs_ctl_reply_free(rep);
		/* An error reply to a request we could not frame has id 0. */
		rc = rep->id == 0 && rep->err ? 0 : -EBADMSG;
	}
	return rc;
}

void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->len = c->cap = 0;
}
