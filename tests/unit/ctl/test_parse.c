// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of ctl/parse.c and ctl/parse_ext.c: ipvsadm command lines into
 * struct xdpvs_ctl_cmd, with ipvsadm 1.31's defaults, checks, messages and
 * exit statuses.  The reference system's recorded errors
 * (tests/data/ctl/errors.txt, from the refvm golden run) are replayed one
 * by one; tests run from the repository root.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "ctl/cmd.h"
#include "ctl/internal.h"

#define DATA "tests/data/ctl/"

/* Split line on spaces into argv after "ipvsadm"; parse it. */
static int parse(const char *line, struct xdpvs_ctl_cmd *cmd,
		 struct xdpvs_ctl_err *err)
{
	static char buf[1024];
	char *argv[64], *w, *save;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	argv[argc++] = "ipvsadm";
	for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	memset(err, 0, sizeof(*err));
	return xdpvs_ctl_parse(argc, argv, cmd, err);
}

static void parse_ok(const char *line, struct xdpvs_ctl_cmd *cmd)
{
	struct xdpvs_ctl_err err;
	int rc = parse(line, cmd, &err);

	if (rc)
		fail_msg("'%s': %s", line, err.msg);
}

static void parse_fails(const char *line, int status, const char *msg)
{
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_err err;

	if (parse(line, &cmd, &err) != -EINVAL)
		fail_msg("'%s' parsed", line);
	assert_string_equal(err.msg, msg);
	assert_int_equal(err.status, status);
}

static uint32_t ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static void assert_ip6(const union xdpvs_addr *a, const char *s)
{
	union xdpvs_addr b;

	assert_int_equal(inet_pton(AF_INET6, s, &b), 1);
	assert_memory_equal(a, &b, 16);
}

/* ---------------------------------------------------------------------
 * The reference system's recorded errors
 */

/* The errno the kernel gave for a recorded refusal, found by its words. */
static int golden_errno(const char *msg)
{
	static const struct {
		const char *msg;
		int err;
	} m[] = {
		{ "Service already exists", EEXIST },
		{ "No such service", ESRCH },
		{ "Service not defined", ESRCH },
		{ "Destination already exists", EEXIST },
		{ "No such destination", ENOENT },
		{ "Scheduler or persistence engine not found", ENOENT },
		{ "Numerical result out of range", ERANGE },
	};
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (!strcmp(m[i].msg, msg))
			return m[i].err;
	fail_msg("no errno known for '%s'", msg);
	return 0;
}

/* One recorded "$ ipvsadm ARGS / [exit N] / message" entry: ipvsadm's own
 * refusals must come from the parser with the same words and status; the
 * kernel's must parse and be worded the same by xdpvs_ctl_strerror(). */
static void golden_check(const char *args, int status, const char *msg)
{
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_err err;
	int rc = parse(args, &cmd, &err);

	if (status == 0) {
		assert_int_equal(rc, 0);
		return;
	}
	if (rc) {
		assert_string_equal(err.msg, msg);
		assert_int_equal(err.status, status);
		return;
	}
	/* Parsed: a refusal by the kernel (255) or a listing that failed. */
	assert_int_equal(status, cmd.cmd == XDPVS_CTL_CMD_LIST ?
			 XDPVS_CTL_EXIT_LIST : XDPVS_CTL_EXIT_OTHER);
	assert_string_equal(xdpvs_ctl_strerror(cmd.cmd, golden_errno(msg)),
			    msg);
}

static void test_golden_errors(void **state)
{
	FILE *f = fopen(DATA "errors.txt", "r");
	char line[512], args[512] = "", msg[512];
	int status = -1, n = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "$ ipvsadm ", 10)) {
			if (strstr(line, "(state after"))
				break;
			snprintf(args, sizeof(args), "%s", line + 10);
			status = -1;
		} else if (sscanf(line, "[exit %d]", &status) == 1) {
			if (!fgets(msg, sizeof(msg), f))
				break;
			msg[strcspn(msg, "\n")] = '\0';
			golden_check(args, status, msg);
			n++;
		}
	}
	fclose(f);
	assert_int_equal(n, 19);
}

/* Every ipvsadm command of the golden configuration parses. */
static void test_golden_setup(void **state)
{
	FILE *f = fopen(DATA "setup.sh", "r");
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_err err;
	char line[512];
	int n = 0, rc;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "ipvsadm ", 8))
			continue;
		rc = xdpvs_ctl_parse_line(line, NULL, &cmd, &err);
		if (rc != 1)
			fail_msg("%s: %s", line, err.msg);
		n++;
	}
	fclose(f);
	assert_int_equal(n, 44);
}

/* ---------------------------------------------------------------------
 * Services
 */

