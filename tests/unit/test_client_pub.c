/* SPDX-License-Identifier: BSD-3-Clause
 * libherald-client's publisher against a fake Herald (client_fake.h) on
 * 127.0.0.1: its PUBLISH frames are parsed as Herald would (PROTOCOL.md
 * 4) and answered with PUBACKs built by the codec. Expectations come from
 * PROTOCOL.md 3 and 6 (Publisher sessions) and from herald/client.h.
 * Time is the test's own clock, passed to herald_pub_process. Also
 * libherald-token against the codec and against HMAC-SHA256 itself.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <sodium.h>

#include "client_fake.h"
#include "herald/client.h"
#include "herald/token.h"
#include "hwp.h"
#include "hwp_token.h"

#define MS 1000000ull
#define T0 (1000000 * MS) /* the virtual clock starts at 1000 s */

#define PUBID	   0x0b0b0001u
#define CHP	   0x00000000feed0001ull
#define CHP2	   0x00000000feed0002ull
#define INST	   0x1a000001u
#define INST2	   0x1a000002u
#define RESEND	   (20 * MS)
#define RESEND_MAX (80 * MS)

#define LOG_MAX	 1024
#define MAX_MSGS 4096

static struct {
	struct fake fk;
	struct herald_pub *p;
	struct herald_pub_config cfg;
	unsigned int n;
	struct herald_pub_event ev[LOG_MAX];
	/* What each message id was sent with. */
	uint64_t next_id;
	uint64_t channel[MAX_MSGS];
	uint16_t len[MAX_MSGS];
} fx;

static void
on_event(void *arg, const struct herald_pub_event *ev)
{
	(void)arg;
	cr_assert_lt(fx.n, LOG_MAX);
	fx.ev[fx.n++] = *ev;
}

static void
cfg_default(struct herald_pub_config *c)
{
	memset(c, 0, sizeof(*c));
	c->server = "127.0.0.1";
	c->server_port = fx.fk.port;
	c->bind_addr = "127.0.0.1";
	c->publisher_id = PUBID;
	c->resend_ns = RESEND;
	c->resend_max_ns = RESEND_MAX;
}

static void
setup(void)
{
	fake_open(&fx.fk);
	cfg_default(&fx.cfg);
	fx.next_id = 1;
}

static void
teardown(void)
{
	herald_pub_free(fx.p);
	fx.p = NULL;
	fake_close(&fx.fk);
}

TestSuite(client_pub, .init = setup, .fini = teardown, .timeout = 10);

static void
pub_open(void)
{
	fx.p = herald_pub_new(&fx.cfg, on_event, NULL);
	cr_assert_not_null(fx.p, "herald_pub_new: %s", strerror(errno));
}

static void
tick(uint64_t now)
{
	cr_assert_eq(herald_pub_process(fx.p, now), 0);
}

/* The fake's PUBACKs arrive and are processed at now. */
static void
rx(uint64_t now)
{
	cr_assert(fake_wait_fd(herald_pub_fd(fx.p), FAKE_WAIT),
		  "nothing reached the publisher");
	tick(now);
}

static void
payload_of(uint64_t id, size_t len, uint8_t *buf)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(id * 131 + i);
}

/* Queue the next message; it must get the next id. */
static void
send_msg(uint64_t channel, size_t len)
{
	uint8_t buf[HWP_MAX_PAYLOAD];
	int64_t id;

	cr_assert_lt(fx.next_id, MAX_MSGS);
	payload_of(fx.next_id, len, buf);
	id = herald_pub_send(fx.p, channel, buf, len);
	cr_assert_eq(id, (int64_t)fx.next_id, "herald_pub_send: %" PRId64, id);
	fx.channel[fx.next_id] = channel;
	fx.len[fx.next_id] = (uint16_t)len;
	fx.next_id++;
}

static void
send_n(unsigned int n, size_t len)
{
	while (n-- > 0)
		send_msg(CHP, len);
}

/* The PUBLISH frames of the last read are exactly message ids first_id ..
 * first_id + n - 1 as pub_seq first_seq.., of publisher, START on the
 * first only if start. */
