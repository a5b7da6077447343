// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpvsadm: ipvsadm for xdpvsd.
 *
 *	xdpvsadm [--socket PATH] ARGS
 *
 * ARGS are ipvsadm 1.31's (plus the xdpvs extensions): they are parsed by
 * ctl's parser, so a bad command line gets ipvsadm's message and exit
 * status; the command becomes requests to xdpvsd over its control socket
 * (ctl/proto.h; the path from --socket, else $XDPVS_SOCKET, else
 * /run/xdpvs/xdpvsd.sock); replies are printed by ctl's printers, so
 * listings are byte for byte ipvsadm's (or JSON with --json), and
 * refusals are worded as libipvs words them, with ipvsadm's exit status
 * (255 for a refused change, 1 for a listing that failed).
 *
 * -R reads commands from standard input as ipvsadm does: a line that does
 * not parse stops it with that line's message and status; a command the
 * daemon refuses is reported and the next line read; the exit status is
 * the last command's.  -S writes ipvsadm's lines, then (an xdpvs
 * extension, read back by -R) "--set" when a timeout differs from the
 * default, "--sysctl NAME=VALUE" for each switch that does, and the mark
 * rules as "--add-mark" lines.  -h and -v need no daemon.  When xdpvsd
 * cannot be reached xdpvsadm says so and exits 1, as ipvsadm does when
 * the ip_vs module is missing.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "ctl/cmd.h"
#include "ctl/print.h"
#include "ctl/proto.h"

#define ADM_NAME		"xdpvsadm"
#define ADM_EXIT_NODAEMON	1	/* ipvsadm: "Can't initialize ipvs" */

struct adm {
	const char *prog;	/* argv[0], for ctl's messages */
	const char *path;	/* the control socket */
	struct client cl;
	bool connected;
	bool dead;		/* the connection failed: stop */
};

static int adm_connect(struct adm *a)
{
	const char *hint = "";
	int rc;

	if (a->connected)
		return 0;
	rc = client_connect(&a->cl, a->path);
	if (!rc) {
		a->connected = true;
		return 0;
	}
	if (rc == -ENOENT || rc == -ECONNREFUSED)
		hint = " (is xdpvsd running?)";
	else if (rc == -EACCES || rc == -EPERM)
		hint = " (you must be root)";
	fprintf(stderr, "%s: cannot connect to %s: %s%s\n", ADM_NAME, a->path,
		strerror(-rc), hint);
	a->dead = true;
	return ADM_EXIT_NODAEMON;
}

/*
 * Send req, reply in *rep.  Returns 0 when the daemon answered (whatever
 * rep->err says), or an exit status after saying what went wrong with
 * the connection (which is then unusable).
 */
static int adm_call(struct adm *a, struct xdpvs_ctl_req *req,
		    struct xdpvs_ctl_reply *rep)
{
	char why[XDPVS_CTL_WHY_LEN];
	int rc = adm_connect(a);

	if (rc)
		return rc;
	rc = client_call(&a->cl, req, rep, why, sizeof(why));
	if (!rc && !rep->msg[0])
		return 0;
	if (!rc) {
		/* The daemon found our request malformed: not ipvsadm's. */
		fprintf(stderr, "%s: %s refused the request: %s (%s)\n",
			ADM_NAME, a->path, strerror(-rep->err), rep->msg);
		xdpvs_ctl_reply_free(rep);
	} else {
		fprintf(stderr, "%s: %s: %s%s%s\n", ADM_NAME, a->path,
			strerror(-rc), why[0] ? ": " : "", why);
	}
	a->dead = true;
	return ADM_EXIT_NODAEMON;
}

/* ipvsadm's words for a refusal of cmd, and its exit status. */
static int adm_refused(const struct xdpvs_ctl_cmd *cmd, int err, int status)
{
	fflush(stdout);
	fprintf(stderr, "%s\n", xdpvs_ctl_strerror(cmd->cmd, err));
	return status;
}

/* A command that changes something: one request, no output. */
static int adm_change(struct adm *a, const struct xdpvs_ctl_cmd *cmd)
{
	struct xdpvs_ctl_reply rep;
	struct xdpvs_ctl_req req;
	int rc;

	if (xdpvs_ctl_req_from_cmd(cmd, &req))
		return adm_refused(cmd, -EOPNOTSUPP, XDPVS_CTL_EXIT_OTHER);
	rc = adm_call(a, &req, &rep);
	if (rc)
		return rc;
	rc = rep.err ? adm_refused(cmd, rep.err, XDPVS_CTL_EXIT_OTHER) : 0;
	xdpvs_ctl_reply_free(&rep);
	return rc;
}

/* A printer's failure: only running out of memory is worth a word (a
 * closed stdout is the reader's business, as with ipvsadm). */
static int adm_printed(int rc)
{
	if (rc == -ENOMEM) {
		fprintf(stderr, "%s\n", strerror(ENOMEM));
		return XDPVS_CTL_EXIT_LIST;
	}
	return 0;
}

