/* SPDX-License-Identifier: BSD-3-Clause
 * What the workers and the control thread pass each other, and the one
 * control-plane table workers read (docs/CONTROL.md):
 *
 *   worker -> control  items: a SUBSCRIBE or UNSUBSCRIBE, as fields (the
 *                      mbuf is freed at once, so the RX pool never waits
 *                      for the control thread); two rings per worker,
 *                      one for endpoints that already hold a
 *                      subscription, one for the rest (a flood of bad
 *                      tokens from new sources cannot starve them)
 *   control -> owner   requests: send the OK SUBACK of a change once the
 *                      change is visible, with next_seq read at that
 *                      moment (the exact next_seq of PROTOCOL.md 6)
 *   control -> worker  packets the control thread built, for a port
 *                      without a TX queue of its own for it
 *   endpoints          (address, port) -> position: lock-free rte_hash,
 *                      written by the control thread, read by workers for
 *                      keep-alives; per-worker last-seen stamps by
 *                      position, swept by the control thread
 */
#ifndef HERALD_CTLQ_H
#define HERALD_CTLQ_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ether.h>

#include "dataplane/udp_out.h"
#include "hwp_wire.h"

/* A SUBSCRIBE or UNSUBSCRIBE a worker received (host byte order). */
struct herald_ctl_item {
	uint64_t channel;
	uint64_t from_seq;
	uint64_t expires;
	uint64_t rx_ns; /* receive time (capture time with --clock pcap) */
	uint32_t wseq;	/* the worker's count of items, mod 2^32: their
			 * order (herald_wseq_before) */
	/* Where the worker saw the endpoint's record live (ring 0). */
	uint32_t ep_pos;
	uint32_t subscriber;
	uint32_t src_ip;
	uint16_t src_port;
	uint16_t rx_port;
	uint8_t type;  /* HWP_T_SUBSCRIBE or HWP_T_UNSUBSCRIBE */
	uint8_t flags; /* the frame's (PASSIVE) */
	struct rte_ether_addr src_mac;
	uint8_t token[HWP_TOKEN_LEN];
	/* The endpoint record's generation when the worker saw it live
	 * (ring 0), 0 otherwise (ring 1). */
	uint32_t ep_gen;
} __rte_aligned(8);

/* A ring holds fewer than 2^31 items: serial-number order is exact. */
static inline bool
herald_wseq_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/* An OK SUBACK for the owner of the channel's slot to send. */
struct herald_ctl_req {
	/* Send once every change up to this table version is visible to
	 * the worker (0: at once); next_seq is read then. */
	uint64_t version;
	uint64_t channel;
	uint64_t rx_ns; /* the SUBSCRIBE's time: a new channel state's */
	/* A SUBSCRIBE's resume point (0: none): from_seq .. next_seq - 1
	 * follow the SUBACK from history (dataplane/nack.c). */
	uint64_t from_seq;
	uint32_t subscriber;
	uint16_t egress_port;
	uint8_t type; /* HWP_T_SUBSCRIBE or HWP_T_UNSUBSCRIBE */
	/* The channel had subscribers before this change: its sequence
	 * state may not be forgotten now, whatever its idleness. */
	uint8_t had_members;
	/* Ethernet, IPv4 and UDP headers to the endpoint (its member's, as
	 * the control thread built them): the owner only adds the frame. */
	struct herald_udp_tmpl tmpl;
	/* What the owner does with the endpoint's passive subscription
	 * (dataplane/passive.h) when it answers: HERALD_PASSIVE_*, on the
	 * control thread's id of that subscription. */
	uint32_t passive_id;
	uint8_t passive_op;
} __rte_aligned(8);

/* herald_ctl_req.type for a request that only changes passive state
 * (an expiry, an operator's removal): no SUBACK. */
#define HERALD_REQ_NO_SUBACK 0

/* herald_ctl_req.passive_op. */
enum {
	HERALD_PASSIVE_NONE = 0,
	HERALD_PASSIVE_ADD = 1, /* add, or refresh: pulses after next_seq */
	HERALD_PASSIVE_DEL = 2,
};

/* Sizes docs/CONTROL.md states (ring elements: multiples of 8). */
_Static_assert(sizeof(struct herald_ctl_item) == 96, "item: 96 bytes");
_Static_assert(sizeof(struct herald_ctl_req) == 104, "request: 104 bytes");

/* Ids of passive subscriptions: the control thread's, one per live one
 * plus one per removal waiting in the batch (an id is reused only once
 * its removal is in the owner's ring); each owner keeps its passive
 * entries by id (dataplane/passive.c). */
static inline uint32_t
herald_passive_id_space(uint32_t max_passive, uint32_t request_ring_size,
			unsigned int n_workers)
{
	return max_passive + request_ring_size * n_workers + 64;
}

/* Key of the endpoint table: host byte order, pad 0. */
struct herald_endpoint_key {
	uint32_t ip;
	uint16_t port;
	uint16_t pad;
};

/*
 * One endpoint, at its position in the endpoint table. Workers read
 * live (acquire: the rest is set before it), gen and mac; every other
 * field is the control thread's.
 */
struct herald_endpoint {
	uint32_t live; /* 1 while it holds a subscription */
	/* Which creation of the endpoint this record is (never 0): an
	 * item seen under an earlier one cannot settle it (items.c). */
	uint32_t gen;
	uint32_t first_sub; /* its subscriptions (control/plane.h) */
	uint64_t mac64;	    /* Ethernet address of its last SUBSCRIBE */
	uint64_t seen_ns;   /* its last SUBSCRIBE/UNSUBSCRIBE */
	uint32_t ip;
	uint16_t port;
	/* Workers whose ring of new endpoints held nothing older than one
	 * of its items (control/items.c): its items may overtake there. */
	uint16_t settled;
	uint32_t n_subs;    /* subscriptions */
	uint32_t n_network; /* of which from the network (liveness) */
} __rte_cache_aligned;

static inline uint64_t
herald_mac_to64(const struct rte_ether_addr *a)
{
	uint64_t v = 0;

	memcpy(&v, a->addr_bytes, RTE_ETHER_ADDR_LEN);
	return v;
}

static inline void
herald_mac_from64(uint64_t v, struct rte_ether_addr *a)
{
	memcpy(a->addr_bytes, &v, RTE_ETHER_ADDR_LEN);
}

#endif /* HERALD_CTLQ_H */
