/* SPDX-License-Identifier: BSD-3-Clause
 * HWP/1 codec: single-pass datagram parser and frame encoders.
 *
 * Rule order (PROTOCOL.md section 4, applied per frame in header order):
 *   remaining < 8 -> TRUNCATED (len 0 -> EMPTY), magic, version, type
 *   unknown, type not allowed for dir, flags (PASSIVE on SUBSCRIBE only),
 *   header reserved, length vs the type's size, length past the datagram,
 *   then the type's fields in offset order (reserved and sender-zero
 *   fields, channel, publisher, subscriber, pub_seq, NACK from_seq and
 *   count), so the first fault found is the first one on the wire.
 *
 * Sender-zero fields (revision 2): UNSUBSCRIBE's from_seq, and a
 * subscriber's HEARTBEAT seq and epoch. A HEARTBEAT is a subscriber's
 * only when parsed towards Herald (HWP_DIR_TO_HERALD); Herald's own carry
 * both, and HWP_DIR_ANY cannot tell the two apart, so it checks neither.
 */
#include <string.h>

#include "hwp.h"

static const char *const err_names[] = {
#define HWP_ERR_NAME(name, str, help) [HWP_ERR_##name] = str,
	HWP_ERRORS(HWP_ERR_NAME)
#undef HWP_ERR_NAME
};

const char *
hwp_err_str(enum hwp_err err)
{
	if ((unsigned int)err >= HWP_ERR__COUNT)
		return "unknown";
	return err_names[err];
}

const char *
hwp_type_str(uint8_t type)
{
	switch (type) {
	case HWP_T_PUBLISH: return "publish";
	case HWP_T_DELIVER: return "deliver";
	case HWP_T_PUBACK: return "puback";
	case HWP_T_SUBSCRIBE: return "subscribe";
	case HWP_T_UNSUBSCRIBE: return "unsubscribe";
	case HWP_T_SUBACK: return "suback";
	case HWP_T_HEARTBEAT: return "heartbeat";
	case HWP_T_NACK: return "nack";
	case HWP_T_GAP: return "gap";
	default: return "unknown";
	}
}

/*
 * Types accepted per direction as bit masks indexed by type, so the
 * direction rule is one load and one test in the hot loop.
 */
#define TBIT(t) (1u << (t))
#define TO_HERALD_MASK                                                         \
	(TBIT(HWP_T_PUBLISH) | TBIT(HWP_T_SUBSCRIBE) |                         \
	 TBIT(HWP_T_UNSUBSCRIBE) | TBIT(HWP_T_HEARTBEAT) | TBIT(HWP_T_NACK))
#define FROM_HERALD_MASK                                                       \
	(TBIT(HWP_T_DELIVER) | TBIT(HWP_T_PUBACK) | TBIT(HWP_T_SUBACK) |       \
	 TBIT(HWP_T_HEARTBEAT) | TBIT(HWP_T_GAP))
#define ANY_MASK (TO_HERALD_MASK | FROM_HERALD_MASK)

static uint32_t
dir_mask(enum hwp_dir dir)
{
	switch (dir) {
	case HWP_DIR_TO_HERALD: return TO_HERALD_MASK;
	case HWP_DIR_FROM_HERALD: return FROM_HERALD_MASK;
	case HWP_DIR_ANY: return ANY_MASK;
	default: return 0; /* an invalid dir accepts nothing */
	}
}

/* Fixed size per type; index 0 and past HWP_T_MAX are never read. */
static const uint16_t fixed_len[HWP_T_MAX + 1] = {
	[HWP_T_PUBLISH] = HWP_PUBLISH_LEN,
	[HWP_T_DELIVER] = HWP_DELIVER_LEN,
	[HWP_T_PUBACK] = HWP_PUBACK_LEN,
	[HWP_T_SUBSCRIBE] = HWP_SUBSCRIBE_LEN,
	[HWP_T_UNSUBSCRIBE] = HWP_UNSUBSCRIBE_LEN,
	[HWP_T_SUBACK] = HWP_SUBACK_LEN,
	[HWP_T_HEARTBEAT] = HWP_HEARTBEAT_LEN,
	[HWP_T_NACK] = HWP_NACK_LEN,
	[HWP_T_GAP] = HWP_GAP_LEN,
};

