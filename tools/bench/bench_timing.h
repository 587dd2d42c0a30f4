/* SPDX-License-Identifier: BSD-3-Clause
 * The C benchmarks' timing harness: calibrate a loop to about RUN_MS
 * milliseconds, time it RUNS times, report ns per iteration sorted (so the
 * median is ns[runs / 2]). The loop itself stays in the benchmark, with
 * the code under test inlined in it; the harness calls it once per run.
 */
#ifndef HERALD_BENCH_TIMING_H
#define HERALD_BENCH_TIMING_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#define BENCH_MAX_RUNS 101

/* Runs iters iterations of one case; returns the elapsed ns. */
typedef uint64_t (*bench_loop_fn)(const void *arg, uint64_t iters);

static inline uint64_t
bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * ns[0..runs-1] = ns per iteration of `runs` timed loops, ascending.
 * Calibration grows the iteration count until one loop lasts about
 * run_ms / 4, then scales it up; it also warms caches and predictors.
 */
static inline void
bench_time(bench_loop_fn loop, const void *arg, unsigned int runs,
	   unsigned int run_ms, double *ns)
{
	uint64_t iters = 1000;
	unsigned int r;

	while (loop(arg, iters) < run_ms * 250000ULL)
		iters *= 2;
	iters *= 4;
	for (r = 0; r < runs; r++)
		ns[r] = (double)loop(arg, iters) / (double)iters;
	qsort(ns, runs, sizeof(ns[0]), bench_cmp_double);
}

#endif /* HERALD_BENCH_TIMING_H */
