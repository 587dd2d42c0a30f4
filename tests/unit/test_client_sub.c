/* SPDX-License-Identifier: BSD-3-Clause
 * libherald-client's subscriber against a fake Herald (client_fake.h) on
 * 127.0.0.1: what it sends is parsed as Herald would (PROTOCOL.md 4), and
 * what it gets is built with the codec's encoders. Expectations come from
 * PROTOCOL.md 3, 5 and 6 and from herald/client.h. Time is the test's own
 * clock, passed to herald_sub_process.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <criterion/criterion.h>

#include "client_fake.h"
#include "herald/client.h"
#include "herald/token.h"
#include "hwp.h"
#include "hwp_token.h"

#define MS 1000000ull
#define T0 (1000000 * MS) /* the virtual clock starts at 1000 s */

#define CH	0x00c0ffee00000001ull
#define CH2	0x00c0ffee00000002ull
#define SUBID	0x5ab5c001u
#define EPOCH	0x0e000001u /* channel epochs */
#define EPOCH2	0x0e000002u
#define EPOCHB	0x0e00000bu
#define EPOCHB2 0x0e0000b2u
#define INST	0x1a000001u /* instance epochs */
#define INST2	0x1a000002u
#define EXPIRES 4102444800ull /* 2100-01-01 */

#define NACK_DELAY (1 * MS)
#define NACK_RETRY (20 * MS)
#define NACK_MAX   (80 * MS)
#define SUB_RETRY  (50 * MS)

#define LOG_MAX 4096

struct logged {
	struct herald_sub_event ev;
	uint8_t data[64];
};

static struct {
	struct fake fk;
	struct herald_sub *s;
	struct herald_sub_config cfg;
	unsigned int n;
	struct logged log[LOG_MAX];
} fx;

static uint8_t key[32];

static void
on_event(void *arg, const struct herald_sub_event *ev)
{
	struct logged *l;

	(void)arg;
	cr_assert_lt(fx.n, LOG_MAX);
	l = &fx.log[fx.n++];
	l->ev = *ev;
	l->ev.payload = NULL;
	if (ev->type == HERALD_SUB_MESSAGE) {
		cr_assert_leq(ev->len, sizeof(l->data));
		memcpy(l->data, ev->payload, ev->len);
		l->ev.payload = l->data;
	}
}

static void
cfg_default(struct herald_sub_config *c)
{
	memset(c, 0, sizeof(*c));
	c->server = "127.0.0.1";
	c->server_port = fx.fk.port;
	c->bind_addr = "127.0.0.1";
	c->subscriber_id = SUBID;
	/* Long: the fake answers keep-alives only where a test says so, and
	 * 2.5 silent periods would make the library subscribe again. */
	c->keepalive_ns = 10000 * MS;
	c->server_timeout_ns = 3600000 * MS;
	c->nack_delay_ns = NACK_DELAY;
	c->nack_retry_ns = NACK_RETRY;
	c->nack_retry_max_ns = NACK_MAX;
	c->subscribe_retry_ns = SUB_RETRY;
}

static void
setup(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(7 * i + 1);
	fake_open(&fx.fk);
	cfg_default(&fx.cfg);
}

static void
teardown(void)
{
	herald_sub_free(fx.s);
	fx.s = NULL;
	fake_close(&fx.fk);
}

TestSuite(client_sub, .init = setup, .fini = teardown, .timeout = 10);

/* The subscriber, with fx.cfg as the test left it. */
static void
sub_open(void)
{
	fx.s = herald_sub_new(&fx.cfg, on_event, NULL);
	cr_assert_not_null(fx.s, "herald_sub_new: %s", strerror(errno));
	cr_assert_eq(herald_sub_id(fx.s), SUBID);
}

/* One process call at now (timers, and whatever has arrived). */
static void
tick(uint64_t now)
{
	cr_assert_eq(herald_sub_process(fx.s, now), 0);
}

/* What the fake sent arrives, and is processed at now. */
static void
rx(uint64_t now)
{
	cr_assert(fake_wait_fd(herald_sub_fd(fx.s), FAKE_WAIT),
		  "nothing reached the subscriber");
	tick(now);
	while (fake_wait_fd(herald_sub_fd(fx.s), 1))
		tick(now);
}

static struct herald_sub_request
request(uint64_t channel, unsigned int flags, uint64_t from_seq)
{
	struct herald_sub_request r = {
		.channel = channel,
		.flags = flags,
		.from_seq = from_seq,
		.expires = EXPIRES,
	};
	uint32_t addr;
	uint16_t port;

	cr_assert_eq(herald_sub_local(fx.s, &addr, &port), 0);
	cr_assert_eq(addr, 0x7f000001u);
	cr_assert_eq(herald_token_mint(key, sizeof(key), channel,
				       herald_sub_id(fx.s), EXPIRES, addr, port,
				       r.token),
		     0);
	return r;
}

static const struct fake_frame *
find_subscribe(uint64_t channel)
{
	const struct fake_frame *ff;
	unsigned int i;

	for (i = 0; (ff = fake_nth(&fx.fk, HWP_T_SUBSCRIBE, i)) != NULL; i++)
		if (ff->f.u.subscribe.channel == channel)
			return ff;
	return NULL;
}

/* Subscribe; the SUBSCRIBE the process call at now sends. */
static struct fake_frame
subscribe(uint64_t channel, unsigned int flags, uint64_t from_seq, uint64_t now)
{
	struct herald_sub_request r = request(channel, flags, from_seq);
	const struct fake_frame *ff;

	cr_assert_eq(herald_sub_subscribe(fx.s, &r), 0);
	tick(now);
	cr_assert_gt(fake_read(&fx.fk, FAKE_WAIT), 0, "no SUBSCRIBE sent");
	ff = find_subscribe(channel);
	cr_assert_not_null(ff, "no SUBSCRIBE for the channel");
	return *ff;
}

/* Events of type (0: any) on channel (0: any). */
static unsigned int
n_events(enum herald_sub_event_type type, uint64_t channel)
{
	unsigned int i, n = 0;

	for (i = 0; i < fx.n; i++)
		n += (type == 0 || fx.log[i].ev.type == type) &&
		     (channel == 0 || fx.log[i].ev.channel == channel);
	return n;
}

/* Index in the log of the nth event of type on channel, or -1. */
static int
event_at(enum herald_sub_event_type type, uint64_t channel, unsigned int nth)
{
	unsigned int i;

	for (i = 0; i < fx.n; i++)
		if (fx.log[i].ev.type == type &&
		    (channel == 0 || fx.log[i].ev.channel == channel) &&
		    nth-- == 0)
			return (int)i;
	return -1;
}

static const struct herald_sub_event *
event(enum herald_sub_event_type type, uint64_t channel, unsigned int nth)
{
	int i = event_at(type, channel, nth);

	cr_assert_geq(i, 0, "no event %d #%u on channel %" PRIx64, type, nth,
		      channel);
	return &fx.log[i].ev;
}