/*
 * Per-type field decoders. Each reads a frame whose length is already
 * checked, fills f and returns the first field fault in offset order.
 */
static inline __attribute__((always_inline)) enum hwp_err
decode_publish(const uint8_t *p, struct hwp_publish *f)
{
	f->channel = hwp_get64(p + HWP_PUBLISH_OFF_CHANNEL);
	if (f->channel == 0)
		return HWP_ERR_ZERO_CHANNEL;
	f->publisher = hwp_get32(p + HWP_PUBLISH_OFF_PUBLISHER);
	if (f->publisher == 0)
		return HWP_ERR_ZERO_PUBLISHER;
	if (hwp_get32(p + HWP_PUBLISH_OFF_RESERVED) != 0)
		return HWP_ERR_RESERVED_NONZERO;
	f->pub_seq = hwp_get64(p + HWP_PUBLISH_OFF_PUB_SEQ);
	if (f->pub_seq == 0)
		return HWP_ERR_ZERO_PUB_SEQ;
	return HWP_ERR_OK;
}

static inline __attribute__((always_inline)) enum hwp_err
decode_deliver(const uint8_t *p, struct hwp_deliver *f)
{
	f->channel = hwp_get64(p + HWP_DELIVER_OFF_CHANNEL);
	if (f->channel == 0)
		return HWP_ERR_ZERO_CHANNEL;
	f->seq = hwp_get64(p + HWP_DELIVER_OFF_SEQ);
	f->epoch = hwp_get32(p + HWP_DELIVER_OFF_EPOCH);
	f->publisher = hwp_get32(p + HWP_DELIVER_OFF_PUBLISHER);
	if (f->publisher == 0)
		return HWP_ERR_ZERO_PUBLISHER;
	f->timestamp = hwp_get64(p + HWP_DELIVER_OFF_TIMESTAMP);
	return HWP_ERR_OK;
}

static inline __attribute__((always_inline)) enum hwp_err
decode_puback(const uint8_t *p, struct hwp_puback *f)
{
	f->publisher = hwp_get32(p + HWP_PUBACK_OFF_PUBLISHER);
	if (f->publisher == 0)
		return HWP_ERR_ZERO_PUBLISHER;
	f->epoch = hwp_get32(p + HWP_PUBACK_OFF_EPOCH);
	f->acked_seq = hwp_get64(p + HWP_PUBACK_OFF_ACKED_SEQ);
	f->credit = hwp_get32(p + HWP_PUBACK_OFF_CREDIT);
	if (hwp_get32(p + HWP_PUBACK_OFF_RESERVED) != 0)
		return HWP_ERR_RESERVED_NONZERO;
	return HWP_ERR_OK;
}

static inline __attribute__((always_inline)) enum hwp_err
decode_subscribe(const uint8_t *p, uint8_t type, struct hwp_subscribe *f)
{
	f->channel = hwp_get64(p + HWP_SUBSCRIBE_OFF_CHANNEL);
	if (f->channel == 0)
		return HWP_ERR_ZERO_CHANNEL;
	f->subscriber = hwp_get32(p + HWP_SUBSCRIBE_OFF_SUBSCRIBER);
	if (f->subscriber == 0)
		return HWP_ERR_ZERO_SUBSCRIBER;
	if (hwp_get32(p + HWP_SUBSCRIBE_OFF_RESERVED) != 0)
		return HWP_ERR_RESERVED_NONZERO;
	f->from_seq = hwp_get64(p + HWP_SUBSCRIBE_OFF_FROM_SEQ);
	if (type == HWP_T_UNSUBSCRIBE && f->from_seq != 0)
		return HWP_ERR_RESERVED_NONZERO;
	f->expires = hwp_get64(p + HWP_SUBSCRIBE_OFF_EXPIRES);
	/* The token is 32 opaque bytes the caller verifies later. */
	memcpy(f->token, p + HWP_SUBSCRIBE_OFF_TOKEN, HWP_TOKEN_LEN);
	return HWP_ERR_OK;
}

