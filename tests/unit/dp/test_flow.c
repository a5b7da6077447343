// SPDX-License-Identifier: GPL-2.0-only
/*
 * dp/flow.c: the engine's flow adds, deletes and lookups on a real BPF
 * hash map shaped like xdpvs_flows, one at a time and in a burst's
 * batches (dp_flow_batch() .. dp_flow_flush()): the map ends up the same
 * either way, deletes and lookups see the adds made before them, deletes
 * wait for the flush as well and an add overwrites a waiting delete, and a
 * full map counts errors without losing the rest of a batch; a
 * replacement keeps the entry's last_seen in two syscalls and never
 * waits.  And the engine's pass after a route change on such a map: only
 * the flows that changed are written, each in two syscalls; the pass is
 * timed and the times printed (set XDPVS_REFRESH_CONNS, e.g. 200000, for
 * a table of that size).  And a map taken over, pruned to the flows the
 * engine wrote or found.
 *
 * Needs root (BPF maps).  Exits 77 ("skipped") when a map cannot be made.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <cmocka.h>

#include <bpf/bpf.h>

#include "dp/flow.h"
#include "../../lib/enginetest.h"

#define MAP_ENTRIES	1024

/* A map like xdpvs_flows with room for n entries; -errno on failure. */
static int flow_map(uint32_t n)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_NO_PREALLOC);
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "test_flows",
				sizeof(struct xdpvs_flow_key),
				sizeof(struct xdpvs_flow_value), n, &o);

	return fd < 0 ? -errno : fd;
}

static struct xdpvs_flow_key key(uint32_t i)
{
	struct xdpvs_flow_key k;

	memset(&k, 0, sizeof(k));
	k.af = 2;
	k.proto = 17;
	k.sport = (uint16_t)(i & 0xffff);
	k.dport = 9;
	k.saddr.ip = 0xc6130000 + i;	/* 198.19.0.0 + i, host order */
	k.daddr.ip = 0xc6126401;	/* 198.18.100.1 */
	return k;
}

static struct xdpvs_flow_value val(uint32_t i)
{
	struct xdpvs_flow_value v;

	memset(&v, 0, sizeof(v));
	v.action = XDPVS_FLOW_DNAT;
	v.daf = 2;
	v.ifindex = 3;
	v.gen = i;
	return v;
}

/* The gen of k's entry, or -1 if there is none. */
static int64_t gen_of(int fd, uint32_t i)
{
	struct xdpvs_flow_key k = key(i);
	struct xdpvs_flow_value v;

	if (bpf_map_lookup_elem(fd, &k, &v))
		return -1;
	return v.gen;
}

/* The last_seen of k's entry, which must be there. */
static uint64_t seen_of(int fd, uint32_t i)
{
	struct xdpvs_flow_key k = key(i);
	struct xdpvs_flow_value v;

	assert_int_equal(bpf_map_lookup_elem(fd, &k, &v), 0);
	return v.last_seen;
}

/* The fast path forwarded a packet of k's flow at time ns. */
static void stamp(int fd, uint32_t i, uint64_t ns)
{
	struct xdpvs_flow_key k = key(i);
	struct xdpvs_flow_value v;

	assert_int_equal(bpf_map_lookup_elem(fd, &k, &v), 0);
	v.last_seen = ns;
	assert_int_equal(bpf_map_update_elem(fd, &k, &v, BPF_EXIST), 0);
}

static uint32_t map_count(int fd)
{
	struct xdpvs_flow_key k, next;
	void *prev = NULL;
	uint32_t n = 0;

	while (!bpf_map_get_next_key(fd, prev, &next) && n < 100000) {
		k = next;
		prev = &k;
		n++;
	}
	return n;
}

struct fx {
	int fd;
	struct dp_flow *f;
};

static int setup(void **state)
{
	static struct dp_flow f;	/* large: not on the stack */
	static struct fx fx;

	fx.fd = flow_map(MAP_ENTRIES);
	assert_true(fx.fd >= 0);
	assert_int_equal(dp_flow_init(&f, fx.fd, -1), 0);
	fx.f = &f;
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	dp_flow_fini(fx->f);
	close(fx->fd);
	return 0;
}

/* Flow i of generation gen, an add or a replacement (repl). */
static void put(struct dp_flow *f, uint32_t i, uint32_t gen, bool repl)
{
	struct xdpvs_flow_key k = key(i);
	struct xdpvs_flow_value v = val(gen);

	dp_flow_add(f, &k, &v, repl);
}

