// SPDX-License-Identifier: GPL-2.0-only
/*
 * dp/keep.c: the connections a kept data path hands to the next xdpvsd,
 * through a pinned BPF array in a bpf filesystem of the test's own (a
 * private mount): what is saved comes back (generation and persistence
 * data included, times less the time elapsed) and the pin goes; a
 * version 1 stream (the previous build's, without generations) is read;
 * counters and the configuration come back too, and a broken section of
 * either is left out while what comes before it comes back;
 * a broken one (bad magic, unknown version, records cut short, a length
 * past the end) is refused with -EINVAL, never read past its end, and
 * removed all the same; a count of connections it cannot hold is
 * refused before anything is allocated for it.
 *
 * Needs root (a mount namespace, bpffs); exits 77 ("skipped") without.
 */
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include <bpf/bpf.h>

#include <xdpvs/flow.h>

#include "dp/keep.h"

static char bpffs[] = "/tmp/test_keep.XXXXXX";

/* The stream's layout, version 1 (dp/keep.c): what the previous build
 * wrote, spelled out here as the contract with it. */
struct v1_head {
	uint32_t magic, version, count, pad;
	uint64_t seed, saved_at, len;
};

struct v1_rec {
	uint16_t af, daf, protocol, state;
	union xdpvs_addr caddr, vaddr, daddr;
	uint16_t cport, vport, dport;
	uint8_t pe_name_len, pe_data_len;
	uint32_t fwmark, flags, expires_ms;
};

/* Pin len bytes of b as the saved state, as dp_keep_save() would. */
static void pin_stream(const void *b, size_t len)
{
	char path[PATH_MAX];
	uint8_t page[4096];
	uint32_t k, pages = (uint32_t)((len + 4095) / 4096);
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, DP_KEEP_MAP, 4, 4096,
				pages, NULL);

	assert_true(fd >= 0);
	for (k = 0; k < pages; k++) {
		size_t off = (size_t)k * 4096;

		memset(page, 0, sizeof(page));
		memcpy(page, (const uint8_t *)b + off,
		       len - off < 4096 ? len - off : 4096);
		assert_int_equal(bpf_map_update_elem(fd, &k, page, BPF_ANY), 0);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", bpffs, XDPVS_PIN_DIR,
		 DP_KEEP_MAP);
	assert_int_equal(bpf_obj_pin(fd, path), 0);
	close(fd);
}

static struct xdpvs_conn_info conn(uint16_t cport, uint32_t gen)
{
	struct xdpvs_conn_info c;

	memset(&c, 0, sizeof(c));
	c.af = c.daf = AF_INET;
	c.protocol = IPPROTO_TCP;
	c.state = 1;
	inet_pton(AF_INET, "198.18.0.2", &c.caddr.ip);
	inet_pton(AF_INET, "198.18.100.1", &c.vaddr.ip);
	inet_pton(AF_INET, "198.18.1.2", &c.daddr.ip);
	c.cport = htons(cport);
	c.vport = c.dport = htons(80);
	c.flags = 0x0100;
	c.expires_ms = 900000;
	c.gen = gen;
	return c;
}

/* Counters of the totals, a service and an IPv6 real server of it. */
static void three_stats(struct dp_kept_stats st[3])
{
	memset(st, 0, 3 * sizeof(*st));
	st[0].of = DP_KEPT_TOTAL;
	st[0].st = (struct xdpvs_stats){ 9, 90, 80, 9000, 8000 };
	st[1].of = DP_KEPT_SVC;
	st[1].svc.af = AF_INET6;
	st[1].svc.protocol = IPPROTO_UDP;
	inet_pton(AF_INET6, "2001:db8::100", &st[1].svc.addr);
	st[1].svc.port = htons(53);
	st[1].st = (struct xdpvs_stats){ 7, 70, 60, 7000, 6000 };
	st[1].rt = (struct xdpvs_rates){ 1, 2, 3, 4, 5 };
	st[2] = st[1];
	st[2].of = DP_KEPT_DEST;
	st[2].dest.af = AF_INET6;
	inet_pton(AF_INET6, "2001:db8:1::2", &st[2].dest.addr);
	st[2].dest.port = htons(5353);
	st[2].st.conns = 5;
	st[2].rt.outbps = 1ULL << 40;
}

