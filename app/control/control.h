/* SPDX-License-Identifier: BSD-3-Clause
 * The control thread (main lcore): CLI, RCU reclamation, live rates,
 * idle detection. Never blocks the workers.
 */
#ifndef HERALD_CONTROL_H
#define HERALD_CONTROL_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#include "dataplane/dataplane.h"

struct herald_control_opts {
	uint64_t exit_when_idle_ms; /* 0: run until quit or signal */
	/* Exit once the workers received this many packets and handled
	 * them (0: never): a replay ends at the end of its capture, not
	 * after an idle time a stalled CPU could fake. */
	uint64_t exit_after_packets;
};

void herald_control_run(const struct herald_control_opts *o);
/* Loops of the control thread so far (health: it must move). */
uint64_t herald_control_heartbeat(void);
/* Drain (everything received handled and sent), then stop the workers
 * (herald.force_quit). */
void herald_control_stop_workers(void);

/* Hook the control plane into pause points (before the workers run). */
void herald_control_init(void);
/* Publish the changes made so far (the operator's, the network's). */
void herald_control_flush(void);
/* A pause point's part (runtime/runtime.h, herald_pause_set_settle). */
bool herald_control_settle(bool at_point);

/* The control plane's clock (ns): the newest receive time the workers
 * saw with --clock pcap, else the system time. */
uint64_t herald_control_now_ns(void);

/* ---- what the control plane can tell (control/query.c) ---- */

struct herald_channel_info {
	uint64_t channel;
	uint32_t slot;
	unsigned int owner_lcore;
	bool has_state; /* the owner holds its sequence state */
	uint64_t last_seq;
	uint32_t epoch;
	uint64_t last_msg_ns; /* of its last message (or of its state) */
	double mean_rate;     /* messages/s over the epoch */
	struct herald_rtx_stats repair; /* NACK repair this epoch */
	uint32_t n_members; /* subscribers, changes not yet published too */
};

struct herald_member_info {
	uint32_t subscriber;
	uint32_t ip;
	uint16_t port;
	struct rte_ether_addr mac;
	bool operator_added;
};

struct herald_endpoint_info {
	uint32_t ip;
	uint16_t port;
	struct rte_ether_addr mac; /* of its last SUBSCRIBE */
	uint32_t n_subs;
	uint32_t n_network; /* made from the network: subject to liveness */
	uint64_t last_seen_ns;
	uint64_t timeout_ns;
	struct herald_rtx_stats repair; /* its owners' counts, summed */
};

struct herald_epsub_info {
	uint64_t channel;
	uint32_t subscriber;
	bool operator_added;
	bool passive;
};

/* Control thread only. A channel: its members first..first+max-1 into
 * m; returns how many. */
int herald_control_channel(uint64_t channel, struct herald_channel_info *ci,
			   struct herald_member_info *m, uint32_t first,
			   uint32_t max);
/* An endpoint and its subscriptions first..first+max-1; returns how
 * many, or -ENOENT if it holds none. */
int herald_control_endpoint(uint32_t ip, uint16_t port,
			    struct herald_endpoint_info *ei,
			    struct herald_epsub_info *s, uint32_t first,
			    uint32_t max);
/* Up to max endpoints (table order); returns how many. */
uint32_t herald_control_endpoints(struct herald_endpoint_info *ei,
				  uint32_t max);
uint32_t herald_control_n_endpoints(void);

/* Orders of the subscriber endpoints' top-N: the count each ranks by
 * (ties: retransmits); names in obs/top.c. */
enum herald_sub_order {
	HERALD_SUB_BY_REPAIR,	   /* NACKs refused: over budget + given up */
	HERALD_SUB_BY_NACKS,	   /* NACKs judged */
	HERALD_SUB_BY_RETRANSMITS, /* RETRANSMIT DELIVERs */
	HERALD_SUB_BY_GAPS,	   /* GAPs sent to it */
	HERALD_SUB_BY_BUDGET,	   /* NACKs past its retransmit budget */
	HERALD_SUB_ORDERS
};

/* Control thread only. The endpoints that cost the most repair, worst
 * first (docs/RELIABILITY.md, Slow subscribers), in order: by repair
 * every endpoint that NACKed, by the others those whose count is not 0.
 * Returns how many (at most max); *with_nacks gets how many NACKed,
 * *ranked how many the order ranks. */
#define HERALD_TOP_MAX 32
uint32_t herald_control_top_repair(struct herald_endpoint_info *top,
				   uint32_t max, enum herald_sub_order order,
				   uint32_t *with_nacks, uint32_t *ranked);

/* Control thread only. The subscribed channels with the most messages
 * in their epoch, busiest first (with their mean rate); returns how
 * many (at most max); *live gets how many channels have subscribers. */
uint32_t herald_control_top_channels(struct herald_channel_info *top,
				     uint32_t max, uint32_t *live);

/* From another thread: a page of one channel's or endpoint's answer. */
#define HERALD_QUERY_PAGE 128
struct herald_query {
	enum {
		HERALD_QUERY_CHANNEL,
		HERALD_QUERY_ENDPOINT,
		HERALD_QUERY_TOP, /* herald_control_top_repair into top */
		HERALD_QUERY_TOP_CHANNELS, /* ..._top_channels into top_ch */
	} kind;
	uint64_t channel;
	uint32_t ip;
	uint16_t port;
	uint32_t first;
	enum herald_sub_order order; /* HERALD_QUERY_TOP */
	uint32_t ranked;	     /* HERALD_QUERY_TOP: its *ranked */
	int rc; /* what herald_control_channel / _endpoint returned */
	struct herald_channel_info ci;
	struct herald_endpoint_info ei;
	union {
		struct herald_member_info members[HERALD_QUERY_PAGE];
		struct herald_epsub_info subs[HERALD_QUERY_PAGE];
		struct herald_endpoint_info top[HERALD_TOP_MAX];
		struct herald_channel_info top_ch[HERALD_TOP_MAX];
	};
};
/* Ask the control thread (waits up to a second): 0, or -ETIMEDOUT. */
int herald_control_ask(struct herald_query *q);
/* The control loop answers what was asked. */
void herald_control_serve_queries(void);

#endif /* HERALD_CONTROL_H */
