/* SPDX-License-Identifier: BSD-3-Clause
 * What the lib/subtab unit tests share: the EAL fixture (Criterion runs
 * every test in its own process, so each test brings EAL up and down,
 * with a per-process file prefix) and members that carry a self-check.
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

struct rte_rcu_qsbr *qsv;
struct subtab *tab;
static char runtime_dir[PATH_MAX];
static unsigned int tab_seq;
void (*subtab_ut_before_down)(void);

/* ---------- fixture ---------- */

void
subtab_ut_up(void)
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

void
subtab_ut_down(void)
{
	unsigned int id;

	/* A failed assertion may leave a reader running or online. */
	if (subtab_ut_before_down != NULL)
		subtab_ut_before_down();
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

struct subtab *
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

struct subtab *
mk_table(uint32_t max_channels, uint32_t max_members)
{
	return mk_table_retired(max_channels, max_members, 0);
}

/* ---------- members carrying a self-check ---------- */

uint32_t
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
struct subtab_member
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

bool
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

bool
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

int
add(uint64_t ch, uint32_t sub, uint32_t ip, uint16_t port)
{
	struct subtab_member m = mk_member(ch, sub, ip, port);

	return subtab_add(tab, ch, &m);
}

/* Subscribers of the channel, in array order, must be exactly subs. */
void
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

void
log_free(struct subtab_channel *c, void *arg)
{
	struct freed_log *fl = arg;

	fl->n++;
	fl->last = c;
}
