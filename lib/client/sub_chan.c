/* SPDX-License-Identifier: BSD-3-Clause
 * libherald-client: one subscribed channel's ordering (sub_priv.h):
 * in-order delivery, the reorder ring, GAPs, epochs and NACKs.
 */
#include <stdlib.h>
#include <string.h>

#include "hwp.h"
#include "sub_priv.h"

static struct sub_slot *
slot_of(const struct herald_sub *s, const struct sub_chan *c, uint64_t seq)
{
	return &c->ring[seq % s->cfg.reorder_window];
}

/* The first seq past the reorder window: early DELIVERs below it wait
 * in the ring, later ones are left to a NACK. */
static uint64_t
window_end(const struct herald_sub *s, const struct sub_chan *c)
{
	return c->next + s->cfg.reorder_window;
}

static bool
ring_has(const struct herald_sub *s, const struct sub_chan *c, uint64_t seq)
{
	return c->ring != NULL && slot_of(s, c, seq)->seq == seq;
}

static void
slot_clear(struct sub_chan *c, struct sub_slot *sl)
{
	if (sl->msg != SLOT_LOST)
		free(sl->msg);
	sl->seq = 0;
	sl->msg = NULL;
	c->n_buffered--;
}

/* Drop what the ring holds (all of it, or the seqs outside [lo, hi)). */
static void
ring_prune(struct herald_sub *s, struct sub_chan *c, uint64_t lo, uint64_t hi)
{
	uint32_t i;

	if (c->ring == NULL || c->n_buffered == 0)
		return;
	for (i = 0; i < s->cfg.reorder_window; i++) {
		struct sub_slot *sl = &c->ring[i];

		if (sl->seq != 0 && (sl->seq < lo || sl->seq >= hi))
			slot_clear(c, sl);
	}
}

void
chan_release(struct sub_chan *c)
{
	uint32_t i;

	if (c->ring != NULL && c->n_buffered > 0)
		for (i = 0; c->n_buffered > 0; i++)
			if (c->ring[i].seq != 0)
				slot_clear(c, &c->ring[i]);
	free(c->ring);
	c->ring = NULL;
}

static void
emit_message(struct herald_sub *s, struct sub_chan *c, uint64_t seq,
	     uint32_t publisher, uint64_t ts, bool retx, const void *payload,
	     uint32_t len)
{
	struct herald_sub_event ev = {
		.type = HERALD_SUB_MESSAGE,
		.channel = c->channel,
		.seq = seq,
		.epoch = c->epoch,
		.retransmitted = retx,
		.publisher = publisher,
		.timestamp = ts,
		.payload = payload,
		.len = len,
	};

	c->next = seq + 1;
	s->st.delivered++;
	sub_emit(s, &ev);
}

static void
emit_gap(struct herald_sub *s, struct sub_chan *c, uint64_t from, uint64_t end)
{
	struct herald_sub_event ev = {
		.type = HERALD_SUB_GAP,
		.channel = c->channel,
		.from_seq = from,
		.count = (uint32_t)(end - from),
		.epoch = c->epoch,
	};

	c->next = end;
	s->st.gaps++;
	s->st.gap_seqs += end - from;
	sub_emit(s, &ev);
}

static bool
has_hole(const struct sub_chan *c)
{
	return c->synced && !c->passive && c->next <= c->high;
}

/*
 * Holes get NACKed twice over: seqs not asked for yet (above nacked_upto)
 * soon, after a random delay in [0, delay] so that reordering settles;
 * all of them again at retry_at, backing off while no progress is made.
 * No hole: no timer.
 */
static void
nack_arm(struct herald_sub *s, struct sub_chan *c, uint64_t delay)
{
	uint64_t t;

	if (!has_hole(c)) {
		c->nack_at = 0;
		c->retry_at = 0;
		c->nacked_upto = c->high;
		c->fresh_pending = false;
		return;
	}
	if (c->retry_at == 0 && c->nack_at == 0) {
		c->nack_wait = s->cfg.nack_retry_ns;
		c->nack_next_seen = c->next;
	}
	if (c->high > c->nacked_upto && !c->fresh_pending) {
		/* In [now, now + delay] (client.h); 0 means no timer. */
		t = s->now + hc_rand(&s->rng) % (delay + 1);
		if (t == 0)
			t = 1;
		if (c->nack_at == 0 || t < c->nack_at)
			c->nack_at = t;
		c->fresh_pending = true;
	}
}

/* Hand over what waits in order at next: messages, and lost runs as one
 * GAP each. */
static void
drain(struct herald_sub *s, struct sub_chan *c)
{
	while (c->n_buffered > 0 && ring_has(s, c, c->next)) {
		struct sub_slot *sl = slot_of(s, c, c->next);
		struct sub_msg *m = sl->msg;
		uint64_t from = c->next, end = c->next;

		if (m == SLOT_LOST) {
			while (ring_has(s, c, end) &&
			       slot_of(s, c, end)->msg == SLOT_LOST)
				slot_clear(c, slot_of(s, c, end++));
			emit_gap(s, c, from, end);
			continue;
		}
		sl->msg = NULL;
		slot_clear(c, sl);
		emit_message(s, c, from, m->publisher, m->timestamp,
			     m->retransmitted, m->data, m->len);
		free(m);
	}
	nack_arm(s, c, s->cfg.nack_delay_ns);
}

