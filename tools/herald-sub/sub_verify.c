/* SPDX-License-Identifier: BSD-3-Clause
 * herald-sub --verify (sub_verify.h).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "client_tool.h"
#include "sub_verify.h"

#define LAT_SAMPLES_MAX (4u << 20)

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_chan(const void *a, const void *b)
{
	return cmp_u64(&((const struct sv_chan *)a)->channel,
		       &((const struct sv_chan *)b)->channel);
}

int
sub_verify_init(struct sub_verify *v, const uint64_t *channels, uint32_t n)
{
	uint32_t i;

	memset(v, 0, sizeof(*v));
	v->chans = calloc(n, sizeof(*v->chans));
	if (v->chans == NULL)
		return -1;
	for (i = 0; i < n; i++)
		v->chans[i].channel = channels[i];
	v->n = n;
	qsort(v->chans, n, sizeof(*v->chans), cmp_chan);
	return 0;
}

void
sub_verify_free(struct sub_verify *v)
{
	uint32_t i;

	for (i = 0; i < v->n; i++)
		free(v->chans[i].seen);
	free(v->chans);
	free(v->lat_ns);
	memset(v, 0, sizeof(*v));
}

static struct sv_chan *
find(struct sub_verify *v, uint64_t channel)
{
	struct sv_chan key = {.channel = channel};

	return bsearch(&key, v->chans, v->n, sizeof(key), cmp_chan);
}

/* Mark publisher message n seen; false if it already was. */
static bool
mark_seen(struct sv_chan *c, uint64_t n)
{
	uint64_t bits;
	uint8_t *b;

	if (n >= c->seen_bits) {
		bits = c->seen_bits ? c->seen_bits : 4096;
		while (bits <= n)
			bits *= 2;
		b = realloc(c->seen, bits / 8);
		if (b == NULL)
			return true;
		memset(b + c->seen_bits / 8, 0, (bits - c->seen_bits) / 8);
		c->seen = b;
		c->seen_bits = bits;
	}
	if (c->seen[n / 8] & (1u << (n % 8)))
		return false;
	c->seen[n / 8] |= (uint8_t)(1u << (n % 8));
	return true;
}

static void
on_message(struct sub_verify *v, struct sv_chan *c,
	   const struct herald_sub_event *ev)
{
	uint64_t ch, n, now;
	uint32_t run;

	c->msgs++;
	if (c->started && ev->seq != c->last_seq + 1)
		c->out_of_order++;
	if (c->epoch != 0 && ev->epoch != c->epoch)
		c->epoch_jumps++; /* a new epoch without a RESET */
	c->started = true;
	c->last_seq = ev->seq;
	c->epoch = ev->epoch;
	if (ht_payload_check(ev->payload, ev->len, &ch, &n, &run) < 0) {
		c->bad_payload++;
		return;
	}
	if (ch != ev->channel)
		c->wrong_channel++;
	if (c->run == 0)
		c->run = run;
	else if (run != c->run)
		c->foreign_run++;
	if (!mark_seen(c, n))
		c->dup_n++;
	if (n > c->max_n)
		c->max_n = n;
	now = ht_realtime_ns();
	if (ev->timestamp != 0 && now > ev->timestamp &&
	    v->n_lat < LAT_SAMPLES_MAX) {
		if (v->n_lat == v->cap_lat) {
			uint64_t cap = v->cap_lat ? v->cap_lat * 2 : 65536;
			uint64_t *l = realloc(v->lat_ns, cap * sizeof(*l));

			if (l == NULL)
				return;
			v->lat_ns = l;
			v->cap_lat = cap;
		}
		v->lat_ns[v->n_lat++] = now - ev->timestamp;
	}
}

void
sub_verify_event(struct sub_verify *v, const struct herald_sub_event *ev)
{
	struct sv_chan *c;

	if (ev->channel == 0)
		return; /* SERVER_* */
	c = find(v, ev->channel);
	if (c == NULL) {
		v->unknown_channel++;
		return;
	}
	switch (ev->type) {
	case HERALD_SUB_MESSAGE:
		v->delivered++;
		on_message(v, c, ev);
		break;
	case HERALD_SUB_GAP:
		c->gaps++;
		c->gap_seqs += ev->count;
		if (c->started && ev->from_seq != c->last_seq + 1)
			c->out_of_order++;
		c->started = true;
		c->last_seq = ev->from_seq + ev->count - 1;
		break;
	case HERALD_SUB_RESET:
		c->resets++;
		c->started = true;
		c->last_seq = 0; /* seqs restart at 1 */
		c->epoch = ev->epoch;
		break;
	case HERALD_SUB_SUBACK:
		if (ev->status == 0 && c->epoch == 0)
			c->epoch = ev->epoch;
		break;
	case HERALD_SUB_PULSE: c->pulses++; break;
	default: break;
	}
}

static void
why(struct sub_verify *v, const char *what, uint64_t channel, uint64_t n)
{
	size_t len = strlen(v->why);

	if (n == 0 || len + 64 >= sizeof(v->why))
		return;
	snprintf(v->why + len, sizeof(v->why) - len, " %s=%" PRIu64 "@%" PRIu64,
		 what, n, channel);
}