static void test_service_defaults(void **state)
{
	struct xdpvs_ctl_cmd c;

	(void)state;
	parse_ok("-A -t 198.18.100.1:80", &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_ADD_SERVICE);
	assert_int_equal(c.svc.af, AF_INET);
	assert_int_equal(c.svc.protocol, IPPROTO_TCP);
	assert_int_equal(c.svc.addr.ip, ip4("198.18.100.1"));
	assert_int_equal(c.svc.port, htons(80));
	assert_string_equal(c.svc.sched_name, "wlc");
	assert_int_equal(c.svc.flags, 0);
	assert_int_equal(c.svc.netmask, 0xffffffff);
	assert_int_equal(c.svc.fwmark, 0);
}

static void test_service_persistent(void **state)
{
	struct xdpvs_ctl_cmd c;

	(void)state;
	parse_ok("-A -t 198.18.100.2:443 -s wlc -p 300 -M 255.255.255.0", &c);
	assert_int_equal(c.svc.flags, XDPVS_SVC_F_PERSISTENT);
	assert_int_equal(c.svc.timeout, 300);
	assert_int_equal(c.svc.netmask, ip4("255.255.255.0"));
	/* -p without a value: 360 s; a word starting with '-' is not one */
	parse_ok("-A -f 1 -s rr -p", &c);
	assert_int_equal(c.svc.timeout, 360);
	parse_ok("-A -t 198.18.100.1:80 -p -s rr", &c);
	assert_int_equal(c.svc.timeout, 360);
	assert_string_equal(c.svc.sched_name, "rr");
	parse_ok("-A -t 198.18.100.1:80 --persistent=60", &c);
	assert_int_equal(c.svc.timeout, 60);
	parse_ok("-A -t 198.18.100.1:80 -p60", &c);
	assert_int_equal(c.svc.timeout, 60);
	parse_ok("-A -t 198.18.100.1:80 --persistent 61", &c);
	assert_int_equal(c.svc.timeout, 61);
	/* port 0 is fine when persistent */
	parse_ok("-A -t 198.18.100.1 -p", &c);
	assert_int_equal(c.svc.port, 0);
}

static void test_service_ipv6(void **state)
{
	struct xdpvs_ctl_cmd c;

	(void)state;
	parse_ok("-A -t [2001:db8:100::1]:80 -s mh -b mh-port", &c);
	assert_int_equal(c.svc.af, AF_INET6);
	assert_ip6(&c.svc.addr, "2001:db8:100::1");
	assert_int_equal(c.svc.port, htons(80));
	assert_int_equal(c.svc.netmask, 128);
	assert_int_equal(c.svc.flags, XDPVS_SVC_F_SCHED_MH_PORT);
	parse_ok("-A -u [2001:db8:100::1]:53 -s nq -p 120 -M 64", &c);
	assert_int_equal(c.svc.protocol, IPPROTO_UDP);
	assert_int_equal(c.svc.netmask, 64);
	parse_ok("-A -f 2 -6 -s lblc", &c);
	assert_int_equal(c.svc.af, AF_INET6);
	assert_int_equal(c.svc.fwmark, 2);
	assert_int_equal(c.svc.netmask, 128);
	assert_int_equal(c.svc.protocol, IPPROTO_TCP);
	parse_ok("-A -f 2 -6 -p -M 48", &c);
	assert_int_equal(c.svc.netmask, 48);
}

static void test_service_flags(void **state)
{
	struct xdpvs_ctl_cmd c;

	(void)state;
	parse_ok("-A -u 198.18.100.1:53 -s sh -b sh-fallback,sh-port", &c);
	assert_int_equal(c.svc.flags, XDPVS_SVC_F_SCHED_SH_FALLBACK |
					      XDPVS_SVC_F_SCHED_SH_PORT);
	parse_ok("-A -u 198.18.100.2:514 -s rr -o", &c);
	assert_int_equal(c.svc.flags, XDPVS_SVC_F_ONEPACKET);
	parse_ok("-A -t 198.18.100.1:80 -b flag-1,flag-3", &c);
	assert_int_equal(c.svc.flags, XDPVS_SVC_F_SCHED1 | XDPVS_SVC_F_SCHED3);
	/* -o is fine on fwmark services */
	parse_ok("-A -f 3 -o", &c);
	parse_ok("-E -t 198.18.100.1:80 -s sip --pe sip -p", &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_EDIT_SERVICE);
	assert_string_equal(c.svc.pe_name, "sip");
	parse_ok("-D --sctp-service 198.18.100.1:80", &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_DEL_SERVICE);
	assert_int_equal(c.svc.protocol, IPPROTO_SCTP);
}

