/* SPDX-License-Identifier: BSD-3-Clause
 * Channel heartbeats (PROTOCOL.md 6, Liveness), on the owner of the
 * channel's slot (internal to the data plane): once a second has passed
 * since a channel's last new message, one HEARTBEAT with its last seq to
 * each of its subscribers, then one every 10 seconds while it stays
 * idle. A channel that never had a message gets none.
 *
 * Cost follows channel activity: no timer per subscription. A channel
 * is in at most one of two FIFOs of (channel, due time), one for the
 * 1-second wait and one for the 10-second period; a message costs a
 * compare (and a push once per quiet spell), and the worker looks at
 * the heads once per iteration. An entry whose channel had a message
 * since is pushed again with its new due time when it comes up, so a
 * FIFO is only nearly in due order: a heartbeat may leave up to a second
 * late behind an entry that waits longer, never early.
 */
#ifndef HERALD_HEARTBEAT_H
#define HERALD_HEARTBEAT_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane/sequencer.h"
#include "runtime/runtime.h"

#define HERALD_HB_IDLE_NS   1000000000ull  /* first heartbeat */
#define HERALD_HB_PERIOD_NS 10000000000ull /* then, while idle */

/* chan_state.hb_state: which FIFO holds the channel. */
enum { HB_NONE = 0, HB_WAIT = 1, HB_IDLE = 2 };

struct herald_hb_ent {
	uint64_t channel;
	uint64_t due_ns;
	uint32_t pos;
	uint32_t epoch;
};

/* A FIFO of (channel, due) entries (the pulses of passive.c use one
 * too). */
struct herald_hb_fifo {
	struct herald_hb_ent *e;
	uint32_t head, n, cap;
};

int herald_hb_fifo_init(struct herald_hb_fifo *q, uint32_t cap, int socket);
/* false: full. */
bool herald_hb_fifo_push(struct herald_hb_fifo *q,
			 const struct herald_hb_ent *e);
/* The head is due by now_ns. */
static inline bool
herald_hb_fifo_due(const struct herald_hb_fifo *q, uint64_t now_ns)
{
	return q->n != 0 && q->e[q->head].due_ns <= now_ns;
}

/* The head, popped, if it is due by now_ns. */
bool herald_hb_fifo_pop_due(struct herald_hb_fifo *q, uint64_t now_ns,
			    struct herald_hb_ent *out);

int herald_hb_lcore_init(struct herald_lcore *lc);
void herald_hb_lcore_free(struct herald_lcore *lc);

void herald_hb_wait(struct herald_lcore *lc, struct herald_chan_state *c,
		    uint64_t now_ns);

/* A message was sequenced on c at now_ns. */
static inline void
herald_hb_message(struct herald_lcore *lc, struct herald_chan_state *c,
		  uint64_t now_ns)
{
	if (unlikely(c->hb_state != HB_WAIT))
		herald_hb_wait(lc, c, now_ns);
}

/* Heartbeats due by the worker's clock; returns packets sent. */
unsigned int herald_hb_poll(struct herald_lcore *lc);

#endif /* HERALD_HEARTBEAT_H */
