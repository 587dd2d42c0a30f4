/* SPDX-License-Identifier: BSD-3-Clause
 * CLI area "stats": show stats, show port stats all, show lcores,
 * clear stats.
 */
#include "cli/cli_cmd.h"
#include "obs/stats.h"

static cmdline_parse_token_string_t tok_show =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, a, "show");

/* ---- show stats ---- */
static void
show_stats(void *res __rte_unused, struct cmdline *cl __rte_unused,
	   void *data __rte_unused)
{
	herald_stats_show(herald_cli_out());
}

static cmdline_parse_token_string_t tok_stats =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, b, "stats");
static cmdline_parse_inst_t cmd_show_stats = {
	.f = show_stats,
	.help_str = "show stats: counters and live rates",
	.tokens = {(void *)&tok_show, (void *)&tok_stats, NULL},
};

/* ---- clear stats ---- */
static void
clear_stats(void *res __rte_unused, struct cmdline *cl __rte_unused,
	    void *data __rte_unused)
{
	herald_stats_clear();
	fprintf(herald_cli_out(), "stats cleared\n");
}

static cmdline_parse_token_string_t tok_clear =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, a, "clear");
static cmdline_parse_inst_t cmd_clear_stats = {
	.f = clear_stats,
	.help_str = "clear stats: zero the displayed counters",
	.tokens = {(void *)&tok_clear, (void *)&tok_stats, NULL},
};

/* ---- show lcores ---- */
static void
show_lcores(void *res __rte_unused, struct cmdline *cl __rte_unused,
	    void *data __rte_unused)
{
	herald_stats_show_lcores(herald_cli_out());
}

static cmdline_parse_token_string_t tok_lcores =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, b, "lcores");
static cmdline_parse_inst_t cmd_show_lcores = {
	.f = show_lcores,
	.help_str = "show lcores: workers, slots and load",
	.tokens = {(void *)&tok_show, (void *)&tok_lcores, NULL},
};

/* ---- show port stats all ---- */
static void
show_port_stats(void *res __rte_unused, struct cmdline *cl __rte_unused,
		void *data __rte_unused)
{
	herald_stats_show_ports(herald_cli_out());
}

static cmdline_parse_token_string_t tok_port =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, b, "port");
static cmdline_parse_token_string_t tok_port_stats =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, c, "stats");
static cmdline_parse_token_string_t tok_all =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, d, "all");
static cmdline_parse_inst_t cmd_port_stats = {
	.f = show_port_stats,
	.help_str = "show port stats all: per-port ethdev counters",
	.tokens = {(void *)&tok_show, (void *)&tok_port,
		   (void *)&tok_port_stats, (void *)&tok_all, NULL},
};

cmdline_parse_inst_t *herald_cli_cmds_stats[] = {
	&cmd_show_stats,
	&cmd_port_stats,
	&cmd_show_lcores,
	&cmd_clear_stats,
	NULL,
};
