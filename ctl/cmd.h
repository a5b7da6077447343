/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ipvsadm language: one parsed command.
 *
 * Every program that reads ipvsadm syntax (xdpvsadm's command line, -R
 * restore, xdpvs-replay rules files, the daemon's config loader) turns an
 * argument vector into a struct xdpvs_ctl_cmd with xdpvs_ctl_parse(), which
 * follows ipvsadm 1.31: the same options (popt's rules for clustering and
 * optional arguments), the same defaults, the same checks in the same order
 * and the same messages and exit statuses.  xdpvs_ctl_apply() carries a
 * command out on an engine and words the engine's errno the way libipvs's
 * ipvs_strerror() does.  Listings are printed by print.h.
 *
 * xdpvs extensions (--fullnat, --sysctl, --add-mark, --del-mark,
 * --list-marks, --json) are parsed by the same parser and kept apart in
 * parse_ext.c.  Nothing here calls exit(): errors come back as a negative
 * errno plus a struct xdpvs_ctl_err holding the message and the exit status
 * ipvsadm would have used.
 */
#ifndef XDPVS_CTL_CMD_H
#define XDPVS_CTL_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <xdpvs/engine.h>

#ifndef XDPVS_CONN_F_FULLNAT
/* Full NAT forwarding (xdpvs extension): a forwarding method value inside
 * XDPVS_CONN_F_FWD_MASK that the kernel does not use.  To move to
 * include/xdpvs/ipvs.h. */
#define XDPVS_CONN_F_FULLNAT	0x0005
#endif

/* The commands; the first fourteen in ipvsadm's order (its CMD_* values). */
enum xdpvs_ctl_cmd_type {
	XDPVS_CTL_CMD_NONE = 0,
	XDPVS_CTL_CMD_ADD_SERVICE,	/* -A */
	XDPVS_CTL_CMD_EDIT_SERVICE,	/* -E */
	XDPVS_CTL_CMD_DEL_SERVICE,	/* -D */
	XDPVS_CTL_CMD_FLUSH,		/* -C */
	XDPVS_CTL_CMD_LIST,		/* -L, -l */
	XDPVS_CTL_CMD_ADD_DEST,		/* -a */
	XDPVS_CTL_CMD_DEL_DEST,		/* -d */
	XDPVS_CTL_CMD_EDIT_DEST,	/* -e */
	XDPVS_CTL_CMD_SET_TIMEOUT,	/* --set */
	XDPVS_CTL_CMD_START_DAEMON,	/* --start-daemon */
	XDPVS_CTL_CMD_STOP_DAEMON,	/* --stop-daemon */
	XDPVS_CTL_CMD_RESTORE,		/* -R */
	XDPVS_CTL_CMD_SAVE,		/* -S */
	XDPVS_CTL_CMD_ZERO,		/* -Z */
	/* xdpvs extensions */
	XDPVS_CTL_CMD_SYSCTL,		/* --sysctl [NAME[=VALUE]] */
	XDPVS_CTL_CMD_ADD_MARK,		/* --add-mark RULE */
	XDPVS_CTL_CMD_DEL_MARK,		/* --del-mark RULE */
	XDPVS_CTL_CMD_LIST_MARKS,	/* --list-marks */
	/* answered without a table: print and stop */
	XDPVS_CTL_CMD_HELP,		/* -h */
	XDPVS_CTL_CMD_VERSION,		/* -v */
	XDPVS_CTL_CMD_MAX
};

/*
 * Options given (cmd->options), one bit each, in ipvsadm's order (its
 * OPT_* values), so that the commands-versus-options table reads the same.
 */
enum xdpvs_ctl_opt {
	XDPVS_CTL_OPT_NUMERIC = 0,
	XDPVS_CTL_OPT_CONNECTION,
	XDPVS_CTL_OPT_SERVICE,
	XDPVS_CTL_OPT_SCHEDULER,
	XDPVS_CTL_OPT_PERSISTENT,
	XDPVS_CTL_OPT_NETMASK,
	XDPVS_CTL_OPT_SERVER,
	XDPVS_CTL_OPT_FORWARD,
	XDPVS_CTL_OPT_WEIGHT,
	XDPVS_CTL_OPT_UTHRESHOLD,
	XDPVS_CTL_OPT_LTHRESHOLD,
	XDPVS_CTL_OPT_MCAST,
	XDPVS_CTL_OPT_TIMEOUT,
	XDPVS_CTL_OPT_DAEMON,
	XDPVS_CTL_OPT_STATS,
	XDPVS_CTL_OPT_RATE,
	XDPVS_CTL_OPT_THRESHOLDS,
	XDPVS_CTL_OPT_PERSISTENTCONN,
	XDPVS_CTL_OPT_NOSORT,
	XDPVS_CTL_OPT_SYNCID,
	XDPVS_CTL_OPT_EXACT,
	XDPVS_CTL_OPT_ONEPACKET,
	XDPVS_CTL_OPT_PE,
	XDPVS_CTL_OPT_SCHED_FLAGS,
	XDPVS_CTL_OPT_MCAST_GROUP,
	XDPVS_CTL_OPT_MCAST_PORT,
	XDPVS_CTL_OPT_MCAST_TTL,
	XDPVS_CTL_OPT_SYNC_MAXLEN,
	XDPVS_CTL_OPT_TUN_INFO,
	XDPVS_CTL_OPT_TUN_TYPE,
	XDPVS_CTL_OPT_TUN_PORT,
	XDPVS_CTL_OPT_TUN_NOCSUM,
	XDPVS_CTL_OPT_TUN_CSUM,
	XDPVS_CTL_OPT_TUN_REMCSUM,
	/* xdpvs extensions */
	XDPVS_CTL_OPT_JSON,
	XDPVS_CTL_OPT_MAX
};
#define XDPVS_CTL_OPT(o)	(1ULL << XDPVS_CTL_OPT_##o)

/* Listing format flags (cmd->fmt), as ipvsadm's FMT_* plus extensions. */
#define XDPVS_CTL_FMT_NUMERIC		0x0001	/* -n */
#define XDPVS_CTL_FMT_RULE		0x0002	/* -S: as commands */
#define XDPVS_CTL_FMT_STATS		0x0004	/* --stats */
#define XDPVS_CTL_FMT_RATE		0x0008	/* --rate */
#define XDPVS_CTL_FMT_THRESHOLDS	0x0010	/* --thresholds */
#define XDPVS_CTL_FMT_PERSISTENTCONN	0x0020 /* --persistent-conn */
#define XDPVS_CTL_FMT_NOSORT		0x0040	/* --nosort */
#define XDPVS_CTL_FMT_EXACT		0x0080	/* --exact */
#define XDPVS_CTL_FMT_TUN_INFO		0x0100	/* --tun-info */
#define XDPVS_CTL_FMT_JSON		0x1000	/* --json (xdpvs) */
/* With XDPVS_CTL_FMT_RULE: real servers' thresholds too (-x, -y), which
 * ipvsadm's -S leaves out; xdpvs_ctl_save()'s, not a command line's. */
#define XDPVS_CTL_FMT_RULE_FULL		0x4000
/* Numeric addresses but port names: -L without reverse DNS (not an
 * ipvsadm option; for callers that must not block on name servers). */
#define XDPVS_CTL_FMT_NUMERIC_HOST	0x2000

/* What a LIST command shows, decided from its options as ipvsadm does. */
enum xdpvs_ctl_list_kind {
	XDPVS_CTL_LIST_ALL = 0,		/* -L */
	XDPVS_CTL_LIST_SERVICE,		/* -L with a service */
	XDPVS_CTL_LIST_CONN,		/* -L -c */
	XDPVS_CTL_LIST_TIMEOUT,		/* -L --timeout */
	XDPVS_CTL_LIST_DAEMON,		/* -L --daemon */
};

struct xdpvs_ctl_timeouts {
	uint32_t tcp;		/* seconds; 0 = leave unchanged (--set) */
	uint32_t tcpfin;
	uint32_t udp;
};

#define XDPVS_CTL_DAEMON_MASTER	0x0001	/* IP_VS_STATE_MASTER */
#define XDPVS_CTL_DAEMON_BACKUP	0x0002	/* IP_VS_STATE_BACKUP */

/* A sync daemon, as --start-daemon gives it and -L --daemon shows it;
 * zero fields are "not given" (the kernel then uses its defaults). */
struct xdpvs_ctl_daemon {
	uint32_t state;		/* XDPVS_CTL_DAEMON_*; 0 = not running */
	char mcast_ifn[XDPVS_IFNAME_MAXLEN];
	uint32_t syncid;
	uint16_t sync_maxlen;
	uint16_t mcast_port;	/* host order */
	uint8_t mcast_ttl;
	uint16_t mcast_af;	/* AF_UNSPEC when no group was given */
	union xdpvs_addr mcast_group;
};

#define XDPVS_CTL_SYSCTL_NAMELEN 64

struct xdpvs_ctl_cmd {
	enum xdpvs_ctl_cmd_type cmd;
	uint64_t options;		/* XDPVS_CTL_OPT() bits given */
	unsigned int fmt;		/* XDPVS_CTL_FMT_* */
	enum xdpvs_ctl_list_kind list;	/* for XDPVS_CTL_CMD_LIST */
	struct xdpvs_svc_conf svc;
	struct xdpvs_dest_conf dest;
	struct xdpvs_ctl_timeouts timeouts;
	struct xdpvs_ctl_daemon daemon;
	/* xdpvs extensions */
	struct xdpvs_mark_rule mark;
	char sysctl_name[XDPVS_CTL_SYSCTL_NAMELEN];	/* "" = all */
	bool sysctl_set;		/* NAME=VALUE given */
	int sysctl_value;
};

/* Exit statuses ipvsadm uses; programs exit with err.status. */
#define XDPVS_CTL_EXIT_LIST	1	/* a listing failed */
#define XDPVS_CTL_EXIT_PARSE	2	/* ipvsadm's own checks */
#define XDPVS_CTL_EXIT_OTHER	255	/* try-help, popt, refusals */

#define XDPVS_CTL_ERR_MSGLEN	512

/* Why a command failed: the message as ipvsadm prints it (without the
 * final newline) and the exit status it would use. */
struct xdpvs_ctl_err {
	int status;
	char msg[XDPVS_CTL_ERR_MSGLEN];
};

/* Print err->msg and a newline, as ipvsadm writes its errors to stderr. */
void xdpvs_ctl_err_print(FILE *f, const struct xdpvs_ctl_err *err);

/*
 * Parse an ipvsadm argument vector; argv[0] is the program name (used in
 * "Try `%s -h' ..."), argc == 1 means "list everything" as ipvsadm does.
 * Fills *cmd and returns 0, or returns -EINVAL with *err filled.  argv is
 * not modified; strings are copied into *cmd.
 */
int xdpvs_ctl_parse(int argc, char *const argv[], struct xdpvs_ctl_cmd *cmd,
		    struct xdpvs_ctl_err *err);

/*
 * Parse one line of a rules file (ipvsadm -S format, as -R reads it):
 * blank-separated tokens, any token "ipvsadm" dropped, a token starting
 * with '#' ends the line.  prog names the program in messages (NULL:
 * "ipvsadm").  Returns 1 with *cmd filled, 0 for a line with no command,
 * or -EINVAL with *err filled.  -R inside a rules file is refused, as
 * ipvsadm refuses it on its standard input.
 */
int xdpvs_ctl_parse_line(const char *line, const char *prog,
			 struct xdpvs_ctl_cmd *cmd, struct xdpvs_ctl_err *err);

/* Where a rule came from, for messages. */
struct xdpvs_ctl_rule_pos {
	const char *file;	/* name given to the reader */
	unsigned int line;	/* 1-based */
};

/*
 * Called for each command of a rules file, in order.  A negative return
 * stops the reading and is passed back by the reader; the callback should
 * then have filled *err (the reader prefixes nothing to it).
 */
typedef int (*xdpvs_ctl_rule_fn)(const struct xdpvs_ctl_cmd *cmd,
				 const struct xdpvs_ctl_rule_pos *pos,
				 void *arg, struct xdpvs_ctl_err *err);

/*
 * Read rules from in (name is used in messages) and call fn for each
 * command, line by line (fn NULL: only check the file).  An invalid line
 * stops the reading with -EINVAL and err->msg "NAME:LINE: reason", the
 * reason worded as ipvsadm would, err->status its exit status; commands
 * before it have been passed to fn (ipvsadm -R behaves so too).  Returns
 * the number of commands read, or a negative errno (-EIO on a read error,
 * or fn's).
 */
int xdpvs_ctl_rules_read(FILE *in, const char *name, const char *prog,
			 xdpvs_ctl_rule_fn fn, void *arg,
			 struct xdpvs_ctl_err *err);

/* As xdpvs_ctl_rules_read() on the file at path ("-" is stdin); -errno
 * (message "path: strerror") when it cannot be opened. */
int xdpvs_ctl_rules_load(const char *path, const char *prog,
			 xdpvs_ctl_rule_fn fn, void *arg,
			 struct xdpvs_ctl_err *err);

/*
 * ipvsadm's message for errno err (either sign) returned to command cmd,
 * as libipvs's ipvs_strerror(): per-command meanings first (ESRCH on -a is
 * "Service not defined"), then generic ones, then strerror().
 */
const char *xdpvs_ctl_strerror(enum xdpvs_ctl_cmd_type cmd, int err);

/* Names of commands and options as ipvsadm's messages spell them. */
const char *xdpvs_ctl_cmd_name(enum xdpvs_ctl_cmd_type cmd);
const char *xdpvs_ctl_opt_name(enum xdpvs_ctl_opt opt);

/*
 * Carry out a command that changes the engine (-A -E -D -C -a -e -d -Z
 * --set, --sysctl NAME=VALUE, --add-mark, --del-mark).  Returns 0, or the
 * engine's negative errno with *err holding ipvsadm's message (exit status
 * 255); -EOPNOTSUPP for commands that only print (see xdpvs_ctl_list()) or
 * that the engine does not own (the sync daemon).
 */
int xdpvs_ctl_apply(struct xdpvs_engine *e, const struct xdpvs_ctl_cmd *cmd,
		    struct xdpvs_ctl_err *err);

/*
 * Print what a listing command (-L, -S, --sysctl [NAME]) shows of engine e
 * to out; now (ns) is the engine clock for connection expiry times.
 * Returns 0 or a negative errno with *err filled (-L of a missing service:
 * "No such service", status 1).  -EOPNOTSUPP for -L --daemon and
 * --list-marks, which need data the engine does not give (yet).
 */
int xdpvs_ctl_list(struct xdpvs_engine *e, const struct xdpvs_ctl_cmd *cmd,
		   uint64_t now, FILE *out, struct xdpvs_ctl_err *err);

/*
 * Engine e's whole configuration as rules, to out: what xdpvsadm -S -n
 * prints (services and real servers, with their thresholds, which
 * ipvsadm's -S leaves out; then the timeouts and switches that differ
 * from a new engine's; then the mark rules), which
 * xdpvs_ctl_rules_read() applies to another engine.  0 or a negative
 * errno with *err filled.
 */
int xdpvs_ctl_save(struct xdpvs_engine *e, FILE *out,
		   struct xdpvs_ctl_err *err);

#endif
