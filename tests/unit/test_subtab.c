/* SPDX-License-Identifier: BSD-3-Clause
 * Unit tests of lib/subtab: semantics, limits, reclaim and an RCU stress
 * test (reader on lcore 1, writer on the main lcore) in the style of
 * DPDK's app/test/test_rcu_qsbr.c.
 *
 * Criterion runs every test in its own process, so the suite fixture
 * brings EAL up and down once per test, with a per-process file prefix.
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

#define QS_THREADS   4
#define POISON	     0x5a
#define READER_LCORE 1

static struct rte_rcu_qsbr *qsv;
static struct subtab *tab;
static char runtime_dir[PATH_MAX];
static unsigned int tab_seq;

/* ---------- fixture ---------- */

static void
eal_up(void)
{
	char prefix[64];
	char *argv[] = {
		"test_subtab",
		"--no-huge",
		"-m",
		"64",
		prefix,
		"-l",
		"0-1",
		"--no-pci",
		"--no-telemetry",
		"--log-level=warning",
		NULL,
	};
	int argc = RTE_DIM(argv) - 1;
	size_t sz;

	snprintf(prefix, sizeof(prefix), "--file-prefix=subtab_ut_%d",
		 (int)getpid());
	cr_assert_geq(rte_eal_init(argc, argv), 0, "rte_eal_init: %s",
		      rte_strerror(rte_errno));
	snprintf(runtime_dir, sizeof(runtime_dir), "%s",
		 rte_eal_get_runtime_dir());

	sz = rte_rcu_qsbr_get_memsize(QS_THREADS);
	qsv = rte_zmalloc("ut_qsv", sz, RTE_CACHE_LINE_SIZE);
	cr_assert_not_null(qsv);
	cr_assert_eq(rte_rcu_qsbr_init(qsv, QS_THREADS), 0);
}

static void stress_stop(void);

static void
eal_down(void)
{
	unsigned int id;

	/* A failed assertion may leave a reader running or online. */
	stress_stop();
	rte_eal_wait_lcore(READER_LCORE);
	for (id = 0; id < QS_THREADS; id++) {
		rte_rcu_qsbr_thread_offline(qsv, id);
		rte_rcu_qsbr_thread_unregister(qsv, id);
	}
	subtab_free(tab);
	tab = NULL;
	rte_free(qsv);
	qsv = NULL;
	rte_eal_cleanup();
	/* Leave nothing behind in /var/run/dpdk. */
	ut_rm_runtime_dir(runtime_dir);
}

TestSuite(subtab, .init = eal_up, .fini = eal_down, .timeout = 60);

static struct subtab *
mk_table_retired(uint32_t max_channels, uint32_t max_members,
		 uint32_t max_retired)
{
	char name[32];
	struct subtab_params p = {
		.name = name,
		.max_channels = max_channels,
		.max_members = max_members,
		.socket_id = SOCKET_ID_ANY,
		.qsv = qsv,
		.max_retired = max_retired,
	};
	struct subtab *t;

	snprintf(name, sizeof(name), "ut%u", tab_seq++);
	t = subtab_create(&p);
	cr_assert_not_null(t, "subtab_create: %s", rte_strerror(rte_errno));
	return t;
}

static struct subtab *
mk_table(uint32_t max_channels, uint32_t max_members)
{
	return mk_table_retired(max_channels, max_members, 0);
}

/* ---------- members carrying a self-check ---------- */

static uint32_t
member_sum(uint64_t ch, uint32_t sub, uint32_t ip, uint16_t port)
{
	uint64_t x = ch * 0x9e3779b97f4a7c15ull ^ ((uint64_t)sub << 32 | ip) ^
		     ((uint64_t)port << 17);

	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ull;
	return (uint32_t)(x ^ (x >> 32));
}

/*
 * Every field that is not part of the key is derived from the key and
 * the channel, so a reader can tell a live member from a poisoned,
 * zeroed or foreign one.
 */
static struct subtab_member
mk_member(uint64_t ch, uint32_t sub, uint32_t ip, uint16_t port)
{
	struct subtab_member m;
	uint32_t s = member_sum(ch, sub, ip, port);
	unsigned int i;

	memset(&m, 0, sizeof(m));
	m.subscriber = sub;
	m.ip = ip;
	m.udp_port = port;
	m.egress_port = (uint16_t)(s & 0x7);
	m.mac.addr_bytes[0] = 0x02;
	m.mac.addr_bytes[5] = (uint8_t)s;
	m.flags = (uint16_t)(s >> 16);
	m.csum_ip = s;
	m.csum_udp = ~s;
	for (i = 0; i < SUBTAB_HDR_LEN; i++)
		m.hdr[i] = (uint8_t)(s + i);
	return m;
}

static bool
member_ok(const struct subtab_member *m, uint64_t ch)
{
	uint32_t s = member_sum(ch, m->subscriber, m->ip, m->udp_port);
	unsigned int i;

	if (m->subscriber == 0 || m->csum_ip != s || m->csum_udp != ~s ||
	    m->flags != (uint16_t)(s >> 16) || m->egress_port != (s & 0x7) ||
	    m->mac.addr_bytes[5] != (uint8_t)s)
		return false;
	for (i = 0; i < SUBTAB_HDR_LEN; i++)
		if (m->hdr[i] != (uint8_t)(s + i))
			return false;
	return true;
}

static bool
snap_ok(const struct subtab_channel *c, uint64_t ch, uint32_t max_members)
{
	uint32_t i, n = c->n_members;

	if (c->channel != ch || n == 0 || n > max_members || c->version == 0)
		return false;
	for (i = 0; i < n; i++)
		if (!member_ok(&c->members[i], ch))
			return false;
	return true;
}

static int
add(uint64_t ch, uint32_t sub, uint32_t ip, uint16_t port)
{
	struct subtab_member m = mk_member(ch, sub, ip, port);

	return subtab_add(tab, ch, &m);
}

/* Subscribers of the channel, in array order, must be exactly subs. */
static void
expect_subs(uint64_t ch, const uint32_t *subs, uint32_t n)
{
	const struct subtab_channel *c = subtab_lookup(tab, ch);
	uint32_t i;

	if (n == 0) {
		cr_assert_null(c, "channel %" PRIu64 " should be empty", ch);
		return;
	}
	cr_assert_not_null(c, "channel %" PRIu64 " missing", ch);
	cr_assert_eq(c->n_members, n, "channel %" PRIu64 ": %u members", ch,
		     c->n_members);
	for (i = 0; i < n; i++)
		cr_assert_eq(c->members[i].subscriber, subs[i],
			     "channel %" PRIu64 " slot %u: %u != %u", ch, i,
			     c->members[i].subscriber, subs[i]);
	cr_assert(snap_ok(c, ch, UINT32_MAX));
}

/* Free-hook recorder. */
struct freed_log {
	unsigned int n;
	const struct subtab_channel *last;
};

static void
log_free(struct subtab_channel *c, void *arg)
{
	struct freed_log *fl = arg;

	fl->n++;
	fl->last = c;
}

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
		cr_assert_eq(subtab_del(tab, ch, 1, 1, 1), 0);
	}
	cr_assert_eq(ret, -ENOSPC);
	cr_assert_lt(ch, 64, "refused only once max_retired is reached");
	cr_assert_null(subtab_lookup(tab, ch));
	rte_rcu_qsbr_quiescent(qsv, 0);
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
