/* SPDX-License-Identifier: BSD-3-Clause
 * SUBSCRIBE and UNSUBSCRIBE from the network, on the control thread, in
 * the order of PROTOCOL.md 6 (Subscribing): the token (BAD_TOKEN, in
 * constant time), the expiry (EXPIRED: expires <= Herald's clock, in
 * Unix seconds), then the tables (NOT_SUBSCRIBED, LIMIT, UNAVAILABLE).
 * An OK goes to the channel's owner to be answered with the exact
 * next_seq (control/batch.c); a failure is answered from here, within
 * its source's budget (control/replies.c). Items of endpoints that
 * already hold a subscription are taken first, each endpoint's in the
 * order its worker received them.
 */
#include <rte_ring.h>

#include "control/plane.h"
#include "control/subscriptions.h"
#include "hwp_token.h"
#include "herald.h"

/* Items taken from one ring at a time. */
#define ITEM_BURST 32
_Static_assert(ITEM_BURST <= CTL_PREFETCH_MAX, "a burst is prefetched whole");

/*
 * Items of known endpoints (ring 0) may overtake those of new ones
 * (ring 1), but never an older item of the same endpoint: a worker
 * files an endpoint's items in ring 1 until it sees the endpoint live,
 * so a SUBSCRIBE can still wait there when the same endpoint's
 * UNSUBSCRIBE reaches ring 0. Each item carries its worker's count
 * (wseq). A ring-0 item goes first only once its endpoint is settled
 * for that worker: ring 1 held nothing older than one of its ring-0
 * items seen under the same record (ep_gen). Until then it waits here,
 * with the rest of its burst.
 */
static struct {
	struct herald_ctl_item it[ITEM_BURST];
	unsigned int next, n;
	bool waiting; /* it[next] waits (counted once) */
} known[HERALD_MAX_WORKERS];

_Static_assert(sizeof(((struct herald_endpoint *)0)->settled) * 8 >=
		       HERALD_MAX_WORKERS,
	       "settled: a bit per worker");

bool
ctl_items_empty(void)
{
	unsigned int w, k;

	for (w = 0; w < herald.n_workers; w++) {
		if (known[w].next < known[w].n)
			return false;
		for (k = 0; k < RTE_DIM(herald.lcores[w]->ctl_items); k++)
			if (!rte_ring_empty(herald.lcores[w]->ctl_items[k]))
				return false;
	}
	return true;
}

static inline void
count(enum herald_control_counter c)
{
	herald.ctl_cnt.c[c]++;
}

/* The change an item asks for, to the MAC its SUBACKs and DELIVERs
 * take (the SUBSCRIBE's Ethernet source unless a next hop is set). */
static void
item_change(const struct herald_ctl_item *it, struct ctl_change *ch)
{
	const struct herald_config *cfg = &herald.cfg;

	ch->channel = it->channel;
	ch->subscriber = it->subscriber;
	ch->ip = it->src_ip;
	ch->port = it->src_port;
	ch->mac = cfg->has_next_hop_mac ? cfg->next_hop_mac : it->src_mac;
	ch->now_ns = it->rx_ns;
	ch->origin = CTL_NETWORK;
	ch->passive = (it->flags & HWP_F_PASSIVE) != 0;
}

/* The SUBACK's headers: those of the endpoint's member (m) when they
 * go to the same MAC, else (or with no member) built here. */
static void
suback_tmpl(struct herald_udp_tmpl *t, const struct ctl_change *ch,
	    const struct subtab_member *m)
{
	if (m != NULL && rte_is_same_ether_addr(&m->mac, &ch->mac)) {
		RTE_BUILD_BUG_ON(sizeof(m->hdr) != sizeof(t->hdr));
		memcpy(t->hdr, m->hdr, sizeof(t->hdr));
		t->csum_ip = m->csum_ip;
		t->csum_udp = m->csum_udp;
		return;
	}
	herald_endpoint_tmpl(t, ch->ip, ch->port, &ch->mac);
}

