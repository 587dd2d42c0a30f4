/* SPDX-License-Identifier: BSD-3-Clause
 * Steering by slot: a message goes to the fan-out of the worker owning
 * its channel's slot, here or through that worker's hand-off ring
 * (multi-producer, single-consumer: lock-free).
 */
#include <rte_ring.h>

#include "dataplane/dataplane.h"
#include "dataplane/fanout.h"
#include "dataplane/handoff.h"
#include "dataplane/nack.h"

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
	return n + herald_nack_drain(lc);
}

bool
herald_dp_handoffs_empty(const struct herald_lcore *lc)
{
	return rte_ring_empty(lc->handoff) && rte_ring_empty(lc->nack_ring);
}
