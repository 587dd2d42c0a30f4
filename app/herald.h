/* SPDX-License-Identifier: BSD-3-Clause
 * Herald's shared state: the instance, its ports and its worker lcores.
 */
#ifndef HERALD_H
#define HERALD_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "config.h"
#include "counters.h"
#include "hwp.h"

#define HERALD_VERSION "0.1.0"

#define HERALD_BURST	      32 /* RX burst and TX flush threshold */
#define HERALD_TX_BUF	      64 /* per worker and port */
#define HERALD_MAX_PORTS      8
#define HERALD_ACKS_PER_BURST (HERALD_BURST * 4)
#define HERALD_SESS_CACHE     64 /* direct-mapped publisher session cache */
/* rte_hash refuses fewer entries than a bucket holds; table limits are
 * enforced by count, so a small limit still gets a valid table. */
#define HERALD_HASH_MIN_ENTRIES 16u

/*
 * Metadata of one message, kept in the private area of the mbuf that
 * carries its payload (direct or indirect). Written before the mbuf is
 * shared, read-only after.
 */
struct herald_msg_meta {
	uint64_t channel;
	uint64_t timestamp; /* ns, receive time of the PUBLISH */
	uint32_t publisher;
	uint16_t slot; /* hwp_slot(channel), computed once on receive */
	uint16_t payload_len;
	uint16_t payload_sum;	 /* folded, valid if has_payload_sum */
	uint8_t has_payload_sum; /* summed once while verifying the UDP sum */
};

#define HERALD_MBUF_PRIV_SIZE                                                  \
	RTE_ALIGN(sizeof(struct herald_msg_meta), RTE_MBUF_PRIV_ALIGN)

static inline struct herald_msg_meta *
herald_meta(struct rte_mbuf *m)
{
	return (struct herald_msg_meta *)rte_mbuf_to_priv(m);
}

/* Packets waiting for rte_eth_tx_burst on one port. */
struct herald_txbuf {
	uint16_t n;
	struct rte_mbuf *pkts[HERALD_TX_BUF];
};

struct herald_port {
	uint16_t port_id;
	bool multi_seg_tx;	   /* PMD chains segments on TX */
	bool csum_offload;	   /* NIC fills IPv4 and UDP checksums */
	struct rte_ether_addr mac; /* source MAC of what leaves this port */
	char name[RTE_ETH_NAME_MAX_LEN];
};

struct herald_pub_session;
struct herald_chan_state;
struct subtab_channel;

/* One worker lcore: everything it touches on the hot path. */
struct herald_worker {
	unsigned int index; /* 0..n_workers-1, also RCU thread id */
	unsigned int lcore_id;
	struct herald_counters cnt;

	struct rte_ring *handoff; /* messages for slots this worker owns */

	/* Publisher sessions (worker-private). */
	struct rte_hash *sessions;
	struct herald_pub_session *sess;
	uint32_t n_sessions;
	struct herald_pub_session *sess_cache[HERALD_SESS_CACHE];
	struct herald_pub_session *ack_list[HERALD_ACKS_PER_BURST];
	unsigned int n_ack;

	/* Channel sequence state for the slots this worker owns, with a
	 * direct-mapped cache by slot in front of the hash. */
	struct rte_hash *channels;
	struct herald_chan_state *chan;
	struct herald_chan_state **chan_cache; /* HWP_NUM_SLOTS */
	uint32_t n_channels;

	/* Last subscriber snapshot looked up: valid until the next RCU
	 * quiescent state only (reset by the worker loop). */
	uint64_t subs_cache_channel;
	const struct subtab_channel *subs_cache;

	struct herald_txbuf tx[HERALD_MAX_PORTS];

	/* CLI "pause at": stop receiving once rx_packets reaches it. */
	volatile uint64_t pause_at;
	/* Handshake: the CLI bumps pause_gen after setting pause_at; the
	 * worker copies the generation it read at the start of an iteration
	 * into paused_gen once that iteration ends idle at the limit. */
	volatile uint64_t pause_gen;
	volatile uint64_t paused_gen;
	volatile bool paused;

	/* Current time for this burst (ns), from the clock. */
	uint64_t now_ns;

	struct hwp_frame *frames; /* HWP_MAX_FRAMES_PER_DATAGRAM */
} __rte_cache_aligned;

enum herald_clock_mode {
	HERALD_CLOCK_SYSTEM,
	HERALD_CLOCK_PCAP,
};

struct herald_mempool_watch {
	struct rte_mempool *mp;
	/* Measured with the ports started and idle (PMDs such as af_xdp keep
	 * their fill rings stocked until close), before and after traffic. */
	unsigned int in_use_start;
	unsigned int in_use_end;
};

struct herald {
	struct herald_config cfg;
	uint32_t epoch;
	enum herald_clock_mode clock_mode;
	volatile bool force_quit;

	uint16_t n_ports;
	struct herald_port ports[HERALD_MAX_PORTS];

	struct rte_mempool *rx_pool;  /* received packets (payload owners) */
	struct rte_mempool *hdr_pool; /* per-subscriber headers, PUBACKs */
	struct rte_mempool *ind_pool; /* indirect payload mbufs */
	struct herald_mempool_watch pools[3];
	unsigned int n_pools;

	struct rte_rcu_qsbr *qsv;
	struct subtab *subs;
	struct rte_lpm *allow; /* NULL: any source may publish */

	unsigned int n_workers;
	struct herald_worker *workers[HERALD_MAX_WORKERS];

	/* Traffic phase: from the workers' release to the stop request. */
	uint64_t run_start_tsc;
	uint64_t run_end_tsc;
};

extern struct herald herald;

/* Owner of a slot, and of a channel's slot. */
static inline struct herald_worker *
herald_slot_worker(uint32_t slot)
{
	return herald.workers[herald.cfg.slot_owner[slot]];
}

static inline struct herald_worker *
herald_slot_owner(uint64_t channel)
{
	return herald_slot_worker(hwp_slot(channel));
}

#endif /* HERALD_H */