/* The pinned stream's first page (tests' streams fit in one). */
static void read_page(uint8_t page[4096])
{
	char path[PATH_MAX];
	uint32_t k = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s/%s", bpffs, XDPVS_PIN_DIR,
		 DP_KEEP_MAP);
	fd = bpf_obj_get(path);
	assert_true(fd >= 0);
	assert_int_equal(bpf_map_lookup_elem(fd, &k, page), 0);
	close(fd);
	unlink(path);
}

static void saved_comes_back(void **state)
{
	struct xdpvs_conn_info c[2] = { conn(40000, 7), conn(40001, 9) };
	struct dp_kept_stats st[3];
	char config[] = "-A -t 198.18.100.1:80 -s rr\n--set 900 121 300\n";
	struct dp_kept k = { .conns = c, .n = 2, .stats = st, .nstats = 3,
			     .seed = 0x1234, .config = config };
	int i;

	three_stats(st);
	strcpy(c[1].pe_name, "sip");
	memcpy(c[1].pe_data, "call\0id", 7);
	c[1].pe_data_len = 7;
	assert_int_equal(dp_keep_save(bpffs, &k, 0xabcd, 1000000000), 0);
	assert_int_equal(dp_keep_prog(bpffs), 0xabcd);
	assert_true(dp_keep_found(bpffs));
	assert_int_equal(dp_keep_load(bpffs, 3000000000, &k), 0);
	assert_false(dp_keep_found(bpffs));
	assert_int_equal(k.n, 2);
	assert_int_equal(k.seed, 0x1234);
	assert_int_equal(k.conns[0].gen, 7);
	assert_int_equal(k.conns[1].gen, 9);
	assert_int_equal(k.conns[0].cport, htons(40000));
	assert_int_equal(k.conns[0].expires_ms, 900000 - 2000);
	assert_string_equal(k.conns[1].pe_name, "sip");
	/* all of its data, the NUL inside too */
	assert_int_equal(k.conns[1].pe_data_len, 7);
	assert_memory_equal(k.conns[1].pe_data, "call\0id", 7);
	assert_int_equal(k.nstats, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(k.stats[i].of, st[i].of);
		assert_int_equal(k.stats[i].svc.af, st[i].svc.af);
		assert_int_equal(k.stats[i].svc.protocol, st[i].svc.protocol);
		assert_memory_equal(&k.stats[i].svc.addr, &st[i].svc.addr, 16);
		assert_int_equal(k.stats[i].svc.port, st[i].svc.port);
		assert_int_equal(k.stats[i].svc.fwmark, st[i].svc.fwmark);
		assert_int_equal(k.stats[i].dest.af, st[i].dest.af);
		assert_memory_equal(&k.stats[i].dest.addr, &st[i].dest.addr,
				    16);
		assert_int_equal(k.stats[i].dest.port, st[i].dest.port);
		assert_memory_equal(&k.stats[i].st, &st[i].st,
				    sizeof(st[i].st));
		assert_memory_equal(&k.stats[i].rt, &st[i].rt,
				    sizeof(st[i].rt));
	}
	assert_string_equal(k.config, config);
	dp_kept_free(&k);
	assert_null(k.conns);
}

/* A counters' section that does not hold together is left out: the
 * connections come back all the same. */
/* The same for the configuration's section: a length past the end, a
 * NUL inside, a bad magic; the counters before it come back. */