static void add(struct dp_flow *f, uint32_t i, uint32_t gen)
{
	put(f, i, gen, false);
}

static void adds_outside_a_burst_go_at_once(void **state)
{
	struct fx *fx = *state;

	add(fx->f, 1, 1);
	assert_int_equal(gen_of(fx->fd, 1), 1);
	add(fx->f, 1, 2);	/* an entry there: replaced all the same */
	assert_int_equal(gen_of(fx->fd, 1), 2);
	assert_int_equal(fx->f->adds, 2);
	assert_int_equal(fx->f->errs, 0);
}

static void a_burst_writes_its_adds_at_the_flush(void **state)
{
	struct fx *fx = *state;
	uint32_t i;

	dp_flow_batch(fx->f);
	for (i = 0; i < 3 * DP_FLOW_BATCH + 5; i++)
		add(fx->f, i, i + 100);
	/* every full batch went already, the last few wait */
	assert_int_equal(map_count(fx->fd), 3 * DP_FLOW_BATCH);
	assert_int_equal(gen_of(fx->fd, 3 * DP_FLOW_BATCH + 4), -1);
	dp_flow_flush(fx->f);
	assert_int_equal(map_count(fx->fd), 3 * DP_FLOW_BATCH + 5);
	for (i = 0; i < 3 * DP_FLOW_BATCH + 5; i++)
		assert_int_equal(gen_of(fx->fd, i), i + 100);
	assert_int_equal(fx->f->adds, 3 * DP_FLOW_BATCH + 5);
	assert_int_equal(fx->f->errs, 0);
	assert_false(fx->f->no_batch);
	/* after the flush, adds go at once again */
	add(fx->f, 5000, 7);
	assert_int_equal(gen_of(fx->fd, 5000), 7);
}

static void deletes_and_lookups_see_the_adds_before_them(void **state)
{
	struct fx *fx = *state;
	struct xdpvs_flow_key k = key(2);
	struct xdpvs_flow_value v = val(0);

	v.last_seen = 123;
	dp_flow_batch(fx->f);
	add(fx->f, 1, 1);
	dp_flow_add(fx->f, &k, &v, false);
	add(fx->f, 3, 3);
	k = key(1);
	dp_flow_del(fx->f, &k);		/* after its add, not before */
	k = key(2);
	assert_int_equal(dp_flow_last_seen(fx->f, &k), 123 + fx->f->tick_ns);
	add(fx->f, 1, 11);		/* the same tuple again */
	dp_flow_flush(fx->f);
	assert_int_equal(gen_of(fx->fd, 1), 11);
	assert_int_equal(gen_of(fx->fd, 3), 3);
	assert_int_equal(map_count(fx->fd), 3);
	assert_int_equal(fx->f->dels, 1);
}

/* In a burst deletes wait too: an add of a key whose delete waits
 * overwrites its entry (a client reusing its port), keys that are not
 * there are skipped, and more than a batch goes in several. */
static void a_burst_writes_its_deletes_at_the_flush(void **state)
{
	struct fx *fx = *state;
	struct dp_flow *f = fx->f;
	struct xdpvs_flow_key k;
	uint32_t i;

	for (i = 0; i < 10; i++)
		add(f, i, i);
	dp_flow_batch(f);
	for (i = 0; i < 5; i++) {
		k = key(i);
		dp_flow_del(f, &k);
	}
	add(f, 2, 77);			/* the same tuple, a new connection */
	k = key(7);
	dp_flow_del(f, &k);
	add(f, 7, 88);
	k = key(5000);			/* not there */
	dp_flow_del(f, &k);
	assert_int_equal(map_count(fx->fd), 10);	/* all still waiting */
	assert_int_equal(gen_of(fx->fd, 2), 2);
	dp_flow_flush(f);
	assert_int_equal(map_count(fx->fd), 6);
	for (i = 0; i < 5; i++)
		assert_int_equal(gen_of(fx->fd, i), i == 2 ? 77 : -1);
	assert_int_equal(gen_of(fx->fd, 7), 88);
	assert_int_equal(gen_of(fx->fd, 9), 9);
	assert_int_equal(f->dels, 7);
	assert_int_equal(f->adds, 12);
	assert_int_equal(f->errs, 0);
	assert_false(f->no_batch);
	/* 3 batches and more, keys not there in between */
	for (i = 100; i < 400; i++)
		add(f, i, i);
	dp_flow_batch(f);
	for (i = 100; i < 400; i++) {
		k = key(i);
		dp_flow_del(f, &k);
		if (i % 60 == 0) {
			k = key(i + 1000);
			dp_flow_del(f, &k);
		}
	}
	dp_flow_flush(f);
	assert_int_equal(map_count(fx->fd), 6);
	assert_int_equal(f->dels, 7 + 300 + 5);
	assert_int_equal(f->errs, 0);
	assert_false(f->no_batch);
}

