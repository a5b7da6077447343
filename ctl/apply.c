// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parsed commands carried out on an engine: the part of ipvsadm's
 * process_options() after the checks, with the engine's functions in place
 * of libipvs's netlink calls.  A refusal is worded as ipvsadm words it
 * (errmsg.c) with ipvsadm's exit status: 255 for a refused change, 1 for a
 * listing that failed.  Listings are printed through print.h.
 *
 * The sync daemon belongs to xdpvsd, not to the engine, so its commands
 * are left to the caller (-EOPNOTSUPP here).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "print.h"

/* Word err for cmd into *e and return it. */
static int apply_err(struct xdpvs_ctl_err *e, enum xdpvs_ctl_cmd_type cmd,
		     int err, int status)
{
	xdpvs_ctl_fail(e, status, "%s", xdpvs_ctl_strerror(cmd, err));
	return err;
}

static int apply_unsupported(struct xdpvs_ctl_err *e,
			     enum xdpvs_ctl_cmd_type cmd)
{
	xdpvs_ctl_fail(e, XDPVS_CTL_EXIT_OTHER,
		       "The '%s' command is not carried out by the engine",
		       xdpvs_ctl_cmd_name(cmd));
	return -EOPNOTSUPP;
}

/* Services, real servers, counters and timeouts. */
static int apply_ipvs(struct xdpvs_engine *e, const struct xdpvs_ctl_cmd *c)
{
	const struct xdpvs_svc_conf *svc = &c->svc;

	switch (c->cmd) {
	case XDPVS_CTL_CMD_ADD_SERVICE:
		return xdpvs_svc_add(e, svc);
	case XDPVS_CTL_CMD_EDIT_SERVICE:
		return xdpvs_svc_edit(e, svc);
	case XDPVS_CTL_CMD_DEL_SERVICE:
		return xdpvs_svc_del(e, svc);
	case XDPVS_CTL_CMD_FLUSH:
		xdpvs_svc_flush(e);
		return 0;
	case XDPVS_CTL_CMD_ADD_DEST:
		return xdpvs_dest_add(e, svc, &c->dest);
	case XDPVS_CTL_CMD_EDIT_DEST:
		return xdpvs_dest_edit(e, svc, &c->dest);
	case XDPVS_CTL_CMD_DEL_DEST:
		return xdpvs_dest_del(e, svc, &c->dest);
	case XDPVS_CTL_CMD_ZERO:
		/* No service given: every counter, as ipvsadm's all-zero
		 * service means to the kernel. */
		return xdpvs_zero(e, c->options & XDPVS_CTL_OPT(SERVICE) ?
				  svc : NULL);
	case XDPVS_CTL_CMD_SET_TIMEOUT:
		return xdpvs_set_timeouts(e, c->timeouts.tcp,
					  c->timeouts.tcpfin,
					  c->timeouts.udp);
	default:
		return -EOPNOTSUPP;
	}
}

/* The xdpvs extensions that change the engine. */
static int apply_ext(struct xdpvs_engine *e, const struct xdpvs_ctl_cmd *c)
{
	switch (c->cmd) {
	case XDPVS_CTL_CMD_SYSCTL:
		if (!c->sysctl_set)
			return -EOPNOTSUPP;
		return xdpvs_sysctl_set(e, c->sysctl_name, c->sysctl_value);
	case XDPVS_CTL_CMD_ADD_MARK:
		return xdpvs_mark_add(e, &c->mark);
	case XDPVS_CTL_CMD_DEL_MARK:
		return xdpvs_mark_del(e, &c->mark);
	default:
		return -EOPNOTSUPP;
	}
}

int xdpvs_ctl_apply(struct xdpvs_engine *e, const struct xdpvs_ctl_cmd *cmd,
		    struct xdpvs_ctl_err *err)
{
	int rc;

	rc = apply_ipvs(e, cmd);
	if (rc == -EOPNOTSUPP)
		rc = apply_ext(e, cmd);
	if (rc == -EOPNOTSUPP)
		return apply_unsupported(err, cmd->cmd);
	if (rc < 0)
		return apply_err(err, cmd->cmd, rc, XDPVS_CTL_EXIT_OTHER);
	return 0;
}

