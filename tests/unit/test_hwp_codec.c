/* SPDX-License-Identifier: BSD-3-Clause
 * HWP/1 codec: encode/parse round trips, exact wire bytes, payload
 * limits, multi-frame datagrams, the frame array bound and hwp_slot.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "hwp.h"
#include "hwp_test_datagrams.h"

/* Parses buf as a datagram holding exactly one frame. */
static struct hwp_frame
parse_one(const uint8_t *buf, size_t len, enum hwp_dir dir)
{
	struct hwp_frame fr[4];
	unsigned int n = 99;
	size_t fault = 99;
	enum hwp_err err;

	memset(fr, 0xa5, sizeof(fr));
	err = hwp_parse(buf, len, dir, fr, 4, &n, &fault);
	cr_assert_eq(err, HWP_ERR_OK, "parse: %s", hwp_err_str(err));
	cr_assert_eq(n, 1);
	cr_assert_eq(fr[0].offset, 0);
	cr_assert_eq(fr[0].length, len);
	/* hwp_validate must agree. */
	n = 99;
	cr_assert_eq(hwp_validate(buf, len, dir, &n, NULL), HWP_ERR_OK);
	cr_assert_eq(n, 1);
	return fr[0];
}

/* Re-encoding a parsed frame must give back the same bytes. */
static void
assert_reencodes(const struct hwp_frame *f, const uint8_t *buf, size_t len)
{
	uint8_t out[TD_MAX_LEN];

	cr_assert_eq(hwp_encode_frame(out, sizeof(out), f), (int)len);
	cr_assert_arr_eq(out, buf, len);
}

static void
fill_payload(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = td_payload_byte(i);
}

Test(codec, roundtrip_publish)
{
	struct hwp_publish in = td_publish();
	uint8_t payload[64];
	uint8_t buf[256];
	struct hwp_frame f;
	int len;

	fill_payload(payload, sizeof(payload));
	len = hwp_encode_publish(buf, sizeof(buf), HWP_F_START, &in, payload,
				 sizeof(payload));
	cr_assert_eq(len, HWP_PUBLISH_LEN + 64);
	f = parse_one(buf, (size_t)len, HWP_DIR_TO_HERALD);
	cr_assert_eq(f.type, HWP_T_PUBLISH);
	cr_assert_eq(f.flags, HWP_F_START);
	cr_assert_eq(f.u.publish.channel, in.channel);
	cr_assert_eq(f.u.publish.publisher, in.publisher);
	cr_assert_eq(f.u.publish.pub_seq, in.pub_seq);
	/* The payload is referenced in place, not copied. */
	cr_assert_eq(f.payload, buf + HWP_PUBLISH_LEN);
	cr_assert_eq(f.payload_len, 64);
	cr_assert_arr_eq(f.payload, payload, 64);
	assert_reencodes(&f, buf, (size_t)len);
	f = parse_one(buf, (size_t)len, HWP_DIR_ANY);
	cr_assert_eq(f.u.publish.pub_seq, in.pub_seq);
}

Test(codec, roundtrip_deliver)
{
	struct hwp_deliver in = td_deliver();
	uint8_t payload[100];
	uint8_t buf[256];
	struct hwp_frame f;
	int len;

	fill_payload(payload, sizeof(payload));
	len = hwp_encode_deliver(buf, sizeof(buf), HWP_F_RETRANSMIT, &in,
				 payload, sizeof(payload));
	cr_assert_eq(len, HWP_DELIVER_LEN + 100);
	f = parse_one(buf, (size_t)len, HWP_DIR_FROM_HERALD);
	cr_assert_eq(f.type, HWP_T_DELIVER);
	cr_assert_eq(f.flags, HWP_F_RETRANSMIT);
	cr_assert_eq(f.u.deliver.channel, in.channel);
	cr_assert_eq(f.u.deliver.seq, in.seq);
	cr_assert_eq(f.u.deliver.epoch, in.epoch);
	cr_assert_eq(f.u.deliver.publisher, in.publisher);
	cr_assert_eq(f.u.deliver.timestamp, in.timestamp);
	cr_assert_eq(f.payload, buf + HWP_DELIVER_LEN);
	cr_assert_eq(f.payload_len, 100);
	cr_assert_arr_eq(f.payload, payload, 100);
	assert_reencodes(&f, buf, (size_t)len);
}

