/* SPDX-License-Identifier: BSD-3-Clause
 * Channel sequence state: a worker-private rte_hash with lock-free
 * readers (other workers admit against it, the control thread reads
 * seqs), a direct-mapped cache by slot, and a coarse LRU by idleness.
 *
 * Forgetting (PROTOCOL.md 6, Bounded state): a channel without
 * subscriber that had no message for the channel timeout may lose its
 * state. It is forgotten exactly when its next message arrives (then it
 * comes back with a new channel epoch), or earlier by the expiry walk to
 * free its entry. Either way the new epoch depends only on the channel
 * and the time of that next message, so replays repeat byte for byte.
 * A deleted key's position is freed only after an RCU grace period:
 * readers may still be looking at it.
 */
#include <stdio.h>
#include <string.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "dataplane/dataplane.h"
#include "dataplane/heartbeat.h"
#include "dataplane/history.h"
#include "dataplane/passive.h"
#include "dataplane/sequencer.h"
#include "herald.h"
#include "subtab.h"

/* Expired channels looked at per iteration (bounds the walk's cost). */
#define SEQ_EXPIRE_BUDGET 16

/* A deleted position waiting for its grace period. */
struct seq_pending {
	uint32_t pos;
	uint64_t token;
};

static uint32_t
chan_hash(const void *key, uint32_t key_len __rte_unused, uint32_t init)
{
	return rte_hash_crc_8byte(*(const uint64_t *)key, init);
}

uint32_t
herald_seq_channel_epoch(uint32_t instance_epoch, uint64_t channel,
			 uint64_t now_ns, uint64_t timeout_ns)
{
	uint64_t h = hwp_fmix64(
		channel ^ ((uint64_t)instance_epoch << 32 | instance_epoch));
	/* Creations of one channel are a timeout apart at least, so their
	 * generations differ; a residue mod 2^32 - 1, plus 1, is never 0
	 * and repeats only after 2^32 - 1 generations. */
	uint64_t gen = now_ns / (timeout_ns != 0 ? timeout_ns : 1);

	return (uint32_t)(((uint32_t)(h ^ (h >> 32)) + gen) % 0xffffffffULL) +
	       1;
}

/* Positions the table holds: the limit, plus the states subscriptions
 * create, plus one per message the rings can hold (admitted against a
 * count that others read without a lock), plus what waits for a grace
 * period. */
static uint32_t
table_entries(const struct herald_lcore *lc)
{
	return RTE_MAX(lc->conf.max_channels +
			       lc->conf.max_subscribed_channels +
			       2 * herald.cfg.handoff_ring_size,
		       HERALD_HASH_MIN_ENTRIES);
}

int
herald_seq_lcore_init(struct herald_lcore *lc)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.entries = table_entries(lc),
		.key_len = sizeof(uint64_t),
		.hash_func = chan_hash,
		.socket_id = (int)rte_lcore_to_socket_id(lc->lcore_id),
		.name = name,
		/* Readers on other threads; overflow buckets, so that only
		 * the count below makes the table full. Lock-free mode
		 * keeps a deleted key's position until it is freed here. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	snprintf(name, sizeof(name), "herald_chan%u", lc->index);
	herald_lru_init(&lc->chan_lru);
	lc->channels = rte_hash_create(&hp);
	if (lc->channels == NULL)
		return -1;
	lc->chan = rte_zmalloc_socket("herald_chan",
				      sizeof(*lc->chan) * hp.entries,
				      RTE_CACHE_LINE_SIZE, hp.socket_id);
	lc->chan_cache = rte_zmalloc_socket(
		"herald_chan_cache", sizeof(*lc->chan_cache) * HWP_NUM_SLOTS,
		RTE_CACHE_LINE_SIZE, hp.socket_id);
	lc->chan_pending = rte_zmalloc_socket(
		"herald_chan_pending", sizeof(struct seq_pending) * hp.entries,
		RTE_CACHE_LINE_SIZE, hp.socket_id);
	lc->chan_pending_cap = hp.entries;
	lc->chan_entries = hp.entries;
	return lc->chan == NULL || lc->chan_cache == NULL ||
			       lc->chan_pending == NULL
		       ? -1
		       : 0;
}

void
herald_seq_lcore_free(struct herald_lcore *lc)
{
	rte_hash_free(lc->channels);
	rte_free(lc->chan);
	rte_free(lc->chan_cache);
	rte_free(lc->chan_pending);
	lc->channels = NULL;
	lc->chan = NULL;
	lc->chan_cache = NULL;
	lc->chan_pending = NULL;
}

bool
herald_seq_admit_slow(struct herald_lcore *lc, uint64_t channel)
{
	const struct herald_lcore *owner = lc;

	if (unlikely(lc->conf.n_workers > 1))
		owner = lc->conf.peers[lc->conf.slot_owner[hwp_slot(channel)]];
	if (likely(__atomic_load_n(&owner->n_channels, __ATOMIC_RELAXED) <
		   lc->conf.max_channels))
		return true;
	if (owner == lc)
		herald_seq_expire(lc);
	return rte_hash_lookup(owner->channels, &channel) >= 0 ||
	       __atomic_load_n(&owner->n_channels, __ATOMIC_RELAXED) <
		       lc->conf.max_channels;
}

static void
chan_init(struct herald_lcore *lc, struct herald_chan_state *c,
	  uint64_t channel, uint64_t now_ns)
{
	/* A new epoch: the old one's messages cannot be asked for. */
	herald_history_reset(c);
	memset(&c->rtx, 0, sizeof(c->rtx));
	c->hb_state = HB_NONE;
	/* Only a channel without passive subscriptions is (re)created. */
	c->pulse_state = PULSE_IDLE;
	c->passive_head = UINT32_MAX;
	c->n_passive = 0;
	c->channel = channel;
	c->last_msg_ns = now_ns;
	c->created_ns = now_ns;
	c->epoch = herald_seq_channel_epoch(lc->conf.epoch, channel, now_ns,
					    lc->conf.channel_timeout_ns);
	__atomic_store_n(&c->last_seq, 0, __ATOMIC_RELEASE);
	lc->cnt.c[CNT_channels_created]++;
}