static void
expect_publishes(uint32_t publisher, uint64_t first_seq, unsigned int n,
		 uint64_t first_id, bool start)
{
	uint8_t want[HWP_MAX_PAYLOAD];
	unsigned int i;

	cr_assert_eq(fake_count(&fx.fk, HWP_T_PUBLISH), n,
		     "%u PUBLISH frames, expected %u",
		     fake_count(&fx.fk, HWP_T_PUBLISH), n);
	for (i = 0; i < n; i++) {
		const struct fake_frame *ff =
			fake_nth(&fx.fk, HWP_T_PUBLISH, i);
		uint64_t id = first_id + i;

		cr_assert_eq(ff->f.u.publish.publisher, publisher,
			     "frame %u: publisher %08x", i,
			     ff->f.u.publish.publisher);
		cr_assert_eq(ff->f.u.publish.pub_seq, first_seq + i,
			     "frame %u: pub_seq %" PRIu64 ", expected %" PRIu64,
			     i, ff->f.u.publish.pub_seq, first_seq + i);
		cr_assert_eq(ff->f.flags, i == 0 && start ? HWP_F_START : 0,
			     "frame %u (pub_seq %" PRIu64 "): flags %#x", i,
			     ff->f.u.publish.pub_seq, ff->f.flags);
		cr_assert_eq(ff->f.u.publish.channel, fx.channel[id]);
		cr_assert_eq(ff->f.payload_len, fx.len[id]);
		payload_of(id, fx.len[id], want);
		cr_assert_arr_eq(ff->f.payload, want, fx.len[id],
				 "message %" PRIu64 ": payload", id);
	}
}

static void
expect_nothing(void)
{
	fake_read(&fx.fk, FAKE_QUIET);
	cr_assert_eq(fake_count(&fx.fk, HWP_T_PUBLISH), 0,
		     "%u PUBLISH frames sent, expected none",
		     fake_count(&fx.fk, HWP_T_PUBLISH));
}

static unsigned int
n_events(enum herald_pub_event_type type)
{
	unsigned int i, n = 0;

	for (i = 0; i < fx.n; i++)
		n += fx.ev[i].type == type;
	return n;
}

static const struct herald_pub_event *
last_event(enum herald_pub_event_type type)
{
	unsigned int i;

	for (i = fx.n; i-- > 0;)
		if (fx.ev[i].type == type)
			return &fx.ev[i];
	cr_assert_fail("no event %d", type);
	return NULL;
}

/* ---- sessions and numbering ---- */

Test(client_pub, first_publish_has_start_then_numbered)
{
	struct herald_pub_stats st;
	uint8_t big[HWP_MAX_PAYLOAD + 1] = {0};

	pub_open();
	cr_assert_eq(herald_pub_send(fx.p, 0, "x", 1), -EINVAL);
	cr_assert_eq(herald_pub_send(fx.p, CHP, big, sizeof(big)), -EINVAL);
	cr_assert_eq(herald_pub_pending(fx.p), 0);
	tick(T0);
	expect_nothing();

	send_msg(CHP, 0);
	send_msg(CHP2, 10);
	send_msg(CHP, 100);
	cr_assert_eq(herald_pub_pending(fx.p), 3);
	tick(T0 + 1);
	cr_assert_eq(fake_read(&fx.fk, FAKE_WAIT), 1,
		     "three small frames, "
		     "one datagram");
	expect_publishes(PUBID, 1, 3, 1, true);

	send_msg(CHP, 1400);
	send_msg(CHP2, 1);
	tick(T0 + 2);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 4, 2, 4, false);
	tick(T0 + 3);
	expect_nothing();

	herald_pub_get_stats(fx.p, &st);
	cr_assert_eq(st.sent, 5);
	cr_assert_eq(st.frames_sent, 5);
	cr_assert_eq(st.sessions, 1);
	cr_assert_eq(st.publisher_id, PUBID);
	cr_assert_eq(herald_pub_pending(fx.p), 5);
	cr_assert_eq(fx.n, 0);
}

