/* SPDX-License-Identifier: BSD-3-Clause
 * Publisher side of PROTOCOL.md section 6: allow-list, publisher sessions
 * (START, in-order acceptance, duplicates, unknown sessions) and PUBACKs.
 * Sessions live in a worker-private table: RSS keeps a publisher's
 * 5-tuple on one RX queue, hence one worker.
 */
#ifndef HERALD_PUBLISH_H
#define HERALD_PUBLISH_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_lpm.h>

#include "classify.h"
#include "herald.h"
#include "udp_out.h"

/* 16 bytes: rte_hash compares such keys with two vector loads. */
struct herald_pub_key {
	uint32_t publisher;
	uint32_t ip;
	uint16_t port;
	uint16_t pad[3];
};

struct herald_pub_session {
	struct herald_pub_key key;
	uint64_t last_accepted;
	struct rte_ether_addr mac; /* where its PUBACKs go */
	uint16_t rx_port;
	bool ack_pending;
	struct herald_udp_tmpl ack_tmpl; /* PUBACK headers, rebuilt on move */
};

int herald_publish_worker_init(struct herald_worker *w);
void herald_publish_worker_free(struct herald_worker *w);

/* Build the allow-list LPM from the config; NULL list = any. */
int herald_allow_init(void);
void herald_allow_free(void);

static inline bool
herald_publish_allowed(uint32_t src_ip)
{
	uint32_t hop;

	return herald.allow == NULL ||
	       rte_lpm_lookup(herald.allow, src_ip, &hop) == 0;
}

/*
 * Apply session rules to one PUBLISH frame. Returns FRAME_publish_accepted
 * (and *sess) when the frame is to be sequenced, or the outcome that
 * dropped it. PUBACKs are queued as the protocol requires.
 */
enum herald_frame_outcome
herald_publish_session(struct herald_worker *w, uint16_t rx_port,
		       const struct herald_rx_info *ri,
		       const struct hwp_frame *f, bool *unknown_acked,
		       struct herald_pub_session **sess);

/* Undo an acceptance that could not be completed (hand-off ring full):
 * the publisher resends from the PUBACK's acked_seq. */
void herald_publish_unaccept(struct herald_pub_session *s);

/* Send the PUBACKs owed for this burst. */
void herald_publish_flush_acks(struct herald_worker *w);

#endif /* HERALD_PUBLISH_H */
