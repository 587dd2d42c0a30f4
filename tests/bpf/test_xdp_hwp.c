/* SPDX-License-Identifier: BSD-3-Clause
 * The XDP program on HWP datagrams: every codec fault under the codec's
 * name (PROTOCOL.md section 4, revision 2: PASSIVE on SUBSCRIBE only,
 * NACK from_seq 0, sender-zero fields), in the codec's order, in the
 * first frame and in later ones; jumbo datagrams (xdp.frags) validated
 * like others; the tail after HERALD_XDP_MAX_FRAMES frames left to
 * Herald. Each expected drop is first confirmed with hwp_validate.
 *
 * The differential test against the codec is test_xdp_diff.c.
 */
#include <string.h>

#include <linux/bpf.h>

#include <criterion/criterion.h>

#include "hx_run.h"

TestSuite(xdp, .init = hx_setup, .fini = hx_teardown, .timeout = 60);

static uint8_t d[HX_PKT_MAX];
static uint8_t pkt[HX_PKT_MAX];

/* ---- revision 1 faults -------------------------------------------- */

Test(xdp, drop_empty_datagram)
{
	hx_expect_dropped(NULL, 0, "empty_datagram");
}

Test(xdp, drop_truncated_header)
{
	uint8_t h[8] = {0x48, 0x52, 1, 1, 0};

	hx_expect_dropped(h, 5, "truncated_header");
}

Test(xdp, drop_bad_magic)
{
	size_t n = hx_mk_subscribe(d, 5);

	d[0] = 'X';
	hx_expect_dropped(d, n, "bad_magic");
}

Test(xdp, drop_bad_version)
{
	size_t n = hx_mk_heartbeat(d, 5);

	d[HWP_OFF_VERSION] = 2;
	hx_expect_dropped(d, n, "bad_version");
}

Test(xdp, drop_bad_type)
{
	size_t n = hx_mk_heartbeat(d, 5);

	d[HWP_OFF_TYPE] = 0x0a;
	hx_expect_dropped(d, n, "bad_type");
}

Test(xdp, drop_wrong_direction)
{
	struct hwp_deliver f = {.channel = 5, .seq = 1, .publisher = 7};
	int n = hwp_encode_deliver(d, sizeof(d), 0, &f, NULL, 0);

	cr_assert_gt(n, 0);
	hx_expect_dropped(d, (size_t)n, "wrong_direction");
}

Test(xdp, drop_bad_flags)
{
	size_t n = hx_mk_heartbeat(d, 5);

	d[HWP_OFF_FLAGS] = 0x08;
	hx_expect_dropped(d, n, "bad_flags");
}

Test(xdp, drop_header_reserved)
{
	size_t n = hx_mk_heartbeat(d, 5);

	d[HWP_OFF_RESERVED] = 1;
	hx_expect_dropped(d, n, "reserved_nonzero");
}

Test(xdp, drop_bad_length_fixed_type)
{
	size_t n = hx_mk_subscribe(d, 5);

	d[n] = 0;
	hwp_put16(d + HWP_OFF_LENGTH, HWP_SUBSCRIBE_LEN + 1);
	hx_expect_dropped(d, n + 1, "bad_length");
}

Test(xdp, drop_bad_length_payload_too_long)
{
	size_t n = hx_mk_publish(d, 5, HWP_MAX_PAYLOAD);

	/* 1401 payload bytes: one past the limit. */
	d[n] = 0;
	hwp_put16(d + HWP_OFF_LENGTH, (uint16_t)(n + 1));
	hx_expect_dropped(d, n + 1, "bad_length");
}

Test(xdp, drop_length_overrun)
{
	size_t n = hx_mk_publish(d, 5, 16);

	hx_expect_dropped(d, n - 1, "length_overrun");
}

Test(xdp, drop_zero_channel)
{
	hx_expect_dropped(d, hx_mk_publish(d, 0, 0), "zero_channel");
}

Test(xdp, drop_zero_publisher)
{
	size_t n = hx_mk_publish(d, 5, 0);

	hwp_put32(d + HWP_PUBLISH_OFF_PUBLISHER, 0);
	hx_expect_dropped(d, n, "zero_publisher");
}

