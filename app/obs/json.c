/* SPDX-License-Identifier: BSD-3-Clause
 * Every counter as JSON at exit (--stats-json): what tests and incident
 * reproductions read; and the JSON forms of "show stats", "show port
 * stats" and "show lcores" (set output json, herald-ctl --json), with the
 * same names.
 */
#include <inttypes.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mempool.h>

#include "dataplane/dataplane.h"
#include "herald.h"
#include "obs/stats.h"

static struct rte_eth_stats port_snapshot[HERALD_MAX_PORTS];
static int port_promiscuous[HERALD_MAX_PORTS];

static void
json_array(FILE *f, const char *name, const char *const *names,
	   const uint64_t *v, unsigned int n, bool last)
{
	unsigned int i;

	fprintf(f, "  \"%s\": {", name);
	for (i = 0; i < n; i++)
		fprintf(f, "%s\"%s\": %" PRIu64, i ? ", " : "", names[i], v[i]);
	fprintf(f, "}%s\n", last ? "" : ",");
}

static void
json_counters_ctl(FILE *f, const struct herald_counters *t,
		  const struct herald_ctl_counters *ctl)
{
	json_array(f, "counters", herald_counter_names, t->c, CNT__COUNT,
		   false);
	json_array(f, "frames", herald_frame_names, t->frame, FRAME__COUNT,
		   false);
	json_array(f, "nonhwp", herald_nonhwp_names, t->nonhwp, NONHWP__COUNT,
		   false);
	/* Skip "ok": it is not a drop reason. */
	json_array(f, "invalid", herald_invalid_names + 1, t->invalid + 1,
		   HWP_ERR__COUNT - 1, false);
	json_array(f, "control", herald_control_names, ctl->c, CTL__COUNT,
		   false);
}

static void
json_counters(FILE *f, const struct herald_counters *t)
{
	json_counters_ctl(f, t, &herald.ctl_cnt);
}

void
herald_stats_snapshot_ports(void)
{
	unsigned int i;

	for (i = 0; i < herald.n_ports; i++) {
		memset(&port_snapshot[i], 0, sizeof(port_snapshot[i]));
		rte_eth_stats_get((uint16_t)i, &port_snapshot[i]);
		port_promiscuous[i] = rte_eth_promiscuous_get((uint16_t)i);
	}
}

static void
json_ports(FILE *f, const struct herald_counters *t)
{
	unsigned int i;
	fprintf(f, "  \"ports\": [");
	for (i = 0; i < herald.n_ports; i++) {
		const struct rte_eth_stats *s = &port_snapshot[i];

		fprintf(f,
			"%s{\"port\": %u, \"name\": \"%s\", \"ipackets\": "
			"%" PRIu64 ", \"opackets\": %" PRIu64
			", \"imissed\": %" PRIu64 ", \"oerrors\": %" PRIu64
			", \"rx_packets\": %" PRIu64
			", \"tx_packets\": %" PRIu64
			", \"tx_dropped\": %" PRIu64
			", \"tx_csum_offload\": %s, \"tx_multi_seg\": %s"
			", \"promiscuous\": %s}",
			i ? ", " : "", i, herald.ports[i].name, s->ipackets,
			s->opackets, s->imissed, s->oerrors, t->port_rx[i],
			t->port_tx[i], t->port_tx_dropped[i],
			herald.ports[i].csum_offload ? "true" : "false",
			herald.ports[i].multi_seg_tx ? "true" : "false",
			port_promiscuous[i] == 1 ? "true" : "false");
	}
	fprintf(f, "],\n");
}

/* Each worker's history budgets and use (docs/RELIABILITY.md). */
static void
json_history(FILE *f)
{
	struct herald_dp_history_view v;
	unsigned int i;

	fprintf(f, "  \"history\": [");
	for (i = 0; i < herald.n_workers; i++) {
		herald_dp_history_state(herald.lcores[i], &v);
		fprintf(f,
			"%s{\"lcore\": %u, \"depth\": %u, \"log_bytes\": "
			"%" PRIu64 ", \"bytes_in_use\": %" PRIu64
			", \"messages_max\": %u, \"messages_held\": %u"
			", \"records\": %" PRIu64 "}",
			i ? ", " : "", herald.lcores[i]->lcore_id, v.depth,
			v.log_bytes, v.bytes_in_use, v.messages_max,
			v.messages_held, v.records);
	}
	fprintf(f, "],\n");
}

static void
json_workers(FILE *f)
{
	unsigned int i;

	fprintf(f, "  \"workers\": [");
	for (i = 0; i < herald.n_workers; i++) {
		const struct herald_lcore *w = herald.lcores[i];

		fprintf(f,
			"%s{\"lcore\": %u, \"rx_packets\": %" PRIu64
			", \"messages_sequenced\": %" PRIu64
			", \"deliveries\": %" PRIu64
			", \"handoffs_out\": %" PRIu64 "}",
			i ? ", " : "", w->lcore_id, w->cnt.c[CNT_rx_packets],
			w->cnt.c[CNT_messages_sequenced],
			w->cnt.c[CNT_deliveries], w->cnt.c[CNT_handoffs_out]);
	}
	fprintf(f, "],\n");
}

static void
json_mempools(FILE *f)
{
	unsigned int i;

	fprintf(f, "  \"mempools\": [");
	for (i = 0; i < herald.n_pools; i++) {
		const struct rte_mempool *mp = herald.pools[i].mp;

		fprintf(f,
			"%s{\"name\": \"%s\", \"size\": %u, \"in_use_start\": "
			"%u, \"in_use_end\": %u}",
			i ? ", " : "", mp->name, mp->size,
			herald.pools[i].in_use_start,
			herald.pools[i].in_use_end);
	}
	fprintf(f, "],\n");
}

