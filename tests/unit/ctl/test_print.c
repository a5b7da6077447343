// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of ctl/print.c and friends: the golden configuration, with the
 * counters, rates and connections the reference system showed after its
 * traffic (tables below, read off tests/data/ctl/ipvsadm-*.txt), printed
 * for each listing command and compared byte for byte with what ipvsadm
 * printed there.  The listing options come from parsing the very command
 * line the reference run used.  Then formats the golden run does not
 * cover (large numbers, tunnels, persistence engines, sorting quirks) and
 * the xdpvs extensions.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <json.h>
#include <netdb.h>
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
#include "ctl/print.h"
#include "golden.h"

/* Counters of a service: conns inpkts outpkts inbytes outbytes, then
 * cps inpps outpps inbps outbps. */
struct golden_svc {
	const char *svc;
	uint64_t st[5];
	uint64_t rt[5];
};

struct golden_dest {
	const char *svc;
	const char *dest;
	uint32_t active, inact, persist;
	uint64_t st[5];
	uint64_t rt[5];
};

struct golden_conn {
	const char *proto;
	unsigned int secs;
	const char *state;
	const char *c, *v, *d;
};

static const struct golden_svc golden_svcs[] = {
	{ "TCP 198.18.100.1:80", { 6, 36, 24, 2376, 2202 }, { 0, 1, 1, 70, 65 } },
	{ "TCP 198.18.100.2:443", { 4, 24, 16, 1600, 1468 }, { 0, 1, 0, 47, 43 } },
	{ "TCP 198.18.100.3:80", { 1, 1, 0, 60, 0 }, { 0, 0, 0, 2, 0 } },
	{ "TCP 198.18.100.4:8080", { 1, 1, 2, 60, 148 }, { 0, 0, 0, 3, 8 } },
	{ "TCP 198.18.100.6:25", { 1, 1, 0, 60, 0 }, { 0, 0, 0, 4, 0 } },
	{ "TCP 198.18.100.7:80", { 1, 6, 4, 396, 367 }, { 0, 1, 0, 37, 34 } },
	{ "TCP 198.18.100.8:80", { 2, 12, 8, 792, 734 }, { 0, 1, 1, 74, 69 } },
	{ "TCP 198.18.100.9:80", { 3, 18, 12, 1188, 1101 }, { 0, 2, 1, 111, 103 } },
	{ "UDP 198.18.100.1:53", { 3, 3, 3, 96, 180 }, { 0, 0, 0, 4, 7 } },
	{ "UDP 198.18.100.2:514", { 2, 2, 0, 64, 0 }, { 0, 0, 0, 3, 0 } },
	{ "TCP [2001:db8:100::1]:80", { 3, 18, 12, 1563, 1341 }, { 0, 1, 1, 82, 71 } },
	{ "UDP [2001:db8:100::1]:53", { 2, 2, 2, 104, 200 }, { 0, 0, 0, 7, 14 } },
	{ "FWM 1", { 2, 12, 8, 792, 734 }, { 0, 1, 0, 42, 39 } },
	{ "FWM 2 IPv6", { 1, 1, 0, 80, 0 }, { 0, 0, 0, 6, 0 } },
};

