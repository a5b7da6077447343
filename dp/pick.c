// SPDX-License-Identifier: GPL-2.0-only
/*
 * The engine's choices made ahead, in the XDP program's maps (pick.h).
 *
 * Ordering: a set's picks, its count and the ring's svc are plain stores
 * made while nothing can be taken from that set (it is not the one
 * `next` names); `next` is then stored with release semantics, and the
 * fast path's fetch-and-add (a full barrier) that reads it sees them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "pick.h"

#define PICK_INDEX(next)	((next) & ~XDPVS_PICK_SET)
#define PICK_SET_OF(next)	(((next) & XDPVS_PICK_SET) ? 1 : 0)

/* The kernel lays an array map's values out every round_up(size, 8). */
static size_t pick_stride(size_t value_size)
{
	return (value_size + 7) & ~(size_t)7;
}

/* Close the fds of *fds that are open and mark them all closed. */
static void pick_fds_close(struct dp_pick_fds *fds)
{
	int *f[] = { &fds->picks, &fds->svc, &fds->tmpl };
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (*f[i] >= 0)
			close(*f[i]);
		*f[i] = -1;
	}
}

int dp_pick_maps_create(struct dp_pick_fds *fds)
{
	LIBBPF_OPTS(bpf_map_create_opts, mm, .map_flags = BPF_F_MMAPABLE);
	int err;

	fds->picks = bpf_map_create(BPF_MAP_TYPE_ARRAY, XDPVS_PICK_MAP,
				    sizeof(__u32),
				    sizeof(struct xdpvs_pick_ring),
				    XDPVS_PICK_RINGS, &mm);
	fds->svc = bpf_map_create(BPF_MAP_TYPE_HASH, XDPVS_PICK_SVC_MAP,
				  sizeof(struct xdpvs_dp_addr_key),
				  sizeof(__u32), XDPVS_PICK_RINGS, NULL);
	fds->tmpl = bpf_map_create(BPF_MAP_TYPE_ARRAY, XDPVS_PICK_TMPL_MAP,
				   sizeof(__u32),
				   sizeof(struct xdpvs_flow_value),
				   XDPVS_FLOW_MAX_SLOTS, &mm);
	if (fds->picks >= 0 && fds->svc >= 0 && fds->tmpl >= 0)
		return 0;
	err = -errno;
	pick_fds_close(fds);
	return err;
}

/*
 * Map array fd in, shared and writable, after checking it is the
 * mmapable array of value_size and max_entries this build writes: a map
 * of another layout would be written out of its slots.  NULL with
 * *err = -errno.
 */
static void *pick_mmap(int fd, uint32_t value_size, uint32_t max_entries,
		       size_t *len, int *err)
{
	struct bpf_map_info mi = { 0 };
	uint32_t mlen = sizeof(mi);
	void *m;

	if (bpf_obj_get_info_by_fd(fd, &mi, &mlen)) {
		*err = -errno;
		return NULL;
	}
	if (mi.type != BPF_MAP_TYPE_ARRAY || mi.value_size != value_size ||
	    mi.max_entries != max_entries ||
	    !(mi.map_flags & BPF_F_MMAPABLE)) {
		*err = -EINVAL;
		return NULL;
	}
	*len = (size_t)max_entries * pick_stride(value_size);
	m = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		*err = -errno;
		return NULL;
	}
	return m;
}

int dp_pick_init(struct dp_pick *p, const struct dp_pick_fds *fds)
{
	int err = 0;

	_Static_assert(sizeof(struct xdpvs_pick_ring) % 8 == 0 &&
		       sizeof(struct xdpvs_flow_value) % 8 == 0,
		       "the structs index the mapped arrays");
	memset(p, 0, sizeof(*p));
	p->svc_fd = fds->svc;
	p->rings = pick_mmap(fds->picks, sizeof(struct xdpvs_pick_ring),
			     XDPVS_PICK_RINGS, &p->rings_len, &err);
	if (p->rings)
		p->tmpl = pick_mmap(fds->tmpl,
				    sizeof(struct xdpvs_flow_value),
				    XDPVS_FLOW_MAX_SLOTS, &p->tmpl_len, &err);
	if (!p->tmpl) {
		dp_pick_fini(p);
		return err;
	}
	return 0;
}