static void test_service_names(void **state)
{
	struct xdpvs_ctl_cmd c;

	(void)state;
	parse_ok("-A -t 198.18.100.1:http", &c);
	assert_int_equal(c.svc.port, htons(80));
	parse_ok("-A -u 198.18.100.1:domain", &c);
	assert_int_equal(c.svc.port, htons(53));
	parse_ok("-A -t 127.0.0.1:80", &c);
	assert_int_equal(c.svc.addr.ip, ip4("127.0.0.1"));
	/* inet_aton forms, as ipvsadm takes them */
	parse_ok("-A -t 198.18.1:80", &c);
	assert_int_equal(c.svc.addr.ip, ip4("198.18.0.1"));
}

/* popt's forms: clusters, attached values, --opt=value, --. */
static void test_option_forms(void **state)
{
	struct xdpvs_ctl_cmd c;

	(void)state;
	parse_ok("-At 198.18.100.1:80", &c);
	assert_int_equal(c.svc.port, htons(80));
	parse_ok("-At198.18.100.1:81", &c);
	assert_int_equal(c.svc.port, htons(81));
	parse_ok("--add-service --tcp-service=198.18.100.1:82 --scheduler=rr",
		 &c);
	assert_int_equal(c.svc.port, htons(82));
	assert_string_equal(c.svc.sched_name, "rr");
	parse_ok("-Lnc", &c);
	assert_int_equal(c.list, XDPVS_CTL_LIST_CONN);
	assert_int_equal(c.fmt, XDPVS_CTL_FMT_NUMERIC);
	parse_ok("-l", &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_LIST);
	parse_ok("", &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_LIST);
	assert_int_equal(c.list, XDPVS_CTL_LIST_ALL);
	parse_ok("-h --nonsense", &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_HELP);
	parse_ok("--version", &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_VERSION);
	parse_ok("--clear", &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_FLUSH);
	parse_ok("-R", &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_RESTORE);
}

/* ---------------------------------------------------------------------
 * Real servers
 */

static void test_dest_defaults(void **state)
{
	struct xdpvs_ctl_cmd c;

	(void)state;
	parse_ok("-a -t 198.18.100.1:80 -r 198.18.1.2", &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_ADD_DEST);
	assert_int_equal(c.dest.af, AF_INET);
	assert_int_equal(c.dest.addr.ip, ip4("198.18.1.2"));
	assert_int_equal(c.dest.port, htons(80));
	assert_int_equal(c.dest.conn_flags, XDPVS_CONN_F_DROUTE);
	assert_int_equal(c.dest.weight, 1);
	assert_int_equal(c.dest.u_threshold, 0);
	assert_int_equal(c.dest.l_threshold, 0);
	/* masquerading keeps its own port; a missing one is the service's */
	parse_ok("-a -t 198.18.100.1:80 -r 198.18.1.2:8080 -m -w 3", &c);
	assert_int_equal(c.dest.port, htons(8080));
	assert_int_equal(c.dest.conn_flags, XDPVS_CONN_F_MASQ);
	assert_int_equal(c.dest.weight, 3);
	parse_ok("-a -t 198.18.100.1:80 -r 198.18.1.2 -m", &c);
	assert_int_equal(c.dest.port, htons(80));
}

static void test_dest_port_forced(void **state)
{
	struct xdpvs_ctl_cmd c;

	(void)state;
	parse_ok("-a -t 198.18.100.3:80 -r 198.18.1.2:8080 -g", &c);
	assert_int_equal(c.dest.port, htons(80));
	parse_ok("-e -t 198.18.100.3:80 -r 198.18.1.2:8080 -i", &c);
	assert_int_equal(c.dest.port, htons(80));
	/* not for fwmark services, and not for -d */
	parse_ok("-a -f 1 -r 198.18.1.2:80 -g", &c);
	assert_int_equal(c.dest.port, htons(80));
	parse_ok("-a -f 1 -r 198.18.1.2", &c);
	assert_int_equal(c.dest.port, 0);
	parse_ok("-d -t 198.18.100.3:80 -r 198.18.1.2:8080", &c);
	assert_int_equal(c.dest.port, htons(8080));
	/* -r before -t: the service port is not known yet (ipvsadm) */
	parse_ok("-a -r 198.18.1.2 -t 198.18.100.3:80 -m", &c);
	assert_int_equal(c.dest.port, 0);
}

