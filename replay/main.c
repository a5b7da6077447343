// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdpvs-replay: the engine offline.  Reads the frames that reach the
 * balancer from a pcap file, in order, each frame's timestamp being the
 * engine's clock; writes every frame the balancer sends to another pcap
 * file with the timestamp of the frame that caused it; prints the table
 * at the end as ipvsadm -Ln --stats (or -Ln, or -Lnc) would.  The
 * configuration is an ipvsadm -S rules file, read by the same parser as
 * xdpvsadm's command line.  Deterministic: same input, same output.
 */
#include <errno.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xdpvs/engine.h>

#include "ctl/cmd.h"
#include "env.h"
#include "schedule.h"

#define REPLAY_HEADROOM 256
#define REPLAY_BUF (REPLAY_HEADROOM + 262144 + 4096)

struct replay {
	const char *rules, *in, *out, *pass;
	const char *listing;		/* ipvsadm options for the end */
	bool drops;
	uint32_t conn_max;
	uint64_t seed;
	struct replay_env env;
	struct replay_schedule sched;
	struct xdpvs_engine *e;
	/* ipvsadm-syntax settings from the command line, applied in order
	 * after the rules file */
	char *extra[64][5];
	int nextra;
};

static void replay_usage(FILE *f)
{
	fprintf(f,
		"Usage: xdpvs-replay -r RULES -i IN.pcap -o OUT.pcap [options]\n"
		"  -r, --rules FILE        ipvsadm -S format rules; a line\n"
		"                          \"@SECONDS ...\" applies at that time\n"
		"  -i, --in FILE           frames reaching the balancer\n"
		"  -o, --out FILE          frames the balancer sends\n"
		"      --pass FILE         frames that are not its business\n"
		"      --lb-mac MAC        the balancer's MAC\n"
		"      --lb-addr IP        its address (one per family)\n"
		"      --neigh IP=MAC[/MTU] next-hop MAC (and path MTU)\n"
		"      --default-mac MAC   next hop for any other address\n"
		"      --link MAC=ADDR/PLEN[,ADDR/PLEN...][@MTU]  a link of the\n"
		"                          balancer (repeatable; replaces the\n"
		"                          single link of --lb-mac/--lb-addr)\n"
		"      --mtu N             path MTU (default 1500)\n"
		"      --set TCP TCPFIN UDP  timeouts, as ipvsadm --set\n"
		"      --mark MARK:PROTO:PREFIX[:PORT[-PORT]]  a mark rule\n"
		"      --sysctl NAME=VALUE a behaviour switch\n"
		"      --conn-max N        connection table capacity\n"
		"      --seed N            hash and random seed (default 1)\n"
		"      --list | --conns | --stats (default)  final listing\n"
		"      --drops             also print the drop counters\n");
}

/* Queue an ipvsadm-syntax command given on our command line. */
static int replay_extra(struct replay *r, const char *a1, const char *a2,
			const char *a3, const char *a4)
{
	char **v;

	if (r->nextra == 64) {
		fprintf(stderr, "xdpvs-replay: too many settings\n");
		return -1;
	}
	v = r->extra[r->nextra++];
	v[0] = (char *)"xdpvs-replay";
	v[1] = (char *)a1;
	v[2] = (char *)a2;
	v[3] = (char *)a3;
	v[4] = (char *)a4;
	return 0;
}

enum {
	OPT_PASS = 256, OPT_LB_MAC, OPT_LB_ADDR, OPT_NEIGH, OPT_DEFAULT_MAC,
	OPT_MTU, OPT_LINK, OPT_SET, OPT_MARK, OPT_SYSCTL, OPT_CONN_MAX, OPT_SEED,
	OPT_LIST, OPT_CONNS, OPT_STATS, OPT_DROPS,
};

static const struct option replay_opts[] = {
	{ "rules", required_argument, NULL, 'r' },
	{ "in", required_argument, NULL, 'i' },
	{ "out", required_argument, NULL, 'o' },
	{ "pass", required_argument, NULL, OPT_PASS },
	{ "lb-mac", required_argument, NULL, OPT_LB_MAC },
	{ "lb-addr", required_argument, NULL, OPT_LB_ADDR },
	{ "neigh", required_argument, NULL, OPT_NEIGH },
	{ "default-mac", required_argument, NULL, OPT_DEFAULT_MAC },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "link", required_argument, NULL, OPT_LINK },
	{ "set", required_argument, NULL, OPT_SET },
	{ "mark", required_argument, NULL, OPT_MARK },
	{ "sysctl", required_argument, NULL, OPT_SYSCTL },
	{ "conn-max", required_argument, NULL, OPT_CONN_MAX },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "conns", no_argument, NULL, OPT_CONNS },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "drops", no_argument, NULL, OPT_DROPS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int replay_number(const char *opt, const char *arg, uint64_t max,
			 uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || !*arg || *end || v > max) {
		fprintf(stderr, "xdpvs-replay: %s: invalid number `%s'\n", opt,
			arg);
		return -1;
	}
	*out = v;
	return 0;
}

