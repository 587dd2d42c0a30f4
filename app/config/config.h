/* SPDX-License-Identifier: BSD-3-Clause
 * Herald's INI configuration (rte_cfgfile): keys, defaults, validation.
 * docs/CONFIG.md documents every key.
 */
#ifndef HERALD_CONFIG_H
#define HERALD_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_lcore.h>

#include "herald_const.h"
#include "hwp_wire.h"

struct herald_prefix {
	uint32_t ip; /* host byte order */
	uint8_t depth;
};

struct herald_config {
	char path[256];

	/* [herald] */
	uint32_t address; /* host order */
	uint16_t udp_port;
	bool has_mac; /* source MAC override */
	struct rte_ether_addr mac;
	bool has_next_hop_mac;
	struct rte_ether_addr next_hop_mac;
	uint32_t epoch;	      /* 0: drawn at start */
	uint16_t egress_port; /* DELIVERs of CLI subscribers */
	uint32_t publisher_credit;
	uint32_t history_depth;
	uint8_t token_key[HWP_KEY_MAX_LEN];
	int token_key_len; /* 0: none configured */
	bool verify_udp_checksum;
	char xdp_pin_root[200]; /* pins go to <root>/<ifname> */
	uint16_t mtu; /* IPv4 MTU of every port: datagrams up to it are taken */

	/* [lcores] */
	unsigned int n_workers;
	unsigned int worker_lcores[HERALD_MAX_WORKERS];
	uint8_t slot_owner[HWP_NUM_SLOTS]; /* worker index per slot */

	/* [limits] */
	uint32_t max_channels; /* per worker: channel seq state */
	uint32_t max_subscribed_channels;
	uint32_t max_subscribers;	  /* per channel */
	uint32_t max_publisher_sessions;  /* per worker */
	uint32_t max_sessions_per_source; /* per worker and source address */
	uint32_t session_timeout_ms;	  /* silent publisher session: gone */
	uint32_t channel_timeout_ms;	  /* idle channel without subscriber */
	uint32_t handoff_ring_size;

	/* [mempool] */
	uint32_t rx_mbufs;
	uint32_t header_mbufs;
	uint32_t indirect_mbufs;
	uint32_t flat_mbufs;  /* flat DELIVER copies (ports without chains) */
	uint32_t jumbo_mbufs; /* datagrams received in several segments */
	uint32_t mempool_cache;
	uint16_t rx_desc;
	uint16_t tx_desc;

	/* [publishers] */
	unsigned int n_allow;
	struct herald_prefix allow[HERALD_MAX_PREFIXES];
};

/*
 * Load and validate FILE. On error prints one line naming the file, line
 * and key to stderr and returns -1 (herald exits with code 2).
 */
int herald_config_load(const char *path, struct herald_config *cfg);

/* Defaults only (used by tests and before loading). */
void herald_config_defaults(struct herald_config *cfg);

#endif /* HERALD_CONFIG_H */
