/* SPDX-License-Identifier: BSD-3-Clause
 * CLI area "run": help, pause at, resume, stop, start, load, quit.
 * "pause at", "stop", "start" and "load" complete later: their source is
 * parked (herald_cli_defer) and the control loop goes on.
 */
#include <inttypes.h>
#include <string.h>

#include <rte_cycles.h>

#include "cli/cli_cmd.h"
#include "herald.h"

/* A multi-word argument (the rest of the line). */
struct rest_result {
	cmdline_fixed_string_t word;
	cmdline_multi_string_t rest;
};

/* rest without the blanks around it. */
static char *
trimmed(char *rest)
{
	char *e;

	while (*rest == ' ' || *rest == '\t')
		rest++;
	e = rest + strlen(rest);
	while (e > rest && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return rest;
}

/* ---- help [<words>] ---- */
static void
help(void *res __rte_unused, struct cmdline *cl __rte_unused,
     void *data __rte_unused)
{
	herald_cli_print_help(herald_cli_out(), "");
}

static void
help_words(void *parsed, struct cmdline *cl __rte_unused,
	   void *data __rte_unused)
{
	struct rest_result *r = parsed;
	const char *prefix = trimmed(r->rest);

	if (herald_cli_print_help(herald_cli_out(), prefix) == 0)
		herald_cli_fail("help %s: no command starts with '%s'", prefix,
				prefix);
}

static cmdline_parse_token_string_t tok_help =
	TOKEN_STRING_INITIALIZER(struct rest_result, word, "help");
static cmdline_parse_token_string_t tok_help_words =
	TOKEN_STRING_INITIALIZER(struct rest_result, rest, TOKEN_STRING_MULTI);
static cmdline_parse_inst_t cmd_help = {
	.f = help,
	.help_str = "help: this list",
	.tokens = {(void *)&tok_help, NULL},
};
static cmdline_parse_inst_t cmd_help_words = {
	.f = help_words,
	.help_str = "help <words>: the commands that start with <words>",
	.tokens = {(void *)&tok_help, (void *)&tok_help_words, NULL},
};

/* ---- pause at <packets> ---- */
struct pause_result {
	cmdline_fixed_string_t pause, at;
	uint64_t packets;
};

static int
pause_poll(uint64_t packets)
{
	const char *why = "";
	int rc = herald_pause_poll(&why);

	if (rc == 0)
		return 0;
	if (rc < 0) {
		herald_cli_fail("pause at %" PRIu64 ": %s", packets, why);
		return -1;
	}
	/* Not an acknowledgement: replays read where herald paused. */
	fprintf(herald_cli_out(), "paused at %" PRIu64 " packets\n", packets);
	return 1;
}

static void
pause_at(void *parsed, struct cmdline *cl __rte_unused, void *data __rte_unused)
{
	struct pause_result *r = parsed;
	const char *why = "";

	if (!herald_lcores_forwarding_on()) {
		herald_cli_fail("pause at %" PRIu64 ": forwarding is stopped "
				"(start first)",
				r->packets);
		return;
	}
	if (herald_pause_start(r->packets, &why) < 0) {
		herald_cli_fail("pause at %" PRIu64 ": %s", r->packets, why);
		return;
	}
	herald_cli_defer(pause_poll, r->packets);
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
		    "it sent (replays); prints paused at <packets> packets",
	.tokens = {(void *)&tok_pause, (void *)&tok_at, (void *)&tok_packets,
		   NULL},
};

/* ---- resume ---- */
static void
resume(void *res __rte_unused, struct cmdline *cl __rte_unused,
       void *data __rte_unused)
{
	if (herald_pause_pending()) {
		herald_cli_fail("resume: a pause is still on its way (its "
				"source waits for it)");
		return;
	}
	herald_pause_release();
	herald_cli_ack("resumed\n");
}

static cmdline_parse_token_string_t tok_resume =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, a, "resume");
static cmdline_parse_inst_t cmd_resume = {
	.f = resume,
	.help_str = "resume: undo pause",
	.tokens = {(void *)&tok_resume, NULL},
};