static void a_full_map_counts_errors_and_keeps_the_rest(void **state)
{
	struct fx *fx = *state;
	struct dp_flow *f = fx->f;
	int fd = flow_map(8);
	uint32_t i;

	assert_true(fd >= 0);
	f->flows_fd = fd;
	dp_flow_batch(f);
	for (i = 0; i < 12; i++)
		add(f, i, i);
	dp_flow_flush(f);
	assert_int_equal(map_count(fd), 8);
	assert_int_equal(f->adds, 8);
	assert_int_equal(f->errs, 4);
	assert_false(f->no_batch);	/* refused elements, not batches */
	/* room again: the next burst's batches go */
	for (i = 0; i < 4; i++) {
		struct xdpvs_flow_key k = key(i);

		dp_flow_del(f, &k);
	}
	dp_flow_batch(f);
	for (i = 20; i < 24; i++)
		add(f, i, i);
	dp_flow_flush(f);
	for (i = 20; i < 24; i++)
		assert_int_equal(gen_of(fd, i), i);
	f->flows_fd = fx->fd;
	close(fd);
}

/* The syscalls a write of flow i costs. */
static uint64_t calls_of(struct dp_flow *f, uint32_t i, uint32_t gen,
			 bool repl)
{
	uint64_t c = f->calls;

	put(f, i, gen, repl);
	return f->calls - c;
}

/* A replacement reads last_seen and writes: two syscalls, the entry's
 * last_seen kept; one of a flow not there adds it.  An add is one, three
 * when it finds an entry after all (last_seen kept as well). */
static void a_replacement_costs_two_syscalls(void **state)
{
	struct fx *fx = *state;
	struct dp_flow *f = fx->f;

	assert_int_equal(calls_of(f, 1, 1, false), 1);
	stamp(fx->fd, 1, 555);
	assert_int_equal(calls_of(f, 1, 2, true), 2);
	assert_int_equal(gen_of(fx->fd, 1), 2);
	assert_int_equal(seen_of(fx->fd, 1), 555);
	assert_int_equal(calls_of(f, 2, 2, true), 2);	/* not there */
	assert_int_equal(gen_of(fx->fd, 2), 2);
	assert_int_equal(seen_of(fx->fd, 2), 0);
	stamp(fx->fd, 1, 666);
	assert_int_equal(calls_of(f, 1, 3, false), 3);
	assert_int_equal(gen_of(fx->fd, 1), 3);
	assert_int_equal(seen_of(fx->fd, 1), 666);
	assert_int_equal(f->adds, 4);
	assert_int_equal(f->errs, 0);
}

/* In a burst a replacement goes at once, never in a batch (which would
 * overwrite last_seen), after what waits for its key. */
static void a_replacement_in_a_burst_goes_at_once(void **state)
{
	struct fx *fx = *state;
	struct dp_flow *f = fx->f;
	struct xdpvs_flow_key k = key(3);

	add(f, 1, 1);
	add(f, 3, 3);
	stamp(fx->fd, 1, 555);
	stamp(fx->fd, 3, 777);
	dp_flow_batch(f);
	add(f, 2, 2);				/* waits */
	assert_int_equal(calls_of(f, 1, 11, true), 2);
	assert_int_equal(gen_of(fx->fd, 1), 11);
	assert_int_equal(seen_of(fx->fd, 1), 555);
	assert_int_equal(gen_of(fx->fd, 2), -1);	/* still waiting */
	/* a change of its key waits: that goes first, then the rest */
	dp_flow_del(f, &k);
	add(f, 4, 4);
	put(f, 3, 33, true);
	assert_int_equal(gen_of(fx->fd, 3), 33);
	assert_int_equal(seen_of(fx->fd, 3), 0);	/* deleted first */
	assert_int_equal(gen_of(fx->fd, 2), 2);
	assert_int_equal(gen_of(fx->fd, 4), 4);
	/* nothing waits now: two syscalls, at once */
	assert_int_equal(calls_of(f, 4, 44, true), 2);
	assert_int_equal(gen_of(fx->fd, 4), 44);
	dp_flow_flush(f);
	assert_int_equal(map_count(fx->fd), 4);
	assert_int_equal(f->adds, 7);
	assert_int_equal(f->dels, 1);
	assert_int_equal(f->errs, 0);
}

