/* SPDX-License-Identifier: BSD-3-Clause
 * The Herald instance: its configuration, ports, pools, shared tables and
 * worker lcores. Owned by the main (control) thread; workers read only
 * their own struct herald_lcore (runtime/runtime.h).
 */
#ifndef HERALD_H
#define HERALD_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "herald_const.h"
#include "runtime/runtime.h"

struct hwp_token_key;

struct herald {
	struct herald_config cfg;
	uint32_t epoch;
	bool clock_pcap;
	/* A signal or "quit": the control thread drains, then sets
	 * force_quit, which stops the workers at once. */
	volatile bool stop_requested;
	volatile bool force_quit;

	uint16_t n_ports;
	struct herald_port ports[HERALD_MAX_PORTS];

	struct rte_mempool *rx_pool;	/* received packets (payload owners) */
	struct rte_mempool *hdr_pool;	/* per-subscriber headers, PUBACKs */
	struct rte_mempool *ind_pool;	/* indirect payload mbufs */
	struct rte_mempool *flat_pool;	/* flat DELIVER copies (no chains) */
	struct rte_mempool *jumbo_pool; /* multi-segment datagrams, or NULL */
	uint32_t jumbo_frame_max;	/* frame bytes a jumbo buffer holds */
	struct herald_mempool_watch pools[5];
	unsigned int n_pools;

	struct rte_rcu_qsbr *qsv;
	struct subtab *subs;
	struct rte_lpm *allow; /* NULL: any source may publish */

	/* The control plane (app/control): subscriber endpoints, read by
	 * workers (control/ctlq.h), the prepared token key (NULL: none
	 * configured), and the control thread's counters. */
	struct rte_hash *endpoints;
	struct herald_endpoint *ep; /* by position */
	uint32_t ep_slots;	    /* positions of the endpoint table */
	struct hwp_token_key *token_key;
	struct herald_ctl_counters ctl_cnt;

	unsigned int n_workers;
	struct herald_lcore *lcores[HERALD_MAX_WORKERS];

	/* Traffic phase: from the workers' release to the stop request. */
	uint64_t run_start_tsc;
	uint64_t run_end_tsc;
};

extern struct herald herald;

#endif /* HERALD_H */
