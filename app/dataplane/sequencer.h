/* SPDX-License-Identifier: BSD-3-Clause
 * Channel sequence state, owned by the worker that owns the channel's
 * slot (internal to the data plane).
 */
#ifndef HERALD_SEQUENCER_H
#define HERALD_SEQUENCER_H

#include <stdint.h>

#include "runtime/runtime.h"

/* Per-channel state owned by the slot's worker. */
struct herald_chan_state {
	uint64_t channel;
	uint64_t last_seq; /* last seq assigned; 0: none yet */
};

int herald_seq_lcore_init(struct herald_lcore *lc);
void herald_seq_lcore_free(struct herald_lcore *lc);

/* The state of channel (whose slot is slot), created if new; NULL when
 * the table is full. Only the owner of the slot calls this. */
struct herald_chan_state *herald_seq_channel(struct herald_lcore *lc,
					     uint64_t channel, uint16_t slot);

#endif /* HERALD_SEQUENCER_H */
