// SPDX-License-Identifier: GPL-2.0-only
/*
 * ctl/save.c: an engine's whole configuration as rules.  A configuration
 * with every kind of thing in it (services of both families and by mark,
 * real servers of every method, persistence, timeouts, a switch, mark
 * rules) is saved as xdpvsadm -S -n prints it, applied to a new engine
 * through the rules reader, and saved again: the same text.  An engine
 * left as new saves nothing; a firewall mark of 2^31 or more saves as it
 * reads.  Sync daemons as rules parse back to the
 * same daemons.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include "ctl/cmd.h"
#include "ctl/print.h"

static const char *const config[] = {
	"--add-mark 7:tcp:198.18.100.5/32:80",
	"--add-mark 8:udp:2001:db8::/64:5000-5010",
	"-A -t 198.18.100.1:80 -s wrr",
	"-a -t 198.18.100.1:80 -r 198.18.1.2:8080 -m -w 3",
	"-a -t 198.18.100.1:80 -r 198.18.1.3:8080 -m -w 1 -x 100 -y 80",
	"-A -u [2001:db8::100]:53 -s rr -p 60",
	"-a -u [2001:db8::100]:53 -r [2001:db8:1::2]:53 -g",
	"-A -f 7 -s sh",
	"-a -f 7 -r 198.18.1.4 -i --tun-type gue --tun-port 6080",
	"--set 900 121 300",
	"--sysctl expire_nodest_conn=1",
};

/* What xdpvsadm -S -n prints of it (thresholds added), as ipvsadm orders
 * it: real servers newest first, a GUE tunnel without a checksum option
 * as --tun-nocsum, a mark rule's IPv6 prefix in brackets. */
static const char saved[] =
	"-A -t 198.18.100.1:80 -s wrr\n"
	"-a -t 198.18.100.1:80 -r 198.18.1.2:8080 -m -w 3\n"
	"-a -t 198.18.100.1:80 -r 198.18.1.3:8080 -m -w 1 -x 100 -y 80\n"
	"-A -u [2001:db8::100]:53 -s rr -p 60\n"
	"-a -u [2001:db8::100]:53 -r [2001:db8:1::2]:53 -g -w 1\n"
	"-A -f 7 -s sh\n"
	"-a -f 7 -r 198.18.1.4:0 -i -w 1 --tun-type gue --tun-port 6080 "
	"--tun-nocsum\n"
	"--set 900 121 300\n"
	"--sysctl expire_nodest_conn=1\n"
	"--add-mark 7:tcp:198.18.100.5/32:80\n"
	"--add-mark 8:udp:[2001:db8::]/64:5000-5010\n";

static struct xdpvs_engine *engine(void)
{
	struct xdpvs_engine_params p = { 0 };
	struct xdpvs_engine *e = xdpvs_engine_new(&p);

	assert_non_null(e);
	return e;
}

static int apply_rule(const struct xdpvs_ctl_cmd *cmd,
		      const struct xdpvs_ctl_rule_pos *pos, void *arg,
		      struct xdpvs_ctl_err *err)
{
	return xdpvs_ctl_apply(arg, cmd, err);
}

/* The engine's saved configuration: a new string. */
static char *save(struct xdpvs_engine *e)
{
	struct xdpvs_ctl_err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(xdpvs_ctl_save(e, f, &err), 0);
	fclose(f);
	return buf;
}

/* Apply text to e as a rules file; the number of commands. */
static int load(struct xdpvs_engine *e, const char *text)
{
	struct xdpvs_ctl_err err;
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int n;

	assert_non_null(f);
	n = xdpvs_ctl_rules_read(f, "saved", "xdpvsd", apply_rule, e, &err);
	fclose(f);
	if (n < 0)
		fail_msg("%s", err.msg);
	return n;
}