static void test_dest_options(void **state)
{
	struct xdpvs_ctl_cmd c;

	(void)state;
	parse_ok("-a -t 198.18.100.1:80 -r 198.18.2.2:80 -m -w 2 -x 100 -y 10",
		 &c);
	assert_int_equal(c.dest.u_threshold, 100);
	assert_int_equal(c.dest.l_threshold, 10);
	parse_ok("-a -t 198.18.100.1:80 -r 198.18.2.2 -w 0", &c);
	assert_int_equal(c.dest.weight, 0);
	parse_ok("-a -u [2001:db8:100::1]:53 -r [2001:db8:1::2]:53 -m", &c);
	assert_int_equal(c.dest.af, AF_INET6);
	assert_ip6(&c.dest.addr, "2001:db8:1::2");
	/* tunnels may change family and take tunnel options */
	parse_ok("-a -t 198.18.100.4:8080 -r 2001:db8:1::2 -i", &c);
	assert_int_equal(c.dest.af, AF_INET6);
	assert_int_equal(c.dest.port, htons(8080));
	parse_ok("-a -f 1 -r 10.1.1.1 -i --tun-type gue --tun-port 6080 --tun-csum",
		 &c);
	assert_int_equal(c.dest.tun_type, XDPVS_TUN_GUE);
	assert_int_equal(c.dest.tun_port, htons(6080));
	assert_int_equal(c.dest.tun_flags, XDPVS_TUN_F_CSUM);
	parse_ok("-a -f 1 -r 10.1.1.1 -i --tun-type gre --tun-csum", &c);
	assert_int_equal(c.dest.tun_type, XDPVS_TUN_GRE);
	parse_fails("-a -f 1 -r 10.1.1.1 -i --tun-type gre --tun-remcsum", 2,
		    "Illegal 'tun-remcsum' option with the 'gre' tunnel type");
}

/* ---------------------------------------------------------------------
 * Lists, timeouts, daemons
 */

static void test_list(void **state)
{
	struct xdpvs_ctl_cmd c;

	(void)state;
	parse_ok("-Ln", &c);
	assert_int_equal(c.list, XDPVS_CTL_LIST_ALL);
	parse_ok("-L -n --stats --exact --nosort", &c);
	assert_int_equal(c.fmt, XDPVS_CTL_FMT_NUMERIC | XDPVS_CTL_FMT_STATS |
					XDPVS_CTL_FMT_EXACT |
					XDPVS_CTL_FMT_NOSORT);
	parse_ok("-L -n --rate --sort", &c);
	assert_int_equal(c.fmt, XDPVS_CTL_FMT_NUMERIC | XDPVS_CTL_FMT_RATE);
	parse_ok("-Ln --thresholds --persistent-conn --tun-info", &c);
	parse_ok("-Ln -t 198.18.100.1:80", &c);
	assert_int_equal(c.list, XDPVS_CTL_LIST_SERVICE);
	assert_int_equal(c.svc.port, htons(80));
	parse_ok("-L --timeout", &c);
	assert_int_equal(c.list, XDPVS_CTL_LIST_TIMEOUT);
	parse_ok("-L --daemon", &c);
	assert_int_equal(c.list, XDPVS_CTL_LIST_DAEMON);
	parse_ok("-Lnc --persistent-conn", &c);
	assert_int_equal(c.list, XDPVS_CTL_LIST_CONN);
	assert_int_equal(c.fmt, XDPVS_CTL_FMT_NUMERIC |
					XDPVS_CTL_FMT_PERSISTENTCONN);
	parse_ok("-S -n", &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_SAVE);
	assert_int_equal(c.fmt, XDPVS_CTL_FMT_NUMERIC | XDPVS_CTL_FMT_RULE);
	parse_ok("-Z", &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_ZERO);
	assert_int_equal(c.options, 0);
	parse_ok("-Z -f 7", &c);
	assert_int_equal(c.options, XDPVS_CTL_OPT(SERVICE));
}

static void test_timeouts_daemon(void **state)
{
	struct xdpvs_ctl_cmd c;

	(void)state;
	parse_ok("--set 900 120 300", &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_SET_TIMEOUT);
	assert_int_equal(c.timeouts.tcp, 900);
	assert_int_equal(c.timeouts.tcpfin, 120);
	assert_int_equal(c.timeouts.udp, 300);
	parse_ok("--start-daemon master --mcast-interface rvsync --syncid 7",
		 &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_START_DAEMON);
	assert_int_equal(c.daemon.state, XDPVS_CTL_DAEMON_MASTER);
	assert_string_equal(c.daemon.mcast_ifn, "rvsync");
	assert_int_equal(c.daemon.syncid, 7);
	parse_ok("--start-daemon backup --mcast-group 224.0.0.82 --mcast-port 8849 --mcast-ttl 2 --sync-maxlen 1400",
		 &c);
	assert_int_equal(c.daemon.state, XDPVS_CTL_DAEMON_BACKUP);
	assert_string_equal(c.daemon.mcast_ifn, "eth0");
	assert_int_equal(c.daemon.mcast_af, AF_INET);
	assert_int_equal(c.daemon.mcast_group.ip, ip4("224.0.0.82"));
	assert_int_equal(c.daemon.mcast_port, 8849);
	assert_int_equal(c.daemon.mcast_ttl, 2);
	assert_int_equal(c.daemon.sync_maxlen, 1400);
	parse_ok("--start-daemon master --mcast-group ff02::81", &c);
	assert_int_equal(c.daemon.mcast_af, AF_INET6);
	parse_ok("--stop-daemon backup --syncid 3", &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_STOP_DAEMON);
}

