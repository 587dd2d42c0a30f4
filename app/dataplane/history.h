/* SPDX-License-Identifier: BSD-3-Clause
 * Channel history (PROTOCOL.md 6, History), on the owner of the channel's
 * slot, next to its sequencer (internal to the data plane).
 *
 * Each worker keeps one log: a ring of bytes (its share of
 * history_bytes) that every message it sequences is appended to once,
 * as a record (its DELIVER fields and a copy of its payload), Aeron's
 * term buffer in spirit. A record is written once and never modified.
 * Each record links to its channel's previous one by log offset,
 * and the channel knows its newest. Nothing is ever freed: a record is
 * held while it is
 *   - not overwritten: its offset is within the last log-size bytes
 *     written (offsets count bytes written, they never wrap);
 *   - within the message budget: among the worker's last
 *     history_messages / workers records (each record has its number);
 *   - within its channel's depth: seq > last_seq - history_depth;
 *   - of the channel's current state (a new epoch starts a new list).
 * So the budget is exact and costs no eviction walk; received buffers
 * are never held (the RX pool is untouched by history, and a message
 * with one subscriber is still delivered in place); a retransmit is a
 * fresh flat buffer built from the record, never a shared one.
 */
#ifndef HERALD_HISTORY_H
#define HERALD_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "dataplane/sequencer.h"
#include "runtime/runtime.h"

/* No record (a log offset). */
#define HIST_NONE UINT64_MAX

/*
 * One message in the log: 32 bytes, then the payload (16-aligned),
 * padded to 16. Every byte written per message costs at fan-out 1, so
 * the links are 32 bits: the log is at most 4 GiB (history_bytes is a
 * u32), so a held previous record is less than 2^32 bytes back, and
 * fewer than 2^32 records fit in it, so record numbers compare mod 2^32.
 */
struct herald_hist_rec {
	uint32_t prev_back; /* bytes back to the channel's previous record
			     * (0: none) */
	uint32_t index;	    /* records the worker wrote before it, mod 2^32 */
	uint64_t seq;
	uint64_t timestamp;
	uint32_t publisher;
	uint16_t payload_len;
	uint16_t payload_sum; /* folded sum of the payload */
	uint8_t payload[];
};

#define HIST_REC_HDR sizeof(struct herald_hist_rec)
_Static_assert(HIST_REC_HDR == 32, "history record header: 32 bytes");
#define HIST_REC_ALIGN 16

/* Bytes of log one message of len payload bytes takes. */
static inline uint32_t
herald_history_rec_size(uint32_t len)
{
	return (uint32_t)RTE_ALIGN_CEIL(HIST_REC_HDR + len, HIST_REC_ALIGN);
}

/* Each worker's budgets and log (runtime start). */
void herald_history_conf(struct herald_lcore_conf *c);
int herald_history_lcore_init(struct herald_lcore *lc);
void herald_history_lcore_free(struct herald_lcore *lc);

/*
 * Append message m (sequenced as seq on channel c) to the log; its
 * payload sum is computed into its metadata if it is not there yet.
 * m is not kept.
 */
void herald_history_keep(struct herald_lcore *lc, struct herald_chan_state *c,
			 struct rte_mbuf *m, uint64_t seq);

/* c's history is gone (a new state, or the state is forgotten). */
static inline void
herald_history_reset(struct herald_chan_state *c)
{
	c->hist_last = HIST_NONE;
}

/* The record at offset off, held or not (check with _held). */
static inline const struct herald_hist_rec *
herald_history_at(const struct herald_lcore *lc, uint64_t off)
{
	return (const struct herald_hist_rec *)(lc->hist_log +
						(off & lc->hist_mask));
}

/* Is the record at off (of channel c) still held? */
static inline bool
herald_history_held(const struct herald_lcore *lc,
		    const struct herald_chan_state *c, uint64_t off)
{
	const struct herald_hist_rec *r;

	if (off == HIST_NONE || off < lc->hist_floor)
		return false;
	r = herald_history_at(lc, off);
	return (uint32_t)lc->hist_count - r->index <= lc->conf.hist_msgs_max &&
	       r->seq + lc->conf.hist_depth > c->last_seq;
}

/* The channel's record before the one at off, or HIST_NONE. */
static inline uint64_t
herald_history_prev(const struct herald_hist_rec *r, uint64_t off)
{
	return r->prev_back != 0 ? off - r->prev_back : HIST_NONE;
}

/* Offsets of c's held records with seqs in [from, to] (to - from <
 * HWP_NACK_MAX_COUNT), ascending, into offs; returns how many. */
unsigned int herald_history_range(const struct herald_lcore *lc,
				  const struct herald_chan_state *c,
				  uint64_t from, uint64_t to, uint64_t *offs);

/* The smallest seq >= seq of c's held records; UINT64_MAX if none. */
uint64_t herald_history_oldest(const struct herald_lcore *lc,
			       const struct herald_chan_state *c, uint64_t seq);

/* Messages this worker's log holds at most now, and its bytes in use
 * (show, stats). */
uint32_t herald_history_messages(const struct herald_lcore *lc);
uint64_t herald_history_bytes(const struct herald_lcore *lc);

#endif /* HERALD_HISTORY_H */
