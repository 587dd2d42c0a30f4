/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests of lib/subtab: readers on another lcore, in the style of DPDK's
 * app/test/test_rcu_qsbr.c: a slow reader, and an RCU stress test (reader
 * on lcore 1, writer on the main lcore).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "subtab.h"
#include "ut_eal.h"
#include "subtab_ut.h"

static void stress_stop(void);

static void
rcu_up(void)
{
	subtab_ut_before_down = stress_stop;
	subtab_ut_up();
}

TestSuite(subtab, .init = rcu_up, .fini = subtab_ut_down, .timeout = 60);

/* reclaim_all: a reader on lcore 1 holds a snapshot for a while. */
struct slow_reader {
	const struct subtab_channel *seen;
	volatile int holding;
	volatile int released;
	int intact;
};

static int
slow_reader_main(void *arg)
{
	struct slow_reader *r = arg;
	const unsigned int id = 1;

	rte_rcu_qsbr_thread_register(qsv, id);
	rte_rcu_qsbr_thread_online(qsv, id);
	r->seen = subtab_lookup(tab, 11);
	__atomic_store_n(&r->holding, 1, __ATOMIC_RELEASE);
	rte_delay_ms(200);
	r->intact = r->seen != NULL && snap_ok(r->seen, 11, 4);
	__atomic_store_n(&r->released, 1, __ATOMIC_RELEASE);
	rte_rcu_qsbr_quiescent(qsv, id);
	rte_rcu_qsbr_thread_offline(qsv, id);
	rte_rcu_qsbr_thread_unregister(qsv, id);
	return 0;
}

Test(subtab, reclaim_all_waits_for_reader)
{
	struct slow_reader r = {0};
	struct freed_log fl = {0};
	struct subtab_stats st;

	tab = mk_table(4, 4);
	subtab_set_free_hook(tab, log_free, &fl);
	cr_assert_eq(add(11, 1, 1, 1), 0);
	cr_assert_eq(rte_eal_remote_launch(slow_reader_main, &r, READER_LCORE),
		     0);
	while (__atomic_load_n(&r.holding, __ATOMIC_ACQUIRE) == 0)
		rte_pause();
	cr_assert_eq(add(11, 1, 1, 1), 1);
	cr_assert_eq(subtab_reclaim(tab), 1);
	subtab_reclaim_all(tab);
	/* Returned only after the reader was done with the array. */
	cr_assert_eq(__atomic_load_n(&r.released, __ATOMIC_ACQUIRE), 1);
	cr_assert_eq(fl.n, 1);
	cr_assert_eq(fl.last, r.seen);
	cr_assert_eq(rte_eal_wait_lcore(READER_LCORE), 0);
	cr_assert(r.intact, "reader saw its array change");
	subtab_get_stats(tab, &st);
	cr_assert_eq(st.retired, st.reclaimed);
}

/* ---------- RCU stress ---------- */

#define ST_CHANNELS 8
#define ST_MEMBERS  12
#define ST_SUBS	    20 /* subscriber ids drawn from 1..ST_SUBS */
#define ST_SECONDS  2
#define ST_MAX_OPS  3000000

struct stress {
	/* Reader -> writer: the array the reader is inside, if any. */
	const struct subtab_channel *volatile held;
	volatile int stop;
	/* Reader's counters (read by the main lcore after the join). */
	uint64_t loops, checked, members, bad, overlap;
	/* Writer's counters. */
	uint64_t freed, violations;
};

static struct stress S;

static void
stress_stop(void)
{
	__atomic_store_n(&S.stop, 1, __ATOMIC_RELEASE);
}

static int
stress_reader(void *arg)
{
	const unsigned int id = 1;
	const struct subtab_channel *c;
	uint64_t ch;
	uint32_t i;

	(void)arg;
	rte_rcu_qsbr_thread_register(qsv, id);
	rte_rcu_qsbr_thread_online(qsv, id);
	while (!__atomic_load_n(&S.stop, __ATOMIC_ACQUIRE)) {
		for (ch = 1; ch <= ST_CHANNELS; ch++) {
			c = subtab_lookup(tab, ch);
			if (c == NULL)
				continue;
			/* Inside the critical section with c. */
			__atomic_store_n(&S.held, c, __ATOMIC_SEQ_CST);
			if (!snap_ok(c, ch, ST_MEMBERS))
				S.bad++;
			for (i = 0; i < c->n_members && i < ST_MEMBERS; i++)
				S.members += c->members[i].udp_port != 0;
			/* Was the array replaced while we walked it? */
			if (subtab_lookup(tab, ch) != c)
				S.overlap++;
			/* Re-check after the overlap: still intact. */
			if (!snap_ok(c, ch, ST_MEMBERS))
				S.bad++;
			__atomic_store_n(&S.held, NULL, __ATOMIC_RELEASE);
			S.checked++;
		}
		rte_rcu_qsbr_quiescent(qsv, id);
		S.loops++;
	}
	rte_rcu_qsbr_thread_offline(qsv, id);
	rte_rcu_qsbr_thread_unregister(qsv, id);
	return 0;
}

/* Writer side, right before the array is freed: the reader must not be
 * inside it; then poison it so a late reader would notice. */
static void
stress_free_hook(struct subtab_channel *c, void *arg)
{
	(void)arg;
	if (__atomic_load_n(&S.held, __ATOMIC_SEQ_CST) == c)
		S.violations++;
	memset(c, POISON,
	       sizeof(*c) + (size_t)c->n_members * sizeof(c->members[0]));
	S.freed++;
}

/* The writer's model of the table: key list per channel, in order. */
struct model_member {
	uint32_t sub, ip;
	uint16_t port;
};

