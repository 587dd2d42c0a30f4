/* SPDX-License-Identifier: BSD-3-Clause
 * libherald-client: HWP/1 publishers and subscribers over kernel UDP
 * sockets (docs/CLIENT.md).
 *
 * Event-loop friendly and single-threaded: each endpoint owns one
 * non-blocking UDP socket (herald_*_fd, to poll for POLLIN), does its
 * work in herald_*_process(now), and says by herald_*_next_timeout(now)
 * when it wants to be called again at the latest. Nothing blocks, and
 * the library starts no threads. Times are nanoseconds of one monotonic
 * clock the application chooses (herald_now() gives CLOCK_MONOTONIC).
 *
 * Functions that can fail return 0 (or a count) on success and a
 * negative errno value on failure; they set no global state.
 */
#ifndef HERALD_CLIENT_H
#define HERALD_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HERALD_CLIENT_VERSION_MAJOR 0
#define HERALD_CLIENT_VERSION_MINOR 1

/* "0.1.0": the library's version (may differ from the header's). */
const char *herald_client_version(void);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t herald_now(void);

/*
 * Seeded impairment of one endpoint's traffic, for tests (as Aeron's
 * loss generators): each datagram received (rx_*) or sent (tx_*) is
 * dropped with probability loss, else delivered twice with probability
 * dup, and held back behind the next few datagrams with probability
 * reorder. All zero (the default): no impairment, no cost.
 */
struct herald_impair {
	uint64_t seed;
	double rx_loss, rx_dup, rx_reorder;
	double tx_loss, tx_dup, tx_reorder;
};

/* Counters of one endpoint's impairment hook. */
struct herald_impair_stats {
	uint64_t rx_dropped, rx_duplicated, rx_reordered;
	uint64_t tx_dropped, tx_duplicated, tx_reordered;
};

/* ---------------------------------------------------------------- */
/* Publisher                                                          */
/* ---------------------------------------------------------------- */

struct herald_pub_config {
	/* Herald's IPv4 address ("198.18.0.1") and port (0: 7700). */
	const char *server;
	uint16_t server_port;
	/* Local address and port to bind (NULL / 0: any, ephemeral). */
	const char *bind_addr;
	uint16_t bind_port;
	/* Largest UDP payload to send (0: 1472, a 1500-byte MTU). Several
	 * PUBLISH frames share a datagram up to this size. */
	uint32_t max_datagram;
	/* Frames kept until acknowledged (0: 4096). herald_pub_send
	 * refuses with -EAGAIN when that many are unacknowledged. */
	uint32_t window;
	/* Frames sent past acked_seq before the first PUBACK tells the
	 * credit (0: 64). */
	uint32_t initial_credit;
	/* First resend of unacknowledged frames after this long without
	 * progress (0: 20 ms), doubling to at most max (0: 1 s). */
	uint64_t resend_ns, resend_max_ns;
	/* How long a datagram may wait to be filled (0: 0, sent at the
	 * next herald_pub_process / herald_pub_flush). */
	uint64_t linger_ns;
	/* Publisher session id; 0: a fresh random one (PROTOCOL.md 6:
	 * draw one per session). */
	uint32_t publisher_id;
	struct herald_impair impair;
};

struct herald_pub_stats {
	uint64_t sent;	      /* messages accepted by herald_pub_send */
	uint64_t acked;	      /* of those, acknowledged by Herald */
	uint64_t frames_sent; /* PUBLISH frames sent, resends included */
	uint64_t datagrams_sent;
	uint64_t resends;	/* PUBLISH frames sent again (go-back-N) */
	uint64_t fast_resends;	/* go-backs on 3 duplicate PUBACKs (before
				   the resend timer) */
	uint64_t pubacks;	/* PUBACK frames received */
	uint64_t sessions;	/* sessions opened (1 + restarts) */
	uint64_t credit_stalls; /* process calls that had frames to send and
				   no credit */
	uint64_t rx_invalid;	/* datagrams from Herald that did not parse */
	uint32_t credit;	/* last credit Herald gave */
	uint32_t instance_epoch;
	uint32_t publisher_id;
	struct herald_impair_stats impair;
};

enum herald_pub_event_type {
	/* Every message with id <= ev->msg_id is acknowledged. */
	HERALD_PUB_ACKED = 1,
	/* A new session (new publisher id) was opened: Herald restarted
	 * (new instance epoch), or forgot or rejected the old session.
	 * Unacknowledged messages are resent in the new session, so
	 * nothing acknowledged or pending is lost; messages the old
	 * instance acknowledged but had not delivered may be (subscribers
	 * see a channel reset). */
	HERALD_PUB_SESSION_RESTARTED,
};

struct herald_pub_event {
	enum herald_pub_event_type type;
	uint64_t msg_id;	 /* ACKED */
	uint32_t publisher_id;	 /* the session's id (new one on restart) */
	uint32_t instance_epoch; /* Herald's, from its PUBACKs */
};

