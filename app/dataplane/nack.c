/* SPDX-License-Identifier: BSD-3-Clause
 * NACK repair on the owner of the channel's slot (dataplane/nack.h).
 *
 * A NACK for seqs a..a+count-1 is judged in this order, each verdict
 * counted once (nack_*):
 *   not_subscribed  the endpoint holds no subscription to the channel;
 *   future          every requested seq is above the channel's last;
 *   suppressed      a range covering the request (up to the last seq)
 *                   was resent to this endpoint within the linger;
 *   actions_full    no free retransmit action to linger with;
 *   over_budget     the endpoint's bucket holds fewer tokens than the
 *                   packets the answer takes;
 *   given_up        the same, but it was over budget retransmit_give_up
 *                   times in a row already: a slow subscriber is told
 *                   with one GAP for the range (to the last seq) rather
 *                   than served forever;
 *   answered        in seq order: one GAP per run of requested seqs the
 *                   history no longer holds, a RETRANSMIT DELIVER per
 *                   seq it holds (the live frame's bytes but the flag);
 *                   seqs above the last are not answered.
 * A retransmit never writes into a shared buffer: it is a flat buffer of
 * its own, built from the history record (headers, DELIVER header with
 * the flag, the payload copied from the log).
 */
#include <string.h>

#include <rte_hash.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "dataplane/dataplane.h"
#include "dataplane/deliver.h"
#include "dataplane/history.h"
#include "dataplane/nack.h"
#include "herald.h"
#include "inet_csum.h"

#define NACK_BURST    32
#define NS_PER_SECOND 1000000000ull

int
herald_nack_lcore_init(struct herald_lcore *lc)
{
	int socket = (int)rte_lcore_to_socket_id(lc->lcore_id);
	char name[RTE_RING_NAMESIZE];

	snprintf(name, sizeof(name), "herald_nacks%u", lc->index);
	lc->nack_ring = rte_ring_create_elem(
		name, sizeof(struct herald_nack_item),
		herald.cfg.handoff_ring_size, socket, RING_F_SC_DEQ);
	lc->rtx_ep = rte_zmalloc_socket("herald_rtx_ep",
					sizeof(*lc->rtx_ep) * herald.ep_slots,
					RTE_CACHE_LINE_SIZE, socket);
	lc->rtx_act = rte_zmalloc_socket(
		"herald_rtx_act", sizeof(*lc->rtx_act) * lc->conf.rtx_actions,
		RTE_CACHE_LINE_SIZE, socket);
	lc->rtx_act_head = lc->rtx_act_n = 0;
	return lc->nack_ring == NULL || lc->rtx_ep == NULL ||
			       lc->rtx_act == NULL
		       ? -1
		       : 0;
}

void
herald_nack_lcore_free(struct herald_lcore *lc)
{
	rte_ring_free(lc->nack_ring);
	rte_free(lc->rtx_ep);
	rte_free(lc->rtx_act);
	lc->nack_ring = NULL;
	lc->rtx_ep = NULL;
	lc->rtx_act = NULL;
}

/* The subscriber's member record on the channel, NULL if it has none. */
static const struct subtab_member *
find_member(const struct herald_lcore *lc, const struct herald_nack_item *it)
{
	const struct subtab_channel *s =
		subtab_lookup(lc->conf.subs, it->channel);
	uint32_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < s->n_members; i++) {
		const struct subtab_member *mb = &s->members[i];

		if (mb->ip == it->src_ip && mb->udp_port == it->src_port &&
		    mb->subscriber == it->subscriber)
			return mb;
	}
	return NULL;
}

static struct herald_rtx_ep *
endpoint_state(struct herald_lcore *lc, const struct herald_nack_item *it)
{
	struct herald_rtx_ep *e = &lc->rtx_ep[it->ep_pos];

	if (e->gen != it->ep_gen) {
		memset(e, 0, sizeof(*e));
		e->gen = it->ep_gen;
	}
	return e;
}

