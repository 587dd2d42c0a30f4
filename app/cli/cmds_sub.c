/* SPDX-License-Identifier: BSD-3-Clause
 * CLI area "subscriptions": show channel, sub add, sub del.
 */
#include <inttypes.h>
#include <string.h>

#include "cli/cli_cmd.h"
#include "control/control.h"
#include "control/subscriptions.h"
#include "dataplane/dataplane.h"
#include "herald.h"
#include "subtab.h"

/* ---- show channel <id> ---- */
struct cmd_show_channel_result {
	cmdline_fixed_string_t show, channel;
	uint64_t id;
};

/* Members listed by "show channel"; the rest are counted (telemetry's
 * /herald/channel pages them all). */
#define SHOW_MEMBERS_MAX 64

void
herald_cli_print_repair(FILE *out, const struct herald_rtx_stats *r)
{
	fprintf(out,
		"  repair: %" PRIu64 " NACKs, %" PRIu64 " retransmits (%" PRIu64
		" bytes), %" PRIu64 " GAPs, %" PRIu64 " suppressed, %" PRIu64
		" over budget, %" PRIu64 " given up\n",
		r->nacks, r->retransmits, r->retransmit_bytes, r->gaps,
		r->suppressed, r->over_budget, r->given_up);
}

static void
cmd_show_channel_parsed(void *parsed, struct cmdline *cl __rte_unused,
			void *data __rte_unused)
{
	struct cmd_show_channel_result *r = parsed;
	struct herald_member_info m[SHOW_MEMBERS_MAX];
	struct herald_channel_info ci;
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	FILE *out = herald_cli_out();
	uint64_t now;
	int i, n;

	if (r->id == 0) {
		herald_cli_fail("show channel: channel 0 is invalid");
		return;
	}
	/* What was changed before this command shows (and is what the
	 * workers see). */
	herald_control_flush();
	n = herald_control_channel(r->id, &ci, m, 0, SHOW_MEMBERS_MAX);
	fprintf(out,
		"channel %" PRIu64
		": slot %u, owner lcore %u, last seq %" PRIu64 "\n",
		r->id, ci.slot, ci.owner_lcore, ci.last_seq);
	if (ci.has_state) {
		now = herald_control_now_ns();
		fprintf(out,
			"  epoch %08x, last message %" PRIu64
			" ms ago, %.1f msg/s over the epoch\n",
			ci.epoch,
			now > ci.last_msg_ns ? (now - ci.last_msg_ns) / 1000000
					     : 0,
			ci.mean_rate);
		herald_cli_print_repair(out, &ci.repair);
	} else {
		fprintf(out, "  no sequence state (no message yet, or "
			     "forgotten)\n");
	}
	fprintf(out, "  %u subscriber(s)\n", ci.n_members);
	for (i = 0; i < n; i++) {
		rte_ether_format_addr(mac, sizeof(mac), &m[i].mac);
		fprintf(out,
			"  subscriber %u at %u.%u.%u.%u:%u mac %s port %u%s\n",
			m[i].subscriber, m[i].ip >> 24, (m[i].ip >> 16) & 0xff,
			(m[i].ip >> 8) & 0xff, m[i].ip & 0xff, m[i].port, mac,
			herald.cfg.egress_port,
			m[i].operator_added ? " (operator)" : "");
	}
	if (ci.n_members > (uint32_t)n)
		fprintf(out,
			"  ... and %u more (/herald/channel,%" PRIu64
			",PAGE in telemetry lists them all)\n",
			ci.n_members - (uint32_t)n, r->id);
	fflush(out);
}

static cmdline_parse_token_string_t cmd_sc_show =
	TOKEN_STRING_INITIALIZER(struct cmd_show_channel_result, show, "show");
static cmdline_parse_token_string_t cmd_sc_channel = TOKEN_STRING_INITIALIZER(
	struct cmd_show_channel_result, channel, "channel");
static cmdline_parse_token_num_t cmd_sc_id =
	TOKEN_NUM_INITIALIZER(struct cmd_show_channel_result, id, RTE_UINT64);
static cmdline_parse_inst_t cmd_show_channel = {
	.f = cmd_show_channel_parsed,
	.help_str = "show channel <id>: slot, owner, seq, epoch, rate and "
		    "subscribers",
	.tokens = {(void *)&cmd_sc_show, (void *)&cmd_sc_channel,
		   (void *)&cmd_sc_id, NULL},
};

/* ---- sub add / sub del ---- */
struct cmd_sub_result {
	cmdline_fixed_string_t sub, op;
	uint64_t channel;
	uint32_t subscriber;
	cmdline_ipaddr_t ip;
	uint16_t port;
	struct rte_ether_addr mac;
	cmdline_fixed_string_t passive;
};

static void
sub_apply(struct cmd_sub_result *r, const struct rte_ether_addr *mac,
	  bool passive)
{
	const char *why = "";
	int rc;

	if (r->ip.family != AF_INET) {
		herald_cli_fail("sub %s: only IPv4 subscribers", r->op);
		return;
	}
	if (r->port == 0) {
		herald_cli_fail("sub %s: UDP port 0 is invalid", r->op);
		return;
	}
	if (strcmp(r->op, "add") == 0)
		rc = herald_sub_add(r->channel, r->subscriber,
				    herald_cli_ip(&r->ip), r->port, mac,
				    passive, &why);
	else
		rc = herald_sub_del(r->channel, r->subscriber,
				    herald_cli_ip(&r->ip), r->port, &why);
	if (rc < 0)
		herald_cli_fail("sub %s: %s", r->op, why);
	else
		herald_cli_ack("sub %s: channel %" PRIu64 " subscriber %u %s\n",
			       r->op, r->channel, r->subscriber,
			       rc == 1 ? "updated" : "done");
}

