/* SPDX-License-Identifier: BSD-3-Clause
 * herald [EAL args] -- --config FILE [--cmdline-file FILE] [-i]
 *        [--exit-when-idle MS] [--exit-after-packets N] [--stats-json FILE]
 *        [--clock system|pcap]
 *
 * Exit codes: 0 clean; 1 runtime failure (EAL, ports, memory); 2 bad
 * arguments, config or command file; 3 accounting violated at exit
 * (conservation or mempool leak).
 */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "cli/cli.h"
#include "config/config.h"
#include "control/control.h"
#include "control/ctlsock.h"
#include "control/subscriptions.h"
#include "dataplane/publish/publish.h"
#include "herald.h"
#include "inet_parse.h"
#include "obs/stats.h"
#include "obs/prom.h"
#include "obs/telemetry.h"
#include "runtime/clock.h"
#include "runtime/runtime.h"
#include "xdp/xdp.h"

struct herald herald;

struct app_opts {
	const char *config;
	const char *cmdline_file;
	const char *stats_json;
	bool interactive;
	uint64_t exit_when_idle_ms;
	uint64_t exit_after_packets;
	bool clock_pcap;
};

static void
usage(const char *prog)
{
	printf("Usage: %s [EAL args] -- --config FILE [options]\n"
	       "  --config FILE         INI configuration (see "
	       "docs/CONFIG.md)\n"
	       "  --cmdline-file FILE   run CLI commands from FILE at start\n"
	       "  -i, --interactive     give the herald> prompt\n"
	       "  --exit-when-idle MS   exit once no packet arrived for MS ms\n"
	       "  --exit-after-packets N\n"
	       "                        exit once N packets were received and "
	       "handled\n"
	       "                        (replays: the capture's length; a port "
	       "that loops\n"
	       "                        back what herald sends makes N "
	       "ambiguous)\n"
	       "  --stats-json FILE     write every counter as JSON at exit\n"
	       "  --clock system|pcap   time source (pcap: capture "
	       "timestamps)\n"
	       "  --version, -h/--help\n",
	       prog);
}

