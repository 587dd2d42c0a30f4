/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests of lib/subtab: semantics, limits and reclaim.
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

TestSuite(subtab, .init = subtab_ut_up, .fini = subtab_ut_down, .timeout = 60);

/* ---------- semantics ---------- */

Test(subtab, create_rejects_bad_params)
{
	struct subtab_params p = {
		.name = "bad",
		.max_channels = 4,
		.max_members = 4,
		.socket_id = SOCKET_ID_ANY,
		.qsv = NULL,
	};

	cr_assert_null(subtab_create(&p));
	cr_assert_eq(rte_errno, EINVAL);
	p.qsv = qsv;
	p.max_channels = 0;
	cr_assert_null(subtab_create(&p));
	p.max_channels = 4;
	p.max_members = 0;
	cr_assert_null(subtab_create(&p));
	cr_assert_null(subtab_create(NULL));
	p.max_members = 4;
	tab = subtab_create(&p);
	cr_assert_not_null(tab);
	/* The name is a label only (no named DPDK object behind it). */
	{
		struct subtab *again = subtab_create(&p);

		cr_assert_not_null(again);
		subtab_free(again);
	}
}

Test(subtab, add_replace_del)
{
	const struct subtab_channel *c, *c1;
	struct subtab_member m;
	struct subtab_stats st;

	tab = mk_table(8, 8);
	cr_assert_null(subtab_lookup(tab, 7));
	cr_assert_eq(add(7, 100, 0x0a000001, 5000), 0);
	c1 = subtab_lookup(tab, 7);
	cr_assert_not_null(c1);
	cr_assert_eq(c1->n_members, 1);
	cr_assert_eq(c1->channel, 7);

	/* Same key (subscriber, ip, port): replaced in place. */
	m = mk_member(7, 100, 0x0a000001, 5000);
	m.mac.addr_bytes[1] = 0xee;
	cr_assert_eq(subtab_add(tab, 7, &m), 1);
	c = subtab_lookup(tab, 7);
	cr_assert_neq(c, c1, "a replace must publish a new array");
	cr_assert_eq(c->n_members, 1);
	cr_assert_eq(c->members[0].mac.addr_bytes[1], 0xee);
	cr_assert_gt(c->version, c1->version);

	/* Any key field differing makes a new member. */
	cr_assert_eq(add(7, 100, 0x0a000001, 5001), 0);
	cr_assert_eq(add(7, 100, 0x0a000002, 5000), 0);
	cr_assert_eq(add(7, 101, 0x0a000001, 5000), 0);
	cr_assert_eq(subtab_lookup(tab, 7)->n_members, 4);

	/* Bad arguments. */
	cr_assert_eq(add(0, 1, 1, 1), -EINVAL);
	cr_assert_eq(add(7, 0, 1, 1), -EINVAL);
	cr_assert_eq(subtab_add(tab, 7, NULL), -EINVAL);

	/* Deleting needs the exact key. */
	cr_assert_eq(subtab_del(tab, 7, 100, 0x0a000001, 4999), -ENOENT);
	cr_assert_eq(subtab_del(tab, 7, 102, 0x0a000001, 5000), -ENOENT);
	cr_assert_eq(subtab_del(tab, 8, 100, 0x0a000001, 5000), -ENOENT);
	cr_assert_eq(subtab_del(tab, 7, 100, 0x0a000001, 5000), 0);
	cr_assert_eq(subtab_del(tab, 7, 100, 0x0a000001, 5000), -ENOENT);
	cr_assert_eq(subtab_del(tab, 7, 100, 0x0a000001, 5001), 0);
	cr_assert_eq(subtab_del(tab, 7, 100, 0x0a000002, 5000), 0);
	cr_assert_eq(subtab_lookup(tab, 7)->n_members, 1);
	/* The last member takes the channel with it. */
	cr_assert_eq(subtab_del(tab, 7, 101, 0x0a000001, 5000), 0);
	cr_assert_null(subtab_lookup(tab, 7));
	cr_assert_eq(subtab_del(tab, 7, 101, 0x0a000001, 5000), -ENOENT);

	subtab_get_stats(tab, &st);
	cr_assert_eq(st.channels, 0);
	cr_assert_eq(st.members, 0);
	cr_assert_eq(st.adds, 4);
	cr_assert_eq(st.replaces, 1);
	cr_assert_eq(st.dels, 4);
	cr_assert_eq(st.full, 0);

	/* A channel can come back after it emptied. */
	cr_assert_eq(add(7, 5, 6, 7), 0);
	expect_subs(7, (uint32_t[]){5}, 1);
}