void dp_pick_fini(struct dp_pick *p)
{
	if (p->rings)
		munmap(p->rings, p->rings_len);
	if (p->tmpl)
		munmap(p->tmpl, p->tmpl_len);
	p->rings = NULL;
	p->tmpl = NULL;
}

/* Ring i, or NULL when out of range (ring 0 is never used) or unmapped. */
static struct xdpvs_pick_ring *pick_ring(struct dp_pick *p, uint32_t i)
{
	if (!p->rings || !i || i >= XDPVS_PICK_RINGS)
		return NULL;
	return &p->rings[i];
}

/* Has r a pick left to take? */
static bool pick_left(const struct xdpvs_pick_ring *r)
{
	uint64_t next = __atomic_load_n(&r->next, __ATOMIC_ACQUIRE);

	return PICK_INDEX(next) < r->count[PICK_SET_OF(next)];
}

/* Delete ring i's xdpvs_pick_svc entry, if it has one.  0 or -errno. */
static int pick_svc_unmap(struct dp_pick *p, uint32_t i)
{
	struct dp_pick_ring *s = &p->st[i];

	if (!s->mapped)
		return 0;
	p->calls++;
	if (bpf_map_delete_elem(p->svc_fd, &s->svc) && errno != ENOENT)
		return -errno;
	s->mapped = false;
	return 0;
}

/*
 * Make svc map to ring i in xdpvs_pick_svc (no syscall when it does
 * already): the ring's old key goes first, and a ring that had svc's
 * entry (the engine moved the service) no longer owns it, so that its
 * drop does not delete ring i's entry.  0 or -errno.
 */
static int pick_svc_map(struct dp_pick *p, uint32_t i,
			const struct xdpvs_dp_addr_key *svc)
{
	struct dp_pick_ring *s = &p->st[i];
	uint32_t j;
	int err;

	if (s->mapped && !memcmp(&s->svc, svc, sizeof(*svc)))
		return 0;
	err = pick_svc_unmap(p, i);
	if (err)
		return err;
	p->calls++;
	if (bpf_map_update_elem(p->svc_fd, svc, &i, BPF_ANY))
		return -errno;
	for (j = 0; j < XDPVS_PICK_RINGS; j++)
		if (p->st[j].mapped &&
		    !memcmp(&p->st[j].svc, svc, sizeof(*svc)))
			p->st[j].mapped = false;
	s->svc = *svc;
	s->mapped = true;
	return 0;
}

int dp_pick_put(struct dp_pick *p, uint32_t ring,
		const struct xdpvs_dp_addr_key *svc, uint32_t flags,
		const struct xdpvs_pick *picks, uint32_t n)
{
	struct xdpvs_pick_ring *r = pick_ring(p, ring);
	unsigned int set;

	if (!r || !svc || n > XDPVS_PICK_SLOTS || (n && !picks)) {
		p->errs++;
		return -EINVAL;
	}
	if (p->off)
		return 0;
	/* Publishing over picks left would lose them unaccounted. */
	if (pick_left(r)) {
		p->errs++;
		return -EBUSY;
	}
	set = PICK_SET_OF(__atomic_load_n(&r->next, __ATOMIC_RELAXED)) ^ 1;
	memcpy(r->slot[set], picks, n * sizeof(*picks));
	r->count[set] = n;
	r->svc = *svc;
	r->flags = flags;
	__atomic_store_n(&r->next, set ? XDPVS_PICK_SET : 0, __ATOMIC_RELEASE);
	p->st[ring].live = true;
	p->st[ring].taken = 0;
	p->puts++;
	return pick_svc_map(p, ring, svc);
}

/*
 * Exhaust r in place: its index becomes XDPVS_PICK_SLOTS, at or past
 * any count, in the same set, so that a fast path that indexed it just
 * before still reads that set.  Returns how many of its set's picks were
 * taken: the old index (which the fast path moves past the count when
 * none is left) clamped at the count.
 */
static uint32_t pick_exhaust(struct xdpvs_pick_ring *r)
{
	uint64_t set = __atomic_load_n(&r->next, __ATOMIC_RELAXED) &
		       XDPVS_PICK_SET;
	uint64_t old = __atomic_exchange_n(&r->next, set | XDPVS_PICK_SLOTS,
					   __ATOMIC_ACQ_REL);
	uint64_t idx = PICK_INDEX(old);
	uint32_t count = r->count[PICK_SET_OF(old)];

	return idx < count ? (uint32_t)idx : count;
}

