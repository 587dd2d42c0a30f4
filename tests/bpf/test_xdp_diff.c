/* SPDX-License-Identifier: BSD-3-Clause
 * Differential test: the XDP program against the codec (hwp_validate,
 * direction to Herald) on mutated datagrams of 1 to 50 frames, up to a
 * 9000-byte jumbo MTU (so above a page, in fragments, too). Mutations
 * reach any byte of any frame: bit flips, header fields (type, flags
 * including PASSIVE, reserved, length), the revision 2 fields (NACK
 * from_seq, UNSUBSCRIBE from_seq, HEARTBEAT seq and epoch), zeroed
 * fields, cuts and trailing bytes. For each datagram the verdict and
 * the one counter that moved must be the codec's: its fault name, or
 * local_no_xsk when it is valid, or when its first fault lies past the
 * HERALD_XDP_MAX_FRAMES frames the program checks (the tail is
 * Herald's).
 */
#include <string.h>

#include <linux/bpf.h>

#include <criterion/criterion.h>

#include "hx_run.h"

TestSuite(xdp, .init = hx_setup, .fini = hx_teardown, .timeout = 120);

#define CASES	      5000
#define MAX_FRAMES    (HERALD_XDP_MAX_FRAMES + 2)
#define MAX_DGRAM_LEN (9000 - HX_IP_LEN - HX_UDP_LEN)

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

struct dgram {
	uint8_t d[HX_PKT_MAX];
	size_t n;
	unsigned int nf;
	size_t off[MAX_FRAMES];
	uint8_t type[MAX_FRAMES];
};

static struct dgram g;
static uint8_t frame[HWP_MAX_FRAME_LEN];
static uint8_t pkt[HX_PKT_MAX];

/*
 * A valid frame to Herald of a random type and shape; its type. big:
 * mostly PUBLISHes with large payloads (a jumbo datagram).
 */
static size_t
random_frame(uint8_t *b, uint8_t *type, bool big)
{
	uint64_t ch = rnd(4) == 0 ? rnd(3) : rng;
	size_t n, p;

	switch (big && rnd(3) != 0 ? 0 : rnd(6)) {
	case 0:
		if (big)
			p = HWP_MAX_PAYLOAD - rnd(500);
		else
			p = rnd(8) == 0 ? rnd(HWP_MAX_PAYLOAD + 1) : rnd(64);
		n = hx_mk_publish(b, ch == 0 ? 1 : ch, p);
		break;
	case 1:
		n = hx_mk_subscribe(b, ch == 0 ? 2 : ch);
		if (rnd(3) == 0)
			b[HWP_OFF_FLAGS] = HWP_F_PASSIVE;
		if (rnd(2) == 0)
			hwp_put64(b + HWP_SUBSCRIBE_OFF_FROM_SEQ, rng);
		break;
	case 2: n = hx_mk_unsubscribe(b, ch == 0 ? 3 : ch); break;
	case 3: n = hx_mk_heartbeat(b, ch); break;
	case 4:
		n = hx_mk_nack(b, ch == 0 ? 4 : ch, 1 + rnd(1100));
		hwp_put64(b + HWP_NACK_OFF_FROM_SEQ, 1 + rnd(1000));
		break;
	default: n = hx_mk_heartbeat(b, 0); break; /* keep-alive */
	}
	*type = b[HWP_OFF_TYPE];
	return n;
}

/*
 * 1 to 50 valid frames within MAX_DGRAM_LEN: half of the datagrams of a
 * few frames, a quarter of many, a quarter jumbo.
 */
static void
random_dgram(struct dgram *x)
{
	unsigned int shape = rnd(4);
	unsigned int want = shape < 2 ? 1 + rnd(3) : 1 + rnd(MAX_FRAMES);
	uint8_t type;
	size_t k;

	x->n = 0;
	x->nf = 0;
	while (x->nf < want) {
		k = random_frame(frame, &type, shape == 3);
		if (x->n + k > MAX_DGRAM_LEN)
			break;
		memcpy(x->d + x->n, frame, k);
		x->off[x->nf] = x->n;
		x->type[x->nf] = type;
		x->nf++;
		x->n += k;
	}
}

