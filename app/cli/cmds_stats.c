/* SPDX-License-Identifier: BSD-3-Clause
 * CLI area "stats": show stats, show port stats|xstats, show lcores,
 * show slots, show latency, clear stats.
 */
#include <string.h>

#include "cli/cli_cmd.h"
#include "herald.h"
#include "obs/latency.h"
#include "obs/stats.h"

static cmdline_parse_token_string_t tok_show =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, a, "show");

/* ---- show stats ---- */
static void
show_stats(void *res __rte_unused, struct cmdline *cl __rte_unused,
	   void *data __rte_unused)
{
	if (herald_cli_json())
		herald_stats_json(herald_cli_out());
	else
		herald_stats_show(herald_cli_out());
}

static cmdline_parse_token_string_t tok_stats =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, b, "stats");
static cmdline_parse_inst_t cmd_show_stats = {
	.f = show_stats,
	.data = HERALD_CLI_JSON,
	.help_str = "show stats: counters (since clear stats) and live rates",
	.tokens = {(void *)&tok_show, (void *)&tok_stats, NULL},
};

/* ---- clear stats ---- */
static void
clear_stats(void *res __rte_unused, struct cmdline *cl __rte_unused,
	    void *data __rte_unused)
{
	herald_stats_clear();
	herald_cli_ack("stats cleared\n");
}

static cmdline_parse_token_string_t tok_clear =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, a, "clear");
static cmdline_parse_inst_t cmd_clear_stats = {
	.f = clear_stats,
	.help_str = "clear stats: zero what the show commands count (the exit "
		    "JSON stays absolute)",
	.tokens = {(void *)&tok_clear, (void *)&tok_stats, NULL},
};

/* ---- show lcores ---- */
static void
show_lcores(void *res __rte_unused, struct cmdline *cl __rte_unused,
	    void *data __rte_unused)
{
	if (herald_cli_json())
		herald_stats_json_lcores(herald_cli_out());
	else
		herald_stats_show_lcores(herald_cli_out());
}

static cmdline_parse_token_string_t tok_lcores =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, b, "lcores");
static cmdline_parse_inst_t cmd_show_lcores = {
	.f = show_lcores,
	.data = HERALD_CLI_JSON,
	.help_str = "show lcores: per worker: lcore, slots, loops, busy %, "
		    "rx/tx/hand-offs, forwarding and RCU state",
	.tokens = {(void *)&tok_show, (void *)&tok_lcores, NULL},
};

/* ---- show latency ---- */
static void
show_latency(void *res __rte_unused, struct cmdline *cl __rte_unused,
	     void *data __rte_unused)
{
	if (herald_cli_json())
		herald_latency_json(herald_cli_out());
	else
		herald_latency_show(herald_cli_out());
}

static cmdline_parse_token_string_t tok_latency =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, b, "latency");
static cmdline_parse_inst_t cmd_show_latency = {
	.f = show_latency,
	.data = HERALD_CLI_JSON,
	.help_str =
		"show latency: per kind (PUBLISH receive to DELIVER queued, "
		"to TX burst return; NACK to retransmit), all workers, "
		"since start: count, p50 p90 p99 p999 max in ns",
	.tokens = {(void *)&tok_show, (void *)&tok_latency, NULL},
};

/* ---- show port stats|xstats all|<port> ---- */

/* "0" or "0-N": the ports there are. */
static const char *
port_list(char *buf, size_t len)
{
	if (herald.n_ports == 1)
		snprintf(buf, len, "0");
	else
		snprintf(buf, len, "0-%u", herald.n_ports - 1);
	return buf;
}

/* The ports an argument names: "all" or one that exists. */
static int
port_range(const struct herald_cli_arg *r, uint16_t *first, uint16_t *last)
{
	char ports[16];
	uint64_t p;

	if (herald.n_ports == 0) {
		herald_cli_fail("show port %s %s: herald has no port", r->c,
				r->arg);
		return -1;
	}
	if (strcmp(r->arg, "all") == 0) {
		*first = 0;
		*last = herald.n_ports - 1;
		return 0;
	}
	if (herald_cli_number(r->arg, UINT16_MAX, &p) < 0) {
		herald_cli_fail("show port %s %s: not a port (all, or %s)",
				r->c, r->arg, port_list(ports, sizeof(ports)));
		return -1;
	}
	if (p >= herald.n_ports) {
		herald_cli_fail("show port %s %s: no port %s (ports: %s)", r->c,
				r->arg, r->arg,
				port_list(ports, sizeof(ports)));
		return -1;
	}
	*first = (uint16_t)p;
	*last = (uint16_t)p;
	return 0;
}

