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

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_memcpy.h>
#include <rte_prefetch.h>

#include "csum.h"
#include "fanout.h"
#include "subtab.h"
#include "tx.h"
#include "udp_out.h"

#define FANOUT_CHUNK	 64
#define DELIVER_HDRS_LEN (HERALD_L2L4_LEN + HWP_DELIVER_LEN)

static uint32_t
chan_hash(const void *key, uint32_t key_len __rte_unused, uint32_t init)
{
	return rte_hash_crc_8byte(*(const uint64_t *)key, init);
}

int
herald_fanout_worker_init(struct herald_worker *w)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.entries = RTE_MAX(herald.cfg.max_channels,
				   HERALD_HASH_MIN_ENTRIES),
		.key_len = sizeof(uint64_t),
		.hash_func = chan_hash,
		.socket_id = (int)rte_lcore_to_socket_id(w->lcore_id),
		.name = name,
		/* The control thread reads seqs while the worker adds;
		 * overflow buckets: only max_channels makes it full. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	snprintf(name, sizeof(name), "herald_chan%u", w->index);
	w->channels = rte_hash_create(&hp);
	if (w->channels == NULL)
		return -1;
	w->chan =
		rte_zmalloc_socket("herald_chan", sizeof(*w->chan) * hp.entries,
				   RTE_CACHE_LINE_SIZE, hp.socket_id);
	w->chan_cache = rte_zmalloc_socket(
		"herald_chan_cache", sizeof(*w->chan_cache) * HWP_NUM_SLOTS,
		RTE_CACHE_LINE_SIZE, hp.socket_id);
	return w->chan == NULL || w->chan_cache == NULL ? -1 : 0;
}

void
herald_fanout_worker_free(struct herald_worker *w)
{
	rte_hash_free(w->channels);
	rte_free(w->chan);
	rte_free(w->chan_cache);
	w->channels = NULL;
	w->chan = NULL;
	w->chan_cache = NULL;
}

static struct herald_chan_state *
chan_get(struct herald_worker *w, uint64_t channel, uint16_t channel_slot)
{
	struct herald_chan_state **slot = &w->chan_cache[channel_slot];
	struct herald_chan_state *c = *slot;
	int32_t pos;

	/* Entries never move or go away, so a cached pointer stays good. */
	if (likely(c != NULL && c->channel == channel))
		return c;
	pos = rte_hash_lookup(w->channels, &channel);
	if (pos >= 0) {
		c = &w->chan[pos];
	} else {
		if (unlikely(w->n_channels >= herald.cfg.max_channels))
			return NULL;
		pos = rte_hash_add_key(w->channels, &channel);
		if (unlikely(pos < 0))
			return NULL;
		w->n_channels++;
		c = &w->chan[pos];
		c->channel = channel;
		__atomic_store_n(&c->last_seq, 0, __ATOMIC_RELEASE);
	}
	*slot = c;
	return c;
}

uint64_t
herald_fanout_last_seq(uint64_t channel)
{
	struct herald_worker *w = herald_slot_owner(channel);
	int32_t pos = rte_hash_lookup(w->channels, &channel);

	if (pos < 0)
		return 0;
	return __atomic_load_n(&w->chan[pos].last_seq, __ATOMIC_ACQUIRE);
}

/* For a port that cannot send chained segments: one flat copy. */
static struct rte_mbuf *
linearize(struct herald_worker *w, struct rte_mbuf *h)
{
	struct rte_mbuf *l = rte_pktmbuf_alloc(herald.rx_pool);

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
			w->cnt.c[CNT_deliveries_linearized]++;
		} else {
			rte_pktmbuf_free(l);
			l = NULL;
		}
	}
	rte_pktmbuf_free(h);
	return l;
}

/* What every replica of one message shares: its DELIVER header and the
 * folded sum of that header and the payload. */
struct deliver_msg {
	struct hwp_deliver_words hdr;
	uint32_t body_sum;
	uint16_t payload_len;
};

/* Ethernet/IPv4/UDP from the subscriber's template, then the DELIVER
 * header, then lengths and checksums (or the offload request). */
static __rte_always_inline void
write_headers(struct rte_mbuf *m, uint8_t *p, const struct subtab_member *mb,
	      const struct deliver_msg *dm)
{
	uint16_t udp_payload_len =
		(uint16_t)(HWP_DELIVER_LEN + dm->payload_len);

	rte_memcpy(p, mb->hdr, HERALD_L2L4_LEN);
	hwp_words_store(p + HERALD_L2L4_LEN, dm->hdr.w, HWP_DELIVER_WORDS);
	if (unlikely(herald.ports[mb->egress_port].csum_offload))
		herald_udp_finish_offload(m, p, udp_payload_len);
	else
		herald_udp_finish(p, mb->csum_ip, mb->csum_udp, udp_payload_len,
				  dm->body_sum);
}