/* Actions older than the linger are free again (FIFO: in time order). */
static void
actions_expire(struct herald_lcore *lc)
{
	while (lc->rtx_act_n > 0) {
		const struct herald_rtx_action *a =
			&lc->rtx_act[lc->rtx_act_head];

		if (lc->clock_ns - a->t_ns < lc->conf.rtx_linger_ns)
			break;
		lc->rtx_act_head =
			(lc->rtx_act_head + 1) % lc->conf.rtx_actions;
		lc->rtx_act_n--;
	}
}

static bool
lingering(const struct herald_lcore *lc, const struct herald_nack_item *it,
	  uint64_t from, uint64_t to)
{
	uint32_t i, k = lc->rtx_act_head;

	for (i = 0; i < lc->rtx_act_n; i++) {
		const struct herald_rtx_action *a = &lc->rtx_act[k];

		if (a->ep_pos == it->ep_pos && a->ep_gen == it->ep_gen &&
		    a->channel == it->channel && a->from <= from && to <= a->to)
			return true;
		k = (k + 1) % lc->conf.rtx_actions;
	}
	return false;
}

static void
action_add(struct herald_lcore *lc, const struct herald_nack_item *it,
	   uint64_t from, uint64_t to)
{
	uint32_t k = (lc->rtx_act_head + lc->rtx_act_n) % lc->conf.rtx_actions;

	lc->rtx_act[k] = (struct herald_rtx_action){
		.ep_pos = it->ep_pos,
		.ep_gen = it->ep_gen,
		.channel = it->channel,
		.from = from,
		.to = to,
		.t_ns = lc->clock_ns,
	};
	lc->rtx_act_n++;
}

/* GCRA: may the endpoint be sent n packets now? Takes them if so. */
static bool
budget_take(const struct herald_lcore *lc, struct herald_rtx_ep *e, uint32_t n)
{
	uint64_t t, now = lc->clock_ns, depth, base;

	if (lc->conf.rtx_per_s == 0)
		return false;
	t = NS_PER_SECOND / lc->conf.rtx_per_s; /* ns per packet */
	depth = (uint64_t)lc->conf.rtx_burst * t;
	base = now > depth && e->tat_ns < now - depth ? now - depth : e->tat_ns;
	if (base + (uint64_t)n * t > now)
		return false;
	e->tat_ns = base + (uint64_t)n * t;
	return true;
}

/* Packets the answer to [from, to] takes, given its held records:
 * a GAP per run the history no longer holds, a DELIVER per seq it
 * holds. */
static uint32_t
answer_packets(const struct herald_lcore *lc, const uint64_t *offs,
	       unsigned int n, uint64_t from, uint64_t to)
{
	uint64_t next = from;
	uint32_t packets = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint64_t seq = herald_history_at(lc, offs[i])->seq;

		packets += seq > next ? 2 : 1;
		next = seq + 1;
	}
	return packets + (next <= to ? 1 : 0);
}

static void
send_gap(struct herald_lcore *lc, const struct subtab_member *mb,
	 const struct herald_chan_state *c, uint64_t from, uint64_t count,
	 struct herald_rtx_stats *es)
{
	struct hwp_gap g = {
		.channel = c->channel,
		.from_seq = from,
		.count = (uint32_t)count,
		.epoch = c->epoch,
	};
	uint8_t frame[HWP_GAP_LEN];
	struct rte_mbuf *m;

	hwp_encode_gap(frame, sizeof(frame), &g);
	m = herald_member_frame_mbuf(lc, mb, frame, sizeof(frame));
	if (unlikely(m == NULL)) {
		lc->cnt.c[CNT_retransmits_nombuf]++;
		return;
	}
	lc->cnt.c[CNT_gaps]++;
	es->gaps++;
	herald_tx_enqueue(lc, mb->egress_port, m);
}

/* A RETRANSMIT of record r: one flat buffer of its own (headers, the
 * DELIVER header with the flag, the payload copied from the log). */
