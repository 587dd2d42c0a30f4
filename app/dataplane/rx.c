/* SPDX-License-Identifier: BSD-3-Clause
 * Receive path: RX burst -> classify (not HWP: counted by reason) ->
 * hwp_parse (invalid: counted by fault) -> each frame by type.
 */
#include <rte_ethdev.h>
#include <rte_mbuf_dyn.h>
#include <rte_prefetch.h>

#include "dataplane/classify.h"
#include "dataplane/dataplane.h"
#include "dataplane/publish/publish.h"
#include "dataplane/subscribe.h"
#include "runtime/clock.h"
#include "runtime/pause.h"

/* One valid datagram: every frame gets exactly one outcome. */
static void
handle_datagram(struct herald_lcore *lc, uint16_t port, struct rte_mbuf *m,
		const struct herald_rx_info *ri, unsigned int nf)
{
	struct herald_publish_dgram pd;
	struct herald_subscriber_dgram sd;
	unsigned int i;

	/* Field by field: the unknown-session list needs no zeroing. */
	pd.port = port;
	pd.m = m;
	pd.ri = ri;
	pd.whole = nf == 1;
	pd.allowed = -1;
	pd.m_taken = false;
	pd.n_unknown = 0;
	pd.rx_ns = herald_clock_rx_ns(&lc->conf.clock, m, lc->now_ns);

	if (pd.rx_ns > lc->clock_ns)
		lc->clock_ns = pd.rx_ns;
	sd.port = port;
	sd.ri = ri;
	sd.rx_ns = pd.rx_ns;
	sd.ep_pos = HERALD_EP_UNKNOWN;
	sd.n_items = 0;
	lc->cnt.c[CNT_rx_datagrams_valid]++;
	lc->cnt.c[CNT_rx_frames] += nf;
	for (i = 0; i < nf; i++) {
		const struct hwp_frame *f = &lc->frames[i];
		enum herald_frame_outcome o;

		switch (f->type) {
		case HWP_T_PUBLISH: o = herald_publish_frame(lc, &pd, f); break;
		case HWP_T_SUBSCRIBE:
		case HWP_T_UNSUBSCRIBE:
			o = herald_subscribe_frame(lc, &sd, f);
			break;
		case HWP_T_HEARTBEAT:
			o = herald_heartbeat_frame(lc, &sd, f);
			break;
		default: o = herald_nack_frame(lc, &sd, f); break;
		}
		lc->cnt.frame[o]++;
	}
	if (sd.n_items != 0)
		herald_subscribe_flush(lc, &sd);
	if (!pd.m_taken)
		rte_pktmbuf_free(m);
}

/*
 * A frame that arrived in several segments (scattered RX, or a PMD that
 * chains what exceeds its buffers) is copied once into one buffer (an RX
 * buffer when it fits one, else a jumbo buffer): the parser and the
 * payload references need it contiguous. Longer than the port MTU
 * allows: over_mtu. Returns the whole frame, or NULL with m
 * freed and counted.
 */
static struct rte_mbuf *
make_whole(struct herald_lcore *lc, struct rte_mbuf *m)
{
	struct rte_mempool *mp = lc->conf.jumbo_pool;
	struct rte_mbuf *j;
	uint8_t *dst;

	/* Short enough for one RX buffer (a chain of small segments). */
	if (m->pkt_len <= RTE_MBUF_DEFAULT_DATAROOM)
		mp = lc->conf.rx_pool;
	else if (mp == NULL || m->pkt_len > lc->conf.jumbo_frame_max) {
		lc->cnt.nonhwp[NONHWP_over_mtu]++;
		rte_pktmbuf_free(m);
		return NULL;
	}
	j = rte_pktmbuf_alloc(mp);
	dst = j != NULL ? (uint8_t *)rte_pktmbuf_append(j, (uint16_t)m->pkt_len)
			: NULL;
	if (unlikely(dst == NULL)) {
		lc->cnt.c[CNT_rx_jumbo_nombuf]++;
		rte_pktmbuf_free(j);
		rte_pktmbuf_free(m);
		return NULL;
	}
	rte_pktmbuf_read(m, 0, m->pkt_len, dst);
	/* What the classifier and the clock read: RX flags, timestamp. */
	j->ol_flags = m->ol_flags & ~RTE_MBUF_F_EXTERNAL;
	j->port = m->port;
	rte_mbuf_dynfield_copy(j, m);
	rte_pktmbuf_free(m);
	lc->cnt.c[CNT_rx_linearized]++;
	return j;
}

static inline void
handle_packet(struct herald_lcore *lc, uint16_t port, struct rte_mbuf *m)
{
	const struct herald_lcore_conf *c = &lc->conf;
	struct herald_rx_info ri;
	enum herald_nonhwp r;
	enum hwp_err err;
	unsigned int nf;

	if (unlikely(m->nb_segs != 1)) {
		m = make_whole(lc, m);
		if (m == NULL)
			return;
	}
	r = herald_classify(m, c->address_be, c->udp_port_be, c->verify_udp,
			    &ri);
	if (unlikely(r != NONHWP__COUNT)) {
		lc->cnt.nonhwp[r]++;
		rte_pktmbuf_free(m);
		return;
	}
	err = hwp_parse(ri.payload, ri.payload_len, HWP_DIR_TO_HERALD,
			lc->frames, HWP_MAX_FRAMES_PER_DATAGRAM, &nf, NULL);
	if (unlikely(err != HWP_ERR_OK)) {
		lc->cnt.invalid[err]++;
		rte_pktmbuf_free(m);
		return;
	}
	handle_datagram(lc, port, m, &ri, nf);
}

unsigned int
herald_dp_poll_ports(struct herald_lcore *lc)
{
	struct rte_mbuf *pkts[HERALD_BURST];
	unsigned int total = 0;
	uint16_t port, n, i, budget;

	for (port = 0; port < lc->conf.n_ports; port++) {
		budget = herald_pause_budget(lc);
		if (budget == 0)
			break;
		n = rte_eth_rx_burst(port, (uint16_t)lc->index, pkts, budget);
		if (n == 0)
			continue;
		lc->cnt.c[CNT_rx_packets] += n;
		lc->cnt.port_rx[port] += n;
		total += n;
		for (i = 0; i < n && i < 4; i++)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
		for (i = 0; i < n; i++) {
			if (i + 4 < n)
				rte_prefetch0(
					rte_pktmbuf_mtod(pkts[i + 4], void *));
			handle_packet(lc, port, pkts[i]);
		}
	}
	return total;
}
