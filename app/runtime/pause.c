/* SPDX-License-Identifier: BSD-3-Clause
 * "pause at N", controller side. Exact with any number of workers: the
 * command returns only once every worker has received N packets, sits
 * idle at that point, and every message any of them handed off has been
 * processed by its owner (hand-offs out == in over the workers' own
 * idle-time reports), so what the next command changes applies to
 * packet N + 1 onwards and to nothing before it.
 */
#include <inttypes.h>

#include <rte_cycles.h>

#include "herald.h"
#include "runtime/pause.h"

/* A consistent copy of worker lc's last idle report; false if the worker
 * was writing it. */
static bool
read_report(const struct herald_lcore *lc, uint64_t *gen, uint64_t *out,
	    uint64_t *in)
{
	uint32_t s1 = __atomic_load_n(&lc->pause_report.seq, __ATOMIC_ACQUIRE);

	if (s1 & 1)
		return false;
	*gen = lc->pause_report.gen;
	*out = lc->pause_report.handoffs_out;
	*in = lc->pause_report.handoffs_in;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return __atomic_load_n(&lc->pause_report.seq, __ATOMIC_RELAXED) == s1;
}

/* Every worker idle at generation gen[i] with no hand-off in flight. */
static bool
all_paused(const uint64_t *want)
{
	uint64_t gen, out, in, sum_out = 0, sum_in = 0;
	unsigned int i;

	for (i = 0; i < herald.n_workers; i++) {
		if (!read_report(herald.lcores[i], &gen, &out, &in) ||
		    gen != want[i])
			return false;
		sum_out += out;
		sum_in += in;
	}
	return sum_out == sum_in;
}

void
herald_pause_hold(void)
{
	unsigned int i;

	for (i = 0; i < herald.n_workers; i++)
		herald.lcores[i]->pause_at = 0;
}

void
herald_pause_release(void)
{
	unsigned int i;

	for (i = 0; i < herald.n_workers; i++)
		herald.lcores[i]->pause_at = UINT64_MAX;
}

/* Set every worker's pause point and wait until all are idle there with
 * no hand-off in flight. */
static int
pause_and_wait(uint64_t packets, const char **why)
{
	uint64_t deadline = rte_get_tsc_cycles() +
			    rte_get_tsc_hz() / 1000 * HERALD_PAUSE_TIMEOUT_MS;
	uint64_t gen[HERALD_MAX_WORKERS];
	unsigned int i;

	for (i = 0; i < herald.n_workers; i++) {
		struct herald_lcore *lc = herald.lcores[i];

		lc->pause_at = packets;
		gen[i] =
			__atomic_add_fetch(&lc->pause_gen, 1, __ATOMIC_RELEASE);
	}
	while (!all_paused(gen)) {
		if (herald.force_quit || rte_get_tsc_cycles() > deadline) {
			*why = "not reached (input ended?)";
			return -1;
		}
		rte_delay_us_sleep(100);
	}
	return 0;
}

int
herald_pause_drain(const char **why)
{
	/* 0 is below every count: each worker stops where it is. */
	return pause_and_wait(0, why);
}

int
herald_pause_at(uint64_t packets, const char **why)
{
	unsigned int i;

	for (i = 0; i < herald.n_workers; i++)
		if (herald.lcores[i]->cnt.c[CNT_rx_packets] > packets) {
			*why = "a worker has already received more packets";
			return -1;
		}
	if (pause_and_wait(packets, why) < 0)
		return -1;
	for (i = 0; i < herald.n_workers; i++)
		if (herald.lcores[i]->cnt.c[CNT_rx_packets] != packets) {
			*why = "a worker received past the pause point "
			       "(traffic flowed while not paused)";
			return -1;
		}
	return 0;
}
