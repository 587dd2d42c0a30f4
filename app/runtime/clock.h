/* SPDX-License-Identifier: BSD-3-Clause
 * Herald's clock: system time from the TSC, or (--clock pcap) the capture
 * time of the packet being processed, so replays are deterministic.
 */
#ifndef HERALD_CLOCK_H
#define HERALD_CLOCK_H

#include <stdint.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

struct herald_clock {
	uint64_t base_ns; /* CLOCK_REALTIME at start */
	uint64_t base_tsc;
	uint64_t tsc_hz;
	int ts_offset; /* rx timestamp dynfield, -1 if none */
	uint64_t ts_flag;
	int pcap; /* use packet timestamps */
};

extern struct herald_clock herald_clock;

/* Returns 0, or -1 if pcap mode was asked but no PMD stamps packets. */
int herald_clock_init(int pcap_mode);

/* Workers read their own copy of herald_clock (in their lcore
 * context); other threads read the global. tsc_ns: the time of a TSC
 * value already read (the worker loop reuses it for its busy cycles). */
static inline uint64_t
herald_clock_tsc_ns(const struct herald_clock *c, uint64_t tsc)
{
	uint64_t d = tsc - c->base_tsc;

	return c->base_ns + d / c->tsc_hz * 1000000000ULL +
	       d % c->tsc_hz * 1000000000ULL / c->tsc_hz;
}

static inline uint64_t
herald_clock_system_ns(const struct herald_clock *c)
{
	return herald_clock_tsc_ns(c, rte_rdtsc());
}

/* Receive time of m: its capture time in pcap mode (net_pcap stamps in
 * microseconds), else the burst's system time. */
static inline uint64_t
herald_clock_rx_ns(const struct herald_clock *c, const struct rte_mbuf *m,
		   uint64_t burst_ns)
{
	if (c->pcap && (m->ol_flags & c->ts_flag) != 0)
		return *RTE_MBUF_DYNFIELD(m, c->ts_offset,
					  const rte_mbuf_timestamp_t *) *
		       1000ULL;
	return burst_ns;
}

#endif /* HERALD_CLOCK_H */
