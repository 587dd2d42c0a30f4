/* SPDX-License-Identifier: BSD-3-Clause
 * The fan-out against Herald's own library (libherald_app): a message to
 * max_subscribers = 65536 subscribers whose DELIVERs all stay in a TX
 * ring (a port that sends nothing yet, as a NIC with deep rings under
 * load). Every replica holds a reference to its payload mbuf, whose
 * refcount is 16 bits: with one payload mbuf for all of them it would
 * wrap (hardening issue, defect 8). Herald bounds the replicas per
 * payload mbuf (HERALD_PAYLOAD_REFS_MAX) and copies the payload for each
 * further group; the test reads every DELIVER out of the ring and checks
 * that each payload mbuf's refcount is exactly the number of replicas on
 * it, within the bound, that payloads are byte-identical, and that every
 * mbuf goes back to its pool.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "control/subscriptions.h"
#include "dataplane/dataplane.h"
#include "dataplane/fanout.h"
#include "herald.h"
#include "subtab.h"
#include "ut_eal.h"

struct herald herald;

#define SUBSCRIBERS 65536u
#define PAYLOAD	    100u
#define CHANNEL	    42u

static struct rte_ring *tx_ring, *rx_ring;
static char runtime_dir[PATH_MAX];

static void
setup(void)
{
	char prefix[64];
	char *argv[] = {"test_fanout",
			"--no-huge",
			"-m",
			"1024",
			prefix,
			"-l",
			"0-1",
			"--no-pci",
			"--no-telemetry",
			"--log-level=error",
			NULL};
	struct herald_config *cfg = &herald.cfg;

	snprintf(prefix, sizeof(prefix), "--file-prefix=fanout_ut_%d",
		 (int)getpid());
	cr_assert_geq(rte_eal_init(RTE_DIM(argv) - 1, argv), 0, "EAL: %s",
		      rte_strerror(rte_errno));
	snprintf(runtime_dir, sizeof(runtime_dir), "%s",
		 rte_eal_get_runtime_dir());
	herald_config_defaults(cfg);
	cfg->max_subscribers = SUBSCRIBERS;
	cfg->header_mbufs = SUBSCRIBERS + 8192;
	cfg->rx_mbufs = 4095;
	/* The replicas' references alone: a history would hold one more
	 * (its own tests are the replay cases nack_*). */
	cfg->history_depth = 0;
	herald.epoch = 0x5eed;
	cr_assert_eq(herald_clock_init(0), 0);
	/* The port's TX ring takes every DELIVER and keeps it. */
	tx_ring = rte_ring_create("fan_tx", 2 * SUBSCRIBERS, SOCKET_ID_ANY,
				  RING_F_SP_ENQ | RING_F_SC_DEQ);
	rx_ring = rte_ring_create("fan_rx", 64, SOCKET_ID_ANY,
				  RING_F_SP_ENQ | RING_F_SC_DEQ);
	cr_assert(tx_ring != NULL && rx_ring != NULL);
	cr_assert_geq(rte_eth_from_rings("fan0", &rx_ring, 1, &tx_ring, 1,
					 SOCKET_ID_ANY),
		      0);
	cr_assert_eq(herald_mempools_init(), 0);
	cr_assert_eq(herald_subscriptions_init(), 0);
	cr_assert_eq(herald_lcores_init(), 0);
	cr_assert_eq(herald_ports_init(), 0);
	herald_lcores_sync_ports();
	herald_mempools_mark(false);
}

static void
teardown(void)
{
	herald_ports_close();
	herald_lcores_free();
	herald_subscriptions_free();
	herald_mempools_free();
	rte_eal_cleanup();
	ut_rm_runtime_dir(runtime_dir);
}

TestSuite(fanout, .init = setup, .fini = teardown, .timeout = 120);