static void
send_retransmit(struct herald_lcore *lc, const struct subtab_member *mb,
		const struct herald_chan_state *c,
		const struct herald_hist_rec *r, struct herald_rtx_stats *es)
{
	struct hwp_deliver d = {
		.channel = c->channel,
		.seq = r->seq,
		.epoch = c->epoch,
		.publisher = r->publisher,
		.timestamp = r->timestamp,
	};
	struct herald_deliver_msg dm = {.payload_len = r->payload_len};
	uint32_t len = DELIVER_HDRS_LEN + r->payload_len;
	struct rte_mbuf *m = rte_pktmbuf_alloc(lc->conf.flat_pool);
	uint8_t *p = m != NULL ? (uint8_t *)rte_pktmbuf_append(m, (uint16_t)len)
			       : NULL;

	if (unlikely(p == NULL)) {
		rte_pktmbuf_free(m);
		lc->cnt.c[CNT_retransmits_nombuf]++;
		return;
	}
	hwp_deliver_words(&dm.hdr, HWP_F_RETRANSMIT, &d, dm.payload_len);
	dm.body_sum = inet_csum_fold64(
		inet_csum_words(dm.hdr.w, HWP_DELIVER_WORDS) + r->payload_sum);
	rte_memcpy(p + DELIVER_HDRS_LEN, r->payload, r->payload_len);
	herald_deliver_headers(lc, m, p, mb, &dm);
	lc->cnt.c[CNT_retransmits]++;
	lc->cnt.c[CNT_retransmit_bytes] += HWP_DELIVER_LEN + dm.payload_len;
	es->retransmits++;
	es->retransmit_bytes += HWP_DELIVER_LEN + dm.payload_len;
	herald_tx_enqueue(lc, mb->egress_port, m);
}

/* In seq order: GAPs for runs not held, RETRANSMITs for held seqs. */
static void
answer(struct herald_lcore *lc, const struct subtab_member *mb,
       struct herald_chan_state *c, const uint64_t *offs, unsigned int n,
       uint64_t from, uint64_t to, struct herald_rtx_stats *es)
{
	uint64_t next = from;
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct herald_hist_rec *r =
			herald_history_at(lc, offs[i]);

		if (r->seq > next)
			send_gap(lc, mb, c, next, r->seq - next, es);
		send_retransmit(lc, mb, c, r, es);
		next = r->seq + 1;
	}
	if (next <= to)
		send_gap(lc, mb, c, next, to - next + 1, es);
}

/* Add one set of repair counters to another. */
static void
rtx_stats_add(struct herald_rtx_stats *to, const struct herald_rtx_stats *add)
{
	to->nacks += add->nacks;
	to->retransmits += add->retransmits;
	to->retransmit_bytes += add->retransmit_bytes;
	to->gaps += add->gaps;
	to->suppressed += add->suppressed;
	to->over_budget += add->over_budget;
	to->given_up += add->given_up;
}

/* Both the channel's and the endpoint's counters. */
#define RTX_COUNT(c, e, field)                                                 \
	do {                                                                   \
		(c)->rtx.field++;                                              \
		(e)->st.field++;                                               \
	} while (0)

/* A NACK past the budget: dropped, or past the give-up point answered
 * with one GAP (32 bytes for the NACK's 32: never an amplifier). */
static void
over_budget(struct herald_lcore *lc, const struct subtab_member *mb,
	    struct herald_chan_state *c, struct herald_rtx_ep *e, uint64_t from,
	    uint64_t to)
{
	struct herald_rtx_stats es = {0};

	if (lc->conf.rtx_give_up == 0 ||
	    e->over_in_a_row < lc->conf.rtx_give_up) {
		e->over_in_a_row++;
		lc->cnt.c[CNT_nack_over_budget]++;
		RTX_COUNT(c, e, over_budget);
		return;
	}
	lc->cnt.c[CNT_nack_given_up]++;
	RTX_COUNT(c, e, given_up);
	send_gap(lc, mb, c, from, to - from + 1, &es);
	rtx_stats_add(&c->rtx, &es);
	rtx_stats_add(&e->st, &es);
}

