/* SPDX-License-Identifier: BSD-3-Clause
 * Channel history (PROTOCOL.md 6, History), on the owner of the channel's
 * slot, next to its sequencer (internal to the data plane).
 *
 * A channel keeps its last history_depth messages as a list of mbufs,
 * oldest first, linked through their metadata: no per-channel array, so
 * a channel costs nothing until it has messages. A message is held
 *
 *   by reference: the received mbuf of a one-frame PUBLISH datagram, no
 *     copy, while the worker holds fewer such buffers than hist_rx_max
 *     (a share of the RX pool, so that history never starves RX); the
 *     DELIVER in place is kept: the worker raises the refcount itself;
 *   as a copy: otherwise (a batched frame, a jumbo buffer, past the
 *     share), the payload once, into a buffer of history's own pools
 *     (small or large, whichever fits).
 *
 * Each worker's budget (history_messages and history_bytes, divided
 * among workers) is kept by a FIFO of every message it kept, in the
 * order kept: the budget drops the FIFO's head, the worker's oldest.
 * An entry names the channel's position and generation, and the seq: a
 * message already dropped by its channel's depth, or a channel state
 * reset since, leaves a stale entry that is skipped, never a pointer to
 * a freed buffer.
 */
#ifndef HERALD_HISTORY_H
#define HERALD_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "dataplane/sequencer.h"
#include "runtime/runtime.h"

/* How the history holds a message (herald_msg_meta.hist_kind). */
enum herald_hist_kind {
	HIST_NONE = 0, /* not kept */
	HIST_REF,      /* the received buffer itself */
	HIST_COPY,     /* a copy in history's own pool */
};

struct herald_hist_ent {
	uint32_t chan_pos;
	uint32_t chan_gen;
	uint64_t seq;
};

/* History's own pools: buffers of a size class (data room) the budgets
 * allow, and the small class's room. Each worker's budgets. */
uint32_t herald_history_pool_size(uint32_t data_room);
uint32_t herald_history_small_room(void);
void herald_history_conf(struct herald_lcore_conf *c);
int herald_history_lcore_init(struct herald_lcore *lc);
void herald_history_lcore_free(struct herald_lcore *lc);

/*
 * Keep message m (sequenced as seq on channel c, payload sum in its
 * metadata) in c's history. HIST_REF: history took the caller's own
 * reference to m; the caller must neither free m nor hand that
 * reference to a replica (it raises the count for what it sends).
 * HIST_COPY or HIST_NONE: m is the caller's as before.
 */
enum herald_hist_kind herald_history_keep(struct herald_lcore *lc,
					  struct herald_chan_state *c,
					  struct rte_mbuf *m, uint64_t seq);

/* Drop every message of c's history (its state is reset or goes). */
void herald_history_flush_channel(struct herald_lcore *lc,
				  struct herald_chan_state *c);
/* Drop every message this worker holds (exit: the pools' books). */
void herald_history_flush(struct herald_lcore *lc);

/* The held message with the smallest seq >= seq, NULL if none. */
struct rte_mbuf *herald_history_from(const struct herald_chan_state *c,
				     uint64_t seq);

#endif /* HERALD_HISTORY_H */
