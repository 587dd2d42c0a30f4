/* SPDX-License-Identifier: BSD-3-Clause
 * Channel sequence state: a worker-private rte_hash (lock-free readers:
 * the control thread reads seqs) with a direct-mapped cache by slot.
 */
#include <stdio.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "dataplane/dataplane.h"
#include "dataplane/sequencer.h"
#include "herald.h"

static uint32_t
chan_hash(const void *key, uint32_t key_len __rte_unused, uint32_t init)
{
	return rte_hash_crc_8byte(*(const uint64_t *)key, init);
}

int
herald_seq_lcore_init(struct herald_lcore *lc)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.entries =
			RTE_MAX(lc->conf.max_channels, HERALD_HASH_MIN_ENTRIES),
		.key_len = sizeof(uint64_t),
		.hash_func = chan_hash,
		.socket_id = (int)rte_lcore_to_socket_id(lc->lcore_id),
		.name = name,
		/* The control thread reads seqs while the worker adds;
		 * overflow buckets: only max_channels makes it full. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	snprintf(name, sizeof(name), "herald_chan%u", lc->index);
	lc->channels = rte_hash_create(&hp);
	if (lc->channels == NULL)
		return -1;
	lc->chan = rte_zmalloc_socket("herald_chan",
				      sizeof(*lc->chan) * hp.entries,
				      RTE_CACHE_LINE_SIZE, hp.socket_id);
	lc->chan_cache = rte_zmalloc_socket(
		"herald_chan_cache", sizeof(*lc->chan_cache) * HWP_NUM_SLOTS,
		RTE_CACHE_LINE_SIZE, hp.socket_id);
	return lc->chan == NULL || lc->chan_cache == NULL ? -1 : 0;
}

void
herald_seq_lcore_free(struct herald_lcore *lc)
{
	rte_hash_free(lc->channels);
	rte_free(lc->chan);
	rte_free(lc->chan_cache);
	lc->channels = NULL;
	lc->chan = NULL;
	lc->chan_cache = NULL;
}

struct herald_chan_state *
herald_seq_channel(struct herald_lcore *lc, uint64_t channel, uint16_t slot)
{
	struct herald_chan_state **cached = &lc->chan_cache[slot];
	struct herald_chan_state *c = *cached;
	int32_t pos;

	/* Entries never move or go away, so a cached pointer stays good. */
	if (likely(c != NULL && c->channel == channel))
		return c;
	pos = rte_hash_lookup(lc->channels, &channel);
	if (pos >= 0) {
		c = &lc->chan[pos];
	} else {
		if (unlikely(lc->n_channels >= lc->conf.max_channels))
			return NULL;
		pos = rte_hash_add_key(lc->channels, &channel);
		if (unlikely(pos < 0))
			return NULL;
		lc->n_channels++;
		c = &lc->chan[pos];
		c->channel = channel;
		__atomic_store_n(&c->last_seq, 0, __ATOMIC_RELEASE);
	}
	*cached = c;
	return c;
}

uint64_t
herald_dp_channel_last_seq(uint64_t channel)
{
	const struct herald_lcore *lc = herald_slot_lcore(hwp_slot(channel));
	int32_t pos = rte_hash_lookup(lc->channels, &channel);

	if (pos < 0)
		return 0;
	return __atomic_load_n(&lc->chan[pos].last_seq, __ATOMIC_ACQUIRE);
}
