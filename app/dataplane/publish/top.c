/* SPDX-License-Identifier: BSD-3-Clause
 * Publisher sessions for the top-N view (issue 12): per session a few
 * figures its worker keeps off the hot cache lines, and a reader that
 * walks every worker's session table from another thread.
 *
 * The worker writes them on paths it takes anyway: a session's opening,
 * a refused frame, and its PUBACK, which once per rate window (about a
 * second, tested against a word on the session's first cache line)
 * records where the window began. The rate a reader reports is then the
 * messages taken since the start of the previous window, over that
 * time: one to two seconds of history, decaying once the session stops.
 */
#include "dataplane/publish/publish.h"
#include "topn.h"

void
herald_pub_stats_reset(struct herald_lcore *lc, struct herald_pub_session *s,
		       const struct herald_pub_key *k, uint64_t base)
{
	struct herald_pub_stats *st = &s->st;
	uint64_t now = lc->clock_ns;

	rte_seqcount_write_begin(&st->sc);
	s->key = *k;
	st->base_seq = base;
	st->opened_ns = now;
	st->win_ns = now;
	st->win_seq = base;
	st->prev_ns = now;
	st->prev_seq = base;
	st->duplicates = 0;
	st->ahead = 0;
	st->over_credit = 0;
	rte_seqcount_write_end(&st->sc);
	s->win_tick = (uint32_t)(now >> HERALD_PUB_WINDOW_SHIFT);
}

void
herald_pub_window_roll(struct herald_lcore *lc, struct herald_pub_session *s)
{
	struct herald_pub_stats *st = &s->st;

	rte_seqcount_write_begin(&st->sc);
	st->prev_ns = st->win_ns;
	st->prev_seq = st->win_seq;
	st->win_ns = lc->clock_ns;
	st->win_seq = s->last_accepted;
	rte_seqcount_write_end(&st->sc);
	s->win_tick = (uint32_t)(lc->clock_ns >> HERALD_PUB_WINDOW_SHIFT);
}

static inline uint64_t
load64(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* A whole copy of session s of worker lc at its clock now: false if the
 * entry is free or its session silent past the timeout (expired, not
 * yet reaped). */
static bool
snapshot(const struct herald_lcore *lc, const struct herald_pub_session *s,
	 uint64_t now, struct herald_publisher_info *pi)
{
	const struct herald_pub_stats *st = &s->st;
	uint64_t base, opened, prev_ns, prev_seq, last, seen;
	struct herald_pub_key k;
	uint32_t sn;

	if (__atomic_load_n(&s->key.publisher, __ATOMIC_RELAXED) == 0)
		return false;
	do {
		sn = rte_seqcount_read_begin(&st->sc);
		k = s->key;
		base = st->base_seq;
		opened = st->opened_ns;
		prev_ns = st->prev_ns;
		prev_seq = st->prev_seq;
	} while (rte_seqcount_read_retry(&st->sc, sn));
	seen = load64(&s->last_seen_ns);
	last = load64(&s->last_accepted);
	if (k.publisher == 0 ||
	    (now > seen && now - seen > lc->conf.session_timeout_ns))
		return false;
	/* A reused entry read across its reuse: count nothing. */
	if (last < base || last < prev_seq)
		last = RTE_MAX(base, prev_seq);
	*pi = (struct herald_publisher_info){
		.publisher = k.publisher,
		.ip = k.ip,
		.port = k.port,
		.worker = (uint16_t)lc->index,
		.messages = last - base,
		.last_accepted = last,
		.duplicates = load64(&st->duplicates),
		.ahead = load64(&st->ahead),
		.over_credit = load64(&st->over_credit),
		.rate = now > prev_ns ? (double)(last - prev_seq) * 1e9 /
						(double)(now - prev_ns)
				      : 0.0,
		.age_s = now > opened ? (double)(now - opened) / 1e9 : 0.0,
		.silent_s = now > seen ? (double)(now - seen) / 1e9 : 0.0,
	};
	return true;
}

/* Whether session a goes before b in order *ctx. */
static bool
before(const void *pa, const void *pb, const void *ctx)
{
	const struct herald_publisher_info *a = pa, *b = pb;
	enum herald_pub_order order = *(const enum herald_pub_order *)ctx;

	if (order == HERALD_PUB_BY_DUPLICATES && a->duplicates != b->duplicates)
		return a->duplicates > b->duplicates;
	if (a->rate != b->rate)
		return a->rate > b->rate;
	return a->messages > b->messages;
}

uint32_t
herald_publish_top(struct herald_publisher_info *top, uint32_t max,
		   enum herald_pub_order order, uint32_t *total)
{
	struct herald_publisher_info pi;
	const struct herald_lcore *lc;
	uint32_t n = 0, w, pos;

	*total = 0;
	for (w = 0; (lc = herald_lcore_get(w)) != NULL; w++) {
		uint64_t now = load64(&lc->clock_ns);
		uint32_t entries =
			lc->sess == NULL ? 0 : herald_pub_session_entries(lc);

		for (pos = 0; pos < entries; pos++) {
			if (!snapshot(lc, &lc->sess[pos], now, &pi))
				continue;
			if (order == HERALD_PUB_BY_DUPLICATES &&
			    pi.duplicates == 0)
				continue;
			(*total)++;
			topn_offer(top, sizeof(*top), &n, max, &pi, before,
				   &order);
		}
	}
	return n;
}