static bool
ring_ready(struct herald_sub *s, struct sub_chan *c)
{
	if (c->ring == NULL)
		c->ring = calloc(s->cfg.reorder_window, sizeof(*c->ring));
	return c->ring != NULL;
}

/* Keep a copy of an early DELIVER. */
static void
buffer_msg(struct herald_sub *s, struct sub_chan *c, const struct hwp_frame *f)
{
	const struct hwp_deliver *d = &f->u.deliver;
	struct sub_slot *sl;
	struct sub_msg *m;

	if (!ring_ready(s, c)) {
		s->st.window_drops++;
		return;
	}
	sl = slot_of(s, c, d->seq);
	if (sl->seq == d->seq) {
		s->st.duplicates++;
		return;
	}
	if (sl->seq != 0) { /* only before a SUBACK: seqs not yet bounded */
		s->st.window_drops++;
		return;
	}
	m = malloc(sizeof(*m) + f->payload_len);
	if (m == NULL) {
		s->st.window_drops++;
		return;
	}
	m->publisher = d->publisher;
	m->len = f->payload_len;
	m->timestamp = d->timestamp;
	m->retransmitted = (f->flags & HWP_F_RETRANSMIT) != 0;
	memcpy(m->data, f->payload, f->payload_len);
	sl->seq = d->seq;
	sl->msg = m;
	c->n_buffered++;
	s->st.buffered++;
}

void
chan_reset(struct herald_sub *s, struct sub_chan *c, uint32_t epoch)
{
	struct herald_sub_event ev = {
		.type = HERALD_SUB_RESET,
		.channel = c->channel,
		.seq = c->next > 0 ? c->next - 1 : 0,
		.epoch = epoch,
		.old_epoch = c->epoch,
	};

	ring_prune(s, c, 0, 0);
	c->old_epoch = c->epoch;
	c->epoch = epoch;
	c->next = 1;
	c->high = 0;
	c->pulse_seq = 0;
	c->nack_at = 0;
	c->retry_at = 0;
	c->nacked_upto = 0;
	c->fresh_pending = false;
	s->st.resets++;
	sub_emit(s, &ev);
}

bool
chan_epoch_check(struct herald_sub *s, struct sub_chan *c, uint32_t epoch)
{
	if (epoch == c->epoch)
		return true;
	if (!c->synced || epoch == c->old_epoch || epoch == 0)
		return false;
	chan_reset(s, c, epoch);
	return true;
}

void
chan_on_deliver(struct herald_sub *s, struct sub_chan *c,
		const struct hwp_frame *f)
{
	const struct hwp_deliver *d = &f->u.deliver;
	uint64_t seq = d->seq;

	if (!c->synced || c->passive) {
		/* Before the SUBACK (or while turning active) nothing is
		 * known of next: keep it for chan_synced to settle, if it is
		 * of the epoch the others are of. */
		if (c->passive && c->want_passive)
			return;
		if (c->epoch != 0 && d->epoch != c->epoch)
			return;
		if (!c->synced)
			c->epoch = d->epoch;
		buffer_msg(s, c, f);
		return;
	}
	if (!chan_epoch_check(s, c, d->epoch))
		return;
	if (seq > c->high)
		c->high = seq;
	if (seq < c->next) {
		s->st.duplicates++;
		return;
	}
	if (seq == c->next) {
		emit_message(s, c, seq, d->publisher, d->timestamp,
			     (f->flags & HWP_F_RETRANSMIT) != 0, f->payload,
			     f->payload_len);
		drain(s, c);
		return;
	}
	if (seq >= window_end(s, c))
		s->st.window_drops++; /* NACKed once the window gets there */
	else
		buffer_msg(s, c, f);
	nack_arm(s, c, s->cfg.nack_delay_ns);
}

void
chan_on_gap(struct herald_sub *s, struct sub_chan *c, const struct hwp_gap *g)
{
	uint64_t end = g->from_seq + g->count, seq, lim;

	if (!c->synced || c->passive || !chan_epoch_check(s, c, g->epoch) ||
	    end <= c->next)
		return;
	if (end - 1 > c->high)
		c->high = end - 1;
	lim = hc_min_u64(end, window_end(s, c));
	if (g->from_seq <= c->next) {
		for (seq = c->next; c->n_buffered > 0 && seq < lim; seq++)
			if (ring_has(s, c, seq))
				slot_clear(c, slot_of(s, c, seq));
		emit_gap(s, c, c->next, end);
		drain(s, c);
		return;
	}
	/* Lost further on: marked, reported when delivery gets there. */
	for (seq = g->from_seq; seq < lim && ring_ready(s, c); seq++) {
		struct sub_slot *sl = slot_of(s, c, seq);

		if (sl->seq == seq)
			continue;
		sl->seq = seq;
		sl->msg = SLOT_LOST;
		c->n_buffered++;
	}
	nack_arm(s, c, s->cfg.nack_delay_ns);
}