Test(client_pub, random_publisher_id_when_not_given)
{
	struct herald_pub_stats st;
	const struct fake_frame *ff;

	fx.cfg.publisher_id = 0;
	pub_open();
	send_n(1, 8);
	tick(T0);
	fake_read(&fx.fk, FAKE_WAIT);
	ff = fake_nth(&fx.fk, HWP_T_PUBLISH, 0);
	cr_assert_not_null(ff);
	cr_assert_neq(ff->f.u.publish.publisher, 0);
	herald_pub_get_stats(fx.p, &st);
	cr_assert_eq(ff->f.u.publish.publisher, st.publisher_id);
	expect_publishes(st.publisher_id, 1, 1, 1, true);
}

Test(client_pub, frames_batched_up_to_max_datagram)
{
	const uint32_t maxdg = 1500;
	struct herald_pub_stats st;
	unsigned int i, d, nd, multi = 0;

	fx.cfg.max_datagram = maxdg;
	fx.cfg.initial_credit = 200;
	pub_open();
	for (i = 0; i < 100; i++)
		send_msg(i % 3 ? CHP : CHP2,
			 i % 25 == 0 ? HWP_MAX_PAYLOAD : (i * 97) % 301);
	tick(T0);
	nd = fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 1, 100, 1, true);
	for (d = 0; d < nd; d++) {
		unsigned int first = 0, nf = 0;

		cr_assert_leq(fx.fk.dgram_len[d], maxdg,
			      "datagram %u: %u bytes", d, fx.fk.dgram_len[d]);
		for (i = 0; i < fx.fk.n; i++)
			if (fx.fk.fr[i].dgram == d && nf++ == 0)
				first = i;
		cr_assert_gt(nf, 0);
		multi += nf > 1;
		/* Greedy: the next datagram's first frame did not fit. */
		if (d > 0)
			cr_assert_gt(fx.fk.dgram_len[d - 1] +
					     fx.fk.fr[first].f.length,
				     maxdg,
				     "datagram %u closed with room for the "
				     "next frame",
				     d - 1);
	}
	cr_assert_gt(multi, 0, "no datagram holds two frames");
	cr_assert_lt(nd, 100);
	herald_pub_get_stats(fx.p, &st);
	cr_assert_eq(st.datagrams_sent, nd);
	cr_assert_eq(st.frames_sent, 100);
}

/* ---- credit, acknowledgements, the window ---- */

Test(client_pub, no_more_than_acked_plus_credit)
{
	struct herald_pub_stats st;

	fx.cfg.initial_credit = 4;
	pub_open();
	send_n(10, 16);
	tick(T0);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 1, 4, 1, true);
	tick(T0 + 1);
	expect_nothing();

	fake_puback(&fx.fk, PUBID, INST, 1, 4);
	rx(T0 + 2);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 5, 1, 5, false);

	fake_puback(&fx.fk, PUBID, INST, 5, 2);
	rx(T0 + 3);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 6, 2, 6, false);
	tick(T0 + 4);
	expect_nothing();

	fake_puback(&fx.fk, PUBID, INST, 7, 100);
	rx(T0 + 5);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 8, 3, 8, false);
	cr_assert_eq(herald_pub_pending(fx.p), 3);
	herald_pub_get_stats(fx.p, &st);
	cr_assert_eq(st.credit, 100);
	cr_assert_eq(st.acked, 7);
	cr_assert_eq(st.instance_epoch, INST);
	cr_assert_eq(st.pubacks, 3);
}

