/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xdpvs-decap: attach, detach and read the counters of bpf/decap.bpf.c, the
 * XDP program that lets a real server of a tunnel-mode service (ipvsadm -i,
 * --tun-type ipip|gue|gre) take the director's packets without the kernel's
 * tunnel modules.  Attaching goes through libxdp, so the program shares an
 * interface with other XDP programs (libxdp's dispatcher, when bpffs is
 * mounted) and stays attached after this process exits; -f keeps it in the
 * foreground and detaches on SIGINT or SIGTERM.  Counters are read through
 * the attached program's own map, found by name from the program's id, so
 * nothing needs pinning.
 *
 * A libbpf-bootstrap loader: the skeleton is opened, its settings written,
 * libxdp loads and attaches it; one cleanup path.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include <xdpvs/decap.h>

#include "bpf/decap.skel.h"

#define DECAP_MAX_IFACES 16

enum decap_cmd { DECAP_ATTACH, DECAP_DETACH, DECAP_STATS };
enum decap_log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG, LOG_VERBOSE };

struct decap_opts {
	enum decap_cmd cmd;
	enum xdp_attach_mode mode;
	bool foreground;
	const char *ifaces[DECAP_MAX_IFACES];
	int ifindex[DECAP_MAX_IFACES];
	int nr_ifaces;
	__u16 gue_ports[XDPVS_DECAP_MAX_GUE_PORTS];
	int nr_gue_ports;
	struct xdpvs_decap_addr addrs[XDPVS_DECAP_MAX_ADDRS];
	int nr_addrs;
};

/* One interface this run attached to. */
struct decap_link {
	struct decap_bpf *skel;
	struct xdp_program *prog;
};

static const char *const decap_stat_names[] = {
	[XDPVS_DECAP_IPIP] = "ipip",
	[XDPVS_DECAP_IP6IP6] = "ip6ip6",
	[XDPVS_DECAP_IP4IN6] = "ip4in6",
	[XDPVS_DECAP_IP6IN4] = "ip6in4",
	[XDPVS_DECAP_GUE] = "gue",
	[XDPVS_DECAP_GRE] = "gre",
	[XDPVS_DECAP_NOT_LOCAL] = "not-local",
	[XDPVS_DECAP_FRAGMENT] = "fragment",
	[XDPVS_DECAP_MALFORMED] = "malformed",
	[XDPVS_DECAP_UNSUPPORTED] = "unsupported",
	[XDPVS_DECAP_BAD_CSUM] = "bad-csum",
	[XDPVS_DECAP_ECN_DROP] = "ecn-drop",
	[XDPVS_DECAP_ERROR] = "error",
};
_Static_assert(sizeof(decap_stat_names) / sizeof(decap_stat_names[0]) ==
	       XDPVS_DECAP_STAT_MAX, "a name for every counter");

static enum decap_log_level log_level = LOG_INFO;

static void log_v(enum decap_log_level level, int err, const char *fmt,
		  va_list ap)
{
	if (level > log_level)
		return;
	fputs("xdpvs-decap: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (err)
		fprintf(stderr, ": %s", strerror(-err));
	fputc('\n', stderr);
}

__attribute__((format(printf, 1, 2)))
static void log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(LOG_ERR, 0, fmt, ap);
	va_end(ap);
}

/* log_err() with strerror(-err) appended. */
__attribute__((format(printf, 2, 3)))
static void log_err_r(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_v(LOG_ERR, err, fmt, ap);
	va_end(ap);
}

