/* SPDX-License-Identifier: BSD-3-Clause
 * PUBACK credit (issue 10, docs/RELIABILITY.md "Publisher credit"): the
 * configured credit while the RX pool and, with several workers, every
 * owner's hand-off ring have a quarter of their room free; in proportion
 * below that; 0 (pause) when nothing is free. Checked against the rule,
 * on a real mempool and real rings emptied and filled by the test.
 */
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dataplane/publish/publish.h"
#include "herald.h"
#include "ut_eal.h"

struct herald herald;

#define POOL   1023u /* a quarter: 255 */
#define CREDIT 256u

static char runtime_dir[PATH_MAX];
static struct rte_mempool *pool;
static struct rte_mbuf *taken[POOL];
static unsigned int n_taken;

static void
setup(void)
{
	cr_assert_eq(ut_eal_init("credit_ut", runtime_dir, sizeof(runtime_dir)),
		     0, "EAL: %s", rte_strerror(rte_errno));
	/* No lcore cache: the pool's ring count is all of its free mbufs. */
	pool = rte_pktmbuf_pool_create("credit_rx", POOL, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	cr_assert_not_null(pool);
}

static void
teardown(void)
{
	while (n_taken > 0)
		rte_pktmbuf_free(taken[--n_taken]);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	ut_rm_runtime_dir(runtime_dir);
}

/* Leave exactly free mbufs in the pool. */
static void
pool_leave(unsigned int free)
{
	while (POOL - n_taken > free) {
		taken[n_taken] = rte_pktmbuf_alloc(pool);
		cr_assert_not_null(taken[n_taken]);
		n_taken++;
	}
	while (POOL - n_taken < free)
		rte_pktmbuf_free(taken[--n_taken]);
	cr_assert_eq(rte_mempool_avail_count(pool), free);
}

static void
lcore_with(struct herald_lcore *lc, uint32_t credit)
{
	memset(lc, 0, sizeof(*lc));
	lc->conf.rx_pool = pool;
	lc->conf.publisher_credit = credit;
	lc->conf.n_workers = 1;
}

TestSuite(credit, .init = setup, .fini = teardown);

Test(credit, follows_the_rx_pool)
{
	static struct herald_lcore lc;

	lcore_with(&lc, CREDIT);
	pool_leave(POOL);
	cr_expect_eq(herald_publish_credit(&lc), CREDIT, "pool full");
	pool_leave(POOL / 4);
	cr_expect_eq(herald_publish_credit(&lc), CREDIT, "a quarter free");
	pool_leave(POOL / 8);
	cr_expect_eq(herald_publish_credit(&lc),
		     CREDIT * (POOL / 8) / (POOL / 4),
		     "an eighth free: in proportion");
	pool_leave(1);
	cr_expect_eq(herald_publish_credit(&lc), CREDIT / (POOL / 4),
		     "one free");
	pool_leave(0);
	cr_expect_eq(herald_publish_credit(&lc), 0, "nothing free: pause");
	pool_leave(POOL);
	cr_expect_eq(herald_publish_credit(&lc), CREDIT, "room again");
}

Test(credit, follows_every_owners_handoff_ring)
{
	static struct herald_lcore a, b;
	struct herald_lcore *peers[2] = {&a, &b};
	void *obj = (void *)(uintptr_t)1;
	unsigned int cap, i;

	lcore_with(&a, CREDIT);
	lcore_with(&b, CREDIT);
	a.handoff = rte_ring_create("credit_h0", 1024, SOCKET_ID_ANY, 0);
	b.handoff = rte_ring_create("credit_h1", 1024, SOCKET_ID_ANY, 0);
	cr_assert(a.handoff != NULL && b.handoff != NULL);
	a.conf.n_workers = 2;
	a.conf.peers = peers;
	cap = rte_ring_get_capacity(b.handoff);
	pool_leave(POOL);
	cr_expect_eq(herald_publish_credit(&a), CREDIT, "rings empty");
	/* The other owner's ring fills: a's PUBACKs give less. */
	for (i = 0; i < cap - cap / 8; i++)
		cr_assert_eq(rte_ring_enqueue(b.handoff, obj), 0);
	cr_expect_eq(herald_publish_credit(&a), CREDIT * (cap - i) / (cap / 4),
		     "an owner's ring 7/8 full");
	while (rte_ring_enqueue(b.handoff, obj) == 0)
		;
	cr_expect_eq(herald_publish_credit(&a), 0, "an owner's ring full");
	/* The ring empties, the pool runs short: the pool decides. */
	while (rte_ring_dequeue(b.handoff, &obj) == 0)
		;
	pool_leave(POOL / 8);
	cr_expect_eq(herald_publish_credit(&a),
		     CREDIT * (POOL / 8) / (POOL / 4),
		     "the pool short, the rings empty");
	rte_ring_free(a.handoff);
	rte_ring_free(b.handoff);
}

Test(credit, zero_is_no_enforcement)
{
	static struct herald_lcore lc;

	lcore_with(&lc, 0);
	cr_expect_eq(herald_publish_credit(&lc), 0);
	cr_expect_eq(herald_credit_limit(&lc, 10, 0), UINT64_MAX,
		     "publisher_credit 0: no limit");
	lc.conf.publisher_credit = CREDIT;
	cr_expect_eq(herald_credit_limit(&lc, 10, 0), 10, "credit 0: pause");
	cr_expect_eq(herald_credit_limit(&lc, 10, 7), 17);
}
