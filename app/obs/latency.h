/* SPDX-License-Identifier: BSD-3-Clause
 * Latency histograms per worker (lib/hist: log-linear, in TSC cycles,
 * shown in ns), declared once: "show latency", telemetry /herald/latency
 * and the Prometheus histograms (docs/METRICS.md) all come from this
 * table.
 *
 * Recorded once per worker loop iteration for the messages it
 * sequenced (they share the iteration's receive time), not per message:
 * two TSC reads per busy iteration. A message handed off by another
 * worker counts from the owner's iteration, not from its receive on the
 * other worker (the hand-off's wait is not in the figure).
 */
#ifndef HERALD_LATENCY_H
#define HERALD_LATENCY_H

#include <stdint.h>
#include <stdio.h>

#include "hist.h"

#define HERALD_LATENCIES(X)                                                    \
	X(rx_to_enqueue, "PUBLISH receive to its DELIVERs queued for TX")      \
	X(rx_to_tx, "PUBLISH receive to the return of the TX burst that "      \
		    "sent its DELIVERs")                                       \
	X(nack_to_retransmit, "NACK receive to its RETRANSMITs (or GAP) "      \
			      "queued for TX")

enum herald_latency {
#define X_ENUM(name, help) LAT_##name,
	HERALD_LATENCIES(X_ENUM)
#undef X_ENUM
		LAT__COUNT
};

extern const char *const herald_latency_names[LAT__COUNT];
extern const char *const herald_latency_help[LAT__COUNT];

/* One worker's histograms (written by that worker only). */
struct herald_latency_hists {
	struct hist h[LAT__COUNT];
};

/* Every worker's histogram of kind, merged. */
void herald_latency_merged(enum herald_latency kind, struct hist *out);
/* Cycles of the TSC per second (the workers' measured rate). */
uint64_t herald_latency_hz(void);
/* A histogram value (cycles) in ns. */
uint64_t herald_latency_ns(uint64_t cycles);

/* One kind, all workers, as show, JSON and telemetry give it (ns). */
#define HERALD_LATENCY_QUANTILES 4 /* p50, p90, p99, p999 */
extern const char
	*const herald_latency_quantile_names[HERALD_LATENCY_QUANTILES];
struct herald_latency_summary {
	uint64_t count;
	uint64_t q_ns[HERALD_LATENCY_QUANTILES];
	uint64_t max_ns;
};
void herald_latency_summary(enum herald_latency kind,
			    struct herald_latency_summary *out);

/* "show latency": per kind, all workers: count, p50 p90 p99 p999 max. */
void herald_latency_show(FILE *f);
void herald_latency_json(FILE *f);

#endif /* HERALD_LATENCY_H */
