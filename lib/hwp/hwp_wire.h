/* SPDX-License-Identifier: BSD-3-Clause
 * HWP/1 wire format: constants, frame sizes and offsets, slot hash.
 *
 * This header is the single source of truth for the wire layout. It is
 * included by the codec, herald, tools, tests and the XDP program, so it
 * must stay free of libc and DPDK dependencies (fixed-width types only).
 * All multi-byte fields are big-endian on the wire; frames may start at
 * any byte offset in a datagram, so read fields with the codec's
 * unaligned big-endian loaders, never by casting.
 */
#ifndef HWP_WIRE_H
#define HWP_WIRE_H

#ifdef __bpf__
#include <linux/types.h>
typedef __u8 hwp_u8;
typedef __u16 hwp_u16;
typedef __u32 hwp_u32;
typedef __u64 hwp_u64;
#else
#include <stdint.h>
typedef uint8_t hwp_u8;
typedef uint16_t hwp_u16;
typedef uint32_t hwp_u32;
typedef uint64_t hwp_u64;
#endif

#define HWP_MAGIC	 0x4852 /* "HR" */
#define HWP_VERSION	 1
#define HWP_DEFAULT_PORT 7700

#define HWP_HDR_LEN	8
#define HWP_MAX_PAYLOAD 1400
#define HWP_NUM_SLOTS	4096

/* Frame types (section 3). */
#define HWP_T_PUBLISH	  0x01
#define HWP_T_DELIVER	  0x02
#define HWP_T_PUBACK	  0x03
#define HWP_T_SUBSCRIBE	  0x04
#define HWP_T_UNSUBSCRIBE 0x05
#define HWP_T_SUBACK	  0x06
#define HWP_T_HEARTBEAT	  0x07
#define HWP_T_NACK	  0x08
#define HWP_T_GAP	  0x09
#define HWP_T_MIN	  HWP_T_PUBLISH
#define HWP_T_MAX	  HWP_T_GAP

/* Header flags (section 2). */
#define HWP_F_RETRANSMIT 0x01
#define HWP_F_START	 0x02
#define HWP_F_PASSIVE	 0x04 /* SUBSCRIBE only (revision 2) */
#define HWP_F_MASK	 0x07

/* Fixed frame sizes, header included (section 3). */
#define HWP_PUBLISH_LEN	    32
#define HWP_DELIVER_LEN	    40
#define HWP_PUBACK_LEN	    32
#define HWP_SUBSCRIBE_LEN   72
#define HWP_UNSUBSCRIBE_LEN 72
#define HWP_SUBACK_LEN	    40
#define HWP_HEARTBEAT_LEN   32
#define HWP_NACK_LEN	    32
#define HWP_GAP_LEN	    32
#define HWP_MIN_FRAME_LEN   32
#define HWP_MAX_FRAME_LEN   (HWP_DELIVER_LEN + HWP_MAX_PAYLOAD)

#define HWP_NACK_MAX_COUNT 1024
#define HWP_TOKEN_LEN	   32
#define HWP_KEY_MIN_LEN	   16
#define HWP_KEY_MAX_LEN	   64

/* SUBACK status codes. */
#define HWP_SUBACK_OK		  0
#define HWP_SUBACK_BAD_TOKEN	  1
#define HWP_SUBACK_EXPIRED	  2
#define HWP_SUBACK_LIMIT	  3
#define HWP_SUBACK_NOT_SUBSCRIBED 4
#define HWP_SUBACK_UNAVAILABLE	  5

/* Common header offsets. */
#define HWP_OFF_MAGIC	 0
#define HWP_OFF_VERSION	 2
#define HWP_OFF_TYPE	 3
#define HWP_OFF_FLAGS	 4
#define HWP_OFF_RESERVED 5
#define HWP_OFF_LENGTH	 6