static void broken_config_keeps_the_rest(void **state)
{
	struct xdpvs_conn_info c[1] = { conn(40000, 7) };
	struct dp_kept_stats st[3];
	char config[] = "-A -t 198.18.100.1:80 -s rr\n";
	struct dp_kept k;
	uint8_t page[4096];
	uint64_t len;
	size_t sec;
	int how;

	three_stats(st);
	for (how = 0; how < 3; how++) {
		k = (struct dp_kept){ .conns = c, .n = 1, .stats = st,
				      .nstats = 3, .config = config };
		assert_int_equal(dp_keep_save(bpffs, &k, 1, 1000000000), 0);
		read_page(page);
		memcpy(&len, page + 32, sizeof(len));
		sec = (size_t)len - 8 - strlen(config);
		if (how == 0)
			page[sec + 4] += 1;		/* 1 byte too long */
		else if (how == 1)
			page[sec + 8 + 3] = 0;		/* a NUL inside */
		else
			page[sec] ^= 1;			/* its magic */
		pin_stream(page, (size_t)len);
		assert_int_equal(dp_keep_load(bpffs, 1000000000, &k), 0);
		assert_int_equal(k.n, 1);
		assert_int_equal(k.nstats, 3);
		assert_null(k.config);
		assert_true(k.config_unreadable);
		dp_kept_free(&k);
	}
}

static void broken_counters_keep_the_connections(void **state)
{
	struct xdpvs_conn_info c[1] = { conn(40000, 7) };
	struct dp_kept_stats st[3];
	struct dp_kept k = { .conns = c, .n = 1, .stats = st, .nstats = 3 };
	uint8_t page[4096];
	uint64_t len;
	size_t sec;
	int how;

	three_stats(st);
	for (how = 0; how < 2; how++) {
		assert_int_equal(dp_keep_save(bpffs, &k, 1, 1000000000), 0);
		read_page(page);
		memcpy(&len, page + 32, sizeof(len));	/* the header's len */
		sec = (size_t)len - 8 - 3 * 128 - 8;	/* config: empty */
		if (how == 0)
			page[sec] ^= 1;			/* its magic */
		else
			page[sec + 4] = 4;		/* 4 records of 3 */
		pin_stream(page, (size_t)len);
		assert_int_equal(dp_keep_load(bpffs, 1000000000, &k), 0);
		assert_int_equal(k.n, 1);
		assert_int_equal(k.conns[0].gen, 7);
		assert_int_equal(k.nstats, 0);
		assert_null(k.stats);
		assert_true(k.stats_unreadable);
		dp_kept_free(&k);
		k = (struct dp_kept){ .conns = c, .n = 1, .stats = st,
				      .nstats = 3 };
	}
}

/* A version 1 stream of one connection; *len its length. */
static uint8_t *v1_stream(size_t *len)
{
	static uint8_t b[sizeof(struct v1_head) + sizeof(struct v1_rec)];
	struct v1_head h = { .magic = 0x4b535658, .version = 1, .count = 1,
			     .seed = 5, .saved_at = 1000000000,
			     .len = sizeof(b) };
	struct xdpvs_conn_info c = conn(40002, 0);
	struct v1_rec r = {
		.af = c.af, .daf = c.daf, .protocol = c.protocol,
		.state = c.state, .caddr = c.caddr, .vaddr = c.vaddr,
		.daddr = c.daddr, .cport = c.cport, .vport = c.vport,
		.dport = c.dport, .flags = c.flags,
		.expires_ms = c.expires_ms,
	};

	memcpy(b, &h, sizeof(h));
	memcpy(b + sizeof(h), &r, sizeof(r));
	*len = sizeof(b);
	return b;
}

static void version_1_is_read(void **state)
{
	struct dp_kept k;
	size_t len;
	uint8_t *b = v1_stream(&len);

	pin_stream(b, len);
	assert_int_equal(dp_keep_load(bpffs, 1000000000, &k), 0);
	assert_int_equal(k.n, 1);
	assert_int_equal(k.seed, 5);
	assert_int_equal(k.conns[0].cport, htons(40002));
	assert_int_equal(k.conns[0].state, 1);
	assert_int_equal(k.conns[0].expires_ms, 900000);
	assert_int_equal(k.conns[0].gen, 0);	/* a new one, then */
	assert_int_equal(k.nstats, 0);		/* no counters then */
	assert_false(k.stats_unreadable);
	assert_null(k.config);			/* nor configuration */
	assert_false(k.config_unreadable);
	dp_kept_free(&k);
}