/* ---- stop / start ---- */

/* arg: the TSC deadline. */
static int
forwarding_poll(uint64_t deadline)
{
	bool on = herald_lcores_forwarding_on();

	if (!herald_lcores_forwarding_settled()) {
		if (rte_get_tsc_cycles() < deadline && !herald.force_quit &&
		    !herald.stop_requested)
			return 0;
		herald_cli_fail("%s: the workers did not %s within %u ms",
				on ? "start" : "stop",
				on ? "come back" : "stop",
				HERALD_PAUSE_TIMEOUT_MS);
		return -1;
	}
	herald_cli_ack("forwarding %s\n", on ? "started" : "stopped");
	return 1;
}

static void
forwarding(bool on)
{
	if (on == herald_lcores_forwarding_on() &&
	    herald_lcores_forwarding_settled()) {
		herald_cli_ack("forwarding already %s\n",
			       on ? "started" : "stopped");
		return;
	}
	herald_lcores_forwarding(on);
	herald_cli_defer(forwarding_poll,
			 rte_get_tsc_cycles() +
				 rte_get_tsc_hz() / 1000 *
					 HERALD_PAUSE_TIMEOUT_MS);
}

static void
stop(void *res __rte_unused, struct cmdline *cl __rte_unused,
     void *data __rte_unused)
{
	forwarding(false);
}

static void
start(void *res __rte_unused, struct cmdline *cl __rte_unused,
      void *data __rte_unused)
{
	forwarding(true);
}

static cmdline_parse_token_string_t tok_stop =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, a, "stop");
static cmdline_parse_token_string_t tok_start =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, a, "start");
static cmdline_parse_inst_t cmd_stop = {
	.f = stop,
	.help_str = "stop: pause forwarding: workers receive nothing more, "
		    "finish what they hold and go RCU-offline",
	.tokens = {(void *)&tok_stop, NULL},
};
static cmdline_parse_inst_t cmd_start = {
	.f = start,
	.help_str = "start: forward again after stop",
	.tokens = {(void *)&tok_start, NULL},
};

/* ---- load <file> ---- */
static void
load(void *parsed, struct cmdline *cl __rte_unused, void *data __rte_unused)
{
	struct rest_result *r = parsed;
	const char *path = trimmed(r->rest);

	if (*path == '\0') {
		herald_cli_fail("load: which file?");
		return;
	}
	herald_cli_load(path);
}

static cmdline_parse_token_string_t tok_load =
	TOKEN_STRING_INITIALIZER(struct rest_result, word, "load");
static cmdline_parse_token_string_t tok_load_path =
	TOKEN_STRING_INITIALIZER(struct rest_result, rest, TOKEN_STRING_MULTI);
static cmdline_parse_inst_t cmd_load = {
	.f = load,
	.help_str = "load <file>: run a command file (path as herald sees it) "
		    "quietly: its errors, the output of its show commands, "
		    "one summary line",
	.tokens = {(void *)&tok_load, (void *)&tok_load_path, NULL},
};

/* ---- quit ---- */
static void
quit(void *res __rte_unused, struct cmdline *cl __rte_unused,
     void *data __rte_unused)
{
	/* A stop that drains first: what was received is handled. */
	herald.stop_requested = true;
	herald_cli_ack("stopping herald\n");
}

static cmdline_parse_token_string_t tok_quit =
	TOKEN_STRING_INITIALIZER(struct herald_cli_words, a, "quit");
static cmdline_parse_inst_t cmd_quit = {
	.f = quit,
	.help_str = "quit: stop Herald",
	.tokens = {(void *)&tok_quit, NULL},
};

cmdline_parse_inst_t *herald_cli_cmds_run[] = {
	&cmd_help,  &cmd_help_words, &cmd_pause, &cmd_resume, &cmd_stop,
	&cmd_start, &cmd_load,	     &cmd_quit,	 NULL,
};