Test(xdp, drop_publish_reserved)
{
	size_t n = hx_mk_publish(d, 5, 0);

	d[HWP_PUBLISH_OFF_RESERVED + 3] = 1;
	hx_expect_dropped(d, n, "reserved_nonzero");
}

Test(xdp, drop_zero_pub_seq)
{
	size_t n = hx_mk_publish(d, 5, 0);

	hwp_put64(d + HWP_PUBLISH_OFF_PUB_SEQ, 0);
	hx_expect_dropped(d, n, "zero_pub_seq");
}

Test(xdp, drop_zero_subscriber)
{
	size_t n = hx_mk_subscribe(d, 5);

	hwp_put32(d + HWP_SUBSCRIBE_OFF_SUBSCRIBER, 0);
	hx_expect_dropped(d, n, "zero_subscriber");
}

Test(xdp, drop_heartbeat_zero_subscriber)
{
	size_t n = hx_mk_heartbeat(d, 0);

	hwp_put32(d + HWP_HEARTBEAT_OFF_SUBSCRIBER, 0);
	hx_expect_dropped(d, n, "zero_subscriber");
}

Test(xdp, drop_bad_nack_count)
{
	hx_expect_dropped(d, hx_mk_nack(d, 5, 0), "bad_nack_count");
	hx_expect_dropped(d, hx_mk_nack(d, 5, HWP_NACK_MAX_COUNT + 1),
			  "bad_nack_count");
}

Test(xdp, accept_nack_count_limits)
{
	hx_expect_dgram(d, hx_mk_nack(d, 5, 1), XDP_PASS, "local_no_xsk");
	hx_expect_dgram(d, hx_mk_nack(d, 5, HWP_NACK_MAX_COUNT), XDP_PASS,
			"local_no_xsk");
}

Test(xdp, drop_fault_in_later_frame)
{
	size_t n = 0;

	n += hx_mk_subscribe(d + n, 5);
	n += hx_mk_heartbeat(d + n, 0);
	n += hx_mk_nack(d + n, 6, 1);
	d[n - HWP_NACK_LEN + HWP_OFF_VERSION] = 9; /* third frame */
	hx_expect_dropped(d, n, "bad_version");
}

Test(xdp, drop_trailing_bytes)
{
	size_t n = hx_mk_heartbeat(d, 5);

	memset(d + n, 0x48, 4);
	hx_expect_dropped(d, n + 4, "truncated_header");
}

Test(xdp, accept_multi_frame_datagram)
{
	size_t n = 0;
	int i;

	n += hx_mk_publish(d + n, 77, 100);
	for (i = 0; i < 20; i++)
		n += hx_mk_heartbeat(d + n, (uint64_t)i);
	n += hx_mk_subscribe(d + n, 78);
	n += hx_mk_unsubscribe(d + n, 78);
	cr_assert_eq(hwp_validate(d, n, HWP_DIR_TO_HERALD, NULL, NULL),
		     HWP_ERR_OK);
	hx_expect_dgram(d, n, XDP_PASS, "local_no_xsk");
}

Test(xdp, accept_max_payload)
{
	hx_expect_dgram(d, hx_mk_publish(d, 5, HWP_MAX_PAYLOAD), XDP_PASS,
			"local_no_xsk");
}

/* ---- revision 2 rules --------------------------------------------- */

/*
 * Each check runs on the datagram alone (the first frame, read in place)
 * and behind a valid HEARTBEAT (a later frame, copied out by the walk).
 */
static void
expect_both_places(const uint8_t *f, size_t n, int act, const char *counter)
{
	static uint8_t two[2 * HWP_SUBSCRIBE_LEN + HWP_HEARTBEAT_LEN];
	size_t k = hx_mk_heartbeat(two, 5);

	cr_assert_leq(k + n, sizeof(two));
	memcpy(two + k, f, n);
	if (act == XDP_DROP) {
		hx_expect_dropped(f, n, counter);
		hx_expect_dropped(two, k + n, counter);
	} else {
		cr_assert_eq(hwp_validate(f, n, HWP_DIR_TO_HERALD, NULL, NULL),
			     HWP_ERR_OK);
		hx_expect_dgram(f, n, act, counter);
		hx_expect_dgram(two, k + n, act, counter);
	}
}