static __rte_always_inline void
build_one(struct herald_worker *w, struct rte_mbuf *h,
	  const struct subtab_member *mb, const struct deliver_msg *dm,
	  struct rte_mbuf *payload)
{
	write_headers(h, rte_pktmbuf_mtod(h, uint8_t *), mb, dm);
	h->data_len = DELIVER_HDRS_LEN;
	h->pkt_len = DELIVER_HDRS_LEN + dm->payload_len;
	if (dm->payload_len != 0) {
		h->next = payload;
		h->nb_segs = 2;
	}
	if (unlikely(!herald.ports[mb->egress_port].multi_seg_tx)) {
		h = linearize(w, h);
		if (h == NULL) {
			w->cnt.c[CNT_deliveries_nombuf]++;
			return;
		}
	}
	w->cnt.c[CNT_deliveries]++;
	herald_tx_enqueue(w, mb->egress_port, h);
}

/*
 * The sole subscriber of a message nobody else references: write its
 * headers into the headroom in front of the payload, in the received
 * mbuf itself. No header mbuf, no chain, one free on TX; the payload is
 * still neither copied nor moved. Returns false (m untouched) when m is
 * shared, indirect, segmented or short of headroom: anything that keeps
 * the message beyond this call (a history for NACK repair, say) must take
 * its reference first, which sends the message down the chained path.
 */
static inline bool
deliver_in_place(struct herald_worker *w, struct rte_mbuf *m,
		 const struct subtab_member *mb, const struct deliver_msg *dm)
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
	write_headers(m, p, mb, dm);
	w->cnt.c[CNT_deliveries]++;
	w->cnt.c[CNT_deliveries_in_place]++;
	herald_tx_enqueue(w, mb->egress_port, m);
	return true;
}

/*
 * Returns whether the caller still holds its own reference to payload:
 * the last chunk's first replica takes it over (no atomic decrement and
 * no extra free per message), earlier chunks add one per replica because
 * their packets may already be sent and freed while later ones are built.
 */
static bool
replicate(struct herald_worker *w, const struct subtab_channel *subs,
	  struct rte_mbuf *payload, const struct deliver_msg *dm)
{
	struct rte_mbuf *hdrs[FANOUT_CHUNK];
	uint32_t n = subs->n_members, i, j, k;
	bool ours = true;

	for (i = 0; i < n; i += k) {
		k = RTE_MIN((uint32_t)FANOUT_CHUNK, n - i);
		if (unlikely(rte_pktmbuf_alloc_bulk(herald.hdr_pool, hdrs, k) !=
			     0)) {
			w->cnt.c[CNT_deliveries_nombuf] += k;
			continue;
		}
		if (dm->payload_len != 0) {
			int16_t add = (int16_t)k;

			if (i + k == n) {
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
			build_one(w, hdrs[j], &subs->members[i + j], dm,
				  payload);
		}
	}
	return ours;
}

/* Subscribers of a channel; the snapshot is cached until the worker's
 * next quiescent state, when end_of_iteration forgets it. */
static inline const struct subtab_channel *
subscribers(struct herald_worker *w, uint64_t channel)
{
	if (w->subs_cache_channel != channel) {
		w->subs_cache = subtab_lookup(herald.subs, channel);
		w->subs_cache_channel = channel;
	}
	return w->subs_cache;
}

void
herald_fanout(struct herald_worker *w, struct rte_mbuf *m)
{
	const struct herald_msg_meta *meta = herald_meta(m);
	const struct subtab_channel *subs;
	struct herald_chan_state *c;
	struct deliver_msg dm;
	struct hwp_deliver d;

	c = chan_get(w, meta->channel, meta->slot);
	if (unlikely(c == NULL)) {
		w->cnt.c[CNT_channel_table_full]++;
		rte_pktmbuf_free(m);
		return;
	}
	d.channel = meta->channel;
	d.seq = c->last_seq + 1;
	d.epoch = herald.epoch;
	d.publisher = meta->publisher;
	d.timestamp = meta->timestamp;
	__atomic_store_n(&c->last_seq, d.seq, __ATOMIC_RELEASE);
	w->cnt.c[CNT_messages_sequenced]++;

	subs = subscribers(w, meta->channel);
	if (subs == NULL || subs->n_members == 0) {
		w->cnt.c[CNT_messages_no_subscriber]++;
		rte_pktmbuf_free(m);
		return;
	}
	dm.payload_len = meta->payload_len;
	hwp_deliver_words(&dm.hdr, 0, &d, dm.payload_len);
	/* The payload starts at an even offset of the UDP payload (40), so
	 * its sum can be added to the header's. */
	dm.body_sum = herald_csum_fold64(
		herald_csum_words(dm.hdr.w, HWP_DELIVER_WORDS) +
		(meta->has_payload_sum
			 ? meta->payload_sum
			 : herald_csum_partial(
				   rte_pktmbuf_mtod(m, const void *),
				   dm.payload_len)));
	c->last_deliver_ns = w->now_ns;
	/* meta lives in m: not to be read once m is given away. */
	if (subs->n_members == 1 &&
	    deliver_in_place(w, m, &subs->members[0], &dm))
		return;
	if (replicate(w, subs, m, &dm))
		rte_pktmbuf_free(m);
}
