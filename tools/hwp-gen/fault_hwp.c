/* SPDX-License-Identifier: BSD-3-Clause
 * hwp-gen: the malformed kinds that are HWP datagrams: UDP to Herald's
 * port from a source Herald could answer, with valid IPv4/UDP headers and
 * checksums. Each starts from valid frames (valid token included) and
 * breaks exactly one rule of PROTOCOL section 4, so the codec must
 * report exactly the reason listed in the table.
 */
#include <string.h>

#include "fault.h"

/* Header faults. */

static int
f_empty(struct fault_env *e)
{
	return fault_send_pub(e, 0);
}

static int
f_truncated(struct fault_env *e)
{
	fault_pub_frame(e, 0);
	return fault_send_pub(e, 5);
}

static int
f_trailing(struct fault_env *e)
{
	size_t n = fault_pub_frame(e, 16);

	/* The start of a second header: magic, version, type, then nothing. */
	hwp_put16(e->buf + n, HWP_MAGIC);
	e->buf[n + 2] = HWP_VERSION;
	e->buf[n + 3] = HWP_T_PUBLISH;
	return fault_send_pub(e, n + 4);
}

static int
f_bad_magic(struct fault_env *e)
{
	size_t n = fault_pub_frame(e, 16);

	hwp_put16(e->buf + HWP_OFF_MAGIC, 0x5248); /* "RH": byte-swapped */
	return fault_send_pub(e, n);
}

static int
set_byte_pub(struct fault_env *e, unsigned int off, uint8_t v)
{
	size_t n = fault_pub_frame(e, 16);

	e->buf[off] = v;
	return fault_send_pub(e, n);
}

static int
f_version0(struct fault_env *e)
{
	return set_byte_pub(e, HWP_OFF_VERSION, 0);
}

static int
f_version2(struct fault_env *e)
{
	return set_byte_pub(e, HWP_OFF_VERSION, 2);
}

static int
f_type0(struct fault_env *e)
{
	return set_byte_pub(e, HWP_OFF_TYPE, 0);
}

static int
f_type10(struct fault_env *e)
{
	return set_byte_pub(e, HWP_OFF_TYPE, HWP_T_MAX + 1);
}

static int
f_type255(struct fault_env *e)
{
	return set_byte_pub(e, HWP_OFF_TYPE, 0xff);
}

/* Bit 3 is the lowest bit no revision defines. */
static int
f_flags_bit3_pub(struct fault_env *e)
{
	return set_byte_pub(e, HWP_OFF_FLAGS, 0x08);
}

static int
f_flags_bit7_sub(struct fault_env *e)
{
	size_t n = fault_sub_frame_at(e, e->buf, HWP_T_SUBSCRIBE, e->channel,
				      e->subscriber);

	e->buf[HWP_OFF_FLAGS] = 0x80;
	return fault_send_sub(e, n);
}

static int
f_reserved_hdr(struct fault_env *e)
{
	size_t n = fault_hb_frame(e->buf, e->subscriber);

	e->buf[HWP_OFF_RESERVED] = 1;
	return fault_send_sub(e, n);
}

/* Wrong direction: frames only Herald sends, otherwise valid. */

static int
f_dir_deliver(struct fault_env *e)
{
	struct hwp_deliver f = {
		.channel = e->channel,
		.seq = e->pub_seq,
		.epoch = 0x1234567,
		.publisher = e->publisher,
		.timestamp = 1700000000000000000ULL,
	};
	uint8_t payload[16] = {0};
	int n = hwp_encode_deliver(e->buf, HWP_MAX_FRAME_LEN, 0, &f, payload,
				   sizeof(payload));

	return fault_send_sub(e, (size_t)n);
}

static int
f_dir_puback(struct fault_env *e)
{
	struct hwp_puback f = {
		.publisher = e->publisher,
		.epoch = 0x1234567,
		.acked_seq = e->pub_seq,
		.credit = 64,
	};

	return fault_send_pub(
		e, (size_t)hwp_encode_puback(e->buf, HWP_PUBACK_LEN, &f));
}

