/* SPDX-License-Identifier: BSD-3-Clause
 * Herald XDP: the codec's rules (lib/hwp, PROTOCOL.md section 4) on a
 * UDP payload, direction to Herald, in the codec's order, so the fault
 * counted is the one hwp_validate(HWP_DIR_TO_HERALD) names:
 *
 *   fewer than 8 bytes left (none at all: empty), magic, version, type
 *   unknown, type Herald does not accept, flags (PASSIVE on SUBSCRIBE
 *   only), header reserved byte, length against the type's size, length
 *   past the datagram, then the type's fields in offset order (reserved
 *   and sender-zero fields, channel, publisher, subscriber, pub_seq, NACK
 *   from_seq and count).
 *
 * The first HX_MAX_FRAMES frames of a datagram are checked; the tail
 * beyond them is left to Herald.
 */
#ifndef HX_HWP_H
#define HX_HWP_H

#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "herald_xdp_abi.h"
#include "hx_cursor.h"
#include "hx_maps.h"

/* Frames checked per datagram (the tail is Herald's, see the ABI). */
#define HX_MAX_FRAMES HERALD_XDP_MAX_FRAMES

_Static_assert(HWP_SUBSCRIBE_OFF_FROM_SEQ + 8 <= HWP_MIN_FRAME_LEN &&
		       HWP_NACK_OFF_SUBSCRIBER + 4 <= HWP_MIN_FRAME_LEN &&
		       HWP_HEARTBEAT_OFF_EPOCH + 4 <= HWP_MIN_FRAME_LEN &&
		       HWP_PUBLISH_OFF_PUB_SEQ + 8 <= HWP_MIN_FRAME_LEN &&
		       HWP_SUBSCRIBE_LEN >= HWP_MIN_FRAME_LEN,
	       "the field rules read only a frame's first 32 bytes");
_Static_assert(HWP_PUBLISH_LEN == HWP_HEARTBEAT_LEN &&
		       HWP_PUBLISH_LEN == HWP_NACK_LEN &&
		       HWP_PUBLISH_LEN == HWP_MIN_FRAME_LEN &&
		       HWP_SUBSCRIBE_LEN == HWP_UNSUBSCRIBE_LEN,
	       "to_herald_fixed_len() assumes these sizes");

/*
 * An HWP header read as two 32-bit words, compared in wire order: magic
 * and version are the first word's top 24 bits; in the second, the flag
 * bits the type may not carry (hwp_type_flags_mask) and the reserved
 * byte must be zero.
 */
#define HX_HDR_MV_MASK bpf_htonl(0xffffff00)
#define HX_HDR_MV      bpf_htonl((__u32)HWP_MAGIC << 16 | HWP_VERSION << 8)
#define HX_HDR_MBZ(type)                                                       \
	bpf_htonl((__u32)(~hwp_type_flags_mask(type) & 0xff) << 24 | 0x00ff0000)

static __always_inline __u16
load_be16(const __u8 *p)
{
	return bpf_ntohs(load_raw16(p));
}

static __always_inline __u32
load_be32(const __u8 *p)
{
	return bpf_ntohl(load_raw32(p));
}

/*
 * Type-specific field rules, in the codec's offset order. The caller
 * guarantees that the frame's first 32 bytes are readable at h.
 */
static __always_inline int
check_publish(const __u8 *h)
{
	if (load_raw64(h + HWP_PUBLISH_OFF_CHANNEL) == 0)
		return HERALD_XDP_C_ZERO_CHANNEL;
	if (load_raw32(h + HWP_PUBLISH_OFF_PUBLISHER) == 0)
		return HERALD_XDP_C_ZERO_PUBLISHER;
	if (load_raw32(h + HWP_PUBLISH_OFF_RESERVED) != 0)
		return HERALD_XDP_C_RESERVED_NONZERO;
	if (load_raw64(h + HWP_PUBLISH_OFF_PUB_SEQ) == 0)
		return HERALD_XDP_C_ZERO_PUB_SEQ;
	return HX_OK;
}