static void
cmd_sub_parsed(void *parsed, struct cmdline *cl __rte_unused,
	       void *data __rte_unused)
{
	sub_apply(parsed, NULL, false);
}

static void
cmd_sub_passive_parsed(void *parsed, struct cmdline *cl __rte_unused,
		       void *data __rte_unused)
{
	sub_apply(parsed, NULL, true);
}

static void
cmd_sub_mac_passive_parsed(void *parsed, struct cmdline *cl __rte_unused,
			   void *data __rte_unused)
{
	struct cmd_sub_result *r = parsed;

	sub_apply(r, &r->mac, true);
}

static void
cmd_sub_mac_parsed(void *parsed, struct cmdline *cl __rte_unused,
		   void *data __rte_unused)
{
	struct cmd_sub_result *r = parsed;

	sub_apply(r, &r->mac, false);
}

static cmdline_parse_token_string_t cmd_sub_sub =
	TOKEN_STRING_INITIALIZER(struct cmd_sub_result, sub, "sub");
static cmdline_parse_token_string_t cmd_sub_add_op =
	TOKEN_STRING_INITIALIZER(struct cmd_sub_result, op, "add");
static cmdline_parse_token_string_t cmd_sub_del_op =
	TOKEN_STRING_INITIALIZER(struct cmd_sub_result, op, "del");
static cmdline_parse_token_num_t cmd_sub_channel =
	TOKEN_NUM_INITIALIZER(struct cmd_sub_result, channel, RTE_UINT64);
static cmdline_parse_token_num_t cmd_sub_subscriber =
	TOKEN_NUM_INITIALIZER(struct cmd_sub_result, subscriber, RTE_UINT32);
static cmdline_parse_token_ipaddr_t cmd_sub_ip =
	TOKEN_IPV4_INITIALIZER(struct cmd_sub_result, ip);
static cmdline_parse_token_num_t cmd_sub_port =
	TOKEN_NUM_INITIALIZER(struct cmd_sub_result, port, RTE_UINT16);
static cmdline_parse_token_etheraddr_t cmd_sub_mac =
	TOKEN_ETHERADDR_INITIALIZER(struct cmd_sub_result, mac);
static cmdline_parse_token_string_t cmd_sub_passive =
	TOKEN_STRING_INITIALIZER(struct cmd_sub_result, passive, "passive");

static cmdline_parse_inst_t cmd_sub_add = {
	.f = cmd_sub_parsed,
	.help_str = "sub add <channel> <subscriber> <ip> <port>: "
		    "subscribe (next_hop_mac as destination MAC)",
	.tokens = {(void *)&cmd_sub_sub, (void *)&cmd_sub_add_op,
		   (void *)&cmd_sub_channel, (void *)&cmd_sub_subscriber,
		   (void *)&cmd_sub_ip, (void *)&cmd_sub_port, NULL},
};
static cmdline_parse_inst_t cmd_sub_add_mac = {
	.f = cmd_sub_mac_parsed,
	.help_str =
		"sub add <channel> <subscriber> <ip> <port> <mac>: subscribe",
	.tokens = {(void *)&cmd_sub_sub, (void *)&cmd_sub_add_op,
		   (void *)&cmd_sub_channel, (void *)&cmd_sub_subscriber,
		   (void *)&cmd_sub_ip, (void *)&cmd_sub_port,
		   (void *)&cmd_sub_mac, NULL},
};
static cmdline_parse_inst_t cmd_sub_add_passive = {
	.f = cmd_sub_passive_parsed,
	.help_str = "sub add <channel> <subscriber> <ip> <port> passive: "
		    "a passive subscription, pulses only (next_hop_mac as "
		    "destination MAC)",
	.tokens = {(void *)&cmd_sub_sub, (void *)&cmd_sub_add_op,
		   (void *)&cmd_sub_channel, (void *)&cmd_sub_subscriber,
		   (void *)&cmd_sub_ip, (void *)&cmd_sub_port,
		   (void *)&cmd_sub_passive, NULL},
};
static cmdline_parse_inst_t cmd_sub_add_mac_passive = {
	.f = cmd_sub_mac_passive_parsed,
	.help_str = "sub add <channel> <subscriber> <ip> <port> <mac> "
		    "passive: a passive subscription, pulses only",
	.tokens = {(void *)&cmd_sub_sub, (void *)&cmd_sub_add_op,
		   (void *)&cmd_sub_channel, (void *)&cmd_sub_subscriber,
		   (void *)&cmd_sub_ip, (void *)&cmd_sub_port,
		   (void *)&cmd_sub_mac, (void *)&cmd_sub_passive, NULL},
};
static cmdline_parse_inst_t cmd_sub_del = {
	.f = cmd_sub_parsed,
	.help_str = "sub del <channel> <subscriber> <ip> <port>: unsubscribe",
	.tokens = {(void *)&cmd_sub_sub, (void *)&cmd_sub_del_op,
		   (void *)&cmd_sub_channel, (void *)&cmd_sub_subscriber,
		   (void *)&cmd_sub_ip, (void *)&cmd_sub_port, NULL},
};

cmdline_parse_inst_t *herald_cli_cmds_sub[] = {
	&cmd_show_channel,
	&cmd_sub_add,
	&cmd_sub_add_mac,
	&cmd_sub_add_passive,
	&cmd_sub_add_mac_passive,
	&cmd_sub_del,
	NULL,
};
