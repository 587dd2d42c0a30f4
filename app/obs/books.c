/* SPDX-License-Identifier: BSD-3-Clause
 * The books: every datagram received is delivered or dropped under a
 * named reason (obs/counters.h gives the equations).
 */
#include <inttypes.h>

#include "herald.h"
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
	uint64_t out = t->c[CNT_deliveries] + t->c[CNT_pubacks] +
		       t->c[CNT_subacks] + t->c[CNT_keepalives] +
		       t->c[CNT_control_sent] + t->c[CNT_retransmits] +
		       t->c[CNT_gaps] + t->c[CNT_heartbeats] + t->c[CNT_pulses];
	uint64_t verdicts = 0, seq = t->c[CNT_messages_sequenced] +
				     t->c[CNT_channel_table_full];
	unsigned int i;
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
	ok &= check(
		f, out == t->c[CNT_tx_packets] + t->c[CNT_tx_dropped],
		"deliveries + pubacks + subacks + keepalives + "
		"control_sent + retransmits + gaps + heartbeats + pulses == "
		"tx_packets + tx_dropped",
		out, t->c[CNT_tx_packets] + t->c[CNT_tx_dropped]);
	ok &= check(f,
		    t->c[CNT_nack_handoffs_out] == t->c[CNT_nack_handoffs_in],
		    "nack_handoffs_out == nack_handoffs_in",
		    t->c[CNT_nack_handoffs_out], t->c[CNT_nack_handoffs_in]);
	for (i = CNT_nack_answered; i <= CNT_nack_over_budget; i++)
		verdicts += t->c[i];
	ok &= check(f, t->frame[FRAME_nack_accepted] == t->c[CNT_nacks],
		    "nack_accepted == nacks", t->frame[FRAME_nack_accepted],
		    t->c[CNT_nacks]);
	ok &= check(f, t->c[CNT_nacks] == verdicts,
		    "nacks == sum of nack_* verdicts", t->c[CNT_nacks],
		    verdicts);
	return ok && herald_stats_control_conserved(t, f);
}

/* The control thread's books, at exit (obs/counters.h). */
bool
herald_stats_control_conserved(const struct herald_counters *t, FILE *f)
{
	const uint64_t *c = herald.ctl_cnt.c;
	uint64_t outcomes = 0, failed, ok_answers;
	unsigned int i;
	bool ok = true;

	for (i = CTL_subscribed; i <= CTL_no_memory; i++)
		outcomes += c[i];
	ok_answers = c[CTL_subscribed] + c[CTL_refreshed] +
		     c[CTL_unsubscribed] + c[CTL_passive_subscribed] +
		     c[CTL_promoted] + c[CTL_demoted];
	failed = outcomes - ok_answers;
	ok &= check(f, t->frame[FRAME_subscribe_queued] == c[CTL_items],
		    "subscribe_queued == control items",
		    t->frame[FRAME_subscribe_queued], c[CTL_items]);
	ok &= check(f, c[CTL_items] == outcomes,
		    "control items == sum of item outcomes", c[CTL_items],
		    outcomes);
	ok &= check(f, ok_answers == c[CTL_subacks_requested],
		    "OK outcomes == subacks_requested", ok_answers,
		    c[CTL_subacks_requested]);
	ok &= check(f,
		    c[CTL_subacks_requested] ==
			    t->c[CNT_subacks] + t->c[CNT_subacks_nombuf],
		    "subacks_requested == subacks + subacks_nombuf",
		    c[CTL_subacks_requested],
		    t->c[CNT_subacks] + t->c[CNT_subacks_nombuf]);
	ok &= check(f,
		    failed == c[CTL_fail_replies] +
				      c[CTL_fail_replies_limited] +
				      c[CTL_fail_replies_nombuf],
		    "failed outcomes == fail_replies + fail_replies_limited + "
		    "fail_replies_nombuf",
		    failed,
		    c[CTL_fail_replies] + c[CTL_fail_replies_limited] +
			    c[CTL_fail_replies_nombuf]);
	ok &= check(
		f,
		c[CTL_fail_replies] == c[CTL_tx_packets] + c[CTL_tx_dropped] +
					       c[CTL_tx_forwarded],
		"fail_replies == control tx_packets + tx_dropped + "
		"tx_forwarded",
		c[CTL_fail_replies],
		c[CTL_tx_packets] + c[CTL_tx_dropped] + c[CTL_tx_forwarded]);
	ok &= check(f, c[CTL_tx_forwarded] == t->c[CNT_control_sent],
		    "control tx_forwarded == control_sent", c[CTL_tx_forwarded],
		    t->c[CNT_control_sent]);
	return ok;
}
