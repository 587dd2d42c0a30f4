/* SPDX-License-Identifier: BSD-3-Clause
 * The runtime: ports, mempools and their books, worker lcores with their
 * cache-aligned contexts, the polling loop skeleton (RCU online /
 * quiescent), the CLI's pause point, and shutdown.
 *
 * A worker's hot path reads only its own struct herald_lcore (l3fwd's
 * lcore_conf): everything it needs from the configuration is copied into
 * lc->conf before launch. Other threads never write into a worker's
 * context; they go through the functions below.
 */
#ifndef HERALD_RUNTIME_H
#define HERALD_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "control/ctlq.h"
#include "herald_const.h"
#include "hwp.h"
#include "obs/counters.h"
#include "obs/latency.h"
#include "runtime/clock.h"

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

/* What the hot path needs to know of a port. */
struct herald_port {
	uint16_t port_id;
	/* The control thread's own TX queue (n_workers), when the port has
	 * one more queue than workers; else worker 0 sends its packets. */
	bool has_ctl_queue;
	bool multi_seg_tx;	   /* PMD chains segments on TX */
	bool csum_offload;	   /* NIC fills IPv4 and UDP checksums */
	struct rte_ether_addr mac; /* source MAC of what leaves this port */
	char name[RTE_ETH_NAME_MAX_LEN];
};

/* Packets waiting for rte_eth_tx_burst on one port. */
struct herald_txbuf {
	uint16_t n;
	struct rte_mbuf *pkts[HERALD_TX_BUF];
};

struct herald_lcore;
struct herald_lru {
	uint32_t head, tail; /* entry indexes, oldest first */
};
struct herald_pub_session;
struct herald_endpoint;
struct herald_chan_state;
struct herald_rtx_ep;
struct herald_rtx_action;
struct herald_hb_fifo;
struct herald_passive_ent;
struct herald_pulse_cursor;
struct subtab;
struct subtab_channel;
struct rte_hash;
struct rte_lpm;
struct rte_mempool;
struct rte_rcu_qsbr;
struct rte_ring;

/*
 * Read-only copy of the configuration and of the instance's shared
 * objects, set before the worker is launched: the hot path reads these,
 * never the global struct herald.
 */
struct herald_lcore_conf {
	uint32_t address_be; /* Herald's address and port, network order */
	uint16_t udp_port_be;
	bool verify_udp;
	bool has_next_hop_mac;
	bool start_reopens; /* HERALD_BENCH_START_REOPENS: benchmarks only */
	uint16_t n_ports;
	unsigned int n_workers;
	uint32_t address; /* host order, for headers */
	uint16_t udp_port;
	uint32_t epoch;
	uint32_t publisher_credit;
	uint32_t max_channels;
	uint32_t max_subscribed_channels;
	uint32_t max_publisher_sessions;
	struct rte_ether_addr next_hop_mac;
	const uint8_t *slot_owner;	   /* worker index per slot */
	struct herald_lcore *const *peers; /* every worker, by index */
	struct rte_mempool *hdr_pool;	   /* headers, PUBACKs */
	struct rte_mempool *rx_pool;	   /* what RX buffers come from */
	struct rte_mempool *ind_pool;	   /* indirect payload mbufs */
	struct rte_mempool *flat_pool;	   /* flat DELIVER copies */
	struct rte_mempool *jumbo_pool;	   /* NULL: every frame fits an mbuf */
	uint32_t jumbo_frame_max; /* longest frame a jumbo buffer holds */
	uint64_t session_timeout_ns;
	uint64_t channel_timeout_ns;
	uint32_t max_sessions_per_source;
	/* History and retransmits (dataplane/history.h, nack.c): per
	 * worker budgets. */
	uint32_t hist_depth; /* 0: no history */
	uint32_t hist_msgs_max;
	uint64_t hist_bytes_max; /* the log's size, a power of two */
	uint32_t rtx_per_s, rtx_burst;
	uint64_t rtx_linger_ns;
	uint32_t rtx_actions;
	uint32_t rtx_give_up;
	struct herald_clock clock;
	struct rte_rcu_qsbr *qsv;
	const struct subtab *subs;
	const struct rte_lpm *allow; /* NULL: any source may publish */
	/* Subscriber endpoints (control/ctlq.h): lock-free readers. */
	const struct rte_hash *endpoints;
	const struct herald_endpoint *ep; /* by position */
	uint16_t egress_port;		  /* where subscribers are reached */
	struct herald_port ports[HERALD_MAX_PORTS];
};

