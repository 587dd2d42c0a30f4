/* SPDX-License-Identifier: BSD-3-Clause
 * Passive subscriptions and their pulses (dataplane/passive.h).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "dataplane/heartbeat.h"
#include "dataplane/passive.h"
#include "dataplane/udp_out.h"
#include "herald.h"
#include "runtime/tx.h"

/* Pulses sent per iteration: a channel with many passive endpoints is
 * pulsed over several iterations instead of stalling one. */
#define PULSES_PER_POLL 256

#define PASSIVE_NIL UINT32_MAX

/* One passive subscription, at its passive id. */
struct herald_passive_ent {
	uint64_t since_seq;  /* pulses only for a last seq >= this */
	uint64_t channel;    /* while linked */
	uint32_t prev, next; /* the channel's list */
	uint32_t ip;	     /* host order */
	uint32_t subscriber;
	uint16_t port; /* host order */
	uint16_t egress_port;
	struct rte_ether_addr mac;
	uint8_t linked;
};

/* The pulse being sent: what it says, and the next entry to get it. */
struct herald_pulse_cursor {
	uint64_t channel;
	uint64_t seq;
	uint32_t epoch;
	uint32_t next; /* PASSIVE_NIL: no pulse under way */
};

int
herald_passive_lcore_init(struct herald_lcore *lc)
{
	int socket = (int)rte_lcore_to_socket_id(lc->lcore_id);
	const struct herald_config *cfg = &herald.cfg;
	uint32_t ids = herald_passive_id_space(cfg->max_passive_subscriptions,
					       cfg->request_ring_size,
					       herald.n_workers);

	/* Touched as it fills: the id space is sized for every passive
	 * subscription on this one owner. */
	lc->passive = calloc(ids, sizeof(*lc->passive));
	lc->pulse_q = rte_zmalloc_socket("herald_pulse_q", sizeof(*lc->pulse_q),
					 RTE_CACHE_LINE_SIZE, socket);
	lc->pulse_cur =
		rte_zmalloc_socket("herald_pulse_cur", sizeof(*lc->pulse_cur),
				   RTE_CACHE_LINE_SIZE, socket);
	if (lc->passive == NULL || lc->pulse_q == NULL || lc->pulse_cur == NULL)
		return -1;
	lc->pulse_cur->next = PASSIVE_NIL;
	/* A channel is queued once at most. */
	return herald_hb_fifo_init(lc->pulse_q, lc->chan_entries, socket);
}

void
herald_passive_lcore_free(struct herald_lcore *lc)
{
	free(lc->passive);
	if (lc->pulse_q != NULL)
		rte_free(lc->pulse_q->e);
	rte_free(lc->pulse_q);
	rte_free(lc->pulse_cur);
	lc->passive = NULL;
	lc->pulse_q = NULL;
	lc->pulse_cur = NULL;
}

/* The endpoint the request's headers go to (control/ctlq.h: the
 * member's template). */
static void
ent_fill(struct herald_passive_ent *e, const struct herald_ctl_req *r)
{
	const uint8_t *h = r->tmpl.hdr;
	uint32_t ip_be;
	uint16_t port_be;

	memcpy(e->mac.addr_bytes, h + offsetof(struct rte_ether_hdr, dst_addr),
	       RTE_ETHER_ADDR_LEN);
	memcpy(&ip_be,
	       h + RTE_ETHER_HDR_LEN + offsetof(struct rte_ipv4_hdr, dst_addr),
	       sizeof(ip_be));
	memcpy(&port_be,
	       h + RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) +
		       offsetof(struct rte_udp_hdr, dst_port),
	       sizeof(port_be));
	e->ip = rte_be_to_cpu_32(ip_be);
	e->port = rte_be_to_cpu_16(port_be);
	e->subscriber = r->subscriber;
	e->egress_port = r->egress_port;
	e->channel = r->channel;
}

static void
ent_link(struct herald_lcore *lc, struct herald_chan_state *c, uint32_t id)
{
	struct herald_passive_ent *e = &lc->passive[id];

	e->prev = PASSIVE_NIL;
	e->next = c->passive_head;
	if (c->passive_head != PASSIVE_NIL)
		lc->passive[c->passive_head].prev = id;
	c->passive_head = id;
	c->n_passive++;
	e->linked = 1;
}

static void
ent_unlink(struct herald_lcore *lc, struct herald_chan_state *c, uint32_t id)
{
	struct herald_passive_ent *e = &lc->passive[id];

	/* A pulse under way goes on past it. */
	if (lc->pulse_cur->next == id)
		lc->pulse_cur->next = e->next;
	if (e->prev != PASSIVE_NIL)
		lc->passive[e->prev].next = e->next;
	else
		c->passive_head = e->next;
	if (e->next != PASSIVE_NIL)
		lc->passive[e->next].prev = e->prev;
	c->n_passive--;
	e->linked = 0;
}

