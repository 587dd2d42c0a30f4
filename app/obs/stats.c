/* SPDX-License-Identifier: BSD-3-Clause
 * Counters: aggregation, display, conservation and JSON.
 */
#include <inttypes.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mempool.h>
#include <rte_rcu_qsbr.h>

#include "dataplane/dataplane.h"
#include "herald.h"
#include "obs/stats.h"

static struct herald_counters baseline;
static struct herald_counters lcore_baseline[HERALD_MAX_WORKERS];
static struct herald_ctl_counters ctl_baseline;
static struct rte_eth_stats port_baseline[HERALD_MAX_PORTS];
/* When the baselines were taken (0: never, views count from the start). */
static uint64_t clear_tsc;

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
	const struct herald_lcore *lc;
	unsigned int i;
	uint16_t port;

	/* Baselines only: the JSON at exit stays absolute and consistent. */
	herald_stats_totals(&baseline);
	for (i = 0; (lc = herald_lcore_get(i)) != NULL; i++)
		lcore_baseline[i] = lc->cnt;
	herald_slots_clear();
	herald_xstats_clear();
	clear_tsc = rte_get_tsc_cycles();
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

void
herald_stats_json_rates(FILE *f)
{
	fprintf(f,
		"  \"rates\": {\"rx_packets_per_s\": %.1f, "
		"\"messages_per_s\": %.1f, \"deliveries_per_s\": %.1f},\n",
		rates.rx.per_sec, rates.msgs.per_sec, rates.deliveries.per_sec);
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
	for (i = 0; i < herald.n_workers; i++) {
		struct herald_dp_history_view v;

		herald_dp_history_state(herald.lcores[i], &v);
		fprintf(f,
			"  history lcore %u: depth %u, log %" PRIu64
			" bytes, %" PRIu64 " in use, at most %u of %u "
			"messages held\n",
			herald.lcores[i]->lcore_id, v.depth, v.log_bytes,
			v.bytes_in_use, v.messages_held, v.messages_max);
	}
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
herald_stats_since_clear(struct herald_counters *out)
{
	herald_stats_totals(out);
	herald_counters_sub(out, &baseline);
}

void
herald_stats_ctl_since_clear(struct herald_ctl_counters *out)
{
	unsigned int i;

	*out = herald.ctl_cnt;
	for (i = 0; i < CTL__COUNT; i++)
		out->c[i] -= ctl_baseline.c[i];
}

int
herald_stats_port(uint16_t port, struct rte_eth_stats *s)
{
	if (port >= HERALD_MAX_PORTS || rte_eth_stats_get(port, s) != 0)
		return -1;
	s->ipackets -= port_baseline[port].ipackets;
	s->imissed -= port_baseline[port].imissed;
	s->ibytes -= port_baseline[port].ibytes;
	s->ierrors -= port_baseline[port].ierrors;
	s->rx_nombuf -= port_baseline[port].rx_nombuf;
	s->opackets -= port_baseline[port].opackets;
	s->oerrors -= port_baseline[port].oerrors;
	s->obytes -= port_baseline[port].obytes;
	return 0;
}

static void
show_port(FILE *f, uint16_t port, const struct herald_counters *t)
{
	struct rte_eth_stats s;

	if (herald_stats_port(port, &s) < 0)
		return;
	fprintf(f, "  ######## port %u (%s) ########\n", port,
		herald.ports[port].name);
	fprintf(f,
		"  RX-packets: %-12" PRIu64 " RX-missed: %-10" PRIu64
		" RX-bytes: %" PRIu64 "\n",
		s.ipackets, s.imissed, s.ibytes);
	fprintf(f, "  RX-errors: %-13" PRIu64 " RX-nombuf: %" PRIu64 "\n",
		s.ierrors, s.rx_nombuf);
	fprintf(f,
		"  TX-packets: %-12" PRIu64 " TX-errors: %-10" PRIu64
		" TX-bytes: %" PRIu64 "\n",
		s.opackets, s.oerrors, s.obytes);
	fprintf(f,
		"  Herald: rx %" PRIu64 ", tx %" PRIu64
		", tx dropped (queue full) %" PRIu64 "\n",
		t->port_rx[port], t->port_tx[port], t->port_tx_dropped[port]);
}

void
herald_stats_show_ports(FILE *f)
{
	struct herald_counters t;
	uint16_t port;

	herald_stats_since_clear(&t);
	RTE_ETH_FOREACH_DEV(port)
	{
		show_port(f, port, &t);
	}
}

void
herald_stats_show_port(FILE *f, uint16_t port)
{
	struct herald_counters t;

	herald_stats_since_clear(&t);
	show_port(f, port, &t);
}

double
herald_stats_since_seconds(bool *cleared)
{
	uint64_t since = RTE_MAX(clear_tsc, herald.run_start_tsc);
	uint64_t now = rte_get_tsc_cycles();

	if (cleared != NULL)
		*cleared = clear_tsc != 0 && clear_tsc >= herald.run_start_tsc;
	return since == 0 || now <= since
		       ? 0
		       : (double)(now - since) / (double)rte_get_tsc_hz();
}

/* A worker's RCU state, from the QSBR variable itself: what writers see. */
static bool
rcu_online(unsigned int i)
{
	const struct rte_rcu_qsbr_cnt *c = &herald.qsv->qsbr_cnt[i];

	return __atomic_load_n(&c->cnt, __ATOMIC_ACQUIRE) !=
	       __RTE_QSBR_CNT_THR_OFFLINE;
}

int
herald_stats_lcore(unsigned int i, struct herald_lcore_view *v)
{
	const struct herald_lcore *w = herald_lcore_get(i);
	const struct herald_counters *b = &lcore_baseline[i];
	double secs = herald_stats_since_seconds(NULL);
	unsigned int s, p;

	if (w == NULL)
		return -1;
	memset(v, 0, sizeof(*v));
	v->lcore_id = w->lcore_id;
	for (s = 0; s < HWP_NUM_SLOTS; s++)
		v->slots += herald.cfg.slot_owner[s] == i;
	v->abs_rx = w->cnt.c[CNT_rx_packets];
	v->abs_messages = w->cnt.c[CNT_messages_sequenced];
	v->abs_deliveries = w->cnt.c[CNT_deliveries];
#define SINCE(name) (w->cnt.c[CNT_##name] - b->c[CNT_##name])
	v->loops = SINCE(loops);
	v->busy_cycles = SINCE(busy_cycles);
	v->rx = SINCE(rx_packets);
	v->tx = SINCE(tx_packets);
	v->handoffs_out = SINCE(handoffs_out);
	v->handoffs_in = SINCE(handoffs_in);
	v->messages = SINCE(messages_sequenced);
	v->deliveries = SINCE(deliveries);
#undef SINCE
	for (p = 0; p < HERALD_MAX_PORTS; p++)
		v->tx_dropped +=
			w->cnt.port_tx_dropped[p] - b->port_tx_dropped[p];
	v->busy_pct = secs > 0 ? 100.0 * (double)v->busy_cycles /
					 (secs * (double)rte_get_tsc_hz())
			       : 0;
	v->busy_pct = RTE_MIN(v->busy_pct, 100.0);
	v->paused = w->paused;
	v->stopped = __atomic_load_n(&w->stopped, __ATOMIC_ACQUIRE);
	v->rcu_online = rcu_online(i);
	return 0;
}

void
herald_stats_show_lcores(FILE *f)
{
	struct herald_lcore_view v;
	bool cleared;
	double secs = herald_stats_since_seconds(&cleared);
	unsigned int i;

	fprintf(f, "  control: lcore %u\n", rte_get_main_lcore());
	for (i = 0; herald_stats_lcore(i, &v) == 0; i++) {
		/* The first line is an interface (scripts read it). */
		fprintf(f,
			"  worker %u: lcore %u, %u slots, rx %" PRIu64
			" pkts, %" PRIu64 " messages sequenced, %" PRIu64
			" deliveries%s\n",
			i, v.lcore_id, v.slots, v.abs_rx, v.abs_messages,
			v.abs_deliveries, v.paused ? " (paused)" : "");
		fprintf(f,
			"    %s, RCU %s; last %.1f s (since %s): %" PRIu64
			" loops, busy %.1f %%, rx %" PRIu64 ", tx %" PRIu64
			", hand-offs out %" PRIu64 " in %" PRIu64 "\n",
			v.stopped ? "stopped" : "forwarding",
			v.rcu_online ? "online" : "offline", secs,
			cleared ? "clear stats" : "start", v.loops, v.busy_pct,
			v.rx, v.tx, v.handoffs_out, v.handoffs_in);
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
