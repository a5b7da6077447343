// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench/xdp/xbench.c: the benchmark's XDP helper, run inside the lab's
 * namespaces (nsenter --net=...).
 *
 *   xbench ceiling IN=OUT/DMAC[,OUT/DMAC...]...
 *                                  attach ceiling.bpf.c: frames arriving on
 *                                  IN leave through OUT to DMAC (several:
 *                                  spread by source address)
 *   xbench sink IFACE...           attach sink.bpf.c (drops UDP to port 9)
 *   xbench sink --with IFACE...    add sink.bpf.c to the program attached
 *                                  to IFACE (xdpvs-decap): behind it in
 *                                  libxdp's dispatcher, else in front of
 *                                  it, passing it what the sink keeps
 *   xbench detach IFACE...         remove whatever XDP program is attached
 *   xbench detach --with IFACE...  take out the sink of sink --with, the
 *                                  program it was added to staying
 *   xbench gen [options] IFACE     generate 64-byte UDP frames with
 *                                  gen.bpf.c (BPF_PROG_RUN, live frames),
 *                                  as fast as it goes or -r PPS
 *
 * Programs are attached in native mode and stay attached when xbench
 * exits (the lab removes them, or they go with the namespace); libxdp's
 * dispatcher needs its bpffs (LIBXDP_BPFFS: the lab mounts its own).  gen
 * prints "sent PACKETS SECONDS" when its time is up.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include <xdp/xdp_helpers.h>

#include "bench/xdp/xbench.h"
#include "bench/xdp/ceiling.skel.h"
#include "bench/xdp/gen.skel.h"
#include "bench/xdp/sink.skel.h"

#define XB_ATTACH_FLAGS (XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST)

/*
 * sink --with, behind a dispatcher: libxdp's dispatcher runs its programs
 * by increasing run priority, the next one only when the one before
 * returned one of its chain call actions (XDP_PASS by default).
 * xdpvs-decap keeps libxdp's default priority, so the sink, above it,
 * gets the packets decap passes on: the inner packet of a tunnel.
 */
#define XB_SINK_RUN_PRIO (XDP_DEFAULT_RUN_PRIO + 50)
#define XB_SINK_PROG "xb_sink"
#define XB_FRONT_PROG "xb_sink_front"

static volatile sig_atomic_t xb_stop;

static void xb_on_signal(int sig)
{
	(void)sig;
	xb_stop = 1;
}

/* Returns the ifindex of NAME, or 0 after saying why. */
static unsigned int xb_ifindex(const char *name)
{
	unsigned int i = if_nametoindex(name);

	if (!i)
		fprintf(stderr, "xbench: %s: %s\n", name, strerror(errno));
	return i;
}

/* Reads NAME's MAC address into mac; 0 or -errno. */
static int xb_ifmac(const char *name, __u8 mac[6])
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), err = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		err = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return err;
}

/* Parses "aa:bb:cc:dd:ee:ff"; 0 or -EINVAL. */
static int xb_parse_mac(const char *s, __u8 mac[6])
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++)
		mac[i] = (__u8)b[i];
	return 0;
}

static int xb_attach(int prog_fd, unsigned int ifindex, const char *name)
{
	int err = bpf_xdp_attach((int)ifindex, prog_fd, XB_ATTACH_FLAGS, NULL);

	if (err)
		fprintf(stderr, "xbench: attach to %s: %s\n", name,
			strerror(-err));
	return err;
}

/* One way out "OUT/DMAC" of a ceiling rule into way i of port and the
 * devmap's slot; 0 or -errno. */
static int xb_ceiling_way(struct ceiling_bpf *skel, const char *way,
			  struct xb_ceil_port *port, __u32 i, __u32 slot)
{
	char out[IF_NAMESIZE], dmac[32];
	__u32 out_idx;

	if (sscanf(way, "%15[^/]/%31s", out, dmac) != 2 ||
	    xb_parse_mac(dmac, port->way[i].dmac))
		return -EINVAL;
	out_idx = xb_ifindex(out);
	if (!out_idx || xb_ifmac(out, port->way[i].smac))
		return -ENODEV;
	if (bpf_map__update_elem(skel->maps.xb_ceil_tx, &slot, sizeof(slot),
				 &out_idx, sizeof(out_idx), BPF_ANY))
		return -errno;
	return 0;
}

/* One ceiling rule "IN=OUT/DMAC[,OUT/DMAC...]" into the maps from devmap
 * slot *slot on (advanced past its ways); attaches to IN. */