/* The OK SUBACK of a change to the channel at chan_pos (CTL_NIL: a
 * channel without record, whose change is passive only), for its owner;
 * m is the endpoint's member (as it is, or as it was before it left),
 * NULL if it is passive; the owner adds or drops passive_id as op says. */
static void
ok_request(const struct herald_ctl_item *it, const struct ctl_change *ch,
	   uint32_t chan_pos, const struct subtab_member *m,
	   uint32_t passive_id, uint8_t op)
{
	struct ctl_chan *c = chan_pos == CTL_NIL ? NULL : ctl_chan_at(chan_pos);
	struct herald_ctl_req r = {
		.channel = it->channel,
		.rx_ns = it->rx_ns,
		.from_seq = it->type == HWP_T_SUBSCRIBE ? it->from_seq : 0,
		.subscriber = it->subscriber,
		.egress_port = herald.cfg.egress_port,
		.type = it->type,
		/* Members when the batch began (or now, if no change is
		 * pending). */
		.had_members =
			c != NULL && (c->dirty ? c->n_before : c->n) != 0,
		.passive_id = passive_id,
		.passive_op = op,
	};

	suback_tmpl(&r.tmpl, ch, m);
	/* Room was checked before the item was taken. */
	if (!ctl_batch_suback(chan_pos, &r))
		RTE_VERIFY(0);
}

static uint8_t
fail_status(enum ctl_result r)
{
	/* No memory is a limit of the moment (docs/CONTROL.md). */
	return r == CTL_NOT_SUBSCRIBED ? HWP_SUBACK_NOT_SUBSCRIBED
				       : HWP_SUBACK_LIMIT;
}

static void
fail_count(enum ctl_result r)
{
	switch (r) {
	case CTL_NOT_SUBSCRIBED: count(CTL_not_subscribed); break;
	case CTL_LIMIT_SUBSCRIBERS: count(CTL_limit_subscribers); break;
	case CTL_LIMIT_CHANNELS: count(CTL_limit_channels); break;
	case CTL_LIMIT_SUBSCRIPTIONS: count(CTL_limit_subscriptions); break;
	case CTL_LIMIT_ENDPOINTS: count(CTL_limit_endpoints); break;
	case CTL_LIMIT_PASSIVE: count(CTL_limit_passive); break;
	default: count(CTL_no_memory); break;
	}
}

static void
ok_count(enum ctl_result r, bool passive)
{
	switch (r) {
	case CTL_ADDED:
		count(passive ? CTL_passive_subscribed : CTL_subscribed);
		break;
	case CTL_PROMOTED: count(CTL_promoted); break;
	case CTL_DEMOTED: count(CTL_demoted); break;
	default: count(CTL_refreshed); break;
	}
}

/* A SUBSCRIBE: returns the subscription's position, CTL_NIL if none
 * was made or refreshed. A resume (from_seq) is an OK change: its owner
 * follows the SUBACK with the history asked for; a passive one (or one
 * turned passive) has its owner keep it for pulses, one turned active
 * has it dropped, both at the SUBACK's next_seq. */
static uint32_t
item_subscribe(const struct herald_ctl_item *it, const struct ctl_change *ch)
{
	uint32_t sub_pos, passive_id;
	const struct ctl_sub *s;
	enum ctl_result r;
	uint8_t op;

	r = ctl_sub_add(ch, false, &sub_pos, &passive_id);
	if (r != CTL_ADDED && r != CTL_REFRESHED && r != CTL_PROMOTED &&
	    r != CTL_DEMOTED) {
		fail_count(r);
		ctl_reply_fail(it, fail_status(r), it->rx_ns);
		return CTL_NIL;
	}
	/* A passive id comes with every passive outcome: dropped when it
	 * turned active, else added (or refreshed). */
	if (r == CTL_PROMOTED)
		op = HERALD_PASSIVE_DEL;
	else if (passive_id != CTL_NIL)
		op = HERALD_PASSIVE_ADD;
	else
		op = HERALD_PASSIVE_NONE;
	ok_count(r, ch->passive);
	ctl_sub_token_keep(sub_pos, it->expires, it->token);
	s = ctl_sub_at(sub_pos);
	if (s->passive)
		ok_request(it, ch, ctl_chan_find(it->channel), NULL, passive_id,
			   op);
	else
		ok_request(it, ch, s->chan, ctl_sub_member(sub_pos), passive_id,
			   op);
	return sub_pos;
}

