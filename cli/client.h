/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xdpvsadm's side of the control socket: connect to xdpvsd, send one
 * request, read its reply (ctl/proto.h), over one connection for as many
 * requests as a command needs.
 */
#ifndef XDPVS_CLI_CLIENT_H
#define XDPVS_CLI_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "ctl/proto.h"

struct client {
	int fd;
	uint32_t next_id;
	char *buf;		/* bytes read and not yet a whole reply */
	size_t len, cap;
};

/* Connect to the socket at path: 0 or -errno (c->fd -1 then). */
int client_connect(struct client *c, const char *path);

/*
 * Send req (its id is set here) and read the reply into *rep (free it
 * with xdpvs_ctl_reply_free()).  Returns 0 when a reply came, whatever
 * its rep->err; or a negative errno with a reason in why: the socket
 * failed (-EPIPE, -ECONNRESET ...), the daemon closed the connection
 * (-ECONNRESET), or its reply was malformed or not this request's
 * (-EBADMSG, -EPROTONOSUPPORT, -EMSGSIZE).
 */
int client_call(struct client *c, struct xdpvs_ctl_req *req,
		struct xdpvs_ctl_reply *rep, char *why, size_t whylen);

/* Close the connection (a closed or never opened client is fine). */
void client_close(struct client *c);

#endif