static const struct golden_dest golden_dests[] = {
	{ "TCP 198.18.100.1:80", "198.18.1.2:80", 0, 3, 0,
	  { 3, 18, 12, 1188, 1101 }, { 0, 1, 0, 35, 33 } },
	{ "TCP 198.18.100.1:80", "198.18.2.2:80", 0, 2, 0,
	  { 2, 12, 8, 792, 734 }, { 0, 0, 0, 23, 22 } },
	{ "TCP 198.18.100.1:80", "198.18.3.2:80", 0, 1, 0,
	  { 1, 6, 4, 396, 367 }, { 0, 0, 0, 12, 11 } },
	{ "TCP 198.18.100.2:443", "198.18.1.2:443", 0, 0, 0,
	  { 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 } },
	{ "TCP 198.18.100.2:443", "198.18.2.2:443", 0, 4, 1,
	  { 4, 24, 16, 1600, 1468 }, { 0, 1, 0, 47, 43 } },
	{ "TCP 198.18.100.3:80", "198.18.1.2:80", 1, 0, 0,
	  { 1, 1, 0, 60, 0 }, { 0, 0, 0, 2, 0 } },
	{ "TCP 198.18.100.3:80", "198.18.2.2:80", 0, 0, 0,
	  { 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 } },
	{ "TCP 198.18.100.4:8080", "198.18.2.2:8080", 0, 0, 0,
	  { 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 } },
	{ "TCP 198.18.100.4:8080", "198.18.3.2:8080", 1, 0, 0,
	  { 1, 1, 2, 60, 148 }, { 0, 0, 0, 3, 8 } },
	{ "TCP 198.18.100.6:25", "198.18.1.2:25", 0, 0, 0,
	  { 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 } },
	{ "TCP 198.18.100.6:25", "198.18.2.2:25", 1, 0, 0,
	  { 1, 1, 0, 60, 0 }, { 0, 0, 0, 4, 0 } },
	{ "TCP 198.18.100.7:80", "198.18.1.2:80", 0, 1, 0,
	  { 1, 6, 4, 396, 367 }, { 0, 1, 0, 37, 34 } },
	{ "TCP 198.18.100.8:80", "198.18.1.2:80", 0, 0, 0,
	  { 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 } },
	{ "TCP 198.18.100.8:80", "198.18.2.2:80", 0, 2, 0,
	  { 2, 12, 8, 792, 734 }, { 0, 1, 1, 74, 69 } },
	{ "TCP 198.18.100.9:80", "198.18.2.2:80", 0, 3, 0,
	  { 3, 18, 12, 1188, 1101 }, { 0, 2, 1, 111, 103 } },
	{ "TCP 198.18.100.9:80", "198.18.3.2:80", 0, 0, 0,
	  { 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 } },
	{ "UDP 198.18.100.1:53", "198.18.1.2:53", 0, 1, 0,
	  { 1, 1, 1, 32, 60 }, { 0, 0, 0, 1, 2 } },
	{ "UDP 198.18.100.1:53", "198.18.2.2:53", 0, 2, 0,
	  { 2, 2, 2, 64, 120 }, { 0, 0, 0, 3, 5 } },
	{ "UDP 198.18.100.2:514", "198.18.3.2:514", 0, 0, 0,
	  { 2, 2, 0, 64, 0 }, { 0, 0, 0, 3, 0 } },
	{ "TCP [2001:db8:100::1]:80", "[2001:db8:1::2]:80", 0, 2, 0,
	  { 2, 12, 8, 1042, 894 }, { 0, 1, 0, 55, 47 } },
	{ "TCP [2001:db8:100::1]:80", "[2001:db8:2::2]:80", 0, 0, 0,
	  { 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 } },
	{ "TCP [2001:db8:100::1]:80", "[2001:db8:3::2]:80", 0, 1, 0,
	  { 1, 6, 4, 521, 447 }, { 0, 0, 0, 27, 24 } },
	{ "UDP [2001:db8:100::1]:53", "[2001:db8:1::2]:53", 0, 0, 0,
	  { 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 } },
	{ "UDP [2001:db8:100::1]:53", "[2001:db8:2::2]:53", 0, 2, 1,
	  { 2, 2, 2, 104, 200 }, { 0, 0, 0, 7, 14 } },
	{ "FWM 1", "198.18.1.2:80", 0, 0, 0,
	  { 0, 0, 0, 0, 0 }, { 0, 0, 0, 0, 0 } },
	{ "FWM 1", "198.18.3.2:80", 0, 2, 1,
	  { 2, 12, 8, 792, 734 }, { 0, 1, 0, 42, 39 } },
	{ "FWM 2 IPv6", "[2001:db8:1::2]:80", 1, 0, 0,
	  { 1, 1, 0, 80, 0 }, { 0, 0, 0, 6, 0 } },
};
static const struct golden_conn golden_conns[] = {
	{ "TCP", 51, "SYN_RECV",
	  "198.18.0.2:20546", "198.18.100.4:8080", "198.18.3.2:8080" },
	{ "TCP", 115, "TIME_WAIT",
	  "198.18.0.2:50198", "198.18.100.8:80", "198.18.2.2:80" },
	{ "TCP", 106, "TIME_WAIT",
	  "198.18.0.2:52050", "198.18.100.1:80", "198.18.3.2:80" },
	{ "TCP", 115, "TIME_WAIT",
	  "198.18.0.2:62020", "198.18.100.9:80", "198.18.2.2:80" },
	{ "TCP", 106, "TIME_WAIT",
	  "198.18.0.2:52092", "198.18.100.1:80", "198.18.1.2:80" },
	{ "TCP", 106, "TIME_WAIT",
	  "198.18.0.2:52076", "198.18.100.1:80", "198.18.1.2:80" },
	{ "TCP", 52, "SYN_RECV",
	  "[2001:db8::2]:9548", "[2001:db8:100::2]:80", "[2001:db8:1::2]:80" },
	{ "UDP", 289, "UDP",
	  "198.18.0.2:40003", "198.18.100.1:53", "198.18.2.2:53" },
	{ "UDP", 112, "NONE",
	  "[2001:db8::]:0", "[2001:db8:100::1]:53", "[2001:db8:2::2]:53" },
	{ "UDP", 292, "UDP",
	  "[2001:db8::2]:40021", "[2001:db8:100::1]:53", "[2001:db8:2::2]:53" },
	{ "TCP", 107, "TIME_WAIT",
	  "198.18.0.2:16350", "198.18.100.2:443", "198.18.2.2:443" },
	{ "TCP", 106, "TIME_WAIT",
	  "198.18.0.2:52100", "198.18.100.1:80", "198.18.2.2:80" },
	{ "TCP", 111, "TIME_WAIT",
	  "198.18.0.2:19414", "198.18.100.5:80", "198.18.3.2:80" },
	{ "UDP", 288, "UDP",
	  "198.18.0.2:40001", "198.18.100.1:53", "198.18.2.2:53" },
	{ "TCP", 53, "SYN_RECV",
	  "198.18.0.2:63826", "198.18.100.6:25", "198.18.2.2:25" },
	{ "TCP", 111, "TIME_WAIT",
	  "[2001:db8::2]:9114", "[2001:db8:100::1]:80", "[2001:db8:1::2]:80" },
	{ "TCP", 111, "TIME_WAIT",
	  "[2001:db8::2]:9118", "[2001:db8:100::1]:80", "[2001:db8:1::2]:80" },
	{ "TCP", 107, "TIME_WAIT",
	  "198.18.0.10:46800", "198.18.100.2:443", "198.18.2.2:443" },
	{ "UDP", 288, "UDP",
	  "198.18.0.2:40002", "198.18.100.1:53", "198.18.1.2:53" },
	{ "TCP", 107, "TIME_WAIT",
	  "198.18.0.2:16338", "198.18.100.2:443", "198.18.2.2:443" },
	{ "TCP", 287, "ASSURED",
	  "198.18.0.0:0", "198.18.100.2:443", "198.18.2.2:443" },
	{ "TCP", 111, "TIME_WAIT",
	  "198.18.0.2:19416", "198.18.100.5:80", "198.18.3.2:80" },
	{ "TCP", 49, "SYN_RECV",
	  "198.18.0.2:32394", "198.18.100.3:80", "198.18.1.2:80" },
	{ "TCP", 115, "TIME_WAIT",
	  "198.18.0.2:50206", "198.18.100.8:80", "198.18.2.2:80" },
	{ "TCP", 107, "TIME_WAIT",
	  "198.18.0.2:16332", "198.18.100.2:443", "198.18.2.2:443" },
	{ "UDP", 292, "UDP",
	  "[2001:db8::2]:40022", "[2001:db8:100::1]:53", "[2001:db8:2::2]:53" },
	{ "TCP", 114, "TIME_WAIT",
	  "198.18.0.2:1024", "198.18.100.7:80", "198.18.1.2:80" },
	{ "TCP", 106, "TIME_WAIT",
	  "198.18.0.2:52062", "198.18.100.1:80", "198.18.2.2:80" },
	{ "TCP", 107, "TIME_WAIT",
	  "198.18.0.2:52108", "198.18.100.1:80", "198.18.1.2:80" },
	{ "TCP", 111, "TIME_WAIT",
	  "[2001:db8::2]:9112", "[2001:db8:100::1]:80", "[2001:db8:3::2]:80" },
	{ "TCP", 115, "TIME_WAIT",
	  "198.18.0.2:62030", "198.18.100.9:80", "198.18.2.2:80" },
	{ "TCP", 115, "TIME_WAIT",
	  "198.18.0.2:62044", "198.18.100.9:80", "198.18.2.2:80" },
	{ "IP", 51, "ASSURED",
	  "198.18.0.2:0", "0.0.0.1:0", "198.18.3.2:0" },
};

