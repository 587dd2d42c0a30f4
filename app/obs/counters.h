/* SPDX-License-Identifier: BSD-3-Clause
 * Per-worker counters, declared once (X-macros: name and help) and
 * counted by name. The same tables name them in "show", the JSON, the
 * telemetry and docs/COUNTERS.md.
 *
 * Conservation, checked by every test that runs herald:
 *   rx_packets       = sum(non-HWP reasons) + sum(invalid reasons)
 *                      + rx_datagrams_valid + rx_jumbo_nombuf
 *   rx_frames        = sum(frame outcomes)
 *   publish_accepted = messages_sequenced + channel_table_full
 *                      (all workers, + hand-offs in flight: 0 at exit)
 *   deliveries + pubacks + subacks + keepalives + control_sent
 *   + retransmits + gaps + heartbeats = tx_packets + tx_dropped
 *   nack_accepted    = nacks = sum(nack_* verdicts) (at exit)
 * and of the control thread (HERALD_CONTROL_COUNTERS), at exit:
 *   subscribe_queued = items = sum(item outcomes)
 *   subscribed + refreshed + unsubscribed = subacks_requested
 *                    = subacks + subacks_nombuf (workers)
 *   sum(failed outcomes) = fail_replies + fail_replies_limited
 *                          + fail_replies_nombuf
 *   fail_replies     = tx_packets + tx_dropped + tx_forwarded
 *   tx_forwarded     = control_sent (workers)
 */
#ifndef HERALD_COUNTERS_H
#define HERALD_COUNTERS_H

#include <stdint.h>

#include <rte_common.h>

#include "herald_const.h"
#include "hwp.h"

/* Packets that are not HWP at all (section 4, last paragraph). */
#define HERALD_NONHWP_REASONS(X)                                               \
	X(not_ipv4, "not IPv4 (ARP, IPv6, VLAN, ...)")                         \
	X(not_udp, "IPv4 but not UDP")                                         \
	X(other_address, "UDP to another IPv4 destination")                    \
	X(other_port, "UDP to another port")                                   \
	X(ip_options, "IPv4 header with options")                              \
	X(ip_fragment, "IPv4 fragment")                                        \
	X(bad_ip_checksum, "IPv4 header checksum wrong")                       \
	X(bad_ip_length, "IPv4 lengths inconsistent with the frame")           \
	X(bad_udp_length, "UDP length inconsistent with IPv4")                 \
	X(bad_udp_checksum, "UDP checksum wrong")                              \
	X(segmented, "deprecated, always 0: multi-segment datagrams are "      \
		     "taken now (rx_linearized) or counted over_mtu")          \
	X(source_mac_group,                                                    \
	  "Ethernet source is a group address: unanswerable")                  \
	X(source_ip_not_unicast,                                               \
	  "source IPv4 0/8, 127/8, 224/4 or above: unanswerable")              \
	X(source_ip_own, "source IPv4 is Herald's own address: unanswerable")  \
	X(source_port_zero, "source UDP port 0: unanswerable")                 \
	X(over_mtu, "frame in several segments longer than the mtu")

enum herald_nonhwp {
#define X_ENUM(name, help) NONHWP_##name,
	HERALD_NONHWP_REASONS(X_ENUM)
#undef X_ENUM
		NONHWP__COUNT
};

/* Outcome of every frame of a valid datagram: exactly one each. */
#define HERALD_FRAME_OUTCOMES(X)                                               \
	X(publish_accepted, "PUBLISH accepted and sequenced (or handed off)")  \
	X(publish_duplicate, "PUBLISH with pub_seq already accepted")          \
	X(publish_ahead, "PUBLISH ahead of the next expected pub_seq")         \
	X(publish_over_credit, "PUBLISH past acked_seq + credit of the "       \
			       "session's last PUBACK: dropped, not "          \
			       "acknowledged")                                 \
	X(publish_unknown_session, "PUBLISH without START, no session")        \
	X(publish_not_allowed, "PUBLISH from outside the allow-list")          \
	X(publish_session_full, "START but the session table is full")         \
	X(publish_handoff_full, "owner lcore's hand-off ring full")            \
	X(publish_nombuf, "no indirect mbuf for a batched PUBLISH")            \
	X(control_unhandled,                                                   \
	  "deprecated, always 0: NACKs are handled now (nack_*)")              \
	X(publish_source_limit,                                                \
	  "START but the source address holds max_sessions_per_source")        \
	X(publish_channel_full,                                                \
	  "new channel but the owner's channel table is full (unacked)")       \
	X(subscribe_queued,                                                    \
	  "SUBSCRIBE/UNSUBSCRIBE passed to the control thread")                \
	X(control_ring_full,                                                   \
	  "SUBSCRIBE/UNSUBSCRIBE dropped: the control thread's ring is full "  \
	  "(unanswered; the subscriber retries)")                              \
	X(keepalive_answered,                                                  \
	  "keep-alive (HEARTBEAT channel 0) of a live endpoint: answered")     \
	X(keepalive_not_live, "keep-alive of an endpoint without "             \
			      "subscription: dropped unanswered")              \
	X(heartbeat_channel,                                                   \
	  "subscriber HEARTBEAT on a channel other than 0: "                   \
	  "keeps its endpoint alive, not answered")                            \
	X(nack_accepted, "NACK of an endpoint with a subscription, given to "  \
			 "the channel's owner (its verdict: nacks_*)")         \
	X(nack_not_live, "NACK of an endpoint without any subscription: "      \
			 "dropped unanswered")                                 \
	X(nack_handoff_full, "NACK dropped: the owner's NACK ring is full")