/* One worker lcore: everything it touches on the hot path. */
struct herald_lcore {
	struct herald_lcore_conf conf;
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
	struct herald_lru sess_lru; /* by silence, oldest first */
	struct rte_hash *sources;   /* source IPv4 -> sessions held */
	uint32_t *source_sessions;  /* by position in sources */

	/* Channel sequence state for the slots this worker owns, with a
	 * direct-mapped cache by slot in front of the hash. */
	struct rte_hash *channels;
	struct herald_chan_state *chan;
	struct herald_chan_state **chan_cache; /* HWP_NUM_SLOTS */
	struct herald_lru chan_lru;	       /* by idleness, oldest first */
	void *chan_pending; /* deleted positions awaiting a grace period */
	uint32_t chan_pending_head, chan_pending_n, chan_pending_cap;
	uint32_t chan_entries; /* positions of the channel table */
	/* Live channel states: read by other workers to admit a message
	 * for a new channel (only the owner writes it). */
	uint32_t n_channels;

	/* History (dataplane/history.h): the log, bytes written (its end),
	 * the oldest offset not overwritten (its floor), records written. */
	uint8_t *hist_log;
	uint64_t hist_mask;
	uint64_t hist_end, hist_floor;
	uint64_t hist_count;
	/* NACKs for slots this worker owns, from the others (nack.c). */
	struct rte_ring *nack_ring;
	/* Retransmit state per endpoint position, and the lingering
	 * retransmit actions (nack.c). */
	struct herald_rtx_ep *rtx_ep;
	/* Channel heartbeats: the 1-second and the 10-second FIFO. */
	struct herald_hb_fifo *hb;
	/* Passive subscriptions (dataplane/passive.c): entries by passive
	 * id, the channels due a pulse, the pulse being sent. */
	struct herald_passive_ent *passive;
	struct herald_hb_fifo *pulse_q;
	struct herald_pulse_cursor *pulse_cur;
	struct herald_rtx_action *rtx_act;
	uint32_t rtx_act_head, rtx_act_n;

	/* Last subscriber snapshot looked up: valid until the next RCU
	 * quiescent state only (reset by the worker loop). */
	uint64_t subs_cache_channel;
	const struct subtab_channel *subs_cache;

	struct herald_txbuf tx[HERALD_MAX_PORTS];

	/* The control plane (control/ctlq.h). items[0]: SUBSCRIBE and
	 * UNSUBSCRIBE from endpoints that hold a subscription, items[1]:
	 * from the others; reqs: OK SUBACKs to send once their change is
	 * visible; ctl_tx: packets the control thread built for a port
	 * without its queue (worker 0). */
	struct rte_ring *ctl_items[2];
	uint32_t ctl_item_seq; /* items passed: their order across the rings */
	struct rte_ring *ctl_reqs;
	struct rte_ring *ctl_tx;
	/* Every request up to this table version has been answered. */
	uint64_t req_seen;
	/* Last time each endpoint (by position) was heard from (ns):
	 * written by this worker only, swept by the control thread. */
	uint64_t *ep_seen;

	/* "pause at": stop receiving once rx_packets reaches it. Written
	 * by the runtime's pause functions only (runtime/pause.c). */
	volatile uint64_t pause_at;
	/* The controller bumps pause_gen after setting pause_at. */
	volatile uint64_t pause_gen;
	/* Published by the worker at the end of every idle iteration at
	 * its pause point (seqlock: seq is odd while it writes): the
	 * generation it started with and its hand-off totals then. */
	struct {
		volatile uint32_t seq;
		uint64_t gen;
		uint64_t handoffs_out;
		uint64_t handoffs_in;
	} pause_report;
	volatile bool paused;
	/* "stop" / "start": stop_req is set by the controller
	 * (herald_lcores_forwarding); stopped by the worker once it stopped
	 * receiving and went RCU-offline, cleared once back online. */
	volatile bool stop_req;
	volatile bool stopped;

	/* Current time for this burst (ns), from the system clock, and the
	 * TSC it was read from (the iteration's receive time). */
	uint64_t now_ns;
	uint64_t iter_tsc;
	/* The clock state expires by: the newest receive time seen (with
	 * --clock pcap, capture time; else about now_ns). */
	uint64_t clock_ns;

