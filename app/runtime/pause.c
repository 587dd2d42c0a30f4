/* SPDX-License-Identifier: BSD-3-Clause
 * "pause at N", controller side. Exact with any number of workers: the
 * command returns only once every worker has received N packets, sits
 * idle at that point, and every message any of them handed off has been
 * processed by its owner (hand-offs out == in over the workers' own
 * idle-time reports), so what the next command changes applies to
 * packet N + 1 onwards and to nothing before it.
 */
#include <inttypes.h>
#include <stdbool.h>

#include <rte_cycles.h>

#include "herald.h"
#include "runtime/pause.h"

/* The control plane's part of a pause (NULL in tests without one). */
static herald_pause_settle_fn settle_fn;

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

	/* Changes made while paused apply to what follows. */
	if (settle_fn != NULL)
		settle_fn(false);
	for (i = 0; i < herald.n_workers; i++)
		herald.lcores[i]->pause_at = UINT64_MAX;
}

/*
 * The one pause in progress (the control thread runs one at a time).
 * Stages: the workers reach their point; then the control plane settles
 * (what they queued for it is applied, and its requests to them are
 * queued); then the workers report idle once more, having answered
 * those requests, so everything the packets before the point caused
 * has been sent.
 */
static struct {
	enum { PAUSE_NONE, PAUSE_WORKERS, PAUSE_SETTLE, PAUSE_FINAL } stage;
	uint64_t packets;
	uint64_t deadline;
	uint64_t gen[HERALD_MAX_WORKERS];
} pz;

void
herald_pause_set_settle(herald_pause_settle_fn fn)
{
	settle_fn = fn;
}

/* A new report generation from every worker at its current point. */
static void
pause_request_reports(void)
{
	unsigned int i;

	for (i = 0; i < herald.n_workers; i++)
		pz.gen[i] = __atomic_add_fetch(&herald.lcores[i]->pause_gen, 1,
					       __ATOMIC_RELEASE);
}

static int
pause_begin(uint64_t packets, const char **why)
{
	unsigned int i;

	if (pz.stage != PAUSE_NONE) {
		*why = "another pause is in progress";
		return -1;
	}
	/* What was changed before the pause applies before the point. */
	if (settle_fn != NULL)
		settle_fn(false);
	for (i = 0; i < herald.n_workers; i++)
		herald.lcores[i]->pause_at = packets;
	pz.packets = packets;
	pz.deadline = rte_get_tsc_cycles() +
		      rte_get_tsc_hz() / 1000 * HERALD_PAUSE_TIMEOUT_MS;
	pause_request_reports();
	pz.stage = PAUSE_WORKERS;
	return 0;
}

int
herald_pause_start(uint64_t packets, const char **why)
{
	unsigned int i;

	for (i = 0; i < herald.n_workers; i++)
		if (herald.lcores[i]->cnt.c[CNT_rx_packets] > packets) {
			*why = "a worker has already received more packets";
			return -1;
		}
	return pause_begin(packets, why);
}

/* The exact point was asked for: every worker stopped on it. */
static int
pause_check_point(const char **why)
{
	unsigned int i;

	if (pz.packets == 0)
		return 0; /* a drain: wherever they are */
	for (i = 0; i < herald.n_workers; i++)
		if (herald.lcores[i]->cnt.c[CNT_rx_packets] != pz.packets) {
			*why = "a worker received past the pause point "
			       "(traffic flowed while not paused)";
			return -1;
		}
	return 0;
}

int
herald_pause_poll(const char **why)
{
	if (pz.stage == PAUSE_NONE) {
		*why = "no pause in progress";
		return -1;
	}
	if (herald.force_quit || rte_get_tsc_cycles() > pz.deadline) {
		pz.stage = PAUSE_NONE;
		*why = "not reached (input ended?)";
		return -1;
	}
	switch (pz.stage) {
	case PAUSE_WORKERS:
		if (!all_paused(pz.gen))
			return 0;
		pz.stage = PAUSE_SETTLE;
		/* fall through */
	case PAUSE_SETTLE:
		if (settle_fn != NULL && !settle_fn(true))
			return 0;
		pause_request_reports();
		pz.stage = PAUSE_FINAL;
		/* fall through */
	case PAUSE_FINAL:
		if (!all_paused(pz.gen))
			return 0;
		break;
	default: break;
	}
	pz.stage = PAUSE_NONE;
	return pause_check_point(why) < 0 ? -1 : 1;
}

bool
herald_pause_pending(void)
{
	return pz.stage != PAUSE_NONE;
}

/* Start a pause and poll it until done (shutdown and the blocking
 * callers): the control plane keeps being served through settle_fn. */
static int
pause_wait(int started, const char **why)
{
	int rc = started;

	if (rc < 0)
		return -1;
	while ((rc = herald_pause_poll(why)) == 0)
		rte_delay_us_sleep(100);
	return rc > 0 ? 0 : -1;
}

int
herald_pause_drain(const char **why)
{
	/* Shutdown: a pause still in progress gives way. */
	pz.stage = PAUSE_NONE;
	/* 0 is below every count: each worker stops where it is. */
	return pause_wait(pause_begin(0, why), why);
}

int
herald_pause_at(uint64_t packets, const char **why)
{
	return pause_wait(herald_pause_start(packets, why), why);
}
