/* SPDX-License-Identifier: BSD-3-Clause
 * Ports: one RX and one TX queue per worker on every port, and one more
 * TX queue for the control thread where the port has it (else worker 0
 * sends the control thread's packets: control/ctlq.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "herald.h"

/*
 * The configured MTU on the port, with scattered RX where one RX buffer
 * cannot hold a frame (rx.c makes such frames whole again). A port that
 * cannot take it is a config error: its largest MTU, and its largest
 * frame with ethdev's rule for the overhead (what rte_eth_dev_configure
 * refuses: net_tap in 22.11 takes frames of 1522 bytes at most).
 */
static int
mtu_conf(const struct herald_port *hp, const struct rte_eth_dev_info *info,
	 struct rte_eth_conf *conf)
{
	uint16_t mtu = herald.cfg.mtu;
	uint32_t overhead = RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN;
	uint32_t max = info->max_mtu;

	if (info->max_mtu != UINT16_MAX && info->max_rx_pktlen > info->max_mtu)
		overhead = info->max_rx_pktlen - info->max_mtu;
	if (info->max_rx_pktlen > overhead)
		max = RTE_MIN(max, info->max_rx_pktlen - overhead);
	if (mtu > max) {
		herald_config_error(&herald.cfg, "herald", "mtu",
				    "%u: port %u (%s) takes an MTU of at most "
				    "%u (frames of %u bytes)",
				    mtu, hp->port_id, hp->name, max,
				    info->max_rx_pktlen);
		return HERALD_PORT_CONFIG_ERROR;
	}
	conf->rxmode.mtu = mtu;
	if ((uint32_t)mtu + RTE_ETHER_HDR_LEN > RTE_MBUF_DEFAULT_DATAROOM &&
	    (info->rx_offload_capa & RTE_ETH_RX_OFFLOAD_SCATTER))
		conf->rxmode.offloads |= RTE_ETH_RX_OFFLOAD_SCATTER;
	return 0;
}

/*
 * The configured source MAC: added to the port's filters so that frames
 * to it are received (no promiscuous mode for everyone else's traffic);
 * a PMD without MAC filters gets promiscuous mode, said so.
 */
static void
mac_override(struct herald_port *hp)
{
	struct rte_ether_addr mac = herald.cfg.mac;

	hp->mac = mac;
	if (rte_is_same_ether_addr(&mac, &(struct rte_ether_addr){{0}}) ||
	    rte_eth_dev_mac_addr_add(hp->port_id, &mac, 0) == 0)
		return;
	if (rte_eth_promiscuous_enable(hp->port_id) == 0)
		printf("  port %u: no MAC filter for %02x:%02x:%02x:%02x:%02x:"
		       "%02x, promiscuous mode on\n",
		       hp->port_id, mac.addr_bytes[0], mac.addr_bytes[1],
		       mac.addr_bytes[2], mac.addr_bytes[3], mac.addr_bytes[4],
		       mac.addr_bytes[5]);
}

static int
port_init(uint16_t port)
{
	const struct herald_config *cfg = &herald.cfg;
	struct herald_port *hp = &herald.ports[port];
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	struct rte_eth_txconf txconf;
	uint16_t nq = (uint16_t)herald.n_workers, ntxq, q;
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
	/* Test hook: every port as one without chains (af_xdp), so that
	 * the flat-copy path runs on virtual devices. */
	if (getenv("HERALD_TEST_FLAT_TX") != NULL)
		hp->multi_seg_tx = false;
	/* With offload the NIC sums each replica's payload itself; without,
	 * the payload is summed once per message and folded per replica. */
	if ((info.tx_offload_capa &
	     (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM)) ==
	    (RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM)) {
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
					RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
		hp->csum_offload = true;
	}
	/* The NIC's checksum verdicts, where it has them: the classifier
	 * reads the RX flags as DPDK documents them. */
	conf.rxmode.offloads |=
		info.rx_offload_capa &
		(RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM);
	rc = mtu_conf(hp, &info, &conf);
	if (rc != 0)
		return rc;
	if (nq > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP) &
			info.flow_type_rss_offloads;
	}
	hp->has_ctl_queue = info.max_tx_queues > nq;
	ntxq = (uint16_t)(nq + hp->has_ctl_queue);
	rc = rte_eth_dev_configure(port, nq, ntxq, &conf);
	if (rc != 0 && hp->has_ctl_queue) {
		/* Some PMDs (net_tap) want as many TX queues as RX ones. */
		hp->has_ctl_queue = false;
		ntxq = nq;
		rc = rte_eth_dev_configure(port, nq, ntxq, &conf);
	}
	if (rc == 0)
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &nb_rxd, &nb_txd);
	for (q = 0; rc == 0 && q < ntxq; q++) {
		/* The control thread's queue is on the main lcore's socket. */
		unsigned int lcore = q < nq ? herald.lcores[q]->lcore_id
					    : rte_get_main_lcore();
		int socket = (int)rte_lcore_to_socket_id(lcore);

		if (q < nq) {
			rc = rte_eth_rx_queue_setup(port, q, nb_rxd, socket,
						    NULL, herald.rx_pool);
			if (rc != 0)
				break;
		}
		txconf = info.default_txconf;
		txconf.offloads = conf.txmode.offloads;
		rc = rte_eth_tx_queue_setup(port, q, nb_txd, socket, &txconf);
	}
	if (rc != 0) {
		fprintf(stderr, "herald: cannot configure port %u (%s): %s\n",
			port, hp->name, rte_strerror(-rc));
		return rc;
	}
	rte_eth_macaddr_get(port, &hp->mac);
	if (herald.cfg.has_mac)
		mac_override(hp);
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
	int rc;

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
		if (port >= HERALD_MAX_PORTS)
			return -1;
		rc = port_init(port);
		if (rc != 0)
			return rc == HERALD_PORT_CONFIG_ERROR ? rc : -1;
	}
	/* egress_port was checked by herald_config_check_ports. */
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
			for (q = 0;
			     q < herald.n_workers +
					 herald.ports[port].has_ctl_queue;
			     q++) {
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