Test(codec, roundtrip_puback)
{
	struct hwp_puback in = td_puback();
	uint8_t buf[64];
	struct hwp_frame f;
	int len;

	len = hwp_encode_puback(buf, sizeof(buf), &in);
	cr_assert_eq(len, HWP_PUBACK_LEN);
	f = parse_one(buf, (size_t)len, HWP_DIR_FROM_HERALD);
	cr_assert_eq(f.type, HWP_T_PUBACK);
	cr_assert_eq(f.flags, 0);
	cr_assert_eq(f.u.puback.publisher, in.publisher);
	cr_assert_eq(f.u.puback.epoch, in.epoch);
	cr_assert_eq(f.u.puback.acked_seq, in.acked_seq);
	cr_assert_eq(f.u.puback.credit, in.credit);
	cr_assert_null(f.payload);
	cr_assert_eq(f.payload_len, 0);
	assert_reencodes(&f, buf, (size_t)len);
}

static void
check_subscribe_roundtrip(uint8_t type)
{
	struct hwp_subscribe in = td_subscribe();
	uint8_t buf[128];
	struct hwp_frame f;
	int len;

	if (type == HWP_T_UNSUBSCRIBE)
		in.from_seq = 0; /* set to 0 by the sender (revision 2) */
	len = type == HWP_T_SUBSCRIBE
		      ? hwp_encode_subscribe(buf, sizeof(buf), &in)
		      : hwp_encode_unsubscribe(buf, sizeof(buf), &in);
	cr_assert_eq(len, HWP_SUBSCRIBE_LEN);
	f = parse_one(buf, (size_t)len, HWP_DIR_TO_HERALD);
	cr_assert_eq(f.type, type);
	cr_assert_eq(f.u.subscribe.channel, in.channel);
	cr_assert_eq(f.u.subscribe.subscriber, in.subscriber);
	cr_assert_eq(f.u.subscribe.from_seq, in.from_seq);
	cr_assert_eq(f.u.subscribe.expires, in.expires);
	cr_assert_arr_eq(f.u.subscribe.token, in.token, HWP_TOKEN_LEN);
	cr_assert_null(f.payload);
	assert_reencodes(&f, buf, (size_t)len);
}

Test(codec, roundtrip_subscribe)
{
	check_subscribe_roundtrip(HWP_T_SUBSCRIBE);
}

Test(codec, roundtrip_unsubscribe)
{
	check_subscribe_roundtrip(HWP_T_UNSUBSCRIBE);
}

Test(codec, roundtrip_suback)
{
	struct hwp_suback in = td_suback();
	uint8_t buf[64];
	struct hwp_frame f;
	int len;

	len = hwp_encode_suback(buf, sizeof(buf), &in);
	cr_assert_eq(len, HWP_SUBACK_LEN);
	f = parse_one(buf, (size_t)len, HWP_DIR_FROM_HERALD);
	cr_assert_eq(f.type, HWP_T_SUBACK);
	cr_assert_eq(f.u.suback.channel, in.channel);
	cr_assert_eq(f.u.suback.subscriber, in.subscriber);
	cr_assert_eq(f.u.suback.status, in.status);
	cr_assert_eq(f.u.suback.next_seq, in.next_seq);
	cr_assert_eq(f.u.suback.epoch, in.epoch);
	assert_reencodes(&f, buf, (size_t)len);
}

/* A subscriber's HEARTBEAT (seq and epoch 0) is valid both ways; Herald's
 * (with both set) only from Herald and in HWP_DIR_ANY. */
Test(codec, roundtrip_heartbeat_both_directions)
{
	struct hwp_heartbeat herald_hb = td_heartbeat();
	struct hwp_heartbeat in = td_heartbeat_sub();
	enum hwp_dir dirs[] = {HWP_DIR_TO_HERALD, HWP_DIR_FROM_HERALD,
			       HWP_DIR_ANY};
	uint8_t buf[64];
	struct hwp_frame f;
	unsigned int i, n;
	int len;

	len = hwp_encode_heartbeat(buf, sizeof(buf), &herald_hb);
	cr_assert_eq(len, HWP_HEARTBEAT_LEN);
	cr_assert_eq(
		hwp_validate(buf, (size_t)len, HWP_DIR_TO_HERALD, &n, NULL),
		HWP_ERR_RESERVED_NONZERO);
	for (i = 1; i < 3; i++) {
		f = parse_one(buf, (size_t)len, dirs[i]);
		cr_assert_eq(f.u.heartbeat.seq, herald_hb.seq);
		cr_assert_eq(f.u.heartbeat.epoch, herald_hb.epoch);
		assert_reencodes(&f, buf, (size_t)len);
	}
	len = hwp_encode_heartbeat(buf, sizeof(buf), &in);
	cr_assert_eq(len, HWP_HEARTBEAT_LEN);
	for (i = 0; i < 3; i++) {
		f = parse_one(buf, (size_t)len, dirs[i]);
		cr_assert_eq(f.type, HWP_T_HEARTBEAT);
		cr_assert_eq(f.u.heartbeat.channel, in.channel);
		cr_assert_eq(f.u.heartbeat.seq, in.seq);
		cr_assert_eq(f.u.heartbeat.subscriber, in.subscriber);
		cr_assert_eq(f.u.heartbeat.epoch, in.epoch);
		assert_reencodes(&f, buf, (size_t)len);
	}
}