void
herald_passive_apply(struct herald_lcore *lc, struct herald_chan_state *c,
		     const struct herald_ctl_req *r, uint64_t next_seq)
{
	struct herald_passive_ent *e = &lc->passive[r->passive_id];

	if (r->passive_op == HERALD_PASSIVE_ADD) {
		if (unlikely(c == NULL)) {
			/* No room for the channel's state: no pulses. */
			lc->cnt.c[CNT_passive_no_state]++;
			return;
		}
		if (e->linked && e->channel != r->channel)
			return; /* the control thread never reuses a live id */
		ent_fill(e, r);
		/* Messages before its SUBACK are not news to it. */
		e->since_seq = next_seq;
		if (!e->linked)
			ent_link(lc, c, r->passive_id);
		lc->cnt.c[CNT_passive_added]++;
	} else if (r->passive_op == HERALD_PASSIVE_DEL) {
		if (c == NULL || !e->linked || e->channel != r->channel)
			return; /* its add found no state */
		ent_unlink(lc, c, r->passive_id);
		lc->cnt.c[CNT_passive_removed]++;
	}
}

void
herald_pulse_queue(struct herald_lcore *lc, struct herald_chan_state *c,
		   uint64_t now_ns)
{
	struct herald_hb_ent e = {
		.channel = c->channel,
		.due_ns = now_ns + HERALD_PULSE_NS,
		.pos = (uint32_t)(c - lc->chan),
		.epoch = c->epoch,
	};

	/* One entry per channel state at most: never full. */
	if (unlikely(!herald_hb_fifo_push(lc->pulse_q, &e)))
		return;
	c->pulse_state = PULSE_QUEUED;
}

/* One pulse to the entry at id. */
static void
pulse_send(struct herald_lcore *lc, const struct herald_pulse_cursor *pc,
	   const struct herald_passive_ent *e)
{
	const struct herald_lcore_conf *conf = &lc->conf;
	struct hwp_heartbeat hb = {
		.channel = pc->channel,
		.seq = pc->seq,
		.subscriber = e->subscriber,
		.epoch = pc->epoch,
	};
	uint8_t frame[HWP_HEARTBEAT_LEN];
	struct herald_udp_tmpl t;
	struct rte_mbuf *m;

	herald_udp_tmpl_build(&t, &conf->ports[e->egress_port].mac, &e->mac,
			      conf->address, conf->udp_port, e->ip, e->port);
	hwp_encode_heartbeat(frame, sizeof(frame), &hb);
	m = herald_udp_frame_mbuf(conf->hdr_pool, &t, frame, sizeof(frame),
				  conf->ports[e->egress_port].csum_offload);
	if (unlikely(m == NULL)) {
		lc->cnt.c[CNT_pulses_nombuf]++;
		return;
	}
	lc->cnt.c[CNT_pulses]++;
	herald_tx_enqueue(lc, e->egress_port, m);
}

/* The next channel due, its pulse begun (false: none is due). */
static bool
pulse_begin(struct herald_lcore *lc)
{
	struct herald_pulse_cursor *pc = lc->pulse_cur;
	struct herald_chan_state *c;
	struct herald_hb_ent e;

	while (herald_hb_fifo_pop_due(lc->pulse_q, lc->clock_ns, &e)) {
		c = &lc->chan[e.pos];
		if (c->channel != e.channel || c->epoch != e.epoch ||
		    c->pulse_state != PULSE_QUEUED)
			continue; /* a state created since */
		c->pulse_state = PULSE_IDLE;
		pc->channel = c->channel;
		pc->seq = c->last_seq;
		pc->epoch = c->epoch;
		pc->next = c->passive_head;
		if (pc->next != PASSIVE_NIL)
			return true;
	}
	return false;
}

unsigned int
herald_pulse_poll(struct herald_lcore *lc)
{
	struct herald_pulse_cursor *pc = lc->pulse_cur;
	unsigned int n = 0, sent = 0;
	uint64_t t0;

	/* Nothing under way, nothing due: two compares. */
	if (pc->next == PASSIVE_NIL &&
	    !herald_hb_fifo_due(lc->pulse_q, lc->clock_ns))
		return 0;
	t0 = rte_rdtsc();

	while (n < PULSES_PER_POLL) {
		const struct herald_passive_ent *e;

		if (pc->next == PASSIVE_NIL && !pulse_begin(lc))
			break;
		e = &lc->passive[pc->next];
		pc->next = e->next;
		n++;
		if (e->since_seq <= pc->seq) {
			pulse_send(lc, pc, e);
			sent++;
		}
	}
	/* What pulses cost, measured where they are made. */
	lc->cnt.c[CNT_pulse_cycles] += rte_rdtsc() - t0;
	return sent;
}
