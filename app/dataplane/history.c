/* SPDX-License-Identifier: BSD-3-Clause
 * Channel history: what is kept, how, and what the budget drops
 * (dataplane/history.h; costs in docs/RELIABILITY.md).
 */
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include "dataplane/history.h"
#include "herald.h"

/* Data room of the small copies: most chat payloads fit. */
#define HIST_SMALL_ROOM 256u

/* What one held message costs against history_bytes: the buffer that
 * holds it, mbuf and private area included. */
static uint64_t
buffer_cost(uint32_t data_room)
{
	return sizeof(struct rte_mbuf) + HERALD_MBUF_PRIV_SIZE + data_room;
}

void
herald_history_conf(struct herald_lcore_conf *c)
{
	const struct herald_config *cfg = &herald.cfg;
	unsigned int n = cfg->n_workers != 0 ? cfg->n_workers : 1;

	c->hist_depth = cfg->history_depth;
	c->hist_msgs_max = RTE_MAX(cfg->history_messages / n, 1u);
	c->hist_bytes_max = RTE_MAX((uint64_t)cfg->history_bytes / n,
				    buffer_cost(RTE_MBUF_DEFAULT_BUF_SIZE));
	c->hist_rx_max = (uint32_t)((uint64_t)cfg->rx_mbufs *
				    cfg->history_rx_percent / 100 / n);
	c->hist_small_room = HIST_SMALL_ROOM;
	c->hist_small_pool = herald.hist_small_pool;
	c->hist_large_pool = herald.hist_large_pool;
	c->rtx_per_s = cfg->retransmit_per_s;
	c->rtx_burst = cfg->retransmit_burst;
	c->rtx_linger_ns = (uint64_t)cfg->retransmit_linger_us * 1000;
	c->rtx_actions = cfg->retransmit_actions;
}

/* Buffers of one size class the budgets allow at most, plus what the
 * workers' mempool caches may hold. */
uint32_t
herald_history_pool_size(uint32_t data_room)
{
	const struct herald_config *cfg = &herald.cfg;
	uint64_t n = RTE_MIN((uint64_t)cfg->history_messages,
			     cfg->history_bytes / buffer_cost(data_room));

	return (uint32_t)n + (cfg->n_workers + 1) *
				     herald_config_pool_cache(cfg, (uint32_t)n);
}

uint32_t
herald_history_small_room(void)
{
	return HIST_SMALL_ROOM;
}

int
herald_history_lcore_init(struct herald_lcore *lc)
{
	lc->hist_fifo = NULL;
	lc->hist_fifo_head = lc->hist_fifo_n = 0;
	lc->hist_msgs = lc->hist_rx = 0;
	lc->hist_bytes = 0;
	if (lc->conf.hist_depth == 0)
		return 0;
	lc->hist_fifo = rte_malloc_socket(
		"herald_hist_fifo",
		sizeof(*lc->hist_fifo) * lc->conf.hist_msgs_max,
		RTE_CACHE_LINE_SIZE, (int)rte_lcore_to_socket_id(lc->lcore_id));
	return lc->hist_fifo != NULL ? 0 : -1;
}

void
herald_history_lcore_free(struct herald_lcore *lc)
{
	rte_free(lc->hist_fifo);
	lc->hist_fifo = NULL;
}

static inline uint64_t
held_cost(const struct rte_mbuf *m)
{
	return buffer_cost(m->buf_len);
}

/* Drop c's oldest message. */
static void
drop_head(struct herald_lcore *lc, struct herald_chan_state *c)
{
	struct rte_mbuf *m = c->hist_head;
	struct herald_msg_meta *meta = herald_meta(m);
	struct rte_mbuf *next = meta->hist_next;

	c->hist_head = next;
	if (next != NULL)
		herald_meta(next)->hist_prev = NULL;
	else
		c->hist_tail = NULL;
	c->hist_n--;
	lc->hist_msgs--;
	lc->hist_bytes -= held_cost(m);
	if (meta->hist_kind == HIST_REF)
		lc->hist_rx--;
	meta->hist_kind = HIST_NONE;
	rte_pktmbuf_free(m);
}

/* Pop the FIFO's head: drop its message if it is still held. */
static void
budget_pop(struct herald_lcore *lc)
{
	const struct herald_hist_ent *e = &lc->hist_fifo[lc->hist_fifo_head];
	struct herald_chan_state *c = &lc->chan[e->chan_pos];

	/* Every older message of that channel has gone already, so the
	 * entry is live exactly when its message heads the channel. */
	if (c->gen == e->chan_gen && c->hist_head != NULL &&
	    herald_meta(c->hist_head)->seq == e->seq) {
		drop_head(lc, c);
		lc->cnt.c[CNT_history_evicted_budget]++;
	}
	lc->hist_fifo_head++;
	if (lc->hist_fifo_head == lc->conf.hist_msgs_max)
		lc->hist_fifo_head = 0;
	lc->hist_fifo_n--;
}

