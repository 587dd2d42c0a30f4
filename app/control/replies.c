/* SPDX-License-Identifier: BSD-3-Clause
 * Failure SUBACKs (any status but OK), sent by the control thread on its
 * own TX queue of the egress port (or through worker 0 where the port
 * has no queue for it), at a limited rate per source address: a token
 * bucket per source, kept as GCRA's theoretical arrival time (one 64-bit
 * value), fail_replies_per_s with a depth of fail_reply_burst. Sources
 * live in a two-way set-associative table; a new source takes the way
 * heard from least recently. Whatever the table forgets, a source never
 * gets more bytes than it sent: one SUBACK (40 bytes) answers at most one
 * frame (72 bytes). The clock is the item's receive time, so a replay
 * is answered alike every time.
 */
#include <stdlib.h>

#include <rte_ethdev.h>
#include <rte_hash_crc.h>
#include <rte_ring.h>

#include "control/plane.h"
#include "dataplane/udp_out.h"
#include "herald.h"

/* Failure SUBACKs buffered before a TX burst. */
#define REPLY_BURST 32

struct rate_entry {
	uint32_t ip;  /* 0: free (0.0.0.0 is never a source) */
	uint64_t tat; /* ns: when the bucket is full again */
};

static struct {
	struct rate_entry *e;
	uint32_t mask; /* sets - 1 */
	uint64_t interval_ns, tolerance_ns;
	uint32_t seed;
	struct rte_mbuf *pending[REPLY_BURST];
	unsigned int n_pending;
} R;

int
ctl_replies_init(void)
{
	const struct herald_config *cfg = &herald.cfg;
	uint32_t sets = rte_align32pow2(RTE_MAX(cfg->rate_sources / 2, 1u));

	R.e = calloc((size_t)sets * 2, sizeof(*R.e));
	R.mask = sets - 1;
	R.interval_ns = cfg->fail_replies_per_s == 0
				? 0
				: 1000000000ull / cfg->fail_replies_per_s;
	R.tolerance_ns = R.interval_ns * (cfg->fail_reply_burst - 1);
	/* Which sources share a set is not for a client to choose, except
	 * that a fixed instance epoch (replays) fixes it too. */
	R.seed = cfg->epoch != 0 ? cfg->epoch : (uint32_t)rte_rdtsc();
	R.n_pending = 0;
	return R.e == NULL ? -1 : 0;
}

void
ctl_replies_free(void)
{
	ctl_replies_flush();
	free(R.e);
	R.e = NULL;
}

/* The source's bucket: found, or the least recent way of its set. */
static struct rate_entry *
rate_entry(uint32_t ip, uint64_t now_ns)
{
	struct rate_entry *set =
		&R.e[(rte_hash_crc_4byte(ip, R.seed) & R.mask) * 2];
	struct rate_entry *e;

	if (set[0].ip == ip)
		return &set[0];
	if (set[1].ip == ip)
		return &set[1];
	e = set[0].tat <= set[1].tat ? &set[0] : &set[1];
	e->ip = ip;
	e->tat = now_ns; /* a full bucket */
	return e;
}

/* GCRA: conforming if the bucket is not past its depth. */
static bool
rate_allow(uint32_t ip, uint64_t now_ns)
{
	struct rate_entry *e;
	uint64_t tat;

	if (R.interval_ns == 0)
		return false;
	e = rate_entry(ip, now_ns);
	tat = RTE_MAX(e->tat, now_ns);
	if (tat - now_ns > R.tolerance_ns)
		return false;
	e->tat = tat + R.interval_ns;
	return true;
}

/* The port the control thread's packets leave on, through its queue
 * or worker 0's ring. */
static void
reply_queue(struct rte_mbuf *m)
{
	R.pending[R.n_pending++] = m;
	if (R.n_pending == REPLY_BURST)
		ctl_replies_flush();
}

void
ctl_replies_flush(void)
{
	uint16_t port = herald.cfg.egress_port;
	unsigned int n = R.n_pending, sent;
	struct herald_ctl_counters *cc = &herald.ctl_cnt;

	if (n == 0)
		return;
	R.n_pending = 0;
	if (herald.ports[port].has_ctl_queue) {
		sent = rte_eth_tx_burst(port, (uint16_t)herald.n_workers,
					R.pending, (uint16_t)n);
		cc->c[CTL_tx_packets] += sent;
	} else {
		sent = rte_ring_sp_enqueue_burst(herald.lcores[0]->ctl_tx,
						 (void **)R.pending, n, NULL);
		cc->c[CTL_tx_forwarded] += sent;
	}
	if (sent < n) {
		cc->c[CTL_tx_dropped] += n - sent;
		rte_pktmbuf_free_bulk(R.pending + sent, n - sent);
	}
}

void
ctl_reply_fail(const struct herald_ctl_item *it, uint8_t status,
	       uint64_t now_ns)
{
	const struct herald_config *cfg = &herald.cfg;
	uint16_t port = cfg->egress_port;
	struct hwp_suback sa = {
		.channel = it->channel,
		.subscriber = it->subscriber,
		.status = status,
	};
	uint8_t frame[HWP_SUBACK_LEN];
	struct herald_udp_tmpl t;
	struct rte_mbuf *m;

	if (!rate_allow(it->src_ip, now_ns)) {
		herald.ctl_cnt.c[CTL_fail_replies_limited]++;
		return;
	}
	herald_udp_tmpl_build(
		&t, &herald.ports[port].mac,
		cfg->has_next_hop_mac ? &cfg->next_hop_mac : &it->src_mac,
		cfg->address, cfg->udp_port, it->src_ip, it->src_port);
	hwp_encode_suback(frame, sizeof(frame), &sa);
	m = herald_udp_frame_mbuf(herald.hdr_pool, &t, frame, sizeof(frame),
				  herald.ports[port].csum_offload);
	if (m == NULL) {
		herald.ctl_cnt.c[CTL_fail_replies_nombuf]++;
		return;
	}
	m->port = port;
	herald.ctl_cnt.c[CTL_fail_replies]++;
	herald.ctl_cnt.c[CTL_fail_reply_bytes] += HWP_SUBACK_LEN;
	reply_queue(m);
}
