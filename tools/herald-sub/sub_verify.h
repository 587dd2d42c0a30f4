/* SPDX-License-Identifier: BSD-3-Clause
 * herald-sub --verify: what the application saw, checked per channel
 * against what the library promises (client.h): seqs one after the
 * other except where a GAP or RESET says otherwise, payloads intact
 * (client_tool.h format), every publisher message exactly once.
 */
#ifndef HERALD_SUB_VERIFY_H
#define HERALD_SUB_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "herald/client.h"

struct sv_chan {
	uint64_t channel;
	bool started; /* a message or GAP placed last_seq */
	uint64_t last_seq;
	uint32_t epoch;
	uint32_t run;
	uint8_t *seen; /* bitmap of publisher message numbers */
	uint64_t seen_bits;
	uint64_t msgs, max_n, missing;
	uint64_t out_of_order, bad_payload, wrong_channel, foreign_run, dup_n,
		epoch_jumps;
	uint64_t gaps, gap_seqs, resets, pulses;
};

struct sub_verify {
	struct sv_chan *chans; /* sorted by channel */
	uint32_t n;
	uint64_t delivered, unknown_channel;
	uint64_t *lat_ns; /* DELIVER timestamp to receive, sampled */
	uint64_t n_lat, cap_lat;
	char why[256]; /* first failures, for the summary */
};

int sub_verify_init(struct sub_verify *v, const uint64_t *channels, uint32_t n);
void sub_verify_event(struct sub_verify *v, const struct herald_sub_event *ev);
/* true if every check passed. */
bool sub_verify_finish(struct sub_verify *v, uint64_t expect, bool allow_gaps,
		       bool allow_reset);
void sub_verify_free(struct sub_verify *v);
void sub_verify_report(const struct sub_verify *v,
		       const struct herald_sub_stats *st, FILE *out,
		       const char *json, double secs, bool verified);

#endif /* HERALD_SUB_VERIFY_H */