/* --sysctl [NAME]: the switches as "name = value". */
static int adm_print_sysctls(const struct xdpvs_ctl_reply *rep,
			     unsigned int fmt, bool changed_only)
{
	const char **names = calloc((size_t)rep->nsysctls + 1, sizeof(*names));
	int *values = calloc((size_t)rep->nsysctls + 1, sizeof(*values));
	int i, n = 0, rc = -ENOMEM;

	if (names && values) {
		for (i = 0; i < rep->nsysctls; i++) {
			const struct xdpvs_ctl_sysctl *s = &rep->sysctls[i];

			if (changed_only && s->value == s->def)
				continue;
			names[n] = s->name;
			values[n++] = s->value;
		}
		rc = xdpvs_ctl_print_sysctls(stdout, names, values, n, fmt);
	}
	free(names);
	free(values);
	return adm_printed(rc);
}

/* Print a successful reply to a listing request of type. */
static int adm_print(const struct xdpvs_ctl_cmd *cmd, enum xdpvs_ctl_msg type,
		     const struct xdpvs_ctl_reply *rep)
{
	FILE *f = stdout;
	unsigned int fmt = cmd->fmt;

	switch (type) {
	case XDPVS_CTL_SVC_LIST:
		return adm_printed(xdpvs_ctl_print_list(f, rep->svcs,
			rep->nsvcs, rep->tab_size, fmt));
	case XDPVS_CTL_SVC_GET:
		return adm_printed(xdpvs_ctl_print_service(f, rep->svcs, fmt));
	case XDPVS_CTL_CONN_LIST:
		return adm_printed(xdpvs_ctl_print_conns(f, rep->conns,
							 rep->nconns, fmt));
	case XDPVS_CTL_TIMEOUT_GET:
		return adm_printed(xdpvs_ctl_print_timeouts(f, &rep->timeouts,
							    fmt));
	case XDPVS_CTL_DAEMON_LIST:
		return adm_printed(xdpvs_ctl_print_daemons(f, rep->daemons,
							   rep->ndaemons, fmt));
	case XDPVS_CTL_MARK_LIST:
		return adm_printed(xdpvs_ctl_print_marks(f, rep->marks,
							 rep->nmarks, fmt));
	case XDPVS_CTL_SYSCTL_GET:
		return adm_print_sysctls(rep, fmt, false);
	default:
		return 0;
	}
}

/* One listing request of type for cmd, printed; an exit status. */
static int adm_list_one(struct adm *a, const struct xdpvs_ctl_cmd *cmd,
			enum xdpvs_ctl_msg type)
{
	struct xdpvs_ctl_reply rep;
	struct xdpvs_ctl_req req;
	int rc;

	rc = xdpvs_ctl_req_from_cmd(cmd, &req);
	if (rc)
		return adm_refused(cmd, rc, XDPVS_CTL_EXIT_LIST);
	req.type = type;
	rc = adm_call(a, &req, &rep);
	if (rc)
		return rc;
	if (rep.err)
		rc = adm_refused(cmd, rep.err, XDPVS_CTL_EXIT_LIST);
	else
		rc = adm_print(cmd, type, &rep);
	xdpvs_ctl_reply_free(&rep);
	return rc;
}

/* -S, after ipvsadm's lines: what else xdpvsadm can set, when it differs
 * from the daemon's defaults, as lines -R reads back. */
static int adm_save_ext(struct adm *a, const struct xdpvs_ctl_cmd *cmd)
{
	struct xdpvs_ctl_reply rep;
	struct xdpvs_ctl_req req = { .type = XDPVS_CTL_TIMEOUT_GET };
	int rc;

	rc = adm_call(a, &req, &rep);
	if (!rc && rep.err)
		return adm_refused(cmd, rep.err, XDPVS_CTL_EXIT_LIST);
	if (rc)
		return rc;
	if (memcmp(&rep.timeouts, &rep.timeouts_def, sizeof(rep.timeouts)))
		xdpvs_ctl_print_timeouts(stdout, &rep.timeouts, cmd->fmt);
	xdpvs_ctl_reply_free(&rep);
	req = (struct xdpvs_ctl_req){ .type = XDPVS_CTL_SYSCTL_GET };
	rc = adm_call(a, &req, &rep);
	if (rc)
		return rc;
	if (rep.err)
		return adm_refused(cmd, rep.err, XDPVS_CTL_EXIT_LIST);
	rc = adm_print_sysctls(&rep, cmd->fmt, true);
	xdpvs_ctl_reply_free(&rep);
	return rc ? rc : adm_list_one(a, cmd, XDPVS_CTL_MARK_LIST);
}