/* Subscribed to channel (active, from the next message): SUBACK OK. */
static void
live(uint64_t channel, uint64_t next_seq, uint32_t epoch, uint64_t now)
{
	const struct herald_sub_event *ev;

	subscribe(channel, 0, 0, now);
	fake_suback(&fx.fk, channel, SUBID, HWP_SUBACK_OK, next_seq, epoch);
	rx(now);
	ev = event(HERALD_SUB_SUBACK, channel, 0);
	cr_assert_eq(ev->status, HWP_SUBACK_OK);
	cr_assert_eq(ev->seq, next_seq);
	cr_assert_eq(ev->epoch, epoch);
}

/* Every MESSAGE carries the payload, publisher and timestamp of the
 * DELIVER of its (channel, seq) (fake_deliver). */
static void
check_payloads(void)
{
	unsigned int i;

	for (i = 0; i < fx.n; i++) {
		const struct herald_sub_event *ev = &fx.log[i].ev;
		uint8_t want[64];
		size_t len;

		if (ev->type != HERALD_SUB_MESSAGE)
			continue;
		len = fake_payload(ev->channel, ev->seq, want);
		cr_assert_eq(ev->len, len, "seq %" PRIu64 ": length", ev->seq);
		cr_assert_arr_eq(ev->payload, want, len,
				 "seq %" PRIu64 ": payload", ev->seq);
		cr_assert_eq(ev->publisher, fake_publisher_of(ev->seq));
		cr_assert_eq(ev->timestamp, fake_timestamp_of(ev->seq));
	}
}

/* The MESSAGE events of channel are exactly seqs lo..hi, in order, of
 * epoch. */
static void
expect_messages(uint64_t channel, uint32_t epoch, uint64_t lo, uint64_t hi)
{
	uint64_t want = lo;
	unsigned int i;

	for (i = 0; i < fx.n; i++) {
		const struct herald_sub_event *ev = &fx.log[i].ev;

		if (ev->type != HERALD_SUB_MESSAGE || ev->channel != channel)
			continue;
		cr_assert_leq(want, hi, "extra message seq %" PRIu64, ev->seq);
		cr_assert_eq(ev->seq, want,
			     "message seq %" PRIu64 ", expected %" PRIu64,
			     ev->seq, want);
		cr_assert_eq(ev->epoch, epoch);
		want++;
	}
	cr_assert_eq(want, hi + 1,
		     "messages stop before %" PRIu64 " (expected up to %" PRIu64
		     ")",
		     want, hi);
	check_payloads();
}

/* Exactly one NACK among what the library sent, for [from, from+count). */
static void
expect_nack(uint64_t channel, uint64_t from, uint32_t count)
{
	const struct fake_frame *ff;

	fake_read(&fx.fk, FAKE_WAIT);
	cr_assert_eq(fake_count(&fx.fk, HWP_T_NACK), 1, "%u NACKs, expected 1",
		     fake_count(&fx.fk, HWP_T_NACK));
	ff = fake_nth(&fx.fk, HWP_T_NACK, 0);
	cr_assert_eq(ff->f.u.nack.channel, channel);
	cr_assert_eq(ff->f.u.nack.subscriber, SUBID);
	cr_assert_eq(ff->f.u.nack.from_seq, from, "NACK from %" PRIu64,
		     ff->f.u.nack.from_seq);
	cr_assert_eq(ff->f.u.nack.count, count, "NACK count %u",
		     ff->f.u.nack.count);
}

static void
expect_no_nack(void)
{
	fake_read(&fx.fk, FAKE_QUIET);
	cr_assert_eq(fake_count(&fx.fk, HWP_T_NACK), 0, "unexpected NACK");
}

/* ---- SUBSCRIBE ---- */

Test(client_sub, subscribe_fields_resent_until_suback)
{
	const struct herald_sub_event *ev;
	const struct fake_frame *ff;
	struct fake_frame first;
	uint32_t addr;
	uint16_t port;
	uint64_t t;

	sub_open();
	first = subscribe(CH, 0, 0, T0);
	cr_assert_eq(first.f.flags, 0, "an active SUBSCRIBE has no flag");
	cr_assert_eq(first.f.u.subscribe.channel, CH);
	cr_assert_eq(first.f.u.subscribe.subscriber, SUBID);
	cr_assert_eq(first.f.u.subscribe.from_seq, 0);
	cr_assert_eq(first.f.u.subscribe.expires, EXPIRES);
	/* The token is the request's, and binds the endpoint Herald sees
	 * (PROTOCOL.md 5). */
	fake_peer(&fx.fk, &addr, &port);
	cr_assert(hwp_token_verify(key, sizeof(key), CH, SUBID, EXPIRES, addr,
				   port, first.f.u.subscribe.token));

	/* Unanswered, it is resent after subscribe_retry, then after twice
	 * that, the same frame. */
	tick(T0 + SUB_RETRY - 1);
	fake_read(&fx.fk, FAKE_QUIET);
	cr_assert_eq(fake_count(&fx.fk, HWP_T_SUBSCRIBE), 0, "resent early");
	tick(T0 + SUB_RETRY);
	fake_read(&fx.fk, FAKE_WAIT);
	cr_assert_eq(fake_count(&fx.fk, HWP_T_SUBSCRIBE), 1, "not resent");
	ff = fake_nth(&fx.fk, HWP_T_SUBSCRIBE, 0);
	cr_assert_eq(ff->f.flags, first.f.flags);
	cr_assert_eq(ff->f.u.subscribe.channel, CH);
	cr_assert_eq(ff->f.u.subscribe.subscriber, SUBID);
	cr_assert_eq(ff->f.u.subscribe.from_seq, 0);
	cr_assert_eq(ff->f.u.subscribe.expires, EXPIRES);
	cr_assert_arr_eq(ff->f.u.subscribe.token, first.f.u.subscribe.token,
			 HWP_TOKEN_LEN);
	tick(T0 + 3 * SUB_RETRY - 1);
	fake_read(&fx.fk, FAKE_QUIET);
	cr_assert_eq(fake_count(&fx.fk, HWP_T_SUBSCRIBE), 0, "no backoff");
	tick(T0 + 3 * SUB_RETRY);
	fake_read(&fx.fk, FAKE_WAIT);
	cr_assert_eq(fake_count(&fx.fk, HWP_T_SUBSCRIBE), 1);
	cr_assert_eq(n_events(0, 0), 0);

	/* The SUBACK: one event, and no more resends. */
	fake_suback(&fx.fk, CH, SUBID, HWP_SUBACK_OK, 17, EPOCH);
	rx(T0 + 3 * SUB_RETRY + 1);
	cr_assert_eq(n_events(HERALD_SUB_SUBACK, CH), 1);
	ev = event(HERALD_SUB_SUBACK, CH, 0);
	cr_assert_eq(ev->status, HWP_SUBACK_OK);
	cr_assert_eq(ev->seq, 17);
	cr_assert_eq(ev->epoch, EPOCH);
	for (t = T0 + 3 * SUB_RETRY; t < T0 + 60 * SUB_RETRY; t += SUB_RETRY)
		tick(t);
	fake_read(&fx.fk, FAKE_QUIET);
	cr_assert_eq(fake_count(&fx.fk, HWP_T_SUBSCRIBE), 0,
		     "SUBSCRIBE resent after its SUBACK");
}

