/* SPDX-License-Identifier: BSD-3-Clause
 * Port and mempool setup and teardown.
 */
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "herald.h"
#include "port.h"

/* Headers of one DELIVER (82 bytes) or any control frame, plus headroom. */
#define HDR_DATA_ROOM (RTE_PKTMBUF_HEADROOM + 128)

static struct rte_mempool *
pool_create(const char *name, uint32_t n, uint16_t data_room)
{
	struct rte_mempool *mp;

	mp = rte_pktmbuf_pool_create(name, n, herald.cfg.mempool_cache,
				     HERALD_MBUF_PRIV_SIZE, data_room,
				     (int)rte_socket_id());
	if (mp == NULL) {
		fprintf(stderr,
			"herald: cannot create mempool %s (%u mbufs): %s\n",
			name, n, rte_strerror(rte_errno));
		return NULL;
	}
	herald.pools[herald.n_pools].mp = mp;
	herald.n_pools++;
	return mp;
}

int
herald_mempools_init(void)
{
	const struct herald_config *cfg = &herald.cfg;

	herald.rx_pool = pool_create("herald_rx", cfg->rx_mbufs,
				     RTE_MBUF_DEFAULT_BUF_SIZE);
	herald.hdr_pool =
		pool_create("herald_hdr", cfg->header_mbufs, HDR_DATA_ROOM);
	/* Same private size as the direct pools: rte_pktmbuf_attach needs it.
	 */
	herald.ind_pool =
		pool_create("herald_indirect", cfg->indirect_mbufs, 0);
	return herald.rx_pool != NULL && herald.hdr_pool != NULL &&
			       herald.ind_pool != NULL
		       ? 0
		       : -1;
}

void
herald_mempools_free(void)
{
	unsigned int i;

	for (i = 0; i < herald.n_pools; i++)
		rte_mempool_free(herald.pools[i].mp);
	herald.n_pools = 0;
	herald.rx_pool = herald.hdr_pool = herald.ind_pool = NULL;
}

static int
port_init(uint16_t port)
{
	const struct herald_config *cfg = &herald.cfg;
	struct herald_port *hp = &herald.ports[port];
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct rte_eth_txconf txconf;
	uint16_t nq = (uint16_t)herald.n_workers, q;
	uint16_t nb_rxd = cfg->rx_desc, nb_txd = cfg->tx_desc;
	int rc;

	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_info_get(port, &info);
	if (rc != 0)
		return rc;
	rte_eth_dev_get_name_by_port(port, hp->name);
	hp->port_id = port;
	if (nq > info.max_rx_queues || nq > info.max_tx_queues) {
		fprintf(stderr,
			"herald: port %u (%s) has %u rx / %u tx queues, %u "
			"workers need one each\n",
			port, hp->name, info.max_rx_queues, info.max_tx_queues,
			nq);
		return -EINVAL;
	}
	/* Payload mbufs are refcounted: never MBUF_FAST_FREE. */
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	/* Virtual devices chain segments in software without saying so. */
	hp->multi_seg_tx =
		(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS) ||
		strncmp(info.driver_name, "net_pcap", 8) == 0 ||
		strncmp(info.driver_name, "net_null", 8) == 0 ||
		strncmp(info.driver_name, "net_ring", 8) == 0;
	/* With offload the NIC sums each replica's payload itself; without,
	 * the payload is summed once per message and folded per replica. */
	if ((info.tx_offload_capa &
	     (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM)) ==
	    (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM)) {
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
					RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
		hp->csum_offload = true;
	}
	if (nq > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP) &
			info.flow_type_rss_offloads;
	}
	rc = rte_eth_dev_configure(port, nq, nq, &conf);
	if (rc == 0)
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
	for (q = 0; rc == 0 && q < nq; q++) {
		unsigned int lcore = herald.workers[q]->lcore_id;
		int socket = (int)rte_lcore_to_socket_id(lcore);

		rc = rte_eth_rx_queue_setup(port, q, nb_rxd, socket, NULL,
					    herald.rx_pool);
		if (rc != 0)
			break;
		txconf = info.default_txconf;
		txconf.offloads = conf.txmode.offloads;
		rc = rte_eth_tx_queue_setup(port, q, nb_txd, socket, &txconf);
	}
	if (rc != 0) {
		fprintf(stderr, "herald: cannot configure port %u (%s): %s\n",
			port, hp->name, rte_strerror(-rc));
		return rc;
	}
	if (herald.cfg.has_mac)
		hp->mac = herald.cfg.mac;
	else
		rte_eth_macaddr_get(port, &hp->mac);
	rte_eth_promiscuous_enable(port); /* not all PMDs support it */
	rc = rte_eth_dev_start(port);
	if (rc != 0)
		fprintf(stderr, "herald: cannot start port %u (%s): %s\n", port,
			hp->name, rte_strerror(-rc));
	return rc;
}

int
herald_ports_init(void)
{
	uint16_t port;

	herald.n_ports = rte_eth_dev_count_avail();
	if (herald.n_ports == 0) {
		fprintf(stderr,
			"herald: no ports (give EAL a --vdev or a NIC)\n");
		return -1;
	}
	if (herald.n_ports > HERALD_MAX_PORTS) {
		fprintf(stderr, "herald: %u ports, at most %u supported\n",
			herald.n_ports, HERALD_MAX_PORTS);
		return -1;
	}
	RTE_ETH_FOREACH_DEV(port)
	{
		if (port >= HERALD_MAX_PORTS || port_init(port) != 0)
			return -1;
	}
	if (herald.cfg.egress_port >= herald.n_ports) {
		fprintf(stderr,
			"herald: config %s: [herald] egress_port: port %u does "
			"not exist (%u ports)\n",
			herald.cfg.path, herald.cfg.egress_port,
			herald.n_ports);
		return -1;
	}
	return 0;
}

void
herald_ports_drain_tx(void)
{
	struct rte_mbuf *none[1];
	uint16_t port, q;
	unsigned int round;

	/* Some PMDs (af_xdp) recycle their TX buffers only when the queue
	 * is used again: an empty burst reaps the completions, so what is
	 * still in flight is not mistaken for a leak. */
	for (round = 0; round < 5; round++) {
		RTE_ETH_FOREACH_DEV(port)
		{
			for (q = 0; q < herald.n_workers; q++) {
				rte_eth_tx_done_cleanup(port, q, 0);
				rte_eth_tx_burst(port, q, none, 0);
			}
		}
		rte_delay_us_sleep(1000);
	}
}

void
herald_ports_close(void)
{
	uint16_t port;

	RTE_ETH_FOREACH_DEV(port)
	{
		rte_eth_dev_stop(port);
		rte_eth_dev_close(port);
	}
}
