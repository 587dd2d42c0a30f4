/* SPDX-License-Identifier: BSD-3-Clause
 * Counters: totals, live rates, conservation checks, JSON at exit.
 */
#ifndef HERALD_STATS_H
#define HERALD_STATS_H

#include <stdbool.h>
#include <stdio.h>

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
