/* SPDX-License-Identifier: BSD-3-Clause
 * Subscription table: rte_hash (lock-free readers) from channel to an
 * immutable snapshot, copy-on-write by a single writer, old snapshots
 * retired through the table's rte_rcu_qsbr variable.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "subtab.h"

/* Keeps one snapshot below 64 MB and every size computation in range. */
#define SUBTAB_MEMBERS_LIMIT  (1u << 20)
#define SUBTAB_CHANNELS_LIMIT (RTE_HASH_ENTRIES_MAX / 2)
/* rte_hash refuses less than one bucket (8 entries). */
#define SUBTAB_HASH_MIN_ENTRIES 8u

/*
 * Writer-private header, one cache line in front of every snapshot. It
 * links the snapshot into the retire list once unpublished, so retiring
 * needs no allocation and can never fail after a publish.
 */
struct snap_hdr {
	struct snap_hdr *next;
	uint64_t token; /* rte_rcu_qsbr_start() after the unpublish */
};

#define SNAP_HDR_SPACE RTE_CACHE_LINE_ROUNDUP(sizeof(struct snap_hdr))

/*
 * Empty channels. A channel that loses its last member keeps its key
 * with NULL data (a tombstone, which readers see as "no subscriber"):
 * deleting the key would park its slot in the hash's defer queue for a
 * grace period, and a writer emptying and refilling channels faster
 * than readers report quiescent would then run the hash out of slots
 * while the table is far from max_channels. Tombstones are dropped in
 * one sweep once they use half of the hash's spare slots.
 */
