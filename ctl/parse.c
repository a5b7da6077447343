// SPDX-License-Identifier: GPL-2.0-only
/*
 * ipvsadm's command line, parsed as ipvsadm 1.31 parses it.
 *
 * The order of events follows ipvsadm's process_options(): options are
 * read left to right by libpopt, as ipvsadm reads them (so short options
 * cluster, "-ovalue" and "--opt=value" work, an optional argument is taken
 * only when the next word does not start with '-', "--" ends the options,
 * other words are kept as leftover arguments); the first option must be a
 * command;
 * each option is checked as it is read (a repeated option, a bad value);
 * then the leftover arguments (--set's three timeouts), the scheduler
 * flags, the commands-versus-options table, the service checks, the real
 * server checks and the list conflicts, each with ipvsadm's message and
 * exit status.  The first failure wins, as it does there.
 *
 * xdpvs's own options go through the same table; their meaning is in
 * parse_ext.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <popt.h>

#include "internal.h"

#define PARSE_DEF_SCHED		"wlc"
#define PARSE_DEF_MCAST_IFN	"eth0"
#define PARSE_PERSIST_TIMEOUT	360	/* seconds, as libipvs */
#define PARSE_MAX_TIMEOUT	(86400 * 31)	/* seconds */

/* What an option word means. */
enum parse_tag {
	T_NONE = 0,
	/* commands */
	T_ADD_SERVICE, T_EDIT_SERVICE, T_DEL_SERVICE, T_CLEAR, T_LIST,
	T_ZERO, T_ADD_SERVER, T_EDIT_SERVER, T_DEL_SERVER, T_SET, T_HELP,
	T_VERSION, T_RESTORE, T_SAVE, T_START_DAEMON, T_STOP_DAEMON,
	T_SYSCTL, T_ADD_MARK, T_DEL_MARK, T_LIST_MARKS,
	T_LAST_COMMAND = T_LIST_MARKS,
	/* options */
	T_TCP, T_UDP, T_SCTP, T_FWMARK, T_SCHED, T_PERSISTENT, T_NETMASK,
	T_REAL, T_MASQ, T_IPIP, T_GATE, T_WEIGHT, T_UTHRESH, T_LTHRESH,
	T_NUMERIC, T_CONN, T_MCAST_IF, T_SYNCID, T_TIMEOUT, T_DAEMON,
	T_STATS, T_RATE, T_THRESHOLDS, T_PCONN, T_NOSORT, T_SORT, T_EXACT,
	T_IPV6, T_OPS, T_PE, T_SCHED_FLAGS, T_MCAST_GROUP, T_MCAST_PORT,
	T_MCAST_TTL, T_SYNC_MAXLEN, T_TUN_INFO, T_TUN_TYPE, T_TUN_PORT,
	T_TUN_NOCSUM, T_TUN_CSUM, T_TUN_REMCSUM,
	T_FULLNAT, T_JSON,
	T_MAX
};

/* ipvsadm 1.31's option table (read by libpopt, as ipvsadm's is), then
 * xdpvs's.  Each option returns its tag; arguments are fetched with
 * poptGetOptArg(). */
