/* SPDX-License-Identifier: BSD-3-Clause
 * The command table, testpmd style: one token list and one handler per
 * command. Handlers validate beyond the parser's types and print a clear
 * error; failures are counted so a --cmdline-file run can exit non-zero.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmdline.h>
#include <cmdline_parse.h>
#include <cmdline_parse_etheraddr.h>
#include <cmdline_parse_ipaddr.h>
#include <cmdline_parse_num.h>
#include <cmdline_parse_string.h>
#include <cmdline_rdline.h>
#include <cmdline_socket.h>
#include <rte_cycles.h>

#include "cli.h"
#include "fanout.h"
#include "herald.h"
#include "stats.h"
#include "subscriptions.h"
#include "subtab.h"
#include "xdp.h"

#define PROMPT		 "herald> "
#define PAUSE_TIMEOUT_MS 20000

/* Failures of the command being run (read by herald_cli_run_file). */
static unsigned int cli_failures;

static void
cli_fail(const char *fmt, const char *detail)
{
	cli_failures++;
	printf("error: ");
	printf(fmt, detail);
	printf("\n");
	fflush(stdout);
}

static uint32_t
ip_host(const cmdline_ipaddr_t *a)
{
	return rte_be_to_cpu_32(a->addr.ipv4.s_addr);
}

/* ---- help ---- */
struct cmd_help_result {
	cmdline_fixed_string_t help;
};

static void
cmd_help_parsed(void *res __rte_unused, struct cmdline *cl __rte_unused,
		void *data __rte_unused)
{
	printf("Commands:\n"
	       "  help                                   this list\n"
	       "  show stats                             counters and live "
	       "rates\n"
	       "  show port stats all                    per-port ethdev "
	       "counters\n"
	       "  show lcores                            workers, slots, load\n"
	       "  show channel <id>                      slot, owner, seq, "
	       "subscribers\n"
	       "  sub add <channel> <subscriber> <ip> <port> [<mac>]\n"
	       "                                         subscribe an "
	       "endpoint\n"
	       "  sub del <channel> <subscriber> <ip> <port>\n"
	       "                                         unsubscribe an "
	       "endpoint\n"
	       "  clear stats                            zero the displayed "
	       "counters\n"
	       "  pause at <packets>                     stop each worker "
	       "after it has\n"
	       "                                         received <packets> in "
	       "total\n"
	       "                                         (waits until it has; "
	       "replay)\n"
	       "  resume                                 undo pause\n"
	       "  show xdp                               XDP program counters "
	       "(af_xdp ports)\n"
	       "  xdp slot <slot> local|pass             steer a slot in the "
	       "XDP program\n"
	       "  xdp slot <slot> node <ip> <mac>        send a slot's traffic "
	       "to another node\n"
	       "  quit                                   stop Herald\n");
}

static cmdline_parse_token_string_t cmd_help_tok =
	TOKEN_STRING_INITIALIZER(struct cmd_help_result, help, "help");
static cmdline_parse_inst_t cmd_help = {
	.f = cmd_help_parsed,
	.help_str = "help: list the commands",
	.tokens = {(void *)&cmd_help_tok, NULL},
};

/* ---- show stats / clear stats / show lcores ---- */
struct cmd_two_result {
	cmdline_fixed_string_t a;
	cmdline_fixed_string_t b;
};

static void
cmd_show_stats_parsed(void *res __rte_unused, struct cmdline *cl __rte_unused,
		      void *data __rte_unused)
{
	herald_stats_show(stdout);
}

static cmdline_parse_token_string_t cmd_show_tok =
	TOKEN_STRING_INITIALIZER(struct cmd_two_result, a, "show");
static cmdline_parse_token_string_t cmd_stats_tok =
	TOKEN_STRING_INITIALIZER(struct cmd_two_result, b, "stats");
static cmdline_parse_inst_t cmd_show_stats = {
	.f = cmd_show_stats_parsed,
	.help_str = "show stats: counters and live rates",
	.tokens = {(void *)&cmd_show_tok, (void *)&cmd_stats_tok, NULL},
};

static void
cmd_clear_stats_parsed(void *res __rte_unused, struct cmdline *cl __rte_unused,
		       void *data __rte_unused)
{
	herald_stats_clear();
	printf("stats cleared\n");
}

static cmdline_parse_token_string_t cmd_clear_tok =
	TOKEN_STRING_INITIALIZER(struct cmd_two_result, a, "clear");