static int xb_ceiling_rule(struct ceiling_bpf *skel, const char *rule,
			   __u32 *slot)
{
	struct xb_ceil_port port = { .tx_slot = *slot };
	char in[IF_NAMESIZE], ways[256], *w, *save = NULL;
	__u32 in_idx;
	int err = 0;

	if (sscanf(rule, "%15[^=]=%255s", in, ways) != 2)
		err = -EINVAL;
	for (w = err ? NULL : strtok_r(ways, ",", &save); w && !err;
	     w = strtok_r(NULL, ",", &save)) {
		if (port.n == XB_CEIL_FAN || *slot == XB_MAX_PORTS)
			err = -E2BIG;
		else
			err = xb_ceiling_way(skel, w, &port, port.n++,
					     (*slot)++);
	}
	if (!err && !port.n)
		err = -EINVAL;
	in_idx = err ? 0 : xb_ifindex(in);
	if (!err && !in_idx)
		err = -ENODEV;
	if (!err && bpf_map__update_elem(skel->maps.xb_ceil_ports, &in_idx,
					 sizeof(in_idx), &port, sizeof(port),
					 BPF_NOEXIST))
		err = -errno;
	if (err) {
		fprintf(stderr, "xbench: rule `%s' (IN=OUT/MAC[,OUT/MAC...]): %s\n",
			rule, strerror(-err));
		return err;
	}
	return xb_attach(bpf_program__fd(skel->progs.xb_ceiling), in_idx, in);
}

static int xb_ceiling(int argc, char **argv)
{
	struct ceiling_bpf *skel;
	__u32 slot = 0;
	int i, err = 0;

	if (argc < 1 || argc > XB_MAX_PORTS) {
		fprintf(stderr,
			"xbench ceiling IN=OUT/DMAC[,OUT/DMAC...]... (1-%d)\n",
			XB_MAX_PORTS);
		return 2;
	}
	skel = ceiling_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "xbench: ceiling: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < argc && !err; i++)
		err = xb_ceiling_rule(skel, argv[i], &slot);
	ceiling_bpf__destroy(skel);
	return err ? 1 : 0;
}

/* sink --with where the hook has libxdp's dispatcher: a sink of its own
 * (libxdp loads one object per interface) joins it behind the programs
 * there; 0 or -errno. */
static int xb_with_behind(unsigned int ifindex)
{
	struct sink_bpf *skel = sink_bpf__open();
	DECLARE_LIBXDP_OPTS(xdp_program_opts, opts, .prog_name = XB_SINK_PROG);
	struct xdp_program *prog;
	int err;

	if (!skel)
		return -errno;
	bpf_program__set_autoload(skel->progs.xb_sink_front, false);
	opts.obj = skel->obj;
	prog = xdp_program__create(&opts);
	err = (int)libxdp_get_error(prog);
	if (!err) {
		err = xdp_program__set_run_prio(prog, XB_SINK_RUN_PRIO);
		if (!err)
			err = xdp_program__attach(prog, (int)ifindex,
						  XDP_MODE_NATIVE, 0);
		xdp_program__close(prog);
	}
	sink_bpf__destroy(skel);
	return err;
}

/* The id of program fd, 0 if it cannot be read. */
static __u32 xb_prog_id(int fd)
{
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

/* Where the xb_sink_next of front sink prog_id is pinned: a prog array
 * empties when its last user reference (fd or pin) goes, and xbench does
 * not stay.  In libxdp's bpffs (the lab's own), named by the globally
 * unique program id. */
static void xb_next_pin(__u32 prog_id, char *path, size_t size)
{
	const char *fs = getenv("LIBXDP_BPFFS");

	snprintf(path, size, "%s/xbench-sink-next-%u",
		 fs && *fs ? fs : "/sys/fs/bpf", prog_id);
}

/* sink --with where one program holds the hook (libxdp's legacy mode:
 * the kernel cannot run its dispatcher): the sink takes its place, in
 * one step, with it in xb_sink_next; 0 or -errno. */
static int xb_with_front(unsigned int ifindex, __u32 prog_id)
{
	struct sink_bpf *skel = sink_bpf__open_and_load();
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	char pin[PATH_MAX];
	__u32 slot = 0;
	int front, next, err;

	if (!skel)
		return -errno;
	front = bpf_program__fd(skel->progs.xb_sink_front);
	xb_next_pin(xb_prog_id(front), pin, sizeof(pin));
	next = bpf_prog_get_fd_by_id(prog_id);
	err = next < 0 ? -errno : 0;
	if (!err)
		err = bpf_map__update_elem(skel->maps.xb_sink_next, &slot,
					   sizeof(slot), &next, sizeof(next),
					   BPF_ANY);
	if (!err)
		err = bpf_map__pin(skel->maps.xb_sink_next, pin);
	opts.old_prog_fd = next;
	if (!err) {
		err = bpf_xdp_attach((int)ifindex, front,
				     XDP_FLAGS_DRV_MODE | XDP_FLAGS_REPLACE,
				     &opts);
		if (err)
			unlink(pin);
	}
	if (next >= 0)
		close(next);
	sink_bpf__destroy(skel);
	return err;
}

/* The name of the program alone on ifindex's hook, "" for libxdp's
 * dispatcher; its id in *id.  0, or -errno (-ENOENT: no program). */
static int xb_hook(unsigned int ifindex, char name[BPF_OBJ_NAME_LEN],
		   __u32 *id)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex((int)ifindex);
	struct xdp_program *main_prog;
	int err = (int)libxdp_get_error(mp);

	if (err)
		return err;
	main_prog = xdp_multiprog__main_prog(mp);
	name[0] = '\0';
	*id = main_prog ? xdp_program__id(main_prog) : 0;
	if (!main_prog)
		err = -ENOENT;
	else if (xdp_multiprog__is_legacy(mp))
		snprintf(name, BPF_OBJ_NAME_LEN, "%s",
			 xdp_program__name(main_prog));
	xdp_multiprog__close(mp);
	return err;
}