typedef void (*herald_pub_event_cb)(void *arg,
				    const struct herald_pub_event *ev);

struct herald_pub;

/* Creates the socket and the session (no packet sent yet). NULL with
 * errno set on failure. cb may be NULL. */
struct herald_pub *herald_pub_new(const struct herald_pub_config *cfg,
				  herald_pub_event_cb cb, void *cb_arg);
void herald_pub_free(struct herald_pub *p);
int herald_pub_fd(const struct herald_pub *p);

/*
 * Queue one message (0 to 1400 bytes, copied) for channel (!= 0). Returns
 * its id (1, 2, ... in send order across sessions; acknowledged in that
 * order), -EAGAIN if the window is full (call herald_pub_process and try
 * again), -EINVAL for a bad channel or size. It leaves at the next
 * process/flush, batched with the others, as credit allows.
 */
int64_t herald_pub_send(struct herald_pub *p, uint64_t channel,
			const void *payload, size_t len);
/* Send what credit allows now, without waiting for linger. */
int herald_pub_flush(struct herald_pub *p, uint64_t now);
/* Read PUBACKs, send and resend as due. Returns 0 or -errno. */
int herald_pub_process(struct herald_pub *p, uint64_t now);
/* Nanoseconds until process is due (0: now; UINT64_MAX: only on POLLIN). */
uint64_t herald_pub_next_timeout(const struct herald_pub *p, uint64_t now);
/* Messages queued or sent but not yet acknowledged. */
uint32_t herald_pub_pending(const struct herald_pub *p);
void herald_pub_get_stats(const struct herald_pub *p,
			  struct herald_pub_stats *st);

/* ---------------------------------------------------------------- */
/* Subscriber                                                         */
/* ---------------------------------------------------------------- */

struct herald_sub_config {
	const char *server;
	uint16_t server_port;
	const char *bind_addr;
	uint16_t bind_port;
	/* Subscriber session id (0: a fresh random one). Tokens bind it. */
	uint32_t subscriber_id;
	/* Keep-alive HEARTBEAT period (0: 1 s, PROTOCOL.md 6 Liveness). */
	uint64_t keepalive_ns;
	/* Herald presumed gone after this long without an answer to
	 * keep-alives (0: 5 s): HERALD_SUB_SERVER_LOST. */
	uint64_t server_timeout_ns;
	/* A NACK waits a random time in [0, nack_delay] after a gap is seen
	 * (0: 100 us) so reordering settles; unanswered, it is repeated
	 * after nack_retry (0: 20 ms), doubling to nack_retry_max (0: 1 s). */
	uint64_t nack_delay_ns, nack_retry_ns, nack_retry_max_ns;
	/* Out-of-order messages buffered per channel (0: 16384). Further
	 * ones are dropped and recovered by NACK later. */
	uint32_t reorder_window;
	/* Socket receive buffer in bytes (0: 8 MiB; past net.core.rmem_max
	 * only with CAP_NET_ADMIN). What arrives while the application does
	 * not read beyond it is lost, and repaired by NACK. */
	uint32_t rcvbuf;
	/* true: no UDP_GRO. By default the socket asks the kernel to hand
	 * over runs of same-size datagrams of its flow in one read (where
	 * the NIC or veth does GRO), split again here. */
	bool no_udp_gro;
	/* SUBSCRIBE resent while unanswered after this long (0: 200 ms),
	 * doubling, up to subscribe_tries times (0: 8). */
	uint64_t subscribe_retry_ns;
	uint32_t subscribe_tries;
	struct herald_impair impair;
};

enum herald_sub_event_type {
	/* A message, in seq order, exactly once per (channel, epoch, seq).
	 * payload is valid until the callback returns. */
	HERALD_SUB_MESSAGE = 1,
	/* Herald answered a SUBSCRIBE/UNSUBSCRIBE: status (HWP_SUBACK_*),
	 * next_seq, epoch. A failed one is not retried. */
	HERALD_SUB_SUBACK,
	/* Messages from_seq .. from_seq + count - 1 are lost for good
	 * (Herald's GAP, or a SUBSCRIBE retry gave up); delivery goes on
	 * after them. */
	HERALD_SUB_GAP,
	/* The channel's epoch changed (Herald forgot or recreated its
	 * state): seqs restart; messages of the old epoch after
	 * last_seq may be lost. */
	HERALD_SUB_RESET,
	/* Passive pulse: the channel's last seq is seq. */
	HERALD_SUB_PULSE,
	/* No answer to a SUBSCRIBE after every try. */
	HERALD_SUB_SUBSCRIBE_TIMEOUT,
	/* Keep-alive answers stopped (server_timeout). */
	HERALD_SUB_SERVER_LOST,
	/* A keep-alive answer showed a new instance epoch: Herald
	 * restarted. The library subscribes every channel again with the
	 * token it holds (it also does so when keep-alives go unanswered
	 * for 2.5 periods, since a restarted Herald answers nobody it
	 * holds no subscription of), reports each channel's RESET, and
	 * fetches the new epochs from seq 1 as far as Herald's history
	 * goes (GAP for the rest). */
	HERALD_SUB_SERVER_RESTARTED,
};