static int
f_dir_suback(struct fault_env *e)
{
	struct hwp_suback f = {
		.channel = e->channel,
		.subscriber = e->subscriber,
		.status = HWP_SUBACK_OK,
		.next_seq = e->pub_seq,
		.epoch = 0x1234567,
	};

	return fault_send_sub(
		e, (size_t)hwp_encode_suback(e->buf, HWP_SUBACK_LEN, &f));
}

static int
f_dir_gap(struct fault_env *e)
{
	struct hwp_gap f = {
		.channel = e->channel,
		.from_seq = e->pub_seq,
		.count = 3,
		.epoch = 0x1234567,
	};

	return fault_send_sub(e,
			      (size_t)hwp_encode_gap(e->buf, HWP_GAP_LEN, &f));
}

/* Field faults. */

static int
f_reserved_pub(struct fault_env *e)
{
	size_t n = fault_pub_frame(e, 16);

	hwp_put32(e->buf + HWP_PUBLISH_OFF_RESERVED, 0x00000100);
	return fault_send_pub(e, n);
}

static int
f_reserved_sub(struct fault_env *e)
{
	size_t n = fault_sub_frame_at(e, e->buf, HWP_T_SUBSCRIBE, e->channel,
				      e->subscriber);

	hwp_put32(e->buf + HWP_SUBSCRIBE_OFF_RESERVED, 1);
	return fault_send_sub(e, n);
}

static int
f_len_short(struct fault_env *e)
{
	size_t n = fault_pub_frame(e, 0);

	hwp_put16(e->buf + HWP_OFF_LENGTH, HWP_PUBLISH_LEN - 1);
	return fault_send_pub(e, n);
}

static int
f_len_zero(struct fault_env *e)
{
	size_t n = fault_hb_frame(e->buf, e->subscriber);

	hwp_put16(e->buf + HWP_OFF_LENGTH, 0);
	return fault_send_sub(e, n);
}

static int
f_len_payload_over(struct fault_env *e)
{
	/* Encoders refuse 1401 bytes: build 1400, then grow by one. */
	size_t n = fault_pub_frame(e, HWP_MAX_PAYLOAD);

	e->buf[n] = 0x5a;
	n++;
	hwp_put16(e->buf + HWP_OFF_LENGTH, (uint16_t)n);
	return fault_send_pub(e, n);
}

static int
f_len_sub_payload(struct fault_env *e)
{
	size_t n = fault_sub_frame_at(e, e->buf, HWP_T_SUBSCRIBE, e->channel,
				      e->subscriber);

	memset(e->buf + n, 0, 8);
	n += 8;
	hwp_put16(e->buf + HWP_OFF_LENGTH, (uint16_t)n);
	return fault_send_sub(e, n);
}

static int
f_len_nack_short(struct fault_env *e)
{
	size_t n = fault_nack_frame(e, e->channel, 1, e->subscriber);

	hwp_put16(e->buf + HWP_OFF_LENGTH, HWP_NACK_LEN - 4);
	return fault_send_sub(e, n);
}

static int
f_overrun(struct fault_env *e)
{
	size_t n = fault_pub_frame(e, 100);

	return fault_send_pub(e, n - 40);
}

static int
f_overrun_second(struct fault_env *e)
{
	size_t n = fault_pub_frame(e, 16);

	n += fault_pub_frame_at(e, e->buf + n, e->channel, e->publisher,
				e->pub_seq + 1, 64, 0);
	return fault_send_pub(e, n - 56);
}

static int
f_zero_chan_pub(struct fault_env *e)
{
	return fault_send_pub(e, fault_pub_frame_at(e, e->buf, 0, e->publisher,
						    e->pub_seq, 16, 0));
}