static inline __attribute__((always_inline)) enum hwp_err
decode_suback(const uint8_t *p, struct hwp_suback *f)
{
	const uint8_t *r1 = p + HWP_SUBACK_OFF_RESERVED1;

	f->channel = hwp_get64(p + HWP_SUBACK_OFF_CHANNEL);
	if (f->channel == 0)
		return HWP_ERR_ZERO_CHANNEL;
	f->subscriber = hwp_get32(p + HWP_SUBACK_OFF_SUBSCRIBER);
	if (f->subscriber == 0)
		return HWP_ERR_ZERO_SUBSCRIBER;
	f->status = p[HWP_SUBACK_OFF_STATUS];
	if ((r1[0] | r1[1] | r1[2]) != 0)
		return HWP_ERR_RESERVED_NONZERO;
	f->next_seq = hwp_get64(p + HWP_SUBACK_OFF_NEXT_SEQ);
	f->epoch = hwp_get32(p + HWP_SUBACK_OFF_EPOCH);
	if (hwp_get32(p + HWP_SUBACK_OFF_RESERVED2) != 0)
		return HWP_ERR_RESERVED_NONZERO;
	return HWP_ERR_OK;
}

static inline __attribute__((always_inline)) enum hwp_err
decode_heartbeat(const uint8_t *p, bool from_subscriber,
		 struct hwp_heartbeat *f)
{
	/* Channel 0 is the subscriber keep-alive (section 3): not a fault. */
	f->channel = hwp_get64(p + HWP_HEARTBEAT_OFF_CHANNEL);
	f->seq = hwp_get64(p + HWP_HEARTBEAT_OFF_SEQ);
	if (from_subscriber && f->seq != 0)
		return HWP_ERR_RESERVED_NONZERO;
	f->subscriber = hwp_get32(p + HWP_HEARTBEAT_OFF_SUBSCRIBER);
	if (f->subscriber == 0)
		return HWP_ERR_ZERO_SUBSCRIBER;
	f->epoch = hwp_get32(p + HWP_HEARTBEAT_OFF_EPOCH);
	if (from_subscriber && f->epoch != 0)
		return HWP_ERR_RESERVED_NONZERO;
	return HWP_ERR_OK;
}

static inline __attribute__((always_inline)) enum hwp_err
decode_nack(const uint8_t *p, struct hwp_nack *f)
{
	f->channel = hwp_get64(p + HWP_NACK_OFF_CHANNEL);
	if (f->channel == 0)
		return HWP_ERR_ZERO_CHANNEL;
	f->from_seq = hwp_get64(p + HWP_NACK_OFF_FROM_SEQ);
	if (f->from_seq == 0)
		return HWP_ERR_ZERO_FROM_SEQ;
	f->count = hwp_get32(p + HWP_NACK_OFF_COUNT);
	if (f->count == 0 || f->count > HWP_NACK_MAX_COUNT)
		return HWP_ERR_BAD_NACK_COUNT;
	f->subscriber = hwp_get32(p + HWP_NACK_OFF_SUBSCRIBER);
	if (f->subscriber == 0)
		return HWP_ERR_ZERO_SUBSCRIBER;
	return HWP_ERR_OK;
}

static inline __attribute__((always_inline)) enum hwp_err
decode_gap(const uint8_t *p, struct hwp_gap *f)
{
	f->channel = hwp_get64(p + HWP_GAP_OFF_CHANNEL);
	if (f->channel == 0)
		return HWP_ERR_ZERO_CHANNEL;
	f->from_seq = hwp_get64(p + HWP_GAP_OFF_FROM_SEQ);
	f->count = hwp_get32(p + HWP_GAP_OFF_COUNT);
	f->epoch = hwp_get32(p + HWP_GAP_OFF_EPOCH);
	return HWP_ERR_OK;
}

