/* SPDX-License-Identifier: BSD-3-Clause
 * CLI area "subscribers": show subscriber, show sessions (the control
 * plane's endpoint sessions, and the workers' publisher sessions).
 */
#include <inttypes.h>
#include <string.h>

#include "cli/cli_cmd.h"
#include "control/control.h"
#include "herald.h"
#include "obs/top.h"

/* Endpoints and subscriptions listed in full; beyond, counted. */
#define SHOW_LIST_MAX 64

static void
fmt_ep(char *buf, size_t n, uint32_t ip, uint16_t port)
{
	snprintf(buf, n, "%u.%u.%u.%u:%u", ip >> 24, (ip >> 16) & 0xff,
		 (ip >> 8) & 0xff, ip & 0xff, port);
}

/* "last heard N ms ago, expires in M ms" (operator's only: never). */
static void
print_liveness(FILE *out, const struct herald_endpoint_info *e, uint64_t now)
{
	uint64_t idle = now > e->last_seen_ns ? now - e->last_seen_ns : 0;

	fprintf(out, "last heard %" PRIu64 " ms ago, ", idle / 1000000);
	if (e->n_network == 0)
		fprintf(out, "operator's only (no timeout)");
	else if (idle >= e->timeout_ns)
		fprintf(out, "timed out (expires at the next sweep)");
	else
		fprintf(out, "expires in %" PRIu64 " ms",
			(e->timeout_ns - idle) / 1000000);
}

/* ---- show subscriber <ip> <port> ---- */
struct show_subscriber_result {
	cmdline_fixed_string_t show, subscriber;
	cmdline_ipaddr_t ip;
	uint16_t port;
};

static void
show_subscriber(void *parsed, struct cmdline *cl __rte_unused,
		void *data __rte_unused)
{
	struct show_subscriber_result *r = parsed;
	struct herald_epsub_info s[SHOW_LIST_MAX];
	struct herald_endpoint_info e;
	char ep[32], mac[RTE_ETHER_ADDR_FMT_SIZE];
	FILE *out = herald_cli_out();
	int i, n;

	if (r->ip.family != AF_INET) {
		herald_cli_fail("show subscriber: only IPv4 subscribers");
		return;
	}
	fmt_ep(ep, sizeof(ep), herald_cli_ip(&r->ip), r->port);
	n = herald_control_endpoint(herald_cli_ip(&r->ip), r->port, &e, s, 0,
				    SHOW_LIST_MAX);
	if (n < 0) {
		herald_cli_fail("show subscriber %s: no subscription from this "
				"endpoint",
				ep);
		return;
	}
	rte_ether_format_addr(mac, sizeof(mac), &e.mac);
	fprintf(out, "subscriber endpoint %s: mac %s, %u subscription(s)", ep,
		mac, e.n_subs);
	fprintf(out, " (%u from the network)\n  ", e.n_network);
	print_liveness(out, &e, herald_control_now_ns());
	fprintf(out, "\n");
	herald_cli_print_repair(out, &e.repair);
	for (i = 0; i < n; i++)
		fprintf(out, "  channel %" PRIu64 " subscriber %u%s%s\n",
			s[i].channel, s[i].subscriber,
			s[i].operator_added ? " (operator)" : "",
			s[i].passive ? " (passive)" : "");
	if (e.n_subs > (uint32_t)n)
		fprintf(out,
			"  ... and %u more (/herald/subscriber,%s,PAGE in "
			"telemetry lists them all)\n",
			e.n_subs - (uint32_t)n, ep);
	fflush(out);
}

static cmdline_parse_token_string_t tok_ss_show =
	TOKEN_STRING_INITIALIZER(struct show_subscriber_result, show, "show");
static cmdline_parse_token_string_t tok_ss_subscriber =
	TOKEN_STRING_INITIALIZER(struct show_subscriber_result, subscriber,
				 "subscriber");
static cmdline_parse_token_ipaddr_t tok_ss_ip =
	TOKEN_IPV4_INITIALIZER(struct show_subscriber_result, ip);
