/* SPDX-License-Identifier: BSD-3-Clause
 * The books: every datagram received is delivered or dropped under a
 * named reason (obs/counters.h gives the equations).
 */
#include <inttypes.h>

#include "obs/stats.h"

static bool
check(FILE *f, bool ok, const char *what, uint64_t a, uint64_t b)
{
	if (!ok && f != NULL)
		fprintf(f,
			"herald: CONSERVATION VIOLATED: %s (%" PRIu64
			" != %" PRIu64 ")\n",
			what, a, b);
	return ok;
}

bool
herald_stats_conserved(const struct herald_counters *t, bool at_exit, FILE *f)
{
	uint64_t dropped = herald_counters_nonhwp_total(t) +
			   herald_counters_invalid_total(t) +
			   t->c[CNT_rx_jumbo_nombuf];
	uint64_t out = t->c[CNT_deliveries] + t->c[CNT_pubacks];
	uint64_t seq =
		t->c[CNT_messages_sequenced] + t->c[CNT_channel_table_full];
	bool ok = true;

	ok &= check(
		f,
		t->c[CNT_rx_packets] == dropped + t->c[CNT_rx_datagrams_valid],
		"rx_packets == non-hwp + invalid + valid datagrams + "
		"rx_jumbo_nombuf",
		t->c[CNT_rx_packets], dropped + t->c[CNT_rx_datagrams_valid]);
	ok &= check(f, t->c[CNT_rx_frames] == herald_counters_frame_total(t),
		    "rx_frames == sum of frame outcomes", t->c[CNT_rx_frames],
		    herald_counters_frame_total(t));
	if (!at_exit)
		return ok;
	ok &= check(
		f, t->frame[FRAME_publish_accepted] == seq,
		"publish_accepted == messages_sequenced + channel_table_full",
		t->frame[FRAME_publish_accepted], seq);
	ok &= check(f, t->c[CNT_handoffs_out] == t->c[CNT_handoffs_in],
		    "handoffs_out == handoffs_in", t->c[CNT_handoffs_out],
		    t->c[CNT_handoffs_in]);
	ok &= check(f, out == t->c[CNT_tx_packets] + t->c[CNT_tx_dropped],
		    "deliveries + pubacks == tx_packets + tx_dropped", out,
		    t->c[CNT_tx_packets] + t->c[CNT_tx_dropped]);
	return ok;
}