static inline __attribute__((always_inline)) enum hwp_err
decode_fields(const uint8_t *p, uint8_t type, enum hwp_dir dir,
	      struct hwp_frame *f)
{
	switch (type) {
	case HWP_T_PUBLISH: return decode_publish(p, &f->u.publish);
	case HWP_T_DELIVER: return decode_deliver(p, &f->u.deliver);
	case HWP_T_PUBACK: return decode_puback(p, &f->u.puback);
	case HWP_T_SUBSCRIBE:
	case HWP_T_UNSUBSCRIBE:
		return decode_subscribe(p, type, &f->u.subscribe);
	case HWP_T_SUBACK: return decode_suback(p, &f->u.suback);
	case HWP_T_HEARTBEAT:
		return decode_heartbeat(p, dir == HWP_DIR_TO_HERALD,
					&f->u.heartbeat);
	case HWP_T_NACK: return decode_nack(p, &f->u.nack);
	case HWP_T_GAP: return decode_gap(p, &f->u.gap);
	default: return HWP_ERR_BAD_TYPE; /* unreachable: type checked */
	}
}

/*
 * Checks the common header of the frame at p (rem bytes left in the
 * datagram) and stores its length in *flen.
 */
static inline __attribute__((always_inline)) enum hwp_err
check_header(const uint8_t *p, size_t rem, uint32_t mask, uint16_t *flen)
{
	uint8_t type;
	uint16_t fixed;
	uint16_t len;

	if (rem < HWP_HDR_LEN)
		return HWP_ERR_TRUNCATED;
	if (hwp_get16(p + HWP_OFF_MAGIC) != HWP_MAGIC)
		return HWP_ERR_BAD_MAGIC;
	if (p[HWP_OFF_VERSION] != HWP_VERSION)
		return HWP_ERR_BAD_VERSION;
	type = p[HWP_OFF_TYPE];
	if (type < HWP_T_MIN || type > HWP_T_MAX)
		return HWP_ERR_BAD_TYPE;
	if ((mask & TBIT(type)) == 0)
		return HWP_ERR_WRONG_DIRECTION;
	if ((p[HWP_OFF_FLAGS] & ~hwp_type_flags_mask(type)) != 0)
		return HWP_ERR_BAD_FLAGS;
	if (p[HWP_OFF_RESERVED] != 0)
		return HWP_ERR_RESERVED_NONZERO;
	len = hwp_get16(p + HWP_OFF_LENGTH);
	fixed = fixed_len[type];
	if (len < fixed)
		return HWP_ERR_BAD_LENGTH;
	if (len > fixed &&
	    (!hwp_type_has_payload(type) || len - fixed > HWP_MAX_PAYLOAD))
		return HWP_ERR_BAD_LENGTH;
	if (len > rem)
		return HWP_ERR_LENGTH_OVERRUN;
	*flen = len;
	return HWP_ERR_OK;
}

/*
 * The one parser. frames == NULL validates only; always_inline lets the
 * compiler drop the stores for hwp_validate.
 */
static inline __attribute__((always_inline)) enum hwp_err
parse_datagram(const uint8_t *buf, size_t len, enum hwp_dir dir,
	       struct hwp_frame *frames, unsigned int max_frames,
	       unsigned int *nframes, size_t *fault_offset)
{
	const uint32_t mask = dir_mask(dir);
	struct hwp_frame scratch;
	enum hwp_err err = HWP_ERR_OK;
	unsigned int n = 0;
	size_t off = 0;

	if (len == 0) {
		err = HWP_ERR_EMPTY;
		goto fail;
	}
	while (off < len) {
		const uint8_t *p = buf + off;
		struct hwp_frame *f = &scratch;
		uint16_t flen = 0;
		uint8_t type;

		if (frames != NULL) {
			if (n == max_frames) {
				err = HWP_ERR_TOO_MANY_FRAMES;
				goto fail;
			}
			f = &frames[n];
		}
		err = check_header(p, len - off, mask, &flen);
		if (err != HWP_ERR_OK)
			goto fail;
		type = p[HWP_OFF_TYPE];
		err = decode_fields(p, type, dir, f);
		if (err != HWP_ERR_OK)
			goto fail;
		f->type = type;
		f->flags = p[HWP_OFF_FLAGS];
		f->length = flen;
		f->offset = (uint32_t)off;
		if (hwp_type_has_payload(type)) {
			f->payload = p + fixed_len[type];
			f->payload_len = (uint16_t)(flen - fixed_len[type]);
		} else {
			f->payload = NULL;
			f->payload_len = 0;
		}
		off += flen;
		n++;
	}
	*nframes = n;
	return HWP_ERR_OK;

fail:
	*nframes = 0;
	if (fault_offset != NULL)
		*fault_offset = off;
	return err;
}

