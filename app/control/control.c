/* SPDX-License-Identifier: BSD-3-Clause
 * Control loop on the main lcore: the network's SUBSCRIBEs, the batch
 * they and the operator make, liveness, the CLI, RCU reclamation, live
 * rates, idle detection. Never blocks on the workers: a pause is a
 * state it polls.
 */
#include <rte_cycles.h>
#include <rte_ring.h>

#include "cli/cli.h"
#include "control/control.h"
#include "control/ctlsock.h"
#include "control/plane.h"
#include "herald.h"
#include "obs/stats.h"
#include "subtab.h"

/* Items (SUBSCRIBE/UNSUBSCRIBE) handled per loop iteration at most, so
 * that the CLI and the batch are served in between. */
#define CTL_ITEMS_PER_LOOP 32768

uint64_t
ctl_now_ns(void)
{
	uint64_t t = 0, c;
	unsigned int i;

	if (!herald_clock.pcap)
		return herald_clock_system_ns(&herald_clock);
	/* With --clock pcap the clock is the newest capture time seen. */
	for (i = 0; i < herald.n_workers; i++) {
		c = __atomic_load_n(&herald.lcores[i]->clock_ns,
				    __ATOMIC_RELAXED);
		if (c > t)
			t = c;
	}
	return t;
}

uint64_t
herald_control_now_ns(void)
{
	return ctl_now_ns();
}

/* One round of the control plane's work; returns the items taken. */
static unsigned int
control_work(unsigned int budget)
{
	unsigned int n = ctl_items_poll(budget);

	ctl_batch_publish();
	ctl_replies_flush();
	return n;
}

void
herald_control_flush(void)
{
	control_work(0);
}

/*
 * A pause point's part of the control plane: everything the workers
 * passed before their point is applied and published, and every endpoint
 * silent at that time has expired, so that what follows the point sees
 * the same tables in every run. True once nothing is left.
 */
bool
herald_control_settle(bool at_point)
{
	if (!at_point) {
		herald_control_flush();
		return ctl_batch_empty();
	}
	while (control_work(CTL_ITEMS_PER_LOOP) != 0)
		;
	ctl_ep_sweep_all(ctl_now_ns());
	control_work(0);
	return ctl_items_empty() && ctl_batch_empty();
}

void
herald_control_init(void)
{
	herald_pause_set_settle(herald_control_settle);
}

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
		if (!rte_ring_empty(herald.lcores[i]->handoff) ||
		    !rte_ring_empty(herald.lcores[i]->ctl_reqs))
			return false;
	return ctl_items_empty() && ctl_batch_empty();
}

/* Bumped every loop, read by /healthz (another thread). */
static uint64_t control_loops;

uint64_t
herald_control_heartbeat(void)
{
	return __atomic_load_n(&control_loops, __ATOMIC_RELAXED);
}

void
herald_control_run(const struct herald_control_opts *o)
{
	uint64_t hz = rte_get_tsc_hz();
	uint64_t now = rte_get_tsc_cycles();
	uint64_t next_tick = now + hz, last_rx = total_rx(), last_change = now;

	while (!herald.force_quit && !herald.stop_requested) {
		unsigned int items;
		uint64_t rx;

		__atomic_store_n(&control_loops, control_loops + 1,
				 __ATOMIC_RELAXED);
		herald_cli_service();
		herald_ctlsock_poll();
		items = control_work(CTL_ITEMS_PER_LOOP);
		ctl_ep_sweep(ctl_now_ns());
		herald_control_serve_queries();
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
			if (items == 0)
				rte_delay_us_sleep(HERALD_CONTROL_PERIOD_US);
			continue;
		}
		rx = total_rx();
		if (o->exit_after_packets != 0 && rx >= o->exit_after_packets)
			break;
		if (rx != last_rx || !rings_empty()) {
			last_rx = rx;
			last_change = now;
		} else if (o->exit_when_idle_ms != 0 &&
			   now - last_change >
				   o->exit_when_idle_ms * hz / 1000) {
			break;
		}
		/* Busy with SUBSCRIBEs: straight on. */
		if (items == 0)
			rte_delay_us_sleep(HERALD_CONTROL_PERIOD_US);
	}
	herald_control_stop_workers();
}

void
herald_control_stop_workers(void)
{
	const char *why = "";

	/* Whatever ended the run (the input, a signal, quit), what was
	 * received is handled first: the control plane applies what the
	 * workers passed it, they answer and send it, then they stop. */
	if (!herald.force_quit && herald_pause_drain(&why) < 0)
		fprintf(stderr, "herald: cannot drain: %s\n", why);
	herald.force_quit = true;
}