Test(codec, heartbeat_keepalive_channel_zero_is_valid)
{
	struct hwp_heartbeat in = {.subscriber = 5};
	uint8_t buf[64];
	struct hwp_frame f;
	int len;

	len = hwp_encode_heartbeat(buf, sizeof(buf), &in);
	f = parse_one(buf, (size_t)len, HWP_DIR_TO_HERALD);
	cr_assert_eq(f.u.heartbeat.channel, 0);
	cr_assert_eq(f.u.heartbeat.subscriber, 5);
}

Test(codec, roundtrip_nack)
{
	struct hwp_nack in = td_nack();
	uint8_t buf[64];
	struct hwp_frame f;
	int len;

	len = hwp_encode_nack(buf, sizeof(buf), &in);
	cr_assert_eq(len, HWP_NACK_LEN);
	f = parse_one(buf, (size_t)len, HWP_DIR_TO_HERALD);
	cr_assert_eq(f.type, HWP_T_NACK);
	cr_assert_eq(f.u.nack.channel, in.channel);
	cr_assert_eq(f.u.nack.from_seq, in.from_seq);
	cr_assert_eq(f.u.nack.count, in.count);
	cr_assert_eq(f.u.nack.subscriber, in.subscriber);
	assert_reencodes(&f, buf, (size_t)len);
}

Test(codec, roundtrip_gap)
{
	struct hwp_gap in = td_gap();
	uint8_t buf[64];
	struct hwp_frame f;
	int len;

	len = hwp_encode_gap(buf, sizeof(buf), &in);
	cr_assert_eq(len, HWP_GAP_LEN);
	f = parse_one(buf, (size_t)len, HWP_DIR_FROM_HERALD);
	cr_assert_eq(f.type, HWP_T_GAP);
	cr_assert_eq(f.u.gap.channel, in.channel);
	cr_assert_eq(f.u.gap.from_seq, in.from_seq);
	cr_assert_eq(f.u.gap.count, in.count);
	cr_assert_eq(f.u.gap.epoch, in.epoch);
	assert_reencodes(&f, buf, (size_t)len);
}

/*
 * Wire bytes written by hand from the tables of PROTOCOL.md section 3,
 * so the encoder is checked against the spec, not against the parser.
 */
Test(codec, publish_wire_bytes)
{
	static const uint8_t want[] = {
		0x48, 0x52, 0x01, 0x01,
		0x02, 0x00, 0x00, 0x23, /* hdr, len 35 */
		0x01, 0x02, 0x03, 0x04,
		0x05, 0x06, 0x07, 0x08, /* channel */
		0x11, 0x12, 0x13, 0x14,
		0x00, 0x00, 0x00, 0x00, /* pub, rsvd */
		0x21, 0x22, 0x23, 0x24,
		0x25, 0x26, 0x27, 0x28, /* pub_seq */
		'a',  'b',  'c',
	};
	struct hwp_publish in = td_publish();
	uint8_t buf[64];

	memset(buf, 0xee, sizeof(buf));
	cr_assert_eq(hwp_encode_publish(buf, sizeof(buf), HWP_F_START, &in,
					"abc", 3),
		     (int)sizeof(want));
	cr_assert_arr_eq(buf, want, sizeof(want));
	cr_assert_eq(buf[sizeof(want)], 0xee, "wrote past the frame");
}