/*
 * SUBSCRIBE and UNSUBSCRIBE share one layout; an UNSUBSCRIBE's from_seq
 * is a field its sender sets to 0 (revision 2).
 */
static __always_inline int
check_subscribe(const __u8 *h, __u8 type)
{
	if (load_raw64(h + HWP_SUBSCRIBE_OFF_CHANNEL) == 0)
		return HERALD_XDP_C_ZERO_CHANNEL;
	if (load_raw32(h + HWP_SUBSCRIBE_OFF_SUBSCRIBER) == 0)
		return HERALD_XDP_C_ZERO_SUBSCRIBER;
	if (load_raw32(h + HWP_SUBSCRIBE_OFF_RESERVED) != 0)
		return HERALD_XDP_C_RESERVED_NONZERO;
	if (type == HWP_T_UNSUBSCRIBE &&
	    load_raw64(h + HWP_SUBSCRIBE_OFF_FROM_SEQ) != 0)
		return HERALD_XDP_C_RESERVED_NONZERO;
	return HX_OK;
}

/*
 * A HEARTBEAT towards Herald is a subscriber's: its seq (before the
 * subscriber) and epoch (after it) are sender-zero fields. Channel 0 is
 * the keep-alive, not a fault.
 */
static __always_inline int
check_heartbeat(const __u8 *h)
{
	if (load_raw64(h + HWP_HEARTBEAT_OFF_SEQ) != 0)
		return HERALD_XDP_C_RESERVED_NONZERO;
	if (load_raw32(h + HWP_HEARTBEAT_OFF_SUBSCRIBER) == 0)
		return HERALD_XDP_C_ZERO_SUBSCRIBER;
	if (load_raw32(h + HWP_HEARTBEAT_OFF_EPOCH) != 0)
		return HERALD_XDP_C_RESERVED_NONZERO;
	return HX_OK;
}

static __always_inline int
check_nack(const __u8 *h)
{
	__u32 n;

	if (load_raw64(h + HWP_NACK_OFF_CHANNEL) == 0)
		return HERALD_XDP_C_ZERO_CHANNEL;
	if (load_raw64(h + HWP_NACK_OFF_FROM_SEQ) == 0)
		return HERALD_XDP_C_ZERO_FROM_SEQ;
	n = load_be32(h + HWP_NACK_OFF_COUNT);
	if (n == 0 || n > HWP_NACK_MAX_COUNT)
		return HERALD_XDP_C_BAD_NACK_COUNT;
	if (load_raw32(h + HWP_NACK_OFF_SUBSCRIBER) == 0)
		return HERALD_XDP_C_ZERO_SUBSCRIBER;
	return HX_OK;
}

static __always_inline int
check_fields(const __u8 *h, __u8 type)
{
	/* PUBLISH, the most common type, first. */
	if (type == HWP_T_PUBLISH)
		return check_publish(h);
	if (type == HWP_T_SUBSCRIBE || type == HWP_T_UNSUBSCRIBE)
		return check_subscribe(h, type);
	if (type == HWP_T_HEARTBEAT)
		return check_heartbeat(h);
	return check_nack(h); /* the header check left only NACK */
}

/*
 * hwp_type_fixed_len() for the types left after the direction rule.
 * clang emits the header's version as a BPF subprogram call; this one is
 * always inlined (a call per frame cost about 2 ns).
 */
static __always_inline __u16
to_herald_fixed_len(__u8 type)
{
	if (type == HWP_T_SUBSCRIBE || type == HWP_T_UNSUBSCRIBE)
		return HWP_SUBSCRIBE_LEN;
	/* PUBLISH, HEARTBEAT and NACK share the 32-byte fixed size. */
	return HWP_PUBLISH_LEN;
}

/*
 * The first fault among the header rules before the length, in the
 * codec's order, of a header that failed check_header()'s combined test
 * of them: if none before it failed, the reserved byte did.
 */
