/* SPDX-License-Identifier: BSD-3-Clause
 * Worker lcores: RX burst -> classify -> validate -> publisher sessions ->
 * steer by slot (local fan-out or hand-off ring) -> TX flush, in an
 * l3fwd-style while (!force_quit) loop over per-lcore state.
 */
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "classify.h"
#include "clock.h"
#include "fanout.h"
#include "publish.h"
#include "tx.h"
#include "worker.h"

/* Set once every worker has stopped receiving: rings can drain for good. */
static volatile unsigned int workers_rx_stopped;

int
herald_workers_init(void)
{
	const struct herald_config *cfg = &herald.cfg;
	unsigned int i;

	herald.n_workers = cfg->n_workers;
	for (i = 0; i < cfg->n_workers; i++) {
		unsigned int lcore = cfg->worker_lcores[i];
		int socket = (int)rte_lcore_to_socket_id(lcore);
		struct herald_worker *w;
		char name[RTE_RING_NAMESIZE];

		w = rte_zmalloc_socket("herald_worker", sizeof(*w),
				       RTE_CACHE_LINE_SIZE, socket);
		if (w == NULL)
			return -1;
		herald.workers[i] = w;
		w->index = i;
		w->lcore_id = lcore;
		w->pause_at = UINT64_MAX;
		w->paused_gen = UINT64_MAX;
		snprintf(name, sizeof(name), "herald_handoff%u", i);
		w->handoff = rte_ring_create(name, cfg->handoff_ring_size,
					     socket, RING_F_SC_DEQ);
		w->frames = rte_zmalloc_socket(
			"herald_frames",
			sizeof(*w->frames) * HWP_MAX_FRAMES_PER_DATAGRAM,
			RTE_CACHE_LINE_SIZE, socket);
		if (w->handoff == NULL || w->frames == NULL ||
		    herald_publish_worker_init(w) < 0 ||
		    herald_fanout_worker_init(w) < 0) {
			fprintf(stderr,
				"herald: cannot set up worker on lcore %u\n",
				lcore);
			return -1;
		}
	}
	return 0;
}

void
herald_workers_free(void)
{
	unsigned int i;

	for (i = 0; i < herald.n_workers; i++) {
		struct herald_worker *w = herald.workers[i];

		if (w == NULL)
			continue;
		herald_publish_worker_free(w);
		herald_fanout_worker_free(w);
		rte_ring_free(w->handoff);
		rte_free(w->frames);
		rte_free(w);
		herald.workers[i] = NULL;
	}
}

/* The mbuf that will carry one accepted frame's payload: the received
 * mbuf itself for a one-frame datagram, else an indirect mbuf on it. */
static struct rte_mbuf *
message_mbuf(struct rte_mbuf *m, const struct hwp_frame *f, bool whole)
{
	struct rte_mbuf *msg = m;
	uint16_t off = (uint16_t)(f->payload - rte_pktmbuf_mtod(m, uint8_t *));
	struct herald_msg_meta *meta;

	if (!whole) {
		msg = rte_pktmbuf_alloc(herald.ind_pool);
		if (unlikely(msg == NULL))
			return NULL;
		rte_pktmbuf_attach(msg, m);
	}
	rte_pktmbuf_adj(msg, off);
	rte_pktmbuf_trim(msg, (uint16_t)(msg->data_len - f->payload_len));
	meta = herald_meta(msg);
	meta->channel = f->u.publish.channel;
	meta->slot = (uint16_t)hwp_slot(meta->channel);
	meta->publisher = f->u.publish.publisher;
	meta->payload_len = f->payload_len;
	return msg;
}

/* Hand an accepted message to the owner of its slot. */
static enum herald_frame_outcome
steer(struct herald_worker *w, struct rte_mbuf *msg)
{
	struct herald_worker *owner = w;

	/* With one worker it owns every slot: no need to wait for the hash. */
	if (unlikely(herald.n_workers > 1))
		owner = herald_slot_worker(herald_meta(msg)->slot);
	if (owner == w) {
		herald_fanout(w, msg);
		return FRAME_publish_accepted;
	}
	if (unlikely(rte_ring_mp_enqueue(owner->handoff, msg) != 0))
		return FRAME_publish_handoff_full;
	w->cnt.c[CNT_handoffs_out]++;
	return FRAME_publish_accepted;
}

static enum herald_frame_outcome
handle_publish(struct herald_worker *w, uint16_t port, struct rte_mbuf *m,
	       const struct herald_rx_info *ri, const struct hwp_frame *f,
	       bool whole, bool *unknown_acked, bool *m_taken)
{
	struct herald_pub_session *sess = NULL;
	enum herald_frame_outcome o;
	struct rte_mbuf *msg;

	o = herald_publish_session(w, port, ri, f, unknown_acked, &sess);
	if (o != FRAME_publish_accepted)
		return o;
	msg = message_mbuf(m, f, whole);
	if (unlikely(msg == NULL)) {
		herald_publish_unaccept(sess);
		return FRAME_publish_nombuf;
	}
	herald_meta(msg)->timestamp = herald_clock_rx_ns(m, w->now_ns);
	/* One frame: its payload is the UDP payload's tail, already summed. */
	herald_meta(msg)->has_payload_sum = whole && ri->has_tail_sum;
	if (whole && ri->has_tail_sum)
		herald_meta(msg)->payload_sum =
			herald_csum_fold64(ri->tail_sum);
	if (whole)
		*m_taken = true;
	o = steer(w, msg);
	if (unlikely(o != FRAME_publish_accepted)) {
		herald_publish_unaccept(sess);
		if (whole)
			*m_taken = false;
		else
			rte_pktmbuf_free(msg);
	}
	return o;
}