Test(codec, suback_wire_bytes)
{
	static const uint8_t want[] = {
		0x48, 0x52, 0x01, 0x06,
		0x00, 0x00, 0x00, 0x28, /* hdr, len 40 */
		0x01, 0x02, 0x03, 0x04,
		0x05, 0x06, 0x07, 0x08, /* channel */
		0x81, 0x82, 0x83, 0x84,
		0x05, 0x00, 0x00, 0x00, /* sub, status */
		0xb1, 0xb2, 0xb3, 0xb4,
		0xb5, 0xb6, 0xb7, 0xb8, /* next_seq */
		0x41, 0x42, 0x43, 0x44,
		0x00, 0x00, 0x00, 0x00, /* epoch, rsvd */
	};
	struct hwp_suback in = td_suback();
	uint8_t buf[64];

	/* Dirty buffer: the encoder must zero the reserved bytes itself. */
	memset(buf, 0xee, sizeof(buf));
	cr_assert_eq(hwp_encode_suback(buf, sizeof(buf), &in),
		     (int)sizeof(want));
	cr_assert_arr_eq(buf, want, sizeof(want));
}

Test(codec, nack_and_subscribe_wire_bytes)
{
	static const uint8_t nack[] = {
		0x48, 0x52, 0x01, 0x08, 0x00, 0x00, 0x00, 0x20,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
		0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8,
		0x00, 0x00, 0x00, 0x11, 0x81, 0x82, 0x83, 0x84,
	};
	struct hwp_nack n = td_nack();
	struct hwp_subscribe s = td_subscribe();
	uint8_t buf[128];

	memset(buf, 0xee, sizeof(buf));
	cr_assert_eq(hwp_encode_nack(buf, sizeof(buf), &n), 32);
	cr_assert_arr_eq(buf, nack, sizeof(nack));

	memset(buf, 0xee, sizeof(buf));
	cr_assert_eq(hwp_encode_subscribe(buf, sizeof(buf), &s), 72);
	cr_assert_eq(buf[3], 0x04);
	cr_assert_eq(buf[7], 72);
	cr_assert_eq(buf[20] | buf[21] | buf[22] | buf[23], 0);
	cr_assert_eq(buf[24], 0x91); /* from_seq */
	cr_assert_eq(buf[32], 0xa1); /* expires */
	cr_assert_eq(buf[40], 0xc0); /* token */
	cr_assert_eq(buf[71], 0xc0 + 31);
}

Test(codec, payload_sizes)
{
	struct hwp_publish pub = td_publish();
	struct hwp_deliver del = td_deliver();
	uint8_t payload[HWP_MAX_PAYLOAD + 1];
	uint8_t buf[TD_MAX_LEN];
	struct hwp_frame f;
	int len;

	fill_payload(payload, sizeof(payload));

	len = hwp_encode_publish(buf, sizeof(buf), 0, &pub, NULL, 0);
	cr_assert_eq(len, HWP_PUBLISH_LEN);
	f = parse_one(buf, (size_t)len, HWP_DIR_TO_HERALD);
	cr_assert_eq(f.payload_len, 0);

	len = hwp_encode_publish(buf, sizeof(buf), 0, &pub, payload, 1400);
	cr_assert_eq(len, HWP_PUBLISH_LEN + 1400);
	f = parse_one(buf, (size_t)len, HWP_DIR_TO_HERALD);
	cr_assert_eq(f.payload_len, 1400);
	cr_assert_arr_eq(f.payload, payload, 1400);

	len = hwp_encode_deliver(buf, sizeof(buf), 0, &del, NULL, 0);
	cr_assert_eq(len, HWP_DELIVER_LEN);
	f = parse_one(buf, (size_t)len, HWP_DIR_FROM_HERALD);
	cr_assert_eq(f.payload_len, 0);

	len = hwp_encode_deliver(buf, sizeof(buf), 0, &del, payload, 1400);
	cr_assert_eq(len, HWP_DELIVER_LEN + 1400);
	f = parse_one(buf, (size_t)len, HWP_DIR_FROM_HERALD);
	cr_assert_eq(f.payload_len, 1400);
	cr_assert_eq(f.length, HWP_MAX_FRAME_LEN);
}