enum hwp_err
hwp_parse(const uint8_t *buf, size_t len, enum hwp_dir dir,
	  struct hwp_frame *frames, unsigned int max_frames,
	  unsigned int *nframes, size_t *fault_offset)
{
	unsigned int dummy;

	if (nframes == NULL)
		nframes = &dummy;
	if (frames == NULL) {
		/* Nowhere to put even one frame. */
		*nframes = 0;
		if (fault_offset != NULL)
			*fault_offset = 0;
		return len == 0 ? HWP_ERR_EMPTY : HWP_ERR_TOO_MANY_FRAMES;
	}
	return parse_datagram(buf, len, dir, frames, max_frames, nframes,
			      fault_offset);
}

enum hwp_err
hwp_validate(const uint8_t *buf, size_t len, enum hwp_dir dir,
	     unsigned int *nframes, size_t *fault_offset)
{
	unsigned int dummy;

	if (nframes == NULL)
		nframes = &dummy;
	return parse_datagram(buf, len, dir, NULL, 0, nframes, fault_offset);
}

/* Encoders. */

static void
put_header(uint8_t *buf, uint8_t type, uint8_t flags, uint16_t len)
{
	hwp_put16(buf + HWP_OFF_MAGIC, HWP_MAGIC);
	buf[HWP_OFF_VERSION] = HWP_VERSION;
	buf[HWP_OFF_TYPE] = type;
	buf[HWP_OFF_FLAGS] = flags;
	buf[HWP_OFF_RESERVED] = 0;
	hwp_put16(buf + HWP_OFF_LENGTH, len);
}

/*
 * Starts a frame of a fixed-size type: checks room, zeroes it (so every
 * reserved byte is 0) and writes the header.
 */
static int
begin_fixed(uint8_t *buf, size_t cap, uint8_t type, uint8_t flags)
{
	uint16_t len = hwp_type_fixed_len(type);

	if (buf == NULL || cap < len)
		return -1;
	memset(buf, 0, len);
	put_header(buf, type, flags, len);
	return len;
}

static int
encode_publish(uint8_t *buf, size_t cap, uint8_t flags,
	       const struct hwp_publish *f, const void *payload,
	       size_t payload_len)
{
	if (f == NULL || payload_len > HWP_MAX_PAYLOAD ||
	    (payload == NULL && payload_len > 0) ||
	    cap < HWP_PUBLISH_LEN + payload_len || buf == NULL)
		return -1;
	put_header(buf, HWP_T_PUBLISH, flags,
		   (uint16_t)(HWP_PUBLISH_LEN + payload_len));
	hwp_put64(buf + HWP_PUBLISH_OFF_CHANNEL, f->channel);
	hwp_put32(buf + HWP_PUBLISH_OFF_PUBLISHER, f->publisher);
	hwp_put32(buf + HWP_PUBLISH_OFF_RESERVED, 0);
	hwp_put64(buf + HWP_PUBLISH_OFF_PUB_SEQ, f->pub_seq);
	if (payload_len > 0)
		memmove(buf + HWP_PUBLISH_LEN, payload, payload_len);
	return (int)(HWP_PUBLISH_LEN + payload_len);
}

int
hwp_encode_publish(uint8_t *buf, size_t cap, uint8_t flags,
		   const struct hwp_publish *f, const void *payload,
		   size_t payload_len)
{
	return encode_publish(buf, cap, flags, f, payload, payload_len);
}

