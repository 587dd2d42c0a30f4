/* SPDX-License-Identifier: BSD-3-Clause
 * Worker lcores: their contexts and the polling loop, l3fwd style:
 * while (!force_quit) { poll RX -> drain hand-offs -> end of burst ->
 * quiescent }, over the lcore's own cache-aligned context.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "dataplane/dataplane.h"
#include "dataplane/history.h"
#include "herald.h"
#include "runtime/clock.h"
#include "runtime/pause.h"
#include "runtime/runtime.h"

/* Workers running, and those that stopped receiving: once all running
 * ones have, hand-off rings can drain for good. */
static volatile unsigned int workers_launched;
static volatile unsigned int workers_rx_stopped;
/* Workers that stopped receiving for "stop" (until "start"). */
static volatile unsigned int workers_fwd_stopped;

/* How often a stopped worker looks whether it is started again (us). */
#define WORKER_STOPPED_POLL_US 200

/* The read-only part of a worker's context, from the instance. */
static void
lcore_conf_fill(struct herald_lcore_conf *c)
{
	const struct herald_config *cfg = &herald.cfg;

	memset(c, 0, sizeof(*c));
	c->address = cfg->address;
	c->udp_port = cfg->udp_port;
	c->address_be = rte_cpu_to_be_32(cfg->address);
	c->udp_port_be = rte_cpu_to_be_16(cfg->udp_port);
	c->verify_udp = cfg->verify_udp_checksum;
	c->has_next_hop_mac = cfg->has_next_hop_mac;
	c->start_reopens = getenv("HERALD_BENCH_START_REOPENS") != NULL;
	c->next_hop_mac = cfg->next_hop_mac;
	c->n_workers = herald.n_workers;
	c->epoch = herald.epoch;
	c->publisher_credit = cfg->publisher_credit;
	c->max_channels = cfg->max_channels;
	c->max_subscribed_channels = cfg->max_subscribed_channels;
	c->endpoints = herald.endpoints;
	c->ep = herald.ep;
	c->egress_port = cfg->egress_port;
	c->max_publisher_sessions = cfg->max_publisher_sessions;
	c->slot_owner = cfg->slot_owner;
	c->peers = herald.lcores;
	c->hdr_pool = herald.hdr_pool;
	c->rx_pool = herald.rx_pool;
	c->ind_pool = herald.ind_pool;
	c->flat_pool = herald.flat_pool;
	c->qsv = herald.qsv;
	c->subs = herald.subs;
	c->allow = herald.allow;
	c->clock = herald_clock;
	c->session_timeout_ns = (uint64_t)cfg->session_timeout_ms * 1000000;
	c->channel_timeout_ns = (uint64_t)cfg->channel_timeout_ms * 1000000;
	c->max_sessions_per_source = cfg->max_sessions_per_source;
	c->jumbo_pool = herald.jumbo_pool;
	c->jumbo_frame_max = herald.jumbo_frame_max;
	herald_history_conf(c);
}

/* Ports are known only once they are up: copy what the hot path needs. */
static void
lcore_conf_ports(struct herald_lcore_conf *c)
{
	c->n_ports = herald.n_ports;
	memcpy(c->ports, herald.ports, sizeof(c->ports));
}

/* Size of the control thread's packet ring of worker 0 (mbufs). */
#define CTL_TX_RING 1024

/* The queues between this worker and the control thread, and its
 * endpoint stamps (control/ctlq.h). */