Test(client_pub, puback_acks_and_frees_the_window)
{
	uint8_t b = 0;

	fx.cfg.window = 8;
	pub_open();
	send_n(8, 32);
	cr_assert_eq(herald_pub_send(fx.p, CHP, &b, 1), -EAGAIN);
	tick(T0);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 1, 8, 1, true);
	cr_assert_eq(herald_pub_send(fx.p, CHP, &b, 1), -EAGAIN);
	cr_assert_eq(herald_pub_pending(fx.p), 8);

	fake_puback(&fx.fk, PUBID, INST, 3, 64);
	rx(T0 + 1);
	cr_assert_eq(n_events(HERALD_PUB_ACKED), 1);
	cr_assert_eq(last_event(HERALD_PUB_ACKED)->msg_id, 3);
	cr_assert_eq(last_event(HERALD_PUB_ACKED)->publisher_id, PUBID);
	cr_assert_eq(last_event(HERALD_PUB_ACKED)->instance_epoch, INST);
	cr_assert_eq(herald_pub_pending(fx.p), 5);
	send_n(3, 32);
	cr_assert_eq(herald_pub_send(fx.p, CHP, &b, 1), -EAGAIN);
	tick(T0 + 2);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 9, 3, 9, false);

	/* A duplicate PUBACK changes nothing. */
	fake_puback(&fx.fk, PUBID, INST, 3, 64);
	rx(T0 + 3);
	cr_assert_eq(n_events(HERALD_PUB_ACKED), 1);
	fake_puback(&fx.fk, PUBID, INST, 11, 64);
	rx(T0 + 4);
	cr_assert_eq(n_events(HERALD_PUB_ACKED), 2);
	cr_assert_eq(last_event(HERALD_PUB_ACKED)->msg_id, 11);
	cr_assert_eq(herald_pub_pending(fx.p), 0);
	send_n(8, 32);
	cr_assert_eq(fx.n, 2);
}

/* ---- resends ---- */

Test(client_pub, go_back_n_after_resend_ns_with_backoff)
{
	static const uint64_t waits[] = {RESEND, 2 * RESEND, RESEND_MAX,
					 RESEND_MAX};
	uint64_t t = T0 + 5 * MS;
	struct herald_pub_stats st;
	unsigned int i;

	pub_open();
	send_n(5, 64);
	tick(T0);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 1, 5, 1, true);
	fake_puback(&fx.fk, PUBID, INST, 2, 64);
	rx(t);
	cr_assert_eq(last_event(HERALD_PUB_ACKED)->msg_id, 2);

	/* No progress since t: everything after acked_seq, again and again,
	 * backing off. */
	for (i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
		tick(t + waits[i] - 1);
		expect_nothing();
		t += waits[i];
		tick(t);
		fake_read(&fx.fk, FAKE_WAIT);
		expect_publishes(PUBID, 3, 3, 3, false);
	}
	herald_pub_get_stats(fx.p, &st);
	cr_assert_eq(st.resends, 12);
	cr_assert_eq(st.frames_sent, 17);

	fake_puback(&fx.fk, PUBID, INST, 5, 64);
	rx(t + 1);
	cr_assert_eq(last_event(HERALD_PUB_ACKED)->msg_id, 5);
	cr_assert_eq(herald_pub_pending(fx.p), 0);
	for (i = 1; i <= 20; i++)
		tick(t + i * RESEND_MAX);
	expect_nothing();
}

Test(client_pub, unacknowledged_start_is_resent_with_start)
{
	pub_open();
	send_n(3, 8);
	tick(T0);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 1, 3, 1, true);
	tick(T0 + RESEND - 1);
	expect_nothing();
	/* Herald may not know the session: the go-back opens it again. */
	tick(T0 + RESEND);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 1, 3, 1, true);
}

Test(client_pub, puback_of_zero_reopens_with_start)
{
	pub_open();
	send_n(4, 8);
	tick(T0);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 1, 4, 1, true);
	fake_puback(&fx.fk, PUBID, INST, 2, 64);
	rx(T0 + 1);
	/* Herald forgot the session: resend after acked_seq with START. */
	fake_puback(&fx.fk, PUBID, INST, 0, 64);
	rx(T0 + 2);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 3, 2, 3, true);
	cr_assert_eq(n_events(HERALD_PUB_SESSION_RESTARTED), 0);
}

/* ---- new sessions ---- */

