/* SPDX-License-Identifier: BSD-3-Clause
 * Channel sequence state, owned by the worker that owns the channel's
 * slot (internal to the data plane): the last seq, the channel epoch,
 * and the idleness after which the state may be forgotten.
 */
#ifndef HERALD_SEQUENCER_H
#define HERALD_SEQUENCER_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/lru.h"
#include "runtime/runtime.h"

/* channel 0 (never valid on the wire): a free entry. */
struct herald_chan_state {
	uint64_t channel;
	uint64_t last_seq; /* last seq assigned; 0: none yet */
	uint64_t last_msg_ns;
	uint32_t epoch; /* channel epoch, never 0 */
	struct herald_lru_node lru;
};

int herald_seq_lcore_init(struct herald_lcore *lc);
void herald_seq_lcore_free(struct herald_lcore *lc);

/*
 * May a message for channel be taken? True when the owner of its slot
 * has room for a new channel state or already holds this one. Called by
 * the receiving worker before it acknowledges; reads the owner's table
 * only when the owner is at its limit.
 */
bool herald_seq_admit(struct herald_lcore *lc, uint64_t channel);

/*
 * The state of channel (whose slot is slot) for a message received at
 * now_ns, created if new, re-created with a new epoch if it was idle for
 * the channel timeout and has_subs is false; NULL when the table is
 * full. Only the owner of the slot calls this.
 */
struct herald_chan_state *herald_seq_channel(struct herald_lcore *lc,
					     uint64_t channel, uint16_t slot,
					     uint64_t now_ns, bool has_subs);

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