static struct rte_mbuf *
message(void)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(herald.rx_pool);
	struct herald_msg_meta *meta;
	uint8_t *p;
	unsigned int i;

	cr_assert_not_null(m);
	p = (uint8_t *)rte_pktmbuf_append(m, PAYLOAD);
	for (i = 0; i < PAYLOAD; i++)
		p[i] = (uint8_t)(i * 7 + 1);
	meta = herald_meta(m);
	memset(meta, 0, sizeof(*meta));
	meta->channel = CHANNEL;
	meta->slot = (uint16_t)hwp_slot(CHANNEL);
	meta->publisher = 9;
	meta->payload_len = PAYLOAD;
	meta->timestamp = 1000;
	return m;
}

Test(fanout, payload_refcount_never_wraps)
{
	static struct subtab_member members[SUBSCRIBERS];
	static struct rte_mbuf *out[SUBSCRIBERS];
	struct rte_ether_addr mac = {{2, 0, 0, 0, 0, 9}};
	struct rte_mbuf *payloads[8];
	unsigned int counts[8] = {0};
	struct herald_lcore *lc = herald.lcores[0];
	unsigned int i, j, n, n_payloads = 0;

	for (i = 0; i < SUBSCRIBERS; i++)
		herald_sub_member(&members[i], i + 1, 0xc6130000 + i, 40000,
				  &mac);
	cr_assert_eq(subtab_set(herald.subs, CHANNEL, members, SUBSCRIBERS), 0);
	/* This thread acts as worker 0. */
	cr_assert_eq(rte_rcu_qsbr_thread_register(herald.qsv, 0), 0);
	rte_rcu_qsbr_thread_online(herald.qsv, 0);
	herald_fanout(lc, message());
	herald_dp_end_burst(lc);
	rte_rcu_qsbr_thread_offline(herald.qsv, 0);
	rte_rcu_qsbr_thread_unregister(herald.qsv, 0);

	cr_assert_eq(lc->cnt.c[CNT_deliveries], SUBSCRIBERS);
	cr_assert_eq(lc->cnt.c[CNT_tx_dropped], 0);
	cr_assert_eq(lc->cnt.c[CNT_payload_copies],
		     (SUBSCRIBERS - 1) / HERALD_PAYLOAD_REFS_MAX);
	n = rte_ring_dequeue_burst(tx_ring, (void **)out, SUBSCRIBERS, NULL);
	cr_assert_eq(n, SUBSCRIBERS, "every DELIVER waits in the ring");
	for (i = 0; i < n; i++) {
		struct rte_mbuf *pl = out[i]->next;

		cr_assert_not_null(pl);
		cr_assert_eq(rte_pktmbuf_data_len(pl), PAYLOAD);
		for (j = 0; j < n_payloads && payloads[j] != pl; j++)
			;
		if (j == n_payloads) {
			cr_assert_lt(n_payloads, RTE_DIM(payloads));
			payloads[n_payloads++] = pl;
			cr_assert_eq(
				memcmp(rte_pktmbuf_mtod(pl, void *),
				       rte_pktmbuf_mtod(out[0]->next, void *),
				       PAYLOAD),
				0, "a copy differs from the payload");
		}
		counts[j]++;
	}
	cr_assert_eq(n_payloads, (SUBSCRIBERS + HERALD_PAYLOAD_REFS_MAX - 1) /
					 HERALD_PAYLOAD_REFS_MAX);
	for (j = 0; j < n_payloads; j++) {
		cr_assert_leq(counts[j], HERALD_PAYLOAD_REFS_MAX);
		cr_assert_eq(rte_mbuf_refcnt_read(payloads[j]), counts[j],
			     "payload %u: refcount %u for %u replicas", j,
			     rte_mbuf_refcnt_read(payloads[j]), counts[j]);
	}
	rte_pktmbuf_free_bulk(out, n);
	herald_mempools_mark(true);
	cr_assert(herald_mempools_ok(stderr), "an mbuf leaked");
}
