// SPDX-License-Identifier: GPL-2.0-only
/*
 * Seed inputs for tests/fuzz/fuzz_keep.c: saved states written by the
 * writer dp_keep_save() uses (dp_keep_stream()), so the fuzzer starts from
 * streams that read: connections of each family and protocol, a
 * template, one with persistence engine data, counters of the totals, a
 * service and a real server, a configuration that matches them; also
 * without counters or configuration, and none at all.
 *
 * Usage: seeds_keep DIR -- writes one file per seed into DIR, each the
 * harness's control byte (take on in an engine, clock at saved_at) and
 * the stream.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <xdpvs/engine.h>

#include "dp/keep.h"

#define SEED_SAVED_AT 5000000000ULL	/* ns */

static const char seed_config[] =
	"-A -t 198.18.100.1:80 -s rr\n"
	"-a -t 198.18.100.1:80 -r 198.18.1.2:80 -m -w 1\n"
	"-A -u 198.18.100.6:5060 -s rr -p 60 --pe sip\n"
	"-a -u 198.18.100.6:5060 -r 198.18.2.2:5060 -m -w 1\n"
	"-A -t [2001:db8:100::1]:80 -s wlc\n"
	"-a -t [2001:db8:100::1]:80 -r [2001:db8:1::2]:80 -g -w 2 -x 10\n"
	"--set 900 120 300\n"
	"--add-mark 1:tcp:198.18.100.0/24:80\n";

static void seed_addr(int af, const char *s, union xdpvs_addr *a)
{
	memset(a, 0, sizeof(*a));
	inet_pton(af, s, a);
}

static struct xdpvs_conn_info seed_conn(int af, int proto, const char *c,
					const char *v, const char *d,
					uint16_t port)
{
	struct xdpvs_conn_info ci;

	memset(&ci, 0, sizeof(ci));
	ci.af = ci.daf = (uint16_t)af;
	ci.protocol = (uint16_t)proto;
	ci.state = proto == IPPROTO_TCP ? 1 : 0;	/* ESTABLISHED */
	seed_addr(af, c, &ci.caddr);
	seed_addr(af, v, &ci.vaddr);
	seed_addr(af, d, &ci.daddr);
	ci.cport = htons(40000);
	ci.vport = ci.dport = htons(port);
	ci.flags = XDPVS_CONN_F_MASQ;
	ci.expires_ms = 60000;
	ci.gen = 3;
	return ci;
}

static int seed_write(const char *dir, const char *name,
		      const struct dp_kept *k)
{
	char path[4096];
	uint8_t ctl = 4 | 1;	/* take on; the clock at saved_at */
	size_t len;
	uint8_t *b = dp_keep_stream(k, 1, SEED_SAVED_AT, &len);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!b || !f || fwrite(&ctl, 1, 1, f) != 1 ||
	    fwrite(b, 1, len, f) != len) {
		fprintf(stderr, "seeds_keep: %s: cannot write\n", path);
		free(b);
		if (f)
			fclose(f);
		return 1;
	}
	free(b);
	return fclose(f) != 0;
}

int main(int argc, char **argv)
{
	struct xdpvs_conn_info c[4] = {
		seed_conn(AF_INET, IPPROTO_TCP, "198.18.0.2", "198.18.100.1",
			  "198.18.1.2", 80),
		seed_conn(AF_INET, IPPROTO_UDP, "198.18.0.3", "198.18.100.6",
			  "198.18.2.2", 5060),
		seed_conn(AF_INET, IPPROTO_UDP, "198.18.0.3", "198.18.100.6",
			  "198.18.2.2", 5060),
		seed_conn(AF_INET6, IPPROTO_TCP, "2001:db8::2",
			  "2001:db8:100::1", "2001:db8:1::2", 80),
	};
	struct dp_kept_stats st[3];
	struct dp_kept k = { .conns = c, .n = 4, .stats = st, .nstats = 3,
			     .seed = 42, .config = (char *)seed_config };
	int err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: seeds_keep DIR\n");
		return 2;
	}
	/* The second UDP one: the persistence template with SIP data. */
	c[2].flags |= XDPVS_CONN_F_TEMPLATE;
	c[2].cport = 0;
	snprintf(c[2].pe_name, sizeof(c[2].pe_name), "sip");
	memcpy(c[2].pe_data, "call-1\0x", 8);
	c[2].pe_data_len = 8;
	memset(st, 0, sizeof(st));
	st[0].of = DP_KEPT_TOTAL;
	st[0].st = (struct xdpvs_stats){ 9, 90, 80, 9000, 8000 };
	st[1].of = DP_KEPT_SVC;
	st[1].svc.af = AF_INET;
	st[1].svc.protocol = IPPROTO_TCP;
	seed_addr(AF_INET, "198.18.100.1", &st[1].svc.addr);
	st[1].svc.port = htons(80);
	st[1].st.conns = 4;
	st[2] = st[1];
	st[2].of = DP_KEPT_DEST;
	st[2].dest.af = AF_INET;
	seed_addr(AF_INET, "198.18.1.2", &st[2].dest.addr);
	st[2].dest.port = htons(80);
	st[2].rt.cps = 1;
	err |= seed_write(argv[1], "seed-full", &k);
	k.config = NULL;
	err |= seed_write(argv[1], "seed-no-config", &k);
	k.nstats = 0;
	err |= seed_write(argv[1], "seed-conns-only", &k);
	k = (struct dp_kept){ .seed = 1, .config = (char *)seed_config };
	err |= seed_write(argv[1], "seed-config-only", &k);
	k = (struct dp_kept){ 0 };
	err |= seed_write(argv[1], "seed-empty", &k);
	return err ? 1 : 0;
}