Test(client_pub, new_instance_epoch_opens_a_new_session)
{
	const struct herald_pub_event *ev;
	struct herald_pub_stats st;
	uint32_t id2;

	pub_open();
	send_n(5, 40);
	tick(T0);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 1, 5, 1, true);
	fake_puback(&fx.fk, PUBID, INST, 2, 64);
	rx(T0 + 1);
	cr_assert_eq(last_event(HERALD_PUB_ACKED)->msg_id, 2);

	/* Herald restarted: it answers the old id with its new epoch. */
	fake_puback(&fx.fk, PUBID, INST2, 0, 64);
	rx(T0 + 2);
	cr_assert_eq(n_events(HERALD_PUB_SESSION_RESTARTED), 1);
	ev = last_event(HERALD_PUB_SESSION_RESTARTED);
	id2 = ev->publisher_id;
	cr_assert_neq(id2, 0);
	cr_assert_neq(id2, PUBID, "a new session needs a new publisher id");
	cr_assert_eq(ev->instance_epoch, INST2);
	/* Messages 3..5 again, as pub_seq 1..3 of the new session. */
	tick(T0 + 2);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(id2, 1, 3, 3, true);

	/* The old session's late PUBACK is no news. */
	fake_puback(&fx.fk, PUBID, INST, 5, 64);
	rx(T0 + 3);
	cr_assert_eq(n_events(HERALD_PUB_ACKED), 1);
	cr_assert_eq(herald_pub_pending(fx.p), 3);

	fake_puback(&fx.fk, id2, INST2, 3, 64);
	rx(T0 + 4);
	ev = last_event(HERALD_PUB_ACKED);
	cr_assert_eq(ev->msg_id, 5);
	cr_assert_eq(ev->publisher_id, id2);
	cr_assert_eq(herald_pub_pending(fx.p), 0);
	send_n(1, 4);
	tick(T0 + 5);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(id2, 4, 1, 6, false);
	herald_pub_get_stats(fx.p, &st);
	cr_assert_eq(st.sessions, 2);
	cr_assert_eq(st.publisher_id, id2);
	cr_assert_eq(st.instance_epoch, INST2);
	cr_assert_eq(st.acked, 5);
}

Test(client_pub, acked_above_sent_means_id_taken)
{
	const struct herald_pub_event *ev;
	uint32_t id2;

	pub_open();
	send_n(3, 8);
	tick(T0);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 1, 3, 1, true);
	/* Another publisher holds PUBID: its acked_seq is beyond ours. */
	fake_puback(&fx.fk, PUBID, INST, 7, 64);
	rx(T0 + 1);
	cr_assert_eq(n_events(HERALD_PUB_ACKED), 0);
	cr_assert_eq(n_events(HERALD_PUB_SESSION_RESTARTED), 1);
	ev = last_event(HERALD_PUB_SESSION_RESTARTED);
	id2 = ev->publisher_id;
	cr_assert_neq(id2, PUBID);
	cr_assert_neq(id2, 0);
	tick(T0 + 1);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(id2, 1, 3, 1, true);
	cr_assert_eq(herald_pub_pending(fx.p), 3);
	fake_puback(&fx.fk, id2, INST, 3, 64);
	rx(T0 + 2);
	cr_assert_eq(last_event(HERALD_PUB_ACKED)->msg_id, 3);
}

Test(client_pub, credit_zero_pauses_then_probes)
{
	struct herald_pub_stats st;
	uint64_t t1 = T0 + 5 * MS, t2;

	pub_open();
	send_n(2, 8);
	tick(T0);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 1, 2, 1, true);
	fake_puback(&fx.fk, PUBID, INST, 2, 0);
	rx(t1);
	cr_assert_eq(last_event(HERALD_PUB_ACKED)->msg_id, 2);

	send_n(3, 8);
	tick(t1);
	tick(t1 + RESEND - 1);
	expect_nothing();
	/* After the resend timeout, one frame asks for credit. */
	tick(t1 + RESEND);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 3, 1, 3, false);
	tick(t1 + RESEND + 1);
	expect_nothing();

	t2 = t1 + RESEND + 2;
	fake_puback(&fx.fk, PUBID, INST, 3, 0);
	rx(t2);
	cr_assert_eq(last_event(HERALD_PUB_ACKED)->msg_id, 3);
	tick(t2 + RESEND - 1);
	expect_nothing();
	tick(t2 + RESEND);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 4, 1, 4, false);

	fake_puback(&fx.fk, PUBID, INST, 4, 10);
	rx(t2 + RESEND + 1);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 5, 1, 5, false);
	herald_pub_get_stats(fx.p, &st);
	cr_assert_gt(st.credit_stalls, 0);
	cr_assert_eq(st.credit, 10);
}

