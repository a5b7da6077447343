// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of ctl/rules.c: rules files in ipvsadm -S format, as -R, the
 * replay tool and the daemon read them.  The reference system's -S -n
 * output is read back into the configuration that setup.sh built; our own
 * -S output reads back to the same text; bad lines are reported with file
 * and line and ipvsadm's words.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctl/cmd.h"
#include "ctl/print.h"
#include "golden.h"

/* Collects commands into a table; counts every command seen. */
struct collect {
	struct golden_table t;
	int seen;
	int fail_at;		/* return -EEXIST on this command (1-based) */
	unsigned int last_line;
};

static int collect_fn(const struct xdpvs_ctl_cmd *cmd,
		      const struct xdpvs_ctl_rule_pos *pos, void *arg,
		      struct xdpvs_ctl_err *err)
{
	struct collect *c = arg;

	c->seen++;
	c->last_line = pos->line;
	if (c->seen == c->fail_at) {
		snprintf(err->msg, sizeof(err->msg), "%s:%u: %s", pos->file,
			 pos->line, xdpvs_ctl_strerror(cmd->cmd, EEXIST));
		err->status = XDPVS_CTL_EXIT_OTHER;
		return -EEXIST;
	}
	return golden_apply(&c->t, cmd) ? -EINVAL : 0;
}

static int read_text(const char *text, struct collect *c,
		     struct xdpvs_ctl_err *err)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(f);
	rc = xdpvs_ctl_rules_read(f, "rules.txt", NULL, collect_fn, c, err);
	fclose(f);
	return rc;
}

static int svc_conf_equal(const struct xdpvs_svc_conf *a,
			  const struct xdpvs_svc_conf *b)
{
	return golden_same_svc(a, b) && a->protocol == b->protocol &&
	       !strcmp(a->sched_name, b->sched_name) &&
	       !strcmp(a->pe_name, b->pe_name) && a->flags == b->flags &&
	       a->timeout == b->timeout && a->netmask == b->netmask;
}

/* Equal but for the thresholds, which -S does not save. */
static int dest_conf_equal(const struct xdpvs_dest_conf *a,
			   const struct xdpvs_dest_conf *b)
{
	return a->af == b->af && xdpvs_addr_equal(a->af, &a->addr, &b->addr) &&
	       a->port == b->port && a->conn_flags == b->conn_flags &&
	       a->weight == b->weight && a->tun_type == b->tun_type &&
	       a->tun_port == b->tun_port && a->tun_flags == b->tun_flags;
}

static void assert_same_table(struct golden_table *a, struct golden_table *b)
{
	int i;

	assert_int_equal(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		struct xdpvs_svc_info *sa = &a->svcs[i];
		struct xdpvs_svc_info *sb = golden_find(b, &sa->conf);
		uint32_t j, k;

		assert_non_null(sb);
		assert_true(svc_conf_equal(&sa->conf, &sb->conf));
		assert_int_equal(sa->num_dests, sb->num_dests);
		for (j = 0; j < sa->num_dests; j++) {
			for (k = 0; k < sb->num_dests; k++)
				if (dest_conf_equal(&sa->dests[j].conf,
						    &sb->dests[k].conf))
					break;
			assert_true(k < sb->num_dests);
		}
	}
}