/* PUBLISH */
#define HWP_PUBLISH_OFF_CHANNEL	  8
#define HWP_PUBLISH_OFF_PUBLISHER 16
#define HWP_PUBLISH_OFF_RESERVED  20
#define HWP_PUBLISH_OFF_PUB_SEQ	  24
/* DELIVER */
#define HWP_DELIVER_OFF_CHANNEL	  8
#define HWP_DELIVER_OFF_SEQ	  16
#define HWP_DELIVER_OFF_EPOCH	  24
#define HWP_DELIVER_OFF_PUBLISHER 28
#define HWP_DELIVER_OFF_TIMESTAMP 32
/* PUBACK */
#define HWP_PUBACK_OFF_PUBLISHER 8
#define HWP_PUBACK_OFF_EPOCH	 12
#define HWP_PUBACK_OFF_ACKED_SEQ 16
#define HWP_PUBACK_OFF_CREDIT	 24
#define HWP_PUBACK_OFF_RESERVED	 28
/* SUBSCRIBE / UNSUBSCRIBE */
#define HWP_SUBSCRIBE_OFF_CHANNEL    8
#define HWP_SUBSCRIBE_OFF_SUBSCRIBER 16
#define HWP_SUBSCRIBE_OFF_RESERVED   20
#define HWP_SUBSCRIBE_OFF_FROM_SEQ   24
#define HWP_SUBSCRIBE_OFF_EXPIRES    32
#define HWP_SUBSCRIBE_OFF_TOKEN	     40
/* SUBACK */
#define HWP_SUBACK_OFF_CHANNEL	  8
#define HWP_SUBACK_OFF_SUBSCRIBER 16
#define HWP_SUBACK_OFF_STATUS	  20
#define HWP_SUBACK_OFF_RESERVED1  21 /* 3 bytes */
#define HWP_SUBACK_OFF_NEXT_SEQ	  24
#define HWP_SUBACK_OFF_EPOCH	  32
#define HWP_SUBACK_OFF_RESERVED2  36 /* 4 bytes */
/* HEARTBEAT */
#define HWP_HEARTBEAT_OFF_CHANNEL    8
#define HWP_HEARTBEAT_OFF_SEQ	     16
#define HWP_HEARTBEAT_OFF_SUBSCRIBER 24
#define HWP_HEARTBEAT_OFF_EPOCH	     28
/* NACK */
#define HWP_NACK_OFF_CHANNEL	8
#define HWP_NACK_OFF_FROM_SEQ	16
#define HWP_NACK_OFF_COUNT	24
#define HWP_NACK_OFF_SUBSCRIBER 28
/* GAP */
#define HWP_GAP_OFF_CHANNEL  8
#define HWP_GAP_OFF_FROM_SEQ 16
#define HWP_GAP_OFF_COUNT    24
#define HWP_GAP_OFF_EPOCH    28

/*
 * MurmurHash3 fmix64 finalizer and the channel-to-slot map (section 6).
 * Herald, clients and the XDP program must agree on it bit for bit.
 */
static inline hwp_u64
hwp_fmix64(hwp_u64 k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k;
}

static inline hwp_u32
hwp_slot(hwp_u64 channel)
{
	return (hwp_u32)(hwp_fmix64(channel) % HWP_NUM_SLOTS);
}

/* Fixed size of a frame type, or 0 for an unknown type. */
static inline hwp_u16
hwp_type_fixed_len(hwp_u8 type)
{
	switch (type) {
	case HWP_T_PUBLISH: return HWP_PUBLISH_LEN;
	case HWP_T_DELIVER: return HWP_DELIVER_LEN;
	case HWP_T_PUBACK: return HWP_PUBACK_LEN;
	case HWP_T_SUBSCRIBE: return HWP_SUBSCRIBE_LEN;
	case HWP_T_UNSUBSCRIBE: return HWP_UNSUBSCRIBE_LEN;
	case HWP_T_SUBACK: return HWP_SUBACK_LEN;
	case HWP_T_HEARTBEAT: return HWP_HEARTBEAT_LEN;
	case HWP_T_NACK: return HWP_NACK_LEN;
	case HWP_T_GAP: return HWP_GAP_LEN;
	default: return 0;
	}
}

/* Whether a type may carry a payload after its fixed part. */
static inline int
hwp_type_has_payload(hwp_u8 type)
{
	return type == HWP_T_PUBLISH || type == HWP_T_DELIVER;
}

/* Frame types Herald accepts (section 4, direction rule). */
static inline int
hwp_type_to_herald(hwp_u8 type)
{
	return type == HWP_T_PUBLISH || type == HWP_T_SUBSCRIBE ||
	       type == HWP_T_UNSUBSCRIBE || type == HWP_T_HEARTBEAT ||
	       type == HWP_T_NACK;
}

/* Flags a frame of this type may carry (section 2): PASSIVE is valid on
 * SUBSCRIBE only. */
static inline hwp_u8
hwp_type_flags_mask(hwp_u8 type)
{
	return type == HWP_T_SUBSCRIBE ? HWP_F_MASK
				       : (hwp_u8)(HWP_F_MASK & ~HWP_F_PASSIVE);
}

/* Frame types Herald sends. */
static inline int
hwp_type_from_herald(hwp_u8 type)
{
	return type == HWP_T_DELIVER || type == HWP_T_PUBACK ||
	       type == HWP_T_SUBACK || type == HWP_T_HEARTBEAT ||
	       type == HWP_T_GAP;
}

#endif /* HWP_WIRE_H */
