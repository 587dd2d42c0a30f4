/* SPDX-License-Identifier: BSD-3-Clause
 * HWP/1 validation rules (PROTOCOL.md section 4): one test per rule.
 * Each datagram comes from hwp_test_datagrams.h and breaks exactly one
 * rule; the test asserts the named fault, its offset, nframes == 0, that
 * hwp_validate agrees, and that the datagram without the break is valid.
 */
#include <string.h>

#include <criterion/criterion.h>

#include "hwp.h"
#include "hwp_test_datagrams.h"

static void
check_case(const struct hwp_td_case *c)
{
	static uint8_t buf[TD_MAX_LEN];
	struct hwp_frame fr[16];
	unsigned int n = 77;
	size_t fault = 12345;
	enum hwp_err err;
	long len;

	len = td_build(c, 1, buf, sizeof(buf));
	cr_assert_geq(len, 0, "%s: cannot build", c->name);
	err = hwp_parse(buf, (size_t)len, c->dir, fr, 16, &n, &fault);
	cr_assert_eq(err, c->err, "%s: got %s, want %s", c->name,
		     hwp_err_str(err), hwp_err_str(c->err));
	if (c->err == HWP_ERR_OK) {
		cr_assert_eq(n, td_nframes(c), "%s: nframes %u", c->name, n);
		cr_assert_eq(fr[c->lead].type, c->type, "%s", c->name);
	} else {
		cr_assert_eq(n, 0, "%s: nframes %u on error", c->name, n);
		cr_assert_eq(fault, td_fault_offset(c), "%s: fault at %zu",
			     c->name, fault);
	}

	n = 77;
	fault = 12345;
	err = hwp_validate(buf, (size_t)len, c->dir, &n, &fault);
	cr_assert_eq(err, c->err, "%s: validate got %s", c->name,
		     hwp_err_str(err));
	if (c->err != HWP_ERR_OK) {
		cr_assert_eq(n, 0);
		cr_assert_eq(fault, td_fault_offset(c));
	}

	/* Without its patch the datagram is valid: the patch alone broke it. */
	if (c->err != HWP_ERR_OK && c->patch_len > 0 && c->extra == 0) {
		len = td_build(c, 0, buf, sizeof(buf));
		err = hwp_parse(buf, (size_t)len, c->dir, fr, 16, &n, NULL);
		cr_assert_eq(err, HWP_ERR_OK, "%s: base is %s", c->name,
			     hwp_err_str(err));
	}
}

static void
check_named(const char *name)
{
	const struct hwp_td_case *c = td_find(name);

	cr_assert_not_null(c, "no test datagram named %s", name);
	check_case(c);
}

Test(rules, empty_datagram)
{
	check_named("empty");
}

Test(rules, truncated_header)
{
	check_named("truncated_1");
	check_named("truncated_7");
	check_named("truncated_after_good");
}

Test(rules, bad_magic)
{
	check_named("bad_magic");
	check_named("bad_magic_mid");
}

Test(rules, bad_version)
{
	check_named("bad_version_0");
	check_named("bad_version_2");
}

Test(rules, bad_type)
{
	check_named("bad_type_0");
	check_named("bad_type_10");
	check_named("bad_type_ff");
}

Test(rules, wrong_direction)
{
	static const char *const names[] = {
		"wrong_direction_deliver_to",
		"wrong_direction_puback_to",
		"wrong_direction_suback_to",
		"wrong_direction_gap_to",
		"wrong_direction_publish_from",
		"wrong_direction_subscribe_from",
		"wrong_direction_unsubscribe_from",
		"wrong_direction_nack_from",
	};
	static uint8_t buf[TD_MAX_LEN];
	unsigned int i;
	unsigned int n;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct hwp_td_case *c = td_find(names[i]);
		long len;

		check_named(names[i]);
		/* The same bytes are fine when any direction is allowed. */
		len = td_build(c, 1, buf, sizeof(buf));
		cr_assert_eq(
			hwp_validate(buf, (size_t)len, HWP_DIR_ANY, &n, NULL),
			HWP_ERR_OK, "%s", names[i]);
	}
}