static int
parse_args(int argc, char **argv, struct app_opts *o)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"cmdline-file", required_argument, NULL, 'f'},
		{"interactive", no_argument, NULL, 'i'},
		{"exit-when-idle", required_argument, NULL, 'e'},
		{"exit-after-packets", required_argument, NULL, 'x'},
		{"stats-json", required_argument, NULL, 's'},
		{"clock", required_argument, NULL, 'k'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((opt = getopt_long(argc, argv, "ih", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': o->config = optarg; break;
		case 'f': o->cmdline_file = optarg; break;
		case 'i': o->interactive = true; break;
		case 's': o->stats_json = optarg; break;
		case 'e':
			if (inet_parse_u64(optarg, 1, 86400000,
					   &o->exit_when_idle_ms) < 0) {
				fprintf(stderr,
					"herald: --exit-when-idle: '%s' is not "
					"1..86400000 ms\n",
					optarg);
				return -1;
			}
			break;
		case 'x':
			if (inet_parse_u64(optarg, 1, UINT64_MAX,
					   &o->exit_after_packets) < 0) {
				fprintf(stderr,
					"herald: --exit-after-packets: '%s' is "
					"not a packet count (1 or more)\n",
					optarg);
				return -1;
			}
			break;
		case 'k':
			if (strcmp(optarg, "pcap") == 0) {
				o->clock_pcap = true;
			} else if (strcmp(optarg, "system") != 0) {
				fprintf(stderr,
					"herald: --clock: '%s' is not system "
					"or pcap\n",
					optarg);
				return -1;
			}
			break;
		case 'V': printf("herald %s\n", HERALD_VERSION); exit(0);
		case 'h': usage(argv[0]); exit(0);
		default: usage(argv[0]); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "herald: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	if (o->config == NULL) {
		fprintf(stderr, "herald: --config FILE is required\n");
		return -1;
	}
	return 0;
}

static void
on_signal(int sig)
{
	(void)sig;
	herald.stop_requested = true;
}

static int
check_lcores(void)
{
	const struct herald_config *cfg = &herald.cfg;
	unsigned int i;

	for (i = 0; i < cfg->n_workers; i++) {
		unsigned int l = cfg->worker_lcores[i];

		if (l == rte_get_main_lcore() || !rte_lcore_is_enabled(l))
			return herald_config_error(
				cfg, "lcores", "workers", "lcore %u is %s", l,
				l == rte_get_main_lcore()
					? "the main (control) lcore"
					: "not enabled by the EAL -l option");
	}
	return 0;
}

static uint32_t
draw_epoch(void)
{
	uint32_t e = 0;

	while (e == 0)
		if (getrandom(&e, sizeof(e), 0) != sizeof(e))
			e = (uint32_t)rte_rdtsc();
	return e;
}

static void
print_banner(void)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	uint32_t a = herald.cfg.address;
	unsigned int i;

	printf("herald %s: %u.%u.%u.%u:%u epoch %08x, %u worker(s), clock %s\n",
	       HERALD_VERSION, a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
	       a & 0xff, herald.cfg.udp_port, herald.epoch, herald.n_workers,
	       herald_clock.pcap ? "pcap" : "system");
	for (i = 0; i < herald.n_ports; i++) {
		rte_ether_format_addr(mac, sizeof(mac), &herald.ports[i].mac);
		printf("  port %u: %s %s%s, tx checksums %s, %s\n", i,
		       herald.ports[i].name, mac,
		       i == herald.cfg.egress_port ? " (egress)" : "",
		       herald.ports[i].csum_offload ? "offloaded"
						    : "in software",
		       herald.ports[i].multi_seg_tx ? "chained DELIVERs"
						    : "DELIVERs copied flat");
	}
	if (herald.cfg.ctl_socket[0] != '\0')
		printf("  control socket %s (herald-ctl --socket %s)\n",
		       herald.cfg.ctl_socket, herald.cfg.ctl_socket);
	fflush(stdout);
}

static int
setup(const struct app_opts *o)
{
	int rc;

	if (check_lcores() < 0 ||
	    herald_config_check_ports(&herald.cfg, rte_eth_dev_count_avail()) <
		    0)
		return 2;
	herald.epoch = herald.cfg.epoch != 0 ? herald.cfg.epoch : draw_epoch();
	if (herald_clock_init(o->clock_pcap) < 0) {
		fprintf(stderr,
			"herald: --clock pcap: no RX timestamp field\n");
		return 2;
	}
	if (herald_mempools_init() < 0 || herald_subscriptions_init() < 0 ||
	    herald_allow_init() < 0 || herald_lcores_init() < 0 ||
	    herald_subscriptions_lcores_ready() < 0)
		return 1;
	herald_control_init();
	rc = herald_ports_init();
	if (rc == HERALD_PORT_CONFIG_ERROR)
		return 2;
	if (rc < 0 || herald_xdp_ports_init() < 0 || herald_cli_init() < 0)
		return 1;
	if (herald_ctlsock_open() < 0)
		return 2;
	herald_mempools_mark(false);
	herald_telemetry_init();
	if (herald.cfg.metrics_port != 0 &&
	    herald_http_start(herald.cfg.metrics_address,
			      herald.cfg.metrics_port) < 0)
		return 2;
	return 0;
}

/* Stop, drain, check the books, free everything. Returns the exit code. */
static int
teardown(const struct app_opts *o, int rc)
{
	struct herald_counters t;
	bool ok;

	herald.run_end_tsc = rte_get_tsc_cycles();
	herald_ctlsock_close();
	herald_lcores_stop();
	herald_stats_totals(&t);
	herald_stats_summary();
	ok = herald_stats_conserved(&t, true, stderr);
	herald_ports_drain_tx();
	herald_stats_snapshot_ports();
	herald_mempools_mark(true);
	ok &= herald_mempools_ok(stderr);
	herald_ports_close();
	herald_xdp_ports_close();
	if (o->stats_json != NULL && herald_stats_write_json(o->stats_json) < 0)
		rc = rc ? rc : 1;
	herald_http_stop();
	herald_telemetry_stop();
	herald_lcores_free();
	herald_cli_free();
	herald_xstats_free();
	herald_subscriptions_free();
	herald_allow_free();
	herald_mempools_free();
	if (rc == 0 && !ok)
		rc = 3;
	printf("herald: %s\n", ok ? "accounting conserved, no mbuf leaked"
				  : "ACCOUNTING VIOLATED");
	return rc;
}

int
main(int argc, char **argv)
{
	struct herald_control_opts co;
	struct app_opts o;
	int n, rc;

	/* Line-buffered even into a pipe, so CLI replies and the prompt
	 * (written by rte_cmdline straight to the fd) keep their order. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "herald: EAL initialisation failed\n");
		return 1;
	}
	argc -= n;
	argv += n;
	argv[0] = (char *)"herald";
	if (parse_args(argc, argv, &o) < 0 ||
	    herald_config_load(o.config, &herald.cfg) < 0) {
		rte_eal_cleanup();
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	rc = setup(&o);
	if (rc != 0) {
		herald_ctlsock_close();
		herald_ports_close();
		herald_xdp_ports_close();
		herald_http_stop();
		herald_telemetry_stop();
		herald_lcores_free();
		herald_cli_free();
		herald_subscriptions_free();
		herald_allow_free();
		herald_mempools_free();
		rte_eal_cleanup();
		return rc;
	}
	print_banner();
	/* Workers start held at packet 0: until every one runs (a worker
	 * that cannot be launched would strand what the others hand it)
	 * and a command file has applied. */
	herald_pause_hold();
	if (herald_lcores_launch() < 0)
		rc = 1;
	/* The command file runs from the control loop, which releases the
	 * workers once it is done. A failed line stops herald before any
	 * traffic flows on a state the operator did not ask for; the
	 * workers stop where they are held: nothing was received that
	 * another worker would have to sequence. */
	if (rc == 0 && herald_cli_start(o.cmdline_file, o.interactive) < 0) {
		rc = 2;
		herald.force_quit = true;
	}
	herald.run_start_tsc = rte_get_tsc_cycles();
	if (rc == 0) {
		co.exit_when_idle_ms = o.exit_when_idle_ms;
		co.exit_after_packets = o.exit_after_packets;
		herald_control_run(&co);
		rc = herald_cli_exit_code();
	}
	rc = teardown(&o, rc);
	rte_eal_cleanup();
	return rc;
}
