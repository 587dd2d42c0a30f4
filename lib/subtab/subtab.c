/* SPDX-License-Identifier: BSD-3-Clause
 * Subscription table: a fixed directory of buckets (by a seeded hash of
 * the channel), each an immutable sorted array of (channel, snapshot);
 * every change builds a new bucket and a new snapshot (copy-on-write by
 * a single writer), publishes the bucket with one pointer store, and
 * retires what it replaced through the table's rte_rcu_qsbr variable.
 *
 * Nothing here has a fixed number of slots that deleted entries could
 * hold while their grace period runs (as a hash's key slots do): limits
 * count live channels and members only, and old memory is heap memory
 * waiting for readers. Only a reader that stops reporting quiescent
 * states can run that up, and it is bounded too: past max_retired
 * retired objects a change is refused (-ENOSPC) until readers move on.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "subtab.h"

/* Keeps one snapshot below 64 MB and every size computation in range. */
#define SUBTAB_MEMBERS_LIMIT  (1u << 20)
#define SUBTAB_CHANNELS_LIMIT (1u << 26)
/* Buckets: at least half as many as channels (two per bucket at most on
 * average when full), a power of two. */
#define SUBTAB_BUCKETS_MIN 64u
#define SUBTAB_BUCKETS_MAX (1u << 22)
/* Retired objects a stalled reader may hold before changes are refused
 * (a change retires at most two: a bucket and a snapshot), unless the
 * creator sets its own bound. */
#define SUBTAB_RETIRED_MIN 65536u

/*
 * Writer-private header, one cache line in front of every bucket and
 * snapshot. It links the object into the retire list once unpublished,
 * so retiring needs no allocation and can never fail after a publish.
 */
struct obj_hdr {
	struct obj_hdr *next;
	uint64_t token; /* rte_rcu_qsbr_start() after the unpublish */
	bool is_snapshot;
};

#define OBJ_HDR_SPACE RTE_CACHE_LINE_ROUNDUP(sizeof(struct obj_hdr))

struct bucket_entry {
	uint64_t channel;
	struct subtab_channel *snap;
};

/* An immutable bucket: its channels in increasing order, and the table
 * version that published it (a bucket emptied by a change stays, empty,
 * so that a lookup of a channel that just left still has a version). */
struct bucket {
	uint64_t version;
	uint32_t n;
	struct bucket_entry e[];
};

/* The one change between subtab_stage and subtab_commit. */
struct staged_change {
	bool active;
	struct bucket **slot;
	struct bucket *nb, *old;
	struct subtab_channel *snap, *old_snap;
	uint32_t n_old_members;
};

struct subtab {
	struct bucket **dir; /* n_buckets pointers, NULL: empty */
	uint32_t mask;
	uint32_t seed;
	struct rte_rcu_qsbr *qsv;
	uint32_t max_channels;
	uint32_t max_members;
	uint32_t max_retired;
	int socket_id;
	uint64_t gen;	    /* last version published */
	uint64_t published; /* gen, stored with release after the bucket */
	struct staged_change staged;
	/* Retired objects, oldest first: their tokens never decrease. */
	struct obj_hdr *retired_head;
	struct obj_hdr *retired_last;
	unsigned int n_retired;	      /* buckets and snapshots */
	unsigned int n_retired_snaps; /* snapshots alone */
	subtab_free_hook_t free_hook;
	void *free_hook_arg;
	/* Written by the writer only; relaxed atomics so that a monitoring
	 * thread may read them without a data race. */
	struct subtab_stats st;
};