/* -L, -S: the whole table. */
static int list_all(struct xdpvs_engine *e, const struct xdpvs_ctl_cmd *c,
		    FILE *out, struct xdpvs_ctl_err *err)
{
	struct xdpvs_svc_info *s;
	int n, rc;

	n = xdpvs_svc_info_get(e, &s);
	if (n < 0)
		return apply_err(err, c->cmd, n, XDPVS_CTL_EXIT_LIST);
	rc = xdpvs_ctl_print_list(out, s, n, xdpvs_conn_tab_size(e), c->fmt);
	xdpvs_svc_info_free(s, n);
	return rc;
}

/* -L -t|-u|-f ...: one service. */
static int list_one(struct xdpvs_engine *e, const struct xdpvs_ctl_cmd *c,
		    FILE *out, struct xdpvs_ctl_err *err)
{
	struct xdpvs_svc_info *s;
	int rc;

	rc = xdpvs_svc_info_get_one(e, &c->svc, &s);
	if (rc < 0)
		return apply_err(err, c->cmd, rc, XDPVS_CTL_EXIT_LIST);
	rc = xdpvs_ctl_print_service(out, s, c->fmt);
	xdpvs_svc_info_free(s, 1);
	return rc;
}

static int list_conns(struct xdpvs_engine *e, const struct xdpvs_ctl_cmd *c,
		      uint64_t now, FILE *out, struct xdpvs_ctl_err *err)
{
	struct xdpvs_conn_info *ci;
	int n, rc;

	n = xdpvs_conn_info_get(e, now, &ci);
	if (n < 0)
		return apply_err(err, c->cmd, n, XDPVS_CTL_EXIT_LIST);
	rc = xdpvs_ctl_print_conns(out, ci, n, c->fmt);
	free(ci);
	return rc;
}

static int list_timeouts(struct xdpvs_engine *e,
			 const struct xdpvs_ctl_cmd *c, FILE *out)
{
	struct xdpvs_ctl_timeouts t;

	xdpvs_get_timeouts(e, &t.tcp, &t.tcpfin, &t.udp);
	return xdpvs_ctl_print_timeouts(out, &t, c->fmt);
}

/* --sysctl [NAME]: one switch, or all of them in the engine's order. */
static int list_sysctls(struct xdpvs_engine *e, const struct xdpvs_ctl_cmd *c,
			FILE *out, struct xdpvs_ctl_err *err)
{
	const char *names[64];
	int values[64], rc;
	unsigned int n = 0;

	if (c->sysctl_name[0])
		names[n++] = c->sysctl_name;
	while (!c->sysctl_name[0] && n < 64 && xdpvs_sysctl_name(n)) {
		names[n] = xdpvs_sysctl_name(n);
		n++;
	}
	for (unsigned int i = 0; i < n; i++) {
		rc = xdpvs_sysctl_get(e, names[i], &values[i]);
		if (rc < 0)
			return apply_err(err, c->cmd, rc, XDPVS_CTL_EXIT_LIST);
	}
	return xdpvs_ctl_print_sysctls(out, names, values, (int)n, c->fmt);
}

int xdpvs_ctl_list(struct xdpvs_engine *e, const struct xdpvs_ctl_cmd *cmd,
		   uint64_t now, FILE *out, struct xdpvs_ctl_err *err)
{
	switch (cmd->cmd) {
	case XDPVS_CTL_CMD_SAVE:
		return list_all(e, cmd, out, err);
	case XDPVS_CTL_CMD_SYSCTL:
		return list_sysctls(e, cmd, out, err);
	case XDPVS_CTL_CMD_LIST:
		break;
	default:
		return apply_unsupported(err, cmd->cmd);
	}
	switch (cmd->list) {
	case XDPVS_CTL_LIST_ALL:
		return list_all(e, cmd, out, err);
	case XDPVS_CTL_LIST_SERVICE:
		return list_one(e, cmd, out, err);
	case XDPVS_CTL_LIST_CONN:
		return list_conns(e, cmd, now, out, err);
	case XDPVS_CTL_LIST_TIMEOUT:
		return list_timeouts(e, cmd, out);
	default:
		return apply_unsupported(err, cmd->cmd);
	}
}
