/* SPDX-License-Identifier: BSD-3-Clause
 * libFuzzer target: hwp_parse / hwp_validate in every direction.
 *
 * Besides memory safety (ASan/UBSan), it checks what the API promises:
 *  - OK: frames lie in the buffer, in order, back to back, their lengths
 *    sum to len, each passes the header rules, payloads point inside
 *    their frame, and re-encoding every frame gives back the same bytes;
 *  - error: nframes == 0, the fault lies in the buffer, the bytes before
 *    it are a valid datagram and the bytes from it fail the same way;
 *  - hwp_validate agrees with hwp_parse; a small frame array gives the
 *    full result or TOO_MANY_FRAMES at the first frame that did not fit;
 *  - a datagram valid in one direction is valid in HWP_DIR_ANY.
 * A broken invariant aborts, which libFuzzer reports as a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hwp.h"

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "invariant failed: %s (%s:%d)\n",      \
				#cond, __FILE__, __LINE__);                    \
			abort();                                               \
		}                                                              \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct hwp_frame frames[HWP_MAX_FRAMES_PER_DATAGRAM];
static uint8_t reenc[HWP_MAX_FRAME_LEN];

static int
dir_allows(enum hwp_dir dir, uint8_t type)
{
	switch (dir) {
	case HWP_DIR_TO_HERALD: return hwp_type_to_herald(type);
	case HWP_DIR_FROM_HERALD: return hwp_type_from_herald(type);
	default: return hwp_type_fixed_len(type) != 0;
	}
}

static void
check_frames(const uint8_t *buf, size_t len, enum hwp_dir dir, unsigned int n)
{
	size_t off = 0;
	unsigned int i;

	CHECK(n >= 1);
	for (i = 0; i < n; i++) {
		const struct hwp_frame *f = &frames[i];
		uint16_t fixed = hwp_type_fixed_len(f->type);

		CHECK(f->offset == off);
		CHECK(fixed != 0 && dir_allows(dir, f->type));
		CHECK(f->length >= fixed && f->length <= len - off);
		CHECK(f->type == buf[off + HWP_OFF_TYPE]);
		CHECK(f->flags == buf[off + HWP_OFF_FLAGS]);
		CHECK((f->flags & ~HWP_F_MASK) == 0);
		/* Revision 2: PASSIVE on SUBSCRIBE only; sender-zero fields;
		 * NACK from_seq >= 1. */
		CHECK(!(f->flags & HWP_F_PASSIVE) ||
		      f->type == HWP_T_SUBSCRIBE);
		CHECK(f->type != HWP_T_NACK || f->u.nack.from_seq != 0);
		CHECK(f->type != HWP_T_UNSUBSCRIBE ||
		      f->u.subscribe.from_seq == 0);
		CHECK(f->type != HWP_T_HEARTBEAT || dir != HWP_DIR_TO_HERALD ||
		      (f->u.heartbeat.seq == 0 && f->u.heartbeat.epoch == 0));
		CHECK(f->length == hwp_get16(buf + off + HWP_OFF_LENGTH));
		if (hwp_type_has_payload(f->type)) {
			CHECK(f->payload == buf + off + fixed);
			CHECK(f->payload_len == f->length - fixed);
			CHECK(f->payload_len <= HWP_MAX_PAYLOAD);
			CHECK(f->payload + f->payload_len <=
			      buf + off + f->length);
		} else {
			CHECK(f->payload == NULL && f->payload_len == 0);
			CHECK(f->length == fixed);
		}
		/* Every field was decoded and every reserved byte was 0. */
		CHECK(hwp_encode_frame(reenc, sizeof(reenc), f) == f->length);
		CHECK(memcmp(reenc, buf + off, f->length) == 0);
		off += f->length;
	}
	CHECK(off == len);
}

