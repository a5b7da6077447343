// SPDX-License-Identifier: GPL-2.0-only
/*
 * dp/pick.c: the engine's picks on real mmapable BPF maps made as the
 * XDP program defines them, the fast path played by the same atomic
 * fetch-and-add on the mapped `next` it makes: a set is published in the
 * half not in use with its count and service and the service's
 * xdpvs_pick_svc entry; taking back returns exactly how many picks were
 * taken (clamped when the fast path ran past the count) and leaves
 * nothing to take; a ring changing service moves its entry; a drop and
 * a reset clear, as does emptying xdpvs_pick_svc by its fd alone;
 * templates land in xdpvs_pick_tm; bad calls change nothing.
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
#include <unistd.h>
#include <netinet/in.h>
#include <cmocka.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/xdpvs.skel.h"
#include "dp/pick.h"

struct fx {
	struct dp_pick_fds fds;
	struct dp_pick *p;
};

static int setup(void **state)
{
	static struct dp_pick p;	/* large: not on the stack */
	static struct fx fx;

	assert_int_equal(dp_pick_maps_create(&fx.fds), 0);
	assert_int_equal(dp_pick_init(&p, &fx.fds), 0);
	fx.p = &p;
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	dp_pick_fini(fx->p);
	close(fx->fds.picks);
	close(fx->fds.svc);
	close(fx->fds.tmpl);
	return 0;
}

/* Service i: 198.18.100.i:80/TCP. */
static struct xdpvs_dp_addr_key svc(uint32_t i)
{
	struct xdpvs_dp_addr_key k;

	memset(&k, 0, sizeof(k));
	k.af = AF_INET;
	k.proto = IPPROTO_TCP;
	k.port = htons(80);
	k.addr.ip = htonl(0xc6126400 + i);
	return k;
}

/* n picks, the j-th with gen base + j and real server j % 3. */
static void picks(struct xdpvs_pick *out, uint32_t n, uint32_t base)
{
	uint32_t j;

	memset(out, 0, n * sizeof(*out));
	for (j = 0; j < n; j++) {
		out[j].gen = base + j;
		out[j].dest_idx = (uint16_t)(j % 3);
	}
}

static void put(struct dp_pick *p, uint32_t ring, uint32_t s, uint32_t n,
		uint32_t base)
{
	struct xdpvs_pick pk[XDPVS_PICK_SLOTS];
	struct xdpvs_dp_addr_key k = svc(s);

	picks(pk, n, base);
	assert_int_equal(dp_pick_put(p, ring, &k, XDPVS_PICK_F_REUSE, pk, n), 0);
}

/* The fast path taking a pick of ring: its gen, or -1 when none is left. */
static int64_t fast_take(struct dp_pick *p, uint32_t ring)
{
	struct xdpvs_pick_ring *r = &p->rings[ring];
	uint64_t next = __atomic_fetch_add(&r->next, 1, __ATOMIC_SEQ_CST);
	unsigned int set = next & XDPVS_PICK_SET ? 1 : 0;
	uint64_t idx = next & ~XDPVS_PICK_SET;

	if (idx >= r->count[set])
		return -1;
	return r->slot[set][idx].gen;
}

static uint32_t take(struct dp_pick *p, uint32_t ring)
{
	uint32_t n = 12345;

	assert_int_equal(dp_pick_take(p, ring, &n), 0);
	return n;
}

/* The ring xdpvs_pick_svc gives service s, or -errno. */
static int64_t ring_of(int fd, uint32_t s)
{
	struct xdpvs_dp_addr_key k = svc(s);
	uint32_t ring;

	if (bpf_map_lookup_elem(fd, &k, &ring))
		return -errno;
	return ring;
}

static void fresh_maps_are_the_programs(void **state)
{
	struct fx *fx = *state;
	struct xdpvs_bpf *skel = xdpvs_bpf__open();
	const struct bpf_map *m[] = { skel ? skel->maps.xdpvs_picks : NULL,
				      skel ? skel->maps.xdpvs_pick_svc : NULL,
				      skel ? skel->maps.xdpvs_pick_tm : NULL };
	int fds[] = { fx->fds.picks, fx->fds.svc, fx->fds.tmpl };
	unsigned int i;

	assert_non_null(skel);
	/* What bpf_map__reuse_fd() requires for the other instances. */
	for (i = 0; i < 3; i++) {
		struct bpf_map_info mi = { 0 };
		uint32_t len = sizeof(mi);

		assert_int_equal(bpf_obj_get_info_by_fd(fds[i], &mi, &len), 0);
		assert_string_equal(mi.name, bpf_map__name(m[i]));
		assert_int_equal(mi.type, bpf_map__type(m[i]));
		assert_int_equal(mi.key_size, bpf_map__key_size(m[i]));
		assert_int_equal(mi.value_size, bpf_map__value_size(m[i]));
		assert_int_equal(mi.max_entries, bpf_map__max_entries(m[i]));
		assert_int_equal(mi.map_flags, bpf_map__map_flags(m[i]));
	}
	xdpvs_bpf__destroy(skel);
}