static void round_trip(void **state)
{
	struct xdpvs_engine *a = engine(), *b = engine();
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_err err;
	char *s1, *s2;
	size_t i;

	for (i = 0; i < sizeof(config) / sizeof(config[0]); i++) {
		assert_int_equal(xdpvs_ctl_parse_line(config[i], NULL, &cmd,
						      &err), 1);
		if (xdpvs_ctl_apply(a, &cmd, &err))
			fail_msg("%s: %s", config[i], err.msg);
	}
	s1 = save(a);
	assert_string_equal(s1, saved);
	assert_int_equal(load(b, s1), 11);
	s2 = save(b);
	assert_string_equal(s2, s1);
	free(s1);
	free(s2);
	xdpvs_engine_free(a);
	xdpvs_engine_free(b);
}

/* A firewall mark of 2^31 or more saves unsigned, as -f takes it, and
 * reads back (fuzz_rules: ipvsadm's %d made it -1294967296, which the
 * next xdpvsd refused, and every rule after it was lost); -L still
 * shows it as ipvsadm does. */
static void large_mark_round_trip(void **state)
{
	struct xdpvs_engine *a = engine(), *b = engine();
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_err err;
	char *s1, *s2, *list = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(load(a, "-A -f 3000000000 -6 -s rr\n"), 1);
	s1 = save(a);
	assert_string_equal(s1, "-A -f 3000000000 -6 -s rr\n");
	assert_int_equal(load(b, s1), 1);
	s2 = save(b);
	assert_string_equal(s2, s1);
	f = open_memstream(&list, &len);
	assert_non_null(f);
	assert_int_equal(xdpvs_ctl_parse_line("-L -n", NULL, &cmd, &err), 1);
	assert_int_equal(xdpvs_ctl_list(a, &cmd, 0, f, &err), 0);
	fclose(f);
	assert_non_null(strstr(list, "\nFWM  -1294967296 IPv6 rr\n"));
	free(list);
	free(s1);
	free(s2);
	xdpvs_engine_free(a);
	xdpvs_engine_free(b);
}

static void new_engine_saves_nothing(void **state)
{
	struct xdpvs_engine *e = engine();
	char *s = save(e);

	assert_string_equal(s, "");
	free(s);
	xdpvs_engine_free(e);
}

/* Sync daemons as --start-daemon lines, with every option as in effect:
 * parsed back, the same daemons. */
static void daemons_as_rules(void **state)
{
	struct xdpvs_ctl_daemon d[2] = {
		{ .state = XDPVS_CTL_DAEMON_MASTER, .mcast_ifn = "eth1",
		  .syncid = 7, .sync_maxlen = 1472, .mcast_port = 8850,
		  .mcast_ttl = 2, .mcast_af = AF_INET6 },
		{ .state = XDPVS_CTL_DAEMON_BACKUP, .mcast_ifn = "eth2",
		  .syncid = 0, .sync_maxlen = 1472, .mcast_port = 8848,
		  .mcast_ttl = 1, .mcast_af = AF_INET },
	};
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_err err;
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int i = 0;

	inet_pton(AF_INET6, "ff02::1:81", &d[0].mcast_group);
	inet_pton(AF_INET, "224.0.0.81", &d[1].mcast_group);
	assert_int_equal(xdpvs_ctl_print_daemons(f, d, 2, XDPVS_CTL_FMT_RULE),
			 0);
	fclose(f);
	assert_string_equal(buf,
		"--start-daemon master --mcast-interface eth1 --syncid 7 "
		"--sync-maxlen 1472 --mcast-group ff02::1:81 --mcast-port 8850 "
		"--mcast-ttl 2\n"
		"--start-daemon backup --mcast-interface eth2 --syncid 0 "
		"--sync-maxlen 1472 --mcast-group 224.0.0.81 --mcast-port 8848 "
		"--mcast-ttl 1\n");
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), i++) {
		assert_int_equal(xdpvs_ctl_parse_line(line, NULL, &cmd, &err),
				 1);
		assert_int_equal(cmd.cmd, XDPVS_CTL_CMD_START_DAEMON);
		assert_memory_equal(&cmd.daemon, &d[i], sizeof(d[i]));
	}
	assert_int_equal(i, 2);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(large_mark_round_trip),
		cmocka_unit_test(new_engine_saves_nothing),
		cmocka_unit_test(daemons_as_rules),
	};

	return cmocka_run_group_tests_name("ctl/save", tests, NULL, NULL);
}
