/* SPDX-License-Identifier: BSD-3-Clause
 * hwp-gen: malformed kinds, shared by mode_malformed.c (the table as a
 * whole, the manifest and the valid frames every kind starts from),
 * fault_hwp.c (datagrams the codec rejects) and fault_nonhwp.c (packets
 * that are not HWP at all).
 */
#ifndef HWP_GEN_FAULT_H
#define HWP_GEN_FAULT_H

#include "gen.h"

/*
 * Reasons of the non-HWP kinds, listed after the codec's in the totals.
 * The source_* ones are Herald's own counter names for sources that
 * cannot be answered (PROTOCOL section 4, revision 2).
 */
enum fault_nonhwp {
	NH_NOT_UDP,
	NH_NOT_IPV4,
	NH_OTHER_PORT,
	NH_IP_OPTIONS,
	NH_IP_FRAGMENT,
	NH_BAD_IP_CHECKSUM,
	NH_ARP,
	NH_SOURCE_MAC_GROUP,
	NH_SOURCE_IP_NOT_UNICAST,
	NH_SOURCE_IP_OWN,
	NH_SOURCE_PORT_ZERO,
	NH__COUNT
};

const char *fault_nonhwp_str(unsigned int nh);

/* Random but valid field values for one packet, and its senders. */
struct fault_env {
	struct gen_ctx *g;
	struct gen_endpoint pub;
	struct gen_endpoint sub;
	uint64_t channel;
	uint32_t publisher;
	uint32_t subscriber;
	uint64_t pub_seq;
	uint8_t *buf; /* UDP payload under construction */
};

typedef int (*fault_fn)(struct fault_env *e);

struct fault_def {
	const char *kind;
	bool hwp;	     /* UDP to Herald's port: the codec decides */
	unsigned int reason; /* enum hwp_err if hwp, else enum fault_nonhwp */
	fault_fn fn;
};

#define FAULT_HWP(kind, err, fn)                                               \
	{                                                                      \
		kind, true, HWP_ERR_##err, fn                                  \
	}
#define FAULT_NONHWP(kind, nh, fn)                                             \
	{                                                                      \
		kind, false, nh, fn                                            \
	}

/* The two halves of the kind list, in manifest order. */
extern const struct fault_def fault_hwp_defs[];
extern const unsigned int fault_hwp_count;
extern const struct fault_def fault_nonhwp_defs[];
extern const unsigned int fault_nonhwp_count;

/*
 * Valid frames (mode_malformed.c), each returning its length: the kinds
 * start from these and break one rule. Tokens are bound to e->sub.
 */
size_t fault_pub_frame_at(struct fault_env *e, uint8_t *at, uint64_t channel,
			  uint32_t publisher, uint64_t seq, size_t plen,
			  uint8_t flags);
/* PUBLISH at e->buf with e's channel, publisher and pub_seq. */
size_t fault_pub_frame(struct fault_env *e, size_t plen);
size_t fault_sub_frame_at(struct fault_env *e, uint8_t *at, uint8_t type,
			  uint64_t channel, uint32_t subscriber);
/* Channel-0 keep-alive: seq and epoch 0, as a subscriber sends it. */
size_t fault_hb_frame(uint8_t *at, uint32_t subscriber);
/* NACK at e->buf from e->pub_seq (>= 1). */
size_t fault_nack_frame(struct fault_env *e, uint64_t channel, uint32_t count,
			uint32_t subscriber);

/* e->buf as one UDP datagram to Herald from the publisher / subscriber. */
int fault_send_pub(struct fault_env *e, size_t len);
int fault_send_sub(struct fault_env *e, size_t len);

#endif /* HWP_GEN_FAULT_H */
