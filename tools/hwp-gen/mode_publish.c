/* SPDX-License-Identifier: BSD-3-Clause
 * hwp-gen: publish and mix modes.
 *
 * Publishers take turns, one datagram each, packing up to --batch
 * PUBLISH frames. Alongside the traffic the generator runs Herald's
 * publisher-session rules (PROTOCOL section 6) so the manifest can say
 * how many messages a correct Herald accepts per channel and which
 * pub_seq it acknowledges last, including after --skip-every gaps and
 * --duplicate-every resends. The model assumes Herald knows none of the
 * sessions when the capture starts (with --no-start: each one already
 * at first_pub_seq - 1). An earlier capture of the same sessions (id,
 * address and port) appended before this one breaks that assumption:
 * Herald then ignores the START and judges the frames by the old state.
 */
#include <stdlib.h>
#include <string.h>

#include "gen.h"

struct pub_state {
	uint64_t next_seq; /* pub_seq of the next new message */
	uint64_t last_seq; /* last pub_seq sent, 0 before the first */
	uint64_t accepted; /* Herald's last accepted pub_seq (model) */
	uint64_t messages;
	bool known; /* Herald holds the session (model) */
	bool sent_first;
};

struct chan_state {
	uint64_t messages;
	uint64_t accepted;
};

/* A message whose channel and size are drawn but not yet placed. */
struct pending {
	bool valid;
	uint32_t chan_idx;
	uint32_t size;
};

struct pub_run {
	struct gen_ctx *g;
	struct pub_state *pubs;
	struct chan_state *chans;
	struct pending next;
	uint64_t msg; /* messages placed so far */
	uint64_t duplicates;
	/* A duplicate too big to share its original's datagram goes alone
	 * in the next one from the same publisher. */
	size_t dup_len;
	uint8_t dup_frame[HWP_MAX_FRAME_LEN];
	uint64_t skipped;
	struct gen_fault_stats faults;
	uint32_t fault_round;
	uint8_t payload[HWP_MAX_PAYLOAD];
};

static void
draw_pending(struct pub_run *r)
{
	const struct gen_opts *o = r->g->o;

	if (r->next.valid)
		return;
	if (o->chan_random)
		r->next.chan_idx =
			(uint32_t)gen_rng_below(&r->g->rng, o->nchannels);
	else
		r->next.chan_idx = (uint32_t)(r->msg % o->nchannels);
	if (o->payload_min == o->payload_max)
		r->next.size = o->payload_min;
	else
		r->next.size = (uint32_t)gen_rng_range(
			&r->g->rng, o->payload_min, o->payload_max);
	r->next.valid = true;
}

/*
 * Herald's session model for one new frame (PROTOCOL section 6,
 * revision 2): START opens only a session Herald does not know, at the
 * frame's pub_seq; on a known session START has no effect and, as for
 * any frame, only the next pub_seq in order is accepted. An unknown
 * session without START accepts nothing (acked_seq 0). Within one run
 * START is on each publisher's first frame only, while its session is
 * still unknown, so the results equal revision 1's "START (re)opens".
 */
static bool
model_accept(struct pub_state *ps, bool start, uint64_t seq)
{
	if (!ps->known && start) {
		ps->known = true;
		ps->accepted = seq;
		return true;
	}
	if (ps->known && seq == ps->accepted + 1) {
		ps->accepted = seq;
		return true;
	}
	return false;
}

static bool
is_nth(uint64_t every, uint64_t ordinal)
{
	return every != 0 && ordinal % every == 0;
}

/*
 * Place the pending message as a frame of publisher p at buf + off.
 * A duplicate follows its original in the same datagram; only when the
 * pair cannot share even an empty datagram does the duplicate wait in
 * r->dup_frame for a datagram of its own. Returns the bytes added, or 0
 * if the message belongs in the next datagram.
 */
static size_t
place_message(struct pub_run *r, uint32_t p, uint8_t *buf, size_t off,
	      size_t budget)
{
	const struct gen_opts *o = r->g->o;
	struct pub_state *ps = &r->pubs[p];
	uint64_t ordinal = r->msg + 1;
	bool dup = is_nth(o->dup_every, ordinal);
	size_t flen = HWP_PUBLISH_LEN + r->next.size;
	bool dup_inline = dup && 2 * flen <= budget;
	struct hwp_publish f;
	uint8_t flags = 0;
	uint8_t *frame = buf + off;
	int n;

	if (off + flen * (dup_inline ? 2 : 1) > budget)
		return 0;
	if (ps->sent_first && is_nth(o->skip_every, ordinal)) {
		ps->next_seq++;
		r->skipped++;
	}
	if (!ps->sent_first && !o->no_start)
		flags = HWP_F_START;
	f.channel = o->channels[r->next.chan_idx];
	f.publisher = o->publisher_id_base + p;
	f.pub_seq = ps->next_seq++;
	gen_payload_fill(r->payload, r->next.size, o->seed, f.channel,
			 f.publisher, f.pub_seq);
	n = hwp_encode_publish(frame, budget - off, flags, &f, r->payload,
			       r->next.size);
	if (n < 0)
		return 0;
	if (model_accept(ps, flags & HWP_F_START, f.pub_seq))
		r->chans[r->next.chan_idx].accepted++;
	r->chans[r->next.chan_idx].messages++;
	ps->messages++;
	ps->last_seq = f.pub_seq;
	ps->sent_first = true;
	r->g->frames++;
	r->next.valid = false;
	r->msg++;
	if (!dup)
		return flen;
	r->duplicates++;
	r->g->frames++;
	if (!dup_inline) {
		memcpy(r->dup_frame, frame, flen);
		r->dup_len = flen;
		frame = r->dup_frame;
	} else {
		memcpy(frame + flen, frame, flen);
		frame += flen;
	}
	/* START cleared, so that it stays on each publisher's first frame
	 * only, as the manifest documents; under revision 2 a resent START
	 * would be judged a duplicate all the same. */
	frame[HWP_OFF_FLAGS] &= (uint8_t)~HWP_F_START;
	return dup_inline ? 2 * flen : flen;
}