static inline bool
idle_too_long(const struct herald_lcore *lc, const struct herald_chan_state *c,
	      uint64_t now_ns)
{
	return now_ns - c->last_msg_ns > lc->conf.channel_timeout_ns &&
	       now_ns > c->last_msg_ns;
}

static struct herald_chan_state *
chan_create(struct herald_lcore *lc, uint64_t channel, uint64_t now_ns)
{
	struct herald_chan_state *c;
	int32_t pos;

	pos = rte_hash_add_key(lc->channels, &channel);
	if (unlikely(pos < 0))
		return NULL;
	c = &lc->chan[pos];
	chan_init(lc, c, channel, now_ns);
	herald_lru_append(&lc->chan_lru, lc->chan, (uint32_t)pos, lru,
			  lc->clock_ns);
	__atomic_store_n(&lc->n_channels, lc->n_channels + 1, __ATOMIC_RELAXED);
	return c;
}

struct herald_chan_state *
herald_seq_channel_slow(struct herald_lcore *lc, uint64_t channel,
			uint16_t slot, uint64_t now_ns, bool has_subs)
{
	struct herald_chan_state **cached = &lc->chan_cache[slot];
	struct herald_chan_state *c = *cached;
	int32_t pos;

	if (unlikely(c == NULL || c->channel != channel)) {
		pos = rte_hash_lookup(lc->channels, &channel);
		c = pos >= 0 ? &lc->chan[pos]
			     : chan_create(lc, channel, now_ns);
		if (unlikely(c == NULL))
			return NULL;
		*cached = c;
	} else if (unlikely(!has_subs && c->n_passive == 0 &&
			    idle_too_long(lc, c, now_ns))) {
		/* Forgotten now, back at once with a new epoch. */
		lc->cnt.c[CNT_channels_expired]++;
		chan_init(lc, c, channel, now_ns);
	}
	c->last_msg_ns = now_ns;
	herald_lru_touch(&lc->chan_lru, lc->chan, (uint32_t)(c - lc->chan), lru,
			 lc->clock_ns, lc->conf.channel_timeout_ns);
	return c;
}

struct herald_chan_state *
herald_seq_channel_find(struct herald_lcore *lc, uint64_t channel)
{
	int32_t pos = rte_hash_lookup(lc->channels, &channel);

	return pos >= 0 ? &lc->chan[pos] : NULL;
}

struct herald_chan_state *
herald_seq_channel_for_suback(struct herald_lcore *lc, uint64_t channel,
			      uint64_t rx_ns, bool had_members)
{
	int32_t pos = rte_hash_lookup(lc->channels, &channel);
	struct herald_chan_state *c;

	if (pos >= 0) {
		c = &lc->chan[pos];
		if (!had_members && c->n_passive == 0 &&
		    idle_too_long(lc, c, rx_ns)) {
			lc->cnt.c[CNT_channels_expired]++;
			chan_init(lc, c, channel, rx_ns);
		}
		return c;
	}
	if (lc->n_channels >=
	    lc->conf.max_channels + lc->conf.max_subscribed_channels)
		return NULL;
	return chan_create(lc, channel, rx_ns);
}

