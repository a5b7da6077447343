// SPDX-License-Identifier: GPL-2.0-only
/*
 * What ipvsadm prints when the kernel refuses a command: libipvs's
 * ipvs_strerror() table, which words an errno by the call that got it
 * (ESRCH is "No such service" for -E but "Service not defined" for -a),
 * then by errno alone, then falls back to strerror().  The xdpvs commands
 * have a few entries of their own.  Kept apart from apply.c so that
 * programs and tests can word errors without linking the engine.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cmd.h"

struct errmsg {
	uint8_t cmd;		/* XDPVS_CTL_CMD_NONE: any command */
	uint8_t err;		/* errno */
	const char *msg;
};

static const struct errmsg errmsg_table[] = {
	{ XDPVS_CTL_CMD_ADD_SERVICE, EEXIST, "Service already exists" },
	{ XDPVS_CTL_CMD_ADD_SERVICE, ENOENT,
	  "Scheduler or persistence engine not found" },
	{ XDPVS_CTL_CMD_EDIT_SERVICE, ESRCH, "No such service" },
	{ XDPVS_CTL_CMD_EDIT_SERVICE, ENOENT,
	  "Scheduler or persistence engine not found" },
	{ XDPVS_CTL_CMD_DEL_SERVICE, ESRCH, "No such service" },
	{ XDPVS_CTL_CMD_ZERO, ESRCH, "No such service" },
	{ XDPVS_CTL_CMD_ADD_DEST, ESRCH, "Service not defined" },
	{ XDPVS_CTL_CMD_ADD_DEST, EEXIST, "Destination already exists" },
	{ XDPVS_CTL_CMD_EDIT_DEST, ESRCH, "Service not defined" },
	{ XDPVS_CTL_CMD_EDIT_DEST, ENOENT, "No such destination" },
	{ XDPVS_CTL_CMD_DEL_DEST, ESRCH, "Service not defined" },
	{ XDPVS_CTL_CMD_DEL_DEST, ENOENT, "No such destination" },
	{ XDPVS_CTL_CMD_START_DAEMON, EEXIST, "Daemon has already run" },
	{ XDPVS_CTL_CMD_STOP_DAEMON, ESRCH, "No daemon is running" },
	/* an xdpvsd without connection synchronisation (not libipvs's
	 * "with IPv6" wording, which would mislead here) */
	{ XDPVS_CTL_CMD_START_DAEMON, EOPNOTSUPP,
	  "Connection synchronisation is not supported" },
	{ XDPVS_CTL_CMD_STOP_DAEMON, EOPNOTSUPP,
	  "Connection synchronisation is not supported" },
	/* the listings: ipvs_get_services/_get_service/_get_dests */
	{ XDPVS_CTL_CMD_LIST, ESRCH, "No such service" },
	{ XDPVS_CTL_CMD_SAVE, ESRCH, "No such service" },
	/* xdpvs extensions */
	{ XDPVS_CTL_CMD_ADD_MARK, EEXIST, "Mark rule already exists" },
	{ XDPVS_CTL_CMD_DEL_MARK, ENOENT, "No such mark rule" },
	{ XDPVS_CTL_CMD_SYSCTL, ENOENT, "No such sysctl" },
	{ XDPVS_CTL_CMD_SYSCTL, EINVAL, "Value out of range for this sysctl" },
	/* any command */
	{ XDPVS_CTL_CMD_NONE, EPERM, "Permission denied (you must be root)" },
	{ XDPVS_CTL_CMD_NONE, EINVAL,
	  "Invalid operation.  Possibly wrong module version, address not unicast, ..." },
	{ XDPVS_CTL_CMD_NONE, ENOPROTOOPT, "Protocol not available" },
	{ XDPVS_CTL_CMD_NONE, ENOMEM, "Memory allocation problem" },
	{ XDPVS_CTL_CMD_NONE, EOPNOTSUPP, "Operation not supported with IPv6" },
	{ XDPVS_CTL_CMD_NONE, EAFNOSUPPORT,
	  "Operation not supported with specified address family" },
	{ XDPVS_CTL_CMD_NONE, EMSGSIZE, "Module is wrong version" },
};

const char *xdpvs_ctl_strerror(enum xdpvs_ctl_cmd_type cmd, int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < sizeof(errmsg_table) / sizeof(errmsg_table[0]); i++) {
		const struct errmsg *m = &errmsg_table[i];

		if ((m->cmd == XDPVS_CTL_CMD_NONE || m->cmd == cmd) &&
		    m->err == err)
			return m->msg;
	}
	return strerror(err);
}