static void a_put_publishes_the_other_set(void **state)
{
	struct fx *fx = *state;
	struct dp_pick *p = fx->p;
	struct xdpvs_pick_ring *r = &p->rings[5];
	struct xdpvs_dp_addr_key k = svc(1);
	uint64_t calls;

	put(p, 5, 1, 3, 100);
	assert_int_equal(r->next, XDPVS_PICK_SET);	/* set 1, index 0 */
	assert_int_equal(r->count[1], 3);
	assert_int_equal(r->slot[1][2].gen, 102);
	assert_int_equal(r->slot[1][2].dest_idx, 2);
	assert_memory_equal(&r->svc, &k, sizeof(k));
	assert_int_equal(ring_of(fx->fds.svc, 1), 5);
	assert_int_equal(take(p, 5), 0);
	calls = p->calls;
	put(p, 5, 1, 4, 200);
	assert_int_equal(r->next, 0);			/* set 0, index 0 */
	assert_int_equal(r->count[0], 4);
	assert_int_equal(r->count[1], 3);
	assert_int_equal(fast_take(p, 5), 200);
	/* the same service: no syscall */
	assert_int_equal(p->calls, calls);
}

static void a_take_says_how_many_the_fast_path_took(void **state)
{
	struct fx *fx = *state;
	struct dp_pick *p = fx->p;
	int i;

	put(p, 7, 2, 10, 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(fast_take(p, 7), i);
	assert_int_equal(take(p, 7), 4);
	assert_int_equal(fast_take(p, 7), -1);
	assert_true((p->rings[7].next & ~XDPVS_PICK_SET) >= 10);
	/* taken back twice: the first count stands */
	assert_int_equal(take(p, 7), 4);
	assert_int_equal(p->takes, 1);

	/* the fast path ran past the count: clamped */
	put(p, 7, 2, 3, 50);
	assert_int_equal(p->rings[7].next, 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(fast_take(p, 7), 50 + i);
	for (i = 0; i < 5; i++)
		assert_int_equal(fast_take(p, 7), -1);
	assert_int_equal(take(p, 7), 3);
	assert_int_equal(fast_take(p, 7), -1);

	/* a full set, all taken and more */
	put(p, 7, 2, XDPVS_PICK_SLOTS, 1000);
	for (i = 0; i < XDPVS_PICK_SLOTS + 2; i++)
		fast_take(p, 7);
	assert_int_equal(take(p, 7), XDPVS_PICK_SLOTS);
	/* an empty set, and a ring never used */
	put(p, 7, 2, 0, 0);
	assert_int_equal(fast_take(p, 7), -1);
	assert_int_equal(take(p, 7), 0);
	assert_int_equal(take(p, 8), 0);
}

/* The engine taking picks itself, between the fast path's: the same
 * sequence, counted in the take back; none once the set is used up or
 * taken back. */
static void the_engine_takes_the_next_pick(void **state)
{
	struct fx *fx = *state;
	struct dp_pick *p = fx->p;
	struct xdpvs_pick pk;

	put(p, 9, 3, 4, 10);
	assert_int_equal(fast_take(p, 9), 10);
	assert_int_equal(dp_pick_next(p, 9, &pk), 0);
	assert_int_equal(pk.gen, 11);
	assert_int_equal(pk.dest_idx, 1);
	assert_int_equal(fast_take(p, 9), 12);
	assert_int_equal(dp_pick_next(p, 9, &pk), 0);
	assert_int_equal(pk.gen, 13);
	assert_int_equal(dp_pick_next(p, 9, &pk), -ENOENT);
	assert_int_equal(p->nexts, 2);
	assert_int_equal(take(p, 9), 4);
	put(p, 9, 3, 2, 20);
	assert_int_equal(take(p, 9), 0);
	assert_int_equal(dp_pick_next(p, 9, &pk), -ENOENT);
	assert_int_equal(dp_pick_next(p, XDPVS_PICK_RINGS, &pk), -ENOENT);
	assert_int_equal(dp_pick_next(p, 0, &pk), -ENOENT);
	assert_int_equal(p->nexts, 2);
}

static void a_put_over_picks_left_is_refused(void **state)
{
	struct fx *fx = *state;
	struct dp_pick *p = fx->p;
	struct xdpvs_pick pk[2];
	struct xdpvs_dp_addr_key k = svc(3);

	put(p, 9, 3, 2, 10);
	picks(pk, 2, 20);
	assert_int_equal(dp_pick_put(p, 9, &k, 0, pk, 2), -EBUSY);
	assert_int_equal(fast_take(p, 9), 10);
	/* used up by the fast path: a put is fine without a take */
	assert_int_equal(fast_take(p, 9), 11);
	assert_int_equal(dp_pick_put(p, 9, &k, 0, pk, 2), 0);
	assert_int_equal(fast_take(p, 9), 20);
	assert_int_equal(take(p, 9), 1);
}

static void a_ring_changing_service_moves_its_entry(void **state)
{
	struct fx *fx = *state;
	struct dp_pick *p = fx->p;
	struct xdpvs_dp_addr_key k = svc(2);
	uint64_t calls;

	put(p, 5, 1, 3, 0);
	take(p, 5);
	calls = p->calls;
	put(p, 5, 2, 3, 0);
	assert_int_equal(p->calls, calls + 2);	/* delete, update */
	assert_int_equal(ring_of(fx->fds.svc, 1), -ENOENT);
	assert_int_equal(ring_of(fx->fds.svc, 2), 5);
	assert_memory_equal(&p->rings[5].svc, &k, sizeof(k));

	/* service 2 moved to ring 6: ring 5's drop leaves its entry */
	take(p, 5);
	put(p, 6, 2, 3, 0);
	assert_int_equal(ring_of(fx->fds.svc, 2), 6);
	assert_int_equal(dp_pick_drop(p, 5), 0);
	assert_int_equal(ring_of(fx->fds.svc, 2), 6);
	assert_int_equal(fast_take(p, 6), 0);
}

static void a_drop_clears_the_ring(void **state)
{
	struct fx *fx = *state;
	struct dp_pick *p = fx->p;
	struct xdpvs_pick_ring *r = &p->rings[11];
	struct xdpvs_dp_addr_key zero;

	memset(&zero, 0, sizeof(zero));
	put(p, 11, 4, 6, 0);
	fast_take(p, 11);
	fast_take(p, 11);
	assert_int_equal(dp_pick_drop(p, 11), 0);
	assert_int_equal(p->taken, 2);
	assert_int_equal(r->count[0], 0);
	assert_int_equal(r->count[1], 0);
	assert_memory_equal(&r->svc, &zero, sizeof(zero));
	assert_int_equal(ring_of(fx->fds.svc, 4), -ENOENT);
	assert_int_equal(fast_take(p, 11), -1);
	assert_int_equal(take(p, 11), 0);
	/* in use again, for another service */
	put(p, 11, 5, 1, 70);
	assert_int_equal(ring_of(fx->fds.svc, 5), 11);
	assert_int_equal(fast_take(p, 11), 70);
}

static void a_reset_takes_every_ring_back(void **state)
{
	struct fx *fx = *state;
	struct dp_pick *p = fx->p;
	struct xdpvs_dp_addr_key k;

	put(p, 1, 1, 5, 0);
	put(p, XDPVS_PICK_RINGS - 1, 2, 5, 0);
	fast_take(p, 1);
	/* an entry this process did not write (a previous engine's) */
	k = svc(3);
	assert_int_equal(bpf_map_update_elem(fx->fds.svc, &k,
					     &(uint32_t){ 4 }, BPF_ANY), 0);
	assert_int_equal(dp_pick_reset(p), 0);
	assert_int_equal(fast_take(p, 1), -1);
	assert_int_equal(fast_take(p, XDPVS_PICK_RINGS - 1), -1);
	assert_int_equal(bpf_map_get_next_key(fx->fds.svc, NULL, &k),
			 -ENOENT);
	assert_int_equal(take(p, 1), 0);
	/* handed over: nothing is published any more */
	p->off = true;
	put(p, 1, 1, 5, 0);
	assert_int_equal(fast_take(p, 1), -1);
	assert_int_equal(ring_of(fx->fds.svc, 1), -ENOENT);
}

/* A kept program's xdpvs_pick_svc of another ring size, by its fd alone:
 * emptied, so that it finds no ring; the rings are not touched. */
static void a_pick_svc_map_alone_is_emptied(void **state)
{
	struct fx *fx = *state;
	struct dp_pick *p = fx->p;
	struct xdpvs_dp_addr_key k;

	put(p, 1, 1, 5, 0);
	put(p, 7, 2, 5, 0);
	assert_int_equal(ring_of(fx->fds.svc, 2), 7);
	assert_int_equal(dp_pick_svc_empty(fx->fds.svc), 0);
	assert_int_equal(bpf_map_get_next_key(fx->fds.svc, NULL, &k),
			 -ENOENT);
	assert_int_equal(fast_take(p, 7), 0);
	assert_int_equal(dp_pick_svc_empty(fx->fds.svc), 0);
	assert_int_equal(dp_pick_svc_empty(-1), -EBADF);
}

static void a_template_lands_in_the_map(void **state)
{
	struct fx *fx = *state;
	struct xdpvs_flow_value v, got;
	uint32_t i;

	for (i = 0; i < XDPVS_FLOW_MAX_SLOTS; i += XDPVS_FLOW_MAX_SLOTS - 1) {
		memset(&v, 0, sizeof(v));
		v.action = XDPVS_FLOW_DNAT;
		v.ifindex = 3 + i;
		v.mtu = 1500;
		assert_int_equal(dp_pick_tmpl(fx->p, i, &v), 0);
		memset(&got, 0xff, sizeof(got));
		assert_int_equal(bpf_map_lookup_elem(fx->fds.tmpl, &i, &got),
				 0);
		assert_memory_equal(&got, &v, sizeof(v));
	}
	assert_int_equal(dp_pick_tmpl(fx->p, XDPVS_FLOW_MAX_SLOTS, &v),
			 -EINVAL);
}

static void bad_calls_change_nothing(void **state)
{
	struct fx *fx = *state;
	struct dp_pick *p = fx->p;
	struct xdpvs_pick pk[XDPVS_PICK_SLOTS + 1];
	struct xdpvs_dp_addr_key k = svc(1);
	uint32_t n;

	picks(pk, XDPVS_PICK_SLOTS + 1, 0);
	assert_int_equal(dp_pick_put(p, 0, &k, 0, pk, 1), -EINVAL);
	assert_int_equal(dp_pick_put(p, XDPVS_PICK_RINGS, &k, 0, pk, 1),
			 -EINVAL);
	assert_int_equal(dp_pick_put(p, 3, &k, 0, pk, XDPVS_PICK_SLOTS + 1),
			 -EINVAL);
	assert_int_equal(dp_pick_take(p, XDPVS_PICK_RINGS, &n), -EINVAL);
	assert_int_equal(n, 0);
	assert_int_equal(dp_pick_drop(p, 0), -EINVAL);
	assert_int_equal(p->errs, 5);
	assert_int_equal(p->rings[0].count[1], 0);
	assert_int_equal(p->rings[3].count[1], 0);
	assert_int_equal(ring_of(fx->fds.svc, 1), -ENOENT);
}

static void a_map_of_another_layout_is_not_mapped(void **state)
{
	LIBBPF_OPTS(bpf_map_create_opts, mm, .map_flags = BPF_F_MMAPABLE);
	struct fx *fx = *state;
	struct dp_pick_fds fds = fx->fds;
	struct dp_pick p;

	fds.tmpl = bpf_map_create(BPF_MAP_TYPE_ARRAY, "test_pick_tm", 4,
				  sizeof(struct xdpvs_flow_value) - 8,
				  XDPVS_FLOW_MAX_SLOTS, &mm);
	assert_true(fds.tmpl >= 0);
	assert_int_equal(dp_pick_init(&p, &fds), -EINVAL);
	assert_null(p.rings);
	close(fds.tmpl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(fresh_maps_are_the_programs,
						setup, teardown),
		cmocka_unit_test_setup_teardown(a_put_publishes_the_other_set,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_take_says_how_many_the_fast_path_took, setup,
			teardown),
		cmocka_unit_test_setup_teardown(the_engine_takes_the_next_pick,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_put_over_picks_left_is_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_ring_changing_service_moves_its_entry, setup,
			teardown),
		cmocka_unit_test_setup_teardown(a_drop_clears_the_ring, setup,
						teardown),
		cmocka_unit_test_setup_teardown(a_reset_takes_every_ring_back,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_pick_svc_map_alone_is_emptied, setup, teardown),
		cmocka_unit_test_setup_teardown(a_template_lands_in_the_map,
						setup, teardown),
		cmocka_unit_test_setup_teardown(bad_calls_change_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_map_of_another_layout_is_not_mapped, setup,
			teardown),
	};
	struct dp_pick_fds fds;
	int err = dp_pick_maps_create(&fds);

	if (err) {
		fprintf(stderr, "test_pick: cannot make the BPF maps (%s): "
			"skipped\n", strerror(-err));
		return 77;
	}
	close(fds.picks);
	close(fds.svc);
	close(fds.tmpl);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
