/* SPDX-License-Identifier: BSD-3-Clause
 * The data plane, as the worker loop (runtime/lcore.c) drives it:
 *
 *   poll_ports:     RX burst -> classify -> hwp_parse -> frames by type
 *                   (publish/: sessions, allow-list, PUBACKs) -> steer by
 *                   slot: local fan-out, or the owner's hand-off ring
 *   drain_handoffs: messages other workers handed to this one
 *   end_burst:      PUBACKs owed, TX flush, forget RCU-protected pointers
 *
 * Everything here runs on a worker lcore and reads only its context.
 */
#ifndef HERALD_DATAPLANE_H
#define HERALD_DATAPLANE_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/runtime.h"

/* Per-worker tables (sessions, channel state, frame array). */
int herald_dp_lcore_init(struct herald_lcore *lc);
void herald_dp_lcore_free(struct herald_lcore *lc);

/* One RX burst per port, within the pause budget; returns packets. */
unsigned int herald_dp_poll_ports(struct herald_lcore *lc);
/* Messages and NACKs from the hand-off rings; returns how many. */
unsigned int herald_dp_drain_handoffs(struct herald_lcore *lc);
/* Nothing handed to this worker waits (exit, stop). */
bool herald_dp_handoffs_empty(const struct herald_lcore *lc);
/* The control thread's requests (SUBACKs) and packets; returns the work
 * done. Runs paused or not: a pause waits for it. */
unsigned int herald_dp_poll_control(struct herald_lcore *lc);
/* End of an iteration, before the quiescent state; returns the work
 * it did (channel heartbeats sent). */
unsigned int herald_dp_end_burst(struct herald_lcore *lc);

/* Last seq of a channel as seen by its owner (control thread, lock-free
 * reader); 0 if none. */
uint64_t herald_dp_channel_last_seq(uint64_t channel);

/* Retransmit counters of a channel or an endpoint (Aeron's names). */
struct herald_rtx_stats {
	uint64_t nacks;	      /* NACKs judged */
	uint64_t retransmits; /* RETRANSMIT DELIVERs */
	uint64_t retransmit_bytes;
	uint64_t gaps;
	uint64_t suppressed;  /* within the linger of an earlier one */
	uint64_t over_budget; /* retransmit budget spent */
	uint64_t given_up;    /* told with a GAP past retransmit_give_up */
};

/* A channel's sequence state as its owner holds it (control thread,
 * lock-free reader); false (all 0) if it has none. */
struct herald_dp_channel_view {
	uint64_t last_seq;
	uint32_t epoch;
	uint64_t last_msg_ns;
	uint64_t created_ns;
	struct herald_rtx_stats rtx; /* NACK repair, this epoch */
};
bool herald_dp_channel_state(uint64_t channel,
			     struct herald_dp_channel_view *v);

/* One worker's history, its budgets and what is in use (docs/
 * RELIABILITY.md): read by the control thread for show and stats. */
struct herald_dp_history_view {
	uint32_t depth;	       /* per channel; 0: no history */
	uint64_t log_bytes;    /* the log's size (its share of history_bytes) */
	uint64_t bytes_in_use; /* written and not overwritten */
	uint32_t messages_max; /* its share of history_messages */
	uint32_t messages_held; /* at most (a channel's depth may cut more) */
	uint64_t records;	/* messages written since start */
};
void herald_dp_history_state(const struct herald_lcore *lc,
			     struct herald_dp_history_view *v);

/* NACK repair of the endpoint at position pos (creation gen), summed
 * over the owners that answered it (control thread, racy reads of
 * counters). */
void herald_dp_endpoint_repair(uint32_t pos, uint32_t gen,
			       struct herald_rtx_stats *out);

#endif /* HERALD_DATAPLANE_H */
