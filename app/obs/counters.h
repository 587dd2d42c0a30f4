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
 *   deliveries + pubacks = tx_packets + tx_dropped
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
	X(publish_unknown_session, "PUBLISH without START, no session")        \
	X(publish_not_allowed, "PUBLISH from outside the allow-list")          \
	X(publish_session_full, "START but the session table is full")         \
	X(publish_handoff_full, "owner lcore's hand-off ring full")            \
	X(publish_nombuf, "no indirect mbuf for a batched PUBLISH")            \
	X(control_unhandled,                                                   \
	  "SUBSCRIBE/UNSUBSCRIBE/HEARTBEAT/NACK (not yet handled)")            \
	X(publish_source_limit,                                                \
	  "START but the source address holds max_sessions_per_source")        \
	X(publish_channel_full,                                                \
	  "new channel but the owner's channel table is full (unacked)")

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
	X(loops, "iterations of the worker loop (not while stopped)")          \
	X(busy_cycles, "TSC cycles of the iterations that received packets "   \
		       "or drained hand-offs (show lcores: busy %)")

enum herald_worker_counter {
#define X_ENUM(name, help) CNT_##name,
	HERALD_WORKER_COUNTERS(X_ENUM)
#undef X_ENUM
		CNT__COUNT
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
/* The help string of each, from the same tables. */
extern const char *const herald_counter_help[CNT__COUNT];
extern const char *const herald_nonhwp_help[NONHWP__COUNT];
extern const char *const herald_frame_help[FRAME__COUNT];
extern const char *const herald_invalid_help[HWP_ERR__COUNT];

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