struct model {
	uint32_t n[ST_CHANNELS + 1];
	struct model_member m[ST_CHANNELS + 1][ST_MEMBERS];
};

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint32_t
rng(uint32_t bound)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % bound);
}

static int
model_find(const struct model *md, uint64_t ch, uint32_t sub, uint32_t ip,
	   uint16_t port)
{
	uint32_t i;

	for (i = 0; i < md->n[ch]; i++)
		if (md->m[ch][i].sub == sub && md->m[ch][i].ip == ip &&
		    md->m[ch][i].port == port)
			return (int)i;
	return -1;
}

static void
model_remove(struct model *md, uint64_t ch, uint32_t i)
{
	memmove(&md->m[ch][i], &md->m[ch][i + 1],
		(md->n[ch] - i - 1) * sizeof(md->m[ch][0]));
	md->n[ch]--;
}

/* Endpoints come from a small set so that del_endpoint hits often. */
static void
random_key(uint32_t *sub, uint32_t *ip, uint16_t *port)
{
	*sub = 1 + rng(ST_SUBS);
	*ip = 0x0a000000 + rng(4);
	*port = (uint16_t)(5000 + rng(3));
}

static void
stress_op(struct model *md)
{
	uint64_t ch = 1 + rng(ST_CHANNELS);
	uint32_t op = rng(100), sub, ip, i, before;
	uint16_t port;
	int ret, idx;

	random_key(&sub, &ip, &port);
	if (op < 55) {
		idx = model_find(md, ch, sub, ip, port);
		ret = add(ch, sub, ip, port);
		if (idx >= 0) {
			cr_assert_eq(ret, 1);
		} else if (md->n[ch] == ST_MEMBERS) {
			cr_assert_eq(ret, -ENOSPC);
		} else {
			cr_assert_eq(ret, 0);
			md->m[ch][md->n[ch]++] =
				(struct model_member){sub, ip, port};
		}
	} else if (op < 95) {
		/* Mostly delete an existing member, sometimes a missing one. */
		if (md->n[ch] > 0 && op < 90) {
			i = rng(md->n[ch]);
			sub = md->m[ch][i].sub;
			ip = md->m[ch][i].ip;
			port = md->m[ch][i].port;
		}
		idx = model_find(md, ch, sub, ip, port);
		ret = subtab_del(tab, ch, sub, ip, port);
		cr_assert_eq(ret, idx >= 0 ? 0 : -ENOENT);
		if (idx >= 0)
			model_remove(md, ch, (uint32_t)idx);
	} else {
		before = 0;
		for (ch = 1; ch <= ST_CHANNELS; ch++) {
			for (i = md->n[ch]; i-- > 0;) {
				if (md->m[ch][i].ip == ip &&
				    md->m[ch][i].port == port) {
					model_remove(md, ch, i);
					before++;
				}
			}
		}
		cr_assert_eq(subtab_del_endpoint(tab, ip, port), (int)before);
	}
}

static void
model_check(const struct model *md)
{
	const struct subtab_channel *c;
	uint64_t ch;
	uint32_t i;

	for (ch = 1; ch <= ST_CHANNELS; ch++) {
		c = subtab_lookup(tab, ch);
		if (md->n[ch] == 0) {
			cr_assert_null(c);
			continue;
		}
		cr_assert_not_null(c);
		cr_assert_eq(c->n_members, md->n[ch]);
		for (i = 0; i < md->n[ch]; i++) {
			cr_assert_eq(c->members[i].subscriber,
				     md->m[ch][i].sub);
			cr_assert_eq(c->members[i].ip, md->m[ch][i].ip);
			cr_assert_eq(c->members[i].udp_port, md->m[ch][i].port);
		}
		cr_assert(snap_ok(c, ch, ST_MEMBERS));
	}
}

Test(subtab, rcu_stress_reader_never_sees_freed_array, .timeout = 60)
{
	static struct model md;
	struct subtab_stats st;
	uint64_t deadline, ops = 0;

	memset(&S, 0, sizeof(S));
	tab = mk_table(ST_CHANNELS, ST_MEMBERS);
	subtab_set_free_hook(tab, stress_free_hook, NULL);
	cr_assert_eq(rte_eal_remote_launch(stress_reader, NULL, READER_LCORE),
		     0);

	deadline = rte_get_timer_cycles() + ST_SECONDS * rte_get_timer_hz();
	while (ops < ST_MAX_OPS && rte_get_timer_cycles() < deadline) {
		stress_op(&md);
		ops++;
		if ((ops & 63) == 0) {
			subtab_reclaim(tab);
			model_check(&md);
		}
	}
	__atomic_store_n(&S.stop, 1, __ATOMIC_RELEASE);
	cr_assert_eq(rte_eal_wait_lcore(READER_LCORE), 0);
	subtab_reclaim_all(tab);
	model_check(&md);

	subtab_get_stats(tab, &st);
	cr_log_info("stress: %" PRIu64 " ops, %" PRIu64 " arrays freed, "
		    "reader %" PRIu64 " loops %" PRIu64 " snapshots %" PRIu64
		    " replaced mid-walk",
		    ops, S.freed, S.loops, S.checked, S.overlap);
	cr_assert_eq(S.violations, 0, "array freed while reader inside it");
	cr_assert_eq(S.bad, 0, "reader saw %" PRIu64 " corrupt snapshots",
		     S.bad);
	cr_assert_geq(S.freed, 1000, "only %" PRIu64 " arrays freed", S.freed);
	cr_assert_eq(st.retired, st.reclaimed);
	cr_assert_eq(st.reclaimed, S.freed);
	cr_assert_gt(S.checked, 1000, "reader barely ran");
	cr_assert_gt(S.overlap, 0, "reader never raced a writer");
}