void
chan_on_heartbeat(struct herald_sub *s, struct sub_chan *c,
		  const struct hwp_heartbeat *hb)
{
	struct herald_sub_event ev = {
		.type = HERALD_SUB_PULSE,
		.channel = c->channel,
		.seq = hb->seq,
		.epoch = hb->epoch,
	};

	if (!c->synced || !chan_epoch_check(s, c, hb->epoch))
		return;
	if (c->passive) {
		if (hb->seq != c->pulse_seq) {
			c->pulse_seq = hb->seq;
			sub_emit(s, &ev);
		}
		return;
	}
	if (hb->seq > c->high) {
		c->high = hb->seq;
		nack_arm(s, c, s->cfg.nack_delay_ns);
	}
}

void
chan_synced(struct herald_sub *s, struct sub_chan *c, uint64_t next_seq,
	    uint32_t epoch)
{
	uint64_t k = c->req.from_seq;
	bool was_active = c->synced && !c->passive;
	bool reset = false;

	if (!c->synced) {
		if (c->epoch != epoch)
			ring_prune(s, c, 0, 0); /* early ones, another epoch */
		/* The epoch the request knew: the application's, else
		 * Herald's. */
		c->epoch = c->req.epoch ? c->req.epoch : epoch;
		c->next = k; /* what a RESET reports as processed: k - 1 */
		c->high = 0;
		c->synced = true;
	}
	if (c->epoch != epoch) {
		/* Seqs restarted since (Herald restarted, or the
		 * application's epoch is an old one). */
		chan_reset(s, c, epoch);
		reset = true;
	}
	c->passive = c->want_passive;
	if (c->passive) {
		ring_prune(s, c, 0, 0);
		c->pulse_seq = next_seq - 1;
		c->nack_at = 0;
		c->retry_at = 0;
		return;
	}
	if (reset)
		c->next = 1; /* all of the new epoch Herald still holds */
	else if (!was_active)
		c->next = k > 0 && k < next_seq ? k : next_seq;
	if (next_seq - 1 > c->high)
		c->high = next_seq - 1;
	if (k > 0 && !reset && c->nacked_upto < next_seq - 1)
		c->nacked_upto =
			next_seq - 1; /* the SUBSCRIBE asked for them */
	ring_prune(s, c, c->next, window_end(s, c));
	drain(s, c);
	/* A resume's RETRANSMITs are on their way: NACK what they leave out
	 * only after a retry time. The timer is set whatever drain left:
	 * the seqs the SUBSCRIBE asked for are no fresh holes, so nothing
	 * else would NACK them if one of those RETRANSMITs is lost. */
	if (has_hole(c) && k > 0 && !reset) {
		c->retry_at = s->now + s->cfg.nack_retry_ns;
		c->nack_at = c->retry_at;
	}
}

/* Send NACKs for the holes in [next, high] within the window: the fresh
 * ones only, or, when the retry is due, all (sub_priv.h). */
void
chan_nack_due(struct herald_sub *s, struct sub_chan *c)
{
	uint64_t seq, lim, from;
	unsigned int runs = 0;
	bool full = c->retry_at == 0 || s->now >= c->retry_at;

	if (!has_hole(c)) {
		nack_arm(s, c, 0);
		return;
	}
	lim = hc_min_u64(c->high, window_end(s, c) - 1);
	seq = full || c->nacked_upto < c->next ? c->next : c->nacked_upto + 1;
	while (seq <= lim && runs < 16) {
		struct hwp_nack n = {
			.channel = c->channel,
			.subscriber = s->id,
		};

		if (ring_has(s, c, seq)) {
			seq++;
			continue;
		}
		from = seq;
		while (seq <= lim && !ring_has(s, c, seq) &&
		       seq - from < HWP_NACK_MAX_COUNT)
			seq++;
		n.from_seq = from;
		n.count = (uint32_t)(seq - from);
		hwp_encode_nack(sub_ctl_frame(s, HWP_NACK_LEN), HWP_NACK_LEN,
				&n);
		s->st.nacks_sent++;
		s->st.nacked_seqs += n.count;
		runs++;
	}
	if (seq - 1 > c->nacked_upto)
		c->nacked_upto = seq - 1;
	c->fresh_pending = false;
	if (full) {
		if (c->next > c->nack_next_seen)
			c->nack_wait = s->cfg.nack_retry_ns; /* progress */
		c->retry_at = s->now + c->nack_wait;
		c->nack_next_seen = c->next;
		c->nack_wait *= 2;
		if (c->nack_wait > s->cfg.nack_retry_max_ns)
			c->nack_wait = s->cfg.nack_retry_max_ns;
	}
	c->nack_at = c->retry_at;
	/* Fresh holes left over (16 runs a call): soon again. */
	if (c->nacked_upto < lim)
		c->nack_at = s->now + 1;
}