/* The reference system's -S -n output restores setup.sh's config. */
static void test_restore_golden_save(void **state)
{
	static struct golden_table setup;
	static struct collect c;
	struct xdpvs_ctl_err err;

	(void)state;
	assert_int_equal(golden_build(&setup), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(xdpvs_ctl_rules_load(GOLDEN_DATA "ipvsadm-S-n.txt",
					      NULL, collect_fn, &c, &err), 41);
	assert_int_equal(c.seen, 41);
	assert_same_table(&setup, &c.t);
}

static char *save_text(struct golden_table *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(xdpvs_ctl_print_list(f, t->svcs, t->n, 4096,
				XDPVS_CTL_FMT_RULE | XDPVS_CTL_FMT_NUMERIC), 0);
	fclose(f);
	return buf;
}

/* Our -S output reads back to the same configuration and the same text. */
static void test_save_round_trip(void **state)
{
	static struct golden_table setup;
	static struct collect c;
	struct xdpvs_ctl_err err;
	char *a, *b;

	(void)state;
	assert_int_equal(golden_build(&setup), 0);
	a = save_text(&setup);
	memset(&c, 0, sizeof(c));
	assert_int_equal(read_text(a, &c, &err), 41);
	assert_same_table(&setup, &c.t);
	b = save_text(&c.t);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static void test_bad_tunnel_line(void **state)
{
	static const char text[] =
		"-A -f 1 -s rr -p 360 -M 255.255.255.0 --pe sip\n"
		"-a -f 1 -r 10.1.1.1:0 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum\n"
		"-a -f 1 -r 10.1.1.2:0 -i -w 1 --tun-type gre --tun-remcsum\n"
		"-a -f 1 -r 10.1.1.3:0 --fullnat -w 4\n"
		"-A -u [2001:db8::1]:53 -s mh -p 30 -M 64 -o -b mh-fallback,mh-port\n"
		"-a -u [2001:db8::1]:53 -r [2001:db8::2]:53 -m -w 1\n";
	static struct collect c;
	struct xdpvs_ctl_err err;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(read_text(text, &c, &err), -EINVAL);
	/* gre takes no remote checksum offload: line 3 */
	assert_string_equal(err.msg,
		"rules.txt:3: Illegal 'tun-remcsum' option with the 'gre' tunnel type");
	assert_int_equal(err.status, 2);
	assert_int_equal(c.seen, 2);
}

static void test_tunnel_round_trip(void **state)
{
	static const char text[] =
		"-A -f 1 -s rr -p 360 -M 255.255.255.0 --pe sip\n"
		"-a -f 1 -r 10.1.1.1:0 -i -w 1 --tun-type gue --tun-port 6080 --tun-remcsum\n"
		"-a -f 1 -r 10.1.1.2:0 -i -w 1 --tun-type gre --tun-csum\n"
		"-a -f 1 -r 10.1.1.3:0 --fullnat -w 4\n"
		"-A -u [2001:db8::1]:53 -s mh -p 30 -M 64 -o -b mh-fallback,mh-port\n"
		"-a -u [2001:db8::1]:53 -r [2001:db8::2]:53 -m -w 1\n";
	static const char sorted[] =
		"-A -u [2001:db8::1]:53 -s mh -p 30 -M 64 -o -b mh-fallback,mh-port\n"
		"-a -u [2001:db8::1]:53 -r [2001:db8::2]:53 -m -w 1\n"
		"-A -f 1 -s rr -p 360 -M 255.255.255.0 --pe sip\n"
		"-a -f 1 -r 10.1.1.1:0 -i -w 1 --tun-type gue --tun-port 6080 --tun-remcsum\n"
		"-a -f 1 -r 10.1.1.2:0 -i -w 1 --tun-type gre --tun-csum\n"
		"-a -f 1 -r 10.1.1.3:0 --fullnat -w 4\n";
	static struct collect c;
	struct xdpvs_ctl_err err;
	char *b;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(read_text(text, &c, &err), 6);
	b = save_text(&c.t);
	assert_string_equal(b, sorted);
	free(b);
}

/* Blank lines, comments and "ipvsadm" words are skipped. */
static void test_comments_and_words(void **state)
{
	static const char text[] =
		"# saved by ipvsadm-save\n"
		"\n"
		"   \t \n"
		"ipvsadm -A -t 198.18.100.1:80 -s rr # a comment\n"
		"ipvsadm\n"
		"  -a -t 198.18.100.1:80 ipvsadm -r 198.18.1.2 -m\t-w 2\r\n"
		"--add-mark 1:tcp:198.18.100.5/32:80\n"
		"-a -t 198.18.100.1:80 -r 198.18.1.3 -m";	/* no newline */
	static struct collect c;
	struct xdpvs_ctl_err err;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(read_text(text, &c, &err), 4);
	assert_int_equal(c.last_line, 8);
	assert_int_equal(c.t.n, 1);
	assert_int_equal(c.t.svcs[0].num_dests, 2);
	assert_int_equal(c.t.svcs[0].dests[1].conf.weight, 2);
	assert_string_equal(c.t.svcs[0].conf.sched_name, "rr");
}

/* A bad line stops the reading; the message names file and line. */
static void test_bad_line(void **state)
{
	static const char text[] =
		"-A -t 198.18.100.1:80\n"
		"-a -t 198.18.100.1:80 -r 198.18.1.2\n"
		"-A -t 198.18.100.99 -s rr\n"
		"-A -t 198.18.100.2:80\n";
	static struct collect c;
	struct xdpvs_ctl_err err;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(read_text(text, &c, &err), -EINVAL);
	assert_string_equal(err.msg,
		"rules.txt:3: Zero port specified for non-persistent service");
	assert_int_equal(err.status, 2);
	assert_int_equal(c.seen, 2);
}

static void test_bad_lines_words(void **state)
{
	static const struct {
		const char *text;
		int status;
		const char *msg;
	} cases[] = {
		{ "-X\n", 255, "rules.txt:1: Try `ipvsadm -h' or 'ipvsadm --help' for more information." },
		{ "\n-R\n", 255, "rules.txt:2: Try `ipvsadm -h' or 'ipvsadm --help' for more information." },
		{ "-A -t 1.2.3.4:80 --bogus\n", 255, "rules.txt:1: --bogus: unknown option" },
		{ "-A -f 0 -s rr\n", 2, "rules.txt:1: invalid fwmark value `0' specified" },
		{ "-a -t 1.2.3.4:80 -r 1.2.3.5 -m --tun-type gue\n", 2,
		  "rules.txt:1: Tunnel options conflict with forward method" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct collect c;
		struct xdpvs_ctl_err err;

		memset(&c, 0, sizeof(c));
		assert_int_equal(read_text(cases[i].text, &c, &err), -EINVAL);
		assert_string_equal(err.msg, cases[i].msg);
		assert_int_equal(err.status, cases[i].status);
	}
}

/* The callback's error stops the reading and comes back as it was. */
static void test_callback_error(void **state)
{
	static const char text[] =
		"-A -t 198.18.100.1:80\n"
		"-A -t 198.18.100.1:80\n"
		"-A -t 198.18.100.2:80\n";
	static struct collect c;
	struct xdpvs_ctl_err err;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.fail_at = 2;
	assert_int_equal(read_text(text, &c, &err), -EEXIST);
	assert_string_equal(err.msg, "rules.txt:2: Service already exists");
	assert_int_equal(c.seen, 2);
}

/* Without a callback the file is only checked. */
static void test_validate_only(void **state)
{
	struct xdpvs_ctl_err err;

	(void)state;
	assert_int_equal(xdpvs_ctl_rules_load(GOLDEN_DATA "ipvsadm-S-n.txt",
					      NULL, NULL, NULL, &err), 41);
	assert_int_equal(xdpvs_ctl_rules_load(GOLDEN_DATA "no-such-file",
					      NULL, NULL, NULL, &err), -ENOENT);
	assert_string_equal(err.msg, GOLDEN_DATA
			    "no-such-file: No such file or directory");
}

static void test_parse_line(void **state)
{
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_err err;

	(void)state;
	assert_int_equal(xdpvs_ctl_parse_line("", NULL, &cmd, &err), 0);
	assert_int_equal(xdpvs_ctl_parse_line("  # -A\n", NULL, &cmd, &err),
			 0);
	assert_int_equal(xdpvs_ctl_parse_line("ipvsadm ipvsadm", NULL, &cmd,
					      &err), 0);
	assert_int_equal(xdpvs_ctl_parse_line("-C", NULL, &cmd, &err), 1);
	assert_int_equal(cmd.cmd, XDPVS_CTL_CMD_FLUSH);
	assert_int_equal(xdpvs_ctl_parse_line("-X", "xdpvsadm", &cmd, &err),
			 -EINVAL);
	assert_string_equal(err.msg,
		"Try `xdpvsadm -h' or 'xdpvsadm --help' for more information.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restore_golden_save),
		cmocka_unit_test(test_save_round_trip),
		cmocka_unit_test(test_bad_tunnel_line),
		cmocka_unit_test(test_tunnel_round_trip),
		cmocka_unit_test(test_comments_and_words),
		cmocka_unit_test(test_bad_line),
		cmocka_unit_test(test_bad_lines_words),
		cmocka_unit_test(test_callback_error),
		cmocka_unit_test(test_validate_only),
		cmocka_unit_test(test_parse_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
