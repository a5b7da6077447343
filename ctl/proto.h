/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The control protocol between xdpvsadm and xdpvsd: one JSON object per
 * line over a Unix stream socket, one request line answered by one reply
 * line, in order.  Every message carries the protocol version and the
 * request's id:
 *
 *	{"v":1,"id":7,"type":"dest_add","svc":{...},"dest":{...}}
 *	{"v":1,"id":7,"err":-17}
 *	{"v":1,"id":8,"type":"svc_list"}
 *	{"v":1,"id":8,"err":0,"size":4096,"services":[...]}
 *
 * "err" is 0 or a negative errno with the engine's meaning (so the client
 * words it as ipvsadm would); an error reply may add "msg", a short reason
 * for a request that was refused as malformed.  A request line is at most
 * XDPVS_CTL_REQ_MAX bytes; replies (listings) may be longer.
 *
 * This file is the one place that turns messages into the C structures
 * (struct xdpvs_svc_conf, xdpvs_dest_conf, xdpvs_svc_info, ...) and back.
 * Decoding is strict: the top level and every object must have exactly the
 * keys its type lists (a missing or an unknown key is refused), integers
 * must be JSON integers within the range of their C field, strings must
 * fit their buffer and hold no NUL, addresses must parse in the object's
 * address family.  Objects:
 *
 *   svc     {"af":"inet"|"inet6","protocol":6|17|132,"addr":"198.18.100.1",
 *            "port":80,"fwmark":0,"sched":"wrr","pe":"","flags":0,
 *            "timeout":0,"netmask":"255.255.255.255" (inet) | 128 (inet6)}
 *   dest    {"af","addr","port","conn_flags","weight","u_threshold",
 *            "l_threshold","tun_type","tun_port","tun_flags"}
 *   mark    {"mark","af","protocol":0|6|17|132,"prefix","plen","port_lo",
 *            "port_hi"}
 *   daemon  {"state","mcast_ifn","syncid","sync_maxlen","mcast_port",
 *            "mcast_ttl","mcast_af":"unspec"|"inet"|"inet6",
 *            "mcast_group":null|"224.0.0.81"}
 *   timeouts {"tcp","tcpfin","udp"}          (seconds)
 *   stats   {"conns","inpkts","outpkts","inbytes","outbytes"}
 *   rates   {"cps","inpps","outpps","inbps","outbps"}
 *   service {"svc":svc,"stats","rates","dests":[{"dest":dest,"activeconns",
 *            "inactconns","persistconns","stats","rates"}...]}
 *   conn    {"af","daf":"unspec"|..,"protocol","state","state_name",
 *            "caddr","cport","vaddr","vport","daddr","dport","fwmark",
 *            "flags","expires_ms","pe_name","pe_data"}
 *
 * Ports are host-order integers on the wire (network order in the C
 * structures).  Requests and the data of their successful replies:
 *
 *   svc_add svc_edit svc_del  svc             -
 *   flush                     -               -
 *   dest_add dest_edit dest_del  svc, dest    -
 *   zero                      [svc]           -   (no svc: every counter)
 *   timeout_set               timeouts        -
 *   timeout_get               -               timeouts, defaults
 *   sysctl_set                name, value     -
 *   sysctl_get                [name]          sysctls: [{name,value,default}]
 *   mark_add mark_del         mark            -
 *   mark_flush                -               -
 *   mark_list                 -               marks: [mark...]
 *   svc_list                  -               size, services: [service...]
 *   svc_get                   svc             service
 *   conn_list                 -               conns: [conn...]
 *   daemon_start              daemon          -
 *   daemon_stop               state           -
 *   daemon_list               -               daemons: [daemon...]
 *   info                      -               info: {version, conn_tab_size,
 *                                              conn_count, drops: {name: n},
 *                                              stats, rates}
 */
#ifndef XDPVS_CTL_PROTO_H
#define XDPVS_CTL_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xdpvs/engine.h>

#include "cmd.h"

#define XDPVS_CTL_PROTO_VERSION	1
/* Longest request line, bytes, newline included. */
#define XDPVS_CTL_REQ_MAX	(64 * 1024)
/* Longest reply line a client accepts, bytes (a -Lc of a full table). */
#define XDPVS_CTL_REPLY_MAX	(1024U * 1024 * 1024)
/* Where xdpvsd listens unless told otherwise. */
#define XDPVS_CTL_SOCKET	"/run/xdpvs/xdpvsd.sock"
/* Longest "msg" of an error reply, bytes with the NUL. */
#define XDPVS_CTL_WHY_LEN	128

/* Message types: "type" on the wire is the lower-case name in proto.c. */
enum xdpvs_ctl_msg {
	XDPVS_CTL_MSG_NONE = 0,
	XDPVS_CTL_SVC_ADD,
	XDPVS_CTL_SVC_EDIT,
	XDPVS_CTL_SVC_DEL,
	XDPVS_CTL_SVC_FLUSH,		/* "flush" */
	XDPVS_CTL_DEST_ADD,
	XDPVS_CTL_DEST_EDIT,
	XDPVS_CTL_DEST_DEL,
	XDPVS_CTL_STATS_ZERO,		/* "zero" */
	XDPVS_CTL_TIMEOUT_SET,
	XDPVS_CTL_TIMEOUT_GET,
	XDPVS_CTL_SYSCTL_SET,
	XDPVS_CTL_SYSCTL_GET,
	XDPVS_CTL_MARK_ADD,
	XDPVS_CTL_MARK_DEL,
	XDPVS_CTL_MARK_FLUSH,
	XDPVS_CTL_MARK_LIST,
	XDPVS_CTL_SVC_LIST,
	XDPVS_CTL_SVC_GET,
	XDPVS_CTL_CONN_LIST,
	XDPVS_CTL_DAEMON_START,
	XDPVS_CTL_DAEMON_STOP,
	XDPVS_CTL_DAEMON_LIST,
	XDPVS_CTL_INFO_GET,		/* "info" */
	XDPVS_CTL_MSG_MAX
};

