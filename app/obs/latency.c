/* SPDX-License-Identifier: BSD-3-Clause
 * Latency histograms: the table, merging the workers', "show latency".
 */
#include <inttypes.h>

#include "herald.h"
#include "obs/latency.h"
#include "obs/stats.h"
#include "runtime/runtime.h"

const char *const herald_latency_names[LAT__COUNT] = {
#define X_NAME(name, help) #name,
	HERALD_LATENCIES(X_NAME)
#undef X_NAME
};

const char *const herald_latency_help[LAT__COUNT] = {
#define X_HELP(name, help) help,
	HERALD_LATENCIES(X_HELP)
#undef X_HELP
};

static const double quantiles[HERALD_LATENCY_QUANTILES] = {0.5, 0.9, 0.99,
							   0.999};
const char *const herald_latency_quantile_names[HERALD_LATENCY_QUANTILES] = {
	"p50", "p90", "p99", "p999"};

void
herald_latency_merged(enum herald_latency kind, struct hist *out)
{
	const struct herald_lcore *lc;
	unsigned int i;

	hist_reset(out);
	for (i = 0; (lc = herald_lcore_get(i)) != NULL; i++)
		hist_merge(out, &lc->lat.h[kind]);
}

uint64_t
herald_latency_hz(void)
{
	const struct herald_lcore *lc = herald_lcore_get(0);

	return lc != NULL && lc->conf.clock.tsc_hz != 0 ? lc->conf.clock.tsc_hz
							: rte_get_tsc_hz();
}

uint64_t
herald_latency_ns(uint64_t cycles)
{
	uint64_t hz = herald_latency_hz();

	return cycles / hz * 1000000000ULL + cycles % hz * 1000000000ULL / hz;
}

void
herald_latency_summary(enum herald_latency kind,
		       struct herald_latency_summary *out)
{
	struct hist h;
	unsigned int q;

	herald_latency_merged(kind, &h);
	out->count = h.count;
	for (q = 0; q < HERALD_LATENCY_QUANTILES; q++)
		out->q_ns[q] =
			herald_latency_ns(hist_quantile(&h, quantiles[q]));
	out->max_ns = herald_latency_ns(h.max);
}

void
herald_latency_show(FILE *f)
{
	struct herald_latency_summary s;
	unsigned int k, q;

	fprintf(f, "  %-20s %12s %10s %10s %10s %10s %10s  (ns)\n", "latency",
		"count", "p50", "p90", "p99", "p999", "max");
	for (k = 0; k < LAT__COUNT; k++) {
		herald_latency_summary(k, &s);
		fprintf(f, "  %-20s %12" PRIu64, herald_latency_names[k],
			s.count);
		for (q = 0; q < HERALD_LATENCY_QUANTILES; q++)
			fprintf(f, " %10" PRIu64, s.q_ns[q]);
		fprintf(f, " %10" PRIu64 "\n", s.max_ns);
	}
}

void
herald_latency_json(FILE *f)
{
	struct herald_latency_summary s;
	unsigned int k, q;

	fprintf(f, "{");
	for (k = 0; k < LAT__COUNT; k++) {
		herald_latency_summary(k, &s);
		fprintf(f, "%s\"%s\": {\"count\": %" PRIu64, k ? ", " : "",
			herald_latency_names[k], s.count);
		for (q = 0; q < HERALD_LATENCY_QUANTILES; q++)
			fprintf(f, ", \"%s_ns\": %" PRIu64,
				herald_latency_quantile_names[q], s.q_ns[q]);
		fprintf(f, ", \"max_ns\": %" PRIu64 "}", s.max_ns);
	}
	fprintf(f, "}\n");
}
