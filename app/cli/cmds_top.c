/* SPDX-License-Identifier: BSD-3-Clause
 * CLI area "top": the top-N views (obs/top.h) of subscribed channels,
 * subscriber endpoints by repair, publisher sessions by rate or
 * duplicates.
 */
#include <string.h>

#include "cli/cli_cmd.h"
#include "obs/stats.h"
#include "obs/top.h"

struct cmd_top_result {
	cmdline_fixed_string_t show, top, what, order;
	uint32_t n;
};

static void
top_publishers(FILE *out, uint32_t n, enum herald_pub_order order)
{
	static struct herald_publisher_info pub[HERALD_TOP_MAX];
	uint32_t got, total;

	got = herald_publish_top(pub, n, order, &total);
	if (herald_cli_json())
		herald_top_publishers_json(out, pub, got, total, order);
	else
		herald_top_publishers_show(out, pub, got, total, order);
}

static void
top_subscribers(FILE *out, uint32_t n, enum herald_sub_order order)
{
	static struct herald_endpoint_info ep[HERALD_TOP_MAX];
	uint32_t got, with_nacks, ranked;

	got = herald_control_top_repair(ep, n, order, &with_nacks, &ranked);
	if (herald_cli_json())
		herald_top_subscribers_json(out, ep, got, with_nacks, order,
					    ranked);
	else
		herald_top_subscribers_show(out, ep, got, with_nacks, order,
					    ranked);
}

/* order: a publishers' or a subscribers' order, as what says; -1 for
 * the default. */
static void
top_run(const char *what, uint32_t n, int order)
{
	static struct herald_channel_info ch[HERALD_TOP_MAX];
	FILE *out = herald_cli_out();
	uint32_t got, total;

	if (n == 0 || n > HERALD_TOP_MAX) {
		herald_cli_fail("show top %s %u: n must be 1 to %u", what, n,
				HERALD_TOP_MAX);
		return;
	}
	if (strcmp(what, "channels") == 0) {
		got = herald_control_top_channels(ch, n, &total);
		if (herald_cli_json())
			herald_top_channels_json(out, ch, got, total);
		else
			herald_top_channels_show(out, ch, got, total);
	} else if (strcmp(what, "slots") == 0) {
		if (herald_cli_json())
			herald_slots_json(out, false, n);
		else
			herald_slots_show(out, false, n);
	} else if (strcmp(what, "subscribers") == 0) {
		top_subscribers(out, n,
				order < 0 ? HERALD_SUB_BY_REPAIR
					  : (enum herald_sub_order)order);
	} else {
		top_publishers(out, n,
			       order < 0 ? HERALD_PUB_BY_RATE
					 : (enum herald_pub_order)order);
	}
	fflush(out);
}

static void
show_top_n(void *parsed, struct cmdline *cl __rte_unused,
	   void *data __rte_unused)
{
	const struct cmd_top_result *r = parsed;

	top_run(r->what, r->n, -1);
}

static void
show_top_10(void *parsed, struct cmdline *cl __rte_unused,
	    void *data __rte_unused)
{
	const struct cmd_top_result *r = parsed;

	top_run(r->what, 10, -1);
}

static void
show_top_pub_order(void *parsed, struct cmdline *cl __rte_unused,
		   void *data __rte_unused)
{
	const struct cmd_top_result *r = parsed;

	top_run(r->what, r->n, herald_top_pub_order(r->order));
}

static void
show_top_sub_order(void *parsed, struct cmdline *cl __rte_unused,
		   void *data __rte_unused)
{
	const struct cmd_top_result *r = parsed;

	top_run(r->what, r->n, herald_top_sub_order(r->order));
}

static cmdline_parse_token_string_t tok_tn_show =
	TOKEN_STRING_INITIALIZER(struct cmd_top_result, show, "show");
static cmdline_parse_token_string_t tok_tn_top =
	TOKEN_STRING_INITIALIZER(struct cmd_top_result, top, "top");
static cmdline_parse_token_string_t tok_tn_what = TOKEN_STRING_INITIALIZER(
	struct cmd_top_result, what, "channels#subscribers#publishers#slots");
static cmdline_parse_token_string_t tok_tn_publishers =
	TOKEN_STRING_INITIALIZER(struct cmd_top_result, what, "publishers");
static cmdline_parse_token_string_t tok_tn_order = TOKEN_STRING_INITIALIZER(
	struct cmd_top_result, order, "rate#duplicates");
static cmdline_parse_token_string_t tok_tn_subscribers =
	TOKEN_STRING_INITIALIZER(struct cmd_top_result, what, "subscribers");
static cmdline_parse_token_string_t tok_tn_sub_order = TOKEN_STRING_INITIALIZER(
	struct cmd_top_result, order, "repair#nacks#retransmits#gaps#budget");
static cmdline_parse_token_num_t tok_tn_n =
	TOKEN_NUM_INITIALIZER(struct cmd_top_result, n, RTE_UINT32);

static cmdline_parse_inst_t cmd_show_top_n = {
	.f = show_top_n,
	.data = HERALD_CLI_JSON,
	.help_str = "show top channels|subscribers|publishers|slots <n>: the "
		    "n (1 to 32) busiest subscribed channels (messages this "
		    "epoch), the endpoints that cost the most repair, the "
		    "busiest publisher sessions (messages/s), or the busiest "
		    "slots (messages since clear stats)",
	.tokens = {(void *)&tok_tn_show, (void *)&tok_tn_top,
		   (void *)&tok_tn_what, (void *)&tok_tn_n, NULL},
};
static cmdline_parse_inst_t cmd_show_top_10 = {
	.f = show_top_10,
	.data = HERALD_CLI_JSON,
	.help_str = "show top channels|subscribers|publishers|slots: the "
		    "same, the top ten",
	.tokens = {(void *)&tok_tn_show, (void *)&tok_tn_top,
		   (void *)&tok_tn_what, NULL},
};
static cmdline_parse_inst_t cmd_show_top_pub_order = {
	.f = show_top_pub_order,
	.data = HERALD_CLI_JSON,
	.help_str = "show top publishers <n> rate|duplicates: the n publisher "
		    "sessions with the highest rate, or with the most "
		    "duplicate frames (those that sent any)",
	.tokens = {(void *)&tok_tn_show, (void *)&tok_tn_top,
		   (void *)&tok_tn_publishers, (void *)&tok_tn_n,
		   (void *)&tok_tn_order, NULL},
};

static cmdline_parse_inst_t cmd_show_top_sub_order = {
	.f = show_top_sub_order,
	.data = HERALD_CLI_JSON,
	.help_str = "show top subscribers <n> "
		    "repair|nacks|retransmits|gaps|budget: the n endpoints "
		    "with the most NACKs refused (over budget or given up), "
		    "NACKs, retransmits, GAPs or NACKs over their budget",
	.tokens = {(void *)&tok_tn_show, (void *)&tok_tn_top,
		   (void *)&tok_tn_subscribers, (void *)&tok_tn_n,
		   (void *)&tok_tn_sub_order, NULL},
};

cmdline_parse_inst_t *herald_cli_cmds_top[] = {
	&cmd_show_top_n,
	&cmd_show_top_10,
	&cmd_show_top_pub_order,
	&cmd_show_top_sub_order,
	NULL,
};