Test(xdp, passive_valid_on_subscribe_only)
{
	uint8_t f[HWP_SUBSCRIBE_LEN];
	size_t n;

	n = hx_mk_subscribe(f, 5);
	f[HWP_OFF_FLAGS] = HWP_F_PASSIVE;
	expect_both_places(f, n, XDP_PASS, "local_no_xsk");
	f[HWP_OFF_FLAGS] = HWP_F_MASK;
	expect_both_places(f, n, XDP_PASS, "local_no_xsk");
	f[HWP_OFF_FLAGS] = HWP_F_PASSIVE | 0x08;
	expect_both_places(f, n, XDP_DROP, "bad_flags");

	n = hx_mk_unsubscribe(f, 5);
	f[HWP_OFF_FLAGS] = HWP_F_PASSIVE;
	expect_both_places(f, n, XDP_DROP, "bad_flags");
	n = hx_mk_publish(f, 5, 0);
	f[HWP_OFF_FLAGS] |= HWP_F_PASSIVE;
	expect_both_places(f, n, XDP_DROP, "bad_flags");
	n = hx_mk_heartbeat(f, 0);
	f[HWP_OFF_FLAGS] = HWP_F_PASSIVE;
	expect_both_places(f, n, XDP_DROP, "bad_flags");
	n = hx_mk_nack(f, 5, 1);
	f[HWP_OFF_FLAGS] = HWP_F_PASSIVE | HWP_F_RETRANSMIT;
	expect_both_places(f, n, XDP_DROP, "bad_flags");
}

Test(xdp, passive_after_reserved_byte_rules)
{
	uint8_t f[HWP_SUBSCRIBE_LEN];
	size_t n = hx_mk_publish(f, 5, 0);

	/* Flags come before the reserved byte, after the direction. */
	f[HWP_OFF_FLAGS] = HWP_F_PASSIVE;
	f[HWP_OFF_RESERVED] = 1;
	expect_both_places(f, n, XDP_DROP, "bad_flags");
	f[HWP_OFF_TYPE] = HWP_T_DELIVER;
	expect_both_places(f, n, XDP_DROP, "wrong_direction");
}

Test(xdp, nack_zero_from_seq)
{
	uint8_t f[HWP_NACK_LEN];
	size_t n = hx_mk_nack(f, 5, 1);

	hwp_put64(f + HWP_NACK_OFF_FROM_SEQ, 0);
	expect_both_places(f, n, XDP_DROP, "zero_from_seq");
	/* Offset order: channel, from_seq, count, subscriber. */
	hwp_put32(f + HWP_NACK_OFF_COUNT, 0);
	hwp_put32(f + HWP_NACK_OFF_SUBSCRIBER, 0);
	expect_both_places(f, n, XDP_DROP, "zero_from_seq");
	hwp_put64(f + HWP_NACK_OFF_CHANNEL, 0);
	expect_both_places(f, n, XDP_DROP, "zero_channel");
	hwp_put64(f + HWP_NACK_OFF_CHANNEL, 5);
	hwp_put64(f + HWP_NACK_OFF_FROM_SEQ, 1);
	expect_both_places(f, n, XDP_DROP, "bad_nack_count");
	hwp_put64(f + HWP_NACK_OFF_FROM_SEQ, UINT64_MAX);
	hwp_put32(f + HWP_NACK_OFF_COUNT, 1);
	expect_both_places(f, n, XDP_DROP, "zero_subscriber");
}