Test(client_sub, failed_suback_reported_and_not_retried)
{
	const struct herald_sub_event *ev;
	uint64_t t;

	sub_open();
	subscribe(CH, 0, 0, T0);
	subscribe(CH2, 0, 0, T0);
	fake_suback(&fx.fk, CH, SUBID, HWP_SUBACK_BAD_TOKEN, 0, 0);
	fake_suback(&fx.fk, CH2, SUBID, HWP_SUBACK_EXPIRED, 0, 0);
	rx(T0 + 1);
	ev = event(HERALD_SUB_SUBACK, CH, 0);
	cr_assert_eq(ev->status, HWP_SUBACK_BAD_TOKEN);
	ev = event(HERALD_SUB_SUBACK, CH2, 0);
	cr_assert_eq(ev->status, HWP_SUBACK_EXPIRED);
	cr_assert_eq(n_events(0, 0), 2);

	/* Long past every try: not one SUBSCRIBE more. */
	for (t = T0; t < T0 + 30000 * MS; t += SUB_RETRY)
		tick(t);
	fake_read(&fx.fk, FAKE_QUIET);
	cr_assert_eq(fake_count(&fx.fk, HWP_T_SUBSCRIBE), 0,
		     "a failed SUBSCRIBE was retried");
	cr_assert_eq(n_events(0, 0), 2, "events after a failed SUBACK");
}

Test(client_sub, subscribe_gives_up_after_the_tries)
{
	uint64_t t;

	fx.cfg.subscribe_tries = 3;
	fx.cfg.subscribe_retry_ns = 10 * MS;
	sub_open();
	subscribe(CH, 0, 0, T0);
	for (t = T0; t < T0 + 2000 * MS; t += MS)
		tick(t);
	fake_read(&fx.fk, FAKE_WAIT);
	/* "up to subscribe_tries times": the first send and the resends. */
	cr_assert_geq(fake_count(&fx.fk, HWP_T_SUBSCRIBE), 2);
	cr_assert_leq(fake_count(&fx.fk, HWP_T_SUBSCRIBE), 3);
	cr_assert_eq(n_events(HERALD_SUB_SUBSCRIBE_TIMEOUT, CH), 1);
	cr_assert_eq(n_events(0, 0), 1);
}

/* ---- ordering ---- */

Test(client_sub, out_of_order_delivered_in_order_once)
{
	sub_open();
	live(CH, 7, EPOCH, T0);
	fake_deliver(&fx.fk, 0, CH, 7, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 9, EPOCH);
	rx(T0 + 1);
	expect_messages(CH, EPOCH, 7, 7);
	fake_deliver(&fx.fk, 0, CH, 8, EPOCH);
	rx(T0 + 1);
	expect_messages(CH, EPOCH, 7, 9);
	cr_assert_eq(herald_sub_last_seq(fx.s, CH), 9);
	/* The hole filled before the NACK delay ran out: no NACK. */
	tick(T0 + 1 + NACK_DELAY);
	tick(T0 + 1000 * MS);
	expect_no_nack();
	cr_assert_eq(n_events(HERALD_SUB_GAP, 0), 0);
}

Test(client_sub, duplicates_suppressed)
{
	struct herald_sub_stats st;

	sub_open();
	live(CH, 1, EPOCH, T0);
	fake_deliver(&fx.fk, 0, CH, 1, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 2, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 1, EPOCH);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 2, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 2, EPOCH);
	rx(T0 + 1);
	/* 4 twice while buffered, then 3 lets both out; 4 once more. */
	fake_deliver(&fx.fk, 0, CH, 4, EPOCH);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 4, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 3, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 4, EPOCH);
	rx(T0 + 1);
	expect_messages(CH, EPOCH, 1, 4);
	herald_sub_get_stats(fx.s, &st);
	cr_assert_eq(st.delivered, 4);
	cr_assert_eq(st.delivers_rx, 9);
	cr_assert_eq(st.duplicates, 5);
}

/* ---- NACKs, retransmits, GAPs ---- */

Test(client_sub, hole_nacked_after_delay_with_backoff)
{
	static const uint64_t waits[] = {NACK_RETRY, 2 * NACK_RETRY, NACK_MAX,
					 NACK_MAX};
	uint64_t t1 = T0 + 10 * MS, t;
	struct herald_sub_stats st;
	unsigned int i;

	sub_open();
	live(CH, 1, EPOCH, T0);
	fake_deliver(&fx.fk, 0, CH, 1, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 2, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 5, EPOCH);
	rx(t1);
	expect_messages(CH, EPOCH, 1, 2);

	/* Within nack_delay of seeing the hole: one NACK for 3 and 4. */
	t = t1 + NACK_DELAY;
	tick(t);
	expect_nack(CH, 3, 2);
	/* Unanswered: again after nack_retry, doubling up to the max. */
	for (i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
		tick(t + waits[i] - 1);
		expect_no_nack();
		t += waits[i];
		tick(t);
		expect_nack(CH, 3, 2);
	}
	herald_sub_get_stats(fx.s, &st);
	cr_assert_eq(st.nacks_sent, 5);
	cr_assert_eq(st.nacked_seqs, 10);
	expect_messages(CH, EPOCH, 1, 2);
}

/* client.h: a NACK waits a random time in [0, nack_delay] after the gap
 * is seen. With nack_delay 1 ns, every hole seen at t is NACKed by t + 1
 * (20 holes: a draw outside the range would show). */
Test(client_sub, nack_within_nack_delay)
{
	uint64_t t = T0 + 10 * MS, base;
	unsigned int i;

	fx.cfg.nack_delay_ns = 1;
	sub_open();
	live(CH, 1, EPOCH, T0);
	fake_deliver(&fx.fk, 0, CH, 1, EPOCH);
	rx(t);
	for (i = 0; i < 20; i++) {
		base = 2 + 2 * i;
		t += 1000 * MS;
		fake_deliver(&fx.fk, 0, CH, base + 1, EPOCH);
		rx(t);
		tick(t + 1);
		expect_nack(CH, base, 1);
		fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, base, EPOCH);
		rx(t + 2);
		cr_assert_eq(herald_sub_last_seq(fx.s, CH), base + 1);
	}
	expect_messages(CH, EPOCH, 1, 41);
}