static const struct poptOption parse_defs[] = {
	{ "add-service", 'A', POPT_ARG_NONE, NULL, T_ADD_SERVICE, NULL, NULL },
	{ "edit-service", 'E', POPT_ARG_NONE, NULL, T_EDIT_SERVICE, NULL, NULL },
	{ "delete-service", 'D', POPT_ARG_NONE, NULL, T_DEL_SERVICE, NULL, NULL },
	{ "clear", 'C', POPT_ARG_NONE, NULL, T_CLEAR, NULL, NULL },
	{ "list", 'L', POPT_ARG_NONE, NULL, T_LIST, NULL, NULL },
	{ "list", 'l', POPT_ARG_NONE, NULL, T_LIST, NULL, NULL },
	{ "zero", 'Z', POPT_ARG_NONE, NULL, T_ZERO, NULL, NULL },
	{ "add-server", 'a', POPT_ARG_NONE, NULL, T_ADD_SERVER, NULL, NULL },
	{ "edit-server", 'e', POPT_ARG_NONE, NULL, T_EDIT_SERVER, NULL, NULL },
	{ "delete-server", 'd', POPT_ARG_NONE, NULL, T_DEL_SERVER, NULL, NULL },
	{ "set", 0, POPT_ARG_NONE, NULL, T_SET, NULL, NULL },
	{ "help", 'h', POPT_ARG_NONE, NULL, T_HELP, NULL, NULL },
	{ "version", 'v', POPT_ARG_NONE, NULL, T_VERSION, NULL, NULL },
	{ "restore", 'R', POPT_ARG_NONE, NULL, T_RESTORE, NULL, NULL },
	{ "save", 'S', POPT_ARG_NONE, NULL, T_SAVE, NULL, NULL },
	{ "start-daemon", 0, POPT_ARG_STRING, NULL, T_START_DAEMON, NULL, NULL },
	{ "stop-daemon", 0, POPT_ARG_STRING, NULL, T_STOP_DAEMON, NULL, NULL },
	{ "tcp-service", 't', POPT_ARG_STRING, NULL, T_TCP, NULL, NULL },
	{ "udp-service", 'u', POPT_ARG_STRING, NULL, T_UDP, NULL, NULL },
	{ "sctp-service", 0, POPT_ARG_STRING, NULL, T_SCTP, NULL, NULL },
	{ "fwmark-service", 'f', POPT_ARG_STRING, NULL, T_FWMARK, NULL, NULL },
	{ "scheduler", 's', POPT_ARG_STRING, NULL, T_SCHED, NULL, NULL },
	{ "persistent", 'p', POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, NULL, T_PERSISTENT, NULL, NULL },
	{ "netmask", 'M', POPT_ARG_STRING, NULL, T_NETMASK, NULL, NULL },
	{ "real-server", 'r', POPT_ARG_STRING, NULL, T_REAL, NULL, NULL },
	{ "masquerading", 'm', POPT_ARG_NONE, NULL, T_MASQ, NULL, NULL },
	{ "ipip", 'i', POPT_ARG_NONE, NULL, T_IPIP, NULL, NULL },
	{ "gatewaying", 'g', POPT_ARG_NONE, NULL, T_GATE, NULL, NULL },
	{ "weight", 'w', POPT_ARG_STRING, NULL, T_WEIGHT, NULL, NULL },
	{ "u-threshold", 'x', POPT_ARG_STRING, NULL, T_UTHRESH, NULL, NULL },
	{ "l-threshold", 'y', POPT_ARG_STRING, NULL, T_LTHRESH, NULL, NULL },
	{ "numeric", 'n', POPT_ARG_NONE, NULL, T_NUMERIC, NULL, NULL },
	{ "connection", 'c', POPT_ARG_NONE, NULL, T_CONN, NULL, NULL },
	{ "mcast-interface", 0, POPT_ARG_STRING, NULL, T_MCAST_IF, NULL, NULL },
	{ "syncid", 0, POPT_ARG_STRING, NULL, T_SYNCID, NULL, NULL },
	{ "timeout", 0, POPT_ARG_NONE, NULL, T_TIMEOUT, NULL, NULL },
	{ "daemon", 0, POPT_ARG_NONE, NULL, T_DAEMON, NULL, NULL },
	{ "stats", 0, POPT_ARG_NONE, NULL, T_STATS, NULL, NULL },
	{ "rate", 0, POPT_ARG_NONE, NULL, T_RATE, NULL, NULL },
	{ "thresholds", 0, POPT_ARG_NONE, NULL, T_THRESHOLDS, NULL, NULL },
	{ "persistent-conn", 0, POPT_ARG_NONE, NULL, T_PCONN, NULL, NULL },
	{ "nosort", 0, POPT_ARG_NONE, NULL, T_NOSORT, NULL, NULL },
	{ "sort", 0, POPT_ARG_NONE, NULL, T_SORT, NULL, NULL },
	{ "exact", 'X', POPT_ARG_NONE, NULL, T_EXACT, NULL, NULL },
	{ "ipv6", '6', POPT_ARG_NONE, NULL, T_IPV6, NULL, NULL },
	{ "ops", 'o', POPT_ARG_NONE, NULL, T_OPS, NULL, NULL },
	{ "pe", 0, POPT_ARG_STRING, NULL, T_PE, NULL, NULL },
	{ "sched-flags", 'b', POPT_ARG_STRING, NULL, T_SCHED_FLAGS, NULL, NULL },
	{ "mcast-group", 0, POPT_ARG_STRING, NULL, T_MCAST_GROUP, NULL, NULL },
	{ "mcast-port", 0, POPT_ARG_STRING, NULL, T_MCAST_PORT, NULL, NULL },
	{ "mcast-ttl", 0, POPT_ARG_STRING, NULL, T_MCAST_TTL, NULL, NULL },
	{ "sync-maxlen", 0, POPT_ARG_STRING, NULL, T_SYNC_MAXLEN, NULL, NULL },
	{ "tun-info", 0, POPT_ARG_NONE, NULL, T_TUN_INFO, NULL, NULL },
	{ "tun-type", 0, POPT_ARG_STRING, NULL, T_TUN_TYPE, NULL, NULL },
	{ "tun-port", 0, POPT_ARG_STRING, NULL, T_TUN_PORT, NULL, NULL },
	{ "tun-nocsum", 0, POPT_ARG_NONE, NULL, T_TUN_NOCSUM, NULL, NULL },
	{ "tun-csum", 0, POPT_ARG_NONE, NULL, T_TUN_CSUM, NULL, NULL },
	{ "tun-remcsum", 0, POPT_ARG_NONE, NULL, T_TUN_REMCSUM, NULL, NULL },
	/* xdpvs extensions */
	{ "fullnat", 0, POPT_ARG_NONE, NULL, T_FULLNAT, NULL, NULL },
	{ "json", 0, POPT_ARG_NONE, NULL, T_JSON, NULL, NULL },
	{ "sysctl", 0, POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, NULL, T_SYSCTL, NULL, NULL },
	{ "add-mark", 0, POPT_ARG_STRING, NULL, T_ADD_MARK, NULL, NULL },
	{ "del-mark", 0, POPT_ARG_STRING, NULL, T_DEL_MARK, NULL, NULL },
	{ "list-marks", 0, POPT_ARG_NONE, NULL, T_LIST_MARKS, NULL, NULL },
	POPT_TABLEEND
};

/* ---------------------------------------------------------------------
 * Commands versus options
 */

struct parse_ctx {
	struct xdpvs_ctl_cmd *cmd;
	struct xdpvs_ctl_err *err;
	const char *prog;
	poptContext p;
	char sched_flags[128];	/* -b's argument, parsed at the end */
};

static const char *const parse_cmd_names[] = {
	[XDPVS_CTL_CMD_ADD_SERVICE] = "add-service",
	[XDPVS_CTL_CMD_EDIT_SERVICE] = "edit-service",
	[XDPVS_CTL_CMD_DEL_SERVICE] = "delete-service",
	[XDPVS_CTL_CMD_FLUSH] = "flush",
	[XDPVS_CTL_CMD_LIST] = "list",
	[XDPVS_CTL_CMD_ADD_DEST] = "add-server",
	[XDPVS_CTL_CMD_DEL_DEST] = "delete-server",
	[XDPVS_CTL_CMD_EDIT_DEST] = "edit-server",
	[XDPVS_CTL_CMD_SET_TIMEOUT] = "set",
	[XDPVS_CTL_CMD_START_DAEMON] = "start-daemon",
	[XDPVS_CTL_CMD_STOP_DAEMON] = "stop-daemon",
	[XDPVS_CTL_CMD_RESTORE] = "restore",
	[XDPVS_CTL_CMD_SAVE] = "save",
	[XDPVS_CTL_CMD_ZERO] = "zero",
	[XDPVS_CTL_CMD_SYSCTL] = "sysctl",
	[XDPVS_CTL_CMD_ADD_MARK] = "add-mark",
	[XDPVS_CTL_CMD_DEL_MARK] = "del-mark",
	[XDPVS_CTL_CMD_LIST_MARKS] = "list-marks",
	[XDPVS_CTL_CMD_HELP] = "help",
	[XDPVS_CTL_CMD_VERSION] = "version",
};