Test(xdp, unsubscribe_from_seq_is_sender_zero)
{
	uint8_t f[HWP_SUBSCRIBE_LEN];
	size_t n = hx_mk_unsubscribe(f, 5);

	f[HWP_SUBSCRIBE_OFF_FROM_SEQ + 7] = 1;
	expect_both_places(f, n, XDP_DROP, "reserved_nonzero");
	f[HWP_SUBSCRIBE_OFF_FROM_SEQ + 7] = 0;
	f[HWP_SUBSCRIBE_OFF_FROM_SEQ] = 0x80;
	expect_both_places(f, n, XDP_DROP, "reserved_nonzero");
	/* The subscriber (offset 16) comes first. */
	hwp_put32(f + HWP_SUBSCRIBE_OFF_SUBSCRIBER, 0);
	expect_both_places(f, n, XDP_DROP, "zero_subscriber");
	/* A SUBSCRIBE's from_seq is a resume point, not sender-zero. */
	n = hx_mk_subscribe(f, 5);
	hwp_put64(f + HWP_SUBSCRIBE_OFF_FROM_SEQ, 77);
	expect_both_places(f, n, XDP_PASS, "local_no_xsk");
}

Test(xdp, heartbeat_seq_and_epoch_are_sender_zero)
{
	uint8_t f[HWP_HEARTBEAT_LEN];
	size_t n = hx_mk_heartbeat(f, 5);

	hwp_put64(f + HWP_HEARTBEAT_OFF_SEQ, 1);
	expect_both_places(f, n, XDP_DROP, "reserved_nonzero");
	/* seq (offset 16) before the subscriber (24) ... */
	hwp_put32(f + HWP_HEARTBEAT_OFF_SUBSCRIBER, 0);
	expect_both_places(f, n, XDP_DROP, "reserved_nonzero");
	/* ... and the subscriber before the epoch (28). */
	hwp_put64(f + HWP_HEARTBEAT_OFF_SEQ, 0);
	hwp_put32(f + HWP_HEARTBEAT_OFF_EPOCH, 0x01000000u);
	expect_both_places(f, n, XDP_DROP, "zero_subscriber");
	hwp_put32(f + HWP_HEARTBEAT_OFF_SUBSCRIBER, 9);
	expect_both_places(f, n, XDP_DROP, "reserved_nonzero");
	/* A keep-alive (channel 0) is a subscriber's too. */
	n = hx_mk_heartbeat(f, 0);
	hwp_put32(f + HWP_HEARTBEAT_OFF_EPOCH, 1);
	expect_both_places(f, n, XDP_DROP, "reserved_nonzero");
}

/* ---- jumbo datagrams ---------------------------------------------- */

/* n PUBLISH frames of payload p on channel ch, back to back. */
static size_t
publishes(uint8_t *b, unsigned int n, size_t p, uint64_t ch)
{
	size_t len = 0;

	while (n-- > 0)
		len += hx_mk_publish(b + len, ch, p);
	return len;
}

/* Offset of the k-th (from 0) of a run of PUBLISH frames of payload p. */
#define NTH(k, p) ((size_t)(k) * (HWP_PUBLISH_LEN + (p)))

static uint64_t
slot_packets_bytes(uint64_t ch, uint64_t *bytes)
{
	struct herald_xdp_slot_stats st;

	cr_assert_eq(herald_xdp_read_slot(hx, hwp_slot(ch), &st), 0);
	*bytes = st.bytes;
	return st.packets;
}

Test(xdp, jumbo_2906_bytes_two_full_publishes)
{
	size_t n = publishes(d, 2, HWP_MAX_PAYLOAD, 31);
	uint64_t bytes;

	cr_assert_eq(hx_wrap(pkt, d, n), 2906);
	hx_expect(pkt, 2906, XDP_PASS, "local_no_xsk", NULL);
	cr_assert_eq(slot_packets_bytes(31, &bytes), 1);
	cr_assert_eq(bytes, 2906, "slot bytes %llu", (unsigned long long)bytes);
	/* A fault in the second frame. */
	hwp_put64(d + NTH(1, HWP_MAX_PAYLOAD) + HWP_PUBLISH_OFF_PUB_SEQ, 0);
	hx_expect_dropped(d, n, "zero_pub_seq");
	d[NTH(1, HWP_MAX_PAYLOAD)] = 0;
	hx_expect_dropped(d, n, "bad_magic");
}