Test(subtab, versions_increase_on_every_change)
{
	uint32_t v1, v2, v3;

	tab = mk_table(4, 4);
	cr_assert_eq(add(1, 1, 1, 1), 0);
	v1 = subtab_lookup(tab, 1)->version;
	cr_assert_eq(add(1, 2, 1, 1), 0);
	v2 = subtab_lookup(tab, 1)->version;
	cr_assert_eq(subtab_del(tab, 1, 1, 1, 1), 0);
	v3 = subtab_lookup(tab, 1)->version;
	cr_assert(v1 < v2 && v2 < v3, "%u %u %u", v1, v2, v3);
	/* A failed change leaves the version alone. */
	cr_assert_eq(subtab_del(tab, 1, 9, 9, 9), -ENOENT);
	cr_assert_eq(subtab_lookup(tab, 1)->version, v3);
}

Test(subtab, member_limit_keeps_state)
{
	const struct subtab_channel *before;
	struct subtab_stats st;
	uint32_t i;

	tab = mk_table(4, 4);
	for (i = 1; i <= 4; i++)
		cr_assert_eq(add(3, i, 0x0a000000 + i, 4000), 0);
	before = subtab_lookup(tab, 3);
	cr_assert_eq(add(3, 5, 0x0a000005, 4000), -ENOSPC);
	cr_assert_eq(add(3, 6, 0x0a000006, 4000), -ENOSPC);
	/* Nothing was published: same array, same content. */
	cr_assert_eq(subtab_lookup(tab, 3), before);
	expect_subs(3, (uint32_t[]){1, 2, 3, 4}, 4);
	/* Replacing an existing member of a full channel is allowed. */
	cr_assert_eq(add(3, 2, 0x0a000002, 4000), 1);
	expect_subs(3, (uint32_t[]){1, 2, 3, 4}, 4);
	/* Room again after a delete. */
	cr_assert_eq(subtab_del(tab, 3, 1, 0x0a000001, 4000), 0);
	cr_assert_eq(add(3, 5, 0x0a000005, 4000), 0);
	expect_subs(3, (uint32_t[]){2, 3, 4, 5}, 4);

	subtab_get_stats(tab, &st);
	cr_assert_eq(st.full, 2);
	cr_assert_eq(st.members, 4);
}

Test(subtab, channel_limit_keeps_state)
{
	struct subtab_stats st;
	uint64_t ch;

	tab = mk_table(3, 4);
	for (ch = 1; ch <= 3; ch++)
		cr_assert_eq(add(ch, 1, 1, 1), 0);
	cr_assert_eq(add(4, 1, 1, 1), -ENOSPC);
	cr_assert_null(subtab_lookup(tab, 4));
	/* Existing channels still accept members when the table is full. */
	cr_assert_eq(add(2, 2, 2, 2), 0);
	expect_subs(1, (uint32_t[]){1}, 1);
	expect_subs(2, (uint32_t[]){1, 2}, 2);
	expect_subs(3, (uint32_t[]){1}, 1);
	subtab_get_stats(tab, &st);
	cr_assert_eq(st.channels, 3);
	cr_assert_eq(st.full, 1);

	cr_assert_eq(subtab_del(tab, 1, 1, 1, 1), 0);
	cr_assert_eq(add(4, 1, 1, 1), 0);
	expect_subs(4, (uint32_t[]){1}, 1);
	cr_assert_eq(add(1, 1, 1, 1), -ENOSPC);
	cr_assert_eq(subtab_del(tab, 4, 1, 1, 1), 0);

	/* Heavy channel churn with no reader online never looks full. */
	for (ch = 100; ch < 1100; ch++) {
		cr_assert_eq(add(ch, 1, 1, 1), 0, "churn %" PRIu64, ch);
		cr_assert_eq(subtab_del(tab, ch, 1, 1, 1), 0);
	}
	subtab_get_stats(tab, &st);
	cr_assert_eq(st.channels, 2);
	cr_assert_eq(st.full, 2);
}