Test(rules, bad_flags)
{
	check_named("bad_flags_bit2");
	check_named("bad_flags_bit3");
	check_named("bad_flags_bit7");
}

/* Revision 2: PASSIVE (bit 2) is a SUBSCRIBE flag, invalid elsewhere. */
Test(rules, passive_on_subscribe_only)
{
	check_named("ok_subscribe_passive");
	check_named("ok_subscribe_passive_start");
	check_named("bad_flags_passive_unsubscribe");
	check_named("bad_flags_passive_heartbeat");
	check_named("bad_flags_passive_nack");
	check_named("bad_flags_passive_deliver");
}

/* Revision 2: fields a sender sets to 0 are checked as reserved ones; a
 * HEARTBEAT is a subscriber's only towards Herald. */
Test(rules, sender_zero_fields)
{
	check_named("sender_zero_unsubscribe_from_seq");
	check_named("sender_zero_heartbeat_seq");
	check_named("sender_zero_heartbeat_epoch");
	check_named("ok_heartbeat_from_seq");
	check_named("ok_heartbeat_from_epoch");
	check_named("ok_heartbeat_any_seq");
}

Test(rules, zero_from_seq)
{
	check_named("zero_from_seq_nack");
	check_named("zero_from_seq_nack_mid");
}

/* The first fault on the wire wins among the new rules too. */
Test(rules, revision2_rule_order)
{
	uint8_t buf[HWP_SUBSCRIBE_LEN];
	struct hwp_heartbeat hb = {
		.channel = 1, .seq = 9, .subscriber = 0, .epoch = 0};
	struct hwp_nack nk = {
		.channel = 1, .from_seq = 0, .count = 0, .subscriber = 0};
	struct hwp_frame f = {.type = HWP_T_UNSUBSCRIBE};
	unsigned int n;
	int len;

	/* seq (offset 16) before subscriber (24) ... */
	len = hwp_encode_heartbeat(buf, sizeof(buf), &hb);
	cr_assert_eq(
		hwp_validate(buf, (size_t)len, HWP_DIR_TO_HERALD, &n, NULL),
		HWP_ERR_RESERVED_NONZERO);
	/* ... and subscriber (24) before epoch (28). */
	hb.seq = 0;
	hb.epoch = 3;
	len = hwp_encode_heartbeat(buf, sizeof(buf), &hb);
	cr_assert_eq(
		hwp_validate(buf, (size_t)len, HWP_DIR_TO_HERALD, &n, NULL),
		HWP_ERR_ZERO_SUBSCRIBER);
	/* NACK from_seq (16) before count (24) and subscriber (28). */
	len = hwp_encode_nack(buf, sizeof(buf), &nk);
	cr_assert_eq(hwp_validate(buf, (size_t)len, HWP_DIR_ANY, &n, NULL),
		     HWP_ERR_ZERO_FROM_SEQ);
	/* UNSUBSCRIBE: subscriber (16) before from_seq (24). */
	f.u.subscribe.channel = 1;
	f.u.subscribe.from_seq = 5;
	len = hwp_encode_frame(buf, sizeof(buf), &f);
	cr_assert_eq(len, HWP_SUBSCRIBE_LEN);
	cr_assert_eq(
		hwp_validate(buf, (size_t)len, HWP_DIR_TO_HERALD, &n, NULL),
		HWP_ERR_ZERO_SUBSCRIBER);
	f.u.subscribe.subscriber = 2;
	len = hwp_encode_frame(buf, sizeof(buf), &f);
	cr_assert_eq(
		hwp_validate(buf, (size_t)len, HWP_DIR_TO_HERALD, &n, NULL),
		HWP_ERR_RESERVED_NONZERO);
}

Test(rules, header_reserved_nonzero)
{
	check_named("reserved_header");
	check_named("reserved_header_mid");
}

Test(rules, bad_length_below_fixed)
{
	check_named("bad_length_publish_31");
	check_named("bad_length_deliver_39");
	check_named("bad_length_zero");
	check_named("bad_length_subscribe_71");
}