static int
lcore_ctl_init(struct herald_lcore *lc, int socket)
{
	const struct herald_config *cfg = &herald.cfg;
	const unsigned int spsc = RING_F_SP_ENQ | RING_F_SC_DEQ;
	char name[RTE_RING_NAMESIZE];
	unsigned int k;

	for (k = 0; k < RTE_DIM(lc->ctl_items); k++) {
		snprintf(name, sizeof(name), "herald_items%u_%u", lc->index, k);
		lc->ctl_items[k] = rte_ring_create_elem(
			name, sizeof(struct herald_ctl_item),
			cfg->item_ring_size, socket, spsc);
		if (lc->ctl_items[k] == NULL)
			return -1;
	}
	snprintf(name, sizeof(name), "herald_reqs%u", lc->index);
	lc->ctl_reqs =
		rte_ring_create_elem(name, sizeof(struct herald_ctl_req),
				     cfg->request_ring_size, socket, spsc);
	if (lc->index == 0) {
		snprintf(name, sizeof(name), "herald_ctltx%u", lc->index);
		lc->ctl_tx = rte_ring_create(name, CTL_TX_RING, socket, spsc);
	}
	lc->ep_seen = rte_zmalloc_socket("herald_ep_seen",
					 sizeof(*lc->ep_seen) * herald.ep_slots,
					 RTE_CACHE_LINE_SIZE, socket);
	return lc->ctl_reqs == NULL || (lc->index == 0 && lc->ctl_tx == NULL) ||
			       lc->ep_seen == NULL
		       ? -1
		       : 0;
}

static void
lcore_ctl_free(struct herald_lcore *lc)
{
	struct rte_mbuf *m;
	unsigned int k;

	for (k = 0; k < RTE_DIM(lc->ctl_items); k++)
		rte_ring_free(lc->ctl_items[k]);
	rte_ring_free(lc->ctl_reqs);
	/* Workers drain it before they stop; anything left was never
	 * sent. */
	while (lc->ctl_tx != NULL &&
	       rte_ring_sc_dequeue(lc->ctl_tx, (void **)&m) == 0) {
		herald.ctl_cnt.c[CTL_tx_forwarded]--;
		herald.ctl_cnt.c[CTL_tx_dropped]++;
		rte_pktmbuf_free(m);
	}
	rte_ring_free(lc->ctl_tx);
	rte_free(lc->ep_seen);
}

int
herald_lcores_init(void)
{
	const struct herald_config *cfg = &herald.cfg;
	unsigned int i;

	workers_rx_stopped = 0;
	workers_launched = 0;
	workers_fwd_stopped = 0;
	herald.n_workers = cfg->n_workers;
	for (i = 0; i < cfg->n_workers; i++) {
		unsigned int lcore = cfg->worker_lcores[i];
		int socket = (int)rte_lcore_to_socket_id(lcore);
		struct herald_lcore *lc;
		char name[RTE_RING_NAMESIZE];

		lc = rte_zmalloc_socket("herald_lcore", sizeof(*lc),
					RTE_CACHE_LINE_SIZE, socket);
		if (lc == NULL)
			return -1;
		herald.lcores[i] = lc;
		lc->index = i;
		lc->lcore_id = lcore;
		lc->pause_at = UINT64_MAX;
		lc->pause_report.gen = UINT64_MAX;
		lcore_conf_fill(&lc->conf);
		snprintf(name, sizeof(name), "herald_handoff%u", i);
		lc->handoff = rte_ring_create(name, cfg->handoff_ring_size,
					      socket, RING_F_SC_DEQ);
		if (lc->handoff == NULL || lcore_ctl_init(lc, socket) < 0 ||
		    herald_dp_lcore_init(lc) < 0) {
			fprintf(stderr,
				"herald: cannot set up worker on lcore %u\n",
				lcore);
			return -1;
		}
	}
	return 0;
}

void
herald_lcores_free(void)
{
	unsigned int i, n = herald.n_workers;

	/* Readers (telemetry, CLI) see no worker before any is freed. */
	__atomic_store_n(&herald.n_workers, 0, __ATOMIC_RELEASE);
	for (i = 0; i < n; i++) {
		struct herald_lcore *lc = herald.lcores[i];

		if (lc == NULL)
			continue;
		herald.lcores[i] = NULL;
		herald_dp_lcore_free(lc);
		rte_ring_free(lc->handoff);
		lcore_ctl_free(lc);
#ifdef HERALD_DEBUG
		/* A reader that kept a pointer sees garbage, not old values. */
		memset(lc, 0xdb, sizeof(*lc));
#endif
		rte_free(lc);
	}
}

