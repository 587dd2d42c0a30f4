/* SPDX-License-Identifier: BSD-3-Clause
 * A worker's data-plane tables, and the end of its bursts.
 */
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "dataplane/dataplane.h"
#include "dataplane/heartbeat.h"
#include "dataplane/history.h"
#include "dataplane/nack.h"
#include "dataplane/passive.h"
#include "dataplane/publish/publish.h"
#include "dataplane/sequencer.h"
#include "dataplane/subscribe.h"
#include "runtime/tx.h"

int
herald_dp_lcore_init(struct herald_lcore *lc)
{
	lc->frames = rte_zmalloc_socket(
		"herald_frames",
		sizeof(*lc->frames) * HWP_MAX_FRAMES_PER_DATAGRAM,
		RTE_CACHE_LINE_SIZE, (int)rte_lcore_to_socket_id(lc->lcore_id));
	if (lc->frames == NULL || herald_publish_lcore_init(lc) < 0 ||
	    herald_seq_lcore_init(lc) < 0 ||
	    herald_history_lcore_init(lc) < 0 ||
	    herald_nack_lcore_init(lc) < 0 || herald_hb_lcore_init(lc) < 0 ||
	    herald_passive_lcore_init(lc) < 0)
		return -1;
	return 0;
}

void
herald_dp_lcore_free(struct herald_lcore *lc)
{
	herald_publish_lcore_free(lc);
	herald_nack_lcore_free(lc);
	herald_hb_lcore_free(lc);
	herald_passive_lcore_free(lc);
	herald_history_lcore_free(lc);
	herald_seq_lcore_free(lc);
	rte_free(lc->frames);
	lc->frames = NULL;
}

unsigned int
herald_dp_poll_control(struct herald_lcore *lc)
{
	return herald_suback_poll(lc);
}

unsigned int
herald_dp_end_burst(struct herald_lcore *lc)
{
	unsigned int work;

	herald_publish_flush_acks(lc);
	work = herald_hb_poll(lc);
	work += herald_pulse_poll(lc);
	herald_tx_flush_all(lc);
	/* Bounded state: a compare each when nothing is due. */
	herald_session_expire(lc, 16);
	herald_seq_expire(lc);
	/* Forget every RCU-protected pointer before the quiescent state. */
	lc->subs_cache_channel = 0;
	lc->subs_cache = NULL;
	return work;
}