struct subtab {
	struct rte_hash *h;
	struct rte_rcu_qsbr *qsv;
	uint32_t max_channels;
	uint32_t max_members;
	uint32_t n_tombs;    /* keys with NULL data */
	uint32_t key_budget; /* live channels + tombstones before a sweep */
	int socket_id;
	uint32_t gen; /* last version handed out */
	/* Retired snapshots, oldest first: their tokens never decrease. */
	struct snap_hdr *retired_head;
	struct snap_hdr *retired_last;
	unsigned int n_retired;
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

static inline size_t
snap_size(uint32_t n_members)
{
	return sizeof(struct subtab_channel) +
	       (size_t)n_members * sizeof(struct subtab_member);
}

static inline struct snap_hdr *
snap_hdr_of(const struct subtab_channel *c)
{
	return (struct snap_hdr *)RTE_PTR_SUB(c, SNAP_HDR_SPACE);
}

static inline struct subtab_channel *
snap_of_hdr(struct snap_hdr *hd)
{
	return (struct subtab_channel *)RTE_PTR_ADD(hd, SNAP_HDR_SPACE);
}

/* A new, unpublished snapshot with its header fields set. */
static struct subtab_channel *
snap_alloc(const struct subtab *t, uint64_t channel, uint32_t n_members)
{
	struct subtab_channel *c;
	void *base;

	base = rte_zmalloc_socket("subtab_snap",
				  SNAP_HDR_SPACE + snap_size(n_members),
				  RTE_CACHE_LINE_SIZE, t->socket_id);
	if (base == NULL)
		return NULL;
	c = (struct subtab_channel *)RTE_PTR_ADD(base, SNAP_HDR_SPACE);
	c->channel = channel;
	c->n_members = n_members;
	/* Provisional; committed by snap_publish() on success only. */
	c->version = t->gen + 1;
	return c;
}

static void
snap_free(const struct subtab *t, struct subtab_channel *c)
{
	if (t->free_hook != NULL)
		t->free_hook(c, t->free_hook_arg);
	rte_free(snap_hdr_of(c));
}

/*
 * Make c the channel's current snapshot. The hash stores the data
 * pointer with release semantics, so readers see a fully built array.
 * Replacing the data of an existing key allocates nothing in rte_hash.
 */
/*
 * Hash key: the channel padded to 16 bytes, a size rte_hash compares
 * with vector loads (an 8-byte key goes through memcmp on every lookup).
 */
struct subtab_key {
	uint64_t channel;
	uint64_t zero;
};

static inline struct subtab_key
key_of(uint64_t channel)
{
	struct subtab_key k = {.channel = channel, .zero = 0};

	return k;
}

static int
snap_publish(struct subtab *t, struct subtab_channel *c)
{
	struct subtab_key k = key_of(c->channel);
	int ret;

	ret = rte_hash_add_key_data(t->h, &k, c);
	if (ret < 0)
		return ret;
	t->gen = c->version;
	return 0;
}

/* Queue an unpublished snapshot for freeing after a grace period. */
static void
snap_retire(struct subtab *t, const struct subtab_channel *c)
{
	struct snap_hdr *hd = snap_hdr_of(c);

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
	stat_add(&t->st.retired, 1);
}

/* *c = the channel's snapshot or NULL; returns whether a key exists
 * (a tombstone is a key with a NULL snapshot). */
static bool
writer_lookup(const struct subtab *t, uint64_t channel,
	      const struct subtab_channel **c)
{
	struct subtab_key k = key_of(channel);
	void *data;

	*c = NULL;
	if (rte_hash_lookup_data(t->h, &k, &data) < 0)
		return false;
	*c = data;
	return true;
}

static int
member_find(const struct subtab_channel *c, uint32_t subscriber, uint32_t ip,
	    uint16_t udp_port)
{
	const struct subtab_member *m;
	uint32_t i;

	for (i = 0; i < c->n_members; i++) {
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

static int
hash_create(struct subtab *t, const struct subtab_params *p)
{
	struct rte_hash_rcu_config rcu = {
		.v = p->qsv,
		.mode = RTE_HASH_QSBR_MODE_DQ,
	};
	/*
	 * Twice max_channels: live channels and tombstones use at most 1.5
	 * times max_channels keys, and the slots of swept tombstones wait a
	 * grace period in the hash's defer queue. The extendable table lets
	 * the hash reach its size whatever the cuckoo collisions.
	 */
	struct rte_hash_parameters hp = {
		.name = p->name,
		.entries =
			RTE_MAX(2 * p->max_channels, SUBTAB_HASH_MIN_ENTRIES),
		.key_len = sizeof(struct subtab_key),
		.hash_func = rte_hash_crc,
		.socket_id = p->socket_id,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	rte_errno = 0;
	t->h = rte_hash_create(&hp);
	if (t->h == NULL) {
		if (rte_errno == 0)
			rte_errno = ENOMEM;
		return -rte_errno;
	}
	/* Deleted key slots are recycled only after readers moved on. */
	if (rte_hash_rcu_qsbr_add(t->h, &rcu) != 0) {
		if (rte_errno == 0)
			rte_errno = ENOMEM;
		rte_hash_free(t->h);
		t->h = NULL;
		return -rte_errno;
	}
	return 0;
}

struct subtab *
subtab_create(const struct subtab_params *p)
{
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
	t->qsv = p->qsv;
	t->max_channels = p->max_channels;
	t->max_members = p->max_members;
	t->key_budget = p->max_channels + p->max_channels / 2;
	t->socket_id = p->socket_id;
	if (hash_create(t, p) < 0) {
		rte_free(t);
		return NULL;
	}
	return t;
}

void
subtab_free(struct subtab *t)
{
	const void *key;
	void *data;
	uint32_t next = 0;

	if (t == NULL)
		return;
	/* No reader is online any more: live snapshots can go at once. */
	while (rte_hash_iterate(t->h, &key, &data, &next) >= 0)
		if (data != NULL)
			snap_free(t, data);
	subtab_reclaim_all(t);
	rte_hash_free(t->h);
	rte_free(t);
}

const struct subtab_channel *
subtab_lookup(const struct subtab *t, uint64_t channel)
{
	struct subtab_key k = key_of(channel);
	void *data;

	if (rte_hash_lookup_data(t->h, &k, &data) < 0)
		return NULL;
	return data;
}

/*
 * Delete every tombstone key; their slots return to the hash after a
 * grace period. Deleting a key may move another one into a slot the
 * iteration has passed, hence the extra passes.
 */
static void
tombs_sweep(struct subtab *t)
{
	const void *key;
	void *data;
	struct subtab_key k;
	uint32_t next;
	bool deleted;

	do {
		deleted = false;
		next = 0;
		while (t->n_tombs > 0 &&
		       rte_hash_iterate(t->h, &key, &data, &next) >= 0) {
			if (data != NULL)
				continue;
			k = *(const struct subtab_key *)key;
			if (rte_hash_del_key(t->h, &k) >= 0) {
				t->n_tombs--;
				deleted = true;
			}
		}
	} while (deleted && t->n_tombs > 0);
}

/* First member of an empty channel (no key, or a tombstone). */
static int
channel_create(struct subtab *t, uint64_t channel,
	       const struct subtab_member *m, bool tomb)
{
	struct subtab_channel *c;
	int ret;

	if (t->st.channels >= t->max_channels) {
		stat_add(&t->st.full, 1);
		return -ENOSPC;
	}
	if (!tomb && t->st.channels + t->n_tombs >= t->key_budget)
		tombs_sweep(t);
	c = snap_alloc(t, channel, 1);
	if (c == NULL)
		return -ENOMEM;
	c->members[0] = *m;
	ret = snap_publish(t, c);
	if (ret < 0) {
		/* Never visible to readers: free at once. Only a new key
		 * can fail, when deleted slots still wait for readers. */
		snap_free(t, c);
		if (ret == -ENOSPC)
			stat_add(&t->st.full, 1);
		return ret;
	}
	if (tomb)
		t->n_tombs--;
	__atomic_fetch_add(&t->st.channels, 1, __ATOMIC_RELAXED);
	stat_add(&t->st.members, 1);
	stat_add(&t->st.adds, 1);
	return 0;
}

int
subtab_add(struct subtab *t, uint64_t channel, const struct subtab_member *m)
{
	const struct subtab_channel *old;
	struct subtab_channel *c;
	uint32_t n_old;
	bool key;
	int idx, ret;

	if (t == NULL || m == NULL || channel == 0 || m->subscriber == 0)
		return -EINVAL;
	key = writer_lookup(t, channel, &old);
	if (old == NULL)
		return channel_create(t, channel, m, key);

	n_old = old->n_members;
	idx = member_find(old, m->subscriber, m->ip, m->udp_port);
	if (idx < 0 && n_old >= t->max_members) {
		stat_add(&t->st.full, 1);
		return -ENOSPC;
	}
	c = snap_alloc(t, channel, idx < 0 ? n_old + 1 : n_old);
	if (c == NULL)
		return -ENOMEM;
	memcpy(c->members, old->members, n_old * sizeof(old->members[0]));
	/* Append keeps insertion order; a replace keeps the position. */
	c->members[idx < 0 ? n_old : (uint32_t)idx] = *m;
	ret = snap_publish(t, c);
	if (ret < 0) {
		snap_free(t, c);
		return ret;
	}
	snap_retire(t, old);
	subtab_reclaim(t);
	if (idx >= 0) {
		stat_add(&t->st.replaces, 1);
		return 1;
	}
	stat_add(&t->st.members, 1);
	stat_add(&t->st.adds, 1);
	return 0;
}

/* The channel loses its last member: tombstone it, retire the array. */
static int
channel_remove(struct subtab *t, const struct subtab_channel *old)
{
	struct subtab_key k = key_of(old->channel);
	int ret;

	/* Updating an existing key's data cannot fail for lack of room. */
	ret = rte_hash_add_key_data(t->h, &k, NULL);
	if (ret < 0)
		return ret;
	t->n_tombs++;
	__atomic_fetch_sub(&t->st.channels, 1, __ATOMIC_RELAXED);
	snap_retire(t, old);
	return 0;
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
	struct subtab_channel *c;
	uint32_t i, j = 0;
	int ret;

	if (n_gone == old->n_members)
		return channel_remove(t, old);
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
	ret = snap_publish(t, c);
	if (ret < 0) {
		snap_free(t, c);
		return ret;
	}
	snap_retire(t, old);
	return 0;
}

int
subtab_del(struct subtab *t, uint64_t channel, uint32_t subscriber, uint32_t ip,
	   uint16_t udp_port)
{
	const struct subtab_channel *old;
	int ret;

	if (t == NULL)
		return -EINVAL;
	writer_lookup(t, channel, &old);
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
	const void *key;
	void *data;
	uint32_t next = 0, n;
	int total = 0, ret;

	if (t == NULL)
		return -EINVAL;
	/* Only key data changes here (an emptied channel becomes a
	 * tombstone), so no key moves under the iteration. */
	while (rte_hash_iterate(t->h, &key, &data, &next) >= 0) {
		c = data;
		if (c == NULL)
			continue;
		n = endpoint_count(c, ip, udp_port);
		if (n == 0)
			continue;
		/* On error the channels done so far stay done (each one is
		 * consistent); calling again finishes the job. */
		ret = channel_shrink(t, c, n, false, 0, ip, udp_port);
		if (ret < 0)
			return ret;
		stat_sub(&t->st.members, n);
		stat_add(&t->st.dels, n);
		total += (int)n;
	}
	subtab_reclaim(t);
	return total;
}

unsigned int
subtab_reclaim(struct subtab *t)
{
	struct snap_hdr *hd;

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
		snap_free(t, snap_of_hdr(hd));
		stat_add(&t->st.reclaimed, 1);
	}
	return t->n_retired;
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
	const void *key;
	void *data;
	uint32_t next = 0;
	int ret;

	if (t == NULL || cb == NULL)
		return -EINVAL;
	while (rte_hash_iterate(t->h, &key, &data, &next) >= 0) {
		if (data == NULL)
			continue;
		ret = cb(data, arg);
		if (ret != 0)
			return ret;
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