Test(rules, bad_length_above_fixed)
{
	check_named("bad_length_subscribe_73");
	check_named("bad_length_heartbeat_40");
}

Test(rules, bad_length_payload_over_1400)
{
	check_named("bad_length_publish_1433");
	check_named("bad_length_deliver_1441");
}

Test(rules, length_overrun)
{
	check_named("length_overrun_publish");
	check_named("length_overrun_deliver_last");
}

Test(rules, body_reserved_nonzero)
{
	check_named("reserved_publish");
	check_named("reserved_puback");
	check_named("reserved_subscribe");
	check_named("reserved_unsubscribe");
	check_named("reserved_suback_21");
	check_named("reserved_suback_23");
	check_named("reserved_suback_36");
}

Test(rules, zero_channel)
{
	check_named("zero_channel_publish");
	check_named("zero_channel_deliver");
	check_named("zero_channel_subscribe");
	check_named("zero_channel_unsubscribe");
	check_named("zero_channel_suback");
	check_named("zero_channel_nack");
	check_named("zero_channel_gap");
}

Test(rules, heartbeat_channel_zero_is_keepalive)
{
	check_named("ok_heartbeat_keepalive");
	check_named("ok_heartbeat_from_channel0");
}

Test(rules, zero_publisher)
{
	check_named("zero_publisher_publish");
	check_named("zero_publisher_deliver");
	check_named("zero_publisher_puback");
}

Test(rules, zero_subscriber)
{
	check_named("zero_subscriber_subscribe");
	check_named("zero_subscriber_unsubscribe");
	check_named("zero_subscriber_suback");
	check_named("zero_subscriber_heartbeat");
	check_named("zero_subscriber_nack");
}

Test(rules, zero_pub_seq)
{
	check_named("zero_pub_seq");
	check_named("zero_pub_seq_mid");
}

Test(rules, nack_count)
{
	check_named("bad_nack_count_0");
	check_named("bad_nack_count_1025");
	check_named("bad_nack_count_max");
	check_named("ok_nack_count_1");
	check_named("ok_nack_count_1024");
}

Test(rules, every_case_of_the_table)
{
	size_t n;
	const struct hwp_td_case *c = td_cases(&n);
	bool seen[HWP_ERR__COUNT] = {false};
	size_t i;
	size_t j;

	for (i = 0; i < n; i++) {
		check_case(&c[i]);
		seen[c[i].err] = true;
		for (j = i + 1; j < n; j++)
			cr_assert_str_neq(c[i].name, c[j].name);
	}
	/* Every fault but TOO_MANY_FRAMES (tested in codec) has a datagram. */
	for (i = 0; i < HWP_ERR__COUNT; i++)
		if (i != HWP_ERR_TOO_MANY_FRAMES)
			cr_assert(seen[i], "no datagram for %s",
				  hwp_err_str((enum hwp_err)i));
}

/* Two faults in one frame: the one earlier in header order wins. */
static void
check_two_faults(uint8_t type, enum hwp_dir dir, unsigned int off1,
		 unsigned int len1, uint64_t val1, unsigned int off2,
		 unsigned int len2, uint64_t val2, enum hwp_err want)
{
	uint8_t buf[256];
	unsigned int n;
	size_t fault = 99;
	int len;

	len = td_frame(buf, sizeof(buf), type, 0, 0);
	cr_assert_gt(len, 0);
	td_patch(buf + off1, len1, val1);
	td_patch(buf + off2, len2, val2);
	cr_assert_eq(hwp_validate(buf, (size_t)len, dir, &n, &fault), want,
		     "want %s", hwp_err_str(want));
	cr_assert_eq(fault, 0);
}