static const char *const parse_opt_names[XDPVS_CTL_OPT_MAX] = {
	"numeric", "connection", "service-address", "scheduler",
	"persistent", "netmask", "real-server", "forwarding-method",
	"weight", "u-threshold", "l-threshold", "mcast-interface",
	"timeout", "daemon", "stats", "rate", "thresholds",
	"persistent-conn", "nosort", "syncid", "exact", "ops", "pe",
	"sched-flags", "mcast-group", "mcast-port", "mcast-ttl",
	"sync-maxlen", "tun-info", "tun-type", "tun-port", "tun-nocsum",
	"tun-csum", "tun-remcsum", "json",
};

/*
 * Which options each command takes, one character per option in enum
 * xdpvs_ctl_opt order: '+' required, 'x' refused, '1' at most one of the
 * '1's, ' ' optional.  The first 34 columns and 14 rows are ipvsadm
 * 1.31's table; the json column and the last rows are xdpvs's.
 */
static const char parse_matrix[][XDPVS_CTL_OPT_MAX + 1] = {
	/*                     0         1         2         3    */
	/*                     0123456789012345678901234567890123 4 */
	[XDPVS_CTL_CMD_ADD_SERVICE] = "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxxx",
	[XDPVS_CTL_CMD_EDIT_SERVICE] = "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxxx",
	[XDPVS_CTL_CMD_DEL_SERVICE] = "xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[XDPVS_CTL_CMD_FLUSH] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[XDPVS_CTL_CMD_LIST] = " 11xxxxxxxxx11       xxxxxxx xxxxx ",
	[XDPVS_CTL_CMD_ADD_DEST] = "xx+xxx+    xxxxxxxxxxxxxxxxxx     x",
	[XDPVS_CTL_CMD_DEL_DEST] = "xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[XDPVS_CTL_CMD_EDIT_DEST] = "xx+xxx+    xxxxxxxxxxxxxxxxxx     x",
	[XDPVS_CTL_CMD_SET_TIMEOUT] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[XDPVS_CTL_CMD_START_DAEMON] = "xxxxxxxxxxx xxxxxxx xxxx    xxxxxxx",
	[XDPVS_CTL_CMD_STOP_DAEMON] = "xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxxx",
	[XDPVS_CTL_CMD_RESTORE] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[XDPVS_CTL_CMD_SAVE] = " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx ",
	[XDPVS_CTL_CMD_ZERO] = "xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[XDPVS_CTL_CMD_SYSCTL] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx ",
	[XDPVS_CTL_CMD_ADD_MARK] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[XDPVS_CTL_CMD_DEL_MARK] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	[XDPVS_CTL_CMD_LIST_MARKS] = " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx ",
};

const char *xdpvs_ctl_cmd_name(enum xdpvs_ctl_cmd_type cmd)
{
	if (cmd <= XDPVS_CTL_CMD_NONE || cmd >= XDPVS_CTL_CMD_MAX)
		return "?";
	return parse_cmd_names[cmd];
}

const char *xdpvs_ctl_opt_name(enum xdpvs_ctl_opt opt)
{
	return opt < XDPVS_CTL_OPT_MAX ? parse_opt_names[opt] : "?";
}

/* ipvsadm's generic_opt_check(): the first offending column wins. */
static int parse_check_matrix(struct parse_ctx *c)
{
	const char *row = parse_matrix[c->cmd->cmd];
	const char *cname = parse_cmd_names[c->cmd->cmd];
	int j, first = -1;

	for (j = 0; j < XDPVS_CTL_OPT_MAX; j++) {
		int given = !!(c->cmd->options & (1ULL << j));

		if (!given && row[j] == '+')
			return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE,
				"You need to supply the '%s' option for the '%s' command",
				parse_opt_names[j], cname);
		if (given && row[j] == 'x')
			return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE,
				"Illegal '%s' option with the '%s' command",
				parse_opt_names[j], cname);
		if (given && row[j] == '1') {
			if (first < 0) {
				first = j;
				continue;
			}
			return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE,
				"The option '%s' conflicts with the '%s' option in the '%s' command",
				parse_opt_names[j], parse_opt_names[first],
				cname);
		}
	}
	return 0;
}

/* Which tunnel options each tunnel type takes (ipvsadm's
 * tunnel_types_v_options): tun-port, tun-nocsum, tun-csum, tun-remcsum. */
static const char parse_tun_matrix[][5] = {
	[XDPVS_TUN_IPIP] = "xxxx",
	[XDPVS_TUN_GUE] = "+111",
	[XDPVS_TUN_GRE] = "x11x",
};

static int parse_check_tunnel(struct parse_ctx *c)
{
	const char *row = parse_tun_matrix[c->cmd->dest.tun_type];
	const char *tname = xdpvs_ctl_tun_name(c->cmd->dest.tun_type);
	int j, k, first = -1;

	for (j = 0; j < 4; j++) {
		int given;

		k = XDPVS_CTL_OPT_TUN_PORT + j;
		given = !!(c->cmd->options & (1ULL << k));
		if (!given && row[j] == '+')
			return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE,
				"You need to supply the '%s' option for the '%s' tunnel type",
				parse_opt_names[k], tname);
		if (given && row[j] == 'x')
			return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE,
				"Illegal '%s' option with the '%s' tunnel type",
				parse_opt_names[k], tname);
		if (given && row[j] == '1') {
			if (first < 0) {
				first = k;
				continue;
			}
			return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE,
				"The option '%s' conflicts with the '%s' option in the '%s' tunnel type",
				parse_opt_names[k], parse_opt_names[first],
				tname);
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Options, one handler each
 */

static int parse_fail(struct parse_ctx *c, const char *msg)
{
	return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE, "%s", msg);
}

/* Mark option o as given; a second time is an error. */
static int parse_set_opt(struct parse_ctx *c, enum xdpvs_ctl_opt o)
{
	if (c->cmd->options & (1ULL << o))
		return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE,
				      "multiple '%s' options specified",
				      parse_opt_names[o]);
	c->cmd->options |= 1ULL << o;
	return 0;
}

