/* SPDX-License-Identifier: BSD-3-Clause
 * Sequencing and zero-copy replication of messages to subscribers.
 */
#ifndef HERALD_FANOUT_H
#define HERALD_FANOUT_H

#include <rte_mbuf.h>

#include "herald.h"

/* Per-channel state owned by the slot's worker. */
struct herald_chan_state {
	uint64_t channel;
	uint64_t last_seq; /* last seq assigned; 0: none yet */
	uint64_t last_deliver_ns;
};

int herald_fanout_worker_init(struct herald_worker *w);
void herald_fanout_worker_free(struct herald_worker *w);

/*
 * Give the message in m (payload mbuf, metadata in its private area) the
 * channel's next seq and send one DELIVER per current subscriber. Takes
 * ownership of m. Only the owner of the channel's slot calls this.
 */
void herald_fanout(struct herald_worker *w, struct rte_mbuf *m);

/* Last seq of a channel as seen by its owner (control thread, lock-free
 * reader); 0 if none. */
uint64_t herald_fanout_last_seq(uint64_t channel);

#endif /* HERALD_FANOUT_H */
