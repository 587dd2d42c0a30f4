/* SPDX-License-Identifier: BSD-3-Clause
 * The subscriber side of the data plane (internal to it): frames from
 * subscribers on the receiving worker (subscribe.c), and the OK SUBACKs
 * the owner of a channel's slot sends when a change becomes visible to
 * it (suback.c, PROTOCOL.md 6: the exact next_seq).
 */
#ifndef HERALD_DP_SUBSCRIBE_H
#define HERALD_DP_SUBSCRIBE_H

#include <stdint.h>

#include "control/ctlq.h"
#include "dataplane/classify.h"
#include "runtime/runtime.h"

/* SUBSCRIBE / UNSUBSCRIBE items of one datagram staged for one burst
 * enqueue: the ring's shared head and tail lines move once per
 * datagram, not once per frame. */
#define HERALD_SD_STAGE 16

/* What the subscriber frames of one datagram share. */
struct herald_subscriber_dgram {
	uint16_t port;
	const struct herald_rx_info *ri;
	uint64_t rx_ns;
	/* The source's endpoint position if it holds a subscription, -1
	 * if not, HERALD_EP_UNKNOWN until a frame needs it: looked up once
	 * per datagram (its frames share the source; a position cannot be
	 * reused inside the burst's read-side critical section). */
	int32_t ep_pos;
	unsigned int n_items; /* staged in items (counted as queued) */
	struct herald_ctl_item items[HERALD_SD_STAGE];
};

#define HERALD_EP_UNKNOWN (-2)

/* Enqueue the datagram's staged items; those the ring refuses move from
 * FRAME_subscribe_queued to FRAME_control_ring_full. */
void herald_subscribe_flush(struct herald_lcore *lc,
			    struct herald_subscriber_dgram *sd);

/* One frame of a valid datagram: its outcome. */
enum herald_frame_outcome
herald_subscribe_frame(struct herald_lcore *lc,
		       struct herald_subscriber_dgram *sd,
		       const struct hwp_frame *f);
enum herald_frame_outcome
herald_heartbeat_frame(struct herald_lcore *lc,
		       struct herald_subscriber_dgram *sd,
		       const struct hwp_frame *f);
enum herald_frame_outcome herald_nack_frame(struct herald_lcore *lc,
					    struct herald_subscriber_dgram *sd,
					    const struct hwp_frame *f);

/* Answer every request whose change this worker can see, now that it
 * sees every change up to version (a lookup's, or the published one). */
/* Returns the requests answered. */
unsigned int herald_suback_catch_up(struct herald_lcore *lc, uint64_t version);

/*
 * Once per iteration: requests whose change is published, and the
 * control thread's packets for ports without its queue. Returns the
 * work done (0: idle).
 */
unsigned int herald_suback_poll(struct herald_lcore *lc);

#endif /* HERALD_DP_SUBSCRIBE_H */