/* One datagram of publisher p: as many messages as --batch and --mtu let. */
static int
emit_datagram(struct pub_run *r, uint32_t p)
{
	const struct gen_opts *o = r->g->o;
	size_t budget = o->mtu - GEN_IP4_HLEN - GEN_UDP_HLEN;
	struct gen_endpoint src;
	uint32_t k;
	size_t off = 0;

	for (k = 0; k < o->batch && r->msg < o->messages; k++) {
		size_t n;

		draw_pending(r);
		n = place_message(r, p, r->g->dgram, off, budget);
		if (n == 0)
			break;
		off += n;
		if (r->dup_len > 0)
			break; /* its duplicate must come next */
	}
	if (off == 0) {
		gen_err("internal: a message does not fit in --mtu");
		return -1;
	}
	gen_endpoint_nth(&o->pub_base, p, &src);
	r->g->datagrams++;
	if (gen_emit_to_herald(r->g, &src, r->g->dgram, off) != 0)
		return -1;
	if (r->dup_len == 0)
		return 0;
	r->g->datagrams++;
	off = r->dup_len;
	r->dup_len = 0;
	return gen_emit_to_herald(r->g, &src, r->dup_frame, off);
}

/* mix: before each publish datagram, malformed ones with odds ratio. */
static int
maybe_malformed(struct pub_run *r)
{
	const struct gen_opts *o = r->g->o;

	if (o->mode != GEN_MODE_MIX)
		return 0;
	while (gen_rng_chance(&r->g->rng, o->malformed_ratio)) {
		unsigned int k = (unsigned int)gen_rng_below(&r->g->rng,
							     gen_fault_count());

		if (gen_fault_emit(r->g, k, r->fault_round++, &r->faults) != 0)
			return -1;
	}
	return 0;
}

static void
write_manifest(struct pub_run *r, uint64_t ok_datagrams)
{
	const struct gen_opts *o = r->g->o;
	struct gen_json *j = &r->g->man;
	uint32_t i;

	if (o->mode == GEN_MODE_MIX) {
		gen_json_end(j, true); /* packets */
		gen_fault_totals(r->g, &r->faults, ok_datagrams);
	}
	gen_json_u64(j, "messages", r->msg);
	gen_json_u64(j, "duplicates", r->duplicates);
	gen_json_u64(j, "skipped", r->skipped);
	gen_json_arr(j, "channels", false);
	for (i = 0; i < o->nchannels; i++) {
		gen_json_obj(j, NULL, true);
		gen_json_u64(j, "channel", o->channels[i]);
		gen_json_u64(j, "messages", r->chans[i].messages);
		gen_json_u64(j, "expected_accepted", r->chans[i].accepted);
		gen_json_end(j, false);
	}
	gen_json_end(j, true);
	gen_json_arr(j, "publishers", false);
	for (i = 0; i < o->publishers; i++) {
		struct gen_endpoint ep;
		char ip[16];

		gen_endpoint_nth(&o->pub_base, i, &ep);
		gen_json_obj(j, NULL, true);
		gen_json_u64(j, "id", (uint64_t)o->publisher_id_base + i);
		gen_json_str(j, "addr", gen_ip_str(ep.ip, ip));
		gen_json_u64(j, "port", ep.port);
		gen_json_u64(j, "first_pub_seq", o->first_pub_seq);
		gen_json_u64(j, "last_pub_seq", r->pubs[i].last_seq);
		gen_json_u64(j, "messages", r->pubs[i].messages);
		gen_json_u64(j, "expected_acked_seq", r->pubs[i].accepted);
		gen_json_end(j, false);
	}
	gen_json_end(j, true);
}

int
gen_mode_publish(struct gen_ctx *g)
{
	const struct gen_opts *o = g->o;
	struct pub_run *r;
	uint64_t dgram = 0;
	uint32_t i;
	int rc = 0;

	r = calloc(1, sizeof(*r));
	if (r == NULL)
		goto nomem;
	r->g = g;
	r->pubs = calloc(o->publishers, sizeof(*r->pubs));
	r->chans = calloc(o->nchannels, sizeof(*r->chans));
	if (r->pubs == NULL || r->chans == NULL)
		goto nomem;
	for (i = 0; i < o->publishers; i++) {
		r->pubs[i].next_seq = o->first_pub_seq;
		/* --no-start continues a session Herald already holds at
		 * first_pub_seq - 1, but none is ever at 0 (START opens at a
		 * pub_seq >= 1): from pub_seq 1 the session is unknown. */
		r->pubs[i].known = o->no_start && o->first_pub_seq > 1;
		r->pubs[i].accepted =
			r->pubs[i].known ? o->first_pub_seq - 1 : 0;
	}
	if (o->mode == GEN_MODE_MIX)
		gen_json_arr(&g->man, "packets", false);
	while (rc == 0 && r->msg < o->messages) {
		rc = maybe_malformed(r);
		if (rc == 0)
			rc = emit_datagram(r,
					   (uint32_t)(dgram % o->publishers));
		dgram++;
	}
	write_manifest(r, dgram);
	free(r->pubs);
	free(r->chans);
	free(r);
	return rc;

nomem:
	gen_err("out of memory");
	if (r != NULL) {
		free(r->pubs);
		free(r->chans);
	}
	free(r);
	return -1;
}
