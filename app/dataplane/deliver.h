/* SPDX-License-Identifier: BSD-3-Clause
 * One DELIVER to one subscriber (internal to the data plane): the
 * header mbuf's Ethernet/IPv4/UDP from the subscriber's template, the
 * DELIVER header, the payload chained behind. Shared by the fan-out and
 * by retransmits, which differ only in the flags of the header.
 */
#ifndef HERALD_DELIVER_H
#define HERALD_DELIVER_H

#include <string.h>

#include <rte_mbuf.h>
#include <rte_memcpy.h>

#include "dataplane/udp_out.h"
#include "hwp.h"
#include "runtime/runtime.h"
#include "runtime/tx.h"
#include "subtab.h"

#define DELIVER_HDRS_LEN (HERALD_L2L4_LEN + HWP_DELIVER_LEN)

/* For a port that cannot send chained segments: one flat copy of h,
 * from a pool of its own (h is freed; NULL if no copy). */
struct rte_mbuf *herald_deliver_linearize(struct herald_lcore *lc,
					  struct rte_mbuf *h);

/* A small frame (GAP, HEARTBEAT) to subscriber mb in a fresh header
 * mbuf, on the member's template; NULL if the pool is empty. */
static inline struct rte_mbuf *
herald_member_frame_mbuf(const struct herald_lcore *lc,
			 const struct subtab_member *mb, const uint8_t *frame,
			 uint16_t len)
{
	struct herald_udp_tmpl t;

	memcpy(t.hdr, mb->hdr, sizeof(t.hdr));
	t.csum_ip = mb->csum_ip;
	t.csum_udp = mb->csum_udp;
	return herald_udp_frame_mbuf(
		lc->conf.hdr_pool, &t, frame, len,
		lc->conf.ports[mb->egress_port].csum_offload);
}

/* What every replica of one message shares: its DELIVER header and the
 * folded sum of that header and the payload. */
struct herald_deliver_msg {
	struct hwp_deliver_words hdr;
	uint32_t body_sum;
	uint16_t payload_len;
};

/* Ethernet/IPv4/UDP from the subscriber's template, then the DELIVER
 * header, then lengths and checksums (or the offload request). */
static __rte_always_inline void
herald_deliver_headers(const struct herald_lcore *lc, struct rte_mbuf *m,
		       uint8_t *p, const struct subtab_member *mb,
		       const struct herald_deliver_msg *dm)
{
	uint16_t udp_payload_len =
		(uint16_t)(HWP_DELIVER_LEN + dm->payload_len);

	rte_memcpy(p, mb->hdr, HERALD_L2L4_LEN);
	hwp_words_store(p + HERALD_L2L4_LEN, dm->hdr.w, HWP_DELIVER_WORDS);
	if (unlikely(lc->conf.ports[mb->egress_port].csum_offload))
		herald_udp_finish_offload(m, p, udp_payload_len);
	else
		herald_udp_finish(p, mb->csum_ip, mb->csum_udp, udp_payload_len,
				  dm->body_sum);
}

/* h (a header mbuf) to subscriber mb, payload chained; counted under
 * worker counter sent (deliveries, retransmits) once queued for TX. */
static __rte_always_inline void
herald_deliver_one(struct herald_lcore *lc, struct rte_mbuf *h,
		   const struct subtab_member *mb,
		   const struct herald_deliver_msg *dm,
		   struct rte_mbuf *payload, enum herald_worker_counter sent)
{
	herald_deliver_headers(lc, h, rte_pktmbuf_mtod(h, uint8_t *), mb, dm);
	h->data_len = DELIVER_HDRS_LEN;
	h->pkt_len = DELIVER_HDRS_LEN + dm->payload_len;
	if (dm->payload_len != 0) {
		h->next = payload;
		h->nb_segs = 2;
	}
	if (unlikely(!lc->conf.ports[mb->egress_port].multi_seg_tx)) {
		h = herald_deliver_linearize(lc, h);
		if (h == NULL) {
			lc->cnt.c[CNT_deliveries_flat_nombuf]++;
			return;
		}
	}
	lc->cnt.c[sent]++;
	herald_tx_enqueue(lc, mb->egress_port, h);
}

#endif /* HERALD_DELIVER_H */