/* A copy of m's payload in history's own pool, metadata included. */
static struct rte_mbuf *
copy_of(struct herald_lcore *lc, struct rte_mbuf *m)
{
	const struct herald_msg_meta *meta = herald_meta(m);
	struct rte_mempool *mp = meta->payload_len <= lc->conf.hist_small_room
					 ? lc->conf.hist_small_pool
					 : lc->conf.hist_large_pool;
	struct rte_mbuf *h = rte_pktmbuf_alloc(mp);

	if (unlikely(h == NULL))
		return NULL;
	/* No headroom: a retransmit's headers go in a header mbuf. */
	h->data_off = 0;
	h->data_len = h->pkt_len = meta->payload_len;
	rte_memcpy(rte_pktmbuf_mtod(h, void *), rte_pktmbuf_mtod(m, void *),
		   meta->payload_len);
	*herald_meta(h) = *meta;
	herald_meta(h)->payload_off = 0;
	return h;
}

/* May m itself be held? A received buffer of one frame that nobody
 * else holds, within the share of the RX pool. */
static inline bool
by_reference(const struct herald_lcore *lc, const struct rte_mbuf *m)
{
	return m->pool == lc->conf.rx_pool && RTE_MBUF_DIRECT(m) &&
	       rte_mbuf_refcnt_read(m) == 1 &&
	       lc->hist_rx < lc->conf.hist_rx_max;
}

enum herald_hist_kind
herald_history_keep(struct herald_lcore *lc, struct herald_chan_state *c,
		    struct rte_mbuf *m, uint64_t seq)
{
	enum herald_hist_kind kind = HIST_REF;
	struct herald_hist_ent *e;
	struct rte_mbuf *h = m;
	struct herald_msg_meta *meta;
	uint32_t tail;

	if (!by_reference(lc, m)) {
		kind = HIST_COPY;
		h = copy_of(lc, m);
		if (unlikely(h == NULL)) {
			lc->cnt.c[CNT_history_nombuf]++;
			return HIST_NONE;
		}
		lc->cnt.c[CNT_history_kept_copy]++;
	} else {
		lc->hist_rx++;
		lc->cnt.c[CNT_history_kept_ref]++;
	}
	meta = herald_meta(h);
	meta->hist_kind = (uint8_t)kind;
	meta->seq = seq;
	if (kind == HIST_REF)
		meta->payload_off = m->data_off;
	meta->hist_next = NULL;
	meta->hist_prev = c->hist_tail;
	if (c->hist_tail != NULL)
		herald_meta(c->hist_tail)->hist_next = h;
	else
		c->hist_head = h;
	c->hist_tail = h;
	c->hist_n++;
	lc->hist_msgs++;
	lc->hist_bytes += held_cost(h);
	if (c->hist_n > lc->conf.hist_depth) {
		drop_head(lc, c);
		lc->cnt.c[CNT_history_evicted_depth]++;
	}
	/* The next one to go, for the next message of this channel. */
	rte_prefetch0(c->hist_head);
	if (lc->hist_fifo_n == lc->conf.hist_msgs_max)
		budget_pop(lc);
	tail = lc->hist_fifo_head + lc->hist_fifo_n;
	if (tail >= lc->conf.hist_msgs_max)
		tail -= lc->conf.hist_msgs_max;
	e = &lc->hist_fifo[tail];
	e->chan_pos = (uint32_t)(c - lc->chan);
	e->chan_gen = c->gen;
	e->seq = seq;
	lc->hist_fifo_n++;
	while (unlikely(lc->hist_bytes > lc->conf.hist_bytes_max))
		budget_pop(lc);
	return kind;
}

void
herald_history_flush_channel(struct herald_lcore *lc,
			     struct herald_chan_state *c)
{
	while (c->hist_head != NULL) {
		drop_head(lc, c);
		lc->cnt.c[CNT_history_flushed]++;
	}
	c->gen++;
}

void
herald_history_flush(struct herald_lcore *lc)
{
	while (lc->hist_fifo_n > 0) {
		const struct herald_hist_ent *e =
			&lc->hist_fifo[lc->hist_fifo_head];
		struct herald_chan_state *c = &lc->chan[e->chan_pos];

		if (c->gen == e->chan_gen && c->hist_head != NULL)
			herald_history_flush_channel(lc, c);
		lc->hist_fifo_head++;
		if (lc->hist_fifo_head == lc->conf.hist_msgs_max)
			lc->hist_fifo_head = 0;
		lc->hist_fifo_n--;
	}
}

struct rte_mbuf *
herald_history_from(const struct herald_chan_state *c, uint64_t seq)
{
	struct rte_mbuf *m = c->hist_tail, *found = NULL;

	/* From the newest back: NACKs are mostly for recent seqs. */
	while (m != NULL && herald_meta(m)->seq >= seq) {
		found = m;
		m = herald_meta(m)->hist_prev;
	}
	return found;
}