/*
 * Herald took 1..8, but its PUBACK for 3..8 was lost and the one before
 * said credit 0. The probe (pub_seq 3) is a duplicate, answered with
 * acked_seq 8: not above anything sent, so the same session.
 */
Test(client_pub, late_puback_after_a_go_back_is_the_same_session)
{
	struct herald_pub_stats st;
	uint64_t t1 = T0 + 5 * MS;
	unsigned int i;

	fx.cfg.initial_credit = 8;
	pub_open();
	send_n(8, 8);
	tick(T0);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 1, 8, 1, true);
	fake_puback(&fx.fk, PUBID, INST, 2, 0);
	rx(t1);
	tick(t1 + RESEND);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 3, 1, 3, false);

	fake_puback(&fx.fk, PUBID, INST, 8, 8);
	rx(t1 + RESEND + 1);
	cr_assert_eq(n_events(HERALD_PUB_SESSION_RESTARTED), 0,
		     "a PUBACK within what was sent opened a new session");
	cr_assert_eq(last_event(HERALD_PUB_ACKED)->msg_id, 8);
	cr_assert_eq(herald_pub_pending(fx.p), 0);
	for (i = 1; i <= 20; i++)
		tick(t1 + RESEND + i * RESEND_MAX);
	expect_nothing();
	send_n(1, 8);
	tick(t1 + 30 * RESEND_MAX);
	fake_read(&fx.fk, FAKE_WAIT);
	expect_publishes(PUBID, 9, 1, 9, false);
	herald_pub_get_stats(fx.p, &st);
	cr_assert_eq(st.sessions, 1);
}

/* ---- the seeded impairment hook ---- */

static void
impaired_run(uint64_t seed, struct herald_impair_stats *st,
	     unsigned int *received)
{
	struct herald_pub_stats ps;
	unsigned int r;

	if (fx.p != NULL) {
		herald_pub_free(fx.p);
		fx.p = NULL;
		fake_close(&fx.fk);
		fake_open(&fx.fk);
		cfg_default(&fx.cfg);
		fx.next_id = 1;
	}
	fx.cfg.initial_credit = 1000;
	fx.cfg.impair.seed = seed;
	fx.cfg.impair.tx_loss = 0.2;
	fx.cfg.impair.tx_dup = 0.1;
	fx.cfg.impair.tx_reorder = 0.1;
	pub_open();
	*received = 0;
	/* 200 datagrams of one frame each, the same every run. */
	for (r = 0; r < 5; r++) {
		send_n(40, HWP_MAX_PAYLOAD);
		tick(T0);
		*received += fake_read(&fx.fk, FAKE_WAIT);
	}
	herald_pub_get_stats(fx.p, &ps);
	cr_assert_eq(ps.datagrams_sent, 200);
	*st = ps.impair;
	cr_assert_leq(*received, 200 - st->tx_dropped + st->tx_duplicated);
}

Test(client_pub, impairment_same_seed_same_stats)
{
	struct herald_impair_stats a, b, c;
	unsigned int ra, rb, rc;

	impaired_run(77, &a, &ra);
	impaired_run(77, &b, &rb);
	impaired_run(78, &c, &rc);
	cr_assert(a.tx_dropped > 20 && a.tx_dropped < 70, "dropped %" PRIu64,
		  a.tx_dropped);
	cr_assert_gt(a.tx_duplicated, 0);
	cr_assert_gt(a.tx_reordered, 0);
	cr_assert_eq(a.rx_dropped + a.rx_duplicated + a.rx_reordered, 0);
	cr_assert_eq(a.tx_dropped, b.tx_dropped);
	cr_assert_eq(a.tx_duplicated, b.tx_duplicated);
	cr_assert_eq(a.tx_reordered, b.tx_reordered);
	cr_assert_eq(ra, rb);
	cr_assert(a.tx_dropped != c.tx_dropped ||
			  a.tx_duplicated != c.tx_duplicated ||
			  a.tx_reordered != c.tx_reordered,
		  "another seed, the same draws");
}

