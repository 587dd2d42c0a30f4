/* SPDX-License-Identifier: BSD-3-Clause
 * Counters: aggregation, display, conservation and JSON.
 */
#include <inttypes.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mempool.h>

#include "herald.h"
#include "obs/stats.h"

static struct herald_counters baseline;
static struct herald_ctl_counters ctl_baseline;
static struct rte_eth_stats port_baseline[HERALD_MAX_PORTS];

struct rate {
	uint64_t last;
	double per_sec;
};

static struct {
	uint64_t last_tsc;
	struct rate rx, msgs, deliveries;
} rates;

void
herald_stats_totals(struct herald_counters *out)
{
	const struct herald_lcore *lc;
	unsigned int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; (lc = herald_lcore_get(i)) != NULL; i++)
		herald_counters_add(out, &lc->cnt);
}

void
herald_stats_clear(void)
{
	uint16_t port;

	/* Baselines only: the JSON at exit stays absolute and consistent. */
	herald_stats_totals(&baseline);
	ctl_baseline = herald.ctl_cnt;
	RTE_ETH_FOREACH_DEV(port)
	{
		if (port < HERALD_MAX_PORTS)
			rte_eth_stats_get(port, &port_baseline[port]);
	}
}

static void
rate_update(struct rate *r, uint64_t now_value, double secs)
{
	r->per_sec = secs > 0 ? (double)(now_value - r->last) / secs : 0;
	r->last = now_value;
}

void
herald_stats_tick(void)
{
	struct herald_counters t;
	uint64_t now = rte_get_tsc_cycles();
	double secs = rates.last_tsc == 0 ? 0
					  : (double)(now - rates.last_tsc) /
						    rte_get_tsc_hz();

	herald_stats_totals(&t);
	rate_update(&rates.rx, t.c[CNT_rx_packets], secs);
	rate_update(&rates.msgs, t.c[CNT_messages_sequenced], secs);
	rate_update(&rates.deliveries, t.c[CNT_deliveries], secs);
	rates.last_tsc = now;
}

static void
print_nonzero(FILE *f, const char *group, const char *const *names,
	      const uint64_t *v, unsigned int n, unsigned int skip)
{
	unsigned int i;

	for (i = skip; i < n; i++)
		if (v[i] != 0)
			fprintf(f, "  %-10s %-28s %" PRIu64 "\n", group,
				names[i], v[i]);
}

void
herald_stats_show(FILE *f)
{
	struct herald_ctl_counters ctl;
	struct herald_counters t;
	unsigned int i;

	herald_stats_totals(&t);
	herald_counters_sub(&t, &baseline);
	fprintf(f, "  ######## Herald stats (epoch %08x) ########\n",
		herald.epoch);
	fprintf(f,
		"  rate: rx %.0f pkt/s  messages in %.0f/s  deliveries out "
		"%.0f/s\n",
		rates.rx.per_sec, rates.msgs.per_sec, rates.deliveries.per_sec);
	for (i = 0; i < CNT__COUNT; i++)
		fprintf(f, "  %-39s %" PRIu64 "\n", herald_counter_names[i],
			t.c[i]);
	print_nonzero(f, "frame", herald_frame_names, t.frame, FRAME__COUNT, 0);
	print_nonzero(f, "non-hwp", herald_nonhwp_names, t.nonhwp,
		      NONHWP__COUNT, 0);
	print_nonzero(f, "invalid", herald_invalid_names, t.invalid,
		      HWP_ERR__COUNT, 1);
	ctl = herald.ctl_cnt;
	for (i = 0; i < CTL__COUNT; i++)
		ctl.c[i] -= ctl_baseline.c[i];
	print_nonzero(f, "control", herald_control_names, ctl.c, CTL__COUNT, 0);
}

void
herald_stats_show_ports(FILE *f)
{
	struct herald_counters t;
	struct rte_eth_stats s;
	uint16_t port;

	herald_stats_totals(&t);
	herald_counters_sub(&t, &baseline);
	RTE_ETH_FOREACH_DEV(port)
	{
		if (port >= HERALD_MAX_PORTS ||
		    rte_eth_stats_get(port, &s) != 0)
			continue;
		s.ipackets -= port_baseline[port].ipackets;
		s.imissed -= port_baseline[port].imissed;
		s.ibytes -= port_baseline[port].ibytes;
		s.ierrors -= port_baseline[port].ierrors;
		s.rx_nombuf -= port_baseline[port].rx_nombuf;
		s.opackets -= port_baseline[port].opackets;
		s.oerrors -= port_baseline[port].oerrors;
		s.obytes -= port_baseline[port].obytes;
		fprintf(f, "  ######## port %u (%s) ########\n", port,
			herald.ports[port].name);
		fprintf(f,
			"  RX-packets: %-12" PRIu64 " RX-missed: %-10" PRIu64
			" RX-bytes: %" PRIu64 "\n",
			s.ipackets, s.imissed, s.ibytes);
		fprintf(f,
			"  RX-errors: %-13" PRIu64 " RX-nombuf: %" PRIu64 "\n",
			s.ierrors, s.rx_nombuf);
		fprintf(f,
			"  TX-packets: %-12" PRIu64 " TX-errors: %-10" PRIu64
			" TX-bytes: %" PRIu64 "\n",
			s.opackets, s.oerrors, s.obytes);
		fprintf(f,
			"  Herald: rx %" PRIu64 ", tx %" PRIu64
			", tx dropped (queue full) %" PRIu64 "\n",
			t.port_rx[port], t.port_tx[port],
			t.port_tx_dropped[port]);
	}
}

void
herald_stats_show_lcores(FILE *f)
{
	unsigned int i, s, slots;

	fprintf(f, "  control: lcore %u\n", rte_get_main_lcore());
	for (i = 0; i < herald.n_workers; i++) {
		const struct herald_lcore *w = herald.lcores[i];

		for (s = 0, slots = 0; s < HWP_NUM_SLOTS; s++)
			slots += herald.cfg.slot_owner[s] == i;
		fprintf(f,
			"  worker %u: lcore %u, %u slots, rx %" PRIu64
			" pkts, %" PRIu64 " messages sequenced, %" PRIu64
			" deliveries%s\n",
			i, w->lcore_id, slots, w->cnt.c[CNT_rx_packets],
			w->cnt.c[CNT_messages_sequenced],
			w->cnt.c[CNT_deliveries], w->paused ? " (paused)" : "");
	}
}

void
herald_stats_summary(void)
{
	struct herald_counters t;

	herald_stats_totals(&t);
	printf("herald: %" PRIu64 " packets in, %" PRIu64
	       " valid datagrams, %" PRIu64 " messages, %" PRIu64
	       " deliveries, %" PRIu64 " pubacks, %" PRIu64
	       " dropped (non-HWP %" PRIu64 ", invalid %" PRIu64 ")\n",
	       t.c[CNT_rx_packets], t.c[CNT_rx_datagrams_valid],
	       t.c[CNT_messages_sequenced], t.c[CNT_deliveries],
	       t.c[CNT_pubacks],
	       herald_counters_nonhwp_total(&t) +
		       herald_counters_invalid_total(&t),
	       herald_counters_nonhwp_total(&t),
	       herald_counters_invalid_total(&t));
}