/* ---- the engine's refresh pass ---- */

#define REFRESH_RS 4		/* real servers */
#define REFRESH_PORTS 60000	/* client ports of a client address */

static struct dp_flow *rf;	/* the engine's flow cache */

static void rf_add(struct et *t, const struct xdpvs_flow_key *k,
		   const struct xdpvs_flow_value *v, bool replace)
{
	dp_flow_add(rf, k, v, replace);
}

static void rf_del(struct et *t, const struct xdpvs_flow_key *k)
{
	dp_flow_del(rf, k);
}

static uint64_t rf_seen(struct et *t, const struct xdpvs_flow_key *k)
{
	return dp_flow_last_seen(rf, k);
}

static const struct et_flow_ops rf_ops = {
	.add = rf_add, .del = rf_del, .last_seen = rf_seen,
};

static uint32_t refresh_conns(void)
{
	const char *s = getenv("XDPVS_REFRESH_CONNS");
	long n = s ? strtol(s, NULL, 10) : 0;

	if (n <= 0 || n > 1000000)
		n = 20000;
	return (uint32_t)(n - n % REFRESH_RS);	/* as many to each */
}

/* n NAT UDP connections to REFRESH_RS real servers (rr: a quarter
 * each), from 198.19.0.1 on and ports 1024 on. */
static void refresh_conns_make(struct et *t, uint32_t n)
{
	char svc[] = "udp 198.18.100.1 80", a[32], c[32];
	struct tb_pkt p = {
		.dmac = ET_LB_MAC, .dst = "198.18.100.1", .src = c,
		.proto = IPPROTO_UDP, .dport = 80,
	};
	uint32_t i;

	et_add_svc(t, svc, "rr");
	for (i = 0; i < REFRESH_RS; i++) {
		snprintf(a, sizeof(a), "198.18.1.%u", 2 + i);
		et_route(t, a, "02:00:00:00:01:02", 2, 1500, "198.18.1.1");
		snprintf(a, sizeof(a), "198.18.1.%u 8080", 2 + i);
		et_add_dest(t, svc, a, 'm', 1);
	}
	for (i = 0; i < n; i++) {
		snprintf(c, sizeof(c), "198.19.%u.%u",
			 (i / REFRESH_PORTS) >> 8, (i / REFRESH_PORTS + 1) & 255);
		p.sport = (uint16_t)(1024 + i % REFRESH_PORTS);
		assert_int_equal(et_rx_pkt(t, 1, &p), XDPVS_TX);
	}
}

