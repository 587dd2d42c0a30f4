/* SPDX-License-Identifier: BSD-3-Clause
 * Worker side of "pause at" (runtime/pause.c is the controller side):
 * how many packets the next RX burst may take, and the report a worker
 * publishes once it sits idle at its pause point.
 */
#ifndef HERALD_PAUSE_H
#define HERALD_PAUSE_H

#include <stdint.h>

#include <rte_common.h>

#include "runtime/runtime.h"

/* How many packets the next RX burst may take ("pause at" is exact). */
static inline uint16_t
herald_pause_budget(const struct herald_lcore *lc)
{
	uint64_t limit = lc->pause_at;
	uint64_t rx = lc->cnt.c[CNT_rx_packets];

	if (likely(limit == UINT64_MAX))
		return HERALD_BURST;
	return limit <= rx
		       ? 0
		       : (uint16_t)RTE_MIN(limit - rx, (uint64_t)HERALD_BURST);
}

/*
 * End of an iteration that started with pause generation gen and did
 * work units of work (packets received plus hand-offs drained). An idle
 * iteration at the pause point publishes the generation with the
 * worker's hand-off totals: everything it dequeued before has been
 * processed and sent by then.
 */
static inline void
herald_pause_report(struct herald_lcore *lc, uint64_t gen, unsigned int work)
{
	if (likely(lc->pause_at == UINT64_MAX) || work != 0 ||
	    herald_pause_budget(lc) != 0) {
		lc->paused = false;
		return;
	}
	if (!lc->paused)
		lc->cnt.c[CNT_pauses]++;
	lc->paused = true;
	__atomic_store_n(&lc->pause_report.seq, lc->pause_report.seq + 1,
			 __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	lc->pause_report.gen = gen;
	/* Messages and NACKs: a pause waits for both to be handled. */
	lc->pause_report.handoffs_out =
		lc->cnt.c[CNT_handoffs_out] + lc->cnt.c[CNT_nack_handoffs_out];
	lc->pause_report.handoffs_in =
		lc->cnt.c[CNT_handoffs_in] + lc->cnt.c[CNT_nack_handoffs_in];
	__atomic_store_n(&lc->pause_report.seq, lc->pause_report.seq + 1,
			 __ATOMIC_RELEASE);
}

#endif /* HERALD_PAUSE_H */