static __always_inline int
header_fault(const __u8 *h)
{
	__u8 type;

	if (load_be16(h + HWP_OFF_MAGIC) != HWP_MAGIC)
		return HERALD_XDP_C_BAD_MAGIC;
	if (h[HWP_OFF_VERSION] != HWP_VERSION)
		return HERALD_XDP_C_BAD_VERSION;
	type = h[HWP_OFF_TYPE];
	if (type < HWP_T_MIN || type > HWP_T_MAX)
		return HERALD_XDP_C_BAD_TYPE;
	if (!hwp_type_to_herald(type))
		return HERALD_XDP_C_WRONG_DIRECTION;
	if ((h[HWP_OFF_FLAGS] & ~hwp_type_flags_mask(type)) != 0)
		return HERALD_XDP_C_BAD_FLAGS;
	return HERALD_XDP_C_RESERVED_NONZERO;
}

/*
 * Common header of the frame at h (8 readable bytes), rem bytes left in
 * the datagram, in the codec's order. Only types Herald accepts pass the
 * direction rule. Sets the frame's length and type.
 */
static __always_inline int
check_header(const __u8 *h, __u32 rem, __u16 *flen, __u8 *typep)
{
	__u8 type = h[HWP_OFF_TYPE];
	__u16 len;

	/*
	 * Magic, version, type (a type Herald accepts is in range), flags
	 * and reserved byte in three tests; hwp_type_to_herald() compiles
	 * to a bit test, the flag mask to a select.
	 */
	if (hx_unlikely((load_raw32(h) & HX_HDR_MV_MASK) != HX_HDR_MV ||
			!hwp_type_to_herald(type) ||
			(load_raw32(h + 4) & HX_HDR_MBZ(type)) != 0))
		return header_fault(h);
	len = load_be16(h + HWP_OFF_LENGTH);
	/*
	 * The codec's two length rules (at least the fixed size; more only
	 * for a type with a payload, by at most HWP_MAX_PAYLOAD). Of the
	 * types Herald accepts, only PUBLISH has a payload.
	 */
	if (type == HWP_T_PUBLISH) {
		/* Unsigned: a length below the fixed size wraps past it. */
		if ((__u32)len - HWP_PUBLISH_LEN > HWP_MAX_PAYLOAD)
			return HERALD_XDP_C_BAD_LENGTH;
	} else if (len != to_herald_fixed_len(type)) {
		return HERALD_XDP_C_BAD_LENGTH;
	}
	if (len > rem)
		return HERALD_XDP_C_LENGTH_OVERRUN;
	*flen = len;
	*typep = type;
	return HX_OK;
}

/*
 * Steering target of a datagram whose first frame (valid, 32 bytes
 * readable) is at h: the slot of its channel (at offset 8 in every type
 * Herald accepts), or the control target for a keep-alive.
 */
static __always_inline __u32
frame_slot(const __u8 *h, __u8 type)
{
	__u64 chan = load_raw64(h + HWP_PUBLISH_OFF_CHANNEL);

	if (type == HWP_T_HEARTBEAT && chan == 0)
		return HERALD_XDP_CTL_SLOT;
	return hwp_slot(bpf_be64_to_cpu(chan));
}

/* What the frame walk learnt about a valid datagram. */
struct dgram_info {
	__u32 slot;	  /* target index of the first frame */
	__u8 has_publish; /* some frame is a PUBLISH */
};

/*
 * First frame, read in place: the fast path, as Herald sends and most
 * clients send one frame per datagram. The caller checked that 32 bytes
 * of it lie in the linear part at a constant packet offset.
 */
static __always_inline int
check_first_frame(const __u8 *h, __u32 plen, __u16 *flen, struct dgram_info *di)
{
	__u8 type = 0;
	int err;

	err = check_header(h, plen, flen, &type);
	if (err != HX_OK)
		return err;
	err = check_fields(h, type);
	if (err != HX_OK)
		return err;
	di->has_publish = type == HWP_T_PUBLISH;
	/* Wasted only on a datagram dropped later. */
	di->slot = frame_slot(h, type);
	return HX_OK;
}