struct herald_sub_event {
	enum herald_sub_event_type type;
	uint64_t channel;
	uint64_t seq;	   /* MESSAGE: its seq; PULSE: last seq; SUBACK:
			      next_seq; RESET: last seq delivered in the
			      old epoch */
	uint64_t from_seq; /* GAP */
	uint32_t count;	   /* GAP */
	uint32_t epoch;	   /* the channel's (instance epoch for SERVER_*) */
	uint32_t old_epoch;
	uint8_t status;	       /* SUBACK */
	uint8_t retransmitted; /* MESSAGE arrived as a RETRANSMIT */
	uint32_t publisher;    /* MESSAGE */
	uint64_t timestamp;    /* MESSAGE: Herald's receive time (ns) */
	const void *payload;   /* MESSAGE */
	uint32_t len;
};

typedef void (*herald_sub_event_cb)(void *arg,
				    const struct herald_sub_event *ev);

struct herald_sub_stats {
	uint64_t delivered;   /* MESSAGE events */
	uint64_t delivers_rx; /* DELIVER frames received */
	uint64_t retransmits_rx;
	uint64_t duplicates;   /* DELIVERs already delivered or buffered */
	uint64_t buffered;     /* out-of-order DELIVERs held */
	uint64_t window_drops; /* past reorder_window: left to NACK */
	uint64_t nacks_sent;   /* NACK frames */
	uint64_t nacked_seqs;  /* seqs asked for */
	uint64_t gaps;	       /* GAP events */
	uint64_t gap_seqs;     /* seqs declared lost */
	uint64_t resets;       /* RESET events */
	uint64_t heartbeats_rx;
	uint64_t keepalives_sent;
	uint64_t resubscribes; /* every channel subscribed again: Herald was
				  silent, or restarted */
	uint64_t rx_invalid;
	uint64_t rx_coalesced; /* datagrams that came in UDP_GRO runs */
	uint32_t instance_epoch;
	uint32_t subscriber_id;
	struct herald_impair_stats impair;
};

struct herald_sub;

struct herald_sub *herald_sub_new(const struct herald_sub_config *cfg,
				  herald_sub_event_cb cb, void *cb_arg);
void herald_sub_free(struct herald_sub *s);
int herald_sub_fd(const struct herald_sub *s);
/* The local address and port the socket is bound to (host order): what
 * a token binds (PROTOCOL.md 5). */
int herald_sub_local(const struct herald_sub *s, uint32_t *addr,
		     uint16_t *port);
uint32_t herald_sub_id(const struct herald_sub *s);

#define HERALD_SUB_PASSIVE 0x1u

struct herald_sub_request {
	uint64_t channel;
	unsigned int flags; /* HERALD_SUB_PASSIVE: pulses only */
	/* 0: from the next message. k: resume at seq k of the channel
	 * (after the application restarted: the last seq it processed plus
	 * one), from Herald's history; what is gone comes as a GAP. */
	uint64_t from_seq;
	/* The channel epoch from_seq belongs to (0: the current one). If
	 * Herald's differs, the channel was reset: a RESET event, then
	 * everything of the new epoch Herald still holds. */
	uint32_t epoch;
	/* Token (PROTOCOL.md 5) and its expiry (Unix seconds). */
	uint64_t expires;
	uint8_t token[32];
};

/*
 * Subscribe (or change a subscription: active <-> passive, resume). The
 * SUBSCRIBE is resent until Herald answers (HERALD_SUB_SUBACK). The
 * library keeps the token to resubscribe by itself after Herald
 * restarts. -EINVAL: channel 0; -ENOSPC: no memory for another channel.
 */
int herald_sub_subscribe(struct herald_sub *s,
			 const struct herald_sub_request *req);
/* UNSUBSCRIBE with the channel's token; the channel is forgotten (no more
 * events) once Herald answers, or after the tries. -ENOENT: not held. */
int herald_sub_unsubscribe(struct herald_sub *s, uint64_t channel);
int herald_sub_process(struct herald_sub *s, uint64_t now);
uint64_t herald_sub_next_timeout(const struct herald_sub *s, uint64_t now);
void herald_sub_get_stats(const struct herald_sub *s,
			  struct herald_sub_stats *st);
/* Last seq delivered on channel (0: none, or not subscribed). */
uint64_t herald_sub_last_seq(const struct herald_sub *s, uint64_t channel);

#ifdef __cplusplus
}
#endif

#endif /* HERALD_CLIENT_H */