static void refused(const uint8_t *b, size_t len)
{
	struct dp_kept k;

	pin_stream(b, len);
	assert_int_equal(dp_keep_load(bpffs, 1000000000, &k), -EINVAL);
	assert_null(k.conns);
	assert_false(dp_keep_found(bpffs));
}

/* b = a good version 1 stream; its length. */
static size_t fresh(uint8_t *b)
{
	size_t len;
	const uint8_t *s = v1_stream(&len);

	memcpy(b, s, len);
	return len;
}

static void broken_streams_are_refused(void **state)
{
	uint8_t b[sizeof(struct v1_head) + sizeof(struct v1_rec)];
	struct v1_head *h = (struct v1_head *)b;
	size_t len;

	len = fresh(b);
	h->magic ^= 1;
	refused(b, len);
	len = fresh(b);
	h->version = 3;
	refused(b, len);
	len = fresh(b);
	h->count = 2;			/* one record only */
	refused(b, len);
	len = fresh(b);
	h->len = len - 1;		/* the record cut short */
	refused(b, len);
	len = fresh(b);
	b[sizeof(*h) + offsetof(struct v1_rec, pe_data_len)] = 200;
	refused(b, len);		/* its data past the end */
	len = fresh(b);
	h->len = 1ULL << 40;		/* more than the array holds */
	refused(b, len);
}

/* A count of connections the stream cannot hold is refused as it is
 * read, before anything is allocated for it (fuzz_keep: 2^32 - 1 asked
 * calloc() for 1.4 TB); so is one a record short, with or without the
 * bpf filesystem (dp_keep_parse() reads a buffer). */
static void impossible_counts_are_refused(void **state)
{
	uint8_t b[sizeof(struct v1_head) + sizeof(struct v1_rec)];
	struct v1_head *h = (struct v1_head *)b;
	struct dp_kept k;
	size_t len;

	len = fresh(b);
	h->count = UINT32_MAX;
	assert_int_equal(dp_keep_parse(b, len, 1000000000, &k), -EINVAL);
	assert_null(k.conns);
	refused(b, len);
	len = fresh(b);
	h->count = 2;
	assert_int_equal(dp_keep_parse(b, len, 1000000000, &k), -EINVAL);
	len = fresh(b);
	assert_int_equal(dp_keep_parse(b, len, 1000000000, &k), 0);
	assert_int_equal(k.n, 1);
	dp_kept_free(&k);
	/* a header whose length is past the bytes there are */
	assert_int_equal(dp_keep_parse(b, len - 1, 1000000000, &k), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(saved_comes_back),
		cmocka_unit_test(broken_counters_keep_the_connections),
		cmocka_unit_test(broken_config_keeps_the_rest),
		cmocka_unit_test(version_1_is_read),
		cmocka_unit_test(broken_streams_are_refused),
		cmocka_unit_test(impossible_counts_are_refused),
	};
	char dir[PATH_MAX];
	int ret;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    !mkdtemp(bpffs) || mount("bpf", bpffs, "bpf", 0, NULL)) {
		fprintf(stderr, "test_keep: no bpf filesystem of our own (%s): "
				"skipped\n", strerror(errno));
		return 77;
	}
	snprintf(dir, sizeof(dir), "%s/%s", bpffs, XDPVS_PIN_DIR);
	*strrchr(dir, '/') = '\0';
	mkdir(dir, 0700);
	snprintf(dir, sizeof(dir), "%s/%s", bpffs, XDPVS_PIN_DIR);
	mkdir(dir, 0700);
	ret = cmocka_run_group_tests_name("dp/keep", tests, NULL, NULL);
	umount(bpffs);
	rmdir(bpffs);
	return ret ? 1 : 0;
}
