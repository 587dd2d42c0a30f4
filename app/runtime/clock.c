/* SPDX-License-Identifier: BSD-3-Clause
 * Clock setup.
 */
#include <time.h>

#include "runtime/clock.h"

struct herald_clock herald_clock = {.ts_offset = -1};

/* A (TSC, CLOCK_MONOTONIC_RAW ns) pair read as close together as a few
 * tries allow: the TSC reads that bracket the clock read tightest. */
static void
tsc_clock_pair(uint64_t *tsc, uint64_t *ns)
{
	uint64_t best = UINT64_MAX, t0, t1;
	struct timespec ts;
	int i;

	for (i = 0; i < 16; i++) {
		t0 = rte_rdtsc_precise();
		clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
		t1 = rte_rdtsc_precise();
		if (t1 - t0 < best) {
			best = t1 - t0;
			*tsc = t0 + (t1 - t0) / 2;
			*ns = (uint64_t)ts.tv_sec * 1000000000ULL +
			      (uint64_t)ts.tv_nsec;
		}
	}
}

/*
 * The TSC rate, measured: rte_get_tsc_hz() may be the CPU's nominal
 * frequency, and on a VM that is off by tenths of a percent, which put
 * DELIVER timestamps milliseconds behind the system clock within
 * seconds. 50 ms against CLOCK_MONOTONIC_RAW (not slewed by NTP) is
 * good to a few parts in 10^6.
 */
static uint64_t
tsc_hz_measured(void)
{
	uint64_t tsc0, ns0, tsc1, ns1;

	tsc_clock_pair(&tsc0, &ns0);
	rte_delay_us_sleep(50000);
	tsc_clock_pair(&tsc1, &ns1);
	if (ns1 <= ns0 || tsc1 <= tsc0)
		return rte_get_tsc_hz();
	return (uint64_t)((double)(tsc1 - tsc0) * 1e9 / (double)(ns1 - ns0));
}

int
herald_clock_init(int pcap_mode)
{
	struct timespec ts;

	herald_clock.tsc_hz = tsc_hz_measured();
	clock_gettime(CLOCK_REALTIME, &ts);
	herald_clock.base_tsc = rte_rdtsc();
	herald_clock.base_ns =
		(uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	herald_clock.pcap = pcap_mode;
	/* Registers the field or finds the one net_pcap registered. */
	if (rte_mbuf_dyn_rx_timestamp_register(&herald_clock.ts_offset,
					       &herald_clock.ts_flag) < 0) {
		herald_clock.ts_offset = -1;
		herald_clock.ts_flag = 0;
		return pcap_mode ? -1 : 0;
	}
	return 0;
}