static void parse_copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src);
}

static int parse_service(struct parse_ctx *c, uint16_t proto,
			 const char *arg)
{
	struct xdpvs_svc_conf *svc = &c->cmd->svc;
	struct xdpvs_ctl_hostport hp = { .port = svc->port };
	int rc;

	svc->protocol = proto;
	rc = xdpvs_ctl_parse_hostport(arg, proto, &hp);
	if (!(rc & XDPVS_CTL_HP_ADDR))
		return parse_fail(c, "illegal virtual server address[:port] specified");
	svc->af = hp.af;
	svc->addr = hp.addr;
	svc->port = hp.port;
	if (hp.af == AF_INET6)
		svc->netmask = 128;
	return 0;
}

static int parse_fwmark(struct parse_ctx *c, const char *arg)
{
	char *end;
	long l;

	errno = 0;
	l = strtol(arg, &end, 10);
	if (*end || end == arg || errno == ERANGE || l <= 0 ||
	    (unsigned long)l > UINT_MAX)
		return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE,
				      "invalid fwmark value `%s' specified",
				      arg);
	/* The protocol is not used for matching; ipvsadm sets TCP. */
	c->cmd->svc.af = AF_INET;
	c->cmd->svc.protocol = IPPROTO_TCP;
	c->cmd->svc.fwmark = (uint32_t)l;
	return 0;
}

static int parse_timeout(struct parse_ctx *c, const char *arg, long min,
			 uint32_t *out)
{
	long t;

	if (!arg) {
		*out = PARSE_PERSIST_TIMEOUT;
		return 0;
	}
	t = xdpvs_ctl_str_to_num(arg, min, PARSE_MAX_TIMEOUT);
	if (t < 0)
		return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE,
				      "invalid timeout value `%s' specified",
				      arg);
	*out = (uint32_t)t;
	return 0;
}

/* -M: a dotted (or resolvable) mask for IPv4, a prefix length for IPv6
 * (read with atoi, as ipvsadm does). */
static int parse_netmask(struct parse_ctx *c, const char *arg)
{
	struct xdpvs_svc_conf *svc = &c->cmd->svc;
	struct xdpvs_ctl_hostport hp;
	struct in_addr a;
	int plen;

	if (svc->af == AF_INET6) {
		plen = atoi(arg);
		if (plen < 1 || plen > 128)
			return parse_fail(c, "illegal ipv6 netmask specified");
		svc->netmask = (uint32_t)plen;
		return 0;
	}
	if (inet_aton(arg, &a)) {
		svc->netmask = a.s_addr;
		return 0;
	}
	/* A host name stands for its address; no port part is allowed. */
	if (!strchr(arg, ':') &&
	    xdpvs_ctl_parse_hostport(arg, 0, &hp) == XDPVS_CTL_HP_ADDR &&
	    hp.af == AF_INET) {
		svc->netmask = hp.addr.ip;
		return 0;
	}
	return parse_fail(c, "illegal virtual server persistent mask specified");
}

/* -r: a missing port is the service's port at this point. */
static int parse_real(struct parse_ctx *c, const char *arg)
{
	struct xdpvs_ctl_cmd *cmd = c->cmd;
	struct xdpvs_ctl_hostport hp = { .af = cmd->svc.af,
					 .port = cmd->svc.port };
	int rc;

	rc = xdpvs_ctl_parse_hostport(arg, cmd->svc.protocol, &hp);
	if (!(rc & XDPVS_CTL_HP_ADDR))
		return parse_fail(c, "illegal real server address[:port] specified");
	cmd->dest.af = hp.af;
	cmd->dest.addr = hp.addr;
	cmd->dest.port = rc & XDPVS_CTL_HP_PORT ? hp.port : cmd->svc.port;
	return 0;
}

/* A number option within [min, max], else msg. */
static int parse_num(struct parse_ctx *c, const char *arg, long min,
		     long max, const char *msg, long *out)
{
	*out = xdpvs_ctl_str_to_num(arg, min, max);
	if (*out < 0)
		return parse_fail(c, msg);
	return 0;
}

static int parse_mcast_group(struct parse_ctx *c, const char *arg)
{
	struct xdpvs_ctl_daemon *d = &c->cmd->daemon;

	if (strchr(arg, ':')) {
		if (inet_pton(AF_INET6, arg, &d->mcast_group) <= 0 ||
		    d->mcast_group.b[0] != 0xff)
			return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE,
				"invalid IPv6 mcast-group `%s'", arg);
		d->mcast_af = AF_INET6;
		return 0;
	}
	if (inet_pton(AF_INET, arg, &d->mcast_group) <= 0 ||
	    !IN_MULTICAST(ntohl(d->mcast_group.ip)))
		return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE,
				      "invalid IPv4 mcast-group `%s'", arg);
	d->mcast_af = AF_INET;
	return 0;
}

static int parse_tun_type(struct parse_ctx *c, const char *arg)
{
	unsigned int t;

	for (t = 0; xdpvs_ctl_tun_name(t); t++) {
		if (!strcmp(arg, xdpvs_ctl_tun_name(t))) {
			c->cmd->dest.tun_type = (uint8_t)t;
			return 0;
		}
	}
	return parse_fail(c, "illegal tunnel type specified");
}

/* -6: only after -f, and it resets the netmask to /128. */
static int parse_ipv6(struct parse_ctx *c)
{
	if (!c->cmd->svc.fwmark)
		return parse_fail(c, "-6 used before -f\n");
	c->cmd->svc.af = AF_INET6;
	c->cmd->svc.netmask = 128;
	return 0;
}

/* Options that only set a bit, a format flag and maybe a conf field. */
struct parse_flag {
	uint8_t tag;
	int8_t opt;		/* enum xdpvs_ctl_opt, -1: none */
	uint16_t fmt;		/* XDPVS_CTL_FMT_* to add */
};

