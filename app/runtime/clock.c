/* SPDX-License-Identifier: BSD-3-Clause
 * Clock setup.
 */
#include <time.h>

#include "runtime/clock.h"

struct herald_clock herald_clock = {.ts_offset = -1};

int
herald_clock_init(int pcap_mode)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	herald_clock.base_tsc = rte_rdtsc();
	herald_clock.base_ns =
		(uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	herald_clock.tsc_hz = rte_get_tsc_hz();
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