void
herald_nack_handle(struct herald_lcore *lc, const struct herald_nack_item *it)
{
	const struct subtab_member *mb = find_member(lc, it);
	struct herald_chan_state *c = NULL;
	uint64_t offs[HWP_NACK_MAX_COUNT];
	struct herald_rtx_stats es = {0};
	struct herald_rtx_ep *e;
	uint64_t to, last = 0;
	unsigned int n;
	int32_t pos;

	lc->cnt.c[CNT_nacks]++;
	if (mb == NULL) {
		lc->cnt.c[CNT_nack_not_subscribed]++;
		return;
	}
	e = endpoint_state(lc, it);
	e->st.nacks++;
	pos = rte_hash_lookup(lc->channels, &it->channel);
	if (pos >= 0) {
		c = &lc->chan[pos];
		c->rtx.nacks++;
		last = c->last_seq;
	}
	if (c == NULL || it->from_seq > last) {
		lc->cnt.c[CNT_nack_future]++;
		return;
	}
	to = RTE_MIN(it->from_seq + it->count - 1, last);
	actions_expire(lc);
	if (lc->conf.rtx_linger_ns != 0) {
		if (lingering(lc, it, it->from_seq, to)) {
			lc->cnt.c[CNT_nack_suppressed]++;
			RTX_COUNT(c, e, suppressed);
			return;
		}
		if (lc->rtx_act_n == lc->conf.rtx_actions) {
			lc->cnt.c[CNT_nack_actions_full]++;
			return;
		}
	}
	n = herald_history_range(lc, c, it->from_seq, to, offs);
	if (!budget_take(lc, e,
			 answer_packets(lc, offs, n, it->from_seq, to))) {
		over_budget(lc, mb, c, e, it->from_seq, to);
		return;
	}
	e->over_in_a_row = 0;
	if (lc->conf.rtx_linger_ns != 0)
		action_add(lc, it, it->from_seq, to);
	lc->cnt.c[CNT_nack_answered]++;
	answer(lc, mb, c, offs, n, it->from_seq, to, &es);
	rtx_stats_add(&c->rtx, &es);
	rtx_stats_add(&e->st, &es);
	/* From this iteration's receive (a NACK handed off by another
	 * worker: from its arrival here). */
	hist_record(&lc->lat.h[LAT_nack_to_retransmit],
		    rte_rdtsc() - lc->iter_tsc);
}

void
herald_nack_resume(struct herald_lcore *lc, struct herald_chan_state *c,
		   const struct herald_ctl_req *r, uint64_t last)
{
	uint64_t offs[HWP_NACK_MAX_COUNT], from, to;
	struct herald_rtx_stats es = {0};
	struct subtab_member mb;
	unsigned int n;

	memcpy(mb.hdr, r->tmpl.hdr, sizeof(mb.hdr));
	mb.csum_ip = r->tmpl.csum_ip;
	mb.csum_udp = r->tmpl.csum_udp;
	mb.egress_port = r->egress_port;
	lc->cnt.c[CNT_resumes]++;
	/* One GAP for what is gone (held records of a channel are its
	 * newest, without holes), then a window of NACK size at a time
	 * (each walks back from the newest: quadratic only in depths far
	 * beyond the default). */
	from = herald_history_oldest(lc, c, r->from_seq);
	if (from > last) {
		send_gap(lc, &mb, c, r->from_seq, last - r->from_seq + 1, &es);
	} else if (from > r->from_seq) {
		send_gap(lc, &mb, c, r->from_seq, from - r->from_seq, &es);
	}
	for (; from <= last; from = to + 1) {
		to = RTE_MIN(last, from + HWP_NACK_MAX_COUNT - 1);
		n = herald_history_range(lc, c, from, to, offs);
		answer(lc, &mb, c, offs, n, from, to, &es);
	}
	rtx_stats_add(&c->rtx, &es);
}

unsigned int
herald_nack_drain(struct herald_lcore *lc)
{
	struct herald_nack_item items[NACK_BURST];
	unsigned int n, i;

	n = rte_ring_sc_dequeue_burst_elem(lc->nack_ring, items,
					   sizeof(items[0]), NACK_BURST, NULL);
	lc->cnt.c[CNT_nack_handoffs_in] += n;
	for (i = 0; i < n; i++)
		herald_nack_handle(lc, &items[i]);
	return n;
}

void
herald_dp_endpoint_repair(uint32_t pos, uint32_t gen,
			  struct herald_rtx_stats *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < herald.n_workers; i++) {
		const struct herald_rtx_ep *e = &herald.lcores[i]->rtx_ep[pos];

		if (e->gen == gen)
			rtx_stats_add(out, &e->st);
	}
}