static const struct parse_flag parse_flags[] = {
	{ T_NUMERIC, XDPVS_CTL_OPT_NUMERIC, XDPVS_CTL_FMT_NUMERIC },
	{ T_CONN, XDPVS_CTL_OPT_CONNECTION, 0 },
	{ T_TIMEOUT, XDPVS_CTL_OPT_TIMEOUT, 0 },
	{ T_DAEMON, XDPVS_CTL_OPT_DAEMON, 0 },
	{ T_STATS, XDPVS_CTL_OPT_STATS, XDPVS_CTL_FMT_STATS },
	{ T_RATE, XDPVS_CTL_OPT_RATE, XDPVS_CTL_FMT_RATE },
	{ T_THRESHOLDS, XDPVS_CTL_OPT_THRESHOLDS, XDPVS_CTL_FMT_THRESHOLDS },
	{ T_PCONN, XDPVS_CTL_OPT_PERSISTENTCONN,
	  XDPVS_CTL_FMT_PERSISTENTCONN },
	{ T_NOSORT, XDPVS_CTL_OPT_NOSORT, XDPVS_CTL_FMT_NOSORT },
	{ T_SORT, -1, 0 },	/* the default; accepted for compatibility */
	{ T_EXACT, XDPVS_CTL_OPT_EXACT, XDPVS_CTL_FMT_EXACT },
	{ T_TUN_INFO, XDPVS_CTL_OPT_TUN_INFO, XDPVS_CTL_FMT_TUN_INFO },
	{ T_JSON, XDPVS_CTL_OPT_JSON, XDPVS_CTL_FMT_JSON },
};

/* A flag-only option: 1 if tag was one (rc in *rc), 0 otherwise. */
static int parse_flag_opt(struct parse_ctx *c, int tag, int *rc)
{
	size_t i;

	for (i = 0; i < sizeof(parse_flags) / sizeof(parse_flags[0]); i++) {
		const struct parse_flag *f = &parse_flags[i];

		if (f->tag != tag)
			continue;
		*rc = f->opt < 0 ? 0 : parse_set_opt(c, f->opt);
		if (!*rc)
			c->cmd->fmt |= f->fmt;
		return 1;
	}
	return 0;
}

/* Forwarding method and tunnel flag options. */
static int parse_fwd_opt(struct parse_ctx *c, int tag, int *rc)
{
	struct xdpvs_dest_conf *dest = &c->cmd->dest;
	static const struct {
		uint8_t tag;
		uint8_t opt;
		uint16_t val;
		uint8_t is_tun_flag;
	} map[] = {
		{ T_MASQ, XDPVS_CTL_OPT_FORWARD, XDPVS_CONN_F_MASQ, 0 },
		{ T_IPIP, XDPVS_CTL_OPT_FORWARD, XDPVS_CONN_F_TUNNEL, 0 },
		{ T_GATE, XDPVS_CTL_OPT_FORWARD, XDPVS_CONN_F_DROUTE, 0 },
		{ T_FULLNAT, XDPVS_CTL_OPT_FORWARD, XDPVS_CONN_F_FULLNAT, 0 },
		{ T_TUN_NOCSUM, XDPVS_CTL_OPT_TUN_NOCSUM,
		  XDPVS_TUN_F_NOCSUM, 1 },
		{ T_TUN_CSUM, XDPVS_CTL_OPT_TUN_CSUM, XDPVS_TUN_F_CSUM, 1 },
		{ T_TUN_REMCSUM, XDPVS_CTL_OPT_TUN_REMCSUM,
		  XDPVS_TUN_F_REMCSUM, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].tag != tag)
			continue;
		*rc = parse_set_opt(c, map[i].opt);
		if (*rc)
			return 1;
		if (map[i].is_tun_flag)
			dest->tun_flags |= map[i].val;
		else
			dest->conn_flags = map[i].val;
		return 1;
	}
	return 0;
}

/* Options of a virtual service. */
static int parse_svc_opt(struct parse_ctx *c, int tag, const char *arg)
{
	struct xdpvs_svc_conf *svc = &c->cmd->svc;
	int rc;

	switch (tag) {
	case T_TCP:
	case T_UDP:
	case T_SCTP:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_SERVICE);
		return rc ? rc : parse_service(c, tag == T_TCP ? IPPROTO_TCP :
					       tag == T_UDP ? IPPROTO_UDP :
					       IPPROTO_SCTP, arg);
	case T_FWMARK:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_SERVICE);
		return rc ? rc : parse_fwmark(c, arg);
	case T_SCHED:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_SCHEDULER);
		if (!rc)
			parse_copy(svc->sched_name, sizeof(svc->sched_name),
				   arg);
		return rc;
	case T_PERSISTENT:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_PERSISTENT);
		svc->flags |= XDPVS_SVC_F_PERSISTENT;
		return rc ? rc : parse_timeout(c, arg, 1, &svc->timeout);
	case T_NETMASK:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_NETMASK);
		return rc ? rc : parse_netmask(c, arg);
	case T_IPV6:
		return parse_ipv6(c);
	case T_OPS:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_ONEPACKET);
		svc->flags |= XDPVS_SVC_F_ONEPACKET;
		return rc;
	case T_PE:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_PE);
		if (!rc)
			parse_copy(svc->pe_name, sizeof(svc->pe_name), arg);
		return rc;
	case T_SCHED_FLAGS:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_SCHED_FLAGS);
		if (!rc)
			parse_copy(c->sched_flags, sizeof(c->sched_flags),
				   arg);
		return rc;
	}
	return 1;
}