Test(codec, payload_1401_rejected_by_encoder)
{
	struct hwp_publish pub = td_publish();
	struct hwp_deliver del = td_deliver();
	uint8_t payload[HWP_MAX_PAYLOAD + 1] = {0};
	uint8_t buf[TD_MAX_LEN];

	cr_assert_eq(
		hwp_encode_publish(buf, sizeof(buf), 0, &pub, payload, 1401),
		-1);
	cr_assert_eq(
		hwp_encode_deliver(buf, sizeof(buf), 0, &del, payload, 1401),
		-1);
	cr_assert_eq(hwp_encode_deliver_hdr(buf, sizeof(buf), 0, &del, 1401),
		     -1);
	/* Huge sizes must not wrap the capacity arithmetic. */
	cr_assert_eq(hwp_encode_publish(buf, sizeof(buf), 0, &pub, payload,
					SIZE_MAX),
		     -1);
	cr_assert_eq(hwp_encode_deliver(buf, sizeof(buf), 0, &del, payload,
					SIZE_MAX - 10),
		     -1);
}

Test(codec, payload_1401_rejected_by_parser)
{
	struct hwp_publish pub = td_publish();
	struct hwp_deliver del = td_deliver();
	uint8_t payload[HWP_MAX_PAYLOAD] = {0};
	uint8_t buf[TD_MAX_LEN] = {0};
	struct hwp_frame fr[2];
	unsigned int n = 7;
	size_t fault = 7;

	/* A 1400-byte frame, then its length field raised by one with the
	 * byte present, so only the payload limit is broken. */
	hwp_encode_publish(buf, sizeof(buf), 0, &pub, payload, 1400);
	hwp_put16(buf + HWP_OFF_LENGTH, HWP_PUBLISH_LEN + 1401);
	cr_assert_eq(hwp_parse(buf, HWP_PUBLISH_LEN + 1401, HWP_DIR_TO_HERALD,
			       fr, 2, &n, &fault),
		     HWP_ERR_BAD_LENGTH);
	cr_assert_eq(n, 0);
	cr_assert_eq(fault, 0);

	hwp_encode_deliver(buf, sizeof(buf), 0, &del, payload, 1400);
	hwp_put16(buf + HWP_OFF_LENGTH, HWP_DELIVER_LEN + 1401);
	cr_assert_eq(hwp_parse(buf, HWP_DELIVER_LEN + 1401, HWP_DIR_ANY, fr, 2,
			       &n, &fault),
		     HWP_ERR_BAD_LENGTH);
}

Test(codec, encoder_capacity)
{
	struct hwp_publish pub = td_publish();
	struct hwp_subscribe sub = td_subscribe();
	struct hwp_gap gap = td_gap();
	uint8_t buf[128];

	memset(buf, 0xee, sizeof(buf));
	cr_assert_eq(hwp_encode_publish(buf, 34, 0, &pub, "abc", 3), -1);
	cr_assert_eq(hwp_encode_publish(buf, 35, 0, &pub, "abc", 3), 35);
	cr_assert_eq(hwp_encode_subscribe(buf, 71, &sub), -1);
	cr_assert_eq(hwp_encode_unsubscribe(buf, 71, &sub), -1);
	cr_assert_eq(hwp_encode_gap(buf, 31, &gap), -1);
	cr_assert_eq(hwp_encode_gap(buf, 32, &gap), 32);
	/* A missing payload with a nonzero length is refused. */
	cr_assert_eq(hwp_encode_publish(buf, sizeof(buf), 0, &pub, NULL, 1),
		     -1);
	cr_assert_eq(hwp_encode_publish(NULL, sizeof(buf), 0, &pub, NULL, 0),
		     -1);
}

Test(codec, deliver_hdr_then_payload)
{
	struct hwp_deliver del = td_deliver();
	uint8_t buf[HWP_DELIVER_LEN + 300];
	uint8_t ref[HWP_DELIVER_LEN + 300];
	struct hwp_frame f;

	/* The header alone fits in 40 bytes and announces the payload. */
	cr_assert_eq(hwp_encode_deliver_hdr(buf, HWP_DELIVER_LEN, 0, &del, 300),
		     HWP_DELIVER_LEN);
	cr_assert_eq(hwp_get16(buf + HWP_OFF_LENGTH), HWP_DELIVER_LEN + 300);
	fill_payload(buf + HWP_DELIVER_LEN, 300);
	f = parse_one(buf, sizeof(buf), HWP_DIR_FROM_HERALD);
	cr_assert_eq(f.payload_len, 300);
	cr_assert_eq(f.u.deliver.seq, del.seq);
	/* Same bytes as the one-shot encoder. */
	cr_assert_eq(hwp_encode_deliver(ref, sizeof(ref), 0, &del,
					buf + HWP_DELIVER_LEN, 300),
		     (int)sizeof(ref));
	cr_assert_arr_eq(ref, buf, sizeof(ref));
}