bool
sub_verify_finish(struct sub_verify *v, uint64_t expect, bool allow_gaps,
		  bool allow_reset)
{
	uint32_t i;
	uint64_t n;

	v->why[0] = '\0';
	for (i = 0; i < v->n; i++) {
		struct sv_chan *c = &v->chans[i];
		bool reset_ok = allow_reset && c->resets > 0;

		for (n = 1; n <= expect; n++)
			if (n >= c->seen_bits ||
			    !(c->seen[n / 8] & (1u << (n % 8))))
				c->missing++;
		why(v, "out_of_order", c->channel, c->out_of_order);
		why(v, "bad_payload", c->channel, c->bad_payload);
		why(v, "wrong_channel", c->channel, c->wrong_channel);
		why(v, "foreign_run", c->channel, c->foreign_run);
		why(v, "epoch_jump", c->channel, c->epoch_jumps);
		if (!reset_ok)
			why(v, "duplicate", c->channel, c->dup_n);
		if (expect && c->max_n > expect)
			why(v, "beyond_expect", c->channel, c->max_n);
		if (!(allow_gaps && c->missing <= c->gap_seqs) && !reset_ok)
			why(v, "missing", c->channel, c->missing);
		if (!allow_gaps && !reset_ok)
			why(v, "gap_seqs", c->channel, c->gap_seqs);
	}
	if (v->unknown_channel)
		why(v, "unknown_channel", 0, v->unknown_channel);
	return v->why[0] == '\0';
}

static uint64_t
pct(const struct sub_verify *v, double p)
{
	uint64_t i;

	if (v->n_lat == 0)
		return 0;
	i = (uint64_t)(p * (double)(v->n_lat - 1));
	return v->lat_ns[i];
}

void
sub_verify_report(const struct sub_verify *v, const struct herald_sub_stats *st,
		  FILE *out, const char *json, double secs, bool verified)
{
	uint64_t gaps = 0, gap_seqs = 0, resets = 0, missing = 0, pulses = 0;
	uint32_t i;
	FILE *f;

	for (i = 0; i < v->n; i++) {
		gaps += v->chans[i].gaps;
		gap_seqs += v->chans[i].gap_seqs;
		resets += v->chans[i].resets;
		missing += v->chans[i].missing;
		pulses += v->chans[i].pulses;
	}
	qsort(v->lat_ns, v->n_lat, sizeof(*v->lat_ns), cmp_u64);
	if (out != NULL)
		fprintf(out,
			"herald-sub: delivered %" PRIu64
			" on %u channels in %.2f s (%.0f msg/s); gaps %" PRIu64
			" (%" PRIu64 " seqs) resets %" PRIu64 " nacks %" PRIu64
			" retransmits %" PRIu64 " duplicates_dropped %" PRIu64
			"; latency p50 %.1f us p99 %.1f us p999 %.1f us; "
			"%s%s\n",
			v->delivered, v->n, secs,
			secs > 0 ? (double)v->delivered / secs : 0, gaps,
			gap_seqs, resets, st->nacks_sent, st->retransmits_rx,
			st->duplicates, pct(v, 0.5) / 1e3, pct(v, 0.99) / 1e3,
			pct(v, 0.999) / 1e3,
			!verified   ? "not verified"
			: v->why[0] ? "verify FAILED:"
				    : "verify ok",
			verified ? v->why : "");
	if (json == NULL || (f = fopen(json, "w")) == NULL)
		return;
	fprintf(f,
		"{\"delivered\": %" PRIu64
		", \"channels\": %u, \"seconds\": %.3f"
		", \"gaps\": %" PRIu64 ", \"gap_seqs\": %" PRIu64
		", \"resets\": %" PRIu64 ", \"missing\": %" PRIu64
		", \"pulses\": %" PRIu64 ", \"nacks\": %" PRIu64
		", \"nacked_seqs\": %" PRIu64 ", \"retransmits\": %" PRIu64
		", \"duplicates_dropped\": %" PRIu64 ", \"buffered\": %" PRIu64
		", \"rx_dropped\": %" PRIu64 ", \"rx_duplicated\": %" PRIu64
		", \"rx_reordered\": %" PRIu64
		", \"latency_ns\": {\"p50\": %" PRIu64 ", \"p99\": %" PRIu64
		", \"p999\": %" PRIu64 ", \"samples\": %" PRIu64
		"}, \"verified\": %s, \"ok\": %s"
		", \"why\": \"%s\"}\n",
		v->delivered, v->n, secs, gaps, gap_seqs, resets, missing,
		pulses, st->nacks_sent, st->nacked_seqs, st->retransmits_rx,
		st->duplicates, st->buffered, st->impair.rx_dropped,
		st->impair.rx_duplicated, st->impair.rx_reordered, pct(v, 0.5),
		pct(v, 0.99), pct(v, 0.999), v->n_lat,
		verified ? "true" : "false", v->why[0] ? "false" : "true",
		v->why[0] ? v->why + 1 : "");
	fclose(f);
}
