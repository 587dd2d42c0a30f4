/* SPDX-License-Identifier: BSD-3-Clause
 * Sequencing and replication: one small header mbuf per subscriber
 * (Ethernet/IPv4/UDP/DELIVER) chained to the shared payload mbuf, whose
 * refcount is raised once per chunk of subscribers. The payload is never
 * copied and never written once shared (DPDK's ipv4_multicast pattern).
 * A message with one subscriber and no other holder skips the header mbuf:
 * its headers go into the received mbuf's headroom (deliver_in_place).
 */
#include <stdio.h>
#include <string.h>

#include <rte_memcpy.h>
#include <rte_prefetch.h>

#include "dataplane/deliver.h"
#include "dataplane/fanout.h"
#include "dataplane/heartbeat.h"
#include "dataplane/passive.h"
#include "dataplane/history.h"
#include "dataplane/sequencer.h"
#include "dataplane/subscribe.h"
#include "dataplane/udp_out.h"
#include "inet_csum.h"
#include "runtime/tx.h"
#include "subtab.h"

#define FANOUT_CHUNK HERALD_FANOUT_CHUNK

/* For a port that cannot send chained segments: one flat copy, from a
 * pool of its own so that copies never starve the receive pool. */
static struct rte_mbuf *
linearize(struct herald_lcore *lc, struct rte_mbuf *h)
{
	struct rte_mbuf *l = rte_pktmbuf_alloc(lc->conf.flat_pool);

	if (l != NULL) {
		uint8_t *dst = (uint8_t *)rte_pktmbuf_append(l, h->pkt_len);
		const void *src =
			dst == NULL ? NULL
				    : rte_pktmbuf_read(h, 0, h->pkt_len, dst);

		if (src != NULL) {
			if (src != dst)
				memcpy(dst, src, h->pkt_len);
			l->ol_flags |= h->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK;
			l->tx_offload = h->tx_offload;
			lc->cnt.c[CNT_deliveries_linearized]++;
		} else {
			rte_pktmbuf_free(l);
			l = NULL;
		}
	}
	rte_pktmbuf_free(h);
	return l;
}

static __rte_always_inline void
build_one(struct herald_lcore *lc, struct rte_mbuf *h,
	  const struct subtab_member *mb, const struct herald_deliver_msg *dm,
	  struct rte_mbuf *payload)
{
	herald_deliver_headers(lc, h, rte_pktmbuf_mtod(h, uint8_t *), mb, dm);
	h->data_len = DELIVER_HDRS_LEN;
	h->pkt_len = DELIVER_HDRS_LEN + dm->payload_len;
	if (dm->payload_len != 0) {
		h->next = payload;
		h->nb_segs = 2;
	}
	if (unlikely(!lc->conf.ports[mb->egress_port].multi_seg_tx)) {
		h = linearize(lc, h);
		if (h == NULL) {
			lc->cnt.c[CNT_deliveries_flat_nombuf]++;
			return;
		}
	}
	lc->cnt.c[CNT_deliveries]++;
	herald_tx_enqueue(lc, mb->egress_port, h);
}

/*
 * The sole subscriber of a message nobody else references: write its
 * headers into the headroom in front of the payload, in the received
 * mbuf itself. No header mbuf, no chain, one free on TX; the payload is
 * still neither copied nor moved. Returns false (m untouched) when m is
 * shared, indirect, segmented or short of headroom. The history keeps a
 * copy of its own (dataplane/history.h), so m stays unshared.
 */
static inline bool
deliver_in_place(struct herald_lcore *lc, struct rte_mbuf *m,
		 const struct subtab_member *mb,
		 const struct herald_deliver_msg *dm)
{
	uint8_t *p;

	if (unlikely(!RTE_MBUF_DIRECT(m) || rte_mbuf_refcnt_read(m) != 1 ||
		     m->nb_segs != 1 ||
		     rte_pktmbuf_headroom(m) < DELIVER_HDRS_LEN))
		return false;
	p = (uint8_t *)rte_pktmbuf_prepend(m, DELIVER_HDRS_LEN);
	/* Drop the RX flags: only what write_headers asks for goes out. */
	m->ol_flags = 0;
	m->tx_offload = 0;
	herald_deliver_headers(lc, m, p, mb, dm);
	lc->cnt.c[CNT_deliveries]++;
	lc->cnt.c[CNT_deliveries_in_place]++;
	herald_tx_enqueue(lc, mb->egress_port, m);
	return true;
}

/*
 * Subscribers first..end-1 of subs, on payload. Returns whether the
 * caller still holds its own reference to payload: with handover, the
 * last chunk's first replica takes it over (no atomic decrement and no
 * extra free per message); earlier chunks add one per replica because
 * their packets may already be sent and freed while later ones are built.
 */
static bool
replicate_range(struct herald_lcore *lc, const struct subtab_channel *subs,
		uint32_t first, uint32_t end, struct rte_mbuf *payload,
		const struct herald_deliver_msg *dm, bool handover)
{
	struct rte_mbuf *hdrs[FANOUT_CHUNK];
	uint32_t i, j, k;
	bool ours = true;

	for (i = first; i < end; i += k) {
		k = RTE_MIN((uint32_t)FANOUT_CHUNK, end - i);
		if (unlikely(rte_pktmbuf_alloc_bulk(lc->conf.hdr_pool, hdrs,
						    k) != 0)) {
			lc->cnt.c[CNT_deliveries_nombuf] += k;
			continue;
		}
		if (dm->payload_len != 0) {
			int16_t add = (int16_t)k;

			if (handover && i + k == end) {
				add--;
				ours = false;
			}
			if (add != 0)
				rte_mbuf_refcnt_update(payload, add);
		}
		for (j = 0; j < k; j++) {
			if (j + 1 < k) {
				rte_prefetch0(&subs->members[i + j + 1]);
				rte_prefetch0(
					rte_pktmbuf_mtod(hdrs[j + 1], void *));
			}
			build_one(lc, hdrs[j], &subs->members[i + j], dm,
				  payload);
		}
	}
	return ours;
}