/* ---- libherald-token ---- */

/* PROTOCOL.md 5 by hand: HMAC-SHA256 over the fields, big-endian. */
static void
token_by_hand(const uint8_t *key, size_t key_len, uint64_t channel,
	      uint32_t subscriber, uint64_t expires, uint32_t addr,
	      uint16_t port, uint8_t out[32])
{
	crypto_auth_hmacsha256_state st;
	uint8_t msg[HWP_TOKEN_MSG_LEN] = "HWP1-SUB";

	hwp_put64(msg + 8, channel);
	hwp_put32(msg + 16, subscriber);
	hwp_put64(msg + 20, expires);
	memset(msg + 28, 0, 10);
	msg[38] = 0xff;
	msg[39] = 0xff;
	hwp_put32(msg + 40, addr);
	hwp_put16(msg + 44, port);
	crypto_auth_hmacsha256_init(&st, key, key_len);
	crypto_auth_hmacsha256_update(&st, msg, sizeof(msg));
	crypto_auth_hmacsha256_final(&st, out);
}

Test(client_pub, token_mint_matches_the_codec_and_section_5)
{
	static const struct {
		size_t key_len;
		uint64_t channel;
		uint32_t subscriber;
		uint64_t expires;
		uint32_t addr;
		uint16_t port;
	} cases[] = {
		{16, 1, 1, 0, 0x7f000001, 1},
		{32, 0x0123456789abcdefull, 0xdeadbeef, 4102444800ull,
		 0xc6120002, 40000},
		{64, UINT64_MAX, UINT32_MAX, UINT64_MAX, 0xffffffff, 65535},
		{20, 42, 7, 1700000000, 0x0a000001, 7700},
	};
	uint8_t key[64], a[32], b[32], c[32];
	unsigned int i;

	cr_assert_geq(sodium_init(), 0);
	for (i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 13 + 5);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(herald_token_mint(
				     key, cases[i].key_len, cases[i].channel,
				     cases[i].subscriber, cases[i].expires,
				     cases[i].addr, cases[i].port, a),
			     0);
		cr_assert_eq(hwp_token_compute(
				     key, cases[i].key_len, cases[i].channel,
				     cases[i].subscriber, cases[i].expires,
				     cases[i].addr, cases[i].port, b),
			     0);
		token_by_hand(key, cases[i].key_len, cases[i].channel,
			      cases[i].subscriber, cases[i].expires,
			      cases[i].addr, cases[i].port, c);
		cr_assert_arr_eq(a, b, 32, "case %u: mint != codec", i);
		cr_assert_arr_eq(a, c, 32, "case %u: mint != section 5", i);
		cr_assert(hwp_token_verify(
			key, cases[i].key_len, cases[i].channel,
			cases[i].subscriber, cases[i].expires, cases[i].addr,
			cases[i].port, a));
		/* The endpoint is bound: another port, another token. */
		cr_assert_eq(
			herald_token_mint(key, cases[i].key_len,
					  cases[i].channel, cases[i].subscriber,
					  cases[i].expires, cases[i].addr,
					  (uint16_t)(cases[i].port + 1), b),
			0);
		cr_assert(memcmp(a, b, 32) != 0);
	}
	cr_assert_eq(herald_token_mint(key, 15, 1, 1, 1, 1, 1, a), -EINVAL);
	cr_assert_eq(herald_token_mint(key, 65, 1, 1, 1, 1, 1, a), -EINVAL);
	cr_assert_eq(herald_token_key_from_hex(
			     "000102030405060708090a0b0c0d0e0f", key, 64),
		     16);
	for (i = 0; i < 16; i++)
		cr_assert_eq(key[i], i);
	cr_assert_eq(herald_token_key_from_hex("0001", key, 64), -EINVAL);
	cr_assert_eq(herald_token_key_from_hex(
			     "zz0102030405060708090a0b0c0d0e0f", key, 64),
		     -EINVAL);
}