Test(codec, deliver_words_match_encoder)
{
	static const uint16_t lens[] = {0, 1, 64, 1400};
	struct hwp_deliver del = td_deliver();
	uint8_t flags, ref[HWP_DELIVER_LEN], got[HWP_DELIVER_LEN];
	struct hwp_deliver_words dw;
	unsigned int i;

	/* Every flag combination and payload size gives the encoder's bytes,
	 * and fields with every byte distinct catch a swapped word. */
	del.channel = 0x0102030405060708ULL;
	del.seq = 0x1112131415161718ULL;
	del.epoch = 0x21222324;
	del.publisher = 0x31323334;
	del.timestamp = 0x4142434445464748ULL;
	for (flags = 0; flags <= HWP_F_MASK; flags++)
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			cr_assert_eq(hwp_encode_deliver_hdr(ref, sizeof(ref),
							    flags, &del,
							    lens[i]),
				     HWP_DELIVER_LEN);
			memset(got, 0xa5, sizeof(got));
			hwp_deliver_words(&dw, flags, &del, lens[i]);
			hwp_words_store(got, dw.w, HWP_DELIVER_WORDS);
			cr_assert_arr_eq(ref, got, sizeof(ref),
					 "flags %u, payload %u", flags,
					 lens[i]);
		}
}

Test(codec, puback_words_match_encoder)
{
	struct hwp_puback ack = {
		.publisher = 0x01020304,
		.epoch = 0x11121314,
		.acked_seq = 0x2122232425262728ULL,
		.credit = 0x31323334,
	};
	uint8_t ref[HWP_PUBACK_LEN], got[HWP_PUBACK_LEN];
	struct hwp_puback_words pw;

	cr_assert_eq(hwp_encode_puback(ref, sizeof(ref), &ack), HWP_PUBACK_LEN);
	memset(got, 0xa5, sizeof(got));
	hwp_puback_words(&pw, &ack);
	hwp_words_store(got, pw.w, HWP_PUBACK_WORDS);
	cr_assert_arr_eq(ref, got, sizeof(ref));
}

Test(codec, encode_frame_rejects_unknown_type)
{
	struct hwp_frame f = {.type = 0x0a};
	uint8_t buf[64];

	cr_assert_eq(hwp_encode_frame(buf, sizeof(buf), &f), -1);
	f.type = 0;
	cr_assert_eq(hwp_encode_frame(buf, sizeof(buf), &f), -1);
}

Test(codec, encode_frame_keeps_flags)
{
	struct hwp_frame f = {.type = HWP_T_NACK, .flags = HWP_F_RETRANSMIT};
	uint8_t buf[64];

	f.u.nack = td_nack();
	cr_assert_eq(hwp_encode_frame(buf, sizeof(buf), &f), HWP_NACK_LEN);
	cr_assert_eq(buf[HWP_OFF_FLAGS], HWP_F_RETRANSMIT);
	cr_assert_eq(buf[HWP_OFF_TYPE], HWP_T_NACK);
}

/* Several good frames of mixed types in one datagram. */
Test(codec, multi_frame_to_herald)
{
	static const uint8_t types[] = {HWP_T_PUBLISH,	   HWP_T_SUBSCRIBE,
					HWP_T_HEARTBEAT,   HWP_T_NACK,
					HWP_T_UNSUBSCRIBE, HWP_T_PUBLISH};
	static const uint16_t plen[] = {64, 0, 0, 0, 0, 0};
	uint8_t buf[TD_MAX_LEN];
	size_t offs[6];
	struct hwp_frame fr[8];
	size_t off = 0;
	unsigned int i;
	unsigned int n = 0;
	unsigned int vn = 0;

	for (i = 0; i < 6; i++) {
		int len = td_frame(buf + off, sizeof(buf) - off, types[i], 0,
				   plen[i]);

		cr_assert_gt(len, 0);
		offs[i] = off;
		off += (size_t)len;
	}
	cr_assert_eq(hwp_parse(buf, off, HWP_DIR_TO_HERALD, fr, 8, &n, NULL),
		     HWP_ERR_OK);
	cr_assert_eq(n, 6);
	for (i = 0; i < 6; i++) {
		cr_assert_eq(fr[i].type, types[i]);
		cr_assert_eq(fr[i].offset, offs[i]);
		cr_assert_eq(fr[i].payload_len, plen[i]);
	}
	cr_assert_eq(fr[0].payload, buf + HWP_PUBLISH_LEN);
	cr_assert_eq(fr[5].payload, buf + off);
	cr_assert_eq(fr[5].payload_len, 0);
	cr_assert_eq(fr[1].u.subscribe.subscriber, td_subscribe().subscriber);
	cr_assert_eq(fr[3].u.nack.count, td_nack().count);
	cr_assert_eq(hwp_validate(buf, off, HWP_DIR_TO_HERALD, &vn, NULL),
		     HWP_ERR_OK);
	cr_assert_eq(vn, 6);
	/* The same bytes are not a valid datagram from Herald. */
	cr_assert_eq(hwp_parse(buf, off, HWP_DIR_FROM_HERALD, fr, 8, &n, NULL),
		     HWP_ERR_WRONG_DIRECTION);
	cr_assert_eq(n, 0);
}

