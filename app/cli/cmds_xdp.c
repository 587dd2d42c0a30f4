/* SPDX-License-Identifier: BSD-3-Clause
 * CLI area "xdp": show xdp, xdp slot.
 */
#include "cli/cli_cmd.h"
#include "xdp/xdp.h"

/* ---- show xdp / xdp slot ---- */
static void
cmd_show_xdp_parsed(void *res __rte_unused, struct cmdline *cl __rte_unused,
		    void *data __rte_unused)
{
	herald_xdp_show(herald_cli_out());
}

static cmdline_parse_token_string_t cmd_show_tok =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, a, "show");
static cmdline_parse_token_string_t cmd_xdp_word =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, b, "xdp");
static cmdline_parse_inst_t cmd_show_xdp = {
	.f = cmd_show_xdp_parsed,
	.help_str = "show xdp: XDP program counters of af_xdp ports",
	.tokens = {(void *)&cmd_show_tok, (void *)&cmd_xdp_word, NULL},
};

struct cmd_xdp_slot_result {
	cmdline_fixed_string_t xdp, slot_kw, action;
	uint16_t slot;
	cmdline_ipaddr_t ip;
	struct rte_ether_addr mac;
};

static void
xdp_slot_apply(struct cmd_xdp_slot_result *r, uint32_t ip,
	       const struct rte_ether_addr *mac)
{
	const char *why = "";

	if (herald_xdp_slot(r->slot, r->action, ip,
			    mac != NULL ? mac->addr_bytes : NULL, &why) < 0)
		herald_cli_fail("xdp slot: %s", why);
	else
		herald_cli_ack("xdp slot %u: %s\n", r->slot, r->action);
}

static void
cmd_xdp_slot_parsed(void *parsed, struct cmdline *cl __rte_unused,
		    void *data __rte_unused)
{
	xdp_slot_apply(parsed, 0, NULL);
}

static void
cmd_xdp_slot_node_parsed(void *parsed, struct cmdline *cl __rte_unused,
			 void *data __rte_unused)
{
	struct cmd_xdp_slot_result *r = parsed;

	if (r->ip.family != AF_INET) {
		herald_cli_fail("xdp slot: node address must be IPv4");
		return;
	}
	xdp_slot_apply(r, herald_cli_ip(&r->ip), &r->mac);
}

static cmdline_parse_token_string_t cmd_xs_xdp =
	TOKEN_STRING_INITIALIZER(struct cmd_xdp_slot_result, xdp, "xdp");
static cmdline_parse_token_string_t cmd_xs_slot =
	TOKEN_STRING_INITIALIZER(struct cmd_xdp_slot_result, slot_kw, "slot");
static cmdline_parse_token_num_t cmd_xs_n =
	TOKEN_NUM_INITIALIZER(struct cmd_xdp_slot_result, slot, RTE_UINT16);
static cmdline_parse_token_string_t cmd_xs_local_pass =
	TOKEN_STRING_INITIALIZER(struct cmd_xdp_slot_result, action,
				 "local#pass");
static cmdline_parse_token_string_t cmd_xs_node =
	TOKEN_STRING_INITIALIZER(struct cmd_xdp_slot_result, action, "node");
static cmdline_parse_token_ipaddr_t cmd_xs_ip =
	TOKEN_IPV4_INITIALIZER(struct cmd_xdp_slot_result, ip);
static cmdline_parse_token_etheraddr_t cmd_xs_mac =
	TOKEN_ETHERADDR_INITIALIZER(struct cmd_xdp_slot_result, mac);

static cmdline_parse_inst_t cmd_xdp_slot = {
	.f = cmd_xdp_slot_parsed,
	.help_str =
		"xdp slot <slot> local|pass: steer a slot in the XDP program",
	.tokens = {(void *)&cmd_xs_xdp, (void *)&cmd_xs_slot, (void *)&cmd_xs_n,
		   (void *)&cmd_xs_local_pass, NULL},
};
static cmdline_parse_inst_t cmd_xdp_slot_node = {
	.f = cmd_xdp_slot_node_parsed,
	.help_str =
		"xdp slot <slot> node <ip> <mac>: send a slot to another node",
	.tokens = {(void *)&cmd_xs_xdp, (void *)&cmd_xs_slot, (void *)&cmd_xs_n,
		   (void *)&cmd_xs_node, (void *)&cmd_xs_ip,
		   (void *)&cmd_xs_mac, NULL},
};

cmdline_parse_inst_t *herald_cli_cmds_xdp[] = {
	&cmd_show_xdp,
	&cmd_xdp_slot,
	&cmd_xdp_slot_node,
	NULL,
};