static cmdline_parse_token_num_t tok_ss_port =
	TOKEN_NUM_INITIALIZER(struct show_subscriber_result, port, RTE_UINT16);
static cmdline_parse_inst_t cmd_show_subscriber = {
	.f = show_subscriber,
	.help_str = "show subscriber <ip> <port>: an endpoint's "
		    "subscriptions and liveness",
	.tokens = {(void *)&tok_ss_show, (void *)&tok_ss_subscriber,
		   (void *)&tok_ss_ip, (void *)&tok_ss_port, NULL},
};

/* ---- show sessions ---- */
static void
show_sessions(void *parsed __rte_unused, struct cmdline *cl __rte_unused,
	      void *data __rte_unused)
{
	static struct herald_endpoint_info e[SHOW_LIST_MAX];
	uint32_t n_ep = herald_control_n_endpoints(), n, i;
	const struct herald_lcore *lc;
	uint64_t now = herald_control_now_ns();
	FILE *out = herald_cli_out();
	char ep[32];

	fprintf(out, "publisher sessions:\n");
	for (i = 0; (lc = herald_lcore_get(i)) != NULL; i++)
		fprintf(out,
			"  worker %u (lcore %u): %u session(s), %" PRIu64
			" opened, %" PRIu64 " expired\n",
			i, lc->lcore_id,
			__atomic_load_n(&lc->n_sessions, __ATOMIC_RELAXED),
			lc->cnt.c[CNT_sessions_opened],
			lc->cnt.c[CNT_sessions_expired]);
	fprintf(out, "subscriber endpoints: %u\n", n_ep);
	n = herald_control_endpoints(e, SHOW_LIST_MAX);
	for (i = 0; i < n; i++) {
		fmt_ep(ep, sizeof(ep), e[i].ip, e[i].port);
		fprintf(out, "  %s: %u subscription(s), ", ep, e[i].n_subs);
		print_liveness(out, &e[i], now);
		fprintf(out, "\n");
	}
	if (n_ep > n)
		fprintf(out,
			"  ... and %u more (show subscriber <ip> <port>)\n",
			n_ep - n);
	fflush(out);
}

static cmdline_parse_token_string_t tok_sess_show =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, a, "show");
static cmdline_parse_token_string_t tok_sess_sessions =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, b, "sessions");
static cmdline_parse_inst_t cmd_show_sessions = {
	.f = show_sessions,
	.help_str = "show sessions: publisher sessions per worker, subscriber "
		    "endpoints and their liveness",
	.tokens = {(void *)&tok_sess_show, (void *)&tok_sess_sessions, NULL},
};

/* ---- show subscribers top ---- */
static void
show_top(void *parsed __rte_unused, struct cmdline *cl __rte_unused,
	 void *data __rte_unused)
{
	static struct herald_endpoint_info top[HERALD_TOP_MAX];
	uint32_t n, with_nacks, ranked;

	n = herald_control_top_repair(top, HERALD_TOP_MAX, HERALD_SUB_BY_REPAIR,
				      &with_nacks, &ranked);
	herald_top_subscribers_show(herald_cli_out(), top, n, with_nacks,
				    HERALD_SUB_BY_REPAIR, ranked);
	fflush(herald_cli_out());
}

static cmdline_parse_token_string_t tok_top_subscribers =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, b, "subscribers");
static cmdline_parse_token_string_t tok_top_top =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, c, "top");
static cmdline_parse_inst_t cmd_show_top = {
	.f = show_top,
	.help_str = "show subscribers top: the 32 endpoints that cost the "
		    "most repair (NACKs refused, then retransmits)",
	.tokens = {(void *)&tok_sess_show, (void *)&tok_top_subscribers,
		   (void *)&tok_top_top, NULL},
};

cmdline_parse_inst_t *herald_cli_cmds_subscribers[] = {
	&cmd_show_subscriber,
	&cmd_show_sessions,
	&cmd_show_top,
	NULL,
};