static int
f_zero_chan_sub(struct fault_env *e)
{
	return fault_send_sub(e, fault_sub_frame_at(e, e->buf, HWP_T_SUBSCRIBE,
						    0, e->subscriber));
}

static int
f_zero_chan_unsub(struct fault_env *e)
{
	return fault_send_sub(e,
			      fault_sub_frame_at(e, e->buf, HWP_T_UNSUBSCRIBE,
						 0, e->subscriber));
}

static int
f_zero_chan_nack(struct fault_env *e)
{
	return fault_send_sub(e, fault_nack_frame(e, 0, 1, e->subscriber));
}

static int
f_zero_publisher(struct fault_env *e)
{
	return fault_send_pub(e, fault_pub_frame_at(e, e->buf, e->channel, 0,
						    e->pub_seq, 16, 0));
}

static int
f_zero_sub_sub(struct fault_env *e)
{
	return fault_send_sub(e, fault_sub_frame_at(e, e->buf, HWP_T_SUBSCRIBE,
						    e->channel, 0));
}

static int
f_zero_sub_unsub(struct fault_env *e)
{
	return fault_send_sub(e,
			      fault_sub_frame_at(e, e->buf, HWP_T_UNSUBSCRIBE,
						 e->channel, 0));
}

static int
f_zero_sub_hb(struct fault_env *e)
{
	return fault_send_sub(e, fault_hb_frame(e->buf, 0));
}

static int
f_zero_sub_nack(struct fault_env *e)
{
	return fault_send_sub(e, fault_nack_frame(e, e->channel, 1, 0));
}

static int
f_zero_pub_seq(struct fault_env *e)
{
	return fault_send_pub(e, fault_pub_frame_at(e, e->buf, e->channel,
						    e->publisher, 0, 16,
						    HWP_F_START));
}

static int
f_nack_count0(struct fault_env *e)
{
	return fault_send_sub(
		e, fault_nack_frame(e, e->channel, 0, e->subscriber));
}

static int
f_nack_count_over(struct fault_env *e)
{
	return fault_send_sub(e, fault_nack_frame(e, e->channel,
						  HWP_NACK_MAX_COUNT + 1,
						  e->subscriber));
}

/*
 * Revision 2. PASSIVE (flag bit 2) is valid on SUBSCRIBE only: on each
 * other type a subscriber or publisher sends, it is bad_flags.
 */

static int
f_passive_pub(struct fault_env *e)
{
	return set_byte_pub(e, HWP_OFF_FLAGS, HWP_F_PASSIVE);
}

static int
f_passive_unsub(struct fault_env *e)
{
	size_t n = fault_sub_frame_at(e, e->buf, HWP_T_UNSUBSCRIBE, e->channel,
				      e->subscriber);

	e->buf[HWP_OFF_FLAGS] = HWP_F_PASSIVE;
	return fault_send_sub(e, n);
}

static int
f_passive_hb(struct fault_env *e)
{
	size_t n = fault_hb_frame(e->buf, e->subscriber);

	e->buf[HWP_OFF_FLAGS] = HWP_F_PASSIVE;
	return fault_send_sub(e, n);
}

static int
f_passive_nack(struct fault_env *e)
{
	size_t n = fault_nack_frame(e, e->channel, 1, e->subscriber);

	e->buf[HWP_OFF_FLAGS] = HWP_F_PASSIVE;
	return fault_send_sub(e, n);
}

/* A NACK names the first missing seq, and seqs count from 1. */
static int
f_zero_from_seq_nack(struct fault_env *e)
{
	size_t n = fault_nack_frame(e, e->channel, 1, e->subscriber);

	hwp_put64(e->buf + HWP_NACK_OFF_FROM_SEQ, 0);
	return fault_send_sub(e, n);
}

/*
 * Fields the sender sets to 0 are checked like reserved ones. The token
 * does not cover from_seq, so the UNSUBSCRIBE stays otherwise valid.
 */
