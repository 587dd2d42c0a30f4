/* SPDX-License-Identifier: BSD-3-Clause
 * Steering by slot: a message goes to the fan-out of the worker owning
 * its channel's slot, here or through that worker's hand-off ring
 * (multi-producer, single-consumer: lock-free).
 */
#include <rte_ring.h>

#include "dataplane/dataplane.h"
#include "dataplane/fanout.h"
#include "dataplane/handoff.h"

enum herald_frame_outcome
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

unsigned int
herald_dp_drain_handoffs(struct herald_lcore *lc)
{
	struct rte_mbuf *msgs[HERALD_BURST];
	unsigned int n, i;

	n = rte_ring_sc_dequeue_burst(lc->handoff, (void **)msgs, HERALD_BURST,
				      NULL);
	lc->cnt.c[CNT_handoffs_in] += n;
	for (i = 0; i < n; i++)
		herald_fanout(lc, msgs[i]);
	return n;
}