const struct herald_lcore *
herald_lcore_get(unsigned int i)
{
	return i < herald.n_workers ? herald.lcores[i] : NULL;
}

const struct herald_lcore *
herald_slot_lcore(uint32_t slot)
{
	return herald.lcores[herald.cfg.slot_owner[slot % HWP_NUM_SLOTS]];
}

static unsigned int
end_of_iteration(struct herald_lcore *lc)
{
	unsigned int work = herald_dp_end_burst(lc);

	rte_rcu_qsbr_quiescent(lc->conf.qsv, lc->index);
	return work;
}

/*
 * "stop": receive nothing more, but handle what other workers hand over
 * until every worker has stopped receiving (then nothing more can come),
 * and leave RCU, so that the control thread's writers never wait for a
 * stopped worker, until "start" or the exit.
 */
static void
worker_stopped(struct herald_lcore *lc)
{
	__atomic_add_fetch(&workers_fwd_stopped, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&lc->stop_req, __ATOMIC_ACQUIRE) &&
	       !herald.force_quit && !herald.stop_requested &&
	       (__atomic_load_n(&workers_fwd_stopped, __ATOMIC_ACQUIRE) <
			lc->conf.n_workers ||
		!herald_dp_handoffs_empty(lc))) {
		herald_dp_drain_handoffs(lc);
		end_of_iteration(lc);
	}
	rte_rcu_qsbr_thread_offline(lc->conf.qsv, lc->index);
	__atomic_store_n(&lc->stopped, true, __ATOMIC_RELEASE);
	while (__atomic_load_n(&lc->stop_req, __ATOMIC_ACQUIRE) &&
	       !herald.force_quit && !herald.stop_requested) {
		/*
		 * CONTROL-PLANE HOOK: a request the control thread queued for
		 * this worker while it is stopped goes here, handled online:
		 *   rte_rcu_qsbr_thread_online(lc->conf.qsv, lc->index);
		 *   (handle the request); end_of_iteration(lc);
		 *   rte_rcu_qsbr_thread_offline(lc->conf.qsv, lc->index);
		 */
		rte_delay_us_sleep(WORKER_STOPPED_POLL_US);
	}
	rte_rcu_qsbr_thread_online(lc->conf.qsv, lc->index);
	__atomic_sub_fetch(&workers_fwd_stopped, 1, __ATOMIC_ACQ_REL);
	__atomic_store_n(&lc->stopped, false, __ATOMIC_RELEASE);
}

