/* SPDX-License-Identifier: BSD-3-Clause
 * Passive subscriptions (PROTOCOL.md 6), on the owner of the channel's
 * slot (internal to the data plane). A passive endpoint gets no DELIVER
 * of the channel, only a pulse: a HEARTBEAT with the channel's last seq,
 * at most once a second and only when the channel had new messages since
 * the last pulse or since the endpoint's SUBACK.
 *
 * The owner keeps them, not the subscription table: the control thread
 * asks for each change with the change's SUBACK request (control/ctlq.h),
 * and the owner makes it when it answers, so that the change takes
 * effect exactly at the SUBACK's next_seq, on the thread that sequences
 * the channel. An entry is kept by the control thread's passive id, in
 * a list per channel (its sequence state holds the head and the count;
 * a channel with passive subscriptions keeps its state).
 *
 * A pulse costs nothing per message but a compare: the first message
 * after a pulse queues the channel, due a second later, in a FIFO (due
 * times are pushed in clock order, so it is exact); when it comes up,
 * the channel's last seq then goes to every passive endpoint whose
 * SUBACK came before a message it has not had a pulse for, a bounded
 * number per iteration.
 */
#ifndef HERALD_PASSIVE_H
#define HERALD_PASSIVE_H

#include <stdint.h>

#include "control/ctlq.h"
#include "dataplane/sequencer.h"
#include "runtime/runtime.h"

#define HERALD_PULSE_NS 1000000000ull /* at most one pulse a second */

/* chan_state.pulse_state. */
enum { PULSE_IDLE = 0, PULSE_QUEUED = 1 };

int herald_passive_lcore_init(struct herald_lcore *lc);
void herald_passive_lcore_free(struct herald_lcore *lc);

/* The passive change r asks for, made as its SUBACK (next_seq) leaves;
 * c is the channel's state (NULL: none, and so no passive entry). */
void herald_passive_apply(struct herald_lcore *lc, struct herald_chan_state *c,
			  const struct herald_ctl_req *r, uint64_t next_seq);

void herald_pulse_queue(struct herald_lcore *lc, struct herald_chan_state *c,
			uint64_t now_ns);

/* A message was sequenced on c at now_ns. */
static inline void
herald_passive_message(struct herald_lcore *lc, struct herald_chan_state *c,
		       uint64_t now_ns)
{
	if (unlikely(c->n_passive != 0) && c->pulse_state == PULSE_IDLE)
		herald_pulse_queue(lc, c, now_ns);
}

/* Pulses due by the worker's clock; returns packets sent. */
unsigned int herald_pulse_poll(struct herald_lcore *lc);

#endif /* HERALD_PASSIVE_H */
