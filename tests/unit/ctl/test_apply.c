// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of ctl/apply.c against the real engine.
 *
 * The golden configuration (tests/data/ctl/setup.sh) is applied to a fresh
 * engine; its idle listings must equal the reference system's right after
 * setup; then the reference system's recorded errors (errors.txt) are
 * replayed in order, each with the same message and exit status, and the
 * state they leave is listed and compared with what the reference showed.
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

/* Apply a command (or list it), as xdpvsadm would, into out. */
static int run(struct xdpvs_engine *e, const char *line, FILE *out,
	       struct xdpvs_ctl_err *err)
{
	struct xdpvs_ctl_cmd cmd;
	int rc;

	memset(err, 0, sizeof(*err));
	rc = xdpvs_ctl_parse_line(line, NULL, &cmd, err);
	if (rc <= 0)
		return rc;
	switch (cmd.cmd) {
	case XDPVS_CTL_CMD_LIST:
	case XDPVS_CTL_CMD_SAVE:
		return xdpvs_ctl_list(e, &cmd, 0, out, err);
	case XDPVS_CTL_CMD_START_DAEMON:
		return 0;	/* the daemon is xdpvsd's, not the engine's */
	default:
		return xdpvs_ctl_apply(e, &cmd, err);
	}
}

static int setup_engine(void **state)
{
	struct xdpvs_engine_params p = { 0 };
	struct xdpvs_ctl_err err;
	struct xdpvs_engine *e;
	char line[512];
	FILE *f;

	e = xdpvs_engine_new(&p);
	f = fopen(GOLDEN_DATA "setup.sh", "r");
	if (!e || !f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "ipvsadm ", 8))
			continue;
		if (run(e, line, stdout, &err) < 0) {
			fprintf(stderr, "%s: %s\n", line, err.msg);
			return -1;
		}
	}
	fclose(f);
	*state = e;
	return 0;
}

static int teardown_engine(void **state)
{
	xdpvs_engine_free(*state);
	return 0;
}

static void check_listing(struct xdpvs_engine *e, const char *line,
			  const char *file)
{
	struct xdpvs_ctl_err err;
	char *buf = NULL, *want;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(run(e, line, f, &err), 0);
	fclose(f);
	want = golden_read(file);
	assert_non_null(want);
	assert_string_equal(buf, want);
	free(want);
	free(buf);
}

static void test_idle_listings(void **state)
{
	check_listing(*state, "ipvsadm -Ln", "idle-ipvsadm-Ln.txt");
	check_listing(*state, "ipvsadm -Ln --stats",
		      "idle-ipvsadm-Ln--stats.txt");
	check_listing(*state, "ipvsadm -Ln --thresholds",
		      "idle-ipvsadm-Ln--thresholds.txt");
	check_listing(*state, "ipvsadm -Lnc", "idle-ipvsadm-Lnc.txt");
	check_listing(*state, "ipvsadm -S -n", "ipvsadm-S-n.txt");
	check_listing(*state, "ipvsadm -L --timeout", "ipvsadm-L--timeout.txt");
}

/* Line by line equal, but "  -> " lines only up to the weight column
 * ("  -> %-28s %-7s %-6d": 48 characters). */
static void assert_same_but_counts(const char *got, const char *want)
{
	while (*got && *want) {
		size_t g = strcspn(got, "\n"), w = strcspn(want, "\n");
		size_t n = g > w ? g : w;

		if (!strncmp(want, "  -> ", 5))
			n = 48;
		if (strncmp(got, want, n))
			fail_msg("got '%.*s', want '%.*s'", (int)g, got, (int)w,
				 want);
		got += g + (got[g] == '\n');
		want += w + (want[w] == '\n');
	}
	assert_true(!*got && !*want);
}

/* errors.txt in order: same words, same exit status, same final state. */
static void test_golden_errors(void **state)
{
	struct xdpvs_engine *e = *state;
	FILE *f = fopen(GOLDEN_DATA "errors.txt", "r");
	char line[512], args[512] = "", msg[512];
	struct xdpvs_ctl_err err;
	char *buf = NULL, *want;
	size_t len = 0;
	FILE *out;
	int status, rc;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "$ ipvsadm ", 10)) {
			if (strstr(line, "(state after"))
				break;
			snprintf(args, sizeof(args), "%s", line + 2);
			continue;
		}
		if (sscanf(line, "[exit %d]", &status) != 1)
			continue;
		assert_non_null(fgets(msg, sizeof(msg), f));
		msg[strcspn(msg, "\n")] = '\0';
		rc = run(e, args, stdout, &err);
		if (status == 0) {
			assert_int_equal(rc, 0);
			continue;
		}
		assert_true(rc < 0);
		assert_string_equal(err.msg, msg);
		assert_int_equal(err.status, status);
	}
	/* The rest of the file is what the two listings showed, after the
	 * reference's traffic: compare all but the connection counts. */
	want = malloc(4096);
	assert_non_null(want);
	len = fread(want, 1, 4095, f);
	want[len] = '\0';
	fclose(f);
	out = open_memstream(&buf, &len);
	assert_int_equal(run(e, "ipvsadm -Ln -t 198.18.100.1:80", out, &err),
			 0);
	assert_int_equal(run(e, "ipvsadm -Ln -u 198.18.100.99:80", out, &err),
			 0);
	fclose(out);
	assert_same_but_counts(buf, want);
	free(buf);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_listings),
		cmocka_unit_test(test_golden_errors),
	};

	return cmocka_run_group_tests(tests, setup_engine, teardown_engine);
}