static int
f_unsub_from_seq(struct fault_env *e)
{
	size_t n = fault_sub_frame_at(e, e->buf, HWP_T_UNSUBSCRIBE, e->channel,
				      e->subscriber);

	hwp_put64(e->buf + HWP_SUBSCRIBE_OFF_FROM_SEQ, e->pub_seq);
	return fault_send_sub(e, n);
}

/* A channel heartbeat, so the rule is seen off the keep-alive path too. */
static int
f_hb_seq(struct fault_env *e)
{
	size_t n = fault_hb_frame(e->buf, e->subscriber);

	hwp_put64(e->buf + HWP_HEARTBEAT_OFF_CHANNEL, e->channel);
	hwp_put64(e->buf + HWP_HEARTBEAT_OFF_SEQ, e->pub_seq);
	return fault_send_sub(e, n);
}

static int
f_hb_epoch(struct fault_env *e)
{
	size_t n = fault_hb_frame(e->buf, e->subscriber);

	hwp_put32(e->buf + HWP_HEARTBEAT_OFF_EPOCH, 0x1234567);
	return fault_send_sub(e, n);
}

/* Multi-frame datagrams: valid frames around one bad one. */

static int
f_multi_middle(struct fault_env *e)
{
	size_t n = fault_pub_frame(e, 16);

	n += fault_pub_frame_at(e, e->buf + n, 0, e->publisher, e->pub_seq + 1,
				16, 0);
	n += fault_pub_frame_at(e, e->buf + n, e->channel, e->publisher,
				e->pub_seq + 2, 16, 0);
	return fault_send_pub(e, n);
}

static int
f_multi_last(struct fault_env *e)
{
	size_t n = fault_sub_frame_at(e, e->buf, HWP_T_SUBSCRIBE, e->channel,
				      e->subscriber);
	size_t bad;

	n += fault_sub_frame_at(e, e->buf + n, HWP_T_SUBSCRIBE, e->channel + 1,
				e->subscriber);
	bad = n;
	n += fault_hb_frame(e->buf + n, e->subscriber);
	hwp_put16(e->buf + bad + HWP_OFF_MAGIC, 0x4853);
	return fault_send_sub(e, n);
}

static int
f_multi_direction(struct fault_env *e)
{
	struct hwp_gap gap = {
		.channel = e->channel,
		.from_seq = e->pub_seq,
		.count = 1,
		.epoch = 7,
	};
	size_t n = fault_hb_frame(e->buf, e->subscriber);

	n += (size_t)hwp_encode_gap(e->buf + n, HWP_GAP_LEN, &gap);
	return fault_send_sub(e, n);
}