static double refresh_ms(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

/* Tell the engine routes changed and time its pass; the writes it made
 * (adds and deletes) are returned, each a replacement: two syscalls. */
static uint64_t refresh_timed(struct et *t, const char *what, uint32_t n)
{
	uint64_t w = rf->adds + rf->dels, c = rf->calls;
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	et_routes_changed(t);
	clock_gettime(CLOCK_MONOTONIC, &b);
	w = rf->adds + rf->dels - w;
	c = rf->calls - c;
	printf("refresh pass, %u NAT connections (%u flows), %s: "
	       "%.1f ms, %llu flows written, %llu bpf() calls\n", n, 2 * n,
	       what, refresh_ms(&a, &b), (unsigned long long)w,
	       (unsigned long long)c);
	assert_int_equal(c, 2 * w);
	return w;
}

/* The first slice of 4096 connections (xdpvsd's) of a pass, timed; the
 * rest of the pass is left to the next call.  Returns its writes. */
static uint64_t refresh_slice_timed(struct et *t, uint32_t n)
{
	uint64_t w = rf->adds + rf->dels;
	struct timespec a, b;

	xdpvs_engine_routes_changed(t->e);
	clock_gettime(CLOCK_MONOTONIC, &a);
	xdpvs_engine_flows_refresh(t->e, 4096);
	clock_gettime(CLOCK_MONOTONIC, &b);
	w = rf->adds + rf->dels - w;
	printf("refresh slice of 4096 of %u NAT connections, every next hop: "
	       "%.1f ms, %llu flows written\n", n, refresh_ms(&a, &b),
	       (unsigned long long)w);
	return w;
}

/* A route change that concerns no flow writes none; one real server's
 * new next hop, its connections' client direction only; a change of
 * every next hop, every flow (what each pass did before), and a slice of
 * such a pass only its connections'. */
static void a_route_change_writes_only_the_flows_it_changed(void **state)
{
	static struct et t;	/* large: not on the stack */
	struct fx *fx = *state;
	uint32_t n = refresh_conns(), i;
	int fd = flow_map(2 * n + 1024);
	uint64_t w;

	assert_true(fd >= 0);
	rf = fx->f;
	rf->flows_fd = fd;
	et_init_flows(&t, n + 1024, &rf_ops);
	refresh_conns_make(&t, n);
	assert_int_equal(rf->adds, 2 * n);
	/* (map_count stops at 100000) */
	assert_int_equal(map_count(fd), 2 * n < 100000 ? 2 * n : 100000);
	assert_int_equal(refresh_timed(&t, "a change of no flow's", n), 0);
	t.routes[0].rt.dmac[4] = 0x09;	/* 198.18.1.2 */
	assert_int_equal(refresh_timed(&t, "one server's next hop", n),
			 n / REFRESH_RS);
	for (i = 0; i < REFRESH_RS; i++)
		t.routes[i].rt.dmac[4] = 0x0a;
	t.deflt[0].rt.dmac[4] = 0x0a;	/* the clients' */
	assert_int_equal(refresh_timed(&t, "every next hop", n), 2 * n);
	for (i = 0; i < REFRESH_RS; i++)
		t.routes[i].rt.dmac[4] = 0x0b;
	t.deflt[0].rt.dmac[4] = 0x0b;
	w = refresh_slice_timed(&t, n);
	assert_true(w > 0 && w < 2 * n);
	assert_false(xdpvs_engine_flows_refresh(t.e, UINT32_MAX));
	assert_int_equal(rf->adds, 2 * n + n / REFRESH_RS + 2 * n + 2 * n);
	assert_int_equal(rf->errs, 0);
	et_fini(&t);
	assert_int_equal(map_count(fd), 0);
	rf->flows_fd = fx->fd;
	close(fd);
}

/* A map taken over: the prune keeps what the engine wrote (at once or in
 * a burst still waiting) and what it found as the fast path wrote it (a
 * connection the fast path made), and deletes the rest. */
static void a_prune_keeps_the_flows_taken_over(void **state)
{
	struct fx *fx = *state;
	struct xdpvs_flow_key k;
	struct xdpvs_flow_value v;
	uint32_t i;

	for (i = 0; i < 10; i++) {	/* the previous xdpvsd's */
		k = key(i);
		v = val(i);
		assert_int_equal(bpf_map_update_elem(fx->fd, &k, &v,
						     BPF_NOEXIST), 0);
	}
	dp_flow_collect(fx->f);
	put(fx->f, 0, 50, true);	/* taken over */
	k = key(1);
	dp_flow_have(fx->f, &k);	/* the fast path's own */
	dp_flow_batch(fx->f);
	put(fx->f, 2, 52, true);	/* taken over, in a burst */
	add(fx->f, 20, 60);		/* new, in the burst */
	assert_int_equal(dp_flow_prune(fx->f), 7);
	assert_int_equal(map_count(fx->fd), 4);
	assert_int_equal(gen_of(fx->fd, 0), 50);
	assert_int_equal(gen_of(fx->fd, 1), 1);
	assert_int_equal(gen_of(fx->fd, 2), 52);
	assert_int_equal(gen_of(fx->fd, 20), 60);
	/* collecting ended with the prune */
	k = key(3);
	dp_flow_have(fx->f, &k);
	assert_int_equal(dp_flow_prune(fx->f), 0);
	assert_int_equal(map_count(fx->fd), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			adds_outside_a_burst_go_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_burst_writes_its_adds_at_the_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(
			deletes_and_lookups_see_the_adds_before_them, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_burst_writes_its_deletes_at_the_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_full_map_counts_errors_and_keeps_the_rest, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_replacement_costs_two_syscalls, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_replacement_in_a_burst_goes_at_once, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_route_change_writes_only_the_flows_it_changed, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			a_prune_keeps_the_flows_taken_over, setup, teardown),
	};
	int fd = flow_map(1);

	if (fd < 0) {
		fprintf(stderr, "test_flow: cannot make a BPF map (%s): "
			"skipped\n", strerror(-fd));
		return 77;
	}
	close(fd);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