Test(client_sub, retransmit_fills_the_hole)
{
	uint64_t t1 = T0 + 10 * MS;
	unsigned int i;

	sub_open();
	live(CH, 1, EPOCH, T0);
	fake_deliver(&fx.fk, 0, CH, 1, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 4, EPOCH);
	rx(t1);
	tick(t1 + NACK_DELAY);
	expect_nack(CH, 2, 2);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 2, EPOCH);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 3, EPOCH);
	rx(t1 + NACK_DELAY + 1);
	expect_messages(CH, EPOCH, 1, 4);
	for (i = 0; i < fx.n; i++) {
		const struct herald_sub_event *ev = &fx.log[i].ev;

		if (ev->type == HERALD_SUB_MESSAGE)
			cr_assert_eq(ev->retransmitted,
				     ev->seq == 2 || ev->seq == 3,
				     "seq %" PRIu64 ": retransmitted %u",
				     ev->seq, ev->retransmitted);
	}
	/* Nothing is missing any more: no NACK later. */
	for (i = 1; i <= 50; i++)
		tick(t1 + i * NACK_RETRY);
	expect_no_nack();
}

Test(client_sub, gap_reported_then_delivery_goes_on)
{
	const struct herald_sub_event *ev;
	uint64_t t1 = T0 + 10 * MS;
	unsigned int i;

	sub_open();
	live(CH, 1, EPOCH, T0);
	fake_deliver(&fx.fk, 0, CH, 1, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 4, EPOCH);
	rx(t1);
	tick(t1 + NACK_DELAY);
	expect_nack(CH, 2, 2);
	fake_gap(&fx.fk, CH, 2, 2, EPOCH);
	rx(t1 + NACK_DELAY + 1);
	ev = event(HERALD_SUB_GAP, CH, 0);
	cr_assert_eq(ev->from_seq, 2);
	cr_assert_eq(ev->count, 2);
	cr_assert_eq(ev->epoch, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 5, EPOCH);
	rx(t1 + NACK_DELAY + 2);
	/* 1, the GAP of 2..3, then 4 and 5. */
	cr_assert_lt(event_at(HERALD_SUB_MESSAGE, CH, 0),
		     event_at(HERALD_SUB_GAP, CH, 0));
	cr_assert_lt(event_at(HERALD_SUB_GAP, CH, 0),
		     event_at(HERALD_SUB_MESSAGE, CH, 1));
	cr_assert_eq(n_events(HERALD_SUB_GAP, 0), 1);
	cr_assert_eq(n_events(HERALD_SUB_MESSAGE, CH), 3);
	cr_assert_eq(event(HERALD_SUB_MESSAGE, CH, 0)->seq, 1);
	cr_assert_eq(event(HERALD_SUB_MESSAGE, CH, 1)->seq, 4);
	cr_assert_eq(event(HERALD_SUB_MESSAGE, CH, 2)->seq, 5);
	check_payloads();
	cr_assert_eq(herald_sub_last_seq(fx.s, CH), 5);
	for (i = 1; i <= 50; i++)
		tick(t1 + i * NACK_RETRY);
	expect_no_nack();
}

Test(client_sub, gap_ahead_reported_in_its_place)
{
	const struct herald_sub_event *ev;
	const struct fake_frame *ff;
	uint64_t t1 = T0 + 10 * MS;

	sub_open();
	live(CH, 1, EPOCH, T0);
	fake_deliver(&fx.fk, 0, CH, 1, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 4, EPOCH);
	fake_gap(&fx.fk, CH, 3, 1, EPOCH); /* 3 is gone; 2 is not */
	rx(t1);
	cr_assert_eq(n_events(HERALD_SUB_GAP, 0), 0, "GAP reported early");
	tick(t1 + NACK_DELAY);
	fake_read(&fx.fk, FAKE_WAIT);
	cr_assert_eq(fake_count(&fx.fk, HWP_T_NACK), 1);
	ff = fake_nth(&fx.fk, HWP_T_NACK, 0);
	cr_assert_eq(ff->f.u.nack.from_seq, 2, "2 is not asked for");
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 2, EPOCH);
	rx(t1 + NACK_DELAY + 1);
	/* 1, 2, the GAP of 3, 4. */
	cr_assert_eq(n_events(0, CH), 5); /* SUBACK, 3 MESSAGEs, GAP */
	cr_assert_eq(event(HERALD_SUB_MESSAGE, CH, 1)->seq, 2);
	ev = event(HERALD_SUB_GAP, CH, 0);
	cr_assert_eq(ev->from_seq, 3);
	cr_assert_eq(ev->count, 1);
	cr_assert_lt(event_at(HERALD_SUB_MESSAGE, CH, 1),
		     event_at(HERALD_SUB_GAP, CH, 0));
	cr_assert_lt(event_at(HERALD_SUB_GAP, CH, 0),
		     event_at(HERALD_SUB_MESSAGE, CH, 2));
	cr_assert_eq(event(HERALD_SUB_MESSAGE, CH, 2)->seq, 4);
	check_payloads();
}

Test(client_sub, heartbeat_above_delivered_is_tail_loss)
{
	uint64_t t1 = T0 + 10 * MS, t2 = T0 + 2000 * MS;

	sub_open();
	live(CH, 1, EPOCH, T0);
	fake_deliver(&fx.fk, 0, CH, 1, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 2, EPOCH);
	rx(t1);
	/* A HEARTBEAT at what was delivered: nothing is missing. */
	fake_heartbeat(&fx.fk, CH, 2, SUBID, EPOCH);
	rx(t1);
	tick(t1 + NACK_DELAY);
	tick(t1 + 1000 * MS);
	expect_no_nack();
	/* The channel's last seq is 4: 3 and 4 were lost at the tail. */
	fake_heartbeat(&fx.fk, CH, 4, SUBID, EPOCH);
	rx(t2);
	tick(t2 + NACK_DELAY);
	expect_nack(CH, 3, 2);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 3, EPOCH);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 4, EPOCH);
	rx(t2 + NACK_DELAY + 1);
	expect_messages(CH, EPOCH, 1, 4);
	cr_assert_eq(n_events(HERALD_SUB_PULSE, 0), 0,
		     "an active channel's HEARTBEAT is no pulse");
}

/* ---- epochs ---- */