enum herald_frame_outcome {
#define X_ENUM(name, help) FRAME_##name,
	HERALD_FRAME_OUTCOMES(X_ENUM)
#undef X_ENUM
		FRAME__COUNT
};

/* Everything else a worker counts. */
#define HERALD_WORKER_COUNTERS(X)                                              \
	X(rx_packets, "packets received (every one is accounted for)")         \
	X(rx_datagrams_valid, "valid HWP datagrams")                           \
	X(rx_frames, "frames in valid datagrams")                              \
	X(handoffs_out, "messages handed to another lcore")                    \
	X(handoffs_in, "messages received from another lcore")                 \
	X(messages_sequenced, "messages given a channel seq")                  \
	X(channel_table_full, "messages dropped: channel state table full")    \
	X(messages_no_subscriber, "sequenced messages with no subscriber")     \
	X(deliveries, "DELIVER packets built")                                 \
	X(deliveries_in_place,                                                 \
	  "DELIVERs written over the PUBLISH (sole subscriber, no chain)")     \
	X(deliveries_nombuf, "DELIVERs not built: header mempool empty")       \
	X(deliveries_linearized,                                               \
	  "DELIVERs copied for a port without multi-seg TX")                   \
	X(pubacks, "PUBACK packets built")                                     \
	X(pubacks_nombuf, "PUBACKs not built: mempool empty")                  \
	X(tx_packets, "packets accepted by the PMD")                           \
	X(tx_dropped, "packets the PMD did not take (queue full)")             \
	X(pauses, "times the worker paused at a CLI \"pause at\" point")       \
	X(rx_linearized, "datagrams in several segments copied into one")      \
	X(rx_jumbo_nombuf, "datagrams in several segments dropped: no jumbo "  \
			   "buffer")                                           \
	X(sessions_opened, "publisher sessions opened by START")               \
	X(sessions_expired, "publisher sessions forgotten after "              \
			    "session_timeout_ms")                              \
	X(channels_created, "channel sequence states created (new epoch)")     \
	X(channels_expired, "idle channels without subscriber forgotten")      \
	X(deliveries_flat_nombuf,                                              \
	  "DELIVERs not sent: flat mempool empty (port without chains)")       \
	X(payload_copies, "payload copies made to bound a payload's "          \
			  "references")                                        \
	X(suback_requests, "OK SUBACKs the control thread asked this owner "   \
			   "to send")                                          \
	X(subacks, "OK SUBACK packets built (next_seq read when the change "   \
		   "became visible)")                                          \
	X(subacks_nombuf, "OK SUBACKs not built: mempool empty")               \
	X(suback_no_state, "OK SUBACKs for a channel whose sequence state "    \
			   "could not be created (table full): next_seq 1")    \
	X(keepalives, "keep-alive answers built (HEARTBEAT channel 0)")        \
	X(keepalives_nombuf, "keep-alive answers not built: mempool empty")    \
	X(control_sent, "packets the control thread built, sent by this "      \
			"worker (a port without a control TX queue)")          \
	X(history_kept, "messages written to their owner's history log "       \
			"(what is held: show history)")                        \
	X(nack_handoffs_out, "NACKs handed to the owner of their channel's "   \
			     "slot on another lcore")                          \
	X(nack_handoffs_in, "NACKs received from another lcore")               \
	X(nacks, "NACKs the owner of their channel judged: the sum of the "    \
		 "nack_* verdicts below")                                      \
	X(nack_answered, "NACKs answered (RETRANSMIT DELIVERs and/or GAPs)")   \
	X(nack_not_subscribed, "NACKs of an endpoint not subscribed to that "  \
			       "channel: dropped")                             \
	X(nack_future, "NACKs only for seqs not assigned yet: nothing to "     \
		       "send")                                                 \
	X(nack_suppressed, "NACKs for a range retransmitted to that "          \
			   "subscriber within retransmit_linger_us")           \
	X(nack_actions_full, "NACKs dropped: no free retransmit action "       \
			     "(retransmit_actions)")                           \
	X(nack_given_up,                                                       \
	  "NACKs of a subscriber over its budget "                             \
	  "retransmit_give_up times in a row already, answered "               \
	  "with one GAP for the range")                                        \
	X(nack_over_budget, "NACKs dropped: the subscriber's retransmit "      \
			    "budget (retransmit_per_s) was spent")             \
	X(resumes, "SUBSCRIBEs with from_seq below next_seq followed by "      \
		   "history (RETRANSMITs after a GAP for what is gone)")       \
	X(retransmits, "RETRANSMIT DELIVER packets built")                     \
	X(retransmit_bytes, "UDP payload bytes of the RETRANSMIT DELIVERs")    \
	X(gaps, "GAP packets built")                                           \
	X(retransmits_nombuf, "RETRANSMITs and GAPs not built: mempool empty") \
	X(heartbeats, "channel HEARTBEATs (last seq) sent: a second after a "  \
		      "channel's last message, then every 10 s while idle")    \
	X(heartbeats_nombuf, "channel HEARTBEATs not built: mempool empty")    \
	X(heartbeats_queue_full, "channels not queued for a heartbeat (its "   \
				 "FIFO full); their next message queues them") \
	X(pulses, "pulses (HEARTBEAT with the last seq) sent to passive "      \
		  "subscribers")                                               \
	X(pulses_nombuf, "pulses not built: mempool empty")                    \
	X(pulse_cycles, "TSC cycles the worker spent sending pulses")          \
	X(passive_added, "passive subscriptions the owner added or "           \
			 "refreshed (as their SUBACK left)")                   \
	X(passive_removed, "passive subscriptions the owner dropped")          \
	X(passive_no_state, "passive subscriptions not kept: no room for "     \
			    "their channel's sequence state")                  \
	X(loops, "iterations of the worker loop (not while stopped)")          \
	X(busy_cycles, "TSC cycles of the iterations that did work: packets, " \
		       "hand-offs, the control thread's requests (busy %)")

