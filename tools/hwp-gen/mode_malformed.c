/* SPDX-License-Identifier: BSD-3-Clause
 * hwp-gen: malformed mode, one packet per fault kind.
 *
 * The kinds live in fault_hwp.c (datagrams the codec must reject with
 * the listed reason) and fault_nonhwp.c (packets that are not HWP);
 * this file holds the valid frames they start from, runs them and
 * writes their manifest entries and totals.
 */
#include <string.h>

#include "fault.h"
#include "hwp_token.h"

/* Valid frames, the starting point of every kind (declared in fault.h). */

size_t
fault_pub_frame_at(struct fault_env *e, uint8_t *at, uint64_t channel,
		   uint32_t publisher, uint64_t seq, size_t plen, uint8_t flags)
{
	const struct gen_opts *o = e->g->o;
	struct hwp_publish f = {
		.channel = channel,
		.publisher = publisher,
		.pub_seq = seq,
	};
	uint8_t payload[HWP_MAX_PAYLOAD];

	gen_payload_fill(payload, plen, o->seed, channel, publisher, seq);
	return (size_t)hwp_encode_publish(at, HWP_MAX_FRAME_LEN, flags, &f,
					  payload, plen);
}

size_t
fault_pub_frame(struct fault_env *e, size_t plen)
{
	return fault_pub_frame_at(e, e->buf, e->channel, e->publisher,
				  e->pub_seq, plen, 0);
}

size_t
fault_sub_frame_at(struct fault_env *e, uint8_t *at, uint8_t type,
		   uint64_t channel, uint32_t subscriber)
{
	const struct gen_opts *o = e->g->o;
	struct hwp_subscribe f = {
		.channel = channel,
		.subscriber = subscriber,
		.expires = 4102444800ULL,
	};

	hwp_token_compute(o->key, o->key_len, channel, subscriber, f.expires,
			  e->sub.ip, e->sub.port, f.token);
	if (type == HWP_T_UNSUBSCRIBE)
		return (size_t)hwp_encode_unsubscribe(at, HWP_SUBSCRIBE_LEN,
						      &f);
	return (size_t)hwp_encode_subscribe(at, HWP_SUBSCRIBE_LEN, &f);
}

size_t
fault_hb_frame(uint8_t *at, uint32_t subscriber)
{
	struct hwp_heartbeat f = {.subscriber = subscriber};

	return (size_t)hwp_encode_heartbeat(at, HWP_HEARTBEAT_LEN, &f);
}

size_t
fault_nack_frame(struct fault_env *e, uint64_t channel, uint32_t count,
		 uint32_t subscriber)
{
	struct hwp_nack f = {
		.channel = channel,
		.from_seq = e->pub_seq,
		.count = count,
		.subscriber = subscriber,
	};

	return (size_t)hwp_encode_nack(e->buf, HWP_NACK_LEN, &f);
}

int
fault_send_pub(struct fault_env *e, size_t len)
{
	return gen_emit_to_herald(e->g, &e->pub, e->buf, len);
}

int
fault_send_sub(struct fault_env *e, size_t len)
{
	return gen_emit_to_herald(e->g, &e->sub, e->buf, len);
}

/* The kinds as one list, as the manifest and mix mode see them. */

_Static_assert(HWP_ERR__COUNT + NH__COUNT <=
		       sizeof(((struct gen_fault_stats *)0)->per_reason) /
			       sizeof(uint64_t),
	       "per_reason too small");

unsigned int
gen_fault_count(void)
{
	return fault_hwp_count + fault_nonhwp_count;
}

/* Kind k of the whole list: the HWP kinds, then the others. */
static const struct fault_def *
fault_at(unsigned int k)
{
	if (k < fault_hwp_count)
		return &fault_hwp_defs[k];
	return &fault_nonhwp_defs[k - fault_hwp_count];
}

static const char *
reason_str(const struct fault_def *d)
{
	return d->hwp ? hwp_err_str((enum hwp_err)d->reason)
		      : fault_nonhwp_str(d->reason);
}

static unsigned int
reason_slot(const struct fault_def *d)
{
	return d->hwp ? d->reason : HWP_ERR__COUNT + d->reason;
}

int
gen_fault_emit(struct gen_ctx *g, unsigned int k, uint32_t round,
	       struct gen_fault_stats *st)
{
	const struct fault_def *d = fault_at(k);
	const struct gen_opts *o = g->o;
	struct fault_env e = {
		.g = g,
		.buf = g->dgram,
	};

	gen_endpoint_nth(&o->pub_base, round % o->publishers, &e.pub);
	gen_endpoint_nth(&o->sub_base, round % o->subscribers, &e.sub);
	/* Values vary with the seed; small ranges keep them readable. */
	e.channel = gen_rng_range(&g->rng, 1, 1000000);
	e.publisher = (uint32_t)gen_rng_range(&g->rng, 1, 65535);
	e.subscriber = (uint32_t)gen_rng_range(&g->rng, 1, 65535);
	e.pub_seq = gen_rng_range(&g->rng, 1, 1000000);
	if (d->fn(&e) != 0)
		return -1;
	st->per_reason[reason_slot(d)]++;
	st->total++;
	gen_json_obj(&g->man, NULL, true);
	gen_json_u64(&g->man, "index", g->out.first_index + g->out.written - 1);
	gen_json_str(&g->man, "kind", d->kind);
	gen_json_str(&g->man, "reason", reason_str(d));
	gen_json_bool(&g->man, "hwp", d->hwp);
	gen_json_end(&g->man, false);
	return 0;
}

void
gen_fault_totals(struct gen_ctx *g, const struct gen_fault_stats *st,
		 uint64_t ok_count)
{
	unsigned int i;

	gen_json_obj(&g->man, "totals", false);
	if (ok_count > 0)
		gen_json_u64(&g->man, "ok", ok_count);
	for (i = 0; i < HWP_ERR__COUNT; i++)
		if (st->per_reason[i] > 0)
			gen_json_u64(&g->man, hwp_err_str((enum hwp_err)i),
				     st->per_reason[i]);
	for (i = 0; i < NH__COUNT; i++)
		if (st->per_reason[HWP_ERR__COUNT + i] > 0)
			gen_json_u64(&g->man, fault_nonhwp_str(i),
				     st->per_reason[HWP_ERR__COUNT + i]);
	gen_json_end(&g->man, false);
	gen_json_u64(&g->man, "malformed", st->total);
}

int
gen_mode_malformed(struct gen_ctx *g)
{
	struct gen_fault_stats st;
	uint32_t rep;
	unsigned int k;

	memset(&st, 0, sizeof(st));
	gen_json_u64(&g->man, "kinds", gen_fault_count());
	gen_json_arr(&g->man, "packets", false);
	for (rep = 0; rep < g->o->repeat; rep++)
		for (k = 0; k < gen_fault_count(); k++)
			if (gen_fault_emit(g, k, rep, &st) != 0)
				return -1;
	gen_json_end(&g->man, true);
	gen_fault_totals(g, &st, 0);
	return 0;
}