/* One option; returns 0, or -1 (message printed). */
static int replay_option(struct replay *r, int c, int argc, char **argv)
{
	uint64_t v;

	switch (c) {
	case 'r': r->rules = optarg; return 0;
	case 'i': r->in = optarg; return 0;
	case 'o': r->out = optarg; return 0;
	case OPT_PASS: r->pass = optarg; return 0;
	case OPT_LB_MAC: return replay_env_lb_mac(&r->env, optarg);
	case OPT_LB_ADDR: return replay_env_lb_addr(&r->env, optarg);
	case OPT_NEIGH: return replay_env_neigh(&r->env, optarg);
	case OPT_DEFAULT_MAC: return replay_env_default_mac(&r->env, optarg);
	case OPT_LINK: return replay_env_link(&r->env, optarg);
	case OPT_MTU:
		if (replay_number("--mtu", optarg, 65535, &v) || v < 68)
			return -1;
		r->env.mtu = (uint32_t)v;
		return 0;
	case OPT_SET:
		/* --set takes three words, as ipvsadm's does. */
		if (optind + 1 >= argc) {
			fprintf(stderr, "xdpvs-replay: --set needs TCP TCPFIN "
					"UDP\n");
			return -1;
		}
		optind += 2;
		return replay_extra(r, "--set", optarg, argv[optind - 2],
				    argv[optind - 1]);
	case OPT_MARK: return replay_extra(r, "--add-mark", optarg, NULL, NULL);
	case OPT_SYSCTL: return replay_extra(r, "--sysctl", optarg, NULL, NULL);
	case OPT_CONN_MAX:
		if (replay_number("--conn-max", optarg, 1U << 27, &v) || !v)
			return -1;
		r->conn_max = (uint32_t)v;
		return 0;
	case OPT_SEED:
		return replay_number("--seed", optarg, UINT64_MAX, &r->seed);
	case OPT_LIST: r->listing = "-Ln"; return 0;
	case OPT_CONNS: r->listing = "-Lnc"; return 0;
	case OPT_STATS: r->listing = "-Ln --stats"; return 0;
	case OPT_DROPS: r->drops = true; return 0;
	case 'h': replay_usage(stdout); exit(0);
	default: replay_usage(stderr); return -1;
	}
}

static int replay_parse_args(struct replay *r, int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "r:i:o:h", replay_opts, NULL)) !=
	       -1)
		if (replay_option(r, c, argc, argv))
			return -1;
	if (optind < argc || !r->rules || !r->in || !r->out) {
		replay_usage(stderr);
		return -1;
	}
	return 0;
}

static int replay_configure(struct replay *r)
{
	struct xdpvs_ctl_err err;
	int i;

	if (replay_schedule_load(&r->sched, r->rules, r->e, &err) < 0) {
		fprintf(stderr, "xdpvs-replay: %s\n", err.msg);
		return -1;
	}
	for (i = 0; i < r->nextra; i++) {
		struct xdpvs_ctl_cmd cmd;
		char **v = r->extra[i];
		int argc = 1;

		while (argc < 5 && v[argc])
			argc++;
		if (xdpvs_ctl_parse(argc, v, &cmd, &err) < 0 ||
		    xdpvs_ctl_apply(r->e, &cmd, &err) < 0) {
			fprintf(stderr, "xdpvs-replay: %s %s: %s\n", v[1],
				v[2] ? v[2] : "", err.msg);
			return -1;
		}
	}
	return 0;
}

/* The pcap timestamp in ns (the input is opened with nanosecond
 * precision, so tv_usec holds nanoseconds). */
static uint64_t replay_ts(const struct pcap_pkthdr *h)
{
	return (uint64_t)h->ts.tv_sec * XDPVS_NSEC_PER_SEC +
	       (uint64_t)h->ts.tv_usec;
}

static pcap_dumper_t *replay_dump_open(pcap_t **dead, const char *path)
{
	pcap_dumper_t *d;

	*dead = pcap_open_dead_with_tstamp_precision(
		DLT_EN10MB, 262144, PCAP_TSTAMP_PRECISION_NANO);
	if (!*dead)
		return NULL;
	d = pcap_dump_open(*dead, path);
	if (!d)
		fprintf(stderr, "xdpvs-replay: %s: %s\n", path,
			pcap_geterr(*dead));
	return d;
}

static void replay_dump(pcap_dumper_t *d, const struct pcap_pkthdr *h,
			const uint8_t *data, uint32_t len)
{
	struct pcap_pkthdr oh = *h;

	oh.caplen = len;
	oh.len = len;
	pcap_dump((u_char *)d, &oh, data);
}

struct replay_io {
	pcap_t *in, *dead_out, *dead_pass;
	pcap_dumper_t *out, *pass;
	uint8_t *buf;
};

