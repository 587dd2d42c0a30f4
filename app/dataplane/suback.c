/* SPDX-License-Identifier: BSD-3-Clause
 * The owner's side of a subscription change (docs/CONTROL.md, "the
 * timing of next_seq"). The control thread queues each OK SUBACK here
 * before it publishes the change, tagged with the table version the
 * change will have. This worker answers a request only once it sees
 * that version: in its loop once the version is published, or in the
 * middle of a fan-out, before sequencing a message with a snapshot at
 * least that new. Either way the request's next_seq is read between two
 * messages of the channel, from the one thread that sequences it: the
 * first message the endpoint gets (or no longer gets) is exactly
 * next_seq, and the SUBACK leaves on the same TX queue before it.
 */
#include <rte_ring.h>

#include "dataplane/nack.h"
#include "dataplane/passive.h"
#include "dataplane/sequencer.h"
#include "dataplane/subscribe.h"
#include "dataplane/udp_out.h"
#include "runtime/tx.h"
#include "subtab.h"

/* Control-thread packets forwarded per iteration. */
#define CTL_TX_BURST 32
/* SUBACK requests read from the ring at a time. */
#define SUBACK_BURST 32

static void
suback_send(struct herald_lcore *lc, const struct herald_ctl_req *r)
{
	const struct herald_lcore_conf *c = &lc->conf;
	struct herald_chan_state *cs;
	struct hwp_suback sa = {
		.channel = r->channel,
		.subscriber = r->subscriber,
		.status = HWP_SUBACK_OK,
	};
	uint8_t frame[HWP_SUBACK_LEN];
	struct rte_mbuf *m;

	if (r->type == HERALD_REQ_NO_SUBACK) {
		/* An operator's passive one, its removal, an expiry. */
		cs = r->passive_op == HERALD_PASSIVE_ADD
			     ? herald_seq_channel_for_suback(lc, r->channel,
							     r->rx_ns, false)
			     : herald_seq_channel_find(lc, r->channel);
		herald_passive_apply(lc, cs, r,
				     cs != NULL ? cs->last_seq + 1 : 0);
		return;
	}
	cs = herald_seq_channel_for_suback(lc, r->channel, r->rx_ns,
					   r->had_members != 0);
	if (likely(cs != NULL)) {
		sa.next_seq = cs->last_seq + 1;
		sa.epoch = cs->epoch;
	} else {
		/* No room for its state: the epoch its first message will
		 * most likely get, seq 1. */
		lc->cnt.c[CNT_suback_no_state]++;
		sa.next_seq = 1;
		sa.epoch = herald_seq_channel_epoch(
			c->epoch, r->channel, r->rx_ns, c->channel_timeout_ns);
	}
	/* Passive state changes with the SUBACK, whether or not it can be
	 * built: the control thread's tables already did. */
	if (r->passive_op != HERALD_PASSIVE_NONE)
		herald_passive_apply(lc, cs, r, sa.next_seq);
	hwp_encode_suback(frame, sizeof(frame), &sa);
	m = herald_udp_frame_mbuf(c->hdr_pool, &r->tmpl, frame, sizeof(frame),
				  c->ports[r->egress_port].csum_offload);
	if (unlikely(m == NULL)) {
		lc->cnt.c[CNT_subacks_nombuf]++;
		return;
	}
	lc->cnt.c[CNT_subacks]++;
	herald_tx_enqueue(lc, r->egress_port, m);
	/* A resume: what it asks for before next_seq, from history, on the
	 * same queue right behind the SUBACK and before any live DELIVER. */
	if (r->from_seq != 0 && r->from_seq < sa.next_seq && cs != NULL)
		herald_nack_resume(lc, cs, r, sa.next_seq - 1);
}

/* The request at i of a zero-copy view of the ring. */
static inline const struct herald_ctl_req *
req_at(const struct rte_ring_zc_data *zcd, unsigned int i)
{
	return i < zcd->n1 ? (const struct herald_ctl_req *)zcd->ptr1 + i
			   : (const struct herald_ctl_req *)zcd->ptr2 +
				     (i - zcd->n1);
}

unsigned int
herald_suback_catch_up(struct herald_lcore *lc, uint64_t version)
{
	struct rte_ring_zc_data zcd;
	unsigned int n, i, done = 0;

	/* Read in place, a burst at a time; in order: the first request
	 * whose version is not visible yet stays in the ring, with every
	 * later one behind it. */
	do {
		n = rte_ring_dequeue_zc_burst_elem_start(
			lc->ctl_reqs, sizeof(struct herald_ctl_req),
			SUBACK_BURST, &zcd, NULL);
		for (i = 0; i < n && req_at(&zcd, i)->version <= version; i++) {
			const struct herald_ctl_req *r = req_at(&zcd, i);

			if (r->type != HERALD_REQ_NO_SUBACK)
				lc->cnt.c[CNT_suback_requests]++;
			suback_send(lc, r);
		}
		done += i;
		if (n != 0)
			rte_ring_dequeue_zc_elem_finish(lc->ctl_reqs, i);
	} while (i == SUBACK_BURST);
	if (version > lc->req_seen)
		lc->req_seen = version;
	return done;
}

/* Packets the control thread built for a port without its own queue
 * (their port is in m->port). */
static unsigned int
forward_control_tx(struct herald_lcore *lc)
{
	struct rte_mbuf *pkts[CTL_TX_BURST];
	unsigned int n, i;

	n = rte_ring_sc_dequeue_burst(lc->ctl_tx, (void **)pkts, CTL_TX_BURST,
				      NULL);
	for (i = 0; i < n; i++) {
		lc->cnt.c[CNT_control_sent]++;
		herald_tx_enqueue(lc, pkts[i]->port, pkts[i]);
	}
	return n;
}

unsigned int
herald_suback_poll(struct herald_lcore *lc)
{
	unsigned int work = 0;

	if (!rte_ring_empty(lc->ctl_reqs))
		work += herald_suback_catch_up(lc,
					       subtab_published(lc->conf.subs));
	if (lc->ctl_tx != NULL && !rte_ring_empty(lc->ctl_tx))
		work += forward_control_tx(lc);
	return work;
}