Test(xdp, jumbo_above_a_page_in_fragments)
{
	/* 8634 bytes: past a page, so the runner hands over fragments. */
	size_t n = publishes(d, 6, HWP_MAX_PAYLOAD, 32);
	size_t last = NTH(5, HWP_MAX_PAYLOAD);
	uint64_t bytes;

	cr_assert_eq(hx_wrap(pkt, d, n), HX_HDRS + 6 * 1432);
	hx_expect(pkt, HX_HDRS + n, XDP_PASS, "local_no_xsk", NULL);
	cr_assert_eq(slot_packets_bytes(32, &bytes), 1);
	cr_assert_eq(bytes, HX_HDRS + n, "fragments not counted");
	/* Faults in the last frame, bytes 7202 and on: in a fragment. */
	hwp_put32(d + last + HWP_PUBLISH_OFF_PUBLISHER, 0);
	hx_expect_dropped(d, n, "zero_publisher");
	hwp_put32(d + last + HWP_PUBLISH_OFF_PUBLISHER, 7);
	hx_expect_dgram(d, n, XDP_PASS, "local_no_xsk");
	hx_expect_dropped(d, n - 1, "length_overrun");
	hwp_put16(d + last + HWP_OFF_LENGTH, 31);
	hx_expect_dropped(d, n, "bad_length");
}

Test(xdp, jumbo_every_frame_position_across_the_linear_end)
{
	/*
	 * Two full PUBLISHes, then 46 HEARTBEATs to the 48th frame (bytes
	 * 2906 to 4378 of the packet): wherever the linear part ends, some
	 * frame spans it. A fault in each of them in turn is caught.
	 */
	size_t base = publishes(d, 2, HWP_MAX_PAYLOAD, 33), n = base;
	unsigned int k;

	for (k = 2; k < HERALD_XDP_MAX_FRAMES; k++)
		n += hx_mk_heartbeat(d + n, 0);
	hx_expect_dgram(d, n, XDP_PASS, "local_no_xsk");
	for (k = 2; k < HERALD_XDP_MAX_FRAMES; k++) {
		uint8_t *f = d + base + (k - 2) * HWP_HEARTBEAT_LEN;

		hwp_put32(f + HWP_HEARTBEAT_OFF_EPOCH, 1);
		hx_expect_dropped(d, n, "reserved_nonzero");
		hwp_put32(f + HWP_HEARTBEAT_OFF_EPOCH, 0);
		f[HWP_OFF_VERSION] = 0;
		hx_expect_dropped(d, n, "bad_version");
		f[HWP_OFF_VERSION] = HWP_VERSION;
	}
}

Test(xdp, jumbo_largest_ip_datagram)
{
	/* 45 full PUBLISHes and one of 1035 bytes: 65507, IPv4's limit. */
	size_t n = publishes(d, 45, HWP_MAX_PAYLOAD, 34);
	size_t last = n;

	n += hx_mk_publish(d + n, 34, 1035);
	cr_assert_eq(n, 0xffff - HX_IP_LEN - HX_UDP_LEN);
	hx_expect_dgram(d, n, XDP_PASS, "local_no_xsk");
	hwp_put64(d + last + HWP_PUBLISH_OFF_PUB_SEQ, 0);
	hx_expect_dropped(d, n, "zero_pub_seq");
}

/* ---- frames past HERALD_XDP_MAX_FRAMES are Herald's ---------------- */

Test(xdp, tail_beyond_the_checked_frames_is_left_to_herald)
{
	size_t n = 0;
	unsigned int k;

	for (k = 0; k <= HERALD_XDP_MAX_FRAMES; k++)
		n += hx_mk_heartbeat(d + n, k);
	/* A fault in the first frame past the checked ones: Herald's. */
	d[n - HWP_HEARTBEAT_LEN] = 0;
	cr_assert_eq(hwp_validate(d, n, HWP_DIR_TO_HERALD, NULL, NULL),
		     HWP_ERR_BAD_MAGIC);
	hx_expect_dgram(d, n, XDP_PASS, "local_no_xsk");
	/* In the last checked frame: XDP's. */
	d[n - HWP_HEARTBEAT_LEN] = 0x48;
	d[n - 2 * HWP_HEARTBEAT_LEN] = 0;
	hx_expect_dropped(d, n, "bad_magic");
}