static cmdline_parse_inst_t cmd_clear_stats = {
	.f = cmd_clear_stats_parsed,
	.help_str = "clear stats: zero the displayed counters",
	.tokens = {(void *)&cmd_clear_tok, (void *)&cmd_stats_tok, NULL},
};

static void
cmd_show_lcores_parsed(void *res __rte_unused, struct cmdline *cl __rte_unused,
		       void *data __rte_unused)
{
	herald_stats_show_lcores(stdout);
}

static cmdline_parse_token_string_t cmd_lcores_tok =
	TOKEN_STRING_INITIALIZER(struct cmd_two_result, b, "lcores");
static cmdline_parse_inst_t cmd_show_lcores = {
	.f = cmd_show_lcores_parsed,
	.help_str = "show lcores: workers, slots and load",
	.tokens = {(void *)&cmd_show_tok, (void *)&cmd_lcores_tok, NULL},
};

/* ---- show port stats all ---- */
struct cmd_port_stats_result {
	cmdline_fixed_string_t show, port, stats, all;
};

static void
cmd_port_stats_parsed(void *res __rte_unused, struct cmdline *cl __rte_unused,
		      void *data __rte_unused)
{
	herald_stats_show_ports(stdout);
}

static cmdline_parse_token_string_t cmd_ps_show =
	TOKEN_STRING_INITIALIZER(struct cmd_port_stats_result, show, "show");
static cmdline_parse_token_string_t cmd_ps_port =
	TOKEN_STRING_INITIALIZER(struct cmd_port_stats_result, port, "port");
static cmdline_parse_token_string_t cmd_ps_stats =
	TOKEN_STRING_INITIALIZER(struct cmd_port_stats_result, stats, "stats");
static cmdline_parse_token_string_t cmd_ps_all =
	TOKEN_STRING_INITIALIZER(struct cmd_port_stats_result, all, "all");
static cmdline_parse_inst_t cmd_port_stats = {
	.f = cmd_port_stats_parsed,
	.help_str = "show port stats all: per-port ethdev counters",
	.tokens = {(void *)&cmd_ps_show, (void *)&cmd_ps_port,
		   (void *)&cmd_ps_stats, (void *)&cmd_ps_all, NULL},
};

/* ---- show channel <id> ---- */
struct cmd_show_channel_result {
	cmdline_fixed_string_t show, channel;
	uint64_t id;
};

static void
cmd_show_channel_parsed(void *parsed, struct cmdline *cl __rte_unused,
			void *data __rte_unused)
{
	struct cmd_show_channel_result *r = parsed;
	const struct subtab_channel *c;
	uint32_t slot = hwp_slot(r->id), i;
	char mac[RTE_ETHER_ADDR_FMT_SIZE];

	if (r->id == 0) {
		cli_fail("channel 0 is invalid%s", "");
		return;
	}
	printf("channel %" PRIu64 ": slot %u, owner lcore %u, last seq %" PRIu64
	       "\n",
	       r->id, slot, herald_slot_owner(r->id)->lcore_id,
	       herald_fanout_last_seq(r->id));
	/* Writer-side read: the control thread is the only writer. */
	c = subtab_lookup(herald.subs, r->id);
	printf("  %u subscriber(s)\n", c == NULL ? 0 : c->n_members);
	for (i = 0; c != NULL && i < c->n_members; i++) {
		const struct subtab_member *m = &c->members[i];

		rte_ether_format_addr(mac, sizeof(mac), &m->mac);
		printf("  subscriber %u at %u.%u.%u.%u:%u mac %s port %u\n",
		       m->subscriber, m->ip >> 24, (m->ip >> 16) & 0xff,
		       (m->ip >> 8) & 0xff, m->ip & 0xff, m->udp_port, mac,
		       m->egress_port);
	}
}

static cmdline_parse_token_string_t cmd_sc_show =
	TOKEN_STRING_INITIALIZER(struct cmd_show_channel_result, show, "show");
static cmdline_parse_token_string_t cmd_sc_channel = TOKEN_STRING_INITIALIZER(
	struct cmd_show_channel_result, channel, "channel");
static cmdline_parse_token_num_t cmd_sc_id =
	TOKEN_NUM_INITIALIZER(struct cmd_show_channel_result, id, RTE_UINT64);
static cmdline_parse_inst_t cmd_show_channel = {
	.f = cmd_show_channel_parsed,
	.help_str = "show channel <id>: slot, owner, seq and subscribers",
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
};