/* Options of a real server. */
static int parse_dest_opt(struct parse_ctx *c, int tag, const char *arg)
{
	struct xdpvs_dest_conf *dest = &c->cmd->dest;
	long n;
	int rc;

	switch (tag) {
	case T_REAL:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_SERVER);
		return rc ? rc : parse_real(c, arg);
	case T_WEIGHT:
		/* ipvsadm 1.31's source says 0..65535, but the reference
		 * system accepts and lists 70000: the kernel's int range. */
		rc = parse_set_opt(c, XDPVS_CTL_OPT_WEIGHT);
		rc = rc ? rc : parse_num(c, arg, 0, INT_MAX,
					 "illegal weight specified", &n);
		dest->weight = rc ? dest->weight : (int32_t)n;
		return rc;
	case T_UTHRESH:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_UTHRESHOLD);
		rc = rc ? rc : parse_num(c, arg, 0, INT_MAX,
					 "illegal u_threshold specified", &n);
		dest->u_threshold = rc ? 0 : (uint32_t)n;
		return rc;
	case T_LTHRESH:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_LTHRESHOLD);
		rc = rc ? rc : parse_num(c, arg, 0, INT_MAX,
					 "illegal l_threshold specified", &n);
		dest->l_threshold = rc ? 0 : (uint32_t)n;
		return rc;
	case T_TUN_TYPE:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_TUN_TYPE);
		return rc ? rc : parse_tun_type(c, arg);
	case T_TUN_PORT:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_TUN_PORT);
		rc = rc ? rc : parse_num(c, arg, 1, 65535,
					 "illegal tunnel port specified", &n);
		dest->tun_port = rc ? 0 : htons((uint16_t)n);
		return rc;
	}
	return 1;
}

/* Options of the sync daemon. */
static int parse_daemon_opt(struct parse_ctx *c, int tag, const char *arg)
{
	struct xdpvs_ctl_daemon *d = &c->cmd->daemon;
	long n;
	int rc;

	switch (tag) {
	case T_MCAST_IF:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_MCAST);
		if (!rc)
			parse_copy(d->mcast_ifn, sizeof(d->mcast_ifn), arg);
		return rc;
	case T_SYNCID:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_SYNCID);
		rc = rc ? rc : parse_num(c, arg, 0, 255,
					 "illegal syncid specified", &n);
		d->syncid = rc ? 0 : (uint32_t)n;
		return rc;
	case T_MCAST_GROUP:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_MCAST_GROUP);
		return rc ? rc : parse_mcast_group(c, arg);
	case T_MCAST_PORT:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_MCAST_PORT);
		rc = rc ? rc : parse_num(c, arg, 1, 65535,
					 "illegal mcast-port specified", &n);
		d->mcast_port = rc ? 0 : (uint16_t)n;
		return rc;
	case T_MCAST_TTL:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_MCAST_TTL);
		rc = rc ? rc : parse_num(c, arg, 1, 255,
					 "illegal mcast-ttl specified", &n);
		d->mcast_ttl = rc ? 0 : (uint8_t)n;
		return rc;
	case T_SYNC_MAXLEN:
		rc = parse_set_opt(c, XDPVS_CTL_OPT_SYNC_MAXLEN);
		rc = rc ? rc : parse_num(c, arg, 1, 65535 - 20 - 8,
					 "illegal sync-maxlen specified", &n);
		d->sync_maxlen = rc ? 0 : (uint16_t)n;
		return rc;
	}
	return 1;
}

/* One option after the command.  A command word here is refused with the
 * word popt read last, as ipvsadm does. */
static int parse_option(struct parse_ctx *c, int tag, const char *arg)
{
	int rc;

	if (parse_flag_opt(c, tag, &rc) || parse_fwd_opt(c, tag, &rc))
		return rc;
	rc = parse_svc_opt(c, tag, arg);
	if (rc <= 0)
		return rc;
	rc = parse_dest_opt(c, tag, arg);
	if (rc <= 0)
		return rc;
	rc = parse_daemon_opt(c, tag, arg);
	if (rc <= 0)
		return rc;
	return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE,
			      "invalid option `%s'",
			      poptBadOption(c->p, POPT_BADOPTION_NOALIAS));
}

/* ---------------------------------------------------------------------
 * The command, the whole line, and the checks after it
 */

static int parse_tryhelp(struct parse_ctx *c)
{
	return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_OTHER,
		"Try `%s -h' or '%s --help' for more information.",
		c->prog, c->prog);
}

static const uint8_t parse_tag_cmd[] = {
	[T_ADD_SERVICE] = XDPVS_CTL_CMD_ADD_SERVICE,
	[T_EDIT_SERVICE] = XDPVS_CTL_CMD_EDIT_SERVICE,
	[T_DEL_SERVICE] = XDPVS_CTL_CMD_DEL_SERVICE,
	[T_CLEAR] = XDPVS_CTL_CMD_FLUSH,
	[T_LIST] = XDPVS_CTL_CMD_LIST,
	[T_ZERO] = XDPVS_CTL_CMD_ZERO,
	[T_ADD_SERVER] = XDPVS_CTL_CMD_ADD_DEST,
	[T_EDIT_SERVER] = XDPVS_CTL_CMD_EDIT_DEST,
	[T_DEL_SERVER] = XDPVS_CTL_CMD_DEL_DEST,
	[T_SET] = XDPVS_CTL_CMD_SET_TIMEOUT,
	[T_HELP] = XDPVS_CTL_CMD_HELP,
	[T_VERSION] = XDPVS_CTL_CMD_VERSION,
	[T_RESTORE] = XDPVS_CTL_CMD_RESTORE,
	[T_SAVE] = XDPVS_CTL_CMD_SAVE,
	[T_START_DAEMON] = XDPVS_CTL_CMD_START_DAEMON,
	[T_STOP_DAEMON] = XDPVS_CTL_CMD_STOP_DAEMON,
	[T_SYSCTL] = XDPVS_CTL_CMD_SYSCTL,
	[T_ADD_MARK] = XDPVS_CTL_CMD_ADD_MARK,
	[T_DEL_MARK] = XDPVS_CTL_CMD_DEL_MARK,
	[T_LIST_MARKS] = XDPVS_CTL_CMD_LIST_MARKS,
};

