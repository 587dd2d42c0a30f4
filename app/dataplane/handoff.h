/* SPDX-License-Identifier: BSD-3-Clause
 * Steering of accepted messages to the owner of their slot (internal to
 * the data plane).
 */
#ifndef HERALD_HANDOFF_H
#define HERALD_HANDOFF_H

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dataplane/fanout.h"
#include "runtime/runtime.h"

/*
 * Give msg (payload mbuf, metadata filled) to the owner of its slot:
 * fan it out here, or enqueue it on the owner's ring. Takes msg unless
 * it returns FRAME_publish_handoff_full (the caller still owns it).
 */
static inline enum herald_frame_outcome
herald_dp_steer(struct herald_lcore *lc, struct rte_mbuf *msg)
{
	struct herald_lcore *owner = lc;

	/* With one worker it owns every slot: no need to wait for the hash. */
	if (unlikely(lc->conf.n_workers > 1))
		owner = lc->conf.peers
				[lc->conf.slot_owner[herald_meta(msg)->slot]];
	if (owner == lc) {
		herald_fanout(lc, msg);
		return FRAME_publish_accepted;
	}
	if (unlikely(rte_ring_mp_enqueue(owner->handoff, msg) != 0))
		return FRAME_publish_handoff_full;
	lc->cnt.c[CNT_handoffs_out]++;
	return FRAME_publish_accepted;
}

#endif /* HERALD_HANDOFF_H */
