/* SPDX-License-Identifier: BSD-3-Clause
 * PUBACKs: built as words in registers, summed without reading them back,
 * at most one per session per burst (PROTOCOL.md section 6).
 */
#include <rte_memcpy.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "dataplane/publish/publish.h"
#include "inet_csum.h"
#include "runtime/tx.h"

/* Credit scaled by how much of a resource is free: all of it while a
 * quarter of the resource is, in proportion below that. */
static inline uint64_t
scaled(uint64_t credit, uint64_t free, uint64_t capacity)
{
	uint64_t mark = capacity / 4;

	return free >= mark || mark == 0 ? credit : credit * free / mark;
}

/* What the pool's backing store holds (its ops' count, a ring's count
 * for the default ops): rte_mempool_avail_count would add every lcore
 * cache, 128 of them, once per burst. */
static inline unsigned int
pool_ring_count(const struct rte_mempool *mp)
{
	return rte_mempool_get_ops(mp->ops_index)->get_count(mp);
}

/*
 * What the owner can take (issue 10, PROTOCOL.md 3): the configured
 * credit while the RX pool, whose mbufs every message holds until its
 * deliveries leave (TX back-pressure shows here too), and, with several
 * workers, every owner's hand-off ring have a quarter of their room
 * free; less in proportion below that, 0 (pause) when nothing is free.
 * Read once per burst with PUBACKs: the pool's ring count (a lower
 * bound: lcore caches are not counted) and the rings' free counts.
 */
uint32_t
herald_publish_credit(const struct herald_lcore *lc)
{
	const struct herald_lcore_conf *c = &lc->conf;
	uint64_t credit = c->publisher_credit;
	unsigned int w;

	credit = scaled(credit, pool_ring_count(c->rx_pool), c->rx_pool->size);
	for (w = 0; c->n_workers > 1 && w < c->n_workers; w++) {
		const struct rte_ring *r = c->peers[w]->handoff;

		credit = scaled(credit, rte_ring_free_count(r),
				rte_ring_get_capacity(r));
	}
	return (uint32_t)credit;
}

void
herald_puback_session(struct herald_lcore *lc, struct herald_pub_session *s,
		      uint32_t credit)
{
	herald_pub_window(lc, s);
	herald_puback_send(lc, s->rx_port, &s->ack_tmpl, s->key.publisher,
			   s->last_accepted, credit);
	/* Frames past it are dropped unacknowledged (publish_over_credit). */
	s->credit_limit = herald_credit_limit(lc, s->last_accepted, credit);
}

void
herald_puback_send(struct herald_lcore *lc, uint16_t port,
		   const struct herald_udp_tmpl *t, uint32_t publisher,
		   uint64_t acked_seq, uint32_t credit)
{
	struct hwp_puback ack = {
		.publisher = publisher,
		.epoch = lc->conf.epoch,
		.acked_seq = acked_seq,
		.credit = credit,
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
	uint32_t credit;

	if (lc->n_ack == 0)
		return;
	credit = herald_publish_credit(lc);
	for (i = 0; i < lc->n_ack; i++) {
		struct herald_pub_session *s = lc->ack_list[i];

		if (unlikely(s == NULL))
			continue; /* closed, and answered, within the burst */
		s->ack_pending = false;
		herald_puback_session(lc, s, credit);
	}
	lc->n_ack = 0;
}