/* libbpf and libxdp messages, one level lower than they say. */
static int decap_libbpf_print(enum libbpf_print_level level, const char *fmt,
			      va_list ap)
{
	if ((int)level + LOG_INFO > (int)log_level)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static int decap_libxdp_print(enum libxdp_print_level level, const char *fmt,
			      va_list ap)
{
	if ((int)level + LOG_INFO > (int)log_level)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void usage(FILE *f)
{
	fputs("Usage: xdpvs-decap [OPTIONS] -i IFACE [-i IFACE]...\n"
	      "Strip IPIP, IPv6-in-IPv6 (and mixed), GUE and GRE tunnel headers in\n"
	      "XDP, so a tunnel-mode real server's stack sees the inner packet.\n"
	      "\n"
	      "  -i, --iface IFACE     interface to act on (repeatable)\n"
	      "  -p, --gue-port PORT   decapsulate GUE on this UDP port (repeatable)\n"
	      "  -a, --addr IP         only for this outer destination (repeatable;\n"
	      "                        default: any destination)\n"
	      "  -m, --mode MODE       native (default) or skb\n"
	      "  -f, --foreground      stay attached until SIGINT/SIGTERM, then detach\n"
	      "  -d, --detach          detach xdpvs-decap from the interfaces\n"
	      "  -s, --stats           print the counters of the attached program\n"
	      "  -v, --verbose         more messages (twice: libbpf/libxdp debug)\n"
	      "  -q, --quiet           errors only\n"
	      "  -h, --help            this text\n", f);
}

/* Parse a UDP port 1..65535 into *port; -EINVAL if it is not one. */
static int parse_port(const char *s, __u16 *port)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > 65535)
		return -EINVAL;
	*port = (__u16)v;
	return 0;
}