/* sink --with on one interface; 0 or -errno after saying why not. */
static int xb_sink_with(unsigned int ifindex, const char *ifname)
{
	char name[BPF_OBJ_NAME_LEN];
	__u32 id;
	int err = xb_hook(ifindex, name, &id);

	if (!err && (!strcmp(name, XB_SINK_PROG) ||
		     !strcmp(name, XB_FRONT_PROG)))
		err = -EEXIST;
	else if (!err)
		err = name[0] ? xb_with_front(ifindex, id)
			      : xb_with_behind(ifindex);
	if (err)
		fprintf(stderr, "xbench: add the sink to %s's program: %s\n",
			ifname, strerror(-err));
	return err;
}

/* Whether argv starts with --with: then it is taken off. */
static int xb_with(int *argc, char ***argv)
{
	if (*argc < 1 || strcmp((*argv)[0], "--with"))
		return 0;
	(*argc)--;
	(*argv)++;
	return 1;
}

static int xb_sink(int argc, char **argv)
{
	int with = xb_with(&argc, &argv);
	struct sink_bpf *skel = with ? NULL : sink_bpf__open_and_load();
	int i, err = 0;

	if (!with && !skel) {
		fprintf(stderr, "xbench: sink: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < argc && !err; i++) {
		unsigned int idx = xb_ifindex(argv[i]);

		if (!idx)
			err = -ENODEV;
		else if (with)
			err = xb_sink_with(idx, argv[i]);
		else
			err = xb_attach(bpf_program__fd(skel->progs.xb_sink),
					idx, argv[i]);
	}
	sink_bpf__destroy(skel);
	return err ? 1 : 0;
}

/* detach --with, front: the program in the pinned xb_sink_next of the
 * sink front_id takes the hook back, in one step; 0 or -errno. */
static int xb_unfront(unsigned int ifindex, __u32 front_id)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	int front = bpf_prog_get_fd_by_id(front_id), map = -1, next = -1;
	__u32 slot = 0, next_id;
	char pin[PATH_MAX];
	int err = front < 0 ? -errno : 0;

	xb_next_pin(front_id, pin, sizeof(pin));
	if (!err) {
		map = bpf_obj_get(pin);
		err = map < 0 ? -errno : 0;
	}
	if (!err && bpf_map_lookup_elem(map, &slot, &next_id))
		err = -errno;
	if (!err) {
		next = bpf_prog_get_fd_by_id(next_id);
		err = next < 0 ? -errno : 0;
	}
	opts.old_prog_fd = front;
	if (!err)
		err = bpf_xdp_attach((int)ifindex, next,
				     XDP_FLAGS_DRV_MODE | XDP_FLAGS_REPLACE,
				     &opts);
	if (!err)
		unlink(pin);
	if (next >= 0)
		close(next);
	if (map >= 0)
		close(map);
	if (front >= 0)
		close(front);
	return err;
}

/* detach --with, behind: the sink leaves libxdp's dispatcher; 0 or
 * -errno. */
