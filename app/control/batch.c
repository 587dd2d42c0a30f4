/* SPDX-License-Identifier: BSD-3-Clause
 * The batch: every channel changed since the last publish, published
 * once each (one snapshot, however many of its members changed), with
 * the OK SUBACKs of its changes. For each channel, in order:
 *
 *   stage its snapshot (all that can fail; nothing visible yet, its
 *   version known) -> queue its SUBACK requests, tagged with that
 *   version, to the channel's owner -> commit (visible).
 *
 * So a worker always has a change's requests before it can see the
 * change (dataplane/suback.c). Channels that emptied go first, so that
 * a channel leaving makes room for one arriving in the same batch. A
 * channel that cannot be published now (no memory, readers behind) stays
 * in the batch, with its requests, for the next one.
 */
#include <stdlib.h>

#include <rte_ring.h>

#include "control/plane.h"
#include "herald.h"

static struct {
	uint32_t head, tail; /* dirty channels */
	struct ctl_pending_req *reqs;
	uint32_t n_reqs, cap, free_head;
	/* Requests of the batch per owner: room they hold in its ring. */
	uint32_t owed[HERALD_MAX_WORKERS];
} B;

int
ctl_batch_init(void)
{
	uint32_t i;

	/* At most one request per item, items bounded by ring room. */
	B.cap = herald.cfg.request_ring_size * herald.n_workers + 64;
	B.reqs = calloc(B.cap, sizeof(*B.reqs));
	B.head = B.tail = CTL_NIL;
	B.n_reqs = 0;
	B.free_head = CTL_NIL;
	if (B.reqs == NULL)
		return -1;
	for (i = B.cap; i-- > 0;) {
		B.reqs[i].next = B.free_head;
		B.free_head = i;
	}
	return 0;
}

void
ctl_batch_free(void)
{
	free(B.reqs);
	B.reqs = NULL;
}

bool
ctl_batch_empty(void)
{
	return B.head == CTL_NIL;
}

void
ctl_batch_mark(uint32_t chan_pos)
{
	struct ctl_chan *c = ctl_chan_at(chan_pos);

	if (c->dirty)
		return;
	c->dirty = true;
	c->n_before = c->n;
	c->dirty_next = CTL_NIL;
	c->req_head = c->req_tail = CTL_NIL;
	if (B.tail == CTL_NIL)
		B.head = chan_pos;
	else
		ctl_chan_at(B.tail)->dirty_next = chan_pos;
	B.tail = chan_pos;
}

/* A request is in its owner's ring: counted, and a passive id it drops
 * may be reused (later requests to that owner come after it; another
 * owner keeps its own entry for the id). */
static void
request_handed(const struct herald_ctl_req *r)
{
	if (r->type != HERALD_REQ_NO_SUBACK)
		herald.ctl_cnt.c[CTL_subacks_requested]++;
	else if (r->passive_op == HERALD_PASSIVE_DEL)
		herald.ctl_cnt.c[CTL_passive_drops_requested]++;
	if (r->passive_op == HERALD_PASSIVE_DEL)
		ctl_passive_id_release(r->passive_id);
}

static inline unsigned int
owner_of(uint64_t channel)
{
	return herald.cfg.slot_owner[hwp_slot(channel)];
}

unsigned int
ctl_batch_room(void)
{
	unsigned int w, room = B.cap - B.n_reqs, r;

	for (w = 0; w < herald.n_workers; w++) {
		r = rte_ring_free_count(herald.lcores[w]->ctl_reqs);
		r = r > B.owed[w] ? r - B.owed[w] : 0;
		room = RTE_MIN(room, r);
	}
	return room;
}

