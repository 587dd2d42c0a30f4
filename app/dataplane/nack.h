/* SPDX-License-Identifier: BSD-3-Clause
 * NACK repair (PROTOCOL.md 6, History), internal to the data plane: the
 * receiving worker passes a NACK of a live endpoint to the owner of the
 * channel's slot, which answers it from the channel's history with
 * RETRANSMIT DELIVERs and GAPs, within the subscriber's retransmit
 * budget and outside the linger of what it already resent to it.
 */
#ifndef HERALD_NACK_H
#define HERALD_NACK_H

#include <stdint.h>

#include "dataplane/sequencer.h"
#include "runtime/runtime.h"

/* One NACK, as the owner needs it (not the mbuf). */
struct herald_nack_item {
	uint64_t channel;
	uint64_t from_seq;
	uint32_t count;
	uint32_t subscriber;
	uint32_t src_ip;
	uint16_t src_port;
	uint16_t rx_port;
	uint32_t ep_pos; /* the endpoint's record, and which creation */
	uint32_t ep_gen;
};

/* Retransmit state of one endpoint, on the owner (by endpoint
 * position): its budget (GCRA: the time its bucket would be empty) and
 * its counters. */
struct herald_rtx_ep {
	uint32_t gen; /* endpoint creation this state is of */
	uint64_t tat_ns;
	/* Its NACKs over budget since one was answered (give up past
	 * retransmit_give_up). */
	uint32_t over_in_a_row;
	struct herald_rtx_stats st;
};

/* A range resent to one endpoint: not resent within the linger. */
struct herald_rtx_action {
	uint32_t ep_pos, ep_gen;
	uint64_t channel;
	uint64_t from, to; /* seqs, inclusive */
	uint64_t t_ns;
};

int herald_nack_lcore_init(struct herald_lcore *lc);
void herald_nack_lcore_free(struct herald_lcore *lc);

/* Judge and answer one NACK (owner of its slot only). */
void herald_nack_handle(struct herald_lcore *lc,
			const struct herald_nack_item *it);

/* A resume (SUBSCRIBE from_seq, PROTOCOL.md 6, Subscribing): right
 * after its OK SUBACK, r->from_seq .. last of channel c, GAP first for
 * what is gone, to the request's endpoint. Served whole (a verified
 * SUBSCRIBE, bounded by the history's depth), counted `resumes`. */
void herald_nack_resume(struct herald_lcore *lc, struct herald_chan_state *c,
			const struct herald_ctl_req *r, uint64_t last);

/* NACKs other workers handed to this one; returns how many. */
unsigned int herald_nack_drain(struct herald_lcore *lc);

#endif /* HERALD_NACK_H */