static void
show_port_stats(void *parsed, struct cmdline *cl __rte_unused,
		void *data __rte_unused)
{
	struct herald_cli_arg *r = parsed;
	uint16_t first, last, p;

	if (port_range(r, &first, &last) < 0)
		return;
	if (herald_cli_json())
		herald_stats_json_ports(herald_cli_out(), first, last);
	else if (strcmp(r->arg, "all") == 0)
		herald_stats_show_ports(herald_cli_out());
	else
		for (p = first; p <= last; p++)
			herald_stats_show_port(herald_cli_out(), p);
}

static void
show_port_xstats(void *parsed, struct cmdline *cl __rte_unused,
		 void *data __rte_unused)
{
	struct herald_cli_arg *r = parsed;
	uint16_t first, last, p;
	bool json = herald_cli_json();
	FILE *out = herald_cli_out();

	if (port_range(r, &first, &last) < 0)
		return;
	if (json)
		fprintf(out, "[");
	for (p = first; p <= last; p++) {
		if (json && p != first)
			fprintf(out, ",\n");
		if ((json ? herald_xstats_json(out, p)
			  : herald_xstats_show(out, p)) < 0) {
			herald_cli_fail("show port xstats %s: port %u has no "
					"extended statistics",
					r->arg, p);
			break;
		}
	}
	if (json)
		fprintf(out, "]\n");
}

static cmdline_parse_token_string_t tok_port =
	TOKEN_STRING_INITIALIZER(struct herald_cli_arg, b, "port");
static cmdline_parse_token_string_t tok_port_stats =
	TOKEN_STRING_INITIALIZER(struct herald_cli_arg, c, "stats");
static cmdline_parse_token_string_t tok_port_xstats =
	TOKEN_STRING_INITIALIZER(struct herald_cli_arg, c, "xstats");
/* Any word: the command names what is wrong with it. */
static cmdline_parse_token_string_t tok_port_which =
	TOKEN_STRING_INITIALIZER(struct herald_cli_arg, arg, NULL);
static cmdline_parse_token_string_t tok_show_arg =
	TOKEN_STRING_INITIALIZER(struct herald_cli_arg, a, "show");

static cmdline_parse_inst_t cmd_port_stats = {
	.f = show_port_stats,
	.data = HERALD_CLI_JSON,
	.help_str = "show port stats all|<port>: ethdev counters and Herald's "
		    "per port",
	.tokens = {(void *)&tok_show_arg, (void *)&tok_port,
		   (void *)&tok_port_stats, (void *)&tok_port_which, NULL},
};
static cmdline_parse_inst_t cmd_port_xstats = {
	.f = show_port_xstats,
	.data = HERALD_CLI_JSON,
	.help_str = "show port xstats all|<port>: the PMD's extended counters",
	.tokens = {(void *)&tok_show_arg, (void *)&tok_port,
		   (void *)&tok_port_xstats, (void *)&tok_port_which, NULL},
};

/* ---- show slots [all] ---- */
static void
slots(bool all)
{
	if (herald_cli_json())
		herald_slots_json(herald_cli_out(), all, UINT_MAX);
	else
		herald_slots_show(herald_cli_out(), all, UINT_MAX);
}

static void
show_slots(void *res __rte_unused, struct cmdline *cl __rte_unused,
	   void *data __rte_unused)
{
	slots(false);
}

static void
show_slots_all(void *res __rte_unused, struct cmdline *cl __rte_unused,
	       void *data __rte_unused)
{
	slots(true);
}

static cmdline_parse_token_string_t tok_slots =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, b, "slots");
static cmdline_parse_token_string_t tok_slots_all =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, c, "all");
static cmdline_parse_inst_t cmd_show_slots = {
	.f = show_slots,
	.data = HERALD_CLI_JSON,
	.help_str = "show slots: slots that carried messages (since clear "
		    "stats), busiest first, with their owner",
	.tokens = {(void *)&tok_show, (void *)&tok_slots, NULL},
};
static cmdline_parse_inst_t cmd_show_slots_all = {
	.f = show_slots_all,
	.data = HERALD_CLI_JSON,
	.help_str = "show slots all: every slot, busiest first, with its "
		    "owner",
	.tokens = {(void *)&tok_show, (void *)&tok_slots,
		   (void *)&tok_slots_all, NULL},
};

cmdline_parse_inst_t *herald_cli_cmds_stats[] = {
	&cmd_show_stats,  &cmd_port_stats,   &cmd_port_xstats,
	&cmd_show_lcores, &cmd_show_slots,   &cmd_show_slots_all,
	&cmd_clear_stats, &cmd_show_latency, NULL,
};
