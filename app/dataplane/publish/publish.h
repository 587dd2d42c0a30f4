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
#include <rte_seqcount.h>

#include "dataplane/classify.h"
#include "dataplane/lru.h"
#include "dataplane/udp_out.h"
#include "runtime/runtime.h"

/* 16 bytes: rte_hash compares such keys with two vector loads. */
struct herald_pub_key {
	uint32_t publisher;
	uint32_t ip;
	uint16_t port;
	uint16_t pad[3];
};

/* A session's figures for the top-N view (publish/top.c), read by
 * other threads: what opens a session or starts a rate window is
 * written inside the seqcount, so a reader's copy is whole; the
 * refusal counts are single words, written only by the worker. */
struct herald_pub_stats {
	rte_seqcount_t sc;
	uint64_t base_seq;	    /* pub_seq before its START */
	uint64_t opened_ns;	    /* worker clock */
	uint64_t win_ns, win_seq;   /* this rate window's start */
	uint64_t prev_ns, prev_seq; /* the previous window's start */
	uint64_t duplicates, ahead, over_credit; /* frames refused */
};

/* A rate window: 2^30 ns, about a second. */
#define HERALD_PUB_WINDOW_SHIFT 30

/* key.publisher 0 (never valid on the wire): a free entry. */
struct herald_pub_session {
	struct herald_pub_key key;
	uint64_t last_accepted;
	/* The last pub_seq it may send: acked_seq + credit of its last
	 * PUBACK (UINT64_MAX: publisher_credit 0, no enforcement). */
	uint64_t credit_limit;
	uint64_t last_seen_ns;	   /* worker clock of its last frame */
	struct rte_ether_addr mac; /* where its PUBACKs go */
	uint16_t rx_port;
	bool ack_pending;
	/* clock_ns >> HERALD_PUB_WINDOW_SHIFT when its rate window began:
	 * on the first cache line, which the PUBACK reads anyway. */
	uint32_t win_tick;
	struct herald_lru_node lru;
	struct herald_udp_tmpl ack_tmpl; /* PUBACK headers, rebuilt on move */
	/* Third cache line: for show top publishers only. */
	struct herald_pub_stats st __rte_cache_aligned;
};

/* One datagram's PUBLISH frames share these. */
struct herald_publish_dgram {
	uint16_t port;
	struct rte_mbuf *m;
	const struct herald_rx_info *ri;
	uint64_t rx_ns; /* receive time (capture time with --clock pcap) */
	bool whole;	/* one frame: its message is the mbuf itself */
	int allowed;	/* allow-list verdict, -1 until needed */
	bool m_taken;	/* m now belongs to a message */
	/* Unknown sessions of this datagram already told to resend with
	 * START (one PUBACK 0 each); past PD_UNKNOWN_MAX distinct ids the
	 * rest are answered per frame, which still never sends more bytes
	 * than the frames took. */
	uint8_t n_unknown;
	uint32_t unknown[8];
};

#define PD_UNKNOWN_MAX 8

/* A live publisher session as the top-N view gives it. */
struct herald_publisher_info {
	uint32_t publisher;
	uint32_t ip;
	uint16_t port;
	uint16_t worker;
	uint64_t messages;			 /* taken since its START */
	uint64_t last_accepted;			 /* its acked_seq */
	uint64_t duplicates, ahead, over_credit; /* frames refused */
	double rate;				 /* messages/s, last 1 to 2 s */
	double age_s;				 /* since its START */
	double silent_s;			 /* since its last frame */
};

enum herald_pub_order {
	HERALD_PUB_BY_RATE,	  /* every live session, busiest first */
	HERALD_PUB_BY_DUPLICATES, /* those that sent duplicates, most first */
};

/* From any thread (the workers are not stopped): up to max live
 * sessions of every worker in order; returns how many, *total gets how
 * many qualified (live sessions; with duplicates for that order). */
uint32_t herald_publish_top(struct herald_publisher_info *top, uint32_t max,
			    enum herald_pub_order order, uint32_t *total);

/* Entries of a worker's session table (and of lc->sess). */
static inline uint32_t
herald_pub_session_entries(const struct herald_lcore *lc)
{
	return RTE_MAX(lc->conf.max_publisher_sessions,
		       HERALD_HASH_MIN_ENTRIES);
}

int herald_publish_lcore_init(struct herald_lcore *lc);
void herald_publish_lcore_free(struct herald_lcore *lc);

/* Build the allow-list LPM from the config; no list = any. */
int herald_allow_init(void);
void herald_allow_free(void);

/* One PUBLISH frame of a valid datagram: its outcome. Accepted frames
 * are steered to their owner; PUBACKs are queued as PROTOCOL.md says. */
enum herald_frame_outcome herald_publish_frame(struct herald_lcore *lc,
					       struct herald_publish_dgram *pd,
					       const struct hwp_frame *f);

/* Send the PUBACKs owed for this burst. */
void herald_publish_flush_acks(struct herald_lcore *lc);

/* ---- internal to publish/ ---- */
/* Fill and queue one PUBACK from a ready header template. */
void herald_puback_send(struct herald_lcore *lc, uint16_t port,
			const struct herald_udp_tmpl *t, uint32_t publisher,
			uint64_t acked_seq, uint32_t credit);
/* The credit a PUBACK gives now (dataplane/publish/puback.c). */
uint32_t herald_publish_credit(const struct herald_lcore *lc);
/* A session's PUBACK with credit, which it may now use. */
void herald_puback_session(struct herald_lcore *lc,
			   struct herald_pub_session *s, uint32_t credit);