enum herald_worker_counter {
#define X_ENUM(name, help) CNT_##name,
	HERALD_WORKER_COUNTERS(X_ENUM)
#undef X_ENUM
		CNT__COUNT
};

/*
 * The control thread's counters: every SUBSCRIBE/UNSUBSCRIBE it took
 * has one outcome (subscribed .. no_memory), then its replies and its
 * tables. docs/CONTROL.md tells the story.
 */
#define HERALD_CONTROL_COUNTERS(X)                                             \
	X(items, "SUBSCRIBE/UNSUBSCRIBE frames taken from the workers")        \
	X(items_ordered, "items of a known endpoint that waited for an older " \
			 "item of the same worker's ring of new endpoints "    \
			 "(order kept)")                                       \
	X(token_known, "tokens equal to the verified one their subscription "  \
		       "was made with (no HMAC needed)")                       \
	X(subscribed, "SUBSCRIBE answered OK: a new subscription")             \
	X(refreshed, "SUBSCRIBE answered OK: a live subscription refreshed")   \
	X(unsubscribed, "UNSUBSCRIBE answered OK")                             \
	X(passive_subscribed, "PASSIVE SUBSCRIBE answered OK: a new passive "  \
			      "subscription")                                  \
	X(promoted, "SUBSCRIBE answered OK: a passive subscription turned "    \
		    "active")                                                  \
	X(demoted, "PASSIVE SUBSCRIBE answered OK: an active subscription "    \
		   "turned passive")                                           \
	X(bad_token, "BAD_TOKEN: the token does not match (or no key is "      \
		     "configured)")                                            \
	X(expired, "EXPIRED: expires is not after Herald's clock")             \
	X(not_subscribed, "NOT_SUBSCRIBED: UNSUBSCRIBE of no subscription")    \
	X(limit_subscribers, "LIMIT: the channel has max_subscribers")         \
	X(limit_channels, "LIMIT: max_subscribed_channels reached")            \
	X(limit_subscriptions, "LIMIT: max_subscriptions reached")             \
	X(limit_endpoints, "LIMIT: max_endpoints reached")                     \
	X(limit_passive, "LIMIT: max_passive_subscriptions reached")           \
	X(unavailable_resume, "deprecated, always 0: resumes are served from " \
			      "history now (resumes)")                         \
	X(unavailable_passive, "deprecated, always 0: PASSIVE SUBSCRIBEs "     \
			       "are served now (passive_subscribed)")          \
	X(no_memory, "LIMIT: no memory for the change")                        \
	X(subacks_requested, "OK SUBACKs handed to the channel's owner")       \
	X(passive_drops_requested, "passive subscriptions expired or removed " \
				   "by the operator, handed to their owner "   \
				   "to drop (no SUBACK)")                      \
	X(passive_drops_deferred, "passive subscriptions of a silent "         \
				  "endpoint left for a later sweep: no room "  \
				  "in the owners' rings")                      \
	X(fail_replies, "failure SUBACKs sent")                                \
	X(fail_replies_limited, "failure SUBACKs not sent: the source's "      \
				"budget (fail_replies_per_s) was spent")       \
	X(fail_replies_nombuf, "failure SUBACKs not built: mempool empty")     \
	X(request_bytes, "UDP payload bytes of the frames taken")              \
	X(fail_reply_bytes, "UDP payload bytes of the failure SUBACKs sent")   \
	X(tx_packets, "control-thread packets accepted by the PMD")            \
	X(tx_dropped, "control-thread packets the PMD did not take")           \
	X(tx_forwarded, "control-thread packets handed to worker 0 (a port "   \
			"without a control TX queue)")                         \
	X(batches, "batches of changes published")                             \
	X(channels_published, "channel snapshots published (one per channel "  \
			      "and batch, however many changes)")              \
	X(publish_deferred, "channel publishes put off to the next batch "     \
			    "(no memory, or readers behind)")                  \
	X(subscriptions_expired, "subscriptions removed: endpoint silent for " \
				 "endpoint_timeout_ms")                        \
	X(endpoints_expired, "endpoints whose subscriptions expired")          \
	X(operator_adds, "subscriptions added by the operator (sub add)")      \
	X(operator_dels, "subscriptions removed by the operator (sub del)")