/* The argument a command word takes (--start-daemon master, ...). */
static int parse_cmd_arg(struct parse_ctx *c, int tag, const char *arg)
{
	struct xdpvs_ctl_cmd *cmd = c->cmd;

	switch (tag) {
	case T_START_DAEMON:
	case T_STOP_DAEMON:
		if (!strcmp(arg, "master"))
			cmd->daemon.state = XDPVS_CTL_DAEMON_MASTER;
		else if (!strcmp(arg, "backup"))
			cmd->daemon.state = XDPVS_CTL_DAEMON_BACKUP;
		else
			return parse_fail(c, tag == T_START_DAEMON ?
				"illegal start-daemon parameter specified" :
				"illegal start_daemon specified");
		return 0;
	case T_SYSCTL:
		if (xdpvs_ctl_parse_sysctl(arg, cmd))
			return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE,
				"invalid sysctl `%s' specified", arg);
		return 0;
	case T_ADD_MARK:
	case T_DEL_MARK:
		if (xdpvs_ctl_parse_mark_rule(arg, &cmd->mark))
			return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE,
				"invalid mark rule `%s' specified", arg);
		return 0;
	}
	return 0;
}

/* The first option must be a command.  Returns 1 when nothing more is to
 * be read (-h, -v), 0 to go on, or an error. */
static int parse_command(struct parse_ctx *c)
{
	int tag = poptGetNextOpt(c->p), rc;
	char *arg;

	if (tag < 0 || tag > T_LAST_COMMAND)
		return parse_tryhelp(c);
	c->cmd->cmd = parse_tag_cmd[tag];
	if (c->cmd->cmd == XDPVS_CTL_CMD_HELP ||
	    c->cmd->cmd == XDPVS_CTL_CMD_VERSION)
		return 1;
	arg = poptGetOptArg(c->p);
	rc = parse_cmd_arg(c, tag, arg);
	free(arg);
	return rc;
}

static int parse_options(struct parse_ctx *c)
{
	int tag, rc;

	while ((tag = poptGetNextOpt(c->p)) > 0) {
		char *arg = poptGetOptArg(c->p);

		rc = parse_option(c, tag, arg);
		free(arg);
		if (rc)
			return rc;
	}
	if (tag != -1)
		return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_OTHER, "%s: %s",
				      poptBadOption(c->p,
						    POPT_BADOPTION_NOALIAS),
				      poptStrerror(tag));
	return 0;
}

/* --set's three timeouts, then no word may be left. */
static int parse_leftovers(struct parse_ctx *c)
{
	struct xdpvs_ctl_timeouts *t = &c->cmd->timeouts;
	const char *a[3], *w;
	int rc;

	if (c->cmd->cmd == XDPVS_CTL_CMD_SET_TIMEOUT) {
		if (!(a[0] = poptGetArg(c->p)) ||
		    !(a[1] = poptGetArg(c->p)) ||
		    !(a[2] = poptGetArg(c->p)))
			return parse_fail(c, "--set option requires 3 timeout values");
		rc = parse_timeout(c, a[0], 0, &t->tcp);
		rc = rc ? rc : parse_timeout(c, a[1], 0, &t->tcpfin);
		rc = rc ? rc : parse_timeout(c, a[2], 0, &t->udp);
		if (rc)
			return rc;
	}
	w = poptGetArg(c->p);
	if (w)
		return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE,
				      "unexpected argument %s", w);
	return 0;
}

/* One -b flag: its bit, or -1 if unknown; *sched_only names the scheduler
 * the flag is for ("" for any). */
static int parse_sched_flag(const char *f, const char **sched_only)
{
	static const struct {
		const char *name;
		const char *sched;
		uint32_t bit;
	} flags[] = {
		{ "flag-1", "", XDPVS_SVC_F_SCHED1 },
		{ "flag-2", "", XDPVS_SVC_F_SCHED2 },
		{ "flag-3", "", XDPVS_SVC_F_SCHED3 },
		{ "sh-fallback", "sh", XDPVS_SVC_F_SCHED_SH_FALLBACK },
		{ "sh-port", "sh", XDPVS_SVC_F_SCHED_SH_PORT },
		{ "mh-fallback", "mh", XDPVS_SVC_F_SCHED_MH_FALLBACK },
		{ "mh-port", "mh", XDPVS_SVC_F_SCHED_MH_PORT },
	};
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (!strcmp(f, flags[i].name)) {
			*sched_only = flags[i].sched;
			return (int)flags[i].bit;
		}
	}
	return -1;
}

/* -b's comma-separated flags, checked against the scheduler given (wlc
 * when none), replacing the service's scheduler flag bits. */
static int parse_sched_flags(struct parse_ctx *c)
{
	struct xdpvs_svc_conf *svc = &c->cmd->svc;
	const char *sched = svc->sched_name[0] ? svc->sched_name :
			    PARSE_DEF_SCHED;
	const char *only;
	char *f, *save;
	uint32_t bits = 0;
	int bit;

	if (!c->sched_flags[0])
		return 0;
	for (f = strtok_r(c->sched_flags, ",", &save); f;
	     f = strtok_r(NULL, ",", &save)) {
		bit = parse_sched_flag(f, &only);
		if (bit < 0)
			return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE,
				"invalid scheduler flag `%s'", f);
		if (only[0] && strcmp(sched, only))
			return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE,
				"incompatible scheduler flag `%s'", f);
		bits |= (uint32_t)bit;
	}
	if (!bits)	/* only commas: ipvsadm would crash here */
		return xdpvs_ctl_fail(c->err, XDPVS_CTL_EXIT_PARSE,
				      "invalid scheduler flag `%s'", "");
	svc->flags &= ~(XDPVS_SVC_F_SCHED1 | XDPVS_SVC_F_SCHED2 |
			XDPVS_SVC_F_SCHED3);
	svc->flags |= bits;
	return 0;
}

/* -A and -E: port 0 needs persistence, ops needs UDP, wlc by default. */
static int parse_check_service(struct parse_ctx *c)
{
	struct xdpvs_svc_conf *svc = &c->cmd->svc;

	if (!svc->fwmark && !svc->port &&
	    !(svc->flags & XDPVS_SVC_F_PERSISTENT))
		return parse_fail(c, "Zero port specified for non-persistent service");
	if ((svc->flags & XDPVS_SVC_F_ONEPACKET) && !svc->fwmark &&
	    svc->protocol != IPPROTO_UDP)
		return parse_fail(c, "One-Packet Scheduling is only for UDP virtual services");
	if (!svc->sched_name[0])
		parse_copy(svc->sched_name, sizeof(svc->sched_name),
			   PARSE_DEF_SCHED);
	return 0;
}