Test(client_sub, new_channel_epoch_resets_that_channel_only)
{
	const struct herald_sub_event *ev;
	uint64_t t1 = T0 + 10 * MS;
	unsigned int i;
	int reset;

	sub_open();
	subscribe(CH, 0, 0, T0);
	subscribe(CH2, 0, 0, T0);
	fake_suback(&fx.fk, CH, SUBID, HWP_SUBACK_OK, 1, EPOCH);
	fake_suback(&fx.fk, CH2, SUBID, HWP_SUBACK_OK, 1, EPOCHB);
	fake_deliver(&fx.fk, 0, CH, 1, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 2, EPOCH);
	fake_deliver(&fx.fk, 0, CH2, 1, EPOCHB);
	rx(t1);
	cr_assert_eq(n_events(HERALD_SUB_MESSAGE, 0), 3);

	/* Herald recreated CH's sequence: seq 1 of a new epoch. */
	fake_deliver(&fx.fk, 0, CH, 1, EPOCH2);
	rx(t1 + 1);
	cr_assert_eq(n_events(HERALD_SUB_RESET, 0), 1);
	ev = event(HERALD_SUB_RESET, CH, 0);
	cr_assert_eq(ev->epoch, EPOCH2);
	cr_assert_eq(ev->old_epoch, EPOCH);
	cr_assert_eq(ev->seq, 2, "RESET's seq: the last delivered before");
	reset = event_at(HERALD_SUB_RESET, CH, 0);
	cr_assert_lt(reset, event_at(HERALD_SUB_MESSAGE, CH, 2));
	ev = event(HERALD_SUB_MESSAGE, CH, 2);
	cr_assert_eq(ev->seq, 1);
	cr_assert_eq(ev->epoch, EPOCH2);

	/* CH2 is not touched; a late frame of CH's old epoch is no news. */
	fake_deliver(&fx.fk, 0, CH2, 2, EPOCHB);
	fake_deliver(&fx.fk, 0, CH, 3, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 2, EPOCH2);
	rx(t1 + 2);
	expect_messages(CH2, EPOCHB, 1, 2);
	cr_assert_eq(n_events(HERALD_SUB_RESET, 0), 1);
	cr_assert_eq(n_events(HERALD_SUB_MESSAGE, CH), 4);
	ev = event(HERALD_SUB_MESSAGE, CH, 3);
	cr_assert_eq(ev->seq, 2);
	cr_assert_eq(ev->epoch, EPOCH2);
	cr_assert_eq(herald_sub_last_seq(fx.s, CH), 2);
	check_payloads();

	/* A new epoch seen first at seq 3 (a HEARTBEAT would do too): the
	 * new epoch is fetched from seq 1. */
	fake_deliver(&fx.fk, 0, CH2, 3, EPOCHB2);
	rx(t1 + 3);
	cr_assert_eq(n_events(HERALD_SUB_RESET, CH2), 1);
	ev = event(HERALD_SUB_RESET, CH2, 0);
	cr_assert_eq(ev->old_epoch, EPOCHB);
	cr_assert_eq(ev->epoch, EPOCHB2);
	cr_assert_eq(ev->seq, 2);
	tick(t1 + 3 + NACK_DELAY);
	expect_nack(CH2, 1, 2);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH2, 1, EPOCHB2);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH2, 2, EPOCHB2);
	rx(t1 + 4);
	cr_assert_eq(n_events(HERALD_SUB_MESSAGE, CH2), 5);
	for (i = 0; i < 3; i++) {
		ev = event(HERALD_SUB_MESSAGE, CH2, 2 + i);
		cr_assert_eq(ev->seq, (uint64_t)i + 1);
		cr_assert_eq(ev->epoch, EPOCHB2);
	}
	cr_assert_eq(n_events(HERALD_SUB_MESSAGE, CH), 4, "CH touched");
	check_payloads();
}

/* A small Herald for one channel, answering what the last fake_read got:
 * SUBSCRIBEs (SUBACK OK at published + 1, then RETRANSMITs from from_seq),
 * NACKs (RETRANSMITs of what is published) and keep-alives. */
struct mini_herald {
	uint64_t channel;
	uint32_t epoch, inst;
	uint64_t published;
	bool subscribed;
};

static void
mini_retransmit(struct mini_herald *m, uint64_t from, uint64_t end)
{
	uint64_t seq;

	for (seq = from; seq < end && seq <= m->published; seq++)
		fake_deliver(&fx.fk, HWP_F_RETRANSMIT, m->channel, seq,
			     m->epoch);
}

static void
mini_answer(struct mini_herald *m)
{
	unsigned int i;

	for (i = 0; i < fx.fk.n; i++) {
		const struct hwp_frame *f = &fx.fk.fr[i].f;

		switch (f->type) {
		case HWP_T_SUBSCRIBE:
			cr_assert_eq(f->u.subscribe.channel, m->channel);
			cr_assert_eq(f->u.subscribe.subscriber, SUBID);
			m->subscribed = true;
			fake_suback(&fx.fk, m->channel, SUBID, HWP_SUBACK_OK,
				    m->published + 1, m->epoch);
			if (f->u.subscribe.from_seq > 0)
				mini_retransmit(m, f->u.subscribe.from_seq,
						m->published + 1);
			break;
		case HWP_T_NACK:
			cr_assert_eq(f->u.nack.channel, m->channel);
			cr_assert_eq(f->u.nack.subscriber, SUBID);
			mini_retransmit(m, f->u.nack.from_seq,
					f->u.nack.from_seq + f->u.nack.count);
			break;
		case HWP_T_HEARTBEAT:
			cr_assert_eq(f->u.heartbeat.channel, 0);
			fake_heartbeat(&fx.fk, 0, 0, SUBID, m->inst);
			break;
		default: cr_assert_fail("unexpected frame type %u", f->type);
		}
	}
}

/* ms steps of 1 ms from now: the library's process call, then Herald's
 * answers (read by the next call). */
static void
mini_run(struct mini_herald *m, uint64_t now, unsigned int ms)
{
	int saved = fx.fk.straggle_ms;
	unsigned int i;

	fx.fk.straggle_ms = 0;
	for (i = 0; i < ms; i++) {
		tick(now + i * MS);
		fake_read(&fx.fk, 0);
		mini_answer(m);
	}
	fx.fk.straggle_ms = saved;
}

/* ---- keep-alives, Herald restarts ---- */

static void
expect_keepalive(void)
{
	const struct fake_frame *ff;

	cr_assert_eq(fake_count(&fx.fk, HWP_T_HEARTBEAT), 1,
		     "%u keep-alives, expected 1",
		     fake_count(&fx.fk, HWP_T_HEARTBEAT));
	ff = fake_nth(&fx.fk, HWP_T_HEARTBEAT, 0);
	cr_assert_eq(ff->f.u.heartbeat.channel, 0);
	cr_assert_eq(ff->f.u.heartbeat.seq, 0);
	cr_assert_eq(ff->f.u.heartbeat.epoch, 0);
	cr_assert_eq(ff->f.u.heartbeat.subscriber, SUBID);
}

