/* SPDX-License-Identifier: BSD-3-Clause
 * libherald-client internals: the subscriber's channels.
 *
 * Per channel, next (the next seq the application gets) and high (the
 * highest seq known to exist: from DELIVERs, GAPs and HEARTBEATs). Seqs
 * in (next, next + window) that arrive early wait in a ring indexed by
 * seq % window, copied; a slot may also hold "lost" (a GAP said so).
 * Holes in [next, high] are NACKed after a short random delay, then
 * again with backoff while no progress is made.
 */
#ifndef HC_SUB_PRIV_H
#define HC_SUB_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "hc_udp.h"

static inline uint64_t
hc_min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

enum chan_state {
	CH_FREE = 0,
	CH_SUBSCRIBING,	  /* SUBSCRIBE sent, no SUBACK yet */
	CH_LIVE,	  /* subscribed (active or passive) */
	CH_UNSUBSCRIBING, /* UNSUBSCRIBE sent */
};

struct sub_msg {
	uint32_t publisher;
	uint32_t len;
	uint64_t timestamp;
	uint8_t retransmitted;
	uint8_t data[];
};

/* A ring slot: empty (seq 0), a message waiting, or a lost seq. */
#define SLOT_LOST ((struct sub_msg *)1)
struct sub_slot {
	uint64_t seq;
	struct sub_msg *msg;
};

struct sub_chan {
	uint64_t channel;
	enum chan_state state;
	bool passive;		       /* as Herald last confirmed */
	bool want_passive;	       /* as the pending SUBSCRIBE asks */
	bool synced;		       /* next is known (a SUBACK came) */
	struct herald_sub_request req; /* token etc. for (re)subscribing */

	uint32_t epoch;	       /* channel epoch (0: none yet) */
	uint32_t old_epoch;    /* the one before: its late frames are ignored */
	uint64_t next;	       /* next seq for the application */
	uint64_t high;	       /* highest seq known to exist */
	uint64_t pulse_seq;    /* passive: last seq reported */
	struct sub_slot *ring; /* window slots, allocated on first need */
	uint32_t n_buffered;

	/* NACKs (sub_chan.c nack_arm): the next one due (0: none), when all
	 * holes are asked again, the backoff, next at the last full NACK,
	 * the highest seq asked for, a fresh NACK scheduled. */
	uint64_t nack_at, retry_at, nack_wait, nack_next_seen, nacked_upto;
	bool fresh_pending;
	/* SUBSCRIBE/UNSUBSCRIBE resend. */
	uint64_t ctl_at, ctl_wait;
	uint32_t ctl_tries;
};

struct herald_sub {
	struct hc_udp udp;
	struct herald_sub_config cfg;
	herald_sub_event_cb cb;
	void *cb_arg;
	uint32_t id;
	uint64_t rng;

	/* Channels (each allocated alone: pointers stay valid while the
	 * array grows) and an open-addressing index by channel whose
	 * entries are array positions + 1 (0: empty). */
	struct sub_chan **chans;
	uint32_t n_chans, cap_chans;
	uint32_t *index;
	uint32_t index_cap; /* power of two, > 2 * n_chans */

	uint32_t instance_epoch;
	uint64_t keepalive_at; /* next keep-alive */
	uint64_t last_answer;  /* last keep-alive answer */
	bool server_lost;
	bool resubscribed;	  /* since the last keep-alive answer */
	uint64_t resubscribed_at; /* last time silence made us */
	uint64_t now;		  /* of the process call under way */
	/* NACK frames waiting for a datagram. */
	uint8_t *ctl_dg;
	unsigned int ctl_used;
	struct herald_sub_stats st;
};

/* sub_chan.c: ordering, buffering, gaps and NACKs of one channel. */
void chan_on_deliver(struct herald_sub *s, struct sub_chan *c,
		     const struct hwp_frame *f);
void chan_on_gap(struct herald_sub *s, struct sub_chan *c,
		 const struct hwp_gap *g);
void chan_on_heartbeat(struct herald_sub *s, struct sub_chan *c,
		       const struct hwp_heartbeat *hb);
/* The channel's seqs restart (new epoch); RESET event. */
void chan_reset(struct herald_sub *s, struct sub_chan *c, uint32_t epoch);
/* SUBACK OK of a SUBSCRIBE: next, epoch, the buffered ones settled. */
void chan_synced(struct herald_sub *s, struct sub_chan *c, uint64_t next_seq,
		 uint32_t epoch);
void chan_nack_due(struct herald_sub *s, struct sub_chan *c);
void chan_release(struct sub_chan *c);
/* Is epoch one to ignore (a retired one's late frame)? true: drop. */
bool chan_epoch_check(struct herald_sub *s, struct sub_chan *c, uint32_t epoch);

/* sub.c */
void sub_emit(struct herald_sub *s, const struct herald_sub_event *ev);
/* Room for one control frame (NACK, SUBSCRIBE, HEARTBEAT) of len bytes. */
uint8_t *sub_ctl_frame(struct herald_sub *s, unsigned int len);

#endif /* HC_SUB_PRIV_H */