/* ---------------------------------------------------------------------
 * ipvsadm's refusals
 */

struct refusal {
	const char *args;
	int status;
	const char *msg;
};

static const struct refusal refusals[] = {
	/* the first option must be a command */
	{ "foo", 255, "Try `ipvsadm -h' or 'ipvsadm --help' for more information." },
	{ "-t 1.2.3.4:80 -A", 255, "Try `ipvsadm -h' or 'ipvsadm --help' for more information." },
	{ "--bogus", 255, "Try `ipvsadm -h' or 'ipvsadm --help' for more information." },
	/* popt's own errors */
	{ "-L --bogus", 255, "--bogus: unknown option" },
	{ "-Lq", 255, "-Lq: unknown option" },
	{ "-A -t", 255, "-t: missing argument" },
	{ "--list=1", 255, "Try `ipvsadm -h' or 'ipvsadm --help' for more information." },
	{ "-L --numeric=1", 255, "--numeric=1: option does not take an argument" },
	{ "-L -n=1", 255, "-n=1: option does not take an argument" },
	{ "-L -", 2, "unexpected argument -" },
	{ "-L ---n", 255, "---n: unknown option" },
	/* one dash: short options, so -n then -u with "meric" */
	{ "-L -numeric", 2, "illegal virtual server address[:port] specified" },
	/* commands where options go */
	{ "-A -t 1.2.3.4:80 -L", 2, "invalid option `-L'" },
	{ "-A -t 1.2.3.4:80 --start-daemon master", 2, "invalid option `master'" },
	/* the table of commands and options */
	{ "-A", 2, "You need to supply the 'service-address' option for the 'add-service' command" },
	{ "-a -t 1.2.3.4:80", 2, "You need to supply the 'real-server' option for the 'add-server' command" },
	{ "-A -t 1.2.3.4:80 -r 1.2.3.5", 2, "Illegal 'real-server' option with the 'add-service' command" },
	{ "-C -n", 2, "Illegal 'numeric' option with the 'flush' command" },
	{ "-L -c --timeout", 2, "The option 'timeout' conflicts with the 'connection' option in the 'list' command" },
	{ "-L -t 1.2.3.4:80 --daemon", 2, "The option 'daemon' conflicts with the 'service-address' option in the 'list' command" },
	{ "-S -c", 2, "Illegal 'connection' option with the 'save' command" },
	{ "--set 1 2 3 -n", 2, "Illegal 'numeric' option with the 'set' command" },
	{ "-L --stats -c", 2, "options conflicts in the list command" },
	{ "-L --daemon --persistent-conn", 2, "options conflicts in the list command" },
	{ "-L --timeout --rate", 2, "options conflicts in the list command" },
	/* repeated options */
	{ "-A -t 1.2.3.4:80 -t 1.2.3.4:81", 2, "multiple 'service-address' options specified" },
	{ "-A -t 1.2.3.4:80 -f 1", 2, "multiple 'service-address' options specified" },
	{ "-a -t 1.2.3.4:80 -r 1.2.3.5 -m -g", 2, "multiple 'forwarding-method' options specified" },
	{ "-Ln -n", 2, "multiple 'numeric' options specified" },
	/* bad values */
	{ "-A -t 80", 2, "illegal virtual server address[:port] specified" },
	{ "-A -t 1.2.3.4:", 2, "illegal virtual server address[:port] specified" },
	{ "-A -t 1.2.3.4:65536", 2, "illegal virtual server address[:port] specified" },
	{ "-A -t [2001:db8::1]", 2, "illegal virtual server address[:port] specified" },
	{ "-A -t [2001:db8::1", 2, "illegal virtual server address[:port] specified" },
	{ "-A -t 1.2.3.4:nosuchservicename", 2, "illegal virtual server address[:port] specified" },
	{ "-a -t 1.2.3.4:80 -r 80", 2, "illegal real server address[:port] specified" },
	{ "-A -f 0 -s rr", 2, "invalid fwmark value `0' specified" },
	{ "-A -f 1x", 2, "invalid fwmark value `1x' specified" },
	{ "-A -f 4294967296", 2, "invalid fwmark value `4294967296' specified" },
	{ "-A -t 1.2.3.4:80 -p 0", 2, "invalid timeout value `0' specified" },
	{ "-A -t 1.2.3.4:80 -p 2678401", 2, "invalid timeout value `2678401' specified" },
	{ "-A -t 1.2.3.4:80 -pn", 2, "invalid timeout value `n' specified" },
	{ "-A -t [2001:db8::1]:80 -p -M 0", 2, "illegal ipv6 netmask specified" },
	{ "-A -t [2001:db8::1]:80 -p -M 129", 2, "illegal ipv6 netmask specified" },
	{ "-A -t 1.2.3.4:80 -6", 2, "-6 used before -f\n" },
	{ "-A -t 1.2.3.4:80 -b", 255, "-b: missing argument" },
	{ "-A -t 1.2.3.4:80 -b foo", 2, "invalid scheduler flag `foo'" },
	{ "-A -t 1.2.3.4:80 -s sh -b sh-port,mh-port", 2, "incompatible scheduler flag `mh-port'" },
	{ "-A -t 1.2.3.4:80 -s rr -b sh-port", 2, "incompatible scheduler flag `sh-port'" },
	{ "-A -t 1.2.3.4:80 -b sh-fallback", 2, "incompatible scheduler flag `sh-fallback'" },
	{ "-a -t 1.2.3.4:80 -r 1.2.3.5 -w -1", 2, "illegal weight specified" },
	{ "-a -t 1.2.3.4:80 -r 1.2.3.5 -w 2147483648", 2, "illegal weight specified" },
	{ "-a -t 1.2.3.4:80 -r 1.2.3.5 -x x", 2, "illegal u_threshold specified" },
	{ "-a -t 1.2.3.4:80 -r 1.2.3.5 -y -2", 2, "illegal l_threshold specified" },
	{ "-a -t 1.2.3.4:80 -r 1.2.3.5 -i --tun-type vxlan", 2, "illegal tunnel type specified" },
	{ "-a -t 1.2.3.4:80 -r 1.2.3.5 -i --tun-port 0", 2, "illegal tunnel port specified" },
	{ "--start-daemon foo", 2, "illegal start-daemon parameter specified" },
	{ "--stop-daemon foo", 2, "illegal start_daemon specified" },
	{ "--start-daemon master --syncid 256", 2, "illegal syncid specified" },
	{ "--start-daemon master --mcast-group 1.2.3.4", 2, "invalid IPv4 mcast-group `1.2.3.4'" },
	{ "--start-daemon master --mcast-group 2001:db8::1", 2, "invalid IPv6 mcast-group `2001:db8::1'" },
	{ "--start-daemon master --mcast-port 0", 2, "illegal mcast-port specified" },
	{ "--start-daemon master --mcast-ttl 256", 2, "illegal mcast-ttl specified" },
	{ "--start-daemon master --sync-maxlen 65508", 2, "illegal sync-maxlen specified" },
	/* leftover words */
	{ "--set 1 2", 2, "--set option requires 3 timeout values" },
	{ "--set 1 2 3 4", 2, "unexpected argument 4" },
	{ "--set 1 2 2678401", 2, "invalid timeout value `2678401' specified" },
	{ "-L foo", 2, "unexpected argument foo" },
	{ "-L -- -n", 2, "unexpected argument -n" },
	/* service checks */
	{ "-A -t 198.18.100.99 -s rr", 2, "Zero port specified for non-persistent service" },
	{ "-E -t 198.18.100.99", 2, "Zero port specified for non-persistent service" },
	{ "-A -t 1.2.3.4:80 -o", 2, "One-Packet Scheduling is only for UDP virtual services" },
	/* real server checks */
	{ "-a -t 1.2.3.4:80 -r [2001:db8::1]:80 -m", 2, "Different address family is allowed only for tunneling servers" },
	{ "-a -t 1.2.3.4:80 -r 1.2.3.5 -m --tun-type gue", 2, "Tunnel options conflict with forward method" },
	{ "-a -t 1.2.3.4:80 -r 1.2.3.5 --tun-csum", 2, "Tunnel options conflict with forward method" },
	{ "-a -t 1.2.3.4:80 -r 1.2.3.5 -i --tun-type gue", 2, "You need to supply the 'tun-port' option for the 'gue' tunnel type" },
	{ "-a -t 1.2.3.4:80 -r 1.2.3.5 -i --tun-type gre --tun-port 5", 2, "Illegal 'tun-port' option with the 'gre' tunnel type" },
	{ "-a -t 1.2.3.4:80 -r 1.2.3.5 -i --tun-csum", 2, "Illegal 'tun-csum' option with the 'ipip' tunnel type" },
	{ "-a -t 1.2.3.4:80 -r 1.2.3.5 -i --tun-type gue --tun-port 6080 --tun-csum --tun-remcsum", 2,
	  "The option 'tun-remcsum' conflicts with the 'tun-csum' option in the 'gue' tunnel type" },
	{ "-d -t 1.2.3.4:80 -r 1.2.3.5 -w 3", 2, "Illegal 'weight' option with the 'delete-server' command" },
	/* extensions */
	{ "-A -t 1.2.3.4:80 --json", 2, "Illegal 'json' option with the 'add-service' command" },
	{ "--add-mark 0:tcp:198.18.100.5/32:80", 2, "invalid mark rule `0:tcp:198.18.100.5/32:80' specified" },
	{ "--add-mark 1:icmp:198.18.100.5", 2, "invalid mark rule `1:icmp:198.18.100.5' specified" },
	{ "--add-mark 1:tcp:198.18.100.5/33", 2, "invalid mark rule `1:tcp:198.18.100.5/33' specified" },
	{ "--add-mark 1:tcp:198.18.100.5:90-80", 2, "invalid mark rule `1:tcp:198.18.100.5:90-80' specified" },
	{ "--add-mark 1:tcp:[198.18.100.5]", 2, "invalid mark rule `1:tcp:[198.18.100.5]' specified" },
	{ "--add-mark 1:tcp", 2, "invalid mark rule `1:tcp' specified" },
	{ "--add-mark 1:tcp:1.2.3.4 -n", 2, "Illegal 'numeric' option with the 'add-mark' command" },
	{ "--sysctl Bad=1", 2, "invalid sysctl `Bad=1' specified" },
	{ "--sysctl conn_reuse_mode=x", 2, "invalid sysctl `conn_reuse_mode=x' specified" },
	{ "-a -t 1.2.3.4:80 -r 1.2.3.5 --fullnat -m", 2, "multiple 'forwarding-method' options specified" },
	{ "-a -t 1.2.3.4:80 -r 1.2.3.5 --fullnat --tun-type gre", 2, "Tunnel options conflict with forward method" },
};

