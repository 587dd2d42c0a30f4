/* SPDX-License-Identifier: BSD-3-Clause
 * Prometheus text exposition (format 0.0.4) of Herald's counters, gauges
 * and latency histograms (docs/METRICS.md). Names and help come from the
 * counter tables (obs/counters.h) and the latency table
 * (obs/latency.h): every counter is herald_<name>_total, per worker
 * (label worker) or per port (label port); control-thread counters are
 * herald_control_<name>_total. No per-channel or per-subscriber labels
 * (cardinality): those are the top-N views. Reads what a counter
 * snapshot reads: each worker's counter block, its latency histograms
 * and a few of its scalars, never its hot tables.
 */
#include <inttypes.h>
#include <stdio.h>

#include <rte_mempool.h>

#include "herald.h"
#include "obs/latency.h"
#include "obs/prom.h"
#include "obs/stats.h"
#include "runtime/runtime.h"

const struct herald_prom_desc herald_prom_metrics[PROM__COUNT] = {
#define X_DESC(id, name, type, labels, help) {name, type, labels, help},
	HERALD_PROM_METRICS(X_DESC)
#undef X_DESC
};

/* # HELP and # TYPE of a family (help escaped: backslash, newline). */
static void
family(FILE *f, const char *name, const char *type, const char *help)
{
	const char *p;

	fprintf(f, "# HELP %s ", name);
	for (p = help; *p != '\0'; p++) {
		if (*p == '\\')
			fputs("\\\\", f);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
	fprintf(f, "\n# TYPE %s %s\n", name, type);
}

static void
family_of(FILE *f, enum herald_prom_metric m)
{
	family(f, herald_prom_metrics[m].name, herald_prom_metrics[m].type,
	       herald_prom_metrics[m].help);
}

/* One counter family per entry of a table, a sample per worker; the
 * value at v[worker][i] is at offset off within each worker's counters. */
static void
worker_counters(FILE *f, const char *prefix, const char *const *names,
		const char *const *help, unsigned int first, unsigned int n,
		size_t off)
{
	const struct herald_lcore *lc;
	char name[160];
	unsigned int i, w;

	for (i = first; i < n; i++) {
		snprintf(name, sizeof(name), "herald_%s%s_total", prefix,
			 names[i]);
		family(f, name, "counter", help[i]);
		for (w = 0; (lc = herald_lcore_get(w)) != NULL; w++) {
			const uint64_t *v =
				(const uint64_t *)((const char *)&lc->cnt +
						   off);

			fprintf(f, "%s{worker=\"%u\"} %" PRIu64 "\n", name, w,
				v[i]);
		}
	}
}

static void
port_counters(FILE *f)
{
	static const struct {
		enum herald_prom_metric m;
		size_t off;
	} pc[] = {
		{PROM_port_rx, offsetof(struct herald_counters, port_rx)},
		{PROM_port_tx, offsetof(struct herald_counters, port_tx)},
		{PROM_port_tx_dropped,
		 offsetof(struct herald_counters, port_tx_dropped)},
	};
	const struct herald_lcore *lc;
	unsigned int k, w;
	uint16_t p;

	for (k = 0; k < RTE_DIM(pc); k++) {
		const char *name = herald_prom_metrics[pc[k].m].name;

		family_of(f, pc[k].m);
		for (p = 0; p < herald.n_ports; p++) {
			uint64_t sum = 0;

			for (w = 0; (lc = herald_lcore_get(w)) != NULL; w++)
				sum += ((const uint64_t *)((const char *)&lc
								   ->cnt +
							   pc[k].off))[p];
			fprintf(f, "%s{port=\"%u\"} %" PRIu64 "\n", name, p,
				sum);
		}
	}
}

static void
control_counters(FILE *f)
{
	char name[160];
	unsigned int i;

	for (i = 0; i < CTL__COUNT; i++) {
		snprintf(name, sizeof(name), "herald_control_%s_total",
			 herald_control_names[i]);
		family(f, name, "counter", herald_control_help[i]);
		fprintf(f, "%s %" PRIu64 "\n", name, herald.ctl_cnt.c[i]);
	}
}

/* Per-worker gauges: what each holds now. */
static void
worker_gauges(FILE *f)
{
	const struct herald_lcore *lc;
	unsigned int w;

	family_of(f, PROM_sessions);
	for (w = 0; (lc = herald_lcore_get(w)) != NULL; w++)
		fprintf(f, "%s{worker=\"%u\"} %u\n",
			herald_prom_metrics[PROM_sessions].name, w,
			lc->n_sessions);
	family_of(f, PROM_channels);
	for (w = 0; (lc = herald_lcore_get(w)) != NULL; w++)
		fprintf(f, "%s{worker=\"%u\"} %u\n",
			herald_prom_metrics[PROM_channels].name, w,
			lc->n_channels);
	family_of(f, PROM_history_bytes);
	for (w = 0; (lc = herald_lcore_get(w)) != NULL; w++)
		fprintf(f, "%s{worker=\"%u\"} %" PRIu64 "\n",
			herald_prom_metrics[PROM_history_bytes].name, w,
			lc->hist_end - lc->hist_floor);
}

static void
pool_gauges(FILE *f)
{
	unsigned int i;

	family_of(f, PROM_pool_in_use);
	for (i = 0; i < herald.n_pools; i++)
		fprintf(f, "%s{pool=\"%s\"} %u\n",
			herald_prom_metrics[PROM_pool_in_use].name,
			herald.pools[i].mp->name,
			rte_mempool_in_use_count(herald.pools[i].mp));
	family_of(f, PROM_pool_size);
	for (i = 0; i < herald.n_pools; i++)
		fprintf(f, "%s{pool=\"%s\"} %u\n",
			herald_prom_metrics[PROM_pool_size].name,
			herald.pools[i].mp->name, herald.pools[i].mp->size);
}

/* A value in seconds, exactly enough for the scraper. */
static void
seconds(FILE *f, uint64_t cycles, uint64_t hz)
{
	fprintf(f, "%.9g", (double)cycles / (double)hz);
}

/*
 * Each latency kind as a histogram per worker, in seconds: buckets at
 * every power of two of TSC cycles from 2^6 (tens of ns) to 2^36 (tens
 * of seconds), which are bucket edges of lib/hist, so each count is
 * exact.
 */
static void
latency_histograms(FILE *f)
{
	const struct herald_lcore *lc;
	uint64_t hz = herald_latency_hz();
	char name[128];
	unsigned int k, w, e;

	for (k = 0; k < LAT__COUNT; k++) {
		snprintf(name, sizeof(name), "herald_latency_%s_seconds",
			 herald_latency_names[k]);
		family(f, name, "histogram", herald_latency_help[k]);
		for (w = 0; (lc = herald_lcore_get(w)) != NULL; w++) {
			const struct hist *h = &lc->lat.h[k];
			uint64_t count = h->count;

			for (e = 6; e <= 36; e++) {
				fprintf(f, "%s_bucket{worker=\"%u\",le=\"",
					name, w);
				seconds(f, 1ULL << e, hz);
				fprintf(f, "\"} %" PRIu64 "\n",
					hist_count_le(h, (1ULL << e) - 1));
			}
			fprintf(f,
				"%s_bucket{worker=\"%u\",le=\"+Inf\"} %" PRIu64
				"\n",
				name, w, count);
			fprintf(f, "%s_sum{worker=\"%u\"} ", name, w);
			seconds(f, h->sum, hz);
			fprintf(f, "\n%s_count{worker=\"%u\"} %" PRIu64 "\n",
				name, w, count);
		}
	}
}

void
herald_prom_write(FILE *f)
{
	family_of(f, PROM_info);
	fprintf(f, "herald_info{version=\"%s\",epoch=\"%08x\"} 1\n",
		HERALD_VERSION, herald.epoch);
	family_of(f, PROM_workers);
	fprintf(f, "herald_workers %u\n", herald.n_workers);
	family_of(f, PROM_tsc_hz);
	fprintf(f, "herald_tsc_hertz %" PRIu64 "\n", herald_latency_hz());
	worker_counters(f, "", herald_counter_names, herald_counter_help, 0,
			CNT__COUNT, offsetof(struct herald_counters, c));
	worker_counters(f, "frame_", herald_frame_names, herald_frame_help, 0,
			FRAME__COUNT, offsetof(struct herald_counters, frame));
	worker_counters(f, "nonhwp_", herald_nonhwp_names, herald_nonhwp_help,
			0, NONHWP__COUNT,
			offsetof(struct herald_counters, nonhwp));
	/* Index 0 is "ok", not a drop reason. */
	worker_counters(f, "invalid_", herald_invalid_names,
			herald_invalid_help, 1, HWP_ERR__COUNT,
			offsetof(struct herald_counters, invalid));
	port_counters(f);
	control_counters(f);
	worker_gauges(f);
	pool_gauges(f);
	latency_histograms(f);
}