#define PARSE_TUN_OPTS	(XDPVS_CTL_OPT(TUN_TYPE) | \
			 XDPVS_CTL_OPT(TUN_PORT) | \
			 XDPVS_CTL_OPT(TUN_NOCSUM) | \
			 XDPVS_CTL_OPT(TUN_CSUM) | \
			 XDPVS_CTL_OPT(TUN_REMCSUM))

/* -a and -e: DR and tunnel servers listen on the service port; only
 * tunnels may change address family or take tunnel options. */
static int parse_check_dest(struct parse_ctx *c)
{
	struct xdpvs_ctl_cmd *cmd = c->cmd;
	uint32_t fwd = cmd->dest.conn_flags & XDPVS_CONN_F_FWD_MASK;

	if (!cmd->svc.fwmark &&
	    (fwd == XDPVS_CONN_F_TUNNEL || fwd == XDPVS_CONN_F_DROUTE))
		cmd->dest.port = cmd->svc.port;
	if (cmd->dest.af != cmd->svc.af && fwd != XDPVS_CONN_F_TUNNEL)
		return parse_fail(c, "Different address family is allowed only for tunneling servers");
	if ((cmd->options & PARSE_TUN_OPTS) && fwd != XDPVS_CONN_F_TUNNEL)
		return parse_fail(c, "Tunnel options conflict with forward method");
	return parse_check_tunnel(c);
}

#define PARSE_LIST_SPECIAL (XDPVS_CTL_OPT(CONNECTION) | \
			    XDPVS_CTL_OPT(TIMEOUT) | XDPVS_CTL_OPT(DAEMON))
#define PARSE_LIST_FORMATS (XDPVS_CTL_OPT(STATS) | XDPVS_CTL_OPT(RATE) | \
			    XDPVS_CTL_OPT(THRESHOLDS))

/* -L: format conflicts, then what to list. */
static int parse_check_list(struct parse_ctx *c)
{
	struct xdpvs_ctl_cmd *cmd = c->cmd;
	uint64_t o = cmd->options;

	if (((o & PARSE_LIST_SPECIAL) && (o & PARSE_LIST_FORMATS)) ||
	    ((o & (XDPVS_CTL_OPT(TIMEOUT) | XDPVS_CTL_OPT(DAEMON))) &&
	     (o & XDPVS_CTL_OPT(PERSISTENTCONN))))
		return parse_fail(c, "options conflicts in the list command");
	if (o & XDPVS_CTL_OPT(CONNECTION))
		cmd->list = XDPVS_CTL_LIST_CONN;
	else if (o & XDPVS_CTL_OPT(SERVICE))
		cmd->list = XDPVS_CTL_LIST_SERVICE;
	else if (o & XDPVS_CTL_OPT(TIMEOUT))
		cmd->list = XDPVS_CTL_LIST_TIMEOUT;
	else if (o & XDPVS_CTL_OPT(DAEMON))
		cmd->list = XDPVS_CTL_LIST_DAEMON;
	else
		cmd->list = XDPVS_CTL_LIST_ALL;
	return 0;
}

/* The checks ipvsadm makes once every option is read, in its order. */
static int parse_check(struct parse_ctx *c)
{
	struct xdpvs_ctl_cmd *cmd = c->cmd;
	int rc;

	rc = parse_check_matrix(c);
	if (rc)
		return rc;
	switch (cmd->cmd) {
	case XDPVS_CTL_CMD_ADD_SERVICE:
	case XDPVS_CTL_CMD_EDIT_SERVICE:
		return parse_check_service(c);
	case XDPVS_CTL_CMD_START_DAEMON:
		if (!cmd->daemon.mcast_ifn[0])
			parse_copy(cmd->daemon.mcast_ifn,
				   sizeof(cmd->daemon.mcast_ifn),
				   PARSE_DEF_MCAST_IFN);
		return 0;
	case XDPVS_CTL_CMD_ADD_DEST:
	case XDPVS_CTL_CMD_EDIT_DEST:
		return parse_check_dest(c);
	case XDPVS_CTL_CMD_LIST:
		return parse_check_list(c);
	case XDPVS_CTL_CMD_SAVE:
		cmd->fmt |= XDPVS_CTL_FMT_RULE;
		return 0;
	default:
		return 0;
	}
}

/* ipvsadm's starting values for a command. */
static void parse_defaults(struct xdpvs_ctl_cmd *cmd)
{
	memset(cmd, 0, sizeof(*cmd));
	cmd->dest.weight = 1;
	cmd->dest.tun_type = XDPVS_TUN_IPIP;
	cmd->dest.conn_flags = XDPVS_CONN_F_DROUTE;
	cmd->svc.netmask = 0xffffffff;
}

int xdpvs_ctl_parse(int argc, char *const argv[], struct xdpvs_ctl_cmd *cmd,
		    struct xdpvs_ctl_err *err)
{
	struct parse_ctx c = {
		.cmd = cmd,
		.err = err,
		.prog = argc > 0 && argv[0] ? argv[0] : "ipvsadm",
	};
	int rc;

	parse_defaults(cmd);
	if (argc <= 1) {	/* no arguments: list the table */
		cmd->cmd = XDPVS_CTL_CMD_LIST;
		return 0;
	}
	if (argc > XDPVS_CTL_MAX_ARGS)
		return xdpvs_ctl_fail(err, XDPVS_CTL_EXIT_PARSE,
				      "too many arguments");
	c.p = poptGetContext(c.prog, argc, (const char **)argv, parse_defs, 0);
	if (!c.p)
		return xdpvs_ctl_fail(err, XDPVS_CTL_EXIT_OTHER,
				      "out of memory");
	rc = parse_command(&c);
	if (rc == 0) {
		rc = parse_options(&c);
		rc = rc ? rc : parse_leftovers(&c);
		rc = rc ? rc : parse_sched_flags(&c);
		rc = rc ? rc : parse_check(&c);
	}
	poptFreeContext(c.p);
	return rc > 0 ? 0 : rc;
}
