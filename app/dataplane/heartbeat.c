/* SPDX-License-Identifier: BSD-3-Clause
 * Channel heartbeats (dataplane/heartbeat.h).
 */
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "dataplane/deliver.h"
#include "dataplane/heartbeat.h"
#include "herald.h"
#include "runtime/tx.h"
#include "subtab.h"

/* Channels looked at per FIFO and iteration: a burst of due channels
 * is spread over iterations instead of stalling one. */
#define HB_CHANNELS_PER_POLL 64

int
herald_hb_fifo_init(struct herald_hb_fifo *q, uint32_t cap, int socket)
{
	q->e = rte_malloc_socket("herald_hb", sizeof(*q->e) * cap,
				 RTE_CACHE_LINE_SIZE, socket);
	q->head = q->n = 0;
	q->cap = cap;
	return q->e != NULL ? 0 : -1;
}

bool
herald_hb_fifo_push(struct herald_hb_fifo *q, const struct herald_hb_ent *e)
{
	uint32_t tail;

	if (unlikely(q->n == q->cap))
		return false;
	tail = q->head + q->n;
	if (tail >= q->cap)
		tail -= q->cap;
	q->e[tail] = *e;
	q->n++;
	return true;
}

bool
herald_hb_fifo_pop_due(struct herald_hb_fifo *q, uint64_t now_ns,
		       struct herald_hb_ent *out)
{
	if (!herald_hb_fifo_due(q, now_ns))
		return false;
	*out = q->e[q->head];
	if (++q->head == q->cap)
		q->head = 0;
	q->n--;
	return true;
}

int
herald_hb_lcore_init(struct herald_lcore *lc)
{
	int socket = (int)rte_lcore_to_socket_id(lc->lcore_id);
	/* A channel is live in one FIFO at most; the stale entries a busy
	 * channel leaves behind are bounded by the period over the wait. */
	uint32_t cap = 2 * lc->chan_entries;

	lc->hb = rte_zmalloc_socket("herald_hb_fifos", 2 * sizeof(*lc->hb),
				    RTE_CACHE_LINE_SIZE, socket);
	if (lc->hb == NULL)
		return -1;
	return herald_hb_fifo_init(&lc->hb[0], cap, socket) == 0 &&
			       herald_hb_fifo_init(&lc->hb[1], cap, socket) == 0
		       ? 0
		       : -1;
}

void
herald_hb_lcore_free(struct herald_lcore *lc)
{
	if (lc->hb == NULL)
		return;
	rte_free(lc->hb[0].e);
	rte_free(lc->hb[1].e);
	rte_free(lc->hb);
	lc->hb = NULL;
}

static void
push(struct herald_lcore *lc, unsigned int k, struct herald_chan_state *c,
     uint64_t due_ns, uint8_t state)
{
	struct herald_hb_ent e = {
		.channel = c->channel,
		.due_ns = due_ns,
		.pos = (uint32_t)(c - lc->chan),
		.epoch = c->epoch,
	};

	if (unlikely(!herald_hb_fifo_push(&lc->hb[k], &e))) {
		/* Its next message queues it again. */
		lc->cnt.c[CNT_heartbeats_queue_full]++;
		c->hb_state = HB_NONE;
		return;
	}
	c->hb_state = state;
	c->hb_due_ns = due_ns;
}

void
herald_hb_wait(struct herald_lcore *lc, struct herald_chan_state *c,
	       uint64_t now_ns)
{
	push(lc, 0, c, now_ns + HERALD_HB_IDLE_NS, HB_WAIT);
}

/* The next heartbeat of an idle channel: a period after the last one,
 * and never already due (a clock that jumped, as a capture's can, gets
 * one heartbeat, not a burst of them). */
static inline uint64_t
next_due(const struct herald_lcore *lc, uint64_t last_due)
{
	uint64_t due = last_due + HERALD_HB_PERIOD_NS;

	return due > lc->clock_ns ? due : lc->clock_ns + HERALD_HB_PERIOD_NS;
}

/* One HEARTBEAT with c's last seq to each subscriber. */
static unsigned int
send_heartbeats(struct herald_lcore *lc, const struct herald_chan_state *c)
{
	const struct subtab_channel *s =
		subtab_lookup(lc->conf.subs, c->channel);
	uint32_t i;

	for (i = 0; s != NULL && i < s->n_members; i++) {
		const struct subtab_member *mb = &s->members[i];
		struct hwp_heartbeat hb = {
			.channel = c->channel,
			.seq = c->last_seq,
			.subscriber = mb->subscriber,
			.epoch = c->epoch,
		};
		uint8_t frame[HWP_HEARTBEAT_LEN];
		struct rte_mbuf *m;

		hwp_encode_heartbeat(frame, sizeof(frame), &hb);
		m = herald_member_frame_mbuf(lc, mb, frame, sizeof(frame));
		if (unlikely(m == NULL)) {
			lc->cnt.c[CNT_heartbeats_nombuf]++;
			continue;
		}
		lc->cnt.c[CNT_heartbeats]++;
		herald_tx_enqueue(lc, mb->egress_port, m);
	}
	return s != NULL ? s->n_members : 0;
}

/* The head of FIFO k, popped if due; NULL if none is. Its channel, if
 * the entry is still the channel's live one in that state. */
static bool
pop_due(struct herald_lcore *lc, unsigned int k, uint8_t state,
	struct herald_hb_ent *out, struct herald_chan_state **cp)
{
	struct herald_chan_state *c;

	if (!herald_hb_fifo_pop_due(&lc->hb[k], lc->clock_ns, out))
		return false;
	c = &lc->chan[out->pos];
	*cp = c->channel == out->channel && c->epoch == out->epoch &&
			      c->hb_state == state &&
			      c->hb_due_ns == out->due_ns
		      ? c
		      : NULL;
	return true;
}

unsigned int
herald_hb_poll(struct herald_lcore *lc)
{
	struct herald_chan_state *c;
	struct herald_hb_ent e;
	unsigned int n, sent = 0;
	uint64_t due;

	/* The first heartbeat of a quiet spell. */
	for (n = 0; n < HB_CHANNELS_PER_POLL && pop_due(lc, 0, HB_WAIT, &e, &c);
	     n++) {
		if (c == NULL)
			continue;
		due = c->last_msg_ns + HERALD_HB_IDLE_NS;
		if (due > lc->clock_ns) {
			/* A message came since: wait from it. */
			push(lc, 0, c, due, HB_WAIT);
			continue;
		}
		sent += send_heartbeats(lc, c);
		push(lc, 1, c, next_due(lc, due), HB_IDLE);
	}
	/* Idle channels, every period. */
	for (n = 0; n < HB_CHANNELS_PER_POLL && pop_due(lc, 1, HB_IDLE, &e, &c);
	     n++) {
		if (c == NULL)
			continue;
		sent += send_heartbeats(lc, c);
		push(lc, 1, c, next_due(lc, e.due_ns), HB_IDLE);
	}
	return sent;
}
