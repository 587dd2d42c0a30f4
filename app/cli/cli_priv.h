/* SPDX-License-Identifier: BSD-3-Clause
 * The engine's parts (cli.c: tables, help, explanations; cli_source.c:
 * sources, command files, commands that complete later; cli_prompt.c:
 * the interactive prompt). Internal to cli/.
 */
#ifndef HERALD_CLI_PRIV_H
#define HERALD_CLI_PRIV_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/cli_cmd.h"

#define HERALD_CLI_PROMPT "herald> "
/* One line naming what was wrong. */
#define CLI_REASON_MAX 512
/* "load" inside "load": a file that loads itself stops here. */
#define CLI_LOAD_DEPTH 8

enum cli_kind {
	CLI_SRC_FILE,	/* --cmdline-file or "load" */
	CLI_SRC_PROMPT, /* -i */
	CLI_SRC_CLIENT, /* a control socket client */
};

enum cli_fail {
	CLI_FAIL_NONE,
	CLI_FAIL_CMD,	 /* the command said so (herald_cli_fail) */
	CLI_FAIL_PARSE,	 /* no command matches the line */
	CLI_FAIL_DEFECT, /* the line itself: too long, a NUL byte */
};

struct cli_file;

struct herald_cli_source {
	enum cli_kind kind;
	struct herald_cli_sink sink;
	FILE *out; /* the running command's output: to sink.out */
	bool json;
	bool closed; /* owner gone: freed once idle */
	bool dead;   /* to be freed by the service loop */
	bool busy;   /* a line's command is still running */
	/* The running line (no newline) and how it went. */
	char line[HERALD_CLI_LINE_MAX + 1];
	enum cli_fail fail;
	const char *status; /* CLI_FAIL_PARSE: rte_cmdline's verdict */
	char reason[CLI_REASON_MAX];
	herald_cli_poll_fn poll;
	uint64_t poll_arg;
	/* A file it runs with "load", and how that went. */
	struct herald_cli_source *child;
	unsigned int child_cmds, child_failed;
	struct cli_file *file; /* CLI_SRC_FILE */
	struct herald_cli_source *next;
};

/* ---- cli.c ---- */
/* The parser every source runs its lines through (main context). */
extern struct cmdline *herald_cli_parser;
/* Why line does not parse (rc < 0 from cmdline_parse): the verdict and
 * one line naming what is wrong, with the syntax that would be right. */
const char *cli_explain(const char *line, int rc, char *buf, size_t len);

/* ---- cli_source.c ---- */
/* The source whose command is running (NULL between commands). */
extern struct herald_cli_source *cli_cur;
struct herald_cli_source *cli_source_add(enum cli_kind kind,
					 const struct herald_cli_sink *sink);
/* A line of a source (len bytes, no newline). */
void cli_source_run(struct herald_cli_source *s, const char *text, size_t len);
/* Refuse a line the source could not read whole (why: one line). */
void cli_source_reject(struct herald_cli_source *s, const char *why);
void cli_source_free_all(void);

/* ---- cli_prompt.c ---- */
int cli_prompt_open(void);
void cli_prompt_poll(void);
void cli_prompt_close(void);

#endif /* HERALD_CLI_PRIV_H */