/* -L in its kinds, -S, --sysctl [NAME], --list-marks. */
static int adm_list(struct adm *a, const struct xdpvs_ctl_cmd *cmd)
{
	struct xdpvs_ctl_req req;
	int rc;

	rc = xdpvs_ctl_req_from_cmd(cmd, &req);
	if (rc)
		return adm_refused(cmd, rc, XDPVS_CTL_EXIT_LIST);
	rc = adm_list_one(a, cmd, req.type);
	if (!rc && cmd->cmd == XDPVS_CTL_CMD_SAVE &&
	    !(cmd->fmt & XDPVS_CTL_FMT_JSON))
		rc = adm_save_ext(a, cmd);
	return rc;
}

static int adm_restore(struct adm *a);

/* Carry out one parsed command; returns its exit status. */
static int adm_run(struct adm *a, const struct xdpvs_ctl_cmd *cmd)
{
	switch (cmd->cmd) {
	case XDPVS_CTL_CMD_HELP:
		xdpvs_ctl_print_usage(stdout, a->prog);
		printf("xdpvsadm:\n  %-36s%s\n"
		       "  %-36s($XDPVS_SOCKET, else %s)\n", "--socket path",
		       "xdpvsd's control socket", "", XDPVS_CTL_SOCKET);
		return 0;
	case XDPVS_CTL_CMD_VERSION:
		xdpvs_ctl_print_version(stdout);
		return 0;
	case XDPVS_CTL_CMD_RESTORE:
		return adm_restore(a);
	case XDPVS_CTL_CMD_LIST:
	case XDPVS_CTL_CMD_SAVE:
	case XDPVS_CTL_CMD_LIST_MARKS:
		return adm_list(a, cmd);
	case XDPVS_CTL_CMD_SYSCTL:
		return cmd->sysctl_set ? adm_change(a, cmd) : adm_list(a, cmd);
	default:
		return adm_change(a, cmd);
	}
}

/* ---------------------------------------------------------------------
 * -R
 */

struct adm_restore {
	struct adm *a;
	int status;		/* of the last command */
};

#define ADM_RESTORE_STOP	(-ECANCELED)	/* from the callback */

static int adm_restore_one(const struct xdpvs_ctl_cmd *cmd,
			   const struct xdpvs_ctl_rule_pos *pos, void *arg,
			   struct xdpvs_ctl_err *err)
{
	struct adm_restore *r = arg;

	r->status = adm_run(r->a, cmd);
	/* ipvsadm exits on -h, -v inside its input; nothing goes on
	 * without a daemon. */
	if (r->a->dead || cmd->cmd == XDPVS_CTL_CMD_HELP ||
	    cmd->cmd == XDPVS_CTL_CMD_VERSION)
		return ADM_RESTORE_STOP;
	return 0;
}

/* ipvsadm names no file or line in -R's messages: drop "-:LINE: ". */
static const char *adm_unlocate(const char *msg)
{
	const char *p = msg;

	if (strncmp(p, "-:", 2))
		return msg;
	p += 2;
	p += strspn(p, "0123456789");
	return strncmp(p, ": ", 2) ? msg : p + 2;
}

static int adm_restore(struct adm *a)
{
	struct adm_restore r = { .a = a, .status = 0 };
	struct xdpvs_ctl_err err = { 0 };
	int rc;

	rc = xdpvs_ctl_rules_read(stdin, "-", a->prog, adm_restore_one, &r,
				  &err);
	if (rc == ADM_RESTORE_STOP || rc >= 0)
		return r.status;
	fflush(stdout);
	fprintf(stderr, "%s\n", adm_unlocate(err.msg));
	return err.status;
}

/* ---------------------------------------------------------------------
 * Start-up
 */

/*
 * Take "--socket PATH" and "--socket=PATH" out of argv (wherever they
 * are: ipvsadm has no such option to clash with), into *path.  Returns
 * the new argc, or -1 when --socket has no path.
 */
static int adm_socket_opt(int argc, char **argv, const char **path)
{
	int i, n = 1;

	for (i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "--socket=", 9)) {
			*path = argv[i] + 9;
		} else if (!strcmp(argv[i], "--socket")) {
			if (i + 1 == argc)
				return -1;
			*path = argv[++i];
		} else {
			argv[n++] = argv[i];
		}
	}
	argv[n] = NULL;
	return n;
}

int main(int argc, char **argv)
{
	struct adm a = { .prog = argv[0], .path = getenv("XDPVS_SOCKET") };
	struct xdpvs_ctl_err err;
	struct xdpvs_ctl_cmd cmd;
	int rc;

	if (!a.path || !a.path[0])
		a.path = XDPVS_CTL_SOCKET;
	argc = adm_socket_opt(argc, argv, &a.path);
	if (argc < 0 || !a.path[0]) {
		fprintf(stderr, "%s: --socket needs a path\n", ADM_NAME);
		return XDPVS_CTL_EXIT_PARSE;
	}
	if (xdpvs_ctl_parse(argc, argv, &cmd, &err)) {
		xdpvs_ctl_err_print(stderr, &err);
		return err.status;
	}
	rc = adm_run(&a, &cmd);
	if (a.connected)
		client_close(&a.cl);
	return rc;
}