static void
check_error(const uint8_t *buf, size_t len, enum hwp_dir dir, enum hwp_err err,
	    size_t fault)
{
	unsigned int n = 1;
	size_t f2 = 0;

	CHECK(err > HWP_ERR_OK && err < HWP_ERR__COUNT);
	CHECK(err != HWP_ERR_TOO_MANY_FRAMES);
	CHECK(strcmp(hwp_err_str(err), "unknown") != 0);
	CHECK((err == HWP_ERR_EMPTY) == (len == 0));
	CHECK(fault < len || (len == 0 && fault == 0));
	/* Frames are checked one by one: what precedes the fault is valid,
	 * and the faulty frame fails the same way on its own. */
	if (fault > 0)
		CHECK(hwp_validate(buf, fault, dir, &n, NULL) == HWP_ERR_OK);
	if (len > 0) {
		CHECK(hwp_validate(buf + fault, len - fault, dir, &n, &f2) ==
		      err);
		CHECK(f2 == 0 && n == 0);
	}
}

/* Offset of frame k of a datagram whose first k frames are valid. */
static size_t
nth_offset(const uint8_t *buf, unsigned int k)
{
	size_t off = 0;

	while (k-- > 0)
		off += hwp_get16(buf + off + HWP_OFF_LENGTH);
	return off;
}

/*
 * With room for max frames the parser stops at frame index max: the
 * result is TOO_MANY_FRAMES there if the datagram got that far, else
 * the full result.
 */
static void
check_small_array(const uint8_t *buf, size_t len, enum hwp_dir dir,
		  enum hwp_err full_err, unsigned int full_n, size_t full_fault,
		  unsigned int max)
{
	struct hwp_frame small[4];
	unsigned int before = full_n; /* good frames before any fault */
	unsigned int n = 99;
	size_t fault = 0;
	enum hwp_err err;

	CHECK(max <= 4);
	if (full_err != HWP_ERR_OK) {
		before = 0;
		if (full_fault > 0)
			CHECK(hwp_validate(buf, full_fault, dir, &before,
					   NULL) == HWP_ERR_OK);
	}
	err = hwp_parse(buf, len, dir, small, max, &n, &fault);
	if (len == 0) {
		CHECK(err == HWP_ERR_EMPTY);
	} else if (before > max || (before == max && full_err != HWP_ERR_OK)) {
		CHECK(err == HWP_ERR_TOO_MANY_FRAMES);
		CHECK(n == 0);
		CHECK(fault == nth_offset(buf, max));
	} else {
		CHECK(err == full_err);
		CHECK(n == (err == HWP_ERR_OK ? full_n : 0));
		if (err != HWP_ERR_OK)
			CHECK(fault == full_fault);
	}
}

static void
check_dir(const uint8_t *buf, size_t len, enum hwp_dir dir, unsigned int max)
{
	unsigned int n = 12345;
	unsigned int vn = 12345;
	size_t fault = 777777;
	size_t vfault = 777777;
	enum hwp_err err;
	enum hwp_err verr;

	err = hwp_parse(buf, len, dir, frames, HWP_MAX_FRAMES_PER_DATAGRAM, &n,
			&fault);
	verr = hwp_validate(buf, len, dir, &vn, &vfault);
	CHECK(err == verr);
	CHECK(n == vn);
	if (err == HWP_ERR_OK) {
		check_frames(buf, len, dir, n);
		if (dir != HWP_DIR_ANY) {
			unsigned int an = 0;

			CHECK(hwp_validate(buf, len, HWP_DIR_ANY, &an, NULL) ==
			      HWP_ERR_OK);
			CHECK(an == n);
		}
	} else {
		CHECK(n == 0);
		CHECK(fault == vfault);
		check_error(buf, len, dir, err, fault);
	}
	check_small_array(buf, len, dir, err, n, fault, max);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int max;

	/* One IPv4 datagram at most, as the parser's contract assumes. */
	if (size > 65507)
		return 0;
	/* A small array bound derived from the input, 0 to 3 frames. */
	max = size > 0 ? data[size - 1] % 4 : 0;
	check_dir(data, size, HWP_DIR_TO_HERALD, max);
	check_dir(data, size, HWP_DIR_FROM_HERALD, max);
	check_dir(data, size, HWP_DIR_ANY, max);
	return 0;
}