static int xb_unbehind(unsigned int ifindex)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex((int)ifindex);
	struct xdp_program *p;
	int err = (int)libxdp_get_error(mp);

	if (err)
		return err;
	for (p = xdp_multiprog__next_prog(NULL, mp);
	     p && strcmp(xdp_program__name(p), XB_SINK_PROG);
	     p = xdp_multiprog__next_prog(p, mp))
		;
	err = p ? xdp_program__detach(p, (int)ifindex,
				      xdp_multiprog__attach_mode(mp), 0)
		: -ENOENT;
	xdp_multiprog__close(mp);
	return err;
}

/* detach --with on one interface; 0 or -errno after saying why not. */
static int xb_detach_with(unsigned int ifindex, const char *ifname)
{
	char name[BPF_OBJ_NAME_LEN];
	__u32 id;
	int err = xb_hook(ifindex, name, &id);

	if (!err && !name[0])
		err = xb_unbehind(ifindex);
	else if (!err)
		err = strcmp(name, XB_FRONT_PROG) ? -ENOENT
						  : xb_unfront(ifindex, id);
	if (err)
		fprintf(stderr, "xbench: take the sink out of %s: %s\n",
			ifname, strerror(-err));
	return err;
}

static int xb_detach(int argc, char **argv)
{
	int with = xb_with(&argc, &argv);
	int i, rc = 0;

	for (i = 0; i < argc; i++) {
		unsigned int idx = xb_ifindex(argv[i]);

		if (!idx)
			rc = 1;
		else if (with ? xb_detach_with(idx, argv[i])
			      : bpf_xdp_detach((int)idx, XDP_FLAGS_DRV_MODE,
					       NULL))
			rc = 1;
	}
	return rc;
}

struct xb_gen_opts {
	const char *ifname;
	__u8 smac[6], dmac[6];
	__u32 saddr, daddr;	/* host order */
	__u16 sport, dport;
	__u32 nflows;
	__u32 pps;		/* 0: as fast as it goes */
	double seconds;
};

/* The one's complement sum of len bytes (big-endian words), folded. */
static __u32 xb_sum(const __u8 *p, size_t len, __u32 s)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (__u32)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (__u32)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* Builds the template frame (source address and port zero: the program
 * writes them) and the partial checksums the program completes. */
static void xb_gen_template(const struct xb_gen_opts *o, __u8 *f,
			    __u16 *ip_sum0, __u16 *udp_sum0)
{
	__u8 *ip = f + 14, *udp = ip + 20, pseudo[12] = { 0 };
	__u16 ulen = XB_GEN_FRAME_LEN - 14 - 20;
	__u32 d = htonl(o->daddr);

	memset(f, 0, XB_GEN_FRAME_LEN);
	memcpy(f, o->dmac, 6);
	memcpy(f + 6, o->smac, 6);
	f[12] = 0x08;			/* IPv4 */
	ip[0] = 0x45;
	ip[2] = (XB_GEN_FRAME_LEN - 14) >> 8;
	ip[3] = (XB_GEN_FRAME_LEN - 14) & 0xff;
	ip[6] = 0x40;			/* DF */
	ip[8] = 64;			/* TTL */
	ip[9] = 17;			/* UDP */
	memcpy(ip + 16, &d, 4);
	udp[2] = o->dport >> 8;
	udp[3] = o->dport & 0xff;
	udp[4] = ulen >> 8;
	udp[5] = ulen & 0xff;
	memset(udp + 8, 'x', ulen - 8);
	memcpy(pseudo + 4, &d, 4);
	pseudo[9] = 17;
	pseudo[10] = ulen >> 8;
	pseudo[11] = ulen & 0xff;
	*ip_sum0 = (__u16)xb_sum(ip, 20, 0);
	*udp_sum0 = (__u16)xb_sum(udp, ulen, xb_sum(pseudo, 12, 0));
}

static double xb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs the generator until o->seconds have passed or a signal; prints
 * what was sent. */
