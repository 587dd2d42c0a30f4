/* SPDX-License-Identifier: BSD-3-Clause
 * Herald XDP edge filter: the contract between the BPF program
 * (ebpf/herald_xdp.bpf.c) and its control library (lib/xdp).
 *
 * Map names, value layouts and counter indexes live here once, so the
 * program and every reader of its pinned maps agree on them. The header
 * is included by BPF code, hence fixed-width kernel types only.
 */
#ifndef HERALD_XDP_ABI_H
#define HERALD_XDP_ABI_H

#include <linux/types.h>

#include "hwp_wire.h"

/*
 * Map names: also the file names of the pins under the pin directory.
 * The XSKMAP must be called "xsks_map": DPDK's af_xdp PMD looks it up by
 * that name in a custom program and inserts its socket at the queue id.
 */
#define HERALD_XDP_MAP_XSKS	   "xsks_map"
#define HERALD_XDP_MAP_CONFIG	   "hx_config"
#define HERALD_XDP_MAP_ALLOW	   "hx_allow"
#define HERALD_XDP_MAP_SLOT_TARGET "hx_slot_tgt"
#define HERALD_XDP_MAP_SLOT_STATS  "hx_slot_stats"
#define HERALD_XDP_MAP_COUNTERS	   "hx_counters"
/* The program itself is pinned too, so a later process can find it. */
#define HERALD_XDP_PIN_PROG "prog"

/*
 * Frames the program checks per datagram, the first one included. A
 * 1500-byte MTU datagram holds at most 45 minimum-size frames; the tail
 * of a longer (jumbo) datagram is left to Herald, which checks every
 * frame anyway.
 */
#define HERALD_XDP_MAX_FRAMES 48

/* Queues an XSKMAP can address (rx_queue_index of the device). */
#define HERALD_XDP_MAX_QUEUES 64
/* Prefixes the publisher allow-list can hold. */
#define HERALD_XDP_MAX_ALLOW 1024

/*
 * Target index of control frames: a HEARTBEAT with channel 0 (subscriber
 * keep-alive) carries no channel, so it has no slot. It is counted and
 * steered through this extra entry after the 4096 slots, whose target
 * the operator sets like any slot's (LOCAL by default).
 */
#define HERALD_XDP_CTL_SLOT HWP_NUM_SLOTS
#define HERALD_XDP_NUM_TGTS (HWP_NUM_SLOTS + 1)

/* Config flags. */
/*
 * Accept PUBLISH from any source, whatever the allow-list holds. Only
 * this flag means "any": with it clear, an empty allow-list lets no one
 * publish (the list fails closed).
 */
#define HERALD_XDP_F_ALLOW_ANY 0x01

/*
 * hx_config[0]. Network byte order for addr and port, so the program
 * compares them to the packet without a swap. port 0 means "not
 * configured": the program then passes every packet untouched.
 */
struct herald_xdp_cfg {
	__u32 addr; /* Herald's IPv4 address; 0 = any destination */
	__u16 port; /* Herald's UDP port; 0 = filter off */
	__u8 flags; /* HERALD_XDP_F_* */
	__u8 pad0;
	__u32 allow_n; /* prefixes in hx_allow, for readers; the program
			* does not look at it (0 is not "any") */
	__u8 mac[6];   /* Ethernet source of forwarded frames; 0 = keep */
	__u8 pad1[2];
};

/* Slot target actions. LOCAL is 0 so an unset slot goes to Herald. */
#define HERALD_XDP_LOCAL 0 /* AF_XDP socket of the rx queue, else kernel */
#define HERALD_XDP_PASS	 1 /* kernel stack, untouched */
#define HERALD_XDP_NODE	 2 /* rewrite to a remote node and XDP_TX */

/* hx_slot_tgt[slot]. */
struct herald_xdp_tgt {
	__u32 action; /* HERALD_XDP_LOCAL / PASS / NODE */
	__u32 ip;     /* NODE: node IPv4 address, network order */
	__u8 mac[6];  /* NODE: node (or next hop) Ethernet address */
	__u8 pad[2];
};

/* hx_slot_stats[slot], per CPU. */
struct herald_xdp_slot_stats {
	__u64 packets;
	__u64 bytes; /* whole frames, Ethernet header included */
};

/* hx_allow key (LPM trie): prefix length then the address, network order. */
struct herald_xdp_lpm_key {
	__u32 prefixlen;
	__u32 addr;
};

/*
 * Counters (hx_counters, per CPU, one __u64 packet count each).
 * X(NAME, "name", kind): kind tells what the program did with the packet.
 * One fault has one name whether XDP or Herald caught it: the IPv4/UDP
 * and source reasons are Herald's own (listed here in the order Herald
 * checks them), the names of HWP faults the codec's HWP_ERRORS strings.
 * truncated_*, bad_ip_header and the verdicts are XDP's alone. The
 * indexes are this build's: a pinned map of another build with another
 * count is refused (lib/xdp checks max_entries).
 */