/* The fields the field rules read: (offset, size) in a frame. */
static const uint8_t fields[][2] = {
	{8, 8}, {16, 4}, {20, 4}, {24, 4}, {28, 4}, {16, 8}, {24, 8},
};

/* A field the sender sets to 0 made nonzero, or a rule of revision 2. */
static void
break_rev2_field(uint8_t *f, uint8_t type)
{
	switch (type) {
	case HWP_T_UNSUBSCRIBE:
		f[HWP_SUBSCRIBE_OFF_FROM_SEQ + rnd(8)] =
			(uint8_t)(1 + rnd(255));
		break;
	case HWP_T_HEARTBEAT:
		if (rnd(2) == 0)
			f[HWP_HEARTBEAT_OFF_SEQ + rnd(8)] =
				(uint8_t)(1 + rnd(255));
		else
			f[HWP_HEARTBEAT_OFF_EPOCH + rnd(4)] =
				(uint8_t)(1 + rnd(255));
		break;
	case HWP_T_NACK: hwp_put64(f + HWP_NACK_OFF_FROM_SEQ, 0); break;
	default: f[HWP_OFF_FLAGS] |= HWP_F_PASSIVE; break;
	}
}

static void
mutate(struct dgram *x)
{
	static const uint8_t flags[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 0x80};
	unsigned int fi = x->nf == 0 ? 0 : rnd(x->nf);
	uint8_t *f = x->d + (x->nf == 0 ? 0 : x->off[fi]);
	size_t room = x->n - (size_t)(f - x->d);

	switch (rnd(11)) {
	case 0: /* a bit anywhere */
		if (x->n != 0)
			x->d[rnd((uint32_t)x->n)] ^= (uint8_t)(1u << rnd(8));
		break;
	case 1: /* a byte of a frame's rule-bearing part */
		if (room != 0)
			f[rnd(room < 32 ? (uint32_t)room : 32)] =
				(uint8_t)rnd(256);
		break;
	case 2: /* type */
		if (room >= 8)
			f[HWP_OFF_TYPE] = (uint8_t)rnd(12);
		break;
	case 3: /* flags */
		if (room >= 8)
			f[HWP_OFF_FLAGS] = flags[rnd(sizeof(flags))];
		break;
	case 4: /* header reserved byte */
		if (room >= 8)
			f[HWP_OFF_RESERVED] = (uint8_t)rnd(3);
		break;
	case 5: { /* length */
		static const uint16_t lens[] = {31, 32, 33,   71,
						72, 73, 1432, 1433};

		if (room >= 8)
			hwp_put16(f + HWP_OFF_LENGTH,
				  rnd(3) == 0 ? (uint16_t)rnd(2000)
					      : lens[rnd(sizeof(lens) / 2)]);
		break;
	}
	case 6: /* revision 2 fields */
		if (room >= 32)
			break_rev2_field(f, x->type[fi]);
		break;
	case 7: { /* a field zeroed */
		const uint8_t *z = fields[rnd(sizeof(fields) / 2)];

		if (room >= 32)
			memset(f + z[0], 0, z[1]);
		break;
	}
	case 8: /* cut, sometimes to nothing */
		if (x->n != 0)
			x->n = rnd(40) == 0
				       ? 0
				       : x->n - 1 -
						 rnd(x->n < 40 ? (uint32_t)x->n
							       : 40);
		break;
	case 9: { /* trailing bytes, often the start of a header */
		size_t add = 1 + rnd(8), j;

		for (j = 0; j < add; j++)
			x->d[x->n + j] = rnd(2) == 0 ? 0x48 : (uint8_t)rnd(256);
		x->n += add;
		break;
	}
	default: break; /* keep valid */
	}
}

/*
 * What XDP must say about x: the codec's verdict, except that a fault
 * past the frames XDP checks is Herald's to find (*tail set).
 */