static void
item_unsubscribe(const struct herald_ctl_item *it, const struct ctl_change *ch)
{
	struct subtab_member gone;
	uint32_t chan_pos, passive_id;
	enum ctl_result r = ctl_sub_del(ch, &chan_pos, &gone, &passive_id);

	if (r != CTL_REMOVED) {
		fail_count(r);
		ctl_reply_fail(it, fail_status(r), it->rx_ns);
		return;
	}
	count(CTL_unsubscribed);
	if (passive_id != CTL_NIL)
		ok_request(it, ch, chan_pos, NULL, passive_id,
			   HERALD_PASSIVE_DEL);
	else
		ok_request(it, ch, chan_pos, &gone, CTL_NIL,
			   HERALD_PASSIVE_NONE);
}

/* The endpoint at pos proved itself: it was heard from at now_ns. */
static void
endpoint_heard_at(uint32_t pos, uint64_t now_ns)
{
	struct herald_endpoint *ep = ctl_ep_at(pos);

	if (ep->seen_ns < now_ns)
		ep->seen_ns = now_ns;
}

/* The same for an endpoint found by its address, if it is live. */
static void
endpoint_heard(const struct ctl_change *ch)
{
	uint32_t pos = ctl_ep_find(ch->ip, ch->port);

	if (pos != CTL_NIL)
		endpoint_heard_at(pos, ch->now_ns);
}

/* The token is right: the one the subscription was made with (no HMAC
 * needed), or one the key verifies. */
static bool
token_valid(const struct herald_ctl_item *it, uint32_t sub_pos)
{
	if (herald.token_key == NULL)
		return false;
	if (sub_pos != CTL_NIL &&
	    ctl_sub_token_is(sub_pos, it->expires, it->token)) {
		count(CTL_token_known);
		return true;
	}
	return hwp_token_key_verify(herald.token_key, it->channel,
				    it->subscriber, it->expires, it->src_ip,
				    it->src_port, it->token);
}

static void
item_handle(const struct herald_ctl_item *it)
{
	struct ctl_change ch;
	uint32_t sub_pos, made = CTL_NIL;

	count(CTL_items);
	herald.ctl_cnt.c[CTL_request_bytes] += HWP_SUBSCRIBE_LEN;
	sub_pos = ctl_sub_find(it->channel, it->subscriber, it->src_ip,
			       it->src_port);
	if (!token_valid(it, sub_pos)) {
		count(CTL_bad_token);
		ctl_reply_fail(it, HWP_SUBACK_BAD_TOKEN, it->rx_ns);
		return;
	}
	if (it->expires <= it->rx_ns / 1000000000u) {
		count(CTL_expired);
		ctl_reply_fail(it, HWP_SUBACK_EXPIRED, it->rx_ns);
		return;
	}
	item_change(it, &ch);
	ch.sub_known = true;
	ch.sub_pos = sub_pos;
	/* A verified frame: its endpoint was heard from (a new one starts
	 * its silence now). Its own subscription says where it is. */
	if (sub_pos != CTL_NIL)
		endpoint_heard_at(ctl_sub_at(sub_pos)->ep, ch.now_ns);
	if (it->type == HWP_T_SUBSCRIBE)
		made = item_subscribe(it, &ch);
	else
		item_unsubscribe(it, &ch);
	if (sub_pos == CTL_NIL && made != CTL_NIL)
		endpoint_heard_at(ctl_sub_at(made)->ep, ch.now_ns);
	else if (sub_pos == CTL_NIL)
		endpoint_heard(&ch);
}

/* Up to n items of worker w's ring of new endpoints. */
static unsigned int
new_poll(unsigned int w, unsigned int n)
{
	struct herald_ctl_item it[ITEM_BURST];
	unsigned int got, i;

	got = rte_ring_sc_dequeue_burst_elem(
		herald.lcores[w]->ctl_items[1], it, sizeof(it[0]),
		RTE_MIN(n, (unsigned int)ITEM_BURST), NULL);
	ctl_sub_prefetch(it, got);
	for (i = 0; i < got; i++)
		item_handle(&it[i]);
	return got;
}