Test(client_sub, keepalive_and_herald_restart)
{
	const uint64_t ka = 100 * MS;
	const struct herald_sub_event *ev;
	struct mini_herald herald;
	struct fake_frame sf;
	const struct fake_frame *ff;
	int restarted;
	unsigned int i;

	fx.cfg.keepalive_ns = ka;
	sub_open();
	sf = subscribe(CH, 0, 0, T0);
	expect_keepalive(); /* with the first SUBSCRIBE */
	fake_suback(&fx.fk, CH, SUBID, HWP_SUBACK_OK, 1, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 1, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 2, EPOCH);
	fake_heartbeat(&fx.fk, 0, 0, SUBID, INST);
	rx(T0 + 1);
	expect_messages(CH, EPOCH, 1, 2);

	/* One keep-alive per period. */
	tick(T0 + ka - 1);
	fake_read(&fx.fk, FAKE_QUIET);
	cr_assert_eq(fake_count(&fx.fk, HWP_T_HEARTBEAT), 0);
	tick(T0 + ka);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_keepalive();
	/* The same instance answers: nothing to report. */
	fake_heartbeat(&fx.fk, 0, 0, SUBID, INST);
	rx(T0 + ka + 1);
	tick(T0 + 2 * ka);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_keepalive();
	cr_assert_eq(n_events(HERALD_SUB_SERVER_RESTARTED, 0), 0);
	cr_assert_eq(fake_count(&fx.fk, HWP_T_SUBSCRIBE), 0);

	/* A new instance epoch: Herald restarted. */
	fake_heartbeat(&fx.fk, 0, 0, SUBID, INST2);
	rx(T0 + 2 * ka + 1);
	cr_assert_eq(n_events(HERALD_SUB_SERVER_RESTARTED, 0), 1);
	ev = event(HERALD_SUB_SERVER_RESTARTED, 0, 0);
	cr_assert_eq(ev->epoch, INST2);
	/* A new SUBSCRIBE for the channel, with the token it had. */
	tick(T0 + 2 * ka + 1);
	fake_read(&fx.fk, FAKE_WAIT);
	cr_assert_eq(fake_count(&fx.fk, HWP_T_SUBSCRIBE), 1);
	ff = fake_nth(&fx.fk, HWP_T_SUBSCRIBE, 0);
	cr_assert_eq(ff->f.flags, 0);
	cr_assert_eq(ff->f.u.subscribe.channel, CH);
	cr_assert_eq(ff->f.u.subscribe.subscriber, SUBID);
	cr_assert_eq(ff->f.u.subscribe.expires, EXPIRES);
	cr_assert_arr_eq(ff->f.u.subscribe.token, sf.f.u.subscribe.token,
			 HWP_TOKEN_LEN);

	/* The new instance: a new channel epoch, seqs 1.. again (1 and 2
	 * already sent, 3 next). The library fetches the new epoch from
	 * seq 1: by its from_seq, or by NACKs. */
	herald = (struct mini_herald){
		.channel = CH,
		.epoch = EPOCH2,
		.inst = INST2,
		.published = 2,
	};
	mini_answer(&herald);
	fake_deliver(&fx.fk, 0, CH, 3, EPOCH2);
	herald.published = 3;
	mini_run(&herald, T0 + 2 * ka + 2, 300);
	cr_assert_eq(n_events(HERALD_SUB_RESET, CH), 1);
	ev = event(HERALD_SUB_RESET, CH, 0);
	cr_assert_eq(ev->old_epoch, EPOCH);
	cr_assert_eq(ev->epoch, EPOCH2);
	cr_assert_eq(ev->seq, 2, "RESET's seq: the last of the old epoch");
	restarted = event_at(HERALD_SUB_SERVER_RESTARTED, 0, 0);
	cr_assert_lt(restarted, event_at(HERALD_SUB_RESET, CH, 0));
	cr_assert_lt(event_at(HERALD_SUB_RESET, CH, 0),
		     event_at(HERALD_SUB_MESSAGE, CH, 2));
	cr_assert_eq(n_events(HERALD_SUB_MESSAGE, CH), 5);
	for (i = 0; i < 3; i++) {
		ev = event(HERALD_SUB_MESSAGE, CH, 2 + i);
		cr_assert_eq(ev->seq, (uint64_t)i + 1);
		cr_assert_eq(ev->epoch, EPOCH2);
	}
	cr_assert_eq(n_events(HERALD_SUB_SERVER_RESTARTED, 0), 1);
	cr_assert_eq(n_events(HERALD_SUB_GAP, 0), 0);
	check_payloads();
}

Test(client_sub, silent_herald_resubscribed_then_lost)
{
	const uint64_t ka = 100 * MS;
	uint64_t t, first_sub = 0, lost_at = 0;

	fx.cfg.keepalive_ns = ka;
	fx.cfg.server_timeout_ns = 1000 * MS;
	sub_open();
	live(CH, 1, EPOCH, T0);
	fake_read(&fx.fk, FAKE_QUIET);
	/* Keep-alives go unanswered (a restarted Herald answers nobody it
	 * holds no subscription of). */
	for (t = T0 + MS; t <= T0 + 1500 * MS; t += MS) {
		tick(t);
		if (lost_at == 0 && n_events(HERALD_SUB_SERVER_LOST, 0) > 0)
			lost_at = t;
		if (first_sub != 0)
			continue;
		fake_read(&fx.fk, 0);
		if (find_subscribe(CH) != NULL)
			first_sub = t;
	}
	/* client.h: subscribed again after 2.5 periods without an answer. */
	cr_assert_neq(first_sub, 0, "never subscribed again");
	cr_assert_gt(first_sub, T0 + 5 * ka / 2,
		     "resubscribed after %" PRIu64 " ms",
		     (first_sub - T0) / MS);
	cr_assert_leq(first_sub, T0 + 4 * ka,
		      "resubscribed after %" PRIu64 " ms",
		      (first_sub - T0) / MS);
	/* Presumed gone after server_timeout: once. */
	cr_assert_eq(n_events(HERALD_SUB_SERVER_LOST, 0), 1);
	cr_assert_gt(lost_at, T0 + 1000 * MS);
	cr_assert_leq(lost_at, T0 + 1000 * MS + 2 * ka);
	cr_assert_eq(n_events(HERALD_SUB_SERVER_RESTARTED, 0), 0);
	cr_assert_eq(n_events(HERALD_SUB_RESET, 0), 0);
}

/* ---- resume ---- */

Test(client_sub, resume_retransmits_then_live_no_duplicate_at_seam)
{
	struct fake_frame sf;
	unsigned int i;

	sub_open();
	sf = subscribe(CH, 0, 5, T0);
	cr_assert_eq(sf.f.u.subscribe.from_seq, 5);
	/* next_seq 10: 5..9 come as RETRANSMITs, some of them after live
	 * ones; a late copy of each side of the seam too. */
	fake_suback(&fx.fk, CH, SUBID, HWP_SUBACK_OK, 10, EPOCH);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 5, EPOCH);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 6, EPOCH);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 7, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 10, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 11, EPOCH);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 8, EPOCH);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 9, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 12, EPOCH);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 9, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 10, EPOCH);
	rx(T0 + 1);
	expect_messages(CH, EPOCH, 5, 12);
	for (i = 0; i < fx.n; i++) {
		const struct herald_sub_event *ev = &fx.log[i].ev;

		if (ev->type == HERALD_SUB_MESSAGE)
			cr_assert_eq(ev->retransmitted, ev->seq < 10);
	}
	for (i = 1; i <= 50; i++)
		tick(T0 + i * NACK_RETRY);
	expect_no_nack();
}