Test(subtab, churn_with_stalled_reader_fails_cleanly)
{
	bool del_refused = false;
	uint64_t ch;
	int ret = 0;

	/*
	 * A reader that never reports quiescent pins everything retired
	 * after it went online: past max_retired objects the table must
	 * refuse changes with -ENOSPC (not crash, not grow without end),
	 * and recover once the reader moves on.
	 */
	tab = mk_table_retired(2, 2, 64);
	cr_assert_eq(rte_rcu_qsbr_thread_register(qsv, 0), 0);
	rte_rcu_qsbr_thread_online(qsv, 0);
	for (ch = 1; ch < 1000; ch++) {
		ret = add(ch, 1, 1, 1);
		if (ret != 0)
			break;
		ret = subtab_del(tab, ch, 1, 1, 1);
		if (ret != 0) {
			del_refused = true;
			break;
		}
	}
	cr_assert_eq(ret, -ENOSPC);
	cr_assert_lt(ch, 64, "refused only once max_retired is reached");
	/* The refused change left the table as it was. */
	if (del_refused) {
		expect_subs(ch, (uint32_t[]){1}, 1);
		rte_rcu_qsbr_quiescent(qsv, 0);
		cr_assert_eq(subtab_del(tab, ch, 1, 1, 1), 0);
		cr_assert_null(subtab_lookup(tab, ch));
	} else {
		cr_assert_null(subtab_lookup(tab, ch));
		rte_rcu_qsbr_quiescent(qsv, 0);
	}
	cr_assert_eq(add(ch, 1, 1, 1), 0);
	expect_subs(ch, (uint32_t[]){1}, 1);
	rte_rcu_qsbr_thread_offline(qsv, 0);
	rte_rcu_qsbr_thread_unregister(qsv, 0);
}

/*
 * Defect 11 of the hardening issue: with max_channels = 2, 600 cycles of
 * add/del on new channels were refused as "table full" 1 to 278 times a
 * run (deleted hash key slots waiting for their grace period counted
 * against the limit). Limits count live state only: never refused,
 * whether the reader reports between changes or not at all (within
 * max_retired).
 */
Test(subtab, churn_of_new_channels_never_full)
{
	struct subtab_stats st;
	uint64_t ch;

	tab = mk_table(2, 2);
	cr_assert_eq(rte_rcu_qsbr_thread_register(qsv, 0), 0);
	rte_rcu_qsbr_thread_online(qsv, 0);
	cr_assert_eq(add(1000000, 9, 9, 9), 0);
	for (ch = 1; ch <= 600; ch++) {
		cr_assert_eq(add(ch, 1, 1, 1), 0, "cycle %lu",
			     (unsigned long)ch);
		cr_assert_eq(subtab_del(tab, ch, 1, 1, 1), 0);
		if (ch % 2 == 0)
			rte_rcu_qsbr_quiescent(qsv, 0);
	}
	/* And with the reader silent for the whole run. */
	for (ch = 601; ch <= 1200; ch++) {
		cr_assert_eq(add(ch, 1, 1, 1), 0, "cycle %lu",
			     (unsigned long)ch);
		cr_assert_eq(subtab_del(tab, ch, 1, 1, 1), 0);
	}
	subtab_get_stats(tab, &st);
	cr_assert_eq(st.full, 0);
	cr_assert_eq(st.channels, 1);
	/* Still a limit of live channels: two fit, a third does not. */
	cr_assert_eq(add(5, 1, 1, 1), 0);
	cr_assert_eq(add(6, 1, 1, 1), -ENOSPC);
	rte_rcu_qsbr_thread_offline(qsv, 0);
	rte_rcu_qsbr_thread_unregister(qsv, 0);
}

/* One change for a whole membership (the control thread's batches). */
Test(subtab, set_replaces_membership_in_one_change)
{
	static struct subtab_member many[3000];
	const struct subtab_channel *c;
	struct subtab_stats st;
	uint32_t i;

	tab = mk_table(4, 4000);
	for (i = 0; i < RTE_DIM(many); i++) {
		memset(&many[i], 0, sizeof(many[i]));
		many[i].subscriber = i + 1;
		many[i].ip = 0x0a000000 + i;
		many[i].udp_port = 4000;
	}
	cr_assert_eq(add(7, 1, 1, 1), 0);
	cr_assert_eq(subtab_set(tab, 7, many, RTE_DIM(many)), 0);
	c = subtab_lookup(tab, 7);
	cr_assert_not_null(c);
	cr_assert_eq(c->n_members, RTE_DIM(many));
	cr_assert_eq(c->members[2999].subscriber, 3000);
	subtab_get_stats(tab, &st);
	cr_assert_eq(st.members, RTE_DIM(many));
	/* add() created the array, set() replaced it: one retired. */
	cr_assert_eq(st.retired, 1, "one retired array per change");
	cr_assert_eq(subtab_set(tab, 7, many, 2), 0);
	cr_assert_eq(subtab_lookup(tab, 7)->n_members, 2);
	cr_assert_eq(subtab_set(tab, 7, NULL, 0), 0);
	cr_assert_null(subtab_lookup(tab, 7));
	subtab_get_stats(tab, &st);
	cr_assert_eq(st.members, 0);
	cr_assert_eq(st.channels, 0);
	cr_assert_eq(subtab_set(tab, 8, many, 4001), -ENOSPC);
}

