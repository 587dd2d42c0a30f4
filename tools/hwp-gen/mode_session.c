/* SPDX-License-Identifier: BSD-3-Clause
 * hwp-gen: subscriber-side modes: subscribe, unsubscribe, heartbeat and
 * nack.
 *
 * Every subscriber sends its frames (one per channel, or one channel-0
 * keep-alive for heartbeat) packed --batch at a time into datagrams
 * from its own endpoint. Tokens are computed for that endpoint's
 * address and port, exactly as Herald will check them (section 5).
 * What a subscriber sets to 0 is 0 (revision 2 checks it): UNSUBSCRIBE
 * from_seq, HEARTBEAT seq and epoch; a NACK's from_seq is at least 1
 * (options.c refuses 0).
 */
#include "gen.h"
#include "hwp_token.h"

/* Frames each subscriber sends per round. */
static uint32_t
frames_per_subscriber(const struct gen_opts *o)
{
	if (o->mode == GEN_MODE_HEARTBEAT && !o->hb_channels)
		return 1;
	return o->nchannels;
}

static int
encode_sub(struct gen_ctx *g, const struct gen_endpoint *ep, uint32_t id,
	   uint64_t channel, uint8_t *buf, size_t cap)
{
	const struct gen_opts *o = g->o;
	bool unsub = o->mode == GEN_MODE_UNSUBSCRIBE;
	struct hwp_subscribe f = {
		.channel = channel,
		.subscriber = id,
		.from_seq = unsub ? 0 : o->from_seq,
		.expires = o->expires,
	};
	int n;

	if (hwp_token_compute(o->key, o->key_len, channel, id, o->expires,
			      o->token_ip != 0 ? o->token_ip : ep->ip,
			      o->token_port != 0 ? o->token_port : ep->port,
			      f.token) != 0) {
		gen_err("cannot compute a token (key length %zu)", o->key_len);
		return -1;
	}
	if (o->bad_token) {
		unsigned int bit = (unsigned int)gen_rng_below(&g->rng, 256);

		f.token[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	if (unsub)
		return hwp_encode_unsubscribe(buf, cap, &f);
	n = hwp_encode_subscribe(buf, cap, &f);
	/* The encoder takes no flags; PASSIVE is valid on SUBSCRIBE only. */
	if (n > 0 && o->passive)
		buf[HWP_OFF_FLAGS] |= HWP_F_PASSIVE;
	return n;
}

/* Frame k of subscriber id at buf; returns its length or -1. */
static int
encode_frame(struct gen_ctx *g, const struct gen_endpoint *ep, uint32_t id,
	     uint32_t k, uint8_t *buf, size_t cap)
{
	const struct gen_opts *o = g->o;

	switch (o->mode) {
	case GEN_MODE_SUBSCRIBE:
	case GEN_MODE_UNSUBSCRIBE:
		return encode_sub(g, ep, id, o->channels[k], buf, cap);
	case GEN_MODE_HEARTBEAT: {
		/* From a subscriber, seq and epoch are 0 (section 3). */
		struct hwp_heartbeat f = {
			.channel = o->hb_channels ? o->channels[k] : 0,
			.subscriber = id,
		};

		return hwp_encode_heartbeat(buf, cap, &f);
	}
	case GEN_MODE_NACK: {
		struct hwp_nack f = {
			.channel = o->channels[k],
			.from_seq = o->from_seq,
			.count = o->count,
			.subscriber = id,
		};

		return hwp_encode_nack(buf, cap, &f);
	}
	default: return -1;
	}
}

/* All frames of one subscriber for one round, in as few datagrams as
 * --batch and --mtu allow. */
static int
emit_subscriber(struct gen_ctx *g, uint32_t s)
{
	const struct gen_opts *o = g->o;
	size_t budget = o->mtu - GEN_IP4_HLEN - GEN_UDP_HLEN;
	uint32_t nframes = frames_per_subscriber(o);
	uint32_t id = o->subscriber_id_base + s;
	struct gen_endpoint ep;
	uint32_t k = 0;

	gen_endpoint_nth(&o->sub_base, s, &ep);
	while (k < nframes) {
		size_t off = 0;
		uint32_t in_dgram = 0;

		/* Fixed-size frames: the fit test needs no trial encode. */
		while (k < nframes && in_dgram < o->batch &&
		       off + HWP_SUBSCRIBE_LEN <= budget) {
			int n = encode_frame(g, &ep, id, k, g->dgram + off,
					     budget - off);

			if (n < 0)
				return -1;
			off += (size_t)n;
			in_dgram++;
			k++;
		}
		g->frames += in_dgram;
		g->datagrams++;
		if (gen_emit_to_herald(g, &ep, g->dgram, off) != 0)
			return -1;
	}
	return 0;
}

static const char *
expectation(const struct gen_opts *o)
{
	if (o->bad_token || o->token_ip != 0 || o->token_port != 0)
		return "bad_token";
	if (o->expires < o->start_us / 1000000u)
		return "expired";
	return "ok";
}

static void
write_manifest(struct gen_ctx *g)
{
	const struct gen_opts *o = g->o;
	bool subs = o->mode == GEN_MODE_SUBSCRIBE ||
		    o->mode == GEN_MODE_UNSUBSCRIBE;
	struct gen_json *j = &g->man;
	uint32_t s, k;

	gen_json_u64(j, "rounds", o->rounds);
	if (o->mode == GEN_MODE_NACK) {
		gen_json_u64(j, "from_seq", o->from_seq);
		gen_json_u64(j, "count", o->count);
	}
	gen_json_arr(j, "channel_list", true);
	if (o->mode != GEN_MODE_HEARTBEAT || o->hb_channels)
		for (k = 0; k < o->nchannels; k++)
			gen_json_u64(j, NULL, o->channels[k]);
	else
		gen_json_u64(j, NULL, 0);
	gen_json_end(j, true);
	gen_json_arr(j, subs ? "subscriptions" : "subscribers", false);
	for (s = 0; s < o->subscribers; s++) {
		struct gen_endpoint ep;
		char ip[16];

		gen_endpoint_nth(&o->sub_base, s, &ep);
		gen_ip_str(ep.ip, ip);
		for (k = 0; k < (subs ? o->nchannels : 1); k++) {
			gen_json_obj(j, NULL, true);
			gen_json_u64(j, "subscriber",
				     (uint64_t)o->subscriber_id_base + s);
			if (subs)
				gen_json_u64(j, "channel", o->channels[k]);
			gen_json_str(j, "addr", ip);
			gen_json_u64(j, "port", ep.port);
			if (subs) {
				gen_json_u64(j, "from_seq",
					     o->mode == GEN_MODE_SUBSCRIBE
						     ? o->from_seq
						     : 0);
				gen_json_u64(j, "expires", o->expires);
				gen_json_bool(j, "passive", o->passive);
				gen_json_str(j, "expect", expectation(o));
			} else {
				gen_json_u64(
					j, "frames",
					(uint64_t)frames_per_subscriber(o) *
						o->rounds);
			}
			gen_json_end(j, false);
		}
	}
	gen_json_end(j, true);
}

int
gen_mode_session(struct gen_ctx *g)
{
	const struct gen_opts *o = g->o;
	uint32_t round, s;

	for (round = 0; round < o->rounds; round++)
		for (s = 0; s < o->subscribers; s++)
			if (emit_subscriber(g, s) != 0)
				return -1;
	write_manifest(g);
	return 0;
}