static void test_refusals(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		struct xdpvs_ctl_cmd cmd;
		struct xdpvs_ctl_err err;
		const struct refusal *r = &refusals[i];

		if (parse(r->args, &cmd, &err) != -EINVAL)
			fail_msg("'%s' parsed", r->args);
		if (strcmp(err.msg, r->msg) || err.status != r->status)
			fail_msg("'%s': got [%d] '%s', want [%d] '%s'",
				 r->args, err.status, err.msg, r->status,
				 r->msg);
	}
}

/* The program name in "Try `...'" is argv[0]. */
static void test_tryhelp_names_program(void **state)
{
	char *argv[] = { "/usr/sbin/xdpvsadm", "-X" };
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_err err;

	(void)state;
	assert_int_equal(xdpvs_ctl_parse(2, argv, &cmd, &err), -EINVAL);
	assert_string_equal(err.msg,
		"Try `/usr/sbin/xdpvsadm -h' or '/usr/sbin/xdpvsadm --help' for more information.");
	assert_int_equal(err.status, 255);
}

/* ---------------------------------------------------------------------
 * xdpvs extensions
 */

static void test_ext_fullnat(void **state)
{
	struct xdpvs_ctl_cmd c;

	(void)state;
	parse_ok("-a -t 198.18.100.1:80 -r 198.18.1.2:8080 --fullnat -w 2", &c);
	assert_int_equal(c.dest.conn_flags, XDPVS_CONN_F_FULLNAT);
	assert_int_equal(c.dest.port, htons(8080));
	assert_int_equal(c.dest.conn_flags & ~XDPVS_CONN_F_FWD_MASK, 0);
}