/*
 * Every subscriber of subs. The refcount of an mbuf is 16 bits and a
 * replica holds its reference until the PMD has sent it, so one payload
 * mbuf carries at most HERALD_PAYLOAD_REFS_MAX replicas: a larger
 * fan-out sends later groups of subscribers a copy of the payload (one
 * copy per group, counted payload_copies), never a wrapped count.
 */
static bool
replicate(struct herald_lcore *lc, const struct subtab_channel *subs,
	  struct rte_mbuf *payload, const struct herald_deliver_msg *dm)
{
	uint32_t n = subs->n_members, first, end;
	struct rte_mbuf *copy;

	if (likely(n <= HERALD_PAYLOAD_REFS_MAX || dm->payload_len == 0))
		return replicate_range(lc, subs, 0, n, payload, dm, true);
	replicate_range(lc, subs, 0, HERALD_PAYLOAD_REFS_MAX, payload, dm,
			false);
	for (first = HERALD_PAYLOAD_REFS_MAX; first < n; first = end) {
		end = RTE_MIN(n, first + HERALD_PAYLOAD_REFS_MAX);
		copy = rte_pktmbuf_copy(payload, lc->conf.flat_pool, 0,
					UINT32_MAX);
		if (unlikely(copy == NULL)) {
			lc->cnt.c[CNT_deliveries_nombuf] += end - first;
			continue;
		}
		lc->cnt.c[CNT_payload_copies]++;
		if (replicate_range(lc, subs, first, end, copy, dm, true))
			rte_pktmbuf_free(copy);
	}
	return true;
}

/*
 * Subscribers of a channel; the snapshot is cached until the worker's
 * next quiescent state, when end_of_iteration forgets it. A lookup that
 * sees a table version this worker has not answered the requests of
 * answers them first (dataplane/suback.c): a change's SUBACK leaves
 * before the first message sequenced with it.
 */
static inline const struct subtab_channel *
subscribers(struct herald_lcore *lc, uint64_t channel)
{
	uint64_t version;

	if (lc->subs_cache_channel != channel) {
		lc->subs_cache =
			subtab_lookup_version(lc->conf.subs, channel, &version);
		lc->subs_cache_channel = channel;
		if (unlikely(version > lc->req_seen))
			herald_suback_catch_up(lc, version);
	}
	return lc->subs_cache;
}

void
herald_fanout(struct herald_lcore *lc, struct rte_mbuf *m)
{
	struct herald_msg_meta *meta = herald_meta(m);
	const struct subtab_channel *subs;
	struct herald_chan_state *c;
	struct herald_deliver_msg dm;
	struct hwp_deliver d;
	bool has_subs;

	subs = subscribers(lc, meta->channel);
	has_subs = subs != NULL && subs->n_members != 0;
	c = herald_seq_channel(lc, meta->channel, meta->slot, meta->timestamp,
			       has_subs);
	if (unlikely(c == NULL)) {
		lc->cnt.c[CNT_channel_table_full]++;
		rte_pktmbuf_free(m);
		return;
	}
	d.channel = meta->channel;
	d.seq = c->last_seq + 1;
	d.epoch = c->epoch;
	d.publisher = meta->publisher;
	d.timestamp = meta->timestamp;
	__atomic_store_n(&c->last_seq, d.seq, __ATOMIC_RELEASE);
	herald_hb_message(lc, c, meta->timestamp);
	herald_passive_message(lc, c, meta->timestamp);
	lc->cnt.c[CNT_messages_sequenced]++;
	lc->slot_messages[meta->slot]++;

	/* With or without subscribers: a late joiner may resume from it. */
	if (lc->conf.hist_depth != 0)
		herald_history_keep(lc, c, m, d.seq);
	if (!has_subs) {
		lc->cnt.c[CNT_messages_no_subscriber]++;
		rte_pktmbuf_free(m);
		return;
	}
#ifdef HERALD_DEBUG
	/* A snapshot of another channel (or a freed, poisoned one) would
	 * send this message to the wrong endpoints. */
	RTE_VERIFY(subs->channel == meta->channel);
#endif
	dm.payload_len = meta->payload_len;
	hwp_deliver_words(&dm.hdr, 0, &d, dm.payload_len);
	/* The payload starts at an even offset of the UDP payload (40), so
	 * its sum can be added to the header's. */
	dm.body_sum =
		inet_csum_fold64(inet_csum_words(dm.hdr.w, HWP_DELIVER_WORDS) +
				 herald_msg_payload_sum(m));
	/* meta lives in m: not to be read once m is given away. */
	if (subs->n_members == 1 &&
	    deliver_in_place(lc, m, &subs->members[0], &dm))
		return;
	if (replicate(lc, subs, m, &dm))
		rte_pktmbuf_free(m);
}