/* Delete c's key; its position is freed after a grace period. */
static void
chan_forget(struct herald_lcore *lc, struct herald_chan_state *c)
{
	struct seq_pending *p = lc->chan_pending;
	uint32_t i = (uint32_t)(c - lc->chan);
	uint64_t channel = c->channel;

	herald_history_reset(c);
	c->hb_state = HB_NONE;
	herald_lru_unlink(&lc->chan_lru, lc->chan, i, lru);
	if (lc->chan_cache[hwp_slot(channel)] == c)
		lc->chan_cache[hwp_slot(channel)] = NULL;
	rte_hash_del_key(lc->channels, &channel);
	p[(lc->chan_pending_head + lc->chan_pending_n) % lc->chan_pending_cap] =
		(struct seq_pending){
			.pos = i,
			.token = rte_rcu_qsbr_start(lc->conf.qsv),
		};
	lc->chan_pending_n++;
	__atomic_store_n(&lc->n_channels, lc->n_channels - 1, __ATOMIC_RELAXED);
	lc->cnt.c[CNT_channels_expired]++;
}

/* Free the positions whose grace period has passed (FIFO: tokens never
 * decrease). */
static void
free_pending(struct herald_lcore *lc)
{
	struct seq_pending *p = lc->chan_pending;

	while (lc->chan_pending_n > 0) {
		struct seq_pending *e = &p[lc->chan_pending_head];

		if (rte_rcu_qsbr_check(lc->conf.qsv, e->token, false) != 1)
			break;
		lc->chan[e->pos].channel = 0;
		rte_hash_free_key_with_position(lc->channels, (int32_t)e->pos);
		lc->chan_pending_head =
			(lc->chan_pending_head + 1) % lc->chan_pending_cap;
		lc->chan_pending_n--;
	}
}

/*
 * Only when the table is full: forgetting a channel earlier would make
 * its fate depend on when the walk ran (a subscriber may come before its
 * next message), and a replay would not repeat; at the limit the walk
 * runs when a message for a new channel needs the room, at a time fixed
 * by the input.
 */
void
herald_seq_expire(struct herald_lcore *lc)
{
	uint64_t timeout = lc->conf.channel_timeout_ns;
	unsigned int budget = SEQ_EXPIRE_BUDGET;

	if (unlikely(lc->chan_pending_n > 0))
		free_pending(lc);
	if (likely(lc->n_channels < lc->conf.max_channels))
		return;
	while (budget-- > 0 && herald_lru_due(&lc->chan_lru, lc->chan, lru,
					      lc->clock_ns, timeout)) {
		uint32_t i = lc->chan_lru.head;
		struct herald_chan_state *c = &lc->chan[i];

		if (!idle_too_long(lc, c, lc->clock_ns))
			break; /* touched since it was linked: soon due */
		if (c->n_passive != 0 ||
		    subtab_lookup(lc->conf.subs, c->channel) != NULL) {
			/* Kept while subscribed: look again a timeout on. */
			herald_lru_unlink(&lc->chan_lru, lc->chan, i, lru);
			herald_lru_append(&lc->chan_lru, lc->chan, i, lru,
					  lc->clock_ns);
			continue;
		}
		chan_forget(lc, c);
	}
}

bool
herald_dp_channel_state(uint64_t channel, struct herald_dp_channel_view *v)
{
	const struct herald_lcore *lc = herald_slot_lcore(hwp_slot(channel));
	const struct herald_chan_state *c;
	bool found = false;
	int32_t pos;

	memset(v, 0, sizeof(*v));
	/* An RCU reader while it looks: a position is not reused under it. */
	rte_rcu_qsbr_thread_online(herald.qsv, HERALD_RCU_CONTROL_ID);
	pos = rte_hash_lookup(lc->channels, &channel);
	if (pos >= 0) {
		c = &lc->chan[pos];
		v->last_seq = __atomic_load_n(&c->last_seq, __ATOMIC_ACQUIRE);
		v->epoch = c->epoch;
		v->last_msg_ns = c->last_msg_ns;
		v->created_ns = c->created_ns;
		v->rtx = c->rtx;
		/* The entry may have been reused meanwhile: trust it only if
		 * it still names the channel. */
		found = __atomic_load_n(&c->channel, __ATOMIC_ACQUIRE) ==
			channel;
	}
	rte_rcu_qsbr_thread_offline(herald.qsv, HERALD_RCU_CONTROL_ID);
	if (!found)
		memset(v, 0, sizeof(*v));
	return found;
}

uint64_t
herald_dp_channel_last_seq(uint64_t channel)
{
	struct herald_dp_channel_view v;

	herald_dp_channel_state(channel, &v);
	return v.last_seq;
}
