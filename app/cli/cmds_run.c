/* SPDX-License-Identifier: BSD-3-Clause
 * CLI area "run": help, pause at, resume, quit.
 */
#include <inttypes.h>

#include "cli/cli_cmd.h"
#include "herald.h"

/* ---- help ---- */
static void
help(void *res __rte_unused, struct cmdline *cl __rte_unused,
     void *data __rte_unused)
{
	herald_cli_print_help(herald_cli_out());
}

static cmdline_parse_token_string_t tok_help =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, a, "help");
static cmdline_parse_inst_t cmd_help = {
	.f = help,
	.help_str = "help: this list",
	.tokens = {(void *)&tok_help, NULL},
};

/* ---- pause at <packets> ---- */
struct pause_result {
	cmdline_fixed_string_t pause, at;
	uint64_t packets;
};

static void
pause_at(void *parsed, struct cmdline *cl __rte_unused, void *data __rte_unused)
{
	struct pause_result *r = parsed;
	const char *why = "";

	if (herald_pause_at(r->packets, &why) < 0) {
		herald_cli_fail("pause at %" PRIu64 ": %s", r->packets, why);
		return;
	}
	fprintf(herald_cli_out(), "paused at %" PRIu64 " packets\n",
		r->packets);
	fflush(herald_cli_out());
}

static cmdline_parse_token_string_t tok_pause =
	TOKEN_STRING_INITIALIZER(struct pause_result, pause, "pause");
static cmdline_parse_token_string_t tok_at =
	TOKEN_STRING_INITIALIZER(struct pause_result, at, "at");
static cmdline_parse_token_num_t tok_packets =
	TOKEN_NUM_INITIALIZER(struct pause_result, packets, RTE_UINT64);
static cmdline_parse_inst_t cmd_pause = {
	.f = pause_at,
	.help_str = "pause at <packets>: stop each worker once it has "
		    "received <packets> in total, with everything before "
		    "it sent (replays)",
	.tokens = {(void *)&tok_pause, (void *)&tok_at, (void *)&tok_packets,
		   NULL},
};

/* ---- resume ---- */
static void
resume(void *res __rte_unused, struct cmdline *cl __rte_unused,
       void *data __rte_unused)
{
	herald_pause_release();
	fprintf(herald_cli_out(), "resumed\n");
	fflush(herald_cli_out());
}

static cmdline_parse_token_string_t tok_resume =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, a, "resume");
static cmdline_parse_inst_t cmd_resume = {
	.f = resume,
	.help_str = "resume: undo pause",
	.tokens = {(void *)&tok_resume, NULL},
};

/* ---- quit ---- */
static void
quit(void *res __rte_unused, struct cmdline *cl, void *data __rte_unused)
{
	herald.stop_requested = true;
	if (cl != NULL)
		cmdline_quit(cl);
}

static cmdline_parse_token_string_t tok_quit =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, a, "quit");
static cmdline_parse_inst_t cmd_quit = {
	.f = quit,
	.help_str = "quit: stop Herald",
	.tokens = {(void *)&tok_quit, NULL},
};

cmdline_parse_inst_t *herald_cli_cmds_run[] = {
	&cmd_help, &cmd_pause, &cmd_resume, &cmd_quit, NULL,
};