Test(subtab, refill_churn_with_stalled_reader_never_full)
{
	unsigned int i;

	/* Emptying and refilling the same channels needs no new hash
	 * slots, however long readers take to report. */
	tab = mk_table(2, 2);
	cr_assert_eq(rte_rcu_qsbr_thread_register(qsv, 0), 0);
	rte_rcu_qsbr_thread_online(qsv, 0);
	cr_assert_eq(add(1, 9, 9, 9), 0);
	for (i = 0; i < 5000; i++) {
		cr_assert_eq(add(2, 1, 1, 1), 0, "round %u", i);
		cr_assert_eq(subtab_del(tab, 2, 1, 1, 1), 0);
		cr_assert_null(subtab_lookup(tab, 2));
	}
	cr_assert_eq(subtab_reclaim(tab), 5000);
	rte_rcu_qsbr_quiescent(qsv, 0);
	cr_assert_eq(subtab_reclaim(tab), 0);
	rte_rcu_qsbr_thread_offline(qsv, 0);
	rte_rcu_qsbr_thread_unregister(qsv, 0);
}

Test(subtab, insertion_order_kept)
{
	uint32_t i;

	tab = mk_table(4, 16);
	for (i = 1; i <= 6; i++)
		cr_assert_eq(add(9, i, 0x0a000000 + i, 7000), 0);
	cr_assert_eq(subtab_del(tab, 9, 2, 0x0a000002, 7000), 0);
	cr_assert_eq(subtab_del(tab, 9, 5, 0x0a000005, 7000), 0);
	expect_subs(9, (uint32_t[]){1, 3, 4, 6}, 4);
	cr_assert_eq(add(9, 7, 0x0a000007, 7000), 0);
	expect_subs(9, (uint32_t[]){1, 3, 4, 6, 7}, 5);
	/* A replace keeps the member's slot. */
	cr_assert_eq(add(9, 3, 0x0a000003, 7000), 1);
	expect_subs(9, (uint32_t[]){1, 3, 4, 6, 7}, 5);
	cr_assert_eq(subtab_del(tab, 9, 1, 0x0a000001, 7000), 0);
	cr_assert_eq(subtab_del(tab, 9, 7, 0x0a000007, 7000), 0);
	expect_subs(9, (uint32_t[]){3, 4, 6}, 3);
	/* Re-adding a removed member appends it. */
	cr_assert_eq(add(9, 1, 0x0a000001, 7000), 0);
	expect_subs(9, (uint32_t[]){3, 4, 6, 1}, 4);
}

Test(subtab, del_endpoint_across_channels)
{
	const uint32_t e_ip = 0xc0a80001, o_ip = 0xc0a80002;
	const uint16_t e_port = 9000;
	struct subtab_stats st;

	tab = mk_table(8, 8);
	/* Channel 1: the endpoint twice (two sessions) among others. */
	cr_assert_eq(add(1, 1, o_ip, e_port), 0);
	cr_assert_eq(add(1, 2, e_ip, e_port), 0);
	cr_assert_eq(add(1, 3, o_ip, 9001), 0);
	cr_assert_eq(add(1, 4, e_ip, e_port), 0);
	cr_assert_eq(add(1, 5, e_ip, 9001), 0); /* same ip, other port */
	/* Channel 2: the endpoint last. */
	cr_assert_eq(add(2, 6, o_ip, 1), 0);
	cr_assert_eq(add(2, 7, e_ip, e_port), 0);
	/* Channel 3: only the endpoint. */
	cr_assert_eq(add(3, 8, e_ip, e_port), 0);
	/* Channel 4: not the endpoint. */
	cr_assert_eq(add(4, 9, o_ip, 2), 0);

	cr_assert_eq(subtab_del_endpoint(tab, e_ip, e_port), 4);
	expect_subs(1, (uint32_t[]){1, 3, 5}, 3);
	expect_subs(2, (uint32_t[]){6}, 1);
	expect_subs(3, NULL, 0);
	expect_subs(4, (uint32_t[]){9}, 1);
	cr_assert_eq(subtab_del_endpoint(tab, e_ip, e_port), 0);

	subtab_get_stats(tab, &st);
	cr_assert_eq(st.channels, 3);
	cr_assert_eq(st.members, 5);
	cr_assert_eq(st.dels, 4);
}