static void mark_rt(const char *in, const char *out)
{
	struct xdpvs_mark_rule r;
	char buf[XDPVS_CTL_MARK_RULE_LEN];

	if (xdpvs_ctl_parse_mark_rule(in, &r))
		fail_msg("mark rule '%s' refused", in);
	xdpvs_ctl_mark_rule_str(buf, sizeof(buf), &r);
	assert_string_equal(buf, out);
}

static void test_ext_marks(void **state)
{
	struct xdpvs_ctl_cmd c;

	(void)state;
	parse_ok("--add-mark 1:tcp:198.18.100.5/32:80", &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_ADD_MARK);
	assert_int_equal(c.mark.mark, 1);
	assert_int_equal(c.mark.af, AF_INET);
	assert_int_equal(c.mark.protocol, IPPROTO_TCP);
	assert_int_equal(c.mark.plen, 32);
	assert_int_equal(c.mark.prefix.ip, ip4("198.18.100.5"));
	assert_int_equal(c.mark.port_lo, 80);
	assert_int_equal(c.mark.port_hi, 80);
	parse_ok("--del-mark 2:any:[2001:db8:100::2]/128", &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_DEL_MARK);
	assert_int_equal(c.mark.af, AF_INET6);
	assert_int_equal(c.mark.protocol, 0);
	assert_int_equal(c.mark.port_lo, 0);
	parse_ok("--list-marks -n --json", &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_LIST_MARKS);
	assert_int_equal(c.fmt, XDPVS_CTL_FMT_NUMERIC | XDPVS_CTL_FMT_JSON);

	mark_rt("1:tcp:198.18.100.5/32:80", "1:tcp:198.18.100.5/32:80");
	mark_rt("1:TCP:198.18.100.5", "1:tcp:198.18.100.5/32");
	mark_rt("3:udp:198.18.100.7/24:5060-5061",
		"3:udp:198.18.100.0/24:5060-5061");
	mark_rt("4:sctp:198.18.100.9:9", "4:sctp:198.18.100.9/32:9");
	mark_rt("2:tcp:[2001:db8:100::2]/128:80",
		"2:tcp:[2001:db8:100::2]/128:80");
	mark_rt("2:tcp:[2001:db8:100::2]:80", "2:tcp:[2001:db8:100::2]/128:80");
	mark_rt("5:any:2001:db8:100::ff/64", "5:any:[2001:db8:100::]/64");
	mark_rt("5:any:2001:db8:100::ff/64:1-65535",
		"5:any:[2001:db8:100::]/64:1-65535");
	mark_rt("6:any:2001:db8::1", "6:any:[2001:db8::1]/128");
	mark_rt("7:any:0.0.0.0/0", "7:any:0.0.0.0/0");
	mark_rt("8:udp:198.18.100.1/31", "8:udp:198.18.100.0/31");
}