static int replay_open(struct replay *r, struct replay_io *io)
{
	char errbuf[PCAP_ERRBUF_SIZE];

	memset(io, 0, sizeof(*io));
	io->in = pcap_open_offline_with_tstamp_precision(
		r->in, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!io->in) {
		fprintf(stderr, "xdpvs-replay: %s\n", errbuf);
		return -1;
	}
	if (pcap_datalink(io->in) != DLT_EN10MB) {
		fprintf(stderr, "xdpvs-replay: %s: not an Ethernet capture\n",
			r->in);
		return -1;
	}
	io->out = replay_dump_open(&io->dead_out, r->out);
	if (!io->out)
		return -1;
	if (r->pass) {
		io->pass = replay_dump_open(&io->dead_pass, r->pass);
		if (!io->pass)
			return -1;
	}
	io->buf = malloc(REPLAY_BUF);
	return io->buf ? 0 : -1;
}

static void replay_close(struct replay_io *io)
{
	if (io->out)
		pcap_dump_close(io->out);
	if (io->pass)
		pcap_dump_close(io->pass);
	if (io->dead_out)
		pcap_close(io->dead_out);
	if (io->dead_pass)
		pcap_close(io->dead_pass);
	if (io->in)
		pcap_close(io->in);
	free(io->buf);
}

/* Run every frame through the engine, applying timed rules as their time
 * comes; returns 0 with the last timestamp in *last, or -1. */
static int replay_run(struct replay *r, struct replay_io *io, uint64_t *last)
{
	struct xdpvs_ctl_err err;
	struct pcap_pkthdr *h;
	const u_char *data;
	uint64_t now = 0;

	while (pcap_next_ex(io->in, &h, &data) == 1) {
		struct xdpvs_frame f = {
			.data = io->buf + REPLAY_HEADROOM,
			.len = h->caplen,
			.headroom = REPLAY_HEADROOM,
			.tailroom = REPLAY_BUF - REPLAY_HEADROOM - h->caplen,
			.ifindex = 1,
		};

		if (h->caplen > REPLAY_BUF - REPLAY_HEADROOM - 4096)
			continue;	/* larger than any frame */
		now = replay_ts(h);
		if (replay_schedule_run(&r->sched, r->e, now, &err)) {
			fprintf(stderr, "xdpvs-replay: %s\n", err.msg);
			return -1;
		}
		memcpy(f.data, data, h->caplen);
		switch (xdpvs_engine_rx(r->e, now, &f)) {
		case XDPVS_TX:
			/* then the other fragments, if it went in pieces */
			do
				replay_dump(io->out, h, f.data, f.len);
			while (xdpvs_engine_tx_next(r->e, &f));
			break;
		case XDPVS_PASS:
			if (io->pass)
				replay_dump(io->pass, h, data, h->caplen);
			break;
		case XDPVS_DROP:
		case XDPVS_HOLD:	/* a fragment, kept */
			break;
		}
	}
	*last = now;
	return 0;
}

static int replay_print(struct replay *r, uint64_t now)
{
	char buf[64], *argv[8] = { (char *)"ipvsadm" }, *save = NULL;
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_err err;
	int argc = 1;

	snprintf(buf, sizeof(buf), "%s", r->listing);
	for (argv[argc] = strtok_r(buf, " ", &save); argv[argc] && argc < 7;
	     argv[argc] = strtok_r(NULL, " ", &save))
		argc++;
	xdpvs_engine_tick(r->e, now);
	if (xdpvs_ctl_parse(argc, argv, &cmd, &err) < 0 ||
	    xdpvs_ctl_list(r->e, &cmd, now, stdout, &err) < 0) {
		fprintf(stderr, "xdpvs-replay: %s\n", err.msg);
		return -1;
	}
	if (r->drops) {
		uint64_t d[XDPVS_DROP_MAX];
		int i;

		xdpvs_drops(r->e, d);
		for (i = 0; i < XDPVS_DROP_MAX; i++)
			if (d[i])
				printf("drop %s %llu\n",
				       xdpvs_drop_name((enum xdpvs_drop)i),
				       (unsigned long long)d[i]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct replay r = { .listing = "-Ln --stats", .seed = 1 };
	struct xdpvs_engine_params p = { 0 };
	struct replay_io io;
	uint64_t now;
	int rc = 1;

	replay_env_init(&r.env);
	if (replay_parse_args(&r, argc, argv))
		return 2;
	p.conn_max = r.conn_max ? r.conn_max : 65536;
	p.seed = r.seed;
	p.env.route = replay_env_route;
	p.env.ctx = &r.env;
	r.e = xdpvs_engine_new(&p);
	if (!r.e) {
		fprintf(stderr, "xdpvs-replay: out of memory\n");
		return 1;
	}
	if (replay_configure(&r)) {
		rc = 2;
		goto out_engine;
	}
	if (replay_open(&r, &io))
		goto out;
	if (replay_run(&r, &io, &now) == 0 && replay_print(&r, now) == 0)
		rc = 0;
out:
	replay_close(&io);
out_engine:
	replay_schedule_free(&r.sched);
	xdpvs_engine_free(r.e);
	return rc;
}