#define HERALD_XDP_K_PASS     0 /* XDP_PASS */
#define HERALD_XDP_K_DROP     1 /* XDP_DROP */
#define HERALD_XDP_K_REDIRECT 2 /* XDP_REDIRECT to the AF_XDP socket */
#define HERALD_XDP_K_TX	      3 /* XDP_TX to a remote node */

#define HERALD_XDP_COUNTERS(X)                                                 \
	X(PASSED_OTHER, "passed_other", HERALD_XDP_K_PASS)                     \
	X(LOCAL, "local", HERALD_XDP_K_REDIRECT)                               \
	X(LOCAL_NO_XSK, "local_no_xsk", HERALD_XDP_K_PASS)                     \
	X(SLOT_PASS, "slot_pass", HERALD_XDP_K_PASS)                           \
	X(NODE, "node", HERALD_XDP_K_TX)                                       \
	X(TRUNCATED_ETH, "truncated_eth", HERALD_XDP_K_DROP)                   \
	X(TRUNCATED_IP, "truncated_ip", HERALD_XDP_K_DROP)                     \
	X(BAD_IP_HEADER, "bad_ip_header", HERALD_XDP_K_DROP)                   \
	X(TRUNCATED_UDP, "truncated_udp", HERALD_XDP_K_DROP)                   \
	X(BAD_IP_CHECKSUM, "bad_ip_checksum", HERALD_XDP_K_DROP)               \
	X(BAD_IP_LENGTH, "bad_ip_length", HERALD_XDP_K_DROP)                   \
	X(IP_FRAGMENT, "ip_fragment", HERALD_XDP_K_DROP)                       \
	X(IP_OPTIONS, "ip_options", HERALD_XDP_K_DROP)                         \
	X(BAD_UDP_LENGTH, "bad_udp_length", HERALD_XDP_K_DROP)                 \
	X(SOURCE_MAC_GROUP, "source_mac_group", HERALD_XDP_K_DROP)             \
	X(SOURCE_IP_NOT_UNICAST, "source_ip_not_unicast", HERALD_XDP_K_DROP)   \
	X(SOURCE_IP_OWN, "source_ip_own", HERALD_XDP_K_DROP)                   \
	X(SOURCE_PORT_ZERO, "source_port_zero", HERALD_XDP_K_DROP)             \
	X(EMPTY, "empty_datagram", HERALD_XDP_K_DROP)                          \
	X(TRUNCATED, "truncated_header", HERALD_XDP_K_DROP)                    \
	X(BAD_MAGIC, "bad_magic", HERALD_XDP_K_DROP)                           \
	X(BAD_VERSION, "bad_version", HERALD_XDP_K_DROP)                       \
	X(BAD_TYPE, "bad_type", HERALD_XDP_K_DROP)                             \
	X(WRONG_DIRECTION, "wrong_direction", HERALD_XDP_K_DROP)               \
	X(BAD_FLAGS, "bad_flags", HERALD_XDP_K_DROP)                           \
	X(RESERVED_NONZERO, "reserved_nonzero", HERALD_XDP_K_DROP)             \
	X(BAD_LENGTH, "bad_length", HERALD_XDP_K_DROP)                         \
	X(LENGTH_OVERRUN, "length_overrun", HERALD_XDP_K_DROP)                 \
	X(ZERO_CHANNEL, "zero_channel", HERALD_XDP_K_DROP)                     \
	X(ZERO_PUBLISHER, "zero_publisher", HERALD_XDP_K_DROP)                 \
	X(ZERO_SUBSCRIBER, "zero_subscriber", HERALD_XDP_K_DROP)               \
	X(ZERO_PUB_SEQ, "zero_pub_seq", HERALD_XDP_K_DROP)                     \
	X(BAD_NACK_COUNT, "bad_nack_count", HERALD_XDP_K_DROP)                 \
	X(ZERO_FROM_SEQ, "zero_from_seq", HERALD_XDP_K_DROP)                   \
	X(PUBLISHER_NOT_ALLOWED, "publisher_not_allowed", HERALD_XDP_K_DROP)   \
	X(TTL_EXPIRED, "ttl_expired", HERALD_XDP_K_DROP)

enum herald_xdp_counter {
#define HERALD_XDP_CNT_ENUM(name, str, kind) HERALD_XDP_C_##name,
	HERALD_XDP_COUNTERS(HERALD_XDP_CNT_ENUM)
#undef HERALD_XDP_CNT_ENUM
		HERALD_XDP_C__COUNT
};

#endif /* HERALD_XDP_ABI_H */