	struct hwp_frame *frames; /* HWP_MAX_FRAMES_PER_DATAGRAM */

	/* Messages sequenced per slot, on the slot's owner ("show slots"):
	 * one add on the message's own path, read by the control thread. */
	uint64_t slot_messages[HWP_NUM_SLOTS];

	/* Latency histograms (obs/latency.h), touched once per busy
	 * iteration: cold otherwise. */
	struct herald_latency_hists lat;
} __rte_cache_aligned;

struct herald_mempool_watch {
	struct rte_mempool *mp;
	/* Measured with the ports started and idle (PMDs such as af_xdp keep
	 * their fill rings stocked until close), before and after traffic. */
	unsigned int in_use_start;
	unsigned int in_use_end;
};

/* ---- mempools (runtime/mempools.c) ---- */
int herald_mempools_init(void);
void herald_mempools_free(void);
/* Record every mempool's in-use count: at start (ports up, before any
 * traffic) or at the end (workers stopped, ports not yet closed). */
void herald_mempools_mark(bool end);
/* Mempools back to their start in-use counts; violations printed to f. */
bool herald_mempools_ok(FILE *f);

/* ---- ports (runtime/ports.c) ---- */
/* What herald_ports_init returns when a port cannot take the
 * configuration (reported as a config error: herald exits 2). */
#define HERALD_PORT_CONFIG_ERROR (-2)
/* 0, HERALD_PORT_CONFIG_ERROR, or -1 for any other failure. */
int herald_ports_init(void);
/* After the workers stopped: let PMDs reap their TX completions. */
void herald_ports_drain_tx(void);
void herald_ports_close(void);

/* ---- worker lcores (runtime/lcore.c) ---- */
int herald_lcores_init(void);
void herald_lcores_free(void);
/* Copy the ports, once up, into every worker's context (done by the
 * launch; tests that drive a context themselves call it). */
void herald_lcores_sync_ports(void);
/* Launch every worker on its lcore; -1 (and the ones launched told to
 * stop) if one cannot be. */
int herald_lcores_launch(void);
/* Stop the workers (they drain the hand-off rings) and wait for them. */
void herald_lcores_stop(void);
/*
 * "stop" (on false) / "start" (on true): every worker stops receiving,
 * handles what is still handed to it, and goes RCU-offline until started
 * again. herald_lcores_forwarding_settled() says when every worker is in
 * the state last asked for.
 */
void herald_lcores_forwarding(bool on);
bool herald_lcores_forwarding_settled(void);
bool herald_lcores_forwarding_on(void);
/* Worker i's context, read-only for other threads; NULL past the end. */
const struct herald_lcore *herald_lcore_get(unsigned int i);
/* Owner of a slot, and of a channel's slot. */
const struct herald_lcore *herald_slot_lcore(uint32_t slot);

/* ---- pause points (runtime/pause.c) ---- */
/* Workers start paused at packet 0 so a command file applies first. */
void herald_pause_hold(void);
/*
 * Asynchronous "pause at": every worker stops receiving at packets (its
 * own rx_packets count). herald_pause_start returns 0, or -1 with *why
 * (a worker is past the point, or a pause is in progress); the control
 * loop then calls herald_pause_poll until it returns 1 (every worker
 * sits at the point, the control plane has applied what they passed it
 * and everything they received has been handled and sent) or -1 with
 * *why (timeout, shutdown, a worker ran past the point). 0: pending.
 */
int herald_pause_start(uint64_t packets, const char **why);
int herald_pause_poll(const char **why);
bool herald_pause_pending(void);
/* The control plane's part of a pause: called with at_point true by
 * herald_pause_poll once the workers sit at their point, until it
 * returns true (nothing of theirs left to apply, its requests to them
 * queued); with false when a pause starts or ends (publish what was
 * changed, quickly: the workers may be running). */
typedef bool (*herald_pause_settle_fn)(bool at_point);
void herald_pause_set_settle(herald_pause_settle_fn fn);
/* Blocking form of start + poll (command files until the CLI parks its
 * sources). Returns 0, or -1 with *why. */
int herald_pause_at(uint64_t packets, const char **why);
/* Let every worker receive again. */
void herald_pause_release(void);
/* Stop every worker receiving and wait until everything received has
 * been processed and sent (hand-offs included): 0, or -1 with *why. */
int herald_pause_drain(const char **why);

#endif /* HERALD_RUNTIME_H */