static void set_stats(struct xdpvs_stats *s, const uint64_t *v)
{
	s->conns = v[0];
	s->inpkts = v[1];
	s->outpkts = v[2];
	s->inbytes = v[3];
	s->outbytes = v[4];
}

static void set_rates(struct xdpvs_rates *r, const uint64_t *v)
{
	r->cps = v[0];
	r->inpps = v[1];
	r->outpps = v[2];
	r->inbps = v[3];
	r->outbps = v[4];
}

static struct xdpvs_dest_info *find_dest(struct xdpvs_svc_info *s,
					 const char *name)
{
	char a[XDPVS_CTL_ADDRPORT_LEN];
	uint32_t i;

	for (i = 0; i < s->num_dests; i++) {
		const struct xdpvs_dest_conf *d = &s->dests[i].conf;

		xdpvs_ctl_addrport(a, sizeof(a), d->af, &d->addr,
				   ntohs(d->port), 0, XDPVS_CTL_FMT_NUMERIC);
		if (!strcmp(a, name))
			return &s->dests[i];
	}
	return NULL;
}

static struct xdpvs_svc_info *find_svc(struct golden_table *t,
				       const char *label)
{
	char l[96];
	int i;

	for (i = 0; i < t->n; i++) {
		golden_label(l, sizeof(l), &t->svcs[i].conf);
		if (!strcmp(l, label))
			return &t->svcs[i];
	}
	return NULL;
}

/* The golden table after traffic, services in reverse order of creation
 * so that the printer's sorting has work to do. */
static int setup_table(void **state)
{
	static struct golden_table t;
	struct xdpvs_svc_info tmp;
	size_t i;

	if (golden_build(&t))
		return -1;
	for (i = 0; i < (size_t)t.n / 2; i++) {
		tmp = t.svcs[i];
		t.svcs[i] = t.svcs[t.n - 1 - i];
		t.svcs[t.n - 1 - i] = tmp;
	}
	for (i = 0; i < sizeof(golden_svcs) / sizeof(golden_svcs[0]); i++) {
		struct xdpvs_svc_info *s = find_svc(&t, golden_svcs[i].svc);

		if (!s)
			return -1;
		set_stats(&s->stats, golden_svcs[i].st);
		set_rates(&s->rates, golden_svcs[i].rt);
	}
	for (i = 0; i < sizeof(golden_dests) / sizeof(golden_dests[0]); i++) {
		const struct golden_dest *g = &golden_dests[i];
		struct xdpvs_svc_info *s = find_svc(&t, g->svc);
		struct xdpvs_dest_info *d = s ? find_dest(s, g->dest) : NULL;

		if (!d)
			return -1;
		d->activeconns = g->active;
		d->inactconns = g->inact;
		d->persistconns = g->persist;
		set_stats(&d->stats, g->st);
		set_rates(&d->rates, g->rt);
	}
	*state = &t;
	return 0;
}

/* Compare text with a golden file, showing the first line that differs. */
static void assert_text(const char *got, const char *file)
{
	char *want = golden_read(file);
	size_t i, line = 1, start = 0;

	if (!want)
		fail_msg("%s: cannot read", file);
	for (i = 0; got[i] && got[i] == want[i]; i++) {
		if (got[i] == '\n') {
			line++;
			start = i + 1;
		}
	}
	if (got[i] || want[i])
		fail_msg("%s:%zu differs:\n got: '%.*s'\nwant: '%.*s'", file,
			 line, (int)strcspn(got + start, "\n"), got + start,
			 (int)strcspn(want + start, "\n"), want + start);
	free(want);
}

/* fmt as the parser makes it from an ipvsadm command line. */
static unsigned int fmt_of(const char *line)
{
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_err err;

	if (xdpvs_ctl_parse_line(line, NULL, &cmd, &err) != 1)
		fail_msg("%s: %s", line, err.msg);
	return cmd.fmt;
}