int dp_pick_take(struct dp_pick *p, uint32_t ring, uint32_t *taken)
{
	struct xdpvs_pick_ring *r = pick_ring(p, ring);
	struct dp_pick_ring *s;
	uint32_t n;

	*taken = 0;
	if (!r) {
		p->errs++;
		return -EINVAL;
	}
	s = &p->st[ring];
	/* Exhausted already, the index says nothing of the takes any more:
	 * the first take back's count stands. */
	n = pick_exhaust(r);
	if (s->live) {
		s->taken = n;
		s->live = false;
		p->takes++;
		p->taken += n;
	}
	*taken = s->taken;
	return 0;
}

int dp_pick_next(struct dp_pick *p, uint32_t ring, struct xdpvs_pick *pk)
{
	struct xdpvs_pick_ring *r = pick_ring(p, ring);
	uint64_t next;
	uint32_t i;

	if (!r || p->off)
		return -ENOENT;
	/* as the fast path takes one: past the count, none was left */
	next = __atomic_fetch_add(&r->next, 1, __ATOMIC_ACQ_REL);
	i = (uint32_t)PICK_INDEX(next);
	if (PICK_INDEX(next) >= r->count[PICK_SET_OF(next)] ||
	    i >= XDPVS_PICK_SLOTS)
		return -ENOENT;
	*pk = r->slot[PICK_SET_OF(next)][i];
	p->nexts++;
	return 0;
}

/* Forget r's picks and service (after pick_exhaust). */
static void pick_clear(struct xdpvs_pick_ring *r)
{
	r->count[0] = r->count[1] = 0;
	memset(&r->svc, 0, sizeof(r->svc));
}

int dp_pick_drop(struct dp_pick *p, uint32_t ring)
{
	uint32_t taken;
	int err = dp_pick_take(p, ring, &taken);

	if (err)
		return err;
	err = pick_svc_unmap(p, ring);
	pick_clear(&p->rings[ring]);
	p->st[ring].taken = 0;
	return err;
}

int dp_pick_tmpl(struct dp_pick *p, uint32_t dest_idx,
		 const struct xdpvs_flow_value *v)
{
	if (!p->tmpl || dest_idx >= XDPVS_FLOW_MAX_SLOTS) {
		p->errs++;
		return -EINVAL;
	}
	memcpy(&p->tmpl[dest_idx], v, sizeof(*v));
	return 0;
}

/* Delete every entry of the xdpvs_pick_svc map fd, counting the bpf()
 * calls in *calls.  0 or -errno. */
static int pick_svc_empty_fd(int fd, uint64_t *calls)
{
	struct xdpvs_dp_addr_key k;
	uint32_t n;

	/* Bounded: a key that cannot be deleted would come first again. */
	for (n = 0; n <= XDPVS_PICK_RINGS; n++) {
		(*calls)++;
		if (bpf_map_get_next_key(fd, NULL, &k))
			return errno == ENOENT ? 0 : -errno;
		(*calls)++;
		if (bpf_map_delete_elem(fd, &k) && errno != ENOENT)
			return -errno;
	}
	return -EBUSY;
}

static int pick_svc_empty(struct dp_pick *p)
{
	return pick_svc_empty_fd(p->svc_fd, &p->calls);
}

int dp_pick_svc_empty(int svc_fd)
{
	uint64_t calls = 0;

	return pick_svc_empty_fd(svc_fd, &calls);
}

int dp_pick_reset(struct dp_pick *p)
{
	uint32_t i;

	if (!p->rings)
		return -EBADF;
	for (i = 0; i < XDPVS_PICK_RINGS; i++) {
		pick_exhaust(&p->rings[i]);
		pick_clear(&p->rings[i]);
		memset(&p->st[i], 0, sizeof(p->st[i]));
	}
	return pick_svc_empty(p);
}

void dp_pick_dump(const struct dp_pick *p, FILE *out)
{
	fprintf(out, "pick puts %llu takes %llu taken %llu next %llu "
		"errors %llu syscalls %llu%s\n", (unsigned long long)p->puts,
		(unsigned long long)p->takes, (unsigned long long)p->taken,
		(unsigned long long)p->nexts, (unsigned long long)p->errs,
		(unsigned long long)p->calls,
		p->off ? " (handed over)" : "");
}
