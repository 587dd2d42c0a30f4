/* SPDX-License-Identifier: BSD-3-Clause
 * HWP/1 test datagrams shared by the unit tests and the fuzz seed writer.
 *
 * Every frame is built with the codec's encoders from default field
 * values whose bytes are all distinct, so a swapped or misplaced field
 * shows. A case is one valid frame of a given type, optionally with good
 * HEARTBEATs before and after it, and at most one big-endian patch over
 * the frame: each invalid case breaks exactly one rule of section 4.
 */
#ifndef HWP_TEST_DATAGRAMS_H
#define HWP_TEST_DATAGRAMS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hwp.h"

/* Room for a few lead/trail frames around the largest frame. */
#define TD_MAX_LEN 2048

static inline struct hwp_publish
td_publish(void)
{
	return (struct hwp_publish){
		.channel = 0x0102030405060708ULL,
		.publisher = 0x11121314,
		.pub_seq = 0x2122232425262728ULL,
	};
}

static inline struct hwp_deliver
td_deliver(void)
{
	return (struct hwp_deliver){
		.channel = 0x0102030405060708ULL,
		.seq = 0x3132333435363738ULL,
		.epoch = 0x41424344,
		.publisher = 0x11121314,
		.timestamp = 0x5152535455565758ULL,
	};
}

static inline struct hwp_puback
td_puback(void)
{
	return (struct hwp_puback){
		.publisher = 0x11121314,
		.epoch = 0x41424344,
		.acked_seq = 0x6162636465666768ULL,
		.credit = 0x71727374,
	};
}

static inline struct hwp_subscribe
td_subscribe(void)
{
	struct hwp_subscribe s = {
		.channel = 0x0102030405060708ULL,
		.subscriber = 0x81828384,
		.from_seq = 0x9192939495969798ULL,
		.expires = 0xa1a2a3a4a5a6a7a8ULL,
	};
	unsigned int i;

	for (i = 0; i < HWP_TOKEN_LEN; i++)
		s.token[i] = (uint8_t)(0xc0 + i);
	return s;
}

static inline struct hwp_suback
td_suback(void)
{
	return (struct hwp_suback){
		.channel = 0x0102030405060708ULL,
		.subscriber = 0x81828384,
		.status = HWP_SUBACK_UNAVAILABLE,
		.next_seq = 0xb1b2b3b4b5b6b7b8ULL,
		.epoch = 0x41424344,
	};
}

static inline struct hwp_heartbeat
td_heartbeat(void)
{
	return (struct hwp_heartbeat){
		.channel = 0x0102030405060708ULL,
		.seq = 0x3132333435363738ULL,
		.subscriber = 0x81828384,
		.epoch = 0x41424344,
	};
}

/* A subscriber's HEARTBEAT: seq and epoch 0 (revision 2), so it is valid
 * in every direction. */
static inline struct hwp_heartbeat
td_heartbeat_sub(void)
{
	struct hwp_heartbeat hb = td_heartbeat();

	hb.seq = 0;
	hb.epoch = 0;
	return hb;
}

static inline struct hwp_nack
td_nack(void)
{
	return (struct hwp_nack){
		.channel = 0x0102030405060708ULL,
		.from_seq = 0xd1d2d3d4d5d6d7d8ULL,
		.count = 17,
		.subscriber = 0x81828384,
	};
}

static inline struct hwp_gap
td_gap(void)
{
	return (struct hwp_gap){
		.channel = 0x0102030405060708ULL,
		.from_seq = 0xd1d2d3d4d5d6d7d8ULL,
		.count = 0x00e1e2e3,
		.epoch = 0x41424344,
	};
}

/* Payload byte i: a pattern that is neither 0 nor periodic in 8. */
static inline uint8_t
td_payload_byte(size_t i)
{
	return (uint8_t)(i * 7 + 3);
}

/*
 * Writes a valid frame of type (default fields; payload_len pattern
 * bytes for PUBLISH/DELIVER) and returns its length, or -1.
 */