/* Print the golden table as `line` asks and compare with file. */
static void check_list(void **state, const char *line, const char *file)
{
	struct golden_table *t = *state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(xdpvs_ctl_print_list(f, t->svcs, t->n, 4096,
					      fmt_of(line)), 0);
	fclose(f);
	assert_text(buf, file);
	free(buf);
}

static void test_list_numeric(void **state)
{
	check_list(state, "ipvsadm -Ln", "ipvsadm-Ln.txt");
}

static void test_list_stats(void **state)
{
	check_list(state, "ipvsadm -Ln --stats", "ipvsadm-Ln--stats.txt");
}

static void test_list_stats_exact(void **state)
{
	check_list(state, "ipvsadm -Ln --stats --exact",
		   "ipvsadm-Ln--stats--exact.txt");
}

static void test_list_rate(void **state)
{
	check_list(state, "ipvsadm -Ln --rate", "ipvsadm-Ln--rate.txt");
}

static void test_list_thresholds(void **state)
{
	check_list(state, "ipvsadm -Ln --thresholds",
		   "ipvsadm-Ln--thresholds.txt");
}

static void test_list_persistent_conn(void **state)
{
	check_list(state, "ipvsadm -Ln --persistent-conn",
		   "ipvsadm-Ln--persistent-conn.txt");
}

static void test_save(void **state)
{
	check_list(state, "ipvsadm -S -n", "ipvsadm-S-n.txt");
}

/* -L without -n names ports from /etc/services (hosts stay numeric: the
 * reference system had no names for them, and tests do no DNS). */
static void test_list_port_names(void **state)
{
	struct golden_table *t = *state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!getservbyport(htons(8080), "tcp")) {
		skip();
		return;
	}
	f = open_memstream(&buf, &len);
	assert_int_equal(xdpvs_ctl_print_list(f, t->svcs, t->n, 4096,
					      fmt_of("ipvsadm -L") |
					      XDPVS_CTL_FMT_NUMERIC_HOST), 0);
	fclose(f);
	assert_text(buf, "ipvsadm-L.txt");
	free(buf);
}

static void test_list_one_service(void **state)
{
	struct golden_table *t = *state;
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_err err;
	struct xdpvs_svc_info *s;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(xdpvs_ctl_parse_line("ipvsadm -Ln -t 198.18.100.1:80",
					      NULL, &cmd, &err), 1);
	assert_int_equal(cmd.list, XDPVS_CTL_LIST_SERVICE);
	s = golden_find(t, &cmd.svc);
	assert_non_null(s);
	f = open_memstream(&buf, &len);
	assert_int_equal(xdpvs_ctl_print_service(f, s, cmd.fmt), 0);
	fclose(f);
	assert_text(buf, "ipvsadm-Ln-t_198.18.100.1_80.txt");
	free(buf);
}

/* An endpoint "a.b.c.d:port" or "[v6]:port" of the conn table. */
static void conn_ep(const char *s, uint16_t *af, union xdpvs_addr *a,
		    uint16_t *port)
{
	struct xdpvs_ctl_hostport hp;

	memset(&hp, 0, sizeof(hp));
	assert_int_equal(xdpvs_ctl_parse_hostport(s, 0, &hp), 3);
	*af = hp.af;
	*a = hp.addr;
	*port = hp.port;
}

static uint16_t conn_proto(const char *p)
{
	if (!strcmp(p, "TCP"))
		return IPPROTO_TCP;
	if (!strcmp(p, "UDP"))
		return IPPROTO_UDP;
	return IPPROTO_IP;
}

/* The connection table as the engine gives it: templates flagged, the
 * fwmark template with an empty virtual address (the printer shows the
 * mark there, as the kernel stores it), expiry with spare milliseconds. */
static struct xdpvs_conn_info *golden_conn_table(size_t *n)
{
	static struct xdpvs_conn_info ci[64];
	size_t i;

	*n = sizeof(golden_conns) / sizeof(golden_conns[0]);
	for (i = 0; i < *n; i++) {
		const struct golden_conn *g = &golden_conns[i];
		struct xdpvs_conn_info *c = &ci[i];
		uint16_t af;

		memset(c, 0, sizeof(*c));
		c->protocol = conn_proto(g->proto);
		c->expires_ms = g->secs * 1000 + 999;
		snprintf(c->state_name, sizeof(c->state_name), "%s", g->state);
		conn_ep(g->c, &c->af, &c->caddr, &c->cport);
		conn_ep(g->v, &af, &c->vaddr, &c->vport);
		conn_ep(g->d, &c->daf, &c->daddr, &c->dport);
		if (!c->cport)
			c->flags |= XDPVS_CONN_F_TEMPLATE;
		if (c->protocol == IPPROTO_IP) {
			c->fwmark = ntohl(c->vaddr.ip);
			memset(&c->vaddr, 0, sizeof(c->vaddr));
		}
	}
	return ci;
}

static void test_conns(void **state)
{
	struct xdpvs_conn_info *ci;
	char *buf = NULL;
	size_t n, len = 0;
	FILE *f;

	(void)state;
	ci = golden_conn_table(&n);
	f = open_memstream(&buf, &len);
	assert_int_equal(xdpvs_ctl_print_conns(f, ci, (int)n,
					       fmt_of("ipvsadm -Lnc")), 0);
	fclose(f);
	assert_text(buf, "ipvsadm-Lnc.txt");
	free(buf);
}