Test(rules, first_fault_in_header_order_wins)
{
	/* magic before flags */
	check_two_faults(HWP_T_PUBLISH, HWP_DIR_TO_HERALD, HWP_OFF_MAGIC, 2, 0,
			 HWP_OFF_FLAGS, 1, 0xf0, HWP_ERR_BAD_MAGIC);
	/* version before type */
	check_two_faults(HWP_T_PUBLISH, HWP_DIR_TO_HERALD, HWP_OFF_VERSION, 1,
			 9, HWP_OFF_TYPE, 1, 0x33, HWP_ERR_BAD_VERSION);
	/* unknown type before length */
	check_two_faults(HWP_T_PUBLISH, HWP_DIR_TO_HERALD, HWP_OFF_TYPE, 1,
			 0x40, HWP_OFF_LENGTH, 2, 3, HWP_ERR_BAD_TYPE);
	/* direction before flags */
	check_two_faults(HWP_T_GAP, HWP_DIR_TO_HERALD, HWP_OFF_FLAGS, 1, 0x10,
			 HWP_OFF_RESERVED, 1, 1, HWP_ERR_WRONG_DIRECTION);
	/* flags before the header's reserved byte */
	check_two_faults(HWP_T_NACK, HWP_DIR_TO_HERALD, HWP_OFF_FLAGS, 1, 0x10,
			 HWP_OFF_RESERVED, 1, 1, HWP_ERR_BAD_FLAGS);
	/* header reserved before length */
	check_two_faults(HWP_T_NACK, HWP_DIR_TO_HERALD, HWP_OFF_RESERVED, 1, 1,
			 HWP_OFF_LENGTH, 2, 1, HWP_ERR_RESERVED_NONZERO);
	/* bad length before the body */
	check_two_faults(HWP_T_NACK, HWP_DIR_TO_HERALD, HWP_OFF_LENGTH, 2, 31,
			 HWP_NACK_OFF_CHANNEL, 8, 0, HWP_ERR_BAD_LENGTH);
	/* channel (offset 8) before publisher (16) */
	check_two_faults(HWP_T_PUBLISH, HWP_DIR_TO_HERALD,
			 HWP_PUBLISH_OFF_PUB_SEQ, 8, 0, HWP_PUBLISH_OFF_CHANNEL,
			 8, 0, HWP_ERR_ZERO_CHANNEL);
	/* publisher (16) before reserved (20) before pub_seq (24) */
	check_two_faults(
		HWP_T_PUBLISH, HWP_DIR_TO_HERALD, HWP_PUBLISH_OFF_RESERVED, 4,
		1, HWP_PUBLISH_OFF_PUBLISHER, 4, 0, HWP_ERR_ZERO_PUBLISHER);
	check_two_faults(
		HWP_T_PUBLISH, HWP_DIR_TO_HERALD, HWP_PUBLISH_OFF_RESERVED, 4,
		1, HWP_PUBLISH_OFF_PUB_SEQ, 8, 0, HWP_ERR_RESERVED_NONZERO);
	/* NACK count (24) before subscriber (28) */
	check_two_faults(HWP_T_NACK, HWP_DIR_TO_HERALD, HWP_NACK_OFF_SUBSCRIBER,
			 4, 0, HWP_NACK_OFF_COUNT, 4, 0,
			 HWP_ERR_BAD_NACK_COUNT);
}

/* Two bad frames: the datagram is counted under the first one. */
Test(rules, first_bad_frame_wins)
{
	uint8_t buf[256];
	size_t off = 0;
	size_t fault = 0;
	unsigned int n;

	off += (size_t)td_frame(buf, sizeof(buf), HWP_T_HEARTBEAT, 0, 0);
	off += (size_t)td_frame(buf + off, sizeof(buf) - off, HWP_T_NACK, 0, 0);
	off += (size_t)td_frame(buf + off, sizeof(buf) - off, HWP_T_PUBLISH, 0,
				4);
	hwp_put32(buf + 32 + HWP_NACK_OFF_COUNT, 0);
	buf[64 + HWP_OFF_MAGIC] = 0;
	cr_assert_eq(hwp_validate(buf, off, HWP_DIR_TO_HERALD, &n, &fault),
		     HWP_ERR_BAD_NACK_COUNT);
	cr_assert_eq(fault, 32);
}