int
herald_stats_write_json(const char *path)
{
	struct herald_counters t;
	FILE *f = fopen(path, "w");

	if (f == NULL) {
		fprintf(stderr, "herald: cannot write %s\n", path);
		return -1;
	}
	herald_stats_totals(&t);
	fprintf(f, "{\n  \"version\": \"%s\",\n  \"epoch\": %u,\n",
		HERALD_VERSION, herald.epoch);
	fprintf(f, "  \"run_seconds\": %.6f,\n  \"tsc_hz\": %" PRIu64 ",\n",
		(double)(herald.run_end_tsc - herald.run_start_tsc) /
			(double)rte_get_tsc_hz(),
		rte_get_tsc_hz());
	json_ports(f, &t);
	json_workers(f);
	json_history(f);
	json_mempools(f);
	json_counters(f, &t);
	fprintf(f, "  \"conservation_ok\": %s,\n  \"mempools_ok\": %s\n}\n",
		herald_stats_conserved(&t, true, NULL) ? "true" : "false",
		herald_mempools_ok(NULL) ? "true" : "false");
	return fclose(f) == 0 ? 0 : -1;
}

void
herald_json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

void
herald_stats_json(FILE *f)
{
	struct herald_ctl_counters ctl;
	struct herald_counters t;
	bool cleared;
	double secs = herald_stats_since_seconds(&cleared);

	herald_stats_since_clear(&t);
	herald_stats_ctl_since_clear(&ctl);
	fprintf(f, "{\n  \"version\": \"%s\",\n  \"epoch\": %u,\n",
		HERALD_VERSION, herald.epoch);
	fprintf(f, "  \"seconds\": %.3f,\n  \"since\": \"%s\",\n", secs,
		cleared ? "clear stats" : "start");
	herald_stats_json_rates(f);
	json_counters_ctl(f, &t, &ctl);
	/* No verdict on the books: read while workers count, they need not
	 * balance at this instant (the exit JSON says whether they do). */
	fprintf(f, "  \"seconds_since_start\": %.3f\n}\n",
		herald.run_start_tsc == 0 ? 0
					  : (double)(rte_get_tsc_cycles() -
						     herald.run_start_tsc) /
						    (double)rte_get_tsc_hz());
}

void
herald_stats_json_ports(FILE *f, uint16_t first, uint16_t last)
{
	struct herald_counters t;
	struct rte_eth_stats s;
	unsigned int i;

	herald_stats_since_clear(&t);
	fprintf(f, "[");
	for (i = first; i <= last && i < herald.n_ports; i++) {
		if (herald_stats_port((uint16_t)i, &s) < 0)
			memset(&s, 0, sizeof(s));
		fprintf(f, "%s\n  {\"port\": %u, \"name\": ",
			i != first ? "," : "", i);
		herald_json_string(f, herald.ports[i].name);
		fprintf(f,
			", \"ipackets\": %" PRIu64 ", \"imissed\": %" PRIu64
			", \"ibytes\": %" PRIu64 ", \"ierrors\": %" PRIu64
			", \"rx_nombuf\": %" PRIu64 ", \"opackets\": %" PRIu64
			", \"oerrors\": %" PRIu64 ", \"obytes\": %" PRIu64
			", \"rx_packets\": %" PRIu64
			", \"tx_packets\": %" PRIu64
			", \"tx_dropped\": %" PRIu64 "}",
			s.ipackets, s.imissed, s.ibytes, s.ierrors, s.rx_nombuf,
			s.opackets, s.oerrors, s.obytes, t.port_rx[i],
			t.port_tx[i], t.port_tx_dropped[i]);
	}
	fprintf(f, "]\n");
}

void
herald_stats_json_lcores(FILE *f)
{
	struct herald_lcore_view v;
	bool cleared;
	double secs = herald_stats_since_seconds(&cleared);
	unsigned int i;

	fprintf(f,
		"{\"control_lcore\": %u, \"seconds\": %.3f, \"since\": "
		"\"%s\", \"workers\": [",
		rte_get_main_lcore(), secs, cleared ? "clear stats" : "start");
	for (i = 0; herald_stats_lcore(i, &v) == 0; i++)
		fprintf(f,
			"%s\n  {\"worker\": %u, \"lcore\": %u, \"slots\": %u, "
			"\"loops\": %" PRIu64 ", \"busy_cycles\": %" PRIu64
			", \"busy_pct\": %.2f, \"rx_packets\": %" PRIu64
			", \"tx_packets\": %" PRIu64
			", \"tx_dropped\": %" PRIu64
			", \"handoffs_out\": %" PRIu64
			", \"handoffs_in\": %" PRIu64
			", \"messages_sequenced\": %" PRIu64
			", \"deliveries\": %" PRIu64
			", \"paused\": %s, \"stopped\": %s"
			", \"rcu_online\": %s}",
			i != 0 ? "," : "", i, v.lcore_id, v.slots, v.loops,
			v.busy_cycles, v.busy_pct, v.rx, v.tx, v.tx_dropped,
			v.handoffs_out, v.handoffs_in, v.messages, v.deliveries,
			v.paused ? "true" : "false",
			v.stopped ? "true" : "false",
			v.rcu_online ? "true" : "false");
	fprintf(f, "]}\n");
}