/* The limit a session starts with (before any PUBACK): the configured
 * credit beyond the pub_seq before its START. */
static inline uint64_t
herald_credit_limit(const struct herald_lcore *lc, uint64_t acked,
		    uint32_t credit)
{
	return lc->conf.publisher_credit == 0 ? UINT64_MAX : acked + credit;
}
/* Headers of the PUBACKs to a publisher endpoint. */
void herald_puback_tmpl(const struct herald_lcore *lc,
			struct herald_udp_tmpl *t, uint16_t port,
			const struct rte_ether_addr *mac, uint32_t ip,
			uint16_t udp_port);

/* The slow path of herald_session_lookup (hash lookup, expiry). */
struct herald_pub_session *
herald_session_lookup_slow(struct herald_lcore *lc,
			   const struct herald_pub_key *k);

static inline unsigned int
herald_sess_cache_index(const struct herald_pub_key *k)
{
	return (k->publisher * 0x9e3779b1u ^ k->ip ^ k->port) &
	       (HERALD_SESS_CACHE - 1);
}

static inline bool
herald_session_silent(const struct herald_lcore *lc,
		      const struct herald_pub_session *s)
{
	return lc->clock_ns - s->last_seen_ns > lc->conf.session_timeout_ns &&
	       lc->clock_ns > s->last_seen_ns;
}

/* The live session of key at the worker's clock, or NULL (a session
 * silent for the session timeout is forgotten here). The cache hit is
 * inline: the hot path of every PUBLISH. */
static inline struct herald_pub_session *
herald_session_lookup(struct herald_lcore *lc, const struct herald_pub_key *k)
{
	struct herald_pub_session *s =
		lc->sess_cache[herald_sess_cache_index(k)];

	/* A closed entry has publisher 0, which no key carries. */
	if (likely(s != NULL && s->key.publisher == k->publisher &&
		   s->key.ip == k->ip && s->key.port == k->port &&
		   !herald_session_silent(lc, s)))
		return s;
	return herald_session_lookup_slow(lc, k);
}

/* Whether a session from source ip may be opened now:
 * FRAME_publish_accepted, or publish_session_full / publish_source_limit. */
enum herald_frame_outcome herald_session_room(struct herald_lcore *lc,
					      uint32_t ip);
/* A new session for key, reached through rx_port from mac, whose frames
 * start after pub_seq base, once herald_session_room said yes; NULL
 * only if the hash refuses. */
struct herald_pub_session *herald_session_open(struct herald_lcore *lc,
					       const struct herald_pub_key *k,
					       uint16_t rx_port,
					       const struct rte_ether_addr *mac,
					       uint64_t base);
/* s is session k, its figures counted from pub_seq base
 * (publish/top.c): one seqcount section, so that a reader's copy of a
 * reused entry is the old session or the new one, never a mix. */
void herald_pub_stats_reset(struct herald_lcore *lc,
			    struct herald_pub_session *s,
			    const struct herald_pub_key *k, uint64_t base);
/* Slow path of herald_pub_window: a new rate window (publish/top.c). */
void herald_pub_window_roll(struct herald_lcore *lc,
			    struct herald_pub_session *s);
/* Once per PUBACK: about every second s starts a new rate window. */
static inline void
herald_pub_window(struct herald_lcore *lc, struct herald_pub_session *s)
{
	if (unlikely((uint32_t)(lc->clock_ns >> HERALD_PUB_WINDOW_SHIFT) !=
		     s->win_tick))
		herald_pub_window_roll(lc, s);
}
/* Forget s (expired, or its opening frame could not be taken). */
void herald_session_close(struct herald_lcore *lc,
			  struct herald_pub_session *s);
/* Forget sessions silent for the session timeout, at most budget of them
 * (UINT32_MAX: all); returns how many. */
unsigned int herald_session_expire(struct herald_lcore *lc, uint32_t budget);
/* A frame of session s at the worker's clock: it is alive. */
static inline void
herald_session_touch(struct herald_lcore *lc, struct herald_pub_session *s)
{
	s->last_seen_ns = lc->clock_ns;
	herald_lru_touch(&lc->sess_lru, lc->sess, (uint32_t)(s - lc->sess), lru,
			 lc->clock_ns, lc->conf.session_timeout_ns);
}
/* Slow path of herald_session_track_path: a new port or MAC. */
void herald_session_move(struct herald_lcore *lc, struct herald_pub_session *s,
			 uint16_t rx_port, const struct rte_ether_addr *mac);

/* The publisher may come back through another port or router. */
static inline void
herald_session_track_path(struct herald_lcore *lc, struct herald_pub_session *s,
			  uint16_t rx_port, const struct rte_ether_addr *mac)
{
	if (unlikely(s->rx_port != rx_port ||
		     !rte_is_same_ether_addr(&s->mac, mac)))
		herald_session_move(lc, s, rx_port, mac);
}

/* Owe session s a PUBACK at the end of the burst. */
static inline void
herald_puback_queue(struct herald_lcore *lc, struct herald_pub_session *s)
{
	if (s->ack_pending)
		return;
	if (unlikely(lc->n_ack == HERALD_ACKS_PER_BURST))
		herald_publish_flush_acks(lc);
	s->ack_pending = true;
	lc->ack_list[lc->n_ack++] = s;
}

#endif /* HERALD_PUBLISH_H */
