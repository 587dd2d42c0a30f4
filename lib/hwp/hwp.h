/* SPDX-License-Identifier: BSD-3-Clause
 * HWP/1 codec: datagram validation/parsing and frame encoders.
 *
 * No DPDK dependency, no allocation. The parser walks a datagram once,
 * applies every rule of PROTOCOL.md section 4 and either fills the
 * caller's frame array (payloads point into the caller's buffer, never
 * copied) or reports the first fault by name.
 */
#ifndef HWP_H
#define HWP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hwp_wire.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Validation faults, declared once, in the order the parser finds them.
 * X(name, "string", "help"): the string is the stable counter name used
 * in stats, JSON, the CLI and the XDP program; the help says what broke.
 */
#define HWP_ERRORS(X)                                                          \
	X(OK, "ok", "valid")                                                   \
	X(EMPTY, "empty_datagram", "UDP payload of 0 bytes")                   \
	X(TRUNCATED, "truncated_header",                                       \
	  "fewer than 8 bytes left for a frame header")                        \
	X(BAD_MAGIC, "bad_magic", "magic is not 0x4852")                       \
	X(BAD_VERSION, "bad_version", "version is not 1")                      \
	X(BAD_TYPE, "bad_type", "unknown frame type")                          \
	X(WRONG_DIRECTION, "wrong_direction",                                  \
	  "frame type Herald only sends (DELIVER, PUBACK, SUBACK, GAP)")       \
	X(BAD_FLAGS, "bad_flags",                                              \
	  "flag bit outside 0-2, or PASSIVE on a frame other than SUBSCRIBE")  \
	X(RESERVED_NONZERO, "reserved_nonzero",                                \
	  "reserved field, or a field the sender sets to 0, is not 0")         \
	X(BAD_LENGTH, "bad_length", "length is not the frame type's size")     \
	X(LENGTH_OVERRUN, "length_overrun", "length runs past the datagram")   \
	X(ZERO_CHANNEL, "zero_channel",                                        \
	  "channel 0 where a channel is carried")                              \
	X(ZERO_PUBLISHER, "zero_publisher", "publisher id 0")                  \
	X(ZERO_SUBSCRIBER, "zero_subscriber", "subscriber id 0")               \
	X(ZERO_PUB_SEQ, "zero_pub_seq", "PUBLISH pub_seq 0")                   \
	X(BAD_NACK_COUNT, "bad_nack_count", "NACK count 0 or over 1024")       \
	X(TOO_MANY_FRAMES, "too_many_frames",                                  \
	  "more frames than the parser's array holds")                         \
	X(ZERO_FROM_SEQ, "zero_from_seq", "NACK from_seq 0")

enum hwp_err {
#define HWP_ERR_ENUM(name, str, help) HWP_ERR_##name,
	HWP_ERRORS(HWP_ERR_ENUM)
#undef HWP_ERR_ENUM
		HWP_ERR__COUNT
};

/* Stable name of a fault ("bad_magic", ...); "unknown" if out of range. */
const char *hwp_err_str(enum hwp_err err);

/* Which frame types a parse accepts (section 4's direction rule). */
enum hwp_dir {
	HWP_DIR_TO_HERALD,   /* PUBLISH, SUBSCRIBE, UNSUBSCRIBE, HEARTBEAT, NACK
			      */
	HWP_DIR_FROM_HERALD, /* DELIVER, PUBACK, SUBACK, HEARTBEAT, GAP */
	HWP_DIR_ANY,	     /* every type (tools, dissectors) */
};

/* Decoded fields, host byte order. */
struct hwp_publish {
	uint64_t channel;
	uint32_t publisher;
	uint64_t pub_seq;
};

struct hwp_deliver {
	uint64_t channel;
	uint64_t seq;
	uint32_t epoch;
	uint32_t publisher;
	uint64_t timestamp;
};

struct hwp_puback {
	uint32_t publisher;
	uint32_t epoch;
	uint64_t acked_seq;
	uint32_t credit;
};