static void
handle_datagram(struct herald_worker *w, uint16_t port, struct rte_mbuf *m,
		const struct herald_rx_info *ri, unsigned int nf)
{
	bool unknown_acked = false, m_taken = false;
	int allowed = -1;
	unsigned int i;

	w->cnt.c[CNT_rx_datagrams_valid]++;
	w->cnt.c[CNT_rx_frames] += nf;
	for (i = 0; i < nf; i++) {
		const struct hwp_frame *f = &w->frames[i];
		enum herald_frame_outcome o;

		if (f->type != HWP_T_PUBLISH) {
			o = FRAME_control_unhandled;
		} else {
			if (allowed < 0)
				allowed = herald_publish_allowed(ri->src_ip);
			o = allowed ? handle_publish(w, port, m, ri, f, nf == 1,
						     &unknown_acked, &m_taken)
				    : FRAME_publish_not_allowed;
		}
		w->cnt.frame[o]++;
	}
	if (!m_taken)
		rte_pktmbuf_free(m);
}

static inline void
handle_packet(struct herald_worker *w, uint16_t port, struct rte_mbuf *m)
{
	const struct herald_config *cfg = &herald.cfg;
	struct herald_rx_info ri;
	enum herald_nonhwp r;
	enum hwp_err err;
	unsigned int nf;

	r = herald_classify(m, rte_cpu_to_be_32(cfg->address),
			    rte_cpu_to_be_16(cfg->udp_port),
			    cfg->verify_udp_checksum, &ri);
	if (unlikely(r != NONHWP__COUNT)) {
		w->cnt.nonhwp[r]++;
		rte_pktmbuf_free(m);
		return;
	}
	err = hwp_parse(ri.payload, ri.payload_len, HWP_DIR_TO_HERALD,
			w->frames, HWP_MAX_FRAMES_PER_DATAGRAM, &nf, NULL);
	if (unlikely(err != HWP_ERR_OK)) {
		w->cnt.invalid[err]++;
		rte_pktmbuf_free(m);
		return;
	}
	handle_datagram(w, port, m, &ri, nf);
}

/* How many packets the next RX burst may take ("pause at" is exact). */
static inline uint16_t
rx_budget(const struct herald_worker *w)
{
	uint64_t limit = w->pause_at;
	uint64_t rx = w->cnt.c[CNT_rx_packets];

	if (likely(limit == UINT64_MAX))
		return HERALD_BURST;
	return limit <= rx
		       ? 0
		       : (uint16_t)RTE_MIN(limit - rx, (uint64_t)HERALD_BURST);
}

static unsigned int
poll_ports(struct herald_worker *w)
{
	struct rte_mbuf *pkts[HERALD_BURST];
	unsigned int total = 0;
	uint16_t port, n, i, budget;

	for (port = 0; port < herald.n_ports; port++) {
		budget = rx_budget(w);
		if (budget == 0)
			break;
		n = rte_eth_rx_burst(port, (uint16_t)w->index, pkts, budget);
		if (n == 0)
			continue;
		w->cnt.c[CNT_rx_packets] += n;
		w->cnt.port_rx[port] += n;
		total += n;
		for (i = 0; i < n && i < 4; i++)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
		for (i = 0; i < n; i++) {
			if (i + 4 < n)
				rte_prefetch0(
					rte_pktmbuf_mtod(pkts[i + 4], void *));
			handle_packet(w, port, pkts[i]);
		}
	}
	return total;
}

static unsigned int
drain_handoffs(struct herald_worker *w)
{
	struct rte_mbuf *msgs[HERALD_BURST];
	unsigned int n, i;

	n = rte_ring_sc_dequeue_burst(w->handoff, (void **)msgs, HERALD_BURST,
				      NULL);
	w->cnt.c[CNT_handoffs_in] += n;
	for (i = 0; i < n; i++)
		herald_fanout(w, msgs[i]);
	return n;
}

static void
end_of_iteration(struct herald_worker *w)
{
	herald_publish_flush_acks(w);
	herald_tx_flush_all(w);
	/* Forget every RCU-protected pointer before saying so. */
	w->subs_cache_channel = 0;
	w->subs_cache = NULL;
	rte_rcu_qsbr_quiescent(herald.qsv, w->index);
}

int
herald_worker_main(void *arg)
{
	struct herald_worker *w = arg;

	rte_rcu_qsbr_thread_register(herald.qsv, w->index);
	rte_rcu_qsbr_thread_online(herald.qsv, w->index);

	while (!herald.force_quit) {
		uint64_t gen = __atomic_load_n(&w->pause_gen, __ATOMIC_ACQUIRE);
		unsigned int rx;

		w->now_ns = herald_clock_system_ns();
		rx = poll_ports(w);
		drain_handoffs(w);
		end_of_iteration(w);
		/* Paused only once everything received so far has left. */
		if (rx == 0 && rx_budget(w) == 0 &&
		    rte_ring_empty(w->handoff)) {
			if (!w->paused)
				w->cnt.c[CNT_pauses]++;
			w->paused = true;
			__atomic_store_n(&w->paused_gen, gen, __ATOMIC_RELEASE);
		} else {
			w->paused = false;
		}
	}

	/* Stop receiving, then drain hand-offs until no worker can still
	 * send us any: every accepted message is delivered before exit. */
	__atomic_add_fetch(&workers_rx_stopped, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&workers_rx_stopped, __ATOMIC_ACQUIRE) <
		       herald.n_workers ||
	       !rte_ring_empty(w->handoff)) {
		drain_handoffs(w);
		end_of_iteration(w);
	}
	end_of_iteration(w);

	rte_rcu_qsbr_thread_offline(herald.qsv, w->index);
	rte_rcu_qsbr_thread_unregister(herald.qsv, w->index);
	return 0;
}