static enum hwp_err
expected(const struct dgram *x, unsigned int *fault_frame, bool *tail)
{
	size_t fault_off = 0;
	unsigned int k = 0;
	enum hwp_err e;

	e = hwp_validate(x->d, x->n, HWP_DIR_TO_HERALD, NULL, &fault_off);
	*tail = false;
	*fault_frame = 0;
	if (e == HWP_ERR_OK)
		return e;
	/* The frames before the faulty one form a valid datagram. */
	if (fault_off != 0)
		cr_assert_eq(hwp_validate(x->d, fault_off, HWP_DIR_TO_HERALD,
					  &k, NULL),
			     HWP_ERR_OK);
	*fault_frame = k;
	if (k >= HERALD_XDP_MAX_FRAMES) {
		*tail = true;
		return HWP_ERR_OK;
	}
	return e;
}

Test(xdp, agrees_with_codec_on_mutated_datagrams)
{
	struct herald_xdp_counters before, after;
	unsigned int seen[HWP_ERR__COUNT] = {0};
	unsigned int i, k, nvalid = 0, ntail = 0, njumbo = 0, deep = 0;
	static struct verdict v;

	for (i = 0; i < CASES; i++) {
		unsigned int fault_frame;
		enum hwp_err e;
		int moved = -1;
		bool tail;

		random_dgram(&g);
		mutate(&g);
		if (rnd(4) == 0)
			mutate(&g);
		e = expected(&g, &fault_frame, &tail);
		hx_counters(&before);
		hx_run(pkt, hx_wrap(pkt, g.d, g.n), &v);
		hx_counters(&after);
		for (k = 0; k < HERALD_XDP_C__COUNT; k++) {
			if (after.c[k] == before.c[k])
				continue;
			cr_assert_eq(moved, -1, "case %u: two counters", i);
			cr_assert_eq(after.c[k] - before.c[k], 1);
			moved = (int)k;
		}
		cr_assert_geq(moved, 0, "case %u: no counter", i);
		if (g.n + HX_HDRS > 4096)
			njumbo++;
		if (e == HWP_ERR_OK) {
			nvalid++;
			ntail += tail;
			cr_assert_eq(v.act, XDP_PASS,
				     "case %u (%zu bytes): valid%s, got %s", i,
				     g.n, tail ? " up to the tail" : "",
				     hx_act_name(v.act));
			cr_assert_str_eq(herald_xdp_counter_name(moved),
					 "local_no_xsk", "case %u", i);
			continue;
		}
		seen[e]++;
		if (fault_frame >= 40)
			deep++;
		cr_assert_eq(v.act, XDP_DROP,
			     "case %u (%zu bytes): codec says %s in frame "
			     "%u, XDP %s",
			     i, g.n, hwp_err_str(e), fault_frame,
			     hx_act_name(v.act));
		cr_assert_str_eq(herald_xdp_counter_name(moved), hwp_err_str(e),
				 "case %u (%zu bytes), frame %u", i, g.n,
				 fault_frame);
	}
	cr_log_info("%u cases: %u valid (%u with a fault left to Herald), "
		    "%u above a page, %u faults in frame 40 or later",
		    CASES, nvalid, ntail, njumbo, deep);
	/* The mix must exercise both sides, every rule, every depth. */
	cr_assert_gt(nvalid, CASES / 10, "%u valid", nvalid);
	cr_assert_lt(nvalid, CASES * 9 / 10, "%u valid", nvalid);
	cr_assert_gt(ntail, 0, "no fault past the checked frames");
	cr_assert_gt(njumbo, CASES / 20, "%u datagrams above a page", njumbo);
	cr_assert_gt(deep, 10, "%u faults in frames 40 and later", deep);
	for (k = HWP_ERR_OK + 1; k < HWP_ERR__COUNT; k++)
		if (k != HWP_ERR_TOO_MANY_FRAMES)
			cr_assert_gt(seen[k], 0, "no case of %s",
				     hwp_err_str((enum hwp_err)k));
}