static void
sub_apply(struct cmd_sub_result *r, const struct rte_ether_addr *mac)
{
	const char *why = "";
	int rc;

	if (r->ip.family != AF_INET) {
		cli_fail("sub %s: only IPv4 subscribers", r->op);
		return;
	}
	if (r->port == 0) {
		cli_fail("sub %s: UDP port 0 is invalid", r->op);
		return;
	}
	if (strcmp(r->op, "add") == 0)
		rc = herald_sub_add(r->channel, r->subscriber, ip_host(&r->ip),
				    r->port, mac, &why);
	else
		rc = herald_sub_del(r->channel, r->subscriber, ip_host(&r->ip),
				    r->port, &why);
	if (rc < 0)
		cli_fail("sub: %s", why);
	else
		printf("sub %s: channel %" PRIu64 " subscriber %u %s\n", r->op,
		       r->channel, r->subscriber, rc == 1 ? "updated" : "done");
	fflush(stdout);
}

static void
cmd_sub_parsed(void *parsed, struct cmdline *cl __rte_unused,
	       void *data __rte_unused)
{
	sub_apply(parsed, NULL);
}

static void
cmd_sub_mac_parsed(void *parsed, struct cmdline *cl __rte_unused,
		   void *data __rte_unused)
{
	struct cmd_sub_result *r = parsed;

	sub_apply(r, &r->mac);
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
static cmdline_parse_inst_t cmd_sub_del = {
	.f = cmd_sub_parsed,
	.help_str = "sub del <channel> <subscriber> <ip> <port>: unsubscribe",
	.tokens = {(void *)&cmd_sub_sub, (void *)&cmd_sub_del_op,
		   (void *)&cmd_sub_channel, (void *)&cmd_sub_subscriber,
		   (void *)&cmd_sub_ip, (void *)&cmd_sub_port, NULL},
};

/* ---- pause at <n> / resume ---- */
struct cmd_pause_result {
	cmdline_fixed_string_t pause, at;
	uint64_t packets;
};

/* Every worker ended an iteration idle at the limit set by generation
 * gen[i], with everything it received sent. */
static bool
all_paused(const uint64_t *gen)
{
	unsigned int i;

	for (i = 0; i < herald.n_workers; i++)
		if (__atomic_load_n(&herald.workers[i]->paused_gen,
				    __ATOMIC_ACQUIRE) != gen[i])
			return false;
	return true;
}

static void
cmd_pause_parsed(void *parsed, struct cmdline *cl __rte_unused,
		 void *data __rte_unused)
{
	struct cmd_pause_result *r = parsed;
	uint64_t deadline = rte_get_tsc_cycles() +
			    rte_get_tsc_hz() / 1000 * PAUSE_TIMEOUT_MS;
	uint64_t gen[HERALD_MAX_WORKERS];
	unsigned int i;

	for (i = 0; i < herald.n_workers; i++) {
		struct herald_worker *w = herald.workers[i];

		w->pause_at = r->packets;
		gen[i] = __atomic_add_fetch(&w->pause_gen, 1, __ATOMIC_RELEASE);
	}
	while (!all_paused(gen)) {
		if (herald.force_quit || rte_get_tsc_cycles() > deadline) {
			cli_fail("pause at %s: not reached (input ended?)", "");
			return;
		}
		rte_delay_us_sleep(100);
	}
	printf("paused at %" PRIu64 " packets\n", r->packets);
	fflush(stdout);
}

static cmdline_parse_token_string_t cmd_pause_pause =
	TOKEN_STRING_INITIALIZER(struct cmd_pause_result, pause, "pause");
static cmdline_parse_token_string_t cmd_pause_at =
	TOKEN_STRING_INITIALIZER(struct cmd_pause_result, at, "at");
static cmdline_parse_token_num_t cmd_pause_n =
	TOKEN_NUM_INITIALIZER(struct cmd_pause_result, packets, RTE_UINT64);
static cmdline_parse_inst_t cmd_pause = {
	.f = cmd_pause_parsed,
	.help_str =
		"pause at <packets>: stop receiving after <packets> per worker",
	.tokens = {(void *)&cmd_pause_pause, (void *)&cmd_pause_at,
		   (void *)&cmd_pause_n, NULL},
};

struct cmd_one_result {
	cmdline_fixed_string_t a;
};

void
herald_cli_resume_workers(void)
{
	unsigned int i;

	for (i = 0; i < herald.n_workers; i++)
		herald.workers[i]->pause_at = UINT64_MAX;
}

static void
cmd_resume_parsed(void *res __rte_unused, struct cmdline *cl __rte_unused,
		  void *data __rte_unused)
{
	herald_cli_resume_workers();
	printf("resumed\n");
	fflush(stdout);
}

static cmdline_parse_token_string_t cmd_resume_tok =
	TOKEN_STRING_INITIALIZER(struct cmd_one_result, a, "resume");
static cmdline_parse_inst_t cmd_resume = {
	.f = cmd_resume_parsed,
	.help_str = "resume: undo pause",
	.tokens = {(void *)&cmd_resume_tok, NULL},
};

/* ---- quit ---- */
static void
cmd_quit_parsed(void *res __rte_unused, struct cmdline *cl,
		void *data __rte_unused)
{
	herald.force_quit = true;
	if (cl != NULL)
		cmdline_quit(cl);
}

static cmdline_parse_token_string_t cmd_quit_tok =
	TOKEN_STRING_INITIALIZER(struct cmd_one_result, a, "quit");
static cmdline_parse_inst_t cmd_quit = {
	.f = cmd_quit_parsed,
	.help_str = "quit: stop Herald",
	.tokens = {(void *)&cmd_quit_tok, NULL},
};

/* ---- show xdp / xdp slot ---- */
static void
cmd_show_xdp_parsed(void *res __rte_unused, struct cmdline *cl __rte_unused,
		    void *data __rte_unused)
{
	herald_xdp_show(stdout);
}

static cmdline_parse_token_string_t cmd_xdp_word =
	TOKEN_STRING_INITIALIZER(struct cmd_two_result, b, "xdp");
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
		cli_fail("xdp slot: %s", why);
	else
		printf("xdp slot %u: %s\n", r->slot, r->action);
	fflush(stdout);
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
		cli_fail("xdp slot: %s", "node address must be IPv4");
		return;
	}
	xdp_slot_apply(r, ip_host(&r->ip), &r->mac);
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