Test(client_sub, resume_retransmits_before_the_suback)
{
	sub_open();
	subscribe(CH, 0, 5, T0);
	/* Only DELIVERs of seq >= next_seq must wait for the SUBACK. */
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 5, EPOCH);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 6, EPOCH);
	rx(T0 + 1);
	cr_assert_eq(n_events(HERALD_SUB_MESSAGE, 0), 0);
	fake_suback(&fx.fk, CH, SUBID, HWP_SUBACK_OK, 9, EPOCH);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 7, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 9, EPOCH);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 8, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 10, EPOCH);
	rx(T0 + 2);
	expect_messages(CH, EPOCH, 5, 10);
}

/* A RETRANSMIT of the resume is lost, and nothing new is published:
 * the hole must still be asked for (without waiting for more traffic). */
Test(client_sub, resume_lost_retransmit_is_nacked)
{
	const struct fake_frame *ff = NULL;
	uint64_t t;

	sub_open();
	subscribe(CH, 0, 5, T0);
	fake_suback(&fx.fk, CH, SUBID, HWP_SUBACK_OK, 10, EPOCH);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 5, EPOCH);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 6, EPOCH);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 8, EPOCH); /* 7 lost */
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 9, EPOCH);
	rx(T0 + 1);
	expect_messages(CH, EPOCH, 5, 6);
	for (t = T0 + MS; t <= T0 + 1000 * MS && ff == NULL; t += MS) {
		tick(t);
		fake_read(&fx.fk, 0);
		ff = fake_nth(&fx.fk, HWP_T_NACK, 0);
	}
	cr_assert_not_null(ff, "the lost RETRANSMIT was never NACKed");
	cr_assert_eq(ff->f.u.nack.from_seq, 7);
	cr_assert_eq(ff->f.u.nack.count, 1);
	cr_assert_eq(ff->f.u.nack.subscriber, SUBID);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 7, EPOCH);
	rx(t);
	expect_messages(CH, EPOCH, 5, 9);
}

/* A resume whose epoch is no longer Herald's: a RESET, then the new
 * epoch from seq 1 (client.h, herald_sub_request.epoch). */
Test(client_sub, resume_of_an_old_epoch_resets)
{
	const struct herald_sub_event *ev;
	struct herald_sub_request r;
	uint64_t seq;

	sub_open();
	r = request(CH, 0, 5);
	r.epoch = EPOCH;
	cr_assert_eq(herald_sub_subscribe(fx.s, &r), 0);
	tick(T0);
	fake_read(&fx.fk, FAKE_WAIT);
	cr_assert_not_null(find_subscribe(CH));
	cr_assert_eq(find_subscribe(CH)->f.u.subscribe.from_seq, 5);
	/* Herald's epoch is EPOCH2: what it retransmits is of that one. */
	fake_suback(&fx.fk, CH, SUBID, HWP_SUBACK_OK, 10, EPOCH2);
	for (seq = 5; seq < 10; seq++)
		fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, seq, EPOCH2);
	rx(T0 + 1);
	cr_assert_eq(n_events(HERALD_SUB_RESET, CH), 1);
	ev = event(HERALD_SUB_RESET, CH, 0);
	cr_assert_eq(ev->old_epoch, EPOCH);
	cr_assert_eq(ev->epoch, EPOCH2);
	cr_assert_eq(ev->seq, 4, "RESET's seq: what the application had");
	cr_assert_eq(n_events(HERALD_SUB_MESSAGE, 0), 0);
	tick(T0 + 1 + NACK_DELAY);
	expect_nack(CH, 1, 4);
	for (seq = 1; seq < 5; seq++)
		fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, seq, EPOCH2);
	fake_deliver(&fx.fk, 0, CH, 10, EPOCH2);
	rx(T0 + 2 + NACK_DELAY);
	expect_messages(CH, EPOCH2, 1, 10);
	cr_assert_lt(event_at(HERALD_SUB_RESET, CH, 0),
		     event_at(HERALD_SUB_MESSAGE, CH, 0));
}

Test(client_sub, resume_past_history_gap_first)
{
	const struct herald_sub_event *ev;

	sub_open();
	subscribe(CH, 0, 2, T0);
	fake_suback(&fx.fk, CH, SUBID, HWP_SUBACK_OK, 8, EPOCH);
	fake_gap(&fx.fk, CH, 2, 3, EPOCH); /* 2..4 no longer held */
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 5, EPOCH);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 6, EPOCH);
	fake_deliver(&fx.fk, HWP_F_RETRANSMIT, CH, 7, EPOCH);
	fake_deliver(&fx.fk, 0, CH, 8, EPOCH);
	rx(T0 + 1);
	ev = event(HERALD_SUB_GAP, CH, 0);
	cr_assert_eq(ev->from_seq, 2);
	cr_assert_eq(ev->count, 3);
	cr_assert_lt(event_at(HERALD_SUB_GAP, CH, 0),
		     event_at(HERALD_SUB_MESSAGE, CH, 0));
	expect_messages(CH, EPOCH, 5, 8);
}

/* ---- passive ---- */

Test(client_sub, passive_gets_pulses_and_sends_no_nack)
{
	const struct herald_sub_event *ev;
	struct fake_frame sf;
	uint64_t t;

	sub_open();
	sf = subscribe(CH, HERALD_SUB_PASSIVE, 0, T0);
	cr_assert_eq(sf.f.flags, HWP_F_PASSIVE);
	cr_assert_eq(sf.f.u.subscribe.from_seq, 0);
	fake_suback(&fx.fk, CH, SUBID, HWP_SUBACK_OK, 5, EPOCH);
	rx(T0 + 1);
	ev = event(HERALD_SUB_SUBACK, CH, 0);
	cr_assert_eq(ev->status, HWP_SUBACK_OK);

	fake_heartbeat(&fx.fk, CH, 7, SUBID, EPOCH);
	rx(T0 + 1000 * MS);
	cr_assert_eq(n_events(HERALD_SUB_PULSE, CH), 1);
	ev = event(HERALD_SUB_PULSE, CH, 0);
	cr_assert_eq(ev->seq, 7);
	cr_assert_eq(ev->epoch, EPOCH);
	fake_heartbeat(&fx.fk, CH, 9, SUBID, EPOCH);
	rx(T0 + 2000 * MS);
	cr_assert_eq(n_events(HERALD_SUB_PULSE, CH), 2);
	cr_assert_eq(event(HERALD_SUB_PULSE, CH, 1)->seq, 9);
	/* 5..9 exist and none came: a passive channel asks for nothing. */
	for (t = T0 + 2000 * MS; t < T0 + 4000 * MS; t += 10 * MS)
		tick(t);
	expect_no_nack();
	cr_assert_eq(n_events(HERALD_SUB_MESSAGE, 0), 0);
	cr_assert_eq(n_events(HERALD_SUB_GAP, 0), 0);
}

/* ---- the seeded impairment hook ---- */