/* A request, as decoded: the fields its type uses, the rest zero. */
struct xdpvs_ctl_req {
	uint32_t id;
	enum xdpvs_ctl_msg type;
	bool has_svc;			/* zero: a service given */
	struct xdpvs_svc_conf svc;
	struct xdpvs_dest_conf dest;
	struct xdpvs_ctl_timeouts timeouts;
	struct xdpvs_mark_rule mark;
	struct xdpvs_ctl_daemon daemon;	/* daemon_stop: only .state */
	char sysctl_name[XDPVS_CTL_SYSCTL_NAMELEN];	/* get: "" = all */
	int sysctl_value;
};

/* One behaviour switch with its value and the engine's default. */
struct xdpvs_ctl_sysctl {
	char name[XDPVS_CTL_SYSCTL_NAMELEN];
	int value;
	int def;
};

/* What "info" tells. */
struct xdpvs_ctl_info {
	char version[16];		/* IPVS version shown: "1.2.1" */
	uint32_t conn_tab_size;
	uint32_t conn_count;
	uint64_t drops[XDPVS_DROP_MAX];	/* by enum xdpvs_drop */
	struct xdpvs_stats stats;	/* totals */
	struct xdpvs_rates rates;
};

/*
 * A reply.  err and msg always; the data fields only in a successful
 * reply to a type that has them.  Decoded replies own their arrays (free
 * with xdpvs_ctl_reply_free()); a server filling one to encode keeps
 * ownership of what it points to.
 */
struct xdpvs_ctl_reply {
	uint32_t id;
	int err;				/* 0 or -errno */
	char msg[XDPVS_CTL_WHY_LEN];		/* "" unless given */
	uint32_t tab_size;			/* svc_list */
	struct xdpvs_svc_info *svcs;		/* svc_list; svc_get: one */
	int nsvcs;
	struct xdpvs_conn_info *conns;		/* conn_list */
	int nconns;
	struct xdpvs_ctl_timeouts timeouts;	/* timeout_get */
	struct xdpvs_ctl_timeouts timeouts_def;
	struct xdpvs_ctl_sysctl *sysctls;	/* sysctl_get */
	int nsysctls;
	struct xdpvs_mark_rule *marks;		/* mark_list */
	int nmarks;
	struct xdpvs_ctl_daemon *daemons;	/* daemon_list */
	int ndaemons;
	struct xdpvs_ctl_info info;		/* info */
};

/* The wire name of a type ("svc_add"), or NULL when out of range. */
const char *xdpvs_ctl_msg_name(enum xdpvs_ctl_msg type);

/*
 * Encode a request as one line (a NUL-terminated string ending in '\n')
 * into *out, which the caller free()s.  Returns the length without the
 * NUL, -EINVAL when a field cannot be represented (an unknown type or
 * address family), -EMSGSIZE beyond XDPVS_CTL_REQ_MAX, or -ENOMEM.
 */
int xdpvs_ctl_req_encode(const struct xdpvs_ctl_req *req, char **out);

/*
 * Decode one request line of len bytes (a final '\n' allowed) into *req.
 * Returns 0, or a negative errno with a reason in why (whylen bytes):
 * -EMSGSIZE beyond XDPVS_CTL_REQ_MAX, -EPROTONOSUPPORT for another "v",
 * -ENOSYS for an unknown "type", -EBADMSG for anything else malformed.
 * req->id is set as soon as it was read, for the error reply.
 */
int xdpvs_ctl_req_decode(const char *buf, size_t len,
			 struct xdpvs_ctl_req *req, char *why, size_t whylen);

/*
 * Encode the reply to a request of type: always "v", "id", "err" (and
 * "msg" when not empty); with err 0 the data of type.  Same returns as
 * xdpvs_ctl_req_encode(), without the length bound.
 */
int xdpvs_ctl_reply_encode(enum xdpvs_ctl_msg type,
			   const struct xdpvs_ctl_reply *rep, char **out);

/*
 * Decode a reply line to a request of type into *rep (zeroed first).
 * Returns 0, or -EBADMSG / -EPROTONOSUPPORT / -EMSGSIZE / -ENOMEM with a
 * reason in why; on failure nothing is left to free.
 */
int xdpvs_ctl_reply_decode(const char *buf, size_t len,
			   enum xdpvs_ctl_msg type, struct xdpvs_ctl_reply *rep,
			   char *why, size_t whylen);

/* Free the arrays of a decoded reply and zero them. */
void xdpvs_ctl_reply_free(struct xdpvs_ctl_reply *rep);

/*
 * The request that carries out (or lists) a parsed ipvsadm command: -A -E
 * -D -C -a -e -d -Z --set --start-daemon --stop-daemon --sysctl
 * --add-mark --del-mark --list-marks, and -L in each of its kinds (-S
 * starts with svc_list).  Fills *req (id 0) and returns 0, or returns
 * -EOPNOTSUPP for a command with no request (-h, -v, -R).
 */
int xdpvs_ctl_req_from_cmd(const struct xdpvs_ctl_cmd *cmd,
			   struct xdpvs_ctl_req *req);

#endif
