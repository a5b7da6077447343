// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control protocol of proto.h: the messages' names and the fields
 * each request carries, which its JSON codec shares (encoding in
 * proto_encode.c, decoding in proto_decode.c), and ipvsadm commands made
 * into requests.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "proto_json.h"

/* =====================================================================
 * The messages
 */

static const char *const proto_msg_names[XDPVS_CTL_MSG_MAX] = {
	[XDPVS_CTL_SVC_ADD] = "svc_add",
	[XDPVS_CTL_SVC_EDIT] = "svc_edit",
	[XDPVS_CTL_SVC_DEL] = "svc_del",
	[XDPVS_CTL_SVC_FLUSH] = "flush",
	[XDPVS_CTL_DEST_ADD] = "dest_add",
	[XDPVS_CTL_DEST_EDIT] = "dest_edit",
	[XDPVS_CTL_DEST_DEL] = "dest_del",
	[XDPVS_CTL_STATS_ZERO] = "zero",
	[XDPVS_CTL_TIMEOUT_SET] = "timeout_set",
	[XDPVS_CTL_TIMEOUT_GET] = "timeout_get",
	[XDPVS_CTL_SYSCTL_SET] = "sysctl_set",
	[XDPVS_CTL_SYSCTL_GET] = "sysctl_get",
	[XDPVS_CTL_MARK_ADD] = "mark_add",
	[XDPVS_CTL_MARK_DEL] = "mark_del",
	[XDPVS_CTL_MARK_FLUSH] = "mark_flush",
	[XDPVS_CTL_MARK_LIST] = "mark_list",
	[XDPVS_CTL_SVC_LIST] = "svc_list",
	[XDPVS_CTL_SVC_GET] = "svc_get",
	[XDPVS_CTL_CONN_LIST] = "conn_list",
	[XDPVS_CTL_DAEMON_START] = "daemon_start",
	[XDPVS_CTL_DAEMON_STOP] = "daemon_stop",
	[XDPVS_CTL_DAEMON_LIST] = "daemon_list",
	[XDPVS_CTL_INFO_GET] = "info",
};

/* The fields (PF_*, proto_json.h) a request of each type carries. */
const uint16_t proto_req_fields[XDPVS_CTL_MSG_MAX] = {
	[XDPVS_CTL_SVC_ADD] = PF_SVC,
	[XDPVS_CTL_SVC_EDIT] = PF_SVC,
	[XDPVS_CTL_SVC_DEL] = PF_SVC,
	[XDPVS_CTL_DEST_ADD] = PF_SVC | PF_DEST,
	[XDPVS_CTL_DEST_EDIT] = PF_SVC | PF_DEST,
	[XDPVS_CTL_DEST_DEL] = PF_SVC | PF_DEST,
	[XDPVS_CTL_STATS_ZERO] = PF_SVC_OPT,
	[XDPVS_CTL_TIMEOUT_SET] = PF_TIMEOUTS,
	[XDPVS_CTL_SYSCTL_SET] = PF_NAME | PF_VALUE,
	[XDPVS_CTL_SYSCTL_GET] = PF_NAME_OPT,
	[XDPVS_CTL_MARK_ADD] = PF_MARK,
	[XDPVS_CTL_MARK_DEL] = PF_MARK,
	[XDPVS_CTL_SVC_GET] = PF_SVC,
	[XDPVS_CTL_DAEMON_START] = PF_DAEMON,
	[XDPVS_CTL_DAEMON_STOP] = PF_STATE,
};

const char *xdpvs_ctl_msg_name(enum xdpvs_ctl_msg type)
{
	if (type <= XDPVS_CTL_MSG_NONE || type >= XDPVS_CTL_MSG_MAX)
		return NULL;
	return proto_msg_names[type];
}

enum xdpvs_ctl_msg proto_msg_type(const char *name)
{
	int t;

	for (t = XDPVS_CTL_MSG_NONE + 1; t < XDPVS_CTL_MSG_MAX; t++)
		if (!strcmp(proto_msg_names[t], name))
			return (enum xdpvs_ctl_msg)t;
	return XDPVS_CTL_MSG_NONE;
}