static inline int
td_frame(uint8_t *buf, size_t cap, uint8_t type, uint8_t flags,
	 uint16_t payload_len)
{
	uint8_t payload[HWP_MAX_PAYLOAD + 1];
	const uint8_t *pl = payload_len > 0 ? payload : NULL;
	struct hwp_publish pub = td_publish();
	struct hwp_deliver del = td_deliver();
	struct hwp_puback pa = td_puback();
	struct hwp_subscribe sub = td_subscribe();
	struct hwp_suback sa = td_suback();
	struct hwp_subscribe unsub = td_subscribe();
	struct hwp_heartbeat hb = td_heartbeat_sub();
	struct hwp_nack nack = td_nack();
	struct hwp_gap gap = td_gap();
	size_t i;

	unsub.from_seq = 0; /* a sender-zero field (revision 2) */
	if (payload_len > sizeof(payload))
		return -1;
	for (i = 0; i < payload_len; i++)
		payload[i] = td_payload_byte(i);
	switch (type) {
	case HWP_T_PUBLISH:
		return hwp_encode_publish(buf, cap, flags, &pub, pl,
					  payload_len);
	case HWP_T_DELIVER:
		return hwp_encode_deliver(buf, cap, flags, &del, pl,
					  payload_len);
	case HWP_T_PUBACK: return hwp_encode_puback(buf, cap, &pa);
	case HWP_T_SUBSCRIBE: return hwp_encode_subscribe(buf, cap, &sub);
	case HWP_T_UNSUBSCRIBE: return hwp_encode_unsubscribe(buf, cap, &unsub);
	case HWP_T_SUBACK: return hwp_encode_suback(buf, cap, &sa);
	case HWP_T_HEARTBEAT: return hwp_encode_heartbeat(buf, cap, &hb);
	case HWP_T_NACK: return hwp_encode_nack(buf, cap, &nack);
	case HWP_T_GAP: return hwp_encode_gap(buf, cap, &gap);
	default: return -1;
	}
}

/*
 * One test datagram: [lead HEARTBEATs] frame [extra zero bytes]
 * [trail HEARTBEATs]. type 0 means no frame: the first `extra` bytes of
 * a valid HEARTBEAT instead (a cut header). HEARTBEAT is valid in every
 * direction, which makes it the neutral neighbour.
 */
struct hwp_td_case {
	const char *name;
	enum hwp_dir dir;
	enum hwp_err err; /* expected result */
	uint8_t type;
	uint8_t flags;
	uint16_t payload_len;
	uint8_t lead;
	uint8_t trail;
	uint8_t patch_len;  /* 0 = none, else 1..8 bytes of patch_val, BE */
	uint16_t patch_off; /* within the frame */
	uint64_t patch_val;
	uint16_t extra;
};

#define TD_TO	HWP_DIR_TO_HERALD
#define TD_FROM HWP_DIR_FROM_HERALD
#define TD_ANY	HWP_DIR_ANY

/* Brief constructors keep the table readable. */
#define TD_OK(n, d, t, pl, ld, tr)                                             \
	{                                                                      \
		.name = n, .dir = d, .err = HWP_ERR_OK, .type = t,             \
		.payload_len = pl, .lead = ld, .trail = tr                     \
	}
#define TD_PATCH(n, d, e, t, ld, tr, off, plen, val)                           \
	{                                                                      \
		.name = n, .dir = d, .err = HWP_ERR_##e, .type = t,            \
		.payload_len = 16, .lead = ld, .trail = tr, .patch_len = plen, \
		.patch_off = off, .patch_val = val                             \
	}