/* Parse an IPv4 or IPv6 address into a map key; -EINVAL if it is neither. */
static int parse_addr(const char *s, struct xdpvs_decap_addr *key)
{
	memset(key, 0, sizeof(*key));
	if (inet_pton(AF_INET, s, &key->addr.ip) == 1) {
		key->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, key->addr.ip6) == 1) {
		key->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

/* Parse argv into o; returns 0, or 2 (usage error) after saying why. */
static int parse_args(int argc, char **argv, struct decap_opts *o)
{
	static const struct option longopts[] = {
		{ "iface", required_argument, NULL, 'i' },
		{ "gue-port", required_argument, NULL, 'p' },
		{ "addr", required_argument, NULL, 'a' },
		{ "mode", required_argument, NULL, 'm' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "detach", no_argument, NULL, 'd' },
		{ "stats", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->cmd = DECAP_ATTACH;
	o->mode = XDP_MODE_NATIVE;
	while ((c = getopt_long(argc, argv, "i:p:a:m:fdsvqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (o->nr_ifaces == DECAP_MAX_IFACES) {
				log_err("at most %d interfaces", DECAP_MAX_IFACES);
				return 2;
			}
			o->ifaces[o->nr_ifaces++] = optarg;
			break;
		case 'p':
			if (o->nr_gue_ports == XDPVS_DECAP_MAX_GUE_PORTS) {
				log_err("at most %d GUE ports", XDPVS_DECAP_MAX_GUE_PORTS);
				return 2;
			}
			if (parse_port(optarg, &o->gue_ports[o->nr_gue_ports++])) {
				log_err("invalid GUE port '%s' (1-65535)", optarg);
				return 2;
			}
			break;
		case 'a':
			if (o->nr_addrs == XDPVS_DECAP_MAX_ADDRS) {
				log_err("at most %d addresses", XDPVS_DECAP_MAX_ADDRS);
				return 2;
			}
			if (parse_addr(optarg, &o->addrs[o->nr_addrs++])) {
				log_err("invalid address '%s'", optarg);
				return 2;
			}
			break;
		case 'm':
			if (!strcmp(optarg, "native")) {
				o->mode = XDP_MODE_NATIVE;
			} else if (!strcmp(optarg, "skb")) {
				o->mode = XDP_MODE_SKB;
			} else {
				log_err("invalid mode '%s' (native or skb)", optarg);
				return 2;
			}
			break;
		case 'f': o->foreground = true; break;
		case 'd': o->cmd = DECAP_DETACH; break;
		case 's': o->cmd = DECAP_STATS; break;
		case 'v': log_level += log_level < LOG_VERBOSE; break;
		case 'q': log_level = LOG_ERR; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		log_err("unexpected argument '%s'", argv[optind]);
		return 2;
	}
	if (!o->nr_ifaces) {
		log_err("no interface given (-i IFACE)");
		return 2;
	}
	return 0;
}

/* Resolve every interface name; -ENODEV after naming the missing one. */
static int resolve_ifaces(struct decap_opts *o)
{
	int i;

	for (i = 0; i < o->nr_ifaces; i++) {
		o->ifindex[i] = (int)if_nametoindex(o->ifaces[i]);
		if (!o->ifindex[i]) {
			log_err_r(-errno, "interface %s", o->ifaces[i]);
			return -ENODEV;
		}
	}
	return 0;
}

/* The mode name as the CLI spells it. */
static const char *mode_name(enum xdp_attach_mode mode)
{
	switch (mode) {
	case XDP_MODE_NATIVE: return "native";
	case XDP_MODE_SKB: return "skb";
	case XDP_MODE_HW: return "hw";
	default: return "unknown";
	}
}

/*
 * Return our program among those attached to ifindex (owned by *mp, which
 * the caller closes), or NULL with *mp NULL when there is none.
 */
static struct xdp_program *find_decap(int ifindex, struct xdp_multiprog **mp)
{
	struct xdp_program *p = NULL;

	*mp = xdp_multiprog__get_from_ifindex(ifindex);
	if (libxdp_get_error(*mp)) {
		*mp = NULL;
		return NULL;
	}
	if (xdp_multiprog__is_legacy(*mp))
		p = xdp_multiprog__main_prog(*mp);
	else
		p = xdp_multiprog__next_prog(NULL, *mp);
	for (; p; p = xdp_multiprog__next_prog(p, *mp)) {
		if (!strcmp(xdp_program__name(p), XDPVS_DECAP_PROG_NAME))
			return p;
		if (xdp_multiprog__is_legacy(*mp))
			break;
	}
	xdp_multiprog__close(*mp);
	*mp = NULL;
	return NULL;
}

/* Describe what an attached program does, for the attach message. */
static void describe(const struct decap_opts *o, char *buf, size_t size)
{
	size_t n;
	int i;

	n = (size_t)snprintf(buf, size, "ipip, ip6ip6, ip4in6, ip6in4, gre");
	for (i = 0; i < o->nr_gue_ports && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%u",
				      i ? "," : ", gue port ", o->gue_ports[i]);
	if (n < size)
		snprintf(buf + n, size - n, o->nr_addrs ?
			 "; outer destinations: %d listed" :
			 "; any outer destination", o->nr_addrs);
}

/*
 * Open, set up and attach one instance of the program to ifindex; fill l.
 * Returns 0 or -errno after saying what failed.
 */
static int attach_one(const struct decap_opts *o, const char *ifname,
		      int ifindex, struct decap_link *l)
{
	struct decap_bpf *skel;
	struct xdp_program *prog;
	__u8 one = 1;
	int i, err;

	skel = decap_bpf__open();
	if (!skel) {
		err = -errno;
		log_err_r(err, "%s: cannot open the BPF object", ifname);
		return err;
	}
	for (i = 0; i < o->nr_gue_ports; i++)
		skel->rodata->cfg_gue_ports[i] = o->gue_ports[i];
	skel->rodata->cfg_nr_gue_ports = (__u32)o->nr_gue_ports;
	skel->rodata->cfg_match_addr = o->nr_addrs > 0;

	prog = xdp_program__from_bpf_obj(skel->obj, "xdp.frags");
	err = (int)libxdp_get_error(prog);
	if (err) {
		log_err_r(err, "%s: libxdp cannot use the BPF object", ifname);
		goto err_skel;
	}
	err = xdp_program__attach(prog, ifindex, o->mode, 0);
	if (err) {
		log_err_r(err, "%s: cannot attach in %s mode (libxdp)", ifname,
			  mode_name(o->mode));
		goto err_prog;
	}
	/* Until this is filled (microseconds), nothing is decapsulated. */
	for (i = 0; i < o->nr_addrs; i++) {
		err = bpf_map__update_elem(skel->maps.xdpvs_decap_ad, &o->addrs[i],
					   sizeof(o->addrs[i]), &one, sizeof(one),
					   BPF_ANY);
		if (err) {
			log_err_r(err, "%s: cannot fill the address map", ifname);
			goto err_detach;
		}
	}
	l->skel = skel;
	l->prog = prog;
	return 0;

err_detach:
	xdp_program__detach(prog, ifindex, o->mode, 0);
err_prog:
	xdp_program__close(prog);
err_skel:
	decap_bpf__destroy(skel);
	return err;
}

/* Detach (when ifindex > 0) and free what attach_one() made. */
static void release_one(struct decap_link *l, int ifindex,
			enum xdp_attach_mode mode)
{
	int err;

	if (ifindex > 0) {
		err = xdp_program__detach(l->prog, ifindex, mode, 0);
		if (err)
			log_err_r(err, "ifindex %d: cannot detach", ifindex);
	}
	xdp_program__close(l->prog);
	decap_bpf__destroy(l->skel);
	l->prog = NULL;
	l->skel = NULL;
}

/*
 * Attach to every interface, all or nothing; with -f wait for a signal and
 * detach.  Returns the exit status.
 */
static int cmd_attach(struct decap_opts *o)
{
	struct decap_link links[DECAP_MAX_IFACES] = {};
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	char what[256];
	sigset_t sigs;
	int i, n = 0, sig, ret = 1;
	bool detach = false;

	for (i = 0; i < o->nr_ifaces; i++) {
		p = find_decap(o->ifindex[i], &mp);
		if (p) {
			log_err("%s: already attached (program id %u); use --detach first",
				o->ifaces[i], xdp_program__id(p));
			xdp_multiprog__close(mp);
			return 1;
		}
	}
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	if (o->foreground)
		sigprocmask(SIG_BLOCK, &sigs, NULL);
	describe(o, what, sizeof(what));
	for (n = 0; n < o->nr_ifaces; n++) {
		if (attach_one(o, o->ifaces[n], o->ifindex[n], &links[n]))
			goto out;
		printf("xdpvs-decap: attached to %s (%s mode, program id %u): %s\n",
		       o->ifaces[n], mode_name(o->mode),
		       xdp_program__id(links[n].prog), what);
	}
	fflush(stdout);
	ret = 0;
	if (o->foreground) {
		if (sigwait(&sigs, &sig) == 0)
			printf("xdpvs-decap: %s, detaching\n", strsignal(sig));
		detach = true;
	}
out:
	/* Success without -f leaves the programs attached. */
	for (i = 0; i < n; i++)
		release_one(&links[i], ret || detach ? o->ifindex[i] : 0, o->mode);
	return ret;
}

/* Detach our program from every interface.  Returns the exit status. */
static int cmd_detach(const struct decap_opts *o)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	int i, err, ret = 0;
	__u32 id;

	for (i = 0; i < o->nr_ifaces; i++) {
		p = find_decap(o->ifindex[i], &mp);
		if (!p) {
			log_err("%s: xdpvs-decap is not attached", o->ifaces[i]);
			ret = 1;
			continue;
		}
		id = xdp_program__id(p);
		err = xdp_program__detach(p, o->ifindex[i],
					  xdp_multiprog__attach_mode(mp), 0);
		if (err) {
			log_err_r(err, "%s: cannot detach program id %u (libxdp)",
				  o->ifaces[i], id);
			ret = 1;
		} else {
			printf("xdpvs-decap: detached from %s (program id %u)\n",
			       o->ifaces[i], id);
		}
		xdp_multiprog__close(mp);
	}
	return ret;
}

/*
 * Return a new fd of the map called name used by program fd prog_fd, or
 * -errno (-ENOENT if it has none by that name).
 */
static int prog_map_fd(int prog_fd, const char *name)
{
	struct bpf_prog_info pinfo = {};
	struct bpf_map_info minfo;
	__u32 len = sizeof(pinfo), ids[16], i;
	int fd, err;

	pinfo.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	pinfo.map_ids = (__u64)(unsigned long)ids;
	err = bpf_obj_get_info_by_fd(prog_fd, &pinfo, &len);
	if (err)
		return err;
	for (i = 0; i < pinfo.nr_map_ids && i < sizeof(ids) / sizeof(ids[0]); i++) {
		fd = bpf_map_get_fd_by_id(ids[i]);
		if (fd < 0)
			continue;
		memset(&minfo, 0, sizeof(minfo));
		len = sizeof(minfo);
		if (!bpf_obj_get_info_by_fd(fd, &minfo, &len) &&
		    !strcmp(minfo.name, name))
			return fd;
		close(fd);
	}
	return -ENOENT;
}

/* Print one interface's counters; 0, or -errno after saying why not. */
static int print_stats(const char *ifname, int ifindex)
{
	struct xdpvs_decap_counter *v = NULL, sum;
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	int ncpu, fd, err, c;
	__u32 k;

	p = find_decap(ifindex, &mp);
	if (!p) {
		log_err("%s: xdpvs-decap is not attached", ifname);
		return -ENOENT;
	}
	fd = prog_map_fd(xdp_program__fd(p), XDPVS_DECAP_STATS_MAP);
	if (fd < 0) {
		err = fd;
		log_err_r(err, "%s: program id %u: no map %s", ifname,
			  xdp_program__id(p), XDPVS_DECAP_STATS_MAP);
		goto out;
	}
	ncpu = libbpf_num_possible_cpus();
	v = ncpu > 0 ? calloc((size_t)ncpu, sizeof(*v)) : NULL;
	err = v ? 0 : -ENOMEM;
	if (err) {
		log_err_r(err, "%s: counters", ifname);
		goto out;
	}
	printf("%s: program id %u, %s mode\n", ifname, xdp_program__id(p),
	       mode_name(xdp_multiprog__attach_mode(mp)));
	printf("  %-12s %20s %20s\n", "counter", "packets", "bytes");
	for (k = 0; k < XDPVS_DECAP_STAT_MAX; k++) {
		err = bpf_map_lookup_elem(fd, &k, v);
		if (err) {
			log_err_r(-errno, "%s: counter %s", ifname,
				  decap_stat_names[k]);
			goto out;
		}
		memset(&sum, 0, sizeof(sum));
		for (c = 0; c < ncpu; c++) {
			sum.packets += v[c].packets;
			sum.bytes += v[c].bytes;
		}
		printf("  %-12s %20llu %20llu\n", decap_stat_names[k],
		       (unsigned long long)sum.packets,
		       (unsigned long long)sum.bytes);
	}
out:
	free(v);
	if (fd >= 0)
		close(fd);
	xdp_multiprog__close(mp);
	return err;
}

int main(int argc, char **argv)
{
	struct decap_opts o = {};
	int i, ret;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret;
	libbpf_set_print(decap_libbpf_print);
	libxdp_set_print(decap_libxdp_print);
	if (resolve_ifaces(&o))
		return 1;
	switch (o.cmd) {
	case DECAP_DETACH:
		return cmd_detach(&o);
	case DECAP_STATS:
		for (i = 0; i < o.nr_ifaces; i++)
			ret |= print_stats(o.ifaces[i], o.ifindex[i]) ? 1 : 0;
		return ret;
	default:
		return cmd_attach(&o);
	}
}