/* SUBSCRIBE and UNSUBSCRIBE. */
struct hwp_subscribe {
	uint64_t channel;
	uint32_t subscriber;
	uint64_t from_seq;
	uint64_t expires;
	uint8_t token[HWP_TOKEN_LEN];
};

struct hwp_suback {
	uint64_t channel;
	uint32_t subscriber;
	uint8_t status;
	uint64_t next_seq;
	uint32_t epoch;
};

struct hwp_heartbeat {
	uint64_t channel;
	uint64_t seq;
	uint32_t subscriber;
	uint32_t epoch;
};

struct hwp_nack {
	uint64_t channel;
	uint64_t from_seq;
	uint32_t count;
	uint32_t subscriber;
};

struct hwp_gap {
	uint64_t channel;
	uint64_t from_seq;
	uint32_t count;
	uint32_t epoch;
};

/* One frame of a parsed datagram. */
struct hwp_frame {
	uint8_t type;
	uint8_t flags;
	uint16_t length;	/* whole frame, header included */
	uint32_t offset;	/* of the frame in the datagram */
	const uint8_t *payload; /* PUBLISH/DELIVER: into the caller's buffer */
	uint16_t payload_len;
	union {
		struct hwp_publish publish;
		struct hwp_deliver deliver;
		struct hwp_puback puback;
		struct hwp_subscribe subscribe; /* also UNSUBSCRIBE */
		struct hwp_suback suback;
		struct hwp_heartbeat heartbeat;
		struct hwp_nack nack;
		struct hwp_gap gap;
	} u;
};

/*
 * Most frames one IPv4 datagram can carry (65507 bytes of UDP payload,
 * 32-byte minimum frame): an array this large never yields
 * HWP_ERR_TOO_MANY_FRAMES.
 */
#define HWP_MAX_FRAMES_PER_DATAGRAM (65507 / HWP_MIN_FRAME_LEN)

/*
 * Validate and parse a whole datagram (the UDP payload).
 *
 * On HWP_ERR_OK, frames[0..*nframes) hold every frame in order and their
 * lengths sum to len. On any fault nothing is to be processed: *nframes
 * is 0 and, if fault_offset is not NULL, it receives the offset of the
 * frame that holds the first fault. TOO_MANY_FRAMES means the datagram
 * was valid so far but did not fit in max_frames.
 */
enum hwp_err hwp_parse(const uint8_t *buf, size_t len, enum hwp_dir dir,
		       struct hwp_frame *frames, unsigned int max_frames,
		       unsigned int *nframes, size_t *fault_offset);

/*
 * Validate only (no output array). Same rules and result as hwp_parse
 * with an unbounded array; *nframes (may be NULL) counts the frames.
 */
enum hwp_err hwp_validate(const uint8_t *buf, size_t len, enum hwp_dir dir,
			  unsigned int *nframes, size_t *fault_offset);

/*
 * Encoders. Each writes one whole frame at buf and returns its length,
 * or -1 if it does not fit in cap or the payload exceeds 1400 bytes.
 * They write the values they are given (channel 0 included) so tools can
 * build invalid traffic; only the parser enforces section 4.
 */
int hwp_encode_publish(uint8_t *buf, size_t cap, uint8_t flags,
		       const struct hwp_publish *f, const void *payload,
		       size_t payload_len);
int hwp_encode_deliver(uint8_t *buf, size_t cap, uint8_t flags,
		       const struct hwp_deliver *f, const void *payload,
		       size_t payload_len);
/* DELIVER header only (40 bytes) announcing payload_len bytes to follow. */
int hwp_encode_deliver_hdr(uint8_t *buf, size_t cap, uint8_t flags,
			   const struct hwp_deliver *f, size_t payload_len);
int hwp_encode_puback(uint8_t *buf, size_t cap, const struct hwp_puback *f);
int hwp_encode_subscribe(uint8_t *buf, size_t cap,
			 const struct hwp_subscribe *f);
