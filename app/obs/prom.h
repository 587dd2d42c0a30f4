/* SPDX-License-Identifier: BSD-3-Clause
 * Prometheus exposition of the counters, gauges and latency histograms
 * (obs/prom.c), and the HTTP server that serves it (obs/http.c):
 * /metrics, /healthz. docs/METRICS.md lists every metric.
 */
#ifndef HERALD_PROM_H
#define HERALD_PROM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The metrics that are not one of a counter table's (obs/counters.h:
 * herald_<name>_total per worker, herald_control_<name>_total) or of the
 * latency table (obs/latency.h: herald_latency_<name>_seconds), declared
 * once: X(id, name, type, labels, help). docs/METRICS.md is generated
 * from the three tables (tools/herald-metrics-doc).
 */
#define HERALD_PROM_METRICS(X)                                                 \
	X(info, "herald_info", "gauge", "version, epoch",                      \
	  "1, labelled with the version and the instance epoch")               \
	X(workers, "herald_workers", "gauge", "", "worker lcores")             \
	X(tsc_hz, "herald_tsc_hertz", "gauge", "",                             \
	  "TSC cycles per second, as measured at start: the unit of "          \
	  "herald_busy_cycles_total (busy share: its rate over this)")         \
	X(port_rx, "herald_port_rx_packets_total", "counter", "port",          \
	  "packets Herald received on the port (all workers)")                 \
	X(port_tx, "herald_port_tx_packets_total", "counter", "port",          \
	  "packets the port's PMD accepted from Herald (all workers)")         \
	X(port_tx_dropped, "herald_port_tx_dropped_total", "counter", "port",  \
	  "packets the port's PMD did not take (all workers)")                 \
	X(sessions, "herald_publisher_sessions", "gauge", "worker",            \
	  "publisher sessions the worker holds")                               \
	X(channels, "herald_channels", "gauge", "worker",                      \
	  "channel sequence states the worker holds (of the slots it owns)")   \
	X(history_bytes, "herald_history_bytes", "gauge", "worker",            \
	  "bytes of the worker's history log that hold messages")              \
	X(pool_in_use, "herald_mempool_in_use", "gauge", "pool",               \
	  "mbufs of the pool in use (lcore caches count as in use)")           \
	X(pool_size, "herald_mempool_size", "gauge", "pool",                   \
	  "mbufs of the pool")

enum herald_prom_metric {
#define X_ENUM(id, name, type, labels, help) PROM_##id,
	HERALD_PROM_METRICS(X_ENUM)
#undef X_ENUM
		PROM__COUNT
};

struct herald_prom_desc {
	const char *name, *type, *labels, *help;
};
extern const struct herald_prom_desc herald_prom_metrics[PROM__COUNT];

/* The whole exposition (text format 0.0.4). */
void herald_prom_write(FILE *f);

/* Health (/healthz): every check, "ok NAME" or "fail NAME: why", one a
 * line; true if all pass. Samples the workers' loop counters twice,
 * wait_ms apart (a worker that does not loop is not healthy). */
bool herald_health(FILE *f, unsigned int wait_ms);

/* The HTTP server on address:port (host order); 0 or -1 (said on
 * stderr). Stop it before the workers are freed. */
int herald_http_start(uint32_t address, uint16_t port);
void herald_http_stop(void);

#endif /* HERALD_PROM_H */
