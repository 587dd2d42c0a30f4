/* SPDX-License-Identifier: BSD-3-Clause
 * Channel sequence state, owned by the worker that owns the channel's
 * slot (internal to the data plane): the last seq, the channel epoch,
 * and the idleness after which the state may be forgotten.
 */
#ifndef HERALD_SEQUENCER_H
#define HERALD_SEQUENCER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "dataplane/dataplane.h"
#include "dataplane/lru.h"
#include "runtime/runtime.h"

/*
 * channel 0 (never valid on the wire): a free entry. The first cache
 * line is what every message touches; the second is the cold rest.
 */
struct herald_chan_state {
	uint64_t channel;
	uint64_t last_seq; /* last seq assigned; 0: none yet */
	uint64_t last_msg_ns;
	uint32_t epoch;	  /* channel epoch, never 0 */
	uint8_t hb_state; /* heartbeat FIFO it is in (dataplane/heartbeat.h) */
	uint8_t pulse_state; /* queued for a pulse (dataplane/passive.h) */
	struct herald_lru_node lru;
	/* Log offset of its newest history record (dataplane/history.h). */
	uint64_t hist_last;
	/* Its passive subscriptions: a list by passive id, and how many. */
	uint32_t passive_head;
	uint32_t n_passive;

	uint64_t created_ns; /* when this epoch began (show channel) */
	uint64_t hb_due_ns;  /* of its live heartbeat FIFO entry */
	struct herald_rtx_stats rtx;
} __rte_cache_aligned;

/* What a message touches fits the first cache line. */
_Static_assert(offsetof(struct herald_chan_state, n_passive) +
			       sizeof(uint32_t) <=
		       RTE_CACHE_LINE_SIZE,
	       "the hot fields fit one cache line");

/* The state of channel, if it has one (no creation). */
struct herald_chan_state *herald_seq_channel_find(struct herald_lcore *lc,
						  uint64_t channel);

int herald_seq_lcore_init(struct herald_lcore *lc);
void herald_seq_lcore_free(struct herald_lcore *lc);

/* Slow paths of the two below. */
bool herald_seq_admit_slow(struct herald_lcore *lc, uint64_t channel);
struct herald_chan_state *
herald_seq_channel_slow(struct herald_lcore *lc, uint64_t channel,
			uint16_t slot, uint64_t now_ns, bool has_subs);

/*
 * May a message for channel be taken? True when the owner of its slot
 * has room for a new channel state or already holds this one. Called by
 * the receiving worker before it acknowledges; reads the owner's table
 * only when the owner is at its limit.
 */
static inline bool
herald_seq_admit(struct herald_lcore *lc, uint64_t channel)
{
	if (likely(lc->conf.n_workers == 1 &&
		   lc->n_channels < lc->conf.max_channels))
		return true;
	return herald_seq_admit_slow(lc, channel);
}

/*
 * The state of channel (whose slot is slot) for a message received at
 * now_ns, created if new, re-created with a new epoch if it was idle for
 * the channel timeout and has_subs is false; NULL when the table is
 * full. Only the owner of the slot calls this. The cached, busy channel
 * is inline.
 */
static inline struct herald_chan_state *
herald_seq_channel(struct herald_lcore *lc, uint64_t channel, uint16_t slot,
		   uint64_t now_ns, bool has_subs)
{
	struct herald_chan_state *c = lc->chan_cache[slot];

	/* Linked within an eighth of the timeout: no re-link due, and, as
	 * every message since moved last_msg_ns no earlier than the link,
	 * not idle either. */
	if (likely(c != NULL && c->channel == channel &&
		   lc->clock_ns - c->lru.linked_ns <=
			   lc->conf.channel_timeout_ns / LRU_RELINK_DIV)) {
		c->last_msg_ns = now_ns;
		return c;
	}
	return herald_seq_channel_slow(lc, channel, slot, now_ns, has_subs);
}

/*
 * The state of channel for an OK SUBACK of a change made at rx_ns (the
 * SUBSCRIBE's time): created if there is none (the epoch is drawn for
 * rx_ns, as for a message), re-created with a new epoch if it was idle
 * for the channel timeout and the channel had no subscriber before the
 * change (the rule a message applies), else as it is. A subscribed
 * channel's state may take room beyond max_channels (up to
 * max_subscribed_channels more); NULL if there is none.
 */
struct herald_chan_state *herald_seq_channel_for_suback(struct herald_lcore *lc,
							uint64_t channel,
							uint64_t rx_ns,
							bool had_members);

/* End of an iteration: forget channels idle past the timeout without
 * subscriber (a bounded number), free slots past their grace period. */
void herald_seq_expire(struct herald_lcore *lc);

/* The channel epoch Herald draws for channel at now_ns (exposed for the
 * unit test): never 0, different for every creation of one channel as
 * two creations are at least a channel timeout apart, deterministic for
 * a fixed instance epoch. */
uint32_t herald_seq_channel_epoch(uint32_t instance_epoch, uint64_t channel,
				  uint64_t now_ns, uint64_t timeout_ns);

#endif /* HERALD_SEQUENCER_H */