/* State of the walk over a datagram's frames (bpf_loop context). */
struct walk_ctx {
	struct xdp_md *xdp;
	__u32 base; /* packet offset of the UDP payload */
	__u32 off;  /* offset of the next frame in the payload */
	__u32 plen; /* UDP payload length */
	int err;
	__u32 slot; /* set when the walk starts at the first frame */
	__u8 has_publish;
};

/*
 * One frame, as a bpf_loop() callback: the verifier checks it as one
 * loop body instead of unrolling the loop (an open-coded loop had it
 * walk about 800k instructions, close to its limit). The frame is copied
 * out with bpf_xdp_load_bytes() rather than read in place: a variable
 * packet offset is a precise register whose range differs on every
 * iteration, and the callback's states stopped converging. The copy
 * also reaches frames in the fragments of a multi-buffer packet.
 *
 * The copy is 32 bytes, as every field rule lies within them (the last,
 * UNSUBSCRIBE's from_seq, ends at 32), or the bare header when fewer
 * than 32 bytes are left, where the length check fails before any field
 * is read.
 */
static long
walk_frame(__u64 i, void *arg)
{
	struct walk_ctx *w = arg;
	/* Aligned: the stack is read in 32-bit and 64-bit words. */
	__u8 buf[HWP_MIN_FRAME_LEN] __attribute__((aligned(8)));
	__u32 rem = w->plen - w->off;
	__u16 flen = 0;
	__u8 type = 0;
	int err;

	(void)i;
	if (w->off >= w->plen)
		return 1;
	if (rem < HWP_HDR_LEN)
		goto fail_truncated;
	if (rem >= HWP_MIN_FRAME_LEN)
		err = bpf_xdp_load_bytes(w->xdp, w->base + w->off, buf,
					 HWP_MIN_FRAME_LEN);
	else
		err = bpf_xdp_load_bytes(w->xdp, w->base + w->off, buf,
					 HWP_HDR_LEN);
	if (err != 0)
		goto fail_truncated;
	err = check_header(buf, rem, &flen, &type);
	if (err != HX_OK)
		goto fail;
	err = check_fields(buf, type);
	if (err != HX_OK)
		goto fail;
	if (type == HWP_T_PUBLISH)
		w->has_publish = 1;
	if (w->off == 0)
		w->slot = frame_slot(buf, type);
	w->off += flen;
	return 0;

fail_truncated:
	err = HERALD_XDP_C_TRUNCATED;
fail:
	w->err = err;
	return 1;
}

/*
 * Walks the frames of the UDP payload (plen bytes at pl, packet offset
 * base; the linear part ends at data_end) as the codec does. Returns
 * HX_OK and fills di, or the counter of the first fault.
 *
 * The first frame is read in place when its 32 bytes are linear (always
 * so below one page); otherwise, and for a datagram shorter than any
 * frame, the walk starts at the first frame.
 */
static __always_inline int
check_datagram(struct xdp_md *ctx, const __u8 *pl, void *data_end, __u32 base,
	       __u32 plen, struct dgram_info *di)
{
	struct walk_ctx w = {
		.xdp = ctx,
		.base = base,
		.plen = plen,
		.err = HX_OK,
	};
	__u32 frames = HX_MAX_FRAMES;
	__u16 flen = 0;
	int err;

	if (plen == 0)
		return HERALD_XDP_C_EMPTY;
	if (hx_likely(plen >= HWP_MIN_FRAME_LEN &&
		      (void *)(pl + HWP_MIN_FRAME_LEN) <= data_end)) {
		err = check_first_frame(pl, plen, &flen, di);
		if (err != HX_OK)
			return err;
		/* One frame, the common case: no loop to set up. */
		if (hx_likely(flen == plen))
			return HX_OK;
		w.off = flen;
		w.slot = di->slot;
		w.has_publish = di->has_publish;
		frames = HX_MAX_FRAMES - 1;
	}
	bpf_loop(frames, walk_frame, &w, 0);
	di->slot = w.slot;
	di->has_publish = w.has_publish;
	return w.err;
}

#endif /* HX_HWP_H */