int
hwp_encode_deliver_hdr(uint8_t *buf, size_t cap, uint8_t flags,
		       const struct hwp_deliver *f, size_t payload_len)
{
	if (f == NULL || buf == NULL || payload_len > HWP_MAX_PAYLOAD ||
	    cap < HWP_DELIVER_LEN)
		return -1;
	put_header(buf, HWP_T_DELIVER, flags,
		   (uint16_t)(HWP_DELIVER_LEN + payload_len));
	hwp_put64(buf + HWP_DELIVER_OFF_CHANNEL, f->channel);
	hwp_put64(buf + HWP_DELIVER_OFF_SEQ, f->seq);
	hwp_put32(buf + HWP_DELIVER_OFF_EPOCH, f->epoch);
	hwp_put32(buf + HWP_DELIVER_OFF_PUBLISHER, f->publisher);
	hwp_put64(buf + HWP_DELIVER_OFF_TIMESTAMP, f->timestamp);
	return HWP_DELIVER_LEN;
}

int
hwp_encode_deliver(uint8_t *buf, size_t cap, uint8_t flags,
		   const struct hwp_deliver *f, const void *payload,
		   size_t payload_len)
{
	if (payload_len > HWP_MAX_PAYLOAD ||
	    (payload == NULL && payload_len > 0) ||
	    cap < HWP_DELIVER_LEN + payload_len)
		return -1;
	if (hwp_encode_deliver_hdr(buf, cap, flags, f, payload_len) < 0)
		return -1;
	if (payload_len > 0)
		memmove(buf + HWP_DELIVER_LEN, payload, payload_len);
	return (int)(HWP_DELIVER_LEN + payload_len);
}

static int
encode_puback(uint8_t *buf, size_t cap, uint8_t flags,
	      const struct hwp_puback *f)
{
	int len;

	if (f == NULL)
		return -1;
	len = begin_fixed(buf, cap, HWP_T_PUBACK, flags);
	if (len < 0)
		return -1;
	hwp_put32(buf + HWP_PUBACK_OFF_PUBLISHER, f->publisher);
	hwp_put32(buf + HWP_PUBACK_OFF_EPOCH, f->epoch);
	hwp_put64(buf + HWP_PUBACK_OFF_ACKED_SEQ, f->acked_seq);
	hwp_put32(buf + HWP_PUBACK_OFF_CREDIT, f->credit);
	return len;
}

int
hwp_encode_puback(uint8_t *buf, size_t cap, const struct hwp_puback *f)
{
	return encode_puback(buf, cap, 0, f);
}

static int
encode_subscribe(uint8_t *buf, size_t cap, uint8_t type, uint8_t flags,
		 const struct hwp_subscribe *f)
{
	int len;

	if (f == NULL)
		return -1;
	len = begin_fixed(buf, cap, type, flags);
	if (len < 0)
		return -1;
	hwp_put64(buf + HWP_SUBSCRIBE_OFF_CHANNEL, f->channel);
	hwp_put32(buf + HWP_SUBSCRIBE_OFF_SUBSCRIBER, f->subscriber);
	hwp_put64(buf + HWP_SUBSCRIBE_OFF_FROM_SEQ, f->from_seq);
	hwp_put64(buf + HWP_SUBSCRIBE_OFF_EXPIRES, f->expires);
	memcpy(buf + HWP_SUBSCRIBE_OFF_TOKEN, f->token, HWP_TOKEN_LEN);
	return len;
}

int
hwp_encode_subscribe(uint8_t *buf, size_t cap, const struct hwp_subscribe *f)
{
	return encode_subscribe(buf, cap, HWP_T_SUBSCRIBE, 0, f);
}

int
hwp_encode_unsubscribe(uint8_t *buf, size_t cap, const struct hwp_subscribe *f)
{
	return encode_subscribe(buf, cap, HWP_T_UNSUBSCRIBE, 0, f);
}

static int
encode_suback(uint8_t *buf, size_t cap, uint8_t flags,
	      const struct hwp_suback *f)
{
	int len;

	if (f == NULL)
		return -1;
	len = begin_fixed(buf, cap, HWP_T_SUBACK, flags);
	if (len < 0)
		return -1;
	hwp_put64(buf + HWP_SUBACK_OFF_CHANNEL, f->channel);
	hwp_put32(buf + HWP_SUBACK_OFF_SUBSCRIBER, f->subscriber);
	buf[HWP_SUBACK_OFF_STATUS] = f->status;
	hwp_put64(buf + HWP_SUBACK_OFF_NEXT_SEQ, f->next_seq);
	hwp_put32(buf + HWP_SUBACK_OFF_EPOCH, f->epoch);
	return len;
}