static int xb_gen_run(const struct xb_gen_opts *o)
{
	__u8 frame[XB_GEN_FRAME_LEN];
	struct xdp_md ctx = { .data_end = XB_GEN_FRAME_LEN };
	LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = frame,
		    .data_size_in = sizeof(frame), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1 << 18,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);
	struct gen_bpf *skel;
	unsigned long long sent = 0;
	double t0, t;
	int err = 0;

	ctx.ingress_ifindex = xb_ifindex(o->ifname);
	if (!ctx.ingress_ifindex)
		return 1;
	skel = gen_bpf__open();
	if (!skel)
		return 1;
	xb_gen_template(o, frame, (__u16 *)&skel->rodata->cfg_ip_sum0,
			(__u16 *)&skel->rodata->cfg_udp_sum0);
	memcpy(skel->bss->gen_hdr, frame, XB_GEN_HDR_LEN);
	skel->rodata->cfg_nflows = o->nflows;
	skel->rodata->cfg_src_base = o->saddr;
	skel->rodata->cfg_src_port = o->sport;
	skel->rodata->cfg_gap_ns = o->pps ? 1000000000ULL / o->pps : 0;
	if (gen_bpf__load(skel)) {
		fprintf(stderr, "xbench: gen: load: %s\n", strerror(errno));
		gen_bpf__destroy(skel);
		return 1;
	}
	t0 = t = xb_now();
	while (!xb_stop && t - t0 < o->seconds) {
		err = bpf_prog_test_run_opts(
			bpf_program__fd(skel->progs.xb_gen), &run);
		if (err) {
			fprintf(stderr, "xbench: gen: run: %s\n",
				strerror(-err));
			break;
		}
		t = xb_now();
	}
	sent = skel->bss->gen_seq;
	printf("sent %llu %.3f\n", sent, t - t0);
	gen_bpf__destroy(skel);
	return err ? 1 : 0;
}

static void xb_gen_usage(void)
{
	fputs("xbench gen -s SRCMAC -d DSTMAC -S SRCADDR -D DSTADDR "
	      "[-P SPORT] [-p DPORT]\n"
	      "           [-n FLOWS] [-r PPS] [-t SECONDS] IFACE\n", stderr);
}

/* Parses one gen option into o; 0 or -EINVAL. */
static int xb_gen_opt(struct xb_gen_opts *o, int c, const char *arg)
{
	struct in_addr a;
	char *end;
	unsigned long v;

	switch (c) {
	case 's':
		return xb_parse_mac(arg, o->smac);
	case 'd':
		return xb_parse_mac(arg, o->dmac);
	case 'S':
	case 'D':
		if (inet_pton(AF_INET, arg, &a) != 1)
			return -EINVAL;
		*(c == 'S' ? &o->saddr : &o->daddr) = ntohl(a.s_addr);
		return 0;
	case 't':
		o->seconds = strtod(arg, &end);
		return *end || o->seconds <= 0 || o->seconds > 3600 ? -EINVAL
								    : 0;
	}
	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || *end || !v || v > UINT32_MAX ||
	    (c != 'n' && c != 'r' && v > 65535))
		return -EINVAL;
	if (c == 'n')
		o->nflows = (__u32)v;
	else if (c == 'r')
		o->pps = (__u32)v;
	else
		*(c == 'P' ? &o->sport : &o->dport) = (__u16)v;
	return 0;
}

static int xb_gen(int argc, char **argv)
{
	struct xb_gen_opts o = { .sport = 10000, .dport = 9, .nflows = 1,
				 .seconds = 5 };
	int c, need = 0;

	optind = 1;
	while ((c = getopt(argc, argv, "s:d:S:D:P:p:n:r:t:")) != -1) {
		if (c == '?' || xb_gen_opt(&o, c, optarg)) {
			if (c != '?')
				fprintf(stderr, "xbench gen: bad -%c %s\n", c,
					optarg);
			xb_gen_usage();
			return 2;
		}
		need |= c == 's' ? 1 : c == 'd' ? 2 : c == 'S' ? 4 : c == 'D' ? 8 : 0;
	}
	if (need != 15 || optind != argc - 1) {
		xb_gen_usage();
		return 2;
	}
	o.ifname = argv[optind];
	signal(SIGINT, xb_on_signal);
	signal(SIGTERM, xb_on_signal);
	return xb_gen_run(&o);
}

static int xb_libbpf_print(enum libbpf_print_level level, const char *fmt,
			   va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

static int xb_libxdp_print(enum libxdp_print_level level, const char *fmt,
			   va_list ap)
{
	return level != LIBXDP_WARN ? 0 : vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	libbpf_set_print(xb_libbpf_print);
	libxdp_set_print(xb_libxdp_print);
	if (!strcmp(cmd, "ceiling"))
		return xb_ceiling(argc - 2, argv + 2);
	if (!strcmp(cmd, "sink"))
		return xb_sink(argc - 2, argv + 2);
	if (!strcmp(cmd, "detach"))
		return xb_detach(argc - 2, argv + 2);
	if (!strcmp(cmd, "gen"))
		return xb_gen(argc - 1, argv + 1);
	fputs("usage: xbench ceiling IN=OUT/DMAC[,OUT/DMAC...]... | "
	      "sink [--with] IFACE... |\n"
	      "       detach [--with] IFACE... | gen OPTIONS IFACE\n", stderr);
	return 2;
}