static inline void
stat_add(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

static inline void
stat_sub(uint64_t *c, uint64_t n)
{
	__atomic_fetch_sub(c, n, __ATOMIC_RELAXED);
}

static inline struct obj_hdr *
hdr_of(const void *obj)
{
	return (struct obj_hdr *)RTE_PTR_SUB(obj, OBJ_HDR_SPACE);
}

static inline void *
obj_of(struct obj_hdr *hd)
{
	return RTE_PTR_ADD(hd, OBJ_HDR_SPACE);
}

static void *
obj_alloc(const struct subtab *t, size_t size, bool is_snapshot)
{
	struct obj_hdr *hd;

	hd = rte_zmalloc_socket("subtab", OBJ_HDR_SPACE + size,
				RTE_CACHE_LINE_SIZE, t->socket_id);
	if (hd == NULL)
		return NULL;
	hd->is_snapshot = is_snapshot;
	return obj_of(hd);
}

static void
obj_free(const struct subtab *t, void *obj)
{
	struct obj_hdr *hd = hdr_of(obj);

	if (hd->is_snapshot && t->free_hook != NULL)
		t->free_hook(obj, t->free_hook_arg);
	rte_free(hd);
}

/* Queue an unpublished object for freeing after a grace period. */
static void
obj_retire(struct subtab *t, const void *obj)
{
	struct obj_hdr *hd = hdr_of(obj);

	/* The token must be taken after the unpublish store; its release
	 * ordering keeps that store before the token increment. */
	hd->token = rte_rcu_qsbr_start(t->qsv);
	hd->next = NULL;
	if (t->retired_last == NULL)
		t->retired_head = hd;
	else
		t->retired_last->next = hd;
	t->retired_last = hd;
	t->n_retired++;
	if (hd->is_snapshot) {
		t->n_retired_snaps++;
		stat_add(&t->st.retired, 1);
	}
}

static inline size_t
snap_size(uint32_t n_members)
{
	return sizeof(struct subtab_channel) +
	       (size_t)n_members * sizeof(struct subtab_member);
}

/* A new, unpublished snapshot with its header fields set. */
static struct subtab_channel *
snap_alloc(const struct subtab *t, uint64_t channel, uint32_t n_members)
{
	struct subtab_channel *c = obj_alloc(t, snap_size(n_members), true);

	if (c == NULL)
		return NULL;
	c->channel = channel;
	c->n_members = n_members;
	return c;
}

static inline uint32_t
bucket_index(const struct subtab *t, uint64_t channel)
{
	return rte_hash_crc_8byte(channel, t->seed) & t->mask;
}

/* Index of channel in b, or of where it would go (*found false). */
static uint32_t
bucket_search(const struct bucket *b, uint64_t channel, bool *found)
{
	uint32_t lo = 0, hi = b->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (b->e[mid].channel < channel)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < b->n && b->e[lo].channel == channel;
	return lo;
}

struct subtab *
subtab_create(const struct subtab_params *p)
{
	uint32_t n_buckets;
	struct subtab *t;

	if (p == NULL || p->name == NULL || p->qsv == NULL ||
	    p->max_channels == 0 || p->max_channels > SUBTAB_CHANNELS_LIMIT ||
	    p->max_members == 0 || p->max_members > SUBTAB_MEMBERS_LIMIT) {
		rte_errno = EINVAL;
		return NULL;
	}
	t = rte_zmalloc_socket("subtab", sizeof(*t), RTE_CACHE_LINE_SIZE,
			       p->socket_id);
	if (t == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	n_buckets = rte_align32pow2(
		RTE_MAX(p->max_channels / 2, SUBTAB_BUCKETS_MIN));
	n_buckets = RTE_MIN(n_buckets, SUBTAB_BUCKETS_MAX);
	t->dir = rte_zmalloc_socket("subtab_dir", sizeof(*t->dir) * n_buckets,
				    RTE_CACHE_LINE_SIZE, p->socket_id);
	if (t->dir == NULL) {
		rte_free(t);
		rte_errno = ENOMEM;
		return NULL;
	}
	t->mask = n_buckets - 1;
	/* Seeded: which channels share a bucket is not for a client to
	 * choose (a bucket is searched in log time all the same). */
	t->seed = (uint32_t)rte_rdtsc();
	t->qsv = p->qsv;
	t->max_channels = p->max_channels;
	t->max_members = p->max_members;
	t->max_retired = p->max_retired != 0 ? RTE_MAX(p->max_retired, 2u)
					     : RTE_MAX(SUBTAB_RETIRED_MIN,
						       4 * p->max_channels);
	t->socket_id = p->socket_id;
	return t;
}

void
subtab_free(struct subtab *t)
{
	uint32_t i, j;

	if (t == NULL)
		return;
	/* No reader is online any more: live objects can go at once. */
	for (i = 0; i <= t->mask; i++) {
		struct bucket *b = t->dir[i];

		if (b == NULL)
			continue;
		for (j = 0; j < b->n; j++)
			obj_free(t, b->e[j].snap);
		obj_free(t, b);
	}
	subtab_reclaim_all(t);
	rte_free(t->dir);
	rte_free(t);
}

const struct subtab_channel *
subtab_lookup_version(const struct subtab *t, uint64_t channel,
		      uint64_t *version)
{
	const struct bucket *b = __atomic_load_n(
		&t->dir[bucket_index(t, channel)], __ATOMIC_ACQUIRE);
	bool found;
	uint32_t i;

	/* Never changed: no change of this channel to act on. */
	if (b == NULL) {
		*version = 0;
		return NULL;
	}
	*version = b->version;
	i = bucket_search(b, channel, &found);
	return found ? b->e[i].snap : NULL;
}

const struct subtab_channel *
subtab_lookup(const struct subtab *t, uint64_t channel)
{
	uint64_t v;

	return subtab_lookup_version(t, channel, &v);
}

uint64_t
subtab_published(const struct subtab *t)
{
	return __atomic_load_n(&t->published, __ATOMIC_ACQUIRE);
}

/*
 * Stage snap (NULL: none) as channel's snapshot: build the bucket that
 * will replace channel's, with the next version. Nothing is visible to
 * readers yet; this is the only step of a change that can fail.
 */
static int
change_stage(struct subtab *t, uint64_t channel, struct subtab_channel *snap)
{
	struct staged_change *sc = &t->staged;
	struct bucket **slot = &t->dir[bucket_index(t, channel)];
	struct bucket *old = *slot, *nb;
	uint32_t n_old = old == NULL ? 0 : old->n, pos = 0, n, k = 0, i;
	bool found = false;

	if (sc->active)
		return -EINVAL;
	if (t->n_retired + 2 > t->max_retired) {
		subtab_reclaim(t);
		if (t->n_retired + 2 > t->max_retired)
			return -ENOSPC; /* readers are not moving on */
	}
	if (old != NULL)
		pos = bucket_search(old, channel, &found);
	n = n_old - found + (snap != NULL);
	nb = obj_alloc(t, sizeof(*nb) + n * sizeof(nb->e[0]), false);
	if (nb == NULL)
		return -ENOMEM;
	nb->n = n;
	nb->version = t->gen + 1;
	for (i = 0; i < pos; i++)
		nb->e[k++] = old->e[i];
	if (snap != NULL) {
		snap->version = nb->version;
		nb->e[k++] = (struct bucket_entry){channel, snap};
	}
	for (i = pos + found; i < n_old; i++)
		nb->e[k++] = old->e[i];
	sc->active = true;
	sc->slot = slot;
	sc->nb = nb;
	sc->old = old;
	sc->snap = snap;
	sc->old_snap = found ? old->e[pos].snap : NULL;
	return 0;
}

/* Publish the staged change with one release store (then the version),
 * and retire what it replaced. */
static void
change_commit(struct subtab *t)
{
	struct staged_change *sc = &t->staged;

	t->gen = sc->nb->version;
	__atomic_store_n(sc->slot, sc->nb, __ATOMIC_RELEASE);
	__atomic_store_n(&t->published, t->gen, __ATOMIC_RELEASE);
	if (sc->old != NULL)
		obj_retire(t, sc->old);
	if (sc->old_snap != NULL)
		obj_retire(t, sc->old_snap);
	if ((sc->old_snap == NULL) != (sc->snap == NULL))
		__atomic_fetch_add(&t->st.channels, sc->snap != NULL ? 1 : -1,
				   __ATOMIC_RELAXED);
	sc->active = false;
}

/* Drop the staged change: never visible, so freed at once. */
static void
change_abort(struct subtab *t)
{
	struct staged_change *sc = &t->staged;

	obj_free(t, sc->nb);
	if (sc->snap != NULL)
		obj_free(t, sc->snap);
	sc->active = false;
}

/* Stage and commit at once; nothing is published on failure (snap is
 * the caller's to free then). */
static int
channel_publish(struct subtab *t, uint64_t channel, struct subtab_channel *snap)
{
	int ret = change_stage(t, channel, snap);

	if (ret == 0)
		change_commit(t);
	return ret;
}

static int
member_find(const struct subtab_channel *c, uint32_t subscriber, uint32_t ip,
	    uint16_t udp_port)
{
	const struct subtab_member *m;
	uint32_t i;

	for (i = 0; c != NULL && i < c->n_members; i++) {
		m = &c->members[i];
		if (m->subscriber == subscriber && m->ip == ip &&
		    m->udp_port == udp_port)
			return (int)i;
	}
	return -1;
}

static inline bool
member_on_endpoint(const struct subtab_member *m, uint32_t ip,
		   uint16_t udp_port)
{
	return m->ip == ip && m->udp_port == udp_port;
}

int
subtab_add(struct subtab *t, uint64_t channel, const struct subtab_member *m)
{
	const struct subtab_channel *old;
	struct subtab_channel *c;
	uint32_t n_old;
	int idx, ret;

	if (t == NULL || m == NULL || channel == 0 || m->subscriber == 0)
		return -EINVAL;
	old = subtab_lookup(t, channel);
	n_old = old == NULL ? 0 : old->n_members;
	idx = member_find(old, m->subscriber, m->ip, m->udp_port);
	if (idx < 0 && (n_old >= t->max_members ||
			(old == NULL && t->st.channels >= t->max_channels))) {
		stat_add(&t->st.full, 1);
		return -ENOSPC;
	}
	c = snap_alloc(t, channel, idx < 0 ? n_old + 1 : n_old);
	if (c == NULL)
		return -ENOMEM;
	if (n_old > 0)
		memcpy(c->members, old->members,
		       n_old * sizeof(old->members[0]));
	/* Append keeps insertion order; a replace keeps the position. */
	c->members[idx < 0 ? n_old : (uint32_t)idx] = *m;
	ret = channel_publish(t, channel, c);
	if (ret < 0) {
		/* Never visible to readers: free at once. */
		obj_free(t, c);
		if (ret == -ENOSPC)
			stat_add(&t->st.full, 1);
		return ret;
	}
	subtab_reclaim(t);
	if (idx >= 0) {
		stat_add(&t->st.replaces, 1);
		return 1;
	}
	stat_add(&t->st.members, 1);
	stat_add(&t->st.adds, 1);
	return 0;
}

/* Checks and the new snapshot of a whole-membership change: 0 with *c
 * (NULL for an empty channel; *noop when there is nothing to change),
 * or -ENOSPC / -ENOMEM / -EINVAL. */
static int
set_prepare(struct subtab *t, uint64_t channel, const struct subtab_member *m,
	    uint32_t n, struct subtab_channel **c, uint32_t *n_old, bool *noop)
{
	const struct subtab_channel *old;

	*c = NULL;
	*noop = false;
	if (t == NULL || channel == 0 || (n > 0 && m == NULL))
		return -EINVAL;
	old = subtab_lookup(t, channel);
	*n_old = old == NULL ? 0 : old->n_members;
	if (n > t->max_members ||
	    (n > 0 && old == NULL && t->st.channels >= t->max_channels)) {
		stat_add(&t->st.full, 1);
		return -ENOSPC;
	}
	if (n == 0) {
		*noop = old == NULL;
		return 0;
	}
	*c = snap_alloc(t, channel, n);
	if (*c == NULL)
		return -ENOMEM;
	memcpy((*c)->members, m, n * sizeof(*m));
	return 0;
}

int
subtab_set(struct subtab *t, uint64_t channel, const struct subtab_member *m,
	   uint32_t n)
{
	struct subtab_channel *c;
	uint32_t n_old;
	bool noop;
	int ret;

	ret = set_prepare(t, channel, m, n, &c, &n_old, &noop);
	if (ret < 0 || noop)
		return ret;
	ret = channel_publish(t, channel, c);
	if (ret < 0) {
		if (c != NULL)
			obj_free(t, c);
		return ret;
	}
	stat_sub(&t->st.members, n_old);
	stat_add(&t->st.members, n);
	subtab_reclaim(t);
	return 0;
}

int
subtab_stage(struct subtab *t, uint64_t channel, const struct subtab_member *m,
	     uint32_t n, uint64_t *version)
{
	struct subtab_channel *c;
	uint32_t n_old;
	bool noop;
	int ret;

	if (version == NULL)
		return -EINVAL;
	ret = set_prepare(t, channel, m, n, &c, &n_old, &noop);
	if (ret < 0)
		return ret;
	/* Even a change to nothing gets its version: the caller promised
	 * it to readers. */
	ret = change_stage(t, channel, c);
	if (ret < 0) {
		if (c != NULL)
			obj_free(t, c);
		return ret;
	}
	t->staged.n_old_members = n_old;
	*version = t->staged.nb->version;
	return 0;
}

void
subtab_commit(struct subtab *t)
{
	uint32_t n;

	if (t == NULL || !t->staged.active)
		return;
	n = t->staged.snap == NULL ? 0 : t->staged.snap->n_members;
	stat_sub(&t->st.members, t->staged.n_old_members);
	stat_add(&t->st.members, n);
	change_commit(t);
	subtab_reclaim(t);
}

void
subtab_abort(struct subtab *t)
{
	if (t != NULL && t->staged.active)
		change_abort(t);
}

/*
 * Publish old minus the members matching the endpoint (and subscriber,
 * unless match_sub is false), keeping the order of the others. n_gone
 * is how many match (> 0).
 */
static int
channel_shrink(struct subtab *t, const struct subtab_channel *old,
	       uint32_t n_gone, bool match_sub, uint32_t subscriber,
	       uint32_t ip, uint16_t udp_port)
{
	const struct subtab_member *m;
	struct subtab_channel *c = NULL;
	uint32_t i, j = 0;
	int ret;

	if (n_gone < old->n_members) {
		c = snap_alloc(t, old->channel, old->n_members - n_gone);
		if (c == NULL)
			return -ENOMEM;
		for (i = 0; i < old->n_members; i++) {
			m = &old->members[i];
			if (member_on_endpoint(m, ip, udp_port) &&
			    (!match_sub || m->subscriber == subscriber))
				continue;
			c->members[j++] = *m;
		}
	}
	ret = channel_publish(t, old->channel, c);
	if (ret < 0 && c != NULL)
		obj_free(t, c);
	return ret;
}

int
subtab_del(struct subtab *t, uint64_t channel, uint32_t subscriber, uint32_t ip,
	   uint16_t udp_port)
{
	const struct subtab_channel *old;
	int ret;

	if (t == NULL)
		return -EINVAL;
	old = subtab_lookup(t, channel);
	if (old == NULL || member_find(old, subscriber, ip, udp_port) < 0)
		return -ENOENT;
	ret = channel_shrink(t, old, 1, true, subscriber, ip, udp_port);
	if (ret < 0)
		return ret;
	stat_sub(&t->st.members, 1);
	stat_add(&t->st.dels, 1);
	subtab_reclaim(t);
	return 0;
}

static uint32_t
endpoint_count(const struct subtab_channel *c, uint32_t ip, uint16_t udp_port)
{
	uint32_t i, n = 0;

	for (i = 0; i < c->n_members; i++)
		n += member_on_endpoint(&c->members[i], ip, udp_port);
	return n;
}

int
subtab_del_endpoint(struct subtab *t, uint32_t ip, uint16_t udp_port)
{
	const struct subtab_channel *c;
	uint32_t b, i, n;
	int total = 0, ret;
	bool removed;

	if (t == NULL)
		return -EINVAL;
	for (b = 0; b <= t->mask; b++) {
		/* Each change republishes this bucket: walk it by channel,
		 * looking each one up again in the current bucket. */
		for (i = 0; t->dir[b] != NULL && i < t->dir[b]->n; i++) {
			c = t->dir[b]->e[i].snap;
			n = endpoint_count(c, ip, udp_port);
			if (n == 0)
				continue;
			/* On error the channels done so far stay done (each
			 * is consistent); calling again finishes the job. */
			removed = n == c->n_members;
			ret = channel_shrink(t, c, n, false, 0, ip, udp_port);
			if (ret < 0)
				return ret;
			stat_sub(&t->st.members, n);
			stat_add(&t->st.dels, n);
			total += (int)n;
			/* A removed channel shifts the rest down by one. */
			if (removed)
				i--;
		}
	}
	subtab_reclaim(t);
	return total;
}

unsigned int
subtab_reclaim(struct subtab *t)
{
	struct obj_hdr *hd;

	if (t == NULL)
		return 0;
	/* FIFO with non-decreasing tokens: stop at the first one still
	 * inside its grace period. */
	while ((hd = t->retired_head) != NULL &&
	       rte_rcu_qsbr_check(t->qsv, hd->token, false) == 1) {
		t->retired_head = hd->next;
		if (t->retired_head == NULL)
			t->retired_last = NULL;
		t->n_retired--;
		if (hd->is_snapshot) {
			t->n_retired_snaps--;
			stat_add(&t->st.reclaimed, 1);
		}
		obj_free(t, obj_of(hd));
	}
	return t->n_retired_snaps;
}

void
subtab_reclaim_all(struct subtab *t)
{
	if (t == NULL || t->retired_last == NULL)
		return;
	/* The newest token covers every older one. */
	rte_rcu_qsbr_check(t->qsv, t->retired_last->token, true);
	subtab_reclaim(t);
}

int
subtab_walk(const struct subtab *t, subtab_walk_cb cb, void *arg)
{
	uint32_t b, i;
	int ret;

	if (t == NULL || cb == NULL)
		return -EINVAL;
	for (b = 0; b <= t->mask; b++) {
		const struct bucket *bk = t->dir[b];

		for (i = 0; bk != NULL && i < bk->n; i++) {
			ret = cb(bk->e[i].snap, arg);
			if (ret != 0)
				return ret;
		}
	}
	return 0;
}

void
subtab_get_stats(const struct subtab *t, struct subtab_stats *s)
{
	const struct subtab_stats *st;

	if (t == NULL || s == NULL)
		return;
	st = &t->st;
	s->channels = __atomic_load_n(&st->channels, __ATOMIC_RELAXED);
	s->members = __atomic_load_n(&st->members, __ATOMIC_RELAXED);
	s->adds = __atomic_load_n(&st->adds, __ATOMIC_RELAXED);
	s->dels = __atomic_load_n(&st->dels, __ATOMIC_RELAXED);
	s->replaces = __atomic_load_n(&st->replaces, __ATOMIC_RELAXED);
	s->full = __atomic_load_n(&st->full, __ATOMIC_RELAXED);
	s->retired = __atomic_load_n(&st->retired, __ATOMIC_RELAXED);
	s->reclaimed = __atomic_load_n(&st->reclaimed, __ATOMIC_RELAXED);
}

void
subtab_set_free_hook(struct subtab *t, subtab_free_hook_t fn, void *arg)
{
	if (t == NULL)
		return;
	t->free_hook = fn;
	t->free_hook_arg = arg;
}
