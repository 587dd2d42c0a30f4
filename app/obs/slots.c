/* SPDX-License-Identifier: BSD-3-Clause
 * "show slots": messages per slot, counted by each slot's owner as it
 * sequences them (lc->slot_messages), busiest first.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "herald.h"
#include "obs/stats.h"

static uint64_t slot_baseline[HWP_NUM_SLOTS];

static uint64_t
slot_total(uint32_t s)
{
	const struct herald_lcore *lc =
		herald_lcore_get(herald.cfg.slot_owner[s]);

	return lc == NULL ? 0
			  : __atomic_load_n(&lc->slot_messages[s],
					    __ATOMIC_RELAXED);
}

void
herald_slots_clear(void)
{
	uint32_t s;

	for (s = 0; s < HWP_NUM_SLOTS; s++)
		slot_baseline[s] = slot_total(s);
}

static int
busiest_first(const void *a, const void *b)
{
	const struct herald_slot_row *x = a, *y = b;

	if (x->messages != y->messages)
		return x->messages > y->messages ? -1 : 1;
	return (int)x->slot - (int)y->slot;
}

/* The rows to show, sorted; returns how many (rows: HWP_NUM_SLOTS). */
static unsigned int
slot_rows(struct herald_slot_row *rows, bool all)
{
	unsigned int n = 0;
	uint32_t s;

	for (s = 0; s < HWP_NUM_SLOTS; s++) {
		uint64_t m = slot_total(s) - slot_baseline[s];

		if (m == 0 && !all)
			continue;
		rows[n].messages = m;
		rows[n].slot = (uint16_t)s;
		rows[n].worker = herald.cfg.slot_owner[s];
		n++;
	}
	qsort(rows, n, sizeof(rows[0]), busiest_first);
	return n;
}

unsigned int
herald_slots_busiest(struct herald_slot_row *out, unsigned int max)
{
	struct herald_slot_row *rows = calloc(HWP_NUM_SLOTS, sizeof(*rows));
	unsigned int n;

	if (rows == NULL)
		return 0;
	n = RTE_MIN(slot_rows(rows, false), max);
	memcpy(out, rows, n * sizeof(*rows));
	free(rows);
	return n;
}

void
herald_slots_show(FILE *f, bool all, unsigned int max)
{
	struct herald_slot_row *rows = calloc(HWP_NUM_SLOTS, sizeof(*rows));
	unsigned int n, i, w, owned, busy;
	bool cleared;
	double secs = herald_stats_since_seconds(&cleared);

	if (rows == NULL)
		return;
	n = RTE_MIN(slot_rows(rows, all), max);
	fprintf(f, "  ######## slots, last %.1f s (since %s) ########\n", secs,
		cleared ? "clear stats" : "start");
	for (w = 0; w < herald.n_workers; w++) {
		owned = 0;
		busy = 0;
		for (i = 0; i < HWP_NUM_SLOTS; i++) {
			if (herald.cfg.slot_owner[i] != w)
				continue;
			owned++;
			busy += slot_total(i) != slot_baseline[i];
		}
		fprintf(f,
			"  worker %u (lcore %u): owns %u slots, %u with "
			"messages\n",
			w, herald.lcores[w]->lcore_id, owned, busy);
	}
	for (i = 0; i < n; i++)
		fprintf(f,
			"  slot %4u: worker %u (lcore %u), %" PRIu64
			" messages\n",
			rows[i].slot, rows[i].worker,
			herald.lcores[rows[i].worker]->lcore_id,
			rows[i].messages);
	free(rows);
}

void
herald_slots_json(FILE *f, bool all, unsigned int max)
{
	struct herald_slot_row *rows = calloc(HWP_NUM_SLOTS, sizeof(*rows));
	unsigned int n, i;

	if (rows == NULL)
		return;
	n = RTE_MIN(slot_rows(rows, all), max);
	fprintf(f, "{\"seconds\": %.3f, \"slots\": [",
		herald_stats_since_seconds(NULL));
	for (i = 0; i < n; i++)
		fprintf(f,
			"%s\n  {\"slot\": %u, \"worker\": %u, \"lcore\": %u, "
			"\"messages\": %" PRIu64 "}",
			i != 0 ? "," : "", rows[i].slot, rows[i].worker,
			herald.lcores[rows[i].worker]->lcore_id,
			rows[i].messages);
	fprintf(f, "]}\n");
	free(rows);
}