static void
impaired_run(uint64_t seed, struct herald_impair_stats *st)
{
	struct herald_sub_stats ss;
	uint64_t seq = 1;
	unsigned int b, i;

	if (fx.s != NULL) {
		herald_sub_free(fx.s);
		fx.s = NULL;
		fake_close(&fx.fk);
		fake_open(&fx.fk);
		cfg_default(&fx.cfg);
	}
	fx.n = 0;
	fx.cfg.impair.seed = seed;
	fx.cfg.impair.rx_loss = 0.2;
	fx.cfg.impair.rx_dup = 0.1;
	fx.cfg.impair.rx_reorder = 0.1;
	sub_open();
	subscribe(CH, 0, 0, T0);
	/* The same 301 datagrams each run. */
	fake_suback(&fx.fk, CH, SUBID, HWP_SUBACK_OK, 1, EPOCH);
	for (b = 0; b < 6; b++) {
		for (i = 0; i < 50; i++)
			fake_deliver(&fx.fk, 0, CH, seq++, EPOCH);
		rx(T0 + 1);
	}
	herald_sub_get_stats(fx.s, &ss);
	*st = ss.impair;
}

Test(client_sub, impairment_same_seed_same_stats)
{
	struct herald_impair_stats a, b, c;

	impaired_run(1234, &a);
	impaired_run(1234, &b);
	impaired_run(4321, &c);
	cr_assert(a.rx_dropped > 30 && a.rx_dropped < 100, "dropped %" PRIu64,
		  a.rx_dropped);
	cr_assert_gt(a.rx_duplicated, 0);
	cr_assert_gt(a.rx_reordered, 0);
	cr_assert_eq(a.tx_dropped + a.tx_duplicated + a.tx_reordered, 0);
	cr_assert_eq(a.rx_dropped, b.rx_dropped);
	cr_assert_eq(a.rx_duplicated, b.rx_duplicated);
	cr_assert_eq(a.rx_reordered, b.rx_reordered);
	cr_assert(a.rx_dropped != c.rx_dropped ||
			  a.rx_duplicated != c.rx_duplicated ||
			  a.rx_reordered != c.rx_reordered,
		  "another seed, the same draws");
}

/* The small Herald over a lossy, duplicating, reordering link, both
 * ways: a resume from seq 1 while messages are published, NACKs, channel
 * HEARTBEATs for the tail. */
Test(client_sub, impaired_link_in_order_exactly_once)
{
	const uint64_t total = 400;
	struct mini_herald m = {
		.channel = CH,
		.epoch = EPOCH,
		.inst = INST,
	};
	struct herald_sub_stats st;
	struct herald_sub_request r;
	unsigned int step, extra = 0;
	uint64_t now;

	fx.cfg.impair = (struct herald_impair){
		.seed = 99,
		.rx_loss = 0.1,
		.rx_dup = 0.05,
		.rx_reorder = 0.1,
		.tx_loss = 0.1,
		.tx_dup = 0.05,
		.tx_reorder = 0.1,
	};
	fx.cfg.keepalive_ns = 100 * MS;
	sub_open();
	fx.fk.straggle_ms = 0;
	r = request(CH, 0, 1);
	cr_assert_eq(herald_sub_subscribe(fx.s, &r), 0);
	for (step = 0; step < 20000 && extra < 200; step++) {
		now = T0 + step * MS;
		tick(now);
		fake_read(&fx.fk, 0);
		mini_answer(&m);
		if (m.subscribed && m.published < total)
			fake_deliver(&fx.fk, 0, CH, ++m.published, EPOCH);
		if (m.subscribed && step % 50 == 0 && m.published > 0)
			fake_heartbeat(&fx.fk, CH, m.published, SUBID, EPOCH);
		if (herald_sub_last_seq(fx.s, CH) == total)
			extra++;
	}
	cr_assert_eq(herald_sub_last_seq(fx.s, CH), total, "stuck at %" PRIu64,
		     herald_sub_last_seq(fx.s, CH));
	cr_assert_eq(n_events(HERALD_SUB_SUBACK, CH), 1);
	cr_assert_eq(event(HERALD_SUB_SUBACK, CH, 0)->status, HWP_SUBACK_OK);
	expect_messages(CH, EPOCH, 1, total);
	cr_assert_eq(n_events(HERALD_SUB_GAP, 0), 0);
	cr_assert_eq(n_events(HERALD_SUB_RESET, 0), 0);
	herald_sub_get_stats(fx.s, &st);
	cr_assert_gt(st.impair.rx_dropped, 0);
	cr_assert_gt(st.impair.rx_duplicated, 0);
	cr_assert_gt(st.impair.rx_reordered, 0);
	cr_assert_gt(st.impair.tx_dropped, 0);
	cr_assert_gt(st.nacks_sent, 0);
	cr_assert_gt(st.duplicates, 0);
}

/*
 * Ten DELIVERs of one size sent as one UDP GSO datagram (UDP_SEGMENT):
 * on loopback the kernel hands a UDP_GRO socket the whole run with its
 * segment size, as GRO does for a NIC's same-flow packets, and the
 * library must split it back into ten in-order messages; without
 * UDP_GRO the kernel splits them and the result is the same.
 */
static void
send_run(uint64_t from, unsigned int n)
{
	uint8_t buf[16 * 128], payload[64];
	char ctl[CMSG_SPACE(sizeof(uint16_t))] = {0};
	struct iovec iov = {.iov_base = buf};
	struct msghdr mh = {
		.msg_name = &fx.fk.peer,
		.msg_namelen = sizeof(fx.fk.peer),
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl,
		.msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	uint16_t seg = 0;
	size_t off = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct hwp_deliver d = {
			.channel = CH,
			.seq = from + i,
			.epoch = EPOCH,
			.publisher = fake_publisher_of(from + i),
			.timestamp = fake_timestamp_of(from + i),
		};
		size_t plen = fake_payload(CH, from + i, payload);
		int len = hwp_encode_deliver(buf + off, sizeof(buf) - off, 0,
					     &d, payload, plen);

		cr_assert_gt(len, 0);
		cr_assert(seg == 0 || seg == len, "segments of one size");
		seg = (uint16_t)len;
		off += (size_t)len;
	}
	iov.iov_len = off;
	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
	memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
	cr_assert_eq(sendmsg(fx.fk.fd, &mh, 0), (ssize_t)off, "sendmsg: %s",
		     strerror(errno));
}

static void
run_of_ten(bool gro)
{
	struct herald_sub_stats st;

	fx.cfg.no_udp_gro = !gro;
	sub_open();
	live(CH, 10, EPOCH, T0);
	send_run(10, 10); /* "ch..:seq10" to "seq19": one length */
	rx(T0 + 1);
	expect_messages(CH, EPOCH, 10, 19);
	herald_sub_get_stats(fx.s, &st);
	cr_assert_eq(st.delivers_rx, 10);
	cr_assert_eq(st.rx_coalesced, gro ? 10 : 0,
		     "%" PRIu64 " datagrams read coalesced", st.rx_coalesced);
}

Test(client_sub, udp_gro_run_split_in_order)
{
	run_of_ten(true);
}

Test(client_sub, without_udp_gro_the_kernel_splits)
{
	run_of_ten(false);
}
