/* SPDX-License-Identifier: BSD-3-Clause
 * Frames to one subscriber (internal to the data plane): a DELIVER's
 * Ethernet/IPv4/UDP from the subscriber's template, the DELIVER header
 * and the checksums (shared by the fan-out and by retransmits, which
 * differ only in the flags of the header), and the small frames (GAP,
 * HEARTBEAT) on the same template.
 */
#ifndef HERALD_DELIVER_H
#define HERALD_DELIVER_H

#include <string.h>

#include <rte_mbuf.h>
#include <rte_memcpy.h>

#include "dataplane/udp_out.h"
#include "hwp.h"
#include "inet_csum.h"
#include "runtime/runtime.h"
#include "runtime/tx.h"
#include "subtab.h"

#define DELIVER_HDRS_LEN (HERALD_L2L4_LEN + HWP_DELIVER_LEN)

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

/* The folded sum of m's payload (message metadata), computed once
 * and kept there: the fan-out and the history both need it. */
static inline uint16_t
herald_msg_payload_sum(struct rte_mbuf *m)
{
	struct herald_msg_meta *meta = herald_meta(m);

	if (!meta->has_payload_sum) {
		meta->payload_sum = (uint16_t)inet_csum_fold64(
			inet_csum_partial(rte_pktmbuf_mtod(m, const void *),
					  meta->payload_len));
		meta->has_payload_sum = 1;
	}
	return meta->payload_sum;
}

#endif /* HERALD_DELIVER_H */
