/* SPDX-License-Identifier: BSD-3-Clause
 * Channel history: the worker's log of records (dataplane/history.h;
 * costs in docs/RELIABILITY.md).
 */
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memcpy.h>

#include "dataplane/dataplane.h"
#include "dataplane/deliver.h"
#include "dataplane/history.h"
#include "herald.h"

/* The largest power of two <= n (n >= 1). */
static uint64_t
pow2_floor(uint64_t n)
{
	return n == 0 ? 0 : 1ull << (63 - __builtin_clzll(n));
}

void
herald_history_conf(struct herald_lcore_conf *c)
{
	const struct herald_config *cfg = &herald.cfg;
	unsigned int n = cfg->n_workers != 0 ? cfg->n_workers : 1;

	c->hist_depth = cfg->history_depth;
	c->hist_msgs_max = RTE_MAX(cfg->history_messages / n, 1u);
	/* A power of two (offsets are masked), at least two of the
	 * largest records. */
	c->hist_bytes_max = RTE_MAX(
		pow2_floor((uint64_t)cfg->history_bytes / n), (uint64_t)4096);
	c->rtx_per_s = cfg->retransmit_per_s;
	c->rtx_burst = cfg->retransmit_burst;
	c->rtx_linger_ns = (uint64_t)cfg->retransmit_linger_us * 1000;
	c->rtx_actions = cfg->retransmit_actions;
	c->rtx_give_up = cfg->retransmit_give_up;
}

int
herald_history_lcore_init(struct herald_lcore *lc)
{
	int socket = (int)rte_lcore_to_socket_id(lc->lcore_id);

	lc->hist_log = NULL;
	lc->hist_end = lc->hist_floor = lc->hist_count = 0;
	if (lc->conf.hist_depth == 0)
		return 0;
	lc->hist_mask = lc->conf.hist_bytes_max - 1;
	lc->hist_log =
		rte_malloc_socket("herald_hist_log", lc->conf.hist_bytes_max,
				  RTE_CACHE_LINE_SIZE, socket);
	return lc->hist_log != NULL ? 0 : -1;
}

void
herald_history_lcore_free(struct herald_lcore *lc)
{
	rte_free(lc->hist_log);
	lc->hist_log = NULL;
}

/* Room for a record of size bytes at the log's end: it never straddles
 * the ring's end (the rest of the ring is skipped), and what it
 * overwrites falls below the floor. Returns its offset. */
static inline uint64_t
log_reserve(struct herald_lcore *lc, uint32_t size)
{
	uint64_t ring = lc->hist_mask + 1;
	uint64_t pos = lc->hist_end & lc->hist_mask;
	uint64_t off;

	if (unlikely(pos + size > ring))
		lc->hist_end += ring - pos;
	off = lc->hist_end;
	lc->hist_end += size;
	if (lc->hist_end > ring && lc->hist_end - ring > lc->hist_floor)
		lc->hist_floor = lc->hist_end - ring;
	return off;
}

void
herald_history_keep(struct herald_lcore *lc, struct herald_chan_state *c,
		    struct rte_mbuf *m, uint64_t seq)
{
	const struct herald_msg_meta *meta = herald_meta(m);
	const uint8_t *payload = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = meta->payload_len;
	uint64_t off = log_reserve(lc, herald_history_rec_size(len));
	struct herald_hist_rec *r =
		(struct herald_hist_rec *)(lc->hist_log +
					   (off & lc->hist_mask));

	/* Field by field: a header built on the stack and copied would be
	 * read back wider than it was written (a store-forwarding stall). */
	/* A previous record past 4 GiB back is not held anyway. */
	r->prev_back =
		c->hist_last != HIST_NONE && off - c->hist_last <= UINT32_MAX
			? (uint32_t)(off - c->hist_last)
			: 0;
	r->index = (uint32_t)lc->hist_count++;
	r->seq = seq;
	r->timestamp = meta->timestamp;
	r->publisher = meta->publisher;
	r->payload_len = (uint16_t)len;
	r->payload_sum = herald_msg_payload_sum(m);
	rte_memcpy(r->payload, payload, len);
	c->hist_last = off;
	lc->cnt.c[CNT_history_kept]++;
}

unsigned int
herald_history_range(const struct herald_lcore *lc,
		     const struct herald_chan_state *c, uint64_t from,
		     uint64_t to, uint64_t *offs)
{
	uint64_t off = c->hist_last, t;
	unsigned int n = 0, i;

	/* From the newest back: NACKs are mostly for recent seqs. Seqs
	 * are distinct, so at most to - from + 1 are collected. */
	while (herald_history_held(lc, c, off)) {
		const struct herald_hist_rec *r = herald_history_at(lc, off);

		if (r->seq < from)
			break;
		if (r->seq <= to)
			offs[n++] = off;
		off = herald_history_prev(r, off);
	}
	for (i = 0; i < n / 2; i++) {
		t = offs[i];
		offs[i] = offs[n - 1 - i];
		offs[n - 1 - i] = t;
	}
	return n;
}

uint64_t
herald_history_oldest(const struct herald_lcore *lc,
		      const struct herald_chan_state *c, uint64_t seq)
{
	uint64_t off = c->hist_last, found = UINT64_MAX;

	while (herald_history_held(lc, c, off)) {
		const struct herald_hist_rec *r = herald_history_at(lc, off);

		if (r->seq < seq)
			break;
		found = r->seq;
		off = herald_history_prev(r, off);
	}
	return found;
}

uint32_t
herald_history_messages(const struct herald_lcore *lc)
{
	/* At most: records overwritten since are not told apart. */
	return (uint32_t)RTE_MIN(lc->hist_count,
				 (uint64_t)lc->conf.hist_msgs_max);
}

uint64_t
herald_history_bytes(const struct herald_lcore *lc)
{
	return lc->hist_end - lc->hist_floor;
}

void
herald_dp_history_state(const struct herald_lcore *lc,
			struct herald_dp_history_view *v)
{
	v->depth = lc->conf.hist_depth;
	v->log_bytes = lc->conf.hist_depth != 0 ? lc->conf.hist_bytes_max : 0;
	v->messages_max = lc->conf.hist_depth != 0 ? lc->conf.hist_msgs_max : 0;
	v->bytes_in_use = herald_history_bytes(lc);
	v->messages_held = herald_history_messages(lc);
	v->records = lc->hist_count;
}
