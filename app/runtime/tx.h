/* SPDX-License-Identifier: BSD-3-Clause
 * Per-worker TX buffering. Each worker owns TX queue <worker index> on
 * every port, so no locks. A partial rte_eth_tx_burst is retried a few
 * times; what the PMD still refuses is freed and counted, never leaked.
 */
#ifndef HERALD_TX_H
#define HERALD_TX_H

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "runtime/runtime.h"

static inline void
herald_tx_flush_port(struct herald_lcore *lc, uint16_t port)
{
	struct herald_txbuf *b = &lc->tx[port];
	uint16_t sent = 0, n = b->n;
	unsigned int tries = 0;

	while (sent < n) {
		uint16_t k = rte_eth_tx_burst(port, (uint16_t)lc->index,
					      b->pkts + sent, n - sent);

		sent += k;
		if (k == 0 && ++tries >= HERALD_TX_RETRIES)
			break;
	}
	lc->cnt.c[CNT_tx_packets] += sent;
	lc->cnt.port_tx[port] += sent;
	if (unlikely(sent < n)) {
		rte_pktmbuf_free_bulk(b->pkts + sent, n - sent);
		lc->cnt.c[CNT_tx_dropped] += n - sent;
		lc->cnt.port_tx_dropped[port] += n - sent;
	}
	b->n = 0;
}

static inline void
herald_tx_flush_all(struct herald_lcore *lc)
{
	uint16_t p;

	for (p = 0; p < lc->conf.n_ports; p++)
		if (lc->tx[p].n != 0)
			herald_tx_flush_port(lc, p);
}

static inline void
herald_tx_enqueue(struct herald_lcore *lc, uint16_t port, struct rte_mbuf *m)
{
	struct herald_txbuf *b = &lc->tx[port];

#ifdef HERALD_DEBUG
	/* Debug builds: a freed or corrupted mbuf panics here, where it is
	 * queued, not in the PMD. */
	rte_mbuf_sanity_check(m, 1);
#endif
	b->pkts[b->n++] = m;
	if (unlikely(b->n == HERALD_TX_BUF))
		herald_tx_flush_port(lc, port);
}

#endif /* HERALD_TX_H */