enum herald_control_counter {
#define X_ENUM(name, help) CTL_##name,
	HERALD_CONTROL_COUNTERS(X_ENUM)
#undef X_ENUM
		CTL__COUNT
};

/* Written by the control thread only. */
struct herald_ctl_counters {
	uint64_t c[CTL__COUNT];
};

/* One worker's counters: written by that worker only. */

struct herald_counters {
	uint64_t c[CNT__COUNT];
	uint64_t nonhwp[NONHWP__COUNT];
	uint64_t invalid[HWP_ERR__COUNT];
	uint64_t frame[FRAME__COUNT];
	/* The same rx_packets / tx_packets / tx_dropped, by port. */
	uint64_t port_rx[HERALD_MAX_PORTS];
	uint64_t port_tx[HERALD_MAX_PORTS];
	uint64_t port_tx_dropped[HERALD_MAX_PORTS];
} __rte_cache_aligned;

extern const char *const herald_counter_names[CNT__COUNT];
extern const char *const herald_nonhwp_names[NONHWP__COUNT];
extern const char *const herald_frame_names[FRAME__COUNT];
extern const char *const herald_invalid_names[HWP_ERR__COUNT];
extern const char *const herald_control_names[CTL__COUNT];
/* The help string of each, from the same tables. */
extern const char *const herald_counter_help[CNT__COUNT];
extern const char *const herald_nonhwp_help[NONHWP__COUNT];
extern const char *const herald_frame_help[FRAME__COUNT];
extern const char *const herald_invalid_help[HWP_ERR__COUNT];
extern const char *const herald_control_help[CTL__COUNT];

/* a += b, field by field. */
void herald_counters_add(struct herald_counters *a,
			 const struct herald_counters *b);
/* a -= b, field by field (for "clear stats" baselines). */
void herald_counters_sub(struct herald_counters *a,
			 const struct herald_counters *b);

/* Sums used by the conservation checks. */
uint64_t herald_counters_nonhwp_total(const struct herald_counters *c);
uint64_t herald_counters_invalid_total(const struct herald_counters *c);
uint64_t herald_counters_frame_total(const struct herald_counters *c);

#endif /* HERALD_COUNTERS_H */