int
hwp_encode_suback(uint8_t *buf, size_t cap, const struct hwp_suback *f)
{
	return encode_suback(buf, cap, 0, f);
}

static int
encode_heartbeat(uint8_t *buf, size_t cap, uint8_t flags,
		 const struct hwp_heartbeat *f)
{
	int len;

	if (f == NULL)
		return -1;
	len = begin_fixed(buf, cap, HWP_T_HEARTBEAT, flags);
	if (len < 0)
		return -1;
	hwp_put64(buf + HWP_HEARTBEAT_OFF_CHANNEL, f->channel);
	hwp_put64(buf + HWP_HEARTBEAT_OFF_SEQ, f->seq);
	hwp_put32(buf + HWP_HEARTBEAT_OFF_SUBSCRIBER, f->subscriber);
	hwp_put32(buf + HWP_HEARTBEAT_OFF_EPOCH, f->epoch);
	return len;
}

int
hwp_encode_heartbeat(uint8_t *buf, size_t cap, const struct hwp_heartbeat *f)
{
	return encode_heartbeat(buf, cap, 0, f);
}

static int
encode_nack(uint8_t *buf, size_t cap, uint8_t flags, const struct hwp_nack *f)
{
	int len;

	if (f == NULL)
		return -1;
	len = begin_fixed(buf, cap, HWP_T_NACK, flags);
	if (len < 0)
		return -1;
	hwp_put64(buf + HWP_NACK_OFF_CHANNEL, f->channel);
	hwp_put64(buf + HWP_NACK_OFF_FROM_SEQ, f->from_seq);
	hwp_put32(buf + HWP_NACK_OFF_COUNT, f->count);
	hwp_put32(buf + HWP_NACK_OFF_SUBSCRIBER, f->subscriber);
	return len;
}

int
hwp_encode_nack(uint8_t *buf, size_t cap, const struct hwp_nack *f)
{
	return encode_nack(buf, cap, 0, f);
}

static int
encode_gap(uint8_t *buf, size_t cap, uint8_t flags, const struct hwp_gap *f)
{
	int len;

	if (f == NULL)
		return -1;
	len = begin_fixed(buf, cap, HWP_T_GAP, flags);
	if (len < 0)
		return -1;
	hwp_put64(buf + HWP_GAP_OFF_CHANNEL, f->channel);
	hwp_put64(buf + HWP_GAP_OFF_FROM_SEQ, f->from_seq);
	hwp_put32(buf + HWP_GAP_OFF_COUNT, f->count);
	hwp_put32(buf + HWP_GAP_OFF_EPOCH, f->epoch);
	return len;
}

int
hwp_encode_gap(uint8_t *buf, size_t cap, const struct hwp_gap *f)
{
	return encode_gap(buf, cap, 0, f);
}

int
hwp_encode_frame(uint8_t *buf, size_t cap, const struct hwp_frame *f)
{
	if (f == NULL)
		return -1;
	switch (f->type) {
	case HWP_T_PUBLISH:
		return encode_publish(buf, cap, f->flags, &f->u.publish,
				      f->payload, f->payload_len);
	case HWP_T_DELIVER:
		return hwp_encode_deliver(buf, cap, f->flags, &f->u.deliver,
					  f->payload, f->payload_len);
	case HWP_T_PUBACK:
		return encode_puback(buf, cap, f->flags, &f->u.puback);
	case HWP_T_SUBSCRIBE:
	case HWP_T_UNSUBSCRIBE:
		return encode_subscribe(buf, cap, f->type, f->flags,
					&f->u.subscribe);
	case HWP_T_SUBACK:
		return encode_suback(buf, cap, f->flags, &f->u.suback);
	case HWP_T_HEARTBEAT:
		return encode_heartbeat(buf, cap, f->flags, &f->u.heartbeat);
	case HWP_T_NACK: return encode_nack(buf, cap, f->flags, &f->u.nack);
	case HWP_T_GAP: return encode_gap(buf, cap, f->flags, &f->u.gap);
	default: return -1;
	}
}