/* One bad frame among good ones rejects the whole datagram. */
Test(codec, one_bad_frame_rejects_datagram)
{
	uint8_t buf[TD_MAX_LEN];
	struct hwp_frame fr[8];
	size_t off = 0;
	size_t bad_off = 0;
	size_t fault = 0;
	unsigned int n = 42;
	unsigned int i;

	for (i = 0; i < 5; i++) {
		if (i == 3)
			bad_off = off;
		off += (size_t)td_frame(buf + off, sizeof(buf) - off,
					HWP_T_PUBLISH, 0, 10);
	}
	cr_assert_eq(hwp_parse(buf, off, HWP_DIR_TO_HERALD, fr, 8, &n, &fault),
		     HWP_ERR_OK);
	cr_assert_eq(n, 5);
	/* Zero the fourth frame's publisher. */
	hwp_put32(buf + bad_off + HWP_PUBLISH_OFF_PUBLISHER, 0);
	n = 42;
	cr_assert_eq(hwp_parse(buf, off, HWP_DIR_TO_HERALD, fr, 8, &n, &fault),
		     HWP_ERR_ZERO_PUBLISHER);
	cr_assert_eq(n, 0);
	cr_assert_eq(fault, bad_off);
	n = 42;
	cr_assert_eq(hwp_validate(buf, off, HWP_DIR_TO_HERALD, &n, &fault),
		     HWP_ERR_ZERO_PUBLISHER);
	cr_assert_eq(n, 0);
	cr_assert_eq(fault, bad_off);
}

Test(codec, too_many_frames)
{
	uint8_t buf[TD_MAX_LEN];
	struct hwp_frame fr[6];
	size_t off = 0;
	size_t fault = 0;
	unsigned int n = 42;
	unsigned int i;

	for (i = 0; i < 5; i++)
		off += (size_t)td_frame(buf + off, sizeof(buf) - off,
					HWP_T_HEARTBEAT, 0, 0);
	memset(fr, 0xa5, sizeof(fr));
	cr_assert_eq(hwp_parse(buf, off, HWP_DIR_TO_HERALD, fr, 4, &n, &fault),
		     HWP_ERR_TOO_MANY_FRAMES);
	cr_assert_eq(n, 0);
	cr_assert_eq(fault, 4 * HWP_HEARTBEAT_LEN, "fault at the 5th frame");
	/* Nothing written past the caller's bound. */
	for (i = 0; i < sizeof(fr[4]); i++)
		cr_assert_eq(((uint8_t *)&fr[4])[i], 0xa5);

	cr_assert_eq(hwp_parse(buf, off, HWP_DIR_TO_HERALD, fr, 5, &n, &fault),
		     HWP_ERR_OK);
	cr_assert_eq(n, 5);
	cr_assert_eq(hwp_parse(buf, off, HWP_DIR_TO_HERALD, fr, 0, &n, &fault),
		     HWP_ERR_TOO_MANY_FRAMES);
	cr_assert_eq(fault, 0);
	/* An empty datagram is EMPTY whatever the array. */
	cr_assert_eq(hwp_parse(buf, 0, HWP_DIR_TO_HERALD, fr, 0, &n, &fault),
		     HWP_ERR_EMPTY);
	/* The unbounded validator accepts it. */
	cr_assert_eq(hwp_validate(buf, off, HWP_DIR_TO_HERALD, &n, NULL),
		     HWP_ERR_OK);
	cr_assert_eq(n, 5);
}