/* True if worker w's ring of new endpoints holds an item older than
 * wseq (its head, read in place). */
static bool
new_ring_has_older(unsigned int w, uint32_t wseq)
{
	struct rte_ring *r = herald.lcores[w]->ctl_items[1];
	struct rte_ring_zc_data zcd;
	bool older;

	if (rte_ring_dequeue_zc_burst_elem_start(
		    r, sizeof(struct herald_ctl_item), 1, &zcd, NULL) == 0)
		return false;
	older = herald_wseq_before(
		((const struct herald_ctl_item *)zcd.ptr1)->wseq, wseq);
	rte_ring_dequeue_zc_elem_finish(r, 0);
	return older;
}

/* The live record of a ring-0 item's endpoint, or NULL: where the
 * worker saw it if that record is still the live one (a generation is
 * never reused), else by lookup. */
static struct herald_endpoint *
item_endpoint(const struct herald_ctl_item *it)
{
	struct herald_endpoint *ep = ctl_ep_at(it->ep_pos);
	uint32_t pos;

	if (ep->gen == it->ep_gen && ep->live != 0)
		return ep;
	pos = ctl_ep_find(it->src_ip, it->src_port);
	return pos == CTL_NIL ? NULL : ctl_ep_at(pos);
}

/* May this ring-0 item of worker w go now? */
static bool
known_may_go(unsigned int w, const struct herald_ctl_item *it)
{
	struct herald_endpoint *ep = item_endpoint(it);

	if (ep != NULL && (ep->settled & (1u << w)) != 0)
		return true;
	if (new_ring_has_older(w, it->wseq))
		return false;
	/* Only an item of this record's own time settles it: after an
	 * older record of the endpoint was released, ring 1 may hold its
	 * newer items, which later ring-0 items must not overtake. */
	if (ep != NULL && ep->gen == it->ep_gen)
		ep->settled |= 1u << w;
	return true;
}

/* Up to n items of worker w's ring of known endpoints, in order; stops
 * at one that must wait for ring 1. */
static unsigned int
known_poll(unsigned int w, unsigned int n)
{
	typeof(known[0]) *b = &known[w];
	unsigned int done = 0;

	if (b->next == b->n) {
		b->next = 0;
		b->n = rte_ring_sc_dequeue_burst_elem(
			herald.lcores[w]->ctl_items[0], b->it, sizeof(b->it[0]),
			ITEM_BURST, NULL);
		ctl_sub_prefetch(b->it, b->n);
	}
	while (done < n && b->next < b->n) {
		if (!known_may_go(w, &b->it[b->next])) {
			if (!b->waiting)
				count(CTL_items_ordered);
			b->waiting = true;
			break;
		}
		b->waiting = false;
		item_handle(&b->it[b->next++]);
		done++;
	}
	return done;
}

/* Items of one class (0: known endpoints, 1: the rest) from every
 * worker, a burst from each in turn. */
static unsigned int
class_poll(unsigned int k, unsigned int budget)
{
	unsigned int total = 0, w, got;

	do {
		got = 0;
		for (w = 0; w < herald.n_workers && total < budget; w++) {
			unsigned int n = k == 0 ? known_poll(w, budget - total)
						: new_poll(w, budget - total);

			got += n;
			total += n;
		}
	} while (got != 0 && total < budget);
	return total;
}

/*
 * Known endpoints first, but new ones get a quarter of the budget at
 * least when they have items (a busy known endpoint does not starve a
 * newcomer, nor its own items waiting in ring 1).
 */
unsigned int
ctl_items_poll(unsigned int budget)
{
	unsigned int room = ctl_batch_room(), done;

	budget = RTE_MIN(budget, room);
	done = class_poll(0, budget - budget / 4);
	done += class_poll(1, budget - done);
	return done + class_poll(0, budget - done);
}