const struct fault_def fault_hwp_defs[] = {
	FAULT_HWP("empty_datagram", EMPTY, f_empty),
	FAULT_HWP("truncated_header", TRUNCATED, f_truncated),
	FAULT_HWP("trailing_partial_header", TRUNCATED, f_trailing),
	FAULT_HWP("bad_magic", BAD_MAGIC, f_bad_magic),
	FAULT_HWP("bad_version_0", BAD_VERSION, f_version0),
	FAULT_HWP("bad_version_2", BAD_VERSION, f_version2),
	FAULT_HWP("bad_type_0", BAD_TYPE, f_type0),
	FAULT_HWP("bad_type_10", BAD_TYPE, f_type10),
	FAULT_HWP("bad_type_255", BAD_TYPE, f_type255),
	FAULT_HWP("wrong_direction_deliver", WRONG_DIRECTION, f_dir_deliver),
	FAULT_HWP("wrong_direction_puback", WRONG_DIRECTION, f_dir_puback),
	FAULT_HWP("wrong_direction_suback", WRONG_DIRECTION, f_dir_suback),
	FAULT_HWP("wrong_direction_gap", WRONG_DIRECTION, f_dir_gap),
	FAULT_HWP("bad_flags_publish_bit3", BAD_FLAGS, f_flags_bit3_pub),
	FAULT_HWP("bad_flags_subscribe_bit7", BAD_FLAGS, f_flags_bit7_sub),
	FAULT_HWP("bad_flags_passive_publish", BAD_FLAGS, f_passive_pub),
	FAULT_HWP("bad_flags_passive_unsubscribe", BAD_FLAGS, f_passive_unsub),
	FAULT_HWP("bad_flags_passive_heartbeat", BAD_FLAGS, f_passive_hb),
	FAULT_HWP("bad_flags_passive_nack", BAD_FLAGS, f_passive_nack),
	FAULT_HWP("reserved_header_heartbeat", RESERVED_NONZERO,
		  f_reserved_hdr),
	FAULT_HWP("reserved_publish", RESERVED_NONZERO, f_reserved_pub),
	FAULT_HWP("reserved_subscribe", RESERVED_NONZERO, f_reserved_sub),
	FAULT_HWP("reserved_unsubscribe_from_seq", RESERVED_NONZERO,
		  f_unsub_from_seq),
	FAULT_HWP("reserved_heartbeat_seq", RESERVED_NONZERO, f_hb_seq),
	FAULT_HWP("reserved_heartbeat_epoch", RESERVED_NONZERO, f_hb_epoch),
	FAULT_HWP("bad_length_publish_short", BAD_LENGTH, f_len_short),
	FAULT_HWP("bad_length_heartbeat_zero", BAD_LENGTH, f_len_zero),
	FAULT_HWP("bad_length_publish_payload_1401", BAD_LENGTH,
		  f_len_payload_over),
	FAULT_HWP("bad_length_subscribe_payload", BAD_LENGTH,
		  f_len_sub_payload),
	FAULT_HWP("bad_length_nack_short", BAD_LENGTH, f_len_nack_short),
	FAULT_HWP("length_overrun", LENGTH_OVERRUN, f_overrun),
	FAULT_HWP("length_overrun_second_frame", LENGTH_OVERRUN,
		  f_overrun_second),
	FAULT_HWP("zero_channel_publish", ZERO_CHANNEL, f_zero_chan_pub),
	FAULT_HWP("zero_channel_subscribe", ZERO_CHANNEL, f_zero_chan_sub),
	FAULT_HWP("zero_channel_unsubscribe", ZERO_CHANNEL, f_zero_chan_unsub),
	FAULT_HWP("zero_channel_nack", ZERO_CHANNEL, f_zero_chan_nack),
	FAULT_HWP("zero_publisher", ZERO_PUBLISHER, f_zero_publisher),
	FAULT_HWP("zero_subscriber_subscribe", ZERO_SUBSCRIBER, f_zero_sub_sub),
	FAULT_HWP("zero_subscriber_unsubscribe", ZERO_SUBSCRIBER,
		  f_zero_sub_unsub),
	FAULT_HWP("zero_subscriber_heartbeat", ZERO_SUBSCRIBER, f_zero_sub_hb),
	FAULT_HWP("zero_subscriber_nack", ZERO_SUBSCRIBER, f_zero_sub_nack),
	FAULT_HWP("zero_pub_seq", ZERO_PUB_SEQ, f_zero_pub_seq),
	FAULT_HWP("zero_from_seq_nack", ZERO_FROM_SEQ, f_zero_from_seq_nack),
	FAULT_HWP("bad_nack_count_0", BAD_NACK_COUNT, f_nack_count0),
	FAULT_HWP("bad_nack_count_1025", BAD_NACK_COUNT, f_nack_count_over),
	FAULT_HWP("multi_bad_middle_zero_channel", ZERO_CHANNEL,
		  f_multi_middle),
	FAULT_HWP("multi_bad_last_magic", BAD_MAGIC, f_multi_last),
	FAULT_HWP("multi_wrong_direction_gap", WRONG_DIRECTION,
		  f_multi_direction),
};

const unsigned int fault_hwp_count =
	sizeof(fault_hwp_defs) / sizeof(fault_hwp_defs[0]);
