/* SPDX-License-Identifier: BSD-3-Clause
 * Frames from subscribers, on the receiving worker (PROTOCOL.md 6):
 * SUBSCRIBE and UNSUBSCRIBE go to the control thread as items (fields
 * only: the mbuf is freed with its datagram); keep-alives are answered
 * here for endpoints that hold a subscription; every frame of a live
 * endpoint moves its last-seen stamp, in this worker's own array, which
 * the control thread sweeps (no shared write per HEARTBEAT).
 */
#include <rte_hash.h>
#include <rte_ring.h>

#include "control/ctlq.h"
#include "dataplane/nack.h"
#include "dataplane/subscribe.h"
#include "dataplane/udp_out.h"
#include "runtime/tx.h"

/* Position of the source's endpoint if it holds a subscription, else
 * -1. The record is set before live is (acquire). */
static int32_t
live_endpoint(const struct herald_lcore *lc, const struct herald_rx_info *ri)
{
	struct herald_endpoint_key k = {
		.ip = ri->src_ip,
		.port = ri->src_port,
	};
	int32_t pos = rte_hash_lookup(lc->conf.endpoints, &k);

	if (pos < 0 ||
	    __atomic_load_n(&lc->conf.ep[pos].live, __ATOMIC_ACQUIRE) == 0)
		return -1;
	return pos;
}

static inline int32_t
datagram_endpoint(const struct herald_lcore *lc,
		  struct herald_subscriber_dgram *sd)
{
	if (sd->ep_pos == HERALD_EP_UNKNOWN)
		sd->ep_pos = live_endpoint(lc, sd->ri);
	return sd->ep_pos;
}

static inline void
stamp(struct herald_lcore *lc, int32_t pos, uint64_t rx_ns)
{
	if (pos >= 0)
		__atomic_store_n(&lc->ep_seen[pos], rx_ns, __ATOMIC_RELAXED);
}

void
herald_subscribe_flush(struct herald_lcore *lc,
		       struct herald_subscriber_dgram *sd)
{
	unsigned int n = sd->n_items, done;

	/* Endpoints that already proved themselves have a ring of their
	 * own: a flood from new (or spoofed) sources fills the other. The
	 * datagram's frames share its source, hence the ring. */
	done = rte_ring_sp_enqueue_burst_elem(
		lc->ctl_items[sd->ep_pos >= 0 ? 0 : 1], sd->items,
		sizeof(sd->items[0]), n, NULL);
	lc->cnt.frame[FRAME_subscribe_queued] -= n - done;
	lc->cnt.frame[FRAME_control_ring_full] += n - done;
	sd->n_items = 0;
}

enum herald_frame_outcome
herald_subscribe_frame(struct herald_lcore *lc,
		       struct herald_subscriber_dgram *sd,
		       const struct hwp_frame *f)
{
	const struct hwp_subscribe *s = &f->u.subscribe;
	int32_t pos = datagram_endpoint(lc, sd);
	struct herald_ctl_item *it;

	if (unlikely(sd->n_items == HERALD_SD_STAGE))
		herald_subscribe_flush(lc, sd);
	it = &sd->items[sd->n_items++];
	*it = (struct herald_ctl_item){
		.channel = s->channel,
		.from_seq = s->from_seq,
		.expires = s->expires,
		.rx_ns = sd->rx_ns,
		.subscriber = s->subscriber,
		.src_ip = sd->ri->src_ip,
		.src_port = sd->ri->src_port,
		.rx_port = sd->port,
		.type = f->type,
		.flags = f->flags,
		.src_mac = *sd->ri->src_mac,
		.wseq = lc->ctl_item_seq++,
	};
	memcpy(it->token, s->token, sizeof(it->token));
	if (pos >= 0) {
		it->ep_gen = lc->conf.ep[pos].gen;
		it->ep_pos = (uint32_t)pos;
	}
	/* Queued once herald_subscribe_flush enqueues it (else recounted
	 * there as control_ring_full). */
	return FRAME_subscribe_queued;
}