/* --persistent-conn: ipvsadm's header, and the long row only for
 * connections with persistence engine data (its destination column is
 * narrower than the header's, as in ipvsadm). */
static void test_conns_pe(void **state)
{
	struct xdpvs_conn_info ci[2];
	char *buf = NULL;
	size_t n, len = 0;
	FILE *f;

	(void)state;
	memcpy(ci, golden_conn_table(&n), sizeof(ci));
	snprintf(ci[1].pe_name, sizeof(ci[1].pe_name), "sip");
	snprintf(ci[1].pe_data, sizeof(ci[1].pe_data), "a84b4c76e66710");
	f = open_memstream(&buf, &len);
	assert_int_equal(xdpvs_ctl_print_conns(f, ci, 2,
				fmt_of("ipvsadm -Lnc --persistent-conn")), 0);
	fclose(f);
	assert_string_equal(buf,
		"IPVS connection entries\n"
		"pro expire state       source             virtual            destination        pe name          pe_data\n"
		"TCP 00:51  SYN_RECV    198.18.0.2:20546   198.18.100.4:8080  198.18.3.2:8080\n"
		"TCP 01:55  TIME_WAIT   198.18.0.2:50198   198.18.100.8:80    198.18.2.2:80    sip                a84b4c76e66710\n");
	free(buf);
}

static void test_timeouts(void **state)
{
	struct xdpvs_ctl_timeouts t = { 900, 120, 300 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(xdpvs_ctl_print_timeouts(f, &t,
				fmt_of("ipvsadm -L --timeout")), 0);
	fclose(f);
	assert_text(buf, "ipvsadm-L--timeout.txt");
	free(buf);
	/* -S (xdpvs): the command that sets them */
	f = open_memstream(&buf, &len);
	t.tcpfin = 4294967295U;
	assert_int_equal(xdpvs_ctl_print_timeouts(f, &t, XDPVS_CTL_FMT_RULE),
			 0);
	fclose(f);
	assert_string_equal(buf, "--set 900 4294967295 300\n");
	free(buf);
}

static void test_daemons(void **state)
{
	struct xdpvs_ctl_daemon d[2];
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	memset(d, 0, sizeof(d));
	d[0].state = XDPVS_CTL_DAEMON_MASTER;
	snprintf(d[0].mcast_ifn, sizeof(d[0].mcast_ifn), "rvsync");
	d[0].syncid = 7;
	d[0].sync_maxlen = 1472;
	d[0].mcast_af = AF_INET;
	inet_pton(AF_INET, "224.0.0.81", &d[0].mcast_group);
	d[0].mcast_port = 8848;
	d[0].mcast_ttl = 1;
	f = open_memstream(&buf, &len);
	assert_int_equal(xdpvs_ctl_print_daemons(f, d, 2,
				fmt_of("ipvsadm -L --daemon")), 0);
	fclose(f);
	assert_text(buf, "ipvsadm-L--daemon.txt");
	free(buf);
}

/* An empty table; a backup daemon with only what was given. */
static void test_empty_and_backup(void **state)
{
	struct xdpvs_ctl_daemon d;
	struct xdpvs_ctl_err err = { .status = 2, .msg = "-6 used before -f\n" };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(xdpvs_ctl_print_list(f, NULL, 0, 65536,
					      XDPVS_CTL_FMT_NUMERIC), 0);
	assert_int_equal(xdpvs_ctl_print_list(f, NULL, 0, 65536,
					      XDPVS_CTL_FMT_RULE), 0);
	memset(&d, 0, sizeof(d));
	d.state = XDPVS_CTL_DAEMON_BACKUP;
	snprintf(d.mcast_ifn, sizeof(d.mcast_ifn), "eth0");
	assert_int_equal(xdpvs_ctl_print_daemons(f, &d, 1, 0), 0);
	xdpvs_ctl_err_print(f, &err);
	fclose(f);
	assert_string_equal(buf,
		"IP Virtual Server version 1.2.1 (size=65536)\n"
		"Prot LocalAddress:Port Scheduler Flags\n"
		"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
		"backup sync daemon (mcast=eth0, syncid=0)\n"
		"-6 used before -f\n\n");
	free(buf);
}

static void test_version(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	xdpvs_ctl_print_version(f);
	fclose(f);
	assert_text(buf, "ipvsadm--version.txt");
	free(buf);
}

/* The help names every option the parser takes. */
static void test_usage(void **state)
{
	static const char *const opts[] = {
		"--add-service", "--edit-service", "--delete-service",
		"--clear", "--restore", "--save", "--add-server",
		"--edit-server", "--delete-server", "--list", "--zero",
		"--set", "--start-daemon", "--stop-daemon", "--help",
		"--tcp-service", "--udp-service", "--sctp-service",
		"--fwmark-service", "--ipv6", "--scheduler", "--pe",
		"--persistent", "--netmask", "--real-server", "--gatewaying",
		"--ipip", "--masquerading", "--tun-type", "--tun-port",
		"--tun-nocsum", "--tun-csum", "--tun-remcsum", "--weight",
		"--u-threshold", "--l-threshold", "--connection", "--timeout",
		"--daemon", "--stats", "--rate", "--exact", "--thresholds",
		"--persistent-conn", "--tun-info", "--nosort", "--sort",
		"--ops", "--numeric", "--sched-flags", "--syncid",
		"--sync-maxlen", "--mcast-interface", "--mcast-group",
		"--mcast-port", "--mcast-ttl", "--fullnat", "--json",
		"--sysctl", "--add-mark", "--del-mark", "--list-marks",
	};
	char *buf = NULL;
	size_t i, len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	xdpvs_ctl_print_usage(f, "xdpvsadm");
	fclose(f);
	assert_non_null(strstr(buf, "\nUsage:\n  xdpvsadm -A|E virtual-service"));
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (!strstr(buf, opts[i]))
			fail_msg("help lacks %s", opts[i]);
	free(buf);
}

/* ---------------------------------------------------------------------
 * Formats the golden run does not reach
 */

/* Print one service (from ipvsadm command lines) with fmt. */
static char *print_cmds(const char *const *lines, size_t n, unsigned int fmt,
			int whole)
{
	static struct golden_table t;
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_err err;
	char *buf = NULL;
	size_t i, len = 0;
	FILE *f;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < n; i++) {
		if (xdpvs_ctl_parse_line(lines[i], NULL, &cmd, &err) != 1)
			fail_msg("%s: %s", lines[i], err.msg);
		assert_int_equal(golden_apply(&t, &cmd), 0);
	}
	f = open_memstream(&buf, &len);
	if (whole)
		assert_int_equal(xdpvs_ctl_print_list(f, t.svcs, t.n, 4096,
						      fmt), 0);
	else
		assert_int_equal(xdpvs_ctl_print_service(f, &t.svcs[0], fmt),
				 0);
	fclose(f);
	return buf;
}

