/* SPDX-License-Identifier: BSD-3-Clause
 * testpmd-style CLI on rte_cmdline. Each command area (cli/cmds_*.c)
 * exports its own table; "help" and docs/CLI.md are generated from the
 * tables.
 *
 * Commands come from sources: the startup command file (--cmdline-file),
 * files run by "load", the interactive prompt (-i) and the clients of the
 * control socket (control/ctlsock.c). Each source gets the output and the
 * errors of its own commands only, runs one line at a time, and is parked
 * while its command completes later ("pause at", "stop", "load"): the
 * control loop calls herald_cli_service() every iteration and never
 * blocks on a command.
 */
#ifndef HERALD_CLI_H
#define HERALD_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Longest command line (without its newline), in files and on the
 * socket. */
#define HERALD_CLI_LINE_MAX 1023

/* Assemble the command tables; 0 or -1. */
int herald_cli_init(void);
/* Close the prompt (the terminal is restored) and free every source. */
void herald_cli_free(void);

/*
 * Start: the command file (NULL: none) runs first, with the workers held
 * at packet 0 until it is done; then they are released and, if
 * interactive, the prompt opens. Every line of the file runs or is
 * rejected with file:line on stderr; a failed line makes herald stop
 * before any traffic (herald_cli_exit_code() 2). Returns 0, or -1 if the
 * file cannot be read (printed).
 */
int herald_cli_start(const char *cmdline_file, bool interactive);

/* Once per control-loop iteration: the prompt's input, command files,
 * commands that complete later. Never blocks. */
void herald_cli_service(void);

/* The startup command file is still running: the workers are held (at
 * its pause points), and the control socket serves nobody yet. */
bool herald_cli_starting(void);

/* 0, or 2 once a line of the startup command file failed. */
int herald_cli_exit_code(void);

/* ---- sources fed by other modules (the control socket) ---- */

/* Where a source's answers go. */
struct herald_cli_sink {
	/* Output of the running command: lines, each ending in '\n'
	 * (the engine ends an unterminated last line). */
	void (*out)(void *ctx, const char *buf, size_t len);
	/* One line naming what was wrong (no newline). */
	void (*err)(void *ctx, const char *line);
	/* The line's command finished; ok unless it failed. */
	void (*done)(void *ctx, bool ok);
	void *ctx;
};

struct herald_cli_source;

struct herald_cli_source *
herald_cli_source_new(const struct herald_cli_sink *s);
/*
 * Run one line (len bytes, no newline; empty lines and comments are
 * answered with done(ok) alone). Its answer goes to the sink, ending with
 * done(), now or from a later herald_cli_service(); until then the
 * source is busy and takes no line.
 */
void herald_cli_source_line(struct herald_cli_source *src, const char *line,
			    size_t len);
bool herald_cli_source_busy(const struct herald_cli_source *src);
/* The owner is gone: its sink is never called again; the source is freed
 * once its running command (if any) has finished. */
void herald_cli_source_close(struct herald_cli_source *src);

/* ---- docs/CLI.md (tools/herald-cli-doc) ---- */
/* Names of the command areas, NULL-terminated. */
extern const char *const herald_cli_area_names[];
/* The markdown list of one area's commands; -1 if no such area. */
int herald_cli_doc_area(FILE *out, const char *area);

#endif /* HERALD_CLI_H */