/* "unspec", "inet", "inet6", or NULL for any other family. */
const char *proto_af_name(int af)
{
	switch (af) {
	case AF_UNSPEC:
		return "unspec";
	case AF_INET:
		return "inet";
	case AF_INET6:
		return "inet6";
	}
	return NULL;
}

/* =====================================================================
 * Commands into requests
 */

/* The request of a -L, by what it lists. */
static enum xdpvs_ctl_msg proto_list_type(const struct xdpvs_ctl_cmd *cmd)
{
	switch (cmd->list) {
	case XDPVS_CTL_LIST_SERVICE:
		return XDPVS_CTL_SVC_GET;
	case XDPVS_CTL_LIST_CONN:
		return XDPVS_CTL_CONN_LIST;
	case XDPVS_CTL_LIST_TIMEOUT:
		return XDPVS_CTL_TIMEOUT_GET;
	case XDPVS_CTL_LIST_DAEMON:
		return XDPVS_CTL_DAEMON_LIST;
	default:
		return XDPVS_CTL_SVC_LIST;
	}
}

static const enum xdpvs_ctl_msg proto_cmd_types[XDPVS_CTL_CMD_MAX] = {
	[XDPVS_CTL_CMD_ADD_SERVICE] = XDPVS_CTL_SVC_ADD,
	[XDPVS_CTL_CMD_EDIT_SERVICE] = XDPVS_CTL_SVC_EDIT,
	[XDPVS_CTL_CMD_DEL_SERVICE] = XDPVS_CTL_SVC_DEL,
	[XDPVS_CTL_CMD_FLUSH] = XDPVS_CTL_SVC_FLUSH,
	[XDPVS_CTL_CMD_ADD_DEST] = XDPVS_CTL_DEST_ADD,
	[XDPVS_CTL_CMD_DEL_DEST] = XDPVS_CTL_DEST_DEL,
	[XDPVS_CTL_CMD_EDIT_DEST] = XDPVS_CTL_DEST_EDIT,
	[XDPVS_CTL_CMD_SET_TIMEOUT] = XDPVS_CTL_TIMEOUT_SET,
	[XDPVS_CTL_CMD_START_DAEMON] = XDPVS_CTL_DAEMON_START,
	[XDPVS_CTL_CMD_STOP_DAEMON] = XDPVS_CTL_DAEMON_STOP,
	[XDPVS_CTL_CMD_SAVE] = XDPVS_CTL_SVC_LIST,
	[XDPVS_CTL_CMD_ZERO] = XDPVS_CTL_STATS_ZERO,
	[XDPVS_CTL_CMD_ADD_MARK] = XDPVS_CTL_MARK_ADD,
	[XDPVS_CTL_CMD_DEL_MARK] = XDPVS_CTL_MARK_DEL,
	[XDPVS_CTL_CMD_LIST_MARKS] = XDPVS_CTL_MARK_LIST,
};

int xdpvs_ctl_req_from_cmd(const struct xdpvs_ctl_cmd *cmd,
			   struct xdpvs_ctl_req *req)
{
	memset(req, 0, sizeof(*req));
	if (cmd->cmd <= XDPVS_CTL_CMD_NONE || cmd->cmd >= XDPVS_CTL_CMD_MAX)
		return -EOPNOTSUPP;
	req->type = proto_cmd_types[cmd->cmd];
	if (cmd->cmd == XDPVS_CTL_CMD_LIST)
		req->type = proto_list_type(cmd);
	else if (cmd->cmd == XDPVS_CTL_CMD_SYSCTL)
		req->type = cmd->sysctl_set ? XDPVS_CTL_SYSCTL_SET :
					      XDPVS_CTL_SYSCTL_GET;
	if (req->type == XDPVS_CTL_MSG_NONE)
		return -EOPNOTSUPP;
	req->svc = cmd->svc;
	req->has_svc = proto_req_fields[req->type] & PF_SVC ||
		       (cmd->cmd == XDPVS_CTL_CMD_ZERO &&
			(cmd->options & XDPVS_CTL_OPT(SERVICE)));
	req->dest = cmd->dest;
	req->timeouts = cmd->timeouts;
	req->mark = cmd->mark;
	req->daemon = cmd->daemon;
	memcpy(req->sysctl_name, cmd->sysctl_name, sizeof(req->sysctl_name));
	req->sysctl_value = cmd->sysctl_value;
	return 0;
}