static inline const struct hwp_td_case *
td_cases(size_t *count)
{
	static const struct hwp_td_case cases[] = {
		/* Valid datagrams. */
		TD_OK("ok_publish", TD_TO, HWP_T_PUBLISH, 64, 0, 0),
		TD_OK("ok_publish_p0", TD_TO, HWP_T_PUBLISH, 0, 0, 0),
		TD_OK("ok_publish_p1400", TD_TO, HWP_T_PUBLISH, 1400, 0, 0),
		TD_OK("ok_deliver", TD_FROM, HWP_T_DELIVER, 64, 0, 0),
		TD_OK("ok_deliver_p0", TD_FROM, HWP_T_DELIVER, 0, 0, 0),
		TD_OK("ok_deliver_p1400", TD_FROM, HWP_T_DELIVER, 1400, 0, 0),
		TD_OK("ok_puback", TD_FROM, HWP_T_PUBACK, 0, 0, 0),
		TD_OK("ok_subscribe", TD_TO, HWP_T_SUBSCRIBE, 0, 0, 0),
		TD_OK("ok_unsubscribe", TD_TO, HWP_T_UNSUBSCRIBE, 0, 0, 0),
		TD_OK("ok_suback", TD_FROM, HWP_T_SUBACK, 0, 0, 0),
		TD_OK("ok_heartbeat_to", TD_TO, HWP_T_HEARTBEAT, 0, 0, 0),
		TD_OK("ok_heartbeat_from", TD_FROM, HWP_T_HEARTBEAT, 0, 0, 0),
		TD_OK("ok_nack", TD_TO, HWP_T_NACK, 0, 0, 0),
		TD_OK("ok_gap", TD_FROM, HWP_T_GAP, 0, 0, 0),
		TD_OK("ok_any_deliver", TD_ANY, HWP_T_DELIVER, 8, 0, 0),
		TD_OK("ok_any_publish", TD_ANY, HWP_T_PUBLISH, 8, 0, 0),
		TD_OK("ok_multi_publish", TD_TO, HWP_T_PUBLISH, 100, 2, 3),
		TD_OK("ok_multi_deliver", TD_FROM, HWP_T_DELIVER, 1, 1, 1),
		TD_PATCH("ok_heartbeat_keepalive", TD_TO, OK, HWP_T_HEARTBEAT,
			 0, 0, HWP_HEARTBEAT_OFF_CHANNEL, 8, 0),
		TD_PATCH("ok_heartbeat_from_channel0", TD_FROM, OK,
			 HWP_T_HEARTBEAT, 1, 1, HWP_HEARTBEAT_OFF_CHANNEL, 8,
			 0),
		TD_PATCH("ok_flags_start_retransmit", TD_TO, OK, HWP_T_PUBLISH,
			 0, 0, HWP_OFF_FLAGS, 1, 0x03),
		TD_PATCH("ok_nack_count_1", TD_TO, OK, HWP_T_NACK, 0, 0,
			 HWP_NACK_OFF_COUNT, 4, 1),
		TD_PATCH("ok_nack_count_1024", TD_TO, OK, HWP_T_NACK, 0, 0,
			 HWP_NACK_OFF_COUNT, 4, 1024),
		TD_PATCH("ok_suback_status_ff", TD_FROM, OK, HWP_T_SUBACK, 0, 0,
			 HWP_SUBACK_OFF_STATUS, 1, 0xff),
		TD_PATCH("ok_gap_count_0", TD_FROM, OK, HWP_T_GAP, 0, 0,
			 HWP_GAP_OFF_COUNT, 4, 0),
		/* Revision 2: Herald's HEARTBEAT carries seq and epoch;
		 * PASSIVE is a SUBSCRIBE flag. */
		TD_PATCH("ok_heartbeat_from_seq", TD_FROM, OK, HWP_T_HEARTBEAT,
			 1, 1, HWP_HEARTBEAT_OFF_SEQ, 8, 0x3132333435363738ULL),
		TD_PATCH("ok_heartbeat_from_epoch", TD_FROM, OK,
			 HWP_T_HEARTBEAT, 0, 0, HWP_HEARTBEAT_OFF_EPOCH, 4,
			 0x41424344),
		TD_PATCH("ok_heartbeat_any_seq", TD_ANY, OK, HWP_T_HEARTBEAT, 0,
			 0, HWP_HEARTBEAT_OFF_SEQ, 8, 7),
		TD_PATCH("ok_subscribe_passive", TD_TO, OK, HWP_T_SUBSCRIBE, 0,
			 0, HWP_OFF_FLAGS, 1, HWP_F_PASSIVE),
		TD_PATCH("ok_subscribe_passive_start", TD_TO, OK,
			 HWP_T_SUBSCRIBE, 1, 1, HWP_OFF_FLAGS, 1, 0x07),
		/* Empty and truncated. */
		{.name = "empty", .dir = TD_TO, .err = HWP_ERR_EMPTY},
		{.name = "truncated_1",
		 .dir = TD_TO,
		 .err = HWP_ERR_TRUNCATED,
		 .extra = 1},
		{.name = "truncated_7",
		 .dir = TD_TO,
		 .err = HWP_ERR_TRUNCATED,
		 .extra = 7},
		{.name = "truncated_after_good",
		 .dir = TD_TO,
		 .err = HWP_ERR_TRUNCATED,
		 .lead = 2,
		 .extra = 5},
		/* Header rules, each alone and between good frames. */
		TD_PATCH("bad_magic", TD_TO, BAD_MAGIC, HWP_T_HEARTBEAT, 0, 0,
			 HWP_OFF_MAGIC, 2, 0x5248),
		TD_PATCH("bad_magic_mid", TD_TO, BAD_MAGIC, HWP_T_PUBLISH, 1, 1,
			 HWP_OFF_MAGIC + 1, 1, 0x53),
		TD_PATCH("bad_version_0", TD_TO, BAD_VERSION, HWP_T_PUBLISH, 0,
			 0, HWP_OFF_VERSION, 1, 0),
		TD_PATCH("bad_version_2", TD_FROM, BAD_VERSION, HWP_T_DELIVER,
			 1, 1, HWP_OFF_VERSION, 1, 2),
		TD_PATCH("bad_type_0", TD_ANY, BAD_TYPE, HWP_T_HEARTBEAT, 0, 0,
			 HWP_OFF_TYPE, 1, 0),
		TD_PATCH("bad_type_10", TD_ANY, BAD_TYPE, HWP_T_HEARTBEAT, 1, 1,
			 HWP_OFF_TYPE, 1, 0x0a),
		TD_PATCH("bad_type_ff", TD_TO, BAD_TYPE, HWP_T_HEARTBEAT, 0, 0,
			 HWP_OFF_TYPE, 1, 0xff),
		TD_PATCH("wrong_direction_deliver_to", TD_TO, WRONG_DIRECTION,
			 HWP_T_DELIVER, 0, 0, 0, 0, 0),
		TD_PATCH("wrong_direction_puback_to", TD_TO, WRONG_DIRECTION,
			 HWP_T_PUBACK, 1, 1, 0, 0, 0),
		TD_PATCH("wrong_direction_suback_to", TD_TO, WRONG_DIRECTION,
			 HWP_T_SUBACK, 0, 0, 0, 0, 0),
		TD_PATCH("wrong_direction_gap_to", TD_TO, WRONG_DIRECTION,
			 HWP_T_GAP, 0, 0, 0, 0, 0),
		TD_PATCH("wrong_direction_publish_from", TD_FROM,
			 WRONG_DIRECTION, HWP_T_PUBLISH, 1, 1, 0, 0, 0),
		TD_PATCH("wrong_direction_subscribe_from", TD_FROM,
			 WRONG_DIRECTION, HWP_T_SUBSCRIBE, 0, 0, 0, 0, 0),
		TD_PATCH("wrong_direction_unsubscribe_from", TD_FROM,
			 WRONG_DIRECTION, HWP_T_UNSUBSCRIBE, 0, 0, 0, 0, 0),
		TD_PATCH("wrong_direction_nack_from", TD_FROM, WRONG_DIRECTION,
			 HWP_T_NACK, 0, 0, 0, 0, 0),
		TD_PATCH("bad_flags_bit2", TD_TO, BAD_FLAGS, HWP_T_PUBLISH, 0,
			 0, HWP_OFF_FLAGS, 1, 0x04),
		TD_PATCH("bad_flags_bit3", TD_TO, BAD_FLAGS, HWP_T_SUBSCRIBE, 0,
			 0, HWP_OFF_FLAGS, 1, 0x08),
		TD_PATCH("bad_flags_passive_unsubscribe", TD_TO, BAD_FLAGS,
			 HWP_T_UNSUBSCRIBE, 1, 1, HWP_OFF_FLAGS, 1, 0x04),
		TD_PATCH("bad_flags_passive_heartbeat", TD_TO, BAD_FLAGS,
			 HWP_T_HEARTBEAT, 0, 0, HWP_OFF_FLAGS, 1, 0x04),
		TD_PATCH("bad_flags_passive_nack", TD_TO, BAD_FLAGS, HWP_T_NACK,
			 1, 0, HWP_OFF_FLAGS, 1, 0x06),
		TD_PATCH("bad_flags_passive_deliver", TD_FROM, BAD_FLAGS,
			 HWP_T_DELIVER, 0, 0, HWP_OFF_FLAGS, 1, 0x05),
		TD_PATCH("bad_flags_bit7", TD_FROM, BAD_FLAGS, HWP_T_DELIVER, 1,
			 1, HWP_OFF_FLAGS, 1, 0x81),
		TD_PATCH("reserved_header", TD_TO, RESERVED_NONZERO,
			 HWP_T_HEARTBEAT, 0, 0, HWP_OFF_RESERVED, 1, 0x01),
		TD_PATCH("reserved_header_mid", TD_TO, RESERVED_NONZERO,
			 HWP_T_SUBSCRIBE, 1, 1, HWP_OFF_RESERVED, 1, 0x80),
		/* Length. Longer-than-allowed cases carry the extra bytes so
		 * that the length is the only rule broken. */
		TD_PATCH("bad_length_publish_31", TD_TO, BAD_LENGTH,
			 HWP_T_PUBLISH, 0, 0, HWP_OFF_LENGTH, 2, 31),
		TD_PATCH("bad_length_deliver_39", TD_FROM, BAD_LENGTH,
			 HWP_T_DELIVER, 1, 1, HWP_OFF_LENGTH, 2, 39),
		TD_PATCH("bad_length_zero", TD_TO, BAD_LENGTH, HWP_T_HEARTBEAT,
			 0, 0, HWP_OFF_LENGTH, 2, 0),
		TD_PATCH("bad_length_subscribe_71", TD_TO, BAD_LENGTH,
			 HWP_T_SUBSCRIBE, 0, 0, HWP_OFF_LENGTH, 2, 71),
		{.name = "bad_length_subscribe_73",
		 .dir = TD_TO,
		 .err = HWP_ERR_BAD_LENGTH,
		 .type = HWP_T_SUBSCRIBE,
		 .lead = 1,
		 .trail = 1,
		 .patch_len = 2,
		 .patch_off = HWP_OFF_LENGTH,
		 .patch_val = 73,
		 .extra = 1},
		{.name = "bad_length_heartbeat_40",
		 .dir = TD_FROM,
		 .err = HWP_ERR_BAD_LENGTH,
		 .type = HWP_T_HEARTBEAT,
		 .patch_len = 2,
		 .patch_off = HWP_OFF_LENGTH,
		 .patch_val = 40,
		 .extra = 8},
		{.name = "bad_length_publish_1433",
		 .dir = TD_TO,
		 .err = HWP_ERR_BAD_LENGTH,
		 .type = HWP_T_PUBLISH,
		 .payload_len = 1400,
		 .patch_len = 2,
		 .patch_off = HWP_OFF_LENGTH,
		 .patch_val = HWP_PUBLISH_LEN + 1401,
		 .extra = 1},
		{.name = "bad_length_deliver_1441",
		 .dir = TD_FROM,
		 .err = HWP_ERR_BAD_LENGTH,
		 .type = HWP_T_DELIVER,
		 .payload_len = 1400,
		 .lead = 1,
		 .patch_len = 2,
		 .patch_off = HWP_OFF_LENGTH,
		 .patch_val = HWP_DELIVER_LEN + 1401,
		 .extra = 1},
		TD_PATCH("length_overrun_publish", TD_TO, LENGTH_OVERRUN,
			 HWP_T_PUBLISH, 0, 0, HWP_OFF_LENGTH, 2,
			 HWP_PUBLISH_LEN + 17),
		TD_PATCH("length_overrun_deliver_last", TD_FROM, LENGTH_OVERRUN,
			 HWP_T_DELIVER, 2, 0, HWP_OFF_LENGTH, 2,
			 HWP_DELIVER_LEN + 1400),
		/* Reserved fields of the frame bodies. */
		TD_PATCH("reserved_publish", TD_TO, RESERVED_NONZERO,
			 HWP_T_PUBLISH, 0, 0, HWP_PUBLISH_OFF_RESERVED, 4, 1),
		TD_PATCH("reserved_puback", TD_FROM, RESERVED_NONZERO,
			 HWP_T_PUBACK, 1, 1, HWP_PUBACK_OFF_RESERVED, 4,
			 0x80000000),
		TD_PATCH("reserved_subscribe", TD_TO, RESERVED_NONZERO,
			 HWP_T_SUBSCRIBE, 0, 0, HWP_SUBSCRIBE_OFF_RESERVED, 1,
			 0x40),
		TD_PATCH("reserved_unsubscribe", TD_TO, RESERVED_NONZERO,
			 HWP_T_UNSUBSCRIBE, 1, 1,
			 HWP_SUBSCRIBE_OFF_RESERVED + 3, 1, 0x01),
		/* Revision 2: fields a sender sets to 0. */
		TD_PATCH("sender_zero_unsubscribe_from_seq", TD_TO,
			 RESERVED_NONZERO, HWP_T_UNSUBSCRIBE, 1, 1,
			 HWP_SUBSCRIBE_OFF_FROM_SEQ + 7, 1, 0x01),
		TD_PATCH("sender_zero_heartbeat_seq", TD_TO, RESERVED_NONZERO,
			 HWP_T_HEARTBEAT, 0, 0, HWP_HEARTBEAT_OFF_SEQ, 8,
			 0x8000000000000000ULL),
		TD_PATCH("sender_zero_heartbeat_epoch", TD_TO, RESERVED_NONZERO,
			 HWP_T_HEARTBEAT, 2, 1, HWP_HEARTBEAT_OFF_EPOCH, 4, 1),
		TD_PATCH("reserved_suback_21", TD_FROM, RESERVED_NONZERO,
			 HWP_T_SUBACK, 0, 0, HWP_SUBACK_OFF_RESERVED1, 1, 1),
		TD_PATCH("reserved_suback_23", TD_FROM, RESERVED_NONZERO,
			 HWP_T_SUBACK, 0, 0, HWP_SUBACK_OFF_RESERVED1 + 2, 1,
			 0x10),
		TD_PATCH("reserved_suback_36", TD_FROM, RESERVED_NONZERO,
			 HWP_T_SUBACK, 1, 1, HWP_SUBACK_OFF_RESERVED2, 4,
			 0x00010000),
		/* Zero identifiers. */
		TD_PATCH("zero_channel_publish", TD_TO, ZERO_CHANNEL,
			 HWP_T_PUBLISH, 0, 0, HWP_PUBLISH_OFF_CHANNEL, 8, 0),
		TD_PATCH("zero_channel_deliver", TD_FROM, ZERO_CHANNEL,
			 HWP_T_DELIVER, 1, 1, HWP_DELIVER_OFF_CHANNEL, 8, 0),
		TD_PATCH("zero_channel_subscribe", TD_TO, ZERO_CHANNEL,
			 HWP_T_SUBSCRIBE, 0, 0, HWP_SUBSCRIBE_OFF_CHANNEL, 8,
			 0),
		TD_PATCH("zero_channel_unsubscribe", TD_TO, ZERO_CHANNEL,
			 HWP_T_UNSUBSCRIBE, 0, 0, HWP_SUBSCRIBE_OFF_CHANNEL, 8,
			 0),
		TD_PATCH("zero_channel_suback", TD_FROM, ZERO_CHANNEL,
			 HWP_T_SUBACK, 0, 0, HWP_SUBACK_OFF_CHANNEL, 8, 0),
		TD_PATCH("zero_channel_nack", TD_TO, ZERO_CHANNEL, HWP_T_NACK,
			 1, 1, HWP_NACK_OFF_CHANNEL, 8, 0),
		TD_PATCH("zero_channel_gap", TD_FROM, ZERO_CHANNEL, HWP_T_GAP,
			 0, 0, HWP_GAP_OFF_CHANNEL, 8, 0),
		TD_PATCH("zero_publisher_publish", TD_TO, ZERO_PUBLISHER,
			 HWP_T_PUBLISH, 1, 1, HWP_PUBLISH_OFF_PUBLISHER, 4, 0),
		TD_PATCH("zero_publisher_deliver", TD_FROM, ZERO_PUBLISHER,
			 HWP_T_DELIVER, 0, 0, HWP_DELIVER_OFF_PUBLISHER, 4, 0),
		TD_PATCH("zero_publisher_puback", TD_FROM, ZERO_PUBLISHER,
			 HWP_T_PUBACK, 0, 0, HWP_PUBACK_OFF_PUBLISHER, 4, 0),
		TD_PATCH("zero_subscriber_subscribe", TD_TO, ZERO_SUBSCRIBER,
			 HWP_T_SUBSCRIBE, 1, 1, HWP_SUBSCRIBE_OFF_SUBSCRIBER, 4,
			 0),
		TD_PATCH("zero_subscriber_unsubscribe", TD_TO, ZERO_SUBSCRIBER,
			 HWP_T_UNSUBSCRIBE, 0, 0, HWP_SUBSCRIBE_OFF_SUBSCRIBER,
			 4, 0),
		TD_PATCH("zero_subscriber_suback", TD_FROM, ZERO_SUBSCRIBER,
			 HWP_T_SUBACK, 0, 0, HWP_SUBACK_OFF_SUBSCRIBER, 4, 0),
		TD_PATCH("zero_subscriber_heartbeat", TD_TO, ZERO_SUBSCRIBER,
			 HWP_T_HEARTBEAT, 1, 0, HWP_HEARTBEAT_OFF_SUBSCRIBER, 4,
			 0),
		TD_PATCH("zero_subscriber_nack", TD_TO, ZERO_SUBSCRIBER,
			 HWP_T_NACK, 0, 0, HWP_NACK_OFF_SUBSCRIBER, 4, 0),
		TD_PATCH("zero_pub_seq", TD_TO, ZERO_PUB_SEQ, HWP_T_PUBLISH, 0,
			 0, HWP_PUBLISH_OFF_PUB_SEQ, 8, 0),
		TD_PATCH("zero_pub_seq_mid", TD_TO, ZERO_PUB_SEQ, HWP_T_PUBLISH,
			 2, 2, HWP_PUBLISH_OFF_PUB_SEQ, 8, 0),
		TD_PATCH("zero_from_seq_nack", TD_TO, ZERO_FROM_SEQ, HWP_T_NACK,
			 0, 0, HWP_NACK_OFF_FROM_SEQ, 8, 0),
		TD_PATCH("zero_from_seq_nack_mid", TD_ANY, ZERO_FROM_SEQ,
			 HWP_T_NACK, 2, 1, HWP_NACK_OFF_FROM_SEQ, 8, 0),
		TD_PATCH("bad_nack_count_0", TD_TO, BAD_NACK_COUNT, HWP_T_NACK,
			 0, 0, HWP_NACK_OFF_COUNT, 4, 0),
		TD_PATCH("bad_nack_count_1025", TD_TO, BAD_NACK_COUNT,
			 HWP_T_NACK, 1, 1, HWP_NACK_OFF_COUNT, 4, 1025),
		TD_PATCH("bad_nack_count_max", TD_ANY, BAD_NACK_COUNT,
			 HWP_T_NACK, 0, 0, HWP_NACK_OFF_COUNT, 4, 0xffffffff),
	};

	*count = sizeof(cases) / sizeof(cases[0]);
	return cases;
}