static const char *const tun_cmds[] = {
	"-A -f 1 -s rr -p 360 -M 255.255.255.0 --pe sip",
	"-a -f 1 -r 10.1.1.1:0 -i --tun-type gue --tun-port 6080 --tun-nocsum",
	"-a -f 1 -r 10.1.1.2:0 -i --tun-type gre --tun-csum",
	"-a -f 1 -r 10.1.1.3:0 -i",
	"-a -f 1 -r 10.1.1.4:0 -m -w 2",
	"-a -f 1 -r 10.1.1.5:0 --fullnat -w 3",
};

static void test_tun_info(void **state)
{
	char *buf;

	(void)state;
	buf = print_cmds(tun_cmds, 6, XDPVS_CTL_FMT_NUMERIC |
			 XDPVS_CTL_FMT_TUN_INFO, 0);
	assert_string_equal(buf,
		"Prot LocalAddress:Port Scheduler Flags\n"
		"  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n"
		"FWM  1 rr persistent 360 mask 255.255.255.0 pe sip\n"
		"  -> 10.1.1.1:0                   Tunnel  gue:6080:-c   1      0          0         \n"
		"  -> 10.1.1.2:0                   Tunnel  gre:+c        1      0          0         \n"
		"  -> 10.1.1.3:0                   Tunnel  ipip          1      0          0         \n"
		"  -> 10.1.1.4:0                   Masq    n/a           2      0          0         \n"
		"  -> 10.1.1.5:0                   FullNat n/a           3      0          0         \n");
	free(buf);
}

static void test_save_tunnels(void **state)
{
	char *buf;

	(void)state;
	buf = print_cmds(tun_cmds, 6, XDPVS_CTL_FMT_NUMERIC |
			 XDPVS_CTL_FMT_RULE, 1);
	assert_string_equal(buf,
		"-A -f 1 -s rr -p 360 -M 255.255.255.0 --pe sip\n"
		"-a -f 1 -r 10.1.1.1:0 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum\n"
		"-a -f 1 -r 10.1.1.2:0 -i -w 1 --tun-type gre --tun-csum\n"
		"-a -f 1 -r 10.1.1.3:0 -i -w 1 --tun-type ipip\n"
		"-a -f 1 -r 10.1.1.4:0 -m -w 2\n"
		"-a -f 1 -r 10.1.1.5:0 --fullnat -w 3\n");
	free(buf);
}

/* The PE shows only on persistent services; flags of other schedulers
 * are flag-N; SCTP services; -S of a UDP ops service. */
static void test_service_lines(void **state)
{
	static const char *const cmds[] = {
		"-A -u 198.18.100.1:5060 -s rr --pe sip -o",
		"-A --sctp-service 198.18.100.1:9 -s wlc -b flag-2,flag-3",
		"-A -t [2001:db8::1]:443 -s sh -b sh-port -p 30 -M 64",
	};
	char *buf;

	(void)state;
	buf = print_cmds(cmds, 3, XDPVS_CTL_FMT_NUMERIC, 1);
	assert_string_equal(buf,
		"IP Virtual Server version 1.2.1 (size=4096)\n"
		"Prot LocalAddress:Port Scheduler Flags\n"
		"  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
		"UDP  198.18.100.1:5060 rr ops\n"
		"SCTP 198.18.100.1:9 wlc (flag-2,flag-3)\n"
		"TCP  [2001:db8::1]:443 sh (sh-port) persistent 30 mask 64\n");
	free(buf);
	buf = print_cmds(cmds, 3, XDPVS_CTL_FMT_NUMERIC | XDPVS_CTL_FMT_RULE,
			 1);
	assert_string_equal(buf,
		"-A -u 198.18.100.1:5060 -s rr --pe sip -o\n"
		"-A --sctp-service 198.18.100.1:9 -s wlc -b flag-2,flag-3\n"
		"-A -t [2001:db8::1]:443 -s sh -p 30 -M 64 -b sh-port\n");
	free(buf);
}

