/* SPDX-License-Identifier: BSD-3-Clause
 * PUBACKs: built as words in registers, summed without reading them back,
 * at most one per session per burst (PROTOCOL.md section 6).
 */
#include <rte_memcpy.h>

#include "dataplane/publish/publish.h"
#include "inet_csum.h"
#include "runtime/tx.h"

void
herald_puback_send(struct herald_lcore *lc, uint16_t port,
		   const struct herald_udp_tmpl *t, uint32_t publisher,
		   uint64_t acked_seq)
{
	struct hwp_puback ack = {
		.publisher = publisher,
		.epoch = lc->conf.epoch,
		.acked_seq = acked_seq,
		.credit = lc->conf.publisher_credit,
	};
	struct hwp_puback_words pw;
	struct rte_mbuf *m;
	uint8_t *p;

	m = rte_pktmbuf_alloc(lc->conf.hdr_pool);
	if (unlikely(m == NULL)) {
		lc->cnt.c[CNT_pubacks_nombuf]++;
		return;
	}
	p = rte_pktmbuf_mtod(m, uint8_t *);
	m->data_len = HERALD_L2L4_LEN + HWP_PUBACK_LEN;
	m->pkt_len = HERALD_L2L4_LEN + HWP_PUBACK_LEN;
	hwp_puback_words(&pw, &ack);
	rte_memcpy(p, t->hdr, HERALD_L2L4_LEN);
	hwp_words_store(p + HERALD_L2L4_LEN, pw.w, HWP_PUBACK_WORDS);
	herald_udp_finish(
		p, t->csum_ip, t->csum_udp, HWP_PUBACK_LEN,
		inet_csum_fold64(inet_csum_words(pw.w, HWP_PUBACK_WORDS)));
	lc->cnt.c[CNT_pubacks]++;
	herald_tx_enqueue(lc, port, m);
}

/* Section 6: to the publisher's Ethernet source unless a next hop is
 * configured. */
void
herald_puback_tmpl(const struct herald_lcore *lc, struct herald_udp_tmpl *t,
		   uint16_t port, const struct rte_ether_addr *mac, uint32_t ip,
		   uint16_t udp_port)
{
	const struct herald_lcore_conf *c = &lc->conf;

	herald_udp_tmpl_build(t, &c->ports[port].mac,
			      c->has_next_hop_mac ? &c->next_hop_mac : mac,
			      c->address, c->udp_port, ip, udp_port);
}

void
herald_publish_flush_acks(struct herald_lcore *lc)
{
	unsigned int i;

	for (i = 0; i < lc->n_ack; i++) {
		struct herald_pub_session *s = lc->ack_list[i];

		if (unlikely(s == NULL))
			continue; /* closed, and answered, within the burst */
		s->ack_pending = false;
		herald_puback_send(lc, s->rx_port, &s->ack_tmpl,
				   s->key.publisher, s->last_accepted);
	}
	lc->n_ack = 0;
}