bool
ctl_batch_suback(uint32_t chan_pos, const struct herald_ctl_req *r)
{
	struct ctl_chan *c = chan_pos == CTL_NIL ? NULL : ctl_chan_at(chan_pos);
	unsigned int w = owner_of(r->channel);
	struct ctl_pending_req *p;
	uint32_t i;

	if (c == NULL || !c->dirty) {
		/* Nothing to wait for: the owner answers at once. */
		struct herald_ctl_req now = *r;

		now.version = 0;
		if (rte_ring_sp_enqueue_elem(herald.lcores[w]->ctl_reqs, &now,
					     sizeof(now)) != 0)
			return false;
		request_handed(&now);
		return true;
	}
	if (B.free_head == CTL_NIL)
		return false;
	i = B.free_head;
	p = &B.reqs[i];
	B.free_head = p->next;
	p->req = *r;
	p->next = CTL_NIL;
	if (c->req_tail == CTL_NIL)
		c->req_head = i;
	else
		B.reqs[c->req_tail].next = i;
	c->req_tail = i;
	B.n_reqs++;
	B.owed[w]++;
	return true;
}

bool
ctl_batch_passive_only(uint64_t channel, uint32_t subscriber,
		       uint32_t passive_id, uint8_t op, uint64_t rx_ns,
		       const struct herald_udp_tmpl *tmpl)
{
	struct herald_ctl_req r = {
		.channel = channel,
		.rx_ns = rx_ns,
		.subscriber = subscriber,
		.egress_port = herald.cfg.egress_port,
		.type = HERALD_REQ_NO_SUBACK,
		.passive_id = passive_id,
		.passive_op = op,
	};

	if (tmpl != NULL)
		r.tmpl = *tmpl;
	return ctl_batch_room() != 0 &&
	       ctl_batch_suback(ctl_chan_find(channel), &r);
}

/* Hand the channel's requests to its owner with the version its change
 * will have: the room was held for them. */
static void
send_requests(struct ctl_chan *c, uint64_t version)
{
	unsigned int w = owner_of(c->channel);
	struct rte_ring *ring = herald.lcores[w]->ctl_reqs;
	uint32_t i = c->req_head, next;

	while (i != CTL_NIL) {
		struct ctl_pending_req *p = &B.reqs[i];

		p->req.version = version;
		if (rte_ring_sp_enqueue_elem(ring, &p->req, sizeof(p->req)) !=
		    0)
			RTE_VERIFY(0); /* room was reserved */
		request_handed(&p->req);
		next = p->next;
		p->next = B.free_head;
		B.free_head = i;
		B.n_reqs--;
		B.owed[w]--;
		i = next;
	}
	c->req_head = c->req_tail = CTL_NIL;
}

/* Publish one dirty channel: true if done, false if it must wait. */
static bool
publish_one(uint32_t chan_pos)
{
	struct ctl_chan *c = ctl_chan_at(chan_pos);
	uint64_t version;

	if (subtab_stage(herald.subs, c->channel, c->m, c->n, &version) < 0) {
		herald.ctl_cnt.c[CTL_publish_deferred]++;
		return false;
	}
	send_requests(c, version);
	subtab_commit(herald.subs);
	herald.ctl_cnt.c[CTL_channels_published]++;
	c->dirty = false;
	if (c->n == 0)
		ctl_chan_release(chan_pos);
	return true;
}

/* One pass over the dirty list: the channels that empty (or, second
 * pass, every other one) are published and unlinked. */
static void
publish_pass(bool emptied)
{
	uint32_t pos = B.head, prev = CTL_NIL, next;

	while (pos != CTL_NIL) {
		struct ctl_chan *c = ctl_chan_at(pos);

		next = c->dirty_next;
		if ((c->n == 0) == emptied && publish_one(pos)) {
			if (prev == CTL_NIL)
				B.head = next;
			else
				ctl_chan_at(prev)->dirty_next = next;
			if (B.tail == pos)
				B.tail = prev;
		} else {
			prev = pos;
		}
		pos = next;
	}
}

bool
ctl_batch_publish(void)
{
	if (B.head == CTL_NIL)
		return true;
	publish_pass(true);
	publish_pass(false);
	herald.ctl_cnt.c[CTL_batches]++;
	subtab_reclaim(herald.subs);
	return B.head == CTL_NIL;
}