/* print_largenum(): 9 columns, then K/M/G/T; --exact widens instead. */
static void test_largenum(void **state)
{
	static const char *const cmds[] = { "-A -t 198.18.100.1:80" };
	static struct golden_table t;
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_int_equal(xdpvs_ctl_parse_line(cmds[0], NULL, &cmd, &err), 1);
	assert_int_equal(golden_apply(&t, &cmd), 0);
	t.svcs[0].stats = (struct xdpvs_stats){ 99999999, 100000000,
		999999999, 1000000000, 99999999999ULL };
	t.svcs[0].rates = (struct xdpvs_rates){ 100000000000ULL,
		99999999999999ULL, 100000000000000ULL, 18446744073709551615ULL,
		0 };
	f = open_memstream(&buf, &len);
	assert_int_equal(xdpvs_ctl_print_service(f, &t.svcs[0],
				XDPVS_CTL_FMT_NUMERIC | XDPVS_CTL_FMT_STATS), 0);
	assert_int_equal(xdpvs_ctl_print_service(f, &t.svcs[0],
				XDPVS_CTL_FMT_NUMERIC | XDPVS_CTL_FMT_RATE), 0);
	assert_int_equal(xdpvs_ctl_print_service(f, &t.svcs[0],
				XDPVS_CTL_FMT_NUMERIC | XDPVS_CTL_FMT_STATS |
				XDPVS_CTL_FMT_EXACT), 0);
	fclose(f);
	assert_string_equal(buf,
		"Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
		"  -> RemoteAddress:Port\n"
		"TCP  198.18.100.1:80              99999999  100000K  999999K    1000M   99999M\n"
		"Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n"
		"  -> RemoteAddress:Port\n"
		"TCP  198.18.100.1:80                  100G   99999G     100T18446744T        0\n"
		"Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n"
		"  -> RemoteAddress:Port\n"
		"TCP  198.18.100.1:80              99999999 100000000 999999999 1000000000 99999999999\n");
	free(buf);
}

/* Dest rates: cps and pps are never abbreviated, bps are. */
static void test_dest_rates(void **state)
{
	static const char *const cmds[] = {
		"-A -t 198.18.100.1:80", "-a -t 198.18.100.1:80 -r 198.18.1.2",
	};
	static struct golden_table t;
	struct xdpvs_ctl_cmd cmd;
	struct xdpvs_ctl_err err;
	char *buf = NULL;
	size_t i, len = 0;
	FILE *f;

	(void)state;
	memset(&t, 0, sizeof(t));
	for (i = 0; i < 2; i++) {
		assert_int_equal(xdpvs_ctl_parse_line(cmds[i], NULL, &cmd,
						      &err), 1);
		assert_int_equal(golden_apply(&t, &cmd), 0);
	}
	t.svcs[0].dests[0].rates = (struct xdpvs_rates){ 123456789,
		1234567890, 1, 123456789, 1 };
	f = open_memstream(&buf, &len);
	assert_int_equal(xdpvs_ctl_print_service(f, &t.svcs[0],
				XDPVS_CTL_FMT_NUMERIC | XDPVS_CTL_FMT_RATE), 0);
	fclose(f);
	assert_non_null(strstr(buf,
		"\n  -> 198.18.1.2:80                123456789 1234567890        1  123456K        1\n"));
	free(buf);
}

/* libipvs compares addresses by subtracting them into an int: addresses
 * 2^31 or more apart come out in the "wrong" order, and ipvsadm shows
 * them so.  --nosort keeps the table's order. */
static void test_sort_quirk_and_nosort(void **state)
{
	static const char *const cmds[] = {
		"-A -t 10.0.0.1:80", "-A -t 200.0.0.1:80", "-A -f 5",
		"-A -u 10.0.0.1:80", "-A -t 10.0.0.1:79",
	};
	char *buf;

	(void)state;
	buf = print_cmds(cmds, 5, XDPVS_CTL_FMT_NUMERIC | XDPVS_CTL_FMT_RULE,
			 1);
	assert_string_equal(buf,
		"-A -t 200.0.0.1:80 -s wlc\n"
		"-A -t 10.0.0.1:79 -s wlc\n"
		"-A -t 10.0.0.1:80 -s wlc\n"
		"-A -u 10.0.0.1:80 -s wlc\n"
		"-A -f 5 -s wlc\n");
	free(buf);
	buf = print_cmds(cmds, 5, XDPVS_CTL_FMT_NUMERIC | XDPVS_CTL_FMT_RULE |
			 XDPVS_CTL_FMT_NOSORT, 1);
	assert_string_equal(buf,
		"-A -t 10.0.0.1:80 -s wlc\n"
		"-A -t 200.0.0.1:80 -s wlc\n"
		"-A -f 5 -s wlc\n"
		"-A -u 10.0.0.1:80 -s wlc\n"
		"-A -t 10.0.0.1:79 -s wlc\n");
	free(buf);
}

/* ---------------------------------------------------------------------
 * xdpvs extensions
 */

static char *print_marks(unsigned int fmt)
{
	static const char *const rules[] = {
		"1:tcp:198.18.100.5/32:80",
		"2:any:[2001:db8:100::2]/128:80-81",
		"3:udp:198.18.100.0/24",
	};
	struct xdpvs_mark_rule r[3];
	char *buf = NULL;
	size_t i, len = 0;
	FILE *f;

	for (i = 0; i < 3; i++)
		assert_int_equal(xdpvs_ctl_parse_mark_rule(rules[i], &r[i]), 0);
	f = open_memstream(&buf, &len);
	assert_int_equal(xdpvs_ctl_print_marks(f, r, 3, fmt), 0);
	fclose(f);
	return buf;
}

