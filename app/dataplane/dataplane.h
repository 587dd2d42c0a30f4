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
/* End of an iteration, before the quiescent state. */
void herald_dp_end_burst(struct herald_lcore *lc);

/* Last seq of a channel as seen by its owner (control thread, lock-free
 * reader); 0 if none. */
uint64_t herald_dp_channel_last_seq(uint64_t channel);

/* A channel's sequence state as its owner holds it (control thread,
 * lock-free reader); false (all 0) if it has none. */
struct herald_dp_channel_view {
	uint64_t last_seq;
	uint32_t epoch;
	uint64_t last_msg_ns;
	uint64_t created_ns;
};
bool herald_dp_channel_state(uint64_t channel,
			     struct herald_dp_channel_view *v);

#endif /* HERALD_DATAPLANE_H */
