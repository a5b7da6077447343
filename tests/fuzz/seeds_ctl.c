// SPDX-License-Identifier: GPL-2.0-only
/*
 * Seed inputs for tests/fuzz/fuzz_ctl.c, written by the protocol's own
 * encoder: each ipvsadm command line read from standard input (a rules
 * file: tests/data/ctl/ipvsadm-S-n.txt, setup.sh less "ipvsadm") made
 * into its request as xdpvsadm makes it, to be carried out; then the
 * replies xdpvsd would send once every command has been applied to an
 * engine (svc_list, svc_get, timeout_get, sysctl_get, mark_list, info,
 * daemon_list, an error).
 *
 * Usage: seeds_ctl DIR < RULES -- writes one file per seed into DIR.
 * The committed corpus grew from
 *	(cat tests/data/ctl/ipvsadm-S-n.txt;
 *	 sed -n 's/^ipvsadm //p' tests/data/ctl/setup.sh) |
 *	build-fuzz/tests/fuzz/seeds_ctl DIR
 * with a line of each other command (-Z, -L -c, --sysctl, --add-mark,
 * --del-mark, -E, -e, -d, -D, --stop-daemon, ...) added.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xdpvs/engine.h>

#include "ctl/cmd.h"
#include "ctl/proto.h"

static int seed_n;

/* The control byte and line into DIR/seed-NNN; 0 or 1. */
static int seed_put(const char *dir, uint8_t ctl, const char *line, int len)
{
	char path[4096];
	FILE *f;

	if (len < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/seed-%03d", dir, seed_n++);
	f = fopen(path, "wb");
	if (!f || fwrite(&ctl, 1, 1, f) != 1 ||
	    fwrite(line, 1, (size_t)len, f) != (size_t)len) {
		if (f)
			fclose(f);
		return 1;
	}
	return fclose(f) != 0;
}

static int seed_reply(const char *dir, enum xdpvs_ctl_msg type,
		      const struct xdpvs_ctl_reply *r)
{
	char *line = NULL;
	int len = xdpvs_ctl_reply_encode(type, r, &line), err;

	err = seed_put(dir, (uint8_t)(1 | (type - 1) << 1), line, len);
	free(line);
	return err;
}

/* The replies to listings of e; daemon d. */
static int seed_replies(const char *dir, struct xdpvs_engine *e,
			const struct xdpvs_ctl_daemon *d)
{
	struct xdpvs_ctl_sysctl sc = { .def = 1 };
	struct xdpvs_mark_rule marks[4];
	struct xdpvs_ctl_reply r = { .id = 3, .tab_size = 4096 };
	int n, err = 0;

	n = r.nsvcs = xdpvs_svc_info_get(e, &r.svcs);
	err |= seed_reply(dir, XDPVS_CTL_SVC_LIST, &r);
	r.nsvcs = 1;	/* the first: svc_get's */
	if (n > 0)
		err |= seed_reply(dir, XDPVS_CTL_SVC_GET, &r);
	xdpvs_svc_info_free(r.svcs, n);
	r = (struct xdpvs_ctl_reply){ .id = 4 };
	xdpvs_get_timeouts(e, &r.timeouts.tcp, &r.timeouts.tcpfin,
			   &r.timeouts.udp);
	r.timeouts_def = r.timeouts;
	err |= seed_reply(dir, XDPVS_CTL_TIMEOUT_GET, &r);
	snprintf(sc.name, sizeof(sc.name), "%s", xdpvs_sysctl_name(0));
	xdpvs_sysctl_get(e, sc.name, &sc.value);
	r.sysctls = &sc;
	r.nsysctls = 1;
	err |= seed_reply(dir, XDPVS_CTL_SYSCTL_GET, &r);
	r.marks = marks;
	r.nmarks = xdpvs_mark_get(e, marks, 4);
	err |= seed_reply(dir, XDPVS_CTL_MARK_LIST, &r);
	snprintf(r.info.version, sizeof(r.info.version), "1.2.1");
	r.info.conn_tab_size = 4096;
	xdpvs_drops(e, r.info.drops);
	err |= seed_reply(dir, XDPVS_CTL_INFO_GET, &r);
	r.daemons = (struct xdpvs_ctl_daemon *)d;
	r.ndaemons = 1;
	err |= seed_reply(dir, XDPVS_CTL_DAEMON_LIST, &r);
	r = (struct xdpvs_ctl_reply){ .id = 5, .err = -17 };
	snprintf(r.msg, sizeof(r.msg), "svc.port: out of range");
	return err | seed_reply(dir, XDPVS_CTL_SVC_ADD, &r);
}

int main(int argc, char **argv)
{
	struct xdpvs_engine_params p = { .conn_max = 16 };
	struct xdpvs_engine *e = xdpvs_engine_new(&p);
	struct xdpvs_ctl_daemon d = { 0 };
	struct xdpvs_ctl_err cerr;
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_req q;
	char buf[4096], *line;
	int len, err = 0;

	if (argc != 2 || !e) {
		fprintf(stderr, "usage: seeds_ctl DIR < RULES\n");
		return 2;
	}
	while (fgets(buf, sizeof(buf), stdin)) {
		if (xdpvs_ctl_parse_line(buf, NULL, &cmd, &cerr) != 1 ||
		    xdpvs_ctl_req_from_cmd(&cmd, &q))
			continue;
		line = NULL;
		len = xdpvs_ctl_req_encode(&q, &line);
		err |= seed_put(argv[1], 64, line, len);
		free(line);
		if (cmd.cmd == XDPVS_CTL_CMD_START_DAEMON)
			d = cmd.daemon;
		xdpvs_ctl_apply(e, &cmd, &cerr);
	}
	err |= seed_replies(argv[1], e, &d);
	xdpvs_engine_free(e);
	return err ? 1 : 0;
}