static void test_ext_sysctl(void **state)
{
	struct xdpvs_ctl_cmd c;

	(void)state;
	parse_ok("--sysctl", &c);
	assert_int_equal(c.cmd, XDPVS_CTL_CMD_SYSCTL);
	assert_string_equal(c.sysctl_name, "");
	assert_false(c.sysctl_set);
	parse_ok("--sysctl expire_nodest_conn", &c);
	assert_string_equal(c.sysctl_name, "expire_nodest_conn");
	assert_false(c.sysctl_set);
	parse_ok("--sysctl=conn_reuse_mode=2", &c);
	assert_string_equal(c.sysctl_name, "conn_reuse_mode");
	assert_true(c.sysctl_set);
	assert_int_equal(c.sysctl_value, 2);
	parse_ok("--sysctl sync_threshold=-1", &c);
	assert_int_equal(c.sysctl_value, -1);
	parse_ok("--sysctl --json", &c);
	assert_int_equal(c.fmt, XDPVS_CTL_FMT_JSON);
	assert_string_equal(c.sysctl_name, "");
}

/* ---------------------------------------------------------------------
 * Error wording (libipvs's table)
 */

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(xdpvs_ctl_strerror(XDPVS_CTL_CMD_ADD_SERVICE,
					       -EEXIST),
			    "Service already exists");
	assert_string_equal(xdpvs_ctl_strerror(XDPVS_CTL_CMD_EDIT_SERVICE,
					       ESRCH), "No such service");
	assert_string_equal(xdpvs_ctl_strerror(XDPVS_CTL_CMD_ADD_DEST, ESRCH),
			    "Service not defined");
	assert_string_equal(xdpvs_ctl_strerror(XDPVS_CTL_CMD_DEL_DEST, ENOENT),
			    "No such destination");
	assert_string_equal(xdpvs_ctl_strerror(XDPVS_CTL_CMD_ADD_DEST, ENOENT),
			    "No such file or directory");
	assert_string_equal(xdpvs_ctl_strerror(XDPVS_CTL_CMD_FLUSH, EPERM),
			    "Permission denied (you must be root)");
	assert_string_equal(xdpvs_ctl_strerror(XDPVS_CTL_CMD_ADD_DEST, EINVAL),
			    "Invalid operation.  Possibly wrong module version, address not unicast, ...");
	assert_string_equal(xdpvs_ctl_strerror(XDPVS_CTL_CMD_START_DAEMON,
					       EEXIST),
			    "Daemon has already run");
	assert_string_equal(xdpvs_ctl_strerror(XDPVS_CTL_CMD_STOP_DAEMON,
					       ESRCH), "No daemon is running");
	assert_string_equal(xdpvs_ctl_strerror(XDPVS_CTL_CMD_ADD_DEST,
					       -ERANGE),
			    "Numerical result out of range");
	assert_string_equal(xdpvs_ctl_cmd_name(XDPVS_CTL_CMD_DEL_DEST),
			    "delete-server");
	assert_string_equal(xdpvs_ctl_opt_name(XDPVS_CTL_OPT_TUN_REMCSUM),
			    "tun-remcsum");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_errors),
		cmocka_unit_test(test_golden_setup),
		cmocka_unit_test(test_service_defaults),
		cmocka_unit_test(test_service_persistent),
		cmocka_unit_test(test_service_ipv6),
		cmocka_unit_test(test_service_flags),
		cmocka_unit_test(test_service_names),
		cmocka_unit_test(test_option_forms),
		cmocka_unit_test(test_dest_defaults),
		cmocka_unit_test(test_dest_port_forced),
		cmocka_unit_test(test_dest_options),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_timeouts_daemon),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_tryhelp_names_program),
		cmocka_unit_test(test_ext_fullnat),
		cmocka_unit_test(test_ext_marks),
		cmocka_unit_test(test_ext_sysctl),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