static int
worker_main(void *arg)
{
	struct herald_lcore *lc = arg;

	rte_rcu_qsbr_thread_register(lc->conf.qsv, lc->index);
	rte_rcu_qsbr_thread_online(lc->conf.qsv, lc->index);

	while (!herald.force_quit) {
		uint64_t gen =
			__atomic_load_n(&lc->pause_gen, __ATOMIC_ACQUIRE);
		uint64_t tsc, seq0, msgs;
		unsigned int rx, work;

		/* Once herald stops, a stopped worker runs again: the drain
		 * at the end needs every worker (it receives nothing). */
		if (unlikely(lc->stop_req) && !herald.stop_requested) {
			worker_stopped(lc);
			continue;
		}
		tsc = rte_rdtsc();
		lc->iter_tsc = tsc;
		seq0 = lc->cnt.c[CNT_messages_sequenced];
		lc->now_ns = herald_clock_tsc_ns(&lc->conf.clock, tsc);
		/* With --clock pcap only captured packets move the clock. */
		if (!lc->conf.clock.pcap)
			lc->clock_ns = lc->now_ns;
		rx = herald_dp_poll_ports(lc);
		work = herald_dp_drain_handoffs(lc);
		rx += herald_dp_poll_control(lc);
		work += rx;
		/* The messages of this iteration share its receive time: one
		 * TSC read for all of them (obs/latency.h). */
		msgs = lc->cnt.c[CNT_messages_sequenced] - seq0;
		if (msgs != 0)
			hist_record_n(&lc->lat.h[LAT_rx_to_enqueue],
				      rte_rdtsc() - tsc, msgs);
		/* Heartbeats due count as work (busy %). */
		work += end_of_iteration(lc);
		herald_pause_report(lc, gen, rx);
		/* Busy time costs a second TSC read, and only when there was
		 * work: an idle loop pays one add. It is also when the TX
		 * bursts of the iteration returned. */
		lc->cnt.c[CNT_loops]++;
		if (work != 0) {
			uint64_t busy = rte_rdtsc() - tsc;

			lc->cnt.c[CNT_busy_cycles] += busy;
			if (msgs != 0)
				hist_record_n(&lc->lat.h[LAT_rx_to_tx], busy,
					      msgs);
		}
	}

	/* Stop receiving, then drain hand-offs until no worker can still
	 * send us any: every accepted message is delivered before exit. */
	__atomic_add_fetch(&workers_rx_stopped, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&workers_rx_stopped, __ATOMIC_ACQUIRE) <
		       __atomic_load_n(&workers_launched, __ATOMIC_ACQUIRE) ||
	       !herald_dp_handoffs_empty(lc)) {
		herald_dp_drain_handoffs(lc);
		herald_dp_poll_control(lc);
		end_of_iteration(lc);
	}
	/* The control thread has stopped: what it queued goes out too. */
	while (herald_dp_poll_control(lc) != 0)
		end_of_iteration(lc);
	end_of_iteration(lc);

	rte_rcu_qsbr_thread_offline(lc->conf.qsv, lc->index);
	rte_rcu_qsbr_thread_unregister(lc->conf.qsv, lc->index);
	return 0;
}

void
herald_lcores_forwarding(bool on)
{
	unsigned int i;

	for (i = 0; i < herald.n_workers; i++)
		__atomic_store_n(&herald.lcores[i]->stop_req, !on,
				 __ATOMIC_RELEASE);
}

bool
herald_lcores_forwarding_on(void)
{
	return herald.n_workers == 0 || !herald.lcores[0]->stop_req;
}

bool
herald_lcores_forwarding_settled(void)
{
	unsigned int i;

	for (i = 0; i < herald.n_workers; i++) {
		const struct herald_lcore *lc = herald.lcores[i];

		if (__atomic_load_n(&lc->stopped, __ATOMIC_ACQUIRE) !=
		    lc->stop_req)
			return false;
	}
	return true;
}

void
herald_lcores_sync_ports(void)
{
	unsigned int i;

	for (i = 0; i < herald.n_workers; i++)
		lcore_conf_ports(&herald.lcores[i]->conf);
}

/* Test hook: HERALD_TEST_FAIL_LAUNCH=<worker index> makes that
 * worker's launch fail, as an lcore that is not free would. */
static int
launch_one(struct herald_lcore *lc)
{
	const char *fail = getenv("HERALD_TEST_FAIL_LAUNCH");

	if (fail != NULL && (unsigned int)atoi(fail) == lc->index)
		return -EBUSY;
	return rte_eal_remote_launch(worker_main, lc, lc->lcore_id);
}

int
herald_lcores_launch(void)
{
	unsigned int i;
	int rc;

	herald_lcores_sync_ports();
	/* Counted before the launches: a worker that exits early must not
	 * see fewer workers than will run. */
	__atomic_store_n(&workers_launched, herald.n_workers, __ATOMIC_RELEASE);
	for (i = 0; i < herald.n_workers; i++) {
		rc = launch_one(herald.lcores[i]);
		if (rc == 0)
			continue;
		fprintf(stderr,
			"herald: cannot launch worker %u on lcore %u: %s\n", i,
			herald.lcores[i]->lcore_id, strerror(-rc));
		/* The ones running drain and stop; nobody waits for the
		 * others. */
		__atomic_store_n(&workers_launched, i, __ATOMIC_RELEASE);
		herald.force_quit = true;
		return -1;
	}
	return 0;
}

void
herald_lcores_stop(void)
{
	herald.force_quit = true;
	rte_eal_mp_wait_lcore();
}
