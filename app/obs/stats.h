/* SPDX-License-Identifier: BSD-3-Clause
 * Counters: totals, live rates, conservation checks, JSON at exit.
 */
#ifndef HERALD_STATS_H
#define HERALD_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_ethdev.h>

#include "obs/counters.h"

/* Sum of every worker's counters (absolute, since start). */
void herald_stats_totals(struct herald_counters *out);

/* "clear stats": later views subtract this baseline. */
void herald_stats_clear(void);

/* Once a second from the control thread: updates the live rates. */
void herald_stats_tick(void);

void herald_stats_show(FILE *f);
void herald_stats_show_ports(FILE *f);
void herald_stats_show_lcores(FILE *f);

/* Totals since the last "clear stats" (since start if none); the
 * control thread's own. */
void herald_stats_since_clear(struct herald_counters *out);
void herald_stats_ctl_since_clear(struct herald_ctl_counters *out);
/* Seconds the views count over (since "clear stats" or the start of
 * traffic); *cleared (may be NULL): since a clear. */
double herald_stats_since_seconds(bool *cleared);
/* A port's ethdev counters since "clear stats"; -1 if it has none. */
int herald_stats_port(uint16_t port, struct rte_eth_stats *s);
/* One port, as "show port stats all" shows each (the port must exist). */
void herald_stats_show_port(FILE *f, uint16_t port);

/* One worker for "show lcores": absolute counts (its first line), the
 * rest since "clear stats". */
struct herald_lcore_view {
	unsigned int lcore_id, slots;
	uint64_t abs_rx, abs_messages, abs_deliveries;
	uint64_t loops, busy_cycles, rx, tx, tx_dropped;
	uint64_t handoffs_out, handoffs_in, messages, deliveries;
	double busy_pct;
	bool paused, stopped, rcu_online;
};
/* Worker i; -1 past the last one. */
int herald_stats_lcore(unsigned int i, struct herald_lcore_view *v);

/* ---- per-slot messages (obs/slots.c) ---- */
void herald_slots_clear(void);
/* Slots that carried messages since "clear stats" (all: every slot),
 * busiest first, at most max of them (UINT_MAX: no limit). */
void herald_slots_show(FILE *f, bool all, unsigned int max);
void herald_slots_json(FILE *f, bool all, unsigned int max);

struct herald_slot_row {
	uint64_t messages;
	uint16_t slot;
	uint8_t worker;
};
/* The max busiest slots with messages into rows; returns how many. */
unsigned int herald_slots_busiest(struct herald_slot_row *rows,
				  unsigned int max);

/* ---- extended port counters (obs/xstats.c) ---- */
void herald_xstats_clear(void);
/* Every xstat of port (since "clear stats"); -1 if it cannot be read. */
int herald_xstats_show(FILE *f, uint16_t port);
int herald_xstats_json(FILE *f, uint16_t port);
/* At exit: the baselines' memory. */
void herald_xstats_free(void);

/* ---- JSON of the show commands (obs/json.c) ---- */
/* s as a JSON string, quotes included. */
void herald_json_string(FILE *f, const char *s);
void herald_stats_json(FILE *f);
/* Ports from first to last. */
void herald_stats_json_ports(FILE *f, uint16_t first, uint16_t last);
void herald_stats_json_lcores(FILE *f);
/* The live rates as a "rates" member (stats.c). */
void herald_stats_json_rates(FILE *f);

/*
 * Check the accounting invariants on totals; print every violation to f
 * (if not NULL). at_exit adds the checks that hold only once drained.
 */
bool herald_stats_conserved(const struct herald_counters *t, bool at_exit,
			    FILE *f);

/* The control thread's part of the books (at exit). */
bool herald_stats_control_conserved(const struct herald_counters *t, FILE *f);

/* Keep the ports' ethdev counters for the JSON written after close. */
void herald_stats_snapshot_ports(void);

/* Every counter as JSON; call after herald_stats_snapshot_ports() and
 * after the ports are closed, so mempool in-use counts are final. */
int herald_stats_write_json(const char *path);

/* Final summary on stdout. */
void herald_stats_summary(void);

#endif /* HERALD_STATS_H */
