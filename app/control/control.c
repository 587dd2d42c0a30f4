/* SPDX-License-Identifier: BSD-3-Clause
 * Control loop on the main lcore.
 */
#include <rte_cycles.h>
#include <rte_ring.h>

#include "cli/cli.h"
#include "control/control.h"
#include "control/ctlsock.h"
#include "herald.h"
#include "obs/stats.h"
#include "subtab.h"

static uint64_t
total_rx(void)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < herald.n_workers; i++)
		n += herald.lcores[i]->cnt.c[CNT_rx_packets];
	return n;
}

static bool
rings_empty(void)
{
	unsigned int i;

	for (i = 0; i < herald.n_workers; i++)
		if (!rte_ring_empty(herald.lcores[i]->handoff))
			return false;
	return true;
}

void
herald_control_run(const struct herald_control_opts *o)
{
	uint64_t hz = rte_get_tsc_hz();
	uint64_t now = rte_get_tsc_cycles();
	uint64_t next_tick = now + hz, last_rx = total_rx(), last_change = now;

	while (!herald.force_quit) {
		uint64_t rx;

		herald_cli_service();
		herald_ctlsock_poll();
		now = rte_get_tsc_cycles();
		if (now >= next_tick) {
			herald_stats_tick();
			subtab_reclaim(herald.subs);
			next_tick = now + hz;
		}
		/* The startup command file holds the workers (at its pause
		 * points): no end of input before it is done. */
		if (herald_cli_starting()) {
			last_change = now;
			rte_delay_us_sleep(HERALD_CONTROL_PERIOD_US);
			continue;
		}
		rx = total_rx();
		if (o->exit_after_packets != 0 && rx >= o->exit_after_packets) {
			const char *why = "";

			if (herald_pause_drain(&why) < 0)
				fprintf(stderr, "herald: cannot drain: %s\n",
					why);
			herald.force_quit = true;
			break;
		}
		if (rx != last_rx || !rings_empty()) {
			last_rx = rx;
			last_change = now;
		} else if (o->exit_when_idle_ms != 0 &&
			   now - last_change >
				   o->exit_when_idle_ms * hz / 1000) {
			herald.force_quit = true;
		}
		rte_delay_us_sleep(HERALD_CONTROL_PERIOD_US);
	}
}