int hwp_encode_unsubscribe(uint8_t *buf, size_t cap,
			   const struct hwp_subscribe *f);
int hwp_encode_suback(uint8_t *buf, size_t cap, const struct hwp_suback *f);
int hwp_encode_heartbeat(uint8_t *buf, size_t cap,
			 const struct hwp_heartbeat *f);
int hwp_encode_nack(uint8_t *buf, size_t cap, const struct hwp_nack *f);
int hwp_encode_gap(uint8_t *buf, size_t cap, const struct hwp_gap *f);

/* Encode any parsed/filled frame (dispatch on f->type; flags from f). */
int hwp_encode_frame(uint8_t *buf, size_t cap, const struct hwp_frame *f);

/* Stable lowercase name of a frame type ("publish", ...) or "unknown". */
const char *hwp_type_str(uint8_t type);

/* Unaligned big-endian loads/stores. */
static inline uint16_t
hwp_get16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t
hwp_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t
hwp_get64(const uint8_t *p)
{
	return (uint64_t)hwp_get32(p) << 32 | hwp_get32(p + 4);
}

static inline void
hwp_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
hwp_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void
hwp_put64(uint8_t *p, uint64_t v)
{
	hwp_put32(p, (uint32_t)(v >> 32));
	hwp_put32(p + 4, (uint32_t)v);
}

/* Host value -> the 64-bit value whose memory image is v big-endian. */
static inline uint64_t
hwp_be64(uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap64(v);
#else
	return v;
#endif
}

/*
 * Frames as 64-bit words whose memory images are the wire bytes (the same
 * bytes the hwp_encode_* functions write). The hot path builds them in
 * registers, stores them with 8-byte stores and sums them for the UDP
 * checksum without reading the stored bytes back (which would stall on
 * store forwarding).
 */
#define HWP_DELIVER_WORDS (HWP_DELIVER_LEN / 8)
#define HWP_PUBACK_WORDS  (HWP_PUBACK_LEN / 8)

struct hwp_deliver_words {
	uint64_t w[HWP_DELIVER_WORDS];
};

struct hwp_puback_words {
	uint64_t w[HWP_PUBACK_WORDS];
};

/* The common header (section 2) as the first word of a frame. */
static inline uint64_t
hwp_header_word(uint8_t type, uint8_t flags, uint16_t length)
{
	return hwp_be64((uint64_t)HWP_MAGIC << 48 |
			(uint64_t)HWP_VERSION << 40 | (uint64_t)type << 32 |
			(uint64_t)flags << 24 | length);
}

/* DELIVER header (40 bytes) announcing payload_len bytes to follow. */
static inline void
hwp_deliver_words(struct hwp_deliver_words *dw, uint8_t flags,
		  const struct hwp_deliver *f, uint16_t payload_len)
{
	dw->w[0] = hwp_header_word(HWP_T_DELIVER, flags,
				   (uint16_t)(HWP_DELIVER_LEN + payload_len));
	dw->w[1] = hwp_be64(f->channel);
	dw->w[2] = hwp_be64(f->seq);
	dw->w[3] = hwp_be64((uint64_t)f->epoch << 32 | f->publisher);
	dw->w[4] = hwp_be64(f->timestamp);
}

static inline void
hwp_puback_words(struct hwp_puback_words *pw, const struct hwp_puback *f)
{
	pw->w[0] = hwp_header_word(HWP_T_PUBACK, 0, HWP_PUBACK_LEN);
	pw->w[1] = hwp_be64((uint64_t)f->publisher << 32 | f->epoch);
	pw->w[2] = hwp_be64(f->acked_seq);
	pw->w[3] = hwp_be64((uint64_t)f->credit << 32); /* reserved 0 */
}

/* Store n words at p (any alignment). */
static inline void
hwp_words_store(uint8_t *p, const uint64_t *w, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		__builtin_memcpy(p + 8 * i, &w[i], 8);
}

#ifdef __cplusplus
}
#endif

#endif /* HWP_H */