Test(subtab, del_endpoint_many_channels)
{
	const uint32_t n = 500;
	struct subtab_stats st;
	uint64_t ch;

	tab = mk_table(n, 4);
	for (ch = 1; ch <= n; ch++) {
		cr_assert_eq(add(ch, 1, 0x01010101, 53), 0);
		if (ch % 3 == 0)
			cr_assert_eq(add(ch, 2, 0x02020202, 53), 0);
	}
	cr_assert_eq(subtab_del_endpoint(tab, 0x01010101, 53), (int)n);
	for (ch = 1; ch <= n; ch++) {
		if (ch % 3 == 0)
			expect_subs(ch, (uint32_t[]){2}, 1);
		else
			expect_subs(ch, NULL, 0);
	}
	subtab_get_stats(tab, &st);
	cr_assert_eq(st.channels, n / 3);
	cr_assert_eq(st.members, n / 3);

	/*
	 * The emptied channels linger as hash keys; filling the table with
	 * new channels makes them go (many key deletions, moving keys in
	 * the hash) and must leave every channel right.
	 */
	for (ch = n + 1; ch <= n + n - n / 3; ch++)
		cr_assert_eq(add(ch, 3, 3, 3), 0, "channel %" PRIu64, ch);
	cr_assert_eq(add(ch, 3, 3, 3), -ENOSPC);
	for (ch = 1; ch <= n; ch++) {
		if (ch % 3 == 0)
			expect_subs(ch, (uint32_t[]){2}, 1);
		else
			expect_subs(ch, NULL, 0);
	}
	for (ch = n + 1; ch <= n + n - n / 3; ch++)
		expect_subs(ch, (uint32_t[]){3}, 1);
	subtab_get_stats(tab, &st);
	cr_assert_eq(st.channels, n);
	/* Old channels come back (tombstone or not). */
	cr_assert_eq(subtab_del_endpoint(tab, 3, 3), (int)(n - n / 3));
	for (ch = 1; ch <= n; ch++)
		if (ch % 3 != 0)
			cr_assert_eq(add(ch, 4, 4, 4), 0);
	subtab_get_stats(tab, &st);
	cr_assert_eq(st.channels, n);
	cr_assert_eq(st.members, n);
}

struct walk_acc {
	uint32_t channels;
	uint64_t members;
	uint64_t chan_sum;
	uint64_t stop_at;
};

static int
walk_cb(const struct subtab_channel *c, void *arg)
{
	struct walk_acc *a = arg;

	a->channels++;
	a->members += c->n_members;
	a->chan_sum += c->channel;
	if (a->stop_at != 0 && c->channel == a->stop_at)
		return 42;
	return 0;
}

Test(subtab, walk_visits_every_channel)
{
	struct walk_acc a = {0};
	uint64_t ch;
	uint32_t i;

	tab = mk_table(16, 8);
	cr_assert_eq(subtab_walk(tab, walk_cb, &a), 0);
	cr_assert_eq(a.channels, 0);
	for (ch = 1; ch <= 10; ch++)
		for (i = 1; i <= ch % 4 + 1; i++)
			cr_assert_eq(add(ch, i, i, 1), 0);
	cr_assert_eq(subtab_walk(tab, walk_cb, &a), 0);
	cr_assert_eq(a.channels, 10);
	cr_assert_eq(a.chan_sum, 55);
	cr_assert_eq(a.members, 2 + 3 + 4 + 1 + 2 + 3 + 4 + 1 + 2 + 3);

	memset(&a, 0, sizeof(a));
	a.stop_at = 5;
	cr_assert_eq(subtab_walk(tab, walk_cb, &a), 42);
	cr_assert_leq(a.channels, 10);
	cr_assert_eq(subtab_walk(tab, NULL, NULL), -EINVAL);
}

/* ---------- reclamation ---------- */