Test(codec, max_frames_per_datagram)
{
	static uint8_t buf[HWP_MAX_FRAMES_PER_DATAGRAM * HWP_MIN_FRAME_LEN];
	static struct hwp_frame fr[HWP_MAX_FRAMES_PER_DATAGRAM];
	unsigned int n = 0;
	unsigned int i;

	for (i = 0; i < HWP_MAX_FRAMES_PER_DATAGRAM; i++)
		td_frame(buf + i * HWP_MIN_FRAME_LEN, HWP_MIN_FRAME_LEN,
			 HWP_T_NACK, 0, 0);
	cr_assert_eq(hwp_parse(buf, sizeof(buf), HWP_DIR_TO_HERALD, fr,
			       HWP_MAX_FRAMES_PER_DATAGRAM, &n, NULL),
		     HWP_ERR_OK);
	cr_assert_eq(n, HWP_MAX_FRAMES_PER_DATAGRAM);
	cr_assert_eq(fr[n - 1].offset, sizeof(buf) - HWP_MIN_FRAME_LEN);
}

Test(codec, names)
{
	cr_assert_str_eq(hwp_err_str(HWP_ERR_OK), "ok");
	cr_assert_str_eq(hwp_err_str(HWP_ERR_EMPTY), "empty_datagram");
	cr_assert_str_eq(hwp_err_str(HWP_ERR_TRUNCATED), "truncated_header");
	cr_assert_str_eq(hwp_err_str(HWP_ERR_BAD_NACK_COUNT), "bad_nack_count");
	cr_assert_str_eq(hwp_err_str(HWP_ERR_TOO_MANY_FRAMES),
			 "too_many_frames");
	cr_assert_str_eq(hwp_err_str(HWP_ERR__COUNT), "unknown");
	cr_assert_str_eq(hwp_err_str((enum hwp_err) - 1), "unknown");
	cr_assert_str_eq(hwp_type_str(HWP_T_PUBLISH), "publish");
	cr_assert_str_eq(hwp_type_str(HWP_T_UNSUBSCRIBE), "unsubscribe");
	cr_assert_str_eq(hwp_type_str(HWP_T_GAP), "gap");
	cr_assert_str_eq(hwp_type_str(0), "unknown");
	cr_assert_str_eq(hwp_type_str(10), "unknown");
}

/*
 * fmix64 and slot vectors computed independently with Python ints:
 *
 * python3 -c 'M=2**64-1
 * def f(k):
 *     k^=k>>33; k=(k*0xff51afd7ed558ccd)&M; k^=k>>33
 *     k=(k*0xc4ceb9fe1a85ec53)&M; k^=k>>33; return k
 * for c in [0,1,2,3,42,4096,0xffffffff,0x100000000,0x0102030405060708,
 *           0xdeadbeefcafebabe,2**63,M]:
 *     print("{0x%xULL, 0x%016xULL, %d}," % (c, f(c), f(c)%4096))'
 */
Test(codec, slot_vectors)
{
	static const struct {
		uint64_t channel;
		uint64_t fmix;
		uint32_t slot;
	} v[] = {
		{0x0ULL, 0x0000000000000000ULL, 0},
		{0x1ULL, 0xb456bcfc34c2cb2cULL, 2860},
		{0x2ULL, 0x3abf2a20650683e7ULL, 999},
		{0x3ULL, 0x0b5181c509f8d8ceULL, 2254},
		{0x2aULL, 0x810879608e4259ccULL, 2508},
		{0x1000ULL, 0xc980945b89619d73ULL, 3443},
		{0xffffffffULL, 0xcc71ecda2aa8bcc6ULL, 3270},
		{0x100000000ULL, 0xba3a9e160a5f1419ULL, 1049},
		{0x102030405060708ULL, 0xd1af0fbb4178c20eULL, 526},
		{0xdeadbeefcafebabeULL, 0x7082995008f0c48cULL, 1164},
		{0x8000000000000000ULL, 0x8f780810af31a493ULL, 1171},
		{0xffffffffffffffffULL, 0x64b5720b4b825f21ULL, 3873},
	};
	unsigned int i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		cr_assert_eq(hwp_fmix64(v[i].channel), v[i].fmix,
			     "fmix64(%#llx)", (unsigned long long)v[i].channel);
		cr_assert_eq(hwp_slot(v[i].channel), v[i].slot, "slot(%#llx)",
			     (unsigned long long)v[i].channel);
	}
}