/* The answer to a keep-alive: channel 0, seq 0, the instance epoch, the
 * keep-alive's subscriber, to the endpoint's SUBSCRIBE source MAC. */
static void
keepalive_answer(struct herald_lcore *lc, const struct herald_rx_info *ri,
		 int32_t pos, uint32_t subscriber)
{
	const struct herald_lcore_conf *c = &lc->conf;
	struct hwp_heartbeat hb = {
		.channel = 0,
		.seq = 0,
		.subscriber = subscriber,
		.epoch = c->epoch,
	};
	uint8_t frame[HWP_HEARTBEAT_LEN];
	struct rte_ether_addr mac;
	struct herald_udp_tmpl t;
	uint16_t port = c->egress_port;
	struct rte_mbuf *m;

	herald_mac_from64(__atomic_load_n(&c->ep[pos].mac64, __ATOMIC_RELAXED),
			  &mac);
	herald_udp_tmpl_build(&t, &c->ports[port].mac,
			      c->has_next_hop_mac ? &c->next_hop_mac : &mac,
			      c->address, c->udp_port, ri->src_ip,
			      ri->src_port);
	hwp_encode_heartbeat(frame, sizeof(frame), &hb);
	m = herald_udp_frame_mbuf(c->hdr_pool, &t, frame, sizeof(frame),
				  c->ports[port].csum_offload);
	if (unlikely(m == NULL)) {
		lc->cnt.c[CNT_keepalives_nombuf]++;
		return;
	}
	lc->cnt.c[CNT_keepalives]++;
	herald_tx_enqueue(lc, port, m);
}

enum herald_frame_outcome
herald_heartbeat_frame(struct herald_lcore *lc,
		       struct herald_subscriber_dgram *sd,
		       const struct hwp_frame *f)
{
	int32_t pos = datagram_endpoint(lc, sd);

	stamp(lc, pos, sd->rx_ns);
	if (f->u.heartbeat.channel != 0)
		return FRAME_heartbeat_channel;
	if (pos < 0)
		return FRAME_keepalive_not_live;
	keepalive_answer(lc, sd->ri, pos, f->u.heartbeat.subscriber);
	return FRAME_keepalive_answered;
}

/* A NACK of a live endpoint goes to the owner of the channel's slot,
 * which judges it against its subscription there (dataplane/nack.c). */
enum herald_frame_outcome
herald_nack_frame(struct herald_lcore *lc, struct herald_subscriber_dgram *sd,
		  const struct hwp_frame *f)
{
	const struct hwp_nack *n = &f->u.nack;
	int32_t pos = datagram_endpoint(lc, sd);
	struct herald_lcore *owner = lc;
	struct herald_nack_item it;

	stamp(lc, pos, sd->rx_ns);
	if (pos < 0)
		return FRAME_nack_not_live;
	it = (struct herald_nack_item){
		.channel = n->channel,
		.from_seq = n->from_seq,
		.count = n->count,
		.subscriber = n->subscriber,
		.src_ip = sd->ri->src_ip,
		.src_port = sd->ri->src_port,
		.rx_port = sd->port,
		.ep_pos = (uint32_t)pos,
		.ep_gen = lc->conf.ep[pos].gen,
	};
	if (unlikely(lc->conf.n_workers > 1))
		owner = lc->conf.peers[lc->conf.slot_owner[hwp_slot(
			n->channel)]];
	if (owner == lc) {
		herald_nack_handle(lc, &it);
		return FRAME_nack_accepted;
	}
	if (rte_ring_mp_enqueue_elem(owner->nack_ring, &it, sizeof(it)) != 0)
		return FRAME_nack_handoff_full;
	lc->cnt.c[CNT_nack_handoffs_out]++;
	return FRAME_nack_accepted;
}