static cmdline_parse_ctx_t main_ctx[] = {
	&cmd_help,	    &cmd_show_stats,
	&cmd_clear_stats,   &cmd_show_lcores,
	&cmd_port_stats,    &cmd_show_channel,
	&cmd_sub_add,	    &cmd_sub_add_mac,
	&cmd_sub_del,	    &cmd_pause,
	&cmd_resume,	    &cmd_quit,
	&cmd_show_xdp,	    &cmd_xdp_slot,
	&cmd_xdp_slot_node, NULL,
};

static const char *
parse_status_str(int rc)
{
	switch (rc) {
	case CMDLINE_PARSE_AMBIGUOUS: return "ambiguous command";
	case CMDLINE_PARSE_NOMATCH: return "unknown command";
	case CMDLINE_PARSE_BAD_ARGS: return "bad arguments";
	default: return "cannot parse";
	}
}

int
herald_cli_run_file(const char *path)
{
	char line[1024];
	int lineno = 0, failed = 0;
	struct cmdline *cl;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		fprintf(stderr, "herald: cannot read command file %s\n", path);
		return -1;
	}
	cl = cmdline_new(main_ctx, "", -1, STDOUT_FILENO);
	if (cl == NULL) {
		fclose(f);
		return -1;
	}
	while (!herald.force_quit && fgets(line, sizeof(line), f) != NULL) {
		char *p = line;
		int rc;

		lineno++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == '\0')
			continue;
		printf("%s%s", PROMPT, p);
		cli_failures = 0;
		/* Success returns the parsed length, failures are < 0. */
		rc = cmdline_parse(cl, p);
		if (rc < 0) {
			fprintf(stderr, "herald: %s:%d: %s: %s", path, lineno,
				parse_status_str(rc), p);
			failed++;
		} else if (cli_failures != 0) {
			fprintf(stderr, "herald: %s:%d: command failed: %s",
				path, lineno, p);
			failed++;
		}
	}
	fflush(stdout);
	cmdline_free(cl);
	fclose(f);
	return failed;
}

struct cmdline *
herald_cli_stdin(void)
{
	return cmdline_stdin_new(main_ctx, PROMPT);
}

bool
herald_cli_poll(struct cmdline *cl)
{
	int st = cmdline_poll(cl);

	return st >= 0 && st != RDLINE_EXITED;
}

void
herald_cli_stdin_close(struct cmdline *cl)
{
	cmdline_stdin_exit(cl);
}