Test(subtab, reclaim_counts)
{
	struct freed_log fl = {0};
	struct subtab_stats st;
	unsigned int i;

	tab = mk_table(4, 4);
	subtab_set_free_hook(tab, log_free, &fl);
	cr_assert_eq(add(1, 1, 1, 1), 0);

	/* No reader registered: every retired array goes at once. */
	cr_assert_eq(add(1, 1, 1, 1), 1);
	cr_assert_eq(subtab_reclaim(tab), 0);
	cr_assert_eq(fl.n, 1);

	/* An online reader that has not reported holds them all. */
	cr_assert_eq(rte_rcu_qsbr_thread_register(qsv, 2), 0);
	rte_rcu_qsbr_thread_online(qsv, 2);
	for (i = 0; i < 5; i++)
		cr_assert_eq(add(1, 1, 1, 1), 1);
	cr_assert_eq(add(1, 2, 1, 1), 0);
	cr_assert_eq(subtab_del(tab, 1, 1, 1, 1), 0);
	cr_assert_eq(subtab_del(tab, 1, 2, 1, 1), 0); /* channel gone */
	cr_assert_eq(subtab_reclaim(tab), 8);
	cr_assert_eq(subtab_reclaim(tab), 8, "reclaim must not block");
	subtab_get_stats(tab, &st);
	cr_assert_eq(st.retired, 9);
	cr_assert_eq(st.reclaimed, 1);
	cr_assert_eq(fl.n, 1);

	rte_rcu_qsbr_quiescent(qsv, 2);
	cr_assert_eq(subtab_reclaim(tab), 0);
	subtab_get_stats(tab, &st);
	cr_assert_eq(st.retired, 9);
	cr_assert_eq(st.reclaimed, 9);
	cr_assert_eq(fl.n, 9);

	/* An offline reader does not hold anything. */
	rte_rcu_qsbr_thread_offline(qsv, 2);
	cr_assert_eq(add(1, 1, 1, 1), 0);
	cr_assert_eq(add(1, 1, 1, 1), 1);
	cr_assert_eq(subtab_reclaim(tab), 0);
	cr_assert_eq(fl.n, 10);
	rte_rcu_qsbr_thread_unregister(qsv, 2);

	/* subtab_free frees the live array too (through the hook). */
	subtab_free(tab);
	tab = NULL;
	cr_assert_eq(fl.n, 11);
}

Test(subtab, array_kept_while_reader_not_quiescent)
{
	const struct subtab_channel *held, *cur;
	struct freed_log fl = {0};

	tab = mk_table(4, 4);
	subtab_set_free_hook(tab, log_free, &fl);
	cr_assert_eq(add(5, 1, 1, 1), 0);
	cr_assert_eq(add(5, 2, 2, 2), 0);
	subtab_reclaim_all(tab);
	fl.n = 0;

	/* This thread plays a worker: online, holding a snapshot. */
	cr_assert_eq(rte_rcu_qsbr_thread_register(qsv, 0), 0);
	rte_rcu_qsbr_thread_online(qsv, 0);
	held = subtab_lookup(tab, 5);
	cr_assert_not_null(held);
	cr_assert(snap_ok(held, 5, 4));

	/* The writer replaces and then deletes the channel... */
	cr_assert_eq(subtab_del(tab, 5, 1, 1, 1), 0);
	cur = subtab_lookup(tab, 5);
	cr_assert_neq(cur, held);
	cr_assert_eq(subtab_del(tab, 5, 2, 2, 2), 0);
	cr_assert_null(subtab_lookup(tab, 5));
	/* ...but nothing the reader may hold is freed. */
	cr_assert_eq(subtab_reclaim(tab), 2);
	cr_assert_eq(fl.n, 0, "an array was freed under an online reader");
	cr_assert(snap_ok(held, 5, 4), "held array changed under reader");
	cr_assert_eq(held->n_members, 2);
	cr_assert_eq(held->members[0].subscriber, 1);

	/* Quiescent: the reader dropped its references. */
	rte_rcu_qsbr_quiescent(qsv, 0);
	cr_assert_eq(subtab_reclaim(tab), 0);
	cr_assert_eq(fl.n, 2);
	cr_assert_eq(fl.last, cur, "retired arrays are freed oldest first");
	rte_rcu_qsbr_thread_offline(qsv, 0);
	rte_rcu_qsbr_thread_unregister(qsv, 0);
}