/* Fault offset a case expects: its frame follows `lead` HEARTBEATs. */
static inline size_t
td_fault_offset(const struct hwp_td_case *c)
{
	return (size_t)c->lead * HWP_HEARTBEAT_LEN;
}

/* Frame count a valid case expects. */
static inline unsigned int
td_nframes(const struct hwp_td_case *c)
{
	return (unsigned int)c->lead + (c->type != 0 ? 1 : 0) + c->trail;
}

static inline void
td_patch(uint8_t *p, unsigned int n, uint64_t val)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(val >> (8 * (n - 1 - i)));
}

/*
 * Builds the datagram of a case; with_patch false builds the unbroken
 * base (to show the patch is the only fault). Returns its length or -1.
 */
static inline long
td_build(const struct hwp_td_case *c, int with_patch, uint8_t *buf, size_t cap)
{
	size_t off = 0;
	unsigned int i;
	int n;

	for (i = 0; i < c->lead; i++) {
		n = td_frame(buf + off, cap - off, HWP_T_HEARTBEAT, 0, 0);
		if (n < 0)
			return -1;
		off += (size_t)n;
	}
	if (c->type == 0) {
		uint8_t hb[HWP_HEARTBEAT_LEN];

		td_frame(hb, sizeof(hb), HWP_T_HEARTBEAT, 0, 0);
		if (c->extra > sizeof(hb) || cap - off < c->extra)
			return -1;
		memcpy(buf + off, hb, c->extra);
		off += c->extra;
	} else {
		n = td_frame(buf + off, cap - off, c->type, c->flags,
			     c->payload_len);
		if (n < 0 || c->patch_off + c->patch_len > n ||
		    c->patch_len > 8 || cap - off - (size_t)n < c->extra)
			return -1;
		if (with_patch && c->patch_len > 0)
			td_patch(buf + off + c->patch_off, c->patch_len,
				 c->patch_val);
		off += (size_t)n;
		memset(buf + off, 0, c->extra);
		off += c->extra;
	}
	for (i = 0; i < c->trail; i++) {
		n = td_frame(buf + off, cap - off, HWP_T_HEARTBEAT, 0, 0);
		if (n < 0)
			return -1;
		off += (size_t)n;
	}
	return (long)off;
}

/* The case named name, or NULL. */
static inline const struct hwp_td_case *
td_find(const char *name)
{
	size_t n;
	const struct hwp_td_case *c = td_cases(&n);
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(c[i].name, name) == 0)
			return &c[i];
	return NULL;
}

#endif /* HWP_TEST_DATAGRAMS_H */