static void test_marks(void **state)
{
	char *buf;

	(void)state;
	buf = print_marks(XDPVS_CTL_FMT_NUMERIC);
	assert_string_equal(buf,
		"Mark       Prot Prefix                                        Ports\n"
		"1          tcp  198.18.100.5/32                               80\n"
		"2          any  [2001:db8:100::2]/128                         80-81\n"
		"3          udp  198.18.100.0/24                               any\n");
	free(buf);
	buf = print_marks(XDPVS_CTL_FMT_RULE);
	assert_string_equal(buf,
		"--add-mark 1:tcp:198.18.100.5/32:80\n"
		"--add-mark 2:any:[2001:db8:100::2]/128:80-81\n"
		"--add-mark 3:udp:198.18.100.0/24\n");
	free(buf);
}

static void test_sysctls(void **state)
{
	const char *names[] = { "conn_reuse_mode", "expire_nodest_conn" };
	int values[] = { 1, 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_int_equal(xdpvs_ctl_print_sysctls(f, names, values, 2, 0), 0);
	fclose(f);
	assert_string_equal(buf, "conn_reuse_mode = 1\n"
				 "expire_nodest_conn = 0\n");
	free(buf);
	/* -S: as commands -R reads back */
	f = open_memstream(&buf, &len);
	assert_int_equal(xdpvs_ctl_print_sysctls(f, names, values, 2,
						 XDPVS_CTL_FMT_RULE), 0);
	fclose(f);
	assert_string_equal(buf, "--sysctl conn_reuse_mode=1\n"
				 "--sysctl expire_nodest_conn=0\n");
	free(buf);
}

/* JSON of the golden table: parses, sorted, exact numbers. */
static void test_json_list(void **state)
{
	struct golden_table *t = *state;
	struct json_object *root, *svcs, *s, *d, *v;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(xdpvs_ctl_print_list(f, t->svcs, t->n, 4096,
				fmt_of("ipvsadm -Ln --json")), 0);
	fclose(f);
	root = json_tokener_parse(buf);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "size", &v));
	assert_int_equal(json_object_get_int(v), 4096);
	assert_true(json_object_object_get_ex(root, "services", &svcs));
	assert_int_equal(json_object_array_length(svcs), 14);
	s = json_object_array_get_idx(svcs, 1);
	assert_true(json_object_object_get_ex(s, "address", &v));
	assert_string_equal(json_object_get_string(v), "198.18.100.2");
	assert_true(json_object_object_get_ex(s, "netmask", &v));
	assert_string_equal(json_object_get_string(v), "255.255.255.0");
	assert_true(json_object_object_get_ex(s, "dests", &v));
	d = json_object_array_get_idx(v, 1);
	assert_true(json_object_object_get_ex(d, "persistconns", &v));
	assert_int_equal(json_object_get_int(v), 1);
	assert_true(json_object_object_get_ex(d, "stats", &v));
	assert_true(json_object_object_get_ex(v, "inbytes", &v));
	assert_int_equal(json_object_get_int(v), 1600);
	s = json_object_array_get_idx(svcs, 13);
	assert_true(json_object_object_get_ex(s, "fwmark", &v));
	assert_int_equal(json_object_get_int(v), 2);
	assert_true(json_object_object_get_ex(s, "address", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(s, "af", &v));
	assert_string_equal(json_object_get_string(v), "inet6");
	json_object_put(root);
	free(buf);
}

static void test_json_others(void **state)
{
	struct xdpvs_ctl_timeouts to = { 900, 120, 300 };
	struct json_object *root, *v;
	struct xdpvs_conn_info *ci;
	char *buf = NULL;
	size_t n, len = 0;
	FILE *f;

	(void)state;
	f = open_memstream(&buf, &len);
	assert_int_equal(xdpvs_ctl_print_timeouts(f, &to, XDPVS_CTL_FMT_JSON),
			 0);
	fclose(f);
	assert_string_equal(buf, "{\n  \"tcp\":900,\n  \"tcpfin\":120,\n  \"udp\":300\n}\n");
	free(buf);
	ci = golden_conn_table(&n);
	buf = NULL;
	f = open_memstream(&buf, &len);
	assert_int_equal(xdpvs_ctl_print_conns(f, ci, (int)n,
					       XDPVS_CTL_FMT_JSON), 0);
	fclose(f);
	root = json_tokener_parse(buf);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "connections", &v));
	assert_int_equal(json_object_array_length(v), n);
	json_object_put(root);
	free(buf);
	buf = print_marks(XDPVS_CTL_FMT_JSON);
	root = json_tokener_parse(buf);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "marks", &v));
	v = json_object_array_get_idx(v, 1);
	assert_true(json_object_object_get_ex(v, "prefix", &v));
	assert_string_equal(json_object_get_string(v),
			    "[2001:db8:100::2]/128");
	json_object_put(root);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_numeric),
		cmocka_unit_test(test_list_stats),
		cmocka_unit_test(test_list_stats_exact),
		cmocka_unit_test(test_list_rate),
		cmocka_unit_test(test_list_thresholds),
		cmocka_unit_test(test_list_persistent_conn),
		cmocka_unit_test(test_save),
		cmocka_unit_test(test_list_port_names),
		cmocka_unit_test(test_list_one_service),
		cmocka_unit_test(test_conns),
		cmocka_unit_test(test_conns_pe),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_daemons),
		cmocka_unit_test(test_empty_and_backup),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_tun_info),
		cmocka_unit_test(test_save_tunnels),
		cmocka_unit_test(test_service_lines),
		cmocka_unit_test(test_largenum),
		cmocka_unit_test(test_dest_rates),
		cmocka_unit_test(test_sort_quirk_and_nosort),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_sysctls),
		cmocka_unit_test(test_json_list),
		cmocka_unit_test(test_json_others),
	};

	return cmocka_run_group_tests(tests, setup_table, NULL);
}
